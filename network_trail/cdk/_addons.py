"""What the add-ons on a trail share: their check of the trail and their KMS keys.

Used by :class:`~network_trail.NetworkActivityQueries` and
:class:`~network_trail.NetworkActivityAlarms`.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from constructs import Construct

from ..errors import NetworkTrailError
from . import _resources
from ._stack import StackValues
from .trail import NetworkTrail


def require_trail(trail: object, *, path: str, fix: str) -> NetworkTrail:
    """``trail`` when it is a :class:`~network_trail.NetworkTrail`, else raise naming ``fix``.

    :param trail: the value given as ``trail``.
    :param path: the add-on's construct path, for the message.
    :param fix: what to pass instead, e.g. "pass the trail to watch".
    """
    if not isinstance(trail, NetworkTrail):
        raise NetworkTrailError(f"trail must be a NetworkTrail, got {trail!r}: {fix}", path=path)
    return trail


def create_addon_key(
    scope: Construct,
    construct_id: str,
    *,
    values: StackValues,
    description: str,
    removal_policy: cdk.RemovalPolicy | None = None,
) -> kms.Key:
    """An add-on's key: rotation, administered by the account, grants only through AWS services.

    The services using it (Athena and S3, SNS and CloudWatch) are given their statements by
    the add-on; :func:`~network_trail.cdk._resources.create_key` adds the ``kms:CreateGrant`` deny
    (Control Tower CT.KMS.PR.3).

    :param scope: the add-on.
    :param construct_id: the key's construct id (part of its logical id: keep it).
    :param values: the stack's partition and account, as the add-on read them (:func:`~._stack.stack_values`).
    :param description: the key's description.
    :param removal_policy: what happens to the key when it leaves the stack. Default: RemovalPolicy.RETAIN
    """
    return _resources.create_key(
        scope,
        construct_id,
        partition=values.partition,
        account=values.account,
        description=description,
        removal_policy=removal_policy,
    )
