"""Legitimate daily work in the back office: fraud investigations, titles & registration,
medical review / driver improvement, IT, the director, and the service accounts."""
from lookups import Ctx, q_dl, q_image, q_name, q_plate, q_vin, u_record
from typing_variants import apply_case, type_plate
from workload import day_stream, frame, hm, skip_outage
from workload_hq import assignee_on, case_ctx


class _Alias:
    """An identity-fraud alias searched as if it were a person."""
    __slots__ = ("last", "first", "dob", "middle", "suffix", "nicks")

    def __init__(self, last, first, dob):
        self.last, self.first, self.dob, self.middle, self.suffix, self.nicks = last, first, dob, "", "", []


def open_on(case, d):
    return case.opened <= d and not case.closed_before(d)


# -------------------------------------------------------------------------- fraud --------------

def work_inv_case(W, st, s, emp, case, d, clock, t, r, hn=None):
    purpose = "DEALER_AUDIT" if case.kind == "DLR" else "INVESTIGATION"
    c = case_ctx(st, s, emp.habits, r, purpose, case, hn)
    c.ev(clock(t), "update" if r.random() < 0.5 else "query", "CASES", rc=1,
         qt="CASE %s" % ("NOTE ADDED" if r.random() < 0.5 else "SUMMARY VIEW"))
    t += r.randint(60, 400)
    staff = case.meta.get("staff_subject")
    for p in r.sample(case.subjects, min(len(case.subjects), r.randint(1, 3))):
        ch = c
        if staff is not None and p is staff.person:
            ch = Ctx(st, s, emp.habits, r, purpose, c.case,
                     ("investigation_staff_subject", "insider investigation: the subject is a counter clerk"))
        if p.aliases and r.random() < 0.7:
            al = _Alias(*p.aliases[r.randrange(len(p.aliases))])
            from typing_variants import type_name
            f = type_name(al, ch.h, r, allow_surname_only=False, with_dob=True)
            ch.ev(clock(t), "query", "CUSTOMER", f, rc=r.randint(1, 4), qt="ALIAS " + ";".join(
                "%s=%s" % (k[8:].upper(), v) for k, v in f.items()), true_pid=p.pid)
            t += r.randint(30, 120)
        q_name(ch, clock(t), p, fan=("DRIVER", "VEHICLE"), allow_surname_only=False)
        t += r.randint(60, 300)
        if r.random() < 0.4:
            q_image(ch, clock(t), p)
            t += r.randint(60, 240)
        if case.meta.get("type") == "title_washing" and p.vehicles:
            v = p.vehicles[0]
            q_vin(ch, clock(t), p, v)
            ch.ev(clock(t + 40), "query", "VEHICLE", pid=p.pid, rc=r.randint(2, 7), qt="TITLE HISTORY VIN=%s" % v.vin)
            t += r.randint(120, 400)
        if staff is not None and p is staff.person:
            ch.ev(clock(t), "query", "DRIVER", rc=r.randint(40, 300),
                  qt="TRANSACTIONS BY OPERATOR %s" % staff.login)
            t += r.randint(120, 400)
    if r.random() < 0.45:                     # wildcard / partial-name sweep
        base = case.subjects[0].last
        pat = base[:r.randint(3, max(3, min(6, len(base))))] + r.choice(["*", "*", "%"])
        f = {"subject_last_name": apply_case(pat, emp.habits.case_style, r)}
        if r.random() < 0.5:
            f["subject_first_name"] = case.subjects[0].first[0] + "*"
        c2 = Ctx(st, s, emp.habits, r, purpose, c.case,
                 ("fraud_wildcard_alias_search", "wildcard sweep for variants of a subject's name"))
        c2.ev(clock(t), "query", "CUSTOMER", f, rc=r.randint(25, 900), qt="WILDCARD LN=%s" % f["subject_last_name"])
        t += r.randint(120, 500)
    if case.kind == "DLR":                     # buyers of the dealer's recent sales
        cd = Ctx(st, s, emp.habits, r, purpose, c.case,
                 ("dealer_audit_buyer_records", "dealer audit samples recent buyers' titles"))
        for _ in range(r.randint(6, 20)):
            p = W.wr.public[r.randrange(len(W.wr.public))]
            if p.vehicles:
                q_vin(cd, clock(t), p, p.vehicles[-1], rc=1)
                t += r.randint(25, 90)
    return t + r.randint(300, 1200)


