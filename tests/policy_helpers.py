"""Reading policy statements out of synthesized templates, for the policy tests."""

from __future__ import annotations

from typing import Any

from aws_cdk.assertions import Template


def policy_statements(template: Template, resource_type: str, key: str) -> list[dict[str, Any]]:
    """Every statement of the policy property ``key`` of every ``resource_type`` resource."""
    resources = template.find_resources(resource_type)
    assert len(resources) >= 1, f"no {resource_type} in the template"
    out: list[dict[str, Any]] = []
    for resource in resources.values():
        out += resource["Properties"][key]["Statement"]
    return out


def by_sid(found_in: list[dict[str, Any]], sid: str) -> dict[str, Any]:
    """The one statement with ``sid``; fails when there is none or more than one."""
    found = [s for s in found_in if s.get("Sid") == sid]
    assert len(found) == 1, [s.get("Sid") for s in found_in]
    return found[0]
