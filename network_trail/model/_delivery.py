"""The requests AWS makes to deliver a trail's logs, and the ones the policies must refuse.

A pure table: :func:`delivery_requests` turns a :class:`DeliverySetup` (the trails that
write, the bucket, the key, CloudWatch Logs delivery, the alarm topic, the readers) into
:class:`DeliveryRequest` rows, each with the AWS page that documents it. The preflight
(:mod:`network_trail.model._preflight`) evaluates them against the policies; ``verify`` reuses
them against deployed policies. Values a page leaves open are listed in
:attr:`DeliveryRequest.open_keys` (evaluated as unknown, never guessed) and explained in
:attr:`DeliveryRequest.note`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ._policies import awslogs_key_prefix

__all__ = [
    "AlarmsSetup",
    "Caller",
    "DeliveryRequest",
    "DeliverySetup",
    "Expect",
    "LogsSetup",
    "Reader",
    "Target",
    "Writer",
    "delivery_requests",
    "trail_account",
]

CLOUDTRAIL: Final = "cloudtrail.amazonaws.com"
CLOUDWATCH: Final = "cloudwatch.amazonaws.com"
OTHER_ACCOUNT: Final = "210987654321"
"""An account that is no writer and no reader (the "another account" of the forbidden rows)."""
OTHER_ORGANIZATION: Final = "o-zz9zz9zz9z"
"""An organization that is not the writers' (the "outside the organization" rows)."""
LOG_DAY: Final = "2026/01/01"

_UG: Final = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide"
UG_S3POL: Final = f"{_UG}/create-s3-bucket-policy-for-cloudtrail.html"
UG_S3POL_ORG: Final = f"{_UG}/create-s3-bucket-policy-for-cloudtrail.html#org-trail-bucket-policy"
UG_KMSPOL: Final = f"{_UG}/create-kms-key-policy-for-cloudtrail.html"
UG_KMSHOW: Final = f"{_UG}/how-kms-works-with-cloudtrail.html"
UG_FILES: Final = f"{_UG}/get-and-view-cloudtrail-log-files.html"
UG_LOGS_ROLE: Final = f"{_UG}/cloudtrail-required-policy-for-cloudwatch-logs.html"
LOGS_KMS: Final = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html"
SNS_KMS: Final = (
    "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services"
)
SNS_CW: Final = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/US_SetupSNS.html"
IAM_KEYS: Final = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
S3_PREFIX: Final = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html"
UG_DECRYPT: Final = (
    f"{_UG}/create-kms-key-policy-for-cloudtrail.html#create-kms-key-policy-for-cloudtrail-decrypt"
)

_TLS_NOTE: Final = (
    "aws:SecureTransport=true: no AWS page states how CloudTrail connects to S3; AWS Control Tower's audit "
    "bucket policy denies every request with aws:SecureTransport false (AllowSSLRequestsOnly) and CloudTrail "
    "writes to it (https://docs.aws.amazon.com/controltower/latest/userguide/logging-s3-audit-bucket.html)"
)
_ORG_NOTE: Final = (
    "aws:SourceOrgID: the Control Tower page shows it on CloudTrail's PutObject; no page shows it on "
    "GetBucketAcl or KMS requests, so it is unknown there"
)


class Expect(StrEnum):
    """What the policies must do with a request."""

    ALLOW = "allow"
    """Required: AWS makes it to deliver, and it must be allowed."""
    DENY = "deny"
    """Forbidden: it must be denied."""


