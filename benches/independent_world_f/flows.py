"""Patient flow: inpatient stays on each ward (with history), ED visits,
clinic visits and referrals, plus the care team of each encounter (attending,
resident, nurses per shift, consultant, case manager)."""
import datetime as dt
from util import rng, day_date, START
from roster import HOLIDAYS

DAY = 1440


class Enc:
    __slots__ = ("id", "etype", "pat", "unit", "site", "t_open", "t_close", "subjects", "team",
                 "meta")

    def __init__(self, etype, pat, unit, site, t_open, t_close):
        self.etype, self.pat, self.unit, self.site = etype, pat, unit, site
        self.t_open, self.t_close = t_open, t_close
        self.subjects = [pat]
        self.team = []        # [login, from_day, to_day, role]
        self.meta = {}
        self.id = ""

    def open_day(self):
        return self.t_open // DAY

    def close_day(self):
        return None if self.t_close is None else self.t_close // DAY

    def active_on(self, day):
        cd = self.close_day()
        return self.open_day() <= day and (cd is None or cd >= day)

    def assigned(self, login, day):
        return any(t[0] == login and t[1] <= day <= t[2] for t in self.team)


def shift_of(e, day, t_abs):
    """The shift of employee e covering absolute minute t (day or previous-day night)."""
    for d in (day, day - 1):
        s = e.sched.get(d)
        if s and d * DAY + s[0] <= t_abs < d * DAY + s[1]:
            return d, s
    return None


def on_shift(group, t_abs, unit=None, site=None):
    day = t_abs // DAY
    out = []
    for e in group:
        x = shift_of(e, day, t_abs)
        if not x:
            continue
        s = x[1]
        if unit and s[3] != unit:
            continue
        if site and s[2] != site:
            continue
        out.append(e)
    return out


def pick_patient(r, pool, W, age_bias=False):
    for _ in range(50):
        p = r.choice(pool)
        if p.emp or "vip" in p.tags or "news" in p.tags or "test" in p.tags or "reserved" in p.tags:
            continue
        if age_bias:
            age = (START - dt.date.fromisoformat(p.dob)).days / 365.25
            if r.random() > min(1.0, age / 80):
                continue
        return p
    return r.choice(W.adults)


def add_team(enc, login, d0, d1, role):
    for t in enc.team:
        if t[0] == login and t[3] == role and t[2] + 1 >= d0 and t[1] <= d1 + 1:
            t[1], t[2] = min(t[1], d0), max(t[2], d1)
            return
    enc.team.append([login, d0, d1, role])


