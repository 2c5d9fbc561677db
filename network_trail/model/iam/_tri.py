"""Kleene's three-valued logic with the unknown keys that left a value open."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

_NO_KEYS: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Tri:
    """True, False or unknown (``value is None``); ``keys`` name what an unknown value depends on."""

    value: bool | None
    keys: frozenset[str] = _NO_KEYS

    @property
    def can_be_true(self) -> bool:
        return self.value is not False

    @property
    def can_be_false(self) -> bool:
        return self.value is not True


TRUE = Tri(True)
FALSE = Tri(False)


def unknown(*keys: str) -> Tri:
    """An unknown value depending on ``keys``."""
    return Tri(None, frozenset(keys))


def of(value: bool) -> Tri:
    return TRUE if value else FALSE


def not_(a: Tri) -> Tri:
    return a if a.value is None else of(not a.value)


def _fold(items: Iterable[Tri], dominant: bool) -> Tri:
    """Kleene's AND (``dominant=False``) or OR (``dominant=True``): the dominant value wins, else
    unknown if any item is unknown (with the union of their keys), else the other value."""
    keys: set[str] = set()
    open_ = False
    for item in items:
        if item.value is dominant:
            return of(dominant)
        if item.value is None:
            open_ = True
            keys |= item.keys
    return Tri(None, frozenset(keys)) if open_ else of(not dominant)


def all_(items: Iterable[Tri]) -> Tri:
    """Kleene AND: False if any is False, else unknown if any is unknown, else True."""
    return _fold(items, False)


def any_(items: Iterable[Tri]) -> Tri:
    """Kleene OR: True if any is True, else unknown if any is unknown, else False."""
    return _fold(items, True)
