"""Which CloudTrail records a set of advanced event selectors would log, and what it would cost.

The simulator evaluates the *rendered* selectors (the JSON of
:func:`~network_trail.render_selectors`, exactly what goes to CloudFormation and
``PutEventSelectors``) against CloudTrail records, following the documented
semantics of ``PutEventSelectors`` and ``AdvancedFieldSelector``:

- a record is logged if it matches **any** selector;
- within a selector **every** field selector must hold;
- within one field selector the SELECT operators ``Equals``, ``StartsWith`` and
  ``EndsWith`` are OR'd (one value of one of them matching is enough), the
  DESELECT operators ``NotEquals``, ``NotStartsWith`` and ``NotEndsWith`` are
  AND'd (no value of any of them may match), and the two groups are AND'd
  (CloudTrail User Guide, "How CloudTrail evaluates multiple conditions for a
  field",
  https://docs.aws.amazon.com/awscloudtrail/latest/userguide/filtering-data-events.html).
  So ``eventName`` with ``Equals ["CreateKey"]`` and ``StartsWith ["List"]``
  selects both ``CreateKey`` and ``ListKeys``.

Readings of what AWS does not spell out, applied the same way everywhere here:

- **A field missing from the record matches no value**: ``Equals``,
  ``StartsWith`` and ``EndsWith`` fail and ``NotEquals``, ``NotStartsWith`` and
  ``NotEndsWith`` hold. So ``errorCode Equals VpceAccessDenied`` drops an
  allowed call (which has no ``errorCode``). A value that is not a string (an
  object, a number) is treated as missing.
- Field paths with dots (``userIdentity.arn``) are nested lookups, except the
  data-event fields ``resources.type`` and ``resources.ARN``: they are tested
  against the elements of the record's ``resources`` array, and the
  ``resources.*`` field selectors of one selector must all hold for **one and the
  same** element (the API reference ties a ``resources.ARN`` value to a resource
  "of the type you've specified" in ``resources.type``). A record without a
  ``resources`` array is read as one element without fields.
- ``readOnly`` is a JSON boolean in records and the string ``"true"`` or
  ``"false"`` in selectors; the boolean is compared as that string. The same
  holds for ``sessionCredentialFromConsole``, which records carry only when it
  is true (CloudTrail record contents): a record without it compares as
  ``"false"``.
- ``eventCategory`` is in every record since ``eventVersion`` 1.07. An older
  record without it is taken as ``"Data"`` when it says
  ``"managementEvent": false`` and as ``"Management"`` otherwise (network
  activity records always carry the field).

Selectors are compiled once into one generated Python function, so a record
costs a few dictionary look-ups whatever the number of selectors:
:func:`compile_selectors`. :func:`explain` tells, for one record, which
selector logs it, or for each selector the first condition that fails.
:func:`simulate` streams CloudTrail log files (``.json`` and ``.json.gz``), one
file at a time per process, and counts what each selector set would log and
drop. With msgspec installed a file is decoded keeping only the fields the
selectors test (much faster than a full parse); a file with anything unusual in
it is read again with orjson or json, which also gives precise error messages.

.. seealso:: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html
"""

from __future__ import annotations

import gzip
import json
import multiprocessing
import os
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter, methodcaller
from pathlib import Path
from typing import Any, Final, NoReturn

from .errors import NetworkTrailError, did_you_mean

_msgspec: Any
try:  # msgspec decodes only the fields the selectors need; without it, every record is parsed.
    import msgspec

    _msgspec = msgspec
except ImportError:  # pragma: no cover - exercised only without msgspec
    _msgspec = None

try:  # orjson parses CloudTrail files several times faster; json is the fallback.
    import orjson

    _loads: Callable[[bytes], Any] = orjson.loads
    _DECODE_ERRORS: tuple[type[Exception], ...] = (orjson.JSONDecodeError, UnicodeDecodeError)
except ImportError:  # pragma: no cover - exercised only without orjson
    _loads = json.loads
    _DECODE_ERRORS = (json.JSONDecodeError, UnicodeDecodeError)

