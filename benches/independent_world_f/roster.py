"""Sites, units, workstations, staff, logins and work schedules of the
Brennan Health system (two hospitals, outpatient clinics, a business office)."""
import math
from util import rng, day_date

SITES = {
    "SBR": ("St. Brennan Regional Medical Center", 43.0731, -89.4012, "10.10"),
    "LCH": ("Lakeshore Community Hospital", 43.3120, -89.0270, "10.20"),
    "NGC": ("Northgate Family Medicine", 43.1650, -89.3300, "10.31"),
    "RSC": ("Riverside Specialty Clinic", 43.0420, -89.4700, "10.32"),
    "WPC": ("Westfield Pediatrics", 43.0100, -89.5600, "10.33"),
    "PRC": ("Pine Ridge Clinic", 44.6800, -89.8200, "10.34"),
    "CBO": ("Central Business Office", 43.0890, -89.3600, "10.40"),
    "DC": ("Data Center", 43.1000, -89.3500, "10.50"),
}

WARD_ORDER = ["SBR-4W", "SBR-5E", "LCH-2N", "SBR-ICU", "SBR-6N", "LCH-3N", "SBR-3S",
              "SBR-7W", "LCH-ICU"]
EDS = ["SBR-ED", "LCH-ED"]

# role: (weight, minimum, department unit or None = assigned by rule)
ROLE_SPEC = [
    ("rn_ward", 0.25, None), ("rn_float", 0.015, "SBR-FLOAT"), ("rn_ed", 0.08, None),
    ("hospitalist", 0.045, "HOSPITALIST"), ("resident", 0.04, "IM-RESIDENCY"),
    ("ed_physician", 0.04, None), ("clinic_physician", 0.04, None),
    ("clinic_ma", 0.04, None), ("front_desk", 0.035, None), ("registrar", 0.05, None),
    ("unit_clerk", 0.02, None), ("pharmacist", 0.035, "PHARMACY"), ("lab_tech", 0.04, "LAB"),
    ("rad_tech", 0.03, "RADIOLOGY"), ("him_roi", 0.02, "HIM-ROI"), ("him_data", 0.01, "HIM-DATA"),
    ("coder", 0.025, "CODING"), ("billing", 0.035, "PATIENT-ACCOUNTS"),
    ("case_manager", 0.025, "CASE-MGMT"), ("quality", 0.012, "QUALITY"),
    ("infection_prev", 0.008, "INFECTION-PREV"), ("employee_health", 0.01, "EMPLOYEE-HEALTH"),
    ("it_analyst", 0.01, "IT-EHR"),
]
ROLE_MIN = {"rn_ward": 3, "rn_ed": 4, "hospitalist": 3, "resident": 2, "ed_physician": 4,
            "registrar": 3, "pharmacist": 2, "lab_tech": 3, "rad_tech": 2, "him_roi": 1,
            "coder": 2, "billing": 2, "case_manager": 2, "quality": 1, "infection_prev": 1,
            "employee_health": 1, "it_analyst": 1, "clinic_physician": 3, "clinic_ma": 3,
            "front_desk": 3, "unit_clerk": 1, "rn_float": 1, "him_data": 1}

SHIFT_ROLES = {"rn_ward", "rn_float", "rn_ed", "unit_clerk"}
OFFICE_ROLES = {"him_roi", "him_data", "coder", "billing", "case_manager", "quality",
                "infection_prev", "employee_health", "it_analyst", "director", "nurse_manager"}


def wards_for(n):
    return WARD_ORDER[:max(3, min(len(WARD_ORDER), round(n / 20)))]


def clinics_for(n):
    c = [("NGC", "NGC-FM"), ("RSC", "RSC-CARD"), ("PRC", "PRC-FM")]
    if n >= 60:
        c.insert(2, ("WPC", "WPC-PEDS"))
    if n >= 150:
        c.insert(2, ("RSC", "RSC-ONC"))
    return c


def site_of(unit):
    return unit.split("-")[0] if unit.split("-")[0] in SITES else "SBR"


