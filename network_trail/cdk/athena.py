"""Query network activity events with Athena: a Glue table, a locked-down workgroup, saved queries.

The SQL lives in one place, :func:`network_activity_queries`, and the construct
saves exactly what it returns, so tests run the SQL that ships.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

import aws_cdk as cdk
from aws_cdk import aws_athena as athena
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ..errors import NetworkTrailError
from ..model._ids import REGION, account_id_problems, organization_id_problems
from ..model._queries import (
    DEFAULT_REGIONS,
    DEFAULT_TABLE_NAME,
    GLUE_NAME,
    PARTITION_KEYS,
    PRICE_PER_100K_EVENTS_USD,
    PROJECTION_START,
    SENSITIVE_EVENT_NAMES,
    TABLE_COLUMNS,
    SavedQuery,
    glue_name,
    network_activity_queries,
    query_problems,
)
from ..model.validation import tag_problems
from . import _compliance, _defaults, _resources
from ._addons import create_addon_key, require_trail
from ._props import keywords
from ._stack import StackValues, stack_values
from .trail import NetworkTrail

__all__ = [
    "DEFAULT_REGIONS",
    "PARTITION_KEYS",
    "PRICE_PER_100K_EVENTS_USD",
    "PROJECTION_START",
    "SENSITIVE_EVENT_NAMES",
    "TABLE_COLUMNS",
    "NetworkActivityQueries",
    "NetworkActivityQueriesProps",
    "SavedQuery",
    "glue_name",
    "network_activity_queries",
    "query_problems",
]

RESULTS_PREFIX: Final = "results/"
RESULTS_ACCESS_LOGS_PREFIX: Final = "athena-results-access-logs/"
RESULTS_EXPIRATION_DAYS: Final = 30
DEFAULT_BYTES_SCANNED_CUTOFF: Final = 100 * 1024**3
"""100 GiB: the most one query may scan (about USD 0.49 at USD 5 per TB) before Athena cancels it."""
MIN_BYTES_SCANNED_CUTOFF: Final = 10_000_000
"""The smallest ``BytesScannedCutoffPerQuery`` Athena accepts (CloudFormation ``AWS::Athena::WorkGroup``)."""


def _cutoff_problems(cutoff: object) -> list[str]:
    """``bytes_scanned_cutoff_per_query`` must be ``None`` or an int of at least 10,000,000."""
    if cutoff is None or (
        isinstance(cutoff, int) and not isinstance(cutoff, bool) and cutoff >= MIN_BYTES_SCANNED_CUTOFF
    ):
        return []
    return [
        f"bytes_scanned_cutoff_per_query must be a whole number of bytes of at least "
        f"{MIN_BYTES_SCANNED_CUTOFF:,} (Athena's minimum), or None for no limit, got {cutoff!r}: "
        f"e.g. 10 * 1024**3 for 10 GiB"
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkActivityQueriesProps:
    """The options of :class:`NetworkActivityQueries`: every keyword argument but ``trail``.

    One field per option, named, typed and defaulted as the constructor's keyword argument;
    :meth:`NetworkActivityQueries.from_props` takes them as one typed value (the sample app's
    ``cdk.json`` configuration produces one). The trail is apart: it is what the queries act on.

    :param allowed_account_ids: caller accounts expected through the endpoints besides the
        endpoint owner; left out of the "outside-callers" query. Default: - none
    :param organization_id: the organization id of an organization trail, whose log files are under
        ``AWSLogs/<o-id>/``; taken from the trail, so only a check: a different organization, or
        any organization for a trail that is not an organization trail, is an error.
        Default: - the trail's organization (organization trails), else the account layout
    :param account_ids: the accounts projected as the ``account`` partition; required for an
        organization trail, whose member accounts write under ``AWSLogs/<o-id>/<member>/`` and
        cannot be known at synth time. Default: - the stack's account
    :param regions: the Regions projected as the ``region`` partition.
        Default: DEFAULT_REGIONS
    :param database_name: the Glue database. Default: - the trail's name, lowercase with '_'
    :param table_name: the Glue table. Default: 'network_activity'
    :param sensitive_event_names: API names of the "sensitive-apis" query. Default: SENSITIVE_EVENT_NAMES
    :param lookback_days: days of partitions most queries read. Default: 7
    :param history_days: days of partitions the first-seen query reads. Default: 90
    :param results_expiration: how long query results are kept. Default: Duration.days(30)
    :param bytes_scanned_cutoff_per_query: Athena cancels a query of the workgroup that scans more
        than this many bytes (at least 10,000,000); ``None`` removes the limit.
        Default: DEFAULT_BYTES_SCANNED_CUTOFF (100 GiB)
    :param server_access_logs_bucket: the bucket for the results bucket's access logs.
        Default: - the trail's access-log bucket
    :param removal_policy: what happens to the results bucket and key when they leave the stack.
        Default: RemovalPolicy.RETAIN
    :param tags: tags for every resource the construct creates (the trail's ``tags`` do not reach
        them). Default: - no tags
    """

    allowed_account_ids: Sequence[str] = ()
    organization_id: str | None = None
    account_ids: Sequence[str] | None = None
    regions: Sequence[str] | None = None
    database_name: str | None = None
    table_name: str = DEFAULT_TABLE_NAME
    sensitive_event_names: Sequence[str] = SENSITIVE_EVENT_NAMES
    lookback_days: int = 7
    history_days: int = 90
    results_expiration: cdk.Duration | None = None
    bytes_scanned_cutoff_per_query: int | None = DEFAULT_BYTES_SCANNED_CUTOFF
    server_access_logs_bucket: s3.IBucket | None = None
    removal_policy: cdk.RemovalPolicy | None = None
    tags: Mapping[str, str] | None = None


class _Layout(NamedTuple):
    """What the props resolve to, given the trail and the stack's account."""

    database: str
    is_organization_trail: bool
    organization_id: str | None
    """The organization whose path the table reads: the trail's, for an organization trail."""
    accounts: tuple[str, ...]
    regions: tuple[str, ...]
    access_logs: s3.IBucket | None


