#!/usr/bin/env python3
"""Independent synthetic world 'i': a state border and customs agency.

Written only from CONTRACT.md, the reference log formats and a description of
real data.  Python 3 standard library only; deterministic for a given seed.

    python3 gen.py --seed 901 --users 80 --days 14 --out DIR [--no-inject]
"""
import argparse
import json
import math
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from names import (FIRST_M, FIRST_F, SURNAMES, RARE_SURNAMES, NICK, STREETS,  # noqa: E402
                   STREET_TYPES, DIRS, FOREIGN_STREETS, FOREIGN_CITIES)
from util import (DAY_MS, MIN_MS, H_MS, off_min, local_to_ms, fmt_ts, label_ts,  # noqa: E402
                  day_str, hid, typo, case_style, type_plate, type_phone, type_address,
                  type_case, local_minute_of_day)
import inject  # noqa: E402

EXEMPT = ["PRIMARY", "BORDER INSPECTION", "SECONDARY", "CARGO INSPECTION", "BOLO CHECK",
          "FOIA REQUEST", "SYSTEM MAINTENANCE", "SCHEDULED BATCH"]

SITE = {
    "HBR": ("HARLAN BRIDGE POE", 31.7812, -106.4971),
    "DFK": ("DRY FORK POE", 31.3338, -108.1042),
    "CGP": ("CEDAR GAP POE", 31.3411, -109.5983),
    "SIN": ("SANTA INES POE", 31.3372, -110.9481),
    "KIA": ("KESSLER INTL AIRPORT POE", 32.1161, -110.9410),
    "HQ": ("HQ ALDER CITY", 32.3503, -108.2011),
}
LAND = ["HBR", "DFK", "CGP", "SIN"]
PORTS = LAND + ["KIA"]
CITIES = {"HBR": ["HARLAN", "EAST HARLAN"], "DFK": ["DRY FORK", "COLUMBINE"],
          "CGP": ["CEDAR GAP", "PORTAL"], "SIN": ["SANTA INES", "NOVILLO"],
          "KIA": ["KESSLER", "ORO BLANCO"], "HQ": ["ALDER CITY", "MIMBRES"]}
AREA = {"HBR": "915", "DFK": "575", "CGP": "575", "SIN": "520", "KIA": "520", "HQ": "575"}
UNIT_OF_PORT = {p: "OFO-" + p for p in PORTS}

SYS = {  # system -> (id prefix, timestamp style)
    "TRAVELER": ("trv", "Zms"),
    "LPR": ("lpr", "OFF"),
    "NCIC": ("ncic", "Z"),
    "DMV": ("dmv", "P00"),
    "CASEMGMT": ("cms", "OFFms"),
    "TARGETING": ("tgt", "Zms"),
    "SSO": ("sso", "OFF"),
}
TRAFFIC = [0.25, 0.2, 0.15, 0.15, 0.2, 0.45, 0.8, 1.1, 1.3, 1.3, 1.2, 1.2,
           1.2, 1.2, 1.3, 1.4, 1.4, 1.3, 1.1, 0.9, 0.7, 0.55, 0.45, 0.35]
PLATOON_START = {"DAY": 360, "EVE": 840, "NIGHT": 1320}
REF_COLUMNS = {
    "personnel.csv": ["user", "employee_id", "person_id", "last_name", "first_name", "dob",
                      "address", "phone", "plate", "unit", "supervisor", "site", "status",
                      "end_date"],
    "associations.csv": ["employee_id", "relation", "person_id", "last_name", "first_name",
                         "dob", "address", "phone", "plate", "valid_from", "valid_to", "source"],
    "cases.csv": ["case_id", "status", "opened", "closed", "unit"],
    "case_assignments.csv": ["case_id", "user", "from", "to"],
    "case_subjects.csv": ["case_id", "person_id", "last_name", "first_name", "dob", "address",
                          "phone", "plate"],
    "watchlist.csv": ["person_id", "last_name", "first_name", "dob", "category"],
    "clients.csv": ["client", "site", "lat", "lon"],
}


def haversine(a, b):
    la1, lo1 = math.radians(a[0]), math.radians(a[1])
    la2, lo2 = math.radians(b[0]), math.radians(b[1])
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742.0 * math.asin(math.sqrt(h))


class U:
    """One login."""
    __slots__ = ("login", "emp", "pidx", "pid", "unit", "sup", "site", "status", "end_k",
                 "role", "port", "p0", "p1", "bid", "off0", "off1", "hire_k", "loan", "desk",
                 "laptop", "main", "shifts", "segs", "days_worked", "rel_rows", "idx")

    def __init__(self, **kw):
        for s in self.__slots__:
            setattr(self, s, kw.get(s))


