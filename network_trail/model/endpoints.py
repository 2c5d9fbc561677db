"""Which network activity event source a VPC endpoint's calls are logged under.

A VPC endpoint names the service it reaches with a *service name*
(``com.amazonaws.us-east-1.kms``); CloudTrail logs the calls through it with an
*event source* (``kms.amazonaws.com``). No AWS page maps one to the other, so
this module does it from the documented forms of service names and reports,
never guesses, what it cannot map:

- ``com.amazonaws.<region>.<service>``, ``cn.com.amazonaws.<region>.<service>``
  (China) and ``com.amazonaws.<service>`` (global services: ``iam``, ``route53``)
  (https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html,
  https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-cross-region-privatelink-support.html);
- ``aws.api.<region>.<service>`` and ``api.aws.<region>.<service>``: the example
  output of ``describe-vpc-endpoint-services`` on the first page above lists
  ``aws.api.us-east-1.bcm-data-exports`` and ``api.aws.us-east-1.cassandra-streams``;
- ``aws.sagemaker.<region>.notebook`` (and the ``aws.sagemaker.`` name of Studio)
  reach a notebook instance or Studio, not an AWS API, and are reported as unsupported
  (https://docs.aws.amazon.com/sagemaker/latest/dg/notebook-interface-endpoint.html,
  https://docs.aws.amazon.com/sagemaker/latest/dg/studio-interface-endpoint.html);
- FIPS endpoints add ``-fips`` to the service: ``com.amazonaws.<region>.kms-fips``
  "connects to an AWS KMS FIPS endpoint"
  (https://docs.aws.amazon.com/kms/latest/developerguide/vpce-create-endpoint.html),
  ``appconfig-fips`` (the list above), ``cn.com.amazonaws.<region>.kms-fips`` (the
  cross-Region page); a FIPS endpoint maps to its service's source;
- dual-stack and IPv6 endpoints keep the service name: the IP address type is a
  separate parameter of the request (``IpAddressType``: ``ipv4 | dualstack | ipv6``,
  https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html);
- ``com.amazonaws.vpce.<region>.vpce-svc-<id>`` is an endpoint service of an
  account (a partner's, a Marketplace seller's or your own), whose calls are no
  AWS API calls: CloudTrail records network activity events for AWS services only
  (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-network-events-with-cloudtrail.html).

The event sources come from :class:`~network_trail.NetworkActivityEventSource`:
a service maps to a source when its name (without ``-fips``) is the source's
name, or through :data:`SUB_SERVICES` for the names that differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ..errors import NetworkTrailError
from .sources import (
    CURRENT_SOURCES,
    REMOVED_SOURCES,
    SOURCE_LIST_DATE,
    SOURCE_LIST_URL,
    NetworkActivityEventSource,
)

__all__ = [
    "PRIVATELINK_SERVICES_URL",
    "SUB_SERVICES",
    "EndpointKind",
    "ServiceMapping",
    "VpcEndpoint",
    "map_endpoint",
    "map_service_name",
    "to_vpc_endpoint",
]

PRIVATELINK_SERVICES_URL: Final = (
    "https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html"
)
"""AWS's list of service names for VPC endpoints."""

TOKEN_MARK: Final = "{Token["
"""How CDK marks a token inside a string."""

_TOKEN: Final = re.compile(r"\$\{Token\[[^\]]*\]\}")
_REGION: Final = re.compile(r"^(?:[a-z]{2}(?:-[a-z]+)+-\d+|<region>)$")
_ENDPOINT_SERVICE: Final = re.compile(r"^com\.amazonaws\.vpce\.([^.]+)\.(vpce-svc-[0-9a-zA-Z]+)$")
_REGIONAL_PREFIXES: Final = ("cn.com.amazonaws.", "com.amazonaws.", "aws.api.", "api.aws.", "aws.sagemaker.")
_NON_API_PREFIXES: Final = ("aws.sagemaker.",)
_SAGEMAKER_NOTEBOOK_URL: Final = (
    "https://docs.aws.amazon.com/sagemaker/latest/dg/notebook-interface-endpoint.html"
)
_SERVICE_LABELS: Final = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*$")


