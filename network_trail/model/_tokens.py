"""Token checks that skip the round-trip to the jsii kernel when a string cannot hold a token."""

from __future__ import annotations

__all__ = ["is_unresolved"]


def is_unresolved(value: object) -> bool:
    """``cdk.Token.is_unresolved(value)``, answered in Python for plain strings.

    CDK encodes a token in a string as ``${Token[…]}`` (a list token as ``#{Token[…]}``), and
    ``Token.isUnresolved`` of a string only looks for that marker: a string without it is
    resolved. Answering here saves one round-trip to the Node process per selector value
    (hundreds for a large trail) and lets the pure modules be imported without ``aws_cdk``.

    :param value: any value; strings with a token marker and non-strings go to CDK.
    """
    if isinstance(value, str) and "{Token[" not in value:
        return False
    import aws_cdk as cdk

    return bool(cdk.Token.is_unresolved(value))
