"""One coverage benchmark case: ``python -m benchmarks._coverage_case CASE N``, prints ``BENCH {...}``.

Cases: ``app`` (the sample app with N environments, as ``benchmarks/synth.py`` builds it),
``app+noop`` (the same with a Python Aspect that does nothing: the floor of any Python Aspect,
one round-trip from the jsii kernel to Python per construct), ``app+aspect`` (the same with ``NetworkActivityCoverage`` on the app), ``endpoints`` (the
sample app plus three VPC endpoints per environment: KMS, S3 and CloudWatch Logs) and
``endpoints+aspect``.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from typing import Any

_T0 = time.perf_counter()

CASES = ("app", "app+noop", "app+aspect", "endpoints", "endpoints+aspect")


def main(argv: list[str]) -> int:
    case, count = argv[0], int(argv[1])
    if case not in CASES:
        raise SystemExit(f"unknown case {case!r}: choose one of {CASES}")
    import aws_cdk as cdk

    from benchmarks._cases import build

    with tempfile.TemporaryDirectory(prefix="bench-coverage-") as outdir:
        app = build("app", count, outdir)
        if case.startswith("endpoints"):
            from aws_cdk import aws_ec2 as ec2

            for stack in app.node.children:
                if isinstance(stack, cdk.Stack):
                    for name in ("kms", "s3", "logs"):
                        ec2.CfnVPCEndpoint(
                            stack,
                            f"Endpoint{name.capitalize()}",
                            vpc_id="vpc-0123456789abcdef0",
                            service_name=f"com.amazonaws.{stack.region}.{name}",
                            vpc_endpoint_type="Gateway" if name == "s3" else "Interface",
                        )
        spent = {"visits": 0, "visit_s": 0.0, "check_s": 0.0}
        if case.endswith("+aspect"):
            from network_trail import NetworkActivityCoverage

            class Timed(NetworkActivityCoverage):
                """Times the Aspect's own Python work; the jsii round-trips around it are not included."""

                def _collect(self, construct: object) -> None:
                    start = time.perf_counter()
                    super()._collect(construct)
                    spent["visit_s"] += time.perf_counter() - start
                    spent["visits"] += 1

                def check(self) -> dict[str, Any]:
                    start = time.perf_counter()
                    report = super().check()
                    spent["check_s"] += time.perf_counter() - start
                    return report

            cdk.Aspects.of(app).add(Timed())
        if case == "app+noop":
            import jsii

            @jsii.implements(cdk.IAspect)
            class Noop:
                def visit(self, node: Any) -> None:
                    pass

            cdk.Aspects.of(app).add(Noop())
        t_built = time.perf_counter()
        app.synth()
        t_synth = time.perf_counter()
    result = {"case": case, "count": count, "build_s": t_built - _T0, "synth_s": t_synth - t_built, **spent}
    print("BENCH " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
