"""Misconduct injection: planning, per-day execution and labels.

Injection has its own RNG streams ("inject-plan" and inject/<incident>/<day>/<login>) and its
own id streams. It reads the day's legitimate events only to borrow the actor's session,
terminal and working hours, and it only appends events, so the legitimate events are the same
bytes with or without it.

Labels: every injected event goes through the ground-truth function; each finding becomes its
own label under the incident. Scenario-level reasons (volume, credential, surge) are labelled on
the incident's events by the scenario itself.
"""
import collections

from common import day_date, fmt_ts, rng
from lookups import Ctx, Stream
from typing_variants import type_case


class Incident:
    def __init__(self, iid, scenario):
        self.iid, self.scenario = iid, scenario
        self.actor = None
        self.days = []
        self.params = {}
        self.story = ""
        self.primary = None            # (detector, kind) the story is about
        self.done = False
        self.users = set()


class ActorDay:
    """The actor on one day: own RNG and id stream, borrowed sessions, cover purpose."""

    def __init__(self, I, inc, d, emp, login, clock, tag=""):
        W = I.W
        key = "%s|%s|%s|I|%s|%d|%s%s" % (W.seed, W.n, W.days, inc.iid, d, login, tag)
        self.I, self.inc, self.d, self.emp, self.login, self.clock = I, inc, d, emp, login, clock
        self.st = Stream(key)
        self.r = rng(W.seed, W.n, W.days, "inject", inc.iid, d, login, tag)
        self.h = emp.habits
        self.sessions = I.sessions.get(login, [])
        o = W.cal.outage.get(d)
        self.outage = (clock(o[0]), clock(o[1])) if o else None

    def borrow(self, prefer_late=False):
        """(session, t_lo, t_hi) of one of the actor's real sessions today, or a new one."""
        r = self.r
        if self.sessions:
            ss = sorted(self.sessions, key=lambda x: x[3] - x[2], reverse=True)
            s = ss[0] if (prefer_late is False and r.random() < 0.6) else ss[r.randrange(len(ss))]
            if prefer_late:
                s = max(self.sessions, key=lambda x: x[3])
            sess, lo, hi = s[0], s[2], s[3]
            if hi - lo < 600:
                hi = lo + 600
            return sess, lo + 30, hi - 30
        emp = self.emp
        cl, ip = emp.terminal
        sess = self.st.session(self.login, cl, ip)
        a = self.clock(emp.shift + 1800 + r.randint(0, 3600))
        self.st.ev(a, sess, "login", "SSO")
        return sess, a + 60, a + 4 * 3600

    def times(self, lo, hi, n, min_gap=15, max_gap=240):
        """n increasing times starting somewhere in [lo, hi], avoiding the outage."""
        r = self.r
        span = sum(r.randint(min_gap, max_gap) for _ in range(n))
        start = lo + r.randint(0, max(1, (hi - lo) - span)) if hi - lo > span else lo
        out = []
        t = start
        for _ in range(n):
            if self.outage and self.outage[0] <= t < self.outage[1]:
                t = self.outage[1] + r.randint(300, 900)
            out.append(t)
            t += r.randint(min_gap, max_gap)
        return out

    def ctx(self, sess, purpose=None, case=None):
        """A lookup context with the actor's usual cover: the purpose of their ordinary work and,
        for case-keyed roles, one of their own open cases (or the given case)."""
        p, c = self.I.cover(self.emp, self.d, self.r)
        if purpose is not None:
            p = purpose
        if case is not None:
            c = case
        return Ctx(self.st, sess, self.h, self.r, p, c)


COVER = {"counter_clerk": "CUSTOMER_SERVICE", "examiner": "ROAD_TEST", "office_manager": "TRANSACTION_REVIEW",
         "cc_agent": "PHONE_INQUIRY", "cc_supervisor": "QUALITY_REVIEW", "title_clerk": "TITLE_PROCESSING",
         "title_supervisor": "TITLE_CORRECTION", "it_admin": "DATA_QUALITY", "director": "MANAGEMENT_REPORT"}
CASE_COVER = {"le_liaison": ("LAW_ENFORCEMENT_REQUEST", ("LE",)), "records_supervisor": ("LAW_ENFORCEMENT_REQUEST", ("LE",)),
              "records_clerk": ("RECORDS_REQUEST", ("RR",)), "fraud_investigator": ("INVESTIGATION", ("INV",)),
              "fraud_supervisor": ("INVESTIGATION", ("INV",)), "medical_analyst": ("MEDICAL_REVIEW", ("MR",)),
              "medical_supervisor": ("MEDICAL_REVIEW", ("MR",))}


