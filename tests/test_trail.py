"""Fine-grained assertions on what NetworkTrail synthesizes."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Annotations, Capture, Match, Template

from network_trail import (
    GA_SOURCES,
    DataEventSelector,
    ManagementEvents,
    NetworkActivityEventSource,
    NetworkTrail,
    NetworkTrailError,
    presets,
    render_selectors,
)
from tests.conftest import ACCOUNT, REGION, new_stack, synth

TRAIL = "AWS::CloudTrail::Trail"
BUCKET = "AWS::S3::Bucket"
KEY = "AWS::KMS::Key"
POLICY = "AWS::S3::BucketPolicy"
TRAIL_ARN = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/network-activity"


@pytest.fixture(scope="module")
def named() -> tuple[NetworkTrail, Template, cdk.Stack]:
    """A trail with a known name and an S3 key prefix, shared by read-only tests."""
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", trail_name="network-activity", s3_key_prefix="logs/net")
    return trail, Template.from_stack(stack), stack


def key_statements(template: Template) -> list[dict[str, Any]]:
    (key,) = template.find_resources(KEY).values()
    statements: list[dict[str, Any]] = key["Properties"]["KeyPolicy"]["Statement"]
    return statements


def log_bucket_policy(trail: NetworkTrail, template: Template, stack: cdk.Stack) -> list[dict[str, Any]]:
    bucket_ref = stack.resolve(trail.bucket.bucket_name)
    for policy in template.find_resources(POLICY).values():
        if policy["Properties"]["Bucket"] == bucket_ref:
            statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
            return statements
    raise AssertionError("no bucket policy on the log bucket")


# --- the bundle -----------------------------------------------------------------------------------


def test_minimal_call_creates_the_bundle(default_template: Template) -> None:
    # GIVEN NetworkTrail(stack, "NetworkTrail") with no props
    # THEN the trail, its log bucket, access-log bucket, two bucket policies, key and alias exist
    default_template.resource_count_is(TRAIL, 1)
    default_template.resource_count_is(BUCKET, 2)
    default_template.resource_count_is(POLICY, 2)
    default_template.resource_count_is(KEY, 1)
    default_template.resource_count_is("AWS::KMS::Alias", 1)


def test_no_cloud_watch_logs_resources_by_default(default_template: Template) -> None:
    default_template.resource_count_is("AWS::Logs::LogGroup", 0)
    default_template.resource_count_is("AWS::IAM::Role", 0)


# --- key ------------------------------------------------------------------------------------------


def test_key_is_symmetric_with_rotation(default_template: Template) -> None:
    default_template.has_resource_properties(
        KEY, {"EnableKeyRotation": True, "KeySpec": Match.absent(), "KeyUsage": Match.absent()}
    )


def test_key_is_retained_on_delete_and_replace(default_template: Template) -> None:
    default_template.has_resource(KEY, {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"})


def test_key_lets_cloudtrail_generate_data_keys_for_this_trail(
    named: tuple[NetworkTrail, Template, cdk.Stack],
) -> None:
    _, template, _ = named
    assert {
        "Sid": "AllowCloudTrailToEncryptLogs",
        "Effect": "Allow",
        "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": "kms:GenerateDataKey*",
        "Resource": "*",
        "Condition": {
            "StringEquals": {"aws:SourceArn": TRAIL_ARN},
            "StringLike": {
                "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"
            },
        },
    } in key_statements(template)


def test_key_lets_cloudtrail_describe_it(named: tuple[NetworkTrail, Template, cdk.Stack]) -> None:
    _, template, _ = named
    template.has_resource_properties(
        KEY,
        {
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": "kms:DescribeKey",
                                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                                "Condition": {"StringEquals": {"aws:SourceArn": TRAIL_ARN}},
                            }
                        )
                    ]
                )
            }
        },
    )


def test_key_lets_cloudtrail_decrypt_for_the_bucket_key(
    named: tuple[NetworkTrail, Template, cdk.Stack],
) -> None:
    _, template, _ = named
    decrypt = [s for s in key_statements(template) if s["Action"] == "kms:Decrypt"]
    assert decrypt == [
        {
            "Sid": "AllowCloudTrailToDecryptForBucketKey",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:Decrypt",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": TRAIL_ARN}},
        }
    ]


def test_no_allow_statement_has_a_star_principal(default_template: Template) -> None:
    # GIVEN every policy in the template (key policy, bucket policies)
    text = json.dumps(default_template.to_json())
    statements: list[dict[str, Any]] = []
    for resource in default_template.to_json()["Resources"].values():
        props = resource.get("Properties", {})
        for doc in (props.get("KeyPolicy"), props.get("PolicyDocument")):
            if doc:
                statements += doc["Statement"]
    assert statements and '"Principal"' in text
    # THEN no Allow names "*" as principal
    stars = [s for s in statements if s["Effect"] == "Allow" and s["Principal"] in ("*", {"AWS": "*"})]
    assert stars == []


def test_alias_defaults_to_the_trail_name(named: tuple[NetworkTrail, Template, cdk.Stack]) -> None:
    trail, template, stack = named
    template.has_resource_properties(
        "AWS::KMS::Alias",
        {"AliasName": "alias/network-activity", "TargetKeyId": stack.resolve(trail.key.key_arn)},
    )


def test_alias_can_be_named() -> None:
    _, template = synth(key_alias="alias/security/network-trail")
    template.has_resource_properties("AWS::KMS::Alias", {"AliasName": "alias/security/network-trail"})


# --- log bucket -----------------------------------------------------------------------------------


def test_log_bucket_uses_sse_kms_with_the_key_and_a_bucket_key(
    named: tuple[NetworkTrail, Template, cdk.Stack],
) -> None:
    trail, template, stack = named
    template.has_resource_properties(
        BUCKET,
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {
                        "BucketKeyEnabled": True,
                        "ServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": stack.resolve(trail.key.key_arn),
                        },
                    }
                ]
            }
        },
    )


def test_log_bucket_is_locked_down(named: tuple[NetworkTrail, Template, cdk.Stack]) -> None:
    trail, template, stack = named
    bucket_id = stack.resolve(trail.bucket.bucket_name)["Ref"]
    props = template.to_json()["Resources"][bucket_id]["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}


def test_log_bucket_logs_access_to_the_access_log_bucket(
    named: tuple[NetworkTrail, Template, cdk.Stack],
) -> None:
    trail, template, stack = named
    assert trail.access_logs_bucket is not None
    template.has_resource_properties(
        BUCKET,
        {
            "LoggingConfiguration": {
                "DestinationBucketName": stack.resolve(trail.access_logs_bucket.bucket_name),
                "LogFilePrefix": "access-logs/",
            }
        },
    )


def test_log_bucket_expires_noncurrent_versions(default_template: Template) -> None:
    default_template.has_resource_properties(
        BUCKET,
        {
            "LifecycleConfiguration": {
                "Rules": [
                    Match.object_like(
                        {
                            "Id": "ExpireNoncurrentVersions",
                            "NoncurrentVersionExpiration": {"NoncurrentDays": 90},
                        }
                    )
                ]
            },
            "LoggingConfiguration": Match.any_value(),
        },
    )


def test_log_retention_adds_an_expiration_rule() -> None:
    _, template = synth(log_retention=cdk.Duration.days(400))
    template.has_resource_properties(
        BUCKET,
        {
            "LifecycleConfiguration": {
                "Rules": Match.array_with(
                    [Match.object_like({"Id": "ExpireLogFiles", "ExpirationInDays": 400})]
                )
            }
        },
    )


def test_buckets_are_retained_on_delete_and_replace(default_template: Template) -> None:
    buckets = default_template.find_resources(BUCKET)
    assert len(buckets) == 2
    for bucket in buckets.values():
        assert (bucket["DeletionPolicy"], bucket["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_removal_policy_applies_to_created_resources() -> None:
    _, template = synth(removal_policy=cdk.RemovalPolicy.DESTROY)
    template.has_resource(KEY, {"DeletionPolicy": "Delete"})
    template.all_resources(BUCKET, {"DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete"})


def test_access_log_bucket_is_encrypted_and_expires_logs(default_template: Template) -> None:
    default_template.has_resource_properties(
        BUCKET,
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            },
            "LifecycleConfiguration": {
                "Rules": [Match.object_like({"Id": "ExpireAccessLogs", "ExpirationInDays": 365})]
            },
            "LoggingConfiguration": Match.absent(),
        },
    )


def test_every_bucket_denies_requests_without_tls(default_template: Template) -> None:
    tls_only = Match.object_like(
        {
            "Effect": "Deny",
            "Action": "s3:*",
            "Principal": {"AWS": "*"},
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    )
    default_template.all_resources_properties(
        POLICY, {"PolicyDocument": {"Statement": Match.array_with([tls_only])}}
    )


def test_bucket_policy_is_the_documented_cloudtrail_policy(
    named: tuple[NetworkTrail, Template, cdk.Stack],
) -> None:
    # GIVEN a trail named "network-activity" writing under "logs/net"
    trail, template, stack = named
    bucket_arn = stack.resolve(trail.bucket.bucket_arn)
    statements = log_bucket_policy(trail, template, stack)
    # THEN the CloudTrail statements are AWS's documented shape, conditioned on the trail ARN
    assert [s for s in statements if s.get("Principal") == {"Service": "cloudtrail.amazonaws.com"}] == [
        {
            "Sid": "AWSCloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": bucket_arn,
            "Condition": {"StringEquals": {"aws:SourceArn": TRAIL_ARN}},
        },
        {
            "Sid": "AWSCloudTrailWrite",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": {"Fn::Join": ["", [bucket_arn, f"/logs/net/AWSLogs/{ACCOUNT}/*"]]},
            "Condition": {
                "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": TRAIL_ARN}
            },
        },
    ]


def test_bucket_policy_without_prefix_writes_at_the_root(default_template: Template) -> None:
    cap = Capture()
    default_template.has_resource_properties(
        POLICY,
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Sid": "AWSCloudTrailWrite", "Resource": cap})]
                )
            }
        },
    )
    assert cap.as_object()["Fn::Join"][1][1] == f"/AWSLogs/{ACCOUNT}/*"


# --- trail ----------------------------------------------------------------------------------------


def test_trail_depends_on_the_bucket_policy(named: tuple[NetworkTrail, Template, cdk.Stack]) -> None:
    trail, template, stack = named
    policy = trail.bucket.policy
    assert policy is not None
    policy_id = stack.get_logical_id(policy.node.default_child)  # type: ignore[arg-type]
    template.has_resource(TRAIL, {"DependsOn": Match.array_with([policy_id])})


def test_trail_properties(named: tuple[NetworkTrail, Template, cdk.Stack]) -> None:
    trail, template, stack = named
    template.has_resource_properties(
        TRAIL,
        {
            "TrailName": "network-activity",
            "S3BucketName": stack.resolve(trail.bucket.bucket_name),
            "S3KeyPrefix": "logs/net",
            "KMSKeyId": stack.resolve(trail.key.key_arn),
            "EnableLogFileValidation": True,
            "IsMultiRegionTrail": True,
            "IncludeGlobalServiceEvents": True,
            "IsLogging": True,
            "AdvancedEventSelectors": Match.any_value(),
            "EventSelectors": Match.absent(),
            "IsOrganizationTrail": Match.absent(),
        },
    )


def test_default_selectors_are_access_denied_for_the_ga_sources(default_template: Template) -> None:
    default_template.has_resource_properties(
        TRAIL, {"AdvancedEventSelectors": render_selectors(presets.ga_access_denied())}
    )
    assert len(GA_SOURCES) == 5


def test_single_region_trail_options() -> None:
    _, template = synth(
        is_multi_region_trail=False, include_global_service_events=False, enable_file_validation=False
    )
    template.has_resource_properties(
        TRAIL,
        {"IsMultiRegionTrail": False, "IncludeGlobalServiceEvents": False, "EnableLogFileValidation": False},
    )


@pytest.mark.parametrize(
    ("choice", "fields"),
    [
        (ManagementEvents.ALL, [{"Field": "eventCategory", "Equals": ["Management"]}]),
        (
            ManagementEvents.READ_ONLY,
            [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "readOnly", "Equals": ["true"]}],
        ),
        (
            ManagementEvents.WRITE_ONLY,
            [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "readOnly", "Equals": ["false"]},
            ],
        ),
    ],
)
def test_management_events_add_a_first_selector(choice: ManagementEvents, fields: list[Any]) -> None:
    trail, template = synth(management_events=choice)
    cap = Capture()
    template.has_resource_properties(TRAIL, {"AdvancedEventSelectors": cap})
    assert cap.as_array()[0]["FieldSelectors"] == fields
    assert len(cap.as_array()) == 6
    assert trail.selectors_json() == cap.as_array()


def test_no_management_events_by_default(default_template: Template) -> None:
    cap = Capture()
    default_template.has_resource_properties(TRAIL, {"AdvancedEventSelectors": cap})
    categories = {
        fs["Equals"][0]
        for sel in cap.as_array()
        for fs in sel["FieldSelectors"]
        if fs["Field"] == "eventCategory"
    }
    assert categories == {"NetworkActivity"}


def test_given_selectors_replace_the_default() -> None:
    sels = [presets.log_all("kms", vpc_endpoint_ids=["vpce-0123456789abcdef0"])]
    _, template = synth(selectors=sels)
    template.has_resource_properties(TRAIL, {"AdvancedEventSelectors": render_selectors(sels)})


def test_add_selector_appends_to_the_trail() -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", selectors=[presets.access_denied("kms")])
    trail.add_selector(presets.access_denied("dynamodb"))
    expected = render_selectors([presets.access_denied("kms"), presets.access_denied("dynamodb")])
    Template.from_stack(stack).has_resource_properties(TRAIL, {"AdvancedEventSelectors": expected})
    assert trail.selectors_json() == expected


def test_selectors_json_text_is_indented_json() -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail")
    assert json.loads(trail.selectors_json_text()) == render_selectors(presets.ga_access_denied())
    assert trail.selectors_json_text().startswith("[\n  {")


def test_custom_source_warns() -> None:
    from network_trail import CustomEventSource

    stack = new_stack()
    NetworkTrail(
        stack, "NetworkTrail", selectors=[presets.access_denied(CustomEventSource("newsvc.amazonaws.com"))]
    )
    Annotations.from_stack(stack).has_warning(
        "/TestStack/NetworkTrail",
        Match.string_like_regexp("'newsvc.amazonaws.com' is not in the built-in list"),
    )


def test_covered_selector_warns() -> None:
    stack = new_stack()
    NetworkTrail(stack, "NetworkTrail", selectors=[presets.log_all("kms"), presets.access_denied("kms")])
    Annotations.from_stack(stack).has_warning(
        "/TestStack/NetworkTrail", Match.string_like_regexp(r"selectors\[1\].*is covered by selectors\[0\]")
    )


# --- attributes -----------------------------------------------------------------------------------


def test_public_attributes(named: tuple[NetworkTrail, Template, cdk.Stack]) -> None:
    trail, _, stack = named
    assert trail.trail is trail.cfn_trail
    assert trail.trail_name == "network-activity"
    assert stack.resolve(trail.trail_arn) == {"Fn::GetAtt": [stack.get_logical_id(trail.cfn_trail), "Arn"]}
    assert isinstance(trail.bucket, s3.Bucket)
    assert isinstance(trail.key, kms.Key)
    assert isinstance(trail.alias, kms.Alias)
    assert trail.log_group is None


def test_cfn_trail_is_the_escape_hatch() -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail")
    trail.cfn_trail.add_property_override("IsLogging", False)
    Template.from_stack(stack).has_resource_properties(TRAIL, {"IsLogging": False})


def test_default_trail_name_is_stable_and_unique() -> None:
    a, _ = synth()
    b, _ = synth()
    assert a.trail_name == b.trail_name == "TestStack-NetworkTrail-A1F146B1"


# --- bring your own -------------------------------------------------------------------------------


def test_provided_bucket_and_key_in_the_app_get_the_policies() -> None:
    # GIVEN a bucket and key defined in the same app
    stack = new_stack()
    key = kms.Key(stack, "MyKey")
    bucket = s3.Bucket(stack, "MyBucket", encryption_key=key)
    trail = NetworkTrail(
        stack, "NetworkTrail", bucket=bucket, encryption_key=key, trail_name="network-activity"
    )
    template = Template.from_stack(stack)
    # THEN the construct creates none of its own, and adds its statements to theirs
    template.resource_count_is(BUCKET, 1)
    template.resource_count_is(KEY, 1)
    template.resource_count_is("AWS::KMS::Alias", 0)
    assert trail.alias is None and trail.access_logs_bucket is None
    template.has_resource_properties(
        POLICY,
        {
            "PolicyDocument": {
                "Statement": Match.array_with([Match.object_like({"Sid": "AWSCloudTrailWrite"})])
            }
        },
    )
    template.has_resource_properties(
        KEY,
        {
            "KeyPolicy": {
                "Statement": Match.array_with([Match.object_like({"Sid": "AllowCloudTrailToEncryptLogs"})])
            }
        },
    )
    template.has_resource_properties(
        TRAIL, {"S3BucketName": stack.resolve(bucket.bucket_name), "KMSKeyId": stack.resolve(key.key_arn)}
    )
    Annotations.from_stack(stack).has_no_warning("*", Match.string_like_regexp("policy cannot be changed"))


def test_imported_bucket_warns_with_the_statements() -> None:
    stack = new_stack()
    NetworkTrail(stack, "NetworkTrail", bucket=s3.Bucket.from_bucket_name(stack, "Logs", "my-logs"))
    Annotations.from_stack(stack).has_warning(
        "/TestStack/NetworkTrail",
        Match.string_like_regexp(
            r"the bucket is not defined in this app[\s\S]*InsufficientS3BucketPolicyException[\s\S]*AWSCloudTrailAclCheck"
            r"[\s\S]*arn:aws:s3:::my-logs/AWSLogs/123456789012/\*[\s\S]*\[ack: network-trail:bucketPolicyNotAdded\]"
        ),
    )


def test_imported_key_warns_with_the_statements() -> None:
    stack = new_stack()
    key = kms.Key.from_key_arn(
        stack, "LogsKey", f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
    )
    trail = NetworkTrail(stack, "NetworkTrail", encryption_key=key)
    assert trail.alias is None
    Annotations.from_stack(stack).has_warning(
        "/TestStack/NetworkTrail",
        Match.string_like_regexp(
            r"the key is not defined in this app[\s\S]*InsufficientEncryptionPolicyException[\s\S]*AllowCloudTrailToEncryptLogs"
            r"[\s\S]*\[ack: network-trail:keyPolicyNotAdded\]"
        ),
    )
    Template.from_stack(stack).has_resource_properties(
        BUCKET,
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    Match.object_like(
                        {"ServerSideEncryptionByDefault": Match.object_like({"KMSMasterKeyID": key.key_arn})}
                    )
                ]
            }
        },
    )


def test_provided_access_log_bucket_is_used() -> None:
    stack = new_stack()
    target = s3.Bucket(stack, "AccessLogs")
    trail = NetworkTrail(stack, "NetworkTrail", server_access_logs_bucket=target)
    template = Template.from_stack(stack)
    template.resource_count_is(BUCKET, 2)
    assert trail.access_logs_bucket is target
    template.has_resource_properties(
        BUCKET,
        {
            "LoggingConfiguration": {
                "DestinationBucketName": stack.resolve(target.bucket_name),
                "LogFilePrefix": "access-logs/",
            }
        },
    )


# --- organization ---------------------------------------------------------------------------------


def test_organization_id_denies_principals_outside_the_organization() -> None:
    _, template = synth(organization_id="o-a1b2c3d4e5")
    template.has_resource_properties(
        POLICY,
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Sid": "DenyPrincipalsOutsideOrganization",
                                "Effect": "Deny",
                                "Condition": {
                                    "StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
                                    "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
                                },
                            }
                        )
                    ]
                )
            }
        },
    )


def test_organization_trail_writes_under_the_organization_path() -> None:
    _, template = synth(organization_id="o-a1b2c3d4e5", is_organization_trail=True)
    template.has_resource_properties(TRAIL, {"IsOrganizationTrail": True})
    cap = Capture()
    template.has_resource_properties(
        POLICY,
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Sid": "AWSCloudTrailWrite", "Resource": cap})]
                )
            }
        },
    )
    suffixes = [r["Fn::Join"][1][1] for r in cap.as_array()]
    assert suffixes == [f"/AWSLogs/{ACCOUNT}/*", "/AWSLogs/o-a1b2c3d4e5/*"]


# --- CloudWatch Logs ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_logs() -> tuple[NetworkTrail, Template, cdk.Stack]:
    stack = new_stack()
    trail = NetworkTrail(
        stack,
        "NetworkTrail",
        trail_name="network-activity",
        send_to_cloud_watch_logs=True,
        cloud_watch_logs_retention=logs.RetentionDays.THREE_MONTHS,
    )
    return trail, Template.from_stack(stack), stack


def test_cloud_watch_logs_log_group_is_encrypted_with_retention(
    with_logs: tuple[NetworkTrail, Template, cdk.Stack],
) -> None:
    trail, template, stack = with_logs
    template.has_resource_properties(
        "AWS::Logs::LogGroup",
        {
            "LogGroupName": "/aws/cloudtrail/network-activity",
            "RetentionInDays": 90,
            "KmsKeyId": stack.resolve(trail.key.key_arn),
        },
    )
    assert trail.log_group is not None


def test_cloud_watch_logs_role_has_only_a_managed_policy(
    with_logs: tuple[NetworkTrail, Template, cdk.Stack],
) -> None:
    _, template, _ = with_logs
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "Policies": Match.absent(),
            "AssumeRolePolicyDocument": {
                # No condition: "Confused deputy prevention is not applicable to the role policy for
                # CloudWatch Logs monitoring" (CloudTrail User Guide,
                # cloudtrail-required-policy-for-cloudwatch-logs.html).
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    }
                ]
            },
        },
    )
    template.resource_count_is("AWS::IAM::Policy", 0)
    template.has_resource_properties(
        "AWS::IAM::ManagedPolicy",
        {
            "PolicyDocument": {
                "Statement": [
                    Match.object_like(
                        {"Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Effect": "Allow"}
                    )
                ]
            }
        },
    )


def test_cloud_watch_logs_trail_properties(with_logs: tuple[NetworkTrail, Template, cdk.Stack]) -> None:
    trail, template, stack = with_logs
    assert trail.log_group is not None
    role_id = stack.get_logical_id(
        trail.node.find_child("LogsRole").node.default_child  # type: ignore[arg-type]
    )
    template.has_resource_properties(
        TRAIL,
        {
            "CloudWatchLogsLogGroupArn": stack.resolve(trail.log_group.log_group_arn),
            "CloudWatchLogsRoleArn": {"Fn::GetAtt": [role_id, "Arn"]},
        },
    )


def test_cloud_watch_logs_can_use_the_key(with_logs: tuple[NetworkTrail, Template, cdk.Stack]) -> None:
    _, template, _ = with_logs
    template.has_resource_properties(
        KEY,
        {
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Principal": {"Service": f"logs.{REGION}.amazonaws.com"},
                                "Condition": {
                                    "ArnEquals": {
                                        "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/cloudtrail/network-activity"
                                    }
                                },
                            }
                        )
                    ]
                )
            }
        },
    )


# --- tags -----------------------------------------------------------------------------------------


def test_tags_reach_every_taggable_resource() -> None:
    _, template = synth(tags={"Environment": "prod"})
    for rtype in (TRAIL, BUCKET, KEY):
        template.all_resources_properties(
            rtype, {"Tags": Match.array_with([{"Key": "Environment", "Value": "prod"}])}
        )


def test_object_lock_retention_enables_object_lock() -> None:
    _, template = synth(object_lock_retention=s3.ObjectLockRetention.governance(cdk.Duration.days(30)))
    template.has_resource_properties(
        BUCKET,
        {
            "ObjectLockEnabled": True,
            "ObjectLockConfiguration": {
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}},
            },
        },
    )


def test_grant_principal_type_is_accepted() -> None:
    # grant_read takes any IGrantable (details in test_grants.py)
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail")
    assert isinstance(trail.grant_read(iam.AccountRootPrincipal()), iam.Grant)


# --- a key of another account with CloudWatch Logs ------------------------------------------------
ARCHIVE_KEY_ARN = "arn:aws:kms:us-east-1:777777777777:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _foreign_key_trail() -> tuple[NetworkTrail, cdk.Stack]:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_attributes(
        stack, "Archive", bucket_name="archive-bucket", account="777777777777", region=REGION
    )
    key = kms.Key.from_key_arn(stack, "ArchiveKey", ARCHIVE_KEY_ARN)
    trail = NetworkTrail(
        stack,
        "NetworkTrail",
        trail_name="network-activity",
        bucket=bucket,
        encryption_key=key,
        send_to_cloud_watch_logs=True,
    )
    return trail, stack


def test_foreign_key_log_group_is_encrypted_with_a_key_of_this_account() -> None:
    # GIVEN a trail writing to another account's archive key, with CloudWatch Logs
    trail, stack = _foreign_key_trail()
    template = Template.from_stack(stack)
    # THEN the log group is encrypted with a created key, whose policy lets CloudWatch Logs use it
    # for this log group only (CloudWatch Logs User Guide, encrypt-log-data-kms.html)
    keys = template.find_resources(KEY)
    assert len(keys) == 1
    (logical_id, key) = next(iter(keys.items()))
    assert logical_id.startswith("NetworkTrailLogsKey")
    (logs_statement,) = [
        s
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if s.get("Sid") == "AllowCloudWatchLogsToUseKey"
    ]
    assert logs_statement["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    assert logs_statement["Condition"] == {
        "ArnEquals": {
            "kms:EncryptionContext:aws:logs:arn": (
                f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/cloudtrail/network-activity"
            )
        }
    }
    template.has_resource_properties("AWS::Logs::LogGroup", {"KmsKeyId": {"Fn::GetAtt": [logical_id, "Arn"]}})
    # AND the trail still encrypts its log files with the archive key
    template.has_resource_properties(TRAIL, {"KMSKeyId": ARCHIVE_KEY_ARN})
    assert trail.key.key_arn == ARCHIVE_KEY_ARN


def test_foreign_key_warning_does_not_ask_the_archive_for_the_logs_statement() -> None:
    _, stack = _foreign_key_trail()
    warnings = Annotations.from_stack(stack).find_warning(
        "/TestStack/NetworkTrail", Match.string_like_regexp("keyPolicyNotAdded")
    )
    assert len(warnings) == 1
    text = str(warnings[0].entry.data)
    assert "AllowCloudTrailToEncryptLogs" in text
    assert "AllowCloudWatchLogsToUseKey" not in text


def test_same_account_imported_key_still_lists_the_logs_statement() -> None:
    # GIVEN a key of this account that the app cannot change: the user adds the statements
    stack = new_stack()
    key = kms.Key.from_key_arn(
        stack, "LogsKey", f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
    )
    NetworkTrail(stack, "NetworkTrail", encryption_key=key, send_to_cloud_watch_logs=True)
    warnings = Annotations.from_stack(stack).find_warning(
        "/TestStack/NetworkTrail", Match.string_like_regexp("keyPolicyNotAdded")
    )
    assert "AllowCloudWatchLogsToUseKey" in str(warnings[0].entry.data)
    Template.from_stack(stack).resource_count_is(KEY, 0)


# --- pasteable warnings -----------------------------------------------------------------------------
def _warning_json(stack: cdk.Stack, warning_id: str) -> tuple[str, dict[str, Any]]:
    (warning,) = Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp(warning_id))
    text = str(warning.entry.data)
    document = text[text.index("\n{") + 1 : text.rindex("}") + 1]
    return text, json.loads(document)


def test_warning_in_an_environment_agnostic_stack_is_pasteable_json_with_placeholders() -> None:
    # GIVEN the `cdk init` default: a stack without account or Region
    app = cdk.App(analytics_reporting=False)
    stack = cdk.Stack(app, "Agnostic")
    NetworkTrail(
        stack,
        "NetworkTrail",
        trail_name="network-activity",
        bucket=s3.Bucket.from_bucket_name(stack, "L", "logs"),
    )
    text, document = _warning_json(stack, "bucketPolicyNotAdded")
    # THEN the statements are plain JSON, no CloudFormation intrinsic left, placeholders explained
    assert "Ref" not in text and "Fn::" not in text
    acl = document["Statement"][0]
    assert acl["Resource"] == "arn:<partition>:s3:::logs"
    assert acl["Condition"]["StringEquals"]["aws:SourceArn"] == (
        "arn:<partition>:cloudtrail:<region>:<account>:trail/network-activity"
    )
    assert "Replace <partition>, <region>, <account> with this stack's values" in text


def test_warning_without_the_partition_literals_flag_names_the_partition_of_the_region() -> None:
    # GIVEN a pinned stack in an app without @aws-cdk/core:enablePartitionLiterals
    app = cdk.App(analytics_reporting=False)
    stack = cdk.Stack(app, "Pinned", env=cdk.Environment(account=ACCOUNT, region="cn-north-1"))
    key = kms.Key.from_key_arn(
        stack, "K", f"arn:aws-cn:kms:cn-north-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
    )
    NetworkTrail(stack, "NetworkTrail", trail_name="network-activity", encryption_key=key)
    text, document = _warning_json(stack, "keyPolicyNotAdded")
    # THEN the partition of cn-north-1 is written, and nothing is left to replace
    assert "Ref" not in text and "Replace" not in text
    encrypt = document["Statement"][0]
    assert encrypt["Condition"]["StringEquals"]["aws:SourceArn"] == (
        f"arn:aws-cn:cloudtrail:cn-north-1:{ACCOUNT}:trail/network-activity"
    )


# --- readers in another account ----------------------------------------------------------------------
READER_ARN = "arn:aws:iam::210987654321:role/log-reader"


def test_cross_account_reader_gets_conditioned_statements_in_bucket_and_key_policies() -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", trail_name="network-activity")
    reader = iam.Role.from_role_arn(stack, "Reader", READER_ARN)
    trail.grant_read_account_logs(reader, "210987654321")
    template = Template.from_stack(stack)
    prefix = "AWSLogs/210987654321/"
    bucket_statements = [
        s
        for p in template.find_resources(POLICY).values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Principal") == {"AWS": READER_ARN}
    ]
    by_action = {s["Action"]: s for s in bucket_statements}
    assert set(by_action) == {"s3:GetObject", "s3:ListBucket"}
    # THEN listing is limited to the account's prefix on the bucket side too (s3:prefix)
    assert by_action["s3:ListBucket"]["Condition"] == {"StringLike": {"s3:prefix": [f"{prefix}*"]}}
    # AND the key lets the reader decrypt CloudTrail log files only (UG-KMSPOL decrypt shape)
    key_statements = [s for s in key_statements_of(template) if s.get("Principal") == {"AWS": READER_ARN}]
    assert key_statements == [
        {
            "Action": "kms:Decrypt",
            "Condition": {"Null": {"kms:EncryptionContext:aws:cloudtrail:arn": "false"}},
            "Effect": "Allow",
            "Principal": {"AWS": READER_ARN},
            "Resource": "*",
        }
    ]


def key_statements_of(template: Template) -> list[dict[str, Any]]:
    return [
        s for k in template.find_resources(KEY).values() for s in k["Properties"]["KeyPolicy"]["Statement"]
    ]


def test_same_account_reader_leaves_bucket_and_key_policies_alone() -> None:
    stack = new_stack()
    trail = NetworkTrail(stack, "NetworkTrail", trail_name="network-activity")
    reader = iam.Role(stack, "Reader", assumed_by=iam.AccountRootPrincipal())
    trail.grant_read_account_logs(reader, ACCOUNT)
    template = Template.from_stack(stack)
    # THEN neither the key nor the bucket policy names the role: its identity policy is enough
    bucket_statements = [
        s
        for p in template.find_resources(POLICY).values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    assert "Reader" not in json.dumps(key_statements_of(template) + bucket_statements)
    # AND its identity policy carries the same conditions
    (policy,) = template.find_resources("AWS::IAM::Policy").values()
    by_action = {s["Action"]: s for s in policy["Properties"]["PolicyDocument"]["Statement"]}
    assert by_action["s3:ListBucket"]["Condition"] == {"StringLike": {"s3:prefix": [f"AWSLogs/{ACCOUNT}/*"]}}
    assert by_action["kms:Decrypt"]["Condition"] == {
        "Null": {"kms:EncryptionContext:aws:cloudtrail:arn": "false"}
    }


def test_retained_log_group_notes_the_redeploy_story() -> None:
    # GIVEN CloudWatch Logs delivery with the default RETAIN  THEN synth says how to re-deploy
    stack = new_stack()
    NetworkTrail(stack, "NetworkTrail", trail_name="network-activity", send_to_cloud_watch_logs=True)
    Annotations.from_stack(stack).has_info(
        "/TestStack/NetworkTrail",
        Match.string_like_regexp(
            r"'/aws/cloudtrail/network-activity' has a fixed name and is retained[\s\S]*cdk import"
        ),
    )


def test_destroyed_log_group_needs_no_redeploy_note() -> None:
    stack = new_stack()
    NetworkTrail(
        stack, "NetworkTrail", send_to_cloud_watch_logs=True, removal_policy=cdk.RemovalPolicy.DESTROY
    )
    assert Annotations.from_stack(stack).find_info("*", Match.string_like_regexp("fixed name")) == []


@pytest.mark.parametrize(
    ("resolved", "expected"),
    [
        ({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::b"]]}, "arn:<partition>:s3:::b"),
        ({"Fn::GetAtt": ["LogsBucket1234", "Arn"]}, "<LogsBucket1234.Arn>"),
        ({"Ref": "AWS::URLSuffix"}, "amazonaws.com"),
        ({"Ref": "LogsBucket1234"}, "<LogsBucket1234>"),
        (
            {"Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}},
            {"Condition": {"StringEquals": {"aws:SourceAccount": "<account>"}}},
        ),
    ],
)
def test_pasteable_writes_plain_json(resolved: object, expected: object) -> None:
    from network_trail.model._policies import pasteable

    values = {"partition": "<partition>", "region": "<region>", "account": "<account>"}
    assert pasteable(resolved, values) == expected


# The S3 data selector of the first PutEventSelectors example of the CloudTrail API reference
# (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html), as JSON.
S3_OBJECTS_OF_ONE_BUCKET: dict[str, Any] = {
    "Name": "S3 objects of one bucket",
    "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::amzn-s3-demo-bucket/"]},
    ],
}


def test_data_event_selectors_are_rendered_after_the_selectors() -> None:
    # GIVEN the default selectors and one data selector as JSON and one typed
    lambda_writes = DataEventSelector(resource_type="AWS::Lambda::Function", read_only=False)
    trail, template = synth(data_event_selectors=[S3_OBJECTS_OF_ONE_BUCKET, lambda_writes])
    # THEN the trail holds them after the five access-denied selectors, as given
    rendered = template.to_json()["Resources"]
    (props,) = [r["Properties"] for r in rendered.values() if r["Type"] == "AWS::CloudTrail::Trail"]
    assert props["AdvancedEventSelectors"][-2:] == [S3_OBJECTS_OF_ONE_BUCKET, lambda_writes.to_json()]
    assert len(props["AdvancedEventSelectors"]) == 7
    assert trail.selectors[-1] == lambda_writes


def test_fails_when_data_event_selectors_hold_a_network_activity_selector() -> None:
    with pytest.raises(NetworkTrailError, match=r"data_event_selectors\[0\] must be a data event selector"):
        synth(data_event_selectors=[presets.log_all(NetworkActivityEventSource.KMS)])


def test_fails_when_a_data_event_selector_breaks_a_rule_of_trails() -> None:
    bad = {
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
            {"Field": "errorCode", "Equals": ["VpceAccessDenied"]},
        ]
    }
    with pytest.raises(
        NetworkTrailError, match=r"data_event_selectors\[0\] field 'errorCode' is not supported for data"
    ):
        synth(data_event_selectors=[bad])


def test_data_event_selectors_count_in_the_500_value_quota() -> None:
    # GIVEN the 5 default selectors (3 values each: 15) and a data selector of 2 + 484 values: 501
    many = {
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
            {"Field": "resources.ARN", "StartsWith": [f"arn:aws:s3:::bucket-{i}/" for i in range(484)]},
        ]
    }
    with pytest.raises(NetworkTrailError, match=r"use 501 values, over CloudTrail's quota of 500"):
        synth(data_event_selectors=[many])
