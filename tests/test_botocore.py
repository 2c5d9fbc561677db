"""Every preset's JSON is a valid ``PutEventSelectors`` request for botocore's CloudTrail model."""

from __future__ import annotations

from typing import Any

import botocore.session
import pytest
from botocore.model import Shape
from botocore.validate import ParamValidator

from network_trail import (
    Condition,
    ManagementEventsSelector,
    NetworkActivityEventSource,
    NetworkActivitySelector,
    Selector,
    presets,
    render_selectors,
)

SOURCES = list(NetworkActivityEventSource)


@pytest.fixture(scope="module")
def input_shape() -> Shape:
    model = botocore.session.get_session().get_service_model("cloudtrail")
    shape: Shape = model.operation_model("PutEventSelectors").input_shape
    return shape


def errors(shape: Shape, selectors: list[dict[str, Any]]) -> str:
    report = ParamValidator().validate(
        {"TrailName": "network-trail", "AdvancedEventSelectors": selectors}, shape
    )
    return str(report.generate_report()) if report.has_errors() else ""


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_log_all_is_a_valid_request(input_shape: Shape, source: NetworkActivityEventSource) -> None:
    assert errors(input_shape, render_selectors([presets.log_all(source)])) == ""


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.name)
def test_access_denied_is_a_valid_request(input_shape: Shape, source: NetworkActivityEventSource) -> None:
    assert errors(input_shape, render_selectors([presets.access_denied(source)])) == ""


@pytest.mark.parametrize(
    "selector",
    [
        presets.log_all("kms", vpc_endpoint_ids=["vpce-0123456789abcdef0"], event_names=["ListKeys"]),
        presets.access_denied("ec2", vpc_endpoint_ids=["vpce-example8c1b6b9b7"]),
        NetworkActivitySelector(
            event_source="s3",
            vpc_endpoint_id=Condition(not_equals=("vpce-0123456789abcdef0",), starts_with=("vpce-0",)),
            event_name=Condition(not_starts_with=("Get",), ends_with=("Object",), not_ends_with=("Acl",)),
            user_identity_arn=Condition(starts_with=("arn:aws:iam::123456789012:",)),
        ),
        ManagementEventsSelector(),
        ManagementEventsSelector(read_only=True),
        ManagementEventsSelector(read_only=False),
    ],
    ids=["log-all-scoped", "access-denied-endpoint", "every-operator", "mgmt", "mgmt-read", "mgmt-write"],
)
def test_conditioned_and_management_selectors_are_valid_requests(
    input_shape: Shape, selector: Selector
) -> None:
    assert errors(input_shape, render_selectors([selector])) == ""


def test_the_default_selector_set_is_a_valid_request(input_shape: Shape) -> None:
    assert errors(input_shape, render_selectors(presets.ga_access_denied())) == ""


def test_fails_when_a_value_list_is_a_string(input_shape: Shape) -> None:
    # GIVEN a selector whose Equals is a string, not a list: proves the validator is live
    bad = [{"Name": "x", "FieldSelectors": [{"Field": "eventCategory", "Equals": "NetworkActivity"}]}]
    assert "Invalid type for parameter AdvancedEventSelectors[0].FieldSelectors[0].Equals" in errors(
        input_shape, bad
    )


def test_fails_when_a_value_list_is_empty(input_shape: Shape) -> None:
    bad = [{"Name": "x", "FieldSelectors": [{"Field": "eventCategory", "Equals": []}]}]
    assert "Invalid length for parameter AdvancedEventSelectors[0].FieldSelectors[0].Equals" in errors(
        input_shape, bad
    )
