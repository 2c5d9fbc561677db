"""Benchmark of `network-trail simulate` against jq and the gzip floor (a script, not a test).

Generates realistic gzip CloudTrail network activity log files in the S3 layout
(``AWSLogs/<account>/CloudTrail-NetworkActivity/<region>/YYYY/MM/DD/``), then in
one run times:

1. ``network-trail simulate`` on all of them (the installed command, a subprocess);
2. ``gzip -dc FILES | jq`` counting the records the same selectors log;
3. ``gzip -dc FILES > /dev/null``, the decompression floor;

checks that simulate and jq count the same events, and measures the peak memory
of simulate on N files and on 4N files.

With ``--compare-with DIR`` (another checkout of the repository, e.g. ``git worktree
add /tmp/nt-main main``), the same network activity run is timed with that checkout's
``simulate`` too, in the same run, so both ratios to the gzip floor are measured under
the same load. A data-event run follows: S3 object, Lambda and SNS data events and
management events under ``CloudTrail/``, simulated with the AWS CLI reference's
put-event-selectors Example 1 (management, S3 PutObject/DeleteObject but one bucket, one
Lambda function, one SNS topic); its expected count comes from the generator, which
knows what each record is, by the documented rules.

Usage: ``python benchmarks/simulate.py [--records 1000000] [--per-file 2000] [--dir /tmp/nt-bench]
[--compare-with DIR]``
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from network_trail import presets, render_selectors

try:
    import orjson

    def dumps(value: Any) -> bytes:
        return orjson.dumps(value)

except ImportError:

    def dumps(value: Any) -> bytes:
        return json.dumps(value).encode()


ACCOUNT = "333333333333"
ENDPOINTS = [
    "vpce-0a1b2c3d4e5f60718",
    "vpce-0f1e2d3c4b5a69788",
    "vpce-0123456789abcdef0",
    "vpce-0fedcba9876543210",
]
SOURCES = {
    "kms.amazonaws.com": ["Decrypt", "GenerateDataKey", "ListKeys", "DescribeKey", "Encrypt"],
    "s3.amazonaws.com": ["GetObject", "PutObject", "ListBuckets", "HeadObject", "ListObjectsV2"],
    "secretsmanager.amazonaws.com": ["GetSecretValue", "DescribeSecret", "ListSecrets"],
    "ec2.amazonaws.com": ["DescribeInstances", "DescribeVpcs", "RunInstances"],
    "cloudtrail.amazonaws.com": ["LookupEvents", "DescribeTrails"],
    "dynamodb.amazonaws.com": ["GetItem", "PutItem", "Query"],
    "sqs.amazonaws.com": ["SendMessage", "ReceiveMessage", "DeleteMessage"],
    "sns.amazonaws.com": ["Publish"],
    "lambda.amazonaws.com": ["Invoke"],
    "ssm.amazonaws.com": ["GetParameter", "GetParameters"],
}
WEIGHTS = [30, 30, 8, 8, 2, 8, 6, 3, 3, 2]
ROLES = ["app", "batch", "admin", "etl", "ci"]


def selectors() -> list[dict[str, Any]]:
    """The `prod` environment of the sample app: management events, log-all for 3 sources, denials for 7."""
    return render_selectors(
        [
            presets.management_events(),
            *presets.for_sources(
                ["kms", "secretsmanager", "s3"], preset="log-all", vpc_endpoint_ids=ENDPOINTS[:2]
            ),
            *presets.for_sources(
                ["cloudtrail", "ec2", "dynamodb", "sqs", "sns", "lambda", "ssm"], preset="access-denied"
            ),
        ]
    )


def record(rng: random.Random, when: float) -> dict[str, Any]:
    source = rng.choices(list(SOURCES), WEIGHTS)[0]
    external = rng.random() < 0.03
    caller = "777788889999" if external else ACCOUNT
    rec: dict[str, Any] = {"eventVersion": "1.11"}
    if external:
        rec["userIdentity"] = {
            "type": "AWSAccount",
            "principalId": "AKIAIOSFODNN7EXAMPLE",
            "accountId": caller,
        }
    else:
        role = rng.choice(ROLES)
        rec["userIdentity"] = {
            "type": "AssumedRole",
            "principalId": f"AROAEXAMPLE{role.upper()}:session-{rng.randrange(1000)}",
            "arn": f"arn:aws:sts::{caller}:assumed-role/{role}/session-{rng.randrange(1000)}",
            "accountId": caller,
            "accessKeyId": "ASIAIOSFODNN7EXAMPLE",
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": f"AROAEXAMPLE{role.upper()}",
                    "arn": f"arn:aws:iam::{caller}:role/{role}",
                    "accountId": caller,
                    "userName": role,
                },
                "attributes": {"creationDate": "2026-11-01T08:00:00Z", "mfaAuthenticated": "false"},
            },
        }
    rec.update(
        {
            "eventTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when)),
            "eventSource": source,
            "eventName": rng.choice(SOURCES[source]),
            "awsRegion": "eu-central-1",
            "sourceIPAddress": f"10.0.{rng.randrange(256)}.{rng.randrange(256)}",
        }
    )
    if external or rng.random() < 0.02:
        rec["errorCode"] = "VpceAccessDenied"
        rec["errorMessage"] = "The request was denied due to a VPC endpoint policy"
    rec.update(
        {
            "requestID": f"{rng.getrandbits(64):016x}",
            "eventID": f"{rng.getrandbits(128):032x}",
            "eventType": "AwsVpceEvent",
            "recipientAccountId": ACCOUNT,
            "sharedEventID": f"{rng.getrandbits(128):032x}",
            "vpcEndpointId": rng.choice(ENDPOINTS),
            "vpcEndpointAccountId": ACCOUNT,
            "eventCategory": "NetworkActivity",
        }
    )
    return rec


# The AWS CLI Command Reference, put-event-selectors, Example 1 (its Output, verbatim):
# https://docs.aws.amazon.com/cli/latest/reference/cloudtrail/put-event-selectors.html
EXCLUDED_BUCKET = "sample_bucket_name"
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:myFunction"
TOPIC = "arn:aws:sns:us-east-1:123456789012:myTopic.fifo"
DATA_SELECTORS: list[dict[str, Any]] = [
    {
        "Name": "Log all management events",
        "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
    },
    {
        "Name": "Log PutObject and DeleteObject events for all but one bucket",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
            {"Field": "eventName", "Equals": ["PutObject", "DeleteObject"]},
            {"Field": "resources.ARN", "NotStartsWith": [f"arn:aws:s3:::{EXCLUDED_BUCKET}/"]},
        ],
    },
    {
        "Name": "Log data events for a specific Lambda function",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::Lambda::Function"]},
            {"Field": "resources.ARN", "Equals": [FUNCTION]},
        ],
    },
    {
        "Name": "Log all Publish API calls on a specific SNS topic",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Data"]},
            {"Field": "resources.type", "Equals": ["AWS::SNS::Topic"]},
            {"Field": "eventName", "Equals": ["Publish"]},
            {"Field": "resources.ARN", "Equals": [TOPIC]},
        ],
    },
]


def data_record(rng: random.Random, when: float) -> tuple[dict[str, Any], bool]:
    """A data or management event, and whether Example 1 logs it (worked from the documented rules)."""
    rec = record(rng, when)
    for key in ("vpcEndpointId", "vpcEndpointAccountId", "sharedEventID", "errorCode", "errorMessage"):
        rec.pop(key, None)
    rec["eventType"] = "AwsApiCall"
    kind = rng.choices(["s3", "lambda", "sns", "management"], [70, 15, 5, 10])[0]
    if kind == "management":
        rec.update(eventSource="iam.amazonaws.com", eventName="GetRole", readOnly=True, managementEvent=True)
        rec["eventCategory"] = "Management"
        return rec, True
    rec.update(managementEvent=False, eventCategory="Data")
    if kind == "s3":
        bucket = rng.choice([EXCLUDED_BUCKET, "amzn-s3-demo-bucket", "logs-bucket"])
        name = rng.choice(["GetObject", "PutObject", "DeleteObject", "HeadObject"])
        rec.update(
            eventSource="s3.amazonaws.com", eventName=name, readOnly=name in ("GetObject", "HeadObject")
        )
        rec["resources"] = [
            {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/key-{rng.randrange(10_000)}.csv"},
            {"accountId": ACCOUNT, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"},
        ]
        return rec, name in ("PutObject", "DeleteObject") and bucket != EXCLUDED_BUCKET
    if kind == "lambda":
        function = rng.choice([FUNCTION, FUNCTION + "2", FUNCTION.replace("myFunction", "other")])
        rec.update(eventSource="lambda.amazonaws.com", eventName="Invoke", readOnly=False)
        rec["resources"] = [{"accountId": ACCOUNT, "type": "AWS::Lambda::Function", "ARN": function}]
        return rec, function == FUNCTION
    topic = rng.choice([TOPIC, TOPIC.replace("myTopic", "otherTopic")])
    rec.update(eventSource="sns.amazonaws.com", eventName="Publish", readOnly=False)
    rec["resources"] = [{"accountId": ACCOUNT, "type": "AWS::SNS::Topic", "ARN": topic}]
    return rec, topic == TOPIC


def generate_data(root: Path, total: int, per_file: int) -> tuple[list[Path], int]:
    """Data-event log files under ``CloudTrail/``, and how many records Example 1 logs."""
    marker = root / f".complete-{total}-{per_file}"
    if marker.exists():
        return sorted(root.rglob("*.json.gz")), int(marker.read_text())
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(20261205)
    start, step = 1_795_000_000.0, 2 * 86400 / total
    files, expected = [], 0
    for n in range(total // per_file):
        when = start + n * per_file * step
        folder = (
            root
            / "AWSLogs"
            / ACCOUNT
            / "CloudTrail"
            / "eu-central-1"
            / time.strftime("%Y/%m/%d", time.gmtime(when))
        )
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{ACCOUNT}_CloudTrail_eu-central-1_{n:06d}.json.gz"
        pairs = [data_record(rng, when + i * step) for i in range(per_file)]
        expected += sum(logged for _, logged in pairs)
        path.write_bytes(gzip.compress(dumps({"Records": [r for r, _ in pairs]}), compresslevel=6))
        files.append(path)
    marker.write_text(str(expected))
    return files, expected


def generate(root: Path, total: int, per_file: int) -> list[Path]:
    marker = root / f".complete-{total}-{per_file}"
    if marker.exists():
        return sorted(root.rglob("*.json.gz"))
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(20261127)
    start = 1_795_000_000.0  # 2026-11-18, days of logs
    step = 2 * 86400 / total  # the records cover two days
    files = []
    for n in range(total // per_file):
        when = start + n * per_file * step
        day = time.strftime("%Y/%m/%d", time.gmtime(when))
        stamp = time.strftime("%Y%m%dT%H%MZ", time.gmtime(when))
        folder = root / "AWSLogs" / ACCOUNT / "CloudTrail-NetworkActivity" / "eu-central-1" / day
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{ACCOUNT}_CloudTrail-NetworkActivity_eu-central-1_{stamp}_{n:06d}.json.gz"
        records = [record(rng, when + i * step) for i in range(per_file)]
        path.write_bytes(gzip.compress(dumps({"Records": records}), compresslevel=6))
        files.append(path)
    marker.touch()
    return files


def jq_condition(selector: dict[str, Any]) -> str:
    """One selector as a jq boolean, with CloudTrail's semantics (a missing field is null)."""
    tests = []
    for fs in selector["FieldSelectors"]:
        path = "." + ".".join(f'"{p}"' for p in fs["Field"].split("."))
        if fs["Field"] == "eventCategory":
            path = '(.eventCategory // (if .managementEvent == false then "Data" else "Management" end))'
        for op, values in fs.items():
            if op == "Field":
                continue
            alts = " or ".join(f"{path} == {json.dumps(v)}" for v in values)
            if op == "Equals":
                tests.append(f"({alts})")
            elif op == "NotEquals":
                tests.append(f"(({alts}) | not)")
            else:
                raise SystemExit(f"the jq translation here does not cover {op}")
    return "(" + " and ".join(tests) + ")"


