"""`simulate --athena`: the compiled SQL, run on DuckDB, agrees with the local simulator on every figure.

The SQL :func:`compile_simulation` returns is parsed with sqlglot's Athena
dialect, transpiled to DuckDB and run on a DuckDB table with the Glue table's
columns and partition keys (loaded as in ``tests/test_queries_sql.py``). The
same records, written as a CloudTrail log file, go through
:func:`network_trail.simulator.simulate`; both reports must be equal, field by
field (costs to 1e-9 relative: the sums are in floating point, in another order).
Records in partitions outside the date range are in the table only: the query
must leave them out. Limits: DuckDB is not Trino; this proves the logic and the
column names, not Athena's exact type coercions.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from network_trail import NetworkTrailError, presets, render_selectors
from network_trail.cdk.athena import PARTITION_KEYS, TABLE_COLUMNS
from network_trail.model.sources import GA_SOURCES
from network_trail.simulator import SelectorSet, SimulationReport, simulate
from network_trail.simulator.athena_sql import (
    COLUMNS,
    FIELD_COLUMNS,
    compile_simulation,
    report_from_rows,
)

from .test_queries_sql import _duckdb_type, _lower_keys

DATA = Path(__file__).resolve().parent / "data"
AWS_SAMPLES = (
    "kms-listkeys-allowed.json",
    "kms-listkeys-denied-external.json",
    "s3-listbuckets-allowed.json",
)
START, END = dt.date(2024, 7, 1), dt.date(2026, 11, 21)
NA = {"Field": "eventCategory", "Equals": ["NetworkActivity"]}


def record(**fields: Any) -> dict[str, Any]:
    """A network activity record (UG-EVENTS shape) with ``fields`` replaced; a None value removes the field."""
    base: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": {"type": "AWSAccount", "principalId": "X", "accountId": "999999999999"},
        "eventTime": "2026-11-10T10:00:00Z",
        "eventSource": "kms.amazonaws.com",
        "eventName": "ListKeys",
        "awsRegion": "eu-central-1",
        "eventID": "e",
        "readOnly": True,
        "eventType": "AwsVpceEvent",
        "recipientAccountId": "111111111111",
        "vpcEndpointId": "vpce-0aaaaaaaaaaaaaaa1",
        "vpcEndpointAccountId": "111111111111",
        "eventCategory": "NetworkActivity",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


S3_OBJECT = "arn:aws:s3:::logs-bucket/it's/100%_done.txt"
EXTRA_RECORDS = [
    record(eventName="CreateKey", readOnly=False),
    record(eventName="ListAliases", eventTime="2026-11-11T10:00:00Z"),
    record(eventName="Decrypt", errorCode="VpceAccessDenied", vpcEndpointId="vpce-0bbbbbbbbbbbbbbb2"),
    record(eventName="Get%Thing", eventSource="secretsmanager.amazonaws.com"),
    record(eventName="GetXThing", eventSource="secretsmanager.amazonaws.com"),
    record(eventName="it's", eventSource="secretsmanager.amazonaws.com"),
    record(eventName="Überprüfen", eventSource="ec2.amazonaws.com", readOnly=None),
    record(eventName=None, eventSource="ec2.amazonaws.com"),
    record(eventSource=None, vpcEndpointId=None),
    record(
        eventSource="s3.amazonaws.com",
        eventName="GetObject",
        userIdentity={"type": "AssumedRole", "arn": "arn:aws:sts::111111111111:assumed-role/app/s"},
        resources=[
            {"type": "AWS::S3::Object", "ARN": S3_OBJECT},
            {"type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::logs-bucket"},
        ],
    ),
    record(
        eventSource="s3.amazonaws.com",
        eventName="PutObject",
        readOnly=False,
        resources=[{"type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::other"}],
    ),
    record(
        eventCategory="Management", eventSource="kms.amazonaws.com", eventName="CreateAlias", readOnly=False
    ),
    # eventVersion 1.05: no eventCategory and no managementEvent (UG-REC: "Since" 1.07 and 1.06), an API
    # call (not AwsVpceEvent) on no data resource: read as Management by both
    record(
        eventCategory=None,
        eventVersion="1.05",
        eventType="AwsApiCall",
        vpcEndpointId=None,
        vpcEndpointAccountId=None,
        eventSource="iam.amazonaws.com",
        eventName="GetRole",
    ),
    # eventVersion 1.05 S3 data event: no eventCategory, no managementEvent, an AWS::S3::Object element
    # (UG-DATA's data event table): read as Data by both
    record(
        eventCategory=None,
        eventVersion="1.05",
        eventType="AwsApiCall",
        vpcEndpointId=None,
        vpcEndpointAccountId=None,
        eventSource="s3.amazonaws.com",
        eventName="GetObject",
        resources=[
            {"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::old-bucket/2016.csv"},
            {"type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::old-bucket"},
        ],
    ),
]
OUT_OF_RANGE = [
    record(eventTime="2024-06-30T23:00:00Z"),
    record(eventTime="2026-11-22T00:00:01Z", errorCode="VpceAccessDenied"),
]


def partition(rec: dict[str, Any]) -> str:
    """The delivery day folder: the event's UTC day here."""
    return str(rec["eventTime"])[:10].replace("-", "/")


