"""The saved Athena queries of network activity events and the Glue table they read, as plain text.

:class:`~network_trail.NetworkActivityQueries` saves exactly what :func:`network_activity_queries`
returns, over a table of :data:`TABLE_COLUMNS` partitioned by :data:`PARTITION_KEYS`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from ..errors import NetworkTrailError
from ._ids import account_id_problems

__all__ = [
    "DEFAULT_REGIONS",
    "DEFAULT_TABLE_NAME",
    "DISTINCT_CALLS_DAYS",
    "GLUE_NAME",
    "PARTITION_KEYS",
    "PRICE_PER_100K_EVENTS_USD",
    "PROJECTION_START",
    "SENSITIVE_EVENT_NAMES",
    "TABLE_COLUMNS",
    "SavedQuery",
    "distinct_calls_sql",
    "glue_name",
    "network_activity_queries",
    "query_problems",
]

DEFAULT_TABLE_NAME: Final = "network_activity"
"""The table :class:`~network_trail.NetworkActivityQueries` creates unless told otherwise."""

GLUE_NAME: Final = re.compile(r"^[a-z0-9_]{1,255}$")
"""Glue database and table names: lowercase letters, digits and ``_``."""

PRICE_PER_100K_EVENTS_USD: Final = 0.10
"""Network activity events are always billed, $0.10 per 100,000 (no free first copy)."""

DISTINCT_CALLS_DAYS: Final = 30
"""Days of partitions the saved "distinct-calls" query reads: a month of traffic to replay a policy against."""

PROJECTION_START: Final = "2024/09/24"
"""First day of the network activity events preview: no log file can be older."""

SENSITIVE_EVENT_NAMES: Final = (
    "BatchGetSecretValue",
    "Decrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "GetObject",
    "GetParameter",
    "GetParameters",
    "GetParametersByPath",
    "GetSecretValue",
)
"""APIs that return secrets, key material or data: the default of the "sensitive APIs" query."""

DEFAULT_REGIONS: Final = (
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
)
"""Regions of the ``aws`` partition (2026-11) a multi-Region trail writes under; pass ``regions`` to narrow."""

_USER_IDENTITY: Final = (
    "struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,"
    "accesskeyid:string,username:string,onbehalfof:struct<userid:string,identitystorearn:string>,"
    "sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>,"
    "sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>,"
    "ec2roledelivery:string,webidfederationdata:struct<federatedprovider:string,"
    "attributes:map<string,string>>>>"
)

TABLE_COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("eventversion", "string"),
    ("useridentity", _USER_IDENTITY),
    ("eventtime", "string"),
    ("eventsource", "string"),
    ("eventname", "string"),
    ("awsregion", "string"),
    ("sourceipaddress", "string"),
    ("useragent", "string"),
    ("errorcode", "string"),
    ("errormessage", "string"),
    ("requestparameters", "string"),
    ("responseelements", "string"),
    ("additionaleventdata", "string"),
    ("requestid", "string"),
    ("eventid", "string"),
    ("readonly", "string"),
    ("resources", "array<struct<arn:string,accountid:string,type:string>>"),
    ("eventtype", "string"),
    ("apiversion", "string"),
    ("recipientaccountid", "string"),
    ("serviceeventdetails", "string"),
    ("sharedeventid", "string"),
    ("vpcendpointid", "string"),
    ("vpcendpointaccountid", "string"),
    ("eventcategory", "string"),
    ("tlsdetails", "struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>"),
)
"""Columns of AWS's CloudTrail table for Athena (Athena User Guide), network activity fields included."""

PARTITION_KEYS: Final = ("account", "region", "event_date")
"""Projected partitions: the account and Region in the S3 path, and the delivery day ``yyyy/MM/dd``."""

