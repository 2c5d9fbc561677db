"""Environments of the sample app, read from ``cdk.json`` context.

The context key ``network-trail:environments`` maps an environment name to its
account, Region and trail options. Everything is checked before any construct
is built; each error names the environment and the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, Final

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3

from ..cdk.trail import NetworkTrailProps
from ..errors import NetworkTrailError
from ..model._ids import ACCOUNT_ID_RULE, REGION, is_account_id
from ..model.presets import Preset, for_sources
from ..model.selectors import DataEventSelector, ManagementEvents, Selector, TrailSelector
from ..model.sources import to_event_source
from ..model.validation import data_event_selectors_of

if TYPE_CHECKING:  # imported when an environment asks for them (see _athena, _alarms, _RETENTION_DAYS)
    from aws_cdk import aws_logs as logs

    from ..cdk.athena import NetworkActivityQueriesProps
    from ..cdk.detection import NetworkActivityAlarmsProps

__all__ = ["CONTEXT_KEY", "EnvironmentConfig", "load_environments"]

CONTEXT_KEY: Final = "network-trail:environments"

_NAME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,40}$")

_SELECTOR_KEYS: Final = {"preset", "sources", "vpc_endpoint_ids", "event_names"}
# The plain options of the trail are set by their props' own names: every true/false option and
# every optional string (trail_name, s3_key_prefix, organization_id, key_alias, management_account_id).
_BOOL_KEYS: Final = frozenset(f.name for f in fields(NetworkTrailProps) if f.type == "bool")
_STR_KEYS: Final = frozenset(f.name for f in fields(NetworkTrailProps) if f.type == "str | None")
_KNOWN_KEYS: Final = (
    {
        "account",
        "region",
        "selectors",
        "data_event_selectors",
        "management_events",
        "tags",
        "log_retention_days",
        "cloud_watch_logs_retention_days",
        "object_lock",
        "athena",
        "alarms",
    }
    | _BOOL_KEYS
    | _STR_KEYS
)

# Member names, not members: aws_cdk.aws_logs is imported only for an environment that sets a retention
# (about 0.1 s of every synth otherwise, measured under load).
_RETENTION_DAYS: Final[dict[int, str]] = {
    1: "ONE_DAY",
    3: "THREE_DAYS",
    5: "FIVE_DAYS",
    7: "ONE_WEEK",
    14: "TWO_WEEKS",
    30: "ONE_MONTH",
    60: "TWO_MONTHS",
    90: "THREE_MONTHS",
    120: "FOUR_MONTHS",
    150: "FIVE_MONTHS",
    180: "SIX_MONTHS",
    365: "ONE_YEAR",
    400: "THIRTEEN_MONTHS",
    545: "EIGHTEEN_MONTHS",
    731: "TWO_YEARS",
    1096: "THREE_YEARS",
    1827: "FIVE_YEARS",
    2192: "SIX_YEARS",
    2557: "SEVEN_YEARS",
    2922: "EIGHT_YEARS",
    3288: "NINE_YEARS",
    3653: "TEN_YEARS",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class EnvironmentConfig:
    """One deployment target of the sample app and the props of its constructs."""

    name: str
    account: str
    region: str
    trail_props: NetworkTrailProps = field(default_factory=NetworkTrailProps)
    """Props of :class:`~network_trail.cdk.trail.NetworkTrail`."""
    athena_props: NetworkActivityQueriesProps | None = None
    """Props of :class:`~network_trail.cdk.athena.NetworkActivityQueries` (key ``athena``), or ``None``."""
    alarms_props: NetworkActivityAlarmsProps | None = None
    """Props of :class:`~network_trail.cdk.detection.NetworkActivityAlarms` (key ``alarms``), or ``None``."""

    @property
    def selectors(self) -> tuple[TrailSelector, ...]:
        """The selectors the trail of this environment gets, management events and data events included."""
        chosen: list[TrailSelector] = list(self.trail_props.selectors or ())
        extra = ManagementEvents(self.trail_props.management_events).selector()
        # The configuration parses data event selectors into DataEventSelector values (_data_selectors).
        data = [s for s in self.trail_props.data_event_selectors or () if isinstance(s, DataEventSelector)]
        return tuple([extra, *chosen, *data] if extra is not None else [*chosen, *data])


def _fail(env: str, key: str, message: str) -> str:
    return f"environment {env!r}, key {key!r}: {message}"


def _data_selectors(env: str, raw: object, problems: list[str]) -> tuple[DataEventSelector, ...]:
    """``data_event_selectors``: selector JSON of data events, checked with the rules of trails."""
    data, found = data_event_selectors_of(raw)
    problems.extend(_fail(env, "data_event_selectors", p) for p in found)
    return tuple(data)


def _selectors(env: str, raw: object, problems: list[str]) -> tuple[Selector, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append(
            _fail(
                env, "selectors", f"must be a non-empty list of {{'preset', 'sources'}} objects, got {raw!r}"
            )
        )
        return ()
    return tuple(
        s for i, item in enumerate(raw) for s in _selector_item(env, f"selectors[{i}]", item, problems)
    )


def _selector_item(env: str, key: str, item: object, problems: list[str]) -> list[Selector]:
    """The selectors of one ``{"preset", "sources", ...}`` object; none when it has a problem."""
    if not isinstance(item, Mapping):
        problems.append(_fail(env, key, f"must be an object with 'preset' and 'sources', got {item!r}"))
        return []
    unknown = set(item) - _SELECTOR_KEYS
    if unknown:
        problems.append(
            _fail(env, key, f"unknown keys {sorted(unknown)}: allowed are {sorted(_SELECTOR_KEYS)}")
        )
    preset = item.get("preset")
    if preset not in {p.value for p in Preset}:
        problems.append(
            _fail(env, f"{key}.preset", f"unknown preset {preset!r}: use one of {[p.value for p in Preset]}")
        )
        return []
    sources = _item_sources(env, key, item.get("sources"), problems)
    if sources is None:
        return []
    scopes: dict[str, tuple[str, ...]] = {}
    for scope_key in ("vpc_endpoint_ids", "event_names"):
        values = item.get(scope_key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            problems.append(_fail(env, f"{key}.{scope_key}", f"must be a list of strings, got {values!r}"))
        else:
            scopes[scope_key] = tuple(values)
    if len(scopes) < 2:
        return []
    try:
        return list(
            for_sources(
                sources,
                preset=preset,
                vpc_endpoint_ids=scopes["vpc_endpoint_ids"],
                event_names=scopes["event_names"],
            )
        )
    except NetworkTrailError as err:
        problems.extend(_fail(env, key, p) for p in err.problems)
        return []


def _item_sources(env: str, key: str, sources: object, problems: list[str]) -> list[str] | None:
    """The ``sources`` of one selector object, or ``None`` when one is not a known source."""
    if not isinstance(sources, list) or not sources:
        problems.append(
            _fail(
                env,
                f"{key}.sources",
                f"must be a non-empty list of source names such as 'kms', got {sources!r}",
            )
        )
        return None
    bad_source = False
    for j, source in enumerate(sources):
        try:
            to_event_source(source, parameter=f"sources[{j}]")
        except NetworkTrailError as err:
            bad_source = True
            problems.extend(_fail(env, key, p) for p in err.problems)
    return None if bad_source else sources


def _parse_one(env: str, raw: object) -> EnvironmentConfig | list[str]:
    """One environment's settings, checked: its config, or every problem found."""
    if not isinstance(raw, Mapping):
        return [_fail(env, "(environment)", f"must be an object with account and region, got {raw!r}")]
    problems: list[str] = []
    unknown = set(raw) - _KNOWN_KEYS
    if unknown:
        problems.append(
            _fail(env, ",".join(sorted(unknown)), f"unknown keys: allowed are {sorted(_KNOWN_KEYS)}")
        )
    account = _account(env, raw.get("account"), problems)
    region = _region(env, raw.get("region"), problems)
    trail_props = _trail_props(env, raw, problems)
    athena_props = _athena(env, raw.get("athena"), trail_props, problems)
    cloud_watch_logs = bool(raw.get("send_to_cloud_watch_logs"))
    alarms_props = _alarms(env, raw.get("alarms"), cloud_watch_logs, trail_props.tags, problems)
    if problems:
        return problems
    assert account is not None and region is not None
    return EnvironmentConfig(
        name=env,
        account=account,
        region=region,
        trail_props=trail_props,
        athena_props=athena_props,
        alarms_props=alarms_props,
    )


