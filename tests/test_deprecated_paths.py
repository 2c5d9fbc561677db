"""The flat module paths of 0.1 still import, with a DeprecationWarning naming the new path."""

from __future__ import annotations

import importlib

import pytest

import network_trail

# (old path, a name it held, the module that holds the name now)
MOVED = [
    ("network_trail.trail", "NetworkTrail", "network_trail.cdk.trail"),
    ("network_trail.trail", "ManagementEvents", "network_trail.cdk.trail"),
    ("network_trail.log_archive", "LogArchive", "network_trail.cdk.log_archive"),
    ("network_trail.athena", "NetworkActivityQueries", "network_trail.cdk.athena"),
    ("network_trail.detection", "NetworkActivityAlarms", "network_trail.cdk.detection"),
    ("network_trail.selectors", "NetworkActivitySelector", "network_trail.model.selectors"),
    ("network_trail.sources", "NetworkActivityEventSource", "network_trail.model.sources"),
    ("network_trail.validation", "selector_set_problems", "network_trail.model.validation"),
    ("network_trail.config", "load_environments", "network_trail.app.config"),
    ("network_trail.sample_app", "NetworkTrailStack", "network_trail.app.stack"),
    ("network_trail.sample_app", "build_app", "network_trail.app.delivery"),
    ("network_trail.sample_app", "ENV_CONTEXT_KEY", "network_trail.app.delivery"),
    ("network_trail.pipeline", "load_delivery", "network_trail.app.delivery"),
]

# Flat paths added and moved within the unreleased cycle after 0.1.0 (CHANGELOG.md): never released, no alias.
# 0.1.0 (2026-11-27, commit 74ffcf1) shipped network_trail/ athena, cli, config, detection, errors, log_archive,
# pipeline, presets, sample_app, selectors, simulator, sources, trail and validation (and private modules) only.
NEVER_RELEASED = [
    "network_trail.inputs",
    "network_trail.verify",
    "network_trail.diff",
    "network_trail.athena_sql",
    "network_trail.endpoint_coverage",
    "network_trail.endpoints",
    "network_trail.coverage",
]


@pytest.mark.parametrize(("old", "name", "new"), MOVED, ids=[f"{o}.{n}" for o, n, _ in MOVED])
def test_old_path_warns_and_forwards(old: str, name: str, new: str) -> None:
    # GIVEN a module path of 0.1
    module = importlib.import_module(old)
    # WHEN a name is taken from it
    with pytest.warns(
        DeprecationWarning, match=rf"{old} is deprecated .*import {name} from {new}$"
    ) as record:
        value = getattr(module, name)
    # THEN it is the object of the new module, and the warning points at the caller's line
    assert value is getattr(importlib.import_module(new), name)
    assert [w.filename for w in record] == [__file__]


@pytest.mark.parametrize("path", NEVER_RELEASED)
def test_a_path_that_was_never_released_has_no_alias(path: str) -> None:
    with pytest.raises(ModuleNotFoundError, match=path):
        importlib.import_module(path)


def test_from_import_of_an_old_path_warns() -> None:
    with pytest.warns(DeprecationWarning, match="network_trail.trail is deprecated"):
        from network_trail.trail import NetworkTrail
    assert NetworkTrail is network_trail.NetworkTrail


def test_unknown_name_of_an_old_path_raises_attribute_error() -> None:
    module = importlib.import_module("network_trail.trail")
    with pytest.raises(AttributeError, match="NoSuchThing"):
        module.NoSuchThing  # noqa: B018


def test_public_api_imports_from_the_package_without_warnings() -> None:
    # Every name of __all__ from the front door; the test settings make any DeprecationWarning
    # from network_trail an error, and this one asserts none at all.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        for name in network_trail.__all__:
            assert getattr(network_trail, name) is not None


def test_presets_stays_the_public_module() -> None:
    # `presets` is a name of __all__: its path network_trail.presets is public, not deprecated.
    import warnings

    from network_trail.model import presets as model_presets

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        from network_trail import presets

        assert presets.log_all is model_presets.log_all
        assert sorted(presets.__all__) == sorted(model_presets.__all__)
