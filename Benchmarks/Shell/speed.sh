#!/usr/bin/env bash
# The shell's speed (issue 9): a script inserting 100k documents with insertOne in a loop must run at >= 100k
# inserts/s, and `docket --eval` of a trivial expression must start and exit in <= 50 ms.
#
#   Benchmarks/Shell/speed.sh [--check] [runs]
#
# Builds docket in release, then prints the median of `runs` runs (default 5 for the script, 6x that for --eval),
# wall clock of the whole process (start-up included). With --check the exit code is 1 when a median misses its goal.
set -euo pipefail
cd "$(dirname "$0")/../.."
check=false
if [ "${1:-}" = --check ]; then
    check=true
    shift
fi
runs=${1:-5}
swift build -c release --product docket 2>&1 | tail -n 1
docket=.build/release/docket

now() { echo "${EPOCHREALTIME/./}"; }  # microseconds, without forking
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

inserts=()
for _ in $(seq "$runs"); do
    start=$(now)
    count=$("$docket" --quiet Benchmarks/Shell/insert-loop.js)
    end=$(now)
    [ "$count" = 100000 ] || { echo "error: the script inserted $count documents" >&2; exit 1; }
    inserts+=("$(( 100000 * 1000000 / (end - start) ))")
done
insert_median=$(printf '%s\n' "${inserts[@]}" | median)

evals=()
for _ in $(seq $((runs * 6))); do
    start=$(now)
    "$docket" --quiet --eval '1 + 1' >/dev/null
    end=$(now)
    evals+=("$(( end - start ))")
done
eval_median=$(printf '%s\n' "${evals[@]}" | median)

printf 'insertOne loop (100k documents): median %s inserts/s over %s runs (all: %s)\n' \
    "$insert_median" "$runs" "${inserts[*]}"
printf -- "--eval '1 + 1' start to exit: median %s ms over %s runs\n" \
    "$(awk -v us="$eval_median" 'BEGIN { printf "%.1f", us / 1000 }')" "$((runs * 6))"

if $check; then
    ok=true
    awk -v v="$insert_median" 'BEGIN { exit !(v >= 100000) }' || { echo "error: below 100k inserts/s" >&2; ok=false; }
    awk -v v="$eval_median" 'BEGIN { exit !(v <= 50000) }' || { echo "error: --eval took over 50 ms" >&2; ok=false; }
    $ok
fi
