"""checkov 3.3.30 (own venv, ``make .venv-checkov/.installed``) finds no failed check.

One invocation over a directory with the template set and a bare bucket, which must
fail (the check is live). Skips live in the resource's metadata,
``Metadata.checkov.skip: [{id, comment}]``, and are explained in docs/security.md.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .compliance_support import (
    BARE_BUCKET_TEMPLATE,
    checkov_executable,
    suppressions,
    template_set,
    write_templates,
)

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture(scope="module")
def checkov_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    executable = checkov_executable()
    if executable is None:
        pytest.skip("checkov is not installed: run `make .venv-checkov/.installed`")
    templates = write_templates(tmp_path_factory.mktemp("checkov"), extra={"bare": BARE_BUCKET_TEMPLATE})
    args = [str(executable), "--skip-download", "--framework", "cloudformation", "-d", str(templates)]
    run = subprocess.run(
        [*args, "-o", "json", "--quiet"], capture_output=True, text=True, check=False, timeout=600
    )
    assert run.returncode in (0, 1), run.stderr
    report = json.loads(run.stdout)
    (cfn,) = report if isinstance(report, list) else [report]
    return dict(cfn)


@pytest.fixture(scope="module")
def checkov_results(checkov_report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    results: dict[str, list[dict[str, Any]]] = checkov_report["results"]
    return results


def _template_name(check: dict[str, Any]) -> str:
    return Path(check["file_path"]).name.removesuffix(".template.json")


def test_checkov_has_no_failed_checks(checkov_results: dict[str, list[dict[str, Any]]]) -> None:
    failed = sorted(
        (_template_name(c), c["check_id"], c["resource"])
        for c in checkov_results["failed_checks"]
        if _template_name(c) != "bare"
    )
    assert failed == []


def test_checkov_flags_a_bare_bucket(checkov_results: dict[str, list[dict[str, Any]]]) -> None:
    failed = {c["check_id"] for c in checkov_results["failed_checks"] if _template_name(c) == "bare"}
    assert "CKV_AWS_18" in failed, failed


def test_checkov_honours_every_metadata_skip(checkov_report: dict[str, Any]) -> None:
    # Each skip written in metadata is counted as skipped (--quiet lists only failures): none is
    # misspelled or ignored, and none applies to a check that would pass anyway.
    declared = [
        rule
        for template in template_set().templates.values()
        for rules in suppressions(template, "checkov").values()
        for rule in rules
    ]
    assert declared and checkov_report["summary"]["skipped"] == len(declared)


def test_every_checkov_skip_is_documented() -> None:
    doc = (DOCS / "security.md").read_text()
    ids = {
        r for t in template_set().templates.values() for rs in suppressions(t, "checkov").values() for r in rs
    }
    assert sorted(r for r in ids if f"`{r}`" not in doc) == []
