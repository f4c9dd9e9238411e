"""Legitimate activity of clinical staff: ward and ED nurses, hospitalists
(and their overnight call from home), residents, ED physicians, clinic
physicians / MAs / front desk, unit clerks and nurse managers."""
from flows import DAY
from emit import chart_open, pick_tabs, documentation, mobile_med_admin, sess_at, adt_search, adt_open, \
    subj_ehr
from act_base import habits, shift_window, shift_sessions, spread, classify
from world import conflict
from util import enc_variant


def census_view(o, t, login, sess, unit, k, purpose="CENSUS_REVIEW"):
    o.ev(t, login, "query", "EHR", sess, "", purpose, None, result_count=k,
         extra={"activity": f"Unit Census {unit}"})


def ward_nurse(W, emp, day, rr, o):
    t0, t1, s = shift_window(emp, day)
    login, unit = emp.login, s[3]
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, unit)
    pts = [e for e in W.nurse_pts.get((login, day), []) if not conflict(W, emp, e.pat)]
    census = W.unit_census.get((unit, day), [])
    pulled = (login, day) in W.pulled
    for t in spread(rr, t0 + 5, t1 - 10, rr.randint(2, 4)):
        census_view(o, t, login, sess_at(ss, t), unit, len(census))
    for enc in pts:
        pat = enc.pat
        lo, hi = max(t0, enc.t_open), min(t1, enc.meta["t_dis"])
        if hi <= lo:
            continue
        base = ("float_nurse_other_unit", f"{login} pulled to {unit} for the shift") if pulled else None
        hn = classify(W, emp, pat, base, "is the assigned nurse")
        t = lo + rr.randint(5, 40)
        chart_open(o, t, login, sess_at(ss, t), enc, pat, "TREATMENT", pick_tabs(rr, 3, 4), hn)
        for t in spread(rr, lo + 45, hi - 5, rr.randint(5, 9)):
            chart_open(o, t, login, sess_at(ss, t), enc, pat, "TREATMENT", pick_tabs(rr, 1, 3), hn)
        for t in spread(rr, lo + 30, hi - 5, rr.randint(3, 6)):
            documentation(o, t, login, sess_at(ss, t), enc, pat, "TREATMENT",
                          rr.choice(["Flowsheet Vitals Filed", "Assessment Filed", "I&O Filed", "Care Plan Updated"]), hn)
        for t in spread(rr, lo + 30, hi - 5, rr.randint(3, 7)):
            mobile_med_admin(o, t, login, sess_at(ss, t), enc, pat, hn)
    # break relief / helping a colleague: unit patients not on own assignment
    others = [e for e in census if e not in pts and not conflict(W, emp, e.pat)
              and e.t_open < t1 and e.meta["t_dis"] > t0]
    for enc in rr.sample(others, min(len(others), rr.choice([0, 1, 1, 2, 3]))):
        t = max(t0 + 60, enc.t_open + 10) + rr.randint(0, 240)
        hn = classify(W, emp, enc.pat, ("break_relief_unit_patient",
                                         f"{login} covers a colleague's patient on {unit} during a break"), "covers a break")
        chart_open(o, t, login, sess_at(ss, t), enc, enc.pat, "TREATMENT", pick_tabs(rr, 1, 2), hn)
        if rr.random() < 0.5:
            mobile_med_admin(o, t + 3, login, sess_at(ss, t + 3), enc, enc.pat, hn)


