"""The one vocabulary of a trail's advanced event selectors: fields, operators, categories and their rules.

Everything that reads or writes selector JSON (the typed selectors and
:func:`~network_trail.model.selectors.selector_from_json`, the trail-wide
checks of :mod:`~network_trail.model.validation`, the simulator's parser and
the command line's inputs) takes its field names, operators and per-category
rules from here, so a field or an operator is added in one place.

The rules are those CloudTrail documents for **trails** (event data stores
accept more; this library builds trails only). Each rule carries the AWS page
that states it:

- API-AES: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedEventSelector.html
- API-AFS: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html
- API-PES: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html
- UG-DATA: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html
- UG-EVENTS: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-events.html
- UG-FILTER: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/filtering-data-events.html
- UG-NET: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-network-events-with-cloudtrail.html
- UG-REC: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
- UG-QUOTA: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/WhatIsCloudTrail-Limits.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from ..errors import did_you_mean

__all__ = [
    "ACCESS_DENIED_ERROR_CODE",
    "BOOLEAN_FIELDS",
    "DATA_RESOURCE_TYPES",
    "DATA_RESOURCE_TYPES_DATE",
    "DESELECT_OPERATORS",
    "EQUALS_ONLY_FIELDS",
    "EXCLUDABLE_MANAGEMENT_SOURCES",
    "MAX_NAME_LENGTH",
    "MAX_VALUES_PER_TRAIL",
    "MAX_VALUE_LENGTH",
    "OPERATOR_ATTRS",
    "RESOURCES_PREFIX",
    "SELECT_OPERATORS",
    "TRAIL_RULES",
    "CategoryRule",
    "EventCategory",
    "Field",
    "FieldRule",
    "Operator",
    "RecordCategory",
    "category_problems",
    "field_selectors",
    "record_category",
]

API_AES: Final = (
    "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedEventSelector.html"
)
API_AFS: Final = (
    "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html"
)
API_PES: Final = "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html"
UG_DATA: Final = (
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html"
)
UG_FILTER: Final = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/filtering-data-events.html"
UG_NET: Final = (
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-network-events-with-cloudtrail.html"
)
UG_REC: Final = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html"
UG_QUOTA: Final = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/WhatIsCloudTrail-Limits.html"


class Operator(StrEnum):
    """A field-selector operator, spelled as in CloudFormation and the API (API-AFS)."""

    EQUALS = "Equals"
    NOT_EQUALS = "NotEquals"
    STARTS_WITH = "StartsWith"
    NOT_STARTS_WITH = "NotStartsWith"
    ENDS_WITH = "EndsWith"
    NOT_ENDS_WITH = "NotEndsWith"


OPERATOR_ATTRS: Final[tuple[tuple[Operator, str], ...]] = (
    (Operator.EQUALS, "equals"),
    (Operator.NOT_EQUALS, "not_equals"),
    (Operator.STARTS_WITH, "starts_with"),
    (Operator.NOT_STARTS_WITH, "not_starts_with"),
    (Operator.ENDS_WITH, "ends_with"),
    (Operator.NOT_ENDS_WITH, "not_ends_with"),
)
"""Every operator, in CloudFormation's order, with its snake_case name (:class:`Condition`'s attributes)."""

SELECT_OPERATORS: Final = frozenset({Operator.EQUALS, Operator.STARTS_WITH, Operator.ENDS_WITH})
"""Operators that include events: OR'd with each other within one field selector (UG-FILTER)."""
DESELECT_OPERATORS: Final = frozenset({Operator.NOT_EQUALS, Operator.NOT_STARTS_WITH, Operator.NOT_ENDS_WITH})
"""Operators that exclude events: AND'd with each other and with the SELECT group (UG-FILTER)."""
_ANY: Final = frozenset(Operator)


