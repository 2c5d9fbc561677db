"""Service names of VPC endpoints → event sources, and the coverage rules (no CDK)."""

from __future__ import annotations

import json
import re
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator

from network_trail import NetworkActivityEventSource, NetworkTrailError, presets
from network_trail.model.endpoints import (
    SUB_SERVICES,
    EndpointKind,
    VpcEndpoint,
    map_endpoint,
    map_service_name,
)
from network_trail.simulator import SelectorSet
from network_trail.simulator.endpoint_coverage import CoverageStatus, evaluate_endpoint

from .conftest import DATA

# Service names as AWS's pages print them, and the source each one's API is logged under.
# PL = https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html
# XR = https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-cross-region-privatelink-support.html
# A source is the service's name when CloudTrail's network activity list names it so
# (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-network-events-with-cloudtrail.html);
# the sub-services cite the page that shows the service's eventSource.
DOCUMENTED = [
    # https://docs.aws.amazon.com/kms/latest/developerguide/vpce-create-endpoint.html: "com.amazonaws.us-west-2.kms",
    # and "com.amazonaws.us-west-2.kms-fips" for "an AWS KMS FIPS endpoint"
    ("com.amazonaws.us-west-2.kms", "kms.amazonaws.com", False),
    ("com.amazonaws.us-west-2.kms-fips", "kms.amazonaws.com", True),
    ("com.amazonaws.eu-west-1.kms", "kms.amazonaws.com", False),
    (
        "cn.com.amazonaws.cn-north-1.kms-fips",
        "kms.amazonaws.com",
        True,
    ),  # XR: cn.com.amazonaws.region.kms-fips
    (
        "com.amazonaws.us-east-1.appconfig-fips",
        "appconfig.amazonaws.com",
        True,
    ),  # PL: ...region.appconfig-fips
    ("cn.com.amazonaws.cn-north-1.s3", "s3.amazonaws.com", False),  # XR: cn.com.amazonaws.region.s3
    # PL, example output of describe-vpc-endpoint-services: aws.api.us-east-1.bcm-data-exports, ...freetier,
    # ...qbusiness
    ("aws.api.us-east-1.bcm-data-exports", "bcm-data-exports.amazonaws.com", False),
    ("aws.api.us-east-1.freetier", "freetier.amazonaws.com", False),
    ("aws.api.us-east-1.qbusiness", "qbusiness.amazonaws.com", False),
    # XR: com.amazonaws.region.kinesis-firehose; eventSource firehose.amazonaws.com:
    # https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-firehose.html
    ("com.amazonaws.us-east-1.kinesis-firehose", "firehose.amazonaws.com", False),
    # "the service name of Amazon SageMaker API service is com.amazonaws.region.sagemaker.api":
    # https://docs.aws.amazon.com/sagemaker/latest/dg/clarify-vpc.html; eventSource sagemaker.amazonaws.com in the
    # log entries of https://docs.aws.amazon.com/sagemaker/latest/dg/understanding-sagemaker-entries.html
    ("com.amazonaws.us-east-1.sagemaker.api", "sagemaker.amazonaws.com", False),
    # endpoint suffixes bedrock, bedrock-runtime, bedrock-agent, bedrock-agent-runtime:
    # https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-interface-endpoints.html; eventSource
    # bedrock.amazonaws.com: https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-bedrock.html
    ("com.amazonaws.us-east-1.bedrock", "bedrock.amazonaws.com", False),
    ("com.amazonaws.us-east-1.bedrock-runtime", "bedrock.amazonaws.com", False),
    ("com.amazonaws.us-east-1.bedrock-agent", "bedrock.amazonaws.com", False),
    ("com.amazonaws.us-east-1.bedrock-agent-runtime", "bedrock.amazonaws.com", False),
    # data plane endpoint com.amazonaws.region.bedrock-agentcore:
    # https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/vpc-interface-endpoints.html
    ("com.amazonaws.us-east-1.bedrock-agentcore", "bedrock-agentcore.amazonaws.com", False),
    # com.amazonaws.region.ecr.dkr and com.amazonaws.region.ecr.api:
    # https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html (XR: cn.com.amazonaws.region.ecr.dkr);
    # eventSource ecr.amazonaws.com: https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ecr.html
    ("com.amazonaws.eu-west-1.ecr.api", "ecr.amazonaws.com", False),
    ("com.amazonaws.eu-west-1.ecr.dkr", "ecr.amazonaws.com", False),
    ("cn.com.amazonaws.cn-north-1.ecr.dkr", "ecr.amazonaws.com", False),
    ("com.amazonaws.route53", "route53.amazonaws.com", False),  # XR: com.amazonaws.route53 (global)
    # The com.amazonaws.<region>.<service> form of PL, for the 2026 sources with an obvious endpoint name
    ("com.amazonaws.eu-west-1.sts", "sts.amazonaws.com", False),
    ("com.amazonaws.eu-west-1.ssm", "ssm.amazonaws.com", False),
    ("com.amazonaws.eu-west-1.ec2", "ec2.amazonaws.com", False),
    ("com.amazonaws.ap-southeast-2.secretsmanager", "secretsmanager.amazonaws.com", False),
    ("com.amazonaws.us-gov-west-1.dynamodb", "dynamodb.amazonaws.com", False),
    ("com.amazonaws.eu-west-1.states", "states.amazonaws.com", False),
]