def in_range_records() -> list[dict[str, Any]]:
    rows = [json.loads((DATA / name).read_text()) for name in AWS_SAMPLES]
    cases = json.loads((DATA / "network-activity-cases.json").read_text())["cases"]
    rows += [case["record"] for case in cases]
    rows += EXTRA_RECORDS
    return [r for r in rows if START.strftime("%Y/%m/%d") <= partition(r) <= END.strftime("%Y/%m/%d")]


def load(con: duckdb.DuckDBPyConnection, path: Path, records: Sequence[dict[str, Any]]) -> None:
    """The Glue table's schema in DuckDB (``TABLE_COLUMNS`` and ``PARTITION_KEYS``), filled with ``records``."""
    with path.open("w") as out:
        for rec in records:
            row = _lower_keys(rec)
            row["account"] = row.get("recipientaccountid", "111111111111")
            row["region"] = row.get("awsregion", "eu-central-1")
            row["event_date"] = partition(rec)
            out.write(json.dumps(row) + "\n")
    columns = {name: _duckdb_type(t) for name, t in TABLE_COLUMNS}
    columns.update(dict.fromkeys(PARTITION_KEYS, "VARCHAR"))
    con.execute("DROP TABLE IF EXISTS network_activity")
    con.execute(
        "CREATE TABLE network_activity AS SELECT * FROM read_json(?, format = 'newline_delimited', "
        f"columns = {columns!r})",
        [str(path)],
    )