class Target(StrEnum):
    """The policy (or policies) that decide a request."""

    BUCKET = "bucket"
    KEY = "key"
    LOGS_ROLE_TRUST = "logs-role-trust"
    LOGS_ROLE = "logs-role"
    LOGS_KEY = "logs-key"
    TOPIC = "topic"
    TOPIC_KEY = "topic-key"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who makes a request: an AWS service principal, or an IAM role (its ARN and account)."""

    service: str | None = None
    role_arn: str | None = None
    account: str | None = None


ContextValue = str | bool | tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryRequest:
    """One request, what the policies must answer, and the AWS page that documents it."""

    name: str
    """A short stable label, e.g. ``"cloudtrail PutObject AWSLogs/o-…/111111111111/"``."""
    target: Target
    expect: Expect
    action: str
    resource: str
    caller: Caller
    context: Mapping[str, ContextValue]
    open_keys: tuple[str, ...] = ()
    """Condition keys the documentation leaves open: evaluated as unknown."""
    trail_arn: str | None = None
    """The trail the request is made for (``None`` for readers' and alarms' requests)."""
    page: str
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Writer:
    """A trail that writes to the bucket.

    :param trail_arn: the ARN of the trail that really writes: an organization trail's names the
        management account, whoever created it.
    :param organization_id: the organization of the trail's account (``aws:SourceOrgID``), or
        ``None`` when it is in none. Default: - none
    :param organization_trail: the trail logs every account of ``organization_id``. Default: false
    :param member_accounts: for an organization trail, member accounts whose files it writes
        under ``AWSLogs/<o-id>/<member>/`` besides the management account's. Default: - none
    """

    trail_arn: str
    organization_id: str | None = None
    organization_trail: bool = False
    member_accounts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class LogsSetup:
    """CloudWatch Logs delivery of one trail: the role CloudTrail assumes, the log group and its key."""

    trail_arn: str
    role_arn: str
    log_group_arn: str
    """The log group's ARN without the ``:*`` suffix."""
    key_arn: str | None
    region: str
    organization_id: str | None = None
    member_accounts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AlarmsSetup:
    """Alarms publishing to an encrypted SNS topic."""

    topic_arn: str
    key_arn: str | None
    alarm_arns: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Reader:
    """A role that reads log files: every file (``account_id=None``) or one account's."""

    role_arn: str
    account_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliverySetup:
    """Everything the table needs: where the trails write, who writes, who reads.

    :param partition: ``aws``, ``aws-cn``, ...
    :param bucket_name: the log bucket.
    :param key_arn: the bucket's SSE-KMS key. Default: - none (no KMS requests)
    :param s3_key_prefix: the prefix before ``AWSLogs/``. Default: - none
    :param writers: the trails that write.
    :param bucket_key: the bucket uses an S3 Bucket Key (CloudTrail then needs ``kms:Decrypt``).
        Default: true
    :param organization_id: the organization the bucket admits (the forbidden "outside the
        organization" rows need it). Default: - the writers' organization
    :param logs: CloudWatch Logs deliveries. Default: - none
    :param alarms: alarm topics. Default: - none
    :param readers: readers of the log files. Default: - none
    :param region: the Region log files are written for. Default: - the first writer's
    """

    partition: str
    bucket_name: str
    key_arn: str | None
    s3_key_prefix: str | None = None
    writers: tuple[Writer, ...] = ()
    bucket_key: bool = True
    organization_id: str | None = None
    logs: tuple[LogsSetup, ...] = ()
    alarms: tuple[AlarmsSetup, ...] = ()
    readers: tuple[Reader, ...] = ()
    region: str | None = None

    @property
    def bucket_arn(self) -> str:
        """The bucket's ARN."""
        return f"arn:{self.partition}:s3:::{self.bucket_name}"

    @property
    def organization(self) -> str | None:
        """The organization of the setup: given, or the first writer's."""
        return self.organization_id or next(
            (w.organization_id for w in self.writers if w.organization_id), None
        )


def trail_account(trail_arn: str) -> str:
    """The account field of a trail ARN (``arn:p:cloudtrail:region:account:trail/name``)."""
    return trail_arn.split(":")[4]


def _short(trail_arn: str) -> str:
    """``<account>/<name>`` of a trail ARN, for request names."""
    return f"{trail_account(trail_arn)}/{trail_arn.rsplit('/', 1)[-1]}"


def _role(role_arn: str | None) -> str:
    """``<account>/<name>`` of a role ARN, for request names."""
    role_arn = role_arn or ""
    return f"{role_arn.split(':')[4]}/{role_arn.rsplit('/', 1)[-1]}" if role_arn.count(":") >= 5 else role_arn


def _trail_region(trail_arn: str) -> str:
    return trail_arn.split(":")[3]


def _paths(setup: DeliverySetup, writer: Writer) -> list[tuple[str, str]]:
    """``(account, key prefix ending in '/')`` of each path the writer writes."""
    base = awslogs_key_prefix(setup.s3_key_prefix)
    owner = trail_account(writer.trail_arn)
    if writer.organization_trail and writer.organization_id:
        accounts = [owner, *(m for m in writer.member_accounts if m != owner)]
        return [(a, f"{base}/{writer.organization_id}/{a}/") for a in accounts]
    return [(owner, f"{base}/{owner}/")]


