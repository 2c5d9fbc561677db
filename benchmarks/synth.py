"""Synth cost of NetworkTrail against hand-written CloudFormation: prints figures, not a test.

Each case is a whole process (``python -m benchmarks._cases CASE``) of the venv's
Python, with the venv's ``bin`` first on PATH so jsii runs on Node 24, timed from
here; the figures are medians over ``--reps`` rounds. The cases run interleaved
(one of each per round), so load from other processes on the machine spreads over
all of them and the ratios stay comparable within one run.

Cases: ``floor`` (an app with one stack holding one empty resource), ``l1`` (the
construct's default resources written with ``Cfn*`` classes), ``default`` and
``large`` (NetworkTrail with its defaults, and with every source, endpoint-scoped
conditions and CloudWatch Logs), ``app N`` (the sample app with N environments),
``l1 N`` and ``default N`` (N stacks of the hand-written template, and of the
construct's default, which makes the same template). ``--validation-breakdown``
runs the multi-stack cases again with CDK's built-in template validation off
(``CDK_VALIDATION=false``), to show what it costs per stack.

Usage: ``make bench-synth`` or ``.venv/bin/python benchmarks/synth.py [--reps 5]``.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
PLOT = ROOT / "docs" / "synth-scaling.png"
DEFAULT_ENVS = (1, 10, 50, 100)

GOAL_VS_L1 = 1.10
GOAL_PER_STACK_VS_L1 = 1.10
GOAL_APP_VS_FLOOR = 1.4
GOAL_MS_PER_ENV = 60.0
GOAL_100_ENVS_S = 10.0
GOAL_R2 = 0.99


def child_env(pythonpath: Path | None = None, *, validation: bool = True) -> dict[str, str]:
    """The environment of ``make``: the venv's bin (Node 24) and the CDK CLI first on PATH.

    :param pythonpath: a directory whose ``network_trail`` replaces the repo's (``--baseline``).
    :param validation: CDK's built-in template validation, on unless ``CDK_VALIDATION=false``.
    """
    path = f"{VENV_BIN}:{ROOT / 'node_modules' / '.bin'}:{os.environ.get('PATH', '')}"
    env = {**os.environ, "PATH": path, "CDK_DISABLE_VERSION_CHECK": "1"}
    env.pop("CDK_VALIDATION", None)
    if not validation:
        env["CDK_VALIDATION"] = "false"
    if pythonpath is not None:
        env["BENCH_BASELINE"] = str(pythonpath)
    return env


@dataclass
class Runs:
    """Every measurement of one case."""

    label: str
    case: str
    count: int = 1
    pythonpath: Path | None = None
    validation: bool = True
    wall_s: list[float] = field(default_factory=list)
    cpu_s: list[float] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    jsii_calls: int | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.wall_s)

    @property
    def best(self) -> float:
        return min(self.wall_s)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpu_s)

    def median_of(self, key: str) -> float:
        return float(statistics.median(r[key] for r in self.results))

    @property
    def exit_s(self) -> float:
        """Median wall time outside the phases: the interpreter's start and, mostly, its exit.

        At exit jsii stops the Node kernel and waits for it; Node first finishes the background
        compilation V8 has queued (https://github.com/nodejs/node/issues/36616), here the
        optimizing compilation of the hot functions of CDK's template validator (WebAssembly).
        """
        phases = ("startup_s", "import_cdk_s", "build_s", "synth_s")
        return float(
            statistics.median(
                wall - sum(r[p] for p in phases) for wall, r in zip(self.wall_s, self.results, strict=True)
            )
        )

    def peak_mib(self, part: str) -> float:
        return float(statistics.median(r["peak_rss_kib"][part] for r in self.results)) / 1024


def run_case(
    case: str, count: int = 1, *extra: str, pythonpath: Path | None = None, validation: bool = True
) -> tuple[float, float, dict[str, Any]]:
    """Run one case as a whole process: its wall time, its CPU time and its own report.

    The CPU time (user + system, from ``wait4``) covers the process and the descendants it
    waited for: the venv's ``node`` shim and the Node kernel. Other processes on the
    machine stretch the wall time far more than the CPU time.
    """
    cmd = [str(PYTHON), "-m", "benchmarks._cases", case, str(count), *extra]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=child_env(pythonpath, validation=validation), stdout=out, stderr=err
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    lines = [line for line in stdout.splitlines() if line.startswith("BENCH ")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1].removeprefix("BENCH "))
    return wall, usage.ru_utime + usage.ru_stime, result


def compile_bytecode(*packages: Path) -> None:
    """Compile the packages the cases import, as pip does when it installs a wheel.

    Python writes no bytecode where ``PYTHONDONTWRITEBYTECODE`` is set (this project's CI machines
    set it): each case would compile the package from source again, about 30 ms that no installed
    package costs.
    """
    for package in packages:
        if not compileall.compile_dir(package, quiet=1):
            raise SystemExit(f"cannot compile {package}")


def normalized_resources(dump: Path) -> list[dict[str, Any]]:
    """The resources of a one-stack dump in template order, logical ids replaced by their position.

    CDK's own ``AWS::CDK::Metadata`` resource and ``aws:cdk:path`` metadata entries (the construct
    path) are left out; every other metadata entry is kept and compared.
    """
    (resources,) = json.loads(dump.read_text()).values()
    kept = {lid: r for lid, r in resources.items() if r["Type"] != "AWS::CDK::Metadata"}
    text = json.dumps([_without_path(r) for r in kept.values()])
    for position, lid in enumerate(kept):
        text = text.replace(f'"{lid}"', f'"#{position}"')
    normalized: list[dict[str, Any]] = json.loads(text)
    return normalized


def _without_path(resource: dict[str, Any]) -> dict[str, Any]:
    metadata = {k: v for k, v in resource.get("Metadata", {}).items() if k != "aws:cdk:path"}
    kept = {k: v for k, v in resource.items() if k != "Metadata"}
    return {**kept, "Metadata": metadata} if metadata else kept


def check_l1_equivalent() -> str:
    """Compare the hand-written L1 template with the construct's default, logical ids and paths aside.

    Different resource types or counts stop the benchmark; different properties (the
    construct changed and ``_l1_equivalent.py`` was not updated) are reported.
    """
    with tempfile.TemporaryDirectory(prefix="bench-check-") as tmp:
        dumps = {case: Path(tmp) / f"{case}.json" for case in ("l1", "default")}
        for case, dump in dumps.items():
            run_case(case, 1, "--dump", str(dump))
        l1, default = (normalized_resources(dump) for dump in dumps.values())
    types = [r["Type"] for r in l1], [r["Type"] for r in default]
    if types[0] != types[1]:
        raise SystemExit(f"the L1 equivalent has other resources than NetworkTrail's default: {types}")
    counts: dict[str, int] = {}
    for resource in default:
        counts[resource["Type"]] = counts.get(resource["Type"], 0) + 1
    summary = ", ".join(f"{n} {t}" for t, n in counts.items())
    differing = [a["Type"] for a, b in zip(l1, default, strict=True) if a != b]
    if differing:
        return f"same resource types and counts ({summary}); WARNING: properties or metadata differ in {differing}"
    return f"same resources, properties and metadata ({summary})"


def least_squares(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float, float]:
    """Slope, intercept and R^2 of the least-squares line through the points."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = my - slope * mx
    ss_res = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    ss_tot = sum((y - my) ** 2 for y in ys)
    return slope, intercept, 1 - ss_res / ss_tot if ss_tot else 1.0


