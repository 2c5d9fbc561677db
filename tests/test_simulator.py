"""The selector simulator: CloudTrail's matching semantics, log files, reports."""

from __future__ import annotations

import gzip
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from network_trail import NetworkActivityEventSource, NetworkTrailError, presets, render_selectors
from network_trail.simulator import (
    NETWORK_ACTIVITY_PRICE_PER_EVENT,
    SelectorSet,
    compile_selectors,
    explain,
    iter_log_files,
    read_records,
    simulate,
)

SAMPLES = ["kms-listkeys-allowed.json", "kms-listkeys-denied-external.json", "s3-listbuckets-allowed.json"]
SOURCES = list(NetworkActivityEventSource)
Record = dict[str, Any]


def _sel(*field_selectors: dict[str, Any], name: str = "test") -> dict[str, Any]:
    return {"Name": name, "FieldSelectors": list(field_selectors)}


NETWORK = {"Field": "eventCategory", "Equals": ["NetworkActivity"]}


def _write_log(path: Path, records: list[Any], *, compress: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps({"Records": records}).encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def _layout(root: Path, day: str) -> Path:
    return root / "AWSLogs" / "123456789012" / "CloudTrail-NetworkActivity" / "us-east-1" / day


# --- the AWS sample records against every preset ------------------------------------------


@pytest.mark.parametrize("source", SOURCES, ids=[s.name for s in SOURCES])
@pytest.mark.parametrize("sample", SAMPLES)
def test_log_all_preset_logs_exactly_the_records_of_its_source(
    sample: str, source: NetworkActivityEventSource, sample_record: Callable[[str], Record]
) -> None:
    # GIVEN an AWS sample record and the log-all preset of one source
    record = sample_record(sample)
    matcher = compile_selectors(render_selectors([presets.log_all(source)]))
    # THEN the record is logged exactly when it comes from that source
    assert matcher.matches(record) is (record["eventSource"] == source.value)


@pytest.mark.parametrize("source", SOURCES, ids=[s.name for s in SOURCES])
@pytest.mark.parametrize("sample", SAMPLES)
def test_access_denied_preset_logs_only_denied_records_of_its_source(
    sample: str, source: NetworkActivityEventSource, sample_record: Callable[[str], Record]
) -> None:
    record = sample_record(sample)
    matcher = compile_selectors(render_selectors([presets.access_denied(source)]))
    denied = record.get("errorCode") == "VpceAccessDenied"
    assert matcher.matches(record) is (record["eventSource"] == source.value and denied)


@pytest.mark.parametrize("sample", SAMPLES)
def test_vpc_endpoint_scope_logs_only_the_listed_endpoint(
    sample: str, sample_record: Callable[[str], Record]
) -> None:
    record = sample_record(sample)
    source = record["eventSource"]
    on_it = presets.log_all(source, vpc_endpoint_ids=[record["vpcEndpointId"]])
    elsewhere = presets.log_all(source, vpc_endpoint_ids=["vpce-0123456789abcdef0"])
    assert compile_selectors(render_selectors([on_it])).matches(record)
    assert not compile_selectors(render_selectors([elsewhere])).matches(record)


def test_ga_default_logs_the_external_denial_and_drops_allowed_calls(
    sample_record: Callable[[str], Record],
) -> None:
    matcher = compile_selectors(render_selectors(presets.ga_access_denied()))
    assert matcher.matches(sample_record("kms-listkeys-denied-external.json"))
    assert not matcher.matches(sample_record("kms-listkeys-allowed.json"))
    assert not matcher.matches(sample_record("s3-listbuckets-allowed.json"))


# --- semantics ------------------------------------------------------------------------------


def test_missing_field_fails_equals() -> None:
    matcher = compile_selectors([_sel(NETWORK, {"Field": "errorCode", "Equals": ["VpceAccessDenied"]})])
    assert not matcher.matches({"eventCategory": "NetworkActivity"})


def test_missing_field_satisfies_not_equals() -> None:
    matcher = compile_selectors([_sel(NETWORK, {"Field": "errorCode", "NotEquals": ["VpceAccessDenied"]})])
    assert matcher.matches({"eventCategory": "NetworkActivity"})


def test_missing_field_satisfies_not_starts_with_and_not_ends_with() -> None:
    matcher = compile_selectors(
        [_sel(NETWORK, {"Field": "eventName", "NotStartsWith": ["Get"], "NotEndsWith": ["Key"]})]
    )
    assert matcher.matches({"eventCategory": "NetworkActivity"})


def test_equals_values_are_alternatives() -> None:
    matcher = compile_selectors([_sel(NETWORK, {"Field": "eventName", "Equals": ["Decrypt", "ListKeys"]})])
    assert matcher.matches({"eventCategory": "NetworkActivity", "eventName": "ListKeys"})


def test_not_equals_values_must_all_hold() -> None:
    matcher = compile_selectors([_sel(NETWORK, {"Field": "eventName", "NotEquals": ["Decrypt", "ListKeys"]})])
    assert not matcher.matches({"eventCategory": "NetworkActivity", "eventName": "ListKeys"})


def test_select_and_deselect_groups_of_one_field_are_both_required() -> None:
    # StartsWith is the SELECT group, NotEndsWith the DESELECT group: both must hold
    matcher = compile_selectors(
        [_sel(NETWORK, {"Field": "eventName", "StartsWith": ["List"], "NotEndsWith": ["Keys"]})]
    )
    assert matcher.matches({"eventCategory": "NetworkActivity", "eventName": "ListAliases"})
    assert not matcher.matches({"eventCategory": "NetworkActivity", "eventName": "ListKeys"})


# The User Guide's example ("How CloudTrail evaluates multiple conditions for a field",
# https://docs.aws.amazon.com/awscloudtrail/latest/userguide/filtering-data-events.html):
# Equals ["CreateKey"] and StartsWith ["List"] on eventName select CreateKey and ListKeys.
EQUALS_OR_STARTS_WITH = _sel(
    NETWORK,
    {"Field": "eventSource", "Equals": ["kms.amazonaws.com"]},
    {"Field": "eventName", "Equals": ["CreateKey"], "StartsWith": ["List"]},
)


@pytest.mark.parametrize(
    ("event_name", "logged"), [("CreateKey", True), ("ListKeys", True), ("Decrypt", False)]
)
def test_select_operators_of_one_field_are_ored(event_name: str, logged: bool) -> None:
    record = {"eventCategory": "NetworkActivity", "eventSource": "kms.amazonaws.com", "eventName": event_name}
    assert compile_selectors([EQUALS_OR_STARTS_WITH]).matches(record) is logged
    assert explain([EQUALS_OR_STARTS_WITH], record).logged is logged


def test_deselect_operators_of_one_field_are_anded() -> None:
    matcher = compile_selectors(
        [_sel(NETWORK, {"Field": "eventName", "NotStartsWith": ["List"], "NotEquals": ["Decrypt"]})]
    )
    assert matcher.matches({"eventCategory": "NetworkActivity", "eventName": "Encrypt"})
    assert not matcher.matches({"eventCategory": "NetworkActivity", "eventName": "ListKeys"})
    assert not matcher.matches({"eventCategory": "NetworkActivity", "eventName": "Decrypt"})


def test_explain_shows_every_select_operator_when_none_matches() -> None:
    record = {"eventCategory": "NetworkActivity", "eventSource": "kms.amazonaws.com", "eventName": "Decrypt"}
    (failure,) = explain([EQUALS_OR_STARTS_WITH], record).failures
    assert failure.alternatives == (("Equals", ("CreateKey",)), ("StartsWith", ("List",)))
    assert failure.describe() == (
        "eventName Equals ['CreateKey'] or StartsWith ['List'] fails: none of them matches, "
        "the record has 'Decrypt'"
    )


def test_explain_names_the_deselect_operator_that_matched() -> None:
    selector = _sel(NETWORK, {"Field": "eventName", "StartsWith": ["List"], "NotEquals": ["ListAliases"]})
    (failure,) = explain(
        [selector], {"eventCategory": "NetworkActivity", "eventName": "ListAliases"}
    ).failures
    assert (failure.operator, failure.values, failure.alternatives) == ("NotEquals", ("ListAliases",), ())


def test_simulated_cost_counts_a_record_selected_by_a_second_select_operator(tmp_path: Path) -> None:
    # GIVEN a log with one CreateKey and one ListKeys call
    base = {"eventCategory": "NetworkActivity", "eventSource": "kms.amazonaws.com"}
    records = [
        {**base, "eventName": "CreateKey", "eventTime": "2026-11-01T00:00:00Z"},
        {**base, "eventName": "ListKeys", "eventTime": "2026-11-01T01:00:00Z"},
    ]
    log = _write_log(tmp_path / "a.json.gz", records)
    # WHEN the Equals-or-StartsWith selector is simulated
    (report,) = simulate([log], [SelectorSet("mixed", (EQUALS_OR_STARTS_WITH,))]).sets
    # THEN both are logged and billed: 2 events in one hour, scaled to 30 days
    assert (report.logged, report.dropped) == (2, 0)
    assert report.monthly_cost == pytest.approx(2 * NETWORK_ACTIVITY_PRICE_PER_EVENT * 30 * 24)


# --- data-event fields: resources.type and resources.ARN ---------------------------------------

DATA = {"Field": "eventCategory", "Equals": ["Data"]}
S3_OBJECTS_OUTSIDE_TRAIL_BUCKET = _sel(
    DATA,
    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
    {"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::trail-logs/"]},
)


