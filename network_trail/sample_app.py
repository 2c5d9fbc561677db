"""The sample app: one stack with a :class:`NetworkTrail` per configured environment."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import Construct

from .config import CONTEXT_KEY, EnvironmentConfig, load_environments
from .errors import NetworkTrailError
from .trail import NetworkTrail

__all__ = ["ENV_CONTEXT_KEY", "NetworkTrailStack", "build_app"]

ENV_CONTEXT_KEY = "env"
"""``cdk synth -c env=NAME`` synthesizes only that environment."""


class NetworkTrailStack(cdk.Stack):
    """A stack holding one :class:`NetworkTrail` configured from an environment."""

    def __init__(
        self, scope: Construct, construct_id: str, /, *, config: EnvironmentConfig, **kwargs: Any
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            env=cdk.Environment(account=config.account, region=config.region),
            description=f"CloudTrail network activity events for VPC endpoints ({config.name})",
            **kwargs,
        )
        self.network_trail = NetworkTrail(self, "NetworkTrail", **config.trail_props)


def stack_id(config: EnvironmentConfig) -> str:
    """The stack id (and CloudFormation stack name) of an environment."""
    return f"NetworkTrail-{config.name}"


def build_app(app: cdk.App) -> list[cdk.Stack]:
    """Add one stack per environment of ``cdk.json`` (or only ``-c env=NAME``) to ``app``."""
    envs = load_environments(app.node.try_get_context(CONTEXT_KEY))
    wanted = app.node.try_get_context(ENV_CONTEXT_KEY)
    if wanted is not None:
        names = [e.name for e in envs]
        if wanted not in names:
            raise NetworkTrailError(
                f"-c env={wanted!r} names no environment of {CONTEXT_KEY!r}: choose one of {names}"
            )
        envs = tuple(e for e in envs if e.name == wanted)
    return [NetworkTrailStack(app, stack_id(e), config=e) for e in envs]
