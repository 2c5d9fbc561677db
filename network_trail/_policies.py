"""Bucket and key policy statements CloudTrail needs, as plain JSON.

Pure functions of strings (which may hold CDK tokens), so tests, docs and the
bring-your-own-resource warning use the same statements the construct adds.
Shapes follow the CloudTrail User Guide: "Amazon S3 bucket policy for
CloudTrail" and "Configure AWS KMS key policies for CloudTrail".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

CLOUDTRAIL_PRINCIPAL = "cloudtrail.amazonaws.com"


@dataclass(frozen=True, slots=True, kw_only=True)
class TrailArnParts:
    """What the policies need to know about the trail and where it writes."""

    partition: str
    region: str
    account: str
    trail_name: str
    s3_key_prefix: str | None = None
    organization_id: str | None = None

    @property
    def trail_arn(self) -> str:
        """The trail's ARN, built from its name so the policy needs no reference to the trail."""
        return f"arn:{self.partition}:cloudtrail:{self.region}:{self.account}:trail/{self.trail_name}"

    def log_object_arns(self, bucket_arn: str) -> list[str]:
        """Object ARNs CloudTrail writes: the account's path, and the organization's."""
        base = f"{bucket_arn}/{self.s3_key_prefix}/AWSLogs" if self.s3_key_prefix else f"{bucket_arn}/AWSLogs"
        arns = [f"{base}/{self.account}/*"]
        if self.organization_id:
            arns.append(f"{base}/{self.organization_id}/*")
        return arns


def bucket_policy_statements(parts: TrailArnParts, bucket_arn: str) -> list[dict[str, Any]]:
    """``s3:GetBucketAcl`` and ``s3:PutObject`` for CloudTrail, both on ``aws:SourceArn``."""
    source = {"aws:SourceArn": parts.trail_arn}
    resources: str | list[str] = parts.log_object_arns(bucket_arn)
    if len(resources) == 1:
        resources = resources[0]
    return [
        {
            "Sid": "AWSCloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL_PRINCIPAL},
            "Action": "s3:GetBucketAcl",
            "Resource": bucket_arn,
            "Condition": {"StringEquals": source},
        },
        {
            "Sid": "AWSCloudTrailWrite",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL_PRINCIPAL},
            "Action": "s3:PutObject",
            "Resource": resources,
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", **source}},
        },
    ]


def key_policy_statements(parts: TrailArnParts, *, log_group_arn: str | None = None) -> list[dict[str, Any]]:
    """What CloudTrail (and CloudWatch Logs, when it delivers there) needs on the key.

    - ``kms:GenerateDataKey*`` on ``aws:SourceArn`` and the CloudTrail encryption context;
    - ``kms:DescribeKey`` on ``aws:SourceArn``;
    - ``kms:Decrypt`` on ``aws:SourceArn``, which S3 Bucket Keys need (UG-KMSPOL);
    - for a CloudWatch Logs log group encrypted with the key, the Logs service
      principal with the ``aws:logs:arn`` encryption context.
    """
    source = {"aws:SourceArn": parts.trail_arn}
    context_pattern = f"arn:{parts.partition}:cloudtrail:*:{parts.account}:trail/*"
    statements: list[dict[str, Any]] = [
        {
            "Sid": "AllowCloudTrailToEncryptLogs",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL_PRINCIPAL},
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "StringEquals": source,
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": context_pattern},
            },
        },
        {
            "Sid": "AllowCloudTrailToDescribeKey",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL_PRINCIPAL},
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": source},
        },
        {
            "Sid": "AllowCloudTrailToDecryptForBucketKey",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL_PRINCIPAL},
            "Action": "kms:Decrypt",
            "Resource": "*",
            "Condition": {"StringEquals": source},
        },
    ]
    if log_group_arn is not None:
        statements.append(
            {
                "Sid": "AllowCloudWatchLogsToUseKey",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{parts.region}.amazonaws.com"},
                "Action": [
                    "kms:Decrypt*",
                    "kms:Describe*",
                    "kms:Encrypt*",
                    "kms:GenerateDataKey*",
                    "kms:ReEncrypt*",
                ],
                "Resource": "*",
                "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": log_group_arn}},
            }
        )
    return statements


def access_logs_policy_statement(
    target_bucket_arn: str, source_bucket_arn: str, account: str, prefix: str
) -> dict[str, Any]:
    """Let S3 server access logging write the log bucket's access logs (S3 User Guide shape)."""
    return {
        "Sid": "S3ServerAccessLogsPolicy",
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": f"{target_bucket_arn}/{prefix}*",
        "Condition": {
            "ArnLike": {"aws:SourceArn": source_bucket_arn},
            "StringEquals": {"aws:SourceAccount": account},
        },
    }


def organization_deny_statement(bucket_arn: str, organization_id: str) -> dict[str, Any]:
    """Deny every principal outside the organization, except AWS services acting for it.

    ``aws:PrincipalIsAWSService`` keeps CloudTrail (and S3 server access logging)
    able to write; a plain ``aws:PrincipalOrgID`` deny would block trail creation.
    """
    return {
        "Sid": "DenyPrincipalsOutsideOrganization",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {
            "StringNotEqualsIfExists": {"aws:PrincipalOrgID": organization_id},
            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
        },
    }


def as_policy_json(statements: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A policy document, for messages and docs."""
    return {"Version": "2012-10-17", "Statement": list(statements)}
