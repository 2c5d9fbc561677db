"""Property tests: the compiled simulator against a deliberately simple statement of CloudTrail's rules."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from network_trail.simulator import compile_selectors

FIELDS = [
    "eventCategory",
    "eventSource",
    "eventName",
    "errorCode",
    "vpcEndpointId",
    "userIdentity.arn",
    "readOnly",
]
# Short strings over two letters, so that prefixes, suffixes and equal values are frequent.
TEXT = st.text(alphabet="ab", min_size=1, max_size=3)
OPPOSITE = {
    "Equals": "NotEquals",
    "NotEquals": "Equals",
    "StartsWith": "NotStartsWith",
    "NotStartsWith": "StartsWith",
    "EndsWith": "NotEndsWith",
    "NotEndsWith": "EndsWith",
}


# --- the reference: CloudTrail's rules written as plainly as possible ------------------------


def reference_value(record: dict[str, Any], field: str) -> str | None:
    value: Any = record
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if field == "eventCategory" and value is None:
        value = "Data" if record.get("managementEvent") is False else "Management"
    if field == "readOnly" and value is True:
        value = "true"
    if field == "readOnly" and value is False:
        value = "false"
    return value if isinstance(value, str) else None


def reference_holds(op: str, values: list[str], value: str | None) -> bool:
    if op == "Equals":
        return any(value == v for v in values)
    if op == "NotEquals":
        return all(value != v for v in values)
    if op == "StartsWith":
        return any(value is not None and value.startswith(v) for v in values)
    if op == "NotStartsWith":
        return all(value is None or not value.startswith(v) for v in values)
    if op == "EndsWith":
        return any(value is not None and value.endswith(v) for v in values)
    return all(value is None or not value.endswith(v) for v in values)


def reference_matches(selector: dict[str, Any], record: dict[str, Any]) -> bool:
    for fs in selector["FieldSelectors"]:
        value = reference_value(record, fs["Field"])
        for op, values in fs.items():
            if op != "Field" and not reference_holds(op, values, value):
                return False
    return True


# --- strategies -------------------------------------------------------------------------------


def field_values(field: str) -> st.SearchStrategy[str]:
    return st.sampled_from(["true", "false"]) if field == "readOnly" else TEXT


@st.composite
def field_selectors(draw: st.DrawFn, field: str) -> dict[str, Any]:
    ops = draw(st.lists(st.sampled_from(list(OPPOSITE)), min_size=1, max_size=3, unique=True))
    out: dict[str, Any] = {"Field": field}
    for op in ops:
        out[op] = draw(st.lists(field_values(field), min_size=1, max_size=3, unique=True))
    return out


@st.composite
def selectors(draw: st.DrawFn) -> dict[str, Any]:
    fields = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=4, unique=True))
    return {"Name": "generated", "FieldSelectors": [draw(field_selectors(f)) for f in fields]}


def put(record: dict[str, Any], field: str, value: str | None) -> None:
    if value is None:
        return
    if field == "userIdentity.arn":
        record["userIdentity"] = {"arn": value}
    elif field == "readOnly":
        record["readOnly"] = value == "true"
    else:
        record[field] = value


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for field in FIELDS:
        put(record, field, draw(st.none() | field_values(field)))
    if draw(st.booleans()):
        record["managementEvent"] = draw(st.booleans())
    return record


@st.composite
def satisfied_pairs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A record and a selector built so that every one of its conditions holds for the record."""
    record: dict[str, Any] = {"eventCategory": "NetworkActivity"}
    fields = draw(st.lists(st.sampled_from(FIELDS[1:]), min_size=1, max_size=4, unique=True))
    field_sels = []
    for field in fields:
        value = draw(st.none() | field_values(field))
        put(record, field, value)
        fs: dict[str, Any] = {"Field": field}
        for op in draw(st.lists(st.sampled_from(list(OPPOSITE)), min_size=1, max_size=3, unique=True)):
            if value is None and op in ("Equals", "StartsWith", "EndsWith"):
                continue  # a missing field can satisfy no positive operator
            if op == "Equals":
                assert value is not None
                fs[op] = [value]
            elif op == "StartsWith":
                assert value is not None
                fs[op] = [value[: draw(st.integers(1, len(value)))]]
            elif op == "EndsWith":
                assert value is not None
                fs[op] = [value[-draw(st.integers(1, len(value))) :]]
            else:
                candidates = draw(st.lists(field_values(field), min_size=1, max_size=3, unique=True))
                kept = [c for c in candidates if reference_holds(op, [c], value)]
                if kept:
                    fs[op] = kept
        if len(fs) == 1:
            fs["NotEquals"] = ["never-a-value"]
        field_sels.append(fs)
    return record, {"Name": "built", "FieldSelectors": field_sels}


