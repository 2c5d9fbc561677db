"""The ``network-trail`` command: list presets, render selectors, simulate them on real logs.

Selectors come from :mod:`network_trail.cli.inputs` (templates, live trails, files,
presets, the sample app's environments). No command imports aws_cdk, so none
starts Node, except for ``--env``: :mod:`network_trail.app.config` builds CDK values.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn, TextIO

import click

from ..errors import NetworkTrailError
from ..model.presets import Preset
from ..model.sources import (
    CURRENT_SOURCES,
    GA_SOURCES,
    REMOVED_SOURCES,
    SOURCE_LIST_DATE,
    source_label,
)
from ..simulator import (
    FileProblem,
    SelectorSet,
    SimulationReport,
    compile_selectors,
    iter_log_files,
    read_records,
    simulate,
)
from ..simulator.diff import LoggedChange, diff_logged, diff_selectors
from .inputs import SelectorInput, SelectorOptions, selector_input_options
from .verify import verify_trail

__all__ = ["main"]

_ATHENA_ONLY = {
    "--from": "start",
    "--to": "end",
    "--table": "table",
    "--database": "database",
    "--workgroup": "workgroup",
    "--run": "run",
}
"""Options of ``simulate`` that apply to ``--athena`` only, and their parameter names."""


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2))


# ---------------------------------------------------------------------------
# Selector inputs (network_trail.cli.inputs)


def _load(options: SelectorOptions, *, count: int | None = None, command: str = "") -> list[SelectorInput]:
    """The validated selector sets, their warnings on stderr; exit 2 with the construct's error when invalid."""
    try:
        inputs = options.load()
    except NetworkTrailError as err:
        _fail(str(err))
    for item in inputs:
        for warning in item.warnings:
            click.echo(f"warning: {warning}", err=True)
    if count is not None and len(inputs) != count:
        labels = [i.label for i in inputs]
        _fail(
            f"{command} takes {count} selector set{'s' if count > 1 else ''}, got {len(inputs)} ({labels}): "
            + (
                "give one input, or --trail NAME to pick one trail of a --template"
                if count == 1
                else "give two inputs, the old then the new, e.g. --live live.json --template cdk.out"
            )
        )
    return inputs


# ---------------------------------------------------------------------------
# Commands


@click.group(name="network-trail", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="network-trail")
def main() -> None:
    """CloudTrail network activity events for VPC endpoints: presets, selectors and a simulator."""


@main.command("presets")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def presets_command(as_json: bool) -> None:
    """List the presets and every event source they can be built for."""
    presets_rows = [
        {
            "preset": Preset.LOG_ALL.value,
            "fields": "eventCategory, eventSource",
            "note": "every call is billed",
        },
        {
            "preset": Preset.ACCESS_DENIED.value,
            "fields": "eventCategory, eventSource, errorCode=VpceAccessDenied",
            "note": "denials by VPC endpoint policies only",
        },
    ]
    sources = [{"source": s.value, "label": source_label(s), "ga": s in GA_SOURCES} for s in CURRENT_SOURCES]
    removed = sorted(s.value for s in REMOVED_SOURCES)
    if as_json:
        _print_json(
            {
                "presets": presets_rows,
                "sources": sources,
                "source_list_date": SOURCE_LIST_DATE,
                "removed_sources": removed,
            }
        )
        return
    _table(["PRESET", "FIELDS", "NOTE"], [[r["preset"], r["fields"], r["note"]] for r in presets_rows])
    click.echo()
    _table(
        ["SOURCE", "LABEL", "GA"],
        [[str(s["source"]), str(s["label"]), "yes" if s["ga"] else ""] for s in sources],
    )
    click.echo(
        f"\n{len(sources)} sources, list of {SOURCE_LIST_DATE}; 'ga' = the five sources of 2025-02-13."
        f"\nNo longer listed (still accepted, with a warning at synth): {', '.join(removed)}."
    )


