"""The one home of the account-id, organization-id and Region rules (network_trail/model/_ids.py).

Expected values from the AWS pages the patterns cite: an account id is 12 digits
(https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html), an organization
id matches ``^o-[a-z0-9]{10,32}$`` (the ``Id`` of
https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html). The partition
of a Region is what aws-cdk-lib's ``RegionInfo`` and ``Stack.partition`` give, asked here of the
installed aws-cdk-lib: the templates must not change when the library stops asking it.
"""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import region_info

from network_trail.cdk._stack import PARTITION_LITERALS_FLAG, stack_values
from network_trail.model._ids import (
    KNOWN_REGIONS,
    REGION,
    account_id_problems,
    is_account_id,
    organization_id_problems,
    partition_of,
    region_partition,
)

CDK_REGIONS = {info.name: info.partition for info in region_info.RegionInfo.regions}
"""Every Region the installed aws-cdk-lib knows, with the partition it gives."""


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


def test_the_known_regions_are_the_regions_aws_cdk_lib_knows() -> None:
    # A Region aws-cdk-lib added and the table lacks only costs the region-info lookup again (the
    # stack then answers); a Region the table has and aws-cdk-lib lacks would change templates.
    missing, extra = set(CDK_REGIONS) - KNOWN_REGIONS, KNOWN_REGIONS - set(CDK_REGIONS)
    assert (missing, extra) == (set(), set()), (
        "network_trail/model/_ids.py KNOWN_REGIONS differs from aws_cdk.region_info.RegionInfo.regions: "
        f"add {sorted(missing)}, remove {sorted(extra)}"
    )


@pytest.mark.parametrize("region", sorted(CDK_REGIONS))
def test_partition_of_a_known_region_is_region_infos(region: str) -> None:
    assert partition_of(region) == CDK_REGIONS[region] == region_info.RegionInfo.get(region).partition
    # and every Region aws-cdk-lib knows passes the Region check of the sample app and the add-ons
    assert REGION.match(region)


@pytest.mark.parametrize("region", ["xx-nowhere-1", "us-east-9", "eu-west", ""])
def test_an_unknown_region_has_no_partition_as_in_region_info(region: str) -> None:
    assert partition_of(region) is None
    assert region_info.RegionInfo.get(region).partition is None


@pytest.mark.parametrize(
    ("region", "partition"),
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html: "aws - AWS Regions,
    # aws-cn - China Regions, aws-us-gov - AWS GovCloud (US) Regions"
    [("eu-west-1", "aws"), ("cn-northwest-1", "aws-cn"), ("us-gov-east-1", "aws-us-gov"), (None, "aws")],
)
def test_region_partition_follows_the_prefix(region: str | None, partition: str) -> None:
    assert region_partition(region) == partition


@pytest.mark.parametrize("flag", [True, False])
@pytest.mark.parametrize("region", [*sorted(CDK_REGIONS), "xx-nowhere-1", None])
def test_stack_values_are_the_stacks_own(region: str | None, flag: bool) -> None:
    # GIVEN a stack in a Region aws-cdk-lib knows, one it does not, or no Region (env-agnostic),
    # with and without partition literals
    app = cdk.App(context={PARTITION_LITERALS_FLAG: flag})
    env = cdk.Environment(account="123456789012", region=region) if region else None
    stack = cdk.Stack(app, "Stack", env=env)
    # THEN the values the builders read are exactly what the stack's properties give
    assert tuple(stack_values(stack)) == (stack.partition, stack.region, stack.account)
