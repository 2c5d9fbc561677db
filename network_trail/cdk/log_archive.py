"""The ``LogArchive`` construct: a central bucket and key for trails of other accounts.

Deployed once in a log-archive account. Trails in workload accounts (or an
organization trail in the management account) write to it; they import it by
name and ARN with :meth:`LogArchive.import_for_trail`, because CDK cannot
reference resources across accounts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ..errors import NetworkTrailError
from ..model._ids import account_id_problems, organization_id_problems
from ..model._policies import (
    archive_bucket_policy_statements,
    archive_key_policy_statements,
    awslogs_key_prefix,
)
from ..model._tokens import is_unresolved
from ..model.validation import alias_problems, s3_key_prefix_problems, tag_problems
from . import _compliance, _defaults, _resources
from ._log_store import LogStore, build_log_store
from ._organization import TRAIL_ARN
from ._props import keywords
from ._stack import stack_values

__all__ = ["ImportedLogArchive", "LogArchive", "LogArchiveProps"]

_KEY_ARN = re.compile(r"^arn:[a-z-]+:kms:([a-z0-9-]+):(\d{12}):key/[A-Za-z0-9-]+$")
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def _management_problems(
    organization_id: str | None, management_account_id: str | None, trail_arns: Sequence[str]
) -> list[str]:
    """``management_account_id``: a 12-digit id, with ``organization_id``, required without ``trail_arns``."""
    if management_account_id is not None:
        problems = account_id_problems("management_account_id", management_account_id)
        if organization_id is None:
            problems.append(
                f"management_account_id={management_account_id!r} only applies with organization_id: pass "
                f"organization_id='o-…' too, or remove management_account_id"
            )
        return problems
    if organization_id is not None and not trail_arns:
        return [
            f"organization_id={organization_id!r} without trail_arns needs management_account_id: organization "
            f"trails write AWSLogs/{organization_id}/… and encrypt with the management account's trail ARN as "
            f"KMS encryption context, so the key must name that account; pass management_account_id='<12 "
            f"digits>' (MasterAccountId of 'aws organizations describe-organization'), or list trail_arns"
        ]
    return []


def _writing_accounts(accounts: list[str], management_account_id: str | None) -> list[str]:
    """The accounts whose trails write: the listed ones and the management account (organization trails)."""
    if management_account_id is None or management_account_id in accounts:
        return accounts
    return [*accounts, management_account_id]


class ImportedLogArchive(NamedTuple):
    """A log archive's bucket and key, imported into a workload account's stack."""

    bucket: s3.IBucket
    """The archive bucket, for ``NetworkTrail(bucket=...)``."""
    encryption_key: kms.IKey
    """The archive key, for ``NetworkTrail(encryption_key=...)``."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LogArchiveProps:
    """The options of :class:`LogArchive`, one field per keyword argument.

    Named, typed and defaulted as the constructor's keyword arguments;
    :meth:`LogArchive.from_props` takes them as one typed value.

    :param organization_id: admit trails of this AWS Organizations organization (``o-…``):
        adds ``aws:SourceOrgID`` to the ``s3:PutObject`` statement (not to the key: no AWS page
        shows CloudTrail's KMS requests carrying ``aws:SourceOrgID``), the organization trails'
        path ``AWSLogs/<o-id>/*``, and a deny for principals outside the organization.
        Default: - no organization; ``trail_arns`` is then required
    :param management_account_id: the organization's management account, which owns every
        organization trail: its trails' ARN is the encryption context of the organization path's
        log files, so the key admits it and the bucket its own path. Required with
        ``organization_id`` when ``trail_arns`` is not given.
        Default: - none (the accounts of ``trail_arns``)
    :param source_account_ids: accounts whose trails write here, each to its own path.
        Default: - the accounts of ``trail_arns`` (and ``management_account_id``)
    :param trail_arns: ARNs of the trails allowed to write (``aws:SourceArn``). An
        organization trail's ARN names the management account.
        Default: - any trail of ``organization_id``
    :param s3_key_prefix: the prefix the trails write under, before ``AWSLogs/``.
        Default: - the bucket's root
    :param key_alias: the alias of the key. Default: 'alias/network-trail-archive'
    :param log_retention: expire log files after this long. Default: - log files are kept
    :param noncurrent_version_expiration: expire replaced or deleted versions after this long.
        Default: Duration.days(90)
    :param object_lock_retention: enable S3 Object Lock with this default retention.
        Default: - no Object Lock
    :param removal_policy: what happens to the buckets and key when they leave the stack.
        Default: RemovalPolicy.RETAIN
    :param tags: tags for every resource the construct creates. Default: - no tags
    """

    organization_id: str | None = None
    management_account_id: str | None = None
    source_account_ids: Sequence[str] = ()
    trail_arns: Sequence[str] = ()
    s3_key_prefix: str | None = None
    key_alias: str | None = None
    log_retention: cdk.Duration | None = None
    noncurrent_version_expiration: cdk.Duration | None = None
    object_lock_retention: s3.ObjectLockRetention | None = None
    removal_policy: cdk.RemovalPolicy | None = None
    tags: Mapping[str, str] | None = None


