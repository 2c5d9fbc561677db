"""Event source and event name to IAM actions: expected values from the AWS pages cited beside each case."""

from __future__ import annotations

import pytest

from network_trail.errors import NetworkTrailError
from network_trail.model.iam_actions import (
    ACTION_EXCEPTIONS,
    PREFIX_EXCEPTIONS,
    UNKNOWN_ACTIONS,
    conditional_iam_actions,
    iam_actions,
    iam_prefix,
)
from network_trail.model.sources import CURRENT_SOURCES, REMOVED_SOURCES

SAR = "https://docs.aws.amazon.com/service-authorization/latest/reference"
S3 = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html"

# (eventSource, IAM prefix, the page that states "(service prefix: ...)" or shows the actions)
PREFIXES = [
    ("monitoring.amazonaws.com", "cloudwatch", f"{SAR}/list_amazoncloudwatch.html"),
    ("cloudcontrolapi.amazonaws.com", "cloudformation", f"{SAR}/list_cloudcontrol.html"),
    ("rdsdata.amazonaws.com", "rds-data", f"{SAR}/list_rds-data.html"),
    ("transcribestreaming.amazonaws.com", "transcribe", f"{SAR}/list_amazontranscribe.html"),
    (
        "iotsecuredtunneling.amazonaws.com",
        "iot",
        "https://docs.aws.amazon.com/iot/latest/developerguide/tunnel-access.html",  # iot:OpenTunnel
    ),
    ("chime-sdk-voice.amazonaws.com", "chime", f"{SAR}/list_amazonchime.html"),
    ("chime-sdk-media-pipelines.amazonaws.com", "chime", f"{SAR}/list_amazonchime.html"),
    ("aco-automation.amazonaws.com", "aco-automation", f"{SAR}/list_awscomputeoptimizerautomation.html"),
    ("agent-registry.amazonaws.com", "agent-registry", f"{SAR}/list_agent-registry.html"),
    ("assurance.amazonaws.com", "assurance", f"{SAR}/list_assurance.html"),
    (
        "aws-external-anthropic.amazonaws.com",
        "aws-external-anthropic",
        "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AnthropicLimitedAccess.html",
    ),
    ("s3.amazonaws.com", "s3", f"{SAR}/list_amazons3.html"),
    ("kms.amazonaws.com", "kms", f"{SAR}/list_awskeymanagementservice.html"),
]


@pytest.mark.parametrize(("source", "prefix", "url"), PREFIXES)
def test_prefix_as_documented(source: str, prefix: str, url: str) -> None:
    assert iam_prefix(source) == prefix, url


def test_every_source_has_a_prefix_and_every_exception_a_page() -> None:
    for source in CURRENT_SOURCES:
        host = source.value.removesuffix(".amazonaws.com")
        expected = PREFIX_EXCEPTIONS[host][0] if host in PREFIX_EXCEPTIONS else host
        assert iam_prefix(source.value) == expected
    assert len(CURRENT_SOURCES) == 96 and not REMOVED_SOURCES & set(CURRENT_SOURCES)
    for prefix, url in PREFIX_EXCEPTIONS.values():
        assert prefix and url.startswith("https://docs.aws.amazon.com/")
    for mapping in ACTION_EXCEPTIONS.values():
        assert mapping.url.startswith("https://docs.aws.amazon.com/")