def _s3_data_event(bucket: str) -> Record:
    # The resources array of an S3 object-level record (CloudTrail record contents, "resources").
    return {
        "eventCategory": "Data",
        "eventSource": "s3.amazonaws.com",
        "eventName": "PutObject",
        "resources": [
            {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/key.txt"},
            {"accountId": "123456789012", "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"},
        ],
    }


def test_resources_fields_are_tested_against_the_array_elements() -> None:
    matcher = compile_selectors([_sel(DATA, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]})])
    assert matcher.matches(_s3_data_event("app-data"))
    assert not matcher.matches({**_s3_data_event("app-data"), "resources": [{"type": "AWS::S3::Bucket"}]})


def test_resources_fields_must_hold_for_one_same_element() -> None:
    # The bucket element does not start with "trail-logs/", but it is not an AWS::S3::Object:
    # the object element, which does start with it, decides.
    matcher = compile_selectors([S3_OBJECTS_OUTSIDE_TRAIL_BUCKET])
    assert matcher.matches(_s3_data_event("app-data"))
    assert not matcher.matches(_s3_data_event("trail-logs"))


def test_explain_points_at_the_resources_element_that_came_closest() -> None:
    (failure,) = explain([S3_OBJECTS_OUTSIDE_TRAIL_BUCKET], _s3_data_event("trail-logs")).failures
    assert (failure.field, failure.operator, failure.element) == ("resources.ARN", "NotStartsWith", 0)
    assert failure.describe().endswith("has 'arn:aws:s3:::trail-logs/key.txt' in resources[0]")


