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
