"""One benchmark case, synthesized in this process: ``python -m benchmarks._cases CASE [N]``.

``benchmarks/synth.py`` runs each case as a whole process and times it from the
outside; this module only builds and synthesizes, then prints one JSON line
(``BENCH {...}``) with in-process phase times, peak memory of Python and of
the jsii Node kernel, and, with ``--count-calls``, the number of jsii
round-trips. ``--dump FILE`` writes the stacks' Resources as JSON instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_T0 = time.perf_counter()
BASELINE = "BENCH_BASELINE"
"""A directory whose ``network_trail`` package replaces the repo's (``synth.py --baseline``)."""
if os.environ.get(BASELINE):
    sys.path.insert(0, os.environ[BASELINE])

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "123456789012"
REGION = "us-east-1"
_REGIONS = ("us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2", "us-west-2", "sa-east-1")
CASES = ("floor", "l1", "default", "large", "app")


def cdk_context() -> dict[str, Any]:
    """The context of cdk.json (feature flags, settings and the sample app's keys)."""
    context: dict[str, Any] = json.loads((ROOT / "cdk.json").read_text())["context"]
    return context


# The dev, staging and prod environments of cdk.json (2026-11), fixed here so the figures do not
# move when cdk.json does: GA access denied; more sources and CloudWatch Logs; endpoint-scoped
# log-all, management events, an organization condition and tags.
_GA = ["cloudtrail", "ec2", "kms", "s3", "secretsmanager"]
SHAPES: tuple[dict[str, Any], ...] = (
    {"selectors": [{"preset": "access-denied", "sources": _GA}]},
    {
        "selectors": [{"preset": "access-denied", "sources": [*_GA, "dynamodb", "sqs", "sns"]}],
        "send_to_cloud_watch_logs": True,
    },
    {
        "management_events": "all",
        "selectors": [
            {
                "preset": "log-all",
                "sources": ["kms", "secretsmanager", "s3"],
                "vpc_endpoint_ids": ["vpce-0a1b2c3d4e5f60718", "vpce-0f1e2d3c4b5a69788"],
            },
            {
                "preset": "access-denied",
                "sources": ["cloudtrail", "ec2", "dynamodb", "sqs", "sns", "lambda", "ssm"],
            },
        ],
        "send_to_cloud_watch_logs": True,
        "organization_id": "o-a1b2c3d4e5",
        "tags": {"Environment": "prod", "DataClassification": "security-logs"},
    },
)


def environments(count: int) -> dict[str, Any]:
    """``count`` sample-app environments: the three shapes cycled, each with its own account and Region."""
    return {
        f"env{i:03d}": {
            **SHAPES[i % len(SHAPES)],
            "account": str(100000000000 + i),
            "region": _REGIONS[i % len(_REGIONS)],
        }
        for i in range(count)
    }


def _count_jsii_calls() -> Callable[[], int]:
    """Count every request sent to the jsii kernel (each one is a round-trip to Node)."""
    from jsii._kernel.providers import process

    calls = [0]
    send = process._NodeProcess.send

    def counting_send(self: Any, request: Any, response_type: Any) -> Any:
        calls[0] += 1
        return send(self, request, response_type)

    process._NodeProcess.send = counting_send  # type: ignore[method-assign]
    return lambda: calls[0]


def _peak_rss_kib() -> dict[str, int]:
    """VmHWM of this process and of its children (the Node kernel), in KiB."""

    def hwm(pid: int | str) -> int:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def children(pid: int | str) -> list[str]:
        found = [
            child
            for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()
        ]
        return found + [grandchild for child in found for grandchild in children(child)]

    # The venv's `node` is a Python shim that runs the real node binary as its own child.
    return {"python": hwm("self"), "kernel": sum(hwm(pid) for pid in children("self"))}


