"""CloudTrail log files: finding them, and reading their records (gzip, JSON, JSON Lines, standard input)."""

from __future__ import annotations

import gzip
import json
import os
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ..errors import NetworkTrailError

try:  # orjson parses CloudTrail files several times faster; json is the fallback.
    import orjson

    _loads: Callable[[bytes], Any] = orjson.loads
    _DECODE_ERRORS: tuple[type[Exception], ...] = (orjson.JSONDecodeError, UnicodeDecodeError)
except ImportError:  # pragma: no cover - exercised only without orjson
    _loads = json.loads
    _DECODE_ERRORS = (json.JSONDecodeError, UnicodeDecodeError)


# ---------------------------------------------------------------------------
# Log files


@dataclass(frozen=True, slots=True)
class FileProblem:
    """A log file, or one record of it, that could not be read.

    :param path: the file.
    :param message: what is wrong.
    :param record_index: index in ``Records`` of the bad record. Default: - the whole file is bad
    """

    path: str
    message: str
    record_index: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}: Records[{self.record_index}]" if self.record_index is not None else self.path
        return f"{where}: {self.message}"


_LOG_SUFFIXES: Final = (".json", ".json.gz", ".jsonl", ".jsonl.gz")
_STDIN: Final = "-"
# Keys every CloudTrail record has (eventCategory since eventVersion 1.07): a JSON object with one of them
# and no Records list is taken as a single record.
_RECORD_KEYS: Final = frozenset({"eventVersion", "eventSource", "eventCategory"})


def iter_log_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Every log file in ``paths``, directories walked recursively in name order.

    A directory contributes its ``.json``, ``.json.gz``, ``.jsonl`` and ``.jsonl.gz``
    files; a file given by name is read whatever its name; ``-`` is standard input.

    :param paths: files and directories, e.g. ``s3 sync`` copies of ``AWSLogs/<account>/CloudTrail-NetworkActivity/``.
    """
    for raw in paths:
        path = Path(raw)
        if str(raw) == _STDIN:
            yield path
        elif path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    if name.endswith(_LOG_SUFFIXES):
                        yield Path(root, name)
        elif path.exists():
            yield path
        else:
            raise NetworkTrailError(
                f"path {str(path)!r} does not exist: give a log file, a directory of them, or - for standard input"
            )


def _read_bytes(path: Path) -> bytes:
    try:
        data = sys.stdin.buffer.read() if str(path) == _STDIN else path.read_bytes()
    except OSError as err:
        raise NetworkTrailError(f"cannot read the file: {err.strerror}") from None
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as err:
            raise NetworkTrailError(f"corrupt gzip data ({err}): download the file again") from None
    if path.name.endswith(".gz"):
        raise NetworkTrailError("is named .gz but is not gzip data: CloudTrail delivers gzip files")
    return data


def _records_of(doc: object, where: str = "") -> list[Any]:
    """The records of one JSON value: a log file's ``Records``, or a single record."""
    if isinstance(doc, dict):
        records = doc.get("Records")
        if isinstance(records, list):
            return records
        if records is None and _RECORD_KEYS & doc.keys():
            return [doc]
    shape = f"an object with keys {sorted(doc)[:5]!r}" if isinstance(doc, dict) else type(doc).__name__
    raise NetworkTrailError(
        f"{where}has no 'Records' list and is not a record (got {shape}): give a log file "
        f"{{'Records': [...]}}, one record (with eventVersion and eventSource), or JSON Lines of either"
    )


def _parse_records(data: bytes) -> list[Any]:
    """Records of a log file, of a single record, or of JSON Lines (one log file or record a line)."""
    try:
        doc = _loads(data)
    except _DECODE_ERRORS as err:
        records = _parse_lines(data)
        if records is None:
            raise NetworkTrailError(
                f"invalid JSON ({err}): give a CloudTrail log file, one record, or JSON Lines"
            ) from None
        return records
    return _records_of(doc)


def _parse_lines(data: bytes) -> list[Any] | None:
    """The records of JSON Lines, ``None`` when the first line is not JSON (so the data is not JSON Lines)."""
    records: list[Any] = []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            doc = _loads(line)
        except _DECODE_ERRORS as err:
            if not records:
                return None
            raise NetworkTrailError(
                f"line {number}: invalid JSON ({err}): each line must be one JSON object"
            ) from None
        records.extend(_records_of(doc, f"line {number} "))
    return records or None


def read_records(path: Path) -> list[Any]:
    """The records of one file of CloudTrail records, plain or gzip.

    The file holds a log file's ``{"Records": [...]}``, a single record, or JSON
    Lines with one of those per line.

    :param path: the file; ``-`` reads standard input.
    :raises NetworkTrailError: when the file is not gzip, not JSON or holds no records.
    """
    return _parse_records(_read_bytes(path))
