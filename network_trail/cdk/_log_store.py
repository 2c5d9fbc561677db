"""The log store: the KMS key, its alias, the log bucket, its access-log bucket and their policies.

One builder, :func:`build_log_store`, used by :class:`~network_trail.NetworkTrail` and
:class:`~network_trail.LogArchive`, so both create the same hardened resources in the same
order (the order is the template's resource order): ``Key`` (and its alias), then
``AccessLogsBucket``, then ``Bucket``, each bucket's ``Policy`` under it. A provided key,
bucket or access-log bucket is used as given: its statements go to ``add_to_provided``, which
adds them or warns. The result is one frozen :class:`LogStore`, handed on to
:mod:`~network_trail.cdk._compliance` so nothing is looked up again by id (each lookup is a
round-trip to the jsii kernel).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ..model._policies import organization_deny_statement
from . import _resources
from ._compliance import node_of

AddToProvided = Callable[[s3.IBucket | kms.IKey, list[dict[str, Any]], str], None]
"""Adds statements to a provided resource's policy or warns; called with the resource, the
statements and what it is (``"key"``, ``"bucket"``, ``"access-logs bucket"``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LogStore:
    """What :func:`build_log_store` created or took."""

    key: kms.IKey
    """The key the log files are encrypted with (created or provided)."""
    alias: kms.IAlias | None
    """The created key's alias, or ``None`` for a provided key."""
    bucket: s3.IBucket
    """The log bucket (created or provided)."""
    access_logs_bucket: s3.IBucket | None
    """The bucket receiving the log bucket's access logs, or ``None`` for a provided log bucket."""
    created_bucket: s3.Bucket | None
    """The log bucket when created here, else ``None``."""
    cfn_bucket: s3.CfnBucket | None
    """The created log bucket's L1 resource, else ``None``."""
    created_access_logs_bucket: s3.Bucket | None
    """The access-log bucket when created here, else ``None``."""
    cfn_access_logs_bucket: s3.CfnBucket | None
    """The created access-log bucket's L1 resource, else ``None``."""
    bucket_policy: s3.BucketPolicy | None
    """The log bucket's policy (the trail depends on it), or ``None`` when unknown."""


def _no_provided(_resource: s3.IBucket | kms.IKey, _statements: list[dict[str, Any]], what: str) -> None:
    raise AssertionError(f"no {what} was provided")  # pragma: no cover: a caller providing none


def build_log_store(
    scope: Construct,
    *,
    partition: str,
    account: str,
    key_statements: Sequence[dict[str, Any]],
    alias_name: str,
    bucket_statements: Callable[[str], list[dict[str, Any]]],
    removal_policy: cdk.RemovalPolicy,
    organization_id: str | None = None,
    encryption_key: kms.IKey | None = None,
    bucket: s3.IBucket | None = None,
    server_access_logs_bucket: s3.IBucket | None = None,
    log_retention: cdk.Duration | None = None,
    noncurrent_version_expiration: cdk.Duration | None = None,
    object_lock_retention: s3.ObjectLockRetention | None = None,
    add_to_provided: AddToProvided = _no_provided,
) -> LogStore:
    """Create (or take) the key, the log bucket and its access-log bucket, with their policies.

    :param scope: the construct the resources are created under (their ids are fixed).
    :param partition: the stack's partition.
    :param account: the stack's account.
    :param key_statements: the service statements of the key policy, as JSON.
    :param alias_name: the created key's alias.
    :param bucket_statements: the log bucket's statements, as JSON, given the bucket's ARN; the
        organization deny is appended when ``organization_id`` is set.
    :param removal_policy: what happens to the created resources when they leave the stack.
    :param organization_id: deny principals outside this organization on the log bucket.
        Default: - no organization condition
    :param encryption_key: a provided key. Default: - a key is created
    :param bucket: a provided log bucket. Default: - a bucket is created
    :param server_access_logs_bucket: a provided access-log bucket. Default: - one is created
    :param log_retention: expire log files after this long. Default: - kept
    :param noncurrent_version_expiration: expire noncurrent versions after this long.
        Default: - the default of :func:`~network_trail.cdk._resources.create_log_bucket`
    :param object_lock_retention: Object Lock default retention. Default: - no Object Lock
    :param add_to_provided: adds statements to a provided resource, or warns.
        Default: - raises: nothing may be provided
    """
    key, alias = _key(scope, partition, account, key_statements, alias_name, removal_policy, encryption_key)
    if encryption_key is not None:
        add_to_provided(key, list(key_statements), "key")
    if bucket is not None:
        add_to_provided(
            bucket, _bucket_policy(bucket_statements, bucket.bucket_arn, organization_id), "bucket"
        )
        return _provided_bucket_store(key, alias, bucket)
    created_access_logs = (
        _resources.create_access_logs_bucket(scope, removal_policy=removal_policy)
        if server_access_logs_bucket is None
        else None
    )
    access_logs = server_access_logs_bucket or created_access_logs
    assert access_logs is not None
    created_bucket = _resources.create_log_bucket(
        scope,
        key=key,
        removal_policy=removal_policy,
        log_retention=log_retention,
        noncurrent_version_expiration=noncurrent_version_expiration,
        object_lock_retention=object_lock_retention,
    )
    cfn_bucket, cfn_access_logs, bucket_arn = _log_access(
        created_bucket, access_logs, created_access_logs, account, add_to_provided
    )
    statements = _bucket_policy(bucket_statements, bucket_arn, organization_id)
    policy = _resources.attach_bucket_policy(created_bucket, statements, bucket_arn=bucket_arn)
    return LogStore(
        key=key,
        alias=alias,
        bucket=created_bucket,
        access_logs_bucket=access_logs,
        created_bucket=created_bucket,
        cfn_bucket=cfn_bucket,
        created_access_logs_bucket=created_access_logs,
        cfn_access_logs_bucket=cfn_access_logs,
        bucket_policy=policy,
    )


def _provided_bucket_store(key: kms.IKey, alias: kms.IAlias | None, bucket: s3.IBucket) -> LogStore:
    """The store of a provided log bucket: none of the buckets is created here."""
    return LogStore(
        key=key,
        alias=alias,
        bucket=bucket,
        access_logs_bucket=None,
        created_bucket=None,
        cfn_bucket=None,
        created_access_logs_bucket=None,
        cfn_access_logs_bucket=None,
        bucket_policy=bucket.policy,
    )


def _key(
    scope: Construct,
    partition: str,
    account: str,
    statements: Sequence[dict[str, Any]],
    alias_name: str,
    removal_policy: cdk.RemovalPolicy,
    provided: kms.IKey | None,
) -> tuple[kms.IKey, kms.IAlias | None]:
    """The provided key (no alias), or a created key with its whole policy and its alias."""
    if provided is not None:
        return provided, None
    # The key's whole policy is one document, written with the key.
    created = _resources.create_key(
        scope, partition=partition, account=account, statements=statements, removal_policy=removal_policy
    )
    return created, created.add_alias(alias_name)


def _log_access(
    bucket: s3.Bucket,
    access_logs: s3.IBucket,
    created_access_logs: s3.Bucket | None,
    account: str,
    add_to_provided: AddToProvided,
) -> tuple[s3.CfnBucket, s3.CfnBucket | None, str]:
    """Log access to ``bucket`` in ``access_logs`` and give it the statement that lets S3 write there.

    Returns the L1 resources of the log bucket and of the created access-log bucket (``None`` for
    a provided one), and the log bucket's ARN, each read once (a round-trip to the jsii kernel).
    """
    cfn_bucket = node_of(bucket).default_child
    assert isinstance(cfn_bucket, s3.CfnBucket)
    bucket_arn = bucket.bucket_arn
    # A created access-log bucket's ARN is read once, for the statement and for its policy.
    access_logs_arn = created_access_logs.bucket_arn if created_access_logs is not None else None
    access_statement = _resources.enable_access_logging(
        bucket,
        access_logs,
        cfn_source=cfn_bucket,
        source_arn=bucket_arn,
        target_arn=access_logs_arn,
        account=account,
    )
    if created_access_logs is None:
        add_to_provided(access_logs, [access_statement], "access-logs bucket")
        return cfn_bucket, None, bucket_arn
    child = node_of(created_access_logs).default_child
    assert isinstance(child, s3.CfnBucket)
    _resources.attach_bucket_policy(created_access_logs, [access_statement], bucket_arn=access_logs_arn)
    return cfn_bucket, child, bucket_arn


def _bucket_policy(
    statements: Callable[[str], list[dict[str, Any]]], bucket_arn: str, organization_id: str | None
) -> list[dict[str, Any]]:
    """The log bucket's statements, then the organization deny when there is an organization."""
    built = statements(bucket_arn)
    if organization_id is not None:
        built.append(organization_deny_statement(bucket_arn, organization_id))
    return built
