"""The stacks of a synthesized cloud assembly (``cdk.out``) or of one template file. Pure Python.

The one reader of ``--template`` for every command (``render``, ``diff``, ``simulate``,
``explain``, ``coverage``, ``verify``, ``replay``, ``preflight``). What it reads, from the cloud
assembly schema (https://github.com/aws/aws-cdk-cli/tree/main/packages/@aws-cdk/cloud-assembly-schema,
``schema/cloud-assembly.schema.json``):

- ``manifest.json`` lists the assembly's ``artifacts`` by id;
- an ``aws:cloudformation:stack`` artifact is a stack: ``properties.templateFile`` is its template,
  "a file relative to the assembly root"; ``properties.stackName`` its name ("Default - name derived
  from artifact ID"); ``environment`` is ``aws://<account>/<region>``, where an environment-agnostic
  stack says ``unknown-account`` and ``unknown-region`` (aws_cdk ``Stack.environment``,
  https://docs.aws.amazon.com/cdk/api/v2/python/aws_cdk/Stack.html);
- a ``cdk:cloud-assembly`` artifact is a nested assembly (a ``Stage``, as CDK Pipelines makes):
  ``properties.directoryName`` is its "relative path", a directory with a ``manifest.json`` of its own;
- a ``cdk:asset-manifest`` artifact names its file in ``properties.file``; a stack depends on its
  asset manifest (``dependencies``), whose ``files`` include the templates of the stack's
  nested stacks (``NestedStack``; ``source.path``, relative to the asset manifest; CDK names them
  ``*.nested.template.json``). A nested stack is read as a stack of its parent's account and Region,
  named by its file (its name in CloudFormation is known only at deploy time).

A directory without ``manifest.json`` is read as a folder of templates: every ``*.template.json``
below it, each named by its file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from ..errors import NetworkTrailError

__all__ = ["MANIFEST", "StackTemplate", "assembly_stacks"]

MANIFEST: Final = "manifest.json"
"""The cloud assembly's manifest, at the root of ``cdk.out`` and of each nested assembly."""
_STACK: Final = "aws:cloudformation:stack"
_NESTED: Final = "cdk:cloud-assembly"
_ASSETS: Final = "cdk:asset-manifest"
_NESTED_STACK_SUFFIX: Final = ".nested.template.json"
_OPTION: Final = "--template"


@dataclass(frozen=True, slots=True)
class StackTemplate:
    """One stack of the assembly: its name, account and Region (``None`` when agnostic) and template.

    :param name: the stack's name: the manifest's ``stackName``, else its artifact id, else the
        template's file name without ``.template.json``.
    :param account: the account of the artifact's environment. Default: - unknown (agnostic)
    :param region: the Region of the artifact's environment. Default: - unknown (agnostic)
    :param template: the template document, a JSON object with a ``Resources`` object.
    :param path: the template file. Default: - none (a template built in memory)
    """

    name: str
    account: str | None
    region: str | None
    template: Mapping[str, Any]
    path: Path | None = None


def _read(path: Path) -> Any:
    """The JSON document of ``path``; a ``NetworkTrailError`` naming ``--template`` when it is not one."""
    try:
        return json.loads(path.read_text())
    except OSError as error:
        raise NetworkTrailError(
            f"{_OPTION} {str(path)!r} cannot be read ({error.strerror}): run `cdk synth` again, or give "
            "a readable template file"
        ) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise NetworkTrailError(
            f"{_OPTION} {str(path)!r} is not valid JSON ({error}): give a CloudFormation template (JSON) or "
            "the cdk.out directory of `cdk synth`"
        ) from None


def _template(path: Path) -> Mapping[str, Any]:
    document = _read(path)
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise NetworkTrailError(
            f"{_OPTION} {str(path)!r} has no Resources object: give a CloudFormation template or cdk.out"
        )
    return document


def _environment(value: object) -> tuple[str | None, str | None]:
    """``aws://<account>/<region>`` as its two parts (``None`` for ``unknown-…``)."""
    if not isinstance(value, str) or not value.startswith("aws://"):
        return None, None
    account, _, region = value.removeprefix("aws://").partition("/")
    return (None if account.startswith("unknown") else account), (
        None if region.startswith("unknown") else region
    )


