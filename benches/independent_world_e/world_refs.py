"""Reference data the audit team holds: associations, the watchlist and the case files.

Associations come from HR emergency contacts, conflict-of-interest disclosures, the
protective-order registry, the HR complaint file and an address-proximity review; fields are
often partial. Each row keeps an internal link (`_person`) to the record it describes, which the
ground-truth function uses.
"""
import datetime as dt

import names as NM
from common import day_date, rng, state_holidays

REL_SOURCES = {
    "spouse": ["hr_emergency_contact", "payroll_beneficiary"],
    "partner": ["hr_emergency_contact"],
    "family": ["hr_emergency_contact", "coi_disclosure", "payroll_beneficiary"],
    "ex_partner": ["protective_order_registry", "hr_complaint_file", "hr_emergency_contact_history"],
    "protected_party": ["protective_order_registry"],
    "associate": ["coi_disclosure"],
    "neighbor": ["address_proximity_review", "hr_complaint_file"],
}


def is_biz(d):
    date = day_date(d)
    return date.weekday() < 5 and date not in state_holidays(date.year)


class Case:
    __slots__ = ("cid", "kind", "opened", "closed", "unit", "subjects", "assign", "work", "meta")

    def __init__(self, cid, kind, opened, closed, unit):
        self.cid, self.kind, self.opened, self.closed, self.unit = cid, kind, opened, closed, unit
        self.subjects = []
        self.assign = []           # (login, from_day, to_day or None)
        self.work = []             # days worked by the assignee
        self.meta = {}

    def status_at_end(self, days):
        return "closed" if self.closed is not None and self.closed <= days - 1 else "open"

    def closed_before(self, d):
        return self.closed is not None and self.closed < d


def assoc_row(r, emp, rel, person, source, fields, valid_from, valid_to=""):
    row = {"employee_id": emp.eid, "relation": rel, "person_id": "", "last_name": "",
           "first_name": "", "dob": "", "address": "", "phone": "", "plate": "",
           "valid_from": valid_from, "valid_to": valid_to, "source": source, "_person": person}
    if "pid" in fields:
        row["person_id"] = person.pid
    if "name" in fields:
        row["last_name"] = person.last
        row["first_name"] = person.first if r.random() < 0.85 or not person.nicks else person.nicks[0]
    if "dob" in fields:
        row["dob"] = person.dob
    if "address" in fields:
        a = person.old_addr or person.addr
        row["address"] = a.line() + (", " + a.town if r.random() < 0.5 else "")
    if "phone" in fields:
        ph = person.phone
        row["phone"] = r.choice(["(%s) %s-%s" % (ph[:3], ph[3:6], ph[6:]), "%s-%s-%s" % (ph[:3], ph[3:6], ph[6:]), ph])
    if "plate" in fields and person.vehicles:
        row["plate"] = person.vehicles[0].plate
    return row


