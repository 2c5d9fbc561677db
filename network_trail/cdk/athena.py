"""Query network activity events with Athena: a Glue table, a locked-down workgroup, saved queries.

The SQL lives in one place, :func:`network_activity_queries`, and the construct
saves exactly what it returns, so tests run the SQL that ships.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import aws_cdk as cdk
from aws_cdk import aws_athena as athena
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ..errors import NetworkTrailError
from ..model._ids import ACCOUNT_ID, ORGANIZATION_ID, REGION
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
from . import _defaults, _resources
from ._addons import create_addon_key, require_trail
from ._compliance import NAG_PACKS, REASONS, acknowledge_rules
from .trail import NetworkTrail

__all__ = [
    "DEFAULT_REGIONS",
    "PARTITION_KEYS",
    "PRICE_PER_100K_EVENTS_USD",
    "PROJECTION_START",
    "SENSITIVE_EVENT_NAMES",
    "TABLE_COLUMNS",
    "NetworkActivityQueries",
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

RESULTS_NO_REPLICATION_REASON: Final = (
    "the bucket holds Athena query results, derived copies that expire after 30 days by default and can be "
    "recomputed from the CloudTrail log files, which are the record to protect; replicating them would copy "
    "query output (possibly sensitive) to a second place for no recovery value"
)
RESULTS_NO_OBJECT_LOCK_REASON: Final = (
    "query results are transient and expire by lifecycle (30 days by default); Object Lock would keep every "
    "result past its expiry and could not be turned off. Tamper evidence belongs to the log files, whose "
    "trail writes digest files (log file validation)"
)


def _acknowledge(bucket: s3.Bucket) -> None:
    """The results bucket's accepted findings (cdk-nag, cfn-guard) and its event notifications."""
    acknowledge_rules(
        bucket,
        [
            ([f"{pack}-S3BucketReplicationEnabled" for pack in NAG_PACKS], RESULTS_NO_REPLICATION_REASON),
            (["cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check"], RESULTS_NO_OBJECT_LOCK_REASON),
            # Access logging is a raw property override, as on the trail's log bucket.
            (
                ["AwsSolutions-S1", *(f"{pack}-S3BucketLoggingEnabled" for pack in NAG_PACKS)],
                REASONS["log-bucket-logging-by-override"],
            ),
        ],
    )
    cfn = bucket.node.default_child
    assert isinstance(cfn, s3.CfnBucket)
    # Object events go to the default event bus at no charge (Control Tower CT.S3.PR.4); a raw
    # override, since the L2's event_bridge_enabled adds a custom-resource Lambda.
    cfn.add_property_override("NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", True)
    cfn.add_metadata("guard", {"SuppressedRules": ["s3_bucket_object_lock_enabled_check"]})


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


def _organization_problems(organization_id: str | None, trail: NetworkTrail, is_org_trail: bool) -> list[str]:
    """``organization_id``, when given, must be the organization trail's own: the table reads its path."""
    if organization_id is None:
        return []
    if not isinstance(organization_id, str) or not ORGANIZATION_ID.match(organization_id):
        return [
            f"organization_id must look like 'o-' and 10 to 32 lowercase letters or digits, got "
            f"{organization_id!r}"
        ]
    if not is_org_trail:
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