class Injector:
    def __init__(self, W, truth):
        import scenarios
        self.W, self.truth = W, truth
        self.S = scenarios
        self.incidents = []
        self.labels = collections.OrderedDict()
        self.sessions = {}
        self.used = collections.Counter()
        scenarios.plan_all(self, rng(W.seed, W.n, W.days, "inject-plan"))
        self.by_day = collections.defaultdict(list)
        for inc in self.incidents:
            for d in sorted(set(inc.days)):
                self.by_day[d].append(inc)

    # -- helpers for scenarios ------------------------------------------------------------------
    def cover(self, emp, d, r):
        if emp.role in CASE_COVER:
            purpose, kinds = CASE_COVER[emp.role]
            mine = [c for c in self.W.wr.cases_of(emp.login, d, kinds) if not c.closed_before(d)]
            if mine and r.random() < 0.8:
                c = mine[r.randrange(len(mine))]
                typed, blank = type_case(c.cid, emp.habits, r)
                return purpose, (typed, c.cid)
            return purpose, ("", None)
        return COVER.get(emp.role, "CUSTOMER_SERVICE"), ("", None)

    def working(self, emp, d):
        cal = self.W.cal
        return emp.works(d, cal) and cal.business[d] and d not in cal.outage

    def new_incident(self, scenario):
        inc = Incident("INC-%03d" % (len(self.incidents) + 1), scenario)
        self.incidents.append(inc)
        return inc

    # -- per day --------------------------------------------------------------------------------
    def day(self, d, legit, clock):
        todays = self.by_day.get(d)
        if not todays:
            return []
        sess = {}
        self.legit_count = collections.Counter(e["user"] for e in legit)
        for e in legit:
            if not e.get("session"):
                continue
            k = (e["user"], e["session"])
            x = sess.get(k)
            if x is None:
                sess[k] = [e, e["ts"], e["ts"]]
            else:
                x[2] = e["ts"]
        self.sessions = collections.defaultdict(list)
        from lookups import Session
        for (login, sid), (e, lo, hi) in sess.items():
            self.sessions[login].append((Session(login, sid, e["client"], e["ip"]), e["client"], lo, hi))
        out = []
        date = day_date(d).isoformat()
        for inc in todays:
            evs, scen_labels = getattr(self.S, "run_" + inc.scenario)(self, inc, d, clock)
            inc.done = inc.done or bool(evs)
            self._label(inc, d, date, evs, scen_labels)
            out.extend(evs)
        return out

    # -- labels ---------------------------------------------------------------------------------
    def _add(self, inc, det, kind, user, evs, note, users=None):
        key = (inc.iid, det, kind, user)
        lab = self.labels.get(key)
        if lab is None:
            lg = self.W.ag.logins.get(user)
            eid = lg.emp.eid if lg else ""
            lab = {"detector": det, "kind": kind, "user": user, "employee_id": eid, "event_ids": [],
                   "_lo": None, "_hi": None, "incident": inc.iid, "scenario": inc.scenario, "note": note}
            if users is not None:
                lab["users"] = []
            self.labels[key] = lab
        for e in evs:
            if e["id"] not in lab["event_ids"]:
                lab["event_ids"].append(e["id"])
            lab["_lo"] = e["ts"] if lab["_lo"] is None else min(lab["_lo"], e["ts"])
            lab["_hi"] = e["ts"] if lab["_hi"] is None else max(lab["_hi"], e["ts"])
        if users is not None:
            for u in users:
                if u not in lab["users"]:
                    lab["users"].append(u)

    def _label(self, inc, d, date, evs, scen_labels):
        covered = set()
        for det, kind, user, levs, users in scen_labels:
            note = self._note(inc, det, kind)
            self._add(inc, det, kind, user, levs, note, users)
            covered.update(e["id"] for e in levs)
        for e in evs:
            for det, kind in self.truth.findings(e, d, date):
                self._add(inc, det, kind, e["user"], [e], self._note(inc, det, kind))
                covered.add(e["id"])
        for e in evs:
            if e["id"] not in covered:
                if inc.primary is None:
                    raise RuntimeError("%s %s: event without a label" % (inc.iid, inc.scenario))
                det, kind = inc.primary
                self._add(inc, det, kind, e["user"], [e], self._note(inc, det, kind))

    def _note(self, inc, det, kind):
        if inc.primary == (det, kind):
            return inc.story
        return "secondary reason (%s/%s) in: %s" % (det, kind, inc.story)

    def labels_out(self):
        out = []
        by_inc = collections.defaultdict(list)
        for lab in self.labels.values():
            by_inc[lab["incident"]].append(lab)
        story = {i.iid: i.story for i in self.incidents}
        for iid, labs in by_inc.items():
            if not any(l["note"] == story[iid] for l in labs):
                labs[0]["note"] = story[iid]
        for lab in self.labels.values():
            lab = dict(lab)
            lab["window_start"] = fmt_ts(lab.pop("_lo"))
            lab["window_end"] = fmt_ts(lab.pop("_hi"))
            ordered = {k: lab[k] for k in ("detector", "kind", "user", "employee_id", "event_ids",
                                           "window_start", "window_end", "incident", "scenario", "note")}
            if "users" in lab:
                ordered["users"] = sorted(lab["users"])
            out.append(ordered)
        return out
