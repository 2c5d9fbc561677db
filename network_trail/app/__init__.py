"""The sample app (``app.py``, ``cdk.json``): configuration, stack and delivery.

:mod:`~network_trail.app.config` reads the ``cdk.json`` environments,
:mod:`~network_trail.app.stack` builds one stack per environment from the constructs, and
:mod:`~network_trail.app.delivery` adds them to the app as plain stacks or through a CDK
Pipelines pipeline (``build_app``). The direction is delivery → stack → config. Library users
never need this package.
"""
