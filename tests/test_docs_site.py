"""The documentation site: nav completeness, offline configuration, generated pages up to date.

The strict build itself (broken links, missing pages) runs in ``make docs``, part of ``make test``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from aws_cdk.assertions import Template

from tools.gen_docs import (
    OPTION_TABLES,
    REFRESH_COMMAND,
    api_markdown,
    architecture_edges,
    architecture_svg,
    option_table,
    presets_reference_markdown,
)

from .conftest import ROOT

DOCS = ROOT / "docs"
PACKAGE = ROOT / "network_trail"


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml, keeping ``!!python/name:`` tags as plain strings."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: f"!!python/{suffix}")


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    data: dict[str, Any] = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=_Loader)
    return data


def nav_files(nav: Any) -> Iterator[str]:
    """Every page path of an mkdocs nav, at any depth."""
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for item in nav:
            yield from nav_files(item)
    elif isinstance(nav, dict):
        for value in nav.values():
            yield from nav_files(value)


def test_nav_lists_every_page(config: dict[str, Any]) -> None:
    # GIVEN every Markdown page under docs/ WHEN compared with the nav THEN none is missing
    pages = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    missing = sorted(pages - set(nav_files(config["nav"])))
    assert not missing, f"add these pages to the nav in mkdocs.yml: {missing}"


def test_nav_lists_each_page_once(config: dict[str, Any]) -> None:
    listed = list(nav_files(config["nav"]))
    assert sorted({p for p in listed if listed.count(p) > 1}) == []


def test_nav_entries_exist(config: dict[str, Any]) -> None:
    absent = [p for p in nav_files(config["nav"]) if not (DOCS / p).is_file()]
    assert absent == [], f"nav entries pointing nowhere: {absent}"


def test_site_builds_offline(config: dict[str, Any]) -> None:
    # GIVEN the site configuration THEN nothing is fetched from the network at build time
    plugins = [next(iter(p)) if isinstance(p, dict) else p for p in config.get("plugins", [])]
    assert config["theme"]["font"] is False, "theme.font must be false: no Google Fonts"
    assert not {"social", "privacy", "optimize"} & set(plugins), plugins


def test_mermaid_blocks_render(config: dict[str, Any]) -> None:
    # GIVEN the Markdown extensions THEN ```mermaid fences become Material's mermaid diagrams
    extensions = {
        next(iter(e)): e[next(iter(e))] for e in config["markdown_extensions"] if isinstance(e, dict)
    }
    fences = extensions["pymdownx.superfences"]["custom_fences"]
    assert {
        "name": "mermaid",
        "class": "mermaid",
        "format": "!!python/name:pymdownx.superfences.fence_code_format",
    } in fences


def _defines_something(path: Path) -> bool:
    """Not a deprecated alias (network_trail/_deprecated.py), a re-export or a docstring-only package."""
    source = path.read_text()
    if "from ._deprecated import forward" in source or "import *" in source:
        return False
    return len(ast.parse(source).body) > 1


def public_modules() -> list[str]:
    """Every module of the package, subpackages included, whose dotted path has no ``_`` part."""
    modules = []
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if parts and not any(p.startswith("_") for p in parts) and _defines_something(path):
            modules.append(".".join(parts))
    return sorted(modules)


def test_public_modules_are_found_in_the_subpackages() -> None:
    assert {"cdk.trail", "model.selectors", "app.config", "simulator", "cli"} <= set(public_modules())


@pytest.mark.parametrize("module", public_modules())
def test_every_public_module_has_a_reference_page(module: str) -> None:
    pages = [p for p in (DOCS / "reference").glob("*.md") if f"::: network_trail.{module}\n" in p.read_text()]
    assert len(pages) == 1, f"write one docs/reference/ page with '::: network_trail.{module}'"
    assert f"]({pages[0].name})" in (DOCS / "reference" / "index.md").read_text(), (
        "link it from reference/index.md"
    )


def test_presets_reference_is_up_to_date() -> None:
    # GIVEN the committed page WHEN regenerated from the code THEN they are the same
    committed = (DOCS / "presets-reference.md").read_text()
    assert committed == presets_reference_markdown(), (
        f"docs/presets-reference.md is stale: run {REFRESH_COMMAND}"
    )


def test_api_option_tables_are_up_to_date() -> None:
    # GIVEN docs/api.md WHEN its option tables are regenerated from the props' docstrings THEN nothing changes
    committed = (DOCS / "api.md").read_text()
    assert committed == api_markdown(committed), (
        f"docs/api.md's option tables are stale: run {REFRESH_COMMAND}"
    )


@pytest.mark.parametrize(("construct", "module", "props_name"), OPTION_TABLES)
def test_api_option_table_has_a_row_per_option(construct: str, module: str, props_name: str) -> None:
    import dataclasses
    import importlib

    # GIVEN a construct's props WHEN its table is generated THEN each field has one row, in order
    props = getattr(importlib.import_module(module), props_name)
    rows = re.findall(r"^\| `(\w+)` \|", option_table(props), re.M)
    assert rows == [f.name for f in dataclasses.fields(props)]


def test_presets_reference_lists_every_source_and_preset() -> None:
    from network_trail import Preset
    from network_trail.model.sources import CURRENT_SOURCES

    rows = re.findall(
        r"^\| `(\w+)`(?: \(GA\))? \| `([^`]+)` \| `([\w-]+)` \|", presets_reference_markdown(), re.M
    )
    assert {(name, preset) for name, _, preset in rows} == {
        (s.name, p.value) for s in CURRENT_SOURCES for p in Preset
    }


def test_architecture_picture_is_up_to_date(default_template: Template) -> None:
    # GIVEN the default construct's template WHEN the picture is regenerated THEN it equals the committed one
    committed = (DOCS / "architecture.svg").read_text()
    assert committed == architecture_svg(default_template.to_json()), (
        f"docs/architecture.svg is stale: run {REFRESH_COMMAND}"
    )


def test_architecture_picture_draws_every_resource(default_template: Template) -> None:
    resources = default_template.to_json()["Resources"]
    svg = architecture_svg(default_template.to_json())
    assert [lid for lid in resources if f">{lid}</text>" not in svg] == []


def test_architecture_edges_include_the_trail_depending_on_the_bucket_policy(
    default_template: Template,
) -> None:
    # GIVEN the default template WHEN its edges are read THEN the trail waits for the bucket policy
    template = default_template.to_json()
    by_type = {r["Type"]: lid for lid, r in template["Resources"].items() if r["Type"] != "AWS::S3::Bucket"}
    trail, key = by_type["AWS::CloudTrail::Trail"], by_type["AWS::KMS::Key"]
    edges = {(a, b): kinds for a, b, kinds in architecture_edges(template)}
    depends = [b for (a, b), kinds in edges.items() if a == trail and "DependsOn" in kinds]
    assert [template["Resources"][b]["Type"] for b in depends] == ["AWS::S3::BucketPolicy"]
    assert (trail, key) in edges


def test_architecture_edges_read_fn_sub_references() -> None:
    template = {
        "Resources": {
            "Role": {"Type": "AWS::IAM::Role", "Properties": {"Name": {"Fn::Sub": "${Bucket.Arn}/x"}}},
            "Bucket": {"Type": "AWS::S3::Bucket"},
        }
    }
    assert architecture_edges(template) == [("Role", "Bucket", "Sub")]


def test_docs_index_embeds_the_architecture_picture() -> None:
    assert "](architecture.svg)" in (DOCS / "index.md").read_text()


def test_readme_says_how_to_serve_the_site() -> None:
    assert "mkdocs serve" in (ROOT / "README.md").read_text()


def test_make_test_builds_the_site_strictly() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test:.*\bdocs\b", makefile, re.M), "make test must depend on docs"
    assert "mkdocs build --strict" in makefile