def gen_fraud(W, emp, d, clock):
    cal = W.cal
    if not emp.works(d, cal) or not cal.business[d]:
        return []
    st, r = day_stream(W, d, emp.eid)
    mine = [c for c in W.wr.cases_of(emp.login, d, ("INV", "DLR")) if open_on(c, d)]
    start = emp.shift + r.randint(-300, 600)
    blocks = frame(W, emp, d, st, r, start, start + emp.shift_len, clock)
    insider = W.plan.news["insider"]["case"]
    for t0, t1, s in blocks:
        t = t0 + r.randint(300, 1200)
        for case in r.sample(mine, min(len(mine), r.randint(1, 3))):
            t = skip_outage(W, d, t)
            if t > t1:
                break
            t = work_inv_case(W, st, s, emp, case, d, clock, t, r)
        if emp.role == "fraud_supervisor":
            others = [c for c in W.wr.cases.values() if c.kind == "INV" and open_on(c, d)
                      and c is not insider and assignee_on(c, d) != emp.login]
            for case in r.sample(others, min(len(others), r.randint(1, 3))):
                cc = case_ctx(st, s, emp.habits, r, "INVESTIGATION", case,
                              ("supervisor_case_review", "unit supervisor reviews an investigator's case"))
                cc.ev(clock(t), "query", "CASES", rc=1, qt="CASE REVIEW")
                q_name(cc, clock(t + 60), case.subjects[0], fan=("DRIVER",), allow_surname_only=False)
                t += r.randint(600, 1800)
    # field work / interviews: a short evening VPN session from the laptop
    if emp.laptop and mine and r.random() < 0.15:
        cl, net = emp.laptop
        vs = st.session(emp.login, cl, "%s.%d" % (net, r.randint(2, 250)))
        a = hm(19, 30) + r.randint(0, 3600)
        st.ev(clock(a), vs, "login", "SSO")
        case = mine[r.randrange(len(mine))]
        work_inv_case(W, st, vs, emp, case, d, clock, a + 120, r,
                      hn=("investigator_after_hours", "evening case work from the laptop after a field interview"))
        st.ev(clock(a + 3000), vs, "logout", "SSO")
    return st.out


# -------------------------------------------------------------------------- titles -------------

def gen_title_clerk(W, emp, d, clock):
    cal = W.cal
    if not emp.works(d, cal) or not cal.business[d]:
        return []
    st, r = day_stream(W, d, emp.eid)
    start = emp.shift + r.randint(-300, 300)
    blocks = frame(W, emp, d, st, r, start, start + emp.shift_len, clock)
    pub = W.wr.public
    batches = r.choice([0, 1, 1, 2]) + (1 if d in cal.peak else 0)
    sup = emp.role == "title_supervisor"
    for bi, (t0, t1, s) in enumerate(blocks):
        t = t0 + r.randint(60, 600)
        nb = (batches + 1 - bi) // 2 if not sup else 0
        while t < t1 - 300:
            t = skip_outage(W, d, t)
            if nb and r.random() < 0.08:
                nb -= 1
                dealer = "%s %s" % (r.choice(["SUNRISE", "PRAIRIE", "HEARTLAND", "VALLEY", "CAPITAL",
                                              "LIBERTY", "FRONTIER", "LAKESIDE"]), r.choice(["MOTORS", "AUTO SALES", "FORD", "TOYOTA"]))
                c = Ctx(st, s, emp.habits, r, "DEALER_BATCH",
                        hn=("dealer_batch_burst", "dealer title batch from %s keyed in one sitting" % dealer))
                for _ in range(r.randint(20, 70)):
                    p = pub[r.randrange(len(pub))]
                    if not p.vehicles:
                        continue
                    v = p.vehicles[-1]
                    q_vin(c, clock(t), p, v, rc=1)
                    t += r.randint(8, 30)
                    u_record(c, clock(t), p, "VEHICLE", "TITLE ISSUE DEALER %s" % dealer)
                    t += r.randint(10, 35)
                continue
            p = pub[r.randrange(len(pub))]
            if not p.vehicles:
                continue
            v = p.vehicles[r.randrange(len(p.vehicles))]
            purpose = r.choices(["TITLE_PROCESSING", "LIEN_RECORDING", "TITLE_CORRECTION"],
                                weights=[75, 18, 7] if not sup else [30, 10, 60])[0]
            c = Ctx(st, s, emp.habits, r, purpose)
            if r.random() < 0.85:
                q_vin(c, clock(t), p, v)
            else:
                q_plate(c, clock(t), p, v)
            t += r.randint(60, 400)
            if r.random() < 0.8:
                u_record(c, clock(t), p, "VEHICLE", {"TITLE_PROCESSING": "TITLE ISSUE", "LIEN_RECORDING": r.choice(
                    ["LIEN ADD", "LIEN RELEASE"]), "TITLE_CORRECTION": "TITLE CORRECTION"}[purpose])
            t += int(r.expovariate(1 / (9 * 60 if not sup else 25 * 60)))
    return st.out


