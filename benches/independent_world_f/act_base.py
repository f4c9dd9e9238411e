"""Common pieces of the legitimate activity: typing habits, shift sessions,
and the hard-negative classification of a legitimate access."""
from flows import DAY
from emit import make_sessions, emit_logins
from util import rng, MRN_STYLES, ENC_STYLES


def habits(W, emp):
    h = emp.habits
    if "case" not in h:
        r = rng(W.seed, W.n, W.days, "habits", emp.eid)
        h["case"] = r.choices(["upper", "title", "lower"], weights=[60, 30, 10])[0]
        h["dob_p"] = r.uniform(0.55, 0.95)
        h["typo"] = r.uniform(0.0, 0.05)
        h["mrn"] = r.choice(MRN_STYLES)
        h["enc"] = r.choice(ENC_STYLES)
        h["blank_case"] = r.uniform(0.0, 0.04)
    return h


def shift_window(emp, day):
    s = emp.sched.get(day)
    if not s:
        return None
    return day * DAY + s[0], day * DAY + s[1], s


def shift_sessions(W, rr, emp, login, o, t0, t1, pool_name, style="roam", vpn=False):
    pool = W.ws.get(pool_name) or W.ws["ADMIN"]
    ss = make_sessions(rr, W, login, t0, t1, pool, style=style, laptop=emp.laptop, vpn=vpn)
    emit_logins(o, rr, login, ss)
    return ss


def spread(rr, t0, t1, k):
    if t1 <= t0:
        return [t0] * k
    return sorted(t0 + rr.random() * (t1 - t0) for _ in range(k))


def classify(W, emp, pat, base=None, role_note=""):
    """Hard-negative classes for a legitimate access by emp to pat.
    Returns a list of (class, note) or None."""
    out = []
    if pat is None:
        return [base] if base else None
    pe = pat.emp
    sp = W.specials
    if pe is not None and pe is not emp:
        if sp["coworker"][0] is pe:
            cls = "nurse_treats_admitted_coworker" if emp.role.startswith("rn_") else \
                "admitted_coworker_care_team"
            out.append((cls, f"{pe.login} is an inpatient after a crash; {emp.login} {role_note or 'works on the case'}"))
        elif emp.role == "employee_health":
            out.append(("employee_health_staff_visit", f"employee-health visit of {pe.login}"))
        else:
            out.append(("staff_patient_treated_by_colleague", f"{pe.login} is a patient here; {emp.login} {role_note or 'treats'}"))
    elif pat.key in W.watch:
        cat = W.watch[pat.key]
        cls = "news_patient_trauma_team" if cat == "news" else "vip_patient_care_team"
        out.append((cls, f"watchlisted ({cat}) patient, {emp.login} {role_note or 'on the case'}"))
    for t in sorted(pat.tags):
        if t.startswith("namesake_of:"):
            other = W.emp_by_eid.get(t[12:])
            if other is emp:
                out.append(("patient_same_name_as_actor", f"patient shares first+last name with {emp.login}, different DOB"))
            elif other is not None:
                out.append(("patient_same_name_as_staff", f"patient shares first+last name with {other.login}, different DOB"))
    rel = W.rel_of_person.get(pat.key)
    if rel and rel[0] != emp.eid:
        out.append(("staff_relative_treated_by_colleague",
                    f"patient is a disclosed {rel[1]} of {W.emp_by_eid[rel[0]].login}; {emp.login} {role_note or 'works on the case'}"))
    if base:
        out.append(base)
    return out or None
