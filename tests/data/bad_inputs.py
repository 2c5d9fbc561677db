"""The error catalogue: bad inputs and the message each must produce, as data.

Each entry builds one bad input (construct props, a selector, a preset call or the
sample app's cdk.json environments) and lists the fragments its
``NetworkTrailError`` must contain: the offending value, the rule, and the fix.
``tests/test_error_catalogue.py`` runs every entry; ``docs/errors.md`` is generated
from this data and a test fails when it is stale::

    python -m tests.data.bad_inputs > docs/errors.md
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3

from network_trail import (
    Condition,
    CustomEventSource,
    DataEventSelector,
    ManagementEvents,
    ManagementEventsSelector,
    NetworkActivitySelector,
    NetworkTrail,
    presets,
    selector_from_json,
)
from network_trail.app.config import load_environments
from network_trail.cdk.endpoint_policy import apply_endpoint_policy, proposal_policy
from network_trail.cli._advise import _required_endpoints, advise_command
from network_trail.cli._policy_inputs import call_loader
from network_trail.model.endpoint_policy import check_endpoint_policy
from network_trail.model.iam import NotAnyOf
from network_trail.model.iam_actions import iam_actions
from network_trail.simulator.assembly import assembly_stacks
from network_trail.simulator.calls import calls_from_rows, distinct_calls, load_org_accounts
from network_trail.simulator.endpoint_policies import policy_file_target

ACCOUNT = "123456789012"
VPCE = "vpce-0a1b2c3d4e5f60718"


@dataclass(frozen=True, slots=True)
class BadInput:
    """One bad input and what its error message must say."""

    id: str
    area: str
    given: str
    """The bad input, as a user would write it."""
    build: Callable[[], object]
    value: str
    """Fragment showing the offending value (or the parameter it belongs to)."""
    rule: str
    """Fragment stating the rule."""
    fix: str
    """Fragment saying how to fix it."""

    @property
    def fragments(self) -> tuple[str, str, str]:
        return (self.value, self.rule, self.fix)


def _stack() -> cdk.Stack:
    app = cdk.App(analytics_reporting=False)
    return cdk.Stack(app, "Catalogue", env=cdk.Environment(account=ACCOUNT, region="us-east-1"))


def _trail(**props: Any) -> Callable[[], object]:
    def build() -> object:
        return NetworkTrail(_stack(), "NetworkTrail", **props)

    return build


def _queries(*, organization_trail: bool = False, **props: Any) -> Callable[[], object]:
    """Athena queries over a trail (an organization trail when asked), with ``props``."""

    def build() -> object:
        from network_trail import NetworkActivityQueries

        stack = _stack()
        org = {"organization_id": "o-a1b2c3d4e5", "is_organization_trail": True} if organization_trail else {}
        trail = NetworkTrail(stack, "NetworkTrail", **org)
        return NetworkActivityQueries(stack, "Queries", trail=trail, **props)

    return build


def _archive(**props: Any) -> Callable[[], object]:
    """A LogArchive with ``props``."""

    def build() -> object:
        from network_trail import LogArchive

        return LogArchive(_stack(), "Archive", **props)

    return build


def _with_resources(
    *, bucket: bool = False, encryption_key: bool = False, **props: Any
) -> Callable[[], object]:
    """A trail given an imported bucket and/or key, and ``props``."""

    def build() -> object:
        stack = _stack()
        extra: dict[str, Any] = {}
        if bucket:
            extra["bucket"] = s3.Bucket.from_bucket_name(stack, "Logs", "central-cloudtrail-logs")
        if encryption_key:
            extra["encryption_key"] = kms.Key.from_key_arn(
                stack, "LogsKey", f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            )
        return NetworkTrail(stack, "NetworkTrail", **extra, **props)

    return build


def _advise(*args: str) -> Callable[[], object]:
    """``network-trail advise ARGS``: parsed by the command, then its calls read as it reads them (the checks of
    ``--athena`` and its options are ``replay``'s: one definition for both)."""

    def build() -> object:
        params = advise_command.make_context("advise", list(args)).params
        read_calls = call_loader(params["logs"], params["calls_csv"], params["jobs"], params)
        return read_calls() if read_calls is not None else None

    return build


def _gateway_policy(principal: object) -> Callable[[], object]:
    def build() -> object:
        vpc = ec2.Vpc(
            _stack(),
            "Vpc",
            max_azs=1,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="a", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
            ],
        )
        endpoint = vpc.add_gateway_endpoint("S3", service=ec2.GatewayVpcEndpointAwsService.S3)
        statement = {"Effect": "Allow", "Principal": principal, "Action": "*", "Resource": "*"}
        apply_endpoint_policy(endpoint, {"Statement": [statement]})
        return endpoint

    return build


def _add_duplicate_selector() -> object:
    trail = NetworkTrail(_stack(), "NetworkTrail", selectors=[presets.log_all("kms")])
    trail.add_selector(presets.log_all("kms"))
    return trail


def _env(**settings: Any) -> Callable[[], object]:
    base: dict[str, Any] = {"account": "111111111111", "region": "us-east-1"}
    return lambda: load_environments({"dev": {**base, **settings}})


def _env_without(key: str) -> Callable[[], object]:
    settings = {"account": "111111111111", "region": "us-east-1"}
    settings.pop(key)
    return lambda: load_environments({"dev": settings})


MANY_EVENT_NAMES = tuple(f"Action{i:03d}" for i in range(260))

_MANIFEST_OF_GONE = json.dumps(
    {
        "version": "55.0.0",
        "artifacts": {
            "Gone": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "Gone.template.json"}}
        },
    }
)
"""A manifest listing one stack whose template file is missing (cloud assembly schema: ``templateFile``)."""


def _folder(files: dict[str, str]) -> Path:
    """A fresh directory ``cdk.out`` holding ``files`` (name -> text), removed when Python exits."""
    root = Path(tempfile.mkdtemp(prefix="bad-inputs-"))
    atexit.register(shutil.rmtree, root, True)
    folder = root / "cdk.out"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