def ed_nurse(W, emp, day, rr, o):
    t0, t1, s = shift_window(emp, day)
    login, unit = emp.login, s[3]
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, unit)
    visits = [v for d in (day, day + 1) for v in W.ed_by_day.get(d, [])
              if v.unit == unit and t0 <= v.meta["t_arr"] < t1 and not conflict(W, emp, v.pat)]
    for t in spread(rr, t0, t1, rr.randint(6, 12)):
        census_view(o, t, login, sess_at(ss, t), "ED TRACK BOARD", rr.randint(4, 22))
    for v in visits:
        pat, ta = v.pat, v.meta["t_arr"]
        if v.meta.get("triage") == login:
            t = ta + rr.randint(1, 6)
            hn = classify(W, emp, pat, None, "triages the patient")
            chart_open(o, t, login, sess_at(ss, t), None, pat, "TRIAGE", pick_tabs(rr, 1, 2, ["Allergies", "Medications",
                                                                                              "Problem List"]), hn)
        if v.meta.get("nurse") == login:
            hn = classify(W, emp, pat, None, "is the ED nurse")
            end = min(v.meta["t_dis"], t1)
            for t in spread(rr, v.t_open + 2, end, rr.randint(4, 8)):
                chart_open(o, t, login, sess_at(ss, t), v, pat, "TREATMENT", pick_tabs(rr, 1, 3), hn)
            for t in spread(rr, v.t_open + 5, end, rr.randint(2, 4)):
                documentation(o, t, login, sess_at(ss, t), v, pat, "TREATMENT",
                              rr.choice(["ED Nursing Note", "Vitals Filed", "Med Given", "Reassessment"]), hn)
        elif v.meta.get("triage") != login and rr.random() < 0.05:
            # sepsis screen / deteriorating patient in the waiting room: break the glass
            t = ta + rr.randint(8, 40)
            sess = sess_at(ss, t)
            hn = classify(W, emp, pat, ("ed_break_the_glass", f"{login} breaks the glass for a waiting-room patient "
                                                              "before assignment"), "checks a waiting-room patient")
            o.ev(t, login, "break_glass", "EHR", sess, "", "EMERGENCY_ACCESS", subj_ehr(pat, None),
                 extra={"activity": "Break-the-Glass", "btg_reason": "Patient deteriorating in waiting room"},
                 truth=(pat.key, ""), hn=hn)
            chart_open(o, t, login, sess, None, pat, "EMERGENCY_ACCESS", pick_tabs(rr, 1, 2), hn)


def ed_physician(W, emp, day, rr, o):
    t0, t1, s = shift_window(emp, day)
    login, unit = emp.login, s[3]
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, unit + ":doc")
    visits = [v for d in (day, day + 1) for v in W.ed_by_day.get(d, [])
              if v.meta.get("doc") == login and t0 - 60 <= v.meta["t_arr"] < t1 and not conflict(W, emp, v.pat)]
    for t in spread(rr, t0, t1, rr.randint(4, 8)):
        census_view(o, t, login, sess_at(ss, t), "ED TRACK BOARD", rr.randint(4, 22))
    for v in visits:
        pat = v.pat
        hn = classify(W, emp, pat, None, "is the ED physician")
        t = max(v.t_open, t0) + rr.randint(3, 30)
        sess = sess_at(ss, t)
        chart_open(o, t, login, sess, v, pat, "TREATMENT", pick_tabs(rr, 3, 5), hn)
        if rr.random() < 0.3:
            o.ev(t + 1, login, "query", "HIE", sess, v.id, "TREATMENT",
                 {"subject_last_name": pat.last, "subject_first_name": pat.first, "subject_dob": pat.dob},
                 result_count=rr.randint(0, 4), extra={"activity": "Outside Records Query"},
                 truth=(pat.key, v.id), hn=hn)
        if rr.random() < 0.08:
            # restricted prior encounter (behavioural health): break the glass with a reason
            hn2 = classify(W, emp, pat, ("ed_break_the_glass", f"{login} opens a restricted prior encounter "
                                                               "for emergency treatment"), "treats in the ED")
            o.ev(t + 2, login, "break_glass", "EHR", sess, "", "EMERGENCY_ACCESS", subj_ehr(pat, None),
                 extra={"activity": "Break-the-Glass", "btg_reason": "Emergency treatment"}, truth=(pat.key, ""), hn=hn2)
            chart_open(o, t + 2, login, sess, None, pat, "EMERGENCY_ACCESS", ["Notes"], hn2)
        for t2 in spread(rr, t + 10, min(v.meta["t_dis"], t1 + 60), rr.randint(2, 4)):
            chart_open(o, t2, login, sess_at(ss, t2), v, pat, "TREATMENT", pick_tabs(rr, 1, 2), hn)
        documentation(o, min(v.meta["t_dis"], t1 + 50), login, sess_at(ss, t1), v, pat, "TREATMENT",
                      "ED Provider Note Signed", hn)


