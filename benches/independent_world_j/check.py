#!/usr/bin/env python3
"""Validate a world j pair:  check.py WORLD TWIN   (exit 0 when every check holds).

WORLD is generated with injection, TWIN with the same arguments and --no-inject.
"""
import csv
import datetime as dt
import json
import os
import re
import sys

CONTRACT_REFS = {
    "personnel.csv": ["user", "employee_id", "person_id", "last_name", "first_name", "dob", "address", "phone",
                      "plate", "unit", "supervisor", "site", "status", "end_date"],
    "associations.csv": ["employee_id", "relation", "person_id", "last_name", "first_name", "dob", "address",
                         "phone", "plate", "valid_from", "valid_to", "source"],
    "cases.csv": ["case_id", "status", "opened", "closed", "unit"],
    "case_assignments.csv": ["case_id", "user", "from", "to"],
    "case_subjects.csv": ["case_id", "person_id", "last_name", "first_name", "dob", "address", "phone", "plate"],
    "watchlist.csv": ["person_id", "last_name", "first_name", "dob", "category"],
    "clients.csv": ["client", "site", "lat", "lon"],
}
KINDS = {
    "self_query": {"person_id", "name_dob", "plate", "address", "phone", "name_only"},
    "coworker_lookup": {"same_unit", "other_unit", "supervisor"},
    "association_lookup": None,   # relations of associations.csv
    "odd_volume": {"daily_count", "burst", "off_hours", "distinct_subjects", "export"},
    "shared_credential": {"concurrent_clients", "impossible_travel", "inactive_account"},
    "no_case": {"missing", "unknown_case", "closed_case", "not_assigned", "subject_not_in_case"},
    "watchlist_lookup": None,     # categories of watchlist.csv
    "subject_surge": {"many_users"},
}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIN = re.compile(r"^9\d{8}$")
TEST_TIN = re.compile(r"^000000\d{3}$")

errors = []


def err(msg):
    if len(errors) < 60:
        print("FAIL:", msg)
    errors.append(msg)


def instant(ts):
    if not isinstance(ts, str) or not RFC3339.match(ts):
        return None
    try:
        d = dt.datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except ValueError:
        return None
    return d.timestamp()


def read_bytes(p):
    with open(p, "rb") as f:
        return f.read()


