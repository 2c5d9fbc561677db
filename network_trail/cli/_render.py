"""``network-trail render``: selectors as ``aws cloudtrail put-event-selectors`` takes them."""

from __future__ import annotations

import click

from ._inputs import SelectorOptions, selector_input_options
from ._shared import _load, _print_json


@click.command()
@selector_input_options
def render(selector_options: SelectorOptions) -> None:
    """Print selectors as `aws cloudtrail put-event-selectors --advanced-event-selectors` takes them.

    Give one input: a --template trail, a --live or --selectors file, an --env
    of the sample app, or one --preset with its --source options. The selectors
    are checked as the construct checks them (CloudTrail's 500-value quota
    included). The output is always JSON, e.g.:

    \b
      aws cloudtrail put-event-selectors --trail-name T \\
        --advanced-event-selectors "$(network-trail render --template cdk.out)"
    """
    (chosen,) = _load(selector_options, count=1, command="render")
    _print_json(chosen.rendered())
