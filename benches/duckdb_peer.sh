#!/usr/bin/env bash
# duckdb_peer.sh — custodes audit next to a DuckDB "peer" doing three of its detections.
#
# How much does custodes' whole audit cost compared with the SQL an analyst would write
# in DuckDB for three of its simplest detections, over the same events? The script
#
#   1. creates a Python virtual environment (default: target/duckdb-peer/venv) and
#      `pip install`s duckdb into it from PyPI, unless it is there already;
#   2. takes a world directory as written by `custodes gen` (DIR/events.jsonl, DIR/refs/),
#      or, without an argument, generates one into target/duckdb-peer/world:
#        custodes gen --profile realistic --users 400 --days 60 --seed 7 --out DIR
#      when `gen` has a --profile flag, else the same without `--profile realistic`
#      (a world generated there before by the same command is reused);
#   3. runs `/usr/bin/time -v custodes audit --quiet --refs DIR/refs
#      [--config DIR/custodes.toml] --out /dev/null DIR/events.jsonl` and records its
#      wall time and peak RSS;
#   4. runs in DuckDB, over the same events.jsonl (read once into a table) and
#      DIR/refs/personnel.csv:
#        - self-query: lookups whose subject_person_id, or subject surname + given name +
#          date of birth, equal the login's own personnel row (names trimmed, upper-cased,
#          accents stripped);
#        - daily volume: user-days whose lookup count is more than 3 standard deviations
#          above that user's mean daily count;
#        - concurrent clients: a login using two different clients within 10 minutes
#          (consecutive events of the login, in time order, on different clients);
#      and times the whole DuckDB part (interpreter start, import, reading the events,
#      the three queries), also under /usr/bin/time -v for its peak RSS;
#   5. prints the number of events, custodes' wall time, events/s and peak RSS, DuckDB's
#      wall time and peak RSS, what each query found, and the ratio of the two wall times.
#
# The comparison is deliberately lopsided: custodes reads, decodes and resolves every
# event, runs all of its detectors (identity matching with nicknames, typos and
# addresses, case explanation, baselines, bursts, impossible travel...) and builds
# alerts, on one thread; the peer does three exact-equality / window queries on all
# cores. The ratio says what the rest of the work costs, not that the peer is an
# alternative. The peer reads flat `subject_*` columns only (not the contract's nested
# `subject` object) and stops at the first malformed line, where custodes rejects the
# line and goes on: it is meant for worlds written by `custodes gen`.
#
# Usage:
#   benches/duckdb_peer.sh [WORLD_DIR]
# Environment (all optional):
#   CUSTODES_BIN    the custodes binary (default: target/release/custodes; build it
#                   first with `cargo build --release`; this script never builds)
#   PEER_DIR        where the venv and the generated world go (default: target/duckdb-peer)
#   DUCKDB_VERSION  the duckdb version to install (default: 1.5.6)
#   PYTHON          the Python 3 interpreter that creates the venv (default: python3)
#
# Network: the only network access is `pip install` from PyPI (https://pypi.org/simple,
# and the files it links to). DuckDB is started with extension auto-install and
# auto-load switched off, so it never downloads an extension; custodes makes no network
# access at all.
#
# Exit status: 0 when everything ran; 1 with a message naming the step that failed.

set -euo pipefail

die() {
    echo "duckdb_peer: error: $*" >&2
    exit 1
}
note() {
    echo "duckdb_peer: $*" >&2
}

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${CUSTODES_BIN:-$repo/target/release/custodes}"
peer_dir="${PEER_DIR:-$repo/target/duckdb-peer}"
duckdb_version="${DUCKDB_VERSION:-1.5.6}"
python="${PYTHON:-python3}"