def _account(env: str, account: object, problems: list[str]) -> str | None:
    if account is None:
        problems.append(_fail(env, "account", "is missing: give the 12-digit AWS account id to deploy to"))
    elif not is_account_id(account):
        problems.append(_fail(env, "account", f"{ACCOUNT_ID_RULE}, got {account!r}"))
    return account if isinstance(account, str) else None


def _region(env: str, region: object, problems: list[str]) -> str | None:
    if region is None:
        problems.append(
            _fail(env, "region", "is missing: give the Region of the trail's home, e.g. 'us-east-1'")
        )
    elif not isinstance(region, str) or not REGION.match(region):
        problems.append(
            _fail(env, "region", f"must be an AWS Region code such as 'eu-west-1', got {region!r}")
        )
    return region if isinstance(region, str) else None


def _trail_props(env: str, raw: Mapping[str, Any], problems: list[str]) -> NetworkTrailProps:
    """The trail's props: the typed options by keyword, the plain true/false and string ones by name.

    Problems are collected in the order of the keys' checks (selectors, data event selectors,
    management events, booleans, strings, tags, retention, Object Lock).
    """
    selectors = _selectors(env, raw["selectors"], problems) if "selectors" in raw else None
    data_event_selectors = (
        _data_selectors(env, raw["data_event_selectors"], problems) if "data_event_selectors" in raw else None
    )
    management_events = _management_events(env, raw, problems)
    plain = _plain_values(env, raw, problems)
    props = NetworkTrailProps(
        selectors=selectors,
        data_event_selectors=data_event_selectors,
        management_events=management_events,
        tags=_tags(env, raw, problems),
        log_retention=_log_retention(env, raw, problems),
        cloud_watch_logs_retention=_cloud_watch_logs_retention(env, raw, problems),
        object_lock_retention=_object_lock(env, raw, problems),
    )
    # The true/false and string keys are the props' own names (_BOOL_KEYS, _STR_KEYS).
    return replace(props, **plain)


