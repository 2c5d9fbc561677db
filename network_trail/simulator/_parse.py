"""Advanced event selectors as JSON, parsed and checked, and the values a selector sees in a record."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ..errors import NetworkTrailError, did_you_mean
from ..model.vocabulary import (
    BOOLEAN_FIELDS,
    DESELECT_OPERATORS,
    RESOURCES_PREFIX,
    SELECT_OPERATORS,
    Field,
    Operator,
    field_selectors,
    record_category,
)

__all__ = ["DESELECT_OPERATORS", "OPERATORS", "RESOURCES_PREFIX", "SELECTOR_FIELDS", "SELECT_OPERATORS"]

OPERATORS: Final = tuple(op.value for op in Operator)
"""Every operator of a field selector, in CloudFormation's order (the vocabulary's :class:`Operator`)."""
SELECTOR_FIELDS: Final = tuple(f.value for f in Field)
"""Every field a trail's advanced selectors can test: management, data and network activity events (API
``AdvancedFieldSelector``, the vocabulary's :class:`Field`); CloudTrail rejects others."""
_BOOLEAN_FIELDS: Final = frozenset(f.value for f in BOOLEAN_FIELDS)


# ---------------------------------------------------------------------------
# Parsing the selector JSON


@dataclass(frozen=True, slots=True)
class _FieldTest:
    field: str
    operators: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def selects(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The SELECT operators (OR'd)."""
        return tuple(o for o in self.operators if o[0] in SELECT_OPERATORS)

    @property
    def deselects(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The DESELECT operators (AND'd)."""
        return tuple(o for o in self.operators if o[0] not in SELECT_OPERATORS)

    @property
    def on_resources(self) -> bool:
        """Whether the field is tested against the elements of ``resources``."""
        return self.field.startswith(RESOURCES_PREFIX)


@dataclass(frozen=True, slots=True)
class _ParsedSelector:
    name: str
    fields: tuple[_FieldTest, ...]

    @property
    def resource_tests(self) -> tuple[_FieldTest, ...]:
        """The ``resources.*`` field selectors, which must hold for one element together."""
        return tuple(t for t in self.fields if t.on_resources)

    def key(self) -> str:
        """What the selector matches, without its name: equal keys match the same records."""
        return json.dumps(
            [[f.field, [[op, sorted(v)] for op, v in sorted(f.operators)]] for f in self.fields]
        )


def _parse(selectors: Sequence[Mapping[str, Any]], parameter: str) -> tuple[_ParsedSelector, ...]:
    if isinstance(selectors, Mapping | str | bytes):
        raise NetworkTrailError(
            f"{parameter} must be a list of advanced event selectors, got {selectors!r}: pass "
            f"render_selectors(...) or the AdvancedEventSelectors list of a trail"
        )
    problems: list[str] = []
    out: list[_ParsedSelector] = []
    for i, sel in enumerate(selectors):
        where = f"{parameter}[{i}]"
        if not isinstance(sel, Mapping) or not isinstance(sel.get("FieldSelectors"), list):
            problems.append(f"{where} must be an object with a 'FieldSelectors' list, got {sel!r}")
            continue
        name = sel.get("Name")
        tests: list[_FieldTest] = []
        for j, field_name, ops in field_selectors(sel["FieldSelectors"], where, problems):
            if field_name not in SELECTOR_FIELDS:
                problems.append(
                    f"{where}.FieldSelectors[{j}] has the field {field_name!r}, which CloudTrail selectors of trails do not take "
                    f"(AdvancedFieldSelector): {did_you_mean(field_name, SELECTOR_FIELDS)}use one of "
                    f"{list(SELECTOR_FIELDS)}"
                )
            tests.append(_FieldTest(field_name, tuple((op, tuple(v)) for op, v in ops.items())))
        if not sel["FieldSelectors"]:
            problems.append(f"{where}.FieldSelectors is empty: a selector needs at least eventCategory")
        out.append(_ParsedSelector(name if isinstance(name, str) else f"selector {i}", tuple(tests)))
    if problems:
        raise NetworkTrailError(problems)
    return tuple(out)


# ---------------------------------------------------------------------------
# Field values of a record


def _normalize(field_name: str, value: object) -> str | None:
    if field_name in _BOOLEAN_FIELDS and isinstance(value, bool):
        return "true" if value else "false"
    if field_name == "sessionCredentialFromConsole" and value is None:
        return "false"  # records carry the field only when it is true
    return value if isinstance(value, str) else None


def _lookup(record: Mapping[str, Any], field_name: str) -> str | None:
    """The value a selector sees for ``field_name`` (``None`` when the record lacks it).

    Not for ``resources.*`` fields, which have one value per element: :func:`_resource_elements`.
    """
    value: object = record
    for part in field_name.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    if field_name == "eventCategory" and value is None:
        return record_category(record).category
    return _normalize(field_name, value)


_NO_ELEMENT: Final[tuple[Mapping[str, Any], ...]] = ({},)


def _resource_elements(resources: object) -> Sequence[Mapping[str, Any]]:
    """The elements of a record's ``resources`` array; one empty element when there is none."""
    if not isinstance(resources, list) or not resources:
        return _NO_ELEMENT
    return [e if isinstance(e, Mapping) else {} for e in resources]


def _element_value(element: Mapping[str, Any], field_name: str) -> str | None:
    value = element.get(field_name[len(RESOURCES_PREFIX) :])
    return value if isinstance(value, str) else None


def _holds(operator: str, values: tuple[str, ...], actual: str | None) -> bool:
    """Whether one operator holds for ``actual``: a SELECT operator matches, a DESELECT one does not."""
    if operator == "Equals":
        return actual in values
    if operator == "NotEquals":
        return actual not in values
    if actual is None:
        return operator not in SELECT_OPERATORS
    if operator == "StartsWith":
        return actual.startswith(values)
    if operator == "NotStartsWith":
        return not actual.startswith(values)
    if operator == "EndsWith":
        return actual.endswith(values)
    return not actual.endswith(values)


def _field_holds(test: _FieldTest, actual: str | None) -> bool:
    """CloudTrail's rule for one field selector: any SELECT operator, and every DESELECT operator."""
    selects = test.selects
    if selects and not any(_holds(op, values, actual) for op, values in selects):
        return False
    return all(_holds(op, values, actual) for op, values in test.deselects)


def _resources_matcher(tests: Sequence[_FieldTest]) -> Callable[[object], bool]:
    """Whether one element of a ``resources`` array meets every ``resources.*`` field selector."""

    def matches(resources: object) -> bool:
        return any(
            all(_field_holds(t, _element_value(e, t.field)) for t in tests)
            for e in _resource_elements(resources)
        )

    return matches
