"""The ``NetworkTrail`` construct: a trail for network activity events and its bundle.

Creates (or takes) the S3 log bucket, its access-log bucket, the KMS key and
alias, writes the bucket and key policies CloudTrail checks at create time, and
a ``AWS::CloudTrail::Trail`` with advanced event selectors only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import aws_cdk as cdk
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

if TYPE_CHECKING:  # aws_logs is imported when CloudWatch Logs delivery is on: ~0.1 s less otherwise
    from aws_cdk import aws_logs as logs

from ..errors import NetworkTrailError
from ..model._ids import organization_id_problems, partition_of
from ..model._policies import (
    TrailArnParts,
    as_policy_json,
    bucket_policy_statements,
    key_policy_statements,
    logs_key_statement,
    pasteable,
)
from ..model.presets import ga_access_denied
from ..model.selectors import (
    DataEventSelector,
    ManagementEvents,
    ManagementEventsSelector,
    NetworkActivitySelector,
    Selector,
    TrailSelector,
    render_selectors,
)
from ..model.validation import (
    alias_problems,
    data_event_selectors_of,
    s3_key_prefix_problems,
    selector_set_problems,
    selector_warnings,
    tag_problems,
    trail_name_problems,
)
from . import _compliance, _defaults, _resources
from ._log_store import LogStore, build_log_store
from ._organization import foreign_resource_problems, organization_trail_problems
from ._props import keywords
from ._stack import stack_of, stack_values

__all__ = ["ManagementEvents", "NetworkTrail", "NetworkTrailProps"]

_REJECTION = {
    "bucket": "InsufficientS3BucketPolicyException",
    "key": "InsufficientEncryptionPolicyException",
    "access-logs bucket": "server access logs are not delivered",
}
_WARNING_IDS = {
    "bucket": "bucketPolicyNotAdded",
    "key": "keyPolicyNotAdded",
    "access-logs bucket": "accessLogsPolicyNotAdded",
}


def _other_account(resource: kms.IKey, account: str) -> bool:
    """Whether ``resource`` is known to live in another account than ``account``."""
    owner = resource.env.account
    known = not cdk.Token.is_unresolved(owner) and not cdk.Token.is_unresolved(account)
    return known and owner != account


def _pseudo_values(stack: cdk.Stack) -> dict[str, str]:
    """The stack's partition, Region and account as literals, or ``<placeholders>`` when unknown.

    The partition follows from a Region aws-cdk-lib knows (``RegionInfo``, as
    :func:`~network_trail.model._ids.partition_of` gives it) even without the
    ``@aws-cdk/core:enablePartitionLiterals`` feature flag.
    """
    region, account = stack.region, stack.account
    known_region = not cdk.Token.is_unresolved(region)
    partition = partition_of(region) if known_region else None
    return {
        "partition": partition or "<partition>",
        "region": region if known_region else "<region>",
        "account": account if not cdk.Token.is_unresolved(account) else "<account>",
    }


_SINGLE_SELECTOR = (str, NetworkActivitySelector, ManagementEventsSelector)


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkTrailProps:
    """The options of :class:`NetworkTrail`, one field per keyword argument.

    Named, typed and defaulted as the constructor's keyword arguments (a test checks it);
    :meth:`NetworkTrail.from_props` takes them as one typed value (the sample app's ``cdk.json``
    configuration produces one), and ``docs/api.md``'s option table is generated from here.

    :param selectors: the advanced event selectors. Default: - access denied only for the
        five GA sources (``presets.ga_access_denied()``)
    :param management_events: management events to log as well. A second copy of management
        events is billed at $2.00 per 100,000 when another trail already logs them.
        Default: ManagementEvents.NONE
    :param trail_name: the trail's name; it is part of the ARN the policies are conditioned on.
        Default: - a name unique to the construct path, stable across deploys
    :param bucket: the S3 bucket for the log files. Default: - a bucket is created with SSE-KMS,
        S3 Bucket Key, versioning, TLS-only access, all public access blocked, BucketOwnerEnforced,
        server access logging and a lifecycle policy
    :param encryption_key: the KMS key the logs are encrypted with. Default: - a symmetric key with
        rotation is created
    :param key_alias: the alias of the created key. Default: - ``alias/<trail name>``
    :param s3_key_prefix: the prefix CloudTrail writes under, before ``AWSLogs/``.
        Default: - the bucket's root
    :param is_multi_region_trail: log events of every Region. Default: true
    :param include_global_service_events: log events of global services; required by multi-Region
        trails. Default: true
    :param enable_file_validation: write digest files to prove logs were not changed. Default: true
    :param log_retention: expire log files after this long. Default: - log files are kept
    :param noncurrent_version_expiration: expire replaced or deleted versions of log files after this
        long. Default: Duration.days(90)
    :param server_access_logs_bucket: the bucket for the log bucket's server access logs.
        Default: - a locked-down access-log bucket is created
    :param removal_policy: what happens to the created buckets and key when they leave the stack.
        Default: RemovalPolicy.RETAIN
    :param send_to_cloud_watch_logs: also deliver events to a KMS-encrypted CloudWatch Logs log group,
        which metric filters and alarms need (Security Hub CloudTrail.5). Default: false
    :param cloud_watch_logs_retention: retention of that log group. Default: RetentionDays.ONE_YEAR
    :param object_lock_retention: enable S3 Object Lock on the created bucket with this default
        retention, so log files cannot be deleted or overwritten within it. Default: - no Object Lock
    :param organization_id: the AWS Organizations id (``o-…``); the created bucket then denies every
        principal outside the organization (AWS services writing logs excepted).
        Default: - no organization condition
    :param is_organization_trail: log every account of the organization (create in the management
        or delegated administrator account). Requires ``organization_id``. Default: false
    :param management_account_id: the organization's management account. An organization trail is
        owned by it even when a delegated administrator creates it, so its ARN, the policies'
        ``aws:SourceArn`` and the management account's own log path use this id. When the stack's
        account is known and differs, ``delegated_administrator=True`` is required.
        Default: - the stack's account
    :param delegated_administrator: the stack deploys to a CloudTrail delegated administrator account
        of the organization rather than its management account; needs ``management_account_id``.
        Default: false
    :param tags: tags for every resource the construct creates. Default: - no tags
    :param data_event_selectors: additional data event selectors (the escape hatch for one trail
        logging data events too), as :class:`DataEventSelector` or selector JSON; checked with the
        rules of trails, counted in the 500-value quota and rendered after ``selectors``. Data events
        cost $0.10 per 100,000. Default: - no data events
    """

    selectors: Sequence[Selector] | None = None
    management_events: ManagementEvents = ManagementEvents.NONE
    trail_name: str | None = None
    bucket: s3.IBucket | None = None
    encryption_key: kms.IKey | None = None
    key_alias: str | None = None
    s3_key_prefix: str | None = None
    is_multi_region_trail: bool = True
    include_global_service_events: bool = True
    enable_file_validation: bool = True
    log_retention: cdk.Duration | None = None
    noncurrent_version_expiration: cdk.Duration | None = None
    server_access_logs_bucket: s3.IBucket | None = None
    removal_policy: cdk.RemovalPolicy | None = None
    send_to_cloud_watch_logs: bool = False
    cloud_watch_logs_retention: logs.RetentionDays | None = None
    object_lock_retention: s3.ObjectLockRetention | None = None
    organization_id: str | None = None
    is_organization_trail: bool = False
    management_account_id: str | None = None
    delegated_administrator: bool = False
    tags: Mapping[str, str] | None = None
    data_event_selectors: Sequence[DataEventSelector | Mapping[str, Any]] | None = None


def _removal_policy(props: NetworkTrailProps) -> cdk.RemovalPolicy:
    """``removal_policy``, or the default for the resources the construct creates."""
    return props.removal_policy if props.removal_policy is not None else _defaults.DEFAULT_REMOVAL_POLICY


class _Selection(NamedTuple):
    """The trail's selectors, the management events selector first, and what is wrong with them."""

    selectors: list[TrailSelector]
    problems: list[str]
    """Problems of the choice: the selectors' and management events' types, data event selectors."""
    set_errors: list[str]
    """Problems of the set as a whole (duplicates, the 500-value quota), reported after the others."""
    warnings: list[str]