__all__ = [
    "MANAGEMENT_PRICE_PER_EVENT",
    "NETWORK_ACTIVITY_PRICE_PER_EVENT",
    "CompiledSelectors",
    "Explanation",
    "FileProblem",
    "SelectorFailure",
    "SelectorSet",
    "SetReport",
    "SimulationReport",
    "SourceCount",
    "compile_selectors",
    "explain",
    "iter_log_files",
    "read_records",
    "simulate",
]

NETWORK_ACTIVITY_PRICE_PER_EVENT: Final = 0.10 / 100_000
"""Network activity (and data) events: $0.10 per 100,000, always billed."""

MANAGEMENT_PRICE_PER_EVENT: Final = 2.00 / 100_000
"""Management events on a trail that is not their first copy: $2.00 per 100,000."""

OPERATORS: Final = ("Equals", "NotEquals", "StartsWith", "NotStartsWith", "EndsWith", "NotEndsWith")
SELECTOR_FIELDS: Final = (
    "eventCategory",
    "eventSource",
    "eventName",
    "eventType",
    "errorCode",
    "readOnly",
    "resources.type",
    "resources.ARN",
    "sessionCredentialFromConsole",
    "userIdentity.arn",
    "vpcEndpointId",
)
"""Every field a trail's advanced selectors can test: management, data and network activity events (API
``AdvancedFieldSelector``); CloudTrail rejects others."""
SELECT_OPERATORS: Final = frozenset({"Equals", "StartsWith", "EndsWith"})
"""Operators that include events: OR'd with each other within one field selector."""
DESELECT_OPERATORS: Final = frozenset({"NotEquals", "NotStartsWith", "NotEndsWith"})
"""Operators that exclude events: AND'd with each other and with the SELECT group."""
RESOURCES_PREFIX: Final = "resources."
"""Fields under this prefix are tested against the elements of the record's ``resources`` array."""
_BOOLEAN_FIELDS: Final = frozenset({"readOnly", "sessionCredentialFromConsole"})
_SECONDS_PER_30_DAYS: Final = 30 * 24 * 3600


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
        for j, fs in enumerate(sel["FieldSelectors"]):
            fwhere = f"{where}.FieldSelectors[{j}]"
            if not isinstance(fs, Mapping) or not isinstance(fs.get("Field"), str) or not fs["Field"]:
                problems.append(f"{fwhere} must be an object with a non-empty 'Field' string, got {fs!r}")
                continue
            if fs["Field"] not in SELECTOR_FIELDS:
                problems.append(
                    f"{fwhere} has the field {fs['Field']!r}, which CloudTrail selectors of trails do not take "
                    f"(AdvancedFieldSelector): {did_you_mean(fs['Field'], SELECTOR_FIELDS)}use one of "
                    f"{list(SELECTOR_FIELDS)}"
                )
            ops: list[tuple[str, tuple[str, ...]]] = []
            for op, values in fs.items():
                if op == "Field":
                    continue
                if op not in OPERATORS:
                    problems.append(
                        f"{fwhere} has unknown operator {op!r}: {did_you_mean(op, OPERATORS)}use one of "
                        f"{list(OPERATORS)}"
                    )
                    continue
                if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
                    problems.append(f"{fwhere}.{op} must be a non-empty list of strings, got {values!r}")
                    continue
                ops.append((op, tuple(values)))
            if not ops:
                problems.append(f"{fwhere} has no operator: give at least one of {list(OPERATORS)}")
            tests.append(_FieldTest(fs["Field"], tuple(ops)))
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
        return "Data" if record.get("managementEvent") is False else "Management"
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


# ---------------------------------------------------------------------------
# Compiled matchers


