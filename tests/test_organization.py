"""Organization trails: bucket and key policies, per-account readers, invalid combinations."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Annotations, Match, Template

from network_trail import LogArchive, NetworkTrail, NetworkTrailError
from network_trail.app.config import load_environments
from tests.policy_helpers import by_sid, policy_statements

from .conftest import ACCOUNT, REGION, new_app, new_stack, synth

ORG = "o-a1b2c3d4e5"
MANAGEMENT = "999999999999"
MEMBER = "111111111111"
NAME = "org-network-activity"
TRAIL_ARN = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/{NAME}"


def _joined(value: Any) -> str:
    """An ARN built with Fn::Join as a readable string, the bucket reference as '<bucket>'."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        return "".join(_joined(part) for part in value["Fn::Join"][1])
    if "Fn::GetAtt" in value:
        return "<bucket>"
    if "Ref" in value:
        return f"<{value['Ref']}>"
    raise AssertionError(value)


@pytest.fixture(scope="module")
def org_template() -> Template:
    return synth(organization_id=ORG, is_organization_trail=True, trail_name=NAME)[1]


@pytest.fixture(scope="module")
def delegated_template() -> Template:
    return synth(
        organization_id=ORG,
        is_organization_trail=True,
        trail_name=NAME,
        management_account_id=MANAGEMENT,
        delegated_administrator=True,
        send_to_cloud_watch_logs=True,
    )[1]


# --- organization trail in the management account ------------------------------------------------
def test_organization_trail_writes_organization_and_management_paths(org_template: Template) -> None:
    # GIVEN an organization trail in the management account (the stack's account)
    # THEN PutObject covers AWSLogs/<o-id>/* and the management account's own AWSLogs/<account>/*
    write = by_sid(
        policy_statements(org_template, "AWS::S3::BucketPolicy", "PolicyDocument"), "AWSCloudTrailWrite"
    )
    assert sorted(_joined(r) for r in write["Resource"]) == [
        f"<bucket>/AWSLogs/{ACCOUNT}/*",
        f"<bucket>/AWSLogs/{ORG}/*",
    ]


def test_organization_trail_write_is_conditioned_on_trail_arn_and_acl(org_template: Template) -> None:
    write = by_sid(
        policy_statements(org_template, "AWS::S3::BucketPolicy", "PolicyDocument"), "AWSCloudTrailWrite"
    )
    assert write["Condition"] == {
        "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": TRAIL_ARN}
    }


def test_organization_trail_acl_check_is_conditioned_on_trail_arn(org_template: Template) -> None:
    acl = by_sid(
        policy_statements(org_template, "AWS::S3::BucketPolicy", "PolicyDocument"), "AWSCloudTrailAclCheck"
    )
    assert acl["Condition"] == {"StringEquals": {"aws:SourceArn": TRAIL_ARN}}


def test_organization_trail_key_policy_uses_management_account_encryption_context(
    org_template: Template,
) -> None:
    encrypt = by_sid(
        policy_statements(org_template, "AWS::KMS::Key", "KeyPolicy"), "AllowCloudTrailToEncryptLogs"
    )
    assert encrypt["Condition"] == {
        "StringEquals": {"aws:SourceArn": TRAIL_ARN},
        "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"},
    }


def test_organization_trail_denies_principals_outside_organization(org_template: Template) -> None:
    deny = by_sid(
        policy_statements(org_template, "AWS::S3::BucketPolicy", "PolicyDocument"),
        "DenyPrincipalsOutsideOrganization",
    )
    assert deny["Effect"] == "Deny"
    assert deny["Condition"]["StringNotEqualsIfExists"] == {"aws:PrincipalOrgID": ORG}


def test_organization_trail_sets_is_organization_trail(org_template: Template) -> None:
    org_template.has_resource_properties("AWS::CloudTrail::Trail", {"IsOrganizationTrail": True})


