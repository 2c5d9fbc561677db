"""From a network activity record's ``eventSource`` and ``eventName`` to the IAM actions a policy is matched on.

CloudTrail's ``eventName`` is the API operation, and the IAM action that authorizes it is
usually ``<service prefix>:<eventName>``. Not always: the prefix can differ from the host
part of ``eventSource`` (``monitoring.amazonaws.com`` is ``cloudwatch``), an operation can be
authorized by another action (S3 ``ListObjectsV2`` by ``s3:ListBucket``) or by several
(S3 ``CopyObject`` by ``s3:GetObject`` on the source and ``s3:PutObject`` on the
destination), and some operations need further actions only for some request parameters,
which network activity records do not carry. Every difference written here cites the AWS
page that documents it (the Service Authorization Reference, or the service's own
permissions page). Where the action depends on what the record lacks, or where the default
rule is known wrong and no mapping is documented, :func:`iam_actions` returns ``None``:
unknown, never guessed.

Pure Python: no ``aws_cdk`` import.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from ..errors import NetworkTrailError
from .sources import CURRENT_SOURCES

__all__ = [
    "ACTION_EXCEPTIONS",
    "PREFIX_EXCEPTIONS",
    "UNKNOWN_ACTIONS",
    "UNVERIFIED_PREFIXES",
    "ActionMapping",
    "conditional_iam_actions",
    "iam_actions",
    "iam_prefix",
]

_SAR: Final = "https://docs.aws.amazon.com/service-authorization/latest/reference"
_S3_PERMISSIONS: Final = (
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html"
)
_LAMBDA_CLOUDTRAIL: Final = "https://docs.aws.amazon.com/lambda/latest/dg/logging-using-cloudtrail.html"
# "You cannot set permissions explicitly for SendMessageBatch, DeleteMessageBatch, or ChangeMessageVisibilityBatch"
_SQS_PERMISSIONS: Final = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-batch-api-actions.html"
)
_DDB_TRANSACTIONS: Final = (
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html"
)
_DDB_PARTIQL: Final = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-iam.html"

PREFIX_EXCEPTIONS: Final[Mapping[str, tuple[str, str]]] = {
    "cloudcontrolapi": ("cloudformation", f"{_SAR}/list_cloudcontrol.html"),
    "monitoring": ("cloudwatch", f"{_SAR}/list_amazoncloudwatch.html"),
    "rdsdata": ("rds-data", f"{_SAR}/list_rds-data.html"),
    "transcribestreaming": ("transcribe", f"{_SAR}/list_amazontranscribe.html"),
    "iotsecuredtunneling": (
        "iot",
        "https://docs.aws.amazon.com/iot/latest/developerguide/tunnel-access.html",
    ),
    "chime-sdk-voice": ("chime", f"{_SAR}/list_amazonchime.html"),
    "chime-sdk-media-pipelines": ("chime", f"{_SAR}/list_amazonchime.html"),
}
"""Host part of ``eventSource`` → (IAM service prefix, the page that shows the prefix), where they differ."""

UNVERIFIED_PREFIXES: Final[Mapping[str, str]] = {
    "partnercentral-prm": (
        "no Service Authorization Reference page names this source's prefix: AWS Partner Central "
        f"(prefix partnercentral, {_SAR}/list_partner-central.html) lists its SDK clients, not this one"
    ),
    "rdsdataapi": (
        "no Service Authorization Reference page names this source's prefix; the RDS Data API page "
        f"({_SAR}/list_rds-data.html) is for the source rdsdata"
    ),
}
"""Sources whose IAM prefix no AWS page documents: :func:`iam_actions` returns ``None`` for them."""


@dataclass(frozen=True, slots=True)
class ActionMapping:
    """The IAM actions one API operation needs, as a documented exception to ``<prefix>:<eventName>``.

    :param required: the actions every such request needs (all must be allowed).
    :param conditional: actions some requests also need, depending on request parameters that a
        network activity record does not carry. Default: - none
    :param url: the AWS page that documents the mapping.
    """

    required: tuple[str, ...]
    conditional: tuple[str, ...]
    url: str


def _s3(required: str | tuple[str, ...], *conditional: str) -> ActionMapping:
    actions = (required,) if isinstance(required, str) else required
    return ActionMapping(
        tuple(f"s3:{a}" for a in actions), tuple(f"s3:{a}" for a in conditional), _S3_PERMISSIONS
    )


_S3_ACTIONS: Final[dict[str, ActionMapping]] = {
    # Bucket operations
    "ListBuckets": _s3("ListAllMyBuckets"),
    "HeadBucket": _s3("ListBucket"),
    "ListObjects": _s3("ListBucket"),
    "ListObjectsV2": _s3("ListBucket"),
    "ListObjectVersions": _s3("ListBucketVersions"),
    "ListMultipartUploads": _s3("ListBucketMultipartUploads"),
    "GetBucketEncryption": _s3("GetEncryptionConfiguration"),
    "PutBucketEncryption": _s3("PutEncryptionConfiguration"),
    "DeleteBucketEncryption": _s3("PutEncryptionConfiguration"),
    "GetBucketLifecycle": _s3("GetLifecycleConfiguration"),
    "GetBucketLifecycleConfiguration": _s3("GetLifecycleConfiguration"),
    "PutBucketLifecycle": _s3("PutLifecycleConfiguration"),
    "PutBucketLifecycleConfiguration": _s3("PutLifecycleConfiguration"),
    "DeleteBucketLifecycle": _s3("PutLifecycleConfiguration"),
    "GetBucketReplication": _s3("GetReplicationConfiguration"),
    "PutBucketReplication": _s3("PutReplicationConfiguration"),
    "DeleteBucketReplication": _s3("PutReplicationConfiguration"),
    "GetBucketNotificationConfiguration": _s3("GetBucketNotification"),
    "PutBucketNotificationConfiguration": _s3("PutBucketNotification"),
    "DeleteBucketCors": _s3("PutBucketCORS"),
    "DeleteBucketTagging": _s3("PutBucketTagging"),
    "DeleteBucketOwnershipControls": _s3("PutBucketOwnershipControls"),
    "GetPublicAccessBlock": _s3("GetBucketPublicAccessBlock"),
    "PutPublicAccessBlock": _s3("PutBucketPublicAccessBlock"),
    "DeletePublicAccessBlock": _s3("PutBucketPublicAccessBlock"),
    "DeleteBucketPublicAccessBlock": _s3("PutBucketPublicAccessBlock"),
    "GetObjectLockConfiguration": _s3("GetBucketObjectLockConfiguration"),
    "PutObjectLockConfiguration": _s3("PutBucketObjectLockConfiguration"),
    "GetBucketAccelerateConfiguration": _s3("GetAccelerateConfiguration"),
    "PutBucketAccelerateConfiguration": _s3("PutAccelerateConfiguration"),
    **{
        f"{verb}Bucket{kind}Configuration{plural}": _s3(
            f"{'Get' if verb in ('Get', 'List') else 'Put'}{kind}Configuration"
        )
        for kind in ("Analytics", "Inventory", "Metrics", "IntelligentTiering")
        for verb, plural in (("Get", ""), ("List", "s"), ("Put", ""), ("Delete", ""))
    },
    # Object operations
    "GetObject": _s3("GetObject", "GetObjectVersion"),
    "HeadObject": _s3("GetObject", "GetObjectVersion"),
    "SelectObjectContent": _s3("GetObject"),
    "PutObject": _s3("PutObject", "PutObjectAcl", "PutObjectTagging"),
    "CreateMultipartUpload": _s3("PutObject", "PutObjectAcl", "PutObjectTagging"),
    "UploadPart": _s3("PutObject"),
    "CompleteMultipartUpload": _s3("PutObject"),
    "UploadPartCopy": _s3(("GetObject", "PutObject"), "GetObjectVersion"),
    "CopyObject": _s3(
        ("GetObject", "PutObject"), "GetObjectVersion", "GetObjectTagging", "PutObjectAcl", "PutObjectTagging"
    ),
    "ListParts": _s3("ListMultipartUploadParts"),
    "DeleteObject": _s3("DeleteObject", "DeleteObjectVersion"),
    "DeleteObjects": _s3("DeleteObject", "DeleteObjectVersion"),
}

ACTION_EXCEPTIONS: Final[Mapping[tuple[str, str], ActionMapping]] = {
    **{("s3", name): mapping for name, mapping in _S3_ACTIONS.items()},
    # "This operation requires permission for the lambda:InvokeFunction action."
    ("lambda", "Invoke"): ActionMapping(
        ("lambda:InvokeFunction",), (), "https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html"
    ),
    ("lambda", "InvokeWithResponseStream"): ActionMapping(
        ("lambda:InvokeFunction",),
        (),
        "https://docs.aws.amazon.com/lambda/latest/dg/API_InvokeWithResponseStream.html",
    ),
    ("kms", "ReEncrypt"): ActionMapping(
        ("kms:ReEncryptFrom", "kms:ReEncryptTo"),
        (),
        "https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html",
    ),
    ("secretsmanager", "BatchGetSecretValue"): ActionMapping(
        ("secretsmanager:BatchGetSecretValue", "secretsmanager:GetSecretValue"),
        ("secretsmanager:ListSecrets",),
        "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html",
    ),
    ("sqs", "SendMessageBatch"): ActionMapping(("sqs:SendMessage",), (), _SQS_PERMISSIONS),
    ("sqs", "DeleteMessageBatch"): ActionMapping(("sqs:DeleteMessage",), (), _SQS_PERMISSIONS),
    ("sqs", "ChangeMessageVisibilityBatch"): ActionMapping(
        ("sqs:ChangeMessageVisibility",), (), _SQS_PERMISSIONS
    ),
    ("bedrock", "Converse"): ActionMapping(
        ("bedrock:InvokeModel",),
        (),
        "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html",
    ),
    ("bedrock", "ConverseStream"): ActionMapping(
        ("bedrock:InvokeModelWithResponseStream",),
        (),
        "https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html",
    ),
}
"""(host part of ``eventSource``, ``eventName``) → the documented actions, where they differ from the rule."""

UNKNOWN_ACTIONS: Final[Mapping[tuple[str, str], str]] = {
    ("dynamodb", "TransactWriteItems"): (
        f"needs PutItem, UpdateItem, DeleteItem or ConditionCheckItem per item of the request ({_DDB_TRANSACTIONS})"
    ),
    ("dynamodb", "TransactGetItems"): f"authorized per item of the request ({_DDB_TRANSACTIONS})",
    ("dynamodb", "ExecuteStatement"): (
        f"the PartiQL action (PartiQLSelect, PartiQLInsert, ...) depends on the statement ({_DDB_PARTIQL})"
    ),
    ("dynamodb", "BatchExecuteStatement"): f"the PartiQL actions depend on the statements ({_DDB_PARTIQL})",
    ("dynamodb", "ExecuteTransaction"): f"the PartiQL actions depend on the statements ({_DDB_PARTIQL})",
    ("sns", "PublishBatch"): (
        f"the Service Authorization Reference lists no sns:PublishBatch action ({_SAR}/list_amazonsns.html) "
        f"and no mapping was found documented"
    ),
}
"""Operations whose action the record cannot tell, or whose default action does not exist: unknown."""

_HOST: Final = re.compile(r"^(?P<host>[a-z0-9][a-z0-9-]{0,62})\.amazonaws\.com$")
_EVENT_NAME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,127}$")
# Lambda's CloudTrail event names may carry the API version ("GetFunction20150331v2"); they are
# the same public API (_LAMBDA_CLOUDTRAIL).
_LAMBDA_VERSIONED: Final = re.compile(r"^(?P<base>[A-Za-z]+?)20\d{6}(?:v\d+)?$")
# The 96 sources of the current list; the 4 the list no longer names (REMOVED_SOURCES) have no checked prefix.
_KNOWN_HOSTS: Final = frozenset(s.value.removesuffix(".amazonaws.com") for s in CURRENT_SOURCES)


def _host(event_source: str) -> str:
    match = _HOST.match(event_source) if isinstance(event_source, str) else None
    if match is None:
        raise NetworkTrailError(
            f"event_source must be an eventSource of the shape '<service>.amazonaws.com', got {event_source!r}: "
            f"pass the record's eventSource, e.g. 'kms.amazonaws.com'",
            code="InvalidEventSource",
        )
    return match["host"]


def iam_prefix(event_source: str) -> str:
    """The IAM service prefix of the actions of an ``eventSource``.

    The host part of the ``eventSource`` (``kms.amazonaws.com`` → ``kms``), except where the
    Service Authorization Reference documents another prefix (:data:`PREFIX_EXCEPTIONS`, e.g.
    ``monitoring.amazonaws.com`` → ``cloudwatch``). For :data:`UNVERIFIED_PREFIXES` the host
    part is returned, but :func:`iam_actions` treats the actions as unknown.

    :param event_source: the record's ``eventSource``, e.g. ``"monitoring.amazonaws.com"``.
    :raises NetworkTrailError: when ``event_source`` is not of the shape ``<service>.amazonaws.com``.
    """
    host = _host(event_source)
    exception = PREFIX_EXCEPTIONS.get(host)
    return exception[0] if exception else host


def _mapping(event_source: str, event_name: str | None) -> ActionMapping | str | None:
    """The actions of a call (a documented exception or the default rule), or why they are unknown (a str)."""
    host = _host(event_source)
    if host not in _KNOWN_HOSTS:
        return f"{event_source} is not one of the {len(CURRENT_SOURCES)} network activity event sources of the current list"
    if host in UNVERIFIED_PREFIXES:
        return UNVERIFIED_PREFIXES[host]
    if not isinstance(event_name, str) or not _EVENT_NAME.match(event_name):
        return f"eventName {event_name!r} is not an API operation name"
    if host == "lambda":
        versioned = _LAMBDA_VERSIONED.match(event_name)
        if versioned:
            event_name = versioned["base"]
    key = (host, event_name)
    if key in UNKNOWN_ACTIONS:
        return UNKNOWN_ACTIONS[key]
    mapping = ACTION_EXCEPTIONS.get(key)
    if mapping is not None:
        return mapping
    return ActionMapping((f"{iam_prefix(event_source)}:{event_name}",), (), "")


def iam_actions(event_source: str, event_name: str | None) -> tuple[str, ...] | None:
    """The IAM actions that authorize one API call seen in a network activity record.

    ``(<prefix>:<eventName>,)`` by default (see :func:`iam_prefix`); the documented actions
    where they differ (:data:`ACTION_EXCEPTIONS`, e.g. S3 ``ListBuckets`` →
    ``("s3:ListAllMyBuckets",)``, KMS ``ReEncrypt`` → ``("kms:ReEncryptFrom", "kms:ReEncryptTo")``,
    Lambda ``GetFunction20150331v2`` → ``("lambda:GetFunction",)``). Every action of the tuple
    must be allowed for the call to be allowed. Some calls need further actions depending on
    request parameters: :func:`conditional_iam_actions`.

    :param event_source: the record's ``eventSource``.
    :param event_name: the record's ``eventName`` (None when the record has none).
    :returns: the actions, or ``None`` when they are unknown: an operation whose action depends on
        what the record lacks (:data:`UNKNOWN_ACTIONS`), a source whose prefix is not documented
        (:data:`UNVERIFIED_PREFIXES`) or unknown to this release, or a missing or malformed ``eventName``.
    :raises NetworkTrailError: when ``event_source`` is not of the shape ``<service>.amazonaws.com``.
    """
    mapping = _mapping(event_source, event_name)
    return mapping.required if isinstance(mapping, ActionMapping) else None


def conditional_iam_actions(event_source: str, event_name: str | None) -> tuple[str, ...]:
    """Actions that some calls of this operation also need, depending on request parameters.

    A network activity record carries no request parameters, so whether a call needed them is
    unknown: a policy that allows :func:`iam_actions` but denies one of these decides the call
    only for the requests that do not need it (e.g. S3 ``CopyObject`` needs ``s3:PutObjectTagging``
    only when it sets tags). Empty for the default rule and for unknown actions.

    :param event_source: the record's ``eventSource``.
    :param event_name: the record's ``eventName`` (None when the record has none).
    """
    mapping = _mapping(event_source, event_name)
    return mapping.conditional if isinstance(mapping, ActionMapping) else ()
