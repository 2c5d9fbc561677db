"""After ``cdk deploy``: does the trail in the account do what the code says?

:func:`verify_trail` asks CloudTrail, S3 and KMS (with clients the caller
makes, e.g. from boto3) and checks, each as one :class:`Check`:

- the trail exists (``GetTrail``) and is logging (``GetTrailStatus`` ``IsLogging``);
- it is multi-Region as the template says (``IsMultiRegionTrail``);
- its advanced event selectors equal the expected ones (``GetEventSelectors``): drift;
- the latest delivery has no error: ``LatestDeliveryError``, ``LatestDigestDeliveryError``
  (when log file validation is on) and ``LatestCloudWatchLogsDeliveryError`` (when it
  delivers to CloudWatch Logs);
- the bucket policy (``GetBucketPolicy``) and the key policy (``GetKeyPolicy``) allow
  what CloudTrail needs: ``s3:GetBucketAcl`` on the bucket and ``s3:PutObject`` on
  ``[prefix/]AWSLogs/<account>/*``
  (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html),
  ``kms:GenerateDataKey*`` and ``kms:DescribeKey``
  (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html),
  each to the ``cloudtrail.amazonaws.com`` principal, for this trail when the
  statement has an ``aws:SourceArn`` condition.

The policy check reads Allow statements only: it does not evaluate Deny
statements, SCPs or conditions other than ``aws:SourceArn``; a delivery error
reported by CloudTrail covers the rest. This module has been tested against
botocore's ``Stubber`` only, never against AWS.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from ..errors import NetworkTrailError
from ..model._policies import CLOUDTRAIL_PRINCIPAL, awslogs_key_prefix
from ..simulator.diff import diff_selectors
from ._inputs import SelectorInput, live_selectors

__all__ = ["Check", "VerifyReport", "verify_trail"]

Status = Literal["ok", "fail", "skip"]
_SOURCE_ARN_OPERATORS: Final = ("StringEquals", "ArnEquals", "StringLike", "ArnLike")
_S3_POLICY_DOC: Final = (
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html"
)
_KMS_POLICY_DOC: Final = (
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html"
)


@dataclass(frozen=True, slots=True)
class Check:
    """One verification and its outcome.

    :param name: what is checked, e.g. ``"selectors"``.
    :param status: ``ok``, ``fail``, or ``skip`` when it does not apply or could not run.
    :param detail: what was found, and how to fix a failure.
    """

    name: str
    status: Status
    detail: str


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """Every check of one trail.

    :param trail: the trail's name or ARN as given.
    :param checks: the checks, in order.
    """

    trail: str
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """Whether no check failed."""
        return all(c.status != "fail" for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON values."""
        return {
            "trail": self.trail,
            "ok": self.ok,
            "checks": [{"name": c.name, "status": c.status, "detail": c.detail} for c in self.checks],
        }


