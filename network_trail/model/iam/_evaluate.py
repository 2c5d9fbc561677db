"""Evaluate one policy, or the documented logic across policy types, in three-valued logic.

IAM User Guide, "Policy evaluation logic" and "Determining whether a request is allowed or denied
within an account": an explicit deny in any policy wins; otherwise an allow is required; without
one the request is implicitly denied. "Policy evaluation for requests within a single account":
within one account an allow in the identity-based *or* the resource-based policy suffices.
"Cross-account policy evaluation logic": across accounts both the resource-based policy and the
caller's identity-based policy must allow. AWS PrivateLink Guide, "Control access to VPC endpoints
using endpoint policies": an endpoint policy does not grant by itself; it is one more policy that
must allow. AWS KMS Developer Guide, "Key policies" / "Default key policy": a key policy must allow
access, directly or by allowing the account (root), which lets IAM policies grant it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from network_trail.errors import NetworkTrailError

from . import _pages
from ._conditions import evaluate_conditions
from ._parse import Policy
from ._principals import action_match, principal_match, resource_match
from ._tri import FALSE, TRUE, Tri, all_, any_, not_, of, unknown
from ._types import UNKNOWN, Evaluation, Request, StatementRef, Verdict

ResourceKind = Literal["s3", "kms", "sns", "other"]
RESOURCE_KINDS: tuple[ResourceKind, ...] = ("s3", "kms", "sns", "other")


@dataclass(frozen=True, slots=True)
class _Matched:
    ref: StatementRef
    deny: bool
    match: Tri
    direct: Tri


@dataclass(frozen=True, slots=True)
class _PolicyResult:
    matched: tuple[_Matched, ...]

    def deny(self) -> Tri:
        return any_(m.match for m in self.matched if m.deny)

    def allow(self, *, direct: bool = False) -> Tri:
        return any_((m.direct if direct else m.match) for m in self.matched if not m.deny)


def _match(policy: Policy, request: Request) -> _PolicyResult:
    matched = []
    for statement in policy.statements:
        who = principal_match(statement, request.principal)
        rest = [action_match(statement, request), resource_match(statement, request)]
        condition = evaluate_conditions(statement.conditions, request)
        ref = StatementRef(policy.name, statement.index, statement.sid)
        matched.append(
            _Matched(
                ref,
                statement.effect == "Deny",
                all_([who.match, *rest, condition]),
                all_([who.direct, *rest, condition]),
            )
        )
    return _PolicyResult(tuple(matched))


def _possible(deny: Tri, allow: Tri) -> frozenset[Verdict]:
    possible = set()
    if deny.can_be_true:
        possible.add(Verdict.EXPLICIT_DENY)
    if deny.can_be_false and allow.can_be_true:
        possible.add(Verdict.ALLOW)
    if deny.can_be_false and allow.can_be_false:
        possible.add(Verdict.IMPLICIT_DENY)
    return frozenset(possible)


def _refs(results: Iterable[_PolicyResult], *, deny: bool | None, open_too: bool) -> tuple[StatementRef, ...]:
    wanted = (True, None) if open_too else (True,)
    return tuple(
        m.ref
        for r in results
        for m in r.matched
        if (deny is None or m.deny is deny) and m.match.value in wanted
    )


def _evaluation(deny: Tri, allow: Tri, results: Sequence[_PolicyResult], why_not: str) -> Evaluation:
    possible = _possible(deny, allow)
    if len(possible) > 1:
        keys = set(deny.keys if deny.value is None else ())
        if allow.value is None and deny.can_be_false:
            keys |= allow.keys
        named = ", ".join(sorted(keys)) or "(none)"
        options = " or ".join(sorted(v.value for v in possible))
        reason = f"unknown: {options} depending on {named}, which the request does not give"
        refs = _refs(results, deny=None, open_too=True)
        return Evaluation(Verdict.UNKNOWN, refs, frozenset(keys), reason, possible)
    (verdict,) = possible
    if verdict is Verdict.EXPLICIT_DENY:
        refs = _refs(results, deny=True, open_too=False)
        return Evaluation(verdict, refs, frozenset(), "explicitly denied by " + "; ".join(map(str, refs)))
    if verdict is Verdict.ALLOW:
        refs = _refs(results, deny=False, open_too=False)
        return Evaluation(verdict, refs, frozenset(), "allowed by " + "; ".join(map(str, refs)))
    return Evaluation(verdict, (), frozenset(), why_not)


def evaluate_policy(policy: Policy, request: Request) -> Evaluation:
    """One policy alone (an endpoint policy, a key policy, a bucket policy) against one request.

    A matching Deny gives EXPLICIT_DENY; else a matching Allow gives ALLOW; else IMPLICIT_DENY
    (IAM User Guide, "Policy evaluation logic"). A statement matches when its principal, action,
    resource and every condition match; with UNKNOWN values the verdict is certain only when it
    holds for every value they could take, else UNKNOWN with the keys that left it open.

    :param policy: the parsed policy (:func:`parse_policy`).
    :param request: the request.
    """
    result = _match(policy, request)
    return _evaluation(
        result.deny(), result.allow(), [result], f"implicitly denied: no statement of {policy.name} allows it"
    )


def _same_account(request: Request, resource_account: str | None) -> Tri:
    account = request.principal.account
    if resource_account is None:
        return TRUE
    if account is UNKNOWN:
        return unknown("Principal")
    return of(account == resource_account)


def _grant(
    request: Request,
    identity: Tri,
    resource: _PolicyResult | None,
    resource_account: str | None,
    kind: ResourceKind,
) -> Tri:
    full = resource.allow() if resource else FALSE
    direct = resource.allow(direct=True) if resource else FALSE
    principal = request.principal
    if principal.service is not None or (principal.account is None and not principal.arns):
        return full  # an AWS service principal, or an anonymous caller: only the resource policy can grant
    # KMS "Key policies": the key policy must allow, directly or through the account (root).
    same = any_([direct, all_([full, identity])]) if kind == "kms" else any_([identity, direct])
    cross = all_([full, identity])
    same_account = _same_account(request, resource_account)
    return any_([all_([same_account, same]), all_([not_(same_account), cross])])


def evaluate(
    request: Request,
    *,
    identity_policies: Sequence[Policy] = (),
    resource_policy: Policy | None = None,
    endpoint_policies: Sequence[Policy] = (),
    resource_account: str | None = None,
    resource_kind: ResourceKind = "other",
) -> Evaluation:
    """The IAM User Guide's evaluation logic across identity, resource and endpoint policies.

    An explicit deny in any policy wins. Every endpoint policy must allow (it never grants by
    itself). Within one account an allow in an identity policy or in the resource policy suffices;
    an allow in the resource policy for the *account* (``"AWS": "<account>"`` or its ``:root`` ARN)
    delegates to the account's identity policies. Across accounts (the principal's account is not
    ``resource_account``) both the resource policy and an identity policy must allow. An AWS service
    principal or an anonymous caller is granted by the resource policy only. For
    ``resource_kind="kms"`` the key policy must allow, directly or through the account root (AWS KMS
    Developer Guide, "Key policies"). Not modelled: SCPs, RCPs, permission boundaries, session
    policies, ACLs, grants, the account root user's implicit rights.

    :param request: the request.
    :param identity_policies: the caller's identity-based policies. Default: none.
    :param resource_policy: the resource's policy (bucket, key, topic). Default: none.
    :param endpoint_policies: the policies of the VPC endpoints on the path. Default: none.
    :param resource_account: the account owning the resource. Default: the principal's (same account).
    :param resource_kind: ``"kms"`` for a KMS key policy's rules. Default: ``"other"``.
    """
    if resource_kind not in RESOURCE_KINDS:
        raise NetworkTrailError(
            f"evaluate resource_kind={resource_kind!r}: must be one of {', '.join(RESOURCE_KINDS)}. "
            f'Fix: pass "kms" for a key policy (see {_pages.KMS_KEY_POLICIES}), else "other".'
        )
    identity = [_match(p, request) for p in identity_policies]
    resource = _match(resource_policy, request) if resource_policy else None
    endpoints = [_match(p, request) for p in endpoint_policies]
    every = [*identity, *([resource] if resource else []), *endpoints]
    deny = any_(r.deny() for r in every)
    grant = _grant(request, any_(r.allow() for r in identity), resource, resource_account, resource_kind)
    allow = all_([grant, *(r.allow() for r in endpoints)])
    why = "implicitly denied: " + _why_not(grant, endpoints)
    return _evaluation(deny, allow, every, why)


def _why_not(grant: Tri, endpoints: Sequence[_PolicyResult]) -> str:
    if grant.value is False:
        return "no identity or resource policy allows it as the evaluation logic requires"
    closed = [r.matched[0].ref.policy for r in endpoints if r.matched and r.allow().value is False]
    return "the endpoint policy " + ", ".join(closed) + " does not allow it"
