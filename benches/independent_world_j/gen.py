#!/usr/bin/env python3
"""Independent synthetic world 'j': a state Department of Revenue (tax agency).

Written only from CONTRACT.md, the reference log formats and a description of
real data.  Python 3 standard library only; deterministic for a given seed.

    python3 gen.py --seed 1001 --users 80 --days 14 --out DIR [--no-inject]
"""
import argparse
import csv
import datetime as _dt
import json
import math
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from names import (FIRST_M, FIRST_F, SURNAMES, RARE_SURNAMES, NICK, STREETS,  # noqa: E402
                   STREET_TYPES, DIRS, CITIES, AREA, BUSINESS_A, BUSINESS_B, BUSINESS_C, WATCH_ROLES)
from util import (DAY_MS, MIN_MS, H_MS, off_min, local_to_ms, fmt_ts,  # noqa: E402
                  day_str, hid, typo, case_style, type_plate, type_phone, type_address,
                  type_case, type_tin, local_minute_of_day)
import inject  # noqa: E402

# purposes under which no case number is needed (routine, case-less work of this agency)
EXEMPT = ["TAXPAYER CALL", "PRACTITIONER CALL", "WALK-IN SERVICE", "RETURN PROCESSING",
          "ERROR RESOLUTION", "SYSTEM MAINTENANCE", "SCHEDULED BATCH"]

# code -> (name, lat, lon, region, ip second octet)
SITE = {
    "HQ": ("DOR HEADQUARTERS MARLOW", 39.0490, -95.6780, "MAR", 10),
    "CC": ("TAXPAYER CONTACT CENTER MARLOW", 39.0012, -95.7650, "MAR", 20),
    "RPC": ("RETURNS PROCESSING CENTER MARLOW", 39.0833, -95.6133, "MAR", 30),
    "PVS": ("SERVICE CENTER PORT VESEY", 37.6900, -97.3400, "PVS", 41),
    "GRF": ("SERVICE CENTER GRANITE FALLS", 38.8400, -97.6100, "GRF", 42),
    "OXB": ("SERVICE CENTER OXBOW", 37.0900, -94.5100, "OXB", 43),
}
CENTRES = ["PVS", "GRF", "OXB"]
REGIONS = ["MAR", "PVS", "GRF", "OXB"]
REGION_W = [0.42, 0.24, 0.16, 0.18]
SITE_OF_REGION = {"MAR": "HQ", "PVS": "PVS", "GRF": "GRF", "OXB": "OXB"}

SYS = {  # system -> (id prefix, timestamp style)
    "ITS": ("its", "Zms"),      # integrated tax system
    "RIS": ("ris", "OFFms"),    # returns image system
    "DMV": ("dmv", "P00"),      # DMV interface
    "WAGE": ("wge", "Z"),       # wage / employer records
    "PROP": ("prp", "OFF"),     # property records
    "SSO": ("sso", "OFF"),
}
UNIT = {"csr": "TSD-CONTACT-CENTER", "lead": "TSD-CONTACT-CENTER", "wsc": "TSD-WALK-IN", "wlead": "TSD-WALK-IN",
        "dtx": "RETURNS-PROCESSING", "err": "RETURNS-PROCESSING", "rsup": "RETURNS-PROCESSING",
        "aud": "EXAMINATION", "esup": "EXAMINATION", "ro": "COLLECTIONS", "csup": "COLLECTIONS",
        "ci": "CRIMINAL-INVESTIGATION", "tas": "TAXPAYER-ADVOCATE", "disc": "DISCLOSURE",
        "eau": "EMPLOYEE-ACCOUNTS", "it": "IT", "dir": "EXECUTIVE"}
ROLE_PURPOSE = {"csr": "TAXPAYER CALL", "lead": "TAXPAYER CALL", "wsc": "WALK-IN SERVICE", "wlead": "WALK-IN SERVICE",
                "dtx": "RETURN PROCESSING", "err": "ERROR RESOLUTION", "rsup": "ERROR RESOLUTION",
                "aud": "AUDIT", "esup": "AUDIT", "ro": "COLLECTION", "csup": "COLLECTION",
                "ci": "CRIMINAL INVESTIGATION", "tas": "TAXPAYER ADVOCATE", "disc": "DISCLOSURE",
                "eau": "EMPLOYEE ACCOUNT", "it": "SYSTEM MAINTENANCE", "dir": "ADMINISTRATION"}
CASE_PREFIX = {"aud": "AUD", "ro": "COL", "ci": "CI", "tas": "TAS", "disc": "DR", "eau": "EAU"}
CASE_UNIT = {"AUD": "EXAMINATION", "COL": "COLLECTIONS", "CI": "CRIMINAL-INVESTIGATION", "TAS": "TAXPAYER-ADVOCATE",
             "DR": "DISCLOSURE", "EAU": "EMPLOYEE-ACCOUNTS"}
JUNK = ["n/a", "N/A", "call", "-", "none", "inbound", "tp call", "NA", "x", "CALL", "--"]
SCREENS = ["ACCT SUMMARY", "REFUND STATUS", "REFUND STATUS", "BALANCE DUE", "RETURN TY2025", "RETURN TY2024",
           "PAYMENT HISTORY", "NOTICES", "ADDRESS HISTORY", "FILING HISTORY"]
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


def site_dist(a, b):
    return haversine(SITE[a][1:3], SITE[b][1:3])


class U:
    """One login."""
    __slots__ = ("login", "emp", "pidx", "pid", "unit", "sup", "site", "status", "end_k", "role", "hire_k",
                 "seasonal", "trainer", "trainees", "sbs_days", "tele", "start_min", "second", "transfer",
                 "desk", "laptop", "vpn_ip", "main", "shifts", "days_worked", "idx", "aht", "spouse_emp",
                 "married", "team")

    def __init__(self, **kw):
        for s in self.__slots__:
            setattr(self, s, kw.get(s))


