"""LogArchive: the central bucket and key of a log-archive account, and importing it for a trail."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Annotations, Match, Template

from network_trail import LogArchive, NetworkTrail, NetworkTrailError
from network_trail.cdk._compliance import REASONS
from tests.policy_helpers import by_sid, policy_statements
from tests.test_cfn_lint import problems

from .compliance_support import template_set
from .conftest import ACCOUNT, REGION, ROOT, new_app, new_stack

ORG = "o-a1b2c3d4e5"
DEV, PROD = "111111111111", "333333333333"
MANAGEMENT = "444444444444"
DEV_TRAIL = f"arn:aws:cloudtrail:us-east-1:{DEV}:trail/network-activity"
PROD_TRAIL = f"arn:aws:cloudtrail:eu-central-1:{PROD}:trail/network-activity"
KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _archive(**props: Any) -> tuple[LogArchive, Template]:
    stack = new_stack()
    archive = LogArchive(stack, "Archive", **props)
    return archive, Template.from_stack(stack)


def _joined(value: Any) -> str:
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        return "".join(_joined(part) for part in value["Fn::Join"][1])
    if "Fn::GetAtt" in value:
        return f"<{value['Fn::GetAtt'][0]}>"
    raise AssertionError(value)


@pytest.fixture(scope="module")
def trails_template() -> Template:
    """An archive for two named trails of two accounts, no organization."""
    return _archive(trail_arns=[DEV_TRAIL, PROD_TRAIL])[1]


@pytest.fixture(scope="module")
def org_template() -> Template:
    """An archive for the organization trails of an organization (its management account's)."""
    return _archive(organization_id=ORG, management_account_id=MANAGEMENT)[1]


# --- resources -------------------------------------------------------------------------------
def test_archive_creates_bucket_access_log_bucket_key_and_alias(trails_template: Template) -> None:
    trails_template.resource_count_is("AWS::S3::Bucket", 2)
    trails_template.resource_count_is("AWS::KMS::Key", 1)
    trails_template.has_resource_properties("AWS::KMS::Alias", {"AliasName": "alias/network-trail-archive"})


def test_archive_bucket_has_trail_bucket_defaults(trails_template: Template) -> None:
    trails_template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    Match.object_like(
                        {
                            "BucketKeyEnabled": True,
                            "ServerSideEncryptionByDefault": Match.object_like({"SSEAlgorithm": "aws:kms"}),
                        }
                    )
                ]
            },
            "VersioningConfiguration": {"Status": "Enabled"},
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "LoggingConfiguration": Match.object_like({"LogFilePrefix": "access-logs/"}),
        },
    )


def test_archive_key_has_rotation(trails_template: Template) -> None:
    trails_template.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})


def test_archive_resources_are_retained_by_default(trails_template: Template) -> None:
    for resource_type in ("AWS::S3::Bucket", "AWS::KMS::Key"):
        for resource in trails_template.find_resources(resource_type).values():
            assert resource["DeletionPolicy"] == "Retain"


# --- rule engines (the archive is in tests/compliance_support.py's template set) -------------------
@cache
def _acknowledgments() -> list[tuple[str, str, str]]:
    """(construct path, rule id, reason) of every cdk-nag acknowledgment in the template set's archive."""
    found: list[tuple[str, str, str]] = []
    for construct in template_set().stacks["log-archive"].node.find_all():
        for entry in construct.node.metadata:
            if entry.type == "aws:cdk:acknowledged-rules":
                found += [
                    (construct.node.path, rule.split("::", 1)[-1], why) for rule, why in entry.data.items()
                ]
    return found


def test_archive_bucket_sends_object_events_to_eventbridge(trails_template: Template) -> None:
    # Control Tower CT.S3.PR.4, fixed by construction as on NetworkTrail's log bucket
    bucket = trails_template.to_json()["Resources"]["ArchiveBucket49F1AC64"]
    assert bucket["Properties"]["NotificationConfiguration"] == {
        "EventBridgeConfiguration": {"EventBridgeEnabled": True}
    }


