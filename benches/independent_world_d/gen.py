#!/usr/bin/env python3
"""Independent synthetic world for custodes: a state Department of Corrections.

Prisons (24/7 custody staff, visitor lobbies, classification), probation & parole districts,
central records, victim services, fugitive unit, interstate compact intake, parole board,
investigations, IT and service accounts.  Written from how such an agency works, not from how
any detector works.  Standard library only; deterministic for a seed.

    python3 gen.py --seed S --users N --days D [--no-inject] --out DIR

See README.md for the model, the misconduct scenarios and the hard negatives.
"""
import argparse
import bisect
import hashlib
import json
import math
import os
import random
import sys
import time
from datetime import date, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import names as NM  # noqa: E402

START = date(2025, 2, 24)          # a Monday
TZNAME = "America/Chicago"
HOLIDAYS = {date(2025, 3, 3): "State Founders' Day", date(2025, 5, 26): "Memorial Day",
            date(2025, 7, 4): "Independence Day", date(2025, 9, 1): "Labor Day",
            date(2025, 11, 11): "Veterans Day", date(2025, 11, 27): "Thanksgiving"}

FACILITIES = [  # code, name, lat, lon, staff home towns, housing unit letters
    ("HRCC", "Harlan Ridge Correctional Center", 38.6213, -99.3127, ["HARLAN", "ASHFORD", "COLDWATER"], "ABCDEFGH"),
    ("NFCF", "North Fork Correctional Facility", 39.8542, -95.2088, ["NORTH FORK", "KETTLE CREEK", "EASTLAKE"], "ABCDEFG"),
    ("RWCF", "Riverbend Women's Correctional Facility", 37.4471, -97.1032, ["RIVERBEND", "MILLBROOK", "OSAGE FALLS"], "ABCDE"),
]
DISTRICTS = [
    ("PP-D1", "Carverton District Office", 39.0327, -96.4011, ["CARVERTON", "EASTLAKE", "DOVER SPRINGS"]),
    ("PP-D2", "Millbrook District Office", 37.6982, -97.3498, ["MILLBROOK", "RIVERBEND", "OSAGE FALLS"]),
    ("PP-D3", "Ashford District Office", 38.8511, -99.2964, ["ASHFORD", "HARLAN", "COLDWATER"]),
]
HQ = ("HQ", "Central Office", 39.0491, -96.4217, ["CARVERTON", "EASTLAKE", "DOVER SPRINGS"])
HQDC = ("HQ-DC", "State Data Center", 39.0612, -96.4533)
ALL_CITIES = ["CARVERTON", "EASTLAKE", "DOVER SPRINGS", "MILLBROOK", "RIVERBEND", "OSAGE FALLS", "ASHFORD",
              "HARLAN", "COLDWATER", "NORTH FORK", "KETTLE CREEK", "PRAIRIE VIEW", "WESTON BUTTE", "MILFORD JUNCTION"]
CITY_W = [14, 6, 4, 10, 5, 3, 6, 3, 2, 3, 2, 2, 1, 2]
AREA = {"CARVERTON": "785", "EASTLAKE": "785", "DOVER SPRINGS": "785", "MILFORD JUNCTION": "785",
        "NORTH FORK": "913", "KETTLE CREEK": "913", "MILLBROOK": "316", "RIVERBEND": "316",
        "OSAGE FALLS": "620", "PRAIRIE VIEW": "620", "ASHFORD": "620", "HARLAN": "620", "COLDWATER": "620",
        "WESTON BUTTE": "620"}

# Purpose codes.  Custody operations are keyed on the DOC number, not a case; policy says a case
# number is required for supervision, case management, investigations, hearings, victim work.
EXEMPT_PURPOSES = ["INMATE_COUNT", "MOVEMENT", "HOUSING", "PROPERTY", "DISCIPLINE", "MAIL_SCREEN",
                   "MEDICAL_ESCORT", "CELL_SEARCH", "INCIDENT_RESPONSE", "VISIT", "VISITOR_SCREENING",
                   "INTAKE_SCREENING", "WARRANT_CHECK", "SENTENCE_COMP", "STATISTICAL_REPORT", "CASELOAD_REVIEW",
                   "SYSTEM_ADMIN"]
EXEMPT = set(EXEMPT_PURPOSES)

ROLE_NAMES = {"CO": "Correctional Officer", "SGT": "Correctional Sergeant", "CW": "Classification Counselor",
              "PPO": "Probation & Parole Officer", "PPS": "P&P Supervisor", "REC": "Records / Sentence Computation",
              "VS": "Victim Services Advocate", "FUG": "Fugitive Apprehension Agent",
              "ICI": "Interstate Compact / Intake", "PB": "Parole Board Analyst", "INV": "Investigator (IA / Intel)",
              "IT": "IT Administrator", "SVC": "Service account"}


def H(*parts):
    return hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()


def R(*parts):
    return random.Random("|".join(str(p) for p in parts))


# ----------------------------------------------------------------------------------------------
# Time: local wall clock (US Central, with DST) -> UTC epoch seconds
# ----------------------------------------------------------------------------------------------
def _nth_sunday(y, m, n):
    d = date(y, m, 1)
    d += timedelta(days=(6 - d.weekday()) % 7)
    return d + timedelta(days=7 * (n - 1))


EPOCH0 = datetime(1970, 1, 1)


class Clock:
    def __init__(self, ndays):
        self.n = ndays + 3
        self.mid = []    # naive local midnight as seconds
        self.off = []    # utc offset hours at 00:00 local
        self.trans = []  # (minute, new_offset) or None
        for d in range(-2, self.n):
            day = START + timedelta(days=d)
            s = _nth_sunday(day.year, 3, 2)
            e = _nth_sunday(day.year, 11, 1)
            off = -5 if s < day <= e else -6
            if day == e:
                off = -5
            tr = None
            if day == s:
                tr = (120, -5)
            elif day == e:
                tr = (120, -6)
            self.mid.append(int((datetime.combine(day, datetime.min.time()) - EPOCH0).total_seconds()))
            self.off.append(off)
            self.trans.append(tr)

    def ep(self, d, minute):
        """UTC epoch seconds of local day d (index from START), minute-of-day (may exceed 1440)."""
        dd = d + int(minute // 1440)
        m = minute - 1440 * (minute // 1440)
        i = dd + 2
        off = self.off[i]
        tr = self.trans[i]
        if tr is not None:
            if tr[1] == -5:          # spring forward: 02:00-03:00 does not exist
                if m >= 120:
                    off = -5
                    if m < 180:
                        m += 60
            else:
                if m >= 120:
                    off = -6
        return int(self.mid[i] + m * 60 - off * 3600)

    def midnight(self, d):
        return self.ep(d, 0)


def ts_str(ep):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ep))


def dstr(dt):
    return dt.isoformat()


def day_date(d):
    return START + timedelta(days=d)


# ----------------------------------------------------------------------------------------------
# People
# ----------------------------------------------------------------------------------------------
class P:
    __slots__ = ("pid", "last", "first", "middle", "suffix", "dob", "sex", "addr", "phone", "plate", "kind",
                 "fac", "hu", "case", "visitors", "household", "victims", "employer", "gps", "ppo", "aliases",
                 "admitted", "cw", "flags", "rel_of", "__weakref__")

    def __init__(self):
        self.pid = ""
        self.last = self.first = self.middle = self.suffix = ""
        self.dob = None
        self.sex = "M"
        self.addr = None
        self.phone = ""
        self.plate = ""
        self.kind = "civ"
        self.fac = self.hu = self.case = None
        self.visitors = []
        self.household = []
        self.victims = []
        self.employer = None
        self.gps = False
        self.ppo = None
        self.aliases = []
        self.admitted = None
        self.cw = None
        self.flags = set()
        self.rel_of = None

    def addr_str(self):
        return addr_canon(self.addr) if self.addr else ""

    def name(self):
        return f"{self.last}, {self.first}"


def addr_canon(a):
    num, pre, street, stype, unit, city = a
    s = f"{num} {pre + ' ' if pre else ''}{street} {stype[0]}"
    if unit:
        s += " " + unit
    return s + ", " + city


class Emp:
    def __init__(self):
        self.eid = ""
        self.logins = []
        self.person = None
        self.role = ""
        self.unit = ""
        self.site = ""
        self.fac = None       # facility index for custody/classification
        self.dist = None      # district index
        self.post = None      # CO post: HU-x, CTL, LBY, TRN, PRP
        self.shift = 0
        self.rotates = False
        self.off = 0
        self.sup = ""
        self.status = "active"
        self.end = None       # date
        self.start_day = 0    # first day index working (mid-window hires not modelled)
        self.end_day = None   # last working day index + 1
        self.caseload = []    # case ids
        self.desk = None
        self.laptop = None
        self.excl = set()     # person ids this employee must never touch in legitimate work
        self.assoc = []       # (relation, person)
        self.factor = 1.0
        self.vac = set()
        self.evenings = ()
        self.pid_known = True
        self.person_id_col = ""

    @property
    def login(self):
        return self.logins[0]


# ----------------------------------------------------------------------------------------------
# Typing realism
# ----------------------------------------------------------------------------------------------
def typo(s, rng):
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    r = rng.random()
    if r < 0.4:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if r < 0.7:
        return s[:i] + s[i + 1:]
    return s[:i] + s[i] + s[i:]


def casing(s, rng, up=0.62, title=0.25):
    r = rng.random()
    if r < up:
        return s.upper()
    if r < up + title:
        return " ".join(w[:1].upper() + w[1:].lower() for w in s.split(" "))
    return s.lower()


def t_last(p, rng, clean=False):
    ln = p.last
    if "-" in ln:
        r = rng.random()
        if r < 0.3:
            ln = ln.split("-")[0]
        elif r < 0.5:
            ln = ln.replace("-", " ")
    if "'" in ln:
        r = rng.random()
        if r < 0.3:
            ln = ln.replace("'", "")
        elif r < 0.45:
            ln = ln.replace("'", " ")
    if p.suffix and rng.random() < 0.35:
        ln = ln + (" " if rng.random() < 0.7 else ", ") + p.suffix
    if not clean and rng.random() < 0.03:
        ln = typo(ln, rng)
    return casing(ln, rng)


def t_first(p, rng, allow_blank=True):
    fn = p.first
    r = rng.random()
    if r < 0.09 and fn in NM.NICK:
        fn = rng.choice(NM.NICK[fn])
    elif r < 0.17:
        fn = fn[0]
    elif r < 0.23 and allow_blank:
        return ""
    elif r < 0.26:
        fn = typo(fn, rng)
    elif r < 0.30 and p.middle:
        fn = fn + " " + p.middle
    return casing(fn, rng)


def t_whole(p, rng):
    r = rng.random()
    if r < 0.45:
        s = f"{p.last}, {p.first}" + (f" {p.middle}" if p.middle and rng.random() < 0.5 else "")
        if p.suffix and rng.random() < 0.4:
            s = f"{p.last} {p.suffix}, {p.first}"
        return s.upper()
    if r < 0.8:
        fn = rng.choice(NM.NICK[p.first]) if p.first in NM.NICK and rng.random() < 0.2 else p.first
        return casing(f"{fn} {p.last}", rng, 0.3, 0.6)
    return f"{p.last} {p.first}".upper()


def t_addr(a, rng):
    num, pre, street, stype, unit, city = a
    parts = [str(num)]
    if pre:
        r = rng.random()
        if r < 0.6:
            parts.append(pre)
        elif r < 0.8:
            parts.append(dict(NM.DIRS)[pre])
        elif r < 0.9:
            parts.append(pre + ".")
    parts.append(street)
    r = rng.random()
    if r < 0.6:
        parts.append(stype[0])
    elif r < 0.82:
        parts.append(stype[1])
    elif r < 0.9:
        parts.append(stype[0].title() + ".")
    s = " ".join(parts)
    if unit:
        r = rng.random()
        kind, _, val = unit.partition(" ")
        if r < 0.4:
            s += " " + unit
        elif r < 0.6:
            s += " #" + val
        elif r < 0.72:
            s += ", " + unit.replace("APT", "APT.")
        elif r < 0.85:
            s += " UNIT " + val
        # else: unit omitted (people forget it)
    r = rng.random()
    if r < 0.35:
        s += ", " + city
    elif r < 0.5:
        s += " " + city
    return casing(s, rng, 0.55, 0.35)


def t_phone(ph, rng):
    a, b, c = ph.split("-")
    r = rng.random()
    if r < 0.35:
        return ph
    if r < 0.6:
        return a + b + c
    if r < 0.75:
        return f"({a}) {b}-{c}"
    if r < 0.83:
        return f"{a}.{b}.{c}"
    if r < 0.92:
        return f"{b}-{c}"
    return f"+1 {a} {b} {c}"


def t_plate(pl, rng):
    r = rng.random()
    if pl[0].isdigit():
        head, tail = pl[:3], pl[3:]
    else:
        head, tail = pl[:3], pl[3:]
    if r < 0.45:
        s = pl
    elif r < 0.75:
        s = head + " " + tail
    elif r < 0.88:
        s = head + "-" + tail
    else:
        s = pl
    return s.lower() if rng.random() < 0.1 else s


def t_doc(pid, rng):
    # canonical "DOC-048213"
    num = pid[4:]
    r = rng.random()
    if r < 0.6:
        return pid
    if r < 0.75:
        return num.lstrip("0")
    if r < 0.85:
        return num
    if r < 0.92:
        return "DOC" + num.lstrip("0")
    if r < 0.96:
        return "doc " + num
    return "0" + num


def t_case(cid, rng, blank_rate=0.02):
    """Case id as staff type it.  Returns (typed, is_blank)."""
    r = rng.random()
    if r < blank_rate * 0.6:
        return "", True
    if r < blank_rate:
        return rng.choice(["N/A", "n/a", "NA", "none"]), True
    pre, yr, seq = cid.split("-")
    n = str(int(seq))
    r = rng.random()
    if r < 0.56:
        return cid, False
    if r < 0.66:
        return f"{pre}-{yr}-{n}", False
    if r < 0.74:
        return f"{pre.lower()}{yr}-{n}", False
    if r < 0.86:
        return n, False
    if r < 0.91:
        return f"{pre}{yr}{seq}", False
    if r < 0.94:
        return f"{pre} {yr} {n}", False
    return cid.lower(), False


def dob_s(p):
    return p.dob.isoformat() if p.dob else ""


