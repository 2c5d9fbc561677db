#!/usr/bin/env python3
"""An existing CDK app that adds network_trail to infrastructure it already has.

Two stacks, the two ways a user brings their own log bucket and KMS key:

- ``Logging``: the bucket and key are defined in this app. ``NetworkTrail`` adds the statements
  CloudTrail needs to their policies.
- ``Workload``: the bucket and key live elsewhere and are imported by name and ARN. ``NetworkTrail``
  cannot change their policies; it warns (``network-trail:bucketPolicyNotAdded``,
  ``network-trail:keyPolicyNotAdded``) with the exact statements to add.

``cdk synth`` from this folder, with network_trail installed (see docs/installation.md).
"""

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from network_trail import ManagementEvents, NetworkTrail, presets
from network_trail import NetworkActivityEventSource as Source

ACCOUNT = "123456789012"
REGION = "eu-west-1"
IMPORTED_BUCKET = "central-cloudtrail-logs-123456789012"
IMPORTED_KEY_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


class LoggingStack(cdk.Stack):
    """The user's own bucket and key, defined in this app, shared with the trail."""

    def __init__(self, scope: cdk.App, construct_id: str, *, env: cdk.Environment) -> None:
        super().__init__(scope, construct_id, env=env)
        key = kms.Key(self, "LogsKey", enable_key_rotation=True)
        bucket = s3.Bucket(
            self,
            "Logs",
            encryption_key=key,
            enforce_ssl=True,
            versioned=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        )
        NetworkTrail(
            self,
            "NetworkTrail",
            bucket=bucket,
            encryption_key=key,
            s3_key_prefix="network",
            selectors=[
                presets.log_all(Source.KMS, vpc_endpoint_ids=["vpce-0123456789abcdef0"]),
                *presets.for_sources([Source.S3, Source.SECRETSMANAGER], preset="access-denied"),
            ],
            management_events=ManagementEvents.NONE,
        )


class WorkloadStack(cdk.Stack):
    """A bucket and key owned by another team or account, imported by name and ARN."""

    def __init__(self, scope: cdk.App, construct_id: str, *, env: cdk.Environment) -> None:
        super().__init__(scope, construct_id, env=env)
        NetworkTrail(
            self,
            "NetworkTrail",
            bucket=s3.Bucket.from_bucket_name(self, "CentralLogs", IMPORTED_BUCKET),
            encryption_key=kms.Key.from_key_arn(self, "CentralKey", IMPORTED_KEY_ARN),
        )


app = cdk.App()
env = cdk.Environment(account=ACCOUNT, region=REGION)
LoggingStack(app, "Logging", env=env)
WorkloadStack(app, "Workload", env=env)
app.synth()
