"""``network-trail preflight``: the delivery requests of every trail evaluated against its policies, before deploy."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import NetworkTrailError
from ..model._delivery import Reader
from ..model._preflight import Outcome
from ..simulator.preflight import (
    EXAMPLE_MEMBER,
    TrailPreflight,
    assembly_stacks,
    preflight_json,
    preflight_stacks,
)
from ._shared import _fail, _print_json, _table


def _readers(values: tuple[str, ...]) -> list[Reader]:
    """``--reader ROLE_ARN`` (every file) or ``ROLE_ARN=ACCOUNT`` (one account's files)."""
    readers: list[Reader] = []
    for value in values:
        role, _, account = value.partition("=")
        if not role.startswith("arn:") or ":role/" not in role or (account and not account.isdigit()):
            _fail(
                f"--reader {value!r} must be a role ARN, or ROLE_ARN=ACCOUNT for a reader of one account's "
                f"files, e.g. arn:aws:iam::111111111111:role/log-reader=111111111111"
            )
        readers.append(Reader(role_arn=role, account_id=account or None))
    return readers


@click.command("preflight")
@click.option(
    "--template",
    "template",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="The cdk.out directory of `cdk synth` (every stack of the assembly), or one template file.",
)
@click.option(
    "--reader",
    "readers",
    multiple=True,
    metavar="ROLE_ARN[=ACCOUNT]",
    help="A role that reads the log files (every file, or one account's): its requests are checked too.",
)
@click.option(
    "--member-account",
    "members",
    multiple=True,
    metavar="ACCOUNT",
    help="A member account an organization trail writes for. Default: one example account.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def preflight_command(
    template: Path, readers: tuple[str, ...], members: tuple[str, ...], as_json: bool
) -> None:
    """Check before deploying that each trail's policies allow what AWS will ask, and no more.

    For every trail of the assembly, the requests AWS makes to deliver its logs
    (CloudTrail's s3:GetBucketAcl and s3:PutObject on each path, its KMS
    requests with the trail's encryption context, CloudWatch Logs through the
    role and on the log group's key, alarms publishing to the encrypted topic,
    readers) and the ones that must be refused (another account's trail, an
    account outside the organization, plain HTTP, a reader listing another
    account's prefix) are evaluated against the synthesized bucket, key, role,
    topic and key policies. A bucket or key defined outside the assembly is
    reported as not checkable, with the statements to check by hand.

    \b
      network-trail preflight --template cdk.out

    Exit code 0 when every request is as it must be, 1 when a required request
    is denied or unknown or a forbidden one is allowed, 2 on bad input.
    """
    try:
        stacks = assembly_stacks(template)
        results = preflight_stacks(
            stacks,
            readers=_readers(readers),
            member_accounts=members or (EXAMPLE_MEMBER,),
        )
    except NetworkTrailError as error:
        _fail(str(error))
    if not results:
        _fail(
            f"--template {str(template)!r} has no AWS::CloudTrail::Trail: point it at the app that defines the trail"
        )
    if as_json:
        _print_json(preflight_json(results))
    else:
        for result in results:
            _echo(result)
    if not all(result.report.ok for result in results):
        sys.exit(1)


def _echo(result: TrailPreflight) -> None:
    """One trail's checks as a table, the statements to check by hand, and a summary line."""
    checks = result.report.checks
    click.echo(f"trail {result.trail_arn} (stack {result.stack}, {result.logical_id})")
    rows = [
        [c.outcome.value, c.request.expect.value, c.verdict, c.request.action, c.request.name, c.deciding]
        for c in checks
    ]
    _table(["RESULT", "MUST", "VERDICT", "ACTION", "REQUEST", "DECIDING STATEMENT"], rows)
    for check in result.report.failures:
        click.echo(f"  FAIL {check.request.name}: {check.evaluation.reason if check.evaluation else ''}")
        if check.detail:
            click.echo(f"       {check.detail}")
    for target, statements in result.report.hand_checks.items():
        click.echo(
            f"not checkable: the {target.value} is defined outside this assembly; its policy must hold "
            f"these statements (check them by hand in the account that owns it):"
        )
        click.echo(json.dumps(list(statements), indent=2))
    counts = {o: sum(1 for c in checks if c.outcome is o) for o in Outcome}
    click.echo(
        f"{len(checks)} requests: {counts[Outcome.OK]} as they must be, {counts[Outcome.FAIL]} FAILED, "
        f"{counts[Outcome.NOT_CHECKABLE]} not checkable"
    )
    click.echo()
