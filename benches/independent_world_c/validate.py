#!/usr/bin/env python3
"""
validate.py -- check a generated world against CONTRACT.md's formats.

    python3 validate.py DIR [--twin TWIN_DIR]

Checks DIR/events.jsonl (section 1), DIR/refs/*.csv (section 2), DIR/labels.jsonl
(detector / kind names from section 3, event ids that exist, windows), DIR/custodes.toml
([no_case] exempt_purposes).  With --twin, also checks that TWIN_DIR is the no-misconduct
twin of DIR: identical refs and config, its events a subset of DIR's, and no labels.
Exit status 0 when no errors (warnings are printed but do not fail).
"""
import argparse
import csv
import json
import os
import re
import sys
from datetime import date, datetime

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EVENT_STR_FIELDS = ["id", "ts", "user", "action", "system", "session", "client", "ip", "case_id", "purpose",
                    "subject_person_id", "subject_last_name", "subject_first_name", "subject_name", "subject_dob",
                    "subject_address", "subject_phone", "subject_plate", "query_text"]
SUBJECT_KEYS = {"person_id", "last_name", "first_name", "name", "dob", "address", "phone", "plate"}
STD_ACTIONS = {"query", "export", "login", "logout", "login_failed"}
REF_COLS = {
    "personnel.csv": ["user", "employee_id", "person_id", "last_name", "first_name", "dob", "address", "phone",
                      "plate", "unit", "supervisor", "site", "status", "end_date"],
    "associations.csv": ["employee_id", "relation", "person_id", "last_name", "first_name", "dob", "address",
                         "phone", "plate", "valid_from", "valid_to", "source"],
    "cases.csv": ["case_id", "status", "opened", "closed", "unit"],
    "case_assignments.csv": ["case_id", "from", "to"],          # plus user or employee_id
    "case_subjects.csv": ["case_id", "person_id", "last_name", "first_name", "dob", "address", "phone", "plate"],
    "watchlist.csv": ["person_id", "last_name", "first_name", "dob", "category"],
    "clients.csv": ["client", "site", "lat", "lon"],
}
DETECTORS = {
    "self_query": {"person_id", "name_dob", "plate", "address", "phone", "name_only"},
    "coworker_lookup": {"same_unit", "other_unit", "supervisor"},
    "association_lookup": None,     # relation of the matched association
    "odd_volume": {"daily_count", "burst", "off_hours", "distinct_subjects", "export"},
    "shared_credential": {"concurrent_clients", "impossible_travel", "inactive_account"},
    "no_case": {"missing", "unknown_case", "closed_case", "not_assigned", "subject_not_in_case"},
    "watchlist_lookup": None,       # watch-list category
    "subject_surge": {"many_users"},
}
CONTRACT_RELATIONS = {"ex_partner", "partner", "spouse", "family", "neighbor", "associate", "protected_party"}


class Report:
    def __init__(self):
        self.errors, self.warnings = [], []

    def err(self, msg):
        if len(self.errors) < 200:
            self.errors.append(msg)
        elif len(self.errors) == 200:
            self.errors.append("... (more errors suppressed)")

    def warn(self, msg):
        if len(self.warnings) < 60:
            self.warnings.append(msg)


def parse_ts(s):
    if not isinstance(s, str) or not RFC3339.match(s):
        return None
    try:
        x = s.replace("z", "Z").replace("t", "T").replace(" ", "T")
        if x.endswith("Z"):
            x = x[:-1] + "+00:00"
        return datetime.fromisoformat(x)
    except ValueError:
        return None


def is_date(s):
    if not isinstance(s, str) or not DATE.match(s):
        return False
    try:
        date.fromisoformat(s)
        return True
    except ValueError:
        return False