# -------------------------------------------------------------------------- medical review -----

def gen_medical(W, emp, d, clock):
    cal = W.cal
    if not emp.works(d, cal) or not cal.business[d]:
        return []
    st, r = day_stream(W, d, emp.eid)
    start = emp.shift + r.randint(-300, 300)
    blocks = frame(W, emp, d, st, r, start, start + emp.shift_len, clock)
    mine = [c for c in W.wr.cases_of(emp.login, d, ("MR", "DI")) if open_on(c, d)]
    dui = W.plan.news["dui"]
    tr = W.plan.news.get("transfer")
    hearings = [c for c in mine if c.meta.get("hearing") == d]
    sup = emp.role == "medical_supervisor"
    for bi, (t0, t1, s) in enumerate(blocks):
        t = t0 + r.randint(60, 900)
        if bi == 0 and dui["day"] == d and dui["analyst"] is emp:
            case = dui["case"]
            p = case.subjects[0]
            c = case_ctx(st, s, emp.habits, r, "DRIVER_IMPROVEMENT", case,
                         ("driver_improvement_staff_subject", "administrative suspension on an employee's arrest report"))
            q_dl(c, clock(t), p, fan=("DIMS",))
            u_record(c, clock(t + 300), p, "DIMS", "ADMIN PER SE CASE OPEN")
            u_record(c, clock(t + 420), p, "DRIVER", "SUSPENSION ENTERED")
            t += 900
        if bi == 0 and tr and tr["day"] == d and tr["from"] is emp:
            for case in tr["cases"]:
                c = case_ctx(st, s, emp.habits, r, "MEDICAL_REVIEW" if case.kind == "MR" else "DRIVER_IMPROVEMENT",
                             case, ("post_transfer_wrapup", "notes on cases transferred to %s" % tr["to"].login))
                c.ev(clock(t), "update", "DIMS", pid=case.subjects[0].pid, rc=1, qt="TRANSFER NOTE")
                t += r.randint(120, 400)
        if bi == 0:
            for case in hearings:
                p = case.subjects[0]
                c = case_ctx(st, s, emp.habits, r, "HEARING", case)
                q_dl(c, clock(t), p, fan=("DIMS",)) if p.dl else q_name(c, clock(t), p, fan=("DIMS",))
                q_image(c, clock(t + 200), p)
                u_record(c, clock(t + 2400), p, "DIMS", "HEARING OUTCOME")
                t += r.randint(2700, 4000)
        n = 0 if sup else r.randint(4, 8)
        for case in r.sample(mine, min(len(mine), n)):
            t = skip_outage(W, d, t)
            if t > t1:
                break
            p = case.subjects[0]
            purpose = "MEDICAL_REVIEW" if case.kind == "MR" else "DRIVER_IMPROVEMENT"
            c = case_ctx(st, s, emp.habits, r, purpose, case,
                         ("driver_improvement_staff_subject", "follow-up on the employee's administrative suspension")
                         if case.meta.get("staff_subject") else None)
            c.ev(clock(t), "query", "DIMS", pid=p.pid, rc=1, qt="CASE FILE %s" % case.cid)
            t += r.randint(30, 200)
            if p.dl and r.random() < 0.6:
                q_dl(c, clock(t), p, fan=())
            else:
                q_name(c, clock(t), p, fan=("DRIVER",), allow_surname_only=False)
            t += r.randint(300, 1200)
            if r.random() < 0.4:
                u_record(c, clock(t), p, r.choice(["DIMS", "DRIVER"]), r.choice(
                    ["MED FORM RECEIVED", "SUSPENSION ENTERED", "REINSTATED", "POINTS ASSESSED", "LETTER SENT"]))
                t += r.randint(120, 600)
            if r.random() < 0.08:             # the relative who filed the medical report
                q = W.wr.pick_public(r, p.addr.town)
                ch = Ctx(st, s, emp.habits, r, purpose, c.case,
                         ("household_member_not_on_case", "calls back the family member who reported the driver"))
                q_name(ch, clock(t), q, fan=(), allow_surname_only=False)
                t += r.randint(300, 900)
        if sup:
            others = [c for c in W.wr.cases.values() if c.kind in ("MR", "DI") and open_on(c, d)
                      and c.cid not in W.plan.protected_cases and assignee_on(c, d) != emp.login]
            for case in r.sample(others, min(len(others), r.randint(2, 5))):
                purpose = "MEDICAL_REVIEW" if case.kind == "MR" else "DRIVER_IMPROVEMENT"
                c = case_ctx(st, s, emp.habits, r, purpose, case,
                             ("supervisor_case_review", "supervisor signs off an analyst's suspension order"))
                c.ev(clock(t), "approve", "DIMS", pid=case.subjects[0].pid, rc=1, qt="ORDER APPROVAL")
                t += r.randint(400, 1500)
    return st.out


