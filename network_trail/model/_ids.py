"""The shapes of AWS identifiers the library checks: account ids, organization ids and Regions.

One home for the patterns, so every check of an account id, an ``o-`` id or a Region code
accepts the same values. The messages stay with each check, which knows the parameter.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["ACCOUNT_ID", "ORGANIZATION_ID", "REGION"]

ACCOUNT_ID: Final = re.compile(r"^\d{12}$")
"""A 12-digit AWS account id
(https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html)."""
ORGANIZATION_ID: Final = re.compile(r"^o-[a-z0-9]{10,32}$")
"""An AWS Organizations id, the ``Id`` pattern of
https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html."""
REGION: Final = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
"""A Region code such as ``eu-west-1``, ``us-gov-west-1`` or ``us-isob-east-1``."""
