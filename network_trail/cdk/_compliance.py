"""Acknowledged rule findings, each on the one resource it concerns and with its reason.

Three engines check the templates this library makes: cdk-nag (four packs), the
AWS Control Tower proactive controls (cfn-guard rules) and checkov. Every finding
that is not fixed by construction is acknowledged here, on the specific
resource, with a reason a security reviewer can check:

- cdk-nag reads the acknowledgments ``Validations.of(resource).acknowledge(...)`` records
  (:func:`acknowledge_rules` writes them, one metadata entry per resource);
- cfn-guard suppressions go in the resource's CloudFormation metadata,
  ``Metadata: {guard: {SuppressedRules: [...]}}`` (the AWS Guard Rules Registry format);
- checkov skips go in ``Metadata: {checkov: {skip: [{id, comment}]}}``.

The reasons are constants so docs/security.md and the tests cite the same text.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from typing import Final

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from constructs import IConstruct, Node

__all__ = [
    "ACKNOWLEDGED_RULES_METADATA_KEY",
    "CREATE_GRANT_DENY_STATEMENT",
    "REASONS",
    "acknowledge_access_logs_bucket",
    "acknowledge_log_bucket",
    "acknowledge_logs_policy",
    "acknowledge_rules",
    "acknowledge_trail",
    "harden_and_acknowledge",
    "harden_and_acknowledge_archive",
    "harden_and_acknowledge_results_bucket",
    "node_of",
    "send_object_events_to_eventbridge",
]

NAG_PACKS: Final = ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")
"""cdk-nag packs whose rule ids are ``<pack>-<Rule>``; AwsSolutions has its own ids."""

REASONS: Final[Mapping[str, str]] = {
    "access-logs-no-logging": (
        "this bucket receives the server access logs of the CloudTrail log bucket; logging its own access "
        "would write a log object for every log object (the S3 User Guide advises against a bucket logging "
        "to itself) or need a third bucket with the same problem; its bucket policy grants writes only "
        "to S3's logging service principal"
    ),
    "access-logs-sse-s3": (
        "S3 server access logging delivers only to a destination bucket with SSE-S3 (AES256) default "
        "encryption; SSE-KMS would silently stop delivery. The data here is S3 request metadata, not the "
        "CloudTrail events, which are SSE-KMS encrypted with the customer managed key"
    ),
    "access-logs-no-object-lock": (
        "server access logs are a best-effort, secondary record; Object Lock would make the 365-day "
        "lifecycle expiry and stack clean-up impossible. Tamper evidence for the trail comes from CloudTrail "
        "log file validation (digest files) in the log bucket, which can use object_lock_retention"
    ),
    "access-logs-no-notifications": (
        "no consumer needs an event per delivered access-log object; the bucket policy grants writes only "
        "to S3's logging service principal"
    ),
    "no-replication": (
        "replication needs a destination bucket and KMS key in another Region or account, which this "
        "construct cannot create or own; the bucket is versioned with SSE-KMS and RETAIN. For a copy "
        "outside the account, deliver to the organization's log-archive account (is_organization_trail, or "
        "pass its bucket as bucket=) or add a replication rule through bucket.node.default_child"
    ),
    "log-bucket-logging-by-override": (
        "server access logging IS configured: LoggingConfiguration is written as a raw property override "
        "(so the output does not depend on feature flags), which cdk-nag cannot see; cfn-guard and checkov "
        "check the synthesized template and pass, and tests/test_compliance.py asserts the property"
    ),
    "log-bucket-no-object-lock": (
        "Object Lock is opt-in (object_lock_retention): once enabled it cannot be disabled, locked log "
        "files outlive a destroyed stack, and lifecycle expiry cannot delete them before the lock ends. "
        "Without it, tampering is still detectable with CloudTrail log file validation (on by default) and "
        "overwrites are kept as versions"
    ),
    "trail-no-cloud-watch-logs": (
        "CloudWatch Logs delivery is opt-in (send_to_cloud_watch_logs=True): it bills ingestion per GB on top "
        "of the S3 copy, and log-all presets on busy VPC endpoints are high volume. Turn it on where metric "
        "filters or alarms are wanted (the sample app's staging and prod do); the S3 copy is always written"
    ),
    "logs-stream-wildcard": (
        "CloudTrail names one log stream per Region, '<account or org id>_CloudTrail_<region>'; a "
        "multi-Region trail writes to Regions not known at synth time, so the stream name ends in '*'. The "
        "log group, account and prefix are fixed, and only the CloudTrail service can assume the role"
    ),
}
"""Why each acknowledged finding is acceptable; keys are cited in docs/security.md."""

CREATE_GRANT_DENY_STATEMENT: Final[Mapping[str, object]] = {
    "Sid": "DenyCreateGrantExceptForAWSServices",
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "kms:CreateGrant",
    "Resource": "*",
    "Condition": {
        "BoolIfExists": {"kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false"}
    },
}
"""Grants on the log key only through AWS services (Control Tower CT.KMS.PR.3).

