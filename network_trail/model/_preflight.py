"""The delivery preflight: the request table evaluated against the policies, before deploy.

:func:`run_preflight` takes a :class:`~network_trail.model._delivery.DeliverySetup` and the
policies that decide its requests (:class:`PolicySet`), evaluates every row of
:func:`~network_trail.model._delivery.delivery_requests` with the IAM evaluator
(:mod:`network_trail.model.iam`), and returns one :class:`Check` per request: a required request
must be allowed for certain (denied or unknown fails), a forbidden one must be denied for certain
(allowed, or allowed for some value of an unknown key, fails). A policy the caller could not read
(a bucket or key defined outside the assembly) makes its requests "not checkable". Pure Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from ._delivery import DeliveryRequest, DeliverySetup, Expect, Target, delivery_requests
from .iam import (
    UNKNOWN,
    ContextValue,
    Evaluation,
    Policy,
    Request,
    RequestPrincipal,
    evaluate,
    evaluate_policy,
)

__all__ = ["Check", "Outcome", "PolicySet", "PreflightReport", "run_preflight"]

_KINDS: Mapping[Target, str] = {
    Target.BUCKET: "s3",
    Target.KEY: "kms",
    Target.LOGS_KEY: "kms",
    Target.TOPIC_KEY: "kms",
    Target.TOPIC: "sns",
}


class Outcome(StrEnum):
    """What a check found."""

    OK = "ok"
    FAIL = "FAIL"
    NOT_CHECKABLE = "not checkable"


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicySet:
    """The policies that decide a setup's requests, and the accounts owning the resources.

    A target missing from ``policies`` (or mapped to ``None``) is not checkable: its resource is
    defined where the preflight cannot read it. ``hand_checks`` holds, per such target, the
    statements to check by hand.

    :param policies: the resource policy of each target (for :attr:`Target.LOGS_ROLE`, see
        ``role_policies``).
    :param accounts: the account owning each target's resource.
    :param role_policies: the identity policies of roles, by role ARN (the CloudWatch Logs role,
        readers defined in the same assembly). Default: - none
    :param hand_checks: statements to check by hand, per not-checkable target. Default: - none
    """

    policies: Mapping[Target, Policy | None]
    accounts: Mapping[Target, str]
    role_policies: Mapping[str, Sequence[Policy]] = field(default_factory=dict)
    hand_checks: Mapping[Target, Sequence[Mapping[str, Any]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Check:
    """One request, its evaluation and what that means."""

    request: DeliveryRequest
    evaluation: Evaluation | None
    """``None`` when the deciding policy is not checkable."""
    outcome: Outcome
    detail: str = ""

    @property
    def verdict(self) -> str:
        """``ALLOW``, ``EXPLICIT_DENY``, ``IMPLICIT_DENY``, ``UNKNOWN`` or ``NOT_CHECKABLE``."""
        return self.evaluation.verdict.value if self.evaluation is not None else "NOT_CHECKABLE"

    @property
    def deciding(self) -> str:
        """The deciding statements, ``; ``-separated, or ``-``."""
        if self.evaluation is None or not self.evaluation.deciding:
            return "-"
        return "; ".join(str(ref) for ref in self.evaluation.deciding)


@dataclass(frozen=True, slots=True)
class PreflightReport:
    """Every check of one setup."""

    checks: tuple[Check, ...]
    hand_checks: Mapping[Target, Sequence[Mapping[str, Any]]] = field(default_factory=dict)

    @property
    def failures(self) -> tuple[Check, ...]:
        """The checks that failed."""
        return tuple(c for c in self.checks if c.outcome is Outcome.FAIL)

    @property
    def ok(self) -> bool:
        """No check failed (not-checkable ones do not fail)."""
        return not self.failures


def _principal(request: DeliveryRequest) -> RequestPrincipal:
    caller = request.caller
    if caller.service is not None:
        return RequestPrincipal(account=None, arn=None, service=caller.service)
    assert caller.role_arn is not None
    partition, account = caller.role_arn.split(":")[1], caller.role_arn.split(":")[4]
    name = caller.role_arn.rsplit("/", 1)[-1]
    session = f"arn:{partition}:sts::{account}:assumed-role/{name}/preflight"
    return RequestPrincipal(account=caller.account or account, arn=(caller.role_arn, session))


def to_request(row: DeliveryRequest) -> Request:
    """The evaluator's request for a table row: its open keys become UNKNOWN."""
    context: dict[str, ContextValue] = dict(row.context)
    for key in row.open_keys:
        context[key] = UNKNOWN
    return Request(action=row.action, resource=row.resource, principal=_principal(row), context=context)