def test_record_without_resources_matches_no_resources_select_operator() -> None:
    matcher = compile_selectors([_sel(DATA, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]})])
    assert not matcher.matches({"eventCategory": "Data"})
    (failure,) = explain([S3_OBJECTS_OUTSIDE_TRAIL_BUCKET], {"eventCategory": "Data"}).failures
    assert (failure.field, failure.actual, failure.element) == ("resources.type", None, None)


def test_typed_decoder_reads_resources_arrays(tmp_path: Path) -> None:
    # GIVEN a log of S3 data events and the selector that excludes the trail's bucket
    data = json.dumps({"Records": [_s3_data_event("app-data"), _s3_data_event("trail-logs")]}).encode()
    compiled = compile_selectors([S3_OBJECTS_OUTSIDE_TRAIL_BUCKET])
    # WHEN the typed decoder reads it
    typed = compiled.scan_typed(data)
    # THEN it counts as the dict evaluator: one logged, one dropped
    assert typed is not None
    assert typed[0] == {("Data", "s3.amazonaws.com", 1): 1, ("Data", "s3.amazonaws.com", 0): 1}


@pytest.mark.parametrize(("value", "expected"), [("true", True), (True, True), (None, False)])
def test_session_credential_from_console_compares_as_a_string_absent_is_false(
    value: object, expected: bool
) -> None:
    matcher = compile_selectors([_sel(DATA, {"Field": "sessionCredentialFromConsole", "Equals": ["true"]})])
    record: Record = {"eventCategory": "Data"}
    if value is not None:
        record["sessionCredentialFromConsole"] = value
    assert matcher.matches(record) is expected
    absent = compile_selectors([_sel(DATA, {"Field": "sessionCredentialFromConsole", "Equals": ["false"]})])
    assert absent.matches(record) is not expected


