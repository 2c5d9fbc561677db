"""What changes between two selector sets, in words: the review artifact of a pull request.

:func:`diff_selectors` pairs the selectors of two sets (rendered JSON) and
reports the ones added, removed and changed; :func:`diff_logged` turns a
simulation of both sets over the same logs into the change in logged events
and monthly cost, per event source. Neither imports aws_cdk.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ..model.vocabulary import Operator
from ._report import SimulationReport, price_per_event

__all__ = ["LoggedChange", "SelectorChange", "SelectorDiff", "diff_logged", "diff_selectors"]

_SECONDS_PER_30_DAYS: Final = 30 * 24 * 3600
_OPERATOR_ORDER: Final = tuple(op.value for op in Operator)
Rendered = Mapping[str, Any]


def _fields(selector: Rendered) -> dict[str, dict[str, frozenset[str]]]:
    """``field -> operator -> values`` of a rendered selector."""
    return {
        fs["Field"]: {op: frozenset(v) for op, v in fs.items() if op != "Field"}
        for fs in selector["FieldSelectors"]
    }


def _key(selector: Rendered) -> str:
    """What the selector matches, without its name."""
    fields = _fields(selector)
    return json.dumps(
        {f: {op: sorted(v) for op, v in ops.items()} for f, ops in fields.items()}, sort_keys=True
    )


def _source(selector: Rendered) -> tuple[str, str]:
    fields = _fields(selector)
    category = sorted(fields.get("eventCategory", {}).get("Equals", frozenset({"?"})))
    source = sorted(fields.get("eventSource", {}).get("Equals", frozenset({"any source"})))
    return ",".join(category), ",".join(source)


def describe_selector(selector: Rendered) -> str:
    """One line: the name, then every condition, e.g. ``errorCode Equals ['VpceAccessDenied']``."""
    conditions = [
        f"{f} {op} {sorted(values)!r}"
        for f, ops in _fields(selector).items()
        for op, values in sorted(ops.items(), key=lambda item: _OPERATOR_ORDER.index(item[0]))
    ]
    return f"{selector.get('Name', '(no name)')}: {'; '.join(conditions)}"


@dataclass(frozen=True, slots=True)
class SelectorChange:
    """One selector present in both sets, with different conditions or name.

    :param before: the selector in the first set.
    :param after: the selector in the second set.
    :param changes: each difference, in words.
    """

    before: Rendered
    after: Rendered
    changes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SelectorDiff:
    """The selectors added, removed and changed from one set to another.

    :param before: the first set's label.
    :param after: the second set's label.
    :param added: selectors only in the second set.
    :param removed: selectors only in the first set.
    :param changed: selectors paired across the sets (same conditions with another
        name, same name, or the only selector of one event source on each side) that differ.
    :param unchanged: how many selectors are the same in both.
    """

    before: str
    after: str
    added: tuple[Rendered, ...]
    removed: tuple[Rendered, ...]
    changed: tuple[SelectorChange, ...]
    unchanged: int

    @property
    def is_empty(self) -> bool:
        """Whether both sets select the same events under the same names."""
        return not (self.added or self.removed or self.changed)

    def lines(self) -> list[str]:
        """The diff in words, one line per selector and per change."""
        out = [f"selectors: {self.before} -> {self.after}"]
        out.extend(f"+ added    {describe_selector(s)}" for s in self.added)
        out.extend(f"- removed  {describe_selector(s)}" for s in self.removed)
        for change in self.changed:
            out.append(f"~ changed  {change.after.get('Name', '(no name)')}")
            out.extend(f"    {line}" for line in change.changes)
        out.append(f"= {self.unchanged} selector{'' if self.unchanged == 1 else 's'} unchanged")
        return out

    def to_json(self) -> dict[str, Any]:
        """The diff as plain JSON values."""
        return {
            "before": self.before,
            "after": self.after,
            "added": [dict(s) for s in self.added],
            "removed": [dict(s) for s in self.removed],
            "changed": [
                {"before": dict(c.before), "after": dict(c.after), "changes": list(c.changes)}
                for c in self.changed
            ],
            "unchanged": self.unchanged,
        }


def _field_changes(before: Rendered, after: Rendered) -> list[str]:
    old, new = _fields(before), _fields(after)
    out: list[str] = []
    if before.get("Name") != after.get("Name"):
        out.append(f"renamed from {before.get('Name')!r} to {after.get('Name')!r}")
    for field in [*old, *(f for f in new if f not in old)]:
        if field not in new:
            out.append(f"drops the condition {field} {_ops(old[field])}{_dropped_note(field, old[field])}")
        elif field not in old:
            out.append(f"adds the condition {field} {_ops(new[field])}")
        else:
            out.extend(_operator_changes(field, old[field], new[field]))
    return out


def _ops(ops: Mapping[str, frozenset[str]]) -> str:
    return ", ".join(f"{op} {sorted(v)!r}" for op, v in ops.items())


def _dropped_note(field: str, ops: Mapping[str, frozenset[str]]) -> str:
    if field == "errorCode" and ops.get("Equals") == frozenset({"VpceAccessDenied"}):
        return " (it now logs allowed calls too, not only those denied by a VPC endpoint policy)"
    return ""


def _operator_changes(
    field: str, old: Mapping[str, frozenset[str]], new: Mapping[str, frozenset[str]]
) -> list[str]:
    out: list[str] = []
    for op in _OPERATOR_ORDER:
        before, after = old.get(op, frozenset()), new.get(op, frozenset())
        parts = []
        if after - before:
            parts.append(f"adds {sorted(after - before)!r}")
        if before - after:
            parts.append(f"removes {sorted(before - after)!r}")
        if parts:
            out.append(f"{field} {op}: {'; '.join(parts)}")
    return out


def diff_selectors(
    before: Sequence[Rendered], after: Sequence[Rendered], *, labels: tuple[str, str] = ("before", "after")
) -> SelectorDiff:
    """Pair the selectors of two rendered sets and describe what changed.

    Selectors pair up, in this order: same conditions (renamed or unchanged), same
    name, then the only remaining selector of one event source on each side.

    :param before: the first set, e.g. the live trail's selectors.
    :param after: the second set, e.g. the synthesized template's.
    :param labels: how the two sets are named. Default: ("before", "after")
    """
    old, new = list(before), list(after)
    pairs: list[tuple[Rendered, Rendered]] = []
    for match in (_key, lambda s: s.get("Name"), _source):
        pairs.extend(_pair(old, new, match, unique=match is _source))
    changed = tuple(SelectorChange(a, b, tuple(_field_changes(a, b))) for a, b in pairs)
    return SelectorDiff(
        before=labels[0],
        after=labels[1],
        added=tuple(new),
        removed=tuple(old),
        changed=tuple(c for c in changed if c.changes),
        unchanged=sum(1 for c in changed if not c.changes),
    )


def _pair(
    old: list[Rendered], new: list[Rendered], match: Any, *, unique: bool
) -> list[tuple[Rendered, Rendered]]:
    """Remove and return the selectors of ``old`` and ``new`` with equal ``match(selector)``."""
    pairs: list[tuple[Rendered, Rendered]] = []
    for a in list(old):
        key = match(a)
        if key is None:
            continue
        candidates = [b for b in new if match(b) == key]
        if not candidates or (unique and (len(candidates) > 1 or sum(match(o) == key for o in old) > 1)):
            continue
        pairs.append((a, candidates[0]))
        old.remove(a)
        new.remove(candidates[0])
    return pairs


# ---------------------------------------------------------------------------
# The change in logged events and cost


@dataclass(frozen=True, slots=True)
class LoggedChange:
    """Events one event source (or the whole set, ``source`` ``"total"``) logs before and after.

    :param category: the ``eventCategory``, ``""`` for the total.
    :param source: the ``eventSource``, or ``"total"``.
    :param before: events the first set logs.
    :param after: events the second set logs.
    :param cost_before: US dollars for 30 days, ``None`` when the logs cover no time span.
    :param cost_after: US dollars for 30 days, ``None`` when the logs cover no time span.
    """

    category: str
    source: str
    before: int
    after: int
    cost_before: float | None
    cost_after: float | None

    @property
    def ratio(self) -> float | None:
        """``after / before``; ``None`` when the first set logs none of these events."""
        return self.after / self.before if self.before else None

    def describe(self) -> str:
        """One line, e.g. ``kms.amazonaws.com: 3.0x the events (1,000 -> 3,000), +$41.00 a month``."""
        if self.before == self.after:
            how = f"the same events ({self.after:,})"
        elif self.ratio is None:
            how = f"{self.after:,} event{'' if self.after == 1 else 's'} instead of none"
        elif self.after == 0:
            how = f"none of its {self.before:,} events"
        else:
            how = f"{self.ratio:.1f}x the events ({self.before:,} -> {self.after:,})"
        cost = ""
        if self.cost_before is not None and self.cost_after is not None:
            delta = self.cost_after - self.cost_before
            cost = f", {'+' if delta >= 0 else '-'}${abs(delta):,.2f} a month"
        name = "all sources" if self.source == "total" else f"{self.source} ({self.category})"
        return f"{name}: {how}{cost}"

    def to_json(self) -> dict[str, Any]:
        """The change as plain JSON values."""
        return {
            "category": self.category,
            "source": self.source,
            "logged_before": self.before,
            "logged_after": self.after,
            "ratio": None if self.ratio is None else round(self.ratio, 3),
            "monthly_cost_before_usd": None if self.cost_before is None else round(self.cost_before, 2),
            "monthly_cost_after_usd": None if self.cost_after is None else round(self.cost_after, 2),
        }


def diff_logged(report: SimulationReport) -> list[LoggedChange]:
    """The total, then every event source whose logged events change, from a simulation of two sets.

    :param report: :func:`~network_trail.simulator.simulate` of exactly two sets over the same logs.
    """
    first, second = report.sets
    span = report.span_seconds
    scale = _SECONDS_PER_30_DAYS / span if span else None

    def cost(category: str, events: int) -> float | None:
        price = price_per_event(category, first_management_copy=report.first_management_copy)
        return None if scale is None else events * price * scale

    before = {(c.category, c.source): c.logged for c in first.sources}
    after = {(c.category, c.source): c.logged for c in second.sources}
    total = LoggedChange("", "total", first.logged, second.logged, first.monthly_cost, second.monthly_cost)
    changes = [total]
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key, 0), after.get(key, 0)
        if old != new:
            changes.append(LoggedChange(key[0], key[1], old, new, cost(key[0], old), cost(key[0], new)))
    return changes