class _Evaluated(NamedTuple):
    """One row's evaluation (``None``: its policy is not readable), a note, and whether a denial
    proves nothing (a same-account role whose identity policy is not in the assembly)."""

    evaluation: Evaluation | None
    note: str = ""
    identity_unread: bool = False


def _evaluate(row: DeliveryRequest, policies: PolicySet) -> _Evaluated:
    """The evaluation of one row against the policies of its target."""
    request = to_request(row)
    account = policies.accounts.get(row.target)
    role = row.caller.role_arn
    if row.target is Target.LOGS_ROLE:
        identity = policies.role_policies.get(role or "")
        if identity is None:
            return _Evaluated(None, f"the role {role} is not defined where the preflight can read it")
        return _Evaluated(evaluate(request, identity_policies=identity, resource_account=account))
    policy = policies.policies.get(row.target)
    if policy is None:
        return _Evaluated(
            None, f"the {row.target.value} policy is defined outside the assembly: check it by hand"
        )
    if role is not None and role not in policies.role_policies and row.caller.account != account:
        # A reader of another account whose role is not in the assembly: its own IAM policy is its
        # account's part (docs/organization.md); the resource policy alone must allow it.
        note = f"the role's identity policy (not in the assembly) must allow it too, in account {row.caller.account}"
        return _Evaluated(evaluate_policy(policy, request), note)
    kind: Any = _KINDS.get(row.target, "other")
    if role is not None and role not in policies.role_policies:
        # Same account: the resource policy may grant it directly; else its identity policy may.
        note = "the role is in the resource's account: its identity policy (not in the assembly) may allow it"
        alone = evaluate(request, resource_policy=policy, resource_account=account, resource_kind=kind)
        return _Evaluated(alone, note, identity_unread=True)
    identity = tuple(policies.role_policies.get(role, ())) if role else ()
    return _Evaluated(
        evaluate(
            request,
            identity_policies=identity,
            resource_policy=policy,
            resource_account=account,
            resource_kind=kind,
        )
    )


def _outcome(row: DeliveryRequest, evaluated: _Evaluated) -> Check:
    evaluation, note = evaluated.evaluation, evaluated.note
    if evaluation is None:
        return Check(row, None, Outcome.NOT_CHECKABLE, note)
    good = evaluation.allowed if row.expect is Expect.ALLOW else evaluation.denied
    if not good and row.expect is Expect.ALLOW and evaluated.identity_unread:
        return Check(row, evaluation, Outcome.NOT_CHECKABLE, note)
    detail = note
    if evaluation.unknown_keys:
        detail = f"open: {', '.join(sorted(evaluation.unknown_keys))}" + (f"; {note}" if note else "")
    return Check(row, evaluation, Outcome.OK if good else Outcome.FAIL, detail)


def run_preflight(setup: DeliverySetup, policies: PolicySet) -> PreflightReport:
    """Evaluate every request of ``setup`` against ``policies``.

    :param setup: the trails, bucket, key, CloudWatch Logs, alarms and readers.
    :param policies: the policies deciding the requests.
    :returns: one check per request, in the table's order.
    """
    checks = []
    for row in delivery_requests(setup):
        checks.append(_outcome(row, _evaluate(row, policies)))
    return PreflightReport(tuple(checks), hand_checks=dict(policies.hand_checks))