CloudTrail, S3 and CloudWatch Logs use the key through key-policy statements,
never through grants, so nothing this construct sets up needs a direct grant.
"""


ACKNOWLEDGED_RULES_METADATA_KEY: Final = "aws:cdk:acknowledged-rules"
"""``Validations.ACKNOWLEDGED_RULES_METADATA_KEY``: the construct metadata CDK's validation report
and cdk-nag read acknowledgments from (a constant here: reading it is a round-trip to the jsii kernel)."""


_NODES: weakref.WeakKeyDictionary[IConstruct, Node] = weakref.WeakKeyDictionary()


def node_of(construct: IConstruct) -> Node:
    """``construct.node``, read from the jsii kernel once per construct.

    A construct's node never changes, and each read of ``.node`` is a round-trip to the kernel:
    the builders need a resource's node up to three times (its default child, a dependency, its
    acknowledgments).

    :param construct: a construct.
    """
    node = _NODES.get(construct)
    if node is None:
        node = _NODES[construct] = construct.node
    return node


def qualified_rule_id(rule: str) -> str:
    """A rule id as ``Validations.acknowledge`` records it.

    ``<validator>::<rule>`` stays as it is; an id without a validator (cdk-nag's
    ``AwsSolutions-S1``, ``AwsSolutions-IAM5[Resource::…]``) is recorded as
    ``Annotation::<id>``. Only ``::`` outside the finding's brackets names a validator.

    :param rule: the rule or finding id.
    """
    return rule if "::" in rule.split("[", 1)[0] else f"Annotation::{rule}"


def acknowledge_rules(resource: IConstruct, findings: Iterable[tuple[Iterable[str], str]]) -> None:
    """Acknowledge every ``(rules, reason)`` pair on ``resource`` in one metadata entry.

    Records what ``Validations.of(resource).acknowledge(...)`` records (the same metadata
    key, qualified ids and reasons, read by cdk-nag and CDK's validation report), in one
    entry: the public call writes one entry per rule, each with a captured stack trace,
    which costs the jsii kernel about a quarter of a millisecond per rule.
    ``tests/test_compliance.py`` checks both record the same acknowledgments.

    :param resource: the construct the findings are about (or its L2 parent).
    :param findings: the rule ids and the reason they are accepted.
    """
    acknowledged = {qualified_rule_id(rule): reason for rules, reason in findings for rule in rules}
    node_of(resource).add_metadata(ACKNOWLEDGED_RULES_METADATA_KEY, acknowledged)


def _nag(resource: IConstruct, rules: Iterable[str], reason: str) -> None:
    acknowledge_rules(resource, [(rules, reason)])


def _all_packs(rule: str) -> list[str]:
    return [f"{pack}-{rule}" for pack in NAG_PACKS]


def _metadata(
    resource: IConstruct,
    guard: Iterable[str] = (),
    checkov: Mapping[str, str] | None = None,
    *,
    fresh: bool = False,
) -> None:
    """Add guard suppressions and checkov skips to the resource's metadata.

    :param fresh: the resource was just created here and holds no such metadata yet, so
        there is nothing to merge with (saves a round-trip to the jsii kernel per key).
        Default: false
    """
    cfn = node_of(resource).default_child if not isinstance(resource, cdk.CfnResource) else resource
    assert isinstance(cfn, cdk.CfnResource)
    guard_rules = sorted(set(guard))
    if guard_rules:
        existing = {} if fresh else cfn.get_metadata("guard") or {}
        merged = sorted({*existing.get("SuppressedRules", ()), *guard_rules})
        cfn.add_metadata("guard", {"SuppressedRules": merged})
    if checkov:
        existing = {} if fresh else cfn.get_metadata("checkov") or {}
        skips = [*existing.get("skip", ()), *({"id": k, "comment": v} for k, v in sorted(checkov.items()))]
        cfn.add_metadata("checkov", {"skip": skips})


def acknowledge_access_logs_bucket(bucket: IConstruct, *, cfn_bucket: cdk.CfnResource | None = None) -> None:
    """The created access-log bucket: no logging of itself, SSE-S3, no lock, no replication.

    :param cfn_bucket: its L1 resource, when the caller holds it. Default: - the bucket's default child
    """
    acknowledge_rules(
        bucket,
        [
            (["AwsSolutions-S1", *_all_packs("S3BucketLoggingEnabled")], REASONS["access-logs-no-logging"]),
            (_all_packs("S3DefaultEncryptionKMS"), REASONS["access-logs-sse-s3"]),
            (_all_packs("S3BucketReplicationEnabled"), REASONS["no-replication"]),
        ],
    )
    _metadata(
        cfn_bucket or bucket,
        fresh=True,
        guard=[
            "s3_bucket_logging_enabled_check",
            "s3_bucket_default_encryption_kms_check",
            "s3_bucket_object_lock_enabled_check",
            "s3_event_notifications_enabled_check",
        ],
        checkov={"CKV_AWS_18": REASONS["access-logs-no-logging"]},
    )


def acknowledge_log_bucket(
    bucket: IConstruct, *, object_lock: bool, cfn_bucket: cdk.CfnResource | None = None
) -> None:
    """The created CloudTrail log bucket: no replication; no Object Lock unless asked for.

    :param cfn_bucket: its L1 resource, when the caller holds it. Default: - the bucket's default child
    """
    acknowledge_rules(
        bucket,
        [
            (_all_packs("S3BucketReplicationEnabled"), REASONS["no-replication"]),
            (
                ["AwsSolutions-S1", *_all_packs("S3BucketLoggingEnabled")],
                REASONS["log-bucket-logging-by-override"],
            ),
        ],
    )
    if not object_lock:
        _metadata(cfn_bucket or bucket, guard=["s3_bucket_object_lock_enabled_check"], fresh=True)


def acknowledge_trail(trail: cdk.CfnResource, *, cloud_watch_logs: bool) -> None:
    """The trail: CloudWatch Logs delivery is opt-in."""
    if not cloud_watch_logs:
        _nag(trail, _all_packs("CloudTrailCloudWatchLogsEnabled"), REASONS["trail-no-cloud-watch-logs"])
        _metadata(trail, guard=["cloud_trail_cloud_watch_logs_enabled_check"], fresh=True)


def acknowledge_logs_policy(
    policy: IConstruct, stream_arns: Iterable[object], *, stack: cdk.Stack | None = None
) -> None:
    """The CloudWatch Logs delivery policy: one wildcard, the Region suffix of the stream names.

    :param stack: the policy's stack, when the caller holds it. Default: - ``Stack.of(policy)``
    """
    stack = stack or cdk.Stack.of(policy)
    ids = [f"AwsSolutions-IAM5[Resource::{_finding_text(stack.resolve(arn))}]" for arn in stream_arns]
    _nag(policy, ids, REASONS["logs-stream-wildcard"])


def _finding_text(resolved: object) -> str:
    """A resolved ARN as cdk-nag prints it in a finding id (``{Ref: X}`` as ``<X>``)."""
    if isinstance(resolved, str):
        return resolved
    if isinstance(resolved, Mapping) and "Fn::Join" in resolved:
        sep, parts = resolved["Fn::Join"]
        return str(sep).join(_finding_text(p) for p in parts)
    if isinstance(resolved, Mapping) and "Ref" in resolved:
        return f"<{resolved['Ref']}>"
    return str(resolved)


def send_object_events_to_eventbridge(cfn_bucket: s3.CfnBucket) -> None:
    """Turn on S3's EventBridge notifications for a log bucket (Control Tower CT.S3.PR.4).

    S3 sends object events (new log files, deletions) to the default event bus at no charge:
    alerting on log deletion needs no other change to the bucket, no custom resource and no
    Lambda function.

    :param cfn_bucket: the log bucket's L1 resource.
    """
    cfn_bucket.add_property_override(
        "NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", True
    )


RESULTS_NO_REPLICATION_REASON: Final = (
    "the bucket holds Athena query results, derived copies that expire after 30 days by default and can be "
    "recomputed from the CloudTrail log files, which are the record to protect; replicating them would copy "
    "query output (possibly sensitive) to a second place for no recovery value"
)
RESULTS_NO_OBJECT_LOCK_REASON: Final = (
    "query results are transient and expire by lifecycle (30 days by default); Object Lock would keep every "
    "result past its expiry and could not be turned off. Tamper evidence belongs to the log files, whose "
    "trail writes digest files (log file validation)"
)


def harden_and_acknowledge_results_bucket(bucket: IConstruct, *, cfn_bucket: s3.CfnBucket) -> None:
    """The Athena results bucket: accepted findings (cdk-nag, cfn-guard) and object events to EventBridge.

    No replication and no Object Lock (transient, derived data), access logging as a raw
    property override (as on the log bucket), and object events sent to EventBridge as the log
    bucket's are (:func:`send_object_events_to_eventbridge`).

    :param bucket: the results bucket.
    :param cfn_bucket: its L1 resource.
    """
    acknowledge_rules(
        bucket,
        [
            (_all_packs("S3BucketReplicationEnabled"), RESULTS_NO_REPLICATION_REASON),
            (["cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check"], RESULTS_NO_OBJECT_LOCK_REASON),
            (
                ["AwsSolutions-S1", *_all_packs("S3BucketLoggingEnabled")],
                REASONS["log-bucket-logging-by-override"],
            ),
        ],
    )
    send_object_events_to_eventbridge(cfn_bucket)
    _metadata(cfn_bucket, guard=["s3_bucket_object_lock_enabled_check"], fresh=True)


def harden_and_acknowledge_archive(
    *,
    bucket: IConstruct,
    cfn_bucket: s3.CfnBucket,
    access_logs_bucket: IConstruct,
    cfn_access_logs_bucket: cdk.CfnResource,
    object_lock: bool,
) -> None:
    """The bucket part of :func:`harden_and_acknowledge`, for a :class:`~network_trail.LogArchive`.

    The archive bucket is hardened and acknowledged as a trail's created log bucket, its
    access-log bucket as a trail's created access-log bucket, with the same reasons.

    :param bucket: the archive bucket.
    :param cfn_bucket: its L1 resource.
    :param access_logs_bucket: the archive's access-log bucket.
    :param cfn_access_logs_bucket: its L1 resource.
    :param object_lock: whether the archive bucket has Object Lock (``object_lock_retention``).
    """
    send_object_events_to_eventbridge(cfn_bucket)
    acknowledge_log_bucket(bucket, object_lock=object_lock, cfn_bucket=cfn_bucket)
    acknowledge_access_logs_bucket(access_logs_bucket, cfn_bucket=cfn_access_logs_bucket)


def harden_and_acknowledge(
    trail: IConstruct,
    *,
    cfn_trail: cdk.CfnResource,
    cloud_watch_logs: bool,
    bucket: IConstruct | None = None,
    cfn_bucket: s3.CfnBucket | None = None,
    access_logs_bucket: IConstruct | None = None,
    cfn_access_logs_bucket: cdk.CfnResource | None = None,
    logs_policy: IConstruct | None = None,
    stream_arns: Iterable[object] = (),
    stack: cdk.Stack | None = None,
    log_retention: cdk.Duration | None = None,
    object_lock_retention: s3.ObjectLockRetention | None = None,
) -> None:
    """Fix what can be fixed by construction, acknowledge the rest, on ``trail``'s own children.

    The children a :class:`~network_trail.NetworkTrail` created are passed in, rather than
    looked up by id: every lookup is a round-trip to the jsii kernel. Provided resources
    are the user's to check. The key's ``kms:CreateGrant`` deny is added with its other
    statements (:data:`CREATE_GRANT_DENY_STATEMENT`).

    :param trail: the ``NetworkTrail``.
    :param cfn_trail: its ``AWS::CloudTrail::Trail``.
    :param cloud_watch_logs: whether the trail delivers to CloudWatch Logs.
    :param bucket: the created log bucket. Default: - none was created
    :param cfn_bucket: the created log bucket's L1 resource. Default: - the bucket's default child
    :param access_logs_bucket: the created access-log bucket. Default: - none was created
    :param cfn_access_logs_bucket: its L1 resource. Default: - the bucket's default child
    :param logs_policy: the CloudWatch Logs delivery policy. Default: - none was created
    :param stream_arns: the log-stream ARNs with a wildcard in ``logs_policy``. Default: - none
    :param stack: the trail's stack. Default: - ``Stack.of(trail)`` when needed
    :param log_retention: the trail's ``log_retention``. Default: - none
    :param object_lock_retention: the trail's ``object_lock_retention``. Default: - none
    """
    if bucket is not None:
        if cfn_bucket is None:
            cfn_bucket = node_of(bucket).default_child  # type: ignore[assignment]
        assert isinstance(cfn_bucket, s3.CfnBucket)
        send_object_events_to_eventbridge(cfn_bucket)
        acknowledge_log_bucket(bucket, object_lock=object_lock_retention is not None, cfn_bucket=cfn_bucket)
    if access_logs_bucket is not None:
        acknowledge_access_logs_bucket(access_logs_bucket, cfn_bucket=cfn_access_logs_bucket)
    acknowledge_trail(cfn_trail, cloud_watch_logs=cloud_watch_logs)
    if logs_policy is not None:
        arns = [arn for arn in stream_arns if "*" in str(arn)]
        acknowledge_logs_policy(logs_policy, arns, stack=stack)
    _warn_if_lock_outlives_retention(trail, log_retention, object_lock_retention)


def _warn_if_lock_outlives_retention(
    trail: IConstruct, log_retention: cdk.Duration | None, lock: s3.ObjectLockRetention | None
) -> None:
    if log_retention is None or lock is None:
        return
    try:
        retention_days = log_retention.to_days(integral=False)
        lock_days = lock.duration.to_days(integral=False)
    except RuntimeError:  # an unresolved token: nothing to compare at synth time
        return
    if retention_days < lock_days:
        cdk.Annotations.of(trail).add_warning_v2(
            "network-trail:logRetentionShorterThanObjectLock",
            f"log_retention ({retention_days:g} days) is shorter than object_lock_retention "
            f"({lock_days:g} days, {lock.mode.value} mode): S3 lifecycle cannot delete a locked version, so "
            f"log files are kept until the lock ends and billed until then; set log_retention to at least "
            f"{lock_days:g} days, or shorten the lock",
        )
