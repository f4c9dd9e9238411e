"""Builds the whole shared world (identical in both twins): staff, schedules,
people, associations, watchlist, encounters, care teams and work lists."""
import roster
import people
import flows
import specials
import work
from flows import DAY, on_shift
from util import rng


def build_world(seed, n, days):
    emps, wards, clinics, counts = roster.build_staff(seed, n, days)
    by_role = roster.build_schedules(seed, n, days, emps)
    W = people.build_people(seed, n, days, emps)
    W.seed, W.n, W.days = seed, n, days
    W.emps, W.wards, W.clinics, W.by_role, W.counts = emps, wards, clinics, by_role, counts
    people.build_watchlist(seed, n, days, W)
    people.build_associations(seed, n, days, emps, W)
    W.statuses = people.set_statuses(seed, n, days, emps)
    people.assign_logins(seed, n, days, emps)
    W.clients, W.ws = roster.build_clients(seed, n, days, emps, wards, clinics)
    W.pulled = set()
    S = specials.choose_specials(seed, n, days, W, emps)
    W.specials = S
    ip = flows.build_inpatient(seed, n, days, W, by_role, wards)
    ip += specials.special_ip(seed, n, days, W, S, wards)
    flows.staff_ip_teams(seed, n, days, W, by_role, wards, ip)
    ed = flows.build_ed(seed, n, days, W, by_role, ip)
    # the state senator comes to the Lakeshore ED one evening
    r = rng(seed, n, days, "senator")
    senator = [v[0] for v in W.vips if "senator" in v[2]][0]
    sd = max(1, int(days * 0.4))
    t = sd * DAY + 20 * 60 + 15
    docs = on_shift(by_role["ed_physician"], t) or by_role["ed_physician"][:1]
    v = flows.ed_visit(r, "LCH-ED", "LCH", senator, t, docs, by_role["rn_ed"], days)
    v.meta["special"] = "vip"
    ed.append(v)
    op = flows.build_clinics(seed, n, days, W, by_role, clinics)
    op += specials.special_outpatient(seed, n, days, W, S, by_role)
    W.encs = ip + ed + op
    W.encs += work.extra_encounters(seed, n, days, W, by_role)
    flows.number_encounters(seed, n, days, W.encs)
    work.derive_work(seed, n, days, W, by_role)
    index(W)
    return W


def index(W):
    W.by_id = {e.id: e for e in W.encs}
    W.login_emp = {}
    for e in W.emps:
        for lg in e.logins:
            W.login_emp[lg] = e
    W.emp_by_eid = {e.eid: e for e in W.emps}
    W.person_emp = {e.person.key: e for e in W.emps}
    W.watch = {v[0].key: v[1] for v in W.vips}
    W.assoc_persons = {}
    for a in W.assoc_rows:
        W.assoc_persons.setdefault(a["eid"], {})[a["person"].key] = a
    W.encs_by_pat = {}
    for e in W.encs:
        W.encs_by_pat.setdefault(e.pat.key, []).append(e)
    # per (login, day): encounters the login is on the care team of (for quick checks)
    W.ed_by_day = {}
    W.clinic_by_day = {}
    W.ip_by_day = {}
    for e in W.encs:
        if e.etype == "ED":
            d = e.meta["t_arr"] // DAY
            W.ed_by_day.setdefault(d, []).append(e)
        elif e.etype in ("OP", "EH") and "visit" in e.meta:
            W.clinic_by_day.setdefault(e.meta["visit"] // DAY, []).append(e)
    W.ip_open = [e for e in W.encs if e.etype == "IP"]
    W.encs_by_login = {}
    for e in W.encs:
        for lg in {t[0] for t in e.team}:
            W.encs_by_login.setdefault(lg, []).append(e)
    W.consults = {}
    for e in W.ip_open:
        if "consult" in e.meta:
            lg, cd = e.meta["consult"]
            W.consults.setdefault((lg, cd), []).append(e)
    W.rel_of_person = {}
    for a in W.assoc_rows:
        W.rel_of_person.setdefault(a["person"].key, (a["eid"], a["relation"]))


def conflict(W, emp, person):
    """Staff never legitimately work on their own chart or a known associate's."""
    if person is emp.person:
        return True
    return person.key in W.assoc_persons.get(emp.eid, {})


if __name__ == "__main__":
    import sys
    import time
    t0 = time.time()
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 80
    d = int(sys.argv[2]) if len(sys.argv) > 2 else 14
    W = build_world("601", n, d)
    from collections import Counter
    print("built in %.1fs" % (time.time() - t0))
    print(Counter(e.etype for e in W.encs))
    print("work items", sum(len(v) for v in W.work.values()))
    print(Counter(k for v in W.work.values() for _, k, _, _ in v))
    print("team rows", sum(len(e.team) for e in W.encs))
