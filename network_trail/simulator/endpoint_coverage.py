"""Whether a set of advanced event selectors logs the calls through a VPC endpoint.

Pure Python, shared by the :class:`~network_trail.cdk.coverage.NetworkActivityCoverage`
Aspect (endpoints and trails of a CDK app) and ``network-trail coverage``
(an account's ``describe-vpc-endpoints`` output against any selectors).

The evaluation follows CloudTrail's documented rules (API ``PutEventSelectors``;
CloudTrail User Guide, "Filtering data events by using advanced event
selectors", https://docs.aws.amazon.com/awscloudtrail/latest/userguide/filtering-data-events.html):
an event is logged when it matches any selector; within a selector every field
selector must hold; within a field selector the ``Equals``/``StartsWith``/``EndsWith``
values are OR'd, the ``NotEquals``/``NotStartsWith``/``NotEndsWith`` values are
AND'd, and the two groups are AND'd.

An endpoint's status is the best any selector gives it:

- ``all``: a selector for its event source admits its id and has no
  ``errorCode``, ``eventName`` or ``userIdentity.arn`` condition: every call is logged;
- ``denied-only``: the best such selector adds ``errorCode = VpceAccessDenied``:
  every call a VPC endpoint policy denies is logged;
- ``not-logged``: no selector logs every call or every denial. Selectors that log
  only some API actions or callers (``eventName``, ``userIdentity.arn``) are listed
  as *partial*: they do not make an endpoint covered, since calls they skip go unseen;
- ``unsupported``: CloudTrail has no network activity events for the endpoint's
  service (see :mod:`network_trail.model.endpoints`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, Literal

from ..model.endpoints import TOKEN_MARK, ServiceMapping, VpcEndpoint, map_endpoint
from ..model.selectors import ACCESS_DENIED_ERROR_CODE
from ..model.sources import SOURCE_LIST_DATE
from ..model.vocabulary import Field
from ._report import SelectorSet

__all__ = [
    "CoverageStatus",
    "EndpointCoverage",
    "coverage_report",
    "evaluate_endpoint",
]

# Every VPC endpoint id starts with "vpce-" (EC2 API, VpcEndpoint.VpcEndpointId).
_ID_PREFIX: Final = "vpce-"
_SCOPE_FIELDS: Final = frozenset(
    {Field.EVENT_CATEGORY, Field.EVENT_SOURCE, Field.VPC_ENDPOINT_ID, Field.ERROR_CODE}
)


class CoverageStatus(StrEnum):
    """How much of the calls through an endpoint the selectors log."""

    ALL = "all"
    """Every call through the endpoint is logged."""
    DENIED_ONLY = "denied-only"
    """Only calls denied by a VPC endpoint policy (``VpceAccessDenied``) are logged."""
    NOT_LOGGED = "not-logged"
    """No selector logs every call or every denial through the endpoint."""
    UNSUPPORTED = "unsupported"
    """The endpoint's service has no network activity events: no selector can log it."""


