"""grant_read: S3 read on the log bucket and kms:Decrypt on the key, as one iam.Grant."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Match, Template

from network_trail import NetworkTrail
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
