"""``network-trail simulate``: what selectors would log from CloudTrail logs, here or in Athena."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import click

from ..errors import NetworkTrailError
from ..simulator import FileProblem, SelectorSet, SimulationReport, iter_log_files, simulate
from ._inputs import SelectorOptions, selector_input_options
from ._shared import (
    ATHENA_ONLY,
    _fail,
    _first_copy_option,
    _jobs_option,
    _load,
    _print_json,
    _table,
    athena_options,
)


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


_athena_options = athena_options(
    athena_help="Print one Athena SQL query doing the simulation over the table.",
    from_help="--athena: first delivery day read (UTC). Default: 6 days before --to.",
    to_help="--athena: last delivery day read (UTC). Default: today.",
    run_help="--athena: run the query with boto3 and print the report.",
)
"""The options of ``simulate --athena``: one SQL query over the NetworkActivityQueries table."""


def _athena_command(
    sets: Sequence[SelectorSet], as_json: bool, athena: dict[str, Any], first_management_copy: bool
) -> None:
    """``simulate --athena``: print the SQL, or run it (``--run``) and print the report."""
    from ..simulator.athena_sql import DEFAULT_TABLE_NAME, compile_simulation, run_simulation

    end: date = athena["end"].date() if athena["end"] else datetime.now(UTC).date()
    start: date = athena["start"].date() if athena["start"] else end - timedelta(days=6)
    table: str = athena["table"] or DEFAULT_TABLE_NAME
    database: str | None = athena["database"]
    try:
        if not athena["run"]:
            sql = compile_simulation(
                sets,
                start=start,
                end=end,
                table=table,
                database=database,
                first_management_copy=first_management_copy,
            )
            click.echo(sql)
            return
        if not athena["workgroup"]:
            _fail(
                "--run needs --workgroup NAME, the workgroup of NetworkActivityQueries (its work_group_name)"
            )
        run = run_simulation(
            sets,
            start=start,
            end=end,
            table=table,
            database=database,
            workgroup=athena["workgroup"],
            first_management_copy=first_management_copy,
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


@click.command("simulate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True, allow_dash=True))
@selector_input_options
@_athena_options
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first bad file.")
@_jobs_option("Processes reading files in parallel.")
@click.option(
    "--progress/--no-progress", default=None, help="Progress on stderr. Default: only on a terminal."
)
@_first_copy_option
def simulate_command(
    paths: tuple[Path, ...],
    as_json: bool,
    fail_fast: bool,
    jobs: int,
    progress: bool | None,
    first_management_copy: bool,
    selector_options: SelectorOptions,
    **athena: Any,
) -> None:
    """Count what selectors would log from CloudTrail logs, here or in Athena.

    PATHS are log files (.json, .json.gz, .jsonl, .jsonl.gz), directories of
    them, or - for standard input; a file holds {"Records": [...]}, one record,
    or JSON Lines of either. Every selector set given is
    evaluated in one pass and reported side by side: events logged and dropped per
    selector and per source, the time span covered, and the cost scaled to 30 days
    ($0.10 per 100,000 network activity or data events, $2.00 per 100,000
    management events unless --first-management-copy). Bad files are reported with the
    reason and skipped; the exit code is 1 if there was any.

    With --athena, no PATHS: print one Athena SQL query that does the same
    simulation over the NetworkActivityQueries table, reading only the days
    --from to --to; with --run, run it in --workgroup (boto3) and print the report.
    """
    _check_paths(paths, athena)
    sets = [i.selector_set() for i in _load(selector_options)]
    if athena["athena"]:
        _athena_command(sets, as_json, athena, first_management_copy)
        return
    if Path("-") in paths:
        jobs = 1  # standard input is read once, in this process
    show = sys.stderr.isatty() if progress is None else progress
    report = _simulate_files(
        paths,
        sets,
        jobs=jobs,
        fail_fast=fail_fast,
        show_progress=show,
        first_management_copy=first_management_copy,
    )
    if as_json:
        _print_json(report.to_json())
    else:
        _print_report(report)
    if report.problems:
        sys.exit(1)


def _check_paths(paths: tuple[Path, ...], athena: dict[str, Any]) -> None:
    """Exit 2 unless there are PATHS without --athena's options, or --athena without PATHS."""
    used = [option for option, key in ATHENA_ONLY.items() if athena[key]]
    if athena["athena"] and paths:
        _fail(
            "--athena reads the Athena table, not log files: drop PATHS, or drop --athena to read them here"
        )
    if not athena["athena"] and used:
        are = "is an option" if len(used) == 1 else "are options"
        _fail(f"{', '.join(used)} {are} of --athena: add --athena, or drop them to simulate log files")
    if not athena["athena"] and not paths:
        _fail("simulate needs log files or directories (PATHS, - for standard input), or --athena")


def _simulate_files(
    paths: tuple[Path, ...],
    sets: Sequence[SelectorSet],
    *,
    jobs: int,
    fail_fast: bool,
    show_progress: bool,
    first_management_copy: bool = False,
) -> SimulationReport:
    """The report of the log files, each bad file reported on stderr; exit 2 on an unreadable path."""
    try:
        bar = _Progress(sys.stderr, sum(1 for _ in iter_log_files(paths))) if show_progress else None
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
            first_management_copy=first_management_copy,
        )
    except NetworkTrailError as err:
        _fail(str(err))
    if bar:
        bar.close()
    return report


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
        click.echo(_cost_line(report))


def _cost_line(report: SimulationReport) -> str:
    """How the costs were priced (the CloudTrail pricing page)."""
    management = (
        "management events free (the first copy)"
        if report.first_management_copy
        else "$2.00 per 100,000 management events (an extra copy)"
    )
    return (
        f"\ncost: $0.10 per 100,000 network activity or data events, {management}, scaled from the "
        f"covered span to 30 days"
    )