class Field(StrEnum):
    """A field of a CloudTrail record that an advanced event selector of a trail can test (API-AFS)."""

    EVENT_CATEGORY = "eventCategory"
    EVENT_SOURCE = "eventSource"
    EVENT_NAME = "eventName"
    ERROR_CODE = "errorCode"
    VPC_ENDPOINT_ID = "vpcEndpointId"
    USER_IDENTITY_ARN = "userIdentity.arn"
    READ_ONLY = "readOnly"
    EVENT_TYPE = "eventType"
    RESOURCES_TYPE = "resources.type"
    RESOURCES_ARN = "resources.ARN"
    SESSION_CREDENTIAL_FROM_CONSOLE = "sessionCredentialFromConsole"


RESOURCES_PREFIX: Final = "resources."
"""Fields under this prefix are tested against the elements of the record's ``resources`` array (UG-FILTER)."""
BOOLEAN_FIELDS: Final = frozenset({Field.READ_ONLY, Field.SESSION_CREDENTIAL_FROM_CONSOLE})
"""Fields that are JSON booleans in records and the strings ``"true"``/``"false"`` in selectors (UG-REC)."""
EQUALS_ONLY_FIELDS: Final = frozenset({Field.READ_ONLY, Field.EVENT_CATEGORY, Field.RESOURCES_TYPE})
"""API-AFS, ``Equals``: "the only valid operator that you can use with the readOnly, eventCategory, and
resources.type fields"."""

ACCESS_DENIED_ERROR_CODE: Final = "VpceAccessDenied"
"""The only ``errorCode`` value CloudTrail accepts in a network activity selector (API-AFS, UG-NET)."""
EXCLUDABLE_MANAGEMENT_SOURCES: Final = ("kms.amazonaws.com", "rdsdata.amazonaws.com")
"""The only sources a management events selector of a trail can exclude, with ``NotEquals`` (API-AFS)."""

MAX_VALUES_PER_TRAIL: Final = 500
"""Values across all conditions of all advanced selectors of a trail (UG-QUOTA, API-PES)."""
MAX_VALUE_LENGTH: Final = 2048
"""Characters of one operator value (API-AFS: length 1 to 2048)."""
MAX_NAME_LENGTH: Final = 1000
"""Characters of a selector's ``Name`` (API-AES: 0 to 1000; CloudFormation 1 to 1000)."""


class EventCategory(StrEnum):
    """The ``eventCategory`` values a trail's selectors take (API-AFS; the others are for event data stores)."""

    MANAGEMENT = "Management"
    DATA = "Data"
    NETWORK_ACTIVITY = "NetworkActivity"


@dataclass(frozen=True, slots=True)
class FieldRule:
    """What one field may hold in a selector of one category.

    :param field: the field.
    :param operators: the operators it takes.
    :param required: whether every selector of the category must test it. Default: False
    :param values: the only values it takes. Default: - any value
    :param single: whether it takes exactly one value. Default: False
    :param url: the AWS page that states the rule. Default: API-AFS
    """

    field: Field
    operators: frozenset[Operator]
    required: bool = False
    values: frozenset[str] | None = None
    single: bool = False
    url: str = API_AFS


@dataclass(frozen=True, slots=True)
class CategoryRule:
    """The fields a selector of one ``eventCategory`` may test on a trail, each with its rule.

    :param category: the category.
    :param fields: the rule of every field it may test (``eventCategory`` included).
    :param url: the AWS page that lists the fields.
    """

    category: EventCategory
    fields: Mapping[Field, FieldRule]
    url: str

    @property
    def label(self) -> str:
        """The category in words, e.g. ``"network activity"``."""
        return {"NetworkActivity": "network activity"}.get(self.category.value, self.category.value.lower())

    @property
    def names(self) -> tuple[str, ...]:
        """The field names, in the page's order."""
        return tuple(f.value for f in self.fields)


def _rules(category: EventCategory, url: str, *rules: FieldRule) -> CategoryRule:
    eq = frozenset({Operator.EQUALS})
    head = FieldRule(Field.EVENT_CATEGORY, eq, required=True, values=frozenset({category.value}), single=True)
    return CategoryRule(category, {r.field: r for r in (head, *rules)}, url)


_EQ: Final = frozenset({Operator.EQUALS})
_BOOL: Final = frozenset({"true", "false"})

