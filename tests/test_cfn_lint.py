"""cfn-lint finds no error and no warning in any template the project synthesizes."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from aws_cdk.assertions import Template
from cfnlint.api import ManualArgs, lint
from cfnlint.core import get_rules
from cfnlint.rules import RulesCollection

from tests.compliance_support import MORE_CONFIGURATIONS, template_set
from tests.conftest import CDK_JSON, REGION
from tests.test_snapshot import fully_configured

ENVIRONMENTS: dict[str, Any] = CDK_JSON["context"]["network-trail:environments"]


@cache
def _rules() -> RulesCollection:
    """cfn-lint's default rules, loaded once per process (about 0.6 s a load) instead of per template."""
    return get_rules([], [], [])


def problems(template: dict[str, Any], region: str) -> list[str]:
    matches = lint(json.dumps(template), rules=_rules(), config=ManualArgs(regions=[region]))
    return [
        f"{m.rule.id} {m.message} ({'/'.join(map(str, m.path))})" for m in matches if m.rule.id[0] in "EW"
    ]


def test_default_template_is_clean(default_template: Template) -> None:
    assert problems(default_template.to_json(), REGION) == []


def test_fully_configured_template_is_clean() -> None:
    assert problems(fully_configured(), REGION) == []


@pytest.mark.parametrize("env", sorted(ENVIRONMENTS))
def test_sample_app_template_is_clean(env: str, sample_app_templates: dict[str, dict[str, Any]]) -> None:
    assert problems(sample_app_templates[env], ENVIRONMENTS[env]["region"]) == []


@pytest.mark.parametrize("name", MORE_CONFIGURATIONS)
def test_other_configuration_template_is_clean(name: str) -> None:
    # LogArchive (listed trails, organization only, Object Lock with readers), a trail on an imported
    # archive with CloudWatch Logs, an organization trail with queries, a cross-account reader, a
    # delegated administrator's organization trail
    assert problems(template_set().templates[name], REGION) == []


def test_cfn_lint_is_live(default_template: Template) -> None:
    # GIVEN a template with an unknown property on the trail: proves the linter runs
    broken = json.loads(json.dumps(default_template.to_json()))
    trail = next(r for r in broken["Resources"].values() if r["Type"] == "AWS::CloudTrail::Trail")
    trail["Properties"]["EventSelectors"] = [{"ReadWriteType": "Sometimes"}]
    assert any(p.startswith("E") for p in problems(broken, REGION))
