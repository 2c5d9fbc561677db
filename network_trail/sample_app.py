"""The sample app: one stack with a :class:`NetworkTrail` per configured environment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
from constructs import Construct

from .config import CONTEXT_KEY, EnvironmentConfig, load_environments
from .errors import NetworkTrailError
from .pipeline import DELIVERY_CONTEXT_KEY, MODE_CONTEXT_KEY, DeliveryMode, build_pipeline, load_delivery
from .trail import NetworkTrail

if TYPE_CHECKING:  # imported when an environment asks for them: aws_glue, aws_athena and
    # aws_cloudwatch/aws_sns take about 0.3 s to import, most of the sample app's fixed cost
    from .athena import NetworkActivityQueries
    from .detection import NetworkActivityAlarms

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
        # The environment's tags reach every resource: the add-ons create their own.
        tags = config.trail_props.get("tags")
        self.queries: NetworkActivityQueries | None = None
        self.alarms: NetworkActivityAlarms | None = None
        if config.athena_props is not None:
            from .athena import NetworkActivityQueries

            organization_id = config.trail_props.get("organization_id")
            self.queries = NetworkActivityQueries(
                self,
                "Queries",
                trail=self.network_trail,
                organization_id=organization_id if config.trail_props.get("is_organization_trail") else None,
                tags=tags,
                **config.athena_props,
            )
        if config.alarms_props is not None:
            from .detection import NetworkActivityAlarms

            self.alarms = NetworkActivityAlarms(
                self, "Alarms", trail=self.network_trail, tags=tags, **config.alarms_props
            )


def stack_id(config: EnvironmentConfig) -> str:
    """The stack id (and CloudFormation stack name) of an environment."""
    return f"NetworkTrail-{config.name}"


def build_app(app: cdk.App) -> list[cdk.Stack]:
    """Add one stack per environment of ``cdk.json`` (or only ``-c env=NAME``) to ``app``.

    With ``network-trail:delivery`` mode ``pipeline``, add only the pipeline stack instead;
    its stages hold the environments' stacks (see :mod:`network_trail.pipeline`).
    """
    envs = load_environments(app.node.try_get_context(CONTEXT_KEY))
    wanted = app.node.try_get_context(ENV_CONTEXT_KEY)
    delivery = load_delivery(
        app.node.try_get_context(DELIVERY_CONTEXT_KEY),
        [e.name for e in envs],
        mode_override=app.node.try_get_context(MODE_CONTEXT_KEY),
    )
    if delivery.mode is DeliveryMode.PIPELINE:
        if wanted is not None:
            raise NetworkTrailError(
                f"-c env={wanted!r} cannot be combined with {DELIVERY_CONTEXT_KEY!r} mode 'pipeline': the "
                f"pipeline deploys every environment; drop -c env, or set the mode to 'stacks'"
            )
        return [build_pipeline(app, envs, delivery)]
    if wanted is not None:
        names = [e.name for e in envs]
        if wanted not in names:
            raise NetworkTrailError(
                f"-c env={wanted!r} names no environment of {CONTEXT_KEY!r}: choose one of {names}"
            )
        envs = tuple(e for e in envs if e.name == wanted)
    return [NetworkTrailStack(app, stack_id(e), config=e) for e in envs]