def _sub(event_source: str, what: str, name_page: str, source_page: str) -> tuple[str, str]:
    """A :data:`SUB_SERVICES` entry: the source and the reason, with the page of each."""
    return event_source, (
        f"{what} (service name: {name_page}); CloudTrail logs the service as {event_source} ({source_page})"
    )


# Each entry cites the AWS page that names the endpoint service and the page that
# shows the service's eventSource (the EventBridge reference lists "eventSource" for
# the events CloudTrail delivers; SageMaker's CloudTrail page shows log entries).
_ECR_VPCE = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html"
_ECR_SOURCE = "https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ecr.html"
_BEDROCK_VPCE = "https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-interface-endpoints.html"
_BEDROCK_SOURCE = "https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-bedrock.html"

SUB_SERVICES: Final[dict[str, tuple[str, str]]] = {
    "ecr.api": _sub("ecr.amazonaws.com", "the Amazon ECR API endpoint", _ECR_VPCE, _ECR_SOURCE),
    "ecr.dkr": _sub(
        "ecr.amazonaws.com", "the Amazon ECR Docker Registry API endpoint", _ECR_VPCE, _ECR_SOURCE
    ),
    "kinesis-firehose": _sub(
        "firehose.amazonaws.com",
        "Amazon Data Firehose",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-cross-region-privatelink-support.html",
        "https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-firehose.html",
    ),
    "sagemaker.api": _sub(
        "sagemaker.amazonaws.com",
        "the SageMaker API endpoint",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/clarify-vpc.html",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/understanding-sagemaker-entries.html",
    ),
    "bedrock-runtime": _sub(
        "bedrock.amazonaws.com", "the Amazon Bedrock Runtime API endpoint", _BEDROCK_VPCE, _BEDROCK_SOURCE
    ),
    "bedrock-agent": _sub(
        "bedrock.amazonaws.com",
        "the Amazon Bedrock Agents build-time API endpoint",
        _BEDROCK_VPCE,
        _BEDROCK_SOURCE,
    ),
    "bedrock-agent-runtime": _sub(
        "bedrock.amazonaws.com",
        "the Amazon Bedrock Agents runtime API endpoint",
        _BEDROCK_VPCE,
        _BEDROCK_SOURCE,
    ),
}
"""Endpoint service names whose event source has another name: ``(eventSource, reason)``.

Every other service maps only when its name is a source's name (``sqs`` to
``sqs.amazonaws.com``). A sub-service missing here (``sagemaker.runtime``,
``ssmmessages``) is reported as unsupported, never mapped to its parent. A
source named here maps only while :class:`~network_trail.NetworkActivityEventSource`
lists it.
"""

_UNSUPPORTED_NOTES: Final[dict[str, str]] = {
    "s3-global.accesspoint": (
        f"S3 Multi-Region Access Points are not supported by network activity events ({SOURCE_LIST_URL})"
    ),
}


class EndpointKind(StrEnum):
    """What a VPC endpoint reaches, from its service name and type."""

    AWS_SERVICE = "aws-service"
    """An AWS service (``com.amazonaws.<region>.<service>`` and the other documented forms)."""
    ENDPOINT_SERVICE = "endpoint-service"
    """An endpoint service of an account (``com.amazonaws.vpce.<region>.vpce-svc-…``): a partner's or your own."""
    RESOURCE = "resource"
    """A ``Resource`` or ``ServiceNetwork`` endpoint (VPC Lattice): it has no AWS service name."""
    UNKNOWN = "unknown"
    """A service name of no documented form, or only known at deploy time (a token)."""


