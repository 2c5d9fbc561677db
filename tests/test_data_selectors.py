"""Data event selectors: parsed from JSON and built typed, with the vocabulary's rules for trails.

Expected values come from the CloudTrail API reference ``AdvancedFieldSelector``
(https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html): data
events take eventCategory (required), eventName, eventSource, eventType, resources.type (required),
readOnly, resources.ARN, sessionCredentialFromConsole and userIdentity.arn; Equals is "the only valid
operator" for readOnly, eventCategory and resources.type; and the User Guide's data event table
(https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html).
"""

from __future__ import annotations

from typing import Any

import pytest

from network_trail import NetworkTrailError
from network_trail.model.selectors import Condition, DataEventSelector, selector_from_json
from network_trail.model.validation import selector_set_problems
from network_trail.model.vocabulary import DATA_RESOURCE_TYPES, TRAIL_RULES, EventCategory, Field

DATA = {"Field": "eventCategory", "Equals": ["Data"]}
S3_OBJECTS = {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}

# PutEventSelectors, first example of the API reference: S3 objects of one bucket.
# https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html
S3_BUCKET_SELECTOR: dict[str, Any] = {
    "Name": "S3 data events for one bucket",
    "FieldSelectors": [
        DATA,
        S3_OBJECTS,
        {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::amzn-s3-demo-bucket/"]},
    ],
}


def test_data_selector_from_json_round_trips() -> None:
    selector = selector_from_json(S3_BUCKET_SELECTOR)
    assert isinstance(selector, DataEventSelector)
    assert selector.resource_type == "AWS::S3::Object"
    assert selector.resources_arn == Condition(starts_with=("arn:aws:s3:::amzn-s3-demo-bucket/",))
    assert selector.to_json() == S3_BUCKET_SELECTOR
    assert selector_from_json(selector.to_json()) == selector


def test_every_data_event_field_of_the_api_reference_is_accepted() -> None:
    documented = {
        "eventCategory", "eventName", "eventSource", "eventType", "resources.type",
        "readOnly", "resources.ARN", "sessionCredentialFromConsole", "userIdentity.arn",
    }  # fmt: skip
    assert set(TRAIL_RULES[EventCategory.DATA].names) == documented
    selector = selector_from_json(
        {
            "FieldSelectors": [
                DATA,
                S3_OBJECTS,
                {"Field": "readOnly", "Equals": ["false"]},
                {"Field": "eventName", "NotEquals": ["GetObject"]},
                {"Field": "eventSource", "Equals": ["s3.amazonaws.com"]},
                {"Field": "eventType", "Equals": ["AwsApiCall"]},
                {"Field": "sessionCredentialFromConsole", "Equals": ["true"]},
                {"Field": "userIdentity.arn", "StartsWith": ["arn:aws:sts::111122223333:assumed-role/"]},
            ]
        }
    )
    assert isinstance(selector, DataEventSelector)
    assert selector.read_only is False
    assert selector.value_count() == 8


def test_data_selector_counts_its_values_in_the_trail_quota() -> None:
    arns = tuple(f"arn:aws:s3:::bucket-{i}/" for i in range(499))
    selector = DataEventSelector(resource_type="AWS::S3::Object", resources_arn=Condition(starts_with=arns))
    errors, _ = selector_set_problems([selector])
    # 1 eventCategory + 1 resources.type + 499 prefixes = 501 > 500 (Quotas in AWS CloudTrail)
    assert any("use 501 values, over CloudTrail's quota of 500" in e for e in errors)


@pytest.mark.parametrize(
    ("field", "match"),
    [
        (
            {"Field": "vpcEndpointId", "Equals": ["vpce-0123456789abcdef0"]},
            r"'vpcEndpointId' is not supported for data",
        ),
        ({"Field": "errorCode", "Equals": ["VpceAccessDenied"]}, r"'errorCode' is not supported for data"),
        (
            {"Field": "readOnly", "NotEquals": ["true"]},
            r"uses \['NotEquals'\]: CloudTrail allows only Equals on readOnly",
        ),
        ({"Field": "readOnly", "Equals": ["yes"]}, r"takes only \['false', 'true'\], got \['yes'\]"),
        (
            {"Field": "sessionCredentialFromConsole", "StartsWith": ["t"]},
            r"allows only Equals and NotEquals on sessionCredentialFromConsole",
        ),
    ],
)
def test_fails_when_a_data_selector_breaks_a_field_rule(field: dict[str, Any], match: str) -> None:
    with pytest.raises(NetworkTrailError, match=match):
        selector_from_json({"FieldSelectors": [DATA, S3_OBJECTS, field]})


def test_fails_when_a_data_selector_has_no_resources_type() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"has no resources.type field: selectors of data events require"
    ):
        selector_from_json({"FieldSelectors": [DATA, {"Field": "eventName", "Equals": ["GetObject"]}]})


def test_fails_when_resources_type_is_not_equals_or_holds_two_types() -> None:
    with pytest.raises(NetworkTrailError, match=r"allows only Equals on resources.type"):
        selector_from_json({"FieldSelectors": [DATA, {"Field": "resources.type", "StartsWith": ["AWS::S3"]}]})
    two = {"Field": "resources.type", "Equals": ["AWS::S3::Object", "AWS::Lambda::Function"]}
    with pytest.raises(NetworkTrailError, match=r"must hold exactly one value"):
        selector_from_json({"FieldSelectors": [DATA, two]})


def test_fails_when_resources_type_is_not_shaped_like_a_type() -> None:
    bad = {"Field": "resources.type", "Equals": ["S3Object"]}
    with pytest.raises(NetworkTrailError, match=r"'S3Object' is not a resources.type of data events"):
        selector_from_json({"FieldSelectors": [DATA, bad]})


def test_an_unlisted_resource_type_is_a_warning_with_a_suggestion() -> None:
    selector = DataEventSelector(resource_type="AWS::S3::Objects")
    ((wid, message),) = selector.warnings()
    assert wid == "network-trail:unlistedResourceType"
    assert "'AWS::S3::Objects' is not in the data event types of the CloudTrail User Guide" in message
    assert "did you mean 'AWS::S3::Object'" in message


def test_the_three_types_basic_selectors_also_log_are_listed() -> None:
    # UG-DATA: basic or advanced selectors log S3 objects, Lambda functions and DynamoDB tables.
    assert {"AWS::S3::Object", "AWS::Lambda::Function", "AWS::DynamoDB::Table"} <= DATA_RESOURCE_TYPES


def test_typed_data_selector_renders_in_the_documented_order() -> None:
    selector = DataEventSelector(
        resource_type="AWS::Lambda::Function", read_only=False, event_name=Condition.any_of("Invoke")
    )
    assert selector.to_json() == {
        "Name": "Log write-only data events for AWS::Lambda::Function",
        "FieldSelectors": [
            {"Field": Field.EVENT_CATEGORY.value, "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]},
            {"Field": "readOnly", "Equals": ["false"]},
            {"Field": "eventName", "Equals": ["Invoke"]},
        ],
    }


def test_fails_when_a_typed_data_selector_has_a_bad_option() -> None:
    with pytest.raises(NetworkTrailError, match=r"read_only must be True, False or None, got 'yes'"):
        DataEventSelector(resource_type="AWS::S3::Object", read_only="yes")  # type: ignore[arg-type]
    with pytest.raises(NetworkTrailError, match=r"resources_arn must be a Condition, got 'arn:aws:s3'"):
        DataEventSelector(resource_type="AWS::S3::Object", resources_arn="arn:aws:s3")  # type: ignore[arg-type]