def test_archive_acknowledgments_are_only_on_its_two_buckets() -> None:
    # No acknowledgment on the stack or the construct: each is on the bucket it concerns
    paths = {path for path, _, _ in _acknowledgments()}
    assert paths == {"LogArchive/Archive/Bucket", "LogArchive/Archive/AccessLogsBucket"}


def test_every_archive_acknowledgment_reason_is_a_documented_reason() -> None:
    reasons = {why for _, _, why in _acknowledgments()}
    assert reasons and reasons <= set(REASONS.values())


def test_every_archive_acknowledged_rule_is_in_the_security_doc() -> None:
    doc = (ROOT / "docs" / "security.md").read_text()
    assert sorted({rule for _, rule, _ in _acknowledgments() if rule not in doc}) == []


def test_archive_bucket_with_object_lock_has_no_object_lock_suppression() -> None:
    # GIVEN an archive with Object Lock  THEN CT.S3.PR.9 passes on the bucket, so nothing suppresses it
    _, template = _archive(
        trail_arns=[DEV_TRAIL], object_lock_retention=s3.ObjectLockRetention.governance(cdk.Duration.days(30))
    )
    bucket = template.to_json()["Resources"]["ArchiveBucket49F1AC64"]
    assert "guard" not in bucket.get("Metadata", {})


def test_archive_template_is_clean_under_cfn_lint() -> None:
    assert problems(template_set().templates["log-archive"], REGION) == []


# --- bucket policy for listed trails -----------------------------------------------------------
def test_archive_write_allows_each_source_account_path(trails_template: Template) -> None:
    write = by_sid(
        policy_statements(trails_template, "AWS::S3::BucketPolicy", "PolicyDocument"), "AWSCloudTrailWrite"
    )
    assert [_joined(r) for r in write["Resource"]] == [
        f"<ArchiveBucket49F1AC64>/AWSLogs/{DEV}/*",
        f"<ArchiveBucket49F1AC64>/AWSLogs/{PROD}/*",
    ]


def test_archive_write_is_conditioned_on_listed_trail_arns(trails_template: Template) -> None:
    write = by_sid(
        policy_statements(trails_template, "AWS::S3::BucketPolicy", "PolicyDocument"), "AWSCloudTrailWrite"
    )
    assert write["Condition"] == {
        "StringEquals": {
            "s3:x-amz-acl": "bucket-owner-full-control",
            "aws:SourceArn": [DEV_TRAIL, PROD_TRAIL],
        }
    }


def test_archive_acl_check_is_conditioned_on_listed_trail_arns(trails_template: Template) -> None:
    acl = by_sid(
        policy_statements(trails_template, "AWS::S3::BucketPolicy", "PolicyDocument"), "AWSCloudTrailAclCheck"
    )
    assert acl["Action"] == "s3:GetBucketAcl"
    assert acl["Condition"] == {"StringEquals": {"aws:SourceArn": [DEV_TRAIL, PROD_TRAIL]}}


def test_archive_without_organization_has_no_organization_deny(trails_template: Template) -> None:
    sids = [
        s.get("Sid") for s in policy_statements(trails_template, "AWS::S3::BucketPolicy", "PolicyDocument")
    ]
    assert "DenyPrincipalsOutsideOrganization" not in sids


def test_archive_paths_follow_s3_key_prefix() -> None:
    _, template = _archive(trail_arns=[DEV_TRAIL], s3_key_prefix="trails")
    write = by_sid(
        policy_statements(template, "AWS::S3::BucketPolicy", "PolicyDocument"), "AWSCloudTrailWrite"
    )
    assert _joined(write["Resource"]) == f"<ArchiveBucket49F1AC64>/trails/AWSLogs/{DEV}/*"


