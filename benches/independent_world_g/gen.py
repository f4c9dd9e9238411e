#!/usr/bin/env python3
"""Independent synthetic world G: a state highway patrol.

    python3 benches/independent_world_g/gen.py --seed N --users U --days D --out DIR
            [--no-inject] [--start YYYY-MM-DD]

Writes DIR/events.jsonl, DIR/refs/*.csv, DIR/labels.jsonl, DIR/custodes.toml,
DIR/world_summary.txt and DIR/hard_negatives.tsv.  Standard library only; every
random choice comes from a named stream seeded by --seed, so --no-inject gives
the same agency and the same legitimate events (misconduct has its own stream).
All people are invented.
"""
import argparse
import csv
import datetime as dt
import hashlib
import json
import math
import os
import random
import sys
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import world_data as W  # noqa: E402
import typing_habits as T  # noqa: E402

EPOCH = dt.datetime(1970, 1, 1)
H = 3600 * 1000
MIN = 60 * 1000
DAY = 24 * H

EXEMPT = ["PORT_INSPECTION", "DISPATCH", "PREMISE_HISTORY", "CRIM_INTEL", "PUBLIC_RECORDS",
          "COURT_REQUEST", "RECORD_CORRECTION", "LPR_HOTLIST", "NCIC_VALIDATION",
          "SYSTEM_TEST", "ATL_BOLO"]

PURPOSES = {  # incident type -> (code, text, short)
    "stop": ("TRAFFIC_STOP", "traffic stop", "TS"),
    "crash": ("CRASH_INV", "crash", "ACC"),
    "mvc": ("CRASH_INV", "crash", "ACC"),
    "assist": ("MOTORIST_ASSIST", "assist", "MA"),
    "dui": ("DUI_INV", "dui", "DUI"),
    "cfs": ("CALL_FOR_SERVICE", "call", "CFS"),
    "cib": ("CRIM_INV", "investigation", "INV"),
    "ia": ("IA_INVESTIGATION", "IA case", "IA"),
    "court": ("COURT_PREP", "court", "CT"),
    "follow": ("FOLLOW_UP", "follow up", "FU"),
}

TS_STYLE = {"NCIC": "ms", "DMV": "s", "RMS": "ms", "CJIS": "s", "CDLIS": "s", "CAD": "ms",
            "LPR": "z", "SAFER": "s", "DMV-MF": "s", "IAPRO": "s", "SSO": "ms", "ADMIN": "s"}


# --------------------------------------------------------------------------- time
def _nth_sunday(y, m, n):
    d = dt.date(y, m, 1)
    d += dt.timedelta(days=(6 - d.weekday()) % 7)
    return d + dt.timedelta(days=7 * (n - 1))


_DST = {}


def _dst(y):
    if y not in _DST:
        s, e = _nth_sunday(y, 3, 2), _nth_sunday(y, 11, 1)
        _DST[y] = (int((dt.datetime(s.year, s.month, s.day, 9) - EPOCH).total_seconds() * 1000),
                   int((dt.datetime(e.year, e.month, e.day, 8) - EPOCH).total_seconds() * 1000))
    return _DST[y]


def offset_h(t):
    y = (EPOCH + dt.timedelta(milliseconds=t)).year
    a, b = _dst(y)
    return -6 if a <= t < b else -7


def L2E(day, hours):
    """local wall time (date + hours, hours may exceed 24) -> epoch ms."""
    naive = dt.datetime(day.year, day.month, day.day) + dt.timedelta(hours=hours)
    ms = int((naive - EPOCH).total_seconds() * 1000)
    e1 = ms + 7 * H
    if offset_h(e1) == -7:
        return e1
    e2 = ms + 6 * H
    return e2 if offset_h(e2) == -6 else e1


def local(t):
    off = offset_h(t)
    return EPOCH + dt.timedelta(milliseconds=t + off * H), off


def local_hour(t):
    lt, _ = local(t)
    return lt.hour + lt.minute / 60.0


def fmt_ts(t, style="s"):
    if style == "z":
        u = EPOCH + dt.timedelta(milliseconds=t)
        return u.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t % 1000:03d}Z"
    lt, off = local(t)
    s = lt.strftime("%Y-%m-%dT%H:%M:%S")
    if style == "ms":
        s += f".{t % 1000:03d}"
    return s + f"{'-' if off < 0 else '+'}{abs(off):02d}:00"


def hdist(a, b):
    (la1, lo1), (la2, lo2) = a, b
    p1, p2 = math.radians(la1), math.radians(la2)
    dp, dl = p2 - p1, math.radians(lo2 - lo1)
    x = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(x))


def hx(*parts, n=12):
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=16).hexdigest()[:n]


# --------------------------------------------------------------------------- streams
class Stream:
    def __init__(self, world, name):
        self.w = world
        self.name = name
        self.rng = random.Random(f"world-g|{world.seed}|{name}")
        self.n = 0

    def eid(self, system):
        self.n += 1
        h = hashlib.blake2b(f"{self.w.seed}|{self.name}|{self.n}".encode(), digest_size=10).hexdigest()
        if system == "NCIC":
            return "NC" + h[:14].upper()
        if system in ("DMV", "CDLIS", "DMV-MF", "IAPRO"):
            pre = {"DMV": "DMV", "CDLIS": "CDL", "DMV-MF": "MF", "IAPRO": "IAP"}[system]
            return pre + str(int(h, 16) % 10 ** 13).zfill(13)
        if system == "RMS":
            return f"rms-{h[:8]}-{h[8:12]}-{h[12:16]}"
        if system == "CJIS":
            return "CJ-" + h[:12]
        if system == "CAD":
            return "cad:" + h[:12]
        if system == "LPR":
            return "lpr-" + h[:16]
        if system == "SSO":
            return "sso-" + h[:12]
        return system.lower().replace("-", "") + "-" + h[:12]

    def emit(self, ev, t):
        ev["id"] = self.eid(ev.get("system", "SSO"))
        style = TS_STYLE.get(ev.get("system"), "s")
        if style == "s":
            t -= t % 1000   # this source only keeps whole seconds
        ev["ts"] = fmt_ts(t, style)
        self.w.events.append((t, ev["id"], ev))
        self.w.ev_t[ev["id"]] = t
        return ev["id"]


def order(ev):
    keys = ["id", "ts", "user", "action", "system", "session", "client", "ip", "case_id", "purpose",
            "subject_person_id", "subject_name", "subject_last_name", "subject_first_name",
            "subject_dob", "subject_address", "subject_phone", "subject_plate", "subject",
            "result_count", "query_text"]
    out = {k: ev[k] for k in keys if k in ev}
    for k in ev:
        if k not in out:
            out[k] = ev[k]
    return out


# --------------------------------------------------------------------------- world
class World:
    def __init__(self, seed, users, days, start, inject):
        self.seed, self.U, self.D, self.start, self.inject = seed, users, days, start, inject
        self.scale = (users / 80.0) * (days / 14.0)
        self.events = []
        self.ev_t = {}
        self.hardneg = []
        self.labels = []
        self.persons = []
        self.pids = set()
        self.plates = set()
        self.users = []
        self.by_login = {}
        self.assoc = []
        self.watch = []
        self.cases = {}
        self.assigns = []
        self.subjects = defaultdict(list)   # case -> [person]
        self.clients = {}                   # client -> site
        self.shifts = defaultdict(list)     # login -> [shift]
        self.incidents = []
        self.user_cases = defaultdict(list)  # login -> [case_id] (primary or assigned)
        self.hn_seen = Counter()
        self.notes = []

    # ---- helpers
    def day(self, d):
        return self.start + dt.timedelta(days=d)

    @property
    def t0(self):
        return L2E(self.start, 0)

    @property
    def t_end(self):
        return L2E(self.day(self.D), 0)

    def hn(self, eid, cls, note, cap=None, key=None):
        if cap is not None:
            k = (cls, key)
            if self.hn_seen[k] >= cap:
                return
            self.hn_seen[k] += 1
        self.hardneg.append((eid, cls, note))


# --------------------------------------------------------------------------- people
OOS_CITY = dict(zip(W.OOS_STATES, ["AMARILLO", "ALBUQUERQUE", "PHOENIX", "SALT LAKE CITY",
                                   "CHEYENNE", "OMAHA", "WICHITA", "TULSA", "FRESNO", "RENO",
                                   "BOISE", "BILLINGS", "JOLIET", "SPRINGFIELD", "DES MOINES",
                                   "SIOUX FALLS", "OCALA", "MACON", "MEMPHIS", "SPOKANE", "SALEM",
                                   "DULUTH", "GARY", "TOLEDO"]))
AREA = {"METRO": ["303", "720"], "T1": ["303", "720"], "T2": ["719"], "T3": ["970"],
        "T4": ["719"], "T5": ["970"], "T6": ["970"]}


def new_pid(w, rng, st):
    while True:
        if st == "CO":
            pid = f"{rng.randint(1, 99):02d}-{rng.randint(0, 999):03d}-{rng.randint(0, 9999):04d}"
        elif st in ("CA", "FL", "IL", "WA"):
            pid = st + rng.choice("ABCDEFGHJKLMNPRSTW") + str(rng.randint(1000000, 9999999))
        else:
            pid = st + str(rng.randint(10000000, 99999999))
        if pid not in w.pids:
            w.pids.add(pid)
            return pid


def new_plate(w, rng, commercial=False):
    L = "ABCDEFGHJKLMNPRSTUVWXYZ"
    while True:
        if commercial:
            p = "".join(rng.choice(L) for _ in range(rng.choice([1, 2]))) + str(rng.randint(10000, 99999))
        else:
            f = rng.random()
            if f < 0.55:
                p = "".join(rng.choice(L) for _ in range(3)) + str(rng.randint(1000, 9999))
            elif f < 0.8:
                p = str(rng.randint(100, 999)) + "".join(rng.choice(L) for _ in range(3))
            else:
                p = "".join(rng.choice(L) for _ in range(4)) + str(rng.randint(10, 99))
        if p not in w.plates:
            w.plates.add(p)
            return p


def new_person(w, rng, region="METRO", kind="res", st="CO", last=None, first=None, sex=None,
               dob=None, addr_of=None, age=None, has_plate=None):
    sex = sex or rng.choice("MF")
    if last is None:
        last = rng.choice(W.COMPOUND_SURNAMES) if rng.random() < 0.035 else rng.choice(W.SURNAMES)
    first = first or rng.choice(W.FIRST_M if sex == "M" else W.FIRST_F)
    if dob is None:
        a = age if age is not None else min(88, 16 + int(rng.expovariate(1 / 19.0)))
        dob = w.start - dt.timedelta(days=int(a * 365.25) + rng.randint(0, 364))
    p = {"idx": len(w.persons), "last": last, "first": first,
         "mid": rng.choice(W.MIDDLE) if rng.random() < 0.8 else "", "sex": sex, "dob": dob,
         "st": st, "region": region, "kind": kind}
    if addr_of is not None:
        for k in ("num", "dir", "street", "suf", "unit", "city", "zip"):
            p[k] = addr_of[k]
    elif st != "CO":
        p.update(num=rng.randint(100, 9999), dir="", street=rng.choice(W.STREETS),
                 suf=rng.choice(W.SUFFIXES)[0], unit="", city=OOS_CITY.get(st, "SPRINGFIELD"),
                 zip=str(rng.randint(10000, 99999)))
    else:
        city, zp = rng.choice(W.CITIES[region])
        rural = region in ("T3", "T4", "T5", "T6") and rng.random() < 0.25
        if rural:
            p.update(num=rng.randint(1000, 39999), dir="", street=f"COUNTY ROAD {rng.randint(1, 60)}",
                     suf="", unit="")
        else:
            p.update(num=rng.randint(100, 19999), dir=rng.choice(W.DIRS)[0] if rng.random() < 0.35 else "",
                     street=rng.choice(W.STREETS), suf=rng.choice(W.SUFFIXES)[0],
                     unit=(str(rng.randint(1, 48)) if rng.random() < 0.7 else
                           rng.choice("ABCDEF") + str(rng.randint(1, 30)))
                     if rng.random() < (0.22 if region == "METRO" else 0.08) else "")
        p.update(city=city, zip=zp)
    area = rng.choice(AREA.get(region, ["303"])) if st == "CO" else str(rng.randint(201, 989))
    p["phone"] = area + str(rng.randint(2, 9)) + f"{rng.randint(0, 99):02d}" + f"{rng.randint(0, 9999):04d}"
    p["pid"] = new_pid(w, rng, st)
    hp = has_plate if has_plate is not None else (rng.random() < 0.78)
    p["plate"] = new_plate(w, rng) if hp else ""
    w.persons.append(p)
    return p


def rec_addr(p):
    s = f"{p['num']} " + (p["dir"] + " " if p["dir"] else "") + p["street"] + (" " + p["suf"] if p["suf"] else "")
    if p["unit"]:
        s += f" APT {p['unit']}"
    return f"{s}, {p['city']} {p['st']} {p['zip']}"


def hr_addr(p):
    s = f"{p['num']} " + (p["dir"] + " " if p["dir"] else "") + p["street"].title() + \
        (" " + p["suf"].title() if p["suf"] else "")
    if p["unit"]:
        s += f" Apt {p['unit']}"
    return f"{s}, {p['city'].title()}"


def rec_phone(ph):
    return f"({ph[:3]}) {ph[3:6]}-{ph[6:]}"


def hr_phone(ph):
    return f"{ph[:3]}-{ph[3:6]}-{ph[6:]}"


# --------------------------------------------------------------------------- agency
def build_population(w):
    rng = Stream(w, "population").rng
    U = w.U
    n_res = 420 * U
    regions = ["METRO"] * 8 + ["T1", "T2", "T3", "T4", "T5", "T6"] * 2
    w.pool = defaultdict(list)
    for _ in range(n_res):
        reg = rng.choice(regions)
        p = new_person(w, rng, reg)
        w.pool[reg].append(p)
    for _ in range(int(n_res * 0.08)):
        st = rng.choice(W.OOS_STATES)
        p = new_person(w, rng, "OOS", kind="res", st=st)
        w.pool["OOS"].append(p)
    # commercial drivers seen at ports of entry
    for _ in range(35 * U):
        if rng.random() < 0.75:
            st = rng.choice(W.OOS_STATES)
            p = new_person(w, rng, "OOS", kind="cdl", st=st, age=rng.randint(23, 66), has_plate=False)
        else:
            p = new_person(w, rng, rng.choice(regions), kind="cdl", age=rng.randint(23, 66), has_plate=False)
        p["truck_plate"] = new_plate(w, rng, commercial=True)
        p["usdot"] = str(rng.randint(100000, 3999999))
        w.pool["CDL"].append(p)


def build_watchlist(w):
    rng = Stream(w, "watch").rng
    w.watch_people = []
    for cat, last, first in W.WATCH:
        age = rng.randint(28, 72) if cat != "athlete" else rng.randint(22, 36)
        sex = "F" if first in W.FIRST_F or first in ("SIENNA", "JOLENE", "ANA", "ELLEN", "KRISTINE",
                                                     "ROSA", "MELANIE", "VERONICA", "GRACE",
                                                     "TAYLOR", "CAROLYN") else "M"
        p = new_person(w, rng, "METRO", kind="watch", last=last, first=first, sex=sex, age=age)
        p["category"] = cat
        w.watch_people.append(p)
    # namesakes: ordinary people who share a famous person's name
    w.celebrity_namesakes = []
    for p in rng.sample([x for x in w.watch_people if x["category"] in ("celebrity", "athlete")], 3):
        q = new_person(w, rng, rng.choice(["T1", "T2", "T4", "METRO"]), kind="namesake",
                       last=p["last"], first=p["first"], sex=p["sex"])
        q["namesake_of"] = p
        w.celebrity_namesakes.append(q)


def allocate(U):
    svc = 3
    it = max(1, round(U * 0.025))
    extra = it + 1
    Hh = U - svc - extra
    cnt = {"poe": max(2, round(Hh * .08)), "comm": max(3, round(Hh * .11)),
           "cib": max(2, round(Hh * .09)), "fusion": max(2, round(Hh * .055)),
           "records": max(2, round(Hh * .055)), "ia": max(1, round(Hh * .04)), "it": it, "chief": 1}
    patrol = Hh - sum(cnt.values())
    if patrol < 8:
        raise SystemExit("--users too small for a highway patrol (need at least ~40)")
    cnt["patrol"] = patrol
    return cnt


