#!/usr/bin/env python3
"""Docket side by side with SQLite, DuckDB, mongomock and libbson on the canonical workloads (issue 4).

One command from a fresh clone (Swift, a C compiler, libbson-dev and Python 3.11+ installed):

    python3 Benchmarks/compare/compare.py --sizes 100000 1000000

It creates a virtual environment under .build-compare/venv with requirements.txt (duckdb, mongomock,
matplotlib), builds docket-bench in release and the libbson W6 program, has docket-bench write the dataset
(.build-compare/data: users_N.bson, users_N.jsonl, keys_N.json) plus a normalized copy of the JSON lines, then
runs every system round-robin, one process per system and round, on the same files: round r runs Docket,
SQLite, DuckDB, libbson (and mongomock) in an order rotated by r. Every system's answers are checked. It prints
the ratio table and writes Benchmarks/compare/results/{results.md,results.json,comparison.png}.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "Benchmarks" / "compare"
BUILD = ROOT / ".build-compare"
VENV = BUILD / "venv"
DATA = BUILD / "data"
RESULTS = HERE / "results"
LIBBSON_BINARY = BUILD / "libbson_w6"

ROWS = ["W1", "W1-noidx", "W2", "W2-scan", "W3", "W3-scan", "W4a", "W4b", "W5", "W8",
        "W6-validate", "W6-decode", "W6-encode", "W7"]
LABELS = {
    "W1": "W1 bulk insert, email+created_at indexes", "W1-noidx": "W1 (no secondary indexes yet)",
    "W2": "W2 lookups by email, indexed", "W2-scan": "W2 (scan, until indexes exist)",
    "W3": "W3 range page, indexed", "W3-scan": "W3 (scan + top-k, until indexes exist)",
    "W4a": "W4a $set status by _id (_id index only)", "W4b": "W4b $set teams.0.role by _id (_id index only)",
    "W5": "W5 seed aggregation", "W8": "W8 join users ⋈ memberships ⋈ teams",
    "W6-validate": "W6 validate", "W6-decode": "W6 decode + visit", "W6-encode": "W6 re-encode",
    "W7": "W7 cold open",
}
UNITS = {"W1": "docs", "W1-noidx": "docs", "W2": "lookups", "W2-scan": "lookups", "W3": "queries",
         "W3-scan": "queries", "W4a": "updates", "W4b": "updates", "W5": "runs", "W8": "runs", "W6-validate": "docs",
         "W6-decode": "docs", "W6-encode": "docs", "W7": "opens"}
TICKS = {
    "W1": "W1\nindexed", "W1-noidx": "W1\n_id index only", "W2": "W2\nindexed", "W2-scan": "W2\nscan",
    "W3": "W3\nindexed", "W3-scan": "W3\nscan + top-k", "W4a": "W4a\n$set status", "W4b": "W4b\n$set teams.0.role",
    "W5": "W5\naggregation", "W8": "W8\njoin", "W6-validate": "W6\nvalidate", "W6-decode": "W6\ndecode+visit",
    "W6-encode": "W6\nre-encode", "W7": "W7\ncold open",
}
ANCHORS = ["sqlite", "duckdb", "mongomock", "libbson"]
SYSTEM_NAMES = {"docket": "Docket", "sqlite": "SQLite", "duckdb": "DuckDB", "mongomock": "mongomock",
                "libbson": "libbson"}
# Per-operation costs of DuckDB's point queries/updates from Python (~1-5 ms) and of mongomock's pure-Python scans
# make the full key counts take minutes; they run on the first keys only and report per-operation throughput.
DUCKDB_CAPS = {"W2": 2000, "W3": 500, "W4": 2000}
MONGOMOCK_CAPS = {"scan": 10, "W4": 100, "W1": 2000}

SEMANTIC_NOTES = """\
- **Same files, same keys, every answer checked.** All systems load users_N (BSON for Docket and libbson; the
  JSON lines for the others, normalized once, untimed: `_id` as its hex string, `created_at` as epoch milliseconds)
  and run the keys of keys_N.json. Lookups must return the key's document, range pages must be in range, sorted
  and equal to a brute-force page on a sample, every update run must change exactly the documents a replay of its
  keys says (SQLite and DuckDB count changed rows with `... AND field IS DISTINCT FROM value`, as MongoDB counts
  `modified`), W5's count column must equal a brute-force count, W6 must validate/decode every document and
  re-encode it to identical bytes (the decode checksum of Docket and libbson must agree).
