#!/usr/bin/env python3
"""Sample app: a network activity trail per environment listed in cdk.json.

``cdk synth`` synthesizes every environment; ``cdk synth -c env=prod`` one.
"""

import sys

import aws_cdk as cdk

from network_trail import NetworkTrailError
from network_trail.app.delivery import build_app


def main() -> int:
    app = cdk.App()
    try:
        build_app(app)
    except NetworkTrailError as err:
        print(f"network_trail: invalid configuration in cdk.json:\n{err}", file=sys.stderr)
        return 1
    app.synth()
    return 0


if __name__ == "__main__":
    sys.exit(main())
