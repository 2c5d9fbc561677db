"""grant_read: S3 read on the log bucket and kms:Decrypt on the key, as one iam.Grant."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Match, Template

from network_trail import LogArchive, NetworkTrail
from tests.conftest import ACCOUNT, REGION, new_stack

KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"


def reader(stack: cdk.Stack) -> iam.Role:
    return iam.Role(stack, "Reader", assumed_by=iam.AccountRootPrincipal())


def policy_statements(template: Template) -> list[dict[str, object]]:
    (policy,) = template.find_resources("AWS::IAM::Policy").values()
    statements: list[dict[str, object]] = policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def test_grant_read_returns_a_grant() -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail")
    grant = trail.grant_read(reader(stack))
    assert isinstance(grant, iam.Grant)
    assert grant.success


def test_grant_read_on_created_bucket_gives_s3_read_and_kms_decrypt() -> None:
    # GIVEN a trail with its own bucket and key
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail")
    role = reader(stack)
    # WHEN a role is granted read
    trail.grant_read(role)
    statements = policy_statements(Template.from_stack(stack))
    # THEN the role can read the bucket's objects and decrypt with the key
    bucket_arn = stack.resolve(trail.bucket.bucket_arn)
    s3_read = next(s for s in statements if "s3:GetObject*" in s["Action"])  # type: ignore[operator]
    assert {"s3:GetBucket*", "s3:List*"} <= set(s3_read["Action"])  # type: ignore[arg-type]
    assert s3_read["Resource"] == [bucket_arn, {"Fn::Join": ["", [bucket_arn, "/*"]]}]
    decrypt = next(s for s in statements if "kms:Decrypt" in s["Action"])  # type: ignore[operator]
    assert decrypt["Resource"] == stack.resolve(trail.key.key_arn)


def test_grant_read_on_imported_bucket_and_key_gives_s3_read_and_kms_decrypt() -> None:
    # GIVEN a bucket and key imported by name and ARN
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Logs", "my-logs")
    key = kms.Key.from_key_arn(stack, "LogsKey", KEY_ARN)
    trail = NetworkTrail(stack, "NetworkTrail", bucket=bucket, encryption_key=key)
    # WHEN a role is granted read
    trail.grant_read(reader(stack))
    # THEN its policy reads the imported bucket and decrypts with the imported key
    Template.from_stack(stack).has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": Match.array_with(["s3:GetObject*"]),
                                "Resource": ["arn:aws:s3:::my-logs", "arn:aws:s3:::my-logs/*"],
                            }
                        ),
                        Match.object_like({"Action": "kms:Decrypt", "Resource": KEY_ARN}),
                    ]
                )
            }
        },
    )


def test_grant_read_does_not_widen_the_key_policy() -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail")
    before = Template.from_stack(stack).to_json()
    stack2 = new_stack()
    trail2 = NetworkTrail(stack2, "NetworkTrail")
    trail2.grant_read(reader(stack2))
    after = Template.from_stack(stack2).to_json()
    key_id = stack.get_logical_id(trail.key.node.default_child)  # type: ignore[arg-type]
    assert before["Resources"][key_id] == after["Resources"][key_id]


def test_statements_added_later_join_the_created_bucket_and_key_policies() -> None:
    # GIVEN a trail whose bucket and key policies are written whole at creation
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail")
    other = iam.AccountPrincipal("444455556666")
    # WHEN statements are added afterwards, as a user or grant_read_account_logs does
    on_bucket = trail.bucket.add_to_resource_policy(
        iam.PolicyStatement(sid="LaterRead", actions=["s3:GetObject"], principals=[other], resources=["*"])
    )
    on_key = trail.key.add_to_resource_policy(
        iam.PolicyStatement(sid="LaterDecrypt", actions=["kms:Decrypt"], principals=[other], resources=["*"])
    )
    template = Template.from_stack(stack)
    # THEN they join the existing policies: no second bucket policy, and both are last
    assert on_bucket.statement_added and on_key.statement_added
    bucket_id = stack.resolve(trail.bucket.node.default_child.logical_id)  # type: ignore[union-attr]
    policies = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in template.find_resources("AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket_id}
    ]
    assert len(policies) == 1
    assert policies[0][-1]["Sid"] == "LaterRead"
    (key,) = template.find_resources("AWS::KMS::Key").values()
    assert key["Properties"]["KeyPolicy"]["Statement"][-1]["Sid"] == "LaterDecrypt"


# --- the decrypt condition, for readers of this account and of another ----------------------------
# The expected key-policy statement is the "Granting decrypt permissions for trails" shape of the
# CloudTrail User Guide's "Configure AWS KMS key policies for CloudTrail"
# (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html):
# the reader as principal, kms:Decrypt, Resource "*", Null kms:EncryptionContext:aws:cloudtrail:arn false.
OTHER_ACCOUNT_READER = "arn:aws:iam::210987654321:role/log-auditor"
LOG_FILES_ONLY = {"Null": {"kms:EncryptionContext:aws:cloudtrail:arn": "false"}}
# What Bucket.grant_read grants on the bucket and its objects (aws-cdk-lib BUCKET_READ_ACTIONS),
# unchanged by the fix; the template lists the actions sorted.
S3_READ_ACTIONS = ["s3:GetBucket*", "s3:GetObject*", "s3:List*"]


def _store(kind: str, stack: cdk.Stack) -> NetworkTrail | LogArchive:
    if kind == "NetworkTrail":
        return NetworkTrail(stack, "NetworkTrail", trail_name="network-activity")
    return LogArchive(stack, "Archive", organization_id="o-a1b2c3d4e5", management_account_id="444444444444")


def _resource_statements(template: Template, resource_type: str, key: str) -> list[dict[str, object]]:
    return [
        s for r in template.find_resources(resource_type).values() for s in r["Properties"][key]["Statement"]
    ]


@pytest.mark.parametrize("kind", ["NetworkTrail", "LogArchive"])
def test_grant_read_to_another_account_conditions_the_key_policy_decrypt(kind: str) -> None:
    # GIVEN a log store and a reader role of another account
    stack = new_stack()
    store = _store(kind, stack)
    # WHEN the reader is granted every log file
    store.grant_read(iam.Role.from_role_arn(stack, "Auditor", OTHER_ACCOUNT_READER))
    template = Template.from_stack(stack)
    # THEN the key policy lets it decrypt CloudTrail log files only, in the documented shape
    on_key = [
        s
        for s in _resource_statements(template, "AWS::KMS::Key", "KeyPolicy")
        if s.get("Principal") == {"AWS": OTHER_ACCOUNT_READER}
    ]
    assert on_key == [
        {
            "Action": "kms:Decrypt",
            "Condition": LOG_FILES_ONLY,
            "Effect": "Allow",
            "Principal": {"AWS": OTHER_ACCOUNT_READER},
            "Resource": "*",
        }
    ]
    # AND the bucket policy holds the S3 read on the bucket and its objects, as before
    bucket_arn = stack.resolve(store.bucket.bucket_arn)
    on_bucket = [
        s
        for s in _resource_statements(template, "AWS::S3::BucketPolicy", "PolicyDocument")
        if s.get("Principal") == {"AWS": OTHER_ACCOUNT_READER}
    ]
    assert on_bucket == [
        {
            "Action": S3_READ_ACTIONS,
            "Effect": "Allow",
            "Principal": {"AWS": OTHER_ACCOUNT_READER},
            "Resource": [bucket_arn, {"Fn::Join": ["", [bucket_arn, "/*"]]}],
        }
    ]


@pytest.mark.parametrize("kind", ["NetworkTrail", "LogArchive"])
def test_grant_read_in_the_same_account_conditions_the_identity_policy_decrypt(kind: str) -> None:
    # GIVEN a log store and a reader role of its own account
    stack = new_stack()
    store = _store(kind, stack)
    # WHEN the reader is granted every log file
    store.grant_read(reader(stack))
    template = Template.from_stack(stack)
    # THEN its identity policy holds the S3 read and the conditioned decrypt, nothing else
    bucket_arn = stack.resolve(store.bucket.bucket_arn)
    assert policy_statements(template) == [
        {
            "Action": S3_READ_ACTIONS,
            "Effect": "Allow",
            "Resource": [bucket_arn, {"Fn::Join": ["", [bucket_arn, "/*"]]}],
        },
        {
            "Action": "kms:Decrypt",
            "Condition": LOG_FILES_ONLY,
            "Effect": "Allow",
            "Resource": stack.resolve(store.key.key_arn),
        },
    ]
    # AND neither the key nor the bucket policy names the role
    role_arn = stack.resolve(template_role_arn(stack))
    resource_side = _resource_statements(template, "AWS::KMS::Key", "KeyPolicy") + _resource_statements(
        template, "AWS::S3::BucketPolicy", "PolicyDocument"
    )
    assert all(s.get("Principal") != {"AWS": role_arn} for s in resource_side)
    assert "Reader" not in json.dumps(resource_side)


def template_role_arn(stack: cdk.Stack) -> str:
    role = stack.node.find_child("Reader")
    assert isinstance(role, iam.Role)
    return role.role_arn


def test_grant_read_decrypts_with_the_trail_key_when_the_provided_bucket_has_another() -> None:
    # GIVEN a provided bucket whose default key is not the trail's key
    stack = new_stack()
    bucket_key = kms.Key(stack, "BucketKey")
    bucket = s3.Bucket(stack, "Logs", encryption_key=bucket_key)
    trail = NetworkTrail(stack, "NetworkTrail", trail_name="network-activity", bucket=bucket)
    # WHEN a role is granted read
    trail.grant_read(reader(stack))
    # THEN it may decrypt with the key CloudTrail encrypts the log files with, not the bucket's default
    decrypts = [s for s in policy_statements(Template.from_stack(stack)) if s["Action"] == "kms:Decrypt"]
    assert [s["Resource"] for s in decrypts] == [stack.resolve(trail.key.key_arn)]


# ---------------------------------------------------------------------------
# Issue 20, fix 5: the preconditions of a grant to another account, said at synth


OTHER_READER = "arn:aws:iam::210987654321:role/log-reader"
CROSS_ACCOUNT_READER = "network-trail:crossAccountReader"


def _reader_warnings(stack: cdk.Stack) -> list[str]:
    from aws_cdk.assertions import Annotations

    found = Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp(CROSS_ACCOUNT_READER))
    return [str(m.entry.data) for m in found]


@pytest.mark.parametrize("grant", ["grant_read", "grant_read_account_logs"])
def test_a_grant_to_another_accounts_role_warns_with_both_preconditions(grant: str) -> None:
    # GIVEN an archive and a role of another account
    stack = new_stack()
    archive = LogArchive(
        stack, "LogArchive", trail_arns=[f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/network-activity"]
    )
    role = iam.Role.from_role_arn(stack, "OtherReader", OTHER_READER)
    # WHEN it is granted read
    if grant == "grant_read":
        archive.grant_read(role)
    else:
        archive.grant_read_account_logs(role, ACCOUNT)
    # THEN one warning names the role, the two preconditions and the AWS pages that state them
    (message,) = _reader_warnings(stack)
    assert OTHER_READER in message
    assert "create that role (or user) first" in message
    # KMS API reference, CreateKey Policy: "The principals in the key policy must exist"
    assert "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html" in message
    # KMS Developer Guide: "Neither the key policy nor the IAM policy alone is sufficient"
    assert "key-policy-modifying-external-accounts.html" in message
    assert "both the resource policy and the identity policy must allow" in message


def test_a_grant_to_a_role_of_the_same_account_does_not_warn() -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail")
    trail.grant_read(iam.Role.from_role_arn(stack, "OwnReader", f"arn:aws:iam::{ACCOUNT}:role/log-reader"))
    trail.grant_read_account_logs(reader(stack), ACCOUNT)
    assert _reader_warnings(stack) == []


def test_the_cross_account_reader_warning_can_be_acknowledged_on_the_construct() -> None:
    # GIVEN a trail granting a role of another account
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail")
    trail.grant_read_account_logs(iam.Role.from_role_arn(stack, "OtherReader", OTHER_READER), ACCOUNT)
    assert len(_reader_warnings(stack)) == 1
    # WHEN the user acknowledges it on the trail (both preconditions hold)
    cdk.Annotations.of(trail).acknowledge_warning(CROSS_ACCOUNT_READER, "the role and its IAM policy exist")
    # THEN it is gone
    assert _reader_warnings(stack) == []