class World:
    def __init__(self, seed, users, days, start, inject_on):
        self.seed, self.nusers, self.days, self.inject_on = seed, users, days, inject_on
        y, m, d = (int(x) for x in start.split("-"))
        import datetime as _dt
        self.day0 = (_dt.date(y, m, d) - _dt.date(1970, 1, 1)).days * DAY_MS
        self.start_date = _dt.date(y, m, d)
        self.t_end = local_to_ms(self.day0, days, 0)
        self.store = []          # (ms, grp, seq, line)
        self.seq = [0, 0]
        self.hn = {}             # class -> [(id, note)]
        self.P = []              # persons
        self.seg_by_user = {}
        self.inj_ms = {}         # injected event id -> instant
        self.daycount = {}       # (login, utc day) -> legit query count
        self._night_ids = []

    # ------------------------------------------------------------ helpers
    def R(self, name):
        return random.Random("%d-%s" % (self.seed, name))

    def dstr(self, k):
        return day_str(self.day0, k)

    def lms(self, k, minute):
        return local_to_ms(self.day0, k, minute)

    def weekday(self, k):
        return (self.start_date.weekday() + k) % 7

    def hn_add(self, cls, eid, note):
        self.hn.setdefault(cls, []).append((eid, note))

    # ------------------------------------------------------------ persons
    def new_person(self, rng, last=None, first=None, dob=None, home=None, foreign=None, sex=None):
        n = len(self.P)
        pid = "P%08d" % (10000000 + n * 7 + rng.randrange(7))
        if sex is None:
            sex = rng.random() < 0.5
        first = first or rng.choice(FIRST_M if sex else FIRST_F)
        last = last or rng.choice(SURNAMES)
        if rng.random() < 0.08 and last not in ("DE LA CRUZ", "DE LEON"):
            last = last + "-" + rng.choice(SURNAMES).replace(" ", "")
        mid = rng.choice("ABCDEFGJLMRST") if rng.random() < 0.7 else ""
        if dob is None:
            dob = "%04d-%02d-%02d" % (rng.randint(1945, 2008), rng.randint(1, 12), rng.randint(1, 28))
        if foreign is None:
            foreign = rng.random() < 0.38
        if foreign:
            addr = "%s %d, %s" % (rng.choice(FOREIGN_STREETS), rng.randint(1, 2400), rng.choice(FOREIGN_CITIES))
            phone = "52%s" % "".join(str(rng.randrange(10)) for _ in range(8))
            plate = "%s%04d" % ("".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3)), rng.randrange(10000))
            nat = "MEX"
        else:
            home = home or rng.choice(list(CITIES))
            addr = self.new_address(rng, home)
            phone = AREA[home] + "%07d" % rng.randrange(2000000, 9999999)
            plate = "%s%04d" % ("".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3)), rng.randrange(10000))
            nat = "USA"
        if rng.random() < 0.12:
            plate = ""
        self.P.append((pid, last, first, mid, dob, addr, phone, plate, nat))
        return n

    def new_address(self, rng, home, street=None, number=None):
        st = street or (rng.choice(DIRS)[0] + " " if rng.random() < 0.4 else "") + \
            rng.choice(STREETS) + " " + rng.choice(STREET_TYPES)[0]
        num = number or rng.randint(100, 9899)
        unit = " APT %d" % rng.randint(1, 40) if rng.random() < 0.25 else ""
        return "%d %s%s, %s" % (num, st, unit, rng.choice(CITIES[home]))

    def type_name(self, rng, last, first, mid, wildcard=False):
        r = rng.random()
        l, f = last, first
        if r < 0.38:
            pass
        elif r < 0.5:
            f = first[0]
        elif r < 0.6 and first in NICK:
            f = rng.choice(NICK[first])
        elif r < 0.68:
            l = typo(rng, last)
        elif r < 0.73:
            f = ""
        elif r < 0.77:
            l, f = first, last
        elif r < 0.82 and mid:
            f = first + " " + mid
        elif r < 0.86:
            l = last.replace(" ", "").replace("-", " ").replace("'", "")
        if wildcard:
            l = l.replace(" ", "")[:rng.randint(3, 5)] + "*"
        return case_style(rng, l), case_style(rng, f)

    def whole_name(self, rng, last, first, mid):
        r = rng.random()
        if r < 0.4:
            s = "%s, %s%s" % (last, first, " " + mid if mid else "")
        elif r < 0.65:
            s = "%s %s" % (first.title(), last.title())
        elif r < 0.8:
            s = "%s %s" % (last, first)
        elif r < 0.9:
            s = "%s %s" % (first[0], last)
        else:
            s = "%s,%s" % (last, first)
        return case_style(rng, s) if rng.random() < 0.3 else s

    # ------------------------------------------------------------ events
    def ev(self, grp, ms, system, user, action, seg, purpose=None, case=None, subj=None,
           rc=None, qt=None, nested=None, extra=None):
        pre, style = SYS[system]
        if style in ("Z", "P00", "OFF"):
            ms -= ms % 1000
        s = self.seq[grp]
        self.seq[grp] = s + 1
        eid = "%s-%s" % (pre, hid(self.seed, "LI"[grp], s))
        d = {"id": eid, "ts": fmt_ts(ms, style), "user": user, "action": action, "system": system}
        if seg is not None:
            d["session"] = seg[3]
            d["client"] = seg[2]
            d["ip"] = seg[4]
        if system in ("TRAVELER", "NCIC", "CASEMGMT"):
            if action not in ("login", "logout", "login_failed"):
                d["case_id"] = case or ""
        elif case:
            d["case_id"] = case
        if purpose:
            d["purpose"] = purpose
        if subj:
            if nested or (nested is None and system == "NCIC"):
                d["subject"] = subj
            else:
                for k, v in subj.items():
                    d["subject_" + k] = v
        if rc is not None:
            d["result_count"] = rc
        if qt:
            d["query_text"] = qt
        if extra:
            d.update(extra)
        self.store.append((ms, grp, s, json.dumps(d, separators=(",", ":"))))
        if grp:
            self.inj_ms[eid] = ms
        elif system != "SSO":
            key = (user, ms // DAY_MS)
            self.daycount[key] = self.daycount.get(key, 0) + 1
        return eid

    def sso(self, grp, ms, u, seg, action):
        return self.ev(grp, ms, "SSO", u, action, seg,
                       extra={"app": "BCA-PORTAL", "outcome": "failure" if action == "login_failed" else "success"})

    # typed look-ups shared by legitimate work and injection ---------------------
    def lookup(self, grp, rng, ms, user, seg, pidx, how, purpose, case, dob=True):
        """One typed query about person pidx; returns list of event ids (fan-out possible)."""
        pid, last, first, mid, pdob, addr, phone, plate, nat = self.P[pidx]
        ids = []
        if how == "doc":
            ids.append(self.ev(grp, ms, "TRAVELER", user, "query", seg, purpose, case,
                               {"person_id": pid, "name": "%s, %s%s" % (last, first, " " + mid if mid else ""),
                                "dob": pdob}, 1, "DOC/%s/%s" % (nat, pid)))
        elif how == "pid":
            ids.append(self.ev(grp, ms, "TRAVELER", user, "query", seg, purpose, case,
                               {"person_id": pid, "name": self.whole_name(rng, last, first, mid)}, 1,
                               "PID=%s" % pid))
        elif how in ("name_dob", "name_only"):
            l, f = self.type_name(rng, last, first, mid)
            sj = {"last_name": l, "first_name": f}
            if how == "name_dob" and (dob or rng.random() < 0.85):
                sj["dob"] = pdob
            ids.append(self.ev(grp, ms, "NCIC", user, "query", seg,
                               "C" if purpose in ("INVESTIGATION", "INTERNAL INVESTIGATION", "TARGETING") else purpose,
                               case, sj, rng.choice([0, 1, 1, 1, 2]),
                               "QW/NAM=%s,%s%s" % (l, f, "/DOB=" + sj["dob"].replace("-", "") if "dob" in sj else "")))
        elif how == "fan":
            l, f = self.type_name(rng, last, first, mid)
            give_dob = dob or rng.random() < 0.85
            sj = {"last_name": l, "first_name": f}
            if give_dob:
                sj["dob"] = pdob
            ncp = "C" if purpose in ("INVESTIGATION", "INTERNAL INVESTIGATION", "TARGETING") else purpose
            ids.append(self.ev(grp, ms, "NCIC", user, "query", seg, ncp, case, dict(sj), 1,
                               "QW/NAM=%s,%s" % (l, f)))
            ids.append(self.ev(grp, ms + rng.randint(0, 400), "TRAVELER", user, "query", seg, purpose, case,
                               {"name": "%s, %s" % (l, f), "dob": sj.get("dob", "")}, rng.randint(0, 3),
                               "NAME=%s,%s" % (l, f)))
            if rng.random() < 0.6:
                ids.append(self.ev(grp, ms + rng.randint(0, 600), "DMV", user, "query", seg, purpose, case,
                                   dict(sj), rng.randint(0, 2), None))
            if grp == 0 and rng.random() < 0.3:
                for e in ids:
                    self.hn_add("fan_out_same_second", e, "one typed query sent to %d systems" % len(ids))
        elif how == "plate":
            if not plate:
                return ids
            ids.append(self.ev(grp, ms, "LPR", user, "query", seg, purpose, case,
                               {"plate": type_plate(rng, plate)}, rng.randint(0, 40), None))
        elif how == "addr":
            ta = type_address(rng, addr)
            ids.append(self.ev(grp, ms, "DMV", user, "query", seg, purpose, case,
                               {"address": ta}, rng.randint(1, 4), None))
            if grp == 0 and ta.upper() != addr:
                self.hn_add("address_typed_spoken", ids[-1], "typed %r for %r" % (ta, addr))
        elif how == "phone":
            ids.append(self.ev(grp, ms, "DMV", user, "query", seg, purpose, case,
                               {"phone": type_phone(rng, phone)}, rng.randint(0, 2), None))
        elif how == "cms":
            l, f = self.type_name(rng, last, first, mid)
            ids.append(self.ev(grp, ms, "CASEMGMT", user, "search", seg, purpose, case,
                               {"person_id": pid, "last_name": l, "first_name": f}, rng.randint(1, 3),
                               "subject search", nested=True))
        return ids

    # ------------------------------------------------------------ reference world
    def build_refs(self):
        rng = self.R("refs")
        N = self.nusers
        # strangers: the travelling public
        S = max(12000, N * 180)
        for _ in range(S):
            self.new_person(rng)
        self.S = S
        # ---- logins
        n_svc = 3
        n_it = max(2, round(0.025 * N))
        n_ia = max(2, round(0.02 * N))
        n_rec = max(2, round(0.035 * N))
        n_intel = max(3, round(0.06 * N))
        n_inv = max(5, round(0.11 * N))
        n_sup = max(7, round(0.07 * N))
        n_port = N - (n_svc + n_it + n_ia + n_rec + n_intel + n_inv + n_sup)
        roles = (["dir"] + ["invsup"] + ["sup"] * (n_sup - 2) + ["port"] * n_port + ["inv"] * n_inv +
                 ["intel"] * (n_intel - 1) + ["rec"] * n_rec + ["it"] * (n_it - 1) + ["ia"] * n_ia)
        # (two extra logins: an IT admin login and an analyst's second login; three service accounts)
        used = {}
        self.users = []
        emp_no = rng.sample(range(10000, 99999), N + 5)
        sup_slots = [(p, pl) for pl in ("DAY", "EVE", "NIGHT") for p in PORTS]
        port_w = [("HBR", 0.27), ("DFK", 0.17), ("CGP", 0.16), ("SIN", 0.16), ("KIA", 0.24)]
        for i, role in enumerate(roles):
            home_site = "HQ"
            port = None
            if role in ("port", "sup"):
                if role == "sup":
                    port, p0 = sup_slots[(i - 2) % len(sup_slots)]
                else:
                    r = rng.random()
                    acc = 0
                    for p, w in port_w:
                        acc += w
                        if r < acc:
                            port = p
                            break
                    port = port or "KIA"
                    p0 = rng.choices(["DAY", "EVE", "NIGHT"], [0.42, 0.35, 0.23])[0]
                home_site = port
            else:
                p0 = None
            sex = rng.random() < 0.62
            pidx = self.new_person(rng, home=home_site if rng.random() < 0.8 else rng.choice(list(CITIES)),
                                   foreign=False, sex=sex,
                                   dob="%04d-%02d-%02d" % (rng.randint(1962, 2002), rng.randint(1, 12), rng.randint(1, 28)))
            last, first = self.P[pidx][1], self.P[pidx][2]
            base = (first[0] + last.replace(" ", "").replace("-", "").replace("'", "")).lower()[:9]
            login = base
            while login in used:
                used[base] = used.get(base, 1) + 1
                login = base + str(used[base])
            used[login] = 1
            unit = {"dir": "COMMAND", "invsup": "INVESTIGATIONS", "inv": "INVESTIGATIONS",
                    "intel": "INTEL-TARGETING", "rec": "RECORDS-FOIA", "it": "IT",
                    "ia": "INTERNAL-AFFAIRS"}.get(role) or UNIT_OF_PORT[port]
            u = U(login=login, emp="E%05d" % emp_no[i], pidx=pidx,
                  pid=self.P[pidx][0] if rng.random() < 0.9 else "", unit=unit, site=SITE[home_site][0],
                  status="active", end_k=None, role=role, port=port, p0=p0, p1=p0, bid=False,
                  hire_k=None, loan=None, main=None, idx=i)
            self.users.append(u)
        # supervisors
        director = self.users[0]
        invsup = self.users[1]
        sup_of = {}
        for u in self.users:
            if u.role == "sup":
                sup_of.setdefault((u.port, u.p0), u)
                sup_of.setdefault((u.port, None), u)
        for u in self.users:
            if u.role in ("dir",):
                u.sup = ""
            elif u.role in ("sup", "invsup", "it", "ia", "rec"):
                u.sup = director.emp
            elif u.role in ("inv", "intel"):
                u.sup = invsup.emp
            else:
                s = sup_of.get((u.port, u.p0)) or sup_of.get((u.port, None)) or director
                u.sup = s.emp
        # extra logins sharing an employee_id
        it0 = next(u for u in self.users if u.role == "it")
        an0 = next(u for u in self.users if u.role == "intel")
        extra = [U(login="adm_" + it0.login, emp=it0.emp, pidx=it0.pidx, pid=it0.pid, unit="IT",
                   sup=it0.sup, site=it0.site, status="active", role="itadm", main=it0),
                 U(login=an0.login + "_tgt", emp=an0.emp, pidx=an0.pidx, pid=an0.pid,
                   unit="INTEL-TARGETING", sup=an0.sup, site=an0.site, status="active",
                   role="intel2", main=an0)]
        svcs = [U(login=n, emp="SVC-%02d" % j, pidx=None, pid="", unit="IT", sup=it0.emp,
                  site=SITE["HQ"][0], status="active", role="svc") for j, n in
                enumerate(["svc_tgt_export", "svc_lpr_sync", "svc_rpt_batch"], 1)]
        self.users.extend(extra + svcs)
        for i, u in enumerate(self.users):
            u.idx = i
        self.by_login = {u.login: u for u in self.users}
        self.by_emp = {}
        for u in self.users:
            if u.role not in ("svc", "itadm", "intel2"):
                self.by_emp[u.emp] = u
        self.humans = [u for u in self.users if u.role not in ("svc", "itadm", "intel2")]
        # statuses: terminated / leave (some before the window, most inside)
        cand = [u for u in self.humans if u.role in ("port", "inv", "rec")]
        rng.shuffle(cand)
        n_term = max(2, round(0.025 * N))
        n_leave = max(2, round(0.02 * N))
        for j, u in enumerate(cand[:n_term + n_leave]):
            u.status = "terminated" if j < n_term else "leave"
            if j % 3 == 0:
                u.end_k = -rng.randint(3, 60)
            else:
                u.end_k = rng.randint(max(2, self.days // 5), max(3, self.days * 3 // 5))
        # new hires
        ph = [u for u in self.humans if u.role == "port" and u.status == "active"]
        rng.shuffle(ph)
        for u in ph[:max(2, round(0.03 * N))]:
            u.hire_k = rng.randint(1, max(2, int(self.days * 0.4)))
        # shift bids and loans
        self.bid_k = self.days // 2 if self.days >= 10 else None
        for u in self.humans:
            if u.role == "port" and u.hire_k is None and self.bid_k and rng.random() < 0.22:
                u.bid = True
                u.p1 = rng.choice([p for p in ("DAY", "EVE", "NIGHT") if p != u.p0])
            if u.role == "port" and u.port != "KIA" and u.hire_k is None and rng.random() < 0.07:
                k0 = rng.randint(0, max(0, self.days - 8))
                others = sorted(LAND, key=lambda p: haversine(SITE[p][1:], SITE[u.port][1:]))
                u.loan = (k0, k0 + rng.randint(5, 9), others[1])
        # ---- employee identity in personnel
        self.emp_names = {}
        for u in self.humans:
            p = self.P[u.pidx]
            self.emp_names.setdefault((p[1], p[2]), []).append(u.login)
        # ---- associations
        self.assoc = []  # (emp, relation, pidx, row)
        self.assoc_of = {}
        rels = [("family", 0.28), ("spouse", 0.14), ("partner", 0.05), ("ex_partner", 0.16),
                ("neighbor", 0.2), ("associate", 0.11), ("protected_party", 0.06)]
        for u in self.humans:
            p = self.P[u.pidx]
            for _ in range(rng.choice([1, 1, 2, 2, 3])):
                r = rng.random()
                acc = 0
                rel = "associate"
                for name, w in rels:
                    acc += w
                    if r < acc:
                        rel = name
                        break
                city = p[5].split(", ")[-1]
                home = next((h for h in CITIES if city in CITIES[h]), "HQ")
                if rel in ("spouse", "partner"):
                    ai = self.new_person(rng, last=p[1] if rng.random() < 0.6 else None, foreign=False, home=home)
                    a = list(self.P[ai])
                    a[5] = p[5]
                    self.P[ai] = tuple(a)
                elif rel == "family":
                    ai = self.new_person(rng, last=p[1], foreign=rng.random() < 0.2, home=home)
                elif rel == "neighbor":
                    parts = p[5].split(", ")[0].split(" ")
                    num = int(parts[0])
                    st = " ".join(t for t in parts[1:] if t != "APT")
                    st = st.split(" APT")[0]
                    street_tokens = parts[1:]
                    if "APT" in street_tokens:
                        street_tokens = street_tokens[:street_tokens.index("APT")]
                    ai = self.new_person(rng, foreign=False, home=home)
                    a = list(self.P[ai])
                    a[5] = "%d %s, %s" % (num + rng.choice([-4, -2, 2, 4, 6]), " ".join(street_tokens), city)
                    self.P[ai] = tuple(a)
                else:
                    ai = self.new_person(rng, foreign=rng.random() < 0.25, home=home)
                a = self.P[ai]
                vf = "%04d-%02d-%02d" % (rng.randint(2008, 2024), rng.randint(1, 12), rng.randint(1, 28))
                vt = ""
                if rel == "protected_party":
                    vt = "%04d-%02d-%02d" % (self.start_date.year + 1, rng.randint(1, 12), rng.randint(1, 28))
                src = {"ex_partner": "HR disclosure", "spouse": "emergency contact", "partner": "HR disclosure",
                       "family": "emergency contact", "neighbor": "address match",
                       "associate": "background investigation", "protected_party": "court order"}[rel]
                row = {"employee_id": u.emp, "relation": rel, "person_id": a[0] if rng.random() < 0.8 else "",
                       "last_name": a[1], "first_name": a[2], "dob": a[4] if rng.random() < 0.85 else "",
                       "address": a[5], "phone": a[6] if rng.random() < 0.6 else "", "plate": a[7],
                       "valid_from": vf, "valid_to": vt, "source": src}
                self.assoc.append((u.emp, rel, ai, row))
                self.assoc_of.setdefault(u.emp, []).append((rel, ai, row))
        # ---- watchlist
        self.watch = []
        cats = ["celebrity"] * 10 + ["athlete"] * 6 + ["official"] * 10 + ["journalist"] * 7 + ["judge"] * 3
        rare = list(RARE_SURNAMES)
        rng.shuffle(rare)
        for j, c in enumerate(cats):
            wi = self.new_person(rng, last=rare[j % len(rare)], foreign=rng.random() < 0.15)
            self.watch.append((wi, c))
        self.watch_set = {wi for wi, _ in self.watch}
        # ---- namesakes of employees (different people, same name)
        self.namesakes = []
        for u in self.humans:
            if rng.random() < 0.1:
                p = self.P[u.pidx]
                ni = self.new_person(rng, last=p[1], first=p[2], foreign=rng.random() < 0.5)
                self.namesakes.append((ni, u.login))
        # ---- cases
        self.build_cases(rng)
        # ---- clients
        self.build_clients(rng)

    def build_cases(self, rng):
        self.cases = {}        # cid -> dict(status, opened_k, closed_k, unit)
        self.case_subj = {}    # cid -> [pidx]
        self.assign = {}       # cid -> [(login, from_k, to_k)]
        self.user_cases = {}   # login -> [(cid, from_k, to_k)]
        seqn = {}

        def new_cid(year):
            n = seqn.get(year, rng.randint(800, 2400)) + rng.randint(1, 9)
            seqn[year] = n
            return "BCI-%d-%06d" % (year, n)

        def add_case(unit, opened_k, closed_k):
            y = (self.start_date.toordinal() + opened_k)
            import datetime as _dt
            year = _dt.date.fromordinal(y).year
            cid = new_cid(year)
            self.cases[cid] = {"opened_k": opened_k, "closed_k": closed_k, "unit": unit}
            return cid

        def assign(cid, login, fk, tk):
            self.assign.setdefault(cid, []).append((login, fk, tk))
            self.user_cases.setdefault(login, []).append((cid, fk, tk))

        D = self.days
        inv = [u for u in self.humans if u.role == "inv"]
        intel = [u for u in self.humans if u.role == "intel"]
        ia = [u for u in self.humans if u.role == "ia"]
        invsup = self.users[1]
        specs = []
        for j in range(len(inv) * 11 + 10):
            opened = rng.randint(-700, D - 3)
            r = rng.random()
            closed = None
            if r < 0.2:
                closed = min(-1, opened + rng.randint(30, 400)) if opened < -30 else None
            elif r < 0.42:
                closed = max(opened + 5, rng.randint(2, max(3, D - 2)))
            specs.append(("INVESTIGATIONS", opened, closed))
        for j in range(len(intel) * 5 + 4):
            opened = rng.randint(-400, D - 3)
            closed = max(opened + 10, rng.randint(2, max(3, D - 2))) if rng.random() < 0.2 else None
            specs.append(("INTEL-TARGETING", opened, closed))
        specs.sort(key=lambda s: s[1])
        for unit, opened, closed in specs:
            cid = add_case(unit, opened, closed)
            subs = rng.sample(range(self.S * 3 // 100, self.S), rng.choice([1, 2, 2, 3, 3, 4, 5, 6]))
            self.case_subj[cid] = subs
            team = inv if unit == "INVESTIGATIONS" else intel
            lead = rng.choice(team)
            if rng.random() < 0.12 and len(team) > 1 and (closed is None or closed > 4) and opened < D - 5:
                # re-assigned inside the window
                mid = rng.randint(max(2, opened + 1), max(3, D - 3) if closed is None else closed - 1)
                other = rng.choice([t for t in team if t is not lead])
                assign(cid, lead.login, opened, mid)
                assign(cid, other.login, mid, closed)
            else:
                assign(cid, lead.login, opened, closed)
            if rng.random() < 0.35 and len(team) > 1:
                partner = rng.choice([t for t in team if t is not lead])
                pf = opened + rng.randint(0, 20)
                if closed is None or pf < closed:
                    assign(cid, partner.login, pf, closed)
            if unit == "INVESTIGATIONS" or rng.random() < 0.5:
                assign(cid, invsup.login, opened, closed)
        # internal affairs cases about employees
        self.ia_cases = []
        for j in range(max(2, len(ia) * 3)):
            opened = rng.randint(-200, max(1, D // 2))
            cid = add_case("INTERNAL-AFFAIRS", opened, None)
            targets = rng.sample([u for u in self.humans if u.role in ("port", "sup", "inv") and u.pid], 1 + (rng.random() < 0.3))
            self.case_subj[cid] = [t.pidx for t in targets]
            for a in rng.sample(ia, min(len(ia), rng.choice([1, 1, 2]))):
                assign(cid, a.login, opened, None)
            self.ia_cases.append(cid)
        # BOLO case and the person it is about
        opened = max(-30, rng.randint(-30, max(1, D // 3 - 1)))
        self.bolo_case = add_case("INVESTIGATIONS", opened, None)
        bp = self.new_person(rng, foreign=False)
        self.case_subj[self.bolo_case] = [bp]
        assign(self.bolo_case, rng.choice(inv).login, opened, None)
        assign(self.bolo_case, invsup.login, opened, None)
        self.bolo_person = bp
        self.bolo_k = max(opened + 1, min(D - 1, D // 3))

    def build_clients(self, rng):
        self.clients = {}   # client -> (site_code, lat, lon, ip)
        self.port_clients = {}
        for si, p in enumerate(PORTS, 1):
            name, lat, lon = SITE[p]
            d = {"PB": [], "SEC": [], "CG": [], "MOB": []}
            nb = 12 if p == "KIA" else rng.randint(6, 10)
            for b in range(1, nb + 1):
                c = "%s-PB%02d" % (p, b)
                self.clients[c] = (p, lat + 0.0004 * b, lon, "10.%d.1.%d" % (si * 10, 20 + b))
                d["PB"].append(c)
            for b in range(1, 4):
                c = "%s-SEC%02d" % (p, b)
                self.clients[c] = (p, lat + 0.001, lon + 0.001, "10.%d.2.%d" % (si * 10, 10 + b))
                d["SEC"].append(c)
            if p != "KIA":
                for b in range(1, 3):
                    c = "%s-CG%02d" % (p, b)
                    self.clients[c] = (p, lat - 0.011, lon + 0.008, "10.%d.3.%d" % (si * 10, 10 + b))
                    d["CG"].append(c)
                c = "%s-MOB01" % p
                self.clients[c] = (p, lat, lon, "")
                d["MOB"].append(c)
            self.port_clients[p] = d
        name, lat, lon = SITE["HQ"]
        for j, u in enumerate(self.users):
            if u.role in ("port", "sup"):
                continue
            if u.main is not None:
                u.desk = u.main.desk
                continue
            if u.role == "svc":
                u.desk = "HQ-BATCH01"
                self.clients.setdefault(u.desk, ("HQ", lat - 0.002, lon + 0.002, "10.90.9.5"))
                continue
            tag = {"dir": "CMD", "invsup": "INV", "inv": "INV", "intel": "INT", "rec": "REC",
                   "it": "IT", "ia": "IA"}[u.role]
            u.desk = "HQ-%s-WS%03d" % (tag, j)
            self.clients[u.desk] = ("HQ", lat + 0.0001 * (j % 50), lon, "10.90.%d.%d" % (1 + j // 200, 10 + j % 200))
            if u.role in ("inv", "invsup", "ia", "it"):
                u.laptop = "LT-%s-%03d" % (tag, j)
                self.clients[u.laptop] = ("HQ", lat, lon, "")

    # ------------------------------------------------------------ schedules
    def build_schedules(self):
        D = self.days
        for u in self.users:
            rng = self.R("sched-" + u.login)
            u.shifts = []     # (k, platoon, port, tags)
            u.days_worked = set()
            if u.role in ("port", "sup"):
                d0 = rng.randrange(7)
                u.off0 = {d0, (d0 + 1) % 7}
                d1 = rng.randrange(7) if u.bid else d0
                u.off1 = {d1, (d1 + 1) % 7}
                for k in range(D):
                    if u.end_k is not None and k >= u.end_k:
                        break
                    if u.hire_k is not None and k < u.hire_k:
                        continue
                    after_bid = self.bid_k is not None and k >= self.bid_k
                    pl = u.p1 if after_bid else u.p0
                    off = u.off1 if after_bid else u.off0
                    port = u.port
                    tags = []
                    if u.loan and u.loan[0] <= k < u.loan[1]:
                        port = u.loan[2]
                        tags.append("loan")
                    if u.bid and after_bid:
                        tags.append("bid")
                    if u.hire_k is not None and k < u.hire_k + 14:
                        tags.append("newhire")
                    if self.weekday(k) in off:
                        if u.role == "port" and rng.random() < 0.06 and "newhire" not in tags:
                            u.shifts.append((k, rng.choice(["DAY", "EVE", "NIGHT"]), port, tags + ["overtime"]))
                        continue
                    if rng.random() < 0.035:
                        continue  # leave day
                    u.shifts.append((k, pl, port, tags))
                    if u.role == "port" and rng.random() < 0.03 and "newhire" not in tags:
                        nxt = {"DAY": "EVE", "EVE": "NIGHT", "NIGHT": None}[pl]
                        if nxt:
                            u.shifts.append((k, nxt, port, tags + ["overtime"]))
            elif u.role in ("dir", "invsup", "inv", "intel", "rec", "it", "ia", "itadm", "intel2"):
                for k in range(D):
                    if u.end_k is not None and k >= u.end_k:
                        break
                    wd = self.weekday(k)
                    if wd >= 5:
                        if u.role == "inv" and rng.random() < 0.05:
                            u.shifts.append((k, "OFFICE", "HQ", ["weekend"]))
                        continue
                    if rng.random() < 0.04:
                        continue
                    u.shifts.append((k, "OFFICE", "HQ", []))
            for s in u.shifts:
                u.days_worked.add(s[0])
                if s[1] == "NIGHT":
                    u.days_worked.add(s[0] + 1)

    # ------------------------------------------------------------ special legitimate crossings
    def build_specials(self):
        rng = self.R("specials")
        D = self.days
        self.specials = {p: [] for p in PORTS}
        # employees crossing on their days off (their records touched by a colleague's inspection)
        crossers = [u for u in self.humans if u.pid and u.role != "dir"]
        n = max(8, self.nusers * D // 60)
        for _ in range(n):
            u = rng.choice(crossers)
            k = rng.randrange(D)
            if k in u.days_worked or k - 1 in u.days_worked and u.role in ("port", "sup"):
                continue
            if u.end_k is not None and k >= u.end_k:
                continue
            port = rng.choice(LAND + ["KIA"] * (1 if rng.random() < 0.15 else 0)) if rng.random() < 0.4 else \
                (u.port or min(LAND, key=lambda p: haversine(SITE[p][1:], SITE["HQ"][1:])))
            ms = self.lms(k, rng.randint(8 * 60, 20 * 60))
            self.specials[port].append([ms, "employee", u.pidx, u.login, None])
        # namesakes crossing
        for ni, login in self.namesakes:
            for _ in range(rng.randint(1, 3)):
                port = rng.choice(PORTS)
                ms = self.lms(rng.randrange(D), rng.randint(7 * 60, 21 * 60))
                self.specials[port].append([ms, "namesake", ni, login, None])
        # celebrities / athletes crossing, legitimately inspected at the booth
        celebs = [wi for wi, c in self.watch if c in ("celebrity", "athlete")]
        self.celeb_crossings = []
        for j in range(max(2, min(4, D // 10))):
            wi = celebs[j % len(celebs)]
            port = rng.choice(PORTS)
            k = rng.randint(1, max(1, D - 4))
            ms = self.lms(k, rng.randint(10 * 60, 17 * 60))
            sp = [ms, "celebrity", wi, None, None]
            self.specials[port].append(sp)
            self.celeb_crossings.append((port, sp))
        for p in PORTS:
            self.specials[p].sort(key=lambda s: (s[0], s[2]))
        # bolo window
        self.bolo_t0 = self.lms(self.bolo_k, 9 * 60)
        self.bolo_t1 = self.lms(self.bolo_k, 17 * 60)

    # ------------------------------------------------------------ legitimate activity
    def pick_stranger(self, rng, port=None):
        """Travelling public: 35% of crossings are commuters of that port (3% of people)."""
        if port is not None and rng.random() < 0.35:
            nc = self.S * 3 // 100 // len(PORTS)
            return PORTS.index(port) * nc + rng.randrange(nc)
        return rng.randrange(self.S)

    def pick_plain(self, rng):
        """Someone from the public who is not a commuter."""
        return self.S * 3 // 100 + rng.randrange(self.S - self.S * 3 // 100)

    def new_seg(self, rng, u, t0, t1, client, role, tags, grp=0, failed=True):
        site, lat, lon, ip = self.clients[client]
        if not ip:
            ip = "100.64.%d.%d" % (rng.randrange(256), rng.randrange(1, 255))
        sess = "%08x" % rng.getrandbits(32)
        seg = (t0, t1, client, sess, ip, site, role, tuple(tags))
        if grp == 0:
            self.seg_by_user.setdefault(u.login, []).append(seg)
        if failed and rng.random() < 0.02:
            self.sso(grp, t0 - rng.randint(5, 40) * 1000, u.login, seg, "login_failed")
        self.sso(grp, t0, u.login, seg, "login")
        if t1 < self.t_end + 2 * DAY_MS:
            self.sso(grp, t1, u.login, seg, "logout")
        return seg

    def gen_legit(self):
        for u in self.users:
            rng = self.R("act-" + u.login)
            if u.role in ("port", "sup"):
                self.gen_port_user(rng, u)
            elif u.role == "svc":
                self.gen_service(rng, u)
            else:
                self.gen_office_user(rng, u)

    def hn_tags(self, ids, tags, u, k):
        for t in tags:
            if t == "overtime":
                for e in ids:
                    self.hn_add("overtime_shift", e, "%s overtime shift day %s" % (u.login, self.dstr(k)))
            elif t == "loan":
                for e in ids:
                    self.hn_add("officer_on_loan", e, "%s (home %s) on loan to %s" % (u.login, u.port, u.loan[2]))
            elif t == "newhire":
                for e in ids:
                    self.hn_add("new_hire_first_weeks", e, "%s hired %s" % (u.login, self.dstr(u.hire_k)))

    def gen_port_user(self, rng, u):
        prev_end = None
        for (k, pl, port, tags) in u.shifts:
            st = self.lms(k, PLATOON_START[pl] + rng.randint(-15, 10))
            if prev_end is not None and st < prev_end:
                st = prev_end + rng.randint(1, 5) * MIN_MS
            length = (480 + rng.randint(-5, 35)) * MIN_MS
            en = st + length
            prev_end = en
            if u.role == "sup":
                roles = ["SUP"] * rng.choice([1, 2])
            elif "newhire" in tags:
                roles = ["PRIMARY"] * rng.choice([2, 3])
            else:
                nseg = rng.choice([2, 3, 3, 4])
                if port == "KIA":
                    roles = rng.choices(["PRIMARY", "SECONDARY"], [0.75, 0.25], k=nseg)
                else:
                    roles = rng.choices(["PRIMARY", "SECONDARY", "CARGO", "MOBILE"], [0.62, 0.2, 0.13, 0.05], k=nseg)
            cuts = sorted(rng.randint(60, 420) for _ in range(len(roles) - 1))
            bounds = [st] + [st + c * MIN_MS for c in cuts] + [en]
            prev_client = None
            for j, role in enumerate(roles):
                t0 = bounds[j] + (rng.randint(1, 5) * MIN_MS if j else 0)
                t1 = bounds[j + 1]
                if t1 - t0 < 20 * MIN_MS:
                    continue
                pc = self.port_clients[port]
                if role == "PRIMARY":
                    client = rng.choice(pc["PB"])
                elif role in ("SECONDARY", "SUP"):
                    client = rng.choice(pc["SEC"])
                elif role == "CARGO":
                    client = rng.choice(pc["CG"])
                else:
                    client = pc["MOB"][0]
                seg = self.new_seg(rng, u, t0, t1, client, role, tags + [pl])
                if role == "PRIMARY":
                    ids = self.gen_primary(rng, u, seg, "newhire" in tags)
                elif role == "SECONDARY":
                    ids = self.gen_secondary(rng, u, seg)
                elif role == "SUP":
                    ids = self.gen_secondary(rng, u, seg, sup=True)
                elif role == "CARGO":
                    ids = self.gen_cargo(rng, u, seg)
                else:
                    ids = self.gen_mobile(rng, u, seg)
                if prev_client and prev_client != client and ids and t0 - bounds[j] <= 6 * MIN_MS:
                    self.hn_add("booth_to_secondary_move", ids[0],
                                "%s moved %s -> %s at %s within minutes" % (u.login, prev_client, client, port))
                prev_client = client
                self.hn_tags(ids, tags, u, k)
                if pl == "NIGHT" or (pl == "EVE" and "overtime" in tags):
                    for e, ms in self._night_ids:
                        self.hn_add("shift_bid_to_nights" if "bid" in tags and u.p0 != "NIGHT" else "night_shift_lookups",
                                    e, "%s %s platoon lookups 01-04 local" % (u.login, pl))
                self._night_ids = []

    def _mark_night(self, eid, ms):
        m = local_minute_of_day(ms)
        if 60 <= m < 240:
            self._night_ids.append((eid, ms))

    def gen_primary(self, rng, u, seg, trainee):
        t0, t1, client, sess, ip, port, role, tags = seg
        out = []
        airport = port == "KIA"
        offm = off_min(t0) * MIN_MS
        sp_list = [sp for sp in self.specials[port] if sp[4] is None and t0 + MIN_MS <= sp[0] < t1 - 5 * MIN_MS]
        sp_i = 0
        bus_t = None
        if not airport and rng.random() < 0.07:
            bus_t = t0 + int(rng.random() * max(1, t1 - t0 - 20 * MIN_MS))
        nsk = [ni for ni, lg in self.namesakes if lg == u.login]
        bolo = None
        if self.bolo_t0 < t1 and t0 < self.bolo_t1 and rng.random() < 0.55:
            lo, hi = max(t0, self.bolo_t0), min(t1, self.bolo_t1)
            if hi - lo > 2 * MIN_MS:
                bolo = lo + int(rng.random() * (hi - lo - MIN_MS))
        nsk_t = t0 + int(rng.random() * (t1 - t0 - 10 * MIN_MS)) if nsk and rng.random() < 0.05 else None
        t = t0 + rng.randint(20, 240) * 1000
        base = 7.0 if airport else 5.4
        if trainee:
            base *= 1.8
        while t < t1 - 60000:
            # special crossings due
            while sp_i < len(sp_list) and sp_list[sp_i][0] <= t:
                sp = sp_list[sp_i]
                sp_i += 1
                if sp[4] is not None:
                    continue
                ids, t = self.vehicle(rng, u, seg, max(t, sp[0]), [sp[2]], self.P[sp[2]][7], airport)
                sp[4] = (u.login, ids)
                cls = {"employee": "employee_crossing_inspected", "namesake": "namesake_traveler",
                       "celebrity": "watchlist_inspected_at_booth"}[sp[1]]
                note = {"employee": "off-duty employee %s crossing, inspected by %s" % (sp[3], u.login),
                        "namesake": "traveler shares the name of employee %s" % sp[3],
                        "celebrity": "watchlist person crossing, booth inspection by %s" % u.login}[sp[1]]
                for e in ids:
                    self.hn_add(cls, e, note)
                out += ids
            if bolo is not None and t >= bolo:
                bp = self.bolo_person
                cs = type_case(rng, self.bolo_case) if rng.random() < 0.7 else ""
                ids = self.lookup(0, rng, t, u.login, seg, bp, "fan" if rng.random() < 0.5 else "name_dob",
                                  "BOLO CHECK", cs)
                ids += self.lookup(0, rng, t + rng.randint(0, 900), u.login, seg, bp, "plate", "BOLO CHECK", cs)
                for e in ids:
                    self.hn_add("bolo_convergence", e, "BOLO on %s: many officers run the same person" % self.bolo_case)
                out += ids
                bolo = None
                t += rng.randint(30, 120) * 1000
                continue
            if nsk_t is not None and t >= nsk_t:
                ids, t = self.vehicle(rng, u, seg, t, [nsk[0]], self.P[nsk[0]][7], airport)
                for e in ids:
                    self.hn_add("namesake_inspected_by_namesake_employee", e,
                                "%s inspects a traveler who shares their name (different person/DOB)" % u.login)
                out += ids
                nsk_t = None
                continue
            if bus_t is not None and t >= bus_t:
                n = rng.randint(24, 40)
                ids = []
                tb = t
                span = rng.randint(8, 11) * 60000
                for j in range(n):
                    tb = t + int(span * j / n) + rng.randint(0, 5000)
                    ids += self.trav(rng, u, seg, tb, self.pick_stranger(rng, port))
                for e in ids:
                    self.hn_add("bus_burst", e, "%s processes a bus (%d travelers in ~%d min)" % (u.login, n, span // 60000))
                out += ids
                t = tb + rng.randint(60, 180) * 1000
                bus_t = None
                continue
            h = ((t + offm) // H_MS) % 24
            if airport:
                # flights arrive in waves
                if rng.random() < 0.24 * TRAFFIC[h]:
                    n = rng.randint(10, 38)
                    ids = []
                    tb = t
                    for j in range(n):
                        tb += rng.randint(12, 40) * 1000
                        ids += self.trav(rng, u, seg, tb, self.pick_stranger(rng, port))
                    if n >= 25:
                        for e in ids:
                            self.hn_add("airport_flight_wave", e, "%s processes an arriving flight (%d pax)" % (u.login, n))
                    out += ids
                    t = tb + rng.randint(5, 25) * MIN_MS
                else:
                    t += int(rng.expovariate(1.0 / (base * 60000 / max(0.15, TRAFFIC[h]))))
                continue
            occ = [self.pick_stranger(rng, port) for _ in range(1 + (rng.random() < 0.45) + (rng.random() < 0.2))]
            plate = self.P[occ[0]][7] if rng.random() < 0.82 else ""
            ids, tt = self.vehicle(rng, u, seg, t, occ, plate, False)
            out += ids
            t = max(tt, t + int(rng.expovariate(1.0 / (base * 60000 / max(0.15, TRAFFIC[h])))))
        return out

    def trav(self, rng, u, seg, ms, pidx):
        na = rng.random() < 0.01
        ids = self.lookup(0, rng, ms, u.login, seg, pidx, "doc", "PRIMARY", "N/A" if na else "")
        if na:
            self.hn_add("placeholder_case_exempt_purpose", ids[0], "N/A typed in case field at primary")
        if pidx < self.S * 3 // 100 and rng.random() < 0.02:
            self.hn_add("daily_commuter", ids[0], "commuter crossing at %s, run by many officers over the weeks" % seg[5])
        if rng.random() < 0.12:
            p = self.P[pidx]
            ids.append(self.ev(0, ms, "NCIC", u.login, "query", seg, "BORDER INSPECTION", "",
                               {"last_name": p[1], "first_name": p[2], "dob": p[4]}, 0, "QW/AUTO"))
            if rng.random() < 0.05:
                self.hn_add("fan_out_same_second", ids[0], "document swipe fanned out to TRAVELER+NCIC")
                self.hn_add("fan_out_same_second", ids[1], "document swipe fanned out to TRAVELER+NCIC")
        p = self.P[pidx]
        if pidx < self.S and (p[1], p[2]) in self.emp_names:
            self.hn_add("namesake_traveler", ids[0], "traveler shares a name with employee %s" % self.emp_names[(p[1], p[2])][0])
        self._mark_night(ids[0], ms)
        return ids

    def vehicle(self, rng, u, seg, t, occ, plate, airport):
        ids = []
        if plate and not airport:
            ids.append(self.ev(0, t, "LPR", u.login, "query", seg, "BORDER INSPECTION", None,
                               {"plate": type_plate(rng, plate)}, 1, None))
            self._mark_night(ids[-1], t)
        tt = t + rng.randint(5, 40) * 1000
        for pidx in occ:
            ids += self.trav(rng, u, seg, tt, pidx)
            tt += rng.randint(8, 45) * 1000
        return ids, tt

    def gen_secondary(self, rng, u, seg, sup=False):
        t0, t1, client, sess, ip, port, role, tags = seg
        out = []
        t = t0 + rng.randint(3, 25) * MIN_MS
        gap = 38 if sup else 24
        while t < t1 - 5 * MIN_MS:
            sec = "SEC-%s-%s-%05d" % (port, self.dstr(0)[2:4], rng.randint(1, 30000))
            r = rng.random()
            if r < 0.5:
                cs, cls = sec, "secondary_number_in_case_field"
            elif r < 0.6:
                cs, cls = sec.lower().replace("-", " "), "secondary_number_in_case_field"
            elif r < 0.7:
                cs, cls = rng.choice(["see sec", "SEE SEC RPT", "sec"]), "placeholder_case_exempt_purpose"
            elif r < 0.8:
                cs, cls = rng.choice(["N/A", "n/a", "NA", "none"]), "placeholder_case_exempt_purpose"
            else:
                cs, cls = "", None
            subj = self.pick_stranger(rng, port)
            grpp = [subj] + ([self.pick_stranger(rng, port)] if rng.random() < 0.3 else [])
            ids = []
            tt = t
            for pidx in grpp:
                for how in rng.sample(["pid", "name_dob", "plate", "fan", "addr", "cms"], rng.randint(1, 3 if sup else 4)):
                    ids += self.lookup(0, rng, tt, u.login, seg, pidx, how, "SECONDARY", cs, dob=False)
                    tt += rng.randint(20, 200) * 1000
            if cls:
                for e in ids:
                    self.hn_add(cls, e, "secondary referral %s typed as %r" % (sec, cs))
            for e in ids:
                self._mark_night(e, t)
            out += ids
            t = tt + int(rng.expovariate(1.0 / (gap * MIN_MS)))
        return out

    def gen_cargo(self, rng, u, seg):
        t0, t1, client, sess, ip, port, role, tags = seg
        out = []
        t = t0 + rng.randint(2, 10) * MIN_MS
        while t < t1 - 3 * MIN_MS:
            drv = self.pick_stranger(rng, port)
            cplate = "%d%s%02d" % (rng.randint(10, 99), "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2)), rng.randint(0, 99))
            man = "MNF-%s%07d" % (port, rng.randint(0, 9999999)) if rng.random() < 0.35 else ""
            ids = [self.ev(0, t, "LPR", u.login, "query", seg, "CARGO INSPECTION", man or None,
                           {"plate": type_plate(rng, cplate)}, 1, "COMMERCIAL")]
            ids += self.lookup(0, rng, t + rng.randint(10, 60) * 1000, u.login, seg, drv, "doc", "CARGO INSPECTION", man)
            if man:
                for e in ids:
                    self.hn_add("manifest_number_in_case_field", e, "cargo manifest %s typed in case_id" % man)
            for e in ids:
                self._mark_night(e, t)
            out += ids
            t += int(rng.expovariate(1.0 / (10 * MIN_MS))) + MIN_MS
        return out

    def gen_mobile(self, rng, u, seg):
        t0, t1 = seg[0], seg[1]
        out = []
        t = t0 + rng.randint(5, 20) * MIN_MS
        while t < t1 - 3 * MIN_MS:
            pidx = self.pick_stranger(rng, seg[5])
            if self.P[pidx][7]:
                out += self.lookup(0, rng, t, u.login, seg, pidx, "plate", "BORDER INSPECTION", None)
                self._mark_night(out[-1], t)
            t += rng.randint(6, 25) * MIN_MS
        return out

    # office workers ------------------------------------------------------------
    def active_cases(self, login, k):
        out = []
        for cid, fk, tk in self.user_cases.get(login, []):
            c = self.cases[cid]
            if fk <= k and (tk is None or k < tk) and c["opened_k"] <= k and (c["closed_k"] is None or k < c["closed_k"]):
                out.append(cid)
        return out

    def gen_office_user(self, rng, u):
        if u.role == "itadm":
            for (k, _, _, _) in u.shifts:
                if rng.random() < 0.5:
                    st = self.lms(k, rng.randint(9 * 60, 16 * 60))
                    seg = self.new_seg(rng, u, st, st + rng.randint(5, 40) * MIN_MS, u.desk, "ADMIN", [])
                    e = self.ev(0, st + 60000, "SSO", u.login, "admin_config", seg, "SYSTEM MAINTENANCE",
                                extra={"app": "BCA-PORTAL", "outcome": "success"})
                    self.hn_add("second_login_same_employee", e, "admin login of %s on the same desk" % u.main.login)
            return
        oncall_week = None
        if u.role == "it":
            its = [x for x in self.humans if x.role == "it"]
            oncall_week = its.index(u) % max(1, len(its))
        for (k, _, _, tags) in u.shifts:
            st_min = rng.randint(7 * 60, 9 * 60)
            length = rng.randint(510, 570) + (rng.randint(60, 150) if rng.random() < 0.1 else 0)
            if "weekend" in tags:
                st_min, length = rng.randint(9 * 60, 12 * 60), rng.randint(120, 300)
            st = self.lms(k, st_min)
            en = st + length * MIN_MS
            field = None
            if u.role == "inv" and rng.random() < 0.06 and "weekend" not in tags:
                port = rng.choice(LAND)
                dist = haversine(SITE["HQ"][1:], SITE[port][1:])
                leave = st + rng.randint(90, 150) * MIN_MS
                arrive = leave + int((dist / 85.0 + 0.4) * H_MS)
                if arrive < en - 60 * MIN_MS:
                    field = (leave, arrive, port)
            if field:
                segs = [self.new_seg(rng, u, st, field[0], u.desk, "OFFICE", tags),
                        self.new_seg(rng, u, field[1], en, rng.choice(self.port_clients[field[2]]["SEC"]), "FIELD", tags)]
            else:
                client = u.laptop if ("weekend" in tags and u.laptop) else u.desk
                segs = [self.new_seg(rng, u, st, en, client, "OFFICE", tags)]
            for si, seg in enumerate(segs):
                ids = self.office_work(rng, u, seg, k)
                if si == 1 and ids:
                    for e in ids[:3]:
                        self.hn_add("investigator_field_visit", e, "%s drove HQ -> %s (%.0f min gap)" %
                                    (u.login, field[2], (field[1] - field[0]) / MIN_MS))
            if u.role == "it" and (k // 7) % max(1, len([x for x in self.humans if x.role == "it"])) == oncall_week \
                    and rng.random() < 0.3:
                t = self.lms(k + 1, rng.randint(60, 230))
                seg = self.new_seg(rng, u, t, t + rng.randint(15, 50) * MIN_MS, u.laptop or u.desk, "ONCALL", [])
                for j in range(rng.randint(2, 6)):
                    e = self.it_test(rng, u, seg, t + (j + 1) * rng.randint(60, 300) * 1000)
                    self.hn_add("it_oncall_night", e, "%s on-call maintenance at night" % u.login)

    def it_test(self, rng, u, seg, ms):
        return self.ev(0, ms, rng.choice(["TRAVELER", "LPR", "NCIC", "DMV"]), u.login, "query", seg,
                       "SYSTEM MAINTENANCE", "CHG-%06d" % rng.randint(1000, 99999) if rng.random() < 0.5 else "",
                       {"last_name": "TEST", "first_name": "RECORD%d" % rng.randint(1, 9)}, 1, "healthcheck", nested=False)

    def office_work(self, rng, u, seg, k):
        t0, t1 = seg[0], seg[1]
        span = t1 - t0
        out = []
        role = u.role
        if role == "dir":
            return out
        if role == "it":
            for j in range(rng.randint(2, 9)):
                out.append(self.it_test(rng, u, seg, t0 + int(rng.random() * span)))
            return out
        if role == "intel2":
            return out
        nitems = {"inv": (5, 14), "invsup": (2, 6), "intel": (8, 18), "rec": (5, 12), "ia": (1, 5)}[role]
        items = sorted(t0 + int(rng.random() * (span - 10 * MIN_MS)) for _ in range(rng.randint(*nitems)))
        cases = self.active_cases(u.login, k) if role in ("inv", "invsup", "intel", "ia") else []
        if role in ("inv", "invsup", "intel", "ia") and not cases:
            return out
        for t in items:
            if role in ("inv", "invsup"):
                cid = rng.choice(cases)
                cs = type_case(rng, cid)
                if cs != cid:
                    var = True
                else:
                    var = False
                ids = []
                if rng.random() < 0.25:
                    ids.append(self.ev(0, t, "CASEMGMT", u.login, "view", seg, "INVESTIGATION", cs, None, 1,
                                       "open case file"))
                for pidx in rng.sample(self.case_subj[cid], min(len(self.case_subj[cid]), rng.choice([1, 1, 2]))):
                    tt = t + rng.randint(20, 300) * 1000
                    for how in rng.sample(["fan", "fan", "name_dob", "plate", "addr", "phone", "pid", "cms"], rng.randint(1, 3)):
                        ids += self.lookup(0, rng, tt, u.login, seg, pidx, how, "INVESTIGATION", cs, dob=False)
                        tt += rng.randint(15, 240) * 1000
                if var:
                    for e in ids:
                        self.hn_add("case_number_typed_variant", e, "%s typed for %s" % (cs, cid))
                out += ids
            elif role == "intel":
                cid = rng.choice(cases)
                cs = type_case(rng, cid) if rng.random() < 0.3 else cid
                r = rng.random()
                if r < 0.45:
                    pidx = rng.choice(self.case_subj[cid] + [self.pick_stranger(rng)])
                    l, f = self.type_name(rng, self.P[pidx][1], self.P[pidx][2], "", wildcard=True)
                    rc = rng.randint(15, 650)
                    e = self.ev(0, t, "TARGETING", u.login, "search", seg, "TARGETING", cs,
                                {"last_name": l, "first_name": f if rng.random() < 0.5 else ""}, rc,
                                "SELECT * FROM crossings WHERE last_name LIKE '%s' /*case_id='%s',purpose='TARGETING'*/"
                                % (l.replace("*", "%"), cs))
                    self.hn_add("analyst_wildcard_search", e, "sanctioned broad search under %s (%d rows)" % (cid, rc))
                    out.append(e)
                elif r < 0.55:
                    rc = rng.randint(1500, 14000)
                    e = self.ev(0, t, "TARGETING", u.login, "export", seg, "TARGETING", cs, None, rc,
                                "EXPORT crossings product=%s" % rng.choice(["weekly-corridor", "flag-list", "route-analysis"]))
                    self.hn_add("analyst_export", e, "intelligence product export under %s (%d rows)" % (cid, rc))
                    out.append(e)
                elif r < 0.65:
                    pidx = rng.choice(self.case_subj[cid])
                    plate = self.P[pidx][7] or "ABC1234"
                    e = self.ev(0, t, "LPR", u.login, "search", seg, "TARGETING", cs, {"plate": plate[:4] + "*"},
                                rng.randint(10, 300), None)
                    self.hn_add("analyst_wildcard_search", e, "partial plate search under %s" % cid)
                    out.append(e)
                else:
                    pidx = rng.choice(self.case_subj[cid])
                    out += self.lookup(0, rng, t, u.login, seg, pidx, rng.choice(["fan", "pid", "plate", "name_dob"]),
                                       "TARGETING", cs, dob=False)
            elif role == "rec":
                foia = "FOIA-%s-%05d" % (self.dstr(k)[:4], rng.randint(100, 9999))
                pidx = self.pick_stranger(rng)
                ids = []
                tt = t
                for how in rng.sample(["pid", "name_dob", "plate", "cms"], rng.randint(1, 3)):
                    ids += self.lookup(0, rng, tt, u.login, seg, pidx, how, "FOIA REQUEST", foia, dob=True)
                    tt += rng.randint(30, 400) * 1000
                for e in ids:
                    self.hn_add("foia_request_number_in_case_field", e, "records unit works request %s" % foia)
                if rng.random() < 0.35:
                    rc = rng.randint(20, 900) if rng.random() < 0.85 else rng.randint(2000, 5000)
                    e = self.ev(0, tt + rng.randint(60, 900) * 1000, "TRAVELER", u.login, "export", seg,
                                "FOIA REQUEST", foia, None, rc, "FOIA response package")
                    self.hn_add("foia_export", e, "FOIA response export %s (%d rows)" % (foia, rc))
                    ids.append(e)
                out += ids
            elif role == "ia":
                cid = rng.choice(cases)
                ids = []
                tt = t
                for pidx in self.case_subj[cid]:
                    for how in rng.sample(["pid", "name_dob", "plate", "cms"], rng.randint(1, 2)):
                        ids += self.lookup(0, rng, tt, u.login, seg, pidx, how, "INTERNAL INVESTIGATION", cid, dob=True)
                        tt += rng.randint(30, 300) * 1000
                for e in ids:
                    self.hn_add("ia_case_employee_subject", e, "internal affairs lookup of an employee under %s" % cid)
                out += ids
        return out

    def gen_service(self, rng, u):
        D = self.days
        for k in range(D):
            if u.login == "svc_tgt_export":
                runs = [(self.lms(k, 130 + rng.randint(0, 12)), "TARGETING", rng.randint(15000, 60000), "nightly targeting extract")]
            elif u.login == "svc_lpr_sync":
                runs = [(self.lms(k, h * 60 + rng.randint(0, 6)), "LPR", rng.randint(300, 3000), "LPR hit sync")
                        for h in (0, 4, 8, 12, 16, 20)]
            else:
                runs = [(self.lms(k, 300 + rng.randint(0, 10)), "CASEMGMT", rng.randint(2000, 8000), "weekly case report")] \
                    if self.weekday(k) == 0 else []
            for ms, system, rc, what in runs:
                seg = self.new_seg(rng, u, ms, ms + rng.randint(2, 9) * MIN_MS, u.desk, "BATCH", [], failed=False)
                e = self.ev(0, ms + rng.randint(10, 60) * 1000, system, u.login, "export", seg, "SCHEDULED BATCH",
                            None, None, rc, what)
                self.hn_add("service_batch_export", e, "%s scheduled batch (%d rows)" % (u.login, rc))

    # ------------------------------------------------------------ output
    def write(self, out):
        os.makedirs(os.path.join(out, "refs"), exist_ok=True)
        self.store.sort()
        ids = set()
        with open(os.path.join(out, "events.jsonl"), "w") as f:
            f.write("\n".join(x[3] for x in self.store))
            f.write("\n")
        self.write_refs(os.path.join(out, "refs"))
        with open(os.path.join(out, "custodes.toml"), "w") as f:
            f.write("# Policy of the State Border & Customs Agency (world i)\n")
            f.write("# Purposes under which a query needs no case number.\n")
            f.write("[no_case]\nexempt_purposes = [%s]\n" % ", ".join('"%s"' % p for p in EXEMPT))
        with open(os.path.join(out, "hard_negatives.tsv"), "w") as f:
            f.write("event_id\tclass\tnote\n")
            self.hn_counts = {}
            for cls in sorted(self.hn):
                rows = self.hn[cls]
                seen = set()
                uniq = []
                for eid, note in rows:
                    if eid not in seen:
                        seen.add(eid)
                        uniq.append((eid, note))
                stride = max(1, -(-len(uniq) // 4000))
                sel = uniq[::stride]
                self.hn_counts[cls] = (len(sel), len(uniq))
                for eid, note in sel:
                    f.write("%s\t%s\t%s%s\n" % (eid, cls, note.replace("\t", " "),
                                                  " [sampled 1/%d]" % stride if stride > 1 else ""))
        return ids

    def write_refs(self, d):
        def w(name, rows):
            cols = REF_COLUMNS[name]
            with open(os.path.join(d, name), "w", newline="") as f:
                import csv
                cw = csv.writer(f, lineterminator="\n")
                cw.writerow(cols)
                for r in rows:
                    cw.writerow([r.get(c, "") for c in cols])
        rows = []
        for u in self.users:
            if u.pidx is not None:
                p = self.P[u.pidx]
                ident = {"last_name": p[1], "first_name": p[2], "dob": p[4], "address": p[5], "phone": p[6], "plate": p[7]}
            else:
                ident = {"last_name": "SERVICE", "first_name": u.login.upper()}
            end = ""
            if u.end_k is not None:
                end = self.dstr(u.end_k)
            rows.append(dict(ident, user=u.login, employee_id=u.emp, person_id=u.pid, unit=u.unit,
                             supervisor=u.sup, site=u.site, status=u.status, end_date=end))
        w("personnel.csv", rows)
        w("associations.csv", [r for _, _, _, r in self.assoc])
        crow = []
        for cid in self.cases:
            c = self.cases[cid]
            closed = c["closed_k"]
            crow.append({"case_id": cid, "status": "closed" if closed is not None and closed < self.days else "open",
                         "opened": self.dstr(c["opened_k"]),
                         "closed": self.dstr(closed) if closed is not None and closed < self.days else "",
                         "unit": c["unit"]})
        w("cases.csv", crow)
        arow = []
        for cid in self.assign:
            for login, fk, tk in self.assign[cid]:
                arow.append({"case_id": cid, "user": login, "from": self.dstr(fk),
                             "to": self.dstr(tk) if tk is not None and tk < self.days else ""})
        w("case_assignments.csv", arow)
        srow = []
        for cid in self.case_subj:
            for pidx in self.case_subj[cid]:
                p = self.P[pidx]
                srow.append({"case_id": cid, "person_id": p[0], "last_name": p[1], "first_name": p[2], "dob": p[4],
                             "address": p[5], "phone": p[6], "plate": p[7]})
        w("case_subjects.csv", srow)
        w("watchlist.csv", [{"person_id": self.P[wi][0], "last_name": self.P[wi][1], "first_name": self.P[wi][2],
                             "dob": self.P[wi][4], "category": c} for wi, c in self.watch])
        w("clients.csv", [{"client": c, "site": SITE[v[0]][0], "lat": "%.4f" % v[1], "lon": "%.4f" % v[2]}
                          for c, v in sorted(self.clients.items())])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=901)
    ap.add_argument("--users", type=int, default=250)
    ap.add_argument("--days", type=int, default=45)
    ap.add_argument("--start", default="2025-09-01")
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-inject", action="store_true")
    a = ap.parse_args(argv)
    if not 60 <= a.users <= 400:
        ap.error("--users must be within 60..400")
    if a.days < 7:
        ap.error("--days must be at least 7")
    t = time.time()
    w = World(a.seed, a.users, a.days, a.start, not a.no_inject)
    w.build_refs()
    w.build_schedules()
    w.build_specials()
    w.gen_legit()
    n_legit = len(w.store)
    labels = []
    if w.inject_on:
        labels = inject.run(w)
    w.write(a.out)
    with open(os.path.join(a.out, "labels.jsonl"), "w") as f:
        for lab in labels:
            f.write(json.dumps(lab, separators=(",", ":")) + "\n")
    inject.write_summary(w, a, labels, n_legit, time.time() - t)
    sys.stderr.write("world i: %d events (%d injected), %d labels -> %s in %.1f s\n" %
                     (len(w.store), len(w.store) - n_legit, len(labels), a.out, time.time() - t))
    return 0


if __name__ == "__main__":
    sys.exit(main())
