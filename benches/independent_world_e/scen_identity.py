"""Injected lookups whose problem is who was looked up, or under which case.

Each run_* returns (events, scenario_labels). The findings on these events (self, coworker,
association, watchlist, case problems) are all decided by the ground-truth function.
"""
from inject import ActorDay
from lookups import q_address, q_dl, q_image, q_name, q_plate, u_record
from typing_variants import type_case, type_phone, type_plate



def _start(I, inc, d, clock, late=False):
    A = ActorDay(I, inc, d, inc.actor, inc.actor.login, clock)
    sess, lo, hi = A.borrow(prefer_late=late)
    return A, sess, lo, hi


def _hr_vehicle(I, e):
    from truth import norm_plate
    plate = norm_plate(I.truth.pers[e.eid]["plate"])
    for v in e.person.vehicles:
        if v.plate == plate:
            return v
    return e.person.vehicles[0] if e.person.vehicles else None


def typed_case(case_id, h, r):
    for _ in range(20):
        typed, blank = type_case(case_id, h, r)
        if not blank:
            return typed
    return case_id


def random_person(I, r):
    pub = I.W.wr.public
    return pub[r.randrange(len(pub))]


# ------------------------------------------------------------------------------ self -----------

def run_self_record_check(I, inc, d, clock):
    A, sess, lo, hi = _start(I, inc, d, clock)
    ts = A.times(lo, hi, 2, 20, 200)
    c = A.ctx(sess)
    p = inc.actor.person
    q_name(c, ts[0], p, fan=(), open_rec=False, with_dob=True, allow_surname_only=False)
    if A.r.random() < 0.45:
        q_name(c, ts[1], p, fan=("DRIVER",), with_dob=True, allow_surname_only=False)
    return A.st.out, []


def run_self_plate_check(I, inc, d, clock):
    A, sess, lo, hi = _start(I, inc, d, clock)
    v = _hr_vehicle(I, inc.actor)
    c = A.ctx(sess)
    for t in A.times(lo, hi, A.r.choice([1, 1, 2]), 30, 600):
        typed = type_plate(v.plate, A.h, A.r)
        c.ev(t, "query", "VEHICLE", {"subject_plate": typed}, rc=1, qt="PLATE STATUS %s" % typed,
             true_pid=inc.actor.person.pid)
    return A.st.out, []


def run_self_license_lookup(I, inc, d, clock):
    A, sess, lo, hi = _start(I, inc, d, clock)
    ts = A.times(lo, hi, 2, 30, 300)
    c = A.ctx(sess)
    p = inc.actor.person
    q_dl(c, ts[0], p, fan=("CUSTOMER",))
    if A.r.random() < 0.5:
        c.ev(ts[1], "query", "DRIVER", pid=p.pid, rc=1, qt="HISTORY ABSTRACT CUST=%s" % p.pid)
    return A.st.out, []


def run_self_address_check(I, inc, d, clock):
    A, sess, lo, hi = _start(I, inc, d, clock)
    c = A.ctx(sess)
    p = inc.actor.person
    for t in A.times(lo, hi, A.r.choice([1, 2]), 40, 400):
        q_address(c, t, p, residents=A.r.choice([2, 3]))
    return A.st.out, []


def run_self_phone_check(I, inc, d, clock):
    A, sess, lo, hi = _start(I, inc, d, clock)
    c = A.ctx(sess)
    p = inc.actor.person
    t = A.times(lo, hi, 1)[0]
    typed = type_phone(p.phone, A.h, A.r)
    c.ev(t, "query", "CCRM", {"subject_phone": typed}, rc=2, qt="PHONE=%s" % typed, true_pid=p.pid)
    return A.st.out, []


def run_self_name_only(I, inc, d, clock):
    A, sess, lo, hi = _start(I, inc, d, clock)
    c = A.ctx(sess)
    p = inc.actor.person
    t = A.times(lo, hi, 1)[0]
    q_name(c, t, p, fan=(), open_rec=False, with_dob=False, allow_surname_only=False,
           whole=inc.actor.role == "cc_agent", system="CCRM" if inc.actor.role == "cc_agent" else "CUSTOMER")
    return A.st.out, []