@pytest.mark.parametrize(("name", "source", "fips"), DOCUMENTED)
def test_documented_service_names_map_to_their_source(name: str, source: str, fips: bool) -> None:
    mapping = map_service_name(name)
    assert (mapping.kind, mapping.event_source, mapping.fips) == (
        EndpointKind.AWS_SERVICE,
        NetworkActivityEventSource(source),
        fips,
    )


# S3 and DynamoDB "support both gateway endpoints and interface endpoints", with one service name each
# (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html): both types map to the service.
@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("com.amazonaws.us-east-1.s3", NetworkActivityEventSource.S3),
        ("com.amazonaws.us-east-1.dynamodb", NetworkActivityEventSource.DYNAMODB),
    ],
)
@pytest.mark.parametrize("endpoint_type", ["Gateway", "Interface"])
def test_gateway_and_interface_endpoints_of_a_service_map_alike(
    name: str, source: NetworkActivityEventSource, endpoint_type: str
) -> None:
    mapping = map_endpoint(name, endpoint_type)
    assert (mapping.kind, mapping.event_source) == (EndpointKind.AWS_SERVICE, source)


def test_every_sub_service_cites_its_name_page_and_its_event_source_page() -> None:
    # GIVEN the names whose source has another name WHEN the reason is read THEN it shows both AWS pages
    for name, (source, reason) in SUB_SERVICES.items():
        pages = re.findall(r"https://docs\.aws\.amazon\.com/\S+\.html", reason)
        assert len(set(pages)) == 2, (name, reason)
        assert source in reason
        assert map_service_name(f"com.amazonaws.us-east-1.{name}").reason == reason


def test_region_tokens_of_cdk_names_are_accepted() -> None:
    # GIVEN the name CDK's InterfaceVpcEndpointAwsService builds in an env-agnostic stack
    mapping = map_service_name("com.amazonaws.${Token[AWS.Region.12]}.kms")
    assert mapping.event_source is NetworkActivityEventSource.KMS
    assert mapping.service_name == "com.amazonaws.<region>.kms"


