"""Conformance of the IAM evaluator to the AWS pages' own examples (tests/data/iam_conformance.json).

Each case names its AWS page, quotes or restates what the page says, and the verdict worked out by
hand from that text; the evaluator (network_trail.model.iam) must give that verdict.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from network_trail.model.iam import (
    ABSENT,
    UNKNOWN,
    ContextValue,
    Policy,
    Request,
    RequestPrincipal,
    evaluate,
    evaluate_policy,
    parse_policy,
)

DATA = json.loads((Path(__file__).resolve().parent / "data" / "iam_conformance.json").read_text())
CASES: list[dict[str, Any]] = DATA["cases"]
SENTINELS: dict[str, Any] = {"<UNKNOWN>": UNKNOWN, "<ABSENT>": ABSENT}


def policy(name: str) -> Policy:
    return parse_policy(DATA["policies"][name]["document"], name=name)


def context_value(value: Any) -> ContextValue:
    if isinstance(value, list):
        return tuple(value)
    return SENTINELS.get(value, value) if isinstance(value, str) else value  # type: ignore[no-any-return]


def request(raw: dict[str, Any]) -> Request:
    who = raw["principal"]
    arn = tuple(who["arn"]) if isinstance(who["arn"], list) else who["arn"]
    return Request(
        action=raw["action"],
        resource=raw["resource"],
        principal=RequestPrincipal(account=who["account"], arn=arn, service=who["service"]),
        context={k: context_value(v) for k, v in raw["context"].items()},
        absent_is_unknown=raw["absent_is_unknown"],
    )


def test_every_case_and_policy_cites_an_aws_page() -> None:
    assert len(CASES) >= 40
    sources = [c["source"] for c in CASES] + [p["source"] for p in DATA["policies"].values()]
    assert all(s.startswith("https://docs.aws.amazon.com/") for s in sources)
    assert all(c["documented"] for c in CASES)
    assert len({c["id"] for c in CASES}) == len(CASES)


def test_every_verdict_is_exercised() -> None:
    assert {c["expected"] for c in CASES} == {"ALLOW", "EXPLICIT_DENY", "IMPLICIT_DENY", "UNKNOWN"}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_documented_verdict(case: dict[str, Any]) -> None:
    req = request(case["request"])
    if "policy" in case:
        result = evaluate_policy(policy(case["policy"]), req)
    else:
        how = case["evaluate"]
        result = evaluate(
            req,
            identity_policies=[policy(n) for n in how.get("identity", [])],
            resource_policy=policy(how["resource_policy"]) if "resource_policy" in how else None,
            endpoint_policies=[policy(n) for n in how.get("endpoints", [])],
            resource_account=how.get("resource_account"),
            resource_kind=how.get("resource_kind", "other"),
        )
    assert result.verdict.value == case["expected"], (case["documented"], result.reason)
    if result.verdict.value != "UNKNOWN":
        assert result.unknown_keys == frozenset()
    if "unknown_keys" in case:
        assert sorted(result.unknown_keys) == case["unknown_keys"]
