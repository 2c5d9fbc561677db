"""Parse an IAM JSON policy document into statements the evaluator reads.

Elements and their rules: IAM User Guide, "IAM JSON policy element reference" (Version, Statement,
Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition) and
"Condition operators". A malformed document raises :class:`~network_trail.errors.NetworkTrailError`
naming the policy, the statement (index and Sid), the element, the value, the rule and the fix.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal

from network_trail.errors import NetworkTrailError, did_you_mean

from . import _pages

VERSIONS: Final = ("2012-10-17", "2008-10-17")
STATEMENT_ELEMENTS: Final = (
    "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction",
    "Resource", "NotResource", "Condition",
)  # fmt: skip
PRINCIPAL_KINDS: Final = ("AWS", "Service", "Federated", "CanonicalUser")
SET_OPERATORS: Final = ("ForAllValues", "ForAnyValue")

Family = Literal["string", "string_ic", "like", "numeric", "date", "bool", "binary", "ip", "arn", "null"]

OPERATORS: Final[dict[str, tuple[Family, bool, str]]] = {
    # name: (family, negated, comparison for numeric/date)
    "StringEquals": ("string", False, ""),
    "StringNotEquals": ("string", True, ""),
    "StringEqualsIgnoreCase": ("string_ic", False, ""),
    "StringNotEqualsIgnoreCase": ("string_ic", True, ""),
    "StringLike": ("like", False, ""),
    "StringNotLike": ("like", True, ""),
    "NumericEquals": ("numeric", False, "=="),
    "NumericNotEquals": ("numeric", True, "=="),
    "NumericLessThan": ("numeric", False, "<"),
    "NumericLessThanEquals": ("numeric", False, "<="),
    "NumericGreaterThan": ("numeric", False, ">"),
    "NumericGreaterThanEquals": ("numeric", False, ">="),
    "DateEquals": ("date", False, "=="),
    "DateNotEquals": ("date", True, "=="),
    "DateLessThan": ("date", False, "<"),
    "DateLessThanEquals": ("date", False, "<="),
    "DateGreaterThan": ("date", False, ">"),
    "DateGreaterThanEquals": ("date", False, ">="),
    "Bool": ("bool", False, ""),
    "BinaryEquals": ("binary", False, ""),
    "IpAddress": ("ip", False, ""),
    "NotIpAddress": ("ip", True, ""),
    "ArnEquals": ("arn", False, ""),
    "ArnLike": ("arn", False, ""),
    "ArnNotEquals": ("arn", True, ""),
    "ArnNotLike": ("arn", True, ""),
    "Null": ("null", False, ""),
}
"""Every condition operator of the IAM User Guide's "Condition operators" page (without IfExists)."""


@dataclass(frozen=True, slots=True)
class Principals:
    """A parsed ``Principal``/``NotPrincipal``: ``"*"`` or the values per principal kind."""

    everyone: bool = False
    aws: tuple[str, ...] = ()
    service: tuple[str, ...] = ()
    federated: tuple[str, ...] = ()
    canonical_user: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ConditionTest:
    """One condition key under one operator: ``{"<operator>": {"<key>": [values]}}``."""

    operator: str
    """The operator as written, e.g. ``ForAnyValue:StringLikeIfExists``."""
    base: str
    """The operator without set prefix and IfExists, e.g. ``StringLike``."""
    set_operator: str | None
    if_exists: bool
    key: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Statement:
    """One parsed statement."""

    index: int
    sid: str | None
    effect: Literal["Allow", "Deny"]
    principal: Principals | None
    """None when the statement has neither Principal nor NotPrincipal (an identity policy)."""
    not_principal: bool
    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[str, ...] | None
    """None when the statement has neither Resource nor NotResource (e.g. a role trust policy)."""
    not_resource: bool
    conditions: tuple[ConditionTest, ...]


@dataclass(frozen=True, slots=True)
class Policy:
    """A parsed policy document; ``name`` labels it in :class:`StatementRef` and messages."""

    name: str
    version: str | None
    statements: tuple[Statement, ...]


