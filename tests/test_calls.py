"""Distinct calls from network activity records: expected values from the documented sample records.

``kms-listkeys-allowed.json`` and ``kms-listkeys-denied-external.json`` are the network activity examples
of the CloudTrail User Guide, "Understanding CloudTrail events"
(https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-events.html);
``s3-listbuckets-allowed.json`` is a public redacted real record
(https://gist.github.com/rami-wiz/b8ecdb99edbf5e7cfaf086409a704b01, "Allowed - Management"). The principal ARN of an
``AssumedRole`` caller is the role's ARN, as the IAM User Guide says of ``aws:PrincipalArn``
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
"""

from __future__ import annotations

import copy
import csv
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from network_trail.errors import NetworkTrailError
from network_trail.simulator.calls import (
    CALL_COLUMNS,
    DistinctCall,
    calls_from_rows,
    distinct_calls,
    load_org_accounts,
    read_calls_csv,
)

DATA = Path(__file__).resolve().parent / "data"
SAMPLES = ("kms-listkeys-allowed.json", "kms-listkeys-denied-external.json", "s3-listbuckets-allowed.json")


def sample(name: str) -> dict[str, Any]:
    return dict(json.loads((DATA / name).read_text()))


def write_log(path: Path, records: list[dict[str, Any]], *, gz: bool = False) -> Path:
    data = json.dumps({"Records": records}).encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


KMS_ALLOWED = DistinctCall(
    event_source="kms.amazonaws.com",
    event_name="ListKeys",
    vpc_endpoint_id="vpce-EXAMPLE08c1b6b9b7",
    vpc_endpoint_account="123456789012",
    principal_type="AssumedRole",
    principal_account="123456789012",
    principal_arn="arn:aws:iam::123456789012:role/Admin",  # sessionContext.sessionIssuer.arn
    error_code=None,
    denied=False,
    count=1,
    first_seen="2024-06-04T23:12:50Z",
    last_seen="2024-06-04T23:12:50Z",
)
KMS_DENIED = DistinctCall(
    event_source="kms.amazonaws.com",
    event_name="ListKeys",
    vpc_endpoint_id="vpce-EXAMPLE08c1b6b9b7",
    vpc_endpoint_account="123456789012",
    principal_type="AWSAccount",
    principal_account="777788889999",
    principal_arn=None,  # another account's caller: the record has no ARN
    error_code="VpceAccessDenied",
    denied=True,
    count=1,
    first_seen="2024-07-15T23:57:12Z",
    last_seen="2024-07-15T23:57:12Z",
)
S3_ALLOWED = DistinctCall(
    event_source="s3.amazonaws.com",
    event_name="ListBuckets",
    vpc_endpoint_id="vpce-03y53r4ukkkuygzg0",
    vpc_endpoint_account="012345678910",
    principal_type="AssumedRole",
    principal_account="012345678910",
    principal_arn="arn:aws:iam::012345678910:role/admin",
    error_code=None,
    denied=False,
    count=1,
    first_seen="2025-02-26T16:41:35Z",
    last_seen="2025-02-26T16:41:35Z",
)


def test_each_documented_record_is_one_distinct_call() -> None:
    result = distinct_calls([DATA / name for name in SAMPLES])
    assert set(result.calls) == {KMS_ALLOWED, KMS_DENIED, S3_ALLOWED}
    assert (result.records, result.skipped, result.files, result.problems) == (3, 0, 3, ())


def test_repeated_calls_are_counted_with_first_and_last_time(tmp_path: Path) -> None:
    times = ["2024-06-05T10:00:00Z", "2024-06-04T23:12:50Z", "2024-06-06T01:02:03Z"]
    records = [
        dict(sample(SAMPLES[0]), eventTime=t, sourceIPAddress=f"10.0.0.{i}") for i, t in enumerate(times)
    ]
    write_log(tmp_path / "a.json", records[:2])
    write_log(tmp_path / "b.json.gz", records[2:], gz=True)
    (call,) = distinct_calls([tmp_path]).calls
    assert (call.count, call.first_seen, call.last_seen) == (
        3,
        "2024-06-04T23:12:50Z",
        "2024-06-06T01:02:03Z",
    )
    assert call.source_ip is None
    by_ip = distinct_calls([tmp_path], by_source_ip=True).calls
    assert sorted(c.source_ip or "" for c in by_ip) == ["10.0.0.0", "10.0.0.1", "10.0.0.2"]


