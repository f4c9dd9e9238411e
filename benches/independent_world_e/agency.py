"""The agency: a state Department of Motor Vehicles.

Sites (field offices, headquarters, contact centre, data centre), terminals, the roster of
employees with roles, units, supervisors, statuses and logins, and the service accounts.
"""
import math

from common import day_date, rng
from people import Population
from typing_variants import Habits

HQ_UNITS = {
    "cc_agent": "CONTACT-CENTER", "cc_supervisor": "CONTACT-CENTER",
    "le_liaison": "LE-LIAISON", "records_clerk": "RECORDS-REQUESTS", "records_supervisor": "LE-LIAISON",
    "fraud_investigator": "FRAUD-INV", "fraud_supervisor": "FRAUD-INV",
    "title_clerk": "TITLES-REG", "title_supervisor": "TITLES-REG",
    "medical_analyst": "MEDICAL-REVIEW", "medical_supervisor": "MEDICAL-REVIEW",
    "it_admin": "IT", "director": "ADMIN",
}
LAPTOP_ROLES = {"fraud_investigator", "fraud_supervisor", "it_admin", "director", "office_manager",
                "records_supervisor", "le_liaison"}


class Site:
    def __init__(self, code, name, kind, town, lat, lon, net):
        self.code, self.name, self.kind, self.town = code, name, kind, town
        self.lat, self.lon, self.net = lat, lon, net
        self.sat_open = False
        self.clients = []          # (client, ip)
        self.catchment = []        # towns whose residents come to this office


class Login:
    __slots__ = ("login", "emp", "kind")

    def __init__(self, login, emp, kind):
        self.login, self.emp, self.kind = login, emp, kind


class Employee:
    def __init__(self, eid, role, unit, site):
        self.eid, self.role, self.unit, self.site = eid, role, unit, site
        self.person = None
        self.logins = []
        self.supervisor = ""
        self.status = "active"
        self.end_day = None        # day index of the last working day (terminated)
        self.end_date = ""
        self.habits = None
        self.terminal = None       # (client, ip) at the desk / counter
        self.laptop = None         # (client, vpn ip prefix)
        self.shift = 0             # seconds after midnight the day starts
        self.shift_len = 0
        self.off_days = set()      # vacation / sick days in the window
        self.known_pid = True      # personnel carries person_id
        self.sat_worker = False
        self.volume = 1.0          # personal work-rate factor
        self.office_index = 0

    @property
    def login(self):
        return self.logins[0].login

    def works(self, d, cal):
        if self.status == "leave":
            return False
        if self.end_day is not None and d > self.end_day:
            return False
        return d not in self.off_days


def role_counts(n):
    hq = {"cc_agent": max(2, round(0.125 * n)), "le_liaison": max(2, round(0.04 * n)),
          "records_clerk": max(1, round(0.028 * n)), "fraud_investigator": max(2, round(0.04 * n)),
          "title_clerk": max(2, round(0.065 * n)), "medical_analyst": max(2, round(0.04 * n)),
          "it_admin": max(1, round(0.025 * n))}
    hq["cc_supervisor"] = max(1, round(hq["cc_agent"] / 12))
    for k in ("records_supervisor", "fraud_supervisor", "title_supervisor", "medical_supervisor",
              "director"):
        hq[k] = 1
    rest = n - sum(hq.values())
    n_off = max(2, min(40, round(n / 11)))
    while n_off > 2 and rest < n_off * 4:
        n_off -= 1
    if rest < n_off * 3:
        raise SystemExit("--users too small for the agency model (need at least 30)")
    return hq, n_off, rest


def login_name(p, taken):
    base = (p.first[0] + "".join(c for c in p.last.split("-")[0] if c.isalpha())).lower()[:10]
    cand = base
    i = 2
    if cand in taken and p.middle:
        cand = (p.first[0] + p.middle + base[1:]).lower()[:10]
    while cand in taken:
        cand = base + str(i)
        i += 1
    taken.add(cand)
    return cand


