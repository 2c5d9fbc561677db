"""The ``NetworkTrail`` construct: a trail for network activity events and its bundle.

Creates (or takes) the S3 log bucket, its access-log bucket, the KMS key and
alias, writes the bucket and key policies CloudTrail checks at create time, and
a ``AWS::CloudTrail::Trail`` with advanced event selectors only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

if TYPE_CHECKING:  # aws_logs is imported when CloudWatch Logs delivery is on: ~0.1 s less otherwise
    from aws_cdk import aws_logs as logs

from . import _compliance, _defaults, _resources
from ._organization import account_problems, foreign_resource_problems, organization_trail_problems
from ._policies import (
    TrailArnParts,
    as_policy_json,
    bucket_policy_statements,
    key_policy_statements,
    organization_deny_statement,
)
from .errors import NetworkTrailError
from .presets import ga_access_denied
from .selectors import (
    ManagementEventsSelector,
    NetworkActivitySelector,
    Selector,
    render_selectors,
)
from .validation import (
    alias_problems,
    s3_key_prefix_problems,
    selector_set_problems,
    selector_warnings,
    tag_problems,
    trail_name_problems,
)

__all__ = ["ManagementEvents", "NetworkTrail"]

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
_ORG_ID = re.compile(r"^o-[a-z0-9]{10,32}$")


class ManagementEvents(StrEnum):
    """Which management events the trail logs next to network activity events."""

    NONE = "none"
    """No management events: the first copy is usually logged by an account or organization trail."""
    ALL = "all"
    """Read and write management events."""
    READ_ONLY = "read-only"
    """Read management events only."""
    WRITE_ONLY = "write-only"
    """Write management events only."""

    def selector(self) -> ManagementEventsSelector | None:
        """The selector for this choice, or ``None`` for :attr:`NONE`."""
        if self is ManagementEvents.NONE:
            return None
        read_only = {ManagementEvents.ALL: None, ManagementEvents.READ_ONLY: True}.get(self, False)
        return ManagementEventsSelector(read_only=read_only)


class NetworkTrail(Construct):
    """A CloudTrail trail that logs network activity events for VPC endpoints.

    The minimal call, ``NetworkTrail(stack, "NetworkTrail")``, creates a
    multi-Region trail logging calls denied by VPC endpoint policies for the five
    GA sources (CloudTrail, EC2, KMS, S3, Secrets Manager), a KMS key with
    rotation and an alias, an SSE-KMS log bucket with versioning, TLS-only access
    and server access logging, and the policies CloudTrail checks at create time.

    :param scope: the parent construct.
    :param construct_id: the construct id; keep it stable, it names the resources.
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
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        # Every property read is a round-trip to the jsii kernel: read the stack's once.
        partition, region, account = stack.partition, stack.region, stack.account
        problems: list[str] = []

        name = (
            trail_name
            if trail_name is not None
            else cdk.Names.unique_resource_name(self, max_length=128, separator="-")
        )
        problems += trail_name_problems(name)
        if key_alias is not None:
            problems += alias_problems(key_alias)
        if s3_key_prefix is not None:
            problems += s3_key_prefix_problems(s3_key_prefix)
        try:
            management = ManagementEvents(management_events)
        except ValueError:
            management = ManagementEvents.NONE
            problems.append(
                f"management_events must be one of {[m.value for m in ManagementEvents]}, got "
                f"{management_events!r}: pass a ManagementEvents member, e.g. ManagementEvents.NONE"
            )
        chosen: list[Selector] = []
        if isinstance(selectors, (str, NetworkActivitySelector, ManagementEventsSelector)):
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
        if is_multi_region_trail and not include_global_service_events:
            problems.append(
                "is_multi_region_trail=True needs include_global_service_events=True (CloudTrail "
                "rejects the combination with InvalidParameterCombination): set "
                "include_global_service_events=True, or is_multi_region_trail=False"
            )
        if (
            organization_id is not None
            and not cdk.Token.is_unresolved(organization_id)
            and (not isinstance(organization_id, str) or not _ORG_ID.match(organization_id))
        ):
            problems.append(
                f"organization_id must look like 'o-' and 10 to 32 lowercase letters or digits, "
                f"got {organization_id!r}: find it with 'aws organizations describe-organization'"
            )
        if is_organization_trail and organization_id is None:
            problems.append(
                "is_organization_trail=True needs organization_id: an organization trail writes under "
                "AWSLogs/<o-id>/, which the bucket policy must allow; pass organization_id='o-…'"
            )
        problems += organization_trail_problems(
            stack_account=account,
            is_organization_trail=is_organization_trail,
            management_account_id=management_account_id,
            delegated_administrator=delegated_administrator,
        )
        problems += foreign_resource_problems(stack, bucket=bucket, encryption_key=encryption_key)
        for given, knob, value in (
            (bucket, "log_retention", log_retention),
            (bucket, "noncurrent_version_expiration", noncurrent_version_expiration),
            (bucket, "server_access_logs_bucket", server_access_logs_bucket),
            (bucket, "object_lock_retention", object_lock_retention),
            (encryption_key, "key_alias", key_alias),
        ):
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
        if cloud_watch_logs_retention is not None and not send_to_cloud_watch_logs:
            problems.append(
                f"cloud_watch_logs_retention={cloud_watch_logs_retention!r} needs "
                f"send_to_cloud_watch_logs=True: set it, or remove cloud_watch_logs_retention"
            )
        if tags is not None:
            problems += tag_problems(tags)
        errors, warnings = selector_set_problems(chosen)
        if not isinstance(selectors, (str, NetworkActivitySelector, ManagementEventsSelector)):
            problems += errors  # else "selectors must be a sequence" already says what is wrong
        if problems:
            raise NetworkTrailError(problems, path=self.node.path)

        self._selectors: list[Selector] = chosen
        self._trail_name = name
        self._parts = TrailArnParts(
            partition=partition,
            region=region,
            # An organization trail belongs to the management account, whoever creates it.
            account=management_account_id if management_account_id is not None else account,
            trail_name=name,
            s3_key_prefix=s3_key_prefix,
            organization_id=organization_id if is_organization_trail else None,
        )
        policy = removal_policy if removal_policy is not None else _defaults.DEFAULT_REMOVAL_POLICY
        self._warn_about(warnings, chosen)

        # --- key ---------------------------------------------------------------------------------
        log_group_arn: str | None = None
        if send_to_cloud_watch_logs:
            log_group_arn = (
                f"arn:{partition}:logs:{region}:{account}:log-group:{_defaults.log_group_name(name)}"
            )
        key_statements = key_policy_statements(self._parts, log_group_arn=log_group_arn)
        self._alias: kms.IAlias | None = None
        if encryption_key is None:
            # CloudTrail's statements are written with the key's whole policy, in one document.
            created_key = _resources.create_key(
                self, partition=partition, account=account, statements=key_statements, removal_policy=policy
            )
            self._alias = created_key.add_alias(key_alias or _defaults.default_alias(name))
            self._key: kms.IKey = created_key
        else:
            self._key = encryption_key
            self._add_or_warn(self._key, key_statements, "key")

        # --- buckets -----------------------------------------------------------------------------
        # The created resources are handed to _compliance, never looked up again by id: every
        # lookup, like every property read, is a round-trip to the jsii kernel.
        self._access_logs_bucket: s3.IBucket | None = None
        bucket_policy: s3.BucketPolicy | None = None
        created_bucket: s3.Bucket | None = None
        cfn_bucket: s3.CfnBucket | None = None
        created_access_logs: s3.Bucket | None = None
        if bucket is None:
            if server_access_logs_bucket is None:
                created_access_logs = _resources.create_access_logs_bucket(self, removal_policy=policy)
            access_logs = server_access_logs_bucket or created_access_logs
            assert access_logs is not None
            self._access_logs_bucket = access_logs
            created_bucket = _resources.create_log_bucket(
                self,
                key=self._key,
                removal_policy=policy,
                log_retention=log_retention,
                noncurrent_version_expiration=noncurrent_version_expiration,
                object_lock_retention=object_lock_retention,
            )
            default_child = created_bucket.node.default_child
            assert isinstance(default_child, s3.CfnBucket)
            cfn_bucket = default_child
            bucket_arn = created_bucket.bucket_arn
            statement = _resources.enable_access_logging(
                created_bucket, access_logs, cfn_source=cfn_bucket, source_arn=bucket_arn, account=account
            )
            if created_access_logs is not None:
                _resources.attach_bucket_policy(created_access_logs, [statement])
            else:
                self._add_or_warn(access_logs, [statement], "access-logs bucket")
            self._bucket: s3.IBucket = created_bucket
        else:
            self._bucket = bucket
            bucket_arn = self._bucket.bucket_arn
        bucket_statements = bucket_policy_statements(self._parts, bucket_arn)
        if organization_id is not None:
            bucket_statements.append(organization_deny_statement(bucket_arn, organization_id))
        if created_bucket is not None:
            bucket_policy = _resources.attach_bucket_policy(
                created_bucket, bucket_statements, bucket_arn=bucket_arn
            )
        else:
            self._add_or_warn(self._bucket, bucket_statements, "bucket")
            bucket_policy = self._bucket.policy

        # --- CloudWatch Logs ---------------------------------------------------------------------
        self._log_group: logs.ILogGroup | None = None
        cw_role: iam.IRole | None = None
        cw_policy: iam.ManagedPolicy | None = None
        stream_arns: list[str] = []
        if send_to_cloud_watch_logs:
            self._log_group, cw_role, cw_policy, stream_arns = self._create_cloud_watch_logs(
                name, cloud_watch_logs_retention, policy, account
            )

        # --- trail -------------------------------------------------------------------------------
        self._cfn_trail = cloudtrail.CfnTrail(
            self,
            "Trail",
            is_logging=True,
            trail_name=name,
            s3_bucket_name=self._bucket.bucket_name,
            s3_key_prefix=s3_key_prefix,
            kms_key_id=self._key.key_arn,
            is_multi_region_trail=is_multi_region_trail,
            include_global_service_events=include_global_service_events,
            enable_log_file_validation=enable_file_validation,
            is_organization_trail=True if is_organization_trail else None,
            cloud_watch_logs_log_group_arn=self._log_group.log_group_arn if self._log_group else None,
            cloud_watch_logs_role_arn=cw_role.role_arn if cw_role else None,
        )
        # Plain JSON through an override: one jsii call instead of one struct per field.
        self._cfn_trail.add_property_override("AdvancedEventSelectors", render_selectors(chosen))
        # CloudTrail checks the bucket policy (and the Logs role) when the trail is created.
        if bucket_policy is not None:
            self._cfn_trail.node.add_dependency(bucket_policy)
        if cw_policy is not None:
            self._cfn_trail.node.add_dependency(cw_policy)
        _resources.tag_all(self, tags)
        # Fixes by construction and acknowledged rule findings, each with its reason (docs/security.md).
        _compliance.harden_and_acknowledge(
            self,
            cfn_trail=self._cfn_trail,
            cloud_watch_logs=self._log_group is not None,
            bucket=created_bucket,
            cfn_bucket=cfn_bucket,
            access_logs_bucket=created_access_logs,
            logs_policy=cw_policy,
            stream_arns=stream_arns,
            stack=stack,
            log_retention=log_retention,
            object_lock_retention=object_lock_retention,
        )

    # --- helpers ---------------------------------------------------------------------------------
    def _create_cloud_watch_logs(
        self, name: str, retention: logs.RetentionDays | None, policy: cdk.RemovalPolicy, account: str
    ) -> tuple[logs.LogGroup, iam.Role, iam.ManagedPolicy, list[str]]:
        from aws_cdk import aws_logs as logs

        log_group = logs.LogGroup(
            self,
            "LogGroup",
            log_group_name=_defaults.log_group_name(name),
            retention=retention or logs.RetentionDays.ONE_YEAR,
            encryption_key=self._key,
            removal_policy=policy,
        )
        role = iam.Role(
            self,
            "LogsRole",
            assumed_by=iam.ServicePrincipal(
                "cloudtrail.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceArn": self._parts.trail_arn}},
            ),
            description="Lets CloudTrail deliver network activity events to CloudWatch Logs",
        )
        # Own events go to "<account>_CloudTrail_<region>…", member accounts' to "<o-id>_…" (UG).
        streams = [f"{self._parts.account}_CloudTrail_*"]
        if self._parts.organization_id:
            streams.append(f"{self._parts.organization_id}_*")
        group_arn = (
            f"arn:{self._parts.partition}:logs:{self._parts.region}:{account}:"
            f"log-group:{_defaults.log_group_name(name)}"
        )
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
        return log_group, role, managed, stream_arns

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
            printable = json.dumps(cdk.Stack.of(self).resolve(as_policy_json(statements)), indent=2)
            cdk.Annotations.of(self).add_warning_v2(
                f"network-trail:{_WARNING_IDS[what]}",
                f"the {what} is not defined in this app, so its policy cannot be changed here: add "
                f"these statements to its {what} policy (in the account that owns it, e.g. a "
                f"LogArchive listing this trail), or CloudTrail will reject the trail "
                f"({_REJECTION[what]}):\n"
                f"{printable}",
            )

    def _warn_about(self, warnings: list[str], chosen: Sequence[Selector]) -> None:
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
    def selectors(self) -> tuple[Selector, ...]:
        """The selectors on the trail, management events selector included."""
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
        """Let ``grantee`` read the log files: bucket read and ``kms:Decrypt`` on the key.

        :param grantee: the principal to grant.
        """
        grant = self._bucket.grant_read(grantee)
        if self._bucket.encryption_key is None:
            grant = grant.combine(self._key.grant_decrypt(grantee))
        return grant

    def grant_read_account_logs(self, grantee: iam.IGrantable, account_id: str) -> iam.Grant:
        """Let ``grantee`` read only the log files of one account.

        Grants ``s3:GetObject`` on ``[prefix/]AWSLogs/<account>/*`` (for an organization
        trail ``[prefix/]AWSLogs/<o-id>/<account>/*``), ``s3:ListBucket`` limited to that
        prefix with ``s3:prefix``, and ``kms:Decrypt`` on the key. A grantee in another
        account gets the statements in the bucket and key policies as well (the bucket and
        key must be defined in this app for that). The key's encryption context names the
        trail, not the account, so the S3 prefix is what confines the reader.

        :param grantee: the principal to grant, e.g. a role in a member account.
        :param account_id: the 12-digit account whose log files ``grantee`` may read.
        """
        problems = account_problems("account_id", account_id)
        if problems:
            raise NetworkTrailError(problems, path=self.node.path)
        prefix = self._parts.account_log_prefix(account_id)
        objects = iam.Grant.add_to_principal_or_resource(
            grantee=grantee,
            actions=["s3:GetObject"],
            resource_arns=[f"{self._bucket.bucket_arn}/{prefix}*"],
            resource=self._bucket,
        )
        listing = iam.Grant.add_to_principal_or_resource(
            grantee=grantee,
            actions=["s3:ListBucket"],
            resource_arns=[self._bucket.bucket_arn],
            resource=self._bucket,
            conditions={"StringLike": {"s3:prefix": [f"{prefix}*"]}},
        )
        return objects.combine(listing).combine(self._key.grant_decrypt(grantee))
