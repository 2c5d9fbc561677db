"""``network-trail advise``: per VPC endpoint, the policy that allows the observed calls and nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from ..errors import NetworkTrailError
from ..simulator.advise import Shape, advice_report, advise
from ..simulator.endpoint_coverage import CoverageStatus
from ..simulator.policy_report import advice_cdk, advice_text
from ._inputs import _read_json
from ._policy_inputs import call_loader, call_options, load_endpoint_list, load_org
from ._shared import _fail, _print_json, distinct_calls_options

__all__ = ["advise_command"]

_athena_options = distinct_calls_options(
    athena_help="Instead of LOGS: print the distinct-calls Athena query (with --run: run it and propose from "
    "its result).",
    run_help="--athena: run the query with boto3 and propose from its result.",
)
"""``--athena``: the distinct calls from the distinct-calls query of NetworkActivityQueries, as ``replay``'s."""


def _coverage(path: Path | None) -> dict[str, CoverageStatus] | None:
    """Endpoint id → status of a ``network-trail coverage --json`` report."""
    if path is None:
        return None
    report = _read_json("--coverage", path)
    rows = report.get("endpoints") if isinstance(report, Mapping) else None
    statuses = {s.value: s for s in CoverageStatus}
    if not isinstance(rows, list) or not all(
        isinstance(r, Mapping) and r.get("status") in statuses for r in rows
    ):
        raise NetworkTrailError(
            f"--coverage {str(path)!r} must be the output of `network-trail coverage --json` (an 'endpoints' list "
            f"whose rows have a status of {sorted(statuses)}): run `network-trail coverage --endpoints FILE "
            "--template cdk.out --json > coverage.json`"
        )
    return {str(r.get("endpointId")): statuses[r["status"]] for r in rows}


def _required_endpoints(path: Path | None) -> Path:
    """``--endpoints``, required unless ``--athena`` only prints the query."""
    if path is None:
        raise NetworkTrailError(
            "advise proposes policies for the endpoints of --endpoints FILE: give the output of "
            "`aws ec2 describe-vpc-endpoints` (JSON) with --endpoints"
        )
    return path


@click.command("advise")
@call_options
@_athena_options
@click.option(
    "--endpoints",
    "endpoints_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Output of `aws ec2 describe-vpc-endpoints` (JSON): the endpoints to propose policies for. Required "
    "unless --athena only prints the query.",
)
@click.option(
    "--shape",
    type=click.Choice([s.value for s in Shape]),
    default=Shape.PERIMETER.value,
    show_default=True,
    help="perimeter: who may call; actions: which actions; both: who may call which actions.",
)
@click.option(
    "--coverage",
    "coverage_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Output of `network-trail coverage --json`: an endpoint whose calls are not all logged gets no proposal.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the advice as JSON (the input of proposal_policy)."
)
@click.option("--cdk", is_flag=True, help="Print a Python module of the proposals for apply_endpoint_policy.")
def advise_command(
    logs: tuple[Path, ...],
    calls_csv: Path | None,
    org_file: Path | None,
    jobs: int,
    endpoints_file: Path | None,
    shape: str,
    coverage_file: Path | None,
    as_json: bool,
    cdk: bool,
    **athena: Any,
) -> None:
    """Propose, per VPC endpoint, a policy allowing the calls of LOGS that were allowed, and nothing else.

    Callers outside the organization (--org-accounts) are listed for a decision, never added. An
    endpoint whose allowed calls the logs do not hold gets no proposal, with the reason.

    With --athena, no LOGS: print the Athena query that groups the
    NetworkActivityQueries table into distinct calls; with --run, run it (boto3)
    and propose from its result.
    """
    if as_json and cdk:
        _fail("--json and --cdk are two formats of one advice: give one")
    chosen = Shape(shape)
    try:
        read_calls = call_loader(logs, calls_csv, jobs, athena)
        if read_calls is None:
            return
        endpoints = load_endpoint_list(_required_endpoints(endpoints_file))
        org_accounts = load_org(org_file)
        coverage = _coverage(coverage_file)
        calls = read_calls()
    except NetworkTrailError as err:
        _fail(str(err))
    proposals = advise(calls, endpoints, shape=chosen, org_accounts=org_accounts, coverage=coverage)
    given = {e.endpoint_id for e in endpoints}
    others = sorted(
        {c.vpc_endpoint_id for c in calls if c.vpc_endpoint_id and c.vpc_endpoint_id not in given}
    )
    if as_json:
        _print_json(advice_report(proposals, shape=chosen, unknown_endpoints=others))
    elif cdk:
        click.echo(advice_cdk(proposals, shape=chosen), nl=False)
    else:
        click.echo(advice_text(proposals, shape=chosen))
        if others:
            click.echo(f"endpoints in the logs but not in --endpoints (no proposal): {', '.join(others)}")
