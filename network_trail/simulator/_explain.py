"""Why a record is logged or dropped: the first field selector of each selector that it does not meet."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._parse import _element_value, _FieldTest, _holds, _lookup, _ParsedSelector, _resource_elements


@dataclass(frozen=True, slots=True)
class SelectorFailure:
    """The first field selector of a selector that a record does not meet, and why.

    A field selector fails when none of its SELECT operators (``Equals``,
    ``StartsWith``, ``EndsWith``) matches, or when one of its DESELECT operators
    (``NotEquals``, ``NotStartsWith``, ``NotEndsWith``) matches.

    :param selector_index: position of the selector in the list.
    :param selector_name: the selector's ``Name``.
    :param field: the field path, e.g. ``errorCode``.
    :param operator: the DESELECT operator that matched, or the first SELECT operator when none matched.
    :param values: that operator's values.
    :param actual: the record's value for the field, ``None`` when it has none.
    :param alternatives: when no SELECT operator matched, every SELECT operator of the field
        with its values (any one would have been enough). Default: - a DESELECT operator matched
    :param element: for a ``resources.*`` field, the index of the element of ``resources``
        that came closest to matching. Default: - not a ``resources.*`` field, or no array
    """

    selector_index: int
    selector_name: str
    field: str
    operator: str
    values: tuple[str, ...]
    actual: str | None
    alternatives: tuple[tuple[str, tuple[str, ...]], ...] = ()
    element: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The failure as plain JSON values, with every SELECT alternative and the ``resources`` element."""
        return {
            "index": self.selector_index,
            "name": self.selector_name,
            "field": self.field,
            "operator": self.operator,
            "values": list(self.values),
            "actual": self.actual,
            "alternatives": [{"operator": op, "values": list(values)} for op, values in self.alternatives],
            "element": self.element,
        }

    def describe(self) -> str:
        """One line: the failing condition and the record's value."""
        has = "has no such field" if self.actual is None else f"has {self.actual!r}"
        if self.element is not None:
            has += f" in resources[{self.element}]"
        if len(self.alternatives) > 1:
            condition = " or ".join(f"{op} {list(values)!r}" for op, values in self.alternatives)
            return f"{self.field} {condition} fails: none of them matches, the record {has}"
        return f"{self.field} {self.operator} {list(self.values)!r} fails: the record {has}"


def _field_failure(
    test: _FieldTest, actual: str | None
) -> tuple[str, tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]] | None:
    """``(operator, values, alternatives)`` of why one field selector fails, ``None`` when it holds."""
    selects = test.selects
    if selects and not any(_holds(op, values, actual) for op, values in selects):
        return selects[0][0], selects[0][1], selects
    for op, values in test.deselects:
        if not _holds(op, values, actual):
            return op, values, ()
    return None


def _first_failure(sel: _ParsedSelector, record: Mapping[str, Any], index: int = 0) -> SelectorFailure | None:
    for test in sel.fields:
        if test.on_resources:
            continue
        actual = _lookup(record, test.field)
        why = _field_failure(test, actual)
        if why is not None:
            return SelectorFailure(index, sel.name, test.field, *why[:2], actual, why[2])
    return _resources_failure(sel, record, index) if sel.resource_tests else None


def _resources_failure(sel: _ParsedSelector, record: Mapping[str, Any], index: int) -> SelectorFailure | None:
    """``None`` when one element of ``resources`` meets every ``resources.*`` field selector.

    Otherwise the first failing field selector of the element that meets the most of them.
    """
    raw = record.get("resources")
    best: tuple[int, SelectorFailure] | None = None
    for position, element in enumerate(_resource_elements(raw)):
        for passed, test in enumerate(sel.resource_tests):
            actual = _element_value(element, test.field)
            why = _field_failure(test, actual)
            if why is not None:
                where = position if isinstance(raw, list) and raw else None
                failure = SelectorFailure(index, sel.name, test.field, *why[:2], actual, why[2], where)
                if best is None or passed > best[0]:
                    best = (passed, failure)
                break
        else:
            return None
    return None if best is None else best[1]


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why one record is logged or dropped by a list of selectors.

    :param logged: whether any selector matches.
    :param matched: indexes of every matching selector.
    :param failures: for each selector that does not match, its first failing condition.
    :param category: the ``eventCategory`` the selectors saw. Default: - unknown
    :param category_inferred_from: for a record without ``eventCategory`` (older than
        ``eventVersion`` 1.07), the record fields it was inferred from, e.g.
        ``"resources type AWS::S3::Object"``. Default: - the record carries ``eventCategory``
    """

    logged: bool
    matched: tuple[int, ...]
    failures: tuple[SelectorFailure, ...]
    category: str | None = None
    category_inferred_from: str | None = None

    def to_json(self, names: Sequence[str]) -> dict[str, Any]:
        """The reasoning as plain JSON values: every SELECT alternative and the ``resources`` element.

        :param names: the selector names, by index.
        """
        return {
            "logged": self.logged,
            "category": self.category,
            "category_inferred_from": self.category_inferred_from,
            "matched": [{"index": i, "name": names[i]} for i in self.matched],
            "failures": [f.to_json() for f in self.failures],
        }
