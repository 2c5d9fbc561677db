"""Replay observed calls against endpoint policies: what a policy change would break, or open.

For every distinct call of the logs (:mod:`network_trail.simulator.calls`) and the endpoint policy
that gates it (:mod:`network_trail.simulator.endpoint_policies`), the policy is evaluated alone
(:func:`network_trail.model.iam.evaluate_policy`: an endpoint policy is one gate among the
identity and resource policies, it never grants by itself) and compared with what was observed:

- *regression*: the call was allowed through the endpoint, the policy denies it;
- *newly allowed*: the call was denied by a VPC endpoint policy (``errorCode`` ``VpceAccessDenied``),
  the policy allows it;
- *unchanged*: both agree;
- *unknown*: the verdict depends on what a network activity record does not carry (the resource,
  its organization, principal tags, an action the event name does not determine, ...); the
  report names the deciding statement and the condition keys it could not decide.

An operation that IAM authorizes with several actions (e.g. S3 ``CopyObject``) passes only when the
policy allows each; the further actions some operations need only for some request parameters
(:func:`network_trail.model.iam_actions.conditional_iam_actions`) turn an allow into *unknown*
when the policy does not allow them too. A call seen within minutes of a policy change is
ambiguous: AWS applies a new endpoint policy after a delay (AWS PrivateLink Guide, "Control
access to VPC endpoints using endpoint policies").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from ..model.iam import UNKNOWN, Evaluation, Policy, Unknown, Verdict, evaluate_policy, parse_policy
from ..model.iam_actions import conditional_iam_actions, iam_actions
from .calls import DistinctCall, EndpointInfo, call_request
from .endpoint_policies import PolicyTarget

__all__ = ["Outcome", "ReplayReport", "ReplayRow", "call_label", "replay", "replay_call"]

POLICY_DELAY_NOTE: Final = (
    "A policy change takes effect after a delay of minutes (AWS PrivateLink Guide): a call observed "
    "near a change of the endpoint's policy may have met the old or the new policy."
)


class Outcome(StrEnum):
    """What a policy would change for one observed call."""

    REGRESSION = "regression"
    """Allowed when observed, denied by the policy."""
    NEWLY_ALLOWED = "newly-allowed"
    """Denied by a VPC endpoint policy when observed, allowed by the policy."""
    UNCHANGED = "unchanged"
    """The policy decides as observed."""
    UNKNOWN = "unknown"
    """The record lacks what the policy's decision depends on."""


def call_label(call: DistinctCall) -> str:
    """The caller of ``call`` in words: its ARN, its service principal, or its type and account."""
    if call.principal_arn:
        return call.principal_arn
    if call.invoked_by:
        return call.invoked_by
    return f"{call.principal_type or 'unknown'} {call.principal_account or '(no account)'}"


@dataclass(frozen=True, slots=True)
class ReplayRow:
    """One distinct call replayed against one policy.

    :param call: the call.
    :param policy: the policy's label (endpoint id, ``<stack>/<logical id>`` or file).
    :param actions: the IAM actions of its event name. Default: - unknown: the name maps to none
    :param outcome: what the policy changes.
    :param evaluation: the policy's decision.
    """

    call: DistinctCall
    policy: str
    actions: tuple[str, ...] | None
    outcome: Outcome
    evaluation: Evaluation

    @property
    def deciding(self) -> tuple[str, ...]:
        """The deciding statements: their ``Sid``, or ``Statement[i]`` without one."""
        return tuple(ref.sid or f"Statement[{ref.index}]" for ref in self.evaluation.deciding)

    def to_json(self) -> dict[str, Any]:
        """The row of the machine-readable report."""
        call = self.call
        return {
            "outcome": self.outcome.value,
            "policy": self.policy,
            "eventSource": call.event_source,
            "eventName": call.event_name,
            "actions": None if self.actions is None else list(self.actions),
            "vpcEndpointId": call.vpc_endpoint_id,
            "principal": call_label(call),
            "principalType": call.principal_type,
            "principalAccount": call.principal_account,
            "observed": "denied" if call.denied else "allowed",
            "errorCode": call.error_code,
            "verdict": self.evaluation.verdict.name,
            "deciding": list(self.deciding),
            "unknownKeys": sorted(self.evaluation.unknown_keys),
            "reason": self.evaluation.reason,
            "count": call.count,
            "firstSeen": call.first_seen,
            "lastSeen": call.last_seen,
        }


@dataclass(frozen=True, slots=True)
class ReplayReport:
    """The replay of every call against the policies.

    :param rows: one row per call and policy that gates it, regressions first.
    :param unchecked: ``(policy label, reason)`` of each policy that cannot be evaluated.
    :param ungated: calls through endpoints no given policy gates.
    """

    rows: tuple[ReplayRow, ...]
    unchecked: tuple[tuple[str, str], ...] = ()
    ungated: tuple[DistinctCall, ...] = ()

    def summary(self) -> dict[str, dict[str, int]]:
        """Distinct calls and records per outcome."""
        return {
            o.value: {
                "calls": sum(1 for r in self.rows if r.outcome is o),
                "events": sum(r.call.count for r in self.rows if r.outcome is o),
            }
            for o in Outcome
        }

    def failing(self, fail_on: Iterable[str]) -> list[ReplayRow]:
        """The rows whose outcome is one of ``fail_on`` (``regression``, ``unknown``)."""
        wanted = set(fail_on)
        return [r for r in self.rows if r.outcome.value in wanted]

    def to_json(self) -> dict[str, Any]:
        """The machine-readable report."""
        return {
            "summary": self.summary(),
            "calls": [r.to_json() for r in self.rows],
            "notCheckable": [{"policy": p, "reason": why} for p, why in self.unchecked],
            "ungatedCalls": sum(c.count for c in self.ungated),
            "note": POLICY_DELAY_NOTE,
        }


