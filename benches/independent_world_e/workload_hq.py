"""Legitimate daily work at the contact centre and the law-enforcement liaison / records unit."""
from lookups import Ctx, q_dl, q_image, q_name, q_phone, q_plate, q_vin, rrt_subject, u_record, q_address
from typing_variants import is_short_case_form, type_address, type_case
from workload import day_stream, frame, hm, skip_outage


def case_ctx(st, s, h, r, purpose, case, hn=None):
    typed, blank = type_case(case.cid, h, r)
    if blank:
        hn = ("sloppy_case_entry", "request number left blank on proper work for %s" % case.cid)
    elif hn is None and is_short_case_form(typed):
        hn = ("case_number_short_form", "request number typed without its prefix (%s)" % case.cid)
    return Ctx(st, s, h, r, purpose, (typed, case.cid), hn)


def assignee_on(case, d):
    for lg, f, t in case.assign:
        if f <= d and (t is None or d <= t):
            return lg
    return case.assign[-1][0]


def worker_for(W, case, d, team):
    """Who works the case today: the assignee, or (unrecorded) the first colleague in."""
    lg = assignee_on(case, d)
    emp = W.ag.logins[lg].emp if lg in W.ag.logins else None
    if emp is not None and emp.works(d, W.cal):
        return emp, False
    for e in sorted(team, key=lambda x: x.eid):
        if e.works(d, W.cal) and e is not emp:
            return e, True
    return None, False


# -------------------------------------------------------------------------- contact centre -----

CALL_TYPES = [("REGISTRATION_RENEWAL", 30), ("ADDRESS_CHANGE", 14), ("PHONE_INQUIRY", 40), ("DL_DUPLICATE", 6),
              ("TITLE_TRANSFER", 10)]


def handle_call(W, c, clock, t, p, r):
    x = r.random()
    if x < 0.3:
        # caller id as the switch sends it, or the callback number the caller reads out
        q_phone(c, clock(t), p, system="CCRM", typed=p.phone if r.random() < 0.6 else None)
        t += r.randint(20, 90)
        q_name(c, clock(t), p, fan=("DRIVER",), whole=True, system="CCRM", allow_surname_only=False)
    elif x < 0.8:
        q_name(c, clock(t), p, fan=("DRIVER", "VEHICLE") if r.random() < 0.5 else ("DRIVER",), whole=True,
               system="CCRM")
    elif p.dl:
        q_dl(c, clock(t), p, fan=("CCRM",))
    else:
        q_name(c, clock(t), p, fan=("DRIVER",), whole=True, system="CCRM")
    t += r.randint(60, 240)
    if c.purpose == "REGISTRATION_RENEWAL" and p.vehicles:
        v = p.vehicles[r.randrange(len(p.vehicles))]
        q_plate(c, clock(t), p, v)
        t += r.randint(60, 200)
        if r.random() < 0.6:
            u_record(c, clock(t), p, "VEHICLE", "REG RENEW BY PHONE", {"subject_plate": v.plate})
    elif c.purpose == "ADDRESS_CHANGE":
        u_record(c, clock(t), p, "DRIVER", "ADDR CHANGE",
                 {"subject_address": type_address(p.addr, c.h, r, with_city=True)})
    elif c.purpose == "TITLE_TRANSFER" and p.vehicles:
        q_vin(c, clock(t), p, p.vehicles[0])
    return t + r.randint(30, 150)


def gen_cc_agent(W, emp, d, clock):
    cal = W.cal
    sat = cal.is_saturday(d)
    if not emp.works(d, cal) or not (cal.business[d] or (sat and emp.sat_worker)):
        return []
    st, r = day_stream(W, d, emp.eid)
    start = (hm(8, 0) if sat else emp.shift) + r.randint(-240, 240)
    end = hm(13, 0) if sat else start + emp.shift_len
    blocks = frame(W, emp, d, st, r, start, end, clock, lunch=not sat)
    planned = list(W.plan.calls.get((d, emp.login), []))
    peak = d in cal.peak or d in cal.backlog
    gap = 6.5 * 60 / emp.volume / (1.5 if peak else 1.0)
    names, w = [x for x, _ in CALL_TYPES], [y for _, y in CALL_TYPES]
    for t0, t1, s in blocks:
        t = t0
        while t < t1 - 120:
            t = skip_outage(W, d, t)
            if planned and r.random() < 0.2:
                v = planned.pop(0)
                c = Ctx(st, s, emp.habits, r, v["tx"], hn=(v["hn"], v["note"]))
                t = handle_call(W, c, clock, t, v["person"], r)
            else:
                p = W.customer(W.ag.offices[r.randrange(len(W.ag.offices))], r)
                hn = ("month_end_peak", "call volume at month end / after the outage") \
                    if peak and r.random() < 0.33 else None
                c = Ctx(st, s, emp.habits, r, r.choices(names, weights=w)[0], hn=hn)
                t = handle_call(W, c, clock, t, p, r)
            t += int(r.expovariate(1.0 / gap) * 0.7 + gap * 0.2)
    return st.out