def _extract_code(var: str, field_name: str, fallback_var: str, attrs: Mapping[str, str] | None) -> list[str]:
    """Code setting ``var`` to the value of ``field_name``: from a dict, or from a decoded struct (``attrs``)."""
    parts = field_name.split(".")
    if attrs is None:
        lines = [f"{var} = g({parts[0]!r})"]
        for part in parts[1:]:
            lines.append(f"{var} = {var}.get({part!r}) if {var}.__class__ is dict else None")
        management = "g('managementEvent')"
    else:
        lines = [f"{var} = rec.{attrs[parts[0]]}"]
        for i in range(1, len(parts)):
            lines.append(f"{var} = {var}.{attrs['.'.join(parts[: i + 1])]} if {var} is not None else None")
        management = f"rec.{attrs['managementEvent']}"
    if field_name == "eventCategory":
        lines.append(f"if {var} is None: {var} = 'Data' if {management} is False else 'Management'")
    if field_name in _BOOLEAN_FIELDS:
        lines.append(f"if {var} is True: {var} = 'true'")
        lines.append(f"elif {var} is False: {var} = 'false'")
    if field_name == "sessionCredentialFromConsole":
        lines.append(f"elif {var} is None: {var} = 'false'")
    lines.append(f"if {var} is not None and {var}.__class__ is not str: {fallback_var} = True")
    return lines


def _test_code(var: str, op: str, const: str) -> str:
    return {
        "Equals": f"{var} in {const}",
        "NotEquals": f"{var} not in {const}",
        "StartsWith": f"({var} is not None and {var}.startswith({const}))",
        "NotStartsWith": f"({var} is None or not {var}.startswith({const}))",
        "EndsWith": f"({var} is not None and {var}.endswith({const}))",
        "NotEndsWith": f"({var} is None or not {var}.endswith({const}))",
    }[op]


def _field_code(test: _FieldTest, var: str, prefix: str, namespace: dict[str, Any]) -> list[str]:
    """The tests of one field selector: its SELECT operators OR'd as one test, then each DESELECT operator."""

    def code(k: int, op: str, values: tuple[str, ...]) -> str:
        const = f"{prefix}_{k}"
        namespace[const] = frozenset(values) if op in ("Equals", "NotEquals") else values
        return _test_code(var, op, const)

    # Equals first: the cheapest test.
    ordered = sorted(test.operators, key=lambda item: item[0] != "Equals")
    selects = [code(k, op, v) for k, (op, v) in enumerate(ordered) if op in SELECT_OPERATORS]
    deselects = [code(k, op, v) for k, (op, v) in enumerate(ordered) if op not in SELECT_OPERATORS]
    tests = [] if not selects else [selects[0] if len(selects) == 1 else f"({' or '.join(selects)})"]
    return tests + deselects


def _selector_code(
    sel: _ParsedSelector, bit: int, variables: Mapping[str, str], namespace: dict[str, Any]
) -> str:
    """One boolean expression: every field selector holds (``resources.*`` ones for one same element)."""
    # Cheapest and most selective tests first: eventSource and eventCategory.
    ordered = sorted(
        (t for t in sel.fields if not t.on_resources),
        key=lambda t: (t.field != "eventSource", t.field != "eventCategory"),
    )
    tests: list[str] = []
    for j, test in enumerate(ordered):
        tests.extend(_field_code(test, variables[test.field], f"c{bit}_{j}", namespace))
    if sel.resource_tests:
        namespace[f"r{bit}"] = _resources_matcher(sel.resource_tests)
        tests.append(f"r{bit}(res)")
    return " and ".join(tests) if tests else "True"


