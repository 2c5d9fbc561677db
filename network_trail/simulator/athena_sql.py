"""Simulate selectors in Athena: one SQL query over the ``NetworkActivityQueries`` table.

Months of an organization's logs do not fit a laptop, but they already sit behind
the Glue table of :class:`~network_trail.NetworkActivityQueries`.
:func:`compile_simulation` turns selector sets (the same
:class:`~network_trail.simulator.SelectorSet` values the local simulator takes)
into one Athena (Trino) ``SELECT`` that reads only the partitions of a date range
and reports, per set, what the selectors would log and drop, per event source and
per selector, and the cost. :func:`report_from_rows` turns its result rows into
the :class:`~network_trail.simulator.SimulationReport` the local simulator
returns, and :func:`run_simulation` runs the query with boto3.

The semantics are those of :mod:`network_trail.simulator` (the documented ones
of ``PutEventSelectors``): a record is logged if any selector matches; within a
selector every field selector holds; within a field selector the ``Equals``,
``StartsWith`` and ``EndsWith`` values are alternatives and the ``NotEquals``,
``NotStartsWith`` and ``NotEndsWith`` values exclusions; a field the record lacks
matches no value. ``resources.type`` and ``resources.ARN`` are tested against
the elements of the record's ``resources`` array, all ``resources.*`` field
selectors of a selector against one same element (a record without the array
is one element without fields). Every value reaches SQL as a
string literal with its quotes doubled, and prefixes and suffixes are compared
with ``substr``, so no value is ever a pattern (``%`` and ``_`` are plain
characters).

Differences with the local simulator, both from the table's columns: the table
has no ``managementEvent`` column, so a record without ``eventCategory`` (only
records older than ``eventVersion`` 1.07) is inferred from ``eventType`` and its
``resources`` types alone: a record of ``eventVersion`` 1.06 that says
``"managementEvent": false`` without a data event resource type counts as
``Management`` here and as ``Data`` locally; and only the fields ``AdvancedFieldSelector`` accepts on a
trail that are columns of the table can be tested (``sessionCredentialFromConsole``
is not).

This module never imports aws_cdk; boto3 is imported by :func:`run_simulation` only.

.. seealso:: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html
.. seealso:: https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from ..errors import NetworkTrailError
from ..model._queries import DEFAULT_TABLE_NAME, GLUE_NAME
from ..model.vocabulary import DATA_RESOURCE_TYPES, Field
from ._parse import _FieldTest, _parse, _ParsedSelector
from ._report import (
    SelectorSet,
    SetReport,
    SimulationReport,
    SourceCount,
    price_per_event,
)

__all__ = [
    "ATHENA_PRICE_PER_TB_USD",
    "COLUMNS",
    "DEFAULT_TABLE_NAME",
    "FIELD_COLUMNS",
    "GLUE_NAME",
    "MAX_QUERY_BYTES",
    "WORKGROUP_NAME",
    "AthenaResult",
    "AthenaRun",
    "athena_query_cost",
    "compile_simulation",
    "report_from_rows",
    "run_query",
    "run_simulation",
]

WORKGROUP_NAME: Final = re.compile(r"^[a-zA-Z0-9._-]{1,128}$")
"""Athena workgroup names (``StartQueryExecution`` ``WorkGroup``, botocore's Athena model)."""

MAX_QUERY_BYTES: Final = 262_144
"""Longest ``QueryString`` ``StartQueryExecution`` takes, in bytes (botocore's Athena model)."""

ATHENA_PRICE_PER_TB_USD: Final = 5.00
"""Athena SQL queries: $5 per TB scanned, rounded up to the megabyte, 10 MB minimum (Athena pricing page)."""

FIELD_COLUMNS: Final[Mapping[str, str]] = {
    Field.EVENT_CATEGORY: "eventcategory",
    Field.EVENT_SOURCE: "eventsource",
    Field.EVENT_NAME: "eventname",
    Field.EVENT_TYPE: "eventtype",
    Field.READ_ONLY: "readonly",
    Field.ERROR_CODE: "errorcode",
    Field.VPC_ENDPOINT_ID: "vpcendpointid",
    Field.USER_IDENTITY_ARN: "useridentity.arn",
    Field.RESOURCES_TYPE: "type",
    Field.RESOURCES_ARN: "arn",
}
"""Selector fields of a trail (``AdvancedFieldSelector``) and the table column each reads.

``resources.*`` name a member of the elements of the ``resources`` array.
"""

COLUMNS: Final = (
    "set_index",
    "selector_set",
    "scope",
    "category",
    "event_source",
    "selector_index",
    "selector_name",
    "logged",
    "dropped",
    "cost_usd",
    "monthly_cost_usd",
    "records",
    "first_event",
    "last_event",
)
"""Columns of the compiled query's result.

Per set, one row of each ``scope``:

- ``set``: ``logged``, ``dropped``, ``cost_usd`` of the events read and
  ``monthly_cost_usd`` scaled to 30 days from the span between ``first_event``
  and ``last_event`` (empty when the span is zero), and ``records`` read;
- ``source``: per ``category`` and ``event_source``, ``logged``, ``dropped`` and ``cost_usd``;
- ``selector``: per ``selector_index`` and ``selector_name``, the events it matches
  in ``logged`` (a record matching several selectors counts for each).
"""

_DATA_TYPES_SQL: Final = ", ".join(f"'{t}'" for t in sorted(DATA_RESOURCE_TYPES))
_CATEGORY: Final = (
    "coalesce(eventcategory, CASE WHEN eventtype = 'AwsVpceEvent' THEN 'NetworkActivity' "
    f"WHEN cardinality(filter(resources, r -> r.type IN ({_DATA_TYPES_SQL}))) > 0 "
    "THEN 'Data' ELSE 'Management' END)"
)
"""A record's category (:func:`~network_trail.model.vocabulary.record_category`); the table has no
``managementEvent`` column, so a record without ``eventCategory`` is inferred from ``eventType`` and its
``resources`` types only."""
_CATEGORY_COLUMN: Final = "nt_category"
"""The column of the query's ``typed`` step holding :data:`_CATEGORY`, computed once per record: the
list of data event types is long (UG-EVENTS's table), so it appears once in the query, not once per
selector testing ``eventCategory``."""
_SECONDS_PER_30_DAYS: Final = 30 * 24 * 3600
_PARTITION_FORMAT: Final = "%Y/%m/%d"


# ---------------------------------------------------------------------------
# SQL text


def _literal(value: str) -> str:
    """``value`` as a SQL string literal: quoted, with its quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def _match(column: str, operator: str, values: Sequence[str]) -> str:
    """SQL true when ``column`` matches one of ``values`` by a SELECT operator (NULL when it is NULL)."""
    if operator == "Equals":
        return f"{column} IN ({', '.join(map(_literal, values))})"
    tests = []
    for value in values:
        if operator == "StartsWith":
            tests.append(f"substr({column}, 1, {len(value)}) = {_literal(value)}")
        else:
            tests.append(
                f"(length({column}) >= {len(value)} AND "
                f"substr({column}, length({column}) - {len(value) - 1}) = {_literal(value)})"
            )
    return " OR ".join(tests)


def _field_condition(column: str, test: _FieldTest) -> str:
    """One field selector: one SELECT value matches (when there are any) and no DESELECT value does."""
    parts = []
    if test.selects:
        alternatives = " OR ".join(_match(column, op, values) for op, values in test.selects)
        parts.append(f"coalesce({alternatives}, false)")
    for op, values in test.deselects:
        parts.append(f"NOT coalesce({_match(column, op.removeprefix('Not'), values)}, false)")
    return " AND ".join(parts)


def _resources_condition(tests: Sequence[_FieldTest]) -> str:
    """The ``resources.*`` field selectors of one selector: all hold for one same element.

    A record without elements is read as one element without fields: then only
    DESELECT operators can hold (the local simulator's reading).
    """
    inner = " AND ".join(f"({_field_condition(f'r.{FIELD_COLUMNS[t.field]}', t)})" for t in tests)
    without = "false" if any(t.selects for t in tests) else "true"
    return (
        f"(CASE WHEN coalesce(cardinality(resources), 0) = 0 THEN {without}\n"
        f"      ELSE cardinality(filter(resources, r -> {inner})) > 0 END)"
    )


def _selector_condition(selector: _ParsedSelector) -> str:
    """SQL true when every field selector of ``selector`` holds (never NULL)."""
    parts = []
    for test in selector.fields:
        if not test.on_resources:
            column = _CATEGORY_COLUMN if test.field == "eventCategory" else FIELD_COLUMNS[test.field]
            parts.append(f"({_field_condition(column, test)})")
    if selector.resource_tests:
        parts.append(_resources_condition(selector.resource_tests))
    return " AND ".join(parts) if parts else "true"


def _field_problems(label: str, selectors: Sequence[_ParsedSelector]) -> list[str]:
    problems = []
    for i, selector in enumerate(selectors):
        for test in selector.fields:
            if test.field not in FIELD_COLUMNS:
                problems.append(
                    f"set {label!r} selector [{i}] {selector.name!r} tests field {test.field!r}, which the "
                    f"Athena table has no column for: Athena can simulate {sorted(map(str, FIELD_COLUMNS))}; "
                    f"simulate these selectors on log files instead"
                )
    return problems


def _table_reference(table: str, database: str | None) -> str:
    problems = []
    if not isinstance(table, str) or not GLUE_NAME.match(table):
        problems.append(
            f"table must be 1 to 255 lowercase letters, digits or '_' (Glue), got {table!r}: "
            f"give the table of NetworkActivityQueries, e.g. {DEFAULT_TABLE_NAME!r}"
        )
    if database is not None and (not isinstance(database, str) or not GLUE_NAME.match(database)):
        problems.append(
            f"database must be 1 to 255 lowercase letters, digits or '_' (Glue), got {database!r}: "
            f"give the Glue database of NetworkActivityQueries"
        )
    if problems:
        raise NetworkTrailError(problems)
    return f'"{database}"."{table}"' if database else f'"{table}"'


def _date_range(start: date, end: date) -> tuple[str, str]:
    if not isinstance(start, date) or not isinstance(end, date):
        raise NetworkTrailError(
            f"start and end must be dates, got {start!r} and {end!r}: pass datetime.date values"
        )
    if start > end:
        raise NetworkTrailError(
            f"start (--from) must not be after end (--to), got {start.isoformat()} and {end.isoformat()}: "
            f"give the first day of the range as start"
        )
    return start.strftime(_PARTITION_FORMAT), end.strftime(_PARTITION_FORMAT)


@dataclass(frozen=True, slots=True)
class _Plan:
    """Distinct selectors (shared between sets) and, per set, the distinct selector of each of its selectors."""

    distinct: tuple[_ParsedSelector, ...]
    set_selectors: tuple[tuple[_ParsedSelector, ...], ...]
    set_columns: tuple[tuple[int, ...], ...]


def _plan(sets: Sequence[SelectorSet]) -> _Plan:
    if not sets:
        raise NetworkTrailError("sets must hold at least one SelectorSet: give selectors to simulate")
    parsed = [_parse(s.selectors, f"sets[{i}] {s.label!r} selectors") for i, s in enumerate(sets)]
    problems = [p for s, sels in zip(sets, parsed, strict=True) for p in _field_problems(s.label, sels)]
    if problems:
        raise NetworkTrailError(problems)
    index: dict[str, int] = {}
    distinct: list[_ParsedSelector] = []
    columns = []
    for sels in parsed:
        for sel in sels:
            if sel.key() not in index:
                index[sel.key()] = len(distinct)
                distinct.append(sel)
        columns.append(tuple(index[sel.key()] for sel in sels))
    return _Plan(tuple(distinct), tuple(parsed), tuple(columns))


def _price_sql(first_management_copy: bool) -> str:
    """Dollars per event by category (:func:`price_per_event`), in DOUBLE (a DECIMAL product would round
    small costs to 0)."""

    def per_100k(category: str) -> str:
        return f"{price_per_event(category, first_management_copy=first_management_copy) * 100_000:.2f}"

    return (
        f"CAST(events AS DOUBLE) * CASE WHEN category = 'Management' THEN {per_100k('Management')} "
        f"WHEN category = 'Data' THEN {per_100k('Data')} ELSE {per_100k('NetworkActivity')} END / 100000"
    )


def _set_rows(i: int, label: str, selectors: Sequence[_ParsedSelector], columns: Sequence[int]) -> list[str]:
    logged = " OR ".join(f"m{c}" for c in sorted(set(columns))) or "false"
    head = f"SELECT {i} AS set_index, {_literal(label)} AS selector_set"
    rows = [
        f"{head}, 'set' AS scope, CAST(NULL AS varchar) AS category, CAST(NULL AS varchar) AS event_source,\n"
        f"    CAST(NULL AS integer) AS selector_index, CAST(NULL AS varchar) AS selector_name,\n"
        f"    coalesce(sum(CASE WHEN {logged} THEN events END), 0) AS logged,\n"
        f"    coalesce(sum(CASE WHEN {logged} THEN 0 ELSE events END), 0) AS dropped,\n"
        f"    coalesce(sum(CASE WHEN {logged} THEN cost END), 0) AS cost_usd\n"
        f"  FROM counts",
        f"{head}, 'source', category, event_source, NULL, NULL,\n"
        f"    sum(CASE WHEN {logged} THEN events ELSE 0 END), sum(CASE WHEN {logged} THEN 0 ELSE events END),\n"
        f"    sum(CASE WHEN {logged} THEN cost ELSE 0 END)\n"
        f"  FROM counts GROUP BY category, event_source",
    ]
    for j, (sel, column) in enumerate(zip(selectors, columns, strict=True)):
        rows.append(
            f"{head}, 'selector', NULL, NULL, {j}, {_literal(sel.name)},\n"
            f"    coalesce(sum(CASE WHEN m{column} THEN events END), 0), NULL, NULL\n"
            f"  FROM counts"
        )
    return rows


def compile_simulation(
    sets: Sequence[SelectorSet],
    *,
    start: date,
    end: date,
    table: str = DEFAULT_TABLE_NAME,
    database: str | None = None,
    first_management_copy: bool = False,
) -> str:
    """One Athena query reporting what each selector set would log and cost over a date range.

    The query reads only the ``event_date`` partitions from ``start`` to ``end``
    (inclusive, the UTC days CloudTrail delivered the files), evaluates every
    distinct selector once per record, and returns the rows described by
    :data:`COLUMNS`, ordered by set, scope (set, source, selector), category,
    source and selector.

    :param sets: the selector sets, as for :func:`~network_trail.simulator.simulate`.
    :param start: first delivery day read.
    :param end: last delivery day read.
    :param table: the table of :class:`~network_trail.NetworkActivityQueries`. Default: 'network_activity'
    :param database: its Glue database. Default: - the query's database (``QueryExecutionContext``)
    :param first_management_copy: price management events as the trail's free first copy. Default: False
    :raises NetworkTrailError: when a selector is malformed, tests a field the table has no column
        for, a name is not a Glue name, the range is reversed, or the query is longer than Athena takes.
    """
    source = _table_reference(table, database)
    first_day, last_day = _date_range(start, end)
    plan = _plan(sets)
    matches = "".join(f",\n    {_selector_condition(sel)} AS m{i}" for i, sel in enumerate(plan.distinct))
    flags = "".join(f", m{i}" for i in range(len(plan.distinct)))
    rows = [
        row
        for i, (sel_set, sels, columns) in enumerate(
            zip(sets, plan.set_selectors, plan.set_columns, strict=True)
        )
        for row in _set_rows(i, sel_set.label, sels, columns)
    ]
    sql = (
        "WITH typed AS (\n"
        f"  SELECT *, {_CATEGORY} AS {_CATEGORY_COLUMN}\n"
        f"  FROM {source}\n"
        f"  WHERE event_date BETWEEN {_literal(first_day)} AND {_literal(last_day)}\n"
        "),\n"
        "events AS (\n"
        f"  SELECT {_CATEGORY_COLUMN} AS category,\n"
        "    coalesce(eventsource, '-') AS event_source,\n"
        f"    eventtime{matches}\n"
        "  FROM typed\n"
        "),\n"
        "counts AS (\n"
        f"  SELECT category, event_source{flags}, events, {_price_sql(first_management_copy)} AS cost\n"
        f"  FROM (SELECT category, event_source{flags}, count(*) AS events\n"
        f"    FROM events GROUP BY category, event_source{flags}) AS grouped\n"
        "),\n"
        "span AS (\n"
        "  SELECT count(*) AS records, min(eventtime) AS first_event, max(eventtime) AS last_event,\n"
        "    to_unixtime(from_iso8601_timestamp(max(eventtime)))\n"
        "      - to_unixtime(from_iso8601_timestamp(min(eventtime))) AS span_seconds\n"
        "  FROM events\n"
        "),\n"
        "report AS (\n  " + "\n  UNION ALL\n  ".join(rows) + "\n)\n"
        "SELECT report.*,\n"
        f"  CASE WHEN scope = 'set' AND span_seconds > 0 THEN cost_usd * {_SECONDS_PER_30_DAYS} / span_seconds "
        "END AS monthly_cost_usd,\n"
        "  CASE WHEN scope = 'set' THEN records END AS records,\n"
        "  CASE WHEN scope = 'set' THEN first_event END AS first_event,\n"
        "  CASE WHEN scope = 'set' THEN last_event END AS last_event\n"
        "FROM report CROSS JOIN span\n"
        "ORDER BY set_index, CASE scope WHEN 'set' THEN 0 WHEN 'source' THEN 1 ELSE 2 END,\n"
        "  category, event_source, selector_index"
    )
    size = len(sql.encode())
    if size > MAX_QUERY_BYTES:
        raise NetworkTrailError(
            f"the compiled query is {size:,} bytes, more than the {MAX_QUERY_BYTES:,} Athena takes: "
            f"simulate fewer selector sets at once"
        )
    return sql


# ---------------------------------------------------------------------------
# Result rows


def _int(value: object) -> int:
    return int(str(value))


def _float(value: object) -> float | None:
    return None if value is None or value == "" else float(str(value))


def _time(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def report_from_rows(
    rows: Sequence[Mapping[str, object]], sets: Sequence[SelectorSet], *, first_management_copy: bool = False
) -> SimulationReport:
    """The :class:`~network_trail.simulator.SimulationReport` of the compiled query's result.

    :param rows: the result rows, one mapping of :data:`COLUMNS` each (values as Athena returns
        them, strings, or typed; ``None`` for NULL).
    :param sets: the sets the query was compiled from, in the same order.
    :param first_management_copy: as the query was compiled. Default: False
    :raises NetworkTrailError: when the rows are not the result of :func:`compile_simulation` for ``sets``.
    """
    totals: dict[int, Mapping[str, object]] = {}
    sources: dict[int, list[SourceCount]] = {i: [] for i in range(len(sets))}
    selectors: dict[int, list[tuple[str, int]]] = {i: [] for i in range(len(sets))}
    for row in rows:
        missing = [c for c in COLUMNS if c not in row]
        if missing:
            raise NetworkTrailError(
                f"a result row lacks the columns {missing}: give the rows of the query compile_simulation built"
            )
        i = _int(row["set_index"])
        if i not in sources:
            raise NetworkTrailError(f"a result row names set {i}, but {len(sets)} sets were given")
        if row["scope"] == "set":
            totals[i] = row
        elif row["scope"] == "source":
            sources[i].append(
                SourceCount(
                    str(row["category"]), str(row["event_source"]), _int(row["logged"]), _int(row["dropped"])
                )
            )
        else:
            selectors[i].append((str(row["selector_name"]), _int(row["logged"])))
    if sorted(totals) != list(range(len(sets))):
        raise NetworkTrailError(
            f"the result has totals for sets {sorted(totals)}, expected {list(range(len(sets)))}: "
            f"give the rows of the query compile_simulation built for these sets"
        )
    first = totals[0]
    return SimulationReport(
        files=0,
        problems=(),
        records=_int(first["records"]),
        first_event=_time(first["first_event"]),
        last_event=_time(first["last_event"]),
        sets=tuple(
            SetReport(
                label=sel_set.label,
                selectors=tuple(selectors[i]),
                sources=tuple(sources[i]),
                logged=_int(totals[i]["logged"]),
                dropped=_int(totals[i]["dropped"]),
                monthly_cost=_float(totals[i]["monthly_cost_usd"]),
            )
            for i, sel_set in enumerate(sets)
        ),
        first_management_copy=first_management_copy,
    )


# ---------------------------------------------------------------------------
# Running the query


def athena_query_cost(scanned_bytes: int) -> float:
    """What Athena bills for a query that scanned ``scanned_bytes``: $5 per TB, 10 MB minimum.

    Bytes are rounded up to the megabyte (10^6 bytes here, as the pricing page's TB is 10^12).

    .. seealso:: https://aws.amazon.com/athena/pricing/
    """
    megabytes = max(math.ceil(scanned_bytes / 1_000_000), 10)
    return megabytes * ATHENA_PRICE_PER_TB_USD / 1_000_000


@dataclass(frozen=True, slots=True)
class AthenaRun:
    """A finished Athena simulation.

    :param query_execution_id: the Athena query execution id.
    :param report: what the selector sets would log, as the local simulator reports it.
    :param scanned_bytes: bytes the query read (``Statistics.DataScannedInBytes``).
    :param query_cost: what Athena bills for the query, see :func:`athena_query_cost`.
    """

    query_execution_id: str
    report: SimulationReport
    scanned_bytes: int
    query_cost: float


def _athena_client(region: str | None) -> Any:
    try:
        import boto3
    except ImportError:
        raise NetworkTrailError(
            "running the query needs boto3, which is not installed: pip install 'network-trail[athena]', "
            "or run the printed SQL in the Athena console"
        ) from None
    return boto3.client("athena", region_name=region)


def _rows(client: Any, execution_id: str) -> list[dict[str, str | None]]:
    rows: list[dict[str, str | None]] = []
    header: list[str] | None = None
    for page in client.get_paginator("get_query_results").paginate(QueryExecutionId=execution_id):
        for raw in page["ResultSet"]["Rows"]:
            values = [cell.get("VarCharValue") for cell in raw["Data"]]
            if header is None:
                header = [str(v) for v in values]
                continue
            rows.append(dict(zip(header, values, strict=True)))
    return rows


def _check_workgroup(workgroup: object) -> None:
    if not isinstance(workgroup, str) or not WORKGROUP_NAME.match(workgroup):
        raise NetworkTrailError(
            f"workgroup must be 1 to 128 letters, digits, '.', '_' or '-' (Athena), got {workgroup!r}: "
            f"give the workgroup of NetworkActivityQueries (its work_group_name)"
        )


@dataclass(frozen=True, slots=True)
class AthenaResult:
    """A finished Athena query: its id, its rows and the bytes it scanned.

    :param query_execution_id: the Athena query execution id.
    :param rows: the result rows, column name to value (None for SQL NULL).
    :param scanned_bytes: bytes the query read (``Statistics.DataScannedInBytes``).
    """

    query_execution_id: str
    rows: list[dict[str, str | None]]
    scanned_bytes: int


def run_query(
    sql: str,
    *,
    workgroup: str,
    database: str | None = None,
    client: Any = None,
    region: str | None = None,
    poll_seconds: float = 1.0,
    sleep: Callable[[float], None] | None = None,
) -> AthenaResult:
    """Run one query in an Athena workgroup, wait for it and read its rows.

    The workgroup of :class:`~network_trail.NetworkActivityQueries` enforces its results
    location and encryption, so none is given here.

    :param sql: the query.
    :param workgroup: the Athena workgroup, e.g. ``NetworkActivityQueries.work_group_name``.
    :param database: the Glue database of the query's context. Default: - none
    :param client: an Athena client (boto3 or botocore). Default: - ``boto3.client("athena")``
    :param region: the Region of the client made by default. Default: - boto3's configuration
    :param poll_seconds: seconds between ``GetQueryExecution`` calls. Default: 1.0
    :param sleep: how to wait between calls. Default: time.sleep
    :raises NetworkTrailError: when the workgroup name is invalid, or the query fails or is cancelled.
    """
    _check_workgroup(workgroup)
    athena = client if client is not None else _athena_client(region)
    request: dict[str, Any] = {"QueryString": sql, "WorkGroup": workgroup}
    if database:
        request["QueryExecutionContext"] = {"Database": database}
    execution_id = athena.start_query_execution(**request)["QueryExecutionId"]
    while True:
        execution = athena.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]
        state = execution["Status"]["State"]
        if state == "SUCCEEDED":
            break
        if state in ("FAILED", "CANCELLED"):
            reason = execution["Status"].get("StateChangeReason", "no reason given")
            raise NetworkTrailError(
                f"Athena query {execution_id} in workgroup {workgroup!r} {state.lower()}: {reason}; "
                f"check the table, database and workgroup, or run the SQL of --athena in the console"
            )
        (sleep or time.sleep)(poll_seconds)
    scanned = int(execution.get("Statistics", {}).get("DataScannedInBytes", 0))
    return AthenaResult(execution_id, _rows(athena, execution_id), scanned)


def run_simulation(
    sets: Sequence[SelectorSet],
    *,
    start: date,
    end: date,
    workgroup: str,
    table: str = DEFAULT_TABLE_NAME,
    database: str | None = None,
    client: Any = None,
    region: str | None = None,
    poll_seconds: float = 1.0,
    sleep: Callable[[float], None] | None = None,
    first_management_copy: bool = False,
) -> AthenaRun:
    """Run :func:`compile_simulation`'s query in an Athena workgroup and read its report.

    The workgroup of :class:`~network_trail.NetworkActivityQueries` enforces its results
    location and encryption, so none is given here.

    :param sets: the selector sets.
    :param start: first delivery day read.
    :param end: last delivery day read.
    :param workgroup: the Athena workgroup, e.g. ``NetworkActivityQueries.work_group_name``.
    :param table: the table. Default: 'network_activity'
    :param database: the Glue database. Default: - none, the query names the table unqualified
    :param client: an Athena client (boto3 or botocore). Default: - ``boto3.client("athena")``
    :param region: the Region of the client made by default. Default: - boto3's configuration
    :param poll_seconds: seconds between ``GetQueryExecution`` calls. Default: 1.0
    :param sleep: how to wait between calls. Default: time.sleep
    :param first_management_copy: price management events as the trail's free first copy. Default: False
    :raises NetworkTrailError: when an input is invalid, or the query fails or is cancelled.
    """
    _check_workgroup(workgroup)
    sql = compile_simulation(
        sets,
        start=start,
        end=end,
        table=table,
        database=database,
        first_management_copy=first_management_copy,
    )
    result = run_query(
        sql,
        workgroup=workgroup,
        database=database,
        client=client,
        region=region,
        poll_seconds=poll_seconds,
        sleep=sleep,
    )
    report = report_from_rows(result.rows, sets, first_management_copy=first_management_copy)
    scanned = result.scanned_bytes
    return AthenaRun(result.query_execution_id, report, scanned, athena_query_cost(scanned))