def _call(
    checks: list[Check], name: str, request: Callable[[], Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    """The response, or ``None`` after recording a failed check with AWS's error."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return request()
    except ClientError as err:
        error = err.response.get("Error", {})
        checks.append(Check(name, "fail", f"{error.get('Code', 'Error')}: {error.get('Message', err)}"))
    except BotoCoreError as err:
        checks.append(Check(name, "fail", f"{type(err).__name__}: {err}"))
    return None


def verify_trail(
    expected: SelectorInput,
    *,
    trail_name: str,
    cloudtrail: Any,
    s3: Any,
    kms: Any,
    multi_region: bool | None = None,
) -> VerifyReport:
    """Check a deployed trail against the expected selectors and CloudTrail's needs.

    :param expected: the selectors the trail should have, e.g. from ``--template cdk.out``.
    :param trail_name: the trail's name or ARN.
    :param cloudtrail: a CloudTrail client in the trail's home Region.
    :param s3: an S3 client.
    :param kms: a KMS client in the key's Region.
    :param multi_region: whether the trail should be multi-Region. Default: - not checked
    """
    checks: list[Check] = []
    got = _call(checks, "trail exists", lambda: cloudtrail.get_trail(Name=trail_name))
    if got is None:
        return VerifyReport(trail_name, tuple(checks))
    trail: Mapping[str, Any] = got["Trail"]
    checks.append(Check("trail exists", "ok", trail.get("TrailARN", trail_name)))
    status = _call(checks, "logging", lambda: cloudtrail.get_trail_status(Name=trail_name))
    if status is not None:
        checks.append(_logging(status))
    checks.append(_multi_region(trail, multi_region))
    selectors = _call(checks, "selectors", lambda: cloudtrail.get_event_selectors(TrailName=trail_name))
    if selectors is not None:
        checks.append(_selectors(expected, selectors))
    if status is not None:
        checks.extend(_delivery(trail, status))
    checks.append(_bucket_policy(trail, s3))
    checks.append(_key_policy(trail, kms))
    return VerifyReport(trail_name, tuple(checks))


def _logging(status: Mapping[str, Any]) -> Check:
    if status.get("IsLogging"):
        return Check("logging", "ok", "the trail is logging")
    return Check(
        "logging",
        "fail",
        "the trail is not logging: `aws cloudtrail start-logging --name NAME`, and find who stopped it",
    )


def _multi_region(trail: Mapping[str, Any], expected: bool | None) -> Check:
    actual = bool(trail.get("IsMultiRegionTrail"))
    described = "multi-Region" if actual else "single-Region"
    if expected is None:
        return Check("multi-Region", "skip", f"{described}; nothing to compare with (give --template)")
    if actual == expected:
        return Check("multi-Region", "ok", described)
    wanted = "multi-Region" if expected else "single-Region"
    return Check(
        "multi-Region", "fail", f"the trail is {described}, the template says {wanted}: deploy again"
    )


def _selectors(expected: SelectorInput, response: Mapping[str, Any]) -> Check:
    try:
        live = live_selectors(response, "deployed trail")
    except NetworkTrailError as err:
        return Check(
            "selectors", "fail", f"the deployed selectors are outside what this library models: {err}"
        )
    result = diff_selectors(expected.rendered(), live.rendered(), labels=(expected.label, "deployed trail"))
    if result.is_empty:
        return Check("selectors", "ok", f"{result.unchanged} selectors equal {expected.label}")
    lines = [line for line in result.lines()[1:] if not line.startswith("=")]
    return Check(
        "selectors",
        "fail",
        f"the deployed trail has drifted from {expected.label} (deploy again to restore them):\n"
        + "\n".join(f"  {line}" for line in lines),
    )


def _delivery(trail: Mapping[str, Any], status: Mapping[str, Any]) -> list[Check]:
    out = [
        _delivery_check("S3 delivery", status.get("LatestDeliveryError"), status.get("LatestDeliveryTime"))
    ]
    if trail.get("LogFileValidationEnabled"):
        error, when = status.get("LatestDigestDeliveryError"), status.get("LatestDigestDeliveryTime")
        out.append(_delivery_check("digest delivery", error, when))
    else:
        out.append(Check("digest delivery", "skip", "log file validation is off"))
    if trail.get("CloudWatchLogsLogGroupArn"):
        error, when = (
            status.get("LatestCloudWatchLogsDeliveryError"),
            status.get("LatestCloudWatchLogsDeliveryTime"),
        )
        out.append(_delivery_check("CloudWatch Logs delivery", error, when))
    else:
        out.append(Check("CloudWatch Logs delivery", "skip", "the trail does not deliver to CloudWatch Logs"))
    return out


def _delivery_check(name: str, error: object, when: object) -> Check:
    if error:
        return Check(
            name,
            "fail",
            f"latest error {error!r}: check the bucket, key and log group policies (the policy checks below)",
        )
    if when is None:
        return Check(name, "ok", "no error reported (no delivery yet)")
    return Check(name, "ok", f"no error; latest delivery {when}")


# ---------------------------------------------------------------------------
# Policies


def _statements(policy_text: str) -> list[Mapping[str, Any]]:
    document = json.loads(policy_text)
    statements = document.get("Statement", [])
    return [statements] if isinstance(statements, dict) else list(statements)


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _allows(
    statements: Sequence[Mapping[str, Any]], action: str, resource: str, trail_arn: str
) -> Mapping[str, Any] | None:
    """The first Allow statement granting ``action`` on ``resource`` to CloudTrail for this trail."""
    for statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        services = _as_list(principal.get("Service")) if isinstance(principal, dict) else _as_list(principal)
        if CLOUDTRAIL_PRINCIPAL not in services and "*" not in services:
            continue
        if not any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in _as_list(statement.get("Action"))):
            continue
        if not any(fnmatch.fnmatchcase(resource, r) for r in _as_list(statement.get("Resource"))):
            continue
        if _source_arn_excludes(statement.get("Condition", {}), trail_arn):
            continue
        return statement
    return None


def _source_arn_excludes(condition: Mapping[str, Any], trail_arn: str) -> bool:
    """Whether an ``aws:SourceArn`` condition names another trail."""
    for operator in _SOURCE_ARN_OPERATORS:
        keys = condition.get(operator, {})
        values = [v for k, val in keys.items() if k.lower() == "aws:sourcearn" for v in _as_list(val)]
        if values and not any(fnmatch.fnmatchcase(trail_arn, v) for v in values):
            return True
    return False


def _missing(
    statements: Sequence[Mapping[str, Any]], needs: Sequence[tuple[str, str]], trail_arn: str
) -> list[str]:
    return [
        f"{action} on {resource}"
        for action, resource in needs
        if not _allows(statements, action, resource, trail_arn)
    ]


def _bucket_policy(trail: Mapping[str, Any], s3: Any) -> Check:
    bucket = trail.get("S3BucketName")
    trail_arn = str(trail.get("TrailARN", ""))
    checks: list[Check] = []
    response = _call(checks, "bucket policy", lambda: s3.get_bucket_policy(Bucket=bucket))
    if response is None:
        return checks[0]
    partition, account = _arn_parts(trail_arn)
    bucket_arn = f"arn:{partition}:s3:::{bucket}"
    log_object = (
        f"{bucket_arn}/{awslogs_key_prefix(trail.get('S3KeyPrefix'))}/{account}/CloudTrail/log.json.gz"
    )
    needs = [("s3:GetBucketAcl", bucket_arn), ("s3:PutObject", log_object)]
    missing = _missing(_statements(response["Policy"]), needs, trail_arn)
    if missing:
        return Check(
            "bucket policy",
            "fail",
            f"bucket {bucket} does not allow {CLOUDTRAIL_PRINCIPAL} {'; '.join(missing)} for {trail_arn}: add "
            f"the statements of 'Amazon S3 bucket policy for CloudTrail' ({_S3_POLICY_DOC})",
        )
    return Check("bucket policy", "ok", f"bucket {bucket} allows CloudTrail to check its ACL and write logs")


def _key_policy(trail: Mapping[str, Any], kms: Any) -> Check:
    key = trail.get("KmsKeyId")
    if not key:
        return Check("key policy", "skip", "the trail's logs are not encrypted with a KMS key")
    trail_arn = str(trail.get("TrailARN", ""))
    checks: list[Check] = []
    response = _call(checks, "key policy", lambda: kms.get_key_policy(KeyId=key, PolicyName="default"))
    if response is None:
        return checks[0]
    needs = [("kms:GenerateDataKey", str(key)), ("kms:DescribeKey", str(key))]
    missing = _missing(_statements(response["Policy"]), needs, trail_arn)
    if missing:
        return Check(
            "key policy",
            "fail",
            f"key {key} does not allow {CLOUDTRAIL_PRINCIPAL} {'; '.join(missing)} for {trail_arn}: add the "
            f"statements of 'Configure AWS KMS key policies for CloudTrail' ({_KMS_POLICY_DOC})",
        )
    return Check("key policy", "ok", f"key {key} allows CloudTrail to encrypt logs and describe the key")


def _arn_parts(arn: str) -> tuple[str, str]:
    """``(partition, account)`` of an ARN; ``("aws", "*")`` when it cannot be read."""
    parts = arn.split(":")
    if len(parts) >= 6 and parts[0] == "arn":
        return parts[1], parts[4]
    return "aws", "*"