@main.command()
@selector_input_options
def render(selector_options: SelectorOptions) -> None:
    """Print selectors as `aws cloudtrail put-event-selectors --advanced-event-selectors` takes them.

    Give one input: a --template trail, a --live or --selectors file, an --env
    of the sample app, or one --preset with its --source options. The selectors
    are checked as the construct checks them (CloudTrail's 500-value quota
    included). The output is always JSON, e.g.:

    \b
      aws cloudtrail put-event-selectors --trail-name T \\
        --advanced-event-selectors "$(network-trail render --template cdk.out)"
    """
    (chosen,) = _load(selector_options, count=1, command="render")
    _print_json(chosen.rendered())


class _Progress:
    """A one-line progress report on stderr."""

    def __init__(self, stream: TextIO, total_files: int | None) -> None:
        self.stream = stream
        self.total = total_files
        self.files = 0
        self.records = 0
        self.start = time.monotonic()
        self.shown = 0.0

    def update(self, _path: Path, records: int) -> None:
        self.files += 1
        self.records += records
        now = time.monotonic()
        if now - self.shown >= 0.2:
            self.shown = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        rate = self.records / max(now - self.start, 1e-9)
        total = f"/{self.total}" if self.total else ""
        self.stream.write(f"\r{self.files}{total} files, {self.records:,} records, {rate:,.0f} records/s ")
        self.stream.flush()

    def close(self) -> None:
        self._draw(time.monotonic())
        self.stream.write("\n")
        self.stream.flush()


def _jobs_option(help_text: str) -> Callable[[Any], Any]:
    """``--jobs``/``-j``: how many processes read log files (default: one per CPU)."""
    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        default=lambda: os.cpu_count() or 1,
        show_default="number of CPUs",
        help=help_text,
    )


