"""`replay --athena`: the distinct-calls query of NetworkActivityQueries, and with --run its result replayed.

The query the command prints is run on DuckDB over the records of ``tests/test_calls_sql.py`` (the proof
that it groups as the local path does); its rows, in ``GetQueryResults``' shape (a header row, then every
value a ``VarCharValue``, NULL an empty cell, two pages: Amazon Athena API Reference, GetQueryResults,
https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html), come back through
botocore's Stubber after StartQueryExecution and GetQueryExecution (QUEUED, RUNNING, SUCCEEDED:
https://docs.aws.amazon.com/athena/latest/APIReference/API_QueryExecutionStatus.html). The report must
equal `replay LOGS` on the same records with the same policy. The bad --athena options fail alike in
`advise`, which takes them from the same definition (``tests/test_advise_athena.py``). Never run against AWS.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from botocore.stub import Stubber
from click.testing import CliRunner, Result

from network_trail.cli import main
from network_trail.model._queries import distinct_calls_sql
from network_trail.simulator import athena_sql
from network_trail.simulator.calls import CALL_COLUMNS

from .conftest import DATA
from .test_athena_run import DATABASE, QUERY_ID, WORKGROUP, athena, database, execution, expect_success
from .test_athena_sql import END, START, result_rows
from .test_calls_sql import con, log_file

__all__ = ["athena", "con", "database", "log_file"]  # fixtures of the modules the proof comes from

POLICY = ["--policy", str(DATA / "endpoint-policies" / "guardduty-account-only.json")]
# The endpoints of the User Guide's sample records (tests/data/endpoint-policies/README.md): the S3 gateway
# endpoint vpce-03y53r4ukkkuygzg0 of s3-listbuckets-allowed.json is one of them.
ENDPOINTS = ["--endpoints", str(DATA / "endpoint-policies" / "sample-endpoints.json")]
RANGE = ["--from", START.isoformat(), "--to", END.isoformat()]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_prints_the_distinct_calls_query_of_the_range_or_the_days() -> None:
    result = run("replay", "--athena", *RANGE, "--database", DATABASE)
    assert result.exit_code == 0, result.output
    assert result.output == distinct_calls_sql(start=START, end=END, database=DATABASE) + "\n"
    assert run("replay", "--athena", "--days", "7").output == distinct_calls_sql(days=7) + "\n"
    assert run("replay", "--athena").output == distinct_calls_sql() + "\n"  # the saved query's 30 days


@pytest.mark.parametrize("as_json", [True, False])
def test_run_replays_the_query_result_as_the_logs_are_replayed(
    athena: tuple[Any, Stubber],
    database: duckdb.DuckDBPyConnection,
    log_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    as_json: bool,
) -> None:
    client, stub = athena
    monkeypatch.setattr(athena_sql, "_athena_client", lambda region: client)
    monkeypatch.setattr("network_trail.simulator.athena_sql.time.sleep", lambda seconds: None)
    # GIVEN the command's query, run on DuckDB, as Athena's result
    sql = run("replay", "--athena", *RANGE, "--database", DATABASE).output.removesuffix("\n")
    expect_success(stub, sql, result_rows(database, sql, CALL_COLUMNS))
    # WHEN it is run and replayed against the GuardDuty-documented policy
    fmt = ["--json"] if as_json else []
    args = ["replay", "--athena", "--run", "--workgroup", WORKGROUP, "--database", DATABASE, *RANGE]
    result = run(*args, *POLICY, *fmt)
    # THEN the report is that of the same records read from a log file
    assert result.exit_code == 0, result.output
    local = run("replay", str(log_file), *POLICY, *fmt, "--jobs", "1")
    if as_json:
        assert json.loads(result.stdout) == json.loads(local.stdout)
        assert json.loads(result.stdout)["summary"]["regression"]["calls"] > 0
    else:
        assert result.stdout == local.stdout
    assert result.stderr.startswith(f"Athena query {QUERY_ID}: ")
    assert "MB scanned, query cost $" in result.stderr


def test_a_failed_query_is_an_error_with_athena_s_reason(
    athena: tuple[Any, Stubber], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, stub = athena
    monkeypatch.setattr(athena_sql, "_athena_client", lambda region: client)
    stub.add_response("start_query_execution", {"QueryExecutionId": QUERY_ID})
    reason = (
        "TABLE_NOT_FOUND: line 11:6: Table 'awsdatacatalog.network_trail_db.network_activity' does not exist"
    )
    stub.add_response("get_query_execution", execution("FAILED", reason), {"QueryExecutionId": QUERY_ID})
    result = run("replay", "--athena", "--run", "--workgroup", WORKGROUP, "--database", DATABASE, *POLICY)
    assert result.exit_code == 2
    assert f"Athena query {QUERY_ID} in workgroup 'network-trail' failed: TABLE_NOT_FOUND" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--run"], "--run is an option of --athena: add --athena"),
        (["--days", "7", "--table", "t"], "--days, --table are options of --athena: add --athena"),
        (
            ["--athena", "some-logs"],
            "--athena reads the Athena table, not log files: drop LOGS and --calls (got LOGS ['some-logs'])",
        ),
        (
            ["--athena", "--from", "2026-11-01"],
            "give --from with --to, or --days alone (got --from 2026-11-01)",
        ),
        (
            ["--athena", "--days", "7", *RANGE],
            f"give --from with --to, or --days alone (got --days 7, --from {START}, --to {END})",
        ),
        (
            ["--athena", "--from", "2026-11-02", "--to", "2026-11-01"],
            "--from 2026-11-02 is after --to 2026-11-01",
        ),
        (["--athena", "--days", "0"], "Invalid value for '--days': 0 is not in the range 1<=x<=3653"),
        (["--athena", "--table", "Bad-Name"], "table must be 1 to 255 lowercase letters, digits or '_'"),
        (["--athena", "--run"], "--run needs --workgroup NAME, the workgroup of NetworkActivityQueries"),
        (["--athena", "--run", "--workgroup", "my workgroup"], "workgroup must be 1 to 128 letters"),
    ],
)
@pytest.mark.parametrize(("command", "needs"), [("replay", POLICY), ("advise", ENDPOINTS)])
def test_bad_athena_options_name_the_option_and_the_fix(
    args: list[str],
    message: str,
    command: str,
    needs: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN replay or advise (advise --athena takes replay's options), with the input it needs to go on
    monkeypatch.chdir(tmp_path)
    (tmp_path / "some-logs").mkdir()
    # WHEN an --athena option is bad
    result = run(command, *args, *needs)
    # THEN the command exits 2 with the same error
    assert result.exit_code == 2
    assert message in result.stderr
