"""Property tests: a proposal of ``advise`` replayed on its own input has no regression.

The only calls a proposal may deny are those it lists for a human decision, never added: calls of
callers outside the organization, and (shapes ``actions`` and ``both``) operations without a documented
IAM action. No deadlines: speed is measured by benchmarks/replay.py.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from network_trail.model.endpoints import VpcEndpoint
from network_trail.simulator.advise import Shape, advise
from network_trail.simulator.calls import DistinctCall
from network_trail.simulator.endpoint_policies import PolicyTarget
from network_trail.simulator.replay import Outcome, replay

ORG = {"111111111111": "o-a1b2c3d4e5", "222222222222": "o-a1b2c3d4e5"}
ENDPOINTS = [
    VpcEndpoint("vpce-00000000000000001", "com.amazonaws.eu-west-1.kms", "Interface", "vpc-1"),
    VpcEndpoint("vpce-00000000000000002", "com.amazonaws.eu-west-1.s3", "Gateway", "vpc-1"),
]
# Operations with one action, several (CopyObject), parameter-dependent ones, and none documented.
OPERATIONS = [
    ("kms.amazonaws.com", "ListKeys"),
    ("kms.amazonaws.com", "Decrypt"),
    ("s3.amazonaws.com", "ListBuckets"),
    ("s3.amazonaws.com", "CopyObject"),
    ("s3.amazonaws.com", "PutObject"),
    ("partnercentral-prm.amazonaws.com", "ListThings"),
]


@st.composite
def a_call(draw: st.DrawFn) -> DistinctCall:
    source, name = draw(st.sampled_from(OPERATIONS))
    kind = draw(st.sampled_from(["AssumedRole", "AWSAccount", "IAMUser", "AWSService"]))
    account = None if kind == "AWSService" else draw(st.sampled_from([*ORG, "333333333333"]))
    denied = draw(st.booleans())
    arn = {
        "AssumedRole": f"arn:aws:iam::{account}:role/app",
        "IAMUser": f"arn:aws:iam::{account}:user/u",
    }.get(kind)
    return DistinctCall(
        event_source=source,
        event_name=name,
        vpc_endpoint_id=draw(st.sampled_from([e.endpoint_id for e in ENDPOINTS])),
        vpc_endpoint_account="111111111111",
        principal_type=kind,
        principal_account=account,
        principal_arn=arn,
        error_code="VpceAccessDenied" if denied else None,
        denied=denied,
        count=draw(st.integers(1, 5)),
        first_seen="2026-11-01T00:00:00Z",
        last_seen="2026-11-02T00:00:00Z",
        invoked_by="ec2.amazonaws.com" if kind == "AWSService" else None,
    )


@settings(deadline=None, max_examples=150)
@given(
    calls=st.lists(a_call(), max_size=12),
    shape=st.sampled_from(list(Shape)),
    with_org=st.booleans(),
)
def test_a_proposal_denies_no_observed_call_but_the_listed_ones(
    calls: list[DistinctCall], shape: Shape, with_org: bool
) -> None:
    orgs = ORG if with_org else None
    proposals = advise(calls, ENDPOINTS, shape=shape, org_accounts=orgs)
    targets = [PolicyTarget(p.endpoint.endpoint_id, p.policy, p.endpoint) for p in proposals if p.policy]
    listed = {a for p in proposals for a in p.outside}
    unmapped = {name for p in proposals for name in p.unmapped}
    report = replay(calls, targets, org_accounts=orgs)
    for row in report.rows:
        if row.outcome is Outcome.REGRESSION:
            # Only listed calls: a caller outside the organization, or an operation without a documented
            # action (which the actions of a proposal cannot name).
            assert (
                row.call.principal_account in listed
                or f"{row.call.event_source} {row.call.event_name}" in unmapped
            ), row
    # Every allowed call through an endpoint with a proposal is replayed on it.
    proposed = {t.label for t in targets}
    replayed = {(r.call, r.policy) for r in report.rows}
    for call in calls:
        if call.vpc_endpoint_id in proposed:
            assert (call, call.vpc_endpoint_id) in replayed
