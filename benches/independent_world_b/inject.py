"""Misconduct, drawn from its own random streams (`|inject-plan`, `|inj|d|i`).

Injection never changes the agency: it only reads the reference data and the
day's legitimate timeline and adds events.  Labels are not written here: the
rules in rules.py decide them from the finished log; `intended` is only used
to report injections that ended up unlabelled.
"""
import bisect
import random

import habits as H
from sim import Rec, ABSENT, UNKNOWN
from world import F_PID, F_NAME, F_DOB, F_ADDR, F_PHONE, F_PLATE, SITES, km

SELF_KINDS = [("person_id", 2), ("name_dob", 2), ("plate", 1), ("address", 1), ("phone", 1), ("name_only", 1)]
COWORKER_KINDS = [("same_unit", 2), ("other_unit", 2), ("supervisor", 1)]
ASSOC_KINDS = [("ex_partner", 3), ("spouse", 1), ("partner", 1), ("family", 1), ("neighbor", 1),
               ("associate", 1), ("protected_party", 1), ("roommate", 1)]
NOCASE_KINDS = [("missing", 3), ("unknown_case", 3), ("closed_case", 3), ("not_assigned", 3),
                ("subject_not_in_case", 3)]
VOL_KINDS = [("daily_count", 2), ("burst", 2), ("off_hours", 2), ("distinct_subjects", 2), ("export", 2)]
CRED_KINDS = [("concurrent_clients", 2), ("impossible_travel", 2), ("inactive_account", 2)]
DAY_ROLES = ("court", "civil", "cid", "records")
MODE_HOW = {"person_id": "pid", "name_dob": "name", "plate": "plate", "address": "addr",
            "phone": "phone", "name_only": "name_nodob"}


class Inj:
    __slots__ = ("day", "cat", "kind", "emp", "intended", "ids", "note")

    def __init__(self, day, cat, kind, emp):
        self.day, self.cat, self.kind, self.emp = day, cat, kind, emp
        self.intended, self.ids, self.note = [], [], ""


def ref_mask_emp(e):
    m = F_NAME | F_DOB | F_ADDR
    if e.pid_known:
        m |= F_PID
    if e.person.phone:
        m |= F_PHONE
    if e.hr_plate:
        m |= F_PLATE
    return m


def modes_for(mask, addr_ok=True):
    out = []
    if mask & F_PID:
        out.append("person_id")
    if mask & F_DOB:
        out.append("name_dob")
    if mask & F_PLATE:
        out.append("plate")
    if mask & F_PHONE:
        out.append("phone")
    if mask & F_ADDR and addr_ok:
        out.append("address")
    out.append("name_only")
    return out


