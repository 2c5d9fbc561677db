"""``network-trail replay``: observed calls against endpoint policies, before the policies are deployed."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import click

from ..errors import NetworkTrailError
from ..simulator.calls import DistinctCall, EndpointInfo, calls_from_rows
from ..simulator.policy_report import replay_markdown, replay_text
from ..simulator.replay import Outcome, replay
from ._policy_inputs import call_options, check_call_inputs, load_calls, load_org, load_targets
from ._shared import ATHENA_ONLY, _fail, _print_json, athena_options

__all__ = ["replay_command"]

_FAIL_CHOICES: Final = (Outcome.REGRESSION.value, Outcome.UNKNOWN.value)
_athena_options = athena_options(
    athena_help="Instead of LOGS: print the distinct-calls Athena query (with --run: run it and replay its result).",
    from_help="--athena: first delivery day read (UTC), with --to.",
    to_help="--athena: last delivery day read (UTC), with --from.",
    run_help="--athena: run the query with boto3 and replay its result.",
    extra=[
        click.option(
            "--days", type=click.IntRange(1, 3653), help="--athena: read the last N days. Default: 30."
        )
    ],
)
"""``--athena``: the distinct calls from the distinct-calls query of NetworkActivityQueries."""


def _check_athena_only(athena: dict[str, Any]) -> None:
    if athena["athena"]:
        return
    given = [
        flag for flag, name in {"--days": "days", **ATHENA_ONLY}.items() if athena[name] not in (None, False)
    ]
    if given:
        _fail(
            f"{', '.join(given)} {'is an option' if len(given) == 1 else 'are options'} of --athena: add --athena"
        )


def _athena_sql(logs: tuple[Path, ...], calls_csv: Path | None, athena: dict[str, Any]) -> str:
    """The distinct-calls query of ``--athena``, after checking the options that go with it."""
    from ..model._queries import DEFAULT_TABLE_NAME, DISTINCT_CALLS_DAYS, distinct_calls_sql

    if logs or calls_csv is not None:
        raise NetworkTrailError("--athena reads the Athena table, not log files: drop LOGS and --calls")
    start: datetime | None = athena["start"]
    end: datetime | None = athena["end"]
    if (start is None) != (end is None) or (start is not None and athena["days"] is not None):
        raise NetworkTrailError(
            "--athena reads the last --days N (default 30) or the days --from DAY --to DAY: give --from with "
            "--to, or --days alone"
        )
    if start is not None and end is not None and start > end:
        raise NetworkTrailError(
            f"--from {start:%Y-%m-%d} is after --to {end:%Y-%m-%d}: give the first day with --from"
        )
    return distinct_calls_sql(
        table=athena["table"] or DEFAULT_TABLE_NAME,
        database=athena["database"],
        days=athena["days"] or DISTINCT_CALLS_DAYS,
        start=start.date() if start else None,
        end=end.date() if end else None,
    )


def _athena_calls(sql: str, athena: dict[str, Any]) -> tuple[DistinctCall, ...]:
    """``--athena --run``: run the query in the workgroup and read its rows as distinct calls."""
    from ..simulator.athena_sql import athena_query_cost, run_query

    if not athena["workgroup"]:
        raise NetworkTrailError(
            "--run needs --workgroup NAME, the workgroup of NetworkActivityQueries (its work_group_name)"
        )
    result = run_query(sql, workgroup=athena["workgroup"], database=athena["database"])
    where = f"Athena query {result.query_execution_id}"
    calls = calls_from_rows(result.rows, where=where)
    scanned = result.scanned_bytes
    click.echo(
        f"{where}: {len(calls)} distinct calls, {scanned / 1e6:,.1f} MB scanned, "
        f"query cost ${athena_query_cost(scanned):.4f}",
        err=True,
    )
    return calls


@click.command("replay")
@call_options
@_athena_options
@click.option(
    "--policy",
    "policies",
    multiple=True,
    metavar="[vpce-ID=]FILE",
    help="A policy document (JSON) for every endpoint, or vpce-ID=FILE for one endpoint (repeatable).",
)
@click.option(
    "--endpoints",
    "endpoints_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Output of `aws ec2 describe-vpc-endpoints`: each endpoint's PolicyDocument, unless --policy is given.",
)
@click.option(
    "--template",
    type=click.Path(path_type=Path, exists=True),
    help="A synthesized template or cdk.out: the PolicyDocument of each AWS::EC2::VPCEndpoint.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--markdown", is_flag=True, help="Print the report as Markdown, for a pull request.")
@click.option(
    "--fail-on",
    multiple=True,
    type=click.Choice(_FAIL_CHOICES),
    help="Exit with 1 when a call has this outcome (repeatable): a CI gate.",
)
def replay_command(
    logs: tuple[Path, ...],
    calls_csv: Path | None,
    org_file: Path | None,
    jobs: int,
    policies: tuple[str, ...],
    endpoints_file: Path | None,
    template: Path | None,
    as_json: bool,
    markdown: bool,
    fail_on: tuple[str, ...],
    **athena: Any,
) -> None:
    """Replay the calls of CloudTrail network activity LOGS against endpoint policies.

    Every distinct call (caller, account, API, endpoint, observed outcome) is a regression (allowed
    today, denied by the policy), newly allowed (denied today by a VPC endpoint policy), unchanged, or
    unknown (the records lack what the policy's decision depends on), with the deciding statement.

    With --athena, no LOGS: print the Athena query that groups the NetworkActivityQueries table into
    distinct calls; with --run, run it (boto3) and replay its result.
    """
    if as_json and markdown:
        _fail("--json and --markdown are two formats of one report: give one")
    _check_athena_only(athena)
    try:
        sql = _athena_sql(logs, calls_csv, athena) if athena["athena"] else None
        if sql is not None and not athena["run"]:
            click.echo(sql)
            return
        if sql is None:
            check_call_inputs(logs, calls_csv)
        targets, endpoints = load_targets(policies, endpoints_file, template)
        org_accounts = load_org(org_file)
        calls = _athena_calls(sql, athena) if sql is not None else load_calls(logs, calls_csv, jobs)
        report = replay(
            calls,
            targets,
            org_accounts=org_accounts,
            endpoints={e.endpoint_id: EndpointInfo(vpc_id=e.vpc_id) for e in endpoints},
        )
    except NetworkTrailError as err:
        _fail(str(err))
    if as_json:
        _print_json(report.to_json())
    else:
        click.echo(replay_markdown(report) if markdown else replay_text(report), nl=not markdown)
    failing = report.failing(fail_on)
    if failing:
        click.echo(
            f"error: {len(failing)} distinct call(s) with outcome {' or '.join(fail_on)} (--fail-on)",
            err=True,
        )
        sys.exit(1)
