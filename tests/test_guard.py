"""AWS Control Tower proactive controls (cfn-guard rules) pass on every template, or are suppressed.

cfn-guard 3.1.1 and the Control Tower rules come from the pinned PyPI package
cdklabs.cdk-validator-cfnguard. The binary runs once over a directory holding the
template set and one bare bucket (which must fail: the check is live). The Control
Tower rules do not read suppressions themselves, so a failure counts as suppressed
only when the failing resource lists the rule in ``Metadata.guard.SuppressedRules``
(the AWS Guard Rules Registry format), each explained in docs/security.md.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .compliance_support import (
    BARE_BUCKET_TEMPLATE,
    guard_binary_and_rules,
    suppressions,
    template_set,
    write_templates,
)

DOCS = Path(__file__).resolve().parent.parent / "docs"
Finding = tuple[str, str, str]  # (template name, rule name, logical id)


def _documents(text: str) -> list[dict[str, Any]]:
    """cfn-guard's JSON output: one document per (template, rule file), concatenated."""
    decoder, pos, out = json.JSONDecoder(), 0, []
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        doc, pos = decoder.raw_decode(text, pos)
        out.append(doc)
    return out


def _resources(node: object) -> set[str]:
    """Logical ids named by ``/Resources/<id>/…`` paths anywhere in a check report."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "path" and isinstance(value, str) and value.startswith("/Resources/"):
                found.add(value.split("/")[2])
            else:
                found |= _resources(value)
    elif isinstance(node, list):
        for value in node:
            found |= _resources(value)
    return found


@pytest.fixture(scope="module")
def guard_findings(tmp_path_factory: pytest.TempPathFactory) -> set[Finding]:
    work = tmp_path_factory.mktemp("guard")
    binary, rules = guard_binary_and_rules()
    templates = write_templates(work / "templates", extra={"bare": BARE_BUCKET_TEMPLATE})
    args = [str(binary), "validate", "-d", str(templates), "--show-summary", "none", "-o", "json"]
    for rule_dir in rules:
        args += ["-r", str(rule_dir)]
    # Exit code 19 means "some rule failed"; any other non-zero is a tool error.
    run = subprocess.run(args, capture_output=True, text=True, check=False, timeout=300)
    assert run.returncode in (0, 19), run.stderr
    findings: set[Finding] = set()
    for doc in _documents(run.stdout):
        name = Path(doc["name"]).name.removesuffix(".template.json")
        for failure in doc["not_compliant"]:
            rule = failure["Rule"]["name"]
            findings |= {(name, rule, logical_id) for logical_id in _resources(failure)}
    return findings


def _suppressed(finding: Finding) -> bool:
    name, rule, logical_id = finding
    template = template_set().templates.get(name)
    return template is not None and rule in suppressions(template, "guard").get(logical_id, set())


def test_guard_has_no_unsuppressed_failures(guard_findings: set[Finding]) -> None:
    unsuppressed = sorted(f for f in guard_findings if f[0] != "bare" and not _suppressed(f))
    assert unsuppressed == []


def test_guard_flags_a_bare_bucket(guard_findings: set[Finding]) -> None:
    # The same run fails the bare bucket, so the rules were loaded and evaluated.
    rules = {rule for name, rule, _ in guard_findings if name == "bare"}
    assert {"s3_bucket_logging_enabled_check", "s3_bucket_versioning_enabled_check"} <= rules, rules


def test_every_guard_suppression_is_needed(guard_findings: set[Finding]) -> None:
    # A suppression for a rule that passes would hide a future regression: none is left over.
    unused = sorted(
        (name, rule, logical_id)
        for name, template in template_set().templates.items()
        for logical_id, rules in suppressions(template, "guard").items()
        for rule in rules
        if (name, rule, logical_id) not in guard_findings
    )
    assert unused == []


def test_every_guard_suppression_is_documented() -> None:
    doc = (DOCS / "security.md").read_text()
    rules = {
        r for t in template_set().templates.values() for rs in suppressions(t, "guard").values() for r in rs
    }
    assert sorted(r for r in rules if f"`{r}`" not in doc) == []
