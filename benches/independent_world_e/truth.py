"""Ground truth over the reference data.

For one event (and the record it really touched, which the generator knows) this says what a
perfect auditor holding refs/ would find: self lookup, coworker lookup, association lookup,
watchlist lookup, an inactive account, and for case-required purposes the case problem
(missing, unknown, closed, not assigned, subject not in case; first that applies).
The generator uses it twice: every legitimate event with a finding must carry a hard-negative
class, and every injected event gets one label per finding.
"""
import re

EXEMPT_PURPOSES = [
    "DL_RENEWAL", "DL_DUPLICATE", "REAL_ID", "ID_CARD", "KNOWLEDGE_TEST", "ADDRESS_CHANGE",
    "REGISTRATION_RENEWAL", "NEW_REGISTRATION", "TITLE_TRANSFER", "PLATE_REPLACEMENT",
    "CUSTOMER_SERVICE", "ROAD_TEST", "OFFICE_ADMIN", "TRANSACTION_REVIEW", "FEE_WAIVER",
    "RECORD_CORRECTION", "VOID_TRANSACTION", "PHONE_INQUIRY", "QUALITY_REVIEW",
    "TITLE_PROCESSING", "LIEN_RECORDING", "DEALER_BATCH", "TITLE_CORRECTION", "SYSTEM_ADMIN",
    "DATA_QUALITY", "MANAGEMENT_REPORT", "INSURANCE_VERIFICATION", "TOLL_DATA_SHARE",
    "SCHEDULED_REPORT",
]
CASE_PURPOSES = ["LAW_ENFORCEMENT_REQUEST", "RECORDS_REQUEST", "SUBPOENA", "INVESTIGATION",
                 "DEALER_AUDIT", "MEDICAL_REVIEW", "DRIVER_IMPROVEMENT", "HEARING"]
_EXEMPT = set(EXEMPT_PURPOSES)
NAME_KEYS = ("subject_last_name", "subject_first_name", "subject_name", "subject")


def norm_plate(s):
    return re.sub(r"[^A-Z0-9]", "", (s or "").upper())


def norm_phone(s):
    d = re.sub(r"\D", "", s or "")
    return d[-10:] if len(d) >= 10 else d


