"""Detect with CloudWatch: metric filters on the trail's log group, alarms, and an encrypted SNS topic.

The filter patterns are built by plain functions (:func:`denied_pattern`,
:func:`outside_caller_pattern`, :func:`volume_pattern`), which the construct
uses and the tests evaluate against sample records.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from ..errors import NetworkTrailError
from ..model._filter_patterns import (
    MAX_ALLOWED_ACCOUNTS,
    MAX_PATTERN_LENGTH,
    denied_pattern,
    outside_caller_pattern,
    volume_pattern,
)
from ..model.selectors import NetworkActivitySelector
from ..model.validation import tag_problems
from . import _resources
from ._addons import create_addon_key, require_trail
from ._props import keywords
from ._stack import StackValues, stack_values
from .trail import NetworkTrail

__all__ = [
    "MAX_ALLOWED_ACCOUNTS",
    "MAX_PATTERN_LENGTH",
    "METRIC_NAMESPACE",
    "NetworkActivityAlarms",
    "NetworkActivityAlarmsProps",
    "denied_pattern",
    "outside_caller_pattern",
    "volume_pattern",
]

METRIC_NAMESPACE: Final = "NetworkTrail"
"""CloudWatch namespace of every metric the filters publish."""

DEFAULT_SPIKE_THRESHOLD: Final = 10_000
"""Network activity events per period above which the volume alarm fires."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkActivityAlarmsProps:
    """The options of :class:`NetworkActivityAlarms`: every keyword argument but ``trail``.

    One field per option, named, typed and defaulted as the constructor's keyword argument;
    :meth:`NetworkActivityAlarms.from_props` takes them as one typed value (the sample app's
    ``cdk.json`` configuration produces one). The trail is apart: it is what the alarms watch.

    :param allowed_account_ids: accounts whose calls are expected besides the stack's account
        (endpoint owners and trusted callers); at most 19 more. Default: - the stack's account only
    :param spike_threshold: events per ``period`` above which the volume alarm fires.
        Default: 10000
    :param denied_threshold: denied calls per ``period`` from which the denied alarms fire. Default: 1
    :param period: the period every alarm evaluates. Default: Duration.minutes(5)
    :param email: an address subscribed to the topic (it must confirm). Default: - no subscription
    :param https_endpoint: an HTTPS URL subscribed to the topic. Default: - no subscription
    :param tags: tags for every resource the construct creates (the trail's ``tags`` do not reach
        them). Default: - no tags
    """

    allowed_account_ids: Sequence[str] = ()
    spike_threshold: int = DEFAULT_SPIKE_THRESHOLD
    denied_threshold: int = 1
    period: cdk.Duration | None = None
    email: str | None = None
    https_endpoint: str | None = None
    tags: Mapping[str, str] | None = None


def _watched_accounts(account: str, props: NetworkActivityAlarmsProps) -> list[str]:
    """The accounts whose calls are expected: the stack's (when known), then ``allowed_account_ids``."""
    allowed = () if isinstance(props.allowed_account_ids, str) else props.allowed_account_ids
    return [*allowed] if cdk.Token.is_unresolved(account) else [account, *allowed]


def _check(trail: NetworkTrail, account: str, props: NetworkActivityAlarmsProps) -> list[str]:
    """Every problem of the props, given the trail and the stack's account; empty when none."""
    problems: list[str] = []
    if trail.log_group is None:
        problems.append(
            f"trail {trail.node.path!r} has no CloudWatch Logs delivery, which metric filters need: "
            f"create it with send_to_cloud_watch_logs=True"
        )
    allowed = props.allowed_account_ids
    if isinstance(allowed, str):
        problems.append(
            f"allowed_account_ids must be a list of account ids, got the string {allowed!r}: "
            f"wrap it, e.g. [{allowed!r}]"
        )
        allowed = ()
    if cdk.Token.is_unresolved(account) and not allowed:
        problems.append(
            "allowed_account_ids is required when the stack has no account (env-agnostic): give the "
            "endpoint owners' account ids"
        )
    for knob, value in (
        ("spike_threshold", props.spike_threshold),
        ("denied_threshold", props.denied_threshold),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(f"{knob} must be a whole number of at least 1, got {value!r}")
    problems += _subscription_problems(props.email, props.https_endpoint)
    if props.tags is not None:
        problems += tag_problems(props.tags)
    return problems


def _subscription_problems(email: str | None, https_endpoint: str | None) -> list[str]:
    """The topic's subscribers must be an e-mail address and an https:// URL."""
    problems: list[str] = []
    if email is not None and (
        not isinstance(email, str) or not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email)
    ):
        problems.append(f"email must be an e-mail address, got {email!r}: e.g. 'security@example.com'")
    if https_endpoint is not None and (
        not isinstance(https_endpoint, str) or not https_endpoint.startswith("https://")
    ):
        problems.append(
            f"https_endpoint must be an https:// URL, got {https_endpoint!r}: SNS delivers alarms "
            f"over TLS only here"
        )
    return problems