class _ElementError(Exception):
    """One problem in one element: turned into a message naming the policy and statement."""

    def __init__(self, element: str, value: object, rule: str, fix: str, page: str) -> None:
        super().__init__(element)
        self.element, self.value, self.rule, self.fix, self.page = element, value, rule, fix, page

    def message(self, name: str, where: str) -> str:
        return (
            f"policy {name!r}{where}: {self.element} {self.value!r}: {self.rule}. "
            f"Fix: {self.fix} (see {self.page})."
        )


def _strings(element: str, value: object, page: str, *, allow_empty: bool = False) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        raise _ElementError(
            element, value, "must be a string or a list of strings", 'write it as "..." or ["..."]', page
        )
    if not items and not allow_empty:
        raise _ElementError(element, value, "must not be empty", "list at least one value", page)
    return tuple(items)


def _no_variables(element: str, values: tuple[str, ...], version: str | None) -> None:
    if version == "2012-10-17" and any("${" in v for v in values):
        raise _ElementError(
            element, list(values), "holds a policy variable (${...}), which this evaluator does not support",
            "evaluate a policy with the variables replaced by their values", _pages.VARIABLES,
        )  # fmt: skip


def _principals(element: str, value: object) -> Principals:
    page = _pages.PRINCIPAL if element == "Principal" else _pages.NOT_PRINCIPAL
    if value == "*":
        return Principals(everyone=True)
    if not isinstance(value, Mapping) or not value:
        raise _ElementError(
            element, value, 'must be "*" or an object of principal kinds (AWS, Service, Federated, CanonicalUser)',
            'write {"AWS": "arn:aws:iam::111122223333:root"} or {"Service": "cloudtrail.amazonaws.com"}', page,
        )  # fmt: skip
    kinds: dict[str, tuple[str, ...]] = {}
    for kind, names in value.items():
        if kind not in PRINCIPAL_KINDS:
            hint = did_you_mean(kind, PRINCIPAL_KINDS)
            raise _ElementError(
                f"{element} kind",
                kind,
                "is not AWS, Service, Federated or CanonicalUser",
                f"{hint}use one of those",
                page,
            )
        kinds[kind] = _strings(f"{element}.{kind}", names, page)
    aws = kinds.get("AWS", ())
    return Principals(
        everyone="*" in aws, aws=tuple(a for a in aws if a != "*"), service=kinds.get("Service", ()),
        federated=kinds.get("Federated", ()), canonical_user=kinds.get("CanonicalUser", ()),
    )  # fmt: skip


def _actions(element: str, value: object) -> tuple[str, ...]:
    page = _pages.ACTION if element == "Action" else _pages.NOT_ACTION
    actions = _strings(element, value, page)
    for action in actions:
        if action != "*" and (action.count(":") != 1 or not all(action.split(":"))):
            raise _ElementError(
                element,
                action,
                'must be "*" or "<service-prefix>:<action>"',
                'write e.g. "s3:GetObject" or "s3:*"',
                page,
            )
    return actions


def _split_operator(operator: str) -> tuple[str | None, str, bool]:
    set_operator, _, rest = operator.rpartition(":")
    if_exists = rest.endswith("IfExists") and rest != "IfExists"
    base = rest.removesuffix("IfExists") if if_exists else rest
    if set_operator and set_operator not in SET_OPERATORS:
        hint = did_you_mean(set_operator, SET_OPERATORS)
        raise _ElementError(
            "Condition operator",
            operator,
            "has an unknown set operator",
            f"{hint}use ForAllValues: or ForAnyValue:",
            _pages.MULTIVALUED,
        )
    if base not in OPERATORS or (base == "Null" and (if_exists or set_operator)):
        hint = did_you_mean(base, OPERATORS)
        raise _ElementError(
            "Condition operator",
            operator,
            "is not a condition operator of the IAM User Guide",
            f"{hint}use a documented operator",
            _pages.OPERATORS,
        )
    if set_operator and if_exists:
        raise _ElementError(
            "Condition operator", operator, "combines a set operator with IfExists, which the IAM User Guide does not "
            "define and this evaluator does not support", f"use {set_operator}:{base} (absent keys: see the page)",
            _pages.MULTIVALUED,
        )  # fmt: skip
    return (set_operator or None), base, if_exists