def build_inpatient(seed, n, days, W, by_role, wards):
    r = rng(seed, n, days, "flows-ip")
    encs = []
    nurses = by_role.get("rn_ward", [])
    for u in wards:
        n_u = sum(1 for e in nurses if e.unit == u)
        beds = max(4, round(n_u * (0.75 if "ICU" in u else 1.4)))
        site = u.split("-")[0]
        for b in range(beds):
            t = -60 * DAY + int(r.uniform(0, 5 * DAY))
            while t < days * DAY:
                los = min(21.0, max(0.7, r.lognormvariate(1.05 if "ICU" not in u else 0.8, 0.6)))
                d_day = (t + int(los * DAY)) // DAY
                t_d = d_day * DAY + r.randint(10 * 60, 17 * 60)
                if t_d <= t + 8 * 60:
                    t_d += DAY
                pat = pick_patient(r, W.adults, W, age_bias=True)
                enc = Enc("IP", pat, u, site, t, t_d if t_d < days * DAY else None)
                enc.meta["bed"] = b
                enc.meta["t_dis"] = t_d
                enc.meta["from_ed"] = r.random() < 0.55
                encs.append(enc)
                t = t_d + int(r.uniform(0.1, 1.2) * DAY)
                t = (t // DAY) * DAY + max(t % DAY, 7 * 60) if t % DAY < 7 * 60 else t
    return encs


def staff_ip_teams(seed, n, days, W, by_role, wards, ip_encs):
    """Attending per week segment, resident, consult, case manager, nurse per shift."""
    r = rng(seed, n, days, "flows-team")
    hosp = by_role.get("hospitalist", [])
    res = by_role.get("resident", [])
    cms = by_role.get("case_manager", [])
    consultants = [e for e in by_role.get("clinic_physician", []) if e.unit.startswith("RSC")] or \
        by_role.get("clinic_physician", [])
    ward_rn = by_role.get("rn_ward", []) + by_role.get("rn_float", [])
    W.nurse_pts = {}
    W.unit_census = {}
    for enc in ip_encs:
        t_d = enc.meta["t_dis"]
        d0, d1 = enc.open_day(), t_d // DAY
        if d1 < -45:
            # old history: the attending only
            if hosp:
                h = hosp[(hash_i(enc, 0)) % len(hosp)]
                add_team(enc, h.login, d0, d1, "attending")
            continue
        for d in range(max(d0, -60), d1 + 1):
            on = [h for h in hosp if h.sched.get(d) and h.status == "active"] or hosp
            if not on:
                break
            week = (d + 7) // 7
            h = on[hash_i(enc, week) % len(on)]
            add_team(enc, h.login, d, d, "attending")
            enc.meta.setdefault("att_by_day", {})[d] = h.login
            if enc.unit in ("SBR-4W", "SBR-5E", "SBR-ICU") and -1 <= d < days:
                rs = [e for e in res if any(e.sched.get(dd, (0, 0, 0, ""))[3] == enc.unit
                                            for dd in range(week * 7 - 7, week * 7))]
                if rs:
                    rr = rs[hash_i(enc, week + 99) % len(rs)]
                    add_team(enc, rr.login, d, d, "resident")
                    enc.meta.setdefault("res_by_day", {})[d] = rr.login
            if -1 <= d < days:
                W.unit_census.setdefault((enc.unit, d), []).append(enc)
        for cm in cms:
            if enc.unit in cm.units:
                add_team(enc, cm.login, d0, d1, "case_manager")
                enc.meta["cm"] = cm.login
                break
        if consultants and d1 - d0 >= 2 and r.random() < 0.28:
            c = consultants[r.randrange(len(consultants))]
            cd = d0 + r.randint(0, 1)
            while not c.sched.get(cd) and cd < d1:
                cd += 1
            if cd < d1 and c.sched.get(cd):
                enc.meta["consult"] = (c.login, cd)
                add_team(enc, c.login, cd + 1, d1, "consultant")
        # next of kin / emergency contact on the encounter
        hh = [q for q in enc.pat.household if q is not enc.pat and q.dob < "2007-01-01"]
        if hh and r.random() < 0.5:
            enc.subjects.append(hh[0])
            enc.meta["nok"] = hh[0]
    # nurses: per unit / day / shift, patients spread over the nurses on shift
    for u in wards:
        site = u.split("-")[0]
        for d in range(-1, days):
            census = W.unit_census.get((u, d), [])
            for tag, t_start in (("day", 7 * 60), ("night", 19 * 60)):
                t_abs = d * DAY + t_start + 30
                pts = [e for e in census if e.t_open <= t_abs + 10 * 60 and e.meta["t_dis"] > t_abs]
                if not pts:
                    continue
                on = [e for e in ward_rn if (e.sched.get(d) or (0, 0, 0, "", ""))[3] == u
                      and e.sched[d][4].startswith(tag)]
                if not on:     # pulled from another unit of the same hospital
                    on = [e for e in ward_rn if (e.sched.get(d) or (0, 0, "", "", ""))[2] == site
                          and e.sched[d][4].startswith(tag)][:1]
                    for e in on:
                        W.pulled.add((e.login, d))
                if not on:
                    continue
                for i, enc in enumerate(sorted(pts, key=lambda x: x.meta["bed"])):
                    nurse = on[i % len(on)]
                    add_team(enc, nurse.login, d, d if tag == "day" else d + 1, "nurse")
                    W.nurse_pts.setdefault((nurse.login, d), []).append(enc)


def hash_i(enc, k):
    return (enc.meta["bed"] * 7919 + enc.t_open * 31 + k * 104729) & 0x7fffffff


def build_ed(seed, n, days, W, by_role, ip_encs):
    """ED visits where an ED physician is on shift; admitted stays get their ED visit."""
    r = rng(seed, n, days, "flows-ed")
    eddocs = by_role.get("ed_physician", [])
    ednurse = by_role.get("rn_ed", [])
    encs = []
    diurnal = [0.5, 0.4, 0.35, 0.3, 0.3, 0.35, 0.5, 0.7, 0.9, 1.1, 1.2, 1.25, 1.25, 1.2, 1.2, 1.2,
               1.25, 1.3, 1.35, 1.3, 1.2, 1.0, 0.85, 0.65]
    for ed in ("SBR-ED", "LCH-ED"):
        site = ed.split("-")[0]
        for d in range(-30, days):
            for h in range(24):
                t_h = d * DAY + h * 60
                docs = [e for e in on_shift(eddocs, t_h + 30) if e.unit == ed or e.site == site]
                if not docs:
                    continue
                lam = 2.2 * len(docs) * diurnal[h] * (0.55 if d < -1 else 1.0)
                k = poisson(r, lam)
                for _ in range(k):
                    t = t_h + r.randrange(60)
                    pool = W.children if r.random() < 0.18 else W.adults
                    pat = pick_patient(r, pool, W)
                    encs.append(ed_visit(r, ed, site, pat, t, docs, ednurse, days))
    for ip in ip_encs:
        if ip.meta["from_ed"] and ip.t_open > -30 * DAY:
            ed = "SBR-ED" if ip.site == "SBR" else "LCH-ED"
            t = ip.t_open - r.randint(180, 360)
            docs = [e for e in on_shift(eddocs, t) if e.unit == ed] or on_shift(eddocs, t)
            v = ed_visit(r, ed, ip.site, ip.pat, t, docs, ednurse, days, t_close=ip.t_open)
            v.meta["admitted_to"] = ip
            ip.meta["ed_visit"] = v
            encs.append(v)
    return encs


def ed_visit(r, ed, site, pat, t_arr, docs, ednurse, days, t_close=None):
    t_reg = t_arr + r.randint(4, 25)
    if t_close is None:
        t_close = t_arr + r.randint(100, 420)
    v = Enc("ED", pat, ed, site, t_reg, t_close if t_close < days * DAY else None)
    v.meta["t_arr"] = t_arr
    v.meta["t_dis"] = t_close
    v.meta["bed"] = r.randrange(30)
    d0, d1 = t_reg // DAY, t_close // DAY
    if docs:
        doc = docs[r.randrange(len(docs))]
        v.meta["doc"] = doc.login
        add_team(v, doc.login, d0, d1, "ed_physician")
    nurses = on_shift(ednurse, t_arr + 5, unit=ed)
    if nurses:
        nu = nurses[r.randrange(len(nurses))]
        v.meta["nurse"] = nu.login
        add_team(v, nu.login, d0, d1, "nurse")
        tri = nurses[r.randrange(len(nurses))]
        v.meta["triage"] = tri.login
    if pat.dob >= "2007-11-01":
        adults = [q for q in pat.household if q.dob < "2005-01-01"]
        if adults:
            v.subjects.append(adults[0])
            v.meta["guarantor"] = adults[0]
    return v


def poisson(r, lam):
    if lam <= 0:
        return 0
    L, k, p = 2.718281828459045 ** (-lam), 0, 1.0
    while True:
        p *= r.random()
        if p < L:
            return k
        k += 1


def build_clinics(seed, n, days, W, by_role, clinics):
    """Clinic panels, appointments (history and window), MA rooming, referrals."""
    r = rng(seed, n, days, "flows-clinic")
    docs = by_role.get("clinic_physician", [])
    mas = by_role.get("clinic_ma", [])
    staff_persons = [e.person for e in W.emps if e.person.mrn]
    encs = []
    W.panels = {}
    for doc in docs:
        rr = rng(seed, n, days, "panel", doc.eid)
        peds = doc.unit.endswith("PEDS")
        pool = W.children if peds else W.adults
        panel = [pick_patient(rr, pool, W) for _ in range(220 + n // 2)]
        # staff and their families are patients of the system's clinics too
        for sp in staff_persons:
            if sp.emp is doc:
                continue
            if peds:
                kids = [q for q in sp.household if q.dob >= "2008-01-01" and q.mrn]
                if kids and rr.random() < 0.35:
                    panel.append(kids[0])
            elif rr.random() < (0.12 if doc.unit != "PRC-FM" else 0.02):
                panel.append(sp)
        W.panels[doc.login] = panel
        site = doc.unit.split("-")[0]
        for d in range(-30, days + 14):
            wd = day_date(d).weekday()
            if wd >= 5 or day_date(d).isoformat() in HOLIDAYS:
                continue
            if (0 <= d < days and d in doc.sched) or not (0 <= d < days):
                slots = 14 if doc.unit.startswith("PRC") else 18
                start = 8 * 60
                for s in range(slots):
                    if rr.random() > 0.86:
                        continue
                    t = d * DAY + start + s * 28 + (60 if s >= slots // 2 else 0)
                    pat = rr.choice(panel)
                    if pat.emp is doc:
                        continue
                    sched_t = t - rr.randint(1, 40) * DAY + rr.randint(-120, 120)
                    if sched_t >= days * DAY - 60:
                        continue
                    close = t + rr.choice([40, 90, 300, DAY, DAY + 200, 2 * DAY])
                    if d >= days:
                        close = None
                    v = Enc("OP", pat, doc.unit, site, sched_t, close if close is None or close < days * DAY else None)
                    v.meta["visit"] = t
                    v.meta["doc"] = doc.login
                    v.meta["bed"] = s
                    add_team(v, doc.login, sched_t // DAY, (close if close else (days + 20) * DAY) // DAY, "provider")
                    ma = [m for m in mas if m.unit == doc.unit and m.sched.get(d)]
                    if ma and 0 <= d < days:
                        m = ma[s % len(ma)]
                        v.meta["ma"] = m.login
                        add_team(v, m.login, d, d, "ma")
                    if pat.dob >= "2007-11-01":
                        adults = [q for q in pat.household if q.dob < "2005-01-01"]
                        if adults:
                            v.subjects.append(adults[0])
                            v.meta["guarantor"] = adults[0]
                    encs.append(v)
                    if rr.random() < 0.07 and d < days:
                        spec = [x for x in docs if x.unit.startswith("RSC") and x is not doc]
                        if spec:
                            sp = spec[rr.randrange(len(spec))]
                            ref = Enc("RF", pat, sp.unit, sp.unit.split("-")[0], t + 120, None)
                            ref.meta["bed"] = s
                            ref.meta["from_doc"] = doc.login
                            ref.meta["spec"] = sp.login
                            add_team(ref, sp.login, (t + 120) // DAY + 1, days + 60, "referral")
                            add_team(ref, doc.login, t // DAY, days + 60, "referring")
                            encs.append(ref)
    return encs


def number_encounters(seed, n, days, encs):
    r = rng(seed, n, days, "enc-numbers")
    counters = {}
    for enc in sorted(encs, key=lambda e: (e.t_open, e.etype, e.unit, e.meta.get("bed", 0))):
        yr = (START + dt.timedelta(minutes=enc.t_open)).year
        key = (enc.etype, yr)
        if key not in counters:
            counters[key] = r.randint(10000, 90000) if enc.etype in ("ROI", "QR", "EH") else r.randint(100000, 400000)
        counters[key] += r.randint(1, 3)
        width = 5 if enc.etype in ("ROI", "QR", "EH") else 6
        enc.id = f"{enc.etype}-{yr}-{counters[key]:0{width}d}"