- **Docket today** has only the `_id` index and no aggregation or persistence: W1, W2, W3 (indexed), W5 and W7
  are reported as not yet available. `W1 (no secondary indexes yet)` inserts with the `_id` (primary key) index only
  in every system; the scan rows run the first keys as full scans in every system (SQLite and DuckDB on the table
  without the email/created_at indexes; mongomock never uses indexes for queries), and every system's W2 lookup
  stops at the same point: it asks for two matches (`LIMIT 2`, `limit(2)`), so it scans the whole table and proves
  the email unique. W4 runs in every system on the table with only its `_id` index (no secondary index to maintain
  on update), as Docket's collection has today.
- **Docket** runs through its engine API from Swift (`insertMany` in batches of 1000 from the decoded BSON file,
  `find` with limit 2, `find` with sort + limit, `updateOne` with `$set`), timed inside docket-bench.
- **SQLite** is Python's stdlib `sqlite3`, in memory, documents stored as JSON (JSONB when the library is 3.45 or
  newer; the version used is in results.json) with expression indexes on `_id` (unique), `email` (unique) and
  `created_at`; queries use `->>`, updates `json_set`/`jsonb_set`. W5 uses `json_each`, which, like `$unwind`, drops
  documents with an empty `teams` array. Times include Python's per-call overhead of the `sqlite3` module.
- **DuckDB** imports the JSON lines into a fixed schema (STRUCT/LIST columns declared up front: a document that
  does not fit the schema could not be stored, which Docket and MongoDB accept); bulk import is one
  `INSERT ... SELECT FROM read_json` (no client batches). W4b rebuilds the `teams` list with a new first element.
  W5 uses `unnest`. Point queries and updates run on the first keys only (see the ops column).
- **W8** (Docket's own workload, Benchmarks/workloads.json) joins the normalized form of the same users — users,
  memberships (one per embedded team), teams — built untimed: every user created on or after 2025-12-01 with each
  team's name and the user's role, one row per membership. SQLite and DuckDB run the three-table join with the seed's
  primary keys (memberships (user_id, team_id), teams (id)) and the users created_at index; Docket runs one
  `aggregate` with two `$lookup` stages. Every system's rows must match a brute-force count, team-id sum and
  rows per role.
- **mongomock** is a pure-Python in-memory fake of pymongo, run only at 100k, one round, on the first keys only
  (10 scans, 100 updates, W1 with indexes on the first 2 000 documents); its per-operation throughput is what
  it is at that count, not extrapolated.
- **libbson** (W6) is a C program (libbson_w6.c) using the walks of Sources/CLibBSON/shim.h: `bson_validate`,
  an iterator visit that reads every value (libbson never materializes a document, Docket's decode builds a
  `BSONDocument`), and a re-encode by appending every iterated value to a new `bson_t`.
- **Peak resident memory** is each system's process: for the Python anchors it includes the interpreter and the
  Python-side copy of the dataset and keys the checks use, so it overstates the engines' own memory.
- **Ratio** = Docket's median time per operation ÷ the anchor's (below 1: Docket faster). Medians of the rounds;
  the machine is shared (other builds and a fuzzer may run), so compare ratios measured in the same run.
"""


def sh(command, **kwargs):
    print("+ " + " ".join(str(c) for c in command), file=sys.stderr, flush=True)
    return subprocess.run([str(c) for c in command], check=True, **kwargs)


def ensure_venv():
    """Re-executes this script with the virtual environment's Python, creating it first if needed."""
    python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not python.exists():
        sh([sys.executable, "-m", "venv", VENV])
    sh([python, "-m", "pip", "install", "--quiet", "-r", HERE / "requirements.txt"])
    os.execv(str(python), [str(python), str(Path(__file__).resolve())] + sys.argv[1:])


def build(skip):
    if not skip:
        sh(["swift", "build", "-c", "release", "--product", "docket-bench"], cwd=ROOT)
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libbson-1.0"], check=True, stdout=subprocess.PIPE,
                           text=True).stdout.split()
    cflags = [f for f in flags if not f.startswith("-l")]
    libs = [f for f in flags if f.startswith("-l")]
    sh(["cc", "-O2", "-I", ROOT / "Sources" / "CLibBSON", *cflags, HERE / "libbson_w6.c", *libs, "-o",
        LIBBSON_BINARY])
    out = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                         stdout=subprocess.PIPE, text=True).stdout.strip()
    return Path(out) / "docket-bench"


