"""Synth-time overhead of the NetworkActivityCoverage Aspect: prints figures, not a test.

Each case is a whole process (``python -m benchmarks._coverage_case CASE N``) with the
venv's ``bin`` first on PATH (jsii on Node 24), timed from here; the cases run interleaved,
one of each per round in a rotating order, and the figures are medians over ``--reps`` rounds, so the ratios
compare runs made under the same load. Goal: the Aspect adds at most 5 % to the synth of
the 100-environment sample app (wall time of the whole process, ``app+aspect`` / ``app``).

Usage: ``.venv/bin/python benchmarks/coverage.py [--reps 5] [--envs 100]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synth import PYTHON, ROOT, child_env

GOAL = 1.05
CASES = ("app", "app+noop", "app+aspect", "endpoints", "endpoints+aspect")


def run(case: str, envs: int) -> tuple[float, float, dict[str, float]]:
    """One case as a whole process: wall time, CPU time (user + system of it and its Node kernel), report."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(PYTHON), "-m", "benchmarks._coverage_case", case, str(envs)],
            cwd=ROOT,
            env=child_env(),
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    lines = [x for x in stdout.splitlines() if x.startswith("BENCH ")]
    if os.waitstatus_to_exitcode(status) != 0 or not lines:
        raise SystemExit(f"case {case} failed:\n{stderr[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, json.loads(lines[-1].removeprefix("BENCH "))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--envs", type=int, default=100)
    parser.add_argument("--cases", help=f"comma-separated subset of {','.join(CASES)}")
    args = parser.parse_args(argv)
    cases = CASES if args.cases is None else tuple(args.cases.split(","))
    walls: dict[str, list[float]] = {c: [] for c in cases}
    cpus: dict[str, list[float]] = {c: [] for c in cases}
    reports: dict[str, list[dict[str, float]]] = {c: [] for c in cases}
    for rep in range(args.reps):
        # Each round starts one case later, so no case always runs first or after the same one.
        for case in cases[rep % len(cases) :] + cases[: rep % len(cases)]:
            wall, cpu, result = run(case, args.envs)
            walls[case].append(wall)
            cpus[case].append(cpu)
            reports[case].append(result)
            print(
                f"round {rep + 1}: {case:18} wall {wall:6.2f} s  cpu {cpu:6.2f} s  synth {result['synth_s']:6.2f} s"
            )
    print(f"\n{args.envs} environments, median of {args.reps} interleaved rounds (whole processes):")
    print(f"{'case':18} {'wall s':>8} {'cpu s':>8}")
    for case in cases:
        print(f"{case:18} {statistics.median(walls[case]):8.2f} {statistics.median(cpus[case]):8.2f}")
    for case in cases:
        if case.endswith("+aspect"):
            own = [r["visit_s"] + r["check_s"] for r in reports[case]]
            visits = reports[case][0]["visits"]
            print(
                f"{case}: the Aspect's own Python work {statistics.median(own):.3f} s "
                f"({visits} calls from the kernel: {statistics.median(r['visit_s'] for r in reports[case]):.3f} s; "
                f"check and report: {statistics.median(r['check_s'] for r in reports[case]):.3f} s)"
            )
    for base, with_aspect in (("app", "app+noop"), ("app", "app+aspect"), ("endpoints", "endpoints+aspect")):
        if base not in cases or with_aspect not in cases:
            continue
        cpu_ratio = statistics.median(cpus[with_aspect]) / statistics.median(cpus[base])
        wall_ratio = statistics.median(walls[with_aspect]) / statistics.median(walls[base])
        verdict = "meets" if cpu_ratio <= GOAL else "MISSES"
        print(
            f"{with_aspect} / {base}: CPU {cpu_ratio:.3f}, wall {wall_ratio:.3f}; "
            f"goal <= {GOAL:.2f} (on CPU time, which other processes on the machine stretch least): {verdict}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
