"""The template set every rule engine checks, built once per test session.

One App holds the default construct, a fully configured one, a log archive
(:class:`~network_trail.LogArchive`) and every environment of the sample app
(cdk.json), so cdk-nag validates one tree per pack, and cfn-guard and checkov each
run once over one directory of templates.
"""

from __future__ import annotations

import json
import platform
import shutil
import tarfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template

from network_trail import LogArchive, ManagementEvents, NetworkActivityQueries, NetworkTrail
from network_trail.app.delivery import build_app

from .conftest import ACCOUNT, CDK_JSON, REGION, ROOT, new_stack

GUARD_RULE_DIRS = ("cloudtrail", "s3", "keymanagementservice", "cloudwatch", "identityandaccessmanagement")
"""Control Tower rule folders for every resource type the construct creates."""

FULL_CONFIG: dict[str, Any] = {
    "send_to_cloud_watch_logs": True,
    "cloud_watch_logs_retention": logs.RetentionDays.TWO_YEARS,
    "object_lock_retention": s3.ObjectLockRetention.governance(cdk.Duration.days(365)),
    "log_retention": cdk.Duration.days(400),
    "organization_id": "o-a1b2c3d4e5",
    "tags": {"Environment": "test", "DataClassification": "security-logs"},
    "s3_key_prefix": "network",
    "management_events": ManagementEvents.ALL,
}
"""Every option that changes what is created, at once."""

ARCHIVE_ORGANIZATION_ID = "o-a1b2c3d4e5"
ARCHIVE_TRAIL_ARNS = (
    "arn:aws:cloudtrail:us-east-1:444444444444:trail/org-network-activity",
    "arn:aws:cloudtrail:us-east-1:111111111111:trail/network-activity",
)
"""The log archive of docs/organization.md: an organization trail and one workload account's trail."""

MANAGEMENT_ACCOUNT = "444444444444"
DELEGATED_ADMIN_ACCOUNT = "555555555555"
MEMBER_ACCOUNT = "111111111111"
ARCHIVE_KEY_ARN = "arn:aws:kms:us-east-1:777777777777:key/1234abcd-12ab-34cd-56ef-1234567890ab"
READER_ROLE_ARN = f"arn:aws:iam::{MEMBER_ACCOUNT}:role/network-log-reader"
AUDITOR_ROLE_ARN = "arn:aws:iam::888888888888:role/network-log-auditor"
"""A role of a security tooling account that reads every log file (``grant_read``)."""


@dataclass(frozen=True)
class TemplateSet:
    """The app, its stacks by short name and their templates."""

    app: cdk.App
    stacks: dict[str, cdk.Stack]
    templates: dict[str, dict[str, Any]]


@cache
def template_set() -> TemplateSet:
    """Default, fully configured, log-archive and sample-app stacks in one App, synthesized once."""
    app = cdk.App(context=CDK_JSON["context"], analytics_reporting=False)
    stacks: dict[str, cdk.Stack] = {}
    default = new_stack(app, "Default")
    NetworkTrail(default, "NetworkTrail")
    stacks["default"] = default
    full = new_stack(app, "Full")
    NetworkTrail(full, "NetworkTrail", **FULL_CONFIG)
    stacks["full"] = full
    archive = new_stack(app, "LogArchive")
    LogArchive(
        archive,
        "Archive",
        organization_id=ARCHIVE_ORGANIZATION_ID,
        trail_arns=list(ARCHIVE_TRAIL_ARNS),
        tags={"DataClassification": "security-logs"},
    )
    stacks["log-archive"] = archive
    stacks.update(_more_configurations(app))
    for stack in build_app(app):
        stacks[stack.node.id.removeprefix("NetworkTrail-")] = stack
    templates = {name: Template.from_stack(stack).to_json() for name, stack in stacks.items()}
    return TemplateSet(app=app, stacks=stacks, templates=templates)


MORE_CONFIGURATIONS = (
    "archive-trails",
    "archive-organization",
    "archive-readers",
    "workload-imported-archive",
    "organization-queries",
    "cross-account-reader",
    "delegated-administrator",
)
"""The names, in :func:`template_set`, of the stacks :func:`_more_configurations` adds (all in REGION)."""


def _stack(app: cdk.App, name: str, account: str = ACCOUNT) -> cdk.Stack:
    return cdk.Stack(
        app,
        name,
        env=cdk.Environment(account=account, region=REGION),
        synthesizer=cdk.DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
    )


