"""Presets: both console templates for every source, without a stack."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from network_trail import (
    GA_SOURCES,
    CustomEventSource,
    ManagementEventsSelector,
    NetworkActivityEventSource,
    NetworkTrailError,
    Preset,
    presets,
)
from network_trail.sources import CURRENT_SOURCES, REMOVED_SOURCES

SOURCES = list(NetworkActivityEventSource)
DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_log_all_selects_every_event_of_the_source(source: NetworkActivityEventSource) -> None:
    assert presets.log_all(source).to_json()["FieldSelectors"] == [
        {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
        {"Field": "eventSource", "Equals": [source.value]},
    ]


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_access_denied_adds_the_vpce_access_denied_error_code(source: NetworkActivityEventSource) -> None:
    assert presets.access_denied(source).to_json()["FieldSelectors"] == [
        {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
        {"Field": "eventSource", "Equals": [source.value]},
        {"Field": "errorCode", "Equals": ["VpceAccessDenied"]},
    ]


def test_sources_are_unique_and_end_with_amazonaws_com() -> None:
    values = [s.value for s in SOURCES]
    assert len(values) == len(set(values))
    assert all(re.fullmatch(r"[a-z0-9-]+\.amazonaws\.com", v) for v in values)


def test_ga_sources_are_the_five_of_general_availability() -> None:
    assert [s.value for s in GA_SOURCES] == [
        "cloudtrail.amazonaws.com",
        "ec2.amazonaws.com",
        "kms.amazonaws.com",
        "s3.amazonaws.com",
        "secretsmanager.amazonaws.com",
    ]


def test_log_all_scopes_to_vpc_endpoints() -> None:
    sel = presets.log_all("kms", vpc_endpoint_ids=["vpce-0123456789abcdef0", "vpce-0fedcba9876543210"])
    assert sel.to_json()["FieldSelectors"][-1] == {
        "Field": "vpcEndpointId",
        "Equals": ["vpce-0123456789abcdef0", "vpce-0fedcba9876543210"],
    }


def test_access_denied_scopes_to_event_names() -> None:
    sel = presets.access_denied("kms", event_names=["ListKeys"])
    assert sel.to_json()["FieldSelectors"][2:] == [
        {"Field": "errorCode", "Equals": ["VpceAccessDenied"]},
        {"Field": "eventName", "Equals": ["ListKeys"]},
    ]


def test_preset_accepts_a_custom_source() -> None:
    sel = presets.access_denied(CustomEventSource("newsvc.amazonaws.com"))
    assert sel.source_value == "newsvc.amazonaws.com"


def test_preset_takes_a_name() -> None:
    assert presets.log_all("kms", name="Mine").to_json()["Name"] == "Mine"


def test_for_sources_builds_one_selector_per_source() -> None:
    sels = presets.for_sources(["kms", "s3"], preset="log-all")
    assert [s.source_value for s in sels] == ["kms.amazonaws.com", "s3.amazonaws.com"]
    assert not any(s.access_denied_only for s in sels)


def test_for_sources_defaults_to_access_denied() -> None:
    assert all(s.access_denied_only for s in presets.for_sources(["kms", "s3"]))


def test_for_sources_scopes_every_selector() -> None:
    sels = presets.for_sources(["kms", "s3"], vpc_endpoint_ids=["vpce-0123456789abcdef0"])
    assert all(s.to_json()["FieldSelectors"][-1]["Field"] == "vpcEndpointId" for s in sels)


def test_ga_access_denied_covers_the_ga_sources() -> None:
    sels = presets.ga_access_denied()
    assert [s.event_source for s in sels] == list(GA_SOURCES)
    assert all(s.access_denied_only for s in sels)


def test_management_events_preset() -> None:
    assert presets.management_events(read_only=True) == ManagementEventsSelector(read_only=True)


def test_preset_values_match_the_config_names() -> None:
    assert [p.value for p in Preset] == ["log-all", "access-denied"]


def test_fails_when_for_sources_gets_an_unknown_preset() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"preset must be one of \['log-all', 'access-denied'\], got 'all'"
    ):
        presets.for_sources(["kms"], preset="all")


def test_fails_when_for_sources_gets_a_single_string() -> None:
    with pytest.raises(NetworkTrailError, match=r"sources must be a sequence.*got the single string 'kms'"):
        presets.for_sources("kms")


def test_fails_when_vpc_endpoint_ids_is_a_single_string() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"vpc_endpoint_ids must be a sequence.*'vpce-0123456789abcdef0'"
    ):
        presets.log_all("kms", vpc_endpoint_ids="vpce-0123456789abcdef0")


def test_fails_when_preset_gets_an_unknown_source() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"event_source 'nosuchsvc' is not a network activity event source"
    ):
        presets.log_all("nosuchsvc")


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_presets_doc_lists_every_source(source: NetworkActivityEventSource) -> None:
    # GIVEN the presets table of docs/presets.md
    table = (DOCS / "presets.md").read_text()
    # THEN each source has a row with its member name and eventSource
    assert re.search(rf"^\| `{source.name}` \| `{re.escape(source.value)}` \|", table, re.MULTILINE)


# --- the source list: the newest documented copy ----------------------------------------------------

DOCUMENTED_SOURCES = [
    line.strip()
    for line in (Path(__file__).resolve().parent / "data" / "event-sources-2026.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]


def test_current_sources_are_the_newest_documented_list() -> None:
    # tests/data/event-sources-2026.txt: the User Guide page "Logging network activity events", newest copy
    assert sorted(s.value for s in CURRENT_SOURCES) == sorted(DOCUMENTED_SOURCES)
    assert len(DOCUMENTED_SOURCES) == 96


@pytest.mark.parametrize("short", ["sts", "ecr", "states", "route53", "sso-oauth", "dsql", "s3vectors"])
def test_sources_added_since_2026_03_are_known(short: str) -> None:
    assert presets.access_denied(short).source_value == f"{short}.amazonaws.com"


@pytest.mark.parametrize("short", ["cloudoptimization", "nova-act", "transform-agents", "transform-custom"])
def test_removed_sources_stay_importable_and_warn(short: str) -> None:
    sel = presets.log_all(short)
    assert sel.event_source in REMOVED_SOURCES
    assert [i for i, _ in sel.warnings()] == ["network-trail:removedEventSource"]


@pytest.mark.parametrize(
    ("typo", "hint"), [("secretmanager", "did you mean 'secretsmanager'"), ("KMS", "did you mean 'kms'")]
)
def test_unknown_source_suggests_the_nearest_names(typo: str, hint: str) -> None:
    with pytest.raises(NetworkTrailError, match=hint):
        presets.access_denied(typo)


def test_custom_event_source_is_suggested_only_for_strings_shaped_like_a_source() -> None:
    with pytest.raises(NetworkTrailError) as shaped:
        presets.access_denied("newsvc")
    assert "CustomEventSource('newsvc.amazonaws.com')" in str(shaped.value)
    with pytest.raises(NetworkTrailError) as unshaped:
        presets.access_denied("Not a source!")
    assert "CustomEventSource" not in str(unshaped.value)


def test_unknown_preset_suggests_the_nearest_name() -> None:
    with pytest.raises(NetworkTrailError, match=r"did you mean 'log-all'"):
        presets.for_sources(["kms"], preset="log_all")