def check_events(path, R):
    ids, stats = {}, {"lines": 0, "by_action": {}, "by_system": {}, "extra_fields": {}, "nested_subject": 0}
    prev = None
    unordered = 0
    with open(path) as f:
        for n, line in enumerate(f, 1):
            stats["lines"] += 1
            where = "%s:%d" % (os.path.basename(path), n)
            try:
                e = json.loads(line)
            except json.JSONDecodeError as x:
                R.err("%s: not JSON (%s)" % (where, x))
                continue
            if not isinstance(e, dict):
                R.err("%s: not a JSON object" % where)
                continue
            for k in ("ts", "user"):
                if k not in e or e[k] in (None, ""):
                    R.err("%s: required field %s missing" % (where, k))
            for k in EVENT_STR_FIELDS:
                if k in e and e[k] is not None and not isinstance(e[k], str):
                    R.err("%s: field %s must be a string, got %r" % (where, k, e[k]))
            t = parse_ts(e.get("ts"))
            if t is None:
                R.err("%s: ts %r is not RFC 3339 with offset or Z" % (where, e.get("ts")))
            elif prev is not None and t < prev:
                unordered += 1
            prev = t or prev
            if "subject_dob" in e and e["subject_dob"] not in (None, "") and not is_date(e["subject_dob"]):
                R.err("%s: subject_dob %r is not YYYY-MM-DD" % (where, e["subject_dob"]))
            if "result_count" in e and e["result_count"] is not None and (
                    not isinstance(e["result_count"], int) or isinstance(e["result_count"], bool)):
                R.err("%s: result_count must be an integer" % where)
            if "subject" in e:
                s = e["subject"]
                stats["nested_subject"] += 1
                if not isinstance(s, dict):
                    R.err("%s: subject must be an object" % where)
                else:
                    for k, v in s.items():
                        if k not in SUBJECT_KEYS:
                            R.err("%s: subject.%s is not a subject_* column" % (where, k))
                        elif v is not None and not isinstance(v, str):
                            R.err("%s: subject.%s must be a string" % (where, k))
                        elif k == "dob" and v and not is_date(v):
                            R.err("%s: subject.dob %r is not YYYY-MM-DD" % (where, v))
                        if "subject_" + k in e:
                            R.warn("%s: subject.%s given both nested and flat" % (where, k))
            a = e.get("action", "query")
            stats["by_action"][a] = stats["by_action"].get(a, 0) + 1
            stats["by_system"][e.get("system", "")] = stats["by_system"].get(e.get("system", ""), 0) + 1
            for k in e:
                if k not in EVENT_STR_FIELDS and k not in ("result_count", "subject"):
                    stats["extra_fields"][k] = stats["extra_fields"].get(k, 0) + 1
            i = e.get("id")
            if i is not None:
                if i in ids:
                    R.err("%s: duplicate id %s (first at line %d)" % (where, i, ids[i][0]))
                ids[i] = (n, t, e.get("user"))
    if unordered:
        R.warn("events.jsonl: %d events earlier than their predecessor (order is not required)" % unordered)
    return ids, stats


def read_csv(path, R):
    with open(path, newline="") as f:
        rd = csv.reader(f)
        try:
            header = next(rd)
        except StopIteration:
            R.err("%s: empty file (no header)" % path)
            return [], []
        rows = []
        for n, row in enumerate(rd, 2):
            if len(row) != len(header):
                R.err("%s:%d: %d cells, header has %d" % (os.path.basename(path), n, len(row), len(header)))
                continue
            rows.append(dict(zip(header, row)))
        return header, rows


