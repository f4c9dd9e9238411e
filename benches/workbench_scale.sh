#!/usr/bin/env bash
# workbench_scale.sh — the workbench (`custodes serve`) over a store of 100,000 alerts:
# how long each list page and API answer takes, and how many bytes it is (issue 13).
#
# The script
#
#   1. takes a world directory as written by `custodes gen` (DIR/events.jsonl, DIR/refs/,
#      DIR/custodes.toml), or, without an argument, generates one into
#      $SCALE_DIR/world (reused when there):
#        custodes gen --profile realistic --users 200 --days 30 --seed 3 --out DIR
#   2. fills a store from it, as a night's audit does:
#        custodes audit --quiet --refs DIR/refs --config DIR/custodes.toml \
#          --db STORE --out /dev/null DIR/events.jsonl
#      (kept as $SCALE_DIR/audited.sqlite and reused; every run works on a copy);
#   3. that world yields a few hundred alerts, so it adds synthetic final alerts until the
#      store holds $ALERTS (default 100,000): each a copy of one of the audit's own
#      alerts (same detector, kind, severity, score, reason, evidence and events) given a
#      new id, another login of the world and another day of the period, and 2 % of them
#      a triage decision, so that status filters have something to find. Written with
#      Python's sqlite3 module straight into the store's tables;
#   4. adds an investigator and an oversight account (`custodes user add`), starts
#      `custodes serve` on a free loopback port (which brings the store's count of events
#      per day up to date before it listens), logs both in, and asks for each page and
#      API answer in the table it prints, 3 times each: the slowest of the 3 is reported,
#      with the body's size in bytes.
#
# Usage:
#   benches/workbench_scale.sh [WORLD_DIR]
# Environment (all optional):
#   CUSTODES_BIN  the custodes binary (default: target/release/custodes; build it first
#                 with `cargo build --release`; this script never builds)
#   SCALE_DIR     where the world, the stores and the accounts' passwords go
#                 (default: target/workbench-scale)
#   ALERTS        final alerts in the measured store (default: 100000)
#   PYTHON        a Python 3 with its standard library (default: python3)
#
# No network access beyond the loopback server it starts. Exit status: 0 when everything
# ran and every answer was 200; 1 with a message naming the step that failed.

set -euo pipefail

die() {
    echo "workbench_scale: error: $*" >&2
    exit 1
}

cd "$(dirname "$0")/.."
BIN=${CUSTODES_BIN:-target/release/custodes}
SCALE_DIR=${SCALE_DIR:-target/workbench-scale}
ALERTS=${ALERTS:-100000}
PYTHON=${PYTHON:-python3}
[ -x "$BIN" ] || die "no custodes binary at $BIN (cargo build --release, or set CUSTODES_BIN)"
command -v "$PYTHON" >/dev/null || die "no $PYTHON"
mkdir -p "$SCALE_DIR"