_EVENT_NAME: Final = re.compile(r"^[A-Za-z0-9]{1,128}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class SavedQuery:
    """One Athena saved query: its name, what it answers, and its SQL (Trino dialect)."""

    name: str
    description: str
    sql: str


def _in_list(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _window(days: int) -> str:
    return f"event_date >= date_format(current_date - interval '{days}' day, '%Y/%m/%d')"


def query_problems(
    *,
    table: str,
    allowed_account_ids: Sequence[str],
    sensitive_event_names: Sequence[str],
    lookback_days: int,
    history_days: int,
) -> list[str]:
    """Every reason the query inputs cannot be put into SQL; empty when they can."""
    problems: list[str] = []
    if not isinstance(table, str) or not GLUE_NAME.match(table):
        problems.append(
            f"table_name must be 1 to 255 lowercase letters, digits or '_' (Glue), got {table!r}: "
            f"e.g. 'network_activity'"
        )
    if isinstance(allowed_account_ids, str):
        problems.append(
            f"allowed_account_ids must be a list of account ids, got the string {allowed_account_ids!r}: "
            f"wrap it, e.g. [{allowed_account_ids!r}]"
        )
    else:
        for i, account in enumerate(allowed_account_ids):
            problems += account_id_problems(f"allowed_account_ids[{i}]", account, tokens_pass=False)
    if isinstance(sensitive_event_names, str) or not sensitive_event_names:
        problems.append(
            f"sensitive_event_names must be a non-empty list of API names, got {sensitive_event_names!r}: "
            f"e.g. ['GetSecretValue', 'Decrypt']"
        )
    else:
        for i, name in enumerate(sensitive_event_names):
            if not isinstance(name, str) or not _EVENT_NAME.match(name):
                problems.append(
                    f"sensitive_event_names[{i}] must be an API action name of letters and digits, "
                    f"got {name!r}: e.g. 'GetSecretValue'"
                )
    for knob, days in (("lookback_days", lookback_days), ("history_days", history_days)):
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 3653:
            problems.append(
                f"{knob} must be a whole number of days from 1 to 3653, got {days!r}: pass an int such as 30"
            )
    return problems


def network_activity_queries(
    *,
    table: str = DEFAULT_TABLE_NAME,
    allowed_account_ids: Sequence[str] = (),
    sensitive_event_names: Sequence[str] = SENSITIVE_EVENT_NAMES,
    lookback_days: int = 7,
    history_days: int = 90,
) -> tuple[SavedQuery, ...]:
    """The saved queries of :class:`NetworkActivityQueries`, in Athena's (Trino) SQL.

    Each query reads only the last ``lookback_days`` of partitions (``history_days``
    for first-seen callers), so a query never scans the whole bucket.

    :param table: the table to read, in the query's database. Default: 'network_activity'
    :param allowed_account_ids: caller accounts that are expected although they do not own the
        endpoint, left out of the "outside callers" query. Default: - none
    :param sensitive_event_names: API names of the "sensitive APIs" query.
        Default: SENSITIVE_EVENT_NAMES
    :param lookback_days: days of partitions most queries read. Default: 7
    :param history_days: days of partitions the first-seen query reads. Default: 90
    """
    problems = query_problems(
        table=table,
        allowed_account_ids=allowed_account_ids,
        sensitive_event_names=sensitive_event_names,
        lookback_days=lookback_days,
        history_days=history_days,
    )
    if problems:
        raise NetworkTrailError(problems)
    recent = _window(lookback_days)
    base = f"FROM {table}\nWHERE {recent}\n  AND eventcategory = 'NetworkActivity'"
    allowed = (
        f"\n  AND useridentity.accountid NOT IN ({_in_list(sorted(set(allowed_account_ids)))})"
        if allowed_account_ids
        else ""
    )
    return (
        _denied_calls(base, lookback_days),
        _outside_callers(base, allowed, lookback_days),
        _first_seen_callers(table, history_days),
        _sensitive_apis(base, sensitive_event_names, lookback_days),
        _volume_and_cost(base, lookback_days),
        _distinct_calls(table),
    )


def _denied_calls(base: str, lookback_days: int) -> SavedQuery:
    """Calls denied by a VPC endpoint policy, by endpoint, caller account and API."""
    return SavedQuery(
        name="denied-calls",
        description=f"Calls denied by a VPC endpoint policy (VpceAccessDenied), last {lookback_days} days, "
        f"by endpoint, caller account and API",
        sql=(
            "SELECT vpcendpointid, vpcendpointaccountid, useridentity.accountid AS caller_account,\n"
            "  eventsource, eventname, count(*) AS denied_calls,\n"
            "  min(eventtime) AS first_seen, max(eventtime) AS last_seen\n"
            f"{base}\n  AND errorcode = 'VpceAccessDenied'\n"
            "GROUP BY vpcendpointid, vpcendpointaccountid, useridentity.accountid, eventsource, eventname\n"
            "ORDER BY denied_calls DESC, vpcendpointid, caller_account, eventsource, eventname"
        ),
    )


def _outside_callers(base: str, allowed: str, lookback_days: int) -> SavedQuery:
    """Calls by an account other than the endpoint's owner and not allowed."""
    return SavedQuery(
        name="outside-callers",
        description=f"Calls through an endpoint by an account other than the endpoint's owner and not "
        f"allowed, last {lookback_days} days",
        sql=(
            "SELECT useridentity.accountid AS caller_account, useridentity.type AS caller_type,\n"
            "  vpcendpointid, vpcendpointaccountid, eventsource, eventname,\n"
            "  count(*) AS calls, sum(CASE WHEN errorcode = 'VpceAccessDenied' THEN 1 ELSE 0 END) AS denied_calls,\n"
            "  min(eventtime) AS first_seen, max(eventtime) AS last_seen\n"
            f"{base}\n  AND useridentity.accountid <> vpcendpointaccountid{allowed}\n"
            "GROUP BY useridentity.accountid, useridentity.type, vpcendpointid, vpcendpointaccountid,\n"
            "  eventsource, eventname\n"
            "ORDER BY calls DESC, caller_account, vpcendpointid, eventsource, eventname"
        ),
    )


def _first_seen_callers(table: str, history_days: int) -> SavedQuery:
    """Each caller account per endpoint, first and last seen."""
    return SavedQuery(
        name="first-seen-callers",
        description=f"Each caller account per endpoint with the first and last time seen, last "
        f"{history_days} days, newest first",
        sql=(
            "SELECT vpcendpointid, useridentity.accountid AS caller_account,\n"
            "  min(eventtime) AS first_seen, max(eventtime) AS last_seen, count(*) AS calls\n"
            f"FROM {table}\nWHERE {_window(history_days)}\n  AND eventcategory = 'NetworkActivity'\n"
            "GROUP BY vpcendpointid, useridentity.accountid\n"
            "ORDER BY first_seen DESC, vpcendpointid, caller_account"
        ),
    )


def _sensitive_apis(base: str, sensitive_event_names: Sequence[str], lookback_days: int) -> SavedQuery:
    """Calls to APIs returning secrets, keys or data."""
    return SavedQuery(
        name="sensitive-apis",
        description=f"Calls to APIs returning secrets, keys or data through endpoints, last "
        f"{lookback_days} days",
        sql=(
            "SELECT vpcendpointid, useridentity.accountid AS caller_account, useridentity.arn AS caller_arn,\n"
            "  eventsource, eventname, count(*) AS calls,\n"
            "  sum(CASE WHEN errorcode = 'VpceAccessDenied' THEN 1 ELSE 0 END) AS denied_calls,\n"
            "  min(eventtime) AS first_seen, max(eventtime) AS last_seen\n"
            f"{base}\n  AND eventname IN ({_in_list(sorted(set(sensitive_event_names)))})\n"
            "GROUP BY vpcendpointid, useridentity.accountid, useridentity.arn, eventsource, eventname\n"
            "ORDER BY calls DESC, vpcendpointid, caller_account, caller_arn, eventsource, eventname"
        ),
    )


def _volume_and_cost(base: str, lookback_days: int) -> SavedQuery:
    """Events per source and endpoint, with the estimated CloudTrail cost."""
    price = PRICE_PER_100K_EVENTS_USD
    return SavedQuery(
        name="volume-and-cost",
        description=f"Network activity events per source and endpoint, last {lookback_days} days, with "
        f"the estimated CloudTrail cost at ${price:.2f} per 100,000 events",
        sql=(
            "SELECT eventsource, vpcendpointid, count(*) AS events,\n"
            "  sum(CASE WHEN errorcode = 'VpceAccessDenied' THEN 1 ELSE 0 END) AS denied_events,\n"
            f"  round(CAST(count(*) AS double) * {price:.2f} / 100000, 6) AS estimated_cost_usd\n"
            f"{base}\n"
            "GROUP BY eventsource, vpcendpointid\n"
            "ORDER BY events DESC, eventsource, vpcendpointid"
        ),
    )


def _distinct_calls(table: str) -> SavedQuery:
    """Each distinct call with its count, first and last time: the input of replay and advise."""
    return SavedQuery(
        name="distinct-calls",
        description=f"Each distinct call (API, endpoint, caller account and ARN, outcome) with its count and "
        f"first and last time, last {DISTINCT_CALLS_DAYS} days: the input of network-trail replay and advise",
        sql=distinct_calls_sql(table=table),
    )


_PARTITION_FORMAT: Final = "%Y/%m/%d"
# The columns of simulator.calls.CALL_COLUMNS, in order. The principal ARN is the one the request context
# holds as aws:PrincipalArn: the role's for an assumed role (sessionContext.sessionIssuer.arn), the record's
# for IAM users, root and federated users (IAM User Guide, global condition keys, aws:PrincipalArn).
_CALL_SELECT: Final = (
    "SELECT eventsource AS event_source, eventname AS event_name,\n"
    "  vpcendpointid AS vpc_endpoint_id, vpcendpointaccountid AS vpc_endpoint_account,\n"
    "  useridentity.type AS principal_type, useridentity.accountid AS principal_account,\n"
    "  CASE WHEN useridentity.type = 'AssumedRole' THEN useridentity.sessioncontext.sessionissuer.arn\n"
    "    WHEN useridentity.type IN ('IAMUser', 'Root', 'FederatedUser') THEN useridentity.arn END AS principal_arn,\n"
    "  CASE WHEN useridentity.type = 'AWSService' THEN useridentity.invokedby END AS invoked_by,\n"
    "  {source_ip} AS source_ip,\n"
    "  errorcode AS error_code, coalesce(errorcode = 'VpceAccessDenied', false) AS denied,\n"
    "  count(*) AS calls, min(eventtime) AS first_seen, max(eventtime) AS last_seen\n"
)


def _calls_window(days: int, start: date | None, end: date | None) -> str:
    if start is None and end is None:
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3653:
            raise NetworkTrailError(
                f"days must be a whole number of days from 1 to 3653, got {days!r}: pass an int such as 30"
            )
        return _window(days)
    if not isinstance(start, date) or not isinstance(end, date) or start > end:
        raise NetworkTrailError(
            f"start and end must both be dates, start not after end, got {start!r} and {end!r}: "
            f"pass datetime.date values, or neither for the last {DISTINCT_CALLS_DAYS} days"
        )
    first, last = start.strftime(_PARTITION_FORMAT), end.strftime(_PARTITION_FORMAT)
    return f"event_date BETWEEN '{first}' AND '{last}'"


def distinct_calls_sql(
    *,
    table: str = DEFAULT_TABLE_NAME,
    database: str | None = None,
    days: int = DISTINCT_CALLS_DAYS,
    start: date | None = None,
    end: date | None = None,
    by_source_ip: bool = False,
) -> str:
    """The Athena (Trino) query grouping network activity into distinct calls, as ``distinct_calls`` does locally.

    One row per distinct call, with the columns of ``network_trail.simulator.calls.CALL_COLUMNS``
    (``read_calls_csv`` reads its result CSV back), most frequent first.

    :param table: the table of :class:`~network_trail.NetworkActivityQueries`. Default: 'network_activity'
    :param database: its Glue database. Default: - the query's database (``QueryExecutionContext``)
    :param days: read the ``event_date`` partitions of the last ``days`` days. Default: DISTINCT_CALLS_DAYS
    :param start: first delivery day read, instead of ``days`` (with ``end``). Default: - by ``days``
    :param end: last delivery day read (inclusive). Default: - by ``days``
    :param by_source_ip: also group by ``sourceIPAddress``. Default: False
    :raises NetworkTrailError: when a name is not a Glue name, ``days`` is out of range, or only one
        of ``start`` and ``end`` is given, or they are reversed.
    """
    problems = [
        f"{knob} must be 1 to 255 lowercase letters, digits or '_' (Glue), got {value!r}: "
        f"give the {knob} of NetworkActivityQueries"
        for knob, value in (("table", table), ("database", database))
        if (value is not None or knob == "table") and not (isinstance(value, str) and GLUE_NAME.match(value))
    ]
    if problems:
        raise NetworkTrailError(problems)
    source = f'"{database}"."{table}"' if database else table
    keys = ", ".join(str(i) for i in range(1, 12))
    return (
        _CALL_SELECT.format(source_ip="sourceipaddress" if by_source_ip else "CAST(NULL AS varchar)")
        + f"FROM {source}\n"
        f"WHERE {_calls_window(days, start, end)}\n"
        "  AND eventcategory = 'NetworkActivity' AND eventsource IS NOT NULL\n"
        f"GROUP BY {keys}\n"
        "ORDER BY calls DESC, event_source, event_name, vpc_endpoint_id, principal_account, principal_arn"
    )


def glue_name(value: str) -> str:
    """A Glue database or table name from any string: lowercase, other characters as '_'."""
    return re.sub(r"[^a-z0-9_]", "_", value.lower())[:255]