def _layout(trail: NetworkTrail, account: str, props: NetworkActivityQueriesProps) -> _Layout:
    is_organization_trail = trail.cfn_trail.is_organization_trail is True
    return _Layout(
        database=props.database_name if props.database_name is not None else glue_name(trail.trail_name),
        is_organization_trail=is_organization_trail,
        organization_id=trail.organization_id if is_organization_trail else None,
        accounts=tuple(props.account_ids) if props.account_ids is not None else (account,),
        regions=tuple(props.regions) if props.regions is not None else DEFAULT_REGIONS,
        access_logs=props.server_access_logs_bucket or trail.access_logs_bucket,
    )


def _check(
    trail: NetworkTrail, account: str, props: NetworkActivityQueriesProps, layout: _Layout
) -> list[str]:
    """Every problem of the props, given the trail and the stack's account; empty when none."""
    problems = query_problems(
        table=props.table_name,
        allowed_account_ids=props.allowed_account_ids,
        sensitive_event_names=props.sensitive_event_names,
        lookback_days=props.lookback_days,
        history_days=props.history_days,
    )
    if not GLUE_NAME.match(layout.database):
        problems.append(
            f"database_name must be 1 to 255 lowercase letters, digits or '_' (Glue), got "
            f"{layout.database!r}: e.g. 'network_trail'"
        )
    problems += _organization_problems(trail, props, layout.is_organization_trail)
    problems += _cutoff_problems(props.bytes_scanned_cutoff_per_query)
    problems += _projection_problems(account, props, layout)
    if props.tags is not None:
        problems += tag_problems(props.tags)
    if layout.access_logs is None:
        problems.append(
            "server_access_logs_bucket is required when the trail's bucket was provided (the trail "
            "has no access-log bucket of its own): pass the bucket that receives S3 access logs"
        )
    return problems


def _organization_problems(
    trail: NetworkTrail, props: NetworkActivityQueriesProps, is_organization_trail: bool
) -> list[str]:
    """``organization_id``, when given, must be the organization trail's own (the table reads its
    path), and an organization trail's member accounts must be listed."""
    problems = _organization_id_problems(props.organization_id, trail, is_organization_trail)
    if is_organization_trail and props.account_ids is None:
        problems.append(
            "account_ids is required for an organization trail: each member account writes under "
            "AWSLogs/<o-id>/<member>/, and projecting only the stack's account would never query "
            "them; pass account_ids=['111122223333', …] (e.g. from 'aws organizations list-accounts')"
        )
    return problems


