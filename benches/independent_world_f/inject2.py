"""Misconduct scenarios about volume, credentials and encounters."""
from flows import DAY
from inject_base import t_in_shift, plain_patient, safe_typed
from plan import own_encs, REV_ROLES
from act_base import habits
from emit import subj_typed
import inject as IJ

IJ.PRIMARY.update({
    "clerk_browsing": [("odd_volume", "distinct_subjects")], "burst_scrape": [("odd_volume", "burst")],
    "night_lookups_from_home": [("odd_volume", "off_hours")], "bulk_export": [("odd_volume", "export")],
    "daily_volume_spike": [("odd_volume", "daily_count")],
    "shared_login_two_workstations": [("shared_credential", "concurrent_clients")],
    "shared_login_far_site": [("shared_credential", "impossible_travel")],
    "terminated_account_used": [("shared_credential", "inactive_account")],
    "leave_account_used": [("shared_credential", "inactive_account")],
    "vip_news_surge": [("subject_surge", "many_users")], "colleague_admitted_surge": [("subject_surge", "many_users")],
})


def s_clerk_browsing(W, inc, I, day):
    e, rr = inc["actor"], I.rr
    inc["note"] = "browses many unrelated patients through the day"
    st = e.sched[day]
    k = rr.randint(70, 110)
    purpose = {"front_desk": "PATIENT_SEARCH", "him_roi": "PATIENT_SEARCH", "unit_clerk": "CENSUS_REVIEW"}.get(
        e.role, "TREATMENT")
    h = habits(W, e)
    seen = set()
    for i in range(k):
        t = day * DAY + st[0] + 20 + (st[1] - st[0] - 40) * (i + rr.random()) / k
        p = plain_patient(W, rr, e, day=day)
        if p.key in seen:
            continue
        seen.add(p.key)
        s = I.session(e.login, t)
        if purpose == "PATIENT_SEARCH":
            I.search(t, e.login, s, p, purpose, system="ADT", dob=rr.random() < 0.6, habits=h, results=1)
            I.demo(t + 0.2, e.login, s, p, "REGISTRATION")
        else:
            I.chart(t, e.login, s, p, purpose, tabs=rr.sample(["Notes", "Demographics", "Results Review"], 1))
    I.scen_label("odd_volume", "distinct_subjects", e.login, note=inc["note"])


def s_burst_scrape(W, inc, I, day):
    e, rr = inc["actor"], I.rr
    own = own_encs(W, e, day)
    enc = own[rr.randrange(len(own))]
    inc["note"] = f"scrapes {len(own)} name+DOB lookups in minutes under own encounter {enc.id}"
    t = t_in_shift(W, e, day, rr, 0.3, 0.7)
    s = I.session(e.login, t)
    k = rr.randint(110, 190)
    typed = safe_typed(enc.id, e, rr)
    h = dict(habits(W, e), typo=0.0)
    for i in range(k):
        p = plain_patient(W, rr, e, day=day)
        tt = t + i * rr.uniform(1.5, 4.0) / 60.0 + i * 0.01
        I.search(tt, e.login, s, p, "TREATMENT", dob=True, habits=h, enc=enc, typed=typed, results=1)
    inc["note"] = f"{k} name+DOB lookups in a few minutes under own encounter {enc.id}"
    I.scen_label("odd_volume", "burst", e.login, note=inc["note"])


def s_night_lookups_from_home(W, inc, I, day):
    e, rr = inc["actor"], I.rr
    inc["note"] = "day worker logs in from home at night and opens unrelated charts"
    t = day * DAY + rr.uniform(30, 120)
    s = I.new_session(e.login, t, e.laptop, vpn=True)
    k = rr.randint(10, 25)
    purpose = "CODING" if e.role == "coder" else "TREATMENT"
    tt = t
    for i in range(k):
        tt += rr.uniform(3, 9)
        p = plain_patient(W, rr, e, day=day)
        I.chart(tt, e.login, s, p, purpose, tabs=rr.sample(["Notes", "Demographics", "Results Review"], rr.randint(1, 2)))
    I.ev(tt + rr.uniform(2, 10), e.login, "logout", "SSO", s, None, None, None, None, None)
    I.scen_label("odd_volume", "off_hours", e.login, note=inc["note"])


