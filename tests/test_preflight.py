"""The delivery preflight over every configuration of the test matrix, and over the defect shapes.

Each configuration's synthesized policies are evaluated against the requests AWS makes
(``network_trail.model._delivery``, each row citing its AWS page): a required request denied or
unknown fails, a forbidden request allowed fails. The writers of each LogArchive are those of
docs/organization.md (an organization trail of the management account, a member account's own
trail). The defect shapes are hand-written policies as the library wrote them before issue 20:
- defect 1: an archive for ``organization_id`` and ``source_account_ids`` whose key admits only the
  listed accounts' trails, while the organization trail's encryption context names the management
  account's trail (the KMS page: aws:SourceAccount is "for organization trails, the management
  account ID"; https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html);
- defect 2: an archive for ``organization_id`` alone whose key admits ``arn:aws:cloudtrail:*:*:trail/*``
  with ``kms:DescribeKey`` and ``kms:Decrypt`` unconditioned.
"""

from __future__ import annotations

from typing import Any

import pytest

from network_trail.model._delivery import OTHER_ACCOUNT, DeliverySetup, Expect, Reader, Target, Writer
from network_trail.model._preflight import Outcome, PolicySet, PreflightReport, run_preflight
from network_trail.model.iam import parse_policy
from network_trail.simulator.assembly import StackTemplate
from network_trail.simulator.preflight import preflight_log_store, preflight_stacks
from tests.compliance_support import (
    ARCHIVE_ORGANIZATION_ID,
    ARCHIVE_TRAIL_ARNS,
    AUDITOR_ROLE_ARN,
    MEMBER_ACCOUNT,
    READER_ROLE_ARN,
    template_set,
)

ORG = ARCHIVE_ORGANIZATION_ID
ORG_TRAIL, MEMBER_TRAIL = ARCHIVE_TRAIL_ARNS
ARCHIVE_ACCOUNT = "777777777777"
KEY_ARN = f"arn:aws:kms:us-east-1:{ARCHIVE_ACCOUNT}:key/archive"
TRAIL_CONFIGURATIONS = (
    "default",
    "full",
    "workload-imported-archive",
    "organization-queries",
    "cross-account-reader",
    "delegated-administrator",
    "dev",
    "staging",
    "prod",
    "org",
)
ORGANIZATION_TRAIL = Writer(
    trail_arn=ORG_TRAIL, organization_id=ORG, organization_trail=True, member_accounts=(MEMBER_ACCOUNT,)
)
MEMBER_OWN_TRAIL = Writer(trail_arn=MEMBER_TRAIL, organization_id=ORG)
ARCHIVES: dict[str, tuple[tuple[Writer, ...], str | None, tuple[Reader, ...]]] = {
    "log-archive": ((ORGANIZATION_TRAIL, MEMBER_OWN_TRAIL), ORG, ()),
    "archive-trails": ((Writer(trail_arn=ORG_TRAIL), Writer(trail_arn=MEMBER_TRAIL)), None, ()),
    "archive-organization": ((ORGANIZATION_TRAIL,), ORG, ()),
    "archive-readers": (
        (ORGANIZATION_TRAIL, MEMBER_OWN_TRAIL),
        ORG,
        (Reader(role_arn=READER_ROLE_ARN, account_id=MEMBER_ACCOUNT), Reader(role_arn=AUDITOR_ROLE_ARN)),
    ),
}
"""The writers (and readers) of each LogArchive configuration of tests/compliance_support.py."""


def _stack(name: str) -> StackTemplate:
    templates = template_set()
    stack = templates.stacks[name]
    return StackTemplate(name, stack.account, stack.region, templates.templates[name])


def _failures(report: PreflightReport) -> list[str]:
    return [f"{c.request.name}: {c.verdict} ({c.deciding}) {c.detail}" for c in report.failures]


@pytest.fixture(scope="module")
def trail_results() -> dict[str, Any]:
    readers = [
        Reader(role_arn=READER_ROLE_ARN, account_id="123456789012"),
        Reader(role_arn=AUDITOR_ROLE_ARN),
    ]
    results = {}
    for name in TRAIL_CONFIGURATIONS:
        # the cross-account reader stack grants two readers of other accounts: check them too
        chosen = readers if name == "cross-account-reader" else []
        (result,) = preflight_stacks([_stack(name)], readers=chosen)
        results[name] = result
    return results


@pytest.mark.parametrize("name", TRAIL_CONFIGURATIONS)
def test_every_trail_configuration_passes(name: str, trail_results: dict[str, Any]) -> None:
    report = trail_results[name].report
    assert _failures(report) == []
    # every required CloudTrail request was evaluated (or, for an imported archive, reported)
    actions = {c.request.action for c in report.checks if c.request.expect is Expect.ALLOW}
    assert {"s3:GetBucketAcl", "s3:PutObject", "kms:GenerateDataKey", "kms:DescribeKey"} <= actions


