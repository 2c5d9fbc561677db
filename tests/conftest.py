"""Shared fixtures: stacks pinned to an account and Region, with cdk.json's feature flags."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from network_trail import NetworkTrail

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CDK_JSON = json.loads((ROOT / "cdk.json").read_text())
# App() in tests does not read cdk.json: pass its feature flags so tests see what `cdk synth` makes.
FEATURE_FLAGS = {k: v for k, v in CDK_JSON["context"].items() if k.startswith("@aws-cdk")}
ACCOUNT = "123456789012"
REGION = "us-east-1"


def new_app(**context: Any) -> cdk.App:
    """An App with the project's feature flags and no analytics metadata."""
    return cdk.App(context={**FEATURE_FLAGS, **context}, analytics_reporting=False)


def new_stack(app: cdk.App | None = None, stack_id: str = "TestStack") -> cdk.Stack:
    """A stack pinned to a test account and Region, without the bootstrap-version rule."""
    return cdk.Stack(
        app or new_app(),
        stack_id,
        env=cdk.Environment(account=ACCOUNT, region=REGION),
        synthesizer=cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
    )


def synth(**props: Any) -> tuple[NetworkTrail, Template]:
    """A NetworkTrail with ``props`` in a fresh stack, and the stack's template."""
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", **props)
    return trail, Template.from_stack(stack)


def assert_tag_on_created(
    template: Template, prefix: str, kinds: tuple[str, ...], tag: dict[str, str]
) -> None:
    """Every resource of ``kinds`` whose logical id starts with ``prefix`` exists and carries ``tag``."""
    for kind in kinds:
        created = [r for lid, r in template.find_resources(kind).items() if lid.startswith(prefix)]
        assert created, kind
        for resource in created:
            assert tag in resource["Properties"]["Tags"], kind


@pytest.fixture
def stack() -> cdk.Stack:
    return new_stack()


@pytest.fixture(scope="session")
def default_template() -> Template:
    """The template of the minimal call, shared by read-only tests."""
    return synth()[1]


@pytest.fixture(scope="session")
def sample_record() -> Callable[[str], dict[str, Any]]:
    def load(name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((DATA / name).read_text())
        return data

    return load


@pytest.fixture(scope="session")
def sample_app_templates() -> dict[str, dict[str, Any]]:
    """Every environment of cdk.json's sample app, synthesized once: env name -> template JSON.

    Taken from the compliance template set, which synthesizes the sample app with cdk.json's
    context next to other stacks (a stack's template depends on that stack alone): one
    synthesis per test process instead of two.
    """
    from .compliance_support import template_set

    envs = CDK_JSON["context"]["network-trail:environments"]
    return {name: template_set().templates[name] for name in envs}
