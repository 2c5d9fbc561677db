"""Ready-made selectors: the CloudTrail console's templates for every source.

The console offers two templates for network activity events, "Log all
network activity events" and "Log all network activity access denied events"
(the latter adds ``errorCode = VpceAccessDenied``). Each function here builds
one of them for any :class:`~network_trail.NetworkActivityEventSource`,
optionally scoped to VPC endpoints or API actions. :func:`for_sources` builds
one selector per source for many sources at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum

from ..errors import NetworkTrailError, did_you_mean
from .selectors import Condition, ManagementEventsSelector, NetworkActivitySelector
from .sources import CURRENT_SOURCES, GA_SOURCES, EventSource, NetworkActivityEventSource, to_event_source

__all__ = [
    "Preset",
    "access_denied",
    "for_endpoints",
    "for_sources",
    "ga_access_denied",
    "log_all",
    "management_events",
]


class Preset(StrEnum):
    """The console's two network activity templates."""

    LOG_ALL = "log-all"
    """Every call through the VPC endpoints, allowed or denied: every event is billed."""
    ACCESS_DENIED = "access-denied"
    """Only calls denied by a VPC endpoint policy (``VpceAccessDenied``): low volume."""


def _condition(values: Sequence[str], parameter: str) -> Condition | None:
    if isinstance(values, str):
        raise NetworkTrailError(
            f"{parameter} must be a sequence of strings, got the single string {values!r}: "
            f"wrap it, e.g. ({values!r},)"
        )
    return Condition(equals=tuple(values)) if values else None


def _build(
    source: EventSource | str,
    *,
    access_denied_only: bool,
    vpc_endpoint_ids: Sequence[str],
    event_names: Sequence[str],
    name: str | None,
) -> NetworkActivitySelector:
    return NetworkActivitySelector(
        event_source=to_event_source(source),
        access_denied_only=access_denied_only,
        vpc_endpoint_id=_condition(vpc_endpoint_ids, "vpc_endpoint_ids"),
        event_name=_condition(event_names, "event_names"),
        name=name,
    )


def log_all(
    source: EventSource | str,
    *,
    vpc_endpoint_ids: Sequence[str] = (),
    event_names: Sequence[str] = (),
    name: str | None = None,
) -> NetworkActivitySelector:
    """The console's "Log all network activity events" template for one source.

    Every API call through the VPC endpoints to ``source`` is logged and billed
    ($0.10 per 100,000 events, no free copy).

    :param source: the event source, a member, a :class:`CustomEventSource` or a known name.
    :param vpc_endpoint_ids: log only calls through these endpoints. Default: - every endpoint
    :param event_names: log only these API actions. Default: - every API action
    :param name: the selector's name. Default: - "Log all network activity events for <source>"
    """
    return _build(
        source,
        access_denied_only=False,
        vpc_endpoint_ids=vpc_endpoint_ids,
        event_names=event_names,
        name=name,
    )


def access_denied(
    source: EventSource | str,
    *,
    vpc_endpoint_ids: Sequence[str] = (),
    event_names: Sequence[str] = (),
    name: str | None = None,
) -> NetworkActivitySelector:
    """The console's "Log all network activity access denied events" template for one source.

    Only calls that a VPC endpoint policy denied (``errorCode = VpceAccessDenied``)
    are logged: the signal of a data-perimeter violation, at a fraction of the cost.

    :param source: the event source, a member, a :class:`CustomEventSource` or a known name.
    :param vpc_endpoint_ids: log only denials on these endpoints. Default: - every endpoint
    :param event_names: log only these API actions. Default: - every API action
    :param name: the selector's name. Default: - "Log access denied network activity events for <source>"
    """
    return _build(
        source,
        access_denied_only=True,
        vpc_endpoint_ids=vpc_endpoint_ids,
        event_names=event_names,
        name=name,
    )


def for_sources(
    sources: Iterable[EventSource | str],
    *,
    preset: Preset | str = Preset.ACCESS_DENIED,
    vpc_endpoint_ids: Sequence[str] = (),
    event_names: Sequence[str] = (),
) -> tuple[NetworkActivitySelector, ...]:
    """One selector per source, all with the same template and scope.

    :param sources: the event sources; each becomes its own selector, as CloudTrail requires.
    :param preset: which console template. Default: Preset.ACCESS_DENIED
    :param vpc_endpoint_ids: scope every selector to these endpoints. Default: - every endpoint
    :param event_names: scope every selector to these API actions. Default: - every API action
    """
    if isinstance(sources, str):
        raise NetworkTrailError(
            f"sources must be a sequence of event sources, got the single string {sources!r}: "
            f"wrap it, e.g. ({sources!r},)"
        )
    try:
        chosen = Preset(preset)
    except ValueError:
        raise NetworkTrailError(
            f"preset must be one of {[p.value for p in Preset]}, got {preset!r}: "
            f"{did_you_mean(preset, [p.value for p in Preset])}pick one of them",
            code="UnknownPreset",
        ) from None
    factory = log_all if chosen is Preset.LOG_ALL else access_denied
    return tuple(factory(s, vpc_endpoint_ids=vpc_endpoint_ids, event_names=event_names) for s in sources)


