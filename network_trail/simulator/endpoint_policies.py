"""Endpoint policies to replay, with the calls each one gates.

Three inputs, all read as plain JSON (the command line reads the files):

- a policy document (``--policy FILE``): for every endpoint, or for one (``vpce-…=FILE``);
- ``aws ec2 describe-vpc-endpoints`` output (EC2 API ``DescribeVpcEndpoints``,
  https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcEndpoints.html): each
  endpoint's ``PolicyDocument`` (a JSON string), ``VpcId``, ``ServiceName`` and ``VpcEndpointType``;
- synthesized templates (``cdk.out``): every ``AWS::EC2::VPCEndpoint`` and its ``PolicyDocument``
  (CloudFormation ``AWS::EC2::VPCEndpoint``,
  https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcendpoint.html).
  An endpoint of a template has no id before it is deployed: its policy gates the calls to its
  service's event source. A document holding CloudFormation intrinsics (``Ref``, ``Fn::GetAtt``,
  ``Fn::Join`` …) has values known only at deploy time: it is reported as not checkable.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ..errors import NetworkTrailError
from ..model._policies import pasteable
from ..model.endpoint_policy import DEFAULT_ENDPOINT_POLICY
from ..model.endpoints import VpcEndpoint, map_endpoint

__all__ = [
    "PolicyTarget",
    "describe_targets",
    "parse_policy_text",
    "policy_file_target",
    "template_targets",
]

VPC_ENDPOINT_TYPE: Final = "AWS::EC2::VPCEndpoint"
_PLACEHOLDERS: Final = {"partition": "aws", "region": "<region>", "account": "<account>"}


@dataclass(frozen=True, slots=True)
class PolicyTarget:
    """One endpoint policy and the calls it gates.

    :param label: how reports name it: the endpoint id, ``<stack>/<logical id>``, or the policy file.
    :param document: the policy document. Default: - none: not checkable (see ``not_checkable``)
    :param endpoint: the endpoint it is attached to. Default: - every endpoint (a policy file for all)
    :param event_source: for an endpoint of a template (no id yet), the event source whose calls it
        gates. Default: - the calls through ``endpoint``'s id
    :param not_checkable: why there is no document to evaluate. Default: - there is one
    """

    label: str
    document: Mapping[str, Any] | None = None
    endpoint: VpcEndpoint | None = None
    event_source: str | None = None
    not_checkable: str = ""

    @property
    def gateway(self) -> bool:
        """Whether the endpoint is a gateway endpoint (its policy's ``Principal`` must be ``"*"``)."""
        return self.endpoint is not None and self.endpoint.endpoint_type == "Gateway"

    def gates(self, vpc_endpoint_id: str, event_source: str) -> bool:
        """Whether this policy decides a call through ``vpc_endpoint_id`` to ``event_source``.

        :param vpc_endpoint_id: the record's ``vpcEndpointId``.
        :param event_source: the record's ``eventSource``.
        """
        if self.event_source is not None:
            return event_source == self.event_source
        return self.endpoint is None or self.endpoint.endpoint_id == vpc_endpoint_id


def parse_policy_text(text: str, *, name: str) -> Mapping[str, Any]:
    """A policy document from its JSON text.

    :param text: the JSON.
    :param name: how the error names it, e.g. ``"--policy policy.json"``.
    :raises NetworkTrailError: when it is not a JSON object.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise NetworkTrailError(
            f"{name} is not JSON ({err}): give a policy document, "
            f'e.g. {{"Statement": [{{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}]}}'
        ) from None
    if not isinstance(document, Mapping) or "Statement" not in document:
        raise NetworkTrailError(
            f"{name} must be a policy document (a JSON object with a Statement), got "
            f"{type(document).__name__}"
            + (f" with keys {sorted(document)[:5]}" if isinstance(document, Mapping) else "")
            + ": give the endpoint's PolicyDocument"
        )
    return document


def policy_file_target(text: str, *, name: str, endpoint_id: str | None = None) -> PolicyTarget:
    """A policy from a file, for every endpoint or for one.

    :param text: the file's JSON.
    :param name: the file's name.
    :param endpoint_id: the endpoint it is for. Default: - every endpoint
    """
    document = parse_policy_text(text, name=f"--policy {name!r}")
    endpoint = None if endpoint_id is None else VpcEndpoint(endpoint_id)
    return PolicyTarget(endpoint_id or name, document, endpoint)


def describe_targets(
    items: Sequence[Mapping[str, Any]], endpoints: Sequence[VpcEndpoint]
) -> list[PolicyTarget]:
    """The policy of every endpoint of ``describe-vpc-endpoints`` output.

    :param items: the output's ``VpcEndpoints`` entries, as parsed JSON.
    :param endpoints: the same entries as :class:`VpcEndpoint` (read and checked by the caller), in order.
    :raises NetworkTrailError: when a ``PolicyDocument`` is not a policy document in JSON.
    """
    targets: list[PolicyTarget] = []
    problems: list[str] = []
    for i, (item, endpoint) in enumerate(zip(items, endpoints, strict=True)):
        raw = item.get("PolicyDocument")
        if raw is None:
            reason = "no PolicyDocument in the input: its service may not support endpoint policies"
            targets.append(PolicyTarget(endpoint.endpoint_id, None, endpoint, not_checkable=reason))
            continue
        try:
            text = raw if isinstance(raw, str) else json.dumps(raw)
            name = f"--endpoints VpcEndpoints[{i}] ({endpoint.endpoint_id}) PolicyDocument"
            targets.append(PolicyTarget(endpoint.endpoint_id, parse_policy_text(text, name=name), endpoint))
        except NetworkTrailError as err:
            problems.extend(err.problems)
    if problems:
        raise NetworkTrailError(problems)
    return targets


def _intrinsics(value: object) -> list[str]:
    """The CloudFormation intrinsic functions in ``value`` (``Ref``, ``Fn::…``), in order, once each."""
    found: list[str] = []
    if isinstance(value, Mapping):
        if len(value) == 1:
            key = next(iter(value))
            if key == "Ref" or key.startswith("Fn::"):
                found.append(key if key != "Ref" else f"Ref {value[key]}")
        for item in value.values():
            found += [f for f in _intrinsics(item) if f not in found]
    elif isinstance(value, list):
        for item in value:
            found += [f for f in _intrinsics(item) if f not in found]
    return found


def _template_target(stack: str, logical_id: str, props: Mapping[str, Any]) -> PolicyTarget:
    service = pasteable(props.get("ServiceName"), _PLACEHOLDERS)
    endpoint_type = props.get("VpcEndpointType", "Gateway")  # CloudFormation's default type
    endpoint = VpcEndpoint(
        endpoint_id=logical_id,
        service_name=service if isinstance(service, str) else None,
        endpoint_type=endpoint_type if isinstance(endpoint_type, str) else None,
        label=f"{stack}/{logical_id}",
    )
    mapping = map_endpoint(endpoint.service_name, endpoint.endpoint_type)
    source = None if mapping.event_source is None else mapping.event_source.value
    label = f"{stack}/{logical_id}"
    if source is None:
        reason = f"no network activity events for its service: {mapping.reason}"
        return PolicyTarget(label, None, endpoint, "", reason)
    document = props.get("PolicyDocument")
    if document is None:
        # Without a policy an endpoint has the default one (PrivateLink Guide, DEFAULT_ENDPOINT_POLICY).
        return PolicyTarget(f"{label} (default policy)", DEFAULT_ENDPOINT_POLICY, endpoint, source)
    tokens = _intrinsics(document)
    if tokens or not isinstance(document, Mapping):
        reason = (
            f"its PolicyDocument holds CloudFormation intrinsics ({', '.join(tokens[:4])}) whose values are "
            "known only at deploy time: replay the deployed policy with --endpoints instead"
        )
        return PolicyTarget(label, None, endpoint, source, reason)
    return PolicyTarget(label, document, endpoint, source)


def template_targets(templates: Iterable[tuple[str, Mapping[str, Any]]]) -> list[PolicyTarget]:
    """The policy of every ``AWS::EC2::VPCEndpoint`` of synthesized templates.

    :param templates: ``(stack name, template)`` pairs.
    """
    targets: list[PolicyTarget] = []
    for stack, template in templates:
        resources = template.get("Resources")
        if not isinstance(resources, Mapping):
            continue
        for logical_id, resource in resources.items():
            if isinstance(resource, Mapping) and resource.get("Type") == VPC_ENDPOINT_TYPE:
                props = resource.get("Properties")
                targets.append(
                    _template_target(stack, logical_id, props if isinstance(props, Mapping) else {})
                )
    return targets
