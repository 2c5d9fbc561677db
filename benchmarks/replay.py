"""Benchmark of `network-trail replay` against `network-trail simulate` on the same logs (a script, not a test).

Uses the log files of ``benchmarks/simulate.py`` (gzip CloudTrail network activity files in the S3
layout, generated once into ``--dir``), then in one run times:

1. ``network-trail simulate --selectors prod.json --json`` (the sample app's ``prod`` selectors);
2. ``network-trail replay --policy account-only.json --json``: every distinct call against an endpoint
   policy that allows the account's callers and denies every other account (the shape of the
   GuardDuty-documented endpoint policy, ``StringNotEquals aws:PrincipalAccount``);

checks that replay accounts for every record, and measures the peak memory of replay on N files and
on 4N files. Goal: replay within 1.5x of simulate's wall time, flat memory.

With ``--baseline DIR`` (a checkout of the project from before a change, e.g. a git worktree) it also times
that checkout's replay in the same run (its package first on ``PYTHONPATH``); ``--rounds N`` repeats the timed
commands N times, interleaved, and reports the median of each.

Usage: ``python benchmarks/replay.py [--records 1000000] [--per-file 2000] [--dir /tmp/nt-bench-replay]
[--baseline DIR] [--rounds 1]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.simulate import ACCOUNT, cpu_model, generate, peak_rss_mib, selectors, timed

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "AllowAll", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
        {
            "Sid": "DenyOtherAccounts",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:PrincipalAccount": ACCOUNT}},
        },
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--per-file", type=int, default=2_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/nt-bench-replay"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="--jobs of both commands")
    parser.add_argument(
        "--baseline", type=Path, help="a checkout of the project to time as well (before a change)"
    )
    parser.add_argument("--rounds", type=int, default=1, help="timed rounds, interleaved; medians reported")
    args = parser.parse_args()

    t0 = time.perf_counter()
    files = generate(args.dir / "logs", args.records, args.per_file)
    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}, Python {platform.python_version()}")
    print(
        f"data: {len(files)} files, {args.records:,} records, "
        f"{sum(p.stat().st_size for p in files) / 2**20:.1f} MiB gzip (ready in {time.perf_counter() - t0:.1f} s)"
    )
    sel_path, policy_path = args.dir / "selectors.json", args.dir / "account-only.json"
    sel_path.write_text(json.dumps(selectors()))
    policy_path.write_text(json.dumps(POLICY))
    tool = shutil.which("network-trail") or "network-trail"
    jobs = f"--jobs={args.jobs}"
    simulate_cmd = [tool, "simulate", "--no-progress", "--json", jobs, "--selectors", str(sel_path)]
    replay_cmd = [tool, "replay", "--json", jobs, "--policy", str(policy_path)]
    logs = str(args.dir / "logs")

    runs: list[tuple[str, list[str], dict[str, str] | None]] = [
        ("network-trail simulate", simulate_cmd, None),
        ("network-trail replay", replay_cmd, None),
    ]
    if args.baseline:
        baseline_env = {**os.environ, "PYTHONPATH": str(args.baseline.resolve())}
        runs.append(("replay (baseline)", replay_cmd, baseline_env))
    print(f"load average before the timed runs: {os.getloadavg()[0]:.1f} (the machine may be shared)")
    times: dict[str, list[tuple[float, float]]] = {label: [] for label, _, _ in runs}
    outputs: dict[str, str] = {}
    for _ in range(args.rounds):
        for label, command, env in runs:
            wall, cpu, outputs[label] = timed([*command, logs], env=env)
            times[label].append((wall, cpu))
    assert json.loads(outputs["network-trail simulate"])["records"] == args.records
    report = json.loads(outputs["network-trail replay"])
    if args.baseline:
        assert json.loads(outputs["replay (baseline)"]) == report, "the baseline's report differs"
    events = sum(v["events"] for v in report["summary"].values())
    print(f"replay: {len(report['calls']):,} distinct calls, {events:,} events, summary {report['summary']}")
    print(f"load average after the timed runs: {os.getloadavg()[0]:.1f}")
    n = args.records
    median = {
        label: (statistics.median(w for w, _ in got), statistics.median(c for _, c in got))
        for label, got in times.items()
    }
    print(f"{'':<24}{'wall s':>8}{'events/s':>12}{'CPU s':>8}   (median of {args.rounds})")
    for label, (wall, cpu) in median.items():
        print(f"{label:<24}{wall:8.2f}{n / wall:12,.0f}{cpu:8.2f}")
    t_sim, c_sim = median["network-trail simulate"]
    for label in [label for label in median if label != "network-trail simulate"]:
        t_rep, c_rep = median[label]
        print(
            f"{label} / simulate: {t_rep / t_sim:.2f}x (wall), {c_rep / c_sim:.2f}x (CPU); goal: at most 1.5x (wall)"
        )

    quarter = files[: max(1, len(files) // 4)]
    rss_small = peak_rss_mib([*replay_cmd, *map(str, quarter)])
    rss_large = peak_rss_mib([*replay_cmd, *map(str, files)])
    print(
        f"peak RSS of replay: {len(quarter)} files {rss_small:.1f} MiB, {len(files)} files {rss_large:.1f} MiB"
    )
    if events != n:
        raise SystemExit(f"replay accounted for {events:,} events of {n:,}")


if __name__ == "__main__":
    main()
