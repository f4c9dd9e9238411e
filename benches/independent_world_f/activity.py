"""Dispatch of the legitimate activity: one RNG stream and one event-id
stream per (seed, N, D, day, employee); service accounts per (day, account)."""
from flows import DAY
from emit import Out, Sess
from util import rng
import act_clin as C
import act_support as S

ROLE_FN = {
    "rn_ward": C.ward_nurse, "rn_float": C.ward_nurse, "rn_ed": C.ed_nurse, "ed_physician": C.ed_physician,
    "hospitalist": C.hospitalist, "resident": C.resident, "clinic_physician": C.clinic_physician,
    "clinic_ma": C.clinic_ma, "front_desk": C.front_desk, "unit_clerk": C.unit_clerk,
    "nurse_manager": C.nurse_manager, "registrar": S.registrar, "lab_tech": S.ancillary,
    "rad_tech": S.ancillary, "pharmacist": S.ancillary, "him_roi": S.him_roi, "him_data": S.him_data,
    "coder": S.coder, "billing": S.billing, "case_manager": S.case_manager, "quality": S.quality,
    "infection_prev": S.infection_prev, "employee_health": S.employee_health, "it_analyst": S.it_analyst,
}


def director(W, emp, day, rr, o):
    s = emp.sched.get(day)
    if not s:
        return
    from act_base import shift_sessions
    t0 = day * DAY + s[0]
    ss = shift_sessions(W, rr, emp, emp.login, o, t0, t0 + rr.randint(120, 400), "ADMIN", style="desk")
    for k in range(rr.randint(1, 3)):
        o.ev(t0 + 10 + 30 * k, emp.login, "export", "REPORTS", ss[0], "", "REPORTING", None,
             result_count=rr.randint(12, 400), hn=[("management_report_export", "director's routine dashboard export")],
             extra={"activity": rr.choice(["Daily Census Summary", "Length of Stay Dashboard",
                                           "Denials Trend", "Overtime Report"])})


ROLE_FN["director"] = director


def legit_day(W, day):
    rows = []
    for e in W.emps:
        fn = ROLE_FN[e.role]
        if day not in e.sched and not (e.role == "hospitalist" and day in e.oncall):
            continue
        o = Out(W.seed, f"L/{W.n}/{W.days}/{day}/{e.eid}")
        rr = rng(W.seed, W.n, W.days, "act", day, e.eid)
        fn(W, e, day, rr, o)
        rows += tag_shift(W, e, day, o.rows)
    rows += services(W, day)
    from truth import rollover_negatives
    return rollover_negatives(W, rows)


SVC_HN = [("service_account_machine_pace", "interface / batch account runs at machine pace")]


def services(W, day):
    rows = []
    # HL7 ADT interface: one lookup per ADT message (arrival, admit, discharge)
    o = Out(W.seed, f"L/{W.n}/{W.days}/{day}/svc_hl7_adt")
    rr = rng(W.seed, W.n, W.days, "svc", day, "hl7")
    sess = Sess("if-%06d" % (day + 1000), "DC-IFENGINE01", W.clients["DC-IFENGINE01"][3], day * DAY, (day + 1) * DAY)
    msgs = []
    for e in W.encs:
        if e.etype in ("ROI", "QR"):
            continue
        if day * DAY <= e.t_open < (day + 1) * DAY:
            msgs.append((e.t_open, "ADT^A04" if e.etype != "IP" else "ADT^A01", e))
        if e.t_close is not None and day * DAY <= e.t_close < (day + 1) * DAY and e.etype in ("IP", "ED"):
            msgs.append((e.t_close, "ADT^A03", e))
    for t, m, e in sorted(msgs, key=lambda x: (x[0], x[2].id)):
        o.ev(t + rr.random() * 0.02, "svc_hl7_adt", "query", "INTERFACE", sess, e.id, "INTERFACE",
             {"subject_person_id": e.pat.mrn}, query_text=m, truth=(e.pat.key, e.id), hn=SVC_HN)
    rows += o.rows
    # nightly claims batch at 01:30: every account closed the previous day
    o = Out(W.seed, f"L/{W.n}/{W.days}/{day}/svc_claims_batch")
    t = day * DAY + 90
    sess = Sess("batch-%06d" % (day + 1000), "DC-BATCH01", W.clients["DC-BATCH01"][3], t, t + 30)
    o.ev(t, "svc_claims_batch", "login", "SSO", sess)
    closed = [e for e in W.encs if e.etype in ("IP", "ED", "OP") and e.t_close is not None
              and (day - 1) * DAY <= e.t_close < day * DAY]
    closed.sort(key=lambda e: e.id)
    for i, e in enumerate(closed):
        o.ev(t + 1 + i * 0.004, "svc_claims_batch", "query", "PFS", sess, e.id, "BILLING",
             {"subject_person_id": e.pat.mrn}, query_text="837 CLAIM BUILD", truth=(e.pat.key, e.id), hn=SVC_HN)
    o.ev(t + 2 + len(closed) * 0.004, "svc_claims_batch", "export", "PFS", sess, "", "BILLING", None,
         result_count=len(closed), query_text="837I/837P SUBMISSION FILE", hn=SVC_HN)
    o.ev(t + 3 + len(closed) * 0.004, "svc_claims_batch", "logout", "SSO", sess)
    rows += o.rows
    # report scheduler: census extract 05:45 every day, readmissions Monday
    o = Out(W.seed, f"L/{W.n}/{W.days}/{day}/svc_rpt_sched")
    t = day * DAY + 345
    sess = Sess("rpt-%06d" % (day + 1000), "DC-RPTSRV01", W.clients["DC-RPTSRV01"][3], t, t + 10)
    cen = sum(len(W.unit_census.get((u, day), [])) for u in W.wards)
    o.ev(t, "svc_rpt_sched", "export", "REPORTS", sess, "", "REPORTING", None, result_count=cen,
         query_text="SELECT * FROM census_v WHERE census_date = CURRENT_DATE", hn=SVC_HN)
    if day % 7 == 0:
        o.ev(t + 5, "svc_rpt_sched", "export", "REPORTS", sess, "", "REPORTING", None,
             result_count=len(W.ip_open) // 4, query_text="30-day readmission extract", hn=SVC_HN)
    rows += o.rows
    return rows


def tag_shift(W, e, day, rows):
    """Whole-shift hard negatives: unusual hours or account states that are legitimate."""
    from util import night_hours_in_shift, START
    import datetime as dt
    extra = []
    s = e.sched.get(day)
    if s:
        tag = s[4]
        if tag.startswith("night") and night_hours_in_shift(day) != 12:
            extra.append(("dst_night_shift", f"night shift of {night_hours_in_shift(day):.0f} h over the DST change"))
        if tag.startswith("night") and e.shift_pref == "rotate":
            extra.append(("rotation_to_night_shift", f"{e.login} rotates to nights this week"))
        if tag.endswith("extra"):
            extra.append(("extra_shift_overtime", f"{e.login} picks up an extra shift"))
        if tag.endswith("float"):
            extra.append(("float_pool_shift", f"float nurse {e.login} sent to {s[3]}"))
    if e.status == "terminated" and e.end_date:
        extra.append(("terminated_later_work_before_end_date", f"{e.login} works normally before leaving on {e.end_date}"))
    if e.status == "leave" and e.leave_from is not None and e.leave_from >= 0:
        extra.append(("leave_started_mid_window", f"{e.login} works normally before going on leave"))
    if not extra:
        return rows
    out = []
    for ts, i, line, tr, hn in rows:
        out.append((ts, i, line, tr, (hn or []) + extra))
    return out
