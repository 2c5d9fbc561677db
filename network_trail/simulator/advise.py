"""Propose, per VPC endpoint, the endpoint policy that allows the calls observed and nothing else.

Three shapes, from the calls the logs show as allowed through the endpoint:

- ``perimeter``: who may call. The principals of the organization (``aws:PrincipalOrgID``) when an
  account-to-organization map is given, else the observed accounts (``aws:PrincipalAccount``); and
  the AWS service principals observed (``aws:PrincipalIsAWSService``, as in
  aws-samples/data-perimeter-policy-examples' endpoint policies). Callers outside the organization
  are listed for a human decision, never added.
- ``actions``: what may be called: the observed operations' IAM actions
  (:func:`network_trail.model.iam_actions.iam_actions`); an event name with no documented action is
  listed, never guessed, and the actions some operations need only for some request parameters are
  listed, not added.
- ``both``: each principal statement limited to the actions its callers used.

Every statement has ``"Principal": "*"`` and names callers with condition keys, which gateway
endpoints require and interface endpoints accept; every proposal is checked against the endpoint-policy
rules (:mod:`network_trail.model.endpoint_policy`). Condition keys: IAM User Guide, "AWS global
condition context keys" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).

An endpoint whose allowed calls the logs do not show gets no proposal, with the reason, in the
statuses of :mod:`network_trail.simulator.endpoint_coverage`: ``unsupported`` (no network activity
events for its service), ``not-logged`` (no record of it), ``denied-only`` (only ``VpceAccessDenied``
records: the allowed calls are not logged, so what to allow is unknown).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Final

from ..model.endpoint_policy import endpoint_policy_problems
from ..model.endpoints import VpcEndpoint, map_endpoint
from ..model.iam_actions import conditional_iam_actions, iam_actions
from .calls import DistinctCall
from .endpoint_coverage import CoverageStatus

__all__ = ["Proposal", "Shape", "advice_report", "advise"]

CONDITION_KEYS_URL: Final = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
)
_SERVICE_TYPE: Final = "AWSService"


class Shape(StrEnum):
    """What a proposal restricts."""

    PERIMETER = "perimeter"
    """Who may call (the organization or the observed accounts, and AWS service principals)."""
    ACTIONS = "actions"
    """What may be called (the observed actions)."""
    BOTH = "both"
    """Who may call what."""


@dataclass(frozen=True, slots=True)
class Proposal:
    """The proposal for one endpoint, or why there is none.

    :param endpoint: the endpoint.
    :param status: the coverage of its calls in the logs (``all`` when there is a proposal).
    :param policy: the proposed policy document. Default: - none (see ``reason``)
    :param reason: why there is no proposal, or what it allows.
    :param allowed_calls: the distinct allowed calls it covers. Default: 0
    :param denied_calls: the distinct calls the logs show denied (not added). Default: 0
    :param outside: accounts outside the organization that called it: a human decides. Default: - none
    :param other_accounts: without an organization map, observed accounts other than the endpoint's
        owner, added: check they are yours. Default: - none
    :param unmapped: ``"<eventSource> <eventName>"`` of operations with no documented IAM action (not
        added: with shape ``both``, a caller that made only such calls is not allowed). Default: - none
    :param conditional: actions some observed operations need only for some request parameters
        (not added). Default: - none
    :param problems: endpoint-policy rules the proposal breaks (then ``policy`` is None). Default: - none
    """

    endpoint: VpcEndpoint
    status: CoverageStatus
    policy: Mapping[str, Any] | None = None
    reason: str = ""
    allowed_calls: int = 0
    denied_calls: int = 0
    outside: tuple[str, ...] = ()
    other_accounts: tuple[str, ...] = ()
    unmapped: tuple[str, ...] = ()
    conditional: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The endpoint's entry of the machine-readable advice."""
        return {
            "endpointId": self.endpoint.endpoint_id,
            "vpcId": self.endpoint.vpc_id,
            "serviceName": self.endpoint.service_name,
            "endpointType": self.endpoint.endpoint_type,
            "status": self.status.value,
            "reason": self.reason,
            "policy": None if self.policy is None else dict(self.policy),
            "allowedCalls": self.allowed_calls,
            "deniedCalls": self.denied_calls,
            "outsideOrganization": list(self.outside),
            "otherAccounts": list(self.other_accounts),
            "unmappedEventNames": list(self.unmapped),
            "conditionalActions": list(self.conditional),
            "problems": list(self.problems),
        }


