"""The ``network-trail`` command: list presets, render selectors, simulate them on real logs.

The group :func:`main` and its commands, one module each (``_presets``, ``_render``,
``_simulate``, ``_explain``, ``_diff``, ``_verify``, ``_coverage``, ``_replay``, ``_advise``,
``_preflight``); what they share is in ``_shared``. Selectors come from ``_inputs`` (templates, live
trails, files, presets, the sample app's environments); ``replay`` and ``advise`` read calls and
policies with ``_policy_inputs``. No command imports aws_cdk, so none starts Node, except for
``--env``: :mod:`network_trail.app.config` builds CDK values.
"""

from __future__ import annotations

import click

from ._advise import advise_command
from ._coverage import coverage_command
from ._diff import diff_command
from ._explain import explain_command
from ._preflight import preflight_command
from ._presets import presets_command
from ._render import render
from ._replay import replay_command
from ._simulate import simulate_command
from ._verify import verify_command

__all__ = ["main"]


@click.group(name="network-trail", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="network-trail")
def main() -> None:
    """CloudTrail network activity events for VPC endpoints: presets, selectors and a simulator."""


main.add_command(presets_command)
main.add_command(render)
main.add_command(simulate_command)
main.add_command(explain_command)
main.add_command(diff_command)
main.add_command(verify_command)
main.add_command(coverage_command)
main.add_command(replay_command)
main.add_command(advise_command)
main.add_command(preflight_command)
