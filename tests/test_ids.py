"""The one home of the account-id and organization-id rules (network_trail/model/_ids.py).

Expected values from the AWS pages the patterns cite: an account id is 12 digits
(https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html), an organization
id matches ``^o-[a-z0-9]{10,32}$`` (the ``Id`` of
https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html).
"""

from __future__ import annotations

import aws_cdk as cdk
import pytest

from network_trail.model._ids import account_id_problems, is_account_id, organization_id_problems


@pytest.mark.parametrize("value", ["123456789012", "000000000000"])
def test_twelve_digits_are_an_account_id(value: str) -> None:
    assert is_account_id(value)
    assert account_id_problems("account_ids[0]", value) == []


@pytest.mark.parametrize(
    "value",
    ["12345678901", "1234567890123", "12345678901a", "123456789012\n", " 123456789012", 123456789012, None],
)
def test_fails_when_an_account_id_is_not_twelve_digits(value: object) -> None:
    assert not is_account_id(value)
    assert account_id_problems("account_ids[0]", value) == [
        f"account_ids[0] must be a 12-digit AWS account id as a string, got {value!r}"
    ]


def test_a_token_passes_unless_tokens_are_refused() -> None:
    # GIVEN an account known only at deploy time
    token = cdk.Aws.ACCOUNT_ID
    # THEN it passes by default, and is a problem where the value must be known at synth time
    assert account_id_problems("management_account_id", token) == []
    assert account_id_problems("account_ids[0]", token, tokens_pass=False) != []


@pytest.mark.parametrize("value", ["o-a1b2c3d4e5", "o-" + "a" * 32])
def test_an_o_id_of_10_to_32_lowercase_letters_or_digits_is_an_organization_id(value: str) -> None:
    assert organization_id_problems("organization_id", value) == []


@pytest.mark.parametrize("value", ["o-a1b2c3d4e", "o-" + "a" * 33, "o-A1B2C3D4E5", "r-a1b2c3d4e5", 7])
def test_fails_when_an_organization_id_breaks_the_pattern(value: object) -> None:
    # The message names the rule and, unless the caller has its own, where to find the id
    assert organization_id_problems("organization_id", value) == [
        f"organization_id must look like 'o-' and 10 to 32 lowercase letters or digits, got {value!r}: "
        f"find it with 'aws organizations describe-organization'"
    ]
    assert organization_id_problems("organization_id", value, fix=None) == [
        f"organization_id must look like 'o-' and 10 to 32 lowercase letters or digits, got {value!r}"
    ]
