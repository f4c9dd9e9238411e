"""Label rules: what a careful internal-affairs investigator flags.

Per-event rules (identity, no_case) use the ground truth of who was looked up
and the reference data; the volume, shared-credential and surge rules are
computed over the whole written log (observable quantities only).  The same
code runs on the --no-inject twin, where it must find nothing.
"""
from array import array
import statistics

from sim import (E_PID, E_NAME, E_DOB, E_PLATE, E_PHONE, E_ADDR, UNKNOWN, ACT_CODE, fmt_id)
from world import F_PID, F_NAME, F_DOB, F_ADDR, F_PHONE, F_PLATE, km

# thresholds (README "Label rules")
DAILY_X, DAILY_ABS = 4.0, 60
DIST_X, DIST_ABS = 4.0, 40
BURST_N, BURST_WIN = 60, 600
OFF_N, OFF_GAP = 10, 4 * 3600
EXPORT_X, EXPORT_MIN = 5.0, 500
EXPORT_UNITS = {"RECORDS AND WARRANTS", "NARCOTICS TASK FORCE"}
CONC_WIN = 1800
TRAVEL_KMH, TRAVEL_MIN_KM = 150.0, 5.0
SURGE_USERS, SURGE_WIN = 6, 3 * 3600
MIN_HISTORY = 5


def upper_quartile(v):
    v = sorted(v)
    if len(v) == 1:
        return v[0]
    return statistics.quantiles(v, n=4, method="inclusive")[2]


class LoginLog:
    __slots__ = ("ts", "idn", "sc", "act", "subj", "cli", "flag", "exports")

    def __init__(self):
        self.ts = array("q")
        self.idn = array("q")
        self.sc = array("b")
        self.act = array("b")
        self.subj = array("l")
        self.cli = array("h")
        self.flag = array("b")
        self.exports = {}


