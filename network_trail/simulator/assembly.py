"""The stacks of a synthesized cloud assembly (``cdk.out``) or of one template file. Pure Python."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import NetworkTrailError

__all__ = ["StackTemplate", "assembly_stacks"]


@dataclass(frozen=True, slots=True)
class StackTemplate:
    """One stack of the assembly: its name, account and Region (``None`` when agnostic) and template."""

    name: str
    account: str | None
    region: str | None
    template: Mapping[str, Any]


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise NetworkTrailError(
            f"--template {str(path)!r} is not readable JSON ({error}): run `cdk synth`"
        ) from error


def _environment(value: object) -> tuple[str | None, str | None]:
    """``aws://<account>/<region>`` as its two parts (``None`` for ``unknown-…``)."""
    if not isinstance(value, str) or not value.startswith("aws://"):
        return None, None
    account, _, region = value.removeprefix("aws://").partition("/")
    return (None if account.startswith("unknown") else account), (
        None if region.startswith("unknown") else region
    )


def _manifest_stacks(directory: Path) -> Iterator[StackTemplate]:
    manifest = _read(directory / "manifest.json")
    for artifact_id, artifact in sorted((manifest.get("artifacts") or {}).items()):
        props = artifact.get("properties") or {}
        if artifact.get("type") == "aws:cloudformation:stack" and isinstance(props.get("templateFile"), str):
            account, region = _environment(artifact.get("environment"))
            name = str(props.get("stackName") or artifact_id)
            yield StackTemplate(name, account, region, _read(directory / props["templateFile"]))
        elif artifact.get("type") == "cdk:cloud-assembly" and isinstance(props.get("directoryName"), str):
            yield from _manifest_stacks(directory / props["directoryName"])


def assembly_stacks(path: Path) -> list[StackTemplate]:
    """The stacks of a ``cdk.out`` directory (nested stage assemblies included), or of one template file.

    :param path: a ``cdk.out`` directory with its ``manifest.json``, or a template file (its
        account and Region are read from a ``manifest.json`` beside it, else unknown).
    """
    if path.is_dir():
        if not (path / "manifest.json").is_file():
            raise NetworkTrailError(
                f"--template {str(path)!r} has no manifest.json: point it at the cdk.out of `cdk synth`"
            )
        return list(_manifest_stacks(path))
    if (path.parent / "manifest.json").is_file():
        # a template of a cdk.out directory: its account and Region are in the manifest
        found = [s for s in _manifest_stacks(path.parent) if s.template == _read(path)]
        if found:
            return found[:1]
    name = path.name.removesuffix(".json").removesuffix(".template")
    return [StackTemplate(name, None, None, _read(path))]
