"""Condition operators against the request context, in three-valued logic.

Semantics from the IAM User Guide:

- "Condition operators" (reference_policies_elements_condition_operators.html): a key absent from
  the request context makes the condition false, except the negated operators (``StringNotEquals``,
  ``ArnNotLike``, ...) which are then true, and ``...IfExists`` (true when absent) and ``Null``
  (tests presence). String operators compare values case-sensitively except ``...IgnoreCase``;
  ``StringLike`` takes ``*`` and ``?``; ``ArnLike``/``ArnEquals`` match each of the six ARN parts.
- "Condition": several values for one key are OR-ed; several keys or operators are AND-ed
  (the AND is in :mod:`._evaluate`). Key names are case-insensitive.
- "Single-valued vs. multivalued context keys" and "Multivalued context key examples":
  ``ForAllValues`` is true when every request value matches (and when the key is absent or empty);
  ``ForAnyValue`` is true when at least one request value matches (false when absent or empty).

A key whose value is UNKNOWN makes the condition unknown, naming the key. A multivalued request
value under an operator without a set prefix is not defined by the pages: the result is unknown.
A :class:`NotAnyOf` value (absent, or a string none of the excluded ones) gives the result all of
its completions agree on, else unknown.
"""

from __future__ import annotations

import ipaddress
import operator
from collections.abc import Callable
from typing import Any

from ._parse import OPERATORS, ConditionTest, parse_date, parse_network, parse_number
from ._tri import FALSE, TRUE, Tri, all_, of, unknown
from ._types import ABSENT, UNKNOWN, Absent, ContextValue, NotAnyOf, Request
from ._wildcard import arn_matches, matches

_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip


def _text(value: str | bool | int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _ordered(parse: Callable[[str], object | None], comparison: str, wanted: str, given: str) -> bool:
    left, right = parse(given), parse(wanted)
    if left is None or right is None:
        return False
    try:
        return _ORDER[comparison](left, right)
    except TypeError:  # e.g. an offset-naive against an offset-aware date: no match
        return False


def _ip(wanted: str, given: str) -> bool:
    network = parse_network(wanted)
    try:
        address = ipaddress.ip_address(given.split("/")[0])
    except ValueError:
        return False
    return network is not None and address.version == network.version and address in network


def compare(base: str, wanted: str, given: str) -> bool:
    """True when the request value ``given`` matches the policy value ``wanted`` under ``base``'s
    positive form (``StringNotEquals`` compares like ``StringEquals``; the caller negates)."""
    family, _, comparison = OPERATORS[base]
    if family in ("string", "binary"):
        return wanted == given
    if family in ("string_ic", "bool"):
        return wanted.casefold() == given.casefold()
    if family == "like":
        return matches(wanted, given)
    if family == "arn":
        return arn_matches(wanted, given)
    if family == "numeric":
        return _ordered(parse_number, comparison, wanted, given)
    if family == "date":
        return _ordered(parse_date, comparison, wanted, given)
    return _ip(wanted, given)


def _single(test: ConditionTest, given: str) -> bool:
    negated = OPERATORS[test.base][1]
    hit = any(compare(test.base, wanted, given) for wanted in test.values)
    return not hit if negated else hit


def _lowered(test: ConditionTest) -> set[str]:
    return {v.lower() for v in test.values}


def _absent(test: ConditionTest) -> Tri:
    if test.set_operator == "ForAllValues":
        return TRUE
    if test.set_operator == "ForAnyValue":
        return FALSE
    return TRUE if test.if_exists else of(OPERATORS[test.base][1])


def _matches_outside(test: ConditionTest, wanted: str, excluded: frozenset[str]) -> bool:
    """Whether ``wanted`` may match some string not in ``excluded`` (True when not sure: sound)."""
    family = OPERATORS[test.base][0]
    if family in ("string", "binary"):
        return wanted not in excluded
    if family in ("like", "arn"):
        return "*" in wanted or "?" in wanted or wanted not in excluded
    if family == "string_ic":  # a case variant of a cased value is another string
        return wanted not in excluded or wanted.lower() != wanted.upper()
    return True  # numeric, date, bool, ip: many spellings match one value


def _outside(test: ConditionTest, excluded: frozenset[str]) -> set[bool]:
    """The results of ``test`` over every string not in ``excluded`` (a superset: sound)."""
    family, negated, _ = OPERATORS[test.base]
    if family == "null":  # a present key: "false" holds
        return {"false" in _lowered(test)}
    hits = {False}  # some string matches no value: all but ``StringLike`` ``*``, which matches all
    if family == "like" and any(wanted and not wanted.strip("*") for wanted in test.values):
        hits = {True}
    if any(_matches_outside(test, wanted, excluded) for wanted in test.values):
        hits.add(True)
    return {hit != negated for hit in hits}


def _not_any_of(test: ConditionTest, value: NotAnyOf) -> Tri:
    """Absent, or a string none of ``value.values``: certain when every completion agrees."""
    absent = _value_test(test, ABSENT).value
    results = _outside(test, value.values) | {bool(absent)}
    return of(results.pop()) if len(results) == 1 else unknown(test.key)


def evaluate_test(test: ConditionTest, request: Request) -> Tri:
    """One condition key under one operator, against the request: True, False or unknown."""
    value: ContextValue = request.value(test.key)
    if value is UNKNOWN:
        return unknown(test.key)
    if isinstance(value, NotAnyOf):
        return _not_any_of(test, value)
    return _value_test(test, value)


def _value_test(test: ConditionTest, value: str | bool | int | tuple[str, ...] | Absent) -> Tri:
    """One condition key under one operator, against a known value or ABSENT."""
    if value is ABSENT or value == ():
        return TRUE if test.base == "Null" and "true" in _lowered(test) else _absent(test)
    if test.base == "Null":  # "true": the key must be absent; "false": present. Values OR-ed.
        return of("false" in _lowered(test))
    items = value if isinstance(value, tuple) else (value,)
    if test.set_operator is None and len(items) > 1:
        return unknown(test.key)
    results = [_single(test, _text(item)) for item in items]
    if test.set_operator == "ForAllValues":
        return of(all(results))
    return of(any(results))


def evaluate_conditions(tests: tuple[ConditionTest, ...], request: Request) -> Tri:
    """Every key of every operator must hold (AND), in three-valued logic."""
    return all_(evaluate_test(test, request) for test in tests)


__all__ = ["compare", "evaluate_conditions", "evaluate_test"]
