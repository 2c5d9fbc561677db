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
    alias: kms.IAlias | None = None
    if encryption_key is None:
        # The key's whole policy is one document, written with the key.
        created_key = _resources.create_key(
            scope,
            partition=partition,
            account=account,
            statements=key_statements,
            removal_policy=removal_policy,
        )
        alias = created_key.add_alias(alias_name)
        key: kms.IKey = created_key
    else:
        key = encryption_key
        add_to_provided(key, list(key_statements), "key")

    if bucket is not None:
        provided_arn = bucket.bucket_arn
        add_to_provided(bucket, _bucket_policy(bucket_statements, provided_arn, organization_id), "bucket")
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
    cfn_bucket = node_of(created_bucket).default_child
    assert isinstance(cfn_bucket, s3.CfnBucket)
    bucket_arn = created_bucket.bucket_arn
    access_statement = _resources.enable_access_logging(
        created_bucket, access_logs, cfn_source=cfn_bucket, source_arn=bucket_arn, account=account
    )
    cfn_access_logs: s3.CfnBucket | None = None
    if created_access_logs is not None:
        child = node_of(created_access_logs).default_child
        assert isinstance(child, s3.CfnBucket)
        cfn_access_logs = child
        _resources.attach_bucket_policy(created_access_logs, [access_statement])
    else:
        add_to_provided(access_logs, [access_statement], "access-logs bucket")
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


def _bucket_policy(
    statements: Callable[[str], list[dict[str, Any]]], bucket_arn: str, organization_id: str | None
) -> list[dict[str, Any]]:
    """The log bucket's statements, then the organization deny when there is an organization."""
    built = statements(bucket_arn)
    if organization_id is not None:
        built.append(organization_deny_statement(bucket_arn, organization_id))
    return built
