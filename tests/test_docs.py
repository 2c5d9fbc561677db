"""Every ```python block of docs/*.md and README.md runs, and the stack it builds synthesizes.

Each block runs on its own, in a fresh namespace with a prelude that defines ``cdk``
(``import aws_cdk as cdk``), ``app`` (an App with cdk.json's feature flags) and ``stack`` (a
stack in that app pinned to 123456789012/us-east-1). When the block added CloudFormation
elements to ``stack`` the stack is synthesized; an App the block created itself is synthesized too. A
block preceded by ``<!-- docs-test: skip -->`` is reported as skipped, never run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from .conftest import ACCOUNT, FEATURE_FLAGS, REGION, ROOT

SKIP_MARKER = "<!-- docs-test: skip -->"
_FENCE_OPEN = re.compile(r"^(?P<indent>\s*)```(?P<lang>[\w+-]*)\s*$")


@dataclass(frozen=True)
class CodeBlock:
    """One fenced code block of a Markdown page."""

    page: str
    index: int
    line: int
    lang: str
    code: str
    skipped: bool

    @property
    def test_id(self) -> str:
        return f"{self.page}#{self.index}(line {self.line})"


def code_blocks(path: Path, root: Path = ROOT) -> list[CodeBlock]:
    """Every fenced block of ``path`` (any language), with its line number and skip marker."""
    lines = path.read_text().splitlines()
    page = path.relative_to(root).as_posix()
    blocks: list[CodeBlock] = []
    i = 0
    while i < len(lines):
        opened = _FENCE_OPEN.match(lines[i])
        if not opened:
            i += 1
            continue
        indent = len(opened["indent"])
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i][indent:])
            i += 1
        previous = lines[start - 1].strip() if start > 0 else ""
        blocks.append(
            CodeBlock(
                page=page,
                index=len(blocks),
                line=start + 1,
                lang=opened["lang"],
                code="\n".join(body) + "\n",
                skipped=previous == SKIP_MARKER,
            )
        )
        i += 1
    return blocks


def doc_pages(root: Path = ROOT) -> list[Path]:
    """README.md and every Markdown page under docs/."""
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]


PYTHON_BLOCKS = [b for page in doc_pages() for b in code_blocks(page) if b.lang in ("python", "py")]


def run_block(block: CodeBlock) -> dict[str, Any]:
    """Run ``block`` after the prelude, synthesize what it built; returns its namespace."""
    app = cdk.App(context=dict(FEATURE_FLAGS), analytics_reporting=False)
    stack = cdk.Stack(app, "DocStack", env=cdk.Environment(account=ACCOUNT, region=REGION))
    namespace: dict[str, Any] = {"__name__": "__doc_example__", "cdk": cdk, "app": app, "stack": stack}
    exec(compile(block.code, f"{block.page}:{block.line}", "exec"), namespace)
    if any(isinstance(c, cdk.CfnElement) for c in stack.node.find_all()):
        Template.from_stack(stack)
    for value in list(namespace.values()):
        if isinstance(value, cdk.App) and value is not app:
            value.synth()
    return namespace


def test_docs_have_python_examples() -> None:
    # GIVEN the pages WHEN the blocks are collected THEN there is something to run
    assert len(PYTHON_BLOCKS) >= 10, [b.test_id for b in PYTHON_BLOCKS]


def test_code_blocks_finds_indented_blocks_and_skip_markers(tmp_path: Path) -> None:
    # GIVEN a page with a skipped block and a block indented inside a list
    page = tmp_path / "page.md"
    page.write_text(
        "text\n<!-- docs-test: skip -->\n```python\nraise SystemExit\n```\n"
        "- item\n\n    ```python\n    x = 1\n    ```\n"
    )
    # WHEN its blocks are collected
    blocks = code_blocks(page, root=tmp_path)
    # THEN both are found, the first marked skipped, the second dedented
    assert [(b.line, b.skipped, b.code) for b in blocks] == [
        (3, True, "raise SystemExit\n"),
        (8, False, "x = 1\n"),
    ]


def test_run_block_synthesizes_the_stack_it_built() -> None:
    # GIVEN a block whose stack fails only when it is synthesized (a failing validation)
    block = CodeBlock(
        page="inline.md",
        index=0,
        line=1,
        lang="python",
        code=(
            "import jsii\n"
            "from aws_cdk import aws_s3 as s3\n"
            "from constructs import IValidation\n"
            "@jsii.implements(IValidation)\n"
            "class Fails:\n"
            "    def validate(self):\n"
            "        return ['fails at synth']\n"
            "s3.CfnBucket(stack, 'Bucket')\n"
            "stack.node.add_validation(Fails())\n"
        ),
        skipped=False,
    )
    # WHEN it runs THEN the synthesis fails the run
    with pytest.raises(RuntimeError, match="fails at synth"):
        run_block(block)


@pytest.mark.parametrize("block", PYTHON_BLOCKS, ids=[b.test_id for b in PYTHON_BLOCKS])
def test_python_example_runs_and_synthesizes(
    block: CodeBlock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if block.skipped:
        pytest.skip(f"{block.test_id} is marked {SKIP_MARKER}")
    # GIVEN a scratch working directory, so an example that writes files writes them there
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CDK_OUTDIR", str(tmp_path / "cdk.out"))
    # WHEN the example runs THEN it raises nothing, and what it built synthesizes
    run_block(block)
