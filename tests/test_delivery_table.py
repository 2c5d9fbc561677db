"""The delivery request table: the requests AWS makes, as the AWS pages describe them.

Expected values come from the pages each test cites, not from the implementation:
- https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
  (GetBucketAcl on the bucket, PutObject on ``[prefix/]AWSLogs/<account>/*`` with ``s3:x-amz-acl =
  bucket-owner-full-control``; an organization trail writes ``AWSLogs/<o-id>/<account>/``);
- https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
  ("The value of aws:SourceAccount is the account ID of the trail owner, or for organization trails, the
  management account ID"; kms:Decrypt for an S3 Bucket Key);
- https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html
  (log streams ``<account>_CloudTrail_<region>``).
"""

from __future__ import annotations

from network_trail.model._delivery import (
    OTHER_ACCOUNT,
    AlarmsSetup,
    DeliverySetup,
    Expect,
    LogsSetup,
    Reader,
    Target,
    Writer,
    delivery_requests,
)

MANAGEMENT_TRAIL = "arn:aws:cloudtrail:us-east-1:444444444444:trail/org-network-activity"
MEMBER_TRAIL = "arn:aws:cloudtrail:us-east-1:111111111111:trail/network-activity"
KEY = "arn:aws:kms:us-east-1:777777777777:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _setup(**extra: object) -> DeliverySetup:
    return DeliverySetup(
        partition="aws",
        bucket_name="archive",
        key_arn=KEY,
        s3_key_prefix="network",
        writers=(
            Writer(
                trail_arn=MANAGEMENT_TRAIL,
                organization_id="o-a1b2c3d4e5",
                organization_trail=True,
                member_accounts=("111111111111",),
            ),
        ),
        **extra,  # type: ignore[arg-type]
    )


def test_organization_trail_writes_each_account_under_the_organization_path() -> None:
    rows = delivery_requests(_setup())
    puts = [r for r in rows if r.action == "s3:PutObject" and r.expect is Expect.ALLOW]
    # UG-S3POL (organization trails): [prefix/]AWSLogs/<o-id>/<account>/, management account included.
    assert [r.resource.split("/CloudTrail-NetworkActivity/")[0] for r in puts] == [
        "arn:aws:s3:::archive/network/AWSLogs/o-a1b2c3d4e5/444444444444",
        "arn:aws:s3:::archive/network/AWSLogs/o-a1b2c3d4e5/111111111111",
    ]
    for put in puts:
        assert put.context["s3:x-amz-acl"] == "bucket-owner-full-control"
        assert put.context["aws:SourceArn"] == MANAGEMENT_TRAIL


def test_organization_trail_key_context_names_the_management_trail() -> None:
    rows = delivery_requests(_setup())
    generate = next(r for r in rows if r.action == "kms:GenerateDataKey" and r.expect is Expect.ALLOW)
    assert generate.context["kms:EncryptionContext:aws:cloudtrail:arn"] == MANAGEMENT_TRAIL
    # UG-KMSPOL: aws:SourceAccount is the management account for organization trails.
    assert generate.context["aws:SourceAccount"] == "444444444444"
    decrypt = next(r for r in rows if r.action == "kms:Decrypt" and r.caller.service)
    # The page gives no encryption context for the Bucket Key's Decrypt: it is left open, not guessed.
    assert "kms:EncryptionContext:aws:cloudtrail:arn" in decrypt.open_keys
    assert decrypt.note


def test_forbidden_rows_cover_another_account_outside_organization_and_plain_http() -> None:
    rows = delivery_requests(
        _setup(readers=(Reader(role_arn="arn:aws:iam::111111111111:role/r", account_id="111111111111"),))
    )
    denied = [r for r in rows if r.expect is Expect.DENY]
    names = " | ".join(r.name for r in denied)
    assert f"PutObject network/AWSLogs/{OTHER_ACCOUNT}/ by another account's trail" in names
    assert "outside the organization" in names
    assert any(r.context.get("aws:SecureTransport") is False for r in denied)
    listing = next(r for r in denied if r.action == "s3:ListBucket")
    assert listing.context["s3:prefix"] == f"network/AWSLogs/{OTHER_ACCOUNT}/"
    # another account's trail may not use the key either (GenerateDataKey, DescribeKey, Decrypt)
    assert {r.action for r in denied if r.target is Target.KEY} == {
        "kms:GenerateDataKey",
        "kms:DescribeKey",
        "kms:Decrypt",
    }


def test_every_row_cites_an_aws_page() -> None:
    setup = _setup(
        logs=(
            LogsSetup(
                trail_arn=MEMBER_TRAIL,
                role_arn="arn:aws:iam::111111111111:role/logs",
                log_group_arn="arn:aws:logs:us-east-1:111111111111:log-group:/aws/cloudtrail/network-activity",
                key_arn="arn:aws:kms:us-east-1:111111111111:key/logs",
                region="us-east-1",
            ),
        ),
        alarms=(
            AlarmsSetup(
                topic_arn="arn:aws:sns:us-east-1:111111111111:alarms",
                key_arn="arn:aws:kms:us-east-1:111111111111:key/topic",
                alarm_arns=("arn:aws:cloudwatch:us-east-1:111111111111:alarm:denied",),
            ),
        ),
        readers=(Reader(role_arn="arn:aws:iam::888888888888:role/auditor"),),
    )
    rows = delivery_requests(setup)
    assert all(r.page.startswith("https://docs.aws.amazon.com/") for r in rows)
    stream = next(r for r in rows if r.action == "logs:PutLogEvents")
    assert stream.resource.endswith(":log-stream:111111111111_CloudTrail_us-east-1")
    assert {r.target for r in rows} == set(Target)