def table_of(
    tmp_path_factory: pytest.TempPathFactory, records: Sequence[dict[str, Any]]
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding the Glue table filled with ``records`` and the out-of-range records."""
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    load(connection, tmp_path_factory.mktemp("athena") / "records.ndjson", [*records, *OUT_OF_RANGE])
    return connection


def log_file_of(tmp_path_factory: pytest.TempPathFactory, records: Sequence[dict[str, Any]]) -> Path:
    """``records`` as one CloudTrail log file."""
    path = tmp_path_factory.mktemp("logs") / "records.json"
    path.write_text(json.dumps({"Records": list(records)}))
    return path


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    return table_of(tmp_path_factory, in_range_records())


@pytest.fixture(scope="module")
def log_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return log_file_of(tmp_path_factory, in_range_records())


def result_rows(
    con: duckdb.DuckDBPyConnection, sql: str, columns: Sequence[str]
) -> list[dict[str, str | None]]:
    """The result rows of Athena ``sql`` as GetQueryResults gives them: every value a string, NULL as None."""
    result = con.execute(sqlglot.transpile(sql, read="athena", write="duckdb")[0])
    names = [d[0] for d in result.description]
    assert names == list(columns)
    return [
        {n: None if v is None else str(v) for n, v in zip(names, row, strict=True)}
        for row in result.fetchall()
    ]


def athena_rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, str | None]]:
    """The simulation query's result rows (:data:`COLUMNS`)."""
    return result_rows(con, sql, COLUMNS)


def athena_report(con: duckdb.DuckDBPyConnection, sets: Sequence[SelectorSet]) -> SimulationReport:
    return report_from_rows(athena_rows(con, compile_simulation(sets, start=START, end=END)), sets)


def assert_same(athena: SimulationReport, local: SimulationReport) -> None:
    assert (athena.records, athena.first_event, athena.last_event) == (
        local.records,
        local.first_event,
        local.last_event,
    )
    assert len(athena.sets) == len(local.sets)
    for a, b in zip(athena.sets, local.sets, strict=True):
        assert (a.label, a.logged, a.dropped) == (b.label, b.logged, b.dropped)
        assert a.selectors == b.selectors, a.label
        assert a.sources == b.sources, a.label
        if b.monthly_cost is None:
            assert a.monthly_cost is None
        else:
            assert a.monthly_cost == pytest.approx(b.monthly_cost, rel=1e-9, abs=1e-12)


def sel(name: str, *field_selectors: dict[str, Any]) -> dict[str, Any]:
    return {"Name": name, "FieldSelectors": [NA, *field_selectors]}


GA_LOG_ALL = tuple(render_selectors(presets.for_sources(GA_SOURCES, preset="log-all")))
GA_DENIED = tuple(render_selectors(presets.for_sources(GA_SOURCES, preset="access-denied")))
MANAGEMENT = tuple(render_selectors([presets.management_events()]))

# One case per rule of the documented semantics (reference §2, API-PES, UG filtering-data-events).
CASES: dict[str, tuple[dict[str, Any], ...]] = {
    "preset log-all ga": GA_LOG_ALL,
    "preset access-denied ga": GA_DENIED,
    "management and log-all": MANAGEMENT + GA_LOG_ALL,
    "equals": (sel("eq", {"Field": "eventName", "Equals": ["ListKeys", "Decrypt"]}),),
    "not equals": (sel("ne", {"Field": "eventName", "NotEquals": ["ListKeys"]}),),
    "starts with": (sel("sw", {"Field": "vpcEndpointId", "StartsWith": ["vpce-0b", "vpce-EX"]}),),
    "not ends with": (sel("ne", {"Field": "vpcEndpointId", "NotEndsWith": ["1"]}),),
    "ends with": (sel("ew", {"Field": "eventName", "EndsWith": ["Keys", "Value"]}),),
    "not starts with": (sel("nsw", {"Field": "eventName", "NotStartsWith": ["List", "Get"]}),),
    "user arn": (sel("arn", {"Field": "userIdentity.arn", "StartsWith": ["arn:aws:sts::111111111111:"]}),),
    "read only": (
        sel("ro", {"Field": "readOnly", "Equals": ["true"]}),
        sel("wo", {"Field": "readOnly", "Equals": ["false"]}),
    ),
    "event type": ({"Name": "t", "FieldSelectors": [{"Field": "eventType", "Equals": ["AwsVpceEvent"]}]},),
    "quotes and like metacharacters": (
        sel("it's a 'name'", {"Field": "eventName", "StartsWith": ["Get%", "it'"]}),
        sel("underscore", {"Field": "eventName", "StartsWith": ["Get_Thing", "G_t"]}),
        sel("' OR 1=1 --", {"Field": "eventName", "Equals": ["' OR 1=1 --", "it's"]}),
    ),
    "unicode": (sel("ü", {"Field": "eventName", "StartsWith": ["Über"], "EndsWith": ["üfen"]}),),
    "mixed select operators": (
        sel("create or list", {"Field": "eventName", "Equals": ["CreateKey"], "StartsWith": ["List"]}),
        sel("ends or starts", {"Field": "eventName", "EndsWith": ["Value"], "StartsWith": ["Decr"]}),
    ),
    "mixed select and deselect operators": (
        sel(
            "list but not aliases",
            {"Field": "eventName", "StartsWith": ["List"], "NotEquals": ["ListAliases"]},
        ),
        sel(
            "get or decrypt, not secrets",
            {"Field": "eventName", "Equals": ["Decrypt"], "StartsWith": ["Get"], "NotEndsWith": ["Value"]},
        ),
        sel("two deselects", {"Field": "eventName", "NotStartsWith": ["List"], "NotEquals": ["Decrypt"]}),
    ),
    "resources": (
        sel("objects", {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}),
        sel(
            "bucket prefix", {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::logs-bucket/it's/100%_"]}
        ),
        sel("not other", {"Field": "resources.ARN", "NotEquals": ["arn:aws:s3:::other"]}),
    ),
    "data events and inferred categories": (
        {
            "Name": "S3 objects",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Data"]},
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::old-bucket/"]},
            ],
        },
        {
            "Name": "write data events but not PutObject",
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Data"]},
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "readOnly", "Equals": ["false"]},
                {"Field": "eventName", "NotEquals": ["PutObject"]},
            ],
        },
        *MANAGEMENT,
    ),
    "no selectors": (),
}


@pytest.mark.parametrize("case", list(CASES))
def test_compiled_sql_agrees_with_the_local_simulator(
    con: duckdb.DuckDBPyConnection, log_file: Path, case: str
) -> None:
    sets = [SelectorSet(case, CASES[case])]
    assert_same(athena_report(con, sets), simulate([log_file], sets))