def _management_events(env: str, raw: Mapping[str, Any], problems: list[str]) -> ManagementEvents:
    value = raw.get("management_events", ManagementEvents.NONE.value)
    if value not in {m.value for m in ManagementEvents}:
        problems.append(
            _fail(
                env,
                "management_events",
                f"must be one of {[m.value for m in ManagementEvents]}, got {value!r}: use 'none' unless another "
                f"trail does not already log management events",
            )
        )
        return ManagementEvents.NONE
    return ManagementEvents(value)


def _plain_values(env: str, raw: Mapping[str, Any], problems: list[str]) -> dict[str, Any]:
    """The true/false keys and the string keys that are set, by name."""
    values: dict[str, Any] = {}
    for key in sorted(_BOOL_KEYS & set(raw)):
        if not isinstance(raw[key], bool):
            problems.append(
                _fail(
                    env, key, f"must be true or false, got {raw[key]!r}: write a JSON boolean, without quotes"
                )
            )
        else:
            values[key] = raw[key]
    for key in sorted(_STR_KEYS & set(raw)):
        if not isinstance(raw[key], str):
            problems.append(_fail(env, key, f"must be a string, got {raw[key]!r}"))
        else:
            values[key] = raw[key]
    return values


def _tags(env: str, raw: Mapping[str, Any], problems: list[str]) -> dict[str, str] | None:
    if "tags" not in raw:
        return None
    tags = raw["tags"]
    if not isinstance(tags, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in tags.items()
    ):
        problems.append(
            _fail(
                env,
                "tags",
                f'must map strings to strings, got {tags!r}: write e.g. {{"Environment": "prod"}}, quoting numbers',
            )
        )
        return None
    return dict(tags)