BAD_INPUTS: tuple[BadInput, ...] = (
    # --- NetworkTrail props -----------------------------------------------------------------------
    BadInput(
        "trail-name-too-short",
        "NetworkTrail",
        'trail_name="ab"',
        _trail(trail_name="ab"),
        "'ab'",
        "3 to 128 characters",
        "e.g. 'network-activity'",
    ),
    BadInput(
        "trail-name-adjacent-punctuation",
        "NetworkTrail",
        'trail_name="net--trail"',
        _trail(trail_name="net--trail"),
        "'net--trail'",
        "side by side",
        "e.g. 'network-activity'",
    ),
    BadInput(
        "trail-name-ip-address",
        "NetworkTrail",
        'trail_name="192.168.0.1"',
        _trail(trail_name="192.168.0.1"),
        "'192.168.0.1'",
        "must not be an IP address",
        "not an IP address",
    ),
    BadInput(
        "trail-name-space",
        "NetworkTrail",
        'trail_name="net trail"',
        _trail(trail_name="net trail"),
        "'net trail'",
        "letters, digits, '.', '_' and '-'",
        "e.g. 'network-activity'",
    ),
    BadInput(
        "key-alias-reserved",
        "NetworkTrail",
        'key_alias="alias/aws/trail"',
        _trail(key_alias="alias/aws/trail"),
        "'alias/aws/trail'",
        "reserved prefix 'alias/aws/'",
        "choose another name",
    ),
    BadInput(
        "key-alias-bad-characters",
        "NetworkTrail",
        'key_alias="alias/net trail!"',
        _trail(key_alias="alias/net trail!"),
        "'alias/net trail!'",
        "1 to 250 letters, digits",
        "e.g. 'alias/network-trail'",
    ),
    BadInput(
        "s3-key-prefix-slashes",
        "NetworkTrail",
        's3_key_prefix="/logs/"',
        _trail(s3_key_prefix="/logs/"),
        "'/logs/'",
        "must not start or end with '/'",
        "e.g. 'network-activity'",
    ),
    BadInput(
        "s3-key-prefix-unsafe-characters",
        "NetworkTrail",
        's3_key_prefix="logs#1"',
        _trail(s3_key_prefix="logs#1"),
        "'logs#1'",
        "S3's safe characters",
        "remove the others",
    ),
    BadInput(
        "s3-key-prefix-too-long",
        "NetworkTrail",
        's3_key_prefix="a" * 201',
        _trail(s3_key_prefix="a" * 201),
        "got 201",
        "1 to 200 characters",
        "shorten it",
    ),
    BadInput(
        "management-events-unknown",
        "NetworkTrail",
        'management_events="everything"',
        _trail(management_events="everything"),
        "'everything'",
        "must be one of",
        "['none', 'all', 'read-only', 'write-only']",
    ),
    BadInput(
        "selectors-not-a-sequence",
        "NetworkTrail",
        'selectors=presets.log_all("kms")',
        _trail(selectors=presets.log_all("kms")),
        "NetworkActivitySelector(",
        "must be a sequence of selectors",
        "wrap it, e.g. [selector]",
    ),
    BadInput(
        "selectors-empty",
        "NetworkTrail",
        "selectors=[]",
        _trail(selectors=[]),
        "selectors is empty",
        "would log nothing",
        "e.g. presets.ga_access_denied()",
    ),
    BadInput(
        "selectors-item-not-a-selector",
        "NetworkTrail",
        'selectors=["kms"]',
        _trail(selectors=["kms"]),
        "got 'kms'",
        "must be a NetworkActivitySelector or ManagementEventsSelector",
        "build selectors with the presets module",
    ),
    BadInput(
        "selectors-duplicate",
        "NetworkTrail",
        'selectors=[log_all("kms"), log_all("kms")]',
        _trail(selectors=[presets.log_all("kms"), presets.log_all("kms")]),
        "selectors[1]",
        "selects the same events as selectors[0]",
        "remove one of them",
    ),
    BadInput(
        "management-events-twice",
        "NetworkTrail",
        "management_events=ALL, selectors=[presets.management_events(), ...]",
        _trail(
            management_events=ManagementEvents.ALL,
            selectors=[presets.management_events(), presets.log_all("kms")],
        ),
        "management_events='all'",
        "both ask for management events",
        "use only one of the two",
    ),
    BadInput(
        "management-selectors-twice",
        "NetworkTrail",
        "selectors=[management_events(), management_events(read_only=True), ...]",
        _trail(
            selectors=[
                presets.management_events(),
                presets.management_events(read_only=True),
                presets.log_all("kms"),
            ]
        ),
        "2 management events selectors",
        "has 2 management events selectors",
        "keep one",
    ),
    BadInput(
        "selector-values-over-quota",
        "NetworkTrail",
        "two selectors with 260 event names each",
        _trail(
            selectors=[
                presets.log_all("kms", event_names=MANY_EVENT_NAMES),
                presets.log_all("s3", event_names=MANY_EVENT_NAMES),
            ]
        ),
        "use 524 values",
        "quota of 500 values",
        "drop sources",
    ),
    BadInput(
        "add-selector-duplicate",
        "NetworkTrail",
        'trail.add_selector(log_all("kms")) twice',
        _add_duplicate_selector,
        "selectors[1]",
        "selects the same events as selectors[0]",
        "remove one of them",
    ),
    BadInput(
        "multi-region-without-global-events",
        "NetworkTrail",
        "include_global_service_events=False",
        _trail(include_global_service_events=False),
        "is_multi_region_trail=True",
        "InvalidParameterCombination",
        "set include_global_service_events=True",
    ),
    BadInput(
        "organization-id-malformed",
        "NetworkTrail",
        'organization_id="o-123"',
        _trail(organization_id="o-123"),
        "'o-123'",
        "10 to 32 lowercase letters or digits",
        "aws organizations describe-organization",
    ),
    BadInput(
        "organization-trail-without-organization-id",
        "NetworkTrail",
        "is_organization_trail=True",
        _trail(is_organization_trail=True),
        "is_organization_trail=True",
        "needs organization_id",
        "pass organization_id='o-",
    ),
    BadInput(
        "management-account-without-organization-trail",
        "NetworkTrail",
        'management_account_id="111111111111"',
        _trail(management_account_id="111111111111"),
        "'111111111111'",
        "only applies to organization trails",
        "set is_organization_trail=True",
    ),
    BadInput(
        "management-account-id-malformed",
        "NetworkTrail",
        'is_organization_trail=True, organization_id=..., management_account_id="1234"',
        _trail(is_organization_trail=True, organization_id="o-a1b2c3d4e5", management_account_id="1234"),
        "'1234'",
        "12-digit AWS account id",
        "as a string",
    ),
    BadInput(
        "delegated-administrator-without-organization-trail",
        "NetworkTrail",
        "delegated_administrator=True",
        _trail(delegated_administrator=True),
        "delegated_administrator=True",
        "only applies to organization trails",
        "set is_organization_trail=True",
    ),
    BadInput(
        "bucket-and-log-retention",
        "NetworkTrail",
        "bucket=<imported>, log_retention=Duration.days(30)",
        _with_resources(bucket=True, log_retention=cdk.Duration.days(30)),
        "log_retention=",
        "only applies to a bucket this construct creates",
        "provide either bucket or log_retention",
    ),
    BadInput(
        "bucket-and-object-lock",
        "NetworkTrail",
        "bucket=<imported>, object_lock_retention=...",
        _with_resources(
            bucket=True, object_lock_retention=s3.ObjectLockRetention.governance(cdk.Duration.days(30))
        ),
        "object_lock_retention=",
        "only applies to a bucket this construct creates",
        "provide either bucket or object_lock_retention",
    ),
    BadInput(
        "encryption-key-and-key-alias",
        "NetworkTrail",
        'encryption_key=<imported>, key_alias="alias/x"',
        _with_resources(encryption_key=True, key_alias="alias/x"),
        "key_alias='alias/x'",
        "only applies to a key this construct creates",
        "provide either encryption_key or key_alias",
    ),
    BadInput(
        "removal-policy-nothing-to-act-on",
        "NetworkTrail",
        "bucket=<imported>, encryption_key=<imported>, removal_policy=DESTROY",
        _with_resources(bucket=True, encryption_key=True, removal_policy=cdk.RemovalPolicy.DESTROY),
        "removal_policy=",
        "has nothing to act on",
        "remove removal_policy",
    ),
    BadInput(
        "cloud-watch-logs-retention-without-delivery",
        "NetworkTrail",
        "cloud_watch_logs_retention=RetentionDays.ONE_MONTH",
        _trail(cloud_watch_logs_retention=logs.RetentionDays.ONE_MONTH),
        "cloud_watch_logs_retention=",
        "needs send_to_cloud_watch_logs=True",
        "remove cloud_watch_logs_retention",
    ),
    BadInput(
        "tag-key-aws-prefix",
        "NetworkTrail",
        'tags={"aws:team": "sec"}',
        _trail(tags={"aws:team": "sec"}),
        "'aws:team'",
        "not start with 'aws:'",
        "1 to 128 characters",
    ),
    BadInput(
        "tag-value-too-long",
        "NetworkTrail",
        'tags={"team": "x" * 257}',
        _trail(tags={"team": "x" * 257}),
        "tags['team']",
        "at most 256 characters",
        "must be a string",
    ),
    # --- selectors --------------------------------------------------------------------------------
    BadInput(
        "event-source-unknown",
        "NetworkActivitySelector",
        'event_source="notaservice"',
        lambda: NetworkActivitySelector(event_source="notaservice"),
        "'notaservice'",
        "is not a network activity event source",
        "CustomEventSource(",
    ),
    BadInput(
        "event-source-wrong-type",
        "NetworkActivitySelector",
        "event_source=42",
        lambda: NetworkActivitySelector(event_source=42),
        "got 42 of type int",
        "must be a NetworkActivityEventSource",
        "a CustomEventSource or a string",
    ),
    BadInput(
        "custom-event-source-shape",
        "CustomEventSource",
        'CustomEventSource("newsvc")',
        lambda: CustomEventSource("newsvc"),
        "'newsvc'",
        "'<service>.amazonaws.com'",
        "e.g. 'kms.amazonaws.com'",
    ),
    BadInput(
        "access-denied-only-not-bool",
        "NetworkActivitySelector",
        'access_denied_only="yes"',
        lambda: NetworkActivitySelector(event_source="kms", access_denied_only="yes"),
        "'yes'",
        "must be True or False",
        "True or False",
    ),
    BadInput(
        "condition-not-a-condition",
        "NetworkActivitySelector",
        f'vpc_endpoint_id="{VPCE}"',
        lambda: NetworkActivitySelector(event_source="kms", vpc_endpoint_id=VPCE),
        f"'{VPCE}'",
        "must be a Condition",
        "Condition.any_of(",
    ),
    BadInput(
        "condition-empty",
        "Condition",
        "vpc_endpoint_id=Condition()",
        lambda: NetworkActivitySelector(event_source="kms", vpc_endpoint_id=Condition()),
        "vpc_endpoint_id has no values",
        "give at least one of equals",
        "leave vpc_endpoint_id unset",
    ),
    BadInput(
        "condition-single-string",
        "Condition",
        f'Condition(equals="{VPCE}")',
        lambda: Condition(equals=VPCE),
        f"'{VPCE}'",
        "must be a sequence of strings",
        "wrap it",
    ),
    BadInput(
        "condition-duplicate-value",
        "Condition",
        f'Condition.any_of("{VPCE}", "{VPCE}")',
        lambda: NetworkActivitySelector(event_source="kms", vpc_endpoint_id=Condition.any_of(VPCE, VPCE)),
        f"repeats '{VPCE}'",
        "must be unique",
        "remove the duplicate",
    ),
    BadInput(
        "condition-value-too-long",
        "Condition",
        'Condition(starts_with=("x" * 2049,))',
        lambda: NetworkActivitySelector(event_source="kms", event_name=Condition(starts_with=("x" * 2049,))),
        "got 2049",
        "CloudTrail rejects empty and longer values",
        "characters",
    ),
    BadInput(
        "condition-value-empty",
        "Condition",
        'Condition(equals=("",))',
        lambda: NetworkActivitySelector(event_source="kms", event_name=Condition(equals=("",))),
        "got 0",
        "CloudTrail rejects empty and longer values",
        "must be 1 to 2048 characters",
    ),
    BadInput(
        "selector-name-too-long",
        "NetworkActivitySelector",
        'name="n" * 1001',
        lambda: NetworkActivitySelector(event_source="kms", name="n" * 1001),
        "got 1001 characters",
        "at most 1000 characters",
        "shorten it",
    ),
    BadInput(
        "event-source-typo",
        "NetworkActivitySelector",
        'event_source="secretmanager"',
        lambda: NetworkActivitySelector(event_source="secretmanager"),  # type: ignore[arg-type]
        "'secretmanager'",
        "is not a network activity event source",
        "did you mean 'secretsmanager'",
    ),
    BadInput(
        "management-excluded-source",
        "ManagementEventsSelector",
        'excluded_sources=("s3",)',
        lambda: ManagementEventsSelector(excluded_sources=("s3",)),
        "'s3'",
        "CloudTrail can exclude only ['kms.amazonaws.com', 'rdsdata.amazonaws.com']",
        "remove the others",
    ),
    BadInput(
        "selector-json-unknown-field",
        "selector_from_json",
        '{"Field": "eventname", ...} in a network activity selector',
        lambda: selector_from_json(
            {
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
                    {"Field": "eventSource", "Equals": ["kms.amazonaws.com"]},
                    {"Field": "eventname", "Equals": ["ListKeys"]},
                ]
            }
        ),
        "'eventname'",
        "is not supported for network activity events",
        "did you mean 'eventName'",
    ),
    BadInput(
        "selector-json-data-unknown-field",
        "selector_from_json",
        '{"Field": "vpcEndpointId", ...} in a data events selector',
        lambda: selector_from_json(
            {
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                    {"Field": "vpcEndpointId", "Equals": ["vpce-0123456789abcdef0"]},
                ]
            }
        ),
        "'vpcEndpointId'",
        "is not supported for data events of a trail",
        "use one of",
    ),
    BadInput(
        "selector-json-data-resource-type",
        "selector_from_json",
        '{"Field": "resources.type", "Equals": ["S3Object"]}',
        lambda: selector_from_json(
            {
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["S3Object"]},
                ]
            }
        ),
        "'S3Object'",
        "is not a resources.type of data events",
        "e.g. 'AWS::S3::Object'",
    ),
    BadInput(
        "selector-json-data-read-only-operator",
        "selector_from_json",
        '{"Field": "readOnly", "NotEquals": ["true"]} in a data events selector',
        lambda: selector_from_json(
            {
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                    {"Field": "readOnly", "NotEquals": ["true"]},
                ]
            }
        ),
        "uses ['NotEquals']",
        "allows only Equals on readOnly",
        "API_AdvancedFieldSelector.html",
    ),
    BadInput(
        "trail-data-event-selectors-kind",
        "NetworkTrail",
        "data_event_selectors=[presets.log_all('kms')]",
        _trail(data_event_selectors=[presets.log_all("kms")]),
        "NetworkActivitySelector(",
        "must be a data event selector (eventCategory Data)",
        "put network activity and management events selectors in selectors",
    ),
    BadInput(
        "selector-json-unknown-operator",
        "selector_from_json",
        '{"Field": "eventName", "Equal": [...]}',
        lambda: selector_from_json(
            {
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
                    {"Field": "eventSource", "Equals": ["kms.amazonaws.com"]},
                    {"Field": "eventName", "Equal": ["ListKeys"]},
                ]
            }
        ),
        "'Equal'",
        "unknown operator",
        "did you mean 'Equals'",
    ),
    BadInput(
        "selector-json-equals-only-field",
        "selector_from_json",
        '{"Field": "errorCode", "NotEquals": ["VpceAccessDenied"]}',
        lambda: selector_from_json(
            {
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
                    {"Field": "eventSource", "Equals": ["kms.amazonaws.com"]},
                    {"Field": "errorCode", "NotEquals": ["VpceAccessDenied"]},
                ]
            }
        ),
        "uses ['NotEquals']",
        "allows only Equals on errorCode",
        "Equals",
    ),
    BadInput(
        "selector-json-management-field",
        "selector_from_json",
        "a management events selector with eventName",
        lambda: selector_from_json(
            {
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Management"]},
                    {"Field": "eventName", "Equals": ["CreateTrail"]},
                ]
            }
        ),
        "'eventName'",
        "only eventCategory, eventSource and readOnly",
        "remove it",
    ),
    BadInput(
        "selector-json-without-event-category",
        "selector_from_json",
        'selector_from_json({"FieldSelectors": [{"Field": "eventSource", ...}]})',
        lambda: selector_from_json(
            {"FieldSelectors": [{"Field": "eventSource", "Equals": ["kms.amazonaws.com"]}]}
        ),
        "no eventCategory field",
        "it is required",
        "eventCategory",
    ),
    # --- presets ----------------------------------------------------------------------------------
    BadInput(
        "for-sources-single-string",
        "presets",
        'presets.for_sources("kms")',
        lambda: presets.for_sources("kms"),
        "'kms'",
        "must be a sequence of event sources",
        "wrap it, e.g. ('kms',)",
    ),
    BadInput(
        "for-sources-unknown-preset",
        "presets",
        'presets.for_sources(["kms"], preset="everything")',
        lambda: presets.for_sources(["kms"], preset="everything"),
        "'everything'",
        "preset must be one of",
        "['log-all', 'access-denied']",
    ),
    BadInput(
        "preset-vpc-endpoint-ids-string",
        "presets",
        f'presets.log_all("kms", vpc_endpoint_ids="{VPCE}")',
        lambda: presets.log_all("kms", vpc_endpoint_ids=VPCE),
        f"'{VPCE}'",
        "must be a sequence of strings",
        f"wrap it, e.g. ('{VPCE}',)",
    ),
    BadInput(
        "preset-unknown-source",
        "presets",
        'presets.access_denied("kinesis-video")',
        lambda: presets.access_denied("kinesis-video"),
        "'kinesis-video'",
        "is not a network activity event source",
        "CustomEventSource(",
    ),
    # --- sample app: cdk.json environments ----------------------------------------------------------
    BadInput(
        "config-not-a-mapping",
        "cdk.json",
        "network-trail:environments = []",
        lambda: load_environments([]),
        "got []",
        "must map environment names to their settings",
        "see docs/sample-app.md",
    ),
    BadInput(
        "config-environment-name",
        "cdk.json",
        'environment name "1prod"',
        lambda: load_environments({"1prod": {"account": "111111111111", "region": "us-east-1"}}),
        "'1prod'",
        "must start with a letter",
        "letters, digits and '-'",
    ),
    BadInput(
        "config-account-missing",
        "cdk.json",
        "no account",
        _env_without("account"),
        "key 'account'",
        "is missing",
        "give the 12-digit AWS account id",
    ),
    BadInput(
        "config-account-malformed",
        "cdk.json",
        'account: "12345"',
        _env(account="12345"),
        "'12345'",
        "must be a 12-digit AWS account id",
        "as a string",
    ),
    BadInput(
        "config-region-malformed",
        "cdk.json",
        'region: "mars-north-1"',
        _env(region="mars-north-1"),
        "'mars-north-1'",
        "must be an AWS Region code",
        "such as 'eu-west-1'",
    ),
    BadInput(
        "config-unknown-key",
        "cdk.json",
        "cloudwatch: true",
        _env(cloudwatch=True),
        "key 'cloudwatch'",
        "unknown keys",
        "allowed are",
    ),
    BadInput(
        "config-unknown-preset",
        "cdk.json",
        'selectors: [{preset: "all", sources: ["kms"]}]',
        _env(selectors=[{"preset": "all", "sources": ["kms"]}]),
        "'all'",
        "unknown preset",
        "use one of ['log-all', 'access-denied']",
    ),
    BadInput(
        "config-selectors-empty",
        "cdk.json",
        "selectors: []",
        _env(selectors=[]),
        "got []",
        "must be a non-empty list",
        "{'preset', 'sources'}",
    ),
    BadInput(
        "config-sources-empty",
        "cdk.json",
        'selectors: [{preset: "log-all", sources: []}]',
        _env(selectors=[{"preset": "log-all", "sources": []}]),
        "got []",
        "must be a non-empty list of source names",
        "such as 'kms'",
    ),
    BadInput(
        "config-bool-not-bool",
        "cdk.json",
        'send_to_cloud_watch_logs: "yes"',
        _env(send_to_cloud_watch_logs="yes"),
        "'yes'",
        "must be true or false",
        "true or false",
    ),
    BadInput(
        "config-cloud-watch-logs-retention-days",
        "cdk.json",
        "cloud_watch_logs_retention_days: 42",
        _env(cloud_watch_logs_retention_days=42),
        "got 42",
        "CloudWatch Logs' retention periods",
        "[1, 3, 5",
    ),
    BadInput(
        "config-object-lock-mode",
        "cdk.json",
        'object_lock: {mode: "strict", days: 30}',
        _env(object_lock={"mode": "strict", "days": 30}),
        "'strict'",
        "must be {'mode'",
        "'governance'|'compliance'",
    ),
    BadInput(
        "config-log-retention-days",
        "cdk.json",
        "log_retention_days: 0",
        _env(log_retention_days=0),
        "got 0",
        "whole number of days, at least 1",
        "at least 1",
    ),
    BadInput(
        "config-tags-not-strings",
        "cdk.json",
        'tags: {"CostCenter": 42}',
        _env(tags={"CostCenter": 42}),
        "42",
        "must map strings to strings",
        "strings to strings",
    ),
    BadInput(
        "queries-organization-trail-without-accounts",
        "NetworkActivityQueries",
        "NetworkActivityQueries(trail=<organization trail>, organization_id='o-a1b2c3d4e5')",
        _queries(organization_trail=True, organization_id="o-a1b2c3d4e5"),
        "account_ids",
        "is required for an organization trail",
        "pass account_ids=['111122223333', …]",
    ),
    BadInput(
        "queries-organization-id-of-another-organization",
        "NetworkActivityQueries",
        "NetworkActivityQueries(trail=<organization trail of o-a1b2c3d4e5>, organization_id='o-zzzzzzzzzz')",
        _queries(organization_trail=True, organization_id="o-zzzzzzzzzz", account_ids=[ACCOUNT]),
        "organization_id='o-zzzzzzzzzz'",
        "differs from the trail's organization 'o-a1b2c3d4e5'",
        "remove organization_id (it is taken from the trail)",
    ),
    BadInput(
        "queries-organization-id-on-a-single-account-trail",
        "NetworkActivityQueries",
        "NetworkActivityQueries(trail=<trail of one account>, organization_id='o-a1b2c3d4e5')",
        _queries(organization_id="o-a1b2c3d4e5"),
        "organization_id='o-a1b2c3d4e5'",
        "is not an organization trail",
        "remove organization_id (it is taken from the trail)",
    ),
    # --- LogArchive -------------------------------------------------------------------------------
    BadInput(
        "archive-organization-without-management-account",
        "LogArchive",
        "LogArchive(organization_id='o-a1b2c3d4e5')",
        _archive(organization_id="o-a1b2c3d4e5"),
        "organization_id='o-a1b2c3d4e5' without trail_arns",
        "needs management_account_id",
        "pass management_account_id='<12 digits>'",
    ),
    BadInput(
        "archive-management-account-without-organization",
        "LogArchive",
        "LogArchive(trail_arns=[...], management_account_id='444444444444')",
        _archive(
            trail_arns=["arn:aws:cloudtrail:us-east-1:111111111111:trail/network-activity"],
            management_account_id="444444444444",
        ),
        "management_account_id='444444444444'",
        "only applies with organization_id",
        "pass organization_id='o-…' too, or remove management_account_id",
    ),
    BadInput(
        "archive-management-account-malformed",
        "LogArchive",
        "LogArchive(organization_id='o-a1b2c3d4e5', management_account_id='4444')",
        _archive(organization_id="o-a1b2c3d4e5", management_account_id="4444"),
        "got '4444'",
        "management_account_id must be a 12-digit AWS account id",
        "as a string",
    ),
    BadInput(
        "queries-bytes-scanned-cutoff-too-small",
        "NetworkActivityQueries",
        "bytes_scanned_cutoff_per_query=1_000_000",
        _queries(bytes_scanned_cutoff_per_query=1_000_000),
        "got 1000000",
        "at least 10,000,000 (Athena's minimum), or None for no limit",
        "e.g. 10 * 1024**3 for 10 GiB",
    ),
    # --- event names to IAM actions, distinct calls ----------------------------------------------------
    BadInput(
        "iam-actions-event-source",
        "iam_actions",
        'iam_actions("kms", "Decrypt")',
        lambda: iam_actions("kms", "Decrypt"),
        "got 'kms'",
        "must be an eventSource of the shape '<service>.amazonaws.com'",
        "e.g. 'kms.amazonaws.com'",
    ),
    BadInput(
        "calls-jobs",
        "distinct_calls",
        "distinct_calls(paths, jobs=0)",
        lambda: distinct_calls(["-"], jobs=0),
        "got 0",
        "jobs must be a whole number of processes, at least 1",
        "at least 1",
    ),
    BadInput(
        "calls-result-row",
        "distinct_calls",
        'calls_from_rows([{"event_source": "kms.amazonaws.com", "calls": "many"}])',
        lambda: calls_from_rows([{"event_source": "kms.amazonaws.com", "calls": "many"}]),
        "'calls': 'many'",
        "calls a whole number",
        "give the query's result unchanged",
    ),
    BadInput(
        "org-accounts-arn",
        "distinct_calls",
        'load_org_accounts({"Accounts": [{"Id": "111111111111", "Arn": "o-exampleorgid"}]})',
        lambda: load_org_accounts({"Accounts": [{"Id": "111111111111", "Arn": "o-exampleorgid"}]}),
        "Accounts[0]",
        "'arn:aws:organizations::<management account>:account/<o-id>/<Id>'",
        "pass the output of `aws organizations list-accounts` unchanged",
    ),
    BadInput(
        "iam-not-any-of",
        "IAM evaluator",
        'NotAnyOf(["o-a1b2c3d4e5"])',
        lambda: NotAnyOf(["o-a1b2c3d4e5"]),  # type: ignore[arg-type]
        "values=['o-a1b2c3d4e5']",
        "must be a frozenset of strings",
        "NotAnyOf(frozenset({'o-a1b2c3d4e5'}))",
    ),
    # --- endpoint policies: replay, advise, apply_endpoint_policy ---------------------------------------
    BadInput(
        "endpoint-policy-no-principal",
        "endpoint policies",
        'check_endpoint_policy({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}, ...)',
        lambda: check_endpoint_policy(
            {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}, gateway=False, name="policy"
        ),
        "Statement[0]",
        "an endpoint policy must contain one",
        'add "Principal": "*"',
    ),
    BadInput(
        "endpoint-policy-gateway-principal",
        "endpoint policies",
        'apply_endpoint_policy(s3_gateway_endpoint, {"Statement": [{..., "Principal": {"AWS": "123456789012"}}]})',
        _gateway_policy({"AWS": ACCOUNT}),
        'Principal {"AWS": "123456789012"}',
        'the principal of a gateway endpoint policy must be "*"',
        "aws:PrincipalArn or aws:PrincipalAccount condition key instead",
    ),
    BadInput(
        "endpoint-policy-advice-endpoint",
        "endpoint policies",
        'proposal_policy({"endpoints": [{"endpointId": "vpce-1", ...}]}, "vpce-2")',
        lambda: proposal_policy({"endpoints": [{"endpointId": "vpce-1", "policy": {}}]}, "vpce-2"),
        "'vpce-2'",
        "is not in the advice",
        "choose one of ['vpce-1']",
    ),
    BadInput(
        "endpoint-policy-file",
        "endpoint policies",
        "network-trail replay LOGS --policy policy.json (a describe-vpc-endpoints output)",
        lambda: policy_file_target('{"VpcEndpoints": []}', name="policy.json"),
        "--policy 'policy.json'",
        "must be a policy document (a JSON object with a Statement)",
        "give the endpoint's PolicyDocument",
    ),
    # --- replay and advise: --athena, the distinct-calls query ------------------------------------------
    BadInput(
        "athena-option-without-athena",
        "replay, advise --athena",
        "network-trail advise --run --endpoints endpoints.json",
        _advise("--run"),
        "--run",
        "is an option of --athena",
        "add --athena",
    ),
    BadInput(
        "athena-with-logs",
        "replay, advise --athena",
        "network-trail advise AWSLogs/ --athena --endpoints endpoints.json",
        _advise("AWSLogs/", "--athena"),
        "--athena",
        "reads the Athena table, not log files",
        "drop LOGS and --calls",
    ),
    BadInput(
        "athena-from-without-to",
        "replay, advise --athena",
        "network-trail advise --athena --from 2026-11-01",
        _advise("--athena", "--from", "2026-11-01"),
        "--from",
        "reads the last --days N (default 30) or the days --from DAY --to DAY",
        "give --from with --to, or --days alone",
    ),
    BadInput(
        "athena-days-with-from",
        "replay, advise --athena",
        "network-trail advise --athena --days 7 --from 2026-11-01 --to 2026-11-21",
        _advise("--athena", "--days", "7", "--from", "2026-11-01", "--to", "2026-11-21"),
        "--days",
        "reads the last --days N (default 30) or the days --from DAY --to DAY",
        "give --from with --to, or --days alone",
    ),
    BadInput(
        "athena-from-after-to",
        "replay, advise --athena",
        "network-trail advise --athena --from 2026-11-02 --to 2026-11-01",
        _advise("--athena", "--from", "2026-11-02", "--to", "2026-11-01"),
        "--from 2026-11-02",
        "is after --to 2026-11-01",
        "give the first day with --from",
    ),
    BadInput(
        "athena-run-without-workgroup",
        "replay, advise --athena",
        "network-trail advise --athena --run --endpoints endpoints.json",
        _advise("--athena", "--run"),
        "--run",
        "needs --workgroup NAME",
        "the workgroup of NetworkActivityQueries (its work_group_name)",
    ),
    BadInput(
        "advise-without-endpoints",
        "endpoint policies",
        "network-trail advise AWSLogs/",
        lambda: _required_endpoints(None),
        "--endpoints FILE",
        "advise proposes policies for the endpoints of",
        "give the output of `aws ec2 describe-vpc-endpoints` (JSON) with --endpoints",
    ),
    # --- presets.for_endpoints ----------------------------------------------------------------------
    BadInput(
        "endpoints-single-pair",
        "presets",
        'for_endpoints(("vpce-0a1b2c3d4e5f60718", "com.amazonaws.us-east-1.kms"))',
        lambda: presets.for_endpoints((VPCE, "com.amazonaws.us-east-1.kms")),
        "'vpce-0a1b2c3d4e5f60718'",
        "must be a sequence of endpoints",
        "wrap it, e.g. [endpoint]",
    ),
    BadInput(
        "endpoints-not-an-endpoint",
        "presets",
        'for_endpoints(["vpce-0a1b2c3d4e5f60718"])',
        lambda: presets.for_endpoints([VPCE]),
        "got 'vpce-0a1b2c3d4e5f60718' of type str",
        "must be an ec2.InterfaceVpcEndpoint, ec2.GatewayVpcEndpoint, ec2.CfnVPCEndpoint",
        "(endpoint.vpc_endpoint_id, 'com.amazonaws.<region>.<service>')",
    ),
    BadInput(
        "endpoints-unsupported-service",
        "presets",
        'for_endpoints([("vpce-0a1b2c3d4e5f60718", "com.amazonaws.us-east-1.logs")])',
        lambda: presets.for_endpoints([(VPCE, "com.amazonaws.us-east-1.logs")]),
        "service 'com.amazonaws.us-east-1.logs'",
        "no network activity event source for 'logs'",
        "Remove it, or pass skip_unsupported=True",
    ),
    BadInput(
        "endpoints-partner-service",
        "presets",
        'for_endpoints([("vpce-0a1b2c3d4e5f60718", "com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f6a7b8")])',
        lambda: presets.for_endpoints([(VPCE, "com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f6a7b8")]),
        "vpce-svc-0a1b2c3d4e5f6a7b8",
        "only for calls to AWS services",
        "Remove it, or pass skip_unsupported=True",
    ),
    # --- --template: the cdk.out of `cdk synth` or a template file (every command's one reader) --------
    BadInput(
        "template-no-stack",
        "--template",
        "--template cdk.out of an empty directory",
        lambda: assembly_stacks(_folder({})),
        "cdk.out' holds no stack",
        "a cdk.out directory lists its stacks in manifest.json",
        "run `cdk synth` first, or give a template file",
    ),
    BadInput(
        "template-missing",
        "--template",
        "--template cdk.out whose manifest.json lists a stack file that is not there",
        lambda: assembly_stacks(_folder({"manifest.json": _MANIFEST_OF_GONE})),
        "Gone.template.json'",
        "cannot be read (No such file or directory)",
        "run `cdk synth` again, or give a readable template file",
    ),
    BadInput(
        "template-not-json",
        "--template",
        "--template cdk.out/Broken.template.json holding {",
        lambda: assembly_stacks(_folder({"Broken.template.json": "{"}) / "Broken.template.json"),
        "Broken.template.json'",
        "is not valid JSON",
        "give a CloudFormation template (JSON) or the cdk.out directory of `cdk synth`",
    ),
    BadInput(
        "template-no-resources",
        "--template",
        '--template Stack.template.json holding {"Outputs": {}}',
        lambda: assembly_stacks(_folder({"Stack.template.json": '{"Outputs": {}}'}) / "Stack.template.json"),
        "Stack.template.json'",
        "has no Resources object",
        "give a CloudFormation template or cdk.out",
    ),
)
"""Every catalogued bad input; ids are unique and stable (the docs link to them)."""