TRAIL_RULES: Final[Mapping[EventCategory, CategoryRule]] = {
    # API-AFS: "For CloudTrail management events, supported fields include eventCategory (required),
    # eventSource, and readOnly"; eventSource "for management events for trails ... NotEquals
    # kms.amazonaws.com ... or NotEquals rdsdata.amazonaws.com".
    EventCategory.MANAGEMENT: _rules(
        EventCategory.MANAGEMENT,
        API_AFS,
        FieldRule(
            Field.EVENT_SOURCE,
            frozenset({Operator.NOT_EQUALS}),
            values=frozenset(EXCLUDABLE_MANAGEMENT_SOURCES),
        ),
        FieldRule(Field.READ_ONLY, _EQ, values=_BOOL, single=True),
    ),
    # API-AFS: "For CloudTrail data events, supported fields include eventCategory (required), eventName,
    # eventSource, eventType, resources.type (required), readOnly, resources.ARN,
    # sessionCredentialFromConsole, and userIdentity.arn"; resources.type takes Equals and one value
    # (UG-FILTER: "You can have only one resources.type field per selector").
    EventCategory.DATA: _rules(
        EventCategory.DATA,
        API_AFS,
        FieldRule(Field.RESOURCES_TYPE, _EQ, required=True, single=True, url=UG_DATA),
        FieldRule(Field.RESOURCES_ARN, _ANY),
        FieldRule(Field.READ_ONLY, _EQ, values=_BOOL, single=True),
        FieldRule(Field.EVENT_NAME, _ANY),
        FieldRule(Field.EVENT_SOURCE, _ANY),
        FieldRule(Field.EVENT_TYPE, _ANY),
        FieldRule(
            Field.SESSION_CREDENTIAL_FROM_CONSOLE,
            frozenset({Operator.EQUALS, Operator.NOT_EQUALS}),
            values=_BOOL,
        ),
        FieldRule(Field.USER_IDENTITY_ARN, _ANY),
    ),
    # API-AFS and UG-NET: eventSource (required, Equals, one source per selector), eventName,
    # errorCode (Equals VpceAccessDenied only), vpcEndpointId; userIdentity.arn "for trails".
    EventCategory.NETWORK_ACTIVITY: _rules(
        EventCategory.NETWORK_ACTIVITY,
        UG_NET,
        FieldRule(Field.EVENT_SOURCE, _EQ, required=True, single=True, url=UG_NET),
        FieldRule(
            Field.ERROR_CODE, _EQ, values=frozenset({ACCESS_DENIED_ERROR_CODE}), single=True, url=UG_NET
        ),
        FieldRule(Field.VPC_ENDPOINT_ID, _ANY, url=UG_NET),
        FieldRule(Field.EVENT_NAME, _ANY, url=UG_NET),
        FieldRule(Field.USER_IDENTITY_ARN, _ANY),
    ),
}
"""Per category, the fields a selector of a trail may test and each field's rule."""


DATA_RESOURCE_TYPES_DATE: Final = "2026-12"
"""When the list of :data:`DATA_RESOURCE_TYPES` was copied from UG-EVENTS's table."""