def test_archive_source_account_ids_add_paths_beyond_trail_accounts() -> None:
    _, template = _archive(trail_arns=[DEV_TRAIL], source_account_ids=[PROD])
    write = by_sid(
        policy_statements(template, "AWS::S3::BucketPolicy", "PolicyDocument"), "AWSCloudTrailWrite"
    )
    assert sorted(_joined(r) for r in write["Resource"]) == [
        f"<ArchiveBucket49F1AC64>/AWSLogs/{DEV}/*",
        f"<ArchiveBucket49F1AC64>/AWSLogs/{PROD}/*",
    ]


# --- key policy for listed trails --------------------------------------------------------------
def test_archive_key_encrypt_is_bound_to_source_accounts_trail_context(trails_template: Template) -> None:
    encrypt = by_sid(
        policy_statements(trails_template, "AWS::KMS::Key", "KeyPolicy"), "AllowCloudTrailToEncryptLogs"
    )
    assert encrypt["Action"] == "kms:GenerateDataKey*"
    assert encrypt["Condition"] == {
        "StringEquals": {"aws:SourceArn": [DEV_TRAIL, PROD_TRAIL]},
        "StringLike": {
            "kms:EncryptionContext:aws:cloudtrail:arn": [
                f"arn:aws:cloudtrail:*:{DEV}:trail/*",
                f"arn:aws:cloudtrail:*:{PROD}:trail/*",
            ]
        },
    }


def test_archive_key_denies_create_grant_except_for_aws_services(trails_template: Template) -> None:
    # GIVEN an archive key  THEN grants are possible only through AWS services, as on NetworkTrail's key
    deny = by_sid(
        policy_statements(trails_template, "AWS::KMS::Key", "KeyPolicy"),
        "DenyCreateGrantExceptForAWSServices",
    )
    assert deny["Effect"] == "Deny"
    assert deny["Action"] == "kms:CreateGrant"
    assert deny["Condition"] == {
        "BoolIfExists": {"kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false"}
    }


def test_archive_key_allows_describe_key_for_listed_trails(trails_template: Template) -> None:
    describe = by_sid(
        policy_statements(trails_template, "AWS::KMS::Key", "KeyPolicy"), "AllowCloudTrailToDescribeKey"
    )
    assert describe["Action"] == "kms:DescribeKey"
    assert describe["Condition"] == {"StringEquals": {"aws:SourceArn": [DEV_TRAIL, PROD_TRAIL]}}


# --- organization --------------------------------------------------------------------------------
def test_archive_for_organization_conditions_writes_on_source_org_id(org_template: Template) -> None:
    write = by_sid(
        policy_statements(org_template, "AWS::S3::BucketPolicy", "PolicyDocument"), "AWSCloudTrailWrite"
    )
    assert write["Condition"] == {
        "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceOrgID": ORG}
    }


def test_archive_for_organization_accepts_the_management_and_organization_paths(
    org_template: Template,
) -> None:
    # UG-S3POL (organization trails): AWSLogs/<o-id>/*, and the management account's own path.
    write = by_sid(
        policy_statements(org_template, "AWS::S3::BucketPolicy", "PolicyDocument"), "AWSCloudTrailWrite"
    )
    assert [_joined(r) for r in write["Resource"]] == [
        f"<ArchiveBucket49F1AC64>/AWSLogs/{MANAGEMENT}/*",
        f"<ArchiveBucket49F1AC64>/AWSLogs/{ORG}/*",
    ]