class NetworkActivityQueries(Construct):
    """Athena over a :class:`NetworkTrail`'s network activity log files, with saved queries.

    Creates a Glue database and table with partition projection over
    ``[prefix/]AWSLogs/[o-id/]<account>/CloudTrail-NetworkActivity/<region>/<yyyy/MM/dd>``
    (AWS's CloudTrail columns, JSON SerDe and CloudTrail input format), an Athena
    workgroup whose settings queries cannot override (SSE-KMS results, CloudWatch
    metrics, engine version 3), a results bucket as locked down as the log bucket,
    and one ``AWS::Athena::NamedQuery`` per query of :func:`network_activity_queries`.

    :param scope: the parent construct.
    :param construct_id: the construct id.
    :param trail: the trail whose log files the table reads.
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
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        problems = query_problems(
            table=table_name,
            allowed_account_ids=allowed_account_ids,
            sensitive_event_names=sensitive_event_names,
            lookback_days=lookback_days,
            history_days=history_days,
        )
        trail = require_trail(trail, path=self.node.path, fix="pass the construct whose logs to query")
        database = database_name if database_name is not None else glue_name(trail.trail_name)
        if not GLUE_NAME.match(database):
            problems.append(
                f"database_name must be 1 to 255 lowercase letters, digits or '_' (Glue), got "
                f"{database!r}: e.g. 'network_trail'"
            )
        is_org_trail = trail.cfn_trail.is_organization_trail is True
        problems += _organization_problems(organization_id, trail, is_org_trail)
        organization_id = trail.organization_id if is_org_trail else None
        if is_org_trail and account_ids is None:
            problems.append(
                "account_ids is required for an organization trail: each member account writes under "
                "AWSLogs/<o-id>/<member>/, and projecting only the stack's account would never query "
                "them; pass account_ids=['111122223333', …] (e.g. from 'aws organizations list-accounts')"
            )
        problems += _cutoff_problems(bytes_scanned_cutoff_per_query)
        accounts = tuple(account_ids) if account_ids is not None else (stack.account,)
        if cdk.Token.is_unresolved(stack.account) and account_ids is None:
            problems.append(
                "account_ids is required when the stack has no account (env-agnostic): the table projects "
                "the account in the S3 path; pass account_ids=['111122223333'] or pin the stack's env"
            )
        for i, account in enumerate(accounts if account_ids is not None else ()):
            if not isinstance(account, str) or not ACCOUNT_ID.match(account):
                problems.append(
                    f"account_ids[{i}] must be a 12-digit AWS account id as a string, got {account!r}"
                )
        chosen_regions = tuple(regions) if regions is not None else DEFAULT_REGIONS
        if not chosen_regions:
            problems.append("regions is empty: give at least one Region the trail writes, e.g. ['us-east-1']")
        for i, region in enumerate(chosen_regions):
            if not isinstance(region, str) or not REGION.match(region):
                problems.append(f"regions[{i}] must be a Region code such as 'eu-west-1', got {region!r}")
        if tags is not None:
            problems += tag_problems(tags)
        if problems:
            raise NetworkTrailError(problems, path=self.node.path)

        self._queries = network_activity_queries(
            table=table_name,
            allowed_account_ids=allowed_account_ids,
            sensitive_event_names=sensitive_event_names,
            lookback_days=lookback_days,
            history_days=history_days,
        )
        policy = removal_policy if removal_policy is not None else _defaults.DEFAULT_REMOVAL_POLICY

        # --- Glue -------------------------------------------------------------------------------
        prefix = f"{trail.s3_key_prefix}/" if trail.s3_key_prefix else ""
        org = f"{organization_id}/" if organization_id else ""
        root = f"s3://{trail.bucket.bucket_name}/{prefix}AWSLogs/{org}"
        self._database = glue.CfnDatabase(
            self,
            "Database",
            catalog_id=stack.account,
            database_input=glue.CfnDatabase.DatabaseInputProperty(
                name=database, description=f"CloudTrail network activity events of trail {trail.trail_name}"
            ),
        )
        self._table = glue.CfnTable(
            self,
            "Table",
            catalog_id=stack.account,
            database_name=database,
            table_input=glue.CfnTable.TableInputProperty(
                name=table_name,
                description="CloudTrail network activity events (AwsVpceEvent), partition projection",
                table_type="EXTERNAL_TABLE",
                parameters={
                    "EXTERNAL": "TRUE",
                    "classification": "cloudtrail",
                    "projection.enabled": "true",
                    "projection.account.type": "enum",
                    "projection.account.values": ",".join(accounts),
                    "projection.region.type": "enum",
                    "projection.region.values": ",".join(chosen_regions),
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
        self._table.node.add_dependency(self._database)

        # --- results ----------------------------------------------------------------------------
        # Grants only through AWS services (Control Tower CT.KMS.PR.3): Athena and S3 use key policy.
        self._results_key = create_addon_key(
            self,
            "ResultsKey",
            description="Encrypts Athena query results of network activity events (network_trail)",
            removal_policy=policy,
        )
        access_logs = server_access_logs_bucket or trail.access_logs_bucket
        if access_logs is None:
            raise NetworkTrailError(
                "server_access_logs_bucket is required when the trail's bucket was provided (the trail "
                "has no access-log bucket of its own): pass the bucket that receives S3 access logs",
                path=self.node.path,
            )
        self._results_bucket = s3.Bucket(
            self,
            "ResultsBucket",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self._results_key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireQueryResults",
                    expiration=results_expiration or cdk.Duration.days(RESULTS_EXPIRATION_DAYS),
                    noncurrent_version_expiration=cdk.Duration.days(1),
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(
                        _defaults.ABORT_INCOMPLETE_UPLOAD_DAYS
                    ),
                )
            ],
            removal_policy=policy,
        )
        # The same flag-independent access logging as the trail's log bucket (not the L2's
        # server_access_logs_bucket, which needs @aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy).
        access_statement = _resources.enable_access_logging(
            self._results_bucket,
            access_logs,
            prefix=RESULTS_ACCESS_LOGS_PREFIX,
            sid="S3ServerAccessLogsForQueryResults",
        )
        access_logs.add_to_resource_policy(iam.PolicyStatement.from_json(access_statement))
        _acknowledge(self._results_bucket)
        self._workgroup_name = cdk.Names.unique_resource_name(self, max_length=128, separator="-")
        self._workgroup = athena.CfnWorkGroup(
            self,
            "WorkGroup",
            name=self._workgroup_name,
            description=f"Queries network activity events of trail {trail.trail_name}",
            state="ENABLED",
            # Deleting the stack (or replacing the workgroup) deletes its query history and saved
            # queries with it, rather than failing because the workgroup is not empty:
            # https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-athena-workgroup.html
            recursive_delete_option=True,
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                # A cost guard enforced on every query of the workgroup (same page).
                bytes_scanned_cutoff_per_query=bytes_scanned_cutoff_per_query,
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                engine_version=athena.CfnWorkGroup.EngineVersionProperty(
                    selected_engine_version="Athena engine version 3"
                ),
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=f"s3://{self._results_bucket.bucket_name}/{RESULTS_PREFIX}",
                    expected_bucket_owner=stack.account,
                    encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(
                        encryption_option="SSE_KMS", kms_key=self._results_key.key_arn
                    ),
                ),
            ),
        )
        self._named_queries: dict[str, athena.CfnNamedQuery] = {}
        for query in self._queries:
            resource_id = "".join(part.capitalize() for part in query.name.split("-")) + "Query"
            named = athena.CfnNamedQuery(
                self,
                resource_id,
                name=query.name,
                description=query.description[:1024],
                database=database,
                query_string=query.sql,
                work_group=self._workgroup.ref,
            )
            named.node.add_dependency(self._table)
            self._named_queries[query.name] = named
        _resources.tag_all(self, tags)

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