def test_json_lines_and_single_records_are_read(tmp_path: Path) -> None:
    lines = tmp_path / "calls.jsonl"
    lines.write_text("\n".join(json.dumps(sample(n)) for n in SAMPLES) + "\n")
    assert set(distinct_calls([lines]).calls) == {KMS_ALLOWED, KMS_DENIED, S3_ALLOWED}


def test_other_categories_are_skipped_and_bad_records_reported(tmp_path: Path) -> None:
    management = dict(sample(SAMPLES[0]), eventCategory="Management")
    no_source = {k: v for k, v in sample(SAMPLES[0]).items() if k != "eventSource"}
    write_log(tmp_path / "a.json", [management, no_source, "text", sample(SAMPLES[1])])  # type: ignore[list-item]
    (tmp_path / "b.json").write_text("not json")
    seen: list[str] = []
    result = distinct_calls([tmp_path], on_problem=lambda p: seen.append(str(p)))
    assert result.calls == (KMS_DENIED,)
    assert (result.records, result.skipped, result.files) == (1, 2, 1)
    assert [p.record_index for p in result.problems] == [2, None]
    assert seen == [str(p) for p in result.problems]


def test_service_principal_keeps_the_invoking_service(tmp_path: Path) -> None:
    record = sample(SAMPLES[0])
    record["userIdentity"] = {"type": "AWSService", "invokedBy": "cloudtrail.amazonaws.com"}
    write_log(tmp_path / "a.json", [record])
    (call,) = distinct_calls([tmp_path]).calls
    assert (call.principal_type, call.invoked_by, call.principal_account, call.principal_arn) == (
        "AWSService",
        "cloudtrail.amazonaws.com",
        None,
        None,
    )


def test_worker_processes_give_the_same_calls(tmp_path: Path) -> None:
    for i in range(6):
        records = [dict(sample(n), eventTime=f"2026-01-0{i + 1}T00:00:00Z") for n in SAMPLES[: 1 + i % 3]]
        write_log(tmp_path / f"{i}.json", records)
    assert distinct_calls([tmp_path], jobs=2) == distinct_calls([tmp_path], jobs=1)


@pytest.mark.parametrize("fail_fast", [False, True])
def test_worker_processes_give_the_same_calls_and_problems_over_many_files(
    tmp_path: Path, fail_fast: bool
) -> None:
    # More files than chunks of the workers (32 a process): chunks of several files, a bad file and a bad
    # record among them; with fail_fast, both stop after the first file with a problem.
    for i in range(150):
        records: list[Any] = [
            dict(sample(n), eventTime=f"2026-01-{i % 28 + 1:02}T00:00:00Z") for n in SAMPLES[: 1 + i % 3]
        ]
        if i == 23:
            records.append("text")
        write_log(tmp_path / f"{i:03}.json", records)
    (tmp_path / "030.json").write_text("not json")
    one = distinct_calls([tmp_path], jobs=1, fail_fast=fail_fast)
    assert distinct_calls([tmp_path], jobs=2, fail_fast=fail_fast) == one
    assert [(Path(p.path).name, p.record_index) for p in one.problems] == (
        [("023.json", 3)] if fail_fast else [("023.json", 3), ("030.json", None)]
    )
    assert one.files == (24 if fail_fast else 149)


def test_calls_are_ordered_most_frequent_first(tmp_path: Path) -> None:
    write_log(tmp_path / "a.json", [sample(SAMPLES[2]), sample(SAMPLES[1]), sample(SAMPLES[1])])
    assert [c.count for c in distinct_calls([tmp_path]).calls] == [2, 1]


@pytest.mark.parametrize("jobs", [0, -1, 1.5, True])
def test_fails_when_jobs_is_not_a_whole_number_of_processes(jobs: Any) -> None:
    with pytest.raises(NetworkTrailError, match="jobs must be a whole number"):
        distinct_calls([DATA / SAMPLES[0]], jobs=jobs)


def test_fails_when_a_path_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(NetworkTrailError, match="does not exist"):
        distinct_calls([tmp_path / "missing"])


