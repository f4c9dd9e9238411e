#!/usr/bin/env python3
"""Check a generated world against CONTRACT.md (and, with --twin, the twin property).

    python3 validate.py DIR [--twin TWIN_DIR]

Exit status 0 when every check passes, 1 otherwise.  Streams events.jsonl, so it works on the
400 users x 60 days worlds too.
"""
import argparse
import csv
import json
import os
import re
import sys

REF_COLS = {
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
STR_FIELDS = ["id", "ts", "user", "action", "system", "session", "client", "ip", "case_id", "purpose",
              "subject_person_id", "subject_last_name", "subject_first_name", "subject_name", "subject_dob",
              "subject_address", "subject_phone", "subject_plate", "query_text"]
SUBJ_KEYS = {"person_id", "last_name", "first_name", "name", "dob", "address", "phone", "plate"}
KINDS = {
    "self_query": {"person_id", "name_dob", "plate", "address", "phone", "name_only"},
    "coworker_lookup": {"same_unit", "other_unit", "supervisor"},
    "association_lookup": None,   # relation values of associations.csv
    "odd_volume": {"daily_count", "burst", "off_hours", "distinct_subjects", "export"},
    "shared_credential": {"concurrent_clients", "impossible_travel", "inactive_account"},
    "no_case": {"missing", "unknown_case", "closed_case", "not_assigned", "subject_not_in_case"},
    "watchlist_lookup": None,     # categories of watchlist.csv
    "subject_surge": {"many_users"},
}
LABEL_FIELDS = ["detector", "kind", "user", "employee_id", "event_ids", "window_start", "window_end", "incident",
                "scenario", "note"]
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class V:
    def __init__(self):
        self.errors = []
        self.notes = []

    def err(self, msg):
        if len(self.errors) < 200:
            self.errors.append(msg)
        elif len(self.errors) == 200:
            self.errors.append("... more errors suppressed")

    def note(self, msg):
        self.notes.append(msg)


def read_csv(path, v, name):
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        try:
            head = next(r)
        except StopIteration:
            v.err(f"{name}: empty file")
            return []
        if head != REF_COLS[name]:
            v.err(f"{name}: columns {head} != contract {REF_COLS[name]}")
        rows = []
        for i, row in enumerate(r, 2):
            if len(row) != len(head):
                v.err(f"{name}:{i}: {len(row)} cells, expected {len(head)}")
                continue
            rows.append(dict(zip(head, row)))
        return rows


def norm_pid(s):
    s = (s or "").strip().upper()
    if s.startswith("DOC") or s.isdigit():
        digits = "".join(c for c in s if c.isdigit()).lstrip("0")
        return "DOC:" + digits
    return s


def check_refs(d, v):
    refs = {}
    rd = os.path.join(d, "refs")
    for name in REF_COLS:
        p = os.path.join(rd, name)
        if not os.path.exists(p):
            v.err(f"refs/{name} missing")
            refs[name] = []
            continue
        refs[name] = read_csv(p, v, name)
    extra = sorted(set(os.listdir(rd)) - set(REF_COLS)) if os.path.isdir(rd) else []
    if extra:
        v.err(f"unexpected files in refs/: {extra}")
    pers = refs["personnel.csv"]
    logins = {}
    eids = set()
    for r in pers:
        if r["user"] in logins:
            v.err(f"personnel: duplicate login {r['user']}")
        logins[r["user"]] = r
        eids.add(r["employee_id"])
        if r["status"] not in ("active", "leave", "terminated"):
            v.err(f"personnel: bad status {r['status']} for {r['user']}")
        if r["status"] == "terminated" and not DATE_RE.match(r["end_date"]):
            v.err(f"personnel: terminated {r['user']} without end_date")
        for k in ("dob", "end_date"):
            if r[k] and not DATE_RE.match(r[k]):
                v.err(f"personnel: bad {k} {r[k]!r}")
    for r in pers:
        if r["supervisor"] and r["supervisor"] not in eids:
            v.err(f"personnel: supervisor {r['supervisor']} of {r['user']} is not an employee_id")
    cases = {}
    for r in refs["cases.csv"]:
        if r["case_id"] in cases:
            v.err(f"cases: duplicate {r['case_id']}")
        cases[r["case_id"]] = r
        if r["status"] not in ("open", "closed"):
            v.err(f"cases: bad status {r['status']}")
        if r["status"] == "closed" and not DATE_RE.match(r["closed"]):
            v.err(f"cases: closed case {r['case_id']} without closed date")
        if not DATE_RE.match(r["opened"]):
            v.err(f"cases: bad opened date {r['opened']!r}")
    for r in refs["case_assignments.csv"]:
        if r["case_id"] not in cases:
            v.err(f"case_assignments: unknown case {r['case_id']}")
        if r["user"] not in logins:
            v.err(f"case_assignments: unknown user {r['user']}")
        if not DATE_RE.match(r["from"]) or (r["to"] and not DATE_RE.match(r["to"])):
            v.err(f"case_assignments: bad dates {r}")
    for r in refs["case_subjects.csv"]:
        if r["case_id"] not in cases:
            v.err(f"case_subjects: unknown case {r['case_id']}")
        if r["dob"] and not DATE_RE.match(r["dob"]):
            v.err(f"case_subjects: bad dob {r['dob']}")
    rels = set()
    for r in refs["associations.csv"]:
        if r["employee_id"] not in eids:
            v.err(f"associations: unknown employee_id {r['employee_id']}")
        if not r["relation"]:
            v.err("associations: empty relation")
        rels.add(r["relation"])
        for k in ("dob", "valid_from", "valid_to"):
            if r[k] and not DATE_RE.match(r[k]):
                v.err(f"associations: bad {k} {r[k]!r}")
    cats = set()
    for r in refs["watchlist.csv"]:
        if not r["category"]:
            v.err("watchlist: empty category")
        cats.add(r["category"])
    clients = {}
    for r in refs["clients.csv"]:
        try:
            la, lo = float(r["lat"]), float(r["lon"])
            if not (-90 <= la <= 90 and -180 <= lo <= 180):
                raise ValueError
        except ValueError:
            v.err(f"clients: bad lat/lon for {r['client']}")
        clients[r["client"]] = r
    v.note(f"refs: {len(pers)} logins, {len(cases)} cases, {len(refs['case_assignments.csv'])} assignments, "
           f"{len(refs['case_subjects.csv'])} case subjects, {len(refs['associations.csv'])} associations, "
           f"{len(refs['watchlist.csv'])} watchlist, {len(clients)} clients")
    return dict(refs=refs, logins=logins, cases=cases, rels=rels, cats=cats, clients=clients)


def check_toml(d, v):
    p = os.path.join(d, "custodes.toml")
    if not os.path.exists(p):
        v.err("custodes.toml missing")
        return
    txt = open(p, encoding="utf-8").read()
    m = re.fullmatch(r'\[no_case\]\nexempt_purposes = \[((?:"[A-Z_]+"(?:, )?)*)\]\n', txt)
    if not m:
        v.err("custodes.toml: expected exactly '[no_case]' and an exempt_purposes list of strings")
    else:
        v.note(f"custodes.toml: {len(re.findall(chr(34) + '[A-Z_]+' + chr(34), txt))} exempt purposes")


def check_events(d, v, R):
    p = os.path.join(d, "events.jsonl")
    ids = {}
    last = ""
    n = 0
    unknown_users = set()
    unknown_clients = set()
    logins = R["logins"]
    clients = R["clients"]
    with open(p, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            try:
                e = json.loads(line)
            except ValueError as ex:
                v.err(f"events.jsonl:{ln}: not JSON ({ex})")
                continue
            if not isinstance(e, dict):
                v.err(f"events.jsonl:{ln}: not an object")
                continue
            n += 1
            for k in STR_FIELDS:
                if k in e and not isinstance(e[k], str):
                    v.err(f"events.jsonl:{ln}: {k} is not a string")
            if "result_count" in e and (not isinstance(e["result_count"], int) or isinstance(e["result_count"], bool)):
                v.err(f"events.jsonl:{ln}: result_count is not an integer")
            if "subject" in e:
                s = e["subject"]
                if not isinstance(s, dict) or set(s) - SUBJ_KEYS:
                    v.err(f"events.jsonl:{ln}: bad nested subject {s}")
                elif s.get("dob") and not DATE_RE.match(s["dob"]):
                    v.err(f"events.jsonl:{ln}: bad subject.dob")
            ts = e.get("ts")
            if not ts or not TS_RE.match(ts):
                v.err(f"events.jsonl:{ln}: bad/missing ts {ts!r}")
                continue
            if not ts.endswith("Z"):
                v.err(f"events.jsonl:{ln}: ts not in UTC Z form")
            if not e.get("user"):
                v.err(f"events.jsonl:{ln}: missing user")
            elif e["user"] not in logins:
                unknown_users.add(e["user"])
            if e.get("client") and e["client"] not in clients:
                unknown_clients.add(e["client"])
            if e.get("subject_dob") and not DATE_RE.match(e["subject_dob"]):
                v.err(f"events.jsonl:{ln}: bad subject_dob {e['subject_dob']!r}")
            if ts < last:
                v.err(f"events.jsonl:{ln}: out of time order ({ts} < {last})")
            last = ts
            i = e.get("id")
            if not i:
                v.err(f"events.jsonl:{ln}: missing id")
            elif i in ids:
                v.err(f"events.jsonl:{ln}: duplicate id {i}")
            else:
                ids[i] = (ts, e.get("user", ""), norm_pid(e.get("subject_person_id") or (e.get("subject") or {}).get("person_id")))
    if unknown_users:
        v.err(f"events: users not in personnel: {sorted(unknown_users)[:10]}")
    if unknown_clients:
        v.err(f"events: clients not in clients.csv: {sorted(unknown_clients)[:10]}")
    v.note(f"events: {n} lines, time-ordered, {len(ids)} unique ids")
    return ids


def check_labels(d, v, R, ids):
    p = os.path.join(d, "labels.jsonl")
    labels = []
    with open(p, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            try:
                L = json.loads(line)
            except ValueError:
                v.err(f"labels.jsonl:{ln}: not JSON")
                continue
            labels.append(L)
            for k in LABEL_FIELDS:
                if k not in L:
                    v.err(f"labels.jsonl:{ln}: missing {k}")
            det, kind = L.get("detector"), L.get("kind")
            if det not in KINDS:
                v.err(f"labels.jsonl:{ln}: unknown detector {det}")
            else:
                allowed = KINDS[det] if KINDS[det] is not None else (R["rels"] if det == "association_lookup" else R["cats"])
                if kind not in allowed:
                    v.err(f"labels.jsonl:{ln}: kind {kind} not valid for {det}")
            evs = L.get("event_ids") or []
            if not evs:
                v.err(f"labels.jsonl:{ln}: no event_ids")
            tss = []
            for i in evs:
                if i not in ids:
                    v.err(f"labels.jsonl:{ln}: event {i} not in events.jsonl")
                else:
                    tss.append(ids[i][0])
                    if det != "subject_surge" and ids[i][1] != L.get("user"):
                        v.err(f"labels.jsonl:{ln}: event {i} user {ids[i][1]} != label user {L.get('user')}")
            if tss and (min(tss) != L.get("window_start") or max(tss) != L.get("window_end")):
                v.err(f"labels.jsonl:{ln}: window does not match its events")
            u = L.get("user")
            if u:
                if u not in R["logins"]:
                    v.err(f"labels.jsonl:{ln}: user {u} not in personnel")
                elif R["logins"][u]["employee_id"] != L.get("employee_id"):
                    v.err(f"labels.jsonl:{ln}: employee_id mismatch for {u}")
            elif det != "subject_surge":
                v.err(f"labels.jsonl:{ln}: empty user")
    v.note(f"labels: {len(labels)} in {len({L.get('incident') for L in labels})} incidents, "
           f"{len({i for L in labels for i in L.get('event_ids', [])})} distinct labelled events")
    return labels


def check_hn(d, v, ids, labelled):
    p = os.path.join(d, "hard_negatives.tsv")
    n = 0
    classes = {}
    with open(p, encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        if head != ["event_id", "class", "note"]:
            v.err(f"hard_negatives.tsv: header {head}")
        seen = set()
        for ln, line in enumerate(f, 2):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                v.err(f"hard_negatives.tsv:{ln}: {len(parts)} columns")
                continue
            i, c, _ = parts
            if i not in ids:
                v.err(f"hard_negatives.tsv:{ln}: event {i} not in events")
            if i in labelled:
                v.err(f"hard_negatives.tsv:{ln}: event {i} is also labelled misconduct")
            if i in seen:
                v.err(f"hard_negatives.tsv:{ln}: duplicate event {i}")
            seen.add(i)
            classes[c] = classes.get(c, 0) + 1
            n += 1
    v.note(f"hard negatives: {n} events in {len(classes)} classes")


def check_no_leak(v, R, ids, labelled):
    """Legitimate events never resolve to the actor's own person_id or a person_id associated with him."""
    own = {}
    assoc = {}
    for u, r in R["logins"].items():
        if r["person_id"]:
            own[u] = norm_pid(r["person_id"])
    by_eid = {}
    for r in R["refs"]["associations.csv"]:
        if r["person_id"]:
            by_eid.setdefault(r["employee_id"], set()).add(norm_pid(r["person_id"]))
    for u, r in R["logins"].items():
        assoc[u] = by_eid.get(r["employee_id"], set())
    bad_l = bad_m = 0
    for i, (ts, u, pid) in ids.items():
        if not pid:
            continue
        hit = pid == own.get(u) or pid in assoc.get(u, ())
        if hit:
            if i in labelled:
                bad_m += 1
            else:
                bad_l += 1
    if bad_l:
        v.err(f"{bad_l} unlabelled events resolve to the actor's own or associated person_id")
    v.note(f"person_id self/association hits: {bad_m} (all labelled), {bad_l} unlabelled")


def check_twin(d, t, v, labelled):
    for name in sorted(REF_COLS):
        a, b = os.path.join(d, "refs", name), os.path.join(t, "refs", name)
        if open(a, "rb").read() != open(b, "rb").read():
            v.err(f"twin: refs/{name} differs")
    for name in ("custodes.toml", "hard_negatives.tsv"):
        if open(os.path.join(d, name), "rb").read() != open(os.path.join(t, name), "rb").read():
            v.err(f"twin: {name} differs")
    if os.path.getsize(os.path.join(t, "labels.jsonl")) != 0:
        v.err("twin: labels.jsonl is not empty")
    injected = set()
    nt = 0
    with open(os.path.join(d, "events.jsonl"), encoding="utf-8") as fa, \
            open(os.path.join(t, "events.jsonl"), encoding="utf-8") as fb:
        tb = fb.readline()
        for la in fa:
            if tb and la == tb:
                nt += 1
                tb = fb.readline()
            else:
                injected.add(json.loads(la)["id"])
        if tb:
            v.err("twin: twin has events that are missing or changed in the injected world: " + tb[:120])
    if injected != labelled:
        v.err(f"twin: injected events ({len(injected)}) != labelled events ({len(labelled)}); "
              f"unlabelled injected {len(injected - labelled)}, labelled-but-legit {len(labelled - injected)}")
    v.note(f"twin: {nt} legitimate events identical and in the same order; {len(injected)} injected events, all labelled")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--twin")
    a = ap.parse_args()
    v = V()
    for f in ("events.jsonl", "labels.jsonl", "custodes.toml", "hard_negatives.tsv", "world_summary.txt"):
        if not os.path.exists(os.path.join(a.dir, f)):
            v.err(f"{f} missing")
    if v.errors:
        print("\n".join("ERROR " + e for e in v.errors))
        return 1
    R = check_refs(a.dir, v)
    check_toml(a.dir, v)
    ids = check_events(a.dir, v, R)
    labels = check_labels(a.dir, v, R, ids)
    labelled = {i for L in labels for i in L.get("event_ids", [])}
    check_hn(a.dir, v, ids, labelled)
    check_no_leak(v, R, ids, labelled)
    if a.twin:
        check_twin(a.dir, a.twin, v, labelled)
    for n in v.notes:
        print("ok    " + n)
    for e in v.errors:
        print("ERROR " + e)
    print("PASS" if not v.errors else f"FAIL ({len(v.errors)} errors)")
    return 0 if not v.errors else 1


if __name__ == "__main__":
    sys.exit(main())