@pytest.mark.parametrize(
    ("name", "kind", "reason"),
    [
        (
            "com.amazonaws.eu-west-1.logs",
            EndpointKind.AWS_SERVICE,
            "no network activity event source for 'logs'",
        ),
        ("com.amazonaws.eu-west-1.execute-api", EndpointKind.AWS_SERVICE, "'execute-api'"),
        ("com.amazonaws.eu-west-1.sagemaker.runtime", EndpointKind.AWS_SERVICE, "'sagemaker.runtime'"),
        ("com.amazonaws.iam", EndpointKind.AWS_SERVICE, "'iam'"),
        ("com.amazonaws.us-east-1.nova-act", EndpointKind.AWS_SERVICE, "no longer in CloudTrail's list"),
        ("com.amazonaws.s3-global.accesspoint", EndpointKind.AWS_SERVICE, "Multi-Region Access Points"),
        # aws.sagemaker.Region.notebook reaches a notebook instance:
        # https://docs.aws.amazon.com/sagemaker/latest/dg/notebook-interface-endpoint.html
        ("aws.sagemaker.us-east-1.notebook", EndpointKind.AWS_SERVICE, "notebooks or Studio"),
        # documented names whose event source no AWS page gives: reported, never mapped to a look-alike
        (
            "api.aws.us-east-1.cassandra-streams",
            EndpointKind.AWS_SERVICE,
            "'cassandra-streams'",
        ),  # PL example
        ("com.amazonaws.us-east-1.bedrock-mantle", EndpointKind.AWS_SERVICE, "'bedrock-mantle'"),
        (
            "com.amazonaws.us-east-1.bedrock-agentcore.gateway",
            EndpointKind.AWS_SERVICE,
            "'bedrock-agentcore.gateway'",
        ),
        ("com.amazonaws.vpce.eu-west-1.vpce-svc-0a1b2c3d4e5f6a7b8", EndpointKind.ENDPOINT_SERVICE, "partner"),
        ("${Token[TOKEN.42]}", EndpointKind.UNKNOWN, "only known at deploy time"),
        ("my-service", EndpointKind.UNKNOWN, "none of the documented forms"),
    ],
)
def test_unsupported_services_are_reported_with_the_reason(
    name: str, kind: EndpointKind, reason: str
) -> None:
    mapping = map_service_name(name)
    assert mapping.event_source is None and not mapping.supported
    assert mapping.kind is kind
    assert reason in mapping.reason


@pytest.mark.parametrize("endpoint_type", ["Resource", "ServiceNetwork"])
def test_lattice_endpoints_are_unsupported(endpoint_type: str) -> None:
    mapping = map_endpoint(None, endpoint_type)
    assert (mapping.kind, mapping.event_source) == (EndpointKind.RESOURCE, None)
    assert "VPC Lattice" in mapping.reason


# ---------------------------------------------------------------------------
# Coverage rules (network-activity.md §2)


def _selector(source: str, *extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "Name": f"sel {source} {len(extra)}",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
            {"Field": "eventSource", "Equals": [source]},
            *extra,
        ],
    }


KMS = VpcEndpoint(endpoint_id="vpce-0a1b2c3d4e5f60001", service_name="com.amazonaws.eu-west-1.kms")
DENIED = {"Field": "errorCode", "Equals": ["VpceAccessDenied"]}


def _status(*selectors: dict[str, Any], endpoint: VpcEndpoint = KMS) -> CoverageStatus:
    return evaluate_endpoint(endpoint, [SelectorSet("t", tuple(selectors))]).status


def test_log_all_for_the_source_covers_all() -> None:
    assert _status(_selector("kms.amazonaws.com")) is CoverageStatus.ALL


def test_access_denied_covers_denied_only() -> None:
    assert _status(_selector("kms.amazonaws.com", DENIED)) is CoverageStatus.DENIED_ONLY


def test_the_best_selector_wins_across_selectors() -> None:
    # GIVEN an access-denied selector and a log-all one scoped to the endpoint (selectors are OR'd)
    scoped = {"Field": "vpcEndpointId", "Equals": [KMS.endpoint_id]}
    assert (
        _status(_selector("kms.amazonaws.com", DENIED), _selector("kms.amazonaws.com", scoped))
        is CoverageStatus.ALL
    )


def test_another_source_does_not_cover() -> None:
    assert _status(_selector("s3.amazonaws.com")) is CoverageStatus.NOT_LOGGED


