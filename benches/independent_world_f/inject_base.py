"""Injection plumbing: borrowing the actor's real session of the day, emitting
injected events (own id streams), and turning events into labels through the
ground-truth function."""
import json
from emit import Out, Sess, subj_typed, subj_demo, TABS
from flows import DAY, on_shift
from truth import findings, case_kind, local_day_of, utc_day_of, EXEMPT
from util import rng, parse_ts, utc_to_local, START, enc_variant, local_minutes_to_ts, day_date
import datetime as dt


class SessIndex:
    """login -> [(t_abs_minutes, session, client, ip)] from the day's legitimate rows (lazy)."""

    def __init__(self, rows):
        self.rows = rows
        self.by = {}

    def _index(self, lg):
        if lg in self.by:
            return self.by[lg]
        k = '"user":"%s"' % lg
        out = []
        base = dt.datetime.combine(START, dt.time(0))
        for ts, _id, line, _t, _h in self.rows:
            if k in line:
                d = json.loads(line)
                if d.get("session") and d["user"] == lg:
                    loc = utc_to_local(parse_ts(ts))
                    out.append(((loc - base).total_seconds() / 60, d["session"], d["client"], d.get("ip", "")))
        out.sort()
        self.by[lg] = out
        return out

    def count(self, login):
        return len(self._index(login))

    def borrow(self, login, t):
        v = self._index(login)
        if not v:
            return None
        best = min(v, key=lambda x: (abs(x[0] - t), x[0]))
        return Sess(best[1], best[2], best[3], t, t)


class Inj:
    def __init__(self, W, inc, day):
        self.W, self.inc, self.day = W, inc, day
        self.o = Out(W.seed, f"inject/{inc['incident']}/{day}")
        self.rr = rng(W.seed, W.n, W.days, "inject", inc["incident"], day)
        inc.setdefault("_events", [])
        inc.setdefault("_labels", [])

    def ev(self, t, login, action, system, sess, typed_case, canon, purpose, subj, person, **kw):
        d = self.o.ev(t, login, action, system, sess, typed_case, purpose, subj, **kw)
        self.inc["_events"].append((d, person, (canon, typed_case or ""), login))
        return d

    def session(self, login, t, pool=None):
        s = self.inc["_sidx"].borrow(login, t)
        if s is None:
            W = self.W
            cl = (W.ws.get(pool) or W.ws["ADMIN"])
            c = cl[self.rr.randrange(len(cl))]
            s = Sess("%010x" % self.rr.getrandbits(40), c, W.clients[c][3], t, t + 30)
            self.ev(t - 0.3, login, "login", "SSO", s, None, None, None, None, None)
        return s

    def new_session(self, login, t, client, vpn=False):
        ip = f"172.20.{self.rr.randint(1, 60)}.{self.rr.randint(2, 250)}" if vpn else self.W.clients[client][3]
        s = Sess("%010x" % self.rr.getrandbits(40), client, ip, t, t + 60)
        self.ev(t, login, "login", "SSO", s, None, None, None, None, None)
        return s

    # ---------------------------------------------------------- lookup shapes
    def chart(self, t, login, sess, pat, purpose, enc=None, typed=None, tabs=None):
        """EHR chart open outside the care workflow: first row has MRN + name."""
        canon = enc if enc is not None else None
        typed_c = typed if typed is not None else (enc.id if enc not in (None, "unknown") else "")
        tabs = tabs if tabs is not None else self.rr.sample(TABS[:4], self.rr.randint(1, 3))
        ts = None
        d = self.ev(t, login, "query", "EHR", sess, typed_c, canon, purpose,
                    {"subject_person_id": pat.mrn, "subject_name": pat.name_lf()}, pat,
                    extra={"activity": "Chart Opened"})
        ts = d["ts"]
        for tab in tabs:
            self.ev(t, login, "query", "EHR", sess, typed_c, canon, purpose, {"subject_person_id": pat.mrn}, pat,
                    extra={"activity": tab}, ts=ts)

    def search(self, t, login, sess, pat, purpose, system="EHR", dob=True, first=True, habits=None, enc=None,
               typed=None, results=1):
        subj = subj_typed(pat, self.rr, habits or {}, dob_p=1.0 if dob else 0.0, first=first)
        typed_c = typed if typed is not None else ""
        self.ev(t, login, "query", system, sess, typed_c, enc, purpose, subj, pat, result_count=results,
                extra={"activity": "Patient Lookup"})

    def demo(self, t, login, sess, pat, purpose, system="ADT", enc=None, typed="", action="query",
             activity="Patient Demographics"):
        self.ev(t, login, action, system, sess, typed, enc, purpose, subj_demo(pat, self.rr), pat,
                extra={"activity": activity})

    def scen_label(self, detector, kind, login, events=None, note="", users=None):
        ids = [d["id"] for d, *_ in self.inc["_events"]] if events is None else [d["id"] for d in events]
        self.inc["_labels"].append(dict(detector=detector, kind=kind, user=login, ids=ids, note=note, users=users))


