#!/usr/bin/env bash
# Builds one libFuzzer target and runs it: Fuzz/run.sh BSONDecoder|ExtendedJSON|Shell [seconds]
# Seeds come from the vendored BSON corpus (the shell's from its transcripts and Examples/scripts); the working
# corpus lives in Fuzz/corpus-<name> (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
name=$1
seconds=${2:-600}
# The Swift driver keeps only the last -sanitize= flag it is given, and SwiftPM passes --sanitize=fuzzer and
# --sanitize=address as two flags in no fixed order: a build may come out with AddressSanitizer but no coverage
# counters (a fuzzer that learns nothing), or the reverse. The combined -Xswiftc flag comes last and keeps both; the
# --sanitize options are still needed to link the runtimes.
build() {
    swift build -c release --product "Fuzz$name" --sanitize=fuzzer --sanitize=address \
        -Xswiftc -sanitize=fuzzer,address --disable-dead-strip --scratch-path ".build-fuzz-$name"
}
build
binary=".build-fuzz-$name/release/Fuzz$name"
# Each target gets its own scratch path. Should a binary still come out without coverage counters, build once more
# from scratch.
if ! readelf -S "$binary" | grep -q __sancov_cntrs; then
    echo "warning: $binary has no coverage instrumentation; rebuilding from scratch" >&2
    rm -rf ".build-fuzz-$name"
    build
fi
if ! readelf -S "$binary" | grep -q __sancov_cntrs; then
    echo "error: $binary has no coverage instrumentation" >&2
    exit 1
fi
corpus="Fuzz/corpus-$name"
mkdir -p "$corpus" Fuzz/artifacts
python3 - "$name" "$corpus" <<'PY'
import glob, json, sys
name, corpus = sys.argv[1], sys.argv[2]
n = 0
if name == "Shell":
    # Each line of the REPL transcripts, and each example script whole.
    for path in sorted(glob.glob("Tests/DocketShellTests/Transcripts/*.in")):
        for line in open(path, encoding="utf-8"):
            open(f"{corpus}/seed-{n}", "w", encoding="utf-8").write(line)
            n += 1
    for path in sorted(glob.glob("Examples/scripts/*.js")):
        open(f"{corpus}/seed-{n}", "w", encoding="utf-8").write(open(path, encoding="utf-8").read())
        n += 1
    sys.exit(0)
for path in sorted(glob.glob("Tests/SpecTests/Resources/bson-corpus/*.json")):
    spec = json.load(open(path))
    for case in spec.get("valid", []) + spec.get("decodeErrors", []) + spec.get("parseErrors", []):
        if name == "BSONDecoder":
            blobs = [bytes.fromhex(case[k]) for k in ("canonical_bson", "degenerate_bson", "bson") if k in case]
        else:
            blobs = [case[k].encode() for k in ("canonical_extjson", "relaxed_extjson", "degenerate_extjson", "string")
                     if k in case]
        for blob in blobs:
            open(f"{corpus}/seed-{n}", "wb").write(blob)
            n += 1
PY
extra=()
if [ "$name" = Shell ]; then
    # Objects of a script that point at each other (`o.self = o`) are never freed: the interpreter counts
    # references and has no cycle collector (README, "Compatibility"). LeakSanitizer would report each such input;
    # memory stays bounded by -rss_limit_mb, and the final stats print the peak. (-detect_leaks=0 stops the check
    # after each input; ASAN_OPTIONS stops the one at exit.)
    extra+=(-detect_leaks=0)
    export ASAN_OPTIONS=detect_leaks=0
fi
SWIFT_BACKTRACE=enable=no "$binary" "$corpus" -max_total_time="$seconds" \
    -print_final_stats=1 -rss_limit_mb=2048 -timeout=10 -artifact_prefix=Fuzz/artifacts/ "${extra[@]}"