def _organization_id_problems(
    organization_id: str | None, trail: NetworkTrail, is_organization_trail: bool
) -> list[str]:
    if organization_id is None:
        return []
    shape = organization_id_problems("organization_id", organization_id, tokens_pass=False, fix=None)
    if shape:
        return shape
    if not is_organization_trail:
        return [
            f"organization_id={organization_id!r} but trail {trail.trail_name!r} is not an organization trail: "
            f"its log files are under AWSLogs/<account>/, so the table would read an empty path; remove "
            f"organization_id (it is taken from the trail)"
        ]
    if organization_id != trail.organization_id:
        return [
            f"organization_id={organization_id!r} differs from the trail's organization "
            f"{trail.organization_id!r}: the trail writes AWSLogs/{trail.organization_id}/, so the table would "
            f"read an empty path; remove organization_id (it is taken from the trail)"
        ]
    return []


def _projection_problems(account: str, props: NetworkActivityQueriesProps, layout: _Layout) -> list[str]:
    """The projected accounts and Regions must be known ids."""
    problems: list[str] = []
    if cdk.Token.is_unresolved(account) and props.account_ids is None:
        problems.append(
            "account_ids is required when the stack has no account (env-agnostic): the table projects "
            "the account in the S3 path; pass account_ids=['111122223333'] or pin the stack's env"
        )
    for i, account_id in enumerate(layout.accounts if props.account_ids is not None else ()):
        problems += account_id_problems(f"account_ids[{i}]", account_id, tokens_pass=False)
    if not layout.regions:
        problems.append("regions is empty: give at least one Region the trail writes, e.g. ['us-east-1']")
    for i, region in enumerate(layout.regions):
        if not isinstance(region, str) or not REGION.match(region):
            problems.append(f"regions[{i}] must be a Region code such as 'eu-west-1', got {region!r}")
    return problems


