"""``network-trail replay``: observed calls against endpoint policies, before the policies are deployed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Final

import click

from ..errors import NetworkTrailError
from ..simulator.calls import EndpointInfo
from ..simulator.policy_report import replay_markdown, replay_text
from ..simulator.replay import Outcome, replay
from ._policy_inputs import call_loader, call_options, load_org, load_targets
from ._shared import _fail, _print_json, distinct_calls_options

__all__ = ["replay_command"]

_FAIL_CHOICES: Final = (Outcome.REGRESSION.value, Outcome.UNKNOWN.value)
_athena_options = distinct_calls_options(
    athena_help="Instead of LOGS: print the distinct-calls Athena query (with --run: run it and replay its result).",
    run_help="--athena: run the query with boto3 and replay its result.",
)
"""``--athena``: the distinct calls from the distinct-calls query of NetworkActivityQueries."""


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
    try:
        read_calls = call_loader(logs, calls_csv, jobs, athena)
        if read_calls is None:
            return
        targets, endpoints = load_targets(policies, endpoints_file, template)
        org_accounts = load_org(org_file)
        calls = read_calls()
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
