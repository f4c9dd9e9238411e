"""Event emission and the lookup primitives both the legitimate workload and the injected
misconduct use, so an injected lookup is typed and logged exactly like a real one.

Systems: SSO (login/logout/login_failed), CUSTOMER (customer master: name, address, phone
search), DRIVER (licence record), VEHICLE (titles & registration), IMAGE (photo/signature),
DIMS (medical review & driver improvement), CASES (investigations case management),
RRT (law-enforcement / records request tracker, logs the nested `subject` object),
ROADTEST (examiner scheduling), CCRM (contact-centre CRM, whole-name box), REPORTS, IAM.
"""
from common import make_id, short_hash
from typing_variants import (type_address, type_case, type_dl, type_name, type_phone, type_plate,
                             type_vin)

NO_SUBJECT_ACTIONS = ("login", "logout", "login_failed")


class Session:
    __slots__ = ("login", "sid", "client", "ip")

    def __init__(self, login, sid, client, ip):
        self.login, self.sid, self.client, self.ip = login, sid, client, ip


class Stream:
    """One RNG-independent id stream: (key, counter) -> event id."""

    def __init__(self, key):
        self.key = key
        self.k = 0
        self.out = []
        self.nsess = 0

    def session(self, login, client, ip):
        self.nsess += 1
        return Session(login, "%s-%s" % (client.split("-")[0].lower(), short_hash(self.key, "s", self.nsess, n=10)),
                       client, ip)

    def ev(self, t, s, action, system, purpose="", case=("", None), fields=None, vis_pid=None,
           true_pid=None, rc=None, qt=None, hn=None, extra=None):
        self.k += 1
        e = {"id": make_id(self.key, self.k), "ts": int(t), "user": s.login, "action": action,
             "system": system, "session": s.sid, "client": s.client, "ip": s.ip}
        if action not in NO_SUBJECT_ACTIONS:
            e["case_id"] = case[0]
            e["purpose"] = purpose
        if fields:
            e.update(fields)
        if vis_pid:
            e["subject_person_id"] = vis_pid
        if rc is not None:
            e["result_count"] = rc
        if qt:
            e["query_text"] = qt
        if extra:
            e.update(extra)
        e["_pid"] = true_pid if true_pid is not None else vis_pid
        e["_case"] = case[1]
        e["_hn"] = hn
        self.out.append(e)
        return e


class Ctx:
    """What a lookup needs: the stream, the session, the habits and RNG of the actor, the
    purpose and case (typed, true) and an optional hard-negative tag for the events."""

    def __init__(self, st, s, h, r, purpose, case=("", None), hn=None):
        self.st, self.s, self.h, self.r, self.purpose, self.case, self.hn = st, s, h, r, purpose, case, hn

    def with_case(self, case_true, typed=None):
        if typed is None:
            typed, _ = type_case(case_true, self.h, self.r)
        return Ctx(self.st, self.s, self.h, self.r, self.purpose, (typed, case_true), self.hn)

    def ev(self, t, action, system, fields=None, pid=None, rc=None, qt=None, true_pid=None,
           extra=None):
        return self.st.ev(t, self.s, action, system, self.purpose, self.case, fields, pid,
                          true_pid, rc, qt, self.hn, extra)


def name_qt(f):
    parts = []
    if "subject_name" in f:
        parts.append("NAME=%s" % f["subject_name"])
    if "subject_last_name" in f:
        parts.append("LN=%s" % f["subject_last_name"])
    if "subject_first_name" in f:
        parts.append("FN=%s" % f["subject_first_name"])
    if "subject_dob" in f:
        parts.append("DOB=%s" % f["subject_dob"])
    return ";".join(parts)


def name_hits(f, r):
    if "subject_dob" in f:
        return 1 if r.random() < 0.97 else 2
    if "subject_first_name" not in f and "subject_name" not in f:
        return r.randint(12, 450)
    return r.choice([1, 1, 2, 3, 4, 6, 9, 14])


