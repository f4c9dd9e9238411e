#!/usr/bin/env python3
"""independent_world_e: a synthetic state DMV for custodes (see README.md).

    python3 gen.py --seed S --users N --days D [--no-inject] --out DIR
"""
import argparse
import collections
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from agency import Agency                      # noqa: E402
from common import Calendar, day_date, fmt_ts  # noqa: E402
from plan import Plan                          # noqa: E402
from refs_out import personnel_rows, write_refs  # noqa: E402
from truth import EXEMPT_PURPOSES, Truth       # noqa: E402
from workload import (Clock, World, gen_counter_clerk, gen_examiner,  # noqa: E402
                      gen_office_manager)
from workload_back import (gen_director, gen_fraud, gen_it, gen_medical,  # noqa: E402
                           gen_services, gen_title_clerk)
from workload_hq import (gen_cc_agent, gen_cc_supervisor, gen_le_liaison,  # noqa: E402
                         gen_records_clerk, gen_records_supervisor)
from world_refs import WorldRefs               # noqa: E402

GEN = {"counter_clerk": gen_counter_clerk, "examiner": gen_examiner, "office_manager": gen_office_manager,
       "cc_agent": gen_cc_agent, "cc_supervisor": gen_cc_supervisor, "le_liaison": gen_le_liaison,
       "records_clerk": gen_records_clerk, "records_supervisor": gen_records_supervisor,
       "fraud_investigator": gen_fraud, "fraud_supervisor": gen_fraud, "title_clerk": gen_title_clerk,
       "title_supervisor": gen_title_clerk, "medical_analyst": gen_medical,
       "medical_supervisor": gen_medical, "it_admin": gen_it, "director": gen_director}

ORDER = ["id", "ts", "user", "action", "system", "session", "client", "ip", "case_id", "purpose",
         "subject_person_id", "subject_last_name", "subject_first_name", "subject_name", "subject_dob",
         "subject_address", "subject_phone", "subject_plate", "subject", "result_count", "query_text"]


def to_line(ev):
    out = {}
    for k in ORDER:
        if k in ev:
            v = ev[k]
            if k == "ts":
                v = fmt_ts(v)
            elif k == "session" and not v:
                continue
            out[k] = v
    return json.dumps(out, separators=(",", ":"))


def build_world(seed, n, days):
    cal = Calendar(days)
    ag = Agency(seed, n, days, cal)
    wr = WorldRefs(ag)
    plan = Plan(ag, wr, cal)
    wr.index()
    W = World(seed, n, days, cal, ag, wr, plan)
    return W


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", required=True)
    ap.add_argument("--users", type=int, required=True)
    ap.add_argument("--days", type=int, required=True)
    ap.add_argument("--no-inject", action="store_true")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    if a.days < 3:
        ap.error("--days must be at least 3")
    t_start = time.time()
    os.makedirs(a.out, exist_ok=True)
    W = build_world(a.seed, a.users, a.days)
    ag, wr, cal = W.ag, W.wr, W.cal
    pers = personnel_rows(ag)
    ref_counts = write_refs(a.out, ag, wr, pers)
    truth = Truth(ag, wr, pers)
    inj = None
    if not a.no_inject:
        from inject import Injector
        inj = Injector(W, truth)
    with open(os.path.join(a.out, "custodes.toml"), "w") as f:
        f.write("# Agency policy: counter, phone, title and batch work is keyed on the customer's\n"
                "# licence, plate or VIN and carries no case number.\n[no_case]\nexempt_purposes = [\n")
        for p in EXEMPT_PURPOSES:
            f.write('  "%s",\n' % p)
        f.write("]\n")
    hn_rows = []
    unexplained = []
    n_legit = n_inj = 0
    per_day = []
    per_system = collections.Counter()
    with open(os.path.join(a.out, "events.jsonl"), "w") as out:
        for d in range(a.days):
            clock = Clock(d, cal)
            date = day_date(d).isoformat()
            evs = []
            for emp in ag.employees:
                evs.extend(GEN[emp.role](W, emp, d, clock))
            evs.extend(gen_services(W, d, clock))
            for ev in evs:
                lg = ag.logins.get(ev["user"])
                if lg and not ev["_hn"] and lg.emp.status == "terminated" and lg.emp.end_day >= 0:
                    ev["_hn"] = ("terminated_later_work_before_end_date",
                                 "normal work before the mid-window termination (end %s)" % lg.emp.end_date)
                f = truth.findings(ev, d, date)
                if f and not ev["_hn"]:
                    unexplained.append((ev["id"], ev["user"], f, ev.get("purpose")))
                if not ev["_hn"] and ev.get("_pid"):
                    lg = ag.logins.get(ev["user"])
                    c = truth.coincidence(ev, lg.emp if lg else None, ag.pop.by_pid.get(ev["_pid"]))
                    if c:
                        ev["_hn"] = c
            evs.sort(key=lambda e: (e["ts"], e["id"]))
            for ev in evs:
                if ev["_hn"]:
                    hn_rows.append((ev["id"], ev["_hn"][0], ev["_hn"][1]))
            n_legit += len(evs)
            if inj is not None:
                extra = inj.day(d, evs, clock)
                n_inj += len(extra)
                evs.extend(extra)
                evs.sort(key=lambda e: (e["ts"], e["id"]))
            per_day.append(len(evs))
            for ev in evs:
                per_system[ev["system"]] += 1
                out.write(to_line(ev))
                out.write("\n")
    with open(os.path.join(a.out, "hard_negatives.tsv"), "w") as f:
        f.write("event_id\tclass\tnote\n")
        for row in hn_rows:
            f.write("%s\t%s\t%s\n" % row)
    labels = inj.labels_out() if inj is not None else []
    with open(os.path.join(a.out, "labels.jsonl"), "w") as f:
        for lab in labels:
            f.write(json.dumps(lab, separators=(",", ":")) + "\n")
    if unexplained:
        sys.stderr.write("WARNING: %d legitimate events have findings but no hard-negative class\n" % len(unexplained))
        for u in unexplained[:15]:
            sys.stderr.write("  %s\n" % (u,))
    from summary import write_summary
    write_summary(a, W, ref_counts, per_day, per_system, n_legit, n_inj, hn_rows, labels, inj,
                  time.time() - t_start)
    return 0 if not unexplained else 1


if __name__ == "__main__":
    sys.exit(main())
