"""The sample app's stack: one :class:`NetworkTrail` (and its add-ons) configured from an environment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
from constructs import Construct

from ..cdk.trail import NetworkTrail
from .config import EnvironmentConfig

if TYPE_CHECKING:  # imported when an environment asks for them: aws_glue, aws_athena and
    # aws_cloudwatch/aws_sns take about 0.3 s to import, most of the sample app's fixed cost
    from ..cdk.athena import NetworkActivityQueries
    from ..cdk.detection import NetworkActivityAlarms

__all__ = ["NetworkTrailStack", "stack_id"]


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
        self.network_trail = NetworkTrail.from_props(self, "NetworkTrail", config.trail_props)
        self.queries: NetworkActivityQueries | None = None
        self.alarms: NetworkActivityAlarms | None = None
        # The environment's tags reach every resource: the add-ons' props carry them (app/config.py).
        if config.athena_props is not None:
            from ..cdk.athena import NetworkActivityQueries

            self.queries = NetworkActivityQueries.from_props(
                self, "Queries", trail=self.network_trail, props=config.athena_props
            )
        if config.alarms_props is not None:
            from ..cdk.detection import NetworkActivityAlarms

            self.alarms = NetworkActivityAlarms.from_props(
                self, "Alarms", trail=self.network_trail, props=config.alarms_props
            )


def stack_id(config: EnvironmentConfig) -> str:
    """The stack id (and CloudFormation stack name) of an environment."""
    return f"NetworkTrail-{config.name}"
