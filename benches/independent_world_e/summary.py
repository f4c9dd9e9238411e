"""world_summary.txt: roles, population, calendar, event counts, incidents, hard negatives."""
import collections
import os

from common import day_date


def write_summary(a, W, ref_counts, per_day, per_system, n_legit, n_inj, hn_rows, labels, inj, secs):
    ag, wr, cal, plan = W.ag, W.wr, W.cal, W.plan
    L = []
    L.append("independent_world_e: a state Department of Motor Vehicles")
    L.append("seed=%s users=%d days=%d inject=%s   (generated in %.1f s)" % (a.seed, a.users, a.days,
                                                                            not a.no_inject, secs))
    L.append("window %s .. %s (America/Chicago; timestamps UTC)" % (day_date(0), day_date(a.days - 1)))
    L.append("")
    L.append("SITES")
    for s in ag.sites:
        L.append("  %-5s %-48s %s (%.4f, %.4f)%s" % (s.code, s.name, s.kind, s.lat, s.lon,
                                                     "  Saturday mornings" if s.sat_open else ""))
    L.append("")
    L.append("ROLES (human employees: %d; logins: %d incl. %d service accounts)" % (
        len(ag.employees), len(ag.logins) + len(ag.service), len(ag.service)))
    for role, n in sorted(collections.Counter(e.role for e in ag.employees).items()):
        L.append("  %-20s %d" % (role, n))
    L.append("  statuses: " + ", ".join("%s %s%s" % (e.login, e.status, (" until " + e.end_date) if e.end_date else "")
                                        for e in ag.employees if e.status != "active"))
    L.append("")
    L.append("POPULATION  %d people in the records (%d vehicles); %d associations; %d watchlisted" % (
        len(ag.pop.people), len(ag.pop.vehicles), len(wr.assoc), len(wr.watch)))
    L.append("  association relations: " + ", ".join("%s %d" % kv for kv in sorted(
        collections.Counter(x["relation"] for x in wr.assoc).items())))
    L.append("  cases: " + ", ".join("%s %d" % kv for kv in sorted(
        collections.Counter(c.kind for c in wr.cases.values()).items())))
    L.append("  refs rows: " + ", ".join("%s %d" % kv for kv in sorted(ref_counts.items())))
    L.append("")
    L.append("CALENDAR")
    for line, n in zip(cal.describe(), per_day):
        L.append("  %s  events=%d" % (line, n))
    L.append("")
    n = plan.news
    L.append("NEWS")
    L.append("  celebrity %s registers a new vehicle at %s on day %d (clerk %s)" % (
        n["celebrity"]["person"].name(), n["celebrity"]["office"].code, n["celebrity"]["day"], n["celebrity"]["clerk"].login))
    L.append("  crash victim %s in the news on day %d; request %s handled by %s" % (
        n["crash"]["victim"].name(), n["crash"]["day"], n["crash"]["case"].cid, n["crash"]["liaison"].login))
    L.append("  employee %s arrested for DUI, case %s on day %d by %s" % (
        n["dui"]["employee"].login, n["dui"]["case"].cid, n["dui"]["day"], n["dui"]["analyst"].login))
    L.append("  insider investigation %s on clerk %s" % (n["insider"]["case"].cid, n["insider"]["subject"].login))
    L.append("")
    L.append("EVENTS  total=%d legitimate=%d injected=%d" % (n_legit + n_inj, n_legit, n_inj))
    for k, v in sorted(per_system.items()):
        L.append("  %-10s %d" % (k, v))
    L.append("")
    L.append("HARD NEGATIVES  %d events" % len(hn_rows))
    for k, v in sorted(collections.Counter(r[1] for r in hn_rows).items()):
        L.append("  %-40s %d" % (k, v))
    L.append("")
    if inj is not None:
        L.append("INCIDENTS  %d" % len(inj.incidents))
        for k, v in sorted(collections.Counter(i.scenario for i in inj.incidents if i.done).items()):
            L.append("  %-32s %d" % (k, v))
        L.append("LABELS  %d" % len(labels))
        for k, v in sorted(collections.Counter((l["detector"], l["kind"]) for l in labels).items()):
            L.append("  %-22s %-22s %d" % (k[0], k[1], v))
        L.append("")
        for i in inj.incidents:
            L.append("  %s %-30s day %-3s %s" % (i.iid, i.scenario, i.days, i.story))
    with open(os.path.join(a.out, "world_summary.txt"), "w") as f:
        f.write("\n".join(L) + "\n")