def test_organization_trails_are_checked_on_the_organization_path(trail_results: dict[str, Any]) -> None:
    for name in ("organization-queries", "delegated-administrator", "org"):
        result = trail_results[name]
        # the trail that writes is the management account's, whoever creates it (UG-KMSPOL)
        assert result.trail_arn == "arn:aws:cloudtrail:us-east-1:444444444444:trail/org-network-activity"
        puts = [
            c for c in result.report.checks if c.request.action == "s3:PutObject" and c.outcome is Outcome.OK
        ]
        assert any(f"/AWSLogs/{ORG}/444444444444/" in c.request.resource for c in puts), name


def test_cloud_watch_logs_and_alarms_are_checked(trail_results: dict[str, Any]) -> None:
    targets = {c.request.target for c in trail_results["prod"].report.checks if c.outcome is Outcome.OK}
    assert {
        Target.LOGS_ROLE_TRUST,
        Target.LOGS_ROLE,
        Target.LOGS_KEY,
        Target.TOPIC,
        Target.TOPIC_KEY,
    } <= targets


def test_cross_account_readers_get_their_files_and_no_other_prefix(trail_results: dict[str, Any]) -> None:
    checks = trail_results["cross-account-reader"].report.checks
    reader = [c for c in checks if c.request.caller.role_arn == READER_ROLE_ARN]
    assert {(c.request.action, c.request.expect, c.outcome) for c in reader} == {
        ("s3:ListBucket", Expect.ALLOW, Outcome.OK),
        ("s3:GetObject", Expect.ALLOW, Outcome.OK),
        ("kms:Decrypt", Expect.ALLOW, Outcome.OK),
        ("s3:ListBucket", Expect.DENY, Outcome.OK),
    }


def test_imported_archive_is_reported_not_checkable_with_the_statements_to_check(
    trail_results: dict[str, Any],
) -> None:
    report = trail_results["workload-imported-archive"].report
    unchecked = {c.request.target for c in report.checks if c.outcome is Outcome.NOT_CHECKABLE}
    assert unchecked == {Target.BUCKET, Target.KEY}
    assert {s["Sid"] for s in report.hand_checks[Target.BUCKET]} == {
        "AWSCloudTrailAclCheck",
        "AWSCloudTrailWrite",
    }
    assert "AllowCloudTrailToEncryptLogs" in {s["Sid"] for s in report.hand_checks[Target.KEY]}


def _archive_report(name: str) -> PreflightReport:
    writers, organization, readers = ARCHIVES[name]
    return preflight_log_store(_stack(name), writers, organization_id=organization, readers=readers)


@pytest.mark.parametrize("name", sorted(ARCHIVES))
def test_every_log_archive_configuration_passes(name: str) -> None:
    report = _archive_report(name)
    assert _failures(report) == []
    assert any(c.request.expect is Expect.DENY for c in report.checks)


# --- the defect shapes: hand-written policies as the library wrote them before the fixes ---------
BUCKET = "arn:aws:s3:::archive"
TLS_DENY = {
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "s3:*",
    "Resource": [BUCKET, f"{BUCKET}/*"],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}
