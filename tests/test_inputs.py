"""The selector inputs every command shares: --template, --live, --selectors, --env, --preset/--source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.session
import click
import pytest
from botocore.validate import ParamValidator
from click.testing import CliRunner

from network_trail import CustomEventSource, presets, render_selectors
from network_trail.cli import main
from network_trail.cli._inputs import PresetRequest, SelectorOptions, selector_input_options
from network_trail.model.sources import NetworkActivityEventSource

from .conftest import ROOT
from .data.whole_trail import WHOLE_TRAIL as MIXED

SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_snapshot"
PROD = SNAPSHOTS / "test_sample_app_environment[prod].json"
DEV = SNAPSHOTS / "test_sample_app_environment[dev].json"
PROD_TRAIL = "NetworkTrail240EFFCB"


def run(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def trail_selectors(template: Path) -> list[dict[str, Any]]:
    resources = json.loads(template.read_text())["Resources"]
    (trail,) = (r for r in resources.values() if r["Type"] == "AWS::CloudTrail::Trail")
    selectors: list[dict[str, Any]] = trail["Properties"]["AdvancedEventSelectors"]
    return selectors


def same_selectors(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    """Equal up to the order of keys and of field selectors (CloudFormation's JSON sorts keys)."""

    def norm(sels: list[dict[str, Any]]) -> Any:
        return [
            (s.get("Name"), sorted(json.dumps(f, sort_keys=True) for f in s["FieldSelectors"])) for s in sels
        ]

    return bool(norm(a) == norm(b))


@pytest.fixture
def cdk_out(tmp_path: Path) -> Path:
    """A cdk.out with two stacks, each holding one trail, and the manifest naming the stacks."""
    out = tmp_path / "cdk.out"
    out.mkdir()
    (out / "Prod.template.json").write_text(PROD.read_text())
    (out / "Dev.template.json").write_text(DEV.read_text())
    manifest = {
        "artifacts": {
            "Prod": {
                "type": "aws:cloudformation:stack",
                "properties": {"templateFile": "Prod.template.json"},
            },
            "Dev": {
                "type": "aws:cloudformation:stack",
                "properties": {"templateFile": "Dev.template.json", "stackName": "network-trail-dev"},
            },
        }
    }
    (out / "manifest.json").write_text(json.dumps(manifest))
    return out


def write(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value))
    return path


# ---------------------------------------------------------------------------
# --preset and the options that follow it


def test_each_source_belongs_to_the_preset_before_it() -> None:
    result = run(
        "simulate",
        str(ROOT / "tests" / "data" / "kms-listkeys-allowed.json"),
        "--preset",
        "access-denied",
        "--source",
        "ga",
        "--preset",
        "log-all",
        "--source",
        "kms",
        "--json",
    )
    labels = [s["label"] for s in json.loads(result.stdout)["sets"]]
    assert labels == [
        "preset access-denied (cloudtrail, ec2, kms, s3, secretsmanager)",
        "preset log-all (kms)",
    ]


def test_endpoint_ids_belong_to_the_preset_before_them() -> None:
    vpce = "vpce-0123456789abcdef0"
    result = run(
        "render", "--preset", "log-all", "--source", "kms", "--vpc-endpoint-id", vpce, "--source", "s3"
    )
    expected = presets.for_sources(["kms", "s3"], preset="log-all", vpc_endpoint_ids=[vpce])
    assert json.loads(result.output) == render_selectors(expected)


def test_fails_when_a_source_comes_before_any_preset() -> None:
    result = run("render", "--source", "kms", "--preset", "log-all", "--source", "s3")
    assert result.exit_code == 2
    assert "--source 'kms' comes before any --preset" in result.stderr


def test_a_full_event_source_missing_from_the_list_is_a_custom_source() -> None:
    result = run("render", "--preset", "access-denied", "--source", "newservice.amazonaws.com")
    assert result.exit_code == 0
    expected = presets.access_denied(CustomEventSource("newservice.amazonaws.com"))
    assert json.loads(result.stdout) == render_selectors([expected])
    assert "'newservice.amazonaws.com', which is not in CloudTrail's list" in result.stderr


