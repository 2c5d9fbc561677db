"""docs/policies.md: its "requests per statement" view is generated from the preflight and must not be stale."""

from __future__ import annotations

from tools.policy_requests import BEGIN, END, PAGE, refreshed_page

from .conftest import ROOT


def test_requests_per_statement_is_up_to_date() -> None:
    # GIVEN the committed page WHEN its generated part is regenerated from the code THEN nothing changes
    committed = (ROOT / PAGE).read_text()
    assert BEGIN in committed and END in committed
    assert committed == refreshed_page(committed, ROOT), (
        f"{PAGE} is stale: run .venv/bin/python -m tools.policy_requests"
    )
    # AND the view is not empty: CloudTrail's write on the log bucket is listed with the request it serves
    assert (
        "| `NetworkTrailBucketPolicy57B4CEFF` | `AWSCloudTrailWrite` | `PutObject AWSLogs/<account>/"
        in committed
    )
