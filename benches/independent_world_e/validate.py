#!/usr/bin/env python3
"""Check a generated world against CONTRACT sections 1-2 and the bench conventions.

    python3 validate.py DIR [--twin TWIN_DIR]

With --twin (the same seed/N/D generated with --no-inject), also checks that refs, config and
hard negatives are byte-identical, that the twin's events are an in-order byte-identical
subsequence, and that the added events are exactly the labelled ones.
"""
import argparse
import csv
import datetime as dt
import json
import os
import re
import sys

COLUMNS = {
    "personnel.csv": ["user", "employee_id", "person_id", "last_name", "first_name", "dob", "address",
                      "phone", "plate", "unit", "supervisor", "site", "status", "end_date"],
    "associations.csv": ["employee_id", "relation", "person_id", "last_name", "first_name", "dob",
                         "address", "phone", "plate", "valid_from", "valid_to", "source"],
    "cases.csv": ["case_id", "status", "opened", "closed", "unit"],
    "case_assignments.csv": ["case_id", "user", "from", "to"],
    "case_subjects.csv": ["case_id", "person_id", "last_name", "first_name", "dob", "address", "phone", "plate"],
    "watchlist.csv": ["person_id", "last_name", "first_name", "dob", "category"],
    "clients.csv": ["client", "site", "lat", "lon"],
}
STR_FIELDS = ["id", "user", "action", "system", "session", "client", "ip", "case_id", "purpose",
              "subject_person_id", "subject_last_name", "subject_first_name", "subject_name", "subject_dob",
              "subject_address", "subject_phone", "subject_plate", "query_text"]
SUBJECT_KEYS = {"person_id", "last_name", "first_name", "name", "dob", "address", "phone", "plate"}
DETECTORS = {
    "self_query": {"person_id", "name_dob", "plate", "address", "phone", "name_only"},
    "coworker_lookup": {"same_unit", "other_unit", "supervisor"},
    "association_lookup": None,
    "odd_volume": {"daily_count", "burst", "off_hours", "distinct_subjects", "export"},
    "shared_credential": {"concurrent_clients", "impossible_travel", "inactive_account"},
    "no_case": {"missing", "unknown_case", "closed_case", "not_assigned", "subject_not_in_case"},
    "watchlist_lookup": None,
    "subject_surge": {"many_users"},
}
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Check:
    def __init__(self):
        self.errors = []
        self.notes = []

    def err(self, msg):
        if len(self.errors) < 200:
            self.errors.append(msg)

    def ok(self, cond, msg):
        if not cond:
            self.err(msg)
        return cond


