"""The saved Athena queries, proven without AWS.

Every query :func:`network_activity_queries` returns (the SQL the construct
saves) is parsed with sqlglot's Athena dialect, transpiled to DuckDB and run on
a DuckDB table whose columns are the Glue table's own (``TABLE_COLUMNS`` and
``PARTITION_KEYS``, Hive types converted by sqlglot). The rows are AWS's sample
records plus ``tests/data/network-activity-cases.json``, keys lowercased as
Athena's JSON SerDe reads them. Limits: DuckDB is not Trino; the test proves the
logic and the column names, not Athena's exact type coercions.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot

from network_trail import NetworkTrailError
from network_trail.model._queries import (
    PARTITION_KEYS,
    TABLE_COLUMNS,
    SavedQuery,
    network_activity_queries,
)

DATA = Path(__file__).resolve().parent / "data"
AWS_SAMPLES = (
    "kms-listkeys-allowed.json",
    "kms-listkeys-denied-external.json",
    "s3-listbuckets-allowed.json",
)
ALLOWED = ["222222222222"]
A, B = "vpce-0aaaaaaaaaaaaaaa1", "vpce-0bbbbbbbbbbbbbbb2"
AWS_KMS_VPCE, AWS_S3_VPCE = "vpce-EXAMPLE08c1b6b9b7", "vpce-03y53r4ukkkuygzg0"
OWNER, PARTNER, EXT, EXT_OLD = "111111111111", "222222222222", "999999999999", "888888888888"
SM, KMS, S3 = "secretsmanager.amazonaws.com", "kms.amazonaws.com", "s3.amazonaws.com"


def _lower_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k.lower(): _lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_lower_keys(v) for v in value]
    return value


def _duckdb_type(hive_type: str) -> str:
    cast = sqlglot.transpile(f"CAST(x AS {hive_type})", read="hive", write="duckdb")[0]
    return cast[cast.index(" AS ") + 4 : -1]


def _rows() -> list[tuple[int, dict[str, Any]]]:
    """(partition days ago, record) for every sample: AWS's records are delivered yesterday."""
    rows = [(1, json.loads((DATA / name).read_text())) for name in AWS_SAMPLES]
    cases = json.loads((DATA / "network-activity-cases.json").read_text())["cases"]
    rows += [(case["partition_days_ago"], case["record"]) for case in cases]
    return rows


@pytest.fixture(scope="module")
def queries() -> dict[str, SavedQuery]:
    return {q.name: q for q in network_activity_queries(allowed_account_ids=ALLOWED)}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    """The Glue table's schema in DuckDB, filled with the sample records."""
    today = dt.datetime.now(dt.UTC).date()
    path = tmp_path_factory.mktemp("athena") / "records.ndjson"
    with path.open("w") as out:
        for days_ago, record in _rows():
            row = _lower_keys(record)
            row["account"] = row["recipientaccountid"]
            row["region"] = row["awsregion"]
            row["event_date"] = (today - dt.timedelta(days=days_ago)).strftime("%Y/%m/%d")
            out.write(json.dumps(row) + "\n")
    columns = {name: _duckdb_type(t) for name, t in TABLE_COLUMNS}
    columns.update(dict.fromkeys(PARTITION_KEYS, "VARCHAR"))
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        "CREATE TABLE network_activity AS SELECT * FROM read_json(?, format = 'newline_delimited', "
        f"columns = {columns!r})",
        [str(path)],
    )
    return con


def run(db: duckdb.DuckDBPyConnection, query: SavedQuery) -> list[tuple[Any, ...]]:
    sql = sqlglot.transpile(query.sql, read="athena", write="duckdb")[0]
    return [tuple(row) for row in db.execute(sql).fetchall()]


@pytest.mark.parametrize("name", [q.name for q in network_activity_queries(allowed_account_ids=ALLOWED)])
@pytest.mark.parametrize("dialect", ["athena", "trino"])
def test_query_parses_without_errors(queries: dict[str, SavedQuery], name: str, dialect: str) -> None:
    # WHEN the shipped SQL is parsed strictly
    parsed = sqlglot.parse(queries[name].sql, read=dialect, error_level=sqlglot.ErrorLevel.RAISE)
    # THEN it is exactly one SELECT statement
    assert len(parsed) == 1
    assert isinstance(parsed[0], sqlglot.exp.Select)


