"""What several commands share: errors and output, the selector sets of the selector options, ``--jobs``,
``--athena`` and its options, and the distinct-calls query of ``replay`` and ``advise``.

Every command prints its errors with :func:`_fail` (``error: ...`` on stderr, exit code 2 unless told),
JSON with :func:`_print_json` and tables with :func:`_table`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn

import click

from ..errors import NetworkTrailError
from ._inputs import SelectorInput, SelectorOptions

if TYPE_CHECKING:
    from ..simulator.calls import DistinctCall


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2))


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    for row in (headers, *rows):
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def _load(options: SelectorOptions, *, count: int | None = None, command: str = "") -> list[SelectorInput]:
    """The validated selector sets, their warnings on stderr; exit 2 with the construct's error when invalid."""
    try:
        inputs = options.load()
    except NetworkTrailError as err:
        _fail(str(err))
    for item in inputs:
        for warning in item.warnings:
            click.echo(f"warning: {warning}", err=True)
    if count is not None and len(inputs) != count:
        labels = [i.label for i in inputs]
        _fail(
            f"{command} takes {count} selector set{'s' if count > 1 else ''}, got {len(inputs)} ({labels}): "
            + (
                "give one input, or --trail NAME to pick one trail of a --template"
                if count == 1
                else "give two inputs, the old then the new, e.g. --live live.json --template cdk.out"
            )
        )
    return inputs


def _jobs_option(help_text: str) -> Callable[[Any], Any]:
    """``--jobs``/``-j``: how many processes read log files (default: one per CPU)."""
    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        default=lambda: os.cpu_count() or 1,
        show_default="number of CPUs",
        help=help_text,
    )


def _first_copy_option(func: Any) -> Any:
    """``--first-management-copy``: price management events as the free first copy (CloudTrail pricing page)."""
    return click.option(
        "--first-management-copy",
        is_flag=True,
        help="Price management events as the first copy of them, which is free. Default: an extra copy, "
        "$2.00 per 100,000.",
    )(func)


ATHENA_ONLY: Final = {
    "--from": "start",
    "--to": "end",
    "--table": "table",
    "--database": "database",
    "--workgroup": "workgroup",
    "--run": "run",
}
"""Options that apply to ``--athena`` only (``simulate``, ``replay``, ``advise``), and their parameter names."""


def athena_options(
    *,
    athena_help: str,
    from_help: str,
    to_help: str,
    run_help: str,
    extra: Sequence[Callable[[Any], Any]] = (),
) -> Callable[[Any], Any]:
    """``--athena`` (then ``extra``), ``--from``, ``--to``, ``--table``, ``--database``, ``--workgroup`` and
    ``--run``: a query over the NetworkActivityQueries table instead of log files."""
    day = click.DateTime(formats=["%Y-%m-%d"])
    options = [
        click.option("--athena", is_flag=True, help=athena_help),
        *extra,
        click.option("--from", "start", type=day, help=from_help),
        click.option("--to", "end", type=day, help=to_help),
        click.option(
            "--table", help="--athena: the table of NetworkActivityQueries. Default: network_activity."
        ),
        click.option(
            "--database", help="--athena: its Glue database. Without it the table name is unqualified."
        ),
        click.option("--workgroup", help="--run: the Athena workgroup of NetworkActivityQueries."),
        click.option("--run", is_flag=True, help=run_help),
    ]

    def apply(func: Any) -> Any:
        for option in reversed(options):
            func = option(func)
        return func

    return apply


def distinct_calls_options(*, athena_help: str, run_help: str) -> Callable[[Any], Any]:
    """The options of :func:`athena_options` with ``--days N``: the distinct-calls query of
    NetworkActivityQueries instead of ``LOGS`` (``replay``, ``advise``).

    :param athena_help: the help of ``--athena``.
    :param run_help: the help of ``--run``.
    """
    return athena_options(
        athena_help=athena_help,
        from_help="--athena: first delivery day read (UTC), with --to.",
        to_help="--athena: last delivery day read (UTC), with --from.",
        run_help=run_help,
        extra=[
            click.option(
                "--days", type=click.IntRange(1, 3653), help="--athena: read the last N days. Default: 30."
            )
        ],
    )