def hospitalist(W, emp, day, rr, o):
    login = emp.login
    x = shift_window(emp, day)
    if x:
        t0, t1, s = x
        pts = [e for e in W.ip_open if e.meta.get("att_by_day", {}).get(day) == login
               and not conflict(W, emp, e.pat)]
        sites = sorted({e.site for e in pts}, key=lambda z: z != "SBR")
        ss = []
        span = (t1 - t0) / max(1, len(sites))
        for i, site in enumerate(sites or ["SBR"]):
            a = t0 + i * span + (40 if i else 0)
            pool = "HOSPITALIST" if site == "SBR" else "LCH-2N"
            more = shift_sessions(W, rr, emp, login, o, a, a + span - 5, pool, style="roam")
            ss += more
        for i, site in enumerate(sites or ["SBR"]):
            a = t0 + i * span + (40 if i else 0)
            mine = [e for e in pts if e.site == site]
            for enc in mine:
                hn = classify(W, emp, enc.pat, ("physician_two_hospitals_same_day",
                                                f"{login} rounds at SBR and LCH (40 km) the same day")
                              if len(sites) > 1 and i == 1 else None, "is the attending")
                t = a + rr.randint(5, 100)
                chart_open(o, t, login, sess_at(ss, t), enc, enc.pat, "TREATMENT", pick_tabs(rr, 3, 5), hn)
                documentation(o, t + rr.randint(10, 40), login, sess_at(ss, t + 40), enc, enc.pat, "TREATMENT",
                              "Progress Note Signed", hn)
                for t2 in spread(rr, t + 60, a + span - 10, rr.randint(1, 3)):
                    chart_open(o, t2, login, sess_at(ss, t2), enc, enc.pat, "TREATMENT", pick_tabs(rr, 1, 2,
                               ["Results Review", "Imaging", "Orders"]), hn)
    if day in emp.oncall:
        # overnight cross-cover from home: colleagues' patients, not on the care team
        census = [e for e in W.ip_open if e.meta.get("att_by_day", {}).get(day) not in (None, login)
                  and e.t_open < (day + 1) * DAY + 7 * 60 and e.meta["t_dis"] > day * DAY + 19 * 60
                  and not conflict(W, emp, e.pat)]
        if census and emp.laptop:
            t0, t1 = day * DAY + 19 * 60 + 30, (day + 1) * DAY + 6 * 60 + 30
            calls = spread(rr, t0, t1, rr.randint(2, 6))
            for t in calls:
                ss = shift_sessions(W, rr, emp, login, o, t - 2, t + rr.randint(8, 25), None, vpn=True)
                enc = census[rr.randrange(len(census))]
                hn = classify(W, emp, enc.pat, ("covering_physician_overnight",
                                                f"{login} is the on-call hospitalist covering "
                                                f"{enc.meta['att_by_day'][day]}'s patient from home"), "covers overnight")
                chart_open(o, t, login, ss[0], enc, enc.pat, "TREATMENT", pick_tabs(rr, 2, 3), hn)
                if rr.random() < 0.6:
                    documentation(o, t + rr.randint(3, 8), login, ss[0], enc, enc.pat, "TREATMENT",
                                  "Cross-Cover Order Entered", hn)


