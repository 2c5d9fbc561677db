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
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template

from network_trail import LogArchive, ManagementEvents, NetworkTrail
from network_trail.sample_app import build_app

from .conftest import CDK_JSON, ROOT, new_stack

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
    for stack in build_app(app):
        stacks[stack.node.id.removeprefix("NetworkTrail-")] = stack
    templates = {name: Template.from_stack(stack).to_json() for name, stack in stacks.items()}
    return TemplateSet(app=app, stacks=stacks, templates=templates)


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