def timed(
    command: list[str] | str, *, shell: bool = False, env: dict[str, str] | None = None
) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system of the command and its children) and stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(command, shell=shell, check=True, capture_output=True, text=True, env=env).stdout
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, out


def peak_rss_mib(command: list[str]) -> float:
    """Peak resident memory of ``command``, measured by a fresh wrapper process (ru_maxrss of its child)."""
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL);"
        " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *command], check=True, capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--per-file", type=int, default=2_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/nt-bench"))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="simulate --jobs")
    parser.add_argument("--compare-with", type=Path, help="another checkout whose simulate is timed too")
    args = parser.parse_args()

    t0 = time.perf_counter()
    files = generate(args.dir / "logs", args.records, args.per_file)
    gen = time.perf_counter() - t0
    raw = sum(p.stat().st_size for p in files)
    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}, Python {platform.python_version()}")
    print(
        f"data: {len(files)} files, {args.records:,} records, {raw / 2**20:.1f} MiB gzip (ready in {gen:.1f} s)"
    )

    sel_path = args.dir / "selectors.json"
    sel = selectors()
    sel_path.write_text(json.dumps(sel))
    simulate_cmd = [
        shutil.which("network-trail") or "network-trail",
        "simulate",
        "--no-progress",
        "--json",
        f"--jobs={args.jobs}",
    ]
    logs_dir = str(args.dir / "logs")

    # 1. network-trail simulate
    t_sim, c_sim, out = timed([*simulate_cmd, "--selectors", str(sel_path), logs_dir])
    report = json.loads(out)
    sim_logged = report["sets"][0]["logged"]
    assert report["records"] == args.records, report["records"]

    # 2. gzip -dc | jq, counting the same selection
    condition = " or ".join(jq_condition(s) for s in sel)
    jq_prog = f"[.Records[] | select({condition})] | length"
    list_file = args.dir / "files.txt"
    list_file.write_text("\n".join(str(p) for p in files))
    t_jq, c_jq, out = timed(f"xargs -a {list_file} gzip -dc | jq '{jq_prog}'", shell=True)
    jq_logged = sum(int(x) for x in out.split())

    # 3. the floor: decompression alone
    t_gz, c_gz, _ = timed(f"xargs -a {list_file} gzip -dc > /dev/null", shell=True)

    n = args.records
    print(
        f"logged by the selectors: simulate {sim_logged:,}, jq {jq_logged:,} ({'same' if sim_logged == jq_logged else 'DIFFERENT'})"
    )
    print(f"load average before the timed runs: {os.getloadavg()[0]:.1f} (the machine may be shared)")
    print(f"{'':<24}{'wall s':>8}{'events/s':>12}{'CPU s':>8}{'events/CPU-s':>14}")
    for label, wall, cpu in (
        ("network-trail simulate", t_sim, c_sim),
        ("gzip -dc | jq", t_jq, c_jq),
        ("gzip -dc (floor)", t_gz, c_gz),
    ):
        print(f"{label:<24}{wall:8.2f}{n / wall:12,.0f}{cpu:8.2f}{n / cpu:14,.0f}")
    print(
        f"simulate vs jq: {t_jq / t_sim:.1f}x faster (wall), {c_jq / c_sim:.1f}x (CPU); "
        f"simulate vs floor: {t_sim / t_gz:.1f}x slower (wall), {c_sim / c_gz:.1f}x (CPU)"
    )

    if args.compare_with:
        compare(args, sel_path, logs_dir, t_gz, c_gz)
    data_run(args)

    # 4. memory: N files vs 4N files
    quarter = files[: max(1, len(files) // 4)]
    rss_small = peak_rss_mib([*simulate_cmd, "--selectors", str(sel_path), *map(str, quarter)])
    rss_large = peak_rss_mib([*simulate_cmd, "--selectors", str(sel_path), *map(str, files)])
    print(
        f"peak RSS of simulate: {len(quarter)} files {rss_small:.1f} MiB, {len(files)} files {rss_large:.1f} MiB"
    )
    if sim_logged != jq_logged:
        raise SystemExit("simulate and jq disagree")


def checkout_simulate(tree: Path, jobs: int) -> tuple[list[str], dict[str, str]]:
    """The simulate command of a source checkout, run with this Python and that tree first on the path."""
    code = "import sys; from network_trail.cli import main; sys.argv[0] = 'network-trail'; main()"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return [sys.executable, "-c", code, "simulate", "--no-progress", "--json", f"--jobs={jobs}"], env


def compare(args: argparse.Namespace, sel_path: Path, logs_dir: str, t_gz: float, c_gz: float) -> None:
    """Both checkouts' simulate on the same files, alternated, best of 3 each, with their ratio to the floor."""
    here = Path(__file__).resolve().parent.parent
    best: dict[str, tuple[float, float]] = {}
    for _ in range(3):
        for label, tree in (("before", args.compare_with.resolve()), ("after", here)):
            command, env = checkout_simulate(tree, args.jobs)
            start = time.perf_counter()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            out = subprocess.run(
                [*command, "--selectors", str(sel_path), logs_dir], env=env, check=True, capture_output=True
            ).stdout
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            assert json.loads(out)["records"] == args.records
            old = best.get(label)
            best[label] = (wall, cpu) if old is None or wall < old[0] else old
    print(f"load average during the comparison: {os.getloadavg()[0]:.1f}")
    for label, (wall, cpu) in best.items():
        print(
            f"{label:<7} simulate: best wall {wall:.2f} s ({wall / t_gz:.2f}x the floor), CPU {cpu:.2f} s ({cpu / c_gz:.2f}x)"
        )
    change = best["after"][0] / best["before"][0] - 1
    print(f"after vs before, ratio to the floor (wall): {change:+.1%}")


def data_run(args: argparse.Namespace) -> None:
    """Data events: simulate with the AWS CLI Example 1 against the generator's own count, and the floor."""
    files, expected = generate_data(args.dir / "data-logs", args.records, args.per_file)
    sel_path = args.dir / "data-selectors.json"
    sel_path.write_text(json.dumps(DATA_SELECTORS))
    command = [
        shutil.which("network-trail") or "network-trail",
        "simulate",
        "--no-progress",
        "--json",
        f"--jobs={args.jobs}",
    ]
    t_sim, c_sim, out = timed([*command, "--selectors", str(sel_path), str(args.dir / "data-logs")])
    report = json.loads(out)
    logged = report["sets"][0]["logged"]
    list_file = args.dir / "data-files.txt"
    list_file.write_text("\n".join(str(p) for p in files))
    t_gz, c_gz, _ = timed(f"xargs -a {list_file} gzip -dc > /dev/null", shell=True)
    n = report["records"]
    print(
        f"data events: {len(files)} files, {n:,} records; logged by Example 1: simulate {logged:,}, "
        f"expected {expected:,} ({'same' if logged == expected else 'DIFFERENT'})"
    )
    print(
        f"data events: simulate {t_sim:.2f} s wall ({n / t_sim:,.0f} events/s), {c_sim:.2f} s CPU; floor "
        f"{t_gz:.2f} s wall: {t_sim / t_gz:.1f}x the floor (wall), {c_sim / c_gz:.1f}x (CPU)"
    )
    if logged != expected:
        raise SystemExit("simulate and the generator disagree on the data events")


if __name__ == "__main__":
    main()
