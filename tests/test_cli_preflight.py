"""``network-trail preflight`` with the CLI runner, on a synthesized assembly and on defect shapes.

The assembly is the test matrix's app (tests/compliance_support.py): every trail configuration in
one cloud assembly, among them a trail writing to an imported archive whose bucket and key are not
in the assembly. Expected values come from the AWS pages of the request table
(network_trail/model/_delivery.py), e.g. UG-S3POL for the statements a bucket must hold.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from network_trail.cli import main
from tests.compliance_support import READER_ROLE_ARN, template_set

IMPORTED_TRAIL = "arn:aws:cloudtrail:us-east-1:111111111111:trail/network-activity"


@pytest.fixture(scope="module")
def assembly() -> Path:
    """The cloud assembly of every configuration of the test matrix, synthesized once."""
    return Path(template_set().app.synth().directory)


def _run(*args: str) -> Any:
    return CliRunner().invoke(main, ["preflight", *args], catch_exceptions=False)


def test_preflight_passes_every_trail_of_the_assembly(assembly: Path) -> None:
    result = _run("--template", str(assembly))
    assert result.exit_code == 0, result.output
    # every trail of the matrix is reported, each with a table and a summary line
    assert result.output.count("\ntrail arn:aws:cloudtrail:") + result.output.startswith("trail ") == 10
    assert "FAILED" not in result.output.replace("0 FAILED", "")
    assert (
        "ok      allow  ALLOW          s3:PutObject         PutObject AWSLogs/o-a1b2c3d4e5/444444444444/"
        in result.output
    )


def test_preflight_reports_an_archive_outside_the_assembly_with_statements_to_check(assembly: Path) -> None:
    data = json.loads(_run("--template", str(assembly), "--json").stdout)
    (imported,) = [t for t in data["trails"] if t["trail_arn"] == IMPORTED_TRAIL]
    not_checkable = {c["action"] for c in imported["checks"] if c["outcome"] == "not checkable"}
    assert {"s3:GetBucketAcl", "s3:PutObject", "kms:GenerateDataKey", "kms:DescribeKey"} <= not_checkable
    # UG-S3POL: the archive bucket must let this trail GetBucketAcl and PutObject on its account path
    write = next(s for s in imported["check_by_hand"]["bucket"] if s["Sid"] == "AWSCloudTrailWrite")
    assert write["Resource"] == "arn:aws:s3:::network-trail-archive-777777777777/AWSLogs/111111111111/*"
    assert write["Condition"]["StringEquals"]["aws:SourceArn"] == IMPORTED_TRAIL
    assert data["ok"] is True


def test_preflight_json_names_the_deciding_statement(assembly: Path) -> None:
    data = json.loads(_run("--template", str(assembly), "--json").stdout)
    (dev,) = [t for t in data["trails"] if t["stack"] == "NetworkTrail-dev"]
    put = next(c for c in dev["checks"] if c["action"] == "s3:PutObject" and c["expect"] == "allow")
    assert put["verdict"] == "ALLOW"
    assert put["deciding"] == [
        "NetworkTrail-dev/NetworkTrailBucketPolicy57B4CEFF statement 2 (Sid 'AWSCloudTrailWrite')"
    ]
    assert (
        put["page"]
        == "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html"
    )


def test_preflight_checks_readers_given_on_the_command_line(assembly: Path) -> None:
    result = _run("--template", str(assembly), "--reader", f"{READER_ROLE_ARN}=123456789012", "--json")
    data = json.loads(result.stdout)
    (reader_stack,) = [t for t in data["trails"] if t["stack"] == "CrossAccountReader"]
    reads = {
        (c["action"], c["expect"], c["outcome"])
        for c in reader_stack["checks"]
        if c["caller"] == READER_ROLE_ARN
    }
    assert reads == {
        ("s3:ListBucket", "allow", "ok"),
        ("s3:GetObject", "allow", "ok"),
        ("kms:Decrypt", "allow", "ok"),
        ("s3:ListBucket", "deny", "ok"),
    }


def _defect_assembly(assembly: Path, tmp_path: Path) -> Path:
    """The assembly with the default trail's key bound to another account's trails in its
    GenerateDataKey statement: the trail's own encryption context is then refused
    (InsufficientEncryptionPolicyException at CreateTrail)."""
    copied = tmp_path / "cdk.out"
    shutil.copytree(assembly, copied)
    path = copied / "Default.template.json"
    template = json.loads(path.read_text())
    key = next(r for r in template["Resources"].values() if r["Type"] == "AWS::KMS::Key")
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    encrypt = next(s for s in statements if s.get("Sid") == "AllowCloudTrailToEncryptLogs")
    encrypt["Condition"]["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"] = (
        "arn:aws:cloudtrail:*:111111111111:trail/*"
    )
    path.write_text(json.dumps(template))
    return path


def test_preflight_exits_1_when_a_required_request_is_denied(assembly: Path, tmp_path: Path) -> None:
    # GIVEN one template of a cdk.out (its account and Region come from the manifest beside it)
    result = _run("--template", str(_defect_assembly(assembly, tmp_path)))
    assert result.exit_code == 1
    assert "FAIL GenerateDataKey by trail 123456789012/NetworkTrail" in result.output
    assert "10 requests: 9 as they must be, 1 FAILED, 0 not checkable" in result.output


def test_preflight_exits_2_on_a_bad_reader(assembly: Path) -> None:
    result = _run("--template", str(assembly), "--reader", "log-reader")
    assert result.exit_code == 2
    assert "--reader 'log-reader' must be a role ARN" in result.output


ORG_TRAIL = "arn:aws:cloudtrail:us-east-1:444444444444:trail/org-network-activity"
WRITERS = (
    "--organization-trail",
    ORG_TRAIL,
    "--organization-id",
    "o-a1b2c3d4e5",
    "--writer",
    IMPORTED_TRAIL,
    "--member-account",
    "111111111111",
)
"""The writers of docs/organization.md: the management account's organization trail, a member's own trail."""


def test_preflight_checks_a_log_archive_for_the_writers_given(assembly: Path) -> None:
    # GIVEN the organization archive with readers (no trail in its stack) and its writers
    result = _run("--template", str(assembly / "ArchiveReaders.template.json"), *WRITERS, "--json")
    assert result.exit_code == 0, result.output
    (store,) = json.loads(result.stdout)["log_stores"]
    # THEN the organization trail's requests name the management account's trail (UG-KMSPOL) and pass
    generate = [c for c in store["checks"] if c["action"] == "kms:GenerateDataKey" and c["expect"] == "allow"]
    assert {c["request"] for c in generate} == {
        "GenerateDataKey by trail 444444444444/org-network-activity",
        "GenerateDataKey by trail 111111111111/network-activity",
    }
    assert all(c["outcome"] == "ok" for c in store["checks"])


def test_preflight_fails_a_log_archive_that_does_not_admit_the_organization_trail(assembly: Path) -> None:
    # GIVEN the archive for listed trails of no organization, and an organization trail as writer
    result = _run("--template", str(assembly / "ArchiveTrails.template.json"), *WRITERS)
    # THEN its writes under AWSLogs/<o-id>/ are refused: exit 1, the failures named
    assert result.exit_code == 1
    assert (
        "FAIL PutObject AWSLogs/o-a1b2c3d4e5/444444444444/ by trail 444444444444/org-network-activity"
        in result.output
    )


def test_preflight_asks_for_the_writers_of_a_log_archive(assembly: Path) -> None:
    result = _run("--template", str(assembly / "ArchiveReaders.template.json"))
    assert result.exit_code == 2
    assert "holds a CloudTrail log bucket but no trail: pass the trails that write to it" in result.output


def test_preflight_refuses_an_organization_trail_without_organization(assembly: Path) -> None:
    result = _run("--template", str(assembly), "--organization-trail", ORG_TRAIL)
    assert result.exit_code == 2
    assert "--organization-trail needs --organization-id" in result.output


def test_preflight_reads_a_folder_of_templates_as_each_template_alone(assembly: Path, tmp_path: Path) -> None:
    # GIVEN a folder holding one template and no manifest.json (as render, diff and replay read it)
    folder = tmp_path / "templates"
    folder.mkdir()
    shutil.copy(assembly / "Default.template.json", folder)
    alone = tmp_path / "alone" / "Default.template.json"
    alone.parent.mkdir()
    shutil.copy(assembly / "Default.template.json", alone)
    # THEN the folder's report is the template's own: the stack named by its file, account and Region unknown
    from_folder, from_file = _run("--template", str(folder)), _run("--template", str(alone))
    assert from_folder.exit_code == from_file.exit_code
    assert from_folder.output == from_file.output
    assert "(stack Default, NetworkTrail240EFFCB)" in from_folder.output


def test_preflight_and_render_word_a_folder_without_stacks_alike(tmp_path: Path) -> None:
    preflight = _run("--template", str(tmp_path))
    render = CliRunner().invoke(main, ["render", "--template", str(tmp_path)], catch_exceptions=False)
    assert preflight.exit_code == render.exit_code == 2
    assert preflight.stderr == render.stderr
    assert f"--template {str(tmp_path)!r} holds no stack" in preflight.stderr
