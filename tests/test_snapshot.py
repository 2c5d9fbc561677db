"""Snapshot tests: the whole template of a few configurations, pinned with syrupy.

Refresh with ``pytest tests/test_snapshot.py --snapshot-update`` and review the diff as an API change.
"""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Template
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from network_trail import Condition, DataEventSelector, ManagementEvents, presets
from network_trail import NetworkActivityEventSource as Source
from tests.compliance_support import MORE_CONFIGURATIONS, template_set
from tests.conftest import CDK_JSON, synth


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


def fully_configured() -> dict[str, Any]:
    return synth(
        selectors=[
            presets.log_all(Source.KMS, vpc_endpoint_ids=["vpce-0123456789abcdef0"]),
            presets.access_denied(Source.S3, event_names=["GetObject", "PutObject"]),
            *presets.for_sources([Source.DYNAMODB, Source.SQS]),
        ],
        management_events=ManagementEvents.WRITE_ONLY,
        trail_name="network-activity",
        key_alias="alias/security/network-activity",
        s3_key_prefix="network",
        log_retention=cdk.Duration.days(400),
        noncurrent_version_expiration=cdk.Duration.days(30),
        removal_policy=cdk.RemovalPolicy.RETAIN,
        send_to_cloud_watch_logs=True,
        cloud_watch_logs_retention=logs.RetentionDays.SIX_MONTHS,
        organization_id="o-a1b2c3d4e5",
        tags={"Environment": "test", "Owner": "security"},
    )[1].to_json()


def test_construct_with_data_event_selectors(snapshot_json: SnapshotAssertion) -> None:
    # The escape hatch: the default selectors, and the data selectors of the first PutEventSelectors
    # example (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html)
    template = synth(
        data_event_selectors=[
            DataEventSelector(
                resource_type="AWS::S3::Object",
                resources_arn=Condition(starts_with=("arn:aws:s3:::amzn-s3-demo-bucket/",)),
            ),
            DataEventSelector(resource_type="AWS::Lambda::Function", read_only=False),
        ]
    )[1]
    assert template.to_json() == snapshot_json


def test_default_construct(default_template: Template, snapshot_json: SnapshotAssertion) -> None:
    assert default_template.to_json() == snapshot_json


def test_fully_configured_construct(snapshot_json: SnapshotAssertion) -> None:
    assert fully_configured() == snapshot_json


@pytest.mark.parametrize("env", sorted(CDK_JSON["context"]["network-trail:environments"]))
def test_sample_app_environment(
    env: str, sample_app_templates: dict[str, dict[str, Any]], snapshot_json: SnapshotAssertion
) -> None:
    assert sample_app_templates[env] == snapshot_json


@pytest.mark.parametrize("name", ["log-archive", *MORE_CONFIGURATIONS])
def test_other_configuration(name: str, snapshot_json: SnapshotAssertion) -> None:
    assert template_set().templates[name] == snapshot_json


def test_two_synths_give_identical_json(default_template: Template) -> None:
    # GIVEN the same props synthesized twice in separate apps
    first = json.dumps(fully_configured(), sort_keys=False)
    second = json.dumps(fully_configured(), sort_keys=False)
    # THEN the text is byte-identical, key order included
    assert first == second
    assert json.dumps(default_template.to_json()) == json.dumps(synth()[1].to_json())