class Labeler:
    def __init__(self, world, exempt):
        self.w = world
        self.clock = world.clock
        self.exempt = set(exempt)
        self.find = {}                 # key -> [ids, tmin, tmax, login]
        self.logs = {}
        self.cli_idx = {}
        self.cli_names = []
        self.legit_bad = []
        self.near_list = []
        self.emp_ref = {}
        for e in world.emps:
            m = F_NAME | F_DOB | F_ADDR
            if e.pid_known:
                m |= F_PID
            if e.person.phone:
                m |= F_PHONE
            if e.hr_plate:
                m |= F_PLATE
            self.emp_ref[e.eid] = m
        self.watch_mask = {}
        for p, cat, row in world.watch:
            self.watch_mask[p.idx] = F_NAME | F_DOB | (F_PID if row["person_id"] else 0)

    @staticmethod
    def kind_of(flags, ref):
        if flags & E_PID and ref & F_PID:
            return "person_id"
        if flags & E_NAME and flags & E_DOB and ref & F_DOB:
            return "name_dob"
        if flags & E_PLATE and ref & F_PLATE:
            return "plate"
        if flags & E_PHONE and ref & F_PHONE:
            return "phone"
        if flags & E_ADDR and ref & F_ADDR:
            return "address"
        if flags & E_NAME:
            return "name_only"
        return None

    def add(self, key, eid, t, login, extra=None):
        f = self.find.get(key)
        if f is None:
            self.find[key] = [[eid], t, t, login, extra]
        else:
            f[0].append(eid)
            if t < f[1]:
                f[1] = t
            if t > f[2]:
                f[2] = t

    # --------------------------------------------------------- per event
    def event(self, rec, eid, sc, n, injected):
        lg = rec.login
        log = self.logs.get(lg.name)
        if log is None:
            log = self.logs[lg.name] = LoginLog()
        ci = self.cli_idx.get(rec.client)
        if ci is None:
            ci = self.cli_idx[rec.client] = len(self.cli_names)
            self.cli_names.append(rec.client)
        act = ACT_CODE.get(rec.action, 0)
        flag = 2 if injected else 0
        p = rec.person
        if act != 3:
            labels = self.classify(rec)
            if labels:
                flag |= 1
                if not injected:
                    self.legit_bad.append((eid, labels))
                day = self.clock.local_day(rec.ts)
                for key in labels:
                    self.add(key + (lg.name, day), eid, rec.ts, lg.name)
            if act == 1:
                log.exports[len(log.ts)] = rec.rc
        log.ts.append(rec.ts)
        log.idn.append(n)
        log.sc.append(sc)
        log.act.append(act)
        log.subj.append(p.idx if p is not None else -1)
        log.cli.append(ci)
        log.flag.append(flag)

    def classify(self, rec):
        w = self.w
        emp = rec.login.emp
        day = self.clock.local_day(rec.ts)
        out = []
        case = rec.case
        nc = None
        purpose = rec.purpose if rec.system not in ("DMV", "CIVIL") else None   # not logged there
        if purpose in self.exempt and case is None:
            pass
        elif case is None:
            nc = ("missing", "")
        elif case is UNKNOWN:
            nc = ("unknown_case", "?" + str(rec.case_t).upper().replace(" ", ""))
        elif case.status == "closed" and day > case.closed:
            nc = ("closed_case", case.cid)
        elif not case.assigned(emp, day):
            nc = ("not_assigned", case.cid)
        elif rec.person is not None and rec.person.idx not in case.subjset:
            nc = ("subject_not_in_case", case.cid)
        if nc:
            out.append(("no_case", nc[0], nc[1]))
        p = rec.person
        if p is None or p.tag not in (1, 2, 3):
            return out
        explained = (nc is None and case is not None and case is not UNKNOWN and p.idx in case.subjset)
        change = rec.action in ("update", "delete")
        fl = rec.flags
        if p.idx == emp.person.idx:
            k = self.kind_of(fl, self.emp_ref[emp.eid])
            if k:
                out.append(("self_query", "record_change" if change else k, p.idx))
            return out
        v = w.emp_of_person.get(p.idx)
        if v is not None:
            if not explained and self.kind_of(fl, self.emp_ref[v.eid]):
                if change:
                    k = "record_change"
                elif v.eid == emp.sup:
                    k = "supervisor"
                elif v.unit == emp.unit:
                    k = "same_unit"
                else:
                    k = "other_unit"
                out.append(("coworker_lookup", k, p.idx))
            return out
        date = self.clock.date_of(day)
        for a in w.assoc_of.get(p.idx, ()):
            if a.emp is emp and a.valid_from <= date and (a.valid_to is None or date <= a.valid_to):
                if self.kind_of(fl, a.fields):
                    out.append(("association_lookup", "record_change" if change else a.relation, p.idx))
                break
        wl = w.watch_of.get(p.idx)
        if wl is not None and not explained and self.kind_of(fl, self.watch_mask[p.idx]):
            out.append(("watchlist_lookup", "record_change" if change else wl[0], p.idx))
        return out

    # ------------------------------------------------------- whole log
    def finish(self):
        """Volume, shared-credential and surge rules; returns diagnostics."""
        c = self.clock
        w = self.w
        diag = {}
        unit_counts, unit_dist = {}, {}
        per = {}
        for name, log in self.logs.items():
            emp = w.logins[name].emp
            n = len(log.ts)
            order = sorted(range(n), key=log.ts.__getitem__)
            days = {}
            for i in order:
                if log.act[i] == 0:
                    dd = c.local_day(log.ts[i])
                    x = days.get(dd)
                    if x is None:
                        x = days[dd] = [0, set(), []]
                    x[0] += 1
                    if log.subj[i] >= 0:
                        x[1].add(log.subj[i])
                    x[2].append(i)
            per[name] = (order, days)
            for dd, x in days.items():
                unit_counts.setdefault(emp.unit, []).append(x[0])
                unit_dist.setdefault(emp.unit, []).append(len(x[1]))
        umed = {u: upper_quartile(v) for u, v in unit_counts.items()}
        udmed = {u: upper_quartile(v) for u, v in unit_dist.items()}
        worst = {("d", 0): (0.0, None), ("d", 1): (0.0, None), ("s", 0): (0.0, None), ("s", 1): (0.0, None)}
        for name, (order, days) in per.items():
            log = self.logs[name]
            emp = w.logins[name].emp
            for dd, x in days.items():
                others = [y[0] for k, y in days.items() if k != dd]
                otherd = [len(y[1]) for k, y in days.items() if k != dd]
                if len(others) >= MIN_HISTORY:
                    B, Bd = upper_quartile(others), upper_quartile(otherd)
                else:
                    B, Bd = umed[emp.unit], udmed[emp.unit]
                B, Bd = max(B, 1), max(Bd, 1)
                C, Dn = x[0], len(x[1])
                touched = 1 if any(log.flag[i] & 2 for i in x[2]) else 0
                if C >= DAILY_X * B and C - B >= DAILY_ABS:
                    self.vol("daily_count", name, log, x[2], {"count": C, "baseline": B})
                else:
                    r = min(C / (DAILY_X * B), (C - B) / DAILY_ABS)
                    if touched and r >= 0.75:
                        self.near_list.append(("daily_count", name, dd, C, B))
                    if r > worst[("d", touched)][0]:
                        worst[("d", touched)] = (round(r, 2), (name, dd, C, B))
                if Dn >= DIST_X * Bd and Dn - Bd >= DIST_ABS:
                    self.vol("distinct_subjects", name, log, x[2], {"distinct": Dn, "baseline": Bd})
                else:
                    r = min(Dn / (DIST_X * Bd), (Dn - Bd) / DIST_ABS)
                    if touched and r >= 0.75:
                        self.near_list.append(("distinct_subjects", name, dd, Dn, Bd))
                    if r > worst[("s", touched)][0]:
                        worst[("s", touched)] = (round(r, 2), (name, dd, Dn, Bd))
        diag["near_daily"] = worst[("d", 0)]
        diag["near_distinct"] = worst[("s", 0)]
        self.inj_near = {"daily_count": worst[("d", 1)], "distinct_subjects": worst[("s", 1)]}
        # burst
        maxb = (0, None)
        for name, (order, days) in per.items():
            log = self.logs[name]
            q = [i for i in order if log.act[i] == 0]
            l = 0
            marked = set()
            best = 0
            for k in range(len(q)):
                while log.ts[q[k]] - log.ts[q[l]] >= BURST_WIN:
                    l += 1
                cnt = k - l + 1
                if cnt >= BURST_N:
                    marked.update(q[l:k + 1])
                elif cnt > best:
                    best = cnt
            if best > maxb[0] and not marked:
                maxb = (best, name)
            if marked:
                ms = sorted(marked, key=log.ts.__getitem__)
                grp = [ms[0]]
                for i in ms[1:]:
                    if log.ts[i] - log.ts[grp[-1]] > BURST_WIN:
                        self.vol("burst", name, log, grp, {"count": len(grp)})
                        grp = []
                    grp.append(i)
                self.vol("burst", name, log, grp, {"count": len(grp)})
        diag["near_burst"] = (round(maxb[0] / BURST_N, 2), maxb[1])
        # off hours: a session that starts in the night
        near_off = 0
        for name, (order, days) in per.items():
            log = self.logs[name]
            sess = []
            prev = None
            for i in order:
                t = log.ts[i]
                if prev is not None and t - prev >= OFF_GAP:
                    near_off = max(near_off, self.off_session(name, log, sess))
                    sess = []
                sess.append(i)
                prev = t
            if sess:
                near_off = max(near_off, self.off_session(name, log, sess))
        diag["near_off_hours"] = round(near_off / OFF_N, 2)
        # exports
        unit_exp = {}
        for name, log in self.logs.items():
            emp = w.logins[name].emp
            for i, rc in log.exports.items():
                unit_exp.setdefault(emp.unit, []).append((name, rc))
        near_exp = 0.0
        for name, log in self.logs.items():
            emp = w.logins[name].emp
            for i, rc in log.exports.items():
                if emp.unit not in EXPORT_UNITS:
                    if rc >= EXPORT_MIN:
                        self.vol("export", name, log, [i], {"rows": rc, "unit": emp.unit})
                    continue
                mine = [r for j, r in log.exports.items() if j != i]
                if mine:
                    base = statistics.median(mine)
                else:
                    oth = [r for (nm, r) in unit_exp.get(emp.unit, []) if nm != name]
                    base = statistics.median(oth) if oth else 4000
                if rc >= EXPORT_X * base and rc >= 1000:
                    self.vol("export", name, log, [i], {"rows": rc, "baseline": base})
                else:
                    near_exp = max(near_exp, rc / (EXPORT_X * base))
        diag["near_export"] = round(near_exp, 2)
        # shared credentials
        clients = w.clients
        max_speed = 0.0
        min_interleave = None
        for name, (order, days) in per.items():
            log = self.logs[name]
            emp = w.logins[name].emp
            # concurrent clients: A ... B ... A within CONC_WIN
            last = {}
            clusters = []
            for pos, i in enumerate(order):
                cl = log.cli[i]
                t = log.ts[i]
                pa = last.get(cl)
                if pa is not None:
                    pt = log.ts[order[pa]]
                    for ocl, opos in last.items():
                        if ocl != cl and opos > pa:
                            span = t - pt
                            if span <= CONC_WIN:
                                clusters.append((pa, pos))
                            elif min_interleave is None or span < min_interleave:
                                min_interleave = span
                            break
                last[cl] = pos
            if clusters:
                clusters.sort()
                merged = [list(clusters[0])]
                for a, b in clusters[1:]:
                    if a <= merged[-1][1] + 1:
                        merged[-1][1] = max(merged[-1][1], b)
                    else:
                        merged.append([a, b])
                for a, b in merged:
                    idx = order[a:b + 1]
                    self.vol("concurrent_clients", name, log, idx,
                             {"clients": sorted({self.cli_names[log.cli[i]] for i in idx})}, det="shared_credential")
            # impossible travel between fixed workstations
            fixed = [i for i in order if clients[self.cli_names[log.cli[i]]][1] is not None]
            k = 1
            while k < len(fixed):
                a, b = fixed[k - 1], fixed[k]
                ca, cb = clients[self.cli_names[log.cli[a]]], clients[self.cli_names[log.cli[b]]]
                if ca[0] != cb[0]:
                    dist = km(ca[1:], cb[1:])
                    dt_ = max(1, log.ts[b] - log.ts[a])
                    sp = dist / (dt_ / 3600)
                    if dist >= TRAVEL_MIN_KM and sp > TRAVEL_KMH:
                        grp = [a, b]
                        j = k + 1
                        while j < len(fixed) and log.cli[fixed[j]] == log.cli[b] and log.ts[fixed[j]] - log.ts[b] <= 1800:
                            grp.append(fixed[j])
                            j += 1
                        self.vol("impossible_travel", name, log, grp,
                                 {"km": round(dist, 1), "seconds": dt_}, det="shared_credential")
                        k = j
                        continue
                    if dist >= TRAVEL_MIN_KM:
                        max_speed = max(max_speed, sp)
                k += 1
            # account used after its holder left
            if emp.status in ("terminated", "leave") and emp.end_day is not None:
                byday = {}
                for i in order:
                    dd = c.local_day(log.ts[i])
                    if dd > emp.end_day:
                        byday.setdefault(dd, []).append(i)
                for dd, idx in byday.items():
                    self.vol("inactive_account", name, log, idx,
                             {"status": emp.status, "end_date": c.day_str(emp.end_day)}, det="shared_credential")
        diag["near_travel"] = round(max_speed / TRAVEL_KMH, 2)
        diag["near_concurrent"] = round(CONC_WIN / min_interleave, 2) if min_interleave else 0.0
        # subject surge: unexplained lookups of one person by many logins
        bys = {}
        for name, log in self.logs.items():
            for i in range(len(log.ts)):
                if log.flag[i] & 1 and log.subj[i] >= 0:
                    bys.setdefault(log.subj[i], []).append((log.ts[i], name, i))
        for sj, lst in bys.items():
            if len({x[1] for x in lst}) < SURGE_USERS:
                continue
            lst.sort()
            marked = set()
            l = 0
            for k in range(len(lst)):
                while lst[k][0] - lst[l][0] > SURGE_WIN:
                    l += 1
                if len({x[1] for x in lst[l:k + 1]}) >= SURGE_USERS:
                    marked.update(range(l, k + 1))
            if marked:
                ms = sorted(marked)
                grp = [ms[0]]
                for m in ms[1:]:
                    if lst[m][0] - lst[grp[-1]][0] > SURGE_WIN:
                        self.surge(lst, grp)
                        grp = []
                    grp.append(m)
                self.surge(lst, grp)
        return diag

    def off_session(self, name, log, sess):
        c = self.clock
        t0 = log.ts[sess[0]]
        s0 = c.local(t0)[1]
        night = [i for i in sess if log.act[i] == 0 and (c.local(log.ts[i])[1] >= 23 * 3600 or c.local(log.ts[i])[1] < 5 * 3600)]
        if s0 >= 22 * 3600 or s0 < 5 * 3600:
            if len(night) >= OFF_N:
                self.vol("off_hours", name, log, night, {"count": len(night)})
                return 0
            return len(night)
        return 0

    def vol(self, kind, name, log, idx, ev, det="odd_volume"):
        if not any(log.flag[i] & 2 for i in idx):
            self.legit_bad.append((name, (det, kind, ev)))
        ids = [fmt_id(log.sc[i], log.idn[i]) for i in idx]
        ts = [log.ts[i] for i in idx]
        key = (det, kind, name, min(ts))
        self.find[key] = [ids, min(ts), max(ts), name, None]

    def surge(self, lst, grp):
        items = [lst[m] for m in grp]
        if not any(self.logs[name].flag[i] & 2 for t, name, i in items):
            self.legit_bad.append((items[0][1], ("subject_surge", "many_users")))
        ids = []
        for t, name, i in items:
            log = self.logs[name]
            ids.append(fmt_id(log.sc[i], log.idn[i]))
        users = []
        for t, name, i in items:
            if name not in users:
                users.append(name)
        key = ("subject_surge", "many_users", users[0], items[0][0])
        self.find[key] = [ids, items[0][0], items[-1][0], users[0], {"users": users}]

    def labels(self):
        out = []
        c = self.clock
        for key, (ids, t0, t1, login, extra) in self.find.items():
            d = {"detector": key[0], "kind": key[1], "user": login, "event_ids": ids,
                 "window_start": c.fmt_utc(t0), "window_end": c.fmt_utc(t1, 999)}
            if extra:
                d.update(extra)
            out.append(d)
        out.sort(key=lambda x: (x["window_start"], x["detector"], x["kind"], x["user"]))
        return out
