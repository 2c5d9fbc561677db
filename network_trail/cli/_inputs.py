"""Where the command line's selectors come from: one parser for every command.

Every command that takes selectors (``render``, ``simulate``, ``explain``,
``diff``, ``verify``) declares them with :func:`selector_input_options` and reads
them with :meth:`SelectorOptions.load`, which returns one
:class:`SelectorInput` per selector set, in command-line order:

- ``--template PATH``: a synthesized template or a ``cdk.out`` directory; every
  ``AWS::CloudTrail::Trail`` is a set named ``<stack>/<logical id>``, ``--trail``
  picks one;
- ``--live FILE``: the JSON output of ``aws cloudtrail get-event-selectors``
  (advanced or basic event selectors);
- ``--selectors FILE``: a JSON list of advanced event selectors;
- ``--env NAME``: an environment of the sample app's ``cdk.json``;
- ``--preset NAME``: a console template, with the ``--source``,
  ``--vpc-endpoint-id`` and ``--event-name`` options that follow it.

Every set goes through the construct's own checks: each selector through
:func:`~network_trail.selector_from_json` (or the presets), the whole list
through :func:`~network_trail.model.validation.selector_set_problems` (the 500-value
quota included), so a bad input gets the error a synth would give. Only
``--env`` imports aws_cdk (and starts Node): the sample app's configuration
builds CDK values. The other inputs never do.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TypeVar

import click

from ..errors import NetworkTrailError
from ..model.presets import Preset, for_sources, management_events
from ..model.selectors import (
    Condition,
    DataEventSelector,
    ManagementEvents,
    NetworkActivitySelector,
    Selector,
    TrailSelector,
    render_selectors,
    selector_from_json,
)
from ..model.sources import (
    GA_SOURCES,
    SOURCE_LIST_DATE,
    CustomEventSource,
    EventSource,
    to_event_source,
)
from ..model.validation import selector_set_problems
from ..simulator import SelectorSet
from ..simulator.assembly import assembly_stacks

__all__ = [
    "PresetRequest",
    "SelectorInput",
    "SelectorOptions",
    "TemplateTrail",
    "live_selectors",
    "selector_input_options",
    "template_trails",
]

TRAIL_TYPE: Final = "AWS::CloudTrail::Trail"
MANAGEMENT_CHOICES: Final = tuple(m.value for m in ManagementEvents)
_ORDER_KEY: Final = "network_trail.selector_option_order"
# Options that start a selector set, and the options that belong to the --preset before them.
_SET_OPTIONS: Final = ("envs", "presets_", "selector_files", "templates", "live_files")
_PRESET_SCOPES: Final = ("sources", "vpc_endpoint_ids", "event_names")

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class TemplateTrail:
    """An ``AWS::CloudTrail::Trail`` of a synthesized template.

    :param stack: the stack's name (``cdk.out``'s manifest, or the template's file name).
    :param logical_id: the trail's logical id.
    :param properties: the resource's ``Properties``, as written in the template.
    """

    stack: str
    logical_id: str
    properties: Mapping[str, Any]

    @property
    def name(self) -> str:
        """``<stack>/<logical id>``, how the commands name the trail."""
        return f"{self.stack}/{self.logical_id}"


@dataclass(frozen=True, slots=True)
class SelectorInput:
    """One selector set a user gave, checked by the construct's rules.

    :param label: how reports name it, e.g. ``"template NetworkTrailprod/NetworkTrail240EFFCB"``.
    :param selectors: the selectors, as the construct would render them.
    :param warnings: what the construct would warn about (a covered selector, a custom source).
    :param trail: the template's trail, for ``--template`` inputs. Default: - not from a template
    """

    label: str
    selectors: tuple[TrailSelector, ...]
    warnings: tuple[str, ...] = ()
    trail: TemplateTrail | None = None

    def rendered(self) -> list[dict[str, Any]]:
        """The ``AdvancedEventSelectors`` JSON, as ``PutEventSelectors`` takes it."""
        return render_selectors(self.selectors)

    def selector_set(self) -> SelectorSet:
        """The set, as :func:`~network_trail.simulator.simulate` takes it."""
        return SelectorSet(self.label, tuple(self.rendered()))


@dataclass(frozen=True, slots=True)
class PresetRequest:
    """One ``--preset`` and the scoping options that follow it on the command line."""

    preset: str
    sources: tuple[str, ...] = ()
    vpc_endpoint_ids: tuple[str, ...] = ()
    event_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SelectorOptions:
    """The selector options of one command line, in the order they were given.

    :param order: ``(kind, value)`` per selector set: ``("template", Path)``, ``("live", Path)``,
        ``("selectors", Path)``, ``("env", name)`` or ``("preset", PresetRequest)``.
    :param config: the sample app's ``cdk.json``, for ``--env``.
    :param trail: the ``--trail`` that picks one trail of each ``--template``. Default: - every trail
    :param management_events: ``none``, ``all``, ``read-only`` or ``write-only``, added to each preset set.
    """

    order: tuple[tuple[str, Any], ...]
    config: Path = Path("cdk.json")
    trail: str | None = None
    management_events: str = "none"
    _problems: tuple[str, ...] = field(default=())

    def load(self, *, allow_empty: bool = False) -> list[SelectorInput]:
        """Every selector set, validated; raises :class:`NetworkTrailError` listing what is wrong.

        :param allow_empty: return ``[]`` when no selector option was given. Default: False
        """
        if self._problems:
            raise NetworkTrailError(self._problems)
        if not self.order and not allow_empty:
            raise NetworkTrailError(
                "no selectors: give --template PATH, --live FILE, --selectors FILE, --env NAME, "
                "or --preset NAME with --source"
            )
        if self.trail is not None and not any(kind == "template" for kind, _ in self.order):
            raise NetworkTrailError(
                f"--trail {self.trail!r} picks a trail of a --template: add --template PATH or drop --trail"
            )
        out: list[SelectorInput] = []
        for kind, value in self.order:
            out.extend(self._load_one(kind, value))
        return out

    def _load_one(self, kind: str, value: Any) -> list[SelectorInput]:
        if kind == "env":
            return [_environment_input(self.config, value)]
        if kind == "preset":
            return [_preset_input(value, self.management_events)]
        if kind == "selectors":
            return [_selectors_file_input(value)]
        if kind == "live":
            return [_live_input(value)]
        return _template_inputs(value, self.trail)


# ---------------------------------------------------------------------------
# Click options


class _InOrder(click.Option):
    """An option whose every occurrence is recorded, in command-line order, in ``ctx.meta``.

    Click gathers the values of each option separately; the order tells which
    ``--source`` follows which ``--preset``, and which input is diff's first.
    """

    def add_to_parser(self, parser: Any, ctx: click.Context) -> None:
        super().add_to_parser(parser, ctx)
        name = self.name
        for opt in self.opts:
            parsed = parser._long_opt.get(opt) or parser._short_opt.get(opt)
            if parsed is None:  # pragma: no cover - click registers every declared option
                continue
            process = parsed.process

            def recording(value: Any, state: Any, _process: Any = process) -> None:
                ctx.meta.setdefault(_ORDER_KEY, []).append(name)
                _process(value, state)

            parsed.process = recording


def _many(*decls: str, **attrs: Any) -> Callable[[F], F]:
    """A repeatable option recorded in command-line order."""
    return click.option(*decls, multiple=True, cls=_InOrder, **attrs)


def _options() -> list[Callable[[F], F]]:
    return [
        _many(
            "--template",
            "templates",
            type=click.Path(path_type=Path, exists=True),
            help="A synthesized template or a cdk.out directory: each AWS::CloudTrail::Trail is a set "
            "(repeatable).",
        ),
        click.option(
            "--trail", help="The trail of --template to take: '<stack>/<logical id>' or the logical id."
        ),
        _many(
            "--live",
            "live_files",
            type=click.Path(path_type=Path, dir_okay=False, exists=True),
            help="The JSON output of `aws cloudtrail get-event-selectors` (repeatable).",
        ),
        _many(
            "--selectors",
            "selector_files",
            type=click.Path(path_type=Path, dir_okay=False, exists=True),
            help="A JSON file with an AdvancedEventSelectors list (repeatable).",
        ),
        click.option(
            "--config",
            type=click.Path(path_type=Path, dir_okay=False),
            default=Path("cdk.json"),
            show_default=True,
            help="cdk.json of the sample app, for --env.",
        ),
        _many("--env", "envs", help="An environment of the sample app's cdk.json (repeatable)."),
        _many(
            "--preset",
            "presets_",
            type=click.Choice([p.value for p in Preset]),
            help="A console template; the --source, --vpc-endpoint-id and --event-name options after it "
            "belong to it (repeatable).",
        ),
        _many(
            "--source",
            "sources",
            help="Event source of the --preset before it: 'kms', 'kms.amazonaws.com', 'ga' for the five GA "
            "sources, or a full '<service>.amazonaws.com' missing from the built-in list.",
        ),
        _many(
            "--vpc-endpoint-id", "vpc_endpoint_ids", help="Scope the --preset before it to these endpoints."
        ),
        _many("--event-name", "event_names", help="Scope the --preset before it to these API actions."),
        click.option(
            "--management-events",
            type=click.Choice(MANAGEMENT_CHOICES),
            default="none",
            show_default=True,
            help="Add a management events selector to each --preset set.",
        ),
    ]


_OPTION_NAMES: Final = (
    "templates",
    "trail",
    "live_files",
    "selector_files",
    "config",
    "envs",
    "presets_",
    "sources",
    "vpc_endpoint_ids",
    "event_names",
    "management_events",
)


def selector_input_options(func: F) -> F:
    """Add the selector options to a click command; it receives them as ``selector_options``.

    The command's function gets one keyword argument, ``selector_options``, a
    :class:`SelectorOptions`; ``selector_options.load()`` returns the validated sets::

        @main.command()
        @selector_input_options
        def coverage(selector_options: SelectorOptions) -> None:
            sets = selector_options.load()
    """

    @functools.wraps(func)  # also keeps the options click has already attached to func
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in _OPTION_NAMES}
        order = click.get_current_context().meta.get(_ORDER_KEY, [])
        kwargs["selector_options"] = _selector_options(values, order)
        return func(*args, **kwargs)

    wrapped: Any = wrapper
    for option in reversed(_options()):
        wrapped = option(wrapped)
    result: F = wrapped
    return result


def _selector_options(values: Mapping[str, Any], order: Sequence[str]) -> SelectorOptions:
    """Pair each set option with its value, and each --preset with the scoping options after it."""
    queues = {name: list(values[name]) for name in (*_SET_OPTIONS, *_PRESET_SCOPES)}
    sets: list[tuple[str, Any]] = []
    problems: list[str] = []
    kinds = {
        "envs": "env",
        "selector_files": "selectors",
        "templates": "template",
        "live_files": "live",
    }
    current: dict[str, list[str]] | None = None
    for name in order:
        if name not in queues or not queues[name]:
            continue
        value = queues[name].pop(0)
        if name == "presets_":
            current = {"preset": [value], **{scope: [] for scope in _PRESET_SCOPES}}
            sets.append(("preset", current))
        elif name in _PRESET_SCOPES:
            if current is None:
                flag = "--" + name.removesuffix("s").replace("_", "-")
                problems.append(
                    f"{flag} {value!r} comes before any --preset: put it after the --preset it belongs to, "
                    f"e.g. --preset access-denied {flag} {value}"
                )
            else:
                current[name].append(value)
        else:
            sets.append((kinds[name], value))
    final = tuple((kind, _preset_request(v) if kind == "preset" else v) for kind, v in sets)
    return SelectorOptions(
        order=final,
        config=values["config"],
        trail=values["trail"],
        management_events=values["management_events"],
        _problems=tuple(problems),
    )


def _preset_request(raw: Mapping[str, list[str]]) -> PresetRequest:
    return PresetRequest(
        preset=raw["preset"][0],
        sources=tuple(raw["sources"]),
        vpc_endpoint_ids=tuple(raw["vpc_endpoint_ids"]),
        event_names=tuple(raw["event_names"]),
    )


# ---------------------------------------------------------------------------
# Checking a list of selectors with the construct's rules


def _checked(
    label: str, selectors: Sequence[TrailSelector], problems: list[str], **extra: Any
) -> SelectorInput:
    """The input, or a :class:`NetworkTrailError` with every problem of the set."""
    errors, warnings = selector_set_problems(selectors, parameter=label) if not problems else ([], [])
    if problems or errors:
        raise NetworkTrailError([*problems, *errors])
    for i, sel in enumerate(selectors):
        if isinstance(sel, DataEventSelector):
            warnings.extend(f"{label}[{i}] ({sel.selector_name!r}): {m}" for _, m in sel.warnings())
        if isinstance(sel, NetworkActivitySelector) and sel.is_custom_source:
            warnings.append(
                f"{label}[{i}] logs eventSource {sel.source_value!r}, which is not in CloudTrail's list of "
                f"{SOURCE_LIST_DATE}: CloudTrail decides at deploy time whether it supports it"
            )
    return SelectorInput(label, tuple(selectors), tuple(warnings), **extra)


def _from_json(label: str, raw: object, **extra: Any) -> SelectorInput:
    """Parse a JSON list of advanced event selectors with :func:`selector_from_json`."""
    if not isinstance(raw, list):
        raise NetworkTrailError(
            f"{label} must be a JSON list of advanced event selectors, got {type(raw).__name__}: give the "
            f"AdvancedEventSelectors list, or the output of `aws cloudtrail get-event-selectors` with --live"
        )
    problems: list[str] = []
    selectors: list[TrailSelector] = []
    for i, item in enumerate(raw):
        try:
            selectors.append(selector_from_json(item, parameter=f"{label}[{i}]", allow_custom_source=True))
        except NetworkTrailError as err:
            problems.extend(err.problems)
    return _checked(label, selectors, problems, **extra)


def _read_json(option: str, path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except OSError as err:
        raise NetworkTrailError(f"{option} {str(path)!r} cannot be read: {err.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise NetworkTrailError(
            f"{option} {str(path)!r} is not valid JSON ({err}): give a JSON file"
        ) from None


# ---------------------------------------------------------------------------
# --preset, --env


def _sources(values: Sequence[str]) -> list[EventSource]:
    out: list[EventSource] = []
    for value in values:
        if value == "ga":
            out.extend(GA_SOURCES)
            continue
        # On the command line a source added after the list is given as the full eventSource.
        unlisted = (
            f"give the full eventSource, e.g. --source {value}.amazonaws.com, to use a source AWS "
            f"added after that list"
        )
        try:
            out.append(to_event_source(value, parameter="--source", unlisted=unlisted))
        except NetworkTrailError:
            if not value.endswith(".amazonaws.com"):
                raise
            out.append(_custom_source(value))
    return out


def _custom_source(value: str) -> CustomEventSource:
    try:
        return CustomEventSource(value)
    except NetworkTrailError as err:
        raise NetworkTrailError(f"--source {value!r}: {err}") from None


def _preset_input(request: PresetRequest, management: str) -> SelectorInput:
    if not request.sources:
        raise NetworkTrailError(
            f"--preset {request.preset} has no --source after it: add e.g. --preset {request.preset} "
            f"--source kms (or --source ga for the five GA sources)"
        )
    chosen = _sources(request.sources)
    selectors: list[Selector] = []
    management_selector = ManagementEvents(management).selector()
    if management_selector is not None:
        selectors.append(management_selector)
    selectors.extend(
        for_sources(
            chosen,
            preset=request.preset,
            vpc_endpoint_ids=request.vpc_endpoint_ids,
            event_names=request.event_names,
        )
    )
    names = [str(s.value).removesuffix(".amazonaws.com") for s in chosen]
    return _checked(f"preset {request.preset} ({', '.join(names)})", selectors, [])


def _environment_input(config: Path, name: str) -> SelectorInput:
    try:
        document = json.loads(config.read_text())
    except FileNotFoundError:
        raise NetworkTrailError(
            f"--env {name!r} reads the sample app's cdk.json, but --config {str(config)!r} does not exist: "
            f"run from the sample app's folder or pass --config PATH; for your own app use --template cdk.out"
        ) from None
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as err:
        raise NetworkTrailError(
            f"--config {str(config)!r} cannot be read as JSON ({err}): fix the file"
        ) from None
    from ..app.config import CONTEXT_KEY, load_environments  # imports aws_cdk: only for --env

    context = document.get("context", {}) if isinstance(document, dict) else {}
    if not isinstance(context, dict) or CONTEXT_KEY not in context:
        raise NetworkTrailError(
            f"--env {name!r} reads the context key {CONTEXT_KEY!r} of the sample app's cdk.json, and "
            f"--config {str(config)!r} has none: for your own app, synthesize it and use --template cdk.out"
        )
    environments = {e.name: e for e in load_environments(context[CONTEXT_KEY])}
    if name not in environments:
        raise NetworkTrailError(
            f"--env {name!r} is not an environment of {str(config)!r}: choose one of {sorted(environments)}"
        )
    return _checked(f"env {name}", environments[name].selectors, [])


# ---------------------------------------------------------------------------
# --selectors, --live


def _selectors_file_input(path: Path) -> SelectorInput:
    data = _read_json("--selectors", path)
    if isinstance(data, dict) and "AdvancedEventSelectors" in data:
        data = data["AdvancedEventSelectors"]
    return _from_json(f"--selectors {path.name}", data)


def _live_input(path: Path) -> SelectorInput:
    """``aws cloudtrail get-event-selectors`` output: ``AdvancedEventSelectors`` or basic ``EventSelectors``."""
    data = _read_json("--live", path)
    if not isinstance(data, dict) or not ({"AdvancedEventSelectors", "EventSelectors"} & set(data)):
        keys = sorted(data)[:5] if isinstance(data, dict) else type(data).__name__
        raise NetworkTrailError(
            f"--live {str(path)!r} is not the output of `aws cloudtrail get-event-selectors` (got {keys}): it "
            f"holds AdvancedEventSelectors or EventSelectors; save it with "
            f"`aws cloudtrail get-event-selectors --trail-name NAME > live.json`"
        )
    trail = data.get("TrailARN")
    return live_selectors(data, f"live {str(trail).rsplit('/', 1)[-1]}" if trail else f"live {path.name}")


def live_selectors(response: Mapping[str, Any], label: str) -> SelectorInput:
    """The selectors of a ``GetEventSelectors`` response, checked like any other input.

    :param response: the response (or ``aws cloudtrail get-event-selectors`` output).
    :param label: how the set is named.
    """
    if response.get("AdvancedEventSelectors"):
        return _from_json(label, response["AdvancedEventSelectors"])
    return _checked(label, _basic_selectors(label, response.get("EventSelectors") or []), [])


def _basic_selectors(label: str, basic: object) -> list[TrailSelector]:
    """The advanced selectors equal to basic event selectors: management events, and data events.

    Basic selectors log management and data events only, never network activity; by default
    ``IncludeManagementEvents`` is true and ``ReadWriteType`` is ``All``
    (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_EventSelector.html). A
    ``DataResources`` entry's ``Values`` are "ARN strings or partial ARN strings" (prefixes: ``arn:aws:s3``
    is every object) of its ``Type``
    (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DataResource.html): a data
    selector with ``resources.ARN`` ``StartsWith`` them, and the selector's ``ReadWriteType``.
    """
    if not isinstance(basic, list):
        raise NetworkTrailError(f"{label} EventSelectors must be a list, got {basic!r}")
    kinds: set[str] = set()
    data: list[TrailSelector] = []
    for i, sel in enumerate(basic):
        if not isinstance(sel, dict):
            raise NetworkTrailError(f"{label} EventSelectors[{i}] must be an object, got {sel!r}")
        if sel.get("ExcludeManagementEventSources"):
            raise NetworkTrailError(
                f"{label} EventSelectors[{i}] excludes management event sources, which this library does "
                f"not model: convert the trail to advanced event selectors (eventSource NotEquals)"
            )
        if sel.get("IncludeManagementEvents", True):
            kinds.add(str(sel.get("ReadWriteType", "All")))
        data.extend(_basic_data(f"{label} EventSelectors[{i}]", sel))
    read_only = None if "All" in kinds or {"ReadOnly", "WriteOnly"} <= kinds else "ReadOnly" in kinds
    management: list[TrailSelector] = [management_events(read_only=read_only)] if kinds else []
    return [*management, *data]


def _basic_data(where: str, sel: Mapping[str, Any]) -> list[TrailSelector]:
    """The data selectors of one basic selector's ``DataResources``."""
    resources = sel.get("DataResources") or []
    read_only = {"ReadOnly": True, "WriteOnly": False}.get(str(sel.get("ReadWriteType", "All")))
    out: list[TrailSelector] = []
    for j, resource in enumerate(resources if isinstance(resources, list) else [resources]):
        values = resource.get("Values") if isinstance(resource, dict) else None
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str) or not values:
            raise NetworkTrailError(
                f"{where}.DataResources[{j}] must be an object with a Type and a non-empty Values list, got "
                f"{resource!r} (API DataResource)"
            )
        try:
            out.append(
                DataEventSelector(
                    resource_type=resource["Type"],
                    read_only=read_only,
                    resources_arn=Condition(starts_with=tuple(values)),
                )
            )
        except NetworkTrailError as err:
            raise NetworkTrailError([f"{where}.DataResources[{j}]: {p}" for p in err.problems]) from None
    return out