def _check(props: LogArchiveProps) -> list[str]:
    """Every problem of the props; empty when none.

    A string where a list is expected is reported alone: its characters would read as values.
    """
    problems: list[str] = []
    if props.organization_id is not None:
        problems += organization_id_problems("organization_id", props.organization_id)
    for parameter, value in (
        ("source_account_ids", props.source_account_ids),
        ("trail_arns", props.trail_arns),
    ):
        if isinstance(value, str):
            problems.append(
                f"{parameter} must be a sequence of strings, got {value!r}: wrap it, e.g. [value]"
            )
    if problems:
        return problems
    problems += _writer_accounts(props)[1]
    problems += _management_problems(props.organization_id, props.management_account_id, props.trail_arns)
    if not props.trail_arns and props.organization_id is None:
        problems.append(
            "LogArchive needs trail_arns or organization_id: the bucket and key policies must name "
            "which trails may write; pass trail_arns=['arn:aws:cloudtrail:…:trail/…'] or "
            "organization_id='o-…'"
        )
    has_token_arn = any(isinstance(arn, str) and is_unresolved(arn) for arn in props.trail_arns)
    if has_token_arn and not props.source_account_ids and props.organization_id is None:
        problems.append(
            "trail_arns holds values only known at deploy time, so their accounts are unknown: "
            "list the accounts in source_account_ids"
        )
    if props.key_alias is not None:
        problems += alias_problems(props.key_alias)
    if props.s3_key_prefix is not None:
        problems += s3_key_prefix_problems(props.s3_key_prefix)
    if props.tags is not None:
        problems += tag_problems(props.tags)
    return problems


def _writer_accounts(props: LogArchiveProps) -> tuple[list[str], list[str]]:
    """The accounts that write (``source_account_ids``, those of ``trail_arns``, then
    ``management_account_id``), and the problems of the first two."""
    problems: list[str] = []
    accounts: list[str] = []
    for i, account in enumerate(props.source_account_ids):
        problems += account_id_problems(f"source_account_ids[{i}]", account)
        if account in accounts:
            problems.append(f"source_account_ids[{i}] {account!r} is listed twice: remove the duplicate")
        else:
            accounts.append(account)
    arns = list(props.trail_arns)
    for i, arn in enumerate(arns):
        if isinstance(arn, str) and is_unresolved(arn):
            continue
        match = TRAIL_ARN.match(arn) if isinstance(arn, str) else None
        if match is None:
            problems.append(
                f"trail_arns[{i}] must be a trail ARN like "
                f"'arn:aws:cloudtrail:<region>:<account>:trail/<name>', got {arn!r}"
            )
        elif arns.count(arn) > 1 and arns.index(arn) != i:
            problems.append(f"trail_arns[{i}] {arn!r} is listed twice: remove the duplicate")
        elif match.group(2) not in accounts:
            accounts.append(match.group(2))
    return _writing_accounts(accounts, props.management_account_id), problems


