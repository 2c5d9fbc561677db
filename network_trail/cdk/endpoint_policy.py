"""Set the complete policy of a VPC endpoint of a CDK app, e.g. the proposal of ``network-trail advise``.

An ``ec2.InterfaceVpcEndpoint`` or ``ec2.GatewayVpcEndpoint`` without statements synthesizes no
``PolicyDocument``, so it has AWS's default policy, which allows every call (AWS PrivateLink Guide,
"Control access to VPC endpoints using endpoint policies",
https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html). The first
``add_to_policy`` replaces that default with a document holding only the statements added: the
policy this module writes is therefore the endpoint's complete policy, as long as nothing else adds
statements to the same endpoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam

from ..errors import NetworkTrailError
from ..model.endpoint_policy import check_endpoint_policy

__all__ = ["apply_endpoint_policy", "proposal_policy"]


def apply_endpoint_policy(
    endpoint: ec2.InterfaceVpcEndpoint | ec2.GatewayVpcEndpoint, policy: Mapping[str, Any]
) -> None:
    """Make ``policy`` the complete endpoint policy of ``endpoint``.

    Checks the document against the endpoint-policy rules first (a ``Principal`` element in every
    statement, at most 20,480 characters, ``"Principal": "*"`` on a gateway endpoint), then adds
    each statement with ``add_to_policy``. The first ``add_to_policy`` replaces CDK's (and AWS's)
    allow-all default: the endpoint then allows only what the statements allow. Call it once per
    endpoint, and add no other statements to that endpoint.

    :param endpoint: an endpoint of the app.
    :param policy: a policy document, e.g. a ``policy`` of ``network-trail advise --json``
        (see :func:`proposal_policy`).
    :raises NetworkTrailError: for another kind of endpoint, or a document that breaks a rule.
    """
    if not isinstance(endpoint, ec2.InterfaceVpcEndpoint | ec2.GatewayVpcEndpoint):
        raise NetworkTrailError(
            f"endpoint must be an ec2.InterfaceVpcEndpoint or ec2.GatewayVpcEndpoint of the app, got "
            f"{type(endpoint).__name__}: an imported endpoint's policy is not part of the app; set it with "
            f"`aws ec2 modify-vpc-endpoint --policy-document`",
            code="InvalidEndpoint",
        )
    check_endpoint_policy(
        policy, gateway=isinstance(endpoint, ec2.GatewayVpcEndpoint), name=f"policy of {endpoint.node.path}"
    )
    statements = policy["Statement"]
    for statement in [statements] if isinstance(statements, Mapping) else statements:
        endpoint.add_to_policy(iam.PolicyStatement.from_json(statement))


def proposal_policy(advice: Mapping[str, Any], endpoint_id: str) -> Mapping[str, Any]:
    """The proposed policy of one endpoint in the output of ``network-trail advise --json``.

    :param advice: the parsed JSON of ``network-trail advise --json``.
    :param endpoint_id: the endpoint's id (``vpce-…``), as the advice names it.
    :raises NetworkTrailError: when the advice has no proposal for that endpoint (the message says why).
    """
    rows = advice.get("endpoints") if isinstance(advice, Mapping) else None
    if not isinstance(rows, list):
        raise NetworkTrailError(
            f"advice must be the JSON of `network-trail advise --json` (an object with an 'endpoints' list), "
            f"got {type(advice).__name__}: run `network-trail advise LOGS --endpoints FILE --json > advice.json`"
        )
    ids = [row.get("endpointId") for row in rows if isinstance(row, Mapping)]
    for row in rows:
        if isinstance(row, Mapping) and row.get("endpointId") == endpoint_id:
            policy = row.get("policy")
            if not isinstance(policy, Mapping):
                raise NetworkTrailError(
                    f"endpoint_id {endpoint_id!r} has no proposal in the advice: {row.get('reason', 'no reason given')}"
                )
            return policy
    raise NetworkTrailError(
        f"endpoint_id {endpoint_id!r} is not in the advice: choose one of {ids}, the endpoints of its --endpoints input"
    )
