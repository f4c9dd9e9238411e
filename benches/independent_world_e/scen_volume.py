"""Injected misconduct whose problem is volume, timing, credentials, or many people at once."""
from common import hm
from inject import ActorDay
from lookups import Ctx, q_address, q_dl, q_name, q_plate, u_record

# ------------------------------------------------------------------------------ helpers --------


def _spread(A, n, min_gap=20):
    """n times spread over all of the actor's sessions today (proportional to their length)."""
    r = A.r
    spans = [(s[0], s[2] + 30, s[3] - 30) for s in A.sessions if s[3] - s[2] > 120] or [A.borrow()]
    total = sum(hi - lo for _, lo, hi in spans)
    out = []
    for _ in range(n):
        x = r.uniform(0, total)
        for s, lo, hi in spans:
            if x <= hi - lo:
                t = int(lo + x)
                if A.outage and A.outage[0] <= t < A.outage[1]:
                    t = A.outage[1] + r.randint(60, 600)
                out.append((t, s))
                break
            x -= hi - lo
    out.sort(key=lambda x: x[0])
    return out


def _people(I, r, n):
    pub = I.W.wr.public
    return [pub[r.randrange(len(pub))] for _ in range(n)]


def _all(evs, det, kind, user):
    return (det, kind, user, evs, None)


# ------------------------------------------------------------------------------ volume ---------

def run_address_selling_clerk(I, inc, d, clock):
    A = ActorDay(I, inc, d, inc.actor, inc.actor.login, clock)
    n = A.r.randint(90, 130)
    for (t, s), p in zip(_spread(A, n), _people(I, A.r, n)):
        c = A.ctx(s)
        if A.r.random() < 0.25:
            q_address(c, t, p, residents=1)
        else:
            q_name(c, t, p, fan=("DRIVER",), with_dob=A.r.random() < 0.4, allow_surname_only=False)
            if A.r.random() < 0.5:
                q_address(c, t + A.r.randint(10, 60), p, residents=1, with_city=True)
    evs = A.st.out
    return evs, [_all(evs, "odd_volume", "distinct_subjects", inc.actor.login),
                 _all(evs, "odd_volume", "daily_count", inc.actor.login)]


