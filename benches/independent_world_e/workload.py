"""Legitimate daily work: the day frame (sessions, logins, lunch) and the field offices
(counter clerks, driver examiners, office managers).

Each (day, employee) pair has its own RNG stream and id stream, keyed by seed, N, D, day and
employee, so the legitimate world does not depend on what else is generated.
"""
from common import at, rng
from lookups import Ctx, Stream, q_address, q_dl, q_name, q_plate, q_vin, u_record

TX_WEIGHTS = [("DL_RENEWAL", 22), ("REGISTRATION_RENEWAL", 20), ("TITLE_TRANSFER", 11),
              ("ADDRESS_CHANGE", 8), ("DL_DUPLICATE", 6), ("REAL_ID", 10), ("ID_CARD", 5),
              ("NEW_REGISTRATION", 6), ("KNOWLEDGE_TEST", 6), ("PLATE_REPLACEMENT", 3),
              ("CUSTOMER_SERVICE", 3)]
TX_NAMES = [t for t, _ in TX_WEIGHTS]
TX_W = [w for _, w in TX_WEIGHTS]
PEAK_TX_W = [w * (3 if t == "REGISTRATION_RENEWAL" else 1) for t, w in TX_WEIGHTS]


class World:
    def __init__(self, seed, n, days, cal, ag, wr, plan):
        self.seed, self.n, self.days, self.cal, self.ag, self.wr, self.plan = seed, n, days, cal, ag, wr, plan
        self.towns_w = {}
        for s in ag.offices:
            self.towns_w[s.code] = ([t.name for t in s.catchment], [t.pop + 2 for t in s.catchment])
        self.rr_closed = [c for c in wr.cases.values() if c.kind == "RR" and c.closed is not None]
        self.le_work = {}
        for c in wr.cases.values():
            for d in c.work:
                self.le_work.setdefault(d, []).append(c)

    def customer(self, office, r):
        names, w = self.towns_w[office.code]
        town = r.choices(names, weights=w)[0]
        lst = self.wr.public_by_town.get(town) or self.wr.public
        return lst[r.randrange(len(lst))]


class Clock:
    def __init__(self, d, cal):
        self.d = d
        self.dst = cal.dst_change(d)
        self.base = at(d, 0)

    def __call__(self, sec):
        sec = max(0, min(int(sec), 86399))
        return at(self.d, sec) if self.dst else self.base + sec


def day_stream(W, d, who):
    return Stream("%s|%s|%s|L|%d|%s" % (W.seed, W.n, W.days, d, who)), \
        rng(W.seed, W.n, W.days, "day", d, who)


def frame(W, emp, d, st, r, start, end, clock, login=None, terminal=None, lunch=True, blocks=None):
    """Sessions for one working stretch. Returns [(t0, t1, session)] in local seconds."""
    login = login or emp.login
    client, ip = terminal or emp.terminal
    spans = blocks or ([(start, start + (end - start) * r.uniform(0.42, 0.52)),
                        (None, end)] if lunch else [(start, end)])
    out = []
    prev_end = None
    sess = None
    for i, (a, b) in enumerate(spans):
        if a is None:
            a = prev_end + r.randint(25, 50) * 60
        a, b = int(a), int(b)
        if a >= b:
            continue
        if sess is None or r.random() < 0.7:
            if r.random() < 0.03:
                st.ev(clock(a - r.randint(20, 90)), Session0(login, client, ip), "login_failed", "SSO")
            sess = st.session(login, client, ip)
            st.ev(clock(a), sess, "login", "SSO")
        out.append((a + r.randint(20, 120), b, sess))
        prev_end = b
        last = i == len(spans) - 1
        if last or r.random() < 0.6:
            if r.random() < 0.85:
                st.ev(clock(b + r.randint(10, 200)), sess, "logout", "SSO")
            sess = None
    return out


class Session0:
    __slots__ = ("login", "sid", "client", "ip")

    def __init__(self, login, client, ip):
        self.login, self.sid, self.client, self.ip = login, "", client, ip


def skip_outage(W, d, t):
    o = W.cal.outage.get(d)
    if o and o[0] <= t < o[1]:
        return o[1] + 60 * (5 + (t % 11))
    return t


# -------------------------------------------------------------------------- counter ------------

