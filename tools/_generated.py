"""The generated part of a documentation page: between a ``BEGIN`` and an ``END`` marker.

Shared by the page generators (``coverage_example``, ``policy_requests``): each builds its
Markdown; :func:`replace_part` puts it in the page, :func:`rewrite` is their ``main``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path


def replace_part(page: str, begin: str, end: str, generated: str) -> str:
    """``page`` with the text from ``begin`` through the line ``end`` replaced by ``generated``."""
    head, _, rest = page.partition(begin)
    _, _, tail = rest.partition(end + "\n")
    return head + generated + tail


def rewrite(argv: list[str] | None, page: str, refreshed: Callable[[str, Path], str]) -> int:
    """Rewrite the generated part of ``page`` under the root (``argv[0]``, else this repository).

    :param argv: ``[root]``, or ``None`` for ``sys.argv[1:]``.
    :param page: the page's path under the root, e.g. ``docs/policies.md``.
    :param refreshed: the page's text and the root -> the refreshed text.
    """
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent
    path = root / page
    path.write_text(refreshed(path.read_text(), root))
    print(f"wrote {path}")
    return 0
