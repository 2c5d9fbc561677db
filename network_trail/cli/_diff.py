"""``network-trail diff``: two selector sets compared, and with ``--logs`` the change in logged events."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from ..errors import NetworkTrailError
from ..simulator import SimulationReport, simulate
from ..simulator.diff import LoggedChange, diff_logged, diff_selectors
from ._inputs import SelectorOptions, selector_input_options
from ._shared import _fail, _first_copy_option, _jobs_option, _load, _print_json


@click.command("diff")
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
@_first_copy_option
def diff_command(
    log_paths: tuple[Path, ...],
    as_json: bool,
    exit_code: bool,
    jobs: int,
    first_management_copy: bool,
    selector_options: SelectorOptions,
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
                first_management_copy=first_management_copy,
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


def _print_logged(report: SimulationReport, changes: Sequence[LoggedChange]) -> None:
    span = report.span_seconds
    hours = f"{span / 3600:.1f} h" if span else "no time span: no cost"
    click.echo(f"\nlogged events in {report.files} files, {report.records:,} records ({hours}):")
    for change in changes:
        click.echo(f"  {change.describe()}")
