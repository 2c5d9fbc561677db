"""What several commands share: errors and output, the selector sets of the selector options, ``--jobs``.

Every command prints its errors with :func:`_fail` (``error: ...`` on stderr, exit code 2 unless told),
JSON with :func:`_print_json` and tables with :func:`_table`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, Final, NoReturn

import click

from ..errors import NetworkTrailError
from ._inputs import SelectorInput, SelectorOptions


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
"""Options that apply to ``--athena`` only (``simulate``, ``replay``), and their parameter names."""


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
