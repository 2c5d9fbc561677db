"""The rules a VPC endpoint policy document must meet, checked before it reaches EC2.

AWS PrivateLink Guide, "Control access to VPC endpoints using endpoint policies"
(:data:`ENDPOINT_POLICY_URL`), Considerations and "Principals for gateway endpoints":

- an endpoint policy is a JSON policy document in the IAM policy language and must contain a
  ``Principal`` element;
- it is at most 20,480 characters, including white space;
- for a gateway endpoint the ``Principal`` element must be ``"*"`` (principals are named with the
  ``aws:PrincipalArn`` condition key instead); ``"AWS": "<account-id>"`` there grants only that
  account's root user;
- without a policy the endpoint has the default policy, which allows everything
  (:data:`DEFAULT_ENDPOINT_POLICY`).

Pure Python, shared by ``network-trail advise`` (every proposal is checked) and
:func:`network_trail.cdk.endpoint_policy.apply_endpoint_policy`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from ..errors import NetworkTrailError

__all__ = [
    "DEFAULT_ENDPOINT_POLICY",
    "ENDPOINT_POLICY_URL",
    "MAX_ENDPOINT_POLICY_CHARACTERS",
    "check_endpoint_policy",
    "endpoint_policy_problems",
    "endpoint_policy_text",
]

ENDPOINT_POLICY_URL: Final = "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html"
MAX_ENDPOINT_POLICY_CHARACTERS: Final = 20_480
"""The largest endpoint policy, in characters including white space (:data:`ENDPOINT_POLICY_URL`)."""

DEFAULT_ENDPOINT_POLICY: Final[Mapping[str, Any]] = {
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]
}
"""The default endpoint policy: full access through the endpoint (:data:`ENDPOINT_POLICY_URL`)."""


def endpoint_policy_text(document: Mapping[str, Any]) -> str:
    """The policy as the JSON text this library writes (two-space indent, keys in the given order).

    :param document: the policy document.
    """
    return json.dumps(document, indent=2)


def _statements(document: Mapping[str, Any]) -> list[Any]:
    statements = document.get("Statement")
    if isinstance(statements, Mapping):
        return [statements]
    return list(statements) if isinstance(statements, list) else []


def endpoint_policy_problems(document: object, *, gateway: bool, name: str) -> list[str]:
    """Every rule of the endpoint-policy page that ``document`` breaks, one message each.

    :param document: the policy document (parsed JSON).
    :param gateway: whether the endpoint is a gateway endpoint (S3, DynamoDB), whose ``Principal``
        must be ``"*"``.
    :param name: how messages name the policy, e.g. ``"proposal for vpce-0123"``.
    """
    fix_url = f"(AWS PrivateLink Guide: {ENDPOINT_POLICY_URL})"
    if not isinstance(document, Mapping):
        return [f"{name}: an endpoint policy is a JSON object, got {type(document).__name__} {fix_url}"]
    statements = _statements(document)
    problems: list[str] = []
    if not statements:
        problems.append(f"{name}: has no Statement: an endpoint policy needs at least one {fix_url}")
    for i, statement in enumerate(statements):
        where = f"{name} Statement[{i}]" + (
            f" ({statement['Sid']})" if isinstance(statement, Mapping) and "Sid" in statement else ""
        )
        if not isinstance(statement, Mapping):
            problems.append(f"{where}: a statement is a JSON object, got {statement!r:.60} {fix_url}")
        elif "Principal" not in statement:
            problems.append(
                f"{where}: has no Principal element: an endpoint policy must contain one; "
                f'add "Principal": "*" and name callers with conditions {fix_url}'
            )
        elif gateway and statement["Principal"] != "*":
            problems.append(
                f"{where}: Principal {json.dumps(statement['Principal'])} on a gateway endpoint: the "
                f'principal of a gateway endpoint policy must be "*"; name callers with the '
                f"aws:PrincipalArn or aws:PrincipalAccount condition key instead {fix_url}"
            )
    size = len(endpoint_policy_text(document))
    if size > MAX_ENDPOINT_POLICY_CHARACTERS:
        problems.append(
            f"{name}: {size:,} characters: an endpoint policy is at most "
            f"{MAX_ENDPOINT_POLICY_CHARACTERS:,} characters including white space; allow fewer actions "
            f"(e.g. the perimeter shape) or split the traffic over more endpoints {fix_url}"
        )
    return problems


def check_endpoint_policy(document: object, *, gateway: bool, name: str) -> None:
    """Raise :class:`~network_trail.errors.NetworkTrailError` listing every rule ``document`` breaks.

    :param document: the policy document (parsed JSON).
    :param gateway: whether the endpoint is a gateway endpoint.
    :param name: how messages name the policy.
    """
    problems = endpoint_policy_problems(document, gateway=gateway, name=name)
    if problems:
        raise NetworkTrailError(problems, code="endpoint-policy")
