"""The installed aws-cdk-lib gives every Region of network_trail's table the table's partition.

``network_trail.model._ids.partition_of`` stands in for ``Stack.partition`` (see
``network_trail/cdk/_stack.py``); a Region it holds that this aws-cdk-lib does not know, or maps
elsewhere, would change templates. ``scripts/check-floors.sh`` runs this with the lowest aws-cdk-lib
``pyproject.toml`` declares; ``tests/test_ids.py`` checks the installed one.
"""

from __future__ import annotations

import sys
from importlib.metadata import version

from aws_cdk import region_info

from network_trail.model._ids import KNOWN_REGIONS, partition_of


def main() -> int:
    cdk_regions = {info.name: info.partition for info in region_info.RegionInfo.regions}
    wrong = sorted(r for r in KNOWN_REGIONS if cdk_regions.get(r) != partition_of(r))
    if wrong:
        print(
            f"aws-cdk-lib {version('aws-cdk-lib')} gives other partitions than network_trail for {wrong}: "
            f"{ {r: cdk_regions.get(r) for r in wrong} }; drop them from KNOWN_REGIONS",
            file=sys.stderr,
        )
        return 1
    print(
        f"regions: the {len(KNOWN_REGIONS)} Regions of the partition table agree with aws-cdk-lib {version('aws-cdk-lib')}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
