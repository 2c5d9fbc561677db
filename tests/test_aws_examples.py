"""The selector examples of the CloudTrail User Guide are reproduced by presets, JSON-equal.

Expected JSON, with its source URL: tests/data/aws_examples.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from network_trail import GA_SOURCES, presets, render_selectors
from network_trail import NetworkActivityEventSource as Source
from network_trail.model.selectors import ManagementEvents

DATA = json.loads((Path(__file__).resolve().parent / "data" / "aws_examples.json").read_text())
EXAMPLES: dict[str, list[dict[str, Any]]] = DATA["examples"]


def test_examples_file_names_its_source() -> None:
    assert DATA["source"].startswith("https://docs.aws.amazon.com/awscloudtrail/latest/userguide/")


def test_all_cloudtrail_calls_through_vpc_endpoints() -> None:
    sel = presets.log_all(Source.CLOUDTRAIL, name="Audit all CloudTrail API calls through VPC endpoints")
    assert render_selectors([sel]) == EXAMPLES["all_cloudtrail"]


@pytest.mark.parametrize(
    ("example", "source", "name"),
    [
        ("access_denied_kms", Source.KMS, "Audit AccessDenied AWS KMS events through VPC endpoints"),
        ("access_denied_s3", Source.S3, "Log S3 access denied network activity events"),
    ],
)
def test_access_denied_through_vpc_endpoints(example: str, source: Source, name: str) -> None:
    assert render_selectors([presets.access_denied(source, name=name)]) == EXAMPLES[example]


def test_access_denied_over_a_specific_vpc_endpoint() -> None:
    sel = presets.access_denied(
        Source.EC2,
        vpc_endpoint_ids=["vpce-example8c1b6b9b7"],
        name="Audit AccessDenied EC2 events over a specific VPC endpoint",
    )
    assert render_selectors([sel]) == EXAMPLES["access_denied_ec2_one_endpoint"]


def test_management_events_and_all_ga_sources_with_default_names() -> None:
    # GIVEN no names at all: the default names must be AWS's
    management = ManagementEvents.ALL.selector()
    assert management is not None
    sels = [management, *presets.for_sources(GA_SOURCES, preset="log-all")]
    assert render_selectors(sels) == EXAMPLES["management_and_ga_sources"]