# ------------------------------------------------------------------------------ coworkers ------

def _person_lookups(A, c, ts, p, kinds):
    r = A.r
    for t, k in zip(ts, kinds):
        if k == "name":
            q_name(c, t, p, fan=("DRIVER",) if r.random() < 0.6 else (), with_dob=r.random() < 0.6,
                   allow_surname_only=False)
        elif k == "address":
            q_address(c, t, p, residents=1)
        elif k == "plate" and p.vehicles:
            q_plate(c, t, p, p.vehicles[-1])
        elif k == "dl" and p.dl:
            q_dl(c, t, p, fan=())
        elif k == "image":
            q_image(c, t, p)
        else:
            q_name(c, t, p, fan=(), with_dob=True, allow_surname_only=False)


def _coworker_run(I, inc, d, clock):
    A, sess, lo, hi = _start(I, inc, d, clock)
    c = A.ctx(sess)
    p = inc.params["target"].person
    kinds = ["name"] + A.r.sample(["address", "plate", "dl", "image"], A.r.choice([0, 1, 2]))
    _person_lookups(A, c, A.times(lo, hi, len(kinds), 20, 240), p, kinds)
    return A.st.out, []


run_coworker_same_office = _coworker_run
run_coworker_supervisor = _coworker_run
run_coworker_other_office = _coworker_run


# ------------------------------------------------------------------------------ associations ---

def run_ex_partner_tracking(I, inc, d, clock):
    A, sess, lo, hi = _start(I, inc, d, clock, late=True)
    c = A.ctx(sess)
    p = inc.params["row"]["_person"]
    if d == inc.days[0]:
        ts = A.times(max(lo, hi - 3600), hi, 3, 30, 300)
        q_name(c, ts[0], p, fan=("DRIVER",), with_dob=True, allow_surname_only=False)
        q_address(c, ts[1], p, residents=1, with_city=True)
        if A.r.random() < 0.5:
            q_image(c, ts[2], p)
    else:
        ts = A.times(lo, hi, 2, 60, 900)
        q_plate(c, ts[0], p, p.vehicles[-1])
        q_name(c, ts[1], p, fan=(), with_dob=False, allow_surname_only=False)
    return A.st.out, []


def _assoc_run(kinds):
    def run(I, inc, d, clock):
        A, sess, lo, hi = _start(I, inc, d, clock)
        c = A.ctx(sess)
        p = inc.params["row"]["_person"]
        ks = [k for k in kinds if k != "plate" or p.vehicles]
        _person_lookups(A, c, A.times(lo, hi, len(ks), 20, 300), p, ks)
        return A.st.out, []
    return run


run_family_lookup = _assoc_run(["name", "plate"])
run_neighbor_plate = _assoc_run(["plate", "address"])
run_new_partner_background = _assoc_run(["name", "dl", "image"])
run_protected_party_lookup = _assoc_run(["name", "address", "plate"])


def run_record_altered_for_associate(I, inc, d, clock):
    A, sess, lo, hi = _start(I, inc, d, clock, late=True)
    c = A.ctx(sess)
    p = inc.params["row"]["_person"]
    ts = A.times(lo, hi, 3, 40, 240)
    if p.dl:
        q_dl(c, ts[0], p, fan=("CUSTOMER",))
    else:
        q_name(c, ts[0], p, fan=("DRIVER",), with_dob=True, allow_surname_only=False)
    c.ev(ts[1], "query", "DRIVER", pid=p.pid, rc=1, qt="HISTORY ABSTRACT CUST=%s" % p.pid)
    c2 = A.ctx(sess, purpose="RECORD_CORRECTION")
    if A.r.random() < 0.6:
        u_record(c2, ts[2], p, "DRIVER", A.r.choice(["SUSPENSION CLEARED", "POINTS REMOVED", "FTA HOLD RELEASED"]))
    else:
        u_record(c2, ts[2], p, "VEHICLE", A.r.choice(["LATE FEE WAIVED", "REG HOLD RELEASED"]))
    return A.st.out, []


