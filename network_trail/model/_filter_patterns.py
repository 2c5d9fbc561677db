"""CloudWatch Logs filter patterns of network activity events, built by plain functions.

:class:`~network_trail.NetworkActivityAlarms` puts them in its metric filters, and the tests
evaluate them against sample records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from ..errors import NetworkTrailError
from ._ids import account_id_problems

__all__ = [
    "MAX_ALLOWED_ACCOUNTS",
    "MAX_PATTERN_LENGTH",
    "denied_pattern",
    "outside_caller_pattern",
    "volume_pattern",
]

MAX_PATTERN_LENGTH: Final = 1024
"""CloudWatch Logs' limit on a filter pattern (PutMetricFilter ``filterPattern``)."""

_SOURCE: Final = re.compile(r"^[a-z0-9.-]+\.amazonaws\.com$")
_NETWORK: Final = '($.eventCategory = "NetworkActivity")'
_NOT_ACCOUNT: Final = '($.userIdentity.accountId != "{}")'

MAX_ALLOWED_ACCOUNTS: Final = (MAX_PATTERN_LENGTH - len("{ " + _NETWORK + " }")) // len(
    " && " + _NOT_ACCOUNT.format("0" * 12)
)
"""Accounts the outside-caller pattern can hold within :data:`MAX_PATTERN_LENGTH` (20)."""


def volume_pattern() -> str:
    """Every network activity event."""
    return "{ " + _NETWORK + " }"


def denied_pattern(event_source: str | None = None) -> str:
    """Calls denied by a VPC endpoint policy, of one event source or of all.

    The CIS "unauthorized API calls" filter (``AccessDenied*``, ``*UnauthorizedOperation``)
    does not match ``VpceAccessDenied``: this one does.

    :param event_source: e.g. 'kms.amazonaws.com'. Default: - every source
    """
    terms = [_NETWORK, '($.errorCode = "VpceAccessDenied")']
    if event_source is not None:
        if not isinstance(event_source, str) or not _SOURCE.match(event_source):
            raise NetworkTrailError(f"event_source must look like 'kms.amazonaws.com', got {event_source!r}")
        terms.append(f'($.eventSource = "{event_source}")')
    return "{ " + " && ".join(terms) + " }"


def outside_caller_pattern(allowed_account_ids: Sequence[str]) -> str:
    """Network activity events whose caller account is none of ``allowed_account_ids``.

    A metric filter cannot compare two fields, so "not the endpoint owner" is
    written as "none of the allowed accounts", which must include the endpoint
    owners. Events without ``userIdentity.accountId`` do not match.

    :param allowed_account_ids: the endpoint owners and the accounts expected to call through them.
    """
    problems = _account_problems(allowed_account_ids)
    if problems:
        raise NetworkTrailError(problems)
    terms = [_NETWORK] + [_NOT_ACCOUNT.format(a) for a in sorted(set(allowed_account_ids))]
    pattern = "{ " + " && ".join(terms) + " }"
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise NetworkTrailError(
            f"allowed_account_ids has {len(set(allowed_account_ids))} accounts, which make a filter "
            f"pattern of {len(pattern)} characters, over CloudWatch Logs' limit of {MAX_PATTERN_LENGTH}: "
            f"keep at most {MAX_ALLOWED_ACCOUNTS} accounts, or use the Athena 'outside-callers' query for larger lists"
        )
    return pattern


def _account_problems(accounts: Sequence[str]) -> list[str]:
    if isinstance(accounts, str) or not accounts:
        return [
            f"allowed_account_ids must be a non-empty list of 12-digit account ids, got {accounts!r}: "
            f"e.g. ['111122223333']"
        ]
    return [
        problem
        for i, a in enumerate(accounts)
        for problem in account_id_problems(f"allowed_account_ids[{i}]", a, tokens_pass=False)
    ]
