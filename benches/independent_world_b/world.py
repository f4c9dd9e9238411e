"""The static agency: people, staff, logins, associations, watchlist, clients,
schedules and the cases that already exist when the logs begin.

Everything here comes from the base random stream only, so a world built with
and without injected misconduct is the same agency.
"""
import datetime as dt
import math
import random

import habits as H
from clock import Clock

PITMAN = [1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0]

SITES = {
    # site: (lat, lon)
    "HQ": (38.41217, -92.73154),
    "ECC": (38.41251, -92.73090),            # 911 centre, in the HQ building
    "JAIL": (38.41590, -92.73422),
    "COURTHOUSE": (38.40380, -92.72010),
    "NORTH SUBSTATION": (38.75420, -92.69880),
    "SOUTH SUBSTATION": (38.10130, -92.77650),
    "TASK FORCE OFFICE": (38.43300, -92.01940),
}


def km(a, b):
    (la1, lo1), (la2, lo2) = a, b
    p = math.pi / 180
    x = (lo2 - lo1) * p * math.cos((la1 + la2) * p / 2)
    y = (la2 - la1) * p
    return 6371 * math.hypot(x, y)


class Person:
    __slots__ = ("idx", "pid", "last", "first", "middle", "suffix", "sex", "dob", "addr",
                 "phone", "plate", "pstate", "w", "tag")

    def name_ref(self):
        return self.last + (" " + self.suffix if self.suffix else "")


class Employee:
    __slots__ = ("eid", "role", "unit", "site", "person", "sup", "logins", "status", "end_day",
                 "start_day", "team", "habit", "mdt", "desks", "shifts", "hr_last", "hr_first",
                 "hr_plate", "pid_known", "assoc", "idx", "evening_ops")


class Login:
    __slots__ = ("name", "emp", "kind")

    def __init__(self, name, emp, kind):
        self.name, self.emp, self.kind = name, emp, kind


class Assoc:
    __slots__ = ("emp", "relation", "person", "row", "valid_from", "valid_to", "coresident", "fields")


class Case:
    __slots__ = ("cid", "kind", "status", "opened", "closed", "unit", "arows", "assign", "subjects",
                 "srows", "subjset", "extra")

    def __init__(self, cid, kind, opened, unit):
        self.cid, self.kind, self.opened, self.unit = cid, kind, opened, unit
        self.status, self.closed = "open", None
        self.arows = []          # (value, from_day, to_day) value = login or employee id
        self.assign = {}         # employee id -> list of (from_day, to_day)
        self.subjects = []       # person objects
        self.srows = {}          # person idx -> fields present mask
        self.subjset = set()
        self.extra = None

    def add_assign(self, emp, value, frm, to):
        self.arows.append((value, frm, to))
        self.assign.setdefault(emp.eid, []).append((frm, to))

    def add_subject(self, p, mask):
        if p.idx in self.subjset:
            return
        self.subjects.append(p)
        self.srows[p.idx] = mask
        self.subjset.add(p.idx)

    def assigned(self, emp, day):
        for f, t in self.assign.get(emp.eid, ()):
            if f <= day and (t is None or day <= t):
                return True
        return False


# fields present in a reference row
F_PID, F_NAME, F_DOB, F_ADDR, F_PHONE, F_PLATE = 1, 2, 4, 8, 16, 32

ROLE_PLAN = [
    # role, share, minimum
    ("patrol", 0.29, 8), ("patrol_sgt", 0.05, 4), ("jail", 0.19, 6), ("jail_sgt", 0.025, 2),
    ("dispatch", 0.11, 4), ("court", 0.065, 3), ("civil", 0.04, 2), ("cid", 0.065, 3),
    ("tf", 0.04, 2), ("records", 0.055, 3), ("reserve", 0.03, 2), ("admin", 0.03, 3),
]
SWORN = {"patrol", "patrol_sgt", "jail", "jail_sgt", "court", "civil", "cid", "tf", "reserve", "admin"}