# -------------------------------------------------------------------------- IT, director -------

def gen_it(W, emp, d, clock):
    cal = W.cal
    st, r = day_stream(W, d, emp.eid)
    adm = emp.logins[1].login
    oncall = emp is W.ag.it_lead
    if emp.works(d, cal) and cal.business[d]:
        start = emp.shift + r.randint(-300, 300)
        blocks = frame(W, emp, d, st, r, start, start + emp.shift_len, clock)
        for t0, t1, s in blocks:
            t = t0 + r.randint(300, 1200)
            as_ = st.session(adm, s.client, s.ip)
            st.ev(clock(t), as_, "login", "SSO")
            c = Ctx(st, as_, emp.habits, r, "SYSTEM_ADMIN",
                    hn=("second_login_same_employee", "administrator login on the IT desk"))
            for _ in range(r.randint(2, 8)):
                target = W.ag.employees[r.randrange(len(W.ag.employees))].login
                c.ev(clock(t), "account_admin", "IAM", rc=1,
                     qt="%s user=%s" % (r.choice(["RESET PASSWORD", "UNLOCK", "ROLE GRANT", "MFA RESET"]), target))
                t += r.randint(120, 900)
            if r.random() < 0.5:
                ct = Ctx(st, as_, emp.habits, r, "SYSTEM_ADMIN", hn=("it_test_record", "release check on the test record"))
                ct.ev(clock(t), "query", "CUSTOMER", {"subject_last_name": "TEST", "subject_first_name": "RECORD",
                                                      "subject_dob": "1900-01-01"}, rc=1, qt="LN=TEST;FN=RECORD")
                t += 120
            st.ev(clock(t + 60), as_, "logout", "SSO")
            cq = Ctx(st, s, emp.habits, r, "DATA_QUALITY")
            for _ in range(r.randint(2, 8)):
                p = W.wr.public[r.randrange(len(W.wr.public))]
                q_name(cq, clock(t), p, fan=("DRIVER",), allow_surname_only=False)
                t += r.randint(300, 1500)
    # Wednesday evening maintenance window and the DST-night job check, from the laptop
    evening = cal.weekday(d) == 2 and oncall
    night = cal.dst_change(d) and oncall
    for flag, a, cls in ((evening, hm(21, 30), "it_evening_maintenance"), (night, hm(1, 20), "it_night_job")):
        if not flag:
            continue
        cl, net = emp.laptop
        vs = st.session(adm, cl, "%s.%d" % (net, r.randint(2, 250)))
        st.ev(clock(a), vs, "login", "SSO")
        c = Ctx(st, vs, emp.habits, r, "SYSTEM_ADMIN", hn=(cls, "scheduled after-hours maintenance"))
        t = a + 120
        for _ in range(r.randint(3, 8)):
            c.ev(clock(t), "query", r.choice(["DRIVER", "VEHICLE", "CUSTOMER"]), {"subject_last_name": "TEST",
                 "subject_first_name": "RECORD"}, rc=1, qt="SMOKE TEST LN=TEST;FN=RECORD")
            t += r.randint(120, 700)
        st.ev(clock(t + 60), vs, "logout", "SSO")
    return st.out


