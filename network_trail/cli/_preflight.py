"""``network-trail preflight``: the delivery requests of every trail evaluated against its policies, before deploy."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from ..errors import NetworkTrailError
from ..model._delivery import Reader, Writer
from ..model._ids import ORGANIZATION_ID
from ..model._preflight import Outcome, PreflightReport
from ..simulator.assembly import StackTemplate, assembly_stacks
from ..simulator.preflight import (
    EXAMPLE_MEMBER,
    LogStorePreflight,
    log_store_policies,
    preflight_json,
    preflight_log_store,
    preflight_stacks,
    trail_less_log_stores,
)
from ._shared import _fail, _print_json, _table

_TRAIL_ARN = re.compile(r"^arn:[a-z-]+:cloudtrail:[a-z0-9-]+:\d{12}:trail/.+$")


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
@click.option(
    "--writer",
    "writer_arns",
    multiple=True,
    metavar="TRAIL_ARN",
    help="A trail of one account writing to a log archive of the assembly (a stack with a log bucket, no trail).",
)
@click.option(
    "--organization-trail",
    "organization_trails",
    multiple=True,
    metavar="TRAIL_ARN",
    help="An organization trail (its ARN names the management account) writing to a log archive of the assembly.",
)
@click.option(
    "--organization-id", help="The writers' organization (o-...): needed with --organization-trail."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def preflight_command(
    template: Path,
    readers: tuple[str, ...],
    members: tuple[str, ...],
    writer_arns: tuple[str, ...],
    organization_trails: tuple[str, ...],
    organization_id: str | None,
    as_json: bool,
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
    member_accounts = members or (EXAMPLE_MEMBER,)
    writers = _writers(writer_arns, organization_trails, organization_id, member_accounts)
    chosen = _readers(readers)
    try:
        stacks = assembly_stacks(template)
        results = preflight_stacks(stacks, readers=chosen, member_accounts=member_accounts)
        archives = trail_less_log_stores(stacks)
        stores = [_log_store(s, writers, organization_id, chosen) for s in archives] if writers else []
    except NetworkTrailError as error:
        _fail(str(error))
    if archives and not writers:
        names = ", ".join(repr(s.name) for s in archives)
        message = (
            f"stack {names} holds a CloudTrail log bucket but no trail: pass the trails that write to it "
            f"(--writer TRAIL_ARN, --organization-trail TRAIL_ARN --organization-id o-...) to check it"
        )
        if not results:
            _fail(message)
        click.echo(f"note: {message}", err=True)
    if not results and not stores:
        _fail(
            f"--template {str(template)!r} has no AWS::CloudTrail::Trail: point it at the app that defines the trail"
        )
    if as_json:
        _print_json(preflight_json(results, stores))
    else:
        for result in results:
            _echo(f"trail {result.trail_arn} (stack {result.stack}, {result.logical_id})", result.report)
        for store in stores:
            _echo(f"log archive {store.bucket} (stack {store.stack}), for the writers given", store.report)
    if not all(r.report.ok for r in results) or not all(r.report.ok for r in stores):
        sys.exit(1)


def _writers(
    arns: tuple[str, ...],
    organization_trails: tuple[str, ...],
    organization_id: str | None,
    members: tuple[str, ...],
) -> list[Writer]:
    """``--writer`` and ``--organization-trail`` as writers, checked."""
    for arn in (*arns, *organization_trails):
        if not _TRAIL_ARN.match(arn):
            _fail(f"{arn!r} must be a trail ARN like arn:aws:cloudtrail:<region>:<account>:trail/<name>")
    if organization_id is not None and not ORGANIZATION_ID.match(organization_id):
        _fail(
            f"--organization-id {organization_id!r} must look like 'o-' and 10 to 32 lowercase letters or digits"
        )
    if organization_trails and organization_id is None:
        _fail(
            "--organization-trail needs --organization-id o-...: an organization trail writes AWSLogs/<o-id>/"
        )
    writers = [Writer(trail_arn=arn, organization_id=organization_id) for arn in arns]
    writers += [
        Writer(
            trail_arn=arn, organization_id=organization_id, organization_trail=True, member_accounts=members
        )
        for arn in organization_trails
    ]
    return writers


def _log_store(
    stack: StackTemplate, writers: list[Writer], organization_id: str | None, readers: list[Reader]
) -> LogStorePreflight:
    """The preflight of a log archive's bucket and key for the writers given."""
    found = log_store_policies(stack)
    assert found is not None
    report = preflight_log_store(stack, writers, organization_id=organization_id, readers=readers)
    return LogStorePreflight(stack.name, found[0], report)


def _echo(header: str, report: PreflightReport) -> None:
    """One report's checks as a table, the statements to check by hand, and a summary line."""
    checks = report.checks
    click.echo(header)
    rows = [
        [c.outcome.value, c.request.expect.value, c.verdict, c.request.action, c.request.name, c.deciding]
        for c in checks
    ]
    _table(["RESULT", "MUST", "VERDICT", "ACTION", "REQUEST", "DECIDING STATEMENT"], rows)
    for check in report.failures:
        click.echo(f"  FAIL {check.request.name}: {check.evaluation.reason if check.evaluation else ''}")
        if check.detail:
            click.echo(f"       {check.detail}")
    for target, statements in report.hand_checks.items():
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