class Truth:
    def __init__(self, ag, wr, personnel_rows):
        self.ag, self.wr = ag, wr
        self.emp_of_pid = {e.person.pid: e for e in ag.employees}
        self.assoc = {}
        for a in wr.assoc:
            self.assoc.setdefault(a["employee_id"], []).append(a)
        self.watch = {p.pid: cat for p, cat, _ in wr.watch}
        self.pers = {row["employee_id"]: row for row in personnel_rows if row["employee_id"] in ag.emp_by_id}
        self.logins = {e.eid: {lg.login for lg in e.logins} for e in ag.employees}
        # for the hard-negative tagger: names and buildings of staff, relatives, watchlist
        self.staff_names = {}
        for e in ag.employees:
            self.staff_names.setdefault((e.person.last, e.person.first), []).append(e)
        self.rel_names = {}
        for a in wr.assoc:
            p = a["_person"]
            self.rel_names.setdefault((p.last, p.first), []).append(a)
        self.watch_names = {(p.last, p.first): cat for p, cat, _ in wr.watch}
        self.staff_buildings = {}
        for e in ag.employees:
            self.staff_buildings.setdefault(e.person.addr.building_key(), []).append(e)

    # -------------------------------------------------------------------------------------------
    def self_kind(self, ev, emp):
        row = self.pers[emp.eid]
        if ev.get("subject_person_id") and row["person_id"]:
            return "person_id"
        has_name = any(k in ev for k in NAME_KEYS)
        dob = ev.get("subject_dob") or (ev.get("subject") or {}).get("dob")
        if has_name and dob and row["dob"]:
            return "name_dob"
        if ev.get("subject_plate") and row["plate"] and norm_plate(ev["subject_plate"]) == norm_plate(row["plate"]):
            return "plate"
        if ev.get("subject_phone") and row["phone"] and norm_phone(ev["subject_phone"])[-7:] == norm_phone(row["phone"])[-7:]:
            return "phone"
        if ev.get("subject_address") and row["address"]:
            return "address"
        if has_name:
            return "name_only"
        return "person_id" if ev.get("subject_person_id") else "name_only"

    def identity(self, ev, emp, d, date):
        out = []
        pid = ev.get("_pid")
        if not pid:
            return out
        if pid == emp.person.pid:
            out.append(("self_query", self.self_kind(ev, emp)))
        else:
            other = self.emp_of_pid.get(pid)
            if other is not None:
                if other.eid == emp.supervisor:
                    out.append(("coworker_lookup", "supervisor"))
                elif other.unit == emp.unit:
                    out.append(("coworker_lookup", "same_unit"))
                else:
                    out.append(("coworker_lookup", "other_unit"))
        seen = set()
        for a in self.assoc.get(emp.eid, ()):
            if a["_person"].pid != pid or a["relation"] in seen:
                continue
            if a["valid_from"] and a["valid_from"] > date:
                continue
            if a["valid_to"] and a["valid_to"] < date:
                continue
            seen.add(a["relation"])
            out.append(("association_lookup", a["relation"]))
        cat = self.watch.get(pid)
        if cat:
            out.append(("watchlist_lookup", cat))
        return out

    def no_case(self, ev, emp, d):
        purpose = ev.get("purpose")
        if not purpose or purpose in _EXEMPT or "case_id" not in ev:
            return None
        cid = ev.get("_case")
        typed = (ev.get("case_id") or "").strip()
        if not cid or typed.upper() in ("", "N/A", "NA", "NONE", "-"):
            return "missing"
        case = self.wr.cases.get(cid)
        if case is None:
            return "unknown_case"
        if case.closed_before(d):
            return "closed_case"
        mine = self.logins[emp.eid]
        if not any(lg in mine and f <= d and (t is None or d <= t) for lg, f, t in case.assign):
            return "not_assigned"
        pid = ev.get("_pid")
        if pid and pid not in {p.pid for p in case.subjects}:
            return "subject_not_in_case"
        return None

    def findings(self, ev, d, date):
        lg = self.ag.logins.get(ev["user"])
        if lg is None:
            return []
        emp = lg.emp
        out = []
        if emp.status == "leave" or (emp.end_day is not None and d > emp.end_day):
            out.append(("shared_credential", "inactive_account"))
        if ev["action"] in ("login", "logout", "login_failed"):
            return out
        out += self.identity(ev, emp, d, date)
        k = self.no_case(ev, emp, d)
        if k:
            out.append(("no_case", k))
        return out

    # -------------------------------------------------------------------------------------------
    def coincidence(self, ev, emp, person):
        """Hard-negative class for a legitimate event whose subject only resembles someone."""
        if person is None:
            return None
        if any(k in ev for k in NAME_KEYS):
            key = (person.last, person.first)
            st = [e for e in self.staff_names.get(key, ()) if e.person is not person]
            if st:
                if emp is not None and any(e is emp for e in st):
                    return ("customer_same_name_as_actor", "the customer has the clerk's own first and last name")
                return ("customer_same_name_as_staff", "the customer has the same name as %s" % st[0].login)
            rel = [a for a in self.rel_names.get(key, ()) if a["_person"] is not person]
            if rel:
                return ("customer_same_name_as_staff_relative",
                        "same name as a %s of %s" % (rel[0]["relation"], rel[0]["employee_id"]))
            if key in self.watch_names and person.pid not in self.watch:
                return ("customer_same_name_as_watchlisted", "same name as a watchlisted %s" % self.watch_names[key])
        if ev.get("subject_address"):
            st = [e for e in self.staff_buildings.get(person.addr.building_key(), ()) if e.person is not person]
            if st:
                return ("customer_same_building_as_staff", "customer lives in the same building as %s" % st[0].login)
        return None
