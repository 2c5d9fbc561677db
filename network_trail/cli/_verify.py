"""``network-trail verify``: a deployed trail checked against the code (the checks: :mod:`._verify_checks`)."""

from __future__ import annotations

import sys
from typing import Any, NamedTuple

import click

from ..model._ids import ACCOUNT_ID, ORGANIZATION_ID
from ._inputs import SelectorInput, SelectorOptions, selector_input_options
from ._shared import _fail, _load, _print_json
from ._verify_checks import ArchiveTarget, VerifyReport, verify_archive, verify_trail


class _Clients(NamedTuple):
    cloudtrail: Any
    s3: Any
    kms: Any
    sts: Any
    organizations: Any


def _aws_clients(region: str | None, profile: str | None) -> _Clients:
    """CloudTrail, S3, KMS, STS and Organizations clients from boto3 (the ``verify`` extra)."""
    try:
        import boto3
    except ImportError:
        _fail("verify calls AWS with boto3, which is not installed: pip install 'network-trail[verify]'")
    session = boto3.Session(profile_name=profile, region_name=region)
    names = ("cloudtrail", "s3", "kms", "sts", "organizations")
    return _Clients(*(session.client(name) for name in names))


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


def _check_organization_id(organization_id: str | None) -> None:
    if organization_id is not None and not ORGANIZATION_ID.match(organization_id):
        _fail(
            f"--organization-id {organization_id!r} is not an organization id: it is 'o-' and 10 to 32 lowercase "
            f"letters or digits; give the id `aws organizations describe-organization` prints"
        )


def _check_archive_ids(options: dict[str, Any]) -> None:
    """The ARNs and ids of ``--archive``'s options: a usage error naming the option, the value and the form."""
    for option, arns in (
        ("--writer", options["writers"]),
        ("--organization-trail", options["organization_trails"]),
    ):
        for arn in arns:
            parts = arn.split(":")
            if (
                len(parts) < 6
                or parts[0] != "arn"
                or parts[2] != "cloudtrail"
                or not parts[5].startswith("trail/")
            ):
                _fail(
                    f"{option} {arn!r} is not a trail ARN: give arn:<partition>:cloudtrail:<region>:<account>:trail/<name>"
                )
    key = options["key_arn"]
    if key is not None and (not key.startswith("arn:") or ":kms:" not in key or ":key/" not in key):
        _fail(
            f"--key-arn {key!r} is not a KMS key ARN: give arn:<partition>:kms:<region>:<account>:key/<key id>"
        )
    for account in options["member_accounts"]:
        if not ACCOUNT_ID.match(account):
            _fail(f"--member-account {account!r} is not an account id: give the 12 digits")
    if options["organization_trails"] and not options["organization_id"]:
        _fail(
            "--organization-trail needs --organization-id o-...: the organization whose path the trail writes"
        )


def _archive_target(options: dict[str, Any]) -> ArchiveTarget:
    """``--archive``'s bucket, key and trails; a usage error when one is missing or malformed."""
    if not options["bucket"] or not (options["writers"] or options["organization_trails"]):
        _fail(
            "verify --archive needs --bucket NAME and at least one --writer or --organization-trail TRAIL_ARN "
            "(the trail-side `network-trail verify` prints the whole command)"
        )
    _check_archive_ids(options)
    return ArchiveTarget(
        bucket=options["bucket"],
        key_arn=options["key_arn"],
        trail_arns=tuple(options["writers"]),
        organization_trail_arns=tuple(options["organization_trails"]),
        s3_key_prefix=options["s3_key_prefix"],
        organization_id=options["organization_id"],
        member_accounts=tuple(options["member_accounts"]),
        bucket_key=options["bucket_key"],
    )


def _print(report: VerifyReport, as_json: bool, heading: str) -> None:
    if as_json:
        _print_json(report.to_json())
        return
    click.echo(f"{heading} {report.trail}")
    for check in report.checks:
        detail = check.detail.replace("\n", "\n        ")
        click.echo(f"  {check.status.upper():<7}  {check.name}: {detail}")
    if report.archive_command:
        click.echo("checked by the archive account: run there, with its credentials:")
        click.echo(f"  {report.archive_command}")
    click.echo("all checks passed" if report.ok else "some checks FAILED")


