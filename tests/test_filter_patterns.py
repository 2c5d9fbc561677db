"""Every metric filter pattern the alarms ship, run over records it must and must not match.

The evaluator below is test-only and covers the subset of CloudWatch Logs' JSON
filter-pattern syntax the patterns use:

- ``{ expr }`` around the whole pattern;
- comparisons ``$.a.b = "value"`` and ``$.a.b != "value"`` on string values, where
  ``*`` in the value matches any run of characters (CloudWatch's wildcard);
- ``&&``, ``||`` and parentheses. Mixing ``&&`` and ``||`` without parentheses is
  rejected (CloudWatch's precedence is not modelled, so the patterns never rely on it).

Limits: no numbers, booleans, ``IS NULL``, ``EXISTS``/``NOT EXISTS``, regular
expressions, array indexes or non-JSON (term and space-delimited) patterns: the
evaluator raises on them. A comparison whose property is missing, or is not a
string, is false for ``=`` and ``!=`` alike; that is how the shipped patterns are
meant to behave ("events without userIdentity.accountId are not counted"), and
is the reading taken in docs/detection.md. It is a model of CloudWatch, not
CloudWatch: real matching is only proven by ``aws logs test-metric-filter``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from network_trail import NetworkTrailError
from network_trail.model._filter_patterns import (
    MAX_ALLOWED_ACCOUNTS,
    MAX_PATTERN_LENGTH,
    denied_pattern,
    outside_caller_pattern,
    volume_pattern,
)

DATA = Path(__file__).resolve().parent / "data"
_TOKEN = re.compile(r'\s*(\{|\}|\(|\)|&&|\|\||!=|=|"(?:[^"\\]|\\.)*"|\$(?:\.[A-Za-z0-9_]+)+)')

Matcher = Callable[[dict[str, Any]], bool]


def _tokens(pattern: str) -> list[str]:
    out: list[str] = []
    pos = 0
    while pos < len(pattern):
        if pattern[pos:].strip() == "":
            break
        m = _TOKEN.match(pattern, pos)
        if m is None:
            raise ValueError(f"unsupported syntax at {pattern[pos:]!r}")
        out.append(m.group(1))
        pos = m.end()
    return out


def _lookup(record: dict[str, Any], selector: str) -> Any:
    value: Any = record
    for part in selector.split(".")[1:]:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _comparison(selector: str, op: str, literal: str) -> Matcher:
    text = json.loads(literal)
    regex = re.compile("^" + ".*".join(re.escape(p) for p in text.split("*")) + "$")

    def match(record: dict[str, Any]) -> bool:
        value = _lookup(record, selector)
        if not isinstance(value, str):
            return False
        return bool(regex.match(value)) == (op == "=")

    return match


def compile_pattern(pattern: str) -> Matcher:
    """Parse ``pattern`` into a predicate over one decoded JSON log event."""
    tokens = _tokens(pattern)
    if not tokens or tokens[0] != "{" or tokens[-1] != "}":
        raise ValueError(f"not a JSON filter pattern: {pattern!r}")
    pos = 1

    def expr() -> Matcher:
        nonlocal pos
        parts = [term()]
        ops: set[str] = set()
        while tokens[pos] in ("&&", "||"):
            ops.add(tokens[pos])
            pos += 1
            parts.append(term())
        if len(ops) > 1:
            raise ValueError("&& and || mixed without parentheses")
        if ops == {"||"}:
            return lambda r: any(p(r) for p in parts)
        return lambda r: all(p(r) for p in parts)

    def term() -> Matcher:
        nonlocal pos
        if tokens[pos] == "(":
            pos += 1
            inner = expr()
            if tokens[pos] != ")":
                raise ValueError(f"expected ')' at token {pos}")
            pos += 1
            return inner
        selector, op, literal = tokens[pos : pos + 3]
        if not selector.startswith("$") or op not in ("=", "!=") or not literal.startswith('"'):
            raise ValueError(f"unsupported comparison {selector} {op} {literal}")
        pos += 3
        return _comparison(selector, op, literal)

    matcher = expr()
    if pos != len(tokens) - 1:
        raise ValueError(f"trailing tokens {tokens[pos:]}")
    return matcher


def _cases() -> dict[str, dict[str, Any]]:
    cases = json.loads((DATA / "network-activity-cases.json").read_text())["cases"]
    records = {c["id"]: c["record"] for c in cases}
    for name in ("kms-listkeys-allowed", "kms-listkeys-denied-external", "s3-listbuckets-allowed"):
        records[name] = json.loads((DATA / f"{name}.json").read_text())
    return records


RECORDS = _cases()
DENIED = {"external-denied-secret-1", "external-denied-secret-2", "owner-denied-put", "external-denied-30-days-ago",
          "kms-listkeys-denied-external"}  # fmt: skip
NETWORK = set(RECORDS) - {"management-access-denied"}


def matched(pattern: str) -> set[str]:
    match = compile_pattern(pattern)
    return {name for name, record in RECORDS.items() if match(record)}


# --- the evaluator itself --------------------------------------------------------------------------
def test_evaluator_wildcard_matches_any_run_of_characters() -> None:
    assert compile_pattern('{ $.errorCode = "AccessDenied*" }')({"errorCode": "AccessDeniedException"})


def test_evaluator_or_needs_only_one_side() -> None:
    match = compile_pattern('{ ($.a = "x") || ($.b = "y") }')
    assert match({"b": "y"}) and not match({"a": "y"})


def test_evaluator_not_equal_is_false_on_a_missing_property() -> None:
    assert not compile_pattern('{ $.userIdentity.accountId != "1" }')({"userIdentity": {}})


def test_evaluator_rejects_mixed_operators_without_parentheses() -> None:
    with pytest.raises(ValueError, match="mixed"):
        compile_pattern('{ $.a = "1" && $.b = "2" || $.c = "3" }')


def test_evaluator_rejects_syntax_it_does_not_model() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        compile_pattern("{ $.latency > 5 }")


# --- the shipped patterns --------------------------------------------------------------------------
def test_denied_pattern_matches_every_vpce_denial_and_nothing_else() -> None:
    assert matched(denied_pattern()) == DENIED


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("kms.amazonaws.com", {"kms-listkeys-denied-external"}),
        ("s3.amazonaws.com", {"owner-denied-put"}),
        (
            "secretsmanager.amazonaws.com",
            {"external-denied-secret-1", "external-denied-secret-2", "external-denied-30-days-ago"},
        ),
        ("ec2.amazonaws.com", set()),
    ],
)
def test_denied_pattern_per_source_matches_only_that_source(source: str, expected: set[str]) -> None:
    assert matched(denied_pattern(source)) == expected


def test_cis_unauthorized_api_calls_pattern_does_not_match_vpce_denials() -> None:
    # GIVEN the CIS AWS Foundations "unauthorized API calls" metric filter
    cis = '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }'
    # THEN it sees the management AccessDenied but none of the VpceAccessDenied records
    assert matched(cis) == {"management-access-denied"}


def test_outside_caller_pattern_leaves_out_allowed_accounts() -> None:
    # GIVEN the endpoint owners of the samples and one partner as allowed accounts
    allowed = ["111111111111", "222222222222", "123456789012", "012345678910"]
    # THEN only outsiders' network activity matches, whether denied or not
    assert matched(outside_caller_pattern(allowed)) == {
        "external-denied-secret-1",
        "external-denied-secret-2",
        "external-gets-object",
        "external-denied-30-days-ago",
        "external-200-days-ago",
        "kms-listkeys-denied-external",
    }


def test_outside_caller_pattern_matches_a_partner_once_not_allowed() -> None:
    allowed = ["111111111111", "123456789012", "012345678910"]
    assert "allowed-partner-decrypt" in matched(outside_caller_pattern(allowed))


def test_outside_caller_pattern_ignores_management_events_of_outsiders() -> None:
    assert "management-access-denied" not in matched(outside_caller_pattern(["111111111111"]))


def test_volume_pattern_matches_every_network_activity_event() -> None:
    assert matched(volume_pattern()) == NETWORK


def test_outside_caller_pattern_holds_max_allowed_accounts_within_the_length_limit() -> None:
    accounts = [f"{n:012d}" for n in range(1, MAX_ALLOWED_ACCOUNTS + 1)]
    assert MAX_ALLOWED_ACCOUNTS == 20
    assert len(outside_caller_pattern(accounts)) <= MAX_PATTERN_LENGTH


def test_fails_when_the_outside_caller_pattern_exceeds_cloudwatch_length_limit() -> None:
    accounts = [f"{n:012d}" for n in range(1, MAX_ALLOWED_ACCOUNTS + 2)]
    with pytest.raises(
        NetworkTrailError, match=r"allowed_account_ids has 21 accounts.*limit of 1024.*at most 20"
    ):
        outside_caller_pattern(accounts)


def test_fails_when_an_allowed_account_is_malformed() -> None:
    with pytest.raises(NetworkTrailError, match=r"allowed_account_ids\[0\] must be a 12-digit .* got 'abc'"):
        outside_caller_pattern(["abc"])


def test_fails_when_event_source_is_not_a_service_host() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"event_source must look like 'kms.amazonaws.com', got 'kms'"
    ):
        denied_pattern("kms")
