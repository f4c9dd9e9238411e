"""Self-check of a generated world:  python3 gen.py --check DIR [--twin DIR_NO_INJECT]

* events follow CONTRACT section 1 (id/ts/user present, RFC 3339 ts, unique ids);
* the seven reference CSVs have exactly the contract's columns;
* labels use CONTRACT section 3 detector/kind names and only existing event ids;
* custodes.toml has the [no_case] exempt_purposes line;
* the case-level no_case kinds (missing / unknown_case / closed_case / not_assigned)
  are recomputed from the files alone (typed case ids normalised as README says)
  and must agree with the labels;
* with --twin: refs byte-identical, twin labels empty, every twin event line
  appears unchanged and in the same order in the injected world.
"""
import csv
import datetime as dt
import json
import os
import re
import sys

import habits as H
from gen import COLUMNS

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
KINDS = {
    "self_query": {"person_id", "name_dob", "plate", "address", "phone", "name_only", "record_change"},
    "coworker_lookup": {"same_unit", "other_unit", "supervisor", "record_change"},
    "odd_volume": {"daily_count", "burst", "off_hours", "distinct_subjects", "export"},
    "shared_credential": {"concurrent_clients", "impossible_travel", "inactive_account"},
    "no_case": {"missing", "unknown_case", "closed_case", "not_assigned", "subject_not_in_case"},
    "subject_surge": {"many_users"},
}
LOOKUP_ACTIONS = {"query", "export", "update", "delete"}