API_AFS = "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html"
API_AES = "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedEventSelector.html"
API_PES = "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html"
API_ES = "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html"
UG_NET = (
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-network-events-with-cloudtrail.html"
)
UG_FILTER = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/filtering-data-events.html"
UG_DATA = (
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html"
)
UG_QUOTA = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/WhatIsCloudTrail-Limits.html"
UG_REC = "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html"
CFN_AFS = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"
    "aws-properties-cloudtrail-trail-advancedfieldselector.html"
)
CFN_AES = (
    "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/"
    "aws-properties-cloudtrail-trail-advancedeventselector.html"
)
TYPED = "the library's typed API (a wrong Python type never reaches CloudTrail)"

RULE_SOURCES: dict[str, tuple[str, str]] = {
    "selector-values-over-quota": ("500 values across all conditions of all selectors of a trail", UG_QUOTA),
    "selectors-duplicate": ("two selectors selecting the same events add nothing (library rule)", API_PES),
    "add-selector-duplicate": ("two selectors selecting the same events add nothing (library rule)", API_PES),
    "event-source-unknown": ("eventSource is one of the sources listed by the User Guide", UG_NET),
    "event-source-typo": ("eventSource is one of the sources listed by the User Guide", UG_NET),
    "event-source-wrong-type": (TYPED, UG_NET),
    "custom-event-source-shape": ("eventSource has the shape <service>.amazonaws.com", UG_NET),
    "access-denied-only-not-bool": (TYPED, UG_NET),
    "condition-not-a-condition": (TYPED, API_AFS),
    "condition-empty": ("each operator holds at least one value (minItems 1)", CFN_AFS),
    "condition-single-string": ("operator values are an array of strings", API_AFS),
    "condition-duplicate-value": ("values of one operator are unique (uniqueItems)", CFN_AFS),
    "condition-value-too-long": ("each value is 1 to 2048 characters", API_AFS),
    "condition-value-empty": ("each value is 1 to 2048 characters", API_AFS),
    "selector-name-too-long": (
        "Name is at most 1000 characters (API 0-1000, CloudFormation 1-1000)",
        API_AES,
    ),
    "management-excluded-source": (
        "management events can exclude only kms.amazonaws.com and rdsdata.amazonaws.com",
        API_ES,
    ),
    "selector-json-unknown-field": (
        "network activity fields: eventCategory, eventSource, eventName, "
        "errorCode, vpcEndpointId, userIdentity.arn (trails)",
        API_AFS,
    ),
    "selector-json-unknown-operator": ("the six operators of AdvancedFieldSelector", API_AFS),
    "selector-json-data-unknown-field": (
        "data events of trails take eventCategory, eventName, eventSource, eventType, resources.type, "
        "readOnly, resources.ARN, sessionCredentialFromConsole and userIdentity.arn",
        API_AFS,
    ),
    "selector-json-data-resource-type": ("resources.type is a value of the data event table", UG_DATA),
    "selector-json-data-read-only-operator": (
        "Equals is the only operator of readOnly, eventCategory and resources.type",
        API_AFS,
    ),
    "selector-json-equals-only-field": (
        "eventCategory, eventSource (network activity) and errorCode take Equals only",
        UG_NET,
    ),
    "selector-json-management-field": (
        "management fields on trails: eventCategory, eventSource, readOnly",
        API_AFS,
    ),
    "selector-json-without-event-category": ("eventCategory is required", API_AFS),
}
"""The documented rule behind each selector error, and the page that states it."""