@dataclass(slots=True)
class _Group:
    """The allowed calls of one kind of caller: accounts, organizations, actions."""

    accounts: set[str] = field(default_factory=set)
    actions: set[str] = field(default_factory=set)
    calls: int = 0


def _statement(sid: str, actions: set[str] | None, condition: Mapping[str, Any] | None) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": "*",
        "Action": "*" if actions is None else sorted(actions, key=str.lower),
        "Resource": "*",
    }
    if condition:
        statement["Condition"] = condition
    return statement


@dataclass(slots=True)
class _Observed:
    """What the allowed calls through one endpoint show, sorted into the groups a proposal names."""

    people: _Group = field(default_factory=_Group)
    services: _Group = field(default_factory=_Group)
    service_names: set[str] = field(default_factory=set)
    outside: set[str] = field(default_factory=set)
    owners: set[str] = field(default_factory=set)
    unmapped: set[str] = field(default_factory=set)
    conditional: set[str] = field(default_factory=set)

    def add(self, call: DistinctCall, org_accounts: Mapping[str, str] | None) -> None:
        if call.vpc_endpoint_account:
            self.owners.add(call.vpc_endpoint_account)
        if call.principal_type == _SERVICE_TYPE:
            group = self.services
            if call.invoked_by:
                self.service_names.add(call.invoked_by)
        elif call.principal_account is None or (
            org_accounts is not None and call.principal_account not in org_accounts
        ):
            self.outside.add(call.principal_account or f"{call.principal_type or 'unknown'} (no account)")
            return
        else:
            group = self.people
            group.accounts.add(call.principal_account)
        group.calls += 1
        actions = iam_actions(call.event_source, call.event_name)
        if actions is None:
            self.unmapped.add(f"{call.event_source} {call.event_name}")
            return
        group.actions.update(actions)
        self.conditional.update(conditional_iam_actions(call.event_source, call.event_name))


def _policy(observed: _Observed, shape: Shape, org_accounts: Mapping[str, str] | None) -> dict[str, Any]:
    statements: list[dict[str, Any]] = []
    people, services = observed.people, observed.services
    if shape is Shape.ACTIONS:
        actions = people.actions | services.actions
        if actions:
            statements.append(_statement("AllowObservedActions", actions, None))
        return {"Version": "2012-10-17", "Statement": statements}
    limit = shape is Shape.BOTH
    condition: dict[str, Any]
    if people.accounts and (not limit or people.actions):
        if org_accounts is not None:
            orgs = sorted({org_accounts[a] for a in people.accounts})
            condition = {"StringEquals": {"aws:PrincipalOrgID": orgs}}
            sid = "AllowOrganizationPrincipals"
        else:
            condition = {"StringEquals": {"aws:PrincipalAccount": sorted(people.accounts)}}
            sid = "AllowObservedAccounts"
        statements.append(_statement(sid, people.actions if limit else None, condition))
    if services.calls and (not limit or services.actions):
        condition = {"Bool": {"aws:PrincipalIsAWSService": "true"}}
        statements.append(
            _statement("AllowAWSServicePrincipals", services.actions if limit else None, condition)
        )
    return {"Version": "2012-10-17", "Statement": statements}


def _no_proposal(
    endpoint: VpcEndpoint, calls: Sequence[DistinctCall], status: CoverageStatus | None
) -> Proposal | None:
    mapping = map_endpoint(endpoint.service_name, endpoint.endpoint_type)
    denied = sum(1 for c in calls if c.denied)
    if mapping.event_source is None:
        return Proposal(endpoint, CoverageStatus.UNSUPPORTED, reason=mapping.reason)
    if status is not None and status is not CoverageStatus.ALL:
        why = f"the trails log it as {status.value} (coverage report): its allowed calls are not all logged"
        return Proposal(endpoint, status, reason=why, denied_calls=denied)
    if not calls:
        why = "no network activity record of this endpoint in the logs: it is not logged, or was not used"
        return Proposal(endpoint, CoverageStatus.NOT_LOGGED, reason=why)
    if denied == len(calls):
        why = (
            "the logs hold only calls a VPC endpoint policy denied (VpceAccessDenied): allowed calls are "
            "not logged, so what to allow is unknown; log every call of it first"
        )
        return Proposal(endpoint, CoverageStatus.DENIED_ONLY, reason=why, denied_calls=denied)
    return None