DATA_RESOURCE_TYPES: Final = frozenset(
    {
        # Every entry is a row of the table "Data events supported by AWS CloudTrail" (UG-EVENTS; UG-DATA
        # introduces the same table: "the resource types available for trails and event data stores"),
        # column "resources.type value", copied in full in 2026-12, in the table's order. The same list,
        # with the URL of each entry, is tests/data/data_resource_types.json.
        #
        # Rows also in the older enumeration of API-AFS (resources.type, "The value can be one of the
        # following"; it spells AWS::QApps::QApp as "AWS::QApps:QApp", a typo the table does not have):
        "AWS::AppConfig::Configuration",
        "AWS::B2BI::Transformer",
        "AWS::Bedrock::AgentAlias",
        "AWS::Bedrock::FlowAlias",
        "AWS::Bedrock::Guardrail",
        "AWS::Bedrock::KnowledgeBase",
        "AWS::Cassandra::Table",
        "AWS::CloudFront::KeyValueStore",
        "AWS::CloudTrail::Channel",
        "AWS::CloudWatch::Metric",
        "AWS::CodeWhisperer::Customization",
        "AWS::CodeWhisperer::Profile",
        "AWS::Cognito::IdentityPool",
        "AWS::DynamoDB::Stream",
        "AWS::DynamoDB::Table",
        "AWS::EC2::Snapshot",
        "AWS::EMRWAL::Workspace",
        "AWS::FinSpace::Environment",
        "AWS::Glue::Table",
        "AWS::GreengrassV2::ComponentVersion",
        "AWS::GreengrassV2::Deployment",
        "AWS::GuardDuty::Detector",
        "AWS::IoT::Certificate",
        "AWS::IoT::Thing",
        "AWS::IoTSiteWise::Asset",
        "AWS::IoTSiteWise::TimeSeries",
        "AWS::IoTTwinMaker::Entity",
        "AWS::IoTTwinMaker::Workspace",
        "AWS::KendraRanking::ExecutionPlan",
        "AWS::Kinesis::Stream",
        "AWS::Kinesis::StreamConsumer",
        "AWS::KinesisVideo::Stream",
        "AWS::Lambda::Function",
        "AWS::MachineLearning::MlModel",
        "AWS::ManagedBlockchain::Network",
        "AWS::ManagedBlockchain::Node",
        "AWS::MedicalImaging::Datastore",
        "AWS::NeptuneGraph::Graph",
        "AWS::One::UKey",
        "AWS::One::User",
        "AWS::PaymentCryptography::Alias",
        "AWS::PaymentCryptography::Key",
        "AWS::PCAConnectorAD::Connector",
        "AWS::PCAConnectorSCEP::Connector",
        "AWS::QBusiness::Application",
        "AWS::QBusiness::DataSource",
        "AWS::QBusiness::Index",
        "AWS::QBusiness::WebExperience",
        "AWS::RDS::DBCluster",
        "AWS::RUM::AppMonitor",
        "AWS::S3::AccessPoint",
        "AWS::S3::Object",
        "AWS::S3Express::Object",
        "AWS::S3ObjectLambda::AccessPoint",
        "AWS::S3Outposts::Object",
        "AWS::SageMaker::Endpoint",
        "AWS::SageMaker::ExperimentTrialComponent",
        "AWS::SageMaker::FeatureGroup",
        "AWS::SCN::Instance",
        "AWS::ServiceDiscovery::Namespace",
        "AWS::ServiceDiscovery::Service",
        "AWS::SNS::PlatformEndpoint",
        "AWS::SNS::Topic",
        "AWS::SQS::Queue",
        "AWS::SSM::ManagedNode",
        "AWS::SSMMessages::ControlChannel",
        "AWS::StepFunctions::StateMachine",
        "AWS::SWF::Domain",
        "AWS::ThinClient::Device",
        "AWS::ThinClient::Environment",
        "AWS::Timestream::Database",
        "AWS::Timestream::Table",
        "AWS::VerifiedPermissions::PolicyStore",
        "AWS::XRay::Trace",
        # Rows of UG-EVENTS that the API-AFS enumeration does not list:
        "AWS::AgentAccessMCP::Tools",
        "AWS::AgentRegistry::Registry",
        "AWS::AIDevOps::AgentSpace",
        "AWS::AIDevOps::Association",
        "AWS::AIDevOps::OperatorAppTeam",
        "AWS::AIDevOps::PipelineMetadata",
        "AWS::AIDevOps::Service",
        "AWS::AIOps::InvestigationGroup",
        "AWS::AOSS::Collection",
        "AWS::ApplicationSignals::InstrumentationConfig",
        "AWS::AppSync::GraphQLApi",
        "AWS::AWSExternalAnthropic::Workspace",
        "AWS::Backup::BackupAccessPoint",
        "AWS::Backup::SearchJob",
        "AWS::Bedrock::AdvancedOptimizePromptJob",
        "AWS::Bedrock::AsyncInvoke",
        "AWS::Bedrock::AutomatedReasoningPolicy",
        "AWS::Bedrock::AutomatedReasoningPolicyVersion",
        "AWS::Bedrock::Blueprint",
        "AWS::Bedrock::DataAutomationInvocation",
        "AWS::Bedrock::DataAutomationProfile",
        "AWS::Bedrock::DataAutomationProject",
        "AWS::Bedrock::FlowExecution",
        "AWS::Bedrock::InlineAgent",
        "AWS::Bedrock::Model",
        "AWS::Bedrock::PromptVersion",
        "AWS::Bedrock::Session",
        "AWS::Bedrock::Tool",
        "AWS::BedrockAgentCore::ABTest",
        "AWS::BedrockAgentCore::APIKeyCredentialProvider",
        "AWS::BedrockAgentCore::BatchEvaluate",
        "AWS::BedrockAgentCore::Browser",
        "AWS::BedrockAgentCore::BrowserCustom",
        "AWS::BedrockAgentCore::BrowserProfile",
        "AWS::BedrockAgentCore::CapacityProvider",
        "AWS::BedrockAgentCore::CodeInterpreter",
        "AWS::BedrockAgentCore::CodeInterpreterCustom",
        "AWS::BedrockAgentCore::Evaluator",
        "AWS::BedrockAgentCore::Gateway",
        "AWS::BedrockAgentCore::Memory",
        "AWS::BedrockAgentCore::OAuth2CredentialProvider",
        "AWS::BedrockAgentCore::Payments",
        "AWS::BedrockAgentCore::Policy",
        "AWS::BedrockAgentCore::PolicyEngine",
        "AWS::BedrockAgentCore::Recommendation",
        "AWS::BedrockAgentCore::Registry",
        "AWS::BedrockAgentCore::Runtime",
        "AWS::BedrockAgentCore::RuntimeEndpoint",
        "AWS::BedrockAgentCore::TokenVault",
        "AWS::BedrockAgentCore::WorkloadIdentity",
        "AWS::BedrockAgentCore::WorkloadIdentityDirectory",
        "AWS::BedrockMantle::Project",
        "AWS::BedrockWebSearch::Tool",
        "AWS::Cassandra::Stream",
        "AWS::CertificateManager::AcmeEndpoint",
        "AWS::ClinicalTrialsTech::Codelist",
        "AWS::ClinicalTrialsTech::Dataset",
        "AWS::ClinicalTrialsTech::Execution",
        "AWS::ClinicalTrialsTech::Instance",
        "AWS::ClinicalTrialsTech::Mapping",
        "AWS::ClinicalTrialsTech::Schedule",
        "AWS::ClinicalTrialsTech::Study",
        "AWS::CloudOptimization::Profile",
        "AWS::CloudOptimization::Recommendation",
        "AWS::CloudWatch::Dataset",
        "AWS::CloudWatch::IngestionEndpoint",
        "AWS::CodeGuruProfiler::ProfilingGroup",
        "AWS::DataExchange::Asset",
        "AWS::Deadline::Fleet",
        "AWS::Deadline::Job",
        "AWS::Deadline::Queue",
        "AWS::Deadline::Worker",
        "AWS::DiodeAlerting::LinkedAlert",
        "AWS::DSQL::Cluster",
        "AWS::EC2::InstanceConnectEndpoint",
        "AWS::ECS::ContainerInstance",
        "AWS::EKS::Dashboard",
        "AWS::Events::Endpoint",
        "AWS::Events::EventBus",
        "AWS::Events::EventSource",
        "AWS::Events::Rule",
        "AWS::FSx::Volume",
        "AWS::GameLiftStreams::Application",
        "AWS::GameLiftStreams::StreamGroup",
        "AWS::GeoMaps::Provider",
        "AWS::GeoPlaces::Provider",
        "AWS::GeoRoutes::Provider",
        "AWS::GuardDuty::MalwareScan",
        "AWS::HealthAgent::Domain",
        "AWS::HealthAgent::Integration",
        "AWS::HealthAgent::PatientInsightsJob",
        "AWS::HealthAgent::Session",
        "AWS::HealthAgent::Subscription",
        "AWS::HealthLake::DataTransformationProfile",
        "AWS::IoT::Tunnel",
        "AWS::IoTSiteWise::Dataset",
        "AWS::IoTSiteWise::Pipeline",
        "AWS::IoTSiteWise::Workspace",
        "AWS::KinesisFirehose::DeliveryStream",
        "AWS::KinesisVideo::SignalingChannel",
        "AWS::Lambda::MicrovmImage",
        "AWS::Lex::Bot",
        "AWS::Lex::BotAlias",
        "AWS::Logs::LogGroupAuthorization",
        "AWS::Logs::ScheduledQuery",
        "AWS::ManagedBlockchainQuery::QueryAPI",
        "AWS::MedicalImaging::Imageset",
        "AWS::MWAA::Environment",
        "AWS::NetworkFlowMonitor::Monitor",
        "AWS::NetworkFlowMonitor::Scope",
        "AWS::NovaAct::WorkflowDefinition",
        "AWS::NovaAct::WorkflowRun",
        "AWS::Pinpoint::App",
        "AWS::QApps::QApp",
        "AWS::QApps::QAppSession",
        "AWS::QBusiness::Integration",
        "AWS::QDeveloper::Integration",
        "AWS::Quicksight::ActionConnector",
        "AWS::QuickSight::App",
        "AWS::QuickSight::Automation",
        "AWS::QuickSight::AutomationJob",
        "AWS::QuickSight::Extension",
        "AWS::QuickSight::ExtensionAccess",
        "AWS::QuickSight::Flow",
        "AWS::QuickSight::FlowSession",
        "AWS::QuickSight::Page",
        "AWS::QuickSight::Task",
        "AWS::Redshift::Cluster",
        "AWS::ResourceExplorer2::ManagedView",
        "AWS::ResourceExplorer2::View",
        "AWS::S3Express::AccessPoint",
        "AWS::S3Tables::Table",
        "AWS::S3Tables::TableBucket",
        "AWS::S3Vectors::Index",
        "AWS::S3Vectors::VectorBucket",
        "AWS::SageMaker::Hub",
        "AWS::SageMaker::Job",
        "AWS::SageMaker::MlflowApp",
        "AWS::SageMaker::MlflowTrackingServer",
        "AWS::SageMaker::TrainingSession",
        "AWS::SCN::BusinessRule",
        "AWS::SCN::DataLakeException",
        "AWS::SCN::ExceptionInvestigation",
        "AWS::SCN::ExceptionRule",
        "AWS::SCN::Metric",
        "AWS::SCN::MetricEvaluation",
        "AWS::SCN::Outcome",
        "AWS::SCN::OutcomeTemplate",
        "AWS::SDB::Domain",
        "AWS::SES::ConfigurationSet",
        "AWS::SES::EmailIdentity",
        "AWS::SES::Template",
        "AWS::Signer::SigningJob",
        "AWS::Signer::SigningProfile",
        "AWS::SitewiseAssistant::Conversation",
        "AWS::SMSVoice::CarrierLookup",
        "AWS::SMSVoice::ConfigurationSet",
        "AWS::SMSVoice::Message",
        "AWS::SMSVoice::NotifyConfiguration",
        "AWS::SMSVoice::OriginationIdentity",
        "AWS::SocialMessaging::PhoneNumberId",
        "AWS::SocialMessaging::WabaId",
        "AWS::SSM::ExecutionPreview",
        "AWS::StepFunctions::Activity",
        "AWS::SupportAccess::Tenant",
        "AWS::SupportAccess::TrustingAccount",
        "AWS::SupportAccess::TrustingRole",
        "AWS::Timestream::RegionalEndpoint",
        "AWS::Transform::AgentInstance",
        "AWS::Transform::Profile",
        "AWS::TransformCustom::Campaign",
        "AWS::TransformCustom::Conversation",
        "AWS::TransformCustom::KnowledgeItem",
        "AWS::TransformCustom::Package",
        "AWS::UXC::AccountCustomization",
        "AWS::WellArchitected::AgentRecommendation",
    }
)
"""``resources.type`` values of data events that AWS documents (list of :data:`DATA_RESOURCE_TYPES_DATE`).

Not guaranteed complete: CloudTrail adds types several times a year and validates
the value itself, so a value shaped like a type (``AWS::Service::Resource``) that
this list lacks is a warning, not an error (:func:`resource_type_problems`)."""

