"""``network-trail presets``: the presets and every event source they can be built for."""

from __future__ import annotations

import click

from ..model.presets import Preset
from ..model.sources import (
    CURRENT_SOURCES,
    GA_SOURCES,
    REMOVED_SOURCES,
    SOURCE_LIST_DATE,
    source_label,
)
from ._shared import _print_json, _table


@click.command("presets")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def presets_command(as_json: bool) -> None:
    """List the presets and every event source they can be built for."""
    presets_rows = [
        {
            "preset": Preset.LOG_ALL.value,
            "fields": "eventCategory, eventSource",
            "note": "every call is billed",
        },
        {
            "preset": Preset.ACCESS_DENIED.value,
            "fields": "eventCategory, eventSource, errorCode=VpceAccessDenied",
            "note": "denials by VPC endpoint policies only",
        },
    ]
    sources = [{"source": s.value, "label": source_label(s), "ga": s in GA_SOURCES} for s in CURRENT_SOURCES]
    removed = sorted(s.value for s in REMOVED_SOURCES)
    if as_json:
        _print_json(
            {
                "presets": presets_rows,
                "sources": sources,
                "source_list_date": SOURCE_LIST_DATE,
                "removed_sources": removed,
            }
        )
        return
    _table(["PRESET", "FIELDS", "NOTE"], [[r["preset"], r["fields"], r["note"]] for r in presets_rows])
    click.echo()
    _table(
        ["SOURCE", "LABEL", "GA"],
        [[str(s["source"]), str(s["label"]), "yes" if s["ga"] else ""] for s in sources],
    )
    click.echo(
        f"\n{len(sources)} sources, list of {SOURCE_LIST_DATE}; 'ga' = the five sources of 2025-02-13."
        f"\nNo longer listed (still accepted, with a warning at synth): {', '.join(removed)}."
    )