def check_refs(refdir, R):
    out = {}
    if not os.path.isfile(os.path.join(refdir, "personnel.csv")):
        R.err("refs: personnel.csv is required")
    for name, cols in REF_COLS.items():
        p = os.path.join(refdir, name)
        if not os.path.isfile(p):
            R.warn("refs: %s absent (optional)" % name)
            continue
        header, rows = read_csv(p, R)
        for c in cols:
            if c not in header:
                R.err("refs/%s: missing column %s" % (name, c))
        extra = [c for c in header if c not in cols and not (name == "case_assignments.csv" and c in ("user", "employee_id"))]
        if extra:
            R.warn("refs/%s: extra columns %s" % (name, extra))
        out[name] = rows
        for n, row in enumerate(rows, 2):
            where = "refs/%s:%d" % (name, n)
            for c in ("dob", "end_date", "opened", "closed", "from", "to", "valid_from", "valid_to"):
                if c in row and row[c] and not is_date(row[c]):
                    R.err("%s: %s %r is not YYYY-MM-DD" % (where, c, row[c]))
    pers = out.get("personnel.csv", [])
    users, emp = set(), {}
    for n, row in enumerate(pers, 2):
        where = "refs/personnel.csv:%d" % n
        if not row.get("user"):
            R.err("%s: empty user" % where)
        if row.get("user") in users:
            R.err("%s: duplicate login %s" % (where, row["user"]))
        users.add(row.get("user"))
        if row.get("status") not in ("active", "leave", "terminated"):
            R.err("%s: status %r not active/leave/terminated" % (where, row.get("status")))
        if row.get("status") == "terminated" and not row.get("end_date"):
            R.warn("%s: terminated without end_date" % where)
        key = (row.get("person_id"), row.get("last_name"), row.get("first_name"), row.get("dob"))
        if row["employee_id"] in emp and emp[row["employee_id"]] != key:
            R.err("%s: employee %s has inconsistent identity across logins" % (where, row["employee_id"]))
        emp[row["employee_id"]] = key
    for n, row in enumerate(pers, 2):
        if row.get("supervisor") and row["supervisor"] not in emp:
            R.warn("refs/personnel.csv:%d: supervisor %s is not an employee_id in the file" % (n, row["supervisor"]))
    cases = {}
    for n, row in enumerate(out.get("cases.csv", []), 2):
        where = "refs/cases.csv:%d" % n
        if row["case_id"] in cases:
            R.err("%s: duplicate case_id %s" % (where, row["case_id"]))
        cases[row["case_id"]] = row
        if row.get("status") not in ("open", "closed"):
            R.err("%s: status %r not open/closed" % (where, row.get("status")))
        if row.get("status") == "closed" and not row.get("closed"):
            R.err("%s: closed case without closed date" % where)
        if row.get("closed") and row.get("opened") and row["closed"] < row["opened"]:
            R.err("%s: closed before opened" % where)
    asg_missing = 0
    for n, row in enumerate(out.get("case_assignments.csv", []), 2):
        if cases and row["case_id"] not in cases:
            R.err("refs/case_assignments.csv:%d: unknown case %s" % (n, row["case_id"]))
        who = row.get("user") or row.get("employee_id")
        if not who:
            R.err("refs/case_assignments.csv:%d: neither user nor employee_id" % n)
        elif who not in emp and who not in users:
            asg_missing += 1
        if row.get("to") and row.get("from") and row["to"] < row["from"]:
            R.err("refs/case_assignments.csv:%d: to before from" % n)
    if asg_missing:
        R.warn("refs/case_assignments.csv: %d rows name people not in personnel.csv (former staff)" % asg_missing)
    for n, row in enumerate(out.get("case_subjects.csv", []), 2):
        if cases and row["case_id"] not in cases:
            R.err("refs/case_subjects.csv:%d: unknown case %s" % (n, row["case_id"]))
    rels = set()
    for n, row in enumerate(out.get("associations.csv", []), 2):
        if not row.get("relation"):
            R.err("refs/associations.csv:%d: empty relation" % n)
        rels.add(row.get("relation"))
        if row.get("employee_id") not in emp:
            R.warn("refs/associations.csv:%d: employee %s not in personnel" % (n, row.get("employee_id")))
    if rels - CONTRACT_RELATIONS:
        R.warn("refs/associations.csv: relations outside the contract's list (allowed as 'other'): %s" % sorted(rels - CONTRACT_RELATIONS))
    cats = set()
    for n, row in enumerate(out.get("watchlist.csv", []), 2):
        if not row.get("category"):
            R.err("refs/watchlist.csv:%d: empty category" % n)
        cats.add(row.get("category"))
    clients = set()
    for n, row in enumerate(out.get("clients.csv", []), 2):
        try:
            la, lo = float(row["lat"]), float(row["lon"])
            if not (-90 <= la <= 90 and -180 <= lo <= 180):
                raise ValueError
        except ValueError:
            R.err("refs/clients.csv:%d: bad lat/lon" % n)
        if row["client"] in clients:
            R.err("refs/clients.csv:%d: duplicate client" % n)
        clients.add(row["client"])
    return {"users": users, "cases": cases, "relations": rels, "categories": cats, "counts": {k: len(v) for k, v in out.items()}}


