"""``network-trail replay`` and ``advise``: output, formats and exit codes.

Inputs: the CloudTrail User Guide's example records and the documented policies of
tests/data/endpoint-policies/ (their pages are cited in its README.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from network_trail.cli import main
from tests.conftest import DATA

POLICIES = DATA / "endpoint-policies"
RECORDS = [
    str(DATA / n)
    for n in ("kms-listkeys-allowed.json", "kms-listkeys-denied-external.json", "s3-listbuckets-allowed.json")
]
ORG = ["--org-accounts", str(POLICIES / "org-accounts.json")]
ENDPOINTS = ["--endpoints", str(POLICIES / "sample-endpoints.json")]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_replay_fails_on_a_regression_for_ci() -> None:
    policy = str(POLICIES / "guardduty-account-only.json")
    result = run("replay", *RECORDS, "--policy", policy, "--fail-on", "regression")
    assert result.exit_code == 1
    assert "Regressions: allowed when observed, denied by the policy" in result.output
    assert "arn:aws:iam::012345678910:role/admin  s3:ListBuckets" in result.output
    assert "1 distinct call(s) with outcome regression (--fail-on)" in result.stderr
    assert run("replay", *RECORDS, "--policy", policy).exit_code == 0


def test_replay_json_and_unknown_gate() -> None:
    policy = str(POLICIES / "data-perimeter-default.json")
    result = run("replay", *RECORDS, "--policy", policy, *ORG, "--json", "--fail-on", "unknown")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    outcomes = {c["principalAccount"]: c["outcome"] for c in report["calls"]}
    assert (outcomes["123456789012"], outcomes["012345678910"]) == ("unknown", "unknown")
    assert outcomes["777788889999"] != "newly-allowed"


def test_replay_markdown_for_a_pull_request() -> None:
    result = run("replay", *RECORDS, "--policy", str(POLICIES / "guardduty-account-only.json"), "--markdown")
    assert result.exit_code == 0
    assert result.output.startswith("## Endpoint policy replay\n")
    assert "| regression | 1 | 1 |" in result.output
    assert (
        "| guardduty-account-only.json | arn:aws:iam::012345678910:role/admin | s3:ListBuckets |"
        in result.output
    )
    assert "> A policy change takes effect after a delay" in result.output


def test_replay_the_deployed_policies_of_describe_vpc_endpoints() -> None:
    # Both endpoints have the default policy: the denied call would be allowed.
    report = json.loads(run("replay", *RECORDS, *ENDPOINTS, "--json").stdout)
    assert report["summary"]["newly-allowed"]["calls"] == 1
    assert report["summary"]["unchanged"]["calls"] == 2


def test_replay_one_endpoint_policy(tmp_path: Path) -> None:
    policy = f"vpce-EXAMPLE08c1b6b9b7={POLICIES / 'guardduty-account-only.json'}"
    report = json.loads(run("replay", *RECORDS, "--policy", policy, "--json").stdout)
    assert {c["vpcEndpointId"] for c in report["calls"]} == {"vpce-EXAMPLE08c1b6b9b7"}
    assert report["ungatedCalls"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--policy", "x.json"],
            "give log files or directories (LOGS) or --calls CSV, not neither (got neither)",
        ),
        (
            [*RECORDS[:1], "--calls", str(RECORDS[1]), "--policy", "x.json"],
            f"not both (got LOGS [{str(RECORDS[0])!r}] and --calls {str(RECORDS[1])!r})",
        ),
        ([*RECORDS], "no policy to replay: give --policy FILE"),
        ([*RECORDS, "--policy", "kms=p.json"], "--policy 'kms=p.json': before '=' comes the VPC endpoint id"),
        ([*RECORDS, "--policy", "missing.json"], "--policy 'missing.json' cannot be read"),
        ([*RECORDS, "--policy", str(DATA / "describe-vpc-endpoints.json")], "must be a policy document"),
        (
            [*RECORDS, "--policy", str(POLICIES / "privatelink-default.json"), "--json", "--markdown"],
            "give one",
        ),
        ([*RECORDS, "--template", str(DATA), "--policy", "p.json"], "--template replays the policies"),
    ],
)
def test_replay_bad_inputs(args: list[str], message: str) -> None:
    result = run("replay", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_advise_text_json_and_cdk() -> None:
    text = run("advise", *RECORDS, *ENDPOINTS, *ORG)
    assert text.exit_code == 0
    assert "vpce-0a1b2c3d4e5f60001 (com.amazonaws.us-east-1.sqs): not-logged" in text.output
    assert "2 proposal(s) of shape perimeter for 3 endpoint(s)" in text.output
    advice = json.loads(run("advise", *RECORDS, *ENDPOINTS, *ORG, "--json").stdout)
    assert advice["summary"]["proposals"] == 2
    cdk = run("advise", *RECORDS, *ENDPOINTS, "--shape", "actions", "--cdk").stdout
    namespace: dict[str, Any] = {}
    exec(compile(cdk, "advice.py", "exec"), namespace)  # the module is valid Python
    assert namespace["ENDPOINT_POLICIES"]["vpce-03y53r4ukkkuygzg0"]["Statement"][0]["Action"] == [
        "s3:ListAllMyBuckets"
    ]


def test_advise_takes_the_coverage_report(tmp_path: Path) -> None:
    coverage = tmp_path / "coverage.json"
    coverage.write_text(
        json.dumps({"endpoints": [{"endpointId": "vpce-EXAMPLE08c1b6b9b7", "status": "denied-only"}]})
    )
    advice = json.loads(run("advise", *RECORDS, *ENDPOINTS, "--coverage", str(coverage), "--json").stdout)
    kms = advice["endpoints"][0]
    assert (kms["status"], kms["policy"]) == ("denied-only", None)
    coverage.write_text("[]")
    result = run("advise", *RECORDS, *ENDPOINTS, "--coverage", str(coverage))
    assert result.exit_code == 2
    assert "must be the output of `network-trail coverage --json`" in result.stderr


def test_advise_lists_endpoints_missing_from_endpoints(tmp_path: Path) -> None:
    endpoints = tmp_path / "endpoints.json"
    data = json.loads((POLICIES / "sample-endpoints.json").read_text())
    endpoints.write_text(json.dumps({"VpcEndpoints": data["VpcEndpoints"][:1]}))
    advice = json.loads(run("advise", *RECORDS, "--endpoints", str(endpoints), "--json").stdout)
    assert advice["endpointsNotGiven"] == ["vpce-03y53r4ukkkuygzg0"]