def prepare_data(docket_bench, size):
    sh([docket_bench, "--size", size, "--data-dir", DATA, "--write-data"])
    norm = DATA / f"users_{size}.norm.jsonl"
    if norm.exists():
        return
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    with open(DATA / f"users_{size}.jsonl") as source, open(str(norm) + ".tmp", "w") as out:
        for line in source:
            d = json.loads(line)
            d["_id"] = d["_id"]["$oid"]
            when = datetime.datetime.fromisoformat(d["created_at"]["$date"].replace("Z", "+00:00"))
            d["created_at"] = (when - epoch) // datetime.timedelta(milliseconds=1)
            out.write(json.dumps(d, separators=(",", ":")) + "\n")
    os.replace(str(norm) + ".tmp", norm)


def run_docket(docket_bench, size, run, scan_ops):
    out = BUILD / f"docket_{size}_{run}.json"
    sh([docket_bench, "--size", size, "--runs", 1, "--run-index", run, "--data-dir", DATA, "--scan-ops", scan_ops,
        "--json", out], stdout=subprocess.DEVNULL)
    report = json.loads(out.read_text())
    result = {"system": "docket", "size": size, "run": run, "peak_rss_bytes": report["peak_rss_bytes"],
              "workloads": {}, "unavailable": {}}
    for w in report["workloads"]:
        if w["status"] == "ok":
            result["workloads"][w["id"]] = {"ops": w["ops"], "seconds": w["median_seconds"], "verified": True,
                                            "details": w["details"]}
        else:
            result["unavailable"][w["id"]] = "needs " + w["missing"]
    return result


def run_anchor(system, size, run, scan_ops):
    out = BUILD / f"{system}_{size}_{run}.json"
    sh([sys.executable, Path(__file__).resolve(), "--anchor", system, "--sizes", size, "--run", run,
        "--scan-ops", scan_ops, "--anchor-out", out])
    return json.loads(out.read_text())


def anchor_main(args):
    sys.path.insert(0, str(HERE))
    import anchors

    size = args.sizes[0]
    if args.anchor == "libbson":
        result = anchors.run_libbson(str(LIBBSON_BINARY), str(DATA), size, args.run)
    else:
        dataset = anchors.Dataset(str(DATA), size)
        runner = {"sqlite": anchors.run_sqlite, "duckdb": anchors.run_duckdb, "mongomock": anchors.run_mongomock}
        caps = {"duckdb": DUCKDB_CAPS, "mongomock": MONGOMOCK_CAPS}.get(args.anchor, {})
        result = runner[args.anchor](dataset, args.run, args.scan_ops, caps)
    Path(args.anchor_out).write_text(json.dumps(result, indent=1))


def summarize(rounds):
    """{system: {workload: {ops, seconds: [...], median, per_op, throughput}}, peak RSS, unavailable reasons}."""
    summary = {}
    for r in rounds:
        s = summary.setdefault(r["system"], {"workloads": {}, "unavailable": {}, "peak_rss_bytes": 0,
                                             "details": r.get("details", {})})
        s["peak_rss_bytes"] = max(s["peak_rss_bytes"], r["peak_rss_bytes"])
        s["unavailable"].update(r["unavailable"])
        for workload, m in r["workloads"].items():
            w = s["workloads"].setdefault(workload, {"ops": m["ops"], "seconds": [], "details": m["details"]})
            w["seconds"].append(m["seconds"])
    for s in summary.values():
        for w in s["workloads"].values():
            w["median_seconds"] = statistics.median(w["seconds"])
            w["per_op_seconds"] = w["median_seconds"] / w["ops"]
            w["throughput"] = w["ops"] / w["median_seconds"]
    return summary


def ratio(summary, workload, anchor):
    d = summary.get("docket", {}).get("workloads", {}).get(workload)
    a = summary.get(anchor, {}).get("workloads", {}).get(workload)
    if d is None or a is None:
        return None
    return d["per_op_seconds"] / a["per_op_seconds"]


def rate(value):
    for scale, suffix in ((1e6, "M"), (1e3, "k")):
        if value >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.3g}"


def cell(summary, system, workload):
    s = summary.get(system)
    if s is None:
        return "–"
    w = s["workloads"].get(workload)
    if w is None:
        return "n/a" if workload in s["unavailable"] else "–"
    if workload in ("W5", "W8"):
        return f"{w['median_seconds']:.3g} s"
    return f"{rate(w['throughput'])}/s ({w['ops']:,} ops)"


