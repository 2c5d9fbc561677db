"""The shapes of AWS identifiers the library checks: account ids, organization ids and Regions.

One home for the patterns and the checks of account and organization ids, so every check of an
account id, an ``o-`` id or a Region code accepts the same values and words its rule the same
way. Each check returns a list of problems (empty when valid), naming the parameter it is given.
Also the partition of a Region, as aws-cdk-lib's region-info gives it (:func:`partition_of`).
"""

from __future__ import annotations

import re
from typing import Final

from ._tokens import is_unresolved

__all__ = [
    "ACCOUNT_ID",
    "ACCOUNT_ID_RULE",
    "KNOWN_REGIONS",
    "ORGANIZATION_ID",
    "ORGANIZATION_ID_FIX",
    "ORGANIZATION_ID_RULE",
    "REGION",
    "account_id_problems",
    "is_account_id",
    "organization_id_problems",
    "partition_of",
    "region_partition",
]

ACCOUNT_ID: Final = re.compile(r"^\d{12}$")
"""A 12-digit AWS account id
(https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html)."""
ORGANIZATION_ID: Final = re.compile(r"^o-[a-z0-9]{10,32}$")
"""An AWS Organizations id, the ``Id`` pattern of
https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html."""
REGION: Final = re.compile(r"^(?:[a-z]{2}(?:-gov|-iso[a-z]*)?|eusc-[a-z]{2})-[a-z]+-\d$")
"""A Region code such as ``eu-west-1``, ``us-gov-west-1``, ``us-isob-east-1`` or ``eusc-de-east-1``
(every Region of :data:`KNOWN_REGIONS` matches it: ``tests/test_ids.py``)."""

_PARTITION_PREFIXES: Final = (
    ("cn-", "aws-cn"),
    ("us-gov-", "aws-us-gov"),
    ("us-iso-", "aws-iso"),
    ("us-isob-", "aws-iso-b"),
    ("us-isof-", "aws-iso-f"),
    ("eu-isoe-", "aws-iso-e"),
    ("eusc-de-", "aws-eusc"),
)
"""Region-code prefixes of the partitions other than ``aws``, as aws-cdk-lib's region-info maps them
(``PARTITION_MAP`` of ``region-info/lib/aws-entities.js``, 2.257.0 to 2.275.0; the partitions are
the ``partition`` element of https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html)."""

KNOWN_REGIONS: Final = frozenset(
    {
        *("us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1", "mx-central-1"),
        *("sa-east-1", "af-south-1", "il-central-1", "me-central-1", "me-south-1"),
        *("eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2"),
        *("eu-west-1", "eu-west-2", "eu-west-3"),
        *("ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3"),
        *("ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3"),
        *("ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7"),
        *("cn-north-1", "cn-northwest-1", "us-gov-east-1", "us-gov-west-1"),
        *("us-iso-east-1", "us-iso-west-1", "us-isob-east-1", "us-isob-west-1"),
        *("us-isof-east-1", "us-isof-south-1", "eu-isoe-west-1", "eusc-de-east-1"),
    }
)
"""The Regions aws-cdk-lib's region-info knows (``RegionInfo.regions``: the same 46 in 2.257.0, the
lowest version this library supports, and 2.275.0). ``tests/test_ids.py`` checks the set and
:func:`partition_of` against the installed aws-cdk-lib; ``scripts/check-floors.sh`` against the lowest."""

ACCOUNT_ID_RULE: Final = "must be a 12-digit AWS account id as a string"
"""What an account id must be, in the words of every message about one."""
ORGANIZATION_ID_RULE: Final = "must look like 'o-' and 10 to 32 lowercase letters or digits"
"""What an organization id must be, in the words of every message about one."""
ORGANIZATION_ID_FIX: Final = "find it with 'aws organizations describe-organization'"
"""Where to find the organization id, the fix of a message about one."""


def is_account_id(value: object) -> bool:
    """Whether ``value`` is a string of 12 digits (the whole string: not one with a newline after them)."""
    return isinstance(value, str) and ACCOUNT_ID.fullmatch(value) is not None


def account_id_problems(parameter: str, value: object, *, tokens_pass: bool = True) -> list[str]:
    """``value`` must be a 12-digit account id; empty when it is.

    :param parameter: the parameter's name in the message, e.g. ``"account_ids[0]"``.
    :param value: the value given.
    :param tokens_pass: an unresolved CDK token (known at deploy time only) passes. Default: true
    """
    if is_account_id(value) or (tokens_pass and isinstance(value, str) and is_unresolved(value)):
        return []
    return [f"{parameter} {ACCOUNT_ID_RULE}, got {value!r}"]


def organization_id_problems(
    parameter: str, value: object, *, tokens_pass: bool = True, fix: str | None = ORGANIZATION_ID_FIX
) -> list[str]:
    """``value`` must look like an AWS Organizations id (``o-…``); empty when it does.

    :param parameter: the parameter's name in the message.
    :param value: the value given.
    :param tokens_pass: an unresolved CDK token passes. Default: true
    :param fix: the fix the message ends with, or ``None`` for none. Default: ORGANIZATION_ID_FIX
    """
    if isinstance(value, str) and (
        ORGANIZATION_ID.match(value) is not None or (tokens_pass and is_unresolved(value))
    ):
        return []
    return [f"{parameter} {ORGANIZATION_ID_RULE}, got {value!r}" + (f": {fix}" if fix else "")]


def region_partition(region: str | None) -> str:
    """The partition of a Region code by its prefix (``aws`` for ``None`` or any other code).

    :param region: a Region code such as ``eu-west-1``, or ``None`` when unknown.
    """
    for prefix, partition in _PARTITION_PREFIXES:
        if region is not None and region.startswith(prefix):
            return partition
    return "aws"


def partition_of(region: str) -> str | None:
    """The partition aws-cdk-lib's ``RegionInfo.get(region).partition`` gives: ``None`` for a Region it
    does not know (a token, a typo, a Region newer than aws-cdk-lib).

    The same answer without asking the jsii kernel, whose first region-info lookup of a process loads
    every region-info fact (about 50 ms).

    :param region: a Region code.
    """
    return region_partition(region) if region in KNOWN_REGIONS else None
