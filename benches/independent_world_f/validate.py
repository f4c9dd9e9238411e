#!/usr/bin/env python3
"""Check a generated world against CONTRACT sections 1-2 and the bench conventions.

    python3 validate.py DIR [--twin TWIN_DIR]

With --twin (the --no-inject world of the same seed/size): refs, config and
hard negatives byte-identical; twin events an in-order byte-identical
subsequence; the added events exactly the labelled ones; twin labels empty.
"""
import argparse
import csv
import datetime as dt
import json
import os
import re
import sys

REFS = {
    "personnel.csv": ["user", "employee_id", "person_id", "last_name", "first_name", "dob", "address", "phone",
                      "plate", "unit", "supervisor", "site", "status", "end_date"],
    "associations.csv": ["employee_id", "relation", "person_id", "last_name", "first_name", "dob", "address", "phone",
                         "plate", "valid_from", "valid_to", "source"],
    "cases.csv": ["case_id", "status", "opened", "closed", "unit"],
    "case_assignments.csv": ["case_id", "user", "from", "to"],
    "case_subjects.csv": ["case_id", "person_id", "last_name", "first_name", "dob", "address", "phone", "plate"],
    "watchlist.csv": ["person_id", "last_name", "first_name", "dob", "category"],
    "clients.csv": ["client", "site", "lat", "lon"],
}
FIELDS = {"id", "ts", "user", "action", "system", "session", "client", "ip", "case_id", "purpose",
          "subject_person_id", "subject_last_name", "subject_first_name", "subject_name", "subject_dob",
          "subject_address", "subject_phone", "subject_plate", "result_count", "query_text", "subject"}
KINDS = {
    "self_query": {"person_id", "name_dob", "plate", "address", "phone", "name_only"},
    "coworker_lookup": {"same_unit", "other_unit", "supervisor"},
    "association_lookup": None, "watchlist_lookup": None,
    "odd_volume": {"daily_count", "burst", "off_hours", "distinct_subjects", "export"},
    "shared_credential": {"concurrent_clients", "impossible_travel", "inactive_account"},
    "no_case": {"missing", "unknown_case", "closed_case", "not_assigned", "subject_not_in_case"},
    "subject_surge": {"many_users"},
}
TS_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
DATE_RE = re.compile(r"^\d{4}-\d\d-\d\d$")
ERRORS = []


def err(msg):
    ERRORS.append(msg)
    if len(ERRORS) <= 40:
        print("ERROR:", msg)


def is_date(s):
    if not DATE_RE.match(s):
        return False
    try:
        dt.date.fromisoformat(s)
        return True
    except ValueError:
        return False


def read_csv(path, header):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows or rows[0] != header:
        err(f"{path}: header {rows[0] if rows else None} != {header}")
        return []
    out = []
    for i, r in enumerate(rows[1:], 2):
        if len(r) != len(header):
            err(f"{path}:{i}: {len(r)} columns")
            continue
        out.append(dict(zip(header, r)))
    return out


def check_refs(d):
    R = {}
    for name, header in REFS.items():
        p = os.path.join(d, "refs", name)
        if not os.path.exists(p):
            err(f"missing {p}")
            R[name] = []
            continue
        R[name] = read_csv(p, header)
    pers = R["personnel.csv"]
    users = {r["user"] for r in pers}
    if len(users) != len(pers):
        err("personnel: duplicate user")
    eids = {r["employee_id"] for r in pers}
    for r in pers:
        if r["status"] not in ("active", "leave", "terminated"):
            err(f"personnel {r['user']}: status {r['status']}")
        if r["dob"] and not is_date(r["dob"]):
            err(f"personnel {r['user']}: dob {r['dob']}")
        if r["end_date"] and not is_date(r["end_date"]):
            err(f"personnel {r['user']}: end_date")
        if r["status"] == "terminated" and not r["end_date"]:
            err(f"personnel {r['user']}: terminated without end_date")
        if r["supervisor"] and r["supervisor"] not in eids:
            err(f"personnel {r['user']}: unknown supervisor {r['supervisor']}")
        if r["phone"] and "-555-" not in r["phone"]:
            err(f"personnel {r['user']}: phone not in 555 exchange")
    cases = {}
    for r in R["cases.csv"]:
        if r["case_id"] in cases:
            err(f"cases: duplicate {r['case_id']}")
        cases[r["case_id"]] = r
        if r["status"] not in ("open", "closed"):
            err(f"cases {r['case_id']}: status")
        if not is_date(r["opened"]) or (r["closed"] and not is_date(r["closed"])):
            err(f"cases {r['case_id']}: dates")
        if (r["status"] == "closed") != bool(r["closed"]):
            err(f"cases {r['case_id']}: closed date vs status")
        if r["closed"] and r["closed"] < r["opened"]:
            err(f"cases {r['case_id']}: closed before opened")
    for r in R["case_assignments.csv"]:
        if r["case_id"] not in cases:
            err(f"case_assignments: unknown case {r['case_id']}")
        if r["user"] not in users and r["user"] not in eids:
            err(f"case_assignments: unknown user {r['user']}")
        if not (is_date(r["from"]) and is_date(r["to"])) or r["to"] < r["from"]:
            err(f"case_assignments {r['case_id']}/{r['user']}: dates")
    for r in R["case_subjects.csv"]:
        if r["case_id"] not in cases:
            err(f"case_subjects: unknown case {r['case_id']}")
        if r["dob"] and not is_date(r["dob"]):
            err(f"case_subjects {r['case_id']}: dob")
    for r in R["associations.csv"]:
        if r["employee_id"] not in eids:
            err(f"associations: unknown employee {r['employee_id']}")
        for k in ("dob", "valid_from", "valid_to"):
            if r[k] and not is_date(r[k]):
                err(f"associations {r['employee_id']}: {k}")
        if not r["relation"]:
            err("associations: empty relation")
    for r in R["watchlist.csv"]:
        if not r["category"]:
            err("watchlist: empty category")
    for r in R["clients.csv"]:
        try:
            float(r["lat"]), float(r["lon"])
        except ValueError:
            err(f"clients {r['client']}: lat/lon")
    return R