class NetworkActivityQueries(Construct):
    """Athena over a :class:`NetworkTrail`'s network activity log files, with saved queries.

    Creates a Glue database and table with partition projection over
    ``[prefix/]AWSLogs/[o-id/]<account>/CloudTrail-NetworkActivity/<region>/<yyyy/MM/dd>``
    (AWS's CloudTrail columns, JSON SerDe and CloudTrail input format), an Athena
    workgroup whose settings queries cannot override (SSE-KMS results, CloudWatch
    metrics, engine version 3), a results bucket as locked down as the log bucket,
    and one ``AWS::Athena::NamedQuery`` per query of :func:`network_activity_queries`.

    The other keyword arguments are the options of :class:`NetworkActivityQueriesProps`,
    documented there.

    :param scope: the parent construct.
    :param construct_id: the construct id.
    :param trail: the trail whose log files the table reads.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        /,
        *,
        trail: NetworkTrail,
        allowed_account_ids: Sequence[str] = (),
        organization_id: str | None = None,
        account_ids: Sequence[str] | None = None,
        regions: Sequence[str] | None = None,
        database_name: str | None = None,
        table_name: str = DEFAULT_TABLE_NAME,
        sensitive_event_names: Sequence[str] = SENSITIVE_EVENT_NAMES,
        lookback_days: int = 7,
        history_days: int = 90,
        results_expiration: cdk.Duration | None = None,
        bytes_scanned_cutoff_per_query: int | None = DEFAULT_BYTES_SCANNED_CUTOFF,
        server_access_logs_bucket: s3.IBucket | None = None,
        removal_policy: cdk.RemovalPolicy | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        props = NetworkActivityQueriesProps(
            allowed_account_ids=allowed_account_ids,
            organization_id=organization_id,
            account_ids=account_ids,
            regions=regions,
            database_name=database_name,
            table_name=table_name,
            sensitive_event_names=sensitive_event_names,
            lookback_days=lookback_days,
            history_days=history_days,
            results_expiration=results_expiration,
            bytes_scanned_cutoff_per_query=bytes_scanned_cutoff_per_query,
            server_access_logs_bucket=server_access_logs_bucket,
            removal_policy=removal_policy,
            tags=tags,
        )
        super().__init__(scope, construct_id)
        trail = require_trail(trail, path=self.node.path, fix="pass the construct whose logs to query")
        # Every property read is a round-trip to the jsii kernel: read the stack's values once.
        values = stack_values(cdk.Stack.of(self))
        account = values.account
        layout = _layout(trail, account, props)
        problems = _check(trail, account, props, layout)
        if problems:
            raise NetworkTrailError(problems, path=self.node.path)
        assert layout.access_logs is not None
        queries = network_activity_queries(
            table=props.table_name,
            allowed_account_ids=props.allowed_account_ids,
            sensitive_event_names=props.sensitive_event_names,
            lookback_days=props.lookback_days,
            history_days=props.history_days,
        )
        policy = (
            props.removal_policy if props.removal_policy is not None else _defaults.DEFAULT_REMOVAL_POLICY
        )
        database, table = self._glue(trail, account, props, layout)
        results_key, results_bucket = self._results(props, policy, layout.access_logs, values)
        workgroup_name = cdk.Names.unique_resource_name(self, max_length=128, separator="-")
        workgroup = self._create_workgroup(trail, account, props, workgroup_name, results_key, results_bucket)
        named_queries = self._create_named_queries(queries, layout.database, workgroup, table)
        _resources.tag_all(self, props.tags)
        self._queries = queries
        self._database = database
        self._table = table
        self._results_key = results_key
        self._results_bucket = results_bucket
        self._workgroup_name = workgroup_name
        self._workgroup = workgroup
        self._named_queries = named_queries

    # --- steps -----------------------------------------------------------------------------------
    def _glue(
        self, trail: NetworkTrail, account: str, props: NetworkActivityQueriesProps, layout: _Layout
    ) -> tuple[glue.CfnDatabase, glue.CfnTable]:
        """The Glue database and the table over the log files, with partition projection."""
        prefix = f"{trail.s3_key_prefix}/" if trail.s3_key_prefix else ""
        org = f"{layout.organization_id}/" if layout.organization_id else ""
        root = f"s3://{trail.bucket.bucket_name}/{prefix}AWSLogs/{org}"
        database = glue.CfnDatabase(
            self,
            "Database",
            catalog_id=account,
            database_input=glue.CfnDatabase.DatabaseInputProperty(
                name=layout.database,
                description=f"CloudTrail network activity events of trail {trail.trail_name}",
            ),
        )
        table = glue.CfnTable(
            self,
            "Table",
            catalog_id=account,
            database_name=layout.database,
            table_input=glue.CfnTable.TableInputProperty(
                name=props.table_name,
                description="CloudTrail network activity events (AwsVpceEvent), partition projection",
                table_type="EXTERNAL_TABLE",
                parameters={
                    "EXTERNAL": "TRUE",
                    "classification": "cloudtrail",
                    "projection.enabled": "true",
                    "projection.account.type": "enum",
                    "projection.account.values": ",".join(layout.accounts),
                    "projection.region.type": "enum",
                    "projection.region.values": ",".join(layout.regions),
                    "projection.event_date.type": "date",
                    "projection.event_date.format": "yyyy/MM/dd",
                    "projection.event_date.range": f"{PROJECTION_START},NOW",
                    "projection.event_date.interval": "1",
                    "projection.event_date.interval.unit": "DAYS",
                    "storage.location.template": (
                        root + "${account}/CloudTrail-NetworkActivity/${region}/${event_date}"
                    ),
                },
                partition_keys=[
                    glue.CfnTable.ColumnProperty(name=key, type="string") for key in PARTITION_KEYS
                ],
                storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                    location=root,
                    input_format="com.amazon.emr.cloudtrail.CloudTrailInputFormat",
                    output_format="org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                    serde_info=glue.CfnTable.SerdeInfoProperty(
                        serialization_library="org.apache.hive.hcatalog.data.JsonSerDe"
                    ),
                    columns=[glue.CfnTable.ColumnProperty(name=n, type=t) for n, t in TABLE_COLUMNS],
                ),
            ),
        )
        table.node.add_dependency(database)
        return database, table

    def _results(
        self,
        props: NetworkActivityQueriesProps,
        policy: cdk.RemovalPolicy,
        access_logs: s3.IBucket,
        values: StackValues,
    ) -> tuple[kms.Key, s3.Bucket]:
        """The results key and bucket (the shared builders), logging access to ``access_logs``."""
        # Grants only through AWS services (Control Tower CT.KMS.PR.3): Athena and S3 use key policy.
        key = create_addon_key(
            self,
            "ResultsKey",
            values=values,
            description="Encrypts Athena query results of network activity events (network_trail)",
            removal_policy=policy,
        )
        bucket = _resources.create_results_bucket(
            self,
            "ResultsBucket",
            key=key,
            expiration=props.results_expiration or cdk.Duration.days(RESULTS_EXPIRATION_DAYS),
            removal_policy=policy,
        )
        cfn_bucket = bucket.node.default_child
        assert isinstance(cfn_bucket, s3.CfnBucket)
        # The same flag-independent access logging as the trail's log bucket (not the L2's
        # server_access_logs_bucket, which needs @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy).
        access_statement = _resources.enable_access_logging(
            bucket,
            access_logs,
            cfn_source=cfn_bucket,
            prefix=RESULTS_ACCESS_LOGS_PREFIX,
            sid="S3ServerAccessLogsForQueryResults",
        )
        access_logs.add_to_resource_policy(iam.PolicyStatement.from_json(access_statement))
        _compliance.harden_and_acknowledge_results_bucket(bucket, cfn_bucket=cfn_bucket)
        return key, bucket

    def _create_workgroup(
        self,
        trail: NetworkTrail,
        account: str,
        props: NetworkActivityQueriesProps,
        name: str,
        results_key: kms.IKey,
        results_bucket: s3.IBucket,
    ) -> athena.CfnWorkGroup:
        """The workgroup whose settings every query gets: SSE-KMS results, metrics, a scan cutoff."""
        return athena.CfnWorkGroup(
            self,
            "WorkGroup",
            name=name,
            description=f"Queries network activity events of trail {trail.trail_name}",
            state="ENABLED",
            # Deleting the stack (or replacing the workgroup) deletes its query history and saved
            # queries with it, rather than failing because the workgroup is not empty:
            # https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-athena-workgroup.html
            recursive_delete_option=True,
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                # A cost guard enforced on every query of the workgroup (same page).
                bytes_scanned_cutoff_per_query=props.bytes_scanned_cutoff_per_query,
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                engine_version=athena.CfnWorkGroup.EngineVersionProperty(
                    selected_engine_version="Athena engine version 3"
                ),
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=f"s3://{results_bucket.bucket_name}/{RESULTS_PREFIX}",
                    expected_bucket_owner=account,
                    encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(
                        encryption_option="SSE_KMS", kms_key=results_key.key_arn
                    ),
                ),
            ),
        )

    def _create_named_queries(
        self,
        queries: Sequence[SavedQuery],
        database: str,
        workgroup: athena.CfnWorkGroup,
        table: glue.CfnTable,
    ) -> dict[str, athena.CfnNamedQuery]:
        """One ``AWS::Athena::NamedQuery`` per saved query, created after the table it reads."""
        named_queries: dict[str, athena.CfnNamedQuery] = {}
        for query in queries:
            resource_id = "".join(part.capitalize() for part in query.name.split("-")) + "Query"
            named = athena.CfnNamedQuery(
                self,
                resource_id,
                name=query.name,
                description=query.description[:1024],
                database=database,
                query_string=query.sql,
                work_group=workgroup.ref,
            )
            named.node.add_dependency(table)
            named_queries[query.name] = named
        return named_queries

    # --- public API ------------------------------------------------------------------------------
    @classmethod
    def from_props(
        cls,
        scope: Construct,
        construct_id: str,
        /,
        *,
        trail: NetworkTrail,
        props: NetworkActivityQueriesProps,
    ) -> NetworkActivityQueries:
        """Queries of ``trail`` configured by one props object: the same as passing each field as a
        keyword argument.

        :param scope: the parent construct.
        :param construct_id: the construct id.
        :param trail: the trail whose log files the table reads.
        :param props: the options.
        """
        return cls(scope, construct_id, trail=trail, **keywords(props))

    @property
    def queries(self) -> tuple[SavedQuery, ...]:
        """The saved queries, as :func:`network_activity_queries` wrote them."""
        return self._queries

    @property
    def database(self) -> glue.CfnDatabase:
        """The Glue database."""
        return self._database

    @property
    def table(self) -> glue.CfnTable:
        """The Glue table over the network activity log files."""
        return self._table

    @property
    def work_group(self) -> athena.CfnWorkGroup:
        """The Athena workgroup; its configuration is enforced on every query."""
        return self._workgroup

    @property
    def work_group_name(self) -> str:
        """The Athena workgroup's name, known at synth time."""
        return self._workgroup_name

    @property
    def results_bucket(self) -> s3.IBucket:
        """The bucket query results are written to."""
        return self._results_bucket

    @property
    def results_key(self) -> kms.IKey:
        """The KMS key query results are encrypted with."""
        return self._results_key

    @property
    def named_queries(self) -> dict[str, athena.CfnNamedQuery]:
        """Saved query name -> its ``AWS::Athena::NamedQuery`` resource."""
        return dict(self._named_queries)
