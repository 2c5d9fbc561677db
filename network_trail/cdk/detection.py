"""Detect with CloudWatch: metric filters on the trail's log group, alarms, and an encrypted SNS topic.

The filter patterns are built by plain functions (:func:`denied_pattern`,
:func:`outside_caller_pattern`, :func:`volume_pattern`), which the construct
uses and the tests evaluate against sample records.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

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
from .trail import NetworkTrail

__all__ = [
    "MAX_ALLOWED_ACCOUNTS",
    "MAX_PATTERN_LENGTH",
    "METRIC_NAMESPACE",
    "NetworkActivityAlarms",
    "denied_pattern",
    "outside_caller_pattern",
    "volume_pattern",
]

METRIC_NAMESPACE: Final = "NetworkTrail"
"""CloudWatch namespace of every metric the filters publish."""

DEFAULT_SPIKE_THRESHOLD: Final = 10_000
"""Network activity events per period above which the volume alarm fires."""


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

    :param scope: the parent construct.
    :param construct_id: the construct id.
    :param trail: the trail whose log group the filters read.
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
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        trail = require_trail(trail, path=self.node.path, fix="pass the trail to watch")
        problems: list[str] = []
        if trail.log_group is None:
            problems.append(
                f"trail {trail.node.path!r} has no CloudWatch Logs delivery, which metric filters need: "
                f"create it with send_to_cloud_watch_logs=True"
            )
        if isinstance(allowed_account_ids, str):
            problems.append(
                f"allowed_account_ids must be a list of account ids, got the string {allowed_account_ids!r}: "
                f"wrap it, e.g. [{allowed_account_ids!r}]"
            )
            allowed_account_ids = ()
        accounts = [*allowed_account_ids]
        if not cdk.Token.is_unresolved(stack.account):
            accounts.insert(0, stack.account)
        elif not allowed_account_ids:
            problems.append(
                "allowed_account_ids is required when the stack has no account (env-agnostic): give the "
                "endpoint owners' account ids"
            )
        for knob, value in (("spike_threshold", spike_threshold), ("denied_threshold", denied_threshold)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problems.append(f"{knob} must be a whole number of at least 1, got {value!r}")
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
        if tags is not None:
            problems += tag_problems(tags)
        if problems:
            raise NetworkTrailError(problems, path=self.node.path)
        try:
            outside = outside_caller_pattern(accounts)
        except NetworkTrailError as err:
            raise NetworkTrailError(err.problems, path=self.node.path) from None
        assert trail.log_group is not None
        log_group = trail.log_group
        every = period or cdk.Duration.minutes(5)

        # --- topic ------------------------------------------------------------------------------
        # Grants only through AWS services (Control Tower CT.KMS.PR.3): SNS and CloudWatch use key policy.
        self._key = create_addon_key(
            self,
            "TopicKey",
            description="Encrypts the network activity alarms topic (network_trail)",
        )
        # CloudWatch publishes to an encrypted topic only if it may use the key: the statement of
        # https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services,
        # bound to this account's alarms as the topic policy is (aws:SourceAccount / aws:SourceArn,
        # sent when a service principal calls on behalf of a resource:
        # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn).
        alarms = f"arn:{stack.partition}:cloudwatch:{stack.region}:{stack.account}:alarm:*"
        self._key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsToUseKey",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
                conditions={
                    "ArnLike": {"aws:SourceArn": alarms},
                    "StringEquals": {"aws:SourceAccount": stack.account},
                },
            )
        )
        self._topic = sns.Topic(
            self,
            "Topic",
            display_name="Network activity alarms",
            master_key=self._key,
            enforce_ssl=True,
        )
        self._topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsToPublish",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self._topic.topic_arn],
                conditions={
                    "ArnLike": {"aws:SourceArn": alarms},
                    "StringEquals": {"aws:SourceAccount": stack.account},
                },
            )
        )
        if email is not None:
            self._topic.add_subscription(subscriptions.EmailSubscription(email))
        if https_endpoint is not None:
            self._topic.add_subscription(subscriptions.UrlSubscription(https_endpoint))
        action = cw_actions.SnsAction(self._topic)

        # --- filters and alarms -----------------------------------------------------------------
        self._patterns: dict[str, str] = {}
        self._alarms: dict[str, cloudwatch.Alarm] = {}
        self._add(
            "Denied",
            log_group,
            denied_pattern(),
            "VpceAccessDenied",
            None,
            denied_threshold,
            every,
            action,
            "Calls denied by a VPC endpoint policy (VpceAccessDenied)",
        )
        sources = sorted({s.source_value for s in trail.selectors if isinstance(s, NetworkActivitySelector)})
        for source in sources:
            label = "".join(p.capitalize() for p in re.split(r"[.-]", source.removesuffix(".amazonaws.com")))
            self._add(
                f"Denied{label}",
                log_group,
                denied_pattern(source),
                "VpceAccessDenied",
                {"EventSource": "$.eventSource"},
                denied_threshold,
                every,
                action,
                f"Calls to {source} denied by a VPC endpoint policy",
                dimension_value=source,
            )
        self._add(
            "OutsideAccount",
            log_group,
            outside,
            "OutsideAccountCalls",
            None,
            1,
            every,
            action,
            "Calls through VPC endpoints by accounts outside the allowed list",
        )
        self._add(
            "Volume",
            log_group,
            volume_pattern(),
            "NetworkActivityEvents",
            None,
            spike_threshold + 1,
            every,
            action,
            f"More than {spike_threshold} network activity events in {every.to_human_string()}",
        )
        _resources.tag_all(self, tags)

    def _add(
        self,
        name: str,
        log_group: logs.ILogGroup,
        pattern: str,
        metric_name: str,
        dimensions: dict[str, str] | None,
        threshold: int,
        period: cdk.Duration,
        action: cw_actions.SnsAction,
        description: str,
        *,
        dimension_value: str | None = None,
    ) -> None:
        logs.MetricFilter(
            self,
            f"{name}Filter",
            log_group=log_group,
            filter_pattern=logs.FilterPattern.literal(pattern),
            metric_namespace=METRIC_NAMESPACE,
            metric_name=metric_name,
            metric_value="1",
            dimensions=dimensions,
        )
        metric = cloudwatch.Metric(
            namespace=METRIC_NAMESPACE,
            metric_name=metric_name,
            dimensions_map={"EventSource": dimension_value} if dimension_value else None,
            statistic="Sum",
            period=period,
        )
        alarm = metric.create_alarm(
            self,
            f"{name}Alarm",
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        alarm.add_alarm_action(action)
        self._patterns[name] = pattern
        self._alarms[name] = alarm

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
