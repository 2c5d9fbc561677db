"""``NetworkActivityCoverage``: which VPC endpoints of a CDK app its network trails log.

Add it to the app, ``Aspects.of(app).add(NetworkActivityCoverage())``: at synth
time every ``AWS::EC2::VPCEndpoint`` of the app is checked against the
selectors of every :class:`~network_trail.NetworkTrail` of the app that can see
it (same account, or an organization trail; same Region, or a multi-Region
trail). Each endpoint gets a status (``all``, ``denied-only``, ``not-logged``,
``unsupported``, see :mod:`network_trail.simulator.endpoint_coverage`); a ``not-logged``
or ``unsupported`` endpoint gets a warning, and the whole report is written to
``network-trail-coverage.json`` in the cloud assembly directory.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import aws_cdk as cdk
import jsii
from aws_cdk import aws_cloudtrail as cloudtrail
from constructs import Construct, IConstruct, IValidation

from ..model._tokens import is_unresolved
from ..model.endpoints import EndpointKind, VpcEndpoint, to_vpc_endpoint
from ..model.selectors import render_selectors
from ..simulator import SelectorSet
from ..simulator.endpoint_coverage import CoverageStatus, EndpointCoverage, coverage_report, evaluate_endpoint
from .trail import NetworkTrail

__all__ = ["REPORT_FILE", "WARNING_IDS", "NetworkActivityCoverage"]

_KEY: Final = "network-trail:coverage"
"""The tag key of the underlying tag aspect; no tag is ever removed (see the class docstring)."""

REPORT_FILE: Final = "network-trail-coverage.json"
"""The report's file name in the cloud assembly directory (``cdk.out``)."""

WARNING_IDS: Final[dict[str, str]] = {
    "not-logged": "network-trail:endpointNotLogged",
    "unsupported": "network-trail:endpointServiceUnsupported",
    "unknown": "network-trail:endpointServiceUnknown",
}
"""The warning id of each finding: acknowledge one with
``Annotations.of(endpoint).acknowledge_warning(id, reason)``."""


def _matches(trail_value: str, endpoint_value: str, *, widened: bool) -> bool:
    """Same account (or Region), unless a side is unknown at synth time or the trail spans all."""
    if widened or is_unresolved(trail_value) or is_unresolved(endpoint_value):
        return True
    return trail_value == endpoint_value


class _Trail:
    """A trail of the app: its selectors and where it logs, read only when the app has endpoints."""

    def __init__(self, trail: NetworkTrail, label: str, stacks: _Stacks) -> None:
        cfn = trail.cfn_trail
        self.account, self.region = stacks.env(trail)
        self.organization = cfn.is_organization_trail is True
        self.multi_region = cfn.is_multi_region_trail is True
        self.selectors = SelectorSet(label, tuple(render_selectors(trail.selectors)))

    def sees(self, account: str, region: str) -> bool:
        return _matches(self.account, account, widened=self.organization) and _matches(
            self.region, region, widened=self.multi_region
        )


class _Stacks:
    """Each stack's account and Region, read once (each read is a round-trip to the jsii kernel)."""

    def __init__(self) -> None:
        self._env: dict[cdk.Stack, tuple[str, str]] = {}

    def env(self, construct: IConstruct) -> tuple[str, str]:
        stack = cdk.Stack.of(construct)
        if stack not in self._env:
            self._env[stack] = (stack.account, stack.region)
        return self._env[stack]