def test_fails_when_a_short_source_name_is_unknown_and_says_how_to_use_a_new_one() -> None:
    result = run("render", "--preset", "log-all", "--source", "newservice")
    assert result.exit_code == 2
    assert "--source 'newservice' is not a network activity event source" in result.stderr
    assert "--source newservice.amazonaws.com" in result.stderr


def test_fails_when_a_custom_source_has_a_bad_shape() -> None:
    result = run("render", "--preset", "log-all", "--source", "New_Service.amazonaws.com")
    assert result.exit_code == 2
    assert "must have the shape '<service>.amazonaws.com'" in result.stderr


def test_render_stops_at_cloudtrails_500_values() -> None:
    # One log-all selector per source scoped to five endpoints: 1 category + 1 source + 5 ids = 7 values each.
    args = ["render", "--preset", "log-all"]
    for source in NetworkActivityEventSource:
        args += ["--source", source.value]
    for i in range(5):
        args += ["--vpc-endpoint-id", f"vpce-0123456789abcdef{i}"]
    result = run(*args)
    assert result.exit_code == 2
    expected = 7 * len(NetworkActivityEventSource)
    assert f"use {expected} values, over CloudTrail's quota of 500 values" in result.stderr


def test_fails_without_any_selector_input() -> None:
    result = run("render")
    assert result.exit_code == 2
    assert "no selectors: give --template PATH, --live FILE" in result.stderr


# ---------------------------------------------------------------------------
# --template


def test_render_template_prints_the_trails_selectors() -> None:
    result = run("render", "--template", str(PROD))
    assert result.exit_code == 0, result.output
    assert same_selectors(json.loads(result.stdout), trail_selectors(PROD))


def test_template_directory_names_each_trail_by_stack_and_logical_id(cdk_out: Path) -> None:
    result = run("render", "--template", str(cdk_out))
    assert result.exit_code == 2
    assert f"network-trail-dev/{PROD_TRAIL}" in result.stderr
    assert f"Prod/{PROD_TRAIL}" in result.stderr
    assert "--trail NAME" in result.stderr


def test_trail_picks_one_trail_of_a_directory(cdk_out: Path) -> None:
    result = run("render", "--template", str(cdk_out), "--trail", f"network-trail-dev/{PROD_TRAIL}")
    assert same_selectors(json.loads(result.stdout), trail_selectors(DEV))


def test_fails_when_trail_is_not_in_the_template(cdk_out: Path) -> None:
    result = run("render", "--template", str(cdk_out), "--trail", "Nope")
    assert result.exit_code == 2
    assert "--trail 'Nope' is not a trail of --template" in result.stderr
    assert f"'Prod/{PROD_TRAIL}'" in result.stderr


def test_fails_when_the_template_has_no_trail(tmp_path: Path) -> None:
    template = write(tmp_path / "t.json", {"Resources": {"B": {"Type": "AWS::S3::Bucket"}}})
    result = run("render", "--template", str(template))
    assert result.exit_code == 2
    assert "has no AWS::CloudTrail::Trail resource" in result.stderr


def test_fails_when_cdk_out_holds_no_template(tmp_path: Path) -> None:
    result = run("render", "--template", str(tmp_path))
    assert result.exit_code == 2
    assert f"--template {str(tmp_path)!r} holds no stack" in result.stderr
    assert "run `cdk synth` first, or give a template file" in result.stderr


def trail_template(tmp_path: Path, properties: dict[str, Any]) -> Path:
    resources = {"Trail": {"Type": "AWS::CloudTrail::Trail", "Properties": properties}}
    return write(tmp_path / "Stack.template.json", {"Resources": resources})