@dataclass(frozen=True, slots=True)
class EndpointCoverage:
    """The coverage of one endpoint.

    :param endpoint: the endpoint.
    :param mapping: its service and event source.
    :param status: the coverage status.
    :param logged_by: ``"<set label>: <selector name>"`` of each selector giving the status.
    :param partial: the same for selectors that log only some of its calls.
    :param reason: the status in words.
    :param extra: more keys for the report's row (``network-trail coverage --logs`` adds ``toAll``).
        Default: - none
    """

    endpoint: VpcEndpoint
    mapping: ServiceMapping
    status: CoverageStatus
    logged_by: tuple[str, ...] = ()
    partial: tuple[str, ...] = ()
    reason: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The row of the machine-readable report."""
        source = self.mapping.event_source
        return {
            "endpoint": self.endpoint.label or self.endpoint.endpoint_id,
            "endpointId": None if self.endpoint.is_token else self.endpoint.endpoint_id,
            "vpcId": None
            if self.endpoint.vpc_id is None or TOKEN_MARK in self.endpoint.vpc_id
            else self.endpoint.vpc_id,
            "endpointType": self.endpoint.endpoint_type,
            "serviceName": self.mapping.service_name or None,
            "kind": self.mapping.kind.value,
            "eventSource": None if source is None else source.value,
            "status": self.status.value,
            "loggedBy": list(self.logged_by),
            "partial": list(self.partial),
            "reason": self.reason,
            **self.extra,
        }


def _value_holds(operator: str, value: str, endpoint: VpcEndpoint | None, actual: str) -> bool:
    """Whether ``actual`` (or the endpoint's id) meets one operator value, before negation."""
    exact = operator in ("Equals", "NotEquals")
    prefix = operator in ("StartsWith", "NotStartsWith")
    if endpoint is not None and endpoint.is_token:
        # The real id is unknown until deploy: it names itself only through its tokens, and a
        # literal id (or another endpoint's token) is another endpoint. Every id starts with "vpce-".
        if exact:
            return endpoint.names(value)
        return prefix and TOKEN_MARK not in value and _ID_PREFIX.startswith(value)
    if exact:
        return actual == value
    return actual.startswith(value) if prefix else actual.endswith(value)


def _admits(ops: Mapping[str, Any], actual: str, endpoint: VpcEndpoint | None = None) -> bool:
    """CloudTrail's rule for one field selector: SELECT values OR'd, DESELECT values AND'd, groups AND'd."""
    selected: bool | None = None
    for operator, values in ops.items():
        if operator == "Field" or not isinstance(values, list):
            continue
        hit = any(_value_holds(operator, str(v), endpoint, actual) for v in values)
        if operator.startswith("Not"):
            if hit:
                return False
        else:
            selected = bool(selected) or hit
    return selected is not False


Kind = Literal["all", "denied", "partial", "elsewhere"]


def _classify(selector: Mapping[str, Any], source: str, endpoint: VpcEndpoint) -> Kind | None:
    """What part of the endpoint's calls one selector logs, or ``None`` for none."""
    fields = {
        fs["Field"]: fs
        for fs in selector.get("FieldSelectors", ())
        if isinstance(fs, Mapping) and isinstance(fs.get("Field"), str)
    }
    category = fields.get("eventCategory")
    if category is None or not _admits(category, "NetworkActivity"):
        return None
    if "eventSource" not in fields or not _admits(fields["eventSource"], source):
        return None
    vpce = fields.get("vpcEndpointId")
    if vpce is not None and not _admits(vpce, endpoint.endpoint_id, endpoint):
        return "elsewhere"
    error = fields.get("errorCode")
    if error is not None and not _admits(error, ACCESS_DENIED_ERROR_CODE):
        return None
    if set(fields) - _SCOPE_FIELDS:
        return "partial"
    if error is None:
        return "all"
    only_denials = {k: v for k, v in error.items() if k != "Field"} == {"Equals": [ACCESS_DENIED_ERROR_CODE]}
    return "denied" if only_denials else "partial"


def _name(sel_set: SelectorSet, index: int) -> str:
    name = sel_set.selectors[index].get("Name")
    return f"{sel_set.label}: {name if isinstance(name, str) else f'selector {index}'}"


def evaluate_endpoint(endpoint: VpcEndpoint, sets: Sequence[SelectorSet]) -> EndpointCoverage:
    """The coverage of ``endpoint`` by the selectors of ``sets`` together (e.g. every trail of an account).

    :param endpoint: the endpoint.
    :param sets: the rendered selectors of each trail that can log it.
    """
    mapping = map_endpoint(endpoint.service_name, endpoint.endpoint_type)
    source = mapping.event_source
    if source is None:
        return EndpointCoverage(endpoint, mapping, CoverageStatus.UNSUPPORTED, reason=mapping.reason)
    found: dict[Kind, list[str]] = {"all": [], "denied": [], "partial": [], "elsewhere": []}
    for sel_set in sets:
        for i, selector in enumerate(sel_set.selectors):
            kind = _classify(selector, source.value, endpoint)
            if kind is not None:
                found[kind].append(_name(sel_set, i))
    partial = tuple(found["partial"])
    if found["all"]:
        return EndpointCoverage(
            endpoint,
            mapping,
            CoverageStatus.ALL,
            tuple(found["all"]),
            partial,
            f"every call to {source.value} is logged",
        )
    if found["denied"]:
        return EndpointCoverage(
            endpoint,
            mapping,
            CoverageStatus.DENIED_ONLY,
            tuple(found["denied"]),
            partial,
            f"only calls to {source.value} denied by a VPC endpoint policy are logged",
        )
    why = f"no selector logs every call or every denial to {source.value} through this endpoint"
    if partial:
        why += " (only selectors restricted to some API actions or callers match it)"
    elif found["elsewhere"]:
        why += f" (the selectors for it are scoped to other VPC endpoints: {'; '.join(found['elsewhere'])})"
        if endpoint.is_token:
            why += "; an endpoint created by the app is named only by its own vpc_endpoint_id, not by a literal id"
    return EndpointCoverage(endpoint, mapping, CoverageStatus.NOT_LOGGED, (), partial, why)


def coverage_report(rows: Iterable[EndpointCoverage], **meta: Any) -> dict[str, Any]:
    """The machine-readable report: a summary by status and one row per endpoint.

    :param rows: the endpoints' coverage, in the order to report them.
    :param meta: extra top-level keys (e.g. the selector sets' labels).
    """
    items = [r.to_json() for r in rows]
    summary = {s.value: sum(1 for r in items if r["status"] == s.value) for s in CoverageStatus}
    return {"sourceListDate": SOURCE_LIST_DATE, **meta, "summary": summary, "endpoints": items}