@dataclass(frozen=True, slots=True)
class WarnedInput:
    """A value CloudTrail accepts but that can never match a real record: a warning, not an error."""

    annotation_id: str
    given: str
    build: Callable[[], list[tuple[str, str]]]
    fragment: str
    """Fragment of the warning's message."""
    rule: str
    source: str


def _warnings_of(**props: Any) -> Callable[[], list[tuple[str, str]]]:
    return lambda: NetworkActivitySelector(event_source="kms", **props).warnings()


WARNED_INPUTS: tuple[WarnedInput, ...] = (
    WarnedInput(
        "network-trail:unlistedResourceType",
        'DataEventSelector(resource_type="AWS::S3::Objects")',
        lambda: DataEventSelector(resource_type="AWS::S3::Objects").warnings(),
        "is not in the data event types of the CloudTrail User Guide",
        "CloudTrail adds data event types several times a year and checks the value itself, so a value "
        "shaped like a type that the list lacks warns rather than rejects",
        UG_DATA,
    ),
    WarnedInput(
        "network-trail:literalAsterisk",
        'Condition(equals=("vpce-*",))',
        _warnings_of(vpc_endpoint_id=Condition(equals=("vpce-*",))),
        "have no wildcards, '*' is compared as a literal character",
        "\"Selectors don't support the use of wildcards like *\"; whether PutEventSelectors rejects a '*' is "
        "not documented, so this warns rather than rejects",
        API_AFS,
    ),
    WarnedInput(
        "network-trail:vpcEndpointIdCase",
        'Condition.any_of("vpce-0A1B2C3D4E5F60718")',
        _warnings_of(vpc_endpoint_id=Condition.any_of("vpce-0A1B2C3D4E5F60718")),
        "real VPC endpoint ids are lower case",
        "values are compared exactly; records carry lower-case endpoint ids",
        UG_REC,
    ),
    WarnedInput(
        "network-trail:vpcEndpointIdShape",
        'Condition.any_of("vpc-0abc1234")',
        _warnings_of(vpc_endpoint_id=Condition.any_of("vpc-0abc1234")),
        "not shaped like a VPC endpoint id",
        "the API takes any value of 1 to 2048 characters; records carry 'vpce-' and 17 hex digits",
        API_AFS,
    ),
    WarnedInput(
        "network-trail:userIdentityArnShape",
        'user_identity_arn=Condition.any_of("Admin")',
        _warnings_of(user_identity_arn=Condition.any_of("Admin")),
        "which is not an ARN",
        "the API takes any value; userIdentity.arn of a record is an ARN",
        UG_REC,
    ),
    WarnedInput(
        "network-trail:contradictoryCondition",
        'Condition(equals=("Decrypt",), not_equals=("Decrypt",))',
        _warnings_of(event_name=Condition(equals=("Decrypt",), not_equals=("Decrypt",))),
        "both selects and excludes the value 'Decrypt'",
        "DESELECT operators are AND'd with the SELECT group, so an excluded value is never logged",
        UG_FILTER,
    ),
    WarnedInput(
        "network-trail:redundantCondition",
        'Condition(equals=("CreateKey",), not_equals=("Decrypt",))',
        _warnings_of(event_name=Condition(equals=("CreateKey",), not_equals=("Decrypt",))),
        "cannot change the result",
        "beside Equals alone, an exclusion matching none of its values excludes nothing",
        UG_FILTER,
    ),
    WarnedInput(
        "network-trail:removedEventSource",
        'presets.access_denied("nova-act")',
        lambda: presets.access_denied("nova-act").warnings(),
        "is no longer listed by the CloudTrail User Guide",
        "the source list of the newest copy of the User Guide page no longer has it",
        UG_NET,
    ),
)
"""Every warning a selector can give (a CDK annotation with this id, acknowledgeable)."""

