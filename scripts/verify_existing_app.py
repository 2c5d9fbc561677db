#!/usr/bin/env python3
"""Check what ``examples/existing_app`` synthesized: the trails use the user's bucket and key.

Usage: ``python scripts/verify_existing_app.py CDK_OUT``. Prints ``ok`` and exits 0, or prints each
problem and exits 1. Standard library only, so it runs in any venv, the clean ones of
``scripts/check-wheel.sh`` and ``scripts/check-floors.sh`` included.

What is expected (written from the example's inputs, not from its output):

- ``Logging``: one trail, one bucket and one key, the user's; the trail writes to that bucket with
  that key, under the ``network`` prefix; the bucket policy and key policy grant
  ``cloudtrail.amazonaws.com`` what it needs.
- ``Workload``: one trail and no bucket or key (they are imported by name and ARN); two warnings,
  ``network-trail:bucketPolicyNotAdded`` and ``network-trail:keyPolicyNotAdded``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

IMPORTED_BUCKET = "central-cloudtrail-logs-123456789012"
IMPORTED_KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
CLOUDTRAIL = "cloudtrail.amazonaws.com"
WARNINGS = ("network-trail:bucketPolicyNotAdded", "network-trail:keyPolicyNotAdded")


def _resources(cdk_out: Path, stack: str) -> dict[str, dict[str, Any]]:
    template: dict[str, Any] = json.loads((cdk_out / f"{stack}.template.json").read_text())
    return dict(template.get("Resources", {}))


def _of_type(resources: dict[str, dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {lid: r for lid, r in resources.items() if r["Type"] == kind}


def _one(resources: dict[str, dict[str, Any]], kind: str, stack: str, problems: list[str]) -> str | None:
    """The logical id of the only resource of ``kind``, or None with a problem noted."""
    found = sorted(_of_type(resources, kind))
    if len(found) != 1:
        problems.append(f"{stack}: expected exactly one {kind}, found {found}")
        return None
    return found[0]


def _grants_cloudtrail(statements: list[dict[str, Any]], action: str) -> bool:
    for statement in statements:
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if statement.get("Principal") == {"Service": CLOUDTRAIL} and action in actions:
            return True
    return False


def logging_problems(cdk_out: Path) -> list[str]:
    """The ``Logging`` stack: the user's bucket and key are used, and their policies updated."""
    problems: list[str] = []
    resources = _resources(cdk_out, "Logging")
    trail_id = _one(resources, "AWS::CloudTrail::Trail", "Logging", problems)
    bucket_id = _one(resources, "AWS::S3::Bucket", "Logging", problems)
    key_id = _one(resources, "AWS::KMS::Key", "Logging", problems)
    if trail_id is None or bucket_id is None or key_id is None:
        return problems
    trail = resources[trail_id]["Properties"]
    if trail.get("S3BucketName") != {"Ref": bucket_id}:
        problems.append(f"Logging: the trail writes to {trail.get('S3BucketName')}, not the user's bucket")
    if trail.get("KMSKeyId") != {"Fn::GetAtt": [key_id, "Arn"]}:
        problems.append(f"Logging: the trail encrypts with {trail.get('KMSKeyId')}, not the user's key")
    if trail.get("S3KeyPrefix") != "network":
        problems.append(f"Logging: S3KeyPrefix is {trail.get('S3KeyPrefix')!r}, expected 'network'")
    policies = _of_type(resources, "AWS::S3::BucketPolicy").values()
    bucket_statements = [s for p in policies for s in p["Properties"]["PolicyDocument"]["Statement"]]
    for action in ("s3:GetBucketAcl", "s3:PutObject"):
        if not _grants_cloudtrail(bucket_statements, action):
            problems.append(f"Logging: no bucket policy statement grants {CLOUDTRAIL} {action}")
    key_statements = resources[key_id]["Properties"]["KeyPolicy"]["Statement"]
    if not _grants_cloudtrail(key_statements, "kms:GenerateDataKey*"):
        problems.append(f"Logging: the key policy does not grant {CLOUDTRAIL} kms:GenerateDataKey*")
    return problems


def _warnings(cdk_out: Path, stack: str) -> list[str]:
    metadata: dict[str, list[dict[str, Any]]] = json.loads((cdk_out / f"{stack}.metadata.json").read_text())
    return [
        str(e["data"]) for entries in metadata.values() for e in entries if e["type"] == "aws:cdk:warning"
    ]


def workload_problems(cdk_out: Path) -> list[str]:
    """The ``Workload`` stack: imported bucket and key, no resources for them, two warnings."""
    problems: list[str] = []
    resources = _resources(cdk_out, "Workload")
    for kind in ("AWS::S3::Bucket", "AWS::KMS::Key", "AWS::S3::BucketPolicy"):
        if _of_type(resources, kind):
            problems.append(f"Workload: the bucket and key are imported, yet the stack has {kind}")
    trail_id = _one(resources, "AWS::CloudTrail::Trail", "Workload", problems)
    if trail_id is not None:
        trail = resources[trail_id]["Properties"]
        if trail.get("S3BucketName") != IMPORTED_BUCKET:
            problems.append(
                f"Workload: S3BucketName is {trail.get('S3BucketName')!r}, not {IMPORTED_BUCKET!r}"
            )
        if trail.get("KMSKeyId") != IMPORTED_KEY_ARN:
            problems.append(f"Workload: KMSKeyId is {trail.get('KMSKeyId')!r}, not {IMPORTED_KEY_ARN!r}")
    warnings = _warnings(cdk_out, "Workload")
    for warning_id in WARNINGS:
        if not any(f"[ack: {warning_id}]" in w for w in warnings):
            problems.append(f"Workload: no {warning_id} warning")
    return problems


def problems(cdk_out: Path) -> list[str]:
    """Every difference between ``cdk_out`` and what the example must synthesize."""
    return logging_problems(cdk_out) + workload_problems(cdk_out)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: verify_existing_app.py CDK_OUT", file=sys.stderr)
        return 2
    found = problems(Path(argv[0]))
    for problem in found:
        print(problem)
    print("ok: examples/existing_app uses the bring-your-own bucket and key" if not found else "FAILED")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
