#!/usr/bin/env python3
"""Runs the BSONCodec benchmarks (W6: Docket's BSON codec against libbson) and prints docs/s, the Docket/libbson
time ratio of each pair and the allocations per document.

Every benchmark iteration processes all the documents of the corpus (100 000 users), so docs/s is the median
throughput (iterations/s) times that count. Benchmarks come in pairs named `<operation>/Docket` and
`<operation>/libbson`, measured in the same run; the ratio is Docket's median wall-clock time over libbson's
(below 1.0 means Docket is faster). docs/s comes from the median wall-clock time of an iteration; the best-run
ratio compares the fastest iterations, which is steadier on a shared, loaded machine.

Usage (from the package root; extra arguments go to `swift package benchmark`, e.g. `--filter 'encode.*'`):
    Benchmarks/compare-bson.py [--jmh-dir DIR] [benchmark arguments...]
With --from FILE, the saved text output of an earlier `swift package benchmark --target BSONCodec` run is read
instead of running the benchmarks.
"""

import re
import subprocess
import sys

DOCUMENTS_PER_ITERATION = 100_000
# The targets the brief sets: Docket's time at most this multiple of libbson's.
TARGETS = {"validate": 1.0, "decodeVisit": 1.5, "encode": 1.5}


TIME_UNITS = {"ns": 1e-9, "μs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
COUNT_SCALES = {"K": 1e3, "M": 1e6, "G": 1e9}


def run_benchmarks(extra_args):
    command = ["swift", "package", "benchmark", "--target", "BSONCodec", "--no-progress"] + extra_args
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    sys.stderr.write(output)
    return output


def parse_table(text):
    """Reads package-benchmark's text tables: the p50 column of each benchmark's wall clock and malloc rows.

    (The JMH export drops benchmarks whose throughput rounds to 0 iterations/s, so the text is parsed.)
    """
    results = {}
    current = None
    for line in text.splitlines():
        stripped = line.strip()
        if "/" in stripped and " " not in stripped and not stripped.startswith(("│", "╒", "├", "╘", "╞")):
            current = results.setdefault(stripped, {})
            continue
        if current is None or not stripped.startswith("│"):
            continue
        cells = [c.strip() for c in stripped.strip("│").split("│")]
        label, values = cells[0], cells[1:]
        if len(values) < 3 or not values[2].replace(",", "").replace(".", "").isdigit():
            continue
        p0, p50 = float(values[0].replace(",", "")), float(values[2].replace(",", ""))
        units = re.findall(r"\(([^)]*)\)", label)
        if label.startswith("Time (wall clock)"):
            unit = units[1] if len(units) > 1 else "s"
            current["wall"] = p50 * TIME_UNITS[unit]
            current["best"] = p0 * TIME_UNITS[unit]
        elif label.startswith("Malloc (total)"):
            scale = COUNT_SCALES.get(units[1], 1.0) if len(units) > 1 else 1.0
            current["mallocs"] = p50 * scale
    return results


def main():
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "--from":
        with open(args[1]) as f:
            text = f.read()
    else:
        text = run_benchmarks(args)
    results = parse_table(text)
    operations = sorted({name.split("/")[0] for name in results})
    print(f"{'operation':<14}{'Docket docs/s':>15}{'libbson docs/s':>16}{'ratio':>8}{'target':>11}"
          f"{'best-run ratio':>16}{'Docket allocs/doc':>19}{'libbson allocs/doc':>20}")
    for op in operations:
        docket, libbson = results.get(f"{op}/Docket"), results.get(f"{op}/libbson")
        if not docket or not libbson or "wall" not in docket or "wall" not in libbson:
            continue

        def allocs(r):
            return "-" if "mallocs" not in r else f"{r['mallocs'] / DOCUMENTS_PER_ITERATION:.2f}"

        ratio = docket["wall"] / libbson["wall"]
        target = TARGETS.get(op)
        verdict = "" if target is None else (f"<={target:.1f}" + (" ok" if ratio <= target else " MISS"))
        best = docket["best"] / libbson["best"]
        print(f"{op:<14}{DOCUMENTS_PER_ITERATION / docket['wall']:>15,.0f}"
              f"{DOCUMENTS_PER_ITERATION / libbson['wall']:>16,.0f}{ratio:>8.2f}{verdict:>11}{best:>16.2f}"
              f"{allocs(docket):>19}{allocs(libbson):>20}")


if __name__ == "__main__":
    main()
