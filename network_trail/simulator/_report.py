"""What selector sets would log and what it costs: the reports, and the tally of the files' counts they come from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from ._logs import FileProblem
from ._parse import _ParsedSelector

NETWORK_ACTIVITY_PRICE_PER_EVENT: Final = 0.10 / 100_000
"""Network activity events: $0.10 per 100,000, always billed (https://aws.amazon.com/cloudtrail/pricing/)."""

DATA_PRICE_PER_EVENT: Final = 0.10 / 100_000
"""Data events: $0.10 per 100,000, always billed (https://aws.amazon.com/cloudtrail/pricing/)."""

MANAGEMENT_PRICE_PER_EVENT: Final = 2.00 / 100_000
"""Management events on a trail that is not their first copy: $2.00 per 100,000; the first copy of management
events in each Region is free (https://aws.amazon.com/cloudtrail/pricing/)."""


def price_per_event(category: object, *, first_management_copy: bool = False) -> float:
    """US dollars CloudTrail bills for one delivered event of ``category`` (the CloudTrail pricing page).

    :param category: the record's ``eventCategory``.
    :param first_management_copy: the trail delivers the first copy of management events, which is
        free. Default: False (an extra copy, $2.00 per 100,000)
    """
    if category == "Management":
        return 0.0 if first_management_copy else MANAGEMENT_PRICE_PER_EVENT
    if category == "Data":
        return DATA_PRICE_PER_EVENT
    return NETWORK_ACTIVITY_PRICE_PER_EVENT


_SECONDS_PER_30_DAYS: Final = 30 * 24 * 3600


# ---------------------------------------------------------------------------
# Simulation


@dataclass(frozen=True, slots=True)
class SelectorSet:
    """A named list of rendered selectors to simulate, e.g. one environment of the sample app.

    :param label: how reports name it, e.g. ``"env prod"``.
    :param selectors: the rendered ``AdvancedEventSelectors``.
    """

    label: str
    selectors: tuple[Mapping[str, Any], ...]


@dataclass(frozen=True, slots=True)
class SourceCount:
    """Events of one ``eventSource`` (and category) that a selector set logs and drops."""

    category: str
    source: str
    logged: int
    dropped: int


@dataclass(frozen=True, slots=True)
class SetReport:
    """What one selector set would log.

    :param label: the set's label.
    :param selectors: ``(name, events it matches)`` per selector; a record matching
        several selectors counts for each of them but is logged once.
    :param sources: logged and dropped per event source.
    :param logged: events logged (matching any selector).
    :param dropped: events not logged.
    :param monthly_cost: estimated US dollars for 30 days, ``None`` when the span is unknown.
    """

    label: str
    selectors: tuple[tuple[str, int], ...]
    sources: tuple[SourceCount, ...]
    logged: int
    dropped: int
    monthly_cost: float | None


@dataclass(frozen=True, slots=True)
class SimulationReport:
    """The result of :func:`simulate`.

    :param files: files read without problem.
    :param problems: files or records that could not be read.
    :param records: records evaluated.
    :param first_event: earliest ``eventTime`` seen. Default: - no event had one
    :param last_event: latest ``eventTime`` seen. Default: - no event had one
    :param sets: one report per selector set, in the given order.
    :param first_management_copy: whether the costs priced management events as their free first
        copy. Default: False
    """

    files: int
    problems: tuple[FileProblem, ...]
    records: int
    first_event: datetime | None
    last_event: datetime | None
    sets: tuple[SetReport, ...]
    first_management_copy: bool = False

    @property
    def span_seconds(self) -> float | None:
        """Seconds between the first and last event, ``None`` when unknown or zero."""
        if self.first_event is None or self.last_event is None:
            return None
        seconds = (self.last_event - self.first_event).total_seconds()
        return seconds if seconds > 0 else None

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON values."""
        return {
            "files": self.files,
            "records": self.records,
            "problems": [
                {"file": p.path, "record_index": p.record_index, "message": p.message} for p in self.problems
            ],
            "first_event": self.first_event.isoformat() if self.first_event else None,
            "last_event": self.last_event.isoformat() if self.last_event else None,
            "span_seconds": self.span_seconds,
            "sets": [
                {
                    "label": s.label,
                    "logged": s.logged,
                    "dropped": s.dropped,
                    "monthly_cost_usd": None if s.monthly_cost is None else round(s.monthly_cost, 2),
                    "selectors": [{"name": n, "matched": c} for n, c in s.selectors],
                    "sources": [
                        {"category": c.category, "source": c.source, "logged": c.logged, "dropped": c.dropped}
                        for c in s.sources
                    ],
                }
                for s in self.sets
            ],
        }


def _parse_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


@dataclass(slots=True)
class _FileResult:
    """What one file contributes: counts of ``(eventCategory, eventSource, mask)``, span and problems."""

    path: str
    counts: Counter[tuple[Any, Any, int]]
    records: int
    first: str | None
    last: str | None
    problems: list[FileProblem]
    readable: bool


class _Tally:
    """The sum of the files' results."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[Any, Any, int]] = Counter()
        self.records = 0
        self.files = 0
        self.first: str | None = None
        self.last: str | None = None

    def add(self, result: _FileResult) -> None:
        self.counts.update(result.counts)
        self.records += result.records
        self.files += result.readable
        if result.first is not None and (self.first is None or result.first < self.first):
            self.first = result.first
        if result.last is not None and (self.last is None or result.last > self.last):
            self.last = result.last


def _report(
    tally: _Tally,
    sets: Sequence[SelectorSet],
    parsed: Sequence[tuple[_ParsedSelector, ...]],
    set_bits: Sequence[Sequence[int]],
    problems: Sequence[FileProblem],
    first_management_copy: bool = False,
) -> SimulationReport:
    first = _parse_time(tally.first) if tally.first else None
    last = _parse_time(tally.last) if tally.last else None
    span = (last - first).total_seconds() if first and last else 0.0
    reports = []
    for sel_set, sels, bits in zip(sets, parsed, set_bits, strict=True):
        set_mask = sum({1 << b for b in bits})
        per_selector = [0] * len(bits)
        per_source: dict[tuple[str, str], list[int]] = {}
        cost = 0.0
        for (cat, src, mask), n in tally.counts.items():
            logged = bool(mask & set_mask)
            key = (str(cat) if cat is not None else "-", str(src) if src is not None else "-")
            counts = per_source.setdefault(key, [0, 0])
            counts[0 if logged else 1] += n
            if logged:
                cost += n * price_per_event(cat, first_management_copy=first_management_copy)
            for i, b in enumerate(bits):
                if mask >> b & 1:
                    per_selector[i] += n
        logged_total = sum(c[0] for c in per_source.values())
        reports.append(
            SetReport(
                label=sel_set.label,
                selectors=tuple(zip((s.name for s in sels), per_selector, strict=True)),
                sources=tuple(
                    SourceCount(cat, src, c[0], c[1]) for (cat, src), c in sorted(per_source.items())
                ),
                logged=logged_total,
                dropped=tally.records - logged_total,
                monthly_cost=cost * _SECONDS_PER_30_DAYS / span if span > 0 else None,
            )
        )
    return SimulationReport(
        files=tally.files,
        problems=tuple(problems),
        records=tally.records,
        first_event=first,
        last_event=last,
        sets=tuple(reports),
        first_management_copy=first_management_copy,
    )