def resident(W, emp, day, rr, o):
    t0, t1, s = shift_window(emp, day)
    login, svc = emp.login, s[3]
    pool = "IM-RESIDENCY" if svc in W.wards else (svc + ":doc" if svc.endswith("ED") else svc)
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, pool)
    if svc in W.wards:
        pts = [e for e in W.ip_open if e.meta.get("res_by_day", {}).get(day) == login and not conflict(W, emp, e.pat)]
        census_view(o, t0 + 3, login, sess_at(ss, t0 + 3), svc, len(W.unit_census.get((svc, day), [])))
        for enc in pts:
            t = t0 + rr.randint(5, 80)   # pre-rounds before 07:00
            hn = classify(W, emp, enc.pat, ("resident_prerounds_early", f"{login} pre-rounds before 07:00")
                          if t % DAY < 7 * 60 else None, "is the resident")
            chart_open(o, t, login, sess_at(ss, t), enc, enc.pat, "TREATMENT", pick_tabs(rr, 3, 5), hn)
            documentation(o, t + rr.randint(90, 240), login, sess_at(ss, t + 200), enc, enc.pat, "TREATMENT",
                          "Resident Progress Note", hn)
            for t2 in spread(rr, t + 120, t1 - 20, rr.randint(2, 4)):
                chart_open(o, t2, login, sess_at(ss, t2), enc, enc.pat, "TREATMENT", pick_tabs(rr, 1, 2), hn)
        if day % 7 == 0 and rr.random() < 0.6:
            prev = [e for e in W.ip_open if e.meta.get("res_by_day", {}).get(day - 3) == login
                    and e.meta["t_dis"] > day * DAY and not conflict(W, emp, e.pat)]
            for enc in prev[:2]:
                t = t0 + rr.randint(60, 400)
                hn = classify(W, emp, enc.pat, ("handoff_followup_prior_rotation",
                                                f"{login} checks a patient handed off at the weekly rotation change"))
                chart_open(o, t, login, sess_at(ss, t), enc, enc.pat, "TREATMENT", ["Notes"], hn)
    else:
        # ED or clinic rotation: sees patients under the supervising attending
        if svc.endswith("ED"):
            vis = [v for v in W.ed_by_day.get(day, []) if v.unit == svc and t0 <= v.meta["t_arr"] < t1 - 60]
        else:
            vis = [v for v in W.clinic_by_day.get(day, []) if v.unit == svc]
        vis = [v for v in vis if not conflict(W, emp, v.pat)]
        for v in rr.sample(vis, min(len(vis), rr.randint(6, 12))):
            t = v.meta.get("t_arr", v.meta.get("visit", v.t_open)) + rr.randint(10, 40)
            hn = classify(W, emp, v.pat, ("resident_supervised_rotation",
                                          f"{login} sees the patient under attending {v.meta.get('doc')}"), "rotates")
            chart_open(o, t, login, sess_at(ss, t), v, v.pat, "TREATMENT", pick_tabs(rr, 2, 4), hn)
            documentation(o, t + rr.randint(15, 50), login, sess_at(ss, t + 30), v, v.pat, "TREATMENT",
                          "Resident Note", hn)