WORLD=${1:-$SCALE_DIR/world}
if [ ! -f "$WORLD/events.jsonl" ]; then
    [ $# -eq 0 ] || die "$WORLD/events.jsonl: no such file"
    echo "== generating the 30-day, 200-login world into $WORLD"
    "$BIN" gen --profile realistic --users 200 --days 30 --seed 3 --out "$WORLD" >/dev/null \
        || die "custodes gen failed"
fi

AUDITED=$SCALE_DIR/audited.sqlite
if [ ! -f "$AUDITED" ]; then
    echo "== auditing it into $AUDITED"
    CONFIG=()
    [ -f "$WORLD/custodes.toml" ] && CONFIG=(--config "$WORLD/custodes.toml")
    "$BIN" audit --quiet --refs "$WORLD/refs" "${CONFIG[@]}" --db "$AUDITED.tmp" \
        --out /dev/null "$WORLD/events.jsonl" || die "custodes audit --db failed"
    mv "$AUDITED.tmp" "$AUDITED"
    rm -f "$AUDITED.tmp-wal" "$AUDITED.tmp-shm"
fi

STORE=$SCALE_DIR/store.sqlite
rm -f "$STORE" "$STORE-wal" "$STORE-shm" "$STORE.logkey"
cp "$AUDITED" "$STORE"
chmod 600 "$STORE"

echo "== adding synthetic alerts until the store holds $ALERTS"
"$PYTHON" - "$STORE" "$ALERTS" <<'PY' || die "synthesising alerts failed"
import json, random, sqlite3, sys
db, want = sys.argv[1], int(sys.argv[2])
c = sqlite3.connect(db)
rows = c.execute("SELECT alert FROM alerts WHERE final = 1").fetchall()
if not rows:
    sys.exit("the audit wrote no final alert to copy")
templates = [json.loads(r[0]) for r in rows]
logins = [r[0] for r in c.execute("SELECT user FROM logins ORDER BY user")] or \
    sorted({t["user"] for t in templates})
days = sorted({t["window_start"][:10] for t in templates})
have = c.execute("SELECT count(*) FROM alerts WHERE final = 1").fetchone()[0]
rng = random.Random(13)
statuses = ["in_review", "confirmed", "benign", "false_positive", "open"]
with c:
    for i in range(max(0, want - have)):
        t = dict(rng.choice(templates))
        day = rng.choice(days)
        t["alert_id"] = "al-syn%08x" % i
        t["user"] = rng.choice(logins)
        t["window_start"] = day + t["window_start"][10:]
        t["window_end"] = day + t["window_end"][10:]
        c.execute(
            "INSERT INTO alerts (alert_id, detector, kind, severity, score, user, employee_id,"
            " window_start, window_end, final, alert, first_committed_us, updated_at, out_pending)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 0, '', 0)",
            (t["alert_id"], t["detector"], t["kind"], t["severity"], t["score"], t["user"],
             t.get("employee_id"), t["window_start"], t["window_end"], json.dumps(t)))
        c.executemany("INSERT OR IGNORE INTO alert_events (alert_id, event_id) VALUES (?, ?)",
                      [(t["alert_id"], e) for e in t["event_ids"]])
        if rng.random() < 0.02:
            c.execute("INSERT INTO triage (alert_id, status, assignee, note, by, at)"
                      " VALUES (?, ?, 'ia_scale', NULL, 'ia_scale', ?)",
                      (t["alert_id"], rng.choice(statuses), day + "T12:00:00Z"))
print("final alerts:", c.execute("SELECT count(*) FROM alerts WHERE final = 1").fetchone()[0],
      "events:", c.execute("SELECT count(*) FROM events").fetchone()[0])
PY

for who in investigator:ia_scale oversight:ov_scale; do
    role=${who%%:*}
    name=${who#*:}
    echo "$name has a long bench password" \
        | "$BIN" user add --db "$STORE" --role "$role" "$name" >/dev/null \
        || die "custodes user add $name failed"
done

ERR=$SCALE_DIR/serve.log
"$BIN" serve --listen 127.0.0.1:0 --db "$STORE" 2>"$ERR" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
ADDR=
for _ in $(seq 1 600); do
    ADDR=$(sed -n 's|.*http://\([^/]*\)/.*|\1|p' "$ERR" | head -n 1)
    [ -n "$ADDR" ] && break
    kill -0 "$SERVER" 2>/dev/null || die "custodes serve exited: $(cat "$ERR")"
    sleep 0.1
done
[ -n "$ADDR" ] || die "custodes serve did not say where it listens"
echo "== serving on $ADDR"

"$PYTHON" - "$ADDR" "$STORE" <<'PY' || die "a request failed"
import http.client, json, sqlite3, sys, time
addr, db = sys.argv[1], sys.argv[2]
host, port = addr.rsplit(":", 1)

def request(method, path, cookie=None, body=None):
    c = http.client.HTTPConnection(host, int(port), timeout=120)
    h = {"Content-Type": "application/json"}
    if cookie:
        h["Cookie"] = cookie
    t0 = time.perf_counter()
    c.request(method, path, body=body, headers=h)
    r = c.getresponse()
    data = r.read()
    dt = time.perf_counter() - t0
    c.close()
    return r.status, dict(r.getheaders()), data, dt

def login(name):
    s, h, b, _ = request("POST", "/api/v1/login", body=json.dumps(
        {"name": name, "password": name + " has a long bench password"}))
    assert s == 200, (s, b)
    return h["set-cookie"].split(";")[0]

ia, ov = login("ia_scale"), login("ov_scale")
s, h, b, _ = request("GET", "/api/v1/alerts?per_page=1", ia)
total = int(h["x-total-count"])
top = json.loads(b)[0]
last_page = (total + 99) // 100
s, h, b, _ = request("GET", "/api/v1/alerts?per_page=1", ov)
token = json.loads(b)[0]["alert_id"]
pseudonym = json.loads(b)[0]["user"]
# The last alert's token: finding it by token computes every final alert's token.
s, h, b, _ = request("GET", f"/api/v1/alerts?per_page=1&page={total}", ov)
last_token = json.loads(b)[0]["alert_id"]
user = top["user"]
c = sqlite3.connect(db)
busy = c.execute("SELECT user FROM alerts WHERE final = 1 GROUP BY user ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
unit = c.execute("SELECT unit FROM logins WHERE unit IS NOT NULL GROUP BY unit ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
day = top["window_start"][:10]
print(f"final alerts in the store: {total}\n")
cases = [
    ("investigator", ia, "/"),
    ("investigator", ia, "/api/v1/overview"),
    ("investigator", ia, "/alerts"),
    ("investigator", ia, "/api/v1/alerts"),
    ("investigator", ia, "/api/v1/alerts?per_page=1000"),
    ("investigator", ia, f"/api/v1/alerts?page={last_page}"),
    ("investigator", ia, "/api/v1/alerts?detector=self_query"),
    ("investigator", ia, "/api/v1/alerts?status=confirmed"),
    ("investigator", ia, "/api/v1/alerts?status=open&severity=high"),
    ("investigator", ia, f"/api/v1/alerts?user={busy}"),
    ("investigator", ia, f"/api/v1/alerts?unit={unit}"),
    ("investigator", ia, f"/api/v1/alerts?from={day}&to={day}"),
    ("investigator", ia, "/users"),
    ("investigator", ia, "/api/v1/users"),
    ("investigator", ia, f"/alerts/{top['alert_id']}"),
    ("investigator", ia, f"/api/v1/alerts/{top['alert_id']}"),
    ("investigator", ia, f"/api/v1/users/{user}/timeline?from={day}&to={day}"),
    ("investigator", ia, f"/api/v1/users/{busy}/timeline"),
    ("investigator", ia, f"/users/{busy}/timeline"),
    ("investigator", ia, f"/api/v1/users/{busy}/timeline?page=2"),
    ("oversight", ov, "/"),
    ("oversight", ov, "/alerts"),
    ("oversight", ov, "/api/v1/alerts"),
    ("oversight", ov, "/api/v1/alerts?per_page=1000"),
    ("oversight", ov, f"/api/v1/alerts?user={pseudonym}"),
    ("oversight", ov, "/api/v1/users"),
    ("oversight", ov, f"/api/v1/alerts/{token}"),
    ("oversight", ov, f"/api/v1/alerts/{last_token}"),
]
print("| role | request | status | slowest of 3 (ms) | bytes |")
print("|---|---|---|---:|---:|")
failed = False
for role, cookie, path in cases:
    worst, size, status = 0.0, 0, 0
    for _ in range(3):
        status, _, body, dt = request("GET", path, cookie)
        worst, size = max(worst, dt), len(body)
    failed |= status != 200
    shown = path.replace(busy, "LOGIN").replace(user, "LOGIN").replace(unit, "UNIT")
    print(f"| {role} | `{shown}` | {status} | {worst * 1000:.0f} | {size:,} |")
sys.exit(1 if failed else 0)
PY