@pytest.mark.parametrize(
    ("condition", "status"),
    [
        ({"Equals": ["vpce-0a1b2c3d4e5f60001"]}, CoverageStatus.ALL),
        ({"Equals": ["vpce-0000000000000000a"]}, CoverageStatus.NOT_LOGGED),
        ({"NotEquals": ["vpce-0a1b2c3d4e5f60001"]}, CoverageStatus.NOT_LOGGED),
        ({"NotEquals": ["vpce-0000000000000000a"]}, CoverageStatus.ALL),
        ({"StartsWith": ["vpce-0a1b"]}, CoverageStatus.ALL),
        # SELECT operators are OR'd: one of them holding is enough
        ({"Equals": ["vpce-0000000000000000a"], "EndsWith": ["60001"]}, CoverageStatus.ALL),
        # DESELECT operators are AND'd with the SELECT group: an exclusion wins
        ({"StartsWith": ["vpce-"], "NotEndsWith": ["60001"]}, CoverageStatus.NOT_LOGGED),
    ],
)
def test_vpc_endpoint_id_conditions_follow_cloudtrail_rules(
    condition: dict[str, Any], status: CoverageStatus
) -> None:
    assert _status(_selector("kms.amazonaws.com", {"Field": "vpcEndpointId", **condition})) is status


def test_an_event_name_restriction_is_partial_not_coverage() -> None:
    # GIVEN a selector logging only GetSecretValue: other calls through the endpoint go unseen
    result = evaluate_endpoint(
        KMS,
        [SelectorSet("t", (_selector("kms.amazonaws.com", {"Field": "eventName", "Equals": ["Decrypt"]}),))],
    )
    assert result.status is CoverageStatus.NOT_LOGGED
    assert result.partial == ("t: sel kms.amazonaws.com 1",)


def test_token_ids_match_only_their_own_tokens() -> None:
    endpoint = VpcEndpoint(
        endpoint_id="${Token[TOKEN.7]}",
        service_name="com.amazonaws.eu-west-1.kms",
        aliases=("${Token[TOKEN.9]}",),
    )
    own = {"Field": "vpcEndpointId", "Equals": ["${Token[TOKEN.9]}"]}
    other = {"Field": "vpcEndpointId", "Equals": ["${Token[TOKEN.8]}", "vpce-0a1b2c3d4e5f60001"]}
    every = {"Field": "vpcEndpointId", "StartsWith": ["vpce-"]}
    assert _status(_selector("kms.amazonaws.com", own), endpoint=endpoint) is CoverageStatus.ALL
    assert _status(_selector("kms.amazonaws.com", other), endpoint=endpoint) is CoverageStatus.NOT_LOGGED
    assert _status(_selector("kms.amazonaws.com", every), endpoint=endpoint) is CoverageStatus.ALL


def test_unsupported_endpoints_are_unsupported_whatever_the_selectors() -> None:
    logs = VpcEndpoint(endpoint_id="vpce-0a1b2c3d4e5f60005", service_name="com.amazonaws.eu-west-1.logs")
    assert _status(_selector("kms.amazonaws.com"), endpoint=logs) is CoverageStatus.UNSUPPORTED


# ---------------------------------------------------------------------------
# presets.for_endpoints with (id, service name) pairs


