"""Event sources that CloudTrail can log network activity events for.

The list of valid ``eventSource`` values exists only in the CloudTrail User
Guide, "Logging network activity events"; no SDK model or CloudFormation schema
enumerates it and CloudTrail validates it server-side. :data:`CURRENT_SOURCES`
holds the 96 sources of the newest copy of that page found (the page carries no
date; it names an API released 2026-07, hence :data:`SOURCE_LIST_DATE`)
(docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-network-events-with-cloudtrail.html).
The enumeration also keeps the 4 sources of the previous copy (about 2026-03)
that the newest one no longer lists (:data:`REMOVED_SOURCES`), so that apps
naming them still build; a trail selecting one warns at synth. A source added
by AWS later can be used through :class:`CustomEventSource`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ..errors import NetworkTrailError, did_you_mean

__all__ = [
    "CURRENT_SOURCES",
    "GA_SOURCES",
    "REMOVED_SOURCES",
    "SOURCE_LIST_DATE",
    "SOURCE_LIST_URL",
    "CustomEventSource",
    "EventSource",
    "NetworkActivityEventSource",
    "source_label",
]

SOURCE_LIST_DATE: Final = "2026-07"
"""Date of the copy of the CloudTrail User Guide the current sources were taken from.

The page has no date of its own: its newest copy found names an API released
2026-07, so it is at least that recent. The previous copy was of about 2026-03.
"""

SOURCE_LIST_URL: Final = (
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-network-events-with-cloudtrail.html"
)
"""The only public list of valid network activity event sources."""

_SOURCE_SHAPE: Final = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}\.amazonaws\.com$")


class NetworkActivityEventSource(StrEnum):
    """An AWS service whose API calls through VPC endpoints CloudTrail can log.

    The value is the ``eventSource`` of the records, ``<service>.amazonaws.com``.
    The five sources of the 2025-02-13 general availability are listed first.
    """

    CLOUDTRAIL = "cloudtrail.amazonaws.com"
    EC2 = "ec2.amazonaws.com"
    KMS = "kms.amazonaws.com"
    S3 = "s3.amazonaws.com"
    SECRETSMANAGER = "secretsmanager.amazonaws.com"
    ACO_AUTOMATION = "aco-automation.amazonaws.com"
    AGENT_REGISTRY = "agent-registry.amazonaws.com"
    APPCONFIG = "appconfig.amazonaws.com"
    APPLICATION_SIGNALS = "application-signals.amazonaws.com"
    APPMESH = "appmesh.amazonaws.com"
    ASSURANCE = "assurance.amazonaws.com"
    ATHENA = "athena.amazonaws.com"
    AUTOSCALING = "autoscaling.amazonaws.com"
    AWS_EXTERNAL_ANTHROPIC = "aws-external-anthropic.amazonaws.com"
    B2BI = "b2bi.amazonaws.com"
    BACKUP_GATEWAY = "backup-gateway.amazonaws.com"
    BCM_DATA_EXPORTS = "bcm-data-exports.amazonaws.com"
    BCM_PRICING_CALCULATOR = "bcm-pricing-calculator.amazonaws.com"
    BEDROCK_AGENTCORE = "bedrock-agentcore.amazonaws.com"
    BEDROCK = "bedrock.amazonaws.com"
    BILLING = "billing.amazonaws.com"
    CASSANDRA = "cassandra.amazonaws.com"
    CE = "ce.amazonaws.com"
    CHIME_SDK_MEDIA_PIPELINES = "chime-sdk-media-pipelines.amazonaws.com"
    CHIME_SDK_VOICE = "chime-sdk-voice.amazonaws.com"
    CLOUDCONTROLAPI = "cloudcontrolapi.amazonaws.com"
    CLOUDFORMATION = "cloudformation.amazonaws.com"
    CLOUDHSM = "cloudhsm.amazonaws.com"
    CODEDEPLOY = "codedeploy.amazonaws.com"
    COMPREHEND = "comprehend.amazonaws.com"
    COMPREHENDMEDICAL = "comprehendmedical.amazonaws.com"
    CONFIG = "config.amazonaws.com"
    DS = "ds.amazonaws.com"
    DSQL = "dsql.amazonaws.com"
    DYNAMODB = "dynamodb.amazonaws.com"
    ECR = "ecr.amazonaws.com"
    ECS = "ecs.amazonaws.com"
    ELASTICFILESYSTEM = "elasticfilesystem.amazonaws.com"
    ELASTICLOADBALANCING = "elasticloadbalancing.amazonaws.com"
    EVENTS = "events.amazonaws.com"
    FIREHOSE = "firehose.amazonaws.com"
    FRAUDDETECTOR = "frauddetector.amazonaws.com"
    FREETIER = "freetier.amazonaws.com"
    FSX = "fsx.amazonaws.com"
    GLUE = "glue.amazonaws.com"
    HEALTHLAKE = "healthlake.amazonaws.com"
    IDENTITYSTORE = "identitystore.amazonaws.com"
    INVOICING = "invoicing.amazonaws.com"
    IOT = "iot.amazonaws.com"
    IOTFLEETWISE = "iotfleetwise.amazonaws.com"
    IOTSECUREDTUNNELING = "iotsecuredtunneling.amazonaws.com"
    IOTSITEWISE = "iotsitewise.amazonaws.com"
    LAKEFORMATION = "lakeformation.amazonaws.com"
    LAMBDA = "lambda.amazonaws.com"
    LICENSE_MANAGER = "license-manager.amazonaws.com"
    LOOKOUTEQUIPMENT = "lookoutequipment.amazonaws.com"
    LOOKOUTVISION = "lookoutvision.amazonaws.com"
    MONITORING = "monitoring.amazonaws.com"
    PARTNERCENTRAL_PRM = "partnercentral-prm.amazonaws.com"
    PERSONALIZE = "personalize.amazonaws.com"
    QBUSINESS = "qbusiness.amazonaws.com"
    QUICKSIGHT = "quicksight.amazonaws.com"
    RDS = "rds.amazonaws.com"
    RDSDATA = "rdsdata.amazonaws.com"
    RDSDATAAPI = "rdsdataapi.amazonaws.com"
    REKOGNITION = "rekognition.amazonaws.com"
    ROLESANYWHERE = "rolesanywhere.amazonaws.com"
    ROUTE53 = "route53.amazonaws.com"
    S3VECTORS = "s3vectors.amazonaws.com"
    SAGEMAKER = "sagemaker.amazonaws.com"
    SCHEDULER = "scheduler.amazonaws.com"
    SERVICEDISCOVERY = "servicediscovery.amazonaws.com"
    SES = "ses.amazonaws.com"
    SIGNIN = "signin.amazonaws.com"
    SNS = "sns.amazonaws.com"
    SQS = "sqs.amazonaws.com"
    SSM_CONTACTS = "ssm-contacts.amazonaws.com"
    SSM = "ssm.amazonaws.com"
    SSO_DIRECTORY = "sso-directory.amazonaws.com"
    SSO_OAUTH = "sso-oauth.amazonaws.com"
    SSO = "sso.amazonaws.com"
    STATES = "states.amazonaws.com"
    STORAGEGATEWAY = "storagegateway.amazonaws.com"
    STS = "sts.amazonaws.com"
    SWF = "swf.amazonaws.com"
    TEXTRACT = "textract.amazonaws.com"
    TRANSCRIBE = "transcribe.amazonaws.com"
    TRANSCRIBESTREAMING = "transcribestreaming.amazonaws.com"
    TRANSFER = "transfer.amazonaws.com"
    TRANSFORM = "transform.amazonaws.com"
    TRANSLATE = "translate.amazonaws.com"
    USER_SUBSCRIPTIONS = "user-subscriptions.amazonaws.com"
    VERIFIEDPERMISSIONS = "verifiedpermissions.amazonaws.com"
    VOICEID = "voiceid.amazonaws.com"
    WORKMAIL = "workmail.amazonaws.com"
    WORKMAILMESSAGEFLOW = "workmailmessageflow.amazonaws.com"
    # No longer listed by the newest copy of the page: kept so that apps using them still
    # build; a trail selecting one gets the warning network-trail:removedEventSource.
    CLOUDOPTIMIZATION = "cloudoptimization.amazonaws.com"
    NOVA_ACT = "nova-act.amazonaws.com"
    TRANSFORM_AGENTS = "transform-agents.amazonaws.com"
    TRANSFORM_CUSTOM = "transform-custom.amazonaws.com"


GA_SOURCES: Final[tuple[NetworkActivityEventSource, ...]] = (
    NetworkActivityEventSource.CLOUDTRAIL,
    NetworkActivityEventSource.EC2,
    NetworkActivityEventSource.KMS,
    NetworkActivityEventSource.S3,
    NetworkActivityEventSource.SECRETSMANAGER,
)
"""The five sources of the general availability of 2025-02-13."""

REMOVED_SOURCES: Final[frozenset[NetworkActivityEventSource]] = frozenset(
    {
        NetworkActivityEventSource.CLOUDOPTIMIZATION,
        NetworkActivityEventSource.NOVA_ACT,
        NetworkActivityEventSource.TRANSFORM_AGENTS,
        NetworkActivityEventSource.TRANSFORM_CUSTOM,
    }
)
"""Sources of the copy of about 2026-03 that the copy of :data:`SOURCE_LIST_DATE` no longer lists.