def test_any_selector_logs_the_record() -> None:
    matcher = compile_selectors(
        [
            _sel(NETWORK, {"Field": "eventSource", "Equals": ["s3.amazonaws.com"]}),
            _sel(NETWORK, {"Field": "eventSource", "Equals": ["kms.amazonaws.com"]}),
        ]
    )
    assert matcher.mask({"eventCategory": "NetworkActivity", "eventSource": "kms.amazonaws.com"}) == 0b10


def test_dotted_field_is_a_nested_lookup(sample_record: Callable[[str], Record]) -> None:
    matcher = compile_selectors(
        [_sel(NETWORK, {"Field": "userIdentity.arn", "StartsWith": ["arn:aws:sts::123456789012:"]})]
    )
    assert matcher.matches(sample_record("kms-listkeys-allowed.json"))
    # the external caller's userIdentity has no arn
    assert not matcher.matches(sample_record("kms-listkeys-denied-external.json"))


@pytest.mark.parametrize(
    ("selector_value", "record_value", "logged"), [("true", True, True), ("false", True, False)]
)
def test_read_only_boolean_compares_as_its_string(
    selector_value: str, record_value: bool, logged: bool
) -> None:
    matcher = compile_selectors(
        render_selectors([presets.management_events(read_only=selector_value == "true")])
    )
    assert matcher.matches({"eventCategory": "Management", "readOnly": record_value}) is logged


def test_record_without_event_category_is_a_management_event() -> None:
    matcher = compile_selectors(render_selectors([presets.management_events()]))
    assert matcher.matches({"eventVersion": "1.05", "eventName": "CreateTrail"})


def test_record_without_event_category_and_not_management_is_a_data_event() -> None:
    matcher = compile_selectors(render_selectors([presets.management_events()]))
    assert not matcher.matches({"eventVersion": "1.06", "managementEvent": False})


def test_value_that_is_not_a_string_is_treated_as_missing() -> None:
    selectors = [_sel(NETWORK, {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]})]
    record = {"eventCategory": "NetworkActivity", "eventSource": {"odd": 1}}
    assert compile_selectors(selectors).matches(record)
    assert explain(selectors, record).logged


# --- explain ----------------------------------------------------------------------------------


def test_explain_names_the_matching_selector(sample_record: Callable[[str], Record]) -> None:
    selectors = render_selectors(presets.ga_access_denied())
    result = explain(selectors, sample_record("kms-listkeys-denied-external.json"))
    assert result.logged
    assert [selectors[i]["Name"] for i in result.matched] == [
        "Log access denied network activity events for KMS"
    ]


def test_explain_gives_the_first_failing_condition_of_each_selector(
    sample_record: Callable[[str], Record],
) -> None:
    # GIVEN the access-denied preset for KMS and an allowed KMS call
    selectors = render_selectors([presets.access_denied("kms"), presets.log_all("s3")])
    result = explain(selectors, sample_record("kms-listkeys-allowed.json"))
    # THEN the KMS selector fails on errorCode (missing) and the S3 one on eventSource
    assert not result.logged
    kms, s3 = result.failures
    assert (kms.field, kms.operator, kms.values, kms.actual) == (
        "errorCode",
        "Equals",
        ("VpceAccessDenied",),
        None,
    )
    assert (s3.field, s3.operator, s3.actual) == ("eventSource", "Equals", "kms.amazonaws.com")
    assert "has no such field" in kms.describe()


def test_fails_when_record_is_not_an_object() -> None:
    with pytest.raises(NetworkTrailError, match=r"record must be a JSON object"):
        explain(render_selectors(presets.ga_access_denied()), ["not", "a", "record"])  # type: ignore[arg-type]