def _scalar(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    return None


def _check_value(base: str, operator: str, key: str, value: str) -> None:
    family = OPERATORS[base][0]
    ok = True
    if family in ("bool", "null"):
        ok = value.lower() in ("true", "false")
    elif family == "numeric":
        ok = parse_number(value) is not None
    elif family == "date":
        ok = parse_date(value) is not None
    elif family == "ip":
        ok = parse_network(value) is not None
    if not ok:
        expected = {"bool": '"true" or "false"', "null": '"true" or "false"', "numeric": "a number",
                    "date": "an ISO 8601 date or epoch seconds", "ip": "an IPv4/IPv6 address or CIDR"}[family]  # fmt: skip
        raise _ElementError(
            f"Condition {operator} {key}", value, f"must be {expected}", f"write {expected}", _pages.OPERATORS
        )


def _conditions(value: object, version: str | None) -> tuple[ConditionTest, ...]:
    rule = 'must be an object {"<operator>": {"<key>": <value or list>}}'
    fix = 'write e.g. {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}'
    if not isinstance(value, Mapping):
        raise _ElementError("Condition", value, rule, fix, _pages.CONDITION)
    tests: list[ConditionTest] = []
    for operator, block in value.items():
        set_operator, base, if_exists = _split_operator(str(operator))
        if not isinstance(block, Mapping) or not block:
            raise _ElementError(f"Condition {operator}", block, rule, fix, _pages.CONDITION)
        for key, raw in block.items():
            raws = raw if isinstance(raw, list) else [raw]
            values = tuple(_scalar(v) for v in raws)
            if not raws or any(v is None for v in values):
                raise _ElementError(
                    f"Condition {operator} {key}",
                    raw,
                    "must be a string, number, bool or a non-empty list of them",
                    fix,
                    _pages.CONDITION,
                )
            checked = tuple(v for v in values if v is not None)
            for item in checked:
                _check_value(base, str(operator), str(key), item)
            _no_variables(f"Condition {operator} {key}", checked, version)
            tests.append(ConditionTest(str(operator), base, set_operator, if_exists, str(key), checked))
    return tuple(tests)


def _pair(
    raw: Mapping[str, Any], positive: str, negative: str, page: str, *, required: bool
) -> tuple[str | None, object]:
    if positive in raw and negative in raw:
        raise _ElementError(
            f"{positive}/{negative}",
            [raw[positive], raw[negative]],
            "a statement takes one of the two, not both",
            f"keep either {positive} or {negative}",
            page,
        )
    if positive in raw:
        return positive, raw[positive]
    if negative in raw:
        return negative, raw[negative]
    if required:
        raise _ElementError(
            f"{positive}/{negative}", None, "is missing", f"add {positive} (or {negative})", page
        )
    return None, None


def _statement(raw: object, index: int, version: str | None) -> Statement:
    if not isinstance(raw, Mapping):
        raise _ElementError(
            "Statement",
            raw,
            "must be an object",
            'write {"Effect": ..., "Action": ..., ...}',
            _pages.STATEMENT,
        )
    for element in raw:
        if element not in STATEMENT_ELEMENTS:
            hint = did_you_mean(element, STATEMENT_ELEMENTS)
            raise _ElementError(
                "element",
                element,
                "is not a statement element",
                f"{hint}use {', '.join(STATEMENT_ELEMENTS)}",
                _pages.STATEMENT,
            )
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise _ElementError("Sid", sid, "must be a string", "write the Sid as a string", _pages.SID)
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise _ElementError(
            "Effect",
            effect,
            'must be "Allow" or "Deny" (case-sensitive)',
            'write "Allow" or "Deny"',
            _pages.EFFECT,
        )
    p_name, p_value = _pair(raw, "Principal", "NotPrincipal", _pages.PRINCIPAL, required=False)
    a_name, a_value = _pair(raw, "Action", "NotAction", _pages.ACTION, required=True)
    r_name, r_value = _pair(raw, "Resource", "NotResource", _pages.RESOURCE, required=False)
    resources = None
    if r_name is not None:
        resources = _strings(r_name, r_value, _pages.RESOURCE)
        _no_variables(r_name, resources, version)
    return Statement(
        index=index, sid=sid, effect=effect,
        principal=_principals(p_name, p_value) if p_name else None, not_principal=p_name == "NotPrincipal",
        actions=_actions(str(a_name), a_value), not_action=a_name == "NotAction",
        resources=resources, not_resource=r_name == "NotResource",
        conditions=_conditions(raw["Condition"], version) if "Condition" in raw else (),
    )  # fmt: skip


def _document(document: Mapping[str, Any] | str, name: str) -> Mapping[str, Any]:
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError as error:
            raise NetworkTrailError(
                f"policy {name!r}: is not valid JSON ({error}). Fix: pass the policy document as JSON text "
                f"or a dict (see {_pages.STATEMENT})."
            ) from error
    if not isinstance(document, Mapping):
        raise NetworkTrailError(
            f"policy {name!r}: document {document!r} must be a JSON object with a Statement. "
            f'Fix: pass {{"Version": "2012-10-17", "Statement": [...]}} (see {_pages.STATEMENT}).'
        )
    return document


def _top_level(doc: Mapping[str, Any], name: str) -> tuple[str | None, list[object]]:
    version = doc.get("Version")
    problems: list[_ElementError] = []
    if version is not None and version not in VERSIONS:
        problems.append(
            _ElementError(
                "Version",
                version,
                "must be 2012-10-17 or 2008-10-17",
                'write "Version": "2012-10-17"',
                _pages.VERSION,
            )
        )
    for element in doc:
        if element not in ("Version", "Id", "Statement"):
            hint = did_you_mean(element, ("Version", "Id", "Statement"))
            problems.append(
                _ElementError(
                    "element",
                    element,
                    "is not a policy element",
                    f"{hint}use Version, Id and Statement",
                    _pages.STATEMENT,
                )
            )
    raw = doc.get("Statement")
    if not isinstance(raw, Mapping | list) or not raw:
        problems.append(
            _ElementError(
                "Statement",
                raw,
                "must be an object or a non-empty list of objects",
                'add "Statement": [{...}]',
                _pages.STATEMENT,
            )
        )
    if problems:
        raise NetworkTrailError([p.message(name, "") for p in problems])
    return version, [raw] if isinstance(raw, Mapping) else list(raw or ())


def parse_policy(document: Mapping[str, Any] | str, *, name: str) -> Policy:
    """Parse a policy document (a dict or JSON text) into a :class:`Policy`.

    Accepts ``Version``, ``Id``, ``Statement`` (one object or a list) and per statement ``Sid``,
    ``Effect``, ``Principal``/``NotPrincipal``, ``Action``/``NotAction``, ``Resource``/``NotResource``
    and ``Condition``, as the IAM User Guide's "IAM JSON policy element reference" describes them.
    Policy variables (``${...}`` with Version 2012-10-17) are not supported: an error says so.
    Without a Version, ``${...}`` is literal text, as the page "Variables and tags" says.

    :param document: the policy document.
    :param name: the policy's name in statement references and messages.
    :raises NetworkTrailError: every problem, each naming the policy, statement (index and Sid),
        element, value, rule, fix and AWS page.
    """
    doc = _document(document, name)
    version, raws = _top_level(doc, name)
    statements: list[Statement] = []
    problems: list[str] = []
    for index, raw in enumerate(raws):
        try:
            statements.append(_statement(raw, index, version))
        except _ElementError as bad:
            sid = raw.get("Sid") if isinstance(raw, Mapping) else None
            problems.append(bad.message(name, f", statement {index}" + (f" (Sid {sid!r})" if sid else "")))
    if problems:
        raise NetworkTrailError(problems)
    return Policy(name=name, version=version, statements=tuple(statements))


def parse_number(value: str) -> float | None:
    """A policy or request number, or None when ``value`` is not one."""
    try:
        return float(value)
    except ValueError:
        return None


def parse_date(value: str) -> datetime | None:
    """An ISO 8601 date/time (UTC when no offset is given) or epoch seconds, or None.

    IAM User Guide, "Condition operators": Date condition operators.
    """
    number = parse_number(value)
    try:
        if number is not None:
            return datetime.fromtimestamp(number, tz=UTC)
        parsed = datetime.fromisoformat(value)
    except (ValueError, OverflowError, OSError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """An IP address or CIDR block, or None."""
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None
