"""world_summary.txt: roles, population, calendar, event counts, incidents, hard negatives."""
import os
from collections import Counter
from flows import DAY
from roster import SITES
from util import day_date
from work import month_end_days


def write_summary(W, args, incidents, labels, n_events, n_inj, hn_count, secs):
    L = []
    L.append(f"independent_world_f  seed={args.seed} users={args.users} days={args.days} "
             f"inject={'no' if args.no_inject else 'yes'}")
    L.append("Brennan Health: a regional hospital system's EHR access log (America/Chicago, timestamps UTC)")
    L.append(f"window: {day_date(0)} .. {day_date(W.days - 1)}; DST ends 2025-11-02; month-end days: "
             + ", ".join(str(day_date(d)) for d in sorted(month_end_days(W.days))))
    L.append("")
    L.append("sites: " + "; ".join(f"{k} {v[0]}" for k, v in SITES.items()))
    L.append("wards: " + ", ".join(W.wards) + "; EDs: SBR-ED, LCH-ED; clinics: " + ", ".join(u for _, u in W.clinics))
    L.append("")
    L.append("roles:")
    for role, c in Counter(e.role for e in W.emps).most_common():
        L.append(f"  {role:18s} {c}")
    L.append(f"logins: {sum(len(e.logins) for e in W.emps)} human + 3 service accounts")
    L.append("status: " + ", ".join(f"{e.login}={e.status}{(' ' + e.end_date) if e.end_date else ''}"
                                    for e in W.emps if e.status != "active"))
    L.append("")
    L.append(f"patients in MPI: {len(W.patients)}; associations: {len(W.assoc_rows)}; watchlist: {len(W.vips)}")
    L.append("encounters: " + ", ".join(f"{k}={v}" for k, v in Counter(e.etype for e in W.encs).most_common()))
    cw, a_day = W.specials["coworker"]
    L.append(f"world events: colleague {cw.login} admitted to SBR-ICU on {day_date(a_day)}; "
             f"bus-crash patient in the news arrives {day_date(W.specials['news_day'])}; "
             f"spouse of {W.specials['spouse'][0].login} admitted {day_date(W.specials['spouse'][2])}")
    L.append("")
    L.append(f"events: {n_events} (injected {n_inj})")
    L.append(f"incidents: {len(incidents)}; labels: {len(labels)}")
    for sc, c in sorted(Counter(i["scenario"] for i in incidents).items()):
        L.append(f"  {sc:32s} {c}")
    L.append("labels by detector/kind:")
    for k, c in sorted(Counter((x['detector'], x['kind']) for x in labels).items()):
        L.append(f"  {k[0]}/{k[1]:24s} {c}")
    L.append("")
    L.append(f"hard negatives: {sum(hn_count.values())}")
    for c, k in sorted(hn_count.items()):
        L.append(f"  {c:40s} {k}")
    with open(os.path.join(args.out, "world_summary.txt"), "w") as f:
        f.write("\n".join(L) + "\n")
