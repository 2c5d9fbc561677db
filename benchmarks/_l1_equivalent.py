"""The construct's default template written by hand with L1 (``Cfn*``) classes.

What a user without this library would write for the same resources and
properties as ``NetworkTrail(stack, "NetworkTrail")``: a KMS key and alias, a
log bucket and an access-log bucket, their two bucket policies and the trail,
with policies as plain JSON dicts, and the same template metadata (the
construct's cfn-guard suppressions and checkov skips). ``benchmarks/synth.py``
checks that its template equals the construct's (logical ids and CDK's
``aws:cdk:path`` metadata aside) before timing it.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

__all__ = ["add_l1_trail"]

_SOURCES = (
    ("CloudTrail APIs", "cloudtrail.amazonaws.com"),
    ("EC2", "ec2.amazonaws.com"),
    ("KMS", "kms.amazonaws.com"),
    ("S3", "s3.amazonaws.com"),
    ("Secrets Manager", "secretsmanager.amazonaws.com"),
)
_CLOUDTRAIL = {"Service": "cloudtrail.amazonaws.com"}
_NO_SELF_LOGGING = (
    "this bucket receives the server access logs of the CloudTrail log bucket; logging its own access "
    "would write a log object for every log object (the S3 User Guide advises against a bucket logging "
    "to itself) or need a third bucket with the same problem; its bucket policy grants writes only "
    "to S3's logging service principal"
)
_RETAIN = cdk.RemovalPolicy.RETAIN


def _tls_only(bucket_arn: str) -> dict[str, Any]:
    return {
        "Action": "s3:*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
    }


def _secure_bucket(
    scope: Construct,
    construct_id: str,
    encryption: s3.CfnBucket.ServerSideEncryptionRuleProperty,
    rule: s3.CfnBucket.RuleProperty,
    logging: s3.CfnBucket.LoggingConfigurationProperty | None = None,
    notifications: s3.CfnBucket.NotificationConfigurationProperty | None = None,
) -> s3.CfnBucket:
    bucket = s3.CfnBucket(
        scope,
        construct_id,
        logging_configuration=logging,
        notification_configuration=notifications,
        bucket_encryption=s3.CfnBucket.BucketEncryptionProperty(
            server_side_encryption_configuration=[encryption]
        ),
        lifecycle_configuration=s3.CfnBucket.LifecycleConfigurationProperty(rules=[rule]),
        ownership_controls=s3.CfnBucket.OwnershipControlsProperty(
            rules=[s3.CfnBucket.OwnershipControlsRuleProperty(object_ownership="BucketOwnerEnforced")]
        ),
        public_access_block_configuration=s3.CfnBucket.PublicAccessBlockConfigurationProperty(
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        ),
        versioning_configuration=s3.CfnBucket.VersioningConfigurationProperty(status="Enabled"),
    )
    bucket.apply_removal_policy(_RETAIN)
    return bucket


def add_l1_trail(stack: cdk.Stack, construct_id: str = "NetworkTrail") -> cloudtrail.CfnTrail:
    """Add the default NetworkTrail's seven resources to ``stack``, written with L1 classes.

    :param stack: the stack to add to; its account and Region must be concrete.
    :param construct_id: the id of the construct grouping the resources. Default: "NetworkTrail"
    """
    scope = Construct(stack, construct_id)
    partition, region, account = stack.partition, stack.region, stack.account
    name = cdk.Names.unique_resource_name(scope, max_length=128, separator="-")
    trail_arn = f"arn:{partition}:cloudtrail:{region}:{account}:trail/{name}"
    source = {"aws:SourceArn": trail_arn}

    def from_cloudtrail(sid: str, action: str, condition: dict[str, Any]) -> dict[str, Any]:
        return {
            "Action": action,
            "Condition": condition,
            "Effect": "Allow",
            "Principal": _CLOUDTRAIL,
            "Resource": "*",
            "Sid": sid,
        }

    key = kms.CfnKey(
        scope,
        "Key",
        description="Encrypts CloudTrail network activity logs (network_trail)",
        enable_key_rotation=True,
        key_policy={
            "Statement": [
                {
                    "Action": "kms:*",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                    "Resource": "*",
                },
                from_cloudtrail(
                    "AllowCloudTrailToEncryptLogs",
                    "kms:GenerateDataKey*",
                    {
                        "StringEquals": source,
                        "StringLike": {
                            "kms:EncryptionContext:aws:cloudtrail:arn": (
                                f"arn:{partition}:cloudtrail:*:{account}:trail/*"
                            )
                        },
                    },
                ),
                from_cloudtrail("AllowCloudTrailToDescribeKey", "kms:DescribeKey", {"StringEquals": source}),
                from_cloudtrail(
                    "AllowCloudTrailToDecryptForBucketKey", "kms:Decrypt", {"StringEquals": source}
                ),
                {
                    "Action": "kms:CreateGrant",
                    "Condition": {
                        "BoolIfExists": {
                            "kms:GrantIsForAWSResource": "false",
                            "aws:PrincipalIsAWSService": "false",
                        }
                    },
                    "Effect": "Deny",
                    "Principal": {"AWS": "*"},
                    "Resource": "*",
                    "Sid": "DenyCreateGrantExceptForAWSServices",
                },
            ],
            "Version": "2012-10-17",
        },
    )
    key.apply_removal_policy(_RETAIN)
    key_arn = key.attr_arn
    kms.CfnAlias(scope, "Alias", alias_name=f"alias/{name}", target_key_id=key_arn)

    abort = s3.CfnBucket.AbortIncompleteMultipartUploadProperty(days_after_initiation=7)
    noncurrent = s3.CfnBucket.NoncurrentVersionExpirationProperty(noncurrent_days=90)
    access_logs = _secure_bucket(
        scope,
        "AccessLogsBucket",
        s3.CfnBucket.ServerSideEncryptionRuleProperty(
            server_side_encryption_by_default=s3.CfnBucket.ServerSideEncryptionByDefaultProperty(
                sse_algorithm="AES256"
            )
        ),
        s3.CfnBucket.RuleProperty(
            abort_incomplete_multipart_upload=abort,
            expiration_in_days=365,
            id="ExpireAccessLogs",
            noncurrent_version_expiration=noncurrent,
            status="Enabled",
        ),
    )
    # The construct's cfn-guard suppressions and checkov skips, with their reasons: template metadata.
    access_logs.add_metadata(
        "guard",
        {
            "SuppressedRules": [
                "s3_bucket_default_encryption_kms_check",
                "s3_bucket_logging_enabled_check",
                "s3_bucket_object_lock_enabled_check",
                "s3_event_notifications_enabled_check",
            ]
        },
    )
    access_logs.add_metadata("checkov", {"skip": [{"id": "CKV_AWS_18", "comment": _NO_SELF_LOGGING}]})
    access_logs_arn = access_logs.attr_arn
    access_logs_policy = s3.CfnBucketPolicy(
        scope,
        "AccessLogsBucketPolicy",
        bucket=access_logs.ref,
        policy_document={},  # set below: it needs the log bucket's ARN
    )

    bucket = _secure_bucket(
        scope,
        "Bucket",
        s3.CfnBucket.ServerSideEncryptionRuleProperty(
            bucket_key_enabled=True,
            server_side_encryption_by_default=s3.CfnBucket.ServerSideEncryptionByDefaultProperty(
                kms_master_key_id=key_arn, sse_algorithm="aws:kms"
            ),
        ),
        s3.CfnBucket.RuleProperty(
            abort_incomplete_multipart_upload=abort,
            id="ExpireNoncurrentVersions",
            noncurrent_version_expiration=noncurrent,
            status="Enabled",
        ),
        s3.CfnBucket.LoggingConfigurationProperty(
            destination_bucket_name=access_logs.ref, log_file_prefix="access-logs/"
        ),
        s3.CfnBucket.NotificationConfigurationProperty(
            event_bridge_configuration=s3.CfnBucket.EventBridgeConfigurationProperty(
                event_bridge_enabled=True
            )
        ),
    )
    bucket.add_metadata("guard", {"SuppressedRules": ["s3_bucket_object_lock_enabled_check"]})
    bucket_arn, bucket_name = bucket.attr_arn, bucket.ref
    access_logs_policy.policy_document = {
        "Statement": [
            _tls_only(access_logs_arn),
            {
                "Action": "s3:PutObject",
                "Condition": {
                    "ArnLike": {"aws:SourceArn": bucket_arn},
                    "StringEquals": {"aws:SourceAccount": account},
                },
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Resource": f"{access_logs_arn}/access-logs/*",
                "Sid": "S3ServerAccessLogsPolicy",
            },
        ],
        "Version": "2012-10-17",
    }
    bucket_policy = s3.CfnBucketPolicy(
        scope,
        "BucketPolicy",
        bucket=bucket_name,
        policy_document={
            "Statement": [
                _tls_only(bucket_arn),
                {
                    "Action": "s3:GetBucketAcl",
                    "Condition": {"StringEquals": source},
                    "Effect": "Allow",
                    "Principal": _CLOUDTRAIL,
                    "Resource": bucket_arn,
                    "Sid": "AWSCloudTrailAclCheck",
                },
                {
                    "Action": "s3:PutObject",
                    "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", **source}},
                    "Effect": "Allow",
                    "Principal": _CLOUDTRAIL,
                    "Resource": f"{bucket_arn}/AWSLogs/{account}/*",
                    "Sid": "AWSCloudTrailWrite",
                },
            ],
            "Version": "2012-10-17",
        },
    )

    trail = cloudtrail.CfnTrail(
        scope,
        "Trail",
        advanced_event_selectors=[
            cloudtrail.CfnTrail.AdvancedEventSelectorProperty(
                name=f"Log access denied network activity events for {label}",
                field_selectors=[
                    cloudtrail.CfnTrail.AdvancedFieldSelectorProperty(
                        field="eventCategory", equal_to=["NetworkActivity"]
                    ),
                    cloudtrail.CfnTrail.AdvancedFieldSelectorProperty(
                        field="eventSource", equal_to=[event_source]
                    ),
                    cloudtrail.CfnTrail.AdvancedFieldSelectorProperty(
                        field="errorCode", equal_to=["VpceAccessDenied"]
                    ),
                ],
            )
            for label, event_source in _SOURCES
        ],
        enable_log_file_validation=True,
        include_global_service_events=True,
        is_logging=True,
        is_multi_region_trail=True,
        kms_key_id=key_arn,
        s3_bucket_name=bucket_name,
        trail_name=name,
    )
    trail.add_metadata("guard", {"SuppressedRules": ["cloud_trail_cloud_watch_logs_enabled_check"]})
    trail.node.add_dependency(bucket_policy)
    return trail