def gen_director(W, emp, d, clock):
    cal = W.cal
    if not emp.works(d, cal) or not cal.business[d]:
        return []
    st, r = day_stream(W, d, emp.eid)
    start = emp.shift
    blocks = frame(W, emp, d, st, r, start, start + emp.shift_len, clock, lunch=False)
    t0, t1, s = blocks[0]
    c = Ctx(st, s, emp.habits, r, "MANAGEMENT_REPORT")
    c.ev(clock(t0 + 600), "query", "REPORTS", rc=r.randint(7, 40), qt="STATEWIDE WAIT TIME DASHBOARD")
    if d in cal.first_business_of_month or d in cal.peak:
        c.ev(clock(t0 + 4000), "export", "REPORTS", rc=r.randint(20000, 60000), qt="MONTHLY TRANSACTION VOLUME BY OFFICE")
    return st.out


# -------------------------------------------------------------------------- service accounts ---

def gen_services(W, d, clock):
    from lookups import Stream
    from common import rng
    out = []
    hn = ("service_account_machine_pace", "scheduled batch")
    vehicles = W.ag.pop.vehicles
    owners = W.ag.pop.by_pid
    for login, eid, desc, (cl, ip) in W.ag.service:
        st = Stream("%s|%s|%s|L|%d|%s" % (W.seed, W.n, W.days, d, login))
        r = rng(W.seed, W.n, W.days, "svc", d, login)
        s = st.session(login, cl, ip)
        if login == "svc_insverify":
            t = hm(1, 10) + r.randint(0, 300)
            st.ev(clock(t), s, "login", "SSO")
            t += 2
            n = int(len(vehicles) * r.uniform(0.06, 0.08))
            for v in r.sample(vehicles, n):
                t += r.choice([0, 0, 0, 0, 0, 0, 1])
                p = owners[v.owner]
                st.ev(clock(t), s, "query", "VEHICLE", "INSURANCE_VERIFICATION", ("", None),
                      {"subject_plate": v.plate}, p.pid, p.pid, 1, "INSVERIFY PLATE=%s VIN=%s" % (v.plate, v.vin), hn)
            st.ev(clock(t + 5), s, "logout", "SSO")
        elif login == "svc_tollfeed":
            t = hm(5, 0) + r.randint(0, 120)
            st.ev(clock(t), s, "login", "SSO")
            t += 3
            while t < hm(23, 40):
                for _ in range(r.randint(2, 18)):
                    v = vehicles[r.randrange(len(vehicles))]
                    p = owners[v.owner]
                    plate = type_plate(v.plate, _TOLL_HABITS, r) if r.random() < 0.2 else v.plate
                    st.ev(clock(t), s, "query", "VEHICLE", "TOLL_DATA_SHARE", ("", None), {"subject_plate": plate},
                          p.pid, p.pid, 1, "TOLL OWNER LOOKUP PLATE=%s" % plate, hn)
                    t += r.choice([0, 0, 1])
                t += 1200 + r.randint(-60, 60)
        else:
            t = hm(2, 30) + r.randint(0, 200)
            st.ev(clock(t), s, "login", "SSO")
            reps = [("DAILY REGISTRATION EXPIRATION NOTICES", r.randint(1500, 4200)),
                    ("DAILY TRANSACTION EXTRACT", r.randint(8000, 20000))]
            if d in W.cal.peak or d in W.cal.first_business_of_month:
                reps.append(("MONTHLY REGISTRATION RENEWAL MAILING", r.randint(60000, 90000)))
            for name, n in reps:
                st.ev(clock(t), s, "export", "REPORTS", "SCHEDULED_REPORT", ("", None), None, None, None, n, name, hn)
                t += r.randint(60, 600)
            st.ev(clock(t), s, "logout", "SSO")
        out.extend(st.out)
    return out


class _TH:
    plate_space = 0.5
    typo = 0.0


_TOLL_HABITS = _TH()
