"""Secure defaults of the resources the construct creates, as constants.

One place that tests and docs cite: change a value here and the docs tables
and the snapshot tests show it.
"""

from __future__ import annotations

from typing import Final

import aws_cdk as cdk

NONCURRENT_VERSION_EXPIRATION_DAYS: Final = 90
"""Days a replaced or deleted log object version is kept before it expires."""

ACCESS_LOGS_EXPIRATION_DAYS: Final = 365
"""Days the created access-log bucket keeps server access logs."""

ABORT_INCOMPLETE_UPLOAD_DAYS: Final = 7
"""Days after which incomplete multipart uploads are cleaned up."""

CLOUD_WATCH_LOGS_RETENTION_DAYS: Final = 365
"""Retention of the CloudWatch Logs log group, when delivery there is enabled."""

DEFAULT_REMOVAL_POLICY: Final = cdk.RemovalPolicy.RETAIN
"""Logs and their key outlive the stack: deleting them is never implicit."""

KEY_DESCRIPTION: Final = "Encrypts CloudTrail network activity logs (network_trail)"
ACCESS_LOGS_PREFIX: Final = "access-logs/"


def default_alias(trail_name: str) -> str:
    """``alias/<trail name>``, with characters an alias may not hold replaced by '-'."""
    return "alias/" + trail_name.replace(".", "-")


def log_group_name(trail_name: str) -> str:
    """The CloudWatch Logs log group the trail delivers to, when enabled."""
    return f"/aws/cloudtrail/{trail_name}"