ORG_BUCKET_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        TLS_DENY,
        {
            "Sid": "AWSCloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": BUCKET,
        },
        {
            "Sid": "AWSCloudTrailWrite",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": [f"{BUCKET}/AWSLogs/{MEMBER_ACCOUNT}/*", f"{BUCKET}/AWSLogs/{ORG}/*"],
            "Condition": {
                "StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceOrgID": ORG}
            },
        },
    ],
}


def _key_policy(context: str, source: dict[str, Any] | None = None) -> dict[str, Any]:
    conditioned = {"Condition": source} if source else {}
    service = {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Resource": "*"}
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ARCHIVE_ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                **service,
                "Sid": "AllowCloudTrailToEncryptLogs",
                "Action": "kms:GenerateDataKey*",
                "Condition": {
                    **(source or {}),
                    "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": context},
                },
            },
            {**service, "Sid": "AllowCloudTrailToDescribeKey", "Action": "kms:DescribeKey", **conditioned},
            {
                **service,
                "Sid": "AllowCloudTrailToDecryptForBucketKey",
                "Action": "kms:Decrypt",
                **conditioned,
            },
        ],
    }


def _run(bucket: dict[str, Any], key: dict[str, Any], writers: tuple[Writer, ...]) -> PreflightReport:
    policies = PolicySet(
        policies={
            Target.BUCKET: parse_policy(bucket, name="bucket"),
            Target.KEY: parse_policy(key, name="key"),
        },
        accounts={Target.BUCKET: ARCHIVE_ACCOUNT, Target.KEY: ARCHIVE_ACCOUNT},
    )
    setup = DeliverySetup(
        partition="aws", bucket_name="archive", key_arn=KEY_ARN, writers=writers, organization_id=ORG
    )
    return run_preflight(setup, policies)


def test_defect_1_shape_fails_the_organization_trails_encryption() -> None:
    # GIVEN the key of LogArchive(organization_id, source_account_ids=[member]) before the fix
    key = _key_policy(f"arn:aws:cloudtrail:*:{MEMBER_ACCOUNT}:trail/*")
    report = _run(ORG_BUCKET_POLICY, key, (ORGANIZATION_TRAIL, MEMBER_OWN_TRAIL))
    # THEN the organization trail's GenerateDataKey (context: the management account's trail) is denied:
    # CreateTrail would fail with InsufficientEncryptionPolicyException
    failed = {(c.request.action, c.request.trail_arn, c.verdict) for c in report.failures}
    assert ("kms:GenerateDataKey", ORG_TRAIL, "IMPLICIT_DENY") in failed
    # AND the member's own trail still passes: the check is not failing everything
    assert not [c for c in report.failures if c.request.trail_arn == MEMBER_TRAIL]


def test_defect_2_shape_fails_any_accounts_trail_using_the_key() -> None:
    # GIVEN the key of LogArchive(organization_id) alone before the fix: any account's trail context,
    # DescribeKey and Decrypt without a condition
    key = _key_policy("arn:aws:cloudtrail:*:*:trail/*")
    report = _run(ORG_BUCKET_POLICY, key, (ORGANIZATION_TRAIL,))
    # THEN another account's trail may encrypt with it, describe it and decrypt with it: forbidden, allowed
    other = [
        c for c in report.failures if c.request.trail_arn and f":{OTHER_ACCOUNT}:" in c.request.trail_arn
    ]
    assert {(c.request.action, c.verdict) for c in other} == {
        ("kms:GenerateDataKey", "ALLOW"),
        ("kms:DescribeKey", "ALLOW"),
        ("kms:Decrypt", "ALLOW"),
    }
    assert all(c.request.expect is Expect.DENY for c in other)


def test_fixed_shape_passes() -> None:
    # GIVEN the fixed key: the writing accounts' contexts, everything on aws:SourceAccount (UG-KMSPOL)
    source = {"StringEquals": {"aws:SourceAccount": ["444444444444", MEMBER_ACCOUNT]}}
    contexts = "arn:aws:cloudtrail:*:444444444444:trail/*"
    key = _key_policy(contexts, source)
    key["Statement"][1]["Condition"]["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"] = [
        contexts,
        f"arn:aws:cloudtrail:*:{MEMBER_ACCOUNT}:trail/*",
    ]
    assert _failures(_run(ORG_BUCKET_POLICY, key, (ORGANIZATION_TRAIL, MEMBER_OWN_TRAIL))) == []


def test_a_bucket_without_the_tls_deny_fails_the_plain_http_row() -> None:
    bucket = {**ORG_BUCKET_POLICY, "Statement": ORG_BUCKET_POLICY["Statement"][1:]}
    key = _key_policy(
        f"arn:aws:cloudtrail:*:{MEMBER_ACCOUNT}:trail/*",
        {"StringEquals": {"aws:SourceAccount": MEMBER_ACCOUNT}},
    )
    report = _run(bucket, key, (MEMBER_OWN_TRAIL,))
    assert [c.request.name for c in report.failures] == [
        f"PutObject AWSLogs/{MEMBER_ACCOUNT}/ over plain HTTP by trail {MEMBER_ACCOUNT}/network-activity"
    ]


def test_a_condition_on_a_value_the_pages_leave_open_is_unknown_and_fails() -> None:
    # GIVEN a Bucket Key Decrypt statement conditioned on the CloudTrail encryption context, which no
    # page gives for that request: the preflight cannot prove it allowed, so it fails (never a guess)
    key = _key_policy(
        f"arn:aws:cloudtrail:*:{MEMBER_ACCOUNT}:trail/*",
        {"StringEquals": {"aws:SourceAccount": MEMBER_ACCOUNT}},
    )
    key["Statement"][3]["Condition"] = {
        "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*"}
    }
    report = _run(ORG_BUCKET_POLICY, key, (MEMBER_OWN_TRAIL,))
    decrypt = next(c for c in report.failures if c.request.action == "kms:Decrypt")
    assert decrypt.verdict == "UNKNOWN"
    assert "kms:EncryptionContext:aws:cloudtrail:arn" in decrypt.detail


def test_a_same_account_reader_outside_the_assembly_is_not_checkable_rather_than_failed() -> None:
    # GIVEN the archive's own account's role, granted with an immutable import: nothing is written to the
    # bucket or key policy, its identity policy lives outside the assembly (IAM User Guide: within one
    # account an identity policy alone can allow)
    own = Reader(role_arn=f"arn:aws:iam::{ARCHIVE_ACCOUNT}:role/auditor", account_id=MEMBER_ACCOUNT)
    report = preflight_log_store(
        _stack("archive-readers"), (MEMBER_OWN_TRAIL,), organization_id=ORG, readers=(own,)
    )
    reads = [c for c in report.checks if c.request.caller.role_arn == own.role_arn]
    # THEN its required reads are not checkable (not failed), and its forbidden listing is still denied
    assert {(c.request.expect, c.outcome) for c in reads} == {
        (Expect.ALLOW, Outcome.NOT_CHECKABLE),
        (Expect.DENY, Outcome.OK),
    }
    assert _failures(report) == []