def machine() -> str:
    """nproc, CPU model, Python and Node versions of the machine the figures come from."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    node = subprocess.run(
        ["node", "--version"], env=child_env(), capture_output=True, text=True, check=False
    ).stdout.strip()
    py = subprocess.run(
        [str(PYTHON), "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    load = Path("/proc/loadavg").read_text().split()[:3]
    return f"{os.cpu_count()} CPUs ({cpu}), {py}, Node {node}, load average {' '.join(load)}"


def plot(
    app_runs: Sequence[Runs],
    slope: float,
    intercept: float,
    r2: float,
    path: Path,
    references: Sequence[tuple[str, Sequence[Runs]]] = (),
) -> None:
    """Wall time against number of environments: every run, medians and the fitted line.

    :param references: other series (label, runs by stack count) drawn as median lines.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for runs in app_runs:
        ax.scatter([runs.count] * len(runs.wall_s), runs.wall_s, color="#9ab", s=14, zorder=2)
    counts = [r.count for r in app_runs]
    ax.plot(counts, [r.median for r in app_runs], "o", color="#c33", label="median", zorder=3)
    ends = [0, max(counts)]
    ax.plot(
        ends,
        [intercept + slope * x for x in ends],
        "--",
        color="#333",
        label=f"fit: {intercept:.2f} s + {slope * 1000:.0f} ms/env (R² {r2:.3f})",
    )
    for (label, series), color in zip(references, ("#37a", "#a73", "#7a3", "#777"), strict=False):
        ax.plot([r.count for r in series], [r.median for r in series], ".-", color=color, lw=1, label=label)
    ax.axhline(
        GOAL_100_ENVS_S, color="#3a3", lw=0.8, ls=":", label=f"goal: 100 envs ≤ {GOAL_100_ENVS_S:.0f} s"
    )
    ax.set_xlabel("environments in the sample app (one stack each)")
    ax.set_ylabel("wall time of the whole process (s)")
    ax.set_title("Sample-app synth time against number of environments")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def goal_verdicts(ratios: dict[str, float], goal: float) -> str:
    """``goal <= 1.1x: wall median met, ...`` for ratios by metric name."""
    return f"goal <= {goal}x: " + ", ".join(
        f"{name} {verdict(value <= goal)}" for name, value in ratios.items()
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=5, help="rounds; figures are medians (default: 5)")
    parser.add_argument(
        "--envs",
        type=lambda s: tuple(int(n) for n in s.split(",")),
        default=DEFAULT_ENVS,
        help="environment counts of the sample app, comma-separated (default: 1,10,50,100)",
    )
    parser.add_argument("--plot", type=Path, default=PLOT, help=f"PNG to write (default: {PLOT})")
    parser.add_argument("--no-plot", action="store_true", help="write no PNG")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a directory holding another network_trail package (e.g. a copy from before a change): "
        "its construct and sample-app cases run interleaved with the repo's, for a paired comparison",
    )
    parser.add_argument(
        "--validation-breakdown",
        action="store_true",
        help="also run the multi-stack cases with CDK's built-in template validation off",
    )
    args = parser.parse_args(argv)
    if len(args.envs) < 2 or 1 not in args.envs:
        parser.error("--envs needs 1 and at least one other count")

    compile_bytecode(
        ROOT / "network_trail",
        ROOT / "benchmarks",
        *([args.baseline / "network_trail"] if args.baseline else []),
    )
    print(f"machine: {machine()}")
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"L1 equivalent vs NetworkTrail's default: {check_l1_equivalent()}", flush=True)
    run_case("floor")  # warm-up: jsii's cache and the OS page cache

    fixed = [
        Runs("floor: one stack, one empty resource", "floor"),
        Runs("hand-written L1 equivalent", "l1"),
        Runs("NetworkTrail, default", "default"),
        Runs("NetworkTrail, large configuration", "large"),
    ]
    apps = [Runs(f"sample app, {n} environment{'s' if n > 1 else ''}", "app", n) for n in sorted(args.envs)]
    # The same environment counts as hand-written L1 stacks: what an environment costs without the library.
    l1_apps = [Runs(f"hand-written L1, {n} stacks", "l1", n) for n in sorted(args.envs) if n > 1]
    # The construct's default in as many stacks: the same template as the L1 stacks.
    default_apps = [
        Runs(f"NetworkTrail default, {n} stacks", "default", n) for n in sorted(args.envs) if n > 1
    ]
    unvalidated = []
    if args.validation_breakdown:
        unvalidated = [
            Runs(f"{r.label} [no CDK validation]", r.case, r.count, validation=False)
            for r in (*fixed[1:3], *apps, *l1_apps, *default_apps)
        ]
    baseline = []
    if args.baseline is not None:
        baseline = [
            Runs(f"{r.label} [baseline]", r.case, r.count, pythonpath=args.baseline.resolve())
            for r in (*fixed[2:], *apps)
        ]
    every = [*fixed, *apps, *l1_apps, *default_apps, *unvalidated, *baseline]
    started = time.perf_counter()
    for rep in range(args.reps):
        for runs in every:
            wall, cpu, result = run_case(
                runs.case, runs.count, pythonpath=runs.pythonpath, validation=runs.validation
            )
            runs.wall_s.append(wall)
            runs.cpu_s.append(cpu)
            runs.results.append(result)
        print(f"  round {rep + 1}/{args.reps} done ({time.perf_counter() - started:.0f} s)", flush=True)
    for runs in every:
        if runs.count <= 10 and runs.validation:
            report = run_case(runs.case, runs.count, "--count-calls", pythonpath=runs.pythonpath)[2]
            runs.jsii_calls = report["jsii_calls"]

    print()
    header = (
        f"{'case':<49} {'wall s':>7} {'min s':>6} {'CPU s':>6} {'import':>7} {'build':>6} {'synth':>6} {'exit':>5} "
        f"{'py MiB':>7} {'node MiB':>8} {'jsii calls':>10}"
    )
    print(header)
    print("-" * len(header))
    for runs in every:
        calls = "" if runs.jsii_calls is None else str(runs.jsii_calls)
        print(
            f"{runs.label:<49} {runs.median:7.2f} {runs.best:6.2f} {runs.cpu:6.2f} "
            f"{runs.median_of('import_cdk_s'):7.2f} {runs.median_of('build_s'):6.2f} "
            f"{runs.median_of('synth_s'):6.2f} {runs.exit_s:5.2f} {runs.peak_mib('python'):7.0f} "
            f"{runs.peak_mib('kernel'):8.0f} {calls:>10}"
        )
    print(
        "(wall: median over rounds of the whole process, min s: its fastest round, CPU s: median user+system "
        "time of the process and its children; import/build/synth: medians of the wall time of the phases "
        "inside it; exit: the rest of the wall time, mostly the wait for the Node kernel to exit; MiB: peak "
        "RSS of Python and of the jsii Node kernel)"
    )

    floor, l1, default, large = fixed
    app1, biggest = apps[0], apps[-1]
    counts = [r.count for r in apps]
    metrics: dict[str, Callable[[Runs], float]] = {
        "wall median": lambda r: r.median,
        "wall min": lambda r: r.best,
        "CPU": lambda r: r.cpu,
    }

    def ratio_line(label: str, num: Runs, den: Runs, goal: float | None = None) -> None:
        ratios = {name: get(num) / get(den) for name, get in metrics.items()}
        text = ", ".join(f"{name} {value:.3f}x" for name, value in ratios.items())
        verdicts = "" if goal is None else f"  ({goal_verdicts(ratios, goal)})"
        print(f"{label:<36}{text}{verdicts}")

    print()
    ratio_line("construct default / L1 equivalent:", default, l1, GOAL_VS_L1)
    ratio_line("construct large / L1 equivalent:", large, l1)
    ratio_line("construct default / floor:", default, floor)
    ratio_line("construct large / floor:", large, floor)
    ratio_line("sample app, 1 env / floor:", app1, floor, GOAL_APP_VS_FLOOR)

    def fits_of(series: Sequence[Runs]) -> dict[str, tuple[float, float, float]]:
        """Least-squares fit of each metric against the number of stacks."""
        xs = [r.count for r in series]
        return {name: least_squares(xs, [get(r) for r in series]) for name, get in metrics.items()}

    def per_stack_line(label: str, fitted: dict[str, tuple[float, float, float]], note: str = "") -> None:
        print(
            f"{label:<36}"
            + ", ".join(f"{name} {fit[0] * 1000:.1f} ms" for name, fit in fitted.items())
            + note
        )

    fits = fits_of(apps)
    print(
        f"{'marginal cost per environment:':<36}"
        + ", ".join(f"{name} {fit[0] * 1000:.1f} ms" for name, fit in fits.items())
        + f"  (least squares over {counts}; goal <= {GOAL_MS_PER_ENV:.0f} ms: "
        + ", ".join(f"{name} {verdict(fit[0] * 1000 <= GOAL_MS_PER_ENV)}" for name, fit in fits.items())
        + ")"
    )
    l1_fits = fits_of([l1, *l1_apps])
    per_stack_line(
        "  the same, hand-written L1 stacks:",
        l1_fits,
        "  (reference: the default template per environment without network_trail)",
    )
    default_fits = fits_of([default, *default_apps])
    per_stack_line(
        "  the same, NetworkTrail default:", default_fits, "  (the same template as the L1 stacks)"
    )
    print(
        f"{'construct / L1, per environment:':<36}"
        + ", ".join(f"{name} {fits[name][0] / l1_fits[name][0]:.3f}x" for name in metrics)
        + "  (sample-app environments, heavier than the default, against L1 default stacks)"
    )
    per_stack = {name: default_fits[name][0] / l1_fits[name][0] for name in metrics}
    print(
        f"{'construct default / L1, per stack:':<36}"
        + ", ".join(f"{name} {ratio:.3f}x" for name, ratio in per_stack.items())
        + f"  (the same template; {goal_verdicts(per_stack, GOAL_PER_STACK_VS_L1)})"
    )
    if unvalidated:
        off = {(r.case, r.count): r for r in unvalidated}
        print("without CDK's built-in template validation (CDK_VALIDATION=false), same rounds:")
        for label, series in (
            ("sample app", apps),
            ("L1 stacks", [l1, *l1_apps]),
            ("default stacks", [default, *default_apps]),
        ):
            with_validation = fits_of(series)
            without = fits_of([off[(r.case, r.count)] for r in series])
            share = with_validation["wall median"][0] - without["wall median"][0]
            per_stack_line(
                f"  {label}, per stack:",
                without,
                f"  (validation: {share * 1000:.1f} ms of {with_validation['wall median'][0] * 1000:.1f} ms "
                "wall median per stack)",
            )
        app_off = off[("app", biggest.count)]
        print(
            f"  sample app, {biggest.count} environments: wall median {app_off.median:.2f} s "
            f"(with validation {biggest.median:.2f} s)"
        )
    print(
        f"{'linearity (R^2 of that fit):':<36}"
        + ", ".join(f"{name} {fit[2]:.4f}" for name, fit in fits.items())
        + f"  (goal >= {GOAL_R2})"
    )
    if biggest.count == 100:
        print(
            f"{'sample app, 100 environments:':<36}wall median {biggest.median:.2f} s, wall min "
            f"{biggest.best:.2f} s, CPU {biggest.cpu:.2f} s  (goal <= {GOAL_100_ENVS_S:.0f} s wall: median "
            f"{verdict(biggest.median <= GOAL_100_ENVS_S)}, min {verdict(biggest.best <= GOAL_100_ENVS_S)})"
        )
    if baseline:
        print()
        print(f"this tree / baseline ({args.baseline}), same rounds:")
        mine = {(r.case, r.count): r for r in (*fixed, *apps)}
        for before in baseline:
            after = mine[(before.case, before.count)]
            calls = f", jsii calls {before.jsii_calls} -> {after.jsii_calls}" if before.jsii_calls else ""
            ratio_line(f"  {after.label}:", after, before)
            if calls:
                print(f"  {'':<34}{calls.removeprefix(', ')}")
        old = {(r.case, r.count): r for r in baseline}
        old_default, old_app1 = old[("default", 1)], old[("app", 1)]
        print("the goals for the baseline, same rounds (before -> after):")
        for name, get in metrics.items():
            print(
                f"  {name}: default / L1 {get(old_default) / get(l1):.3f}x -> {get(default) / get(l1):.3f}x, "
                f"sample app 1 env / floor {get(old_app1) / get(floor):.3f}x -> {get(app1) / get(floor):.3f}x"
            )
        old_fits = fits_of([old[("app", r.count)] for r in apps])
        per_stack_line(
            "  per environment, baseline:",
            old_fits,
            f"  (R^2 {old_fits['wall median'][2]:.4f}; this tree: "
            f"{fits['wall median'][0] * 1000:.1f} ms, R^2 {fits['wall median'][2]:.4f})",
        )
        old_biggest = old[("app", biggest.count)]
        print(
            f"  sample app, {biggest.count} environments, baseline: wall median {old_biggest.median:.2f} s, "
            f"min {old_biggest.best:.2f} s, CPU {old_biggest.cpu:.2f} s (this tree: {biggest.median:.2f} s, "
            f"{biggest.best:.2f} s, {biggest.cpu:.2f} s)"
        )
    slope, intercept, r2 = fits["wall median"]
    if not args.no_plot:
        references = [
            ("hand-written L1, one stack each (median)", [l1, *l1_apps]),
            ("NetworkTrail default, one stack each (median)", [default, *default_apps]),
        ]
        if unvalidated:
            references.append(
                ("sample app without CDK validation (median)", [off[("app", r.count)] for r in apps])
            )
        plot(apps, slope, intercept, r2, args.plot, references)
        shown = args.plot.relative_to(ROOT) if args.plot.is_relative_to(ROOT) else args.plot
        print(f"plot: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