def clinic_physician(W, emp, day, rr, o):
    t0, t1, s = shift_window(emp, day)
    login, unit = emp.login, s[3]
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, unit)
    visits = [v for v in W.clinic_by_day.get(day, []) if v.meta.get("doc") == login and not conflict(W, emp, v.pat)]
    for v in visits:
        t = v.meta["visit"] + rr.randint(-5, 15)
        hn = classify(W, emp, v.pat, None, "is the clinic provider")
        chart_open(o, t, login, sess_at(ss, t), v, v.pat, "TREATMENT", pick_tabs(rr, 3, 5), hn)
        chart_open(o, t + rr.randint(8, 20), login, sess_at(ss, t + 15), v, v.pat, "TREATMENT",
                   pick_tabs(rr, 1, 2, ["Orders", "Medications", "Notes"]), hn)
        documentation(o, t + rr.randint(22, 35), login, sess_at(ss, t + 30), v, v.pat, "TREATMENT",
                      rr.choice(["Visit Note Signed", "Orders Signed", "Rx Sent"]), hn)
    # in-basket: results of earlier visits (often already closed)
    old = [e for e in W.encs_by_login.get(login, []) if e.etype == "OP" and e.t_close is not None
           and day * DAY - 20 * DAY < e.t_close < day * DAY and not conflict(W, emp, e.pat)]
    for enc in rr.sample(old, min(len(old), rr.randint(4, 10))):
        t = t1 - rr.randint(10, 90)
        hn = classify(W, emp, enc.pat, ("inbasket_result_closed_visit",
                                        f"{login} signs off a result on their own visit, closed {enc.close_day()}"))
        chart_open(o, t, login, sess_at(ss, t), enc, enc.pat, "TREATMENT", ["Results Review"], hn)
    refs = [e for e in W.encs_by_login.get(login, []) if e.etype == "RF" and e.meta.get("spec") == login
            and e.t_open // DAY in (day - 1, day - 2) and not conflict(W, emp, e.pat)]
    for enc in refs:
        t = t0 + rr.randint(10, 60)
        chart_open(o, t, login, sess_at(ss, t), enc, enc.pat, "TREATMENT", ["Notes", "Results Review"],
                   classify(W, emp, enc.pat, None, "reviews a referral"))
    for enc in W.consults.get((login, day), []):
        if conflict(W, emp, enc.pat):
            continue
        t = t0 - rr.randint(20, 50)
        sess = shift_sessions(W, rr, emp, login, o, t - 1, t + 25, enc.unit)[0]
        hn = classify(W, emp, enc.pat, ("consult_before_team_entry",
                                        f"{login} sees a consult on {enc.unit} before the consult order is signed"),
                      "consults")
        chart_open(o, t, login, sess, enc, enc.pat, "TREATMENT", pick_tabs(rr, 3, 5), hn)
        documentation(o, t + 20, login, sess, enc, enc.pat, "TREATMENT", "Consult Note", hn)


def clinic_ma(W, emp, day, rr, o):
    t0, t1, s = shift_window(emp, day)
    login, unit = emp.login, s[3]
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, unit)
    for v in [v for v in W.clinic_by_day.get(day, []) if v.meta.get("ma") == login and not conflict(W, emp, v.pat)]:
        t = v.meta["visit"] - rr.randint(2, 10)
        hn = classify(W, emp, v.pat, None, "rooms the patient")
        chart_open(o, t, login, sess_at(ss, t), v, v.pat, "TREATMENT", pick_tabs(rr, 2, 3, ["Medications", "Allergies",
                                                                                           "Flowsheets", "Problem List"]), hn)
        documentation(o, t + 4, login, sess_at(ss, t + 4), v, v.pat, "TREATMENT", "Vitals Filed", hn)
    nxt = [d for d in range(day + 1, day + 4) if W.clinic_by_day.get(d)]
    if nxt:
        prep = [v for v in W.clinic_by_day[nxt[0]] if v.unit == unit and not conflict(W, emp, v.pat)]
        for v in rr.sample(prep, min(len(prep), rr.randint(4, 10))):
            t = t1 - rr.randint(20, 120)
            hn = classify(W, emp, v.pat, ("previsit_chart_prep",
                                          f"{login} preps tomorrow's visit before being on the visit team"), "preps")
            chart_open(o, t, login, sess_at(ss, t), v, v.pat, "TREATMENT", ["Results Review", "Medications"], hn)


