"""The one reader of ``--template``: the stacks of a cloud assembly (``cdk.out``) or of a template file.

The fixtures are written by hand in the shape of the cloud assembly schema
(https://github.com/aws/aws-cdk-cli/tree/main/packages/@aws-cdk/cloud-assembly-schema,
``schema/cloud-assembly.schema.json``, read in the copy aws-cdk-lib's jsii package ships):

- ``manifest.json`` holds ``artifacts`` by id; the artifact types are ``aws:cloudformation:stack``,
  ``cdk:tree``, ``cdk:asset-manifest``, ``cdk:cloud-assembly`` and ``cdk:feature-flag-report``;
- a stack's ``properties.templateFile`` is "a file relative to the assembly root"; its
  ``properties.stackName`` is the stack's name, "Default - name derived from artifact ID";
- a nested assembly's ``properties.directoryName`` is the "relative path to the nested cloud assembly";
- a ``cdk:asset-manifest`` artifact's ``properties.file`` is the "filename of the asset manifest",
  whose ``files`` each have a ``source.path`` "relative to the asset manifest location"
  (``schema/assets.schema.json``); a stack lists its asset manifest in ``dependencies``, "IDs of
  artifacts that must be deployed before this artifact". ``cdk synth`` of a ``NestedStack`` writes
  its template as such a file asset, ``<parent><id><hash>.nested.template.json``;
- ``environment`` is ``aws://account/region``; "the special strings ``unknown-account`` and/or
  ``unknown-region``" mark an environment-agnostic stack (aws_cdk ``Stack.environment``,
  https://docs.aws.amazon.com/cdk/api/v2/python/aws_cdk/Stack.html).

``cdk synth`` of the sample app in pipeline mode (``cdk synth -c delivery=pipeline``) writes this
shape: the pipeline stack at the root, each stage an ``assembly-NetworkTrail-Pipeline-<env>``
directory whose stack has an artifact id such as ``NetworkTrailPipelinedevNetworkTraildev5CEBDFA4``
and ``stackName`` ``NetworkTrail-dev``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from network_trail import NetworkTrailError
from network_trail.cli import main
from network_trail.simulator.assembly import assembly_stacks

TRAIL: dict[str, Any] = {"Resources": {"Trail": {"Type": "AWS::CloudTrail::Trail", "Properties": {}}}}
BUCKET: dict[str, Any] = {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}


def _write(path: Path, value: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value))
    return path


def _stack(
    template_file: str, environment: str | None = None, stack_name: str | None = None
) -> dict[str, Any]:
    """An ``aws:cloudformation:stack`` artifact as the schema describes it."""
    artifact: dict[str, Any] = {
        "type": "aws:cloudformation:stack",
        "properties": {"templateFile": template_file},
    }
    if environment is not None:
        artifact["environment"] = environment
    if stack_name is not None:
        artifact["properties"]["stackName"] = stack_name
    return artifact


@pytest.fixture
def pipeline_out(tmp_path: Path) -> Path:
    """A cdk.out shaped like the sample app's pipeline mode: a root stack and one nested stage assembly."""
    out = tmp_path / "cdk.out"
    _write(out / "NetworkTrail-Pipeline.template.json", BUCKET)
    stage = out / "assembly-NetworkTrail-Pipeline-dev"
    _write(stage / "NetworkTrailPipelinedevNetworkTraildev5CEBDFA4.template.json", TRAIL)
    _write(
        stage / "manifest.json",
        {
            "version": "55.0.0",
            "artifacts": {
                "NetworkTrailPipelinedevNetworkTraildev5CEBDFA4.assets": {"type": "cdk:asset-manifest"},
                "NetworkTrailPipelinedevNetworkTraildev5CEBDFA4": _stack(
                    "NetworkTrailPipelinedevNetworkTraildev5CEBDFA4.template.json",
                    "aws://111111111111/us-east-1",
                    "NetworkTrail-dev",
                ),
            },
        },
    )
    _write(
        out / "manifest.json",
        {
            "version": "55.0.0",
            "artifacts": {
                "assembly-NetworkTrail-Pipeline-dev": {
                    "type": "cdk:cloud-assembly",
                    "properties": {
                        "directoryName": "assembly-NetworkTrail-Pipeline-dev",
                        "displayName": "NetworkTrail-Pipeline/dev",
                    },
                },
                "NetworkTrail-Pipeline": _stack(
                    "NetworkTrail-Pipeline.template.json", "aws://555555555555/us-east-1"
                ),
                "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}},
            },
        },
    )
    return out