# (eventSource, eventName, actions, page)
ACTIONS = [
    ("kms.amazonaws.com", "ListKeys", ("kms:ListKeys",), f"{SAR}/list_awskeymanagementservice.html"),
    ("kms.amazonaws.com", "Decrypt", ("kms:Decrypt",), f"{SAR}/list_awskeymanagementservice.html"),
    (
        "kms.amazonaws.com",
        "ReEncrypt",
        ("kms:ReEncryptFrom", "kms:ReEncryptTo"),
        "https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html",
    ),
    (
        "monitoring.amazonaws.com",
        "GetMetricData",
        ("cloudwatch:GetMetricData",),
        f"{SAR}/list_amazoncloudwatch.html",
    ),
    (
        "cloudcontrolapi.amazonaws.com",
        "GetResource",
        ("cloudformation:GetResource",),
        f"{SAR}/list_cloudcontrol.html",
    ),
    (
        "rdsdata.amazonaws.com",
        "ExecuteStatement",
        ("rds-data:ExecuteStatement",),
        f"{SAR}/list_rds-data.html",
    ),
    (
        "iotsecuredtunneling.amazonaws.com",
        "OpenTunnel",
        ("iot:OpenTunnel",),
        "https://docs.aws.amazon.com/iot/latest/developerguide/tunnel-access.html",
    ),
    ("s3.amazonaws.com", "ListBuckets", ("s3:ListAllMyBuckets",), S3),
    ("s3.amazonaws.com", "ListObjects", ("s3:ListBucket",), S3),
    ("s3.amazonaws.com", "ListObjectsV2", ("s3:ListBucket",), S3),
    ("s3.amazonaws.com", "HeadBucket", ("s3:ListBucket",), S3),
    ("s3.amazonaws.com", "HeadObject", ("s3:GetObject",), S3),
    ("s3.amazonaws.com", "GetObject", ("s3:GetObject",), S3),
    ("s3.amazonaws.com", "CreateMultipartUpload", ("s3:PutObject",), S3),
    ("s3.amazonaws.com", "UploadPart", ("s3:PutObject",), S3),
    ("s3.amazonaws.com", "CompleteMultipartUpload", ("s3:PutObject",), S3),
    ("s3.amazonaws.com", "CopyObject", ("s3:GetObject", "s3:PutObject"), S3),
    ("s3.amazonaws.com", "DeleteObjects", ("s3:DeleteObject",), S3),
    ("s3.amazonaws.com", "GetBucketEncryption", ("s3:GetEncryptionConfiguration",), S3),
    ("s3.amazonaws.com", "DeleteBucketEncryption", ("s3:PutEncryptionConfiguration",), S3),
    ("s3.amazonaws.com", "DeleteBucketCors", ("s3:PutBucketCORS",), S3),
    ("s3.amazonaws.com", "DeleteBucketAnalyticsConfiguration", ("s3:PutAnalyticsConfiguration",), S3),
    ("s3.amazonaws.com", "DeleteBucketInventoryConfiguration", ("s3:PutInventoryConfiguration",), S3),
    (
        "s3.amazonaws.com",
        "DeleteBucketIntelligentTieringConfiguration",
        ("s3:PutIntelligentTieringConfiguration",),
        S3,
    ),
    (
        "lambda.amazonaws.com",
        "Invoke",
        ("lambda:InvokeFunction",),
        "https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html",
    ),
    (
        "lambda.amazonaws.com",
        "InvokeWithResponseStream",
        ("lambda:InvokeFunction",),
        "https://docs.aws.amazon.com/lambda/latest/dg/API_InvokeWithResponseStream.html",
    ),
    (
        "sqs.amazonaws.com",
        "SendMessageBatch",
        ("sqs:SendMessage",),
        "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-batch-api-actions.html",
    ),
    (
        "lambda.amazonaws.com",
        "GetFunction20150331v2",
        ("lambda:GetFunction",),
        "https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html",
    ),
    (
        "lambda.amazonaws.com",
        "ListFunctions20150331",
        ("lambda:ListFunctions",),
        "https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html",
    ),
    (
        "secretsmanager.amazonaws.com",
        "BatchGetSecretValue",
        ("secretsmanager:BatchGetSecretValue", "secretsmanager:GetSecretValue"),
        "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html",
    ),
    (
        "bedrock.amazonaws.com",
        "Converse",
        ("bedrock:InvokeModel",),
        "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html",
    ),
]


@pytest.mark.parametrize(("source", "name", "actions", "url"), ACTIONS)
def test_actions_as_documented(source: str, name: str, actions: tuple[str, ...], url: str) -> None:
    assert iam_actions(source, name) == actions, url


def test_copy_object_needs_tagging_only_when_the_request_sets_tags() -> None:
    # S3 page (S3 above): CopyObject (Conditionally required) s3:PutObjectTagging.
    assert "s3:PutObjectTagging" in conditional_iam_actions("s3.amazonaws.com", "CopyObject")
    assert conditional_iam_actions("kms.amazonaws.com", "Decrypt") == ()


@pytest.mark.parametrize(
    ("source", "name"),
    [
        # DynamoDB transactions and PartiQL: the actions depend on the items/statement (UNKNOWN_ACTIONS pages).
        ("dynamodb.amazonaws.com", "TransactWriteItems"),
        ("dynamodb.amazonaws.com", "ExecuteStatement"),
        # No documented prefix for these sources.
        ("partnercentral-prm.amazonaws.com", "ListThings"),
        ("rdsdataapi.amazonaws.com", "ExecuteStatement"),
        # Not a network activity source, or no longer listed (REMOVED_SOURCES); no event name.
        ("iam.amazonaws.com", "GetRole"),
        ("nova-act.amazonaws.com", "ListWorkflows"),
        ("kms.amazonaws.com", ""),
        ("kms.amazonaws.com", None),
    ],
)
def test_unknown_actions_are_none(source: str, name: str) -> None:
    assert iam_actions(source, name) is None
    assert conditional_iam_actions(source, name) == ()


def test_unknown_actions_give_their_page() -> None:
    for reason in UNKNOWN_ACTIONS.values():
        assert "https://docs.aws.amazon.com/" in reason


@pytest.mark.parametrize("bad", ["kms", "KMS.amazonaws.com", "", None, "kms.amazonaws.com.evil"])
def test_fails_when_the_event_source_is_not_an_event_source(bad: object) -> None:
    with pytest.raises(NetworkTrailError, match="event_source must be an eventSource"):
        iam_prefix(bad)  # type: ignore[arg-type]
    with pytest.raises(NetworkTrailError, match=r"<service>\.amazonaws\.com"):
        iam_actions(bad, "ListKeys")  # type: ignore[arg-type]