def check_labels(path, ids, refs, R):
    n_lab = 0
    by = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = "labels.jsonl:%d" % n
            try:
                L = json.loads(line)
            except json.JSONDecodeError:
                R.err("%s: not JSON" % where)
                continue
            n_lab += 1
            det, kind = L.get("detector"), L.get("kind")
            if det not in DETECTORS:
                R.err("%s: unknown detector %r" % (where, det))
            else:
                allowed = DETECTORS[det]
                if det == "association_lookup":
                    allowed = refs["relations"] | CONTRACT_RELATIONS
                if det == "watchlist_lookup":
                    allowed = refs["categories"]
                if kind not in allowed:
                    R.err("%s: kind %r not valid for %s" % (where, kind, det))
            by["%s:%s" % (det, kind)] = by.get("%s:%s" % (det, kind), 0) + 1
            u = L.get("user")
            if not isinstance(u, str) or not u:
                R.err("%s: user missing" % where)
            elif u not in refs["users"]:
                R.err("%s: user %s not in personnel.csv" % (where, u))
            ev = L.get("event_ids")
            if not isinstance(ev, list) or not ev or not all(isinstance(x, str) for x in ev):
                R.err("%s: event_ids must be a non-empty list of strings" % where)
                continue
            if len(set(ev)) != len(ev):
                R.err("%s: duplicate event ids" % where)
            ws, we = parse_ts(L.get("window_start")), parse_ts(L.get("window_end"))
            if ws is None or we is None:
                R.err("%s: window_start/window_end must be RFC 3339" % where)
            elif ws > we:
                R.err("%s: window_start after window_end" % where)
            for x in ev:
                if x not in ids:
                    R.err("%s: event id %s not in events.jsonl" % (where, x))
                    continue
                _, t, eu = ids[x]
                if ws and we and t and not (ws <= t <= we):
                    R.err("%s: event %s at %s outside the window" % (where, x, t))
    return n_lab, by


def check_toml(path, R):
    txt = open(path).read()
    try:
        import tomllib
        cfg = tomllib.loads(txt)
    except ImportError:
        m = re.search(r"^\[no_case\]\s*\nexempt_purposes\s*=\s*\[(.*?)\]", txt, re.M | re.S)
        cfg = {"no_case": {"exempt_purposes": re.findall(r'"([^"]*)"', m.group(1))}} if m else {}
    except Exception as x:
        R.err("custodes.toml: not valid TOML (%s)" % x)
        return []
    ex = cfg.get("no_case", {}).get("exempt_purposes")
    if not isinstance(ex, list) or not all(isinstance(x, str) for x in ex):
        R.err("custodes.toml: [no_case] exempt_purposes must be a list of strings")
        return []
    return ex


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("--twin", help="the --no-inject twin of DIR")
    a = ap.parse_args()
    R = Report()
    ev_path = os.path.join(a.dir, "events.jsonl")
    ids, st = check_events(ev_path, R)
    refs = check_refs(os.path.join(a.dir, "refs"), R)
    users_in_events = set(u for _, _, u in ids.values())
    unknown = users_in_events - refs["users"]
    if unknown:
        R.warn("events use logins not in personnel.csv: %s" % sorted(unknown)[:10])
    n_lab, by = check_labels(os.path.join(a.dir, "labels.jsonl"), ids, refs, R)
    ex = check_toml(os.path.join(a.dir, "custodes.toml"), R)
    if a.twin:
        for name in sorted(os.listdir(os.path.join(a.dir, "refs"))):
            if open(os.path.join(a.dir, "refs", name), "rb").read() != open(os.path.join(a.twin, "refs", name), "rb").read():
                R.err("twin: refs/%s differs" % name)
        if open(os.path.join(a.dir, "custodes.toml")).read() != open(os.path.join(a.twin, "custodes.toml")).read():
            R.err("twin: custodes.toml differs")
        mine = set(open(ev_path))
        tw = 0
        for line in open(os.path.join(a.twin, "events.jsonl")):
            tw += 1
            if line not in mine:
                R.err("twin: event not in the injected world: %s" % line[:100])
        if os.path.getsize(os.path.join(a.twin, "labels.jsonl")) != 0:
            R.err("twin: labels.jsonl is not empty")
        print("twin: %d events, %d extra (injected) events in %s" % (tw, len(mine) - tw, a.dir))
    print("events: %d  ids: %d  nested-subject events: %d" % (st["lines"], len(ids), st["nested_subject"]))
    print("  by system: %s" % dict(sorted(st["by_system"].items())))
    print("  by action: %s" % dict(sorted(st["by_action"].items())))
    print("  non-contract (extra evidence) fields: %s" % st["extra_fields"])
    print("refs: %s" % refs["counts"])
    print("labels: %d  %s" % (n_lab, dict(sorted(by.items()))))
    print("exempt purposes: %s" % ex)
    for w in R.warnings:
        print("WARNING " + w)
    for e in R.errors:
        print("ERROR " + e)
    print("RESULT: %s (%d errors, %d warnings)" % ("OK" if not R.errors else "FAIL", len(R.errors), len(R.warnings)))
    sys.exit(1 if R.errors else 0)


if __name__ == "__main__":
    main()
