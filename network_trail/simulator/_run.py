"""The scan: log files read one at a time per process, in this process or in a pool of workers."""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import methodcaller
from pathlib import Path
from typing import Any

from ..errors import NetworkTrailError
from ._compile import CompiledSelectors
from ._logs import FileProblem, _parse_records, _read_bytes, iter_log_files
from ._parse import _parse
from ._report import SelectorSet, SimulationReport, _FileResult, _report, _Tally

_get_time = methodcaller("get", "eventTime")


def _scan_file(matcher: CompiledSelectors, path: Path, *, typed: bool = True) -> _FileResult:
    try:
        data = _read_bytes(path)
        fast = matcher.scan_typed(data) if typed else None
        if fast is not None:
            counts, count, times = fast
            times = [t for t in times if t.__class__ is str]
            first, last = (min(times), max(times)) if times else (None, None)
            return _FileResult(str(path), counts, count, first, last, [], True)
        records = _parse_records(data)
    except NetworkTrailError as err:
        return _FileResult(str(path), Counter(), 0, None, None, [FileProblem(str(path), str(err))], False)
    problems: list[FileProblem] = []
    try:
        counts = Counter(map(matcher.classify, records))
    except (AttributeError, TypeError):
        good = []
        for i, rec in enumerate(records):
            if isinstance(rec, dict):
                good.append(rec)
            else:
                problems.append(
                    FileProblem(str(path), f"is {type(rec).__name__}, not an object: record skipped", i)
                )
        records = good
        counts = Counter(map(matcher.classify, records))
    times = [t for t in map(_get_time, records) if t.__class__ is str]
    first, last = (min(times), max(times)) if times else (None, None)
    return _FileResult(str(path), counts, len(records), first, last, problems, True)


_worker_matcher: CompiledSelectors | None = None


def _init_worker(selectors: Sequence[Mapping[str, Any]]) -> None:
    global _worker_matcher
    _worker_matcher = CompiledSelectors(selectors)


def _scan_in_worker(path: Path) -> _FileResult:
    assert _worker_matcher is not None
    return _scan_file(_worker_matcher, path)


def simulate(
    paths: Iterable[str | os.PathLike[str]],
    sets: Sequence[SelectorSet],
    *,
    jobs: int = 1,
    fail_fast: bool = False,
    on_problem: Callable[[FileProblem], None] | None = None,
    on_file: Callable[[Path, int], None] | None = None,
    first_management_copy: bool = False,
) -> SimulationReport:
    """Count what each selector set would log from CloudTrail log files.

    Each process reads one file at a time, so memory stays flat however many
    files there are (a file is at most 50 MB uncompressed, a CloudTrail quota).

    :param paths: log files and directories (walked recursively).
    :param sets: the selector sets to compare; all are evaluated in one pass.
    :param jobs: worker processes reading files in parallel; 1 reads in this process. Default: 1
    :param fail_fast: stop at the first bad file or record. Default: False
    :param on_problem: called with each bad file or record as it is found. Default: - none
    :param on_file: called after each file with its path and record count (for progress). Default: - none
    :param first_management_copy: price management events as the trail's free first copy. Default: False
        (an extra copy, $2.00 per 100,000)
    """
    if not sets:
        raise NetworkTrailError("sets must hold at least one SelectorSet: give selectors to simulate")
    if not isinstance(jobs, int) or jobs < 1:
        raise NetworkTrailError(f"jobs must be a whole number of processes, at least 1, got {jobs!r}")
    parsed = [_parse(s.selectors, f"sets[{i}] {s.label!r} selectors") for i, s in enumerate(sets)]
    # One matcher over the union of every set's selectors: identical selectors share a bit.
    union: list[Mapping[str, Any]] = []
    bit_of: dict[str, int] = {}
    set_bits: list[list[int]] = []
    for sel_set, sels in zip(sets, parsed, strict=True):
        bits = []
        for raw, sel in zip(sel_set.selectors, sels, strict=True):
            key = sel.key()
            if key not in bit_of:
                bit_of[key] = len(union)
                union.append({"Name": sel.name, "FieldSelectors": list(raw["FieldSelectors"])})
            bits.append(bit_of[key])
        set_bits.append(bits)
    files = list(iter_log_files(paths))
    tally = _Tally()
    problems: list[FileProblem] = []

    def consume(results: Iterable[_FileResult]) -> None:
        for result in results:
            tally.add(result)
            for problem in result.problems:
                problems.append(problem)
                if on_problem:
                    on_problem(problem)
            if on_file and result.readable:
                on_file(Path(result.path), result.records)
            if fail_fast and result.problems:
                return

    if jobs == 1 or len(files) < 2:
        matcher = CompiledSelectors(union)
        consume(_scan_file(matcher, p) for p in files)
    else:
        # fork where there is one: workers start at once, with the compiled matcher and no re-imports.
        # They never touch aws_cdk, so a jsii Node process the parent may hold (after --env) stays unused.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with context.Pool(min(jobs, len(files)), _init_worker, (union,)) as pool:
            consume(pool.imap(_scan_in_worker, files))
    return _report(tally, sets, parsed, set_bits, problems, first_management_copy)
