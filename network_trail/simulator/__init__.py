"""Which CloudTrail records a set of advanced event selectors would log, and what it would cost.

The simulator evaluates the *rendered* selectors (the JSON of
:func:`~network_trail.render_selectors`, exactly what goes to CloudFormation and
``PutEventSelectors``) against CloudTrail records, following the documented
semantics of ``PutEventSelectors`` and ``AdvancedFieldSelector``:

- a record is logged if it matches **any** selector;
- within a selector **every** field selector must hold;
- within one field selector the SELECT operators ``Equals``, ``StartsWith`` and
  ``EndsWith`` are OR'd (one value of one of them matching is enough), the
  DESELECT operators ``NotEquals``, ``NotStartsWith`` and ``NotEndsWith`` are
  AND'd (no value of any of them may match), and the two groups are AND'd
  (CloudTrail User Guide, "How CloudTrail evaluates multiple conditions for a
  field",
  https://docs.aws.amazon.com/awscloudtrail/latest/userguide/filtering-data-events.html).
  So ``eventName`` with ``Equals ["CreateKey"]`` and ``StartsWith ["List"]``
  selects both ``CreateKey`` and ``ListKeys``.

Readings of what AWS does not spell out, applied the same way everywhere here:

- **A field missing from the record matches no value**: ``Equals``,
  ``StartsWith`` and ``EndsWith`` fail and ``NotEquals``, ``NotStartsWith`` and
  ``NotEndsWith`` hold. So ``errorCode Equals VpceAccessDenied`` drops an
  allowed call (which has no ``errorCode``). A value that is not a string (an
  object, a number) is treated as missing.
- Field paths with dots (``userIdentity.arn``) are nested lookups, except the
  data-event fields ``resources.type`` and ``resources.ARN``: they are tested
  against the elements of the record's ``resources`` array, and the
  ``resources.*`` field selectors of one selector must all hold for **one and the
  same** element (the API reference ties a ``resources.ARN`` value to a resource
  "of the type you've specified" in ``resources.type``). A record without a
  ``resources`` array is read as one element without fields.
- ``readOnly`` is a JSON boolean in records and the string ``"true"`` or
  ``"false"`` in selectors; the boolean is compared as that string. The same
  holds for ``sessionCredentialFromConsole``, which records carry only when it
  is true (CloudTrail record contents): a record without it compares as
  ``"false"``.
- ``eventCategory`` is in every record since ``eventVersion`` 1.07. An older
  record without it is taken as ``"Data"`` when it says
  ``"managementEvent": false`` and as ``"Management"`` otherwise (network
  activity records always carry the field).

Selectors are compiled once into one generated Python function, so a record
costs a few dictionary look-ups whatever the number of selectors:
:func:`compile_selectors`. :func:`explain` tells, for one record, which
selector logs it, or for each selector the first condition that fails.
:func:`simulate` streams CloudTrail log files (``.json`` and ``.json.gz``), one
file at a time per process, and counts what each selector set would log and
drop. With msgspec installed a file is decoded keeping only the fields the
selectors test (much faster than a full parse); a file with anything unusual in
it is read again with orjson or json, which also gives precise error messages.

.. seealso:: https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html
"""

from __future__ import annotations

from ._compile import CompiledSelectors, compile_selectors, explain
from ._explain import Explanation, SelectorFailure
from ._logs import FileProblem, iter_log_files, read_records
from ._parse import (
    DESELECT_OPERATORS as DESELECT_OPERATORS,
)
from ._parse import (
    OPERATORS as OPERATORS,
)
from ._parse import (
    RESOURCES_PREFIX as RESOURCES_PREFIX,
)
from ._parse import (
    SELECT_OPERATORS as SELECT_OPERATORS,
)
from ._parse import (
    SELECTOR_FIELDS as SELECTOR_FIELDS,
)
from ._report import (
    DATA_PRICE_PER_EVENT,
    MANAGEMENT_PRICE_PER_EVENT,
    NETWORK_ACTIVITY_PRICE_PER_EVENT,
    SelectorSet,
    SetReport,
    SimulationReport,
    SourceCount,
    price_per_event,
)
from ._run import simulate

__all__ = [
    "DATA_PRICE_PER_EVENT",
    "MANAGEMENT_PRICE_PER_EVENT",
    "NETWORK_ACTIVITY_PRICE_PER_EVENT",
    "CompiledSelectors",
    "Explanation",
    "FileProblem",
    "SelectorFailure",
    "SelectorSet",
    "SetReport",
    "SimulationReport",
    "SourceCount",
    "compile_selectors",
    "explain",
    "iter_log_files",
    "price_per_event",
    "read_records",
    "simulate",
]
