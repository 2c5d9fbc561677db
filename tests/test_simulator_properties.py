"""Property tests: the compiled simulator against a deliberately simple statement of CloudTrail's rules.

No deadlines: on a shared machine a first example can take longer (code generation); speed is
measured by benchmarks/simulate.py, never by tests.
"""

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
    "sessionCredentialFromConsole",
    "resources.type",
    "resources.ARN",
]
BOOLEAN_FIELDS = ("readOnly", "sessionCredentialFromConsole")
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
SELECT = ("Equals", "StartsWith", "EndsWith")


# --- the reference: CloudTrail's rules written as plainly as possible ------------------------


def reference_matches(selector: dict[str, Any], record: dict[str, Any]) -> bool:
    """Whether CloudTrail logs ``record`` for ``selector``, by the documented rules, quoted here.

    API ``PutEventSelectors``
    (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html):
    "if the event matches any event selector, the trail processes and logs the event" (selectors
    are OR'd; the caller of this function ORs them).

    CloudTrail User Guide, "How CloudTrail evaluates multiple conditions for a field"
    (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/filtering-data-events.html): all
    field selectors of a selector must hold (AND); within one field selector the SELECT operators
    Equals, StartsWith and EndsWith are OR'd, the DESELECT operators NotEquals, NotStartsWith and
    NotEndsWith are AND'd, and the two groups are AND'd. Example of that page's rule, in the
    project's reference sheet: eventName with Equals ["CreateKey"] and StartsWith ["List"] selects
    CreateKey and ListKeys.

    API ``AdvancedFieldSelector``: ``resources.ARN`` values are ARNs "of the type you've
    specified" in ``resources.type``: both are tested against the elements of the record's
    ``resources`` array, and one same element must meet them all.

    The project's stated readings where AWS is silent (docs/cli.md): a missing field (or a value
    that is not a string) matches no value; readOnly and sessionCredentialFromConsole booleans
    compare as "true"/"false"; a record without sessionCredentialFromConsole compares as "false".
    """
    plain = [fs for fs in selector["FieldSelectors"] if not fs["Field"].startswith("resources.")]
    on_resources = [fs for fs in selector["FieldSelectors"] if fs["Field"].startswith("resources.")]
    if not all(field_selector_holds(fs, reference_value(record, fs["Field"])) for fs in plain):
        return False
    if not on_resources:
        return True
    elements = record.get("resources")
    if not isinstance(elements, list) or not elements:
        elements = [{}]
    for element in elements:
        element = element if isinstance(element, dict) else {}
        values = {fs["Field"]: element.get(fs["Field"].split(".")[1]) for fs in on_resources}
        values = {k: (v if isinstance(v, str) else None) for k, v in values.items()}
        if all(field_selector_holds(fs, values[fs["Field"]]) for fs in on_resources):
            return True
    return False


def field_selector_holds(fs: dict[str, Any], value: str | None) -> bool:
    """SELECT operators OR'd, DESELECT operators AND'd, the two groups AND'd."""
    selects = [op for op in fs if op in SELECT]
    deselects = [op for op in fs if op != "Field" and op not in SELECT]
    select_group = any(operator_holds(op, fs[op], value) for op in selects) if selects else True
    deselect_group = all(operator_holds(op, fs[op], value) for op in deselects)
    return select_group and deselect_group


def reference_value(record: dict[str, Any], field: str) -> str | None:
    value: Any = record
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if field == "eventCategory" and value is None:
        value = "Data" if record.get("managementEvent") is False else "Management"
    if field in BOOLEAN_FIELDS and value is True:
        value = "true"
    if field in BOOLEAN_FIELDS and value is False:
        value = "false"
    if field == "sessionCredentialFromConsole" and value is None:
        value = "false"
    return value if isinstance(value, str) else None


def operator_holds(op: str, values: list[str], value: str | None) -> bool:
    """A SELECT operator holds when one of its values matches; a DESELECT one when none does."""
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


# --- strategies -------------------------------------------------------------------------------


def field_values(field: str) -> st.SearchStrategy[str]:
    return st.sampled_from(["true", "false"]) if field in BOOLEAN_FIELDS else TEXT


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
    elif field in BOOLEAN_FIELDS:
        record[field] = value == "true"
    elif field.startswith("resources."):
        elements = record.setdefault("resources", [{}])
        elements[0][field.split(".")[1]] = value
    else:
        record[field] = value


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for field in FIELDS:
        put(record, field, draw(st.none() | field_values(field)))
    if draw(st.booleans()):
        record["managementEvent"] = draw(st.booleans())
    if draw(st.booleans()):  # more elements in resources: which one matches matters
        more = st.fixed_dictionaries({}, optional={"type": TEXT, "ARN": TEXT})
        record["resources"] = [*record.get("resources", []), *draw(st.lists(more, min_size=1, max_size=2))]
    return record


@st.composite
def satisfied_pairs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A record and a selector built so that every one of its conditions holds for the record."""
    record: dict[str, Any] = {"eventCategory": "NetworkActivity"}
    fields = draw(st.lists(st.sampled_from(FIELDS[1:]), min_size=1, max_size=4, unique=True))
    field_sels = []
    for field in fields:
        drawn = draw(st.none() | field_values(field))
        put(record, field, drawn)
        # The value the selector sees (sessionCredentialFromConsole: absent reads as "false").
        value = drawn if field.startswith("resources.") else reference_value(record, field)
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
                kept = [c for c in candidates if operator_holds(op, [c], value)]
                if kept:
                    fs[op] = kept
        if len(fs) == 1:
            fs["NotEquals"] = ["never-a-value"]
        field_sels.append(fs)
    return record, {"Name": "built", "FieldSelectors": field_sels}


# --- properties -------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(satisfied_pairs())
def test_record_built_to_satisfy_a_selector_matches_it(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    record, selector = pair
    assert compile_selectors([selector]).matches(record)


@settings(max_examples=150, deadline=None)
@given(satisfied_pairs(), st.data())
def test_a_select_operator_that_matches_is_enough_whatever_the_other_select_operators_say(
    pair: tuple[dict[str, Any], dict[str, Any]], data: st.DataObject
) -> None:
    # GIVEN a selector whose every condition holds for the record
    record, selector = pair
    index = data.draw(st.integers(0, len(selector["FieldSelectors"]) - 1))
    fs = selector["FieldSelectors"][index]
    # WHEN a SELECT operator the field lacks is added with a value the record's value does not meet
    missing = [op for op in SELECT if op not in fs]
    if not missing or not any(op in fs for op in SELECT):
        return  # every SELECT operator is used already, or none (then a new one would decide alone)
    op = data.draw(st.sampled_from(missing))
    fs[op] = ["never-a-value"]
    # THEN the record still matches (SELECT operators are OR'd), as the reference says
    assert reference_matches(selector, record)
    assert compile_selectors([selector]).matches(record)


@settings(max_examples=150, deadline=None)
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


@settings(max_examples=250, deadline=None)
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


@settings(max_examples=150, deadline=None)
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
