"""Work lists derived from the patient flow: orders for lab, radiology and
pharmacy, registration, clinic front desk, HIM release of information, coding
and billing queues, quality and infection-prevention reviews, walk-in
outpatient registrations.  W.work[(login, day)] -> [(t_abs, kind, enc, extra)]"""
from flows import Enc, DAY, on_shift, add_team
from roster import is_weekday
from util import rng, day_date


def put(W, login, t, kind, enc, extra=None):
    W.work.setdefault((login, t // DAY), []).append((t, kind, enc, extra))


def pick_on(r, group, t, site=None, unit=None, fallback=True):
    cand = on_shift(group, t, unit=unit, site=site)
    if not cand and fallback and site:
        cand = on_shift(group, t)
    return cand[r.randrange(len(cand))] if cand else None


def extra_encounters(seed, n, days, W, by_role):
    """Outpatient walk-in registrations (lab/imaging), ROI requests, quality reviews."""
    r = rng(seed, n, days, "extra-enc")
    out = []
    regs = by_role.get("registrar", [])
    for site in ("SBR", "LCH"):
        per_day = max(4, n // (9 if site == "SBR" else 18))
        for d in range(-20, days):
            if not is_weekday(d):
                continue
            for _ in range(per_day):
                t = d * DAY + r.randint(7 * 60, 17 * 60)
                pat = r.choice(W.adults)
                if pat.emp or pat.tags & {"vip", "news", "reserved", "test"}:
                    continue
                v = Enc("OP", pat, f"{site}-OUTPT", site, t, t + r.randint(30, 180))
                v.meta.update(bed=0, walkin=r.choice(["lab", "lab", "imaging"]))
                if v.t_close >= days * DAY:
                    v.t_close = None
                out.append(v)
    # a registrar or lab tech whose namesake (same first+last name) walks in during their shift
    names = {}
    for p in W.mpi.people:
        for tg in sorted(p.tags):
            if tg.startswith("namesake_of:"):
                names[tg[12:]] = p
    for e in W.emps:
        if e.eid not in names or e.role not in ("registrar", "lab_tech") or e.status != "active" \
                or e.unit == "SBR-ED-REG" or not names[e.eid].mrn:
            continue
        ds = [d for d in sorted(e.sched) if 0 <= d < days and is_weekday(d)]
        if not ds:
            continue
        d = ds[r.randrange(len(ds))]
        t = d * DAY + r.randint(e.sched[d][0] + 60, e.sched[d][1] - 90)
        v = Enc("OP", names[e.eid], f"{e.site}-OUTPT", e.site, t, t + r.randint(30, 120))
        v.meta.update(bed=0, walkin="lab", namesake_for=e)
        out.append(v)
    closed_by_pat = {}
    for e in W.encs:
        if e.t_close is not None and e.t_close < -2 * DAY and e.etype in ("IP", "ED", "OP"):
            closed_by_pat.setdefault(e.pat.key, []).append(e)
    pats = sorted(closed_by_pat)
    roi = by_role.get("him_roi", [])
    W.roi = []
    for d in range(-5, days):
        if not is_weekday(d):
            continue
        for h in roi:
            if d >= 0 and d not in h.sched:
                continue
            for _ in range(r.randint(3, 6)):
                pk = pats[r.randrange(len(pats))]
                pe = closed_by_pat[pk]
                p = pe[0].pat
                if p.emp is h or p.tags & {"vip", "news", "reserved"}:
                    continue
                t = d * DAY + r.randint(8 * 60, 15 * 60)
                req = Enc("ROI", p, "HIM-ROI", "CBO", t, None)
                close_t = t + r.choice([DAY // 3, DAY, 2 * DAY, 4 * DAY, 6 * DAY])
                req.t_close = close_t if close_t < days * DAY else None
                req.meta.update(bed=0, encs=r.sample(pe, min(len(pe), r.randint(1, 3))),
                                requester=r.choice(["ATTORNEY", "PATIENT", "INSURER", "SSA DISABILITY",
                                                    "SUBPOENA", "OTHER PROVIDER", "WORKERS COMP"]),
                                owner=h.login)
                add_team(req, h.login, d, (close_t // DAY), "roi")
                out.append(req)
                W.roi.append(req)
    qual = by_role.get("quality", [])
    recent_ip = [e for e in W.encs if e.etype == "IP" and e.t_close is not None and -40 * DAY < e.t_close < days * DAY
                 and not e.pat.emp]
    W.qr = []
    for d in range(-3, days):
        if not is_weekday(d) or not recent_ip:
            continue
        for q in qual:
            if r.random() < 0.6:
                src = r.choice(recent_ip)
                if src.t_close > d * DAY:
                    continue
                t = d * DAY + r.randint(8 * 60, 15 * 60)
                rv = Enc("QR", src.pat, "QUALITY", "SBR", t, None)
                rv.meta.update(bed=0, src=src, reason=r.choice(["FALL WITH INJURY", "30-DAY READMISSION",
                                                                "MORTALITY REVIEW", "SEPSIS BUNDLE", "CAUTI"]))
                close_t = t + r.randint(1, 9) * DAY
                rv.t_close = close_t if close_t < days * DAY else None
                add_team(rv, q.login, d, close_t // DAY, "quality")
                out.append(rv)
                W.qr.append(rv)
    return out


def derive_work(seed, n, days, W, by_role):
    W.work = {}
    r = rng(seed, n, days, "work")
    labs, rads, rxs = by_role.get("lab_tech", []), by_role.get("rad_tech", []), by_role.get("pharmacist", [])
    regs = by_role.get("registrar", [])
    for enc in W.encs:
        if enc.etype == "IP":
            dis = enc.meta["t_dis"]
            for d in range(max(0, enc.open_day()), min(days, dis // DAY + 1)):
                if r.random() < 0.85 and d * DAY + 4 * 60 > enc.t_open:
                    t = d * DAY + r.randint(4 * 60, 6 * 60 + 30)
                    tech = pick_on(r, labs, t + 50, site=enc.site)
                    if tech:
                        put(W, tech.login, t + r.randint(40, 100), "lab", enc, "AM")
                for _ in range(r.choice([0, 0, 1, 1, 2])):
                    t = d * DAY + r.randint(8 * 60, 22 * 60)
                    if enc.t_open < t < dis:
                        tech = pick_on(r, labs, t, site=enc.site)
                        if tech:
                            put(W, tech.login, t, "lab", enc, "STAT")
                if r.random() < 0.3:
                    t = d * DAY + r.randint(8 * 60, 20 * 60)
                    if enc.t_open < t < dis:
                        tech = pick_on(r, rads, t, site=enc.site)
                        if tech:
                            put(W, tech.login, t, "rad", enc, r.choice(["XR CHEST 1V", "CT HEAD WO", "US ABD",
                                                                        "XR CHEST 2V", "CT ABD/PEL W"]))
                nrx = r.randint(4, 8) if d == enc.open_day() else r.randint(0, 3)
                for _ in range(nrx):
                    t = (enc.t_open + r.randint(5, 120)) if d == enc.open_day() else d * DAY + r.randint(7 * 60, 23 * 60)
                    if t < dis and t < days * DAY:
                        ph = pick_on(r, rxs, t, site=enc.site)
                        if ph:
                            put(W, ph.login, t, "rx", enc, None)
            if 0 <= enc.open_day() < days and not enc.meta.get("from_ed"):
                reg = pick_on(r, [x for x in regs if x.unit == ("SBR-ADMITTING" if enc.site == "SBR" else
                                                                "LCH-REGISTRATION")], enc.t_open, fallback=False)
                if reg:
                    put(W, reg.login, enc.t_open - r.randint(5, 40), "reg_adm", enc, None)
            elif 0 <= enc.open_day() < days:
                reg = pick_on(r, [x for x in regs if x.unit in ("SBR-ADMITTING", "LCH-REGISTRATION")],
                              enc.t_open, site=enc.site)
                if reg:
                    put(W, reg.login, enc.t_open + r.randint(0, 20), "bed_assign", enc, None)
        elif enc.etype == "ED" and 0 <= enc.open_day() < days:
            t_arr = enc.meta["t_arr"]
            unit = "SBR-ED-REG" if enc.site == "SBR" else "LCH-REGISTRATION"
            reg = pick_on(r, [x for x in regs if x.unit == unit], t_arr, site=enc.site)
            if reg:
                put(W, reg.login, t_arr + r.randint(1, 4), "reg_quick", enc, None)
                put(W, reg.login, enc.t_open + r.randint(0, 6), "reg_ed", enc, None)
            special = enc.meta.get("admitted_to") and enc.meta["admitted_to"].meta.get("special")
            if r.random() < 0.6 or special:
                t = t_arr + r.randint(20, 60)
                tech = pick_on(r, labs, t + 40, site=enc.site)
                if tech:
                    put(W, tech.login, t + 40, "lab", enc, "ED")
            if r.random() < 0.4 or special:
                t = t_arr + r.randint(20, 90)
                tech = pick_on(r, rads, t, site=enc.site)
                if tech:
                    put(W, tech.login, t, "rad", enc, r.choice(["XR CHEST 1V", "CT HEAD WO", "XR ANKLE 3V",
                                                                "CT C-SPINE WO", "US RUQ"]))
            for _ in range(r.choice([0, 0, 1, 2]) + (3 if special else 0)):
                t = t_arr + r.randint(15, 150)
                ph = pick_on(r, rxs, t, site=enc.site)
                if ph:
                    put(W, ph.login, t, "rx", enc, None)
        elif enc.etype == "OP" and "visit" in enc.meta and 0 <= enc.meta["visit"] // DAY < days:
            t = enc.meta["visit"]
            if r.random() < 0.35:
                tech = pick_on(r, labs, t + 180, site="SBR")
                if tech:
                    put(W, tech.login, t + 180, "lab", enc, "OP")
        elif enc.etype == "OP" and "walkin" in enc.meta and 0 <= enc.open_day() < days:
            reg = pick_on(r, [x for x in regs if x.unit in ("SBR-ADMITTING", "LCH-REGISTRATION")],
                          enc.t_open, site=enc.site)
            who = enc.meta.get("namesake_for")
            if who is not None and who.role == "registrar":
                reg = who
            elif who is not None:
                put(W, who.login, enc.t_open + 20, "lab", enc, "OP")
                continue
            if reg:
                put(W, reg.login, enc.t_open - r.randint(2, 10), "reg_op", enc, None)
            grp = labs if enc.meta["walkin"] == "lab" else rads
            tech = pick_on(r, grp, enc.t_open + 20, site=enc.site)
            if tech:
                put(W, tech.login, enc.t_open + r.randint(15, 60), "lab" if grp is labs else "rad", enc,
                    "OP" if grp is labs else r.choice(["XR KNEE 2V", "MAMMO SCREEN", "DEXA", "US THYROID"]))
    coding_queue(seed, n, days, W, by_role)
    billing_queue(seed, n, days, W, by_role)


def month_end_days(days):
    """Last two business days of each month and the first business day after."""
    out = set()
    for d in range(days):
        if not is_weekday(d):
            continue
        nxt = [x for x in range(d + 1, d + 8) if is_weekday(x)]
        prv = [x for x in range(d - 1, d - 8, -1) if is_weekday(x)]
        m = day_date(d).month
        if day_date(nxt[0]).month != m or (len(nxt) > 1 and day_date(nxt[1]).month != m):
            out.add(d)
        if prv and day_date(prv[0]).month != m:
            out.add(d)
    return out


def coding_queue(seed, n, days, W, by_role):
    r = rng(seed, n, days, "coding")
    coders = by_role.get("coder", [])
    W.month_end = month_end_days(days)
    pool = [e for e in W.encs if e.etype in ("IP", "ED", "OP") and e.t_close is not None
            and -6 * DAY <= e.t_close < days * DAY and ("walkin" not in e.meta)]
    pool.sort(key=lambda e: e.t_close)
    for enc in pool:
        d = enc.t_close // DAY + r.randint(1, 4 if enc.etype == "IP" else 3)
        while d < days and not is_weekday(d):
            d += 1
        if d >= days or d < 0:
            continue
        if enc.etype == "OP" and r.random() < 0.6:
            continue
        who = [c for c in coders if d in c.sched]
        if not who:
            continue
        c = who[r.randrange(len(who))]
        st = c.sched[d]
        t = d * DAY + r.randint(st[0] + 15, st[1] - 30)
        if enc.etype == "IP" and r.random() < 0.75:
            add_team(enc, c.login, d - 1, d, "coder")      # DRG work-queue assignment
        put(W, c.login, t, "coding", enc, None)
    # month-end DNFB push: coders reopen recently coded and pending accounts
    for d in sorted(W.month_end):
        for c in coders:
            if d not in c.sched:
                continue
            st = c.sched[d]
            for _ in range(r.randint(25, 40)):
                enc = pool[r.randrange(len(pool))] if pool else None
                if enc is None or enc.t_close >= d * DAY:
                    continue
                put(W, c.login, d * DAY + r.randint(st[0] + 15, st[1] + 90), "coding_me", enc, None)


def billing_queue(seed, n, days, W, by_role):
    r = rng(seed, n, days, "billing")
    pool = [e for e in W.encs if e.etype in ("IP", "ED", "OP") and e.t_close is not None
            and e.t_close < days * DAY and "walkin" not in e.meta]
    for b in by_role.get("billing", []):
        for d in range(days):
            if d not in b.sched:
                continue
            st = b.sched[d]
            for _ in range(r.randint(28, 44)):
                enc = pool[r.randrange(len(pool))]
                if not (d * DAY - 70 * DAY < enc.t_close < d * DAY - 8 * DAY):
                    continue
                if enc.pat.emp is b:
                    continue
                kind = r.choices(["bill_wq", "bill_call", "bill_update"], weights=[70, 20, 10])[0]
                put(W, b.login, d * DAY + r.randint(st[0] + 10, st[1] - 10), kind, enc, None)
