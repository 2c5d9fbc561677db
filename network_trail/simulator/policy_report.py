"""The replay and advice reports as text for a terminal, Markdown for a pull request, and CDK input.

Pure functions over :class:`~network_trail.simulator.replay.ReplayReport` and
:class:`~network_trail.simulator.advise.Proposal`; ``network-trail replay`` and ``advise`` print them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Final

from .advise import Proposal, Shape
from .replay import POLICY_DELAY_NOTE, Outcome, ReplayReport, ReplayRow, call_label

__all__ = ["advice_cdk", "advice_text", "replay_markdown", "replay_text"]

_TITLES: Final = {
    Outcome.REGRESSION: "Regressions: allowed when observed, denied by the policy",
    Outcome.NEWLY_ALLOWED: "Newly allowed: denied by a VPC endpoint policy when observed, allowed by the policy",
    Outcome.UNKNOWN: "Unknown: the records lack what the policy's decision depends on",
}


def _call(row: ReplayRow) -> str:
    return f"{row.call.event_source.removesuffix('.amazonaws.com')}:{row.call.event_name or '?'}"


def _cells(row: ReplayRow) -> list[str]:
    keys = ", ".join(sorted(row.evaluation.unknown_keys)) or "-"
    return [
        row.policy,
        call_label(row.call),
        _call(row),
        row.call.vpc_endpoint_id or "-",
        ", ".join(row.deciding) or "(no statement allows it)",
        keys,
        str(row.call.count),
        row.call.first_seen or "-",
        row.call.last_seen or "-",
    ]


_HEADERS: Final = [
    "POLICY",
    "CALLER",
    "CALL",
    "ENDPOINT",
    "DECIDING",
    "UNDECIDABLE KEYS",
    "EVENTS",
    "FIRST",
    "LAST",
]


def _table(rows: Sequence[list[str]], headers: Sequence[str]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    return [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in (headers, *rows)
    ]


def _summary_line(report: ReplayReport) -> str:
    parts = [f"{v['calls']} {k} ({v['events']:,} events)" for k, v in report.summary().items()]
    return "distinct calls: " + ", ".join(parts)


def replay_text(report: ReplayReport) -> str:
    """The report for a terminal: the calls whose outcome changes or is unknown, then the summary."""
    lines: list[str] = []
    for outcome, title in _TITLES.items():
        rows = [_cells(r) for r in report.rows if r.outcome is outcome]
        if rows:
            lines += [f"{title}:", *_table(rows, _HEADERS), ""]
    lines.append(_summary_line(report))
    lines += [f"not checkable: {label}: {why}" for label, why in report.unchecked]
    if report.ungated:
        lines.append(
            f"{sum(c.count for c in report.ungated):,} events through endpoints no given policy gates"
        )
    lines.append(POLICY_DELAY_NOTE)
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def replay_markdown(report: ReplayReport) -> str:
    """The report a reviewer reads in a pull request (GitHub-flavoured Markdown)."""
    summary = report.summary()
    lines = [
        "## Endpoint policy replay",
        "",
        "| Outcome | Distinct calls | Events |",
        "|---|---:|---:|",
        *(f"| {k} | {v['calls']} | {v['events']:,} |" for k, v in summary.items()),
        "",
    ]
    headers = [
        "Policy",
        "Caller",
        "Call",
        "Endpoint",
        "Deciding statement",
        "Undecidable keys",
        "Events",
        "First seen",
        "Last seen",
    ]
    for outcome, title in _TITLES.items():
        rows = [_cells(r) for r in report.rows if r.outcome is outcome]
        if not rows:
            continue
        lines += [f"### {title}", "", "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
        lines.append("")
    if report.unchecked:
        lines += [
            "### Not checkable",
            "",
            *(f"- `{label}`: {_md(why)}" for label, why in report.unchecked),
            "",
        ]
    if report.ungated:
        lines += [
            f"{sum(c.count for c in report.ungated):,} events went through endpoints no given policy gates.",
            "",
        ]
    lines.append(f"> {POLICY_DELAY_NOTE}")
    return "\n".join(lines) + "\n"


def _listed(proposal: Proposal) -> list[str]:
    lines: list[str] = []
    if proposal.outside:
        lines.append(f"  callers outside the organization (not added, decide): {', '.join(proposal.outside)}")
    if proposal.other_accounts:
        lines.append(
            f"  accounts other than the endpoint's owner (added; give --org-accounts to check them): "
            f"{', '.join(proposal.other_accounts)}"
        )
    if proposal.unmapped:
        lines.append(
            f"  event names with no documented IAM action (not added): {', '.join(proposal.unmapped)}"
        )
    if proposal.conditional:
        lines.append(
            f"  actions some observed calls need only for some request parameters (not added): "
            f"{', '.join(proposal.conditional)}"
        )
    lines += [f"  problem: {p}" for p in proposal.problems]
    return lines


def advice_text(proposals: Sequence[Proposal], *, shape: Shape) -> str:
    """The advice for a terminal: per endpoint its status, the reason, the listed callers and the policy."""
    lines: list[str] = []
    for p in proposals:
        lines.append(
            f"{p.endpoint.endpoint_id} ({p.endpoint.service_name or p.endpoint.endpoint_type}): {p.status.value}"
        )
        lines.append(f"  {p.reason}")
        if p.denied_calls:
            lines.append(f"  {p.denied_calls} distinct denied call(s) in the logs: not added")
        lines += _listed(p)
        if p.policy is not None:
            lines += ["  " + line for line in json.dumps(p.policy, indent=2).splitlines()]
        lines.append("")
    made = sum(1 for p in proposals if p.policy is not None)
    lines.append(f"{made} proposal(s) of shape {shape.value} for {len(proposals)} endpoint(s)")
    return "\n".join(lines)


def advice_cdk(proposals: Sequence[Proposal], *, shape: Shape) -> str:
    """A Python module for a CDK app: the proposed policies, to set with ``apply_endpoint_policy``."""
    policies = {p.endpoint.endpoint_id: dict(p.policy) for p in proposals if p.policy is not None}
    first = next(iter(policies), "vpce-…")
    return "\n".join(
        [
            f'"""Endpoint policies proposed by `network-trail advise` (shape {shape.value}).',
            "",
            "Each is the complete policy of its endpoint: apply_endpoint_policy replaces the allow-all default.",
            '"""',
            "",
            "from network_trail.cdk.endpoint_policy import apply_endpoint_policy",
            "",
            # Proposals hold strings, lists and objects only: their JSON is a Python literal.
            "ENDPOINT_POLICIES = " + json.dumps(policies, indent=4),
            "",
            f'# In the stack that defines the endpoint: apply_endpoint_policy(endpoint, ENDPOINT_POLICIES["{first}"])',
            "",
        ]
    )