They stay members so that existing apps build; CloudTrail may reject them at deploy time.
"""

CURRENT_SOURCES: Final[tuple[NetworkActivityEventSource, ...]] = tuple(
    s for s in NetworkActivityEventSource if s not in REMOVED_SOURCES
)
"""The 96 sources the CloudTrail User Guide lists (copy of :data:`SOURCE_LIST_DATE`), GA sources first."""

# Names AWS itself uses in its selector examples (UG-NET), for readable defaults.
_LABELS: Final[dict[str, str]] = {
    "cloudtrail.amazonaws.com": "CloudTrail APIs",
    "ec2.amazonaws.com": "EC2",
    "kms.amazonaws.com": "KMS",
    "s3.amazonaws.com": "S3",
    "secretsmanager.amazonaws.com": "Secrets Manager",
}


@dataclass(frozen=True, slots=True)
class CustomEventSource:
    """An event source the enumeration does not know yet.

    AWS adds network activity sources several times a year. Only the shape
    ``<service>.amazonaws.com`` is checked; CloudTrail itself decides at deploy
    time whether it supports the source.

    :param value: the ``eventSource``, for example ``"newservice.amazonaws.com"``.
    """

    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str) or not _SOURCE_SHAPE.match(self.value):
            raise NetworkTrailError(
                f"event_source must have the shape '<service>.amazonaws.com' (lowercase letters, "
                f"digits and '-'), got {self.value!r}: pass the eventSource exactly as the "
                f"CloudTrail User Guide lists it, e.g. 'kms.amazonaws.com'",
                code="InvalidEventSource",
            )

    def __str__(self) -> str:
        return self.value


EventSource = NetworkActivityEventSource | CustomEventSource
"""Either a known :class:`NetworkActivityEventSource` or a :class:`CustomEventSource`."""


def to_event_source(
    value: object, *, parameter: str = "event_source", unlisted: str | None = None
) -> EventSource:
    """Turn a user value into an :data:`EventSource`, or raise a clear error.

    Accepts an enum member, a :class:`CustomEventSource`, a full ``eventSource``
    string of a known source, or the short service name (``"kms"``).

    :param parameter: the name the error gives the value. Default: - "event_source"
    :param unlisted: how the caller names a source the list does not know yet, for the error's fix.
      Default: - a ``NetworkActivityEventSource`` member, or ``CustomEventSource(...)``
    """
    if isinstance(value, (NetworkActivityEventSource, CustomEventSource)):
        return value
    if isinstance(value, str):
        full = value if value.endswith(".amazonaws.com") else f"{value}.amazonaws.com"
        try:
            return NetworkActivityEventSource(full)
        except ValueError:
            pass
        raise NetworkTrailError(
            _unknown_source_message(value, full, parameter, unlisted), code="UnknownEventSource"
        )
    raise NetworkTrailError(
        f"{parameter} must be a NetworkActivityEventSource, a CustomEventSource or a string, "
        f"got {value!r} of type {type(value).__name__}",
        code="InvalidEventSource",
    )


def _unknown_source_message(value: str, full: str, parameter: str, unlisted: str | None) -> str:
    names = [s.value.removesuffix(".amazonaws.com") for s in CURRENT_SOURCES]
    hint = did_you_mean(value.removesuffix(".amazonaws.com"), names)
    head = (
        f"{parameter} {value!r} is not a network activity event source listed by CloudTrail "
        f"(list of {SOURCE_LIST_DATE}, {len(CURRENT_SOURCES)} sources): "
    )
    if unlisted is not None:
        return head + (f"{hint}Or {unlisted}" if hint else f"check the spelling, or {unlisted}")
    message = f"{head}{hint}use a NetworkActivityEventSource member or its name (e.g. 'kms')"
    if _SOURCE_SHAPE.match(full):  # suggest a custom source only for something shaped like one
        message += f", or CustomEventSource({full!r}) for a source AWS added after that list"
    return message


def source_label(source: EventSource) -> str:
    """A short readable name of a source for selector names ("KMS", "dynamodb")."""
    text = str(source.value)
    return _LABELS.get(text, text.removesuffix(".amazonaws.com"))
