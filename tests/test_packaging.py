"""Packaging: license metadata, declared floors, changelog, CI commands and the existing-app example.

The slow proofs (installing the floors, installing the built wheel into a clean venv) are
``make check-floors`` and ``make check-wheel``, run by .ci/run after ``make test``; these tests keep
their inputs and their verifiers honest, and show that the verifiers can fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.floors import floor_pins
from scripts.inspect_wheel import wheel_problems
from scripts.verify_existing_app import problems as example_problems

from .conftest import ROOT

PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_license_is_apache_2_as_an_spdx_expression() -> None:
    # GIVEN the project metadata and the LICENSE file
    project = PYPROJECT["project"]
    text = (ROOT / "LICENSE").read_text()
    # THEN the license is the SPDX string, the file is shipped, and it is the Apache License 2.0 text
    assert project["license"] == "Apache-2.0"
    assert project["license-files"] == ["LICENSE"]
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_every_dependency_and_the_build_backend_has_one_floor() -> None:
    # WHEN the floors of the declared dependencies are read
    pins, problems = floor_pins(PYPROJECT["project"]["dependencies"])
    build_pins, build_problems = floor_pins(PYPROJECT["build-system"]["requires"])
    # THEN every one has exactly one, and constructs' is the one aws-cdk-lib 2.257.0 needs
    assert problems == [] and build_problems == []
    assert len(pins) == len(PYPROJECT["project"]["dependencies"])
    assert "aws-cdk-lib==2.257.0" in pins
    assert "constructs==10.5.0" in pins
    assert build_pins == ["setuptools==77.0.1"]


@pytest.mark.parametrize("requirement", ["click", "click<9", "click>=8.1,>=8.2"])
def test_a_dependency_without_one_floor_is_named(requirement: str) -> None:
    # WHEN a requirement has no '>=' floor, or two THEN no pin, and a problem names it and the fix
    pins, problems = floor_pins([requirement])
    assert pins == []
    assert len(problems) == 1
    assert repr(requirement) in problems[0] and "click>=1.2.3" in problems[0]


def test_changelog_has_unreleased_and_the_current_version() -> None:
    # GIVEN the changelog and the version in pyproject.toml
    text = (ROOT / "CHANGELOG.md").read_text()
    version = PYPROJECT["project"]["version"]
    headings = re.findall(r"^## \[([^\]]+)\]", text, flags=re.MULTILINE)
    # THEN Unreleased comes first, then the current version, dated
    assert headings[:2] == ["Unreleased", version]
    assert re.search(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", text, flags=re.MULTILINE)


def test_ci_runs_make_test_first_and_the_workflow_runs_the_same_commands() -> None:
    # GIVEN .ci/run's steps and the GitHub Actions workflow's run commands
    steps = re.findall(r"^step (\S+)$", (ROOT / ".ci" / "run").read_text(), flags=re.MULTILINE)
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    runs = [s["run"] for job in workflow["jobs"].values() for s in job["steps"] if "run" in s]
    # THEN the README's test command comes first, then both packaging checks, the same in both places
    assert steps == ["test", "check-floors", "check-wheel"]
    assert runs == [f"make {step}" for step in steps]


def test_no_page_installs_from_a_package_index() -> None:
    # GIVEN README.md and the docs pages WHEN they are searched for an install from an index
    # (a direct reference, `"network-trail @ git+https://..."`, is fine)
    from_index = re.compile(r"pip install \"?network-trail(\[fast\])?\"?(?=\s|$|`)(?!\s+@)")
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    # THEN none says `pip install network-trail`: the package is not published
    assert [p.name for p in pages if from_index.search(p.read_text())] == []


@pytest.fixture(scope="module")
def example_cdk_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/existing_app synthesized as `cdk synth` runs it: `python app.py` with CDK_OUTDIR set."""
    out = tmp_path_factory.mktemp("existing_app") / "cdk.out"
    subprocess.run(
        [sys.executable, "app.py"],
        cwd=ROOT / "examples" / "existing_app",
        env={**os.environ, "CDK_OUTDIR": str(out)},
        check=True,
        timeout=300,
    )
    return out


def test_existing_app_example_uses_its_own_bucket_and_key(example_cdk_out: Path) -> None:
    assert example_problems(example_cdk_out) == []


def test_example_verifier_reports_a_trail_on_another_bucket_and_missing_warnings(
    example_cdk_out: Path, tmp_path: Path
) -> None:
    # GIVEN the example's output with the Logging trail pointed elsewhere and Workload's warnings gone
    out = tmp_path / "cdk.out"
    shutil.copytree(example_cdk_out, out)
    template_path = out / "Logging.template.json"
    template = json.loads(template_path.read_text())
    trail = next(r for r in template["Resources"].values() if r["Type"] == "AWS::CloudTrail::Trail")
    trail["Properties"]["S3BucketName"] = "someone-elses-bucket"
    template_path.write_text(json.dumps(template))
    (out / "Workload.metadata.json").write_text("{}")
    # WHEN it is verified THEN each difference is reported
    found = example_problems(out)
    assert len(found) == 3, found
    assert "someone-elses-bucket" in found[0]
    assert {"network-trail:bucketPolicyNotAdded", "network-trail:keyPolicyNotAdded"} <= {
        w for line in found for w in re.findall(r"network-trail:\w+", line)
    }


def test_wheel_inspection_reports_a_wheel_without_license_and_py_typed(tmp_path: Path) -> None:
    # GIVEN a wheel with the package's __init__ only (no subpackage), no LICENSE, no py.typed and the
    # deprecated License field
    wheel = tmp_path / "network_trail-0.0.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("network_trail/__init__.py", "")
        archive.writestr("network_trail-0.0.0.dist-info/METADATA", "Name: network-trail\nLicense: Apache\n")
    # WHEN it is inspected THEN each gap is named
    found = wheel_problems(wheel)
    assert len(found) == 5, found
    assert any("network_trail/cdk/trail.py" in p and "subpackage left out" in p for p in found)
    assert any("py.typed" in p for p in found)
    assert any("no LICENSE" in p for p in found)
    assert any("License-Expression is None" in p for p in found)
    assert any("deprecated License field" in p for p in found)
