"""The snapshot-testing recipe of docs/snapshot-testing.md, run as a user runs it.

The recipe is written to ``<project>/tests/test_security_stack.py`` next to a copy of this project's
``cdk.json``, and pytest runs it from another folder: it finds ``cdk.json`` from the test file. Without
``cdk.json`` it fails naming the path it looked at, instead of synthesizing without feature flags.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_docs import code_blocks

RECIPE_FIRST_LINE = "# tests/test_security_stack.py"


def recipe() -> str:
    """The recipe block of docs/snapshot-testing.md (the one that names its file on its first line)."""
    blocks = code_blocks(ROOT / "docs" / "snapshot-testing.md")
    found = [b.code for b in blocks if b.code.startswith(RECIPE_FIRST_LINE)]
    assert len(found) == 1, f"expected one block starting with {RECIPE_FIRST_LINE!r}, found {len(found)}"
    return found[0]


def run_pytest(test_file: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(test_file), "-q", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A user's CDK project: cdk.json at its root, the recipe under tests/."""
    root = tmp_path / "project"
    (root / "tests").mkdir(parents=True)
    shutil.copy(ROOT / "cdk.json", root / "cdk.json")
    (root / "tests" / "test_security_stack.py").write_text(recipe())
    return root


def test_recipe_finds_cdk_json_from_the_test_file(project: Path, tmp_path: Path) -> None:
    # GIVEN pytest started in a folder that holds no cdk.json
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    test_file = project / "tests" / "test_security_stack.py"
    # WHEN the recipe runs and writes its snapshot
    written = run_pytest(test_file, elsewhere, "--snapshot-update")
    # THEN it passes (it raises when it cannot find cdk.json), and the snapshot is in the project
    assert written.returncode == 0, written.stdout + written.stderr
    assert list((project / "tests" / "__snapshots__").rglob("*.json"))


def test_recipe_fails_loudly_without_cdk_json(project: Path) -> None:
    # GIVEN the project without cdk.json, and pytest started in the project folder
    (project / "cdk.json").unlink()
    # WHEN the recipe runs
    result = run_pytest(project / "tests" / "test_security_stack.py", project, "--snapshot-update")
    # THEN it fails, naming the path it looked at
    assert result.returncode != 0
    assert f"{project.resolve() / 'cdk.json'} not found" in result.stdout
