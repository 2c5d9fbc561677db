"""network_trail: CloudTrail network activity events for VPC endpoints, as a CDK construct.

The public API is what ``__all__`` lists.
"""

import importlib
from typing import TYPE_CHECKING, Any

from . import presets
from .errors import NetworkTrailError
from .presets import Preset
from .selectors import (
    ACCESS_DENIED_ERROR_CODE,
    Condition,
    Field,
    ManagementEventsSelector,
    NetworkActivitySelector,
    Operator,
    Selector,
    render_selectors,
    selector_from_json,
)
from .sources import (
    CURRENT_SOURCES,
    GA_SOURCES,
    REMOVED_SOURCES,
    SOURCE_LIST_DATE,
    CustomEventSource,
    EventSource,
    NetworkActivityEventSource,
)

if TYPE_CHECKING:
    from .athena import NetworkActivityQueries
    from .coverage import NetworkActivityCoverage
    from .detection import NetworkActivityAlarms
    from .endpoint_coverage import CoverageStatus
    from .log_archive import ImportedLogArchive, LogArchive
    from .trail import ManagementEvents, NetworkTrail

# The construct imports aws_cdk (about 1 s and a Node process): load it on first use only, so the
# pure parts (selectors, presets, the simulator and its command line) start fast.
_LAZY = {
    "CoverageStatus": "endpoint_coverage",
    "NetworkActivityCoverage": "coverage",
    "ImportedLogArchive": "log_archive",
    "LogArchive": "log_archive",
    "ManagementEvents": "trail",
    "NetworkActivityAlarms": "detection",
    "NetworkActivityQueries": "athena",
    "NetworkTrail": "trail",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "ACCESS_DENIED_ERROR_CODE",
    "CURRENT_SOURCES",
    "GA_SOURCES",
    "REMOVED_SOURCES",
    "SOURCE_LIST_DATE",
    "Condition",
    "CoverageStatus",
    "CustomEventSource",
    "EventSource",
    "Field",
    "ImportedLogArchive",
    "LogArchive",
    "ManagementEvents",
    "ManagementEventsSelector",
    "NetworkActivityAlarms",
    "NetworkActivityCoverage",
    "NetworkActivityEventSource",
    "NetworkActivityQueries",
    "NetworkActivitySelector",
    "NetworkTrail",
    "NetworkTrailError",
    "Operator",
    "Preset",
    "Selector",
    "presets",
    "render_selectors",
    "selector_from_json",
]