def markdown_table(size, summary, systems):
    anchors = [a for a in ANCHORS if a in systems]
    head = ["workload"] + [SYSTEM_NAMES[s] for s in systems] + [f"Docket/{SYSTEM_NAMES[a]}" for a in anchors]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for workload in ROWS:
        row = [LABELS[workload] + (" (time)" if workload in ("W5", "W8") else f" ({UNITS[workload]}/s)")]
        row += [cell(summary, s, workload) for s in systems]
        for a in anchors:
            value = ratio(summary, workload, a)
            row.append(f"{value:.3g}×" if value is not None else "")
        if all(c in ("–", "n/a", "") for c in row[1:]):
            continue
        lines.append("| " + " | ".join(row) + " |")
    lines.append("| peak resident memory | " + " | ".join(
        f"{summary[s]['peak_rss_bytes'] / 2**20:,.0f} MiB" if s in summary else "–" for s in systems)
        + " |" + " |" * len(anchors))
    missing = summary.get("docket", {}).get("unavailable", {})
    notes = [f"- Docket {w}: not yet available ({reason})." for w, reason in missing.items()]
    return f"### N = {size:,}\n\n" + "\n".join(lines) + "\n\n" + "\n".join(notes) + "\n"


def machine():
    cpu = "unknown"
    memory = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    swift = subprocess.run(["swift", "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True).stdout.splitlines()[0]
    libbson = subprocess.run(["pkg-config", "--modversion", "libbson-1.0"], stdout=subprocess.PIPE,
                             text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": memory, "os": platform.platform(), "swift": swift,
            "python": platform.python_version(), "libbson": libbson, "loadavg_start": os.getloadavg()}


def chart(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results, key=int)
    systems = ["docket", "sqlite", "duckdb", "mongomock", "libbson"]
    colors = {"docket": "#e4572e", "sqlite": "#4c78a8", "duckdb": "#f2a900", "mongomock": "#7f7f7f",
              "libbson": "#59a14f"}
    fig, axes = plt.subplots(len(sizes), 1, figsize=(13, 5 * len(sizes)), squeeze=False)
    for ax, size in zip(axes[:, 0], sizes):
        summary = results[size]
        rows = [w for w in ROWS if any(w in s["workloads"] for s in summary.values())]
        present = [s for s in systems if s in summary]
        width = 0.8 / len(present)
        for k, system in enumerate(present):
            xs, ys = [], []
            for i, workload in enumerate(rows):
                w = summary[system]["workloads"].get(workload)
                if w:
                    xs.append(i + (k - (len(present) - 1) / 2) * width)
                    ys.append(w["per_op_seconds"])
                elif system == "docket" and workload in summary[system]["unavailable"]:
                    ax.text(i + (k - (len(present) - 1) / 2) * width, 1.5e-8, "n/a", rotation=90, fontsize=7,
                            ha="center", va="bottom", color=colors[system])
            ax.bar(xs, ys, width, label=SYSTEM_NAMES[system], color=colors[system])
        ax.set_yscale("log")
        ax.set_ylim(bottom=1e-8)
        ax.set_xticks(range(len(rows)))
        ax.set_xticklabels([TICKS[w] for w in rows], fontsize=8)
        ax.set_ylabel("seconds per operation (log)")
        ax.set_title(f"N = {int(size):,} users: time per operation, median of rounds (lower is better)")
        ax.grid(axis="y", which="major", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


README = Path(__file__).resolve().parents[2] / "README.md"
README_BEGIN = "<!-- comparison:begin (written by Benchmarks/compare/compare.py; do not edit) -->"
README_END = "<!-- comparison:end -->"


def update_readme(saved):
    """Rewrites the comparison tables in README.md (between the markers) from a results.json, so every figure
    the README shows comes from this script."""
    info = saved["machine"]
    results = saved["results"]
    sizes = sorted(results, key=int)
    order = ["docket", "sqlite", "duckdb", "mongomock", "libbson"]
    tables = "\n".join(markdown_table(int(size), results[size], [s for s in order if s in results[size]])
                       for size in sizes)
    block = (
        f"{README_BEGIN}\n\nMeasured {info['date']} on {info['nproc']} cores ({info['cpu']}), {info['memory']} RAM; "
        f"load average {info['loadavg_start'][0]:.1f} at the start, {info['loadavg_end'][0]:.1f} at the end. "
        f"Medians of {saved['runs']} interleaved rounds. Ratio = Docket's time per operation ÷ the anchor's "
        "(below 1: Docket is faster).\n\n" + tables + f"\n{README_END}"
    )
    text = README.read_text()
    if README_BEGIN not in text or README_END not in text:
        print("README.md has no comparison markers; left unchanged")
        return
    head, rest = text.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    README.write_text(head + block + tail)
    print("updated the comparison tables in README.md")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3, help="rounds per size (median reported; default 3)")
    parser.add_argument("--systems", default="docket,sqlite,duckdb,mongomock,libbson")
    parser.add_argument("--mongomock-size", type=int, default=100_000, help="the only size mongomock runs at")
    parser.add_argument("--mongomock-runs", type=int, default=1)
    parser.add_argument("--skip-build", action="store_true", help="use the existing release docket-bench")
    parser.add_argument("--results-dir", default=str(RESULTS))
    parser.add_argument("--replot", action="store_true",
                        help="only redraw comparison.png from the results.json in --results-dir")
    parser.add_argument("--update-readme", action="store_true",
                        help="only rewrite README.md's comparison tables from the results.json in --results-dir")
    parser.add_argument("--anchor", help=argparse.SUPPRESS)
    parser.add_argument("--run", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--scan-ops", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--anchor-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.anchor:
        anchor_main(args)
        return

    if args.update_readme:
        update_readme(json.loads((Path(args.results_dir) / "results.json").read_text()))
        return
    ensure_venv()
    if args.replot:
        saved = json.loads((Path(args.results_dir) / "results.json").read_text())
        chart(saved["results"], Path(args.results_dir) / "comparison.png")
        return
    BUILD.mkdir(exist_ok=True)
    DATA.mkdir(exist_ok=True)
    docket_bench = build(args.skip_build)
    wanted = [s for s in args.systems.split(",") if s]
    info = machine()
    started = datetime.datetime.now(datetime.timezone.utc)
    results, raw = {}, {}
    for size in args.sizes:
        prepare_data(docket_bench, size)
        scan_ops = max(10, min(100_000, 20_000_000 // size))
        rounds = []
        for run in range(args.runs):
            systems = [s for s in wanted if s != "mongomock" or (size == args.mongomock_size
                                                                   and run < args.mongomock_runs)]
            systems = systems[run % len(systems):] + systems[:run % len(systems)]
            for system in systems:
                if system == "docket":
                    rounds.append(run_docket(docket_bench, size, run, scan_ops))
                else:
                    rounds.append(run_anchor(system, size, run, scan_ops))
        raw[size] = rounds
        results[size] = summarize(rounds)
        docket_checksum = results[size].get("docket", {}).get("workloads", {}).get("W6-decode", {})
        libbson_checksum = results[size].get("libbson", {}).get("workloads", {}).get("W6-decode", {})
        if docket_checksum and libbson_checksum and \
                docket_checksum["details"]["checksum"] != libbson_checksum["details"]["checksum"]:
            sys.exit(f"W6 decode checksums differ at N = {size}: Docket {docket_checksum['details']['checksum']}, "
                     f"libbson {libbson_checksum['details']['checksum']}")
    info["loadavg_end"] = os.getloadavg()
    info["date"] = started.strftime("%Y-%m-%d %H:%M UTC")

    out_dir = Path(args.results_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    systems = [s for s in ["docket", "sqlite", "duckdb", "mongomock", "libbson"] if s in wanted]
    tables = "\n".join(markdown_table(size, results[size], [s for s in systems if s in results[size]])
                       for size in args.sizes)
    versions = {s: d for size in args.sizes for s, v in results[size].items() for d in [v.get("details")] if d}
    text = (
        "# Docket side by side: results\n\n"
        f"Measured {info['date']} on {info['nproc']} cores ({info['cpu']}), {info['memory']} RAM, {info['os']}; "
        f"{info['swift']}; Python {info['python']}; libbson {info['libbson']}; "
        + "; ".join(f"{k}: {', '.join(f'{a} {b}' for a, b in v.items())}" for k, v in versions.items())
        + f". Load average at start {info['loadavg_start'][0]:.1f}, at end {info['loadavg_end'][0]:.1f} "
        "(a shared machine). Medians of " + f"{args.runs} interleaved rounds (mongomock: {args.mongomock_runs}).\n\n"
        "Throughput per system (operations, and how many were run); ratio = Docket's time per operation ÷ "
        "the anchor's (below 1: Docket faster). Produced by `python3 Benchmarks/compare/compare.py "
        + " ".join(f"--sizes {' '.join(str(s) for s in args.sizes)}".split()) + "`; no number is edited by hand.\n\n"
        + tables + "\n![time per operation](comparison.png)\n\n## Notes\n\n" + SEMANTIC_NOTES
    )
    (out_dir / "results.md").write_text(text)
    (out_dir / "results.json").write_text(json.dumps(
        {"machine": info, "runs": args.runs, "results": {str(k): v for k, v in results.items()},
         "rounds": {str(k): v for k, v in raw.items()}}, indent=1))
    chart({str(k): v for k, v in results.items()}, out_dir / "comparison.png")
    if out_dir.resolve() == RESULTS.resolve():
        update_readme(json.loads((out_dir / "results.json").read_text()))
    print(tables)
    print(f"wrote {out_dir / 'results.md'}, results.json and comparison.png")


if __name__ == "__main__":
    main()
