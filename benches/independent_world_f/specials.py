"""World events that every twin shares: a colleague admitted after a crash,
a school-bus crash victim in the news (trauma activation), VIP patients, an
employee's spouse admitted, the employee-health flu campaign."""
from flows import Enc, DAY, add_team
from util import rng


def choose_specials(seed, n, days, W, emps):
    r = rng(seed, n, days, "specials")
    S = {}
    # a colleague (with a chart here, known to HR) is admitted to ICU after a car crash
    cand = [e for e in emps if e.status == "active" and e.person.mrn and e.habits.get("hr_has_mrn")
            and e.role in ("rn_ed", "rn_ward", "lab_tech", "registrar", "rad_tech", "pharmacist")
            and not e.lead and e.end_date == ""]
    cw = cand[r.randrange(len(cand))]
    a_day = max(2, int(days * 0.35))
    S["coworker"] = (cw, a_day)
    cw.status = "leave"
    cw.leave_from = a_day
    cw.sched = {d: s for d, s in cw.sched.items() if d < a_day}
    cw.person.tags.add("reserved")
    # the news patient (bus crash) arrives mid-window
    S["news_day"] = max(3, int(days * 0.5))
    # an employee's spouse is admitted to a ward (not the employee's unit)
    sp_c = []
    for e in emps:
        if e.status != "active" or e is cw or e.role in ("it_analyst",):
            continue
        for a in W.assoc_by_eid.get(e.eid, []):
            if a["relation"] == "spouse" and a["person"].mrn and "reserved" not in a["person"].tags:
                sp_c.append((e, a["person"]))
    e, sp = sp_c[r.randrange(len(sp_c))]
    sp.tags.add("reserved")
    S["spouse"] = (e, sp, max(1, int(days * 0.6)))
    return S


def special_ip(seed, n, days, W, S, wards):
    """Inpatient stays for the special patients; returns Enc list (teams built later)."""
    r = rng(seed, n, days, "special-ip")
    out = []
    cw, a_day = S["coworker"]
    t = a_day * DAY + 22 * 60 + 35
    enc = Enc("IP", cw.person, "SBR-ICU", "SBR", t + 300, None)
    enc.meta.update(bed=97, t_dis=(a_day + 7) * DAY + 14 * 60, from_ed=True, special="coworker")
    if enc.meta["t_dis"] < days * DAY:
        enc.t_close = enc.meta["t_dis"]
    out.append(enc)
    nd = S["news_day"]
    enc = Enc("IP", W.news_patient, "SBR-ICU", "SBR", nd * DAY + 19 * 60 + 10, None)
    enc.meta.update(bed=98, t_dis=(nd + 9) * DAY + 12 * 60, from_ed=True, special="news")
    out.append(enc)
    # VIPs: news anchor elective surgery at SBR-5E; board chair at LCH-2N
    anchor = W.vips[0][0]
    d = min(days - 2, 2)
    enc = Enc("IP", anchor, "SBR-5E" if "SBR-5E" in wards else wards[0], "SBR", d * DAY + 6 * 60 + 30, None)
    enc.meta.update(bed=96, t_dis=(d + 3) * DAY + 13 * 60, from_ed=False, special="vip")
    if enc.meta["t_dis"] < days * DAY:
        enc.t_close = enc.meta["t_dis"]
    out.append(enc)
    chair = [v[0] for v in W.vips if v[1] == "board_member"][0]
    d = max(1, int(days * 0.7))
    enc = Enc("IP", chair, "LCH-2N", "LCH", d * DAY + 15 * 60, None)
    enc.meta.update(bed=95, t_dis=(d + 2) * DAY + 11 * 60, from_ed=True, special="vip")
    if enc.meta["t_dis"] < days * DAY:
        enc.t_close = enc.meta["t_dis"]
    out.append(enc)
    e, sp, sd = S["spouse"]
    unit = [u for u in wards if u != e.unit and "ICU" not in u][0]
    enc = Enc("IP", sp, unit, unit.split("-")[0], sd * DAY + 11 * 60, None)
    enc.meta.update(bed=94, t_dis=(sd + 3) * DAY + 15 * 60, from_ed=True, special="staff_spouse")
    if enc.meta["t_dis"] < days * DAY:
        enc.t_close = enc.meta["t_dis"]
    out.append(enc)
    del r
    return out


