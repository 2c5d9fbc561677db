"""The shapes of AWS identifiers the library checks: account ids, organization ids and Regions.

One home for the patterns and the checks of account and organization ids, so every check of an
account id, an ``o-`` id or a Region code accepts the same values and words its rule the same
way. Each check returns a list of problems (empty when valid), naming the parameter it is given.
"""

from __future__ import annotations

import re
from typing import Final

from ._tokens import is_unresolved

__all__ = [
    "ACCOUNT_ID",
    "ACCOUNT_ID_RULE",
    "ORGANIZATION_ID",
    "ORGANIZATION_ID_FIX",
    "ORGANIZATION_ID_RULE",
    "REGION",
    "account_id_problems",
    "is_account_id",
    "organization_id_problems",
]

ACCOUNT_ID: Final = re.compile(r"^\d{12}$")
"""A 12-digit AWS account id
(https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html)."""
ORGANIZATION_ID: Final = re.compile(r"^o-[a-z0-9]{10,32}$")
"""An AWS Organizations id, the ``Id`` pattern of
https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html."""
REGION: Final = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
"""A Region code such as ``eu-west-1``, ``us-gov-west-1`` or ``us-isob-east-1``."""

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
