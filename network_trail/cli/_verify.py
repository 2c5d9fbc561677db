"""``network-trail verify``: a deployed trail checked against the code (the checks: :mod:`._verify_checks`)."""

from __future__ import annotations

import sys
from typing import Any

import click

from ._inputs import SelectorInput, SelectorOptions, selector_input_options
from ._shared import _fail, _load, _print_json
from ._verify_checks import verify_trail


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


@click.command("verify")
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