def test_every_set_at_once_agrees_and_shares_identical_selectors(
    con: duckdb.DuckDBPyConnection, log_file: Path
) -> None:
    # GIVEN every case as one set, several of them sharing the GA presets' selectors
    sets = [SelectorSet(f"set '{name}'", sels) for name, sels in CASES.items()]
    sql = compile_simulation(sets, start=START, end=END)
    # THEN each distinct selector is evaluated once, and every figure of every set agrees
    distinct = {json.dumps(s["FieldSelectors"], sort_keys=True) for sels in CASES.values() for s in sels}
    assert len(re.findall(r" AS m\d+,?\n", sql)) == len(distinct)
    rows = athena_rows(con, sql)
    assert_same(report_from_rows(rows, sets), simulate([log_file], sets))
    # AND each source's and set's cost is its logged events at $2.00 (management) or $0.10 per 100,000
    for set_index in range(len(sets)):
        sources = [r for r in rows if r["set_index"] == str(set_index) and r["scope"] == "source"]
        costs = [int(str(r["logged"])) * PRICE_PER_100K[str(r["category"])] / 100_000 for r in sources]
        assert [float(str(r["cost_usd"])) for r in sources] == pytest.approx(costs, abs=1e-15)
        (total,) = [r for r in rows if r["set_index"] == str(set_index) and r["scope"] == "set"]
        assert float(str(total["cost_usd"])) == pytest.approx(sum(costs), abs=1e-15)


PRICE_PER_100K = {"NetworkActivity": 0.10, "Data": 0.10, "Management": 2.00}
"""Dollars per 100,000 events logged (reference §5: AWS Price List, CloudTrail User Guide)."""


def test_the_figures_follow_the_documented_rules_and_prices(con: duckdb.DuckDBPyConnection) -> None:
    # GIVEN AWS's example of one field selector with Equals CreateKey and StartsWith List (API-PES: SELECT
    # operators are OR'd) and the 24 in-range records, whose network activity eventNames are ListKeys (AWS's
    # 2024-07-15 sample), ListBuckets (AWS's S3 sample), CreateKey, ListAliases, ListKeys (no eventSource),
    # and none other starting with List
    sets = [
        SelectorSet(
            "aws example",
            (sel("create or list", {"Field": "eventName", "Equals": ["CreateKey"], "StartsWith": ["List"]}),),
        )
    ]
    rows = athena_rows(con, compile_simulation(sets, start=START, end=END))
    (total,) = [r for r in rows if r["scope"] == "set"]
    # THEN those 5 are logged, at $0.10 per 100,000 events
    assert (total["logged"], total["dropped"], total["records"]) == ("5", "19", "24")
    assert float(str(total["cost_usd"])) == pytest.approx(5 * 0.10 / 100_000)


def test_management_events_cost_two_dollars_per_100k(con: duckdb.DuckDBPyConnection) -> None:
    # GIVEN the in-range records: two Management ones (Decrypt, CreateAlias) and one without eventCategory
    # (eventVersion 1.05, GetRole, no data resource), inferred as Management
    sets = [SelectorSet("management", MANAGEMENT)]
    rows = athena_rows(con, compile_simulation(sets, start=START, end=END))
    (total,) = [r for r in rows if r["scope"] == "set"]
    # THEN the management events selector logs those 3, at $2.00 per 100,000 (an extra copy)
    assert total["logged"] == "3"
    assert float(str(total["cost_usd"])) == pytest.approx(3 * 2.00 / 100_000)


def test_the_first_copy_of_management_events_is_free(con: duckdb.DuckDBPyConnection) -> None:
    # GIVEN the same 3 management events (CloudTrail pricing page: the first copy of management events is free)
    sets = [SelectorSet("management", MANAGEMENT)]
    sql = compile_simulation(sets, start=START, end=END, first_management_copy=True)
    (total,) = [r for r in athena_rows(con, sql) if r["scope"] == "set"]
    # THEN they are logged and cost nothing
    assert total["logged"] == "3"
    assert float(str(total["cost_usd"])) == 0.0


