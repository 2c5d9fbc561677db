"""Deprecated module paths: the flat modules of 0.1, each forwarding to its new home.

An old path (``network_trail.trail``, ``network_trail.config``, …) stays importable for one
minor version (removed in 0.3.0). Its module holds only a PEP 562 ``__getattr__`` made by
:func:`forward`, which warns ``DeprecationWarning`` naming the new path and returns the object
from there. The package itself never imports an old path (the test settings turn such a
warning from ``network_trail`` into an error).
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any

REMOVED_IN = "0.3.0"


def forward(old: str, new: str, moved: Mapping[str, str] | None = None) -> Callable[[str], Any]:
    """A module ``__getattr__`` for the deprecated module ``old``: warn, then forward to ``new``.

    :param old: the deprecated module's name (``__name__``).
    :param new: the module its names live in now.
    :param moved: names that went elsewhere than ``new``, name to module. Default: - none
    """
    elsewhere = dict(moved or {})

    def module_getattr(name: str) -> Any:
        if name.startswith("__") and name != "__all__":
            raise AttributeError(f"module {old!r} has no attribute {name!r}")
        target = elsewhere.get(name, new)
        value = getattr(importlib.import_module(target), name)
        warnings.warn(
            f"{old} is deprecated and will be removed in {REMOVED_IN}: import {name} from {target}",
            DeprecationWarning,
            stacklevel=2,
        )
        return value

    return module_getattr
