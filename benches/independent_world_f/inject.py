"""Misconduct scenarios.  Each is mixed into the actor's real session of the
day (or, where the story is someone else on the login, a new one), and only
appends events.  Labels: scenario reason + ground-truth findings."""
from flows import DAY, on_shift
from inject_base import Inj, SessIndex, t_in_shift, plain_patient, safe_typed, compile_labels, surge_users
from plan import own_encs, EHR_ROLES, REV_ROLES
from act_base import habits
from emit import subj_typed
from util import phone_variant, address_text, local_minutes_to_ts, day_date

PRIMARY = {
    "self_chart_check": [("self_query", "person_id")], "self_name_dob_search": [("self_query", "name_dob")],
    "self_phone_address": [("self_query", "phone"), ("self_query", "address")],
    "self_name_only": [("self_query", "name_only")],
    "coworker_same_unit": [("coworker_lookup", "same_unit")], "coworker_supervisor": [("coworker_lookup", "supervisor")],
    "coworker_other_unit": [("coworker_lookup", "other_unit")],
    "family_chart_lookup": [("association_lookup", "family"), ("association_lookup", "spouse")],
    "ex_partner_tracking": [("association_lookup", "ex_partner")],
    "neighbor_lookup": [("association_lookup", "neighbor")], "new_partner_background": [("association_lookup", "partner")],
    "protected_party_lookup": [("association_lookup", "protected_party")],
    "record_altered_for_associate": [("association_lookup", "associate")],
    "celebrity_curiosity": [("watchlist_lookup", "celebrity")], "official_curiosity": [("watchlist_lookup", "official")],
    "no_case_personal_lookup": [("no_case", "missing")], "fabricated_encounter": [("no_case", "unknown_case")],
    "closed_encounter_reused": [("no_case", "closed_case")], "other_team_encounter": [("no_case", "not_assigned")],
    "own_encounter_as_cover": [("no_case", "subject_not_in_case")],
}


def purpose_for(emp):
    return {"lab_tech": "RESULT_ENTRY", "rad_tech": "IMAGING", "pharmacist": "PHARMACY_VERIFICATION"}.get(
        emp.role, "PATIENT_SEARCH" if emp.role in REV_ROLES else "TREATMENT")


def lookup_person(I, t, e, sess, pat, enc=None, typed=None, tabs=None, search=None):
    """The actor's natural way of looking someone up."""
    login, h, rr = e.login, habits(I.W, e), I.rr
    if e.role in REV_ROLES:
        I.search(t, login, sess, pat, "PATIENT_SEARCH", system="ADT", dob=rr.random() < 0.8 if search is None else search,
                 habits=h, results=1)
        if pat.mrn:
            I.demo(t + 0.3, login, sess, pat, "REGISTRATION", enc=enc, typed=typed or "")
    elif e.role == "lab_tech":
        I.ev(t, login, "query", "LIS", sess, "", None, "RESULT_ENTRY", {"subject_person_id": pat.mrn.lstrip("0")}, pat,
             query_text="PATIENT INQUIRY")
    elif e.role == "pharmacist":
        I.ev(t, login, "query", "PHARMACY", sess, "", None, "PHARMACY_VERIFICATION",
             {"subject_person_id": pat.mrn, "subject_name": f"{pat.last}, {pat.first}"}, pat,
             extra={"activity": "Medication Profile"})
    elif e.role == "rad_tech":
        I.ev(t, login, "query", "PACS", sess, "", None, "IMAGING", {"subject_person_id": "SBR" + pat.mrn.lstrip("0"),
                                                                   "subject_name": pat.name_lf()}, pat,
             query_text="PATIENT IMAGE HISTORY")
    else:
        if search or (search is None and rr.random() < 0.5):
            I.search(t - 0.2, login, sess, pat, "TREATMENT", dob=rr.random() < 0.7, habits=h, enc=enc,
                     typed=typed if typed is not None else (enc.id if enc not in (None, "unknown") else ""))
        I.chart(t, login, sess, pat, "TREATMENT", enc=enc, typed=typed, tabs=tabs)


def run_incident(W, inc, day, rows):
    """Generate the part of incident `inc` that happens on `day`."""
    inc["_sidx"] = SessIndex(rows)
    I = Inj(W, inc, day)
    fn = globals()["s_" + inc["scenario"]] if "s_" + inc["scenario"] in globals() else None
    fn = fn or SCEN.get(inc["scenario"])
    fn(W, inc, I, day)
    del inc["_sidx"]


def finish(W, inc):
    return compile_labels(W, inc, PRIMARY.get(inc["scenario"], []))