def test_a_nested_assembly_stack_takes_its_name_and_environment_from_its_own_manifest(
    pipeline_out: Path,
) -> None:
    stacks = assembly_stacks(pipeline_out)
    # THEN the root stack is named by its artifact id (no stackName), the stage's stack by its stackName,
    # in artifact id order with the nested assembly in its place; the tree and asset manifests are no stacks
    assert [(s.name, s.account, s.region) for s in stacks] == [
        ("NetworkTrail-Pipeline", "555555555555", "us-east-1"),
        ("NetworkTrail-dev", "111111111111", "us-east-1"),
    ]
    nested = pipeline_out / "assembly-NetworkTrail-Pipeline-dev"
    assert stacks[1].path == nested / "NetworkTrailPipelinedevNetworkTraildev5CEBDFA4.template.json"
    assert stacks[1].template == TRAIL


def test_a_template_file_of_a_nested_assembly_is_named_by_the_manifest_beside_it(pipeline_out: Path) -> None:
    file = (
        pipeline_out
        / "assembly-NetworkTrail-Pipeline-dev"
        / "NetworkTrailPipelinedevNetworkTraildev5CEBDFA4.template.json"
    )
    (stack,) = assembly_stacks(file)
    assert (stack.name, stack.account, stack.region, stack.path) == (
        "NetworkTrail-dev",
        "111111111111",
        "us-east-1",
        file,
    )


@pytest.mark.parametrize(
    ("environment", "account", "region"),
    [
        ("aws://unknown-account/unknown-region", None, None),
        ("aws://111111111111/unknown-region", "111111111111", None),
        ("aws://unknown-account/eu-west-1", None, "eu-west-1"),
        (None, None, None),
    ],
    ids=["agnostic", "account-only", "region-only", "no-environment"],
)
def test_an_environment_agnostic_stack_has_no_account_or_region(
    tmp_path: Path, environment: str | None, account: str | None, region: str | None
) -> None:
    _write(tmp_path / "Agnostic.template.json", TRAIL)
    _write(
        tmp_path / "manifest.json",
        {"version": "55.0.0", "artifacts": {"Agnostic": _stack("Agnostic.template.json", environment)}},
    )
    (stack,) = assembly_stacks(tmp_path)
    assert (stack.name, stack.account, stack.region) == ("Agnostic", account, region)


def test_a_nested_stack_is_read_with_its_parents_environment(tmp_path: Path) -> None:
    # GIVEN a stack with a NestedStack, as cdk synth writes them: the nested template is a file asset
    _write(tmp_path / "Parent.template.json", BUCKET)
    _write(tmp_path / "ParentInner571755B8.nested.template.json", TRAIL)
    source = {"packaging": "file", "path": "ParentInner571755B8.nested.template.json"}
    own = {"packaging": "file", "path": "Parent.template.json"}
    _write(
        tmp_path / "Parent.assets.json",
        {"version": "55.0.0", "files": {"a1": {"source": source}, "b2": {"source": own}}},
    )
    parent = _stack("Parent.template.json", "aws://111111111111/eu-west-1")
    parent["dependencies"] = ["Parent.assets"]
    assets = {"type": "cdk:asset-manifest", "properties": {"file": "Parent.assets.json"}}
    _write(
        tmp_path / "manifest.json",
        {"version": "55.0.0", "artifacts": {"Parent.assets": assets, "Parent": parent}},
    )
    stacks = assembly_stacks(tmp_path)
    # THEN the nested stack follows its parent, in the parent's account and Region, named by its file
    assert [(s.name, s.account, s.region, s.template) for s in stacks] == [
        ("Parent", "111111111111", "eu-west-1", BUCKET),
        ("ParentInner571755B8.nested", "111111111111", "eu-west-1", TRAIL),
    ]


