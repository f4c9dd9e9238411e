"""Writes refs/ (CONTRACT section 2 columns exactly) and returns the personnel rows."""
import csv
import os

from common import day_date, rng

COLUMNS = {
    "personnel.csv": ["user", "employee_id", "person_id", "last_name", "first_name", "dob", "address",
                      "phone", "plate", "unit", "supervisor", "site", "status", "end_date"],
    "associations.csv": ["employee_id", "relation", "person_id", "last_name", "first_name", "dob",
                         "address", "phone", "plate", "valid_from", "valid_to", "source"],
    "cases.csv": ["case_id", "status", "opened", "closed", "unit"],
    "case_assignments.csv": ["case_id", "user", "from", "to"],
    "case_subjects.csv": ["case_id", "person_id", "last_name", "first_name", "dob", "address", "phone",
                          "plate"],
    "watchlist.csv": ["person_id", "last_name", "first_name", "dob", "category"],
    "clients.csv": ["client", "site", "lat", "lon"],
}


def title(s):
    return " ".join(w[:1].upper() + w[1:].lower() for w in s.split(" "))


def hr_address(a, r):
    if r.random() < 0.6:
        line = title(a.line())
        if a.unit and r.random() < 0.5:
            line = line.replace(" Apt ", ", Apt ")
        return "%s, %s %s" % (line, title(a.town), a.zip)
    return "%s %s" % (a.line().replace(" APT ", " #"), a.town)


def hr_phone(ph, r):
    return r.choice(["(%s) %s-%s" % (ph[:3], ph[3:6], ph[6:]), "%s-%s-%s" % (ph[:3], ph[3:6], ph[6:])])


def hr_plate(p, r):
    if len(p) == 6 and p[:3].isalpha() and p[3:].isdigit() and r.random() < 0.4:
        return p[:3] + " " + p[3:]
    return p


def personnel_rows(ag):
    r = rng(ag.seed, ag.n, ag.days, "world", "personnel")
    rows = []
    for e in ag.employees:
        p = e.person
        plate = ""
        if p.vehicles and r.random() < 0.85:
            plate = hr_plate(p.vehicles[0].plate, r)
        base = {"employee_id": e.eid, "person_id": p.pid if e.known_pid else "", "last_name": p.last,
                "first_name": p.first, "dob": p.dob, "address": hr_address(p.addr, r),
                "phone": hr_phone(p.phone, r), "plate": plate, "unit": e.unit, "supervisor": e.supervisor,
                "site": e.site.code, "status": e.status, "end_date": e.end_date}
        for lg in e.logins:
            rows.append(dict(base, user=lg.login))
    it = ag.it_lead
    for login, eid, desc, term in ag.service:
        rows.append({"user": login, "employee_id": eid, "person_id": "", "last_name": "SERVICE ACCOUNT",
                     "first_name": desc, "dob": "", "address": "", "phone": "", "plate": "",
                     "unit": "IT-SERVICES", "supervisor": it.eid, "site": "DC1", "status": "active",
                     "end_date": ""})
    return rows


def subject_row(case, p, r):
    a = p.addr
    return {"case_id": case.cid, "person_id": p.pid, "last_name": p.last, "first_name": p.first,
            "dob": p.dob, "address": a.line() + (", " + a.town if r.random() < 0.5 else ""),
            "phone": p.phone if r.random() < 0.7 else "",
            "plate": p.vehicles[0].plate if p.vehicles and r.random() < 0.6 else ""}


def write_refs(out, ag, wr, pers):
    D = ag.days
    r = rng(ag.seed, ag.n, ag.days, "world", "refs")
    d = os.path.join(out, "refs")
    os.makedirs(d, exist_ok=True)

    def dump(name, rows):
        with open(os.path.join(d, name), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=COLUMNS[name], lineterminator="\n", extrasaction="ignore")
            w.writeheader()
            for row in rows:
                w.writerow(row)

    dump("personnel.csv", pers)
    dump("associations.csv", wr.assoc)
    cases, assigns, subjects = [], [], []
    for cid in sorted(wr.cases):
        c = wr.cases[cid]
        st = c.status_at_end(D)
        cases.append({"case_id": cid, "status": st, "opened": day_date(c.opened).isoformat(),
                      "closed": day_date(c.closed).isoformat() if st == "closed" else "", "unit": c.unit})
        for lg, f, t in c.assign:
            assigns.append({"case_id": cid, "user": lg, "from": day_date(f).isoformat(),
                            "to": day_date(t).isoformat() if t is not None and t <= D - 1 else ""})
        for p in c.subjects:
            subjects.append(subject_row(c, p, r))
    dump("cases.csv", cases)
    dump("case_assignments.csv", assigns)
    dump("case_subjects.csv", subjects)
    dump("watchlist.csv", [{"person_id": p.pid, "last_name": p.last, "first_name": p.first, "dob": p.dob,
                            "category": cat} for p, cat, _ in wr.watch])
    clients = []
    for s in ag.sites:
        for cl, ip in s.clients:
            clients.append({"client": cl, "site": s.code, "lat": "%.4f" % s.lat, "lon": "%.4f" % s.lon})
    for e in ag.employees:
        if e.laptop:
            clients.append({"client": e.laptop[0], "site": e.site.code, "lat": "%.4f" % e.site.lat,
                            "lon": "%.4f" % e.site.lon})
    dump("clients.csv", clients)
    return {"cases": len(cases), "assignments": len(assigns), "subjects": len(subjects),
            "associations": len(wr.assoc), "clients": len(clients), "personnel": len(pers)}
