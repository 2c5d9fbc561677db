"""Rules about a trail as a whole: names, prefixes and the set of selectors.

Rules about one selector are checked when it is built (:mod:`network_trail.model.selectors`).
Each function returns a list of messages, so a construct can report every
problem of one call together; an empty list means valid. Values that are
unresolved CDK tokens are skipped: they are only known at deploy time.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from ..errors import NetworkTrailError
from ._tokens import is_unresolved
from .selectors import (
    DataEventSelector,
    ManagementEventsSelector,
    NetworkActivitySelector,
    TrailSelector,
    Warning,
    selector_from_json,
)
from .vocabulary import MAX_VALUES_PER_TRAIL

__all__ = [
    "MAX_VALUES_PER_TRAIL",
    "alias_problems",
    "data_event_selectors_of",
    "s3_key_prefix_problems",
    "selector_set_problems",
    "selector_warnings",
    "trail_name_problems",
]

MAX_S3_KEY_PREFIX_LENGTH: Final = 200
_SELECTOR_TYPES: Final = (NetworkActivitySelector, ManagementEventsSelector, DataEventSelector)

_TRAIL_NAME: Final = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
_ADJACENT: Final = re.compile(r"[._-]{2}")
_ALIAS: Final = re.compile(r"^alias/[a-zA-Z0-9/_-]+$")
_PREFIX: Final = re.compile(r"^[a-zA-Z0-9!_.*'()/-]+$")


def _unresolved(value: str) -> bool:
    return is_unresolved(value)


def trail_name_problems(name: str, *, parameter: str = "trail_name") -> list[str]:
    """CloudTrail's trail-name rules (CreateTrail ``Name``)."""
    if not isinstance(name, str):
        return [f"{parameter} must be a string, got {name!r}"]
    if _unresolved(name):
        return []
    rule = (
        "3 to 128 characters: letters, digits, '.', '_' and '-', starting and ending with a letter "
        "or digit, no two of '.', '_', '-' side by side, not an IP address"
    )
    problems: list[str] = []
    if not 3 <= len(name) <= 128 or not _TRAIL_NAME.match(name) or _ADJACENT.search(name):
        problems.append(
            f"{parameter} {name!r} breaks CloudTrail's naming rule ({rule}): e.g. 'network-activity'"
        )
    else:
        try:
            ipaddress.ip_address(name)
        except ValueError:
            pass
        else:
            problems.append(f"{parameter} {name!r} must not be an IP address ({rule})")
    return problems


def alias_problems(alias: str, *, parameter: str = "key_alias") -> list[str]:
    """KMS alias-name rules (CreateAlias ``AliasName``)."""
    if not isinstance(alias, str):
        return [f"{parameter} must be a string, got {alias!r}"]
    if _unresolved(alias):
        return []
    full = alias if alias.startswith("alias/") else f"alias/{alias}"
    if full.startswith("alias/aws/"):
        return [
            f"{parameter} {alias!r} uses the reserved prefix 'alias/aws/' (AWS managed keys): choose another name"
        ]
    if len(full) > 256 or not _ALIAS.match(full):
        return [
            f"{parameter} {alias!r} must be 'alias/' and 1 to 250 letters, digits, '/', '_' or '-' "
            f"(KMS CreateAlias): e.g. 'alias/network-trail'"
        ]
    return []


def s3_key_prefix_problems(prefix: str, *, parameter: str = "s3_key_prefix") -> list[str]:
    """The S3 key prefix CloudTrail writes under: at most 200 safe characters, no edge slashes."""
    if not isinstance(prefix, str):
        return [f"{parameter} must be a string, got {prefix!r}"]
    if _unresolved(prefix):
        return []
    problems: list[str] = []
    if not 1 <= len(prefix) <= MAX_S3_KEY_PREFIX_LENGTH:
        problems.append(
            f"{parameter} must be 1 to {MAX_S3_KEY_PREFIX_LENGTH} characters (CloudTrail's limit), "
            f"got {len(prefix)}: shorten it, or leave it unset to write at the bucket's root"
        )
    elif prefix.startswith("/") or prefix.endswith("/") or "//" in prefix:
        problems.append(
            f"{parameter} {prefix!r} must not start or end with '/' or contain '//': CloudTrail adds "
            f"the '/' before 'AWSLogs/' itself, e.g. 'network-activity'"
        )
    elif not _PREFIX.match(prefix):
        problems.append(
            f"{parameter} {prefix!r} may hold only S3's safe characters (letters, digits and "
            f"! _ . * ' ( ) / -): remove the others"
        )
    return problems


def tag_problems(tags: object, *, parameter: str = "tags") -> list[str]:
    """Problems with tags for the resources a construct creates.

    AWS tag rules: a key is 1 to 128 characters and must not start with ``aws:``
    (reserved by AWS); a value is a string of at most 256 characters.

    :param tags: the tags, key to value.
    :param parameter: the parameter's name in messages. Default: "tags"
    """
    if not isinstance(tags, Mapping):
        return [f"{parameter} must map tag keys to values, got {tags!r}: pass e.g. {{'Environment': 'prod'}}"]
    problems: list[str] = []
    for key, value in tags.items():
        if not isinstance(key, str) or not 1 <= len(key) <= 128 or key.startswith("aws:"):
            problems.append(
                f"{parameter} key {key!r} must be 1 to 128 characters and not start with 'aws:' "
                f"(reserved by AWS): rename it"
            )
        if not isinstance(value, str) or len(value) > 256:
            problems.append(
                f"{parameter}[{key!r}] must be a string of at most 256 characters, got {value!r}: "
                f"pass the value as a str and shorten it"
            )
    return problems