class _LogsDelivery(NamedTuple):
    """What CloudWatch Logs delivery created."""

    log_group: logs.LogGroup
    role: iam.Role
    policy: iam.ManagedPolicy
    stream_arns: list[str]


def _arn_parts(
    props: NetworkTrailProps, name: str, *, partition: str, region: str, account: str
) -> TrailArnParts:
    """What the trail's ARN and log paths are made of, for the policies and the grants."""
    return TrailArnParts(
        partition=partition,
        region=region,
        # An organization trail belongs to the management account, whoever creates it.
        account=props.management_account_id if props.management_account_id is not None else account,
        trail_name=name,
        s3_key_prefix=props.s3_key_prefix,
        organization_id=props.organization_id if props.is_organization_trail else None,
    )


def _naming_problems(name: str, key_alias: str | None, s3_key_prefix: str | None) -> list[str]:
    """Problems of the trail's name, the key alias and the S3 key prefix."""
    problems = trail_name_problems(name)
    if key_alias is not None:
        problems += alias_problems(key_alias)
    if s3_key_prefix is not None:
        problems += s3_key_prefix_problems(s3_key_prefix)
    return problems


def _choose_selectors(
    selectors: Sequence[Selector] | None, management_events: ManagementEvents
) -> tuple[list[Selector], list[str]]:
    """The trail's selectors, the management events selector first, and the problems of the choice."""
    problems: list[str] = []
    try:
        management = ManagementEvents(management_events)
    except ValueError:
        management = ManagementEvents.NONE
        problems.append(
            f"management_events must be one of {[m.value for m in ManagementEvents]}, got "
            f"{management_events!r}: pass a ManagementEvents member, e.g. ManagementEvents.NONE"
        )
    chosen: list[Selector] = []
    if isinstance(selectors, _SINGLE_SELECTOR):
        problems.append(
            f"selectors must be a sequence of selectors, got {selectors!r}: wrap it, e.g. [selector]"
        )
    else:
        chosen = list(ga_access_denied() if selectors is None else selectors)
    management_selector = management.selector()
    if management_selector is not None:
        if any(isinstance(s, ManagementEventsSelector) for s in chosen):
            problems.append(
                f"management_events={management.value!r} and a ManagementEventsSelector in "
                f"selectors both ask for management events: use only one of the two"
            )
        else:
            chosen.insert(0, management_selector)
    return chosen, problems