def test_fails_when_operator_is_unknown() -> None:
    with pytest.raises(NetworkTrailError, match=r"FieldSelectors\[1\] has unknown operator 'Contains'"):
        compile_selectors([_sel(NETWORK, {"Field": "eventName", "Contains": ["Key"]})])


def test_fails_when_a_field_is_not_one_cloudtrail_selectors_take() -> None:
    # AdvancedFieldSelector lists the fields of trails; a typo would otherwise never match, silently
    with pytest.raises(NetworkTrailError, match=r"has the field 'eventname'.*did you mean 'eventName'"):
        compile_selectors([_sel(NETWORK, {"Field": "eventname", "Equals": ["ListKeys"]})])


def test_unknown_operator_gets_the_nearest_name() -> None:
    with pytest.raises(NetworkTrailError, match=r"unknown operator 'NotEqual': did you mean 'NotEquals'"):
        compile_selectors([_sel(NETWORK, {"Field": "eventName", "NotEqual": ["Decrypt"]})])


def test_fails_when_operator_values_are_not_a_list_of_strings() -> None:
    with pytest.raises(NetworkTrailError, match=r"Equals must be a non-empty list of strings, got 'kms'"):
        compile_selectors([_sel(NETWORK, {"Field": "eventSource", "Equals": "kms"})])


def test_fails_when_selectors_is_a_single_selector() -> None:
    with pytest.raises(NetworkTrailError, match=r"selectors must be a list of advanced event selectors"):
        compile_selectors(_sel(NETWORK))  # type: ignore[arg-type]


# --- log files --------------------------------------------------------------------------------


def test_reads_records_of_a_gzip_log(tmp_path: Path, sample_record: Callable[[str], Record]) -> None:
    record = sample_record("kms-listkeys-allowed.json")
    path = _write_log(tmp_path / "a.json.gz", [record, record])
    assert read_records(path) == [record, record]


def test_fails_when_gzip_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "bad.json.gz"
    path.write_bytes(gzip.compress(b'{"Records": []}')[:-6])
    with pytest.raises(NetworkTrailError, match=r"corrupt gzip data"):
        read_records(path)


def test_fails_when_json_is_invalid(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"Records": [')
    with pytest.raises(NetworkTrailError, match=r"invalid JSON"):
        read_records(path)


def test_reads_a_file_holding_one_record(tmp_path: Path, sample_record: Callable[[str], Record]) -> None:
    record = sample_record("kms-listkeys-allowed.json")
    path = tmp_path / "one.json"
    path.write_text(json.dumps(record, indent=2))
    assert read_records(path) == [record]


def test_reads_json_lines_of_records_and_log_files(
    tmp_path: Path, sample_record: Callable[[str], Record]
) -> None:
    allowed = sample_record("kms-listkeys-allowed.json")
    denied = sample_record("kms-listkeys-denied-external.json")
    lines = [json.dumps(allowed), "", json.dumps({"Records": [denied, allowed]})]
    path = tmp_path / "records.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    assert read_records(path) == [allowed, denied, allowed]


def test_fails_when_a_json_line_is_invalid(tmp_path: Path, sample_record: Callable[[str], Record]) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text(json.dumps(sample_record("kms-listkeys-allowed.json")) + "\n{oops\n")
    with pytest.raises(NetworkTrailError, match=r"line 2: invalid JSON"):
        read_records(path)


def test_reads_standard_input(
    monkeypatch: pytest.MonkeyPatch, sample_record: Callable[[str], Record]
) -> None:
    record = sample_record("kms-listkeys-allowed.json")
    stdin = io.TextIOWrapper(io.BytesIO(gzip.compress(json.dumps({"Records": [record]}).encode())))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert list(iter_log_files(["-"])) == [Path("-")]
    assert read_records(Path("-")) == [record]


def test_fails_when_file_has_no_records(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"Items": []}))
    with pytest.raises(NetworkTrailError, match=r"has no 'Records' list and is not a record"):
        read_records(path)