def _object_key(prefix: str, account: str, region: str) -> str:
    """A network activity log file under ``prefix`` (UG-FILES; the ``CloudTrail-NetworkActivity`` folder)."""
    return (
        f"{prefix}CloudTrail-NetworkActivity/{region}/{LOG_DAY}/"
        f"{account}_CloudTrail-NetworkActivity_{region}_20260101T0000Z_0123456789abcdef.json.gz"
    )


def _service_context(
    trail_arn: str, organization_id: str | None, *, tls: bool = True
) -> dict[str, ContextValue]:
    context: dict[str, ContextValue] = {
        "aws:SourceArn": trail_arn,
        "aws:SourceAccount": trail_account(trail_arn),
        "aws:SecureTransport": tls,
        "aws:PrincipalIsAWSService": True,
    }
    if organization_id:
        context["aws:SourceOrgID"] = organization_id
    return context


def _put(
    setup: DeliverySetup,
    name: str,
    expect: Expect,
    path: tuple[str, str],
    trail_arn: str,
    organization_id: str | None,
    *,
    page: str,
    note: str,
    region: str,
    tls: bool = True,
) -> DeliveryRequest:
    """CloudTrail's ``s3:PutObject`` of a log file under ``path`` (account, prefix) for ``trail_arn``."""
    account, prefix = path
    return DeliveryRequest(
        name=name,
        target=Target.BUCKET,
        expect=expect,
        action="s3:PutObject",
        resource=f"{setup.bucket_arn}/{_object_key(prefix, account, region)}",
        caller=Caller(service=CLOUDTRAIL),
        context={
            **_service_context(trail_arn, organization_id, tls=tls),
            "s3:x-amz-acl": "bucket-owner-full-control",
        },
        trail_arn=trail_arn,
        page=page,
        note=note,
    )


def _writer_rows(setup: DeliverySetup, writer: Writer) -> list[DeliveryRequest]:
    """CloudTrail's requests for one trail: the ACL check, each path's PutObject, the key."""
    arn = writer.trail_arn
    region = setup.region or _trail_region(arn)
    service = Caller(service=CLOUDTRAIL)
    acl_context = _service_context(arn, None)
    rows = [
        DeliveryRequest(
            name=f"GetBucketAcl by trail {_short(arn)}",
            target=Target.BUCKET,
            expect=Expect.ALLOW,
            action="s3:GetBucketAcl",
            resource=setup.bucket_arn,
            caller=service,
            context=acl_context,
            open_keys=("aws:SourceOrgID",) if writer.organization_id else (),
            trail_arn=arn,
            page=UG_S3POL,
            note=f"{_TLS_NOTE}. {_ORG_NOTE}" if writer.organization_id else _TLS_NOTE,
        )
    ]
    page = UG_S3POL_ORG if writer.organization_trail else UG_S3POL
    for path in _paths(setup, writer):
        name = f"PutObject {path[1]} by trail {_short(arn)}"
        rows.append(
            _put(
                setup,
                name,
                Expect.ALLOW,
                path,
                arn,
                writer.organization_id,
                page=page,
                note=_TLS_NOTE,
                region=region,
            )
        )
    if setup.key_arn is not None:
        rows += _key_rows(setup, arn, service, Expect.ALLOW)
    return rows