def build(case: str, count: int, outdir: str) -> Any:
    """Build the app of ``case`` (imports included, as a user's app.py would do them).

    The floor holds one resource without properties: CDK's synth-time template validation
    (``CloudFormation-Validate::F0001``) rejects a stack without resources.
    """
    import aws_cdk as cdk

    # cdk.json's feature flags and settings; the sample app's own keys come from this module.
    flags = {k: v for k, v in cdk_context().items() if not k.startswith("network-trail:")}
    if case == "app":
        from network_trail.app.config import CONTEXT_KEY
        from network_trail.app.delivery import build_app

        app = cdk.App(context={**flags, CONTEXT_KEY: environments(count)}, outdir=outdir)
        build_app(app)
        return app
    app = cdk.App(context=flags, outdir=outdir)
    if case == "l1" or (case == "default" and count > 1):
        # Each case imports only what it builds with: the L1 stacks never load network_trail.
        add_trail: Callable[[cdk.Stack], object]
        if case == "l1":
            from benchmarks._l1_equivalent import add_l1_trail as add_trail
        else:
            from network_trail import NetworkTrail

            def add_trail(stack: cdk.Stack) -> object:
                return NetworkTrail(stack, "NetworkTrail")

        # ``count`` stacks, as the sample app has one per environment: the per-environment
        # cost of the hand-written template, the reference for the construct's, and of the
        # construct's default, which makes the same template.
        for i in range(count):
            # The first stack is the single-stack cases' (same account and Region): the L1
            # template is compared with NetworkTrail's default before timing.
            account, region = (
                (ACCOUNT, REGION) if i == 0 else (str(100000000000 + i), _REGIONS[i % len(_REGIONS)])
            )
            env = cdk.Environment(account=account, region=region)
            add_trail(cdk.Stack(app, "Bench" if i == 0 else f"Bench{i}", env=env))
        return app
    stack = cdk.Stack(app, "Bench", env=cdk.Environment(account=ACCOUNT, region=REGION))
    if case == "default":
        from network_trail import NetworkTrail

        NetworkTrail(stack, "NetworkTrail")
    elif case == "large":
        from network_trail import NetworkActivityEventSource, NetworkTrail, presets

        NetworkTrail(
            stack,
            "NetworkTrail",
            selectors=presets.for_sources(
                list(NetworkActivityEventSource),
                preset="log-all",
                vpc_endpoint_ids=["vpce-0a1b2c3d4e5f60718", "vpce-0f1e2d3c4b5a69788"],
            ),
            send_to_cloud_watch_logs=True,
        )
    elif case == "floor":
        cdk.CfnWaitConditionHandle(stack, "Placeholder")
    else:
        raise SystemExit(f"unknown case {case!r}: choose one of {CASES}")
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("case", choices=CASES)
    parser.add_argument(
        "count",
        nargs="?",
        type=int,
        default=1,
        help="environments (stacks) of the 'app', 'l1' and 'default' cases",
    )
    parser.add_argument("--count-calls", action="store_true", help="count jsii round-trips (slower)")
    parser.add_argument("--dump", type=Path, help="write every stack's Resources to this JSON file")
    args = parser.parse_args(argv)
    calls = _count_jsii_calls() if args.count_calls else None
    t_start = time.perf_counter()
    import aws_cdk  # noqa: F401  (starts the Node kernel and loads aws-cdk-lib: the fixed cost)

    t_imported = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as outdir:
        app = build(args.case, args.count, outdir)
        t_built = time.perf_counter()
        assembly = app.synth()
        t_synth = time.perf_counter()
        if args.dump:
            resources = {s.stack_name: s.template.get("Resources", {}) for s in assembly.stacks}
            args.dump.write_text(json.dumps(resources, indent=1))
        result = {
            "case": args.case,
            "count": args.count,
            "stacks": len(assembly.stacks),
            "startup_s": t_start - _T0,
            "import_cdk_s": t_imported - t_start,
            "build_s": t_built - t_imported,
            "synth_s": t_synth - t_built,
            "peak_rss_kib": _peak_rss_kib(),
            "jsii_calls": calls() if calls else None,
        }
    print("BENCH " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