def parse_ts(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


def central_date(t):
    """Local (US Central) calendar date of an aware datetime."""
    u = t.astimezone(dt.timezone.utc).replace(tzinfo=None)
    y = u.year
    d = dt.date(y, 3, 1)
    start = d + dt.timedelta(days=(6 - d.weekday()) % 7 + 7)
    d = dt.date(y, 11, 1)
    end = d + dt.timedelta(days=(6 - d.weekday()) % 7)
    s_utc = dt.datetime(start.year, start.month, start.day, 8)
    e_utc = dt.datetime(end.year, end.month, end.day, 7)
    off = -5 if s_utc <= u < e_utc else -6
    return (u + dt.timedelta(hours=off)).date()


def validate(out, twin=None):
    errs = []
    warn = []

    def err(m):
        if len(errs) < 40:
            print("ERROR:", m, file=sys.stderr)
        errs.append(m)

    refdir = os.path.join(out, "refs")
    refs = {}
    for fn, cols in COLUMNS.items():
        p = os.path.join(refdir, fn)
        if not os.path.exists(p):
            err(f"missing {p}")
            continue
        with open(p, newline="", encoding="utf-8") as f:
            rd = csv.reader(f)
            head = next(rd)
            if head != cols:
                err(f"{fn}: header {head} != {cols}")
            rows = [dict(zip(head, r)) for r in rd]
            for i, r in enumerate(rows):
                if len(r) != len(cols):
                    err(f"{fn}:{i + 2}: {len(r)} cells")
        refs[fn] = rows
    pers = {r["user"]: r for r in refs["personnel.csv"]}
    logins_of = {}
    for r in refs["personnel.csv"]:
        logins_of.setdefault(r["employee_id"], set()).add(r["user"])
    cases = {r["case_id"]: r for r in refs["cases.csv"]}
    assign = {}
    for r in refs["case_assignments.csv"]:
        assign.setdefault(r["case_id"], []).append(r)
    relations = {r["relation"] for r in refs["associations.csv"]}
    cats = {r["category"] for r in refs["watchlist.csv"]}
    clients = {r["client"] for r in refs["clients.csv"]}
    # config
    toml = open(os.path.join(out, "custodes.toml"), encoding="utf-8").read()
    m = re.match(r'^\[no_case\]\nexempt_purposes = \[((?:"[A-Z_]+"(?:, )?)+)\]\n$', toml)
    if not m:
        err("custodes.toml format")
        exempt = set()
    else:
        exempt = set(re.findall(r'"([A-Z_]+)"', m.group(1)))
    # events
    ids = {}
    nc_expect = {}
    last = None
    inversions = 0
    n = 0
    with open(os.path.join(out, "events.jsonl"), encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            n += 1
            e = json.loads(line)
            for k in ("id", "ts", "user"):
                if not isinstance(e.get(k), str) or not e[k]:
                    err(f"line {ln}: {k} missing")
            if e["id"] in ids:
                err(f"line {ln}: duplicate id {e['id']}")
            if not RFC3339.match(e["ts"]):
                err(f"line {ln}: ts {e['ts']}")
            t = parse_ts(e["ts"])
            ids[e["id"]] = t
            if last is not None and t < last:
                inversions += 1
            last = t
            if e["user"] not in pers:
                err(f"line {ln}: unknown user {e['user']}")
            if e.get("client") not in clients:
                err(f"line {ln}: client {e.get('client')} not in clients.csv")
            sd = e.get("subject_dob") or (e.get("subject") or {}).get("dob")
            if sd and not re.match(r"^\d{4}-\d{2}-\d{2}$", sd):
                err(f"line {ln}: subject_dob {sd}")
            act = e.get("action", "query")
            if act not in LOOKUP_ACTIONS:
                continue
            key = H.normalize_case(e.get("case_id"))
            day = central_date(t)
            if key is None:
                kind = None if e.get("purpose") in exempt else "missing"
            elif key not in cases:
                kind = "unknown_case"
            else:
                c = cases[key]
                emp = pers[e["user"]]["employee_id"]
                names = logins_of[emp] | {emp}
                ok = False
                for a in assign.get(key, ()):
                    if a["user"] in names and dt.date.fromisoformat(a["from"]) <= day and \
                            (not a["to"] or day <= dt.date.fromisoformat(a["to"])):
                        ok = True
                        break
                if c["status"] == "closed" and day > dt.date.fromisoformat(c["closed"]):
                    kind = "closed_case"
                elif not ok:
                    kind = "not_assigned"
                else:
                    kind = None
            nc_expect[e["id"]] = kind
    if inversions:
        warn.append(f"{inversions} timestamp inversions")
    # labels
    labels = [json.loads(l) for l in open(os.path.join(out, "labels.jsonl"), encoding="utf-8")]
    nc_label = {}
    for i, l in enumerate(labels):
        det, kind = l.get("detector"), l.get("kind")
        ok = kind in KINDS.get(det, set())
        if det == "association_lookup":
            ok = kind in relations or kind == "record_change"
        if det == "watchlist_lookup":
            ok = kind in cats or kind == "record_change"
        if not ok:
            err(f"label {i}: bad detector/kind {det}/{kind}")
        if l.get("user") not in pers:
            err(f"label {i}: unknown user {l.get('user')}")
        if not l.get("event_ids"):
            err(f"label {i}: no events")
        w0, w1 = parse_ts(l["window_start"]), parse_ts(l["window_end"])
        for x in l["event_ids"]:
            if x not in ids:
                err(f"label {i}: event {x} does not exist")
            elif not (w0 <= ids[x] <= w1):
                err(f"label {i}: event {x} outside window")
            if det == "no_case":
                nc_label.setdefault(x, set()).add(kind)
    bad = 0
    for x, kind in nc_expect.items():
        got = nc_label.get(x, set())
        if kind is None:
            if got - {"subject_not_in_case"}:
                bad += 1
                if bad < 6:
                    err(f"event {x}: no_case {got} but the case checks out")
        elif got != {kind}:
            bad += 1
            if bad < 6:
                err(f"event {x}: expected no_case/{kind}, labels say {got or 'nothing'}")
    # twin
    if twin:
        for fn in COLUMNS:
            a = open(os.path.join(refdir, fn), "rb").read()
            b = open(os.path.join(twin, "refs", fn), "rb").read()
            if a != b:
                err(f"refs/{fn} differs from the twin")
        if open(os.path.join(twin, "custodes.toml"), "rb").read() != open(os.path.join(out, "custodes.toml"), "rb").read():
            err("custodes.toml differs from the twin")
        if os.path.getsize(os.path.join(twin, "labels.jsonl")) != 0:
            err("twin labels.jsonl is not empty")
        with open(os.path.join(out, "events.jsonl"), encoding="utf-8") as fa, \
                open(os.path.join(twin, "events.jsonl"), encoding="utf-8") as fb:
            extra = 0
            tw = 0
            for lb in fb:
                tw += 1
                found = False
                for la in fa:
                    if la == lb:
                        found = True
                        break
                    extra += 1
                if not found:
                    err("twin event missing from the injected world: " + lb[:80])
                    break
            extra += sum(1 for _ in fa)
        print(f"twin: {tw} legitimate events identical; injected world adds {extra}", file=sys.stderr)
    print(f"check {out}: events={n} labels={len(labels)} refs="
          f"{ {k.split('.')[0]: len(v) for k, v in refs.items()} } no_case recomputed for {len(nc_expect)} lookups, "
          f"{bad} disagreements; errors={len(errs)} warnings={warn}", file=sys.stderr)
    return 1 if errs else 0