def _key_rows(setup: DeliverySetup, arn: str, service: Caller, expect: Expect) -> list[DeliveryRequest]:
    """``kms:GenerateDataKey*`` (with the trail's encryption context), ``DescribeKey`` and, with a
    Bucket Key, ``Decrypt``, all for the trail ``arn``."""
    assert setup.key_arn is not None
    who = "trail" if expect is Expect.ALLOW else "another account's trail"
    base = _service_context(arn, None)
    open_org = ("aws:SourceOrgID",) if setup.organization else ()
    note = (
        "kms:EncryptionContext:aws:cloudtrail:arn is the ARN of the trail that writes (How AWS CloudTrail uses "
        "AWS KMS); aws:SourceAccount is the trail owner's account, the management account for an "
        "organization trail (UG-KMSPOL)"
    )
    rows = [
        DeliveryRequest(
            name=f"GenerateDataKey by {who} {_short(arn)}",
            target=Target.KEY,
            expect=expect,
            action="kms:GenerateDataKey",
            resource=setup.key_arn,
            caller=service,
            context={**base, "kms:EncryptionContext:aws:cloudtrail:arn": arn},
            open_keys=open_org,
            trail_arn=arn,
            page=UG_KMSHOW,
            note=note,
        ),
        DeliveryRequest(
            name=f"DescribeKey by {who} {_short(arn)}",
            target=Target.KEY,
            expect=expect,
            action="kms:DescribeKey",
            resource=setup.key_arn,
            caller=service,
            context=base,
            open_keys=open_org,
            trail_arn=arn,
            page=UG_KMSPOL,
            note=note,
        ),
    ]
    if setup.bucket_key:
        rows.append(
            DeliveryRequest(
                name=f"Decrypt (S3 Bucket Key) by {who} {_short(arn)}",
                target=Target.KEY,
                expect=expect,
                action="kms:Decrypt",
                resource=setup.key_arn,
                caller=service,
                context=base,
                open_keys=("kms:EncryptionContext:aws:cloudtrail:arn", *open_org),
                trail_arn=arn,
                page=UG_KMSPOL,
                note=(
                    "UG-KMSPOL: with an S3 Bucket Key, kms:Decrypt is required to create or update the trail; "
                    "the page does not give the request's encryption context (unknown here), and its "
                    "aws:SourceArn rests on the page's general sentence that aws:SourceArn is the trail's ARN"
                ),
            )
        )
    return rows


def _forbidden_writer_rows(setup: DeliverySetup) -> list[DeliveryRequest]:
    """Another account's trail, an account outside the organization, plain HTTP."""
    if not setup.writers:
        return []
    first = setup.writers[0]
    region = setup.region or _trail_region(first.trail_arn)
    organization = setup.organization
    base = awslogs_key_prefix(setup.s3_key_prefix)
    service = Caller(service=CLOUDTRAIL)
    other_arn = f"arn:{setup.partition}:cloudtrail:{region}:{OTHER_ACCOUNT}:trail/network-activity"
    other_path = (OTHER_ACCOUNT, f"{base}/{OTHER_ACCOUNT}/")
    rows = [
        _put(
            setup,
            f"PutObject {other_path[1]} by another account's trail {_short(other_arn)}",
            Expect.DENY,
            other_path,
            other_arn,
            organization,
            page=UG_S3POL,
            note="a trail of an account that is not a writer (in the writers' organization, if any)",
            region=region,
        )
    ]
    if setup.key_arn is not None:
        rows += _key_rows(setup, other_arn, service, Expect.DENY)
    if organization:
        outside_arn = f"arn:{setup.partition}:cloudtrail:{region}:{OTHER_ACCOUNT}:trail/outside"
        outside_path = (OTHER_ACCOUNT, f"{base}/{organization}/{OTHER_ACCOUNT}/")
        rows.append(
            _put(
                setup,
                f"PutObject {outside_path[1]} by a trail outside the organization",
                Expect.DENY,
                outside_path,
                outside_arn,
                OTHER_ORGANIZATION,
                page=UG_S3POL_ORG,
                note=f"a trail of organization {OTHER_ORGANIZATION} writing under the organization path",
                region=region,
            )
        )
    path = _paths(setup, first)[0]
    rows.append(
        _put(
            setup,
            f"PutObject {path[1]} over plain HTTP by trail {_short(first.trail_arn)}",
            Expect.DENY,
            path,
            first.trail_arn,
            first.organization_id,
            page=f"{IAM_KEYS}#condition-keys-securetransport",
            note="the writer's own request, sent without TLS (aws:SecureTransport=false)",
            region=region,
            tls=False,
        )
    )
    return rows