def counter_tx(W, c, clock, t, p, tx, r, v=None):
    """One customer at the counter; returns the local time when done."""
    if p.dl and r.random() < 0.62:
        q_dl(c, clock(t), p, fan=("CUSTOMER", "VEHICLE") if tx in ("REGISTRATION_RENEWAL", "TITLE_TRANSFER") else ("CUSTOMER",))
    else:
        q_name(c, clock(t), p, fan=("DRIVER", "VEHICLE") if r.random() < 0.6 else ("DRIVER",))
    t += r.randint(30, 200)
    if tx in ("DL_RENEWAL", "DL_DUPLICATE", "REAL_ID", "ID_CARD"):
        if tx == "REAL_ID":
            q_address(c, clock(t), p, residents=1)
            t += r.randint(60, 300)
        u_record(c, clock(t), p, "IMAGE", "PHOTO CAPTURE")
        t += r.randint(30, 120)
        u_record(c, clock(t), p, "DRIVER", {"DL_RENEWAL": "ISSUE DL RENEWAL", "DL_DUPLICATE": "ISSUE DUPLICATE",
                                              "REAL_ID": "ISSUE REAL ID", "ID_CARD": "ISSUE ID CARD"}[tx])
    elif tx in ("REGISTRATION_RENEWAL", "PLATE_REPLACEMENT"):
        v = v or (p.vehicles[r.randrange(len(p.vehicles))] if p.vehicles else None)
        if v:
            q_plate(c, clock(t), p, v)
            t += r.randint(40, 180)
            u_record(c, clock(t), p, "VEHICLE", "REG RENEW" if tx == "REGISTRATION_RENEWAL" else "PLATE REPLACE",
                     {"subject_plate": v.plate})
    elif tx in ("TITLE_TRANSFER", "NEW_REGISTRATION"):
        v = v or (p.vehicles[r.randrange(len(p.vehicles))] if p.vehicles else None)
        if v:
            q_vin(c, clock(t), p, v)
            t += r.randint(60, 300)
            u_record(c, clock(t), p, "VEHICLE", "TITLE ISSUE" if tx == "TITLE_TRANSFER" else "NEW REG PLATE ISSUE")
    elif tx == "ADDRESS_CHANGE":
        t += r.randint(30, 120)
        u_record(c, clock(t), p, "DRIVER", "ADDR CHANGE",
                 {"subject_address": q_addr_text(c, p)})
    elif tx == "KNOWLEDGE_TEST":
        t += r.randint(600, 1500)
        u_record(c, clock(t), p, "DRIVER", "PERMIT ISSUE")
    return t + r.randint(40, 240)


def q_addr_text(c, p):
    from typing_variants import type_address
    return type_address(p.addr, c.h, c.r)


def gen_counter_clerk(W, emp, d, clock):
    cal = W.cal
    sat = cal.is_saturday(d)
    if not emp.works(d, cal) or not (cal.business[d] or (sat and emp.site.sat_open and emp.sat_worker)):
        return []
    st, r = day_stream(W, d, emp.eid)
    h = emp.habits
    term = emp.terminal
    if r.random() < 0.1:
        spares = [x for x in emp.site.clients if "-CTR" in x[0]]
        term = spares[-1 - r.randrange(2)]
    start = emp.shift + r.randint(-300, 300)
    end = hm(12, 5) if sat else start + emp.shift_len
    planned = list(W.plan.visits.get((d, emp.login), []))
    backlog = []
    if d in cal.backlog:
        backlog = [(hm(7, 10) + k * r.randint(70, 160)) for k in range(r.randint(10, 22))]
        start = min(start, hm(7, 0))
    blocks = frame(W, emp, d, st, r, start, end, clock, terminal=term, lunch=not sat)
    peak = d in cal.peak
    gap_mu = 11.5 * 60 / emp.volume / (1.45 if peak else 1.0)
    for bi, (t0, t1, s) in enumerate(blocks):
        t = t0
        if bi == 0 and backlog:
            for tb in backlog:
                p = W.customer(emp.site, r)
                tx = r.choices(TX_NAMES, weights=TX_W)[0]
                c = Ctx(st, s, h, r, tx, hn=("post_outage_backlog", "paper applications taken during the outage keyed in"))
                t = max(t, tb)
                t = counter_tx(W, c, clock, t, p, tx, r) - r.randint(30, 100)
            t = max(t, hm(8, 0))
        while t < t1 - 120:
            t = skip_outage(W, d, t)
            if t >= t1 - 120:
                break
            if planned and r.random() < 0.25:
                v = planned.pop(0)
                c = Ctx(st, s, h, r, v["tx"], hn=(v["hn"], v["note"]))
                t = counter_tx(W, c, clock, t, v["person"], v["tx"], r, v=v.get("vehicle"))
            else:
                p = W.customer(emp.site, r)
                tx = r.choices(TX_NAMES, weights=PEAK_TX_W if peak else TX_W)[0]
                hn = None
                if peak and r.random() < 0.31:
                    hn = ("month_end_peak", "registration renewal rush at month end")
                c = Ctx(st, s, h, r, tx, hn=hn)
                t = counter_tx(W, c, clock, t, p, tx, r)
            t += int(r.expovariate(1.0 / gap_mu) * 0.6 + gap_mu * 0.2)
        if planned and bi == len(blocks) - 1:
            for v in planned:                   # the visitor came late in the day
                c = Ctx(st, s, h, r, v["tx"], hn=(v["hn"], v["note"]))
                t = counter_tx(W, c, clock, min(t, t1 + 600), v["person"], v["tx"], r, v=v.get("vehicle"))
    return st.out


def hm(h, m=0):
    return h * 3600 + m * 60


# -------------------------------------------------------------------------- examiners ----------

