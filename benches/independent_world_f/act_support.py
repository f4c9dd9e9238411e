"""Legitimate activity of registration, ancillary (lab, radiology, pharmacy),
HIM (release of information, MPI), coding, billing, case management,
quality, infection prevention, employee health, IT and service accounts."""
from flows import DAY
from emit import chart_open, pick_tabs, sess_at, adt_search, adt_open, lis_row, ris_row, rx_row, subj_ehr, \
    subj_typed, subj_whole, documentation
from act_base import habits, shift_window, shift_sessions, spread, classify
from world import conflict
from util import enc_variant, mrn_variant, phone_variant, address_text
from people import rand_last

COMMON = ("SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "MILLER", "DAVIS", "GARCIA", "NGUYEN",
          "ANDERSON", "OLSON", "PETERSON", "LEE")


def items(W, emp, day):
    return sorted((x for x in W.work.get((emp.login, day), []) + W.work.get((emp.login, day + 1), [])),
                  key=lambda x: x[0])


def registrar(W, emp, day, rr, o):
    t0, t1, s = shift_window(emp, day)
    login, unit = emp.login, s[3]
    h = habits(W, emp)
    pool = "SBR-ED:reg" if unit == "SBR-ED-REG" else unit
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, pool, style="desk")
    for t, kind, enc, extra in items(W, emp, day):
        if not (t0 <= t <= t1 + 30) or conflict(W, emp, enc.pat):
            continue
        pat, sess = enc.pat, sess_at(ss, t)
        hn = classify(W, emp, pat, None, "registers the patient")
        if kind == "reg_quick":
            # ED quick registration: no encounter exists yet
            adt_search(o, t, login, sess, pat, rr, h, "TRIAGE", hn=hn, truth_enc="")
            adt_open(o, t + 1, login, sess, pat, rr, "TRIAGE", "", activity="ED Quick Registration", action="update",
                     hn=hn)
            continue
        common = pat.last in COMMON and rr.random() < 0.6
        res = rr.randint(15, 180) if common else None
        hs = classify(W, emp, pat, ("registration_common_name_search",
                                    f"common surname {pat.last}, {res} matches") if common else None, "registers")
        adt_search(o, t, login, sess, pat, rr, h, "PATIENT_SEARCH", results=res, hn=hs, truth_enc=enc.id)
        act = {"reg_ed": "ED Registration Complete", "reg_adm": "Admission", "bed_assign": "Bed Assignment",
               "reg_op": "Outpatient Registration"}[kind]
        adt_open(o, t + rr.randint(1, 3), login, sess, pat, rr, "REGISTRATION", enc_variant(enc.id, h["enc"], rr),
                 activity=act, action="update", hn=hn, truth_enc=enc.id)
        if rr.random() < 0.75:
            o.ev(t + 4, login, "query", "ELIG", sess, enc_variant(enc.id, h["enc"], rr), "REGISTRATION",
                 {"subject_last_name": pat.last, "subject_first_name": pat.first, "subject_dob": pat.dob},
                 result_count=1, extra={"activity": "Insurance Eligibility 270/271"}, truth=(pat.key, enc.id), hn=hn)
        g = enc.meta.get("guarantor")
        if g is not None and rr.random() < 0.6 and not conflict(W, emp, g):
            adt_open(o, t + 5, login, sess, g, rr, "REGISTRATION", enc_variant(enc.id, h["enc"], rr),
                     activity="Guarantor Verified", hn=classify(W, emp, g, ("guarantor_on_encounter",
                                                                              "parent/guarantor of a minor"), "registers"),
                     truth_enc=enc.id)
    # phone calls / pre-registrations: searches that find nothing or many
    for t in spread(rr, t0 + 10, t1 - 10, rr.randint(3, 8)):
        last = rr.choice(COMMON) if rr.random() < 0.5 else rand_last(rr)
        o.ev(t, login, "query", "ADT", sess_at(ss, t), "", "PATIENT_SEARCH",
             {"subject_last_name": last, "subject_first_name": rr.choice(["J", "M", "", "A"]) or None},
             result_count=rr.randint(0, 220), extra={"activity": "Patient Lookup"}, truth=(None, ""),
             hn=[("registration_common_name_search", "surname-only phone pre-registration search")]
             if last in COMMON else None)