@dataclass(frozen=True, slots=True)
class ServiceMapping:
    """The event source of one VPC endpoint's service, or why there is none.

    :param service_name: the service name as given (tokens shown as ``<region>``).
    :param kind: what the endpoint reaches.
    :param service: the service part of the name, e.g. ``"ecr.dkr"``. Default: - none
    :param region: the Region part of the name. Default: - none (global, token or no name)
    :param fips: whether the name is a FIPS endpoint's (``-fips``). Default: false
    :param event_source: the event source its calls are logged under. Default: - none: unsupported
    :param reason: why it maps to that source, or why it maps to none.
    """

    service_name: str
    kind: EndpointKind
    service: str | None = None
    region: str | None = None
    fips: bool = False
    event_source: NetworkActivityEventSource | None = None
    reason: str = ""

    @property
    def supported(self) -> bool:
        """Whether a network activity selector can log calls through the endpoint."""
        return self.event_source is not None


def _display(service_name: str) -> str:
    return _TOKEN.sub("<region>", service_name)


def _split(name: str) -> tuple[str | None, str | None]:
    """``(region, service)`` of a regional or global AWS service name, or ``(None, None)``."""
    for prefix in _REGIONAL_PREFIXES:
        if not name.startswith(prefix):
            continue
        rest = name[len(prefix) :]
        region, _, service = rest.partition(".")
        if service and _REGION.match(region):
            return region, service
        if prefix == "com.amazonaws." and rest and _SERVICE_LABELS.match(rest):
            return None, rest  # a global service: com.amazonaws.iam, com.amazonaws.s3-global.accesspoint
    return None, None


def _source_value(value: str) -> NetworkActivityEventSource | None:
    """The source named ``value`` while the newest list has it (a removed source maps to none)."""
    try:
        source = NetworkActivityEventSource(value)
    except ValueError:
        return None
    return None if source in REMOVED_SOURCES else source


def _unmappable(shown: str) -> ServiceMapping:
    why = (
        "the service name is only known at deploy time (a token)"
        if shown == "<token>" or not shown.strip()
        else f"{shown!r} has none of the documented forms of AWS service names ({PRIVATELINK_SERVICES_URL})"
    )
    return ServiceMapping(shown, EndpointKind.UNKNOWN, reason=f"cannot map: {why}")


def _lookup(base: str) -> tuple[NetworkActivityEventSource | None, str]:
    """The source of a service name without ``-fips``, and why (or why none)."""
    if base in SUB_SERVICES:
        value, why = SUB_SERVICES[base]
        source = _source_value(value)
        if source is None:
            why = f"{why}; but {value} is not in CloudTrail's list of {SOURCE_LIST_DATE}"
        return source, why
    source = None if "." in base else _source_value(f"{base}.amazonaws.com")
    if source is not None:
        return source, f"the service's name is the event source's ({source.value})"
    if f"{base}.amazonaws.com" in {s.value for s in REMOVED_SOURCES}:
        return None, (
            f"{base}.amazonaws.com is no longer in CloudTrail's list of {SOURCE_LIST_DATE} ({SOURCE_LIST_URL})"
        )
    return None, _UNSUPPORTED_NOTES.get(base) or (
        f"no network activity event source for {base!r} in CloudTrail's list of {SOURCE_LIST_DATE} "
        f"({len(CURRENT_SOURCES)} sources, {SOURCE_LIST_URL})"
    )


