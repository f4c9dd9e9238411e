"""Misconduct injection for world i.

Uses its own RNG stream ("<seed>-inject") and only reads the legitimate world
(references, schedules, session segments): legitimate events never depend on it.
Every incident produces labelled pieces; a generic pass adds the `no_case`
piece(s) that truly apply to injected events typed under a non-exempt purpose.
"""
import os
import random

from util import DAY_MS, MIN_MS, H_MS, off_min, label_ts, type_case, type_plate

EXEMPT = None  # filled from gen at run time


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
        f = w.nusers * w.days / (250.0 * 45.0)
        self.f = f
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
        return (ms + off_min(ms) * MIN_MS - self.w.day0) // DAY_MS

    # ---------------------------------------------------------------- choosers
    def users(self, roles, pred=None):
        w = self.w
        out = [u for u in w.humans if u.role in roles and u.status == "active" and w.seg_by_user.get(u.login)
               and (pred is None or pred(u))]
        return out

    def pick_user(self, roles, pred=None):
        c = self.users(roles, pred)
        if not c:
            return None
        c.sort(key=lambda u: (self.used.get(u.login, 0), self.rng.random()))
        u = c[0]
        self.used[u.login] = self.used.get(u.login, 0) + 1
        return u

    def segs_of(self, u, roles, minlen):
        if "SECONDARY" in roles:
            roles = tuple(roles) + ("SUP",)
        return [s for s in self.w.seg_by_user.get(u.login, []) if s[6] in roles and s[1] - s[0] >= minlen * MIN_MS
                and "loan" not in s[7]]

    def pick_seg(self, u, roles, minlen=40):
        segs = self.segs_of(u, roles, minlen)
        if not segs:
            return None
        return self.rng.choice(segs)

    def pick(self, roles, pred=None, seg_roles=("PRIMARY", "OFFICE", "SECONDARY"), minlen=40):
        """A user of one of roles (preferring users not used yet) and one of their work segments."""
        c = [u for u in self.users(roles, pred) if self.segs_of(u, seg_roles, minlen)]
        if not c:
            return None, None
        c.sort(key=lambda u: (self.used.get(u.login, 0), self.rng.random()))
        u = c[0]
        self.used[u.login] = self.used.get(u.login, 0) + 1
        return u, self.pick_seg(u, seg_roles, minlen)

    def t_in(self, seg, margin=5):
        lo = seg[0] + margin * MIN_MS
        hi = seg[1] - margin * MIN_MS
        return lo + int(self.rng.random() * max(1, hi - lo))

    def purpose(self, u, seg):
        if seg[6] in ("PRIMARY", "MOBILE"):
            return "PRIMARY"
        if seg[6] in ("SECONDARY", "SUP"):
            return "SECONDARY"
        if seg[6] == "CARGO":
            return "CARGO INSPECTION"
        return {"inv": "INVESTIGATION", "invsup": "INVESTIGATION", "intel": "TARGETING", "rec": "FOIA REQUEST",
                "it": "SYSTEM MAINTENANCE", "ia": "INTERNAL INVESTIGATION"}.get(u.role, "INVESTIGATION")

    def stranger(self):
        return self.w.pick_plain(self.rng)

    def look(self, inc, u, seg, ms, pidx, how, purpose, case_true, typed=None, dob=True):
        typed = typed if typed is not None else (type_case(self.rng, case_true) if case_true and case_true != "UNKNOWN" else "")
        ids = self.w.lookup(1, self.rng, ms, u.login, seg, pidx, how, purpose, typed, dob=dob)
        for e in ids:
            inc.track.append((e, u.login, purpose, case_true, pidx))
        return ids

    def new_seg(self, u, t0, t1, client):
        return self.w.new_seg(self.rng, u, t0, t1, client, "INJ", [], grp=1, failed=False)

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

    # ---------------------------------------------------------------- incidents
    def self_lookup(self, kind):
        w = self.w
        how = {"person_id": "pid", "name_dob": "name_dob", "plate": "plate", "address": "addr",
               "phone": "phone", "name_only": "name_only"}[kind]

        def ok(u):
            p = w.P[u.pidx]
            if kind == "person_id" and not u.pid:
                return False
            if kind == "plate" and not p[7]:
                return False
            if kind == "address":
                for rel, ai, row in w.assoc_of.get(u.emp, []):
                    if row["address"] == p[5]:
                        return False
            return True
        u, seg = self.pick(["port", "inv", "rec", "intel", "ia", "sup"] if self.rng.random() < 0.5 else ["port"], ok)
        if u is None:
            return
        inc = self.inc("self_" + kind, "%s looks up their own record by %s" % (u.login, kind))
        t = self.t_in(seg)
        ids = []
        for j in range(self.rng.choice([1, 1, 2, 3])):
            ids += self.look(inc, u, seg, t, u.pidx, how, self.purpose(u, seg), None, dob=True)
            t += self.rng.randint(20, 400) * 1000
        inc.add("self_query", kind, u.login, ids)

    def self_update(self):
        u, seg = self.pick(["port", "inv", "sup"], lambda u: bool(u.pid))
        if u is None:
            return
        inc = self.inc("self_record_change", "%s edits their own traveler record" % u.login)
        p = self.w.P[u.pidx]
        t = self.t_in(seg)
        ids = self.look(inc, u, seg, t, u.pidx, "pid", self.purpose(u, seg), None)
        e = self.w.ev(1, t + self.rng.randint(30, 200) * 1000, "TRAVELER", u.login, "update", seg, "RECORD CORRECTION",
                      "", {"person_id": p[0], "name": "%s, %s" % (p[1], p[2])}, 1, "UPDATE remarks/lookout flag cleared")
        inc.track.append((e, u.login, "RECORD CORRECTION", None, u.pidx))
        inc.add("self_query", "person_id", u.login, ids + [e])

    def assoc_lookup(self, rel, update=False):
        w = self.w
        rels = ("spouse", "partner") if rel == "spouse" else (rel,)

        def has(u):
            return any(r in rels for r, _, _ in w.assoc_of.get(u.emp, []))
        u, seg = self.pick(["port", "inv", "rec", "intel", "sup", "ia", "it"], has)
        if u is None:
            return
        cands = [(r, ai, row) for r, ai, row in w.assoc_of[u.emp] if r in rels]
        r, ai, row = self.rng.choice(cands)
        hows = []
        if row["person_id"]:
            hows.append("pid")
        if row["dob"]:
            hows.append("name_dob")
        if row["plate"]:
            hows.append("plate")
        if r not in ("spouse", "partner", "family"):
            hows.append("addr")
        if row["phone"]:
            hows.append("phone")
        if not hows:
            hows = ["addr"] if r not in ("spouse", "partner", "family") else []
        if not hows:
            return
        inc = self.inc(("assoc_record_change_" if update else "assoc_") + r,
                       "%s looks up their %s%s" % (u.login, r.replace("_", "-"), " and edits the record" if update else ""))
        t = self.t_in(seg)
        ids = []
        for how in self.rng.sample(hows, min(len(hows), self.rng.choice([1, 2, 2, 3]))):
            ids += self.look(inc, u, seg, t, ai, how, self.purpose(u, seg), None, dob=True)
            t += self.rng.randint(15, 300) * 1000
        if update and row["person_id"]:
            a = w.P[ai]
            e = w.ev(1, t + 60000, "TRAVELER", u.login, "update", seg, "RECORD CORRECTION", "",
                     {"person_id": a[0], "name": "%s, %s" % (a[1], a[2])}, 1, "UPDATE address/phone")
            inc.track.append((e, u.login, "RECORD CORRECTION", None, ai))
            ids.append(e)
        inc.add("association_lookup", r, u.login, ids)

    def coworker(self, kind):
        w = self.w
        u, seg = self.pick(["port", "inv", "rec", "sup", "intel", "it"])
        if u is None:
            return
        sup = w.by_emp.get(u.sup)
        if kind == "supervisor":
            if sup is None or sup is u:
                return
            target = sup
        else:
            pool = [x for x in w.humans if x is not u and x is not sup and x.role != "dir"
                    and ((x.unit == u.unit) == (kind == "same_unit"))]
            if not pool:
                return
            target = self.rng.choice(pool)
        inc = self.inc("coworker_" + kind, "%s looks up coworker %s (%s) without reason" % (u.login, target.login, kind))
        t = self.t_in(seg)
        ids = []
        hows = ["name_dob", "plate"] + (["pid"] if target.pid else [])
        for how in self.rng.sample(hows, self.rng.choice([1, 2])):
            ids += self.look(inc, u, seg, t, target.pidx, how, self.purpose(u, seg), None, dob=True)
            t += self.rng.randint(20, 300) * 1000
        inc.add("coworker_lookup", kind, u.login, ids)

    def segs_overlapping(self, t0, t1, roles, exclude):
        out = {}
        for s0, s1, login, seg in self.allsegs:
            if s0 > t1:
                break
            if s1 > t0 + 10 * MIN_MS and s0 < t1 - 10 * MIN_MS and seg[6] in roles and login not in exclude \
                    and self.w.by_login[login].status == "active" and self.w.by_login[login].role not in ("svc", "itadm", "intel2", "dir"):
                out.setdefault(login, seg)
        return [(lg, out[lg]) for lg in sorted(out)]

    def surge(self, name, note, target, t0, t1, nmin, nmax, detector_each, exclude=()):
        """Many users converge on one person between t0 and t1."""
        w = self.w
        cands = self.segs_overlapping(t0, t1, ("PRIMARY", "OFFICE", "SECONDARY"), set(exclude))
        self.rng.shuffle(cands)
        n = min(len(cands), self.rng.randint(nmin, nmax))
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
            t = lo + int(self.rng.random() * (hi - lo))
            purpose = self.purpose(u, seg)
            case_true = None
            if detector_each[0] == "news" and purpose == "INVESTIGATION" and self.rng.random() < 0.5:
                case_true = detector_each[1]
            ids = []
            for j in range(self.rng.choice([1, 1, 2, 3])):
                how = self.rng.choice(["name_dob", "pid", "name_only", "fan"] if w.P[target][0] else ["name_dob"])
                ids += self.look(inc, u, seg, t, target, how, purpose, case_true, dob=True)
                t += self.rng.randint(10, 240) * 1000
            if not ids:
                continue
            users.append(login)
            allids += ids
            if detector_each[0] == "watchlist":
                inc.add("watchlist_lookup", detector_each[1], login, ids)
            elif detector_each[0] == "coworker":
                tu = detector_each[1]
                sup = w.by_emp.get(u.sup)
                k = "supervisor" if sup is tu else ("same_unit" if u.unit == tu.unit else "other_unit")
                inc.add("coworker_lookup", k, login, ids)
        if len(users) >= 3:
            inc.add("subject_surge", "many_users", users[0], allids, users=users)

    def watch_one(self, cat):
        w = self.w
        people = [wi for wi, c in w.watch if c == cat]
        u, seg = self.pick(["port", "inv", "rec", "intel", "sup", "it"])
        if u is None or not people:
            return
        wi = self.rng.choice(people)
        inc = self.inc("watchlist_" + cat, "%s looks up a %s out of curiosity" % (u.login, cat))
        t = self.t_in(seg)
        ids = []
        for how in self.rng.sample(["name_dob", "name_only", "pid"], self.rng.choice([1, 2])):
            ids += self.look(inc, u, seg, t, wi, how, self.purpose(u, seg), None, dob=True)
            t += self.rng.randint(20, 200) * 1000
        inc.add("watchlist_lookup", cat, u.login, ids)

    def celeb_surge(self, j):
        w = self.w
        done = [(p, sp) for p, sp in w.celeb_crossings if sp[4] is not None]
        if not done:
            return
        port, sp = done[j % len(done)]
        cat = next(c for wi, c in w.watch if wi == sp[2])
        t0 = sp[0] + 20 * MIN_MS
        self.surge("celebrity_crossing_curiosity",
                   "watchlist %s crossed at %s; others look them up out of curiosity" % (cat, port),
                   sp[2], t0, t0 + 30 * H_MS, 4, 8, ("watchlist", cat), exclude=(sp[4][0],))

    def news_victim(self):
        w = self.w
        k = self.rng.randint(1, w.days - 2)
        open_cases = [c for c in w.cases if w.cases[c]["unit"] == "INVESTIGATIONS" and w.cases[c]["opened_k"] < k
                      and (w.cases[c]["closed_k"] is None or w.cases[c]["closed_k"] > k + 1) and c != w.bolo_case]
        cid = self.rng.choice(open_cases)
        victim = self.rng.choice(w.case_subj[cid])
        t0 = w.lms(k, self.rng.randint(8 * 60, 15 * 60))
        assigned = [lg for lg, _, _ in w.assign[cid]]
        self.surge("news_victim_surge", "person in case %s is in the local news; many users look them up" % cid,
                   victim, t0, t0 + self.rng.randint(3, 6) * H_MS, 6, 12, ("news", cid), exclude=assigned)

    def coworker_news(self):
        w = self.w
        tu = self.rng.choice([u for u in w.humans if u.role in ("port", "sup", "inv") and u.status == "active"])
        k = self.rng.randint(1, w.days - 2)
        t0 = w.lms(k, self.rng.randint(8 * 60, 14 * 60))
        self.surge("coworker_in_news", "employee %s arrested off duty; colleagues look them up" % tu.login,
                   tu.pidx, t0, t0 + 8 * H_MS, 5, 9, ("coworker", tu), exclude=(tu.login,))

    def shared(self, kind):
        w = self.w
        rng = self.rng
        if kind == "concurrent":
            u, seg = self.pick(["inv", "rec", "intel", "port"], minlen=90)
            if u is None:
                return
            here = seg[5]
            far = [p for p in self.gen.PORTS if p != here and
                   self.gen.haversine(self.gen.SITE[p][1:], self.gen.SITE[here][1:]) > 80]
            port = rng.choice(far)
            client = rng.choice(w.port_clients[port]["PB"])
            t0 = self.t_in(seg, 20)
            t1 = min(seg[1] - 5 * MIN_MS, t0 + rng.randint(25, 60) * MIN_MS)
            inc = self.inc("credential_shared_concurrent",
                           "%s logged in at %s while also active at %s (%s)" % (u.login, client, seg[2], here))
            s2 = self.new_seg(u, t0, t1, client)
            ids = [e for e in []]
            t = t0 + rng.randint(1, 4) * MIN_MS
            while t < t1 - MIN_MS:
                ids += self.look(inc, u, s2, t, self.stranger(), "doc", "PRIMARY", None)
                t += rng.randint(60, 300) * 1000
            inc.add("shared_credential", "concurrent_clients", u.login, ids)
            inc.add("shared_credential", "impossible_travel", u.login, ids[:2])
        elif kind == "travel":
            u = self.pick_user(["port"], lambda x: x.loan is None)
            if u is None:
                return
            segs = w.seg_by_user[u.login]
            # the last segment of a shift (followed by a gap of hours)
            ends = [s for i, s in enumerate(segs) if s[6] in ("PRIMARY", "SECONDARY", "CARGO")
                    and (i + 1 == len(segs) or segs[i + 1][0] - s[1] > 6 * H_MS) and s[1] < w.t_end - 2 * H_MS]
            if not ends:
                return
            seg = rng.choice(ends)
            here = seg[5]
            far = sorted(p for p in self.gen.PORTS if p != here and
                         self.gen.haversine(self.gen.SITE[p][1:], self.gen.SITE[here][1:]) > 80)
            port = rng.choice(far)
            dist = self.gen.haversine(self.gen.SITE[port][1:], self.gen.SITE[here][1:])
            t0 = seg[1] + rng.randint(8, 25) * MIN_MS
            client = rng.choice(w.port_clients[port]["PB"] + w.port_clients[port]["SEC"])
            s2 = self.new_seg(u, t0, t0 + rng.randint(15, 35) * MIN_MS, client)
            inc = self.inc("impossible_travel", "%s logged out at %s and logged in %.0f min later at %s, %.0f km away" %
                           (u.login, seg[2], (t0 - seg[1]) / MIN_MS, client, dist))
            ids = []
            t = t0 + MIN_MS
            for j in range(rng.randint(3, 8)):
                ids += self.look(inc, u, s2, t, self.stranger(), "doc", "PRIMARY", None)
                t += rng.randint(60, 180) * 1000
            inc.add("shared_credential", "impossible_travel", u.login, ids)
        else:
            cands = [x for x in w.humans if x.status in ("terminated", "leave") and x.end_k is not None
                     and x.end_k < w.days - 2]
            cands.sort(key=lambda x: (self.used.get(x.login, 0), rng.random()))
            if not cands:
                return
            u = cands[0]
            self.used[u.login] = self.used.get(u.login, 0) + 1
            k = rng.randint(max(0, u.end_k + 1), w.days - 1)
            t0 = w.lms(k, rng.randint(9 * 60, 16 * 60))
            if u.role == "port":
                client = rng.choice(w.port_clients[u.port]["PB"])
                purpose = "PRIMARY"
            else:
                client = u.desk
                purpose = self.purpose(u, (0, 0, "", "", "", "HQ", "OFFICE", ()))
            s2 = self.new_seg(u, t0, t0 + rng.randint(20, 60) * MIN_MS, client)
            inc = self.inc("inactive_account_used", "login of %s employee %s (end %s) used at %s" %
                           (u.status, u.login, w.dstr(u.end_k), client))
            login_ids = [e for e in []]
            ids = []
            t = t0 + MIN_MS
            for j in range(rng.randint(3, 9)):
                ids += self.look(inc, u, s2, t, self.stranger(), rng.choice(["doc", "name_dob", "plate"]), purpose, None)
                t += rng.randint(60, 240) * 1000
            inc.add("shared_credential", "inactive_account", u.login, login_ids + ids)

    def no_case(self, kind):
        w = self.w
        rng = self.rng
        u = self.pick_user(["inv", "intel"] if kind != "not_assigned" else ["inv"])
        if u is None:
            return
        for _ in range(30):
            seg = self.pick_seg(u, ("OFFICE",))
            if seg is None:
                return
            t = self.t_in(seg)
            k = self.kday(t)
            if kind in ("missing", "unknown_case"):
                case_true = None if kind == "missing" else "UNKNOWN"
                typed = rng.choice(["", "", "N/A", "none", "pending"]) if kind == "missing" else \
                    "BCI-%s-%06d" % (w.dstr(k)[:4], rng.randint(900000, 999999))
                subj = self.stranger()
            elif kind == "closed_case":
                closed = [c for c in w.cases if w.cases[c]["closed_k"] is not None and w.cases[c]["closed_k"] <= k - 2
                          and w.cases[c]["unit"] == ("INVESTIGATIONS" if u.role == "inv" else "INTEL-TARGETING")]
                mine = [c for c in closed if any(lg == u.login for lg, _, _ in w.assign[c])]
                if not closed:
                    continue
                case_true = rng.choice(mine or closed)
                typed = case_true
                subj = rng.choice(w.case_subj[case_true])
            elif kind == "not_assigned":
                opn = [c for c in w.cases if w.cases[c]["unit"] == "INVESTIGATIONS" and w.cases[c]["opened_k"] <= k - 1
                       and (w.cases[c]["closed_k"] is None or w.cases[c]["closed_k"] > k + 1)
                       and not any(lg == u.login for lg, _, _ in w.assign[c])]
                if not opn:
                    continue
                case_true = rng.choice(opn)
                typed = type_case(rng, case_true)
                subj = rng.choice(w.case_subj[case_true])
            else:
                act = w.active_cases(u.login, k)
                act = [c for c in act if w.cases[c]["closed_k"] is None or w.cases[c]["closed_k"] > k + 1]
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
        inc = self.inc("no_case_" + kind, "%s queries a person with case field %r (%s)" % (u.login, typed, kind))
        purpose = self.purpose(u, seg)
        for how in rng.sample(["fan", "name_dob", "plate", "addr", "pid"], rng.randint(1, 3)):
            self.look(inc, u, seg, t, subj, how, purpose, case_true, typed=typed, dob=True)
            t += rng.randint(20, 300) * 1000
        if not inc.track:
            self.look(inc, u, seg, t, subj, "name_dob", purpose, case_true, typed=typed, dob=True)

    def fishing(self):
        w = self.w
        rng = self.rng
        u, seg = self.pick(["inv", "rec"], seg_roles=("OFFICE",), minlen=300)
        if u is None:
            return
        inc = self.inc("fishing_distinct_subjects", "%s sweeps many unrelated people (wildcards, names)" % u.login)
        purpose = self.purpose(u, seg)
        typed = "FOIA-%s-%05d" % (w.dstr(self.kday(seg[0]))[:4], rng.randint(100, 9999)) if u.role == "rec" else ""
        t = seg[0] + rng.randint(20, 90) * MIN_MS
        n = rng.randint(80, 140)
        span = rng.randint(150, 240) * MIN_MS
        ids = []
        for j in range(n):
            tt = t + int(span * j / n) + rng.randint(0, 20000)
            if tt > seg[1] - MIN_MS:
                break
            pidx = self.stranger()
            if rng.random() < 0.15:
                p = w.P[pidx]
                l = p[1].replace(" ", "")[:rng.randint(3, 4)] + "*"
                e = w.ev(1, tt, "DMV", u.login, "search", seg, purpose, typed or None,
                         {"last_name": l, "first_name": p[2][0] + "*" if rng.random() < 0.5 else ""},
                         rng.randint(30, 400), "wildcard")
                inc.track.append((e, u.login, purpose, None, None))
                ids.append(e)
            else:
                ids += self.look(inc, u, seg, tt, pidx, rng.choice(["name_dob", "name_only", "plate", "pid"]),
                                 purpose, None, typed=typed, dob=False)
        # a FOIA number is not a case: exempt purpose covers it; for investigators the case is blank
        inc.add("odd_volume", "distinct_subjects", u.login, ids)

    def burst(self):
        w = self.w
        rng = self.rng
        u = self.pick_user(["inv"])
        if u is None:
            return
        for _ in range(20):
            seg = self.pick_seg(u, ("OFFICE",), minlen=60)
            if seg is None:
                return
            t = self.t_in(seg, 15)
            act = [c for c in w.active_cases(u.login, self.kday(t)) if len(w.case_subj[c]) >= 2]
            if act:
                break
        else:
            return
        cid = rng.choice(act)
        typed = type_case(rng, cid)
        inc = self.inc("burst_one_case", "%s runs ~100 lookups in 10 minutes under %s" % (u.login, typed))
        n = rng.randint(90, 120)
        span = rng.randint(8, 10) * MIN_MS
        ids = []
        for j in range(n):
            tt = t + int(span * j / n)
            pidx = rng.choice(w.case_subj[cid])
            ids += w.lookup(1, rng, tt, u.login, seg, pidx, rng.choice(["name_dob", "plate", "pid", "phone"]),
                            "INVESTIGATION", typed, dob=True)[:1]
        for e in ids:
            inc.track.append((e, u.login, "INVESTIGATION", cid, None))
        inc.add("odd_volume", "burst", u.login, ids)

    def daily(self):
        w = self.w
        rng = self.rng
        u = self.pick_user(["inv"])
        if u is None:
            return
        counts = sorted(v for (lg, d), v in w.daycount.items() if lg == u.login)
        if not counts:
            return
        med = counts[len(counts) // 2]
        for _ in range(20):
            seg = self.pick_seg(u, ("OFFICE",), minlen=400)
            if seg is None:
                return
            k = self.kday(seg[0])
            act = [c for c in w.active_cases(u.login, k)
                   if w.cases[c]["closed_k"] is None or w.cases[c]["closed_k"] > k + 1]
            if act:
                break
        else:
            return
        extra = max(60, 6 * med)
        inc = self.inc("daily_count_7x", "%s runs ~7x their usual daily volume (median %d/day)" % (u.login, med))
        ids = []
        span = seg[1] - seg[0] - 20 * MIN_MS
        for j in range(extra):
            tt = seg[0] + 10 * MIN_MS + int(span * j / extra) + rng.randint(0, 30000)
            cid = rng.choice(act[:3])
            pidx = rng.choice(w.case_subj[cid])
            e = w.lookup(1, rng, tt, u.login, seg, pidx, rng.choice(["name_dob", "plate", "pid", "addr"]),
                         "INVESTIGATION", type_case(rng, cid), dob=True)[:1]
            for x in e:
                inc.track.append((x, u.login, "INVESTIGATION", cid, pidx))
            ids += e
        inc.add("odd_volume", "daily_count", u.login, ids)

    def off_hours(self):
        w = self.w
        rng = self.rng
        u = self.pick_user(["inv", "rec", "intel"])
        if u is None:
            return
        days = sorted(k for k, _, _, tags in u.shifts if not tags and 0 < k < w.days - 1)
        for _ in range(20):
            k = rng.choice(days)
            act = [c for c in w.active_cases(u.login, k) if w.cases[c]["closed_k"] is None or w.cases[c]["closed_k"] > k + 1]
            if u.role == "rec" or act:
                break
        else:
            return
        t0 = w.lms(k, rng.randint(62, 200))
        s2 = self.new_seg(u, t0, t0 + rng.randint(35, 50) * MIN_MS, u.laptop or u.desk)
        inc = self.inc("off_hours_day_worker", "day worker %s runs lookups at %02d:%02d local" %
                       (u.login, (t0 + off_min(t0) * MIN_MS) // H_MS % 24, (t0 // MIN_MS) % 60))
        ids = []
        t = t0 + MIN_MS
        for j in range(rng.randint(8, 18)):
            if u.role == "rec":
                ids += self.look(inc, u, s2, t, self.stranger(), rng.choice(["name_dob", "plate"]), "FOIA REQUEST",
                                 None, typed="FOIA-%s-%05d" % (w.dstr(k)[:4], rng.randint(100, 9999)))
            else:
                cid = rng.choice(act)
                ids += self.look(inc, u, s2, t, rng.choice(w.case_subj[cid]), rng.choice(["name_dob", "plate", "pid"]),
                                 self.purpose(u, s2), cid)
            t += rng.randint(60, 150) * 1000
        inc.add("odd_volume", "off_hours", u.login, ids)

    def export(self, who):
        w = self.w
        rng = self.rng
        if who == "port":
            u, seg = self.pick(["port"], seg_roles=("PRIMARY",))
            if u is None:
                return
            t = self.t_in(seg)
            rc = rng.randint(4000, 25000)
            inc = self.inc("export_by_non_exporter", "booth officer %s exports %d traveler rows" % (u.login, rc))
            e = w.ev(1, t, "TRAVELER", u.login, "export", seg, "PRIMARY", "", None, rc,
                     "EXPORT crossings WHERE port='%s'" % seg[5])
            inc.track.append((e, u.login, "PRIMARY", None, None))
        else:
            u = self.pick_user(["inv"])
            if u is None:
                return
            for _ in range(20):
                seg = self.pick_seg(u, ("OFFICE",))
                if seg is None:
                    return
                t = self.t_in(seg)
                act = w.active_cases(u.login, self.kday(t))
                if act:
                    break
            else:
                return
            cid = rng.choice(act)
            rc = rng.randint(3000, 12000)
            inc = self.inc("export_by_non_exporter", "investigator %s exports %d LPR rows under %s" % (u.login, rc, cid))
            e = w.ev(1, t, "LPR", u.login, "export", seg, "INVESTIGATION", cid, None, rc, "EXPORT reads ALL PLATES 30d")
            inc.track.append((e, u.login, "INVESTIGATION", cid, None))
        inc.add("odd_volume", "export", u.login, [e])

    def run(self):
        c = self.count
        plan = []
        for kind, b in [("person_id", 2), ("name_dob", 2), ("plate", 2), ("address", 1), ("phone", 1), ("name_only", 1)]:
            plan += [(self.self_lookup, (kind,))] * c(b)
        plan += [(self.self_update, ())] * c(1)
        for rel, b in [("ex_partner", 3), ("family", 2), ("neighbor", 2), ("spouse", 1), ("protected_party", 1)]:
            plan += [(self.assoc_lookup, (rel,))] * c(b)
        plan += [(self.assoc_lookup, ("ex_partner", True))] * c(1)
        for kind, b in [("same_unit", 2), ("other_unit", 2), ("supervisor", 1)]:
            plan += [(self.coworker, (kind,))] * c(b)
        plan += [(self.coworker_news, ())] * c(1)
        for cat in ["official", "journalist", "judge", "athlete"]:
            plan += [(self.watch_one, (cat,))] * c(1)
        plan += [(self.celeb_surge, (j,)) for j in range(c(2))]
        plan += [(self.news_victim, ())] * c(2)
        for kind, b in [("concurrent", 2), ("travel", 2), ("inactive", 3)]:
            plan += [(self.shared, (kind,))] * c(b)
        for kind in ["missing", "unknown_case", "closed_case", "not_assigned", "subject_not_in_case"]:
            plan += [(self.no_case, (kind,))] * c(3)
        plan += [(self.fishing, ())] * c(2)
        plan += [(self.burst, ())] * c(2)
        plan += [(self.daily, ())] * c(2)
        plan += [(self.off_hours, ())] * c(3)
        plan += [(self.export, ("port",))] * c(1) + [(self.export, ("inv",))] * c(1)
        for fn, args in plan:
            fn(*args)
        return self.finish()


def run(w):
    return Injector(w).run()


def write_summary(w, a, labels, n_legit, secs):
    units = {}
    for u in w.users:
        units[u.unit] = units.get(u.unit, 0) + 1
    by_kind = {}
    incs = set()
    for lab in labels:
        key = "%s/%s" % (lab["detector"], lab["kind"])
        by_kind[key] = by_kind.get(key, 0) + 1
        incs.add(lab["note"].split(":")[0])
    status = {}
    for u in w.users:
        status[u.status] = status.get(u.status, 0) + 1
    n_closed = sum(1 for c in w.cases.values() if c["closed_k"] is not None and c["closed_k"] < w.days)
    lines = ["world i: state border & customs agency",
             "seed %d  users(logins) %d  days %d  start %s  inject %s" % (a.seed, len(w.users), a.days, a.start, not a.no_inject),
             "",
             "logins per unit:"]
    lines += ["  %-18s %d" % (k, units[k]) for k in sorted(units)]
    lines += ["login status: " + ", ".join("%s %d" % (k, status[k]) for k in sorted(status)),
              "persons in the traveler system: %d (travelling public %d)" % (len(w.P), w.S),
              "associations: %d  watchlist: %d  clients: %d" % (len(w.assoc), len(w.watch), len(w.clients)),
              "cases: %d (closed by window end %d)  assignments: %d  case subjects: %d" %
              (len(w.cases), n_closed, sum(len(v) for v in w.assign.values()), sum(len(v) for v in w.case_subj.values())),
              "",
              "events: %d (legitimate %d, injected %d)" % (len(w.store), n_legit, len(w.store) - n_legit)]
    sys_count = {}
    for ms, grp, s, line in w.store:
        i = line.find('"system":"')
        sysn = line[i + 10:line.find('"', i + 10)]
        sys_count[sysn] = sys_count.get(sysn, 0) + 1
    lines += ["  %-10s %d" % (k, sys_count[k]) for k in sorted(sys_count)]
    lines += ["", "incidents: %d  labelled pieces: %d" % (len(incs), len(labels))]
    lines += ["  %-40s %d" % (k, by_kind[k]) for k in sorted(by_kind)]
    lines += ["", "hard negatives (rows written / candidate events):"]
    lines += ["  %-42s %d / %d" % (k, v[0], v[1]) for k, v in sorted(w.hn_counts.items())]
    with open(os.path.join(a.out, "world_summary.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