# ------------------------------------------------------------------------------ no case --------

FAB = {"le_liaison": ("LE-%02d-%05d", 40000, 99999), "records_clerk": ("RR-20%02d-%05d", 60000, 99999),
       "fraud_investigator": ("INV-20%02d-%04d", 5000, 9999), "medical_analyst": ("MR-%02d-%04d", 8000, 9999)}


def _case_lookup(I, inc, d, clock, case_fn):
    A, sess, lo, hi = _start(I, inc, d, clock)
    typed, cid, p = case_fn(A)
    c = A.ctx(sess, case=(typed, cid))
    kinds = ["name"] + A.r.sample(["address", "plate", "dl"], A.r.choice([0, 1]))
    _person_lookups(A, c, A.times(lo, hi, len(kinds), 30, 300), p, kinds)
    return A.st.out, []


def run_no_request_number(I, inc, d, clock):
    return _case_lookup(I, inc, d, clock, lambda A: (A.r.choice(["", "", "N/A", "none"]), None, random_person(I, A.r)))


def run_fabricated_request_number(I, inc, d, clock):
    def fn(A):
        fmt, lo, hi = FAB[inc.actor.role]
        while True:
            cid = fmt % (25, A.r.randint(lo, hi))
            if cid not in I.W.wr.cases:
                break
        return typed_case(cid, A.h, A.r), cid, random_person(I, A.r)
    return _case_lookup(I, inc, d, clock, fn)


def run_closed_request_reused(I, inc, d, clock):
    def fn(A):
        old = [c for c in I.W.wr.by_login.get(inc.actor.login, []) if c.closed is not None and c.closed < 0]
        case = old[A.r.randrange(len(old))]
        return typed_case(case.cid, A.h, A.r), case.cid, random_person(I, A.r)
    return _case_lookup(I, inc, d, clock, fn)


def run_colleague_request_snooping(I, inc, d, clock):
    def fn(A):
        e = inc.actor
        kinds = {"le_liaison": ("LE",), "records_clerk": ("RR", "SP"), "medical_analyst": ("MR", "DI"),
                 "fraud_investigator": ("INV",)}[e.role]
        mine = {lg.login for lg in e.logins}
        other = [c for c in I.W.wr.cases.values() if c.kind in kinds and c.opened <= d and not c.closed_before(d)
                 and not any(a[0] in mine for a in c.assign) and c.cid not in I.W.plan.protected_cases]
        case = other[A.r.randrange(len(other))]
        return typed_case(case.cid, A.h, A.r), case.cid, case.subjects[0]
    return _case_lookup(I, inc, d, clock, fn)


def run_own_request_as_cover(I, inc, d, clock):
    def fn(A):
        e = inc.actor
        kinds = {"le_liaison": ("LE",), "records_clerk": ("RR",), "medical_analyst": ("MR", "DI"),
                 "fraud_investigator": ("INV", "DLR")}[e.role]
        own = [c for c in I.W.wr.cases_of(e.login, d, kinds) if not c.closed_before(d)]
        if not own:
            own = [c for c in I.W.wr.cases_of(e.login, d)]
        case = own[A.r.randrange(len(own))]
        return typed_case(case.cid, A.h, A.r), case.cid, random_person(I, A.r)
    return _case_lookup(I, inc, d, clock, fn)


# ------------------------------------------------------------------------------ watchlist ------

def run_official_curiosity(I, inc, d, clock):
    A, sess, lo, hi = _start(I, inc, d, clock)
    c = A.ctx(sess)
    _person_lookups(A, c, A.times(lo, hi, 2, 30, 400), inc.params["person"], ["name", "address"])
    return A.st.out, []


def run_journalist_lookup(I, inc, d, clock):
    A, sess, lo, hi = _start(I, inc, d, clock, late=True)
    c = A.ctx(sess)
    _person_lookups(A, c, A.times(lo, hi, 3, 30, 400), inc.params["person"], ["name", "address", "plate"])
    return A.st.out, []


__all__ = [n for n in list(globals()) if n.startswith("run_")]
