"""Deprecated: use :mod:`network_trail.cli._inputs` (this path is removed in 0.3.0)."""

from ._deprecated import forward

__getattr__ = forward(__name__, "network_trail.cli._inputs")
