"""The props objects: one per construct, with one field per keyword argument of its constructor.

``NetworkTrailProps``, ``LogArchiveProps``, ``NetworkActivityQueriesProps`` and
``NetworkActivityAlarmsProps`` declare each option once (name, type, default and the docs); the
constructors keep their keyword arguments (``inspect.signature`` unchanged) and build the props
with one keyword per option, so a field the signature lacks, or a default that differs, fails here.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

import pytest

from network_trail.cdk.athena import NetworkActivityQueries, NetworkActivityQueriesProps
from network_trail.cdk.detection import NetworkActivityAlarms, NetworkActivityAlarmsProps
from network_trail.cdk.log_archive import LogArchive, LogArchiveProps
from network_trail.cdk.trail import NetworkTrail, NetworkTrailProps

CONSTRUCTS: list[tuple[type[Any], type[Any]]] = [
    (NetworkTrail, NetworkTrailProps),
    (LogArchive, LogArchiveProps),
    (NetworkActivityQueries, NetworkActivityQueriesProps),
    (NetworkActivityAlarms, NetworkActivityAlarmsProps),
]


@pytest.mark.parametrize(("construct", "props"), CONSTRUCTS, ids=lambda c: c.__name__)
def test_props_have_one_field_per_keyword_argument(construct: type[Any], props: type[Any]) -> None:
    # GIVEN the constructor's keyword arguments, but the trail an add-on acts on
    parameters = inspect.signature(construct.__init__).parameters.values()
    keywords = [
        (p.name, p.annotation, p.default)
        for p in parameters
        if p.kind is p.KEYWORD_ONLY and p.name != "trail"
    ]
    # THEN the props have a field of the same name, type and default, in the same order
    assert [(f.name, f.type, f.default) for f in dataclasses.fields(props)] == keywords


@pytest.mark.parametrize(("construct", "props"), CONSTRUCTS, ids=lambda c: c.__name__)
def test_props_are_frozen_and_keyword_only(construct: type[Any], props: type[Any]) -> None:
    params = props.__dataclass_params__
    assert params.frozen
    assert all(f.kw_only for f in dataclasses.fields(props))


@pytest.mark.parametrize(("construct", "props"), CONSTRUCTS, ids=lambda c: c.__name__)
def test_every_option_is_documented_on_the_props(construct: type[Any], props: type[Any]) -> None:
    # GIVEN the props' docstring, the one place the options are described
    doc = inspect.getdoc(props) or ""
    # THEN each field has a ":param <name>:" line with a "Default:"
    for field in dataclasses.fields(props):
        assert f":param {field.name}:" in doc, field.name
        text = doc.split(f":param {field.name}:", 1)[1].split(":param ", 1)[0]
        assert "Default:" in text, field.name


def test_from_props_builds_what_the_keyword_arguments_build() -> None:
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    from .conftest import new_stack

    # GIVEN the same options as keyword arguments and as props objects, in two stacks
    options = {"trail_name": "network-activity", "send_to_cloud_watch_logs": True, "s3_key_prefix": "logs"}
    archive = {
        "organization_id": "o-a1b2c3d4e5",
        "management_account_id": "444444444444",
        "log_retention": cdk.Duration.days(400),
    }
    by_keywords, by_props = new_stack(), new_stack()
    trail = NetworkTrail(by_keywords, "NetworkTrail", **options)
    NetworkActivityQueries(by_keywords, "Queries", trail=trail, lookback_days=3)
    NetworkActivityAlarms(by_keywords, "Alarms", trail=trail, spike_threshold=50)
    LogArchive(by_keywords, "Archive", **archive)
    trail = NetworkTrail.from_props(by_props, "NetworkTrail", NetworkTrailProps(**options))
    NetworkActivityQueries.from_props(
        by_props, "Queries", trail=trail, props=NetworkActivityQueriesProps(lookback_days=3)
    )
    NetworkActivityAlarms.from_props(
        by_props, "Alarms", trail=trail, props=NetworkActivityAlarmsProps(spike_threshold=50)
    )
    LogArchive.from_props(by_props, "Archive", LogArchiveProps(**archive))
    # THEN the templates are the same
    assert Template.from_stack(by_props).to_json() == Template.from_stack(by_keywords).to_json()


def test_sample_app_plain_keys_are_the_trail_props_own_names() -> None:
    from network_trail.app.config import _BOOL_KEYS, _STR_KEYS

    # GIVEN the cdk.json keys set by name (docs/sample-app.md) THEN each is a field of NetworkTrailProps
    assert {
        "send_to_cloud_watch_logs",
        "is_organization_trail",
        "is_multi_region_trail",
        "include_global_service_events",
        "enable_file_validation",
        "delegated_administrator",
    } == _BOOL_KEYS
    assert {
        "trail_name",
        "s3_key_prefix",
        "organization_id",
        "key_alias",
        "management_account_id",
    } == _STR_KEYS