def front_desk(W, emp, day, rr, o):
    t0, t1, s = shift_window(emp, day)
    login, unit = emp.login, s[3]
    h = habits(W, emp)
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, unit + ":fd", style="desk")
    for v in [v for v in W.clinic_by_day.get(day, []) if v.unit == unit and not conflict(W, emp, v.pat)]:
        pat = v.pat
        t = v.meta["visit"] - rr.randint(8, 20)
        sess = sess_at(ss, t)
        common = pat.last in ("SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "MILLER", "GARCIA", "NGUYEN")
        res = rr.randint(12, 140) if common and rr.random() < 0.5 else None
        base = ("registration_common_name_search", f"common surname {pat.last}, many matches") if res else None
        hn = classify(W, emp, pat, base, "checks the patient in")
        adt_search(o, t, login, sess, pat, rr, h, "PATIENT_SEARCH", results=res,
                   hn=hn if res else classify(W, emp, pat, None, "checks the patient in"), truth_enc=v.id)
        adt_open(o, t + 1, login, sess, pat, rr, "REGISTRATION", enc_variant(v.id, h["enc"], rr),
                 activity="Appointment Check-In", action="update", hn=classify(W, emp, pat, None, "checks in"),
                 truth_enc=v.id)
        if rr.random() < 0.7:
            o.ev(t + 2, login, "query", "ELIG", sess, enc_variant(v.id, h["enc"], rr), "REGISTRATION",
                 {"subject_last_name": pat.last, "subject_first_name": pat.first, "subject_dob": pat.dob},
                 result_count=1, extra={"activity": "Insurance Eligibility 270/271"}, truth=(pat.key, v.id),
                 hn=classify(W, emp, pat, None, "checks insurance"))
    # scheduling calls: patients on the clinic panels
    docs = [x for x in W.by_role.get("clinic_physician", []) if x.unit == unit]
    for t in spread(rr, t0 + 20, t1 - 20, rr.randint(10, 22)):
        if not docs:
            break
        pat = rr.choice(W.panels[docs[rr.randrange(len(docs))].login])
        if conflict(W, emp, pat):
            continue
        sess = sess_at(ss, t)
        adt_search(o, t, login, sess, pat, rr, h, "SCHEDULING", hn=classify(W, emp, pat, None, "schedules"))
        o.ev(t + 1, login, "query", "SCHED", sess, "", "SCHEDULING", {"subject_person_id": pat.mrn},
             extra={"activity": "Appointment Desk"}, truth=(pat.key, ""), hn=classify(W, emp, pat, None, "schedules"))


def unit_clerk(W, emp, day, rr, o):
    t0, t1, s = shift_window(emp, day)
    login, unit = emp.login, s[3]
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, unit, style="desk")
    census = [e for e in W.unit_census.get((unit, day), []) if not conflict(W, emp, e.pat)]
    for t in spread(rr, t0, t1, rr.randint(8, 14)):
        census_view(o, t, login, sess_at(ss, t), unit, len(census))
    for enc in census:
        for t in spread(rr, max(t0, enc.t_open), min(t1, enc.meta["t_dis"]), rr.randint(1, 3)):
            o.ev(t, login, "query", "ADT", sess_at(ss, t), enc.id, "CENSUS_REVIEW", subj_ehr(enc.pat, None),
                 extra={"activity": rr.choice(["Bed Board", "Transfer Request", "Discharge Packet Print",
                                               "Visitor Pass"])}, truth=(enc.pat.key, enc.id),
                 hn=classify(W, emp, enc.pat, None, "is the unit clerk"))


def nurse_manager(W, emp, day, rr, o):
    x = shift_window(emp, day)
    if not x:
        return
    t0, t1, s = x
    login = emp.login
    ss = shift_sessions(W, rr, emp, login, o, t0, t1, "ADMIN", style="desk")
    for u in emp.units:
        census_view(o, t0 + rr.randint(5, 60), login, ss[0], u, len(W.unit_census.get((u, day), [])))
        cand = [e for e in W.unit_census.get((u, day), []) if not conflict(W, emp, e.pat)]
        for enc in rr.sample(cand, min(len(cand), rr.randint(0, 3))):
            t = t0 + rr.randint(60, 400)
            hn = classify(W, emp, enc.pat, ("manager_chart_audit",
                                            f"{login} audits documentation on {u} (manager, not on care team)"))
            chart_open(o, t, login, sess_at(ss, t), enc, enc.pat, "QUALITY_REVIEW", ["Flowsheets", "Care Plan"], hn)
    o.ev(t0 + 30, login, "query", "STAFFING", ss[0], "", "REPORTING", None, result_count=rr.randint(20, 80),
         extra={"activity": "Staffing Grid"})