def _generate(
    selectors: Sequence[_ParsedSelector], attrs: Mapping[str, str] | None = None
) -> Callable[[Any], tuple[Any, Any, int]]:
    all_fields = {t.field for s in selectors for t in s.fields}
    fields = sorted(
        {f for f in all_fields if not f.startswith(RESOURCES_PREFIX)} - {"eventCategory", "eventSource"}
    )
    variables = {"eventCategory": "cat", "eventSource": "src"}
    variables.update({f: f"v{i}" for i, f in enumerate(fields)})
    namespace: dict[str, Any] = {}
    body = ["def classify(rec):", "    g = rec.get" if attrs is None else "    pass", "    odd = False"]
    for fname in ("eventCategory", "eventSource", *fields):
        body.extend("    " + line for line in _extract_code(variables[fname], fname, "odd", attrs))
    if any(f.startswith(RESOURCES_PREFIX) for f in all_fields):
        body.append("    res = g('resources')" if attrs is None else f"    res = rec.{attrs['resources']}")
    body.append("    if odd: return _slow(rec)")
    body.append("    m = 0")
    for bit, sel in enumerate(selectors):
        body.append(f"    if {_selector_code(sel, bit, variables, namespace)}: m |= {1 << bit}")
    body.append("    return (cat, src, m)")
    namespace["_slow"] = _slow_classifier(selectors) if attrs is None else _give_up
    exec(compile("\n".join(body), "<network_trail selectors>", "exec"), namespace)
    classify: Callable[[Any], tuple[Any, Any, int]] = namespace["classify"]
    return classify


class _FallbackError(Exception):
    """A record the typed decoder cannot handle: the file is read again as plain JSON."""


def _give_up(_record: object) -> NoReturn:
    raise _FallbackError


def _typed_decoder(fields: Iterable[str]) -> tuple[Any, dict[str, str]] | None:
    """A msgspec decoder of log files that keeps only ``fields`` of each record, and their attribute names.

    Skipping the other fields without building Python objects for them is what
    makes the typed path several times faster than a full JSON parse.
    """
    if _msgspec is None:
        return None
    # resources.* fields are tested per element: the whole array is kept, as plain lists and dicts.
    kept = {"resources" if f.startswith(RESOURCES_PREFIX) else f for f in fields}
    paths = sorted({*kept, "eventCategory", "eventSource", "eventTime", "managementEvent"})
    if any(other.startswith(path + ".") for path in paths for other in paths):
        return None  # a field that is both a value and an object: left to the plain JSON path
    attrs = {path: f"a{i}" for i, path in enumerate(sorted({p for path in paths for p in _prefixes(path)}))}

    def struct(prefix: str) -> Any:
        children = sorted({p for p in attrs if p.startswith(prefix) and "." not in p[len(prefix) :]})
        spec: list[tuple[str, Any, None]] = []
        rename = {}
        for child in children:
            kind = struct(child + ".") if child not in paths else Any
            spec.append((attrs[child], kind | None if kind is not Any else Any, None))
            rename[attrs[child]] = child[len(prefix) :]
        return _msgspec.defstruct(f"Record{len(prefix)}", spec, rename=rename)

    log_file = _msgspec.defstruct("LogFile", [("Records", list[struct("")])])  # type: ignore[misc]
    return _msgspec.json.Decoder(log_file), attrs


