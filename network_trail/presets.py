"""Presets: one selector factory per event source (``from network_trail import presets``).

``presets`` is itself a name of the public API (``network_trail.__all__``), so this path stays:
it re-exports :mod:`network_trail.model.presets`, where the presets are defined.
"""

from .model.presets import *  # noqa: F403
from .model.presets import __all__ as __all__
