"""Deprecated: use :mod:`network_trail.simulator.endpoint_coverage` (this path is removed in 0.3.0)."""

from ._deprecated import forward

__getattr__ = forward(__name__, "network_trail.simulator.endpoint_coverage")
