"""People: the master patient index (households), staff identities, staff
relatives, namesakes, associations (HR / benefits / disclosures / privacy
office) and the VIP watchlist."""
import datetime as dt
from names import FIRST, MIDDLE_INITIALS, COMMON_LAST, LAST, SUFFIXES, STREETS, \
    STREET_TYPES, DIRECTIONS, TOWNS, AREA_CODES, CAR_PLATE_LETTERS, VIP_ROLES
from util import rng, START

FIRST_M = [f for f in FIRST if f[1] == "M"]
FIRST_F = [f for f in FIRST if f[1] == "F"]
NICKS = {f[0]: f[2] for f in FIRST}


class Person:
    __slots__ = ("key", "mrn", "last", "first", "middle", "sex", "dob", "addr", "phone",
                 "plate", "household", "emp", "tags")

    def __init__(self, key):
        self.key = key
        self.mrn = ""
        self.emp = None
        self.tags = set()

    @property
    def nicks(self):
        return NICKS.get(self.first, [])

    def name_lf(self):
        m = f" {self.middle}" if self.middle else ""
        return f"{self.last}, {self.first}{m}"


class World:
    pass


def rand_last(r):
    return r.choice(COMMON_LAST) if r.random() < 0.28 else r.choice(LAST)


def rand_first(r, sex):
    return r.choice(FIRST_M if sex == "M" else FIRST_F)[0]


def rand_dob(r, lo, hi):
    """age between lo and hi years at START."""
    days = r.randint(int(lo * 365.25), int(hi * 365.25))
    return (START - dt.timedelta(days=days)).isoformat()


def rand_addr(r):
    town = r.choices(TOWNS, weights=[t[2] for t in TOWNS])[0]
    return {"num": str(r.randint(100, 9899)), "dir": r.choice(DIRECTIONS) if r.random() < 0.35 else None,
            "street": r.choice(STREETS), "stype": r.choice(STREET_TYPES),
            "apt": (str(r.randint(1, 4)) + r.choice("ABCD")) if r.random() < 0.18 else "",
            "town": town[0], "zip": town[1] + "%02d" % r.randint(0, 99)}


def rand_phone(r):
    return f"{r.choice(AREA_CODES)}-555-{r.randint(0, 9999):04d}"


def rand_plate(r):
    return "".join(r.choice(CAR_PLATE_LETTERS) for _ in range(3)) + "%04d" % r.randint(1000, 9999)


class MPI:
    def __init__(self, seed, n, days):
        self.r = rng(seed, n, days, "mpi")
        self.people = []
        self.by_mrn = {}
        mr = rng(seed, n, days, "mrn-start")
        self.next_mrn = mr.randint(300000, 600000)

    def new_person(self, last, first, sex, dob, addr, phone, patient=True):
        p = Person("P%06d" % len(self.people))
        r = self.r
        p.last, p.first, p.sex, p.dob = last, first, sex, dob
        p.middle = r.choice(MIDDLE_INITIALS) if r.random() < 0.6 else ""
        p.addr, p.phone = addr, phone
        p.plate = rand_plate(r) if r.random() < 0.7 else ""
        p.household = None
        if patient:
            self.next_mrn += r.randint(1, 40)
            p.mrn = "%08d" % self.next_mrn
            self.by_mrn[p.mrn] = p
        self.people.append(p)
        return p

    def household(self, r, size=None, last=None, adult_age=(19, 92), patient_p=1.0):
        last = last or rand_last(r)
        addr, phone = rand_addr(r), rand_phone(r)
        size = size or r.choices([1, 2, 3, 4, 5], weights=[28, 34, 16, 15, 7])[0]
        a1sex = r.choice("MF")
        a1 = self.new_person(last, rand_first(r, a1sex), a1sex, rand_dob(r, *adult_age), addr, phone,
                             r.random() < patient_p)
        hh = [a1]
        if size >= 2:
            a2sex = "F" if a1sex == "M" else "M"
            if r.random() < 0.08:
                a2sex = a1sex
            age1 = (START - dt.date.fromisoformat(a1.dob)).days / 365.25
            l2 = last if r.random() < 0.75 else rand_last(r)
            a2 = self.new_person(l2, rand_first(r, a2sex), a2sex,
                                 rand_dob(r, max(19, age1 - 6), min(95, age1 + 6)), addr,
                                 rand_phone(r) if r.random() < 0.6 else phone, r.random() < patient_p)
            hh.append(a2)
        age1 = (START - dt.date.fromisoformat(a1.dob)).days / 365.25
        for _ in range(size - 2):
            if age1 < 24:
                break
            ks = r.choice("MF")
            kl = last if r.random() < 0.85 else (last + "-" + rand_last(r) if r.random() < 0.5 else hh[-1].last)
            kid = self.new_person(kl, rand_first(r, ks), ks,
                                  rand_dob(r, 0.2, min(26, age1 - 19)), addr, phone, r.random() < patient_p)
            if r.random() < 0.05:
                kid.last = kid.last + " " + "JR" if " " not in kid.last else kid.last
            hh.append(kid)
        for p in hh:
            p.household = hh
        return hh