def check_config(d):
    p = os.path.join(d, "custodes.toml")
    txt = open(p).read()
    lines = [x.strip() for x in txt.splitlines() if x.strip() and not x.strip().startswith("#")]
    if not lines or lines[0] != "[no_case]":
        err("custodes.toml: must contain only [no_case]")
    if sum(1 for x in lines if x.startswith("[")) != 1:
        err("custodes.toml: extra tables")
    if not re.search(r"exempt_purposes\s*=\s*\[", txt):
        err("custodes.toml: no exempt_purposes")
    return re.findall(r'"([^"]+)"', txt)


def check_events(d, users):
    ids, prev, n = {}, None, 0
    with open(os.path.join(d, "events.jsonl")) as f:
        for i, line in enumerate(f, 1):
            try:
                e = json.loads(line)
            except ValueError:
                err(f"events:{i}: bad JSON")
                continue
            n += 1
            for k in ("ts", "user"):
                if not isinstance(e.get(k), str) or not e.get(k):
                    err(f"events:{i}: missing {k}")
            if not TS_RE.match(e.get("ts", "")):
                err(f"events:{i}: ts {e.get('ts')}")
            if e.get("user") not in users:
                err(f"events:{i}: user {e.get('user')} not in personnel")
            eid = e.get("id")
            if not eid or eid in ids:
                err(f"events:{i}: missing or duplicate id {eid}")
            ids[eid] = e.get("ts", "")
            key = (e.get("ts", ""), eid or "")
            if prev is not None and key < prev:
                err(f"events:{i}: not sorted by (ts,id)")
            prev = key
            if "result_count" in e and not isinstance(e["result_count"], int):
                err(f"events:{i}: result_count not an integer")
            dob = e.get("subject_dob") or (e.get("subject") or {}).get("dob")
            if dob and not is_date(dob):
                err(f"events:{i}: subject_dob {dob}")
            for k, v in e.items():
                if k in FIELDS and k not in ("result_count", "subject") and not isinstance(v, str):
                    err(f"events:{i}: {k} not a string")
            if "subject" in e and not isinstance(e["subject"], dict):
                err(f"events:{i}: subject not an object")
    return ids, n


def check_labels(d, ids, pers, R):
    labels = []
    rels = {r["relation"] for r in R["associations.csv"]}
    cats = {r["category"] for r in R["watchlist.csv"]}
    u2e = {r["user"]: r["employee_id"] for r in pers}
    with open(os.path.join(d, "labels.jsonl")) as f:
        for i, line in enumerate(f, 1):
            lab = json.loads(line)
            labels.append(lab)
            for k in ("detector", "kind", "user", "employee_id", "event_ids", "window_start", "window_end",
                      "incident", "scenario", "note"):
                if k not in lab:
                    err(f"labels:{i}: missing {k}")
            det, kind = lab.get("detector"), lab.get("kind")
            if det not in KINDS:
                err(f"labels:{i}: detector {det}")
            elif KINDS[det] is not None and kind not in KINDS[det]:
                err(f"labels:{i}: kind {kind} for {det}")
            elif det == "association_lookup" and kind not in rels:
                err(f"labels:{i}: relation {kind} not in associations.csv")
            elif det == "watchlist_lookup" and kind not in cats:
                err(f"labels:{i}: category {kind} not in watchlist.csv")
            if lab.get("user") == "":
                if not lab.get("users"):
                    err(f"labels:{i}: empty user without users list")
            elif u2e.get(lab.get("user")) != lab.get("employee_id"):
                err(f"labels:{i}: employee_id does not match personnel")
            evs = lab.get("event_ids") or []
            if not evs:
                err(f"labels:{i}: no events")
            tss = []
            for x in evs:
                if x not in ids:
                    err(f"labels:{i}: unknown event {x}")
                else:
                    tss.append(ids[x])
            if tss and (min(tss) != lab.get("window_start") or max(tss) != lab.get("window_end")):
                err(f"labels:{i}: window does not match its events")
    return labels


