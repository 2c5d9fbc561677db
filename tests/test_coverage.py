"""The NetworkActivityCoverage Aspect, presets.for_endpoints with CDK endpoints, and `network-trail coverage`."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Annotations, Match, Template
from click.testing import CliRunner

from network_trail import NetworkActivityCoverage, NetworkTrail, NetworkTrailError, presets
from network_trail.cdk.coverage import REPORT_FILE
from network_trail.cli import main

from .conftest import DATA, FEATURE_FLAGS, new_stack


def _vpc(stack: cdk.Stack) -> ec2.Vpc:
    return ec2.Vpc(
        stack,
        "Vpc",
        max_azs=1,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="private", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )


def _app(
    tmp_path: Path, *, trail: bool = True, acknowledge: bool = False
) -> tuple[cdk.App, cdk.Stack, NetworkActivityCoverage]:
    app = cdk.App(context=FEATURE_FLAGS, analytics_reporting=False, outdir=str(tmp_path))
    stack = new_stack(app, "Endpoints")
    vpc = _vpc(stack)
    kms = vpc.add_interface_endpoint("Kms", service=ec2.InterfaceVpcEndpointAwsService.KMS)
    s3 = vpc.add_gateway_endpoint("S3", service=ec2.GatewayVpcEndpointAwsService.S3)
    vpc.add_interface_endpoint("SecretsManager", service=ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER)
    logs = vpc.add_interface_endpoint("Logs", service=ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS)
    vpc.add_interface_endpoint(
        "Partner",
        service=ec2.InterfaceVpcEndpointService("com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f6a7b8"),
    )
    if acknowledge:
        cdk.Annotations.of(logs).acknowledge_warning(
            "network-trail:endpointServiceUnsupported", "CloudWatch Logs has no network activity events"
        )
    if trail:
        NetworkTrail(
            new_stack(app, "Trail"),
            "NetworkTrail",
            selectors=[*presets.for_endpoints([kms], preset="log-all"), *presets.for_endpoints([s3])],
        )
    aspect = NetworkActivityCoverage()
    cdk.Aspects.of(app).add(aspect)
    return app, stack, aspect


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, cdk.Stack, dict[str, Any]]:
    outdir = tmp_path_factory.mktemp("coverage")
    app, stack, _ = _app(outdir)
    app.synth()
    return outdir, stack, json.loads((outdir / REPORT_FILE).read_text())


def _statuses(report: dict[str, Any]) -> dict[str, str]:
    return {row["endpoint"].split("/")[2]: row["status"] for row in report["endpoints"]}


def test_report_gives_each_endpoint_its_status(synthesized: tuple[Path, cdk.Stack, dict[str, Any]]) -> None:
    _, _, report = synthesized
    assert _statuses(report) == {
        "Kms": "all",
        "S3": "denied-only",
        "SecretsManager": "not-logged",
        "Logs": "unsupported",
        "Partner": "unsupported",
    }
    assert report["summary"] == {"all": 1, "denied-only": 1, "not-logged": 1, "unsupported": 2}
    assert report["trails"] == ["Trail/NetworkTrail"]


def test_report_names_the_selector_that_logs(synthesized: tuple[Path, cdk.Stack, dict[str, Any]]) -> None:
    _, _, report = synthesized
    kms = next(r for r in report["endpoints"] if r["endpoint"].endswith("/Kms/Resource"))
    assert kms["loggedBy"] == [
        "Trail/NetworkTrail: Log all network activity events for KMS on selected VPC endpoints"
    ]
    assert kms["serviceName"] == "com.amazonaws.us-east-1.kms"
    assert kms["endpointId"] is None  # a token until deploy


def test_warns_on_not_logged_and_unsupported_endpoints(
    synthesized: tuple[Path, cdk.Stack, dict[str, Any]],
) -> None:
    _, stack, _ = synthesized
    annotations = Annotations.from_stack(stack)
    annotations.has_warning(
        "/Endpoints/Vpc/SecretsManager/Resource",
        Match.string_like_regexp(
            r"secretsmanager.amazonaws.com\) is not logged: .*\[ack: network-trail:endpointNotLogged\]"
        ),
    )
    annotations.has_warning(
        "/Endpoints/Vpc/Partner/Resource",
        Match.string_like_regexp(
            r"endpoint service of an account.*\[ack: network-trail:endpointServiceUnsupported\]"
        ),
    )
    annotations.has_no_warning("/Endpoints/Vpc/Kms/Resource", Match.any_value())
    annotations.has_no_warning("/Endpoints/Vpc/S3/Resource", Match.any_value())


def test_a_warning_can_be_acknowledged(tmp_path: Path) -> None:
    # GIVEN the Logs endpoint's finding acknowledged on the endpoint
    app, stack, _ = _app(tmp_path, acknowledge=True)
    app.synth()
    annotations = Annotations.from_stack(stack)
    annotations.has_no_warning("/Endpoints/Vpc/Logs/Resource", Match.any_value())
    annotations.has_warning("/Endpoints/Vpc/Partner/Resource", Match.any_value())


def test_without_a_trail_every_supported_endpoint_is_not_logged(tmp_path: Path) -> None:
    _, stack, aspect = _app(tmp_path, trail=False)
    Template.from_stack(stack)
    assert aspect.report is not None
    assert set(_statuses(aspect.report).values()) == {"not-logged", "unsupported"}
    Annotations.from_stack(stack).has_warning(
        "/Endpoints/Vpc/Kms/Resource", Match.string_like_regexp("no NetworkTrail in the app")
    )


@pytest.mark.parametrize(
    ("account", "region", "props", "status"),
    [
        # a trail logs the events of its own account; a single-Region trail only its Region's
        (
            "123456789012",
            "eu-west-1",
            {"is_multi_region_trail": False, "include_global_service_events": False},
            "not-logged",
        ),
        ("123456789012", "eu-west-1", {}, "all"),
        ("210987654321", "us-east-1", {}, "not-logged"),
        (
            "210987654321",
            "us-east-1",
            {
                "organization_id": "o-a1b2c3d4e5",
                "is_organization_trail": True,
                "management_account_id": "210987654321",
            },
            "all",
        ),
    ],
    ids=["single-region-elsewhere", "multi-region", "other-account", "organization-trail"],
)
def test_only_trails_that_see_the_endpoint_cover_it(
    tmp_path: Path, account: str, region: str, props: dict[str, Any], status: str
) -> None:
    # GIVEN a log-all KMS trail in another stack and an endpoint in 123456789012/us-east-1
    app = cdk.App(context=FEATURE_FLAGS, analytics_reporting=False, outdir=str(tmp_path))
    stack = new_stack(app, "Endpoints")
    _vpc(stack).add_interface_endpoint("Kms", service=ec2.InterfaceVpcEndpointAwsService.KMS)
    other = cdk.Stack(app, "Trail", env=cdk.Environment(account=account, region=region))
    NetworkTrail(other, "NetworkTrail", selectors=[presets.log_all("kms")], **props)
    aspect = NetworkActivityCoverage()
    cdk.Aspects.of(app).add(aspect)
    app.synth()
    assert aspect.report is not None
    assert _statuses(aspect.report) == {"Kms": status}


def test_for_endpoints_scopes_selectors_to_cdk_endpoints() -> None:
    # GIVEN interface and gateway endpoints (ids are tokens) WHEN selectors are built from them
    stack = new_stack()
    vpc = _vpc(stack)
    kms = vpc.add_interface_endpoint("Kms", service=ec2.InterfaceVpcEndpointAwsService.KMS)
    s3 = vpc.add_gateway_endpoint("S3", service=ec2.GatewayVpcEndpointAwsService.S3)
    cfn = ec2.CfnVPCEndpoint(stack, "Raw", vpc_id=vpc.vpc_id, service_name="com.amazonaws.us-east-1.kms")
    NetworkTrail(stack, "NetworkTrail", selectors=presets.for_endpoints([kms, s3, cfn]))
    # THEN the trail holds one selector per source, referencing the endpoints
    template = Template.from_stack(stack)
    trail = template.find_resources("AWS::CloudTrail::Trail")
    (props,) = [r["Properties"] for r in trail.values()]
    scoped = {
        s["FieldSelectors"][1]["Equals"][0]: s["FieldSelectors"][3]["Equals"]
        for s in props["AdvancedEventSelectors"]
    }
    assert scoped == {
        "kms.amazonaws.com": [
            stack.resolve(kms.vpc_endpoint_id),
            stack.resolve(cfn.ref),
        ],
        "s3.amazonaws.com": [stack.resolve(s3.vpc_endpoint_id)],
    }


def test_fails_on_an_imported_endpoint() -> None:
    stack = new_stack()
    imported = ec2.InterfaceVpcEndpoint.from_interface_vpc_endpoint_attributes(
        stack, "Imported", vpc_endpoint_id="vpce-0a1b2c3d4e5f60001", port=443
    )
    with pytest.raises(
        NetworkTrailError, match=r"endpoints\[0\] must be an ec2.InterfaceVpcEndpoint.*an imported endpoint"
    ):
        presets.for_endpoints([imported])


# ---------------------------------------------------------------------------
# network-trail coverage


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


ENDPOINTS = str(DATA / "describe-vpc-endpoints.json")
SELECTORS = str(DATA / "coverage-selectors.json")


def test_cli_reports_every_endpoint() -> None:
    result = run("coverage", "--endpoints", ENDPOINTS, "--selectors", SELECTORS, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {r["endpointId"]: r["status"] for r in report["endpoints"]} == {
        "vpce-0a1b2c3d4e5f60001": "all",  # log-all KMS scoped to it
        "vpce-0a1b2c3d4e5f60002": "denied-only",  # S3 access denied, every endpoint
        "vpce-0a1b2c3d4e5f60003": "not-logged",  # no DynamoDB selector
        "vpce-0a1b2c3d4e5f60004": "not-logged",  # only GetSecretValue: partial
        "vpce-0a1b2c3d4e5f60005": "unsupported",  # CloudWatch Logs
        "vpce-0a1b2c3d4e5f60006": "unsupported",  # a partner's endpoint service
        "vpce-0a1b2c3d4e5f60007": "unsupported",  # Resource endpoint
        "vpce-0a1b2c3d4e5f60008": "unsupported",  # ServiceNetwork endpoint
        "vpce-0a1b2c3d4e5f60009": "not-logged",  # excluded by NotEquals
    }


def test_cli_table_shows_id_vpc_service_source_status_and_selector() -> None:
    result = run("coverage", "--endpoints", ENDPOINTS, "--selectors", SELECTORS)
    assert result.exit_code == 0
    header, first = result.output.splitlines()[:2]
    assert header.split() == ["ENDPOINT", "VPC", "SERVICE", "EVENT", "SOURCE", "STATUS", "LOGGED", "BY"]
    assert first.split()[:5] == [
        "vpce-0a1b2c3d4e5f60001",
        "vpc-0123456789abcdef0",
        "com.amazonaws.eu-west-1.kms",
        "kms.amazonaws.com",
        "all",
    ]
    assert "1 all, 1 denied-only, 3 not-logged, 4 unsupported" in result.output


@pytest.mark.parametrize(("status", "code"), [("not-logged", 1), ("unsupported", 1), ("denied-only", 1)])
def test_cli_fail_on_is_a_ci_gate(status: str, code: int) -> None:
    result = run("coverage", "--endpoints", ENDPOINTS, "--selectors", SELECTORS, "--fail-on", status)
    assert result.exit_code == code
    assert f"with status {status} (--fail-on)" in result.output


def test_cli_fail_on_passes_when_nothing_has_the_status(tmp_path: Path) -> None:
    only_kms = tmp_path / "kms.json"
    document = json.loads(Path(ENDPOINTS).read_text())
    only_kms.write_text(json.dumps({"VpcEndpoints": document["VpcEndpoints"][:1]}))
    result = run(
        "coverage", "--endpoints", str(only_kms), "--selectors", SELECTORS, "--fail-on", "not-logged"
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", r"--endpoints '.*' cannot be read as JSON"),
        ('{"Reservations": []}', r"must hold \{\"VpcEndpoints\": \[...\]\} .* with keys \['Reservations'\]"),
        (
            '{"VpcEndpoints": [{"ServiceName": "com.amazonaws.eu-west-1.kms"}]}',
            r"VpcEndpoints\[0\] must be an object with a 'VpcEndpointId'",
        ),
        (
            '{"VpcEndpoints": [{"VpcEndpointId": "vpce-1", "ServiceName": 7}]}',
            r"has non-string \['ServiceName'\]",
        ),
    ],
)
def test_cli_fails_on_bad_endpoint_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "endpoints.json"
    path.write_text(content)
    result = run("coverage", "--endpoints", str(path), "--selectors", SELECTORS)
    assert result.exit_code == 2
    assert result.output.startswith("error: ")
    assert re.search(message, result.output), result.output


def _record(hour: int, *, denied: bool) -> dict[str, Any]:
    record: dict[str, Any] = {
        "eventVersion": "1.11",
        "eventTime": f"2026-11-01T{hour:02d}:00:00Z",
        "eventSource": "s3.amazonaws.com",
        "eventName": "GetObject",
        "awsRegion": "eu-west-1",
        "eventType": "AwsVpceEvent",
        "eventCategory": "NetworkActivity",
        "vpcEndpointId": "vpce-0a1b2c3d4e5f60002",
        "recipientAccountId": "111122223333",
    }
    if denied:
        record["errorCode"] = "VpceAccessDenied"
    return record


def test_cli_logs_give_the_cost_of_turning_denied_only_to_all(tmp_path: Path) -> None:
    # GIVEN 10 hours of a log-all trail's logs: 7 allowed and 3 denied S3 calls through endpoint 0002
    records = [_record(h, denied=h < 3) for h in range(11) if h != 5]
    (tmp_path / "log.json.gz").write_bytes(gzip.compress(json.dumps({"Records": records}).encode()))
    result = run(
        "coverage", "--endpoints", ENDPOINTS, "--selectors", SELECTORS, "--logs", str(tmp_path), "--json"
    )
    assert result.exit_code == 0, result.output
    row = next(
        r for r in json.loads(result.output)["endpoints"] if r["endpointId"] == "vpce-0a1b2c3d4e5f60002"
    )
    # THEN 7 more events over 10 hours: 7 * 72 per 30 days at $0.10 per 100,000
    assert row["toAll"] == {
        "networkActivityEvents": 10,
        "deniedEvents": 3,
        "managementAndDataEvents": 0,
        "extraEvents": 7,
        "lowerBound": False,
        "extraMonthlyCostUsd": round(7 * 72 * 0.10 / 100_000, 2),
    }


def test_an_aspect_on_a_stage_reports_into_the_stage_assembly(tmp_path: Path) -> None:
    # GIVEN a nested Stage (as CDK Pipelines makes) holding an endpoint, with the Aspect on the stage
    app = cdk.App(context=FEATURE_FLAGS, analytics_reporting=False, outdir=str(tmp_path))
    stage = cdk.Stage(app, "Prod", env=cdk.Environment(account="123456789012", region="us-east-1"))
    stack = cdk.Stack(stage, "Endpoints")
    _vpc(stack).add_interface_endpoint("Kms", service=ec2.InterfaceVpcEndpointAwsService.KMS)
    aspect = NetworkActivityCoverage()
    cdk.Aspects.of(stage).add(aspect)
    # WHEN the app is synthesized
    app.synth()
    # THEN the stage's assembly holds the report and the endpoint is not logged
    report = json.loads((Path(stage.outdir) / REPORT_FILE).read_text())
    assert [(r["endpoint"], r["status"]) for r in report["endpoints"]] == [
        ("Prod/Endpoints/Vpc/Kms/Resource", "not-logged")
    ]