class Emp:
    __slots__ = ("eid", "role", "unit", "site", "units", "person", "logins", "supervisor",
                 "status", "end_date", "leave_from", "sched", "oncall", "habits", "lead",
                 "shift_pref", "remote", "idx", "laptop")

    def __init__(self, eid, role, unit, site):
        self.eid, self.role, self.unit, self.site = eid, role, unit, site
        self.units = [unit]
        self.person = None
        self.logins = []
        self.supervisor = ""
        self.status, self.end_date, self.leave_from = "active", "", None
        self.sched = {}          # day -> (start_min, end_min, site, unit, tag)
        self.oncall = set()      # days with overnight phone/VPN call
        self.habits = {}
        self.lead = False
        self.shift_pref = "day"
        self.remote = False
        self.idx = 0
        self.laptop = ""

    @property
    def login(self):
        return self.logins[0]


def allocate_roles(n, r):
    wards = wards_for(n)
    n_mgr = max(2, math.ceil((len(wards) + 2) / 2.5))
    n_dir = 1 if n < 60 else 2
    rest = n - n_mgr - n_dir
    counts = {k: ROLE_MIN.get(k, 1) for k, _, _ in ROLE_SPEC}
    counts["rn_ward"] = max(3 * len(wards), counts["rn_ward"])
    for k in ("clinic_physician", "clinic_ma", "front_desk"):
        counts[k] = max(counts[k], len(clinics_for(n)))
    free = rest - sum(counts.values())
    if free < 0:
        raise SystemExit("need at least about %d users" % (n - free))
    tot_w = sum(w for _, w, _ in ROLE_SPEC)
    want = {k: rest * w / tot_w for k, w, _ in ROLE_SPEC}
    extra = {k: max(0.0, want[k] - counts[k]) for k in counts}
    s = sum(extra.values()) or 1
    add = {k: free * extra[k] / s for k in counts}
    for k in counts:
        counts[k] += int(add[k])
    left = rest - sum(counts.values())
    for k in sorted(counts, key=lambda k: -(add[k] - int(add[k])))[:left]:
        counts[k] += 1
    return wards, n_mgr, n_dir, counts


def build_staff(seed, n, days):
    r = rng(seed, n, days, "roster")
    wards, n_mgr, n_dir, counts = allocate_roles(n, r)
    clinics = clinics_for(n)
    emps = []
    eid_pool = r.sample(range(100000, 999999), n + 10)

    def new(role, unit):
        e = Emp("H%06d" % eid_pool[len(emps)], role, unit, site_of(unit))
        e.idx = len(emps)
        emps.append(e)
        return e

    for i in range(n_dir):
        new("director", ["NURSING-ADMIN", "REVENUE-CYCLE"][i])
    nursing_units = wards + EDS
    mgr_units = [nursing_units[i::n_mgr] for i in range(n_mgr)]
    for us in mgr_units:
        e = new("nurse_manager", us[0])
        e.units = list(us)
    for role, _, dept in ROLE_SPEC:
        for i in range(counts[role]):
            if role == "rn_ward":
                unit = wards[i % len(wards)]
            elif role in ("rn_ed", "ed_physician"):
                unit = EDS[0] if (i % 3 != 2) else EDS[1]
            elif role in ("clinic_physician", "clinic_ma", "front_desk"):
                unit = clinics[i % len(clinics)][1]
            elif role == "registrar":
                unit = ["SBR-ADMITTING", "SBR-ED-REG", "LCH-REGISTRATION"][i % 3]
            elif role == "unit_clerk":
                unit = wards[i % len(wards)]
            elif role == "case_manager":
                unit = "CASE-MGMT"
            else:
                unit = dept
            e = new(role, unit)
            if role in ("pharmacist", "lab_tech", "rad_tech"):
                e.site = "LCH" if i % 4 == 3 else "SBR"
            if role in OFFICE_ROLES:
                e.site = "SBR" if role in ("case_manager", "quality", "infection_prev",
                                           "employee_health") else "CBO"
                if role == "it_analyst":
                    e.site = "DC"
            if role == "case_manager":
                e.units = [u for j, u in enumerate(wards) if j % counts[role] == i % counts[role]]
            if role == "coder" and i % 2 == 1:
                e.remote = True
            e.shift_pref = "night" if (role in SHIFT_ROLES and i % 5 in (1, 3)) else "day"
            if role in SHIFT_ROLES and i % 7 == 6:
                e.shift_pref = "rotate"
    # supervisors: nurse managers for nursing; leads for departments; directors above
    dirs = [e for e in emps if e.role == "director"]
    mgr_by_unit = {}
    for e in emps:
        if e.role == "nurse_manager":
            e.supervisor = dirs[0].eid
            for u in e.units:
                mgr_by_unit[u] = e
    dept_lead = {}
    for e in emps:
        if e.role in ("rn_ward", "rn_ed", "unit_clerk"):
            e.supervisor = mgr_by_unit[e.unit].eid
        elif e.role == "rn_float":
            e.supervisor = mgr_by_unit[wards[0]].eid
        elif e.role in ("director", "nurse_manager"):
            continue
        else:
            key = e.unit if e.role in ("clinic_physician", "clinic_ma", "front_desk",
                                       "registrar") else e.role
            if key not in dept_lead:
                dept_lead[key] = e
                e.lead = True
                rev = e.role in ("registrar", "him_roi", "him_data", "coder", "billing",
                                 "front_desk")
                e.supervisor = dirs[-1].eid if rev else dirs[0].eid
            else:
                e.supervisor = dept_lead[key].eid
    if len(dirs) > 1:
        dirs[1].supervisor = dirs[0].eid
    return emps, wards, clinics, counts