def _logs_rows(setup: DeliverySetup, logs: LogsSetup) -> list[DeliveryRequest]:
    """CloudTrail assumes the role, the role writes the streams, CloudWatch Logs uses the key."""
    role_account = logs.role_arn.split(":")[4]
    role_caller = Caller(role_arn=logs.role_arn, account=role_account)
    owner = trail_account(logs.trail_arn)
    streams = [f"{owner}_CloudTrail_{logs.region}"]
    if logs.organization_id:
        streams += [f"{logs.organization_id}_{m}_CloudTrail_{logs.region}" for m in logs.member_accounts]
    rows = [
        DeliveryRequest(
            name=f"AssumeRole of the Logs role by CloudTrail ({logs.role_arn})",
            target=Target.LOGS_ROLE_TRUST,
            expect=Expect.ALLOW,
            action="sts:AssumeRole",
            resource=logs.role_arn,
            caller=Caller(service=CLOUDTRAIL),
            context={"aws:PrincipalIsAWSService": True},
            trail_arn=logs.trail_arn,
            page=UG_LOGS_ROLE,
            note="the page: confused deputy prevention is not applicable to this role, so no source keys",
        )
    ]
    for stream in streams:
        for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
            rows.append(
                DeliveryRequest(
                    name=f"{action.split(':')[1]} {stream} by the Logs role",
                    target=Target.LOGS_ROLE,
                    expect=Expect.ALLOW,
                    action=action,
                    resource=f"{logs.log_group_arn}:log-stream:{stream}",
                    caller=role_caller,
                    context={"aws:SecureTransport": True},
                    trail_arn=logs.trail_arn,
                    page=UG_LOGS_ROLE,
                    note=(
                        "stream names: '<account>_CloudTrail_<region>', an organization's '<o-id>_*' (the "
                        "page); the member part after '<o-id>_' is not documented"
                    ),
                )
            )
    if logs.key_arn is not None:
        for action in ("kms:GenerateDataKey", "kms:Decrypt"):
            rows.append(
                DeliveryRequest(
                    name=f"{action.split(':')[1]} by CloudWatch Logs for the log group",
                    target=Target.LOGS_KEY,
                    expect=Expect.ALLOW,
                    action=action,
                    resource=logs.key_arn,
                    caller=Caller(service=f"logs.{logs.region}.amazonaws.com"),
                    context={
                        "kms:EncryptionContext:aws:logs:arn": logs.log_group_arn,
                        "aws:SecureTransport": True,
                        "aws:PrincipalIsAWSService": True,
                    },
                    trail_arn=logs.trail_arn,
                    page=LOGS_KMS,
                )
            )
    return rows


def _alarm_rows(alarms: AlarmsSetup) -> list[DeliveryRequest]:
    """Each alarm publishes to the topic and uses its key; a plain-HTTP or foreign alarm must not."""
    if not alarms.alarm_arns:
        return []
    topic_account = alarms.topic_arn.split(":")[4]
    service = Caller(service=CLOUDWATCH)
    # Every alarm of the stack sends the same keys; the first stands for all (their ARNs differ by name).
    alarm = alarms.alarm_arns[0]
    context: dict[str, ContextValue] = {
        "aws:SourceArn": alarm,
        "aws:SourceAccount": alarm.split(":")[4],
        "aws:SecureTransport": True,
        "aws:PrincipalIsAWSService": True,
    }
    rows = [
        DeliveryRequest(
            name="Publish to the alarm topic by an alarm",
            target=Target.TOPIC,
            expect=Expect.ALLOW,
            action="sns:Publish",
            resource=alarms.topic_arn,
            caller=service,
            context=context,
            page=SNS_CW,
        )
    ]
    if alarms.key_arn is not None:
        for action in ("kms:GenerateDataKey", "kms:Decrypt"):
            rows.append(
                DeliveryRequest(
                    name=f"{action.split(':')[1]} on the topic key by an alarm",
                    target=Target.TOPIC_KEY,
                    expect=Expect.ALLOW,
                    action=action,
                    resource=alarms.key_arn,
                    caller=service,
                    context=context,
                    open_keys=("kms:EncryptionContext:aws:sns:topicArn",),
                    page=SNS_KMS,
                    note="the SNS page does not give CloudWatch's encryption context: unknown here",
                )
            )
    rows.append(
        DeliveryRequest(
            name="Publish to the alarm topic over plain HTTP",
            target=Target.TOPIC,
            expect=Expect.DENY,
            action="sns:Publish",
            resource=alarms.topic_arn,
            caller=service,
            context={**context, "aws:SecureTransport": False},
            page=f"{IAM_KEYS}#condition-keys-securetransport",
        )
    )
    region = alarm.split(":")[3]
    foreign = f"arn:{alarm.split(':')[1]}:cloudwatch:{region}:{OTHER_ACCOUNT}:alarm:foreign"
    rows.append(
        DeliveryRequest(
            name="Publish to the alarm topic by another account's alarm",
            target=Target.TOPIC,
            expect=Expect.DENY,
            action="sns:Publish",
            resource=alarms.topic_arn,
            caller=service,
            context={**context, "aws:SourceArn": foreign, "aws:SourceAccount": OTHER_ACCOUNT},
            page=SNS_CW,
            note=f"an alarm of account {OTHER_ACCOUNT}, not the topic's {topic_account}",
        )
    )
    return rows