class LogArchive(Construct):
    """A central, secure log bucket and KMS key that trails of other accounts write to.

    Creates the same hardened resources as :class:`~network_trail.NetworkTrail` (SSE-KMS
    bucket with Bucket Key, versioning, TLS-only access, server access logging, S3 object
    events to EventBridge, a key with rotation and an alias), acknowledges the same rule
    findings on them (docs/security.md), and writes the cross-account bucket and key policies of the
    CloudTrail User Guide: ``s3:GetBucketAcl`` and ``s3:PutObject`` on each source
    account's ``[prefix/]AWSLogs/<account>/*`` path, and ``kms:GenerateDataKey*`` bound to
    those accounts' trail encryption context, all conditioned on ``aws:SourceArn`` (the
    listed trails) or, without ``trail_arns``, on ``aws:SourceAccount`` (the writing accounts),
    and, when ``organization_id`` is given, the writes (``s3:PutObject``) on
    ``aws:SourceOrgID`` as well. The writing accounts are ``source_account_ids``, the accounts of
    ``trail_arns`` and ``management_account_id``: the key's encryption context names exactly
    their trails, never any account's.

    The keyword arguments are the options of :class:`LogArchiveProps`, documented there.

    :param scope: the parent construct.
    :param construct_id: the construct id; keep it stable, it names the resources.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        /,
        *,
        organization_id: str | None = None,
        management_account_id: str | None = None,
        source_account_ids: Sequence[str] = (),
        trail_arns: Sequence[str] = (),
        s3_key_prefix: str | None = None,
        key_alias: str | None = None,
        log_retention: cdk.Duration | None = None,
        noncurrent_version_expiration: cdk.Duration | None = None,
        object_lock_retention: s3.ObjectLockRetention | None = None,
        removal_policy: cdk.RemovalPolicy | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        props = LogArchiveProps(
            organization_id=organization_id,
            management_account_id=management_account_id,
            source_account_ids=source_account_ids,
            trail_arns=trail_arns,
            s3_key_prefix=s3_key_prefix,
            key_alias=key_alias,
            log_retention=log_retention,
            noncurrent_version_expiration=noncurrent_version_expiration,
            object_lock_retention=object_lock_retention,
            removal_policy=removal_policy,
            tags=tags,
        )
        super().__init__(scope, construct_id)
        problems = _check(props)
        if problems:
            raise NetworkTrailError(problems, path=self.node.path)
        store = self._log_store(cdk.Stack.of(self), props)
        _resources.tag_all(self, props.tags)
        self._harden_and_acknowledge(store, props)
        assert isinstance(store.key, kms.Key) and store.alias is not None
        assert store.created_bucket is not None and store.created_access_logs_bucket is not None
        self._organization_id = props.organization_id
        self._s3_key_prefix = props.s3_key_prefix
        self._key = store.key
        self._alias = store.alias
        self._bucket = store.created_bucket
        self._access_logs_bucket = store.created_access_logs_bucket

    # --- steps -----------------------------------------------------------------------------------
    def _log_store(self, stack: cdk.Stack, props: LogArchiveProps) -> LogStore:
        """The key and its alias, the archive bucket, its access-log bucket and their policies."""
        accounts = _writer_accounts(props)[0]
        arns = list(dict.fromkeys(props.trail_arns))
        organization_id = props.organization_id
        partition, _, account = stack_values(stack)
        return build_log_store(
            self,
            partition=partition,
            account=account,
            # create_key adds the kms:CreateGrant deny, as on NetworkTrail's key (CT.KMS.PR.3).
            key_statements=archive_key_policy_statements(
                partition=partition,
                account_ids=accounts,
                trail_arns=arns,
                organization_id=organization_id,
            ),
            alias_name=props.key_alias or "alias/network-trail-archive",
            bucket_statements=lambda bucket_arn: archive_bucket_policy_statements(
                bucket_arn,
                account_ids=accounts,
                trail_arns=arns,
                organization_id=organization_id,
                s3_key_prefix=props.s3_key_prefix,
            ),
            removal_policy=props.removal_policy
            if props.removal_policy is not None
            else _defaults.DEFAULT_REMOVAL_POLICY,
            organization_id=organization_id,
            log_retention=props.log_retention,
            noncurrent_version_expiration=props.noncurrent_version_expiration,
            object_lock_retention=props.object_lock_retention,
        )

    @staticmethod
    def _harden_and_acknowledge(store: LogStore, props: LogArchiveProps) -> None:
        """Hardened and acknowledged as NetworkTrail's created buckets, with the same reasons
        (docs/security.md): EventBridge notifications on the archive bucket, and each remaining
        finding acknowledged on the one bucket it concerns."""
        assert store.created_bucket is not None and store.created_access_logs_bucket is not None
        assert store.cfn_bucket is not None and store.cfn_access_logs_bucket is not None
        _compliance.harden_and_acknowledge_archive(
            bucket=store.created_bucket,
            cfn_bucket=store.cfn_bucket,
            access_logs_bucket=store.created_access_logs_bucket,
            cfn_access_logs_bucket=store.cfn_access_logs_bucket,
            object_lock=props.object_lock_retention is not None,
        )

    # --- public API ------------------------------------------------------------------------------
    @classmethod
    def from_props(cls, scope: Construct, construct_id: str, /, props: LogArchiveProps) -> LogArchive:
        """An archive configured by one props object: the same as passing each field as a keyword argument.

        :param scope: the parent construct.
        :param construct_id: the construct id.
        :param props: the options.
        """
        return cls(scope, construct_id, **keywords(props))

    @property
    def bucket(self) -> s3.Bucket:
        """The archive bucket."""
        return self._bucket

    @property
    def bucket_name(self) -> str:
        """The archive bucket's name (a token until deploy: pass it to workload stacks as a literal)."""
        return self._bucket.bucket_name

    @property
    def key(self) -> kms.Key:
        """The KMS key the log files are encrypted with."""
        return self._key

    @property
    def alias(self) -> kms.IAlias:
        """The key's alias."""
        return self._alias

    @property
    def access_logs_bucket(self) -> s3.Bucket:
        """The bucket receiving the archive bucket's server access logs."""
        return self._access_logs_bucket

    def grant_read(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` read every log file.

        The S3 read ``Bucket.grant_read`` writes (``s3:GetObject*``, ``s3:GetBucket*``,
        ``s3:List*`` on the bucket and its objects) and ``kms:Decrypt`` of CloudTrail log files on
        the key (``kms:EncryptionContext:aws:cloudtrail:arn`` not null); for a grantee of another
        account, the same statements, the decrypt condition included, in the bucket and key policies.

        :param grantee: the principal to grant.
        """
        return _resources.grant_read_log_files(grantee, bucket=self._bucket, key=self._key)

    def grant_read_account_logs(self, grantee: iam.IGrantable, account_id: str) -> iam.Grant:
        """Let ``grantee`` read only one account's log files.

        ``s3:GetObject`` on ``[prefix/]AWSLogs/<account>/*`` (and, with an organization,
        ``[prefix/]AWSLogs/<o-id>/<account>/*``, where organization trails write),
        ``s3:ListBucket`` limited to those prefixes, and ``kms:Decrypt`` of CloudTrail log files
        on the key; for a grantee of another account, the same statements, conditions included,
        in the bucket and key policies.

        :param grantee: the principal to grant, e.g. a role in that account.
        :param account_id: the 12-digit account whose log files ``grantee`` may read.
        """
        return _resources.grant_read_account_logs(
            grantee,
            account_id,
            bucket=self._bucket,
            key=self._key,
            prefixes=self._account_log_prefixes,
            path=self.node.path,
        )

    def _account_log_prefixes(self, account_id: str) -> list[str]:
        """Where one account's log files are: its own path and, with an organization, the organization's."""
        base = awslogs_key_prefix(self._s3_key_prefix)
        prefixes = [f"{base}/{account_id}/"]
        if self._organization_id is not None:
            prefixes.append(f"{base}/{self._organization_id}/{account_id}/")
        return prefixes

    @staticmethod
    def import_for_trail(
        scope: Construct, construct_id: str, /, *, bucket_name: str, key_arn: str
    ) -> ImportedLogArchive:
        """Import an archive's bucket and key into a workload account's stack, for a trail.

        The bucket is imported in the key's account and Region (from ``key_arn``), so the
        trail's stack knows both live elsewhere. :class:`~network_trail.NetworkTrail` then
        writes no policy on them and warns (``network-trail:bucketPolicyNotAdded``,
        ``network-trail:keyPolicyNotAdded``) with the statements the archive must allow,
        which a :class:`LogArchive` listing the trail's ARN (or organization) already has. A
        trail with ``send_to_cloud_watch_logs=True`` encrypts its log group with a key of its
        own account (``LogsKey``), since CloudWatch Logs needs a statement on the key.

        :param scope: the parent construct, in the trail's stack.
        :param construct_id: the id of the construct holding the two imports.
        :param bucket_name: the archive bucket's name, a literal (e.g. from configuration).
        :param key_arn: the archive key's ARN (not an alias ARN).
        """
        problems: list[str] = []
        account: str | None = None
        region: str | None = None
        if not isinstance(key_arn, str):
            problems.append(f"key_arn must be a KMS key ARN string, got {key_arn!r}")
        elif not cdk.Token.is_unresolved(key_arn):
            match = _KEY_ARN.match(key_arn)
            if match is None:
                problems.append(
                    f"key_arn must be a KMS key ARN like 'arn:aws:kms:<region>:<account>:key/<id>', got "
                    f"{key_arn!r}: CloudTrail needs the key itself, not an alias"
                )
            else:
                region, account = match.group(1), match.group(2)
        if not isinstance(bucket_name, str):
            problems.append(f"bucket_name must be a string, got {bucket_name!r}")
        elif not cdk.Token.is_unresolved(bucket_name) and not _BUCKET_NAME.match(bucket_name):
            problems.append(
                f"bucket_name must be an S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-'), "
                f"got {bucket_name!r}"
            )
        if problems:
            raise NetworkTrailError(problems, path=f"{scope.node.path}/{construct_id}")
        holder = Construct(scope, construct_id)
        key = kms.Key.from_key_arn(holder, "Key", key_arn)
        attributes: dict[str, Any] = {"bucket_name": bucket_name, "encryption_key": key}
        if account is not None and region is not None:
            attributes |= {"account": account, "region": region}
        bucket = s3.Bucket.from_bucket_attributes(holder, "Bucket", **attributes)
        return ImportedLogArchive(bucket=bucket, encryption_key=key)
