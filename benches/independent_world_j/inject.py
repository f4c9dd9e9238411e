"""Misconduct injection for world j (state Department of Revenue).

Uses its own RNG stream ("<seed>-inject") and its own event-id stream, and only
reads the legitimate world (references, schedules, session segments): legitimate
events never depend on it.  Every incident produces labelled pieces; a generic
pass adds the `no_case` piece(s) that truly apply to injected events typed under
a non-exempt purpose.
"""
import random

from util import DAY_MS, MIN_MS, H_MS, off_min, label_ts, type_case, fmt_ts

EXEMPT = None   # filled from gen at run time
WORK_SEGS = ("CALL", "WALKIN", "RPD", "OFFICE", "TELE", "FIELD", "TD")


class Inc:
    def __init__(self, n, name, note):
        self.n, self.name, self.note = n, name, note
        self.pieces = []
        self.track = []   # (eid, user, purpose, case_true, subj)

    def add(self, detector, kind, user, ids, users=None, extra=""):
        if ids:
            self.pieces.append((detector, kind, user, list(ids), users, extra))


class Injector:
    def __init__(self, w):
        global EXEMPT
        import gen
        EXEMPT = set(gen.EXEMPT)
        self.gen = gen
        self.w = w
        self.rng = random.Random("%d-inject" % w.seed)
        self.incs = []
        self.used = {}
        self.f = w.nusers * w.days / (250.0 * 45.0)
        self.allsegs = []
        for login in sorted(w.seg_by_user):
            for s in w.seg_by_user[login]:
                self.allsegs.append((s[0], s[1], login, s))
        self.allsegs.sort(key=lambda x: (x[0], x[2]))

    def count(self, base):
        return max(1, int(round(base * self.f)))

    def inc(self, name, note):
        i = Inc(len(self.incs) + 1, name, note)
        self.incs.append(i)
        return i

    def kday(self, ms):
        return self.w.kday(ms)

    # ---------------------------------------------------------------- choosers
    def role_of(self, u, seg):
        """Role the user works in during seg (the transferred rep was a contact-centre rep before)."""
        if seg[6] == "CALL":
            return "csr"
        return u.role

    def segs_of(self, u, roles, minlen):
        return [s for s in self.w.seg_by_user.get(u.login, []) if s[6] in roles and s[1] - s[0] >= minlen * MIN_MS
                and "sbs" not in s[7] and s[1] < self.w.t_end - 30 * MIN_MS]

    def users(self, roles, pred=None, seg_roles=WORK_SEGS, minlen=40):
        w = self.w
        return [u for u in w.humans if u.role in roles and u.status == "active" and u.transfer is None
                and self.segs_of(u, seg_roles, minlen) and (pred is None or pred(u))]

    def pick(self, roles, pred=None, seg_roles=WORK_SEGS, minlen=40):
        c = self.users(roles, pred, seg_roles, minlen)
        if not c:
            return None, None
        c.sort(key=lambda u: (self.used.get(u.login, 0), self.rng.random()))
        u = c[0]
        self.used[u.login] = self.used.get(u.login, 0) + 1
        return u, self.rng.choice(self.segs_of(u, seg_roles, minlen))

    def t_in(self, seg, margin=5):
        lo = seg[0] + margin * MIN_MS
        hi = seg[1] - margin * MIN_MS
        return lo + int(self.rng.random() * max(1, hi - lo))

    def purpose(self, u, seg):
        r = seg[6]
        if r == "CALL":
            return "TAXPAYER CALL"
        if r == "WALKIN":
            return "WALK-IN SERVICE"
        if r == "RPD":
            return "RETURN PROCESSING" if u.role == "dtx" else "ERROR RESOLUTION"
        return self.gen.ROLE_PURPOSE[u.role]

    def cover(self, u, seg, t):
        """What a misusing employee types in case_id: (typed, case_true)."""
        w = self.w
        rng = self.rng
        r = seg[6]
        k = self.kday(t)
        if r == "CALL":
            x = rng.random()
            return ("CNT-%s-%07d" % (w.yymm(k), rng.randint(1, 2999999)) if x < 0.45 else
                    ("" if x < 0.85 else rng.choice(self.gen.JUNK))), None
        if r == "WALKIN":
            return ("Q-%04d" % rng.randint(100, 420) if rng.random() < 0.4 else ""), None
        if r == "RPD":
            return ("DLN " + w.dln(rng, k) if rng.random() < 0.5 else ""), None
        act = [c for c in w.active_cases(u.login, k) if w.cases[c]["closed_k"] is None or w.cases[c]["closed_k"] > k]
        if act and rng.random() < 0.5:
            cid = rng.choice(act)
            return type_case(rng, cid), cid
        return rng.choice(["", "", "", "n/a", "pending", "TBD"]), None

    def stranger(self):
        return self.rng.choice(self.w.adults)

    def look(self, inc, u, seg, ms, pidx, how, purpose, case_true, typed=None, dob=True, qt=None):
        if typed is None:
            typed = type_case(self.rng, case_true) if case_true and case_true != "UNKNOWN" else ""
        ids = self.w.lookup(1, self.rng, ms, u.login, seg, pidx, how, purpose, typed, dob=dob, qt=qt)
        for e in ids:
            self.inc_track(inc, e, u.login, purpose, case_true, pidx)
        return ids

    def inc_track(self, inc, e, login, purpose, case_true, subj):
        inc.track.append((e, login, purpose, case_true, subj))

    def new_seg(self, u, t0, t1, client, role="INJ", ip=None):
        return self.w.new_seg(self.rng, u, t0, t1, client, role, [], grp=1, failed=False, ip=ip)

    def dmv_ok(self, u):
        return u.role in ("ro", "aud", "ci", "csup", "esup")

    # ---------------------------------------------------------------- generic no_case pass
    def nocase_kind(self, login, ms, purpose, case_true, subj):
        w = self.w
        if purpose in EXEMPT:
            return None
        if not case_true:
            return "missing"
        if case_true == "UNKNOWN":
            return "unknown_case"
        c = w.cases[case_true]
        k = self.kday(ms)
        if c["closed_k"] is not None and c["closed_k"] <= k:
            return "closed_case"
        ok = any(lg == login and fk <= k and (tk is None or k < tk) for lg, fk, tk in w.assign.get(case_true, []))
        if not ok:
            return "not_assigned"
        if subj is not None and subj not in w.case_subj[case_true]:
            return "subject_not_in_case"
        return None

    def finish(self):
        labels = []
        for inc in self.incs:
            groups = {}
            for e, login, purpose, case_true, subj in inc.track:
                kind = self.nocase_kind(login, self.w.inj_ms[e], purpose, case_true, subj)
                if kind:
                    groups.setdefault((login, kind), []).append(e)
            for (login, kind) in sorted(groups):
                inc.add("no_case", kind, login, groups[(login, kind)], extra="(auto: purpose not exempt)")
            for det, kind, user, ids, users, extra in inc.pieces:
                ms = [self.w.inj_ms[e] for e in ids]
                lab = {"detector": det, "kind": kind, "user": user, "event_ids": ids,
                       "window_start": label_ts(min(ms)), "window_end": label_ts(max(ms)),
                       "note": "inc%02d-%s: %s%s" % (inc.n, inc.name, inc.note, (" " + extra) if extra else "")}
                if users:
                    lab["users"] = users
                labels.append(lab)
        return labels

    # ---------------------------------------------------------------- self
    def self_lookup(self, kind):
        w = self.w
        rng = self.rng

        def ok(u):
            p = w.P[u.pidx]
            if kind == "person_id" and not u.pid:
                return False
            if kind == "plate" and (not p[7] or not self.dmv_ok(u)):
                return False
            if kind == "address":
                if u.married or any(row["address"] == p[5] for _, _, row in w.assoc_of.get(u.emp, [])):
                    return False
            return True
        if kind == "plate":
            roles = ["ro", "aud", "ci"]
        elif rng.random() < 0.6:
            roles = ["csr"]
        else:
            roles = ["csr", "wsc", "dtx", "err", "aud", "ro", "tas", "disc", "lead"]
        u, seg = self.pick(roles, ok)
        if u is None:
            return
        how = {"person_id": None, "name_dob": "name_dob", "plate": "plate", "address": None, "phone": "phone",
               "name_only": "name_only"}[kind]
        inc = self.inc("self_" + kind, "%s looks up their own account by %s (checking own refund)" % (u.login, kind))
        t = self.t_in(seg)
        typed, case_true = self.cover(u, seg, t)
        purpose = self.purpose(u, seg)
        ids = []
        for j in range(rng.choice([1, 1, 2, 3])):
            h = how or (rng.choice(["tin", "view"]) if kind == "person_id" else rng.choice(["addr", "addr", "prop"]))
            qt = "SCREEN=REFUND STATUS" if h == "view" else None
            ids += self.look(inc, u, seg, t, u.pidx, h, purpose, case_true, typed=typed, dob=True, qt=qt)
            t += rng.randint(20, 400) * 1000
        inc.add("self_query", kind, u.login, ids)

    def self_update(self):
        u, seg = self.pick(["csr", "wsc", "err"], lambda u: bool(u.pid), seg_roles=("CALL", "WALKIN", "RPD"))
        if u is None:
            return
        inc = self.inc("self_record_change", "%s releases the hold on their own refund" % u.login)
        t = self.t_in(seg)
        typed, case_true = self.cover(u, seg, t)
        purpose = self.purpose(u, seg)
        ids = self.look(inc, u, seg, t, u.pidx, "view", purpose, case_true, typed=typed, qt="SCREEN=REFUND STATUS")
        ids += self.look(inc, u, seg, t + self.rng.randint(30, 200) * 1000, u.pidx, "update", purpose, case_true,
                         typed=typed, qt="REFUND HOLD RELEASE TC 571")
        inc.add("self_query", "person_id", u.login, ids)

    # ---------------------------------------------------------------- associations
    def assoc_lookup(self, rel, update=False):
        w = self.w
        rng = self.rng
        rels = ("spouse", "partner") if rel == "spouse" else (rel,)

        def has(u):
            return any(r in rels and w.by_pidx.get(ai) is None for r, ai, _ in w.assoc_of.get(u.emp, []))
        roles = ["csr", "wsc", "dtx", "err", "aud", "ro", "tas", "ci", "disc", "lead", "it"]
        if rel == "ex_partner" and rng.random() < 0.5:
            roles = ["ro", "aud", "csr"]
        u, seg = self.pick(roles, has)
        if u is None:
            return
        cands = [(r, ai, row) for r, ai, row in w.assoc_of[u.emp] if r in rels and w.by_pidx.get(ai) is None]
        r, ai, row = rng.choice(cands)
        hows = []
        if row["person_id"]:
            hows += ["tin", "view"]
        if row["dob"]:
            hows.append("name_dob")
        if row["plate"] and self.dmv_ok(u):
            hows.append("plate")
        if row["address"] and r in ("neighbor", "ex_partner", "family"):
            hows += ["addr", "prop"] if self.dmv_ok(u) else ["addr"]
        if row["phone"]:
            hows.append("phone")
        if not hows:
            return
        why = {"ex_partner": "ex-spouse (child support / divorce)", "family": "relative", "neighbor": "neighbour",
               "spouse": "spouse", "partner": "partner"}[r]
        inc = self.inc(("assoc_record_change_" if update else "assoc_") + r,
                       "%s looks up their %s%s" % (u.login, why, " and changes the account address" if update else ""))
        t = self.t_in(seg)
        typed, case_true = self.cover(u, seg, t)
        purpose = self.purpose(u, seg)
        ids = []
        for how in rng.sample(hows, min(len(hows), rng.choice([1, 2, 2, 3]))):
            ids += self.look(inc, u, seg, t, ai, how, purpose, case_true, typed=typed, dob=True)
            t += rng.randint(15, 300) * 1000
        if update:
            ids += self.look(inc, u, seg, t + 60000, ai, "update", purpose, case_true, typed=typed,
                             qt="ADDRESS CHANGE (REFUND MAILING ADDRESS)")
        inc.add("association_lookup", r, u.login, ids)

    # ---------------------------------------------------------------- coworkers
    def coworker(self, kind):
        w = self.w
        rng = self.rng
        u, seg = self.pick(["csr", "wsc", "dtx", "err", "aud", "ro", "tas", "it", "lead"])
        if u is None:
            return
        sup = w.by_emp.get(u.sup)
        excl = {u, sup, u.spouse_emp}
        if kind == "supervisor":
            if sup is None or sup is u or not sup.pid:
                return
            target = sup
        else:
            pool = [x for x in w.humans if x not in excl and x.role != "dir" and x.pid
                    and ((x.unit == u.unit) == (kind == "same_unit"))]
            if not pool:
                return
            target = rng.choice(pool)
        inc = self.inc("coworker_" + kind, "%s looks up coworker %s (%s) outside Employee Accounts" %
                       (u.login, target.login, kind))
        t = self.t_in(seg)
        typed, case_true = self.cover(u, seg, t)
        purpose = self.purpose(u, seg)
        ids = []
        for how in rng.sample(["tin", "view", "name_dob", "image"], rng.choice([1, 2, 2])):
            ids += self.look(inc, u, seg, t, target.pidx, how, purpose, case_true, typed=typed, dob=True)
            t += rng.randint(20, 300) * 1000
        inc.add("coworker_lookup", kind, u.login, ids)

    def segs_overlapping(self, t0, t1, exclude):
        out = {}
        for s0, s1, login, seg in self.allsegs:
            if s0 > t1:
                break
            u = self.w.by_login[login]
            if s1 > t0 + 10 * MIN_MS and s0 < t1 - 10 * MIN_MS and seg[6] in WORK_SEGS and "sbs" not in seg[7] \
                    and login not in exclude and u.status == "active" and u.transfer is None \
                    and u.role not in ("svc", "itadm", "bc", "dir", "eau"):
                out.setdefault(login, seg)
        return [(lg, out[lg]) for lg in sorted(out)]

    def surge(self, name, note, target, t0, t1, nmin, nmax, each, exclude=()):
        """Many users converge on one person between t0 and t1."""
        w = self.w
        rng = self.rng
        cands = self.segs_overlapping(t0, t1, set(exclude))
        rng.shuffle(cands)
        n = min(len(cands), rng.randint(nmin, nmax))
        if n < 3:
            return
        inc = self.inc(name, note)
        users = []
        allids = []
        for login, seg in cands[:n]:
            u = w.by_login[login]
            lo, hi = max(seg[0], t0) + 2 * MIN_MS, min(seg[1], t1) - 2 * MIN_MS
            if hi <= lo:
                continue
            t = lo + int(rng.random() * (hi - lo))
            purpose = self.purpose(u, seg)
            if each[0] == "news" and purpose not in EXEMPT and rng.random() < 0.5:
                case_true, typed = each[1], None
            else:
                typed, case_true = self.cover(u, seg, t)
            ids = []
            for j in range(rng.choice([1, 1, 2, 3])):
                how = rng.choice(["name_dob", "tin", "view", "name_only"])
                ids += self.look(inc, u, seg, t, target, how, purpose, case_true, typed=typed, dob=True)
                t += rng.randint(10, 240) * 1000
            if not ids:
                continue
            users.append(login)
            allids += ids
            if each[0] == "watchlist":
                inc.add("watchlist_lookup", each[1], login, ids)
            elif each[0] == "coworker":
                tu = each[1]
                sup = w.by_emp.get(u.sup)
                k = "supervisor" if sup is tu else ("same_unit" if u.unit == tu.unit else "other_unit")
                inc.add("coworker_lookup", k, login, ids)
        if len(users) >= 3:
            inc.add("subject_surge", "many_users", users[0], allids, users=users)

    def news_day(self):
        w = self.w
        for _ in range(50):
            k = self.rng.randint(1, w.days - 2)
            if w.weekday(k) < 5:
                return k
        return 1

    def coworker_news(self):
        w = self.w
        tu = self.rng.choice([u for u in w.humans if u.role not in ("dir", "svc") and u.status == "active" and u.pid])
        k = self.news_day()
        t0 = w.lms(k, self.rng.randint(8 * 60, 12 * 60))
        self.surge("coworker_in_news", "employee %s named in a local news story; colleagues look up their tax account" %
                   tu.login, tu.pidx, t0, t0 + 7 * H_MS, 5, 9, ("coworker", tu),
                   exclude=(tu.login,) + ((tu.spouse_emp.login,) if tu.spouse_emp else ()))

    def watch_one(self, cat):
        w = self.w
        rng = self.rng
        people = [wi for wi, c, _ in w.watch if c == cat]
        if not people:
            return
        wi = rng.choice(people)
        # never someone assigned to a case the public figure is legitimately part of
        assigned = set()
        for cid in w.watch_cases:
            if wi in w.case_subj[cid]:
                assigned |= {lg for lg, _, _ in w.assign[cid]}
        u, seg = self.pick(["csr", "wsc", "dtx", "err", "aud", "ro", "tas", "lead", "it", "ci"],
                           lambda x: x.login not in assigned)
        if u is None:
            return
        desc = next(d for x, c, d in w.watch if x == wi)
        inc = self.inc("watchlist_" + cat, "%s looks up the %s (%s) out of curiosity" % (u.login, desc, cat))
        t = self.t_in(seg)
        typed, case_true = self.cover(u, seg, t)
        purpose = self.purpose(u, seg)
        ids = []
        for how in rng.sample(["name_dob", "name_only", "tin", "view", "image"], rng.choice([1, 2, 3])):
            ids += self.look(inc, u, seg, t, wi, how, purpose, case_true, typed=typed, dob=True)
            t += rng.randint(20, 200) * 1000
        inc.add("watchlist_lookup", cat, u.login, ids)

    def celeb_news(self, j):
        w = self.w
        people = [x for x in w.watch if x[1] in ("official", "athlete", "celebrity")]
        wi, cat, desc = people[(j * 7 + self.rng.randrange(len(people))) % len(people)]
        k = self.news_day()
        t0 = w.lms(k, self.rng.randint(8 * 60, 13 * 60))
        excl = set()
        for cid in w.watch_cases:
            if wi in w.case_subj[cid]:
                excl |= {lg for lg, _, _ in w.assign[cid]}
        self.surge("public_figure_in_news", "news story about the %s's taxes; 5-10 employees look them up" % desc,
                   wi, t0, t0 + self.rng.randint(3, 6) * H_MS, 5, 10, ("watchlist", cat), exclude=sorted(excl))

    def news_case(self):
        w = self.w
        rng = self.rng
        k = self.news_day()
        opn = [c for c in w.cases if w.cases[c]["pre"] in ("CI", "AUD") and w.cases[c]["opened_k"] < k
               and w.cases[c]["closed_k"] is None and w.cases[c]["tag"] == ""
               and any(w.P[p][9] == "P" for p in w.case_subj[c])]
        cid = rng.choice(sorted(opn))
        person = next(p for p in w.case_subj[cid] if w.P[p][9] == "P")
        t0 = w.lms(k, rng.randint(8 * 60, 13 * 60))
        assigned = sorted({lg for lg, _, _ in w.assign[cid]})
        self.surge("case_subject_in_news", "subject of open case %s charged / in the news; many users look them up" % cid,
                   person, t0, t0 + rng.randint(3, 6) * H_MS, 6, 12, ("news", cid), exclude=assigned)

    # ---------------------------------------------------------------- shared credentials
    def far_client(self, site, t0, t1, mind=100):
        """A touchdown desk at a site at least mind km away, free (in the legitimate world) during [t0, t1]."""
        g = self.gen
        far = [c for c in ("HQ", "PVS", "GRF", "OXB") if g.site_dist(c, site) >= mind]
        dest = self.rng.choice(far)
        free = [c for c in self.w.td[dest] if all(b <= t0 or a >= t1 for a, b in self.w.td_busy.get(c, []))]
        return dest, self.rng.choice(free or self.w.td[dest])

    def shared(self, kind):
        w = self.w
        rng = self.rng
        g = self.gen
        if kind == "concurrent":
            located = lambda x: any(w.clients[s[2]][1] is not None
                                    for s in self.segs_of(x, ("CALL", "OFFICE", "WALKIN"), 120))
            u, seg = self.pick(["csr", "aud", "ro", "wsc", "tas"], located, seg_roles=("CALL", "OFFICE", "WALKIN"),
                               minlen=120)
            if u is None:
                return
            seg = self.rng.choice([s for s in self.segs_of(u, ("CALL", "OFFICE", "WALKIN"), 120)
                                   if w.clients[s[2]][1] is not None])
            t0 = self.t_in(seg, 25)
            t1 = min(seg[1] - 5 * MIN_MS, t0 + rng.randint(25, 60) * MIN_MS)
            dest, client = self.far_client(seg[5], t0, t1, 150)
            inc = self.inc("credential_shared_concurrent", "%s logged in at %s (%s) while also active on %s (%s), %.0f km apart" %
                           (u.login, client, dest, seg[2], seg[5], g.site_dist(dest, seg[5])))
            s2 = self.new_seg(u, t0, t1, client, "INJ")
            ids = []
            t = t0 + rng.randint(1, 4) * MIN_MS
            while t < t1 - MIN_MS:
                ids += self.look(inc, u, s2, t, self.stranger(), rng.choice(["tin", "view", "name_dob"]),
                                 "WALK-IN SERVICE", None, typed="")
                t += rng.randint(60, 300) * 1000
            inc.add("shared_credential", "concurrent_clients", u.login, ids)
            inc.add("shared_credential", "impossible_travel", u.login, ids[:2])
        elif kind == "travel":
            cands = self.users(["csr", "wsc", "aud", "ro", "dtx", "err"])
            rng.shuffle(cands)
            cands.sort(key=lambda x: self.used.get(x.login, 0))
            for u in cands:
                segs = w.seg_by_user[u.login]
                ends = [s for i, s in enumerate(segs) if s[6] in ("CALL", "WALKIN", "OFFICE", "RPD")
                        and (i + 1 == len(segs) or segs[i + 1][0] - s[1] > 6 * H_MS) and s[1] < w.t_end - 3 * H_MS
                        and "sbs" not in s[7] and w.clients[s[2]][1] is not None]
                if ends:
                    break
            else:
                return
            self.used[u.login] = self.used.get(u.login, 0) + 1
            seg = rng.choice(ends)
            t0 = seg[1] + rng.randint(10, 25) * MIN_MS
            t1 = t0 + rng.randint(15, 35) * MIN_MS
            dest, client = self.far_client(seg[5], t0, t1, 150)
            dist = g.site_dist(dest, seg[5])
            s2 = self.new_seg(u, t0, t1, client, "INJ")
            inc = self.inc("impossible_travel", "%s logged out of %s and logged in %.0f min later at %s, %.0f km away" %
                           (u.login, seg[2], (t0 - seg[1]) / MIN_MS, client, dist))
            ids = []
            t = t0 + MIN_MS
            for j in range(rng.randint(3, 8)):
                ids += self.look(inc, u, s2, t, self.stranger(), rng.choice(["tin", "view"]), "WALK-IN SERVICE", None,
                                 typed="")
                t += rng.randint(60, 180) * 1000
            inc.add("shared_credential", "impossible_travel", u.login, ids)
        else:
            cands = [x for x in w.humans if x.status in ("terminated", "leave") and x.end_k is not None
                     and x.end_k < w.days - 2]
            cands.sort(key=lambda x: (self.used.get(x.login, 0), not x.seasonal, rng.random()))
            if not cands:
                return
            u = cands[0]
            self.used[u.login] = self.used.get(u.login, 0) + 1
            for _ in range(30):
                k = rng.randint(max(0, u.end_k + 1), w.days - 1)
                if w.weekday(k) < 5:
                    break
            t0 = w.lms(k, rng.randint(8 * 60, 16 * 60))
            if u.role in ("csr", "lead"):
                client, purpose = rng.choice(w.free_desk.get(("CC", k)) or w.cc_pool), "TAXPAYER CALL"
            elif u.role in ("wsc", "wlead"):
                client, purpose = rng.choice(w.free_desk.get((u.site, k)) or w.fd[u.site]), "WALK-IN SERVICE"
            else:
                client = u.desk or u.laptop
                purpose = self.gen.ROLE_PURPOSE[u.role]
            s2 = self.new_seg(u, t0, t0 + rng.randint(20, 60) * MIN_MS, client, "INJ")
            inc = self.inc("inactive_account_used", "login of %s%s %s (end %s) used at %s" %
                           ("seasonal " if u.seasonal else "", u.status, u.login, w.dstr(u.end_k), client))
            ids = []
            t = t0 + MIN_MS
            for j in range(rng.randint(3, 9)):
                ids += self.look(inc, u, s2, t, self.stranger(), rng.choice(["tin", "view", "name_dob"]), purpose, None,
                                 typed="")
                t += rng.randint(60, 240) * 1000
            inc.add("shared_credential", "inactive_account", u.login, ids)

    # ---------------------------------------------------------------- no case
    def no_case(self, kind):
        w = self.w
        rng = self.rng
        roles = ["aud", "ro", "ci", "tas"] if kind != "missing" else ["aud", "ro", "ci", "tas", "disc"]
        u, _ = self.pick(roles, seg_roles=("OFFICE", "TELE"))
        if u is None:
            return
        pre = {"aud": "AUD", "ro": "COL", "ci": "CI", "tas": "TAS", "disc": "DR"}[u.role]
        for _ in range(40):
            seg = rng.choice(self.segs_of(u, ("OFFICE", "TELE"), 40))
            t = self.t_in(seg)
            k = self.kday(t)
            if kind == "missing":
                case_true, typed, subj = None, rng.choice(["", "", "n/a", "pending", "TBD", "-"]), self.stranger()
            elif kind == "unknown_case":
                case_true = "UNKNOWN"
                yr = w.dstr(k)[:4]
                typed = {"AUD": "AUD-%s-%06d" % (yr, rng.randint(900000, 999999)),
                         "COL": "COL-%s-%07d" % (yr[2:], rng.randint(9000000, 9999999)),
                         "CI": "CI-%s-%04d" % (yr, rng.randint(9000, 9999)),
                         "TAS": "TAS-%s-%05d" % (yr, rng.randint(90000, 99999))}[pre]
                subj = self.stranger()
            elif kind == "closed_case":
                closed = sorted(c for c in w.cases if w.cases[c]["pre"] == pre and w.cases[c]["closed_k"] is not None
                                and w.cases[c]["closed_k"] <= k - 2)
                if not closed:
                    continue
                mine = [c for c in closed if any(lg == u.login for lg, _, _ in w.assign[c])]
                case_true = rng.choice(mine or closed)
                typed = type_case(rng, case_true)
                subj = rng.choice(w.case_subj[case_true])
            elif kind == "not_assigned":
                opn = sorted(c for c in w.cases if w.cases[c]["pre"] == pre and w.cases[c]["opened_k"] <= k - 1
                             and (w.cases[c]["closed_k"] is None or w.cases[c]["closed_k"] > k + 1)
                             and not any(lg == u.login for lg, _, _ in w.assign[c]))
                if not opn:
                    continue
                case_true = rng.choice(opn)
                typed = type_case(rng, case_true)
                subj = rng.choice(w.case_subj[case_true])
            else:
                act = [c for c in w.active_cases(u.login, k) if w.cases[c]["closed_k"] is None]
                if not act:
                    continue
                case_true = rng.choice(act)
                typed = type_case(rng, case_true)
                subj = self.stranger()
                if subj in w.case_subj[case_true]:
                    continue
            break
        else:
            return
        inc = self.inc("no_case_" + kind, "%s queries a taxpayer with case field %r (%s)" % (u.login, typed, kind))
        purpose = self.purpose(u, seg)
        hows = ["view", "tin", "name_dob", "image", "wage"] + (["plate", "prop"] if self.dmv_ok(u) else [])
        for how in rng.sample(hows, rng.randint(1, 3)):
            self.look(inc, u, seg, t, subj, how, purpose, case_true, typed=typed, dob=True)
            t += rng.randint(20, 300) * 1000
        if not inc.track:
            self.look(inc, u, seg, t, subj, "view", purpose, case_true, typed=typed)

    # ---------------------------------------------------------------- volume
    def fishing(self):
        w = self.w
        rng = self.rng
        u, seg = self.pick(["aud", "csr"] if len(self.incs) % 2 else ["csr", "aud"], seg_roles=("OFFICE", "CALL", "TELE"),
                           minlen=200)
        if u is None:
            return
        inc = self.inc("fishing_distinct_subjects", "%s browses many unrelated taxpayers over hours" % u.login)
        purpose = self.purpose(u, seg)
        t = seg[0] + rng.randint(10, 40) * MIN_MS
        span = min(seg[1] - t - 5 * MIN_MS, rng.randint(120, 240) * MIN_MS)
        n = rng.randint(80, 140)
        typed = "" if seg[6] != "CALL" else ("CNT-%s-%07d" % (w.yymm(self.kday(t)), rng.randint(1, 2999999)))
        ids = []
        for j in range(n):
            tt = t + int(span * j / n) + rng.randint(0, 20000)
            ids += self.look(inc, u, seg, tt, self.stranger(), rng.choice(["view", "tin", "name_dob", "image"]),
                             purpose, None, typed=typed, dob=False)
        inc.add("odd_volume", "distinct_subjects", u.login, ids)

    def burst(self, who):
        w = self.w
        rng = self.rng
        if who == "csr":
            u, seg = self.pick(["csr"], seg_roles=("CALL",), minlen=60)
            if u is None:
                return
            t = self.t_in(seg, 15)
            typed = "CNT-%s-%07d" % (w.yymm(self.kday(t)), rng.randint(1, 2999999))
            case_true = None
        else:
            u = None
            for _ in range(20):
                u, seg = self.pick(["ro"], seg_roles=("OFFICE",), minlen=60)
                if u is None:
                    return
                t = self.t_in(seg, 15)
                act = w.active_cases(u.login, self.kday(t))
                if act:
                    break
            else:
                return
            case_true = rng.choice(act)
            typed = type_case(rng, case_true)
        n = rng.randint(100, 130)
        span = rng.randint(8, 10) * MIN_MS
        inc = self.inc("burst_one_case_id", "%s pulls %d taxpayers in %d minutes under %r" % (u.login, n, span // MIN_MS, typed))
        purpose = self.purpose(u, seg)
        ids = []
        for j in range(n):
            ids += self.look(inc, u, seg, t + int(span * j / n), self.stranger(), "view", purpose, case_true,
                             typed=typed)
        inc.add("odd_volume", "burst", u.login, ids)
        if who == "csr":
            inc.add("odd_volume", "distinct_subjects", u.login, ids)

    def daily(self):
        w = self.w
        rng = self.rng
        u, _ = self.pick(["ro", "aud"], seg_roles=("OFFICE",), minlen=400)
        if u is None:
            return
        counts = sorted(v for (lg, d), v in w.daycount.items() if lg == u.login)
        med = counts[len(counts) // 2] if counts else 20
        for _ in range(30):
            seg = rng.choice(self.segs_of(u, ("OFFICE",), 400))
            k = self.kday(seg[0])
            act = [c for c in w.active_cases(u.login, k) if w.cases[c]["closed_k"] is None and w.cases[c]["tag"] == ""]
            if act:
                break
        else:
            return
        mult = rng.randint(5, 8)
        extra = max(60, (mult - 1) * med)
        inc = self.inc("daily_count_%dx" % mult, "%s works %dx their usual daily volume (median %d/day) on own inventory" %
                       (u.login, mult, med))
        span = seg[1] - seg[0] - 20 * MIN_MS
        purpose = self.purpose(u, seg)
        ids = []
        for j in range(extra):
            tt = seg[0] + 10 * MIN_MS + int(span * j / extra) + rng.randint(0, 20000)
            cid = rng.choice(act)
            pidx = rng.choice(w.case_subj[cid])
            ids += self.look(inc, u, seg, tt, pidx, rng.choice(["view", "wage", "plate", "prop", "image"]), purpose, cid)
        inc.add("odd_volume", "daily_count", u.login, ids)

    def off_hours(self):
        w = self.w
        rng = self.rng
        u, _ = self.pick(["csr", "aud", "tas", "ro"], pred=lambda x: x.laptop is not None and x.role != "csr" or bool(x.tele))
        if u is None:
            return
        days = sorted(k for k, kind, _, tags in u.shifts if kind in ("CALL", "CALLTW", "OFFICE", "TELE") and 0 < k < w.days - 1)
        if not days:
            return
        for _ in range(20):
            k = rng.choice(days)
            act = [c for c in w.active_cases(u.login, k) if w.cases[c]["closed_k"] is None and w.cases[c]["tag"] == ""]
            if u.role == "csr" or act:
                break
        else:
            return
        t0 = w.lms(k, rng.randint(62, 190))
        s2 = self.new_seg(u, t0, t0 + rng.randint(35, 50) * MIN_MS, u.laptop, "INJ", ip=u.vpn_ip)
        inc = self.inc("off_hours_day_worker", "day worker %s runs lookups at %s local over VPN" %
                       (u.login, fmt_ts(t0, "OFF")[11:16]))
        ids = []
        t = t0 + MIN_MS
        for j in range(rng.randint(8, 18)):
            if u.role == "csr":
                ids += self.look(inc, u, s2, t, self.stranger(), rng.choice(["tin", "view", "name_dob"]), "TAXPAYER CALL",
                                 None, typed="")
            else:
                cid = rng.choice(act)
                ids += self.look(inc, u, s2, t, rng.choice(w.case_subj[cid]), rng.choice(["view", "wage", "image"]),
                                 self.gen.ROLE_PURPOSE[u.role], cid)
            t += rng.randint(60, 150) * 1000
        inc.add("odd_volume", "off_hours", u.login, ids)

    def export(self):
        w = self.w
        rng = self.rng
        u, seg = self.pick(["csr"], seg_roles=("CALL",))
        if u is None:
            return
        t = self.t_in(seg)
        rc = rng.randint(20000, 80000)
        inc = self.inc("export_by_call_centre_login", "contact-centre rep %s exports %d taxpayer rows" % (u.login, rc))
        e = w.ev(1, t, "ITS", u.login, "export", seg, "TAXPAYER CALL", "", None, rc,
                 rng.choice(["EXPORT ACCT LIST WHERE REFUND_STATUS='ISSUED'", "EXPORT TAXPAYER ADDRESS LIST ZIP=66*",
                             "EXPORT RESULTS (ALL PAGES)"]))
        inc.track.append((e, u.login, "TAXPAYER CALL", None, None))
        inc.add("odd_volume", "export", u.login, [e])

    # ---------------------------------------------------------------- plan
    def run(self):
        c = self.count
        plan = []
        for kind, b in [("person_id", 4), ("name_dob", 2), ("address", 2), ("phone", 1), ("plate", 1), ("name_only", 1)]:
            plan += [(self.self_lookup, (kind,))] * c(b)
        plan += [(self.self_update, ())] * c(1)
        for rel, b in [("ex_partner", 4), ("family", 3), ("neighbor", 2), ("spouse", 1)]:
            plan += [(self.assoc_lookup, (rel,))] * c(b)
        plan += [(self.assoc_lookup, ("ex_partner", True))] * c(1)
        for kind, b in [("same_unit", 2), ("other_unit", 2), ("supervisor", 1)]:
            plan += [(self.coworker, (kind,))] * c(b)
        plan += [(self.coworker_news, ())] * c(1)
        for cat, b in [("official", 2), ("celebrity", 2), ("athlete", 1), ("judge", 1), ("journalist", 1)]:
            plan += [(self.watch_one, (cat,))] * c(b)
        plan += [(self.celeb_news, (j,)) for j in range(c(2))]
        plan += [(self.news_case, ())] * c(2)
        for kind, b in [("concurrent", 2), ("travel", 2), ("inactive", 3)]:
            plan += [(self.shared, (kind,))] * c(b)
        for kind, b in [("missing", 3), ("unknown_case", 3), ("not_assigned", 3), ("closed_case", 2),
                        ("subject_not_in_case", 2)]:
            plan += [(self.no_case, (kind,))] * c(b)
        plan += [(self.burst, ("csr",))] * c(1) + [(self.burst, ("ro",))] * c(1)
        plan += [(self.daily, ())] * c(2)
        plan += [(self.export, ())] * c(2)
        plan += [(self.off_hours, ())] * c(3)
        plan += [(self.fishing, ())] * c(2)
        for fn, args in plan:
            fn(*args)
        return self.finish()


def run(w):
    return Injector(w).run()