def gen_cc_supervisor(W, emp, d, clock):
    cal = W.cal
    if not emp.works(d, cal) or not cal.business[d]:
        return []
    st, r = day_stream(W, d, emp.eid)
    start = emp.shift
    blocks = frame(W, emp, d, st, r, start, start + emp.shift_len, clock)
    t0, t1, s = blocks[0]
    qa = emp.logins[1].login
    qs = st.session(qa, s.client, s.ip)
    st.ev(clock(t0 + 1800), qs, "login", "SSO")
    t = t0 + 1900
    for _ in range(r.randint(6, 14)):
        p = W.customer(W.ag.offices[r.randrange(len(W.ag.offices))], r)
        c = Ctx(st, qs, emp.habits, r, "QUALITY_REVIEW",
                hn=("second_login_same_employee", "QA login reviewing recorded calls"))
        q_name(c, clock(t), p, fan=(), whole=True, system="CCRM")
        t += r.randint(240, 900)
    st.ev(clock(t + 60), qs, "logout", "SSO")
    t0, t1, s = blocks[-1]
    c = Ctx(st, s, emp.habits, r, "MANAGEMENT_REPORT")
    c.ev(clock(t0 + 900), "export", "REPORTS", rc=r.randint(800, 2400), qt="CALL CENTER DAILY HANDLE REPORT")
    for _ in range(r.randint(2, 6)):           # escalated calls
        p = W.customer(W.ag.offices[r.randrange(len(W.ag.offices))], r)
        handle_call(W, Ctx(st, s, emp.habits, r, "PHONE_INQUIRY"), clock, t0 + r.randint(1000, max(1001, t1 - t0 - 600)), p, r)
    return st.out


# -------------------------------------------------------------------------- LE liaison --------

def work_le_request(W, st, s, emp, case, d, clock, t, r, covering):
    hn = None
    if covering:
        hn = ("unrecorded_coverage", "covers %s's request while the assignee is out" % assignee_on(case, d))
    if case.meta.get("news"):
        hn = ("news_subject_assigned_staff", "state patrol request on the crash in the news")
    c = case_ctx(st, s, emp.habits, r, "LAW_ENFORCEMENT_REQUEST", case, hn)
    if d == case.opened:
        for p in case.subjects:
            rrt_subject(c, clock(t), p, action="update")
            t += r.randint(40, 150)
    typ = case.meta.get("type")
    for p in case.subjects:
        if typ == "PHOTO":
            q_dl(c, clock(t), p, fan=()) if p.dl else q_name(c, clock(t), p, fan=("DRIVER",))
            t += r.randint(30, 120)
            q_image(c, clock(t), p)
        elif typ == "REG OWNER" and p.vehicles:
            q_plate(c, clock(t), p, p.vehicles[0], fan=("CUSTOMER",))
        elif typ == "ADDRESS VERIFY":
            q_name(c, clock(t), p, fan=("DRIVER",), with_dob=True, allow_surname_only=False)
            t += r.randint(30, 120)
            q_address(c, clock(t), p)
        else:
            q_name(c, clock(t), p, fan=("DRIVER", "VEHICLE"), with_dob=True, allow_surname_only=False)
            t += r.randint(60, 300)
            c.ev(clock(t), "query", "DRIVER", pid=p.pid, rc=1, qt="HISTORY ABSTRACT CUST=%s" % p.pid)
            if typ == "CRASH RECORDS" and p.vehicles:
                t += r.randint(30, 120)
                q_plate(c, clock(t), p, p.vehicles[0])
        t += r.randint(60, 400)
    owner = case.meta.get("owner_not_on_case")
    if owner is not None and owner.vehicles and d == case.work[0]:
        co = Ctx(st, s, emp.habits, r, c.purpose, c.case,
                 ("registered_owner_not_on_request", "the plate on the request belongs to a parent of the subject"))
        q_plate(co, clock(t), owner, owner.vehicles[0])
        t += r.randint(60, 200)
    if d == case.closed:
        c.ev(clock(t), "update", "RRT", rc=1, qt="REQ CLOSE RESPONSE SENT")
    return t + r.randint(120, 600)


def gen_le_liaison(W, emp, d, clock):
    cal = W.cal
    if not emp.works(d, cal) or not cal.business[d]:
        return []
    st, r = day_stream(W, d, emp.eid)
    team = [e for e in W.ag.employees if e.role == "le_liaison"]
    todo = []
    for case in W.le_work.get(d, []):
        if case.kind != "LE":
            continue
        who, covering = worker_for(W, case, d, team)
        if who is emp:
            todo.append((case, covering))
    start = emp.shift + r.randint(-300, 300)
    blocks = frame(W, emp, d, st, r, start, start + emp.shift_len, clock)
    r.shuffle(todo)
    per = [todo[i::len(blocks)] for i in range(len(blocks))]
    for (t0, t1, s), items in zip(blocks, per):
        t = t0 + r.randint(60, 900)
        for case, covering in items:
            t = skip_outage(W, d, t)
            t = work_le_request(W, st, s, emp, case, d, clock, t, r, covering)
    return st.out


