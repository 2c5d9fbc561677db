"""The ``network-trail`` command: list presets, render selectors, simulate them on real logs.

``simulate``, ``explain`` and ``render --preset`` never import aws_cdk; only
reading an environment of the sample app (``--env``) does, because
:mod:`network_trail.config` builds CDK values.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

import click

from .errors import NetworkTrailError
from .presets import Preset, for_sources, management_events
from .selectors import Selector, render_selectors
from .simulator import (
    FileProblem,
    SelectorSet,
    SimulationReport,
    compile_selectors,
    iter_log_files,
    simulate,
)
from .sources import GA_SOURCES, SOURCE_LIST_DATE, NetworkActivityEventSource, source_label

__all__ = ["main"]

_MANAGEMENT_CHOICES = ("none", "all", "read-only", "write-only")


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2))


# ---------------------------------------------------------------------------
# Where selectors come from: --env, --preset, --selectors


def _environment_selectors(config: Path, names: Sequence[str]) -> list[SelectorSet]:
    from .config import CONTEXT_KEY, load_environments  # imports aws_cdk: only when --env is used

    try:
        context = json.loads(config.read_text())["context"][CONTEXT_KEY]
    except FileNotFoundError:
        _fail(f"--config {str(config)!r} does not exist: run from the project root or pass --config PATH")
    except (json.JSONDecodeError, KeyError, TypeError) as err:
        _fail(
            f"--config {str(config)!r} has no valid context.{CONTEXT_KEY!r} ({err!r}): see docs/sample-app.md"
        )
    envs = {e.name: e for e in load_environments(context)}
    out = []
    for name in names:
        if name not in envs:
            _fail(f"--env {name!r} is not an environment of {str(config)!r}: choose one of {sorted(envs)}")
        out.append(SelectorSet(f"env {name}", tuple(render_selectors(envs[name].selectors))))
    return out


def _preset_selectors(
    presets_: Sequence[str],
    sources: Sequence[str],
    vpc_endpoint_ids: Sequence[str],
    event_names: Sequence[str],
    management: str,
) -> list[SelectorSet]:
    if not sources:
        _fail("--preset needs at least one --source, e.g. --source kms --source s3 (or --source ga)")
    chosen = [s for src in sources for s in (GA_SOURCES if src == "ga" else (src,))]
    out = []
    for preset in presets_:
        selectors: list[Selector] = []
        if management != "none":
            read_only = {"all": None, "read-only": True, "write-only": False}[management]
            selectors.append(management_events(read_only=read_only))
        selectors.extend(
            for_sources(chosen, preset=preset, vpc_endpoint_ids=vpc_endpoint_ids, event_names=event_names)
        )
        names = [str(getattr(s, "value", s)).removesuffix(".amazonaws.com") for s in chosen]
        label = f"preset {preset} ({', '.join(names)})"
        out.append(SelectorSet(label, tuple(render_selectors(selectors))))
    return out


def _file_selectors(paths: Sequence[Path]) -> list[SelectorSet]:
    out = []
    for path in paths:
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError) as err:
            _fail(f"--selectors {str(path)!r} cannot be read as JSON: {err}")
        if isinstance(data, dict) and "AdvancedEventSelectors" in data:
            data = data["AdvancedEventSelectors"]
        if not isinstance(data, list):
            _fail(
                f"--selectors {str(path)!r} must hold a JSON list of advanced event selectors (or the output of "
                f"`aws cloudtrail get-event-selectors`), got {type(data).__name__}"
            )
        out.append(SelectorSet(f"file {path.name}", tuple(data)))
    return out


def _selector_options(func: Any) -> Any:
    options = [
        click.option(
            "--config",
            type=click.Path(path_type=Path, dir_okay=False),
            default=Path("cdk.json"),
            show_default=True,
            help="cdk.json of the sample app, for --env.",
        ),
        click.option("--env", "envs", multiple=True, help="An environment of the sample app (repeatable)."),
        click.option(
            "--preset",
            "presets_",
            multiple=True,
            type=click.Choice([p.value for p in Preset]),
            help="A console template for every --source (repeatable: one selector set each).",
        ),
        click.option(
            "--source",
            "sources",
            multiple=True,
            help="Event source for --preset: 'kms', 'kms.amazonaws.com', or 'ga' for the five GA sources.",
        ),
        click.option(
            "--vpc-endpoint-id", "vpc_endpoint_ids", multiple=True, help="Scope --preset to these endpoints."
        ),
        click.option(
            "--event-name", "event_names", multiple=True, help="Scope --preset to these API actions."
        ),
        click.option(
            "--management-events",
            type=click.Choice(_MANAGEMENT_CHOICES),
            default="none",
            show_default=True,
            help="Add a management events selector to each --preset set.",
        ),
        click.option(
            "--selectors",
            "selector_files",
            multiple=True,
            type=click.Path(path_type=Path, dir_okay=False, exists=True),
            help="A JSON file with an AdvancedEventSelectors list (repeatable).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _selector_sets(
    *,
    config: Path,
    envs: Sequence[str],
    presets_: Sequence[str],
    sources: Sequence[str],
    vpc_endpoint_ids: Sequence[str],
    event_names: Sequence[str],
    management_events: str,
    selector_files: Sequence[Path],
) -> list[SelectorSet]:
    if (sources or vpc_endpoint_ids or event_names) and not presets_:
        _fail(
            "--source, --vpc-endpoint-id and --event-name apply to --preset: add e.g. --preset access-denied"
        )
    sets: list[SelectorSet] = []
    try:
        if envs:
            sets.extend(_environment_selectors(config, envs))
        if presets_:
            sets.extend(
                _preset_selectors(presets_, sources, vpc_endpoint_ids, event_names, management_events)
            )
    except NetworkTrailError as err:
        _fail(str(err))
    sets.extend(_file_selectors(selector_files))
    if not sets:
        _fail("no selectors: give --env NAME, --preset NAME with --source, or --selectors FILE")
    return sets


# ---------------------------------------------------------------------------
# Commands


@click.group(name="network-trail", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="network-trail")
def main() -> None:
    """CloudTrail network activity events for VPC endpoints: presets, selectors and a simulator."""


@main.command("presets")
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
    sources = [
        {"source": s.value, "label": source_label(s), "ga": s in GA_SOURCES}
        for s in NetworkActivityEventSource
    ]
    if as_json:
        _print_json({"presets": presets_rows, "sources": sources, "source_list_date": SOURCE_LIST_DATE})
        return
    _table(["PRESET", "FIELDS", "NOTE"], [[r["preset"], r["fields"], r["note"]] for r in presets_rows])
    click.echo()
    _table(
        ["SOURCE", "LABEL", "GA"],
        [[str(s["source"]), str(s["label"]), "yes" if s["ga"] else ""] for s in sources],
    )
    click.echo(
        f"\n{len(sources)} sources, list of {SOURCE_LIST_DATE}; 'ga' = the five sources of 2025-02-13."
    )


@main.command()
@_selector_options
def render(**options: Any) -> None:
    """Print selectors as `aws cloudtrail put-event-selectors --advanced-event-selectors` takes them.

    Give one --env of cdk.json, or one --preset with its --source options. The
    output is always JSON, e.g.:

    \b
      aws cloudtrail put-event-selectors --trail-name T \\
        --advanced-event-selectors "$(network-trail render --env prod)"
    """
    sets = _selector_sets(**options)
    if len(sets) != 1:
        _fail(
            f"render prints one selector list, got {len(sets)} ({[s.label for s in sets]}): give one source"
        )
    _print_json(list(sets[0].selectors))


class _Progress:
    """A one-line progress report on stderr."""

    def __init__(self, stream: TextIO, total_files: int | None) -> None:
        self.stream = stream
        self.total = total_files
        self.files = 0
        self.records = 0
        self.start = time.monotonic()
        self.shown = 0.0

    def update(self, _path: Path, records: int) -> None:
        self.files += 1
        self.records += records
        now = time.monotonic()
        if now - self.shown >= 0.2:
            self.shown = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        rate = self.records / max(now - self.start, 1e-9)
        total = f"/{self.total}" if self.total else ""
        self.stream.write(f"\r{self.files}{total} files, {self.records:,} records, {rate:,.0f} records/s ")
        self.stream.flush()

    def close(self) -> None:
        self._draw(time.monotonic())
        self.stream.write("\n")
        self.stream.flush()


@main.command("simulate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@_selector_options
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--fail-fast", is_flag=True, help="Stop at the first bad file.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=lambda: os.cpu_count() or 1,
    show_default="number of CPUs",
    help="Processes reading files in parallel.",
)
@click.option(
    "--progress/--no-progress", default=None, help="Progress on stderr. Default: only on a terminal."
)
def simulate_command(
    paths: tuple[Path, ...],
    as_json: bool,
    fail_fast: bool,
    jobs: int,
    progress: bool | None,
    **options: Any,
) -> None:
    """Count what selectors would log from CloudTrail log files (.json, .json.gz, directories).

    Every selector set given (several --env, several --preset, --selectors) is
    evaluated in one pass and reported side by side: events logged and dropped per
    selector and per source, the time span covered, and the cost scaled to 30 days
    ($0.10 per 100,000 network activity events). Bad files are reported with the
    reason and skipped; the exit code is 1 if there was any.
    """
    sets = _selector_sets(**options)
    show = sys.stderr.isatty() if progress is None else progress
    try:
        bar = _Progress(sys.stderr, sum(1 for _ in iter_log_files(paths))) if show else None
    except NetworkTrailError as err:
        _fail(str(err))

    def on_problem(problem: FileProblem) -> None:
        if bar:
            bar.stream.write("\n")
        click.echo(f"error: {problem}", err=True)

    try:
        report = simulate(
            paths,
            sets,
            jobs=jobs,
            fail_fast=fail_fast,
            on_problem=on_problem,
            on_file=bar.update if bar else None,
        )
    except NetworkTrailError as err:
        _fail(str(err))
    if bar:
        bar.close()
    if as_json:
        _print_json(report.to_json())
    else:
        _print_report(report)
    if report.problems:
        sys.exit(1)


@main.command("explain")
@click.argument("record_file", type=click.File("r"), default="-")
@_selector_options
@click.option("--index", type=int, default=None, help="Which record of a log file's Records. Default: 0.")
@click.option("--json", "as_json", is_flag=True, help="Print the reasoning as JSON.")
def explain_command(record_file: TextIO, index: int | None, as_json: bool, **options: Any) -> None:
    """Explain why one record (a file, or - for stdin) is logged or dropped.

    The input is one CloudTrail record, or a log file with --index.
    """
    sets = _selector_sets(**options)
    name = getattr(record_file, "name", "-")
    try:
        data = json.loads(record_file.read())
    except json.JSONDecodeError as err:
        _fail(f"{name}: invalid JSON ({err}): give one CloudTrail record or a log file")
    if isinstance(data, dict) and isinstance(data.get("Records"), list):
        records = data["Records"]
        i = 0 if index is None else index
        if not -len(records) <= i < len(records):
            _fail(f"--index {i} is out of range: {name} has {len(records)} records")
        data = records[i]
    elif index is not None:
        _fail(f"--index {index} applies to a log file with Records, but {name} holds a single record")
    if not isinstance(data, dict):
        _fail(f"{name}: a record must be a JSON object, got {type(data).__name__}")
    results = []
    for sel_set in sets:
        exp = compile_selectors(sel_set.selectors).explain(data)
        names = [s.get("Name", f"selector {i}") for i, s in enumerate(sel_set.selectors)]
        results.append(
            {
                "label": sel_set.label,
                "logged": exp.logged,
                "matched": [{"index": i, "name": names[i]} for i in exp.matched],
                "failures": [
                    {
                        "index": f.selector_index,
                        "name": f.selector_name,
                        "field": f.field,
                        "operator": f.operator,
                        "values": list(f.values),
                        "actual": f.actual,
                    }
                    for f in exp.failures
                ],
            }
        )
        if not as_json:
            summary = " ".join(
                f"{k}={data[k]}"
                for k in ("eventSource", "eventName", "errorCode", "vpcEndpointId")
                if k in data
            )
            click.echo(f"{sel_set.label}: {'LOGGED' if exp.logged else 'DROPPED'}  [{summary}]")
            for i in exp.matched:
                click.echo(f"  matched  [{i}] {names[i]}")
            for f in exp.failures:
                click.echo(f"  no match [{f.selector_index}] {f.selector_name}: {f.describe()}")
    if as_json:
        _print_json(results)


# ---------------------------------------------------------------------------
# Output


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    for row in (headers, *rows):
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def _print_report(report: SimulationReport) -> None:
    span = report.span_seconds
    click.echo(f"{report.files} files, {report.records:,} records, {len(report.problems)} problems")
    if report.first_event and report.last_event:
        hours = f"{span / 3600:.1f} h" if span else "no span"
        click.echo(
            f"events from {report.first_event.isoformat()} to {report.last_event.isoformat()} ({hours})"
        )
    labels = [s.label for s in report.sets]
    click.echo()
    _table(
        ["", *labels],
        [
            ["logged", *(f"{s.logged:,}" for s in report.sets)],
            ["dropped", *(f"{s.dropped:,}" for s in report.sets)],
            [
                "$/30 days",
                *("n/a" if s.monthly_cost is None else f"{s.monthly_cost:,.2f}" for s in report.sets),
            ],
        ],
    )
    sources = sorted({(c.category, c.source) for s in report.sets for c in s.sources})
    click.echo("\nper source (logged / dropped):")
    by_set = [{(c.category, c.source): c for c in s.sources} for s in report.sets]
    rows = []
    for key in sources:
        cells = []
        for counts in by_set:
            c = counts.get(key)
            cells.append(f"{c.logged:,} / {c.dropped:,}" if c else "0 / 0")
        rows.append([f"{key[1]} ({key[0]})", *cells])
    _table(["SOURCE", *labels], rows)
    for s in report.sets:
        click.echo(f"\n{s.label}: events matched per selector")
        _table(["MATCHED", "SELECTOR"], [[f"{n:,}", name] for name, n in s.selectors])
    if span:
        click.echo(
            "\ncost: $0.10 per 100,000 network activity events, $2.00 per 100,000 management events "
            "(an extra copy), scaled from the covered span to 30 days"
        )


def _register_coverage() -> None:
    from ._coverage_command import make_command  # the command's logic lives there

    main.add_command(make_command(_selector_options, _selector_sets))


_register_coverage()