# --- properties -------------------------------------------------------------------------------


@settings(max_examples=150)
@given(satisfied_pairs())
def test_record_built_to_satisfy_a_selector_matches_it(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    record, selector = pair
    assert compile_selectors([selector]).matches(record)


@settings(max_examples=150)
@given(satisfied_pairs(), st.data())
def test_flipping_one_satisfied_condition_makes_the_selector_fail(
    pair: tuple[dict[str, Any], dict[str, Any]], data: st.DataObject
) -> None:
    # GIVEN a selector whose every condition holds for the record
    record, selector = pair
    index = data.draw(st.integers(0, len(selector["FieldSelectors"]) - 1))
    fs = selector["FieldSelectors"][index]
    op = data.draw(st.sampled_from([k for k in fs if k != "Field"]))
    # WHEN one condition is replaced by its negation (Equals <-> NotEquals, ...) on the same values
    flipped = {"Field": fs["Field"], OPPOSITE[op]: fs[op]}
    field_sels = [*selector["FieldSelectors"][:index], flipped, *selector["FieldSelectors"][index + 1 :]]
    # THEN the record no longer matches, and explain names that condition
    changed = {"Name": "flipped", "FieldSelectors": field_sels}
    compiled = compile_selectors([changed])
    assert not compiled.matches(record)
    (failure,) = compiled.explain(record).failures
    assert (failure.field, failure.operator) == (fs["Field"], OPPOSITE[op])


@settings(max_examples=250)
@given(st.lists(selectors(), min_size=1, max_size=4), records())
def test_random_selectors_and_records_agree_with_the_reference(
    sels: list[dict[str, Any]], record: dict[str, Any]
) -> None:
    compiled = compile_selectors(sels)
    expected = [reference_matches(s, record) for s in sels]
    assert [bool(compiled.mask(record) >> i & 1) for i in range(len(sels))] == expected
    assert compiled.explain(record).matched == tuple(i for i, hit in enumerate(expected) if hit)


ODD = st.one_of(st.none(), TEXT, st.integers(0, 3), st.booleans(), st.dictionaries(TEXT, TEXT, max_size=1))


@st.composite
def odd_records(draw: st.DrawFn) -> dict[str, Any]:
    """Records whose fields may hold numbers, booleans or objects where CloudTrail puts strings."""
    record = draw(records())
    for field in draw(st.lists(st.sampled_from(FIELDS), max_size=2, unique=True)):
        head, _, rest = field.partition(".")
        value = draw(ODD)
        if rest:
            record[head] = {rest: value} if draw(st.booleans()) else value
        else:
            record[head] = value
    return record


@settings(max_examples=150)
@given(st.lists(selectors(), min_size=1, max_size=3), st.lists(odd_records(), max_size=5))
def test_typed_decoder_counts_a_file_as_the_dict_evaluator_does(
    sels: list[dict[str, Any]], recs: list[dict[str, Any]]
) -> None:
    # GIVEN a log file, possibly with values of unexpected types
    compiled = compile_selectors(sels)
    data = json.dumps({"Records": recs}).encode()
    # WHEN the typed decoder reads it (it may decline and leave the file to the plain JSON path)
    typed = compiled.scan_typed(data)
    # THEN its counts are those of the dict evaluator
    if typed is not None:
        assert typed[0] == Counter(map(compiled.classify, recs))