def gen_examiner(W, emp, d, clock):
    cal = W.cal
    sat = cal.is_saturday(d)
    if not emp.works(d, cal) or not (cal.business[d] or (sat and emp.site.sat_open and emp.sat_worker)):
        return []
    st, r = day_stream(W, d, emp.eid)
    start = emp.shift + r.randint(-300, 300)
    end = hm(12, 0) if sat else start + emp.shift_len
    blocks = frame(W, emp, d, st, r, start, end, clock, lunch=not sat)
    for t0, t1, s in blocks:
        t = max(t0, hm(8, 15))
        while t < t1 - 1800:
            t = skip_outage(W, d, t)
            p = W.customer(emp.site, r)
            c = Ctx(st, s, emp.habits, r, "ROAD_TEST")
            q_dl(c, clock(t), p, system="ROADTEST", fan=("DRIVER",))
            t += r.randint(1500, 2100)
            u_record(c, clock(t), p, "ROADTEST", "RESULT " + r.choice(["PASS", "PASS", "PASS", "FAIL"]))
            t += r.randint(60, 300)
            if r.random() < 0.6:
                u_record(c, clock(t), p, "DRIVER", "CLASS D ISSUE")
            t += r.randint(300, 900)
        if d in cal.peak and r.random() < 0.5:      # helps at the counter on busy days
            for _ in range(r.randint(3, 8)):
                p = W.customer(emp.site, r)
                c = Ctx(st, s, emp.habits, r, "REGISTRATION_RENEWAL",
                        hn=("month_end_peak", "examiner helps at the counter at month end"))
                t = counter_tx(W, c, clock, t, p, "REGISTRATION_RENEWAL", r)
    return st.out


# -------------------------------------------------------------------------- office managers ----

def gen_office_manager(W, emp, d, clock):
    cal = W.cal
    if not emp.works(d, cal) or not cal.business[d]:
        return []
    st, r = day_stream(W, d, emp.eid)
    h = emp.habits
    start = emp.shift + r.randint(-600, 300)
    end = start + emp.shift_len + r.randint(0, 1800)
    blocks = frame(W, emp, d, st, r, start, end, clock)
    t0, t1, s = blocks[0]
    c = Ctx(st, s, h, r, "OFFICE_ADMIN")
    c.ev(clock(t0 + 60), "export", "REPORTS", None, rc=r.randint(60, 260),
         qt="DAILY TRANSACTION REPORT %s" % emp.site.code)
    if d in cal.backlog:
        for k in range(r.randint(5, 10)):
            p = W.customer(emp.site, r)
            cb = Ctx(st, s, h, r, "DL_RENEWAL", hn=("post_outage_backlog", "manager keys outage paper applications"))
            counter_tx(W, cb, clock, t0 + 300 + k * 200, p, "DL_RENEWAL", r)
    mgr = emp.logins[1].login
    for bi, (t0, t1, s) in enumerate(blocks):
        t = t0 + r.randint(600, 1800)
        while t < t1 - 600:
            t = skip_outage(W, d, t)
            p = W.customer(emp.site, r)
            c = Ctx(st, s, h, r, "TRANSACTION_REVIEW")
            if r.random() < 0.5:
                q_dl(c, clock(t), p, fan=())
            else:
                q_name(c, clock(t), p, fan=("DRIVER",), allow_surname_only=False)
            t += r.randint(120, 600)
            if r.random() < 0.35:          # an override under the manager login, same terminal
                ms = st.session(mgr, s.client, s.ip)
                st.ev(clock(t), ms, "login", "SSO")
                cm = Ctx(st, ms, h, r, r.choice(["FEE_WAIVER", "RECORD_CORRECTION", "VOID_TRANSACTION"]),
                         hn=("second_login_same_employee", "office manager override login on own terminal"))
                u_record(cm, clock(t + r.randint(20, 90)), p, "DRIVER" if r.random() < 0.5 else "VEHICLE",
                         cm.purpose.replace("_", " "))
                st.ev(clock(t + r.randint(100, 200)), ms, "logout", "SSO")
                t += 240
            t += r.randint(900, 3600)
    # busy day: the manager works a spare counter while the desk session stays open
    if (d in cal.peak or d in cal.backlog or r.random() < 0.12) and len(blocks) > 1:
        t0, t1, s_desk = blocks[-1]
        spare = [x for x in emp.site.clients if "-CTR" in x[0]][-1]
        cs = st.session(emp.login, spare[0], spare[1])
        a = t0 + r.randint(600, 2400)
        st.ev(clock(a), cs, "login", "SSO")
        t = a + 60
        for _ in range(r.randint(4, 9)):
            p = W.customer(emp.site, r)
            tx = r.choices(TX_NAMES, weights=TX_W)[0]
            c = Ctx(st, cs, h, r, tx, hn=("manager_two_terminals_same_office",
                                           "manager serves at a spare counter, desk session still open"))
            t = counter_tx(W, c, clock, t, p, tx, r)
            if r.random() < 0.4:
                pd = W.customer(emp.site, r)
                cd = Ctx(st, s_desk, h, r, "TRANSACTION_REVIEW",
                         hn=("manager_two_terminals_same_office", "desk terminal used between counter customers"))
                q_dl(cd, clock(t + 30), pd, fan=())
        st.ev(clock(t + 60), cs, "logout", "SSO")
    return st.out
