"""The inputs ``replay`` and ``advise`` share: the distinct calls (logs or an Athena result), the
organization's accounts, the endpoints and their policies."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from ..errors import NetworkTrailError
from ..model.endpoints import VpcEndpoint
from ..simulator.assembly import assembly_stacks
from ..simulator.calls import DistinctCall, distinct_calls, load_org_accounts, read_calls_csv
from ..simulator.endpoint_policies import PolicyTarget, describe_targets, policy_file_target, template_targets
from ._coverage import load_endpoints
from ._inputs import _read_json
from ._shared import _jobs_option, athena_distinct_calls, distinct_calls_query

__all__ = [
    "call_loader",
    "call_options",
    "check_call_inputs",
    "load_calls",
    "load_endpoint_list",
    "load_org",
    "load_targets",
]


def call_options(func: Any) -> Any:
    """``LOGS``, ``--calls``, ``--org-accounts`` and ``--jobs``."""
    options: list[Callable[[Any], Any]] = [
        click.argument("logs", nargs=-1, type=click.Path(path_type=Path)),
        click.option(
            "--calls",
            "calls_csv",
            type=click.Path(path_type=Path, dir_okay=False, exists=True),
            help="The result CSV of the distinct-calls Athena query, instead of LOGS.",
        ),
        click.option(
            "--org-accounts",
            "org_file",
            type=click.Path(path_type=Path, dir_okay=False, exists=True),
            help="Output of `aws organizations list-accounts` (JSON): decides aws:PrincipalOrgID.",
        ),
        _jobs_option("Processes reading log files in parallel."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def check_call_inputs(logs: Sequence[Path], calls_csv: Path | None) -> None:
    """Exactly one of ``LOGS`` and ``--calls``: checked before any file is read."""
    if bool(logs) == (calls_csv is not None):
        got = f"got LOGS {[str(p) for p in logs]} and --calls {str(calls_csv)!r}" if logs else "got neither"
        raise NetworkTrailError(
            f"give log files or directories (LOGS) or --calls CSV, not {'both' if logs else 'neither'} ({got}): "
            "e.g. LOGS `AWSLogs/`, or `--calls distinct-calls.csv` with the result of the --athena query"
        )


def call_loader(
    logs: Sequence[Path], calls_csv: Path | None, jobs: int, athena: Mapping[str, Any]
) -> Callable[[], tuple[DistinctCall, ...]] | None:
    """How the command reads its distinct calls: ``LOGS``, ``--calls`` or ``--athena --run``.

    The inputs are checked before any file is read. ``--athena`` without ``--run`` prints the query and
    gives None: the command has nothing more to do.

    :param logs: the command's ``LOGS``.
    :param calls_csv: its ``--calls``.
    :param jobs: its ``--jobs``.
    :param athena: its parameters, with those of :func:`~._shared.distinct_calls_options`.
    :raises NetworkTrailError: as :func:`~._shared.distinct_calls_query` and :func:`check_call_inputs` do.
    """
    sql = distinct_calls_query(logs, calls_csv, athena)
    if sql is None:
        check_call_inputs(logs, calls_csv)
        return lambda: load_calls(logs, calls_csv, jobs)
    if not athena["run"]:
        click.echo(sql)
        return None
    return lambda: athena_distinct_calls(sql, athena)


def load_calls(logs: Sequence[Path], calls_csv: Path | None, jobs: int) -> tuple[DistinctCall, ...]:
    """The distinct calls of ``LOGS`` or of ``--calls``; unreadable files and records are warned about."""
    check_call_inputs(logs, calls_csv)
    if calls_csv is not None:
        return read_calls_csv(calls_csv)
    result = distinct_calls(logs, jobs=jobs)
    for problem in result.problems:
        click.echo(f"warning: {problem}", err=True)
    return result.calls


def load_org(path: Path | None) -> dict[str, str] | None:
    """Account id → organization id of ``--org-accounts``, or None."""
    if path is None:
        return None
    return load_org_accounts(_read_json("--org-accounts", path), where=f"--org-accounts {path.name}")


def load_endpoint_list(path: Path | None) -> list[VpcEndpoint]:
    """The endpoints of ``--endpoints`` (none without it)."""
    return [] if path is None else load_endpoints(path)


def _policy_option(value: str) -> PolicyTarget:
    endpoint_id, sep, name = value.partition("=")
    if not sep:
        endpoint_id, name = "", value
    elif not endpoint_id.startswith("vpce-"):
        raise NetworkTrailError(
            f"--policy {value!r}: before '=' comes the VPC endpoint id (vpce-...), got {endpoint_id!r}: "
            "give FILE for every endpoint or vpce-0123456789abcdef0=FILE for one"
        )
    path = Path(name)
    try:
        text = path.read_text()
    except OSError as err:
        raise NetworkTrailError(
            f"--policy {name!r} cannot be read: {err.strerror}: give a policy JSON file"
        ) from None
    return policy_file_target(text, name=path.name, endpoint_id=endpoint_id or None)


def load_targets(
    policies: Sequence[str], endpoints_file: Path | None, template: Path | None
) -> tuple[list[PolicyTarget], list[VpcEndpoint]]:
    """The policies to replay (``--policy``, else ``--endpoints``' documents, else ``--template``) and the endpoints."""
    if template is not None and (policies or endpoints_file is not None):
        raise NetworkTrailError(
            "--template replays the policies of an app's endpoints: give it alone, or --policy FILE "
            "(with --endpoints for the endpoints' VPCs) for a policy of your own"
        )
    endpoints = load_endpoint_list(endpoints_file)
    if policies:
        return [_policy_option(p) for p in policies], endpoints
    if endpoints_file is not None:
        items = _read_json("--endpoints", endpoints_file)
        # load_endpoints read the same file and checked its shape: a list of endpoint objects.
        raw = items["VpcEndpoints"] if isinstance(items, Mapping) else items
        return describe_targets(raw, endpoints), endpoints
    if template is not None:
        targets = template_targets([(stack.name, stack.template) for stack in assembly_stacks(template)])
        if not targets:
            raise NetworkTrailError(
                f"--template {str(template)!r} has no AWS::EC2::VPCEndpoint: point it at the cdk.out of the app "
                "that defines the endpoints"
            )
        return targets, endpoints
    raise NetworkTrailError(
        "no policy to replay: give --policy FILE (for every endpoint, or vpce-ID=FILE for one), --endpoints "
        "FILE (describe-vpc-endpoints output with each PolicyDocument) or --template cdk.out"
    )