class World:
    def __init__(self, seed, users, days, start, inject_on):
        self.seed, self.nusers, self.days, self.inject_on = seed, users, days, inject_on
        y, m, d = (int(x) for x in start.split("-"))
        self.start_date = _dt.date(y, m, d)
        self.day0 = (self.start_date - _dt.date(1970, 1, 1)).days * DAY_MS
        self.t_end = local_to_ms(self.day0, days, 0)
        self.store = []          # (ms, grp, seq, line)
        self.seq = [0, 0]
        self.hn = {}             # class -> [(id, note)]
        self.P = []              # persons: (pid, last, first, mid, dob, addr, phone, plate, region, kind)
        self.spouse = {}
        self.deps = {}
        self.seg_by_user = {}
        self.inj_ms = {}         # injected event id -> instant
        self.daycount = {}       # (login, local day k) -> legit query count
        self.wave_k = days - 7 if days >= 14 else days   # refund-delay announcement: last week of the window

    # ------------------------------------------------------------ helpers
    def R(self, name):
        return random.Random("%d-%s" % (self.seed, name))

    def dstr(self, k):
        return day_str(self.day0, k)

    def lms(self, k, minute):
        return local_to_ms(self.day0, k, minute)

    def weekday(self, k):
        return (self.start_date.weekday() + k) % 7

    def kday(self, ms):
        return (ms + off_min(ms) * MIN_MS - self.day0) // DAY_MS

    def hn_add(self, cls, eid, note):
        self.hn.setdefault(cls, []).append((eid, note))

    def yymm(self, k):
        s = self.dstr(k)
        return s[2:4] + s[5:7]

    # ------------------------------------------------------------ persons
    def new_address(self, rng, region, street=None, number=None, apt=None):
        if street is None:
            street = (rng.choice(DIRS) + " " if rng.random() < 0.35 else "") + rng.choice(STREETS) + " " + \
                rng.choice(STREET_TYPES)
        num = number or rng.randint(100, 9899)
        if apt is None:
            apt = rng.randint(1, 48) if rng.random() < 0.22 else 0
        return "%d %s%s, %s" % (num, street, " APT %d" % apt if apt else "", rng.choice(CITIES[region]))

    def new_tin(self):
        return "9%08d" % ((len(self.P) * 36912347 + self.tin_off) % 100000000)

    def new_person(self, rng, last=None, first=None, dob=None, region=None, addr=None, sex=None, plate=None,
                   phone=None):
        pid = self.new_tin()
        if sex is None:
            sex = rng.random() < 0.5
        first = first or rng.choice(FIRST_M if sex else FIRST_F)
        if last is None:
            last = rng.choice(SURNAMES)
            if rng.random() < 0.05:
                last = last + "-" + rng.choice(SURNAMES).replace(" ", "").replace("'", "")
        mid = rng.choice("ABCDEGJKLMNRST") if rng.random() < 0.72 else ""
        if dob is None:
            dob = "%04d-%02d-%02d" % (rng.randint(1940, 2006), rng.randint(1, 12), rng.randint(1, 28))
        region = region or rng.choices(REGIONS, REGION_W)[0]
        addr = addr or self.new_address(rng, region)
        if phone is None:
            phone = rng.choice(AREA[region]) + "%d%06d" % (rng.randint(2, 9), rng.randrange(1000000))
        if plate is None:
            plate = "" if rng.random() < 0.14 else \
                "%s%03d" % ("".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3)), rng.randrange(1000))
        self.P.append((pid, last, first, mid, dob, addr, phone, plate, region, "P"))
        return len(self.P) - 1

    def new_business(self, rng, region=None):
        pid = self.new_tin()
        region = region or rng.choices(REGIONS, REGION_W)[0]
        name = "%s %s" % (rng.choice(BUSINESS_A), rng.choice(BUSINESS_B))
        sfx = rng.choice(BUSINESS_C)
        if sfx:
            name += " " + sfx
        addr = self.new_address(rng, region, apt=0)
        phone = rng.choice(AREA[region]) + "%d%06d" % (rng.randint(2, 9), rng.randrange(1000000))
        self.P.append((pid, name, "", "", "", addr, phone, "", region, "B"))
        return len(self.P) - 1

    def new_household(self, rng):
        region = rng.choices(REGIONS, REGION_W)[0]
        addr = self.new_address(rng, region)
        y = rng.randint(1938, 2006)
        sex = rng.random() < 0.5
        a = self.new_person(rng, region=region, addr=addr, sex=sex,
                            dob="%04d-%02d-%02d" % (y, rng.randint(1, 12), rng.randint(1, 28)))
        self.adults.append(a)
        sp = None
        if y < 2002 and rng.random() < 0.5:
            y2 = max(1936, min(2004, y + rng.randint(-6, 6)))
            sp = self.new_person(rng, region=region, addr=addr, sex=not sex,
                                 last=self.P[a][1] if rng.random() < 0.72 else None,
                                 dob="%04d-%02d-%02d" % (y2, rng.randint(1, 12), rng.randint(1, 28)))
            self.adults.append(sp)
            self.spouse[a] = sp
            self.spouse[sp] = a
        if 1972 <= y <= 2000 and rng.random() < 0.55:
            kids = []
            for _ in range(rng.choice([1, 1, 2, 2, 3])):
                kids.append(self.new_person(rng, region=region, addr=addr, last=self.P[a][1], plate="",
                                            dob="%04d-%02d-%02d" % (rng.randint(max(y + 19, 2006), 2024),
                                                                    rng.randint(1, 12), rng.randint(1, 28))))
            self.deps[a] = kids
            if sp is not None:
                self.deps[sp] = kids

    def canon_name(self, pidx):
        p = self.P[pidx]
        if p[9] == "B":
            return p[1]
        return "%s, %s%s" % (p[1], p[2], " " + p[3] if p[3] else "")

    def type_name(self, rng, last, first, mid):
        r = rng.random()
        l, f = last, first
        if r < 0.40:
            pass
        elif r < 0.50:
            f = first[0]
        elif r < 0.60 and first in NICK:
            f = rng.choice(NICK[first])
        elif r < 0.68:
            l = typo(rng, last)
        elif r < 0.73:
            f = ""
        elif r < 0.77:
            l, f = first, last
        elif r < 0.82 and mid:
            f = first + " " + mid
        elif r < 0.88 and (" " in last or "-" in last or "'" in last):
            l = last.replace(" ", "").replace("-", "" if rng.random() < 0.6 else " ").replace("'", "")
        elif r < 0.91:
            f = typo(rng, first)
        return case_style(rng, l), case_style(rng, f)

    def whole_name(self, rng, last, first, mid):
        r = rng.random()
        if not first:
            return last if r < 0.6 else last.title()
        if r < 0.35:
            s = "%s, %s%s" % (last, first, " " + mid if mid else "")
        elif r < 0.6:
            s = "%s %s" % (first.title(), last.title())
        elif r < 0.78:
            s = "%s %s" % (last, first)
        elif r < 0.9:
            s = "%s %s" % (first[0], last)
        else:
            s = "%s,%s" % (last, first)
        return case_style(rng, s) if rng.random() < 0.3 else s

    # ------------------------------------------------------------ events
    def ev(self, grp, ms, system, user, action, seg, purpose=None, case=None, subj=None,
           rc=None, qt=None, nested=False, extra=None):
        pre, style = SYS[system]
        if style in ("Z", "P00", "OFF"):
            ms -= ms % 1000
        s = self.seq[grp]
        if ms % 1000 == 0 and style in ("Zms", "OFFms"):
            ms += (s * 7919 + grp * 331) % 997      # sub-second part of a whole-second schedule time
        self.seq[grp] = s + 1
        eid = "%s-%s" % (pre, hid(self.seed, "LI"[grp], s))
        d = {"id": eid, "ts": fmt_ts(ms, style), "user": user, "action": action, "system": system}
        if seg is not None:
            d["session"] = seg[3]
            d["client"] = seg[2]
            d["ip"] = seg[4]
        if system in ("ITS", "RIS"):
            if action not in ("login", "logout", "login_failed"):
                d["case_id"] = case or ""
        elif case:
            d["case_id"] = case
        if purpose:
            d["purpose"] = purpose
        if subj:
            if nested:
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
            key = (user, self.kday(ms))
            self.daycount[key] = self.daycount.get(key, 0) + 1
        return eid

    def sso(self, grp, ms, u, seg, action):
        return self.ev(grp, ms, "SSO", u, action, seg,
                       extra={"app": "DOR-ENTERPRISE-PORTAL", "outcome": "failure" if action == "login_failed" else "success"})

    def dln(self, rng, k, batch=None):
        d = self.start_date + _dt.timedelta(days=k - rng.randint(3, 40))
        jul = d.timetuple().tm_yday
        return "%02d%03d-%03d-%05d-%d" % (d.year % 100, jul, batch if batch is not None else rng.randint(1, 999),
                                          rng.randint(0, 99999), rng.randint(0, 9))

    # typed look-ups shared by legitimate work and injection ---------------------
    def lookup(self, grp, rng, ms, user, seg, pidx, how, purpose, case, dob=True, qt=None, dln=None):
        """One typed query about person pidx; returns a list of event ids (fan-out possible)."""
        pid, last, first, mid, pdob, addr, phone, plate, region, kind = self.P[pidx]
        if kind == "B" and how in ("name_dob", "name_only", "dmv_name", "plate"):
            how = "view"
        if how == "tin":
            return [self.ev(grp, ms, "ITS", user, "search", seg, purpose, case, {"person_id": pid}, 1,
                            qt or "TIN=" + type_tin(rng, pid))]
        if how == "view":
            return [self.ev(grp, ms, "ITS", user, "view", seg, purpose, case,
                            {"person_id": pid, "name": self.canon_name(pidx)}, 1,
                            qt or "SCREEN=" + rng.choice(SCREENS))]
        if how in ("name_dob", "name_only"):
            l, f = self.type_name(rng, last, first, mid)
            sj = {"last_name": l, "first_name": f}
            if how == "name_dob" and (dob or rng.random() < 0.85):
                sj["dob"] = pdob
            return [self.ev(grp, ms, "ITS", user, "search", seg, purpose, case, sj, rng.choice([0, 1, 1, 1, 2, 3]),
                            qt or "NAME=%s,%s%s" % (l, f, ";DOB=" + sj["dob"] if "dob" in sj else ""))]
        if how == "addr":
            ta = type_address(rng, addr)
            e = self.ev(grp, ms, "ITS", user, "search", seg, purpose, case, {"address": ta}, rng.randint(1, 4),
                        qt or "ADDR SEARCH")
            if grp == 0 and ta.upper() != addr:
                self.hn_add("address_typed_spoken", e, "typed %r for %r" % (ta, addr))
            return [e]
        if how == "phone":
            return [self.ev(grp, ms, "ITS", user, "search", seg, purpose, case, {"phone": type_phone(rng, phone)},
                            rng.randint(0, 2), qt or "PHONE SEARCH")]
        if how == "image":
            ty = rng.choice([2025, 2025, 2025, 2024, 2023])
            return [self.ev(grp, ms, "RIS", user, "view", seg, purpose, case, {"person_id": pid}, 1,
                            qt, nested=True, extra={"dln": dln or self.dln(rng, self.kday(ms)), "tax_year": ty})]
        if how == "wage":
            sj = {"person_id": pid, "last_name": last}
            if first:
                sj["first_name"] = first
            q = qt
            if q is None and case and rng.random() < 0.4:
                q = "SELECT * FROM wage_qtr WHERE tin='%s' /*case_id='%s',purpose='%s'*/" % (
                    pid, case.replace("'", ""), purpose.replace(" ", "%20") if purpose else "")
            return [self.ev(grp, ms, "WAGE", user, "query", seg, purpose, case, sj, rng.randint(1, 12), q,
                            nested=True)]
        if how == "plate":
            if not plate:
                return []
            return [self.ev(grp, ms, "DMV", user, "query", seg, purpose, case, {"plate": type_plate(rng, plate)},
                            rng.randint(0, 2), qt)]
        if how == "dmv_name":
            l, f = self.type_name(rng, last, first, mid)
            sj = {"last_name": l, "first_name": f}
            if dob or rng.random() < 0.85:
                sj["dob"] = pdob
            return [self.ev(grp, ms, "DMV", user, "query", seg, purpose, case, sj, rng.randint(0, 3), qt)]
        if how == "dmv_addr":
            ta = type_address(rng, addr)
            e = self.ev(grp, ms, "DMV", user, "query", seg, purpose, case, {"address": ta}, rng.randint(0, 4), qt)
            if grp == 0 and ta.upper() != addr:
                self.hn_add("address_typed_spoken", e, "typed %r for %r" % (ta, addr))
            return [e]
        if how == "prop":
            ta = type_address(rng, addr, city_p=0.7)
            e = self.ev(grp, ms, "PROP", user, "search", seg, purpose, case, {"address": ta}, rng.randint(1, 3), qt)
            if grp == 0 and ta.upper() != addr:
                self.hn_add("address_typed_spoken", e, "typed %r for %r" % (ta, addr))
            return [e]
        if how == "prop_owner":
            return [self.ev(grp, ms, "PROP", user, "search", seg, purpose, case,
                            {"name": self.whole_name(rng, last, first, mid)}, rng.randint(0, 5), qt)]
        if how == "update":
            return [self.ev(grp, ms, "ITS", user, "update", seg, purpose, case,
                            {"person_id": pid, "name": self.canon_name(pidx)}, 1,
                            qt or rng.choice(["ADDRESS CHANGE", "PHONE UPDATE", "INSTALLMENT AGREEMENT",
                                              "PAYMENT POSTED", "NOTE ADDED", "HOLD RELEASE REQUEST"]))]
        if how == "fan":
            base = ms - ms % 1000
            e1 = self.ev(grp, base + rng.randint(0, 450), "ITS", user, "search", seg, purpose, case,
                         {"person_id": pid}, 1, qt or "TIN=" + type_tin(rng, pid))
            e2 = self.ev(grp, base + rng.randint(460, 999), "RIS", user, "view", seg, purpose, case,
                         {"person_id": pid}, 1, None, nested=True,
                         extra={"dln": dln or self.dln(rng, self.kday(ms)), "tax_year": 2025})
            return [e1, e2]
        raise ValueError(how)

    # ------------------------------------------------------------ reference world
    def build_refs(self):
        rng = self.R("refs")
        N = self.nusers
        D = self.days
        self.tin_off = rng.randrange(100000000)
        self.adults = []
        S = max(30000, N * 480)
        while len(self.P) < S:
            self.new_household(rng)
        self.S = len(self.P)
        A = len(self.adults)
        nf = max(200, A // 50)
        self.freq_pool = self.adults[:nf]                              # repeat callers
        self.delay_pool = self.adults[nf:nf + max(150, A * 15 // 1000)]  # delayed refunds
        self.freq_set = set(self.freq_pool)
        self.delay_set = set(self.delay_pool)
        self.biz = [self.new_business(rng) for _ in range(max(400, N * 8))]
        self.firms = []
        for j in range(max(20, N // 4)):
            caf = "%04d-%05d%s" % (rng.randint(100, 9999), rng.randint(0, 99999), rng.choice("RSTX"))
            self.firms.append((caf, rng.sample(self.adults, rng.randint(15, 120))))
        # ---- logins
        H = N - 6
        cnt = dict(dir=1, lead=max(3, round(0.032 * N)), wsc=max(3, round(0.06 * N)), wlead=3 if N >= 150 else 1,
                   dtx=max(4, round(0.07 * N)), err=max(3, round(0.045 * N)), rsup=max(1, round(0.008 * N)),
                   aud=max(5, round(0.08 * N)), esup=max(1, round(0.008 * N)), ro=max(5, round(0.07 * N)),
                   csup=max(1, round(0.008 * N)), ci=max(2, round(0.02 * N)), tas=max(2, round(0.02 * N)),
                   disc=max(2, round(0.015 * N)), eau=max(2, round(0.012 * N)), it=max(2, round(0.025 * N)))
        rest = H - sum(cnt.values())
        cnt["csr"] = min(rest, round(0.40 * N))
        extra_roles = ["aud", "ro", "wsc", "aud", "ro", "dtx", "err", "tas"]
        j = 0
        while sum(cnt.values()) < H:
            cnt[extra_roles[j % len(extra_roles)]] += 1
            j += 1
        order = ["dir", "lead", "csr", "wlead", "wsc", "rsup", "dtx", "err", "esup", "aud", "csup", "ro",
                 "ci", "tas", "disc", "eau", "it"]
        roles = [r for r in order for _ in range(cnt[r])]
        used = set()
        self.users = []
        emp_no = rng.sample(range(100000, 999999), N + 5)
        cen_i = {"wsc": 0, "wlead": 0}
        for i, role in enumerate(roles):
            if role in ("csr", "lead"):
                site = "CC"
            elif role in ("wsc", "wlead"):
                site = CENTRES[cen_i[role] % 3]
                cen_i[role] += 1
            elif role in ("dtx", "err", "rsup"):
                site = "RPC"
            elif role in ("aud", "ro"):
                site = "HQ" if rng.random() < 0.6 else rng.choice(CENTRES)
            else:
                site = "HQ"
            region = SITE[site][3] if rng.random() < 0.85 else rng.choice(REGIONS)
            sex = rng.random() < 0.42
            pidx = self.new_person(rng, region=region, sex=sex,
                                   dob="%04d-%02d-%02d" % (rng.randint(1958, 2004), rng.randint(1, 12), rng.randint(1, 28)))
            last, first = self.P[pidx][1], self.P[pidx][2]
            base = (first[0] + "".join(c for c in last if c.isalpha())).lower()[:10]
            login = base
            n = 1
            while login in used:
                n += 1
                login = base + str(n)
            used.add(login)
            u = U(login=login, emp="E%06d" % emp_no[i], pidx=pidx,
                  pid=self.P[pidx][0] if rng.random() < 0.95 else "", unit=UNIT[role], site=site,
                  status="active", end_k=None, role=role, hire_k=None, seasonal=False, trainer=None, trainees=[],
                  sbs_days=[], tele=(), second=False, transfer=None, main=None, idx=i, spouse_emp=None,
                  married=False, team=None)
            u.start_min = rng.choice([420, 450, 480, 510, 540, 570, 600, 630]) if role == "csr" else \
                rng.randint(440, 540)
            u.aht = rng.uniform(5.2, 10.5)   # minutes per call incl. wrap-up -> ~45-90 calls a day
            self.users.append(u)
        by_role = {}
        for u in self.users:
            by_role.setdefault(u.role, []).append(u)
        self.by_role = by_role
        director = by_role["dir"][0]
        # supervisors
        leads = by_role["lead"]
        for j, u in enumerate(by_role.get("csr", [])):
            u.team = leads[j % len(leads)]
            u.sup = u.team.emp
        for u in self.users:
            if u.role in ("lead", "wlead", "rsup", "esup", "csup", "ci", "tas", "disc", "eau", "it"):
                u.sup = director.emp
            elif u.role == "dir":
                u.sup = ""
            elif u.role == "wsc":
                wl = [x for x in by_role["wlead"] if x.site == u.site] or by_role["wlead"]
                u.sup = wl[0].emp
            elif u.role in ("dtx", "err"):
                u.sup = by_role["rsup"][u.idx % len(by_role["rsup"])].emp
            elif u.role == "aud":
                u.sup = by_role["esup"][u.idx % len(by_role["esup"])].emp
            elif u.role == "ro":
                u.sup = by_role["csup"][u.idx % len(by_role["csup"])].emp
        # seasonal temps (contact centre and returns processing), trainers, second shift, telework
        csrs = by_role["csr"]
        perm = list(csrs)
        rng.shuffle(perm)
        n_temp = max(2, round(0.14 * len(csrs)))
        temps = perm[:n_temp]
        for u in temps:
            u.seasonal = True
            k = rng.randint(0, max(1, int(D * 0.4)))
            while self.weekday(k) >= 5:
                k += 1
            u.hire_k = k
            kk = k
            while len(u.sbs_days) < 3 and kk < D:
                if self.weekday(kk) < 5:
                    u.sbs_days.append(kk)
                kk += 1
        # one trainee at a time sits with a trainer (side-by-side on the trainer's workstation)
        trainers = []
        booked = {}
        nxt = n_temp
        for u in sorted(temps, key=lambda x: (x.hire_k, x.idx)):
            tr = next((t for t in trainers if not booked[t.login] & set(u.sbs_days)), None)
            if tr is None:
                tr = perm[nxt]
                nxt += 1
                trainers.append(tr)
                booked[tr.login] = set()
            booked[tr.login] |= set(u.sbs_days)
            u.trainer = tr
            tr.trainees.append(u)
        n_tr = len(trainers)
        dtxs = by_role["dtx"]
        for u in rng.sample(dtxs, max(1, round(0.15 * len(dtxs)))):
            u.seasonal = True
            k = rng.randint(0, max(1, int(D * 0.4)))
            while self.weekday(k) >= 5:
                k += 1
            u.hire_k = k
        for u in by_role["dtx"] + by_role["err"]:
            u.second = rng.random() < 0.35
        for u in self.users:
            if u.role == "csr" and not u.seasonal and u not in trainers and rng.random() < 0.55:
                d0 = rng.randrange(5)
                u.tele = (d0, (d0 + rng.choice([1, 2, 3])) % 5)
            elif u.role in ("aud", "tas", "disc", "eau", "it", "ci", "ro") and rng.random() < 0.6:
                d0 = rng.randrange(5)
                u.tele = (d0, (d0 + 2) % 5) if u.role != "ro" else (d0,)
        self.trainers = trainers
        # mid-window unit transfer: a contact-centre rep becomes an auditor
        self.transfer_user = None
        if D >= 10:
            cand = [u for u in perm[n_temp + n_tr:] if not u.tele]
            if cand:
                u = cand[0]
                u.transfer = D // 2
                u.role = "aud"
                u.unit = UNIT["aud"]
                u.site = "HQ"
                u.sup = by_role["esup"][0].emp
                self.transfer_user = u
                by_role["csr"].remove(u)
                by_role["aud"].append(u)
        # statuses
        n_term_temp = max(1, round(0.15 * n_temp))
        for u in temps[:n_term_temp]:
            if u.hire_k + 7 < D - 3:
                u.status = "terminated"
                u.end_k = rng.randint(u.hire_k + 7, D - 3)
        pool = [u for u in self.users if u.role in ("csr", "wsc", "dtx", "err", "ro", "tas") and not u.seasonal
                and u.status == "active" and not u.trainees and u.transfer is None]
        rng.shuffle(pool)
        n_term = max(1, round(0.012 * N))
        n_leave = max(1, round(0.012 * N))
        for j, u in enumerate(pool[:n_term + n_leave]):
            u.status = "terminated" if j < n_term else "leave"
            u.end_k = -rng.randint(3, 50) if j % 3 == 0 else rng.randint(max(2, D // 5), max(3, D * 3 // 5))
        # extra logins sharing an employee_id, and service accounts
        it0 = by_role["it"][0]
        rs0 = by_role["rsup"][0]
        extra = [U(login="adm_" + it0.login, emp=it0.emp, pidx=it0.pidx, pid=it0.pid, unit="IT", sup=it0.sup,
                   site=it0.site, status="active", role="itadm", main=it0, trainees=[], sbs_days=[], tele=()),
                 U(login=rs0.login + "_bc", emp=rs0.emp, pidx=rs0.pidx, pid=rs0.pid, unit=rs0.unit, sup=rs0.sup,
                   site=rs0.site, status="active", role="bc", main=rs0, trainees=[], sbs_days=[], tele=())]
        svcs = [U(login=n, emp="SVC-%02d" % j, pidx=None, pid="", unit="IT", sup=it0.emp, site="HQ",
                  status="active", role="svc", trainees=[], sbs_days=[], tele=())
                for j, n in enumerate(["svc_fedmatch", "svc_refoffset", "svc_dmvsync", "svc_wageload"], 1)]
        self.users.extend(extra + svcs)
        for i, u in enumerate(self.users):
            u.idx = i
        self.by_login = {u.login: u for u in self.users}
        self.humans = [u for u in self.users if u.role not in ("svc", "itadm", "bc")]
        self.by_emp = {u.emp: u for u in self.humans}
        self.by_pidx = {u.pidx: u for u in self.humans}
        # ---- employees married to each other
        cands = [u for u in self.humans if u.role != "dir"]
        rng.shuffle(cands)
        self.emp_couples = []
        for j in range(max(1, round(0.012 * N))):
            a, b = cands[2 * j], cands[2 * j + 1]
            pa = self.P[a.pidx]
            pb = list(self.P[b.pidx])
            pb[5] = pa[5]
            if rng.random() < 0.6:
                pb[1] = pa[1]
            self.P[b.pidx] = tuple(pb)
            a.spouse_emp, b.spouse_emp = b, a
            a.married = b.married = True
            self.emp_couples.append((a, b))
        # ---- associations
        self.assoc = []          # (emp, relation, pidx, row)
        self.assoc_of = {}
        self.emp_spouse = {}     # employee login -> spouse pidx

        def add(u, rel, ai, src, vf=None, vt=""):
            a = self.P[ai]
            vf = vf or "%04d-%02d-%02d" % (rng.randint(1995, 2025), rng.randint(1, 12), rng.randint(1, 28))
            row = {"employee_id": u.emp, "relation": rel, "person_id": a[0] if rng.random() < 0.85 else "",
                   "last_name": a[1], "first_name": a[2], "dob": a[4] if rng.random() < 0.88 else "",
                   "address": a[5] if rng.random() < 0.9 else "", "phone": a[6] if rng.random() < 0.55 else "",
                   "plate": a[7] if rng.random() < 0.6 else "", "valid_from": vf, "valid_to": vt, "source": src}
            self.assoc.append((u.emp, rel, ai, row))
            self.assoc_of.setdefault(u.emp, []).append((rel, ai, row))

        for u in self.humans:
            p = self.P[u.pidx]
            region = p[8]
            if u.spouse_emp is not None:
                add(u, "spouse", u.spouse_emp.pidx, "benefits enrollment")
                self.emp_spouse[u.login] = u.spouse_emp.pidx
                self.spouse[u.pidx] = u.spouse_emp.pidx
            elif rng.random() < 0.5:
                ai = self.new_person(rng, last=p[1] if rng.random() < 0.7 else None, region=region, addr=p[5],
                                     sex=rng.random() < 0.5)
                add(u, "spouse", ai, "benefits enrollment")
                u.married = True
                self.emp_spouse[u.login] = ai
                self.spouse[u.pidx] = ai
                self.spouse[ai] = u.pidx
            elif rng.random() < 0.1:
                ai = self.new_person(rng, region=region, addr=p[5])
                add(u, "partner", ai, "emergency contact")
            if rng.random() < 0.2:
                ai = self.new_person(rng, last=p[1] if rng.random() < 0.4 else None, region=region)
                add(u, "ex_partner", ai, rng.choice(["HR disclosure", "court order (child support)",
                                                     "divorce decree on file"]))
            for _ in range(rng.choice([0, 1, 1, 2])):
                ai = self.new_person(rng, last=p[1] if rng.random() < 0.7 else None,
                                     region=region if rng.random() < 0.7 else None)
                add(u, "family", ai, "emergency contact")
            if rng.random() < 0.3:
                street, _, city = p[5].partition(", ")
                toks = street.split(" ")
                if "APT" in toks:
                    toks = toks[:toks.index("APT")]
                num = max(100, int(toks[0]) + rng.choice([-6, -4, -2, 2, 4, 6]))
                addr = "%d %s, %s" % (num, " ".join(toks[1:]), city)
                ai = self.new_person(rng, region=region, addr=addr)
                add(u, "neighbor", ai, "address match")
            if rng.random() < 0.06:
                ai = self.new_person(rng, region=region)
                add(u, "associate", ai, "outside employment disclosure")
        # ---- watchlist (public figures; they are taxpayers too)
        self.watch = []
        rare = list(RARE_SURNAMES)
        rng.shuffle(rare)
        for j, (cat, desc) in enumerate(WATCH_ROLES):
            wi = self.new_person(rng, last=rare[j % len(rare)],
                                 dob="%04d-%02d-%02d" % (rng.randint(1950, 2001), rng.randint(1, 12), rng.randint(1, 28)))
            self.watch.append((wi, cat, desc))
        self.watch_set = {wi for wi, _, _ in self.watch}
        self.watch_cat = {wi: c for wi, c, _ in self.watch}
        # ---- namesakes of employees among taxpayers (different people, same name)
        self.namesakes = []
        for u in self.humans:
            if rng.random() < 0.1:
                p = self.P[u.pidx]
                ni = self.new_person(rng, last=p[1], first=p[2])
                self.namesakes.append((ni, u.login))
                self.adults.append(ni)
        self.emp_names = {}
        for u in self.humans:
            p = self.P[u.pidx]
            self.emp_names.setdefault((p[1], p[2]), []).append(u.login)
        self.adults_by_region = {r: [] for r in REGIONS}
        for a in self.adults:
            self.adults_by_region[self.P[a][8]].append(a)
        self.build_cases(rng)
        self.build_clients(rng)

    def build_cases(self, rng):
        D = self.days
        self.cases = {}        # cid -> dict(opened_k, closed_k, unit)
        self.case_subj = {}    # cid -> [pidx]
        self.assign = {}       # cid -> [(login, from_k, to_k)]
        self.user_cases = {}   # login -> [(cid, from_k, to_k)]
        specs = []             # (pre, opened, closed, owner, subjects, tag)
        A = self.adults

        def subj_for(pre):
            a = rng.choice(A)
            out = [a]
            sp = self.spouse.get(a)
            if pre == "AUD":
                if sp is not None:
                    out.append(sp)
                if rng.random() < 0.3:
                    out += rng.sample(A, rng.randint(1, 2))
                if rng.random() < 0.6:
                    out.append(rng.choice(self.biz))
            elif pre == "COL":
                if sp is not None and rng.random() < 0.5:
                    out.append(sp)
                if rng.random() < 0.55:
                    out.append(rng.choice(self.biz))
            elif pre == "CI":
                out += rng.sample(A, rng.randint(0, 2))
                if rng.random() < 0.5:
                    out.append(rng.choice(self.biz))
            elif pre == "TAS":
                if sp is not None and rng.random() < 0.5:
                    out.append(sp)
            return out

        def inventory(u, pre, n_open, n_closed, lo, recent=False):
            for _ in range(n_open):
                opened = rng.randint(lo, D - 3) if rng.random() < (0.5 if recent else 0.12) else rng.randint(lo, -1)
                specs.append((pre, opened, None, u, subj_for(pre), ""))
            for _ in range(n_closed):
                opened = rng.randint(lo, -10)
                closed = rng.randint(max(opened + 5, -150), D - 2)
                specs.append((pre, opened, closed, u, subj_for(pre), ""))

        br = self.by_role
        for u in br["aud"]:
            if u.transfer is None:
                inventory(u, "AUD", rng.randint(15, 40), rng.randint(3, 9), -420)
        for u in br["ro"]:
            inventory(u, "COL", rng.randint(60, 150), rng.randint(5, 15), -500)
        for u in br["ci"]:
            inventory(u, "CI", rng.randint(6, 12), rng.randint(1, 4), -600)
        for u in br["tas"]:
            inventory(u, "TAS", rng.randint(15, 35), rng.randint(3, 8), -200, recent=True)
        for u in br["disc"]:
            inventory(u, "DR", rng.randint(10, 25), rng.randint(4, 10), -90, recent=True)
        eaus = br["eau"]
        emps = [u for u in self.humans if u.role not in ("dir",) and u.role != "eau"]
        for j in range(max(6, round(0.1 * len(self.humans)))):
            e = rng.choice(emps)
            out = [e.pidx]
            sp = self.emp_spouse.get(e.login)
            if sp is not None and rng.random() < 0.7:
                out.append(sp)
            opened = rng.randint(-90, D - 2)
            specs.append(("EAU", opened, None, eaus[j % len(eaus)], out, "emp:" + e.login))
        # employees married to each other: their joint return is handled by the Employee Accounts unit
        for a, b in self.emp_couples:
            specs.append(("EAU", rng.randint(-60, max(-1, D // 3)), None,
                          rng.choice([x for x in eaus if x not in (a, b)] or eaus), [a.pidx, b.pidx],
                          "couple:%s+%s" % (a.login, b.login)))
        # public figures legitimately under audit / collection
        self.watch_cases = []
        wl = [w for w in self.watch if w[1] in ("official", "athlete", "celebrity")]
        auds = [u for u in br["aud"] if u.transfer is None]
        for j, (wi, cat, desc) in enumerate(rng.sample(wl, 3)):
            pre = "COL" if j == 2 else "AUD"
            owner = rng.choice(br["ro"]) if pre == "COL" else rng.choice(auds)
            sj = [wi] + ([rng.choice(self.biz)] if rng.random() < 0.7 else [])
            specs.append((pre, rng.randint(-200, -20), None, owner, sj, "watch"))
        specs.sort(key=lambda s: (s[1], s[0]))
        seqn = {}
        start_n = {"AUD": (2000, 4000), "COL": (9000, 30000), "CI": (40, 120), "TAS": (300, 900),
                   "DR": (100, 400), "EAU": (10, 60)}
        for pre, opened, closed, owner, subs, tag in specs:
            year = (self.start_date + _dt.timedelta(days=opened)).year
            key = (pre, year)
            n = seqn.get(key) or rng.randint(*start_n[pre])
            n += rng.randint(1, 9) if pre in ("AUD", "COL") else rng.randint(1, 3)
            seqn[key] = n
            if pre == "AUD":
                cid = "AUD-%d-%06d" % (year, n)
            elif pre == "COL":
                cid = "COL-%02d-%07d" % (year % 100, n)
            elif pre == "CI":
                cid = "CI-%d-%04d" % (year, n)
            elif pre == "TAS":
                cid = "TAS-%d-%05d" % (year, n)
            elif pre == "DR":
                cid = "DR-%d-%05d" % (year, n)
            else:
                cid = "EAU-%d-%04d" % (year, n)
            self.cases[cid] = {"opened_k": opened, "closed_k": closed, "unit": CASE_UNIT[pre], "pre": pre,
                               "tag": tag}
            self.case_subj[cid] = list(dict.fromkeys(subs))
            if tag == "watch":
                self.watch_cases.append(cid)
            # assignment: most open-ended; some re-assigned inside the window
            team = {"AUD": auds, "COL": br["ro"], "CI": br["ci"], "TAS": br["tas"], "DR": br["disc"],
                    "EAU": eaus}[pre]
            to = None if closed is None or rng.random() < 0.5 else closed
            if pre in ("AUD", "COL") and closed is None and rng.random() < 0.07 and D >= 10 and len(team) > 1 \
                    and tag != "watch":
                mid = rng.randint(max(2, opened + 1), D - 3) if opened + 1 < D - 3 else None
                if mid:
                    other = rng.choice([t for t in team if t is not owner])
                    self._assign(cid, owner.login, opened, mid)
                    self._assign(cid, other.login, mid, None)
                else:
                    self._assign(cid, owner.login, opened, to)
            else:
                self._assign(cid, owner.login, opened, to)
            if pre == "CI" and len(team) > 1 and rng.random() < 0.5:
                self._assign(cid, rng.choice([t for t in team if t is not owner]).login, opened + rng.randint(0, 30), to)
            if pre == "AUD":
                self._assign(cid, br["esup"][owner.idx % len(br["esup"])].login, opened, to)
            elif pre == "COL":
                self._assign(cid, br["csup"][owner.idx % len(br["csup"])].login, opened, to)
        # the transferred rep takes over a few open audits from colleagues on the transfer day
        tu = self.transfer_user
        if tu is not None:
            kt = tu.transfer
            opn = [c for c in self.cases if self.cases[c]["pre"] == "AUD" and self.cases[c]["closed_k"] is None
                   and self.cases[c]["opened_k"] < kt and self.cases[c]["tag"] == ""]
            for cid in rng.sample(opn, min(len(opn), rng.randint(6, 10))):
                rows = self.assign[cid]
                for i, (lg, fk, tk) in enumerate(rows):
                    if tk is None and self.by_login[lg].role == "aud":
                        rows[i] = (lg, fk, kt)
                        self.user_cases[lg] = [(c, f, (kt if c == cid else t)) for c, f, t in self.user_cases[lg]]
                        break
                self._assign(cid, tu.login, kt, None)

    def _assign(self, cid, login, fk, tk):
        self.assign.setdefault(cid, []).append((login, fk, tk))
        self.user_cases.setdefault(login, []).append((cid, fk, tk))

    def build_clients(self, rng):
        self.clients = {}      # client -> (site, lat, lon, ip)
        n_cc = len(self.by_role["csr"]) + len(self.by_role["lead"])
        s = SITE["CC"]
        self.cc_pool = []
        for j in range(1, n_cc + 7):
            c = "CC-WS%03d" % j
            self.clients[c] = ("CC", s[1] + 0.00002 * j, s[2], "10.20.%d.%d" % (1 + j // 200, 10 + j % 200))
            self.cc_pool.append(c)
        for j, u in enumerate(self.by_role["lead"], 1):
            u.desk = "CC-LD%02d" % j
            self.clients[u.desk] = ("CC", s[1], s[2] + 0.0003, "10.20.9.%d" % (10 + j))
        self.fd = {}
        self.td = {}
        for c in CENTRES:
            s = SITE[c]
            o = s[4]
            self.fd[c] = []
            n_fd = max(4, 1 + sum(1 for u in self.users if u.role in ("wsc", "wlead") and u.site == c))
            for j in range(1, n_fd + 1):
                cl = "%s-FD%02d" % (c, j)
                self.clients[cl] = (c, s[1], s[2] + 0.0001 * j, "10.%d.1.%d" % (o, 10 + j))
                self.fd[c].append(cl)
        self.td["HQ"] = []
        self.td_busy = {}
        for c in CENTRES + ["HQ"]:
            s = SITE[c]
            o = s[4]
            self.td[c] = []
            for j in range(1, 3):
                cl = "%s-TD%02d" % (c, j)
                self.clients[cl] = (c, s[1] + 0.0002, s[2], "10.%d.2.%d" % (o, 10 + j))
                self.td[c].append(cl)
        # returns processing: two shifts share the same workstations
        s = SITE["RPC"]
        rp = self.by_role["dtx"] + self.by_role["err"]
        first = [u for u in rp if not u.second]
        second = [u for u in rp if u.second]
        for j, u in enumerate(first, 1):
            u.desk = "RPC-WS%03d" % j
            self.clients[u.desk] = ("RPC", s[1] + 0.00002 * j, s[2], "10.30.%d.%d" % (1 + j // 200, 10 + j % 200))
        for j, u in enumerate(second):
            u.desk = first[j % len(first)].desk if first else "RPC-WS%03d" % (900 + j)
            self.clients.setdefault(u.desk, ("RPC", s[1], s[2], "10.30.7.%d" % (10 + j)))
        for j, u in enumerate(self.by_role["rsup"], 1):
            u.desk = "RPC-SUP%02d" % j
            self.clients[u.desk] = ("RPC", s[1], s[2] + 0.0002, "10.30.9.%d" % (10 + j))
        tag = {"wsc": "FD", "wlead": "MG", "aud": "EX", "esup": "EX", "ro": "CO", "csup": "CO", "ci": "CI",
               "tas": "TA", "disc": "DS", "eau": "EA", "it": "IT", "dir": "EXE", "csr": "CC"}
        for j, u in enumerate(self.users):
            if u.role in ("lead", "dtx", "err", "rsup"):
                pass
            elif u.role in ("itadm", "bc"):
                continue
            elif u.role == "svc":
                u.desk = "HQ-BATCH01"
                self.clients.setdefault(u.desk, ("HQ", SITE["HQ"][1] - 0.002, SITE["HQ"][2] + 0.002, "10.10.9.5"))
                continue
            elif u.role == "wsc":
                u.desk = None      # front desks are assigned per day
            elif u.role == "csr":
                u.desk = None      # hot desks
            else:
                s = SITE[u.site]
                u.desk = "%s-%s-WS%03d" % (u.site, tag[u.role], j)
                self.clients[u.desk] = (u.site, s[1] + 0.00001 * (j % 90), s[2], "10.%d.%d.%d" % (s[4], 3 + j // 200, 10 + j % 200))
            if u.role in ("aud", "esup", "ro", "csup", "ci", "tas", "disc", "eau", "it", "dir") or \
                    (u.role == "csr" and u.tele) or u.transfer is not None:
                site = u.site if u.role != "csr" else "CC"
                s = SITE[site]
                u.laptop = "LT-%s-%03d" % (tag.get(u.role, "CC"), j)
                # a laptop has no fixed position: the asset inventory lists it as mobile, without coordinates
                self.clients[u.laptop] = (site, None, None, "10.%d.8.%d" % (s[4], 10 + j % 240))
            u.vpn_ip = "10.250.%d.%d" % (rng.randrange(1, 250), rng.randrange(2, 254))
        for u in self.users:
            if u.main is not None:
                u.desk = u.main.desk
                u.laptop = u.main.laptop
                u.vpn_ip = u.main.vpn_ip

    # ------------------------------------------------------------ schedules
    def build_schedules(self):
        D = self.days
        trainer_days = {}
        for u in self.users:
            for t in u.trainees:
                trainer_days.setdefault(u.login, set()).update(t.sbs_days)
        for u in self.users:
            rng = self.R("sched-" + u.login)
            u.shifts = []
            u.days_worked = set()
            tdays = trainer_days.get(u.login, set())
            for k in range(D):
                if u.end_k is not None and k >= u.end_k:
                    break
                if u.hire_k is not None and k < u.hire_k:
                    continue
                wd = self.weekday(k)
                role = u.role
                if u.transfer is not None and k < u.transfer:
                    role = "csr"
                tags = []
                if u.seasonal and k < u.hire_k + 14:
                    tags.append("newhire")
                if u.transfer is not None:
                    tags.append("transfer_before" if k < u.transfer else "transfer_after")
                if role == "svc":
                    u.shifts.append((k, "SVC", "HQ", tags))
                    continue
                if wd == 6:
                    continue
                if role == "csr":
                    if wd == 5:
                        p = 0.5 if k >= self.wave_k else 0.22
                        if "newhire" not in tags and rng.random() < p:
                            u.shifts.append((k, "SAT", "CC", tags + ["sat"]))
                        continue
                    if k in u.sbs_days:
                        u.shifts.append((k, "SBS", "CC", tags + ["sbs"]))
                        continue
                    if k not in tdays and rng.random() < 0.04:
                        continue
                    kind = "CALLTW" if (wd in u.tele and k not in tdays) else "CALL"
                    u.shifts.append((k, kind, "CC", tags + (["tele"] if kind == "CALLTW" else [])))
                    continue
                if wd == 5:
                    if role in ("dtx", "err") and not u.second and "newhire" not in tags and rng.random() < 0.1:
                        u.shifts.append((k, "RPDSAT", "RPC", tags + ["sat"]))
                    continue
                if rng.random() < 0.04:
                    continue
                if role == "lead":
                    u.shifts.append((k, "LEAD", "CC", tags))
                elif role in ("wsc", "wlead"):
                    u.shifts.append((k, "WALKIN", u.site, tags))
                elif role in ("dtx", "err"):
                    u.shifts.append((k, "RPD", "RPC", tags + (["second"] if u.second else [])))
                elif role in ("itadm", "bc"):
                    if rng.random() < 0.6:
                        u.shifts.append((k, "ADMIN", u.site, tags))
                else:
                    if wd in u.tele:
                        u.shifts.append((k, "TELE", u.site, tags + ["tele"]))
                    elif role == "ro" and rng.random() < 0.25 and k > 0:
                        u.shifts.append((k, "FIELD", u.site, tags + ["field"]))
                    elif role == "aud" and rng.random() < 0.07 and "transfer_after" not in tags:
                        u.shifts.append((k, "FIELD", u.site, tags + ["field"]))
                    else:
                        u.shifts.append((k, "OFFICE", u.site, tags))
            for s in u.shifts:
                u.days_worked.add(s[0])

    def allocate_desks(self):
        """Hot desks: each on-site contact-centre rep and walk-in clerk gets a free workstation per day."""
        rng = self.R("desks")
        self.desk_of = {}
        byday = {}
        for u in self.users:
            for k, kind, site, tags in u.shifts:
                if kind in ("CALL", "SAT"):
                    byday.setdefault(("CC", k), []).append(u.login)
                elif kind == "WALKIN":
                    byday.setdefault((u.site, k), []).append(u.login)
        self.free_desk = {}
        for key in sorted(byday):
            logins = byday[key]
            rng.shuffle(logins)
            pool = self.cc_pool if key[0] == "CC" else self.fd[key[0]]
            for i, lg in enumerate(logins):
                self.desk_of[(lg, key[1])] = pool[i % len(pool)]
            self.free_desk[key] = pool[len(logins):]

    # ------------------------------------------------------------ contact-centre special callers
    def build_specials(self):
        rng = self.R("specials")
        D = self.days
        self.cc_specials = {}
        working = {}
        for u in self.by_role["csr"]:
            for k, kind, site, tags in u.shifts:
                if kind in ("CALL", "CALLTW") and "newhire" not in tags:
                    working.setdefault(k, []).append(u)
        days = sorted(working)
        if not days:
            return

        def place(kind, pidx, note, exclude=()):
            for _ in range(20):
                k = rng.choice(days)
                reps = [r for r in working[k] if r.login not in exclude]
                if reps:
                    r = rng.choice(reps)
                    self.cc_specials.setdefault((r.login, k), []).append([rng.uniform(0.05, 0.92), kind, pidx, note])
                    return

        emps = [u for u in self.humans if u.pid and u.role != "dir"]
        for _ in range(max(4, self.nusers * D // 600)):
            e = rng.choice(emps)
            excl = {e.login} | ({e.spouse_emp.login} if e.spouse_emp else set())
            place("employee", e.pidx, "employee %s calls in about their own return" % e.login, excl)
        for _ in range(max(3, D // 5)):
            wi, cat, desc = rng.choice(self.watch)
            place("celebrity", wi, "%s (%s) calls in about their account" % (cat, desc))
        for ni, login in self.namesakes:
            for _ in range(rng.randint(1, 2)):
                place("namesake", ni, "caller shares the name of employee %s (different person and DOB)" % login)
        for v in self.cc_specials.values():
            v.sort(key=lambda x: x[0])

    # ------------------------------------------------------------ sessions
    def new_seg(self, rng, u, t0, t1, client, role, tags, grp=0, failed=True, ip=None):
        site, lat, lon, cip = self.clients[client]
        ip = ip or cip
        sess = "%s-%08x" % (site, rng.getrandbits(32))
        seg = (t0, t1, client, sess, ip, site, role, tuple(tags))
        if grp == 0:
            self.seg_by_user.setdefault(u.login, []).append(seg)
        if failed and rng.random() < 0.02:
            self.sso(grp, t0 - rng.randint(5, 40) * 1000, u.login, seg, "login_failed")
        self.sso(grp, t0, u.login, seg, "login")
        self.sso(grp, t1, u.login, seg, "logout")
        return seg

    def cellular_ip(self, rng):
        return "172.56.%d.%d" % (rng.randrange(256), rng.randrange(1, 255))

    def hn_tags(self, ids, tags, u, k, seg=None):
        for t in tags:
            if t == "newhire":
                for e in ids:
                    self.hn_add("seasonal_temp_first_weeks", e, "%s hired %s (seasonal, no history)" % (u.login, self.dstr(u.hire_k)))
            elif t == "tele":
                for e in ids:
                    self.hn_add("telework_vpn", e, "%s teleworking on %s via VPN %s" % (u.login, seg[2] if seg else "", seg[4] if seg else ""))
            elif t == "sat":
                for e in ids:
                    self.hn_add("saturday_overtime", e, "%s filing-season Saturday shift" % u.login)
            elif t == "transfer_before":
                for e in ids:
                    self.hn_add("unit_transfer_mid_window", e, "%s worked the contact centre before moving to %s on %s" %
                                (u.login, u.unit, self.dstr(u.transfer)))

    # ------------------------------------------------------------ legitimate activity
    def gen_legit(self):
        for u in self.users:
            rng = self.R("act-" + u.login)
            for (k, kind, site, tags) in u.shifts:
                if kind in ("CALL", "CALLTW", "SAT"):
                    self.day_call(rng, u, k, kind, tags)
                elif kind == "LEAD":
                    self.day_lead(rng, u, k, tags)
                elif kind == "WALKIN":
                    self.day_walkin(rng, u, k, tags)
                elif kind in ("RPD", "RPDSAT"):
                    self.day_rpd(rng, u, k, kind, tags)
                elif kind in ("OFFICE", "TELE", "FIELD"):
                    self.day_office(rng, u, k, kind, tags)
                elif kind == "ADMIN":
                    self.day_admin(rng, u, k)
                elif kind == "SVC":
                    self.day_svc(rng, u, k)
            if u.role == "it":
                self.it_oncall(rng, u)
        for lg in self.seg_by_user:
            self.seg_by_user[lg].sort(key=lambda s: s[0])

    # contact centre ----------------------------------------------------------------
    def call_case(self, rng, k):
        r = rng.random()
        if r < 0.48:
            return "", None
        if r < 0.83:
            c = "CNT-%s-%07d" % (self.yymm(k), rng.randint(1, 2999999))
            r2 = rng.random()
            if r2 < 0.08:
                c = c.replace("-", "")
            elif r2 < 0.14:
                c = c[4:]
            return c, "contact_number_in_case_field"
        return rng.choice(JUNK), "placeholder_case_exempt_purpose"

    def pick_caller(self, rng, k):
        r = rng.random()
        if k >= self.wave_k:
            if r < 0.4:
                return rng.choice(self.delay_pool), "wave"
            if r < 0.52:
                return rng.choice(self.freq_pool), "freq"
        else:
            if r < 0.03:
                return rng.choice(self.delay_pool), None
            if r < 0.18:
                return rng.choice(self.freq_pool), "freq"
        return rng.choice(self.adults), None

    def one_call(self, rng, u, seg, t, k, pidx, purpose="TAXPAYER CALL", case=None, cls=None):
        if case is None:
            case, cls = self.call_case(rng, k)
        r = rng.random()
        how = "tin" if r < 0.55 else ("name_dob" if r < 0.8 else ("addr" if r < 0.91 else "phone"))
        tt = t + rng.randint(15, 75) * 1000
        ids = self.lookup(0, rng, tt, u.login, seg, pidx, how, purpose, case, dob=False)
        tt += rng.randint(8, 45) * 1000
        view = self.lookup(0, rng, tt, u.login, seg, pidx, "view", purpose, case)
        ids += view
        sp = self.spouse.get(pidx)
        if sp is not None and rng.random() < 0.3:
            tt += rng.randint(20, 120) * 1000
            e = self.lookup(0, rng, tt, u.login, seg, sp, "view", purpose, case)
            self.hn_add("joint_return_spouse_lookup", e[0], "spouse on the caller's joint return")
            ids += e
        if pidx in self.deps and rng.random() < 0.08:
            tt += rng.randint(20, 120) * 1000
            e = self.lookup(0, rng, tt, u.login, seg, rng.choice(self.deps[pidx]), "view", purpose, case)
            self.hn_add("dependant_on_return", e[0], "dependant claimed on the caller's return")
            ids += e
        if rng.random() < 0.3:
            tt += rng.randint(20, 150) * 1000
            ids += self.lookup(0, rng, tt, u.login, seg, pidx, "image", purpose, case)
        if rng.random() < 0.05:
            tt += rng.randint(30, 200) * 1000
            ids += self.lookup(0, rng, tt, u.login, seg, pidx, "update", purpose, case)
        if cls:
            for e in ids:
                self.hn_add(cls, e, "%r typed in case_id under %s" % (case, purpose))
        p = self.P[pidx]
        if (p[1], p[2]) in self.emp_names and self.by_pidx.get(pidx) is None:
            self.hn_add("namesake_taxpayer", view[0], "taxpayer shares a name with employee %s" % self.emp_names[(p[1], p[2])][0])
        return ids, tt

    def prep_call(self, rng, u, seg, t, k):
        caf, clients = rng.choice(self.firms)
        n = rng.randint(8, 15)
        span = rng.randint(20, 30) * MIN_MS
        case = "CNT-%s-%07d" % (self.yymm(k), rng.randint(1, 2999999)) if rng.random() < 0.6 else ""
        ids = []
        tt = t
        for j, c in enumerate(rng.sample(clients, min(n, len(clients)))):
            tt = t + int(span * j / n) + rng.randint(0, 40000)
            ids += self.lookup(0, rng, tt, u.login, seg, c, "tin", "PRACTITIONER CALL", case,
                               qt="POA CAF %s TIN=%s" % (caf, type_tin(rng, self.P[c][0])))
            ids += self.lookup(0, rng, tt + rng.randint(10, 50) * 1000, u.login, seg, c, "view", "PRACTITIONER CALL", case)
            if rng.random() < 0.2:
                ids += self.lookup(0, rng, tt + rng.randint(55, 90) * 1000, u.login, seg, c, "image",
                                   "PRACTITIONER CALL", case)
        for e in ids:
            self.hn_add("preparer_multi_client_call", e, "preparer with POA (CAF %s) calls about %d clients" % (caf, n))
        return ids, t + span + rng.randint(30, 120) * 1000

    def calls(self, rng, u, seg, k, specials, tsegs, tags, trig):
        t0, t1 = seg[0], seg[1]
        wave = k >= self.wave_k
        aht = u.aht * (0.8 if wave else 1.0)
        if "newhire" in tags:
            aht *= 1.5
        if u.role == "lead":
            aht *= 2.6
        t = t0 + rng.randint(60, 240) * 1000
        out = []
        si = 0
        while t < t1 - 3 * MIN_MS:
            while si < len(specials) and (specials[si][4] if len(specials[si]) > 4 else False):
                si += 1
            cur = None
            if si < len(specials) and trig[si] <= t:
                sp = specials[si]
                cur = sp[2]
                sp.append(True)
                cls = {"employee": "employee_taxpayer_calls_in", "celebrity": "celebrity_calls_in",
                       "namesake": "namesake_taxpayer"}[sp[1]]
                case = "CNT-%s-%07d" % (self.yymm(k), rng.randint(1, 2999999))
                ids, tt = self.one_call(rng, u, seg, t, k, sp[2], case=case, cls="contact_number_in_case_field")
                for e in ids:
                    self.hn_add(cls, e, sp[3] + "; served by %s under %s" % (u.login, case))
            elif rng.random() < 0.012 and t + 32 * MIN_MS < t1:
                ids, tt = self.prep_call(rng, u, seg, t, k)
            else:
                pidx, why = self.pick_caller(rng, k)
                cur = pidx
                ids, tt = self.one_call(rng, u, seg, t, k, pidx)
                if why == "wave":
                    for e in ids:
                        self.hn_add("refund_delay_announcement_wave", e,
                                    "refund-delay announcement: delayed-refund taxpayer calls in")
                elif why == "freq":
                    self.hn_add("repeat_caller_many_reps", ids[1] if len(ids) > 1 else ids[0],
                                "repeat caller, served by many reps over the weeks")
            for ts in tsegs:
                if cur is not None and ts[0] < t and rng.random() < 0.6 and len(ids) > 1:
                    # trainee at the trainer's elbow pulls up the same account on the same workstation
                    trainee = ts[8]
                    e = self.lookup(0, rng, t + rng.randint(20, 90) * 1000, trainee.login, ts[:8], cur, "view",
                                    "TAXPAYER CALL", "")
                    for x in e + ids[:2]:
                        self.hn_add("trainer_trainee_shared_workstation", x,
                                    "trainee %s shadowing trainer %s on %s" % (trainee.login, u.login, ts[2]))
                    for x in e:
                        self.hn_add("seasonal_temp_first_weeks", x, "%s in side-by-side training" % trainee.login)
            self.hn_tags(ids, tags, u, k, seg)
            out += ids
            dur = max(1.6, rng.gauss(aht, aht * 0.35)) * MIN_MS
            t = max(tt + 20000, t + int(dur)) + (int(rng.expovariate(1.0 / 50000)) if rng.random() < 0.3 else 0)
        return out

    def day_call(self, rng, u, k, kind, tags):
        if kind == "SAT":
            st_min, length = 480 + rng.randint(-10, 10), 360
        else:
            st_min, length = u.start_min + rng.randint(-7, 9), 510
            if k >= self.wave_k and rng.random() < 0.3:
                length += 60
        st = self.lms(k, st_min)
        en = st + length * MIN_MS
        ip = None
        if kind == "CALLTW":
            client, ip = u.laptop, u.vpn_ip
        else:
            client = self.desk_of[(u.login, k)]
        trainees = [t for t in u.trainees if k in t.sbs_days]
        if kind == "SAT":
            bounds = [(st, en)]
        else:
            l0 = st + (230 + rng.randint(-20, 40)) * MIN_MS
            l1 = l0 + rng.choice([30, 30, 45]) * MIN_MS
            bounds = [(st, l0), (l1, en)]
        specials = self.cc_specials.get((u.login, k), [])
        trig = [st + int(sp[0] * (en - st)) for sp in specials]
        for a, b in bounds:
            seg = self.new_seg(rng, u, a, b, client, "CALL", tags, ip=ip)
            tsegs = []
            for t in trainees:
                ts = self.new_seg(rng, t, a + rng.randint(1, 4) * MIN_MS, b - rng.randint(0, 3) * MIN_MS, client, "CALL",
                                  ["sbs", "newhire"])
                tsegs.append(ts + (t,))
            self.calls(rng, u, seg, k, specials, tsegs, tags, trig)

    def day_lead(self, rng, u, k, tags):
        st = self.lms(k, u.start_min + rng.randint(-10, 10))
        en = st + rng.randint(510, 560) * MIN_MS
        seg = self.new_seg(rng, u, st, en, u.desk, "CALL", tags)
        self.calls(rng, u, seg, k, [], [], tags, [])

    # walk-in service centres ---------------------------------------------------------
    def day_walkin(self, rng, u, k, tags):
        st = self.lms(k, 475 + rng.randint(-10, 8))
        en = st + rng.randint(530, 545) * MIN_MS
        client = self.desk_of[(u.login, k)]
        l0 = st + (225 + rng.randint(-20, 40)) * MIN_MS
        l1 = l0 + rng.choice([30, 45, 60]) * MIN_MS
        region = SITE[u.site][3]
        gap = 26 if u.role == "wlead" else 11
        for a, b in ((st, l0), (l1, en)):
            seg = self.new_seg(rng, u, a, b, client, "WALKIN", tags)
            t = a + rng.randint(3, 15) * MIN_MS
            while t < b - 5 * MIN_MS:
                pidx = rng.choice(self.adults_by_region[region]) if rng.random() < 0.8 else rng.choice(self.adults)
                q = "Q-%04d" % (100 + int((t - st) / (MIN_MS * 1.6)) + rng.randint(0, 9))
                r = rng.random()
                if r < 0.45:
                    case, cls = (q if rng.random() < 0.8 else q.replace("-", "")), "queue_ticket_in_case_field"
                elif r < 0.9:
                    case, cls = "", None
                else:
                    case, cls = rng.choice(JUNK), "placeholder_case_exempt_purpose"
                ids, tt = self.one_call(rng, u, seg, t, k, pidx, purpose="WALK-IN SERVICE", case=case, cls=cls)
                self.hn_tags(ids, tags, u, k, seg)
                t = max(tt + 60000, t + int(rng.expovariate(1.0 / (gap * MIN_MS)))) + 2 * MIN_MS

    # returns processing ------------------------------------------------------------
    def day_rpd(self, rng, u, k, kind, tags):
        if kind == "RPDSAT":
            st_min, length = 420, 300
        elif u.second:
            st_min, length = 902 + rng.randint(0, 6), 505
        else:
            st_min, length = 385 + rng.randint(0, 6), 505
        st = self.lms(k, st_min)
        en = st + length * MIN_MS
        if kind == "RPDSAT":
            bounds = [(st, en)]
        else:
            b0 = st + (240 + rng.randint(-20, 30)) * MIN_MS
            bounds = [(st, b0), (b0 + 30 * MIN_MS, en)]
        tx = u.role == "dtx"
        rate = (3.2 if tx else 6.5) * (1.5 if "newhire" in tags else 1.0) * rng.uniform(0.85, 1.15)
        batch = rng.randint(1, 999)
        nb = 0
        serial = rng.randint(0, 90000)
        rk = k - rng.randint(3, 25)
        for a, b in bounds:
            seg = self.new_seg(rng, u, a, b, u.desk, "RPD", tags)
            t = a + rng.randint(2, 8) * MIN_MS
            while t < b - 2 * MIN_MS:
                if nb >= 100:
                    batch, nb, rk = rng.randint(1, 999), 0, k - rng.randint(3, 25)
                    serial = rng.randint(0, 90000)
                    t += rng.randint(2, 6) * MIN_MS
                nb += 1
                serial += 1
                d = self.start_date + _dt.timedelta(days=rk)
                dln = "%02d%03d-%03d-%05d-%d" % (d.year % 100, d.timetuple().tm_yday, batch, serial % 100000,
                                                 (serial * 7 + batch) % 10)
                r = rng.random()
                if tx:
                    case = "DLN " + dln if r < 0.35 else (dln if r < 0.6 else ("" if r < 0.9 else "BATCH %03d" % batch))
                else:
                    case = "DLN " + dln if r < 0.3 else (dln if r < 0.55 else ("" if r < 0.9 else rng.choice(JUNK)))
                purpose = "RETURN PROCESSING" if tx else "ERROR RESOLUTION"
                pidx = rng.choice(self.adults)
                ids = []
                if tx:
                    e = self.lookup(0, rng, t, u.login, seg, pidx, "fan", purpose, case, dln=dln)
                    if rng.random() < 0.15:
                        for x in e:
                            self.hn_add("fan_out_same_second", x, "one DLN query sent to ITS and RIS in the same second")
                    ids += e
                    tt = t + rng.randint(25, 100) * 1000
                    if rng.random() < 0.55:
                        ids += self.lookup(0, rng, tt, u.login, seg, pidx, "update", purpose, case,
                                           qt="TRANSCRIBE/POST TY2025 DLN %s" % dln)
                    sp = self.spouse.get(pidx)
                    if sp is not None and rng.random() < 0.45:
                        e = self.lookup(0, rng, tt + rng.randint(5, 30) * 1000, u.login, seg, sp, "tin", purpose, case)
                        self.hn_add("joint_return_spouse_lookup", e[0], "spouse on a joint return being transcribed")
                        ids += e
                else:
                    tt = t
                    ids += self.lookup(0, rng, tt, u.login, seg, pidx, "view", purpose, case)
                    tt += rng.randint(15, 60) * 1000
                    ids += self.lookup(0, rng, tt, u.login, seg, pidx, "image", purpose, case, dln=dln)
                    if rng.random() < 0.5:
                        tt += rng.randint(30, 120) * 1000
                        ids += self.lookup(0, rng, tt, u.login, seg, pidx, "wage", purpose, case)
                    sp = self.spouse.get(pidx)
                    if sp is not None and rng.random() < 0.3:
                        tt += rng.randint(20, 90) * 1000
                        e = self.lookup(0, rng, tt, u.login, seg, sp, "view", purpose, case)
                        self.hn_add("joint_return_spouse_lookup", e[0], "spouse on a joint return in error resolution")
                        ids += e
                    if rng.random() < 0.8:
                        tt += rng.randint(30, 150) * 1000
                        ids += self.lookup(0, rng, tt, u.login, seg, pidx, "update", purpose, case,
                                           qt="ERROR RESOLVED ERC %03d DLN %s" % (rng.randint(100, 999), dln))
                if case and ("-" in case and case[:1].isdigit() or case.startswith("DLN")):
                    for e in ids:
                        self.hn_add("dln_in_case_field", e, "document locator number %r typed in case_id" % case)
                elif case and not case.startswith("BATCH"):
                    for e in ids:
                        self.hn_add("placeholder_case_exempt_purpose", e, "%r typed in case_id under %s" % (case, purpose))
                if u.second:
                    m = local_minute_of_day(t)
                    if m >= 19 * 60 or m < 60:
                        for e in ids:
                            self.hn_add("second_shift_transcribers", e, "%s on the filing-season second shift (15:00-23:30)" % u.login)
                self.hn_tags(ids, tags, u, k, seg)
                t += max(40000, int(rng.gauss(rate, rate * 0.3) * MIN_MS))

    # office work: examination, collections, CI, advocate, disclosure, employee accounts --------
    def active_cases(self, login, k):
        out = []
        for cid, fk, tk in self.user_cases.get(login, []):
            c = self.cases[cid]
            if fk <= k and (tk is None or k < tk) and c["opened_k"] <= k and (c["closed_k"] is None or k < c["closed_k"]):
                out.append(cid)
        return out

    def day_office(self, rng, u, k, kind, tags):
        role = u.role
        st = self.lms(k, rng.randint(445, 540))
        en = st + rng.randint(500, 560) * MIN_MS
        laptop_ip = self.clients[u.laptop][3] if u.laptop else None
        segs = []      # (t0, t1, client, segrole, ip, hn)
        focus_region = None
        if kind == "TELE":
            segs = [(st, en, u.laptop, "TELE", u.vpn_ip, None)]
        elif kind == "FIELD" and role == "ro":
            leave = st + rng.randint(50, 110) * MIN_MS
            far = [c for c in ("HQ", "PVS", "GRF", "OXB") if c != u.site and site_dist(c, u.site) >= 100]
            dest = rng.choice(far)
            dist = site_dist(dest, u.site)
            drive = int((dist / 88.0 + 0.25) * H_MS)
            v0 = leave + int(drive * 0.92)
            v1 = v0 + rng.randint(50, 110) * MIN_MS
            td0 = v1 + rng.randint(10, 25) * MIN_MS
            td1 = td0 + rng.randint(50, 100) * MIN_MS
            note = "%s at %s until %s, drove %.0f km (%d min) to a taxpayer's premises, then %s" % (
                u.login, u.site, fmt_ts(leave, "OFF")[11:16], dist, (v0 - leave) // MIN_MS, dest)
            segs = [(st, leave, u.desk, "OFFICE", None, None),
                    (v0, v1, u.laptop, "FIELD", self.cellular_ip(rng), ("revenue_officer_field_day", note)),
                    (td0, td1, self.take_td(dest, td0, td1), "TD", None, ("revenue_officer_field_day", note))]
            focus_region = SITE[dest][3]
        elif kind == "FIELD":
            leave = st + rng.randint(60, 150) * MIN_MS
            arrive = leave + rng.randint(30, 110) * MIN_MS
            segs = [(st, leave, u.desk, "OFFICE", None, None),
                    (arrive, en, u.laptop, "FIELD", self.cellular_ip(rng),
                     ("auditor_field_audit", "%s at the taxpayer's premises on a laptop" % u.login))]
        else:
            client = u.laptop if role in ("ro", "csup") else u.desk
            segs = [(st, en, client, "OFFICE", laptop_ip if role in ("ro", "csup") else None, None)]
        cases = self.active_cases(u.login, k)
        field_cases = None
        if kind == "FIELD" and cases:
            if focus_region:
                field_cases = [c for c in cases if self.P[self.case_subj[c][0]][8] == focus_region] or cases
                field_cases = rng.sample(field_cases, min(len(field_cases), rng.randint(1, 3)))
            else:
                field_cases = [rng.choice(cases)]
        focus = rng.sample(cases, min(len(cases), rng.randint(2, 4))) if cases else []
        per_day = {"aud": (5, 10), "esup": (2, 6), "ro": (10, 22), "csup": (2, 6), "ci": (4, 9), "tas": (5, 10),
                   "disc": (3, 7), "eau": (3, 8), "rsup": (10, 25), "dir": (0, 0), "it": (2, 9)}[role]
        day_span = en - st
        for (a, b, client, srole, ip, hn) in segs:
            seg = self.new_seg(rng, u, a, b, client, srole, tags, ip=ip)
            n = int(round(rng.randint(*per_day) * (b - a) / day_span))
            if srole in ("FIELD", "TD"):
                n = max(n, 2)
            times = sorted(a + 2 * MIN_MS + int(rng.random() * max(1, b - a - 12 * MIN_MS)) for _ in range(n))
            for t in times:
                if role == "it":
                    ids = [self.it_test(rng, u, seg, t)]
                elif role == "rsup":
                    ids = self.rsup_review(rng, u, seg, t, k)
                elif not cases:
                    continue
                else:
                    pool = field_cases if (srole in ("FIELD", "TD") and field_cases) else \
                        (focus if rng.random() < 0.6 else cases)
                    ids = self.case_item(rng, u, seg, t, k, rng.choice(pool), role)
                if hn:
                    for e in ids:
                        self.hn_add(hn[0], e, hn[1])
                self.hn_tags(ids, tags, u, k, seg)

    def take_td(self, site, t0, t1):
        """A free touchdown desk at site for [t0, t1]; a centre adds desks when all are taken."""
        for c in self.td[site]:
            if all(b <= t0 or a >= t1 for a, b in self.td_busy.setdefault(c, [])):
                self.td_busy[c].append((t0, t1))
                return c
        s = SITE[site]
        c = "%s-TD%02d" % (site, len(self.td[site]) + 1)
        self.clients[c] = (site, s[1] + 0.0002, s[2], "10.%d.2.%d" % (s[4], 10 + len(self.td[site]) + 1))
        self.td[site].append(c)
        self.td_busy[c] = [(t0, t1)]
        return c

    def case_item(self, rng, u, seg, t, k, cid, role):
        purpose = ROLE_PURPOSE[role]
        cs = type_case(rng, cid)
        subs = self.case_subj[cid]
        pre = self.cases[cid]["pre"]
        hows = {"AUD": ["view", "view", "image", "image", "wage", "prop", "plate", "tin", "name_dob", "dmv_name"],
                "COL": ["view", "wage", "wage", "plate", "dmv_name", "prop", "dmv_addr", "addr", "update", "view"],
                "CI": ["view", "image", "wage", "plate", "dmv_name", "prop", "prop_owner", "dmv_addr", "name_dob"],
                "TAS": ["view", "view", "image", "update", "wage", "tin"],
                "DR": ["view", "image", "image", "tin"],
                "EAU": ["view", "image", "update", "tin", "wage", "view"]}[pre]
        ids = []
        tt = t
        if pre == "DR" and rng.random() < 0.3:
            rc = rng.randint(50, 900) if rng.random() < 0.75 else rng.randint(1000, 4000)
            e = self.ev(0, tt, "ITS", u.login, "export", seg, purpose, cs, None, rc,
                        rng.choice(["DISCLOSURE PACKAGE", "TRANSCRIPT EXPORT", "STATISTICAL EXTRACT (LEGISLATIVE REQUEST)"]))
            self.hn_add("disclosure_export", e, "disclosure office export under %s (%d rows)" % (cid, rc))
            ids.append(e)
            tt += rng.randint(30, 200) * 1000
        chosen = [subs[0]] if (len(subs) == 1 or rng.random() < 0.55) else \
            rng.sample(subs, min(len(subs), rng.randint(2, 3)))
        for pidx in chosen:
            for how in rng.sample(hows, rng.randint(1, 3)):
                ids += self.lookup(0, rng, tt, u.login, seg, pidx, how, purpose, cs, dob=False)
                tt += rng.randint(15, 240) * 1000
        if cs != cid:
            for e in ids:
                self.hn_add("case_number_typed_variant", e, "%r typed for %s" % (cs, cid))
        if pre == "EAU":
            for e in ids:
                self.hn_add("employee_accounts_unit_coworker", e, "Employee Accounts works a colleague's tax account under %s" % cid)
        if any(p in self.watch_set for p in chosen):
            for e in ids:
                self.hn_add("celebrity_legitimate_audit" if pre == "AUD" else "celebrity_legitimate_case", e,
                            "public figure is a subject of %s, worked by the assigned %s" % (cid, u.login))
        return ids

    def rsup_review(self, rng, u, seg, t, k):
        pidx = rng.choice(self.adults)
        dln = self.dln(rng, k)
        case = "DLN " + dln if rng.random() < 0.5 else ""
        ids = self.lookup(0, rng, t, u.login, seg, pidx, "view", "ERROR RESOLUTION", case)
        ids += self.lookup(0, rng, t + rng.randint(20, 90) * 1000, u.login, seg, pidx, "image", "ERROR RESOLUTION",
                           case, dln=dln)
        if case:
            for e in ids:
                self.hn_add("dln_in_case_field", e, "document locator number %r typed in case_id" % case)
        return ids

    def it_test(self, rng, u, seg, ms):
        system = rng.choice(["ITS", "ITS", "RIS", "DMV", "WAGE", "PROP"])
        chg = "CHG%07d" % rng.randint(10000, 999999) if rng.random() < 0.5 else ""
        return self.ev(0, ms, system, u.login, "query", seg, "SYSTEM MAINTENANCE", chg,
                       {"last_name": "TESTPAYER", "first_name": "QA%d" % rng.randint(1, 9), "person_id": "000000%03d" % rng.randint(1, 50)},
                       1, "healthcheck", nested=system in ("RIS", "WAGE"))

    def it_oncall(self, rng, u):
        its = [x for x in self.by_role["it"]]
        slot = its.index(u)
        for k in range(self.days - 1):
            if (k // 7) % len(its) != slot or rng.random() > 0.3:
                continue
            if u.end_k is not None and k >= u.end_k:
                break
            t = self.lms(k + 1, rng.randint(60, 200))
            seg = self.new_seg(rng, u, t, t + rng.randint(15, 45) * MIN_MS, u.laptop or u.desk, "ONCALL", ["oncall"],
                               ip=u.vpn_ip)
            for j in range(rng.randint(2, 6)):
                e = self.it_test(rng, u, seg, t + (j + 1) * rng.randint(60, 280) * 1000)
                self.hn_add("it_oncall_night", e, "%s on-call maintenance at night" % u.login)

    def day_admin(self, rng, u, k):
        st = self.lms(k, rng.randint(8 * 60, 16 * 60))
        if u.role == "itadm":
            seg = self.new_seg(rng, u, st, st + rng.randint(5, 40) * MIN_MS, u.desk, "ADMIN", [])
            for j in range(rng.randint(1, 3)):
                e = self.ev(0, st + (j + 1) * 60000, "SSO", u.login, "admin_config", seg, "SYSTEM MAINTENANCE",
                            extra={"app": "DOR-ENTERPRISE-PORTAL", "outcome": "success"})
                self.hn_add("second_login_same_employee", e, "admin login of %s on the same desk" % u.main.login)
        else:
            seg = self.new_seg(rng, u, st, st + rng.randint(10, 50) * MIN_MS, u.desk, "ADMIN", [])
            for j in range(rng.randint(2, 8)):
                b = rng.randint(1, 999)
                e = self.ev(0, st + (j + 1) * rng.randint(60, 300) * 1000, "ITS", u.login, "batch_release", seg,
                            "RETURN PROCESSING", "BATCH %03d" % b, None, rng.randint(80, 100), "RELEASE BATCH %03d TO POSTING" % b)
                self.hn_add("second_login_same_employee", e, "batch-control login of %s on the same desk" % u.main.login)

    def day_svc(self, rng, u, k):
        runs = []
        if u.login == "svc_fedmatch":
            runs = [(self.lms(k, 90 + rng.randint(0, 12)), "ITS", rng.randint(50000, 200000),
                     "FEDERAL/STATE DATA EXCHANGE MATCH (IRS IRTF)")]
        elif u.login == "svc_refoffset":
            if self.weekday(k) == 3:
                runs = [(self.lms(k, 150 + rng.randint(0, 10)), "ITS", rng.randint(20000, 60000),
                         "WEEKLY REFUND OFFSET FILE (CHILD SUPPORT / AGENCY DEBTS)")]
        elif u.login == "svc_dmvsync":
            runs = [(self.lms(k, 190 + rng.randint(0, 8)), "DMV", rng.randint(3000, 15000), "DMV ADDRESS REFRESH")]
        else:
            if self.weekday(k) < 5:
                runs = [(self.lms(k, 300 + rng.randint(0, 10)), "WAGE", rng.randint(10000, 40000), "QUARTERLY WAGE LOAD")]
        for ms, system, rc, what in runs:
            seg = self.new_seg(rng, u, ms, ms + rng.randint(4, 25) * MIN_MS, u.desk, "BATCH", [], failed=False)
            e = self.ev(0, ms + rng.randint(10, 90) * 1000, system, u.login, "export", seg, "SCHEDULED BATCH",
                        None, None, rc, what)
            self.hn_add("service_batch_export", e, "%s scheduled batch (%d rows)" % (u.login, rc))

    # ------------------------------------------------------------ output
    def write(self, out):
        os.makedirs(os.path.join(out, "refs"), exist_ok=True)
        self.store.sort()
        with open(os.path.join(out, "events.jsonl"), "w") as f:
            for i in range(0, len(self.store), 100000):
                f.write("".join(x[3] + "\n" for x in self.store[i:i + 100000]))
        self.write_refs(os.path.join(out, "refs"))
        with open(os.path.join(out, "custodes.toml"), "w") as f:
            f.write("# Policy of the state Department of Revenue (world j)\n")
            f.write("# Purposes under which a query needs no case number: calls, walk-ins, returns\n")
            f.write("# processing and error resolution, IT maintenance and scheduled batches.\n")
            f.write("[no_case]\nexempt_purposes = [%s]\n" % ", ".join('"%s"' % p for p in EXEMPT))
        with open(os.path.join(out, "hard_negatives.tsv"), "w") as f:
            f.write("event_id\tclass\tnote\n")
            self.hn_counts = {}
            for cls in sorted(self.hn):
                seen = set()
                uniq = []
                for eid, note in self.hn[cls]:
                    if eid not in seen:
                        seen.add(eid)
                        uniq.append((eid, note))
                stride = max(1, -(-len(uniq) // 4000))
                sel = uniq[::stride]
                self.hn_counts[cls] = (len(sel), len(uniq))
                for eid, note in sel:
                    f.write("%s\t%s\t%s%s\n" % (eid, cls, note.replace("\t", " "),
                                                  " [sampled 1/%d]" % stride if stride > 1 else ""))

    def write_refs(self, d):
        def w(name, rows):
            cols = REF_COLUMNS[name]
            with open(os.path.join(d, name), "w", newline="") as f:
                cw = csv.writer(f, lineterminator="\n")
                cw.writerow(cols)
                for r in rows:
                    cw.writerow([r.get(c, "") for c in cols])
        rows = []
        for u in self.users:
            if u.pidx is not None:
                p = self.P[u.pidx]
                ident = {"last_name": p[1], "first_name": p[2], "dob": p[4], "address": p[5], "phone": p[6],
                         "plate": p[7]}
            else:
                ident = {"last_name": "SERVICE", "first_name": u.login.upper()}
            rows.append(dict(ident, user=u.login, employee_id=u.emp, person_id=u.pid, unit=u.unit,
                             supervisor=u.sup, site=SITE[u.site][0], status=u.status,
                             end_date=self.dstr(u.end_k) if u.end_k is not None else ""))
        w("personnel.csv", rows)
        w("associations.csv", [r for _, _, _, r in self.assoc])
        crow = []
        for cid, c in self.cases.items():
            closed = c["closed_k"]
            isc = closed is not None and closed < self.days
            crow.append({"case_id": cid, "status": "closed" if isc else "open", "opened": self.dstr(c["opened_k"]),
                         "closed": self.dstr(closed) if isc else "", "unit": c["unit"]})
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
                             "dob": self.P[wi][4], "category": c} for wi, c, _ in self.watch])
        w("clients.csv", [{"client": c, "site": SITE[v[0]][0], "lat": "%.4f" % v[1], "lon": "%.4f" % v[2]}
                          if v[1] is not None else
                          {"client": c, "site": "MOBILE (home office: %s)" % SITE[v[0]][0], "lat": "", "lon": ""}
                          for c, v in sorted(self.clients.items())])

    def write_summary(self, a, labels, n_legit, secs):
        units, status = {}, {}
        for u in self.users:
            units[u.unit] = units.get(u.unit, 0) + 1
            status[u.status] = status.get(u.status, 0) + 1
        by_kind = {}
        incs = set()
        for lab in labels:
            key = "%s/%s" % (lab["detector"], lab["kind"])
            by_kind[key] = by_kind.get(key, 0) + 1
            incs.add(lab["note"].split(":")[0])
        n_closed = sum(1 for c in self.cases.values() if c["closed_k"] is not None and c["closed_k"] < self.days)
        pre = {}
        for c in self.cases.values():
            pre[c["pre"]] = pre.get(c["pre"], 0) + 1
        n_call = len(self.by_role["csr"]) + len(self.by_role["lead"])
        lines = ["world j: state Department of Revenue",
                 "seed %d  users(logins) %d  days %d  start %s  inject %s" % (a.seed, len(self.users), a.days, a.start,
                                                                           not a.no_inject),
                 "refund-delay announcement wave from %s" % (self.dstr(self.wave_k) if self.wave_k < self.days else "-"),
                 "",
                 "logins per unit (contact centre %d = %.0f%%):" % (n_call, 100.0 * n_call / len(self.users))]
        lines += ["  %-24s %d" % (k, units[k]) for k in sorted(units)]
        lines += ["login status: " + ", ".join("%s %d" % (k, status[k]) for k in sorted(status)),
                  "seasonal temps: %d  trainers: %d  second-shift clerks: %d  teleworkers: %d  employee couples: %d" %
                  (sum(1 for u in self.users if u.seasonal), len(self.trainers),
                   sum(1 for u in self.users if u.second), sum(1 for u in self.users if u.tele), len(self.emp_couples)),
                  "unit transfer: %s" % ("%s (contact centre -> EXAMINATION on %s)" % (self.transfer_user.login,
                                         self.dstr(self.transfer_user.transfer)) if self.transfer_user else "-"),
                  "persons (taxpayers, incl. businesses): %d (public %d, adults %d, businesses %d)" %
                  (len(self.P), self.S, len(self.adults), len(self.biz)),
                  "associations: %d  watchlist: %d  clients: %d  namesakes: %d" %
                  (len(self.assoc), len(self.watch), len(self.clients), len(self.namesakes)),
                  "cases: %d (closed by window end %d; %s)  assignments: %d  case subjects: %d" %
                  (len(self.cases), n_closed, ", ".join("%s %d" % (k, pre[k]) for k in sorted(pre)),
                   sum(len(v) for v in self.assign.values()), sum(len(v) for v in self.case_subj.values())),
                  "",
                  "events: %d (legitimate %d, injected %d)" % (len(self.store), n_legit, len(self.store) - n_legit)]
        sys_count = {}
        for ms, grp, s, line in self.store:
            i = line.find('"system":"')
            sysn = line[i + 10:line.find('"', i + 10)]
            sys_count[sysn] = sys_count.get(sysn, 0) + 1
        lines += ["  %-6s %d" % (k, sys_count[k]) for k in sorted(sys_count)]
        lines += ["", "incidents: %d  labelled pieces: %d" % (len(incs), len(labels))]
        lines += ["  %-40s %d" % (k, by_kind[k]) for k in sorted(by_kind)]
        lines += ["", "hard negatives (rows written / candidate events):"]
        lines += ["  %-42s %d / %d" % (k, v[0], v[1]) for k, v in sorted(self.hn_counts.items())]
        with open(os.path.join(a.out, "world_summary.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, default=1001)
    ap.add_argument("--users", type=int, default=250)
    ap.add_argument("--days", type=int, default=45)
    ap.add_argument("--start", default="2026-02-02")
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
    w.allocate_desks()
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
    w.write_summary(a, labels, n_legit, time.time() - t)
    sys.stderr.write("world j: %d events (%d injected), %d labels -> %s in %.1f s\n" %
                     (len(w.store), len(w.store) - n_legit, len(labels), a.out, time.time() - t))
    return 0


if __name__ == "__main__":
    sys.exit(main())