# ---------------------------------------------------------------- schedules
HOLIDAYS = {"2025-11-27", "2025-11-28", "2025-12-25"}


def is_weekday(day):
    d = day_date(day)
    return d.weekday() < 5 and d.isoformat() not in HOLIDAYS


def build_schedules(seed, n, days, emps):
    """12-hour nursing shifts, 8-hour ancillary shifts, office weekdays,
    hospitalist week-on/week-off, resident weekly rotations, ED physician shifts."""
    by_role = {}
    for e in emps:
        by_role.setdefault(e.role, []).append(e)
    weekly = nurse_patterns(seed, n, days, emps)
    for role, group in by_role.items():
        for k, e in enumerate(group):
            r = rng(seed, n, days, "sched", e.eid)
            off = (k * 2 + (k // 7)) % 7
            for day in range(-1, days + 1):
                wd = day_date(day).weekday()
                week = (day + 7) // 7
                s = None
                if role in ("rn_ward", "rn_ed", "unit_clerk"):
                    pref, wdays = weekly[e.eid]
                    works = wd in wdays
                    tag = ""
                    if not works and r.random() < 0.04:
                        works, tag = True, "extra"
                    if works:
                        if pref == "rotate":
                            pref = "night" if week % 2 else "day"
                        if pref == "day":
                            s = (6 * 60 + 45, 19 * 60 + 30, "day")
                        else:
                            s = (18 * 60 + 45, 31 * 60 + 30, "night")
                        s = (s[0], s[1], (s[2] + "_" + tag) if tag else s[2])
                elif role in ("registrar", "pharmacist", "lab_tech", "rad_tech"):
                    works = ((day - off) % 7) not in (5, 6)
                    slot = k % 3 if len(group) >= 3 else 0
                    if works:
                        s = [(6 * 60, 14 * 60 + 30, "day"), (14 * 60, 22 * 60 + 30, "evening"),
                             (22 * 60, 30 * 60 + 30, "night")][slot]
                elif role == "ed_physician":
                    works = ((day - off) % 7) in (0, 2, 3, 5)
                    if works:
                        s = [(7 * 60, 17 * 60, "day"), (15 * 60, 25 * 60, "swing"),
                             (23 * 60, 33 * 60, "night")][(k + week) % 3]
                elif role == "hospitalist":
                    if (k + week) % 2 == 0:
                        s = (6 * 60 + 50, 18 * 60 + 30, "day")
                elif role == "resident":
                    if wd < 5 or wd == (5 + k % 2):
                        s = (5 * 60 + 20 + r.randrange(0, 25), 17 * 60 + 30 + r.randrange(0, 90), "day")
                elif role in ("clinic_physician", "clinic_ma", "front_desk"):
                    if is_weekday(day) and not (e.unit.startswith("PRC") and wd == 0):
                        s = (7 * 60 + 30 + r.randrange(0, 30), 16 * 60 + 45 + r.randrange(0, 60), "day")
                elif role in OFFICE_ROLES:
                    if is_weekday(day) and r.random() > 0.04:
                        st = 6 * 60 if role == "coder" else 7 * 60 + 30
                        st += r.randrange(0, 60)
                        s = (st, st + 8 * 60 + 30 + r.randrange(0, 40), "day")
                if s:
                    e.sched[day] = (s[0], s[1], e.site, e.unit, s[2])
            if role == "hospitalist":
                for day in range(-1, days + 1):
                    week = (day + 7) // 7
                    on = [h for h in range(len(group)) if (h + week) % 2 == 0]
                    if on and on[day % len(on)] == k:
                        e.oncall.add(day)
    fill_float(seed, n, days, by_role)
    # residents rotate weekly through services (care teams change every Monday)
    services = ["SBR-4W", "SBR-5E", "SBR-ICU", "SBR-ED", "NGC-FM"]
    for k, e in enumerate(by_role.get("resident", [])):
        for day in list(e.sched):
            week = (day + 7) // 7
            svc = services[(k + week) % len(services)]
            st, en, site, _, tag = e.sched[day]
            e.sched[day] = (st, en, site_of(svc), svc, tag)
    return by_role


def nurse_patterns(seed, n, days, emps):
    """Per unit and shift group, choose each nurse's three weekdays so the unit
    is covered as evenly as the headcount allows."""
    groups = {}
    for e in emps:
        if e.role in ("rn_ward", "rn_ed", "unit_clerk"):
            groups.setdefault(e.unit if e.role != "unit_clerk" else "clerk:" + e.unit, []).append(e)
    out = {}
    for unit, g in sorted(groups.items()):
        r = rng(seed, n, days, "pattern", unit)
        nd = len(g) if unit.startswith("clerk:") else max(1, math.ceil(len(g) * 0.55))
        cover = {"day": [0] * 7, "night": [0] * 7}
        for j, e in enumerate(g):
            pref = "day" if j < nd else "night"
            if pref == "night" and j == len(g) - 1 and len(g) >= 6:
                pref = "rotate"
            e.shift_pref = pref
            c = cover["night" if pref == "rotate" else pref]
            order = sorted(range(7), key=lambda d: (c[d], r.random()))
            wdays = set(order[:3])
            for d in wdays:
                c[d] += 1
            out[e.eid] = (pref, wdays)
    return out


def fill_float(seed, n, days, by_role):
    """Float-pool nurses pick up the uncovered ward shifts (at most 4 a week)."""
    floats = by_role.get("rn_float", [])
    ward_rn = by_role.get("rn_ward", [])
    units = sorted({e.unit for e in ward_rn})
    for day in range(-1, days + 1):
        week = (day + 7) // 7
        for u in units:
            for tag in ("day", "night"):
                if any(e.unit == u and day in e.sched and e.sched[day][4].startswith(tag)
                       for e in ward_rn):
                    continue
                for f in floats:
                    used = sum(1 for d in f.sched if (d + 7) // 7 == week)
                    if day in f.sched or day - 1 in f.sched and f.sched[day - 1][4] == "night" \
                            and tag == "day" or used >= 4:
                        continue
                    st, en = ((6 * 60 + 45, 19 * 60 + 30) if tag == "day" else
                              (18 * 60 + 45, 31 * 60 + 30))
                    f.sched[day] = (st, en, site_of(u), u, tag + "_float")
                    break


# ---------------------------------------------------------------- workstations
def build_clients(seed, n, days, emps, wards, clinics):
    """clients: name -> (site, lat, lon, ip); ws: pool name -> [client names]."""
    r = rng(seed, n, days, "clients")
    clients, ws = {}, {}
    counter = {}

    def add(pool, site, name):
        base = SITES[site]
        counter[site] = counter.get(site, 0) + 1
        k = counter[site]
        ip = f"{base[3]}.{8 + k // 200}.{k % 200 + 20}"
        clients[name] = (site, round(base[1] + r.uniform(-0.0015, 0.0015), 5),
                         round(base[2] + r.uniform(-0.0015, 0.0015), 5), ip)
        ws.setdefault(pool, []).append(name)

    scale = max(1, n // 80)
    for u in wards:
        site, code = u.split("-")
        for i in range(2 + scale // 2):
            add(u, site, f"{site}{code}-NS{i + 1:02d}")
        for i in range(3 + scale // 2):
            add(u, site, f"{site}{code}-WOW{i + 1:02d}")
    for u in EDS:
        site = u.split("-")[0]
        for i in range(2):
            add(u + ":triage", site, f"{site}ED-TRIAGE{i + 1}")
        for i in range(3 + scale // 2):
            add(u, site, f"{site}ED-NS{i + 1:02d}")
            add(u + ":doc", site, f"{site}ED-DOC{i + 1:02d}")
        for i in range(2):
            add(u + ":reg", site, f"{site}ED-REG{i + 1:02d}")
    for site, pool, pre, k in [("SBR", "SBR-ADMITTING", "SBR-ADM-REG", 3), ("LCH", "LCH-REGISTRATION", "LCH-REG", 2),
                               ("SBR", "PHARMACY:SBR", "SBR-RX-", 3), ("LCH", "PHARMACY:LCH", "LCH-RX-", 1),
                               ("SBR", "LAB:SBR", "SBR-LAB-", 4), ("LCH", "LAB:LCH", "LCH-LAB-", 2),
                               ("SBR", "RADIOLOGY:SBR", "SBR-RAD-", 4), ("LCH", "RADIOLOGY:LCH", "LCH-RAD-", 1),
                               ("CBO", "HIM-ROI", "CBO-HIM-", 2 + scale), ("CBO", "HIM-DATA", "CBO-MPI-", 1 + scale // 2),
                               ("CBO", "CODING", "CBO-COD-", 2 + scale), ("CBO", "PATIENT-ACCOUNTS", "CBO-PFS-", 3 + scale),
                               ("SBR", "CASE-MGMT", "SBR-CM-", 2 + scale), ("SBR", "QUALITY", "SBR-QI-", 1 + scale // 2),
                               ("SBR", "INFECTION-PREV", "SBR-IPC-", 1), ("SBR", "EMPLOYEE-HEALTH", "SBR-EH-", 2),
                               ("SBR", "HOSPITALIST", "SBR-HOSP-", 3 + scale), ("SBR", "IM-RESIDENCY", "SBR-RES-", 2 + scale),
                               ("DC", "IT-EHR", "DC-IT-", 2 + scale // 2), ("SBR", "ADMIN", "SBR-ADMIN-", 3 + scale),
                               ("LCH", "LCH-OFFICE", "LCH-OFF-", 2), ("DC", "SERVICE", "DC-", 0)]:
        for i in range(k):
            add(pool, site, f"{pre}{i + 1:02d}" if not pre.endswith("-") else f"{pre}{i + 1:02d}")
    for name in ("DC-IFENGINE01", "DC-BATCH01", "DC-RPTSRV01"):
        add("SERVICE", "DC", name)
    for site, unit in clinics:
        for i in range(2):
            add(unit + ":fd", site, f"{unit.replace('-', '')}-FD{i + 1:02d}")
        for i in range(4 + scale):
            add(unit, site, f"{unit.replace('-', '')}-EX{i + 1:02d}")
    for e in emps:
        if e.role in ("hospitalist", "coder", "it_analyst", "director", "nurse_manager", "quality",
                      "clinic_physician", "infection_prev", "ed_physician") or e.remote:
            e.laptop = "LT-" + e.login.upper()
            site = e.site if e.site in SITES else "SBR"
            base = SITES[site]
            clients[e.laptop] = (site, base[1], base[2], "")
    return clients, ws