def test_data_events_cost_ten_cents_per_100k_and_old_records_are_inferred(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # GIVEN a data selector for S3 objects and the in-range records, whose AWS::S3::Object elements are on
    # the network activity GetObject (eventCategory NetworkActivity, not Data) and on the eventVersion 1.05 GetObject without eventCategory, inferred Data from its
    # AWS::S3::Object element (UG-DATA's table)
    objects = {
        "Name": "objects",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        ],
    }
    sets = [SelectorSet("data", (objects,))]
    rows = athena_rows(con, compile_simulation(sets, start=START, end=END))
    (total,) = [r for r in rows if r["scope"] == "set"]
    # THEN only the old record is logged, as Data, at $0.10 per 100,000 (CloudTrail pricing page)
    assert total["logged"] == "1"
    assert float(str(total["cost_usd"])) == pytest.approx(0.10 / 100_000)
    (source,) = [r for r in rows if r["scope"] == "source" and r["logged"] == "1"]
    assert (source["category"], source["event_source"]) == ("Data", "s3.amazonaws.com")


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("StartsWith", "Get%", ["Get%Thing"]),
        ("StartsWith", "G_t", []),
        ("EndsWith", "%Thing", ["Get%Thing"]),
        ("EndsWith", "_Thing", []),
        ("Equals", "it's", ["it's"]),
        ("Equals", "' OR '1'='1", []),
    ],
)
def test_values_are_literals_never_patterns_or_sql(
    con: duckdb.DuckDBPyConnection, operator: str, value: str, expected: list[str]
) -> None:
    # GIVEN the in-range records, among them eventName "Get%Thing", "GetXThing" and "it's"
    sets = [SelectorSet("x", (sel("x", {"Field": "eventName", operator: [value]}),))]
    (total,) = [
        r for r in athena_rows(con, compile_simulation(sets, start=START, end=END)) if r["scope"] == "set"
    ]
    # THEN % and _ match only themselves, and a quote ends no literal
    assert int(str(total["logged"])) == len(expected)


def test_records_outside_the_date_range_are_not_read(con: duckdb.DuckDBPyConnection) -> None:
    # GIVEN the table holds the in-range records plus two in partitions just outside the range
    assert con.execute("SELECT count(*) FROM network_activity").fetchone() == (
        len(in_range_records()) + len(OUT_OF_RANGE),
    )
    sets = [SelectorSet("all", GA_LOG_ALL)]
    # THEN only the range is counted; widening it by a day on each side reads both
    report = athena_report(con, sets)
    assert report.records == len(in_range_records())
    wider = compile_simulation(sets, start=START - dt.timedelta(days=1), end=END + dt.timedelta(days=1))
    assert report_from_rows(athena_rows(con, wider), sets).records == report.records + 2


def test_the_date_range_prunes_the_partitions_of_the_table_read() -> None:
    sql = compile_simulation([SelectorSet("a", GA_DENIED)], start=START, end=END, database="trail_db")
    tree = sqlglot.parse_one(sql, read="athena")
    # THEN the one SELECT reading the Glue table (the others read the query's own CTEs) ...
    tables = [
        t
        for t in tree.find_all(sqlglot.exp.Table)
        if t.name not in ("typed", "events", "counts", "span", "report")
    ]
    (table,) = tables
    assert (table.db, table.name) == ("trail_db", "network_activity")
    read = table.find_ancestor(sqlglot.exp.Select)
    # ... reads the event_date partitions of the range only
    between = read.args["where"].this
    assert isinstance(between, sqlglot.exp.Between)
    assert between.this.name == "event_date"
    assert (between.args["low"].this, between.args["high"].this) == ("2024/07/01", "2026/11/21")


@pytest.mark.parametrize("dialect", ["athena", "trino"])
def test_the_query_is_one_select_statement(dialect: str) -> None:
    sets = [SelectorSet(name, sels) for name, sels in CASES.items()]
    parsed = sqlglot.parse(
        compile_simulation(sets, start=START, end=END), read=dialect, error_level=sqlglot.ErrorLevel.RAISE
    )
    assert len(parsed) == 1
    assert isinstance(parsed[0], sqlglot.exp.Select)


def test_field_columns_are_columns_of_the_glue_table() -> None:
    columns = dict(TABLE_COLUMNS)
    for field, column in FIELD_COLUMNS.items():
        if field.startswith("resources."):
            assert f"{column}:string" in columns["resources"], field
        elif "." in column:
            head, member = column.split(".")
            assert f"{member}:string" in columns[head], field
        else:
            assert columns[column] == "string", field


# --- bad inputs -------------------------------------------------------------------------------


def test_fails_when_a_selector_tests_a_field_the_table_lacks() -> None:
    sets = [
        SelectorSet("console", (sel("c", {"Field": "sessionCredentialFromConsole", "Equals": ["true"]}),))
    ]
    with pytest.raises(
        NetworkTrailError,
        match=r"set 'console' selector \[0\] 'c' tests field "
        r"'sessionCredentialFromConsole', which the Athena table has no column for: .*"
        r"simulate these selectors on log files instead",
    ):
        compile_simulation(sets, start=START, end=END)


