"""The endpoint-policy rules and setting a complete endpoint policy in a CDK app.

Rules: AWS PrivateLink Guide, "Control access to VPC endpoints using endpoint policies"
(https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html): a ``Principal``
element, at most 20,480 characters including white space, ``"Principal": "*"`` for gateway endpoints.
"""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from network_trail.cdk.endpoint_policy import apply_endpoint_policy, proposal_policy
from network_trail.errors import NetworkTrailError
from network_trail.model.endpoint_policy import (
    DEFAULT_ENDPOINT_POLICY,
    MAX_ENDPOINT_POLICY_CHARACTERS,
    endpoint_policy_problems,
    endpoint_policy_text,
)
from tests.conftest import DATA, new_stack

POLICIES = DATA / "endpoint-policies"


def policy(name: str) -> dict[str, Any]:
    return dict(json.loads((POLICIES / name).read_text()))


@pytest.mark.parametrize(
    "name", ["privatelink-default.json", "guardduty-account-only.json", "data-perimeter-default.json"]
)
@pytest.mark.parametrize("gateway", [False, True])
def test_documented_endpoint_policies_meet_the_rules(name: str, gateway: bool) -> None:
    # The pages show these as endpoint policies; every statement has "Principal": "*".
    assert endpoint_policy_problems(policy(name), gateway=gateway, name=name) == []


def test_a_statement_without_principal_breaks_the_rules() -> None:
    document = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    (problem,) = endpoint_policy_problems(document, gateway=False, name="p")
    assert "p Statement[0]: has no Principal element" in problem
    assert "vpc-endpoints-access.html" in problem


def test_a_gateway_endpoint_policy_names_no_account_principal() -> None:
    # The page: on a gateway endpoint "AWS": "<account-id>" grants only the root user; Principal must be "*".
    document = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "*", "Resource": "*"}
        ]
    }
    assert endpoint_policy_problems(document, gateway=False, name="p") == []
    (problem,) = endpoint_policy_problems(document, gateway=True, name="p")
    assert 'Principal {"AWS": "123456789012"} on a gateway endpoint' in problem
    assert 'must be "*"' in problem


def test_the_size_limit_counts_white_space() -> None:
    statement = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
    document: dict[str, Any] = {"Statement": [statement]}
    while len(endpoint_policy_text(document)) <= MAX_ENDPOINT_POLICY_CHARACTERS:
        document["Statement"].append(dict(statement, Sid=f"S{len(document['Statement'])}"))
    compact = len(json.dumps(document, separators=(",", ":")))
    assert compact < MAX_ENDPOINT_POLICY_CHARACTERS  # too large only with its white space
    (problem,) = endpoint_policy_problems(document, gateway=False, name="p")
    assert "at most 20,480 characters including white space" in problem
    document["Statement"].pop()
    assert endpoint_policy_problems(document, gateway=False, name="p") == []


def test_no_statement_breaks_the_rules() -> None:
    assert (
        "has no Statement" in endpoint_policy_problems({"Version": "2012-10-17"}, gateway=False, name="p")[0]
    )
    assert "is a JSON object" in endpoint_policy_problems([], gateway=False, name="p")[0]


# ---------------------------------------------------------------------------
# In a CDK app

PROPOSAL = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AllowObservedAccounts",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": ["123456789012"]}},
        }
    ],
}


def endpoints_stack() -> tuple[cdk.Stack, ec2.InterfaceVpcEndpoint, ec2.GatewayVpcEndpoint]:
    stack = new_stack()
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        max_azs=1,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="app", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )
    kms = vpc.add_interface_endpoint("Kms", service=ec2.InterfaceVpcEndpointAwsService.KMS)
    s3 = vpc.add_gateway_endpoint("S3", service=ec2.GatewayVpcEndpointAwsService.S3)
    return stack, kms, s3


def endpoint_policies(stack: cdk.Stack) -> dict[str, Any]:
    resources = Template.from_stack(stack).find_resources("AWS::EC2::VPCEndpoint")
    return {lid: r["Properties"].get("PolicyDocument") for lid, r in resources.items()}


def test_without_statements_an_endpoint_has_no_policy_document() -> None:
    # No PolicyDocument: AWS attaches the default policy (full access), which apply_endpoint_policy replaces.
    stack, _, _ = endpoints_stack()
    assert set(endpoint_policies(stack).values()) == {None}


