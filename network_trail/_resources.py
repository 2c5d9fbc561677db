"""Builders of the secure log bucket, access-log bucket, their policies and KMS keys.

Shared by :class:`~network_trail.NetworkTrail` and :class:`~network_trail.LogArchive`
so both create the same hardened resources (the Athena and alarm add-ons take their keys
from :func:`create_key` too). Each builder adds its resource under ``scope`` with a fixed
construct id (``Key``, ``Bucket``, ``AccessLogsBucket``, ``Policy``): the ids are part of
the logical ids and must not change. A bucket built here has no policy until
:func:`attach_bucket_policy` gives it one, TLS-only access first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from . import _defaults
from ._compliance import CREATE_GRANT_DENY_STATEMENT
from ._policies import access_logs_policy_statement, tls_only_statement


@cache
def _days(days: int) -> cdk.Duration:
    """``Duration.days(days)``, made once per process: a Duration is immutable, and each is a jsii call."""
    return cdk.Duration.days(days)


@cache
def _block_all() -> s3.BlockPublicAccess:
    """``BlockPublicAccess.BLOCK_ALL``, read once per process (each read is a jsii call)."""
    return s3.BlockPublicAccess.BLOCK_ALL


def create_key(
    scope: Construct,
    construct_id: str = "Key",
    *,
    partition: str,
    account: str,
    statements: Sequence[Mapping[str, Any]] = (),
    description: str = _defaults.KEY_DESCRIPTION,
    removal_policy: cdk.RemovalPolicy | None = None,
) -> kms.Key:
    """A symmetric KMS key with rotation and its whole key policy, construct id ``construct_id``.

    The policy is one document: the account-root statement CDK's ``Key`` writes by default
    (with ``@aws-cdk/aws-kms:defaultKeyPolicies``), then ``statements``, then
    :data:`~network_trail._compliance.CREATE_GRANT_DENY_STATEMENT` (grants only through AWS
    services). One round-trip to the jsii kernel for the document, where adding statements
    to the key costs one or more per statement. ``Key.add_to_resource_policy`` still adds to it.

    :param scope: the parent construct.
    :param construct_id: the construct id; part of the key's logical id. Default: "Key"
    :param partition: the stack's partition.
    :param account: the stack's account, whose root principal administers the key.
    :param statements: the service statements, as JSON. Default: - none
    :param description: the key's description. Default: - the trail key's description
    :param removal_policy: what happens to the key when it leaves the stack. Default: RemovalPolicy.RETAIN
    """
    administer = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    document = iam.PolicyDocument.from_json(
        {"Statement": [administer, *statements, dict(CREATE_GRANT_DENY_STATEMENT)]}
    )
    return kms.Key(
        scope,
        construct_id,
        description=description,
        enable_key_rotation=True,
        policy=document,
        removal_policy=removal_policy,
    )


def create_access_logs_bucket(scope: Construct, *, removal_policy: cdk.RemovalPolicy) -> s3.Bucket:
    """The locked-down bucket for server access logs, construct id ``AccessLogsBucket``.

    Its policy, TLS-only access included, is the caller's to attach with
    :func:`attach_bucket_policy` once the statement for the logged bucket is known.
    """
    return s3.Bucket(
        scope,
        "AccessLogsBucket",
        encryption=s3.BucketEncryption.S3_MANAGED,
        block_public_access=_block_all(),
        versioned=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycle_rules=[
            s3.LifecycleRule(
                id="ExpireAccessLogs",
                expiration=_days(_defaults.ACCESS_LOGS_EXPIRATION_DAYS),
                noncurrent_version_expiration=_days(_defaults.NONCURRENT_VERSION_EXPIRATION_DAYS),
                abort_incomplete_multipart_upload_after=_days(_defaults.ABORT_INCOMPLETE_UPLOAD_DAYS),
            )
        ],
        removal_policy=removal_policy,
    )


def create_log_bucket(
    scope: Construct,
    *,
    key: kms.IKey,
    removal_policy: cdk.RemovalPolicy,
    log_retention: cdk.Duration | None = None,
    noncurrent_version_expiration: cdk.Duration | None = None,
    object_lock_retention: s3.ObjectLockRetention | None = None,
) -> s3.Bucket:
    """The SSE-KMS log bucket, construct id ``Bucket``.

    S3 Bucket Key, versioning, TLS-only access, all public access blocked,
    BucketOwnerEnforced, expiry of noncurrent versions and optional Object Lock. Its policy,
    TLS-only access included, is the caller's to attach with :func:`attach_bucket_policy`
    once the statements, which name the bucket's ARN, are built.
    """
    lifecycle = [
        s3.LifecycleRule(
            id="ExpireNoncurrentVersions",
            noncurrent_version_expiration=noncurrent_version_expiration
            or _days(_defaults.NONCURRENT_VERSION_EXPIRATION_DAYS),
            abort_incomplete_multipart_upload_after=_days(_defaults.ABORT_INCOMPLETE_UPLOAD_DAYS),
        )
    ]
    if log_retention is not None:
        lifecycle.append(s3.LifecycleRule(id="ExpireLogFiles", expiration=log_retention))
    return s3.Bucket(
        scope,
        "Bucket",
        encryption=s3.BucketEncryption.KMS,
        encryption_key=key,
        bucket_key_enabled=True,
        block_public_access=_block_all(),
        versioned=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycle_rules=lifecycle,
        object_lock_enabled=True if object_lock_retention is not None else None,
        object_lock_default_retention=object_lock_retention,
        removal_policy=removal_policy,
    )


def attach_bucket_policy(
    bucket: s3.Bucket, statements: Sequence[Mapping[str, Any]], *, bucket_arn: str | None = None
) -> s3.BucketPolicy:
    """Give a bucket created here its whole policy, construct id ``Policy`` under the bucket.

    One document: :func:`~network_trail._policies.tls_only_statement` (what ``enforce_ssl``
    writes), then ``statements``. The policy becomes ``bucket.policy``, so
    ``add_to_resource_policy`` and grants add to it. One round-trip to the jsii kernel for the
    document, where ``add_to_resource_policy`` costs three per statement.

    :param bucket: a bucket without a policy yet.
    :param statements: the statements after the TLS-only one, as JSON.
    :param bucket_arn: the bucket's ARN, when the caller holds it. Default: - ``bucket.bucket_arn``
    """
    arn = bucket_arn if bucket_arn is not None else bucket.bucket_arn
    document = iam.PolicyDocument.from_json({"Statement": [tls_only_statement(arn), *statements]})
    policy = s3.BucketPolicy(bucket, "Policy", bucket=bucket, document=document)
    bucket.policy = policy
    return policy


def tag_all(scope: Construct, tags: Mapping[str, str] | None) -> None:
    """Tag every taggable resource under ``scope``, keys in sorted order (one ``Tags.of`` for all).

    :param scope: the construct whose resources to tag.
    :param tags: key to value, already checked with :func:`~network_trail.validation.tag_problems`.
    """
    if not tags:
        return
    tagger = cdk.Tags.of(scope)
    for key, value in sorted(tags.items()):
        tagger.add(key, value)


def enable_access_logging(
    source: s3.Bucket,
    target: s3.IBucket,
    *,
    cfn_source: s3.CfnBucket | None = None,
    source_arn: str | None = None,
    account: str | None = None,
    prefix: str = _defaults.ACCESS_LOGS_PREFIX,
    sid: str = "S3ServerAccessLogsPolicy",
) -> dict[str, Any]:
    """Point ``source``'s server access logs at ``target``; return the statement ``target`` needs.

    Written by hand rather than through the L2's ``server_access_logs_bucket``, whose
    output depends on the app's feature flags (ACL or bucket policy). Each value the caller
    already holds saves a round-trip to the jsii kernel.

    :param source: the bucket whose access is logged.
    :param target: the bucket receiving the logs.
    :param cfn_source: ``source``'s L1 resource. Default: - ``source.node.default_child``
    :param source_arn: ``source``'s ARN. Default: - ``source.bucket_arn``
    :param account: the stack's account. Default: - ``Stack.of(source).account``
    :param prefix: the key prefix of the logs in ``target``. Default: "access-logs/"
    :param sid: the statement id, unique among the sources logging to ``target``.
        Default: "S3ServerAccessLogsPolicy"
    """
    cfn_bucket = cfn_source if cfn_source is not None else source.node.default_child
    assert isinstance(cfn_bucket, s3.CfnBucket)
    cfn_bucket.add_property_override(
        "LoggingConfiguration",
        {"DestinationBucketName": target.bucket_name, "LogFilePrefix": prefix},
    )
    return access_logs_policy_statement(
        target.bucket_arn,
        source_arn if source_arn is not None else source.bucket_arn,
        account if account is not None else cdk.Stack.of(source).account,
        prefix,
        sid=sid,
    )
