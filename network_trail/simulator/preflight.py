"""The delivery preflight over a synthesized assembly: trails, their policies, their requests.

Reads the stacks of a ``cdk.out`` directory (or one template file), resolves the CloudFormation
references the policies hold (``Ref``, ``Fn::GetAtt``, ``Fn::Join`` and the pseudo parameters)
into one consistent set of names, finds each ``AWS::CloudTrail::Trail`` with its bucket, key,
CloudWatch Logs role, log group and alarm topic, and runs
:func:`~network_trail.model._preflight.run_preflight` on it. A bucket or key defined outside the
assembly makes its requests "not checkable", with the statements to check by hand. Pure Python.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ..errors import NetworkTrailError
from ..model._delivery import AlarmsSetup, DeliverySetup, Expect, LogsSetup, Reader, Target, Writer
from ..model._ids import region_partition
from ..model._policies import TrailArnParts, as_policy_json, bucket_policy_statements, key_policy_statements
from ..model._preflight import Check, Outcome, PolicySet, PreflightReport, run_preflight
from ..model.iam import Policy, parse_policy
from .assembly import StackTemplate

__all__ = [
    "EXAMPLE_MEMBER",
    "LogStorePreflight",
    "TrailPreflight",
    "log_store_policies",
    "preflight_json",
    "preflight_log_store",
    "preflight_stacks",
    "requests_by_statement",
    "trail_less_log_stores",
]

TRAIL_METADATA: Final = "network-trail"
"""The trail resource's metadata key: ``{"owner": <account>, "organizationId": <o-id>}`` for an
organization trail (the owner is the management account, whoever creates it)."""
CLOUDTRAIL: Final = "cloudtrail.amazonaws.com"
EXAMPLE_MEMBER: Final = "109876543210"
"""A member account whose files an organization trail writes, for the organization path's rows."""


@dataclass(frozen=True, slots=True)
class TrailPreflight:
    """The preflight of one trail."""

    stack: str
    logical_id: str
    trail_arn: str
    report: PreflightReport