def parse_ts(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


def is_date(s):
    if not DATE_RE.match(s or ""):
        return False
    try:
        dt.date.fromisoformat(s)
        return True
    except ValueError:
        return False


def read_csv(C, path, name):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not C.ok(rows and rows[0] == COLUMNS[name], "%s: header %s != %s" % (name, rows[0] if rows else None, COLUMNS[name])):
        return []
    out = []
    for i, row in enumerate(rows[1:], 2):
        if C.ok(len(row) == len(COLUMNS[name]), "%s:%d: %d cells" % (name, i, len(row))):
            out.append(dict(zip(COLUMNS[name], row)))
    return out


def check_refs(C, d):
    R = {}
    for name in COLUMNS:
        p = os.path.join(d, "refs", name)
        if C.ok(os.path.exists(p), "refs/%s missing" % name):
            R[name] = read_csv(C, p, name)
        else:
            R[name] = []
    pers = R["personnel.csv"]
    users = [r["user"] for r in pers]
    C.ok(len(users) == len(set(users)), "personnel: duplicate user")
    eids = {r["employee_id"] for r in pers}
    for r in pers:
        C.ok(r["user"] and r["employee_id"], "personnel: empty user/employee_id")
        C.ok(r["status"] in ("active", "leave", "terminated"), "personnel %s: status %r" % (r["user"], r["status"]))
        C.ok(not r["dob"] or is_date(r["dob"]), "personnel %s: dob %r" % (r["user"], r["dob"]))
        C.ok(not r["end_date"] or is_date(r["end_date"]), "personnel %s: end_date" % r["user"])
        C.ok(not r["supervisor"] or r["supervisor"] in eids, "personnel %s: supervisor %s unknown" % (r["user"], r["supervisor"]))
        C.ok(r["status"] != "terminated" or r["end_date"], "personnel %s: terminated without end_date" % r["user"])
    for r in R["associations.csv"]:
        C.ok(r["employee_id"] in eids, "associations: unknown employee %s" % r["employee_id"])
        C.ok(bool(r["relation"]), "associations: empty relation")
        for k in ("dob", "valid_from", "valid_to"):
            C.ok(not r[k] or is_date(r[k]), "associations: %s %r" % (k, r[k]))
    cases = {}
    for r in R["cases.csv"]:
        C.ok(r["case_id"] not in cases, "cases: duplicate %s" % r["case_id"])
        cases[r["case_id"]] = r
        C.ok(r["status"] in ("open", "closed"), "cases %s: status" % r["case_id"])
        C.ok(is_date(r["opened"]), "cases %s: opened" % r["case_id"])
        C.ok((r["status"] == "closed") == bool(r["closed"]), "cases %s: closed date vs status" % r["case_id"])
        C.ok(not r["closed"] or (is_date(r["closed"]) and r["closed"] >= r["opened"]), "cases %s: closed" % r["case_id"])
    for r in R["case_assignments.csv"]:
        C.ok(r["case_id"] in cases, "case_assignments: unknown case %s" % r["case_id"])
        C.ok(r["user"] in set(users) or r["user"] in eids, "case_assignments: unknown user %s" % r["user"])
        C.ok(is_date(r["from"]) and (not r["to"] or (is_date(r["to"]) and r["to"] >= r["from"])),
             "case_assignments %s: dates %s..%s" % (r["case_id"], r["from"], r["to"]))
    for r in R["case_subjects.csv"]:
        C.ok(r["case_id"] in cases, "case_subjects: unknown case %s" % r["case_id"])
        C.ok(not r["dob"] or is_date(r["dob"]), "case_subjects: dob")
    for r in R["watchlist.csv"]:
        C.ok(r["person_id"] and r["category"], "watchlist: empty person_id/category")
    seen = set()
    for r in R["clients.csv"]:
        C.ok(r["client"] not in seen, "clients: duplicate %s" % r["client"])
        seen.add(r["client"])
        try:
            C.ok(-90 <= float(r["lat"]) <= 90 and -180 <= float(r["lon"]) <= 180, "clients: lat/lon range")
        except ValueError:
            C.err("clients %s: lat/lon not numbers" % r["client"])
    for name, rows in R.items():
        for row in rows:
            if any(";" in v for v in row.values()):
                C.notes.append("%s has a multi-valued cell" % name)
                break
    return R


def check_config(C, d):
    p = os.path.join(d, "custodes.toml")
    if not C.ok(os.path.exists(p), "custodes.toml missing"):
        return
    try:
        import tomllib
        with open(p, "rb") as f:
            cfg = tomllib.load(f)
        C.ok(set(cfg) == {"no_case"} and set(cfg["no_case"]) == {"exempt_purposes"}
             and all(isinstance(x, str) for x in cfg["no_case"]["exempt_purposes"]),
             "custodes.toml: only [no_case] exempt_purposes = [strings]")
    except ImportError:
        C.notes.append("tomllib unavailable; custodes.toml not parsed")


def same_bytes(a, b):
    with open(a, "rb") as f, open(b, "rb") as g:
        return f.read() == g.read()


def load_labels(C, d, R):
    rels = {r["relation"] for r in R["associations.csv"]} | {"ex_partner", "partner", "spouse", "family", "neighbor",
                                                              "associate", "protected_party"}
    cats = {r["category"] for r in R["watchlist.csv"]}
    users = {r["user"]: r["employee_id"] for r in R["personnel.csv"]}
    labels = []
    p = os.path.join(d, "labels.jsonl")
    if not C.ok(os.path.exists(p), "labels.jsonl missing"):
        return labels
    need = ["detector", "kind", "user", "employee_id", "event_ids", "window_start", "window_end",
            "incident", "scenario", "note"]
    with open(p) as f:
        for n, line in enumerate(f, 1):
            lab = json.loads(line)
            if not C.ok(all(k in lab for k in need), "labels:%d: missing fields" % n):
                continue
            lab["_n"] = n
            labels.append(lab)
            det, kind = lab["detector"], lab["kind"]
            if C.ok(det in DETECTORS, "labels:%d: detector %s" % (n, det)):
                allowed = DETECTORS[det] if DETECTORS[det] is not None else (
                    rels if det == "association_lookup" else cats)
                C.ok(kind in allowed, "labels:%d: kind %s/%s" % (n, det, kind))
            if det == "subject_surge":
                C.ok(lab["user"] == "" and isinstance(lab.get("users"), list) and len(lab["users"]) >= 2,
                     "labels:%d: surge label needs user '' and users" % n)
            else:
                C.ok(lab["user"] in users, "labels:%d: user %s not in personnel" % (n, lab["user"]))
                C.ok(users.get(lab["user"]) == lab["employee_id"], "labels:%d: employee_id" % n)
            C.ok(bool(TS_RE.match(lab["window_start"]) and TS_RE.match(lab["window_end"])), "labels:%d: window" % n)
            C.ok(bool(lab["event_ids"]), "labels:%d: no events" % n)
    return labels


def load_hard_negatives(C, d):
    rows = []
    with open(os.path.join(d, "hard_negatives.tsv")) as f:
        head = f.readline().rstrip("\n")
        C.ok(head == "event_id\tclass\tnote", "hard_negatives.tsv: header")
        for n, line in enumerate(f, 2):
            parts = line.rstrip("\n").split("\t")
            if C.ok(len(parts) == 3 and bool(parts[1]), "hard_negatives:%d: 3 columns" % n):
                rows.append(parts[0])
    return rows


def check_events(C, d, R, labels, hn):
    """One streaming pass: event format, order and ids; label and hard-negative references; and
    no unlabelled event resolving to its actor's own or associated person_id."""
    labelled = {}
    for lab in labels:
        for i in lab["event_ids"]:
            labelled.setdefault(i, []).append(lab)
    hn_set = set(hn)
    C.ok(len(hn_set) == len(hn), "hard_negatives: duplicate event ids")
    for i in sorted(hn_set & set(labelled))[:5]:
        C.err("hard negative %s is labelled" % i)
    emp = {r["user"]: r["employee_id"] for r in R["personnel.csv"]}
    own = {}
    for r in R["personnel.csv"] + R["associations.csv"]:
        if r["person_id"]:
            own.setdefault(r["employee_id"], set()).add(r["person_id"])
    ids = set()
    found_lab, found_hn = set(), set()
    prev = None
    bad = n_events = 0
    with open(os.path.join(d, "events.jsonl")) as f:
        for n, line in enumerate(f, 1):
            try:
                e = json.loads(line)
            except ValueError:
                C.err("events:%d: not JSON" % n)
                continue
            if not C.ok(isinstance(e, dict), "events:%d: not an object" % n):
                continue
            n_events += 1
            C.ok(isinstance(e.get("ts"), str) and bool(TS_RE.match(e["ts"])), "events:%d: ts %r" % (n, e.get("ts")))
            C.ok(isinstance(e.get("user"), str) and bool(e["user"]), "events:%d: user" % n)
            for k in STR_FIELDS:
                if k in e:
                    C.ok(isinstance(e[k], str), "events:%d: %s not a string" % (n, k))
            if "result_count" in e:
                C.ok(isinstance(e["result_count"], int) and not isinstance(e["result_count"], bool)
                     and e["result_count"] >= 0, "events:%d: result_count" % n)
            if e.get("subject_dob"):
                C.ok(is_date(e["subject_dob"]), "events:%d: subject_dob %r" % (n, e["subject_dob"]))
            sub = e.get("subject")
            if sub is not None:
                if C.ok(isinstance(sub, dict) and set(sub) <= SUBJECT_KEYS, "events:%d: subject object" % n):
                    if sub.get("dob"):
                        C.ok(is_date(sub["dob"]), "events:%d: subject.dob" % n)
                else:
                    sub = None
            eid = e.get("id")
            C.ok(eid not in ids, "events:%d: duplicate id %s" % (n, eid))
            ids.add(eid)
            try:
                key = (parse_ts(e["ts"]), eid)
            except (KeyError, ValueError, TypeError):
                continue
            C.ok(prev is None or prev <= key, "events:%d: not sorted by (ts, id)" % n)
            prev = key
            if eid in hn_set:
                found_hn.add(eid)
            labs = labelled.get(eid)
            if labs:
                found_lab.add(eid)
                for lab in labs:
                    C.ok(parse_ts(lab["window_start"]) <= key[0] <= parse_ts(lab["window_end"]),
                         "labels:%d: event %s outside window" % (lab["_n"], eid))
                    if lab["detector"] == "subject_surge":
                        C.ok(e["user"] in lab.get("users", []), "labels:%d: event %s user not in users" % (lab["_n"], eid))
                    else:
                        C.ok(e["user"] == lab["user"], "labels:%d: event %s by another user" % (lab["_n"], eid))
            else:
                pid = e.get("subject_person_id") or (sub or {}).get("person_id")
                if pid and pid in own.get(emp.get(e["user"]), ()):
                    bad += 1
                    if bad <= 5:
                        C.err("event %s by %s resolves to own/associated %s but is not labelled" % (eid, e["user"], pid))
    C.ok(bad == 0, "%d unlabelled events resolve to the actor's own or associated person" % bad)
    for i in sorted(set(labelled) - found_lab)[:5]:
        C.err("labelled event %s not in events.jsonl" % i)
    for i in sorted(hn_set - found_hn)[:5]:
        C.err("hard negative %s not in events.jsonl" % i)
    return n_events


def check_dir(d):
    C = Check()
    R = check_refs(C, d)
    labels = load_labels(C, d, R)
    hn = load_hard_negatives(C, d)
    n = check_events(C, d, R, labels, hn)
    check_config(C, d)
    C.ok(os.path.exists(os.path.join(d, "world_summary.txt")), "world_summary.txt missing")
    return C, n, labels, hn


def check_twin(C, d, t, labels_d, labels_t):
    """d: the injected world, t: its --no-inject twin."""
    for name in sorted(COLUMNS):
        C.ok(same_bytes(os.path.join(d, "refs", name), os.path.join(t, "refs", name)), "twin: refs/%s differs" % name)
    for name in ("custodes.toml", "hard_negatives.tsv"):
        C.ok(same_bytes(os.path.join(d, name), os.path.join(t, name)), "twin: %s differs" % name)
    C.ok(not labels_t, "twin: labels.jsonl of the --no-inject world is not empty")
    added = []
    matched = total_t = 0
    with open(os.path.join(d, "events.jsonl")) as fd, open(os.path.join(t, "events.jsonl")) as ft:
        want = ft.readline()
        total_t += bool(want)
        for line in fd:
            if want and line == want:
                matched += 1
                want = ft.readline()
                total_t += bool(want)
            else:
                added.append(json.loads(line)["id"])
        for _ in ft:
            total_t += 1
    C.ok(matched == total_t, "twin: events are not an in-order subsequence (%d of %d matched)" % (matched, total_t))
    labelled = {x for lab in labels_d for x in lab["event_ids"]}
    C.ok(set(added) == labelled, "twin: added events (%d) != labelled events (%d); %d unlabelled, %d labelled but "
         "not added" % (len(added), len(labelled), len(set(added) - labelled), len(labelled - set(added))))
    return len(added)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--twin")
    a = ap.parse_args()
    C, n, labels, hn = check_dir(a.dir)
    print("%s: %d events, %d labels, %d hard negatives" % (a.dir, n, len(labels), len(hn)))
    if a.twin:
        Ct, nt, labels_t, hn_t = check_dir(a.twin)
        print("%s: %d events, %d labels, %d hard negatives" % (a.twin, nt, len(labels_t), len(hn_t)))
        C.errors += ["[twin dir] " + e for e in Ct.errors]
        d, t, bd, bt = a.dir, a.twin, labels, labels_t
        if nt > n:
            d, t, bd, bt = a.twin, a.dir, labels_t, labels
        k = check_twin(C, d, t, bd, bt)
        print("twin: %d added events; checked refs/config/hard negatives identical, in-order subsequence, "
              "added == labelled" % k)
    for note in sorted(set(C.notes)):
        print("note:", note)
    if C.errors:
        for e in C.errors:
            print("ERROR:", e)
        print("FAIL (%d errors)" % len(C.errors))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
