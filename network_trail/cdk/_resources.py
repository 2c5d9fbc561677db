"""Builders of the secure log bucket, access-log bucket, their policies and KMS keys.

Shared by :class:`~network_trail.NetworkTrail` and :class:`~network_trail.LogArchive`
so both create the same hardened resources (the Athena and alarm add-ons take their keys
from :func:`create_key` too). Each builder adds its resource under ``scope`` with a fixed
construct id (``Key``, ``Bucket``, ``AccessLogsBucket``, ``Policy``): the ids are part of
the logical ids and must not change. A bucket built here has no policy until
:func:`attach_bucket_policy` gives it one, TLS-only access first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ..errors import NetworkTrailError
from ..model._ids import account_id_problems
from ..model._policies import access_logs_policy_statement, tls_only_statement
from . import _defaults
from ._compliance import CREATE_GRANT_DENY_STATEMENT, node_of


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
    :data:`~network_trail.cdk._compliance.CREATE_GRANT_DENY_STATEMENT` (grants only through AWS
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
    return create_kms_bucket(
        scope,
        "Bucket",
        key=key,
        lifecycle_rules=lifecycle,
        removal_policy=removal_policy,
        object_lock_retention=object_lock_retention,
    )


def create_results_bucket(
    scope: Construct,
    construct_id: str,
    *,
    key: kms.IKey,
    expiration: cdk.Duration,
    removal_policy: cdk.RemovalPolicy,
) -> s3.Bucket:
    """A bucket of derived, transient data (Athena query results), as locked down as the log bucket.

    :func:`create_kms_bucket` with one lifecycle rule, ``ExpireQueryResults``: objects expire
    after ``expiration``, replaced versions after a day. Its policy is the TLS-only statement
    ``enforce_ssl`` writes (the one :func:`attach_bucket_policy` puts first), written by the L2 as
    since the bucket's first release, so the app's analytics metadata stays the same.

    :param scope: the parent construct.
    :param construct_id: the bucket's construct id (part of its logical id: keep it).
    :param key: the key the objects are encrypted with.
    :param expiration: how long objects are kept.
    :param removal_policy: what happens to the bucket when it leaves the stack.
    """
    return create_kms_bucket(
        scope,
        construct_id,
        key=key,
        lifecycle_rules=[
            s3.LifecycleRule(
                id="ExpireQueryResults",
                expiration=expiration,
                noncurrent_version_expiration=_days(1),
                abort_incomplete_multipart_upload_after=_days(_defaults.ABORT_INCOMPLETE_UPLOAD_DAYS),
            )
        ],
        removal_policy=removal_policy,
        enforce_ssl=True,
    )


def create_kms_bucket(
    scope: Construct,
    construct_id: str,
    *,
    key: kms.IKey,
    lifecycle_rules: Sequence[s3.LifecycleRule],
    removal_policy: cdk.RemovalPolicy,
    object_lock_retention: s3.ObjectLockRetention | None = None,
    enforce_ssl: bool | None = None,
) -> s3.Bucket:
    """The secure defaults of every SSE-KMS bucket this library creates, construct id ``construct_id``.

    SSE-KMS with ``key`` and S3 Bucket Key, versioning, all public access blocked,
    BucketOwnerEnforced and optional Object Lock. No policy unless ``enforce_ssl``:
    :func:`attach_bucket_policy` gives it one, TLS-only access first.

    :param scope: the parent construct.
    :param construct_id: the bucket's construct id (part of its logical id: keep it).
    :param key: the key the objects are encrypted with.
    :param lifecycle_rules: the bucket's lifecycle rules.
    :param removal_policy: what happens to the bucket when it leaves the stack.
    :param object_lock_retention: Object Lock's default retention. Default: - no Object Lock
    :param enforce_ssl: let the L2 write the TLS-only policy (``enforce_ssl``). Default: - no policy
    """
    return s3.Bucket(
        scope,
        construct_id,
        encryption=s3.BucketEncryption.KMS,
        encryption_key=key,
        bucket_key_enabled=True,
        block_public_access=_block_all(),
        versioned=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycle_rules=list(lifecycle_rules),
        object_lock_enabled=True if object_lock_retention is not None else None,
        object_lock_default_retention=object_lock_retention,
        removal_policy=removal_policy,
        enforce_ssl=enforce_ssl,
    )


def attach_bucket_policy(
    bucket: s3.Bucket, statements: Sequence[Mapping[str, Any]], *, bucket_arn: str | None = None
) -> s3.BucketPolicy:
    """Give a bucket created here its whole policy, construct id ``Policy`` under the bucket.

    One document: :func:`~network_trail.model._policies.tls_only_statement` (what ``enforce_ssl``
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
    :param tags: key to value, already checked with :func:`~network_trail.model.validation.tag_problems`.
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
    target_arn: str | None = None,
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
    :param target_arn: ``target``'s ARN. Default: - ``target.bucket_arn``
    :param account: the stack's account. Default: - ``Stack.of(source).account``
    :param prefix: the key prefix of the logs in ``target``. Default: "access-logs/"
    :param sid: the statement id, unique among the sources logging to ``target``.
        Default: "S3ServerAccessLogsPolicy"
    """
    cfn_bucket = cfn_source if cfn_source is not None else node_of(source).default_child
    assert isinstance(cfn_bucket, s3.CfnBucket)
    cfn_bucket.add_property_override(
        "LoggingConfiguration",
        {"DestinationBucketName": target.bucket_name, "LogFilePrefix": prefix},
    )
    return access_logs_policy_statement(
        target_arn if target_arn is not None else target.bucket_arn,
        source_arn if source_arn is not None else source.bucket_arn,
        account if account is not None else cdk.Stack.of(source).account,
        prefix,
        sid=sid,
    )


READER_DECRYPT_CONDITION: dict[str, Any] = {"Null": {"kms:EncryptionContext:aws:cloudtrail:arn": "false"}}
"""Readers decrypt CloudTrail log files only: the "Granting decrypt permissions for trails" shape of
https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html"""

BUCKET_READ_ACTIONS: tuple[str, ...] = ("s3:GetObject*", "s3:GetBucket*", "s3:List*")
"""What ``Bucket.grant_read`` grants on a bucket and its objects (aws-cdk-lib's ``BUCKET_READ_ACTIONS``)."""


def grant_read_log_files(grantee: iam.IGrantable, *, bucket: s3.IBucket, key: kms.IKey) -> iam.Grant:
    """The whole-bucket read grant of ``NetworkTrail`` and ``LogArchive``.

    The S3 statement ``Bucket.grant_read`` writes (:data:`BUCKET_READ_ACTIONS` on the bucket and
    its objects, in the bucket policy too for a grantee of another account), and
    :func:`grant_decrypt_log_files` on ``key``. Not ``Bucket.grant_read`` itself: its key grant
    writes ``kms:Decrypt`` and ``kms:DescribeKey`` without a condition, in the key policy too for a
    grantee of another account.

    :param grantee: the principal to grant.
    :param bucket: the log bucket.
    :param key: the key the log files are encrypted with.
    """
    warn_cross_account_reader(grantee, bucket=bucket, key=key)
    bucket_arn = bucket.bucket_arn
    read = iam.Grant.add_to_principal_or_resource(
        grantee=grantee,
        actions=list(BUCKET_READ_ACTIONS),
        resource_arns=[bucket_arn, f"{bucket_arn}/*"],
        resource=bucket,
    )
    return read.combine(grant_decrypt_log_files(grantee, key))


def grant_decrypt_log_files(grantee: iam.IGrantable, key: kms.IKey) -> iam.Grant:
    """Let ``grantee`` decrypt CloudTrail log files with ``key``, and nothing else it encrypts.

    ``kms:Decrypt`` with :data:`READER_DECRYPT_CONDITION` on the principal and, for a grantee of
    another account, the same statement, condition included, in the key policy (CDK's ``Grant``
    would write it there without the condition).

    :param grantee: the principal to grant.
    :param key: the key the log files are encrypted with.
    """
    decrypt = iam.Grant.add_to_principal(
        grantee=grantee,
        actions=["kms:Decrypt"],
        resource_arns=[key.key_arn],
        conditions=READER_DECRYPT_CONDITION,
    )
    if _cross_account(grantee, key.env.account):
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[grantee.grant_principal],
                actions=["kms:Decrypt"],
                resources=["*"],
                conditions=READER_DECRYPT_CONDITION,
            )
        )
    return decrypt


