"""Where each policy statement the library writes comes from: the AWS page that documents it.

:data:`PROVENANCE` is data: every service-principal statement, role trust and condition key
the constructs write, each with the AWS page that shows it. :func:`undocumented` reads a
synthesized template and returns every service-principal statement or condition key that no
row backs; ``tests/test_provenance.py`` runs it on every construct configuration, and
``docs/policies.md`` shows :func:`provenance_markdown`. Pure Python: no ``aws_cdk`` import.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from ._policies import pasteable

__all__ = ["PROVENANCE", "Provenance", "provenance_markdown", "undocumented"]

ANY_PRINCIPAL: Final = "(any principal)"
"""The principal column of rows about condition keys on account, role or ``*`` principals."""


@dataclass(frozen=True, slots=True)
class Provenance:
    """One documented statement shape: who, which actions, which condition keys, and the page."""

    principal: str
    """A service principal (``<region>`` for a Regional one), or :data:`ANY_PRINCIPAL`."""
    actions: tuple[str, ...]
    """The actions the shape covers."""
    condition_keys: tuple[str, ...]
    """The condition keys the page shows with those actions (empty: none is written)."""
    written_by: str
    """Which construct writes it, and where."""
    title: str
    """The AWS page's title."""
    url: str
    """The AWS page."""


_UG = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide"
_KMS_ACTIONS = ("kms:GenerateDataKey*", "kms:DescribeKey")
_LOGS_KMS_ACTIONS = (
    "kms:Decrypt*",
    "kms:Describe*",
    "kms:Encrypt*",
    "kms:GenerateDataKey*",
    "kms:ReEncrypt*",
)

PROVENANCE: Final[tuple[Provenance, ...]] = (
    Provenance(
        "cloudtrail.amazonaws.com",
        ("s3:GetBucketAcl", "s3:PutObject"),
        ("aws:SourceArn", "s3:x-amz-acl"),
        "NetworkTrail and LogArchive log bucket policy (AWSCloudTrailAclCheck, AWSCloudTrailWrite)",
        "Amazon S3 bucket policy for CloudTrail",
        f"{_UG}/create-s3-bucket-policy-for-cloudtrail.html",
    ),
    Provenance(
        "cloudtrail.amazonaws.com",
        ("s3:PutObject",),
        ("aws:SourceOrgID", "s3:x-amz-acl"),
        "LogArchive with organization_id: AWSCloudTrailWrite",
        "Amazon S3 bucket policy in the audit account (AWS Control Tower)",
        "https://docs.aws.amazon.com/controltower/latest/userguide/logging-s3-audit-bucket.html",
    ),
    Provenance(
        "cloudtrail.amazonaws.com",
        _KMS_ACTIONS,
        ("aws:SourceArn", "aws:SourceAccount", "kms:EncryptionContext:aws:cloudtrail:arn"),
        "NetworkTrail and LogArchive key policy (AllowCloudTrailToEncryptLogs, …DescribeKey); "
        "aws:SourceAccount (the trail owner's, the management account's for organization trails) on a "
        "LogArchive without trail_arns",
        "Configure AWS KMS key policies for CloudTrail",
        f"{_UG}/create-kms-key-policy-for-cloudtrail.html",
    ),
    Provenance(
        "cloudtrail.amazonaws.com",
        ("sts:AssumeRole",),
        (),
        "NetworkTrail LogsRole trust (send_to_cloud_watch_logs); no condition, as the page says",
        "Role policy document for CloudTrail to use CloudWatch Logs for monitoring",
        f"{_UG}/cloudtrail-required-policy-for-cloudwatch-logs.html",
    ),
    Provenance(
        "logs.<region>.amazonaws.com",
        _LOGS_KMS_ACTIONS,
        ("kms:EncryptionContext:aws:logs:arn",),
        "NetworkTrail key (or LogsKey) policy: AllowCloudWatchLogsToUseKey",
        "Encrypt log data in CloudWatch Logs using AWS Key Management Service",
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
    ),
    Provenance(
        "cloudtrail.amazonaws.com",
        ("kms:Decrypt",),
        ("aws:SourceArn", "aws:SourceAccount"),
        "NetworkTrail and LogArchive key policy: AllowCloudTrailToDecryptForBucketKey (S3 Bucket Key). The page "
        "requires kms:Decrypt but shows no statement for it; no AWS page found shows aws:SourceArn (or "
        "aws:SourceAccount) on it: they rest on the page's general sentences that aws:SourceArn is the ARN of the "
        "trail using the key and aws:SourceAccount the trail owner's account",
        "Configure AWS KMS key policies for CloudTrail: kms:Decrypt is required with an S3 Bucket Key",
        f"{_UG}/create-kms-key-policy-for-cloudtrail.html",
    ),
    Provenance(
        "logging.s3.amazonaws.com",
        ("s3:PutObject",),
        ("aws:SourceArn", "aws:SourceAccount"),
        "access-log bucket policies (S3ServerAccessLogsPolicy, S3ServerAccessLogsForQueryResults)",
        "Enable Amazon S3 server access logging: permissions for log delivery",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html",
    ),
    Provenance(
        "cloudwatch.amazonaws.com",
        ("sns:Publish",),
        ("aws:SourceArn",),
        "NetworkActivityAlarms topic policy: AllowCloudWatchAlarmsToPublish (this account's alarms)",
        "Example cases for Amazon SNS access control: allow any CloudWatch alarm to publish to a topic "
        "in a different account (ArnLike aws:SourceArn of the account's alarms)",
        "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html"
        "#sns-allow-cloudwatch-alarm-to-publish-to-topic-in-another-account",
    ),
    Provenance(
        "cloudwatch.amazonaws.com",
        ("sns:Publish",),
        ("aws:SourceAccount",),
        "NetworkActivityAlarms topic policy: AllowCloudWatchAlarmsToPublish (this account)",
        "Example cases for Amazon SNS access control: allow any CloudWatch alarm to publish to a topic",
        "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html",
    ),
    Provenance(
        "cloudwatch.amazonaws.com",
        ("kms:Decrypt", "kms:GenerateDataKey*"),
        ("aws:SourceArn", "aws:SourceAccount"),
        "NetworkActivityAlarms topic key: AllowCloudWatchAlarmsToUseKey (keys: see the IAM page below)",
        "Amazon SNS key management: compatibility with AWS services",
        "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
    ),
    Provenance(
        ANY_PRINCIPAL,
        ("s3:*", "sns:Publish"),
        ("aws:SecureTransport",),
        "every created bucket and the alarm topic: deny requests without TLS",
        "AWS global condition context keys: aws:SecureTransport",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-securetransport",
    ),
    Provenance(
        ANY_PRINCIPAL,
        ("s3:*",),
        ("aws:PrincipalOrgID", "aws:PrincipalIsAWSService"),
        "log bucket with organization_id: DenyPrincipalsOutsideOrganization",
        "AWS global condition context keys: aws:PrincipalOrgID, aws:PrincipalIsAWSService",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid",
    ),
    Provenance(
        ANY_PRINCIPAL,
        ("kms:CreateGrant",),
        ("kms:GrantIsForAWSResource", "aws:PrincipalIsAWSService"),
        "every created key: DenyCreateGrantExceptForAWSServices",
        "AWS KMS condition keys: kms:GrantIsForAWSResource",
        "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource",
    ),
    Provenance(
        ANY_PRINCIPAL,
        ("s3:ListBucket",),
        ("s3:prefix",),
        "grant_read_account_logs: listing limited to the account's prefixes",
        "Bucket policy examples using condition keys: s3:prefix",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html",
    ),
    Provenance(
        ANY_PRINCIPAL,
        ("kms:Decrypt",),
        ("kms:EncryptionContext:aws:cloudtrail:arn",),
        "grant_read and grant_read_account_logs: decrypt CloudTrail log files only (Null … false)",
        "Configure AWS KMS key policies for CloudTrail: granting decrypt permissions for trails",
        f"{_UG}/create-kms-key-policy-for-cloudtrail.html",
    ),
)
"""Every documented shape the library writes. A template statement must fit one of them."""