def _prefixes(path: str) -> list[str]:
    parts = path.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def _slow_classifier(
    selectors: Sequence[_ParsedSelector],
) -> Callable[[Mapping[str, Any]], tuple[Any, Any, int]]:
    """The interpreted evaluator, for records with values that are not strings."""

    def classify(record: Mapping[str, Any]) -> tuple[Any, Any, int]:
        mask = 0
        for bit, sel in enumerate(selectors):
            if _first_failure(sel, record) is None:
                mask |= 1 << bit
        return _lookup(record, "eventCategory"), _lookup(record, "eventSource"), mask

    return classify


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
    """

    logged: bool
    matched: tuple[int, ...]
    failures: tuple[SelectorFailure, ...]


class CompiledSelectors:
    """A list of advanced event selectors compiled into one fast matcher.

    :param selectors: rendered selectors, as :func:`~network_trail.render_selectors` returns them.
    """

    def __init__(self, selectors: Sequence[Mapping[str, Any]]) -> None:
        self._parsed = _parse(selectors, "selectors")
        self.names: tuple[str, ...] = tuple(s.name for s in self._parsed)
        """The selector names, in order."""
        self.classify = _generate(self._parsed)
        """``record -> (eventCategory, eventSource, mask)``; bit ``i`` of mask is set when selector ``i`` matches."""
        typed = _typed_decoder(t.field for sel in self._parsed for t in sel.fields)
        self._decoder: Any = None
        if typed is not None:
            self._decoder, attrs = typed
            self._classify_typed = _generate(self._parsed, attrs)
            self._get_time_typed = attrgetter(attrs["eventTime"])

    def scan_typed(self, data: bytes) -> tuple[Counter[tuple[Any, Any, int]], int, list[Any]] | None:
        """Counts, record count and event times of a log file decoded with only the needed fields.

        ``None`` when msgspec is missing or the file holds anything unusual (it is then read
        again as plain JSON, which reports problems precisely).
        """
        if self._decoder is None:
            return None
        try:
            records = self._decoder.decode(data).Records
            counts = Counter(map(self._classify_typed, records))
        except (_msgspec.DecodeError, _msgspec.ValidationError, _FallbackError):
            return None
        return counts, len(records), list(map(self._get_time_typed, records))

    def __len__(self) -> int:
        return len(self._parsed)

    def mask(self, record: Mapping[str, Any]) -> int:
        """Bit ``i`` is set when selector ``i`` matches ``record``."""
        return self.classify(record)[2]

    def matches(self, record: Mapping[str, Any]) -> bool:
        """Whether CloudTrail would log ``record`` (any selector matches)."""
        return self.classify(record)[2] != 0

    def explain(self, record: Mapping[str, Any]) -> Explanation:
        """Which selectors match ``record`` and, for the others, the first failing condition."""
        failures: list[SelectorFailure] = []
        matched: list[int] = []
        for i, sel in enumerate(self._parsed):
            failure = _first_failure(sel, record, i)
            if failure is None:
                matched.append(i)
            else:
                failures.append(failure)
        return Explanation(logged=bool(matched), matched=tuple(matched), failures=tuple(failures))


def compile_selectors(selectors: Sequence[Mapping[str, Any]]) -> CompiledSelectors:
    """Compile rendered advanced event selectors into a fast matcher.

    :param selectors: the ``AdvancedEventSelectors`` list, e.g. ``render_selectors(trail_selectors)``.
    """
    return CompiledSelectors(selectors)


def explain(selectors: Sequence[Mapping[str, Any]], record: Mapping[str, Any]) -> Explanation:
    """Why ``record`` is logged or dropped by ``selectors`` (see :meth:`CompiledSelectors.explain`).

    :param selectors: rendered advanced event selectors.
    :param record: one CloudTrail record (an element of a log file's ``Records``).
    """
    if not isinstance(record, Mapping):
        raise NetworkTrailError(f"record must be a JSON object (one CloudTrail record), got {record!r}")
    return CompiledSelectors(selectors).explain(record)


# ---------------------------------------------------------------------------
# Log files


@dataclass(frozen=True, slots=True)
class FileProblem:
    """A log file, or one record of it, that could not be read.

    :param path: the file.
    :param message: what is wrong.
    :param record_index: index in ``Records`` of the bad record. Default: - the whole file is bad
    """

    path: str
    message: str
    record_index: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}: Records[{self.record_index}]" if self.record_index is not None else self.path
        return f"{where}: {self.message}"


_LOG_SUFFIXES: Final = (".json", ".json.gz", ".jsonl", ".jsonl.gz")
_STDIN: Final = "-"
# Keys every CloudTrail record has (eventCategory since eventVersion 1.07): a JSON object with one of them
# and no Records list is taken as a single record.
_RECORD_KEYS: Final = frozenset({"eventVersion", "eventSource", "eventCategory"})


def iter_log_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Every log file in ``paths``, directories walked recursively in name order.

    A directory contributes its ``.json``, ``.json.gz``, ``.jsonl`` and ``.jsonl.gz``
    files; a file given by name is read whatever its name; ``-`` is standard input.

    :param paths: files and directories, e.g. ``s3 sync`` copies of ``AWSLogs/<account>/CloudTrail-NetworkActivity/``.
    """
    for raw in paths:
        path = Path(raw)
        if str(raw) == _STDIN:
            yield path
        elif path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    if name.endswith(_LOG_SUFFIXES):
                        yield Path(root, name)
        elif path.exists():
            yield path
        else:
            raise NetworkTrailError(
                f"path {str(path)!r} does not exist: give a log file, a directory of them, or - for standard input"
            )


def _read_bytes(path: Path) -> bytes:
    try:
        data = sys.stdin.buffer.read() if str(path) == _STDIN else path.read_bytes()
    except OSError as err:
        raise NetworkTrailError(f"cannot read the file: {err.strerror}") from None
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as err:
            raise NetworkTrailError(f"corrupt gzip data ({err}): download the file again") from None
    if path.name.endswith(".gz"):
        raise NetworkTrailError("is named .gz but is not gzip data: CloudTrail delivers gzip files")
    return data


def _records_of(doc: object, where: str = "") -> list[Any]:
    """The records of one JSON value: a log file's ``Records``, or a single record."""
    if isinstance(doc, dict):
        records = doc.get("Records")
        if isinstance(records, list):
            return records
        if records is None and _RECORD_KEYS & doc.keys():
            return [doc]
    shape = f"an object with keys {sorted(doc)[:5]!r}" if isinstance(doc, dict) else type(doc).__name__
    raise NetworkTrailError(
        f"{where}has no 'Records' list and is not a record (got {shape}): give a log file "
        f"{{'Records': [...]}}, one record (with eventVersion and eventSource), or JSON Lines of either"
    )


def _parse_records(data: bytes) -> list[Any]:
    """Records of a log file, of a single record, or of JSON Lines (one log file or record a line)."""
    try:
        doc = _loads(data)
    except _DECODE_ERRORS as err:
        records = _parse_lines(data)
        if records is None:
            raise NetworkTrailError(
                f"invalid JSON ({err}): give a CloudTrail log file, one record, or JSON Lines"
            ) from None
        return records
    return _records_of(doc)


def _parse_lines(data: bytes) -> list[Any] | None:
    """The records of JSON Lines, ``None`` when the first line is not JSON (so the data is not JSON Lines)."""
    records: list[Any] = []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            doc = _loads(line)
        except _DECODE_ERRORS as err:
            if not records:
                return None
            raise NetworkTrailError(
                f"line {number}: invalid JSON ({err}): each line must be one JSON object"
            ) from None
        records.extend(_records_of(doc, f"line {number} "))
    return records or None


def read_records(path: Path) -> list[Any]:
    """The records of one file of CloudTrail records, plain or gzip.

    The file holds a log file's ``{"Records": [...]}``, a single record, or JSON
    Lines with one of those per line.

    :param path: the file; ``-`` reads standard input.
    :raises NetworkTrailError: when the file is not gzip, not JSON or holds no records.
    """
    return _parse_records(_read_bytes(path))


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
    """

    files: int
    problems: tuple[FileProblem, ...]
    records: int
    first_event: datetime | None
    last_event: datetime | None
    sets: tuple[SetReport, ...]

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


_get_time = methodcaller("get", "eventTime")


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


def _scan_file(matcher: CompiledSelectors, path: Path, *, typed: bool = True) -> _FileResult:
    try:
        data = _read_bytes(path)
        fast = matcher.scan_typed(data) if typed else None
        if fast is not None:
            counts, count, times = fast
            times = [t for t in times if t.__class__ is str]
            first, last = (min(times), max(times)) if times else (None, None)
            return _FileResult(str(path), counts, count, first, last, [], True)
        records = _parse_records(data)
    except NetworkTrailError as err:
        return _FileResult(str(path), Counter(), 0, None, None, [FileProblem(str(path), str(err))], False)
    problems: list[FileProblem] = []
    try:
        counts = Counter(map(matcher.classify, records))
    except (AttributeError, TypeError):
        good = []
        for i, rec in enumerate(records):
            if isinstance(rec, dict):
                good.append(rec)
            else:
                problems.append(
                    FileProblem(str(path), f"is {type(rec).__name__}, not an object: record skipped", i)
                )
        records = good
        counts = Counter(map(matcher.classify, records))
    times = [t for t in map(_get_time, records) if t.__class__ is str]
    first, last = (min(times), max(times)) if times else (None, None)
    return _FileResult(str(path), counts, len(records), first, last, problems, True)


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


_worker_matcher: CompiledSelectors | None = None


def _init_worker(selectors: Sequence[Mapping[str, Any]]) -> None:
    global _worker_matcher
    _worker_matcher = CompiledSelectors(selectors)


def _scan_in_worker(path: Path) -> _FileResult:
    assert _worker_matcher is not None
    return _scan_file(_worker_matcher, path)


def simulate(
    paths: Iterable[str | os.PathLike[str]],
    sets: Sequence[SelectorSet],
    *,
    jobs: int = 1,
    fail_fast: bool = False,
    on_problem: Callable[[FileProblem], None] | None = None,
    on_file: Callable[[Path, int], None] | None = None,
) -> SimulationReport:
    """Count what each selector set would log from CloudTrail log files.

    Each process reads one file at a time, so memory stays flat however many
    files there are (a file is at most 50 MB uncompressed, a CloudTrail quota).

    :param paths: log files and directories (walked recursively).
    :param sets: the selector sets to compare; all are evaluated in one pass.
    :param jobs: worker processes reading files in parallel; 1 reads in this process. Default: 1
    :param fail_fast: stop at the first bad file or record. Default: False
    :param on_problem: called with each bad file or record as it is found. Default: - none
    :param on_file: called after each file with its path and record count (for progress). Default: - none
    """
    if not sets:
        raise NetworkTrailError("sets must hold at least one SelectorSet: give selectors to simulate")
    if not isinstance(jobs, int) or jobs < 1:
        raise NetworkTrailError(f"jobs must be a whole number of processes, at least 1, got {jobs!r}")
    parsed = [_parse(s.selectors, f"sets[{i}] {s.label!r} selectors") for i, s in enumerate(sets)]
    # One matcher over the union of every set's selectors: identical selectors share a bit.
    union: list[Mapping[str, Any]] = []
    bit_of: dict[str, int] = {}
    set_bits: list[list[int]] = []
    for sel_set, sels in zip(sets, parsed, strict=True):
        bits = []
        for raw, sel in zip(sel_set.selectors, sels, strict=True):
            key = sel.key()
            if key not in bit_of:
                bit_of[key] = len(union)
                union.append({"Name": sel.name, "FieldSelectors": list(raw["FieldSelectors"])})
            bits.append(bit_of[key])
        set_bits.append(bits)
    files = list(iter_log_files(paths))
    tally = _Tally()
    problems: list[FileProblem] = []

    def consume(results: Iterable[_FileResult]) -> None:
        for result in results:
            tally.add(result)
            for problem in result.problems:
                problems.append(problem)
                if on_problem:
                    on_problem(problem)
            if on_file and result.readable:
                on_file(Path(result.path), result.records)
            if fail_fast and result.problems:
                return

    if jobs == 1 or len(files) < 2:
        matcher = CompiledSelectors(union)
        consume(_scan_file(matcher, p) for p in files)
    else:
        # fork where there is one: workers start at once, with the compiled matcher and no re-imports.
        # They never touch aws_cdk, so a jsii Node process the parent may hold (after --env) stays unused.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with context.Pool(min(jobs, len(files)), _init_worker, (union,)) as pool:
            consume(pool.imap(_scan_in_worker, files))
    return _report(tally, sets, parsed, set_bits, problems)


def _report(
    tally: _Tally,
    sets: Sequence[SelectorSet],
    parsed: Sequence[tuple[_ParsedSelector, ...]],
    set_bits: Sequence[Sequence[int]],
    problems: Sequence[FileProblem],
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
                price = (
                    MANAGEMENT_PRICE_PER_EVENT if cat == "Management" else NETWORK_ACTIVITY_PRICE_PER_EVENT
                )
                cost += n * price
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
    )
