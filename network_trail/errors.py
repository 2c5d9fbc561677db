"""The one exception type of network_trail and helpers to build its messages."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["NetworkTrailError"]


class NetworkTrailError(ValueError):
    """An input that CloudTrail, CloudFormation or this library would reject.

    Raised at synth time (or when a selector value is built), before anything
    reaches CloudFormation. Every message names the parameter, shows the
    offending value, states the rule and says how to fix it. When a single call
    has several problems they are all listed in one error, one per line, and
    kept in :attr:`problems`.

    :param problems: one message per problem.
    :param code: a stable identifier for the first problem, for tooling.
    :param path: the construct path, prepended to the message when given.
    """

    def __init__(
        self,
        problems: str | Iterable[str],
        *,
        code: str | None = None,
        path: str | None = None,
    ) -> None:
        items = (problems,) if isinstance(problems, str) else tuple(problems)
        self.problems: tuple[str, ...] = items
        self.code = code
        self.path = path
        prefix = f"[{path}] " if path else ""
        if len(items) == 1:
            message = prefix + items[0]
        else:
            message = prefix + f"{len(items)} problems:\n" + "\n".join(f"  - {p}" for p in items)
        super().__init__(message)


def raise_if(problems: list[str], *, path: str | None = None) -> None:
    """Raise one :class:`NetworkTrailError` listing every problem, if there is any."""
    if problems:
        raise NetworkTrailError(problems, path=path)


def did_you_mean(value: object, choices: Iterable[str]) -> str:
    """``"did you mean 'kms'? "`` for the nearest of ``choices`` (difflib), or ``""`` when none is near."""
    if not isinstance(value, str):
        return ""
    options = list(choices)
    close = difflib.get_close_matches(value, options, n=3, cutoff=0.6)
    if not close:  # case slips ("equals", "KMS") are not near for difflib's ratio
        lowered = {o.lower(): o for o in options}
        close = [lowered[m] for m in difflib.get_close_matches(value.lower(), lowered, n=3, cutoff=0.6)]
    if not close:
        return ""
    return "did you mean " + " or ".join(repr(c) for c in close) + "? "