def test_walks_directories_in_the_s3_layout(tmp_path: Path) -> None:
    first = _write_log(_layout(tmp_path, "2026/11/01") / "x.json.gz", [])
    second = _write_log(_layout(tmp_path, "2026/11/02") / "y.json", [], compress=False)
    third = _layout(tmp_path, "2026/11/02") / "z.jsonl.gz"
    third.write_bytes(gzip.compress(b""))
    (_layout(tmp_path, "2026/11/02") / "notes.txt").write_text("not a log")
    assert list(iter_log_files([tmp_path])) == [first, second, third]


def test_fails_when_path_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(NetworkTrailError, match=r"does not exist"):
        list(iter_log_files([tmp_path / "missing"]))


# --- simulate ---------------------------------------------------------------------------------


@pytest.fixture
def log_dir(tmp_path: Path, sample_record: Callable[[str], Record]) -> Path:
    allowed = sample_record("kms-listkeys-allowed.json")
    denied = sample_record("kms-listkeys-denied-external.json")
    s3 = sample_record("s3-listbuckets-allowed.json")
    late = {**allowed, "eventTime": "2024-06-05T23:12:50Z"}
    _write_log(_layout(tmp_path, "2024/06/04") / "a.json.gz", [allowed, denied, s3])
    _write_log(_layout(tmp_path, "2024/06/05") / "b.json.gz", [late, denied])
    return tmp_path


def _sets() -> list[SelectorSet]:
    return [
        SelectorSet("denied", tuple(render_selectors(presets.ga_access_denied()))),
        SelectorSet("all kms", tuple(render_selectors([presets.log_all("kms")]))),
    ]


def test_simulate_counts_logged_and_dropped_per_set(log_dir: Path) -> None:
    report = simulate([log_dir], _sets())
    assert report.records == 5
    assert [(s.label, s.logged, s.dropped) for s in report.sets] == [("denied", 2, 3), ("all kms", 4, 1)]


def test_simulate_counts_per_selector_and_per_source(log_dir: Path) -> None:
    denied = simulate([log_dir], _sets()).sets[0]
    assert dict(denied.selectors)["Log access denied network activity events for KMS"] == 2
    by_source = {c.source: (c.logged, c.dropped) for c in denied.sources}
    assert by_source == {"kms.amazonaws.com": (2, 2), "s3.amazonaws.com": (0, 1)}


def test_simulate_scales_cost_from_the_covered_span_to_30_days(log_dir: Path) -> None:
    # GIVEN events from 2024-06-04T23:12:50Z to 2024-07-15T23:57:12Z (the denied sample is later)
    report = simulate([log_dir], _sets())
    span = report.span_seconds
    assert span is not None
    expected = 4 * NETWORK_ACTIVITY_PRICE_PER_EVENT * 30 * 86400 / span
    assert report.sets[1].monthly_cost == pytest.approx(expected)
    assert report.first_event is not None and report.first_event.isoformat() == "2024-06-04T23:12:50+00:00"


def test_simulate_reports_a_bad_file_and_goes_on(log_dir: Path) -> None:
    bad = _layout(log_dir, "2024/06/04") / "0-broken.json.gz"
    bad.write_bytes(b"\x1f\x8bnot really gzip")
    report = simulate([log_dir], _sets())
    assert [p.path for p in report.problems] == [str(bad)]
    assert report.files == 2
    assert report.records == 5


def test_simulate_stops_at_the_first_bad_file_with_fail_fast(log_dir: Path) -> None:
    bad = _layout(log_dir, "2024/06/04") / "0-broken.json"
    bad.write_text("{}")
    report = simulate([log_dir], _sets(), fail_fast=True)
    assert "has no 'Records' list" in report.problems[0].message
    assert report.records == 0


def test_simulate_reports_a_record_that_is_not_an_object_by_index(
    tmp_path: Path, sample_record: Callable[[str], Record]
) -> None:
    path = _write_log(tmp_path / "x.json.gz", [sample_record("kms-listkeys-allowed.json"), 42])
    report = simulate([path], _sets())
    (problem,) = report.problems
    assert (problem.record_index, report.records) == (1, 1)
    assert str(problem).startswith(f"{path}: Records[1]: is int")


