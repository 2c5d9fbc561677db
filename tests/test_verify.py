"""network-trail verify against botocore's Stubber: responses are checked against botocore's service models.

Healthy, drifted and failing-delivery trails; the policy statements are the ones the CloudTrail User Guide
shows ("Amazon S3 bucket policy for CloudTrail", "Configure AWS KMS key policies for CloudTrail").
Nothing here has run against AWS.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.stub import Stubber
from click.testing import CliRunner

from network_trail import cli, presets, render_selectors
from network_trail.cli import _verify
from network_trail.cli._inputs import SelectorInput, SelectorOptions
from network_trail.cli._verify_checks import verify_trail

PROD = Path(__file__).parent / "__snapshots__" / "test_snapshot" / "test_sample_app_environment[prod].json"
ACCOUNT = "123456789012"
NAME = "NetworkTrailprod-NetworkTrail-E0393579"  # the TrailName of the prod template
TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/{NAME}"
BUCKET = "network-trail-logs"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
LOG_GROUP = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:network-trail:*"
WHEN = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def bucket_policy(trail_arn: str = TRAIL_ARN, write: bool = True) -> str:
    # UG-S3POL: GetBucketAcl on the bucket, PutObject on AWSLogs/<account>/*, both on aws:SourceArn.
    statements: list[dict[str, Any]] = [
        {
            "Sid": "AWSCloudTrailAclCheck20150319",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": f"arn:aws:s3:::{BUCKET}",
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
        }
    ]
    if write:
        statements.append(
            {
                "Sid": "AWSCloudTrailWrite20150319",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/AWSLogs/{ACCOUNT}/*",
                "Condition": {
                    "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}
                },
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def key_policy() -> str:
    # UG-KMSPOL: kms:GenerateDataKey* with the CloudTrail encryption context, kms:DescribeKey.
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Allow CloudTrail to encrypt logs",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "kms:GenerateDataKey*",
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {"aws:SourceArn": TRAIL_ARN},
                        "StringLike": {
                            "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"
                        },
                    },
                },
                {
                    "Sid": "Allow CloudTrail access",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "kms:DescribeKey",
                    "Resource": "*",
                },
            ],
        }
    )


def template_selectors() -> list[dict[str, Any]]:
    resources = json.loads(PROD.read_text())["Resources"]
    selectors: list[dict[str, Any]] = resources["NetworkTrail240EFFCB"]["Properties"][
        "AdvancedEventSelectors"
    ]
    return selectors


@dataclass
class Aws:
    cloudtrail: Any
    s3: Any
    kms: Any
    stubs: list[Stubber]

    def respond(
        self,
        *,
        trail: dict[str, Any] | None = None,
        status: dict[str, Any] | None = None,
        selectors: list[dict[str, Any]] | None = None,
        bucket: str | None = None,
        key: str | None = None,
    ) -> None:
        ct, s3, kms = self.stubs
        by_name = {"Name": NAME}
        trail = {
            "Name": NAME,
            "S3BucketName": BUCKET,
            "TrailARN": TRAIL_ARN,
            "IsMultiRegionTrail": True,
            "LogFileValidationEnabled": True,
            "CloudWatchLogsLogGroupArn": LOG_GROUP,
            "KmsKeyId": KEY_ARN,
            "HomeRegion": "us-east-1",
            **(trail or {}),
        }
        ct.add_response("get_trail", {"Trail": trail}, by_name)
        healthy = {
            "IsLogging": True,
            "LatestDeliveryTime": WHEN,
            "LatestDigestDeliveryTime": WHEN,
            "LatestCloudWatchLogsDeliveryTime": WHEN,
        }
        ct.add_response("get_trail_status", {**healthy, **(status or {})}, by_name)
        live = template_selectors() if selectors is None else selectors
        ct.add_response(
            "get_event_selectors",
            {"TrailARN": TRAIL_ARN, "AdvancedEventSelectors": live},
            {"TrailName": NAME},
        )
        s3.add_response("get_bucket_policy", {"Policy": bucket or bucket_policy()}, {"Bucket": BUCKET})
        kms.add_response(
            "get_key_policy", {"Policy": key or key_policy()}, {"KeyId": KEY_ARN, "PolicyName": "default"}
        )


@pytest.fixture
def aws() -> Iterator[Aws]:
    session = botocore.session.get_session()
    clients = [
        session.create_client(
            service, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
        )
        for service in ("cloudtrail", "s3", "kms")
    ]
    stubs = [Stubber(c) for c in clients]
    for stub in stubs:
        stub.activate()
    yield Aws(*clients, stubs)
    for stub in stubs:
        stub.assert_no_pending_responses()
        stub.deactivate()


@pytest.fixture
def expected() -> SelectorInput:
    (item,) = SelectorOptions(order=(("template", PROD),)).load()
    return item


def verify(aws: Aws, expected: SelectorInput) -> dict[str, tuple[str, str]]:
    report = verify_trail(
        expected, trail_name=NAME, cloudtrail=aws.cloudtrail, s3=aws.s3, kms=aws.kms, multi_region=True
    )
    return {c.name: (c.status, c.detail) for c in report.checks}


def test_a_healthy_trail_passes_every_check(aws: Aws, expected: SelectorInput) -> None:
    aws.respond()
    checks = verify(aws, expected)
    assert {name: status for name, (status, _) in checks.items()} == {
        "trail exists": "ok",
        "logging": "ok",
        "multi-Region": "ok",
        "selectors": "ok",
        "S3 delivery": "ok",
        "digest delivery": "ok",
        "CloudWatch Logs delivery": "ok",
        "bucket policy": "ok",
        "key policy": "ok",
    }


def test_drifted_selectors_fail_with_the_difference(aws: Aws, expected: SelectorInput) -> None:
    drifted = template_selectors()[:-1]  # someone removed the last selector in the console
    aws.respond(selectors=drifted)
    status, detail = verify(aws, expected)["selectors"]
    assert status == "fail"
    assert "has drifted from template" in detail
    assert f"- removed  {template_selectors()[-1]['Name']}" in detail


def test_failing_deliveries_fail_with_cloudtrails_error(aws: Aws, expected: SelectorInput) -> None:
    aws.respond(
        status={
            "LatestDeliveryError": "AccessDenied",
            "LatestCloudWatchLogsDeliveryError": "AccessDeniedException",
        }
    )
    checks = verify(aws, expected)
    assert checks["S3 delivery"][0] == "fail"
    assert "'AccessDenied'" in checks["S3 delivery"][1]
    assert checks["CloudWatch Logs delivery"][0] == "fail"
    assert checks["digest delivery"][0] == "ok"


def test_a_stopped_single_region_trail_fails(aws: Aws, expected: SelectorInput) -> None:
    aws.respond(trail={"IsMultiRegionTrail": False}, status={"IsLogging": False})
    checks = verify(aws, expected)
    assert checks["logging"][0] == "fail"
    assert checks["multi-Region"] == (
        "fail",
        "the trail is single-Region, the template says multi-Region: deploy again",
    )


def test_a_bucket_policy_without_put_object_fails(aws: Aws, expected: SelectorInput) -> None:
    aws.respond(bucket=bucket_policy(write=False))
    status, detail = verify(aws, expected)["bucket policy"]
    assert status == "fail"
    assert f"s3:PutObject on arn:aws:s3:::{BUCKET}/AWSLogs/{ACCOUNT}/" in detail


def test_a_bucket_policy_for_another_trail_fails(aws: Aws, expected: SelectorInput) -> None:
    other = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/other"
    aws.respond(bucket=bucket_policy(trail_arn=other))
    assert verify(aws, expected)["bucket policy"][0] == "fail"


def test_a_missing_trail_stops_at_the_first_check(aws: Aws, expected: SelectorInput) -> None:
    aws.stubs[0].add_client_error(
        "get_trail", service_error_code="TrailNotFoundException", service_message=f"Unknown trail: {NAME}"
    )
    report = verify_trail(expected, trail_name=NAME, cloudtrail=aws.cloudtrail, s3=aws.s3, kms=aws.kms)
    assert not report.ok
    assert [(c.name, c.status) for c in report.checks] == [("trail exists", "fail")]
    assert "TrailNotFoundException" in report.checks[0].detail


# ---------------------------------------------------------------------------
# The command


def run_verify(aws: Aws, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    monkeypatch.setattr(_verify, "_aws_clients", lambda region, profile: (aws.cloudtrail, aws.s3, aws.kms))
    return CliRunner().invoke(cli.main, ["verify", *args], catch_exceptions=False)


def test_verify_command_exits_0_on_a_healthy_trail(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    aws.respond()
    result = run_verify(aws, monkeypatch, "--template", str(PROD))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "all checks passed"


def test_verify_command_exits_1_on_drift_with_json(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    aws.respond(selectors=render_selectors(presets.ga_access_denied()))
    result = run_verify(aws, monkeypatch, "--template", str(PROD), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert [c["name"] for c in report["checks"] if c["status"] == "fail"] == ["selectors"]


def test_verify_needs_a_trail_name_when_the_input_has_none(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_verify(aws, monkeypatch, "--preset", "access-denied", "--source", "ga")
    assert result.exit_code == 2
    assert "pass --trail-name NAME" in result.stderr


def test_verify_without_boto3_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # import boto3 raises ImportError
    args = ["verify", "--template", str(PROD)]
    result = CliRunner().invoke(cli.main, args, catch_exceptions=False)
    assert result.exit_code == 2
    assert "pip install 'network-trail[verify]'" in result.stderr


# The S3 data selector of the first PutEventSelectors example of the API reference
# (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html).
S3_DATA = {
    "Name": "S3 data events for one bucket",
    "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::amzn-s3-demo-bucket/"]},
    ],
}


def test_a_trail_with_a_data_selector_is_verified(aws: Aws, tmp_path: Path) -> None:
    # GIVEN a template whose trail also holds a data selector, deployed as it is
    document = json.loads(PROD.read_text())
    document["Resources"]["NetworkTrail240EFFCB"]["Properties"]["AdvancedEventSelectors"].append(S3_DATA)
    template = tmp_path / "Stack.template.json"
    template.write_text(json.dumps(document))
    (expected,) = SelectorOptions(order=(("template", template),)).load()
    aws.respond(selectors=[*template_selectors(), S3_DATA])
    # THEN every check passes, the selectors included
    assert verify(aws, expected)["selectors"][0] == "ok"


def test_a_removed_data_selector_is_drift(aws: Aws, tmp_path: Path) -> None:
    document = json.loads(PROD.read_text())
    document["Resources"]["NetworkTrail240EFFCB"]["Properties"]["AdvancedEventSelectors"].append(S3_DATA)
    template = tmp_path / "Stack.template.json"
    template.write_text(json.dumps(document))
    (expected,) = SelectorOptions(order=(("template", template),)).load()
    aws.respond()  # the live trail lacks the data selector
    status, detail = verify(aws, expected)["selectors"]
    assert status == "fail"
    assert "S3 data events for one bucket" in detail