def grant_read_prefixes(
    grantee: iam.IGrantable, *, bucket: s3.IBucket, key: kms.IKey, prefixes: Sequence[str]
) -> iam.Grant:
    """Let ``grantee`` read the log files under ``prefixes`` of ``bucket``, and nothing else.

    ``s3:GetObject`` on ``<prefix>*``, ``s3:ListBucket`` with ``s3:prefix`` limited to the
    prefixes, and ``kms:Decrypt`` of CloudTrail log files (``kms:EncryptionContext:aws:cloudtrail:arn``
    not null). A grantee of another account gets the same statements, conditions included, in the
    bucket and key policies: CDK's ``Grant.add_to_principal_or_resource`` drops the conditions on
    the resource side, which would let the reader list every account's objects.

    :param grantee: the principal to grant.
    :param bucket: the log bucket.
    :param key: the key the log files are encrypted with.
    :param prefixes: key prefixes ending in '/', e.g. ``AWSLogs/111122223333/``.
    """
    warn_cross_account_reader(grantee, bucket=bucket, key=key)
    bucket_arn = bucket.bucket_arn
    statements = [
        (["s3:GetObject"], [f"{bucket_arn}/{p}*" for p in prefixes], None),
        # s3:prefix: https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html
        (["s3:ListBucket"], [bucket_arn], {"StringLike": {"s3:prefix": [f"{p}*" for p in prefixes]}}),
    ]
    grant: iam.Grant | None = None
    for actions, resources, conditions in statements:
        part = iam.Grant.add_to_principal(
            grantee=grantee, actions=actions, resource_arns=resources, conditions=conditions
        )
        grant = part if grant is None else grant.combine(part)
        if _cross_account(grantee, bucket.env.account):
            bucket.add_to_resource_policy(
                iam.PolicyStatement(
                    principals=[grantee.grant_principal],
                    actions=actions,
                    resources=resources,
                    conditions=conditions,
                )
            )
    assert grant is not None
    return grant.combine(grant_decrypt_log_files(grantee, key))


