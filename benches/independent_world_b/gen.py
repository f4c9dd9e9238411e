#!/usr/bin/env python3
"""Independent test world B for custodes: the Halloran County Sheriff's Office.

    python3 gen.py --seed N --users U --days D --out DIR [--no-inject] [--start YYYY-MM-DD]
    python3 gen.py --check DIR [--twin DIR_NO_INJECT]

Writes DIR/events.jsonl, DIR/refs/*.csv, DIR/labels.jsonl and DIR/custodes.toml.
See README.md for the agency's habits and the label rules.  Standard library only.
"""
import argparse
import csv
import datetime as dt
import json
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import habits as H  # noqa: E402
from world import World, F_PID, F_NAME, F_DOB, F_ADDR, F_PHONE, F_PLATE  # noqa: E402
from sim import Sim  # noqa: E402
from rules import Labeler  # noqa: E402

EXEMPT = ["COURT_SCREENING", "VISITOR_SCREENING", "INMATE_MGMT", "STATE_REPORTING"]

COLUMNS = {
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


def write_csv(path, cols, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(cols)
        for r in rows:
            wr.writerow([r.get(c, "") for c in cols])


def write_refs(w, refdir):
    os.makedirs(refdir, exist_ok=True)
    c = w.clock
    rr = random.Random(f"hcso-b|{w.seed}|refs")
    D = w.days
    rows = []
    for e in w.emps:
        p = e.person
        plate = e.hr_plate
        if plate and rr.random() < 0.3:
            plate = f"{p.pstate} {plate}"
        ph = H.phone_fmt(p.phone, 0) if p.phone else ""
        for lg in e.logins:
            rows.append({"user": lg.name, "employee_id": e.eid, "person_id": p.pid if e.pid_known else "",
                         "last_name": e.hr_last, "first_name": e.hr_first, "dob": p.dob.isoformat(),
                         "address": p.addr.hr(), "phone": ph, "plate": plate, "unit": e.unit,
                         "supervisor": e.sup, "site": e.site, "status": e.status,
                         "end_date": c.day_str(e.end_day) if e.end_day is not None else ""})
    write_csv(os.path.join(refdir, "personnel.csv"), COLUMNS["personnel.csv"], rows)
    write_csv(os.path.join(refdir, "associations.csv"), COLUMNS["associations.csv"], w.assoc_rows)
    cases = sorted(w.cases.values(), key=lambda k: (k.opened, k.cid))
    crow, arow, srow = [], [], []
    for k in cases:
        closed = k.closed if (k.status == "closed" and k.closed is not None and k.closed <= D - 1) else None
        crow.append({"case_id": k.cid, "status": "closed" if closed is not None else "open",
                     "opened": c.day_str(k.opened), "closed": c.day_str(closed) if closed is not None else "",
                     "unit": k.unit})
        for val, f, t in k.arows:
            arow.append({"case_id": k.cid, "user": val, "from": c.day_str(f),
                         "to": c.day_str(t) if t is not None else ""})
        for p in k.subjects:
            m = k.srows[p.idx]
            first = p.first
            if p.middle and rr.random() < 0.15:
                first += " " + p.middle[0]
            srow.append({"case_id": k.cid, "person_id": p.pid if m & F_PID else "",
                         "last_name": p.name_ref(), "first_name": first,
                         "dob": p.dob.isoformat() if m & F_DOB else "",
                         "address": p.addr.rms() if m & F_ADDR else "",
                         "phone": H.phone_fmt(p.phone, 1) if (m & F_PHONE and p.phone) else "",
                         "plate": p.plate if (m & F_PLATE and p.plate) else ""})
    write_csv(os.path.join(refdir, "cases.csv"), COLUMNS["cases.csv"], crow)
    write_csv(os.path.join(refdir, "case_assignments.csv"), COLUMNS["case_assignments.csv"], arow)
    write_csv(os.path.join(refdir, "case_subjects.csv"), COLUMNS["case_subjects.csv"], srow)
    write_csv(os.path.join(refdir, "watchlist.csv"), COLUMNS["watchlist.csv"], [x[2] for x in w.watch])
    crows = [{"client": k, "site": v[0], "lat": "" if v[1] is None else f"{v[1]:.5f}",
              "lon": "" if v[2] is None else f"{v[2]:.5f}"} for k, v in sorted(w.clients.items())]
    write_csv(os.path.join(refdir, "clients.csv"), COLUMNS["clients.csv"], crows)
    return {"cases": len(crow), "case_assignments": len(arow), "case_subjects": len(srow),
            "personnel": len(rows), "associations": len(w.assoc_rows)}


def generate(args):
    t0 = time.time()
    start = dt.date.fromisoformat(args.start) if args.start else None
    w = World(args.seed, args.users, args.days, start)
    os.makedirs(args.out, exist_ok=True)
    lab = Labeler(w, EXEMPT)
    sim = Sim(w, lab, os.path.join(args.out, "events.jsonl"))
    inj = None
    if not args.no_inject:
        from inject import Injector
        inj = Injector(w, sim)
    for d in range(args.days):
        sim.run_day(d)
        if inj is not None:
            inj.run_day(d)
        sim.flush(w.clock.utc(d + 1, 4 * 3600))
    sim.close()
    diag = lab.finish()
    labels = lab.labels()
    if lab.legit_bad:
        for eid, lb in lab.legit_bad[:20]:
            print("LEGITIMATE ACTIVITY WOULD BE FLAGGED:", eid, lb, file=sys.stderr)
        raise SystemExit(f"generator bug: {len(lab.legit_bad)} legitimate events/days satisfy a label rule")
    if args.no_inject and labels:
        for l in labels[:20]:
            print("NO-INJECT LABEL:", l["detector"], l["kind"], l["user"], l["window_start"], len(l["event_ids"]), file=sys.stderr)
        raise SystemExit(f"generator bug: the world without misconduct satisfies {len(labels)} label rules")
    if args.no_inject:
        close = {k: v for k, v in diag.items() if (v[0] if isinstance(v, tuple) else v) >= 0.8}
        if close:
            raise SystemExit(f"generator bug: legitimate activity comes within 20% of a volume rule: {close}")
    with open(os.path.join(args.out, "labels.jsonl"), "w", encoding="utf-8") as f:
        for l in labels:
            f.write(json.dumps(l, separators=(",", ":")) + "\n")
    refstats = write_refs(w, os.path.join(args.out, "refs"))
    with open(os.path.join(args.out, "custodes.toml"), "w", encoding="utf-8") as f:
        f.write("[no_case]\nexempt_purposes = [" + ", ".join(f'"{x}"' for x in EXEMPT) + "]\n")
    # report
    el = time.time() - t0
    per = {}
    for l in labels:
        k = f"{l['detector']}/{l['kind']}"
        per[k] = per.get(k, 0) + 1
    print(f"world B seed={args.seed} users={args.users} days={args.days} start={w.clock.start} "
          f"inject={not args.no_inject}", file=sys.stderr)
    print(f"  events={sim.n_events} (out-of-order at write: {sim.out_of_order}) labels={len(labels)} "
          f"refs={refstats} time={el:.1f}s", file=sys.stderr)
    print(f"  legit margins (1.0 = the rule fires): {diag}", file=sys.stderr)
    if not args.no_inject:
        print(f"  closest unlabelled login-day touched by injection: {lab.inj_near}", file=sys.stderr)
        for x in lab.near_list[:10]:
            print("    near miss:", x, file=sys.stderr)
    for k in sorted(per):
        print(f"    {k:45s} {per[k]}", file=sys.stderr)
    if inj is not None:
        lab_ids = {}
        for l in labels:
            for i in l["event_ids"]:
                lab_ids.setdefault(i, set()).add((l["detector"], l["kind"]))
        miss = []
        skipped = 0
        for x in inj.plan:
            if not x.ids:
                skipped += 1
                continue
            got = set()
            for i in x.ids:
                got |= lab_ids.get(i, set())
            for want in x.intended:
                if want not in got:
                    miss.append((x.cat, x.kind, want, x.emp.logins[0].name if x.emp else "-", x.day, x.note))
        print(f"  injections planned={len(inj.plan)} skipped={skipped} intended-but-unlabelled={len(miss)}",
              file=sys.stderr)
        for m in miss[:15]:
            print("    miss:", m, file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=201)
    ap.add_argument("--users", type=int, default=80)
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--out")
    ap.add_argument("--start", help="first local day (default: a Monday before a DST change, from the seed)")
    ap.add_argument("--no-inject", action="store_true")
    ap.add_argument("--check", metavar="DIR", help="validate a generated world instead of generating")
    ap.add_argument("--twin", metavar="DIR", help="with --check: the --no-inject twin to compare")
    a = ap.parse_args()
    if a.check:
        from validate import validate
        sys.exit(validate(a.check, a.twin))
    if not a.out:
        ap.error("--out is required")
    generate(a)


if __name__ == "__main__":
    main()