def selector_set_problems(
    selectors: Sequence[TrailSelector], *, parameter: str = "selectors"
) -> tuple[list[str], list[str]]:
    """Rules about all the selectors of one trail: ``(errors, warnings)``.

    Errors: no selector at all, an item that is not a selector, more than
    :data:`MAX_VALUES_PER_TRAIL` values (counting every value, the conservative
    reading of the quota), two selectors that select the same events, and more
    than one management events selector. Warnings: a selector that another
    unconditioned "log all" selector of the same source already covers, and a
    value count near the quota.
    """
    errors: list[str] = []
    warnings: list[str] = []
    if not selectors:
        errors.append(
            f"{parameter} is empty, so the trail would log nothing: give at least one selector, "
            f"e.g. presets.ga_access_denied()"
        )
        return errors, warnings
    seen: dict[str, int] = {}
    total = 0
    management = 0
    unconditioned: dict[str, int] = {}
    for i, sel in enumerate(selectors):
        if not isinstance(sel, _SELECTOR_TYPES):
            errors.append(
                f"{parameter}[{i}] must be a NetworkActivitySelector or ManagementEventsSelector, "
                f"got {sel!r}: build selectors with the presets module"
            )
            continue
        rendered = sel.to_json()
        total += sel.value_count()
        key = repr(rendered["FieldSelectors"])
        if key in seen:
            errors.append(
                f"{parameter}[{i}] ({rendered['Name']!r}) selects the same events as "
                f"{parameter}[{seen[key]}]: remove one of them"
            )
        seen.setdefault(key, i)
        if isinstance(sel, ManagementEventsSelector):
            management += 1
        elif isinstance(sel, NetworkActivitySelector) and len(rendered["FieldSelectors"]) == 2:
            unconditioned.setdefault(sel.source_value, i)
    if management > 1:
        errors.append(
            f"{parameter} has {management} management events selectors: keep one (read_only=None "
            f"logs both read and write events)"
        )
    for i, sel in enumerate(selectors):
        if isinstance(sel, NetworkActivitySelector):
            j = unconditioned.get(sel.source_value)
            if j is not None and j != i:
                warnings.append(
                    f"{parameter}[{i}] ({sel.selector_name!r}) is covered by {parameter}[{j}], which "
                    f"logs every network activity event of {sel.source_value}: it adds nothing"
                )
    if total > MAX_VALUES_PER_TRAIL:
        errors.append(
            f"{parameter} use {total} values, over CloudTrail's quota of {MAX_VALUES_PER_TRAIL} values "
            f"across all advanced selectors of a trail: drop sources, or scope with starts_with "
            f"prefixes instead of long lists of exact values"
        )
    elif total > MAX_VALUES_PER_TRAIL * 0.8:
        warnings.append(f"{parameter} use {total} of CloudTrail's {MAX_VALUES_PER_TRAIL} values per trail")
    return errors, warnings


def selector_warnings(selectors: Sequence[TrailSelector], *, parameter: str = "selectors") -> list[Warning]:
    """``(annotation id, message)`` for every value CloudTrail accepts but can never match.

    Upper-case or malformed VPC endpoint ids, ``userIdentity.arn`` values that are
    not ARNs, ``*`` (not a wildcard), a value both selected and excluded, an
    exclusion that cannot change the result, and sources the CloudTrail User
    Guide no longer lists. A construct adds each as an acknowledgeable warning.
    """
    found: list[Warning] = []
    for i, sel in enumerate(selectors):
        if isinstance(sel, _SELECTOR_TYPES):
            found.extend(
                (wid, f"{parameter}[{i}] ({sel.selector_name!r}): {msg}") for wid, msg in sel.warnings()
            )
    return found


def data_event_selectors_of(
    items: object, *, parameter: str = "data_event_selectors"
) -> tuple[list[DataEventSelector], list[str]]:
    """The data event selectors of ``items`` and the problems of each: the construct's escape hatch.

    Each item is a :class:`~network_trail.model.selectors.DataEventSelector` or its JSON
    (``{"Name": ..., "FieldSelectors": [...]}``, with ``eventCategory`` ``Data``), checked with the
    vocabulary's rules like any selector of a trail.

    :param items: the selectors.
    :param parameter: how messages name them. Default: "data_event_selectors"
    """
    if items is None:
        return [], []
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Sequence):
        return [], [
            f"{parameter} must be a list of DataEventSelector or selector JSON objects, got {items!r}: "
            f"wrap it, e.g. [DataEventSelector(resource_type='AWS::S3::Object')]"
        ]
    out: list[DataEventSelector] = []
    problems: list[str] = []
    for i, item in enumerate(items):
        where = f"{parameter}[{i}]"
        parsed: Any = item
        if isinstance(item, Mapping):
            try:
                parsed = selector_from_json(item, parameter=where)
            except NetworkTrailError as err:
                problems.extend(err.problems)
                continue
        if isinstance(parsed, DataEventSelector):
            out.append(parsed)
        else:
            problems.append(
                f"{where} must be a data event selector (eventCategory Data), got {parsed!r}: put network "
                f"activity and management events selectors in selectors, and data event selectors here"
            )
    return out, problems
