"""After ``cdk deploy``: does the trail in the account do what the code says?

:func:`verify_trail` asks CloudTrail, S3, KMS and STS (with clients the caller makes, e.g.
from boto3) and checks, each as one :class:`Check`:

- the trail exists (``GetTrail``) and is logging (``GetTrailStatus`` ``IsLogging``), both called
  with the trail's ARN once ``GetTrail`` has given it: the CloudTrail API reference requires the
  ARN from a member account for an organization trail (``GetTrailStatus`` ``Name``,
  ``GetEventSelectors`` ``TrailName``), e.g. for a delegated administrator's stack;
- it is multi-Region as the template says (``IsMultiRegionTrail``);
- its advanced event selectors equal the expected ones (``GetEventSelectors``): drift;
- the latest delivery has no error: ``LatestDeliveryError``, ``LatestDigestDeliveryError``
  (when log file validation is on) and ``LatestCloudWatchLogsDeliveryError`` (when it
  delivers to CloudWatch Logs);
- the bucket and key policies allow what CloudTrail needs and refuse what it must not do: the
  rows of the delivery request table (:mod:`network_trail.model._delivery`, every account path
  and the organization path ``AWSLogs/<o-id>/<account>/``, ``kms:GenerateDataKey*`` with the
  writing trail's encryption context, ``kms:DescribeKey``, ``kms:Decrypt`` for an S3 Bucket Key)
  evaluated with the IAM policy evaluator by the preflight's engine
  (:func:`network_trail.model._preflight.run_preflight`), the same table and evaluator as
  ``network-trail preflight``.

What the caller's account cannot read is reported as ``archive``, "checked by the archive
account", with the command to run there (:meth:`ArchiveTarget.command`): ``GetBucketPolicy``
answers 405 Method Not Allowed to an identity outside the bucket owner's account
(https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html), and ``GetKeyPolicy``
is not a cross-account operation
(https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyPolicy.html: "Cross-account use:
No"). :func:`verify_archive` is that command: run with the archive account's credentials, it
checks the bucket and key policies for the trails that write there.

The policy checks see the resource policies only: SCPs, RCPs and VPC endpoint policies are not
read, and a delivery error reported by CloudTrail covers the rest. This module has been tested
against botocore's ``Stubber`` only, never against AWS.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from ..errors import NetworkTrailError
from ..model._delivery import DeliverySetup, Expect, Target, Writer
from ..model._preflight import Check as RequestCheck
from ..model._preflight import Outcome, PolicySet, run_preflight
from ..model.iam import Policy, parse_policy
from ..simulator.diff import diff_selectors
from ._inputs import SelectorInput, live_selectors

__all__ = ["ArchiveTarget", "Check", "VerifyReport", "verify_archive", "verify_trail"]

Status = Literal["ok", "fail", "skip", "archive"]
"""``archive``: checked by the archive account (this account cannot read it); not a failure."""

API_GET_TRAIL_STATUS: Final = (
    "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_GetTrailStatus.html"
)
API_GET_BUCKET_POLICY: Final = "https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html"
API_GET_KEY_POLICY: Final = "https://docs.aws.amazon.com/kms/latest/APIReference/API_GetKeyPolicy.html"
_BUCKET = "bucket policy"
_KEY = "key policy"


@dataclass(frozen=True, slots=True)
class Check:
    """One verification and its outcome.

    :param name: what is checked, e.g. ``"selectors"``.
    :param status: ``ok``, ``fail``, ``skip`` when it does not apply or could not run, or
        ``archive`` when only the archive account can check it.
    :param detail: what was found, and how to fix a failure.
    """

    name: str
    status: Status
    detail: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ArchiveTarget:
    """The bucket and key a trail writes to, and the trails that write there: what the archive
    account checks (``network-trail verify --archive``, with the options of ``network-trail preflight``).

    :param bucket: the bucket's name.
    :param key_arn: the key's ARN. Default: - none (the logs are not encrypted with a KMS key)
    :param trail_arns: trails of one account that write (``--writer``). Default: - none
    :param organization_trail_arns: organization trails that write under ``AWSLogs/<o-id>/<account>/``
        (``--organization-trail``; the ARN names the management account). Default: - none
    :param s3_key_prefix: the prefix before ``AWSLogs/``. Default: - none
    :param organization_id: the organization of the writing trails' accounts. Default: - none
    :param member_accounts: member accounts whose paths the organization trails write, besides the
        management account's. Default: - none
    :param bucket_key: the bucket uses an S3 Bucket Key (CloudTrail then needs ``kms:Decrypt``).
        Default: true
    """

    bucket: str
    key_arn: str | None = None
    trail_arns: tuple[str, ...] = ()
    organization_trail_arns: tuple[str, ...] = ()
    s3_key_prefix: str | None = None
    organization_id: str | None = None
    member_accounts: tuple[str, ...] = ()
    bucket_key: bool = True

    def setup(self) -> DeliverySetup:
        """The delivery request table's input for these trails, bucket and key."""
        arns = (*self.trail_arns, *self.organization_trail_arns)
        partition = arns[0].split(":")[1] if arns else "aws"
        writers = tuple(
            Writer(
                trail_arn=arn,
                organization_id=self.organization_id,
                organization_trail=arn in self.organization_trail_arns,
                member_accounts=self.member_accounts if arn in self.organization_trail_arns else (),
            )
            for arn in arns
        )
        return DeliverySetup(
            partition=partition,
            bucket_name=self.bucket,
            key_arn=self.key_arn,
            s3_key_prefix=self.s3_key_prefix,
            writers=writers,
            bucket_key=self.bucket_key,
            organization_id=self.organization_id,
        )

    def command(self) -> str:
        """The ``network-trail verify --archive`` command that checks this in the archive account."""
        words = ["network-trail", "verify", "--archive", "--bucket", self.bucket]
        if self.key_arn:
            words += ["--key-arn", self.key_arn]
        for arn in self.trail_arns:
            words += ["--writer", arn]
        for arn in self.organization_trail_arns:
            words += ["--organization-trail", arn]
        if self.s3_key_prefix:
            words += ["--s3-key-prefix", self.s3_key_prefix]
        if self.organization_id:
            words += ["--organization-id", self.organization_id]
        for account in self.member_accounts:
            words += ["--member-account", account]
        if not self.bucket_key:
            words.append("--no-bucket-key")
        return " ".join(shlex.quote(word) for word in words)


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """Every check of one trail (or, with ``--archive``, of one bucket and key).

    :param trail: the trail's name or ARN as given, or the bucket checked by ``--archive``.
    :param checks: the checks, in order.
    :param archive_command: the command to run in the archive account, when some checks are
        ``archive``. Default: - none
    """

    trail: str
    checks: tuple[Check, ...]
    archive_command: str | None = field(default=None)

    @property
    def ok(self) -> bool:
        """Whether no check failed (``archive`` and ``skip`` checks do not fail)."""
        return all(c.status != "fail" for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON values."""
        return {
            "trail": self.trail,
            "ok": self.ok,
            "checks": [{"name": c.name, "status": c.status, "detail": c.detail} for c in self.checks],
            "archive_command": self.archive_command,
        }


def _error(err: Exception) -> tuple[str, str]:
    """``(code, message)`` of a botocore error."""
    from botocore.exceptions import ClientError

    if isinstance(err, ClientError):
        error = err.response.get("Error", {})
        return str(error.get("Code", "Error")), str(error.get("Message", err))
    return type(err).__name__, str(err)


def _call(
    checks: list[Check], name: str, request: Callable[[], Mapping[str, Any]], hint: str = ""
) -> Mapping[str, Any] | None:
    """The response, or ``None`` after recording a failed check with AWS's error (and ``hint``)."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return request()
    except (ClientError, BotoCoreError) as err:
        code, message = _error(err)
        checks.append(Check(name, "fail", f"{code}: {message}{hint}"))
    return None


def _not_found_hint(name: str) -> str:
    if name.startswith("arn:"):
        return ""
    return (
        f". For an organization trail seen from a member account (a delegated administrator's stack), "
        f"pass its ARN: --trail-name arn:<partition>:cloudtrail:<region>:<management account>:trail/{name} "
        f"(the CloudTrail API reference requires the ARN there: {API_GET_TRAIL_STATUS})"
    )


def verify_trail(
    expected: SelectorInput,
    *,
    trail_name: str,
    cloudtrail: Any,
    s3: Any,
    kms: Any,
    sts: Any,
    organizations: Any = None,
    organization_id: str | None = None,
    bucket_key: bool = True,
    multi_region: bool | None = None,
) -> VerifyReport:
    """Check a deployed trail against the expected selectors and CloudTrail's needs.

    :param expected: the selectors the trail should have, e.g. from ``--template cdk.out``.
    :param trail_name: the trail's name or ARN (the ARN for an organization trail seen from a
        member account).
    :param cloudtrail: a CloudTrail client in the trail's home Region.
    :param s3: an S3 client.
    :param kms: a KMS client in the key's Region.
    :param sts: an STS client (``GetCallerIdentity``: which account is asking).
    :param organizations: an Organizations client, asked for the caller's organization
        (``DescribeOrganization``) when ``organization_id`` is not given. Default: - not asked
    :param organization_id: the organization of the trail's account. Default: - asked
    :param bucket_key: the bucket uses an S3 Bucket Key. Default: true
    :param multi_region: whether the trail should be multi-Region. Default: - not checked
    """
    checks: list[Check] = []
    got = _call(
        checks, "trail exists", lambda: cloudtrail.get_trail(Name=trail_name), _not_found_hint(trail_name)
    )
    if got is None:
        return VerifyReport(trail_name, tuple(checks))
    trail: Mapping[str, Any] = got["Trail"]
    arn = str(trail.get("TrailARN", trail_name))
    checks.append(Check("trail exists", "ok", arn))
    status = _call(checks, "logging", lambda: cloudtrail.get_trail_status(Name=arn))
    if status is not None:
        checks.append(_logging(status))
    checks.append(_multi_region(trail, multi_region))
    selectors = _call(checks, "selectors", lambda: cloudtrail.get_event_selectors(TrailName=arn))
    if selectors is not None:
        checks.append(_selectors(expected, selectors))
    if status is not None:
        checks.extend(_delivery(trail, status))
    identity = _call(checks, "caller", sts.get_caller_identity)
    if identity is None:
        return VerifyReport(arn, tuple(checks))
    caller = str(identity["Account"])
    org = organization_id or _organization(organizations, checks)
    if trail.get("IsOrganizationTrail") and org is None:
        why = (
            "an organization trail writes under AWSLogs/<o-id>/: give --organization-id to check its policies"
        )
        checks.append(Check("policies", "skip", why))
        return VerifyReport(arn, tuple(checks))
    target = _archive_target(trail, caller, org, bucket_key)
    policy_checks = _trail_policies(target, caller, s3, kms)
    checks.extend(policy_checks)
    elsewhere = any(c.status == "archive" for c in policy_checks)
    return VerifyReport(arn, tuple(checks), target.command() if elsewhere else None)


def _organization(organizations: Any, checks: list[Check]) -> str | None:
    """The organization of the caller's account (``DescribeOrganization``), ``None`` when it is in none.

    The trail's requests carry ``aws:SourceOrgID`` when its account is in an organization, and an
    organization trail writes under ``AWSLogs/<o-id>/``; an account outside any organization gets
    ``AWSOrganizationsNotInUseException``.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    if organizations is None:
        return None
    try:
        response = organizations.describe_organization()
    except (ClientError, BotoCoreError) as err:
        code, message = _error(err)
        if code != "AWSOrganizationsNotInUseException":
            checks.append(
                Check(
                    "organization",
                    "skip",
                    f"{code}: {message}: aws:SourceOrgID and the path AWSLogs/<o-id>/ are not checked; give "
                    f"--organization-id",
                )
            )
        return None
    return str(response["Organization"]["Id"])


def _archive_target(
    trail: Mapping[str, Any], caller: str, org: str | None, bucket_key: bool
) -> ArchiveTarget:
    arn = str(trail.get("TrailARN", ""))
    organization_trail = bool(trail.get("IsOrganizationTrail")) and org is not None
    owner = arn.split(":")[4] if arn.count(":") >= 5 else caller
    return ArchiveTarget(
        bucket=str(trail.get("S3BucketName", "")),
        key_arn=trail.get("KmsKeyId") or None,
        trail_arns=() if organization_trail else (arn,),
        organization_trail_arns=(arn,) if organization_trail else (),
        s3_key_prefix=trail.get("S3KeyPrefix") or None,
        organization_id=org,
        member_accounts=(caller,) if organization_trail and caller != owner else (),
        bucket_key=bucket_key,
    )


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
# Policies: the delivery request table, evaluated by the preflight's engine


def _policy(text: str, name: str) -> Policy | Check:
    """The parsed policy, or a failed check when the deployed document is outside what the evaluator reads."""
    try:
        return parse_policy(text, name=name)
    except NetworkTrailError as err:
        return Check(name, "fail", f"the deployed {name} could not be evaluated: {err}")


def _request_check(row: RequestCheck) -> Check:
    """One row of the table as a verify check: its verdict, deciding statements and AWS page."""
    request = row.request
    kind = _BUCKET if request.target is Target.BUCKET else _KEY
    wanted = "required" if request.expect is Expect.ALLOW else "must be denied"
    detail = f"{wanted}: {request.action} {row.verdict} by {row.deciding}"
    if row.detail:
        detail += f" ({row.detail})"
    if row.outcome is Outcome.FAIL:
        detail += f"; see {request.page}"
    return Check(f"{kind}: {request.name}", "ok" if row.outcome is Outcome.OK else "fail", detail)


def policy_checks(
    target: ArchiveTarget,
    *,
    bucket_policy: Policy | None,
    key_policy: Policy | None,
    bucket_account: str,
) -> list[Check]:
    """Every request of the table on the given policies (``None``: not read, its rows are left out).

    :param target: the bucket, key and writing trails.
    :param bucket_policy: the deployed bucket policy, or ``None``.
    :param key_policy: the deployed key policy, or ``None``.
    :param bucket_account: the account owning the bucket.
    """
    policies: dict[Target, Policy | None] = {Target.BUCKET: bucket_policy, Target.KEY: key_policy}
    accounts = {Target.BUCKET: bucket_account}
    if target.key_arn:
        accounts[Target.KEY] = target.key_arn.split(":")[4]
    report = run_preflight(target.setup(), PolicySet(policies=policies, accounts=accounts))
    read = {t for t, policy in policies.items() if policy is not None}
    return [_request_check(row) for row in report.checks if row.request.target in read]


def _archive(name: str, why: str) -> Check:
    """A check only the archive account can make (the report carries the command to run there)."""
    return Check(name, "archive", f"checked by the archive account: {why}")


def _read_bucket_policy(s3: Any, target: ArchiveTarget) -> Policy | Check:
    """The bucket policy, or the check that says why it cannot be read from this account."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        text = s3.get_bucket_policy(Bucket=target.bucket)["Policy"]
    except (ClientError, BotoCoreError) as err:
        code, message = _error(err)
        if code == "MethodNotAllowed":
            why = (
                f"GetBucketPolicy answered 405 MethodNotAllowed ({message}): bucket {target.bucket} belongs to "
                f"another account, and only its owner's identities may read its policy ({API_GET_BUCKET_POLICY})"
            )
            return _archive(_BUCKET, why)
        if code in ("AccessDenied", "403"):
            why = (
                f"GetBucketPolicy answered 403 AccessDenied ({message}): this identity may not read it (allow "
                f"s3:GetBucketPolicy if the bucket is this account's)"
            )
            return Check(_BUCKET, "skip", f"{why}; if it belongs to an archive account: {target.command()}")
        return Check(_BUCKET, "fail", f"{code}: {message}")
    return _policy(text, _BUCKET)


def _read_key_policy(kms: Any, target: ArchiveTarget) -> Policy | Check | None:
    """The key policy, or the check that says why it cannot be read; ``None`` without a key."""
    if not target.key_arn:
        return None
    text = kms.get_key_policy(KeyId=target.key_arn, PolicyName="default")["Policy"]
    return _policy(text, _KEY)


def _trail_policies(target: ArchiveTarget, caller: str, s3: Any, kms: Any) -> list[Check]:
    """From the trail's account: the policies this account can read, the rest for the archive account."""
    out: list[Check] = []
    bucket = _read_bucket_policy(s3, target)
    if isinstance(bucket, Check):
        out.append(bucket)
    key: Policy | Check | None = None
    key_account = target.key_arn.split(":")[4] if target.key_arn else None
    if key_account is None:
        out.append(Check(_KEY, "skip", "the trail's logs are not encrypted with a KMS key"))
    elif key_account != caller:
        why = (
            f"key {target.key_arn} belongs to account {key_account} and GetKeyPolicy is not a cross-account "
            f"operation ({API_GET_KEY_POLICY})"
        )
        out.append(_archive(_KEY, why))
    else:
        key = _guarded(out, _KEY, lambda: _read_key_policy(kms, target))
    out += policy_checks(
        target,
        bucket_policy=bucket if isinstance(bucket, Policy) else None,
        key_policy=key if isinstance(key, Policy) else None,
        bucket_account=caller,
    )
    return out


def _guarded(out: list[Check], name: str, read: Callable[[], Policy | Check | None]) -> Policy | None:
    """``read()``'s policy; a check it returns, or AWS's error, is appended to ``out``."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        result = read()
    except (ClientError, BotoCoreError) as err:
        code, message = _error(err)
        out.append(Check(name, "fail", f"{code}: {message}"))
        return None
    if isinstance(result, Check):
        out.append(result)
        return None
    return result


def verify_archive(target: ArchiveTarget, *, s3: Any, kms: Any, sts: Any) -> VerifyReport:
    """In the archive account: the bucket and key policies against the trails that write there.

    :param target: the bucket, key and writing trails (``network-trail verify`` prints them).
    :param s3: an S3 client with the archive account's credentials.
    :param kms: a KMS client in the key's Region, with the archive account's credentials.
    :param sts: an STS client (``GetCallerIdentity``).
    """
    out: list[Check] = []
    identity = _call(out, "caller", sts.get_caller_identity)
    if identity is None:
        return VerifyReport(target.bucket, tuple(out))
    caller = str(identity["Account"])
    bucket = _guarded(out, _BUCKET, lambda: _archive_bucket(s3, target, caller))
    key = _guarded(out, _KEY, lambda: _archive_key(kms, target, caller))
    out += policy_checks(target, bucket_policy=bucket, key_policy=key, bucket_account=caller)
    return VerifyReport(target.bucket, tuple(out))


def _archive_bucket(s3: Any, target: ArchiveTarget, caller: str) -> Policy | Check:
    from botocore.exceptions import ClientError

    try:
        text = s3.get_bucket_policy(Bucket=target.bucket)["Policy"]
    except ClientError as err:
        code, message = _error(err)
        if code != "MethodNotAllowed":
            raise
        return Check(
            _BUCKET,
            "fail",
            f"MethodNotAllowed: {message}: account {caller} does not own bucket {target.bucket}; run --archive "
            f"with the credentials of the bucket owner's account ({API_GET_BUCKET_POLICY})",
        )
    return _policy(text, _BUCKET)


def _archive_key(kms: Any, target: ArchiveTarget, caller: str) -> Policy | Check | None:
    from botocore.exceptions import ClientError

    try:
        return _read_key_policy(kms, target)
    except ClientError as err:
        code, message = _error(err)
        owner = (target.key_arn or "").split(":")[4] if target.key_arn else "?"
        if code not in ("NotFoundException", "AccessDeniedException") or owner == caller:
            raise
        return Check(
            _KEY,
            "fail",
            f"{code}: {message}: key {target.key_arn} belongs to account {owner}, not {caller}, and "
            f"GetKeyPolicy is not a cross-account operation; run --archive with account {owner}'s "
            f"credentials ({API_GET_KEY_POLICY})",
        )
