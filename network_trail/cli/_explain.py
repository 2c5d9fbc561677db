"""``network-trail explain``: why one record is logged or dropped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..errors import NetworkTrailError
from ..simulator import Explanation, compile_selectors, read_records
from ._inputs import SelectorOptions, selector_input_options
from ._shared import _fail, _load, _print_json


@click.command("explain")
@click.argument(
    "record_file", type=click.Path(path_type=Path, exists=True, dir_okay=False, allow_dash=True), default="-"
)
@selector_input_options
@click.option("--index", type=int, default=None, help="Which record of a file holding several. Default: 0.")
@click.option("--json", "as_json", is_flag=True, help="Print the reasoning as JSON.")
def explain_command(
    record_file: Path, index: int | None, as_json: bool, selector_options: SelectorOptions
) -> None:
    """Explain why one record (a file, or - for stdin) is logged or dropped.

    The file holds one CloudTrail record, a log file ({"Records": [...]}), or
    JSON Lines, plain or gzip; --index picks a record when it holds several.
    """
    sets = [i.selector_set() for i in _load(selector_options)]
    try:
        records = read_records(record_file)
    except NetworkTrailError as err:
        _fail(f"{record_file}: {err}")
    i = 0 if index is None else index
    if not -len(records) <= i < len(records):
        _fail(
            f"--index {i} is out of range: {record_file} has {len(records)} records; give 0 to {len(records) - 1}"
        )
    data = records[i]
    if not isinstance(data, dict):
        _fail(f"{record_file}: record {i} must be a JSON object, got {type(data).__name__}")
    results = []
    for sel_set in sets:
        exp = compile_selectors(sel_set.selectors).explain(data)
        names = [s.get("Name", f"selector {i}") for i, s in enumerate(sel_set.selectors)]
        results.append({"label": sel_set.label, **exp.to_json(names)})
        if not as_json:
            _print_explanation(sel_set.label, data, exp, names)
    if as_json:
        _print_json(results)


def _print_explanation(label: str, data: dict[str, Any], exp: Explanation, names: list[str]) -> None:
    summary = " ".join(
        f"{k}={data[k]}" for k in ("eventSource", "eventName", "errorCode", "vpcEndpointId") if k in data
    )
    click.echo(f"{label}: {'LOGGED' if exp.logged else 'DROPPED'}  [{summary}]")
    if exp.category_inferred_from is not None:
        click.echo(
            f"  eventCategory {exp.category} inferred from {exp.category_inferred_from} (the record has no "
            f"eventCategory: eventVersion before 1.07)"
        )
    for i in exp.matched:
        click.echo(f"  matched  [{i}] {names[i]}")
    for f in exp.failures:
        click.echo(f"  no match [{f.selector_index}] {f.selector_name}: {f.describe()}")