def read_csv(p):
    with open(p, newline="") as f:
        r = csv.reader(f)
        head = next(r)
        rows = []
        for row in r:
            if len(row) != len(head):
                err("%s: row with %d cells, header has %d" % (p, len(row), len(head)))
            rows.append(dict(zip(head, row)))
        return head, rows


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    W, T = sys.argv[1], sys.argv[2]
    for d in (W, T):
        for f in ["events.jsonl", "custodes.toml", "labels.jsonl", "hard_negatives.tsv", "world_summary.txt"] + \
                ["refs/" + x for x in CONTRACT_REFS]:
            if not os.path.exists(os.path.join(d, f)):
                err("%s: missing %s" % (d, f))
    if errors:
        return 1
    # ---- identical refs / config / hard negatives
    for f in ["custodes.toml", "hard_negatives.tsv"] + ["refs/" + x for x in sorted(CONTRACT_REFS)]:
        if read_bytes(os.path.join(W, f)) != read_bytes(os.path.join(T, f)):
            err("%s differs between world and twin" % f)
    extra = sorted(set(os.listdir(os.path.join(W, "refs"))) ^ set(os.listdir(os.path.join(T, "refs"))))
    if extra:
        err("refs directories list different files: %s" % extra)
    # ---- refs columns and content
    refs = {}
    for name, cols in CONTRACT_REFS.items():
        head, rows = read_csv(os.path.join(W, "refs", name))
        if head != cols:
            err("refs/%s columns %s != contract %s" % (name, head, cols))
        refs[name] = rows
    users = {}
    for r in refs["personnel.csv"]:
        if r["user"] in users:
            err("personnel: duplicate user %s" % r["user"])
        users[r["user"]] = r
        if r["status"] not in ("active", "leave", "terminated"):
            err("personnel: bad status %r" % r["status"])
        if r["status"] != "active" and not DATE.match(r["end_date"]):
            err("personnel: %s inactive without end_date" % r["user"])
        for c in ("dob", "end_date"):
            if r[c] and not DATE.match(r[c]):
                err("personnel: bad %s %r" % (c, r[c]))
        if r["person_id"] and not TIN.match(r["person_id"]):
            err("personnel: %s person_id %r is not a taxpayer id starting with 9" % (r["user"], r["person_id"]))
    emps = {r["employee_id"] for r in refs["personnel.csv"]}
    for name in ("associations.csv", "case_subjects.csv", "watchlist.csv"):
        for r in refs[name]:
            if r["person_id"] and not TIN.match(r["person_id"]):
                err("%s: person_id %r is not a taxpayer id starting with 9" % (name, r["person_id"]))
                break
            if r.get("dob") and not DATE.match(r["dob"]):
                err("%s: bad dob %r" % (name, r["dob"]))
                break
    cases = {}
    for r in refs["cases.csv"]:
        if r["case_id"] in cases:
            err("cases: duplicate %s" % r["case_id"])
        cases[r["case_id"]] = r
        if r["status"] not in ("open", "closed"):
            err("cases: bad status %r" % r["status"])
        if (r["status"] == "closed") != bool(r["closed"]):
            err("cases: %s status/closed date mismatch" % r["case_id"])
        if not DATE.match(r["opened"]) or (r["closed"] and not DATE.match(r["closed"])):
            err("cases: %s bad dates" % r["case_id"])
    n_open_ended = 0
    for r in refs["case_assignments.csv"]:
        if r["case_id"] not in cases:
            err("case_assignments: unknown case %s" % r["case_id"])
        if r["user"] not in users:
            err("case_assignments: unknown user %s" % r["user"])
        n_open_ended += not r["to"]
    if refs["case_assignments.csv"] and n_open_ended * 2 < len(refs["case_assignments.csv"]):
        err("case_assignments: most assignments should be open-ended")
    subj_cases = set()
    for r in refs["case_subjects.csv"]:
        if r["case_id"] not in cases:
            err("case_subjects: unknown case %s" % r["case_id"])
        subj_cases.add(r["case_id"])
    for cid in cases:
        if cid not in subj_cases:
            err("cases: %s has no subjects" % cid)
            break
    for r in refs["associations.csv"]:
        if r["employee_id"] not in emps:
            err("associations: unknown employee %s" % r["employee_id"])
    for r in refs["personnel.csv"]:
        if r["supervisor"] and r["supervisor"] not in emps:
            err("personnel: unknown supervisor %s" % r["supervisor"])
    clients = {r["client"] for r in refs["clients.csv"]}
    relations = {r["relation"] for r in refs["associations.csv"]}
    categories = {r["category"] for r in refs["watchlist.csv"]}
    toml = open(os.path.join(W, "custodes.toml")).read()
    m = re.search(r"\[no_case\]\s*\nexempt_purposes\s*=\s*\[([^\]]*)\]", toml)
    if not m:
        err("custodes.toml lacks [no_case] exempt_purposes")
        exempt = set()
    else:
        exempt = set(re.findall(r'"([^"]+)"', m.group(1)))
    # ---- hard negatives (ids to check against the twin)
    hn = {}
    with open(os.path.join(W, "hard_negatives.tsv")) as f:
        head = f.readline().rstrip("\n").split("\t")
        if head != ["event_id", "class", "note"]:
            err("hard_negatives.tsv header %s" % head)
        seen = set()
        for ln, line in enumerate(f, 2):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3 or not parts[0] or not parts[1]:
                err("hard_negatives.tsv line %d malformed" % ln)
                continue
            if (parts[0], parts[1]) in seen:
                err("hard_negatives.tsv duplicate row %s %s" % (parts[0], parts[1]))
            seen.add((parts[0], parts[1]))
            hn.setdefault(parts[0], []).append(parts[1])
    # ---- stream events: world vs twin
    tw = open(os.path.join(T, "events.jsonl"))
    tline = tw.readline()
    twin_n = world_n = 0
    injected = {}          # id -> (user, instant)
    ids = set()
    hn_found = set()
    last = None
    n_clients_unknown = 0
    purposes = set()
    with open(os.path.join(W, "events.jsonl")) as f:
        for ln, line in enumerate(f, 1):
            world_n += 1
            try:
                e = json.loads(line)
            except ValueError:
                err("events.jsonl line %d: not JSON" % ln)
                continue
            if not isinstance(e, dict):
                err("events.jsonl line %d: not an object" % ln)
                continue
            eid = e.get("id")
            if not isinstance(eid, str) or not eid:
                err("line %d: no id" % ln)
            elif eid in ids:
                err("line %d: duplicate id %s" % (ln, eid))
            ids.add(eid)
            t = instant(e.get("ts"))
            if t is None:
                err("line %d: bad ts %r" % (ln, e.get("ts")))
                continue
            if last is not None and t < last:
                err("line %d: out of time order (%s)" % (ln, e.get("ts")))
            last = t
            u = e.get("user")
            if not isinstance(u, str) or not u:
                err("line %d: no user" % ln)
            elif u not in users:
                err("line %d: user %s not in personnel" % (ln, u))
            sj = e.get("subject") if isinstance(e.get("subject"), dict) else {}
            dob = e.get("subject_dob") or sj.get("dob")
            if dob and not DATE.match(dob):
                err("line %d: bad subject dob %r" % (ln, dob))
            pid = e.get("subject_person_id") or sj.get("person_id")
            if pid and not (TIN.match(pid) or (TEST_TIN.match(pid) and e.get("purpose") == "SYSTEM MAINTENANCE")):
                err("line %d: subject person id %r is not a taxpayer id starting with 9" % (ln, pid))
            if "result_count" in e and not isinstance(e["result_count"], int):
                err("line %d: result_count not integer" % ln)
            if e.get("client") and e["client"] not in clients:
                n_clients_unknown += 1
            if e.get("purpose"):
                purposes.add(e["purpose"])
            if tline and line == tline:
                twin_n += 1
                if eid in hn:
                    hn_found.add(eid)
                tline = tw.readline()
            else:
                injected[eid] = (u, t)
    if tline:
        err("twin events.jsonl is not an order-preserving verbatim subset of the world (stopped at twin line %d)" % (twin_n + 1))
    tw.close()
    if n_clients_unknown:
        err("%d events name a client missing from clients.csv" % n_clients_unknown)
    if exempt - purposes:
        err("exempt purposes never used in events: %s" % sorted(exempt - purposes))
    for eid in sorted(set(hn) - hn_found):
        err("hard negative %s is not a legitimate (twin) event" % eid)
        break
    # ---- labels
    if os.path.getsize(os.path.join(T, "labels.jsonl")) != 0:
        err("twin labels.jsonl is not empty")
    n_lab = 0
    by_kind = {}
    incs = set()
    with open(os.path.join(W, "labels.jsonl")) as f:
        for ln, line in enumerate(f, 1):
            n_lab += 1
            try:
                lab = json.loads(line)
            except ValueError:
                err("labels line %d: not JSON" % ln)
                continue
            det, kind = lab.get("detector"), lab.get("kind")
            if det not in KINDS:
                err("labels line %d: unknown detector %r" % (ln, det))
                continue
            allowed = KINDS[det] if KINDS[det] is not None else (relations if det == "association_lookup" else categories)
            if kind not in allowed:
                err("labels line %d: kind %r not valid for %s" % (ln, kind, det))
            by_kind["%s/%s" % (det, kind)] = by_kind.get("%s/%s" % (det, kind), 0) + 1
            for k in ("user", "event_ids", "window_start", "window_end", "note"):
                if k not in lab:
                    err("labels line %d: missing %s" % (ln, k))
            owners = {lab.get("user")}
            if det == "subject_surge":
                us = lab.get("users")
                if not isinstance(us, list) or len(us) < 2 or lab.get("user") not in us:
                    err("labels line %d: subject_surge needs users[] including user" % ln)
                else:
                    owners = set(us)
            elif "users" in lab:
                err("labels line %d: only subject_surge pieces carry users" % ln)
            evs = lab.get("event_ids") or []
            if not evs:
                err("labels line %d: no event ids" % ln)
                continue
            if len(set(evs)) != len(evs):
                err("labels line %d: duplicate event ids" % ln)
            times = []
            for eid in evs:
                if eid not in ids:
                    err("labels line %d: event %s does not exist" % (ln, eid))
                elif eid not in injected:
                    err("labels line %d: event %s is not injected (present in twin)" % (ln, eid))
                else:
                    uu, t = injected[eid]
                    if uu not in owners:
                        err("labels line %d: event %s belongs to %s, not %s" % (ln, eid, uu, sorted(owners)))
                    times.append(t)
            ws, we = instant(lab.get("window_start")), instant(lab.get("window_end"))
            if ws is None or we is None:
                err("labels line %d: bad window" % ln)
            elif times and (abs(ws - min(times)) > 0.0015 or abs(we - max(times)) > 0.0015):
                err("labels line %d: window does not match its events" % ln)
            note = str(lab.get("note", ""))
            if not re.match(r"^inc\d+-", note):
                err("labels line %d: note should start with incNN-" % ln)
            else:
                incs.add(note.split(":")[0])
    print("world events %d (twin %d, injected %d); labels %d; incidents %d; hard-negative events %d" %
          (world_n, twin_n, len(injected), n_lab, len(incs), len(hn)))
    for k in sorted(by_kind):
        print("  %-40s %d" % (k, by_kind[k]))
    if errors:
        print("%d check(s) failed" % len(errors))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
