"""The evaluator's value types: the request, its principal, the verdict and the evaluation.

Three-valued (Kleene) logic: a request value may be :data:`UNKNOWN` ("not known"), and a
verdict is certain only when it holds for every value the unknowns could take.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal, TypeAlias

from network_trail.errors import NetworkTrailError

from . import _pages


class _Sentinel(enum.Enum):
    UNKNOWN = "UNKNOWN"
    ABSENT = "ABSENT"

    def __repr__(self) -> str:
        return self.value


UNKNOWN: Final = _Sentinel.UNKNOWN
"""The request's value is not known: the evaluator reasons over every value it could take."""
ABSENT: Final = _Sentinel.ABSENT
"""A context key known to be absent from the request (for ``Request(absent_is_unknown=True)``)."""

Unknown: TypeAlias = Literal[_Sentinel.UNKNOWN]
Absent: TypeAlias = Literal[_Sentinel.ABSENT]


@dataclass(frozen=True, slots=True)
class NotAnyOf:
    """A single-valued context key known to be absent, or a string that is none of ``values``.

    What a replay knows of ``aws:PrincipalOrgID`` for an account that ``list-accounts`` does not list:
    the key is absent when the account is in no organization, else it holds another organization's
    id (IAM User Guide, global condition keys, ``aws:PrincipalOrgID``: "included in the request context
    only if the principal is a member of an organization"). Each condition is evaluated over every
    such completion: certain where they all agree, else unknown.

    :param values: the strings the value is known not to be (e.g. the organization's ids).
    """

    values: frozenset[str]

    def __post_init__(self) -> None:
        if not isinstance(self.values, frozenset) or not all(isinstance(v, str) for v in self.values):
            raise NetworkTrailError(
                f"NotAnyOf values={self.values!r}: must be a frozenset of strings. "
                "Fix: NotAnyOf(frozenset({'o-a1b2c3d4e5'}))."
            )


ContextValue: TypeAlias = str | bool | int | tuple[str, ...] | NotAnyOf | Unknown | Absent
"""A request context value: a single value, a tuple for a multivalued key, :class:`NotAnyOf`, UNKNOWN
or ABSENT."""


class Verdict(enum.Enum):
    """The outcome of the evaluation (IAM User Guide, "Policy evaluation logic")."""

    ALLOW = "ALLOW"
    EXPLICIT_DENY = "EXPLICIT_DENY"
    IMPLICIT_DENY = "IMPLICIT_DENY"
    UNKNOWN = "UNKNOWN"

    @property
    def allowed(self) -> bool:
        """True for :attr:`ALLOW` only."""
        return self is Verdict.ALLOW

    @property
    def denied(self) -> bool:
        """True for :attr:`EXPLICIT_DENY` and :attr:`IMPLICIT_DENY` (False for :attr:`UNKNOWN`)."""
        return self in (Verdict.EXPLICIT_DENY, Verdict.IMPLICIT_DENY)