_REGION_IN_PRINCIPAL: Final = re.compile(
    r"\.(<region>|[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d)\.amazonaws\.com$"
)
_PLACEHOLDERS: Final = {"partition": "<partition>", "region": "<region>", "account": "<account>"}


def _listed(value: object) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _policy_documents(template: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """``(logical id, document)`` of every resource, identity and trust policy in the template."""
    for logical_id, resource in template.get("Resources", {}).items():
        properties = resource.get("Properties", {})
        for key in ("PolicyDocument", "KeyPolicy", "AssumeRolePolicyDocument"):
            if isinstance(properties.get(key), Mapping):
                yield logical_id, properties[key]
        for inline in properties.get("Policies", None) or ():
            yield logical_id, inline["PolicyDocument"]


def _services(statement: Mapping[str, Any]) -> list[str]:
    """The statement's service principals, Regional ones as ``name.<region>.amazonaws.com``."""
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping) or "Service" not in principal:
        return []
    names = [str(pasteable(s, _PLACEHOLDERS)) for s in _listed(principal["Service"])]
    return [_REGION_IN_PRINCIPAL.sub(".<region>.amazonaws.com", name) for name in names]


def _backed(principal: str, action: str, keys: set[str]) -> bool:
    rows = [r for r in PROVENANCE if r.principal == principal and action in r.actions]
    return bool(rows) and keys <= {k for r in rows for k in r.condition_keys}


def undocumented(template: Mapping[str, Any]) -> list[str]:
    """Every service-principal statement or condition key of ``template`` that no row backs.

    A statement with a service principal must match a row of that principal for each of its
    actions, its condition keys among the rows' keys (a statement without conditions needs
    the row too). Any other statement's condition keys must be backed by an
    :data:`ANY_PRINCIPAL` row for each action.

    :param template: a synthesized CloudFormation template.
    :returns: one message per gap, naming the resource, principal, action and keys.
    """
    gaps: list[str] = []
    for logical_id, document in _policy_documents(template):
        for statement in _listed(document.get("Statement", [])):
            keys = {key for operator in statement.get("Condition", {}).values() for key in operator}
            services = _services(statement) or ([ANY_PRINCIPAL] if keys else [])
            for service in services:
                for action in _listed(statement.get("Action", [])):
                    if not _backed(service, action, keys):
                        gaps.append(
                            f"{logical_id}: {service} {action} with condition keys {sorted(keys)} "
                            f"is not backed by network_trail.model._provenance.PROVENANCE"
                        )
    return gaps


def provenance_markdown() -> str:
    """:data:`PROVENANCE` as the Markdown table of ``docs/policies.md``."""
    lines = [
        "| Principal | Actions | Condition keys | Written by | AWS page |",
        "|---|---|---|---|---|",
    ]
    for row in PROVENANCE:
        keys = ", ".join(f"`{k}`" for k in row.condition_keys) or "none"
        actions = ", ".join(f"`{a}`" for a in row.actions)
        principal = row.principal if row.principal == ANY_PRINCIPAL else f"`{row.principal}`"
        lines.append(f"| {principal} | {actions} | {keys} | {row.written_by} | [{row.title}]({row.url}) |")
    return "\n".join(lines) + "\n"
