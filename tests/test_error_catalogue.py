"""Every catalogued bad input raises NetworkTrailError with its value, rule and fix; the doc is current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from network_trail import NetworkTrailError

from .data.bad_inputs import BAD_INPUTS, RULE_SOURCES, WARNED_INPUTS, BadInput, WarnedInput, markdown

ROOT = Path(__file__).resolve().parent.parent
ERRORS_DOC = ROOT / "docs" / "errors.md"
SELECTOR_AREAS = {
    "NetworkActivitySelector",
    "Condition",
    "CustomEventSource",
    "ManagementEventsSelector",
    "selector_from_json",
}


@pytest.mark.parametrize("bad", BAD_INPUTS, ids=[b.id for b in BAD_INPUTS])
def test_fails_with_value_rule_and_fix(bad: BadInput) -> None:
    # WHEN the bad input is built
    with pytest.raises(NetworkTrailError) as raised:
        bad.build()
    # THEN the message shows the value, states the rule and says how to fix it
    message = str(raised.value)
    assert [f for f in bad.fragments if f not in message] == [], message


def test_catalogue_has_at_least_forty_entries_over_every_area() -> None:
    assert len(BAD_INPUTS) >= 40
    assert {"NetworkTrail", "NetworkActivitySelector", "Condition", "presets", "cdk.json"} <= {
        b.area for b in BAD_INPUTS
    }


def test_catalogue_ids_are_unique() -> None:
    ids = [b.id for b in BAD_INPUTS]
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []


def test_errors_doc_is_generated_from_the_catalogue() -> None:
    # Regenerate with: python -m tests.data.bad_inputs > docs/errors.md
    assert ERRORS_DOC.read_text() == markdown()


def test_every_selector_error_names_its_documented_rule() -> None:
    ids = {b.id for b in BAD_INPUTS if b.area in SELECTOR_AREAS}
    assert sorted(ids - set(RULE_SOURCES)) == []
    assert sorted(set(RULE_SOURCES) - {b.id for b in BAD_INPUTS}) == []
    assert all(url.startswith("https://docs.aws.amazon.com/") for _, url in RULE_SOURCES.values())


@pytest.mark.parametrize("warned", WARNED_INPUTS, ids=[w.annotation_id for w in WARNED_INPUTS])
def test_warned_input_is_accepted_and_warns_with_its_id(warned: WarnedInput) -> None:
    # WHEN the value is built: no error
    warnings = warned.build()
    # THEN it carries the catalogued warning, with the catalogued message
    assert [m for i, m in warnings if i == warned.annotation_id and warned.fragment in m] != [], warnings


def test_every_warning_id_of_the_library_is_catalogued() -> None:
    source = (ROOT / "network_trail" / "selectors.py").read_text()
    emitted = set(re.findall(r'"(network-trail:[A-Za-z]+)"', source))
    assert emitted == {w.annotation_id for w in WARNED_INPUTS}