def ga_access_denied() -> tuple[NetworkActivitySelector, ...]:
    """Access denied only for the five GA sources: the construct's default selectors."""
    return for_sources(GA_SOURCES, preset=Preset.ACCESS_DENIED)


def management_events(*, read_only: bool | None = None, name: str | None = None) -> ManagementEventsSelector:
    """A management events selector, to log them next to network activity.

    :param read_only: ``True`` for read events only, ``False`` for write only. Default: - both
    :param name: the selector's name. Default: "Log all management events"
    """
    return ManagementEventsSelector(read_only=read_only, name=name)


ALL_SOURCES: tuple[NetworkActivityEventSource, ...] = CURRENT_SOURCES
"""The sources the CloudTrail User Guide lists (newest copy); removed ones are not included."""


def for_endpoints(
    endpoints: Iterable[object],
    *,
    preset: Preset | str = Preset.ACCESS_DENIED,
    event_names: Sequence[str] = (),
    skip_unsupported: bool = False,
) -> tuple[NetworkActivitySelector, ...]:
    """One selector per event source, scoped to the given VPC endpoints.

    Each endpoint's service name is mapped to its event source
    (:func:`network_trail.model.endpoints.map_service_name`): ``com.amazonaws.<region>.ecr.dkr``
    to ``ecr.amazonaws.com``, a FIPS ``kms-fips`` to ``kms.amazonaws.com``. The endpoints of
    one source share its selector's ``vpcEndpointId`` condition. Endpoint ids of the app are
    tokens until deploy: they are accepted as they are.

    :param endpoints: ``ec2.InterfaceVpcEndpoint``, ``ec2.GatewayVpcEndpoint`` or ``ec2.CfnVPCEndpoint``
        objects of the app, or ``(endpoint id, service name)`` pairs.
    :param preset: which console template. Default: Preset.ACCESS_DENIED
    :param event_names: scope every selector to these API actions. Default: - every API action
    :param skip_unsupported: leave out endpoints whose service has no network activity events
        (a partner's endpoint service, CloudWatch Logs, a Resource endpoint) instead of failing.
        Default: false
    :raises NetworkTrailError: listing every endpoint that cannot be logged, with the reason,
        unless ``skip_unsupported``; or when no endpoint is left.
    """
    from .endpoints import map_endpoint, to_vpc_endpoint

    single_pair = (
        isinstance(endpoints, tuple) and len(endpoints) == 2 and all(isinstance(v, str) for v in endpoints)
    )
    if isinstance(endpoints, str) or single_pair:
        raise NetworkTrailError(
            f"endpoints must be a sequence of endpoints, got {endpoints!r}: wrap it, e.g. [endpoint] "
            f"or [('vpce-0123456789abcdef0', 'com.amazonaws.us-east-1.kms')]",
            code="InvalidEndpoint",
        )
    problems: list[str] = []
    by_source: dict[EventSource, list[str]] = {}
    for i, value in enumerate(endpoints):
        try:
            endpoint = to_vpc_endpoint(value, parameter=f"endpoints[{i}]")
        except NetworkTrailError as err:
            problems.extend(err.problems)
            continue
        mapping = map_endpoint(endpoint.service_name, endpoint.endpoint_type)
        if mapping.event_source is None:
            if not skip_unsupported:
                problems.append(
                    f"endpoints[{i}] ({endpoint.label or endpoint.endpoint_id}, service {mapping.service_name!r}) "
                    f"cannot be logged: {mapping.reason}. Remove it, or pass skip_unsupported=True"
                )
            continue
        ids = by_source.setdefault(mapping.event_source, [])
        if endpoint.endpoint_id not in ids:
            ids.append(endpoint.endpoint_id)
    if problems:
        raise NetworkTrailError(problems, code="UnsupportedEndpoint")
    if not by_source:
        raise NetworkTrailError(
            "endpoints holds no endpoint that network activity events can log: give at least one endpoint "
            "of a supported service (see NetworkActivityEventSource)",
            code="NoEndpoints",
        )
    factory = log_all if _preset(preset) is Preset.LOG_ALL else access_denied
    return tuple(
        factory(source, vpc_endpoint_ids=tuple(ids), event_names=event_names)
        for source, ids in by_source.items()
    )


def _preset(preset: Preset | str) -> Preset:
    try:
        return Preset(preset)
    except ValueError:
        raise NetworkTrailError(
            f"preset must be one of {[p.value for p in Preset]}, got {preset!r}: "
            f"{did_you_mean(preset, [p.value for p in Preset])}pick one of them",
            code="UnknownPreset",
        ) from None
