"""Conformance: CloudTrail's documented selector examples against documented records.

Each case of tests/data/conformance.json names a selector set (the User Guide's network activity
examples of aws_examples.json, or the documented rule examples of conformance.json), a record (AWS's
sample records, or records built with the fields the record reference lists) and the verdict worked
out by hand from the documented rules, with the reason and the source URL. The compiled evaluator,
``explain`` and ``simulate`` must all give that verdict.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from network_trail.simulator import SelectorSet, compile_selectors, explain, simulate

DATA = Path(__file__).resolve().parent / "data"
CONFORMANCE = json.loads((DATA / "conformance.json").read_text())
AWS_EXAMPLES = json.loads((DATA / "aws_examples.json").read_text())
CASES: list[dict[str, Any]] = CONFORMANCE["cases"]


def selector_set(name: str) -> list[dict[str, Any]]:
    if name in AWS_EXAMPLES["examples"]:
        examples: list[dict[str, Any]] = AWS_EXAMPLES["examples"][name]
        return examples
    documented: list[dict[str, Any]] = CONFORMANCE["selectors"][name]["json"]
    return documented


def record(name: str) -> dict[str, Any]:
    entry = CONFORMANCE["records"][name]
    if "file" in entry:
        loaded: dict[str, Any] = json.loads((DATA / entry["file"]).read_text())
        return loaded
    built: dict[str, Any] = entry["record"]
    return built


def test_every_selector_set_and_record_names_its_source() -> None:
    assert AWS_EXAMPLES["source"].startswith("https://docs.aws.amazon.com/")
    for entry in [*CONFORMANCE["selectors"].values(), *CONFORMANCE["records"].values()]:
        assert entry["source"], entry
    documented = list(CONFORMANCE["selectors"].values())
    assert all(e["source"].startswith("https://docs.aws.amazon.com/") for e in documented)


def test_every_documented_selector_example_has_cases() -> None:
    used = {c["selectors"] for c in CASES}
    assert set(AWS_EXAMPLES["examples"]) | set(CONFORMANCE["selectors"]) <= used


@pytest.mark.parametrize("case", CASES, ids=[f"{c['selectors']}-{c['record']}" for c in CASES])
def test_documented_verdict(case: dict[str, Any]) -> None:
    selectors, rec = selector_set(case["selectors"]), record(case["record"])
    # THEN the compiled evaluator and explain give the verdict worked out from the documented rules
    assert compile_selectors(selectors).matches(rec) is case["logged"], case["why"]
    assert explain(selectors, rec).logged is case["logged"], case["why"]


@pytest.mark.parametrize("name", sorted({c["selectors"] for c in CASES}))
def test_simulate_counts_the_documented_verdicts_of_a_log_file(name: str, tmp_path: Path) -> None:
    # GIVEN a log file holding every record of the cases of one selector set
    cases = [c for c in CASES if c["selectors"] == name]
    path = tmp_path / "log.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"Records": [record(c["record"]) for c in cases]}).encode()))
    # WHEN it is simulated (the typed decoder path where msgspec is installed)
    (report,) = simulate([path], [SelectorSet(name, tuple(selector_set(name)))]).sets
    # THEN the counts are those of the documented verdicts
    logged = sum(c["logged"] for c in cases)
    assert (report.logged, report.dropped) == (logged, len(cases) - logged)


MIXED_SETS = ["cli-example-1-management-s3-lambda-sns", "cli-example-1-with-network-activity"]


@pytest.mark.parametrize("name", MIXED_SETS)
def test_every_command_accepts_the_documented_mixed_selector_sets(name: str, tmp_path: Path) -> None:
    # GIVEN the documented set as `aws cloudtrail get-event-selectors` prints it (the CLI example's Output)
    from click.testing import CliRunner

    from network_trail.cli import main

    live = tmp_path / "live.json"
    trail_arn = "arn:aws:cloudtrail:us-east-1:123456789012:trail/myTrail"
    live.write_text(json.dumps({"TrailARN": trail_arn, "AdvancedEventSelectors": selector_set(name)}))
    records = tmp_path / "records.json"
    cases = [c for c in CASES if c["selectors"] == name]
    records.write_text(json.dumps({"Records": [record(c["record"]) for c in cases]}))
    endpoints = DATA / "describe-vpc-endpoints.json"
    runs = {
        "render": ["render", "--live", str(live)],
        "simulate": ["simulate", str(records), "--live", str(live), "--json"],
        "explain": ["explain", str(records), "--live", str(live)],
        "diff": ["diff", "--live", str(live), "--live", str(live), "--logs", str(records)],
        "coverage": ["coverage", "--endpoints", str(endpoints), "--live", str(live)],
        "athena": ["simulate", "--athena", "--from", "2026-11-01", "--to", "2026-11-01", "--live", str(live)],
    }
    # WHEN every command reads it THEN none refuses it (0.2 stopped at the data selectors)
    for command, args in runs.items():
        result = CliRunner().invoke(main, args, catch_exceptions=False)
        assert result.exit_code == 0, (command, result.output)
    # AND render gives the documented JSON back, field order included
    rendered = CliRunner().invoke(main, runs["render"], catch_exceptions=False).output
    assert json.loads(rendered) == selector_set(name)
    # AND simulate counts the documented verdicts
    result = CliRunner().invoke(main, runs["simulate"], catch_exceptions=False)
    (report,) = json.loads(result.output)["sets"]
    assert report["logged"] == sum(c["logged"] for c in cases)