def test_a_trail_without_selectors_logs_every_management_event(tmp_path: Path) -> None:
    # "By default, trails created without specific event selectors will be configured to log all read
    # and write management events" (AWS::CloudTrail::Trail EventSelector, CloudFormation reference).
    result = run("render", "--template", str(trail_template(tmp_path, {"IsLogging": True})))
    assert json.loads(result.stdout) == [
        {
            "Name": "Log all management events",
            "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
        }
    ]


def test_fails_when_template_selectors_hold_a_deploy_time_value(tmp_path: Path) -> None:
    selectors = [
        {
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
                {"Field": "eventSource", "Equals": ["kms.amazonaws.com"]},
                {"Field": "vpcEndpointId", "Equals": [{"Ref": "Endpoint"}]},
            ]
        }
    ]
    template = trail_template(tmp_path, {"AdvancedEventSelectors": selectors})
    result = run("render", "--template", str(template))
    assert result.exit_code == 2
    assert '{"Ref": "Endpoint"}' in result.stderr
    assert "use --live" in result.stderr


def test_template_selectors_get_the_constructs_errors(tmp_path: Path) -> None:
    selectors = [
        {
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
                {"Field": "eventSource", "Equals": ["kms.amazonaws.com"]},
                {"Field": "errorCode", "Equals": ["AccessDenied"]},
            ]
        }
    ]
    result = run("render", "--template", str(trail_template(tmp_path, {"AdvancedEventSelectors": selectors})))
    assert result.exit_code == 2
    # The only errorCode CloudTrail accepts for network activity events is VpceAccessDenied.
    assert "template Stack/Trail[0] errorCode is ['AccessDenied']" in result.stderr
    assert "['VpceAccessDenied']" in result.stderr


# ---------------------------------------------------------------------------
# --live (aws cloudtrail get-event-selectors) and --selectors


TRAIL_ARN = "arn:aws:cloudtrail:us-east-1:123456789012:trail/network-activity"
GET_EVENT_SELECTORS = (
    botocore.session.get_session()
    .get_service_model("cloudtrail")
    .operation_model("GetEventSelectors")
    .output_shape
)


def write_live(tmp_path: Path, response: dict[str, Any]) -> Path:
    """A --live file, after checking it has the shape of botocore's GetEventSelectors output."""
    report = ParamValidator().validate(response, GET_EVENT_SELECTORS)
    assert not report.has_errors(), report.generate_report()
    return write(tmp_path / "live.json", response)


def test_live_reads_advanced_event_selectors(tmp_path: Path) -> None:
    selectors = render_selectors(presets.ga_access_denied())
    live = write_live(tmp_path, {"TrailARN": TRAIL_ARN, "AdvancedEventSelectors": selectors})
    result = run("render", "--live", str(live))
    assert json.loads(result.stdout) == selectors


@pytest.mark.parametrize(
    ("basic", "expected"),
    [
        (
            [{"ReadWriteType": "All", "IncludeManagementEvents": True}],
            [{"Field": "eventCategory", "Equals": ["Management"]}],
        ),
        (
            [{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}],
            [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "readOnly", "Equals": ["true"]}],
        ),
        (
            [{"ReadWriteType": "WriteOnly"}],
            [
                {"Field": "eventCategory", "Equals": ["Management"]},
                {"Field": "readOnly", "Equals": ["false"]},
            ],
        ),
    ],
)
def test_live_reads_basic_event_selectors_as_management_events(
    tmp_path: Path, basic: list[dict[str, Any]], expected: list[dict[str, Any]]
) -> None:
    # EventSelector: IncludeManagementEvents defaults to true; ReadWriteType All, ReadOnly or WriteOnly.
    live = write_live(tmp_path, {"TrailARN": TRAIL_ARN, "EventSelectors": basic})
    result = run("render", "--live", str(live))
    (selector,) = json.loads(result.stdout)
    assert selector["FieldSelectors"] == expected