def _select(props: NetworkTrailProps) -> _Selection:
    """The selectors the trail gets, with the problems of the choice and of the set, and its warnings."""
    typed, problems = _choose_selectors(props.selectors, props.management_events)
    data, data_problems = data_event_selectors_of(props.data_event_selectors)
    chosen: list[TrailSelector] = [*typed, *data]
    errors, warnings = selector_set_problems(chosen)
    # A single selector passed as selectors: "selectors must be a sequence" already says what is wrong.
    set_errors = [] if isinstance(props.selectors, _SINGLE_SELECTOR) else errors
    return _Selection(chosen, problems + data_problems, set_errors, warnings)


def _log_group_arn(parts: TrailArnParts, name: str, account: str) -> str:
    """The ARN of the CloudWatch Logs log group of the trail named ``name``, built once."""
    return f"arn:{parts.partition}:logs:{parts.region}:{account}:log-group:{_defaults.log_group_name(name)}"


def _logs_key_plan(
    props: NetworkTrailProps, parts: TrailArnParts, account: str, log_group_arn: str
) -> tuple[str | None, list[dict[str, Any]]]:
    """Where the CloudWatch Logs key statement goes: the log group's ARN for the trail key's
    policy, or the statement for a key of its own (``LogsKey``).

    A key of another account (an imported LogArchive) cannot get the CloudWatch Logs statement
    from this app: the log group, in this account, is encrypted with a key of its own instead.
    """
    if props.encryption_key is not None and _other_account(props.encryption_key, account):
        return None, [logs_key_statement(parts.region, log_group_arn)]
    return log_group_arn, []


def _trail_option_problems(stack_account: str, props: NetworkTrailProps) -> list[str]:
    """Problems of the trail's Region and organization options."""
    problems: list[str] = []
    organization_id = props.organization_id
    if props.is_multi_region_trail and not props.include_global_service_events:
        problems.append(
            "is_multi_region_trail=True needs include_global_service_events=True (CloudTrail "
            "rejects the combination with InvalidParameterCombination): set "
            "include_global_service_events=True, or is_multi_region_trail=False"
        )
    if organization_id is not None:
        problems += organization_id_problems("organization_id", organization_id)
    if props.is_organization_trail and organization_id is None:
        problems.append(
            "is_organization_trail=True needs organization_id: an organization trail writes under "
            "AWSLogs/<o-id>/, which the bucket policy must allow; pass organization_id='o-…'"
        )
    problems += organization_trail_problems(
        stack_account=stack_account,
        is_organization_trail=props.is_organization_trail,
        management_account_id=props.management_account_id,
        delegated_administrator=props.delegated_administrator,
    )
    return problems