class WorldRefs:
    def __init__(self, ag):
        self.ag = ag
        self.pop = ag.pop
        s = (ag.seed, ag.n, ag.days, "world")
        self.assoc = []
        self.assoc_by_emp = {}
        self._associations(rng(*s, "associations"))
        self.watch = []
        self._watchlist(rng(*s, "watchlist"))
        self.public = [p for p in self.pop.people if p.kind == "public"]
        self.public_by_town = {}
        for p in self.public:
            self.public_by_town.setdefault(p.addr.town, []).append(p)
        self.cases = {}
        self._cases(rng(*s, "cases"))

    # -- associations -------------------------------------------------------------------------
    def _add(self, row):
        self.assoc.append(row)
        self.assoc_by_emp.setdefault(row["employee_id"], []).append(row)

    def _rel_person(self, r, emp, same_addr=False, same_last=False, age=None, town=None, sex=None):
        pop = self.pop
        p = emp.person
        addr = p.addr if same_addr else None
        last = p.last if same_last else None
        t = town or pop.town_near(pop.town_by_name(p.addr.town), r)
        q = pop.new_person(last=last, age=age, town=t, addr=addr, kind="assoc", sex=sex)
        if same_addr:
            q.phone = pop.new_phone(r)
        return pop.add(q)

    def _associations(self, r):
        ag = self.ag
        humans = ag.employees
        today = day_date(0)

        def since(years_lo, years_hi):
            return (today - dt.timedelta(days=r.randint(int(365 * years_lo), int(365 * years_hi)))).isoformat()

        for e in humans:
            age = 2025 - int(e.person.dob[:4])
            x = r.random()
            if x < 0.52:
                q = self._rel_person(r, e, same_addr=True, same_last=r.random() < 0.7,
                                     age=max(21, age + r.randint(-6, 6)),
                                     sex="F" if e.person.sex == "M" else "M")
                fields = {"name", "phone"} | ({"pid"} if r.random() < 0.55 else set()) | \
                    ({"dob"} if r.random() < 0.5 else set()) | ({"address"} if r.random() < 0.4 else set()) | \
                    ({"plate"} if r.random() < 0.25 else set())
                self._add(assoc_row(r, e, "spouse", q, r.choice(REL_SOURCES["spouse"]), fields, since(2, 25)))
            elif x < 0.62:
                q = self._rel_person(r, e, same_addr=True, age=max(21, age + r.randint(-8, 8)))
                self._add(assoc_row(r, e, "partner", q, "hr_emergency_contact",
                                    {"name", "phone"} | ({"pid"} if r.random() < 0.5 else set()), since(0.5, 8)))
            for _ in range(r.choice([0, 0, 1, 1, 1, 2])):
                q = self._rel_person(r, e, same_last=r.random() < 0.7,
                                     age=max(18, min(90, age + r.choice([-25, -20, 25, 28, -3, 4]))))
                fields = {"name"} | ({"phone"} if r.random() < 0.8 else set()) | \
                    ({"pid"} if r.random() < 0.45 else set()) | ({"dob"} if r.random() < 0.35 else set()) | \
                    ({"address"} if r.random() < 0.3 else set())
                self._add(assoc_row(r, e, "family", q, r.choice(REL_SOURCES["family"]), fields, since(1, 15)))
            if r.random() < 0.05:
                self._ex(r, e, since)
            if r.random() < 0.08:
                self._neighbor(r, e, since)
            if r.random() < 0.07:
                q = self._rel_person(r, e)
                fields = {"name"} | ({"pid"} if r.random() < 0.5 else set()) | ({"phone"} if r.random() < 0.5 else set())
                row = assoc_row(r, e, "associate", q, "coi_disclosure", fields, since(0.5, 6))
                self._add(row)
        # minimum counts the injection plan relies on
        n = ag.n
        recent = (today - dt.timedelta(days=183)).isoformat()
        need = {"ex_partner": 2 + n // 40, "neighbor": 2 + n // 60, "associate": 2 + n // 60,
                "protected_party": 1 + n // 80, "partner_new": 2 + n // 80}
        cands = [e for e in humans if e.status == "active"]
        order = r.sample(cands, len(cands))
        k = 0
        for rel, cnt in need.items():
            have = [a for a in self.assoc if a["relation"] == rel] if rel != "partner_new" else \
                [a for a in self.assoc if a["relation"] == "partner" and a["valid_from"] >= recent]
            while len(have) < cnt:
                e = order[k % len(order)]
                k += 1
                if rel == "ex_partner":
                    have.append(self._ex(r, e, since))
                elif rel == "neighbor":
                    have.append(self._neighbor(r, e, since))
                elif rel == "associate":
                    q = self._rel_person(r, e)
                    row = assoc_row(r, e, "associate", q, "coi_disclosure", {"name", "pid"}, since(0.5, 4))
                    self._add(row)
                    have.append(row)
                elif rel == "protected_party":
                    q = self._rel_person(r, e, age=max(19, 2025 - int(e.person.dob[:4]) + r.randint(-8, 5)))
                    row = assoc_row(r, e, "protected_party", q, "protective_order_registry",
                                    {"name", "dob", "pid", "address"}, since(0.2, 2),
                                    (today + dt.timedelta(days=r.randint(200, 700))).isoformat())
                    self._add(row)
                    have.append(row)
                elif rel == "partner_new":
                    if any(a["relation"] in ("spouse", "partner") for a in self.assoc_by_emp.get(e.eid, [])):
                        continue
                    q = self._rel_person(r, e, age=max(21, 2025 - int(e.person.dob[:4]) + r.randint(-7, 7)))
                    row = assoc_row(r, e, "partner", q, "hr_emergency_contact", {"name", "phone"},
                                    (today - dt.timedelta(days=r.randint(10, 150))).isoformat())
                    self._add(row)
                    have.append(row)

    def _ex(self, r, e, since):
        """An ex-partner: moved out of the employee's home, bought a new car since."""
        q = self._rel_person(r, e, age=max(21, 2025 - int(e.person.dob[:4]) + r.randint(-6, 6)),
                             sex="F" if e.person.sex == "M" else "M")
        q.old_addr = e.person.addr
        old_plate = q.vehicles[0].plate if q.vehicles else ""
        fields = {"name", "dob", "address"} | ({"pid"} if r.random() < 0.6 else set()) | \
            ({"phone"} if r.random() < 0.5 else set())
        row = assoc_row(r, e, "ex_partner", q, r.choice(REL_SOURCES["ex_partner"]), fields, since(0.3, 3))
        if old_plate and r.random() < 0.5:
            row["plate"] = old_plate
        self.pop.add_vehicle(q, year=r.choice([2022, 2023, 2024, 2025]))   # the new car
        self._add(row)
        return row

    def _neighbor(self, r, e, since):
        a = e.person.addr
        addr = self.pop.new_address(self.pop.town_by_name(a.town), r)
        addr.street, addr.stype, addr.pre = a.street, a.stype, a.pre
        addr.no = a.no + r.choice([-4, -2, 2, 4, 6, 10, 1, -1])
        addr.unit = ""
        q = self.pop.add(self.pop.new_person(addr=addr, kind="assoc", vehicles=r.choice([1, 2])))
        fields = {"name", "address"} | ({"plate"} if r.random() < 0.7 else set())
        row = assoc_row(r, e, "neighbor", q, r.choice(REL_SOURCES["neighbor"]), fields, since(0.2, 3))
        self._add(row)
        return row

    # -- watchlist ----------------------------------------------------------------------------
    def _watchlist(self, r):
        for cat, rows in NM.WATCHLIST.items():
            for last, first, sex, age, note in rows:
                p = self.pop.add(self.pop.new_person(last=last, first=first, sex=sex, age=age,
                                                     kind="watch", vehicles=r.choice([1, 2, 3])))
                self.watch.append((p, cat, note))

    # -- cases --------------------------------------------------------------------------------
    def _new_case(self, cid, kind, opened, closed, unit):
        c = Case(cid, kind, opened, closed, unit)
        self.cases[cid] = c
        return c

    def pick_public(self, r, town=None):
        if town and r.random() < 0.8:
            lst = self.public_by_town.get(town)
            if lst:
                return r.choice(lst)
        return r.choice(self.public)

    def _close_after(self, r, d, choices, weights):
        k = r.choices(choices, weights=weights)[0]
        x = d
        while k > 0:
            x += 1
            if is_biz(x):
                k -= 1
        return x

    def _cases(self, r):
        ag, D = self.ag, self.ag.days
        le = [e for e in ag.employees if e.role == "le_liaison"]
        rr = [e for e in ag.employees if e.role == "records_clerk"]
        inv = [e for e in ag.employees if e.role == "fraud_investigator"]
        med = [e for e in ag.employees if e.role == "medical_analyst"]
        seq = {"LE": r.randint(3100, 3900), "RR": r.randint(14000, 18000), "SP": r.randint(300, 500),
               "INV": r.randint(80, 140), "DLR": r.randint(200, 400), "MR": r.randint(2000, 2600),
               "DI": r.randint(5000, 6000)}

        def cid(kind, d):
            seq[kind] += 1
            y = day_date(d).year
            if kind == "LE":
                return "LE-%02d-%05d" % (y % 100, seq[kind])
            if kind == "RR":
                return "RR-%d-%05d" % (y, seq[kind])
            if kind == "SP":
                return "SP-%02d-%04d" % (y % 100, seq[kind])
            if kind == "INV":
                return "INV-%d-%04d" % (y, seq[kind])
            if kind == "DLR":
                return "DLR-%04d" % seq[kind]
            return "%s-%02d-%04d" % (kind, y % 100, seq[kind])

        def works(e, d):
            return d < 0 or e.works(d, None)

        # law-enforcement requests: a few a day per liaison, closed within days
        for d in range(-45, D):
            if not is_biz(d):
                continue
            for e in le:
                for _ in range(r.choice([2, 3, 4, 4, 5, 6])):
                    who = e if works(e, d) else r.choice(le)
                    closed = self._close_after(r, d, [0, 1, 2, 3, 6], [30, 35, 18, 10, 7])
                    c = self._new_case(cid("LE", d), "LE", d, closed if closed < D else None, "LE-LIAISON")
                    c.assign.append((who.login, d, closed if closed < D else None))
                    c.meta["agency"] = r.choice(NM.AGENCIES).format(n=r.randint(1, 9), town=r.choice(self.pop.towns).name)
                    c.meta["type"] = r.choices(["DRIVER HISTORY", "PHOTO", "REG OWNER", "ADDRESS VERIFY",
                                                "CRASH RECORDS"], weights=[30, 20, 25, 15, 10])[0]
                    p = self.pick_public(r)
                    c.subjects.append(p)
                    if r.random() < 0.25:
                        c.subjects.append(self.pick_public(r, p.addr.town))
                    # a registered owner who is not on the request (the car belongs to a parent)
                    if r.random() < 0.18:
                        c.meta["owner_not_on_case"] = self.pick_public(r, p.addr.town)
                    c.work = sorted({d, min(closed, D + 5)} | ({d + 1} if closed > d + 1 else set()))
        # records requests (DPPA permitted uses) and subpoenas
        for d in range(-75, D):
            if not is_biz(d):
                continue
            for e in rr:
                for _ in range(r.choice([6, 8, 9, 10, 12])):
                    closed = self._close_after(r, d, [0, 1, 2], [55, 35, 10])
                    c = self._new_case(cid("RR", d), "RR", d, closed if closed < D else None, "RECORDS-REQUESTS")
                    who = e if works(e, d) else r.choice(rr)
                    c.assign.append((who.login, d, closed if closed < D else None))
                    ins = r.choice(NM.INSURERS)
                    c.meta["requester"] = r.choice(NM.REQUESTERS).format(
                        ins=ins, last=self.pop.surname(r), last2=self.pop.surname(r),
                        a=r.choice(NM.TOW_A))
                    p = self.pick_public(r)
                    while not p.vehicles:
                        p = self.pick_public(r)
                    c.subjects.append(p)
                    c.work = [d] if closed == d else [d, closed]
                if r.random() < 0.3:
                    closed = self._close_after(r, d, [4, 7, 10, 15], [2, 3, 3, 2])
                    c = self._new_case(cid("SP", d), "SP", d, closed if closed < D else None, "RECORDS-REQUESTS")
                    c.assign.append((e.login, d, closed if closed < D else None))
                    c.meta["requester"] = "%s DISTRICT COURT" % r.choice(self.pop.towns).name
                    c.subjects.append(self.pick_public(r))
                    c.work = [d, d + 2, closed]
        # fraud investigations and dealer audits
        for e in inv:
            for _ in range(r.randint(4, 7)):
                opened = -r.randint(10, 300)
                closed = None
                if r.random() < 0.2:
                    closed = r.randint(1, max(2, D - 1))
                    while not is_biz(closed) and closed > 1:
                        closed -= 1
                self._inv_case(r, cid("INV", opened), opened, closed, e)
            for _ in range(r.randint(0, max(1, D // 10))):
                opened = r.randint(0, max(0, D - 2))
                self._inv_case(r, cid("INV", opened), opened, None, e)
            for _ in range(r.randint(1, 2)):
                opened = -r.randint(5, 120)
                c = self._new_case(cid("DLR", opened), "DLR", opened, None, "FRAUD-INV")
                c.assign.append((e.login, opened, None))
                dealer = "%s %s %s" % (r.choice(NM.DEALER_A), r.choice(NM.DEALER_B), r.choice(NM.DEALER_C))
                c.meta["dealer"] = dealer.strip()
                for _ in range(r.randint(1, 3)):
                    c.subjects.append(self.pick_public(r))
        # a few long-closed investigations (for reuse of a closed number)
        for e in inv:
            for _ in range(2):
                opened = -r.randint(200, 500)
                self._inv_case(r, cid("INV", opened), opened, opened + r.randint(40, 150), e)
        # medical review and driver improvement caseloads
        for e in med:
            for _ in range(r.randint(40, 65)):
                opened = -r.randint(5, 400)
                closed = None
                if r.random() < 0.12:
                    closed = r.randint(0, max(1, D - 1))
                kind = "MR" if r.random() < 0.55 else "DI"
                c = self._new_case(cid(kind, opened), kind, opened, closed, "MEDICAL-REVIEW")
                c.assign.append((e.login, opened, closed))
                p = self.pick_public(r)
                c.subjects.append(p)
                if kind == "DI" and r.random() < 0.35:
                    c.meta["hearing"] = r.randint(0, D - 1)
            for d in range(D):
                if is_biz(d) and r.random() < 0.6:
                    kind = "MR" if r.random() < 0.6 else "DI"
                    c = self._new_case(cid(kind, d), kind, d, None, "MEDICAL-REVIEW")
                    c.assign.append((e.login, d, None))
                    c.subjects.append(self.pick_public(r))

    def _inv_case(self, r, case_id, opened, closed, e):
        c = self._new_case(case_id, "INV", opened, closed, "FRAUD-INV")
        c.assign.append((e.login, opened, closed))
        c.meta["type"] = r.choices(["dealer_fraud", "title_washing", "identity_fraud", "odometer",
                                    "placard_abuse"], weights=[25, 20, 30, 10, 15])[0]
        for _ in range(r.randint(2, 5)):
            c.subjects.append(self.pick_public(r))
        if c.meta["type"] == "identity_fraud":
            p = c.subjects[0]
            p.aliases = [(self.pop.surname(r), r.choice([p.first, r.choice(NM.MALE_FIRST + NM.FEMALE_FIRST)[0]]),
                          (dt.date.fromisoformat(p.dob) + dt.timedelta(days=r.choice([-365, 31, 1, -30]))).isoformat())
                         for _ in range(r.randint(1, 2))]
        if c.meta["type"] == "dealer_fraud":
            c.meta["dealer"] = ("%s %s %s" % (r.choice(NM.DEALER_A), r.choice(NM.DEALER_B),
                                              r.choice(NM.DEALER_C))).strip()
        return c

    # -- queries ------------------------------------------------------------------------------
    def index(self):
        self.by_login = {}
        for c in self.cases.values():
            for lg, f, t in c.assign:
                lst = self.by_login.setdefault(lg, [])
                if not lst or lst[-1] is not c:
                    lst.append(c)

    def cases_of(self, login, d, kinds=None):
        out = []
        for c in self.by_login.get(login, []):
            if kinds and c.kind not in kinds:
                continue
            for lg, f, t in c.assign:
                if lg == login and f <= d and (t is None or d <= t):
                    out.append(c)
                    break
        return out