def s_bulk_export(W, inc, I, day):
    e, rr = inc["actor"], I.rr
    inc["note"] = "exports patient demographics (name, DOB, address, phone) before leaving"
    t = t_in_shift(W, e, day, rr, 0.6, 0.9)
    s = I.session(e.login, t)
    total = len(W.patients)
    for k in range(rr.randint(1, 3)):
        n = rr.randint(total // 3, total) if k else total
        I.ev(t + k * rr.uniform(2, 6), e.login, "query", "REPORTS", s, "", None, "REPORTING", None, None,
             result_count=n, query_text="SELECT mrn, last_name, first_name, dob, address, phone FROM patient_demographics"
                                        + ("" if k == 0 else f" WHERE zip LIKE '53{rr.randint(5, 7)}%'"),
             extra={"activity": "Ad Hoc Report Run"})
        I.ev(t + k * rr.uniform(2, 6) + 0.5, e.login, "export", "REPORTS", s, "", None, "REPORTING", None, None,
             result_count=n, query_text="export to CSV: patient_demographics", extra={"activity": "Report Export"})
    I.scen_label("odd_volume", "export", e.login, note=inc["note"])


def s_daily_volume_spike(W, inc, I, day):
    e, rr = inc["actor"], I.rr
    base = inc["_sidx"].count(e.login) or 60
    k = int(base * rr.uniform(4.0, 7.0))
    inc["note"] = f"about {k} extra lookups on top of a normal {base}-event day"
    st = e.sched[day]
    active = [x for x in W.ip_open + W.ed_by_day.get(day, []) if x.active_on(day)]
    n = 0
    while n < k:
        t = day * DAY + st[0] + 10 + rr.random() * (st[1] - st[0] - 20)
        x = active[rr.randrange(len(active))]
        p = x.pat
        if p.emp or p.tags & {"vip", "news", "reserved"} or p.key in W.rel_of_person:
            continue
        s = I.session(e.login, t)
        if e.role == "pharmacist":
            I.ev(t, e.login, "query", "PHARMACY", s, x.id, x, "PHARMACY_VERIFICATION", {"subject_person_id": p.mrn}, p,
                 extra={"activity": "Medication Profile"})
        elif e.role == "lab_tech":
            I.ev(t, e.login, "query", "LIS", s, x.id.replace("-", ""), x, "RESULT_ENTRY",
                 {"subject_person_id": p.mrn.lstrip("0")}, p, query_text="CUMULATIVE RESULTS")
        else:
            I.search(t, e.login, s, p, "PATIENT_SEARCH", system="ADT", dob=True, habits=habits(W, e))
        n += 1
    I.scen_label("odd_volume", "daily_count", e.login, note=inc["note"])


def _others_patients(W, e, day, unit=None):
    cen = [x for u in W.wards for x in W.unit_census.get((u, day), []) if unit is None or u == unit]
    return [x for x in cen if not any(x.assigned(lg, dd) for lg in e.logins for dd in (day - 1, day, day + 1))
            and not x.pat.emp and not (x.pat.tags & {"vip", "news", "reserved"}) and x.pat.key not in W.rel_of_person
            and x.pat.key not in W.assoc_persons.get(e.eid, {})]


def s_shared_login_two_workstations(W, inc, I, day):
    e, rr = inc["actor"], I.rr
    site = e.sched[day][2]
    pools = [u for u in W.ws if u.startswith(site) and ":" not in u and u != e.sched[day][3]]
    pool = pools[rr.randrange(len(pools))] if pools else "ADMIN"
    c = W.ws[pool][rr.randrange(len(W.ws[pool]))]
    inc["note"] = f"the login is used on {c} while its owner works elsewhere in {site} (a student on a shared password)"
    t = t_in_shift(W, e, day, rr, 0.25, 0.6)
    s = I.new_session(e.login, t, c)
    pts = _others_patients(W, e, day) or [x for x in W.ip_open if x.active_on(day)]
    tt = t
    for i in range(rr.randint(8, 20)):
        tt += rr.uniform(2, 7)
        x = pts[rr.randrange(len(pts))]
        I.chart(tt, e.login, s, x.pat, "TREATMENT", enc=x, tabs=rr.sample(["Notes", "MAR", "Results Review"], 1))
    I.scen_label("shared_credential", "concurrent_clients", e.login, note=inc["note"])


def s_shared_login_far_site(W, inc, I, day):
    e, rr = inc["actor"], I.rr
    far = "PRC-FM" if e.site != "PRC" else "SBR-4W"
    c = W.ws[far][rr.randrange(len(W.ws[far]))]
    inc["note"] = f"the login is used at {c} (about 180 km away) minutes after its owner worked at {e.site}"
    t = t_in_shift(W, e, day, rr, 0.3, 0.7)
    s = I.new_session(e.login, t, c)
    tt = t
    for i in range(rr.randint(5, 12)):
        tt += rr.uniform(1, 5)
        p = plain_patient(W, rr, e, day=day)
        I.chart(tt, e.login, s, p, "TREATMENT", tabs=["Notes"])
    I.scen_label("shared_credential", "impossible_travel", e.login, note=inc["note"])


def s_inactive(W, inc, I, day):
    e, rr = inc["actor"], I.rr
    what = "terminated on " + e.end_date if inc["scenario"] == "terminated_account_used" else "on leave"
    pool = e.unit if e.unit in W.ws else ("SBR-ADMITTING" if e.role == "registrar" else "ADMIN")
    if e.role == "billing":
        pool = "PATIENT-ACCOUNTS"
    if e.role == "lab_tech":
        pool = "LAB:" + e.site
    if e.role in ("front_desk", "clinic_ma"):
        pool = e.unit + (":fd" if e.role == "front_desk" else "")
    vpn = rr.random() < 0.4
    c = W.ws[pool][rr.randrange(len(W.ws[pool]))]
    inc["note"] = f"the account of {e.login} ({what}) is still used" + (" over VPN" if vpn else f" at {c}")
    t = day * DAY + rr.uniform(8 * 60, 20 * 60)
    s = I.new_session(e.login, t, "" if vpn else c, vpn=vpn)
    if vpn:
        s.client = "DESKTOP-%07X" % rr.getrandbits(28)
    tt = t
    for i in range(rr.randint(3, 10)):
        tt += rr.uniform(1, 8)
        p = plain_patient(W, rr, e, day=day)
        I.chart(tt, e.login, s, p, "TREATMENT", tabs=rr.sample(["Notes", "Demographics"], 1))
    I.scen_label("shared_credential", "inactive_account", e.login, note=inc["note"])


def s_no_case(W, inc, I, day):
    e, rr = inc["actor"], I.rr
    sc = inc["scenario"]
    t = t_in_shift(W, e, day, rr)
    s = I.session(e.login, t)
    if sc == "no_case_personal_lookup":
        p = plain_patient(W, rr, e, day=day)
        inc["note"] = "opens an acquaintance's chart with no encounter"
        I.chart(t, e.login, s, p, "TREATMENT", enc=None, typed="" if rr.random() < 0.7 else "N/A")
    elif sc == "fabricated_encounter":
        p = plain_patient(W, rr, e, day=day)
        used = {x.id for x in W.encs}
        nums = {x.id.split("-")[2].lstrip("0") for x in W.encs}
        while True:
            fake = "IP-2025-%06d" % rr.randint(700000, 999999)
            if fake not in used and fake.split("-")[2].lstrip("0") not in nums:
                break
        inc["note"] = f"types a made-up encounter number {fake}"
        I.chart(t, e.login, s, p, "TREATMENT", enc="unknown", typed=fake)
    elif sc == "closed_encounter_reused":
        cands = [x for x in W.encs if x.etype in ("IP", "ED") and x.t_close is not None and x.close_day() < day - 2
                 and x.close_day() > -50 and not x.pat.emp and not x.pat.tags & {"vip", "news", "reserved"}
                 and x.pat.key not in W.rel_of_person and not any(lg == t_[0] for t_ in x.team for lg in e.logins)
                 and not any(y.active_on(day) for y in W.encs_by_pat.get(x.pat.key, []))]
        x = cands[rr.randrange(len(cands))]
        inc["note"] = f"reuses the closed encounter {x.id} to look at the patient again"
        I.chart(t, e.login, s, x.pat, "TREATMENT", enc=x, typed=safe_typed(x.id, e, rr))
    elif sc == "other_team_encounter":
        pts = _others_patients(W, e, day)
        pts = [x for x in pts if x.t_open < t and x.meta["t_dis"] > t + 60 and x.unit != e.sched[day][3]] or pts
        x = pts[rr.randrange(len(pts))]
        inc["note"] = f"opens {x.unit} patient under that patient's encounter {x.id}, not on the care team"
        I.chart(t, e.login, s, x.pat, "TREATMENT", enc=x, typed=safe_typed(x.id, e, rr))
    else:
        own = own_encs(W, e, day)
        x = own[rr.randrange(len(own))]
        p = plain_patient(W, rr, e, day=day)
        inc["note"] = f"uses own patient's encounter {x.id} as cover to open an unrelated chart"
        I.chart(t, e.login, s, p, "TREATMENT", enc=x, typed=safe_typed(x.id, e, rr))


IJ.SCEN.update({"clerk_browsing": s_clerk_browsing, "burst_scrape": s_burst_scrape,
                "night_lookups_from_home": s_night_lookups_from_home, "bulk_export": s_bulk_export,
                "daily_volume_spike": s_daily_volume_spike,
                "shared_login_two_workstations": s_shared_login_two_workstations,
                "shared_login_far_site": s_shared_login_far_site, "terminated_account_used": s_inactive,
                "leave_account_used": s_inactive, "no_case_personal_lookup": s_no_case,
                "fabricated_encounter": s_no_case, "closed_encounter_reused": s_no_case,
                "other_team_encounter": s_no_case, "own_encounter_as_cover": s_no_case,
                "record_altered_for_associate": IJ.s_record_altered_for_associate})