def _provided_resource_problems(props: NetworkTrailProps) -> list[str]:
    """Knobs that only act on a created resource, passed with the provided one."""
    bucket, encryption_key, removal_policy = props.bucket, props.encryption_key, props.removal_policy
    knobs = (
        (bucket, "log_retention", props.log_retention),
        (bucket, "noncurrent_version_expiration", props.noncurrent_version_expiration),
        (bucket, "server_access_logs_bucket", props.server_access_logs_bucket),
        (bucket, "object_lock_retention", props.object_lock_retention),
        (encryption_key, "key_alias", props.key_alias),
    )
    problems: list[str] = []
    for given, knob, value in knobs:
        if given is not None and value is not None:
            owner = "bucket" if given is bucket else "encryption_key"
            problems.append(
                f"provide either {owner} or {knob}, not both: {knob} only applies to a "
                f"{'bucket' if owner == 'bucket' else 'key'} this construct creates, got {knob}={value!r}"
            )
    if removal_policy is not None and bucket is not None and encryption_key is not None:
        problems.append(
            f"removal_policy={removal_policy!r} has nothing to act on: bucket and encryption_key "
            f"are both provided and removal_policy only applies to resources this construct "
            f"creates; remove removal_policy"
        )
    return problems


class NetworkTrail(Construct):
    """A CloudTrail trail that logs network activity events for VPC endpoints.

    The minimal call, ``NetworkTrail(stack, "NetworkTrail")``, creates a
    multi-Region trail logging calls denied by VPC endpoint policies for the five
    GA sources (CloudTrail, EC2, KMS, S3, Secrets Manager), a KMS key with
    rotation and an alias, an SSE-KMS log bucket with versioning, TLS-only access
    and server access logging, and the policies CloudTrail checks at create time.

    The keyword arguments are the options of :class:`NetworkTrailProps`, documented there.

    :param scope: the parent construct.
    :param construct_id: the construct id; keep it stable, it names the resources.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        /,
        *,
        selectors: Sequence[Selector] | None = None,
        management_events: ManagementEvents = ManagementEvents.NONE,
        trail_name: str | None = None,
        bucket: s3.IBucket | None = None,
        encryption_key: kms.IKey | None = None,
        key_alias: str | None = None,
        s3_key_prefix: str | None = None,
        is_multi_region_trail: bool = True,
        include_global_service_events: bool = True,
        enable_file_validation: bool = True,
        log_retention: cdk.Duration | None = None,
        noncurrent_version_expiration: cdk.Duration | None = None,
        server_access_logs_bucket: s3.IBucket | None = None,
        removal_policy: cdk.RemovalPolicy | None = None,
        send_to_cloud_watch_logs: bool = False,
        cloud_watch_logs_retention: logs.RetentionDays | None = None,
        object_lock_retention: s3.ObjectLockRetention | None = None,
        organization_id: str | None = None,
        is_organization_trail: bool = False,
        management_account_id: str | None = None,
        delegated_administrator: bool = False,
        tags: Mapping[str, str] | None = None,
        data_event_selectors: Sequence[DataEventSelector | Mapping[str, Any]] | None = None,
    ) -> None:
        props = NetworkTrailProps(
            selectors=selectors,
            management_events=management_events,
            trail_name=trail_name,
            bucket=bucket,
            encryption_key=encryption_key,
            key_alias=key_alias,
            s3_key_prefix=s3_key_prefix,
            is_multi_region_trail=is_multi_region_trail,
            include_global_service_events=include_global_service_events,
            enable_file_validation=enable_file_validation,
            log_retention=log_retention,
            noncurrent_version_expiration=noncurrent_version_expiration,
            server_access_logs_bucket=server_access_logs_bucket,
            removal_policy=removal_policy,
            send_to_cloud_watch_logs=send_to_cloud_watch_logs,
            cloud_watch_logs_retention=cloud_watch_logs_retention,
            object_lock_retention=object_lock_retention,
            organization_id=organization_id,
            is_organization_trail=is_organization_trail,
            management_account_id=management_account_id,
            delegated_administrator=delegated_administrator,
            tags=tags,
            data_event_selectors=data_event_selectors,
        )
        super().__init__(scope, construct_id)
        self._build(props, stack_of(scope, self))

    # --- steps -----------------------------------------------------------------------------------
    def _build(self, props: NetworkTrailProps, stack: cdk.Stack) -> None:
        """Check, then build: values flow from step to step, ``self`` is assigned at the end."""
        partition, region, account = stack_values(stack)
        name = self._name(props.trail_name)
        selection = _select(props)
        problems = self._check(stack, account, name, props, selection)
        if problems:
            raise NetworkTrailError(problems, path=self.node.path)
        parts = _arn_parts(props, name, partition=partition, region=region, account=account)
        self._warn_about(selection.warnings, selection.selectors)
        log_group_arn = _log_group_arn(parts, name, account) if props.send_to_cloud_watch_logs else None
        key_log_group_arn, logs_key_statements = (
            _logs_key_plan(props, parts, account, log_group_arn) if log_group_arn else (None, [])
        )
        store = self._log_store(props, parts, name, account, key_log_group_arn)
        logs_delivery = (
            self._cloud_watch_logs(props, parts, name, account, store.key, logs_key_statements, log_group_arn)
            if log_group_arn
            else None
        )
        cfn_trail = self._create_trail(props, parts, name, store, logs_delivery, selection.selectors)
        _resources.tag_all(self, props.tags)
        self._harden_and_acknowledge(props, stack, store, logs_delivery, cfn_trail)
        self._selectors: list[TrailSelector] = selection.selectors
        self._trail_name = name
        self._organization_id = props.organization_id
        self._parts = parts
        self._key: kms.IKey = store.key
        self._alias: kms.IAlias | None = store.alias
        self._bucket: s3.IBucket = store.bucket
        self._access_logs_bucket: s3.IBucket | None = store.access_logs_bucket
        self._log_group: logs.ILogGroup | None = logs_delivery.log_group if logs_delivery else None
        self._cfn_trail = cfn_trail

    def _name(self, trail_name: str | None) -> str:
        """``trail_name``, or a name unique to the construct path, stable across deploys."""
        if trail_name is not None:
            return trail_name
        return cdk.Names.unique_resource_name(self, max_length=128, separator="-")

    def _check(
        self, stack: cdk.Stack, account: str, name: str, props: NetworkTrailProps, selection: _Selection
    ) -> list[str]:
        """Every problem of the props and of the selectors chosen; empty when none."""
        problems = _naming_problems(name, props.key_alias, props.s3_key_prefix)
        problems += selection.problems
        problems += _trail_option_problems(account, props)
        problems += foreign_resource_problems(stack, bucket=props.bucket, encryption_key=props.encryption_key)
        problems += _provided_resource_problems(props)
        if props.cloud_watch_logs_retention is not None and not props.send_to_cloud_watch_logs:
            problems.append(
                f"cloud_watch_logs_retention={props.cloud_watch_logs_retention!r} needs "
                f"send_to_cloud_watch_logs=True: set it, or remove cloud_watch_logs_retention"
            )
        if props.tags is not None:
            problems += tag_problems(props.tags)
        return problems + selection.set_errors

    def _log_store(
        self,
        props: NetworkTrailProps,
        parts: TrailArnParts,
        name: str,
        account: str,
        log_group_arn: str | None,
    ) -> LogStore:
        """The key and its alias, the log bucket, its access-log bucket and their policies."""
        # The created resources are handed to _compliance, never looked up again by id: every
        # lookup, like every property read, is a round-trip to the jsii kernel.
        return build_log_store(
            self,
            partition=parts.partition,
            account=account,
            key_statements=key_policy_statements(parts, log_group_arn=log_group_arn),
            alias_name=props.key_alias or _defaults.default_alias(name),
            bucket_statements=lambda bucket_arn: bucket_policy_statements(parts, bucket_arn),
            removal_policy=_removal_policy(props),
            organization_id=props.organization_id,
            encryption_key=props.encryption_key,
            bucket=props.bucket,
            server_access_logs_bucket=props.server_access_logs_bucket,
            log_retention=props.log_retention,
            noncurrent_version_expiration=props.noncurrent_version_expiration,
            object_lock_retention=props.object_lock_retention,
            add_to_provided=self._add_or_warn,
        )

    def _cloud_watch_logs(
        self,
        props: NetworkTrailProps,
        parts: TrailArnParts,
        name: str,
        account: str,
        trail_key: kms.IKey,
        logs_key_statements: list[dict[str, Any]],
        log_group_arn: str,
    ) -> _LogsDelivery:
        """The log group (with ``LogsKey`` when the trail's key cannot serve it), role and policy."""
        policy = _removal_policy(props)
        logs_key = trail_key
        if logs_key_statements:
            logs_key = _resources.create_key(
                self,
                "LogsKey",
                partition=parts.partition,
                account=account,
                statements=logs_key_statements,
                description="Encrypts the CloudWatch Logs copy of network activity events (network_trail)",
                removal_policy=policy,
            )
        return self._create_cloud_watch_logs(
            parts, name, props.cloud_watch_logs_retention, policy, log_group_arn, logs_key
        )

    def _create_trail(
        self,
        props: NetworkTrailProps,
        parts: TrailArnParts,
        name: str,
        store: LogStore,
        logs_delivery: _LogsDelivery | None,
        selectors: Sequence[TrailSelector],
    ) -> cloudtrail.CfnTrail:
        """The ``AWS::CloudTrail::Trail``, created after the policies CloudTrail checks."""
        logs_role = logs_delivery.role if logs_delivery else None
        cfn_trail = cloudtrail.CfnTrail(
            self,
            "Trail",
            is_logging=True,
            trail_name=name,
            s3_bucket_name=store.bucket.bucket_name,
            s3_key_prefix=props.s3_key_prefix,
            kms_key_id=store.key.key_arn,
            is_multi_region_trail=props.is_multi_region_trail,
            include_global_service_events=props.include_global_service_events,
            enable_log_file_validation=props.enable_file_validation,
            is_organization_trail=True if props.is_organization_trail else None,
            cloud_watch_logs_log_group_arn=logs_delivery.log_group.log_group_arn if logs_delivery else None,
            cloud_watch_logs_role_arn=logs_role.role_arn if logs_role else None,
        )
        # Plain JSON through an override: one jsii call instead of one struct per field.
        cfn_trail.add_property_override("AdvancedEventSelectors", render_selectors(selectors))
        if props.is_organization_trail:
            # For `network-trail preflight`: the account owning the trail (the management account,
            # whoever creates it) and the organization whose path it writes; neither is a trail property.
            cfn_trail.add_metadata(
                "network-trail", {"owner": parts.account, "organizationId": props.organization_id}
            )
        # CloudTrail checks the bucket policy (and the Logs role) when the trail is created.
        for dependency in (store.bucket_policy, logs_delivery.policy if logs_delivery else None):
            if dependency is not None:
                _compliance.node_of(cfn_trail).add_dependency(dependency)
        return cfn_trail

    def _harden_and_acknowledge(
        self,
        props: NetworkTrailProps,
        stack: cdk.Stack,
        store: LogStore,
        logs_delivery: _LogsDelivery | None,
        cfn_trail: cloudtrail.CfnTrail,
    ) -> None:
        """Fixes by construction and acknowledged rule findings, each with its reason (docs/security.md)."""
        _compliance.harden_and_acknowledge(
            self,
            cfn_trail=cfn_trail,
            cloud_watch_logs=logs_delivery is not None,
            bucket=store.created_bucket,
            cfn_bucket=store.cfn_bucket,
            access_logs_bucket=store.created_access_logs_bucket,
            cfn_access_logs_bucket=store.cfn_access_logs_bucket,
            logs_policy=logs_delivery.policy if logs_delivery else None,
            stream_arns=logs_delivery.stream_arns if logs_delivery else (),
            stack=stack,
            log_retention=props.log_retention,
            object_lock_retention=props.object_lock_retention,
        )

    # --- helpers ---------------------------------------------------------------------------------
    def _create_cloud_watch_logs(
        self,
        parts: TrailArnParts,
        name: str,
        retention: logs.RetentionDays | None,
        policy: cdk.RemovalPolicy,
        group_arn: str,
        key: kms.IKey,
    ) -> _LogsDelivery:
        from aws_cdk import aws_logs as logs

        log_group = logs.LogGroup(
            self,
            "LogGroup",
            log_group_name=_defaults.log_group_name(name),
            retention=retention or logs.RetentionDays.ONE_YEAR,
            encryption_key=key,
            removal_policy=policy,
        )
        # No aws:SourceArn / aws:SourceAccount on the trust: "Confused deputy prevention is not
        # applicable to the role policy for CloudWatch Logs monitoring" (CloudTrail User Guide,
        # https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html);
        # a condition CloudTrail does not send would fail CreateTrail (InvalidCloudWatchLogsRoleArnException).
        role = iam.Role(
            self,
            "LogsRole",
            assumed_by=iam.ServicePrincipal("cloudtrail.amazonaws.com"),
            description="Lets CloudTrail deliver network activity events to CloudWatch Logs",
        )
        # Own events go to "<account>_CloudTrail_<region>…", member accounts' to "<o-id>_…" (UG).
        streams = [f"{parts.account}_CloudTrail_*"]
        if parts.organization_id:
            streams.append(f"{parts.organization_id}_*")
        stream_arns = [f"{group_arn}:log-stream:{stream}" for stream in streams]
        managed = iam.ManagedPolicy(
            self,
            "LogsPolicy",
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    sid="AllowCloudTrailToWriteLogStreams",
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=stream_arns,
                )
            ],
        )
        if policy == cdk.RemovalPolicy.RETAIN:
            # The one retained resource with a fixed name: a re-deploy after a stack deletion collides.
            cdk.Annotations.of(self).add_info(
                f"the log group {_defaults.log_group_name(name)!r} has a fixed name and is retained when the "
                f"stack is deleted: deploying again after a deletion fails ('already exists') until it is "
                f"imported (cdk import), deleted, or the trail is renamed; see "
                f"docs/troubleshooting.md#re-deploying-after-deleting-the-stack"
            )
        return _LogsDelivery(log_group, role, managed, stream_arns)

    def _add_or_warn(
        self, resource: s3.IBucket | kms.IKey, statements: list[dict[str, Any]], what: str
    ) -> None:
        """Add ``statements`` to a provided resource's policy, or warn that they must be added."""
        added = True
        for statement in statements:
            result = resource.add_to_resource_policy(iam.PolicyStatement.from_json(statement))
            added = added and result.statement_added
        if not added:
            # to_json_string() would give an unresolved token: annotations are never resolved.
            stack = cdk.Stack.of(self)
            values = _pseudo_values(stack)
            printable = json.dumps(pasteable(stack.resolve(as_policy_json(statements)), values), indent=2)
            placeholders = [f"<{name}>" for name, value in values.items() if value.startswith("<")]
            note = (
                f" Replace {', '.join(placeholders)} with this stack's values (the stack is "
                f"environment-agnostic, so they are known only at deploy time)."
                if placeholders
                else ""
            )
            cdk.Annotations.of(self).add_warning_v2(
                f"network-trail:{_WARNING_IDS[what]}",
                f"the {what} is not defined in this app, so its policy cannot be changed here: add "
                f"these statements to its {what} policy (in the account that owns it, e.g. a "
                f"LogArchive listing this trail), or CloudTrail will reject the trail "
                f"({_REJECTION[what]}).{note}\n"
                f"{printable}",
            )

    def _warn_about(self, warnings: list[str], chosen: Sequence[TrailSelector]) -> None:
        custom: list[NetworkActivitySelector] = [
            sel for sel in chosen if isinstance(sel, NetworkActivitySelector) and sel.is_custom_source
        ]
        never_match = selector_warnings(chosen)
        if not warnings and not custom and not never_match:
            return  # Annotations.of() is a jsii call: skip it when there is nothing to say
        annotations = cdk.Annotations.of(self)
        for message in warnings:
            annotations.add_warning_v2("network-trail:selectorSet", message)
        for sel in custom:
            annotations.add_warning_v2(
                "network-trail:customEventSource",
                f"event source {sel.source_value!r} is not in the built-in list; CloudTrail "
                f"checks it at deploy time",
            )
        for warning_id, message in never_match:
            annotations.add_warning_v2(warning_id, message)

    # --- public API ------------------------------------------------------------------------------
    @classmethod
    def from_props(cls, scope: Construct, construct_id: str, /, props: NetworkTrailProps) -> NetworkTrail:
        """A trail configured by one props object: the same as passing each field as a keyword argument.

        :param scope: the parent construct.
        :param construct_id: the construct id.
        :param props: the options.
        """
        return cls(scope, construct_id, **keywords(props))

    @property
    def cfn_trail(self) -> cloudtrail.CfnTrail:
        """The ``AWS::CloudTrail::Trail`` L1 resource: the escape hatch for any property."""
        return self._cfn_trail

    @property
    def trail(self) -> cloudtrail.CfnTrail:
        """The trail. CDK's L2 ``Trail`` cannot hold advanced selectors, so this is the L1."""
        return self._cfn_trail

    @property
    def trail_arn(self) -> str:
        """The trail's ARN (``Fn::GetAtt Arn``)."""
        return self._cfn_trail.attr_arn

    @property
    def trail_name(self) -> str:
        """The trail's name, known at synth time."""
        return self._trail_name

    @property
    def organization_id(self) -> str | None:
        """The ``organization_id`` given, or ``None``; an organization trail writes under ``AWSLogs/<o-id>/``."""
        return self._organization_id

    @property
    def s3_key_prefix(self) -> str | None:
        """The prefix CloudTrail writes under, before ``AWSLogs/``, or ``None`` for the bucket's root."""
        return self._parts.s3_key_prefix

    @property
    def bucket(self) -> s3.IBucket:
        """The bucket the log files are written to (created or provided)."""
        return self._bucket

    @property
    def access_logs_bucket(self) -> s3.IBucket | None:
        """The bucket receiving the log bucket's server access logs, or ``None`` for a provided bucket."""
        return self._access_logs_bucket

    @property
    def key(self) -> kms.IKey:
        """The KMS key the log files are encrypted with (created or provided)."""
        return self._key

    @property
    def alias(self) -> kms.IAlias | None:
        """The alias of the created key, or ``None`` when the key was provided."""
        return self._alias

    @property
    def log_group(self) -> logs.ILogGroup | None:
        """The CloudWatch Logs log group, when ``send_to_cloud_watch_logs`` is on."""
        return self._log_group

    @property
    def selectors(self) -> tuple[TrailSelector, ...]:
        """The selectors on the trail, management events selector and data event selectors included."""
        return tuple(self._selectors)

    def add_selector(self, selector: Selector) -> None:
        """Add one advanced event selector, checked with the others at once.

        :param selector: a network activity or management events selector.
        """
        candidate = [*self._selectors, selector]
        errors, warnings = selector_set_problems(candidate)
        if errors:
            raise NetworkTrailError(errors, path=self.node.path)
        self._warn_about(warnings, [selector])
        self._selectors = candidate
        self._cfn_trail.add_property_override("AdvancedEventSelectors", render_selectors(candidate))

    def selectors_json(self) -> list[dict[str, Any]]:
        """The selectors as the console's "JSON view" shows them (``put-event-selectors`` input)."""
        return render_selectors(self._selectors)

    def selectors_json_text(self) -> str:
        """:meth:`selectors_json` as indented JSON text."""
        return json.dumps(self.selectors_json(), indent=2)

    def grant_read(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` read every log file.

        Grants the S3 read ``Bucket.grant_read`` writes (``s3:GetObject*``, ``s3:GetBucket*``,
        ``s3:List*`` on the bucket and its objects) and ``kms:Decrypt`` of CloudTrail log files on
        the key (``kms:EncryptionContext:aws:cloudtrail:arn`` not null). A grantee in another
        account gets the same statements, the decrypt condition included, in the bucket and key
        policies as well (the bucket and key must be defined in this app for that).

        :param grantee: the principal to grant.
        """
        return _resources.grant_read_log_files(grantee, bucket=self._bucket, key=self._key)

    def grant_read_account_logs(self, grantee: iam.IGrantable, account_id: str) -> iam.Grant:
        """Let ``grantee`` read only the log files of one account.

        Grants ``s3:GetObject`` on ``[prefix/]AWSLogs/<account>/*`` (for an organization
        trail ``[prefix/]AWSLogs/<o-id>/<account>/*``), ``s3:ListBucket`` limited to that
        prefix with ``s3:prefix``, and ``kms:Decrypt`` of CloudTrail log files on the key. A
        grantee in another account gets the same statements, conditions included, in the
        bucket and key policies as well (the bucket and key must be defined in this app for
        that). The key's encryption context names the trail, not the account, so the S3
        prefix is what confines the reader.

        :param grantee: the principal to grant, e.g. a role in a member account.
        :param account_id: the 12-digit account whose log files ``grantee`` may read.
        """
        return _resources.grant_read_account_logs(
            grantee,
            account_id,
            bucket=self._bucket,
            key=self._key,
            prefixes=lambda account: [self._parts.account_log_prefix(account)],
            path=self.node.path,
        )
