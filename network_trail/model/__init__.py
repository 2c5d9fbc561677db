"""The pure model: event sources, selectors, presets, their validation and the policy JSON.

Plain Python, fast to import: nothing here imports ``aws_cdk`` or ``constructs`` (an
import-linter contract in ``pyproject.toml`` checks it), so the simulator, the command line
and unit tests use it without starting the jsii kernel. Modules import only each other and
:mod:`network_trail.errors`.
"""
