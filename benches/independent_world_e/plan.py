"""World-level happenings that legitimate work responds to (identical in both twins).

News: a celebrity buys a truck and registers it at a field office; a crash victim is in the
news (a police request is opened); an employee is arrested for drunk driving (a driver
improvement case is opened on them). Planned counter visits: coworkers renewing at their own
office, staff relatives served by colleagues, customers who share a name with staff, a
relative or a watchlisted person, a customer in the same apartment building as staff, an
official renewing a licence. Also: an insider fraud investigation with a clerk as subject and a
medical-review caseload transfer.
"""
from common import rng
from world_refs import is_biz


class Plan:
    def __init__(self, ag, wr, cal):
        self.ag, self.wr, self.cal = ag, wr, cal
        self.visits = {}        # (day, login) -> [visit dicts]
        self.calls = {}         # (day, login) -> [visit dicts] at the contact centre
        self.news = {}
        self.protected_cases = set()
        r = rng(ag.seed, ag.n, ag.days, "world", "plan")
        self._news(r)
        self._visits(r)
        self._insider(r)
        self._transfer(r)

    # -- helpers ------------------------------------------------------------------------------
    def biz_days(self, lo=0, hi=None):
        hi = self.ag.days if hi is None else hi
        return [d for d in range(max(0, lo), min(self.ag.days, hi)) if self.cal.business[d]]

    def office_for(self, person):
        for s in self.ag.offices:
            if any(t.name == person.addr.town for t in s.catchment):
                return s
        return self.ag.offices[0]

    def server(self, r, office, d, exclude=()):
        clerks = [e for e in self.ag.employees if e.role == "counter_clerk" and e.site is office
                  and e.works(d, self.cal) and e.eid not in exclude]
        return r.choice(clerks) if clerks else None

    def add_visit(self, d, emp, visit):
        self.visits.setdefault((d, emp.login), []).append(visit)

    def _schedule(self, r, person, hn, note, days=None, exclude=(), office=None, tx=None):
        office = office or self.office_for(person)
        for _ in range(12):
            d = r.choice(days or self.biz_days())
            e = self.server(r, office, d, exclude)
            if e:
                self.add_visit(d, e, {"person": person, "hn": hn, "note": note,
                                      "tx": tx or r.choice(["DL_RENEWAL", "REGISTRATION_RENEWAL",
                                                            "ADDRESS_CHANGE", "DL_DUPLICATE"])})
                return d, e
        return None, None

    # -- news ---------------------------------------------------------------------------------
    def _news(self, r):
        ag, wr, D = self.ag, self.wr, self.ag.days
        biz = self.biz_days()
        mid = [d for d in biz if d >= 2] or biz
        # celebrity buys a truck locally and registers it at the counter
        celebs = [w for w in wr.watch if w[1] == "celebrity"]
        p, cat, note = celebs[r.randrange(len(celebs))]
        office = r.choice(ag.offices)
        d = mid[min(len(mid) - 1, r.randint(1, max(1, len(mid) // 3)))]
        v = ag.pop.add_vehicle(p, year=2026)
        for _ in range(20):
            e = self.server(r, office, d)
            if e:
                break
            d = r.choice(mid)
        self.add_visit(d, e, {"person": p, "hn": "watchlist_customer_served", "tx": "NEW_REGISTRATION",
                              "note": "%s (%s) registers a new %s %s in person" % (p.name(), note, v.make, v.model),
                              "vehicle": v})
        self.news["celebrity"] = {"person": p, "office": office, "day": d, "clerk": e, "vehicle": v,
                                  "note": note}
        # an official renews a licence at a field office
        offs = [w for w in wr.watch if w[1] == "official"]
        p2 = offs[r.randrange(len(offs))][0]
        dd, e2 = self._schedule(r, p2, "watchlist_customer_served", "an official renews a licence at the counter",
                                tx="DL_RENEWAL")
        self.news["official_visit"] = {"person": p2, "day": dd, "clerk": e2}
        # crash victim in the news; the police ask for the records the same day
        le = [e for e in ag.employees if e.role == "le_liaison"]
        vd = mid[min(len(mid) - 1, len(mid) // 2 + r.randint(-1, 1))]
        victim = wr.pick_public(r)
        driver = wr.pick_public(r)
        while not driver.vehicles:
            driver = wr.pick_public(r)
        liaison = next((e for e in r.sample(le, len(le)) if e.works(vd, self.cal)), le[0])
        c = wr._new_case("LE-%02d-%05d" % (self.cal.dates[vd].year % 100, 9000 + r.randint(1, 899)),
                         "LE", vd, None, "LE-LIAISON")
        c.assign.append((liaison.login, vd, None))
        c.subjects += [victim, driver]
        c.meta.update({"agency": "STATE PATROL DIST %d" % r.randint(1, 9), "type": "CRASH RECORDS",
                       "news": True})
        nxt = [x for x in biz if x > vd]
        c.work = [vd] + nxt[:1]
        self.news["crash"] = {"victim": victim, "driver": driver, "day": vd, "case": c, "liaison": liaison}
        # an employee arrested for drunk driving; driver improvement opens an administrative case
        cands = [e for e in ag.employees if e.status == "active" and e.role in
                 ("counter_clerk", "title_clerk", "cc_agent", "examiner") and e.person.dl]
        emp = r.choice(cands)
        ad = mid[min(len(mid) - 1, max(0, len(mid) // 2 + r.randint(1, 3)))]
        med = [e for e in ag.employees if e.role == "medical_analyst"]
        analyst = next((e for e in r.sample(med, len(med)) if e.works(ad, self.cal)), med[0])
        c2 = wr._new_case("DI-%02d-%04d" % (self.cal.dates[ad].year % 100, 7000 + r.randint(1, 899)),
                          "DI", ad, None, "MEDICAL-REVIEW")
        c2.assign.append((analyst.login, ad, None))
        c2.subjects.append(emp.person)
        c2.meta.update({"type": "ADMIN PER SE SUSPENSION", "staff_subject": emp})
        c2.work = [ad]
        self.news["dui"] = {"employee": emp, "day": ad, "case": c2, "analyst": analyst}
        self.protected_cases.add(c2.cid)

    # -- planned counter visits ---------------------------------------------------------------
    def _visits(self, r):
        ag, wr = self.ag, self.wr
        scale = max(1, round(ag.n * ag.days / 300))
        humans = [e for e in ag.employees if e.status == "active"]
        # coworkers renewing at a field office
        for e in r.sample(humans, min(len(humans), scale + 1)):
            office = e.site if e.site.kind == "office" else self.office_for(e.person)
            self._schedule(r, e.person, "coworker_counter_transaction",
                           "%s (%s, %s) is served as a customer" % (e.login, e.role, e.unit),
                           exclude={e.eid}, office=office)
        # coworkers calling the contact centre
        agents = [e for e in ag.employees if e.role == "cc_agent" and e.status == "active"]
        for e in r.sample(humans, min(len(humans), max(1, scale // 2))):
            for _ in range(10):
                d = r.choice(self.biz_days())
                a = r.choice(agents)
                if a.works(d, self.cal) and a is not e:
                    self.calls.setdefault((d, a.login), []).append(
                        {"person": e.person, "hn": "coworker_called_contact_center",
                         "note": "%s calls about a registration" % e.login, "tx": "PHONE_INQUIRY"})
                    break
        # staff relatives served by a colleague
        rel_rows = [a for a in wr.assoc if a["relation"] in ("spouse", "family", "partner")]
        for a in r.sample(rel_rows, min(len(rel_rows), scale)):
            self._schedule(r, a["_person"], "staff_relative_served_by_colleague",
                           "%s of %s served by a colleague" % (a["relation"], a["employee_id"]),
                           exclude={a["employee_id"]})
        # customers who share a name with staff (new invented people, same first+last name)
        pop = ag.pop
        office_staff = [e for e in humans if e.site.kind == "office"]
        for i, e in enumerate(r.sample(office_staff, min(len(office_staff), scale + 1))):
            twin = pop.add(pop.new_person(last=e.person.last, first=e.person.first, sex=e.person.sex,
                                          town=r.choice(e.site.catchment)))
            wr.public.append(twin)
            if i == 0 and e.role == "counter_clerk":
                for _ in range(12):
                    d = r.choice(self.biz_days())
                    if e.works(d, self.cal):
                        self.add_visit(d, e, {"person": twin, "hn": "customer_same_name_as_actor",
                                              "note": "clerk %s serves a customer with the same name" % e.login,
                                              "tx": "DL_RENEWAL"})
                        break
            else:
                self._schedule(r, twin, "customer_same_name_as_staff",
                               "customer shares first and last name with %s" % e.login,
                               exclude={e.eid}, office=e.site)
        for a in r.sample(rel_rows, min(len(rel_rows), max(1, scale // 2))):
            q = a["_person"]
            twin = pop.add(pop.new_person(last=q.last, first=q.first, sex=q.sex))
            wr.public.append(twin)
            self._schedule(r, twin, "customer_same_name_as_staff_relative",
                           "customer shares a name with a relative of %s" % a["employee_id"])
        for w in r.sample(wr.watch, 2):
            q = w[0]
            twin = pop.add(pop.new_person(last=q.last, first=q.first, sex=q.sex))
            wr.public.append(twin)
            self._schedule(r, twin, "customer_same_name_as_watchlisted",
                           "customer shares a name with a watchlisted %s" % w[1])
        # same apartment building as a staff member
        with_unit = [e for e in humans if e.person.addr.unit]
        for e in r.sample(with_unit, min(len(with_unit), max(1, scale // 2))):
            a = e.person.addr
            addr = pop.new_address(pop.town_by_name(a.town), r)
            addr.no, addr.pre, addr.street, addr.stype, addr.zip = a.no, a.pre, a.street, a.stype, a.zip
            addr.unit = a.unit[:-1] + ("B" if a.unit[-1] != "B" else "C") if a.unit[-1].isalpha() \
                else str(int(a.unit) + 1) if a.unit.isdigit() else a.unit + "A"
            q = pop.add(pop.new_person(addr=addr))
            wr.public.append(q)
            self._schedule(r, q, "customer_same_building_as_staff",
                           "customer lives in the same building as %s" % e.login,
                           exclude={e.eid}, tx="ADDRESS_CHANGE")

    # -- an insider investigation with a clerk as subject -------------------------------------
    def _insider(self, r):
        ag, wr = self.ag, self.wr
        inv = [e for e in ag.employees if e.role == "fraud_investigator"]
        sup = ag.unit_sups["fraud_supervisor"][0]
        dui = self.news["dui"]["employee"]
        clerks = [e for e in ag.employees if e.role == "counter_clerk" and e.status == "active"
                  and e is not dui]
        subj = r.choice(clerks)
        opened = -r.randint(3, 30)
        c = wr._inv_case(r, "INV-%d-%04d" % (2025, 900 + r.randint(1, 99)), opened, None, r.choice(inv))
        c.meta["type"] = "insider_id_fraud"
        c.assign.append((sup.login, opened, None))
        c.subjects.insert(0, subj.person)
        c.meta["staff_subject"] = subj
        self.news["insider"] = {"case": c, "subject": subj}
        self.protected_cases.add(c.cid)

    # -- a medical-review caseload transfer mid-window ----------------------------------------
    def _transfer(self, r):
        ag, wr, D = self.ag, self.wr, self.ag.days
        med = [e for e in ag.employees if e.role == "medical_analyst" and e.status == "active"]
        if len(med) < 2 or D < 6:
            return
        a, b = r.sample(med, 2)
        t = next((d for d in range(D // 2, D) if is_biz(d)), None)
        if t is None:
            return
        mine = [c for c in wr.cases.values() if c.kind in ("MR", "DI") and c.assign[0][0] == a.login
                and c.opened < 0 and c.closed is None and c.cid not in self.protected_cases]
        moved = r.sample(mine, min(len(mine), 8))
        for c in moved:
            lg, f, _ = c.assign[0]
            c.assign[0] = (lg, f, t - 1)
            c.assign.append((b.login, t, None))
        self.news["transfer"] = {"from": a, "to": b, "day": t, "cases": moved}