_RESOURCE_TYPE: Final = re.compile(r"^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$")


def resource_type_problems(value: str, where: str) -> tuple[list[str], list[str]]:
    """``(errors, warnings)`` of one ``resources.type`` value (UG-DATA's table).

    :param value: the value.
    :param where: how messages name it.
    """
    if value in DATA_RESOURCE_TYPES:
        return [], []
    hint = did_you_mean(value, sorted(DATA_RESOURCE_TYPES))
    if not _RESOURCE_TYPE.match(value):
        return [
            f"{where} {value!r} is not a resources.type of data events: {hint}give a value of the "
            f"'resources.type value' column of {UG_DATA}, shaped 'AWS::Service::Resource', e.g. 'AWS::S3::Object'"
        ], []
    return [], [
        f"{where} {value!r} is not in the data event types of the CloudTrail User Guide (list of "
        f"{DATA_RESOURCE_TYPES_DATE}): {hint}CloudTrail decides at deploy time whether it supports it"
    ]


def category_problems(
    category: EventCategory, by_field: Mapping[str, Mapping[str, list[Any]]], parameter: str
) -> tuple[list[str], list[str]]:
    """``(errors, warnings)``: every rule of :data:`TRAIL_RULES` a selector of ``category`` breaks.

    Checks the fields the category allows, the required fields, each field's operators, values and
    number of values. Shapes (a list of strings, lengths) are checked by the caller.

    :param category: the selector's ``eventCategory``.
    :param by_field: ``field -> operator -> values`` of the selector.
    :param parameter: how messages name the selector.
    """
    rules = TRAIL_RULES[category]
    errors: list[str] = []
    warnings: list[str] = []
    for name in by_field:
        if name not in rules.names:
            errors.append(
                f"{parameter} field {name!r} is not supported for {rules.label} events of a trail "
                f"(AdvancedFieldSelector, {rules.url}): {did_you_mean(name, rules.names)}use one of "
                f"{list(rules.names)}"
            )
    for rule in rules.fields.values():
        ops = by_field.get(rule.field.value)
        if ops is None:
            if rule.required:
                errors.append(
                    f"{parameter} has no {rule.field.value} field: selectors of {rules.label} events require it "
                    f"({rule.url})"
                )
            continue
        errors.extend(_rule_problems(rule, ops, f"{parameter} field {rule.field.value!r}"))
        if rule.field is Field.RESOURCES_TYPE:
            for value in ops.get(Operator.EQUALS.value, []):
                bad, warn = resource_type_problems(value, f"{parameter} resources.type")
                errors.extend(bad)
                warnings.extend(warn)
    return errors, warnings