def _log_retention(env: str, raw: Mapping[str, Any], problems: list[str]) -> cdk.Duration | None:
    if "log_retention_days" not in raw:
        return None
    days = raw["log_retention_days"]
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        problems.append(
            _fail(
                env,
                "log_retention_days",
                f"must be a whole number of days, at least 1, got {days!r}: write e.g. 365, or remove the key to keep logs",
            )
        )
        return None
    return cdk.Duration.days(days)


def _cloud_watch_logs_retention(
    env: str, raw: Mapping[str, Any], problems: list[str]
) -> logs.RetentionDays | None:
    if "cloud_watch_logs_retention_days" not in raw:
        return None
    days = raw["cloud_watch_logs_retention_days"]
    if days not in _RETENTION_DAYS:
        problems.append(
            _fail(
                env,
                "cloud_watch_logs_retention_days",
                f"must be one of CloudWatch Logs' retention periods {sorted(_RETENTION_DAYS)}, got {days!r}",
            )
        )
        return None
    from aws_cdk import aws_logs as logs

    return logs.RetentionDays[_RETENTION_DAYS[days]]


def _object_lock(env: str, raw: Mapping[str, Any], problems: list[str]) -> s3.ObjectLockRetention | None:
    if "object_lock" not in raw:
        return None
    lock = raw["object_lock"]
    days = lock.get("days") if isinstance(lock, Mapping) else None
    if (
        not isinstance(lock, Mapping)
        or lock.get("mode") not in ("governance", "compliance")
        or not isinstance(days, int)
        or isinstance(days, bool)
        or days < 1
    ):
        problems.append(
            _fail(
                env,
                "object_lock",
                f"must be {{'mode': 'governance'|'compliance', 'days': N>=1}}, got {lock!r}",
            )
        )
        return None
    factory = (
        s3.ObjectLockRetention.governance
        if lock["mode"] == "governance"
        else s3.ObjectLockRetention.compliance
    )
    return factory(cdk.Duration.days(days))


