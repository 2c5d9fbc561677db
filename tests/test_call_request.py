"""A distinct call as the IAM evaluator's open-world request: each context value from the IAM User Guide.

The keys and what they hold: "AWS global condition context keys"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html). The calls are
those of the CloudTrail User Guide's network activity examples (``tests/test_calls.py``); the policy
of the first tests is the endpoint policy of the GuardDuty User Guide, "Prerequisite - Creating an Amazon
VPC endpoint" (https://docs.aws.amazon.com/guardduty/latest/ug/eksrunmon-prereq-deploy-security-agent.html):
allow everything, deny callers of other accounts (``StringNotEquals aws:PrincipalAccount``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from network_trail.model.iam import ABSENT, UNKNOWN, NotAnyOf, Verdict, evaluate_policy, parse_policy
from network_trail.model.iam_actions import iam_actions
from network_trail.simulator.calls import CONTEXT_KEY_PAGES, DistinctCall, EndpointInfo, call_request

from .test_calls import KMS_ALLOWED, KMS_DENIED, S3_ALLOWED

OWNER = "123456789012"  # vpcEndpointAccountId of the CloudTrail User Guide's examples


def policy(*statements: dict[str, Any], name: str = "endpoint") -> Any:
    return parse_policy({"Version": "2012-10-17", "Statement": list(statements)}, name=name)


GUARDDUTY = policy(
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
    {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "*",
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:PrincipalAccount": OWNER}},
    },
)


def verdict(call: DistinctCall, document: Any, **kwargs: Any) -> Verdict:
    (action,) = iam_actions(call.event_source, call.event_name) or ()
    return evaluate_policy(document, call_request(call, action, **kwargs)).verdict


def test_guardduty_policy_allows_the_owner_and_denies_the_other_account() -> None:
    # The records' outcomes: the owner's ListKeys succeeded, the other account's was VpceAccessDenied.
    assert verdict(KMS_ALLOWED, GUARDDUTY) is Verdict.ALLOW
    assert verdict(KMS_DENIED, GUARDDUTY) is Verdict.EXPLICIT_DENY


def test_context_of_a_caller_from_another_account() -> None:
    request = call_request(KMS_DENIED, "kms:ListKeys")
    assert (request.action, request.resource, request.absent_is_unknown) == ("kms:ListKeys", UNKNOWN, True)
    assert request.value("aws:PrincipalAccount") == "777788889999"
    assert request.value("aws:PrincipalArn") is UNKNOWN  # the record has no ARN
    assert request.value("aws:PrincipalIsAWSService") is False
    assert request.value("aws:SourceVpce") == "vpce-EXAMPLE08c1b6b9b7"
    assert request.value("aws:VpceAccount") == OWNER
    assert request.value("aws:SourceIp") is ABSENT  # not in the context of a request through an endpoint
    assert request.value("aws:PrincipalOrgID") is UNKNOWN  # no account map
    assert request.value("aws:SourceVpc") is UNKNOWN  # no describe-vpc-endpoints data
    assert request.value("aws:VpcSourceIp") is UNKNOWN  # calls not grouped by address
    assert request.value("aws:PrincipalTag/team") is UNKNOWN  # everything else unknown


def test_assumed_role_is_matched_by_its_role_arn() -> None:
    request = call_request(S3_ALLOWED, "s3:ListAllMyBuckets")
    assert request.value("aws:PrincipalArn") == "arn:aws:iam::012345678910:role/admin"
    only_admin = policy(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:ListAllMyBuckets",
            "Resource": "*",
            "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::012345678910:role/admin"}},
        }
    )
    assert verdict(S3_ALLOWED, only_admin) is Verdict.ALLOW
    other = dataclasses.replace(S3_ALLOWED, principal_arn="arn:aws:iam::012345678910:role/other")
    assert verdict(other, only_admin) is Verdict.IMPLICIT_DENY


def test_a_principal_element_naming_a_role_is_unknown_for_its_sessions() -> None:
    # Principal elements match the session ARN too (IAM User Guide, Principal element); a distinct call
    # keeps the role only, so the element cannot be decided.
    by_principal = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::012345678910:role/admin"},
            "Action": "*",
            "Resource": "*",
        }
    )
    assert verdict(S3_ALLOWED, by_principal) is Verdict.UNKNOWN


def test_organization_id_only_with_the_account_map() -> None:
    perimeter = policy(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorgid"}},
        }
    )
    evaluation = evaluate_policy(perimeter, call_request(KMS_ALLOWED, "kms:ListKeys"))
    assert evaluation.verdict is Verdict.UNKNOWN
    assert "aws:principalorgid" in {k.lower() for k in evaluation.unknown_keys}
    orgs = {OWNER: "o-exampleorgid"}
    assert verdict(KMS_ALLOWED, perimeter, org_accounts=orgs) is Verdict.ALLOW
    request = call_request(KMS_DENIED, "kms:ListKeys", org_accounts=orgs)
    # 777788889999 is not in list-accounts: in another organization or in none, so the key is another id or
    # absent (IAM User Guide, aws:PrincipalOrgID), never the organization's: the perimeter does not allow it.
    assert request.value("aws:PrincipalOrgID") == NotAnyOf(frozenset({"o-exampleorgid"}))
    assert request.value("aws:VpceOrgID") == "o-exampleorgid"
    assert verdict(KMS_DENIED, perimeter, org_accounts=orgs) is Verdict.IMPLICIT_DENY


def test_source_ip_condition_denies_requests_through_an_endpoint() -> None:
    # aws:SourceIp is absent for a request through a VPC endpoint; NotIpAddress is true for an absent key
    # (IAM User Guide, condition operators: negated operators match when the key is absent).
    office_only = policy(
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "*",
            "Resource": "*",
            "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        },
    )
    assert verdict(KMS_ALLOWED, office_only) is Verdict.EXPLICIT_DENY


def test_vpc_from_describe_vpc_endpoints_data() -> None:
    endpoints = {"vpce-EXAMPLE08c1b6b9b7": EndpointInfo(vpc_id="vpc-0abc", vpc_arn=None)}
    request = call_request(KMS_ALLOWED, "kms:ListKeys", endpoints=endpoints)
    assert request.value("aws:SourceVpc") == "vpc-0abc"
    assert request.value("aws:SourceVpcArn") is UNKNOWN
    assert call_request(KMS_ALLOWED, "kms:ListKeys", endpoints={}).value("aws:SourceVpc") is UNKNOWN


def test_source_ip_of_calls_grouped_by_address() -> None:
    call = dataclasses.replace(KMS_ALLOWED, source_ip="10.0.1.23")
    assert call_request(call, "kms:ListKeys").value("aws:VpcSourceIp") == "10.0.1.23"


def test_service_principal_call() -> None:
    call = dataclasses.replace(
        KMS_ALLOWED,
        principal_type="AWSService",
        principal_account=None,
        principal_arn=None,
        invoked_by="ec2.amazonaws.com",
    )
    request = call_request(call, "kms:ListKeys")
    assert request.value("aws:PrincipalIsAWSService") is True
    assert request.principal.service == "ec2.amazonaws.com"
    # network keys are not passed for calls a service makes on your behalf: unknown, not the record's
    assert request.value("aws:SourceVpce") is UNKNOWN
    assert request.value("aws:SourceIp") is UNKNOWN


def test_every_key_set_has_its_page() -> None:
    request = call_request(KMS_ALLOWED, "kms:ListKeys", org_accounts={}, endpoints={})
    assert {k.lower() for k in request.context} == {k.lower() for k in CONTEXT_KEY_PAGES}
    assert all(url.startswith("https://docs.aws.amazon.com/IAM/") for url in CONTEXT_KEY_PAGES.values())


@pytest.mark.parametrize("call", [KMS_ALLOWED, KMS_DENIED, S3_ALLOWED])
def test_request_is_open_world(call: DistinctCall) -> None:
    assert call_request(call, "kms:ListKeys").absent_is_unknown is True