def grant_read_account_logs(
    grantee: iam.IGrantable,
    account_id: str,
    *,
    bucket: s3.IBucket,
    key: kms.IKey,
    prefixes: Callable[[str], Sequence[str]],
    path: str,
) -> iam.Grant:
    """The per-account read grant of ``NetworkTrail`` and ``LogArchive``: check ``account_id``, then
    :func:`grant_read_prefixes` on the prefixes where that account's log files are written.

    :param grantee: the principal to grant.
    :param account_id: the 12-digit account whose log files ``grantee`` may read.
    :param bucket: the log bucket.
    :param key: the key the log files are encrypted with.
    :param prefixes: the key prefixes of an account's log files, given the account id.
    :param path: the construct path, for the message.
    """
    problems = account_id_problems("account_id", account_id)
    if problems:
        raise NetworkTrailError(problems, path=path)
    return grant_read_prefixes(grantee, bucket=bucket, key=key, prefixes=prefixes(account_id))


CROSS_ACCOUNT_READER_WARNING = "network-trail:crossAccountReader"
"""The id of the synth-time warning about a reader of another account (acknowledge it once both
preconditions hold)."""

_PRINCIPAL_MUST_EXIST = (
    'https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html ("The principals in the key '
    'policy must exist"), https://repost.aws/knowledge-center/s3-invalid-principal-in-policy-error'
)
_BOTH_POLICIES = (
    "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html, "
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html"
)


def warn_cross_account_reader(grantee: iam.IGrantable, *, bucket: s3.IBucket, key: kms.IKey) -> None:
    """Warn, on ``bucket``, that a read grant to a principal of another account has two preconditions.

    The grant writes the principal's ARN into the bucket and key policies: the principal must exist
    before this stack deploys (S3 and KMS reject a policy naming a principal that does not exist),
    and its own account must allow the same reads in its IAM policy (cross-account access needs both
    the resource policy and the identity policy). Nothing is said for a principal of this account or
    one without an account (a service principal).

    :param grantee: the principal being granted.
    :param bucket: the log bucket.
    :param key: the key the log files are encrypted with.
    """
    principal = grantee.grant_principal
    account = principal.principal_account
    if account is None:
        return
    if not (_cross_account(grantee, bucket.env.account) or _cross_account(grantee, key.env.account)):
        return
    stack = cdk.Stack.of(bucket)
    arn = stack.resolve(getattr(principal, "role_arn", None) or getattr(principal, "arn", None))
    who = arn if isinstance(arn, str) else f"a principal of account {stack.resolve(account)}"
    cdk.Annotations.of(bucket).add_warning_v2(
        CROSS_ACCOUNT_READER_WARNING,
        f"a read grant to {who} (another account) writes its ARN into this bucket's policy and the key "
        f"policy. Before deploying: (1) create that role (or user) first: a bucket or key policy naming a "
        f"principal that does not exist is rejected ({_PRINCIPAL_MUST_EXIST}); (2) give it, in its own "
        f"account, an IAM policy allowing the same s3:GetObject/s3:ListBucket on this bucket and "
        f"kms:Decrypt on this key: across accounts both the resource policy and the identity policy "
        f"must allow ({_BOTH_POLICIES}). See docs/organization.md#readers-in-other-accounts; "
        f"acknowledge this warning once both hold.",
    )


def _cross_account(grantee: iam.IGrantable, resource_account: str) -> bool:
    """Whether the grant must be written on the resource too: CDK's ``Grant`` rule.

    Same account, or both accounts unresolved tokens, is the same account; a principal
    without an account (a service principal) is not.
    """
    principal_account = grantee.grant_principal.principal_account
    if principal_account is None:
        return True
    resource_token = cdk.Token.is_unresolved(resource_account)
    principal_token = cdk.Token.is_unresolved(principal_account)
    if resource_token or principal_token:
        return not (resource_token and principal_token)
    return resource_account != principal_account
