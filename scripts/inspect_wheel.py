#!/usr/bin/env python3
"""Check what a built network_trail wheel and sdist hold.

Usage: ``python scripts/inspect_wheel.py DIST_FILE...`` (a ``.whl`` and/or a ``.tar.gz``). Prints each
problem and exits 1, or prints what it checked and exits 0. Called by ``scripts/check-wheel.sh``.
"""

from __future__ import annotations

import sys
import tarfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path

LICENSE_LINES = ("Apache License", "Version 2.0, January 2004")
# One module of each layer (CONTRIBUTING.md): `packages.find` must pick up every subpackage.
PACKAGE_FILES = (
    "network_trail/__init__.py",
    "network_trail/errors.py",
    "network_trail/model/__init__.py",
    "network_trail/model/selectors.py",
    "network_trail/simulator/__init__.py",
    "network_trail/cdk/__init__.py",
    "network_trail/cdk/trail.py",
    "network_trail/cdk/_log_store.py",
    "network_trail/app/__init__.py",
    "network_trail/app/delivery.py",
    "network_trail/cli/__init__.py",
    "network_trail/trail.py",
)


def wheel_problems(path: Path) -> list[str]:
    """The wheel holds the package and its subpackages, its py.typed marker, LICENSE and the SPDX license."""
    problems: list[str] = []
    with zipfile.ZipFile(path) as wheel:
        names = wheel.namelist()
        top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
        if top != {"network_trail"}:
            problems.append(f"{path.name}: top-level entries {sorted(top)}, expected only network_trail")
        missing = sorted(set(PACKAGE_FILES) - set(names))
        if missing:
            problems.append(f"{path.name}: no {', '.join(missing)} (a subpackage left out of the wheel)")
        if "network_trail/py.typed" not in names:
            problems.append(f"{path.name}: no network_trail/py.typed (type checkers would ignore the hints)")
        licenses = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        if not licenses:
            problems.append(f"{path.name}: no LICENSE under .dist-info/licenses/")
        elif not all(line in wheel.read(licenses[0]).decode() for line in LICENSE_LINES):
            problems.append(f"{path.name}: {licenses[0]} is not the Apache License 2.0")
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = HeaderParser().parsestr(wheel.read(metadata_name).decode())
    if metadata["License-Expression"] != "Apache-2.0":
        problems.append(
            f"{path.name}: License-Expression is {metadata['License-Expression']!r}, not 'Apache-2.0'"
        )
    if metadata["License"] is not None:
        problems.append(f"{path.name}: carries the deprecated License field {metadata['License']!r}")
    return problems


def sdist_problems(path: Path) -> list[str]:
    """The sdist holds what building the wheel and reading the project need."""
    with tarfile.open(path) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    wanted = {"LICENSE", "README.md", "CHANGELOG.md", "pyproject.toml", "network_trail/__init__.py"}
    return [f"{path.name}: no {name}" for name in sorted(wanted - names)]


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv]
    problems: list[str] = []
    for path in paths:
        problems += wheel_problems(path) if path.suffix == ".whl" else sdist_problems(path)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"ok: {', '.join(p.name for p in paths)} hold the package, py.typed and the Apache-2.0 LICENSE")
    return 1 if problems or not paths else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
