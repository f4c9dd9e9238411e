"""Day-by-day simulation of the agency's legitimate work, and the event writer.

Legitimate work uses one random stream per day (`|day|d`) and never looks at the
injection stream, so a world generated with --no-inject holds exactly the same
legitimate events (same ids, same lines).
"""
import json
import random

import habits as H
from world import Case, F_PID, F_NAME, F_DOB, F_ADDR, F_PHONE, F_PLATE

# event identification flags (what the event carries about its subject)
E_PID, E_NAME, E_DOB, E_PLATE, E_PHONE, E_ADDR, E_SURNAME = 1, 2, 4, 8, 16, 32, 64

M48 = (1 << 48) - 1
SYS_CODE = {"SSO": 0, "RMS": 1, "CAD": 2, "SWITCH": 3, "DMV": 4, "JMS": 5, "LPR": 6, "CIVIL": 7}
SYS_NAME = {v: k for k, v in SYS_CODE.items()}
ACT_CODE = {"query": 0, "export": 1, "update": 2, "delete": 2, "login": 3, "logout": 3, "login_failed": 3}


def mix(x, salt):
    x = (x ^ salt) & M48
    x = (x * 0x5DEECE66D) & M48
    x ^= x >> 17
    x = (x * 0x2545F4914F6CDD1D) & M48
    x ^= x >> 23
    return x


def fmt_id(sc, n):
    if sc == 0:
        return f"sso-{n:012x}"
    if sc == 1:
        return f"RMS{n:015d}"
    if sc == 2:
        return f"{n:015d}"
    if sc == 3:
        return f"SW{n:012X}"
    if sc == 4:
        return f"dmv:{n:012x}"
    if sc == 5:
        return f"{n >> 16:08x}-{n & 0xffff:04x}-4{(n >> 4) & 0xfff:03x}-a{n & 0xfff:03x}-{(n * 2654435761) & M48:012x}"
    if sc == 6:
        return f"LPR-{n}"
    return f"CP{n:015d}"


class Rec:
    __slots__ = ("ts", "login", "client", "system", "action", "case_t", "case", "purpose", "person",
                 "flags", "fields", "rc", "qt", "session", "ip", "order", "inj", "tag")

    def __init__(self, ts, login, client, system, action, case_t, case, purpose, person, flags,
                 fields, rc, qt):
        self.ts, self.login, self.client, self.system, self.action = ts, login, client, system, action
        self.case_t, self.case, self.purpose, self.person = case_t, case, purpose, person
        self.flags, self.fields, self.rc, self.qt = flags, fields, rc, qt
        self.session = self.ip = None
        self.inj = None
        self.tag = None


UNKNOWN = "UNKNOWN"
ABSENT = object()