def test_archive_for_organization_key_names_the_management_accounts_trails(org_template: Template) -> None:
    # An organization trail's encryption context is its ARN, which names the management account
    # (UG-KMSPOL: aws:SourceAccount "for organization trails, the management account ID"); no
    # aws:SourceOrgID on the key: no AWS page shows CloudTrail's KMS requests carrying it.
    statements = policy_statements(org_template, "AWS::KMS::Key", "KeyPolicy")
    encrypt = by_sid(statements, "AllowCloudTrailToEncryptLogs")
    assert encrypt["Condition"] == {
        "StringEquals": {"aws:SourceAccount": MANAGEMENT},
        "StringLike": {
            "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{MANAGEMENT}:trail/*"
        },
    }
    # AND DescribeKey and the Bucket Key's Decrypt are bound to the same account, never open to any
    for sid in ("AllowCloudTrailToDescribeKey", "AllowCloudTrailToDecryptForBucketKey"):
        assert by_sid(statements, sid)["Condition"] == {"StringEquals": {"aws:SourceAccount": MANAGEMENT}}


def test_archive_for_organization_only_puts_no_source_org_id_on_key_or_acl_check(
    org_template: Template,
) -> None:
    # Control Tower's audit-bucket policy puts aws:SourceOrgID on writes only
    # (logging-s3-audit-bucket.html); its AWSBucketPermissionsCheck has no condition.
    statements = policy_statements(org_template, "AWS::KMS::Key", "KeyPolicy")
    assert "aws:SourceOrgID" not in json.dumps(statements)
    acl = by_sid(
        policy_statements(org_template, "AWS::S3::BucketPolicy", "PolicyDocument"), "AWSCloudTrailAclCheck"
    )
    assert "Condition" not in acl


def test_archive_for_organization_denies_principals_outside_it(org_template: Template) -> None:
    deny = by_sid(
        policy_statements(org_template, "AWS::S3::BucketPolicy", "PolicyDocument"),
        "DenyPrincipalsOutsideOrganization",
    )
    assert deny["Condition"]["StringNotEqualsIfExists"] == {"aws:PrincipalOrgID": ORG}


def test_archive_for_organization_and_trails_adds_organization_trail_path() -> None:
    management_trail = "arn:aws:cloudtrail:us-east-1:444444444444:trail/org-network-activity"
    _, template = _archive(organization_id=ORG, trail_arns=[management_trail])
    write = by_sid(
        policy_statements(template, "AWS::S3::BucketPolicy", "PolicyDocument"), "AWSCloudTrailWrite"
    )
    assert [_joined(r) for r in write["Resource"]] == [
        "<ArchiveBucket49F1AC64>/AWSLogs/444444444444/*",
        f"<ArchiveBucket49F1AC64>/AWSLogs/{ORG}/*",
    ]
    assert write["Condition"]["StringEquals"]["aws:SourceArn"] == [management_trail]


# --- readers ---------------------------------------------------------------------------------
def test_archive_grant_read_account_logs_covers_account_and_organization_paths() -> None:
    stack = new_stack()
    archive = LogArchive(stack, "Archive", organization_id=ORG, management_account_id=MANAGEMENT)
    role = iam.Role(stack, "Reader", assumed_by=iam.AccountRootPrincipal())
    archive.grant_read_account_logs(role, DEV)
    statements = policy_statements(Template.from_stack(stack), "AWS::IAM::Policy", "PolicyDocument")
    get = next(s for s in statements if s["Action"] == "s3:GetObject")
    assert [_joined(r) for r in get["Resource"]] == [
        f"<ArchiveBucket49F1AC64>/AWSLogs/{DEV}/*",
        f"<ArchiveBucket49F1AC64>/AWSLogs/{ORG}/{DEV}/*",
    ]


def test_archive_grant_read_includes_decrypt() -> None:
    stack = new_stack()
    archive = LogArchive(stack, "Archive", trail_arns=[DEV_TRAIL])
    role = iam.Role(stack, "Reader", assumed_by=iam.AccountRootPrincipal())
    archive.grant_read(role)
    statements = policy_statements(Template.from_stack(stack), "AWS::IAM::Policy", "PolicyDocument")
    assert any("kms:Decrypt" in s["Action"] for s in statements)