def test_a_template_file_without_a_manifest_beside_it_is_named_by_its_file(tmp_path: Path) -> None:
    file = _write(tmp_path / "Security.template.json", TRAIL)
    (stack,) = assembly_stacks(file)
    assert (stack.name, stack.account, stack.region, stack.template) == ("Security", None, None, TRAIL)


def test_a_template_file_the_manifest_beside_it_does_not_list_is_named_by_its_file(tmp_path: Path) -> None:
    _write(tmp_path / "Listed.template.json", BUCKET)
    _write(
        tmp_path / "manifest.json",
        {
            "version": "55.0.0",
            "artifacts": {"Listed": _stack("Listed.template.json", "aws://111111111111/us-east-1")},
        },
    )
    (stack,) = assembly_stacks(_write(tmp_path / "Copy.template.json", BUCKET))
    # the same template as a listed stack, but another file: not that stack
    assert (stack.name, stack.account, stack.region) == ("Copy", None, None)


def test_a_directory_without_manifest_reads_every_template_below_it(tmp_path: Path) -> None:
    _write(tmp_path / "Prod.template.json", TRAIL)
    _write(tmp_path / "stage" / "Dev.template.json", BUCKET)
    _write(tmp_path / "Prod.assets.json", {"version": "55.0.0"})
    stacks = assembly_stacks(tmp_path)
    assert [(s.name, s.account, s.region, s.template) for s in stacks] == [
        ("Prod", None, None, TRAIL),
        ("Dev", None, None, BUCKET),
    ]


def test_an_empty_directory_holds_no_stack(tmp_path: Path) -> None:
    with pytest.raises(NetworkTrailError) as raised:
        assembly_stacks(tmp_path)
    assert str(raised.value) == (
        f"--template {str(tmp_path)!r} holds no stack: a cdk.out directory lists its stacks in manifest.json "
        "(or holds *.template.json files): run `cdk synth` first, or give a template file"
    )


def test_a_manifest_without_stacks_holds_no_stack(tmp_path: Path) -> None:
    _write(tmp_path / "manifest.json", {"version": "55.0.0", "artifacts": {"Tree": {"type": "cdk:tree"}}})
    with pytest.raises(NetworkTrailError, match=r"holds no stack: a cdk\.out directory lists its stacks"):
        assembly_stacks(tmp_path)


def test_a_missing_template_of_the_manifest_is_named_with_the_fix(tmp_path: Path) -> None:
    _write(
        tmp_path / "manifest.json", {"version": "55.0.0", "artifacts": {"Gone": _stack("Gone.template.json")}}
    )
    with pytest.raises(NetworkTrailError) as raised:
        assembly_stacks(tmp_path)
    assert str(raised.value) == (
        f"--template {str(tmp_path / 'Gone.template.json')!r} cannot be read (No such file or directory): "
        "run `cdk synth` again, or give a readable template file"
    )


def test_a_template_that_is_not_json_is_named_with_the_fix(tmp_path: Path) -> None:
    bad = tmp_path / "Broken.template.json"
    bad.write_text("{")
    with pytest.raises(NetworkTrailError) as raised:
        assembly_stacks(tmp_path)
    message = str(raised.value)
    assert message.startswith(f"--template {str(bad)!r} is not valid JSON (")
    assert message.endswith(
        "): give a CloudFormation template (JSON) or the cdk.out directory of `cdk synth`"
    )


def test_a_template_without_resources_is_refused(tmp_path: Path) -> None:
    file = _write(tmp_path / "Stack.template.json", {"Outputs": {}})
    with pytest.raises(NetworkTrailError) as raised:
        assembly_stacks(file)
    assert str(raised.value) == (
        f"--template {str(file)!r} has no Resources object: give a CloudFormation template or cdk.out"
    )


def test_render_names_a_stage_trail_by_its_stack_name(pipeline_out: Path) -> None:
    # WHEN render is asked for a trail the nested assembly does not hold
    result = CliRunner().invoke(main, ["render", "--template", str(pipeline_out), "--trail", "Nope"])
    # THEN the trails it offers are named by the stage stack's stackName, as preflight names them
    assert result.exit_code == 2
    assert "choose one of ['NetworkTrail-dev/Trail']" in result.stderr