def _rule_problems(rule: FieldRule, ops: Mapping[str, list[Any]], where: str) -> list[str]:
    problems: list[str] = []
    wrong = sorted(set(ops) - {op.value for op in rule.operators})
    allowed = sorted(op.value for op in rule.operators)
    if wrong:
        problems.append(
            f"{where} uses {wrong}: CloudTrail allows only {' and '.join(allowed)} on "
            f"{rule.field.value} ({rule.url})"
        )
    values = [v for op in ops.values() for v in op]
    if not all(isinstance(v, str) for v in values):
        return [*problems, f"{where} must hold strings, got {values!r} ({API_AFS})"]
    if rule.single and len(values) != 1:
        problems.append(f"{where} must hold exactly one value, got {values!r} ({rule.url})")
    if rule.values is not None:
        outside = [v for v in values if v not in rule.values]
        if outside:
            problems.append(f"{where} takes only {sorted(rule.values)!r}, got {outside!r} ({rule.url})")
    return problems


_OPERATOR_NAMES: Final = tuple(op.value for op in Operator)


def field_selectors(
    raw: object, where: str, problems: list[str]
) -> list[tuple[int, str, dict[str, list[str]]]]:
    """``(index, field, {operator: values})`` of each well-formed field selector of ``raw``, in order.

    The one reader of the ``FieldSelectors`` JSON (API-AFS): each item is an object with a non-empty
    ``Field`` and at least one of the six operators, each holding a non-empty list of strings. Every
    problem goes to ``problems``; which fields a selector may test is the caller's rule
    (:func:`category_problems`).

    :param raw: the ``FieldSelectors`` list.
    :param where: how messages name the selector.
    :param problems: where problems are added.
    """
    out: list[tuple[int, str, dict[str, list[str]]]] = []
    for j, fs in enumerate(raw if isinstance(raw, list) else []):
        fwhere = f"{where}.FieldSelectors[{j}]"
        if not isinstance(fs, Mapping) or not isinstance(fs.get("Field"), str) or not fs["Field"]:
            problems.append(f"{fwhere} must be an object with a non-empty 'Field' string, got {fs!r}")
            continue
        ops: dict[str, list[str]] = {}
        for op, values in fs.items():
            if op == "Field":
                continue
            if op not in _OPERATOR_NAMES:
                problems.append(
                    f"{fwhere} has unknown operator {op!r}: {did_you_mean(op, _OPERATOR_NAMES)}use one of "
                    f"{list(_OPERATOR_NAMES)}"
                )
            elif not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
                problems.append(f"{fwhere}.{op} must be a non-empty list of strings, got {values!r}")
            else:
                ops[op] = values
        if len(fs) == 1:
            problems.append(f"{fwhere} has no operator: give at least one of {list(_OPERATOR_NAMES)}")
        out.append((j, fs["Field"], ops))
    return out