def test_every_query_reads_a_bounded_window_of_partitions(queries: dict[str, SavedQuery]) -> None:
    for query in queries.values():
        where = sqlglot.parse_one(query.sql, read="athena").args["where"]
        columns = {c.name for c in where.find_all(sqlglot.exp.Column)}
        assert "event_date" in columns, query.name


def test_table_holds_every_sample_record(db: duckdb.DuckDBPyConnection) -> None:
    assert db.execute("SELECT count(*) FROM network_activity").fetchone() == (len(_rows()),)


def test_denied_calls_by_endpoint_caller_and_api(
    db: duckdb.DuckDBPyConnection, queries: dict[str, SavedQuery]
) -> None:
    # GIVEN denied calls by an outsider (twice), by the owner, and AWS's denied sample;
    # a Management AccessDenied and a denial 30 days ago
    # THEN only the network activity denials of the last 7 days come back, most frequent first
    assert run(db, queries["denied-calls"]) == [
        (A, OWNER, EXT, SM, "GetSecretValue", 2, "2026-11-20T10:00:00Z", "2026-11-21T10:00:00Z"),
        (B, OWNER, OWNER, S3, "PutObject", 1, "2026-11-21T13:00:00Z", "2026-11-21T13:00:00Z"),
        (
            AWS_KMS_VPCE,
            "123456789012",
            "777788889999",
            KMS,
            "ListKeys",
            1,
            "2024-07-15T23:57:12Z",
            "2024-07-15T23:57:12Z",
        ),
    ]


def test_outside_callers_leave_out_owner_and_allowed_accounts(
    db: duckdb.DuckDBPyConnection, queries: dict[str, SavedQuery]
) -> None:
    # GIVEN the owner's calls, the allowed partner's Decrypt, and outsiders' calls
    # THEN only outsiders come back, denied or not
    assert run(db, queries["outside-callers"]) == [
        (
            EXT,
            "AWSAccount",
            A,
            OWNER,
            SM,
            "GetSecretValue",
            2,
            2,
            "2026-11-20T10:00:00Z",
            "2026-11-21T10:00:00Z",
        ),
        (
            "777788889999",
            "AWSAccount",
            AWS_KMS_VPCE,
            "123456789012",
            KMS,
            "ListKeys",
            1,
            1,
            "2024-07-15T23:57:12Z",
            "2024-07-15T23:57:12Z",
        ),
        (EXT, "AWSAccount", B, OWNER, S3, "GetObject", 1, 0, "2026-11-22T12:00:00Z", "2026-11-22T12:00:00Z"),
    ]


def test_outside_callers_include_allowed_accounts_when_none_are_configured(
    db: duckdb.DuckDBPyConnection,
) -> None:
    query = {q.name: q for q in network_activity_queries()}["outside-callers"]
    callers = {row[0] for row in run(db, query)}
    assert callers == {EXT, "777788889999", PARTNER}


def test_first_seen_callers_per_endpoint_newest_first(
    db: duckdb.DuckDBPyConnection, queries: dict[str, SavedQuery]
) -> None:
    # GIVEN an outsider seen 30 days ago (inside 90 days) and one 200 days ago (outside)
    assert run(db, queries["first-seen-callers"]) == [
        (B, EXT, "2026-11-22T12:00:00Z", "2026-11-22T12:00:00Z", 1),
        (B, OWNER, "2026-11-21T13:00:00Z", "2026-11-21T13:00:00Z", 1),
        (B, PARTNER, "2026-11-20T11:00:00Z", "2026-11-20T11:00:00Z", 1),
        (A, EXT, "2026-11-20T10:00:00Z", "2026-11-21T10:00:00Z", 2),
        (A, OWNER, "2026-11-20T09:00:00Z", "2026-11-20T09:00:00Z", 1),
        (A, EXT_OLD, "2026-10-28T08:00:00Z", "2026-10-28T08:00:00Z", 1),
        (AWS_S3_VPCE, "012345678910", "2025-02-26T16:41:35Z", "2025-02-26T16:41:35Z", 1),
        (AWS_KMS_VPCE, "777788889999", "2024-07-15T23:57:12Z", "2024-07-15T23:57:12Z", 1),
        (AWS_KMS_VPCE, "123456789012", "2024-06-04T23:12:50Z", "2024-06-04T23:12:50Z", 1),
    ]


