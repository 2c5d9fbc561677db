"""Every catalogued bad input raises NetworkTrailError with its value, rule and fix; the doc is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from network_trail import NetworkTrailError

from .data.bad_inputs import BAD_INPUTS, BadInput, markdown

ERRORS_DOC = Path(__file__).resolve().parent.parent / "docs" / "errors.md"


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
