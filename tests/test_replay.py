"""Replay and advise over the documented network activity records and documented endpoint policies.

Records: the CloudTrail User Guide's example network activity records (tests/data/*.json, see
tests/data/endpoint-policies/README.md). Policies and the verdicts expected of them: the pages cited
in tests/data/endpoint-policies/README.md, and the IAM User Guide, "Policy evaluation logic"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
an explicit deny overrides any allow; a request no statement allows is implicitly denied.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from network_trail.model.endpoints import VpcEndpoint
from network_trail.model.iam import Verdict
from network_trail.simulator.advise import Shape, advice_report, advise
from network_trail.simulator.calls import DistinctCall, distinct_calls, load_org_accounts
from network_trail.simulator.endpoint_coverage import CoverageStatus
from network_trail.simulator.endpoint_policies import PolicyTarget, describe_targets, template_targets
from network_trail.simulator.replay import Outcome, ReplayReport, replay
from tests.conftest import DATA

POLICIES = DATA / "endpoint-policies"
RECORDS = ("kms-listkeys-allowed.json", "kms-listkeys-denied-external.json", "s3-listbuckets-allowed.json")
KMS_VPCE = "vpce-EXAMPLE08c1b6b9b7"
S3_VPCE = "vpce-03y53r4ukkkuygzg0"
ORG = "o-a1b2c3d4e5"


def calls() -> tuple[DistinctCall, ...]:
    return distinct_calls([DATA / name for name in RECORDS]).calls


def org_accounts() -> dict[str, str]:
    return load_org_accounts(json.loads((POLICIES / "org-accounts.json").read_text()))


def for_all(name: str) -> PolicyTarget:
    return PolicyTarget(name, json.loads((POLICIES / name).read_text()))


def by_caller(report: ReplayReport) -> dict[tuple[str | None, str | None], Any]:
    return {(r.call.principal_account, r.call.event_name): r for r in report.rows}


def test_privatelink_default_policy_allows_every_call() -> None:
    # The default policy grants full access: the denied call would be allowed, the others stay allowed.
    rows = by_caller(replay(calls(), [for_all("privatelink-default.json")]))
    assert rows["123456789012", "ListKeys"].outcome is Outcome.UNCHANGED
    assert rows["012345678910", "ListBuckets"].outcome is Outcome.UNCHANGED
    external = rows["777788889999", "ListKeys"]
    assert external.outcome is Outcome.NEWLY_ALLOWED
    assert external.evaluation.verdict is Verdict.ALLOW
    assert external.deciding == ("Statement[0]",)


def test_guardduty_account_only_policy_denies_other_accounts() -> None:
    # GuardDuty's policy restricts the endpoint to one account (here 123456789012): the caller from
    # 012345678910 allowed today would be denied by the Deny statement; the others keep their outcome.
    report = replay(calls(), [for_all("guardduty-account-only.json")])
    rows = by_caller(report)
    assert rows["123456789012", "ListKeys"].outcome is Outcome.UNCHANGED
    assert rows["777788889999", "ListKeys"].outcome is Outcome.UNCHANGED
    regression = rows["012345678910", "ListBuckets"]
    assert regression.outcome is Outcome.REGRESSION
    assert regression.evaluation.verdict is Verdict.EXPLICIT_DENY
    assert regression.deciding == ("Statement[1]",)
    assert report.summary()["regression"] == {"calls": 1, "events": 1}
    assert [r.call.principal_account for r in report.failing(["regression"])] == ["012345678910"]


def test_data_perimeter_default_policy_is_unknown_for_the_organization() -> None:
    # Its statements need aws:ResourceOrgID or a principal tag, which records do not carry: unknown for
    # the organization's callers.
    rows = by_caller(replay(calls(), [for_all("data-perimeter-default.json")], org_accounts=org_accounts()))
    inside = rows["123456789012", "ListKeys"]
    assert inside.outcome is Outcome.UNKNOWN
    assert {"aws:resourceorgid", "aws:principaltag/dp:exclude:resource"} <= {
        k.lower() for k in inside.evaluation.unknown_keys
    }
    assert "AllowRequestsByOrgsIdentitiesToOrgsResources" in inside.deciding
    # The caller outside the organization is never allowed by it.
    assert not rows["777788889999", "ListKeys"].evaluation.verdict.allowed


def test_data_perimeter_default_policy_denies_callers_outside_the_organization() -> None:
    # list-accounts lists every account of the organization: 777788889999 is not in it, so its
    # aws:PrincipalOrgID is not o-a1b2c3d4e5 and no statement of the policy allows its call.
    rows = by_caller(replay(calls(), [for_all("data-perimeter-default.json")], org_accounts=org_accounts()))
    outsider = rows["777788889999", "ListKeys"]
    assert outsider.outcome is Outcome.UNCHANGED
    assert outsider.evaluation.verdict is Verdict.IMPLICIT_DENY


def test_without_the_organization_map_the_organization_is_unknown() -> None:
    rows = by_caller(replay(calls(), [for_all("data-perimeter-default.json")]))
    assert "aws:principalorgid" in {
        k.lower() for k in rows["123456789012", "ListKeys"].evaluation.unknown_keys
    }


def test_an_explicit_deny_overrides_the_allow() -> None:
    policy = {
        "Statement": [
            {"Sid": "All", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
            {
                "Sid": "NoKeyListing",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "kms:ListKeys",
                "Resource": "*",
            },
        ]
    }
    rows = by_caller(replay(calls(), [PolicyTarget("p", policy)]))
    assert rows["123456789012", "ListKeys"].outcome is Outcome.REGRESSION
    assert rows["123456789012", "ListKeys"].deciding == ("NoKeyListing",)
    assert rows["012345678910", "ListBuckets"].outcome is Outcome.UNCHANGED


def test_a_call_no_statement_allows_is_implicitly_denied() -> None:
    # ListBuckets is authorized by s3:ListAllMyBuckets (Amazon S3 User Guide, policy actions).
    policy = {
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]
    }
    rows = by_caller(replay(calls(), [PolicyTarget("p", policy)]))
    assert rows["012345678910", "ListBuckets"].outcome is Outcome.UNCHANGED
    kms = rows["123456789012", "ListKeys"]
    assert (kms.outcome, kms.evaluation.verdict, kms.deciding) == (
        Outcome.REGRESSION,
        Verdict.IMPLICIT_DENY,
        (),
    )


def test_a_policy_for_one_endpoint_gates_only_its_calls() -> None:
    target = PolicyTarget(
        KMS_VPCE, json.loads((POLICIES / "guardduty-account-only.json").read_text()), VpcEndpoint(KMS_VPCE)
    )
    report = replay(calls(), [target])
    assert {r.call.vpc_endpoint_id for r in report.rows} == {KMS_VPCE}
    assert [c.vpc_endpoint_id for c in report.ungated] == [S3_VPCE]
    assert report.to_json()["ungatedCalls"] == 1


def test_an_operation_without_a_documented_action_is_unknown_against_specific_actions() -> None:
    (base,) = [c for c in calls() if c.principal_account == "123456789012"]
    call = replace(base, event_source="partnercentral-prm.amazonaws.com", event_name="ListThings")
    policy = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}]}
    (row,) = replay([call], [PolicyTarget("p", policy)]).rows
    assert row.actions is None
    assert row.outcome is Outcome.UNKNOWN
    assert "Action" in row.evaluation.unknown_keys


def test_replay_json_names_every_field() -> None:
    report = replay(calls(), [for_all("guardduty-account-only.json")])
    out = report.to_json()
    assert out["summary"]["regression"]["calls"] == 1
    first = out["calls"][0]
    assert first["outcome"] == "regression"
    assert first["principal"] == "arn:aws:iam::012345678910:role/admin"
    assert (first["firstSeen"], first["lastSeen"], first["count"]) == (
        "2025-02-26T16:41:35Z",
        "2025-02-26T16:41:35Z",
        1,
    )
    assert first["actions"] == ["s3:ListAllMyBuckets"]
    assert "after a delay" in out["note"]


def test_describe_and_template_targets() -> None:
    data = json.loads((DATA / "describe-vpc-endpoints.json").read_text())["VpcEndpoints"]
    endpoints = [
        VpcEndpoint(i["VpcEndpointId"], i.get("ServiceName"), i.get("VpcEndpointType"), i.get("VpcId"))
        for i in data
    ]
    targets = describe_targets(data, endpoints)
    assert targets[0].document == json.loads((POLICIES / "privatelink-default.json").read_text())
    assert targets[1].document is None and "no PolicyDocument" in targets[1].not_checkable
    template = {
        "Resources": {
            "Kms": {
                "Type": "AWS::EC2::VPCEndpoint",
                "Properties": {
                    "ServiceName": {"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".kms"]]},
                    "VpcEndpointType": "Interface",
                    "PolicyDocument": json.loads((POLICIES / "guardduty-account-only.json").read_text()),
                },
            },
            "Sqs": {
                "Type": "AWS::EC2::VPCEndpoint",
                "Properties": {
                    "ServiceName": "com.amazonaws.eu-west-1.sqs",
                    "VpcEndpointType": "Interface",
                    "PolicyDocument": {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": {"Fn::GetAtt": ["Role", "Arn"]}},
                                "Action": "*",
                                "Resource": "*",
                            }
                        ]
                    },
                },
            },
            "S3": {
                "Type": "AWS::EC2::VPCEndpoint",
                "Properties": {"ServiceName": "com.amazonaws.eu-west-1.s3"},
            },
        }
    }
    kms, sqs, s3 = template_targets([("App", template)])
    assert (kms.label, kms.event_source, kms.document is not None) == ("App/Kms", "kms.amazonaws.com", True)
    assert sqs.document is None and "Fn::GetAtt" in sqs.not_checkable
    assert s3.gateway and s3.label == "App/S3 (default policy)"
    report = replay(calls(), [kms, sqs, s3])
    assert {(r.policy, r.call.principal_account, r.outcome) for r in report.rows} == {
        ("App/Kms", "123456789012", Outcome.UNCHANGED),
        ("App/Kms", "777788889999", Outcome.UNCHANGED),
        ("App/S3 (default policy)", "012345678910", Outcome.UNCHANGED),
    }
    assert report.unchecked == (("App/Sqs", sqs.not_checkable),)


# ---------------------------------------------------------------------------
# advise


def sample_endpoints() -> list[VpcEndpoint]:
    return [
        VpcEndpoint(KMS_VPCE, "com.amazonaws.us-east-1.kms", "Interface", "vpc-1"),
        VpcEndpoint(S3_VPCE, "com.amazonaws.us-east-1.s3", "Gateway", "vpc-1"),
        VpcEndpoint("vpce-0000000000000000a", "com.amazonaws.us-east-1.sqs", "Interface", "vpc-1"),
        VpcEndpoint("vpce-0000000000000000b", "com.amazonaws.us-east-1.ec2messages", "Interface", "vpc-1"),
    ]


def test_advise_perimeter_with_the_organization() -> None:
    kms, s3, sqs, ec2messages = advise(calls(), sample_endpoints(), org_accounts=org_accounts())
    assert kms.policy is not None and kms.status is CoverageStatus.ALL
    (statement,) = kms.policy["Statement"]
    assert statement["Principal"] == "*" and statement["Action"] == "*"
    assert statement["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": [ORG]}}
    assert (kms.allowed_calls, kms.denied_calls) == (1, 1)
    assert s3.policy is not None and s3.problems == ()
    assert sqs.policy is None and sqs.status is CoverageStatus.NOT_LOGGED
    assert ec2messages.status is CoverageStatus.UNSUPPORTED


def test_advise_without_the_organization_names_the_accounts() -> None:
    kms, s3, *_ = advise(calls(), sample_endpoints())
    assert kms.policy is not None
    assert kms.policy["Statement"][0]["Condition"] == {
        "StringEquals": {"aws:PrincipalAccount": ["123456789012"]}
    }
    assert s3.policy is not None
    assert s3.policy["Statement"][0]["Condition"] == {
        "StringEquals": {"aws:PrincipalAccount": ["012345678910"]}
    }


@pytest.mark.parametrize("shape", list(Shape))
def test_advise_shapes(shape: Shape) -> None:
    kms, s3, *_ = advise(calls(), sample_endpoints(), shape=shape, org_accounts=org_accounts())
    assert kms.policy is not None and s3.policy is not None
    kms_statement, s3_statement = kms.policy["Statement"][0], s3.policy["Statement"][0]
    if shape is Shape.PERIMETER:
        assert (kms_statement["Action"], s3_statement["Action"]) == ("*", "*")
    else:  # the documented actions of ListKeys and of ListBuckets
        assert (kms_statement["Action"], s3_statement["Action"]) == (
            ["kms:ListKeys"],
            ["s3:ListAllMyBuckets"],
        )
    assert ("Condition" in kms_statement) is (shape is not Shape.ACTIONS)


def test_an_endpoint_with_only_denied_calls_gets_no_proposal() -> None:
    denied_only = [c for c in calls() if c.denied]
    (kms,) = advise(denied_only, sample_endpoints()[:1])
    assert kms.policy is None and kms.status is CoverageStatus.DENIED_ONLY
    assert "only calls a VPC endpoint policy denied" in kms.reason
    (kms,) = advise(calls(), sample_endpoints()[:1], coverage={KMS_VPCE: CoverageStatus.DENIED_ONLY})
    assert kms.policy is None and kms.status is CoverageStatus.DENIED_ONLY


def outsider_case() -> tuple[list[DistinctCall], Any]:
    (base,) = [c for c in calls() if c.principal_account == "777788889999"]
    allowed_outsider = replace(base, denied=False, error_code=None)
    inside = [c for c in calls() if c.principal_account == "123456789012"]
    (kms,) = advise([*inside, allowed_outsider], sample_endpoints()[:1], org_accounts=org_accounts())
    return [*inside, allowed_outsider], kms


def test_a_caller_outside_the_organization_is_listed_never_added() -> None:
    observed, kms = outsider_case()
    assert kms.outside == ("777788889999",)
    assert kms.policy is not None
    assert "777788889999" not in json.dumps(kms.policy)
    report = replay(
        observed, [PolicyTarget(KMS_VPCE, kms.policy, sample_endpoints()[0])], org_accounts=org_accounts()
    )
    rows = by_caller(report)
    assert rows["123456789012", "ListKeys"].outcome is Outcome.UNCHANGED
    assert not rows["777788889999", "ListKeys"].evaluation.verdict.allowed


def test_the_listed_outside_caller_is_a_regression_of_the_proposal() -> None:
    observed, kms = outsider_case()
    report = replay(
        observed, [PolicyTarget(KMS_VPCE, kms.policy, sample_endpoints()[0])], org_accounts=org_accounts()
    )
    assert [r.call.principal_account for r in report.failing(["regression"])] == ["777788889999"]


def test_advice_report_is_the_input_of_proposal_policy() -> None:
    proposals = advise(calls(), sample_endpoints(), org_accounts=org_accounts())
    report = advice_report(proposals, shape=Shape.PERIMETER, unknown_endpoints=["vpce-x"])
    assert report["summary"] == {
        "all": 2,
        "denied-only": 0,
        "not-logged": 1,
        "unsupported": 1,
        "proposals": 2,
    }
    assert report["endpoints"][0]["endpointId"] == KMS_VPCE
    assert report["endpointsNotGiven"] == ["vpce-x"]


@pytest.mark.parametrize("shape", list(Shape))
@pytest.mark.parametrize("with_org", [False, True])
def test_a_proposal_has_no_regression_on_its_own_input(shape: Shape, with_org: bool) -> None:
    orgs = org_accounts() if with_org else None
    endpoints = sample_endpoints()
    proposals = advise(calls(), endpoints, shape=shape, org_accounts=orgs)
    targets = [PolicyTarget(p.endpoint.endpoint_id, p.policy, p.endpoint) for p in proposals if p.policy]
    report = replay(calls(), targets, org_accounts=orgs)
    assert len(report.rows) == 3
    assert report.failing(["regression"]) == []