def map_service_name(service_name: str) -> ServiceMapping:
    """Map a VPC endpoint's service name to the event source of the calls through it.

    Tokens in the Region part (CDK's ``InterfaceVpcEndpointAwsService`` builds
    ``com.amazonaws.${Token[…]}.kms``) are accepted; a name that is a token as a
    whole maps to :attr:`EndpointKind.UNKNOWN`.

    :param service_name: e.g. ``"com.amazonaws.eu-west-1.ecr.dkr"``.
    """
    if _TOKEN.fullmatch(service_name) or service_name == "<token>":
        return _unmappable("<token>")
    shown = _display(service_name)
    endpoint_service = _ENDPOINT_SERVICE.match(shown)
    if endpoint_service:
        return ServiceMapping(
            shown,
            EndpointKind.ENDPOINT_SERVICE,
            service=endpoint_service.group(2),
            region=endpoint_service.group(1),
            reason=(
                "an endpoint service of an account (PrivateLink to a partner or your own service): "
                "CloudTrail records network activity events only for calls to AWS services"
            ),
        )
    region, service = _split(shown)
    if service is None:
        return _unmappable(shown)
    fips = any(label.endswith("-fips") for label in service.split("."))
    base = ".".join(label.removesuffix("-fips") for label in service.split("."))
    if shown.startswith(_NON_API_PREFIXES):
        source, why = (
            None,
            (f"{service!r} serves SageMaker notebooks or Studio, not an AWS API ({_SAGEMAKER_NOTEBOOK_URL})"),
        )
    else:
        source, why = _lookup(base)
    return ServiceMapping(
        shown,
        EndpointKind.AWS_SERVICE,
        service=service,
        region=region,
        fips=fips,
        event_source=source,
        reason=why,
    )


_NO_SERVICE_TYPES: Final = frozenset({"Resource", "ServiceNetwork"})


def map_endpoint(service_name: str | None, endpoint_type: str | None = None) -> ServiceMapping:
    """Map an endpoint (its service name and ``VpcEndpointType``) to its event source.

    ``Resource`` and ``ServiceNetwork`` endpoints (VPC Lattice) have no service
    name: they reach a resource configuration or a service network, not an AWS
    service's API endpoint, and are reported as unsupported. ``GatewayLoadBalancer``
    endpoints name an endpoint service (``vpce-svc-…``), also unsupported.

    :param service_name: the endpoint's ``ServiceName``. Default: - none
    :param endpoint_type: ``Interface``, ``Gateway``, ``GatewayLoadBalancer``, ``Resource``
        or ``ServiceNetwork``. Default: - not checked
    """
    if endpoint_type in _NO_SERVICE_TYPES or not service_name:
        kind_name = endpoint_type or "an endpoint without a service name"
        return ServiceMapping(
            service_name or "",
            EndpointKind.RESOURCE if endpoint_type in _NO_SERVICE_TYPES else EndpointKind.UNKNOWN,
            reason=(
                f"{kind_name} endpoint: it reaches a VPC Lattice resource or service network, not an AWS "
                f"service's API; CloudTrail documents network activity events for endpoints of AWS services"
                if endpoint_type in _NO_SERVICE_TYPES
                else "cannot map: the endpoint has no service name"
            ),
        )
    return map_service_name(service_name)


@dataclass(frozen=True, slots=True)
class VpcEndpoint:
    """One VPC endpoint to check.

    :param endpoint_id: the id (``vpce-…``), or in a CDK app the endpoint's ``Ref`` token.
    :param service_name: the ``ServiceName``. Default: - none (``Resource``/``ServiceNetwork`` endpoints)
    :param endpoint_type: the ``VpcEndpointType``. Default: - unknown
    :param vpc_id: the VPC's id. Default: - unknown
    :param aliases: other strings that name the same endpoint (its ``Id`` attribute token).
        Default: - none
    :param label: how reports name it, e.g. its construct path. Default: - its id
    """

    endpoint_id: str
    service_name: str | None = None
    endpoint_type: str | None = None
    vpc_id: str | None = None
    aliases: tuple[str, ...] = ()
    label: str | None = None

    @property
    def is_token(self) -> bool:
        """Whether the id is only known at deploy time."""
        return TOKEN_MARK in self.endpoint_id

    def names(self, value: str) -> bool:
        """Whether ``value`` is this endpoint's id (or one of its tokens)."""
        return value == self.endpoint_id or value in self.aliases


_MISSING: Final = object()