def test_organization_trail_paths_follow_s3_key_prefix() -> None:
    _, template = synth(
        organization_id=ORG, is_organization_trail=True, trail_name=NAME, s3_key_prefix="logs"
    )
    write = by_sid(
        policy_statements(template, "AWS::S3::BucketPolicy", "PolicyDocument"), "AWSCloudTrailWrite"
    )
    assert sorted(_joined(r) for r in write["Resource"]) == [
        f"<bucket>/logs/AWSLogs/{ACCOUNT}/*",
        f"<bucket>/logs/AWSLogs/{ORG}/*",
    ]


def test_organization_trail_log_streams_cover_own_and_member_accounts() -> None:
    _, template = synth(
        organization_id=ORG, is_organization_trail=True, trail_name=NAME, send_to_cloud_watch_logs=True
    )
    statement = policy_statements(template, "AWS::IAM::ManagedPolicy", "PolicyDocument")[0]
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/cloudtrail/{NAME}:log-stream:"
    assert statement["Resource"] == [f"{group}{ACCOUNT}_CloudTrail_*", f"{group}{ORG}_*"]


# --- delegated administrator -----------------------------------------------------------------
def test_delegated_administrator_policies_name_management_account_trail(delegated_template: Template) -> None:
    # GIVEN a delegated administrator account (the stack's) creating the organization trail
    # THEN the trail ARN in every aws:SourceArn is the management account's, which owns the trail
    statements = policy_statements(delegated_template, "AWS::S3::BucketPolicy", "PolicyDocument")
    acl = by_sid(statements, "AWSCloudTrailAclCheck")
    assert (
        acl["Condition"]["StringEquals"]["aws:SourceArn"]
        == f"arn:aws:cloudtrail:{REGION}:{MANAGEMENT}:trail/{NAME}"
    )


def test_delegated_administrator_allows_management_account_own_path(delegated_template: Template) -> None:
    write = by_sid(
        policy_statements(delegated_template, "AWS::S3::BucketPolicy", "PolicyDocument"), "AWSCloudTrailWrite"
    )
    assert sorted(_joined(r) for r in write["Resource"]) == [
        f"<bucket>/AWSLogs/{MANAGEMENT}/*",
        f"<bucket>/AWSLogs/{ORG}/*",
    ]


def test_delegated_administrator_key_context_names_management_account(delegated_template: Template) -> None:
    encrypt = by_sid(
        policy_statements(delegated_template, "AWS::KMS::Key", "KeyPolicy"), "AllowCloudTrailToEncryptLogs"
    )
    assert encrypt["Condition"]["StringLike"] == {
        "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{MANAGEMENT}:trail/*"
    }


