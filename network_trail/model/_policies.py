"""Bucket and key policy statements CloudTrail needs, as plain JSON.

Pure functions of strings (which may hold CDK tokens), so tests, docs and the
bring-your-own-resource warning use the same statements the construct adds.
Shapes follow the CloudTrail User Guide: "Amazon S3 bucket policy for
CloudTrail" and "Configure AWS KMS key policies for CloudTrail".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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

    def account_log_prefix(self, account_id: str) -> str:
        """The key prefix of one account's log files, ending in '/'.

        ``[prefix/]AWSLogs/<account>/``, or ``[prefix/]AWSLogs/<o-id>/<account>/`` for an
        organization trail, which writes every account (the management account included)
        under the organization id.
        """
        base = awslogs_key_prefix(self.s3_key_prefix)
        if self.organization_id:
            base = f"{base}/{self.organization_id}"
        return f"{base}/{account_id}/"

    def log_object_arns(self, bucket_arn: str) -> list[str]:
        """Object ARNs CloudTrail writes: the account's path, and the organization's.

        AWS's organization-trail policy keeps the management account's own path so the
        trail keeps delivering if it is turned back into a single-account trail.
        """
        base = f"{bucket_arn}/{awslogs_key_prefix(self.s3_key_prefix)}"
        arns = [f"{base}/{self.account}/*"]
        if self.organization_id:
            arns.append(f"{base}/{self.organization_id}/*")
        return arns


def awslogs_key_prefix(s3_key_prefix: str | None) -> str:
    """``[prefix/]AWSLogs``: the key prefix CloudTrail writes under (UG-FILES)."""
    return f"{s3_key_prefix}/AWSLogs" if s3_key_prefix else "AWSLogs"


def bucket_policy_statements(parts: TrailArnParts, bucket_arn: str) -> list[dict[str, Any]]:
    """``s3:GetBucketAcl`` and ``s3:PutObject`` for CloudTrail, both on ``aws:SourceArn``."""
    return _cloudtrail_bucket_statements(
        bucket_arn, parts.log_object_arns(bucket_arn), {"aws:SourceArn": parts.trail_arn}
    )


def _cloudtrail_bucket_statements(
    bucket_arn: str, object_arns: list[str], source: dict[str, Any], *, write: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """UG-S3POL's two statements: ``GetBucketAcl`` on the bucket, ``PutObject`` on the log paths.

    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html

    :param source: the ``StringEquals`` keys that bind ``GetBucketAcl`` to the writing trails
        (none: the statement has no condition, as Control Tower's ``AWSBucketPermissionsCheck``).
    :param write: the keys that bind ``PutObject``. Default: - ``source``
    """
    resources: str | list[str] = object_arns[0] if len(object_arns) == 1 else object_arns
    acl: dict[str, Any] = {
        "Sid": "AWSCloudTrailAclCheck",
        "Effect": "Allow",
        "Principal": {"Service": CLOUDTRAIL_PRINCIPAL},
        "Action": "s3:GetBucketAcl",
        "Resource": bucket_arn,
    }
    if source:
        acl["Condition"] = {"StringEquals": source}
    write_keys = source if write is None else write
    return [
        acl,
        {
            "Sid": "AWSCloudTrailWrite",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL_PRINCIPAL},
            "Action": "s3:PutObject",
            "Resource": resources,
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", **write_keys}},
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
        statements.append(logs_key_statement(parts.region, log_group_arn))
    return statements


def logs_key_statement(region: str, log_group_arn: str) -> dict[str, Any]:
    """Let CloudWatch Logs use a key for one log group only (``kms:EncryptionContext:aws:logs:arn``).

    https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    """
    return {
        "Sid": "AllowCloudWatchLogsToUseKey",
        "Effect": "Allow",
        "Principal": {"Service": f"logs.{region}.amazonaws.com"},
        "Action": ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
        "Resource": "*",
        "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": log_group_arn}},
    }


def access_logs_policy_statement(
    target_bucket_arn: str,
    source_bucket_arn: str,
    account: str,
    prefix: str,
    *,
    sid: str = "S3ServerAccessLogsPolicy",
) -> dict[str, Any]:
    """Let S3 server access logging write a bucket's access logs (S3 User Guide shape).

    :param sid: the statement id; unique per source bucket, as one policy's Sids must be.
    """
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": f"{target_bucket_arn}/{prefix}*",
        "Condition": {
            "ArnLike": {"aws:SourceArn": source_bucket_arn},
            "StringEquals": {"aws:SourceAccount": account},
        },
    }


def tls_only_statement(bucket_arn: str) -> dict[str, Any]:
    """Deny every request to the bucket and its objects that is not sent over TLS.

    The statement ``s3.Bucket``'s ``enforce_ssl`` writes (no ``Sid``), first in the policy of
    every bucket this library creates (cdk-nag AwsSolutions-S10, Control Tower CT.S3.PR.7).
    """
    return {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
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


def archive_source_condition(
    *, trail_arns: Sequence[str], organization_id: str | None, write: bool
) -> dict[str, dict[str, Any]]:
    """Who may write to a central archive: the listed trails and, for writes, the organization.

    ``aws:SourceArn`` lists the trails (UG-S3POL: "the ARN of the trail (or array of trail
    ARNs) that is using the bucket"). ``aws:SourceOrgID`` is added only to the ``s3:PutObject``
    statement (``write=True``): the Control Tower page "Amazon S3 bucket policy in the audit
    account" (https://docs.aws.amazon.com/controltower/latest/userguide/logging-s3-audit-bucket.html)
    shows CloudTrail's writes conditioned on it; no AWS page shows it on CloudTrail's
    ``s3:GetBucketAcl`` or KMS requests, so it is not written there (docs/security.md).

    :param write: the condition of the ``s3:PutObject`` statement. Default: - required
    :returns: ``{"StringEquals": {...}}``, or ``{}`` when nothing binds the statement.
    """
    equals: dict[str, Any] = {}
    if trail_arns:
        equals["aws:SourceArn"] = list(trail_arns)
    if write and organization_id is not None:
        equals["aws:SourceOrgID"] = organization_id
    return {"StringEquals": equals} if equals else {}


def archive_log_object_arns(
    bucket_arn: str, *, account_ids: Sequence[str], organization_id: str | None, s3_key_prefix: str | None
) -> list[str]:
    """Paths the archive accepts: each writing account's, plus the organization trails' path.

    :param account_ids: the writing accounts (at least one: the construct requires them).
    """
    if not account_ids:
        raise ValueError("archive_log_object_arns needs the writing accounts")
    base = f"{bucket_arn}/{awslogs_key_prefix(s3_key_prefix)}"
    arns = [f"{base}/{account}/*" for account in account_ids]
    if organization_id is not None:
        arns.append(f"{base}/{organization_id}/*")
    return arns


def archive_bucket_policy_statements(
    bucket_arn: str,
    *,
    account_ids: Sequence[str],
    trail_arns: Sequence[str],
    organization_id: str | None,
    s3_key_prefix: str | None,
) -> list[dict[str, Any]]:
    """The cross-account shape of UG-S3POL: ``GetBucketAcl``, and ``PutObject`` per source path."""
    acl = archive_source_condition(trail_arns=trail_arns, organization_id=organization_id, write=False)
    write = archive_source_condition(trail_arns=trail_arns, organization_id=organization_id, write=True)
    object_arns = archive_log_object_arns(
        bucket_arn, account_ids=account_ids, organization_id=organization_id, s3_key_prefix=s3_key_prefix
    )
    return _cloudtrail_bucket_statements(
        bucket_arn, object_arns, acl.get("StringEquals", {}), write=write.get("StringEquals", {})
    )


def archive_key_policy_statements(
    *, partition: str, account_ids: Sequence[str], trail_arns: Sequence[str], organization_id: str | None
) -> list[dict[str, Any]]:
    """What the writing accounts' trails need on the archive key (UG-KMSPOL, cross-account).

    ``kms:GenerateDataKey*`` bound to the CloudTrail encryption context of each writing account's
    trails (an organization trail's context names the management account, which must be among
    ``account_ids``), ``kms:DescribeKey``, and ``kms:Decrypt`` for S3 Bucket Keys; all on
    ``aws:SourceArn`` (``trail_arns``) or, without trail ARNs, on ``aws:SourceAccount`` (UG-KMSPOL:
    "The value of aws:SourceAccount is the account ID of the trail owner, or for organization
    trails, the management account ID"). Never a wildcard account, never unconditioned.
    https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html

    ``aws:SourceOrgID`` is not written here: no AWS page shows CloudTrail's KMS requests
    carrying it, and if they did not, CreateTrail would fail with
    ``InsufficientEncryptionPolicyException`` (docs/security.md).

    :param account_ids: the writing accounts (at least one: the construct requires them).
    :param organization_id: accepted for symmetry with the bucket statements; unused here.
    """
    del organization_id  # the bucket's PutObject statement carries the organization condition
    if not account_ids:
        raise ValueError("archive_key_policy_statements needs the writing accounts")
    source = archive_source_condition(trail_arns=trail_arns, organization_id=None, write=False)
    if not source:
        accounts: str | list[str] = list(account_ids) if len(account_ids) > 1 else account_ids[0]
        source = {"StringEquals": {"aws:SourceAccount": accounts}}
    contexts: str | list[str] = [f"arn:{partition}:cloudtrail:*:{account}:trail/*" for account in account_ids]
    if len(contexts) == 1:
        contexts = contexts[0]
    return [
        {
            "Sid": "AllowCloudTrailToEncryptLogs",
            "Effect": "Allow",
            "Principal": {"Service": CLOUDTRAIL_PRINCIPAL},
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                **source,
                "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": contexts},
            },
        },
        _service_statement("AllowCloudTrailToDescribeKey", "kms:DescribeKey", source),
        _service_statement("AllowCloudTrailToDecryptForBucketKey", "kms:Decrypt", source),
    ]


def _service_statement(sid: str, action: str, condition: dict[str, Any]) -> dict[str, Any]:
    """A CloudTrail key statement on ``*``, with ``condition`` when there is one."""
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": CLOUDTRAIL_PRINCIPAL},
        "Action": action,
        "Resource": "*",
    }
    if condition:
        statement["Condition"] = condition
    return statement


_PSEUDO = {"AWS::Partition": "partition", "AWS::Region": "region", "AWS::AccountId": "account"}


def pasteable(resolved: Any, values: Mapping[str, str]) -> Any:
    """A resolved policy document as plain JSON a user can paste into a policy editor.

    ``{"Fn::Join": ["", [...]]}`` becomes one string; ``{"Ref": "AWS::Partition"}``,
    ``AWS::Region`` and ``AWS::AccountId`` become ``values["partition"]``, ``["region"]`` and
    ``["account"]`` (a literal, or a ``<placeholder>`` the message explains); ``AWS::URLSuffix``
    becomes ``amazonaws.com``; any other reference becomes ``<LogicalId>`` or
    ``<LogicalId.Attribute>``.

    :param resolved: the output of ``Stack.resolve`` on a policy document.
    :param values: ``partition``, ``region`` and ``account`` to write in place of the tokens.
    """
    if isinstance(resolved, list):
        return [pasteable(item, values) for item in resolved]
    if not isinstance(resolved, dict):
        return resolved
    if set(resolved) == {"Fn::Join"}:
        separator, parts = resolved["Fn::Join"]
        return str(separator).join(str(pasteable(part, values)) for part in parts)
    if set(resolved) == {"Ref"}:
        ref = resolved["Ref"]
        if ref in _PSEUDO:
            return values[_PSEUDO[ref]]
        return "amazonaws.com" if ref == "AWS::URLSuffix" else f"<{ref}>"
    if set(resolved) == {"Fn::GetAtt"}:
        return f"<{'.'.join(resolved['Fn::GetAtt'])}>"
    return {key: pasteable(value, values) for key, value in resolved.items()}