# ------------------------------------------------------------------ people
def s_self(W, inc, I, day):
    e, rr = inc["actor"], I.rr
    t = t_in_shift(W, e, day, rr)
    s = I.session(e.login, t)
    p, h, sc = e.person, habits(W, e), inc["scenario"]
    inc["note"] = {"self_chart_check": "opens own chart to read own results",
                   "self_name_dob_search": "searches own name and date of birth",
                   "self_phone_address": "looks up own account by phone number and address",
                   "self_name_only": "searches own name"}[sc]
    if sc == "self_chart_check":
        own = [x for x in W.encs_by_pat.get(p.key, []) if x.t_open < t]
        enc = own[-1] if own and rr.random() < 0.6 else None
        I.chart(t, e.login, s, p, "TREATMENT", enc=enc, tabs=["Results Review", "Notes"])
    elif sc == "self_name_dob_search":
        I.search(t, e.login, s, p, "PATIENT_SEARCH", system="ADT", dob=True, habits=h, results=1 if p.mrn else 0)
        if p.mrn and rr.random() < 0.6:
            I.demo(t + 0.4, e.login, s, p, "REGISTRATION")
    elif sc == "self_phone_address":
        I.ev(t, e.login, "query", "ADT", s, "", None, "PATIENT_SEARCH", {"subject_phone": phone_variant(p.phone, rr)},
             p, result_count=1, extra={"activity": "Patient Lookup by Phone"})
        I.ev(t + rr.uniform(1, 20), e.login, "query", "ADT", s, "", None, "PATIENT_SEARCH",
             {"subject_address": address_text(p.addr, rr, "typed")}, p, result_count=rr.randint(1, 4),
             extra={"activity": "Patient Lookup by Address"})
    else:
        I.search(t, e.login, s, p, "PATIENT_SEARCH", system="ADT", dob=False, habits=h, results=rr.randint(1, 5))


def s_coworker(W, inc, I, day):
    e, rr = inc["actor"], I.rr
    sc = inc["scenario"]
    if sc == "coworker_supervisor":
        tgt = W.emp_by_eid[e.supervisor]
        inc["note"] = "looks up own supervisor's chart after a write-up"
    else:
        cand = [o for o in W.emps if o is not e and o.person.mrn and "reserved" not in o.person.tags
                and o.eid != e.supervisor and ((o.unit == e.unit) == (sc == "coworker_same_unit"))
                and not (e.eid in W.emp_by_eid and o.supervisor == e.eid and False)]
        tgt = cand[rr.randrange(len(cand))]
        inc["note"] = "looks up a colleague's chart (" + ("same unit" if sc == "coworker_same_unit" else "another unit") + ")"
    t = t_in_shift(W, e, day, rr)
    s = I.session(e.login, t)
    encs = [x for x in W.encs_by_pat.get(tgt.person.key, []) if x.t_open < t]
    enc = encs[-1] if encs and rr.random() < 0.4 else None
    lookup_person(I, t, e, s, tgt.person, enc=enc, tabs=["Results Review", "Notes", "Problem List"][:rr.randint(1, 3)])


def assoc_target(W, e, rels, rr, need_mrn=True):
    rows = [a for a in W.assoc_by_eid.get(e.eid, []) if a["relation"] in rels and (a["person"].mrn or not need_mrn)
            and "reserved" not in a["person"].tags]
    return rows[rr.randrange(len(rows))]


def s_assoc(W, inc, I, day):
    e, rr = inc["actor"], I.rr
    sc = inc["scenario"]
    rels = {"family_chart_lookup": ("family", "spouse"), "ex_partner_tracking": ("ex_partner",),
            "neighbor_lookup": ("neighbor",), "new_partner_background": ("partner",),
            "protected_party_lookup": ("protected_party",)}[sc]
    if "_target" not in inc:
        inc["_target"] = assoc_target(W, e, rels, rr, need_mrn=sc != "new_partner_background")
    a = inc["_target"]
    p = a["person"]
    inc["note"] = {"family_chart_lookup": f"reads a {a['relation']}'s chart out of concern",
                   "ex_partner_tracking": "tracks an ex-partner: name+DOB, demographics, appointments",
                   "neighbor_lookup": "looks up a neighbour after seeing an ambulance",
                   "new_partner_background": "checks a new partner's history",
                   "protected_party_lookup": "looks up the person who holds a protective order against them"}[sc]
    follow = sc == "ex_partner_tracking" and (day != inc["day"] or len(inc.get("days", [day])) == 1)
    if day == inc["day"]:
        t = t_in_shift(W, e, day, rr)
        s = I.session(e.login, t)
        tabs = {"ex_partner_tracking": ["Demographics"], "protected_party_lookup": ["Demographics"],
                "family_chart_lookup": ["Results Review", "Notes"]}.get(sc, ["Notes"])
        if p.mrn:
            lookup_person(I, t, e, s, p, tabs=tabs, search=True)
        else:
            I.search(t, e.login, s, p, purpose_for(e), system="ADT" if e.role in REV_ROLES else "EHR", dob=True,
                     habits=habits(W, e), results=0)
    if follow:
        # the next look: when is the ex-partner's next appointment, has the address changed
        t2 = (t + rr.uniform(40, 200)) if day == inc["day"] else t_in_shift(W, e, day, rr)
        t2 = min(t2, day * DAY + e.sched[day][1] - 5)
        s2 = I.session(e.login, t2)
        if e.role in REV_ROLES or not p.mrn:
            I.search(t2, e.login, s2, p, purpose_for(e), system="ADT", dob=False, habits=habits(W, e))
        else:
            I.chart(t2, e.login, s2, p, "TREATMENT", tabs=["Appointments", "Demographics"])