def test_apply_endpoint_policy_sets_the_complete_policy() -> None:
    stack, kms, s3 = endpoints_stack()
    apply_endpoint_policy(kms, PROPOSAL)
    apply_endpoint_policy(s3, PROPOSAL)
    for document in endpoint_policies(stack).values():
        assert document == {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "*",
                    "Condition": {"StringEquals": {"aws:PrincipalAccount": ["123456789012"]}},
                    "Effect": "Allow",
                    "Principal": "*",
                    "Resource": "*",
                    "Sid": "AllowObservedAccounts",
                }
            ],
        }


def test_apply_endpoint_policy_snapshot(snapshot: SnapshotAssertion) -> None:
    stack, kms, s3 = endpoints_stack()
    apply_endpoint_policy(kms, PROPOSAL)
    apply_endpoint_policy(s3, DEFAULT_ENDPOINT_POLICY)
    template = Template.from_stack(stack).to_json()
    assert template == snapshot.use_extension(JSONSnapshotExtension)


def test_apply_endpoint_policy_refuses_an_account_principal_on_a_gateway_endpoint() -> None:
    _, kms, s3 = endpoints_stack()
    document = {
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "*", "Resource": "*"}
        ]
    }
    apply_endpoint_policy(kms, document)  # an interface endpoint may name an account
    with pytest.raises(NetworkTrailError, match=r"policy of TestStack/Vpc/S3 Statement\[0\]: Principal"):
        apply_endpoint_policy(s3, document)


def test_apply_endpoint_policy_refuses_an_imported_endpoint() -> None:
    stack = new_stack()
    imported = ec2.InterfaceVpcEndpoint.from_interface_vpc_endpoint_attributes(
        stack, "Imported", vpc_endpoint_id="vpce-0123456789abcdef0", port=443
    )
    with pytest.raises(NetworkTrailError, match=r"endpoint must be an ec2\.InterfaceVpcEndpoint"):
        apply_endpoint_policy(imported, PROPOSAL)  # type: ignore[arg-type]


def test_proposal_policy_reads_the_advice() -> None:
    advice = {
        "endpoints": [
            {"endpointId": "vpce-1", "policy": PROPOSAL},
            {"endpointId": "vpce-2", "policy": None, "reason": "only denied calls are logged"},
        ]
    }
    assert proposal_policy(advice, "vpce-1") == PROPOSAL
    with pytest.raises(NetworkTrailError, match="'vpce-2' has no proposal in the advice: only denied calls"):
        proposal_policy(advice, "vpce-2")
    with pytest.raises(
        NetworkTrailError, match=r"'vpce-3' is not in the advice: choose one of \['vpce-1', 'vpce-2'\]"
    ):
        proposal_policy(advice, "vpce-3")
    with pytest.raises(NetworkTrailError, match="advice must be the JSON of `network-trail advise --json`"):
        proposal_policy({"VpcEndpoints": []}, "vpce-1")


@pytest.mark.parametrize("shape", ["perimeter", "both"])
def test_advice_of_the_documented_records_in_the_app_snapshot(
    shape: str, snapshot: SnapshotAssertion
) -> None:
    # The User Guide's records and list-accounts output (tests/data/endpoint-policies/README.md), advised and
    # applied: the endpoints' synthesized policies are pinned.
    from network_trail.simulator.advise import Shape, advice_report, advise
    from network_trail.simulator.calls import distinct_calls, load_org_accounts
    from tests.test_replay import RECORDS, sample_endpoints

    calls = distinct_calls([DATA / name for name in RECORDS]).calls
    org = load_org_accounts(policy("org-accounts.json"))
    advice = advice_report(
        advise(calls, sample_endpoints(), shape=Shape(shape), org_accounts=org), shape=Shape(shape)
    )
    stack, kms, s3 = endpoints_stack()
    apply_endpoint_policy(kms, proposal_policy(advice, "vpce-EXAMPLE08c1b6b9b7"))
    apply_endpoint_policy(s3, proposal_policy(advice, "vpce-03y53r4ukkkuygzg0"))
    assert endpoint_policies(stack) == snapshot.use_extension(JSONSnapshotExtension)