def test_query_result_csv_reads_back_the_same_calls(tmp_path: Path) -> None:
    calls = distinct_calls([DATA / name for name in SAMPLES]).calls
    path = tmp_path / "result.csv"
    with path.open("w", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_ALL)  # as Athena writes results
        writer.writerow(CALL_COLUMNS)
        for c in calls:
            row = {f: getattr(c, f) for f in DistinctCall.__slots__ if f != "count"}
            row["calls"] = c.count
            row["denied"] = str(c.denied).lower()
            writer.writerow(["" if row[col] is None else row[col] for col in CALL_COLUMNS])
    assert read_calls_csv(path) == calls


def test_rows_of_equal_calls_are_merged() -> None:
    row = {
        "event_source": "kms.amazonaws.com",
        "event_name": "ListKeys",
        "calls": "2",
        "first_seen": "b",
        "last_seen": "c",
    }
    other = dict(row, calls="3", first_seen="a", last_seen="b")
    (call,) = calls_from_rows([row, other])
    assert (call.count, call.first_seen, call.last_seen, call.denied) == (5, "a", "c", False)


@pytest.mark.parametrize(
    "row",
    [{"event_name": "ListKeys", "calls": "1"}, {"event_source": "kms.amazonaws.com", "calls": "x"}],
)
def test_fails_when_a_result_row_is_not_of_the_query_shape(row: dict[str, str]) -> None:
    with pytest.raises(NetworkTrailError, match="row 1 must have the columns event_source"):
        calls_from_rows([row])


def test_fails_when_the_csv_has_no_header(tmp_path: Path) -> None:
    path = tmp_path / "result.csv"
    path.write_text('"kms.amazonaws.com","ListKeys"\n')
    with pytest.raises(NetworkTrailError, match="no header row"):
        read_calls_csv(path)


LIST_ACCOUNTS = {  # the shape of ListAccounts (AWS Organizations API Reference, Account)
    "Accounts": [
        {
            "Id": "111111111111",
            "Arn": "arn:aws:organizations::111111111111:account/o-exampleorgid/111111111111",
        },
        {
            "Id": "222222222222",
            "Arn": "arn:aws:organizations::111111111111:account/o-exampleorgid/222222222222",
        },
    ]
}


def test_org_accounts_from_list_accounts() -> None:
    expected = {"111111111111": "o-exampleorgid", "222222222222": "o-exampleorgid"}
    assert load_org_accounts(LIST_ACCOUNTS) == expected
    assert load_org_accounts(LIST_ACCOUNTS["Accounts"]) == expected


def test_fails_when_an_account_entry_is_not_of_list_accounts_shape() -> None:
    bad = copy.deepcopy(LIST_ACCOUNTS)
    bad["Accounts"][1]["Arn"] = "arn:aws:organizations::111111111111:account/o-exampleorgid/333333333333"
    with pytest.raises(NetworkTrailError, match=r"org_accounts Accounts\[1\] must have an 'Id'"):
        load_org_accounts(bad)
    with pytest.raises(NetworkTrailError, match="must hold"):
        load_org_accounts({"Organization": {}})


def test_typed_and_plain_json_paths_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import network_trail.simulator.calls as calls_module

    odd = dict(sample(SAMPLES[0]), eventName=5)  # not a string: the typed decoder gives the file up
    service = dict(sample(SAMPLES[1]), userIdentity={"type": "AWSService", "invokedBy": "ec2.amazonaws.com"})
    write_log(tmp_path / "a.json", [sample(n) for n in SAMPLES] + [service])
    write_log(tmp_path / "b.json.gz", [odd, sample(SAMPLES[2])], gz=True)
    typed = distinct_calls([tmp_path], by_source_ip=True)
    monkeypatch.setattr(calls_module, "_msgspec", None)
    assert distinct_calls([tmp_path], by_source_ip=True) == typed
    assert [
        c.event_name for c in typed.calls if c.count == 1 and c.event_source == "kms.amazonaws.com"
    ].count(None) == 1


def test_standard_input_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    lines = "\n".join(json.dumps(sample(n)) for n in SAMPLES).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines)))
    assert set(distinct_calls(["-"]).calls) == {KMS_ALLOWED, KMS_DENIED, S3_ALLOWED}
