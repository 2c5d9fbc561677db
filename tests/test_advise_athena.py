"""`advise --athena`: replay's distinct-calls query of NetworkActivityQueries, and with --run proposals from it.

The options and their checks are replay's, so the SQL must be replay's for the same options (every bad
option fails as replay fails: ``tests/test_replay_athena.py`` runs those cases on both commands). With --run the query's rows come back
through botocore's Stubber in ``GetQueryResults``' shape (a header row, then each value a ``VarCharValue``
and NULL an empty ``Datum``, in pages joined by ``NextToken``: Amazon Athena API Reference,
https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html,
https://docs.aws.amazon.com/athena/latest/APIReference/API_ResultSet.html and
https://docs.aws.amazon.com/athena/latest/APIReference/API_Datum.html), after StartQueryExecution and
GetQueryExecution (QUEUED, RUNNING, SUCCEEDED:
https://docs.aws.amazon.com/athena/latest/APIReference/API_QueryExecutionStatus.html). The proposals must be
those of `advise --calls` on the same rows written as Athena writes the result CSV, and of `advise LOGS` on
the same records. The rows are the command's own SQL run on DuckDB over the records of
``tests/test_calls_sql.py``. Never run against AWS.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
from botocore.stub import Stubber
from click.testing import CliRunner, Result

from network_trail.cli import main
from network_trail.simulator import athena_sql
from network_trail.simulator.calls import CALL_COLUMNS

from .conftest import DATA
from .test_athena_run import DATABASE, QUERY_ID, WORKGROUP, athena, database, expect_success
from .test_athena_sql import END, START, result_rows
from .test_calls_sql import con, log_file
from .test_replay_athena import ENDPOINTS, RANGE

__all__ = ["athena", "con", "database", "log_file"]  # fixtures of the modules the proof comes from

ORG = ["--org-accounts", str(DATA / "endpoint-policies" / "org-accounts.json")]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize(
    ("options", "table", "days"),
    [
        (
            [*RANGE, "--database", DATABASE],
            f'FROM "{DATABASE}"."network_activity"',
            f"event_date BETWEEN '{START:%Y/%m/%d}' AND '{END:%Y/%m/%d}'",
        ),
        (["--days", "7", "--table", "calls"], "FROM calls\n", "interval '7' day"),
        ([], "FROM network_activity\n", "interval '30' day"),
    ],
    ids=["range-and-database", "days-and-table", "defaults"],
)
def test_prints_replay_s_query_for_the_same_options(options: list[str], table: str, days: str) -> None:
    # WHEN advise and replay print the query for the same options
    advise = run("advise", "--athena", *options)
    replay = run("replay", "--athena", *options)
    # THEN both print the same SQL, over the table and the days the options name, --endpoints or not
    assert (advise.exit_code, replay.exit_code) == (0, 0), advise.output + replay.output
    assert advise.output == replay.output
    assert table in advise.output
    assert days in advise.output
    assert run("advise", "--athena", *options, *ENDPOINTS).output == replay.output


@pytest.fixture
def athena_result(
    athena: tuple[Any, Stubber], database: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, list[dict[str, str | None]]]:
    """advise's query of RANGE in DATABASE and its rows (the query run on DuckDB), which the stubbed Athena
    client gives as the result of the next StartQueryExecution; never waits."""
    client, stub = athena
    monkeypatch.setattr(athena_sql, "_athena_client", lambda region: client)
    monkeypatch.setattr("network_trail.simulator.athena_sql.time.sleep", lambda seconds: None)
    sql = run("advise", "--athena", *RANGE, "--database", DATABASE).output.removesuffix("\n")
    rows = result_rows(database, sql, CALL_COLUMNS)
    expect_success(stub, sql, rows)
    return sql, rows


RUN = ["--athena", "--run", "--workgroup", WORKGROUP, "--database", DATABASE, *RANGE]


@pytest.mark.parametrize("shape", ["perimeter", "both"])
def test_run_proposes_what_advise_calls_proposes_on_the_same_rows(
    athena_result: tuple[str, list[dict[str, str | None]]],
    database: duckdb.DuckDBPyConnection,
    log_file: Path,
    tmp_path: Path,
    shape: str,
) -> None:
    # GIVEN the command's query run on DuckDB: as Athena's result pages, and as the result CSV in S3
    sql, rows = athena_result
    csv = tmp_path / "result.csv"
    duck = sqlglot.transpile(sql, read="athena", write="duckdb")[0]
    database.execute(f"COPY ({duck}) TO '{csv}' (HEADER, FORCE_QUOTE *)")
    # WHEN advise runs the query in the workgroup
    common = [*ENDPOINTS, *ORG, "--shape", shape, "--json"]
    result = run("advise", *RUN, *common)
    # THEN its proposals are those of the result CSV and of the same records read from a log file
    assert result.exit_code == 0, result.output
    advice = json.loads(result.stdout)
    assert advice == json.loads(run("advise", "--calls", str(csv), *common).stdout)
    assert advice == json.loads(run("advise", str(log_file), *common, "--jobs", "1").stdout)
    # AND the S3 gateway endpoint, whose ListBuckets call the User Guide's record shows allowed, gets a policy
    s3 = next(e for e in advice["endpoints"] if e["endpointId"] == "vpce-03y53r4ukkkuygzg0")
    assert (s3["status"], s3["allowedCalls"]) == ("all", 1)
    assert s3["policy"]["Statement"]
    # AND every row of the result was read as a call
    assert result.stderr.startswith(f"Athena query {QUERY_ID}: {len(rows)} distinct calls, ")
    assert "MB scanned, query cost $" in result.stderr


def test_run_prints_the_text_advice_of_the_calls(
    athena_result: tuple[str, list[dict[str, str | None]]], log_file: Path
) -> None:
    result = run("advise", *RUN, *ENDPOINTS)
    assert result.exit_code == 0, result.output
    assert result.stdout == run("advise", str(log_file), *ENDPOINTS, "--jobs", "1").stdout
    assert (
        "not in --endpoints (no proposal): vpce-0aaaaaaaaaaaaaaa1, vpce-0bbbbbbbbbbbbbbb2\n" in result.stdout
    )


@pytest.mark.parametrize(
    "args",
    [["some-logs"], ["--athena", "--run", "--workgroup", WORKGROUP]],
    ids=["logs", "athena-run"],
)
def test_proposals_need_the_endpoints(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "some-logs").mkdir()
    result = run("advise", *args)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: advise proposes policies for the endpoints of --endpoints FILE: give the output of "
        "`aws ec2 describe-vpc-endpoints` (JSON) with --endpoints\n"
    )