def s_record_altered_for_associate(W, inc, I, day):
    e, rr = inc["actor"], I.rr
    rows = [a for a in W.assoc_by_eid.get(e.eid, []) if a["relation"] == "associate" and W.encs_by_pat.get(a["person"].key)]
    a = rows[rr.randrange(len(rows))]
    p = a["person"]
    enc = sorted(W.encs_by_pat[p.key], key=lambda x: x.t_open)[-1]
    t = t_in_shift(W, e, day, rr)
    s = I.session(e.login, t)
    typed = safe_typed(enc.id, e, rr)
    if e.role in REV_ROLES:
        inc["note"] = "writes off a disclosed friend's balance"
        I.ev(t, e.login, "query", "PFS", s, "", None, "BILLING", {"subject_name": f"{p.last}, {p.first}"}, p,
             result_count=1, extra={"activity": "Guarantor Search"})
        I.ev(t + 0.5, e.login, "query", "PFS", s, typed, enc, "BILLING",
             {"subject_person_id": "MRN" + p.mrn.lstrip("0"), "subject_name": f"{p.last},{p.first}"}, p,
             extra={"activity": "Account Activity"})
        I.ev(t + 2, e.login, "update", "PFS", s, typed, enc, "BILLING", {"subject_person_id": "MRN" + p.mrn.lstrip("0")}, p,
             extra={"activity": rr.choice(["Small Balance Write-Off", "Charity Care Approved",
                                           "Self-Pay Discount 100%"])})
    else:
        inc["note"] = "edits a disclosed friend's record (removes a problem-list entry)"
        I.chart(t, e.login, s, p, "TREATMENT", enc=enc, typed=typed, tabs=["Problem List"])
        I.ev(t + 1.5, e.login, "update", "EHR", s, typed, enc, "TREATMENT", {"subject_person_id": p.mrn}, p,
             extra={"activity": rr.choice(["Problem List Entry Resolved", "Note Addended"])})


def s_watch(W, inc, I, day):
    e, rr = inc["actor"], I.rr
    p = inc["target"]
    inc["note"] = "curiosity about a " + W.watch[p.key] + " in the patient list"
    t = t_in_shift(W, e, day, rr)
    s = I.session(e.login, t)
    encs = [x for x in W.encs_by_pat.get(p.key, []) if x.t_open < t]
    enc = encs[-1] if encs and rr.random() < 0.5 else None
    lookup_person(I, t, e, s, p, enc=enc, tabs=["Notes", "Results Review"])


def s_surge(W, inc, I, day):
    rr, p = I.rr, inc["target"]
    encs = W.encs_by_pat.get(p.key, [])
    t0 = inc["t_start"]
    busy = {lg for (lg, d), its in W.work.items() for (_t, _k, x, _e) in its if x in encs}
    users = [u for u in surge_users(W, inc, t0, inc["k"] + 6, rr, encs) if u.login not in busy][:inc["k"]]
    inc["note"] = ("many staff open the chart of a colleague admitted after a crash" if p.emp else
                   "many staff open the chart of a patient in the news")
    evs_before = len(inc["_events"])
    for u in users:
        t = t0 + rr.uniform(0, 300)
        for _ in range(20):
            if local_minutes_to_ts(0, t)[:10] == day_date(int(t // DAY)).isoformat():
                break
            t = t0 + rr.uniform(0, 300)
        sh = on_shift([u], t) or on_shift([u], t + 180)
        s = I.session(u.login, t, pool=u.unit if u.unit in W.ws else None)
        enc = [x for x in encs if x.t_open < t and (x.t_close is None or x.t_close > t + 2 * DAY)]
        enc = enc[-1] if enc and rr.random() < 0.3 else None
        lookup_person(I, t, u, s, p, enc=enc, tabs=["Notes", "Results Review", "Imaging"][:rr.randint(1, 3)])
        del sh
    evs = [d for d, *_ in inc["_events"][evs_before:]]
    I.scen_label("subject_surge", "many_users", "", evs, inc["note"], users=sorted({u.login for u in users}))


SCEN = {"self_chart_check": s_self, "self_name_dob_search": s_self, "self_phone_address": s_self,
        "self_name_only": s_self, "coworker_same_unit": s_coworker, "coworker_supervisor": s_coworker,
        "coworker_other_unit": s_coworker, "family_chart_lookup": s_assoc, "ex_partner_tracking": s_assoc,
        "neighbor_lookup": s_assoc, "new_partner_background": s_assoc, "protected_party_lookup": s_assoc,
        "celebrity_curiosity": s_watch, "official_curiosity": s_watch, "vip_news_surge": s_surge,
        "colleague_admitted_surge": s_surge}
