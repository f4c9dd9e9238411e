"""Ground truth for injected events, decided against the reference data:
who the subject is to the actor (self, coworker, association, watchlist) and,
for purposes that need an encounter, what is wrong with the case."""
import datetime as dt
from flows import DAY
from util import START

EXEMPT = ["PATIENT_SEARCH", "REGISTRATION", "SCHEDULING", "TRIAGE", "CENSUS_REVIEW", "RESULT_ENTRY",
          "IMAGING", "PHARMACY_VERIFICATION", "INTERFACE", "REPORTING", "MPI_MAINTENANCE", "SYSTEM_ADMIN"]
NO_CASE_ORDER = ["missing", "unknown_case", "closed_case", "not_assigned", "subject_not_in_case"]


def _has_name(ev):
    s = ev.get("subject") or {}
    return bool(ev.get("subject_last_name") or ev.get("subject_name") or s.get("last_name") or s.get("name"))


def _get(ev, k):
    if k in ev:
        return ev[k]
    return (ev.get("subject") or {}).get(k[8:], "")


def self_kind(W, emp, ev):
    """Strongest identifier carried by the event that personnel also knows."""
    p = emp.person
    if _get(ev, "subject_person_id") and emp.habits.get("hr_has_mrn") and p.mrn:
        return "person_id"
    if _has_name(ev) and _get(ev, "subject_dob"):
        return "name_dob"
    if _get(ev, "subject_plate") and p.plate:
        return "plate"
    if _get(ev, "subject_address"):
        return "address"
    if _get(ev, "subject_phone"):
        return "phone"
    if _has_name(ev):
        return "name_only"
    return None


def local_day_of(ts):
    from util import parse_ts, utc_to_local
    loc = utc_to_local(parse_ts(ts))
    return (loc.date() - START).days


def findings(W, login, ev, person, case):
    """person: the true subject (Person) or None; case: ('none'|'unknown'|Enc, typed string).
    Returns [(detector, kind)] in a fixed order."""
    out = []
    emp = W.login_emp[login]
    day = local_day_of(ev["ts"])
    date = (START + dt.timedelta(days=day)).isoformat()
    if person is not None:
        if person is emp.person:
            k = self_kind(W, emp, ev)
            if k:
                out.append(("self_query", k))
        elif person.emp is not None:
            other = person.emp
            if other.eid == emp.supervisor:
                out.append(("coworker_lookup", "supervisor"))
            elif other.unit == emp.unit:
                out.append(("coworker_lookup", "same_unit"))
            else:
                out.append(("coworker_lookup", "other_unit"))
        a = W.assoc_persons.get(emp.eid, {}).get(person.key)
        if a and (not a["vf"] or a["vf"] <= date) and (not a["vt"] or date <= a["vt"]):
            out.append(("association_lookup", a["relation"]))
        if person.key in W.watch:
            out.append(("watchlist_lookup", W.watch[person.key]))
    purpose = ev.get("purpose", "")
    if purpose and purpose not in EXEMPT and ev.get("action") in ("query", "update", "print", "break_glass"):
        kind = None
        enc, typed = case
        if not typed or typed.strip().upper() in ("", "N/A", "NA", "NONE"):
            kind = "missing"
        elif enc == "unknown":
            kind = "unknown_case"
        else:
            logins = set(emp.logins)
            if enc.t_close is not None and enc.close_day() < day:
                kind = "closed_case"
            elif not any(t[0] in logins and t[1] <= day <= t[2] for t in enc.team):
                kind = "not_assigned"
            elif person is not None and person not in enc.subjects:
                kind = "subject_not_in_case"
        if kind:
            out.append(("no_case", kind))
    return out


def case_kind(W, logins, enc, pkey, day):
    """no_case kind for a lookup under the real encounter `enc` on local/UTC date index `day`."""
    if enc.t_close is not None and enc.close_day() < day:
        return "closed_case"
    if not any(t[0] in logins and t[1] <= day <= t[2] for t in enc.team):
        return "not_assigned"
    if pkey is not None and all(p.key != pkey for p in enc.subjects):
        return "subject_not_in_case"
    return None


def utc_day_of(ts):
    return (dt.date.fromisoformat(ts[:10]) - START).days


def rollover_negatives(W, rows):
    """Legitimate lookups whose no-case verdict flips when the UTC date of the
    timestamp is compared with the local dates of the reference data (evening
    work in Chicago is after midnight UTC).  Returns rows with those marked."""
    out = []
    ex = set(EXEMPT)
    for row in rows:
        ts, eid, line, tr, hn = row
        if tr is not None and not hn and tr[2] and tr[2] not in ex and tr[3] in ("query", "update", "print") \
                and tr[4] and tr[1] in W.by_id:
            enc = W.by_id[tr[1]]
            emp = W.login_emp.get(line.split('"user":"', 1)[1].split('"', 1)[0])
            if emp is not None:
                lg = set(emp.logins)
                kl = case_kind(W, lg, enc, tr[0], local_day_of(ts))
                ku = case_kind(W, lg, enc, tr[0], utc_day_of(ts))
                if kl is None and ku is not None:
                    row = (ts, eid, line, tr, [("evening_access_utc_date_rollover",
                                                f"evening work: local date is within {enc.id}'s dates, "
                                                f"the UTC date reads as {ku}")])
                elif kl is not None:
                    row = (ts, eid, line, tr, [("unclassified_case_gap", f"{kl} on {enc.id}")])
        out.append(row)
    return out
