"""Delivery of the sample app: plain stacks by default, a CDK Pipelines pipeline in waves on demand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template

from network_trail import NetworkTrailError
from network_trail.app.delivery import (
    DELIVERY_CONTEXT_KEY,
    DeliveryMode,
    DeliveryPipelineStack,
    build_app,
    load_delivery,
)
from network_trail.app.stack import NetworkTrailStack
from network_trail.simulator.assembly import assembly_stacks

from .conftest import CDK_JSON

ENVS = ("dev", "staging", "prod", "org")
CONNECTION = "arn:aws:codeconnections:us-east-1:555555555555:connection/0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
PIPELINE = {
    "mode": "pipeline",
    "pipeline_account": "555555555555",
    "pipeline_region": "us-east-1",
    "repository": "example-org/network-trail",
    "branch": "main",
    "connection_arn": CONNECTION,
    "waves": [["dev"], ["staging", "org"], ["prod"]],
}


def _context(**delivery: Any) -> dict[str, Any]:
    return {**CDK_JSON["context"], DELIVERY_CONTEXT_KEY: delivery}


@pytest.fixture(scope="module")
def pipeline_stack() -> DeliveryPipelineStack:
    app = cdk.App(context=_context(**PIPELINE), analytics_reporting=False)
    (stack,) = build_app(app)
    assert isinstance(stack, DeliveryPipelineStack)
    return stack


@pytest.fixture(scope="module")
def pipeline_template(pipeline_stack: DeliveryPipelineStack) -> dict[str, Any]:
    return Template.from_stack(pipeline_stack).to_json()


def _pipeline_stages(template: dict[str, Any]) -> list[dict[str, Any]]:
    (pipeline,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::CodePipeline::Pipeline"]
    stages: list[dict[str, Any]] = pipeline["Properties"]["Stages"]
    return stages


def _deploy_actions(template: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """Per pipeline stage, the CloudFormation execute-change-set actions, in stage order."""
    out = []
    for stage in _pipeline_stages(template):
        deploys = [a for a in stage["Actions"] if a["Name"].endswith("Deploy")]
        if deploys:
            out.append(deploys)
    return out


# --- default: plain stacks -------------------------------------------------------------------
def test_cdk_json_delivery_mode_is_stacks() -> None:
    delivery = load_delivery(CDK_JSON["context"][DELIVERY_CONTEXT_KEY], ENVS)
    assert delivery.mode is DeliveryMode.STACKS


def test_missing_delivery_context_means_stacks() -> None:
    assert load_delivery(None, ENVS).mode is DeliveryMode.STACKS


def test_stacks_mode_builds_one_stack_per_environment() -> None:
    app = cdk.App(context=CDK_JSON["context"], analytics_reporting=False)
    stacks = build_app(app)
    assert all(isinstance(s, NetworkTrailStack) for s in stacks)
    assert sorted(s.stack_name for s in stacks) == sorted(
        f"NetworkTrail-{e}" for e in CDK_JSON["context"]["network-trail:environments"]
    )


def test_stacks_mode_accepts_waves_that_miss_an_environment() -> None:
    # GIVEN a new environment not yet placed in a wave, while the app deploys plain stacks
    delivery = load_delivery({"mode": "stacks", "waves": [["dev"]]}, ENVS)
    # THEN it is no error: coverage only matters to a pipeline
    assert delivery.waves == (("dev",),)


# --- pipeline mode ---------------------------------------------------------------------------
def test_pipeline_mode_builds_only_the_pipeline_stack(pipeline_stack: DeliveryPipelineStack) -> None:
    assert pipeline_stack.node.id == "NetworkTrail-Pipeline"
    assert (pipeline_stack.account, pipeline_stack.region) == ("555555555555", "us-east-1")


def test_pipeline_deploys_waves_in_configured_order(pipeline_template: dict[str, Any]) -> None:
    stacks = [
        [a["Configuration"]["StackName"] for a in deploys] for deploys in _deploy_actions(pipeline_template)
    ]
    assert stacks == [
        ["NetworkTrail-dev"],
        ["NetworkTrail-staging", "NetworkTrail-org"],
        ["NetworkTrail-prod"],
    ]


def test_pipeline_deploys_each_environment_with_its_account_and_region(
    pipeline_template: dict[str, Any],
) -> None:
    expected = {
        name: (env["account"], env["region"])
        for name, env in CDK_JSON["context"]["network-trail:environments"].items()
    }
    for deploys in _deploy_actions(pipeline_template):
        for action in deploys:
            name = action["Configuration"]["StackName"].removeprefix("NetworkTrail-")
            account, region = expected[name]
            role = json.dumps(action["RoleArn"])
            assert f":iam::{account}:role/cdk-hnb659fds-deploy-role-{account}-{region}" in role
            # CodePipeline leaves Region out for actions in the pipeline's own Region
            assert action.get("Region", "us-east-1") == region


def test_pipeline_source_is_the_configured_connection(pipeline_template: dict[str, Any]) -> None:
    source = _pipeline_stages(pipeline_template)[0]
    (action,) = source["Actions"]
    assert action["ActionTypeId"]["Provider"] == "CodeStarSourceConnection"
    assert action["Configuration"] == {
        "ConnectionArn": CONNECTION,
        "FullRepositoryId": "example-org/network-trail",
        "BranchName": "main",
    }


def test_pipeline_synth_step_runs_make_synth(pipeline_template: dict[str, Any]) -> None:
    projects = [r for r in pipeline_template["Resources"].values() if r["Type"] == "AWS::CodeBuild::Project"]
    build_specs = [json.loads(p["Properties"]["Source"]["BuildSpec"]) for p in projects]
    synth_commands = [s["phases"]["build"]["commands"] for s in build_specs if "artifacts" in s]
    assert synth_commands == [["make synth"]]


def test_pipeline_uses_cross_account_artifact_key(pipeline_template: dict[str, Any]) -> None:
    keys = [r for r in pipeline_template["Resources"].values() if r["Type"] == "AWS::KMS::Key"]
    assert len(keys) == 1


def test_pipeline_stage_stacks_keep_stacks_mode_names(pipeline_stack: DeliveryPipelineStack) -> None:
    names = [[stage.stack.stack_name for stage in wave] for wave in pipeline_stack.stages]
    assert names == [
        ["NetworkTrail-dev"],
        ["NetworkTrail-staging", "NetworkTrail-org"],
        ["NetworkTrail-prod"],
    ]


def test_pipeline_stage_stack_holds_the_environment_trail(pipeline_stack: DeliveryPipelineStack) -> None:
    org_stage = pipeline_stack.stages[1][1]
    Template.from_stack(org_stage.stack).has_resource_properties(
        "AWS::CloudTrail::Trail", {"IsOrganizationTrail": True}
    )


def test_fails_when_env_is_combined_with_pipeline_mode() -> None:
    app = cdk.App(context={**_context(**PIPELINE), "env": "dev"}, analytics_reporting=False)
    with pytest.raises(NetworkTrailError, match=r"-c env='dev' cannot be combined with .* mode 'pipeline'"):
        build_app(app)


# --- validation ------------------------------------------------------------------------------
def test_fails_when_wave_names_unknown_environment() -> None:
    with pytest.raises(NetworkTrailError, match=r"key 'waves\[1\]': 'qa' is not an environment"):
        load_delivery({**PIPELINE, "waves": [["dev", "staging", "org"], ["qa", "prod"]]}, ENVS)


def test_fails_when_environment_is_in_two_waves() -> None:
    with pytest.raises(NetworkTrailError, match=r"key 'waves\[2\]': 'dev' is already in waves\[0\]"):
        load_delivery({**PIPELINE, "waves": [["dev"], ["staging", "org"], ["prod", "dev"]]}, ENVS)


def test_fails_when_pipeline_misses_an_environment() -> None:
    with pytest.raises(NetworkTrailError, match=r"environments \['org'\] are in no wave"):
        load_delivery({**PIPELINE, "waves": [["dev"], ["staging"], ["prod"]]}, ENVS)


def test_fails_when_waves_is_not_a_list_of_lists() -> None:
    with pytest.raises(NetworkTrailError, match=r"key 'waves': must be a non-empty list of non-empty lists"):
        load_delivery({**PIPELINE, "waves": ["dev", "prod"]}, ENVS)


def test_fails_when_pipeline_has_no_waves() -> None:
    config = {k: v for k, v in PIPELINE.items() if k != "waves"}
    with pytest.raises(NetworkTrailError, match=r"key 'waves': is missing: mode 'pipeline' needs waves"):
        load_delivery(config, ENVS)


def test_fails_when_pipeline_account_is_missing() -> None:
    config = {k: v for k, v in PIPELINE.items() if k != "pipeline_account"}
    with pytest.raises(NetworkTrailError, match=r"key 'pipeline_account': is missing: mode 'pipeline' needs"):
        load_delivery(config, ENVS)


def test_fails_when_connection_arn_is_malformed() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"key 'connection_arn': must be a CodeConnections connection ARN"
    ):
        load_delivery({**PIPELINE, "connection_arn": "my-connection"}, ENVS)


def test_fails_when_mode_is_unknown() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"key 'mode': must be one of \['stacks', 'pipeline'\], got 'waves'"
    ):
        load_delivery({"mode": "waves"}, ENVS)


def test_fails_when_delivery_has_unknown_key() -> None:
    with pytest.raises(NetworkTrailError, match=r"key 'stages': unknown keys"):
        load_delivery({"mode": "stacks", "stages": []}, ENVS)


def test_fails_when_delivery_is_not_an_object() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"must be an object such as \{'mode': 'stacks'\}, got 'pipeline'"
    ):
        load_delivery("pipeline", ENVS)


def test_delivery_context_override_selects_pipeline_mode() -> None:
    # GIVEN cdk.json's delivery in 'stacks' mode, WHEN -c delivery=pipeline is given
    delivery = load_delivery(CDK_JSON["context"][DELIVERY_CONTEXT_KEY], ENVS, mode_override="pipeline")
    # THEN the rest of the configuration is used for a pipeline
    assert (delivery.mode, delivery.waves) == (
        DeliveryMode.PIPELINE,
        (("dev",), ("staging", "org"), ("prod",)),
    )


def test_fails_when_delivery_context_override_is_unknown() -> None:
    with pytest.raises(
        NetworkTrailError, match=r"-c delivery='waves' must be one of \['stacks', 'pipeline'\]"
    ):
        load_delivery(None, ENVS, mode_override="waves")


def test_the_cli_reads_every_stage_stack_of_the_pipelines_assembly(
    pipeline_stack: DeliveryPipelineStack,
) -> None:
    # GIVEN the pipeline's cloud assembly: each stage is a nested assembly (a cdk:cloud-assembly artifact)
    app = pipeline_stack.node.root
    assert isinstance(app, cdk.App)
    stacks = assembly_stacks(Path(app.synth().directory))
    # THEN each environment's stack is read with its stack name and the account and Region of cdk.json
    envs = CDK_JSON["context"]["network-trail:environments"]
    found = {s.name: (s.account, s.region) for s in stacks}
    expected = {f"NetworkTrail-{name}": (envs[name]["account"], envs[name]["region"]) for name in ENVS}
    assert {name: found.get(name) for name in expected} == expected
    assert found["NetworkTrail-Pipeline"] == (PIPELINE["pipeline_account"], PIPELINE["pipeline_region"])