def test_fails_when_the_range_is_reversed() -> None:
    with pytest.raises(
        NetworkTrailError,
        match=r"start \(--from\) must not be after end \(--to\), got 2026-11-21 and 2024-07-01: give the first",
    ):
        compile_simulation([SelectorSet("a", GA_DENIED)], start=END, end=START)


@pytest.mark.parametrize("knob", ["table", "database"])
def test_fails_when_a_glue_name_could_break_the_sql(knob: str) -> None:
    with pytest.raises(
        NetworkTrailError, match=rf"{knob} must be 1 to 255 lowercase letters.*got 'x\"; DROP"
    ):
        compile_simulation([SelectorSet("a", GA_DENIED)], start=START, end=END, **{knob: 'x"; DROP'})


def test_fails_when_a_selector_is_malformed() -> None:
    with pytest.raises(NetworkTrailError, match=r"sets\[0\] 'a' selectors\[0\] must be an object"):
        compile_simulation([SelectorSet("a", ("eventName",))], start=START, end=END)  # type: ignore[arg-type]


def test_fails_when_the_query_is_longer_than_athena_takes() -> None:
    many = tuple(sel(f"s{i}", {"Field": "eventName", "Equals": ["x" * 2000 + str(i)]}) for i in range(140))
    with pytest.raises(NetworkTrailError, match=r"the compiled query is [\d,]+ bytes, more than the 262,144"):
        compile_simulation([SelectorSet("big", many)], start=START, end=END)


def test_fails_when_rows_are_not_the_result_of_the_query() -> None:
    sets = [SelectorSet("a", GA_DENIED)]
    with pytest.raises(NetworkTrailError, match=r"a result row lacks the columns \['set_index'"):
        report_from_rows([{"x": "1"}], sets)
    with pytest.raises(NetworkTrailError, match=r"the result has totals for sets \[\], expected \[0\]"):
        report_from_rows([], sets)


# --- property: random selectors and records ---------------------------------------------------

# Few short strings with quotes and LIKE metacharacters, so that equal values, prefixes and suffixes are frequent.
TEXT = st.text(alphabet="a'%", min_size=1, max_size=2)
FIELDS = [
    "resources.type",
    "eventSource",
    "eventName",
    "errorCode",
    "vpcEndpointId",
    "userIdentity.arn",
    "readOnly",
    "resources.ARN",
]
OPS = ["Equals", "NotEquals", "StartsWith", "NotStartsWith", "EndsWith", "NotEndsWith"]


@st.composite
def random_selector(draw: st.DrawFn) -> dict[str, Any]:
    fields = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3, unique=True))
    out = []
    for field in fields:
        values = st.sampled_from(["true", "false"]) if field == "readOnly" else TEXT
        ops = draw(st.lists(st.sampled_from(OPS), min_size=1, max_size=3, unique=True))
        out.append(
            {
                "Field": field,
                **{op: draw(st.lists(values, min_size=1, max_size=2, unique=True)) for op in ops},
            }
        )
    return sel(draw(TEXT), *out)


@st.composite
def random_record(draw: st.DrawFn) -> dict[str, Any]:
    rec = record(
        eventTime=f"2026-11-{draw(st.integers(1, 21)):02d}T10:00:00Z",
        eventSource=draw(st.none() | TEXT),
        eventName=draw(st.none() | TEXT),
        errorCode=draw(st.none() | TEXT),
        vpcEndpointId=draw(st.none() | TEXT),
        readOnly=draw(st.none() | st.booleans()),
        userIdentity={"arn": draw(TEXT)} if draw(st.booleans()) else None,
    )
    arns = draw(st.none() | st.lists(TEXT, max_size=2))
    if arns is not None:
        rec["resources"] = [{"type": draw(TEXT), "ARN": a} for a in arns]
    return rec


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(random_selector(), min_size=1, max_size=3), st.lists(random_record(), min_size=1, max_size=6))
def test_random_selectors_and_records_agree(
    tmp_path: Path, selectors: list[dict[str, Any]], records: list[dict[str, Any]]
) -> None:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    load(con, tmp_path / "random.ndjson", records)
    log = tmp_path / "random.json"
    log.write_text(json.dumps({"Records": records}))
    sets = [SelectorSet("random", tuple(selectors))]
    assert_same(athena_report(con, sets), simulate([log], sets))
