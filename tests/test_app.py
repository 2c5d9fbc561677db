"""The sample app: every environment of cdk.json synthesizes offline; bad configs fail clearly."""

from __future__ import annotations

import copy
from typing import Any

import aws_cdk as cdk
import pytest

from network_trail import NetworkTrailError
from network_trail.app.config import CONTEXT_KEY, load_environments
from network_trail.app.delivery import build_app
from tests.conftest import CDK_JSON

ENVIRONMENTS: dict[str, Any] = CDK_JSON["context"][CONTEXT_KEY]


def app_with(**context: Any) -> cdk.App:
    return cdk.App(context={**CDK_JSON["context"], **context}, analytics_reporting=False)


def envs_with(name: str = "dev", **changes: Any) -> dict[str, Any]:
    """cdk.json's environments with ``changes`` applied to one (a value of None deletes the key)."""
    envs = copy.deepcopy(ENVIRONMENTS)
    for key, value in changes.items():
        if value is None:
            envs[name].pop(key, None)
        else:
            envs[name][key] = value
    return envs


def test_cdk_json_switches_off_notices_and_telemetry() -> None:
    assert CDK_JSON["notices"] is False
    assert CDK_JSON["context"]["cli-telemetry"] is False


def test_every_environment_synthesizes(sample_app_templates: dict[str, dict[str, Any]]) -> None:
    assert sorted(sample_app_templates) == sorted(ENVIRONMENTS)
    for template in sample_app_templates.values():
        trails = [r for r in template["Resources"].values() if r["Type"] == "AWS::CloudTrail::Trail"]
        assert len(trails) == 1


def test_environment_accounts_and_regions_are_used() -> None:
    stacks = build_app(app_with())
    assert {s.node.id: (s.account, s.region) for s in stacks} == {
        f"NetworkTrail-{name}": (env["account"], env["region"]) for name, env in ENVIRONMENTS.items()
    }


def test_env_context_selects_one_environment() -> None:
    stacks = build_app(app_with(env="prod"))
    assert [s.node.id for s in stacks] == ["NetworkTrail-prod"]


def test_fails_when_env_context_names_no_environment() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"-c env='qa' names no environment of 'network-trail:environments'"
    ):
        build_app(app_with(env="qa"))