def _from_cdk(value: object) -> tuple[str, str | None, str | None] | None:
    """``(id, service name, type)`` of a CDK endpoint (L2 or ``CfnVPCEndpoint``), read without importing CDK."""
    cfn = value
    endpoint_type = getattr(value, "vpc_endpoint_type", _MISSING)  # only CfnVPCEndpoint has it
    if endpoint_type is _MISSING:
        node = getattr(value, "node", None)
        cfn = getattr(node, "default_child", None) if node is not None else None
        endpoint_type = getattr(cfn, "vpc_endpoint_type", _MISSING)
        if endpoint_type is _MISSING:
            return None
    endpoint_id = getattr(value, "vpc_endpoint_id", None) or getattr(cfn, "ref", None)
    if not isinstance(endpoint_id, str):
        return None
    service = getattr(cfn, "service_name", None)
    if isinstance(service, str) and TOKEN_MARK in service:
        service = _resolved_name(cfn, service)
    return (
        endpoint_id,
        service if isinstance(service, str) else None,
        endpoint_type if isinstance(endpoint_type, str) else None,
    )


def _resolved_name(cfn: object, service_name: str) -> str:
    """The service name with CDK's tokens resolved, ``<region>`` for ``AWS::Region`` and ``<token>`` for the rest.

    CDK builds ``InterfaceVpcEndpointAwsService`` names from tokens (prefix, Region, suffix):
    they resolve to a string in a stack with a Region, else to a ``Fn::Join`` of parts.
    """
    import aws_cdk as cdk

    resolved = cdk.Stack.of(cfn).resolve(service_name)  # type: ignore[arg-type]
    if isinstance(resolved, str):
        return resolved
    join = resolved.get("Fn::Join") if isinstance(resolved, dict) else None
    if not (isinstance(join, list) and len(join) == 2 and join[0] == "" and isinstance(join[1], list)):
        return "<token>"
    return "".join(
        part if isinstance(part, str) else "<region>" if part == {"Ref": "AWS::Region"} else "<token>"
        for part in join[1]
    )


def to_vpc_endpoint(value: object, *, parameter: str = "endpoint", label: str | None = None) -> VpcEndpoint:
    """A :class:`VpcEndpoint` from a CDK endpoint or an ``(endpoint id, service name)`` pair.

    :param value: an ``ec2.InterfaceVpcEndpoint``, ``ec2.GatewayVpcEndpoint`` or
        ``ec2.CfnVPCEndpoint`` of the app (its id is a token), or a pair of strings.
    :param parameter: how the value is named in error messages.
    :param label: how reports name it. Default: - its construct path
    :raises NetworkTrailError: for any other value, e.g. an imported endpoint, whose service
        name CDK does not know.
    """
    if isinstance(value, tuple):
        if len(value) == 2 and all(isinstance(v, str) and v for v in value):
            return VpcEndpoint(endpoint_id=value[0], service_name=value[1])
        raise NetworkTrailError(
            f"{parameter} must be an (endpoint id, service name) pair of non-empty strings, got {value!r}: "
            f"e.g. ('vpce-0123456789abcdef0', 'com.amazonaws.us-east-1.kms')",
            code="InvalidEndpoint",
        )
    parts = _from_cdk(value)
    if parts is None:
        raise NetworkTrailError(
            f"{parameter} must be an ec2.InterfaceVpcEndpoint, ec2.GatewayVpcEndpoint, ec2.CfnVPCEndpoint or an "
            f"(endpoint id, service name) pair, got {value!r} of type {type(value).__name__}: an imported endpoint "
            f"carries no service name, pass (endpoint.vpc_endpoint_id, 'com.amazonaws.<region>.<service>') instead",
            code="InvalidEndpoint",
        )
    endpoint_id, service_name, endpoint_type = parts
    if label is None:
        label = getattr(getattr(value, "node", None), "path", None)
    return VpcEndpoint(
        endpoint_id=endpoint_id, service_name=service_name, endpoint_type=endpoint_type, label=label
    )