def build_people(seed, n, days, emps):
    """Returns World with mpi, patients list, staff persons and relations."""
    W = World()
    mpi = MPI(seed, n, days)
    r = rng(seed, n, days, "people")
    W.mpi = mpi
    # staff households first (staff mostly live in the county, many are patients)
    for e in emps:
        rr = rng(seed, n, days, "staffperson", e.eid)
        is_pat = rr.random() < 0.72
        age = {"resident": (26, 34), "director": (44, 63)}.get(e.role, (22, 64))
        size = rr.choices([1, 2, 3, 4, 5], weights=[25, 30, 18, 18, 9])[0]
        hh = mpi.household(rr, size=size, adult_age=age, patient_p=0.85 if is_pat else 0.5)
        p = hh[0]
        if not is_pat and p.mrn:
            del mpi.by_mrn[p.mrn]
            p.mrn = ""
        if is_pat and not p.mrn:
            mpi.next_mrn += 7
            p.mrn = "%08d" % mpi.next_mrn
            mpi.by_mrn[p.mrn] = p
        p.emp = e
        if not p.plate:
            p.plate = rand_plate(rr)
        e.person = p
        # HR has the employee's MRN only when employee health linked it
        e.habits["hr_has_mrn"] = bool(p.mrn) and rr.random() < 0.85
    # the rest of the county
    n_hh = int(n * 22 + 700)
    for _ in range(n_hh):
        mpi.household(r)
    W.patients = [p for p in mpi.people if p.mrn]
    W.adults = [p for p in W.patients if p.dob < "2006-01-01"]
    W.children = [p for p in W.patients if p.dob >= "2008-01-01"]
    # namesakes: patients who share first+last name with a staff member
    for e in emps:
        rr = rng(seed, n, days, "namesake", e.eid)
        if rr.random() < 0.14:
            sp = e.person
            hh = mpi.household(rr, size=1)
            q = hh[0]
            q.last, q.first, q.sex = sp.last, sp.first, sp.sex
            q.tags.add("namesake_of:" + e.eid)
    W.patients = [p for p in mpi.people if p.mrn]
    W.adults = [p for p in W.patients if p.dob < "2006-01-01"]
    W.test_patients = []
    for i, (l, f) in enumerate([("ZZTEST", "PATIENT"), ("ZZTEST", "INTERFACE"), ("ZZZTRAINING", "ADULT")]):
        q = mpi.new_person(l, f, "F", "1950-01-01", rand_addr(r), "608-555-0100")
        q.tags.add("test")
        W.test_patients.append(q)
    return W


def build_watchlist(seed, n, days, W):
    r = rng(seed, n, days, "watchlist")
    W.vips = []
    for cat, desc in VIP_ROLES:
        hh = W.mpi.household(r, size=r.choice([1, 2, 3]), adult_age=(35, 72))
        p = hh[0]
        p.tags.add("vip")
        W.vips.append((p, cat, desc))
    # the patient who will be in the news after the crash (added on arrival)
    hh = W.mpi.household(r, size=3, adult_age=(40, 50))
    news = [q for q in hh if q.dob > "2006-06-01"] or hh
    W.news_patient = news[-1]
    W.news_patient.tags.add("news")
    W.vips.append((W.news_patient, "news", "teen injured in school-bus crash, on local TV"))
    W.patients = [p for p in W.mpi.people if p.mrn]
    W.adults = [p for p in W.patients if p.dob < "2006-01-01"]