def test_fails_when_the_context_has_no_environments() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"context 'network-trail:environments' must map environment names"
    ):
        load_environments(None)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"selectors": [{"preset": "access-denied", "sources": ["kms", "nosuchsvc"]}]},
            r"environment 'dev', key 'selectors\[0\]': sources\[1\] 'nosuchsvc' is not a network activity event source",
        ),
        (
            {"selectors": [{"preset": "everything", "sources": ["kms"]}]},
            r"environment 'dev', key 'selectors\[0\].preset': unknown preset 'everything'",
        ),
        ({"account": None}, r"environment 'dev', key 'account': is missing"),
        (
            {"account": "12345"},
            r"environment 'dev', key 'account': must be a 12-digit AWS account id as a string, got '12345'",
        ),
        (
            {"account": 111111111111},
            r"environment 'dev', key 'account': must be a 12-digit .* got 111111111111",
        ),
        ({"region": None}, r"environment 'dev', key 'region': is missing"),
        (
            {"region": "Europe"},
            r"environment 'dev', key 'region': must be an AWS Region code .* got 'Europe'",
        ),
        (
            {"selectors": [{"preset": "log-all", "sources": ["kms"], "vpc_endpoint_ids": [""]}]},
            r"environment 'dev', key 'selectors\[0\]': vpc_endpoint_id.equals\[0\] must be 1 to 2048 characters, got 0",
        ),
        (
            {"selectors": [{"preset": "log-all", "sources": [5]}]},
            r"environment 'dev', key 'selectors\[0\]': sources\[0\] must be a NetworkActivityEventSource.*got 5",
        ),
        ({"colour": "blue"}, r"environment 'dev', key 'colour': unknown keys"),
        (
            {"selectors": [{"preset": "log-all", "sources": ["kms"], "endpoints": []}]},
            r"environment 'dev', key 'selectors\[0\]': unknown keys \['endpoints'\]",
        ),
        (
            {"send_to_cloud_watch_logs": "yes"},
            r"environment 'dev', key 'send_to_cloud_watch_logs': must be true or false, got 'yes'",
        ),
        ({"trail_name": 5}, r"environment 'dev', key 'trail_name': must be a string, got 5"),
        (
            {"management_events": "most"},
            r"environment 'dev', key 'management_events': must be one of .* got 'most'",
        ),
        ({"tags": {"Owner": 1}}, r"environment 'dev', key 'tags': must map strings to strings"),
        ({"selectors": "kms"}, r"environment 'dev', key 'selectors': must be a non-empty list"),
        (
            {"selectors": [{"preset": "log-all", "sources": "kms"}]},
            r"environment 'dev', key 'selectors\[0\].sources': must be a non-empty list of source names",
        ),
        (
            {
                "selectors": [
                    {"preset": "log-all", "sources": ["kms"], "vpc_endpoint_ids": "vpce-0123456789abcdef0"}
                ]
            },
            r"environment 'dev', key 'selectors\[0\].vpc_endpoint_ids': must be a list of strings, got 'vpce-0123456789abcdef0'",
        ),
        (
            {"selectors": [{"preset": "log-all", "sources": ["kms"], "event_names": 3}]},
            r"environment 'dev', key 'selectors\[0\].event_names': must be a list of strings, got 3",
        ),
        (
            {"log_retention_days": 0},
            r"environment 'dev', key 'log_retention_days': must be a whole number of days, at least 1, got 0",
        ),
        (
            {"cloud_watch_logs_retention_days": 100},
            r"environment 'dev', key 'cloud_watch_logs_retention_days': must be one of",
        ),
        ({"object_lock": {"mode": "strict", "days": 1}}, r"environment 'dev', key 'object_lock': must be"),
    ],
    ids=lambda v: str(v)[:40] if isinstance(v, dict) else None,
)
def test_fails_when_an_environment_is_misconfigured(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(NetworkTrailError, match=message):
        load_environments(envs_with(**changes))


def test_fails_when_an_environment_name_is_invalid() -> None:
    envs = copy.deepcopy(ENVIRONMENTS)
    envs["my env"] = envs["dev"]
    with pytest.raises(NetworkTrailError, match=r"environment name 'my env' must start with a letter"):
        load_environments(envs)


def test_every_problem_of_every_environment_is_reported_together() -> None:
    envs = envs_with(account="1", region="x")
    envs["staging"]["colour"] = "blue"
    with pytest.raises(NetworkTrailError) as caught:
        load_environments(envs)
    assert len(caught.value.problems) == 3


def test_build_app_reports_config_errors_before_building() -> None:
    app = app_with(**{CONTEXT_KEY: envs_with(account=None)})
    with pytest.raises(NetworkTrailError, match=r"environment 'dev', key 'account': is missing"):
        build_app(app)
    assert app.node.children == []


def test_environment_tags_reach_the_add_ons_resources(
    sample_app_templates: dict[str, dict[str, Any]],
) -> None:
    # GIVEN prod, whose tags are set on the trail and which has Athena queries and alarms
    tags = ENVIRONMENTS["prod"]["tags"]
    resources = sample_app_templates["prod"]["Resources"]
    # THEN the add-ons' taggable resources carry them too (their resources are not the trail's)
    for kind in ("AWS::Athena::WorkGroup", "AWS::SNS::Topic", "AWS::CloudWatch::Alarm"):
        found = [r for r in resources.values() if r["Type"] == kind]
        assert found, kind
        for resource in found:
            assert {t["Key"]: t["Value"] for t in resource["Properties"]["Tags"]} == tags, kind


def test_an_environment_takes_data_event_selectors() -> None:
    # GIVEN an environment with the S3 data selector of the AWS CLI put-event-selectors Example 1
    # (https://docs.aws.amazon.com/cli/latest/reference/cloudtrail/put-event-selectors.html)
    from network_trail import DataEventSelector
    from network_trail.app.config import load_environments

    s3 = {
        "Name": "Log PutObject and DeleteObject events for all but one bucket",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
            {"Field": "eventName", "Equals": ["PutObject", "DeleteObject"]},
            {"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::sample_bucket_name/"]},
        ],
    }
    base = {"account": "111111111111", "region": "us-east-1"}
    (env,) = load_environments({"dev": {**base, "data_event_selectors": [s3]}})
    # THEN the trail gets it after its selectors, as the JSON says
    assert isinstance(env.selectors[-1], DataEventSelector)
    assert env.selectors[-1].to_json() == s3


def test_fails_when_an_environment_data_event_selector_breaks_a_rule() -> None:
    from network_trail.app.config import load_environments

    bad = {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}]}
    with pytest.raises(NetworkTrailError, match=r"key 'data_event_selectors': .*has no resources.type field"):
        load_environments(
            {"dev": {"account": "111111111111", "region": "us-east-1", "data_event_selectors": [bad]}}
        )
