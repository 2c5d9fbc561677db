"""Environments of the sample app, read from ``cdk.json`` context.

The context key ``network-trail:environments`` maps an environment name to its
account, Region and trail options. Everything is checked before any construct
is built; each error names the environment and the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import aws_cdk as cdk
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3

from ..cdk.trail import ManagementEvents
from ..errors import NetworkTrailError
from ..model._ids import ACCOUNT_ID, REGION
from ..model.presets import Preset, for_sources
from ..model.selectors import DataEventSelector, Selector, TrailSelector
from ..model.sources import to_event_source
from ..model.validation import data_event_selectors_of

__all__ = ["CONTEXT_KEY", "EnvironmentConfig", "load_environments"]

CONTEXT_KEY: Final = "network-trail:environments"

_NAME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,40}$")

_SELECTOR_KEYS: Final = {"preset", "sources", "vpc_endpoint_ids", "event_names"}
_BOOL_KEYS: Final = {
    "send_to_cloud_watch_logs",
    "is_organization_trail",
    "is_multi_region_trail",
    "include_global_service_events",
    "enable_file_validation",
    "delegated_administrator",
}
_STR_KEYS: Final = {"trail_name", "s3_key_prefix", "organization_id", "key_alias", "management_account_id"}
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

_RETENTION_DAYS: Final[dict[int, logs.RetentionDays]] = {
    1: logs.RetentionDays.ONE_DAY,
    3: logs.RetentionDays.THREE_DAYS,
    5: logs.RetentionDays.FIVE_DAYS,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    120: logs.RetentionDays.FOUR_MONTHS,
    150: logs.RetentionDays.FIVE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
    400: logs.RetentionDays.THIRTEEN_MONTHS,
    545: logs.RetentionDays.EIGHTEEN_MONTHS,
    731: logs.RetentionDays.TWO_YEARS,
    1096: logs.RetentionDays.THREE_YEARS,
    1827: logs.RetentionDays.FIVE_YEARS,
    2192: logs.RetentionDays.SIX_YEARS,
    2557: logs.RetentionDays.SEVEN_YEARS,
    2922: logs.RetentionDays.EIGHT_YEARS,
    3288: logs.RetentionDays.NINE_YEARS,
    3653: logs.RetentionDays.TEN_YEARS,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class EnvironmentConfig:
    """One deployment target of the sample app and the props of its trail."""

    name: str
    account: str
    region: str
    trail_props: Mapping[str, Any] = field(default_factory=dict)
    athena_props: Mapping[str, Any] | None = None
    """Props of :class:`~network_trail.cdk.athena.NetworkActivityQueries` (key ``athena``), or ``None``."""
    alarms_props: Mapping[str, Any] | None = None
    """Props of :class:`~network_trail.cdk.detection.NetworkActivityAlarms` (key ``alarms``), or ``None``."""

    @property
    def selectors(self) -> tuple[TrailSelector, ...]:
        """The selectors the trail of this environment gets, management events and data events included."""
        chosen: list[TrailSelector] = list(self.trail_props.get("selectors", ()))
        management = ManagementEvents(self.trail_props.get("management_events", ManagementEvents.NONE))
        extra = management.selector()
        data = list(self.trail_props.get("data_event_selectors", ()))
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
    out: list[Selector] = []
    for i, item in enumerate(raw):
        key = f"selectors[{i}]"
        if not isinstance(item, Mapping):
            problems.append(_fail(env, key, f"must be an object with 'preset' and 'sources', got {item!r}"))
            continue
        unknown = set(item) - _SELECTOR_KEYS
        if unknown:
            problems.append(
                _fail(env, key, f"unknown keys {sorted(unknown)}: allowed are {sorted(_SELECTOR_KEYS)}")
            )
        preset = item.get("preset")
        if preset not in {p.value for p in Preset}:
            problems.append(
                _fail(
                    env, f"{key}.preset", f"unknown preset {preset!r}: use one of {[p.value for p in Preset]}"
                )
            )
            continue
        sources = item.get("sources")
        if not isinstance(sources, list) or not sources:
            problems.append(
                _fail(
                    env,
                    f"{key}.sources",
                    f"must be a non-empty list of source names such as 'kms', got {sources!r}",
                )
            )
            continue
        bad_source = False
        for j, source in enumerate(sources):
            try:
                to_event_source(source, parameter=f"sources[{j}]")
            except NetworkTrailError as err:
                bad_source = True
                problems.extend(_fail(env, key, p) for p in err.problems)
        if bad_source:
            continue
        scopes: dict[str, tuple[str, ...]] = {}
        for scope_key in ("vpc_endpoint_ids", "event_names"):
            values = item.get(scope_key, [])
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                problems.append(
                    _fail(env, f"{key}.{scope_key}", f"must be a list of strings, got {values!r}")
                )
            else:
                scopes[scope_key] = tuple(values)
        if len(scopes) < 2:
            continue
        try:
            out.extend(
                for_sources(
                    sources,
                    preset=preset,
                    vpc_endpoint_ids=scopes["vpc_endpoint_ids"],
                    event_names=scopes["event_names"],
                )
            )
        except NetworkTrailError as err:
            problems.extend(_fail(env, key, p) for p in err.problems)
    return tuple(out)


def _parse_one(env: str, raw: object) -> EnvironmentConfig | list[str]:
    problems: list[str] = []
    if not isinstance(raw, Mapping):
        return [_fail(env, "(environment)", f"must be an object with account and region, got {raw!r}")]
    unknown = set(raw) - _KNOWN_KEYS
    if unknown:
        problems.append(
            _fail(env, ",".join(sorted(unknown)), f"unknown keys: allowed are {sorted(_KNOWN_KEYS)}")
        )
    account = raw.get("account")
    if account is None:
        problems.append(_fail(env, "account", "is missing: give the 12-digit AWS account id to deploy to"))
    elif not isinstance(account, str) or not ACCOUNT_ID.match(account):
        problems.append(
            _fail(env, "account", f"must be a 12-digit AWS account id as a string, got {account!r}")
        )
    region = raw.get("region")
    if region is None:
        problems.append(
            _fail(env, "region", "is missing: give the Region of the trail's home, e.g. 'us-east-1'")
        )
    elif not isinstance(region, str) or not REGION.match(region):
        problems.append(
            _fail(env, "region", f"must be an AWS Region code such as 'eu-west-1', got {region!r}")
        )
    props: dict[str, Any] = {}
    if "selectors" in raw:
        props["selectors"] = _selectors(env, raw["selectors"], problems)
    if "data_event_selectors" in raw:
        props["data_event_selectors"] = _data_selectors(env, raw["data_event_selectors"], problems)
    if "management_events" in raw:
        value = raw["management_events"]
        if value not in {m.value for m in ManagementEvents}:
            problems.append(
                _fail(
                    env,
                    "management_events",
                    f"must be one of {[m.value for m in ManagementEvents]}, got {value!r}: use 'none' unless another "
                    f"trail does not already log management events",
                )
            )
        else:
            props["management_events"] = ManagementEvents(value)
    for key in sorted(_BOOL_KEYS & set(raw)):
        if not isinstance(raw[key], bool):
            problems.append(
                _fail(
                    env, key, f"must be true or false, got {raw[key]!r}: write a JSON boolean, without quotes"
                )
            )
        else:
            props[key] = raw[key]
    for key in sorted(_STR_KEYS & set(raw)):
        if not isinstance(raw[key], str):
            problems.append(_fail(env, key, f"must be a string, got {raw[key]!r}"))
        else:
            props[key] = raw[key]
    if "tags" in raw:
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
        else:
            props["tags"] = dict(tags)
    for key, prop in (("log_retention_days", "log_retention"),):
        if key in raw:
            days = raw[key]
            if not isinstance(days, int) or isinstance(days, bool) or days < 1:
                problems.append(
                    _fail(
                        env,
                        key,
                        f"must be a whole number of days, at least 1, got {days!r}: write e.g. 365, or remove the key to keep logs",
                    )
                )
            else:
                props[prop] = cdk.Duration.days(days)
    if "cloud_watch_logs_retention_days" in raw:
        days = raw["cloud_watch_logs_retention_days"]
        if days not in _RETENTION_DAYS:
            problems.append(
                _fail(
                    env,
                    "cloud_watch_logs_retention_days",
                    f"must be one of CloudWatch Logs' retention periods {sorted(_RETENTION_DAYS)}, got {days!r}",
                )
            )
        else:
            props["cloud_watch_logs_retention"] = _RETENTION_DAYS[days]
    if "object_lock" in raw:
        lock = raw["object_lock"]
        if (
            not isinstance(lock, Mapping)
            or lock.get("mode") not in ("governance", "compliance")
            or not isinstance(lock.get("days"), int)
            or isinstance(lock.get("days"), bool)
            or lock["days"] < 1
        ):
            problems.append(
                _fail(
                    env,
                    "object_lock",
                    f"must be {{'mode': 'governance'|'compliance', 'days': N>=1}}, got {lock!r}",
                )
            )
        else:
            factory = (
                s3.ObjectLockRetention.governance
                if lock["mode"] == "governance"
                else s3.ObjectLockRetention.compliance
            )
            props["object_lock_retention"] = factory(cdk.Duration.days(lock["days"]))
    athena_props = _athena(env, raw.get("athena"), problems)
    alarms_props = _alarms(env, raw.get("alarms"), bool(raw.get("send_to_cloud_watch_logs")), problems)
    if problems:
        return problems
    assert isinstance(account, str) and isinstance(region, str)
    return EnvironmentConfig(
        name=env,
        account=account,
        region=region,
        trail_props=props,
        athena_props=athena_props,
        alarms_props=alarms_props,
    )


def _accounts(env: str, key: str, raw: object, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(a, str) and ACCOUNT_ID.match(a) for a in raw):
        problems.append(_fail(env, key, f"must be a list of 12-digit account ids as strings, got {raw!r}"))
        return ()
    return tuple(raw)


def _athena(env: str, raw: object, problems: list[str]) -> dict[str, Any] | None:
    """``"athena": true`` or ``{"allowed_accounts": [...], "accounts": [...], "regions": [...]}``.

    ``accounts`` are the accounts the table projects (``account_ids``), which an organization
    trail must list.
    """
    if raw is None or raw is False:
        return None
    if raw is True:
        return {}
    allowed = {"allowed_accounts", "accounts", "regions"}
    if not isinstance(raw, Mapping) or set(raw) - allowed:
        problems.append(
            _fail(env, "athena", f"must be true or an object with keys {sorted(allowed)}, got {raw!r}")
        )
        return None
    props: dict[str, Any] = {}
    if "allowed_accounts" in raw:
        props["allowed_account_ids"] = _accounts(
            env, "athena.allowed_accounts", raw["allowed_accounts"], problems
        )
    if "accounts" in raw:
        if raw["accounts"] == []:
            problems.append(_fail(env, "athena.accounts", "must list at least one account, got []"))
        else:
            props["account_ids"] = _accounts(env, "athena.accounts", raw["accounts"], problems)
    if "regions" in raw:
        regions = raw["regions"]
        if (
            not isinstance(regions, list)
            or not regions
            or not all(isinstance(r, str) and REGION.match(r) for r in regions)
        ):
            problems.append(
                _fail(env, "athena.regions", f"must be a non-empty list of Region codes, got {regions!r}")
            )
        else:
            props["regions"] = tuple(regions)
    return props


def _alarms(env: str, raw: object, cloud_watch_logs: bool, problems: list[str]) -> dict[str, Any] | None:
    """``"alarms": {"email": ..., "https_endpoint": ..., "allowed_accounts": [...], "spike_threshold": N}``."""
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
    props: dict[str, Any] = {}
    for key in ("email", "https_endpoint"):
        if key in raw:
            if not isinstance(raw[key], str):
                problems.append(_fail(env, f"alarms.{key}", f"must be a string, got {raw[key]!r}"))
            else:
                props[key] = raw[key]
    if "allowed_accounts" in raw:
        props["allowed_account_ids"] = _accounts(
            env, "alarms.allowed_accounts", raw["allowed_accounts"], problems
        )
    if "spike_threshold" in raw:
        value = raw["spike_threshold"]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(
                _fail(env, "alarms.spike_threshold", f"must be a whole number, at least 1, got {value!r}")
            )
        else:
            props["spike_threshold"] = value
    return props


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
