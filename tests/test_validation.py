"""Every validation rule: one ``test_fails_when_*`` each, messages name the parameter and show the value.

The rules of ``selector_from_json`` are tested in test_selectors.py, next to its round trips.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Annotations, Match

from network_trail import (
    Condition,
    ManagementEvents,
    ManagementEventsSelector,
    NetworkActivitySelector,
    NetworkTrail,
    NetworkTrailError,
    presets,
)
from network_trail.validation import (
    alias_problems,
    s3_key_prefix_problems,
    selector_set_problems,
    trail_name_problems,
)
from tests.conftest import new_stack

KMS = "kms"
PATH = r"^\[TestStack/NetworkTrail\] "


def build(**props: Any) -> NetworkTrail:
    return NetworkTrail(new_stack(), "NetworkTrail", **props)


def selector(**kwargs: Any) -> NetworkActivitySelector:
    return NetworkActivitySelector(event_source=KMS, **kwargs)


# --- Condition and NetworkActivitySelector --------------------------------------------------------


def test_fails_when_a_condition_has_no_values() -> None:
    with pytest.raises(NetworkTrailError, match=r"event_name has no values: give at least one of equals"):
        selector(event_name=Condition())


def test_fails_when_a_condition_value_is_not_a_string() -> None:
    with pytest.raises(NetworkTrailError, match=r"event_name.equals\[1\] must be a string, got 5"):
        selector(event_name=Condition(equals=("ListKeys", 5)))  # type: ignore[arg-type]


def test_fails_when_a_condition_is_a_single_string() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"equals must be a sequence of strings, got the single string 'ListKeys'"
    ):
        Condition(equals="ListKeys")  # type: ignore[arg-type]


def test_fails_when_a_condition_is_not_a_sequence() -> None:
    with pytest.raises(NetworkTrailError, match=r"starts_with must be a sequence of strings, got 7"):
        Condition(starts_with=7)  # type: ignore[arg-type]


def test_fails_when_a_value_is_empty() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"event_name.equals\[0\] must be 1 to 2048 characters, got 0 \(''\)"
    ):
        selector(event_name=Condition(equals=("",)))


def test_fails_when_a_value_is_longer_than_2048_characters() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"event_name.starts_with\[0\] must be 1 to 2048 characters, got 2049 \('aaaa"
    ):
        selector(event_name=Condition(starts_with=("a" * 2049,)))


def test_a_value_of_2048_characters_is_accepted() -> None:
    assert selector(event_name=Condition(starts_with=("a" * 2048,))).value_count() == 3


def test_fails_when_an_operator_repeats_a_value() -> None:
    with pytest.raises(
        NetworkTrailError,
        match=r"event_name.equals\[1\] repeats 'ListKeys': values of one operator must be unique",
    ):
        selector(event_name=Condition(equals=("ListKeys", "ListKeys")))


# --- values CloudTrail accepts but that can never match: warnings, not errors ---------------------
# AdvancedFieldSelector: a value is any string of 1 to 2048 characters; "Selectors don't support the
# use of wildcards like *" (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html).


def _ids(sel: NetworkActivitySelector) -> list[str]:
    return [warning_id for warning_id, _ in sel.warnings()]


def test_a_value_with_an_asterisk_is_accepted_with_a_warning() -> None:
    sel = selector(event_name=Condition(equals=("List*",)))
    ((warning_id, message),) = sel.warnings()
    assert warning_id == "network-trail:literalAsterisk"
    assert "event_name.equals[0] is 'List*': CloudTrail selectors have no wildcards" in message


@pytest.mark.parametrize(
    "value", ["vpc-0123456789abcdef0", "vpce-123", "vpce-0123456789abcdef01", "0123456789abcdef0", "vpce-x"]
)
def test_an_exact_value_not_shaped_like_an_endpoint_id_is_accepted_with_a_warning(value: str) -> None:
    sel = selector(vpc_endpoint_id=Condition(not_equals=(value,)))
    ((warning_id, message),) = sel.warnings()
    assert warning_id == "network-trail:vpcEndpointIdShape"
    assert (
        f"vpc_endpoint_id.not_equals[0] is '{value}', which is not shaped like a VPC endpoint id" in message
    )


@pytest.mark.parametrize("value", ["vpce-0123456789abcdef0", "vpce-0123abcd"])
def test_real_endpoint_ids_of_17_or_8_hex_digits_give_no_warning(value: str) -> None:
    assert selector(vpc_endpoint_id=Condition(equals=(value,))).warnings() == []


@pytest.mark.parametrize(
    "condition", [Condition(equals=("vpce-0A1B2C3D4E5F60718",)), Condition(starts_with=("vpce-0A",))]
)
def test_an_upper_case_endpoint_id_is_accepted_with_a_warning(condition: Condition) -> None:
    sel = selector(vpc_endpoint_id=condition)
    ((warning_id, message),) = sel.warnings()
    assert warning_id == "network-trail:vpcEndpointIdCase"
    assert "real VPC endpoint ids are lower case" in message


def test_partial_vpc_endpoint_ids_are_accepted_with_starts_with() -> None:
    sel = selector(vpc_endpoint_id=Condition(starts_with=("vpce-0a",)))
    assert (sel.value_count(), sel.warnings()) == (3, [])


def test_presets_accept_a_malformed_vpc_endpoint_id_with_a_warning() -> None:
    sel = presets.log_all("kms", vpc_endpoint_ids=["vpce-0123456789abcdef0", "vpc-0abc"])
    assert next(m for _, m in sel.warnings()).startswith("vpc_endpoint_id.equals[1] is 'vpc-0abc'")


def test_an_exact_user_identity_arn_that_is_not_an_arn_is_accepted_with_a_warning() -> None:
    sel = selector(user_identity_arn=Condition(equals=("Admin",)))
    ((warning_id, message),) = sel.warnings()
    assert warning_id == "network-trail:userIdentityArnShape"
    assert "user_identity_arn.equals[0] is 'Admin', which is not an ARN" in message


@pytest.mark.parametrize(
    ("condition", "fragment"),
    [
        (
            Condition(equals=("ListKeys", "Decrypt"), not_equals=("ListKeys",)),
            "the value 'ListKeys' (equals and not_equals)",
        ),
        (
            Condition(starts_with=("List",), not_starts_with=("List",)),
            "the prefix 'List' (starts_with and not_starts_with)",
        ),
        (
            Condition(ends_with=("Keys",), not_ends_with=("Keys",)),
            "the suffix 'Keys' (ends_with and not_ends_with)",
        ),
    ],
)
def test_a_value_both_selected_and_excluded_is_accepted_with_a_warning(
    condition: Condition, fragment: str
) -> None:
    sel = selector(event_name=condition)
    assert ("network-trail:contradictoryCondition") in _ids(sel)
    assert any(f"event_name both selects and excludes {fragment}" in m for _, m in sel.warnings())


@pytest.mark.parametrize(
    ("condition", "attr"),
    [
        (Condition(equals=("CreateKey",), not_equals=("Decrypt",)), "not_equals 'Decrypt'"),
        (Condition(equals=("CreateKey",), not_starts_with=("List",)), "not_starts_with 'List'"),
        (Condition(equals=("CreateKey",), not_ends_with=("Keys",)), "not_ends_with 'Keys'"),
    ],
)
def test_an_exclusion_that_cannot_change_an_equals_selection_is_accepted_with_a_warning(
    condition: Condition, attr: str
) -> None:
    ((warning_id, message),) = selector(event_name=condition).warnings()
    assert warning_id == "network-trail:redundantCondition"
    assert message.startswith(f"event_name.{attr} cannot change the result")


def test_an_exclusion_beside_a_prefix_selection_can_change_the_result_and_gives_no_warning() -> None:
    sel = selector(event_name=Condition(starts_with=("List",), not_equals=("ListAliases",)))
    assert sel.warnings() == []


def test_trail_adds_each_warning_as_an_acknowledgeable_annotation() -> None:
    # GIVEN a trail whose selector names an upper-case endpoint id and a removed source
    stack = new_stack()
    NetworkTrail(
        stack,
        "NetworkTrail",
        selectors=[
            presets.log_all("kms", vpc_endpoint_ids=["vpce-0A1B2C3D4E5F60718"]),
            presets.access_denied("nova-act"),
        ],
    )
    # THEN each is a warning with its id, which cdk.Annotations' acknowledge_warning can silence
    annotations = Annotations.from_stack(stack)
    annotations.has_warning(
        "/TestStack/NetworkTrail",
        Match.string_like_regexp(
            r"selectors\[0\].*real VPC endpoint ids are lower case.*\[ack: network-trail:vpcEndpointIdCase\]"
        ),
    )
    annotations.has_warning(
        "/TestStack/NetworkTrail",
        Match.string_like_regexp(
            r"selectors\[1\].*'nova-act.amazonaws.com' is no longer listed.*\[ack: network-trail:removedEventSource\]"
        ),
    )


def test_an_acknowledged_warning_is_not_shown() -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", selectors=[presets.access_denied("nova-act")])
    cdk.Annotations.of(trail).acknowledge_warning(
        "network-trail:removedEventSource", "still supported in our Region"
    )
    Annotations.from_stack(stack).has_no_warning("*", Match.string_like_regexp("no longer listed"))


def test_fails_when_the_event_source_is_unknown() -> None:
    with pytest.raises(
        NetworkTrailError,
        match=r"event_source 'nosuchsvc' is not a network activity event source.*CustomEventSource\('nosuchsvc.amazonaws.com'\)",
    ):
        NetworkActivitySelector(event_source="nosuchsvc")  # type: ignore[arg-type]


def test_fails_when_the_event_source_has_a_wrong_type() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"event_source must be a NetworkActivityEventSource.*got 42 of type int"
    ):
        NetworkActivitySelector(event_source=42)  # type: ignore[arg-type]


def test_fails_when_access_denied_only_is_not_a_bool() -> None:
    with pytest.raises(NetworkTrailError, match=r"access_denied_only must be True or False, got 'yes'"):
        selector(access_denied_only="yes")


def test_fails_when_a_condition_field_is_not_a_condition() -> None:
    with pytest.raises(NetworkTrailError, match=r"event_name must be a Condition, got \['ListKeys'\]"):
        selector(event_name=["ListKeys"])


def test_fails_when_the_selector_name_is_longer_than_1000_characters() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"name must be at most 1000 characters .*got 1001 characters \('nnn"
    ):
        selector(name="n" * 1001)


def test_a_name_of_1000_characters_is_accepted() -> None:
    assert selector(name="n" * 1000).selector_name == "n" * 1000


def test_an_empty_name_is_accepted_and_rendered_as_the_default() -> None:
    # PutEventSelectors takes 0 to 1000 characters, CloudFormation 1 to 1000: "" renders the default name
    assert selector(name="").to_json()["Name"] == selector().to_json()["Name"]
    assert ManagementEventsSelector(name="").to_json()["Name"] == "Log all management events"


def test_fails_when_the_selector_name_is_not_a_string() -> None:
    with pytest.raises(NetworkTrailError, match=r"name must be a string, got 3"):
        selector(name=3)


def test_fails_when_management_read_only_is_not_a_bool() -> None:
    with pytest.raises(NetworkTrailError, match=r"read_only must be True, False or None, got 'true'"):
        ManagementEventsSelector(read_only="true")  # type: ignore[arg-type]


def test_management_selector_excludes_kms_and_rds_data_api_events() -> None:
    sel = ManagementEventsSelector(excluded_sources=("kms", "rdsdata.amazonaws.com"))
    assert sel.to_json()["FieldSelectors"][-1] == {
        "Field": "eventSource",
        "NotEquals": ["kms.amazonaws.com", "rdsdata.amazonaws.com"],
    }
    assert sel.value_count() == 3


def test_fails_when_management_selector_excludes_another_source() -> None:
    with pytest.raises(
        NetworkTrailError,
        match=r"excluded_sources\[0\] is 'kmss': CloudTrail can exclude only \['kms.amazonaws.com', "
        r"'rdsdata.amazonaws.com'\].*did you mean 'kms.amazonaws.com'",
    ):
        ManagementEventsSelector(excluded_sources=("kmss",))


def test_unresolved_tokens_are_not_checked_as_values() -> None:
    # GIVEN an endpoint id only known at deploy time
    token = cdk.Token.as_string(cdk.Fn.ref("Endpoint"))
    sel = selector(vpc_endpoint_id=Condition(equals=(token,)))
    assert sel.to_json()["FieldSelectors"][-1] == {"Field": "vpcEndpointId", "Equals": [token]}


# --- validation.py --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ab", "-trail", "trail-", "my..trail", "my_-trail", "has space", "x" * 129])
def test_fails_when_the_trail_name_breaks_the_naming_rule(name: str) -> None:
    with pytest.raises(
        NetworkTrailError, match=rf"{PATH}trail_name '{name}' breaks CloudTrail's naming rule"
    ):
        build(trail_name=name)


def test_fails_when_the_trail_name_is_an_ip_address() -> None:
    with pytest.raises(NetworkTrailError, match=r"trail_name '192.168.1.1' must not be an IP address"):
        build(trail_name="192.168.1.1")


def test_fails_when_the_trail_name_is_not_a_string() -> None:
    assert trail_name_problems(5) == ["trail_name must be a string, got 5"]  # type: ignore[arg-type]


def test_fails_when_the_key_alias_uses_the_aws_prefix() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"key_alias 'alias/aws/mine' uses the reserved prefix 'alias/aws/'"
    ):
        build(key_alias="alias/aws/mine")


@pytest.mark.parametrize("alias", ["alias/has space", "alias/", "alias/" + "a" * 251])
def test_fails_when_the_key_alias_has_a_bad_shape(alias: str) -> None:
    with pytest.raises(NetworkTrailError, match=rf"key_alias '{alias}' must be 'alias/' and 1 to 250"):
        build(key_alias=alias)


def test_key_alias_without_prefix_is_accepted() -> None:
    assert alias_problems("network-trail") == []


def test_fails_when_the_key_alias_is_not_a_string() -> None:
    assert alias_problems(1) == ["key_alias must be a string, got 1"]  # type: ignore[arg-type]


@pytest.mark.parametrize(("prefix", "length"), [("", 0), ("p" * 201, 201)])
def test_fails_when_the_s3_key_prefix_length_is_out_of_range(prefix: str, length: int) -> None:
    with pytest.raises(
        NetworkTrailError,
        match=rf"s3_key_prefix must be 1 to 200 characters \(CloudTrail's limit\), got {length}",
    ):
        build(s3_key_prefix=prefix)


@pytest.mark.parametrize("prefix", ["/logs", "logs/", "a//b"])
def test_fails_when_the_s3_key_prefix_has_edge_or_double_slashes(prefix: str) -> None:
    with pytest.raises(NetworkTrailError, match=rf"s3_key_prefix '{prefix}' must not start or end with '/'"):
        build(s3_key_prefix=prefix)


def test_fails_when_the_s3_key_prefix_has_unsafe_characters() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"s3_key_prefix 'logs&more' may hold only S3's safe characters"
    ):
        build(s3_key_prefix="logs&more")


def test_fails_when_the_s3_key_prefix_is_not_a_string() -> None:
    assert s3_key_prefix_problems(3) == ["s3_key_prefix must be a string, got 3"]  # type: ignore[arg-type]


def test_unresolved_tokens_are_skipped_by_name_alias_and_prefix_rules() -> None:
    token = cdk.Token.as_string(cdk.Fn.ref("Param"))
    assert trail_name_problems(token) == []
    assert alias_problems(token) == []
    assert s3_key_prefix_problems(token) == []


def test_fails_when_selectors_are_empty() -> None:
    with pytest.raises(NetworkTrailError, match=r"selectors is empty, so the trail would log nothing"):
        build(selectors=[])


def test_fails_when_a_selector_is_not_a_selector() -> None:
    with pytest.raises(
        NetworkTrailError,
        match=r"selectors\[1\] must be a NetworkActivitySelector or ManagementEventsSelector, got 'kms'",
    ):
        build(selectors=[presets.log_all("kms"), "kms"])


def test_fails_when_selectors_is_a_single_selector() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"selectors must be a sequence of selectors, got NetworkActivitySelector"
    ) as caught:
        build(selectors=presets.log_all("kms"))
    # THEN the follow-on "selectors is empty" is not reported as well
    assert len(caught.value.problems) == 1


def test_fails_when_two_selectors_select_the_same_events() -> None:
    sels = [presets.access_denied("kms"), presets.access_denied("kms", name="other")]
    with pytest.raises(
        NetworkTrailError, match=r"selectors\[1\] \('other'\) selects the same events as selectors\[0\]"
    ):
        build(selectors=sels)


def test_fails_when_selectors_use_more_than_500_values() -> None:
    # GIVEN 2 fixed values and 499 event names: 501 values
    sel = presets.log_all("kms", event_names=[f"Action{i}" for i in range(499)])
    with pytest.raises(NetworkTrailError, match=r"selectors use 501 values, over CloudTrail's quota of 500"):
        build(selectors=[sel])


def test_500_values_are_accepted_with_a_warning() -> None:
    sel = presets.log_all("kms", event_names=[f"Action{i}" for i in range(498)])
    errors, warnings = selector_set_problems([sel])
    assert errors == []
    assert warnings == ["selectors use 500 of CloudTrail's 500 values per trail"]


def test_fails_when_management_events_are_selected_twice() -> None:
    with pytest.raises(
        NetworkTrailError,
        match=r"management_events='all' and a ManagementEventsSelector in selectors both ask",
    ):
        build(management_events=ManagementEvents.ALL, selectors=[ManagementEventsSelector(read_only=True)])


def test_fails_when_selectors_hold_two_management_selectors() -> None:
    sels = [ManagementEventsSelector(read_only=True), ManagementEventsSelector(read_only=False)]
    with pytest.raises(NetworkTrailError, match=r"selectors has 2 management events selectors: keep one"):
        build(selectors=sels)


def test_fails_when_management_events_is_unknown() -> None:
    with pytest.raises(
        NetworkTrailError,
        match=r"management_events must be one of \['none', 'all', 'read-only', 'write-only'\], got 'some'",
    ):
        build(management_events="some")


def test_fails_when_add_selector_repeats_a_selector() -> None:
    trail = build()
    with pytest.raises(
        NetworkTrailError,
        match=r"\[TestStack/NetworkTrail\] selectors\[5\] .* selects the same events as selectors\[2\]",
    ):
        trail.add_selector(presets.access_denied("kms"))


# --- trail.py -------------------------------------------------------------------------------------


def test_fails_when_multi_region_trail_has_no_global_service_events() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"is_multi_region_trail=True needs include_global_service_events=True"
    ):
        build(include_global_service_events=False)


@pytest.mark.parametrize(
    ("knob", "value"),
    [
        ("log_retention", cdk.Duration.days(30)),
        ("noncurrent_version_expiration", cdk.Duration.days(30)),
        ("object_lock_retention", s3.ObjectLockRetention.governance(cdk.Duration.days(1))),
    ],
)
def test_fails_when_a_provided_bucket_is_combined_with_a_created_bucket_option(knob: str, value: Any) -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Logs", "my-logs")
    with pytest.raises(
        NetworkTrailError,
        match=rf"provide either bucket or {knob}, not both: {knob} only applies to a bucket this construct creates, got {knob}=",
    ):
        NetworkTrail(stack, "NetworkTrail", bucket=bucket, **{knob: value})


def test_fails_when_a_provided_bucket_is_combined_with_an_access_log_bucket() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Logs", "my-logs")
    other = s3.Bucket.from_bucket_name(stack, "Access", "my-access")
    with pytest.raises(
        NetworkTrailError, match=r"provide either bucket or server_access_logs_bucket, not both"
    ):
        NetworkTrail(stack, "NetworkTrail", bucket=bucket, server_access_logs_bucket=other)


def test_fails_when_a_provided_key_is_combined_with_a_key_alias() -> None:
    stack = new_stack()
    key = kms.Key(stack, "MyKey")
    with pytest.raises(
        NetworkTrailError,
        match=r"provide either encryption_key or key_alias, not both: key_alias only applies to a key this construct creates, got key_alias='alias/mine'",
    ):
        NetworkTrail(stack, "NetworkTrail", encryption_key=key, key_alias="alias/mine")


def test_fails_when_removal_policy_has_nothing_to_act_on() -> None:
    stack = new_stack()
    key = kms.Key(stack, "MyKey")
    bucket = s3.Bucket(stack, "MyBucket")
    with pytest.raises(NetworkTrailError, match=r"removal_policy=.*DESTROY.* has nothing to act on"):
        NetworkTrail(
            stack, "NetworkTrail", bucket=bucket, encryption_key=key, removal_policy=cdk.RemovalPolicy.DESTROY
        )


def test_fails_when_an_organization_trail_has_no_organization_id() -> None:
    with pytest.raises(NetworkTrailError, match=r"is_organization_trail=True needs organization_id"):
        build(is_organization_trail=True)


@pytest.mark.parametrize("org_id", ["o-short", "O-A1B2C3D4E5", "a1b2c3d4e5f6"])
def test_fails_when_the_organization_id_is_malformed(org_id: str) -> None:
    with pytest.raises(
        NetworkTrailError,
        match=rf"organization_id must look like 'o-' and 10 to 32 lowercase letters or digits, got '{org_id}'",
    ):
        build(organization_id=org_id)


def test_an_unresolved_organization_id_is_skipped() -> None:
    stack = new_stack()
    org = cdk.CfnParameter(stack, "OrgId").value_as_string
    assert NetworkTrail(stack, "NetworkTrail", organization_id=org).trail_name


def test_an_unresolved_trail_name_is_skipped() -> None:
    stack = new_stack()
    name = cdk.CfnParameter(stack, "TrailName").value_as_string
    assert (
        NetworkTrail(stack, "NetworkTrail", trail_name=name, key_alias="alias/network-trail").trail_name
        == name
    )


def test_fails_when_cloud_watch_logs_retention_is_given_without_delivery() -> None:
    with pytest.raises(
        NetworkTrailError,
        match=r"cloud_watch_logs_retention=.*ONE_MONTH.* needs send_to_cloud_watch_logs=True",
    ):
        build(cloud_watch_logs_retention=logs.RetentionDays.ONE_MONTH)


@pytest.mark.parametrize("key", ["aws:owner", "", "k" * 129])
def test_fails_when_a_tag_key_is_invalid(key: str) -> None:
    with pytest.raises(
        NetworkTrailError, match=r"tags key '.*' must be 1 to 128 characters and not start with 'aws:'"
    ):
        build(tags={key: "v"})


def test_fails_when_a_tag_value_is_too_long() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"tags\['Owner'\] must be a string of at most 256 characters, got 'vvv"
    ):
        build(tags={"Owner": "v" * 257})


def test_several_problems_are_reported_together() -> None:
    # GIVEN one call with three invalid props
    with pytest.raises(NetworkTrailError) as caught:
        build(trail_name="ab", key_alias="alias/aws/x", s3_key_prefix="/logs")
    # THEN one error lists all three, each naming its parameter and value
    message = str(caught.value)
    assert message.startswith("[TestStack/NetworkTrail] 3 problems:\n")
    assert "trail_name 'ab'" in message
    assert "key_alias 'alias/aws/x'" in message
    assert "s3_key_prefix '/logs'" in message
    assert len(caught.value.problems) == 3


def test_several_selector_problems_are_reported_together() -> None:
    with pytest.raises(NetworkTrailError) as caught:
        selector(
            event_name=Condition(equals=("a", "a")), vpc_endpoint_id=Condition(equals=("",)), name="n" * 1001
        )
    assert len(caught.value.problems) == 3