# ---------------------------------------------------------------------------
# --template


def template_trails(path: Path) -> list[TemplateTrail]:
    """Every ``AWS::CloudTrail::Trail`` of a template file or a ``cdk.out`` directory, by stack."""
    trails: list[TemplateTrail] = []
    for stack in assembly_stacks(path):
        for logical_id, resource in sorted(stack.template["Resources"].items()):
            if isinstance(resource, dict) and resource.get("Type") == TRAIL_TYPE:
                trails.append(TemplateTrail(stack.name, logical_id, resource.get("Properties") or {}))
    return trails


def _template_inputs(path: Path, wanted: str | None) -> list[SelectorInput]:
    trails = template_trails(path)
    if not trails:
        raise NetworkTrailError(
            f"--template {str(path)!r} has no {TRAIL_TYPE} resource: point it at the template or cdk.out of "
            f"the app that defines the trail"
        )
    if wanted is not None:
        picked = [t for t in trails if wanted in (t.name, t.logical_id)]
        if not picked:
            raise NetworkTrailError(
                f"--trail {wanted!r} is not a trail of --template {str(path)!r}: choose one of "
                f"{[t.name for t in trails]}"
            )
        trails = picked
    return [_trail_input(trail) for trail in trails]


def _trail_input(trail: TemplateTrail) -> SelectorInput:
    label = f"template {trail.name}"
    props = trail.properties
    if "AdvancedEventSelectors" in props:
        unresolved = _first_intrinsic(props["AdvancedEventSelectors"])
        if unresolved is not None:
            raise NetworkTrailError(
                f"{label} AdvancedEventSelectors hold {json.dumps(unresolved)}, a value CloudFormation "
                f"resolves only at deploy time: after `cdk deploy`, use --live with the output of "
                f"`aws cloudtrail get-event-selectors`"
            )
        return _from_json(label, props["AdvancedEventSelectors"], trail=trail)
    # Without selectors a trail logs every read and write management event
    # (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cloudtrail-trail-eventselector.html).
    basic = props.get("EventSelectors", [{}])
    selectors = _basic_selectors(label, basic)
    return _checked(label, selectors, [], trail=trail)


def _first_intrinsic(value: object) -> object | None:
    """The first CloudFormation intrinsic (``{"Ref": …}``, ``{"Fn::…": …}``) in ``value``."""
    if isinstance(value, dict):
        if (len(value) == 1 and next(iter(value)) in ("Ref", "Condition")) or any(
            str(k).startswith("Fn::") for k in value
        ):
            return value
        items: Sequence[object] = list(value.values())
    elif isinstance(value, list):
        items = value
    else:
        return None
    for item in items:
        found = _first_intrinsic(item)
        if found is not None:
            return found
    return None