@click.command("verify")
@selector_input_options
@click.option(
    "--trail-name",
    help="The deployed trail's name or ARN (the ARN for an organization trail seen from a member account). Default: the template's TrailName.",
)
@click.option("--region", help="The trail's home Region. Default: the AWS configuration's.")
@click.option("--profile", help="The AWS profile to use. Default: the AWS configuration's.")
@click.option(
    "--organization-id",
    help="The organization of the trail's account (o-...). Default: DescribeOrganization (with --archive: none).",
)
@click.option(
    "--bucket-key/--no-bucket-key",
    default=True,
    help="Whether the bucket uses an S3 Bucket Key (CloudTrail then needs kms:Decrypt). Default: on.",
)
@click.option(
    "--archive",
    is_flag=True,
    help="Run in the archive account: check its bucket and key policies for the --writer and --organization-trail trails.",
)
@click.option("--bucket", help="With --archive: the log bucket.")
@click.option("--key-arn", help="With --archive: the key's ARN. Default: none (no KMS key).")
@click.option(
    "--writer",
    "writers",
    multiple=True,
    help="With --archive: a trail of one account writing to the bucket (repeatable).",
)
@click.option("--s3-key-prefix", help="With --archive: the prefix before AWSLogs/. Default: none.")
@click.option(
    "--organization-trail",
    "organization_trails",
    multiple=True,
    help="With --archive: an organization trail writing to the bucket, its ARN naming the management "
    "account (repeatable; needs --organization-id).",
)
@click.option(
    "--member-account",
    "member_accounts",
    multiple=True,
    help="With --archive: a member account whose organization path to check (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify_command(
    trail_name: str | None,
    region: str | None,
    profile: str | None,
    organization_id: str | None,
    bucket_key: bool,
    archive: bool,
    as_json: bool,
    selector_options: SelectorOptions,
    **archive_options: Any,
) -> None:
    """Check a deployed trail against the code, after `cdk deploy` (needs boto3 and credentials).

    Give the expected selectors as one input, usually the synthesized template:

    \b
      network-trail verify --template cdk.out --trail NetworkTrailprod/NetworkTrail240EFFCB

    Checks: the trail exists and is logging, multi-Region as the template says,
    its selectors equal the expected ones (drift), the latest S3, digest and
    CloudWatch Logs deliveries have no error, and the bucket and key policies
    allow what CloudTrail needs (the preflight's request table and evaluator).
    A bucket or key of another account is reported as ARCHIVE, "checked by the
    archive account", with the command to run there: verify --archive, with
    that account's credentials, checks its bucket and key policies. Exit code 0
    when no check fails, 1 when one fails. Tested against stubbed AWS responses only.
    """
    _check_organization_id(organization_id)
    if archive:
        target = _archive_target(
            {**archive_options, "organization_id": organization_id, "bucket_key": bucket_key}
        )
        clients = _aws_clients(region, profile)
        report = verify_archive(target, s3=clients.s3, kms=clients.kms, sts=clients.sts)
        _print(report, as_json, "archive bucket")
    else:
        flags = {
            "writers": "writer",
            "organization_trails": "organization_trail",
            "member_accounts": "member_account",
        }
        given = [f"--{flags.get(k, k).replace('_', '-')}" for k, v in archive_options.items() if v]
        if given:
            _fail(
                f"{', '.join(sorted(given))}: only with --archive (the trail-side verify reads them from GetTrail)"
            )
        (chosen,) = _load(selector_options, count=1, command="verify")
        name, multi_region = _expected_trail(chosen, trail_name)
        clients = _aws_clients(region, profile)
        report = verify_trail(
            chosen,
            trail_name=name,
            organization_id=organization_id,
            bucket_key=bucket_key,
            multi_region=multi_region,
            **clients._asdict(),
        )
        _print(report, as_json, "trail")
    if not report.ok:
        sys.exit(1)