class Agency:
    def __init__(self, seed, n, days, cal):
        self.seed, self.n, self.days, self.cal = seed, n, days, cal
        self.pop_size = int(90 * n * min(3.0, 1 + days / 30.0))
        self.pop = Population(rng(seed, n, days, "world", "population"), self.pop_size)
        self.sites = []
        self.site_by_code = {}
        self.employees = []
        self.emp_by_id = {}
        self.logins = {}
        self.service_logins = []
        self._build_sites(rng(seed, n, days, "world", "sites"))
        self._build_roster(rng(seed, n, days, "world", "roster"))

    # -- sites --------------------------------------------------------------------------------
    def _build_sites(self, r):
        hq_counts, n_off, rest = role_counts(self.n)
        self.hq_counts, self.n_off, self.office_staff = hq_counts, n_off, rest
        towns = self.pop.towns
        capital = towns[0]

        def add(site):
            self.sites.append(site)
            self.site_by_code[site.code] = site
            return site

        self.hq = add(Site("HQ", "CENTRAL OFFICE " + capital.name, "hq", capital,
                           capital.lat, capital.lon, "10.10"))
        cct = towns[1]
        self.cc = add(Site("CC1", "CONTACT CENTER " + cct.name, "cc", cct, cct.lat, cct.lon, "10.20"))
        self.dc = add(Site("DC1", "STATE DATA CENTER " + capital.name, "dc", capital,
                           round(capital.lat + 0.03, 4), round(capital.lon - 0.05, 4), "10.0"))
        # spread the field offices: greedy farthest-point over the towns
        chosen = [capital]
        cands = towns[2:]
        while len(chosen) < n_off and cands:
            best = max(cands, key=lambda t: min(km(t.lat, t.lon, c.lat, c.lon) for c in chosen))
            chosen.append(best)
            cands = [t for t in cands if t is not best]
        # more offices than towns: some towns get a second office
        i = 0
        while len(chosen) < n_off:
            chosen.append(towns[2 + (i % (len(towns) - 2))])
            i += 1
        self.offices = []
        for k, t in enumerate(chosen[:n_off]):
            code = "FO%02d" % (k + 1)
            lat = round(t.lat + r.uniform(-0.02, 0.02), 4)
            lon = round(t.lon + r.uniform(-0.02, 0.02), 4)
            s = add(Site(code, "%s DRIVER & VEHICLE SERVICES" % t.name, "office", t, lat, lon,
                         "10.%d" % (40 + k)))
            s.sat_open = (k % 2 == 0)
            self.offices.append(s)
        for t in towns:
            best = min(self.offices, key=lambda s: km(s.lat, s.lon, t.lat, t.lon))
            best.catchment.append(t)
        for s in self.offices:
            if not s.catchment:
                s.catchment.append(s.town)

    # -- roster -------------------------------------------------------------------------------
    def _new_emp(self, r, role, unit, site):
        while True:
            eid = "E%05d" % r.randint(10000, 99999)
            if eid not in self.emp_by_id:
                break
        e = Employee(eid, role, unit, site)
        town = self.pop.town_near(site.town, r) if site.kind != "dc" else site.town
        age = int(min(66, max(21, r.gauss(43, 11))))
        e.person = self.pop.add(self.pop.new_person(age=age, town=town, kind="staff",
                                                    vehicles=r.choice([1, 1, 2, 2, 3])))
        e.habits = Habits(r)
        e.known_pid = r.random() < 0.78
        e.volume = math.exp(r.gauss(0, 0.18))
        self.employees.append(e)
        self.emp_by_id[eid] = e
        return e

    def _build_roster(self, r):
        taken = set()
        hq = self.hq_counts
        self.director = self._new_emp(r, "director", "ADMIN", self.hq)
        sups = {}
        for role, sup_role in (("cc_supervisor", None), ("records_supervisor", None),
                               ("fraud_supervisor", None), ("title_supervisor", None),
                               ("medical_supervisor", None)):
            site = self.cc if role == "cc_supervisor" else self.hq
            sups[role] = [self._new_emp(r, role, HQ_UNITS[role], site) for _ in range(hq[role])]
            for s in sups[role]:
                s.supervisor = self.director.eid
        self.unit_sups = sups
        sup_of = {"cc_agent": "cc_supervisor", "le_liaison": "records_supervisor",
                  "records_clerk": "records_supervisor", "fraud_investigator": "fraud_supervisor",
                  "title_clerk": "title_supervisor", "medical_analyst": "medical_supervisor"}
        for role in ("cc_agent", "le_liaison", "records_clerk", "fraud_investigator", "title_clerk",
                     "medical_analyst", "it_admin"):
            site = self.cc if role == "cc_agent" else self.hq
            for i in range(hq[role]):
                e = self._new_emp(r, role, HQ_UNITS[role], site)
                if role == "it_admin":
                    e.supervisor = self.director.eid
                else:
                    group = sups[sup_of[role]]
                    e.supervisor = group[i % len(group)].eid
        # field offices: manager, examiner(s), counter clerks
        clerks_total = self.office_staff - 2 * self.n_off
        weights = [s.town.pop + 5 for s in self.offices]
        alloc = [1] * self.n_off
        for _ in range(clerks_total - self.n_off):
            k = r.choices(range(self.n_off), weights=[w / a for w, a in zip(weights, alloc)])[0]
            alloc[k] += 1
        self.managers = {}
        for k, s in enumerate(self.offices):
            m = self._new_emp(r, "office_manager", s.code, s)
            m.supervisor = self.director.eid
            self.managers[s.code] = m
            n_exam = 1
            n_clerk = alloc[k]
            if n_clerk > 6:
                n_exam, n_clerk = 2, n_clerk - 1
            for _ in range(n_exam):
                x = self._new_emp(r, "examiner", s.code, s)
                x.supervisor = m.eid
            for i in range(n_clerk):
                c = self._new_emp(r, "counter_clerk", s.code, s)
                c.supervisor = m.eid
                c.office_index = i
        # logins, terminals, shifts
        for e in self.employees:
            e.logins.append(Login(login_name(e.person, taken), e, "primary"))
            if e.role == "it_admin":
                e.logins.append(Login("adm_" + e.logins[0].login, e, "adm"))
            elif e.role == "office_manager":
                e.logins.append(Login(e.logins[0].login + "_mgr", e, "mgr"))
            elif e.role == "cc_supervisor":
                e.logins.append(Login(e.logins[0].login + "_qa", e, "qa"))
            for lg in e.logins:
                self.logins[lg.login] = lg
        self._terminals(r)
        self._shifts(r)
        self._statuses(r)
        self._service_accounts()

    def _terminals(self, r):
        per_site = {}
        self._laptops = set()
        for e in self.employees:
            s = e.site
            n = per_site.get(s.code, 0) + 1
            per_site[s.code] = n
            tag = {"counter_clerk": "CTR", "examiner": "EXM", "office_manager": "MGR",
                   "cc_agent": "AGT", "cc_supervisor": "SUP"}.get(e.role)
            if tag is None:
                tag = {"LE-LIAISON": "LE", "RECORDS-REQUESTS": "RR", "FRAUD-INV": "INV",
                       "TITLES-REG": "TTL", "MEDICAL-REVIEW": "MED", "IT": "IT", "ADMIN": "ADM"}[e.unit]
            cl = "%s-%s%02d" % (s.code, tag, n)
            ip = "%s.%d.%d" % (s.net, 1 + n // 200, 20 + n % 200)
            e.terminal = (cl, ip)
            s.clients.append(e.terminal)
            if e.role in LAPTOP_ROLES:
                while True:
                    lt = "LT-%04d" % r.randint(1000, 9999)
                    if lt not in self._laptops:
                        break
                self._laptops.add(lt)
                e.laptop = (lt, "172.20.%d" % r.randint(1, 250))
        for s in self.offices:
            for k in range(2):          # spare counters, the lobby kiosk-side window
                n = per_site.get(s.code, 0) + 1 + k
                t = ("%s-CTR%02d" % (s.code, n), "%s.1.%d" % (s.net, 20 + n))
                s.clients.append(t)

    def _shifts(self, r):
        for e in self.employees:
            if e.role == "cc_agent":
                e.shift = r.choice([hm_(7, 0), hm_(8, 30), hm_(9, 30), hm_(11, 0), hm_(11, 0)])
                e.shift_len = hm_(8, 30)
            elif e.role in ("counter_clerk", "examiner", "office_manager"):
                e.shift = hm_(7, 30) + r.randint(0, 40) * 60
                e.shift_len = hm_(9, 0)
            elif e.role == "it_admin":
                e.shift = hm_(7, 0) + r.randint(0, 120) * 60
                e.shift_len = hm_(8, 45)
            else:
                e.shift = hm_(7, 0) + r.randint(0, 90) * 60
                e.shift_len = hm_(8, 30)
            if e.role in ("counter_clerk", "examiner") and e.site.sat_open:
                e.sat_worker = r.random() < 0.5
            if e.role == "cc_agent":
                e.sat_worker = r.random() < 0.35

    def _statuses(self, r):
        cal = self.cal
        for e in self.employees:
            if r.random() < 0.35:
                k = r.choice([1, 1, 2, 3])
                start = r.randrange(max(1, self.days))
                for d in range(start, min(self.days, start + k)):
                    e.off_days.add(d)
            if r.random() < 0.15:
                e.off_days.add(r.randrange(max(1, self.days)))    # a sick day
        clerks = [e for e in self.employees if e.role == "counter_clerk"]
        agents = [e for e in self.employees if e.role == "cc_agent"]
        n_leave = 1 + self.n // 150
        for e in (r.sample(clerks, 1) + r.sample(agents, max(0, n_leave - 1)))[:n_leave]:
            e.status = "leave"
        n_term = max(1, round(2 * self.n / 80))
        pool = [e for e in clerks + agents + [x for x in self.employees if x.role == "title_clerk"]
                if e.status == "active"]
        terms = r.sample(pool, n_term)
        for i, e in enumerate(terms):
            e.status = "terminated"
            if i % 2 == 0:
                e.end_day = -r.randint(12, 60)
            else:
                e.end_day = max(2, min(self.days - 3, self.days // 2 + r.randint(-2, 2)))
                while e.end_day > 1 and not cal.business[e.end_day]:
                    e.end_day -= 1
            e.end_date = day_date(e.end_day).isoformat()

    def _service_accounts(self):
        it = [e for e in self.employees if e.role == "it_admin"][0]
        self.it_lead = it
        self.service = [
            ("svc_insverify", "SVC-INSVER", "INSURANCE VERIFICATION BATCH", ("DC1-BATCH01", "10.0.5.11")),
            ("svc_tollfeed", "SVC-TOLL", "TOLL AUTHORITY DATA SHARE", ("DC1-API02", "10.0.5.12")),
            ("svc_rptsched", "SVC-RPTSCH", "REPORT SCHEDULER", ("DC1-RPT03", "10.0.5.13")),
        ]
        for login, eid, desc, term in self.service:
            self.dc.clients.append(term)
            self.service_logins.append(login)

    # -- helpers ------------------------------------------------------------------------------
    def by_role(self, *roles):
        return [e for e in self.employees if e.role in roles]

    def office_staff_of(self, code):
        return [e for e in self.employees if e.site.code == code]


def hm_(h, m=0):
    return h * 3600 + m * 60


def km(lat1, lon1, lat2, lon2):
    p = math.pi / 180
    a = (math.sin((lat2 - lat1) * p / 2) ** 2 +
         math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2)
    return 12742 * math.asin(math.sqrt(a))
