#!/usr/bin/env python3
"""Engine benchmarks of two release builds in interleaved rounds (README "Engine (package-benchmark)").

    python3 Benchmarks/engine-interleaved.py BEFORE_BUILD_DIR AFTER_BUILD_DIR [--rounds 6] [--out DIR]

Each BUILD_DIR is a `.build/release` holding `EngineBenchmarks` and `docket-bench` (`swift build -c release --product
EngineBenchmarks`, then `--product docket-bench`). Every round runs both builds, alternating which goes first; each
build's turn holds the build lock (`flock /tmp/docket-build.lock`) so no build on the machine runs during a
measurement. Each benchmark runs in its own process, run directly (package-benchmark's debug mode prints the
percentiles). Prints the medians over the rounds of each p50, the ratio after/before and each round's ratio.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import time

BENCHMARKS = ["insertMany", "scanEmailEquality", "W4a", "W4b", "memory"]


def parse(text):
    """{benchmark: {metric: p50}} from package-benchmark's debug output."""
    results, bench, metric, rows = {}, None, None, []

    def flush():
        if bench and metric and rows:
            results.setdefault(bench, {})[metric] = next((v for v, p in rows if p >= 0.5), rows[-1][0])

    for line in text.splitlines():
        if m := re.match(r"Debug results for (.*):$", line):
            flush()
            bench, metric, rows = m.group(1), None, []
        elif (m := re.match(r"^(\S.*):$", line)) and bench:
            flush()
            metric, rows = m.group(1), []
        elif (m := re.match(r"^\s*([0-9.]+)\s+([0-9.]+)\s+\d+", line)) and metric:
            rows.append((float(m.group(1)), float(m.group(2))))
    flush()
    return results


def run_build(build, out, tag):
    """One build's turn in a round, under the build lock."""
    commands = [
        f"{build}/EngineBenchmarks --filter 'Engine.{b}/100000' > {out}/{tag}-{b}.txt 2>&1" for b in BENCHMARKS
    ]
    commands.append(
        f"{build}/docket-bench --size 100000 --runs 1 --workloads W1-noidx,W3-scan,W4a --scan-ops 50 "
        f"--json {out}/{tag}-bench.json > {out}/{tag}-bench.txt 2>&1"
    )
    subprocess.run(["flock", "-o", "/tmp/docket-build.lock", "sh", "-c", " && ".join(commands)], check=True)
    record = {}
    for b in BENCHMARKS:
        record[b] = parse(open(f"{out}/{tag}-{b}.txt").read()).get(f"Engine.{b}/100000", {})
    bench = json.load(open(f"{out}/{tag}-bench.json"))
    record["docket-bench"] = {w["id"]: w["median_seconds"] for w in bench["workloads"] if "median_seconds" in w}
    return record


ROWS = [
    ("insertMany 100k, p50 wall (ms)", lambda r: r["insertMany"]["Time (wall clock)"] / 1e6),
    ("full-scan find({email}) 100k, p50 wall (ms)", lambda r: r["scanEmailEquality"]["Time (wall clock)"] / 1e6),
    ("W4a 100k updates, p50 wall (ms)", lambda r: r["W4a"]["Time (wall clock)"] / 1e6),
    ("W4b 100k updates, p50 wall (ms)", lambda r: r["W4b"]["Time (wall clock)"] / 1e6),
    ("docket-bench W1-noidx 100k (ms)", lambda r: r["docket-bench"]["W1-noidx"] * 1e3),
    ("docket-bench W3-scan, per query (ms)", lambda r: r["docket-bench"]["W3-scan"] * 1e3 / 50),
    ("docket-bench W4a 100k (ms)", lambda r: r["docket-bench"]["W4a"] * 1e3),
    ("allocations per W4a update", lambda r: r["W4a"]["Malloc (total)"] / 1e5),
    ("allocations per W4b update", lambda r: r["W4b"]["Malloc (total)"] / 1e5),
    ("allocations per inserted document", lambda r: r["insertMany"]["Malloc (total)"] / 1e5),
    ("resident bytes per document", lambda r: r["memory"]["residentBytesPerDocument"]),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--out", default=".build-interleaved")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    records = {"before": [], "after": []}
    for r in range(args.rounds):
        for side in ["before", "after"] if r % 2 == 0 else ["after", "before"]:
            load = open("/proc/loadavg").read().split()[0]
            start = time.time()
            records[side].append(run_build(getattr(args, side), args.out, f"r{r}-{side}"))
            print(f"round {r} {side}: {time.time() - start:.0f} s, load average {load}", flush=True)
    json.dump(records, open(f"{args.out}/records.json", "w"), indent=1)
    print(f"\n| measure | before (median) | after (median) | after ÷ before | rounds |\n|---|---|---|---|---|")
    for name, value in ROWS:
        before = [value(r) for r in records["before"]]
        after = [value(r) for r in records["after"]]
        ratios = ", ".join(f"{a / b:.2f}" for b, a in zip(before, after))
        mb, ma = statistics.median(before), statistics.median(after)
        print(f"| {name} | {mb:.3g} | {ma:.3g} | {ma / mb:.3f} | {ratios} |")


if __name__ == "__main__":
    main()