def _artifacts(directory: Path) -> Mapping[str, Any]:
    manifest = _read(directory / MANIFEST)
    artifacts = manifest.get("artifacts") if isinstance(manifest, dict) else None
    if not isinstance(artifacts, dict):
        # The schema's default for a manifest without artifacts: "no artifacts".
        return {}
    return {key: value for key, value in artifacts.items() if isinstance(value, dict)}


def _asset_files(manifest: Path) -> list[Path]:
    """The file of every file asset of an asset manifest (``files``, each ``source.path`` relative to it)."""
    assets = _read(manifest)
    files = assets.get("files") if isinstance(assets, dict) else None
    paths: list[Path] = []
    for asset in files.values() if isinstance(files, dict) else ():
        source = asset.get("source") if isinstance(asset, dict) else None
        path = source.get("path") if isinstance(source, dict) else None
        if isinstance(path, str):
            paths.append(manifest.parent / path)
    return paths


def _nested_stack_files(
    directory: Path, artifacts: Mapping[str, Any], stack: Mapping[str, Any]
) -> list[Path]:
    """The templates of a stack's nested stacks (``NestedStack``): the ``*.nested.template.json`` files
    of the asset manifests the stack depends on."""
    found: list[Path] = []
    for dependency in stack.get("dependencies") or ():
        artifact = artifacts.get(str(dependency)) or {}
        file = (artifact.get("properties") or {}).get("file")
        if artifact.get("type") == _ASSETS and isinstance(file, str):
            found += [
                path for path in _asset_files(directory / file) if path.name.endswith(_NESTED_STACK_SUFFIX)
            ]
    return sorted(found)


def _manifest_stacks(directory: Path) -> Iterator[StackTemplate]:
    """The stacks of the assembly in ``directory``, their nested stacks and the stacks of its nested
    assemblies, by artifact id."""
    artifacts = _artifacts(directory)
    for artifact_id, artifact in sorted(artifacts.items()):
        props = artifact.get("properties") or {}
        if artifact.get("type") == _STACK and isinstance(props.get("templateFile"), str):
            account, region = _environment(artifact.get("environment"))
            name = str(props.get("stackName") or artifact_id)
            path = directory / props["templateFile"]
            yield StackTemplate(name, account, region, _template(path), path)
            for nested in _nested_stack_files(directory, artifacts, artifact):
                yield StackTemplate(_file_name(nested), account, region, _template(nested), nested)
        elif artifact.get("type") == _NESTED and isinstance(props.get("directoryName"), str):
            yield from _manifest_stacks(directory / props["directoryName"])


def _file_name(path: Path) -> str:
    return path.name.removesuffix(".json").removesuffix(".template")


def _file_stack(path: Path) -> StackTemplate:
    """A template file: the stack the ``manifest.json`` beside it names with this file, else an
    environment-agnostic stack named by the file."""
    if (path.parent / MANIFEST).is_file():
        for stack in _manifest_stacks(path.parent):
            if stack.path is not None and stack.path.resolve() == path.resolve():
                return stack
    return StackTemplate(_file_name(path), None, None, _template(path), path)


def assembly_stacks(path: Path) -> list[StackTemplate]:
    """The stacks of a ``cdk.out`` directory (nested stage assemblies included), or of one template file.

    :param path: a ``cdk.out`` directory (the stacks its ``manifest.json`` lists; without one, every
        ``*.template.json`` below it), or a template file (its name, account and Region are read
        from a ``manifest.json`` beside it that lists it, else the file's name and unknown).
    :returns: the stacks, sorted by artifact id (by path for files without a manifest).
    :raises NetworkTrailError: when ``path`` holds no stack, or a template is unreadable, not JSON
        or has no ``Resources`` object.
    """
    if not path.is_dir():
        return [_file_stack(path)]
    if (path / MANIFEST).is_file():
        stacks = list(_manifest_stacks(path))
    else:
        stacks = [
            StackTemplate(_file_name(file), None, None, _template(file), file)
            for file in sorted(path.rglob("*.template.json"))
        ]
    if not stacks:
        raise NetworkTrailError(
            f"{_OPTION} {str(path)!r} holds no stack: a cdk.out directory lists its stacks in "
            f"{MANIFEST} (or holds *.template.json files): run `cdk synth` first, or give a template file"
        )
    return stacks