def ancillary(W, emp, day, rr, o):
    t0, t1, s = shift_window(emp, day)
    login = emp.login
    pool = {"lab_tech": "LAB", "rad_tech": "RADIOLOGY", "pharmacist": "PHARMACY"}[emp.role] + ":" + emp.site
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, pool, style="roam")
    for t, kind, enc, extra in items(W, emp, day):
        if not (t0 <= t <= t1 + 20) or conflict(W, emp, enc.pat):
            continue
        pat, sess = enc.pat, sess_at(ss, t)
        hn = classify(W, emp, pat, None, "works the order")
        if enc.site != emp.site and emp.role == "pharmacist":
            hn = (hn or []) + [("pharmacist_remote_verification", f"{login} verifies orders for {enc.site} overnight")]
        if kind == "lab":
            lis_row(o, t - rr.randint(10, 30), login, sess_at(ss, t - 15), enc, pat, rr, "SPECIMEN RECEIVED", "update", hn)
            lis_row(o, t, login, sess, enc, pat, rr, rr.choice(["CBC", "BMP", "CMP", "TROP I", "LACTATE", "PT/INR",
                                                                 "UA", "BLOOD CX", "HGB A1C", "LIPID"]), "query", hn)
            lis_row(o, t + rr.randint(20, 70), login, sess_at(ss, t + 45), enc, pat, rr, "RESULT VERIFIED", "update", hn)
        elif kind == "rad":
            ris_row(o, t, login, sess, enc, pat, rr, extra, "query", hn)
            ris_row(o, t + rr.randint(10, 40), login, sess_at(ss, t + 20), enc, pat, rr, extra + " COMPLETED", "update", hn)
        elif kind == "rx":
            o.ev(t - 1, login, "query", "PHARMACY", sess, enc.id, "PHARMACY_VERIFICATION",
                 {"subject_person_id": pat.mrn}, extra={"activity": "Medication Profile"}, truth=(pat.key, enc.id), hn=hn)
            rx_row(o, t, login, sess, enc, pat, rr, hn)
            if rr.random() < 0.3:
                chart_open(o, t + 1, login, sess, enc, pat, "PHARMACY_VERIFICATION", ["Results Review"], hn)


def him_roi(W, emp, day, rr, o):
    t0, t1, s = shift_window(emp, day)
    login = emp.login
    h = habits(W, emp)
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, "HIM-ROI", style="desk")
    for req in W.roi:
        if req.meta["owner"] != login or conflict(W, emp, req.pat):
            continue
        d_open, d_close = req.open_day(), req.close_day()
        work_day = d_open if d_open >= 0 else None
        if d_close is not None and d_close != d_open:
            work_day = d_close
        if work_day != day:
            if d_open == day:
                t = req.t_open
                o.ev(t, login, "update", "ROI", sess_at(ss, t), req.id, "RELEASE_OF_INFORMATION",
                     subj_whole(req.pat, rr, h), extra={"activity": "Request Logged", "requester": req.meta["requester"]},
                     truth=(req.pat.key, req.id), hn=classify(W, emp, req.pat, None, "logs the request"))
            continue
        pat = req.pat
        t = max(t0 + 10, min(t1 - 60, req.t_open if d_open == day else t0 + rr.randint(10, 300)))
        sess = sess_at(ss, t)
        hn = classify(W, emp, pat, ("him_roi_closed_encounter",
                                    f"{login} releases records for request {req.id} ({req.meta['requester']})"), "fills ROI")
        o.ev(t, login, "query", "ROI", sess, req.id, "RELEASE_OF_INFORMATION", subj_typed(pat, rr, h, dob_p=0.95),
             result_count=1, extra={"activity": "Patient Lookup"}, truth=(pat.key, req.id), hn=hn)
        for k, enc in enumerate(req.meta["encs"]):
            tt = t + 2 + 3 * k
            cid = req.id if rr.random() < 0.5 else enc.id
            chart_open(o, tt, login, sess_at(ss, tt), None, pat, "RELEASE_OF_INFORMATION", ["Notes", "Results Review"],
                       hn, case_id=cid)
        act = "export" if rr.random() < 0.5 else "print"
        o.ev(t + 12, login, act, "ROI", sess_at(ss, t + 12), req.id, "RELEASE_OF_INFORMATION",
             {"subject_person_id": pat.mrn, "subject_name": pat.name_lf()}, result_count=rr.randint(8, 240),
             extra={"activity": "Release Packet " + ("PDF" if act == "export" else "Printed"),
                    "requester": req.meta["requester"]}, truth=(pat.key, req.id), hn=hn)