# --- invalid input ---------------------------------------------------------------------------
def test_fails_when_archive_names_no_writer() -> None:
    with pytest.raises(NetworkTrailError, match=r"LogArchive needs trail_arns or organization_id"):
        _archive()


def test_fails_when_archive_tags_break_aws_tag_rules() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"tags key 'aws:owner' must be 1 to 128 characters and not start with 'aws:'"
    ):
        _archive(trail_arns=[DEV_TRAIL], tags={"aws:owner": "security"})


def test_fails_when_archive_trail_arn_is_malformed() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"trail_arns\[1\] must be a trail ARN .*got 'network-activity'"
    ):
        _archive(trail_arns=[DEV_TRAIL, "network-activity"])


def test_fails_when_archive_trail_arn_is_listed_twice() -> None:
    with pytest.raises(NetworkTrailError, match=r"trail_arns\[1\] .* is listed twice"):
        _archive(trail_arns=[DEV_TRAIL, DEV_TRAIL])


def test_fails_when_archive_source_account_is_malformed() -> None:
    with pytest.raises(NetworkTrailError, match=r"source_account_ids\[0\] must be a 12-digit AWS account id"):
        _archive(organization_id=ORG, source_account_ids=["dev"])


def test_fails_when_archive_source_account_is_listed_twice() -> None:
    with pytest.raises(NetworkTrailError, match=r"source_account_ids\[1\] '111111111111' is listed twice"):
        _archive(organization_id=ORG, source_account_ids=[DEV, DEV])


def test_fails_when_archive_trail_arns_is_a_string() -> None:
    with pytest.raises(NetworkTrailError, match=r"trail_arns must be a sequence of strings.*wrap it"):
        _archive(trail_arns=DEV_TRAIL)


def test_fails_when_archive_organization_id_is_malformed() -> None:
    with pytest.raises(NetworkTrailError, match=r"organization_id must look like 'o-'.*got 'org-1'"):
        _archive(organization_id="org-1")


def test_fails_when_archive_trail_arn_is_a_token_without_accounts() -> None:
    stack = new_stack()
    arn = cdk.Fn.import_value("TrailArn")
    with pytest.raises(NetworkTrailError, match=r"list the accounts in source_account_ids"):
        LogArchive(stack, "Archive", trail_arns=[arn])


# --- importing the archive into a workload account ---------------------------------------------
def _workload_trail() -> cdk.Stack:
    stack = cdk.Stack(new_app(), "Workload", env=cdk.Environment(account=DEV, region=REGION))
    imported = LogArchive.import_for_trail(
        stack, "Archive", bucket_name="network-trail-archive", key_arn=KEY_ARN
    )
    NetworkTrail(
        stack,
        "NetworkTrail",
        trail_name="network-activity",
        bucket=imported.bucket,
        encryption_key=imported.encryption_key,
    )
    return stack


@pytest.fixture(scope="module")
def workload_stack() -> cdk.Stack:
    return _workload_trail()


def test_imported_archive_trail_writes_to_archive_bucket_and_key(workload_stack: cdk.Stack) -> None:
    Template.from_stack(workload_stack).has_resource_properties(
        "AWS::CloudTrail::Trail", {"S3BucketName": "network-trail-archive", "KMSKeyId": KEY_ARN}
    )


def test_imported_archive_adds_no_bucket_or_key_resources(workload_stack: cdk.Stack) -> None:
    template = Template.from_stack(workload_stack)
    for resource_type in ("AWS::S3::Bucket", "AWS::S3::BucketPolicy", "AWS::KMS::Key"):
        template.resource_count_is(resource_type, 0)


def test_imported_archive_warning_names_workload_trail_and_path(workload_stack: cdk.Stack) -> None:
    # THEN the bucket warning tells the archive side what to allow for this trail: its ARN and path
    messages = [
        str(m.entry.data)
        for m in Annotations.from_stack(workload_stack).find_warning(
            "/Workload/NetworkTrail", Match.any_value()
        )
    ]
    bucket_message = next(m for m in messages if "bucket policy" in m)
    assert DEV_TRAIL in bucket_message
    assert f"arn:aws:s3:::network-trail-archive/AWSLogs/{DEV}/*" in bucket_message