@dataclass(frozen=True, slots=True)
class StatementRef:
    """One statement of a parsed policy: the policy's name, the statement's index (0-based) and Sid."""

    policy: str
    index: int
    sid: str | None

    def __str__(self) -> str:
        sid = f" (Sid {self.sid!r})" if self.sid is not None else ""
        return f"{self.policy} statement {self.index}{sid}"


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The verdict for one request, the statements that decided it and what left it open.

    :param verdict: ALLOW / EXPLICIT_DENY / IMPLICIT_DENY when certain (it holds for every value
        the unknowns could take), else UNKNOWN.
    :param deciding: the matching Deny statements (EXPLICIT_DENY), the matching Allow statements
        (ALLOW), none (IMPLICIT_DENY), or the statements that match or may match (UNKNOWN).
    :param unknown_keys: the condition keys (or ``"Principal"``, ``"Action"``, ``"Resource"``) whose
        unknown value left the verdict open; empty when the verdict is certain.
    :param reason: one sentence saying why.
    :param possible: every verdict some completion of the unknowns may give (a sound
        over-approximation; one element when the verdict is certain). Default: the verdict alone.
    """

    verdict: Verdict
    deciding: tuple[StatementRef, ...]
    unknown_keys: frozenset[str]
    reason: str
    possible: frozenset[Verdict] = frozenset()

    def __post_init__(self) -> None:
        if not self.possible:
            object.__setattr__(self, "possible", frozenset({self.verdict}))

    @property
    def allowed(self) -> bool:
        """True when the request is allowed for every completion of the unknowns."""
        return self.verdict is Verdict.ALLOW

    @property
    def denied(self) -> bool:
        """True when no completion of the unknowns allows the request (explicitly or implicitly denied)."""
        return Verdict.ALLOW not in self.possible


def _check_optional(name: str, value: object) -> None:
    if value is None or value is UNKNOWN or isinstance(value, str):
        return
    raise NetworkTrailError(
        f"RequestPrincipal {name}={value!r}: must be a string, UNKNOWN or None. "
        f"Fix: pass the {name} as a string (see {_pages.PRINCIPAL})."
    )


@dataclass(frozen=True, slots=True)
class RequestPrincipal:
    """Who makes the request, as IAM matches a ``Principal`` element against it.

    :param account: the principal's account id, UNKNOWN, or None (anonymous or an AWS service).
    :param arn: the ARN (or ARNs) a ``Principal`` element is matched against: for an assumed-role
        session both the role ARN and the ``arn:aws:sts::...:assumed-role/...`` session ARN; the
        account's root user is ``arn:aws:iam::<account>:root``. UNKNOWN, or None. Default: None.
    :param service: the service principal (e.g. ``cloudtrail.amazonaws.com``) for a request an
        AWS service makes itself. Default: None.
    """

    account: str | Unknown | None
    arn: str | tuple[str, ...] | Unknown | None = None
    service: str | None = None

    def __post_init__(self) -> None:
        _check_optional("account", self.account)
        _check_optional("service", self.service)
        if isinstance(self.arn, tuple):
            for item in self.arn:
                _check_optional("arn", item)
        else:
            _check_optional("arn", self.arn)

    @classmethod
    def anonymous(cls) -> RequestPrincipal:
        """An unauthenticated request: only ``"Principal": "*"`` matches it."""
        return cls(account=None, arn=None, service=None)

    @classmethod
    def unknown(cls) -> RequestPrincipal:
        """A principal of which nothing is known (account and ARN UNKNOWN, not a service)."""
        return cls(account=UNKNOWN, arn=UNKNOWN, service=None)

    @property
    def arns(self) -> tuple[str, ...]:
        """The known ARNs (empty when UNKNOWN or None)."""
        if isinstance(self.arn, tuple):
            return self.arn
        return (self.arn,) if isinstance(self.arn, str) else ()

    @property
    def is_account_root(self) -> bool:
        """True when one of the ARNs is the account root ``arn:<partition>:iam::<account>:root``."""
        return any(a.startswith("arn:") and a.endswith(":root") and ":iam::" in a for a in self.arns)


def _check_context(context: Mapping[str, ContextValue]) -> dict[str, ContextValue]:
    checked: dict[str, ContextValue] = {}
    for key, value in context.items():
        ok = isinstance(value, str | bool | int | NotAnyOf) or value in (UNKNOWN, ABSENT)
        if isinstance(value, tuple):
            ok = all(isinstance(v, str) for v in value)
        if not isinstance(key, str) or not ok:
            raise NetworkTrailError(
                f"Request context[{key!r}]={value!r}: a context key is a string and its value a string, "
                "bool, int, tuple of strings, NotAnyOf, UNKNOWN or ABSENT. Fix: give a multivalued key as a tuple "
                f"of strings (see {_pages.MULTIVALUED})."
            )
        checked[key.lower()] = value
    return checked


@dataclass(frozen=True)
class Request:
    """One request to evaluate: action, resource, principal and the request context.

    :param action: the IAM action (``service:Action``, matched case-insensitively) or UNKNOWN.
    :param resource: the resource ARN or UNKNOWN.
    :param principal: who makes the request.
    :param context: condition keys to values; key names match case-insensitively (IAM User Guide,
        "Condition"). Default: empty.
    :param absent_is_unknown: False (closed world): a key missing from ``context`` is absent.
        True (open world, e.g. log replay): a missing key is UNKNOWN, except keys given as ABSENT.
        Default: False.
    """

    action: str | Unknown
    resource: str | Unknown
    principal: RequestPrincipal
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    absent_is_unknown: bool = False

    def __post_init__(self) -> None:
        for name in ("action", "resource"):
            value = getattr(self, name)
            if value is not UNKNOWN and not (isinstance(value, str) and value):
                raise NetworkTrailError(
                    f"Request {name}={value!r}: must be a non-empty string or UNKNOWN. "
                    f"Fix: pass the IAM {name} (see {_pages.ACTION if name == 'action' else _pages.RESOURCE})."
                )
        if not isinstance(self.principal, RequestPrincipal):
            raise NetworkTrailError(
                f"Request principal={self.principal!r}: must be a RequestPrincipal. "
                "Fix: RequestPrincipal(account=..., arn=...), or RequestPrincipal.anonymous()."
            )
        object.__setattr__(self, "context", _check_context(self.context))

    def __hash__(self) -> int:
        """Requests hash by value (context included), so callers can cache evaluations per request."""
        items = tuple(sorted(self.context.items(), key=lambda item: item[0]))
        return hash((self.action, self.resource, self.principal, items, self.absent_is_unknown))

    def value(self, key: str) -> ContextValue:
        """The context value of ``key`` (case-insensitive): a value, UNKNOWN or ABSENT."""
        found = self.context.get(key.lower(), ABSENT if not self.absent_is_unknown else UNKNOWN)
        return found