def test_for_endpoints_groups_ids_per_source() -> None:
    selectors = presets.for_endpoints(
        [
            ("vpce-0a1b2c3d4e5f60001", "com.amazonaws.eu-west-1.kms"),
            ("vpce-0a1b2c3d4e5f60002", "com.amazonaws.eu-west-1.s3"),
            ("vpce-0a1b2c3d4e5f6000a", "com.amazonaws.eu-west-1.kms-fips"),
        ],
        preset="log-all",
    )
    assert [s.to_json()["FieldSelectors"] for s in selectors] == [
        [
            {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
            {"Field": "eventSource", "Equals": ["kms.amazonaws.com"]},
            {"Field": "vpcEndpointId", "Equals": ["vpce-0a1b2c3d4e5f60001", "vpce-0a1b2c3d4e5f6000a"]},
        ],
        [
            {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
            {"Field": "eventSource", "Equals": ["s3.amazonaws.com"]},
            {"Field": "vpcEndpointId", "Equals": ["vpce-0a1b2c3d4e5f60002"]},
        ],
    ]


def test_for_endpoints_default_is_access_denied() -> None:
    (selector,) = presets.for_endpoints([("vpce-0a1b2c3d4e5f60001", "com.amazonaws.eu-west-1.kms")])
    assert selector.access_denied_only


def test_fails_when_an_endpoint_cannot_be_logged() -> None:
    with pytest.raises(
        NetworkTrailError,
        match=r"endpoints\[1\] \(vpce-0a1b2c3d4e5f60005, service 'com.amazonaws.eu-west-1.logs'\) cannot be logged: .*skip_unsupported=True",
    ):
        presets.for_endpoints(
            [
                ("vpce-0a1b2c3d4e5f60001", "com.amazonaws.eu-west-1.kms"),
                ("vpce-0a1b2c3d4e5f60005", "com.amazonaws.eu-west-1.logs"),
            ]
        )


def test_skip_unsupported_leaves_them_out() -> None:
    selectors = presets.for_endpoints(
        [
            ("vpce-0a1b2c3d4e5f60001", "com.amazonaws.eu-west-1.kms"),
            ("vpce-0a1b2c3d4e5f60006", "com.amazonaws.vpce.eu-west-1.vpce-svc-0a1b2c3d4e5f6a7b8"),
        ],
        skip_unsupported=True,
    )
    assert [s.source_value for s in selectors] == ["kms.amazonaws.com"]


@pytest.mark.parametrize(
    ("endpoints", "message"),
    [
        (
            ("vpce-0a1b2c3d4e5f60001", "com.amazonaws.eu-west-1.kms"),
            r"endpoints must be a sequence of endpoints",
        ),
        ("vpce-0a1b2c3d4e5f60001", r"endpoints must be a sequence of endpoints"),
        ([("vpce-0a1b2c3d4e5f60001",)], r"endpoints\[0\] must be an \(endpoint id, service name\) pair"),
        ([42], r"endpoints\[0\] must be an ec2.InterfaceVpcEndpoint, .* got 42 of type int"),
        ([("vpce-0a1b2c3d4e5f60005", "com.amazonaws.eu-west-1.logs")], r"cannot be logged"),
    ],
)
def test_fails_on_bad_endpoints(endpoints: Any, message: str) -> None:
    with pytest.raises(NetworkTrailError, match=message):
        presets.for_endpoints(endpoints)


def test_an_id_not_shaped_like_an_endpoint_id_warns() -> None:
    # GIVEN a pair whose id CloudTrail accepts but no endpoint can have THEN the selector carries the warning
    (selector,) = presets.for_endpoints([("not-an-id", "com.amazonaws.eu-west-1.kms")])
    assert [w[0] for w in selector.warnings()] == ["network-trail:vpcEndpointIdShape"]


def test_fails_when_no_endpoint_is_left() -> None:
    with pytest.raises(NetworkTrailError, match="holds no endpoint that network activity events can log"):
        presets.for_endpoints(
            [("vpce-0a1b2c3d4e5f60005", "com.amazonaws.eu-west-1.logs")], skip_unsupported=True
        )


def test_fails_on_an_unknown_preset() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"preset must be one of \['log-all', 'access-denied'\], got 'all'"
    ):
        presets.for_endpoints([("vpce-0a1b2c3d4e5f60001", "com.amazonaws.eu-west-1.kms")], preset="all")


def test_the_test_document_is_a_describe_vpc_endpoints_output() -> None:
    # GIVEN botocore's EC2 model THEN the test data has the shape of a real DescribeVpcEndpoints output
    model = botocore.session.get_session().get_service_model("ec2")
    shape = model.operation_model("DescribeVpcEndpoints").output_shape
    document = json.loads((DATA / "describe-vpc-endpoints.json").read_text())
    report = ParamValidator().validate(document, shape)
    assert not report.has_errors(), report.generate_report()
    kinds = {e["VpcEndpointType"] for e in document["VpcEndpoints"]}
    assert kinds == {"Interface", "Gateway", "Resource", "ServiceNetwork"}
