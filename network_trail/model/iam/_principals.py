"""Matching a ``Principal``/``NotPrincipal`` element, ``Action``/``NotAction`` and ``Resource``/``NotResource``.

IAM User Guide, "AWS JSON policy elements: Principal": ``"*"`` (and ``{"AWS": "*"}``) is every
principal, anonymous ones included; an account id and ``arn:aws:iam::<account>:root`` both mean
the account, which delegates to the account's own policies; role, user and assumed-role session
ARNs name that principal (no wildcards in a principal ARN); ``{"Service": ...}`` names an AWS
service principal. "NotPrincipal": the statement applies to every principal except those listed, where an IAM
principal counts as listed only with its account.
"Action": names match case-insensitively, with ``*`` and ``?``; "Resource": ARNs with ``*``/``?``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from network_trail.model._ids import is_account_id

from ._parse import Principals, Statement
from ._tri import FALSE, TRUE, Tri, all_, any_, not_, of, unknown
from ._types import UNKNOWN, Request, RequestPrincipal
from ._wildcard import matches

_ROOT = re.compile(r"arn:[a-z-]+:iam::(?P<account>[^:]*):root")
"""An account's root ARN; its account part is an account id (:func:`~network_trail.model._ids.is_account_id`)."""


@dataclass(frozen=True, slots=True)
class PrincipalMatch:
    """Whether a statement's principal element covers the request's principal.

    ``direct`` is the match without account principals (delegations to an account), which a
    resource policy grants only together with the account's identity policies.
    """

    match: Tri
    direct: Tri


def _account_of(entry: str) -> str | None:
    """The account an ``"AWS"`` value names: an account id, or the account of its root ARN."""
    if is_account_id(entry):
        return entry
    root = _ROOT.fullmatch(entry)
    return root["account"] if root and is_account_id(root["account"]) else None


def _aws_entry(entry: str, principal: RequestPrincipal) -> tuple[Tri, bool]:
    """(match, through an account principal) for one ``"AWS"`` value."""
    if principal.service is not None:
        return FALSE, False
    account = _account_of(entry)
    if account is not None:
        if principal.account is UNKNOWN:
            return unknown("Principal"), True
        return of(principal.account == account), not principal.is_account_root
    if principal.arn is UNKNOWN:
        parts = entry.split(":")
        if isinstance(principal.account, str) and len(parts) > 4 and parts[4] != principal.account:
            return FALSE, False
        return unknown("Principal"), False
    return of(entry in principal.arns), False


def _listed(principals: Principals, principal: RequestPrincipal) -> PrincipalMatch:
    if principals.everyone:
        return PrincipalMatch(TRUE, TRUE)
    direct: list[Tri] = []
    delegated: list[Tri] = []
    for entry in principals.aws:
        tri, via_account = _aws_entry(entry, principal)
        (delegated if via_account else direct).append(tri)
    service = principal.service.lower() if principal.service else None
    direct.extend(of(s.lower() == service) for s in principals.service)
    for entry in (*principals.federated, *principals.canonical_user):
        direct.append(unknown("Principal") if principal.arn is UNKNOWN else of(entry in principal.arns))
    direct_tri = any_(direct)
    return PrincipalMatch(any_([direct_tri, *delegated]), direct_tri)


def _excepted(principals: Principals, principal: RequestPrincipal) -> Tri:
    """Whether NotPrincipal lists the request's principal (IAM User Guide, "NotPrincipal").

    AWS evaluates the principal and its account: an IAM principal is excepted only when both its ARN
    (for a session: the role or session ARN) and its account (id or ``:root`` ARN) are listed;
    listing the account alone excepts the account's root user only.
    """
    if principals.everyone:
        return TRUE
    if principal.service is not None:
        return of(principal.service.lower() in {s.lower() for s in principals.service})
    accounts = {_account_of(e) for e in principals.aws} - {None}
    arns = [
        e
        for e in (*principals.aws, *principals.federated, *principals.canonical_user)
        if _account_of(e) is None
    ]
    if principal.account is None and not principal.arns and principal.arn is not UNKNOWN:
        return FALSE  # anonymous: nothing but "*" names it
    account = unknown("Principal") if principal.account is UNKNOWN else of(principal.account in accounts)
    if principal.arn is UNKNOWN:
        named = unknown("Principal") if arns else FALSE
    else:
        named = of(principal.is_account_root or any(a in principal.arns for a in arns))
    return all_([account, named])


def principal_match(statement: Statement, principal: RequestPrincipal) -> PrincipalMatch:
    """The statement's Principal/NotPrincipal against the request's principal."""
    if statement.principal is None:  # an identity policy: it applies to the identity it is attached to
        return PrincipalMatch(TRUE, TRUE)
    if statement.not_principal:
        covered = not_(_excepted(statement.principal, principal))
        return PrincipalMatch(covered, covered)
    return _listed(statement.principal, principal)


def action_match(statement: Statement, request: Request) -> Tri:
    """Action/NotAction: case-insensitive names with ``*`` and ``?`` (IAM User Guide, "Action")."""
    if request.action is UNKNOWN:
        hit = TRUE if "*" in statement.actions else unknown("Action")
    else:
        action = request.action
        hit = of(any(matches(a, action, ignore_case=True) for a in statement.actions))
    return not_(hit) if statement.not_action else hit


def resource_match(statement: Statement, request: Request) -> Tri:
    """Resource/NotResource: ARNs with ``*`` and ``?`` (IAM User Guide, "Resource"); a statement
    without either (a role trust policy) applies to the resource it is attached to."""
    if statement.resources is None:
        return TRUE
    if request.resource is UNKNOWN:
        hit = TRUE if "*" in statement.resources else unknown("Resource")
    else:
        resource = request.resource
        hit = of(any(matches(r, resource) for r in statement.resources))
    return not_(hit) if statement.not_resource else hit