def him_data(W, emp, day, rr, o):
    """MPI data integrity: duplicate-record work lists, many similar names, no encounter."""
    t0, t1, s = shift_window(emp, day)
    login = emp.login
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, "HIM-DATA", style="desk")
    for t in spread(rr, t0 + 15, t1 - 15, rr.randint(30, 55)):
        p = rr.choice(W.patients)
        if conflict(W, emp, p):
            continue
        sess = sess_at(ss, t)
        hn = classify(W, emp, p, ("mpi_duplicate_review", f"{login} works the potential-duplicate list"))
        o.ev(t, login, "query", "MPI", sess, "", "MPI_MAINTENANCE",
             {"subject_last_name": p.last, "subject_first_name": p.first[:1], "subject_dob": p.dob},
             result_count=rr.randint(2, 9), extra={"activity": "Duplicate Candidate Search"}, truth=(p.key, ""), hn=hn)
        o.ev(t + 1, login, "query", "MPI", sess, "", "MPI_MAINTENANCE", subj_ehr(p, None),
             extra={"activity": "Compare Records"}, truth=(p.key, ""), hn=hn)


def coder(W, emp, day, rr, o):
    t0, t1, s = shift_window(emp, day)
    login = emp.login
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, "CODING", style="desk", vpn=emp.remote)
    me = day in W.month_end
    for t, kind, enc, extra in items(W, emp, day):
        if not (t0 <= t <= t1 + 120) or conflict(W, emp, enc.pat):
            continue
        base = ("month_end_coding_push", f"{login} clears the DNFB list before month-end close") if kind == "coding_me" \
            else ("coding_work_queue", f"{login} codes discharged encounter {enc.id}")
        hn = classify(W, emp, enc.pat, base, "codes the account")
        sess = sess_at(ss, t)
        o.ev(t, login, "query", "ENCODER", sess, enc.id, "CODING", {"subject_person_id": enc.pat.mrn},
             extra={"activity": "Abstract Opened"}, truth=(enc.pat.key, enc.id), hn=hn)
        chart_open(o, t + 1, login, sess, enc, enc.pat, "CODING", ["Notes", "Results Review"] if kind == "coding"
                   else ["Notes"], hn)
        if kind == "coding":
            o.ev(t + rr.randint(6, 18), login, "update", "ENCODER", sess_at(ss, t + 10), enc.id, "CODING",
                 {"subject_person_id": enc.pat.mrn}, extra={"activity": "Codes Finalized"},
                 truth=(enc.pat.key, enc.id), hn=hn)
    del me


