"""A pure IAM policy evaluator in three-valued logic: identity, resource, key and endpoint policies.

``parse_policy`` reads a policy document; ``evaluate_policy`` evaluates one policy alone against a
request; ``evaluate`` applies the IAM User Guide's evaluation logic across identity-based,
resource-based and VPC endpoint policies (same account and cross-account; KMS key policies). A
request value may be :data:`UNKNOWN`: a verdict is then certain only when it holds for every value
the unknowns could take, else :attr:`Verdict.UNKNOWN` with the keys that left it open.

Plain Python: imports only :mod:`network_trail.errors` and the standard library.
"""

from __future__ import annotations

from ._evaluate import ResourceKind, evaluate, evaluate_policy
from ._parse import ConditionTest, Policy, Principals, Statement, parse_policy
from ._types import (
    ABSENT,
    UNKNOWN,
    ContextValue,
    Evaluation,
    NotAnyOf,
    Request,
    RequestPrincipal,
    StatementRef,
    Unknown,
    Verdict,
)

__all__ = [
    "ABSENT",
    "UNKNOWN",
    "ConditionTest",
    "ContextValue",
    "Evaluation",
    "NotAnyOf",
    "Policy",
    "Principals",
    "Request",
    "RequestPrincipal",
    "ResourceKind",
    "Statement",
    "StatementRef",
    "Unknown",
    "Verdict",
    "evaluate",
    "evaluate_policy",
    "parse_policy",
]