def run_daily_volume_spike(I, inc, d, clock):
    A = ActorDay(I, inc, d, inc.actor, inc.actor.login, clock)
    base = max(30, I.legit_count.get(inc.actor.login, 40))
    extra = int(base * (A.r.uniform(5, 8) - 1))
    n = max(40, extra // 2)
    for (t, s), p in zip(_spread(A, n), _people(I, A.r, n)):
        c = A.ctx(s)
        q_name(c, t, p, fan=("DRIVER",), with_dob=True, allow_surname_only=False)
    evs = A.st.out
    return evs, [_all(evs, "odd_volume", "daily_count", inc.actor.login)]


def run_burst_scrape(I, inc, d, clock):
    A = ActorDay(I, inc, d, inc.actor, inc.actor.login, clock)
    sess, lo, hi = A.borrow()
    n = A.r.randint(110, 190)
    ts = A.times(lo, hi, n, 1, 4)
    c = A.ctx(sess)
    for t, p in zip(ts, _people(I, A.r, n)):
        q_name(c, t, p, fan=(), with_dob=True, allow_surname_only=False)
    evs = A.st.out
    return evs, [_all(evs, "odd_volume", "burst", inc.actor.login)]


def run_night_lookups_from_home(I, inc, d, clock):
    A = ActorDay(I, inc, d, inc.actor, inc.actor.login, clock)
    e = inc.actor
    cl, net = e.laptop
    s = A.st.session(e.login, cl, "%s.%d" % (net, A.r.randint(2, 250)))
    t = hm(0, 30) + A.r.randint(0, 7200)
    A.st.ev(clock(t), s, "login", "SSO")
    for p in _people(I, A.r, A.r.randint(10, 25)):
        t += A.r.randint(60, 420)
        c = A.ctx(s)
        k = A.r.random()
        if k < 0.6:
            q_name(c, clock(t), p, fan=("DRIVER",), with_dob=A.r.random() < 0.5, allow_surname_only=False)
        elif k < 0.8:
            q_address(c, clock(t), p, residents=1)
        elif p.vehicles:
            q_plate(c, clock(t), p, p.vehicles[0])
    A.st.ev(clock(t + A.r.randint(60, 600)), s, "logout", "SSO")
    evs = A.st.out
    return evs, [_all(evs, "odd_volume", "off_hours", e.login)]


def run_bulk_export_addresses(I, inc, d, clock):
    A = ActorDay(I, inc, d, inc.actor, inc.actor.login, clock)
    sess, lo, hi = A.borrow(prefer_late=True)
    c = A.ctx(sess)
    towns = I.W.ag.pop.towns
    for t in A.times(max(lo, hi - 5400), hi, A.r.randint(2, 4), 300, 1500):
        c.ev(t, "export", A.r.choice(["CUSTOMER", "REPORTS"]), rc=A.r.randint(4000, 60000),
             qt="EXTRACT LAST,FIRST,DOB,RES_ADDRESS WHERE CITY='%s'" % towns[A.r.randrange(len(towns))].name)
    evs = A.st.out
    return evs, [_all(evs, "odd_volume", "export", inc.actor.login)]


# ------------------------------------------------------------------------------ credentials ----

def _foreign_session(I, A, e, d, term, t0, n, gap=(180, 420)):
    """Someone else working under e's login on terminal `term` from t0 (epoch)."""
    W = I.W
    s = A.st.session(e.login, term[0], term[1])
    A.st.ev(t0, s, "login", "SSO")
    t = t0 + A.r.randint(30, 120)
    office = e.site if e.site.kind == "office" else W.ag.offices[0]
    for _ in range(n):
        p = W.customer(office, A.r)
        tx = A.r.choice(["DL_RENEWAL", "REGISTRATION_RENEWAL", "ADDRESS_CHANGE"])
        c = Ctx(A.st, s, A.h, A.r, tx)
        if p.dl and A.r.random() < 0.6:
            q_dl(c, t, p, fan=("CUSTOMER",))
        else:
            q_name(c, t, p, fan=("DRIVER",), with_dob=True, allow_surname_only=False)
        t += A.r.randint(60, 200)
        if tx == "REGISTRATION_RENEWAL" and p.vehicles:
            q_plate(c, t, p, p.vehicles[0])
        else:
            u_record(c, t, p, "DRIVER", "ADDR CHANGE" if tx == "ADDRESS_CHANGE" else "ISSUE DL RENEWAL")
        t += A.r.randint(*gap)
    if A.r.random() < 0.7:
        A.st.ev(t, s, "logout", "SSO")
    return A.st.out


def run_shared_login_two_terminals(I, inc, d, clock):
    e = inc.actor
    A = ActorDay(I, inc, d, e, e.login, clock)
    sess, lo, hi = A.borrow()
    spare = [x for x in e.site.clients if "-CTR" in x[0] and x[0] != e.terminal[0]]
    term = spare[-1 - A.r.randrange(min(2, len(spare)))]
    t0 = lo + A.r.randint(300, max(301, (hi - lo) // 2))
    evs = _foreign_session(I, A, e, d, term, t0, A.r.randint(5, 12))
    return evs, [_all(evs, "shared_credential", "concurrent_clients", e.login)]


def run_shared_login_far_site(I, inc, d, clock):
    e = inc.actor
    A = ActorDay(I, inc, d, e, e.login, clock)
    sess, lo, hi = A.borrow()
    far = inc.params["site"]
    term = [x for x in far.clients if "-CTR" in x[0]][-1]
    t0 = lo + A.r.randint(1800, max(1801, (hi - lo) - 1800))
    evs = _foreign_session(I, A, e, d, term, t0, A.r.randint(3, 8), gap=(90, 300))
    return evs, [_all(evs, "shared_credential", "impossible_travel", e.login)]


def _inactive_run(I, inc, d, clock):
    e = inc.actor
    A = ActorDay(I, inc, d, e, e.login, clock)
    if e.site.kind == "office":
        term = [x for x in e.site.clients if "-CTR" in x[0]][-1]
    else:
        term = e.terminal
    t0 = clock(hm(9, 0) + A.r.randint(0, 6 * 3600))
    evs = _foreign_session(I, A, e, d, term, t0, A.r.randint(4, 12))
    return evs, [_all(evs, "shared_credential", "inactive_account", e.login)]


run_terminated_account_used = _inactive_run
run_leave_account_used = _inactive_run


# ------------------------------------------------------------------------------ surges ---------

def _surge(I, inc, d, clock, kinds):
    W = I.W
    from common import rng
    r = rng(W.seed, W.n, W.days, "inject", inc.iid, d, "participants")
    ex = inc.params["exclude"]
    cands = [e for e in W.ag.employees if e.status == "active" and e.eid not in ex and I.working(e, d)
             and I.sessions.get(e.login) and e.role != "director"]
    who = r.sample(cands, min(len(cands), inc.params["k"]))
    center = clock(hm(9, 30) + r.randint(0, 4 * 3600))
    p = inc.params["person"]
    evs = []
    for e in who:
        A = ActorDay(I, inc, d, e, e.login, clock, tag="s")
        best = min(A.sessions, key=lambda s: 0 if s[2] <= center <= s[3] else min(abs(s[2] - center), abs(s[3] - center)))
        sess, lo, hi = best[0], best[2] + 30, best[3] - 30
        target = min(max(center + A.r.randint(-5400, 5400), lo), max(lo, hi - 600))
        ks = A.r.sample(kinds, A.r.choice([1, 1, 2]))
        c = A.ctx(sess)
        t = target
        for k in ks:
            if k == "name":
                q_name(c, t, p, fan=("DRIVER",) if A.r.random() < 0.5 else (), with_dob=A.r.random() < 0.3,
                       allow_surname_only=False)
            elif k == "plate" and p.vehicles:
                q_plate(c, t, p, inc.params.get("vehicle") or p.vehicles[-1])
            elif k == "address":
                q_address(c, t, p, residents=1)
            elif k == "dl" and p.dl:
                q_dl(c, t, p, fan=())
            else:
                q_name(c, t, p, fan=(), with_dob=False, allow_surname_only=False)
            t += A.r.randint(20, 200)
        evs.extend(A.st.out)
        inc.users.add(e.login)
    return evs, [("subject_surge", "many_users", "", evs, sorted({e["user"] for e in evs}))]


def run_celebrity_car_curiosity(I, inc, d, clock):
    return _surge(I, inc, d, clock, ["name", "plate", "address"])


def run_crash_victim_surge(I, inc, d, clock):
    return _surge(I, inc, d, clock, ["name", "name", "address"])


def run_colleague_in_news_surge(I, inc, d, clock):
    return _surge(I, inc, d, clock, ["name", "dl", "plate"])


__all__ = [n for n in list(globals()) if n.startswith("run_")]
