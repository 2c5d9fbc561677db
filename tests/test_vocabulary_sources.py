"""The vocabulary's lists and rules against the AWS pages, as copied into tests/data with their URLs.

``tests/data/data_resource_types.json`` holds the ``resources.type value`` column of the User Guide table
"Data events supported by AWS CloudTrail"
(https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-events.html; the same table is
introduced on https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html),
and ``tests/data/trail_rules.json`` the per-category rules of
https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html, the User
Guide's "Filtering data events by using advanced event selectors" and "Quotas in AWS CloudTrail". Both
files were written from the pages, not from the module.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from network_trail.model.vocabulary import (
    DATA_RESOURCE_TYPES,
    EQUALS_ONLY_FIELDS,
    MAX_VALUE_LENGTH,
    MAX_VALUES_PER_TRAIL,
    TRAIL_RULES,
    EventCategory,
    Field,
    Operator,
    category_problems,
)

DATA = Path(__file__).parent / "data"
TYPES: dict[str, Any] = json.loads((DATA / "data_resource_types.json").read_text())
RULES: dict[str, Any] = json.loads((DATA / "trail_rules.json").read_text())


def _documented_types() -> list[str]:
    return [entry["type"] for entry in TYPES["types"]]


def test_every_entry_of_the_data_file_names_an_aws_page() -> None:
    sources = TYPES["sources"]
    assert all(url.startswith("https://docs.aws.amazon.com/") for url in sources.values())
    for entry in TYPES["types"]:
        assert entry["seen_in"], entry
        assert set(entry["seen_in"]) <= set(sources), entry


def test_data_resource_types_are_exactly_the_documented_table() -> None:
    documented = _documented_types()
    assert len(documented) == len(set(documented)), "a row copied twice"
    assert sorted(DATA_RESOURCE_TYPES - set(documented)) == [], "in the module, not on the pages"
    assert sorted(set(documented) - DATA_RESOURCE_TYPES) == [], "on the pages, not in the module"


def test_the_basic_selector_types_are_data_resource_types() -> None:
    assert set(TYPES["basic_selector_types"]["types"]) <= DATA_RESOURCE_TYPES


@pytest.mark.parametrize("entry", TYPES["spelled_otherwise"], ids=lambda e: e["seen"])
def test_a_spelling_seen_only_outside_the_table_is_not_listed(entry: dict[str, str]) -> None:
    assert entry["seen"] not in DATA_RESOURCE_TYPES
    assert entry["documented_as"] in DATA_RESOURCE_TYPES


@pytest.mark.parametrize(
    "value", ["AWS::S3Vectors::Index", "AWS::Bedrock::PromptVersion", "AWS::DSQL::Cluster"]
)
def test_a_documented_type_added_by_this_copy_is_neither_error_nor_warning(value: str) -> None:
    by_field = {"eventCategory": {"Equals": ["Data"]}, "resources.type": {"Equals": [value]}}
    assert category_problems(EventCategory.DATA, by_field, "s") == ([], [])


def test_limits_match_the_quota_page() -> None:
    assert RULES["limits"]["values_per_trail"] == MAX_VALUES_PER_TRAIL
    assert RULES["limits"]["value_length"][1] == MAX_VALUE_LENGTH


def test_equals_only_fields_match_the_api_reference() -> None:
    assert {f.value for f in EQUALS_ONLY_FIELDS} == set(RULES["equals_only"]["fields"])


def _operators(documented: Any) -> set[str] | None:
    if documented == "any":
        return set(RULES["any"])
    return None if documented is None else set(documented)


@pytest.mark.parametrize("category", list(RULES["categories"]))
def test_trail_rules_match_the_pages(category: str) -> None:
    documented = RULES["categories"][category]["fields"]
    rules = TRAIL_RULES[EventCategory(category)]
    assert set(rules.names) == set(documented)
    for name, doc in documented.items():
        rule = rules.fields[Field(name)]
        assert rule.required is doc["required"], name
        operators = _operators(doc["operators"])
        if operators is not None:
            assert {op.value for op in rule.operators} == operators, name
        if isinstance(doc.get("values"), list):
            assert rule.values == frozenset(doc["values"]), name


def test_every_operator_of_the_api_is_known() -> None:
    assert {op.value for op in Operator} == set(RULES["any"])
