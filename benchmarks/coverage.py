"""Synth-time overhead of the NetworkActivityCoverage Aspect: prints figures, not a test.

Each case is a whole process (``python -m benchmarks._coverage_case CASE N``) with the
venv's ``bin`` first on PATH (jsii on Node 24), timed from here; the cases run interleaved,
one of each per round, and the figures are medians over ``--reps`` rounds, so the ratios
compare runs made under the same load. Goal: the Aspect adds at most 5 % to the synth of
the 100-environment sample app (wall time of the whole process, ``app+aspect`` / ``app``).

Usage: ``.venv/bin/python benchmarks/coverage.py [--reps 5] [--envs 100]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.synth import PYTHON, ROOT, child_env  # noqa: E402

GOAL = 1.05
CASES = ("app", "app+aspect", "endpoints", "endpoints+aspect")


def run(case: str, envs: int) -> tuple[float, dict[str, float]]:
    start = time.perf_counter()
    done = subprocess.run(
        [str(PYTHON), "-m", "benchmarks._coverage_case", case, str(envs)],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - start
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH "))
    return wall, json.loads(line.removeprefix("BENCH "))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--envs", type=int, default=100)
    args = parser.parse_args(argv)
    walls: dict[str, list[float]] = {c: [] for c in CASES}
    synths: dict[str, list[float]] = {c: [] for c in CASES}
    for rep in range(args.reps):
        for case in CASES:
            wall, result = run(case, args.envs)
            walls[case].append(wall)
            synths[case].append(result["synth_s"])
            print(f"round {rep + 1}: {case:18} wall {wall:6.2f} s  synth {result['synth_s']:6.2f} s", flush=True)
    print(f"\n{args.envs} environments, median of {args.reps} interleaved rounds:")
    print(f"{'case':18} {'wall s':>8} {'app.synth() s':>14}")
    for case in CASES:
        print(f"{case:18} {statistics.median(walls[case]):8.2f} {statistics.median(synths[case]):14.2f}")
    for base, with_aspect in (("app", "app+aspect"), ("endpoints", "endpoints+aspect")):
        ratio = statistics.median(walls[with_aspect]) / statistics.median(walls[base])
        synth_ratio = statistics.median(synths[with_aspect]) / statistics.median(synths[base])
        paired = statistics.median(a / b for a, b in zip(walls[with_aspect], walls[base], strict=True))
        verdict = "meets" if ratio <= GOAL else "MISSES"
        print(
            f"{with_aspect} / {base}: wall {ratio:.3f} (median of per-round ratios {paired:.3f}), "
            f"app.synth() {synth_ratio:.3f}; goal <= {GOAL:.2f}: {verdict}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
