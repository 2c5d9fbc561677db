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
from network_trail.cli._verify_checks import ArchiveTarget, VerifyReport, verify_archive, verify_trail

PROD = Path(__file__).parent / "__snapshots__" / "test_snapshot" / "test_sample_app_environment[prod].json"
ACCOUNT = "123456789012"
NAME = "NetworkTrailprod-NetworkTrail-E0393579"  # the TrailName of the prod template
TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/{NAME}"
BUCKET = "network-trail-logs"
KEY_ARN = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
LOG_GROUP = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:network-trail:*"
WHEN = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


UG = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide"
ORG = "o-a1b2c3d4e5"
MANAGEMENT = "444444444444"
DELEGATED = "555555555555"  # a delegated administrator: a member account
ARCHIVE = "777777777777"
ORG_TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/org-network-activity"
ARCHIVE_KEY_ARN = f"arn:aws:kms:us-east-1:{ARCHIVE}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ARCHIVE_BUCKET = f"network-trail-archive-{ARCHIVE}"
SHORT = f"{ACCOUNT}/{NAME}"  # how the request table names a trail: <account>/<name>
ORG_SHORT = f"{MANAGEMENT}/org-network-activity"


def _tls_only(bucket: str) -> dict[str, Any]:
    # The aws:SecureTransport deny of the IAM User Guide's global condition keys page
    # (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport).
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def bucket_policy(
    trail_arn: str = TRAIL_ARN, write: bool = True, bucket: str = BUCKET, org_path: str | None = None
) -> str:
    # UG-S3POL (create-s3-bucket-policy-for-cloudtrail.html): GetBucketAcl on the bucket, PutObject on
    # AWSLogs/<account>/* (an organization trail: AWSLogs/<o-id>/*), both on aws:SourceArn; plus the TLS deny.
    statements: list[dict[str, Any]] = [
        {
            "Sid": "AWSCloudTrailAclCheck20150319",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": f"arn:aws:s3:::{bucket}",
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
        },
        _tls_only(bucket),
    ]
    if write:
        path = org_path or f"AWSLogs/{ACCOUNT}"
        statements.append(
            {
                "Sid": "AWSCloudTrailWrite20150319",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/{path}/*",
                "Condition": {
                    "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}
                },
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def key_policy(trail_arn: str = TRAIL_ARN, context_account: str = ACCOUNT, decrypt: bool = True) -> str:
    # UG-KMSPOL (create-kms-key-policy-for-cloudtrail.html): kms:GenerateDataKey* with the CloudTrail
    # encryption context of the trail owner's account and aws:SourceArn; kms:DescribeKey on aws:SourceArn.
    # The page requires kms:Decrypt with an S3 Bucket Key but shows no statement: this one is the library's
    # (AllowCloudTrailToDecryptForBucketKey, aws:SourceArn).
    source = {"aws:SourceArn": trail_arn}
    statements: list[dict[str, Any]] = [
        {
            "Sid": "Allow CloudTrail to encrypt logs",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "StringEquals": source,
                "StringLike": {
                    "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{context_account}:trail/*"
                },
            },
        },
        {
            "Sid": "Allow CloudTrail to describe key",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": source},
        },
    ]
    if decrypt:
        statements.append(
            {
                "Sid": "AllowCloudTrailToDecryptForBucketKey",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {"StringEquals": source},
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def template_selectors() -> list[dict[str, Any]]:
    resources = json.loads(PROD.read_text())["Resources"]
    selectors: list[dict[str, Any]] = resources["NetworkTrail240EFFCB"]["Properties"][
        "AdvancedEventSelectors"
    ]
    return selectors


def stub_error(stub: Stubber, operation: str, code: str, message: str, status: int) -> None:
    """An error response as the service's API reference documents it (code, message, HTTP status)."""
    stub.add_client_error(
        operation, service_error_code=code, service_message=message, http_status_code=status
    )


@dataclass
class Aws:
    cloudtrail: Any
    s3: Any
    kms: Any
    sts: Any
    organizations: Any
    stubs: list[Stubber]

    def caller(self, account: str = ACCOUNT) -> None:
        # STS API reference, GetCallerIdentity: UserId, Account, Arn.
        # https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
        self.stubs[3].add_response(
            "get_caller_identity",
            {
                "UserId": "AROAEXAMPLEID:verify",
                "Account": account,
                "Arn": f"arn:aws:sts::{account}:assumed-role/audit/verify",
            },
            {},
        )

    def not_in_an_organization(self) -> None:
        # Organizations API reference, DescribeOrganization errors: AWSOrganizationsNotInUseException,
        # "Your account isn't a member of an organization." (HTTP 400)
        # https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html
        stub_error(
            self.stubs[4],
            "describe_organization",
            "AWSOrganizationsNotInUseException",
            "Your account isn't a member of an organization.",
            400,
        )

    def in_organization(self) -> None:
        # DescribeOrganization's Organization: Id, Arn, MasterAccountId (callable from any member account)
        self.stubs[4].add_response(
            "describe_organization",
            {
                "Organization": {
                    "Id": ORG,
                    "Arn": f"arn:aws:organizations::{MANAGEMENT}:organization/{ORG}",
                    "MasterAccountId": MANAGEMENT,
                }
            },
            {},
        )

    def trail_calls(
        self, trail: dict[str, Any], *, name: str, status: dict[str, Any], selectors: list[dict[str, Any]]
    ) -> None:
        """GetTrail by ``name``; GetTrailStatus and GetEventSelectors by the ARN GetTrail returned."""
        arn = trail["TrailARN"]
        ct = self.stubs[0]
        ct.add_response("get_trail", {"Trail": trail}, {"Name": name})
        ct.add_response("get_trail_status", status, {"Name": arn})
        ct.add_response(
            "get_event_selectors", {"TrailARN": arn, "AdvancedEventSelectors": selectors}, {"TrailName": arn}
        )

    def bucket_of_another_account(self) -> None:
        # S3 API reference, GetBucketPolicy: "If you have the correct permissions, but you're not using an
        # identity that belongs to the bucket owner's account, Amazon S3 returns a 405 Method Not Allowed error."
        # Error code MethodNotAllowed: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
        stub_error(
            self.stubs[1],
            "get_bucket_policy",
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
            405,
        )

    def respond(
        self,
        *,
        trail: dict[str, Any] | None = None,
        status: dict[str, Any] | None = None,
        selectors: list[dict[str, Any]] | None = None,
        bucket: str | None = None,
        key: str | None = None,
        caller: str = ACCOUNT,
    ) -> None:
        s3, kms = self.stubs[1:3]
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
        healthy = {
            "IsLogging": True,
            "LatestDeliveryTime": WHEN,
            "LatestDigestDeliveryTime": WHEN,
            "LatestCloudWatchLogsDeliveryTime": WHEN,
        }
        live = template_selectors() if selectors is None else selectors
        self.trail_calls(trail, name=NAME, status={**healthy, **(status or {})}, selectors=live)
        self.caller(caller)
        self.not_in_an_organization()
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
        for service in ("cloudtrail", "s3", "kms", "sts", "organizations")
    ]
    stubs = [Stubber(c) for c in clients]
    for stub in stubs:
        stub.activate()
    cloudtrail, s3, kms, sts, organizations = clients
    yield Aws(cloudtrail, s3, kms, sts, organizations, stubs)
    for stub in stubs:
        stub.assert_no_pending_responses()
        stub.deactivate()


@pytest.fixture
def expected() -> SelectorInput:
    (item,) = SelectorOptions(order=(("template", PROD),)).load()
    return item


def report_of(aws: Aws, expected: SelectorInput, trail_name: str = NAME, **options: Any) -> VerifyReport:
    """verify_trail with the stubbed clients."""
    return verify_trail(
        expected,
        trail_name=trail_name,
        cloudtrail=aws.cloudtrail,
        s3=aws.s3,
        kms=aws.kms,
        sts=aws.sts,
        organizations=aws.organizations,
        **options,
    )


def verify(aws: Aws, expected: SelectorInput, **options: Any) -> dict[str, tuple[str, str]]:
    report = report_of(aws, expected, multi_region=True, **options)
    return {c.name: (c.status, c.detail) for c in report.checks}


def policy_statuses(checks: dict[str, tuple[str, str]], kind: str) -> dict[str, str]:
    return {name: status for name, (status, _) in checks.items() if name.startswith(f"{kind}: ")}


def test_a_healthy_trail_passes_every_check(aws: Aws, expected: SelectorInput) -> None:
    aws.respond()
    checks = verify(aws, expected)
    assert {name: status for name, (status, _) in checks.items() if ": " not in name} == {
        "trail exists": "ok",
        "logging": "ok",
        "multi-Region": "ok",
        "selectors": "ok",
        "S3 delivery": "ok",
        "digest delivery": "ok",
        "CloudWatch Logs delivery": "ok",
    }  # no "organization" check: an account outside any organization is not an error
    # Every request of the delivery table on both policies, the required and the forbidden ones
    bucket, key = policy_statuses(checks, "bucket policy"), policy_statuses(checks, "key policy")
    assert set(bucket.values()) == set(key.values()) == {"ok"}
    assert f"bucket policy: GetBucketAcl by trail {SHORT}" in bucket
    assert f"bucket policy: PutObject AWSLogs/{ACCOUNT}/ by trail {SHORT}" in bucket
    assert f"key policy: Decrypt (S3 Bucket Key) by trail {SHORT}" in key
    assert any(
        name.startswith("bucket policy: PutObject AWSLogs/123456789012/ over plain HTTP") for name in bucket
    )
    assert any(
        name.startswith("key policy: GenerateDataKey by another account's trail 210987654321/")
        for name in key
    )


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
    status, detail = verify(aws, expected)[f"bucket policy: PutObject AWSLogs/{ACCOUNT}/ by trail {SHORT}"]
    assert status == "fail"
    assert detail.startswith("required: s3:PutObject IMPLICIT_DENY by -")
    assert f"{UG}/create-s3-bucket-policy-for-cloudtrail.html" in detail


def test_a_bucket_policy_for_another_trail_fails(aws: Aws, expected: SelectorInput) -> None:
    other = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/other"
    aws.respond(bucket=bucket_policy(trail_arn=other))
    failed = [n for n, s in policy_statuses(verify(aws, expected), "bucket policy").items() if s == "fail"]
    assert failed == [
        f"bucket policy: GetBucketAcl by trail {SHORT}",
        f"bucket policy: PutObject AWSLogs/{ACCOUNT}/ by trail {SHORT}",
    ]


def test_a_key_without_decrypt_fails_only_with_a_bucket_key(aws: Aws, expected: SelectorInput) -> None:
    # UG-KMSPOL: "If you are using an existing S3 bucket with an S3 Bucket Key, kms:Decrypt permissions are
    # required to create or update a trail with SSE-KMS encryption enabled."
    decrypt = f"key policy: Decrypt (S3 Bucket Key) by trail {SHORT}"
    aws.respond(key=key_policy(decrypt=False))
    assert verify(aws, expected)[decrypt][0] == "fail"
    aws.respond(key=key_policy(decrypt=False))
    checks = verify(aws, expected, bucket_key=False)
    assert decrypt not in checks
    assert set(policy_statuses(checks, "key policy").values()) == {"ok"}


def test_a_missing_trail_stops_at_the_first_check_and_names_the_arn_form(
    aws: Aws, expected: SelectorInput
) -> None:
    # CloudTrail API reference, GetTrail errors: TrailNotFoundException, "This exception is thrown when the
    # trail with the given name is not found." (HTTP 400)
    stub_error(aws.stubs[0], "get_trail", "TrailNotFoundException", f"Unknown trail: {NAME}", 400)
    report = verify_trail(
        expected, trail_name=NAME, cloudtrail=aws.cloudtrail, s3=aws.s3, kms=aws.kms, sts=aws.sts
    )
    assert not report.ok
    assert [(c.name, c.status) for c in report.checks] == [("trail exists", "fail")]
    detail = report.checks[0].detail
    assert detail.startswith(f"TrailNotFoundException: Unknown trail: {NAME}. For an organization trail")
    assert "API_GetTrailStatus.html" in detail


# ---------------------------------------------------------------------------
# The multi-account world: what this account cannot read is checked by the archive account


def org_trail(**more: Any) -> dict[str, Any]:
    return {
        "Name": "org-network-activity",
        "TrailARN": ORG_TRAIL_ARN,
        "S3BucketName": ARCHIVE_BUCKET,
        "KmsKeyId": ARCHIVE_KEY_ARN,
        "IsOrganizationTrail": True,
        **more,
    }


def test_a_central_archive_is_reported_for_the_archive_account_with_its_command(
    aws: Aws, expected: SelectorInput
) -> None:
    # GIVEN an organization trail seen from a delegated administrator's account, writing to an archive account
    status = {"IsLogging": True, "LatestDeliveryTime": WHEN}
    aws.trail_calls(org_trail(), name=ORG_TRAIL_ARN, status=status, selectors=template_selectors())
    aws.caller(DELEGATED)
    aws.in_organization()
    aws.bucket_of_another_account()
    # WHEN verify runs there with the trail's ARN (no GetKeyPolicy: the key is the archive's)
    report = report_of(aws, expected, ORG_TRAIL_ARN)
    # THEN both policies are the archive account's to check, with the exact command, and nothing fails
    checks = {c.name: (c.status, c.detail) for c in report.checks}
    assert report.ok
    assert checks["bucket policy"][0] == checks["key policy"][0] == "archive"
    assert "405 MethodNotAllowed" in checks["bucket policy"][1]
    assert "API_GetBucketPolicy.html" in checks["bucket policy"][1]
    assert "GetKeyPolicy is not a cross-account operation" in checks["key policy"][1]
    assert report.archive_command == (
        f"network-trail verify --archive --bucket {ARCHIVE_BUCKET} --key-arn {ARCHIVE_KEY_ARN} "
        f"--organization-trail {ORG_TRAIL_ARN} --organization-id {ORG} --member-account {DELEGATED}"
    )


def test_access_denied_on_the_bucket_policy_is_a_skip_with_the_archive_command(
    aws: Aws, expected: SelectorInput
) -> None:
    # S3 API reference, GetBucketPolicy: "If you don't have GetBucketPolicy permissions, Amazon S3 returns a
    # 403 Access Denied error."
    trail = {"Name": NAME, "TrailARN": TRAIL_ARN, "S3BucketName": BUCKET, "KmsKeyId": KEY_ARN}
    aws.trail_calls(trail, name=NAME, status={"IsLogging": True}, selectors=template_selectors())
    aws.caller(ACCOUNT)
    aws.not_in_an_organization()
    stub_error(aws.stubs[1], "get_bucket_policy", "AccessDenied", "Access Denied", 403)
    aws.stubs[2].add_response(
        "get_key_policy", {"Policy": key_policy()}, {"KeyId": KEY_ARN, "PolicyName": "default"}
    )
    checks = verify(aws, expected)
    assert "organization" not in checks  # an account outside any organization is not an error
    status, detail = checks["bucket policy"]
    assert status == "skip"
    assert detail.startswith("GetBucketPolicy answered 403 AccessDenied (Access Denied)")
    assert f"--bucket {BUCKET}" in detail
    assert set(policy_statuses(checks, "key policy").values()) == {"ok"}


def archive_target(**more: Any) -> ArchiveTarget:
    values: dict[str, Any] = {
        "bucket": ARCHIVE_BUCKET,
        "key_arn": ARCHIVE_KEY_ARN,
        "organization_trail_arns": (ORG_TRAIL_ARN,),
        "organization_id": ORG,
        "member_accounts": (DELEGATED,),
        **more,
    }
    return ArchiveTarget(**values)


def archive_responses(aws: Aws, *, key: str, caller: str = ARCHIVE) -> None:
    aws.caller(caller)
    org_bucket = bucket_policy(trail_arn=ORG_TRAIL_ARN, bucket=ARCHIVE_BUCKET, org_path=f"AWSLogs/{ORG}")
    aws.stubs[1].add_response("get_bucket_policy", {"Policy": org_bucket}, {"Bucket": ARCHIVE_BUCKET})
    aws.stubs[2].add_response(
        "get_key_policy", {"Policy": key}, {"KeyId": ARCHIVE_KEY_ARN, "PolicyName": "default"}
    )


def test_verify_archive_checks_the_organization_paths_and_the_management_accounts_context(aws: Aws) -> None:
    # GIVEN the archive's policies as UG-S3POL (organization trail) and UG-KMSPOL show them for the
    # management account's organization trail
    archive_responses(aws, key=key_policy(trail_arn=ORG_TRAIL_ARN, context_account=MANAGEMENT))
    # WHEN verify --archive runs with the archive account's credentials
    report = verify_archive(archive_target(), s3=aws.s3, kms=aws.kms, sts=aws.sts)
    # THEN every request passes: the management account's and the member's organization paths, the key
    checks = {c.name: (c.status, c.detail) for c in report.checks}
    assert report.ok, checks
    assert checks[f"bucket policy: PutObject AWSLogs/{ORG}/{MANAGEMENT}/ by trail {ORG_SHORT}"][0] == "ok"
    assert checks[f"bucket policy: PutObject AWSLogs/{ORG}/{DELEGATED}/ by trail {ORG_SHORT}"][0] == "ok"
    assert checks[f"key policy: Decrypt (S3 Bucket Key) by trail {ORG_SHORT}"][0] == "ok"


def test_verify_archive_fails_a_key_bound_to_the_members_context(aws: Aws) -> None:
    # GIVEN defect 1's shape: the key admits only the member account's trails in the encryption context,
    # while an organization trail's context names the management account's trail (How AWS CloudTrail uses AWS KMS)
    archive_responses(aws, key=key_policy(trail_arn=ORG_TRAIL_ARN, context_account=DELEGATED))
    report = verify_archive(archive_target(), s3=aws.s3, kms=aws.kms, sts=aws.sts)
    failed = {c.name: c.detail for c in report.checks if c.status == "fail"}
    assert list(failed) == [f"key policy: GenerateDataKey by trail {ORG_SHORT}"]
    assert failed[f"key policy: GenerateDataKey by trail {ORG_SHORT}"].startswith(
        "required: kms:GenerateDataKey IMPLICIT_DENY by -"
    )


def test_verify_archive_with_the_wrong_accounts_credentials_says_whose_to_use(aws: Aws) -> None:
    # GIVEN verify --archive run with a member account's credentials
    aws.caller(DELEGATED)
    aws.bucket_of_another_account()
    # KMS API reference, GetKeyPolicy: "Cross-account use: No"; a key of another account is not found
    # (NotFoundException, "The request was rejected because the specified entity or resource could not be found.")
    stub_error(
        aws.stubs[2], "get_key_policy", "NotFoundException", f"Key '{ARCHIVE_KEY_ARN}' does not exist", 400
    )
    report = verify_archive(archive_target(), s3=aws.s3, kms=aws.kms, sts=aws.sts)
    checks = {c.name: (c.status, c.detail) for c in report.checks}
    assert not report.ok
    assert list(checks) == ["bucket policy", "key policy"]
    assert checks["bucket policy"][1].startswith("MethodNotAllowed: The specified method is not allowed")
    assert f"account {DELEGATED} does not own bucket {ARCHIVE_BUCKET}" in checks["bucket policy"][1]
    assert checks["key policy"][1].startswith(f"NotFoundException: Key '{ARCHIVE_KEY_ARN}' does not exist")
    assert f"run --archive with account {ARCHIVE}'s credentials" in checks["key policy"][1]


# ---------------------------------------------------------------------------
# The command


def run_verify(aws: Aws, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    clients = _verify._Clients(aws.cloudtrail, aws.s3, aws.kms, aws.sts, aws.organizations)
    monkeypatch.setattr(_verify, "_aws_clients", lambda region, profile: clients)
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
    assert report["archive_command"] is None
    assert [c["name"] for c in report["checks"] if c["status"] == "fail"] == ["selectors"]


def test_verify_archive_command_exits_0_and_1(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    args = [
        "--archive",
        "--bucket",
        ARCHIVE_BUCKET,
        "--key-arn",
        ARCHIVE_KEY_ARN,
        "--organization-trail",
        ORG_TRAIL_ARN,
        "--organization-id",
        ORG,
        "--member-account",
        DELEGATED,
    ]
    archive_responses(aws, key=key_policy(trail_arn=ORG_TRAIL_ARN, context_account=MANAGEMENT))
    result = run_verify(aws, monkeypatch, *args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"archive bucket {ARCHIVE_BUCKET}"
    archive_responses(aws, key=key_policy(trail_arn=ORG_TRAIL_ARN, context_account=DELEGATED))
    assert run_verify(aws, monkeypatch, *args).exit_code == 1


def test_verify_archive_needs_a_bucket_and_a_trail_arn(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_verify(aws, monkeypatch, "--archive", "--bucket", ARCHIVE_BUCKET)
    assert result.exit_code == 2
    assert (
        "verify --archive needs --bucket NAME and at least one --writer or --organization-trail"
        in result.stderr
    )
    result = run_verify(aws, monkeypatch, "--archive", "--bucket", ARCHIVE_BUCKET, "--writer", "org-trail")
    assert result.exit_code == 2
    assert "--writer 'org-trail' is not a trail ARN" in result.stderr
    result = run_verify(
        aws, monkeypatch, "--archive", "--bucket", ARCHIVE_BUCKET, "--organization-trail", ORG_TRAIL_ARN
    )
    assert result.exit_code == 2
    assert "--organization-trail needs --organization-id o-..." in result.stderr


def test_archive_options_without_archive_are_an_error(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_verify(aws, monkeypatch, "--template", str(PROD), "--bucket", ARCHIVE_BUCKET)
    assert result.exit_code == 2
    assert "--bucket: only with --archive" in result.stderr


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


def test_a_member_accounts_own_trail_names_its_organization_for_the_archive(
    aws: Aws, expected: SelectorInput
) -> None:
    # GIVEN a member account's own (not organization) trail writing to the archive: its requests carry
    # aws:SourceOrgID, so the archive account must check them with the organization
    arn = f"arn:aws:cloudtrail:us-east-1:{DELEGATED}:trail/network-activity"
    trail = {
        "Name": "network-activity",
        "TrailARN": arn,
        "S3BucketName": ARCHIVE_BUCKET,
        "KmsKeyId": ARCHIVE_KEY_ARN,
    }
    aws.trail_calls(
        trail, name="network-activity", status={"IsLogging": True}, selectors=template_selectors()
    )
    aws.caller(DELEGATED)
    aws.in_organization()
    aws.bucket_of_another_account()
    report = report_of(aws, expected, "network-activity")
    assert report.ok
    assert report.archive_command == (
        f"network-trail verify --archive --bucket {ARCHIVE_BUCKET} --key-arn {ARCHIVE_KEY_ARN} "
        f"--writer {arn} --organization-id {ORG}"
    )


# ---------------------------------------------------------------------------
# docs/cli.md shows these stubbed runs, output for output (nothing here has run against AWS)

SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_snapshot"
WORKLOAD = SNAPSHOTS / "test_other_configuration[workload-imported-archive].json"
WORKLOAD_ACCOUNT = "111111111111"
WORKLOAD_TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{WORKLOAD_ACCOUNT}:trail/network-activity"


def _console(aws: Aws, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> str:
    result = run_verify(aws, monkeypatch, *args)
    return f"$ network-trail verify {' '.join(args)}\n{result.output}$ echo $?\n{result.exit_code}\n"


def _cdk_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: Path, stack: str) -> None:
    (tmp_path / "cdk.out").mkdir(parents=True)
    (tmp_path / "cdk.out" / f"{stack}.template.json").write_text(source.read_text())
    monkeypatch.chdir(tmp_path)


def docs_single_account(aws: Aws, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """The sample app's prod trail, one selector removed in the console and an S3 delivery error."""
    _cdk_out(tmp_path, monkeypatch, PROD, "NetworkTrailprod")
    aws.respond(selectors=template_selectors()[:-1], status={"LatestDeliveryError": "AccessDenied"})
    return _console(aws, monkeypatch, ["--template", "cdk.out"])


def docs_workload(aws: Aws, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """A workload account's trail writing to the archive account of docs/organization.md, layout 3."""
    _cdk_out(tmp_path, monkeypatch, WORKLOAD, "WorkloadImportedArchive")
    (selectors,) = [
        r["Properties"]["AdvancedEventSelectors"]
        for r in json.loads(WORKLOAD.read_text())["Resources"].values()
        if r["Type"] == "AWS::CloudTrail::Trail"
    ]
    trail = {
        "Name": "network-activity",
        "TrailARN": WORKLOAD_TRAIL_ARN,
        "S3BucketName": ARCHIVE_BUCKET,
        "KmsKeyId": ARCHIVE_KEY_ARN,
        "IsMultiRegionTrail": True,
        "LogFileValidationEnabled": True,
        "CloudWatchLogsLogGroupArn": f"arn:aws:logs:us-east-1:{WORKLOAD_ACCOUNT}:log-group:network-activity:*",
        "HomeRegion": "us-east-1",
    }
    status = {
        "IsLogging": True,
        "LatestDeliveryTime": WHEN,
        "LatestDigestDeliveryTime": WHEN,
        "LatestCloudWatchLogsDeliveryTime": WHEN,
    }
    aws.trail_calls(trail, name="network-activity", status=status, selectors=selectors)
    aws.caller(WORKLOAD_ACCOUNT)
    aws.in_organization()
    aws.bucket_of_another_account()
    return _console(aws, monkeypatch, ["--template", "cdk.out"])


def docs_archive(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> str:
    """The command the workload run printed, in the archive account, with a key bound to another account's trails."""
    aws.caller(ARCHIVE)
    bucket = bucket_policy(
        trail_arn=WORKLOAD_TRAIL_ARN, bucket=ARCHIVE_BUCKET, org_path=f"AWSLogs/{WORKLOAD_ACCOUNT}"
    )
    aws.stubs[1].add_response("get_bucket_policy", {"Policy": bucket}, {"Bucket": ARCHIVE_BUCKET})
    key = key_policy(trail_arn=WORKLOAD_TRAIL_ARN, context_account="222222222222")
    aws.stubs[2].add_response(
        "get_key_policy", {"Policy": key}, {"KeyId": ARCHIVE_KEY_ARN, "PolicyName": "default"}
    )
    args = [
        "--archive", "--bucket", ARCHIVE_BUCKET, "--key-arn", ARCHIVE_KEY_ARN,
        "--writer", WORKLOAD_TRAIL_ARN, "--organization-id", ORG,
    ]  # fmt: skip
    return _console(aws, monkeypatch, args)


def test_docs_show_the_stubbed_runs(aws: Aws, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    page = (Path(__file__).parent.parent / "docs" / "cli.md").read_text()
    single = docs_single_account(aws, monkeypatch, tmp_path / "single")
    workload = docs_workload(aws, monkeypatch, tmp_path / "workload")
    archive = docs_archive(aws, monkeypatch)
    assert single.endswith("some checks FAILED\n$ echo $?\n1\n")
    assert workload.endswith("all checks passed\n$ echo $?\n0\n")
    assert "--organization-id o-a1b2c3d4e5" in workload
    assert archive.endswith("some checks FAILED\n$ echo $?\n1\n")
    for run in (single, workload, archive):
        assert run in page
    assert workload in (Path(__file__).parent.parent / "docs" / "organization.md").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--writer", f"arn:aws:s3:::{ARCHIVE_BUCKET}"],
            "--writer 'arn:aws:s3:::network-trail-archive-777777777777' is not a trail ARN",
        ),
        (
            ["--writer", ORG_TRAIL_ARN, "--key-arn", "alias/network-trail"],
            "--key-arn 'alias/network-trail' is not a KMS key ARN",
        ),
        (
            ["--writer", ORG_TRAIL_ARN, "--member-account", "5555"],
            "--member-account '5555' is not an account id: give the 12 digits",
        ),
        (
            ["--writer", ORG_TRAIL_ARN, "--organization-id", "a1b2c3d4e5"],
            "--organization-id 'a1b2c3d4e5' is not an organization id",
        ),
    ],
)
def test_verify_archive_rejects_malformed_ids(
    aws: Aws, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    result = run_verify(aws, monkeypatch, "--archive", "--bucket", ARCHIVE_BUCKET, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_an_organization_trail_without_its_organization_id_skips_the_policies(
    aws: Aws, expected: SelectorInput
) -> None:
    # GIVEN an organization trail whose account may not call DescribeOrganization (AccessDeniedException,
    # HTTP 400 in the Organizations API reference's common errors)
    aws.trail_calls(
        org_trail(), name=ORG_TRAIL_ARN, status={"IsLogging": True}, selectors=template_selectors()
    )
    aws.caller(DELEGATED)
    stub_error(
        aws.stubs[4],
        "describe_organization",
        "AccessDeniedException",
        "You don't have permissions to access this resource.",
        400,
    )
    report = report_of(aws, expected, ORG_TRAIL_ARN)
    # THEN the organization paths are not guessed: the policies are skipped, with the option that fixes it
    checks = {c.name: (c.status, c.detail) for c in report.checks}
    assert checks["organization"][0] == "skip"
    assert checks["organization"][1].startswith("AccessDeniedException: You don't have permissions")
    assert checks["policies"] == (
        "skip",
        "an organization trail writes under AWSLogs/<o-id>/: give --organization-id to check its policies",
    )
    assert report.ok and report.archive_command is None


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