def test_simulate_in_parallel_gives_the_same_report(log_dir: Path) -> None:
    assert simulate([log_dir], _sets(), jobs=2) == simulate([log_dir], _sets(), jobs=1)


def test_fails_when_no_selector_set_is_given(log_dir: Path) -> None:
    with pytest.raises(NetworkTrailError, match=r"sets must hold at least one SelectorSet"):
        simulate([log_dir], [])


def test_fails_when_jobs_is_below_one(log_dir: Path) -> None:
    with pytest.raises(
        NetworkTrailError, match=r"jobs must be a whole number of processes, at least 1, got 0"
    ):
        simulate([log_dir], _sets(), jobs=0)


def test_typed_decoder_is_used_for_ordinary_logs(log_dir: Path) -> None:
    path = next(log_dir.rglob("a.json.gz"))
    matcher = compile_selectors(render_selectors(presets.ga_access_denied()))
    assert matcher.scan_typed(gzip.decompress(path.read_bytes())) is not None


def test_typed_decoder_declines_a_record_with_an_object_where_a_string_belongs() -> None:
    matcher = compile_selectors(render_selectors(presets.ga_access_denied()))
    data = json.dumps({"Records": [{"eventCategory": "NetworkActivity", "eventSource": {"odd": 1}}]})
    assert matcher.scan_typed(data.encode()) is None


# --- records of every age, prices per category ----------------------------------------------------

AGES = json.loads((Path(__file__).resolve().parent / "data" / "records-of-every-age.json").read_text())


@pytest.mark.parametrize("entry", AGES["records"], ids=[e["name"] for e in AGES["records"]])
def test_a_record_without_event_category_is_classified_from_documented_fields(entry: dict[str, Any]) -> None:
    # GIVEN a record of its eventVersion (source and reasoning in the data file)
    data_selectors = [
        {
            "Name": t,
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Data"]},
                {"Field": "resources.type", "Equals": [t]},
            ],
        }
        for t in ("AWS::S3::Object", "AWS::S3Tables::TableBucket")
    ]
    management = {
        "Name": "management",
        "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
    }
    selectors = [*data_selectors, management]
    # WHEN it is explained and classified
    exp = explain(selectors, entry["record"])
    matcher = compile_selectors(selectors)
    # THEN the category is the documented one, and explain says how it was inferred
    assert (exp.category, exp.category_inferred_from) == (entry["expected"], entry["inferred_from"])
    assert matcher.classify(entry["record"])[0] == entry["expected"]
    assert (2 in exp.matched) == (entry["expected"] == "Management")


def test_each_category_is_priced_as_the_pricing_page_says(tmp_path: Path) -> None:
    # GIVEN one hour with one management, one data and one network activity event
    records = [
        {
            "eventTime": "2026-01-01T00:00:00Z",
            "eventCategory": "Management",
            "eventSource": "iam.amazonaws.com",
        },
        {"eventTime": "2026-01-01T00:30:00Z", "eventCategory": "Data", "eventSource": "s3.amazonaws.com"},
        {
            "eventTime": "2026-01-01T01:00:00Z",
            "eventCategory": "NetworkActivity",
            "eventSource": "kms.amazonaws.com",
        },
    ]
    path = tmp_path / "log.json"
    path.write_text(json.dumps({"Records": records}))
    every = [
        {"Name": c, "FieldSelectors": [{"Field": "eventCategory", "Equals": [c]}]}
        for c in ("Management", "Data", "NetworkActivity")
    ]
    # WHEN simulated as an extra copy of management events, then as the first copy
    extra = simulate([path], [SelectorSet("all", tuple(every))]).sets[0]
    first = simulate([path], [SelectorSet("all", tuple(every))], first_management_copy=True).sets[0]
    # THEN (https://aws.amazon.com/cloudtrail/pricing/) $2.00 per 100,000 extra management events, $0.10 per
    # 100,000 data and network activity events, the first copy of management events free; 720 hours in 30 days
    assert extra.monthly_cost == pytest.approx(720 * (2.00 + 0.10 + 0.10) / 100_000)
    assert first.monthly_cost == pytest.approx(720 * (0.10 + 0.10) / 100_000)