def _outcome(denied: bool, verdict: Verdict) -> Outcome:
    if verdict is Verdict.UNKNOWN:
        return Outcome.UNKNOWN
    if verdict.allowed:
        return Outcome.NEWLY_ALLOWED if denied else Outcome.UNCHANGED
    return Outcome.UNCHANGED if denied else Outcome.REGRESSION


def _combined(evaluations: Sequence[Evaluation]) -> Evaluation:
    """One call needing every action: a certain deny of any decides; else any unknown; else allowed."""
    for verdict in (Verdict.EXPLICIT_DENY, Verdict.IMPLICIT_DENY, Verdict.UNKNOWN):
        hits = [e for e in evaluations if e.verdict is verdict]
        if hits:
            return hits[0] if verdict is not Verdict.UNKNOWN else _merged_unknown(hits)
    return evaluations[0] if len(evaluations) == 1 else _merged_allow(evaluations)


def _merged_unknown(hits: Sequence[Evaluation]) -> Evaluation:
    keys = frozenset().union(*(e.unknown_keys for e in hits))
    refs = tuple(dict.fromkeys(ref for e in hits for ref in e.deciding))
    return Evaluation(Verdict.UNKNOWN, refs, keys, "; ".join(dict.fromkeys(e.reason for e in hits)))


def _merged_allow(evaluations: Sequence[Evaluation]) -> Evaluation:
    refs = tuple(dict.fromkeys(ref for e in evaluations for ref in e.deciding))
    return Evaluation(Verdict.ALLOW, refs, frozenset(), "every action the operation needs is allowed")


def replay_call(
    call: DistinctCall,
    policy: Policy,
    *,
    label: str,
    org_accounts: Mapping[str, str] | None = None,
    endpoints: Mapping[str, EndpointInfo] | None = None,
) -> ReplayRow:
    """One call replayed against one parsed policy.

    :param call: the call.
    :param policy: the policy, from :func:`network_trail.model.iam.parse_policy`.
    :param label: the policy's label in the report.
    :param org_accounts: account id → organization id (``aws:PrincipalOrgID``). Default: - unknown
    :param endpoints: endpoint id → its VPC (``aws:SourceVpc``). Default: - unknown
    """
    actions = iam_actions(call.event_source, call.event_name)
    # An event name with no documented action: the action is UNKNOWN, which the evaluator's Request takes.
    wanted: Sequence[str | Unknown] = (UNKNOWN,) if actions is None else actions
    evaluations = [
        evaluate_policy(policy, call_request(call, action, org_accounts=org_accounts, endpoints=endpoints))
        for action in wanted
    ]
    evaluation = _combined(evaluations)
    if evaluation.verdict is Verdict.ALLOW and actions is not None:
        evaluation = _conditional(call, policy, evaluation, org_accounts, endpoints)
    return ReplayRow(call, label, actions, _outcome(call.denied, evaluation.verdict), evaluation)


def _conditional(
    call: DistinctCall,
    policy: Policy,
    allowed: Evaluation,
    org_accounts: Mapping[str, str] | None,
    endpoints: Mapping[str, EndpointInfo] | None,
) -> Evaluation:
    """``allowed``, or unknown when an action the operation needs for some parameters is not allowed."""
    for action in conditional_iam_actions(call.event_source, call.event_name):
        request = call_request(call, action, org_accounts=org_accounts, endpoints=endpoints)
        if evaluate_policy(policy, request).verdict is not Verdict.ALLOW:
            return Evaluation(
                Verdict.UNKNOWN,
                allowed.deciding,
                frozenset({"Action"}),
                f"{call.event_name} needs {action} for some request parameters, which the record does not "
                f"carry, and the policy does not allow {action}",
            )
    return allowed


def _sort_key(row: ReplayRow) -> tuple[int, int, str]:
    order = list(Outcome)
    return (order.index(row.outcome), -row.call.count, row.policy)


def replay(
    calls: Iterable[DistinctCall],
    targets: Sequence[PolicyTarget],
    *,
    org_accounts: Mapping[str, str] | None = None,
    endpoints: Mapping[str, EndpointInfo] | None = None,
) -> ReplayReport:
    """Replay every call against every policy that gates it.

    :param calls: the distinct calls of the logs.
    :param targets: the policies, with the calls each gates.
    :param org_accounts: account id → organization id. Default: - ``aws:PrincipalOrgID`` unknown
    :param endpoints: endpoint id → its VPC. Default: - ``aws:SourceVpc`` unknown
    :raises NetworkTrailError: when a policy document is malformed (the evaluator's message).
    """
    policies = [(t, parse_policy(t.document, name=t.label)) for t in targets if t.document is not None]
    rows: list[ReplayRow] = []
    ungated: list[DistinctCall] = []
    for call in calls:
        gating = [(t, p) for t, p in policies if t.gates(call.vpc_endpoint_id or "", call.event_source)]
        if not gating and not any(t.gates(call.vpc_endpoint_id or "", call.event_source) for t in targets):
            ungated.append(call)
        for target, policy in gating:
            rows.append(
                replay_call(call, policy, label=target.label, org_accounts=org_accounts, endpoints=endpoints)
            )
    unchecked = tuple((t.label, t.not_checkable) for t in targets if t.document is None)
    return ReplayReport(tuple(sorted(rows, key=_sort_key)), unchecked, tuple(ungated))
