#!/usr/bin/env python3
"""Print the lowest declared version of each dependency in pyproject.toml, as pip pins.

Usage: ``python scripts/floors.py [--build] [PYPROJECT]``. One ``name==floor`` line per entry of
``[project] dependencies`` (or, with ``--build``, of ``[build-system] requires``); exits 1 naming every
entry that has no ``>=`` floor, since an unstated floor cannot be tested. ``scripts/check-floors.sh``
installs exactly these pins in a fresh venv.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement


def floor_pins(requirements: list[str]) -> tuple[list[str], list[str]]:
    """``name==floor`` for each requirement, and a problem for each one without a ``>=`` floor."""
    pins: list[str] = []
    problems: list[str] = []
    for text in requirements:
        requirement = Requirement(text)
        floors = [spec.version for spec in requirement.specifier if spec.operator == ">="]
        if len(floors) != 1:
            problems.append(
                f"dependency {text!r} has {len(floors)} '>=' floors: state exactly one lowest supported "
                f"version, e.g. '{requirement.name}>=1.2.3', so the floor check can install it"
            )
            continue
        pins.append(f"{requirement.name}=={floors[0]}")
    return pins, problems


def main(argv: list[str]) -> int:
    build = "--build" in argv
    paths = [a for a in argv if a != "--build"]
    pyproject = tomllib.loads(Path(paths[0] if paths else "pyproject.toml").read_text())
    declared = pyproject["build-system"]["requires"] if build else pyproject["project"]["dependencies"]
    pins, problems = floor_pins(list(declared))
    for problem in problems:
        print(problem, file=sys.stderr)
    print("\n".join(pins))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