[[ $# -le 1 ]] || die "usage: $0 [WORLD_DIR]"
[[ -x "$bin" ]] || die "no custodes binary at $bin (run \`cargo build --release\` or set CUSTODES_BIN)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is required for peak RSS (apt-get install time)"
command -v "$python" >/dev/null || die "$python not found (set PYTHON)"
[[ -n "${EPOCHREALTIME:-}" ]] || die "bash 5 or later is required (EPOCHREALTIME)"

mkdir -p "$peer_dir"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/duckdb_peer.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# --- 1. the virtual environment ----------------------------------------------------------
venv="$peer_dir/venv"
if ! "$venv/bin/python" -c "import duckdb, sys; sys.exit(duckdb.__version__ != '$duckdb_version')" 2>/dev/null; then
    note "creating $venv and installing duckdb==$duckdb_version from PyPI"
    rm -rf "$venv"
    "$python" -m venv "$venv" || die "cannot create a virtual environment with $python -m venv (on Debian: apt-get install python3-venv)"
    # PyPI only: its index, no extra index from the environment or pip configuration.
    env -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL PIP_DISABLE_PIP_VERSION_CHECK=1 \
        "$venv/bin/python" -m pip install --quiet --no-input \
        --index-url https://pypi.org/simple "duckdb==$duckdb_version" \
        || die "pip install duckdb==$duckdb_version from PyPI failed"
fi
"$venv/bin/python" -c "import duckdb" || die "duckdb does not import in $venv"

# --- 2. the world ------------------------------------------------------------------------
if [[ $# -eq 1 ]]; then
    world="$1"
else
    world="$peer_dir/world"
    gen=(gen --users 400 --days 60 --seed 7 --out "$world")
    if "$bin" gen --help 2>/dev/null | grep -q -- '--profile'; then
        gen=(gen --profile realistic --users 400 --days 60 --seed 7 --out "$world")
    fi
    # Reused only when the same command wrote it (the marker is written last).
    if [[ -f "$world/events.jsonl" && "$(cat "$world/.generated-by" 2>/dev/null)" == "${gen[*]}" ]]; then
        note "reusing the world in $world (delete it to regenerate)"
    else
        rm -rf "$world"
        note "generating a world: custodes ${gen[*]}"
        "$bin" "${gen[@]}" >"$tmp/gen.log" 2>&1 || {
            cat "$tmp/gen.log" >&2
            die "custodes ${gen[*]} failed"
        }
        echo "${gen[*]}" >"$world/.generated-by"
    fi
fi
events="$world/events.jsonl"
refs="$world/refs"
[[ -f "$events" ]] || die "$world is not a custodes world: no events.jsonl"
[[ -f "$refs/personnel.csv" ]] || die "$world is not a custodes world: no refs/personnel.csv"
config=()
[[ -f "$world/custodes.toml" ]] && config=(--config "$world/custodes.toml")

n_events="$(grep -c . "$events" || true)"
[[ "$n_events" -gt 0 ]] || die "$events holds no events"

# Reads "Maximum resident set size (kbytes): N" from a `/usr/bin/time -v` report, in MB.
peak_mb() {
    awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"
}

# --- 3. custodes audit -------------------------------------------------------------------
note "custodes audit over $n_events events"
start="$EPOCHREALTIME"
/usr/bin/time -v -o "$tmp/custodes.time" \
    "$bin" audit --quiet --refs "$refs" "${config[@]}" --out /dev/null "$events" \
    2>"$tmp/custodes.err" || {
    cat "$tmp/custodes.err" >&2
    die "custodes audit failed (status above)"
}
end="$EPOCHREALTIME"
custodes_s="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')"
custodes_mb="$(peak_mb "$tmp/custodes.time")"

# --- 4. the DuckDB peer ------------------------------------------------------------------
cat >"$tmp/peer.py" <<'PY'
import sys
import time

t0 = time.perf_counter()
import duckdb  # noqa: E402

events, personnel = sys.argv[1], sys.argv[2]


def lit(s):
    return "'" + s.replace("'", "''") + "'"


con = duckdb.connect(
    config={
        # Never download or load an extension: the peer uses only what is built in.
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
)
columns = {
    "id": "VARCHAR",
    "ts": "TIMESTAMPTZ",
    "user": "VARCHAR",
    "action": "VARCHAR",
    "client": "VARCHAR",
    "subject_person_id": "VARCHAR",
    "subject_last_name": "VARCHAR",
    "subject_first_name": "VARCHAR",
    "subject_dob": "VARCHAR",
}
cols = "{" + ", ".join(f"{lit(k)}: {lit(v)}" for k, v in columns.items()) + "}"
timings = {}
t = time.perf_counter()
con.execute(
    f"""CREATE TABLE ev AS
        SELECT * REPLACE (lower(trim("user")) AS "user", ts::TIMESTAMP AS ts)
        FROM read_ndjson({lit(events)}, columns = {cols})"""
)
con.execute(
    f"""CREATE TABLE personnel AS
        SELECT * FROM read_csv({lit(personnel)}, header = true, all_varchar = true)"""
)
timings["load"] = time.perf_counter() - t

results = {}

t = time.perf_counter()
results["self_query"] = con.execute(
    """SELECT count(*), count(DISTINCT e."user")
       FROM ev e JOIN personnel p ON e."user" = lower(trim(p."user"))
       WHERE (e.subject_person_id IS NOT NULL AND p.person_id IS NOT NULL
              AND trim(e.subject_person_id) = trim(p.person_id))
          OR (upper(strip_accents(trim(e.subject_last_name)))
                  = upper(strip_accents(trim(p.last_name)))
              AND upper(strip_accents(trim(e.subject_first_name)))
                  = upper(strip_accents(trim(p.first_name)))
              AND trim(e.subject_dob) = trim(p.dob))"""
).fetchone()
timings["self_query"] = time.perf_counter() - t

t = time.perf_counter()
results["daily_zscore"] = con.execute(
    """WITH daily AS (
           SELECT "user", CAST(ts AS DATE) AS day, count(*) AS n
           FROM ev
           WHERE coalesce(lower(action), 'query') NOT IN ('login', 'logout', 'login_failed')
           GROUP BY ALL),
       stats AS (
           SELECT "user", avg(n) AS mu, stddev_samp(n) AS sd FROM daily GROUP BY ALL)
       SELECT count(*), count(DISTINCT "user")
       FROM daily JOIN stats USING ("user")
       WHERE sd > 0 AND n > mu + 3 * sd"""
).fetchone()
timings["daily_zscore"] = time.perf_counter() - t

t = time.perf_counter()
results["two_clients_10min"] = con.execute(
    """WITH c AS (
           SELECT "user", ts, client,
                  lag(client) OVER w AS prev_client, lag(ts) OVER w AS prev_ts
           FROM ev
           WHERE client IS NOT NULL AND trim(client) <> ''
           WINDOW w AS (PARTITION BY "user" ORDER BY ts))
       SELECT count(*), count(DISTINCT "user")
       FROM c
       WHERE prev_client IS NOT NULL AND client <> prev_client
         AND ts - prev_ts <= INTERVAL 10 MINUTE"""
).fetchone()
timings["two_clients_10min"] = time.perf_counter() - t

(n,) = con.execute("SELECT count(*) FROM ev").fetchone()
print(f"rows {n}")
print(f"duckdb {duckdb.__version__}")
print("timings " + " ".join(f"{k}={v:.3f}" for k, v in timings.items()))
print(f"inprocess {time.perf_counter() - t0:.3f}")
for k, (hits, users) in results.items():
    print(f"found {k} {hits} {users}")
PY

note "DuckDB peer over the same events"
start="$EPOCHREALTIME"
/usr/bin/time -v -o "$tmp/duckdb.time" \
    "$venv/bin/python" "$tmp/peer.py" "$events" "$refs/personnel.csv" \
    >"$tmp/duckdb.out" 2>"$tmp/duckdb.err" || {
    cat "$tmp/duckdb.err" >&2
    die "the DuckDB peer failed (message above)"
}
end="$EPOCHREALTIME"
duckdb_s="$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')"
duckdb_mb="$(peak_mb "$tmp/duckdb.time")"
rows="$(awk '$1 == "rows" { print $2 }' "$tmp/duckdb.out")"
[[ "$rows" == "$n_events" ]] || note "warning: DuckDB read $rows rows, the file has $n_events non-empty lines"

# --- 5. the report -----------------------------------------------------------------------
awk -v world="$world" -v n="$n_events" -v cs="$custodes_s" -v cm="$custodes_mb" \
    -v ds="$duckdb_s" -v dm="$duckdb_mb" -v cpus="$(nproc 2>/dev/null || echo '?')" '
    BEGIN { printf "world:                 %s\n", world
            printf "events:                %d\n", n
            printf "custodes audit:        %.2f s wall, %.0f events/s, peak RSS %d MB\n", cs, n / cs, cm }
    $1 == "duckdb"   { version = $2 }
    $1 == "timings"  { timings = substr($0, 9) }
    $1 == "inprocess" { inproc = $2 }
    $1 == "found"    { found[++k] = sprintf("  %-20s %d events / user-days, %d logins", $2, $3, $4) }
    END {
        printf "duckdb %s peer:     %.2f s wall (%.2f s after interpreter start: %s), %.0f events/s, peak RSS %d MB, %s CPUs\n", version, ds, inproc, timings, n / ds, dm, cpus
        for (i = 1; i <= k; i++) print found[i]
        printf "ratio:                 custodes wall / DuckDB wall = %.2f\n", cs / ds
    }' "$tmp/duckdb.out"