def test_sensitive_apis_through_endpoints(
    db: duckdb.DuckDBPyConnection, queries: dict[str, SavedQuery]
) -> None:
    # GIVEN GetSecretValue, Decrypt and GetObject calls, and ListKeys/ListBuckets/PutObject calls
    # THEN only the sensitive APIs come back, with the caller's ARN when it has one
    owner_arn = "arn:aws:sts::111111111111:assumed-role/app/session"
    partner_arn = "arn:aws:sts::222222222222:assumed-role/partner/session"
    assert run(db, queries["sensitive-apis"]) == [
        (A, EXT, None, SM, "GetSecretValue", 2, 2, "2026-11-20T10:00:00Z", "2026-11-21T10:00:00Z"),
        (A, OWNER, owner_arn, SM, "GetSecretValue", 1, 0, "2026-11-20T09:00:00Z", "2026-11-20T09:00:00Z"),
        (B, PARTNER, partner_arn, KMS, "Decrypt", 1, 0, "2026-11-20T11:00:00Z", "2026-11-20T11:00:00Z"),
        (B, EXT, None, S3, "GetObject", 1, 0, "2026-11-22T12:00:00Z", "2026-11-22T12:00:00Z"),
    ]


def test_volume_and_cost_per_source_and_endpoint(
    db: duckdb.DuckDBPyConnection, queries: dict[str, SavedQuery]
) -> None:
    rows = [(*row[:4], float(row[4])) for row in run(db, queries["volume-and-cost"])]
    # THEN events are counted per source and endpoint, at $0.10 per 100,000 events
    assert rows == [
        (SM, A, 3, 2, 0.000003),
        (KMS, AWS_KMS_VPCE, 2, 1, 0.000002),
        (S3, B, 2, 1, 0.000002),
        (KMS, B, 1, 0, 0.000001),
        (S3, AWS_S3_VPCE, 1, 0, 0.000001),
    ]


def test_sensitive_event_names_are_configurable(db: duckdb.DuckDBPyConnection) -> None:
    query = {q.name: q for q in network_activity_queries(sensitive_event_names=["ListKeys"])}[
        "sensitive-apis"
    ]
    assert {row[4] for row in run(db, query)} == {"ListKeys"}


def test_fails_when_an_allowed_account_is_not_twelve_digits() -> None:
    with pytest.raises(NetworkTrailError, match=r"allowed_account_ids\[1\] must be a 12-digit .* got '12'"):
        network_activity_queries(allowed_account_ids=["222222222222", "12"])


def test_fails_when_a_sensitive_event_name_could_break_the_sql() -> None:
    with pytest.raises(NetworkTrailError, match=r"sensitive_event_names\[0\] must be an API action name"):
        network_activity_queries(sensitive_event_names=["x') OR 1=1 --"])


def test_fails_when_lookback_days_is_zero() -> None:
    with pytest.raises(NetworkTrailError, match=r"lookback_days must be a whole number of days from 1"):
        network_activity_queries(lookback_days=0)


def test_cost_is_computed_in_floating_point(queries: dict[str, SavedQuery]) -> None:
    # Trino keeps the scale of DECIMAL operands (0.10 is DECIMAL(3,2)), so count * 0.10 / 100000 in
    # decimals would round a few events' cost to 0.00; a DOUBLE operand avoids it.
    select = sqlglot.parse_one(queries["volume-and-cost"].sql, read="athena")
    (cost,) = [e for e in select.expressions if e.alias_or_name == "estimated_cost_usd"]
    casts = [c for c in cost.find_all(sqlglot.exp.Cast) if c.to.this == sqlglot.exp.DataType.Type.DOUBLE]
    assert len(casts) == 1
