"""Advanced event selectors for network activity and management events.

A selector is an immutable value: build it, compare it, hash it and render it
to the exact JSON that CloudFormation (``AWS::CloudTrail::Trail``
``AdvancedEventSelectors``) and the CloudTrail API (``PutEventSelectors``)
accept. Every rule that can be checked on one selector is checked when it is
built; rules about a whole trail live in :mod:`network_trail.model.validation`.

.. seealso:: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-network-events-with-cloudtrail.html
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from ..errors import NetworkTrailError, did_you_mean, raise_if
from ._tokens import is_unresolved
from .sources import (
    REMOVED_SOURCES,
    SOURCE_LIST_DATE,
    CustomEventSource,
    EventSource,
    NetworkActivityEventSource,
    source_label,
    to_event_source,
)
from .vocabulary import (
    ACCESS_DENIED_ERROR_CODE,
    API_AFS,
    EXCLUDABLE_MANAGEMENT_SOURCES,
    MAX_NAME_LENGTH,
    MAX_VALUE_LENGTH,
    OPERATOR_ATTRS,
    TRAIL_RULES,
    EventCategory,
    Field,
    Operator,
    category_problems,
    field_selectors,
)

__all__ = [
    "ACCESS_DENIED_ERROR_CODE",
    "Condition",
    "DataEventSelector",
    "Field",
    "ManagementEvents",
    "ManagementEventsSelector",
    "NetworkActivitySelector",
    "Operator",
    "Selector",
    "TrailSelector",
    "render_selectors",
    "selector_from_json",
]

# Real ids are "vpce-" and 17 lower-case hex digits (8 for old endpoints). The API
# accepts any value of 1 to 2048 characters, so other values only warn: they can
# never match a real record (AWS's own placeholder "vpce-example8c1b6b9b7" too).
_VPCE_ID: Final = re.compile(r"^vpce-[0-9a-f]{8}(?:[0-9a-f]{9})?$")
_ARN: Final = re.compile(r"^arn:aws[a-zA-Z-]*:[a-z0-9-]+:[^:]*:[0-9]*:.+$")

Warning = tuple[str, str]
"""``(annotation id, message)``: a value CloudTrail accepts but that can never match a real record."""

_OPERATOR_ATTRS: Final = OPERATOR_ATTRS

# Output order of the optional fields follows AWS's examples: errorCode, then vpcEndpointId.
_CONDITION_FIELDS: Final[tuple[tuple[str, Field], ...]] = (
    ("vpc_endpoint_id", Field.VPC_ENDPOINT_ID),
    ("event_name", Field.EVENT_NAME),
    ("user_identity_arn", Field.USER_IDENTITY_ARN),
)


def _as_tuple(value: object, parameter: str, problems: list[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        problems.append(
            f"{parameter} must be a sequence of strings, got the single string {value!r}: "
            f"wrap it, e.g. ({value!r},)"
        )
        return ()
    if isinstance(value, Iterable):
        return tuple(value)
    problems.append(f"{parameter} must be a sequence of strings, got {value!r}")
    return ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Condition:
    """String conditions on one record field: one ``AdvancedFieldSelector``.

    CloudTrail evaluates them so (User Guide, "How CloudTrail evaluates multiple
    conditions for a field"): the SELECT operators ``equals``, ``starts_with`` and
    ``ends_with`` are OR'd (one value of one of them matching is enough), the
    DESELECT operators ``not_equals``, ``not_starts_with`` and ``not_ends_with``
    are AND'd (no value of any of them may match), and the two groups are AND'd.
    So ``Condition(equals=("CreateKey",), starts_with=("List",))`` holds for
    ``CreateKey`` and for ``ListKeys``. CloudTrail supports no wildcards.

    .. seealso:: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/filtering-data-events.html

    :param equals: select: the field equals one of these values. Default: - no condition
    :param not_equals: deselect: the field equals none of these values. Default: - no condition
    :param starts_with: select: the field starts with one of these values. Default: - no condition
    :param not_starts_with: deselect: the field starts with none of these values. Default: - no condition
    :param ends_with: select: the field ends with one of these values. Default: - no condition
    :param not_ends_with: deselect: the field ends with none of these values. Default: - no condition
    """

    equals: tuple[str, ...] = ()
    not_equals: tuple[str, ...] = ()
    starts_with: tuple[str, ...] = ()
    not_starts_with: tuple[str, ...] = ()
    ends_with: tuple[str, ...] = ()
    not_ends_with: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problems: list[str] = []
        for _, attr in _OPERATOR_ATTRS:
            object.__setattr__(self, attr, _as_tuple(getattr(self, attr), attr, problems))
        raise_if(problems)

    @classmethod
    def any_of(cls, *values: str) -> Condition:
        """The field equals one of ``values``."""
        return cls(equals=values)

    @classmethod
    def none_of(cls, *values: str) -> Condition:
        """The field equals none of ``values``."""
        return cls(not_equals=values)

    def operators(self) -> Iterable[tuple[Operator, tuple[str, ...]]]:
        """The operators that carry values, in CloudFormation's order."""
        for op, attr in _OPERATOR_ATTRS:
            values: tuple[str, ...] = getattr(self, attr)
            if values:
                yield op, values

    def problems(self, parameter: str, field_name: Field) -> list[str]:
        """Every rule this condition breaks for ``field_name``, as messages."""
        problems: list[str] = []
        ops = list(self.operators())
        if not ops:
            problems.append(
                f"{parameter} has no values: give at least one of equals, not_equals, "
                f"starts_with, not_starts_with, ends_with, not_ends_with, or leave {parameter} unset"
            )
        for op, values in ops:
            attr = dict(_OPERATOR_ATTRS)[op]
            seen: set[str] = set()
            for i, value in enumerate(values):
                where = f"{parameter}.{attr}[{i}]"
                if not isinstance(value, str):
                    problems.append(f"{where} must be a string, got {value!r}")
                    continue
                if is_unresolved(value):
                    # e.g. an endpoint's vpc_endpoint_id: only known at deploy time.
                    continue
                if not 1 <= len(value) <= MAX_VALUE_LENGTH:
                    problems.append(
                        f"{where} must be 1 to {MAX_VALUE_LENGTH} characters, got {len(value)} "
                        f"({value[:40]!r}): CloudTrail rejects empty and longer values"
                    )
                    continue
                if value in seen:
                    problems.append(
                        f"{where} repeats {value!r}: values of one operator must be unique "
                        f"(CloudFormation AdvancedFieldSelector, uniqueItems), remove the duplicate"
                    )
                seen.add(value)
        return problems

    def warnings(self, parameter: str, field_name: Field) -> list[Warning]:
        """Values CloudTrail accepts but that cannot match a real record or cannot change the result."""
        found: list[Warning] = []
        for op, values in self.operators():
            attr = dict(_OPERATOR_ATTRS)[op]
            for i, value in enumerate(values):
                if isinstance(value, str) and not is_unresolved(value):
                    found.extend(_value_warnings(f"{parameter}.{attr}[{i}]", op, value, field_name))
        found.extend(_contradictions(self, parameter))
        found.extend(_redundant_exclusions(self, parameter))
        return found

    def render(self, field_name: str) -> dict[str, Any]:
        """The ``AdvancedFieldSelector`` JSON of this condition on ``field_name``."""
        out: dict[str, Any] = {"Field": field_name}
        for op, values in self.operators():
            out[op.value] = list(values)
        return out

    def value_count(self) -> int:
        """How many values this condition contributes to the 500-value trail quota."""
        return sum(len(values) for _, values in self.operators())


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkActivitySelector:
    """One advanced event selector for the network activity events of one source.

    Renders to ``eventCategory = NetworkActivity``, ``eventSource = <source>``
    and the optional conditions. CloudTrail requires a separate selector for each
    event source.

    :param event_source: the service whose calls through VPC endpoints are logged.
        A string must name a known source ("kms" or "kms.amazonaws.com"); use
        :class:`CustomEventSource` for a source added after the built-in list.
    :param access_denied_only: log only calls denied by a VPC endpoint policy
        (``errorCode = VpceAccessDenied``, the only error code CloudTrail accepts here).
        Default: False
    :param vpc_endpoint_id: condition on ``vpcEndpointId``. Default: - every VPC endpoint
    :param event_name: condition on ``eventName`` (API action). Default: - every API action
    :param user_identity_arn: condition on ``userIdentity.arn``; trails only, not event
        data stores. Default: - every caller
    :param name: the selector's name, shown by the console. Default: - a name in the style
        of AWS's examples, e.g. "Log all network activity events for KMS"
    """

    event_source: EventSource
    access_denied_only: bool = False
    vpc_endpoint_id: Condition | None = None
    event_name: Condition | None = None
    user_identity_arn: Condition | None = None
    name: str | None = None
    _json: dict[str, Any] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        problems: list[str] = []
        try:
            object.__setattr__(self, "event_source", to_event_source(self.event_source))
        except NetworkTrailError as err:
            problems.extend(err.problems)
        if not isinstance(self.access_denied_only, bool):
            problems.append(
                f"access_denied_only must be True or False, got {self.access_denied_only!r}: pass a bool, e.g. access_denied_only=True"
            )
        for attr, field_name in _CONDITION_FIELDS:
            cond = getattr(self, attr)
            if cond is None:
                continue
            if not isinstance(cond, Condition):
                problems.append(
                    f"{attr} must be a Condition, got {cond!r}: e.g. "
                    f"Condition(equals=('...',)) or Condition.any_of('...')"
                )
                continue
            problems.extend(cond.problems(attr, field_name))
        if self.name is not None:
            problems.extend(_name_problems(self.name))
        raise_if(problems)
        object.__setattr__(self, "_json", self._render())

    @property
    def selector_name(self) -> str:
        """The name the selector renders with (given or default)."""
        if self.name:
            return self.name
        label = source_label(self.event_source)
        if self.access_denied_only:
            base = f"Log access denied network activity events for {label}"
        else:
            base = f"Log all network activity events for {label}"
        if self.vpc_endpoint_id is not None:
            base += " on selected VPC endpoints"
        if self.event_name is not None:
            base += " for selected API actions"
        if self.user_identity_arn is not None:
            base += " by selected callers"
        return base

    @property
    def source_value(self) -> str:
        """The ``eventSource`` string, e.g. ``"kms.amazonaws.com"``."""
        return str(self.event_source.value)

    @property
    def is_custom_source(self) -> bool:
        """Whether the source is outside the built-in list."""
        return isinstance(self.event_source, CustomEventSource)

    def _render(self) -> dict[str, Any]:
        fields: list[dict[str, Any]] = [
            {"Field": Field.EVENT_CATEGORY.value, "Equals": ["NetworkActivity"]},
            {"Field": Field.EVENT_SOURCE.value, "Equals": [self.source_value]},
        ]
        if self.access_denied_only:
            fields.append({"Field": Field.ERROR_CODE.value, "Equals": [ACCESS_DENIED_ERROR_CODE]})
        for attr, field_name in _CONDITION_FIELDS:
            cond: Condition | None = getattr(self, attr)
            if cond is not None:
                fields.append(cond.render(field_name.value))
        return {"Name": self.selector_name, "FieldSelectors": fields}

    def to_json(self) -> dict[str, Any]:
        """The selector as CloudFormation and ``PutEventSelectors`` take it (a fresh copy)."""
        return _copy(self._json)

    def warnings(self) -> list[Warning]:
        """``(annotation id, message)`` for what CloudTrail accepts but can never match or no longer lists.

        A construct adds each as an acknowledgeable CDK warning.
        """
        found: list[Warning] = []
        if self.event_source in REMOVED_SOURCES:
            found.append(
                (
                    "network-trail:removedEventSource",
                    f"event_source {self.source_value!r} is no longer listed by the CloudTrail User Guide "
                    f"(list of {SOURCE_LIST_DATE}): CloudTrail may reject the trail or log nothing for it; "
                    f"remove the selector, or acknowledge this warning if AWS still supports it",
                )
            )
        for attr, field_name in _CONDITION_FIELDS:
            cond: Condition | None = getattr(self, attr)
            if cond is not None:
                found.extend(cond.warnings(attr, field_name))
        return found

    def value_count(self) -> int:
        """How many values the selector counts against the 500-value trail quota."""
        return _count_values(self._json)


@dataclass(frozen=True, slots=True, kw_only=True)
class ManagementEventsSelector:
    """An advanced event selector for management events.

    A trail with advanced selectors logs only what they select, so network
    activity selectors alone log no management events.

    :param read_only: ``True`` for read events only, ``False`` for write events only.
        Default: - both read and write events
    :param excluded_sources: sources whose management events are not logged
        (``eventSource NotEquals``); CloudTrail allows only ``kms.amazonaws.com`` and
        ``rdsdata.amazonaws.com`` (short names "kms", "rdsdata" work too).
        Default: - no source excluded
    :param name: the selector's name. Default: "Log all management events" (AWS's example
        name), or "Log read-only management events" / "Log write-only management events"
    """

    read_only: bool | None = None
    excluded_sources: tuple[str, ...] = ()
    name: str | None = None

    def __post_init__(self) -> None:
        problems: list[str] = []
        if self.read_only is not None and not isinstance(self.read_only, bool):
            problems.append(
                f"read_only must be True, False or None, got {self.read_only!r}: use None to log both read and write events"
            )
        excluded = _as_tuple(self.excluded_sources, "excluded_sources", problems)
        full = tuple(
            v if not isinstance(v, str) or v.endswith(".amazonaws.com") else f"{v}.amazonaws.com"
            for v in excluded
        )
        for i, value in enumerate(full):
            if value not in EXCLUDABLE_MANAGEMENT_SOURCES:
                problems.append(
                    f"excluded_sources[{i}] is {excluded[i]!r}: CloudTrail can exclude only "
                    f"{list(EXCLUDABLE_MANAGEMENT_SOURCES)} from management events (AdvancedFieldSelector "
                    f"eventSource, EventSelector ExcludeManagementEventSources); "
                    f"{did_you_mean(value, EXCLUDABLE_MANAGEMENT_SOURCES)}remove the others"
                )
        if len(set(full)) != len(full):
            problems.append(
                f"excluded_sources repeats a source, got {list(excluded)!r}: values of one operator must "
                f"be unique, remove the duplicate"
            )
        object.__setattr__(self, "excluded_sources", full)
        if self.name is not None:
            problems.extend(_name_problems(self.name))
        raise_if(problems)

    @property
    def selector_name(self) -> str:
        """The name the selector renders with (given or default)."""
        if self.name:
            return self.name
        if self.read_only is None:
            return "Log all management events"
        return "Log read-only management events" if self.read_only else "Log write-only management events"

    def to_json(self) -> dict[str, Any]:
        """The selector as CloudFormation and ``PutEventSelectors`` take it."""
        fields: list[dict[str, Any]] = [{"Field": Field.EVENT_CATEGORY.value, "Equals": ["Management"]}]
        if self.read_only is not None:
            fields.append({"Field": Field.READ_ONLY.value, "Equals": ["true" if self.read_only else "false"]})
        if self.excluded_sources:
            fields.append({"Field": Field.EVENT_SOURCE.value, "NotEquals": list(self.excluded_sources)})
        return {"Name": self.selector_name, "FieldSelectors": fields}

    def value_count(self) -> int:
        """How many values the selector counts against the 500-value trail quota."""
        return (1 if self.read_only is None else 2) + len(self.excluded_sources)

    def warnings(self) -> list[Warning]:
        """Nothing a management events selector builds can fail to match: always empty."""
        return []


# Output order of a data selector's optional fields, after eventCategory, resources.type and readOnly.
_DATA_CONDITION_FIELDS: Final[tuple[tuple[str, Field], ...]] = (
    ("resources_arn", Field.RESOURCES_ARN),
    ("event_name", Field.EVENT_NAME),
    ("event_source", Field.EVENT_SOURCE),
    ("event_type", Field.EVENT_TYPE),
    ("user_identity_arn", Field.USER_IDENTITY_ARN),
    ("session_credential_from_console", Field.SESSION_CREDENTIAL_FROM_CONSOLE),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class DataEventSelector:
    """An advanced event selector for the data events of one resource type (``eventCategory = Data``).

    The escape hatch for a trail that also logs data events (S3 objects, Lambda
    invocations, ...): checked with the rules of the vocabulary
    (:data:`~network_trail.model.vocabulary.TRAIL_RULES`): ``resources.type``
    takes one value of the User Guide's data event table, ``readOnly`` is Equals
    ``true`` or ``false``, ``sessionCredentialFromConsole`` takes only Equals or
    NotEquals. Data events cost $0.10 per 100,000 (CloudTrail pricing page).

    .. seealso:: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html

    :param resource_type: the ``resources.type`` value, e.g. ``"AWS::S3::Object"``.
    :param read_only: log only read (True) or only write (False) events. Default: - both
    :param resources_arn: condition on ``resources.ARN``, e.g.
        ``Condition(starts_with=("arn:aws:s3:::amzn-s3-demo-bucket/",))``. Default: - every resource
    :param event_name: condition on ``eventName``. Default: - every API action
    :param event_source: condition on ``eventSource``. Default: - every source
    :param event_type: condition on ``eventType``. Default: - every event type
    :param user_identity_arn: condition on ``userIdentity.arn``. Default: - every caller
    :param session_credential_from_console: condition on ``sessionCredentialFromConsole``
        (``"true"`` or ``"false"``). Default: - every session
    :param name: the selector's name. Default: - e.g. "Log all data events for AWS::S3::Object"
    """

    resource_type: str
    read_only: bool | None = None
    resources_arn: Condition | None = None
    event_name: Condition | None = None
    event_source: Condition | None = None
    event_type: Condition | None = None
    user_identity_arn: Condition | None = None
    session_credential_from_console: Condition | None = None
    name: str | None = None
    _warnings: tuple[str, ...] = field(init=False, repr=False, compare=False, hash=False)
    # The field order of the JSON it was parsed from, so a trail's selectors render as they were read.
    _field_order: tuple[str, ...] = field(init=False, default=(), repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not isinstance(self.resource_type, str):
            problems.append(
                f"resource_type must be a string such as 'AWS::S3::Object', got {self.resource_type!r}"
            )
        if self.read_only is not None and not isinstance(self.read_only, bool):
            problems.append(f"read_only must be True, False or None, got {self.read_only!r}")
        for attr, field_name in _DATA_CONDITION_FIELDS:
            cond = getattr(self, attr)
            if cond is not None and not isinstance(cond, Condition):
                problems.append(f"{attr} must be a Condition, got {cond!r}: e.g. Condition(equals=('...',))")
            elif cond is not None:
                problems.extend(cond.problems(attr, field_name))
        if self.name is not None:
            problems.extend(_name_problems(self.name))
        raise_if(problems)
        rendered = self.to_json()
        by_field = {
            fs["Field"]: {k: v for k, v in fs.items() if k != "Field"} for fs in rendered["FieldSelectors"]
        }
        errors, warnings = category_problems(EventCategory.DATA, by_field, "data event selector")
        raise_if(errors)
        object.__setattr__(self, "_warnings", tuple(warnings))

    @property
    def selector_name(self) -> str:
        """The name the selector renders with (given or default)."""
        if self.name:
            return self.name
        kind = {None: "all", True: "read-only", False: "write-only"}[self.read_only]
        base = f"Log {kind} data events for {self.resource_type}"
        if self.resources_arn is not None:
            base += " on selected resources"
        return base

    def to_json(self) -> dict[str, Any]:
        """The selector as CloudFormation and ``PutEventSelectors`` take it."""
        fields: list[dict[str, Any]] = [
            {"Field": Field.EVENT_CATEGORY.value, "Equals": [EventCategory.DATA.value]},
            {"Field": Field.RESOURCES_TYPE.value, "Equals": [self.resource_type]},
        ]
        if self.read_only is not None:
            fields.append({"Field": Field.READ_ONLY.value, "Equals": ["true" if self.read_only else "false"]})
        for attr, field_name in _DATA_CONDITION_FIELDS:
            cond: Condition | None = getattr(self, attr)
            if cond is not None:
                fields.append(cond.render(field_name.value))
        if self._field_order:
            rank = {name: i for i, name in enumerate(self._field_order)}
            fields.sort(key=lambda fs: rank.get(fs["Field"], len(rank)))
        return {"Name": self.selector_name, "FieldSelectors": fields}

    def value_count(self) -> int:
        """How many values the selector counts against the 500-value trail quota."""
        return _count_values(self.to_json())

    def warnings(self) -> list[Warning]:
        """``(annotation id, message)`` for a resource type the User Guide does not list, and values that cannot match."""
        found: list[Warning] = [("network-trail:unlistedResourceType", w) for w in self._warnings]
        for attr, field_name in _DATA_CONDITION_FIELDS:
            cond: Condition | None = getattr(self, attr)
            if cond is not None:
                found.extend(cond.warnings(attr, field_name))
        return found


class ManagementEvents(StrEnum):
    """Which management events the trail logs next to network activity events."""

    NONE = "none"
    """No management events: the first copy is usually logged by an account or organization trail."""
    ALL = "all"
    """Read and write management events."""
    READ_ONLY = "read-only"
    """Read management events only."""
    WRITE_ONLY = "write-only"
    """Write management events only."""

    def selector(self) -> ManagementEventsSelector | None:
        """The selector for this choice, or ``None`` for :attr:`NONE`."""
        if self is ManagementEvents.NONE:
            return None
        read_only = {ManagementEvents.ALL: None, ManagementEvents.READ_ONLY: True}.get(self, False)
        return ManagementEventsSelector(read_only=read_only)


Selector = NetworkActivitySelector | ManagementEventsSelector
"""A selector of the construct's typed API: network activity or management events."""

TrailSelector = NetworkActivitySelector | ManagementEventsSelector | DataEventSelector
"""Any selector a trail can hold that this library reads: network activity, management or data events."""


def render_selectors(selectors: Iterable[TrailSelector]) -> list[dict[str, Any]]:
    """The ``AdvancedEventSelectors`` list, as the console's JSON view shows it."""
    return [s.to_json() for s in selectors]


def _value_warnings(where: str, op: Operator, value: str, field_name: Field) -> list[Warning]:
    if "*" in value:
        return [
            (
                "network-trail:literalAsterisk",
                f"{where} is {value!r}: CloudTrail selectors have no wildcards, '*' is compared as "
                f"a literal character that no real {field_name.value} holds; use starts_with or "
                f"ends_with to match the start or end of {field_name.value}",
            )
        ]
    exact = op in (Operator.EQUALS, Operator.NOT_EQUALS)
    if field_name is Field.VPC_ENDPOINT_ID and value != value.lower():
        return [
            (
                "network-trail:vpcEndpointIdCase",
                f"{where} is {value!r}, with upper-case letters: real VPC endpoint ids are lower case "
                f"and CloudTrail compares case-sensitively, so it never matches; write {value.lower()!r}",
            )
        ]
    if exact and field_name is Field.VPC_ENDPOINT_ID and not _VPCE_ID.match(value):
        return [
            (
                "network-trail:vpcEndpointIdShape",
                f"{where} is {value!r}, which is not shaped like a VPC endpoint id ('vpce-' and 17 "
                f"lower-case hex digits, or 8 for older endpoints, e.g. 'vpce-0123456789abcdef0'), so it "
                f"never matches a real record; use starts_with/ends_with for partial ids",
            )
        ]
    if exact and field_name is Field.USER_IDENTITY_ARN and not _ARN.match(value):
        return [
            (
                "network-trail:userIdentityArnShape",
                f"{where} is {value!r}, which is not an ARN, so it never matches a real record: give "
                f"an IAM ARN such as 'arn:aws:sts::123456789012:assumed-role/Admin/session', or use "
                f"starts_with",
            )
        ]
    return []


_PAIRS: Final = (
    ("equals", "not_equals", "value"),
    ("starts_with", "not_starts_with", "prefix"),
    ("ends_with", "not_ends_with", "suffix"),
)


def _contradictions(cond: Condition, parameter: str) -> list[Warning]:
    """A value both selected and excluded: the DESELECT group wins, so it is never logged."""
    found: list[Warning] = []
    for select, deselect, what in _PAIRS:
        for value in getattr(cond, select):
            if value in getattr(cond, deselect):
                found.append(
                    (
                        "network-trail:contradictoryCondition",
                        f"{parameter} both selects and excludes the {what} {value!r} ({select} and "
                        f"{deselect}): CloudTrail ANDs the exclusions with the selection, so it is never "
                        f"logged; remove it from one of the two",
                    )
                )
    return found


def _redundant_exclusions(cond: Condition, parameter: str) -> list[Warning]:
    """An exclusion beside a selection of exact values that excludes none of them changes nothing."""
    if not cond.equals or cond.starts_with or cond.ends_with:
        return []
    tests: tuple[tuple[str, Callable[[str, str], bool]], ...] = (
        ("not_equals", str.__eq__),
        ("not_starts_with", str.startswith),
        ("not_ends_with", str.endswith),
    )
    found: list[Warning] = []
    for attr, hits in tests:
        for excluded in getattr(cond, attr):
            if not any(hits(v, excluded) for v in cond.equals):
                found.append(
                    (
                        "network-trail:redundantCondition",
                        f"{parameter}.{attr} {excluded!r} cannot change the result: equals already "
                        f"selects only {list(cond.equals)!r}, none of which it excludes; remove it",
                    )
                )
    return found


def _name_problems(name: object) -> list[str]:
    # The API takes 0 to 1000 characters, CloudFormation 1 to 1000: an empty name is
    # accepted and rendered as the default name, so nothing CloudFormation rejects is emitted.
    if not isinstance(name, str):
        return [f"name must be a string, got {name!r}"]
    if len(name) > MAX_NAME_LENGTH:
        return [
            f"name must be at most {MAX_NAME_LENGTH} characters (PutEventSelectors and CloudFormation), "
            f"got {len(name)} characters ({name[:40]!r}): shorten it, or leave it unset for a default"
        ]
    return []


def _copy(selector: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "Name": selector["Name"],
        "FieldSelectors": [
            {k: (list(v) if isinstance(v, list) else v) for k, v in fs.items()}
            for fs in selector["FieldSelectors"]
        ],
    }


def _count_values(selector: Mapping[str, Any]) -> int:
    return sum(len(v) for fs in selector["FieldSelectors"] for k, v in fs.items() if k != "Field")


_FIELD_ATTR: Final[dict[str, str]] = {f.value: a for a, f in _CONDITION_FIELDS}
_OP_ATTR: Final[dict[str, str]] = {op.value: a for op, a in _OPERATOR_ATTRS}
_NETWORK_RULES: Final = TRAIL_RULES[EventCategory.NETWORK_ACTIVITY]
_EQUALS_ONLY: Final = tuple(
    f.value for f, rule in _NETWORK_RULES.fields.items() if rule.operators == {Operator.EQUALS}
)


def selector_from_json(
    data: Mapping[str, Any], *, parameter: str = "selector", allow_custom_source: bool = False
) -> TrailSelector:
    """Parse one advanced event selector in CloudFormation/API JSON, checking every rule.

    This is how raw selectors (a console JSON view, a config file) enter the
    library: Equals-only fields, one source per selector, ``VpceAccessDenied`` as
    the only error code and the field list are enforced here, since the typed
    API cannot express them wrongly.

    :param data: one selector, ``{"Name": …, "FieldSelectors": […]}``.
    :param parameter: how the value is named in error messages.
    :param allow_custom_source: accept an ``eventSource`` outside the built-in list
        (checked for shape only). Default: False
    """
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise NetworkTrailError(f"{parameter} must be an object with FieldSelectors, got {data!r}")
    unknown_keys = set(data) - {"Name", "FieldSelectors"}
    if unknown_keys:
        problems.append(
            f"{parameter} has unknown keys {sorted(unknown_keys)!r}: an advanced event selector "
            f"has only 'Name' and 'FieldSelectors'"
        )
    name = data.get("Name")
    raw_fields = data.get("FieldSelectors")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise NetworkTrailError(
            [*problems, f"{parameter}.FieldSelectors must be a non-empty list, got {raw_fields!r}"]
        )
    by_field = _by_field(raw_fields, parameter, problems)
    category = by_field.pop(Field.EVENT_CATEGORY.value, None)
    if category is None:
        raise NetworkTrailError([*problems, f"{parameter} has no eventCategory field: it is required"])
    if category.get("Equals") == [EventCategory.DATA.value]:
        return _data_from_json(category, by_field, name, parameter, problems)
    is_management = category.get("Equals") == ["Management"]
    for fname in _EQUALS_ONLY:
        if is_management and fname == Field.EVENT_SOURCE.value:
            continue  # management selectors exclude sources with NotEquals
        checked = by_field.get(fname) if fname != Field.EVENT_CATEGORY.value else category
        if checked is not None and set(checked) - {"Equals"}:
            problems.append(
                f"{parameter} field {fname!r} uses {sorted(set(checked) - {'Equals'})}: CloudTrail "
                f"allows only Equals on {fname}"
            )
    if is_management:
        return _management_from_json(by_field, name, parameter, problems)
    if category.get("Equals") != ["NetworkActivity"]:
        problems.append(
            f"{parameter} eventCategory is {category.get('Equals')!r}: a trail's selectors take "
            f"{[c.value for c in EventCategory]} (AdvancedFieldSelector, {API_AFS}); the other "
            f"categories are for event data stores"
        )
        raise_if(problems)
    return _network_from_json(by_field, name, parameter, problems, allow_custom_source)


def _network_from_json(
    by_field: dict[str, dict[str, list[Any]]],
    name: object,
    parameter: str,
    problems: list[str],
    allow_custom_source: bool,
) -> NetworkActivitySelector:
    """A network activity selector: one source, ``VpceAccessDenied`` as the only error code, the fields it takes."""
    source_ops = by_field.pop(Field.EVENT_SOURCE.value, None)
    sources = (source_ops or {}).get("Equals") or []
    if len(sources) != 1:
        problems.append(
            f"{parameter} eventSource must be Equals with exactly one source, got {sources!r}: "
            f"CloudTrail requires a separate selector for each event source"
        )
    error_ops = by_field.pop(Field.ERROR_CODE.value, None)
    access_denied = False
    if error_ops is not None:
        if error_ops.get("Equals") != [ACCESS_DENIED_ERROR_CODE]:
            problems.append(
                f"{parameter} errorCode is {error_ops.get('Equals')!r}: the only value CloudTrail "
                f"accepts for network activity is ['{ACCESS_DENIED_ERROR_CODE}']"
            )
        access_denied = True
    kwargs: dict[str, Any] = {}
    for fname, ops in by_field.items():
        attr = _FIELD_ATTR.get(fname)
        if attr is None:
            problems.append(
                f"{parameter} field {fname!r} is not supported for network activity events "
                f"(AdvancedFieldSelector): {did_you_mean(fname, _NETWORK_FIELDS)}use eventName, "
                f"errorCode, vpcEndpointId or userIdentity.arn"
            )
            continue
        kwargs[attr] = Condition(**{_OP_ATTR[op]: tuple(v) for op, v in ops.items()})
    raise_if(problems)
    source: EventSource = (
        CustomEventSource(sources[0])
        if allow_custom_source and sources[0] not in _KNOWN_VALUES
        else to_event_source(sources[0], parameter=f"{parameter} eventSource")
    )
    unnamed = NetworkActivitySelector(event_source=source, access_denied_only=access_denied, **kwargs)
    if name in (None, "", unnamed.selector_name):
        return unnamed
    return NetworkActivitySelector(
        event_source=source,
        access_denied_only=access_denied,
        name=name,  # type: ignore[arg-type]
        **kwargs,
    )


def _by_field(raw_fields: list[Any], parameter: str, problems: list[str]) -> dict[str, dict[str, list[Any]]]:
    """``field -> operator -> values`` of the field selectors (the vocabulary's reader), each field once."""
    by_field: dict[str, dict[str, list[Any]]] = {}
    for j, fname, ops in field_selectors(raw_fields, parameter, problems):
        if fname in by_field:
            problems.append(
                f"{parameter}.FieldSelectors[{j}] repeats the field {fname!r}: put all its operators in one "
                f"field selector"
            )
            continue
        by_field[fname] = dict(ops)
    return by_field


_KNOWN_VALUES: Final = frozenset(s.value for s in NetworkActivityEventSource)

_NETWORK_FIELDS: Final = tuple(f.value for f, rule in _NETWORK_RULES.fields.items() if not rule.required)


def _data_from_json(
    category: dict[str, list[Any]],
    by_field: dict[str, dict[str, list[Any]]],
    name: object,
    parameter: str,
    problems: list[str],
) -> DataEventSelector:
    """A data events selector, checked with the vocabulary's rules for data events of a trail."""
    errors, _ = category_problems(
        EventCategory.DATA, {Field.EVENT_CATEGORY.value: category, **by_field}, parameter
    )
    raise_if([*problems, *errors])
    kwargs: dict[str, Any] = {"resource_type": by_field[Field.RESOURCES_TYPE.value]["Equals"][0]}
    read_only = by_field.get(Field.READ_ONLY.value)
    if read_only is not None:
        kwargs["read_only"] = read_only["Equals"] == ["true"]
    attrs = {f.value: a for a, f in _DATA_CONDITION_FIELDS}
    for fname, ops in by_field.items():
        if fname in attrs:
            kwargs[attrs[fname]] = Condition(**{_OP_ATTR[op]: tuple(v) for op, v in ops.items()})
    selector = DataEventSelector(**kwargs)
    if name not in (None, "", selector.selector_name):
        selector = DataEventSelector(**kwargs, name=name)  # type: ignore[arg-type]
    object.__setattr__(selector, "_field_order", (Field.EVENT_CATEGORY.value, *by_field))
    return selector


def _management_from_json(
    by_field: dict[str, dict[str, list[Any]]], name: object, parameter: str, problems: list[str]
) -> ManagementEventsSelector:
    """A management events selector: ``readOnly`` and ``eventSource NotEquals``, the fields a trail allows."""
    allowed = tuple(
        f.value for f in TRAIL_RULES[EventCategory.MANAGEMENT].fields if f is not Field.EVENT_CATEGORY
    )
    for fname in sorted(set(by_field) - set(allowed)):
        problems.append(
            f"{parameter} is a management events selector with the field {fname!r}: on a trail "
            f"CloudTrail allows only eventCategory, eventSource and readOnly for management events "
            f"(AdvancedFieldSelector); {did_you_mean(fname, allowed)}remove it"
        )
    read_only: bool | None = None
    ro = by_field.get(Field.READ_ONLY.value)
    if ro is not None:
        if ro != {"Equals": ["true"]} and ro != {"Equals": ["false"]}:
            problems.append(f"{parameter} readOnly must be Equals ['true'] or ['false'], got {ro!r}")
        else:
            read_only = ro["Equals"] == ["true"]
    excluded: tuple[str, ...] = ()
    source_ops = by_field.get(Field.EVENT_SOURCE.value)
    if source_ops is not None:
        if set(source_ops) != {"NotEquals"}:
            problems.append(
                f"{parameter} management eventSource uses {sorted(source_ops)}: CloudTrail allows only "
                f"NotEquals {list(EXCLUDABLE_MANAGEMENT_SOURCES)} there; use NotEquals"
            )
        else:
            excluded = tuple(source_ops["NotEquals"])
    raise_if(problems)
    management = ManagementEventsSelector(read_only=read_only, excluded_sources=excluded)
    # A default name parses back to name=None, so a round trip gives an equal selector.
    if name in (None, "", management.selector_name):
        return management
    return ManagementEventsSelector(read_only=read_only, excluded_sources=excluded, name=name)  # type: ignore[arg-type]