def _accounts(env: str, key: str, raw: object, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(is_account_id(a) for a in raw):
        problems.append(_fail(env, key, f"must be a list of 12-digit account ids as strings, got {raw!r}"))
        return ()
    return tuple(raw)


def _athena(
    env: str, raw: object, trail: NetworkTrailProps, problems: list[str]
) -> NetworkActivityQueriesProps | None:
    """``"athena": true`` or ``{"allowed_accounts": [...], "accounts": [...], "regions": [...]}``.

    ``accounts`` are the accounts the table projects (``account_ids``), which an organization
    trail must list. The queries get the trail's organization (of an organization trail) and tags.
    """
    if raw is None or raw is False:
        return None
    allowed = {"allowed_accounts", "accounts", "regions"}
    if raw is not True and (not isinstance(raw, Mapping) or set(raw) - allowed):
        problems.append(
            _fail(env, "athena", f"must be true or an object with keys {sorted(allowed)}, got {raw!r}")
        )
        return None
    # Imported when an environment asks for queries: aws_glue and aws_athena take time to import.
    from ..cdk.athena import NetworkActivityQueriesProps

    settings: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    props = NetworkActivityQueriesProps(
        organization_id=trail.organization_id if trail.is_organization_trail else None,
        tags=trail.tags,
    )
    if "allowed_accounts" in settings:
        allowed_accounts = _accounts(env, "athena.allowed_accounts", settings["allowed_accounts"], problems)
        props = replace(props, allowed_account_ids=allowed_accounts)
    if "accounts" in settings:
        if settings["accounts"] == []:
            problems.append(_fail(env, "athena.accounts", "must list at least one account, got []"))
        else:
            props = replace(
                props, account_ids=_accounts(env, "athena.accounts", settings["accounts"], problems)
            )
    if "regions" in settings:
        regions = settings["regions"]
        if (
            not isinstance(regions, list)
            or not regions
            or not all(isinstance(r, str) and REGION.match(r) for r in regions)
        ):
            problems.append(
                _fail(env, "athena.regions", f"must be a non-empty list of Region codes, got {regions!r}")
            )
        else:
            props = replace(props, regions=tuple(regions))
    return props


def _alarms(
    env: str, raw: object, cloud_watch_logs: bool, tags: Mapping[str, str] | None, problems: list[str]
) -> NetworkActivityAlarmsProps | None:
    """``"alarms": {"email": ..., "https_endpoint": ..., "allowed_accounts": [...], "spike_threshold": N}``.

    The alarms get the trail's tags.
    """
    if raw is None:
        return None
    allowed = {"email", "https_endpoint", "allowed_accounts", "spike_threshold"}
    if not isinstance(raw, Mapping) or set(raw) - allowed:
        problems.append(_fail(env, "alarms", f"must be an object with keys {sorted(allowed)}, got {raw!r}"))
        return None
    if not cloud_watch_logs:
        problems.append(
            _fail(
                env,
                "alarms",
                "needs the trail's CloudWatch Logs delivery: set send_to_cloud_watch_logs to true",
            )
        )
    # Imported when an environment asks for alarms: aws_cloudwatch and aws_sns take time to import.
    from ..cdk.detection import NetworkActivityAlarmsProps

    props = NetworkActivityAlarmsProps(
        email=_alarm_string(env, raw, "email", problems),
        https_endpoint=_alarm_string(env, raw, "https_endpoint", problems),
        tags=tags,
    )
    if "allowed_accounts" in raw:
        allowed_accounts = _accounts(env, "alarms.allowed_accounts", raw["allowed_accounts"], problems)
        props = replace(props, allowed_account_ids=allowed_accounts)
    if "spike_threshold" in raw:
        value = raw["spike_threshold"]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(
                _fail(env, "alarms.spike_threshold", f"must be a whole number, at least 1, got {value!r}")
            )
        else:
            props = replace(props, spike_threshold=value)
    return props


def _alarm_string(env: str, raw: Mapping[str, Any], key: str, problems: list[str]) -> str | None:
    if key not in raw:
        return None
    if not isinstance(raw[key], str):
        problems.append(_fail(env, f"alarms.{key}", f"must be a string, got {raw[key]!r}"))
        return None
    return str(raw[key])


def load_environments(context_value: object) -> tuple[EnvironmentConfig, ...]:
    """Parse the ``network-trail:environments`` context value; raise every problem at once."""
    if not isinstance(context_value, Mapping) or not context_value:
        raise NetworkTrailError(
            f"context {CONTEXT_KEY!r} must map environment names to their settings, got "
            f"{context_value!r}: see docs/sample-app.md"
        )
    problems: list[str] = []
    envs: list[EnvironmentConfig] = []
    for name, raw in context_value.items():
        if not isinstance(name, str) or not _NAME.match(name):
            problems.append(
                f"environment name {name!r} must start with a letter and hold only letters, digits and '-' (at most 41)"
            )
            continue
        parsed = _parse_one(name, raw)
        if isinstance(parsed, list):
            problems.extend(parsed)
        else:
            envs.append(parsed)
    if problems:
        raise NetworkTrailError(problems)
    return tuple(envs)
