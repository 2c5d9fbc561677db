"""The CDK constructs and their private builders.

Public modules, one construct each: :mod:`~network_trail.cdk.trail` (``NetworkTrail``),
:mod:`~network_trail.cdk.log_archive` (``LogArchive``), and the add-ons on a trail,
:mod:`~network_trail.cdk.athena` (``NetworkActivityQueries``) and
:mod:`~network_trail.cdk.detection` (``NetworkActivityAlarms``). The ``_``-prefixed modules are
the shared builders (log store, keys, buckets, policies, grants, compliance) and are internal.
Everything here may import ``aws_cdk``; it imports :mod:`network_trail.model` and
:mod:`network_trail.errors`, never the sample app, the simulator or the command line.
"""