# ---------------------------------------------------------------------------
# The category of a record


@dataclass(frozen=True, slots=True)
class RecordCategory:
    """The ``eventCategory`` a selector sees in a record, and how it was found.

    :param category: the category, ``None`` when nothing in the record tells.
    :param inferred_from: how it was inferred for a record without ``eventCategory``. Default: - the record
        carries ``eventCategory``
    """

    category: str | None
    inferred_from: str | None = None


_VPCE_EVENT_TYPE: Final = "AwsVpceEvent"


def record_category(record: Mapping[str, Any]) -> RecordCategory:
    """The category of a record, read or inferred from documented record fields (UG-REC).

    ``eventCategory`` is in every record since ``eventVersion`` 1.07 (UG-REC,
    "Since: 1.07", "Optional: False") and ``managementEvent`` since 1.06: it "is
    shown in an event record if eventVersion is 1.06 or higher, and the event type
    is one of the following: AwsApiCall, AwsConsoleAction, AwsConsoleSignIn,
    AwsServiceEvent" (UG-REC). For a record without ``eventCategory``, in order:
    ``eventType`` ``AwsVpceEvent`` is a network activity event (UG-REC); a
    ``managementEvent`` boolean tells management (true) or data (false), before
    any ``resources`` type; a ``resources`` element whose ``type`` is a data event
    type of UG-EVENTS's table (:data:`DATA_RESOURCE_TYPES`, e.g. ``AWS::S3::Object``)
    makes a data event; anything else is a management event, the only other
    category of records of that age. So only records older than 1.06 (before
    ``managementEvent``) are read from their ``resources``; there, a management
    event whose ``resources`` name a type that is also a data event type (a Lambda
    function, a DynamoDB table) is read as data: UG-REC documents no field of such
    records that tells them apart.

    :param record: one CloudTrail record.
    """
    value = record.get("eventCategory")
    if isinstance(value, str):
        return RecordCategory(value)
    if value is not None:
        return RecordCategory(None)
    if record.get("eventType") == _VPCE_EVENT_TYPE:
        return RecordCategory(EventCategory.NETWORK_ACTIVITY.value, "eventType AwsVpceEvent")
    management = record.get("managementEvent")
    if management is True:
        return RecordCategory(EventCategory.MANAGEMENT.value, "managementEvent true")
    if management is False:
        return RecordCategory(EventCategory.DATA.value, "managementEvent false")
    resources = record.get("resources")
    if isinstance(resources, list):
        for element in resources:
            kind = element.get("type") if isinstance(element, Mapping) else None
            if kind in DATA_RESOURCE_TYPES:
                return RecordCategory(EventCategory.DATA.value, f"resources type {kind}")
    return RecordCategory(EventCategory.MANAGEMENT.value, "no managementEvent and no data resource type")