def test_live_reads_basic_data_resources_as_data_selectors(tmp_path: Path) -> None:
    # API DataResource: Values are "ARN strings or partial ARN strings"; 'arn:aws:s3' is every object
    basic = [
        {
            "ReadWriteType": "WriteOnly",
            "IncludeManagementEvents": True,
            "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
        }
    ]
    live = write_live(tmp_path, {"TrailARN": TRAIL_ARN, "EventSelectors": basic})
    result = run("render", "--live", str(live))
    management, data = json.loads(result.stdout)
    assert management["FieldSelectors"][1] == {"Field": "readOnly", "Equals": ["false"]}
    assert data["FieldSelectors"] == [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        {"Field": "readOnly", "Equals": ["false"]},
        {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3"]},
    ]


@pytest.mark.parametrize("option", ["--live", "--selectors", "--template"])
def test_every_input_reads_management_data_and_network_activity_selectors(
    tmp_path: Path, option: str
) -> None:
    # GIVEN the same mixed trail as get-event-selectors output, a selectors file and a template
    if option == "--live":
        path = write_live(tmp_path, {"TrailARN": TRAIL_ARN, "AdvancedEventSelectors": MIXED})
    elif option == "--selectors":
        path = tmp_path / "selectors.json"
        path.write_text(json.dumps(MIXED))
    else:
        path = tmp_path / "Stack.template.json"
        trail = {"Type": "AWS::CloudTrail::Trail", "Properties": {"AdvancedEventSelectors": MIXED}}
        path.write_text(json.dumps({"Resources": {"Trail": trail}}))
    # WHEN rendered
    result = run("render", option, str(path))
    # THEN it is read whole (0.2 refused the data selector), the rendering equal to the input
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == MIXED


def test_fails_when_a_data_selector_of_an_input_breaks_a_rule_citing_it(tmp_path: Path) -> None:
    bad = [
        {
            "FieldSelectors": [
                {"Field": "eventCategory", "Equals": ["Data"]},
                {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                {"Field": "readOnly", "NotEquals": ["true"]},
            ]
        }
    ]
    path = tmp_path / "selectors.json"
    path.write_text(json.dumps(bad))
    result = run("render", "--selectors", str(path))
    assert result.exit_code == 2
    assert "field 'readOnly' uses ['NotEquals']: CloudTrail allows only Equals on readOnly" in result.stderr
    assert "API_AdvancedFieldSelector.html" in result.stderr


def test_fails_when_live_logs_nothing(tmp_path: Path) -> None:
    live = write_live(
        tmp_path,
        {"TrailARN": TRAIL_ARN, "EventSelectors": [{"IncludeManagementEvents": False}]},
    )
    result = run("render", "--live", str(live))
    assert result.exit_code == 2
    assert "the trail would log nothing" in result.stderr


def test_fails_when_live_is_not_get_event_selectors_output(tmp_path: Path) -> None:
    live = write(tmp_path / "live.json", render_selectors(presets.ga_access_denied()))
    result = run("render", "--live", str(live))
    assert result.exit_code == 2
    assert "is not the output of `aws cloudtrail get-event-selectors` (got list)" in result.stderr


def test_fails_when_a_file_is_not_json(tmp_path: Path) -> None:
    bad = tmp_path / "live.json"
    bad.write_text("{")
    result = run("render", "--live", str(bad))
    assert result.exit_code == 2
    assert f"--live {str(bad)!r} is not valid JSON" in result.stderr


def test_selectors_file_gets_the_constructs_errors(tmp_path: Path) -> None:
    two_sources = {
        "Name": "two",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["NetworkActivity"]},
            {"Field": "eventSource", "Equals": ["kms.amazonaws.com", "s3.amazonaws.com"]},
        ],
    }
    result = run("render", "--selectors", str(write(tmp_path / "s.json", [two_sources])))
    assert result.exit_code == 2
    assert "CloudTrail requires a separate selector for each event source" in result.stderr