# -------------------------------------------------------------------------- records desk -------

def gen_records_clerk(W, emp, d, clock):
    cal = W.cal
    if not emp.works(d, cal) or not cal.business[d]:
        return []
    st, r = day_stream(W, d, emp.eid)
    team = [e for e in W.ag.employees if e.role == "records_clerk"]
    todo = []
    for case in W.le_work.get(d, []):
        if case.kind in ("RR", "SP"):
            who, covering = worker_for(W, case, d, team)
            if who is emp:
                todo.append((case, covering))
    start = emp.shift + r.randint(-300, 300)
    blocks = frame(W, emp, d, st, r, start, start + emp.shift_len, clock)
    follow = [c for c in W.rr_closed if c.closed is not None and d - 60 <= c.closed <= d - 3]
    extra = r.sample(follow, min(len(follow), r.choice([0, 1, 1, 2, 3])))
    r.shuffle(todo)
    per = [todo[i::len(blocks)] for i in range(len(blocks))]
    bulk_done = cal.weekday(d) != 1
    for bi, ((t0, t1, s), items) in enumerate(zip(blocks, per)):
        t = t0 + r.randint(60, 600)
        for case, covering in items:
            t = skip_outage(W, d, t)
            hn = ("unrecorded_coverage", "covers a colleague's request") if covering else None
            purpose = "SUBPOENA" if case.kind == "SP" else "RECORDS_REQUEST"
            c = case_ctx(st, s, emp.habits, r, purpose, case, hn)
            p = case.subjects[0]
            if case.kind == "SP":
                q_name(c, clock(t), p, fan=("DRIVER",), with_dob=True, allow_surname_only=False)
                t += r.randint(60, 300)
                c.ev(clock(t), "print", "DRIVER", pid=p.pid, rc=1, qt="CERTIFIED ABSTRACT CUST=%s" % p.pid)
            else:
                v = p.vehicles[0]
                if r.random() < 0.6:
                    q_plate(c, clock(t), p, v)
                else:
                    q_vin(c, clock(t), p, v, rc=1)
                t += r.randint(40, 200)
                c.ev(clock(t), "query", "VEHICLE", pid=p.pid, rc=r.randint(1, 6), qt="TITLE HISTORY VIN=%s" % v.vin)
                if d == case.closed:
                    t += r.randint(60, 200)
                    c.ev(clock(t), "print", "VEHICLE", pid=p.pid, rc=1, qt="CERTIFIED TITLE RECORD")
            t += r.randint(180, 900)
            if not bulk_done and bi == 0 and case.kind == "RR":
                bulk_done = True
                cb = Ctx(st, s, emp.habits, r, "RECORDS_REQUEST", c.case,
                         ("authorized_bulk_recall_export", "manufacturer safety-recall owner list (DPPA permitted use)"))
                cb.ev(clock(t), "export", "VEHICLE", rc=r.randint(400, 2600),
                      qt="RECALL OWNER LIST VIN PREFIX %s" % r.choice(["1FT", "5N1", "KMH", "1C4"]))
                t += 300
        if bi == len(blocks) - 1:
            for case in extra:
                p = case.subjects[0]
                c = case_ctx(st, s, emp.habits, r, "RECORDS_REQUEST", case,
                             ("records_closed_request_followup", "certified copy re-issued on a closed request"))
                q_plate(c, clock(t), p, p.vehicles[0])
                t += r.randint(60, 200)
                c.ev(clock(t), "print", "VEHICLE", pid=p.pid, rc=1, qt="CERTIFIED TITLE RECORD (REISSUE)")
                t += r.randint(300, 900)
    return st.out


def gen_records_supervisor(W, emp, d, clock):
    cal = W.cal
    if not emp.works(d, cal) or not cal.business[d]:
        return []
    st, r = day_stream(W, d, emp.eid)
    start = emp.shift + r.randint(-300, 300)
    blocks = frame(W, emp, d, st, r, start, start + emp.shift_len, clock)
    todays = [c for c in W.le_work.get(d, []) if c.kind in ("LE", "RR") and not c.meta.get("news")]
    for t0, t1, s in blocks:
        t = t0 + r.randint(600, 1800)
        for case in r.sample(todays, min(len(todays), r.randint(1, 4))):
            purpose = "LAW_ENFORCEMENT_REQUEST" if case.kind == "LE" else "RECORDS_REQUEST"
            c = case_ctx(st, s, emp.habits, r, purpose, case,
                         ("supervisor_case_review", "unit supervisor reviews a request before release"))
            p = case.subjects[0]
            c.ev(clock(t), "approve", "RRT", rc=1, qt="REQ REVIEW %s" % case.cid)
            t += r.randint(30, 120)
            if p.dl and r.random() < 0.6:
                q_dl(c, clock(t), p, fan=())
            else:
                q_name(c, clock(t), p, fan=("DRIVER",), allow_surname_only=False)
            t += r.randint(900, 2400)
    return st.out