class _Alarm(NamedTuple):
    """One metric filter and its alarm, as :meth:`NetworkActivityAlarms._create_alarm` creates them."""

    name: str
    pattern: str
    metric_name: str
    threshold: int
    description: str
    source: str | None = None


class NetworkActivityAlarms(Construct):
    """CloudWatch alarms on a :class:`NetworkTrail`'s network activity events, to an encrypted topic.

    Needs the trail's CloudWatch Logs delivery (``send_to_cloud_watch_logs=True``).
    Creates metric filters in namespace ``NetworkTrail`` and one alarm each for:
    every ``VpceAccessDenied`` (metric ``VpceAccessDenied``), ``VpceAccessDenied``
    per event source of the trail's selectors (same metric, dimension
    ``EventSource``), calls by accounts outside ``allowed_account_ids`` (metric
    ``OutsideAccountCalls``) and the volume of events (metric
    ``NetworkActivityEvents``) above ``spike_threshold``. Alarms publish to an SNS
    topic encrypted with a dedicated KMS key that CloudWatch may use.

    The other keyword arguments are the options of :class:`NetworkActivityAlarmsProps`,
    documented there.

    :param scope: the parent construct.
    :param construct_id: the construct id.
    :param trail: the trail whose log group the filters read.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        /,
        *,
        trail: NetworkTrail,
        allowed_account_ids: Sequence[str] = (),
        spike_threshold: int = DEFAULT_SPIKE_THRESHOLD,
        denied_threshold: int = 1,
        period: cdk.Duration | None = None,
        email: str | None = None,
        https_endpoint: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        props = NetworkActivityAlarmsProps(
            allowed_account_ids=allowed_account_ids,
            spike_threshold=spike_threshold,
            denied_threshold=denied_threshold,
            period=period,
            email=email,
            https_endpoint=https_endpoint,
            tags=tags,
        )
        super().__init__(scope, construct_id)
        # Every property read is a round-trip to the jsii kernel: read the stack's values once.
        values = stack_values(cdk.Stack.of(self))
        trail = require_trail(trail, path=self.node.path, fix="pass the trail to watch")
        problems = _check(trail, values.account, props)
        if problems:
            raise NetworkTrailError(problems, path=self.node.path)
        try:
            outside = outside_caller_pattern(_watched_accounts(values.account, props))
        except NetworkTrailError as err:
            raise NetworkTrailError(err.problems, path=self.node.path) from None
        assert trail.log_group is not None
        key, topic = self._create_topic(values, props)
        alarms = self._plan_alarms(trail, outside, props)
        created = self._create_alarms(alarms, trail.log_group, props.period or cdk.Duration.minutes(5), topic)
        _resources.tag_all(self, props.tags)
        self._key = key
        self._topic = topic
        self._patterns = {alarm.name: alarm.pattern for alarm in alarms}
        self._alarms = created

    # --- steps -----------------------------------------------------------------------------------
    def _create_topic(
        self, values: StackValues, props: NetworkActivityAlarmsProps
    ) -> tuple[kms.Key, sns.Topic]:
        """The topic, its key and the statements that let this account's alarms use both."""
        # Grants only through AWS services (Control Tower CT.KMS.PR.3): SNS and CloudWatch use key policy.
        key = create_addon_key(
            self,
            "TopicKey",
            values=values,
            description="Encrypts the network activity alarms topic (network_trail)",
        )
        # CloudWatch publishes to an encrypted topic only if it may use the key: the statement of
        # https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services,
        # bound to this account's alarms as the topic policy is (aws:SourceAccount / aws:SourceArn,
        # sent when a service principal calls on behalf of a resource:
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn).
        partition, region, account = values
        alarms = f"arn:{partition}:cloudwatch:{region}:{account}:alarm:*"
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsToUseKey",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
                conditions={
                    "ArnLike": {"aws:SourceArn": alarms},
                    "StringEquals": {"aws:SourceAccount": account},
                },
            )
        )
        topic = sns.Topic(
            self,
            "Topic",
            display_name="Network activity alarms",
            master_key=key,
            enforce_ssl=True,
        )
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsToPublish",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions={
                    "ArnLike": {"aws:SourceArn": alarms},
                    "StringEquals": {"aws:SourceAccount": account},
                },
            )
        )
        if props.email is not None:
            topic.add_subscription(subscriptions.EmailSubscription(props.email))
        if props.https_endpoint is not None:
            topic.add_subscription(subscriptions.UrlSubscription(props.https_endpoint))
        return key, topic

    @staticmethod
    def _plan_alarms(trail: NetworkTrail, outside: str, props: NetworkActivityAlarmsProps) -> list[_Alarm]:
        """What each alarm watches: every denial, denials per source of the trail, outside callers, volume."""
        every = props.period or cdk.Duration.minutes(5)
        sources = sorted({s.source_value for s in trail.selectors if isinstance(s, NetworkActivitySelector)})
        per_source = [
            _Alarm(
                "Denied"
                + "".join(p.capitalize() for p in re.split(r"[.-]", source.removesuffix(".amazonaws.com"))),
                denied_pattern(source),
                "VpceAccessDenied",
                props.denied_threshold,
                f"Calls to {source} denied by a VPC endpoint policy",
                source,
            )
            for source in sources
        ]
        return [
            _Alarm(
                "Denied",
                denied_pattern(),
                "VpceAccessDenied",
                props.denied_threshold,
                "Calls denied by a VPC endpoint policy (VpceAccessDenied)",
            ),
            *per_source,
            _Alarm(
                "OutsideAccount",
                outside,
                "OutsideAccountCalls",
                1,
                "Calls through VPC endpoints by accounts outside the allowed list",
            ),
            _Alarm(
                "Volume",
                volume_pattern(),
                "NetworkActivityEvents",
                props.spike_threshold + 1,
                f"More than {props.spike_threshold} network activity events in {every.to_human_string()}",
            ),
        ]

    def _create_alarms(
        self, alarms: Sequence[_Alarm], log_group: logs.ILogGroup, period: cdk.Duration, topic: sns.ITopic
    ) -> dict[str, cloudwatch.Alarm]:
        """A metric filter and an alarm publishing to ``topic`` for each of ``alarms``, in order."""
        action = cw_actions.SnsAction(topic)
        return {alarm.name: self._create_alarm(alarm, log_group, period, action) for alarm in alarms}

    def _create_alarm(
        self, alarm: _Alarm, log_group: logs.ILogGroup, period: cdk.Duration, action: cw_actions.SnsAction
    ) -> cloudwatch.Alarm:
        logs.MetricFilter(
            self,
            f"{alarm.name}Filter",
            log_group=log_group,
            filter_pattern=logs.FilterPattern.literal(alarm.pattern),
            metric_namespace=METRIC_NAMESPACE,
            metric_name=alarm.metric_name,
            metric_value="1",
            dimensions={"EventSource": "$.eventSource"} if alarm.source else None,
        )
        metric = cloudwatch.Metric(
            namespace=METRIC_NAMESPACE,
            metric_name=alarm.metric_name,
            dimensions_map={"EventSource": alarm.source} if alarm.source else None,
            statistic="Sum",
            period=period,
        )
        created = metric.create_alarm(
            self,
            f"{alarm.name}Alarm",
            threshold=alarm.threshold,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=alarm.description,
        )
        created.add_alarm_action(action)
        return created

    # --- public API ------------------------------------------------------------------------------
    @classmethod
    def from_props(
        cls, scope: Construct, construct_id: str, /, *, trail: NetworkTrail, props: NetworkActivityAlarmsProps
    ) -> NetworkActivityAlarms:
        """Alarms of ``trail`` configured by one props object: the same as passing each field as a
        keyword argument.

        :param scope: the parent construct.
        :param construct_id: the construct id.
        :param trail: the trail whose log group the filters read.
        :param props: the options.
        """
        return cls(scope, construct_id, trail=trail, **keywords(props))

    @property
    def topic(self) -> sns.ITopic:
        """The encrypted SNS topic every alarm publishes to."""
        return self._topic

    @property
    def topic_key(self) -> kms.IKey:
        """The KMS key of the topic."""
        return self._key

    @property
    def alarms(self) -> dict[str, cloudwatch.Alarm]:
        """Alarm name (``Denied``, ``Denied<Source>``, ``OutsideAccount``, ``Volume``) -> alarm."""
        return dict(self._alarms)

    @property
    def filter_patterns(self) -> dict[str, str]:
        """Alarm name -> the filter pattern its metric filter ships."""
        return dict(self._patterns)
