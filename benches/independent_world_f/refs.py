"""Writes refs/*.csv (exactly the CONTRACT section 2 columns) and custodes.toml."""
import csv
import os
from flows import DAY
from people import SERVICE_ACCOUNTS
from truth import EXEMPT
from util import day_date, full_address, address_text


def _w(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(r)


def date_of(t):
    return day_date(t // DAY).isoformat()


def write_refs(W, out):
    rd = os.path.join(out, "refs")
    os.makedirs(rd, exist_ok=True)
    rows = []
    it = [e for e in W.emps if e.role == "it_analyst"][0]
    for e in W.emps:
        p = e.person
        for lg in e.logins:
            rows.append([lg, e.eid, p.mrn if e.habits.get("hr_has_mrn") else "", p.last, p.first, p.dob,
                         full_address(p.addr), p.phone, p.plate, e.unit, e.supervisor, e.site, e.status, e.end_date])
    for lg, eid, desc in SERVICE_ACCOUNTS:
        rows.append([lg, eid, "", "SERVICE ACCOUNT", desc.upper(), "", "", "", "", "IT-INTERFACES", it.eid, "DC",
                     "active", ""])
    _w(os.path.join(rd, "personnel.csv"), ["user", "employee_id", "person_id", "last_name", "first_name", "dob",
                                          "address", "phone", "plate", "unit", "supervisor", "site", "status",
                                          "end_date"], rows)
    encs = sorted(W.encs, key=lambda e: e.id)
    _w(os.path.join(rd, "cases.csv"), ["case_id", "status", "opened", "closed", "unit"],
       [[e.id, "closed" if e.t_close is not None else "open", date_of(e.t_open),
         date_of(e.t_close) if e.t_close is not None else "", e.unit] for e in encs])
    arows = []
    for e in encs:
        for lg, d0, d1, _role in sorted(e.team, key=lambda t: (t[1], t[0])):
            arows.append([e.id, lg, day_date(d0).isoformat(), day_date(d1).isoformat()])
    _w(os.path.join(rd, "case_assignments.csv"), ["case_id", "user", "from", "to"], arows)
    srows = []
    for e in encs:
        for k, p in enumerate(e.subjects):
            if k == 0:
                srows.append([e.id, p.mrn, p.last, p.first, p.dob, full_address(p.addr), p.phone, ""])
            else:   # guarantor / next of kin: registration keeps name, phone, address
                srows.append([e.id, p.mrn, p.last, p.first, "", full_address(p.addr), p.phone, ""])
    _w(os.path.join(rd, "case_subjects.csv"), ["case_id", "person_id", "last_name", "first_name", "dob", "address",
                                              "phone", "plate"], srows)
    asrows = []
    for a in W.assoc_rows:
        p, keep = a["person"], a["keep"]
        asrows.append([a["eid"], a["relation"], p.mrn if "pid" in keep else "", p.last if "name" in keep else "",
                       p.first if "name" in keep else "", p.dob if "dob" in keep else "",
                       full_address(p.addr) if "addr" in keep else "", p.phone if "phone" in keep else "",
                       p.plate if "plate" in keep else "", a["vf"], a["vt"], a["src"]])
    _w(os.path.join(rd, "associations.csv"), ["employee_id", "relation", "person_id", "last_name", "first_name", "dob",
                                             "address", "phone", "plate", "valid_from", "valid_to", "source"], asrows)
    _w(os.path.join(rd, "watchlist.csv"), ["person_id", "last_name", "first_name", "dob", "category"],
       [[p.mrn, p.last, p.first, p.dob, cat] for p, cat, _d in W.vips])
    _w(os.path.join(rd, "clients.csv"), ["client", "site", "lat", "lon"],
       [[c, v[0], "%.5f" % v[1], "%.5f" % v[2]] for c, v in sorted(W.clients.items())])
    with open(os.path.join(out, "custodes.toml"), "w") as f:
        f.write("[no_case]\nexempt_purposes = [\n")
        for p in EXEMPT:
            f.write(f'    "{p}",\n')
        f.write("]\n")
