#!/usr/bin/env python3
"""Self-check for world G:  python3 check.py WORLD_DIR [TWIN_DIR]

- every events.jsonl line parses, has ts/user, and lines are in time order
- ids are unique; every label's event_ids exist; windows cover the events
- hard_negatives.tsv ids exist and are not labelled
- refs have exactly the contract columns
- with a twin (--no-inject): refs/*.csv and custodes.toml byte-identical, the twin's
  lines all appear verbatim in the world, the extra lines are exactly the labelled
  (injected) events plus their login records, and the twin's labels.jsonl is empty
"""
import csv
import datetime as dt
import filecmp
import json
import os
import sys

COLS = {
    "personnel.csv": "user,employee_id,person_id,last_name,first_name,dob,address,phone,plate,unit,supervisor,site,status,end_date",
    "associations.csv": "employee_id,relation,person_id,last_name,first_name,dob,address,phone,plate,valid_from,valid_to,source",
    "cases.csv": "case_id,status,opened,closed,unit",
    "case_assignments.csv": "case_id,user,from,to",
    "case_subjects.csv": "case_id,person_id,last_name,first_name,dob,address,phone,plate",
    "watchlist.csv": "person_id,last_name,first_name,dob,category",
    "clients.csv": "client,site,lat,lon",
}


def ts(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


def load(d):
    lines = open(os.path.join(d, "events.jsonl"), encoding="utf-8").read().splitlines()
    evs = [json.loads(x) for x in lines]
    return lines, evs


def check(d):
    errs = []
    lines, evs = load(d)
    prev = None
    ids = {}
    for i, e in enumerate(evs):
        if not e.get("ts") or not e.get("user"):
            errs.append(f"line {i + 1}: missing ts/user")
        t = ts(e["ts"])
        if t.tzinfo is None:
            errs.append(f"line {i + 1}: naive timestamp")
        if prev and t < prev:
            errs.append(f"line {i + 1}: out of order")
        prev = t
        if e["id"] in ids:
            errs.append(f"duplicate id {e['id']}")
        ids[e["id"]] = t
    labels = [json.loads(x) for x in open(os.path.join(d, "labels.jsonl")) if x.strip()]
    labelled = set()
    for lab in labels:
        for k in ("detector", "kind", "user", "event_ids", "window_start", "window_end"):
            if k not in lab:
                errs.append(f"label missing {k}")
        if not lab["event_ids"]:
            errs.append(f"empty label {lab['detector']}/{lab['kind']}")
        for e in lab["event_ids"]:
            if e not in ids:
                errs.append(f"label {lab['detector']}/{lab['kind']} refers to unknown id {e}")
            elif not (ts(lab["window_start"]) <= ids[e] <= ts(lab["window_end"])):
                errs.append(f"label window does not cover {e}")
            labelled.add(e)
    for row in list(csv.reader(open(os.path.join(d, "hard_negatives.tsv")), delimiter="\t"))[1:]:
        if row[0] not in ids:
            errs.append(f"hard negative unknown id {row[0]}")
        if row[0] in labelled:
            errs.append(f"hard negative {row[0]} is labelled")
    for f, cols in COLS.items():
        with open(os.path.join(d, "refs", f), newline="") as fh:
            hdr = next(csv.reader(fh))
        if ",".join(hdr) != cols:
            errs.append(f"{f}: header {hdr}")
    return errs, lines, evs, labels, labelled


def main():
    d = sys.argv[1]
    errs, lines, evs, labels, labelled = check(d)
    print(f"{d}: {len(evs)} events, {len(labels)} labels, {len(labelled)} labelled event ids")
    if len(sys.argv) > 2:
        t = sys.argv[2]
        e2, tl, tevs, tlabels, _ = check(t)
        errs += [f"twin: {x}" for x in e2]
        if tlabels:
            errs.append("twin has labels")
        for f in sorted(os.listdir(os.path.join(d, "refs"))):
            if not filecmp.cmp(os.path.join(d, "refs", f), os.path.join(t, "refs", f), shallow=False):
                errs.append(f"refs/{f} differs from twin")
        if not filecmp.cmp(os.path.join(d, "custodes.toml"), os.path.join(t, "custodes.toml"), shallow=False):
            errs.append("custodes.toml differs from twin")
        if not filecmp.cmp(os.path.join(d, "hard_negatives.tsv"), os.path.join(t, "hard_negatives.tsv"), shallow=False):
            errs.append("hard_negatives.tsv differs from twin")
        world = set(lines)
        missing = [x for x in tl if x not in world]
        if missing:
            errs.append(f"{len(missing)} twin lines not in world, e.g. {missing[0][:120]}")
        twin = set(tl)
        extra = [json.loads(x) for x in lines if x not in twin]
        unl = [e for e in extra if e["id"] not in labelled and e.get("action") not in ("login", "login_failed", "logout")]
        if unl:
            errs.append(f"{len(unl)} injected query events carry no label, e.g. {unl[0]}")
        stray = [e for e in labelled if e not in {x['id'] for x in extra}]
        if stray:
            errs.append(f"{len(stray)} labelled ids are legitimate twin events")
        print(f"twin {t}: {len(tevs)} events; world adds {len(extra)} lines")
    for x in errs[:30]:
        print("ERROR", x)
    print("OK" if not errs else f"{len(errs)} problems")
    sys.exit(1 if errs else 0)


if __name__ == "__main__":
    main()