class World:
    def __init__(self, seed, users, days, start=None):
        self.seed, self.users, self.days = seed, users, days
        self.rng = random.Random(f"hcso-b|{seed}|base")
        if start is None:
            start = self.pick_start(seed)
        self.clock = Clock(start, days)
        self.year = start.year
        self.people = []
        self.used_phones, self.used_plates, self.used_buildings = set(), set(), set()
        self.used_pids = set()
        self.cases = {}
        self.rms_seq = {}
        self.build()

    @staticmethod
    def pick_start(seed):
        """A Monday a few days before a daylight-saving change."""
        year = 2023 + (seed // 2) % 3
        if seed % 2:
            switch = H_nth_sunday(year, 11, 1)
        else:
            switch = H_nth_sunday(year, 3, 2)
        back = 6 + 7 * ((seed // 6) % 2)
        d = switch - dt.timedelta(days=back)
        return d - dt.timedelta(days=d.weekday())

    # ------------------------------------------------------------ people
    def new_pid(self):
        r = self.rng
        while True:
            p = f"M{r.randrange(100000, 9999999):07d}"
            if p not in self.used_pids:
                self.used_pids.add(p)
                return p

    def new_phone(self):
        r = self.rng
        while True:
            a = r.randrange(2, 10) * 100 + r.randrange(0, 10) * 10 + r.randrange(0, 10)
            if a % 100 == 11 or (a // 10) % 10 == 9:
                continue
            ph = f"{a}55501{r.randrange(100):02d}"
            if ph not in self.used_phones:
                self.used_phones.add(ph)
                return ph

    def new_plate(self):
        r = self.rng
        L = "ABCDEFGHJKLMNPRSTUVWXYZ"
        while True:
            if r.random() < 0.7:
                p = "".join(r.choice(L) for _ in range(3)) + f"{r.randrange(10000):04d}"
            else:
                p = f"{r.randrange(100, 1000)}" + "".join(r.choice(L) for _ in range(3))
            if p not in self.used_plates:
                self.used_plates.add(p)
                return p

    def new_address(self, shared_ok=True, single=False):
        r = self.rng
        city = r.choices(H.CITIES, H.CITY_W)[0]
        for _ in range(1000):
            u = r.random()
            if single and u < 0.2 or (not single and u < 0.14):
                k = r.random()
                if k < 0.55:
                    a = H.Address("cr", r.randrange(100, 29999), None, None, None, None, city, r.randrange(100, 999))
                elif k < 0.8:
                    a = H.Address("rr", r.randrange(1, 7), None, None, None, None, city, r.randrange(1, 250))
                else:
                    a = H.Address("hwy", r.randrange(100, 19999), None, None, None, None, city, r.choice(H.STATE_HWYS))
            else:
                if r.random() < 0.15:
                    name = r.choice(list(H.ORDINALS))
                else:
                    name = r.choice(H.STREET_NAMES)
                stype = r.choices([s for s, _ in H.STYPE_W], [w for _, w in H.STYPE_W])[0]
                pre = r.choice(["N", "S", "E", "W"]) if r.random() < 0.3 else None
                a = H.Address("st", r.randrange(100, 9999), pre, name, stype, None, city)
            key = a.building_key()
            if key in self.used_buildings:
                continue
            self.used_buildings.add(key)
            return a
        raise RuntimeError("address space exhausted")

    def make_person(self, last=None, first=None, sex=None, age=(18, 80), addr=None, pid=True,
                    plate=0.55, phone=0.55):
        r = self.rng
        p = Person()
        p.idx = len(self.people)
        self.people.append(p)
        p.sex = sex or r.choice("MF")
        if first is None:
            first = r.choice(H.FIRST_M if p.sex == "M" else H.FIRST_F)
        if last is None:
            u = r.random()
            if u < 0.06:
                last = r.choice(r.choice(H.LAST_SPECIAL))
            elif u < 0.09:
                a, b = r.sample(H.LAST_PLAIN, 2)
                last = a + "-" + b
            else:
                last = r.choice(H.LAST_PLAIN)
        p.first, p.last = first, last
        p.middle = r.choice(H.FIRST_M if p.sex == "M" else H.FIRST_F) if r.random() < 0.8 else ""
        p.suffix = r.choice(H.SUFFIXES) if (p.sex == "M" and r.random() < 0.04) else ""
        ref = self.clock.start
        yrs = r.uniform(*age)
        p.dob = ref - dt.timedelta(days=int(yrs * 365.25))
        p.addr = addr if addr is not None else self.new_address()
        p.phone = self.new_phone() if r.random() < phone else ""
        if r.random() < plate:
            p.plate = self.new_plate()
            p.pstate = "MO" if r.random() < 0.8 else r.choice(H.PLATE_STATES)
        else:
            p.plate, p.pstate = "", ""
        p.pid = self.new_pid() if (pid is True or (pid and r.random() < pid)) else ""
        p.w = 1.0
        p.tag = 0
        return p

    # ------------------------------------------------------------- build
    def build(self):
        r = self.rng
        self.build_clients()
        self.build_staff()
        self.build_population()
        self.build_associations()
        self.build_watchlist()
        self.build_namesakes()
        self.build_pools()
        self.build_schedules()
        self.build_old_cases()

    def build_clients(self):
        r = self.rng
        self.clients = {}           # name -> (site, lat, lon) lat None for mobile
        self.client_ip = {}
        nsub = 0

        def add(name, site, ipbase):
            nonlocal nsub
            if site in SITES:
                la, lo = SITES[site]
                la += r.uniform(-0.0004, 0.0004)
                lo += r.uniform(-0.0004, 0.0004)
                self.clients[name] = (site, round(la, 5), round(lo, 5))
                self.client_ip[name] = f"10.{ipbase}.{r.randrange(1, 30)}.{r.randrange(10, 250)}"
            else:
                self.clients[name] = (site, None, None)
                self.client_ip[name] = None
        self._addclient = add
        u = self.users
        for i in range(1, 6 + u // 10):
            add(f"HQ-WS-{i:03d}", "HQ", 20)
        for i in range(1, 3 + u // 25):
            add(f"HQ-RPT-{i:02d}", "HQ", 20)
        for i in range(1, 3 + u // 18):
            add(f"ECC-POS-{i:02d}", "ECC", 21)
        for i in range(1, 3 + u // 30):
            add(f"JAIL-BOOK-{i:02d}", "JAIL", 30)
        for i in range(1, 2 + u // 40):
            add(f"JAIL-CTRL-{i:02d}", "JAIL", 30)
        add("JAIL-VIS-01", "JAIL", 30)
        for i in range(1, 3 + u // 50):
            add(f"CTH-SCR-{i:02d}", "COURTHOUSE", 40)
        for i in range(1, 3 + u // 40):
            add(f"NSS-WS-{i:02d}", "NORTH SUBSTATION", 50)
        for i in range(1, 3 + u // 40):
            add(f"SSS-WS-{i:02d}", "SOUTH SUBSTATION", 51)
        for i in range(1, 3 + u // 40):
            add(f"NTF-WS-{i:02d}", "TASK FORCE OFFICE", 60)

    def desks_at(self, site, prefix=None):
        return [c for c, v in self.clients.items() if v[0] == site and (prefix is None or c.startswith(prefix))]

    def build_staff(self):
        r = self.rng
        n_emp = max(30, round(self.users / 1.055))
        counts = {}
        for role, share, mn in ROLE_PLAN:
            counts[role] = max(mn, round(n_emp * share))
        # fit to n_emp by adjusting patrol / jail
        diff = n_emp - sum(counts.values())
        counts["patrol"] += diff // 2 + diff % 2
        counts["jail"] += diff // 2
        self.emps = []
        used_ids = set()
        for role, _, _ in ROLE_PLAN:
            for i in range(counts[role]):
                e = Employee()
                e.idx = len(self.emps)
                while True:
                    eid = f"HC{r.randrange(10000, 99999)}"
                    if eid not in used_ids:
                        used_ids.add(eid)
                        break
                e.eid, e.role = eid, role
                e.status, e.end_day, e.start_day = "active", None, 0
                e.team = ""
                e.assoc = []
                e.evening_ops = set()
                self.emps.append(e)
        # teams / units / sites
        byrole = {}
        for e in self.emps:
            byrole.setdefault(e.role, []).append(e)
        self.byrole = byrole
        for i, e in enumerate(byrole["patrol"]):
            e.team = "ABCD"[i % 4]
        for i, e in enumerate(byrole["patrol_sgt"]):
            e.team = "ABCD"[i % 4]
        for i, e in enumerate(byrole["jail"]):
            e.team = "1234"[i % 4]
        for i, e in enumerate(byrole["jail_sgt"]):
            e.team = ["1", "3", "2", "4"][i % 4]
        for i, e in enumerate(byrole["dispatch"]):
            e.team = "1234"[i % 4]
        unit_of = {"court": "COURT SECURITY", "civil": "CIVIL PROCESS", "cid": "CRIMINAL INVESTIGATIONS",
                   "tf": "NARCOTICS TASK FORCE", "records": "RECORDS AND WARRANTS", "reserve": "RESERVE",
                   "admin": "ADMINISTRATION", "dispatch": "COMMUNICATIONS"}
        site_of = {"court": "COURTHOUSE", "civil": "HQ", "cid": "HQ", "tf": "TASK FORCE OFFICE",
                   "records": "HQ", "reserve": "HQ", "admin": "HQ", "dispatch": "ECC",
                   "jail": "JAIL", "jail_sgt": "JAIL"}
        for e in self.emps:
            if e.role in ("patrol", "patrol_sgt"):
                e.unit = f"PATROL {e.team}"
                e.site = r.choice(["NORTH SUBSTATION", "SOUTH SUBSTATION", "HQ", "HQ"])
            elif e.role in ("jail", "jail_sgt"):
                e.unit = f"DETENTION {e.team}"
                e.site = "JAIL"
            else:
                e.unit = unit_of[e.role]
                e.site = site_of[e.role]
        # people for staff
        for e in self.emps:
            age = (22, 62)
            p = self.make_person(age=age, addr=self.new_address(single=True), pid=True, plate=0.92, phone=0.97)
            e.person = p
            p.tag = 1
            e.pid_known = r.random() < 0.8
            e.hr_last = H.title(p.last) if r.random() < 0.8 else p.last
            if p.suffix and r.random() < 0.6:
                e.hr_last += " " + (p.suffix.capitalize() + "." if p.suffix in ("JR", "SR") else p.suffix)
            e.hr_first = H.title(p.first)
            e.hr_plate = p.plate if p.plate else ""
        # supervisors
        adm = byrole["admin"]
        sheriff, chief = adm[0], adm[1]
        lts = adm[2:] or [chief]
        sheriff.sup = ""
        chief.sup = sheriff.eid
        for e in lts:
            e.sup = chief.eid
        sg = {s.team: s for s in byrole["patrol_sgt"]}
        for e in byrole["patrol_sgt"]:
            e.sup = lts[0].eid
        for e in byrole["patrol"]:
            e.sup = sg[e.team].eid
        jsg = byrole["jail_sgt"]
        for e in jsg:
            e.sup = lts[-1].eid
        for e in byrole["jail"]:
            day = e.team in "12"
            cands = [s for s in jsg if (s.team in "12") == day] or jsg
            e.sup = cands[e.idx % len(cands)].eid
        for role in ("dispatch", "court", "civil", "cid", "tf", "records"):
            lst = byrole[role]
            head = lst[0]
            head.sup = lts[-1].eid if role != "tf" else chief.eid
            for e in lst[1:]:
                e.sup = head.eid
        for e in byrole["reserve"]:
            e.sup = byrole["patrol_sgt"][0].eid
        # logins
        self.logins = {}
        names = set()
        for e in self.emps:
            base = (e.person.first[0] + "".join(c for c in e.person.last if c.isalpha())).lower()[:12]
            nm, k = base, 2
            while nm in names:
                nm = f"{base}{k}"
                k += 1
            names.add(nm)
            e.logins = [Login(nm, e, "primary")]
            self.logins[nm] = e.logins[0]
        # second logins for some staff: a state-switch terminal login
        extra = self.users - len(self.emps)
        sworn = [e for e in self.emps if e.role in ("patrol", "patrol_sgt", "cid", "tf", "court", "civil")]
        r.shuffle(sworn)
        for e in sworn[:max(0, extra)]:
            nm = f"so{r.randrange(1000, 9999)}"
            while nm in names:
                nm = f"so{r.randrange(1000, 9999)}"
            names.add(nm)
            lg = Login(nm, e, "switch")
            e.logins.append(lg)
            self.logins[nm] = lg
        # status: newcomers, leave, terminated
        u = self.users
        ordinary = [e for e in self.emps if e.role in ("patrol", "jail", "dispatch", "court", "records", "civil", "cid")]
        r.shuffle(ordinary)
        n_new = max(2, round(u * 0.035))
        n_leave = max(1, round(u * 0.015))
        n_term = max(1, round(u * 0.015))
        n_gone = max(1, round(u * 0.012))
        D = self.days
        it = iter(ordinary)
        for _ in range(n_new):
            e = next(it)
            e.start_day = r.randrange(1, max(2, D - 3))
        for _ in range(n_leave):
            e = next(it)
            e.status, e.end_day = "leave", r.randrange(2, max(3, D - 3))
        for _ in range(n_term):
            e = next(it)
            e.status, e.end_day = "terminated", r.randrange(2, max(3, D - 3))
        for _ in range(n_gone):
            e = next(it)
            e.status, e.end_day = "terminated", -r.randrange(5, 200)
        # habits
        for e in self.emps:
            e.habit = {
                "case": r.randrange(9),
                "case_case": r.choice((0, 0, 0, 2)),
                "name_case": r.choice((0, 0, 0, 1, 2)),
                "name_fmt": r.randrange(4),
                "typo": r.choice((0.0, 0.01, 0.02, 0.04)),
                "dob": r.randrange(6),
                "nick": r.choice((0.02, 0.08, 0.15)),
                "addr_case": r.choice((0, 1, 2)),
                "placeholder": r.choice(["", "N/A", "NA", "none", "-", "0", "PENDING", None]),
            }
        # clients
        mdt_no = r.randrange(1100, 1400)
        for e in self.emps:
            e.mdt = None
            if e.role in ("patrol", "patrol_sgt", "reserve", "civil", "tf"):
                mdt_no += r.randrange(1, 4)
                nm = (f"MDT-{mdt_no}" if e.role != "civil" else f"CVL-LT-{mdt_no % 100:02d}")
                self._addclient(nm, "MOBILE", 0)
                e.mdt = nm
            if e.role in ("patrol", "patrol_sgt", "reserve"):
                if e.site == "NORTH SUBSTATION":
                    e.desks = self.desks_at("NORTH SUBSTATION")
                elif e.site == "SOUTH SUBSTATION":
                    e.desks = self.desks_at("SOUTH SUBSTATION")
                else:
                    e.desks = self.desks_at("HQ", "HQ-RPT")
            elif e.role in ("jail", "jail_sgt"):
                e.desks = self.desks_at("JAIL", "JAIL-BOOK") + self.desks_at("JAIL", "JAIL-CTRL")
            elif e.role == "dispatch":
                e.desks = self.desks_at("ECC")
            elif e.role == "court":
                e.desks = self.desks_at("COURTHOUSE")
            elif e.role == "tf":
                e.desks = self.desks_at("TASK FORCE OFFICE")
            else:
                ws = self.desks_at("HQ", "HQ-WS")
                e.desks = [ws[e.idx % len(ws)], ws[(e.idx * 7 + 3) % len(ws)]]

    def build_population(self):
        r = self.rng
        n = max(6000, 130 * self.users)
        # apartment buildings: a fraction of the population share buildings
        buildings = []
        for i in range(n // 40):
            a = self.new_address()
            if a.kind != "st":
                continue
            buildings.append([a, 0, r.randrange(4, 24)])
        for i in range(n):
            addr = None
            if buildings and r.random() < 0.22:
                b = r.choice(buildings)
                if b[1] < b[2]:
                    b[1] += 1
                    base = b[0]
                    unit = (r.choice(["APT", "APT", "APT", "UNIT", "LOT"]),
                            f"{r.randrange(1, 4)}{'ABCDEFGH'[b[1] % 8]}" if r.random() < 0.6 else str(b[1] * 2 + 1))
                    addr = H.Address(base.kind, base.num, base.predir, base.name, base.stype, unit, base.city)
            p = self.make_person(addr=addr, pid=0.87)
            # frequent flyers
            u = r.random()
            p.w = 8.0 if u < 0.02 else (3.0 if u < 0.10 else 1.0)

    def build_associations(self):
        r = self.rng
        start = self.clock.start
        self.assoc_rows = []
        self.assoc_of = {}              # person idx -> list of Assoc
        srcs = {"spouse": "HR_EMERGENCY_CONTACT", "partner": "HR_EMERGENCY_CONTACT",
                "family": "HR_EMERGENCY_CONTACT", "ex_partner": "IA_DISCLOSURE",
                "neighbor": "BACKGROUND_INVESTIGATION", "associate": "SECONDARY_EMPLOYMENT",
                "protected_party": "PROTECTIVE_ORDER", "roommate": "HR_EMERGENCY_CONTACT"}
        for e in self.emps:
            me = e.person
            rels = []
            u = r.random()
            if u < 0.55:
                rels.append(("spouse", r.random() < 0.92))
            elif u < 0.72:
                rels.append(("partner", r.random() < 0.7))
            elif u < 0.77:
                rels.append(("roommate", True))
            for _ in range(r.choice((1, 1, 2, 2, 3))):
                rels.append(("family", r.random() < 0.2))
            if r.random() < 0.33:
                rels.append(("ex_partner", False))
            if r.random() < 0.45:
                rels.append(("neighbor", False))
            if r.random() < 0.22:
                rels.append(("associate", False))
            if r.random() < 0.05:
                rels.append(("protected_party", False))
            if r.random() < 0.06:
                rels.append(("neighbor_old", False))
            for rel, cores in rels:
                sex = None
                last = None
                if rel in ("spouse", "partner", "ex_partner"):
                    sex = "F" if me.sex == "M" else "M"
                    if rel == "spouse" and r.random() < 0.75:
                        last = me.last
                if rel == "family" and r.random() < 0.6:
                    last = me.last
                if cores:
                    addr = me.addr
                elif rel.startswith("neighbor") and me.addr.kind in ("st", "cr", "hwy"):
                    a = me.addr
                    addr = None
                    for _ in range(50):
                        n2 = a.num + r.choice((-1, 1)) * r.randrange(2, 14) * 2
                        if n2 <= 0:
                            continue
                        cand = H.Address(a.kind, n2, a.predir, a.name, a.stype, None, a.city, a.road)
                        if cand.building_key() not in self.used_buildings:
                            self.used_buildings.add(cand.building_key())
                            addr = cand
                            break
                    if addr is None:
                        addr = self.new_address(single=True)
                else:
                    addr = self.new_address(single=True)
                p = self.make_person(last=last, sex=sex, addr=addr, pid=0.8,
                                     age=(16, 75) if rel == "family" else (20, 65))
                p.tag = 2
                a = Assoc()
                a.emp, a.person, a.coresident = e, p, cores
                a.relation = "neighbor" if rel == "neighbor_old" else rel
                a.valid_from = start - dt.timedelta(days=r.randrange(60, 4000))
                a.valid_to = None
                if rel == "neighbor_old":
                    a.valid_to = start - dt.timedelta(days=r.randrange(30, 700))
                if rel == "ex_partner":
                    a.valid_from = start - dt.timedelta(days=r.randrange(20, 1500))
                if rel == "protected_party":
                    a.valid_from = start - dt.timedelta(days=r.randrange(10, 300))
                    a.valid_to = start + dt.timedelta(days=r.randrange(120, 700))
                # which fields the disclosure carried
                m = F_NAME
                if p.pid and r.random() < 0.72:
                    m |= F_PID
                if r.random() < 0.7 or rel in ("protected_party", "spouse"):
                    m |= F_DOB
                if r.random() < 0.82:
                    m |= F_ADDR
                if p.phone and r.random() < 0.55:
                    m |= F_PHONE
                if p.plate and r.random() < 0.45:
                    m |= F_PLATE
                a.fields = m
                a.row = self.assoc_row(a, srcs[a.relation])
                e.assoc.append(a)
                self.assoc_rows.append(a.row)
                self.assoc_of.setdefault(p.idx, []).append(a)

    def assoc_row(self, a, source):
        r = self.rng
        p, m = a.person, a.fields
        style = r.randrange(3)
        last = p.last if style == 0 else H.title(p.last)
        first = p.first if style == 0 else H.title(p.first)
        if style == 2 and H.NICK.get(p.first) and r.random() < 0.3:
            first = H.title(H.NICK[p.first][0])
        if m & F_ADDR:
            if a.coresident and r.random() < 0.5:
                addr = p.addr.hr()
            else:
                addr = [p.addr.rms(), p.addr.hr(), H.typed_address(p.addr, r, case=1, city_rate=0.5, unit_rate=1.0)][style]
        else:
            addr = ""
        return {
            "employee_id": a.emp.eid, "relation": a.relation,
            "person_id": p.pid if m & F_PID else "", "last_name": last, "first_name": first,
            "dob": p.dob.isoformat() if m & F_DOB else "",
            "address": addr,
            "phone": H.phone_fmt(p.phone, r.choice((0, 1, 2))) if m & F_PHONE else "",
            "plate": (p.plate if r.random() < 0.6 else f"{p.pstate} {p.plate}") if m & F_PLATE else "",
            "valid_from": a.valid_from.isoformat(),
            "valid_to": a.valid_to.isoformat() if a.valid_to else "",
            "source": source,
        }

    def build_watchlist(self):
        r = self.rng
        self.watch = []
        self.watch_of = {}
        n = 14 + self.users // 16
        cats = ["elected_official"] * 4 + ["judge"] * 2 + ["journalist"] * 2 + ["celebrity"] * 2 + ["athlete"]
        for i in range(n):
            p = self.make_person(pid=True, age=(28, 75), addr=self.new_address(single=True), plate=0.8)
            p.tag = 3
            cat = cats[i % len(cats)] if i < len(cats) else r.choice(cats)
            row = {"person_id": p.pid if r.random() < 0.94 else "", "last_name": p.last,
                   "first_name": p.first, "dob": p.dob.isoformat(), "category": cat}
            self.watch.append((p, cat, row))
            self.watch_of[p.idx] = (cat, row)

    def build_namesakes(self):
        r = self.rng
        self.namesakes = []
        targets = [(e.person, 0.35) for e in self.emps] + \
                  [(a.person, 0.15) for e in self.emps for a in e.assoc] + \
                  [(w[0], 0.4) for w in self.watch]
        for p, pr in targets:
            if r.random() < pr:
                q = self.make_person(last=p.last, first=p.first, sex=p.sex, pid=0.9)
                if r.random() < 0.3:
                    q.middle = p.middle
                q.w = 3.0
                self.namesakes.append(q)

    def build_pools(self):
        r = self.rng
        self.emp_of_person = {e.person.idx: e for e in self.emps}
        pool, injonly = [], []
        for p in self.people:
            if p.tag == 1 or p.tag == 3:
                continue
            if p.tag == 2:
                lst = self.assoc_of.get(p.idx, [])
                if any(a.coresident or a.valid_to for a in lst):
                    continue
                if r.random() < 0.5:
                    pool.append(p)
                    p.w = 0.6
                continue
            if r.random() < 0.035:
                injonly.append(p)
                p.tag = 4
            else:
                pool.append(p)
        self.pool = pool
        self.pool_w = []
        acc = 0.0
        for p in pool:
            acc += p.w
            self.pool_w.append(acc)
        self.injonly = injonly

    # ------------------------------------------------------------ schedules
    def build_schedules(self):
        r = self.rng
        D = self.days
        day0 = self.clock.day0
        for e in self.emps:
            e.shifts = {}
            last = D - 1 if e.end_day is None else min(D - 1, e.end_day)
            for d in range(e.start_day, last + 1):
                ed = day0 + d
                wd = (ed + 3) % 7          # 0 = Monday
                role = e.role
                sh = None
                if role in ("patrol", "patrol_sgt", "jail", "jail_sgt", "dispatch"):
                    if role in ("patrol", "patrol_sgt"):
                        swap = (ed // 28) % 2
                        team_day = (e.team in "AB") != bool(swap)
                        first = e.team in "AC"
                    else:
                        team_day = e.team in "12"
                        first = e.team in "13"
                    on = PITMAN[ed % 14] if first else 1 - PITMAN[ed % 14]
                    if on and r.random() < 0.05:
                        on = 0                  # leave day
                    elif not on and r.random() < 0.03:
                        on = 1                  # overtime
                    if on:
                        jit = r.randrange(-12, 6) * 60
                        if team_day:
                            sh = (6 * 3600 + jit, 18 * 3600 + r.randrange(0, 25) * 60)
                        else:
                            sh = (18 * 3600 + jit, 30 * 3600 + r.randrange(0, 25) * 60)
                elif role == "reserve":
                    if wd >= 5 and r.random() < 0.4:
                        sh = (7 * 3600 + r.randrange(0, 60) * 60, 17 * 3600 + r.randrange(0, 60) * 60)
                else:
                    if wd < 5 and r.random() > 0.07:
                        base = {"court": (7.5, 16.5), "civil": (8, 17), "cid": (8, 17), "tf": (9, 18),
                                "records": (7, 16), "admin": (8, 17)}[role]
                        if role == "records" and e.idx % 2:
                            base = (9, 18)
                        s = int(base[0] * 3600) + r.randrange(-15, 20) * 60
                        en = int(base[1] * 3600) + r.randrange(-20, 40) * 60
                        if role == "tf" and r.random() < 0.15:
                            en = 23 * 3600 + r.randrange(0, 40) * 60
                            e.evening_ops.add(d)
                        sh = (s, en)
                if sh:
                    e.shifts[d] = sh
            if e.end_day is not None and e.end_day >= 0 and e.shifts:
                # the end date is the day the last shift ended (night shifts end the next morning)
                dl = max(e.shifts)
                e.end_day = max(e.end_day, dl + (1 if e.shifts[dl][1] > 86400 - 1800 else 0))

    # ------------------------------------------------------------ cases
    def next_rms(self, year):
        yy = year % 100
        if yy not in self.rms_seq:
            self.rms_seq[yy] = 20000 + self.rng.randrange(0, 3000) + (self.clock.start.timetuple().tm_yday * 60 if year == self.year else 0)
        self.rms_seq[yy] += 1
        return H.canon_rms(yy, self.rms_seq[yy])

    def add_case(self, c):
        assert c.cid not in self.cases, c.cid
        self.cases[c.cid] = c
        return c

    def pick(self, rng, k=1):
        """k distinct people from the legitimate pool (weighted)."""
        import bisect
        out = []
        tot = self.pool_w[-1]
        seen = set()
        while len(out) < k:
            p = self.pool[bisect.bisect(self.pool_w, rng.random() * tot)]
            if p.idx not in seen:
                seen.add(p.idx)
                out.append(p)
        return out

    def subj_mask(self, p, rng, full=False):
        m = F_NAME
        if p.pid:
            m |= F_PID
        if full or rng.random() < 0.88:
            m |= F_DOB
        if full or rng.random() < 0.92:
            m |= F_ADDR
        if p.phone and (full or rng.random() < 0.45):
            m |= F_PHONE
        if p.plate and (full or rng.random() < 0.8):
            m |= F_PLATE
        return m

    def build_old_cases(self):
        r = self.rng
        D = self.days
        yr = self.year
        byrole = self.byrole
        recs = byrole["records"]
        # warrants: old RMS numbers, open, assigned to the records unit by employee id
        self.warrants = []
        for i in range(8 * self.users):
            opened = -r.randrange(10, 1100)
            cid = self.next_rms(self.clock.date_of(opened).year)
            c = self.add_case(Case(cid, "warrant", opened, "WARRANTS"))
            p = self.pick(r)[0]
            c.add_subject(p, self.subj_mask(p, r, full=True))
            for e in recs:
                c.add_assign(e, e.eid, opened, None)
            self.warrants.append(c)
        # investigations
        self.cid_cases = {}
        admins = byrole["admin"]
        for e in byrole["cid"]:
            lst = []
            for i in range(r.randrange(8, 16)):
                opened = -r.randrange(5, 300)
                cid = self.next_rms(self.clock.date_of(opened).year)
                c = self.add_case(Case(cid, "rms", opened, "CRIMINAL INVESTIGATIONS"))
                for p in self.pick(r, r.randrange(2, 8)):
                    c.add_subject(p, self.subj_mask(p, r))
                c.add_assign(e, e.eid, opened + r.randrange(0, 5), None)
                if r.random() < 0.2:
                    a = admins[2 % len(admins)]
                    c.add_assign(a, a.eid, opened + 1, None)
                lst.append(c)
            self.cid_cases[e.eid] = lst
        # task force
        tfs = byrole["tf"]
        self.tf_cases = []
        for i in range(r.randrange(4, 7) + len(tfs)):
            cid = f"NTF-{yr % 100 - r.choice((0, 0, 1)):02d}-{r.randrange(1, 400):04d}"
            if cid in self.cases:
                continue
            opened = -r.randrange(20, 400)
            c = self.add_case(Case(cid, "tf", opened, "NARCOTICS TASK FORCE"))
            for p in self.pick(r, r.randrange(10, 35)):
                c.add_subject(p, self.subj_mask(p, r))
            for e in tfs:
                c.add_assign(e, e.logins[0].name, max(opened, -r.randrange(30, 600)), None)
            self.tf_cases.append(c)
        # civil papers already received
        self.civil_open = []
        self.civil_seq = r.randrange(200, 800)
        for e in byrole["civil"]:
            for i in range(8):
                self.new_civil(e, -r.randrange(1, 20), r)
        # inmates in custody
        self.booking_seq = {}
        self.in_custody = []
        jails = byrole["jail"]
        for i in range(max(40, self.users)):
            bd = -r.randrange(1, 90)
            c = self.new_booking(bd, r)
            p = self.pick(r)[0]
            c.add_subject(p, self.subj_mask(p, r, full=True))
            j = jails[r.randrange(len(jails))]
            c.add_assign(j, j.logins[0].name, bd, None)
            self.in_custody.append(c)
        # historic closed cases (some of them once assigned to today's staff)
        self.closed_old = []
        sworn = [e for e in self.emps if e.role in SWORN]
        for i in range(3 * self.users):
            opened = -r.randrange(40, 900)
            y = (self.clock.date_of(opened)).year
            cid = self.next_rms(y)
            c = self.add_case(Case(cid, "rms", opened, "PATROL " + r.choice("ABCD")))
            c.status, c.closed = "closed", opened + r.randrange(2, 35)
            for p in self.pick(r, r.randrange(1, 4)):
                c.add_subject(p, self.subj_mask(p, r))
            e = r.choice(sworn)
            c.add_assign(e, e.eid, opened, c.closed)
            c.extra = e.eid
            self.closed_old.append(c)

    def new_civil(self, e, day, r):
        self.civil_seq += 1
        yy = self.clock.date_of(day).year % 100
        cid = f"CV{yy:02d}-{self.civil_seq:05d}"
        c = self.add_case(Case(cid, "civil", day, "CIVIL PROCESS"))
        p = self.pick(r)[0]
        c.add_subject(p, F_NAME | F_ADDR | (F_PID if p.pid else 0) | (F_DOB if r.random() < 0.5 else 0))
        c.add_assign(e, e.logins[0].name, day, None)
        c.extra = [e, 0]
        self.civil_open.append(c)
        return c

    def new_booking(self, day, r):
        yy = self.clock.date_of(day).year % 100
        s = self.booking_seq.get(yy)
        if s is None:
            s = r.randrange(1000, 3000) + self.clock.date_of(day).timetuple().tm_yday * 20
        s += 1
        self.booking_seq[yy] = s
        cid = f"{yy:02d}{s:06d}"
        return self.add_case(Case(cid, "booking", day, "DETENTION"))


def H_nth_sunday(year, month, n):
    d = dt.date(year, month, 1)
    first = d + dt.timedelta(days=(6 - d.weekday()) % 7)
    return first + dt.timedelta(days=7 * (n - 1))