def test_imported_archive_key_warning_names_workload_encryption_context(workload_stack: cdk.Stack) -> None:
    messages = [
        str(m.entry.data)
        for m in Annotations.from_stack(workload_stack).find_warning(
            "/Workload/NetworkTrail", Match.any_value()
        )
    ]
    key_message = next(m for m in messages if "key policy" in m)
    assert f"arn:aws:cloudtrail:*:{DEV}:trail/*" in key_message


def test_imported_archive_bucket_lives_in_key_account() -> None:
    stack = new_stack()
    imported = LogArchive.import_for_trail(
        stack, "Archive", bucket_name="network-trail-archive", key_arn=KEY_ARN
    )
    assert (imported.bucket.env.account, imported.bucket.env.region) == (ACCOUNT, REGION)


def test_fails_when_import_key_arn_is_an_alias() -> None:
    with pytest.raises(NetworkTrailError, match=r"key_arn must be a KMS key ARN .*not an alias"):
        LogArchive.import_for_trail(
            new_stack(),
            "Archive",
            bucket_name="network-trail-archive",
            key_arn="arn:aws:kms:us-east-1:123456789012:alias/x",
        )


def test_fails_when_import_bucket_name_is_invalid() -> None:
    with pytest.raises(NetworkTrailError, match=r"bucket_name must be an S3 bucket name .*got 'Bad_Name'"):
        LogArchive.import_for_trail(new_stack(), "Archive", bucket_name="Bad_Name", key_arn=KEY_ARN)


def test_acknowledged_archive_warnings_are_silenced() -> None:
    # GIVEN a workload trail on an imported archive whose two policy warnings were checked
    stack = _workload_trail()
    trail = stack.node.find_child("NetworkTrail")
    for warning in ("network-trail:bucketPolicyNotAdded", "network-trail:keyPolicyNotAdded"):
        cdk.Annotations.of(trail).acknowledge_warning(warning, "LogArchive lists this trail")
    # THEN no policy warning is left
    messages = [str(m.entry.data) for m in Annotations.from_stack(stack).find_warning("*", Match.any_value())]
    assert not [m for m in messages if "policy cannot be changed here" in m]


def test_archive_cross_account_reader_is_limited_to_its_prefixes_on_the_resource_side() -> None:
    # GIVEN a reader role of a member account, outside the archive's app
    stack = new_stack()
    archive = LogArchive(stack, "Archive", organization_id=ORG, management_account_id=MANAGEMENT)
    reader_arn = f"arn:aws:iam::{DEV}:role/log-reader"
    archive.grant_read_account_logs(iam.Role.from_role_arn(stack, "Reader", reader_arn), DEV)
    template = Template.from_stack(stack)
    # THEN the bucket policy lists only the account's prefixes (CDK's Grant would drop s3:prefix)
    bucket_statements = [
        s
        for s in policy_statements(template, "AWS::S3::BucketPolicy", "PolicyDocument")
        if s.get("Principal") == {"AWS": reader_arn}
    ]
    listing = next(s for s in bucket_statements if s["Action"] == "s3:ListBucket")
    assert listing["Condition"] == {
        "StringLike": {"s3:prefix": [f"AWSLogs/{DEV}/*", f"AWSLogs/{ORG}/{DEV}/*"]}
    }
    # AND the key lets it decrypt CloudTrail log files only
    decrypt = [
        s
        for s in policy_statements(template, "AWS::KMS::Key", "KeyPolicy")
        if s.get("Principal") == {"AWS": reader_arn}
    ]
    assert [s["Condition"] for s in decrypt] == [
        {"Null": {"kms:EncryptionContext:aws:cloudtrail:arn": "false"}}
    ]
