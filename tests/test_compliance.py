"""cdk-nag (four packs) finds nothing unacknowledged, and the security options do what they claim.

The template set (default, fully configured, every sample-app environment) is built
once per session in :mod:`tests.compliance_support`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Annotations, Match, Template
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks, PCIDSS321Checks

from network_trail import NetworkTrail
from network_trail.cdk._compliance import ACKNOWLEDGED_RULES_METADATA_KEY, REASONS, acknowledge_rules

from .compliance_support import FULL_CONFIG, template_set
from .conftest import new_app, new_stack, synth

PACKS: dict[str, type[NagPack]] = {
    "AwsSolutions": AwsSolutionsChecks,
    "NIST80053R5": NIST80053R5Checks,
    "HIPAASecurity": HIPAASecurityChecks,
    "PCIDSS321": PCIDSS321Checks,
}
DOCS = Path(__file__).resolve().parent.parent / "docs"


def _violations(pack: type[NagPack], scope: cdk.App) -> list[str]:
    report = pack(scope).validate_scope(scope)
    return sorted(
        f"{v.rule_name} at {r.construct_path}" for v in report.violations for r in v.violating_resources
    )


@pytest.mark.parametrize("pack", PACKS.values(), ids=PACKS.keys())
def test_nag_pack_has_no_unacknowledged_findings(pack: type[NagPack]) -> None:
    # GIVEN default, fully configured and every sample-app stack in one app
    app = template_set().app
    # WHEN the pack validates the whole tree
    violations = _violations(pack, app)
    # THEN nothing is left unacknowledged
    assert violations == []


def test_nag_reports_findings_on_a_bare_bucket() -> None:
    # GIVEN a plain bucket with none of the construct's settings
    app = new_app()
    s3.Bucket(new_stack(app), "BareBucket")
    # WHEN AwsSolutions validates it
    violations = _violations(AwsSolutionsChecks, app)
    # THEN the checker is live: the missing access logging is reported
    assert any(v.startswith("AwsSolutions-S1 at TestStack/BareBucket") for v in violations), violations


@cache
def _acknowledgments() -> list[tuple[str, str, str]]:
    """(construct path, rule id, reason) of every acknowledgment in the template set."""
    found: list[tuple[str, str, str]] = []
    for construct in template_set().app.node.find_all():
        for entry in construct.node.metadata:
            # Only NetworkTrail's and LogArchive's own: the add-ons keep their own reasons.
            path = f"{construct.node.path}/"
            if entry.type == "aws:cdk:acknowledged-rules" and (
                "/NetworkTrail/" in path or "/Archive/" in path
            ):
                found += [
                    (construct.node.path, rule.split("::", 1)[-1], why) for rule, why in entry.data.items()
                ]
    return found


def _recorded_acknowledgments(construct: cdk.CfnResource) -> dict[str, str]:
    merged: dict[str, str] = {}
    for entry in construct.node.metadata:
        if entry.type == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY:
            merged.update(entry.data)
    return merged


def test_acknowledge_rules_records_what_validations_acknowledge_records() -> None:
    # GIVEN rule ids of every shape the library acknowledges: plain, a finding in brackets
    # holding '::', and one that names its validator
    findings = [
        (["AwsSolutions-S1", "NIST.800.53.R5-S3BucketLoggingEnabled"], "reason one"),
        (["AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:*]"], "reason two"),
        (["cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check"], "reason three"),
    ]
    stack = new_stack()
    ours, theirs = cdk.CfnWaitConditionHandle(stack, "Ours"), cdk.CfnWaitConditionHandle(stack, "Theirs")
    # WHEN one is acknowledged by the library's one-entry writer, the other by CDK's public API
    acknowledge_rules(ours, findings)
    cdk.Validations.of(theirs).acknowledge(
        *(cdk.Acknowledgment(id=rule, reason=why) for rules, why in findings for rule in rules)
    )
    # THEN both record the same qualified ids and reasons
    assert _recorded_acknowledgments(ours) == _recorded_acknowledgments(theirs)
    assert len(_recorded_acknowledgments(ours)) == 4


def test_acknowledgment_metadata_key_is_cdks() -> None:
    assert ACKNOWLEDGED_RULES_METADATA_KEY == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY


def test_acknowledgments_are_recorded() -> None:
    assert len(_acknowledgments()) >= 10, _acknowledgments()


def test_no_acknowledgment_is_on_a_stack_or_the_construct() -> None:
    # Blanket acknowledgments would hide findings on resources added later.
    stacks_and_trails = {
        p
        for s in template_set().stacks.values()
        for p in (s.node.path, f"{s.node.path}/NetworkTrail", f"{s.node.path}/Archive")
    }
    assert [a for a in _acknowledgments() if a[0] in stacks_and_trails] == []


def test_every_acknowledgment_reason_is_a_documented_reason() -> None:
    reasons = set(REASONS.values())
    assert {a[2] for a in _acknowledgments()} <= reasons


def test_every_acknowledged_rule_is_in_the_security_doc() -> None:
    doc = (DOCS / "security.md").read_text()
    rules = {a[1].split("[")[0] for a in _acknowledgments()}
    assert sorted(r for r in rules if r not in doc) == []


# --- fixes by construction -----------------------------------------------------------------------
def _of_type(template: dict[str, Any], cfn_type: str) -> dict[str, dict[str, Any]]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == cfn_type}


def _log_bucket(template: dict[str, Any]) -> dict[str, Any]:
    (bucket,) = [
        r
        for r in _of_type(template, "AWS::S3::Bucket").values()
        if "KMSMasterKeyID" in json.dumps(r["Properties"].get("BucketEncryption"))
    ]
    return bucket


def test_log_bucket_has_server_access_logging(default_template: Template) -> None:
    # The cdk-nag S1 acknowledgment on the log bucket rests on this property (written by override).
    bucket = _log_bucket(default_template.to_json())
    assert bucket["Properties"]["LoggingConfiguration"]["LogFilePrefix"] == "access-logs/"


def test_log_bucket_sends_events_to_eventbridge(default_template: Template) -> None:
    bucket = _log_bucket(default_template.to_json())
    assert bucket["Properties"]["NotificationConfiguration"] == {
        "EventBridgeConfiguration": {"EventBridgeEnabled": True}
    }


def test_key_denies_create_grant_except_for_aws_services(default_template: Template) -> None:
    default_template.has_resource_properties(
        "AWS::KMS::Key",
        {
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [
                        {
                            "Sid": "DenyCreateGrantExceptForAWSServices",
                            "Effect": "Deny",
                            "Principal": {"AWS": "*"},
                            "Action": "kms:CreateGrant",
                            "Resource": "*",
                            "Condition": {
                                "BoolIfExists": {
                                    "kms:GrantIsForAWSResource": "false",
                                    "aws:PrincipalIsAWSService": "false",
                                }
                            },
                        }
                    ]
                )
            }
        },
    )


def test_key_keeps_account_administration(default_template: Template) -> None:
    # The deny must not lock the account out: the root statement stays.
    default_template.has_resource_properties(
        "AWS::KMS::Key",
        {
            "KeyPolicy": {
                "Statement": Match.array_with([Match.object_like({"Action": "kms:*", "Effect": "Allow"})])
            }
        },
    )


# --- CloudWatch Logs -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def full_template() -> dict[str, Any]:
    return template_set().templates["full"]


def test_log_group_is_kms_encrypted_with_retention(full_template: dict[str, Any]) -> None:
    (group,) = _of_type(full_template, "AWS::Logs::LogGroup").values()
    (key_id,) = _of_type(full_template, "AWS::KMS::Key")
    assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert group["Properties"]["RetentionInDays"] == 731


def test_logs_role_has_no_inline_policy(full_template: dict[str, Any]) -> None:
    (role,) = _of_type(full_template, "AWS::IAM::Role").values()
    assert "Policies" not in role["Properties"]
    assert _of_type(full_template, "AWS::IAM::Policy") == {}


def test_logs_role_trusts_only_cloudtrail_without_confused_deputy_keys(full_template: dict[str, Any]) -> None:
    # "Confused deputy prevention is not applicable to the role policy for CloudWatch Logs
    # monitoring. The role policy doesn't support the use of aws:SourceArn and aws:SourceAccount."
    # (CloudTrail User Guide, cloudtrail-required-policy-for-cloudwatch-logs.html)
    (role,) = _of_type(full_template, "AWS::IAM::Role").values()
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement == {
        "Action": "sts:AssumeRole",
        "Effect": "Allow",
        "Principal": {"Service": "cloudtrail.amazonaws.com"},
    }


def _trail_name(template: dict[str, Any]) -> str:
    (trail,) = _of_type(template, "AWS::CloudTrail::Trail").values()
    name: str = trail["Properties"]["TrailName"]
    return name


def test_logs_policy_allows_only_stream_writes_in_its_log_group(full_template: dict[str, Any]) -> None:
    (policy,) = _of_type(full_template, "AWS::IAM::ManagedPolicy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert sorted(statement["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
    group = f"log-group:/aws/cloudtrail/{_trail_name(full_template)}:log-stream:"
    assert resources and all(group in r for r in resources)


def test_trail_delivers_to_the_log_group_with_the_role(full_template: dict[str, Any]) -> None:
    (trail,) = _of_type(full_template, "AWS::CloudTrail::Trail").values()
    (group_id,) = _of_type(full_template, "AWS::Logs::LogGroup")
    (role_id,) = _of_type(full_template, "AWS::IAM::Role")
    assert trail["Properties"]["CloudWatchLogsLogGroupArn"] == {"Fn::GetAtt": [group_id, "Arn"]}
    assert trail["Properties"]["CloudWatchLogsRoleArn"] == {"Fn::GetAtt": [role_id, "Arn"]}


# --- Object Lock ---------------------------------------------------------------------------------
def test_object_lock_sets_mode_and_retention(full_template: dict[str, Any]) -> None:
    bucket = _log_bucket(full_template)
    assert bucket["Properties"]["ObjectLockEnabled"] is True
    assert bucket["Properties"]["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 365}},
    }


def test_warns_when_log_retention_is_shorter_than_the_lock() -> None:
    # GIVEN log files expiring after 30 days under a 365-day compliance lock
    trail, _ = synth(
        object_lock_retention=s3.ObjectLockRetention.compliance(cdk.Duration.days(365)),
        log_retention=cdk.Duration.days(30),
    )
    # THEN synth warns that the lock wins over the lifecycle rule
    Annotations.from_stack(cdk.Stack.of(trail)).has_warning(
        "/TestStack/NetworkTrail",
        Match.string_like_regexp(
            r"log_retention \(30 days\) is shorter than object_lock_retention \(365 days"
        ),
    )


def test_no_lock_warning_when_log_retention_covers_the_lock() -> None:
    trail, _ = synth(
        object_lock_retention=s3.ObjectLockRetention.governance(cdk.Duration.days(30)),
        log_retention=cdk.Duration.days(30),
    )
    Annotations.from_stack(cdk.Stack.of(trail)).has_no_warning(
        "/TestStack/NetworkTrail", Match.string_like_regexp("object_lock_retention")
    )


# --- organization deny ---------------------------------------------------------------------------
def _matches(operator: str, key: str, expected: str, context: dict[str, str]) -> bool:
    """The IAM condition operators the deny statement uses, as IAM evaluates them."""
    present = key in context
    if operator == "StringNotEqualsIfExists":
        return not present or context[key] != expected
    if operator == "BoolIfExists":
        return not present or context[key].lower() == expected.lower()
    raise AssertionError(f"operator {operator} not modelled")


def _denied(statement: dict[str, Any], context: dict[str, str]) -> bool:
    return all(
        _matches(op, key, value, context)
        for op, block in statement["Condition"].items()
        for key, value in block.items()
    )


@pytest.fixture(scope="module")
def org_deny(full_template: dict[str, Any]) -> dict[str, Any]:
    policies = _of_type(full_template, "AWS::S3::BucketPolicy").values()
    (statement,) = [
        s
        for p in policies
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Sid") == "DenyPrincipalsOutsideOrganization"
    ]
    return statement


def test_org_deny_blocks_principals_outside_the_organization(org_deny: dict[str, Any]) -> None:
    context = {"aws:PrincipalOrgID": "o-zzzzzzzzzz", "aws:PrincipalIsAWSService": "false"}
    assert _denied(org_deny, context)


def test_org_deny_blocks_principals_with_no_organization(org_deny: dict[str, Any]) -> None:
    assert _denied(org_deny, {"aws:PrincipalIsAWSService": "false"})


def test_org_deny_lets_organization_principals_through(org_deny: dict[str, Any]) -> None:
    context = {"aws:PrincipalOrgID": "o-a1b2c3d4e5", "aws:PrincipalIsAWSService": "false"}
    assert not _denied(org_deny, context)


def test_org_deny_does_not_block_cloudtrail(org_deny: dict[str, Any]) -> None:
    # A service principal has no aws:PrincipalOrgID; aws:PrincipalIsAWSService is true for it.
    assert not _denied(org_deny, {"aws:PrincipalIsAWSService": "true"})


def test_org_deny_is_an_explicit_deny_on_bucket_and_objects(org_deny: dict[str, Any]) -> None:
    assert (org_deny["Effect"], org_deny["Principal"], org_deny["Action"]) == ("Deny", {"AWS": "*"}, "s3:*")
    assert len(org_deny["Resource"]) == 2


# --- tags ----------------------------------------------------------------------------------------
@cache
def _taggable_types() -> frozenset[str]:
    """Resource types whose CloudFormation schema (as shipped in cfn-lint) has a Tags property."""
    import cfnlint

    schemas = Path(cfnlint.__file__).parent / "data" / "schemas"
    provider = json.loads((schemas / "providers" / "us-east-1.json").read_text())
    taggable = set()
    for cfn_type in {r["Type"] for r in template_set().templates["full"]["Resources"].values()}:
        schema = json.loads((schemas / "resources" / f"{provider[cfn_type]}.json").read_text())
        if "Tags" in schema.get("properties", {}):
            taggable.add(cfn_type)
    return frozenset(taggable)


def _tagged(resources: dict[str, Any]) -> Iterator[tuple[str, dict[str, str]]]:
    for logical_id, resource in resources.items():
        if resource["Type"] in _taggable_types():
            tags = resource["Properties"].get("Tags", [])
            yield logical_id, {t["Key"]: t["Value"] for t in tags}


def test_taggable_types_include_trail_bucket_key_and_log_group() -> None:
    assert {
        "AWS::CloudTrail::Trail",
        "AWS::S3::Bucket",
        "AWS::KMS::Key",
        "AWS::Logs::LogGroup",
    } <= _taggable_types()


def test_every_taggable_resource_carries_the_tags(full_template: dict[str, Any]) -> None:
    # Security Hub CloudTrail.9 (trail tagged) and tagging of the rest of the bundle.
    wanted = FULL_CONFIG["tags"]
    missing = {
        lid: tags for lid, tags in _tagged(full_template["Resources"]) if not wanted.items() <= tags.items()
    }
    assert missing == {}


def test_sample_app_prod_trail_resources_carry_its_tags() -> None:
    # GIVEN the prod environment, whose cdk.json settings give the trail tags
    stack = template_set().stacks["prod"]
    trail_ids = {
        stack.resolve(c.logical_id)
        for c in stack.node.find_child("NetworkTrail").node.find_all()
        if isinstance(c, cdk.CfnResource)
    }
    resources = {k: v for k, v in template_set().templates["prod"]["Resources"].items() if k in trail_ids}
    wanted = {"Environment": "prod", "DataClassification": "security-logs"}
    # THEN every taggable resource of the trail carries them
    assert resources
    assert {lid for lid, tags in _tagged(resources) if not wanted.items() <= tags.items()} == set()


def test_fails_when_tags_are_dropped() -> None:
    # The tag check itself can fail: a default trail has no tags.
    _, template = synth()
    assert any(not tags for _, tags in _tagged(template.to_json()["Resources"]))


def test_nag_acknowledgments_hold_in_an_environment_agnostic_stack() -> None:
    # GIVEN account and Region as tokens, and an organization trail (two log-stream patterns)
    app = new_app()
    stack = cdk.Stack(app, "Agnostic")
    NetworkTrail(
        stack,
        "NetworkTrail",
        send_to_cloud_watch_logs=True,
        is_organization_trail=True,
        organization_id="o-a1b2c3d4e5",
    )
    # THEN the finding ids built from tokens still match cdk-nag's
    assert _violations(AwsSolutionsChecks, app) == []
