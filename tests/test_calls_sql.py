"""The distinct-calls Athena query, run on DuckDB, gives the calls the local aggregation gives.

As ``tests/test_athena_sql.py`` proves ``simulate --athena``: :func:`distinct_calls_sql` is transpiled
from Athena's dialect to DuckDB and run on a table with the Glue table's columns, filled with AWS's
sample records, the simulator's test records and one record per caller type; the same records
written as a log file go through :func:`distinct_calls`. The two sets of calls must be equal, field
by field, read back through :func:`calls_from_rows` and through the result CSV (:func:`read_calls_csv`).
Records of partitions outside the date range are only in the table: the query must leave them out.
Limits: DuckDB is not Trino; this proves the logic and the column names, not Athena's type coercions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot

from network_trail import NetworkTrailError
from network_trail.model._queries import DISTINCT_CALLS_DAYS, distinct_calls_sql, network_activity_queries
from network_trail.simulator.calls import CALL_COLUMNS, calls_from_rows, distinct_calls, read_calls_csv

from .test_athena_sql import END, START, in_range_records, log_file_of, record, result_rows, table_of

ROLE = {
    "type": "AssumedRole",
    "arn": "arn:aws:sts::111111111111:assumed-role/app/i-0abc",
    "accountId": "111111111111",
    "sessionContext": {"sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::111111111111:role/app"}},
}
CALLERS = [
    record(userIdentity=ROLE, eventTime="2026-11-12T08:00:00Z", sourceIPAddress="10.0.0.1"),
    record(userIdentity=ROLE, eventTime="2026-11-13T09:00:00Z", sourceIPAddress="10.0.0.2"),
    record(userIdentity=ROLE, eventTime="2026-11-11T07:00:00Z", errorCode="VpceAccessDenied"),
    record(
        userIdentity={
            "type": "IAMUser",
            "arn": "arn:aws:iam::111111111111:user/ops",
            "accountId": "111111111111",
        }
    ),
    record(
        userIdentity={"type": "Root", "arn": "arn:aws:iam::111111111111:root", "accountId": "111111111111"}
    ),
    record(
        userIdentity={
            "type": "FederatedUser",
            "arn": "arn:aws:sts::111111111111:federated-user/bob",
            "accountId": "111111111111",
        }
    ),
    record(userIdentity={"type": "AWSService", "invokedBy": "cloudtrail.amazonaws.com"}),
    record(userIdentity={"type": "AssumedRole", "accountId": "111111111111"}),  # no sessionContext
    record(eventName="Decrypt", errorCode="AccessDenied"),
]


def records() -> list[dict[str, Any]]:
    return in_range_records() + CALLERS


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return table_of(tmp_path_factory, records())


@pytest.fixture(scope="module")
def log_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return log_file_of(tmp_path_factory, records())


def query_rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, str | None]]:
    return result_rows(con, sql, CALL_COLUMNS)


@pytest.mark.parametrize("by_source_ip", [False, True])
def test_query_gives_the_local_distinct_calls(
    con: duckdb.DuckDBPyConnection, log_file: Path, by_source_ip: bool
) -> None:
    sql = distinct_calls_sql(start=START, end=END, by_source_ip=by_source_ip)
    rows = query_rows(con, sql)
    local = distinct_calls([log_file], by_source_ip=by_source_ip)
    assert calls_from_rows(rows) == local.calls
    assert len(rows) == len(local.calls)  # one row per call: the query groups as the local path does
    assert sum(c.count for c in local.calls) == local.records
    assert {r["denied"] for r in rows} == {"True", "False"}
    assert all((r["denied"] == "True") == (r["error_code"] == "VpceAccessDenied") for r in rows)


def test_assumed_role_calls_carry_the_role_arn(con: duckdb.DuckDBPyConnection) -> None:
    rows = query_rows(con, distinct_calls_sql(start=START, end=END))
    arns = {r["principal_arn"] for r in rows if r["principal_type"] == "AssumedRole"}
    assert "arn:aws:iam::111111111111:role/app" in arns
    assert not any(arn and ":assumed-role/" in arn for arn in arns)
    (service,) = [r for r in rows if r["principal_type"] == "AWSService"]
    assert (service["invoked_by"], service["principal_arn"]) == ("cloudtrail.amazonaws.com", None)


def test_result_csv_reads_back_the_same_calls(
    con: duckdb.DuckDBPyConnection, log_file: Path, tmp_path: Path
) -> None:
    sql = sqlglot.transpile(distinct_calls_sql(start=START, end=END), read="athena", write="duckdb")[0]
    path = tmp_path / "result.csv"
    con.execute(f"COPY ({sql}) TO '{path}' (HEADER, FORCE_QUOTE *)")
    assert read_calls_csv(path) == distinct_calls([log_file]).calls


def test_saved_query_reads_a_month_of_partitions() -> None:
    (saved,) = [q for q in network_activity_queries() if q.name == "distinct-calls"]
    assert saved.sql == distinct_calls_sql()
    assert f"interval '{DISTINCT_CALLS_DAYS}' day" in saved.sql
    assert "eventcategory = 'NetworkActivity'" in saved.sql
    sqlglot.transpile(saved.sql, read="athena", write="trino")


def test_database_qualifies_the_table() -> None:
    assert 'FROM "security"."calls"' in distinct_calls_sql(table="calls", database="security")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"table": "Bad-Name"}, r"table must be 1 to 255 lowercase .* got 'Bad-Name'"),
        ({"database": "a.b"}, r"database must be 1 to 255 lowercase .* got 'a.b'"),
        ({"days": 0}, r"days must be a whole number of days from 1 to 3653, got 0"),
        ({"start": dt.date(2026, 1, 2)}, r"start and end must both be dates"),
        ({"start": dt.date(2026, 1, 2), "end": dt.date(2026, 1, 1)}, r"start not after end"),
    ],
)
def test_fails_on_bad_query_inputs(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(NetworkTrailError, match=message):
        distinct_calls_sql(**kwargs)