class _Resolver:
    """Resolves a template's references to stable names: ``Ref`` and ``Fn::GetAtt … Arn`` of buckets,
    keys, roles, log groups, topics and trails, ``Fn::Join`` and the pseudo parameters."""

    def __init__(self, stack: StackTemplate) -> None:
        self.stack = stack
        self.resources: Mapping[str, Any] = stack.template.get("Resources") or {}
        self.account = stack.account or "<account>"
        self.region = stack.region or "<region>"
        self.partition = region_partition(stack.region)

    def kind(self, logical_id: str) -> str:
        return str((self.resources.get(logical_id) or {}).get("Type", ""))

    def props(self, logical_id: str) -> Mapping[str, Any]:
        return (self.resources.get(logical_id) or {}).get("Properties") or {}

    def _named(self, logical_id: str, prop: str) -> str:
        name = self.props(logical_id).get(prop)
        return name if isinstance(name, str) else logical_id.lower()

    def ref(self, logical_id: str) -> str:
        pseudo = {
            "AWS::Partition": self.partition,
            "AWS::Region": self.region,
            "AWS::AccountId": self.account,
            "AWS::URLSuffix": "amazonaws.com",
        }
        if logical_id in pseudo:
            return pseudo[logical_id]
        kind = self.kind(logical_id)
        if kind == "AWS::S3::Bucket":
            return self._named(logical_id, "BucketName")
        if kind == "AWS::SNS::Topic":
            return f"arn:{self.partition}:sns:{self.region}:{self.account}:{self._named(logical_id, 'TopicName')}"
        if kind == "AWS::IAM::Role":
            return self._named(logical_id, "RoleName")
        return logical_id

    def arn(self, logical_id: str) -> str:
        p, r, a = self.partition, self.region, self.account
        kind = self.kind(logical_id)
        if kind == "AWS::S3::Bucket":
            return f"arn:{p}:s3:::{self.ref(logical_id)}"
        if kind == "AWS::KMS::Key":
            return f"arn:{p}:kms:{r}:{a}:key/{logical_id}"
        if kind == "AWS::IAM::Role":
            return f"arn:{p}:iam::{a}:role/{self.ref(logical_id)}"
        if kind == "AWS::Logs::LogGroup":
            return f"arn:{p}:logs:{r}:{a}:log-group:{self._named(logical_id, 'LogGroupName')}:*"
        if kind == "AWS::SNS::Topic":
            return self.ref(logical_id)
        return f"<{logical_id}.Arn>"

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"}:
            return self.ref(str(value["Ref"]))
        if set(value) == {"Fn::GetAtt"}:
            logical_id, attribute = value["Fn::GetAtt"]
            return self.arn(logical_id) if attribute == "Arn" else f"<{logical_id}.{attribute}>"
        if set(value) == {"Fn::Join"}:
            separator, parts = value["Fn::Join"]
            return str(separator).join(str(self.resolve(part)) for part in parts)
        return {key: self.resolve(item) for key, item in value.items()}

    def ref_target(self, value: Any) -> str | None:
        """The logical id a ``Ref`` or ``Fn::GetAtt`` names, else ``None``."""
        if isinstance(value, dict) and set(value) == {"Ref"}:
            return str(value["Ref"])
        if isinstance(value, dict) and set(value) == {"Fn::GetAtt"}:
            return str(value["Fn::GetAtt"][0])
        return None

    def of_type(self, kind: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        for logical_id, resource in self.resources.items():
            if isinstance(resource, dict) and resource.get("Type") == kind:
                yield logical_id, resource.get("Properties") or {}

    def policy(self, document: Any, name: str) -> Policy:
        return parse_policy(self.resolve(document), name=name)


def _bucket_policy(resolver: _Resolver, bucket_id: str) -> Policy | None:
    for logical_id, props in resolver.of_type("AWS::S3::BucketPolicy"):
        if resolver.ref_target(props.get("Bucket")) == bucket_id:
            return resolver.policy(props["PolicyDocument"], f"{resolver.stack.name}/{logical_id}")
    return None


def _key_policy(resolver: _Resolver, key_id: str | None) -> Policy | None:
    if key_id is None or resolver.kind(key_id) != "AWS::KMS::Key":
        return None
    return resolver.policy(resolver.props(key_id).get("KeyPolicy"), f"{resolver.stack.name}/{key_id}")


def _bucket_key_id(resolver: _Resolver, bucket_id: str) -> str | None:
    rules = (resolver.props(bucket_id).get("BucketEncryption") or {}).get("ServerSideEncryptionConfiguration")
    for rule in rules or ():
        default = rule.get("ServerSideEncryptionByDefault") or {}
        target = resolver.ref_target(default.get("KMSMasterKeyID"))
        if target is not None:
            return target
    return None


def _bucket_key_enabled(resolver: _Resolver, bucket_id: str) -> bool:
    rules = (resolver.props(bucket_id).get("BucketEncryption") or {}).get("ServerSideEncryptionConfiguration")
    return any(rule.get("BucketKeyEnabled") is True for rule in rules or ())


def _role_policies(resolver: _Resolver, role_id: str) -> list[Policy]:
    """The role's inline policies and the managed or inline policy resources attached to it."""
    name = resolver.stack.name
    policies = [
        resolver.policy(inline["PolicyDocument"], f"{name}/{role_id}/{inline.get('PolicyName', i)}")
        for i, inline in enumerate(resolver.props(role_id).get("Policies") or ())
    ]
    for kind in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy"):
        for logical_id, props in resolver.of_type(kind):
            if any(resolver.ref_target(r) == role_id for r in props.get("Roles") or ()):
                policies.append(resolver.policy(props["PolicyDocument"], f"{name}/{logical_id}"))
    return policies


def _cloudtrail_bucket(resolver: _Resolver, bucket_id: str) -> Policy | None:
    """The bucket's policy when it admits CloudTrail (a log bucket), else ``None``."""
    for logical_id, props in resolver.of_type("AWS::S3::BucketPolicy"):
        if resolver.ref_target(props.get("Bucket")) == bucket_id and CLOUDTRAIL in json.dumps(props):
            return resolver.policy(props["PolicyDocument"], f"{resolver.stack.name}/{logical_id}")
    return None


def log_store_policies(stack: StackTemplate) -> tuple[str, str | None, bool, PolicySet] | None:
    """The stack's CloudTrail log bucket (the one whose policy admits CloudTrail), its key and policies.

    :param stack: a stack of the assembly, e.g. a ``LogArchive``'s.
    :returns: ``(bucket name, key ARN, Bucket Key enabled, policies)``, or ``None`` when the stack
        has no such bucket.
    """
    resolver = _Resolver(stack)
    for bucket_id, _props in resolver.of_type("AWS::S3::Bucket"):
        policy = _cloudtrail_bucket(resolver, bucket_id)
        if policy is None:
            continue
        key_id = _bucket_key_id(resolver, bucket_id)
        policies = PolicySet(
            policies={Target.BUCKET: policy, Target.KEY: _key_policy(resolver, key_id)},
            accounts={Target.BUCKET: resolver.account, Target.KEY: resolver.account},
        )
        key_arn = resolver.arn(key_id) if key_id else None
        return resolver.ref(bucket_id), key_arn, _bucket_key_enabled(resolver, bucket_id), policies
    return None


def _trail_metadata(resolver: _Resolver, trail_id: str) -> Mapping[str, Any]:
    meta = (resolver.resources.get(trail_id) or {}).get("Metadata") or {}
    value = meta.get(TRAIL_METADATA)
    return resolver.resolve(dict(value)) if isinstance(value, Mapping) else {}


@dataclass(frozen=True, slots=True)
class _Trail:
    """What the preflight knows of one trail resource."""

    resolver: _Resolver
    logical_id: str
    writer: Writer
    parts: TrailArnParts

    @property
    def props(self) -> Mapping[str, Any]:
        return self.resolver.props(self.logical_id)


def _trail(resolver: _Resolver, trail_id: str, members: Sequence[str]) -> _Trail:
    props = resolver.props(trail_id)
    meta = _trail_metadata(resolver, trail_id)
    name = props.get("TrailName") if isinstance(props.get("TrailName"), str) else trail_id
    owner = str(meta.get("owner") or resolver.account)
    organization = meta.get("organizationId") if props.get("IsOrganizationTrail") is True else None
    prefix = props.get("S3KeyPrefix") if isinstance(props.get("S3KeyPrefix"), str) else None
    parts = TrailArnParts(
        partition=resolver.partition,
        region=resolver.region,
        account=owner,
        trail_name=str(name),
        s3_key_prefix=prefix,
        organization_id=str(organization) if organization else None,
    )
    writer = Writer(
        trail_arn=parts.trail_arn,
        organization_id=parts.organization_id,
        organization_trail=parts.organization_id is not None,
        member_accounts=tuple(members) if parts.organization_id else (),
    )
    return _Trail(resolver, trail_id, writer, parts)


def _find_bucket(stacks: Sequence[_Resolver], trail: _Trail) -> tuple[_Resolver, str] | None:
    """The trail's bucket: a ``Ref`` in its stack, or a bucket of the assembly with that literal name."""
    value = trail.props.get("S3BucketName")
    local = trail.resolver.ref_target(value)
    if local is not None and trail.resolver.kind(local) == "AWS::S3::Bucket":
        return trail.resolver, local
    for resolver in stacks:
        for bucket_id, props in resolver.of_type("AWS::S3::Bucket"):
            if isinstance(value, str) and props.get("BucketName") == value:
                return resolver, bucket_id
    return None


def _hand_checks(trail: _Trail, bucket_arn: str, policies: dict[Target, Policy | None]) -> dict[Target, Any]:
    """The statements to check by hand on a bucket or key the assembly does not define."""
    checks: dict[Target, Any] = {}
    if policies.get(Target.BUCKET) is None:
        checks[Target.BUCKET] = as_policy_json(bucket_policy_statements(trail.parts, bucket_arn))["Statement"]
    if policies.get(Target.KEY) is None:
        checks[Target.KEY] = as_policy_json(key_policy_statements(trail.parts))["Statement"]
    return checks


@dataclass
class _Collected:
    """The policies of one trail's setup, gathered target by target."""

    policies: dict[Target, Policy | None]
    accounts: dict[Target, str]
    role_policies: dict[str, Sequence[Policy]]


def _logs(trail: _Trail, into: _Collected, members: Sequence[str]) -> tuple[LogsSetup, ...]:
    """CloudWatch Logs delivery of the trail: the role's trust and policies, the log group's key."""
    r = trail.resolver
    role_id = r.ref_target(trail.props.get("CloudWatchLogsRoleArn"))
    group_id = r.ref_target(trail.props.get("CloudWatchLogsLogGroupArn"))
    if role_id is None or group_id is None or r.kind(role_id) != "AWS::IAM::Role":
        return ()
    role_arn = r.arn(role_id)
    trust = r.props(role_id).get("AssumeRolePolicyDocument")
    into.policies[Target.LOGS_ROLE_TRUST] = (
        r.policy(trust, f"{r.stack.name}/{role_id} trust") if trust else None
    )
    into.role_policies[role_arn] = _role_policies(r, role_id)
    key_id = r.ref_target(r.props(group_id).get("KmsKeyId"))
    into.policies[Target.LOGS_KEY] = _key_policy(r, key_id)
    for target in (Target.LOGS_ROLE_TRUST, Target.LOGS_ROLE, Target.LOGS_KEY):
        into.accounts[target] = r.account
    return (
        LogsSetup(
            trail_arn=trail.writer.trail_arn,
            role_arn=role_arn,
            log_group_arn=r.arn(group_id).removesuffix(":*"),
            key_arn=r.arn(key_id) if key_id else None,
            region=r.region,
            organization_id=trail.parts.organization_id,
            member_accounts=tuple(members) if trail.parts.organization_id else (),
        ),
    )


def _topic_policy(r: _Resolver, topic_id: str) -> Policy | None:
    for policy_id, policy in r.of_type("AWS::SNS::TopicPolicy"):
        if any(r.ref_target(t) == topic_id for t in policy.get("Topics") or ()):
            return r.policy(policy["PolicyDocument"], f"{r.stack.name}/{policy_id}")
    return None


def _alarm_arns(r: _Resolver, topic_id: str) -> list[str]:
    """The ARNs of the alarms whose actions publish to the topic."""
    return [
        f"arn:{r.partition}:cloudwatch:{r.region}:{r.account}:alarm:{alarm.get('AlarmName') or alarm_id}"
        for alarm_id, alarm in r.of_type("AWS::CloudWatch::Alarm")
        if any(r.ref_target(action) == topic_id for action in alarm.get("AlarmActions") or ())
    ]


def _alarms(r: _Resolver, into: _Collected) -> tuple[AlarmsSetup, ...]:
    """The stack's alarm topic: the alarms whose actions publish to it, its policy and its key."""
    for topic_id, props in r.of_type("AWS::SNS::Topic"):
        alarms = _alarm_arns(r, topic_id)
        if not alarms:
            continue
        key_id = r.ref_target(props.get("KmsMasterKeyId"))
        into.policies[Target.TOPIC] = _topic_policy(r, topic_id)
        into.policies[Target.TOPIC_KEY] = _key_policy(r, key_id)
        into.accounts[Target.TOPIC] = into.accounts[Target.TOPIC_KEY] = r.account
        key_arn = r.arn(key_id) if key_id else None
        return (AlarmsSetup(topic_arn=r.ref(topic_id), key_arn=key_arn, alarm_arns=tuple(alarms)),)
    return ()


def _storage(stacks: Sequence[_Resolver], trail: _Trail, into: _Collected) -> tuple[str, str | None, bool]:
    """The trail's bucket and key: ``(bucket name, key ARN, Bucket Key)``; their policies into ``into``."""
    r = trail.resolver
    key_value = trail.props.get("KMSKeyId")
    key_id = r.ref_target(key_value)
    key_arn: str | None = None
    if key_id is not None and r.kind(key_id) == "AWS::KMS::Key":
        key_arn = r.arn(key_id)
        into.policies[Target.KEY] = _key_policy(r, key_id)
        into.accounts[Target.KEY] = r.account
    elif isinstance(key_value, str):
        key_arn = key_value
        into.policies[Target.KEY] = None
        into.accounts[Target.KEY] = key_value.split(":")[4] if key_value.count(":") >= 5 else "<key account>"
    found = _find_bucket(stacks, trail)
    if found is None:
        name = r.resolve(trail.props.get("S3BucketName"))
        into.policies[Target.BUCKET] = None
        into.accounts[Target.BUCKET] = into.accounts.get(Target.KEY, r.account)
        return str(name), key_arn, True
    resolver, bucket_id = found
    into.policies[Target.BUCKET] = _bucket_policy(resolver, bucket_id)
    into.accounts[Target.BUCKET] = resolver.account
    return resolver.ref(bucket_id), key_arn, _bucket_key_enabled(resolver, bucket_id)


def _trail_preflight(
    stacks: Sequence[_Resolver], trail: _Trail, readers: Sequence[Reader], members: Sequence[str]
) -> TrailPreflight:
    into = _Collected({}, {}, {})
    bucket_name, key_arn, bucket_key = _storage(stacks, trail, into)
    setup = DeliverySetup(
        partition=trail.resolver.partition,
        bucket_name=bucket_name,
        key_arn=key_arn,
        s3_key_prefix=trail.parts.s3_key_prefix,
        writers=(trail.writer,),
        bucket_key=bucket_key,
        organization_id=trail.parts.organization_id,
        logs=_logs(trail, into, members),
        alarms=_alarms(trail.resolver, into),
        readers=tuple(readers),
        region=trail.resolver.region,
    )
    policies = PolicySet(
        policies=into.policies,
        accounts=into.accounts,
        role_policies=into.role_policies,
        hand_checks=_hand_checks(trail, setup.bucket_arn, into.policies),
    )
    report = run_preflight(setup, policies)
    return TrailPreflight(trail.resolver.stack.name, trail.logical_id, trail.writer.trail_arn, report)


def preflight_stacks(
    stacks: Sequence[StackTemplate],
    *,
    readers: Sequence[Reader] = (),
    member_accounts: Sequence[str] = (EXAMPLE_MEMBER,),
) -> list[TrailPreflight]:
    """The preflight of every trail of ``stacks``, with the bucket and key found across them.

    :param stacks: the stacks of one assembly (:func:`~network_trail.simulator.assembly.assembly_stacks`).
    :param readers: readers of the trails' log files to check as well. Default: - none
    :param member_accounts: member accounts an organization trail writes for (the organization
        path's rows). Default: - one example member account
    """
    resolvers = [_Resolver(stack) for stack in stacks]
    results = []
    for resolver in resolvers:
        for trail_id, _props in resolver.of_type("AWS::CloudTrail::Trail"):
            trail = _trail(resolver, trail_id, member_accounts)
            results.append(_trail_preflight(resolvers, trail, readers, member_accounts))
    return results


def _check_json(check: Check) -> dict[str, Any]:
    request = check.request
    caller = request.caller.service or request.caller.role_arn
    return {
        "request": request.name,
        "expect": request.expect.value,
        "action": request.action,
        "resource": request.resource,
        "caller": caller,
        "verdict": check.verdict,
        "outcome": check.outcome.value,
        "deciding": [str(ref) for ref in check.evaluation.deciding] if check.evaluation else [],
        "detail": check.detail,
        "page": request.page,
        "note": request.note,
    }


def preflight_json(
    results: Sequence[TrailPreflight], log_stores: Sequence[LogStorePreflight] = ()
) -> dict[str, Any]:
    """The preflight of every trail (and log archive) as JSON (``network-trail preflight --json``)."""
    return {
        "ok": all(r.report.ok for r in results) and all(r.report.ok for r in log_stores),
        "log_stores": [
            {
                "stack": r.stack,
                "bucket": r.bucket,
                "ok": r.report.ok,
                "checks": [_check_json(c) for c in r.report.checks],
            }
            for r in log_stores
        ],
        "trails": [
            {
                "stack": r.stack,
                "logical_id": r.logical_id,
                "trail_arn": r.trail_arn,
                "ok": r.report.ok,
                "checks": [_check_json(c) for c in r.report.checks],
                "check_by_hand": {t.value: list(s) for t, s in r.report.hand_checks.items()},
            }
            for r in results
        ],
    }


_GENERIC: Final = (
    (re.compile(r"o-[a-z0-9]{10,32}"), "<o-id>"),
    (re.compile(r"(?<!\d)\d{12}(?!\d)"), "<account>"),
    (re.compile(r"(trail <account>/)[^ ]+"), r"\1<name>"),
    (re.compile(r"(reader <account>/)[^ ]+"), r"\1<role>"),
    (re.compile(r"_CloudTrail_[a-z0-9-]+"), "_CloudTrail_<region>"),
    (re.compile(r"\(arn:[^)]*\)"), ""),
)


def _generic(name: str) -> str:
    """A request name without accounts, organizations, trail and role names (for the docs)."""
    for pattern, replacement in _GENERIC:
        name = pattern.sub(replacement, name)
    return name.strip()


def requests_by_statement(reports: Sequence[tuple[str, PreflightReport]]) -> str:
    """Per policy statement, the requests it allows (required) and refuses (forbidden), as Markdown.

    :param reports: ``(configuration name, report)`` pairs; a statement is named by its resource's
        logical id and its Sid (or index), so the same statement of several configurations is one row.
    """
    rows: dict[tuple[str, str], tuple[set[str], set[str], list[str]]] = {}
    for configuration, report in reports:
        for check in report.checks:
            if check.evaluation is None or check.outcome is not Outcome.OK:
                continue
            for ref in check.evaluation.deciding:
                resource = ref.policy.rsplit("/", 1)[-1]
                statement = f"`{ref.sid}`" if ref.sid else f"statement {ref.index}"
                needs, refuses, where = rows.setdefault((resource, statement), (set(), set(), []))
                label = f"`{_generic(check.request.name)}`"
                (needs if check.request.expect is Expect.ALLOW else refuses).add(label)
                if configuration not in where:
                    where.append(configuration)
    lines = [
        "| Policy | Statement | Requests that need it | Requests it refuses | Configurations |",
        "|---|---|---|---|---|",
    ]
    for (resource, statement), (needs, refuses, where) in sorted(rows.items()):
        lines.append(
            f"| `{resource}` | {statement} | {'<br>'.join(sorted(needs)) or '-'} | "
            f"{'<br>'.join(sorted(refuses)) or '-'} | {', '.join(where)} |"
        )
    return "\n".join(lines) + "\n"


def preflight_log_store(
    stack: StackTemplate,
    writers: Sequence[Writer],
    *,
    organization_id: str | None = None,
    readers: Sequence[Reader] = (),
) -> PreflightReport:
    """The preflight of a stack's CloudTrail log bucket and key (e.g. a ``LogArchive``'s) for ``writers``.

    :param stack: the stack holding the bucket whose policy admits CloudTrail.
    :param writers: the trails that write to it.
    :param organization_id: the organization the bucket admits. Default: - the writers'
    :param readers: readers of the log files. Default: - none
    :raises NetworkTrailError: when the stack has no CloudTrail log bucket.
    """
    found = log_store_policies(stack)
    if found is None:
        raise NetworkTrailError(
            f"stack {stack.name!r} has no S3 bucket whose policy admits cloudtrail.amazonaws.com"
        )
    bucket, key, bucket_key, policies = found
    setup = DeliverySetup(
        partition=region_partition(stack.region),
        bucket_name=bucket,
        key_arn=key,
        writers=tuple(writers),
        bucket_key=bucket_key,
        organization_id=organization_id,
        readers=tuple(readers),
    )
    return run_preflight(setup, policies)


@dataclass(frozen=True, slots=True)
class LogStorePreflight:
    """The preflight of a stack's log bucket and key without a trail in the assembly (a ``LogArchive``)."""

    stack: str
    bucket: str
    report: PreflightReport


def trail_less_log_stores(stacks: Sequence[StackTemplate]) -> list[StackTemplate]:
    """The stacks holding a CloudTrail log bucket but no trail: log archives, checked with given writers."""
    found = []
    for stack in stacks:
        resolver = _Resolver(stack)
        has_trail = any(True for _ in resolver.of_type("AWS::CloudTrail::Trail"))
        if not has_trail and log_store_policies(stack) is not None:
            found.append(stack)
    return found