def _more_configurations(app: cdk.App) -> dict[str, cdk.Stack]:
    """The other construct configurations of docs/organization.md and docs/usage.md, one stack each.

    An archive for listed trails, one for an organization only, one with Object Lock and readers
    (a role of a member account, one of its own, and an auditor of another account reading every
    file); a workload trail writing to an imported archive with CloudWatch Logs; an organization
    trail with Athena queries; a trail with readers in another account (one account's files, every
    file); an organization trail created by a delegated administrator.
    """
    stacks: dict[str, cdk.Stack] = {}
    trails = _stack(app, "ArchiveTrails", "777777777777")
    LogArchive(trails, "Archive", trail_arns=list(ARCHIVE_TRAIL_ARNS))
    stacks["archive-trails"] = trails
    org_only = _stack(app, "ArchiveOrganization", "777777777777")
    LogArchive(
        org_only, "Archive", organization_id=ARCHIVE_ORGANIZATION_ID, management_account_id=MANAGEMENT_ACCOUNT
    )
    stacks["archive-organization"] = org_only
    readers = _stack(app, "ArchiveReaders", "777777777777")
    archive = LogArchive(
        readers,
        "Archive",
        organization_id=ARCHIVE_ORGANIZATION_ID,
        management_account_id=MANAGEMENT_ACCOUNT,
        source_account_ids=[MEMBER_ACCOUNT],
        object_lock_retention=s3.ObjectLockRetention.governance(cdk.Duration.days(365)),
    )
    archive.grant_read_account_logs(
        iam.Role.from_role_arn(readers, "Reader", READER_ROLE_ARN), MEMBER_ACCOUNT
    )
    # Immutable: the role is the user's; a same-account grant adds nothing to the bucket or key policy.
    own = iam.Role.from_role_arn(
        readers, "OwnReader", "arn:aws:iam::777777777777:role/auditor", mutable=False
    )
    archive.grant_read_account_logs(own, MEMBER_ACCOUNT)
    archive.grant_read(iam.Role.from_role_arn(readers, "Auditor", AUDITOR_ROLE_ARN))
    stacks["archive-readers"] = readers
    workload = _stack(app, "WorkloadImportedArchive", MEMBER_ACCOUNT)
    imported = LogArchive.import_for_trail(
        workload, "Archive", bucket_name="network-trail-archive-777777777777", key_arn=ARCHIVE_KEY_ARN
    )
    NetworkTrail(
        workload,
        "NetworkTrail",
        trail_name="network-activity",
        bucket=imported.bucket,
        encryption_key=imported.encryption_key,
        send_to_cloud_watch_logs=True,
    )
    stacks["workload-imported-archive"] = workload
    org = _stack(app, "OrganizationQueries", MANAGEMENT_ACCOUNT)
    org_trail = NetworkTrail(
        org,
        "NetworkTrail",
        trail_name="org-network-activity",
        organization_id=ARCHIVE_ORGANIZATION_ID,
        is_organization_trail=True,
    )
    NetworkActivityQueries(
        org,
        "Queries",
        trail=org_trail,
        organization_id=ARCHIVE_ORGANIZATION_ID,
        account_ids=[MANAGEMENT_ACCOUNT, MEMBER_ACCOUNT],
    )
    stacks["organization-queries"] = org
    reader = _stack(app, "CrossAccountReader")
    trail = NetworkTrail(reader, "NetworkTrail", trail_name="network-activity")
    trail.grant_read_account_logs(iam.Role.from_role_arn(reader, "Reader", READER_ROLE_ARN), ACCOUNT)
    trail.grant_read(iam.Role.from_role_arn(reader, "Auditor", AUDITOR_ROLE_ARN))
    stacks["cross-account-reader"] = reader
    delegated = _stack(app, "DelegatedAdministrator", DELEGATED_ADMIN_ACCOUNT)
    NetworkTrail(
        delegated,
        "NetworkTrail",
        trail_name="org-network-activity",
        organization_id=ARCHIVE_ORGANIZATION_ID,
        is_organization_trail=True,
        management_account_id=MANAGEMENT_ACCOUNT,
        delegated_administrator=True,
    )
    stacks["delegated-administrator"] = delegated
    return stacks


def write_templates(directory: Path, extra: dict[str, dict[str, Any]] | None = None) -> Path:
    """Write every template of :func:`template_set` (and ``extra``) as ``<name>.template.json``."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, template in {**template_set().templates, **(extra or {})}.items():
        (directory / f"{name}.template.json").write_text(json.dumps(template, indent=1))
    return directory


BARE_BUCKET_TEMPLATE: dict[str, Any] = {
    "Resources": {"BareBucket": {"Type": "AWS::S3::Bucket", "Properties": {}}},
}
"""A template every engine must flag: proves the engine is live in the same run."""


def guard_binary_and_rules() -> tuple[Path, list[Path]]:
    """cfn-guard and the Control Tower rules shipped in cdklabs.cdk-validator-cfnguard.

    Unpacked once per package version into ``.pytest_cache`` (ignored by git).
    """
    import cdklabs.cdk_validator_cfnguard as package

    arch = {"x86_64": "x86_64", "AMD64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}[
        platform.machine()
    ]
    os_dir = {"Linux": "ubuntu", "Darwin": "macos"}[platform.system()]
    tgz = next((Path(package.__file__).parent / "_jsii").glob("*.jsii.tgz"))
    directory = ROOT / ".pytest_cache" / tgz.name.removesuffix(".jsii.tgz")
    binary = directory / f"package/bin/{os_dir}/{arch}/cfn-guard"
    rules = [directory / f"package/rules/control-tower/cfn-guard/{d}" for d in GUARD_RULE_DIRS]
    if not binary.exists():
        wanted = [f"package/bin/{os_dir}/{arch}/cfn-guard", "package/rules/control-tower/cfn-guard/"]
        with tarfile.open(tgz) as archive:
            members = [m for m in archive.getmembers() if any(m.name.startswith(w) for w in wanted)]
            archive.extractall(directory, members=members, filter="data")
        binary.chmod(0o755)
    return binary, rules


def checkov_executable() -> Path | None:
    """checkov from its own venv (``make .venv-checkov/.installed``), or from PATH."""
    own = ROOT / ".venv-checkov" / "bin" / "checkov"
    if own.exists():
        return own
    found = shutil.which("checkov")
    return Path(found) if found else None


def suppressions(template: dict[str, Any], engine: str) -> dict[str, set[str]]:
    """Logical id -> rule ids suppressed in the resource's metadata for ``engine`` (guard/checkov)."""
    out: dict[str, set[str]] = {}
    for logical_id, resource in template.get("Resources", {}).items():
        meta = resource.get("Metadata", {}).get(engine, {})
        if engine == "guard":
            out[logical_id] = set(meta.get("SuppressedRules", ()))
        else:
            out[logical_id] = {skip["id"] for skip in meta.get("skip", ())}
    return out
