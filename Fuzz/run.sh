#!/usr/bin/env bash
# Builds one libFuzzer target and runs it: Fuzz/run.sh BSONDecoder|ExtendedJSON|Engine|Shell [seconds]
# Seeds come from the vendored BSON corpus (Engine: seeded random byte strings, each a program of engine calls;
# Shell: each line of the REPL transcripts and each example script);
# the working corpus lives in Fuzz/corpus-<name> (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
name=$1
seconds=${2:-600}
build() {
    # swiftc keeps only the last -sanitize= flag and SwiftPM passes its two in no fixed order, so a build got either
    # coverage or AddressSanitizer; the combined flag last gives both.
    swift build -c release --product "Fuzz$name" --sanitize=fuzzer --sanitize=address --disable-dead-strip \
        -Xswiftc -sanitize=fuzzer,address --scratch-path ".build-fuzz-$name"
}
build
binary=".build-fuzz-$name/release/Fuzz$name"
# Each target gets its own scratch path: building a second fuzz product into the same one was seen to leave the
# first binary without coverage counters, and a fuzzer without coverage learns nothing. The check below stays as a guard.
if ! readelf -S "$binary" | grep -q __sancov_cntrs; then
    echo "note: $binary came out without coverage counters; recompiling its target once" >&2
    touch "Fuzz/Fuzz$name/Fuzz$name.swift"
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
if name == "Engine":
    import random
    rng = random.Random(7)
    for n in range(64):
        open(f"{corpus}/seed-{n}", "wb").write(bytes(rng.randrange(256) for _ in range(rng.randrange(16, 600))))
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