class Injector:
    def __init__(self, world, sim):
        self.w = world
        self.sim = sim
        self.clock = world.clock
        self.plan = []
        self.byday = {}
        self.make_plan()

    # ------------------------------------------------------------- plan
    def make_plan(self):
        w = self.w
        rng = random.Random(f"hcso-b|{w.seed}|inject-plan")
        D = w.days
        scale = w.users * D / 1120.0

        def count(base):
            return max(1, round(base * scale * rng.uniform(0.8, 1.25)))

        def day_pick():
            if rng.random() < 0.25:
                return rng.randrange(0, min(3, D))
            return rng.randrange(0, D)

        def on(d, pred=lambda e: True):
            return [e for e in w.emps if d in e.shifts and pred(e)]

        lookers = lambda e: e.role != "admin"
        used_vol = {}
        max_uses = 1 if D < 30 else 3

        def add(cat, kind, pred, tries=60, vol=False):
            for _ in range(tries):
                d = day_pick()
                cands = [e for e in on(d) if lookers(e) and pred(e, d)]
                if vol:
                    cands = [e for e in cands if len(used_vol.get(e.eid, ())) < max_uses
                             and all(abs(d - x) > 4 for x in used_vol.get(e.eid, ()))]
                if cands:
                    e = rng.choice(cands)
                    if vol:
                        used_vol.setdefault(e.eid, []).append(d)
                    self.plan.append(Inj(d, cat, kind, e))
                    return True
            return False

        coresident = lambda e: any(a.coresident for a in e.assoc)
        for kind, base in SELF_KINDS:
            need = {"person_id": lambda e, d: e.pid_known, "plate": lambda e, d: bool(e.hr_plate),
                    "phone": lambda e, d: bool(e.person.phone),
                    "address": lambda e, d: not coresident(e)}.get(kind, lambda e, d: True)
            for _ in range(count(base)):
                add("self", kind, need)
        for kind, base in COWORKER_KINDS:
            for _ in range(count(base)):
                add("coworker", kind, lambda e, d, k=kind: self.coworker_targets(e, k))
        for kind, base in ASSOC_KINDS:
            if not any(a.relation == kind and (a.valid_to is None or a.valid_to >= self.clock.start)
                       for e in w.emps for a in e.assoc):
                continue
            for _ in range(count(base)):
                add("assoc", kind, lambda e, d, k=kind: bool(self.assoc_targets(e, k, d)))
                if kind == "ex_partner" and rng.random() < 0.4:
                    add("assoc", kind, lambda e, d, k=kind: bool(self.assoc_targets(e, k, d)))
        cats = sorted({cat for _, cat, _ in w.watch})
        for cat in cats:
            for _ in range(count(1)):
                add("watch", cat, lambda e, d: True)
        for kind, base in NOCASE_KINDS:
            for _ in range(count(base)):
                add("nocase", kind, lambda e, d: True)
        for kind in ("self", "assoc", "coworker"):
            for _ in range(count(1)):
                add("change", kind, lambda e, d, k=kind: (k != "self" or bool(e.person.pid)) and
                    (k != "assoc" or bool(self.assoc_targets(e, None, d))))
        for kind, base in VOL_KINDS:
            if kind in ("daily_count", "off_hours"):
                pred = lambda e, d: e.role in DAY_ROLES
            elif kind == "distinct_subjects":
                pred = lambda e, d: e.role in ("tf", "cid", "civil")
            elif kind == "burst":
                pred = lambda e, d: e.role in ("patrol", "jail", "dispatch", "records", "court", "tf")
            elif kind == "export":
                pred = lambda e, d: e.role in ("patrol", "jail", "dispatch", "court", "records", "civil")
            else:
                pred = lambda e, d: e.role not in ("admin", "reserve")
            once = set()
            for _ in range(count(base)):
                # volume is judged per login: keep to staff with a single login; one export
                # each (two outsized exports by one login would hide each other)
                ok = add("vol", kind, lambda e, d, p=pred: p(e, d) and len(e.logins) == 1
                         and (kind != "export" or e.eid not in once), vol=True)
                if ok and kind == "export":
                    once.add(self.plan[-1].emp.eid)
        for kind, base in CRED_KINDS:
            n = count(base)
            if kind == "inactive_account":
                gone = [e for e in w.emps if e.status in ("terminated", "leave") and e.end_day is not None and e.end_day < D - 1]
                for _ in range(n):
                    if not gone:
                        break
                    e = rng.choice(gone)
                    d = rng.randrange(max(0, e.end_day + 1), D)
                    self.plan.append(Inj(d, "cred", kind, e))
                continue
            for _ in range(n):
                if kind == "impossible_travel":
                    pred = lambda e, d: e.role in ("court", "cid", "records", "tf", "civil", "dispatch")
                else:
                    pred = lambda e, d: e.role not in ("admin",)
                add("cred", kind, lambda e, d, p=pred: p(e, d) and len(e.logins) == 1, vol=True)
        for _ in range(count(1)):
            d = rng.randrange(0, D)
            if d % 7 in (5, 6) and D > 7:
                d = max(0, d - 2)
            self.plan.append(Inj(d, "surge", "many_users", None))
        for i, inj in enumerate(self.plan):
            self.byday.setdefault(inj.day, []).append((i, inj))

    def coworker_targets(self, e, kind):
        w = self.w
        out = []
        for v in w.emps:
            if v is e or v.status != "active":
                continue
            if kind == "supervisor":
                ok = v.eid == e.sup
            elif kind == "same_unit":
                ok = v.unit == e.unit and v.eid != e.sup
            else:
                ok = v.unit != e.unit and v.eid != e.sup
            if ok:
                out.append(v)
        return out

    def assoc_targets(self, e, kind, d):
        date = self.clock.date_of(d)
        return [a for a in e.assoc if (kind is None or a.relation == kind) and a.valid_from <= date
                and (a.valid_to is None or date <= a.valid_to)]

    # -------------------------------------------------------- realising
    def run_day(self, d):
        for i, inj in self.byday.get(d, []):
            rng = random.Random(f"hcso-b|{self.w.seed}|inj|{d}|{i}")
            try:
                fn = getattr(self, "do_" + inj.cat)
                fn(inj, rng)
            except NoAnchor as ex:
                inj.note = "skipped: " + str(ex)

    def emit(self, inj, rec):
        eid = self.sim.finalize(rec, True)
        inj.ids.append(eid)
        return eid

    def tl(self, emp):
        return self.sim.timeline.get(emp.logins[0].name, [])

    def anchor(self, emp, rng, need=90, window=None):
        tl = self.tl(emp)
        cands = []
        for i in range(len(tl) - 1):
            a, b = tl[i], tl[i + 1]
            if a[5] in ("logout", "login_failed") or b[2] != a[2] or a[1] != b[1]:
                continue
            if b[0] - a[0] < need:
                continue
            if window and not (window[0] <= a[0] <= window[1]):
                continue
            cands.append((a[0], b[0], a[1], a[2], a[3]))
        if not cands:
            raise NoAnchor(f"{emp.logins[0].name} has no anchor on day {self.sim.day}")
        return rng.choice(cands)

    def systems(self, emp, client, mode):
        mdt = client == emp.mdt
        role = emp.role
        if mode == "person_id":
            return ["JMS"] if role in ("jail", "jail_sgt") and rng_choice_flag(client) else ["RMS"]
        if mode in ("name_dob", "name_only"):
            if role == "court":
                return ["SWITCH"]
            if role == "dispatch":
                return ["SWITCH"] if mode == "name_only" else ["SWITCH", "DMV"]
            if mdt:
                return ["SWITCH", "DMV", "RMS"]
            return ["SWITCH"] if mode == "name_only" else ["SWITCH", "RMS"]
        if mode == "plate":
            if role == "tf":
                return ["LPR"]
            return ["DMV", "SWITCH"] if mdt else ["DMV"]
        if mode == "address":
            return ["CAD"] if (mdt or role == "dispatch") else ["RMS"]
        if mode == "phone":
            return ["CAD"] if role == "dispatch" else ["RMS"]
        raise ValueError(mode)

    def purpose(self, emp, system):
        if system in ("SWITCH", "DMV"):
            return "CJ"
        if emp.role == "court":
            return "CJ"
        return {"RMS": "INVESTIGATION", "CAD": "PREMISE", "JMS": "BOOKING", "LPR": "INVESTIGATION"}.get(system, "")

    def unknown_case(self, rng, d):
        dd = self.clock.date_of(d)
        yy = dd.year % 100
        u = rng.random()
        if u < 0.4:
            cid = f"SO{yy:02d}-{rng.randrange(900000, 999999):07d}"
            return H.typed_case(cid, "rms", rng.randrange(9), rng)
        if u < 0.6:
            cid = f"CFS{yy:02d}{dd.month:02d}{dd.day:02d}-{rng.randrange(9000, 9999):04d}"
            return H.typed_case(cid, "cad", rng.randrange(6), rng)
        if u < 0.75:
            return f"NTF-{yy:02d}-{rng.randrange(7000, 9999):04d}"
        return rng.choice(["12345", "999", "1", "TEST", "X", "SO", "24-", "CASE", "0000000", "2020"])

    def ctx(self, inj, emp, rng, p, want=None, at=None):
        """Case context for a lookup of p: (case, typed, purpose_override, intended no_case kind)."""
        d = self.sim.day if at is None else at
        kinds = ["missing"] * 6 + ["own"] * 2 + ["other", "unknown"]
        if emp.role in ("court", "jail"):
            kinds += ["exempt"] * 2
        k = want or rng.choice(kinds)
        if k == "own":
            own = [c for c in self.sim.assigned_today.get(emp.eid, []) if c.status == "open" or (c.closed is not None and c.closed >= d)]
            own = [c for c in own if c.assigned(emp, d) and (p is None or p.idx not in c.subjset)]
            if own:
                c = rng.choice(own)
                return c, None, None, ("subject_not_in_case" if p is not None else None)
            k = "missing"
        if k == "other":
            oth = [c for c in self.sim.created_today if not c.assigned(emp, d) and (c.status == "open" or c.closed >= d)
                   and (p is None or p.idx not in c.subjset)]
            if oth:
                return rng.choice(oth), None, None, "not_assigned"
            k = "unknown"
        if k == "unknown":
            return UNKNOWN, self.unknown_case(rng, d), None, "unknown_case"
        if k == "exempt":
            return None, None, "COURT_SCREENING" if emp.role == "court" else "VISITOR_SCREENING", None
        return None, None, None, "missing"

    def lookup(self, inj, emp, t, client, sess, ip, system, how, p, case, typed, purpose, rng, action="query"):
        sim = self.sim
        typo_ok = how not in ("name_nodob",)
        f, fl, qt, rc = sim.subj(system, how, p, emp, rng, typo_ok=False, partial=False)
        if typed is None:
            typed = sim.typed_case(emp, case, rng, system) if case is not UNKNOWN else "?"
        r = Rec(t, sim.login_for(emp, system), client, system, action, typed, case,
                purpose if purpose is not None else self.purpose(emp, system), p, fl, f, rc, qt)
        r.session, r.ip = sess, ip
        return self.emit(inj, r)

    def identity(self, inj, emp, p, mode, rng, det, kind, anchor=None, want=None):
        t0, t1, client, sess, ip = anchor or self.anchor(emp, rng)
        case, typed, purp, nck = self.ctx(inj, emp, rng, p, want)
        systems = self.systems(emp, client, mode)
        how = MODE_HOW[mode]
        if how == "pid" and not p.pid:
            how = "name"
        t = t0 + rng.randrange(5, max(6, min(60, (t1 - t0) // 3)))
        if typed is None and case is not None and case is not UNKNOWN:
            typed = self.sim.typed_case(emp, case, rng, "SWITCH")
        if typed is None and case is None:
            typed = self.sim.typed_case(emp, None, rng, "SWITCH")
        for s in systems:
            tt = typed
            if s == "JMS" and case is None:
                tt = ABSENT
            self.lookup(inj, emp, t, client, sess, ip, s, how, p, case, tt, purp, rng)
        if rng.random() < 0.35 and t1 - t > 240:
            t2 = t + rng.randrange(60, min(600, t1 - t - 30))
            self.lookup(inj, emp, t2, client, sess, ip, systems[0], how, p, case, typed, purp, rng)
        inj.intended.append((det, kind))
        if nck:
            inj.intended.append(("no_case", nck))

    # ------------------------------------------------------ categories
    def do_self(self, inj, rng):
        e = inj.emp
        self.identity(inj, e, e.person, inj.kind, rng, "self_query", inj.kind)

    def do_coworker(self, inj, rng):
        e = inj.emp
        tg = self.coworker_targets(e, inj.kind)
        if not tg:
            raise NoAnchor("no coworker")
        v = rng.choice(tg)
        modes = modes_for(ref_mask_emp(v), addr_ok=not any(a.coresident for a in v.assoc))
        mode = rng.choice(modes)
        self.identity(inj, e, v.person, mode, rng, "coworker_lookup", inj.kind)

    def do_assoc(self, inj, rng):
        e = inj.emp
        tg = self.assoc_targets(e, inj.kind, self.sim.day)
        if not tg:
            raise NoAnchor("no association")
        a = rng.choice(tg)
        modes = modes_for(a.fields, addr_ok=not a.coresident)
        if not a.person.pid:
            modes = [m for m in modes if m != "person_id"] or ["name_only"]
        mode = rng.choice(modes)
        self.identity(inj, e, a.person, mode, rng, "association_lookup", inj.kind)

    def do_watch(self, inj, rng):
        e = inj.emp
        cands = [p for p, cat, row in self.w.watch if cat == inj.kind]
        p = rng.choice(cands)
        row = self.w.watch_of[p.idx][1]
        modes = ["name_dob", "name_dob", "name_only"] + (["person_id"] if row["person_id"] else [])
        self.identity(inj, e, p, rng.choice(modes), rng, "watchlist_lookup", inj.kind)

    def stranger(self, rng):
        return rng.choice(self.w.injonly)

    def do_nocase(self, inj, rng):
        e = inj.emp
        d = self.sim.day
        t0, t1, client, sess, ip = self.anchor(e, rng)
        k = inj.kind
        if k in ("missing", "unknown_case", "subject_not_in_case"):
            p = self.stranger(rng)
            want = {"missing": "missing", "unknown_case": "unknown", "subject_not_in_case": "own"}[k]
            case, typed, purp, nck = self.ctx(inj, e, rng, p, want)
            if nck is None:
                raise NoAnchor("no context")
        elif k == "closed_case":
            mine = [c for c in self.w.closed_old if c.extra == e.eid]
            pool = mine if (mine and rng.random() < 0.6) else self.w.closed_old
            cad_old = [c for c in self.sim.cad_all[-5000:] if c.status == "closed" and c.closed < d - 1]
            if cad_old and rng.random() < 0.3:
                pool = cad_old
            case = rng.choice(pool)
            p = rng.choice(case.subjects)
            if self.sim.conflict(e, p) or p.tag in (1, 3):
                raise NoAnchor("conflict")
            typed, purp, nck = None, None, "closed_case"
        else:  # not_assigned
            oth = [c for c in self.sim.created_today if not c.assigned(e, d) and c.subjects]
            oth += [c for lst in self.w.cid_cases.values() for c in lst if c.status == "open" and not c.assigned(e, d)][:200]
            if not oth:
                raise NoAnchor("no case of others")
            case = rng.choice(oth)
            p = rng.choice(case.subjects)
            if self.sim.conflict(e, p) or p.tag in (1, 3):
                raise NoAnchor("conflict")
            typed, purp, nck = None, None, "not_assigned"
        if typed is None and case is not UNKNOWN:
            typed = self.sim.typed_case(e, case, rng, "SWITCH")
        if case is not None and case is not UNKNOWN and p.idx in case.subjset:
            m = case.srows[p.idx]
            opts = ["name"] + (["pid"] if m & F_PID and p.pid else []) + (["plate"] if m & F_PLATE and p.plate else [])
        else:
            opts = ["name", "name", "name_nodob"] + (["pid"] if p.pid else []) + (["plate"] if p.plate else [])
        how = rng.choice(opts)
        sysmap = {"name": ["SWITCH", "DMV"], "name_nodob": ["SWITCH"], "pid": ["RMS"], "plate": ["DMV", "SWITCH"]}
        t = t0 + rng.randrange(5, max(6, min(60, (t1 - t0) // 3)))
        for s in sysmap[how][: rng.randrange(1, len(sysmap[how]) + 1)]:
            self.lookup(inj, e, t, client, sess, ip, s, how, p, case, typed, purp, rng)
        inj.intended.append(("no_case", nck))

    def do_change(self, inj, rng):
        e = inj.emp
        d = self.sim.day
        if inj.kind == "self":
            p, det = e.person, "self_query"
        elif inj.kind == "assoc":
            tg = [a for a in self.assoc_targets(e, None, d) if a.person.pid]
            if not tg:
                raise NoAnchor("no assoc with MNI record")
            p, det = rng.choice(tg).person, "association_lookup"
        else:
            tg = [v for v in self.w.emps if v is not e and v.status == "active" and v.person.pid]
            p, det = rng.choice(tg).person, "coworker_lookup"
        t0, t1, client, sess, ip = self.anchor(e, rng, need=180)
        case, typed, purp, nck = self.ctx(inj, e, rng, p, "missing" if rng.random() < 0.8 else "own")
        if typed is None:
            typed = self.sim.typed_case(e, case, rng, "RMS")
        t = t0 + rng.randrange(20, 90)
        # look first, then change
        self.lookup(inj, e, t, client, sess, ip, "RMS", "pid", p, case, typed, purp, rng)
        stmts = [
            ("update", f"UPDATE mni_person SET dl_status='VALID', dl_susp_flag=NULL WHERE mni_id='{p.pid}'"),
            ("update", f"UPDATE mni_person SET addr_line1='{H.typed_address(p.addr, rng, case=0, city_rate=0)}' WHERE mni_id='{p.pid}'"),
            ("delete", f"DELETE FROM mni_alert WHERE mni_id='{p.pid}' AND alert_type='CAUTION'"),
            ("delete", f"DELETE FROM warrant_index WHERE mni_id='{p.pid}'"),
            ("update", f"UPDATE mni_person SET phone='{rng.randrange(200, 990)}55501{rng.randrange(100):02d}' WHERE mni_id='{p.pid}'"),
        ]
        act, qt = rng.choice(stmts)
        sim = self.sim
        r = Rec(t + rng.randrange(30, 120), e.logins[0], client, "RMS", act, typed, case,
                purp or "INVESTIGATION", p, 1 | 2,
                {"subject_person_id": p.pid, "subject_last_name": p.name_ref(), "subject_first_name": p.first}, 1, qt)
        r.session, r.ip = sess, ip
        self.emit(inj, r)
        inj.intended.append((det, "record_change"))
        if nck:
            inj.intended.append(("no_case", nck))

    # ------------------------------------------------------------ volume
    def spread(self, emp, rng, n, lo=None, hi=None, maxrate=18):
        """n instants between the login's first and last legitimate event of the
        day, each with the client/session it was using then."""
        tl = [x for x in self.tl(emp)]
        if len(tl) < 4:
            raise NoAnchor("idle")
        a = lo if lo is not None else tl[0][0] + 300
        b = hi if hi is not None else tl[-1][0] - 300
        # keep to one local calendar day (night shifts straddle midnight)
        da, db = self.clock.local_day(a), self.clock.local_day(b)
        if da != db:
            mid = self.clock.utc(db, 0)
            if mid - a >= b - mid:
                b = mid - 120
            else:
                a = mid + 120
        if b - a < 1800:
            raise NoAnchor("short day")
        n = min(n, int((b - a) / 600 * maxrate))
        keys = [x[0] for x in tl]
        out = []
        slot = (b - a) / max(1, n)
        for j in range(n):
            t = int(a + j * slot + rng.random() * slot)
            i = bisect.bisect_right(keys, t) - 1
            x = tl[max(0, i)]
            if x[5] in ("logout", "login_failed"):
                # between sessions: use the next event's session
                x = tl[min(len(tl) - 1, i + 1)]
            out.append((t, x[1], x[2], x[3]))
        out.sort()
        return out

    def vol_subjects(self, rng, n, distinct=True):
        w = self.w
        if distinct:
            pool = list(w.injonly)
            if n > len(pool):
                extra = w.pick(rng, min(len(w.pool) // 2, n - len(pool) + 30))
                pool += [p for p in extra if p.tag == 0]
            return rng.sample(pool, min(n, len(pool)))
        k = max(15, n // 12)
        base = rng.sample(w.injonly, min(k, len(w.injonly)))
        return [base[i % len(base)] for i in range(n)]

    def vol_lookup(self, inj, emp, t, client, sess, ip, p, case, typed, purp, rng):
        if emp.role == "court":
            s, how = "SWITCH", "name"
        elif emp.role == "tf" and p.plate:
            s, how = "LPR", "plate"
        else:
            s, how = rng.choice((("SWITCH", "name"), ("DMV", "name"), ("RMS", "pid" if p.pid else "name")))
        return self.lookup(inj, emp, t, client, sess, ip, s, how, p, case, typed, purp, rng)

    def vol_ctx(self, inj, emp, rng, listed_ok=False):
        u = rng.random()
        if emp.role == "court" and u < 0.4:
            return None, None, "COURT_SCREENING"
        if u < 0.5:
            own = [c for c in self.sim.assigned_today.get(emp.eid, []) if c.status == "open" and c.assigned(emp, self.sim.day)]
            if own:
                c = rng.choice(own)
                return c, self.sim.typed_case(emp, c, rng, "SWITCH"), None
        return None, self.sim.typed_case(emp, None, rng, "SWITCH"), None

    def do_vol(self, inj, rng):
        e = inj.emp
        k = inj.kind
        tl = self.tl(e)
        q = [x for x in tl if x[5] == "query"]
        inj.intended.append(("odd_volume", k))
        bq, bd = self.sim.baseline(e)
        if k == "daily_count":
            Q = max(bq, len(q), 20)
            extra = int(max(6 * Q, Q + 150) - len(q))
            slots = self.spread(e, rng, extra)
            dist = len({x[6] for x in q if x[6] >= 0})
            Bd = max(bd, 8)
            if rng.random() < 0.5 and dist + len(slots) >= 5.5 * Bd:
                subs = self.vol_subjects(rng, len(slots), True)
                inj.intended.append(("odd_volume", "distinct_subjects"))
            else:
                k = max(3, min(len(slots) // 12, int(1.5 * Bd) - dist))
                base = rng.sample(self.w.injonly, min(k, len(self.w.injonly)))
                subs = [base[i % len(base)] for i in range(len(slots))]
            case, typed, purp = self.vol_ctx(inj, e, rng)
            for (t, cl, ss, ip), p in zip(slots, subs):
                self.vol_lookup(inj, e, t, cl, ss, ip, p, case, typed, purp, rng)
        elif k == "distinct_subjects":
            dist = len({x[6] for x in q if x[6] >= 0})
            B = max(bd, dist, 12)
            extra = int(max(6 * B, B + 60) - dist)
            Bq = max(bq, 20)
            slots = self.spread(e, rng, extra)
            subs = self.vol_subjects(rng, len(slots), True)
            case, typed, purp = self.vol_ctx(inj, e, rng)
            total = len(q) + len(slots)
            if total > 2.6 * Bq:
                # cannot stay clear of the daily-count rule: make it a clear case of both
                more = int(6.5 * Bq) - total
                if more > 0:
                    slots2 = self.spread(e, rng, more)
                    subs += [subs[i % len(subs)] for i in range(len(slots2))]
                    slots += slots2
                    inj.intended.append(("odd_volume", "daily_count"))
            for (t, cl, ss, ip), p in zip(sorted(slots), subs):
                self.vol_lookup(inj, e, t, cl, ss, ip, p, case, typed, purp, rng)
        elif k == "burst":
            t0, t1, client, sess, ip = self.anchor(e, rng, need=30)
            n = rng.randrange(70, 141)
            span = rng.randrange(300, 600)
            dist = len({x[6] for x in q if x[6] >= 0})
            Bd = max(bd, 8)
            if dist + n >= 5.5 * Bd:
                subs = self.vol_subjects(rng, n, True)
                inj.intended.append(("odd_volume", "distinct_subjects"))
            else:
                k = max(3, min(n // 3, int(1.5 * Bd) - dist))
                base = self.vol_subjects(rng, k, True)
                subs = [base[i % len(base)] for i in range(n)]
            u = rng.random()
            if u < 0.5:
                case, typed, purp = self.vol_ctx(inj, e, rng)
            elif u < 0.7:
                case, typed, purp = UNKNOWN, self.unknown_case(rng, self.sim.day), None
            else:
                case, typed, purp = None, self.sim.typed_case(e, None, rng, "SWITCH"), None
            plates = rng.random() < 0.3
            for j, p in enumerate(subs):
                t = t0 + 2 + (span * j) // len(subs)
                if plates and p.plate:
                    self.lookup(inj, e, t, client, sess, ip, "DMV", "plate", p, case, typed, purp, rng)
                else:
                    self.vol_lookup(inj, e, t, client, sess, ip, p, case, typed, purp, rng)
        elif k == "off_hours":
            d = self.sim.day
            start = self.clock.utc(d, 23 * 3600 + rng.randrange(20, 150) * 60)
            last_legit = max([x[0] for x in tl], default=0)
            if start - last_legit < 5 * 3600:
                start = last_legit + 5 * 3600 + rng.randrange(0, 3600)
            ls = self.clock.local(start)[1]
            if not (ls >= 23 * 3600 or ls < 3 * 3600):
                raise NoAnchor("night too short")
            client = e.mdt if (e.mdt and rng.random() < 0.5) else e.desks[0]
            sess = self.sim.new_session(True)
            ip = self.w.client_ip.get(client) or f"172.{20 + rng.randrange(6)}.{rng.randrange(256)}.{rng.randrange(2, 254)}"
            lg = e.logins[0]
            r = Rec(start, lg, client, "SSO", "login", None, None, None, None, 0, None, None, None)
            r.session, r.ip = sess, ip
            self.emit(inj, r)
            n = rng.randrange(12, 61)
            dur = rng.randrange(30, 150) * 60
            own = [c for c in self.w.cid_cases.get(e.eid, []) if c.status == "open" and c.assigned(e, d)]
            u = rng.random()
            t = start
            subs = self.vol_subjects(rng, rng.randrange(2, 9), True)
            night = []
            if own:
                for _ in range(rng.randrange(2, 7)):
                    c = rng.choice(own)
                    night.append((c, rng.choice(c.subjects)))
            for j in range(n):
                t = start + 60 + (dur * j) // n + rng.randrange(0, 30)
                if own and u < 0.4:
                    c, p = night[j % len(night)]
                    self.lookup(inj, e, t, client, sess, ip, "RMS", "pid" if (c.srows[p.idx] & F_PID and p.pid) else "name" if c.srows[p.idx] & F_DOB else "name_nodob",
                                p, c, None, None, rng)
                else:
                    p = subs[j % len(subs)]
                    case, typed, purp = (None, self.sim.typed_case(e, None, rng, "SWITCH"), None) if u < 0.8 or not own else \
                        (own[0], self.sim.typed_case(e, own[0], rng, "SWITCH"), None)
                    self.vol_lookup(inj, e, t, client, sess, ip, p, case, typed, purp, rng)
            r = Rec(t + rng.randrange(60, 600), lg, client, "SSO", "logout", None, None, None, None, 0, None, None, None)
            r.session, r.ip = sess, ip
            self.emit(inj, r)
        elif k == "export":
            t0, t1, client, sess, ip = self.anchor(e, rng, need=60)
            if e.role == "records":
                rc = rng.randrange(40000, 150000)
                case, typed, purp = None, ABSENT, "STATE_REPORTING"
                qt = "EXPORT mni_person FULL (name, dob, address, dl, phone)"
            else:
                rc = rng.randrange(8000, 90000)
                own = [c for c in self.sim.assigned_today.get(e.eid, []) if c.status == "open" or (c.closed or 0) >= self.sim.day]
                own = [c for c in own if c.assigned(e, self.sim.day)]
                if own and rng.random() < 0.5:
                    case = rng.choice(own)
                    typed = self.sim.typed_case(e, case, rng, "RMS")
                else:
                    case, typed = None, self.sim.typed_case(e, None, rng, "RMS")
                    inj.intended.append(("no_case", "missing"))
                purp = "REPORT"
                city = rng.choice(H.CITIES)
                qt = rng.choice([f"EXPORT mni_person WHERE city='{city}'",
                                 "EXPORT vehicle_reg JOIN mni_person ON owner_id",
                                 f"EXPORT incident_person WHERE reported >= '{self.clock.day_str(-365)}'"])
            r = Rec(t0 + rng.randrange(5, max(6, min(60, t1 - t0 - 1))), e.logins[0], client, "RMS", "export", typed, case,
                    purp, None, 0, {}, rc, qt)
            r.session, r.ip = sess, ip
            self.emit(inj, r)

    # ------------------------------------------------------ credentials
    def do_cred(self, inj, rng):
        e = inj.emp
        k = inj.kind
        w = self.w
        inj.intended.append(("shared_credential", k))
        lg = e.logins[0]
        if k == "inactive_account":
            d = self.sim.day
            client = rng.choice(w.desks_at("HQ", "HQ-WS") + (e.desks or []))
            sess = self.sim.new_session(True)
            ip = w.client_ip.get(client)
            t = self.clock.utc(d, rng.randrange(8 * 3600, 16 * 3600))
            r = Rec(t, lg, client, "SSO", "login", None, None, None, None, 0, None, None, None)
            r.session, r.ip = sess, ip
            self.emit(inj, r)
            for j in range(rng.randrange(3, 13)):
                t += rng.randrange(30, 400)
                if rng.random() < 0.3 and w.closed_old:
                    c = rng.choice(w.closed_old)
                    p = rng.choice(c.subjects)
                    self.lookup(inj, e, t, client, sess, ip, "RMS", "pid" if p.pid else "name", p, c, None, None, rng)
                else:
                    p = self.stranger(rng)
                    self.lookup(inj, e, t, client, sess, ip, rng.choice(("SWITCH", "DMV")), "name", p, None,
                                self.sim.typed_case(e, None, rng, "SWITCH"), None, rng)
            r = Rec(t + rng.randrange(60, 900), lg, client, "SSO", "logout", None, None, None, None, 0, None, None, None)
            r.session, r.ip = sess, ip
            self.emit(inj, r)
            return
        tl = self.tl(e)
        if k == "concurrent_clients":
            cands = []
            for i in range(len(tl) - 2):
                a, b, c = tl[i], tl[i + 1], tl[i + 2]
                if a[1] == b[1] == c[1] and a[2] == b[2] == c[2] and c[0] - a[0] <= 1200 and \
                        b[0] - a[0] >= 60 and c[0] - b[0] >= 60 and a[5] == "query":
                    cands.append(i)
            if not cands:
                raise NoAnchor("no dense window")
            i = rng.choice(cands)
            a, b, c = tl[i], tl[i + 1], tl[i + 2]
            site = w.clients[a[1]][0]
            if site == "MOBILE":
                site = e.site if e.site in SITES else "HQ"
            others = [x for x, v in w.clients.items() if v[0] == site and x != a[1]] or \
                     [x for x, v in w.clients.items() if v[0] == "HQ" and x != a[1]]
            cl2 = rng.choice(others)
            sess = self.sim.new_session(True)
            ip = w.client_ip.get(cl2)
            tt = a[0] + (b[0] - a[0]) // 3
            r = Rec(tt, lg, cl2, "SSO", "login", None, None, None, None, 0, None, None, None)
            r.session, r.ip = sess, ip
            self.emit(inj, r)
            own = [x for x in self.sim.assigned_today.get(e.eid, []) if x.assigned(e, self.sim.day) and x.subjects
                   and (x.status == "open" or x.closed >= self.sim.day)]
            times = [a[0] + 2 * (b[0] - a[0]) // 3, b[0] + (c[0] - b[0]) // 3, b[0] + 2 * (c[0] - b[0]) // 3]
            for t in times:
                if own and rng.random() < 0.6:
                    case = rng.choice(own)
                    p = rng.choice(case.subjects)
                    if self.sim.conflict(e, p) or p.tag in (1, 3):
                        continue
                    m = case.srows[p.idx]
                    how = "name" if m & F_DOB else "name_nodob"
                    self.lookup(inj, e, t, cl2, sess, ip, "SWITCH", how, p, case, None, None, rng)
                else:
                    p = self.stranger(rng)
                    self.lookup(inj, e, t, cl2, sess, ip, "SWITCH", "name", p, None,
                                self.sim.typed_case(e, None, rng, "SWITCH"), None, rng)
            return
        if k == "impossible_travel":
            cands = []
            for i in range(len(tl)):
                a = tl[i]
                ca = w.clients[a[1]]
                if ca[1] is None:
                    continue
                if i + 1 < len(tl) and tl[i + 1][0] - a[0] < 45 * 60:
                    continue
                cands.append(i)
            if not cands:
                raise NoAnchor("no quiet gap at a fixed workstation")
            i = rng.choice(cands)
            a = tl[i]
            sa = w.clients[a[1]][0]
            far = [s for s in SITES if 25 <= km(SITES[s], SITES[sa]) <= 66]
            if not far:
                raise NoAnchor("no far site")
            sb = rng.choice(far)
            cl2 = rng.choice([x for x, v in w.clients.items() if v[0] == sb])
            sess = self.sim.new_session(True)
            ip = w.client_ip.get(cl2)
            t = a[0] + rng.randrange(100, 420)
            r = Rec(t, lg, cl2, "SSO", "login", None, None, None, None, 0, None, None, None)
            r.session, r.ip = sess, ip
            self.emit(inj, r)
            for j in range(rng.randrange(2, 5)):
                t += rng.randrange(20, 90)
                p = self.stranger(rng)
                self.lookup(inj, e, t, cl2, sess, ip, "SWITCH", "name", p, None,
                            self.sim.typed_case(e, None, rng, "SWITCH"), None, rng)
            r = Rec(t + rng.randrange(30, 200), lg, cl2, "SSO", "logout", None, None, None, None, 0, None, None, None)
            r.session, r.ip = sess, ip
            self.emit(inj, r)
            return

    # ------------------------------------------------------------ surge
    def do_surge(self, inj, rng):
        w = self.w
        d = self.sim.day
        T = self.clock.utc(d, rng.randrange(9 * 3600, 13 * 3600))
        win = (T, T + 2 * 3600)
        u = rng.random()
        news_case = None
        if u < 0.4:
            v = rng.choice([x for x in w.emps if x.status == "active" and x.role != "admin"])
            p = v.person
            what = "coworker"
        elif u < 0.7:
            p = rng.choice(w.watch)[0]
            what = "watch"
        else:
            cs = [c for c in self.sim.created_today if c.subjects and c.kind == "cad"]
            if not cs:
                raise NoAnchor("no case in the news")
            news_case = rng.choice(cs)
            p = news_case.subjects[0]
            what = "news"
        inj.note = what
        parts = []
        for e in w.emps:
            if e.person is p or (e.status != "active") or e.role == "admin":
                continue
            if news_case is not None and news_case.assigned(e, d):
                continue
            if self.sim.conflict(e, p) and p.tag == 2:
                continue
            tl = self.tl(e)
            if sum(1 for x in tl if win[0] <= x[0] <= win[1]) >= 3:
                parts.append(e)
        rng.shuffle(parts)
        parts = parts[:rng.randrange(7, 12)]
        if len(parts) < 6:
            raise NoAnchor(f"only {len(parts)} people on duty for a surge")
        inj.intended.append(("subject_surge", "many_users"))
        for e in parts:
            try:
                an = self.anchor(e, rng, need=60, window=win)
            except NoAnchor:
                continue
            t0, t1, client, sess, ip = an
            if news_case is not None and rng.random() < 0.6:
                case, typed, purp = news_case, self.sim.typed_case(e, news_case, rng, "SWITCH"), None
            else:
                case, typed, purp = None, self.sim.typed_case(e, None, rng, "SWITCH"), None
            if e.role == "court":
                s, how = "SWITCH", "name"
            elif e.role == "dispatch":
                s, how = "SWITCH", rng.choice(("name", "name_nodob"))
            else:
                s, how = rng.choice((("SWITCH", "name"), ("RMS", "pid"), ("DMV", "name"), ("SWITCH", "name_nodob")))
            if how == "pid" and not p.pid:
                how = "name"
            t = t0 + rng.randrange(5, max(6, min(90, (t1 - t0) // 2)))
            self.lookup(inj, e, t, client, sess, ip, s, how, p, case, typed, purp, rng)


class NoAnchor(Exception):
    pass


def rng_choice_flag(client):
    return client.startswith("JAIL")
