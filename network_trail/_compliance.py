"""Acknowledged rule findings, each on the one resource it concerns and with its reason.

Three engines check the templates this library makes: cdk-nag (four packs), the
AWS Control Tower proactive controls (cfn-guard rules) and checkov. Every finding
that is not fixed by construction is acknowledged here, on the specific
resource, with a reason a security reviewer can check:

- cdk-nag reads ``Validations.of(resource).acknowledge(...)``;
- cfn-guard suppressions go in the resource's CloudFormation metadata,
  ``Metadata: {guard: {SuppressedRules: [...]}}`` (the AWS Guard Rules Registry format);
- checkov skips go in ``Metadata: {checkov: {skip: [{id, comment}]}}``.

The reasons are constants so docs/security.md and the tests cite the same text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

import aws_cdk as cdk
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import IConstruct

__all__ = [
    "CREATE_GRANT_DENY_STATEMENT",
    "REASONS",
    "acknowledge_access_logs_bucket",
    "acknowledge_log_bucket",
    "acknowledge_logs_policy",
    "acknowledge_trail",
    "harden_and_acknowledge",
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
        "log group, account and prefix are fixed, and the role can be assumed only by this trail "
        "(aws:SourceArn)"
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


def _nag(resource: IConstruct, rules: Iterable[str], reason: str) -> None:
    acks = [cdk.Acknowledgment(id=rule, reason=reason) for rule in rules]
    cdk.Validations.of(resource).acknowledge(*acks)


def _all_packs(rule: str) -> list[str]:
    return [f"{pack}-{rule}" for pack in NAG_PACKS]


def _metadata(
    resource: IConstruct, guard: Iterable[str] = (), checkov: Mapping[str, str] | None = None
) -> None:
    cfn = resource.node.default_child if not isinstance(resource, cdk.CfnResource) else resource
    assert isinstance(cfn, cdk.CfnResource)
    guard_rules = sorted(set(guard))
    if guard_rules:
        existing = cfn.get_metadata("guard") or {}
        merged = sorted({*existing.get("SuppressedRules", ()), *guard_rules})
        cfn.add_metadata("guard", {"SuppressedRules": merged})
    if checkov:
        existing = cfn.get_metadata("checkov") or {}
        skips = [*existing.get("skip", ()), *({"id": k, "comment": v} for k, v in sorted(checkov.items()))]
        cfn.add_metadata("checkov", {"skip": skips})


def acknowledge_access_logs_bucket(bucket: IConstruct) -> None:
    """The created access-log bucket: no logging of itself, SSE-S3, no lock, no replication."""
    _nag(
        bucket, ["AwsSolutions-S1", *_all_packs("S3BucketLoggingEnabled")], REASONS["access-logs-no-logging"]
    )
    _nag(bucket, _all_packs("S3DefaultEncryptionKMS"), REASONS["access-logs-sse-s3"])
    _nag(bucket, _all_packs("S3BucketReplicationEnabled"), REASONS["no-replication"])
    _metadata(
        bucket,
        guard=[
            "s3_bucket_logging_enabled_check",
            "s3_bucket_default_encryption_kms_check",
            "s3_bucket_object_lock_enabled_check",
            "s3_event_notifications_enabled_check",
        ],
        checkov={"CKV_AWS_18": REASONS["access-logs-no-logging"]},
    )


def acknowledge_log_bucket(bucket: IConstruct, *, object_lock: bool) -> None:
    """The created CloudTrail log bucket: no replication; no Object Lock unless asked for."""
    _nag(bucket, _all_packs("S3BucketReplicationEnabled"), REASONS["no-replication"])
    _nag(
        bucket,
        ["AwsSolutions-S1", *_all_packs("S3BucketLoggingEnabled")],
        REASONS["log-bucket-logging-by-override"],
    )
    if not object_lock:
        _metadata(bucket, guard=["s3_bucket_object_lock_enabled_check"])


def acknowledge_trail(trail: cdk.CfnResource, *, cloud_watch_logs: bool) -> None:
    """The trail: CloudWatch Logs delivery is opt-in."""
    if not cloud_watch_logs:
        _nag(trail, _all_packs("CloudTrailCloudWatchLogsEnabled"), REASONS["trail-no-cloud-watch-logs"])
        _metadata(trail, guard=["cloud_trail_cloud_watch_logs_enabled_check"])


def acknowledge_logs_policy(policy: IConstruct, stream_arns: Iterable[object]) -> None:
    """The CloudWatch Logs delivery policy: one wildcard, the Region suffix of the stream names."""
    stack = cdk.Stack.of(policy)
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


def harden_and_acknowledge(
    trail: IConstruct,
    *,
    log_retention: cdk.Duration | None = None,
    object_lock_retention: s3.ObjectLockRetention | None = None,
) -> None:
    """Fix what can be fixed by construction, acknowledge the rest, on ``trail``'s own children.

    Reads the children a :class:`~network_trail.NetworkTrail` created (``Key``, ``Bucket``,
    ``AccessLogsBucket``, ``Trail``, ``LogsPolicy``); provided resources are the user's to check.
    """
    node = trail.node
    key = node.try_find_child("Key")
    if isinstance(key, kms.Key):
        key.add_to_resource_policy(iam.PolicyStatement.from_json(dict(CREATE_GRANT_DENY_STATEMENT)))
    bucket = node.try_find_child("Bucket")
    if isinstance(bucket, s3.Bucket):
        cfn_bucket = bucket.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        # S3 sends object events (new log files, deletions) to the default event bus at no charge:
        # alerting on log deletion needs no change to the bucket (Control Tower CT.S3.PR.4).
        cfn_bucket.add_property_override(
            "NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", True
        )
        acknowledge_log_bucket(bucket, object_lock=object_lock_retention is not None)
    access_logs = node.try_find_child("AccessLogsBucket")
    if isinstance(access_logs, s3.Bucket):
        acknowledge_access_logs_bucket(access_logs)
    cfn_trail = node.find_child("Trail")
    assert isinstance(cfn_trail, cloudtrail.CfnTrail)
    acknowledge_trail(cfn_trail, cloud_watch_logs=cfn_trail.cloud_watch_logs_log_group_arn is not None)
    logs_policy = node.try_find_child("LogsPolicy")
    if isinstance(logs_policy, iam.ManagedPolicy):
        document = cdk.Stack.of(trail).resolve(logs_policy.document.to_json())
        arns = [r for st in document["Statement"] for r in _as_list(st.get("Resource")) if "*" in str(r)]
        acknowledge_logs_policy(logs_policy, arns)
    _warn_if_lock_outlives_retention(trail, log_retention, object_lock_retention)


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else [value] if value is not None else []


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