def test_delegated_administrator_log_group_stays_in_stack_account(delegated_template: Template) -> None:
    statement = policy_statements(delegated_template, "AWS::IAM::ManagedPolicy", "PolicyDocument")[0]
    assert all(r.startswith(f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:") for r in statement["Resource"])
    assert statement["Resource"][0].endswith(f":log-stream:{MANAGEMENT}_CloudTrail_*")


def test_environment_agnostic_stack_accepts_management_account_id() -> None:
    # GIVEN a stack whose account is only known at deploy time
    stack = cdk.Stack(new_app(), "Agnostic")
    # WHEN the management account is named
    NetworkTrail(
        stack,
        "NetworkTrail",
        organization_id=ORG,
        is_organization_trail=True,
        management_account_id=MANAGEMENT,
    )
    # THEN the policies name it, and no error is raised for the unknown stack account
    acl = by_sid(
        policy_statements(Template.from_stack(stack), "AWS::S3::BucketPolicy", "PolicyDocument"),
        "AWSCloudTrailAclCheck",
    )
    assert f":{MANAGEMENT}:trail/" in _joined(acl["Condition"]["StringEquals"]["aws:SourceArn"])


# --- per-account readers ---------------------------------------------------------------------
def _reader_policy(trail: NetworkTrail, account: str) -> list[dict[str, Any]]:
    stack = cdk.Stack.of(trail)
    role = iam.Role(stack, "Reader", assumed_by=iam.AccountRootPrincipal())
    trail.grant_read_account_logs(role, account)
    return policy_statements(Template.from_stack(stack), "AWS::IAM::Policy", "PolicyDocument")


def test_grant_read_account_logs_limits_objects_to_account_under_organization() -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", organization_id=ORG, is_organization_trail=True)
    statements = _reader_policy(trail, MEMBER)
    get = [s for s in statements if s["Action"] == "s3:GetObject"]
    assert [_joined(s["Resource"]) for s in get] == [f"<bucket>/AWSLogs/{ORG}/{MEMBER}/*"]


def test_grant_read_account_logs_limits_listing_to_account_prefix() -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", organization_id=ORG, is_organization_trail=True)
    statements = _reader_policy(trail, MEMBER)
    listing = [s for s in statements if s["Action"] == "s3:ListBucket"]
    assert listing[0]["Condition"] == {"StringLike": {"s3:prefix": [f"AWSLogs/{ORG}/{MEMBER}/*"]}}


def test_grant_read_account_logs_adds_decrypt_on_key() -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", organization_id=ORG, is_organization_trail=True)
    statements = _reader_policy(trail, MEMBER)
    assert [s["Action"] for s in statements if str(s["Action"]).startswith("kms:")] == ["kms:Decrypt"]


def test_grant_read_account_logs_of_single_account_trail_uses_account_path() -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail")
    statements = _reader_policy(trail, ACCOUNT)
    get = [s for s in statements if s["Action"] == "s3:GetObject"]
    assert [_joined(s["Resource"]) for s in get] == [f"<bucket>/AWSLogs/{ACCOUNT}/*"]


def test_grant_read_account_logs_to_member_account_role_adds_bucket_policy_statement() -> None:
    # GIVEN a reader role in a member account, outside the trail's account
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", organization_id=ORG, is_organization_trail=True)
    role = iam.Role.from_role_arn(stack, "MemberReader", f"arn:aws:iam::{MEMBER}:role/log-reader")
    # WHEN it is granted its account's logs
    trail.grant_read_account_logs(role, MEMBER)
    # THEN the bucket policy admits that role on that account's path only
    statements = policy_statements(Template.from_stack(stack), "AWS::S3::BucketPolicy", "PolicyDocument")
    get = [s for s in statements if s["Action"] == "s3:GetObject"]
    assert len(get) == 1
    assert get[0]["Principal"] == {"AWS": f"arn:aws:iam::{MEMBER}:role/log-reader"}
    assert _joined(get[0]["Resource"]) == f"<bucket>/AWSLogs/{ORG}/{MEMBER}/*"


def test_grant_read_account_logs_returns_grant() -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail")
    role = iam.Role(stack, "Reader", assumed_by=iam.AccountRootPrincipal())
    assert isinstance(trail.grant_read_account_logs(role, ACCOUNT), iam.Grant)


def test_fails_when_grant_read_account_logs_account_is_malformed() -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail")
    role = iam.Role(stack, "Reader", assumed_by=iam.AccountRootPrincipal())
    with pytest.raises(NetworkTrailError, match=r"account_id must be a 12-digit AWS account id.*'1234'"):
        trail.grant_read_account_logs(role, "1234")


# --- invalid combinations --------------------------------------------------------------------
def test_fails_when_organization_trail_has_no_organization_id() -> None:
    with pytest.raises(NetworkTrailError, match=r"is_organization_trail=True needs organization_id"):
        synth(is_organization_trail=True)


def test_fails_when_organization_trail_is_outside_management_account() -> None:
    # GIVEN the stack's account (123456789012) is not the management account
    with pytest.raises(NetworkTrailError, match=r"not the management account.*delegated_administrator=True"):
        synth(organization_id=ORG, is_organization_trail=True, management_account_id=MANAGEMENT)


def test_fails_when_delegated_administrator_has_no_management_account_id() -> None:
    with pytest.raises(NetworkTrailError, match=r"delegated_administrator=True needs management_account_id"):
        synth(organization_id=ORG, is_organization_trail=True, delegated_administrator=True)


def test_fails_when_delegated_administrator_without_organization_trail() -> None:
    with pytest.raises(NetworkTrailError, match=r"delegated_administrator=True only applies to organization"):
        synth(delegated_administrator=True, management_account_id=MANAGEMENT)


def test_fails_when_management_account_id_without_organization_trail() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"management_account_id='999999999999' only applies to organization"
    ):
        synth(management_account_id=MANAGEMENT)


def test_fails_when_delegated_administrator_is_the_management_account() -> None:
    with pytest.raises(NetworkTrailError, match=r"deploys to the management account '123456789012' itself"):
        synth(
            organization_id=ORG,
            is_organization_trail=True,
            management_account_id=ACCOUNT,
            delegated_administrator=True,
        )


def test_fails_when_management_account_id_is_malformed() -> None:
    with pytest.raises(
        NetworkTrailError,
        match=r"management_account_id must be a 12-digit AWS account id as a string, got '12-34'",
    ):
        synth(organization_id=ORG, is_organization_trail=True, management_account_id="12-34")


def test_fails_when_bucket_is_defined_in_a_stack_of_another_account() -> None:
    # GIVEN a log archive declared in another account's stack of the same app
    app = new_app()
    archive_stack = cdk.Stack(app, "Archive", env=cdk.Environment(account="222222222222", region=REGION))
    archive = LogArchive(archive_stack, "Archive", organization_id=ORG, management_account_id=MANAGEMENT)
    stack = new_stack(app)
    # WHEN its bucket object is handed to an organization trail directly
    # THEN the error says to import it by name instead of a cross-account reference CDK cannot make
    with pytest.raises(
        NetworkTrailError, match=r"bucket is defined in stack 'Archive' of account '222222222222'"
    ):
        NetworkTrail(
            stack,
            "NetworkTrail",
            organization_id=ORG,
            is_organization_trail=True,
            bucket=archive.bucket,
            encryption_key=archive.key,
        )


def test_fails_when_encryption_key_is_in_another_region_than_bucket() -> None:
    stack = new_stack()
    key = kms.Key.from_key_arn(
        stack, "Key", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    with pytest.raises(
        NetworkTrailError, match=r"encryption_key is in Region 'eu-west-1' but the log bucket"
    ):
        NetworkTrail(stack, "NetworkTrail", encryption_key=key)


def test_organization_trail_with_imported_bucket_warns_with_organization_path() -> None:
    # GIVEN an organization trail writing to a bucket of another account, imported by name
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_attributes(
        stack, "Archive", bucket_name="org-archive", account="222222222222", region=REGION
    )
    NetworkTrail(stack, "NetworkTrail", organization_id=ORG, is_organization_trail=True, bucket=bucket)
    # THEN the warning lists the organization path the archive's policy must allow
    Annotations.from_stack(stack).has_warning(
        "/TestStack/NetworkTrail",
        Match.string_like_regexp(rf"bucketPolicyNotAdded|arn:aws:s3:::org-archive/AWSLogs/{ORG}/\*"),
    )
    messages = [m.entry.data for m in Annotations.from_stack(stack).find_warning("*", Match.any_value())]
    assert any(f"arn:aws:s3:::org-archive/AWSLogs/{ORG}/*" in str(m) for m in messages)


# --- configuration ---------------------------------------------------------------------------
def test_config_passes_management_account_and_delegated_administrator() -> None:
    (env,) = load_environments(
        {
            "org": {
                "account": ACCOUNT,
                "region": REGION,
                "is_organization_trail": True,
                "organization_id": ORG,
                "management_account_id": MANAGEMENT,
                "delegated_administrator": True,
            }
        }
    )
    assert env.trail_props.management_account_id == MANAGEMENT
    assert env.trail_props.delegated_administrator is True


def test_fails_when_config_delegated_administrator_is_not_boolean() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"environment 'org', key 'delegated_administrator': must be true"
    ):
        load_environments({"org": {"account": ACCOUNT, "region": REGION, "delegated_administrator": "yes"}})


def test_sample_app_org_environment_is_an_organization_trail(sample_app_templates: dict[str, Any]) -> None:
    template = Template.from_json(sample_app_templates["org"])
    template.has_resource_properties(
        "AWS::CloudTrail::Trail", {"IsOrganizationTrail": True, "TrailName": "org-network-activity"}
    )
