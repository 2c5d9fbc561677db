"""NetworkActivityAlarms: metric filters, alarms and the encrypted topic they publish to."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from network_trail import NetworkActivityAlarms, NetworkActivityAlarmsProps, NetworkTrail, NetworkTrailError
from network_trail.cdk.detection import (
    METRIC_NAMESPACE,
    denied_pattern,
    outside_caller_pattern,
    volume_pattern,
)
from network_trail.model.sources import GA_SOURCES

from .conftest import ACCOUNT, assert_tag_on_created, new_stack

PARTNER = "210987654321"


@pytest.fixture(scope="module")
def built() -> tuple[NetworkActivityAlarms, Template]:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", send_to_cloud_watch_logs=True)
    alarms = NetworkActivityAlarms(
        stack,
        "Alarms",
        trail=trail,
        allowed_account_ids=[PARTNER],
        spike_threshold=500,
        email="security@example.com",
        https_endpoint="https://hooks.example.com/alarms",
    )
    return alarms, Template.from_stack(stack)


@pytest.fixture(scope="module")
def template(built: tuple[NetworkActivityAlarms, Template]) -> Template:
    return built[1]


def _resources(template: Template, kind: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in template.find_resources(kind).values()]


def _source_values() -> list[str]:
    return sorted(str(getattr(s, "value", s)) for s in GA_SOURCES)


def test_filters_ship_exactly_the_patterns_the_pattern_tests_prove(template: Template) -> None:
    shipped = sorted(f["FilterPattern"] for f in _resources(template, "AWS::Logs::MetricFilter"))
    expected = sorted(
        [
            denied_pattern(),
            *(denied_pattern(s) for s in _source_values()),
            outside_caller_pattern([ACCOUNT, PARTNER]),
            volume_pattern(),
        ]
    )
    assert shipped == expected


def test_filter_patterns_property_matches_the_template(
    built: tuple[NetworkActivityAlarms, Template],
) -> None:
    alarms, template = built
    shipped = {f["FilterPattern"] for f in _resources(template, "AWS::Logs::MetricFilter")}
    assert set(alarms.filter_patterns.values()) == shipped


def test_filters_read_the_trails_log_group(template: Template) -> None:
    groups = {str(f["LogGroupName"]) for f in _resources(template, "AWS::Logs::MetricFilter")}
    assert len(groups) == 1 and "NetworkTrailLogGroup" in groups.pop()


@pytest.mark.parametrize("source", _source_values())
def test_denied_filter_per_source_publishes_an_event_source_dimension(
    template: Template, source: str
) -> None:
    template.has_resource_properties(
        "AWS::Logs::MetricFilter",
        {
            "FilterPattern": denied_pattern(source),
            "MetricTransformations": [
                {
                    "MetricName": "VpceAccessDenied",
                    "MetricNamespace": METRIC_NAMESPACE,
                    "MetricValue": "1",
                    "Dimensions": [{"Key": "EventSource", "Value": "$.eventSource"}],
                }
            ],
        },
    )


@pytest.mark.parametrize("source", _source_values())
def test_denied_alarm_per_source_watches_its_dimension(template: Template, source: str) -> None:
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "VpceAccessDenied",
            "Namespace": METRIC_NAMESPACE,
            "Dimensions": [{"Name": "EventSource", "Value": source}],
            "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        },
    )


def test_total_denied_alarm_has_no_dimension(template: Template) -> None:
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"MetricName": "VpceAccessDenied", "Dimensions": Match.absent(), "Threshold": 1},
    )


def test_volume_alarm_fires_above_the_spike_threshold(template: Template) -> None:
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "MetricName": "NetworkActivityEvents",
            "Threshold": 501,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Statistic": "Sum",
            "Period": 300,
        },
    )


def test_every_alarm_publishes_to_the_topic_and_ignores_missing_data(template: Template) -> None:
    topic = next(iter(template.find_resources("AWS::SNS::Topic")))
    alarms = _resources(template, "AWS::CloudWatch::Alarm")
    assert len(alarms) == 3 + len(_source_values())
    for alarm in alarms:
        assert alarm["AlarmActions"] == [{"Ref": topic}]
        assert alarm["TreatMissingData"] == "notBreaching"


def test_topic_is_encrypted_with_a_rotated_key(template: Template) -> None:
    template.has_resource_properties(
        "AWS::SNS::Topic",
        {"KmsMasterKeyId": {"Fn::GetAtt": [Match.string_like_regexp("AlarmsTopicKey"), "Arn"]}},
    )
    template.has_resource_properties(
        "AWS::KMS::Key",
        {"Description": Match.string_like_regexp("alarms topic"), "EnableKeyRotation": True},
    )


def test_topic_key_lets_cloudwatch_encrypt_messages(template: Template) -> None:
    template.has_resource_properties(
        "AWS::KMS::Key",
        {
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Sid": "AllowCloudWatchAlarmsToUseKey",
                                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
                            }
                        )
                    ]
                )
            }
        },
    )


def test_topic_policy_allows_only_this_accounts_alarms_and_tls(template: Template) -> None:
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
                        ),
                        Match.object_like(
                            {
                                "Sid": "AllowCloudWatchAlarmsToPublish",
                                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                                "Condition": {
                                    "ArnLike": {
                                        "aws:SourceArn": f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:*"
                                    },
                                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                                },
                            }
                        ),
                    ]
                )
            }
        },
    )


@pytest.mark.parametrize(
    ("protocol", "endpoint"),
    [("email", "security@example.com"), ("https", "https://hooks.example.com/alarms")],
)
def test_subscriptions_are_added(template: Template, protocol: str, endpoint: str) -> None:
    template.has_resource_properties("AWS::SNS::Subscription", {"Protocol": protocol, "Endpoint": endpoint})


def test_fails_when_trail_has_no_cloud_watch_logs() -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail")
    with pytest.raises(
        NetworkTrailError, match=r"has no CloudWatch Logs delivery.*send_to_cloud_watch_logs=True"
    ):
        NetworkActivityAlarms(stack, "Alarms", trail=trail)


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"spike_threshold": 0}, r"spike_threshold must be a whole number of at least 1, got 0"),
        ({"email": "not-an-address"}, r"email must be an e-mail address, got 'not-an-address'"),
        ({"https_endpoint": "http://x.example.com"}, r"https_endpoint must be an https:// URL"),
        ({"allowed_account_ids": ["1234"]}, r"allowed_account_ids\[1\] must be a 12-digit .* got '1234'"),
        ({"allowed_account_ids": "210987654321"}, r"allowed_account_ids must be a list of account ids"),
        ({"tags": {"": "x"}}, r"tags key '' must be 1 to 128 characters"),
        ({"tags": ["Environment"]}, r"tags must map tag keys to values, got \['Environment'\]"),
    ],
)
def test_fails_when_a_prop_is_invalid(props: dict[str, Any], message: str) -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", send_to_cloud_watch_logs=True)
    with pytest.raises(NetworkTrailError, match=message):
        NetworkActivityAlarms(stack, "Alarms", trail=trail, **props)


def test_tags_reach_the_topic_its_key_and_every_alarm() -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", send_to_cloud_watch_logs=True)
    NetworkActivityAlarms(stack, "Alarms", trail=trail, tags={"Environment": "prod"})
    template = Template.from_stack(stack)
    assert_tag_on_created(
        template,
        "Alarms",
        ("AWS::SNS::Topic", "AWS::KMS::Key", "AWS::CloudWatch::Alarm"),
        {"Key": "Environment", "Value": "prod"},
    )


# --- sample app configuration ----------------------------------------------------------------------
def test_config_alarms_key_becomes_construct_props() -> None:
    from network_trail.app.config import load_environments

    (env,) = load_environments(
        {
            "prod": {
                "account": ACCOUNT,
                "region": "eu-central-1",
                "send_to_cloud_watch_logs": True,
                "alarms": {"email": "a@example.com", "allowed_accounts": [PARTNER], "spike_threshold": 7},
            }
        }
    )
    assert env.alarms_props == NetworkActivityAlarmsProps(
        email="a@example.com", allowed_account_ids=(PARTNER,), spike_threshold=7
    )


def test_fails_when_config_alarms_have_no_cloud_watch_logs() -> None:
    from network_trail.app.config import load_environments

    with pytest.raises(
        NetworkTrailError, match=r"environment 'dev', key 'alarms': needs .*send_to_cloud_watch_logs"
    ):
        load_environments({"dev": {"account": ACCOUNT, "region": "us-east-1", "alarms": {}}})


def test_fails_when_config_spike_threshold_is_not_a_number() -> None:
    from network_trail.app.config import load_environments

    raw = {"account": ACCOUNT, "region": "us-east-1", "send_to_cloud_watch_logs": True}
    with pytest.raises(
        NetworkTrailError, match=r"key 'alarms.spike_threshold': must be a whole number.*got '5'"
    ):
        load_environments({"dev": {**raw, "alarms": {"spike_threshold": "5"}}})


def test_topic_key_lets_only_this_accounts_alarms_use_it(template: Template) -> None:
    # The SNS compatibility statement for CloudWatch, bound like the topic policy (aws:SourceArn of
    # this account's alarms, aws:SourceAccount).
    (statement,) = [
        s
        for key in template.find_resources("AWS::KMS::Key").values()
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if s.get("Sid") == "AllowCloudWatchAlarmsToUseKey"
    ]
    assert statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert statement["Condition"] == {
        "ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:*"},
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
    }