def _propose(
    endpoint: VpcEndpoint,
    calls: Sequence[DistinctCall],
    shape: Shape,
    org_accounts: Mapping[str, str] | None,
    status: CoverageStatus | None,
) -> Proposal:
    none = _no_proposal(endpoint, calls, status)
    if none is not None:
        return none
    observed = _Observed()
    allowed = [c for c in calls if not c.denied]
    for call in allowed:
        observed.add(call, org_accounts)
    others = () if org_accounts is not None else tuple(sorted(observed.people.accounts - observed.owners))
    base = Proposal(
        endpoint,
        CoverageStatus.ALL,
        allowed_calls=len(allowed),
        denied_calls=len(calls) - len(allowed),
        outside=tuple(sorted(observed.outside)),
        other_accounts=others,
        unmapped=tuple(sorted(observed.unmapped)),
        conditional=tuple(sorted(observed.conditional - observed.people.actions - observed.services.actions)),
    )
    policy = _policy(observed, shape, org_accounts)
    if not policy["Statement"]:
        return replace(
            base, reason="no caller or action to allow: every allowed call is listed for a decision"
        )
    problems = endpoint_policy_problems(
        policy, gateway=endpoint.endpoint_type == "Gateway", name=f"proposal for {endpoint.endpoint_id}"
    )
    if problems:
        return replace(base, reason="the proposal breaks the endpoint-policy rules", problems=tuple(problems))
    why = f"{shape.value}: allows the {len(allowed)} distinct allowed call(s) observed"
    return replace(base, policy=policy, reason=why)


def advise(
    calls: Iterable[DistinctCall],
    endpoints: Sequence[VpcEndpoint],
    *,
    shape: Shape = Shape.PERIMETER,
    org_accounts: Mapping[str, str] | None = None,
    coverage: Mapping[str, CoverageStatus] | None = None,
) -> list[Proposal]:
    """A proposal (or the reason for none) for every endpoint, in the order given.

    :param calls: the distinct calls of the logs.
    :param endpoints: the endpoints (e.g. ``describe-vpc-endpoints`` output).
    :param shape: what the proposals restrict. Default: ``Shape.PERIMETER``
    :param org_accounts: account id → organization id. Default: - none: observed accounts are named
    :param coverage: endpoint id → its status in ``network-trail coverage`` (its trails' selectors);
        an endpoint not ``all`` gets no proposal. Default: - judged from the logs alone
    """
    by_endpoint: dict[str, list[DistinctCall]] = {}
    for call in calls:
        by_endpoint.setdefault(call.vpc_endpoint_id or "", []).append(call)
    return [
        _propose(
            e, by_endpoint.get(e.endpoint_id, []), shape, org_accounts, (coverage or {}).get(e.endpoint_id)
        )
        for e in endpoints
    ]


def advice_report(
    proposals: Sequence[Proposal], *, shape: Shape, unknown_endpoints: Sequence[str] = ()
) -> dict[str, Any]:
    """The machine-readable advice (the input of :func:`network_trail.cdk.endpoint_policy.proposal_policy`).

    :param proposals: the proposals.
    :param shape: their shape.
    :param unknown_endpoints: endpoint ids in the logs but not in the endpoints given. Default: - none
    """
    return {
        "shape": shape.value,
        "summary": {s.value: sum(1 for p in proposals if p.status is s) for s in CoverageStatus}
        | {"proposals": sum(1 for p in proposals if p.policy is not None)},
        "endpoints": [p.to_json() for p in proposals],
        "endpointsNotGiven": list(unknown_endpoints),
        "conditionKeys": CONDITION_KEYS_URL,
    }
