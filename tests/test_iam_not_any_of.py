"""NotAnyOf: a context key known to be absent or none of some strings (an account outside the organization).

IAM User Guide, AWS global condition context keys, ``aws:PrincipalOrgID``
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid):
the key holds the id of the principal's organization and is included in the request context only if
the principal is a member of an organization. ``list-accounts`` lists every account of an organization
(https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html), so for an account
it does not list the key is absent or another organization's id. Condition operators as on
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from network_trail.errors import NetworkTrailError
from network_trail.model.iam import (
    ABSENT,
    UNKNOWN,
    ContextValue,
    NotAnyOf,
    Request,
    RequestPrincipal,
    Verdict,
    evaluate_policy,
    parse_policy,
)

ORG = "o-a1b2c3d4e5"
KEY = "aws:PrincipalOrgID"
OUTSIDE = NotAnyOf(frozenset({ORG}))
DATA = Path(__file__).resolve().parent / "data" / "endpoint-policies"


def allow_if(condition: dict[str, Any]) -> Any:
    return parse_policy(
        {
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*", "Condition": condition}
            ]
        },
        name="P",
    )


def verdict(condition: dict[str, Any], value: ContextValue, **context: ContextValue) -> Verdict:
    request = Request(
        action="kms:ListKeys",
        resource="*",
        principal=RequestPrincipal(account="777788889999"),
        context={KEY: value, **context},
    )
    return evaluate_policy(allow_if(condition), request).verdict


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        # Absent: StringEquals is false; another id: it differs. Either way no match.
        ({"StringEquals": {KEY: ORG}}, Verdict.IMPLICIT_DENY),
        ({"StringEquals": {KEY: [ORG, "o-z9y8x7w6v5"]}}, Verdict.UNKNOWN),  # o-z9y8x7w6v5 may be its id
        # Absent: a negated operator is true; another id: it is not ORG. Either way a match.
        ({"StringNotEquals": {KEY: ORG}}, Verdict.ALLOW),
        ({"StringNotEqualsIfExists": {KEY: ORG}}, Verdict.ALLOW),
        ({"StringEqualsIfExists": {KEY: ORG}}, Verdict.UNKNOWN),  # absent: true; another id: false
        ({"Null": {KEY: "true"}}, Verdict.UNKNOWN),  # absent or present: not known
        ({"Null": {KEY: "false"}}, Verdict.UNKNOWN),
        ({"StringLike": {KEY: ORG}}, Verdict.IMPLICIT_DENY),  # matches nothing but the excluded id
        ({"StringLike": {KEY: "o-a1b2*"}}, Verdict.UNKNOWN),  # another organization's id may match
        ({"StringNotLike": {KEY: "o-*"}}, Verdict.UNKNOWN),
        ({"StringLike": {KEY: "*"}}, Verdict.UNKNOWN),  # absent: false; any id: true
        ({"StringNotLike": {KEY: "*"}}, Verdict.UNKNOWN),  # absent: true; any id: false
        ({"StringEqualsIgnoreCase": {KEY: ORG}}, Verdict.UNKNOWN),  # O-A1B2C3D4E5 is another string
        ({"ForAnyValue:StringEquals": {KEY: ORG}}, Verdict.IMPLICIT_DENY),
        ({"ForAllValues:StringEquals": {KEY: ORG}}, Verdict.UNKNOWN),  # absent: true
    ],
)
def test_each_operator_over_a_key_outside_the_organization(
    condition: dict[str, Any], expected: Verdict
) -> None:
    assert verdict(condition, OUTSIDE) is expected


def test_the_unknown_result_names_the_key() -> None:
    request = Request("kms:ListKeys", "*", RequestPrincipal(account="777788889999"), {KEY: OUTSIDE})
    result = evaluate_policy(allow_if({"Null": {KEY: "true"}}), request)
    assert result.unknown_keys == frozenset({KEY})


def test_not_any_of_takes_a_frozenset_of_strings() -> None:
    with pytest.raises(NetworkTrailError, match=r"NotAnyOf values=.*frozenset of strings"):
        NotAnyOf([ORG])  # type: ignore[arg-type]
    with pytest.raises(NetworkTrailError, match="frozenset of strings"):
        NotAnyOf(frozenset({1}))  # type: ignore[arg-type]


# --- Conformance: aws-samples/data-perimeter-policy-examples' default endpoint policy (tests/data/
# endpoint-policies/README.md): it allows the organization's principals (to the organization's resources, or
# tagged dp:exclude:resource) and AWS service principals; nothing else.

PERIMETER = parse_policy(json.loads((DATA / "data-perimeter-default.json").read_text()), name="perimeter")


def perimeter_request(org: ContextValue, is_service: ContextValue) -> Request:
    return Request(
        action="kms:ListKeys",
        resource=UNKNOWN,
        principal=RequestPrincipal(account="777788889999", arn=UNKNOWN),
        context={KEY: org, "aws:PrincipalIsAWSService": is_service},
        absent_is_unknown=True,
    )


def test_the_perimeter_policy_denies_a_caller_outside_the_organization() -> None:
    # Not a member (key absent) or of another organization: neither StringEquals aws:PrincipalOrgID
    # statement matches; not a service principal: the policy allows nothing (implicit deny).
    result = evaluate_policy(PERIMETER, perimeter_request(OUTSIDE, False))
    assert result.verdict is Verdict.IMPLICIT_DENY
    assert result.unknown_keys == frozenset()


def test_the_perimeter_policy_stays_open_for_the_organization_and_unknown_callers() -> None:
    inside = evaluate_policy(PERIMETER, perimeter_request(ORG, False))
    assert inside.verdict is Verdict.UNKNOWN  # aws:ResourceOrgID and the principal tag are not known
    unknown = evaluate_policy(PERIMETER, perimeter_request(UNKNOWN, False))
    assert unknown.verdict is Verdict.UNKNOWN
    assert "aws:principalorgid" in {k.lower() for k in unknown.unknown_keys}
    service_unknown = evaluate_policy(PERIMETER, perimeter_request(OUTSIDE, UNKNOWN))
    assert service_unknown.verdict is Verdict.UNKNOWN


# --- Property: a certain verdict holds for every completion (absent, and concrete strings outside).

OTHER_IDS = ["o-z9y8x7w6v5", "o-a1b2c3d4e6", "O-A1B2C3D4E5", "o-a1b2c3d4e5x", "", "true", "5", "10.0.0.1",
             "arn:aws:iam::777788889999:root", "2026-01-01T00:00:00Z"]  # fmt: skip
POOL = [ORG, "o-z9y8x7w6v5", "o-a1b2*", "o-a1b2c3d4e?", "*", "", "O-A1B2C3D4E5", "o-*", "true", "5",
        "10.0.0.0/8", "arn:aws:iam::*:root", "2026-01-01T00:00:00Z"]  # fmt: skip
OPERATORS = [
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike",
    "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan", "DateEquals", "DateNotEquals",
    "DateGreaterThan", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike",
    "ArnNotEquals", "ArnNotLike",
]  # fmt: skip


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()) and draw(st.booleans()):
        return {"Null": {KEY: draw(st.sampled_from(["true", "false"]))}}
    base = draw(st.sampled_from(OPERATORS[:6]) if draw(st.booleans()) else st.sampled_from(OPERATORS))
    prefix = draw(st.sampled_from(["", "", "ForAnyValue:", "ForAllValues:"]))
    suffix = "IfExists" if not prefix and draw(st.booleans()) else ""
    values = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=3, unique=True))
    return {f"{prefix}{base}{suffix}": {KEY: values}}


@settings(
    max_examples=800,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    conditions(),
    st.lists(
        st.sampled_from([ORG, "o-z9y8x7w6v5", "o-a1b2*", "*", "true", "5", ""]), max_size=3, unique=True
    ),
    st.sampled_from(["Allow", "Deny"]),
)
def test_certain_verdict_holds_for_every_completion(
    condition: dict[str, Any], excluded: list[str], effect: str
) -> None:
    conditional = {"Effect": effect, "Principal": "*", "Action": "*", "Resource": "*", "Condition": condition}
    allow_all = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
    document = {"Statement": [allow_all, conditional] if effect == "Deny" else [conditional]}
    try:
        policy = parse_policy(document, name="P")
    except NetworkTrailError:  # e.g. a number operator with an organization id: not a policy
        assume(False)
        raise

    def run(value: ContextValue) -> Verdict:
        return evaluate_policy(
            policy, Request("kms:ListKeys", "*", RequestPrincipal(account="1"), {KEY: value})
        ).verdict

    result = run(NotAnyOf(frozenset(excluded)))
    completions: list[ContextValue] = [ABSENT, *(v for v in [*OTHER_IDS, *POOL] if v not in excluded)]
    seen = {run(value) for value in completions}
    if result is not Verdict.UNKNOWN:
        assert seen == {result}, (condition, excluded)