def build_agency(w):
    S = Stream(w, "agency")
    rng = S.rng
    cnt = allocate(w.U)
    k = max(2, min(6, round(cnt["patrol"] / 9.5)))
    w.troops = [f"T{i}" for i in range(1, k + 1)]
    logins = set()
    emp_ids = set()

    def mk_login(p):
        base = (p["first"][0] + p["last"].replace(" ", "").replace("-", "").replace("'", "").replace(".", "")).lower()
        lg, i = base, 1
        while lg in logins:
            i += 1
            lg = f"{base}{i}"
        logins.add(lg)
        return lg

    def mk_emp():
        while True:
            e = f"HP{rng.randint(10000, 39999)}"
            if e not in emp_ids:
                emp_ids.add(e)
                return e

    def add_user(role, unit, site, region, sup=None, **kw):
        p = new_person(w, rng, region, kind="emp", age=rng.randint(24, 58))
        u = {"login": mk_login(p), "emp": mk_emp(), "role": role, "unit": unit, "site": site,
             "person": p, "sup": sup, "status": "active", "end_date": "", "habit": T.draw_habit(rng),
             "pid_known": rng.random() > 0.08}
        u.update(kw)
        p["emp_user"] = u
        w.users.append(u)
        w.by_login[u["login"]] = u
        return u

    chief = add_user("chief", "OFFICE OF THE CHIEF", "HQ", "METRO")
    w.chief = chief
    # ---- troops
    per = [cnt["patrol"] // k + (1 if i < cnt["patrol"] % k else 0) for i in range(k)]
    car = 100
    w.patrol = []
    for ti, troop in enumerate(w.troops):
        n = per[ti]
        unit = f"TROOP {troop[1:]}"
        cap = add_user("captain", unit, troop, troop if rng.random() < 0.7 else "METRO", sup=chief["emp"],
                       troop=troop, squad=0, off=0)
        nsg = 2 if n >= 8 else 1
        sgts = []
        for s in range(nsg):
            sg = add_user("sergeant", unit, troop, troop if rng.random() < 0.75 else "METRO", sup=cap["emp"],
                          troop=troop, squad=s % 3, off=rng.randint(0, 6))
            sgts.append(sg)
        w.patrol += [cap] + sgts
        sq_off = [rng.randint(0, 6) for _ in range(3)]
        for j in range(n - 1 - nsg):
            sq = j % 3
            sg = sgts[sq % nsg]
            tr = add_user("trooper", unit, troop, troop if rng.random() < 0.75 else "METRO", sup=sg["emp"],
                          troop=troop, squad=sq, off=(sq_off[sq] + (j // 3) % 2 * 3) % 7)
            w.patrol.append(tr)
        for u in [cap] + sgts + [x for x in w.patrol if x.get("troop") == troop and x["role"] == "trooper"]:
            car += rng.randint(1, 9)
            u["mdt"] = f"MDT-{troop}-{car}"
            w.clients[u["mdt"]] = troop
        w.clients.update({f"{troop}-PC{i:02d}": troop for i in range(1, 6)})
    # ---- ports of entry
    ports = ["POE-LOMA", "POE-TRIN"]
    w.poe = []
    for i in range(cnt["poe"]):
        port = ports[i % 2]
        reg = "T3" if port == "POE-LOMA" else "T4"
        sup = w.poe[0]["emp"] if w.poe else chief["emp"]
        u = add_user("poe_sup" if i == 0 else "inspector", "MOTOR CARRIER SAFETY", port, reg, sup=sup,
                     port=port, shift=("early" if (i // 2) % 2 == 0 else "late"), off=rng.randint(0, 6))
        w.poe.append(u)
    for port in ports:
        w.clients.update({f"{port}-WS{i:02d}": port for i in range(1, 5)})
    # ---- communications centre
    w.comm = []
    teams = ["dayA", "nightA", "dayB", "nightB"]
    for i in range(cnt["comm"]):
        sup = w.comm[0]["emp"] if w.comm else chief["emp"]
        u = add_user("comm_sup" if i == 0 else "dispatcher", "COMMUNICATIONS", "DCC",
                     rng.choice(["METRO", "METRO", "T1", "T2"]), sup=sup, team=teams[i % 4])
        w.comm.append(u)
    w.clients.update({f"DCC-CON{i:02d}": "DCC" for i in range(1, 13)})
    # ---- office units
    def office(role_first, role, unit, site, n, pc_prefix, laptop=None):
        out = []
        for i in range(n):
            sup = out[0]["emp"] if out else chief["emp"]
            u = add_user(role_first if i == 0 else role, unit, site, rng.choice(["METRO", "METRO", "T1", "T2"]),
                         sup=sup, start_h=rng.choice([6.5, 7.0, 7.0, 7.5, 8.0, 8.0, 8.5]))
            u["pc"] = f"{pc_prefix}{i + 1:02d}"
            w.clients[u["pc"]] = site
            if laptop:
                u["laptop"] = f"{laptop}{i + 1:02d}"
                w.clients[u["laptop"]] = "HQ"
            out.append(u)
        return out
    w.cib = office("cib_lt", "detective", "CRIMINAL INVESTIGATIONS", "HQ", cnt["cib"], "HQ-CIB-PC", "LT-CIB-")
    w.fusion = office("fusion_sup", "analyst", "FUSION CENTER", "CIAC", cnt["fusion"], "CIAC-WS", "LT-CIAC-")
    w.records = office("records_sup", "records", "RECORDS AND LICENSING", "HQ", cnt["records"], "HQ-REC-PC")
    w.ia = office("ia_lt", "ia", "PROFESSIONAL STANDARDS", "HQ", cnt["ia"], "HQ-IA-PC", "LT-IA-")
    w.it = office("it_mgr", "it", "INFORMATION TECHNOLOGY", "HQ", cnt["it"], "HQ-IT-PC", "LT-IT-")
    chief["pc"] = "HQ-CMD-PC01"
    w.clients["HQ-CMD-PC01"] = "HQ"
    w.clients.update({f"HQ-TRN-PC{i:02d}": "HQ" for i in range(1, 9)})
    chief["start_h"] = 7.5
    # second logins: IT admin accounts, a records clerk's mainframe id
    w.alt = []
    for u in w.it:
        a = dict(u)
        a["login"] = u["login"] + "_adm"
        a["role"] = "it_adm"
        a["primary"] = u
        w.users.append(a)
        w.by_login[a["login"]] = a
        w.alt.append(a)
    rc = w.records[-1]
    a = dict(rc)
    a["login"] = f"RCD{rng.randint(1000, 9999)}"
    a["role"] = "records_mf"
    a["primary"] = rc
    w.users.append(a)
    w.by_login[a["login"]] = a
    w.alt.append(a)
    rc["mf_login"] = a["login"]
    # service accounts
    w.svc = []
    for lg, cl, site in (("svc_lprhit", "LPR-GW01", "DC-PUEBLO"), ("NCICPURGE", "NCIC-BATCH01", "DC-PUEBLO"),
                         ("svc_cadprem", "CAD-APP02", "DCC")):
        u = {"login": lg, "emp": f"SVC{len(w.svc) + 1:03d}", "role": "svc", "unit": "INFORMATION TECHNOLOGY",
             "site": site, "person": None, "sup": w.it[0]["emp"], "status": "active", "end_date": "",
             "habit": T.draw_habit(rng), "pid_known": False, "pc": cl}
        w.clients[cl] = site
        w.users.append(u)
        w.by_login[lg] = u
        w.svc.append(u)
    # statuses: one trooper terminated before the window, one terminated inside it, one on leave
    troopers = [u for u in w.patrol if u["role"] == "trooper"]
    pick = rng.sample(troopers, 3)
    w.term_old, w.term_mid, w.leave_user = pick
    w.term_old.update(status="terminated", end_date=(w.start - dt.timedelta(days=rng.randint(12, 30))).isoformat())
    w.term_mid.update(status="terminated", end_date=w.day(max(2, int(w.D * 0.3))).isoformat())
    w.leave_user.update(status="leave", end_date=w.day(max(3, int(w.D * 0.4))).isoformat())
    # a covering trooper for the one on leave (same troop)
    same = [u for u in troopers if u["troop"] == w.leave_user["troop"] and u not in pick]
    w.cover_user = same[0] if same else [u for u in troopers if u not in pick][0]
    # colleague namesakes: ordinary drivers sharing an employee's name
    w.colleague_namesakes = []
    for u in rng.sample([x for x in w.patrol + w.poe + w.comm if x["person"]], 2):
        p = u["person"]
        q = new_person(w, rng, rng.choice(w.troops), kind="namesake", last=p["last"], first=p["first"], sex=p["sex"])
        q["namesake_of_user"] = u
        w.colleague_namesakes.append(q)
    for u in w.users:
        if u.get("site"):
            w.clients.setdefault(u.get("pc", ""), u["site"]) if u.get("pc") else None
    w.clients.pop("", None)


def build_associations(w):
    rng = Stream(w, "assoc").rng
    humans = [u for u in w.users if u["person"] is not None and "primary" not in u]
    w.assoc_by_emp = defaultdict(list)

    def add(u, rel, q, src, vf, vt=""):
        w.assoc_by_emp[u["emp"]].append((rel, q, vf, vt))
        q["assoc_of"] = u
        q["relation"] = rel
        title = src in ("HR_EMERGENCY_CONTACT", "SELF_DISCLOSURE")
        fx = (lambda s: s.title()) if title else (lambda s: s)
        w.assoc.append({
            "employee_id": u["emp"], "relation": rel,
            "person_id": q["pid"] if rng.random() < 0.62 else "",
            "last_name": fx(q["last"]), "first_name": fx(q["first"]),
            "dob": q["dob"].isoformat() if rng.random() < 0.72 else "",
            "address": (hr_addr(q) if title else rec_addr(q)) if rng.random() < 0.8 else "",
            "phone": (hr_phone(q["phone"]) if title else q["phone"]) if rng.random() < 0.55 else "",
            "plate": q["plate"] if q["plate"] and rng.random() < 0.45 else "",
            "valid_from": vf, "valid_to": vt, "source": src})

    def ago(a, b):
        return (w.start - dt.timedelta(days=rng.randint(a, b))).isoformat()

    force = {"ex_partner": max(3, round(3 * w.U / 80)), "neighbor": max(2, round(2 * w.U / 80)),
             "protected_party": max(1, round(w.U / 80))}
    order_h = humans[:]
    rng.shuffle(order_h)
    forced = {}
    i = 0
    for rel, n in force.items():
        for _ in range(n):
            forced.setdefault(order_h[i % len(order_h)]["login"], []).append(rel)
            i += 1
    for u in humans:
        p = u["person"]
        want = forced.get(u["login"], [])
        r = rng.random()
        if r < 0.55:
            q = new_person(w, rng, p["region"], kind="assoc", last=p["last"] if rng.random() < 0.7 else None,
                           sex="F" if p["sex"] == "M" else "M", addr_of=p,
                           age=max(20, (w.start - p["dob"]).days // 365 + rng.randint(-6, 6)))
            add(u, "spouse", q, "HR_EMERGENCY_CONTACT", ago(400, 9000))
        elif r < 0.68:
            q = new_person(w, rng, p["region"], kind="assoc", addr_of=p,
                           age=max(20, (w.start - p["dob"]).days // 365 + rng.randint(-8, 5)))
            add(u, "partner", q, "HR_EMERGENCY_CONTACT", ago(100, 2500))
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            q = new_person(w, rng, rng.choice([p["region"], "METRO", rng.choice(w.troops)]), kind="assoc",
                           last=p["last"] if rng.random() < 0.7 else None)
            add(u, "family", q, rng.choice(["HR_EMERGENCY_CONTACT", "SELF_DISCLOSURE"]), "")
        if "ex_partner" in want or rng.random() < 0.12:
            q = new_person(w, rng, rng.choice([p["region"], "METRO"]), kind="assoc",
                           sex="F" if p["sex"] == "M" else "M",
                           age=max(20, (w.start - p["dob"]).days // 365 + rng.randint(-7, 4)))
            add(u, "ex_partner", q, rng.choice(["IA_DISCLOSURE", "SELF_DISCLOSURE", "PROTECTION_ORDER"]),
                ago(30, 900))
        if "neighbor" in want or rng.random() < 0.15:
            q = new_person(w, rng, p["region"], kind="assoc")
            for kk in ("street", "suf", "dir", "city", "zip"):
                q[kk] = p[kk]
            q["num"] = max(2, p["num"] + rng.choice([-1, 1]) * rng.choice([2, 4, 6, 10, 12, 20]))
            q["unit"] = ""
            add(u, "neighbor", q, "SELF_DISCLOSURE", ago(200, 3000))
        if rng.random() < 0.06:
            q = new_person(w, rng, p["region"], kind="assoc")
            add(u, "neighbor", q, "SELF_DISCLOSURE", ago(2000, 4000), ago(200, 1500))  # former neighbour
        if rng.random() < 0.08:
            q = new_person(w, rng, rng.choice(["METRO", p["region"]]), kind="assoc")
            add(u, "associate", q, "SECONDARY_EMPLOYMENT", ago(100, 2000))
        if "protected_party" in want:
            q = new_person(w, rng, rng.choice(["METRO", p["region"]]), kind="assoc")
            add(u, "protected_party", q, "PROTECTION_ORDER", ago(20, 400))


# --------------------------------------------------------------------------- schedules
def session_for(login, client, start, salt="legit"):
    return "S" + hx(salt, login, client, start, n=14).upper()


def ip_for(client, session):
    if client.startswith("MDT-"):
        h = int(hx("ip", session), 16)
        return f"10.250.{h % 200 + 20}.{(h >> 8) % 250 + 2}"
    h = int(hx("ip", client), 16)
    site = client.split("-")[0]
    pre = {"T1": 21, "T2": 22, "T3": 23, "T4": 24, "T5": 25, "T6": 26, "POE": 31, "DCC": 40,
           "CIAC": 60, "HQ": 10, "LT": 99, "LPR": 70, "NCIC": 70, "CAD": 40}.get(site, 12)
    if site == "LT":
        h = int(hx("ip", session), 16)
    return f"10.{pre}.{h % 250 + 1}.{(h >> 8) % 250 + 2}"


def mk_shift(w, u, d, start, end, client, kind):
    sess = session_for(u["login"], client, start)
    sh = {"user": u["login"], "day": d, "start": start, "end": end, "client": client, "site": w.clients.get(client),
          "session": sess, "ip": ip_for(client, sess), "type": kind}
    return sh


def active_on(u, w, d):
    day = w.day(d)
    if u["status"] == "terminated" and day >= dt.date.fromisoformat(u["end_date"]):
        return False
    if u["status"] == "leave" and day >= dt.date.fromisoformat(u["end_date"]):
        return False
    return True


PITMAN = [1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0]


def build_schedules(w):
    rng = Stream(w, "sched").rng
    w.rot_troop = w.troops[-1]
    w.rot_day = max(1, w.D // 2)
    w.patrol_shifts = defaultdict(list)   # troop -> [shift]
    first_day = -46
    for u in w.patrol:
        last_end = None
        for d in range(first_day, w.D):
            if not active_on(u, w, d):
                continue
            day = w.day(d)
            if u["role"] == "captain":
                if day.weekday() >= 5:
                    continue
                kind, sh_h, ln = "day", 7.0, 9.5
            else:
                if (d + u["off"]) % 7 >= 4:
                    continue
                sq = u["squad"]
                if u["troop"] == w.rot_troop and d >= w.rot_day:
                    sq = (sq + 1) % 3
                kind = ["day", "swing", "night"][sq]
                sh_h = {"day": 6.0, "swing": 14.0, "night": 21.0}[kind]
                ln = 10.0
            start = L2E(day, sh_h) + rng.randint(-8, 12) * MIN
            end = start + int(ln * H) + rng.randint(-10, 25) * MIN
            if last_end is not None and start < last_end + 8 * H:
                continue
            last_end = end
            sh = mk_shift(w, u, d, start, end, u["mdt"], kind)
            sh["troop"] = u["troop"]
            if u["troop"] == w.rot_troop and d == w.rot_day or (u["troop"] == w.rot_troop and d > w.rot_day and
                                                               not any(s["day"] >= w.rot_day for s in w.shifts[u["login"]])):
                sh["rotated"] = True
            w.shifts[u["login"]].append(sh)
            w.patrol_shifts[u["troop"]].append(sh)
    for u in w.comm:
        team = u["team"]
        for d in range(0, w.D):
            p = PITMAN[(d + 1400) % 14]
            if (p == 1) != team.endswith("A"):
                continue
            day = w.day(d)
            h0 = 6.0 if team.startswith("day") else 18.0
            start = L2E(day, h0) + rng.randint(-15, 5) * MIN
            end = start + 12 * H + rng.randint(0, 20) * MIN
            con = f"DCC-CON{rng.randint(1, 12):02d}"
            sh = mk_shift(w, u, d, start, end, con, "day" if h0 == 6.0 else "night")
            w.shifts[u["login"]].append(sh)
    for u in w.poe:
        for d in range(0, w.D):
            day = w.day(d)
            if u["role"] == "poe_sup":
                if day.weekday() >= 5:
                    continue
                h0 = 7.0
            else:
                if (d + u["off"]) % 7 >= 4:
                    continue
                h0 = 6.0 if u["shift"] == "early" else 12.0
            start = L2E(day, h0) + rng.randint(-10, 10) * MIN
            end = start + 10 * H + rng.randint(-5, 20) * MIN
            ws = f"{u['port']}-WS{rng.randint(1, 4):02d}"
            w.shifts[u["login"]].append(mk_shift(w, u, d, start, end, ws, "day" if h0 < 10 else "swing"))
    for u in w.cib + w.fusion + w.records + w.ia + w.it + [w.chief]:
        for d in range(0, w.D):
            day = w.day(d)
            if day.weekday() >= 5 and not (u["role"] in ("detective", "cib_lt") and day.weekday() == 5
                                          and rng.random() < 0.15):
                continue
            if rng.random() < 0.06:   # a day off
                continue
            start = L2E(day, u["start_h"]) + rng.randint(-20, 25) * MIN
            end = start + int(rng.uniform(8.3, 9.8) * H)
            w.shifts[u["login"]].append(mk_shift(w, u, d, start, end, u["pc"], "office"))
    for lst in w.shifts.values():
        lst.sort(key=lambda s: s["start"])


def on_duty(w, shifts, t):
    return [s for s in shifts if s["start"] <= t <= s["end"]]


# --------------------------------------------------------------------------- patrol incident plan
def pick_driver(w, rng, troop):
    r = rng.random()
    if r < 0.5:
        pool = w.pool[troop]
    elif r < 0.75:
        pool = w.pool["METRO"]
    elif r < 0.9:
        pool = w.pool[rng.choice(["T1", "T2", "T3", "T4", "T5", "T6"])]
    else:
        pool = w.pool["OOS"]
    return rng.choice(pool)


def plan_incidents(w):
    S = Stream(w, "plan")
    rng = S.rng
    incs = []
    for u in w.patrol:
        for sh in w.shifts[u["login"]]:
            if u["role"] == "captain":
                n = rng.choice([0, 0, 1, 1, 2])
            elif u["role"] == "sergeant":
                n = rng.randint(4, 8)
            else:
                n = rng.randint(10, 16) if sh["type"] == "night" else rng.randint(14, 22)
            lo, hi = sh["start"] + 15 * MIN, sh["end"] - 30 * MIN
            times = sorted(rng.randint(lo, hi) for _ in range(n))
            for t in times:
                typ = rng.choices(["stop", "crash", "assist", "dui", "cfs"], [66, 12, 10, 5, 7])[0]
                if sh["type"] == "night" and typ == "stop" and rng.random() < 0.12:
                    typ = "dui"
                incs.append(make_incident(w, rng, u, sh, t, typ))
    # backup units on the same troop
    by_day = defaultdict(list)
    for tr, lst in w.patrol_shifts.items():
        for sh in lst:
            by_day[(tr, sh["day"])].append(sh)
    bp = {"stop": .12, "crash": .45, "dui": .5, "cfs": .35, "assist": .05}
    for inc in incs:
        if rng.random() >= bp[inc["type"]]:
            continue
        d = inc["sh"]["day"]
        mates = [s for s in by_day[(inc["troop"], d)] + by_day[(inc["troop"], d - 1)]
                 if s["start"] <= inc["t"] <= s["end"] and s["user"] != inc["u"]["login"]]
        if mates:
            pick = rng.sample(mates, min(len(mates), rng.choice([1, 1, 2])))
            inc["backups"] = [w.by_login[s["user"]] for s in pick]
            inc["backup_shifts"] = {s["user"]: s for s in pick}
    # designed benign situations that need a case
    win = [i for i in incs if i["t"] >= w.t0 and i["u"]["role"] == "trooper"]
    n_mvc = max(1, round(w.scale))
    for k in range(n_mvc):
        for _ in range(200):
            i = rng.choice(win)
            sh = i["sh"]
            if sh["type"] != "day":
                continue
            t = sh["start"] + rng.randint(3, 7) * H
            mates = [s for s in on_duty(w, w.patrol_shifts[i["u"]["troop"]], t) if s["user"] != i["u"]["login"]
                     and w.by_login[s["user"]]["role"] != "captain"]
            if len(mates) >= 2:
                inc = make_incident(w, rng, i["u"], sh, t, "mvc", nveh=rng.randint(6, 8))
                inc["backups"] = [w.by_login[s["user"]] for s in rng.sample(mates, min(3, len(mates)))]
                inc["backup_shifts"] = {s["user"]: s for s in mates}
                inc["special"] = "multi_vehicle_crash"
                incs.append(inc)
                break
    stops = [i for i in win if i["type"] == "stop" and not i.get("special")]
    rng.shuffle(stops)
    si = 0
    for q in w.colleague_namesakes:
        emp_u = q["namesake_of_user"]
        while stops[si]["u"] is emp_u:
            si += 1
        stops[si]["persons"][0] = (q, "driver")
        stops[si]["special"] = "colleague_namesake"
        stops[si]["vehicles"] = [(q["plate"], q)] if q["plate"] else stops[si]["vehicles"]
        si += 1
    for q in w.celebrity_namesakes:
        stops[si]["persons"][0] = (q, "driver")
        stops[si]["special"] = "celebrity_namesake"
        stops[si]["vehicles"] = [(q["plate"], q)] if q["plate"] else stops[si]["vehicles"]
        si += 1
    # a staff relative legitimately stopped by a trooper of another troop / unit
    rels = [(a[1], w.by_login[u["login"]]) for u in w.users if u.get("emp") in w.assoc_by_emp
            for a in w.assoc_by_emp[u["emp"]] if a[0] in ("family", "spouse")]
    for _ in range(max(1, round(2 * w.scale))):
        q, emp_u = rng.choice(rels)
        while stops[si]["u"]["emp"] == emp_u["emp"]:
            si += 1
        st = stops[si]
        st["persons"][0] = (q, "driver")
        st["special"] = "staff_relative_stopped"
        st["note"] = f"driver is {q['relation']} of {emp_u['login']}"
        st["vehicles"] = [(q["plate"], q)] if q["plate"] else st["vehicles"]
        si += 1
    # a watch-listed official in a crash, worked properly
    crashes = [i for i in win if i["type"] == "crash" and not i.get("special")]
    if crashes:
        c = rng.choice(crashes)
        q = rng.choice([p for p in w.watch_people if p["category"] in ("official", "judge")])
        c["persons"][0] = (q, "driver")
        c["vehicles"][0] = (q["plate"], q) if q["plate"] else c["vehicles"][0]
        c["special"] = "watchlist_case_subject"
    # number the cases in time order
    incs.sort(key=lambda i: (i["t"], i["u"]["login"]))
    seq = {}
    for i in incs:
        lt, _ = local(i["t"])
        y = lt.year
        if y not in seq:
            seq[y] = int((lt.date() - dt.date(y, 1, 1)).days * 21.7 * len(w.patrol) / 10) + 1
        seq[y] += rng.choice([1, 1, 1, 2, 3])
        cid = f"HP-{y}-{seq[y]:06d}"
        i["case"] = cid
        opened = lt.date()
        close_after = {"stop": (0, 3, .9), "crash": (5, 30, .85), "mvc": (20, 60, .2), "assist": (0, 1, .97),
                       "dui": (10, 45, .6), "cfs": (0, 2, .9)}[i["type"]]
        closed = ""
        if rng.random() < close_after[2]:
            cd = opened + dt.timedelta(days=rng.randint(close_after[0], close_after[1]))
            if cd < w.day(w.D):
                closed = cd
        w.cases[cid] = {"case_id": cid, "status": "closed" if closed else "open", "opened": opened.isoformat(),
                        "closed": closed.isoformat() if closed else "", "unit": i["u"]["unit"],
                        "_closed": closed, "_opened": opened, "_t": i["t"], "_owner": i["u"]["login"],
                        "_type": i["type"]}
        w.assigns.append((cid, i["u"]["login"], opened.isoformat(), ""))
        w.user_cases[i["u"]["login"]].append(cid)
        for b in i.get("backups", []):
            w.assigns.append((cid, b["login"], opened.isoformat(), ""))
            w.user_cases[b["login"]].append(cid)
        seen = set()
        for p, role in i["persons"]:
            if p["idx"] not in seen:
                seen.add(p["idx"])
                w.subjects[cid].append(p)
        for plate, owner in i["vehicles"]:
            if owner is not None and owner["idx"] not in seen:
                seen.add(owner["idx"])
                w.subjects[cid].append(owner)
    w.incidents = incs
    # coverage for the trooper on leave
    lv = w.leave_user
    ld = dt.date.fromisoformat(lv["end_date"])
    w.cover_cases = []
    for cid in w.user_cases[lv["login"]]:
        c = w.cases[cid]
        if c["status"] == "open" or (c["_closed"] and c["_closed"] > ld):
            if c["_type"] in ("crash", "dui", "mvc") and c["_opened"] < ld:
                w.assigns.append((cid, w.cover_user["login"], ld.isoformat(), ""))
                w.cover_cases.append(cid)


def make_incident(w, rng, u, sh, t, typ, nveh=None):
    troop = u["troop"]
    persons, vehicles = [], []
    if typ in ("crash", "mvc"):
        nv = nveh or rng.choices([1, 2, 3], [40, 45, 15])[0]
    elif typ == "cfs":
        nv = 1
    else:
        nv = 1
    for _ in range(nv):
        drv = pick_driver(w, rng, troop)
        persons.append((drv, "driver"))
        if drv["plate"] and rng.random() < 0.85:
            vehicles.append((drv["plate"], drv))
        else:
            own = pick_driver(w, rng, troop)
            tries = 0
            while not own["plate"] and tries < 10:
                own = pick_driver(w, rng, troop)
                tries += 1
            vehicles.append((own["plate"] or new_plate(w, rng), own if own["plate"] else None))
        if typ != "assist" and rng.random() < 0.2:
            for _ in range(rng.choice([1, 1, 2])):
                persons.append((pick_driver(w, rng, troop), "passenger"))
    if typ == "cfs" and rng.random() < 0.5:
        persons = persons[:1]
    return {"t": t, "u": u, "sh": sh, "type": typ, "persons": persons, "vehicles": vehicles, "troop": troop}


# --------------------------------------------------------------------------- query building
def purpose_for(u, kind, rng):
    code, text, short = PURPOSES[kind]
    st = u["habit"]["purpose"]
    if rng.random() > 0.85:
        st = rng.choice(["code", "text", "short"])
    return {"code": code, "text": text, "short": short}[st]


def build_query(rng, u, p, mode, **kw):
    hb = u["habit"]
    q = {"mode": mode}
    if mode == "name":
        L, F, M, whole = T.typed_name(rng, hb, p, style=kw.get("style"), force_nick=kw.get("nick", False))
        q.update(L=L, F=F, M=M, whole=whole, sex=p["sex"])
        if kw.get("dob", True):
            q["dob_iso"] = p["dob"].isoformat()
            q["dob_typed"] = kw.get("dob_typed") or T.typed_dob(rng, hb, p["dob"])
        exact = L.upper() == p["last"] and F.upper() in (p["first"], "")
        q["rc"] = rng.choice([1, 1, 1, 2]) if exact else rng.choice([0, 0, 1, 2, 3])
    elif mode == "dl":
        q.update(dl_typed=T.typed_dl(rng, hb, p["pid"]), dl_digits=p["pid"].replace("-", ""), st=p["st"], rc=1)
    elif mode == "plate":
        pl = kw.get("plate") or p["plate"]
        q.update(plate_typed=T.typed_plate(rng, hb, pl, p["st"] if p else "CO"), plate_norm=pl,
                 st=p["st"] if p else "CO", rc=1)
    elif mode == "address":
        q.update(addr=T.typed_address(rng, hb, p), rc=rng.choice([1, 1, 2, 3, 5]))
    elif mode == "phone":
        q.update(phone=T.typed_phone(rng, hb, p["phone"]), rc=rng.choice([0, 1, 1, 2]))
    elif mode == "cdl":
        L, F, M, whole = T.typed_name(rng, hb, p, style="LF", allow_nick=False)
        q.update(L=L.upper(), F=F.upper(), dl_typed=T.typed_dl(rng, hb, p["pid"]),
                 dob_iso=p["dob"].isoformat(), rc=1)
    elif mode == "wild_name":
        q.update(pattern=kw["pattern"], F=kw.get("first", ""), rc=kw.get("rc", rng.randint(40, 600)))
    elif mode == "wild_plate":
        q.update(pattern=kw["pattern"], rc=kw.get("rc", rng.randint(20, 300)))
    elif mode == "test":
        q.update(L="TEST", F="TEST", M="", whole="TEST, TEST", dob_iso="1900-01-01", dob_typed="01/01/1900",
                 sex="M", rc=1)
    return q


ORI = {"T1": "CO0010100", "T2": "CO0010200", "T3": "CO0010300", "T4": "CO0010400", "T5": "CO0010500",
       "T6": "CO0010600", "HQ": "CO0010000", "DCC": "CO0010090", "CIAC": "CO001015Y", "POE-LOMA": "CO0010710",
       "POE-TRIN": "CO0010720", "DC-PUEBLO": "CO0010000"}


def fill(sys_, q, ev, site):
    m = q["mode"]
    ori = ORI.get(site, "CO0010000")
    if m == "none":
        ev["query_text"] = {"LPR": "EXPORT reads WHERE plate IN (case watch list) range=90d FORMAT=csv",
                            "RMS": "EXPORT crash_report,unit,person WHERE closed_date >= now()-7d FORMAT=csv"
                            }.get(sys_, "EXPORT")
        ev["result_count"] = q.get("rc", 1)
        return
    if sys_ == "NCIC":
        if m in ("name", "test"):
            nm = f"{q['L'].upper()}, {q['F'].upper()}" + (f" {q['M'].upper()}" if q.get("M") else "") if q["F"] \
                else q["L"].upper()
            ev["subject_name"] = nm
            qt = f"QW.{ori}.NAM/{nm}"
            if q.get("dob_iso"):
                ev["subject_dob"] = q["dob_iso"]
                qt += ".DOB/" + q["dob_iso"].replace("-", "")
            ev["query_text"] = qt + f".SEX/{q.get('sex', 'U')}"
        elif m in ("dl", "cdl"):
            dig = q.get("dl_digits") or q["dl_typed"].replace(" ", "").replace("-", "")
            ev["subject_person_id"] = dig
            ev["query_text"] = f"QW.{ori}.OLN/{dig}.OLS/{q.get('st', 'CO')}"
        elif m == "plate":
            ev["subject_plate"] = q["plate_norm"]
            ev["query_text"] = f"QV.{ori}.LIC/{q['plate_norm']}.LIS/{q.get('st', 'CO')}"
    elif sys_ in ("DMV", "DMV-MF"):
        if m in ("name", "test"):
            if sys_ == "DMV-MF":
                ev["subject_name"] = f"{q['L'].upper()}/{q['F'].upper()}" + (f" {q['M'].upper()}" if q.get("M") else "")
            else:
                ev["subject_last_name"] = q["L"]
                if q["F"]:
                    ev["subject_first_name"] = q["F"]
            if q.get("dob_typed"):
                ev["subject_dob"] = q["dob_typed"]
            ev["query_text"] = f"DL INQ LN={q['L']} FN={q['F']}" + (f" DOB={q['dob_typed']}" if q.get("dob_typed") else "")
        elif m == "dl":
            ev["subject_person_id"] = q["dl_typed"]
            ev["query_text"] = f"DL INQ OLN={q['dl_typed']}"
        elif m == "plate":
            ev["subject_plate"] = q["plate_typed"]
            ev["query_text"] = f"VR INQ PLT={q['plate_typed']}"
        elif m == "address":
            ev["subject_address"] = q["addr"]
            ev["query_text"] = f"VR INQ ADDR={q['addr']}"
        elif m == "wild_name":
            ev["subject_last_name"] = q["pattern"]
            if q["F"]:
                ev["subject_first_name"] = q["F"]
            ev["query_text"] = f"DL INQ LN={q['pattern']} FN={q['F']} PARTIAL=Y"
        elif m == "wild_plate":
            ev["subject_plate"] = q["pattern"]
            ev["query_text"] = f"VR INQ PLT={q['pattern']} PARTIAL=Y"
    elif sys_ == "RMS":
        if m in ("name", "test"):
            ev["subject_name"] = q["whole"]
            if q.get("dob_typed"):
                ev["subject_dob"] = q["dob_typed"]
            ev["query_text"] = f"person search name=\"{q['whole']}\"" + (f" dob={q['dob_typed']}" if q.get("dob_typed") else "")
        elif m == "dl":
            ev["subject_person_id"] = q["dl_typed"]
            ev["query_text"] = f"person search oln={q['dl_typed']}"
        elif m == "plate":
            ev["subject_plate"] = q["plate_typed"]
            ev["query_text"] = f"vehicle search plate={q['plate_typed']}"
        elif m == "address":
            ev["subject_address"] = q["addr"]
            ev["query_text"] = f"location search \"{q['addr']}\""
        elif m == "phone":
            ev["subject_phone"] = q["phone"]
            ev["query_text"] = f"phone search {q['phone']}"
        elif m == "wild_name":
            ev["subject_name"] = q["pattern"] + (f", {q['F']}" if q["F"] else "")
            ev["query_text"] = f"person search name=\"{ev['subject_name']}\" soundex=off"
        elif m == "case":
            ev["query_text"] = f"case search {q['case']}"
    elif sys_ == "CJIS":
        if m in ("name", "test"):
            s = {"last_name": q["L"]}
            if q["F"]:
                s["first_name"] = q["F"]
            if q.get("dob_iso"):
                s["dob"] = q["dob_iso"]
            ev["subject"] = s
            ev["query_text"] = f"CCH QH NAM={q['L']},{q['F']} DOB={q.get('dob_iso', '')}"
        elif m == "dl":
            ev["subject"] = {"person_id": q["dl_typed"]}
            ev["query_text"] = f"CCH QH OLN={q['dl_typed']}"
    elif sys_ == "CDLIS":
        ev["subject_person_id"] = q["dl_typed"]
        ev["subject_last_name"] = q["L"]
        ev["subject_first_name"] = q["F"]
        ev["subject_dob"] = q["dob_iso"]
        ev["query_text"] = f"CDLIS STATUS DLN={q['dl_typed']} NAM={q['L']},{q['F']}"
    elif sys_ == "CAD":
        ev["subject_address"] = q["addr"]
        ev["query_text"] = f"PREM {q['addr']}"
    elif sys_ == "LPR":
        if m == "plate":
            ev["subject_plate"] = q["plate_norm"]
            ev["query_text"] = f"reads plate={q['plate_norm']} range=90d"
        else:
            ev["subject_plate"] = q["pattern"]
            ev["query_text"] = f"reads plate~{q['pattern']} range=30d"
    elif sys_ == "IAPRO":
        if m == "name":
            ev["subject_name"] = f"{q['L'].title()}, {q['F'].title()}"
            ev["query_text"] = f"Employee/Person lookup: {ev['subject_name']}"
        elif m == "dl":
            ev["subject_person_id"] = q["dl_typed"]
            ev["query_text"] = f"Person lookup OLN {q['dl_typed']}"
    elif sys_ == "SAFER":
        ev["query_text"] = f"SNAPSHOT USDOT={q['usdot']}"
    ev["result_count"] = q.get("rc", 1)


def lookup(S, u, sh, t, q, systems, case_str, purpose, action="query", case_key=True):
    """One query, fanned out to one or more systems in the same second."""
    base = t - t % 1000
    offs = sorted(S.rng.sample(range(0, 1000), len(systems)))
    ids = []
    for sys_, off in zip(systems, offs):
        ev = {"user": u["login"], "action": action, "system": sys_, "session": sh["session"],
              "client": sh["client"], "ip": sh["ip"]}
        blank = case_str is None or case_str == ""
        if not blank:
            ev["case_id"] = case_str
        elif sys_ in ("DMV", "RMS", "CAD", "DMV-MF", "IAPRO", "CDLIS"):
            ev["case_id"] = ""
        if purpose:
            ev["purpose"] = purpose
        fill(sys_, q, ev, sh["site"])
        ids.append(S.emit(ev, base + off))
    return ids


def auth(S, u, sh, t, action, system="SSO"):
    t += S.rng.randint(0, 59999)
    ev = {"user": u["login"], "action": action, "system": system, "session": sh["session"],
          "client": sh["client"], "ip": sh["ip"]}
    return S.emit(ev, t)


def person_modes(p, rng, w_name=0.5):
    return "name" if rng.random() < w_name or not p["plate"] else "dl"


# --------------------------------------------------------------------------- patrol events
def gen_patrol(w):
    S = Stream(w, "patrol")
    rng = S.rng
    disp_shifts = [s for u in w.comm for s in w.shifts[u["login"]]]
    by_shift = defaultdict(list)
    for i in w.incidents:
        if i["t"] >= w.t0 - 2 * H:
            by_shift[id(i["sh"])].append(i)
    for u in w.patrol:
        for sh in w.shifts[u["login"]]:
            if sh["start"] < w.t0 or sh["start"] >= w.t_end:
                continue
            first = sh["start"] + rng.randint(1, 12) * MIN
            if rng.random() < 0.04:
                auth(S, u, sh, first - rng.randint(20, 90) * 1000, "login_failed")
            auth(S, u, sh, first, "login")
            last_t = first
            shift_ids = []
            for inc in by_shift.get(id(sh), []):
                ids = incident_lookups(w, S, rng, inc, disp_shifts)
                shift_ids += ids
                last_t = max(last_t, inc["t"] + 40 * MIN)
            if sh["type"] == "night":
                for eid, tt in [(e, x) for e, x in shift_ids]:
                    if 1.0 <= local_hour(tt) < 5.0:
                        w.hn(eid, "night_shift", f"{u['login']} on {sh['type']} shift {fmt_ts(sh['start'])[:16]}",
                             cap=2, key=(u["login"], sh["day"]))
            if sh.get("rotated"):
                for eid, tt in shift_ids[:2]:
                    w.hn(eid, "shift_change", f"troop {u['troop']} rotated shifts together on day {w.rot_day}")
            if rng.random() < 0.85:
                auth(S, u, sh, min(sh["end"], max(last_t, sh["end"] - rng.randint(0, 30) * MIN)), "logout")
            # report writing on the troop office PC after a day shift
            if sh["type"] == "day" and u["role"] != "captain" and rng.random() < 0.22:
                todays = [i for i in by_shift.get(id(sh), []) if i["persons"]]
                if todays:
                    pc = f"{u['troop']}-PC{rng.randint(1, 5):02d}"
                    t1 = max(sh["end"], last_t) + rng.randint(3, 9) * MIN
                    osh = mk_shift(w, u, sh["day"], t1, t1 + 40 * MIN, pc, "office")
                    w.shifts[u["login"]].append(osh)
                    auth(S, u, osh, t1, "login")
                    tt = t1 + rng.randint(1, 4) * MIN
                    for inc in rng.sample(todays, min(len(todays), rng.randint(1, 2))):
                        p = inc["persons"][0][0]
                        q = build_query(rng, u, p, "name")
                        ids = lookup(S, u, osh, tt, q, ["RMS"], T.typed_case(rng, u["habit"], inc["case"]),
                                     purpose_for(u, inc["type"], rng))
                        for e in ids:
                            w.hn(e, "two_terminals", f"{u['login']} moved from {sh['client']} to office PC {pc}")
                        tt += rng.randint(2, 8) * MIN
                    if rng.random() < 0.7:
                        auth(S, u, osh, tt + rng.randint(1, 5) * MIN, "logout")
    # court preparation on an own closed case (benign closed-case lookups)
    n_court = max(1, round(0.25 * len(w.patrol) * w.D / 14))
    cands = [s for u in w.patrol for s in w.shifts[u["login"]] if w.t0 <= s["start"] < w.t_end and s["type"] == "day"
             and s["client"].startswith("MDT")]
    for _ in range(n_court):
        sh = rng.choice(cands)
        u = w.by_login[sh["user"]]
        old = [c for c in w.user_cases[u["login"]] if w.cases[c]["status"] == "closed" and w.cases[c]["_type"] == "stop"
               and w.cases[c]["_closed"] < w.day(sh["day"]) - dt.timedelta(days=4) and w.cases[c]["_owner"] == u["login"]]
        if not old:
            continue
        cid = rng.choice(old)
        p = w.subjects[cid][0]
        t = sh["start"] + rng.randint(30, 120) * MIN
        ids = lookup(S, u, sh, t, build_query(rng, u, p, "name"), ["DMV", "NCIC"], T.typed_case(rng, u["habit"], cid),
                     purpose_for(u, "court", rng))
        for e in ids:
            w.hn(e, "court_prep_closed_case", f"{u['login']} re-ran the driver of own closed case {cid} before court")
    # coverage of the trooper on leave
    cu = w.cover_user
    ld = dt.date.fromisoformat(w.leave_user["end_date"])
    for sh in w.shifts[cu["login"]]:
        if not sh["client"].startswith("MDT") or w.day(sh["day"]) < ld or not w.cover_cases or sh["start"] < w.t0:
            continue
        for cid in rng.sample(w.cover_cases, min(len(w.cover_cases), rng.randint(1, 2))):
            p = rng.choice(w.subjects[cid])
            t = sh["start"] + rng.randint(20, 300) * MIN
            ids = lookup(S, cu, sh, t, build_query(rng, cu, p, "name"), ["RMS", "NCIC"],
                         T.typed_case(rng, cu["habit"], cid), purpose_for(cu, "follow", rng))
            for e in ids:
                w.hn(e, "leave_coverage", f"{cu['login']} follows up {cid} of {w.leave_user['login']} (on leave)")
    # a trooper at HQ for a training day (far from the troop, hours apart)
    far = [u for u in w.patrol if u["role"] == "trooper" and hdist(site_ll(u["site"]), site_ll("HQ")) > 150
           and u["status"] == "active"]
    if far:
        u = rng.choice(far)
        days = [s["day"] for s in w.shifts[u["login"]] if s["day"] >= 0]
        if days:
            d = rng.choice([x for x in range(w.D) if x not in days and w.day(x).weekday() < 5] or [w.D - 1])
            t1 = L2E(w.day(d), 8.5) + rng.randint(0, 20) * MIN
            pc = f"HQ-TRN-PC{rng.randint(1, 8):02d}"
            sh = mk_shift(w, u, d, t1, t1 + 6 * H, pc, "office")
            w.shifts[u["login"]].append(sh)
            e = auth(S, u, sh, t1, "login")
            w.hn(e, "training_travel", f"{u['login']} ({u['site']}) at HQ training day")
            own = [c for c in w.user_cases[u["login"]] if w.cases[c]["status"] == "open"]
            tt = t1 + 2 * H
            for cid in own[-2:]:
                ids = lookup(S, u, sh, tt, build_query(rng, u, w.subjects[cid][0], "name"), ["RMS"],
                             T.typed_case(rng, u["habit"], cid), purpose_for(u, "follow", rng))
                for e in ids:
                    w.hn(e, "training_travel", f"{u['login']} ran own case from HQ training room")
                tt += rng.randint(5, 40) * MIN
    for lst in w.shifts.values():
        lst.sort(key=lambda s: s["start"])


def site_ll(site):
    n, la, lo = W.SITES[site]
    return la, lo


def incident_lookups(w, S, rng, inc, disp_shifts):
    u, sh, t0 = inc["u"], inc["sh"], inc["t"]
    hb = u["habit"]
    out = []
    purpose = purpose_for(u, inc["type"], rng)
    special = inc.get("special")

    def case():
        return T.typed_case(rng, hb, inc["case"])

    def run(user, shift, t, q, systems, c=None, p=None):
        ids = lookup(S, user, shift, t, q, systems, c if c is not None else case(), p or purpose)
        out.extend((e, t) for e in ids)
        return ids

    if special == "multi_vehicle_crash":
        return mvc_lookups(w, S, rng, inc, disp_shifts)
    t = t0 - rng.randint(0, 90) * 1000
    # the plate, often run by dispatch over the radio
    for vi, (plate, owner) in enumerate(inc["vehicles"]):
        tv = t + vi * rng.randint(60, 240) * 1000
        dsp = on_duty(w, disp_shifts, tv) if rng.random() < 0.25 else []
        if dsp:
            ds = rng.choice(dsp)
            du = w.by_login[ds["user"]]
            q = build_query(rng, du, owner, "plate", plate=plate)
            ids = lookup(S, du, ds, tv, q, ["DMV", "NCIC"], inc["case"], "DISPATCH")
            out.extend((e, tv) for e in ids)
            for e in ids:
                w.hn(e, "dispatcher_for_trooper", f"{du['login']} ran plate for {u['login']} on {inc['case']}",
                     cap=1, key=du["login"])
        elif plate:
            q = build_query(rng, u, owner, "plate", plate=plate)
            run(u, sh, tv, q, ["DMV", "NCIC"])
    t += rng.randint(2, 6) * MIN
    for p, role in inc["persons"]:
        if inc["type"] == "cfs" and role == "driver" and rng.random() < 0.4:
            continue
        if role == "driver" and p["st"] == "CO" and rng.random() < 0.5:
            q = build_query(rng, u, p, "dl")
            systems = ["DMV", "NCIC"]
        else:
            q = build_query(rng, u, p, "name")
            systems = ["NCIC", "DMV"] if rng.random() < 0.75 else ["NCIC", "DMV", "RMS"]
            if inc["type"] == "dui" or rng.random() < 0.1:
                systems.append("CJIS")
        ids = run(u, sh, t, q, systems)
        if special and role == "driver":
            cls = special
            note = inc.get("note") or {"colleague_namesake": f"driver shares the name of {p.get('namesake_of_user', {}).get('login', '')}",
                                       "celebrity_namesake": "driver shares a watch-listed name, different DOB",
                                       "watchlist_case_subject": f"watch-listed {p.get('category')} in a crash, worked on {inc['case']}"}.get(special, special)
            for e in ids:
                w.hn(e, cls, note)
        t += rng.randint(1, 4) * MIN
    for b in inc.get("backups", []):
        pax = [p for p, role in inc["persons"] if role == "passenger"]
        if pax and rng.random() < 0.6:
            bs = inc["backup_shifts"][b["login"]]
            tb = t0 + rng.randint(4, 15) * MIN
            ids = lookup(S, b, bs, tb, build_query(rng, b, rng.choice(pax), "name"), ["NCIC", "DMV"],
                         T.typed_case(rng, b["habit"], inc["case"]), purpose_for(b, inc["type"], rng))
            out.extend((e, tb) for e in ids)
    if rng.random() < 0.015:
        x = pick_driver(w, rng, inc["troop"])
        ids = run(u, sh, t, build_query(rng, u, x, "name"), ["NCIC", "DMV"])
        for e in ids:
            w.hn(e, "unlisted_witness", f"witness/tow driver on {inc['case']} not entered as case subject")
    # automatic premise check by CAD for calls at a location
    if inc["type"] in ("cfs", "crash") and rng.random() < 0.3:
        svc = w.by_login["svc_cadprem"]
        p = inc["persons"][0][0]
        ssh = svc_shift(w, svc, t0)
        q = {"mode": "address", "addr": rec_addr(p).split(",")[0], "rc": rng.randint(0, 4)}
        ids = lookup(S, svc, ssh, t0 + rng.randint(5, 40) * 1000, q, ["CAD"], inc["case"], "PREMISE_HISTORY")
        out.extend((e, t0) for e in ids)
    return out


def svc_shift(w, u, t):
    d = (t - w.t0) // DAY
    key = (u["login"], d)
    if key not in w.__dict__.setdefault("_svc_sh", {}):
        st = w.t0 + d * DAY
        w._svc_sh[key] = mk_shift(w, u, d, st, st + DAY, u["pc"], "svc")
    return w._svc_sh[key]


def mvc_lookups(w, S, rng, inc, disp_shifts):
    u, sh, t0 = inc["u"], inc["sh"], inc["t"]
    crew = [(u, sh)] + [(b, inc["backup_shifts"][b["login"]]) for b in inc["backups"]]
    out = []
    tasks = []
    for plate, owner in inc["vehicles"]:
        tasks.append(("plate", owner, plate))
    for p, role in inc["persons"]:
        tasks.append(("name", p, None))
        if role == "driver" and p["st"] == "CO":
            tasks.append(("dl", p, None))
    for plate, owner in inc["vehicles"]:
        if owner is not None and rng.random() < 0.5:
            tasks.append(("name", owner, None))
    rng.shuffle(tasks)
    n = 0
    for kind, p, plate in tasks:
        if n >= 40:
            break
        who, ws = rng.choice(crew)
        t = t0 + rng.randint(0, 10 * 60) * 1000
        if kind == "plate":
            q = build_query(rng, who, p, "plate", plate=plate)
            systems = ["DMV", "NCIC"]
        elif kind == "dl":
            q = build_query(rng, who, p, "dl")
            systems = ["DMV"]
        else:
            q = build_query(rng, who, p, "name")
            systems = ["NCIC", "DMV"]
        ids = lookup(S, who, ws, t, q, systems, T.typed_case(rng, who["habit"], inc["case"]),
                     purpose_for(who, "crash", rng))
        n += len(ids)
        for e in ids:
            w.hn(e, "multi_vehicle_crash", f"{len(inc['vehicles'])}-vehicle crash {inc['case']}, {len(crew)} troopers")
            out.append((e, t))
    return out


# --------------------------------------------------------------------------- dispatch
def gen_dispatch(w):
    S = Stream(w, "dispatch")
    rng = S.rng
    for u in w.comm:
        for sh in w.shifts[u["login"]]:
            auth(S, u, sh, sh["start"] + rng.randint(0, 6) * MIN, "login")
            n = rng.randint(14, 34)
            for _ in range(n):
                t = rng.randint(sh["start"] + 10 * MIN, sh["end"] - 5 * MIN)
                r = rng.random()
                if r < 0.5:
                    p = rng.choice(w.pool[rng.choice(w.troops + ["METRO"])])
                    q = build_query(rng, u, p, "address")
                    cad = f"C{str(local(t)[0].year)[2:]}{local(t)[0].strftime('%m%d')}-{rng.randint(1, 999):04d}"
                    c = cad if rng.random() < 0.5 else T.missing_case(rng)
                    ids = lookup(S, u, sh, t, q, ["CAD"], c, "PREMISE_HISTORY")
                    for e in ids:
                        w.hn(e, "premise_history", "dispatcher premise history on an address for a call",
                             cap=3, key=u["login"])
                elif r < 0.8:
                    p = rng.choice(w.pool[rng.choice(w.troops + ["METRO", "OOS"])])
                    q = build_query(rng, u, p, "name")
                    ids = lookup(S, u, sh, t, q, ["NCIC", "DMV"], T.missing_case(rng), "DISPATCH")
                    for e in ids:
                        w.hn(e, "dispatch_assist", "wants check relayed for an allied agency unit",
                             cap=2, key=u["login"])
                else:
                    p = rng.choice(w.pool[rng.choice(w.troops + ["METRO"])])
                    if not p["plate"]:
                        continue
                    q = build_query(rng, u, p, "plate")
                    lookup(S, u, sh, t, q, ["DMV", "NCIC"], T.missing_case(rng), "DISPATCH")
            if rng.random() < 0.8:
                auth(S, u, sh, sh["end"] - rng.randint(0, 10) * MIN, "logout")


# --------------------------------------------------------------------------- ports of entry
def gen_ports(w):
    S = Stream(w, "ports")
    rng = S.rng
    pool = w.pool["CDL"]
    regulars = rng.sample(pool, min(len(pool), 300))
    for u in w.poe:
        for sh in w.shifts[u["login"]]:
            auth(S, u, sh, sh["start"] + rng.randint(0, 8) * MIN, "login")
            n = rng.randint(20, 40) if u["role"] == "poe_sup" else rng.randint(140, 260)
            letter = "L" if u["port"] == "POE-LOMA" else "T"
            lt = local(sh["start"])[0]
            first = True
            for k in range(n):
                t = int(rng.triangular(sh["start"] + 10 * MIN, sh["end"] - 5 * MIN, sh["start"] + 5 * H))
                p = rng.choice(regulars) if rng.random() < 0.2 else rng.choice(pool)
                insp = f"{letter}{lt.strftime('%y%m%d')}-{rng.randint(1, 400):04d}"
                case = insp if rng.random() < 0.55 else ""
                ids = lookup(S, u, sh, t, build_query(rng, u, p, "cdl"), ["CDLIS"], case, "PORT_INSPECTION")
                if first:
                    w.hn(ids[0], "port_inspection_volume", f"{u['login']} ran {n} truck drivers this shift at {u['port']}")
                    first = False
                if rng.random() < 0.8:
                    q = build_query(rng, u, p, "plate", plate=p["truck_plate"])
                    lookup(S, u, sh, t + rng.randint(20, 90) * 1000, q, ["DMV"], case, "PORT_INSPECTION")
                if rng.random() < 0.25:
                    q = build_query(rng, u, p, "name", style="LFM")
                    lookup(S, u, sh, t + rng.randint(30, 120) * 1000, q, ["NCIC"], case, "PORT_INSPECTION")
                if rng.random() < 0.5:
                    q = {"mode": "safer", "usdot": p["usdot"], "rc": 1}
                    lookup(S, u, sh, t + rng.randint(5, 60) * 1000, q, ["SAFER"], case, "PORT_INSPECTION")
            auth(S, u, sh, sh["end"], "logout")


# --------------------------------------------------------------------------- CIB, fusion, IA
def new_case(w, rng, prefix, year, num, unit, opened, closed=None, width=4):
    cid = f"{prefix}-{year}-{num:0{width}d}"
    w.cases[cid] = {"case_id": cid, "status": "closed" if closed else "open", "opened": opened.isoformat(),
                    "closed": closed.isoformat() if closed else "", "unit": unit, "_closed": closed,
                    "_opened": opened, "_type": prefix.lower(), "_owner": None}
    return cid


def office_days(w, u):
    return [s for s in w.shifts[u["login"]] if s["type"] == "office"]


def gen_cib(w):
    S = Stream(w, "cib")
    rng = S.rng
    regs = w.troops + ["METRO", "METRO"]
    seqs = defaultdict(lambda: rng.randint(80, 200))
    w.cib_cases = defaultdict(list)
    w.cib_leads = {}
    all_c = []
    for u in w.cib:
        for _ in range(rng.randint(25, 45)):
            opened = w.start - dt.timedelta(days=rng.randint(10, 520))
            seqs[opened.year] += rng.randint(1, 3)
            closed = None
            r = rng.random()
            if r < 0.08:
                closed = w.start - dt.timedelta(days=rng.randint(1, 9))
            elif r < 0.14:
                closed = w.day(rng.randint(1, w.D - 1))
            cid = new_case(w, rng, "CIB", opened.year, seqs[opened.year], "CRIMINAL INVESTIGATIONS", opened, closed)
            w.cases[cid]["_owner"] = u["login"]
            subs = [rng.choice(w.pool[rng.choice(regs)]) for _ in range(rng.randint(3, 9))]
            w.subjects[cid] += subs
            leads = [rng.choice(w.pool[rng.choice(regs)]) for _ in range(rng.randint(0, 4))]
            listed = [x for x in leads if rng.random() < 0.7]
            w.subjects[cid] += listed
            w.cib_leads[cid] = [(x, x in listed) for x in leads]
            w.assigns.append((cid, u["login"], opened.isoformat(), ""))
            w.cib_cases[u["login"]].append(cid)
            all_c.append(cid)
    for u in w.cib:   # co-assignments
        for cid in rng.sample(all_c, min(len(all_c), rng.randint(3, 8))):
            if cid not in w.cib_cases[u["login"]]:
                frm = max(w.cases[cid]["_opened"], w.start - dt.timedelta(days=rng.randint(0, 200)))
                w.assigns.append((cid, u["login"], frm.isoformat(), ""))
                w.cib_cases[u["login"]].append(cid)
    for u in w.cib:
        w.user_cases[u["login"]] += w.cib_cases[u["login"]]
    w.hit_and_run = []
    for u in w.cib:
        for sh in office_days(w, u):
            auth(S, u, sh, sh["start"], "login")
            day = w.day(sh["day"])
            open_c = [c for c in w.cib_cases[u["login"]] if not w.cases[c]["_closed"] or w.cases[c]["_closed"] >= day]
            if not open_c:
                continue
            for cid in rng.sample(open_c, min(len(open_c), rng.randint(3, 7))):
                t = rng.randint(sh["start"] + 20 * MIN, sh["end"] - 40 * MIN)
                for _ in range(rng.randint(2, 9)):
                    leads = w.cib_leads.get(cid, [])
                    if leads and rng.random() < 0.15:
                        p, listed = rng.choice(leads)
                    else:
                        p, listed = rng.choice(w.subjects[cid]), True
                    mode = rng.choices(["name", "dl", "plate", "address", "phone"], [55, 10, 15, 12, 8])[0]
                    if mode == "plate" and not p["plate"]:
                        mode = "name"
                    systems = {"name": rng.choice([["RMS", "CJIS", "NCIC"], ["RMS"], ["CJIS", "NCIC"], ["DMV"]]),
                               "dl": ["DMV"], "plate": rng.choice([["DMV"], ["LPR"], ["DMV", "LPR"]]),
                               "address": ["RMS"], "phone": ["RMS"]}[mode]
                    ids = lookup(S, u, sh, t, build_query(rng, u, p, mode), systems,
                                 T.typed_case(rng, u["habit"], cid), purpose_for(u, "cib", rng))
                    if not listed:
                        for e in ids:
                            w.hn(e, "investigative_lead_unlisted", f"lead on {cid} not (yet) a case subject")
                    t += rng.randint(1, 15) * MIN
            if rng.random() < 0.06:
                cid = rng.choice(open_c)
                t = rng.randint(sh["start"] + H, sh["end"] - H)
                ev_ids = lookup(S, u, sh, t, {"mode": "none", "rc": rng.randint(200, 3500)}, ["LPR"],
                                T.typed_case(rng, u["habit"], cid), purpose_for(u, "cib", rng), action="export")
                for e in ev_ids:
                    w.hn(e, "investigative_export", f"LPR read history export for {cid}")
            if rng.random() < 0.6:
                auth(S, u, sh, sh["end"], "logout")
    # partial-plate search on a hit and run
    for _ in range(max(1, round(w.scale))):
        u = rng.choice(w.cib)
        days = office_days(w, u)
        if not days:
            continue
        sh = rng.choice(days)
        cid = rng.choice(w.cib_cases[u["login"]])
        veh = rng.choice([x for x in w.subjects[cid] if x["plate"]] or w.pool["METRO"][:1])
        pat = veh["plate"][:3] + "*"
        t = sh["start"] + 2 * H
        for sysl in (["DMV"], ["LPR"]):
            ids = lookup(S, u, sh, t, build_query(rng, u, None, "wild_plate", pattern=pat), sysl,
                         T.typed_case(rng, u["habit"], cid), purpose_for(u, "cib", rng))
            for e in ids:
                w.hn(e, "partial_plate_search", f"hit-and-run partial plate {pat} on {cid}")
            t += rng.randint(2, 10) * MIN


def gen_fusion(w):
    S = Stream(w, "fusion")
    rng = S.rng
    seq = rng.randint(20, 60)
    w.fc_cases = defaultdict(list)
    regs = w.troops + ["METRO", "METRO", "OOS"]
    for u in w.fusion:
        for _ in range(rng.randint(4, 8)):
            opened = w.start - dt.timedelta(days=rng.randint(5, 200))
            seq += rng.randint(1, 4)
            cid = new_case(w, rng, "FC", opened.year, seq, "FUSION CENTER", opened,
                           w.day(rng.randint(1, w.D - 1)) if rng.random() < 0.1 else None)
            w.cases[cid]["_owner"] = u["login"]
            w.subjects[cid] += [rng.choice(w.pool[rng.choice(regs)]) for _ in range(rng.randint(10, 40))]
            w.assigns.append((cid, u["login"], opened.isoformat(), ""))
            w.fc_cases[u["login"]].append(cid)
            w.user_cases[u["login"]].append(cid)
    for u in w.fusion:
        for sh in office_days(w, u):
            auth(S, u, sh, sh["start"], "login")
            prods = w.fc_cases[u["login"]]
            n = rng.randint(50, 140)
            for _ in range(n):
                t = rng.randint(sh["start"] + 15 * MIN, sh["end"] - 15 * MIN)
                cid = rng.choice(prods)
                r = rng.random()
                case = T.typed_case(rng, u["habit"], cid) if rng.random() < 0.7 else ""
                if r < 0.4:
                    p = rng.choice(w.subjects[cid])
                    lookup(S, u, sh, t, build_query(rng, u, p, "name"), rng.choice([["RMS", "CJIS"], ["RMS"], ["CJIS"]]),
                           case, "CRIM_INTEL")
                elif r < 0.85:
                    p = rng.choice(w.pool[rng.choice(regs)])
                    ids = lookup(S, u, sh, t, build_query(rng, u, p, rng.choice(["name", "name", "address"])),
                                 ["RMS"], case, "CRIM_INTEL")
                    for e in ids:
                        w.hn(e, "analyst_broad_search", "analyst link analysis outside the listed product subjects",
                             cap=3, key=(u["login"], sh["day"]))
                elif r < 0.95:
                    base = rng.choice(w.pool[rng.choice(regs)])
                    pat = base["last"][:rng.randint(3, 5)] + "*"
                    ids = lookup(S, u, sh, t, build_query(rng, u, None, "wild_name", pattern=pat,
                                                          first=base["first"][:1] if rng.random() < 0.4 else ""),
                                 ["RMS"], case, "CRIM_INTEL")
                    for e in ids:
                        w.hn(e, "analyst_broad_search", f"analyst partial-name search {pat} for a product",
                             cap=2, key=(u["login"], "wild", sh["day"]))
                else:
                    p = rng.choice(w.subjects[cid])
                    if p["plate"]:
                        lookup(S, u, sh, t, build_query(rng, u, p, "plate"), ["LPR"], case, "CRIM_INTEL")
            if rng.random() < 0.12:
                t = rng.randint(sh["start"] + H, sh["end"] - H)
                ids = lookup(S, u, sh, t, {"mode": "none", "rc": rng.randint(2000, 20000)}, ["LPR"],
                             T.typed_case(rng, u["habit"], rng.choice(prods)), "CRIM_INTEL", action="export")
                for e in ids:
                    w.hn(e, "analyst_export", "analyst exports LPR reads for a corridor product")
            auth(S, u, sh, sh["end"], "logout")


def gen_ia(w):
    S = Stream(w, "ia")
    rng = S.rng
    seq = rng.randint(5, 30)
    targets = [u for u in w.patrol + w.poe if u["status"] == "active" and u["person"]]
    w.ia_cases = defaultdict(list)
    for u in w.ia:
        for _ in range(rng.randint(3, 6)):
            opened = w.start - dt.timedelta(days=rng.randint(5, 150))
            seq += 1
            cid = new_case(w, rng, "IA", opened.year, seq, "PROFESSIONAL STANDARDS", opened, width=3)
            w.cases[cid]["_owner"] = u["login"]
            tr = rng.choice(targets)
            comp = [rng.choice(w.pool[rng.choice(w.troops)]) for _ in range(rng.randint(1, 2))]
            w.subjects[cid] += [tr["person"]] + comp
            w.cases[cid]["_target"] = tr
            w.assigns.append((cid, u["login"], opened.isoformat(), ""))
            w.ia_cases[u["login"]].append(cid)
            w.user_cases[u["login"]].append(cid)
    for u in w.ia:
        for sh in office_days(w, u):
            auth(S, u, sh, sh["start"], "login")
            for _ in range(rng.randint(3, 14)):
                cid = rng.choice(w.ia_cases[u["login"]])
                t = rng.randint(sh["start"] + 20 * MIN, sh["end"] - 20 * MIN)
                tr = w.cases[cid]["_target"]
                if rng.random() < 0.55:
                    p = tr["person"]
                    mode = rng.choice(["name", "name", "dl", "plate"])
                    if mode == "plate" and not p["plate"]:
                        mode = "name"
                    systems = {"name": rng.choice([["IAPRO"], ["RMS", "DMV"], ["DMV"]]), "dl": ["DMV"],
                               "plate": ["DMV", "LPR"]}[mode]
                    ids = lookup(S, u, sh, t, build_query(rng, u, p, mode), systems,
                                 T.typed_case(rng, u["habit"], cid), purpose_for(u, "ia", rng))
                    for e in ids:
                        w.hn(e, "ia_case_subject", f"IA investigator looks up {tr['login']}, subject of {cid}")
                else:
                    p = rng.choice(w.subjects[cid][1:])
                    lookup(S, u, sh, t, build_query(rng, u, p, "name"), ["RMS", "DMV"],
                           T.typed_case(rng, u["habit"], cid), purpose_for(u, "ia", rng))
            auth(S, u, sh, sh["end"], "logout")


def gen_records(w):
    S = Stream(w, "records")
    rng = S.rng
    closed = [c for c, v in w.cases.items() if c.startswith("HP-") and v["status"] == "closed"]
    crashes = [c for c in closed if w.cases[c]["_type"] in ("crash", "mvc")] or closed
    for u in w.records:
        mf = w.by_login.get(u.get("mf_login", ""), None)
        for sh in office_days(w, u):
            auth(S, u, sh, sh["start"], "login")
            day = w.day(sh["day"])
            avail = [c for c in crashes if w.cases[c]["_closed"] and w.cases[c]["_closed"] <= day]
            for _ in range(rng.randint(8, 22)):
                if not avail:
                    break
                cid = rng.choice(avail)
                t = rng.randint(sh["start"] + 15 * MIN, sh["end"] - 15 * MIN)
                lookup(S, u, sh, t, {"mode": "case", "case": cid, "rc": 1}, ["RMS"], cid, "PUBLIC_RECORDS")
                for p in w.subjects[cid][:rng.randint(1, 2)]:
                    t += rng.randint(20, 200) * 1000
                    ids = lookup(S, u, sh, t, build_query(rng, u, p, "name"), ["RMS"], rng.choice([cid, "", "PRR"]),
                                 "PUBLIC_RECORDS")
                    for e in ids:
                        w.hn(e, "records_request", "crash report request; case closed, clerk not assigned",
                             cap=2, key=(u["login"], sh["day"]))
            for _ in range(rng.randint(3, 12)):
                t = rng.randint(sh["start"] + 15 * MIN, sh["end"] - 15 * MIN)
                cid = rng.choice(closed)
                p = rng.choice(w.subjects[cid])
                if mf:
                    msh = w.__dict__.setdefault("_mf_sh", {}).get((mf["login"], sh["day"]))
                    if msh is None:
                        msh = mk_shift(w, mf, sh["day"], sh["start"] + 5 * MIN, sh["end"], sh["client"], "office")
                        w._mf_sh[(mf["login"], sh["day"])] = msh
                        w.shifts[mf["login"]].append(msh)
                        auth(S, mf, msh, msh["start"], "login", system="DMV-MF")
                    lookup(S, mf, msh, t, build_query(rng, mf, p, "name", style="LFM"), ["DMV-MF"], "",
                           "COURT_REQUEST")
                else:
                    lookup(S, u, sh, t, build_query(rng, u, p, "name"), ["DMV"], "", "COURT_REQUEST")
            for _ in range(rng.randint(0, 4)):
                t = rng.randint(sh["start"] + 15 * MIN, sh["end"] - 15 * MIN)
                cid = rng.choice(closed + [c for c in w.cases if c.startswith("HP-")][-500:])
                p = rng.choice(w.subjects[cid])
                ids = lookup(S, u, sh, t, build_query(rng, u, p, "name"), ["RMS"], cid, "RECORD_CORRECTION",
                             action="update")
                for e in ids:
                    w.hn(e, "record_correction", f"records clerk corrects a subject on {cid}")
            if sh["day"] % 7 == 2 and u is w.records[0]:
                t = sh["start"] + rng.randint(2, 5) * H
                ids = lookup(S, u, sh, t, {"mode": "none", "rc": rng.randint(3000, 12000)}, ["RMS"], "",
                             "PUBLIC_RECORDS", action="export")
                for e in ids:
                    w.hn(e, "records_export", "weekly crash-data extract for the DOT")
            auth(S, u, sh, sh["end"], "logout")


def gen_it_admin(w):
    S = Stream(w, "it")
    rng = S.rng
    for u in w.it + [w.chief]:
        adm = w.by_login.get(u["login"] + "_adm")
        for sh in office_days(w, u):
            auth(S, u, sh, sh["start"], "login")
            if u is not w.chief:
                for _ in range(rng.randint(0, 4)):
                    t = rng.randint(sh["start"] + 15 * MIN, sh["end"] - 15 * MIN)
                    lookup(S, u, sh, t, build_query(rng, u, None, "test"), rng.choice([["DMV"], ["NCIC"], ["NCIC", "DMV"]]),
                           "", "SYSTEM_TEST")
                if adm and rng.random() < 0.6:
                    ash = mk_shift(w, adm, sh["day"], sh["start"] + 2 * H, sh["start"] + 3 * H, u["pc"], "office")
                    w.shifts[adm["login"]].append(ash)
                    auth(S, adm, ash, ash["start"], "login")
                    for _ in range(rng.randint(1, 5)):
                        ev = {"user": adm["login"], "action": rng.choice(["user_unlock", "password_reset", "config_change"]),
                              "system": "ADMIN", "session": ash["session"], "client": ash["client"], "ip": ash["ip"],
                              "query_text": f"target={rng.choice(w.users)['login']}"}
                        S.emit(ev, ash["start"] + rng.randint(1, 50) * MIN)
            auth(S, u, sh, sh["end"], "logout")
    # on-call night for IT
    for _ in range(max(1, round(w.scale))):
        u = rng.choice(w.it)
        adm = w.by_login[u["login"] + "_adm"]
        d = rng.randint(0, w.D - 1)
        t = L2E(w.day(d), rng.uniform(1.0, 4.0))
        sh = mk_shift(w, adm, d, t, t + H, u["laptop"], "oncall")
        w.shifts[adm["login"]].append(sh)
        ids = [auth(S, adm, sh, t, "login")]
        for k in range(rng.randint(2, 5)):
            ev = {"user": adm["login"], "action": "config_change", "system": "ADMIN", "session": sh["session"],
                  "client": sh["client"], "ip": sh["ip"], "query_text": "restart NCIC interface queue"}
            ids.append(S.emit(ev, t + (k + 1) * 4 * MIN))
        ids += lookup(S, adm, sh, t + 25 * MIN, build_query(rng, adm, None, "test"), ["NCIC"], "", "SYSTEM_TEST")
        for e in ids:
            w.hn(e, "it_oncall_night", f"{adm['login']} on call, NCIC interface outage")


def gen_service(w):
    S = Stream(w, "svc")
    rng = S.rng
    lpr, purge = w.by_login["svc_lprhit"], w.by_login["NCICPURGE"]
    hot = [p for p in rng.sample(w.pool["METRO"] + w.pool["T1"] + w.pool["T2"], 400) if p["plate"]]
    for d in range(w.D):
        sh = svc_shift(w, lpr, w.t0 + d * DAY + 1)
        for hh in range(24):
            for _ in range(rng.randint(2, 9)):
                t = w.t0 + d * DAY + hh * H + rng.randint(0, H - 1)
                p = rng.choice(hot)
                ids = lookup(S, lpr, sh, t, {"mode": "plate", "plate_norm": p["plate"], "plate_typed": p["plate"],
                                             "st": "CO", "rc": 1}, ["NCIC"], "", "LPR_HOTLIST")
                w.hn(ids[0], "lpr_relay", "LPR hot-list hit confirmation", cap=2, key=d)
        sh = svc_shift(w, purge, w.t0 + d * DAY + 1)
        t = L2E(w.day(d), 2.0 + rng.randint(5, 20) / 60.0)
        n = rng.randint(120, 420)
        for k in range(n):
            p = rng.choice(w.pool[rng.choice(w.troops + ["METRO"])])
            ev = {"user": purge["login"], "action": "validate", "system": "NCIC", "session": sh["session"],
                  "client": sh["client"], "ip": sh["ip"], "purpose": "NCIC_VALIDATION",
                  "subject_person_id": p["pid"].replace("-", ""),
                  "subject_name": f"{p['last']}, {p['first']}", "result_count": 1,
                  "query_text": f"$.V.{ORI['HQ']}.NIC/W{rng.randint(100000000, 999999999)}"}
            e = S.emit(ev, t + rng.randint(0, 59999) + k * rng.randint(400, 1600))
            if k == 0:
                w.hn(e, "ncic_purge", f"nightly NCIC validation/purge batch, {n} records")


def gen_bolo(w):
    """An attempt-to-locate: many troopers and dispatchers run one suspect in a couple of hours."""
    S = Stream(w, "bolo")
    rng = S.rng
    for _ in range(max(1, round(w.scale))):
        owner = rng.choice(w.cib)
        cid = rng.choice(w.cib_cases[owner["login"]])
        susp = w.subjects[cid][0]
        d = rng.randint(1, w.D - 2)
        t0 = L2E(w.day(d), rng.uniform(9, 19))
        cands = []
        for u in w.patrol + w.comm:
            for sh in w.shifts[u["login"]]:
                if sh["start"] <= t0 + H <= sh["end"]:
                    cands.append((u, sh))
        rng.shuffle(cands)
        for u, sh in cands[:rng.randint(8, 13)]:
            t = t0 + rng.randint(0, 150) * MIN
            t = min(max(t, sh["start"] + MIN), sh["end"] - MIN)
            mode = "plate" if susp["plate"] and rng.random() < 0.4 else "name"
            ids = lookup(S, u, sh, t, build_query(rng, u, susp, mode), ["NCIC", "DMV"],
                         T.typed_case(rng, u["habit"], cid) if rng.random() < 0.7 else "", "ATL_BOLO")
            for e in ids:
                w.hn(e, "bolo_surge", f"attempt-to-locate broadcast for the suspect of {cid}")


# --------------------------------------------------------------------------- injection
class Injector:
    def __init__(self, w):
        self.w = w
        self.S = Stream(w, "inject")
        self.rng = self.S.rng
        self.pool_all = [p for r in w.troops + ["METRO"] for p in w.pool[r]]

    def label(self, det, kind, user, ids_t, note, users=None):
        if not ids_t:
            return
        ids = sorted({e for e, t in ids_t}, key=lambda e: (self.w.ev_t[e], e))
        ts = [self.w.ev_t[e] for e in ids]
        lab = {"detector": det, "kind": kind, "user": user, "event_ids": ids,
               "window_start": fmt_ts(min(ts), "ms"), "window_end": fmt_ts(max(ts), "ms")}
        if users:
            lab["users"] = users
        lab["note"] = note
        self.w.labels.append(lab)

    def shift_of(self, u, kinds=None, window=True, cond=None):
        sh = [s for s in self.w.shifts[u["login"]] if (not window or (s["start"] >= self.w.t0 and s["end"] < self.w.t_end))
              and (kinds is None or s["type"] in kinds) and (cond is None or cond(s))
              and s["end"] - s["start"] >= 4 * H]
        return self.rng.choice(sh) if sh else None

    def pick(self, users, **kw):
        users = users[:]
        self.rng.shuffle(users)
        for u in users:
            sh = self.shift_of(u, **kw)
            if sh:
                return u, sh
        return None, None

    def when(self, sh):
        return self.rng.randint(sh["start"] + 40 * MIN, max(sh["start"] + 41 * MIN, sh["end"] - 60 * MIN))

    def own_case(self, u, t):
        day = local(t)[0].date()
        cs = [c for c in self.w.user_cases[u["login"]] if self.w.cases[c]["_opened"] <= day and
              (not self.w.cases[c]["_closed"] or self.w.cases[c]["_closed"] > day)]
        if u["role"] in ("trooper", "sergeant", "captain"):
            recent = [c for c in cs if c.startswith("HP-") and self.w.cases[c].get("_t", 0) <= t and
                      self.w.cases[c].get("_t", 0) > t - 10 * H]
            cs = recent or cs
        return self.rng.choice(cs) if cs else None

    def purpose(self, u):
        role = u["role"]
        if role in ("trooper", "sergeant", "captain"):
            return purpose_for(u, self.rng.choice(["stop", "stop", "crash", "follow"]), self.rng)
        if role in ("detective", "cib_lt"):
            return purpose_for(u, "cib", self.rng)
        if role in ("ia", "ia_lt"):
            return purpose_for(u, "ia", self.rng)
        return self.rng.choice(["INFO", "follow up", "INQUIRY", "misc"])

    def exempt_purpose(self, u):
        return {"inspector": "PORT_INSPECTION", "poe_sup": "PORT_INSPECTION", "dispatcher": "DISPATCH",
                "comm_sup": "DISPATCH", "analyst": "CRIM_INTEL", "fusion_sup": "CRIM_INTEL",
                "records": "PUBLIC_RECORDS", "records_sup": "PUBLIC_RECORDS"}.get(u["role"])

    def case_ctx(self, u, t, person, mode=None):
        """Choose how the case field is filled; returns (case_str, purpose, no_case kind or None)."""
        rng = self.rng
        ex = self.exempt_purpose(u)
        if ex and (mode == "exempt" or (mode is None and rng.random() < 0.7)):
            return "", ex, None
        if mode is None:
            mode = rng.choice(["missing", "missing", "own", "own", "own"])
        if mode == "own":
            cid = self.own_case(u, t)
            if cid and not any(p["idx"] == person["idx"] for p in self.w.subjects[cid]):
                return T.typed_case(rng, u["habit"], cid), self.purpose(u), "subject_not_in_case"
            mode = "missing"
        return T.missing_case(rng), self.purpose(u), "missing"

    def systems_for(self, u, mode):
        rng = self.rng
        role = u["role"]
        if role in ("inspector", "poe_sup"):
            return {"name": ["NCIC"], "dl": ["CDLIS"] if False else ["DMV"], "plate": ["DMV"],
                    "address": ["DMV"], "phone": ["RMS"]}.get(mode, ["DMV"])
        if role in ("dispatcher", "comm_sup"):
            return {"name": ["NCIC", "DMV"], "dl": ["DMV"], "plate": ["DMV", "NCIC"], "address": ["CAD"],
                    "phone": ["RMS"]}.get(mode)
        return {"name": rng.choice([["NCIC", "DMV"], ["NCIC", "DMV", "RMS"], ["RMS"], ["DMV"]]),
                "dl": rng.choice([["DMV"], ["DMV", "NCIC"]]), "plate": rng.choice([["DMV", "NCIC"], ["DMV"]]),
                "address": ["RMS"], "phone": ["RMS"]}.get(mode)

    def run(self, u, sh, t, p, mode, case_str, purpose, **kw):
        q = build_query(self.rng, u, p, mode, **kw)
        ids = lookup(self.S, u, sh, t, q, kw.get("systems") or self.systems_for(u, mode), case_str, purpose)
        return [(e, t) for e in ids]

    def users_of(self, roles, need_person=True, status="active"):
        return [u for u in self.w.users if u["role"] in roles and (u["person"] or not need_person)
                and u["status"] == status and self.w.shifts[u["login"]] and "primary" not in u]

    def n(self, base):
        x = base * self.w.scale
        k = int(x)
        return max(1, k + (1 if self.rng.random() < x - k else 0))

    def add_nc(self, u, nc, ids, note):
        if nc:
            self.label("no_case", nc, u["login"], ids, note)

    # ---- kinds
    def self_queries(self):
        rng = self.rng
        cands = self.users_of(("trooper", "sergeant", "detective", "ia", "dispatcher", "inspector", "analyst", "records"))
        kinds = ["person_id", "name_dob", "name_dob", "plate", "address", "phone", "name_only"]
        for kind in kinds:
            for _ in range(self.n(0.8 if kind != "name_dob" else 0.7)):
                u = rng.choice([x for x in cands if (kind != "plate" or x["person"]["plate"])
                                and (kind != "person_id" or x["pid_known"])])
                sh = self.shift_of(u)
                if not sh:
                    continue
                t = self.when(sh)
                p = u["person"]
                cs, pur, nc = self.case_ctx(u, t, p)
                if kind == "person_id":
                    ids = self.run(u, sh, t, p, "dl", cs, pur, systems=["DMV"])
                elif kind == "name_dob":
                    nick = bool(W.NICK.get(p["first"])) and rng.random() < 0.6
                    dob = T.typed_dob(rng, dict(u["habit"], stick=0.0), p["dob"])
                    ids = self.run(u, sh, t, p, "name", cs, pur, nick=nick, dob_typed=dob,
                                   systems=rng.choice([["NCIC", "DMV"], ["DMV"], ["RMS"]]))
                elif kind == "plate":
                    ids = self.run(u, sh, t, p, "plate", cs, pur, systems=["DMV"])
                elif kind == "address":
                    ids = self.run(u, sh, t, p, "address", cs, pur, systems=["RMS"])
                elif kind == "phone":
                    ids = self.run(u, sh, t, p, "phone", cs, pur, systems=["RMS"])
                else:
                    ids = self.run(u, sh, t, p, "name", cs, pur, dob=False, systems=rng.choice([["RMS"], ["DMV"]]))
                self.label("self_query", kind, u["login"], ids, f"{u['login']} looked up own record ({kind})")
                self.add_nc(u, nc, ids, "self-lookup with no case reason")

    def associations(self):
        rng = self.rng
        w = self.w
        by_rel = defaultdict(list)
        for u in self.users_of(("trooper", "sergeant", "detective", "dispatcher", "inspector", "records", "ia",
                                 "analyst", "captain")):
            for rel, q, vf, vt in w.assoc_by_emp.get(u["emp"], []):
                if not vt and (not vf or dt.date.fromisoformat(vf) < w.start):
                    by_rel[rel].append((u, q))
        plan = [("ex_partner", 1.4), ("family", 0.8), ("neighbor", 0.8), ("spouse", 0.4), ("partner", 0.3),
                ("associate", 0.4), ("protected_party", 0.5)]
        for rel, base in plan:
            if not by_rel[rel]:
                continue
            for _ in range(self.n(base)):
                u, q = rng.choice(by_rel[rel])
                sessions = 2 if rel in ("ex_partner", "protected_party") and rng.random() < 0.6 else 1
                used = set()
                for _s in range(sessions):
                    sh = self.shift_of(u, cond=lambda s_: s_["day"] not in used)
                    if sh:
                        used.add(sh["day"])
                    if not sh:
                        break
                    t = self.when(sh)
                    cs, pur, nc = self.case_ctx(u, t, q, mode=rng.choice(["own", "own", "missing", None]))
                    ids = []
                    modes = ["name"] + rng.sample(["plate", "address", "dl", "phone"], rng.randint(0, 2))
                    for m in modes:
                        if m == "plate" and not q["plate"]:
                            continue
                        ids += self.run(u, sh, t, q, m, cs, pur)
                        t += rng.randint(20, 240) * 1000
                    self.label("association_lookup", rel, u["login"], ids,
                               f"{u['login']} looked up declared {rel} {q['last']}, {q['first']}")
                    self.add_nc(u, nc, ids, f"{rel} lookup without a case reason")

    def coworkers(self):
        rng = self.rng
        w = self.w
        cands = self.users_of(("trooper", "sergeant", "dispatcher", "inspector", "detective", "records"))
        emp_u = {u["emp"]: u for u in w.users if u["person"] and "primary" not in u}
        for kind, base in (("same_unit", 1.6), ("other_unit", 1.0), ("supervisor", 0.8)):
            for _ in range(self.n(base)):
                u = rng.choice(cands)
                if kind == "same_unit":
                    pool = [x for x in emp_u.values() if x["unit"] == u["unit"] and x is not u
                            and x["emp"] != u.get("sup")]
                elif kind == "other_unit":
                    pool = [x for x in emp_u.values() if x["unit"] != u["unit"] and x["emp"] != u.get("sup")]
                else:
                    pool = [emp_u[u["sup"]]] if u.get("sup") in emp_u else []
                if not pool:
                    continue
                c = rng.choice(pool)
                sh = self.shift_of(u)
                if not sh:
                    continue
                t = self.when(sh)
                p = c["person"]
                cs, pur, nc = self.case_ctx(u, t, p)
                mode = rng.choice(["name", "name", "plate", "address", "dl"])
                if mode == "dl" and not c["pid_known"]:
                    mode = "name"
                if mode == "plate" and not p["plate"]:
                    mode = "name"
                ids = self.run(u, sh, t, p, mode, cs, pur)
                if rng.random() < 0.5:
                    ids += self.run(u, sh, t + rng.randint(30, 300) * 1000, p, "name", cs, pur)
                self.label("coworker_lookup", kind, u["login"], ids, f"{u['login']} looked up colleague {c['login']}")
                self.add_nc(u, nc, ids, "coworker lookup without a case reason")

    def watchlist(self):
        rng = self.rng
        cands = self.users_of(("trooper", "sergeant", "dispatcher", "detective", "records", "inspector"))
        for _ in range(self.n(3)):
            u = rng.choice(cands)
            p = rng.choice(self.w.watch_people)
            sh = self.shift_of(u)
            if not sh:
                continue
            t = self.when(sh)
            cs, pur, nc = self.case_ctx(u, t, p)
            ids = self.run(u, sh, t, p, rng.choice(["name", "name", "plate"]) if p["plate"] else "name", cs, pur)
            self.label("watchlist_lookup", p["category"], u["login"], ids,
                       f"{u['login']} looked up watch-listed {p['category']} {p['last']}")
            self.add_nc(u, nc, ids, "watch-list lookup without a case reason")

    def no_case(self):
        rng = self.rng
        w = self.w
        pat = self.users_of(("trooper", "sergeant"))
        dets = self.users_of(("detective",))
        for kind, base in (("missing", 2.5), ("unknown_case", 2), ("closed_case", 2), ("not_assigned", 2),
                           ("subject_not_in_case", 2)):
            for _ in range(self.n(base)):
                u = rng.choice(pat + dets[:2])
                sh = self.shift_of(u)
                if not sh:
                    continue
                t = self.when(sh)
                day = local(t)[0].date()
                p = rng.choice(self.pool_all)
                if kind == "missing":
                    cs, pur = T.missing_case(rng), self.purpose(u)
                elif kind == "unknown_case":
                    y = day.year
                    cs = rng.choice([f"HP-{y}-{rng.randint(700000, 999999):06d}", f"{rng.randint(10000, 99999)}",
                                     f"HP-{y - rng.randint(4, 8)}-{rng.randint(1, 9999):06d}",
                                     f"CIB-{y}-{rng.randint(5000, 9999)}", "123456", f"{y}-{rng.randint(700000, 999999)}"])
                    pur = self.purpose(u)
                elif kind == "closed_case":
                    cl = [c for c in w.user_cases[u["login"]] if w.cases[c]["_closed"] and
                          w.cases[c]["_closed"] <= day - dt.timedelta(days=3)]
                    if not cl:
                        continue
                    cid = rng.choice(cl)
                    p = rng.choice(w.subjects[cid])   # e.g. the driver stopped weeks ago
                    cs, pur = T.typed_case(rng, u["habit"], cid), self.purpose(u)
                elif kind == "not_assigned":
                    mine = set(w.user_cases[u["login"]])
                    oth = [c for x in pat if x is not u for c in w.user_cases[x["login"]][-60:]
                           if c not in mine and w.cases[c]["status"] == "open" and w.cases[c]["_opened"] <= day]
                    if not oth:
                        continue
                    cid = rng.choice(oth)
                    p = rng.choice(w.subjects[cid])
                    cs, pur = T.typed_case(rng, u["habit"], cid), self.purpose(u)
                else:
                    cid = self.own_case(u, t)
                    if not cid:
                        continue
                    cs, pur = T.typed_case(rng, u["habit"], cid), self.purpose(u)
                mode = rng.choice(["name", "name", "plate"]) if p["plate"] else "name"
                ids = self.run(u, sh, t, p, mode, cs, pur)
                if rng.random() < 0.4:
                    ids += self.run(u, sh, t + rng.randint(60, 600) * 1000, p, "address", cs, pur)
                self.label("no_case", kind, u["login"], ids, f"{u['login']} lookup with case field '{cs}'")

    def surges(self):
        rng = self.rng
        w = self.w
        kinds = ["celebrity", "news_victim", "coworker"]
        for i in range(self.n(2.2)):
            kind = kinds[i % 3]
            if kind == "celebrity":
                target = rng.choice([p for p in w.watch_people if p["category"] in ("celebrity", "athlete")])
            elif kind == "news_victim":
                target = rng.choice(w.pool[rng.choice(w.troops)])
            else:
                cw = rng.choice(self.users_of(("trooper",)))
                target = cw["person"]
            d = rng.randint(1, w.D - 1)
            t0 = L2E(w.day(d), rng.uniform(8, 20))
            cands = []
            for u in self.users_of(("trooper", "sergeant", "dispatcher", "inspector", "detective", "records", "analyst")):
                if target.get("emp_user") is u:
                    continue
                for sh in w.shifts[u["login"]]:
                    if sh["start"] + 20 * MIN <= t0 + 90 * MIN <= sh["end"] - 20 * MIN:
                        cands.append((u, sh))
                        break
            rng.shuffle(cands)
            parts = cands[:rng.randint(9, 15)]
            if len(parts) < 6:
                continue
            all_ids = []
            users = []
            for u, sh in parts:
                t = t0 + rng.randint(0, 180) * MIN
                t = min(max(t, sh["start"] + 5 * MIN), sh["end"] - 5 * MIN)
                cs, pur, nc = self.case_ctx(u, t, target)
                ids = self.run(u, sh, t, target, "name", cs, pur, dob=rng.random() < 0.4)
                if rng.random() < 0.3 and target["plate"]:
                    ids += self.run(u, sh, t + rng.randint(30, 400) * 1000, target, "plate", cs, pur)
                all_ids += ids
                users.append(u["login"])
                if kind == "celebrity":
                    self.label("watchlist_lookup", target["category"], u["login"], ids,
                               f"news-driven lookup of {target['last']}")
                if kind == "coworker":
                    ck = "same_unit" if u["unit"] == cw["unit"] else ("supervisor" if u.get("sup") == cw["emp"] else "other_unit")
                    if u.get("sup") == cw["emp"]:
                        ck = "supervisor"
                    self.label("coworker_lookup", ck, u["login"], ids, f"curiosity about injured colleague {cw['login']}")
                self.add_nc(u, nc, ids, "surge lookup without a case reason")
            all_ids.sort(key=lambda x: x[1])
            self.label("subject_surge", "many_users", users[0], all_ids,
                       f"{len(users)} logins ran {target['last']}, {target['first']} ({kind}) within hours", users=users)

    def volume(self):
        rng = self.rng
        w = self.w
        # burst: a scrape of ~100 names in minutes under one case
        for _ in range(self.n(1)):
            u = rng.choice(self.users_of(("trooper",)))
            sh = self.shift_of(u)
            if not sh:
                continue
            t = self.when(sh)
            cid = self.own_case(u, t)
            if not cid:
                continue
            cs = T.typed_case(rng, u["habit"], cid)
            pur = self.purpose(u)
            ids = []
            for k in range(rng.randint(95, 115)):
                p = rng.choice(self.pool_all)
                ids += self.run(u, sh, t, p, "name", cs, pur, systems=["RMS"])
                t += rng.randint(2500, 6500)
            self.label("odd_volume", "burst", u["login"], ids, f"{len(ids)} name look-ups in minutes under {cid}")
            self.label("no_case", "subject_not_in_case", u["login"], ids, "scraped names are not subjects of the case")
        # daily_count: a records clerk's day at ~7x volume, hidden under an exempt purpose
        for _ in range(self.n(1)):
            u = rng.choice(self.users_of(("records", "records_sup")))
            per_day = Counter(local(t)[0].date() for t, e, ev in w.events if ev["user"] == u["login"]
                              and ev.get("action") == "query")
            if not per_day:
                continue
            base = sorted(per_day.values())[len(per_day) // 2]
            sh = self.shift_of(u)
            if not sh:
                continue
            extra = base * 6
            ids = []
            for _k in range(extra):
                t = rng.randint(sh["start"] + 20 * MIN, sh["end"] - 20 * MIN)
                p = rng.choice(self.pool_all)
                ids += self.run(u, sh, t, p, "name", rng.choice(["", "PRR"]), "PUBLIC_RECORDS",
                                systems=[rng.choice(["RMS", "DMV"])])
            ids.sort(key=lambda x: x[1])
            self.label("odd_volume", "daily_count", u["login"], ids, f"day of ~7x usual volume (usual {base})")
        # distinct_subjects: a detective runs ~90 unrelated people on one day, under own cases
        for _ in range(self.n(1)):
            u = rng.choice(self.users_of(("detective",)))
            sh = self.shift_of(u)
            if not sh:
                continue
            ids = []
            for _k in range(rng.randint(80, 100)):
                t = rng.randint(sh["start"] + 20 * MIN, sh["end"] - 20 * MIN)
                cid = self.own_case(u, t)
                p = rng.choice(self.pool_all)
                ids += self.run(u, sh, t, p, "name", T.typed_case(rng, u["habit"], cid), purpose_for(u, "cib", rng),
                                systems=["RMS"])
            ids.sort(key=lambda x: x[1])
            self.label("odd_volume", "distinct_subjects", u["login"], ids, "many unrelated people in one day")
            self.label("no_case", "subject_not_in_case", u["login"], ids, "people not in the cases cited")
        # off_hours: a day worker's night of look-ups from a laptop over VPN
        for _ in range(self.n(1.6)):
            u = rng.choice(self.users_of(("detective", "ia", "analyst")))
            d = rng.randint(1, w.D - 1)
            busy = [s for s in w.shifts[u["login"]] if s["day"] in (d - 1, d)]
            t = L2E(w.day(d), rng.uniform(0.5, 3.0))
            if any(s["start"] - H <= t <= s["end"] + H for s in busy):
                continue
            sh = mk_shift(w, u, d, t, t + 2 * H, u["laptop"], "vpn")
            sh["session"] = session_for(u["login"], u["laptop"], t, salt="x")
            ids = [(auth(self.S, u, sh, t - rng.randint(1, 4) * MIN, "login"), t)]
            for _k in range(rng.randint(12, 30)):
                p = rng.choice(self.pool_all)
                ids += self.run(u, sh, t, p, rng.choice(["name", "name", "address"]), T.missing_case(rng), self.purpose(u))
                t += rng.randint(1, 7) * MIN
            self.label("odd_volume", "off_hours", u["login"], ids, "day worker ran people in the small hours")
            self.label("no_case", "missing", u["login"], [x for x in ids if x[0] != ids[0][0]], "no case on night look-ups")
        # export: a road trooper pulls 80,000 rows
        for _ in range(self.n(1)):
            u, sh = self.pick(self.users_of(("trooper",)), kinds=("day",))
            if not sh:
                continue
            t = sh["end"] + rng.randint(10, 30) * MIN
            cid = self.own_case(u, sh["end"] - H)
            city = rng.choice(W.CITIES[u["troop"]])[0]
            pc = f"{u['troop']}-PC{rng.randint(1, 5):02d}"
            sh = mk_shift(w, u, sh["day"], t, t + H, pc, "office")
            sh["session"] = session_for(u["login"], pc, t, salt="x")
            auth(self.S, u, sh, t - 3 * MIN, "login")
            ev = {"user": u["login"], "action": "export", "system": "RMS", "session": sh["session"],
                  "client": sh["client"], "ip": sh["ip"], "case_id": T.typed_case(rng, u["habit"], cid) if cid else "",
                  "purpose": self.purpose(u), "result_count": rng.randint(78000, 84000),
                  "query_text": f"EXPORT person,vehicle WHERE city='{city}' FORMAT=csv"}
            e = self.S.emit(ev, t)
            self.label("odd_volume", "export", u["login"], [(e, t)], "patrol trooper exported ~80,000 rows")

    def shared(self):
        rng = self.rng
        w = self.w
        # concurrent clients: the account also works from the troop office PC while the MDT is busy
        for _ in range(self.n(1)):
            u, sh = self.pick(self.users_of(("trooper", "sergeant")), kinds=("day", "swing"))
            if not sh:
                continue
            t = sh["start"] + rng.randint(3, 6) * H
            pc = f"{u['troop']}-PC{rng.randint(1, 5):02d}"
            osh = mk_shift(w, u, sh["day"], t, t + H, pc, "office")
            osh["session"] = session_for(u["login"], pc, t, salt="x")
            ids = [(auth(self.S, u, osh, t, "login"), t)]
            lk = []
            mdt_nc = defaultdict(list)
            for _k in range(rng.randint(6, 12)):
                t += rng.randint(1, 5) * MIN
                p = rng.choice(self.pool_all)
                lk += self.run(u, osh, t, p, "name", T.missing_case(rng), self.purpose(u), systems=["RMS"])
                if rng.random() < 0.5:   # the MDT keeps working at the same time
                    pm = rng.choice(self.pool_all)
                    oc = self.own_case(u, t)
                    lk2 = self.run(u, sh, t + rng.randint(20, 90) * 1000, pm, "name",
                                   T.typed_case(rng, u["habit"], oc) if oc else T.missing_case(rng),
                                   self.purpose(u), systems=["NCIC", "DMV"])
                    ids += lk2
                    mdt_nc["subject_not_in_case" if oc else "missing"] += lk2
            self.label("shared_credential", "concurrent_clients", u["login"], ids + lk,
                       f"{u['login']} active on {sh['client']} and {pc} at once")
            self.label("no_case", "missing", u["login"], lk + mdt_nc["missing"], "office-PC look-ups without case")
            self.label("no_case", "subject_not_in_case", u["login"], mdt_nc["subject_not_in_case"],
                       "MDT look-ups under an unrelated own case")
        # impossible travel: far troop MDT, then minutes later a PC hundreds of km away
        far = [x for x in self.users_of(("trooper",)) if hdist(site_ll(x["site"]), site_ll("HQ")) > 150]
        for _ in range(self.n(1)):
            if not far:
                break
            u, sh = self.pick(far, kinds=("day", "swing"))
            if not sh:
                continue
            evs = [t for t, e, ev in w.events if ev["user"] == u["login"] and sh["start"] <= t <= sh["end"] + H]
            tl = max(evs) if evs else sh["end"]
            t = tl + rng.randint(8, 20) * MIN
            pc = rng.choice(sorted(c for c, s in w.clients.items() if c.startswith(("HQ-TRN-PC", "T1-PC"))))
            osh = mk_shift(w, u, sh["day"], t, t + H, pc, "office")
            osh["session"] = session_for(u["login"], pc, t, salt="x")
            ids = [(auth(self.S, u, osh, t, "login"), t)]
            lk = []
            for _k in range(rng.randint(3, 7)):
                t += rng.randint(1, 6) * MIN
                lk += self.run(u, osh, t, rng.choice(self.pool_all), "name", T.missing_case(rng), self.purpose(u),
                               systems=["RMS"])
            self.label("shared_credential", "impossible_travel", u["login"], ids + lk,
                       f"{u['login']} on {sh['client']} ({u['site']}) then {pc} minutes later")
            self.label("no_case", "missing", u["login"], lk, "look-ups without case")
        # inactive accounts: terminated before the window, terminated inside it, on leave
        for acct in (w.term_old, w.term_mid, w.leave_user):
            if acct is w.term_mid and self.w.scale < 0.9 and rng.random() < 0.5:
                continue
            end = dt.date.fromisoformat(acct["end_date"])
            first = max((end - w.start).days + 2, 1)
            if first >= w.D:
                continue
            d = rng.randint(first, w.D - 1)
            t = L2E(w.day(d), rng.uniform(9, 20))
            if acct is w.leave_user:
                client = acct["mdt"]
            else:
                client = f"{acct['troop']}-PC{rng.randint(1, 5):02d}"
            sh = mk_shift(w, acct, d, t, t + H, client, "office")
            sh["session"] = session_for(acct["login"], client, t, salt="x")
            ip = ip_for(client, sh["session"])
            sh["ip"] = ip
            ids = []
            if rng.random() < 0.5:
                ids.append((auth(self.S, acct, sh, t - 40 * 1000, "login_failed"), t - 40 * 1000))
            ids.append((auth(self.S, acct, sh, t, "login"), t))
            lk = []
            for _k in range(rng.randint(4, 12)):
                t += rng.randint(1, 6) * MIN
                lk += self.run(acct, sh, t, rng.choice(self.pool_all), rng.choice(["name", "name", "plate"]),
                               T.missing_case(rng), self.purpose(acct), systems=rng.choice([["NCIC", "DMV"], ["RMS"]]))
            lk = [x for x in lk]
            self.label("shared_credential", "inactive_account", acct["login"], ids + lk,
                       f"{acct['status']} account ({acct['end_date']}) used on {client}")
            self.label("no_case", "missing", acct["login"], lk, "look-ups without case")

    def fishing(self):
        rng = self.rng
        for i in range(self.n(1.6)):
            u = rng.choice(self.users_of(("trooper", "sergeant", "dispatcher")))
            sh = self.shift_of(u)
            if not sh:
                continue
            t = self.when(sh)
            ids = []
            base = rng.choice(self.pool_all)
            if i % 2 == 0:
                pats = [base["last"] + "*", base["last"][:4] + "*", base["last"] + "*"]
                for k, pat in enumerate(pats[:rng.randint(2, 3)]):
                    q = build_query(rng, u, None, "wild_name", pattern=T.apply_case(pat, u["habit"]["casing"]),
                                    first=rng.choice(["", "", base["first"][:1]]))
                    ids += [(e, t) for e in lookup(self.S, u, sh, t, q, rng.choice([["DMV"], ["RMS"], ["DMV", "RMS"]]),
                                                  T.missing_case(rng), self.purpose(u))]
                    t += rng.randint(1, 5) * MIN
            else:
                pl = base["plate"] or "ABC1234"
                for pat in (pl[:3] + "*", pl[:4] + "*", "*" + pl[-3:])[:rng.randint(2, 3)]:
                    q = build_query(rng, u, None, "wild_plate", pattern=pat)
                    ids += [(e, t) for e in lookup(self.S, u, sh, t, q, rng.choice([["DMV"], ["DMV", "LPR"]]),
                                                  T.missing_case(rng), self.purpose(u))]
                    t += rng.randint(1, 5) * MIN
            self.label("fishing", "wildcard_sweep", u["login"], ids, f"{u['login']} ran wildcard searches")
            self.label("no_case", "missing", u["login"], ids, "wildcard searches without case")

    def run_all(self):
        self.self_queries()
        self.associations()
        self.coworkers()
        self.watchlist()
        self.no_case()
        self.surges()
        self.volume()
        self.shared()
        self.fishing()


# --------------------------------------------------------------------------- output
def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        cw = csv.writer(f, lineterminator="\n")
        cw.writerow(header)
        for r in rows:
            cw.writerow(r)


def write_refs(w, out):
    rd = os.path.join(out, "refs")
    os.makedirs(rd, exist_ok=True)
    rows = []
    for u in w.users:
        p = u["person"]
        if p is None:
            rows.append([u["login"], u["emp"], "", "", "", "", "", "", "", u["unit"], u["sup"], u["site"], u["status"], ""])
            continue
        rows.append([u["login"], u["emp"], p["pid"] if u["pid_known"] else "", p["last"].title(), p["first"].title(),
                     p["dob"].isoformat(), hr_addr(p), hr_phone(p["phone"]), p["plate"], u["unit"], u["sup"] or "",
                     u["site"], u["status"], u["end_date"]])
    write_csv(os.path.join(rd, "personnel.csv"),
              ["user", "employee_id", "person_id", "last_name", "first_name", "dob", "address", "phone", "plate",
               "unit", "supervisor", "site", "status", "end_date"], rows)
    write_csv(os.path.join(rd, "associations.csv"),
              ["employee_id", "relation", "person_id", "last_name", "first_name", "dob", "address", "phone", "plate",
               "valid_from", "valid_to", "source"],
              [[a[k] for k in ("employee_id", "relation", "person_id", "last_name", "first_name", "dob", "address",
                               "phone", "plate", "valid_from", "valid_to", "source")] for a in w.assoc])
    cases = sorted(w.cases.values(), key=lambda c: (c["opened"], c["case_id"]))
    write_csv(os.path.join(rd, "cases.csv"), ["case_id", "status", "opened", "closed", "unit"],
              [[c["case_id"], c["status"], c["opened"], c["closed"], c["unit"]] for c in cases])
    write_csv(os.path.join(rd, "case_assignments.csv"), ["case_id", "user", "from", "to"], w.assigns)
    srows = []
    for c in cases:
        for p in w.subjects.get(c["case_id"], []):
            srows.append([c["case_id"], p["pid"], p["last"], p["first"], p["dob"].isoformat(), rec_addr(p),
                          rec_phone(p["phone"]) if p["phone"] else "", p["plate"] or p.get("truck_plate", "")])
    write_csv(os.path.join(rd, "case_subjects.csv"),
              ["case_id", "person_id", "last_name", "first_name", "dob", "address", "phone", "plate"], srows)
    write_csv(os.path.join(rd, "watchlist.csv"), ["person_id", "last_name", "first_name", "dob", "category"],
              [[p["pid"] if i % 9 else "", p["last"], p["first"], p["dob"].isoformat(), p["category"]]
               for i, p in enumerate(w.watch_people)])
    crow = []
    for c in sorted(w.clients):
        site = w.clients[c]
        n, la, lo = W.SITES[site]
        j = int(hx("ll", c), 16)
        crow.append([c, site, f"{la + ((j % 200) - 100) / 100000:.5f}", f"{lo + (((j >> 8) % 200) - 100) / 100000:.5f}"])
    write_csv(os.path.join(rd, "clients.csv"), ["client", "site", "lat", "lon"], crow)
    return len(srows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--users", type=int, default=80)
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-inject", action="store_true")
    ap.add_argument("--start", default="2025-03-03")
    a = ap.parse_args()
    if a.days < 4:
        raise SystemExit("--days must be at least 4")
    w = World(a.seed, a.users, a.days, dt.date.fromisoformat(a.start), not a.no_inject)
    build_population(w)
    build_watchlist(w)
    build_agency(w)
    build_associations(w)
    build_schedules(w)
    plan_incidents(w)
    gen_cib(w)
    gen_fusion(w)
    gen_ia(w)
    gen_patrol(w)
    gen_dispatch(w)
    gen_ports(w)
    gen_records(w)
    gen_it_admin(w)
    gen_service(w)
    gen_bolo(w)
    w.events = [x for x in w.events if w.t0 <= x[0] < w.t_end]
    keep = {x[1] for x in w.events}
    w.hardneg = [h for h in w.hardneg if h[0] in keep]
    n_legit = len(w.events)
    if w.inject:
        Injector(w).run_all()
    w.events.sort(key=lambda x: (x[0], x[1]))
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "events.jsonl"), "w", encoding="utf-8") as f:
        for t, e, ev in w.events:
            f.write(json.dumps(order(ev), ensure_ascii=False) + "\n")
    n_sub = write_refs(w, a.out)
    with open(os.path.join(a.out, "labels.jsonl"), "w", encoding="utf-8") as f:
        for lab in w.labels:
            f.write(json.dumps(lab) + "\n")
    with open(os.path.join(a.out, "custodes.toml"), "w", encoding="utf-8") as f:
        f.write("# Highway patrol world G: purposes that legitimately carry no case of their own\n")
        f.write("[no_case]\nexempt_purposes = [" + ", ".join(f'"{x}"' for x in EXEMPT) + "]\n")
    with open(os.path.join(a.out, "hard_negatives.tsv"), "w", encoding="utf-8") as f:
        f.write("event_id\tclass\tnote\n")
        for e, c, n in w.hardneg:
            f.write(f"{e}\t{c}\t{n}\n")
    write_summary(w, a, n_legit, n_sub)


def write_summary(w, a, n_legit, n_sub):
    roles = Counter(u["role"] for u in w.users)
    units = Counter(u["unit"] for u in w.users)
    lab = Counter((l["detector"], l["kind"]) for l in w.labels)
    sysc = Counter(ev.get("system") for t, e, ev in w.events)
    hn = Counter(c for e, c, n in w.hardneg)
    per_trooper = Counter(x[1] for x in w.assigns if x[0].startswith("HP-"))
    tro = [per_trooper[u["login"]] for u in w.patrol if u["role"] == "trooper"]
    L = []
    L.append(f"world G: state highway patrol  seed={a.seed} users={a.users} days={a.days} start={a.start} "
             f"inject={'yes' if w.inject else 'no'}")
    L.append(f"window {fmt_ts(w.t0)} .. {fmt_ts(w.t_end)} (local time, US Mountain, DST change inside when it falls there)")
    L.append(f"logins {len(w.users)}  employees {len({u['emp'] for u in w.users})}  troops {', '.join(w.troops)}"
             f"  rotating troop {w.rot_troop} on day {w.rot_day}")
    L.append("roles: " + ", ".join(f"{k}={v}" for k, v in sorted(roles.items())))
    L.append("units: " + ", ".join(f"{k}={v}" for k, v in sorted(units.items())))
    L.append(f"statuses: {w.term_old['login']} terminated {w.term_old['end_date']}; {w.term_mid['login']} terminated "
             f"{w.term_mid['end_date']}; {w.leave_user['login']} on leave from {w.leave_user['end_date']} "
             f"(cases covered by {w.cover_user['login']})")
    L.append(f"population {len(w.persons)} people; watch list {len(w.watch_people)}; associations {len(w.assoc)}")
    L.append(f"cases {len(w.cases)} (HP incidents {sum(1 for c in w.cases if c.startswith('HP-'))}, CIB "
             f"{sum(1 for c in w.cases if c.startswith('CIB-'))}, FC {sum(1 for c in w.cases if c.startswith('FC-'))}, IA "
             f"{sum(1 for c in w.cases if c.startswith('IA-'))}); assignments {len(w.assigns)}; case subjects {n_sub}")
    if tro:
        L.append(f"incident cases assigned per trooper over 60 days: median {sorted(tro)[len(tro) // 2]}, "
                 f"min {min(tro)}, max {max(tro)}")
    L.append(f"clients {len(w.clients)}; exempt purposes: {', '.join(EXEMPT)}")
    L.append(f"events {len(w.events)} (legitimate {n_legit}, injected {len(w.events) - n_legit})")
    L.append("events by system: " + ", ".join(f"{k}={v}" for k, v in sorted(sysc.items(), key=str)))
    L.append(f"labels {len(w.labels)}:")
    for (d, k), v in sorted(lab.items()):
        L.append(f"  {d}/{k}: {v}")
    L.append(f"hard negatives {len(w.hardneg)}:")
    for k, v in sorted(hn.items()):
        L.append(f"  {k}: {v}")
    with open(os.path.join(a.out, "world_summary.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")


if __name__ == "__main__":
    main()
