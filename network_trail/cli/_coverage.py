"""``network-trail coverage``: an account's VPC endpoints against any selectors.

The input is the output of ``aws ec2 describe-vpc-endpoints`` (EC2 API
``DescribeVpcEndpoints``:
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcEndpoints.html);
the selectors come from the command's selector options, all of them together
being the account's trails.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import click

from ..errors import NetworkTrailError
from ..model.endpoints import VpcEndpoint
from ..model.selectors import ACCESS_DENIED_ERROR_CODE
from ..model.vocabulary import EventCategory
from ..simulator import NETWORK_ACTIVITY_PRICE_PER_EVENT, SelectorSet, simulate
from ..simulator.endpoint_coverage import CoverageStatus, EndpointCoverage, coverage_report, evaluate_endpoint
from ._inputs import SelectorOptions, selector_input_options
from ._shared import _fail, _load, _print_json, _table

__all__ = ["DenialToAllCost", "coverage_command", "denial_to_all_costs", "load_endpoints", "run_coverage"]

_FAIL_CHOICES: Final = (CoverageStatus.NOT_LOGGED.value, CoverageStatus.UNSUPPORTED.value, "denied-only")
_SECONDS_PER_30_DAYS: Final = 30 * 24 * 3600


def _endpoint(item: object, where: str) -> VpcEndpoint:
    if not isinstance(item, Mapping) or not isinstance(item.get("VpcEndpointId"), str):
        raise NetworkTrailError(
            f"{where} must be an object with a 'VpcEndpointId' string (a VpcEndpoint of DescribeVpcEndpoints), "
            f"got {str(item)[:80]!r}"
        )
    texts = {k: item.get(k) for k in ("ServiceName", "VpcEndpointType", "VpcId")}
    bad = [k for k, v in texts.items() if v is not None and not isinstance(v, str)]
    if bad:
        raise NetworkTrailError(
            f"{where} ({item['VpcEndpointId']}) has non-string {bad}: pass the AWS CLI output unchanged"
        )
    return VpcEndpoint(
        endpoint_id=item["VpcEndpointId"],
        service_name=texts["ServiceName"],
        endpoint_type=texts["VpcEndpointType"],
        vpc_id=texts["VpcId"],
    )


def load_endpoints(path: Path) -> list[VpcEndpoint]:
    """The endpoints of a ``describe-vpc-endpoints`` output file (or a JSON list of its ``VpcEndpoints``).

    :param path: the file.
    :raises NetworkTrailError: when it is not JSON of that shape; the message names the file and the entry.
    """
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise NetworkTrailError(
            f"--endpoints {str(path)!r} cannot be read as JSON ({err}): give the output of "
            f"`aws ec2 describe-vpc-endpoints --output json`"
        ) from None
    items = data.get("VpcEndpoints") if isinstance(data, Mapping) else data
    if not isinstance(items, list):
        raise NetworkTrailError(
            f'--endpoints {str(path)!r} must hold {{"VpcEndpoints": [...]}} (the output of '
            f"`aws ec2 describe-vpc-endpoints`) or a list of VpcEndpoint objects, got {type(data).__name__}"
            + (f" with keys {sorted(data)[:5]}" if isinstance(data, Mapping) else "")
        )
    problems: list[str] = []
    out: list[VpcEndpoint] = []
    for i, item in enumerate(items):
        try:
            out.append(_endpoint(item, f"--endpoints {path.name} VpcEndpoints[{i}]"))
        except NetworkTrailError as err:
            problems.extend(err.problems)
    if problems:
        raise NetworkTrailError(problems)
    return out


@dataclass(frozen=True, slots=True)
class DenialToAllCost:
    """What logging every call through a ``denied-only`` endpoint would add, from log files.

    :param endpoint_id: the endpoint.
    :param network_events: its network activity events in the logs (every call, allowed or denied).
    :param denied_events: those with ``errorCode = VpceAccessDenied``.
    :param other_events: its management and data events in the logs (calls made through it).
    :param extra_events: events ``all`` adds: allowed network activity events, or, when the logs hold
        none (a denied-only trail's logs), its management and data events: a lower bound.
    :param lower_bound: whether ``extra_events`` comes from management and data events.
    :param monthly_cost: US dollars for 30 days at $0.10 per 100,000 events. Default: - the span is unknown
    """

    endpoint_id: str
    network_events: int
    denied_events: int
    other_events: int
    extra_events: int
    lower_bound: bool
    monthly_cost: float | None

    def to_json(self) -> dict[str, Any]:
        """The ``toAll`` entry of the report."""
        return {
            "networkActivityEvents": self.network_events,
            "deniedEvents": self.denied_events,
            "managementAndDataEvents": self.other_events,
            "extraEvents": self.extra_events,
            "lowerBound": self.lower_bound,
            "extraMonthlyCostUsd": None if self.monthly_cost is None else round(self.monthly_cost, 2),
        }


def _cost_selectors(rows: Sequence[EndpointCoverage]) -> list[dict[str, Any]]:
    selectors: list[dict[str, Any]] = []
    for row in rows:
        source = row.mapping.event_source
        assert source is not None
        scope = [
            {"Field": "eventSource", "Equals": [source.value]},
            {"Field": "vpcEndpointId", "Equals": [row.endpoint.endpoint_id]},
        ]
        network = {"Field": "eventCategory", "Equals": ["NetworkActivity"]}
        denied = {"Field": "errorCode", "Equals": [ACCESS_DENIED_ERROR_CODE]}
        other = {"Field": "eventCategory", "Equals": ["Management", "Data"]}
        selectors += [
            {"Name": f"{row.endpoint.endpoint_id} all", "FieldSelectors": [network, *scope]},
            {"Name": f"{row.endpoint.endpoint_id} denied", "FieldSelectors": [network, *scope, denied]},
            {"Name": f"{row.endpoint.endpoint_id} other", "FieldSelectors": [other, *scope]},
        ]
    return selectors


def denial_to_all_costs(rows: Sequence[EndpointCoverage], logs: Sequence[Path]) -> dict[str, DenialToAllCost]:
    """For each ``denied-only`` endpoint of ``rows``, the events and cost ``all`` would add, from CloudTrail logs.

    The logs are read once (:func:`network_trail.simulator.simulate`); the 30-day figure scales
    the events by the time span the logs cover.

    :param rows: the coverage of each endpoint.
    :param logs: CloudTrail log files or directories.
    """
    denied = [r for r in rows if r.status is CoverageStatus.DENIED_ONLY]
    if not denied:
        return {}
    report = simulate(logs, [SelectorSet("cost", tuple(_cost_selectors(denied)))])
    counts = dict(report.sets[0].selectors)
    scale = None if report.span_seconds is None else _SECONDS_PER_30_DAYS / report.span_seconds
    out: dict[str, DenialToAllCost] = {}
    for row in denied:
        key = row.endpoint.endpoint_id
        network, refused, other = (counts.get(f"{key} {k}", 0) for k in ("all", "denied", "other"))
        allowed = network - refused
        lower_bound = allowed == 0 and other > 0
        extra = other if lower_bound else allowed
        cost = None if scale is None else extra * scale * NETWORK_ACTIVITY_PRICE_PER_EVENT
        out[key] = DenialToAllCost(key, network, refused, other, extra, lower_bound, cost)
    return out


def _cell(value: str | None) -> str:
    return value if value else "-"


def _print_table(rows: Sequence[EndpointCoverage], costs: Mapping[str, DenialToAllCost]) -> None:
    headers = ["ENDPOINT", "VPC", "SERVICE", "EVENT SOURCE", "STATUS", "LOGGED BY"]
    table = [
        [
            r.endpoint.endpoint_id,
            _cell(r.endpoint.vpc_id),
            _cell(r.mapping.service_name or r.endpoint.endpoint_type),
            _cell(r.mapping.event_source.value if r.mapping.event_source else None),
            r.status.value,
            "; ".join(r.logged_by) or "-",
        ]
        for r in rows
    ]
    _table(headers, table)
    summary = {s: sum(1 for r in rows if r.status is s) for s in CoverageStatus}
    click.echo("\n" + ", ".join(f"{n} {s.value}" for s, n in summary.items()))
    for r in rows:
        if r.status in (CoverageStatus.NOT_LOGGED, CoverageStatus.UNSUPPORTED):
            click.echo(f"{r.endpoint.endpoint_id}: {r.status.value}: {r.reason}")
    for key, cost in costs.items():
        money = (
            "n/a (the logs cover no time span)" if cost.monthly_cost is None else f"${cost.monthly_cost:,.2f}"
        )
        basis = (
            "management and data events through it (a lower bound)" if cost.lower_bound else "allowed calls"
        )
        click.echo(
            f"{key}: denied-only -> all adds {cost.extra_events:,} events ({basis}), {money} per 30 days"
        )


def run_coverage(
    endpoints_file: Path,
    sets: Sequence[SelectorSet],
    *,
    as_json: bool,
    fail_on: Sequence[str],
    logs: Sequence[Path],
) -> int:
    """The command's work; returns the exit code (1 when an endpoint has a ``--fail-on`` status)."""
    try:
        endpoints = load_endpoints(endpoints_file)
        rows = [evaluate_endpoint(e, sets) for e in endpoints]
        costs = denial_to_all_costs(rows, logs) if logs else {}
    except NetworkTrailError as err:
        _fail(str(err))
    ignored = _ignored_selectors(sets)
    if as_json:
        report = coverage_report(
            [
                r if r.endpoint.endpoint_id not in costs else _with_cost(r, costs[r.endpoint.endpoint_id])
                for r in rows
            ],
            selectorSets=[s.label for s in sets],
            **({"ignoredDataSelectors": ignored} if ignored else {}),
        )
        _print_json(report)
    else:
        _print_table(rows, costs)
        if ignored:
            click.echo(
                f"\nignored: {len(ignored)} data event selector(s), which log no call through a VPC endpoint "
                f"as such (only eventCategory NetworkActivity selectors do): " + "; ".join(ignored)
            )
    failing = [r for r in rows if r.status.value in fail_on]
    if failing:
        click.echo(
            f"error: {len(failing)} endpoint(s) with status {' or '.join(fail_on)} (--fail-on): "
            + ", ".join(r.endpoint.endpoint_id for r in failing),
            err=True,
        )
        return 1
    return 0


def _ignored_selectors(sets: Sequence[SelectorSet]) -> list[str]:
    """``<set>: <name>`` of every data event selector: coverage ignores them (they log no endpoint's calls)."""
    ignored = []
    for sel_set in sets:
        for i, selector in enumerate(sel_set.selectors):
            fields = {
                fs.get("Field"): fs for fs in selector.get("FieldSelectors", ()) if isinstance(fs, Mapping)
            }
            if fields.get("eventCategory", {}).get("Equals") == [EventCategory.DATA.value]:
                ignored.append(f"{sel_set.label}: {selector.get('Name', f'selector {i}')}")
    return ignored


def _with_cost(row: EndpointCoverage, cost: DenialToAllCost) -> EndpointCoverage:
    return EndpointCoverage(
        row.endpoint,
        row.mapping,
        row.status,
        row.logged_by,
        row.partial,
        row.reason,
        {"toAll": cost.to_json()},
    )


@click.command("coverage")
@click.option(
    "--endpoints",
    "endpoints_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Output of `aws ec2 describe-vpc-endpoints` (JSON).",
)
@selector_input_options
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--fail-on",
    multiple=True,
    type=click.Choice(_FAIL_CHOICES),
    help="Exit with 1 when an endpoint has this status (repeatable): a CI gate.",
)
@click.option(
    "--logs",
    multiple=True,
    type=click.Path(path_type=Path, exists=True),
    help="CloudTrail log files or directories: the cost of turning each denied-only endpoint to all.",
)
def coverage_command(
    endpoints_file: Path,
    as_json: bool,
    fail_on: tuple[str, ...],
    logs: tuple[Path, ...],
    selector_options: SelectorOptions,
) -> None:
    """Which VPC endpoints the selectors log: all, denied-only, not-logged or unsupported.

    Every selector set given counts together, as the trails of one account.
    """
    sets = [i.selector_set() for i in _load(selector_options)]
    sys.exit(run_coverage(endpoints_file, sets, as_json=as_json, fail_on=fail_on, logs=logs))
