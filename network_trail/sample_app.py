"""Deprecated: use :mod:`network_trail.app.stack` (this path is removed in 0.3.0)."""

from ._deprecated import forward

__getattr__ = forward(
    __name__,
    "network_trail.app.stack",
    {"ENV_CONTEXT_KEY": "network_trail.app.delivery", "build_app": "network_trail.app.delivery"},
)
