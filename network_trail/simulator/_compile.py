"""Selectors compiled into one generated Python function, and the interpreted evaluator it falls back on."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import attrgetter
from typing import Any, NoReturn

from ..errors import NetworkTrailError
from ..model.vocabulary import record_category
from ._explain import Explanation, SelectorFailure, _first_failure
from ._parse import (
    _BOOLEAN_FIELDS,
    RESOURCES_PREFIX,
    SELECT_OPERATORS,
    _FieldTest,
    _lookup,
    _parse,
    _ParsedSelector,
    _resources_matcher,
)

_msgspec: Any
try:  # msgspec decodes only the fields the selectors need; without it, every record is parsed.
    import msgspec

    _msgspec = msgspec
except ImportError:  # pragma: no cover - exercised only without msgspec
    _msgspec = None


# ---------------------------------------------------------------------------
# Compiled matchers


def _extract_code(var: str, field_name: str, fallback_var: str, attrs: Mapping[str, str] | None) -> list[str]:
    """Code setting ``var`` to the value of ``field_name``: from a dict, or from a decoded struct (``attrs``)."""
    parts = field_name.split(".")
    if attrs is None:
        lines = [f"{var} = g({parts[0]!r})"]
        for part in parts[1:]:
            lines.append(f"{var} = {var}.get({part!r}) if {var}.__class__ is dict else None")
    else:
        lines = [f"{var} = rec.{attrs[parts[0]]}"]
        for i in range(1, len(parts)):
            lines.append(f"{var} = {var}.{attrs['.'.join(parts[: i + 1])]} if {var} is not None else None")
    if field_name == "eventCategory":
        # A record older than eventVersion 1.07: inferred from its other fields (plain records only;
        # the typed decoder keeps too few fields and hands the record to the plain path).
        lines.append(
            f"if {var} is None: {var} = _infer(rec)"
            if attrs is None
            else f"if {var} is None: {fallback_var} = True"
        )
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
    namespace["_infer"] = _inferred_category
    exec(compile("\n".join(body), "<network_trail selectors>", "exec"), namespace)
    classify: Callable[[Any], tuple[Any, Any, int]] = namespace["classify"]
    return classify


def _inferred_category(record: Mapping[str, Any]) -> str | None:
    return record_category(record).category


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
    paths = sorted({*kept, "eventCategory", "eventSource", "eventTime"})
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
        category = record_category(record)
        return Explanation(
            logged=bool(matched),
            matched=tuple(matched),
            failures=tuple(failures),
            category=category.category,
            category_inferred_from=category.inferred_from,
        )


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