ACCEPTED: tuple[tuple[str, str, str], ...] = (
    (
        'name=""',
        "PutEventSelectors takes a Name of 0 to 1000 characters; CloudFormation needs 1 to 1000, so an "
        "empty name renders the default name",
        API_AES,
    ),
    (
        "any vpcEndpointId string of 1 to 2048 characters",
        "a value is any string of 1 to 2048 characters (a malformed id only warns)",
        API_AFS,
    ),
    ("a '*' in a value", "not a wildcard, compared literally: warns", API_AFS),
    (
        'ManagementEventsSelector(excluded_sources=("kms",))',
        "management selectors on trails take eventSource NotEquals kms.amazonaws.com / rdsdata.amazonaws.com",
        API_ES,
    ),
    ("Equals and StartsWith on one field", "SELECT operators are OR'd: both select", UG_FILTER),
)
"""Documented-valid inputs that an earlier version rejected."""


def _cell(text: str) -> str:
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def markdown() -> str:
    """docs/errors.md, generated from :data:`BAD_INPUTS`."""
    lines = [
        "# Error catalogue",
        "",
        "<!-- Generated by `python -m tests.data.bad_inputs > docs/errors.md`; "
        "tests/test_error_catalogue.py fails when this file is stale. -->",
        "",
        "Every input below raises `network_trail.NetworkTrailError` before anything reaches CloudFormation",
        "(at construction, that is at synth time). Each message names the parameter, shows the value, states",
        "the rule and says how to fix it; the table lists a fragment of each. Areas: `NetworkTrail` props,",
        "selectors and conditions, the `presets` module, `NetworkActivityQueries` props, and the sample",
        "app's `cdk.json` environments (`network-trail:environments`).",
        "",
        f"{len(BAD_INPUTS)} bad inputs.",
        "",
        "| Id | Area | Input | Value shown | Rule | Fix |",
        "|---|---|---|---|---|---|",
    ]
    for b in BAD_INPUTS:
        lines.append(
            f"| {b.id} | {b.area} | {_cell(b.given)} | {_cell(b.value)} | {_cell(b.rule)} | {_cell(b.fix)} |"
        )
    lines += [
        "",
        "## Documented rules behind the selector errors",
        "",
        "Validation rejects what `PutEventSelectors` and CloudFormation's `AWS::CloudTrail::Trail` reject,",
        "and nothing else; each selector error and the page stating its rule:",
        "",
        "| Id | Rule | Source |",
        "|---|---|---|",
    ]
    lines += [f"| {i} | {rule} | <{url}> |" for i, (rule, url) in RULE_SOURCES.items()]
    lines += [
        "",
        "## Warnings: accepted, but can never match",
        "",
        "These values CloudTrail accepts, but no real record can match them (or CloudTrail no longer lists",
        "them). A `NetworkTrail` adds each as a CDK warning with the id below; silence one you mean with",
        "`Annotations.of(trail).acknowledge_warning(id, reason)`. `selector.warnings()` returns them too.",
        "",
        f"{len(WARNED_INPUTS)} warnings.",
        "",
        "| Warning id | Input | Message | Rule | Source |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| `{w.annotation_id}` | {_cell(w.given)} | {_cell(w.fragment)} | {w.rule} | <{w.source}> |"
        for w in WARNED_INPUTS
    ]
    lines += [
        "",
        "## Accepted: documented-valid inputs",
        "",
        "| Input | Why it is accepted | Source |",
        "|---|---|---|",
    ]
    lines += [f"| {_cell(given)} | {why} | <{url}> |" for given, why, url in ACCEPTED]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
