"""Delivery of the sample app: plain stacks, or a CDK Pipelines pipeline deploying in waves.

``cdk.json`` context key ``network-trail:delivery`` chooses. ``{"mode": "stacks"}`` (the
default) gives one stack per environment, deployed with ``cdk deploy``. ``{"mode":
"pipeline", ...}`` gives one pipeline stack in ``pipeline_account``/``pipeline_region``
whose waves deploy the environments in order (``[["dev"], ["staging"], ["prod", "prod-eu"]]``:
dev first, then staging, then both prod environments side by side). The pipeline needs no
lookups at synth: its source is a CodeConnections connection given by ARN.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

import aws_cdk as cdk
from constructs import Construct

from ..errors import NetworkTrailError
from ..model._ids import ACCOUNT_ID, REGION
from .config import CONTEXT_KEY, EnvironmentConfig, load_environments
from .stack import NetworkTrailStack, stack_id

__all__ = [
    "DELIVERY_CONTEXT_KEY",
    "ENV_CONTEXT_KEY",
    "MODE_CONTEXT_KEY",
    "DeliveryConfig",
    "DeliveryMode",
    "DeliveryPipelineStack",
    "NetworkTrailStage",
    "build_app",
    "load_delivery",
]

DELIVERY_CONTEXT_KEY: Final = "network-trail:delivery"
MODE_CONTEXT_KEY: Final = "delivery"
"""``cdk synth -c delivery=pipeline`` overrides the configured mode for one run."""
ENV_CONTEXT_KEY = "env"
"""``cdk synth -c env=NAME`` synthesizes only that environment."""
PIPELINE_STACK_ID: Final = "NetworkTrail-Pipeline"
SYNTH_COMMANDS: Final = ("make synth",)

_KEYS: Final = {
    "mode",
    "pipeline_account",
    "pipeline_region",
    "repository",
    "branch",
    "connection_arn",
    "waves",
}
_REPOSITORY: Final = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_CONNECTION: Final = re.compile(
    r"^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection/[A-Za-z0-9-]+$"
)


class DeliveryMode(StrEnum):
    """How the sample app reaches its environments."""

    STACKS = "stacks"
    """One stack per environment, deployed with ``cdk deploy``."""
    PIPELINE = "pipeline"
    """A CDK Pipelines pipeline deploying the environments wave by wave."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryConfig:
    """The parsed ``network-trail:delivery`` context value."""

    mode: DeliveryMode = DeliveryMode.STACKS
    pipeline_account: str | None = None
    pipeline_region: str | None = None
    repository: str | None = None
    branch: str = "main"
    connection_arn: str | None = None
    waves: tuple[tuple[str, ...], ...] = ()


def _fail(key: str, message: str) -> str:
    return f"context {DELIVERY_CONTEXT_KEY!r}, key {key!r}: {message}"


def _waves(
    raw: object, env_names: Sequence[str], problems: list[str], *, complete: bool
) -> tuple[tuple[str, ...], ...]:
    shape = 'a non-empty list of non-empty lists of environment names, e.g. [["dev"], ["prod"]]'
    if not isinstance(raw, list) or not raw or not all(isinstance(w, list) and w for w in raw):
        problems.append(_fail("waves", f"must be {shape}, got {raw!r}"))
        return ()
    seen: dict[str, int] = {}
    for i, wave in enumerate(raw):
        for name in wave:
            if name not in env_names:
                problems.append(
                    _fail(
                        f"waves[{i}]",
                        f"{name!r} is not an environment of 'network-trail:environments': "
                        f"choose from {list(env_names)}",
                    )
                )
            elif name in seen:
                problems.append(
                    _fail(
                        f"waves[{i}]",
                        f"{name!r} is already in waves[{seen[name]}]: an environment is deployed by one "
                        f"wave only; remove one of the two",
                    )
                )
            else:
                seen[name] = i
    missing = [n for n in env_names if n not in seen]
    if missing and complete:
        problems.append(
            _fail(
                "waves",
                f"environments {missing} are in no wave and would never be deployed: add them to a wave",
            )
        )
    return tuple(tuple(w) for w in raw)


def _mode(raw_mode: object, problems: list[str]) -> DeliveryMode:
    """``mode``, or ``stacks`` (with a problem) when it is not a delivery mode."""
    if raw_mode not in {m.value for m in DeliveryMode}:
        problems.append(
            _fail(
                "mode",
                f"must be one of {[m.value for m in DeliveryMode]}, got {raw_mode!r}: use 'stacks' to deploy with cdk deploy",
            )
        )
        return DeliveryMode.STACKS
    return DeliveryMode(raw_mode)


def _pipeline_settings(value: Mapping[str, Any], pipeline: bool, problems: list[str]) -> dict[str, str]:
    """The pipeline's account, Region, repository and connection that are set and valid, by key."""
    checks: tuple[tuple[str, re.Pattern[str], str], ...] = (
        ("pipeline_account", ACCOUNT_ID, "a 12-digit AWS account id as a string"),
        ("pipeline_region", REGION, "an AWS Region code such as 'eu-west-1'"),
        ("repository", _REPOSITORY, "'owner/repo' of the source repository"),
        (
            "connection_arn",
            _CONNECTION,
            "a CodeConnections connection ARN 'arn:aws:codeconnections:…:connection/…'",
        ),
    )
    found: dict[str, str] = {}
    for key, pattern, rule in checks:
        raw = value.get(key)
        if raw is None:
            if pipeline:
                problems.append(_fail(key, f"is missing: mode 'pipeline' needs {rule}"))
        elif not isinstance(raw, str) or not pattern.match(raw):
            problems.append(_fail(key, f"must be {rule}, got {raw!r}"))
        else:
            found[key] = raw
    return found


