"""network_trail: CloudTrail network activity events for VPC endpoints, as a CDK construct.

The public API is what ``__all__`` lists.
"""

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
    GA_SOURCES,
    SOURCE_LIST_DATE,
    CustomEventSource,
    EventSource,
    NetworkActivityEventSource,
)
from .trail import ManagementEvents, NetworkTrail

__all__ = [
    "ACCESS_DENIED_ERROR_CODE",
    "GA_SOURCES",
    "SOURCE_LIST_DATE",
    "Condition",
    "CustomEventSource",
    "EventSource",
    "Field",
    "ManagementEvents",
    "ManagementEventsSelector",
    "NetworkActivityEventSource",
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