class NetworkActivityCoverage(cdk.RemoveTag):
    """A CDK Aspect reporting, for each VPC endpoint of the app, whether a ``NetworkTrail`` logs it.

    Example::

        app = cdk.App()
        ...  # stacks with VPC endpoints and NetworkTrails
        cdk.Aspects.of(app).add(NetworkActivityCoverage())

    Warnings (acknowledge one on the endpoint, or on a scope above it, with
    ``cdk.Annotations.of(scope).acknowledge_warning(id, reason)``):

    - ``network-trail:endpointNotLogged``: no trail logs every call or every denial through it;
    - ``network-trail:endpointServiceUnsupported``: its service has no network activity events
      (e.g. CloudWatch Logs, a partner's endpoint service, a VPC Lattice resource endpoint);
    - ``network-trail:endpointServiceUnknown``: its service name is only known at deploy time.

    Endpoints inside a nested ``Stage`` (CDK Pipelines) are outside the app's aspects:
    add the Aspect to the stage as well.

    Why a tag aspect: the jsii kernel calls a Python ``IAspect.visit`` for every construct of
    the app, a round trip to Python each (``benchmarks/coverage.py`` measures it). CDK's tag
    aspects run ``visit`` in the kernel and call ``applyTag``/``applyTagV2`` only for taggable
    constructs, a third of them in the sample app; every ``AWS::EC2::VPCEndpoint`` and
    ``AWS::CloudTrail::Trail`` is taggable. This class overrides both calls to collect
    endpoints and trails, so it never removes a tag.
    """

    def __init__(self) -> None:
        super().__init__(_KEY)
        self._stage: cdk.Stage | None = None
        self._trails: list[NetworkTrail] = []
        self._endpoints: list[Construct] = []
        self._report: dict[str, Any] | None = None

    def _apply_tag(self, resource: cdk.ITaggable) -> None:
        self._collect(resource)

    def _apply_tag_v2(self, resource: cdk.ITaggableV2) -> None:
        self._collect(resource)

    def _collect(self, construct: object) -> None:
        """Keep trails and endpoints (in tree order); the check runs once, in the validation phase."""
        if self._stage is None:
            stage = construct if isinstance(construct, cdk.Stage) else cdk.Stage.of(construct)  # type: ignore[arg-type]
            if stage is not None:
                self._stage = stage
                stage.node.add_validation(_Check(self, stage))
        if isinstance(construct, cloudtrail.CfnTrail):
            scope = construct.node.scope
            if isinstance(scope, NetworkTrail):
                self._trails.append(scope)
            return
        ec2 = sys.modules.get("aws_cdk.aws_ec2")  # no endpoint can exist before the app imports it
        if ec2 is not None and isinstance(construct, ec2.CfnVPCEndpoint):
            self._endpoints.append(construct)

    @property
    def report(self) -> dict[str, Any] | None:
        """The report, once the app was synthesized."""
        return self._report

    def check(self) -> dict[str, Any]:
        """Evaluate every endpoint against the trails that see it, warn, and keep the report."""
        if self._report is not None:
            return self._report
        labels = [t.node.path for t in self._trails]
        rows: list[EndpointCoverage] = []
        if self._endpoints:
            stacks = _Stacks()
            trails = [_Trail(t, label, stacks) for t, label in zip(self._trails, labels, strict=True)]
            rows = [self._check_endpoint(cfn, trails, stacks) for cfn in self._endpoints]
        self._report = coverage_report(rows, trails=labels)
        return self._report

    def _check_endpoint(self, cfn: Construct, trails: Sequence[_Trail], stacks: _Stacks) -> EndpointCoverage:
        path = cfn.node.path
        account, region = stacks.env(cfn)
        described = to_vpc_endpoint(cfn, parameter=path, label=path)
        service_name = described.service_name
        if service_name and not is_unresolved(region):
            service_name = service_name.replace("<region>", region)
        endpoint = VpcEndpoint(
            endpoint_id=described.endpoint_id,
            service_name=service_name,
            endpoint_type=described.endpoint_type or "Gateway",
            vpc_id=getattr(cfn, "vpc_id", None),
            aliases=(getattr(cfn, "attr_id", ""),),
            label=path,
        )
        seen = [t.selectors for t in trails if t.sees(account, region)]
        result = evaluate_endpoint(endpoint, seen)
        _warn(cfn, result, len(trails))
        return result


def _warn(cfn: Construct, result: EndpointCoverage, trail_count: int) -> None:
    mapping = result.mapping
    if result.status is CoverageStatus.NOT_LOGGED:
        where = (
            f"none of the app's {trail_count} NetworkTrail(s)"
            if trail_count
            else "no NetworkTrail in the app"
        )
        cdk.Annotations.of(cfn).add_warning_v2(
            WARNING_IDS["not-logged"],
            f"VPC endpoint for {mapping.service_name} ({result.mapping.event_source}) is not logged: {where} logs "
            f"every call or every denial through it ({result.reason}). Add its selectors with "
            f"presets.for_endpoints([endpoint]) to a NetworkTrail, or acknowledge this warning",
        )
    elif result.status is CoverageStatus.UNSUPPORTED:
        unknown = mapping.kind is EndpointKind.UNKNOWN
        cdk.Annotations.of(cfn).add_warning_v2(
            WARNING_IDS["unknown" if unknown else "unsupported"],
            f"VPC endpoint for {mapping.service_name or 'no service name'} cannot be logged by network activity "
            f"events: {result.reason}. Acknowledge this warning if that is expected",
        )


@jsii.implements(IValidation)
class _Check:
    """Runs the check after every aspect and ``prepare``, before the templates are written.

    Validation is the last phase in which annotations still reach the cloud assembly; the
    report is written then, into the directory the templates go to.
    """

    def __init__(self, aspect: NetworkActivityCoverage, stage: cdk.Stage) -> None:
        self._aspect = aspect
        self._stage = stage

    def validate(self) -> list[str]:
        report = self._aspect.check()
        path = Path(self._stage.outdir) / REPORT_FILE
        os.makedirs(path.parent, exist_ok=True)
        path.write_text(json.dumps(report, indent=2) + "\n")
        return []