def test_selectors_file_rejects_the_same_selector_twice(tmp_path: Path) -> None:
    selectors = render_selectors(presets.ga_access_denied())
    result = run("render", "--selectors", str(write(tmp_path / "s.json", [*selectors, selectors[0]])))
    assert result.exit_code == 2
    assert "selects the same events as" in result.stderr


# ---------------------------------------------------------------------------
# --env outside the sample app


def test_env_outside_the_sample_app_says_to_use_a_template(tmp_path: Path) -> None:
    result = run("render", "--config", str(tmp_path / "cdk.json"), "--env", "prod")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert "--template cdk.out" in result.stderr
    assert "docs/" not in result.stderr


def test_env_with_a_users_cdk_json_says_to_use_a_template(tmp_path: Path) -> None:
    config = write(tmp_path / "cdk.json", {"app": "python3 app.py", "context": {}})
    result = run("render", "--config", str(config), "--env", "prod")
    assert result.exit_code == 2
    assert "has none: for your own app, synthesize it and use --template cdk.out" in result.stderr
    assert "docs/" not in result.stderr


def test_env_reads_an_environments_data_event_selectors(tmp_path: Path) -> None:
    # GIVEN a sample-app environment with management events, a preset and the S3 data selector of MIXED
    env = {
        "account": "111111111111",
        "region": "us-east-1",
        "management_events": "all",
        "selectors": [{"preset": "access-denied", "sources": ["kms"]}],
        "data_event_selectors": [MIXED[1]],
    }
    config = write(tmp_path / "cdk.json", {"context": {"network-trail:environments": {"dev": env}}})
    result = run("render", "--config", str(config), "--env", "dev")
    assert result.exit_code == 0, result.stderr
    rendered = json.loads(result.stdout)
    assert [s["FieldSelectors"][0]["Equals"] for s in rendered] == [
        ["Management"],
        ["NetworkActivity"],
        ["Data"],
    ]
    assert rendered[-1] == MIXED[1]


# ---------------------------------------------------------------------------
# The API other commands build on


@click.command()
@selector_input_options
@click.option("--extra", is_flag=True)
def _labels(selector_options: SelectorOptions, extra: bool) -> None:
    click.echo(json.dumps([i.label for i in selector_options.load()] + ([extra] if extra else [])))


def test_sets_come_in_command_line_order(tmp_path: Path) -> None:
    live = write_live(
        tmp_path,
        {"TrailARN": TRAIL_ARN, "AdvancedEventSelectors": render_selectors(presets.ga_access_denied())},
    )
    args = ["--live", str(live), "--template", str(PROD), "--preset", "log-all", "--source", "s3", "--extra"]
    result = CliRunner().invoke(_labels, args, catch_exceptions=False)
    assert json.loads(result.output) == [
        "live network-activity",
        f"template test_sample_app_environment[prod]/{PROD_TRAIL}",
        "preset log-all (s3)",
        True,
    ]


def test_selector_input_keeps_the_trail_of_a_template() -> None:
    options = SelectorOptions(order=(("template", PROD),))
    (item,) = options.load()
    assert item.trail is not None
    assert item.trail.name == f"test_sample_app_environment[prod]/{PROD_TRAIL}"
    assert item.trail.properties["IsMultiRegionTrail"] is True
    assert same_selectors(item.rendered(), trail_selectors(PROD))


def test_fails_when_trail_is_given_without_a_template() -> None:
    result = run("render", "--preset", "log-all", "--source", "kms", "--trail", "Stack/Trail")
    assert result.exit_code == 2
    assert "--trail 'Stack/Trail' picks a trail of a --template: add --template PATH" in result.stderr


def test_presets_from_python_take_a_preset_request() -> None:
    request = PresetRequest(preset="access-denied", sources=("kms",))
    (item,) = SelectorOptions(order=(("preset", request),), management_events="all").load()
    assert item.rendered() == render_selectors([presets.management_events(), presets.access_denied("kms")])
