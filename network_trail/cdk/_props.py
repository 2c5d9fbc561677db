"""The hand-off from a construct's props object to its keyword arguments.

Each construct declares its options once, as the fields of a frozen props dataclass
(``NetworkTrailProps``, ``LogArchiveProps``, ``NetworkActivityQueriesProps``,
``NetworkActivityAlarmsProps``); its constructor keeps one keyword argument per field, as the
jsii-generated ``aws_cdk`` classes do, and its ``from_props`` passes a props object on with
:func:`keywords`. ``tests/test_props.py`` checks that the fields and the keyword arguments match
(name, type, default, order), so nothing is dropped on the way.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def keywords(props: DataclassInstance) -> dict[str, Any]:
    """``props`` as keyword arguments, one per field.

    Not ``dataclasses.asdict``, which deep-copies every value (constructs and jsii objects
    among them).

    :param props: a construct's props object.
    """
    return {field.name: getattr(props, field.name) for field in fields(props)}
