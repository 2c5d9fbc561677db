"""Options that must not replace stateful resources keep their logical ids; state is retained.

A changed logical id makes CloudFormation create a new bucket, key or trail and
delete (or orphan) the old one: log files would land somewhere new. Every option
below is one a user may add to a deployed trail.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template

from network_trail import ManagementEvents, NetworkActivityEventSource, NetworkTrail, presets

from .conftest import new_app, new_stack

STATEFUL = ("bucket", "access_logs_bucket", "key", "trail")

OPTIONS: dict[str, dict[str, Any]] = {
    "selectors": {"selectors": [presets.log_all(NetworkActivityEventSource.KMS)]},
    "management_events": {"management_events": ManagementEvents.ALL},
    "send_to_cloud_watch_logs": {"send_to_cloud_watch_logs": True},
    "cloud_watch_logs_retention": {
        "send_to_cloud_watch_logs": True,
        "cloud_watch_logs_retention": logs.RetentionDays.TWO_YEARS,
    },
    "tags": {"tags": {"Environment": "prod"}},
    "s3_key_prefix": {"s3_key_prefix": "network"},
    "log_retention": {"log_retention": cdk.Duration.days(400)},
    "noncurrent_version_expiration": {"noncurrent_version_expiration": cdk.Duration.days(30)},
    "organization_id": {"organization_id": "o-a1b2c3d4e5"},
    "removal_policy": {"removal_policy": cdk.RemovalPolicy.DESTROY},
    "key_alias": {"key_alias": "alias/network-logs"},
    "enable_file_validation": {"enable_file_validation": False},
    "object_lock_retention": {
        "object_lock_retention": s3.ObjectLockRetention.governance(cdk.Duration.days(30))
    },
}
"""Each option that changes properties, never the identity, of the stateful resources."""


def _stateful_ids(**props: Any) -> dict[str, str]:
    """The logical ids of the construct's stateful resources, built with ``props``."""
    stack = new_stack(new_app())
    trail = NetworkTrail(stack, "NetworkTrail", **props)
    resources = {
        "bucket": trail.bucket.node.default_child,
        "access_logs_bucket": trail.access_logs_bucket.node.default_child
        if trail.access_logs_bucket
        else None,
        "key": trail.key.node.default_child,
        "trail": trail.cfn_trail,
    }
    ids = {}
    for name, resource in resources.items():
        assert isinstance(resource, cdk.CfnElement), name
        ids[name] = stack.resolve(resource.logical_id)
    return ids


@pytest.fixture(scope="module")
def default_ids() -> dict[str, str]:
    return _stateful_ids()


def test_default_ids_name_every_stateful_resource(default_ids: dict[str, str]) -> None:
    assert sorted(default_ids) == sorted(STATEFUL)
    assert len(set(default_ids.values())) == len(STATEFUL)


@pytest.mark.parametrize("props", OPTIONS.values(), ids=OPTIONS.keys())
def test_option_keeps_stateful_logical_ids(props: dict[str, Any], default_ids: dict[str, str]) -> None:
    # WHEN an option is added to a deployed default trail
    ids = _stateful_ids(**props)
    # THEN no bucket, key or trail is replaced
    assert ids == default_ids


def test_fails_when_the_construct_id_changes(default_ids: dict[str, str]) -> None:
    # The comparison can fail: a different construct id gives different logical ids.
    stack = new_stack(new_app())
    trail = NetworkTrail(stack, "OtherTrail")
    assert stack.resolve(trail.cfn_trail.logical_id) != default_ids["trail"]


@pytest.mark.parametrize("resource_type", ["AWS::S3::Bucket", "AWS::KMS::Key"])
def test_stateful_resources_are_retained_by_default(default_template: Template, resource_type: str) -> None:
    resources = default_template.find_resources(resource_type)
    assert len(resources) == (2 if resource_type == "AWS::S3::Bucket" else 1)
    assert {(r["DeletionPolicy"], r["UpdateReplacePolicy"]) for r in resources.values()} == {
        ("Retain", "Retain")
    }
