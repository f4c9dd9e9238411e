#!/usr/bin/env bash
# lookups_store.sh — how long "who looked up this person" takes on a large alert store.
#
# Issue 16 asks that `custodes lookups --db` answer in under a second on a store holding
# the realistic 60-day, 400-login world. The script
#
#   1. generates that world (about 780 MB; a release build is assumed, see CUSTODES):
#        custodes gen --profile realistic --seed 3 --users 400 --days 60 --out W
#   2. fills a store with it (timed; this also fills the store's lookup index):
#        custodes audit --quiet --refs W/refs --config W/custodes.toml \
#          --db W/store.sqlite --out W/alerts.jsonl W/events.jsonl
#   3. picks a case subject of the world with a plate and an address (the first such row
#      of W/refs/case_subjects.csv) and times, three times each,
#        custodes lookups --refs W/refs --config W/custodes.toml --db W/store.sqlite --json --name "LAST, FIRST" --dob D
#        custodes lookups --refs W/refs --config W/custodes.toml --db W/store.sqlite --json --plate P
#        custodes lookups --refs W/refs --config W/custodes.toml --db W/store.sqlite --json --address A
#      printing the wall time (whole process: loading the reference data included), the
#      peak RSS and how many lookups each answer lists; each search reads the case status
#      the audit recorded (store version 7), so the case tables are not indexed. Then once
#      each with --recompute-cases (every status computed from the whole case tables, the
#      path before version 7), checking that both answers are identical;
#   4. removes W (disk is limited), unless KEEP=1 or W was given and existed already.
#
# Usage: bash benches/lookups_store.sh [W]
#   CUSTODES=path/to/custodes (default: $CARGO_TARGET_DIR or target, then release/custodes)
set -euo pipefail

target=${CARGO_TARGET_DIR:-target}
bin=${CUSTODES:-$target/release/custodes}
[ -x "$bin" ] || { echo "no $bin: cargo build --release first (or set CUSTODES)" >&2; exit 2; }
w=${1:-$target/lookups-store}
made=0
if [ ! -f "$w/events.jsonl" ]; then
    made=1
    echo "generating the 400 x 60 realistic world into $w"
    "$bin" gen --profile realistic --seed 3 --users 400 --days 60 --out "$w" >/dev/null
fi
cleanup() {
    if [ "$made" = 1 ] && [ "${KEEP:-0}" != 1 ]; then rm -rf "$w"; fi
}
trap cleanup EXIT
echo "events: $(wc -l < "$w/events.jsonl")"
if [ ! -f "$w/store.sqlite" ]; then
    /usr/bin/time -f "audit --db: %e s wall, %M KB peak" \
        "$bin" audit --quiet --refs "$w/refs" --config "$w/custodes.toml" \
        --db "$w/store.sqlite" --out "$w/alerts.jsonl" "$w/events.jsonl"
fi
echo "store: $(du -h "$w/store.sqlite" | cut -f1)"

# One case subject with a plate and an address, read with Python's csv module (addresses
# hold commas).
mapfile -t person < <(python3 - "$w/refs/case_subjects.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="") as f:
    for row in csv.DictReader(f):
        if row["plate"] and row["address"] and row["dob"]:
            print(f'{row["last_name"]}, {row["first_name"]}')
            print(row["dob"])
            print(row["plate"])
            print(row["address"])
            break
PY
)
[ "${#person[@]}" = 4 ] || { echo "no case subject with a plate and an address" >&2; exit 2; }

run() {
    local what=$1
    shift
    for i in 1 2 3; do
        local out
        out=$( { /usr/bin/time -f "%e %M" "$bin" lookups --refs "$w/refs" --config "$w/custodes.toml" \
            --db "$w/store.sqlite" --json "$@" > "$w/lookups.json"; } 2>&1 | tail -1)
        local n
        n=$(python3 -c 'import json,sys; r = json.load(open(sys.argv[1])); print(r["lookups"], "lookups", "; ".join(r.get("notes", [])))' "$w/lookups.json")
        echo "$what run $i: ${out% *} s wall, ${out#* } KB peak, $n"
    done
    local out
    out=$( { /usr/bin/time -f "%e %M" "$bin" lookups --refs "$w/refs" --config "$w/custodes.toml" \
        --db "$w/store.sqlite" --json --recompute-cases "$@" > "$w/lookups-full.json"; } 2>&1 | tail -1)
    local same=differ
    cmp -s "$w/lookups.json" "$w/lookups-full.json" && same=identical
    echo "$what --recompute-cases: ${out% *} s wall, ${out#* } KB peak, answer $same"
    [ "$same" = identical ] || { echo "the recorded and recomputed answers differ" >&2; exit 1; }
}
run "name + dob (${person[0]} ${person[1]})" --name "${person[0]}" --dob "${person[1]}"
run "plate (${person[2]})" --plate "${person[2]}"
run "address (${person[3]})" --address "${person[3]}"