def _reader_rows(setup: DeliverySetup, reader: Reader) -> list[DeliveryRequest]:
    """``ListBucket`` of the reader's prefixes, ``GetObject`` of a file, ``Decrypt`` of it; and a
    one-account reader listing another account's prefix (forbidden)."""
    account = reader.role_arn.split(":")[4]
    caller = Caller(role_arn=reader.role_arn, account=account)
    base = awslogs_key_prefix(setup.s3_key_prefix)
    tls: dict[str, ContextValue] = {"aws:SecureTransport": True}
    if setup.organization:
        tls["aws:PrincipalOrgID"] = setup.organization
    rows: list[DeliveryRequest] = []
    for writer in setup.writers:
        for path_account, prefix in _paths(setup, writer):
            if reader.account_id is not None and path_account != reader.account_id:
                continue
            rows += _read_rows(setup, caller, writer, prefix, path_account, tls)
    if reader.account_id is not None:
        rows.append(
            DeliveryRequest(
                name=f"ListBucket {base}/{OTHER_ACCOUNT}/ by reader {_role(reader.role_arn)}",
                target=Target.BUCKET,
                expect=Expect.DENY,
                action="s3:ListBucket",
                resource=setup.bucket_arn,
                caller=caller,
                context={**tls, "s3:prefix": f"{base}/{OTHER_ACCOUNT}/"},
                page=S3_PREFIX,
                note="a one-account reader listing another account's prefix",
            )
        )
    return rows


def _read_rows(
    setup: DeliverySetup,
    caller: Caller,
    writer: Writer,
    prefix: str,
    account: str,
    tls: Mapping[str, ContextValue],
) -> list[DeliveryRequest]:
    region = setup.region or _trail_region(writer.trail_arn)
    role = caller.role_arn
    rows = [
        DeliveryRequest(
            name=f"ListBucket {prefix} by reader {_role(role)}",
            target=Target.BUCKET,
            expect=Expect.ALLOW,
            action="s3:ListBucket",
            resource=setup.bucket_arn,
            caller=caller,
            context={**tls, "s3:prefix": prefix},
            page=S3_PREFIX,
        ),
        DeliveryRequest(
            name=f"GetObject {prefix} by reader {_role(role)}",
            target=Target.BUCKET,
            expect=Expect.ALLOW,
            action="s3:GetObject",
            resource=f"{setup.bucket_arn}/{_object_key(prefix, account, region)}",
            caller=caller,
            context=dict(tls),
            page=UG_FILES,
        ),
    ]
    if setup.key_arn is not None:
        rows.append(
            DeliveryRequest(
                name=f"Decrypt a file of trail {_short(writer.trail_arn)} by reader {_role(role)}",
                target=Target.KEY,
                expect=Expect.ALLOW,
                action="kms:Decrypt",
                resource=setup.key_arn,
                caller=caller,
                context={**tls, "kms:EncryptionContext:aws:cloudtrail:arn": writer.trail_arn},
                page=UG_DECRYPT,
            )
        )
    return rows


def delivery_requests(setup: DeliverySetup) -> tuple[DeliveryRequest, ...]:
    """Every request of ``setup``: the required ones, then the forbidden ones.

    :param setup: the trails, bucket, key, CloudWatch Logs, alarms and readers.
    :returns: the rows, in a stable order (writers, forbidden writes, logs, alarms, readers).
    """
    rows: list[DeliveryRequest] = []
    for writer in setup.writers:
        rows += _writer_rows(setup, writer)
    rows += _forbidden_writer_rows(setup)
    for logs in setup.logs:
        rows += _logs_rows(setup, logs)
    for alarms in setup.alarms:
        rows += _alarm_rows(alarms)
    for reader in setup.readers:
        rows += _reader_rows(setup, reader)
    return tuple(rows)
