"""network_trail: CloudTrail network activity events for VPC endpoints, as a CDK construct.

The public API is what ``__all__`` lists.
"""

import importlib
from typing import TYPE_CHECKING, Any

from . import presets
from .errors import NetworkTrailError
from .model.presets import Preset
from .model.selectors import (
    ACCESS_DENIED_ERROR_CODE,
    Condition,
    DataEventSelector,
    Field,
    ManagementEvents,
    ManagementEventsSelector,
    NetworkActivitySelector,
    Operator,
    Selector,
    render_selectors,
    selector_from_json,
)
from .model.sources import (
    CURRENT_SOURCES,
    GA_SOURCES,
    REMOVED_SOURCES,
    SOURCE_LIST_DATE,
    CustomEventSource,
    EventSource,
    NetworkActivityEventSource,
)

if TYPE_CHECKING:
    from .cdk.athena import NetworkActivityQueries, NetworkActivityQueriesProps
    from .cdk.coverage import NetworkActivityCoverage
    from .cdk.detection import NetworkActivityAlarms, NetworkActivityAlarmsProps
    from .cdk.log_archive import ImportedLogArchive, LogArchive, LogArchiveProps
    from .cdk.trail import NetworkTrail, NetworkTrailProps
    from .simulator.endpoint_coverage import CoverageStatus

# The construct imports aws_cdk (about 1 s and a Node process): load it on first use only, so the
# pure parts (selectors, presets, the simulator and its command line) start fast.
_LAZY = {
    "CoverageStatus": "simulator.endpoint_coverage",
    "NetworkActivityCoverage": "cdk.coverage",
    "ImportedLogArchive": "cdk.log_archive",
    "LogArchive": "cdk.log_archive",
    "LogArchiveProps": "cdk.log_archive",
    "NetworkActivityAlarms": "cdk.detection",
    "NetworkActivityAlarmsProps": "cdk.detection",
    "NetworkActivityQueries": "cdk.athena",
    "NetworkActivityQueriesProps": "cdk.athena",
    "NetworkTrail": "cdk.trail",
    "NetworkTrailProps": "cdk.trail",
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
    "DataEventSelector",
    "EventSource",
    "Field",
    "ImportedLogArchive",
    "LogArchive",
    "LogArchiveProps",
    "ManagementEvents",
    "ManagementEventsSelector",
    "NetworkActivityAlarms",
    "NetworkActivityAlarmsProps",
    "NetworkActivityCoverage",
    "NetworkActivityEventSource",
    "NetworkActivityQueries",
    "NetworkActivityQueriesProps",
    "NetworkActivitySelector",
    "NetworkTrail",
    "NetworkTrailError",
    "NetworkTrailProps",
    "Operator",
    "Preset",
    "Selector",
    "presets",
    "render_selectors",
    "selector_from_json",
]