def t_in_shift(W, emp, d, rr, lo=0.15, hi=0.85):
    """A time inside the actor's shift whose UTC date equals its local date, so
    that date comparisons against the (local) reference dates read the same
    whichever way a reader converts the timestamp."""
    s = emp.sched[d]
    t = d * DAY + s[0] + (s[1] - s[0]) * rr.uniform(lo, hi)
    for _ in range(40):
        if local_minutes_to_ts(0, t)[:10] == day_date(int(t // DAY)).isoformat():
            return t
        t = d * DAY + s[0] + (s[1] - s[0]) * rr.uniform(0.05, 0.95)
    return t


def plain_patient(W, rr, emp, pool=None, day=None):
    """An unrelated patient: not staff, not a known associate of emp, not a VIP, not on emp's team."""
    pool = pool or W.adults
    for _ in range(200):
        p = pool[rr.randrange(len(pool))]
        if p.emp or p.tags & {"vip", "news", "reserved", "test"} or p.key in W.rel_of_person:
            continue
        if any(t.startswith("namesake_of:") for t in p.tags):
            continue
        if any(x.assigned(lg, dd) for x in W.encs_by_pat.get(p.key, []) for lg in emp.logins
               for dd in range((day or 0) - 1, (day or 0) + 2)):
            continue
        return p
    raise RuntimeError("no plain patient")


def safe_typed(enc_id, emp, rr):
    style = emp.habits.get("enc", "canon")
    if style in ("num", "yearnum", "mixed"):
        style = rr.choice(["canon", "nodash", "lower"])
    return enc_variant(enc_id, style, rr)


def compile_labels(W, inc, primary):
    """GT labels per (detector, kind, user) plus the scenario labels."""
    out = []
    groups = {}
    order = []
    for d, person, (canon, typed), login in inc["_events"]:
        if person is None and d["action"] in ("login", "logout", "login_failed", "export"):
            continue
        case = (canon if canon is not None else ("unknown" if typed else None), typed)
        if case[0] is None and typed:
            case = ("unknown", typed)
        for det, kind in findings(W, login, d, person, case):
            key = (det, kind, login)
            if key not in groups:
                groups[key] = []
                order.append(key)
            groups[key].append(d)
    for d, person, (canon, typed), login in inc["_events"]:
        if hasattr(canon, "team") and d.get("purpose") not in EXEMPT:
            lg = set(W.login_emp[login].logins)
            pk = person.key if person is not None else None
            if case_kind(W, lg, canon, pk, local_day_of(d["ts"])) != case_kind(W, lg, canon, pk, utc_day_of(d["ts"])):
                W.ambiguous = getattr(W, "ambiguous", 0) + 1
    for key in order:
        det, kind, login = key
        evs = groups[key]
        is_primary = (det, kind) in primary
        out.append(mk_label(W, inc, det, kind, login, evs,
                            ("" if is_primary else "secondary reason: ") + inc.get("note", inc["scenario"])))
    ev_by_id = {d["id"]: d for d, *_ in inc["_events"]}
    for L in inc["_labels"]:
        evs = [ev_by_id[i] for i in L["ids"]]
        lab = mk_label(W, inc, L["detector"], L["kind"], L["user"], evs, L["note"] or inc.get("note", inc["scenario"]))
        if L["users"] is not None:
            lab["users"] = L["users"]
            lab["employee_id"] = ""
        out.append(lab)
    # session logins/logouts the scenario needed: evidence of the user's primary label
    covered = {i for lab in out for i in lab["event_ids"]}
    for d, person, _c, login in inc["_events"]:
        if d["id"] in covered:
            continue
        tgt = [lab for lab in out if lab["user"] == login] or [lab for lab in out if login in lab.get("users", [])] \
            or out
        lab = tgt[0]
        evs = [ev_by_id[i] for i in lab["event_ids"]] + [d]
        evs.sort(key=lambda x: (x["ts"], x["id"]))
        lab["event_ids"] = [x["id"] for x in evs]
        lab["window_start"], lab["window_end"] = evs[0]["ts"], evs[-1]["ts"]
        covered.add(d["id"])
    return out


def mk_label(W, inc, det, kind, login, evs, note):
    evs = sorted(evs, key=lambda d: (d["ts"], d["id"]))
    emp = W.login_emp.get(login)
    return {"detector": det, "kind": kind, "user": login, "employee_id": emp.eid if emp else "",
            "event_ids": [d["id"] for d in evs], "window_start": evs[0]["ts"], "window_end": evs[-1]["ts"],
            "incident": inc["incident"], "scenario": inc["scenario"], "note": note}


def surge_users(W, inc, t, k, rr, exclude_team_of):
    """Staff on shift around t who have nothing to do with the patient."""
    cand = []
    for e in W.emps:
        if e.status != "active" or e.person is inc["target"]:
            continue
        if any(x.assigned(lg, dd) for x in exclude_team_of for lg in e.logins for dd in range(t // DAY - 1, t // DAY + 2)):
            continue
        if e.role in ("it_analyst", "director", "him_data"):
            continue
        if on_shift([e], t) or on_shift([e], t + 180):
            cand.append(e)
    rr.shuffle(cand)
    return cand[:k]
