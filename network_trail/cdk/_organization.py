"""Rules for organization trails and resources shared across accounts.

Each function returns a list of messages (empty when valid), so a construct can
report every problem of one call together. Unresolved CDK tokens are skipped.
"""

from __future__ import annotations

import re
from typing import Final

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from ..model._ids import account_id_problems

TRAIL_ARN: Final = re.compile(
    r"^arn:(aws|aws-cn|aws-us-gov|aws-iso[a-z-]*):cloudtrail:[a-z0-9-]+:(\d{12}):trail/(.+)$"
)


def _known(value: str | None) -> bool:
    return value is not None and not cdk.Token.is_unresolved(value)


def organization_trail_problems(
    *,
    stack_account: str,
    is_organization_trail: bool,
    management_account_id: str | None,
    delegated_administrator: bool,
) -> list[str]:
    """Who may create an organization trail, as far as it is known at synth time."""
    problems: list[str] = []
    if management_account_id is not None:
        problems += account_id_problems("management_account_id", management_account_id)
        if not is_organization_trail:
            problems.append(
                f"management_account_id={management_account_id!r} only applies to organization trails: "
                f"set is_organization_trail=True, or remove management_account_id"
            )
    if delegated_administrator and not is_organization_trail:
        problems.append(
            "delegated_administrator=True only applies to organization trails: set "
            "is_organization_trail=True, or remove delegated_administrator"
        )
    if delegated_administrator and management_account_id is None:
        problems.append(
            "delegated_administrator=True needs management_account_id: the management account owns "
            "the organization trail, so its id is in the trail ARN the bucket and key policies name; "
            "pass management_account_id='<12 digits>'"
        )
    if problems or not is_organization_trail or not _known(stack_account) or management_account_id is None:
        return problems
    if cdk.Token.is_unresolved(management_account_id):
        return problems
    if stack_account != management_account_id and not delegated_administrator:
        problems.append(
            f"is_organization_trail=True but the stack deploys to account {stack_account!r}, not the "
            f"management account management_account_id={management_account_id!r}: only the management "
            f"account or a CloudTrail delegated administrator can create an organization trail; deploy "
            f"to the management account, or set delegated_administrator=True if {stack_account!r} is one"
        )
    if stack_account == management_account_id and delegated_administrator:
        problems.append(
            f"delegated_administrator=True but the stack deploys to the management account "
            f"{stack_account!r} itself: remove delegated_administrator"
        )
    return problems


def foreign_resource_problems(
    stack: cdk.Stack, *, bucket: s3.IBucket | None, encryption_key: kms.IKey | None
) -> list[str]:
    """A provided bucket or key the trail's stack cannot reference, or a key in another Region."""
    problems: list[str] = []
    for parameter, resource in (("bucket", bucket), ("encryption_key", encryption_key)):
        if resource is None:
            continue
        owner = resource.stack
        if owner is stack or not _known(owner.account) or not _known(stack.account):
            continue
        if owner.account != stack.account:
            importer = (
                "s3.Bucket.from_bucket_name(stack, 'Logs', '<name>')"
                if parameter == "bucket"
                else "kms.Key.from_key_arn(stack, 'LogsKey', '<key ARN>')"
            )
            problems.append(
                f"{parameter} is defined in stack {owner.stack_name!r} of account {owner.account!r}, but "
                f"the trail deploys to account {stack.account!r}: CDK cannot reference resources across "
                f"accounts; import it by name or ARN instead, e.g. {importer} or "
                f"LogArchive.import_for_trail(...), and keep its policies in the archive account"
            )
    if encryption_key is not None:
        key_region = encryption_key.env.region
        bucket_region = bucket.env.region if bucket is not None else stack.region
        if _known(key_region) and _known(bucket_region) and key_region != bucket_region:
            problems.append(
                f"encryption_key is in Region {key_region!r} but the log bucket is in {bucket_region!r}: "
                f"CloudTrail needs the key in the bucket's Region; use a key (or a multi-Region replica) "
                f"in {bucket_region!r}"
            )
    return problems