REL_SOURCES = {
    "spouse": "benefits_enrollment", "partner": "hr_emergency_contact",
    "family": "benefits_enrollment", "ex_partner": "privacy_office_case_file",
    "protected_party": "court_order_on_file", "neighbor": "address_proximity",
    "associate": "coi_disclosure",
}


def build_associations(seed, n, days, emps, W):
    """Rows: dict(eid, relation, person, fields kept, valid_from, valid_to, source)."""
    rows = []
    scale = max(1.0, (n * days / 1120) ** 0.6)
    need = {"ex_partner": int(3 * scale) + 2, "protected_party": int(1.5 * scale) + 1,
            "neighbor": int(2 * scale) + 2, "associate": int(2 * scale) + 2,
            "partner": int(1.5 * scale) + 1}
    got = {k: 0 for k in need}
    mpi = W.mpi
    eligible = [e for e in emps]
    for e in eligible:
        rr = rng(seed, n, days, "assoc", e.eid)
        p = e.person
        for q in p.household[1:]:
            age = (START - dt.date.fromisoformat(q.dob)).days / 365.25
            if age > 19 and q is p.household[1]:
                rel = "spouse" if (q.last == p.last or rr.random() < 0.5) else "partner"
            else:
                rel = "family"
            src = REL_SOURCES[rel] if rr.random() < 0.8 else "hr_emergency_contact"
            rows.append(dict(eid=e.eid, relation=rel, person=q, src=src,
                             keep=("pid", "name", "dob", "addr", "phone") if src == "benefits_enrollment"
                             else ("name", "phone"), vf="", vt=""))
            if rel == "partner":
                got["partner"] += 1
        if rr.random() < 0.6:      # parent / sibling emergency contact, usually not a patient here
            hh = mpi.household(rr, size=1, last=p.last if rr.random() < 0.7 else None,
                               adult_age=(45, 88), patient_p=0.45)
            rows.append(dict(eid=e.eid, relation="family", person=hh[0], src="hr_emergency_contact",
                             keep=("name", "phone"), vf="", vt=""))
    order = list(eligible)
    rng(seed, n, days, "assoc-order").shuffle(order)
    for i, e in enumerate(order):
        rr = rng(seed, n, days, "assoc2", e.eid)
        p = e.person
        if got["ex_partner"] < need["ex_partner"] and (i % 9 == 0 or rr.random() < 0.03):
            sex = "F" if p.sex == "M" else "M"
            hh = mpi.household(rr, size=rr.choice([1, 1, 2, 3]), adult_age=(24, 55))
            q = hh[0]
            q.sex, q.first = sex, rand_first(rr, sex)
            vf = (START - dt.timedelta(days=rr.randint(60, 900))).isoformat()
            rows.append(dict(eid=e.eid, relation="ex_partner", person=q, src=REL_SOURCES["ex_partner"],
                             keep=("pid", "name", "dob") if rr.random() < 0.6 else ("name", "dob", "addr"),
                             vf=vf, vt=""))
            got["ex_partner"] += 1
        elif got["protected_party"] < need["protected_party"] and i % 13 == 5:
            hh = mpi.household(rr, size=rr.choice([1, 2]), adult_age=(22, 50))
            vf = (START - dt.timedelta(days=rr.randint(30, 400))).isoformat()
            vt = (START + dt.timedelta(days=rr.randint(200, 700))).isoformat()
            rows.append(dict(eid=e.eid, relation="protected_party", person=hh[0], src=REL_SOURCES["protected_party"],
                             keep=("pid", "name", "dob", "addr"), vf=vf, vt=vt))
            got["protected_party"] += 1
        if got["neighbor"] < need["neighbor"] and (i % 6 == 2 or rr.random() < 0.08):
            hh = mpi.household(rr, size=rr.choice([1, 2, 3]))
            q = hh[0]
            for m in hh:
                m.addr = dict(p.addr, num=str(int(p.addr["num"]) + rr.choice([-4, -2, 2, 4, 6])), apt="")
            rows.append(dict(eid=e.eid, relation="neighbor", person=q, src=REL_SOURCES["neighbor"],
                             keep=("pid", "name", "addr"), vf="", vt=""))
            got["neighbor"] += 1
        rev = e.role in ("billing", "registrar", "front_desk", "coder")
        if got["associate"] < need["associate"] and (rev and rr.random() < 0.6 or i % 11 == 3):
            hh = mpi.household(rr, size=1, adult_age=(25, 70))
            rows.append(dict(eid=e.eid, relation="associate", person=hh[0], src=REL_SOURCES["associate"],
                             keep=("name", "dob") if rr.random() < 0.5 else ("pid", "name"), vf=(
                                 START - dt.timedelta(days=rr.randint(100, 1500))).isoformat(), vt=""))
            got["associate"] += 1
        if got["partner"] < need["partner"] and i % 11 == 4 and len(p.household) == 1:
            sex = "F" if p.sex == "M" else "M"
            hh = mpi.household(rr, size=1, adult_age=(24, 55))
            hh[0].sex, hh[0].first = sex, rand_first(rr, sex)
            rows.append(dict(eid=e.eid, relation="partner", person=hh[0], src="hr_emergency_contact",
                             keep=("name", "phone"), vf=(START - dt.timedelta(days=rr.randint(20, 300))).isoformat(),
                             vt=""))
            got["partner"] += 1
    # a former neighbour (moved away before the window): valid_to in the past
    W.assoc_rows = rows
    W.assoc_by_eid = {}
    for a in rows:
        W.assoc_by_eid.setdefault(a["eid"], []).append(a)
    W.patients = [p for p in mpi.people if p.mrn]
    W.adults = [p for p in W.patients if p.dob < "2006-01-01"]
    W.children = [p for p in W.patients if p.dob >= "2008-01-01"]
    return rows