def billing(W, emp, day, rr, o):
    t0, t1, s = shift_window(emp, day)
    login = emp.login
    h = habits(W, emp)
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, "PATIENT-ACCOUNTS", style="desk")
    for t, kind, enc, extra in items(W, emp, day):
        if not (t0 <= t <= t1) or conflict(W, emp, enc.pat):
            continue
        pat = enc.pat
        g = enc.meta.get("guarantor") or pat
        sess = sess_at(ss, t)
        hn = classify(W, emp, pat, ("billing_work_queue", f"{login} works account follow-up for {enc.id}"), "bills")
        cid = enc_variant(enc.id, h["enc"], rr)
        if rr.random() < h["blank_case"]:
            cid = rr.choice(["", "N/A"])
            hn = (hn or []) + [("sloppy_case_entry", f"{login} leaves the account number blank on routine follow-up")]
        if kind == "bill_call":
            o.ev(t, login, "query", "PFS", sess, "", "BILLING", {"subject_phone": phone_variant(g.phone, rr)},
                 result_count=1, extra={"activity": "Guarantor Search by Phone"}, truth=(g.key, enc.id),
                 hn=classify(W, emp, g, ("billing_guarantor_phone_search", "guarantor calls about a statement"), "bills"))
        o.ev(t + 1, login, "query", "PFS", sess, cid, "BILLING",
             {"subject_person_id": mrn_variant(pat.mrn, "mrn"), "subject_name": f"{pat.last},{pat.first}"},
             extra={"activity": "Account Activity"}, truth=(pat.key, enc.id), hn=hn)
        if kind == "bill_update":
            o.ev(t + 3, login, "update", "PFS", sess, cid, "BILLING",
                 {"subject_person_id": mrn_variant(pat.mrn, "mrn")},
                 extra={"activity": rr.choice(["Account Note", "Payment Plan", "Insurance Resubmitted"])},
                 truth=(pat.key, enc.id), hn=hn)


def case_manager(W, emp, day, rr, o):
    t0, t1, s = shift_window(emp, day)
    login = emp.login
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, "CASE-MGMT", style="desk")
    for u in emp.units:
        for enc in W.unit_census.get((u, day), []):
            if enc.meta.get("cm") != login or conflict(W, emp, enc.pat):
                continue
            t = t0 + rr.randint(20, (t1 - t0) - 30)
            hn = classify(W, emp, enc.pat, None, "plans the discharge")
            chart_open(o, t, login, sess_at(ss, t), enc, enc.pat, "CARE_COORDINATION", pick_tabs(rr, 1, 3), hn)
            documentation(o, t + rr.randint(5, 30), login, sess_at(ss, t + 20), enc, enc.pat, "CARE_COORDINATION",
                          "Discharge Planning Note", hn)
            nok = enc.meta.get("nok")
            if nok is not None and rr.random() < 0.35 and not conflict(W, emp, nok):
                o.ev(t + 2, login, "query", "EHR", sess_at(ss, t + 2), enc.id, "CARE_COORDINATION",
                     {"subject_name": f"{nok.first} {nok.last}", "subject_phone": nok.phone},
                     extra={"activity": "Contact Next of Kin"}, truth=(nok.key, enc.id),
                     hn=classify(W, emp, nok, ("case_subject_next_of_kin", "next of kin listed on the encounter"), "calls"))


def quality(W, emp, day, rr, o, login=None):
    t0, t1, s = shift_window(emp, day)
    login = emp.login
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, "QUALITY", style="desk")
    for rv in W.qr:
        if not rv.assigned(login, day) or conflict(W, emp, rv.pat) or not rv.active_on(day):
            continue
        t = t0 + rr.randint(30, 400)
        src = rv.meta["src"]
        hn = classify(W, emp, rv.pat, ("quality_review_cross_unit",
                                       f"{login} reviews {rv.meta['reason'].lower()} case {rv.id}"), "reviews")
        chart_open(o, t, login, sess_at(ss, t), None, rv.pat, "QUALITY_REVIEW", ["Notes", "Flowsheets", "MAR"], hn,
                   case_id=rv.id if rr.random() < 0.6 else src.id)
    # core-measure abstraction of recently discharged stays (any unit, not on the team)
    recent = [e for e in W.ip_open if e.t_close is not None and (day - 10) * DAY < e.t_close < day * DAY
              and not conflict(W, emp, e.pat)]
    for enc in rr.sample(recent, min(len(recent), rr.randint(4, 10))):
        t = t0 + rr.randint(30, (t1 - t0) - 20)
        hn = classify(W, emp, enc.pat, ("quality_review_cross_unit",
                                        f"{login} abstracts core measures for {enc.id} ({enc.unit})"), "abstracts")
        chart_open(o, t, login, sess_at(ss, t), enc, enc.pat, "QUALITY_REVIEW", ["Notes", "MAR", "Orders"], hn)
    if emp.lead and len(emp.logins) > 1 and day % 7 == 0:
        lg = emp.logins[1]
        s2 = shift_sessions(W, rr, emp, lg, o, t0 + 60, t0 + 90, "QUALITY", style="desk")
        o.ev(t0 + 70, lg, "export", "REPORTS", s2[0], "", "REPORTING", None, result_count=rr.randint(300, 900),
             extra={"activity": "Weekly Falls/CAUTI Dashboard Extract"},
             hn=[("second_login_same_employee", f"{lg} is {login}'s reporting login"),
                 ("management_report_export", "weekly quality dashboard extract")])


