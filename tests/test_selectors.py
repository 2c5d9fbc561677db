"""Selector value objects: rendering, immutability and parsing, without a stack."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from network_trail import (
    ACCESS_DENIED_ERROR_CODE,
    Condition,
    CustomEventSource,
    Field,
    ManagementEventsSelector,
    NetworkActivityEventSource,
    NetworkActivitySelector,
    NetworkTrailError,
    Operator,
    render_selectors,
    selector_from_json,
)

KMS = NetworkActivityEventSource.KMS
CATEGORY = {"Field": "eventCategory", "Equals": ["NetworkActivity"]}
KMS_SOURCE = {"Field": "eventSource", "Equals": ["kms.amazonaws.com"]}

OPERATOR_KWARGS = [
    ("equals", "Equals"),
    ("not_equals", "NotEquals"),
    ("starts_with", "StartsWith"),
    ("not_starts_with", "NotStartsWith"),
    ("ends_with", "EndsWith"),
    ("not_ends_with", "NotEndsWith"),
]


def test_access_denied_error_code_is_vpce_access_denied() -> None:
    assert ACCESS_DENIED_ERROR_CODE == "VpceAccessDenied"


def test_operators_are_spelled_as_in_cloudformation() -> None:
    assert [op.value for op in Operator] == [cfn for _, cfn in OPERATOR_KWARGS]


@pytest.mark.parametrize(("kwarg", "cfn_name"), OPERATOR_KWARGS)
def test_condition_renders_each_operator(kwarg: str, cfn_name: str) -> None:
    # GIVEN a condition with one operator
    cond = Condition(**{kwarg: ("ListKeys", "Decrypt")})
    # THEN it renders that operator with its values, in order
    assert cond.render("eventName") == {"Field": "eventName", cfn_name: ["ListKeys", "Decrypt"]}


def test_condition_renders_operators_in_cloudformation_order() -> None:
    cond = Condition(not_ends_with=("z",), equals=("a",), starts_with=("b",))
    assert list(cond.render("eventName")) == ["Field", "Equals", "StartsWith", "NotEndsWith"]


def test_condition_accepts_lists_and_stores_tuples() -> None:
    cond = Condition(equals=["a", "b"])  # type: ignore[arg-type]
    assert cond.equals == ("a", "b")


def test_condition_any_of_and_none_of() -> None:
    assert Condition.any_of("a", "b") == Condition(equals=("a", "b"))
    assert Condition.none_of("a") == Condition(not_equals=("a",))


def test_condition_value_count_sums_every_operator() -> None:
    assert Condition(equals=("a", "b"), not_starts_with=("c",)).value_count() == 3


@pytest.mark.parametrize(
    ("field_name", "attr"),
    [
        (Field.VPC_ENDPOINT_ID, "vpc_endpoint_id"),
        (Field.EVENT_NAME, "event_name"),
        (Field.USER_IDENTITY_ARN, "user_identity_arn"),
    ],
)
@pytest.mark.parametrize(("kwarg", "cfn_name"), OPERATOR_KWARGS)
def test_selector_renders_every_field_with_every_operator(
    field_name: Field, attr: str, kwarg: str, cfn_name: str
) -> None:
    values = {
        Field.VPC_ENDPOINT_ID: "vpce-0123456789abcdef0",
        Field.EVENT_NAME: "ListKeys",
        Field.USER_IDENTITY_ARN: "arn:aws:iam::123456789012:role/Admin",
    }
    sel = NetworkActivitySelector(event_source=KMS, **{attr: Condition(**{kwarg: (values[field_name],)})})
    assert sel.to_json()["FieldSelectors"] == [
        CATEGORY,
        KMS_SOURCE,
        {"Field": field_name.value, cfn_name: [values[field_name]]},
    ]


def test_selector_renders_exact_json_with_every_field() -> None:
    # GIVEN a selector with every optional field
    sel = NetworkActivitySelector(
        event_source=KMS,
        access_denied_only=True,
        vpc_endpoint_id=Condition(equals=("vpce-0123456789abcdef0",)),
        event_name=Condition(starts_with=("List",)),
        user_identity_arn=Condition(not_equals=("arn:aws:iam::123456789012:role/Admin",)),
        name="mine",
    )
    # THEN the JSON follows AWS's field order: category, source, errorCode, vpcEndpointId, the rest
    assert sel.to_json() == {
        "Name": "mine",
        "FieldSelectors": [
            CATEGORY,
            KMS_SOURCE,
            {"Field": "errorCode", "Equals": ["VpceAccessDenied"]},
            {"Field": "vpcEndpointId", "Equals": ["vpce-0123456789abcdef0"]},
            {"Field": "eventName", "StartsWith": ["List"]},
            {"Field": "userIdentity.arn", "NotEquals": ["arn:aws:iam::123456789012:role/Admin"]},
        ],
    }


def test_selector_value_count_counts_every_value() -> None:
    sel = NetworkActivitySelector(
        event_source=KMS, access_denied_only=True, event_name=Condition(equals=("A", "B"))
    )
    assert sel.value_count() == 5


def test_to_json_returns_a_fresh_copy() -> None:
    sel = NetworkActivitySelector(event_source=KMS)
    sel.to_json()["FieldSelectors"][0]["Equals"].append("Management")
    assert sel.to_json()["FieldSelectors"][0] == CATEGORY


def test_selector_is_frozen() -> None:
    sel = NetworkActivitySelector(event_source=KMS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        sel.access_denied_only = True  # type: ignore[misc]


def test_condition_is_frozen() -> None:
    cond = Condition(equals=("a",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        cond.equals = ("b",)  # type: ignore[misc]


def test_equal_selectors_are_equal_and_hash_alike() -> None:
    a = NetworkActivitySelector(event_source=KMS, event_name=Condition(equals=("ListKeys",)))
    b = NetworkActivitySelector(event_source="kms", event_name=Condition(equals=("ListKeys",)))
    assert a == b
    assert len({a, b}) == 1


def test_different_selectors_are_not_equal() -> None:
    a = NetworkActivitySelector(event_source=KMS)
    b = NetworkActivitySelector(event_source=KMS, access_denied_only=True)
    assert a != b
    assert len({a, b}) == 2


def test_management_selectors_hash() -> None:
    assert len({ManagementEventsSelector(), ManagementEventsSelector()}) == 1


@pytest.mark.parametrize("value", ["kms", "kms.amazonaws.com", NetworkActivityEventSource.KMS])
def test_event_source_accepts_member_short_and_full_name(value: Any) -> None:
    assert NetworkActivitySelector(event_source=value).event_source is NetworkActivityEventSource.KMS


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "Log all network activity events for KMS"),
        ({"access_denied_only": True}, "Log access denied network activity events for KMS"),
        (
            {"vpc_endpoint_id": Condition(equals=("vpce-0123456789abcdef0",))},
            "Log all network activity events for KMS on selected VPC endpoints",
        ),
        (
            {"event_name": Condition(equals=("ListKeys",))},
            "Log all network activity events for KMS for selected API actions",
        ),
        (
            {"user_identity_arn": Condition(starts_with=("arn:aws:iam::",))},
            "Log all network activity events for KMS by selected callers",
        ),
    ],
)
def test_default_selector_names(kwargs: dict[str, Any], expected: str) -> None:
    sel = NetworkActivitySelector(event_source=KMS, **kwargs)
    assert sel.selector_name == expected
    assert sel.to_json()["Name"] == expected


def test_default_name_of_an_unlabelled_source_is_the_service_name() -> None:
    sel = NetworkActivitySelector(event_source=NetworkActivityEventSource.DYNAMODB)
    assert sel.selector_name == "Log all network activity events for dynamodb"


def test_given_name_wins() -> None:
    assert NetworkActivitySelector(event_source=KMS, name="x").to_json()["Name"] == "x"


@pytest.mark.parametrize(
    ("read_only", "name", "fields"),
    [
        (None, "Log all management events", [{"Field": "eventCategory", "Equals": ["Management"]}]),
        (
            True,
            "Log read-only management events",
            [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "readOnly", "Equals": ["true"]},
            ],
        ),
        (
            False,
            "Log write-only management events",
            [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "readOnly", "Equals": ["false"]},
            ],
        ),
    ],
)
def test_management_selector_renders(read_only: bool | None, name: str, fields: list[Any]) -> None:
    sel = ManagementEventsSelector(read_only=read_only)
    assert sel.to_json() == {"Name": name, "FieldSelectors": fields}
    assert sel.value_count() == len(fields)


def test_render_selectors_keeps_order() -> None:
    a = ManagementEventsSelector()
    b = NetworkActivitySelector(event_source=KMS)
    assert render_selectors([a, b]) == [a.to_json(), b.to_json()]


# --- custom sources -------------------------------------------------------------------------------


def test_custom_event_source_renders_its_value() -> None:
    sel = NetworkActivitySelector(event_source=CustomEventSource("newservice.amazonaws.com"))
    assert sel.to_json()["FieldSelectors"][1] == {
        "Field": "eventSource",
        "Equals": ["newservice.amazonaws.com"],
    }
    assert sel.is_custom_source
    assert sel.selector_name == "Log all network activity events for newservice"


def test_known_source_is_not_custom() -> None:
    assert not NetworkActivitySelector(event_source=KMS).is_custom_source


@pytest.mark.parametrize("value", ["newservice.amazonaws.com", "a.amazonaws.com", "new-svc2.amazonaws.com"])
def test_custom_event_source_accepts_service_shape(value: str) -> None:
    assert str(CustomEventSource(value)) == value


@pytest.mark.parametrize(
    "value",
    [
        "newservice",
        "NewService.amazonaws.com",
        "-svc.amazonaws.com",
        "svc.amazonaws.com.cn",
        "svc_x.amazonaws.com",
        "",
    ],
)
def test_fails_when_custom_event_source_has_wrong_shape(value: str) -> None:
    with pytest.raises(NetworkTrailError, match=r"event_source must have the shape.*got " + repr(value)):
        CustomEventSource(value)


# --- selector_from_json ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "selector",
    [
        NetworkActivitySelector(event_source=KMS),
        NetworkActivitySelector(event_source=KMS, access_denied_only=True, name="n"),
        NetworkActivitySelector(
            event_source=NetworkActivityEventSource.EC2,
            access_denied_only=True,
            vpc_endpoint_id=Condition(equals=("vpce-0123456789abcdef0",), not_starts_with=("vpce-1",)),
            event_name=Condition(ends_with=("Keys",), not_equals=("Decrypt",)),
            user_identity_arn=Condition(starts_with=("arn:aws:iam::123456789012:",), not_ends_with=("x",)),
        ),
        ManagementEventsSelector(),
        ManagementEventsSelector(read_only=True),
        ManagementEventsSelector(read_only=False, name="writes"),
    ],
)
def test_selector_from_json_round_trips(selector: Any) -> None:
    parsed = selector_from_json(selector.to_json())
    assert parsed == selector
    assert parsed.to_json() == selector.to_json()


def test_selector_from_json_keeps_custom_source_when_allowed() -> None:
    data = {
        "Name": "n",
        "FieldSelectors": [CATEGORY, {"Field": "eventSource", "Equals": ["new.amazonaws.com"]}],
    }
    parsed = selector_from_json(data, allow_custom_source=True)
    assert isinstance(parsed, NetworkActivitySelector)
    assert parsed.event_source == CustomEventSource("new.amazonaws.com")


def test_fails_when_selector_from_json_gets_custom_source_without_permission() -> None:
    data = {"FieldSelectors": [CATEGORY, {"Field": "eventSource", "Equals": ["new.amazonaws.com"]}]}
    with pytest.raises(NetworkTrailError, match=r"selector eventSource 'new.amazonaws.com' is not a network"):
        selector_from_json(data)


@pytest.mark.parametrize("field_name", ["eventCategory", "eventSource", "errorCode"])
def test_fails_when_selector_from_json_uses_another_operator_on_equals_only_field(field_name: str) -> None:
    fields = {
        "eventCategory": dict(CATEGORY),
        "eventSource": dict(KMS_SOURCE),
        "errorCode": {"Field": "errorCode", "Equals": ["VpceAccessDenied"]},
    }
    fields[field_name]["StartsWith"] = ["x"]
    with pytest.raises(NetworkTrailError, match=rf"field '{field_name}' uses \['StartsWith'\].*only Equals"):
        selector_from_json({"FieldSelectors": list(fields.values())})


def test_fails_when_selector_from_json_has_two_sources() -> None:
    data = {
        "FieldSelectors": [
            CATEGORY,
            {"Field": "eventSource", "Equals": ["kms.amazonaws.com", "s3.amazonaws.com"]},
        ]
    }
    with pytest.raises(
        NetworkTrailError, match=r"exactly one source, got \['kms.amazonaws.com', 's3.amazonaws.com'\]"
    ):
        selector_from_json(data)


def test_fails_when_selector_from_json_has_no_source() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"eventSource must be Equals with exactly one source, got \[\]"
    ):
        selector_from_json({"FieldSelectors": [CATEGORY]})


def test_fails_when_selector_from_json_has_another_error_code() -> None:
    data = {"FieldSelectors": [CATEGORY, KMS_SOURCE, {"Field": "errorCode", "Equals": ["AccessDenied"]}]}
    with pytest.raises(
        NetworkTrailError, match=r"errorCode is \['AccessDenied'\]: the only value.*VpceAccessDenied"
    ):
        selector_from_json(data)


def test_fails_when_selector_from_json_has_unknown_field() -> None:
    data = {"FieldSelectors": [CATEGORY, KMS_SOURCE, {"Field": "resources.ARN", "Equals": ["x"]}]}
    with pytest.raises(
        NetworkTrailError, match=r"field 'resources.ARN' is not supported for network activity"
    ):
        selector_from_json(data)


def test_fails_when_selector_from_json_has_unknown_operator() -> None:
    data = {"FieldSelectors": [CATEGORY, KMS_SOURCE, {"Field": "eventName", "Contains": ["x"]}]}
    with pytest.raises(NetworkTrailError, match=r"FieldSelectors\[2\] has unknown operator 'Contains'"):
        selector_from_json(data)


def test_fails_when_selector_from_json_has_unknown_key() -> None:
    data = {"Name": "n", "Id": 1, "FieldSelectors": [CATEGORY, KMS_SOURCE]}
    with pytest.raises(NetworkTrailError, match=r"selector has unknown keys \['Id'\]"):
        selector_from_json(data)


def test_fails_when_selector_from_json_has_no_field_selectors() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"selector.FieldSelectors must be a non-empty list, got \[\]"
    ):
        selector_from_json({"Name": "n", "FieldSelectors": []})


def test_fails_when_selector_from_json_is_not_an_object() -> None:
    with pytest.raises(NetworkTrailError, match=r"selector must be an object with FieldSelectors, got 'x'"):
        selector_from_json("x")  # type: ignore[arg-type]


def test_fails_when_selector_from_json_has_no_event_category() -> None:
    with pytest.raises(NetworkTrailError, match=r"selector has no eventCategory field"):
        selector_from_json({"FieldSelectors": [KMS_SOURCE]})


def test_fails_when_selector_from_json_has_an_event_data_store_category() -> None:
    # API-AFS: Insight, ConfigurationItem, Evidence and ActivityAuditLog are for event data stores only.
    data = {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Insight"]}]}
    with pytest.raises(NetworkTrailError, match=r"eventCategory is \['Insight'\]: a trail's selectors take"):
        selector_from_json(data)


def test_fails_when_selector_from_json_repeats_a_field() -> None:
    data = {
        "FieldSelectors": [
            CATEGORY,
            KMS_SOURCE,
            {"Field": "eventName", "Equals": ["a"]},
            {"Field": "eventName", "Equals": ["b"]},
        ]
    }
    with pytest.raises(NetworkTrailError, match=r"FieldSelectors\[3\] repeats the field 'eventName'"):
        selector_from_json(data)


def test_fails_when_selector_from_json_operator_values_are_not_a_list() -> None:
    data = {"FieldSelectors": [CATEGORY, KMS_SOURCE, {"Field": "eventName", "Equals": "ListKeys"}]}
    with pytest.raises(
        NetworkTrailError,
        match=r"FieldSelectors\[2\].Equals must be a non-empty list of strings, got 'ListKeys'",
    ):
        selector_from_json(data)


def test_fails_when_selector_from_json_management_selector_has_other_fields() -> None:
    data = {
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Management"]},
            {"Field": "eventNam", "Equals": ["X"]},
        ]
    }
    with pytest.raises(
        NetworkTrailError,
        match=r"management events selector with the field 'eventNam'.*only eventCategory, eventSource and readOnly",
    ):
        selector_from_json(data)


def test_fails_when_selector_from_json_management_selector_selects_a_source() -> None:
    data = {"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, KMS_SOURCE]}
    with pytest.raises(NetworkTrailError, match=r"management eventSource uses \['Equals'\].*use NotEquals"):
        selector_from_json(data)


def test_selector_from_json_reads_a_management_selector_excluding_kms() -> None:
    # AdvancedFieldSelector: on trails, management events accept eventSource NotEquals (KMS, RDS Data API)
    data = {
        "Name": "",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Management"]},
            {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]},
        ],
    }
    sel = selector_from_json(data)
    assert sel == ManagementEventsSelector(excluded_sources=("kms.amazonaws.com",))
    assert selector_from_json(sel.to_json()) == sel


@pytest.mark.parametrize(
    ("field_selector", "hint"),
    [
        ({"Field": "eventname", "Equals": ["ListKeys"]}, "did you mean 'eventName'"),
        ({"Field": "eventName", "Equal": ["ListKeys"]}, "did you mean 'Equals'"),
        ({"Field": "vpcEndpointID", "Equals": ["vpce-0123456789abcdef0"]}, "did you mean 'vpcEndpointId'"),
    ],
)
def test_selector_from_json_suggests_the_nearest_field_or_operator(
    field_selector: dict[str, Any], hint: str
) -> None:
    with pytest.raises(NetworkTrailError, match=hint):
        selector_from_json({"FieldSelectors": [CATEGORY, KMS_SOURCE, field_selector]})


def test_fails_when_selector_from_json_read_only_is_not_true_or_false() -> None:
    data = {
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Management"]},
            {"Field": "readOnly", "Equals": ["yes"]},
        ]
    }
    with pytest.raises(NetworkTrailError, match=r"readOnly must be Equals \['true'\] or \['false'\]"):
        selector_from_json(data)


def test_selector_from_json_uses_parameter_in_messages() -> None:
    with pytest.raises(NetworkTrailError, match=r"^selectors\[3\] has no eventCategory"):
        selector_from_json({"FieldSelectors": [KMS_SOURCE]}, parameter="selectors[3]")


def test_selector_from_json_checks_condition_rules() -> None:
    data = {
        "FieldSelectors": [CATEGORY, KMS_SOURCE, {"Field": "vpcEndpointId", "Equals": ["vpce-1", "vpce-1"]}]
    }
    with pytest.raises(NetworkTrailError, match=r"vpc_endpoint_id.equals\[1\] repeats 'vpce-1'"):
        selector_from_json(data)
