"""Every service-principal statement, role trust and condition key is backed by an AWS page.

The template set (:mod:`tests.compliance_support`) holds every construct configuration:
default, fully configured, the log archives (listed trails, organization only, Object Lock with
readers), a trail writing to an imported archive with CloudWatch Logs, an organization trail
with Athena queries, a reader in another account, a delegated administrator's organization
trail, and the sample app's environments (queries, alarms).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from network_trail.model import _provenance
from network_trail.model._provenance import ANY_PRINCIPAL, PROVENANCE, provenance_markdown, undocumented

from .compliance_support import MORE_CONFIGURATIONS, template_set

DOCS = Path(__file__).resolve().parent.parent / "docs"
CONFIGURATIONS = (
    "default",
    "full",
    "log-archive",
    *MORE_CONFIGURATIONS,
    "dev",
    "staging",
    "prod",
    "org",
)


def test_the_set_holds_every_configuration() -> None:
    assert set(CONFIGURATIONS) <= set(template_set().templates)


@pytest.mark.parametrize("name", CONFIGURATIONS)
def test_every_statement_is_backed_by_an_aws_page(name: str) -> None:
    assert undocumented(template_set().templates[name]) == []


def _full_with(statement_change: Any) -> dict[str, Any]:
    template = copy.deepcopy(template_set().templates["full"])
    statement_change(template)
    return template


def _logs_role(template: dict[str, Any]) -> dict[str, Any]:
    (role,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Role"]
    statement: dict[str, Any] = role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
    return statement


def test_fails_on_a_condition_key_no_page_backs() -> None:
    # GIVEN the LogsRole trust with the aws:SourceArn condition the CloudTrail User Guide rules out
    template = _full_with(
        lambda t: _logs_role(t).update(
            {"Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:x"}}}
        )
    )
    # THEN the check names the resource, the principal, the action and the key
    (gap,) = undocumented(template)
    assert "cloudtrail.amazonaws.com sts:AssumeRole with condition keys ['aws:SourceArn']" in gap


def test_fails_on_a_service_principal_no_page_backs() -> None:
    template = _full_with(lambda t: _logs_role(t).update({"Principal": {"Service": "lambda.amazonaws.com"}}))
    (gap,) = undocumented(template)
    assert "lambda.amazonaws.com sts:AssumeRole" in gap


def test_fails_on_an_undocumented_key_on_an_account_principal() -> None:
    def add(template: dict[str, Any]) -> None:
        policy = next(r for r in template["Resources"].values() if r["Type"] == "AWS::S3::BucketPolicy")
        policy["Properties"]["PolicyDocument"]["Statement"].append(
            {
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}},
            }
        )

    (gap,) = undocumented(_full_with(add))
    assert f"{ANY_PRINCIPAL} s3:* with condition keys ['aws:RequestedRegion']" in gap


def test_every_row_backs_a_statement_of_the_set(monkeypatch: pytest.MonkeyPatch) -> None:
    # A row that no configuration needs is a stale claim: without it, some template must have a gap.
    templates = template_set().templates.values()
    unused = []
    for index, row in enumerate(PROVENANCE):
        monkeypatch.setattr(_provenance, "PROVENANCE", PROVENANCE[:index] + PROVENANCE[index + 1 :])
        if not any(undocumented(template) for template in templates):
            unused.append(row)
    assert unused == []


def test_docs_show_the_table() -> None:
    assert provenance_markdown() in (DOCS / "policies.md").read_text()
