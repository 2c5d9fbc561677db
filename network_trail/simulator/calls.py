"""Distinct calls: network activity records grouped by who called what through which endpoint, and how it ended.

:func:`distinct_calls` reads CloudTrail log files (files, gzip, directories, JSON Lines, ``-`` for
standard input, as :func:`~network_trail.simulator.simulate` does) and keeps one counter per
distinct call, so memory grows with the number of distinct calls, not of records.
:func:`calls_from_rows` and :func:`read_calls_csv` read the same calls back from the Athena query
:func:`~network_trail.model._queries.distinct_calls_sql` (its result CSV). :func:`call_request`
turns a call into the open-world request of the IAM policy evaluator (:mod:`network_trail.model.iam`).

Pure Python: no ``aws_cdk`` import.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ..errors import NetworkTrailError
from ..model._ids import ACCOUNT_ID, ORGANIZATION_ID
from ..model.iam import ABSENT, UNKNOWN, ContextValue, NotAnyOf, Request, RequestPrincipal, Unknown
from ._logs import FileProblem, _parse_records, _read_bytes, iter_log_files

_msgspec: Any
try:  # msgspec decodes only the fields a distinct call needs; without it, every record is parsed.
    import msgspec

    _msgspec = msgspec
except ImportError:  # pragma: no cover - exercised only without msgspec
    _msgspec = None

__all__ = [
    "CALL_COLUMNS",
    "CONTEXT_KEY_PAGES",
    "DistinctCall",
    "DistinctCalls",
    "EndpointInfo",
    "call_request",
    "calls_from_rows",
    "distinct_calls",
    "load_org_accounts",
    "read_calls_csv",
]

DENIED_ERROR_CODE: Final = "VpceAccessDenied"
"""The ``errorCode`` of a call a VPC endpoint policy denied (CloudTrail User Guide, network activity events)."""

CALL_COLUMNS: Final = (
    "event_source",
    "event_name",
    "vpc_endpoint_id",
    "vpc_endpoint_account",
    "principal_type",
    "principal_account",
    "principal_arn",
    "invoked_by",
    "source_ip",
    "error_code",
    "denied",
    "calls",
    "first_seen",
    "last_seen",
)
"""Columns of the distinct-calls query result, in order (``calls`` is :attr:`DistinctCall.count`)."""

# userIdentity types whose record ARN is the principal's ARN in the request context; for AssumedRole
# the context holds the role ARN, sessionContext.sessionIssuer.arn (IAM User Guide, "AWS global
# condition context keys", aws:PrincipalArn:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
_ARN_TYPES: Final = frozenset({"IAMUser", "Root", "FederatedUser"})


@dataclass(frozen=True, slots=True)
class DistinctCall:
    """One distinct call seen in network activity records, with how often and when.

    :param event_source: the ``eventSource``, e.g. ``kms.amazonaws.com``.
    :param event_name: the ``eventName`` (the API operation).
    :param vpc_endpoint_id: the ``vpcEndpointId`` the call went through.
    :param vpc_endpoint_account: the ``vpcEndpointAccountId``, the account that owns the endpoint.
    :param principal_type: ``userIdentity.type`` (``AssumedRole``, ``IAMUser``, ``AWSAccount``, ...).
    :param principal_account: ``userIdentity.accountId``.
    :param principal_arn: the ARN the request context holds as ``aws:PrincipalArn``: for
        ``AssumedRole`` the role's ARN (``sessionContext.sessionIssuer.arn``), for ``IAMUser``,
        ``Root`` and ``FederatedUser`` ``userIdentity.arn``; None when the record has none, as for
        callers of other accounts (``AWSAccount``).
    :param error_code: the ``errorCode``, None for a call that succeeded.
    :param denied: whether a VPC endpoint policy denied it (``errorCode`` is ``VpceAccessDenied``).
    :param count: how many records.
    :param first_seen: the earliest ``eventTime`` (CloudTrail's ``YYYY-MM-DDTHH:MM:SSZ`` text).
    :param last_seen: the latest ``eventTime``.
    :param invoked_by: ``userIdentity.invokedBy`` of an ``AWSService`` caller (the service principal).
        Default: None
    :param source_ip: the ``sourceIPAddress`` (``aws:VpcSourceIp``), only when the calls were grouped
        by it (``by_source_ip=True``). Default: None
    """

    event_source: str
    event_name: str | None
    vpc_endpoint_id: str | None
    vpc_endpoint_account: str | None
    principal_type: str | None
    principal_account: str | None
    principal_arn: str | None
    error_code: str | None
    denied: bool
    count: int
    first_seen: str | None
    last_seen: str | None
    invoked_by: str | None = None
    source_ip: str | None = None


@dataclass(frozen=True, slots=True)
class DistinctCalls:
    """The distinct calls of a set of log files.

    :param calls: the calls, most frequent first (ties in field order).
    :param records: network activity records counted.
    :param skipped: records of other categories (management, data events) or without ``eventSource``.
    :param files: log files read.
    :param problems: files and records that could not be read.
    """

    calls: tuple[DistinctCall, ...]
    records: int
    skipped: int
    files: int
    problems: tuple[FileProblem, ...]


# key: (event_source, event_name, vpce, vpce account, type, account, arn, invoked_by, source_ip, error_code)
_Key = tuple[
    str,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
]


def _text(value: object) -> str | None:
    return value if value.__class__ is str else None


def _principal(identity: object) -> tuple[str | None, str | None, str | None, str | None]:
    """``(type, account, arn, invoked_by)`` of a ``userIdentity``."""
    if identity.__class__ is not dict:
        return None, None, None, None
    assert isinstance(identity, dict)
    kind = _text(identity.get("type"))
    account = _text(identity.get("accountId"))
    arn = invoked_by = None
    if kind == "AssumedRole":
        context = identity.get("sessionContext")
        issuer = context.get("sessionIssuer") if context.__class__ is dict else None
        arn = _text(issuer.get("arn")) if issuer.__class__ is dict else None
    elif kind in _ARN_TYPES:
        arn = _text(identity.get("arn"))
    elif kind == "AWSService":
        invoked_by = _text(identity.get("invokedBy"))
    return kind, account, arn, invoked_by


class _Counter:
    """Counts, first and last ``eventTime`` per distinct call key."""

    __slots__ = ("by_key", "records", "skipped")

    def __init__(self) -> None:
        self.by_key: dict[_Key, list[Any]] = {}
        self.records = 0
        self.skipped = 0

    def add(self, key: _Key, count: int, first: str | None, last: str | None) -> None:
        entry = self.by_key.get(key)
        if entry is None:
            self.by_key[key] = [count, first, last]
            return
        entry[0] += count
        if first is not None and (entry[1] is None or first < entry[1]):
            entry[1] = first
        if last is not None and (entry[2] is None or last > entry[2]):
            entry[2] = last

    def merge(self, other: _Counter) -> None:
        for key, (count, first, last) in other.by_key.items():
            self.add(key, count, first, last)
        self.records += other.records
        self.skipped += other.skipped


def _count_records(
    records: Iterable[Any], counter: _Counter, by_source_ip: bool, where: str
) -> list[FileProblem]:
    problems: list[FileProblem] = []
    for index, rec in enumerate(records):
        if rec.__class__ is not dict:
            problems.append(
                FileProblem(where, f"is {type(rec).__name__}, not an object: record skipped", index)
            )
            continue
        source = rec.get("eventSource")
        if rec.get("eventCategory") != "NetworkActivity" or source.__class__ is not str:
            counter.skipped += 1
            continue
        kind, account, arn, invoked_by = _principal(rec.get("userIdentity"))
        key: _Key = (
            source,
            _text(rec.get("eventName")),
            _text(rec.get("vpcEndpointId")),
            _text(rec.get("vpcEndpointAccountId")),
            kind,
            account,
            arn,
            invoked_by,
            _text(rec.get("sourceIPAddress")) if by_source_ip else None,
            _text(rec.get("errorCode")),
        )
        when = _text(rec.get("eventTime"))
        counter.add(key, 1, when, when)
        counter.records += 1
    return problems


def _typed_decoder(by_source_ip: bool) -> Any:
    """A msgspec decoder of log files keeping only the fields of a distinct call, or None without msgspec.

    Every kept value must be a string or null, and records and ``userIdentity`` objects: a file
    with anything else fails the decoding and is read again as plain JSON (:func:`_count_records`),
    which handles every type and reports what it cannot read. The structs hold only strings and
    structs, so they need no cycle collection (``gc=False``, about a third faster).
    """
    if _msgspec is None:
        return None

    def struct(name: str, fields: list[tuple[str, Any, None]] | list[tuple[str, Any]]) -> Any:
        return _msgspec.defstruct(name, fields, gc=False)

    text = str | None
    issuer = struct("Issuer", [("arn", text, None)])
    session = struct("Session", [("sessionIssuer", issuer | None, None)])
    identity = struct(
        "Identity",
        [(name, text, None) for name in ("type", "accountId", "arn", "invokedBy")]
        + [("sessionContext", session | None, None)],
    )
    names = (
        "eventCategory",
        "eventSource",
        "eventName",
        "vpcEndpointId",
        "vpcEndpointAccountId",
        "errorCode",
    )
    fields = [(name, text, None) for name in (*names, "eventTime")]
    if by_source_ip:
        fields.append(("sourceIPAddress", text, None))
    record = struct("Record", [*fields, ("userIdentity", identity | None, None)])
    return _msgspec.json.Decoder(struct("LogFile", [("Records", list[record])]))  # type: ignore[valid-type]


_DECODERS: Final = {False: _typed_decoder(False), True: _typed_decoder(True)}


def _count_typed(data: bytes, counter: _Counter, by_source_ip: bool) -> bool:
    """Count a log file with the typed decoder; False (nothing counted) when it cannot decode the file.

    The principal is read as :func:`_principal` reads it, inlined: this loop runs once per record.
    """
    try:
        records = _DECODERS[by_source_ip].decode(data).Records
    except (_msgspec.DecodeError, _msgspec.ValidationError):
        return False
    by_key = counter.by_key
    skipped = 0
    arn_types = _ARN_TYPES
    for rec in records:
        source = rec.eventSource
        if rec.eventCategory != "NetworkActivity" or source is None:
            skipped += 1
            continue
        identity = rec.userIdentity
        kind = account = arn = invoked_by = None
        if identity is not None:
            kind = identity.type
            account = identity.accountId
            if kind == "AssumedRole":
                context = identity.sessionContext
                if context is not None and context.sessionIssuer is not None:
                    arn = context.sessionIssuer.arn
            elif kind in arn_types:
                arn = identity.arn
            elif kind == "AWSService":
                invoked_by = identity.invokedBy
        key: _Key = (
            source,
            rec.eventName,
            rec.vpcEndpointId,
            rec.vpcEndpointAccountId,
            kind,
            account,
            arn,
            invoked_by,
            rec.sourceIPAddress if by_source_ip else None,
            rec.errorCode,
        )
        when = rec.eventTime
        entry = by_key.get(key)
        if entry is None:
            by_key[key] = [1, when, when]
        else:
            entry[0] += 1
            if when is not None:
                if entry[1] is None or when < entry[1]:
                    entry[1] = when
                if entry[2] is None or when > entry[2]:
                    entry[2] = when
    counter.skipped += skipped
    counter.records += len(records) - skipped
    return True


def _count_file(path: Path, by_source_ip: bool, counter: _Counter) -> tuple[list[FileProblem], bool]:
    """Count one log file into ``counter``: its problems, and whether it could be read.

    A file that cannot be read or parsed adds nothing to ``counter``; the typed decoder decodes the
    whole file before it counts, so a file it cannot decode is counted once, by the plain reader.
    """
    try:
        data = _read_bytes(path)
        if _msgspec is not None and _count_typed(data, counter, by_source_ip):
            return [], True
        records = _parse_records(data)
    except NetworkTrailError as err:
        return [FileProblem(str(path), str(err))], False
    return _count_records(records, counter, by_source_ip, str(path)), True


def _count_chunk(job: tuple[list[Path], bool, bool]) -> tuple[_Counter, list[FileProblem], int]:
    """A worker's share: consecutive files counted into one counter, so the parent merges one counter
    per chunk, not one per file (with ``fail_fast``, up to the first file with a problem)."""
    paths, by_source_ip, fail_fast = job
    counter = _Counter()
    problems: list[FileProblem] = []
    read = 0
    for path in paths:
        found, readable = _count_file(path, by_source_ip, counter)
        problems.extend(found)
        read += readable
        if fail_fast and found:
            break
    return counter, problems, read


_CHUNKS_PER_JOB: Final = 32
"""Chunks per worker process: few merges in the parent, and an idle worker at the end waits for at
most one chunk."""


def _results(
    files: list[Path], jobs: int, by_source_ip: bool, fail_fast: bool, total: _Counter
) -> Iterator[tuple[list[FileProblem], int]]:
    """Count ``files`` into ``total``, in order: the problems and the number of readable files of each
    file (one process) or of each chunk of consecutive files (``jobs`` processes)."""
    if jobs == 1 or len(files) < 2:
        for path in files:
            found, readable = _count_file(path, by_source_ip, total)
            yield found, int(readable)
        return
    size = -(-len(files) // min(len(files), jobs * _CHUNKS_PER_JOB))
    chunks = [(files[i : i + size], by_source_ip, fail_fast) for i in range(0, len(files), size)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(min(jobs, len(chunks))) as pool:
        for counter, found, read in pool.imap(_count_chunk, chunks):
            total.merge(counter)
            yield found, read


def _key_of(call: DistinctCall) -> _Key:
    return (
        call.event_source,
        call.event_name,
        call.vpc_endpoint_id,
        call.vpc_endpoint_account,
        call.principal_type,
        call.principal_account,
        call.principal_arn,
        call.invoked_by,
        call.source_ip,
        call.error_code,
    )


def _sort_key(call: DistinctCall) -> tuple[Any, ...]:
    return (-call.count, *((value is None, value or "") for value in _key_of(call)))


def _calls(counter: _Counter) -> tuple[DistinctCall, ...]:
    calls = [
        DistinctCall(
            event_source=key[0],
            event_name=key[1],
            vpc_endpoint_id=key[2],
            vpc_endpoint_account=key[3],
            principal_type=key[4],
            principal_account=key[5],
            principal_arn=key[6],
            invoked_by=key[7],
            source_ip=key[8],
            error_code=key[9],
            denied=key[9] == DENIED_ERROR_CODE,
            count=count,
            first_seen=first,
            last_seen=last,
        )
        for key, (count, first, last) in counter.by_key.items()
    ]
    return tuple(sorted(calls, key=_sort_key))


def distinct_calls(
    paths: Iterable[str | os.PathLike[str]],
    *,
    jobs: int = 1,
    by_source_ip: bool = False,
    fail_fast: bool = False,
    on_problem: Callable[[FileProblem], None] | None = None,
) -> DistinctCalls:
    """The distinct calls of the network activity records in CloudTrail log files.

    Records of other categories (management and data events) are counted as skipped. Each
    process reads one file at a time and keeps one counter per distinct call.

    :param paths: log files and directories (walked recursively); ``-`` is standard input.
    :param jobs: worker processes reading files in parallel; 1 reads in this process. Default: 1
    :param by_source_ip: also group by ``sourceIPAddress`` (``aws:VpcSourceIp``); without it the
        calls do not know the address. Default: False
    :param fail_fast: stop at the first bad file or record. Default: False
    :param on_problem: called with each bad file or record as it is found. Default: - none
    :raises NetworkTrailError: when ``jobs`` is not a whole number of at least 1, or a path does not exist.
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise NetworkTrailError(f"jobs must be a whole number of processes, at least 1, got {jobs!r}")
    files = list(iter_log_files(paths))
    total = _Counter()
    problems: list[FileProblem] = []
    read = 0
    for found, readable in _results(files, jobs, by_source_ip, fail_fast, total):
        read += readable
        for problem in found:
            problems.append(problem)
            if on_problem:
                on_problem(problem)
        if fail_fast and found:
            break
    return DistinctCalls(_calls(total), total.records, total.skipped, read, tuple(problems))


# ---------------------------------------------------------------------------
# Reading the Athena query's result back


def _optional(row: Mapping[str, object], column: str) -> str | None:
    value = row.get(column)
    return value if isinstance(value, str) and value != "" else None


def _call_of_row(row: Mapping[str, object], where: str) -> DistinctCall:
    missing = [c for c in ("event_source", "calls") if _optional(row, c) is None]
    count_text = _optional(row, "calls") or ""
    if missing or not count_text.isdigit():
        raise NetworkTrailError(
            f"{where} must have the columns {', '.join(CALL_COLUMNS)} of the distinct-calls query, with "
            f"event_source set and calls a whole number; got {dict(row)!r}: give the query's result unchanged"
        )
    error_code = _optional(row, "error_code")
    return DistinctCall(
        event_source=str(row["event_source"]),
        event_name=_optional(row, "event_name"),
        vpc_endpoint_id=_optional(row, "vpc_endpoint_id"),
        vpc_endpoint_account=_optional(row, "vpc_endpoint_account"),
        principal_type=_optional(row, "principal_type"),
        principal_account=_optional(row, "principal_account"),
        principal_arn=_optional(row, "principal_arn"),
        invoked_by=_optional(row, "invoked_by"),
        source_ip=_optional(row, "source_ip"),
        error_code=error_code,
        denied=error_code == DENIED_ERROR_CODE,
        count=int(count_text),
        first_seen=_optional(row, "first_seen"),
        last_seen=_optional(row, "last_seen"),
    )


def calls_from_rows(rows: Iterable[Mapping[str, object]], *, where: str = "row") -> tuple[DistinctCall, ...]:
    """The distinct calls of the distinct-calls query's result rows (column name → text, None for NULL).

    Rows whose key columns are equal are merged (an Athena result holds each once).

    :param rows: the result rows, e.g. from ``csv.DictReader`` over the query's result CSV.
    :param where: how errors name the input. Default: 'row'
    :raises NetworkTrailError: naming the row, when a row lacks ``event_source`` or a whole ``calls``.
    """
    counter = _Counter()
    for index, row in enumerate(rows):
        call = _call_of_row(row, f"{where} {index + 1}")
        counter.add(_key_of(call), call.count, call.first_seen, call.last_seen)
    return _calls(counter)


def read_calls_csv(path: str | os.PathLike[str]) -> tuple[DistinctCall, ...]:
    """The distinct calls of the distinct-calls query's result CSV (as Athena writes it to S3).

    :param path: the CSV file (with its header row); ``-`` reads standard input.
    :raises NetworkTrailError: when the file cannot be read or a row is not of the query's shape.
    """
    data = _read_bytes(Path(path))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise NetworkTrailError(
            f"{os.fspath(path)!r} is not UTF-8 text ({err}): give the query's result CSV"
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "event_source" not in reader.fieldnames:
        raise NetworkTrailError(
            f"{os.fspath(path)!r} has no header row with the columns {', '.join(CALL_COLUMNS)}: give the "
            f"result CSV of the distinct-calls query"
        )
    return calls_from_rows(reader, where=f"{Path(path).name} row")


# ---------------------------------------------------------------------------
# Organizations


def load_org_accounts(data: object, *, where: str = "org_accounts") -> dict[str, str]:
    """Account id → organization id, from ``aws organizations list-accounts`` output.

    Each account's ``Arn`` is ``arn:aws:organizations::<management account>:account/<o-id>/<account id>``
    (AWS Organizations API Reference, ``Account``:
    https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html).

    :param data: the parsed JSON: ``{"Accounts": [...]}`` or the list of accounts.
    :param where: how errors name the input. Default: 'org_accounts'
    :raises NetworkTrailError: naming every account entry that is not of that shape.
    """
    items = data.get("Accounts") if isinstance(data, Mapping) else data
    if not isinstance(items, list):
        raise NetworkTrailError(
            f'{where} must hold {{"Accounts": [...]}} (the output of `aws organizations list-accounts`) or a '
            f"list of accounts, got {type(data).__name__}"
        )
    accounts: dict[str, str] = {}
    problems: list[str] = []
    for i, item in enumerate(items):
        account = item.get("Id") if isinstance(item, Mapping) else None
        arn = item.get("Arn") if isinstance(item, Mapping) else None
        parts = arn.split("/") if isinstance(arn, str) else []
        if (
            not (isinstance(account, str) and ACCOUNT_ID.match(account))
            or len(parts) != 3
            or not ORGANIZATION_ID.match(parts[1])
            or parts[2] != account
        ):
            problems.append(
                f"{where} Accounts[{i}] must have an 'Id' of 12 digits and an 'Arn' "
                f"'arn:aws:organizations::<management account>:account/<o-id>/<Id>', got {str(item)[:120]!r}: "
                f"pass the output of `aws organizations list-accounts` unchanged"
            )
            continue
        accounts[account] = parts[1]
    if problems:
        raise NetworkTrailError(problems)
    return accounts


# ---------------------------------------------------------------------------
# A call as a request of the IAM policy evaluator

_KEYS_PAGE: Final = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
CONTEXT_KEY_PAGES: Final[Mapping[str, str]] = {
    "aws:PrincipalAccount": f"{_KEYS_PAGE}#condition-keys-principalaccount",
    "aws:PrincipalArn": f"{_KEYS_PAGE}#condition-keys-principalarn",
    "aws:PrincipalOrgID": f"{_KEYS_PAGE}#condition-keys-principalorgid",
    "aws:PrincipalIsAWSService": f"{_KEYS_PAGE}#condition-keys-principalisawsservice",
    "aws:SourceVpce": f"{_KEYS_PAGE}#condition-keys-sourcevpce",
    "aws:SourceVpc": f"{_KEYS_PAGE}#condition-keys-sourcevpc",
    "aws:SourceVpcArn": f"{_KEYS_PAGE}#condition-keys-sourcevpcarn",
    "aws:VpceAccount": f"{_KEYS_PAGE}#condition-keys-vpceaccount",
    "aws:VpceOrgID": f"{_KEYS_PAGE}#condition-keys-vpceorgid",
    "aws:VpcSourceIp": f"{_KEYS_PAGE}#condition-keys-vpcsourceip",
    "aws:SourceIp": f"{_KEYS_PAGE}#condition-keys-sourceip",
}
"""The condition keys :func:`call_request` sets, and the IAM User Guide entry saying what each holds."""


@dataclass(frozen=True, slots=True)
class EndpointInfo:
    """What ``describe-vpc-endpoints`` tells of an endpoint that a record does not.

    :param vpc_id: the endpoint's ``VpcId`` (``aws:SourceVpc``). Default: - unknown
    :param vpc_arn: the ARN of that VPC (``aws:SourceVpcArn``); the output does not state the VPC's
        owner account, so it is given explicitly. Default: - unknown
    """

    vpc_id: str | None = None
    vpc_arn: str | None = None


def _known(value: str | None) -> ContextValue:
    return value if value is not None else UNKNOWN


def _org_of(account: str | None, org_accounts: Mapping[str, str] | None) -> ContextValue:
    """The organization id of ``account`` from the map (``list-accounts`` output); UNKNOWN without a map.

    ``list-accounts`` lists every account of the organization, so an account the map does not list is
    in none of its organizations: its key is absent (no organization) or another organization's id
    (IAM User Guide, ``aws:PrincipalOrgID`` and ``aws:VpceOrgID``: each is in the request context only
    when the account is a member of an organization), which :class:`NotAnyOf` says.
    """
    if org_accounts is None or account is None:
        return UNKNOWN
    found = org_accounts.get(account)
    return found if found is not None else NotAnyOf(frozenset(org_accounts.values()))


def _principal_of(call: DistinctCall) -> RequestPrincipal:
    """Who called, as the evaluator matches a ``Principal`` element.

    For an assumed role the ``Principal`` element is matched against both the role ARN and the
    session ARN; a distinct call keeps the role only (sessions are not part of a call), so the
    ARN is UNKNOWN and only ``"*"`` and account principals decide.
    """
    if call.principal_type == "AWSService":
        return (
            RequestPrincipal(account=None, arn=None, service=call.invoked_by)
            if call.invoked_by
            else RequestPrincipal.unknown()
        )
    arn = call.principal_arn if call.principal_type in _ARN_TYPES else None
    return RequestPrincipal(
        account=UNKNOWN if call.principal_account is None else call.principal_account,
        arn=UNKNOWN if arn is None else arn,
    )


def call_request(
    call: DistinctCall,
    action: str | Unknown,
    *,
    org_accounts: Mapping[str, str] | None = None,
    endpoints: Mapping[str, EndpointInfo] | None = None,
) -> Request:
    """The open-world request of the IAM evaluator for one distinct call and one of its IAM actions.

    Known from the record (IAM User Guide, global condition keys, :data:`CONTEXT_KEY_PAGES`):
    ``aws:PrincipalAccount``, ``aws:PrincipalArn`` (the role for an assumed role; unknown for callers
    of other accounts, whose records have no ARN), ``aws:PrincipalIsAWSService``, ``aws:SourceVpce``,
    ``aws:VpceAccount`` and ``aws:VpcSourceIp`` (when the calls were grouped by address);
    ``aws:SourceIp`` is known absent (not in the request context of a request through a VPC
    endpoint). With ``org_accounts``: ``aws:PrincipalOrgID`` and ``aws:VpceOrgID``; with
    ``endpoints``: ``aws:SourceVpc`` and ``aws:SourceVpcArn``. For a call an AWS service made, the
    network keys are unknown (the page says they are not passed for service calls made on your
    behalf). Everything else, the resource among it, is unknown.

    :param call: the distinct call.
    :param action: one of ``iam_actions(call.event_source, call.event_name)``, or UNKNOWN for an event
        name without a documented action.
    :param org_accounts: account id → organization id, e.g. from :func:`load_org_accounts`.
        Default: - organization ids unknown
    :param endpoints: endpoint id → :class:`EndpointInfo`. Default: - VPCs unknown
    """
    service = call.principal_type == "AWSService"
    context: dict[str, ContextValue] = {
        "aws:PrincipalIsAWSService": service if call.principal_type is not None else UNKNOWN,
        "aws:PrincipalAccount": UNKNOWN if service else _known(call.principal_account),
        "aws:PrincipalArn": UNKNOWN if service else _known(call.principal_arn),
        "aws:PrincipalOrgID": UNKNOWN if service else _org_of(call.principal_account, org_accounts),
    }
    if not service:
        info = (endpoints or {}).get(call.vpc_endpoint_id or "", EndpointInfo())
        context.update(
            {
                "aws:SourceVpce": _known(call.vpc_endpoint_id),
                "aws:VpceAccount": _known(call.vpc_endpoint_account),
                "aws:VpceOrgID": _org_of(call.vpc_endpoint_account, org_accounts),
                "aws:VpcSourceIp": _known(call.source_ip),
                "aws:SourceVpc": _known(info.vpc_id),
                "aws:SourceVpcArn": _known(info.vpc_arn),
                "aws:SourceIp": ABSENT if call.vpc_endpoint_id is not None else UNKNOWN,
            }
        )
    return Request(
        action=action,
        resource=UNKNOWN,
        principal=_principal_of(call),
        context=context,
        absent_is_unknown=True,
    )
