"""The network-trail command: presets, render, simulate, explain."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from network_trail import NetworkActivityEventSource, presets, render_selectors
from network_trail.cli import main

from .conftest import DATA, ROOT
from .data.whole_trail import WHOLE_TRAIL

Record = dict[str, Any]


def run(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def log_dir(tmp_path: Path, sample_record: Callable[[str], Record]) -> Path:
    day = (
        tmp_path
        / "logs"
        / "AWSLogs"
        / "123456789012"
        / "CloudTrail-NetworkActivity"
        / "us-east-1"
        / "2024"
        / "06"
        / "04"
    )
    day.mkdir(parents=True)
    records = [
        sample_record(name) for name in ("kms-listkeys-allowed.json", "kms-listkeys-denied-external.json")
    ]
    (day / "a.json.gz").write_bytes(gzip.compress(json.dumps({"Records": records}).encode()))
    return tmp_path / "logs"


# The --help texts of the group and of every command, pinned: tests/data/cli-help/<command>.txt holds the
# output of `network-trail [<command>] --help` recorded from the console script before the CLI became a
# package of commands (issue 22), so a change to any option, help line or docstring shows here.
HELP_TEXTS = DATA / "cli-help"
COMMANDS = [
    "presets",
    "render",
    "simulate",
    "explain",
    "diff",
    "verify",
    "coverage",
    "replay",
    "advise",
    "preflight",
]


def test_commands_are_registered_in_order() -> None:
    assert list(main.commands) == COMMANDS


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_text_is_unchanged(command: str | None) -> None:
    # GIVEN the help text recorded for the command, off a terminal: 80 columns, less click's margin of 2
    expected = (HELP_TEXTS / f"{command or 'network-trail'}.txt").read_text()
    # WHEN the command's --help runs
    args = [command, "--help"] if command else ["--help"]
    result = CliRunner().invoke(main, args, catch_exceptions=False, terminal_width=78)
    # THEN it prints exactly that text
    assert result.exit_code == 0
    assert result.output == expected


def test_presets_lists_every_source_in_a_table() -> None:
    result = run("presets")
    assert "access-denied" in result.output
    assert all(s.value in result.output for s in NetworkActivityEventSource)


def test_presets_prints_json() -> None:
    data = json.loads(run("presets", "--json").output)
    assert [p["preset"] for p in data["presets"]] == ["log-all", "access-denied"]
    # The newest documented list (tests/data/event-sources-2026.txt) has 96 sources, of 2026-07
    assert (len(data["sources"]), data["source_list_date"]) == (96, "2026-07")
    assert data["removed_sources"] == [
        "cloudoptimization.amazonaws.com",
        "nova-act.amazonaws.com",
        "transform-agents.amazonaws.com",
        "transform-custom.amazonaws.com",
    ]


def test_render_preset_prints_what_put_event_selectors_takes() -> None:
    result = run("render", "--preset", "access-denied", "--source", "kms", "--source", "s3")
    expected = render_selectors(presets.for_sources(["kms", "s3"], preset="access-denied"))
    assert json.loads(result.output) == expected


def test_render_preset_scopes_to_vpc_endpoints() -> None:
    result = run(
        "render", "--preset", "log-all", "--source", "kms", "--vpc-endpoint-id", "vpce-0123456789abcdef0"
    )
    expected = render_selectors([presets.log_all("kms", vpc_endpoint_ids=["vpce-0123456789abcdef0"])])
    assert json.loads(result.output) == expected


def test_render_env_prints_the_environment_selectors() -> None:
    from network_trail.app.config import CONTEXT_KEY, load_environments

    context = json.loads((ROOT / "cdk.json").read_text())["context"][CONTEXT_KEY]
    prod = {e.name: e for e in load_environments(context)}["prod"]
    result = run("render", "--config", str(ROOT / "cdk.json"), "--env", "prod")
    assert json.loads(result.output) == render_selectors(prod.selectors)


def test_fails_when_env_is_unknown() -> None:
    result = run("render", "--config", str(ROOT / "cdk.json"), "--env", "nope")
    assert result.exit_code == 2
    assert "--env 'nope' is not an environment" in result.output


def test_fails_when_render_gets_two_selector_sets() -> None:
    result = run(
        "render", "--preset", "log-all", "--source", "kms", "--preset", "access-denied", "--source", "kms"
    )
    assert result.exit_code == 2
    assert "render takes 1 selector set, got 2" in result.output


def test_fails_when_preset_has_no_source() -> None:
    result = run("render", "--preset", "log-all")
    assert result.exit_code == 2
    assert "--preset log-all has no --source after it" in result.output


def test_fails_when_source_is_unknown() -> None:
    result = run("render", "--preset", "log-all", "--source", "nosuchservice")
    assert result.exit_code == 2
    assert "'nosuchservice' is not a network activity event source" in result.output


def test_simulate_compares_two_preset_sets_side_by_side(log_dir: Path) -> None:
    result = run(
        "simulate",
        str(log_dir),
        "--preset",
        "log-all",
        "--source",
        "kms",
        "--preset",
        "access-denied",
        "--source",
        "kms",
        "--json",
    )
    assert result.exit_code == 0
    sets = json.loads(result.output)["sets"]
    assert [(s["label"], s["logged"], s["dropped"]) for s in sets] == [
        ("preset log-all (kms)", 2, 0),
        ("preset access-denied (kms)", 1, 1),
    ]


def test_simulate_prints_a_table_with_cost(log_dir: Path) -> None:
    result = run("simulate", str(log_dir), "--preset", "log-all", "--source", "ga")
    assert result.exit_code == 0
    assert "kms.amazonaws.com (NetworkActivity)" in result.output
    assert "$/30 days" in result.output


def test_simulate_reads_selectors_from_a_file(log_dir: Path, tmp_path: Path) -> None:
    sel_file = tmp_path / "selectors.json"
    sel_file.write_text(json.dumps({"AdvancedEventSelectors": render_selectors(presets.ga_access_denied())}))
    data = json.loads(run("simulate", str(log_dir), "--selectors", str(sel_file), "--json").output)
    assert data["sets"][0]["logged"] == 1


def test_simulate_names_the_bad_file_and_exits_non_zero(log_dir: Path) -> None:
    bad = log_dir / "broken.json"
    bad.write_text('{"Records": [')
    result = run("simulate", str(log_dir), "--preset", "log-all", "--source", "kms", "--json")
    assert result.exit_code == 1
    assert f"error: {bad}: invalid JSON" in result.stderr
    assert json.loads(result.stdout)["records"] == 2


def test_simulate_shows_progress_when_asked(log_dir: Path) -> None:
    result = run("simulate", str(log_dir), "--preset", "log-all", "--source", "kms", "--progress")
    assert "1/1 files, 2 records" in result.stderr


def test_explain_reads_a_record_from_stdin() -> None:
    record = (DATA / "kms-listkeys-denied-external.json").read_text()
    result = run("explain", "--preset", "access-denied", "--source", "kms", input=record)
    assert "LOGGED" in result.output
    assert "matched  [0] Log access denied network activity events for KMS" in result.output


def test_explain_gives_the_failing_condition_as_json() -> None:
    result = run(
        "explain",
        str(DATA / "kms-listkeys-allowed.json"),
        "--preset",
        "access-denied",
        "--source",
        "kms",
        "--json",
    )
    (explained,) = json.loads(result.output)
    assert explained["logged"] is False
    assert explained["failures"][0] | {"name": None} == {
        "index": 0,
        "name": None,
        "field": "errorCode",
        "operator": "Equals",
        "values": ["VpceAccessDenied"],
        "actual": None,
        "alternatives": [{"operator": "Equals", "values": ["VpceAccessDenied"]}],
        "element": None,
    }
    assert (explained["category"], explained["category_inferred_from"]) == ("NetworkActivity", None)


def test_explain_json_gives_every_select_alternative_and_the_resources_element(tmp_path: Path) -> None:
    # GIVEN a data selector whose resources.ARN has two SELECT operators, and an S3 data record of
    # eventVersion 1.05 (no eventCategory) whose object element (resources[0]) matches neither
    selectors = tmp_path / "selectors.json"
    selectors.write_text(
        json.dumps(
            [
                {
                    "Name": "two buckets",
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Data"]},
                        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                        {
                            "Field": "resources.ARN",
                            "StartsWith": ["arn:aws:s3:::bucket-a/"],
                            "EndsWith": [".log"],
                        },
                    ],
                }
            ]
        )
    )
    ages = json.loads((DATA / "records-of-every-age.json").read_text())["records"]
    (old,) = [e["record"] for e in ages if e["name"] == "s3-getobject-1.05"]
    record = tmp_path / "record.json"
    record.write_text(json.dumps(old))
    result = run("explain", str(record), "--selectors", str(selectors), "--json")
    (explained,) = json.loads(result.output)
    # THEN (UG-FILTER: SELECT operators are OR'd) both alternatives are listed, with the element
    assert explained["category"] == "Data"
    assert explained["category_inferred_from"] == "resources type AWS::S3::Object"
    (failure,) = explained["failures"]
    assert failure["field"] == "resources.ARN"
    assert failure["alternatives"] == [
        {"operator": "StartsWith", "values": ["arn:aws:s3:::bucket-a/"]},
        {"operator": "EndsWith", "values": [".log"]},
    ]
    assert failure["element"] == 0
    assert failure["actual"] == "arn:aws:s3:::amzn-s3-demo-bucket/report.csv"
    text = run("explain", str(record), "--selectors", str(selectors)).output
    assert "eventCategory Data inferred from resources type AWS::S3::Object" in text


def test_explain_picks_a_record_of_a_log_file(log_dir: Path) -> None:
    log = next(log_dir.rglob("*.json.gz"))
    plain = log.with_suffix("")
    plain.write_bytes(gzip.decompress(log.read_bytes()))
    result = run("explain", str(plain), "--index", "1", "--preset", "access-denied", "--source", "kms")
    assert "LOGGED" in result.output


def test_fails_when_explain_index_is_out_of_range(log_dir: Path) -> None:
    log = next(log_dir.rglob("*.json.gz"))
    plain = log.with_suffix("")
    plain.write_bytes(gzip.decompress(log.read_bytes()))
    result = run("explain", str(plain), "--index", "5", "--preset", "log-all", "--source", "kms")
    assert result.exit_code == 2
    assert "--index 5 is out of range" in result.output


def test_importing_the_cli_does_not_import_aws_cdk() -> None:
    # A fresh interpreter: this test process has aws_cdk loaded already.
    code = "import sys, network_trail.cli, network_trail.simulator; print('aws_cdk' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize(
    "args",
    [
        ["render", "--preset", "log-all", "--source", "kms"],
        ["render", "--template", "{template}"],
        ["render", "--selectors", "{selectors}"],
        ["simulate", "{record}", "--template", "{template}", "--json"],
        ["explain", "{record}", "--preset", "access-denied", "--source", "ga"],
        ["diff", "--selectors", "{selectors}", "--template", "{template}", "--logs", "{record}"],
    ],
    ids=[
        "render-preset",
        "render-template",
        "render-selectors",
        "simulate-template",
        "explain-preset",
        "diff-template",
    ],
)
def test_commands_that_synthesize_nothing_never_start_node(args: list[str], tmp_path: Path) -> None:
    # A fresh interpreter runs the command; jsii (the Node bridge) and aws_cdk must not be loaded after it.
    selectors = tmp_path / "selectors.json"
    selectors.write_text(json.dumps(render_selectors(presets.ga_access_denied())))
    values = {
        "template": str(
            Path(__file__).parent / "__snapshots__" / "test_snapshot" / "test_default_construct.json"
        ),
        "selectors": str(selectors),
        "record": str(DATA / "kms-listkeys-allowed.json"),
    }
    argv = [a.format(**values) for a in args]
    code = (
        "import sys\n"
        "from network_trail.cli import main\n"
        f"try: main({argv!r})\n"
        "except SystemExit as exit: assert exit.code == 0, exit.code\n"
        "print('loaded:', sorted(m for m in ('jsii', 'aws_cdk') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.splitlines()[-1] == "loaded: []"


def test_simulate_reads_one_record_json_lines_and_stdin(
    tmp_path: Path, sample_record: Callable[[str], Record]
) -> None:
    allowed = sample_record("kms-listkeys-allowed.json")
    denied = sample_record("kms-listkeys-denied-external.json")
    one = tmp_path / "one.json"
    one.write_text(json.dumps(denied, indent=2))
    lines = tmp_path / "many.jsonl"
    lines.write_text(f"{json.dumps(allowed)}\n{json.dumps(denied)}\n")
    stdin = json.dumps({"Records": [allowed]})
    args = ["simulate", str(one), str(lines), "-", "--preset", "access-denied", "--source", "kms", "--json"]
    result = run(*args, input=stdin)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["files"], report["records"]) == (3, 4)
    assert (report["sets"][0]["logged"], report["sets"][0]["dropped"]) == (2, 2)


def test_explain_reads_a_gzip_json_lines_file(tmp_path: Path, sample_record: Callable[[str], Record]) -> None:
    lines = [
        json.dumps(sample_record(n))
        for n in ("kms-listkeys-allowed.json", "kms-listkeys-denied-external.json")
    ]
    path = tmp_path / "records.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    result = run("explain", str(path), "--index", "1", "--preset", "access-denied", "--source", "kms")
    assert "LOGGED" in result.output


def test_unknown_source_gets_the_nearest_names() -> None:
    result = CliRunner().invoke(main, ["render", "--preset", "access-denied", "--source", "secretmanager"])
    assert result.exit_code != 0
    assert "did you mean 'secretsmanager'" in result.output


def test_explain_follows_the_rule_for_select_and_deselect_operators(tmp_path: Path) -> None:
    # GIVEN a selectors file: eventName Equals CreateKey or StartsWith List, but not ListAliases
    selectors = [
        {
            "Name": "mixed",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
                {"Field": "eventSource", "Equals": ["kms.amazonaws.com"]},
                {
                    "Field": "eventName",
                    "Equals": ["CreateKey"],
                    "StartsWith": ["List"],
                    "NotEquals": ["ListAliases"],
                },
            ],
        }
    ]
    path = tmp_path / "selectors.json"
    path.write_text(json.dumps(selectors))
    base = {"eventCategory": "NetworkActivity", "eventSource": "kms.amazonaws.com"}
    # WHEN explain reads a ListKeys, a ListAliases and a Decrypt record
    outputs = {
        name: run(
            "explain", "--selectors", str(path), "-", input=json.dumps({**base, "eventName": name})
        ).output
        for name in ("ListKeys", "ListAliases", "Decrypt")
    }
    # THEN ListKeys is logged, ListAliases dropped by NotEquals, Decrypt by the SELECT group
    assert "LOGGED" in outputs["ListKeys"]
    assert "NotEquals ['ListAliases'] fails" in outputs["ListAliases"]
    assert "Equals ['CreateKey'] or StartsWith ['List'] fails: none of them matches" in outputs["Decrypt"]


# --- whole trails: data selectors in every command (issue 19) -------------------------------------


def _data_logs(tmp_path: Path) -> Path:
    """One hour: a management event, an S3 data event of the bucket and one of another bucket."""
    records = [
        {
            "eventTime": "2026-01-01T00:00:00Z",
            "eventCategory": "Management",
            "eventSource": "iam.amazonaws.com",
        },
        {
            "eventTime": "2026-01-01T00:30:00Z",
            "eventCategory": "Data",
            "eventSource": "s3.amazonaws.com",
            "resources": [{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::amzn-s3-demo-bucket/a.csv"}],
        },
        {
            "eventTime": "2026-01-01T01:00:00Z",
            "eventCategory": "Data",
            "eventSource": "s3.amazonaws.com",
            "resources": [{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::other-bucket/a.csv"}],
        },
    ]
    path = tmp_path / "data-logs.json"
    path.write_text(json.dumps({"Records": records}))
    return path


def test_simulate_prices_data_events_and_the_first_management_copy(tmp_path: Path) -> None:
    selectors = tmp_path / "trail.json"
    selectors.write_text(json.dumps(WHOLE_TRAIL))
    logs = _data_logs(tmp_path)
    extra = json.loads(run("simulate", str(logs), "--selectors", str(selectors), "--json").output)
    first = json.loads(
        run("simulate", str(logs), "--selectors", str(selectors), "--json", "--first-management-copy").output
    )
    # THEN the management event and the bucket's data event are logged, the other bucket's dropped;
    # 30 days are 720 hours: $2.00 + $0.10 per 100,000 (an extra copy), $0.10 (the free first copy)
    (report,) = extra["sets"]
    assert (report["logged"], report["dropped"]) == (2, 1)
    assert report["monthly_cost_usd"] == round(720 * 2.10 / 100_000, 2)
    assert first["sets"][0]["monthly_cost_usd"] == round(720 * 0.10 / 100_000, 2)


def test_diff_live_compares_a_trail_with_data_selectors(tmp_path: Path) -> None:
    live = tmp_path / "live.json"
    live.write_text(
        json.dumps(
            {
                "TrailARN": "arn:aws:cloudtrail:us-east-1:111111111111:trail/t",
                "AdvancedEventSelectors": WHOLE_TRAIL,
            }
        )
    )
    code = tmp_path / "code.json"
    code.write_text(json.dumps([WHOLE_TRAIL[0], WHOLE_TRAIL[2]]))
    result = run("diff", "--live", str(live), "--selectors", str(code), "--logs", str(_data_logs(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "S3 data events for one bucket" in result.output
    assert "s3.amazonaws.com (Data): none of its 1 events" in result.output


def test_coverage_ignores_data_selectors_and_says_so(tmp_path: Path) -> None:
    selectors = tmp_path / "trail.json"
    selectors.write_text(json.dumps(WHOLE_TRAIL))
    endpoints = DATA / "describe-vpc-endpoints.json"
    result = run("coverage", "--endpoints", str(endpoints), "--selectors", str(selectors))
    assert "ignored: 1 data event selector(s)" in result.output
    assert "S3 data events for one bucket" in result.output
    report = json.loads(
        run("coverage", "--endpoints", str(endpoints), "--selectors", str(selectors), "--json").output
    )
    assert report["ignoredDataSelectors"] == ["--selectors trail.json: S3 data events for one bucket"]
