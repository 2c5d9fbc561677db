"""The shape the package keeps (CONTRIBUTING.md, "Code shape"): short functions, modest branching.

Every function and method of ``network_trail/`` is at most 80 lines long, and none is worse than
cyclomatic grade C as radon ranks it (complexity 20 or less). A change that grows a function past
either limit splits it into named steps instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

from radon.complexity import cc_rank, cc_visit

PACKAGE = Path(__file__).resolve().parent.parent / "network_trail"
MAX_LINES = 80
WORST_GRADE = "C"


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_the_package_has_sources_to_check() -> None:
    assert len(_sources()) > 50


def test_no_function_is_longer_than_80_lines() -> None:
    too_long = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_LINES:
                    too_long.append(
                        f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name} ({length} lines)"
                    )
    assert too_long == []


def test_no_function_is_worse_than_grade_c() -> None:
    too_complex = []
    for path in _sources():
        for block in cc_visit(path.read_text(encoding="utf-8")):
            grade = cc_rank(block.complexity)
            if grade > WORST_GRADE:
                too_complex.append(
                    f"{path.relative_to(PACKAGE.parent)}:{block.lineno} {block.name} grade {grade} ({block.complexity})"
                )
    assert too_complex == []


def test_the_checks_fail_on_a_long_branching_function(tmp_path: Path) -> None:
    branches = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(45))
    source = f"def f(x):\n{branches}    return -1\n"
    (block,) = cc_visit(source)
    assert cc_rank(block.complexity) > WORST_GRADE
    (node,) = ast.parse(source).body
    assert isinstance(node, ast.FunctionDef)
    assert (node.end_lineno or 0) - node.lineno + 1 > MAX_LINES
