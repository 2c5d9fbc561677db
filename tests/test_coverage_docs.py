"""docs/endpoint-coverage.md: its example report is generated from code and must not be stale."""

from __future__ import annotations

from tools.coverage_example import BEGIN, END, PAGE, refreshed_page

from .conftest import ROOT


def test_example_report_is_up_to_date() -> None:
    # GIVEN the committed page WHEN its generated part is regenerated from the code THEN nothing changes
    committed = (ROOT / PAGE).read_text()
    assert BEGIN in committed and END in committed
    assert committed == refreshed_page(committed, ROOT), (
        f"{PAGE} is stale: run .venv/bin/python -m tools.coverage_example"
    )