# ----------------------------------------------------------------------------------------------
# The world (reference data)
# ----------------------------------------------------------------------------------------------
class World:
    def __init__(self, seed, N, D):
        self.seed, self.N, self.D = seed, N, D
        self.rng = R("doc-world", seed, N, D)
        self.persons = {}
        self.used_doc = set()
        self.used_p = set()
        self.used_plate = set()
        self.used_phone = set()
        self.emps = []
        self.emp_by_login = {}
        self.emp_by_eid = {}
        self.cases = {}          # case_id -> dict(status, opened, closed, unit)
        self.case_subj = {}      # case_id -> list of persons
        self.assign = []         # (case_id, login, from, to)
        self.assoc_rows = []
        self.watch = []          # (person, category)
        self.clients = []        # (client, site, lat, lon)
        self.client_ip = {}
        self.case_seq = {}
        self.special = {}
        self._surnames = [s for s, w in NM.SURNAMES]
        self._sw = []
        acc = 0
        for s, w in NM.SURNAMES:
            acc += w
            self._sw.append(acc)
        self.build()

    # -- primitive generators ------------------------------------------------------------------
    def surname(self, rng):
        s = self._surnames[bisect.bisect_right(self._sw, rng.random() * self._sw[-1])]
        if rng.random() < 0.025:
            s2 = self._surnames[bisect.bisect_right(self._sw, rng.random() * self._sw[-1])]
            if " " not in s and " " not in s2 and s2 != s:
                s = s + "-" + s2
        return s

    def new_pid(self, rng):
        while True:
            p = "P%07d" % rng.randrange(1000000, 9999999)
            if p not in self.used_p:
                self.used_p.add(p)
                return p

    def new_doc(self, rng):
        while True:
            n = rng.randrange(20000, 399999)
            p = "DOC-%06d" % n
            if p not in self.used_doc:
                self.used_doc.add(p)
                return p

    def new_phone(self, rng, city):
        # fictional 555 exchange; each area code holds only 10,000 numbers, so big worlds spill
        # over into the region's overlay codes (cell phones keep old area codes anyway)
        ac = AREA.get(city, "785")
        for k in range(400):
            if k >= 40:
                ac = rng.choice(["785", "316", "620", "913", "402", "417", "719", "580", "660", "308"])
            ph = f"{ac}-555-{rng.randrange(0, 10000):04d}"
            if ph not in self.used_phone:
                self.used_phone.add(ph)
                return ph
        raise SystemExit("phone number space exhausted")

    def new_plate(self, rng):
        L = "ABCDEFGHJKLMNPRSTUVWXYZ"
        while True:
            if rng.random() < 0.75:
                pl = "".join(rng.choice(L) for _ in range(3)) + "%04d" % rng.randrange(0, 10000)
            else:
                pl = "%03d" % rng.randrange(0, 1000) + "".join(rng.choice(L) for _ in range(3))
            if pl not in self.used_plate:
                self.used_plate.add(pl)
                return pl

    def new_addr(self, rng, city=None, apt=None):
        if city is None:
            city = rng.choices(ALL_CITIES, CITY_W)[0]
        num = rng.choice([rng.randrange(100, 2999), rng.randrange(100, 999), rng.randrange(1000, 19999)])
        pre = rng.choice(NM.DIRS)[0] if rng.random() < 0.3 else ""
        street = rng.choice(NM.STREETS)
        stype = rng.choice(NM.STYPES[:6]) if rng.random() < 0.85 else rng.choice(NM.STYPES)
        unit = ""
        if apt if apt is not None else rng.random() < 0.28:
            unit = rng.choice(["APT", "APT", "UNIT", "LOT"]) + " " + (
                f"{rng.randrange(1, 4)}{rng.choice('ABCD')}" if rng.random() < 0.5 else str(rng.randrange(1, 48)))
        return (num, pre, street, stype, unit, city)

    def person(self, rng, kind, sex=None, age=(19, 70), last=None, first=None, city=None, pid=None,
               plate_p=0.55, phone_p=0.85, addr=None):
        p = P()
        p.kind = kind
        p.sex = sex or ("M" if rng.random() < 0.5 else "F")
        p.last = last or self.surname(rng)
        p.first = first or rng.choice(NM.MALE if p.sex == "M" else NM.FEMALE)
        p.middle = rng.choice("ABCDEFGHJKLMNPRSTW") if rng.random() < 0.7 else ""
        if p.sex == "M" and rng.random() < 0.05:
            p.suffix = rng.choice(["JR", "JR", "SR", "II", "III"])
        ref = day_date(0)
        p.dob = ref - timedelta(days=int(rng.uniform(age[0], age[1]) * 365.25))
        if rng.random() < 0.02:
            p.dob = None if kind not in ("staff", "inmate", "offender") else p.dob
        p.addr = addr if addr is not None else self.new_addr(rng, city)
        c = p.addr[5] if p.addr else (city or "CARVERTON")
        p.phone = self.new_phone(rng, c) if rng.random() < phone_p else ""
        p.plate = self.new_plate(rng) if rng.random() < plate_p else ""
        p.pid = pid or (self.new_doc(rng) if kind in ("inmate", "offender") else self.new_pid(rng))
        self.persons[p.pid] = p
        return p

    def case_id(self, pre, year, rng):
        k = (pre, year)
        n = self.case_seq.get(k)
        if n is None:
            n = rng.randrange(120, 900)
        n += rng.randrange(1, 9)
        self.case_seq[k] = n
        return f"{pre}-{year}-{n:06d}"

    def add_case(self, cid, status, opened, closed, unit, subjects):
        self.cases[cid] = dict(status=status, opened=opened, closed=closed, unit=unit)
        self.case_subj[cid] = list(subjects)

    def add_client(self, client, site, lat, lon, ip):
        self.clients.append((client, site, lat, lon))
        self.client_ip[client] = ip

    # -- build ---------------------------------------------------------------------------------
    def build(self):
        rng = self.rng
        N, D = self.N, self.D
        nfac = 3 if N >= 40 else 2
        self.facs = FACILITIES[:nfac]
        frac = [("SGT", 0.06, nfac), ("CW", 0.06, nfac), ("PPO", 0.165, 3), ("PPS", 0.025, 1), ("REC", 0.045, 2),
                ("VS", 0.025, 1), ("FUG", 0.035, 2), ("ICI", 0.025, 1), ("PB", 0.02, 1), ("INV", 0.02, 1),
                ("IT", 0.0125, 1)]
        counts = {r: max(m, int(round(f * N))) for r, f, m in frac}
        counts["CO"] = N - sum(counts.values())
        if counts["CO"] < 3 * nfac:
            raise SystemExit("--users too small for this world (need >= 30)")
        self.counts = counts
        npo = counts["PPO"]
        nd = 3 if npo >= 8 else (2 if npo >= 4 else 1)
        self.dists = DISTRICTS[:nd]

        # clients ---------------------------------------------------------------------------
        for fi, (code, name, lat, lon, towns, hus) in enumerate(self.facs):
            o = 20 + fi
            k = 10
            for t in ["CTL-01", "CTL-02", "LBY-01", "LBY-02", "TRN-01", "PRP-01", "SGT-01", "SGT-02",
                      "CLS-01", "CLS-02", "CLS-03", "CLS-04", "MED-01", "INTAKE-01"] + \
                     [f"HU{h}-{i:02d}" for h in hus for i in (1, 2)]:
                self.add_client(f"{code}-{t}", code, lat + rng.uniform(-0.002, 0.002),
                                lon + rng.uniform(-0.002, 0.002), f"10.{o}.{k // 250}.{k % 250 + 2}")
                k += 1
        self.add_client("DC-BATCH-01", "HQ-DC", HQDC[2], HQDC[3], "10.1.0.21")
        self.add_client("DC-GPSIF-01", "HQ-DC", HQDC[2], HQDC[3], "10.1.0.31")
        self.add_client("DC-RPT-01", "HQ-DC", HQDC[2], HQDC[3], "10.1.0.41")

        # personnel -------------------------------------------------------------------------
        order = ["CO", "SGT", "CW", "PPO", "PPS", "REC", "VS", "FUG", "ICI", "PB", "INV", "IT"]
        used_eid = set()
        used_login = set()
        hq_ws = 0
        dist_ws = [0] * len(self.dists)
        lap = 100
        for role in order:
            for i in range(counts[role]):
                e = Emp()
                e.role = role
                while True:
                    eid = "E%05d" % rng.randrange(10000, 99999)
                    if eid not in used_eid:
                        used_eid.add(eid)
                        break
                e.eid = eid
                if role in ("CO", "SGT", "CW"):
                    if role == "CO":
                        fi = rng.choices(range(nfac), [0.45, 0.33, 0.22][:nfac])[0]
                    else:
                        fi = i % nfac
                    e.fac = fi
                    fcode = self.facs[fi][0]
                    e.site = fcode
                    e.unit = f"{fcode}-{'CLASSIFICATION' if role == 'CW' else 'CUSTODY'}"
                    towns = self.facs[fi][4]
                elif role in ("PPO", "PPS"):
                    di = i % nd
                    e.dist = di
                    e.site = self.dists[di][0]
                    e.unit = self.dists[di][0]
                    towns = self.dists[di][4]
                else:
                    e.site = "HQ"
                    e.unit = {"REC": "CENTRAL-RECORDS", "VS": "VICTIM-SERVICES", "FUG": "FUGITIVE-APPREHENSION",
                              "ICI": "INTERSTATE-COMPACT-INTAKE", "PB": "PAROLE-BOARD", "INV": "INVESTIGATIONS",
                              "IT": "IT-SERVICES"}[role]
                    towns = HQ[4]
                sex = "F" if rng.random() < (0.62 if role in ("VS", "REC", "CW") else 0.3) else "M"
                city = rng.choice(towns)
                p = self.person(rng, "staff", sex=sex, age=(22, 61), city=city, plate_p=0.93, phone_p=1.0)
                e.person = p
                base = (p.first[0] + p.last.replace("'", "").replace(" ", "").replace("-", "").replace(".", "")).lower()[:10]
                lg = base
                k = 2
                while lg in used_login:
                    lg = f"{base}{k}"
                    k += 1
                used_login.add(lg)
                e.logins = [lg]
                e.pid_known = rng.random() < 0.75
                e.person_id_col = p.pid if e.pid_known else ""
                e.factor = math.exp(rng.gauss(0, 0.28))
                if role in ("PPO", "PPS"):
                    dist_ws[e.dist] += 1
                    e.desk = f"{self.dists[e.dist][0][3:]}-WS-{dist_ws[e.dist]:02d}"
                    dlat, dlon = self.dists[e.dist][2], self.dists[e.dist][3]
                    self.add_client(e.desk, e.site, dlat + rng.uniform(-0.001, 0.001), dlon + rng.uniform(-0.001, 0.001),
                                    f"10.{40 + e.dist}.1.{dist_ws[e.dist] + 10}")
                    if role == "PPO":
                        lap += rng.randrange(1, 7)
                        e.laptop = f"LT-PP-{lap:04d}"
                        self.add_client(e.laptop, e.site, dlat, dlon, f"10.{40 + e.dist}.9.{lap % 200 + 20}")
                elif role not in ("CO", "SGT", "CW"):
                    hq_ws += 1
                    e.desk = f"HQ-WS-{hq_ws:03d}"
                    self.add_client(e.desk, "HQ", HQ[2] + rng.uniform(-0.001, 0.001), HQ[3] + rng.uniform(-0.001, 0.001),
                                    f"10.10.{hq_ws // 200 + 2}.{hq_ws % 200 + 10}")
                    if role == "FUG":
                        lap += rng.randrange(1, 7)
                        e.laptop = f"LT-FU-{lap:04d}"
                        self.add_client(e.laptop, "HQ", HQ[2], HQ[3], f"10.10.9.{lap % 200 + 20}")
                self.emps.append(e)

        byrole = {}
        for e in self.emps:
            byrole.setdefault(e.role, []).append(e)
        self.byrole = byrole

        # CO posts and shifts
        for fi in range(nfac):
            cos = [e for e in byrole["CO"] if e.fac == fi]
            hus = self.facs[fi][5]
            nhu = max(2, min(len(hus), int(round(len(cos) / 3.2))))
            self.facs[fi] = self.facs[fi][:5] + (hus[:nhu],)
            posts = []
            for j, e in enumerate(cos):
                if j < 2:
                    posts.append("LBY")
                elif j == 2:
                    posts.append("CTL")
                else:
                    posts.append(rng.choices(["HU", "CTL", "LBY", "TRN", "PRP"], [0.72, 0.08, 0.06, 0.08, 0.06])[0])
            for j, (e, post) in enumerate(zip(cos, posts)):
                if post == "HU":
                    post = "HU" + hus[j % nhu]
                e.post = post
                if post == "LBY":
                    e.shift = j % 2
                    e.off = 0  # off Mon/Tue -> see roster
                else:
                    e.shift = rng.choices([0, 1, 2], [0.4, 0.34, 0.26])[0]
                    e.rotates = post.startswith("HU") and rng.random() < 0.32
                    e.off = rng.randrange(7)
        for e in byrole["SGT"]:
            e.shift = [0, 1, 2][self.emps.index(e) % 3] if True else 0
            e.off = rng.randrange(7)
        for i, e in enumerate(byrole["SGT"]):
            e.shift = (i // nfac) % 3
        # supervisors
        for fi in range(nfac):
            sgts = [e for e in byrole["SGT"] if e.fac == fi]
            cws = [e for e in byrole["CW"] if e.fac == fi]
            for e in byrole["CO"]:
                if e.fac == fi and sgts:
                    same = [s for s in sgts if s.shift == e.shift] or sgts
                    e.sup = rng.choice(same).eid
            for s in sgts[1:]:
                s.sup = sgts[0].eid
            for c in cws[1:]:
                c.sup = cws[0].eid
            if cws and sgts:
                cws[0].sup = sgts[0].eid
        for e in byrole["PPO"]:
            sups = [s for s in byrole["PPS"] if s.dist == e.dist] or byrole["PPS"]
            e.sup = sups[0].eid
        for r in ("REC", "VS", "FUG", "ICI", "PB", "INV", "IT"):
            for e in byrole[r][1:]:
                e.sup = byrole[r][0].eid
        # second logins
        it = byrole["IT"][0]
        it.logins.append("adm_" + it.login)
        ppo_mobile = [e for e in byrole["PPO"] if rng.random() < 0.3][:max(1, N // 40)]
        for e in ppo_mobile:
            e.logins.append(e.login + ".m")
        for fi in range(nfac):
            sg = [e for e in byrole["SGT"] if e.fac == fi]
            if sg:
                sg[0].logins.append(sg[0].login + "_sup")
        oldco = rng.choice(byrole["CO"])
        oldco.logins.append(oldco.login + "_" + "nfcf".lower() if oldco.fac != 1 else oldco.login + "_hrcc")
        self.ppo_mobile = ppo_mobile

        # statuses: long-term leave, terminations
        cand = [e for e in byrole["CO"] if e.post and e.post.startswith("HU")]
        nleave = 1 + N // 150
        nterm = 2 + N // 90
        rng.shuffle(cand)
        self.leave_emps = []
        leave_ppo = rng.choice(byrole["PPO"]) if counts["PPO"] >= 4 else None
        if leave_ppo:
            leave_ppo.status = "leave"
            self.leave_emps.append(leave_ppo)
        for e in cand[:nleave - (1 if leave_ppo else 0)]:
            e.status = "leave"
            self.leave_emps.append(e)
        self.term_emps = []
        pool = [e for e in cand[nleave:]] + [e for e in byrole["REC"][1:]]
        for j in range(nterm):
            e = pool[j]
            e.status = "terminated"
            if j % 2 == 0:
                e.end = START - timedelta(days=rng.randrange(9, 40))
                e.end_day = 0
            else:
                k = rng.randrange(3, max(4, min(D - 2, 9)))
                e.end = START + timedelta(days=k)
                e.end_day = k
            self.term_emps.append(e)

        # service accounts (as the identity export lists them)
        self.svc = []
        for lg, fn, cl in [("svc_warrant_nightly", "WARRANT CHECK BATCH", "DC-BATCH-01"),
                           ("svc_gps_bridge", "GPS MONITOR INTERFACE", "DC-GPSIF-01"),
                           ("svc_rpt_sched", "REPORT SCHEDULER", "DC-RPT-01")]:
            e = Emp()
            e.role = "SVC"
            e.eid = "SVC-" + lg.split("_")[1].upper()[:6]
            e.logins = [lg]
            p = P()
            p.last, p.first = "SERVICE ACCOUNT", fn
            e.person = p
            e.person_id_col = ""
            e.unit = "IT-SERVICES"
            e.site = "HQ-DC"
            e.sup = it.eid
            e.desk = cl
            self.svc.append(e)
        for e in self.emps + self.svc:
            for lg in e.logins:
                self.emp_by_login[lg] = e
            self.emp_by_eid[e.eid] = e

        self.build_population()
        self.build_associations()
        self.build_specials()
        for e in self.emps:
            e.excl.add(e.person.pid)
            for rel, p in e.assoc:
                e.excl.add(p.pid)

    # -- population ----------------------------------------------------------------------------
    def build_population(self):
        rng = self.rng
        N = self.N
        nfac = len(self.facs)
        byrole = self.byrole
        self.inmates = []
        self.fac_inmates = [[] for _ in range(nfac)]
        self.hu_inmates = {}
        total_inm = int(N * 12.5)
        fw = [0.45, 0.33, 0.22][:nfac]
        s = sum(fw)
        for fi in range(nfac):
            n = int(total_inm * fw[fi] / s)
            hus = self.facs[fi][5]
            female = self.facs[fi][0] == "RWCF"
            cws = [e for e in byrole["CW"] if e.fac == fi]
            for j in range(n):
                p = self.person(rng, "inmate", sex="F" if female else "M", age=(19, 72), plate_p=0.0, phone_p=0.0)
                p.fac = fi
                p.hu = hus[j % len(hus)]
                yr = rng.choices([2016, 2018, 2020, 2021, 2022, 2023, 2024, 2025], [1, 2, 3, 4, 5, 6, 8, 3])[0]
                opened = date(yr, rng.randrange(1, 13), rng.randrange(1, 28))
                if opened >= START:
                    opened = START - timedelta(days=rng.randrange(5, 50))
                p.admitted = opened
                cid = self.case_id("IN", opened.year, rng)
                p.case = cid
                subj = [p]
                if rng.random() < 0.3:
                    for _ in range(rng.choice([1, 1, 2])):
                        v = self.person(rng, "victim", plate_p=0.5)
                        p.victims.append(v)
                        subj.append(v)
                if rng.random() < 0.15:   # release-plan sponsor on the case
                    sp = self.person(rng, "civ", last=p.last if rng.random() < 0.6 else None, age=(30, 75))
                    subj.append(sp)
                    p.household.append(sp)
                for _ in range(rng.choices([0, 1, 2, 3, 4], [0.25, 0.3, 0.25, 0.12, 0.08])[0]):
                    same = rng.random() < 0.5
                    v = self.person(rng, "visitor", last=p.last if same else None, age=(18, 78), plate_p=0.6)
                    p.visitors.append(v)
                if rng.random() < 0.04:
                    p.aliases.append((self.surname(rng), p.first))
                self.add_case(cid, "open", opened, None, self.facs[fi][0], subj)
                p.cw = cws[j % len(cws)] if cws else None
                if p.cw:
                    self.assign.append((cid, p.cw.login, opened if opened > date(2024, 7, 1) else date(2024, 7, 1), None))
                    p.cw.caseload.append(cid)
                self.inmates.append(p)
                self.fac_inmates[fi].append(p)
                self.hu_inmates.setdefault((fi, p.hu), []).append(p)
        # inmate "activity" weights: some inmates generate far more work (medical, discipline, gangs)
        self.inm_w = {}
        for p in self.inmates:
            self.inm_w[p.pid] = rng.paretovariate(1.6)

        # supervision offenders -----------------------------------------------------------
        self.offenders = []
        self.closed_cases = []
        ppos = byrole["PPO"]
        self.transfers = []
        for e in ppos:
            n = rng.randrange(60, 111)
            towns = self.dists[e.dist][4]
            for j in range(n):
                city = rng.choice(towns)
                p = self.person(rng, "offender", age=(18, 68), city=city, plate_p=0.55, phone_p=0.9)
                yr = rng.choices([2019, 2020, 2021, 2022, 2023, 2024, 2025], [1, 1, 2, 3, 5, 8, 3])[0]
                opened = date(yr, rng.randrange(1, 13), rng.randrange(1, 28))
                if opened >= START:
                    opened = START - timedelta(days=rng.randrange(3, 50))
                cid = self.case_id("PP", opened.year, rng)
                p.case = cid
                p.ppo = e
                subj = [p]
                for _ in range(rng.choices([0, 1, 2, 3], [0.3, 0.35, 0.25, 0.1])[0]):
                    same = rng.random() < 0.55
                    hh = self.person(rng, "household", last=p.last if same else None, addr=p.addr, plate_p=0.45)
                    p.household.append(hh)
                    if rng.random() < 0.85:
                        subj.append(hh)
                    else:
                        hh.flags.add("not_on_case")
                if rng.random() < 0.22:
                    for _ in range(rng.choice([1, 1, 2])):
                        v = self.person(rng, "victim", plate_p=0.5)
                        p.victims.append(v)
                        subj.append(v)
                if rng.random() < 0.6:
                    p.employer = (rng.choice(NM.EMPLOYERS), self.new_phone(rng, city))
                p.gps = rng.random() < 0.12
                if rng.random() < 0.05:
                    p.aliases.append((p.last, rng.choice(NM.MALE)))
                self.add_case(cid, "open", opened, None, e.unit, subj)
                frm = opened if opened > date(2024, 1, 1) else date(2024, 1, 1)
                self.assign.append((cid, e.login, frm, None))
                e.caseload.append(cid)
                self.offenders.append(p)
        self.off_by_case = {p.case: p for p in self.offenders}
        self.inm_by_case = {p.case: p for p in self.inmates}
        # historical closed supervision and incarceration cases (discharged)
        for j in range(int(len(self.offenders) * 0.35) + 10):
            p = self.person(rng, "offender", age=(22, 75), plate_p=0.5)
            p.flags.add("discharged")
            yr = rng.choice([2017, 2018, 2019, 2020, 2021, 2022])
            opened = date(yr, rng.randrange(1, 13), rng.randrange(1, 28))
            closed = opened + timedelta(days=rng.randrange(300, 1500))
            if closed >= START:
                closed = START - timedelta(days=rng.randrange(30, 300))
            pre = "PP" if rng.random() < 0.7 else "IN"
            cid = self.case_id(pre, yr, rng)
            p.case = cid
            unit = rng.choice(self.dists)[0] if pre == "PP" else rng.choice(self.facs)[0]
            self.add_case(cid, "closed", opened, closed, unit, [p])
            old = rng.choice(ppos) if pre == "PP" else rng.choice(byrole["CW"])
            self.assign.append((cid, old.login, opened, closed))
            self.closed_cases.append(cid)
        # caseload transfer mid-window
        if len(ppos) >= 2 and self.D >= 5:
            a, b = rng.sample([e for e in ppos if e.status == "active"] or ppos, 2)
            td = rng.randrange(3, max(4, min(self.D - 1, 10)))
            tdate = START + timedelta(days=td)
            moved = rng.sample(a.caseload, min(len(a.caseload) // 6 + 3, len(a.caseload)))
            for cid in moved:
                for k, (c, lg, f, t) in enumerate(self.assign):
                    if c == cid and lg == a.login and t is None:
                        self.assign[k] = (c, lg, f, tdate)
                self.assign.append((cid, b.login, tdate, None))
            self.transfers.append((a, b, td, moved))
            a.caseload = [c for c in a.caseload if c not in moved]
            b.caseload = b.caseload + moved
            self.transfer_info = (a, b, td, moved)
        else:
            self.transfer_info = None
        # PPO on long-term leave: formally covered (recorded) by a colleague
        self.formal_cover = {}
        for e in self.leave_emps:
            if e.role == "PPO":
                others = [o for o in ppos if o is not e and o.status == "active" and o.dist == e.dist] or \
                         [o for o in ppos if o is not e and o.status == "active"]
                cov = others[0]
                frm = START - timedelta(days=rng.randrange(10, 30))
                for cid in e.caseload:
                    self.assign.append((cid, cov.login, frm, None))
                self.formal_cover[e.eid] = cov
                cov.caseload = cov.caseload + e.caseload
        # victim-services advocates are assigned on cases with registered victims
        vs = byrole["VS"]
        self.vs_cases = {e.eid: [] for e in vs}
        k = 0
        for p in self.inmates + self.offenders:
            if p.victims and rng.random() < 0.8:
                adv = vs[k % len(vs)]
                k += 1
                frm = max(self.cases[p.case]["opened"], date(2023, 1, 1))
                self.assign.append((p.case, adv.login, frm, None))
                self.vs_cases[adv.eid].append(p.case)
        # absconders -> warrant cases held by the fugitive unit
        fug = byrole["FUG"]
        self.absconders = []
        ab = rng.sample(self.offenders, max(4, len(self.offenders) // 30))
        for j, p in enumerate(ab):
            opened = START - timedelta(days=rng.randrange(5, 400))
            cid = self.case_id("WR", opened.year, rng)
            assoc = [self.person(rng, "civ", last=p.last if rng.random() < 0.4 else None) for _ in range(rng.randrange(1, 4))]
            self.add_case(cid, "open", opened, None, "FUGITIVE-APPREHENSION", [p] + assoc)
            ag = fug[j % len(fug)]
            self.assign.append((cid, ag.login, opened, None))
            ag.caseload.append(cid)
            p.flags.add("absconded")
            self.absconders.append((p, cid, assoc))
        # interstate compact: incoming transfer cases
        ici = byrole["ICI"]
        for j in range(max(6, self.N // 6)):
            p = self.person(rng, "offender", age=(19, 60))
            opened = START - timedelta(days=rng.randrange(1, 120))
            cid = self.case_id("IC", opened.year, rng)
            self.add_case(cid, "open", opened, None, "INTERSTATE-COMPACT-INTAKE", [p])
            ag = ici[j % len(ici)]
            self.assign.append((cid, ag.login, opened, None))
            ag.caseload.append(cid)
        # investigations: internal affairs (staff are the subjects) and gang intelligence
        inv = byrole["INV"]
        self.ia_cases = []
        cand = [e for e in self.emps if e.role in ("CO", "SGT") and e.status == "active"]
        for j in range(1 + self.N // 100):
            st = rng.choice(cand)
            cand.remove(st)
            opened = START - timedelta(days=rng.randrange(10, 90))
            cid = self.case_id("IA", opened.year, rng)
            inm = rng.sample(self.fac_inmates[st.fac], 2)
            self.add_case(cid, "open", opened, None, "INVESTIGATIONS", [st.person] + inm)
            ag = inv[j % len(inv)]
            self.assign.append((cid, ag.login, opened, None))
            ag.caseload.append(cid)
            self.ia_cases.append((cid, st, inm, ag))
        self.intel_cases = []
        for fi in range(nfac):
            opened = START - timedelta(days=rng.randrange(30, 300))
            cid = self.case_id("INT", opened.year, rng)
            mem = rng.sample(self.fac_inmates[fi], min(len(self.fac_inmates[fi]), 15 + self.N // 12))
            self.add_case(cid, "open", opened, None, "INVESTIGATIONS", mem)
            ag = inv[fi % len(inv)]
            self.assign.append((cid, ag.login, opened, None))
            ag.caseload.append(cid)
            self.intel_cases.append((cid, fi, mem, ag))
        # parole board dockets
        self.hearings = []
        pb = byrole["PB"]
        for d in range(self.D):
            if d % 28 == 9:
                hd = START + timedelta(days=d)
                docket = rng.sample(self.inmates, min(len(self.inmates), 24 + self.N // 8))
                for j, p in enumerate(docket):
                    self.assign.append((p.case, pb[j % len(pb)].login, hd - timedelta(days=21), hd + timedelta(days=3)))
                self.hearings.append((d, docket))

    # -- associations ------------------------------------------------------------------------
    def build_associations(self):
        rng = self.rng
        humans = [e for e in self.emps]
        self.staff_rel_inmates = []
        self.staff_rel_offenders = []
        src_fam = ["HR_EMERGENCY_CONTACT", "CONFLICT_OF_INTEREST_DISCLOSURE", "PAYROLL_BENEFICIARY"]

        def add(e, rel, p, src, vf=None, vt=None, show_pid=None, show=("dob", "addr", "phone", "plate")):
            e.assoc.append((rel, p))
            if show_pid is None:
                show_pid = p.kind in ("inmate", "offender") or rng.random() < 0.5
            self.assoc_rows.append(dict(
                employee_id=e.eid, relation=rel, person_id=p.pid if show_pid else "", last_name=p.last,
                first_name=p.first, dob=dob_s(p) if "dob" in show else "",
                address=p.addr_str() if "addr" in show else "", phone=p.phone if "phone" in show else "",
                plate=p.plate if "plate" in show else "", valid_from=dstr(vf) if vf else "",
                valid_to=dstr(vt) if vt else "", source=src))

        def sh(*keys):
            return tuple(k for k in keys if rng.random() < 0.85 or k == "dob")

        for e in humans:
            sp = e.person
            r = rng.random()
            if r < 0.38:
                q = self.person(rng, "civ", sex="F" if sp.sex == "M" else "M", last=sp.last if rng.random() < 0.7 else None,
                                addr=sp.addr, age=(24, 62))
                y0 = max(sp.dob.year, (q.dob or sp.dob).year) + 21
                add(e, "spouse", q, "HR_EMERGENCY_CONTACT", vf=date(rng.randrange(min(y0, 2023), 2024), rng.randrange(1, 13), 1),
                    show=sh("dob", "addr", "phone"))
            elif r < 0.5:
                q = self.person(rng, "civ", sex="F" if sp.sex == "M" else "M", addr=sp.addr if rng.random() < 0.6 else None)
                add(e, "partner", q, "HR_EMERGENCY_CONTACT", vf=date(rng.randrange(2018, 2025), rng.randrange(1, 13), 1),
                    show=sh("dob", "phone"))
            if rng.random() < 0.14:
                q = self.person(rng, "civ", sex="F" if sp.sex == "M" else "M", age=(22, 60))
                vf = date(rng.randrange(2019, 2025), rng.randrange(1, 13), 1)
                add(e, "ex_partner", q, "BACKGROUND_INVESTIGATION", vf=vf, show=sh("dob", "addr", "plate"))
            for _ in range(rng.choices([0, 1, 2], [0.6, 0.3, 0.1])[0]):
                q = self.person(rng, "civ", last=sp.last if rng.random() < 0.5 else None, age=(18, 85))
                add(e, "family", q, rng.choice(src_fam), show=sh("dob", "addr", "phone"))
            if rng.random() < 0.15:
                a = sp.addr
                na = (a[0] + rng.choice([-4, -2, 2, 4]), a[1], a[2], a[3], "", a[5]) if not a[4] else \
                    (a[0], a[1], a[2], a[3], a[4][:-1] + ("B" if a[4][-1] != "B" else "C"), a[5])
                q = self.person(rng, "civ", addr=na, plate_p=0.9)
                add(e, "neighbor", q, "BACKGROUND_INVESTIGATION", show=sh("addr", "plate"), show_pid=False)
            if rng.random() < 0.07:
                q = self.person(rng, "civ")
                add(e, "associate", q, "CONFLICT_OF_INTEREST_DISCLOSURE", show=sh("dob", "phone"))
        # guaranteed connections used by the world (and available to misconduct)
        pool = [e for e in humans if e.status == "active"]
        rng.shuffle(pool)
        it = iter(pool)

        def pick(pred):
            for e in pool:
                if pred(e) and not any(r in ("_taken",) for r, _ in e.assoc) and e not in taken:
                    taken.add(e)
                    return e
            return None
        taken = set()
        # family members in custody, kept at a different facility than the employee (policy)
        for k in range(2 + self.N // 60):
            e = pick(lambda x: x.role in ("CO", "REC", "CW", "SGT") if k % 2 == 0 else x.role in ("CO", "PPO", "REC"))
            if not e:
                break
            fis = [fi for fi in range(len(self.facs)) if fi != e.fac] or [0]
            fi = rng.choice(fis)
            cands = [p for p in self.fac_inmates[fi] if not p.rel_of and "watch" not in p.flags]
            p = rng.choice(cands)
            if rng.random() < 0.6:
                # relative carries the employee's surname: re-key the inmate's surname
                p.last = e.person.last
            p.rel_of = e
            add(e, "family", p, "CONFLICT_OF_INTEREST_DISCLOSURE", show=("dob",), show_pid=True)
            self.staff_rel_inmates.append((e, p))
        for k in range(2 + self.N // 60):
            e = pick(lambda x: x.role in ("CO", "PPO", "REC", "VS", "CW"))
            if not e:
                break
            cands = [p for p in self.offenders if not p.rel_of and (e.role != "PPO" or p.ppo is not e)
                     and "absconded" not in p.flags]
            p = rng.choice(cands)
            p.rel_of = e
            rel = "family" if k % 2 == 0 else "associate"
            add(e, rel, p, "CONFLICT_OF_INTEREST_DISCLOSURE", show=("dob", "addr"), show_pid=rng.random() < 0.6)
            self.staff_rel_offenders.append((e, p, rel))
        # a protective order naming a staff member as the restrained party
        for k in range(1 + self.N // 150):
            e = pick(lambda x: x.role in ("CO", "PPO", "FUG", "SGT"))
            if e:
                q = self.person(rng, "civ", sex="F" if e.person.sex == "M" else "M", age=(22, 55))
                add(e, "protected_party", q, "PROTECTIVE_ORDER_REGISTRY",
                    vf=START - timedelta(days=rng.randrange(30, 400)), vt=START + timedelta(days=rng.randrange(200, 700)),
                    show=("dob", "addr", "phone", "plate"))
        # make sure there are enough ex-partners and neighbours with plates
        for rel in ("ex_partner", "neighbor", "ex_partner"):
            e = pick(lambda x: x.role in ("PPO", "CO", "REC", "FUG", "CW") and not any(r == rel for r, _ in x.assoc))
            if not e:
                continue
            if rel == "ex_partner":
                q = self.person(rng, "civ", sex="F" if e.person.sex == "M" else "M", age=(22, 55), plate_p=0.95)
                add(e, rel, q, "BACKGROUND_INVESTIGATION", vf=START - timedelta(days=rng.randrange(60, 900)),
                    show=("dob", "addr", "plate"))
            else:
                a = e.person.addr
                na = (a[0] + 2, a[1], a[2], a[3], "", a[5])
                q = self.person(rng, "civ", addr=na, plate_p=1.0)
                add(e, rel, q, "BACKGROUND_INVESTIGATION", show=("addr", "plate"), show_pid=False)
        # a staff relative who visits an inmate (looked up at the lobby by other officers)
        self.staff_rel_visitors = []
        for k in range(1 + self.N // 80):
            e = pick(lambda x: x.role in ("CO", "SGT") and x.status == "active")
            if not e:
                break
            fam = [p for r, p in e.assoc if r == "family" and p.kind == "civ"]
            if fam:
                q = fam[0]
            else:
                q = self.person(rng, "civ", last=e.person.last, age=(20, 70))
                add(e, "family", q, "HR_EMERGENCY_CONTACT", show=("dob", "phone"))
            inm = rng.choice(self.fac_inmates[e.fac])
            inm.visitors.append(q)
            q.flags.add("staff_rel_visitor")
            q.rel_of = e
            self.staff_rel_visitors.append((e, q, inm))
        # common-name twins: an inmate/offender with the same name as a staff member's relative,
        # and an inmate with the same name as a staff member -- different people entirely.
        self.name_twins = []
        for k in range(2 + self.N // 80):
            cands = [(e, r, p) for e in self.emps for r, p in e.assoc
                     if e.role == "PPO" and e.status == "active" and p.kind == "civ" and r in ("family", "spouse", "partner")
                     and p.last in ("SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "MILLER", "DAVIS", "GARCIA")]
            cands = [c for c in cands if c not in [(a, b, c2) for a, b, c2, _ in self.name_twins]]
            if not cands:
                cands = [(e, r, p) for e in self.emps for r, p in e.assoc
                         if e.role == "PPO" and e.status == "active" and p.kind == "civ" and r in ("family", "spouse", "partner")]
                if not cands:
                    break
            e, r, p = rng.choice(cands)
            cid = rng.choice(e.caseload)
            o = self.off_by_case.get(cid)
            if o is None or o.rel_of:
                continue
            o.last, o.first = p.last, p.first
            o.sex = p.sex
            o.flags.add("name_twin")
            self.name_twins.append((e, r, p, o))
        self.staff_name_inmates = []
        cos = [e for e in self.emps if e.role == "CO" and e.status == "active" and e.post and e.post.startswith("HU")]
        rng.shuffle(cos)
        for e in cos[:1 + self.N // 120]:
            if self.facs[e.fac][0] == "RWCF" and e.person.sex == "M":
                continue
            inm = [p for p in self.hu_inmates[(e.fac, e.post[2:])] if not p.rel_of]
            if not inm:
                continue
            o = rng.choice(inm)
            o.last, o.first = e.person.last, e.person.first
            o.flags.add("staff_name_twin")
            self.staff_name_inmates.append((e, o))
        # an offender living in the same building as his own PPO (assigned before either moved)
        self.same_building = []
        for e in [x for x in self.byrole["PPO"] if x.status == "active"][:1 + self.N // 150]:
            a = e.person.addr
            if not a[4]:
                a2 = (a[0], a[1], a[2], a[3], "APT 1A", a[5])
                e.person.addr = (a[0], a[1], a[2], a[3], "APT 2C", a[5])
            else:
                a2 = (a[0], a[1], a[2], a[3], "APT 3" + ("A" if not a[4].endswith("A") else "D"), a[5])
            o = self.off_by_case[rng.choice(e.caseload)]
            o.addr = a2
            for h in o.household:
                h.addr = a2
            o.flags.add("same_building")
            self.same_building.append((e, o))

    # -- specials: watchlist, news ------------------------------------------------------------
    def build_specials(self):
        rng = self.rng
        N = self.N
        watch = []
        # the former state senator now serving a bribery sentence (admitted during the window)
        fi = 0
        hu = self.facs[fi][5][1 % len(self.facs[fi][5])]
        sen = self.person(rng, "inmate", sex="M", age=(55, 66), last="WHITAKER", first="GORDON", plate_p=0, phone_p=0)
        sen.middle = "L"
        sen.fac, sen.hu = fi, hu
        sen.flags.add("watch")
        adm = min(2, self.D - 1)
        sen.admitted = START + timedelta(days=adm)
        cid = self.case_id("IN", 2025, rng)
        sen.case = cid
        self.add_case(cid, "open", sen.admitted, None, self.facs[fi][0], [sen])
        cws = [e for e in self.byrole["CW"] if e.fac == fi]
        sen.cw = cws[0]
        self.assign.append((cid, cws[0].login, sen.admitted, None))
        cws[0].caseload.append(cid)
        self.inm_w[sen.pid] = 4.0
        self.inm_by_case[cid] = sen
        self.news_inmate = (sen, adm)
        watch.append((sen, "official"))
        # a pro athlete on parole supervision in district 1
        ppo = [e for e in self.byrole["PPO"] if e.dist == 0 and e.status == "active"][0]
        ath = self.off_by_case[ppo.caseload[3]]
        ath.first, ath.last = "DEVONTE", "MAYFIELD"
        ath.sex = "M"
        ath.flags.add("watch")
        watch.append((ath, "celebrity"))
        self.athlete = (ath, ppo)
        # a country singer whose brother is an inmate (she visits)
        inm = rng.choice([p for p in self.fac_inmates[min(1, len(self.facs) - 1)] if not p.rel_of])
        singer = self.person(rng, "visitor", sex="F", last=inm.last, first="CHARLENE", age=(30, 45), plate_p=1.0)
        singer.flags.add("watch")
        inm.visitors.append(singer)
        watch.append((singer, "celebrity"))
        # a journalist doing a media visit
        jour = self.person(rng, "visitor", sex="F", last="ABERNATHY-COLE", first="JOANNA", age=(30, 55))
        jour.flags.add("watch")
        jour.flags.add("media")
        watch.append((jour, "journalist"))
        self.journalist = jour
        # people nobody here has any business looking up
        cats = ["official"] * 5 + ["celebrity"] * 4 + ["journalist"] * 3
        for k in range(10 + N // 10):
            cat = cats[k % len(cats)]
            p = self.person(rng, "civ", age=(28, 72), plate_p=0.9)
            p.flags.add("watch")
            watch.append((p, cat))
        self.watch = watch
        self.watch_pid = {p.pid: c for p, c in watch}
        # victim in the news: an offender on supervision arrested for a new assault
        cand = [o for o in self.offenders if o.victims and not o.rel_of and "watch" not in o.flags
                and o.ppo.status == "active" and "absconded" not in o.flags]
        o = rng.choice(cand)
        self.news_victim = (o, o.victims[0], min(8, self.D - 1))

    # -- writers ------------------------------------------------------------------------------
    def write_refs(self, outdir):
        rd = os.path.join(outdir, "refs")
        os.makedirs(rd, exist_ok=True)

        def w(name, cols, rows):
            import csv
            with open(os.path.join(rd, name), "w", newline="", encoding="utf-8") as f:
                wr = csv.writer(f, lineterminator="\n")
                wr.writerow(cols)
                for r in rows:
                    wr.writerow([r.get(c, "") if isinstance(r, dict) else r[i] for i, c in enumerate(cols)])

        rows = []
        for e in self.emps + self.svc:
            p = e.person
            for lg in e.logins:
                rows.append(dict(user=lg, employee_id=e.eid, person_id=e.person_id_col, last_name=p.last,
                                 first_name=p.first, dob=dob_s(p) if e.role != "SVC" else "",
                                 address=p.addr_str() if e.role != "SVC" else "", phone=p.phone, plate=p.plate,
                                 unit=e.unit, supervisor=e.sup, site=e.site, status=e.status,
                                 end_date=dstr(e.end) if e.end else ""))
        rows.sort(key=lambda r: (r["employee_id"], r["user"]))
        w("personnel.csv", ["user", "employee_id", "person_id", "last_name", "first_name", "dob", "address",
                            "phone", "plate", "unit", "supervisor", "site", "status", "end_date"], rows)
        crow = []
        for cid in sorted(self.cases):
            c = self.cases[cid]
            crow.append(dict(case_id=cid, status=c["status"], opened=dstr(c["opened"]),
                             closed=dstr(c["closed"]) if c["closed"] else "", unit=c["unit"]))
        w("cases.csv", ["case_id", "status", "opened", "closed", "unit"], crow)
        arow = [dict(case_id=c, user=u, **{"from": dstr(f), "to": dstr(t) if t else ""}) for c, u, f, t in self.assign]
        arow.sort(key=lambda r: (r["case_id"], r["from"], r["user"]))
        w("case_assignments.csv", ["case_id", "user", "from", "to"], arow)
        srow = []
        for cid in sorted(self.case_subj):
            for p in self.case_subj[cid]:
                srow.append(dict(case_id=cid, person_id=p.pid, last_name=p.last, first_name=p.first, dob=dob_s(p),
                                 address=p.addr_str(), phone=p.phone, plate=p.plate))
        w("case_subjects.csv", ["case_id", "person_id", "last_name", "first_name", "dob", "address", "phone", "plate"], srow)
        w("associations.csv", ["employee_id", "relation", "person_id", "last_name", "first_name", "dob", "address",
                               "phone", "plate", "valid_from", "valid_to", "source"],
          sorted(self.assoc_rows, key=lambda r: (r["employee_id"], r["relation"], r["last_name"], r["first_name"])))
        w("watchlist.csv", ["person_id", "last_name", "first_name", "dob", "category"],
          sorted([dict(person_id=p.pid, last_name=p.last, first_name=p.first, dob=dob_s(p), category=c)
                  for p, c in self.watch], key=lambda r: r["person_id"]))
        w("clients.csv", ["client", "site", "lat", "lon"],
          sorted([dict(client=c, site=s, lat=f"{la:.5f}", lon=f"{lo:.5f}") for c, s, la, lo in self.clients],
                 key=lambda r: r["client"]))

    # -- lookups used by generators and by the truth function ------------------------------------
    def assigned(self, cid, emp, day):
        dd = day_date(day)
        lg = set(emp.logins)
        for c, u, f, t in self._assign_by_case().get(cid, []):
            if u in lg and f <= dd and (t is None or dd < t):
                return True
        return False

    def _assign_by_case(self):
        if not hasattr(self, "_abc"):
            self._abc = {}
            for c, u, f, t in self.assign:
                self._abc.setdefault(c, []).append((c, u, f, t))
        return self._abc


# ----------------------------------------------------------------------------------------------
# Event helpers
# ----------------------------------------------------------------------------------------------
def mk(login, ctx, system, action="query", case=None, purpose=None, sub=None, rc=None, qt=None, nested=False):
    sess, client, ip = ctx
    e = {"id": "", "ts": "", "user": login, "action": action, "system": system, "session": sess,
         "client": client, "ip": ip}
    if case is not None:
        e["case_id"] = case
    if purpose is not None:
        e["purpose"] = purpose
    if sub:
        if nested:
            e["subject"] = {k[8:]: v for k, v in sub.items()}
        else:
            e.update(sub)
    if rc is not None:
        e["result_count"] = rc
    if qt is not None:
        e["query_text"] = qt
    return e


def sub_doc(p, rng, canonical=False):
    return {"subject_person_id": p.pid if canonical else t_doc(p.pid, rng)}


def sub_namedob(p, rng, dob_p=0.82, first=True, clean=False):
    s = {"subject_last_name": t_last(p, rng, clean)}
    if first:
        fn = t_first(p, rng)
        if fn:
            s["subject_first_name"] = fn
    if p.dob and rng.random() < dob_p:
        s["subject_dob"] = p.dob.isoformat()
    return s


def qt_cjis(s, purpose):
    ln = s.get("subject_last_name", "")
    fn = s.get("subject_first_name", "")
    dob = s.get("subject_dob", "").replace("-", "")
    out = f"QH.NAM/{ln.upper()},{fn.upper()}"
    if dob:
        out += f".DOB/{dob}"
    return out + f".PUR/{purpose[:4]}"


class Out:
    __slots__ = ("recs",)

    def __init__(self):
        self.recs = []

    def add(self, ep, ev, hn=None, subj=None):
        self.recs.append([ep, ev, hn, subj])


# ----------------------------------------------------------------------------------------------
# Legitimate world generator
# ----------------------------------------------------------------------------------------------
SHIFT_MIN = [(360, 840), (840, 1320), (1320, 1800)]


class Gen:
    def __init__(self, w, seed, D):
        self.w = w
        self.seed = seed
        self.D = D
        self.clock = Clock(D)
        self.sess_n = 0
        self.fac_surnames = []
        for fi in range(len(w.facs)):
            self.fac_surnames.append({e.person.last for e in w.emps if e.fac == fi})
        self.all_staff_surnames = {e.person.last for e in w.emps}
        self.pool_cache = {}
        self.visit_pool = []
        for fi in range(len(w.facs)):
            self.visit_pool.append([p for p in w.fac_inmates[fi] if p.visitors])
        self.special_days()
        self.build_roster()

    # -- calendar -----------------------------------------------------------------------------
    def special_days(self):
        w, D = self.w, self.D
        rng = R("calendar", self.seed, w.N, D)
        self.holiday = {d for d in range(D) if day_date(d) in HOLIDAYS}
        self.lockdowns = {}   # d -> (fi, incident_minute, hu)
        k = 0
        for d in range(4, D, 19):
            fi = k % len(w.facs)
            self.lockdowns[d] = (fi, 640 + rng.randrange(-40, 60), rng.choice(w.facs[fi][5]))
            k += 1
        self.hearing = {d: docket for d, docket in w.hearings}
        self.prep = {d - 1: docket for d, docket in w.hearings if d >= 1}
        self.monthly = set()
        seen = set()
        for d in range(D):
            dt = day_date(d)
            if dt.weekday() < 5 and d not in self.holiday and (dt.year, dt.month) not in seen:
                if dt.day <= 7:
                    self.monthly.add(d)
                seen.add((dt.year, dt.month))
        self.media_visit = (0, min(3, D - 1))       # facility, day (a Thursday)
        self.news_inm_days = {w.news_inmate[1], w.news_inmate[1] + 1}
        self.dst_days = {d for d in range(D) if self.clock.trans[d + 2] is not None}

    def dow(self, d):
        return day_date(d).weekday()

    def workday(self, d):
        return self.dow(d) < 5 and d not in self.holiday

    # -- roster -------------------------------------------------------------------------------
    def build_roster(self):
        w, D = self.w, self.D
        rng = R("roster", self.seed, w.N, D)
        self.blocks = {}
        self.vac_cover = {}   # d -> list of (absent ppo, coverer)
        for e in w.emps:
            nv = sum(1 for _ in range(max(1, D // 14)) if rng.random() < 0.3)
            for _ in range(nv):
                s = rng.randrange(0, D)
                for k in range(rng.choice([1, 1, 2, 3, 4])):
                    e.vac.add(s + k)
            e.evenings = tuple(sorted(rng.sample([0, 1, 2, 3], rng.choice([1, 1, 2]))))
            e.field_days = tuple(sorted(rng.sample([0, 1, 2, 3, 4], 3)))
            e.sweep_dow = rng.choice([1, 3])
        for d in range(D):
            dw = self.dow(d)
            wk = d // 7
            ld = self.lockdowns.get(d)
            for e in w.emps:
                bl = []
                if e.status == "leave" or (e.end_day is not None and d >= e.end_day) or d in e.vac:
                    self.blocks[(e.eid, d)] = bl
                    continue
                r = rng.random()
                if e.role in ("CO", "SGT"):
                    if e.post == "LBY":
                        off = dw in (0, 1)
                    else:
                        off = (dw + e.off) % 7 in (5, 6)
                    sh = (e.shift + wk) % 3 if e.rotates else e.shift
                    if not off:
                        s, t = SHIFT_MIN[sh]
                        mode = "shift"
                        if e.rotates and sh == 2 and ((e.shift + wk - 1) % 3) != 2 and dw in ((e.off + 0) % 7, (e.off + 1) % 7, 0, 1, 2):
                            mode = "rot_night"
                        bl.append((s - rng.randrange(3, 14), t + rng.randrange(0, 18), mode, sh))
                        if r < 0.045:
                            bl.append((t + 18, t + 480, "ot", (sh + 1) % 3))
                        if ld and ld[0] == e.fac and sh == 0:
                            bl[-1] = (bl[-1][0], bl[-1][1], bl[-1][2], sh)
                            bl.append((t + 20, 1140 + rng.randrange(0, 90), "holdover", 1))
                    elif ld and ld[0] == e.fac and r < 0.35:
                        bl.append((ld[1] + rng.randrange(50, 120), 1140 + rng.randrange(0, 60), "callin", 0))
                elif e.role == "IT" or e.role in ("CW", "REC", "VS", "ICI", "PB", "INV", "PPS"):
                    if self.workday(d) or (ld and e.role == "INV" and r < 0.8):
                        st = 450 + rng.randrange(0, 50)
                        en = 960 + rng.randrange(0, 70)
                        if e.role == "PB" and (d in self.hearing or d in self.prep):
                            en += 90
                        if ld and e.role == "CW" and ld[0] == e.fac:
                            en += 120
                        bl.append((st, en, "office", 0))
                elif e.role == "PPO":
                    if self.workday(d):
                        st = 470 + rng.randrange(0, 40)
                        if dw in e.field_days:
                            bl.append((st, 720 + rng.randrange(0, 20), "office", 0))
                            bl.append((760 + rng.randrange(0, 20), 980 + rng.randrange(0, 40), "field", 0))
                        else:
                            bl.append((st, 990 + rng.randrange(0, 40), "office", 0))
                        if dw in e.evenings:
                            bl.append((1050 + rng.randrange(0, 20), 1230 + rng.randrange(0, 40), "evening", 0))
                elif e.role == "FUG":
                    if self.workday(d):
                        if dw == e.sweep_dow:
                            bl.append((200 + rng.randrange(0, 30), 600 + rng.randrange(0, 30), "sweep", 0))
                        else:
                            bl.append((420 + rng.randrange(0, 40), 930 + rng.randrange(0, 40), "office", 0))
                self.blocks[(e.eid, d)] = bl
        # short vacations of PPOs are covered informally by a district colleague (not recorded)
        ppos = w.byrole["PPO"]
        for d in range(D):
            if not self.workday(d):
                continue
            for e in ppos:
                if e.status == "active" and d in e.vac:
                    col = [o for o in ppos if o is not e and o.dist == e.dist and o.status == "active"
                           and self.blocks.get((o.eid, d))]
                    if col:
                        cov = col[(ppos.index(e) + d // 7) % len(col)]
                        self.vac_cover.setdefault(d, []).append((e, cov))

    # -- helpers ------------------------------------------------------------------------------
    def new_session(self, rng):
        return "%08x%04x" % (rng.getrandbits(32), rng.getrandbits(16))

    def times(self, rng, s, t, rate_h):
        n = rate_h * (t - s) / 60.0
        k = int(n)
        if rng.random() < n - k:
            k += 1
        return sorted(rng.uniform(s, t) for _ in range(k))

    def pick_inmate(self, rng, fi, hu, e, d):
        key = (fi, hu)
        pc = self.pool_cache.get(key)
        if pc is None:
            lst = self.w.hu_inmates[key] if hu else self.w.fac_inmates[fi]
            acc, cw = 0.0, []
            for p in lst:
                acc += self.w.inm_w[p.pid]
                cw.append(acc)
            pc = (lst, cw)
            self.pool_cache[key] = pc
        lst, cw = pc
        for _ in range(4):
            p = lst[bisect.bisect_right(cw, rng.random() * cw[-1])]
            if p.pid not in e.excl:
                return p
        return None

    def login_ev(self, out, e, login, ctx, ep, rng, action="login"):
        out.add(ep, mk(login, ctx, "SSO", action=action))

    def ctx_for(self, rng, client, ip=None):
        return (self.new_session(rng), client, ip or self.w.client_ip[client])

    # -- per day ------------------------------------------------------------------------------
    def gen_day(self, d):
        out = Out()
        w = self.w
        for e in w.emps:
            bl = self.blocks.get((e.eid, d))
            if not bl:
                continue
            rng = R("ev", self.seed, e.eid, d)
            fn = getattr(self, "g_" + e.role)
            fn(out, e, d, bl, rng)
        self.g_services(out, d)
        self.tag_popular(out, d)
        return out

    def session_wrap(self, out, e, login, ctx, rng, s_ep, e_ep, fail=0.02):
        if rng.random() < fail:
            self.login_ev(out, e, login, ctx, s_ep - rng.randrange(20, 90), rng, "login_failed")
        self.login_ev(out, e, login, ctx, s_ep, rng)
        self.login_ev(out, e, login, ctx, e_ep, rng, "logout")

    # .. custody ..................................................................................
    CO_RATE = {"HU": (17, 16, 7), "CTL": (13, 13, 8), "TRN": (10, 7, 2), "PRP": (9, 8, 2), "LBY": (4, 4, 2)}
    HU_PURP = (["INMATE_COUNT", "MOVEMENT", "HOUSING", "PROPERTY", "DISCIPLINE", "MAIL_SCREEN", "MEDICAL_ESCORT",
                "CELL_SEARCH"], [18, 26, 14, 8, 10, 7, 6, 11])
    NIGHT_PURP = (["INMATE_COUNT", "MOVEMENT", "MEDICAL_ESCORT", "HOUSING"], [50, 20, 15, 15])

    def inmate_query(self, out, login, ctx, ep, rng, p, purpose, hn=None, by_name=None, follow=0.3):
        if by_name is None:
            by_name = rng.random() < 0.22
        if by_name:
            s = sub_namedob(p, rng, dob_p=0.25)
            rc = 1 if rng.random() < 0.7 else rng.randrange(2, 9)
            if rc == 1:
                s["subject_person_id"] = p.pid
            qt = f"LNAME={s['subject_last_name']};FNAME={s.get('subject_first_name', '')}"
        else:
            s = sub_doc(p, rng)
            rc = 1
            qt = f"DOC#={s['subject_person_id']}"
        out.add(ep, mk(login, ctx, "OMS", case="", purpose=purpose, sub=s, rc=rc, qt=qt), hn, p)
        if rng.random() < follow:
            ep2 = ep + rng.randrange(8, 70)
            scr = rng.choice(["MOVEMENT_HISTORY", "PROPERTY_INVENTORY", "SEPARATIONS", "SENTENCE_SUMMARY", "PHOTO"])
            out.add(ep2, mk(login, ctx, "OMS", case="", purpose=purpose, sub={"subject_person_id": p.pid}, rc=1,
                            qt=f"SCREEN={scr} DOC#={p.pid}"), hn, p)

    def g_CO(self, out, e, d, blocks, rng):
        w = self.w
        fi = e.fac
        fcode = w.facs[fi][0]
        ld = self.lockdowns.get(d)
        sen, adm = w.news_inmate
        for (s, t, mode, sh) in blocks:
            post = e.post
            if mode in ("ot", "holdover", "callin"):
                post = post if post.startswith("HU") or post == "CTL" else "HU" + rng.choice(w.facs[fi][5])
            if post == "LBY" and not (ld and ld[0] == fi):
                self.g_lobby(out, e, d, s, t, mode, sh, rng)
                continue
            if post == "LBY":
                post = "CTL"
            hu = post[2:] if post.startswith("HU") else None
            client = f"{fcode}-{post}-0{rng.randrange(1, 3)}" if hu else f"{fcode}-{post}-01"
            if post == "CTL":
                client = f"{fcode}-CTL-0{rng.randrange(1, 3)}"
            ctx = self.ctx_for(rng, client)
            s_ep, e_ep = self.clock.ep(d, s), self.clock.ep(d, t)
            self.session_wrap(out, e, e.login, ctx, rng, s_ep, e_ep)
            base = self.CO_RATE[post if not hu else "HU"][sh] * e.factor * math.exp(rng.gauss(0, 0.2))
            hn_mode = None
            if mode == "ot" or mode == "holdover" or mode == "callin":
                hn_mode = ("mandatory_overtime_double" if mode == "ot" else "lockdown_spike",
                           f"{mode} block, {fcode}")
            elif mode == "rot_night":
                hn_mode = ("rotation_to_night_shift", "rotating post moved to nights this week")
            for m in self.times(rng, s + 4, t - 4, base):
                hn = hn_mode
                boost = ld and ld[0] == fi and ld[1] <= m < 1260
                if boost and hn is None:
                    hn = ("lockdown_spike", f"{fcode} lockdown after incident in unit {ld[2]}")
                if (d + 1) in self.dst_days and hn is None and sh == 2:
                    hn = ("dst_night_shift", "night shift spanning the DST change")
                ep = self.clock.ep(d, m)
                reps = 1 + (rng.randrange(1, 4) if boost else 0)
                for k in range(reps):
                    self.co_activity(out, e, fi, hu, post, sh, ctx, ep + k * rng.randrange(20, 90), rng, d, hn, boost, ld)
            # the news inmate: his unit's staff look him up constantly on admission days
            if hu == sen.hu and fi == sen.fac and d in self.news_inm_days:
                for m in self.times(rng, s + 10, t - 10, 0.8):
                    p_ = rng.choice(["HOUSING", "MOVEMENT", "PROPERTY", "INMATE_COUNT"])
                    self.inmate_query(out, e.login, ctx, self.clock.ep(d, m), rng, sen, p_,
                                      ("high_profile_inmate_unit_staff", "former state senator admitted to the unit; in the news"))
            # staff-name twin: the officer has to search his namesake by name now and then
            for (ce, o) in w.staff_name_inmates:
                if ce is e and rng.random() < 0.5:
                    m = rng.uniform(s + 10, t - 10)
                    self.inmate_query(out, e.login, ctx, self.clock.ep(d, m), rng, o, "MOVEMENT",
                                      ("inmate_same_name_as_staff", "inmate in the officer's unit shares the officer's name"),
                                      by_name=True, follow=0.2)

    def co_activity(self, out, e, fi, hu, post, sh, ctx, ep, rng, d, hn, boost, ld):
        w = self.w
        r = rng.random()
        login = e.login
        if boost:
            purpose = rng.choice(["INCIDENT_RESPONSE", "CELL_SEARCH", "MOVEMENT", "HOUSING", "INMATE_COUNT"])
            p = self.pick_inmate(rng, fi, ld[2] if rng.random() < 0.6 else None, e, d)
        else:
            if r < 0.07 and post != "TRN":
                out.add(ep, mk(login, ctx, "OMS", case="", purpose="INMATE_COUNT",
                               rc=len(w.hu_inmates.get((fi, hu), w.fac_inmates[fi])),
                               qt=f"ROSTER FAC={w.facs[fi][0]} UNIT={hu or 'ALL'}"), hn)
                return
            if sh == 2:
                purpose = rng.choices(*self.NIGHT_PURP)[0]
            elif post == "TRN":
                purpose = rng.choice(["MOVEMENT", "MEDICAL_ESCORT", "MOVEMENT"])
            elif post == "PRP":
                purpose = rng.choice(["PROPERTY", "MAIL_SCREEN", "PROPERTY"])
            elif post == "CTL":
                purpose = rng.choice(["MOVEMENT", "INMATE_COUNT", "MOVEMENT", "HOUSING"])
            else:
                purpose = rng.choices(*self.HU_PURP)[0]
            if post == "TRN" and rng.random() < 0.12 and len(w.facs) > 1:
                ofi = rng.choice([x for x in range(len(w.facs)) if x != fi])
                p = self.pick_inmate(rng, ofi, None, e, d)
            else:
                p = self.pick_inmate(rng, fi, hu if (hu and rng.random() < 0.78) else None, e, d)
        if p is None:
            return
        if p.rel_of is not None and hn is None:
            hn = ("staff_relative_looked_up_by_colleague", "inmate is a disclosed relative of another employee")
        act = "update" if rng.random() < 0.05 else "query"
        if act == "update":
            out.add(ep, mk(login, ctx, "OMS", action="update", case="", purpose=purpose,
                           sub={"subject_person_id": p.pid}, rc=1,
                           qt=f"UPDATE movement_log SET location='{rng.choice(['YARD', 'CHOW', 'MEDICAL', 'PROGRAMS', 'CELL'])}' WHERE doc_num='{p.pid}'"),
                    hn, p)
        else:
            self.inmate_query(out, login, ctx, ep, rng, p, purpose, hn)

    def g_lobby(self, out, e, d, s, t, mode, sh, rng):
        w = self.w
        fi = e.fac
        fcode = w.facs[fi][0]
        ctx = self.ctx_for(rng, f"{fcode}-LBY-0{rng.randrange(1, 3)}")
        self.session_wrap(out, e, e.login, ctx, rng, self.clock.ep(d, s), self.clock.ep(d, t))
        dw = self.dow(d)
        vis = []
        if dw in (5, 6) or d in self.holiday:
            vis.append((480, 900))
        if dw == 2:
            vis.append((1020, 1200))
        nlobby = max(1, sum(1 for x in w.byrole["CO"] if x.fac == fi and x.post == "LBY" and x.shift == e.shift))
        per_h = len(w.fac_inmates[fi]) * 0.16 / 7.0 / nlobby
        cur = s + 5
        for (vs, ve) in vis:
            a, b = max(s + 5, vs), min(t - 5, ve)
            if a >= b:
                continue
            for m in self.times(rng, a, b, per_h * e.factor):
                self.visit(out, e, fi, ctx, self.clock.ep(d, m), rng, processing=True)
        # applications, visit lists, inmate checks
        for m in self.times(rng, s + 5, t - 5, 3.0 * e.factor):
            if any(a <= m < b for a, b in vis):
                continue
            self.visit(out, e, fi, ctx, self.clock.ep(d, m), rng, processing=False)
        # the media visit
        if (fi, d) == self.media_visit and sh == 0:
            j = w.journalist
            m = rng.uniform(600, 660)
            ep = self.clock.ep(d, m)
            s1 = sub_namedob(j, rng, dob_p=1.0)
            hn = ("watchlist_media_visit", "journalist screened for a scheduled media interview")
            out.add(ep, mk(e.login, ctx, "VISIT", case="", purpose="VISITOR_SCREENING", sub=s1, rc=1,
                           qt=f"visitor_search last='{s1['subject_last_name']}' dob='{s1.get('subject_dob', '')}'"), hn, j)
            out.add(ep, mk(e.login, ctx, "CJIS", case="", purpose="VISITOR_SCREENING", sub=dict(s1), rc=0,
                           qt=qt_cjis(s1, "VISITOR_SCREENING")), hn, j)

    def visit(self, out, e, fi, ctx, ep, rng, processing):
        w = self.w
        pool = self.visit_pool[fi]
        if not pool:
            return
        inm = rng.choice(pool)
        v = rng.choice(inm.visitors)
        if v.pid in e.excl or inm.pid in e.excl:
            return
        hn = None
        if "staff_rel_visitor" in v.flags:
            hn = ("staff_relative_visiting", f"visitor is a disclosed relative of {v.rel_of.login}; screened by another officer")
        elif "watch" in v.flags:
            hn = ("watchlist_visitor_screening", "watchlisted celebrity visiting her brother")
        elif v.last in self.fac_surnames[fi]:
            hn = ("visitor_shares_staff_surname", "visitor shares a surname with a facility staff member")
        s1 = sub_namedob(v, rng, dob_p=0.93)
        login = e.login
        out.add(ep, mk(login, ctx, "VISIT", case="", purpose="VISITOR_SCREENING", sub=s1, rc=1,
                       qt=f"visitor_search last='{s1['subject_last_name']}' first='{s1.get('subject_first_name', '')}' dob='{s1.get('subject_dob', '')}'"),
                hn, v)
        out.add(ep, mk(login, ctx, "CJIS", case="", purpose="VISITOR_SCREENING", sub=dict(s1),
                       rc=rng.choice([0, 0, 0, 1]), qt=qt_cjis(s1, "VISITOR_SCREENING")), hn, v)
        if not processing and rng.random() < 0.4 and v.plate:
            sp = {"subject_plate": t_plate(v.plate, rng)}
            out.add(ep, mk(login, ctx, "DMV", case="", purpose="VISITOR_SCREENING", sub=sp, rc=1,
                           qt=f"LIC={sp['subject_plate']}"), hn, v)
        if rng.random() < 0.8:
            hn2 = ("staff_relative_looked_up_by_colleague", "inmate is a disclosed relative of another employee") if inm.rel_of else None
            self.inmate_query(out, login, ctx, ep + rng.randrange(15, 100), rng, inm, "VISIT", hn2, follow=0.1)

    def g_SGT(self, out, e, d, blocks, rng):
        w = self.w
        fi = e.fac
        fcode = w.facs[fi][0]
        ld = self.lockdowns.get(d)
        for (s, t, mode, sh) in blocks:
            ctx = self.ctx_for(rng, f"{fcode}-SGT-0{rng.randrange(1, 3)}")
            self.session_wrap(out, e, e.login, ctx, rng, self.clock.ep(d, s), self.clock.ep(d, t))
            rate = (8, 8, 4)[sh] * e.factor
            hop = None
            if rng.random() < 0.35:
                a = rng.uniform(s + 60, t - 90)
                hop = (a, a + rng.uniform(10, 35))
                hctx = self.ctx_for(rng, f"{fcode}-HU{rng.choice(w.facs[fi][5])}-0{rng.randrange(1, 3)}")
                self.session_wrap(out, e, e.login, hctx, rng, self.clock.ep(d, hop[0]), self.clock.ep(d, hop[1]), 0)
            for m in self.times(rng, s + 5, t - 5, rate):
                boost = ld and ld[0] == fi and ld[1] <= m < 1260
                hn = ("lockdown_spike", f"{fcode} lockdown") if boost else (
                    ("mandatory_overtime_double", "second shift") if mode in ("ot", "holdover", "callin") else None)
                c = ctx
                if hop and hop[0] <= m <= hop[1]:
                    c = hctx
                    hn = hn or ("terminal_hop_same_site", "sergeant working from a housing-unit terminal, same facility")
                for k in range(1 + (rng.randrange(2, 5) if boost else 0)):
                    ep = self.clock.ep(d, m) + k * rng.randrange(20, 80)
                    purpose = rng.choice(["DISCIPLINE", "INCIDENT_RESPONSE", "HOUSING", "MOVEMENT", "DISCIPLINE"])
                    p = self.pick_inmate(rng, fi, ld[2] if boost and rng.random() < 0.5 else None, e, d)
                    if p is None:
                        continue
                    if p.rel_of is not None and hn is None:
                        hn = ("staff_relative_looked_up_by_colleague", "inmate is a disclosed relative of another employee")
                    if rng.random() < 0.15:
                        out.add(ep, mk(e.login, c, "OMS", action="update", case="", purpose=purpose,
                                       sub={"subject_person_id": p.pid}, rc=1,
                                       qt=f"UPDATE housing SET bed='{rng.choice(w.facs[fi][5])}{rng.randrange(1, 40):02d}{rng.choice('AB')}' WHERE doc_num='{p.pid}'"),
                                hn, p)
                    else:
                        self.inmate_query(out, e.login, c, ep, rng, p, purpose, hn)
            # supervisory approvals under the sergeant's second login
            if len(e.logins) > 1 and mode != "ot":
                sctx = self.ctx_for(rng, ctx[1])
                ms = self.times(rng, s + 30, t - 30, 0.6)
                if ms:
                    self.session_wrap(out, e, e.logins[1], sctx, rng, self.clock.ep(d, ms[0]) - 30,
                                      self.clock.ep(d, ms[-1]) + 40, 0)
                for m in ms:
                    p = self.pick_inmate(rng, fi, None, e, d)
                    if p:
                        out.add(self.clock.ep(d, m), mk(e.logins[1], sctx, "OMS", action="approve", case="",
                                                        purpose="DISCIPLINE", sub={"subject_person_id": p.pid}, rc=1,
                                                        qt=f"APPROVE disciplinary_report doc={p.pid}"),
                                ("second_login_same_employee", "sergeant's supervisory login approving reports"), p)
            if fi == w.news_inmate[0].fac and d in self.news_inm_days and sh == 0:
                sen = w.news_inmate[0]
                for m in self.times(rng, s + 10, t - 10, 0.8):
                    self.inmate_query(out, e.login, ctx, self.clock.ep(d, m), rng, sen,
                                      rng.choice(["HOUSING", "MOVEMENT", "DISCIPLINE"]),
                                      ("high_profile_inmate_unit_staff", "former state senator; shift supervisor"))

    def g_CW(self, out, e, d, blocks, rng):
        w = self.w
        fi = e.fac
        fcode = w.facs[fi][0]
        ld = self.lockdowns.get(d)
        case_inm = [w.inm_by_case[c] for c in e.caseload if c in w.inm_by_case]
        case_inm = [p for p in case_inm if p.admitted is None or p.admitted <= day_date(d)]
        for (s, t, mode, sh) in blocks:
            ctx = self.ctx_for(rng, f"{fcode}-CLS-0{(w.byrole['CW'].index(e) % 4) + 1}")
            self.session_wrap(out, e, e.login, ctx, rng, self.clock.ep(d, s), self.clock.ep(d, t))
            for m in self.times(rng, s + 5, min(t - 5, 1000), 10 * e.factor):
                ep = self.clock.ep(d, m)
                boost = ld and ld[0] == fi and ld[1] <= m
                if boost and rng.random() < 0.5:
                    p = self.pick_inmate(rng, fi, ld[2], e, d)
                    if p:
                        self.inmate_query(out, e.login, ctx, ep, rng, p, "HOUSING", ("lockdown_spike", f"{fcode} lockdown: classification re-housing"))
                    continue
                r = rng.random()
                p = rng.choice(case_inm) if case_inm else None
                if p is None or p.pid in e.excl:
                    continue
                if r < 0.72:
                    tc, blank = t_case(p.case, rng)
                    hn = ("sloppy_case_entry", "case number left blank / N/A on routine classification work") if blank else None
                    if p is w.news_inmate[0]:
                        hn = ("high_profile_inmate_unit_staff", "assigned classification counselor of the news inmate")
                    elif p.pid in w.watch_pid:
                        hn = ("watchlist_subject_assigned_staff", "assigned counselor")
                    purpose = rng.choice(["CLASSIFICATION", "CASE_MANAGEMENT", "CASE_MANAGEMENT"])
                    if d in self.prep or d in self.hearing:
                        dk = self.prep.get(d) or self.hearing.get(d)
                        if p in dk:
                            purpose = "PAROLE_HEARING"
                    s1 = sub_doc(p, rng)
                    out.add(ep, mk(e.login, ctx, "OMS", action="update" if rng.random() < 0.1 else "query", case=tc,
                                   purpose=purpose, sub=s1, rc=1, qt=f"DOC#={s1['subject_person_id']} CASE={tc}"), hn, p)
                elif r < 0.85 and p.household:
                    sp = rng.choice(p.household)
                    tc, blank = t_case(p.case, rng)
                    s1 = sub_namedob(sp, rng, dob_p=0.9)
                    hn = ("sloppy_case_entry", "case number left blank / N/A") if blank else None
                    out.add(ep, mk(e.login, ctx, "CJIS", case=tc, purpose="RELEASE_PLANNING", sub=s1,
                                   rc=rng.choice([0, 1, 1]), qt=qt_cjis(s1, "RELEASE_PLANNING")), hn, sp)
                    if sp.addr and rng.random() < 0.5:
                        sa = {"subject_address": t_addr(sp.addr, rng)}
                        out.add(ep + rng.randrange(20, 90), mk(e.login, ctx, "CJIS", case=tc, purpose="RELEASE_PLANNING",
                                                               sub=sa, rc=rng.randrange(0, 4),
                                                               qt="QP.ADR/" + sa["subject_address"].upper()), hn, sp)
                elif p.visitors:
                    v = rng.choice(p.visitors)
                    if v.pid in e.excl:
                        continue
                    hn = None
                    if "staff_rel_visitor" in v.flags:
                        hn = ("staff_relative_visiting", "visitor-list approval for a staff relative, by the inmate's counselor")
                    elif "watch" in v.flags:
                        hn = ("watchlist_visitor_screening", "visitor-list approval")
                    s1 = sub_namedob(v, rng, dob_p=0.95)
                    out.add(ep, mk(e.login, ctx, "CJIS", case="", purpose="VISITOR_SCREENING", sub=s1,
                                   rc=rng.choice([0, 0, 1]), qt=qt_cjis(s1, "VISITOR_SCREENING")), hn, v)

    # .. probation & parole .......................................................................
    def ppo_lookup(self, out, e, login, ctx, ep, rng, cid, o, hn=None, nested=False, purpose=None, force=None):
        w = self.w
        tc, blank = t_case(cid, rng)
        if blank and hn is None:
            hn = ("sloppy_case_entry", "supervision lookup with the case number left blank / N/A")
        if purpose is None:
            purpose = rng.choices(["SUPERVISION", "HOME_VISIT", "COLLATERAL_CONTACT"], [55, 30, 15])[0]
        r = rng.random() if force is None else force
        sysm = "CASEMGMT-MOBILE" if nested else "CASEMGMT"
        if r < 0.3:
            s1 = sub_doc(o, rng)
            out.add(ep, mk(login, ctx, sysm, case=tc, purpose=purpose, sub=s1, rc=1,
                           qt=f"open case={tc} doc={s1['subject_person_id']}", nested=nested), hn, o)
        elif r < 0.5:
            s1 = sub_namedob(o, rng, dob_p=0.85)
            out.add(ep, mk(login, ctx, "CJIS", case=tc, purpose=purpose, sub=s1, rc=rng.choice([1, 1, 1, 2]),
                           qt=qt_cjis(s1, purpose)), hn, o)
            out.add(ep, mk(login, ctx, "DMV", case=tc, purpose=purpose, sub=dict(s1), rc=rng.choice([0, 1, 1]),
                           qt=f"NAME={s1['subject_last_name'].upper()},{s1.get('subject_first_name', '').upper()}"), hn, o)
        elif r < 0.62 and o.addr:
            sa = {"subject_address": t_addr(o.addr, rng)}
            h2 = hn
            if "same_building" in o.flags and h2 is None:
                h2 = ("offender_same_building_as_officer", "offender lives in the officer's own apartment building (other unit)")
            out.add(ep, mk(login, ctx, "CJIS", case=tc, purpose="HOME_VISIT", sub=sa, rc=rng.randrange(1, 6),
                           qt="QP.ADR/" + sa["subject_address"].upper()), h2, o)
        elif r < 0.75 and o.household:
            hh = rng.choice(o.household)
            if hh.pid in e.excl:
                return
            s1 = sub_namedob(hh, rng, dob_p=0.7)
            h2 = hn
            if "not_on_case" in hh.flags and h2 is None:
                h2 = ("household_member_not_on_case", "household member checked before a home visit; not listed on the case")
            out.add(ep, mk(login, ctx, "CJIS", case=tc, purpose="HOME_VISIT", sub=s1, rc=rng.choice([0, 1, 1, 3]),
                           qt=qt_cjis(s1, "HOME_VISIT")), h2, hh)
        elif r < 0.85:
            cands = [x for x in [o] + o.household if x.plate and x.pid not in e.excl]
            if not cands:
                return
            x = rng.choice(cands)
            sp = {"subject_plate": t_plate(x.plate, rng)}
            h2 = hn
            if "not_on_case" in x.flags and h2 is None:
                h2 = ("household_member_not_on_case", "household member's car checked at a home visit; not listed on the case")
            out.add(ep, mk(login, ctx, "DMV", case=tc, purpose="HOME_VISIT", sub=sp, rc=1,
                           qt=f"LIC={sp['subject_plate']}"), h2, x)
        elif r < 0.93 and o.employer:
            sp = {"subject_phone": t_phone(o.employer[1], rng)}
            out.add(ep, mk(login, ctx, sysm, case=tc, purpose="EMPLOYMENT_VERIFICATION", sub=sp, rc=1,
                           qt=f"employer verify '{o.employer[0]}' phone={sp['subject_phone']}", nested=nested), hn, None)
        else:
            s1 = sub_doc(o, rng)
            out.add(ep, mk(login, ctx, "OMS", case=tc, purpose=purpose, sub=s1, rc=1,
                           qt=f"DOC#={s1['subject_person_id']} SCREEN=CONDITIONS"), hn, o)

    def g_PPO(self, out, e, d, blocks, rng):
        w = self.w
        dist = w.dists[e.dist][0]
        cl = [w.off_by_case[c] for c in e.caseload if c in w.off_by_case]
        cl = [o for o in cl if o.pid not in e.excl]
        if not cl:
            return
        cw = [1.0 + (2.0 if o.gps else 0) + (1.5 if "absconded" in o.flags else 0) for o in cl]
        acc, cum = 0.0, []
        for x in cw:
            acc += x
            cum.append(acc)
        mobile = len(e.logins) > 1
        nv, nvd = w.news_victim[0], w.news_victim[2]
        for bi, (s, t, mode, sh) in enumerate(blocks):
            if mode == "office":
                ctx = self.ctx_for(rng, e.desk)
                login = e.login
            else:
                login = e.logins[1] if mobile else e.login
                ctx = self.ctx_for(rng, e.laptop, f"172.16.{rng.randrange(0, 64)}.{rng.randrange(2, 254)}")
            self.session_wrap(out, e, login, ctx, rng, self.clock.ep(d, s), self.clock.ep(d, t))
            rate = {"office": 12, "field": 6, "evening": 6}[mode] * e.factor * math.exp(rng.gauss(0, 0.2))
            hn_b = None
            if mode == "evening":
                hn_b = ("ppo_evening_home_visit", "scheduled evening home visits, from the field laptop")
            if login != e.login:
                hn_b = hn_b or ("second_login_own_caseload", "officer's mobile login working own caseload")
            tl = self.times(rng, s + 5, t - 5, rate)
            # morning arrest check: run a slice of the caseload through CJIS
            if mode == "office" and bi == 0:
                m0 = s + 8
                for k in range(rng.randrange(5, 12)):
                    o = cl[bisect.bisect_right(cum, rng.random() * cum[-1])]
                    self.ppo_lookup(out, e, login, ctx, self.clock.ep(d, m0) + k * rng.randrange(25, 70), rng, o.case, o,
                                    hn_b, purpose="SUPERVISION", force=0.4)
                if self.dow(d) == 0 or (d == 0):
                    out.add(self.clock.ep(d, m0 + 20), mk(login, ctx, "REPORTS", action="export", case="",
                                                          purpose="CASELOAD_REVIEW", rc=len(cl),
                                                          qt=f"EXPORT caseload officer={e.login} format=xlsx"))
            for m in tl:
                o = cl[bisect.bisect_right(cum, rng.random() * cum[-1])]
                hn = hn_b
                if o.pid in w.watch_pid:
                    hn = ("watchlist_subject_assigned_staff", "watchlisted athlete on the officer's own caseload")
                elif o.rel_of is not None:
                    hn = ("staff_relative_looked_up_by_colleague", "offender is a disclosed relative of another employee")
                elif "name_twin" in o.flags:
                    hn = ("common_name_matches_staff_relative", "offender shares first+last name with the officer's relative")
                self.ppo_lookup(out, e, login, ctx, self.clock.ep(d, m), rng, o.case, o, hn, nested=(mode != "office"))
            if mode == "office":
                # forced looks at the special cases on the caseload
                for o in cl:
                    if "same_building" in o.flags and rng.random() < 0.35:
                        self.ppo_lookup(out, e, login, ctx, self.clock.ep(d, rng.uniform(s + 10, t - 10)), rng, o.case, o,
                                        ("offender_same_building_as_officer", "offender lives in the officer's building"), force=0.55)
                    if "name_twin" in o.flags and rng.random() < 0.35:
                        self.ppo_lookup(out, e, login, ctx, self.clock.ep(d, rng.uniform(s + 10, t - 10)), rng, o.case, o,
                                        ("common_name_matches_staff_relative", "offender shares first+last name with the officer's relative"),
                                        force=0.4)
                # informal coverage of a colleague on vacation (not recorded in case_assignments)
                for (absent, cov) in self.vac_cover.get(d, []):
                    if cov is e:
                        acl = [w.off_by_case[c] for c in absent.caseload if c in w.off_by_case]
                        acl = [o for o in acl if o.pid not in e.excl]
                        for m in self.times(rng, s + 30, t - 10, 2.2):
                            o = rng.choice(acl)
                            self.ppo_lookup(out, e, login, ctx, self.clock.ep(d, m), rng, o.case, o,
                                            ("caseload_coverage_unrecorded", f"covering {absent.login}'s caseload during vacation"))
                # caseload transfer wrap-up by the previous officer
                ti = w.transfer_info
                if ti and ti[0] is e and ti[2] <= d < ti[2] + 3:
                    for k in range(rng.randrange(1, 4)):
                        cid = rng.choice(ti[3])
                        o = w.off_by_case[cid]
                        self.ppo_lookup(out, e, login, ctx, self.clock.ep(d, rng.uniform(s + 10, t - 10)), rng, cid, o,
                                        ("post_transfer_wrapup", f"case transferred to {ti[1].login}; previous officer closing notes"))
                # the news case: the assigned officer works it all day
                if d in (nvd, nvd + 1) and nv.ppo is e:
                    for m in self.times(rng, s + 5, t - 5, 4):
                        tgt = rng.choice([nv, nv, nv.victims[0]])
                        if tgt is nv:
                            self.ppo_lookup(out, e, login, ctx, self.clock.ep(d, m), rng, nv.case, nv,
                                            ("news_case_assigned_staff", "offender arrested for new assault; in the news"))
                        else:
                            s1 = sub_namedob(tgt, rng, dob_p=0.9)
                            tc, _ = t_case(nv.case, rng, 0)
                            out.add(self.clock.ep(d, m), mk(login, ctx, "CJIS", case=tc, purpose="SUPERVISION", sub=s1,
                                                            rc=1, qt=qt_cjis(s1, "SUPERVISION")),
                                    ("news_case_assigned_staff", "victim of the news case, assigned officer"), tgt)

    def g_PPS(self, out, e, d, blocks, rng):
        w = self.w
        team = [x for x in w.byrole["PPO"] if x.sup == e.eid]
        cases = [c for x in team for c in x.caseload if c in w.off_by_case]
        if not cases:
            return
        nv, _, nvd = w.news_victim
        for (s, t, mode, sh) in blocks:
            ctx = self.ctx_for(rng, e.desk)
            self.session_wrap(out, e, e.login, ctx, rng, self.clock.ep(d, s), self.clock.ep(d, t))
            for m in self.times(rng, s + 10, t - 10, 4.5 * e.factor):
                cid = rng.choice(cases)
                o = w.off_by_case[cid]
                if o.pid in e.excl:
                    continue
                hn = ("supervisor_case_review", "district supervisor reviewing a team member's case")
                self.ppo_lookup(out, e, e.login, ctx, self.clock.ep(d, m), rng, cid, o, hn, purpose="SUPERVISOR_REVIEW",
                                force=rng.choice([0.1, 0.4, 0.95]))
            if d in (nvd, nvd + 1) and nv.ppo.sup == e.eid:
                for m in self.times(rng, s + 60, t - 10, 1.5):
                    self.ppo_lookup(out, e, e.login, ctx, self.clock.ep(d, m), rng, nv.case, nv,
                                    ("news_case_assigned_staff", "supervisor of the officer on the news case"),
                                    purpose="SUPERVISOR_REVIEW", force=0.1)

    # .. central office ............................................................................
    def g_REC(self, out, e, d, blocks, rng):
        w = self.w
        sen, adm = w.news_inmate
        first = w.byrole["REC"][0] is e or (w.byrole["REC"][0].end_day is not None and w.byrole["REC"][1] is e)
        for (s, t, mode, sh) in blocks:
            ctx = self.ctx_for(rng, e.desk)
            self.session_wrap(out, e, e.login, ctx, rng, self.clock.ep(d, s), self.clock.ep(d, t))
            hn_x = ("records_bulk_export", "routine records report")
            if first:
                out.add(self.clock.ep(d, s + rng.uniform(10, 40)),
                        mk(e.login, ctx, "REPORTS", action="export", case="", purpose="STATISTICAL_REPORT",
                           rc=rng.randrange(18, 95), qt="EXPORT rpt_release_next_30_days format=csv"), hn_x)
                if d in self.monthly:
                    out.add(self.clock.ep(d, s + rng.uniform(60, 120)),
                            mk(e.login, ctx, "REPORTS", action="export", case="", purpose="STATISTICAL_REPORT",
                               rc=len(w.inmates) + len(w.offenders) + rng.randrange(0, 40),
                               qt="EXPORT rpt_monthly_population_by_facility_district format=xlsx"),
                            ("records_bulk_export", "monthly population report (first business day)"))
            for m in self.times(rng, s + 10, t - 10, 17 * e.factor * math.exp(rng.gauss(0, 0.2))):
                ep = self.clock.ep(d, m)
                p = rng.choice(w.inmates) if rng.random() < 0.8 else rng.choice(w.offenders)
                if p.pid in e.excl:
                    continue
                hn = ("staff_relative_looked_up_by_colleague", "disclosed relative of another employee") if p.rel_of else None
                if p.pid in w.watch_pid and hn is None:
                    hn = ("watchlist_subject_assigned_staff", "sentence computation on a watchlisted person in custody")
                if rng.random() < 0.8:
                    s1 = sub_doc(p, rng)
                    tc = ""
                else:
                    s1 = sub_doc(p, rng)
                    tc = t_case(p.case, rng, 0)[0]
                act = "update" if rng.random() < 0.12 else "query"
                qt = (f"UPDATE sentence SET {rng.choice(['jail_credit_days', 'good_time_days', 'max_release_dt'])}=... WHERE doc_num='{p.pid}'"
                      if act == "update" else f"DOC#={s1['subject_person_id']} SCREEN=SENTENCE")
                out.add(ep, mk(e.login, ctx, "SENTCOMP" if rng.random() < 0.6 else "OMS", action=act, case=tc,
                               purpose="SENTENCE_COMP", sub=s1, rc=1, qt=qt), hn, p)
            if d == adm and first:
                for m in self.times(rng, s + 30, t - 10, 1.2):
                    out.add(self.clock.ep(d, m), mk(e.login, ctx, "SENTCOMP", case="", purpose="SENTENCE_COMP",
                                                    sub={"subject_person_id": sen.pid}, rc=1,
                                                    qt=f"DOC#={sen.pid} SCREEN=SENTENCE"),
                            ("high_profile_inmate_unit_staff", "sentence computation on admission of the news inmate"), sen)
            if rng.random() < 0.5 and w.closed_cases:
                cid = rng.choice(w.closed_cases)
                p = w.case_subj[cid][0]
                s1 = sub_namedob(p, rng, dob_p=1.0)
                out.add(self.clock.ep(d, rng.uniform(s + 30, t - 30)),
                        mk(e.login, ctx, "OMS", case=t_case(cid, rng, 0)[0], purpose="RECORDS_REQUEST", sub=s1, rc=1,
                           qt=f"ARCHIVE case={cid}"),
                        ("records_closed_case_verification", "court/employer records request on a discharged case"), p)

    def g_VS(self, out, e, d, blocks, rng):
        w = self.w
        cases = w.vs_cases.get(e.eid, [])
        if not cases:
            return
        nv, victim, nvd = w.news_victim
        for (s, t, mode, sh) in blocks:
            ctx = self.ctx_for(rng, e.desk)
            self.session_wrap(out, e, e.login, ctx, rng, self.clock.ep(d, s), self.clock.ep(d, t))
            work = [(c, None) for c in cases]
            rate = 6.0
            dk = self.prep.get(d) or self.hearing.get(d)
            if dk:
                work = [(p.case, "parole") for p in dk if p.victims] + work[:10]
                rate = 10.0
            for m in self.times(rng, s + 10, t - 10, rate * e.factor):
                cid, why = rng.choice(work)
                off = w.off_by_case.get(cid) or w.inm_by_case.get(cid)
                if off is None or not off.victims:
                    continue
                v = rng.choice(off.victims)
                if v.pid in e.excl or off.pid in e.excl:
                    continue
                hn = ("victim_services_victim_lookup", "advocate contacting a registered victim" +
                      (" about an upcoming parole hearing" if why else ""))
                tc, blank = t_case(cid, rng, 0.01)
                ep = self.clock.ep(d, m)
                r = rng.random()
                if r < 0.5:
                    s1 = {"subject_name": t_whole(v, rng)}
                    if v.dob and rng.random() < 0.6:
                        s1["subject_dob"] = v.dob.isoformat()
                    out.add(ep, mk(e.login, ctx, "VICTIMREG", case=tc, purpose="VICTIM_NOTIFICATION", sub=s1, rc=1,
                                   qt=f"victim lookup name='{s1['subject_name']}'"), hn, v)
                elif r < 0.7 and (v.phone or v.addr):
                    s1 = {"subject_phone": t_phone(v.phone, rng)} if v.phone else {"subject_address": t_addr(v.addr, rng)}
                    out.add(ep, mk(e.login, ctx, "VICTIMREG", case=tc, purpose="VICTIM_NOTIFICATION", sub=s1, rc=1,
                                   qt="victim contact verify"), hn, v)
                else:
                    s1 = sub_doc(off, rng)
                    out.add(ep, mk(e.login, ctx, "OMS", case=tc, purpose="VICTIM_NOTIFICATION", sub=s1, rc=1,
                                   qt=f"DOC#={s1['subject_person_id']} SCREEN=RELEASE_DATES"),
                            ("victim_services_victim_lookup", "offender release date for victim notification"), off)
            if d in (nvd, nvd + 1) and nv.case in cases:
                for m in self.times(rng, s + 30, t - 10, 2.5):
                    s1 = sub_namedob(victim, rng, dob_p=0.9)
                    out.add(self.clock.ep(d, m), mk(e.login, ctx, "VICTIMREG", case=t_case(nv.case, rng, 0)[0],
                                                    purpose="VICTIM_NOTIFICATION", sub=s1, rc=1,
                                                    qt="victim safety planning"),
                            ("news_case_assigned_staff", "assigned advocate for the victim in the news"), victim)

    def g_FUG(self, out, e, d, blocks, rng):
        w = self.w
        mine = [(p, cid, assoc) for (p, cid, assoc) in w.absconders if cid in e.caseload]
        if not mine:
            mine = w.absconders
        for (s, t, mode, sh) in blocks:
            client = e.laptop if mode == "sweep" else e.desk
            ip = f"172.16.{rng.randrange(64, 128)}.{rng.randrange(2, 254)}" if mode == "sweep" else None
            ctx = self.ctx_for(rng, client, ip)
            self.session_wrap(out, e, e.login, ctx, rng, self.clock.ep(d, s), self.clock.ep(d, t))
            for m in self.times(rng, s + 5, t - 5, 7 * e.factor):
                p, cid, assoc = rng.choice(mine)
                ep = self.clock.ep(d, m)
                tc, blank = t_case(cid, rng, 0.01)
                hn = ("fugitive_wildcard_night", "pre-dawn warrant sweep") if mode == "sweep" else None
                r = rng.random()
                if r < 0.25:
                    ln = p.last
                    stem = ln[:max(3, len(ln) - rng.randrange(1, 4))]
                    wc = stem + rng.choice(["*", "%", "*"])
                    s1 = {"subject_last_name": wc}
                    if rng.random() < 0.6:
                        s1["subject_first_name"] = p.first[0] + rng.choice(["*", ""])
                    out.add(ep, mk(e.login, ctx, "CJIS", case=tc, purpose="FUGITIVE_INVESTIGATION", sub=s1,
                                   rc=rng.randrange(6, 420), qt=f"QH.NAM/{wc},{s1.get('subject_first_name', '')}.WILDCARD"),
                            ("fugitive_wildcard_night", "partial-name wildcard search for an absconder"), p)
                elif r < 0.35 and p.aliases:
                    al = p.aliases[0]
                    s1 = {"subject_last_name": al[0], "subject_first_name": al[1]}
                    out.add(ep, mk(e.login, ctx, "CJIS", case=tc, purpose="FUGITIVE_INVESTIGATION", sub=s1,
                                   rc=rng.randrange(0, 8), qt=qt_cjis(s1, "FUGITIVE")), hn, p)
                elif r < 0.6:
                    s1 = sub_namedob(p, rng, dob_p=0.7)
                    out.add(ep, mk(e.login, ctx, "CJIS", case=tc, purpose="FUGITIVE_INVESTIGATION", sub=s1,
                                   rc=rng.randrange(1, 4), qt=qt_cjis(s1, "FUGITIVE")), hn, p)
                    out.add(ep, mk(e.login, ctx, "DMV", case=tc, purpose="FUGITIVE_INVESTIGATION", sub=dict(s1),
                                   rc=rng.randrange(0, 3), qt="NAME=" + s1["subject_last_name"].upper()), hn, p)
                elif r < 0.8:
                    a = rng.choice(assoc)
                    s1 = sub_namedob(a, rng, dob_p=0.6)
                    out.add(ep, mk(e.login, ctx, "CJIS", case=tc, purpose="FUGITIVE_INVESTIGATION", sub=s1,
                                   rc=rng.randrange(0, 4), qt=qt_cjis(s1, "FUGITIVE")), hn, a)
                    if a.addr and rng.random() < 0.5:
                        sa = {"subject_address": t_addr(a.addr, rng)}
                        out.add(ep + rng.randrange(10, 60), mk(e.login, ctx, "CJIS", case=tc, purpose="FUGITIVE_INVESTIGATION",
                                                               sub=sa, rc=rng.randrange(1, 5),
                                                               qt="QP.ADR/" + sa["subject_address"].upper()), hn, a)
                else:
                    x = rng.choice([p] + assoc)
                    if x.plate:
                        sp = {"subject_plate": t_plate(x.plate, rng)}
                        out.add(ep, mk(e.login, ctx, "DMV", case=tc, purpose="FUGITIVE_INVESTIGATION", sub=sp, rc=1,
                                       qt=f"LIC={sp['subject_plate']}"), hn, x)
                    elif x.addr:
                        sa = {"subject_address": t_addr(x.addr, rng)}
                        out.add(ep, mk(e.login, ctx, "CJIS", case=tc, purpose="FUGITIVE_INVESTIGATION", sub=sa,
                                       rc=rng.randrange(1, 5), qt="QP.ADR/" + sa["subject_address"].upper()), hn, x)

    def g_ICI(self, out, e, d, blocks, rng):
        w = self.w
        ic = [c for c in e.caseload if c.startswith("IC-")]
        for (s, t, mode, sh) in blocks:
            ctx = self.ctx_for(rng, e.desk)
            self.session_wrap(out, e, e.login, ctx, rng, self.clock.ep(d, s), self.clock.ep(d, t))
            for m in self.times(rng, s + 10, t - 10, 6 * e.factor):
                ep = self.clock.ep(d, m)
                if rng.random() < 0.6 or not ic:
                    # a person referred by another state, not yet in any case here
                    p = self._transient(rng)
                    s1 = sub_namedob(p, rng, dob_p=0.95)
                    hn = ("intake_screening_no_case", "pre-case intake screening of an interstate referral")
                    q = qt_cjis(s1, "INTAKE")
                    out.add(ep, mk(e.login, ctx, "CJIS", case="", purpose="INTAKE_SCREENING", sub=s1,
                                   rc=rng.choice([0, 1, 1, 2]), qt=q), hn)
                    out.add(ep, mk(e.login, ctx, "OMS", case="", purpose="INTAKE_SCREENING", sub=dict(s1),
                                   rc=rng.choice([0, 0, 1]), qt=q), hn)
                    if rng.random() < 0.5:
                        out.add(ep, mk(e.login, ctx, "DMV", case="", purpose="INTAKE_SCREENING", sub=dict(s1),
                                       rc=rng.choice([0, 1]), qt=q), hn)
                else:
                    cid = rng.choice(ic)
                    p = w.case_subj[cid][0]
                    tc, blank = t_case(cid, rng, 0.01)
                    s1 = sub_namedob(p, rng) if rng.random() < 0.5 else {"subject_person_id": p.pid}
                    out.add(ep, mk(e.login, ctx, "ICOTS", case=tc, purpose="INTERSTATE_TRANSFER", sub=s1, rc=1,
                                   qt=f"compact case={tc}"),
                            ("sloppy_case_entry", "blank case on compact work") if blank else None, p)

    def _transient(self, rng):
        p = P()
        p.sex = "M" if rng.random() < 0.75 else "F"
        p.last = self.w.surname(rng)
        p.first = rng.choice(NM.MALE if p.sex == "M" else NM.FEMALE)
        p.dob = day_date(0) - timedelta(days=int(rng.uniform(19, 60) * 365.25))
        p.pid = ""
        return p

    def g_PB(self, out, e, d, blocks, rng):
        w = self.w
        dockets = [(hd, dk) for hd, dk in w.hearings if hd - 21 <= d < hd + 3]
        if not dockets:
            for (s, t, mode, sh) in blocks:
                ctx = self.ctx_for(rng, e.desk)
                self.session_wrap(out, e, e.login, ctx, rng, self.clock.ep(d, s), self.clock.ep(d, t))
            return
        hd, dk = dockets[0]
        j = w.byrole["PB"].index(e)
        mine = [p for i, p in enumerate(dk) if i % len(w.byrole["PB"]) == j]
        heavy = d in (hd, hd - 1)
        for (s, t, mode, sh) in blocks:
            ctx = self.ctx_for(rng, e.desk)
            self.session_wrap(out, e, e.login, ctx, rng, self.clock.ep(d, s), self.clock.ep(d, t))
            for m in self.times(rng, s + 10, t - 10, (22 if heavy else 3) * e.factor):
                p = rng.choice(mine)
                if p.pid in e.excl:
                    continue
                hn = ("parole_board_prep", "parole hearing docket preparation") if heavy else None
                tc, blank = t_case(p.case, rng, 0.01)
                s1 = sub_doc(p, rng)
                sysm = rng.choice(["OMS", "OMS", "SENTCOMP", "OMS"])
                out.add(self.clock.ep(d, m), mk(e.login, ctx, sysm, case=tc, purpose="PAROLE_HEARING", sub=s1, rc=1,
                                                qt=f"DOC#={s1['subject_person_id']} SCREEN={rng.choice(['PROGRAMS', 'DISCIPLINE_HISTORY', 'SENTENCE', 'RISK_ASSESSMENT'])}"),
                        hn or (("sloppy_case_entry", "blank case") if blank else None), p)

    def g_INV(self, out, e, d, blocks, rng):
        w = self.w
        ld = self.lockdowns.get(d)
        mine_ia = [x for x in w.ia_cases if x[3] is e]
        mine_int = [x for x in w.intel_cases if x[3] is e]
        for (s, t, mode, sh) in blocks:
            ctx = self.ctx_for(rng, e.desk)
            self.session_wrap(out, e, e.login, ctx, rng, self.clock.ep(d, s), self.clock.ep(d, t))
            for m in self.times(rng, s + 10, t - 10, 4 * e.factor):
                ep = self.clock.ep(d, m)
                if mine_ia and rng.random() < 0.2:
                    cid, st, inm, _ = rng.choice(mine_ia)
                    tc, _ = t_case(cid, rng, 0)
                    if rng.random() < 0.5:
                        x = st.person
                        s1 = sub_namedob(x, rng, dob_p=1.0) if rng.random() < 0.6 else (
                            {"subject_plate": t_plate(x.plate, rng)} if x.plate else {"subject_address": t_addr(x.addr, rng)})
                        out.add(ep, mk(e.login, ctx, "CJIS" if "subject_last_name" in s1 else "DMV", case=tc,
                                       purpose="INVESTIGATION", sub=s1, rc=1, qt="IA inquiry"),
                                ("internal_affairs_staff_subject", f"IA investigation of {st.login}, who is a case subject"), x)
                    else:
                        x = rng.choice(inm)
                        s1 = sub_doc(x, rng)
                        out.add(ep, mk(e.login, ctx, "OMS", case=tc, purpose="INVESTIGATION", sub=s1, rc=1,
                                       qt=f"DOC#={s1['subject_person_id']}"), None, x)
                elif mine_int:
                    cid, fi, mem, _ = rng.choice(mine_int)
                    x = rng.choice(mem)
                    if x.pid in e.excl:
                        continue
                    tc, blank = t_case(cid, rng, 0.01)
                    s1 = sub_doc(x, rng)
                    out.add(ep, mk(e.login, ctx, "OMS", case=tc, purpose="INVESTIGATION", sub=s1, rc=1,
                                   qt=f"DOC#={s1['subject_person_id']} SCREEN=STG_AFFILIATION"),
                            ("sloppy_case_entry", "blank case") if blank else None, x)
            if ld:
                fi = ld[0]
                ic = [x for x in w.intel_cases if x[1] == fi]
                if ic and ic[0][3] is e:
                    cid = ic[0][0]
                    for m in self.times(rng, ld[1] + 60, t + 60, 14):
                        x = self.pick_inmate(rng, fi, ld[2] if rng.random() < 0.7 else None, e, d)
                        if x is None:
                            continue
                        tc, _ = t_case(cid, rng, 0)
                        s1 = sub_doc(x, rng)
                        out.add(self.clock.ep(d, m), mk(e.login, ctx, "OMS", case=tc, purpose="INVESTIGATION", sub=s1, rc=1,
                                                        qt=f"DOC#={s1['subject_person_id']} SCREEN=STG_AFFILIATION"),
                                ("lockdown_spike", "intel investigator working the lockdown"), x)

    def g_IT(self, out, e, d, blocks, rng):
        for (s, t, mode, sh) in blocks:
            ctx = self.ctx_for(rng, e.desk)
            self.session_wrap(out, e, e.login, ctx, rng, self.clock.ep(d, s), self.clock.ep(d, t))
            for m in self.times(rng, s + 10, t - 10, 1.2):
                out.add(self.clock.ep(d, m), mk(e.login, ctx, "OMS", action="update", case="", purpose="SYSTEM_ADMIN",
                                                rc=rng.randrange(1, 30),
                                                qt=f"UPDATE ref_{rng.choice(['housing_units', 'program_codes', 'offense_codes'])} SET ..."))
            if len(e.logins) > 1:
                actx = self.ctx_for(rng, e.desk)
                ms = self.times(rng, s + 30, t - 30, 0.5)
                for m in ms:
                    out.add(self.clock.ep(d, m), mk(e.logins[1], actx, "IAM", action="account_admin", case="",
                                                    purpose="SYSTEM_ADMIN", rc=1,
                                                    qt=f"{rng.choice(['RESET_PASSWORD', 'UNLOCK', 'ADD_ROLE'])} user=***"),
                            ("second_login_same_employee", "IT admin's privileged login"))
            if rng.random() < 0.4:
                ep = self.clock.ep(d, rng.uniform(s + 30, t - 30))
                s1 = {"subject_last_name": "TEST", "subject_first_name": "RECORD", "subject_dob": "1900-01-01"}
                out.add(ep, mk(e.login, ctx, "OMS", case="TEST-0000", purpose="SYSTEM_ADMIN", sub=s1, rc=1,
                               qt="LNAME=TEST;FNAME=RECORD"), ("it_test_record", "IT checking the test record after a release"))

    # .. service accounts .........................................................................
    def g_services(self, out, d):
        w = self.w
        rng = R("svc", self.seed, d)
        wn, gps, rpt = w.svc
        hn = ("service_account_machine_pace", "")
        # nightly warrant check against the whole supervision population
        ctx = ("batch-" + day_date(d).strftime("%Y%m%d"), wn.desk, w.client_ip[wn.desk])
        t0 = self.clock.ep(d, 135 + rng.randrange(0, 4))
        out.add(t0 - 2, mk(wn.login, ctx, "SSO", action="login"), hn)
        k = 0
        for o in w.offenders:
            if o.ppo.status == "terminated":
                continue
            ep = t0 + k // 7
            out.add(ep, mk(wn.login, ctx, "CJIS", case="", purpose="WARRANT_CHECK",
                           sub={"subject_person_id": o.pid, "subject_last_name": o.last, "subject_first_name": o.first,
                                "subject_dob": dob_s(o)},
                           rc=1 if ("absconded" in o.flags or rng.random() < 0.004) else 0,
                           qt=f"QW.NAM/{o.last},{o.first}.DOB/{dob_s(o).replace('-', '')}"),
                    ("service_account_machine_pace", "nightly warrant check"), o)
            k += 1
        out.add(t0 + k // 7 + 3, mk(wn.login, ctx, "SSO", action="logout"), hn)
        # GPS ankle-monitor interface
        gctx = ("gps-if-01", gps.desk, w.client_ip[gps.desk])
        for o in w.offenders:
            if not o.gps:
                continue
            n = int(rng.expovariate(1 / 2.3))
            for _ in range(n):
                ep = self.clock.ep(d, rng.uniform(0, 1440))
                out.add(ep, mk(gps.login, gctx, "GPSMON", case=o.case, purpose="GPS_ALERT",
                               sub={"subject_person_id": o.pid}, rc=1,
                               qt=f"{rng.choice(['ZONE_EXIT', 'STRAP_TAMPER', 'LOW_BATTERY', 'NO_SIGNAL', 'CURFEW'])} device=GPS-{int(o.pid[4:]) % 99991:05d}"),
                        ("service_account_machine_pace", "GPS alert lookup"), o)
                out.add(ep, mk(gps.login, gctx, "OMS", case=o.case, purpose="GPS_ALERT",
                               sub={"subject_person_id": o.pid}, rc=1, qt=f"DOC#={o.pid} SCREEN=SUPERVISION"),
                        ("service_account_machine_pace", "GPS alert lookup"), o)
        # report scheduler: nightly population extract
        rctx = ("rpt-" + day_date(d).strftime("%Y%m%d"), rpt.desk, w.client_ip[rpt.desk])
        out.add(self.clock.ep(d, 310 + rng.randrange(0, 3)),
                mk(rpt.login, rctx, "REPORTS", action="export", case="", purpose="STATISTICAL_REPORT",
                   rc=len(w.inmates) + rng.randrange(-5, 6), qt="EXPORT nightly_population_extract"),
                ("records_bulk_export", "scheduled nightly extract"))

    def tag_popular(self, out, d):
        users = {}
        for r in out.recs:
            ev = r[1]
            if r[3] is not None and ev["system"] == "OMS" and r[3].kind == "inmate" and not ev["user"].startswith("svc_"):
                users.setdefault(r[3].pid, set()).add(ev["user"])
        hot = {pid for pid, u in users.items() if len(u) >= 9}
        for r in out.recs:
            if r[2] is None and r[3] is not None and r[3].pid in hot and r[1]["system"] == "OMS":
                r[2] = ("inmate_many_officers", "inmate looked up by 9+ different officers that day")


# ----------------------------------------------------------------------------------------------
# Misconduct injection (separate RNG streams; only adds events)
# ----------------------------------------------------------------------------------------------
SCENARIOS = [
    # name, base count, nominal detector, nominal kind
    ("self_record_check", 1, "self_query", "name_dob"),
    ("self_plate_check", 1, "self_query", "plate"),
    ("self_person_id", 1, "self_query", "person_id"),
    ("self_address_phone", 1, "self_query", "address"),
    ("self_name_only", 1, "self_query", "name_only"),
    ("coworker_new_colleague", 1, "coworker_lookup", "same_unit"),
    ("coworker_supervisor_grudge", 1, "coworker_lookup", "supervisor"),
    ("coworker_other_unit_interest", 1, "coworker_lookup", "other_unit"),
    ("ex_partner_tracking", 1, "association_lookup", "ex_partner"),
    ("family_inmate_check", 1, "association_lookup", "family"),
    ("relative_on_supervision", 1, "association_lookup", "family"),
    ("neighbor_plate", 1, "association_lookup", "neighbor"),
    ("new_partner_background", 1, "association_lookup", "partner"),
    ("record_altered_for_associate", 1, "association_lookup", "associate"),
    ("protected_party_lookup", 1, "association_lookup", "protected_party"),
    ("burst_scrape_under_case", 1, "odd_volume", "burst"),
    ("daily_volume_spike", 1, "odd_volume", "daily_count"),
    ("night_lookups_day_worker", 1, "odd_volume", "off_hours"),
    ("browsing_many_people", 1, "odd_volume", "distinct_subjects"),
    ("bulk_export_exfiltration", 1, "odd_volume", "export"),
    ("shared_login_two_terminals", 1, "shared_credential", "concurrent_clients"),
    ("shared_login_far_site", 1, "shared_credential", "impossible_travel"),
    ("terminated_account_used", 1, "shared_credential", "inactive_account"),
    ("leave_account_used", 1, "shared_credential", "inactive_account"),
    ("no_case_personal_lookup", 1, "no_case", "missing"),
    ("fabricated_case_number", 1, "no_case", "unknown_case"),
    ("closed_case_reused", 1, "no_case", "closed_case"),
    ("colleague_caseload_snooping", 1, "no_case", "not_assigned"),
    ("own_case_as_cover", 1, "no_case", "subject_not_in_case"),
    ("celebrity_curiosity", 1, "watchlist_lookup", "celebrity"),
    ("official_curiosity", 1, "watchlist_lookup", "official"),
    ("journalist_lookup", 1, "watchlist_lookup", "journalist"),
    ("victim_in_news_surge", 1, "subject_surge", "many_users"),
    ("colleague_in_news_surge", 1, "subject_surge", "many_users"),
]


class Incident:
    def __init__(self, no, scen, det, kind, actor, days, params):
        self.no, self.scen, self.det, self.kind = no, scen, det, kind
        self.actor = actor
        self.days = days
        self.params = params
        self.recs = []       # [ep, ev, subj, case_canon, day]
        self.note = ""
        self.primary_ids = None   # for scenario-level labels: which events


class Injector:
    def __init__(self, w, g, seed):
        self.w, self.g, self.seed = w, g, seed
        self.D = g.D
        self.plan = {}
        self.incidents = []
        self.used = {}
        self.k = 0
        self.make_plan()

    # -- planning ------------------------------------------------------------------------------
    def works(self, e, d):
        return bool(self.g.blocks.get((e.eid, d)))

    def pick_actor(self, rng, pred, need_day=True, days=None):
        cands = [e for e in self.w.emps if e.status == "active" and pred(e)]
        cands.sort(key=lambda e: (self.used.get(e.eid, 0), rng.random()))
        for e in cands:
            dl = [d for d in (days if days is not None else range(self.D)) if 0 <= d < self.D and (not need_day or self.works(e, d))]
            if dl:
                self.used[e.eid] = self.used.get(e.eid, 0) + 1
                return e, rng.choice(dl)
        return None, None

    def make_plan(self):
        w, D = self.w, self.D
        rng = R("inject-plan", self.seed, w.N, D)
        f = (w.N * D / (80.0 * 14.0)) ** 0.6
        for scen, base, det, kind in SCENARIOS:
            n = max(1, int(round(base * f * rng.uniform(0.8, 1.25))))
            if scen in ("leave_account_used", "victim_in_news_surge", "colleague_in_news_surge", "terminated_account_used"):
                n = max(1, int(round(n * 0.5)))
            for j in range(n):
                inc = getattr(self, "plan_" + scen)(rng, j)
                if inc is None:
                    continue
                actor, days, params = inc
                no = len(self.incidents) + 1
                ob = Incident(no, scen, det, kind, actor, days, params)
                self.incidents.append(ob)
                for d in days:
                    self.plan.setdefault(d, []).append(ob)

    def _emp_with(self, rng, rel, roles=None, pred=None):
        c = [(e, p) for e in self.w.emps if e.status == "active" for r, p in e.assoc if r == rel
             and (roles is None or e.role in roles) and (pred is None or pred(e, p))]
        c.sort(key=lambda x: (self.used.get(x[0].eid, 0), rng.random()))
        for e, p in c:
            dl = [d for d in range(self.D) if self.works(e, d)]
            if dl:
                self.used[e.eid] = self.used.get(e.eid, 0) + 1
                return e, p, dl
        return None, None, None

    PEOPLE_ROLES = ("CO", "SGT", "CW", "PPO", "REC", "FUG", "VS", "ICI", "INV", "PPS")

    def plan_self_record_check(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in ("CO", "SGT", "FUG", "PPO"))
        return (e, [d], {}) if e else None

    def plan_self_plate_check(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in self.PEOPLE_ROLES and e.person.plate)
        return (e, [d], {}) if e else None

    def plan_self_person_id(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in self.PEOPLE_ROLES and e.person_id_col)
        return (e, [d], {}) if e else None

    def plan_self_address_phone(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in ("PPO", "REC", "FUG", "CW", "VS"))
        return (e, [d], {}) if e else None

    def plan_self_name_only(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in self.PEOPLE_ROLES and e.person.last not in ("SMITH", "JOHNSON"))
        return (e, [d], {}) if e else None

    def plan_coworker_new_colleague(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in ("CO", "SGT"))
        if not e:
            return None
        mates = [x for x in self.w.emps if x.unit == e.unit and x is not e and x.eid != e.sup and x.status == "active"]
        return (e, [d], {"target": rng.choice(mates)}) if mates else None

    def plan_coworker_supervisor_grudge(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in ("CO", "PPO", "CW") and e.sup in self.w.emp_by_eid)
        if not e:
            return None
        return (e, [d], {"target": self.w.emp_by_eid[e.sup]})

    def plan_coworker_other_unit_interest(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in ("REC", "PPO", "CO", "ICI"))
        if not e:
            return None
        others = [x for x in self.w.emps if x.unit != e.unit and x.eid != e.sup and x.status == "active"
                  and x.person.sex != e.person.sex]
        return (e, [d], {"target": rng.choice(others)}) if others else None

    def plan_ex_partner_tracking(self, rng, j):
        e, p, dl = self._emp_with(rng, "ex_partner", ("PPO", "FUG", "CO", "REC", "CW", "SGT"))
        if not e:
            return None
        d1 = rng.choice(dl)
        later = [d for d in dl if d1 < d <= d1 + 5]
        days = [d1] + ([rng.choice(later)] if later else [])
        return (e, days, {"target": p})

    def plan_family_inmate_check(self, rng, j):
        c = [(e, p) for e, p in self.w.staff_rel_inmates if e.status == "active"]
        rng.shuffle(c)
        for e, p in c:
            dl = [d for d in range(self.D) if self.works(e, d)]
            if dl:
                return (e, [rng.choice(dl)], {"target": p})
        return None

    def plan_relative_on_supervision(self, rng, j):
        c = [(e, p) for e, p, rel in self.w.staff_rel_offenders if rel == "family" and e.status == "active"]
        rng.shuffle(c)
        for e, p in c:
            dl = [d for d in range(self.D) if self.works(e, d)]
            if dl:
                return (e, [rng.choice(dl)], {"target": p})
        return None

    def plan_neighbor_plate(self, rng, j):
        e, p, dl = self._emp_with(rng, "neighbor", self.PEOPLE_ROLES, lambda e, p: bool(p.plate))
        return (e, [rng.choice(dl)], {"target": p}) if e else None

    def plan_new_partner_background(self, rng, j):
        e, p, dl = self._emp_with(rng, "partner", self.PEOPLE_ROLES)
        if not e:
            e, p, dl = self._emp_with(rng, "spouse", self.PEOPLE_ROLES)
        return (e, [rng.choice(dl)], {"target": p}) if e else None

    def plan_record_altered_for_associate(self, rng, j):
        # only roles that can write to the record: supervision records (PPO, records, classification),
        # custody records (records, classification, sergeants)
        c = [(e, p, rel) for e, p, rel in self.w.staff_rel_offenders if e.status == "active"
             and e.role in ("PPO", "REC", "CW")]
        c += [(e, p, "family") for e, p in self.w.staff_rel_inmates if e.status == "active" and e.role in ("REC", "CW", "SGT")]
        c.sort(key=lambda x: (0 if x[2] == "associate" else 1, rng.random()))
        for e, p, rel in c:
            dl = [d for d in range(self.D) if self.works(e, d)]
            if dl:
                return (e, [rng.choice(dl)], {"target": p, "rel": rel})
        return None

    def plan_protected_party_lookup(self, rng, j):
        e, p, dl = self._emp_with(rng, "protected_party")
        return (e, [rng.choice(dl)], {"target": p}) if e else None

    def plan_burst_scrape_under_case(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in ("PPO", "FUG") and e.caseload)
        return (e, [d], {}) if e else None

    def plan_daily_volume_spike(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in ("ICI", "VS", "PB", "INV"))
        return (e, [d], {}) if e else None

    def plan_night_lookups_day_worker(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in ("PPO", "REC", "CW", "VS", "ICI") and (e.laptop or e.desk))
        if not e:
            return None
        return (e, [min(d + 1, self.D - 1)], {})

    def plan_browsing_many_people(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in ("IT", "PB", "VS"))
        return (e, [d], {}) if e else None

    def plan_bulk_export_exfiltration(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in ("PPO", "CW", "VS", "ICI"))
        return (e, [d], {}) if e else None

    def plan_shared_login_two_terminals(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in ("CO", "SGT") and e.post != "LBY")
        return (e, [d], {}) if e else None

    def plan_shared_login_far_site(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in ("CO", "SGT", "PPO", "CW"))
        return (e, [d], {}) if e else None

    def plan_terminated_account_used(self, rng, j):
        c = [e for e in self.w.term_emps]
        if not c:
            return None
        e = c[j % len(c)]
        dl = [d for d in range(self.D) if d >= (e.end_day or 0) + 1]
        if not dl:
            return None
        return (e, [rng.choice(dl)], {})

    def plan_leave_account_used(self, rng, j):
        c = [e for e in self.w.leave_emps]
        if not c:
            return None
        e = c[j % len(c)]
        return (e, [rng.randrange(self.D)], {})

    def plan_no_case_personal_lookup(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in ("PPO", "FUG"))
        return (e, [d], {}) if e else None

    def plan_fabricated_case_number(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in ("PPO", "FUG", "INV", "CW"))
        return (e, [d], {}) if e else None

    def plan_closed_case_reused(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in ("PPO", "CW", "VS", "PPS"))
        return (e, [d], {}) if e else None

    def plan_colleague_caseload_snooping(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role == "PPO")
        return (e, [d], {}) if e else None

    def plan_own_case_as_cover(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in ("CW", "PPO") and e.caseload)
        return (e, [d], {}) if e else None

    def plan_celebrity_curiosity(self, rng, j):
        ath, ppo = self.w.athlete
        e, d = self.pick_actor(rng, lambda e: e.role in ("CO", "REC", "ICI", "CW") and e is not ppo)
        return (e, [d], {}) if e else None

    def plan_official_curiosity(self, rng, j):
        sen, adm = self.w.news_inmate
        e, d = self.pick_actor(rng, lambda e: e.role in ("VS", "ICI", "PPO", "CO") and not (e.fac == sen.fac and e.role == "CO"),
                               days=range(adm, self.D))
        return (e, [d], {}) if e else None

    def plan_journalist_lookup(self, rng, j):
        e, d = self.pick_actor(rng, lambda e: e.role in ("SGT", "CO", "INV"))
        return (e, [d], {}) if e else None

    def plan_victim_in_news_surge(self, rng, j):
        o, v, nvd = self.w.news_victim
        return (None, [nvd], {"target": v, "offender": o})

    def plan_colleague_in_news_surge(self, rng, j):
        w = self.w
        cands = [e for e in w.emps if e.status == "active" and e.role in ("CO", "SGT", "PPO")]
        x = rng.choice(cands)
        d = min(self.D - 1, rng.choice([0, 7, 14, 21]) if self.D > 21 else (7 if self.D > 8 else self.D - 1))
        return (None, [d], {"target": x})

    # -- execution helpers ---------------------------------------------------------------------
    def day_index(self, recs):
        idx = {}
        for r in recs:
            ev = r[1]
            if ev["action"] in ("query", "update") and ev["system"] != "SSO":
                idx.setdefault(ev["user"], []).append((r[0], (ev["session"], ev["client"], ev["ip"])))
        for v in idx.values():
            v.sort(key=lambda x: x[0])
        return idx

    def slot(self, inc, login, rng, late=False):
        lst = self.idx.get(login)
        if not lst:
            return None, None
        i = rng.randrange(len(lst) // 2 if late else 0, len(lst))
        return lst[i][0] + rng.randrange(4, 50), lst[i][1]

    def add(self, inc, d, ep, ev, subj=None, case=None):
        inc.recs.append([max(ep, self.g.clock.midnight(d)), ev, subj, case, d])

    def rand_civilians(self, rng, n, exclude):
        w = self.w
        if not hasattr(self, "_civ"):
            self._civ = [p for p in w.persons.values() if p.kind in ("victim", "visitor", "household", "civ")
                         and "watch" not in p.flags and p.rel_of is None]
            self._civ.sort(key=lambda p: p.pid)
        out, seen = [], set()
        while len(out) < n:
            p = self._civ[rng.randrange(len(self._civ))]
            if p.pid in seen or p.pid in exclude:
                continue
            seen.add(p.pid)
            out.append(p)
        return out

    def lookup_person(self, inc, d, login, ctx, ep, rng, p, purpose, case_typed, case_canon, modes=("namedob",),
                      system="CJIS", fan=True):
        """One human lookup of person p; returns next ep."""
        for mode in modes:
            if mode == "namedob":
                s1 = sub_namedob(p, rng, dob_p=0.8)
                self.add(inc, d, ep, mk(login, ctx, system, case=case_typed, purpose=purpose, sub=s1,
                                        rc=rng.choice([1, 1, 2]), qt=qt_cjis(s1, purpose)), p, case_canon)
                if fan and rng.random() < 0.5:
                    self.add(inc, d, ep, mk(login, ctx, "DMV", case=case_typed, purpose=purpose, sub=dict(s1),
                                            rc=rng.choice([0, 1, 1]), qt="NAME=" + s1["subject_last_name"].upper()), p, case_canon)
            elif mode == "plate" and p.plate:
                sp = {"subject_plate": t_plate(p.plate, rng)}
                self.add(inc, d, ep, mk(login, ctx, "DMV", case=case_typed, purpose=purpose, sub=sp, rc=1,
                                        qt=f"LIC={sp['subject_plate']}"), p, case_canon)
            elif mode == "address" and p.addr:
                sa = {"subject_address": t_addr(p.addr, rng)}
                self.add(inc, d, ep, mk(login, ctx, "CJIS", case=case_typed, purpose=purpose, sub=sa,
                                        rc=rng.randrange(1, 5), qt="QP.ADR/" + sa["subject_address"].upper()), p, case_canon)
            elif mode == "phone" and p.phone:
                sp = {"subject_phone": t_phone(p.phone, rng)}
                self.add(inc, d, ep, mk(login, ctx, "CJIS", case=case_typed, purpose=purpose, sub=sp, rc=1,
                                        qt="QP.PHN/" + sp["subject_phone"]), p, case_canon)
            elif mode == "pid":
                s1 = {"subject_person_id": p.pid if not p.pid.startswith("DOC") else t_doc(p.pid, rng)}
                self.add(inc, d, ep, mk(login, ctx, "OMS", case=case_typed, purpose=purpose, sub=s1, rc=1,
                                        qt=f"ID={s1['subject_person_id']}"), p, case_canon)
            elif mode == "whole":
                s1 = {"subject_name": t_whole(p, rng)}
                self.add(inc, d, ep, mk(login, ctx, system, case=case_typed, purpose=purpose, sub=s1,
                                        rc=rng.randrange(1, 4), qt=f"name='{s1['subject_name']}'"), p, case_canon)
            ep += rng.randrange(15, 150)
        return ep

    def role_purpose(self, e, rng):
        """A purpose the actor would plausibly pick to blend in, and the case typed with it."""
        w = self.w
        if e.role in ("CO", "SGT"):
            return rng.choice(["MOVEMENT", "VISITOR_SCREENING", "INMATE_COUNT", "HOUSING"]), "", None
        if e.role == "REC":
            return "SENTENCE_COMP", "", None
        if e.role == "ICI":
            return "INTAKE_SCREENING", "", None
        if e.role == "IT":
            return "SYSTEM_ADMIN", "", None
        if e.caseload:
            cid = rng.choice(e.caseload)
            tc, _ = t_case(cid, rng, 0)
            pur = {"PPO": "HOME_VISIT", "FUG": "FUGITIVE_INVESTIGATION", "CW": "CASE_MANAGEMENT",
                   "INV": "INVESTIGATION", "PPS": "SUPERVISOR_REVIEW"}.get(e.role, "CASE_MANAGEMENT")
            return pur, tc, cid
        if e.role == "VS" and w.vs_cases.get(e.eid):
            cid = rng.choice(w.vs_cases[e.eid])
            return "VICTIM_NOTIFICATION", t_case(cid, rng, 0)[0], cid
        if e.role == "PPS":
            return "SUPERVISOR_REVIEW", "", None
        return "CASE_MANAGEMENT", "", None

    # -- execution ---------------------------------------------------------------------------
    def run_day(self, d, legit_recs):
        todo = self.plan.get(d, [])
        if not todo:
            return []
        self.idx = self.day_index(legit_recs)
        out = []
        for inc in todo:
            rng = R("inject", self.seed, inc.no, d)
            n0 = len(inc.recs)
            getattr(self, "x_" + inc.scen)(inc, d, rng)
            out.extend(inc.recs[n0:])
        return out

    # self ....................................................................................
    def x_self_record_check(self, inc, d, rng):
        e = inc.actor
        ep, ctx = self.slot(inc, e.login, rng, late=True)
        if ep is None:
            return
        pur, tc, cid = self.role_purpose(e, rng)
        ep = self.lookup_person(inc, d, e.login, ctx, ep, rng, e.person, pur, tc, cid, ("namedob",))
        if rng.random() < 0.5:
            self.lookup_person(inc, d, e.login, ctx, ep, rng, e.person, pur, tc, cid, ("namedob",), fan=False)
        inc.note = "officer runs his/her own criminal history (name + DOB) between routine lookups"

    def x_self_plate_check(self, inc, d, rng):
        e = inc.actor
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        pur, tc, cid = self.role_purpose(e, rng)
        self.lookup_person(inc, d, e.login, ctx, ep, rng, e.person, pur, tc, cid, ("plate",))
        inc.note = "own vehicle plate run through DMV (checking a ticket / registration hold)"

    def x_self_person_id(self, inc, d, rng):
        e = inc.actor
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        pur, tc, cid = self.role_purpose(e, rng)
        s1 = {"subject_person_id": e.person.pid}
        self.add(inc, d, ep, mk(e.login, ctx, "CJIS", case=tc, purpose=pur, sub=s1, rc=1, qt=f"QH.SID/{e.person.pid}"),
                 e.person, cid)
        if rng.random() < 0.6:
            self.add(inc, d, ep + rng.randrange(20, 90), mk(e.login, ctx, "DMV", case=tc, purpose=pur, sub=dict(s1), rc=1,
                                                            qt=f"ID={e.person.pid}"), e.person, cid)
        inc.note = "own state person record opened by its id"

    def x_self_address_phone(self, inc, d, rng):
        e = inc.actor
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        pur, tc, cid = self.role_purpose(e, rng)
        self.lookup_person(inc, d, e.login, ctx, ep, rng, e.person, pur, tc, cid, ("address", "phone"))
        inc.note = "who else is registered at my address / on my phone number (landlord dispute)"

    def x_self_name_only(self, inc, d, rng):
        e = inc.actor
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        pur, tc, cid = self.role_purpose(e, rng)
        p = e.person
        s1 = {"subject_last_name": casing(p.last, rng), "subject_first_name": casing(p.first, rng)}
        self.add(inc, d, ep, mk(e.login, ctx, "CJIS", case=tc, purpose=pur, sub=s1, rc=rng.randrange(1, 6),
                                qt=qt_cjis(s1, pur)), p, cid)
        inc.note = "own name searched without DOB"

    # coworkers ...............................................................................
    def _cowork(self, inc, d, rng, modes, note):
        e = inc.actor
        x = inc.params["target"]
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        pur, tc, cid = self.role_purpose(e, rng)
        self.lookup_person(inc, d, e.login, ctx, ep, rng, x.person, pur, tc, cid, modes)
        inc.note = note.format(t=x.login)

    def x_coworker_new_colleague(self, inc, d, rng):
        self._cowork(inc, d, rng, ("namedob",) + (("plate",) if rng.random() < 0.5 else ()),
                     "officer runs a unit colleague ({t}) through CJIS/DMV")

    def x_coworker_supervisor_grudge(self, inc, d, rng):
        self._cowork(inc, d, rng, ("namedob", "address") if rng.random() < 0.5 else ("plate", "address"),
                     "employee looks up own supervisor ({t}) after a disciplinary write-up")

    def x_coworker_other_unit_interest(self, inc, d, rng):
        self._cowork(inc, d, rng, ("namedob", "address"), "personal interest in an employee of another unit ({t})")

    # associations ...........................................................................
    def x_ex_partner_tracking(self, inc, d, rng):
        e = inc.actor
        p = inc.params["target"]
        first = d == inc.days[0]
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        pur, tc, cid = self.role_purpose(e, rng)
        modes = ("namedob", "address") if first else ("plate", "address", "namedob")
        self.lookup_person(inc, d, e.login, ctx, ep, rng, p, pur, tc, cid, modes)
        inc.note = "repeated lookups of an ex-partner (new address, vehicle), under routine purpose/case cover"

    def x_family_inmate_check(self, inc, d, rng):
        e = inc.actor
        p = inc.params["target"]
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        pur = "MOVEMENT" if e.role in ("CO", "SGT") else ("SENTENCE_COMP" if e.role == "REC" else "HOUSING")
        for k in range(rng.randrange(2, 5)):
            s1 = sub_doc(p, rng) if rng.random() < 0.6 else sub_namedob(p, rng, dob_p=0.5)
            self.add(inc, d, ep, mk(e.login, ctx, "OMS", case="", purpose=pur, sub=s1, rc=1,
                                    qt=f"DOC#={s1.get('subject_person_id', '')} SCREEN={rng.choice(['DISCIPLINE_HISTORY', 'HOUSING', 'SEPARATIONS', 'VISITORS'])}"),
                     p, None)
            ep += rng.randrange(20, 120)
        inc.note = f"disclosed relative in custody at {self.w.facs[p.fac][0]} looked up (discipline, housing, visitors)"

    def x_relative_on_supervision(self, inc, d, rng):
        e = inc.actor
        p = inc.params["target"]
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        pur, tc, cid = self.role_purpose(e, rng)
        self.lookup_person(inc, d, e.login, ctx, ep, rng, p, pur, tc, cid, ("pid", "namedob"))
        inc.note = "relative on supervision looked up (conditions, violations)"

    def x_neighbor_plate(self, inc, d, rng):
        e = inc.actor
        p = inc.params["target"]
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        pur, tc, cid = self.role_purpose(e, rng)
        self.lookup_person(inc, d, e.login, ctx, ep, rng, p, pur, tc, cid,
                           ("plate",) + (("plate",) if rng.random() < 0.3 else ()))
        inc.note = "neighbour's car run through DMV (parking dispute)"

    def x_new_partner_background(self, inc, d, rng):
        e = inc.actor
        p = inc.params["target"]
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        pur, tc, cid = self.role_purpose(e, rng)
        self.lookup_person(inc, d, e.login, ctx, ep, rng, p, pur, tc, cid, ("namedob", "namedob"))
        inc.note = "partner's criminal history checked"

    def x_record_altered_for_associate(self, inc, d, rng):
        e = inc.actor
        p = inc.params["target"]
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        if p.kind == "inmate":
            pur = "SENTENCE_COMP" if e.role == "REC" else ("CLASSIFICATION" if e.role == "CW" else "DISCIPLINE")
            tc, cid = ("", None) if pur in EXEMPT else (t_case(p.case, rng, 0)[0], p.case)
            s1 = sub_doc(p, rng)
            self.add(inc, d, ep, mk(e.login, ctx, "OMS", case=tc, purpose=pur, sub=s1, rc=1,
                                    qt=f"DOC#={s1['subject_person_id']} SCREEN=SENTENCE"), p, cid)
            fld = rng.choice(["good_time_days=good_time_days+30", "disc_points=0", "custody_level='MINIMUM'"])
            self.add(inc, d, ep + rng.randrange(40, 200), mk(e.login, ctx, "SENTCOMP" if e.role == "REC" else "OMS",
                                                             action="update", case=tc, purpose=pur,
                                                             sub={"subject_person_id": p.pid}, rc=1,
                                                             qt=f"UPDATE inmate SET {fld} WHERE doc_num='{p.pid}'"), p, cid)
        else:
            pur, tc, cid = self.role_purpose(e, rng)
            if e.role == "PPO" or e.role == "REC":
                pur = "SUPERVISION" if e.role == "PPO" else "SENTENCE_COMP"
            s1 = sub_doc(p, rng)
            self.add(inc, d, ep, mk(e.login, ctx, "CASEMGMT", case=tc, purpose=pur, sub=s1, rc=1,
                                    qt=f"open doc={s1['subject_person_id']}"), p, cid)
            fld = rng.choice(["reporting_level='ADMIN'", "violation_status='WITHDRAWN'", "curfew=NULL",
                              "next_ua_date=NULL"])
            self.add(inc, d, ep + rng.randrange(40, 200), mk(e.login, ctx, "CASEMGMT", action="update", case=tc,
                                                             purpose=pur, sub={"subject_person_id": p.pid}, rc=1,
                                                             qt=f"UPDATE supervision SET {fld} WHERE doc_num='{p.pid}'"),
                     p, cid)
        inc.note = f"record of a disclosed {inc.params['rel']} altered by the employee"

    def x_protected_party_lookup(self, inc, d, rng):
        e = inc.actor
        p = inc.params["target"]
        ep, ctx = self.slot(inc, e.login, rng, late=True)
        if ep is None:
            return
        pur, tc, cid = self.role_purpose(e, rng)
        self.lookup_person(inc, d, e.login, ctx, ep, rng, p, pur, tc, cid, ("namedob", "address", "plate"))
        inc.note = "restrained party under a protective order looks up the protected person's address and car"

    # volume ..................................................................................
    def x_burst_scrape_under_case(self, inc, d, rng):
        e = inc.actor
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        cid = rng.choice(e.caseload)
        tc = cid if rng.random() < 0.6 else t_case(cid, rng, 0)[0]
        pur = "HOME_VISIT" if e.role == "PPO" else "FUGITIVE_INVESTIGATION"
        n = rng.randrange(110, 190)
        people = self.rand_civilians(rng, n, e.excl | {p.pid for p in self.w.case_subj[cid]})
        for p in people:
            s1 = sub_namedob(p, rng, dob_p=0.9)
            self.add(inc, d, ep, mk(e.login, ctx, "CJIS", case=tc, purpose=pur, sub=s1, rc=rng.choice([0, 1, 1, 1, 2]),
                                    qt=qt_cjis(s1, pur)), p, cid)
            ep += rng.randrange(1, 5)
        inc.note = f"{n} name+DOB lookups in a few minutes under a real case id ({cid}); list scraped for a third party"

    def x_daily_volume_spike(self, inc, d, rng):
        e = inc.actor
        lst = self.idx.get(e.login)
        if not lst:
            return
        usual = max(20, len(lst))
        n = int(usual * rng.uniform(5.0, 8.0))
        pur, tc, cid = self.role_purpose(e, rng)
        if e.role == "ICI":
            pur, tc, cid = "INTAKE_SCREENING", "", None
        t0, t1 = lst[0][0], lst[-1][0]
        people = self.rand_civilians(rng, n // 2 + 5, e.excl)
        k = 0
        while k < n:
            ep = int(rng.uniform(t0, t1))
            ctx = lst[bisect.bisect_left(lst, (ep,)) - 1 if bisect.bisect_left(lst, (ep,)) > 0 else 0][1]
            p = people[rng.randrange(len(people))]
            s1 = sub_namedob(p, rng, dob_p=0.85)
            self.add(inc, d, ep, mk(e.login, ctx, "CJIS", case=tc, purpose=pur, sub=s1, rc=rng.choice([0, 1, 1]),
                                    qt=qt_cjis(s1, pur)), p, cid)
            k += 1
            if rng.random() < 0.5:
                self.add(inc, d, ep, mk(e.login, ctx, "DMV", case=tc, purpose=pur, sub=dict(s1), rc=rng.choice([0, 1]),
                                        qt="NAME=" + s1["subject_last_name"].upper()), p, cid)
                k += 1
        inc.note = f"about {n} extra lookups in one working day (usual ~{usual})"

    def x_night_lookups_day_worker(self, inc, d, rng):
        e = inc.actor
        client = e.laptop or e.desk
        ip = f"172.16.{rng.randrange(0, 128)}.{rng.randrange(2, 254)}"
        ctx = ("%08x%04x" % (rng.getrandbits(32), rng.getrandbits(16)), client, ip)
        ep = self.g.clock.ep(d, rng.uniform(25, 200))
        self.add(inc, d, ep - rng.randrange(5, 30), mk(e.login, ctx, "SSO", action="login"), None, None)
        n = rng.randrange(10, 26)
        people = self.rand_civilians(rng, n, e.excl)
        for p in people:
            pur, tc, cid = self.role_purpose(e, rng)
            ep = self.lookup_person(inc, d, e.login, ctx, ep, rng, p, pur, tc, cid,
                                    rng.choice([("namedob",), ("namedob", "address"), ("plate",), ("address",)]))
            ep += rng.randrange(20, 240)
        self.add(inc, d, ep + 30, mk(e.login, ctx, "SSO", action="logout"), None, None)
        inc.note = f"{n} people looked up from home over VPN between 00:30 and 04:00 by a day-shift employee"

    def x_browsing_many_people(self, inc, d, rng):
        e = inc.actor
        lst = self.idx.get(e.login)
        if not lst:
            return
        n = rng.randrange(70, 111)
        pur, tc, cid = self.role_purpose(e, rng)
        people = self.rand_civilians(rng, n, e.excl)
        t0, t1 = lst[0][0], lst[-1][0] + 1800
        for p in people:
            ep = int(rng.uniform(t0, t1))
            ctx = lst[max(0, bisect.bisect_left(lst, (ep,)) - 1)][1]
            s1 = sub_namedob(p, rng, dob_p=0.7) if rng.random() < 0.7 else {"subject_name": t_whole(p, rng)}
            self.add(inc, d, ep, mk(e.login, ctx, "CJIS", case=tc, purpose=pur, sub=s1, rc=rng.choice([0, 1, 1, 2]),
                                    qt=qt_cjis(s1, pur) if "subject_last_name" in s1 else f"name='{s1['subject_name']}'"),
                     p, cid)
        inc.note = f"{n} distinct unrelated people browsed across the day"

    def x_bulk_export_exfiltration(self, inc, d, rng):
        e = inc.actor
        ep, ctx = self.slot(inc, e.login, rng, late=True)
        if ep is None:
            return
        w = self.w
        tot = len(w.offenders) if e.role in ("PPO", "VS") else len(w.inmates)
        what = ("supervision_population_with_addresses" if e.role in ("PPO", "VS") else
                "inmates_with_visitors_and_addresses")
        self.add(inc, d, ep, mk(e.login, ctx, "REPORTS", action="export", case="", purpose="CASELOAD_REVIEW",
                                rc=tot + rng.randrange(0, 30), qt=f"EXPORT {what} scope=STATEWIDE format=csv"), None, None)
        if rng.random() < 0.6:
            self.add(inc, d, ep + rng.randrange(60, 400), mk(e.login, ctx, "REPORTS", action="export", case="",
                                                             purpose="CASELOAD_REVIEW",
                                                             rc=int(tot * rng.uniform(0.3, 0.6)),
                                                             qt=f"EXPORT victims_contact_list scope=STATEWIDE format=csv"),
                     None, None)
        inc.note = "statewide export with addresses, far beyond the employee's normal exports"

    # credentials .............................................................................
    def x_shared_login_two_terminals(self, inc, d, rng):
        e = inc.actor
        lst = self.idx.get(e.login)
        if not lst or len(lst) < 8:
            return
        w = self.w
        i = rng.randrange(2, len(lst) - 5)
        t0 = lst[i][0]
        own_client = lst[i][1][1]
        fcode = w.facs[e.fac][0]
        cl = [c for c, s, la, lo in w.clients if s == fcode and c != own_client and "-CLS-" not in c]
        client = rng.choice(cl)
        ctx = ("%08x%04x" % (rng.getrandbits(32), rng.getrandbits(16)), client, w.client_ip[client])
        self.add(inc, d, t0 + 20, mk(e.login, ctx, "SSO", action="login"), None, None)
        ep = t0 + rng.randrange(40, 120)
        for k in range(rng.randrange(8, 16)):
            p = self.g.pick_inmate(rng, e.fac, None, e, d)
            if p is None:
                continue
            s1 = sub_doc(p, rng)
            self.add(inc, d, ep, mk(e.login, ctx, "OMS", case="", purpose=rng.choice(["MOVEMENT", "VISIT", "PROPERTY"]),
                                    sub=s1, rc=1, qt=f"DOC#={s1['subject_person_id']}"), p, None)
            ep += rng.randrange(60, 300)
        inc.note = f"{e.login}'s password used on {client} while he/she was working at {own_client}"

    def x_shared_login_far_site(self, inc, d, rng):
        e = inc.actor
        lst = self.idx.get(e.login)
        if not lst or len(lst) < 4:
            return
        w = self.w
        i = rng.randrange(1, len(lst) - 2)
        t0, ctx0 = lst[i]
        own_site = {c: s for c, s, la, lo in w.clients}[ctx0[1]]
        far = [c for c, s, la, lo in w.clients if s != own_site and s not in ("HQ-DC",) and
               _km(w, s, own_site) > 150 and not c.startswith("LT-")]
        if not far:
            return
        client = rng.choice(far)
        ctx = ("%08x%04x" % (rng.getrandbits(32), rng.getrandbits(16)), client, w.client_ip[client])
        ep = t0 + rng.randrange(300, 1500)
        self.add(inc, d, ep - 15, mk(e.login, ctx, "SSO", action="login"), None, None)
        for k in range(rng.randrange(3, 7)):
            p = rng.choice(self.rand_civilians(rng, 3, e.excl))
            s1 = sub_namedob(p, rng)
            self.add(inc, d, ep, mk(e.login, ctx, "CJIS", case="", purpose="VISITOR_SCREENING", sub=s1, rc=1,
                                    qt=qt_cjis(s1, "VISITOR_SCREENING")), p, None)
            ep += rng.randrange(30, 200)
        inc.note = f"login used at {client} minutes after activity at {ctx0[1]} (> 150 km apart)"

    def _dormant(self, inc, d, rng, note):
        e = inc.actor
        w = self.w
        if e.role in ("CO", "SGT", "CW"):
            fcode = w.facs[e.fac][0]
            cl = [c for c, s, la, lo in w.clients if s == fcode and ("-LBY-" in c or "-HU" in c or "-CTL-" in c)]
            client = rng.choice(cl)
        else:
            client = e.desk or e.laptop
        ctx = ("%08x%04x" % (rng.getrandbits(32), rng.getrandbits(16)), client, w.client_ip[client])
        ep = self.g.clock.ep(d, rng.uniform(540, 1260))
        self.add(inc, d, ep - 20, mk(e.login, ctx, "SSO", action="login"), None, None)
        for k in range(rng.randrange(4, 11)):
            if e.fac is not None and rng.random() < 0.6:
                p = self.g.pick_inmate(rng, e.fac, None, e, d)
                if p is None:
                    continue
                s1 = sub_doc(p, rng)
                self.add(inc, d, ep, mk(e.login, ctx, "OMS", case="", purpose=rng.choice(["MOVEMENT", "VISIT"]),
                                        sub=s1, rc=1, qt=f"DOC#={s1['subject_person_id']}"), p, None)
            else:
                p = self.rand_civilians(rng, 1, e.excl)[0]
                s1 = sub_namedob(p, rng)
                self.add(inc, d, ep, mk(e.login, ctx, "CJIS", case="", purpose="VISITOR_SCREENING", sub=s1, rc=1,
                                        qt=qt_cjis(s1, "VISITOR_SCREENING")), p, None)
            ep += rng.randrange(40, 400)
        inc.note = note

    def x_terminated_account_used(self, inc, d, rng):
        e = inc.actor
        self._dormant(inc, d, rng, f"account of an employee terminated on {e.end} still works and is used")

    def x_leave_account_used(self, inc, d, rng):
        self._dormant(inc, d, rng, "account of an employee on long-term leave used by someone else")

    # case discipline ........................................................................
    def x_no_case_personal_lookup(self, inc, d, rng):
        e = inc.actor
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        p = self.rand_civilians(rng, 1, e.excl)[0]
        pur = "HOME_VISIT" if e.role == "PPO" else "FUGITIVE_INVESTIGATION"
        tc = rng.choice(["", "", "N/A", "na"])
        self.lookup_person(inc, d, e.login, ctx, ep, rng, p, pur, tc, None,
                           ("namedob",) + (("address",) if rng.random() < 0.6 else ()))
        inc.note = "person with no connection to any case looked up, case number left blank"

    def x_fabricated_case_number(self, inc, d, rng):
        e = inc.actor
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        w = self.w
        pre = {"PPO": "PP", "FUG": "WR", "INV": "IA", "CW": "IN"}[e.role]
        while True:
            cid = f"{pre}-{rng.choice([2024, 2025])}-{rng.randrange(1, 999999):06d}"
            if cid not in w.cases:
                break
        tc = cid if rng.random() < 0.5 else t_case(cid, rng, 0)[0]
        if tc.isdigit() and tc.lstrip("0") and any(c.endswith("-%06d" % int(tc)) for c in w.cases):
            tc = cid
        pur = {"PPO": "SUPERVISION", "FUG": "FUGITIVE_INVESTIGATION", "INV": "INVESTIGATION", "CW": "CASE_MANAGEMENT"}[e.role]
        p = self.rand_civilians(rng, 1, e.excl)[0]
        self.lookup_person(inc, d, e.login, ctx, ep, rng, p, pur, tc, "__unknown__", ("namedob", "address"))
        inc.note = f"case number {cid} does not exist"

    def x_closed_case_reused(self, inc, d, rng):
        e = inc.actor
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        w = self.w
        cid = rng.choice(w.closed_cases)
        p = w.case_subj[cid][0]
        tc = t_case(cid, rng, 0)[0]
        pur = {"PPO": "SUPERVISION", "CW": "CASE_MANAGEMENT", "VS": "VICTIM_NOTIFICATION", "PPS": "SUPERVISOR_REVIEW"}[e.role]
        self.lookup_person(inc, d, e.login, ctx, ep, rng, p, pur, tc, cid, ("namedob", "address"))
        inc.note = f"discharged person looked up under the old closed case {cid}"

    def x_colleague_caseload_snooping(self, inc, d, rng):
        e = inc.actor
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        w = self.w
        others = [o for o in w.byrole["PPO"] if o is not e and o.caseload and o.status == "active"]
        if not others:
            return
        other = rng.choice(others)
        cid = rng.choice([c for c in other.caseload if c in w.off_by_case and not w.assigned(c, e, d)] or other.caseload)
        o = w.off_by_case[cid]
        if o.pid in e.excl or w.assigned(cid, e, d):
            return
        tc = t_case(cid, rng, 0)[0]
        self.lookup_person(inc, d, e.login, ctx, ep, rng, o, "SUPERVISION", tc, cid, ("pid", "namedob", "address"))
        inc.note = f"offender on {other.login}'s caseload looked up with that case number (personal interest)"

    def x_own_case_as_cover(self, inc, d, rng):
        e = inc.actor
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        cid = rng.choice(e.caseload)
        p = self.rand_civilians(rng, 1, e.excl | {x.pid for x in self.w.case_subj[cid]})[0]
        tc = t_case(cid, rng, 0)[0]
        pur = "CASE_MANAGEMENT" if e.role == "CW" else "SUPERVISION"
        self.lookup_person(inc, d, e.login, ctx, ep, rng, p, pur, tc, cid, ("namedob", "address", "phone"))
        inc.note = f"unrelated person looked up under the employee's own real case {cid}"

    # watchlist ...............................................................................
    def x_celebrity_curiosity(self, inc, d, rng):
        e = inc.actor
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        cel = [p for p, c in self.w.watch if c == "celebrity"]
        p = rng.choice(cel)
        pur, tc, cid = self.role_purpose(e, rng)
        self.lookup_person(inc, d, e.login, ctx, ep, rng, p, pur, tc, cid,
                           ("namedob",) if rng.random() < 0.5 else ("whole", "namedob"))
        inc.note = f"curiosity about {p.first} {p.last} (celebrity) by staff with no role in the case"

    def x_official_curiosity(self, inc, d, rng):
        e = inc.actor
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        sen = self.w.news_inmate[0]
        offs = [p for p, c in self.w.watch if c == "official"]
        p = sen if rng.random() < 0.6 else rng.choice(offs)
        pur, tc, cid = self.role_purpose(e, rng)
        if p is sen:
            for k in range(rng.randrange(1, 4)):
                s1 = sub_doc(p, rng) if rng.random() < 0.5 else sub_namedob(p, rng, dob_p=0.2)
                self.add(inc, d, ep, mk(e.login, ctx, "OMS", case=tc, purpose=pur, sub=s1, rc=1,
                                        qt=f"DOC#={s1.get('subject_person_id', '')} SCREEN={rng.choice(['PHOTO', 'VISITORS', 'SENTENCE_SUMMARY'])}"),
                         p, cid)
                ep += rng.randrange(20, 120)
        else:
            self.lookup_person(inc, d, e.login, ctx, ep, rng, p, pur, tc, cid, ("namedob", "address"))
        inc.note = f"{p.first} {p.last} (official) looked up out of curiosity"

    def x_journalist_lookup(self, inc, d, rng):
        e = inc.actor
        ep, ctx = self.slot(inc, e.login, rng)
        if ep is None:
            return
        jl = [p for p, c in self.w.watch if c == "journalist"]
        p = rng.choice(jl)
        pur, tc, cid = self.role_purpose(e, rng)
        self.lookup_person(inc, d, e.login, ctx, ep, rng, p, pur, tc, cid, ("namedob", "address", "plate"))
        inc.note = f"reporter {p.first} {p.last} looked up (address, vehicle) after a critical story"

    # surges .................................................................................
    def _surge(self, inc, d, rng, p, exclude, note):
        w = self.w
        news = self.g.clock.ep(d, rng.uniform(540, 780))
        cand = [e for e in w.emps if e.status == "active" and e not in exclude and e.role not in ("IT",)
                and e.login in self.idx and p.pid not in e.excl
                and any(news <= x[0] <= news + 4 * 3600 for x in self.idx[e.login])]
        cand.sort(key=lambda e: e.eid)
        rng.shuffle(cand)
        n = min(len(cand), rng.randrange(7, 12))
        users = []
        for e in cand[:n]:
            lst = [x for x in self.idx[e.login] if news <= x[0] <= news + 4 * 3600]
            if not lst:
                continue
            ep, ctx = rng.choice(lst)
            ep += rng.randrange(5, 60)
            pur, tc, cid = self.role_purpose(e, rng)
            self.lookup_person(inc, d, e.login, ctx, ep, rng, p, pur, tc, cid,
                               rng.choice([("namedob",), ("whole",), ("namedob", "address"), ("pid",)]))
            users.append(e.login)
        inc.params["users"] = users
        inc.note = note

    def x_victim_in_news_surge(self, inc, d, rng):
        o = inc.params["offender"]
        v = inc.params["target"]
        excl = {o.ppo}
        excl |= {x for x in self.w.emps if x.eid == o.ppo.sup}
        excl |= set(self.w.byrole["VS"])
        self._surge(inc, d, rng, v, excl, f"assault victim named in the news looked up by staff with no role in the case")

    def x_colleague_in_news_surge(self, inc, d, rng):
        x = inc.params["target"]
        excl = {x} | {i[3] for i in self.w.ia_cases}
        self._surge(inc, d, rng, x.person, excl, f"colleague {x.login} arrested off-duty, in the news; staff look him/her up")


def _km(w, s1, s2):
    loc = {}
    for c, s, la, lo in w.clients:
        loc.setdefault(s, (la, lo))
    a, b = loc.get(s1), loc.get(s2)
    if not a or not b:
        return 0
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


# ----------------------------------------------------------------------------------------------
# Ground truth for injected events (what each one really is, against the reference data)
# ----------------------------------------------------------------------------------------------
class Truth:
    def __init__(self, w):
        self.w = w
        self.staff_by_pid = {e.person.pid: e for e in w.emps}

    def of(self, rec):
        ep, ev, subj, case, d = rec
        w = self.w
        A = w.emp_by_login.get(ev["user"])
        out = []
        if A is None or ev["action"] in ("login", "logout", "login_failed"):
            return out
        sub = ev.get("subject") or {}
        has = lambda k: bool(ev.get("subject_" + k) or sub.get(k))  # noqa: E731
        if subj is not None:
            if subj is A.person:
                if has("person_id") and A.person_id_col:
                    k = "person_id"
                elif has("last_name") and has("dob"):
                    k = "name_dob"
                elif has("plate"):
                    k = "plate"
                elif has("address"):
                    k = "address"
                elif has("phone"):
                    k = "phone"
                else:
                    k = "name_only"
                out.append(("self_query", k))
            elif subj.pid in self.staff_by_pid:
                B = self.staff_by_pid[subj.pid]
                k = "supervisor" if B.eid == A.sup else ("same_unit" if B.unit == A.unit else "other_unit")
                out.append(("coworker_lookup", k))
            for rel, p in A.assoc:
                if p is subj:
                    out.append(("association_lookup", rel))
                    break
            if subj.pid in w.watch_pid:
                out.append(("watchlist_lookup", w.watch_pid[subj.pid]))
        pur = ev.get("purpose")
        if pur and pur not in EXEMPT and ev["action"] in ("query", "update"):
            typed = (ev.get("case_id") or "").strip().upper()
            if typed in ("", "N/A", "NA", "NONE"):
                out.append(("no_case", "missing"))
            elif case == "__unknown__" or case not in w.cases:
                out.append(("no_case", "unknown_case"))
            elif w.cases[case]["status"] == "closed":
                out.append(("no_case", "closed_case"))
            elif not w.assigned(case, A, d):
                out.append(("no_case", "not_assigned"))
            elif subj is not None and subj not in w.case_subj[case]:
                out.append(("no_case", "subject_not_in_case"))
        return out


# ----------------------------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------------------------
def event_id(seed, stream, a, k):
    h = H("doc-evt", seed, stream, a, k)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def dumps(ev):
    return json.dumps(ev, separators=(",", ":"), ensure_ascii=False)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--users", type=int, default=80)
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--no-inject", action="store_true")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    t_start = time.time()
    if a.days < 1:
        raise SystemExit("--days must be >= 1")
    w = World(a.seed, a.users, a.days)
    g = Gen(w, a.seed, a.days)
    inj = None if a.no_inject else Injector(w, g, a.seed)
    os.makedirs(a.out, exist_ok=True)
    w.write_refs(a.out)
    with open(os.path.join(a.out, "custodes.toml"), "w") as f:
        f.write("[no_case]\nexempt_purposes = [" + ", ".join(f'"{p}"' for p in EXEMPT_PURPOSES) + "]\n")

    buf = []
    n_written = 0
    hn_rows = []
    stats = {"system": {}, "action": {}, "role": {}}
    leak = 0
    seen_ids = set()
    evf = open(os.path.join(a.out, "events.jsonl"), "w", encoding="utf-8")
    staff_names = {(e.person.last, e.person.first) for e in w.emps}
    watch_names = {(p.last, p.first) for p, c in w.watch}
    assoc_names = {e.eid: {(p.last, p.first) for r, p in e.assoc} for e in w.emps}

    def flush(cut):
        nonlocal buf, n_written
        buf.sort(key=lambda r: (r[0], r[1]["id"]))
        i = 0
        lines = []
        while i < len(buf) and (cut is None or buf[i][0] < cut):
            lines.append(dumps(buf[i][1]))
            i += 1
        if lines:
            evf.write("\n".join(lines) + "\n")
        n_written += i
        buf = buf[i:]

    for d in range(a.days):
        out = g.gen_day(d)
        # subject-based hard-negative tags (legit events only)
        for k, r in enumerate(out.recs):
            ev = r[1]
            ev["id"] = event_id(a.seed, "L", d, k)
            ev["ts"] = ts_str(r[0])
            if ev["id"] in seen_ids:
                raise SystemExit("id collision")
            seen_ids.add(ev["id"])
            subj = r[3]
            A = w.emp_by_login.get(ev["user"])
            if subj is not None and A is not None and subj.pid in A.excl:
                leak += 1
            if r[2] is None and A is not None and A.status == "terminated":
                r[2] = ("terminated_later_work_before_end_date", f"normal work before the account's end_date {A.end}")
            if r[2] is None and subj is not None:
                key = (subj.last, subj.first)
                if subj.pid in w.watch_pid:
                    r[2] = ("watchlist_subject_legit_work", "watchlisted person in custody/supervision, routine work")
                elif subj.rel_of is not None:
                    r[2] = ("staff_relative_looked_up_by_colleague", "disclosed relative of another employee, routine work")
                elif A is not None and A.person is not None and key == (A.person.last, A.person.first):
                    r[2] = ("same_name_as_actor_coincidence", "subject happens to share the employee's own name")
                elif A is not None and key in assoc_names.get(A.eid, ()):
                    r[2] = ("common_name_matches_staff_relative", "subject shares a name with the employee's relative")
                elif key in staff_names and subj.kind != "staff":
                    r[2] = ("same_name_as_staff_coincidence", "subject shares first+last name with an employee")
                elif key in watch_names:
                    r[2] = ("same_name_as_watchlisted_coincidence", "subject shares a name with a watchlisted person")
            if r[2] is not None:
                hn_rows.append((ev["id"], r[2][0], r[2][1]))
            stats["system"][ev["system"]] = stats["system"].get(ev["system"], 0) + 1
            stats["action"][ev["action"]] = stats["action"].get(ev["action"], 0) + 1
            rl = A.role if A else "?"
            stats["role"][rl] = stats["role"].get(rl, 0) + 1
            buf.append([r[0], ev])
        if inj is not None:
            recs = inj.run_day(d, out.recs)
            for r in recs:
                inc = None
            for inc in inj.plan.get(d, []):
                base = sum(1 for x in inc.recs if "id" in x[1] and x[1]["id"])
                for k, r in enumerate(inc.recs):
                    ev = r[1]
                    if ev["id"]:
                        continue
                    ev["id"] = event_id(a.seed, "M", inc.no, k)
                    ev["ts"] = ts_str(r[0])
                    if ev["id"] in seen_ids:
                        raise SystemExit("id collision")
                    seen_ids.add(ev["id"])
                    buf.append([r[0], ev])
        flush(g.clock.midnight(d + 1))
    flush(None)
    evf.close()

    # labels
    labels = []
    if inj is not None:
        tr = Truth(w)
        for inc in inj.incidents:
            if not inc.recs:
                continue
            groups = {}
            for r in inc.recs:
                for det, kind in tr.of(r):
                    groups.setdefault((det, kind, r[1]["user"]), []).append(r)
            scen_level = inc.det in ("odd_volume", "shared_credential", "subject_surge")
            lab = []
            if scen_level:
                rs = inc.recs
                if inc.det == "subject_surge":
                    rs = [r for r in inc.recs if r[1]["action"] != "login"]
                lab.append((inc.det, inc.kind, "" if inc.det == "subject_surge" else inc.actor.login, rs, True))
            for (det, kind, user), rs in sorted(groups.items()):
                if scen_level and det == inc.det and kind == inc.kind:
                    continue
                lab.append((det, kind, user, rs, not scen_level and det == inc.det))
            if not any(x[4] for x in lab) and not scen_level:
                # nominal reason did not materialise (e.g. kind differs); keep what truth says
                pass
            for det, kind, user, rs, primary in lab:
                rs = sorted(rs, key=lambda r: (r[0], r[1]["id"]))
                emp = w.emp_by_login.get(user)
                L = {"detector": det, "kind": kind, "user": user, "employee_id": emp.eid if emp else "",
                     "event_ids": [r[1]["id"] for r in rs], "window_start": ts_str(rs[0][0]),
                     "window_end": ts_str(rs[-1][0]), "incident": f"INC-{a.seed}-{inc.no:03d}",
                     "scenario": inc.scen, "note": inc.note + ("" if primary else " (secondary reason of the same incident)")}
                if det == "subject_surge":
                    L["users"] = sorted({r[1]["user"] for r in rs})
                labels.append(L)
    with open(os.path.join(a.out, "labels.jsonl"), "w", encoding="utf-8") as f:
        for L in labels:
            f.write(dumps(L) + "\n")
    with open(os.path.join(a.out, "hard_negatives.tsv"), "w", encoding="utf-8") as f:
        f.write("event_id\tclass\tnote\n")
        for row in hn_rows:
            f.write("\t".join(row) + "\n")
    write_summary(a, w, g, inj, labels, hn_rows, stats, n_written, leak, time.time() - t_start)
    print(f"wrote {n_written} events, {len(labels)} labels, {len(hn_rows)} hard negatives to {a.out} "
          f"in {time.time() - t_start:.1f}s", file=sys.stderr)


def write_summary(a, w, g, inj, labels, hn_rows, stats, n, leak, secs):
    L = []
    L.append(f"custodes independent world D -- state Department of Corrections")
    L.append(f"seed={a.seed} users={a.users} days={a.days} inject={'no' if a.no_inject else 'yes'}")
    L.append(f"window: {START} .. {day_date(a.days - 1)} local ({TZNAME}); timestamps in UTC")
    L.append("")
    L.append("logins: %d (humans %d employees, service accounts %d)" % (
        sum(len(e.logins) for e in w.emps + w.svc), len(w.emps), len(w.svc)))
    for r in ["CO", "SGT", "CW", "PPO", "PPS", "REC", "VS", "FUG", "ICI", "PB", "INV", "IT"]:
        L.append(f"  {r:4s} {ROLE_NAMES[r]:32s} {len(w.byrole.get(r, []))}")
    L.append(f"  on leave: {', '.join(e.login for e in w.leave_emps)}")
    L.append(f"  terminated: {', '.join(f'{e.login} ({e.end})' for e in w.term_emps)}")
    L.append("facilities: " + ", ".join(f"{f[0]} ({len(w.fac_inmates[i])} inmates, units {f[5]})" for i, f in enumerate(w.facs)))
    L.append("districts: " + ", ".join(d[0] for d in w.dists))
    L.append(f"offenders on supervision: {len(w.offenders)} (GPS {sum(1 for o in w.offenders if o.gps)}, "
             f"absconded {len(w.absconders)})")
    L.append(f"cases: {len(w.cases)} ({sum(1 for c in w.cases.values() if c['status'] == 'closed')} closed); "
             f"assignments {len(w.assign)}; associations {len(w.assoc_rows)}; watchlist {len(w.watch)}; clients {len(w.clients)}")
    L.append("")
    L.append("calendar:")
    for d in sorted(g.holiday):
        L.append(f"  {day_date(d)} holiday ({HOLIDAYS[day_date(d)]}): office staff off, custody 24/7")
    for d, (fi, m, hu) in sorted(g.lockdowns.items()):
        L.append(f"  {day_date(d)} lockdown at {w.facs[fi][0]} after an incident in unit {hu} at {m // 60:02d}:{m % 60:02d}")
    for d, dk in sorted(g.hearing.items()):
        L.append(f"  {day_date(d)} parole board hearing ({len(dk)} on docket; prep the day before)")
    for d in sorted(g.monthly):
        L.append(f"  {day_date(d)} monthly population export")
    for d in sorted(g.dst_days):
        L.append(f"  {day_date(d)} DST change")
    sen, adm = w.news_inmate
    L.append(f"  {day_date(adm)} former state senator {sen.first} {sen.last} admitted to {w.facs[sen.fac][0]} unit {sen.hu} (news)")
    o, v, nvd = w.news_victim
    L.append(f"  {day_date(nvd)} offender {o.pid} re-arrested; victim {v.first} {v.last} in the news")
    L.append("")
    L.append(f"events: {n}")
    for k in ("system", "action", "role"):
        L.append(f"  by {k}: " + ", ".join(f"{x}={c}" for x, c in sorted(stats[k].items(), key=lambda t: -t[1])))
    L.append(f"legitimate events touching the actor's own or associated person: {leak}")
    L.append("")
    if inj is not None:
        L.append(f"incidents injected: {sum(1 for i in inj.incidents if i.recs)} "
                 f"(events {sum(len(i.recs) for i in inj.incidents)}); labels {len(labels)}")
        byscen = {}
        for i in inj.incidents:
            if i.recs:
                byscen.setdefault(i.scen, []).append(len(i.recs))
        for s_, v_ in sorted(byscen.items()):
            L.append(f"  {s_:32s} incidents={len(v_)} events={sum(v_)}")
        bydk = {}
        for l_ in labels:
            k = (l_["detector"], l_["kind"])
            bydk[k] = bydk.get(k, 0) + 1
        L.append("labels by detector/kind: " + ", ".join(f"{d_}/{k_}={c}" for (d_, k_), c in sorted(bydk.items())))
    else:
        L.append("no injection (twin world)")
    L.append("")
    hc = {}
    for _, c, _n in hn_rows:
        hc[c] = hc.get(c, 0) + 1
    L.append(f"hard negatives: {len(hn_rows)}")
    for c, k in sorted(hc.items(), key=lambda t: -t[1]):
        L.append(f"  {c:40s} {k}")
    with open(os.path.join(a.out, "world_summary.txt"), "w") as f:
        f.write("\n".join(L) + "\n")


if __name__ == "__main__":
    main()