def _athena_options(func: Any) -> Any:
    """The options of ``simulate --athena``: one SQL query over the NetworkActivityQueries table."""
    options = [
        click.option(
            "--athena", is_flag=True, help="Print one Athena SQL query doing the simulation over the table."
        ),
        click.option(
            "--from",
            "start",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            help="--athena: first delivery day read (UTC). Default: 6 days before --to.",
        ),
        click.option(
            "--to",
            "end",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            help="--athena: last delivery day read (UTC). Default: today.",
        ),
        click.option(
            "--table", help="--athena: the table of NetworkActivityQueries. Default: network_activity."
        ),
        click.option(
            "--database", help="--athena: its Glue database. Without it the table name is unqualified."
        ),
        click.option("--workgroup", help="--run: the Athena workgroup of NetworkActivityQueries."),
        click.option("--run", is_flag=True, help="--athena: run the query with boto3 and print the report."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _athena_command(sets: Sequence[SelectorSet], as_json: bool, athena: dict[str, Any]) -> None:
    """``simulate --athena``: print the SQL, or run it (``--run``) and print the report."""
    from ..simulator.athena_sql import DEFAULT_TABLE_NAME, compile_simulation, run_simulation

    end: date = athena["end"].date() if athena["end"] else datetime.now(UTC).date()
    start: date = athena["start"].date() if athena["start"] else end - timedelta(days=6)
    table: str = athena["table"] or DEFAULT_TABLE_NAME
    database: str | None = athena["database"]
    try:
        if not athena["run"]:
            click.echo(compile_simulation(sets, start=start, end=end, table=table, database=database))
            return
        if not athena["workgroup"]:
            _fail(
                "--run needs --workgroup NAME, the workgroup of NetworkActivityQueries (its work_group_name)"
            )
        run = run_simulation(
            sets, start=start, end=end, table=table, database=database, workgroup=athena["workgroup"]
        )
    except NetworkTrailError as err:
        _fail(str(err))
    if as_json:
        details: dict[str, Any] = {"query_execution_id": run.query_execution_id}
        details.update({"from": start.isoformat(), "to": end.isoformat(), "scanned_bytes": run.scanned_bytes})
        details["query_cost_usd"] = run.query_cost
        _print_json({"athena": details, **run.report.to_json()})
    else:
        scanned = f"{run.scanned_bytes / 1e6:,.1f} MB scanned, query cost ${run.query_cost:.4f}"
        _print_report(run.report, f"Athena query {run.query_execution_id}: {start} to {end}, {scanned}")


@main.command("simulate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True, allow_dash=True))
@selector_input_options
@_athena_options
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first bad file.")
@_jobs_option("Processes reading files in parallel.")
@click.option(
    "--progress/--no-progress", default=None, help="Progress on stderr. Default: only on a terminal."
)
def simulate_command(
    paths: tuple[Path, ...],
    as_json: bool,
    fail_fast: bool,
    jobs: int,
    progress: bool | None,
    selector_options: SelectorOptions,
    **athena: Any,
) -> None:
    """Count what selectors would log from CloudTrail logs, here or in Athena.

    PATHS are log files (.json, .json.gz, .jsonl, .jsonl.gz), directories of
    them, or - for standard input; a file holds {"Records": [...]}, one record,
    or JSON Lines of either. Every selector set given is
    evaluated in one pass and reported side by side: events logged and dropped per
    selector and per source, the time span covered, and the cost scaled to 30 days
    ($0.10 per 100,000 network activity events). Bad files are reported with the
    reason and skipped; the exit code is 1 if there was any.

    With --athena, no PATHS: print one Athena SQL query that does the same
    simulation over the NetworkActivityQueries table, reading only the days
    --from to --to; with --run, run it in --workgroup (boto3) and print the report.
    """
    used = [option for option, key in _ATHENA_ONLY.items() if athena[key]]
    if athena["athena"] and paths:
        _fail(
            "--athena reads the Athena table, not log files: drop PATHS, or drop --athena to read them here"
        )
    if not athena["athena"] and used:
        are = "is an option" if len(used) == 1 else "are options"
        _fail(f"{', '.join(used)} {are} of --athena: add --athena, or drop them to simulate log files")
    if not athena["athena"] and not paths:
        _fail("simulate needs log files or directories (PATHS, - for standard input), or --athena")
    sets = [i.selector_set() for i in _load(selector_options)]
    if athena["athena"]:
        _athena_command(sets, as_json, athena)
        return
    if Path("-") in paths:
        jobs = 1  # standard input is read once, in this process
    show = sys.stderr.isatty() if progress is None else progress
    try:
        bar = _Progress(sys.stderr, sum(1 for _ in iter_log_files(paths))) if show else None
    except NetworkTrailError as err:
        _fail(str(err))

    def on_problem(problem: FileProblem) -> None:
        if bar:
            bar.stream.write("\n")
        click.echo(f"error: {problem}", err=True)

    try:
        report = simulate(
            paths,
            sets,
            jobs=jobs,
            fail_fast=fail_fast,
            on_problem=on_problem,
            on_file=bar.update if bar else None,
        )
    except NetworkTrailError as err:
        _fail(str(err))
    if bar:
        bar.close()
    if as_json:
        _print_json(report.to_json())
    else:
        _print_report(report)
    if report.problems:
        sys.exit(1)


@main.command("explain")
@click.argument(
    "record_file", type=click.Path(path_type=Path, exists=True, dir_okay=False, allow_dash=True), default="-"
)
@selector_input_options
@click.option("--index", type=int, default=None, help="Which record of a file holding several. Default: 0.")
@click.option("--json", "as_json", is_flag=True, help="Print the reasoning as JSON.")
def explain_command(
    record_file: Path, index: int | None, as_json: bool, selector_options: SelectorOptions
) -> None:
    """Explain why one record (a file, or - for stdin) is logged or dropped.

    The file holds one CloudTrail record, a log file ({"Records": [...]}), or
    JSON Lines, plain or gzip; --index picks a record when it holds several.
    """
    sets = [i.selector_set() for i in _load(selector_options)]
    try:
        records = read_records(record_file)
    except NetworkTrailError as err:
        _fail(f"{record_file}: {err}")
    i = 0 if index is None else index
    if not -len(records) <= i < len(records):
        _fail(
            f"--index {i} is out of range: {record_file} has {len(records)} records; give 0 to {len(records) - 1}"
        )
    data = records[i]
    if not isinstance(data, dict):
        _fail(f"{record_file}: record {i} must be a JSON object, got {type(data).__name__}")
    results = []
    for sel_set in sets:
        exp = compile_selectors(sel_set.selectors).explain(data)
        names = [s.get("Name", f"selector {i}") for i, s in enumerate(sel_set.selectors)]
        results.append(
            {
                "label": sel_set.label,
                "logged": exp.logged,
                "matched": [{"index": i, "name": names[i]} for i in exp.matched],
                "failures": [
                    {
                        "index": f.selector_index,
                        "name": f.selector_name,
                        "field": f.field,
                        "operator": f.operator,
                        "values": list(f.values),
                        "actual": f.actual,
                    }
                    for f in exp.failures
                ],
            }
        )
        if not as_json:
            summary = " ".join(
                f"{k}={data[k]}"
                for k in ("eventSource", "eventName", "errorCode", "vpcEndpointId")
                if k in data
            )
            click.echo(f"{sel_set.label}: {'LOGGED' if exp.logged else 'DROPPED'}  [{summary}]")
            for i in exp.matched:
                click.echo(f"  matched  [{i}] {names[i]}")
            for f in exp.failures:
                click.echo(f"  no match [{f.selector_index}] {f.selector_name}: {f.describe()}")
    if as_json:
        _print_json(results)


@main.command("diff")
@selector_input_options
@click.option(
    "--logs",
    "log_paths",
    multiple=True,
    type=click.Path(path_type=Path, exists=True, allow_dash=True),
    help="CloudTrail logs (files or directories, repeatable): add the change in logged events and cost.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the diff as JSON.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when the selectors differ (for pipelines).")
@_jobs_option("Processes reading --logs in parallel.")
def diff_command(
    log_paths: tuple[Path, ...], as_json: bool, exit_code: bool, jobs: int, selector_options: SelectorOptions
) -> None:
    """Compare two selector sets: selectors added, removed and changed.

    Give two inputs, the old one first, e.g. the deployed trail and the code:

    \b
      network-trail diff --live live.json --template cdk.out

    With --logs, both sets are simulated on the same logs and the change in
    logged events and in the monthly cost is reported, in total and per source.
    """
    before, after = _load(selector_options, count=2, command="diff")
    result = diff_selectors(before.rendered(), after.rendered(), labels=(before.label, after.label))
    logged = None
    if log_paths:
        try:
            report = simulate(
                log_paths,
                [before.selector_set(), after.selector_set()],
                jobs=1 if Path("-") in log_paths else jobs,
                on_problem=lambda problem: click.echo(f"error: {problem}", err=True),
            )
        except NetworkTrailError as err:
            _fail(str(err))
        logged = (report, diff_logged(report))
    if as_json:
        out = result.to_json()
        if logged:
            out["logs"] = {
                "files": logged[0].files,
                "records": logged[0].records,
                "span_seconds": logged[0].span_seconds,
                "changes": [c.to_json() for c in logged[1]],
            }
        _print_json(out)
    else:
        for line in result.lines():
            click.echo(line)
        if logged:
            _print_logged(*logged)
    if logged and logged[0].problems:
        sys.exit(1)
    if exit_code and not result.is_empty:
        sys.exit(1)


def _aws_clients(region: str | None, profile: str | None) -> tuple[Any, Any, Any]:
    """CloudTrail, S3 and KMS clients from boto3 (the ``verify`` extra)."""
    try:
        import boto3
    except ImportError:
        _fail("verify calls AWS with boto3, which is not installed: pip install 'network-trail[verify]'")
    session = boto3.Session(profile_name=profile, region_name=region)
    return session.client("cloudtrail"), session.client("s3"), session.client("kms")


def _expected_trail(chosen: SelectorInput, trail_name: str | None) -> tuple[str, bool | None]:
    """The deployed trail's name and whether it should be multi-Region, from the options or the template."""
    props = chosen.trail.properties if chosen.trail else {}
    name = trail_name or props.get("TrailName")
    if not isinstance(name, str):
        _fail(
            f"verify needs the deployed trail's name: {chosen.label} gives no literal TrailName, pass "
            f"--trail-name NAME (or the trail's ARN)"
        )
    # CloudFormation's IsMultiRegionTrail defaults to false.
    multi = props.get("IsMultiRegionTrail", False) if chosen.trail else None
    return name, multi if isinstance(multi, bool) or multi is None else None


@main.command("verify")
@selector_input_options
@click.option("--trail-name", help="The deployed trail's name or ARN. Default: the template's TrailName.")
@click.option("--region", help="The trail's home Region. Default: the AWS configuration's.")
@click.option("--profile", help="The AWS profile to use. Default: the AWS configuration's.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify_command(
    trail_name: str | None,
    region: str | None,
    profile: str | None,
    as_json: bool,
    selector_options: SelectorOptions,
) -> None:
    """Check a deployed trail against the code, after `cdk deploy` (needs boto3 and credentials).

    Give the expected selectors as one input, usually the synthesized template:

    \b
      network-trail verify --template cdk.out --trail NetworkTrailprod/NetworkTrail240EFFCB

    Checks: the trail exists and is logging, multi-Region as the template says,
    its selectors equal the expected ones (drift), the latest S3, digest and
    CloudWatch Logs deliveries have no error, and the bucket and key policies
    allow what CloudTrail needs. Exit code 0 when every check passes, 1 when one
    fails. Tested against stubbed AWS responses only.
    """
    (chosen,) = _load(selector_options, count=1, command="verify")
    name, multi_region = _expected_trail(chosen, trail_name)
    cloudtrail, s3, kms = _aws_clients(region, profile)
    report = verify_trail(
        chosen, trail_name=name, cloudtrail=cloudtrail, s3=s3, kms=kms, multi_region=multi_region
    )
    if as_json:
        _print_json(report.to_json())
    else:
        click.echo(f"trail {report.trail}")
        for check in report.checks:
            detail = check.detail.replace("\n", "\n        ")
            click.echo(f"  {check.status.upper():<4}  {check.name}: {detail}")
        click.echo("all checks passed" if report.ok else "some checks FAILED")
    if not report.ok:
        sys.exit(1)


# ---------------------------------------------------------------------------
# Output


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    for row in (headers, *rows):
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def _print_logged(report: SimulationReport, changes: Sequence[LoggedChange]) -> None:
    span = report.span_seconds
    hours = f"{span / 3600:.1f} h" if span else "no time span: no cost"
    click.echo(f"\nlogged events in {report.files} files, {report.records:,} records ({hours}):")
    for change in changes:
        click.echo(f"  {change.describe()}")


def _print_report(report: SimulationReport, source: str | None = None) -> None:
    span = report.span_seconds
    if source is None:
        click.echo(f"{report.files} files, {report.records:,} records, {len(report.problems)} problems")
    else:
        click.echo(f"{source}, {report.records:,} records")
    if report.first_event and report.last_event:
        hours = f"{span / 3600:.1f} h" if span else "no span"
        click.echo(
            f"events from {report.first_event.isoformat()} to {report.last_event.isoformat()} ({hours})"
        )
    labels = [s.label for s in report.sets]
    click.echo()
    _table(
        ["", *labels],
        [
            ["logged", *(f"{s.logged:,}" for s in report.sets)],
            ["dropped", *(f"{s.dropped:,}" for s in report.sets)],
            [
                "$/30 days",
                *("n/a" if s.monthly_cost is None else f"{s.monthly_cost:,.2f}" for s in report.sets),
            ],
        ],
    )
    sources = sorted({(c.category, c.source) for s in report.sets for c in s.sources})
    click.echo("\nper source (logged / dropped):")
    by_set = [{(c.category, c.source): c for c in s.sources} for s in report.sets]
    rows = []
    for key in sources:
        cells = []
        for counts in by_set:
            c = counts.get(key)
            cells.append(f"{c.logged:,} / {c.dropped:,}" if c else "0 / 0")
        rows.append([f"{key[1]} ({key[0]})", *cells])
    _table(["SOURCE", *labels], rows)
    for s in report.sets:
        click.echo(f"\n{s.label}: events matched per selector")
        _table(["MATCHED", "SELECTOR"], [[f"{n:,}", name] for name, n in s.selectors])
    if span:
        click.echo(
            "\ncost: $0.10 per 100,000 network activity events, $2.00 per 100,000 management events "
            "(an extra copy), scaled from the covered span to 30 days"
        )


def _register_coverage() -> None:
    from ._coverage_command import make_command  # the command's logic lives there

    main.add_command(
        make_command(selector_input_options, lambda options: [i.selector_set() for i in _load(options)])
    )


_register_coverage()