def q_name(c, t, p, fan=("DRIVER", "VEHICLE"), whole=False, open_rec=True, with_dob=None,
           system="CUSTOMER", allow_surname_only=True):
    """Name (+DOB) search; the same criteria fan out to DRIVER/VEHICLE in the same second."""
    f = type_name(p, c.h, c.r, whole=whole, with_dob=with_dob, allow_surname_only=allow_surname_only)
    if f.pop("__surname_only", False):
        # a surname-only search returns a long list; the clerk narrows it down a few seconds later
        rc = c.r.randint(12, 450)
        out = [c.ev(t, "query", system, f, rc=rc, qt=name_qt(f), true_pid=p.pid)]
        if open_rec:
            out += q_name(c, t + c.r.randint(8, 40), p, fan, whole, True, True, system, False)
        return out
    rc = name_hits(f, c.r)
    opened = open_rec and (rc <= 15)
    out = [c.ev(t, "query", system, f, pid=p.pid if (rc == 1 and opened) else None, rc=rc,
                qt=name_qt(f), true_pid=p.pid)]
    for sysname in fan:
        if sysname == "VEHICLE":
            out.append(c.ev(t, "query", "VEHICLE", f, pid=p.pid if (opened and p.vehicles) else None,
                            rc=len(p.vehicles), qt="OWNER " + name_qt(f), true_pid=p.pid))
        else:
            out.append(c.ev(t, "query", sysname, f, pid=p.pid if opened else None,
                            rc=1 if opened else rc, qt=name_qt(f), true_pid=p.pid))
    return out


def q_dl(c, t, p, system="DRIVER", fan=("CUSTOMER",)):
    typed = type_dl(p.dl or "X000-0000-0000-00", c.h, c.r)
    out = [c.ev(t, "query", system, None, pid=p.pid, rc=1, qt="DLN=%s" % typed, true_pid=p.pid)]
    for sysname in fan:
        out.append(c.ev(t, "query", sysname, None, pid=p.pid, rc=1, qt="DLN=%s" % typed, true_pid=p.pid))
    return out


def q_plate(c, t, p, v=None, system="VEHICLE", fan=()):
    v = v or (p.vehicles[0] if p.vehicles else None)
    if v is None:
        return q_name(c, t, p)
    typed = type_plate(v.plate, c.h, c.r)
    out = [c.ev(t, "query", system, {"subject_plate": typed}, pid=p.pid, rc=1,
                qt="PLATE=%s" % typed, true_pid=p.pid)]
    for sysname in fan:
        out.append(c.ev(t, "query", sysname, {"subject_plate": typed}, pid=p.pid, rc=1,
                        qt="PLATE=%s" % typed, true_pid=p.pid))
    return out


def q_vin(c, t, p, v, system="VEHICLE", rc=None):
    typed = type_vin(v.vin, c.h, c.r)
    rc = rc if rc is not None else (1 if len(typed) == 17 else c.r.choice([1, 1, 2, 3]))
    return [c.ev(t, "query", system, None, pid=p.pid if rc == 1 else None, rc=rc,
                 qt="VIN=%s" % typed, true_pid=p.pid)]


def q_address(c, t, p, addr=None, with_city=None, residents=None):
    a = addr or p.addr
    typed = type_address(a, c.h, c.r, with_city=with_city)
    rc = residents if residents is not None else c.r.choice([1, 1, 1, 2, 2, 3, 4])
    return [c.ev(t, "query", "CUSTOMER", {"subject_address": typed}, pid=p.pid if rc == 1 else None,
                 rc=rc, qt="ADDR=%s" % typed, true_pid=p.pid)]


def q_phone(c, t, p, system="CUSTOMER", typed=None):
    typed = typed or type_phone(p.phone, c.h, c.r)
    return [c.ev(t, "query", system, {"subject_phone": typed}, pid=p.pid, rc=1,
                 qt="PHONE=%s" % typed, true_pid=p.pid)]


def u_record(c, t, p, system, what, fields=None, action="update"):
    return [c.ev(t, action, system, fields, pid=p.pid, rc=1, qt="%s CUST=%s" % (what, p.pid),
                 true_pid=p.pid)]


def q_image(c, t, p):
    return [c.ev(t, "query", "IMAGE", None, pid=p.pid, rc=c.r.choice([1, 2, 3]),
                 qt="PHOTO HISTORY CUST=%s" % p.pid, true_pid=p.pid)]


def rrt_subject(c, t, p, action="query", with_dob=True):
    """Request tracker: logs the nested subject object (name as typed, DOB, person id)."""
    f = type_name(p, c.h, c.r, whole=False, with_dob=with_dob, allow_surname_only=False)
    sub = {"person_id": p.pid, "last_name": f.get("subject_last_name", ""),
           "first_name": f.get("subject_first_name", "")}
    if "subject_dob" in f:
        sub["dob"] = f["subject_dob"]
    return [c.ev(t, action, "RRT", {"subject": sub}, pid=None, rc=1,
                 qt="REQ SUBJECT ADD" if action == "update" else "REQ SUBJECT VIEW", true_pid=p.pid)]
