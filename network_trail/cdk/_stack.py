"""What the builders read of their stack: its partition, Region and account.

Each property read is a round-trip to the jsii kernel, so the builders read these once per
construct, here. The partition is the one ``Stack.partition`` gives, without the cost of its
first lookup in a process (below).
"""

from __future__ import annotations

from typing import Final, NamedTuple

import aws_cdk as cdk
from constructs import IConstruct

from ..model._ids import partition_of

__all__ = ["PARTITION_LITERALS_FLAG", "StackValues", "stack_of", "stack_values"]

PARTITION_LITERALS_FLAG: Final = "@aws-cdk/core:enablePartitionLiterals"
"""The feature flag under which ``Stack.partition`` is a literal for a Region aws-cdk-lib knows."""


class StackValues(NamedTuple):
    """A stack's partition, Region and account: literals, or CDK tokens where unknown at synth time."""

    partition: str
    region: str
    account: str


def stack_values(stack: cdk.Stack) -> StackValues:
    """``stack.partition``, ``stack.region`` and ``stack.account``, read once.

    With the ``@aws-cdk/core:enablePartitionLiterals`` feature flag and a Region aws-cdk-lib
    knows, ``stack.partition`` is that Region's partition as a literal, which aws-cdk-lib looks up
    in its region-info facts: the first lookup of a process loads all of them (about 50 ms of a
    one-stack synth, measured in docs/performance.md). The same literal comes from
    :func:`~network_trail.model._ids.partition_of`, checked against region-info for every Region
    it knows (``tests/test_ids.py``); in every other case the stack answers.

    :param stack: the stack the construct is in.
    """
    region, account = stack.region, stack.account
    partition = partition_of(region)
    if partition is None or not cdk.FeatureFlags.of(stack).is_enabled(PARTITION_LITERALS_FLAG):
        partition = stack.partition
    return StackValues(partition, region, account)


def stack_of(scope: IConstruct, construct: IConstruct) -> cdk.Stack:
    """``Stack.of(construct)`` for a construct just added to ``scope``.

    ``scope`` itself when it is a stack (a ``Stack`` or ``NestedStack`` object in Python already:
    no round-trip to the jsii kernel), else ``Stack.of`` walks up from ``construct``.

    :param scope: the scope ``construct`` was created in.
    :param construct: the construct.
    """
    return scope if isinstance(scope, cdk.Stack) else cdk.Stack.of(construct)