class Sim:
    def __init__(self, world, labeler, out_path):
        self.w = world
        self.clock = world.clock
        self.lab = labeler
        self.seed = world.seed
        self.salt = mix(world.seed * 7919 + 17, 0x1234567)
        self.legit_ctr = 0
        self.inj_ctr = 1 << 46
        self.sess_ctr = 0
        self.fh = open(out_path, "w", encoding="utf-8")
        self.buf = []
        self.order = 0
        self.n_written = 0
        self.out_of_order = 0
        self.last_flushed = -1
        self.release_q = {}
        self.timeline = {}
        self.assigned_today = {}
        self.created_today = []
        self.cad_seq = {}
        self.n_events = 0
        self.ids_inj = set()
        self.cad_all = []
        self.hist = {}

    # ------------------------------------------------------------ output
    def finalize(self, rec, injected):
        if injected:
            n = mix(self.inj_ctr, self.salt)
            self.inj_ctr += 1
        else:
            n = mix(self.legit_ctr, self.salt)
            self.legit_ctr += 1
        sc = SYS_CODE[rec.system]
        eid = fmt_id(sc, n)
        c = self.clock
        t = rec.ts
        s = rec.system
        lg = rec.login.name
        d = {"id": eid}
        ms = 0
        if s == "SSO":
            d["ts"] = c.fmt_local(t)
            d.update(user=lg, action=rec.action, system="SSO", client=rec.client)
            if rec.ip:
                d["ip"] = rec.ip
            d["session"] = rec.session
        elif s == "RMS":
            d["ts"] = c.fmt_local(t)
            d.update(user=lg, system="RMS", action=rec.action, client=rec.client)
            if rec.ip:
                d["ip"] = rec.ip
            d["session"] = rec.session
            if rec.case_t is not ABSENT and rec.case_t is not None:
                d["case_id"] = rec.case_t
            if rec.purpose:
                d["purpose"] = rec.purpose
            d.update(rec.fields)
            d["result_count"] = rec.rc
            if rec.qt:
                d["query_text"] = rec.qt
        elif s == "CAD":
            ms = (n >> 5) % 1000
            d["ts"] = c.fmt_utc(t, ms)
            d.update(user=lg, system="CAD", action=rec.action, client=rec.client)
            if rec.ip:
                d["ip"] = rec.ip
            d["case_id"] = rec.case_t if isinstance(rec.case_t, str) else ""
            d["purpose"] = rec.purpose or ""
            d.update(rec.fields)
            d["result_count"] = rec.rc
            if rec.qt:
                d["query_text"] = rec.qt
        elif s == "SWITCH":
            d["ts"] = c.fmt_utc(t)
            d.update(user=lg, system="SWITCH", action=rec.action, client=rec.client)
            if rec.ip:
                d["ip"] = rec.ip
            d["session"] = rec.session
            d["case_id"] = rec.case_t if isinstance(rec.case_t, str) else ""
            d["purpose"] = rec.purpose or ""
            d.update(rec.fields)
            if rec.qt:
                d["query_text"] = rec.qt
            d["result_count"] = rec.rc
        elif s == "DMV":
            d["ts"] = c.fmt_utc(t)
            d.update(user=lg, system="DMV", action=rec.action, client=rec.client)
            if isinstance(rec.case_t, str):
                d["case_id"] = rec.case_t
            d.update(rec.fields)
            d["result_count"] = rec.rc
        elif s == "JMS":
            ms = (n >> 7) % 1000
            d["ts"] = c.fmt_local(t, ms)
            d.update(user=lg, system="JMS", action=rec.action, client=rec.client)
            if rec.ip:
                d["ip"] = rec.ip
            d["session"] = rec.session
            d["case_id"] = rec.case_t if isinstance(rec.case_t, str) else None
            if d["case_id"] is None:
                del d["case_id"]
            if rec.purpose:
                d["purpose"] = rec.purpose
            if rec.fields:
                d["subject"] = rec.fields
            d["result_count"] = rec.rc
        elif s == "LPR":
            d["ts"] = c.fmt_utc(t)
            d.update(user=lg, system="LPR", action=rec.action, client=rec.client)
            d["case_id"] = rec.case_t if isinstance(rec.case_t, str) else ""
            d["purpose"] = rec.purpose or ""
            d.update(rec.fields)
            d["result_count"] = rec.rc
            if rec.qt:
                d["query_text"] = rec.qt
        else:  # CIVIL
            d["ts"] = c.fmt_local(t)
            d.update(user=lg, system="CIVIL", action=rec.action, client=rec.client)
            d["session"] = rec.session
            if isinstance(rec.case_t, str):
                d["case_id"] = rec.case_t
            d.update(rec.fields)
            d["result_count"] = rec.rc
        line = json.dumps(d, separators=(",", ":"))
        self.lab.event(rec, eid, sc, n, injected)
        if t * 1000 < self.last_flushed:
            self.out_of_order += 1
        self.buf.append((t * 1000 + ms, self.order, line))
        self.order += 1
        self.n_events += 1
        return eid

    def flush(self, upto):
        """Write every buffered event before UTC instant `upto` in time order."""
        if upto is not None:
            upto *= 1000
        self.buf.sort()
        k = 0
        out = []
        for t, o, line in self.buf:
            if upto is not None and t >= upto:
                break
            out.append(line)
            k += 1
        if out:
            self.fh.write("\n".join(out) + "\n")
            self.n_written += len(out)
            self.last_flushed = self.buf[k - 1][0]
        self.buf = self.buf[k:]

    def close(self):
        self.flush(None)
        self.fh.close()

    # ------------------------------------------------------------ helpers
    def new_session(self, rng_or_inj):
        if rng_or_inj is True:
            self.inj_ctr += 1
            return f"{mix(self.inj_ctr + (1 << 45), self.salt ^ 0xabc):012x}"
        self.sess_ctr += 1
        return f"{mix(self.sess_ctr, self.salt ^ 0xabc):012x}"

    def login_for(self, emp, system):
        if system == "SWITCH" and len(emp.logins) > 1:
            return emp.logins[1]
        return emp.logins[0]

    def typed_case(self, emp, case, rng, system):
        if case is None:
            ph = emp.habit["placeholder"]
            if rng.random() < 0.3:
                ph = rng.choice(H.PLACEHOLDERS)
            return ABSENT if ph is None else ph
        if case is UNKNOWN:
            raise ValueError
        if system in ("CAD", "JMS", "CIVIL") or (system == "RMS" and rng.random() < 0.7):
            if case.kind == "booking" and system == "JMS":
                return case.cid
            if system == "CAD" and case.kind != "cad" and rng.random() < 0.5:
                pass
            else:
                return case.cid
        t = H.typed_case(case.cid, case.kind, emp.habit["case"], rng)
        if emp.habit["case_case"] == 2 and rng.random() < 0.5:
            t = t.lower()
        return t

    # --------------------------------------------------- subject fields
    def name_bits(self, p, emp, rng, typo_ok=True, partial=True, nick=True):
        h = emp.habit
        last = H.typed_last(p.last, rng, allow_partial=partial)
        first = H.typed_first(p.first, rng, h["nick"] if nick else 0.0)
        if typo_ok and rng.random() < h["typo"]:
            if rng.random() < 0.7:
                last = H.typo(last, rng)
            else:
                first = H.typo(first, rng)
        mid = ""
        if p.middle:
            u = rng.random()
            mid = p.middle[0] if u < 0.45 else (p.middle if u < 0.55 else "")
        suf = p.suffix if (p.suffix and rng.random() < 0.6) else ""
        return last, first, mid, suf

    def whole_name(self, bits, emp, rng):
        last, first, mid, suf = bits
        f = emp.habit["name_fmt"] if rng.random() < 0.75 else rng.randrange(4)
        l2 = last + (" " + suf if suf else "")
        if f == 0:
            s = f"{l2}, {first}" + (f" {mid}" if mid else "")
        elif f == 1:
            s = f"{l2},{first}"
        elif f == 2:
            s = f"{first} {last}" + (f" {suf}" if suf else "")
        else:
            s = f"{first} {mid + ' ' if mid else ''}{last}" + (f" {suf}" if suf else "")
        return H.apply_case(s, emp.habit["name_case"] if rng.random() < 0.8 else rng.randrange(3))

    def subj(self, system, how, p, emp, rng, typo_ok=True, partial=True):
        """fields, flags, query_text, result_count for looking up person p."""
        h = emp.habit
        if how == "name" or how == "name_nodob":
            withdob = how == "name"
            bits = self.name_bits(p, emp, rng, typo_ok, partial)
            fl = E_NAME | (E_DOB if withdob else 0)
            common = 1 + (3 if p.last in ("SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER") else 0)
            rc = rng.randrange(1, 3) if withdob else rng.randrange(1, 6 + 10 * common)
            if system == "SWITCH":
                nm = self.whole_name(bits, emp, rng)
                f = {"subject_name": nm}
                qn = f"{bits[0]},{bits[1]}{' ' + bits[2][:1] if bits[2] else ''}".upper()
                if withdob:
                    ds = H.dob_text(p.dob, h["dob"] if rng.random() < 0.8 else rng.randrange(6))
                    if rng.random() < 0.5:
                        f["subject_dob"] = p.dob.isoformat()
                    qt = f"QW.NAM/{qn}.DOB/{ds}.SEX/{p.sex}"
                else:
                    qt = f"QW.NAM/{qn}.SEX/{p.sex}"
                return f, fl, qt, rc
            if system == "DMV":
                c = h["name_case"]
                f = {"subject_last_name": H.apply_case(bits[0], c), "subject_first_name": H.apply_case(bits[1], c)}
                if withdob:
                    f["subject_dob"] = p.dob.isoformat()
                return f, fl, None, rc
            if system == "RMS":
                c = h["name_case"]
                f = {"subject_last_name": H.apply_case(bits[0], c), "subject_first_name": H.apply_case(bits[1], c)}
                qt = f"MNI SEARCH LN={bits[0]} FN={bits[1]}".upper()
                if withdob:
                    f["subject_dob"] = p.dob.isoformat()
                    qt += f" DOB={p.dob.isoformat()}"
                return f, fl, qt, rc
            if system == "CIVIL":
                nm = self.whole_name(bits, emp, rng)
                return {"subject_name": nm}, E_NAME, None, 1
            raise ValueError(system)
        if how == "pid":
            if system == "JMS":
                f = {"person_id": p.pid, "last_name": p.name_ref(), "first_name": p.first, "dob": p.dob.isoformat()}
                return f, E_PID | E_NAME | E_DOB, None, 1
            f = {"subject_person_id": p.pid, "subject_last_name": p.name_ref(), "subject_first_name": p.first}
            return f, E_PID | E_NAME, f"MNI OPEN {p.pid}", 1
        if how == "plate":
            pl = H.typed_plate(p.plate, p.pstate, rng)
            if system == "SWITCH":
                return {"subject_plate": pl}, E_PLATE, f"RQ.LIC/{p.plate}.LIS/{p.pstate}", 1
            if system == "LPR":
                return {"subject_plate": pl}, E_PLATE, f"HOTLIST/HISTORY PLATE={pl.upper()}", rng.randrange(0, 40)
            return {"subject_plate": pl}, E_PLATE, None, 1
        if how == "addr":
            a = H.typed_address(p.addr, rng, case=h["addr_case"] if rng.random() < 0.7 else None)
            if system == "CAD":
                return {"subject_address": a}, E_ADDR, f"PREM HIST {a}", rng.randrange(0, 14)
            if system == "CIVIL":
                return {"subject_address": a}, E_ADDR, None, 1
            return {"subject_address": a}, E_ADDR, f"LOCATION SEARCH {a}".upper(), rng.randrange(1, 9)
        if how == "phone":
            ph = H.phone_fmt(p.phone, rng.randrange(8))
            if system == "CAD":
                return {"subject_phone": ph}, E_PHONE, f"ANI/ALI LOOKUP {ph}", 1
            return {"subject_phone": ph}, E_PHONE, f"MNI PHONE SEARCH {ph}", 1
        if how == "surname":
            ln = H.typed_last(p.last, rng, allow_partial=False)
            return ({"subject_last_name": H.apply_case(ln, h["name_case"])}, E_SURNAME,
                    f"MNI SEARCH LN={ln}*".upper(), rng.randrange(40, 900))
        raise ValueError(how)

    def rec_lookup(self, emp, t, client, system, how, p, case, purpose, rng, case_t=None,
                   typo_ok=True, partial=True, action="query"):
        f, fl, qt, rc = self.subj(system, how, p, emp, rng, typo_ok, partial)
        if case_t is None:
            case_t = self.typed_case(emp, case, rng, system)
        r = Rec(t, self.login_for(emp, system), client, system, action, case_t, case, purpose, p, fl, f, rc, qt)
        return r

    def how_for(self, case, p, want, rng):
        """The lookup styles the case row supports (so the lookup is explained)."""
        m = case.srows[p.idx] if case is not None else (F_PID | F_NAME | F_DOB | F_ADDR | F_PHONE | F_PLATE)
        if want == "name":
            return "name" if m & F_DOB else "name_nodob"
        if want == "pid":
            return "pid" if (m & F_PID and p.pid) else ("name" if m & F_DOB else "name_nodob")
        if want == "plate":
            return "plate" if (m & F_PLATE and p.plate) else None
        if want == "addr":
            return "addr" if m & F_ADDR else None
        if want == "phone":
            return "phone" if (m & F_PHONE and p.phone) else None
        return want

    # --------------------------------------------------------- sessions
    def sessionize(self, emp, login_recs, rng, shift_win):
        """Adds login/logout/timeout events and session ids to one login's day.
        A login signs in at the start of the shift; an idle session times out
        after an hour and the user signs in again while still on shift."""
        recs = sorted(login_recs, key=lambda r: (r.ts, r.order))
        out = []
        w = self.w
        lg = recs[0].login
        prev = None
        sess = ip = None
        if shift_win and recs[0].ts - shift_win[0] > 15 * 60:
            first = recs[0]
            t = shift_win[0] - rng.randrange(60, 600)
            sess = self.new_session(False)
            ip = w.client_ip.get(first.client) or f"172.{20 + rng.randrange(6)}.{rng.randrange(256)}.{rng.randrange(2, 254)}"
            a = self.auth(lg, first.client, "login", t, sess, ip)
            out.append(a)
            prev = a
        for r in recs:
            newblock = prev is None or r.client != prev.client or r.ts - prev.ts > 100 * 60
            if newblock:
                if prev is not None:
                    gap = r.ts - prev.ts
                    if gap > 100 * 60:
                        # idle timeout, and re-authentication while on shift
                        lo = prev.ts + 3600
                        out.append(self.auth(lg, prev.client, "logout", lo, sess, ip))
                        tt = lo
                        while r.ts - tt > 100 * 60 and shift_win and shift_win[0] - 900 <= tt <= shift_win[1]:
                            tt += rng.randrange(5, 40) * 60
                            s2 = self.new_session(False)
                            out.append(self.auth(lg, prev.client, "login", tt, s2, ip))
                            nxt = min(tt + 3600, r.ts - 300)
                            out.append(self.auth(lg, prev.client, "logout", nxt, s2, ip))
                            tt = nxt
                    else:
                        lo = prev.ts + rng.randrange(20, min(600, max(21, gap // 2)))
                        out.append(self.auth(lg, prev.client, "logout", lo, sess, ip))
                sess = self.new_session(False)
                ip = w.client_ip.get(r.client) or f"172.{20 + rng.randrange(6)}.{rng.randrange(256)}.{rng.randrange(2, 254)}"
                lead = rng.randrange(15, 240)
                if prev is not None:
                    lead = min(lead, max(1, (r.ts - prev.ts) // 3))
                if rng.random() < 0.02:
                    out.append(self.auth(lg, r.client, "login_failed", r.ts - lead - rng.randrange(5, 40), None, ip))
                out.append(self.auth(lg, r.client, "login", r.ts - lead, sess, ip))
            r.session, r.ip = sess, ip
            out.append(r)
            prev = r
        end = prev.ts + rng.randrange(30, 900)
        out.append(self.auth(lg, prev.client, "logout", end, sess, ip))
        return out

    def auth(self, lg, client, action, t, sess, ip):
        r = Rec(t, lg, client, "SSO", action, None, None, None, None, 0, None, None, None)
        r.session, r.ip = sess, ip
        r.order = self.order_tmp
        self.order_tmp += 1
        return r

    # -------------------------------------------------------------- day
    def run_day(self, d):
        w = self.w
        rng = random.Random(f"hcso-b|{self.seed}|day|{d}")
        self.day = d
        self.recs = {}            # login name -> list of Rec
        self.order_tmp = 0
        self.extra_auth = []
        self.assigned_today = {}
        self.created_today = []
        self.shift_of = {}
        self.timeline = {}
        c = self.clock
        on = {}
        for e in w.emps:
            sh = e.shifts.get(d)
            if sh:
                S, E = c.utc(d, sh[0]), c.utc(d, sh[1])
                self.shift_of[e.eid] = (S, E)
                on.setdefault(e.role, []).append(e)
        self.on = on
        busy = 1.3 if d == 0 else 1.0
        busy *= rng.uniform(0.85, 1.15)
        self.busy = busy
        self.patrol(d, rng)
        self.jail(d, rng)
        self.court(d, rng)
        self.civil(d, rng)
        self.cid(d, rng)
        self.tf(d, rng)
        self.records(d, rng)
        self.admin(d, rng)
        self.specials(d, rng)
        # sessions and finalize
        allrecs = list(self.extra_auth)
        for lname, lst in self.recs.items():
            emp = w.logins[lname].emp
            allrecs.extend(self.sessionize(emp, lst, rng, self.shift_of.get(emp.eid)))
        allrecs.sort(key=lambda r: (r.ts, r.order))
        tl = self.timeline
        for r in allrecs:
            self.finalize(r, False)
            tl.setdefault(r.login.name, []).append((r.ts, r.client, r.session, r.ip, r.system, r.action,
                                                    r.person.idx if r.person is not None else -1))
        for lname, lst in tl.items():
            q = [x for x in lst if x[5] == "query"]
            if q:
                self.hist.setdefault(lname, []).append((len(q), len({x[6] for x in q if x[6] >= 0})))

    def baseline(self, emp):
        """Typical (upper-quartile) daily lookups / distinct people of a login, from
        the days so far or from its unit today - used only to size injected volume."""
        from rules import upper_quartile
        h = self.hist.get(emp.logins[0].name, [])
        if h and emp.eid in self.shift_of:
            h = h[:-1]
        if len(h) >= 3:
            return upper_quartile([x[0] for x in h]), upper_quartile([x[1] for x in h])
        mates = [self.hist[l.name][-1] for e in self.w.emps if e.role == emp.role and e.eid in self.shift_of
                 for l in e.logins[:1] if l.name in self.hist]
        if mates:
            return upper_quartile([x[0] for x in mates]), upper_quartile([x[1] for x in mates])
        return 40, 15

    def add(self, r):
        r.order = self.order_tmp
        self.order_tmp += 1
        self.recs.setdefault(r.login.name, []).append(r)

    def note_assigned(self, emp, case):
        self.assigned_today.setdefault(emp.eid, []).append(case)

    def conflict(self, emp, p):
        if p.tag == 2:
            for a in self.w.assoc_of.get(p.idx, ()):
                if a.emp is emp:
                    return True
        return p.tag in (1, 3, 4)

    def pick_clean(self, rng, handlers, k=1):
        out = []
        while len(out) < k:
            p = self.w.pick(rng)[0]
            if any(self.conflict(h, p) for h in handlers if h is not None):
                continue
            if any(q.idx == p.idx for q in out):
                continue
            out.append(p)
        return out

    def new_cad(self, t, unit, rng):
        c = self.clock
        day, sec = c.local(t)
        self.cad_seq[day] = self.cad_seq.get(day, rng.randrange(1, 40)) + 1
        dt_ = c.date_of(day)
        cid = f"CFS{dt_.year % 100:02d}{dt_.month:02d}{dt_.day:02d}-{self.cad_seq[day]:04d}"
        case = self.w.add_case(Case(cid, "cad", day, unit))
        if day + 1 <= self.w.days - 1:
            case.status, case.closed = "closed", day + 1
        self.created_today.append(case)
        self.cad_all.append(case)
        return case, day

    def onduty_at(self, role_list, t, exclude=()):
        out = []
        for role in role_list:
            for e in self.on.get(role, ()):
                S, E = self.shift_of[e.eid]
                if S + 600 <= t <= E - 600 and e not in exclude:
                    out.append(e)
        return out

    def times(self, rng, S, E, n, avoid=None, gap=0, before=300, after=300):
        """n instants spread over [S, E) (one per slot, jittered)."""
        if E <= S or n <= 0:
            return []
        slot = (E - S) / n
        ts = [int(S + i * slot + rng.random() * slot) for i in range(n)]
        out = []
        for t in ts:
            if avoid and avoid[0] - before <= t <= avoid[1] + after:
                continue
            if out and t - out[-1] < gap:
                continue
            out.append(t)
        return out

    # ------------------------------------------------------------ patrol
    def patrol(self, d, rng):
        w = self.w
        deps = self.on.get("patrol", []) + self.on.get("patrol_sgt", []) + self.on.get("reserve", [])
        self.desk_block = {}
        for e in deps:
            S, E = self.shift_of[e.eid]
            if e.role == "reserve" or rng.random() < 0.12:
                continue
            b0 = rng.randrange(S + 9000, max(S + 9001, E - 9000))
            self.desk_block[e.eid] = (b0, b0 + rng.randrange(50, 110) * 60, rng.choice(e.desks))
        self.report_work = {}
        for e in deps:
            S, E = self.shift_of[e.eid]
            blk = self.desk_block.get(e.eid)
            if e.role == "patrol":
                n = round(rng.randrange(18, 30) * self.busy)
                ns = rng.randrange(4, 11)
            elif e.role == "patrol_sgt":
                n, ns = rng.randrange(4, 9), rng.randrange(0, 3)
            else:
                n, ns = rng.randrange(5, 10), rng.randrange(2, 6)
            calls = self.times(rng, S + 900, E - 1500, n, blk, gap=5 * 60, before=2700)
            for t in calls:
                self.call(e, t, rng)
            stops = self.times(rng, S + 600, E - 1200, ns, blk, gap=5 * 60, before=1500)
            for t in stops:
                if any(abs(t - x) < 300 for x in calls):
                    continue
                self.stop(e, t, rng)
            # field interviews / suspicious-person checks, self-initiated
            if e.role != "reserve":
                for t in self.times(rng, S + 1200, E - 1800, rng.randrange(2, 7), blk, before=1500):
                    if any(abs(t - x) < 300 for x in calls) or any(abs(t - x) < 300 for x in stops):
                        continue
                    self.field_interview(e, t, rng)
            if blk:
                self.write_reports(e, blk, rng)
        # warrant service by day-shift deputies
        for e in self.on.get("patrol", []):
            S, E = self.shift_of[e.eid]
            day_shift = self.clock.local(S)[1] < 12 * 3600
            if not day_shift:
                continue
            k = 0
            if d == 0:
                k = rng.randrange(1, 4)
            elif rng.random() < 0.3:
                k = 1
            blk = self.desk_block.get(e.eid)
            for t in self.times(rng, S + 3600, E - 3600, k, blk, gap=20 * 60, before=1500):
                self.serve_warrant(e, t, rng)

    def dispatcher_at(self, t, rng, exclude=()):
        lst = self.onduty_at(["dispatch"], t, exclude)
        return rng.choice(lst) if lst else None

    def call(self, dep, t, rng, subjects=None, special=None, disp=False):
        w = self.w
        if disp is False:
            disp = self.dispatcher_at(t, rng)
        backup = None
        if special is None and rng.random() < 0.25:
            cands = [x for x in self.onduty_at(["patrol", "patrol_sgt"], t, (dep,))
                     if not (self.desk_block.get(x.eid) and self.desk_block[x.eid][0] - 2700 <= t <= self.desk_block[x.eid][1] + 300)]
            if cands:
                backup = rng.choice(cands)
        if subjects is None:
            k = rng.choices((1, 2, 3, 4), (35, 35, 20, 10))[0]
            subjects = self.pick_clean(rng, (dep, disp, backup), k)
        case, cday = self.new_cad(t, dep.unit, rng)
        for p in subjects:
            case.add_subject(p, w.subj_mask(p, rng))
        for e in (dep, backup, disp):
            if e is not None:
                case.add_assign(e, e.logins[0].name, cday, cday + 1)
                self.note_assigned(e, case)
        mdt = dep.mdt
        # dispatcher: premise history for the location, sometimes a name run
        if disp is not None:
            dcl = self.disp_console(disp)
            p0 = subjects[0]
            td = t + rng.randrange(10, 90)
            if case.srows[p0.idx] & F_ADDR:
                self.add(self.rec_lookup(disp, td, dcl, "CAD", "addr", p0, case, "PREMISE", rng))
                if rng.random() < 0.6:
                    # the premise button also searches RMS location history, same second
                    self.add(self.rec_lookup(disp, td, dcl, "RMS", "addr", p0, case, "PREMISE", rng))
                if rng.random() < 0.25:
                    self.add(self.rec_lookup(disp, td + rng.randrange(20, 200), dcl, "CAD", "addr", p0, case, "PREMISE", rng))
            if len(subjects) > 1 and rng.random() < 0.4 and case.srows[subjects[1].idx] & F_ADDR:
                self.add(self.rec_lookup(disp, td + rng.randrange(30, 300), dcl, "CAD", "addr", subjects[1], case, "PREMISE", rng))
            if rng.random() < 0.25 and self.how_for(case, p0, "phone", rng):
                self.add(self.rec_lookup(disp, td - rng.randrange(0, 8), dcl, "CAD", "phone", p0, case, "CALLER", rng))
            for p in subjects:
                if rng.random() < 0.55:
                    self.fanout(disp, t + rng.randrange(60, 500), dcl, p, case, rng, systems=("SWITCH", "DMV"))
        tt = t + rng.randrange(60, 600)
        for p in subjects:
            self.fanout(dep, tt, mdt, p, case, rng)
            tt += rng.randrange(30, 240)
            if rng.random() < 0.6:
                # re-run after the person corrects a spelling or gives a date of birth
                self.fanout(dep, tt, mdt, p, case, rng)
                tt += rng.randrange(30, 180)
            if rng.random() < 0.4:
                hw = self.how_for(case, p, "pid", rng)
                self.add(self.rec_lookup(dep, tt, mdt, "RMS", hw, p, case, "CALL", rng))
                tt += rng.randrange(20, 120)
            if rng.random() < 0.08:
                self.add(self.rec_lookup(dep, tt, mdt, "RMS", "surname", p, case, "CALL", rng))
                tt += rng.randrange(20, 120)
            if rng.random() < 0.5 and self.how_for(case, p, "plate", rng):
                tc = self.typed_case(dep, case, rng, "DMV")
                for sysn in ("DMV", "SWITCH"):
                    self.add(self.rec_lookup(dep, tt, mdt, sysn, "plate", p, case, "CJ", rng, case_t=tc))
                if rng.random() < 0.15:
                    self.add(self.rec_lookup(dep, tt + rng.randrange(20, 90), mdt, "LPR", "plate", p, case, "CALL", rng))
                tt += rng.randrange(30, 200)
        if rng.random() < 0.3 and case.srows[subjects[0].idx] & F_ADDR:
            self.add(self.rec_lookup(dep, t + rng.randrange(0, 300), mdt, "CAD", "addr", subjects[0], case, "PREMISE", rng))
        if backup is not None:
            tb = t + rng.randrange(120, 900)
            for p in subjects[:2]:
                self.fanout(backup, tb, backup.mdt, p, case, rng, systems=("SWITCH", "RMS"))
                tb += rng.randrange(30, 300)
        if special:
            return case
        u = rng.random()
        if u < 0.3:
            rep = w.add_case(Case(w.next_rms(self.clock.date_of(cday).year), "rms", cday, dep.unit))
            for p in subjects:
                rep.add_subject(p, case.srows[p.idx])
            rep.add_assign(dep, dep.eid, cday, None)
            if rng.random() < 0.15:
                if rng.random() < 0.5 and cday + 2 < w.days:
                    rep.status, rep.closed = "closed", cday + rng.randrange(2, 12)
                    if rep.closed > w.days - 1:
                        rep.status, rep.closed = "open", None
            self.report_work.setdefault(dep.eid, []).append((t, rep))
            self.note_assigned(dep, rep)
            if rng.random() < 0.15 and w.byrole["cid"]:
                inv = rng.choice(w.byrole["cid"])
                if not any(self.conflict(inv, p) for p in subjects):
                    rep.add_assign(inv, inv.eid, cday + 1, None)
                    w.cid_cases[inv.eid].append(rep)
        elif u < 0.42:
            self.book(subjects[0], t + rng.randrange(2400, 6000), rng, "ARREST")
        return case

    def disp_console(self, disp):
        cons = disp.desks
        return cons[disp.idx % len(cons)]

    def fanout(self, emp, t, client, p, case, rng, systems=("SWITCH", "DMV", "RMS")):
        hw = self.how_for(case, p, "name", rng)
        tc = self.typed_case(emp, case, rng, "SWITCH")
        for sysn in systems:
            self.add(self.rec_lookup(emp, t, client, sysn, hw, p, case, "CJ", rng, case_t=tc))

    def stop(self, dep, t, rng):
        w = self.w
        disp = self.dispatcher_at(t, rng)
        k = 2 if rng.random() < 0.2 else 1
        subjects = self.pick_clean(rng, (dep, disp), k)
        case, cday = self.new_cad(t, dep.unit, rng)
        for p in subjects:
            case.add_subject(p, w.subj_mask(p, rng))
        case.add_assign(dep, dep.logins[0].name, cday, cday + 1)
        self.note_assigned(dep, case)
        if disp is not None:
            case.add_assign(disp, disp.logins[0].name, cday, cday + 1)
        drv = subjects[0]
        tt = t
        if self.how_for(case, drv, "plate", rng):
            tc = self.typed_case(dep, case, rng, "DMV")
            for sysn in ("DMV", "SWITCH"):
                self.add(self.rec_lookup(dep, tt, dep.mdt, sysn, "plate", drv, case, "TRAFFIC", rng, case_t=tc))
            if disp is not None and rng.random() < 0.4:
                self.add(self.rec_lookup(disp, tt + rng.randrange(5, 60), self.disp_console(disp), "SWITCH", "plate", drv, case, "CJ", rng))
            tt += rng.randrange(60, 240)
        for p in subjects:
            self.fanout(dep, tt, dep.mdt, p, case, rng)
            tt += rng.randrange(20, 120)
            if rng.random() < 0.3:
                self.add(self.rec_lookup(dep, tt, dep.mdt, "DMV", self.how_for(case, p, "name", rng), p, case, "TRAFFIC", rng))
                tt += rng.randrange(20, 90)
        if rng.random() < 0.04:
            self.book(drv, t + rng.randrange(2400, 5000), rng, "ARREST")

    def field_interview(self, dep, t, rng):
        w = self.w
        k = rng.choices((1, 2, 3), (50, 35, 15))[0]
        subjects = self.pick_clean(rng, (dep,), k)
        case, cday = self.new_cad(t, dep.unit, rng)
        for p in subjects:
            case.add_subject(p, w.subj_mask(p, rng))
        case.add_assign(dep, dep.logins[0].name, cday, cday + 1)
        self.note_assigned(dep, case)
        tt = t
        for p in subjects:
            self.fanout(dep, tt, dep.mdt, p, case, rng)
            tt += rng.randrange(15, 90)
            if rng.random() < 0.3:
                self.fanout(dep, tt, dep.mdt, p, case, rng, systems=("SWITCH",))
                tt += rng.randrange(15, 90)

    def write_reports(self, dep, blk, rng):
        b0, b1, desk = blk
        work = [x for x in self.report_work.get(dep.eid, []) if x[0] < b0]
        t = b0 + rng.randrange(60, 300)
        for _, rep in work:
            if t > b1 - 60:
                break
            for p in rep.subjects:
                hw = self.how_for(rep, p, "pid", rng)
                self.add(self.rec_lookup(dep, t, desk, "RMS", hw, p, rep, "REPORT", rng))
                t += rng.randrange(40, 300)
                if t > b1 - 60:
                    break

    def serve_warrant(self, dep, t, rng):
        w = self.w
        open_w = [c for c in w.warrants if c.status == "open"]
        if not open_w:
            return
        for _ in range(10):
            c = rng.choice(open_w)
            p = c.subjects[0]
            if not self.conflict(dep, p):
                break
        else:
            return
        cday = self.clock.local_day(t)
        c.add_assign(dep, dep.eid, cday, cday)
        self.note_assigned(dep, c)
        self.fanout(dep, t, dep.mdt, p, c, rng, systems=("SWITCH", "RMS"))
        self.add(self.rec_lookup(dep, t + rng.randrange(60, 300), dep.mdt, "CAD", "addr", p, c, "WARRANT", rng))
        if rng.random() < 0.4:
            c.status, c.closed = "closed", cday
            self.book(p, t + rng.randrange(2400, 5400), rng, "WARRANT")

    # -------------------------------------------------------------- jail
    def book(self, p, t, rng, why):
        w = self.w
        jd = self.onduty_at(["jail", "jail_sgt"], t)
        jd = [j for j in jd if not self.conflict(j, p)]
        if not jd:
            return
        j = rng.choice(jd)
        bday = self.clock.local_day(t)
        c = w.new_booking(bday, rng)
        c.add_subject(p, w.subj_mask(p, rng, full=True))
        c.add_assign(j, j.logins[0].name, bday, None)
        self.note_assigned(j, c)
        w.in_custody.append(c)
        rel = bday + rng.choice((1, 1, 2, 3, 5, 8, 20))
        self.release_q.setdefault(rel, []).append(c)
        cl = self.jail_client(j)
        if p.pid:
            self.add(self.rec_lookup(j, t, cl, "JMS", "pid", p, c, "BOOKING", rng))
        else:
            self.add(self.rec_lookup(j, t, cl, "SWITCH", "name", p, c, "CJ", rng))
        tt = t + rng.randrange(60, 400)
        self.add(self.rec_lookup(j, tt, cl, "SWITCH", "name", p, c, "CJ", rng))
        tt += rng.randrange(60, 400)
        self.add(self.rec_lookup(j, tt, cl, "RMS", "pid" if p.pid else "name", p, c, "BOOKING", rng))
        if rng.random() < 0.5 and p.pid:
            self.add(self.rec_lookup(j, tt + rng.randrange(300, 1800), cl, "JMS", "pid", p, c, "BOOKING", rng))

    def jail_client(self, j):
        return j.desks[(j.idx + self.day) % len(j.desks)]

    def jail(self, d, rng):
        w = self.w
        staff = self.on.get("jail", []) + self.on.get("jail_sgt", [])
        if not staff:
            return
        # outside-agency arrests brought to the jail
        for e in staff:
            S, E = self.shift_of[e.eid]
            for t in self.times(rng, S + 1800, E - 1800, rng.randrange(2, 6)):
                p = self.pick_clean(rng, staff)[0]
                self.book(p, t, rng, "OUTSIDE")
        # releases due today
        for c in self.release_q.pop(d, []):
            if c.status != "open":
                continue
            t = self.clock.utc(d, rng.randrange(9 * 3600, 17 * 3600))
            jd = [j for j in self.onduty_at(["jail", "jail_sgt"], t) if not self.conflict(j, c.subjects[0])]
            if not jd:
                continue
            j = rng.choice(jd)
            c.status, c.closed = "closed", d
            c.add_assign(j, j.logins[0].name, d, d)
            self.note_assigned(j, c)
            if c in w.in_custody:
                w.in_custody.remove(c)
            cl = self.jail_client(j)
            p = c.subjects[0]
            self.add(self.rec_lookup(j, t, cl, "SWITCH", "name", p, c, "RELEASE", rng))
            if p.pid:
                self.add(self.rec_lookup(j, t + rng.randrange(60, 600), cl, "JMS", "pid", p, c, "RELEASE", rng))
        # some long-stay inmates leave on their own schedule
        if w.in_custody and rng.random() < 0.5:
            c = rng.choice(w.in_custody)
            if c.opened < 0:
                self.release_q.setdefault(d + rng.randrange(1, 4), []).append(c)
        # inmate management and visitor screening
        inmates = [c for c in w.in_custody if c.status == "open" and c.subjects[0].pid and c.opened < d]
        for e in staff:
            S, E = self.shift_of[e.eid]
            n = rng.randrange(110, 200) if e.role == "jail" else rng.randrange(12, 28)
            cl = self.jail_client(e)
            ts = sorted(rng.randrange(S + 600, E - 600) for _ in range(n))
            for t in ts:
                if not inmates:
                    break
                c = rng.choice(inmates)
                p = c.subjects[0]
                if self.conflict(e, p):
                    continue
                r = self.rec_lookup(e, t, cl, "JMS", "pid", p, None, "INMATE_MGMT", rng, case_t=ABSENT)
                self.add(r)
            loc = self.clock.local(S)[1]
            if loc < 12 * 3600 and e.role == "jail":
                vs = self.clock.utc(d, 9 * 3600)
                ve = min(E - 900, self.clock.utc(d, 17 * 3600 + 1800))
                for t in self.times(rng, vs, ve, rng.randrange(10, 30)):
                    p = self.pick_clean(rng, (e,))[0]
                    self.add(self.rec_lookup(e, t, cl, "SWITCH", rng.choice(("name", "name", "name_nodob")),
                                             p, None, "VISITOR_SCREENING", rng))

    # -------------------------------------------------------------- court
    def court(self, d, rng):
        for e in self.on.get("court", []):
            S, E = self.shift_of[e.eid]
            n = rng.randrange(90, 180) if e is not self.w.byrole["court"][0] else rng.randrange(10, 30)
            cl = e.desks[e.idx % len(e.desks)]
            # mornings are busiest
            ts = sorted(S + int((E - S - 1800) * (rng.random() ** 1.6)) + 900 for _ in range(n))
            last = 0
            for t in ts:
                t = max(t, last + rng.randrange(20, 90))
                last = t
                p = self.pick_clean(rng, (e,))[0]
                how = "name" if rng.random() < 0.7 else "name_nodob"
                self.add(self.rec_lookup(e, t, cl, "SWITCH", how, p, None, "COURT_SCREENING", rng))

    # -------------------------------------------------------------- civil
    def civil(self, d, rng):
        w = self.w
        for e in self.on.get("civil", []):
            S, E = self.shift_of[e.eid]
            for _ in range(rng.randrange(6, 14)):
                w.new_civil(e, d, rng)
            mine = [c for c in w.civil_open if c.status == "open" and c.extra[0] is e and c.opened <= d]
            rng.shuffle(mine)
            desk = e.desks[0]
            # first hour at the office desk sorting papers, then on the road
            t = S + rng.randrange(300, 900)
            for c in mine[:rng.randrange(5, 11)]:
                p = c.subjects[0]
                f, fl, qt, rc = self.subj("CIVIL", "name", p, e, rng)
                af, afl, _, _ = self.subj("CIVIL", "addr", p, e, rng)
                f.update(af)
                self.add(Rec(t, e.logins[0], desk, "CIVIL", "query", c.cid, c, None, p, fl | afl, f, 1, None))
                t += rng.randrange(120, 600)
            t += rng.randrange(1800, 3000)
            for c in mine[:rng.randrange(10, 18)]:
                if t > E - 1800:
                    break
                p = c.subjects[0]
                if self.conflict(e, p):
                    continue
                f, fl, qt, rc = self.subj("CIVIL", "name", p, e, rng)
                af, afl, _, _ = self.subj("CIVIL", "addr", p, e, rng)
                f.update(af)
                self.add(Rec(t, e.logins[0], e.mdt, "CIVIL", "query", c.cid, c, None, p, fl | afl, f, 1, None))
                self.add(self.rec_lookup(e, t + rng.randrange(30, 240), e.mdt, "CAD", "addr", p, c, "CIVIL", rng,
                                         case_t=self.typed_case(e, c, rng, "SWITCH")))
                if rng.random() < 0.7 and c.srows[p.idx] & F_DOB:
                    self.add(self.rec_lookup(e, t + rng.randrange(240, 600), e.mdt, "SWITCH", "name", p, c, "CJ", rng))
                if rng.random() < 0.3:
                    self.add(self.rec_lookup(e, t + rng.randrange(600, 900), e.mdt, "RMS", "pid" if (p.pid and c.srows[p.idx] & F_PID) else "name_nodob", p, c, "CIVIL", rng))
                c.extra[1] += 1
                if rng.random() < 0.45:
                    c.status, c.closed = "closed", d
                self.note_assigned(e, c)
                t += rng.randrange(900, 2000)

    # ---------------------------------------------------------------- CID
    def cid(self, d, rng):
        w = self.w
        for e in self.on.get("cid", []):
            S, E = self.shift_of[e.eid]
            mine = [c for c in w.cid_cases[e.eid] if c.status == "open" and c.assigned(e, d)]
            if not mine:
                continue
            desk = e.desks[0]
            t = S + rng.randrange(900, 3600)
            k = rng.randrange(4, 8)
            for c in rng.sample(mine, min(k, len(mine))):
                self.note_assigned(e, c)
                for _ in range(rng.randrange(10, 26)):
                    if t > E - 900:
                        break
                    p = rng.choice(c.subjects)
                    u = rng.random()
                    if u < 0.35:
                        self.add(self.rec_lookup(e, t, desk, "RMS", self.how_for(c, p, "pid", rng), p, c, "INVESTIGATION", rng))
                    elif u < 0.6:
                        self.add(self.rec_lookup(e, t, desk, "SWITCH", self.how_for(c, p, "name", rng), p, c, "CJ", rng))
                    elif u < 0.75 and self.how_for(c, p, "plate", rng):
                        self.add(self.rec_lookup(e, t, desk, rng.choice(("DMV", "LPR")), "plate", p, c, "INVESTIGATION", rng))
                    elif u < 0.82 and self.how_for(c, p, "phone", rng):
                        self.add(self.rec_lookup(e, t, desk, "RMS", "phone", p, c, "INVESTIGATION", rng))
                    elif u < 0.9 and self.how_for(c, p, "addr", rng):
                        self.add(self.rec_lookup(e, t, desk, "RMS", "addr", p, c, "INVESTIGATION", rng))
                    else:
                        self.add(self.rec_lookup(e, t, desk, "RMS", "surname", p, c, "INVESTIGATION", rng))
                    t += rng.randrange(40, 500)
                t += rng.randrange(600, 2400)
            # occasionally close a case
            if rng.random() < 0.08:
                c = rng.choice(mine)
                if c.opened < d:
                    c.status, c.closed = "closed", d

    # ---------------------------------------------------------------- TF
    def tf(self, d, rng):
        w = self.w
        for e in self.on.get("tf", []):
            S, E = self.shift_of[e.eid]
            desk = e.desks[e.idx % len(e.desks)]
            cases = rng.sample(w.tf_cases, min(len(w.tf_cases), rng.randrange(1, 4)))
            for c in cases:
                self.note_assigned(e, c)
            evening = d in e.evening_ops
            end_desk = self.clock.utc(d, 17 * 3600 + 1800) if evening else E - 600
            n = rng.randrange(100, 200)
            ts = sorted(rng.randrange(S + 600, end_desk) for _ in range(n))
            hot = [p for c in cases for p in c.subjects]
            for t in ts:
                c = rng.choice(cases)
                p = rng.choice(c.subjects[:6]) if rng.random() < 0.6 else rng.choice(c.subjects)
                u = rng.random()
                if u < 0.4 and self.how_for(c, p, "plate", rng):
                    self.add(self.rec_lookup(e, t, desk, "LPR", "plate", p, c, "INVESTIGATION", rng))
                elif u < 0.6:
                    self.add(self.rec_lookup(e, t, desk, "RMS", self.how_for(c, p, "pid", rng), p, c, "INVESTIGATION", rng))
                elif u < 0.8:
                    self.add(self.rec_lookup(e, t, desk, "SWITCH", self.how_for(c, p, "name", rng), p, c, "CJ", rng))
                elif self.how_for(c, p, "plate", rng):
                    self.add(self.rec_lookup(e, t, desk, "DMV", "plate", p, c, "INVESTIGATION", rng))
            if evening:
                t = end_desk + rng.randrange(1800, 3000)
                while t < E - 600:
                    c = rng.choice(cases)
                    p = rng.choice(c.subjects[:6])
                    if self.how_for(c, p, "plate", rng):
                        self.add(self.rec_lookup(e, t, e.mdt, "LPR", "plate", p, c, "SURVEILLANCE", rng))
                    else:
                        self.add(self.rec_lookup(e, t, e.mdt, "SWITCH", self.how_for(c, p, "name", rng), p, c, "CJ", rng))
                    t += rng.randrange(300, 2400)
            # the task-force analyst's weekly case export
            wd = (self.clock.day0 + d + 3) % 7
            if wd == 2 and e is w.byrole["tf"][-1]:
                c = cases[0]
                t = rng.randrange(S + 3600, end_desk - 600)
                r = Rec(t, e.logins[0], desk, "RMS", "export", self.typed_case(e, c, rng, "RMS"), c, "CASE_ANALYSIS",
                        None, 0, {}, rng.randrange(300, 3000), f"EXPORT CASE {c.cid} LINKED PERSONS/VEHICLES")
                self.add(r)

    # ----------------------------------------------------------- records
    def records(self, d, rng):
        w = self.w
        staff = self.on.get("records", [])
        open_w = [c for c in w.warrants if c.status == "open"]
        wd = (self.clock.day0 + d + 3) % 7
        exported = False
        for e in staff:
            S, E = self.shift_of[e.eid]
            desk = e.desks[0]
            n = round(rng.randrange(85, 140) * (1.35 if d == 0 else 1.0))
            ts = sorted(rng.randrange(S + 900, E - 900) for _ in range(n))
            for t in ts:
                c = rng.choice(open_w)
                p = c.subjects[0]
                if self.conflict(e, p):
                    continue
                self.note_assigned(e, c)
                self.add(self.rec_lookup(e, t, desk, "RMS", "pid" if p.pid else "name", p, c, "WARRANT_VALIDATION", rng))
                self.add(self.rec_lookup(e, t + rng.randrange(20, 200), desk, "SWITCH", "name", p, c, "CJ", rng))
            for _ in range(rng.randrange(1, 6)):
                c = rng.choice(open_w)
                p = c.subjects[0]
                if not p.pid or self.conflict(e, p):
                    continue
                t = rng.randrange(S + 900, E - 900)
                fld, val = rng.choice((("addr_line1", p.addr.rms().split(",")[0]), ("phone", p.phone or "UNKNOWN"),
                                       ("alias", p.first[:1] + " " + p.last), ("height", f"5{rng.randrange(0, 12):02d}")))
                r = Rec(t, e.logins[0], desk, "RMS", "update", c.cid, c, "WARRANT_VALIDATION", p, E_PID | E_NAME,
                        {"subject_person_id": p.pid, "subject_last_name": p.name_ref(), "subject_first_name": p.first},
                        1, f"UPDATE mni_person SET {fld}='{val}' WHERE mni_id='{p.pid}'")
                self.add(r)
            if not exported and (wd == 0 or (d == 0 and wd < 5)):
                exported = True
                t = rng.randrange(S + 1800, E - 1800)
                r = Rec(t, e.logins[0], desk, "RMS", "export", ABSENT if rng.random() < 0.5 else "", None,
                        "STATE_REPORTING", None, 0, {}, rng.randrange(2000, 5200),
                        "EXPORT NIBRS WEEKLY INCIDENT/ARREST EXTRACT")
                self.add(r)

    # ------------------------------------------------------------ admin
    def admin(self, d, rng):
        w = self.w
        for e in self.on.get("admin", []):
            mine = [c for lst in w.cid_cases.values() for c in lst if c.status == "open" and c.assigned(e, d)]
            S, E = self.shift_of[e.eid]
            if not mine:
                # commanders still sign in to read reports and mail
                lg = e.logins[0]
                s = self.new_session(False)
                ip = w.client_ip.get(e.desks[0])
                self.extra_auth.append(self.auth(lg, e.desks[0], "login", S + rng.randrange(300, 1800), s, ip))
                self.extra_auth.append(self.auth(lg, e.desks[0], "logout", E - rng.randrange(300, 1800), s, ip))
                continue
            for t in self.times(rng, S + 1800, E - 1800, rng.randrange(0, 7)):
                c = rng.choice(mine)
                p = rng.choice(c.subjects)
                self.note_assigned(e, c)
                self.add(self.rec_lookup(e, t, e.desks[0], "RMS", self.how_for(c, p, "pid", rng), p, c, "REVIEW", rng))

    # --------------------------------------------------------- specials
    def specials(self, d, rng):
        """Legitimate situations a naive detector mistakes for misuse."""
        w = self.w
        D = w.days
        # deputies as victims, officials as complainants, handled by someone else
        srng = random.Random(f"hcso-b|{self.seed}|special|{d}")
        lam = 1.5 * max(6, w.users * D / 250) / D
        n_vict = int(lam) + (1 if srng.random() < lam - int(lam) else 0)
        for _ in range(n_vict):
            self.victim_call(srng, coworker=srng.random() < 0.6)
        if d == D // 2 or (D >= 30 and d == (3 * D) // 4):
            self.manhunt(srng)

    def victim_call(self, rng, coworker):
        w = self.w
        deps = [e for e in self.on.get("patrol", [])]
        if not deps:
            return
        dep = rng.choice(deps)
        S, E = self.shift_of[dep.eid]
        blk = self.desk_block.get(dep.eid)
        for _ in range(6):
            t = rng.randrange(S + 3600, E - 3600)
            if not (blk and blk[0] - 4500 <= t <= blk[1] + 600):
                break
        else:
            return
        if coworker:
            cands = [v for v in w.emps if v is not dep and v.status == "active" and v.role != "admin"]
            v = rng.choice(cands)
            p = v.person
        else:
            p = rng.choice(w.watch)[0]
        disp = self.dispatcher_at(t, rng)
        if disp is not None and disp.person is p:
            return
        case = self.call(dep, t, rng, subjects=[p], special=True, disp=disp)
        # the victim's record row lists everything
        case.srows[p.idx] = F_PID | F_NAME | F_DOB | F_ADDR | (F_PHONE if p.phone else 0) | (F_PLATE if p.plate else 0)
        rep = w.add_case(Case(w.next_rms(self.clock.date_of(case.opened).year), "rms", case.opened, dep.unit))
        rep.add_subject(p, case.srows[p.idx])
        rep.add_assign(dep, dep.eid, case.opened, None)
        self.note_assigned(dep, rep)
        tt = t + rng.randrange(900, 2400)
        self.add(self.rec_lookup(dep, tt, dep.mdt, "RMS", "pid", p, rep, "REPORT", rng))
        if p.plate:
            self.add(self.rec_lookup(dep, tt + 120, dep.mdt, "DMV", "plate", p, rep, "REPORT", rng))

    def manhunt(self, rng):
        w = self.w
        deps = self.on.get("patrol", []) + self.on.get("patrol_sgt", [])
        if len(deps) < 4:
            return
        lead = rng.choice(deps)
        S, E = self.shift_of[lead.eid]
        blk = self.desk_block.get(lead.eid)
        t0 = S + rng.randrange(2 * 3600, max(2 * 3600 + 1, E - S - 4 * 3600))
        grp = [lead] + [e for e in deps if e is not lead and self.shift_of[e.eid][0] + 600 <= t0 and self.shift_of[e.eid][1] - 600 >= t0 + 2 * 3600]
        if len(grp) < 4 or (blk and blk[0] - 4500 <= t0 <= blk[1] + 600):
            return
        suspect = self.pick_clean(rng, grp)[0]
        disp = self.dispatcher_at(t0, rng)
        if disp is not None and self.conflict(disp, suspect):
            return
        case = self.call(lead, t0, rng, subjects=[suspect], special=True, disp=disp)
        case.srows[suspect.idx] |= F_DOB
        for e in grp[1:]:
            case.add_assign(e, e.logins[0].name, case.opened, case.opened + 1)
            self.note_assigned(e, case)
            blk = self.desk_block.get(e.eid)
            for _ in range(rng.randrange(1, 3)):
                t = t0 + rng.randrange(120, 2 * 3600)
                if blk and blk[0] - 2700 <= t <= blk[1] + 300:
                    continue
                self.fanout(e, t, e.mdt, suspect, case, rng, systems=("SWITCH", "RMS"))