def check_hn(d, ids, labelled):
    rows = []
    with open(os.path.join(d, "hard_negatives.tsv")) as f:
        head = f.readline().rstrip("\n").split("\t")
        if head != ["event_id", "class", "note"]:
            err("hard_negatives.tsv: header")
        for i, line in enumerate(f, 2):
            r = line.rstrip("\n").split("\t")
            if len(r) != 3:
                err(f"hard_negatives:{i}: columns")
                continue
            if r[0] not in ids:
                err(f"hard_negatives:{i}: unknown event {r[0]}")
            if r[0] in labelled:
                err(f"hard_negatives:{i}: event is labelled misconduct")
            rows.append(r)
    return rows


def norm_pid(x):
    x = re.sub(r"[^0-9]", "", x or "")
    return x.lstrip("0")


def check_no_hidden_self(d, labelled, pers, R):
    """No unlabelled event resolves to its actor's own or associated person_id."""
    own = {}
    e2u = {}
    for r in pers:
        e2u.setdefault(r["employee_id"], []).append(r["user"])
        if r["person_id"]:
            own.setdefault(r["user"], set()).add(norm_pid(r["person_id"]))
    for r in R["associations.csv"]:
        if r["person_id"]:
            for u in e2u.get(r["employee_id"], []):
                own.setdefault(u, set()).add(norm_pid(r["person_id"]))
    bad = 0
    for line in open(os.path.join(d, "events.jsonl")):
        if '_person_id"' not in line and '"person_id"' not in line:
            continue
        e = json.loads(line)
        if e["id"] in labelled:
            continue
        pid = e.get("subject_person_id") or (e.get("subject") or {}).get("person_id")
        if pid and norm_pid(pid) in own.get(e["user"], ()):
            bad += 1
            if bad < 5:
                err(f"unlabelled event {e['id']} of {e['user']} resolves to own/associated person {pid}")
    if bad:
        err(f"{bad} unlabelled self/association events")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--twin")
    a = ap.parse_args()
    R = check_refs(a.dir)
    check_config(a.dir)
    pers = R["personnel.csv"]
    users = {r["user"] for r in pers}
    ids, n = check_events(a.dir, users)
    labels = check_labels(a.dir, ids, pers, R)
    labelled = {x for lab in labels for x in lab["event_ids"]}
    hn = check_hn(a.dir, ids, labelled)
    check_no_hidden_self(a.dir, labelled, pers, R)
    print(f"{a.dir}: {n} events, {len(labels)} labels over {len({l['incident'] for l in labels})} incidents, "
          f"{len(hn)} hard-negative rows, {len(R['cases.csv'])} cases")
    if a.twin:
        for rel in [os.path.join("refs", x) for x in REFS] + ["custodes.toml", "hard_negatives.tsv"]:
            if open(os.path.join(a.dir, rel), "rb").read() != open(os.path.join(a.twin, rel), "rb").read():
                err(f"twin: {rel} differs")
        if os.path.getsize(os.path.join(a.twin, "labels.jsonl")) != 0:
            err("twin: labels.jsonl not empty")
        j, added = 0, set()
        with open(os.path.join(a.twin, "events.jsonl")) as tf, open(os.path.join(a.dir, "events.jsonl")) as mf:
            nxt = tf.readline()
            for line in mf:
                if nxt and line == nxt:
                    j += 1
                    nxt = tf.readline()
                else:
                    added.add(json.loads(line)["id"])
            rest = 1 if nxt else 0
            rest += sum(1 for _ in tf)
        if rest:
            err(f"twin: twin events are not an in-order subsequence ({rest} twin events unmatched after {j})")
        if added != labelled:
            err(f"twin: added events != labelled events ({len(added - labelled)} unlabelled added, "
                f"{len(labelled - added)} labelled not added)")
        print(f"twin {a.twin}: {j} events matched in order; {len(added)} added, exactly the labelled: {added == labelled}")
    if ERRORS:
        print(f"FAIL: {len(ERRORS)} errors")
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
