"""NetworkActivityQueries: Glue table, workgroup, results bucket and saved queries; rule packs."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import cdk_nag
import pytest
from aws_cdk.assertions import Match, Template

from network_trail import (
    NetworkActivityAlarms,
    NetworkActivityQueries,
    NetworkActivityQueriesProps,
    NetworkTrail,
    NetworkTrailError,
)
from network_trail.cdk.athena import PARTITION_KEYS, TABLE_COLUMNS, network_activity_queries

from .conftest import ACCOUNT, assert_tag_on_created, new_app, new_stack

PARTNER = "210987654321"
ORG = "o-a1b2c3d4e5"


@pytest.fixture(scope="module")
def built() -> tuple[cdk.Stack, NetworkActivityQueries, Template]:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", s3_key_prefix="network")
    queries = NetworkActivityQueries(
        stack, "Queries", trail=trail, allowed_account_ids=[PARTNER], regions=["us-east-1", "eu-west-1"]
    )
    return stack, queries, Template.from_stack(stack)


@pytest.fixture(scope="module")
def template(built: tuple[cdk.Stack, NetworkActivityQueries, Template]) -> Template:
    return built[2]


def _table_input(template: Template) -> dict[str, Any]:
    (table,) = template.find_resources("AWS::Glue::Table").values()
    result: dict[str, Any] = table["Properties"]["TableInput"]
    return result


def test_table_reads_cloudtrail_json_with_aws_serde_and_input_format(template: Template) -> None:
    descriptor = _table_input(template)["StorageDescriptor"]
    assert descriptor["InputFormat"] == "com.amazon.emr.cloudtrail.CloudTrailInputFormat"
    assert descriptor["SerdeInfo"] == {"SerializationLibrary": "org.apache.hive.hcatalog.data.JsonSerDe"}


def test_table_has_network_activity_columns(template: Template) -> None:
    columns = {c["Name"]: c["Type"] for c in _table_input(template)["StorageDescriptor"]["Columns"]}
    assert columns == dict(TABLE_COLUMNS)
    for name in ("vpcendpointid", "vpcendpointaccountid", "eventcategory", "sharedeventid", "errorcode"):
        assert columns[name] == "string"


def test_table_projects_account_region_and_delivery_day(template: Template) -> None:
    table = _table_input(template)
    assert [k["Name"] for k in table["PartitionKeys"]] == list(PARTITION_KEYS)
    params = {k: v for k, v in table["Parameters"].items() if k != "storage.location.template"}
    assert params == {
        "EXTERNAL": "TRUE",
        "classification": "cloudtrail",
        "projection.enabled": "true",
        "projection.account.type": "enum",
        "projection.account.values": ACCOUNT,
        "projection.region.type": "enum",
        "projection.region.values": "us-east-1,eu-west-1",
        "projection.event_date.type": "date",
        "projection.event_date.format": "yyyy/MM/dd",
        "projection.event_date.range": "2024/09/24,NOW",
        "projection.event_date.interval": "1",
        "projection.event_date.interval.unit": "DAYS",
    }


def test_location_template_follows_the_network_activity_prefix(
    built: tuple[cdk.Stack, NetworkActivityQueries, Template],
) -> None:
    stack, _, template = built
    template_value = _table_input(template)["Parameters"]["storage.location.template"]
    bucket = stack.resolve(stack.node.find_child("NetworkTrail").bucket.bucket_name)
    assert template_value == {
        "Fn::Join": [
            "",
            [
                "s3://",
                bucket,
                "/network/AWSLogs/${account}/CloudTrail-NetworkActivity/${region}/${event_date}",
            ],
        ]
    }


def test_organization_trail_location_has_the_organization_id() -> None:
    # GIVEN an organization trail
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", organization_id=ORG, is_organization_trail=True)
    # WHEN queries are added with the organization id and member accounts
    NetworkActivityQueries(stack, "Queries", trail=trail, organization_id=ORG, account_ids=[ACCOUNT, PARTNER])
    table = _table_input(Template.from_stack(stack))
    # THEN the path has AWSLogs/<o-id>/<account>/ and both accounts are projected
    parts = table["Parameters"]["storage.location.template"]["Fn::Join"][1]
    assert parts[-1] == f"/AWSLogs/{ORG}/${{account}}/CloudTrail-NetworkActivity/${{region}}/${{event_date}}"
    assert table["Parameters"]["projection.account.values"] == f"{ACCOUNT},{PARTNER}"


def test_organization_is_taken_from_the_trail() -> None:
    # GIVEN an organization trail and queries given no organization_id
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", organization_id=ORG, is_organization_trail=True)
    NetworkActivityQueries(stack, "Queries", trail=trail, account_ids=[ACCOUNT])
    # THEN the table reads the trail's organization path (UG-FILES: AWSLogs/<o-id>/<account>/)
    parts = _table_input(Template.from_stack(stack))["Parameters"]["storage.location.template"]["Fn::Join"][1]
    assert parts[-1].startswith(f"/AWSLogs/{ORG}/${{account}}/")


def test_fails_when_organization_id_differs_from_the_trails() -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", organization_id=ORG, is_organization_trail=True)
    with pytest.raises(NetworkTrailError, match=r"organization_id='o-zzzzzzzzzz' differs from the trail's"):
        NetworkActivityQueries(
            stack, "Queries", trail=trail, organization_id="o-zzzzzzzzzz", account_ids=[ACCOUNT]
        )


def test_fails_when_organization_id_is_given_for_a_trail_of_one_account() -> None:
    # GIVEN a trail that is not an organization trail (its organization_id only guards the bucket)
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", organization_id=ORG)
    # THEN its files are under AWSLogs/<account>/: an organization path would read nothing
    with pytest.raises(NetworkTrailError, match=r"is not an organization trail"):
        NetworkActivityQueries(stack, "Queries", trail=trail, organization_id=ORG)


def test_workgroup_enforces_kms_encrypted_results_and_metrics(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Athena::WorkGroup",
        {
            "State": "ENABLED",
            "WorkGroupConfiguration": {
                "EnforceWorkGroupConfiguration": True,
                "PublishCloudWatchMetricsEnabled": True,
                "EngineVersion": {"SelectedEngineVersion": "Athena engine version 3"},
                "ResultConfiguration": {
                    "EncryptionConfiguration": {
                        "EncryptionOption": "SSE_KMS",
                        "KmsKey": {"Fn::GetAtt": [Match.string_like_regexp("QueriesResultsKey"), "Arn"]},
                    },
                    "ExpectedBucketOwner": ACCOUNT,
                    "OutputLocation": Match.any_value(),
                },
            },
        },
    )


def test_results_bucket_is_locked_down_like_the_log_bucket(template: Template) -> None:
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {
                        "BucketKeyEnabled": True,
                        "ServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": {
                                "Fn::GetAtt": [Match.string_like_regexp("QueriesResultsKey"), "Arn"]
                            },
                        },
                    }
                ]
            },
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "VersioningConfiguration": {"Status": "Enabled"},
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "LoggingConfiguration": {
                "DestinationBucketName": {"Ref": Match.string_like_regexp("NetworkTrailAccessLogsBucket")},
                "LogFilePrefix": "athena-results-access-logs/",
            },
            "LifecycleConfiguration": {
                "Rules": [
                    Match.object_like(
                        {"Id": "ExpireQueryResults", "ExpirationInDays": 30, "Status": "Enabled"}
                    )
                ]
            },
        },
    )


def test_results_bucket_denies_requests_without_tls(template: Template) -> None:
    template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "Bucket": {"Ref": Match.string_like_regexp("QueriesResultsBucket")},
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
                        )
                    ]
                )
            },
        },
    )


def test_named_queries_ship_the_tested_sql(template: Template) -> None:
    shipped = {
        q["Properties"]["Name"]: q["Properties"]
        for q in template.find_resources("AWS::Athena::NamedQuery").values()
    }
    expected = {q.name: q.sql for q in network_activity_queries(allowed_account_ids=[PARTNER])}
    assert {name: props["QueryString"] for name, props in shipped.items()} == expected
    for props in shipped.values():
        assert props["Database"] == _database_name(template)


def _database_name(template: Template) -> str:
    (db,) = template.find_resources("AWS::Glue::Database").values()
    name: str = db["Properties"]["DatabaseInput"]["Name"]
    return name


def test_named_queries_run_in_the_workgroup(template: Template) -> None:
    (workgroup_id,) = template.find_resources("AWS::Athena::WorkGroup")
    for query in template.find_resources("AWS::Athena::NamedQuery").values():
        assert query["Properties"]["WorkGroup"] == {"Ref": workgroup_id}


def test_database_name_defaults_to_the_trail_name_in_glue_form(template: Template) -> None:
    assert _database_name(template) == "teststack_networktrail_a1f146b1"


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"database_name": "Bad-Name"}, r"database_name must be 1 to 255 lowercase .* got 'Bad-Name'"),
        ({"regions": ["Europe"]}, r"regions\[0\] must be a Region code .* got 'Europe'"),
        ({"account_ids": ["12"]}, r"account_ids\[0\] must be a 12-digit .* got '12'"),
        ({"allowed_account_ids": ["x"]}, r"allowed_account_ids\[0\] must be a 12-digit"),
        ({"table_name": "network-activity"}, r"table_name must be 1 to 255 lowercase"),
        (
            {"tags": {"aws:team": "sec"}},
            r"tags key 'aws:team' must be 1 to 128 characters and not start with 'aws:'",
        ),
        ({"tags": {"team": 7}}, r"tags\['team'\] must be a string of at most 256 characters, got 7"),
        (
            {"bytes_scanned_cutoff_per_query": 9_999_999},
            r"bytes_scanned_cutoff_per_query must be a whole number of bytes of at least 10,000,000 "
            r"\(Athena's minimum\), or None for no limit, got 9999999",
        ),
        ({"bytes_scanned_cutoff_per_query": "10GB"}, r"bytes_scanned_cutoff_per_query .* got '10GB'"),
        ({"bytes_scanned_cutoff_per_query": 1e10}, r"bytes_scanned_cutoff_per_query .* got 10000000000.0"),
        ({"bytes_scanned_cutoff_per_query": True}, r"bytes_scanned_cutoff_per_query .* got True"),
    ],
)
def test_fails_when_a_prop_is_invalid(props: dict[str, Any], message: str) -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail")
    with pytest.raises(NetworkTrailError, match=message):
        NetworkActivityQueries(stack, "Queries", trail=trail, **props)


def test_tags_reach_every_taggable_resource_it_creates() -> None:
    # GIVEN queries created with tags (the trail's own tags stop at the trail's resources)
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail")
    NetworkActivityQueries(stack, "Queries", trail=trail, tags={"Environment": "prod"})
    template = Template.from_stack(stack)
    # THEN the results bucket, its key and the workgroup carry them
    assert_tag_on_created(
        template,
        "Queries",
        ("AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Athena::WorkGroup"),
        {"Key": "Environment", "Value": "prod"},
    )


# --- rule packs on the add-ons' resources -----------------------------------------------------------
@pytest.mark.parametrize(
    "pack",
    [
        cdk_nag.AwsSolutionsChecks,
        cdk_nag.NIST80053R5Checks,
        cdk_nag.HIPAASecurityChecks,
        cdk_nag.PCIDSS321Checks,
    ],
)
def test_cdk_nag_finds_nothing_on_the_add_ons(pack: Any) -> None:
    # GIVEN a trail with both add-ons
    app = new_app()
    stack = new_stack(app)
    trail = NetworkTrail(stack, "NetworkTrail", send_to_cloud_watch_logs=True)
    NetworkActivityQueries(stack, "Queries", trail=trail)
    NetworkActivityAlarms(stack, "Alarms", trail=trail, email="security@example.com")
    # WHEN the pack checks the app
    report = pack(app).validate_scope(app)
    # THEN no finding is on a resource of the add-ons
    paths = [
        r.construct_path
        for v in report.violations
        for r in v.violating_resources
        if "/Queries/" in r.construct_path or "/Alarms/" in r.construct_path
    ]
    assert paths == []


def test_cdk_nag_sees_the_results_bucket_when_not_acknowledged() -> None:
    # GIVEN a plain bucket configured like the results bucket but without acknowledgments
    app = new_app()
    stack = new_stack(app)
    cdk.aws_s3.Bucket(stack, "Plain", enforce_ssl=True, versioned=True)
    report = cdk_nag.NIST80053R5Checks(app).validate_scope(app)
    # THEN the replication rule fires: the packs are live in this test set-up
    flagged = {(v.rule_name, r.construct_path) for v in report.violations for r in v.violating_resources}
    assert ("NIST.800.53.R5-S3BucketReplicationEnabled", "TestStack/Plain/Resource") in flagged


def test_sample_app_enables_queries_and_alarms_in_prod_only(
    sample_app_templates: dict[str, dict[str, Any]],
) -> None:
    def has(env: str, kind: str) -> bool:
        return any(r["Type"] == kind for r in sample_app_templates[env]["Resources"].values())

    assert has("prod", "AWS::Glue::Table") and has("prod", "AWS::SNS::Topic")
    for env in set(sample_app_templates) - {"prod"}:
        assert not has(env, "AWS::Glue::Table") and not has(env, "AWS::Athena::WorkGroup"), env
        assert not any(
            r["Type"] == "AWS::CloudWatch::Alarm" and r["Properties"].get("Namespace") == "NetworkTrail"
            for r in sample_app_templates[env]["Resources"].values()
        ), env


# --- sample app configuration ----------------------------------------------------------------------
def test_config_athena_true_enables_queries_with_defaults() -> None:
    from network_trail.app.config import load_environments

    (env,) = load_environments({"dev": {"account": ACCOUNT, "region": "us-east-1", "athena": True}})
    assert env.athena_props == NetworkActivityQueriesProps()


def test_config_athena_object_becomes_construct_props() -> None:
    from network_trail.app.config import load_environments

    raw = {
        "account": ACCOUNT,
        "region": "us-east-1",
        "athena": {"allowed_accounts": [PARTNER], "regions": ["eu-west-1"]},
    }
    (env,) = load_environments({"dev": raw})
    assert env.athena_props == NetworkActivityQueriesProps(
        allowed_account_ids=(PARTNER,), regions=("eu-west-1",)
    )


def test_fails_when_config_athena_has_an_unknown_key() -> None:
    from network_trail.app.config import load_environments

    with pytest.raises(NetworkTrailError, match=r"key 'athena': must be true or an object with keys"):
        load_environments({"dev": {"account": ACCOUNT, "region": "us-east-1", "athena": {"bucket": "x"}}})


# --- cost guard and clean deletion ----------------------------------------------------------------
def test_workgroup_bounds_each_query_scan_by_default(template: Template) -> None:
    # 100 GiB: Athena cancels a query of the workgroup that scans more (BytesScannedCutoffPerQuery)
    template.has_resource_properties(
        "AWS::Athena::WorkGroup",
        {"WorkGroupConfiguration": Match.object_like({"BytesScannedCutoffPerQuery": 107_374_182_400})},
    )


def test_workgroup_is_deleted_with_its_saved_queries_and_history(template: Template) -> None:
    template.has_resource_properties("AWS::Athena::WorkGroup", {"RecursiveDeleteOption": True})


@pytest.mark.parametrize(("cutoff", "expected"), [(10_000_000, 10_000_000), (None, Match.absent())])
def test_workgroup_scan_cutoff_is_configurable(cutoff: int | None, expected: object) -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail")
    NetworkActivityQueries(stack, "Queries", trail=trail, bytes_scanned_cutoff_per_query=cutoff)
    Template.from_stack(stack).has_resource_properties(
        "AWS::Athena::WorkGroup",
        {"WorkGroupConfiguration": Match.object_like({"BytesScannedCutoffPerQuery": expected})},
    )


def test_fails_when_organization_trail_has_no_member_accounts() -> None:
    # GIVEN an organization trail: members write under AWSLogs/<o-id>/<member>/
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", organization_id=ORG, is_organization_trail=True)
    # WHEN the queries project only the default (the stack's account)  THEN synth fails, naming the fix
    with pytest.raises(NetworkTrailError, match=r"account_ids is required for an organization trail"):
        NetworkActivityQueries(stack, "Queries", trail=trail, organization_id=ORG)


def test_config_athena_accounts_project_an_organization_trails_members() -> None:
    from network_trail.app.config import load_environments

    raw = {
        "account": ACCOUNT,
        "region": "us-east-1",
        "is_organization_trail": True,
        "organization_id": ORG,
        "athena": {"accounts": [ACCOUNT, PARTNER]},
    }
    (env,) = load_environments({"org": raw})
    assert env.athena_props is not None
    assert env.athena_props.account_ids == (ACCOUNT, PARTNER)
    assert env.athena_props.organization_id == ORG  # the organization trail's, handed on


@pytest.mark.parametrize(
    ("accounts", "message"),
    [
        (["12"], r"key 'athena.accounts': must be a list of 12-digit account ids as strings, got \['12'\]"),
        ([], r"key 'athena.accounts': must list at least one account, got \[\]"),
        ("123456789012", r"key 'athena.accounts': must be a list of 12-digit account ids"),
    ],
)
def test_fails_when_config_athena_accounts_are_invalid(accounts: object, message: str) -> None:
    from network_trail.app.config import load_environments

    raw = {"account": ACCOUNT, "region": "us-east-1", "athena": {"accounts": accounts}}
    with pytest.raises(NetworkTrailError, match=message):
        load_environments({"dev": raw})