def _check_athena_only(athena: Mapping[str, Any]) -> None:
    given = [
        flag for flag, name in {"--days": "days", **ATHENA_ONLY}.items() if athena[name] not in (None, False)
    ]
    if given:
        raise NetworkTrailError(
            f"{', '.join(given)} {'is an option' if len(given) == 1 else 'are options'} of --athena: add --athena"
        )


def _given(*options: tuple[str, object]) -> str:
    """The options given, as ``--name value`` (``LOGS`` as its list), for an error message."""
    return ", ".join(f"{name} {value}" for name, value in options if value is not None)


def distinct_calls_query(
    logs: Sequence[Path], calls_csv: Path | None, athena: Mapping[str, Any]
) -> str | None:
    """The distinct-calls query of ``--athena`` (None without it), after checking the options that go with it.

    :param logs: the command's ``LOGS``.
    :param calls_csv: its ``--calls``.
    :param athena: its parameters, with those of :func:`distinct_calls_options`.
    :raises NetworkTrailError: when an option of ``--athena`` comes without it, ``--athena`` with LOGS or
      ``--calls``, or the days are not ``--days N`` or ``--from DAY --to DAY``.
    """
    from ..model._queries import DEFAULT_TABLE_NAME, DISTINCT_CALLS_DAYS, distinct_calls_sql

    if not athena["athena"]:
        _check_athena_only(athena)
        return None
    if logs or calls_csv is not None:
        raise NetworkTrailError(
            "--athena reads the Athena table, not log files: drop LOGS and --calls "
            f"(got {_given(('LOGS', [str(p) for p in logs] or None), ('--calls', calls_csv and str(calls_csv)))})"
        )
    start: datetime | None = athena["start"]
    end: datetime | None = athena["end"]
    if (start is None) != (end is None) or (start is not None and athena["days"] is not None):
        given = [f"--days {athena['days']}"] if athena["days"] is not None else []
        given += [
            f"{flag} {day:%Y-%m-%d}" for flag, day in (("--from", start), ("--to", end)) if day is not None
        ]
        raise NetworkTrailError(
            "--athena reads the last --days N (default 30) or the days --from DAY --to DAY: give --from with "
            f"--to, or --days alone (got {', '.join(given)})"
        )
    if start is not None and end is not None and start > end:
        raise NetworkTrailError(
            f"--from {start:%Y-%m-%d} is after --to {end:%Y-%m-%d}: give the first day with --from"
        )
    return distinct_calls_sql(
        table=athena["table"] or DEFAULT_TABLE_NAME,
        database=athena["database"],
        days=athena["days"] or DISTINCT_CALLS_DAYS,
        start=start.date() if start else None,
        end=end.date() if end else None,
    )


def athena_distinct_calls(sql: str, athena: Mapping[str, Any]) -> tuple[DistinctCall, ...]:
    """``--athena --run``: run the query in the workgroup and read its rows as distinct calls.

    The query's id, the bytes it scanned and its cost go to stderr.

    :param sql: the query of :func:`distinct_calls_query`.
    :param athena: the command's parameters, with those of :func:`distinct_calls_options`.
    :raises NetworkTrailError: without ``--workgroup``, or when the query fails or a row is not a call.
    """
    from ..simulator.athena_sql import athena_query_cost, run_query
    from ..simulator.calls import calls_from_rows

    if not athena["workgroup"]:
        raise NetworkTrailError(
            "--run needs --workgroup NAME, the workgroup of NetworkActivityQueries (its work_group_name)"
        )
    result = run_query(sql, workgroup=athena["workgroup"], database=athena["database"])
    where = f"Athena query {result.query_execution_id}"
    calls = calls_from_rows(result.rows, where=where)
    scanned = result.scanned_bytes
    click.echo(
        f"{where}: {len(calls)} distinct calls, {scanned / 1e6:,.1f} MB scanned, "
        f"query cost ${athena_query_cost(scanned):.4f}",
        err=True,
    )
    return calls
