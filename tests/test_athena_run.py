"""`simulate --athena --run` against botocore's Stubber, on responses checked against botocore's Athena model.

The result rows the stub returns are those of the compiled SQL run on DuckDB
(``tests/test_athena_sql.py``), in ``GetQueryResults``' shape (a header row, then
every value a ``VarCharValue`` string, NULL as an empty cell), over two pages.
So the chain compile -> StartQueryExecution -> GetQueryExecution ->
GetQueryResults -> report is checked end to end against the local simulator.
Never run against AWS.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import botocore.session
import duckdb
import pytest
from botocore.stub import Stubber
from click.testing import CliRunner

from network_trail import NetworkTrailError
from network_trail.cli import main
from network_trail.simulator import SelectorSet, athena_sql, simulate
from network_trail.simulator.athena_sql import athena_query_cost, compile_simulation, run_simulation

from .test_athena_sql import GA_DENIED, GA_LOG_ALL, assert_same, athena_rows, con, log_file

__all__ = ["con", "log_file"]  # module fixtures of test_athena_sql, shared

QUERY_ID = "c0ffee00-0000-4000-8000-000000000001"
WORKGROUP = "network-trail"
DATABASE = "network_trail_db"
START, END = dt.date(2024, 7, 1), dt.date(2026, 11, 21)
SETS = [SelectorSet("preset log-all (ga)", GA_LOG_ALL), SelectorSet("preset access-denied (ga)", GA_DENIED)]
SCANNED = 123_456_789


@pytest.fixture
def database(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The records' table as ``DATABASE.network_activity``, as the Glue database holds it."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {DATABASE}")
    con.execute(f"CREATE OR REPLACE VIEW {DATABASE}.network_activity AS SELECT * FROM main.network_activity")
    return con


@pytest.fixture
def athena() -> Iterator[tuple[Any, Stubber]]:
    client = botocore.session.get_session().create_client(
        "athena", region_name="eu-central-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    stub = Stubber(client)
    stub.activate()
    yield client, stub
    stub.assert_no_pending_responses()
    stub.deactivate()


def execution(state: str, reason: str | None = None) -> dict[str, Any]:
    status: dict[str, Any] = {"State": state}
    if reason:
        status["StateChangeReason"] = reason
    return {
        "QueryExecution": {
            "QueryExecutionId": QUERY_ID,
            "Status": status,
            "Statistics": {"DataScannedInBytes": SCANNED},
        }
    }


def result_pages(rows: Sequence[dict[str, str | None]]) -> list[dict[str, Any]]:
    """GetQueryResults pages: the header row first, then the rows, split in two pages."""
    columns = list(rows[0])
    header = {"Data": [{"VarCharValue": c} for c in columns]}
    body = [{"Data": [{} if r[c] is None else {"VarCharValue": r[c]} for c in columns]} for r in rows]
    meta = {"ColumnInfo": [{"Name": c, "Type": "varchar"} for c in columns]}
    half = len(body) // 2
    return [
        {"ResultSet": {"Rows": [header, *body[:half]], "ResultSetMetadata": meta}, "NextToken": "page-2"},
        {"ResultSet": {"Rows": body[half:], "ResultSetMetadata": meta}},
    ]


def expect_success(stub: Stubber, sql: str, rows: Sequence[dict[str, str | None]]) -> None:
    stub.add_response(
        "start_query_execution",
        {"QueryExecutionId": QUERY_ID},
        {"QueryString": sql, "WorkGroup": WORKGROUP, "QueryExecutionContext": {"Database": DATABASE}},
    )
    for state in ("QUEUED", "RUNNING", "SUCCEEDED"):
        stub.add_response("get_query_execution", execution(state), {"QueryExecutionId": QUERY_ID})
    first, second = result_pages(rows)
    stub.add_response("get_query_results", first, {"QueryExecutionId": QUERY_ID})
    stub.add_response("get_query_results", second, {"QueryExecutionId": QUERY_ID, "NextToken": "page-2"})


def test_run_reports_what_the_local_simulator_reports(
    athena: tuple[Any, Stubber], database: duckdb.DuckDBPyConnection, log_file: Path
) -> None:
    client, stub = athena
    sql = compile_simulation(SETS, start=START, end=END, database=DATABASE)
    expect_success(stub, sql, athena_rows(database, sql))
    waits: list[float] = []
    # WHEN the query is run in the workgroup (queued, running, then succeeded)
    run = run_simulation(
        SETS, start=START, end=END, workgroup=WORKGROUP, database=DATABASE, client=client, sleep=waits.append
    )
    # THEN it waited between polls and the report equals the local simulator's on the same records
    assert waits == [1.0, 1.0]
    assert run.query_execution_id == QUERY_ID
    assert_same(run.report, simulate([log_file], SETS))
    # AND the query's own cost follows Athena's pricing: $5 per TB, rounded up to the megabyte
    assert run.scanned_bytes == SCANNED
    assert run.query_cost == pytest.approx(124 * 5.00 / 1_000_000)


@pytest.mark.parametrize("state", ["FAILED", "CANCELLED"])
def test_run_fails_with_athena_s_reason(athena: tuple[Any, Stubber], state: str) -> None:
    client, stub = athena
    reason = (
        "TABLE_NOT_FOUND: line 8:8: Table 'awsdatacatalog.network_trail_db.network_activity' does not exist"
    )
    stub.add_response("start_query_execution", {"QueryExecutionId": QUERY_ID})
    stub.add_response("get_query_execution", execution(state, reason), {"QueryExecutionId": QUERY_ID})
    with pytest.raises(
        NetworkTrailError,
        match=rf"Athena query {QUERY_ID} in workgroup 'network-trail' {state.lower()}: TABLE_NOT_FOUND: .*; check",
    ):
        run_simulation(SETS, start=START, end=END, workgroup=WORKGROUP, database=DATABASE, client=client)


def test_run_fails_when_the_workgroup_is_not_an_athena_name() -> None:
    with pytest.raises(NetworkTrailError, match=r"workgroup must be 1 to 128 letters, .* got 'my workgroup'"):
        run_simulation(SETS, start=START, end=END, workgroup="my workgroup", client=object())


def test_query_length_and_workgroup_names_follow_botocore_s_model() -> None:
    model = botocore.session.get_session().get_service_model("athena")
    request = model.operation_model("StartQueryExecution").input_shape.members
    assert request["QueryString"].metadata["max"] == athena_sql.MAX_QUERY_BYTES
    assert f"^{request['WorkGroup'].metadata['pattern']}$" == athena_sql.WORKGROUP_NAME.pattern


@pytest.mark.parametrize(
    ("scanned", "megabytes"),
    [(0, 10), (9_999_999, 10), (10_000_001, 11), (1_000_000_000_000, 1_000_000)],
)
def test_query_cost_has_a_ten_megabyte_minimum(scanned: int, megabytes: int) -> None:
    # Athena pricing: "$5.00 per TB of data scanned", "rounded up to the nearest megabyte, with a 10 MB
    # minimum per query" (https://aws.amazon.com/athena/pricing/)
    assert athena_query_cost(scanned) == pytest.approx(megabytes * 5.00 / 1_000_000)


# --- the command line --------------------------------------------------------------------------

CLI_SETS = ["--preset", "log-all", "--source", "ga", "--preset", "access-denied", "--source", "ga"]
RANGE = ["--from", START.isoformat(), "--to", END.isoformat()]


def run_cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_cli_prints_the_compiled_query() -> None:
    result = run_cli("simulate", "--athena", *CLI_SETS, *RANGE, "--database", DATABASE)
    assert result.exit_code == 0, result.output
    sets = [
        SelectorSet("preset log-all (cloudtrail, ec2, kms, s3, secretsmanager)", GA_LOG_ALL),
        SelectorSet("preset access-denied (cloudtrail, ec2, kms, s3, secretsmanager)", GA_DENIED),
    ]
    assert result.output == compile_simulation(sets, start=START, end=END, database=DATABASE) + "\n"


def test_cli_reads_the_last_seven_days_by_default() -> None:
    result = run_cli("simulate", "--athena", "--preset", "log-all", "--source", "kms")
    today = dt.datetime.now(dt.UTC).date()
    week = f"BETWEEN '{(today - dt.timedelta(days=6)):%Y/%m/%d}' AND '{today:%Y/%m/%d}'"
    assert week in result.output


def test_cli_runs_the_query_and_prints_the_report(
    athena: tuple[Any, Stubber],
    database: duckdb.DuckDBPyConnection,
    log_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, stub = athena
    monkeypatch.setattr(athena_sql, "_athena_client", lambda region: client)
    monkeypatch.setattr(athena_sql.time, "sleep", lambda seconds: None)
    # GIVEN the command's query, run on DuckDB, as Athena's result
    sql = run_cli("simulate", "--athena", *CLI_SETS, *RANGE, "--database", DATABASE).output.removesuffix("\n")
    expect_success(stub, sql, athena_rows(database, sql))
    # WHEN it is run with --json
    args = ["simulate", "--athena", "--run", "--workgroup", WORKGROUP, "--database", DATABASE]
    result = run_cli(*args, *CLI_SETS, *RANGE, "--json")
    # THEN the report is the local simulation's, with the query's id, range, bytes and cost
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    local = run_cli("simulate", str(log_file), *CLI_SETS, "--json", "--jobs", "1")
    assert data.pop("athena") == {
        "query_execution_id": QUERY_ID,
        "from": "2024-07-01",
        "to": "2026-11-21",
        "scanned_bytes": SCANNED,
        "query_cost_usd": pytest.approx(124 * 5.00 / 1_000_000),
    }
    expected = json.loads(local.output)
    assert (data.pop("files"), expected.pop("files")) == (0, 1)
    assert data == expected


def test_cli_prints_the_report_as_a_table(
    athena: tuple[Any, Stubber], database: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, stub = athena
    monkeypatch.setattr(athena_sql, "_athena_client", lambda region: client)
    monkeypatch.setattr(athena_sql.time, "sleep", lambda seconds: None)
    sql = run_cli("simulate", "--athena", *CLI_SETS, *RANGE, "--database", DATABASE).output.removesuffix("\n")
    expect_success(stub, sql, athena_rows(database, sql))
    args = ["simulate", "--athena", "--run", "--workgroup", WORKGROUP, "--database", DATABASE]
    result = run_cli(*args, *CLI_SETS, *RANGE)
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith(f"Athena query {QUERY_ID}: 2024-07-01 to 2026-11-21, 123.5 MB scanned, ")
    assert "query cost $0.0006" in first
    assert "events matched per selector" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--athena", "some-logs"], "--athena reads the Athena table, not log files: drop PATHS"),
        (["--run"], "--run is an option of --athena: add --athena"),
        (["--from", "2026-11-01", "--table", "t"], "--from, --table are options of --athena"),
        ([], "simulate needs log files or directories (PATHS, - for standard input), or --athena"),
        (["--athena", "--run"], "--run needs --workgroup NAME, the workgroup of NetworkActivityQueries"),
        (["--athena", "--table", "Bad-Name"], "table must be 1 to 255 lowercase letters, digits or '_'"),
        (["--athena", "--from", "2026-11-02", "--to", "2026-11-01"], "start (--from) must not be after end"),
    ],
)
def test_cli_bad_athena_options_name_the_option_and_the_fix(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "some-logs").mkdir()
    result = CliRunner().invoke(main, ["simulate", *args, "--preset", "log-all", "--source", "kms"])
    assert result.exit_code == 2
    assert message in result.output


def test_cli_run_without_boto3_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "boto3", None)
    result = CliRunner().invoke(
        main,
        ["simulate", "--athena", "--run", "--workgroup", WORKGROUP, "--preset", "log-all", "--source", "kms"],
    )
    assert result.exit_code == 2
    assert "running the query needs boto3, which is not installed: pip install 'network-trail[athena]'" in (
        result.output
    )


def test_athena_never_starts_node() -> None:
    # A fresh interpreter compiles a synthesized template's selectors: jsii and aws_cdk stay unloaded.
    template = Path(__file__).parent / "__snapshots__" / "test_snapshot" / "test_default_construct.json"
    argv = ["simulate", "--athena", "--template", str(template), *RANGE]
    code = (
        "import sys\n"
        "from network_trail.cli import main\n"
        f"try: main({argv!r})\n"
        "except SystemExit as exit: assert exit.code == 0, exit.code\n"
        "print('loaded:', sorted(m for m in ('jsii', 'aws_cdk') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert "WHERE event_date BETWEEN '2024/07/01' AND '2026/11/21'" in out
    assert out.splitlines()[-1] == "loaded: []"