def set_statuses(seed, n, days, emps):
    """One or two leaves, terminated accounts (one before the window, one during)."""
    r = rng(seed, n, days, "status")
    cand = [e for e in emps if e.role in ("rn_ward", "registrar", "clinic_ma", "billing", "lab_tech",
                                         "front_desk", "rn_ed") and not e.lead]
    r.shuffle(cand)
    n_leave = 1 + n // 150
    n_term = max(2, round(2 * n / 80))
    out = {"leave": [], "terminated": []}
    for e in cand[:n_leave]:
        e.status = "leave"
        e.leave_from = -r.randint(10, 40)
        e.sched = {}
        out["leave"].append(e)
    for j, e in enumerate(cand[n_leave:n_leave + n_term]):
        e.status = "terminated"
        if j % 2 == 0:
            end = -r.randint(5, 45)
        else:
            end = r.randint(2, max(3, days // 2))
        e.end_date = (START + dt.timedelta(days=end)).isoformat()
        e.sched = {d: s for d, s in e.sched.items() if d < end}
        out["terminated"].append((e, end))
    return out


def assign_logins(seed, n, days, emps):
    """Primary login = first initial + surname (letters only, 8 chars) + a number
    on collision.  IT has an adm_ login; the quality lead a reporting login."""
    used = set()
    for e in emps:
        p = e.person
        base = (p.first[0] + "".join(ch for ch in p.last if ch.isalpha()))[:8].lower()
        u, k = base, 1
        while u in used:
            k += 1
            u = f"{base}{k}"
        used.add(u)
        e.logins = [u]
        if e.role == "it_analyst":
            e.logins.append("adm_" + u)
        if e.role == "quality" and e.lead:
            e.logins.append(u + "_rpt")
    return used


SERVICE_ACCOUNTS = [
    ("svc_hl7_adt", "SVC-HL7ADT", "HL7 ADT interface engine"),
    ("svc_claims_batch", "SVC-CLAIMS", "nightly claims batch"),
    ("svc_rpt_sched", "SVC-RPTSCH", "report scheduler"),
]