def special_outpatient(seed, n, days, W, S, by_role):
    """A senator's ED visit at LCH, the mayor's clinic visit, flu-shot visits."""
    r = rng(seed, n, days, "special-op")
    out = []
    docs = [e for e in by_role.get("clinic_physician", []) if e.unit == "NGC-FM"]
    mayor = [v[0] for v in W.vips if "mayor" in v[2]][0]
    singer = [v[0] for v in W.vips if "singer" in v[2]][0]
    for who, d, doc_list in ((mayor, max(1, int(days * 0.55)), docs),
                             (singer, max(1, int(days * 0.25)),
                              [e for e in by_role.get("clinic_physician", []) if e.unit.startswith("RSC")])):
        d0 = d
        while doc_list and not any(x.sched.get(d) for x in doc_list) and d < days - 1:
            d += 1
        if not doc_list or d0 > days - 1:
            continue
        doc = [x for x in doc_list if x.sched.get(d)] or doc_list
        doc = doc[0]
        t = d * DAY + 10 * 60 + 20
        v = Enc("OP", who, doc.unit, doc.unit.split("-")[0], t - 6 * DAY, t + 300)
        v.meta.update(visit=t, doc=doc.login, bed=50, special="vip")
        add_team(v, doc.login, (t - 6 * DAY) // DAY, (t + 300) // DAY, "provider")
        ma = [m for m in by_role.get("clinic_ma", []) if m.unit == doc.unit and m.sched.get(d)]
        if ma:
            v.meta["ma"] = ma[0].login
            add_team(v, ma[0].login, d, d, "ma")
        out.append(v)
    # friends disclosed on conflict-of-interest forms were seen in a clinic before the window
    docs_all = by_role.get("clinic_physician", [])
    for a in W.assoc_rows:
        if a["relation"] != "associate" or not a["person"].mrn or not docs_all:
            continue
        rr = rng(seed, n, days, "assoc-visit", a["eid"], a["person"].key)
        doc = docs_all[rr.randrange(len(docs_all))]
        t = -rr.randint(12, 28) * DAY + rr.randint(8 * 60, 16 * 60)
        v = Enc("OP", a["person"], doc.unit, doc.unit.split("-")[0], t - 10 * DAY, t + 240)
        v.meta.update(visit=t, doc=doc.login, bed=51, special="assoc_visit")
        add_team(v, doc.login, (t - 10 * DAY) // DAY, (t + 240) // DAY, "provider")
        out.append(v)
    # employee health flu campaign: shots and TB tests for staff (their coworkers treat them)
    ehs = by_role.get("employee_health", [])
    eh_encs = []
    for e in W.emps:
        if e.status != "active" or not e.person.mrn or not ehs:
            continue
        rr = rng(seed, n, days, "flu", e.eid)
        if rr.random() > 0.45:
            continue
        days_w = [d for d in range(days) if d in e.sched and any(h.sched.get(d) for h in ehs)]
        if not days_w:
            continue
        d = rr.choice(days_w)
        nurse = [h for h in ehs if h.sched.get(d)]
        nurse = nurse[rr.randrange(len(nurse))]
        if nurse is e:
            continue
        st = nurse.sched[d]
        t = d * DAY + rr.randint(st[0] + 30, st[1] - 60)
        v = Enc("EH", e.person, "EMPLOYEE-HEALTH", "SBR", t - rr.randint(0, 3) * DAY, t + rr.randint(20, 200))
        v.meta.update(visit=t, doc=nurse.login, bed=0, reason=rr.choice(["FLU VACCINE", "FLU VACCINE",
                                                                         "TB SCREEN", "FIT TEST", "INJURY REPORT"]))
        if v.t_close >= days * DAY:
            v.t_close = None
        add_team(v, nurse.login, v.open_day(), d, "employee_health")
        eh_encs.append(v)
    del r
    return out + eh_encs
