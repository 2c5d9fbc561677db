"""What one `network-trail simulate --athena --run` costs in Athena (a script, not a test).

Athena bills the bytes a query reads from S3: $5 per TB, rounded up to the
megabyte, 10 MB minimum (https://aws.amazon.com/athena/pricing/). The table reads
CloudTrail's gzip JSON files whole (JSON is not columnar), so a query over a date
range costs the compressed size of that range's files. This script generates
realistic log files (the records of ``benchmarks/simulate.py``), measures their
gzip bytes per record, and prints the cost of one query for a few monthly
volumes, with the size of the compiled SQL for the sample app's ``prod`` selectors.

Usage: ``python benchmarks/athena_cost.py [--records 100000] [--dir /tmp/nt-bench-athena]``
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from benchmarks.simulate import generate, selectors
from network_trail.simulator import SelectorSet
from network_trail.simulator.athena_sql import athena_query_cost, compile_simulation

VOLUMES = (1_000_000, 100_000_000, 1_000_000_000)


def main() -> None:
    parser = argparse.ArgumentParser(description="What one simulate --athena --run costs in Athena.")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--per-file", type=int, default=2_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/nt-bench-athena"))
    args = parser.parse_args()
    files = generate(args.dir, args.records, args.per_file)
    compressed = sum(f.stat().st_size for f in files)
    per_record = compressed / args.records
    print(
        f"{len(files)} gzip files, {args.records:,} records, {compressed:,} bytes: {per_record:.1f} B/record"
    )
    sql = compile_simulation(
        [SelectorSet("prod", tuple(selectors()))], start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30)
    )
    print(f"compiled SQL for the sample app's prod selectors: {len(sql.encode()):,} bytes")
    print(f"{'events read':>15}  {'GB scanned':>10}  {'query cost':>10}")
    for events in VOLUMES:
        scanned = round(events * per_record)
        print(f"{events:>15,}  {scanned / 1e9:>10.2f}  ${athena_query_cost(scanned):>9.4f}")


if __name__ == "__main__":
    main()