def infection_prev(W, emp, day, rr, o):
    t0, t1, s = shift_window(emp, day)
    login = emp.login
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, "INFECTION-PREV", style="desk")
    cen = [e for u in W.wards for e in W.unit_census.get((u, day), []) if not conflict(W, emp, e.pat)]
    o.ev(t0 + 15, login, "query", "LIS", ss[0], "", "INFECTION_SURVEILLANCE", None, result_count=rr.randint(3, 12),
         extra={"activity": "Positive Culture Line List"},
         hn=[("infection_surveillance_cross_unit", f"{login} pulls the hospital-wide positive culture list (no encounter)")])
    for enc in rr.sample(cen, min(len(cen), rr.randint(3, 8))):
        t = t0 + rr.randint(30, 300)
        hn = classify(W, emp, enc.pat, ("infection_surveillance_cross_unit",
                                        f"{login} follows a positive culture on {enc.unit}"), "surveils")
        chart_open(o, t, login, sess_at(ss, t), enc, enc.pat, "INFECTION_SURVEILLANCE", ["Results Review", "MAR"], hn)


def employee_health(W, emp, day, rr, o):
    t0, t1, s = shift_window(emp, day)
    login = emp.login
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, "EMPLOYEE-HEALTH", style="desk")
    for v in W.clinic_by_day.get(day, []):
        if v.etype != "EH" or v.meta.get("doc") != login or conflict(W, emp, v.pat):
            continue
        t = v.meta["visit"]
        hn = classify(W, emp, v.pat, None, "gives the " + v.meta["reason"].lower())
        chart_open(o, t, login, sess_at(ss, t), v, v.pat, "EMPLOYEE_HEALTH", ["Immunizations", "Allergies"], hn)
        documentation(o, t + 5, login, sess_at(ss, t + 5), v, v.pat, "EMPLOYEE_HEALTH", v.meta["reason"].title(), hn)


def it_analyst(W, emp, day, rr, o):
    t0, t1, s = shift_window(emp, day)
    login = emp.login
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, "IT-EHR", style="desk")
    for t in spread(rr, t0 + 30, t1 - 30, rr.randint(3, 9)):
        p = rr.choice(W.test_patients)
        chart_open(o, t, login, sess_at(ss, t), None, p, "SYSTEM_ADMIN", pick_tabs(rr, 1, 3),
                   [("it_test_record", f"{login} validates a build on test patient {p.last}, {p.first}")], case_id="")
    if len(emp.logins) > 1:
        adm = emp.logins[1]
        ta = t0 + rr.randint(60, 300)
        s2 = shift_sessions(W, rr, emp, adm, o, ta, ta + 40, "IT-EHR", style="desk")
        for t in spread(rr, ta + 1, ta + 35, rr.randint(2, 6)):
            o.ev(t, adm, "account_admin", "IAM", s2[0], "", "SYSTEM_ADMIN", None,
                 query_text=rr.choice(["reset password", "unlock account", "add security class ED-RN",
                                       "provision new hire", "disable account"]),
                 hn=[("second_login_same_employee", f"{adm} is {login}'s administrator login")])
