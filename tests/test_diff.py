"""network-trail diff: selectors added, removed and changed; the change in logged events and cost."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from network_trail import presets, render_selectors
from network_trail.cli import main
from network_trail.diff import diff_selectors

Record = dict[str, Any]
VPCE = "vpce-0123456789abcdef0"
# CloudTrail pricing: network activity events cost $0.10 per 100,000 events delivered.
PRICE = 0.10 / 100_000


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value))
    return path


def test_the_same_selectors_differ_in_nothing() -> None:
    selectors = render_selectors(presets.ga_access_denied())
    result = diff_selectors(selectors, list(reversed(selectors)))
    assert result.is_empty
    assert result.unchanged == 5


def test_a_new_source_is_added_and_a_dropped_one_removed() -> None:
    before = render_selectors(presets.for_sources(["kms", "s3"]))
    after = render_selectors(presets.for_sources(["kms", "ec2"]))
    result = diff_selectors(before, after)
    assert [s["Name"] for s in result.added] == ["Log access denied network activity events for EC2"]
    assert [s["Name"] for s in result.removed] == ["Log access denied network activity events for S3"]
    assert result.unchanged == 1


def test_access_denied_to_log_all_is_one_changed_selector_in_words() -> None:
    before = render_selectors([presets.access_denied("kms")])
    after = render_selectors([presets.log_all("kms", vpc_endpoint_ids=[VPCE])])
    (change,) = diff_selectors(before, after).changed
    assert change.changes == (
        "renamed from 'Log access denied network activity events for KMS' to "
        "'Log all network activity events for KMS on selected VPC endpoints'",
        "drops the condition errorCode Equals ['VpceAccessDenied'] (it now logs allowed calls too, not only "
        "those denied by a VPC endpoint policy)",
        f"adds the condition vpcEndpointId Equals ['{VPCE}']",
    )


def test_changed_endpoint_values_are_listed() -> None:
    other = "vpce-0fedcba9876543210"
    before = render_selectors([presets.log_all("kms", vpc_endpoint_ids=[VPCE])])
    after = render_selectors([presets.log_all("kms", vpc_endpoint_ids=[other])])
    (change,) = diff_selectors(before, after).changed
    assert change.changes == (f"vpcEndpointId Equals: adds ['{other}']; removes ['{VPCE}']",)


def test_two_selectors_of_one_source_are_not_guessed_into_a_pair() -> None:
    before = render_selectors([presets.access_denied("kms")])
    after = render_selectors(
        [
            presets.log_all("kms", vpc_endpoint_ids=[VPCE]),
            presets.access_denied("kms", event_names=["Decrypt"]),
        ]
    )
    result = diff_selectors(before, after)
    assert (len(result.added), len(result.removed), len(result.changed)) == (2, 1, 0)


# ---------------------------------------------------------------------------
# The command


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    live = write(
        tmp_path / "live.json",
        {
            "TrailARN": "arn:aws:cloudtrail:us-east-1:123456789012:trail/t",
            "AdvancedEventSelectors": render_selectors([presets.access_denied("kms")]),
        },
    )
    code = write(tmp_path / "code.json", render_selectors([presets.log_all("kms")]))
    return live, code


def test_diff_prints_the_change_in_words(inputs: tuple[Path, Path]) -> None:
    live, code = inputs
    result = run("diff", "--live", str(live), "--selectors", str(code))
    assert result.exit_code == 0
    assert result.output.splitlines()[:2] == [
        "selectors: live t -> --selectors code.json",
        "~ changed  Log all network activity events for KMS",
    ]


def test_diff_exit_code_gates_a_pipeline(inputs: tuple[Path, Path]) -> None:
    live, code = inputs
    assert run("diff", "--live", str(live), "--selectors", str(code), "--exit-code").exit_code == 1
    assert run("diff", "--selectors", str(code), "--selectors", str(code), "--exit-code").exit_code == 0


def test_diff_needs_exactly_two_inputs(inputs: tuple[Path, Path]) -> None:
    result = run("diff", "--live", str(inputs[0]))
    assert result.exit_code == 2
    assert "diff takes 2 selector sets, got 1" in result.stderr


def test_diff_with_logs_reports_events_and_monthly_cost(
    inputs: tuple[Path, Path], tmp_path: Path, sample_record: Callable[[str], Record]
) -> None:
    # GIVEN three allowed and one denied KMS call, 36 seconds apart from first to last
    allowed = sample_record("kms-listkeys-allowed.json")
    denied = sample_record("kms-listkeys-denied-external.json")
    times = ["2026-11-20T10:00:00Z", "2026-11-20T10:00:10Z", "2026-11-20T10:00:20Z", "2026-11-20T10:00:36Z"]
    records = [{**r, "eventTime": t} for r, t in zip([allowed, allowed, allowed, denied], times, strict=True)]
    logs = write(tmp_path / "logs.json", {"Records": records})
    live, code = inputs
    # WHEN access-denied (1 event) becomes log-all (4 events)
    data = json.loads(
        run("diff", "--live", str(live), "--selectors", str(code), "--logs", str(logs), "--json").stdout
    )
    total = data["logs"]["changes"][0]
    # THEN 4x the events, each month's cost scaled from 36 seconds to 30 days
    month = 30 * 24 * 3600 / 36
    assert (total["source"], total["logged_before"], total["logged_after"], total["ratio"]) == (
        "total",
        1,
        4,
        4.0,
    )
    assert total["monthly_cost_before_usd"] == round(1 * PRICE * month, 2)
    assert total["monthly_cost_after_usd"] == round(4 * PRICE * month, 2)
    text = run("diff", "--live", str(live), "--selectors", str(code), "--logs", str(logs)).output
    assert (
        f"kms.amazonaws.com (NetworkActivity): 4.0x the events (1 -> 4), +${3 * PRICE * month:,.2f} a month"
        in text
    )


def test_diff_json_lists_every_part(inputs: tuple[Path, Path]) -> None:
    live, code = inputs
    data = json.loads(run("diff", "--live", str(live), "--selectors", str(code), "--json").stdout)
    assert (data["before"], data["after"], data["added"], data["removed"], data["unchanged"]) == (
        "live t",
        "--selectors code.json",
        [],
        [],
        0,
    )
    assert data["changed"][0]["after"] == render_selectors([presets.log_all("kms")])[0]