def load_delivery(value: object, env_names: Sequence[str], *, mode_override: object = None) -> DeliveryConfig:
    """Parse the ``network-trail:delivery`` context value; raise every problem at once.

    :param value: the context value; ``None`` means plain stacks.
    :param env_names: the environments of ``network-trail:environments``, which the waves must
        cover exactly once each.
    :param mode_override: the ``-c delivery=MODE`` value, replacing ``mode``. Default: - the
        configured mode
    """
    if mode_override is not None:
        if mode_override not in {m.value for m in DeliveryMode}:
            raise NetworkTrailError(
                f"-c {MODE_CONTEXT_KEY}={mode_override!r} must be one of {[m.value for m in DeliveryMode]}"
            )
        value = {**(value if isinstance(value, Mapping) else {}), "mode": mode_override}
    if value is None:
        return DeliveryConfig()
    if not isinstance(value, Mapping):
        raise NetworkTrailError(
            f"context {DELIVERY_CONTEXT_KEY!r} must be an object such as {{'mode': 'stacks'}}, got {value!r}"
        )
    problems: list[str] = []
    unknown = set(value) - _KEYS
    if unknown:
        problems.append(_fail(",".join(sorted(unknown)), f"unknown keys: allowed are {sorted(_KEYS)}"))
    mode = _mode(value.get("mode", DeliveryMode.STACKS.value), problems)
    pipeline = mode is DeliveryMode.PIPELINE
    found = _pipeline_settings(value, pipeline, problems)
    branch = value.get("branch", "main")
    if not isinstance(branch, str) or not branch:
        problems.append(_fail("branch", f"must be a non-empty branch name, got {branch!r}"))
    waves: tuple[tuple[str, ...], ...] = ()
    if "waves" in value:
        # Coverage matters only to a pipeline: in 'stacks' mode a new environment need not be in a wave yet.
        waves = _waves(value["waves"], env_names, problems, complete=pipeline)
    elif pipeline:
        problems.append(_fail("waves", 'is missing: mode \'pipeline\' needs waves, e.g. [["dev"], ["prod"]]'))
    if problems:
        raise NetworkTrailError(problems)
    return DeliveryConfig(mode=mode, branch=branch, waves=waves, **found)


class NetworkTrailStage(cdk.Stage):
    """One environment as a pipeline stage: its :class:`~network_trail.app.stack.NetworkTrailStack`.

    The stack keeps the CloudFormation stack name of the ``stacks`` mode, so switching the
    delivery mode does not replace the deployed stacks.
    """

    def __init__(self, scope: Construct, construct_id: str, /, *, config: EnvironmentConfig) -> None:
        super().__init__(
            scope, construct_id, env=cdk.Environment(account=config.account, region=config.region)
        )
        self.config = config
        self.stack = NetworkTrailStack(self, stack_id(config), config=config, stack_name=stack_id(config))


class DeliveryPipelineStack(cdk.Stack):
    """The pipeline stack: source from a connection, ``make synth``, then one wave after another.

    :param delivery: the parsed delivery configuration, in ``pipeline`` mode.
    :param environments: every environment the waves name.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        /,
        *,
        delivery: DeliveryConfig,
        environments: Sequence[EnvironmentConfig],
        **kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            env=cdk.Environment(account=delivery.pipeline_account, region=delivery.pipeline_region),
            description="CDK Pipelines pipeline deploying CloudTrail network activity trails in waves",
            **kwargs,
        )
        assert delivery.repository is not None and delivery.connection_arn is not None
        from aws_cdk import pipelines  # only a pipeline needs it: not imported by every `cdk synth`

        source = pipelines.CodePipelineSource.connection(
            delivery.repository, delivery.branch, connection_arn=delivery.connection_arn
        )
        self.pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            synth=pipelines.ShellStep("Synth", input=source, commands=list(SYNTH_COMMANDS)),
            # Environments live in other accounts: artifacts must be readable there.
            cross_account_keys=True,
        )
        by_name = {e.name: e for e in environments}
        self.stages: list[list[NetworkTrailStage]] = []
        for number, wave_names in enumerate(delivery.waves, start=1):
            wave = self.pipeline.add_wave(f"Wave{number}")
            stages = [NetworkTrailStage(self, name, config=by_name[name]) for name in wave_names]
            for stage in stages:
                wave.add_stage(stage)
            self.stages.append(stages)


def build_pipeline(
    app: cdk.App, environments: Sequence[EnvironmentConfig], delivery: DeliveryConfig
) -> DeliveryPipelineStack:
    """Add the pipeline stack (and, through it, one stage per environment) to ``app``."""
    return DeliveryPipelineStack(app, PIPELINE_STACK_ID, delivery=delivery, environments=environments)


def build_app(app: cdk.App) -> list[cdk.Stack]:
    """Add one stack per environment of ``cdk.json`` (or only ``-c env=NAME``) to ``app``.

    With ``network-trail:delivery`` mode ``pipeline``, add only the pipeline stack instead;
    its stages hold the environments' stacks (see :mod:`network_trail.app.delivery`).
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
