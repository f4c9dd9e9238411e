#!/usr/bin/env python3
"""
gen.py -- synthetic query-log world for a STATE SOCIAL-SERVICES / BENEFITS AGENCY
(food assistance, Medicaid eligibility, unemployment insurance, child-support
enforcement), written blind to the system under test from CONTRACT.md only.

    python3 gen.py --seed S --users N --days D [--no-inject] --out DIR

Writes DIR/events.jsonl, DIR/refs/*.csv, DIR/labels.jsonl, DIR/custodes.toml and
DIR/hard_negatives.tsv (legitimate events that resemble misconduct; not a contract
file, for analysing false positives).  Standard library only; deterministic per seed.
The ordinary work (people, refs, legitimate events and their ids) is identical with
and without --no-inject; injection only ADDS events and labels.
"""
import argparse
import csv
import hashlib
import json
import math
import os
import random
import sys
import time
from datetime import date, datetime, timedelta

EXEMPT_PURPOSES = ["CALLER_VERIFICATION", "INTAKE_CLEARANCE", "LOBBY_SERVICE", "BATCH_MATCH"]
LOGIN_ACTIONS = ("login", "logout", "login_failed")
PROGRAMS = ["SNAP", "MED", "UI"]


# --------------------------------------------------------------------------- rng
def _h(*k):
    return hashlib.sha256("\x1f".join(str(x) for x in k).encode()).digest()


def srng(*k):
    return random.Random(int.from_bytes(_h(*k)[:8], "big"))


# --------------------------------------------------------------------------- names
FEMALE = ("MARIA JENNIFER ELIZABETH PATRICIA LINDA BARBARA SUSAN JESSICA SARAH KAREN NANCY LISA "
          "MARGARET SANDRA ASHLEY KIMBERLY EMILY DONNA MICHELLE CAROL AMANDA MELISSA DEBORAH "
          "STEPHANIE REBECCA LAURA SHARON CYNTHIA KATHLEEN AMY ANGELA SHIRLEY ANNA BRENDA PAMELA "
          "NICOLE SAMANTHA KATHERINE CHRISTINE RACHEL CATHERINE JANET RUTH HEATHER VICTORIA "
          "ALEXANDRA ABIGAIL GUADALUPE ROSA CARMEN YOLANDA LUZ ANA VERONICA ALEJANDRA DESTINY "
          "AALIYAH BRITTANY TIFFANY LATOYA KEISHA TANYA CRYSTAL JASMINE NGOC MAI LINH THANH HANNAH "
          "MADISON EMMA OLIVIA SOPHIA ISABELLA MIA CHLOE AVA KAYLA SHANICE DOROTHY").split() + [
    "MARY ANN", "ANNA MARIE", "MARIA ELENA", "MARY BETH", "LEE ANN"]
MALE = ("JAMES ROBERT JOHN MICHAEL WILLIAM DAVID RICHARD JOSEPH THOMAS CHRISTOPHER CHARLES DANIEL "
        "MATTHEW ANTHONY MARK DONALD STEVEN PAUL ANDREW JOSHUA KENNETH KEVIN BRIAN GEORGE TIMOTHY "
        "RONALD EDWARD JASON JEFFREY RYAN JACOB GARY NICHOLAS ERIC JONATHAN STEPHEN LARRY JUSTIN "
        "SCOTT BRANDON BENJAMIN SAMUEL GREGORY ALEXANDER RAYMOND PATRICK JACK DENNIS JERRY TYLER "
        "JOSE JUAN CARLOS LUIS JORGE MIGUEL ALEJANDRO FRANCISCO JESUS ANTONIO DEANDRE DESHAWN "
        "TYRONE MALIK TERRENCE HUNG MINH TUAN DUC NOAH LIAM AIDEN JAYDEN ELIJAH ISAIAH DOUGLAS").split() + [
    "JUAN CARLOS", "JOSE LUIS", "JOHN PAUL"]
NICK = {
    "ROBERT": ["BOB", "ROB", "BOBBY"], "WILLIAM": ["BILL", "WILL", "BILLY"], "JAMES": ["JIM", "JIMMY"],
    "JOHN": ["JACK", "JOHNNY"], "MICHAEL": ["MIKE"], "CHRISTOPHER": ["CHRIS"], "JOSEPH": ["JOE"],
    "THOMAS": ["TOM", "TOMMY"], "RICHARD": ["RICK", "RICH"], "DANIEL": ["DAN", "DANNY"],
    "ANTHONY": ["TONY"], "EDWARD": ["ED", "EDDIE"], "NICHOLAS": ["NICK"], "JONATHAN": ["JON"],
    "ALEXANDER": ["ALEX"], "ALEJANDRO": ["ALEX"], "FRANCISCO": ["PACO", "FRANK"], "JOSE": ["PEPE"],
    "SAMUEL": ["SAM"], "BENJAMIN": ["BEN"], "MATTHEW": ["MATT"], "ANDREW": ["ANDY", "DREW"],
    "TIMOTHY": ["TIM"], "STEVEN": ["STEVE"], "KENNETH": ["KEN"], "RAYMOND": ["RAY"],
    "GREGORY": ["GREG"], "DOUGLAS": ["DOUG"], "TERRENCE": ["TERRY"], "DAVID": ["DAVE"],
    "JOSHUA": ["JOSH"], "PATRICK": ["PAT"], "JEFFREY": ["JEFF"], "LAWRENCE": ["LARRY"],
    "ELIZABETH": ["LIZ", "BETH", "BETTY"], "JENNIFER": ["JEN", "JENNY"],
    "KATHERINE": ["KATE", "KATHY", "KATIE"], "MARGARET": ["MAGGIE", "PEGGY"],
    "PATRICIA": ["PATTY", "TRISH"], "DEBORAH": ["DEBBIE", "DEB"], "SUSAN": ["SUE"],
    "VICTORIA": ["VICKY", "TORI"], "REBECCA": ["BECKY"], "ABIGAIL": ["ABBY"], "SAMANTHA": ["SAM"],
    "JESSICA": ["JESS"], "CHRISTINE": ["CHRIS", "TINA"], "GUADALUPE": ["LUPE"], "KIMBERLY": ["KIM"],
    "CYNTHIA": ["CINDY"], "STEPHANIE": ["STEPH"], "ALEXANDRA": ["ALEX"], "DOROTHY": ["DOT"],
    "KATHLEEN": ["KATHY"], "PAMELA": ["PAM"], "CATHERINE": ["CATHY", "KATE"], "SANDRA": ["SANDY"],
}
COMMON_LAST = ("SMITH JOHNSON WILLIAMS BROWN JONES GARCIA MILLER DAVIS RODRIGUEZ MARTINEZ HERNANDEZ "
               "LOPEZ GONZALEZ WILSON ANDERSON THOMAS TAYLOR MOORE JACKSON MARTIN LEE PEREZ THOMPSON "
               "WHITE HARRIS SANCHEZ CLARK RAMIREZ LEWIS ROBINSON WALKER YOUNG ALLEN KING WRIGHT SCOTT "
               "TORRES NGUYEN HILL FLORES GREEN ADAMS NELSON BAKER HALL RIVERA CAMPBELL MITCHELL CARTER "
               "ROBERTS GOMEZ PHILLIPS EVANS TURNER DIAZ PARKER CRUZ EDWARDS COLLINS REYES STEWART "
               "MORRIS MORALES MURPHY COOK ROGERS GUTIERREZ ORTIZ MORGAN COOPER PETERSON BAILEY REED "
               "KELLY HOWARD RAMOS KIM COX WARD RICHARDSON WATSON BROOKS CHAVEZ WOOD JAMES BENNETT GRAY "
               "MENDOZA RUIZ HUGHES PRICE ALVAREZ CASTILLO SANDERS PATEL MYERS LONG ROSS FOSTER JIMENEZ "
               "TRAN PHAM LE VO SCHMIDT MUELLER WAGNER BECKER SCHULTZ HOFFMAN KOCH KLEIN YODER "
               "NEUFELD").split() + ["DE LA CRUZ", "DE LEON", "DEL RIO", "VAN DYKE", "VAN BUREN",
                                     "O'BRIEN", "O'NEAL", "ST CLAIR", "MCDANIEL", "MACDONALD",
                                     "LA ROSA", "DOS SANTOS"]
HYPH_PARTS = ["GARCIA", "LOPEZ", "MARTINEZ", "RAMIREZ", "FLORES", "CRUZ", "REYES", "MORALES",
              "ORTIZ", "VARGAS", "CASTRO", "SMITH", "JONES", "WALKER"]
FAMOUS_LAST = ["BRIGHTWATER", "VANTERPOOL", "OKONKWO", "LAFLEUR", "DRAGOMIR", "ASHCROFT",
               "STORMBERG", "KAZANJIAN", "FAIRWEATHER", "WINTERBOURNE", "DELACROIX", "SOLBERG",
               "NAKASHIMA", "ABERNATHY", "QUILLFEATHER", "MARCHETTI", "BOATENG", "LINDQVIST",
               "HALVORSEN", "DUBOIS-KANE"]
MIDDLE_F = ["ANN", "MARIE", "LYNN", "NICOLE", "ELIZABETH", "LOUISE", "ROSE", "JEAN", "LUISA", "ISABEL", "RENEE", "THI"]
MIDDLE_M = ["JAMES", "LEE", "ALLEN", "WAYNE", "RAY", "MICHAEL", "JOSEPH", "ANTONIO", "LUIS", "EDWARD", "VAN", "DEAN"]

STREETS = ["OAK ST", "ELM ST", "MAPLE AVE", "MAIN ST", "2ND ST", "3RD ST", "WASHINGTON BLVD",
           "LINCOLN AVE", "SUNSET DR", "PRAIRIE RD", "CEDAR LN", "PARK PL", "HIGHLAND AVE",
           "JEFFERSON ST", "CAPITOL AVE", "MISSOURI ST", "WILLOW CT", "CHERRY ST", "PINE ST",
           "HICKORY LN", "COLLEGE AVE", "RIVER RD", "INDUSTRIAL BLVD", "MEADOWLARK LN",
           "SUNFLOWER DR", "WHEAT ST", "BUFFALO TRL", "MLK JR BLVD", "OLD HIGHWAY 40", "GRANT AVE",
           "10TH ST", "21ST ST N", "KELLOGG DR", "BROADWAY", "SANTA FE TRL", "CHISHOLM CT"]
SUFFIX_LONG = {"ST": "STREET", "AVE": "AVENUE", "DR": "DRIVE", "LN": "LANE", "BLVD": "BOULEVARD",
               "RD": "ROAD", "CT": "COURT", "PL": "PLACE", "TRL": "TRAIL"}
STATE = "KS"

# code, name, lat, lon, cities [(name, zip)], ip second octet
SITES = {
    "CAP": ("Capital City Central Office", 39.0483, -95.6780, [("CAPITAL CITY", "66603"), ("WESTBROOK", "66614")], 20),
    "RIV": ("Riverside District Office", 38.9717, -95.2353, [("RIVERSIDE", "66044"), ("MILLBROOK", "66049")], 21),
    "NF": ("Northfield District Office", 39.3600, -99.8400, [("NORTHFIELD", "67601"), ("PLAINVILLE", "67663")], 22),
    "SG": ("Southgate District Office", 37.6872, -97.3301, [("SOUTHGATE", "67202"), ("HAYSBURG", "67060")], 23),
    "CAPE": ("Capital City East Office", 39.0410, -95.5610, [("EASTON", "66616"), ("TECUMSEH FALLS", "66542")], 24),
    "PS": ("Prairie Springs District Office", 38.8794, -99.3268, [("PRAIRIE SPRINGS", "67530"), ("RUSSELL GROVE", "67665")], 25),
    "EP": ("Eastport District Office", 39.1141, -94.6275, [("EASTPORT", "66101"), ("BONNER BEND", "66012")], 26),
    "LV": ("Lakeview District Office", 37.0842, -94.5133, [("LAKEVIEW", "66762"), ("COLUMBIA SPRINGS", "66725")], 27),
    "CC": ("Statewide Customer Contact Center", 39.0120, -95.7240, [("CAPITAL CITY", "66611")], 30),
    "DC": ("State Data Center", 39.0560, -95.6890, [], 10),
}
OFFICE_ORDER = ["CAP", "RIV", "NF", "SG", "CAPE", "PS", "EP", "LV"]
AREA_CODES = {"CAP": "785", "RIV": "785", "NF": "785", "SG": "316", "CAPE": "785", "PS": "785",
              "EP": "913", "LV": "620", "CC": "785", "DC": "785"}


def haversine_km(a, b):
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    x = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(x))


# --------------------------------------------------------------------------- calendar / tz
def nth_weekday(y, m, wd, n):
    d = date(y, m, 1)
    d += timedelta(days=(wd - d.weekday()) % 7)
    return d + timedelta(weeks=n - 1)


def last_weekday(y, m, wd):
    d = date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)
    return d - timedelta(days=(d.weekday() - wd) % 7)


def holidays(y):
    h = {date(y, 1, 1), nth_weekday(y, 1, 0, 3), nth_weekday(y, 2, 0, 3), last_weekday(y, 5, 0),
         date(y, 7, 4), nth_weekday(y, 9, 0, 1), date(y, 11, 11), nth_weekday(y, 11, 3, 4),
         nth_weekday(y, 11, 3, 4) + timedelta(days=1), date(y, 12, 25)}
    out = set()
    for d in h:  # observed on Friday / Monday
        if d.weekday() == 5:
            d -= timedelta(days=1)
        elif d.weekday() == 6:
            d += timedelta(days=1)
        out.add(d)
    return out


class TZ:
    """US Central time (CST -06:00 / CDT -05:00), rules since 2007, no tzdata needed."""

    def __init__(self):
        self._b = {}

    def bounds(self, y):
        if y not in self._b:
            sp = nth_weekday(y, 3, 6, 2)
            fa = nth_weekday(y, 11, 6, 1)
            self._b[y] = (datetime(sp.year, sp.month, sp.day, 2), datetime(fa.year, fa.month, fa.day, 2))
        return self._b[y]

    def localize(self, ldt):
        """naive local -> (valid naive local, offset hours). Spring gap shifted +1h,
        fall-back ambiguous hour resolved to the first (daylight) occurrence."""
        sp, fa = self.bounds(ldt.year)
        if sp <= ldt < sp + timedelta(hours=1):
            ldt = ldt + timedelta(hours=1)
        off = -5 if sp <= ldt < fa else -6
        return ldt, off


# --------------------------------------------------------------------------- typing variants
def typo(s, r):
    if len(s) < 4:
        return s
    c = list(s)
    i = r.randrange(1, len(c) - 1)
    x = r.random()
    if x < 0.45 and c[i].isalpha() and c[i + 1].isalpha() and c[i] != c[i + 1]:
        c[i], c[i + 1] = c[i + 1], c[i]
    elif x < 0.75 and c[i].isalpha():
        del c[i]
    elif c[i].isalpha():
        c.insert(i, c[i])
    else:
        return s
    return "".join(c)


def style(s, r, p_upper=0.7):
    x = r.random()
    if x < p_upper:
        return s.upper()
    if x < p_upper + 0.22:
        return " ".join(w.capitalize() if "'" not in w else w[:2].upper() + w[2:].lower()
                        for w in s.lower().split(" "))
    return s.lower()


def fmt_phone_typed(ph, r):
    d = ph.replace("-", "")
    x = r.random()
    if x < 0.35:
        return d
    if x < 0.6:
        return "(%s) %s-%s" % (d[:3], d[3:6], d[6:])
    if x < 0.75:
        return "+1" + d
    if x < 0.85:
        return "%s.%s.%s" % (d[:3], d[3:6], d[6:])
    return ph


def fmt_dob_typed(dob, r):
    x = r.random()
    if x < 0.35:
        return dob.strftime("%m/%d/%Y")
    if x < 0.5:
        return "%d/%d/%s" % (dob.month, dob.day, dob.strftime("%y"))
    if x < 0.7:
        return dob.strftime("%m%d%Y")
    if x < 0.8:
        return dob.strftime("%d-%b-%Y").upper()
    if x < 0.9:
        return dob.strftime("%Y%m%d")
    return dob.isoformat()


def typed_ssn(pid, r, p_nodash=0.7):
    x = r.random()
    if x < p_nodash:
        return pid.replace("-", "")
    if x < p_nodash + 0.05:
        return pid.replace("-", " ")
    return pid


def typed_claim(cid, r, p_canon=0.78):
    """CLM-0412345 as a worker types it into a free-text reference box."""
    if r.random() < p_canon:
        return cid
    pre, num = cid.split("-", 1)
    x = r.random()
    if x < 0.25:
        return pre + num
    if x < 0.5:
        return num.lstrip("0")
    if x < 0.7:
        return num
    if x < 0.85:
        return cid.lower()
    return pre + " " + num


def typed_plate(pl, r):
    x = r.random()
    if x < 0.5:
        return pl
    if x < 0.75:
        return pl[:3] + " " + pl[3:]
    if x < 0.9:
        return pl.lower()
    return pl[:3] + "-" + pl[3:]


# --------------------------------------------------------------------------- people
class Person:
    __slots__ = ("pid", "first", "middle", "last", "maiden", "suffix", "sex", "dob", "no", "street",
                 "apt", "city", "zip", "phone", "plate", "hh", "site", "emp", "fein")

    def age(self, d):
        return d.year - self.dob.year - ((d.month, d.day) < (self.dob.month, self.dob.day))

    def addr_upper(self):
        a = "%s %s" % (self.no, self.street)
        if self.apt:
            a += " APT " + self.apt
        return "%s, %s, %s %s" % (a, self.city, STATE, self.zip)

    def addr_title(self):
        s = self.addr_upper()
        parts = s.split(", ")
        t = ", ".join(" ".join(w.capitalize() if not w[0].isdigit() else w.lower() for w in p.split(" "))
                      for p in parts[:-1])
        return t + ", " + parts[-1]

    def street_line(self):
        a = "%s %s" % (self.no, self.street)
        if self.apt:
            a += " APT " + self.apt
        return a

    def addr_typed(self, r):
        st = self.street
        x = r.random()
        if x < 0.3:
            w = st.split(" ")
            if w[-1] in SUFFIX_LONG:
                w[-1] = SUFFIX_LONG[w[-1]]
            st = " ".join(w)
        a = "%s %s" % (self.no, st)
        if self.apt:
            y = r.random()
            if y < 0.35:
                a += " #" + self.apt
            elif y < 0.75:
                a += " APT " + self.apt
            elif y < 0.85:
                a += " UNIT " + self.apt
            # else apartment omitted
        z = r.random()
        if z < 0.35:
            a += ", " + self.city
        elif z < 0.5:
            a += " " + self.city + " " + STATE + " " + self.zip
        elif z < 0.6:
            a += ", " + self.city + ", " + STATE
        return style(a, r, 0.6)

    def full_upper(self):
        return "%s %s" % (self.first, self.last)


def typed_last(p, r, p_typo=0.03, use_maiden=False):
    last = p.maiden if (use_maiden and p.maiden) else p.last
    x = r.random()
    if " " in last and x < 0.35:
        last = last.replace(" ", "")
    elif "-" in last and x < 0.3:
        last = last.split("-")[0]
    elif "-" in last and x < 0.45:
        last = last.replace("-", " ")
    elif "-" in last and x < 0.55:
        last = last.split("-")[1]
    if "'" in last and r.random() < 0.5:
        last = last.replace("'", "")
    if p.suffix and r.random() < 0.3:
        last = last + " " + p.suffix
    if r.random() < p_typo:
        last = typo(last, r)
    return style(last, r)


def typed_first(p, r, p_typo=0.02, p_nick=0.12):
    f = p.first
    x = r.random()
    if " " in f and x < 0.45:
        f = f.split(" ")[0]
    elif x < p_nick and f in NICK:
        f = r.choice(NICK[f])
    elif x < p_nick + 0.12 and p.middle:
        f = f + " " + p.middle[0]
    elif x < p_nick + 0.17 and p.middle:
        f = f + " " + p.middle
    if r.random() < p_typo:
        f = typo(f, r)
    return style(f, r)


def whole_name(p, r, use_maiden=False):
    last = typed_last(p, r, 0.0, use_maiden)
    first = p.first
    if r.random() < 0.6:
        mi = (" " + p.middle[0]) if p.middle and r.random() < 0.6 else ""
        return style("%s, %s%s" % (last, first, mi), r, 0.8)
    return style("%s %s" % (first, last), r, 0.5)


# --------------------------------------------------------------------------- world objects
class Emp:
    def __init__(self, eid, role):
        self.eid = eid
        self.role = role          # agent cw sup cse fraud qc appeals svc
        self.unit = None
        self.site = None
        self.team = None
        self.sup = None           # supervisor employee_id
        self.person = None        # Person (None for service accounts)
        self.login = None
        self.dmv_login = None
        self.status = "active"
        self.end_date = None      # date (terminated)
        self.last_day = None      # last day index worked
        self.start_day = 0        # first day index (new hire)
        self.transfer = None      # dict(day, unit, site, desk, old_unit, old_site, old_desk)
        self.telework = set()
        self.laptop = None
        self.desk = None
        self.shift = None         # agents: early / late / part
        self.evening_flex = False
        self.restricted = False
        self.intake = False
        self.bad = False
        self.pto = set()
        self.svc_name = None
        self.program = None
        self.office = None
        self.caseload = []        # [(cid, from, to)]
        self.recipient_claims = []

    def human(self):
        return self.role != "svc"

    def site_on(self, d):
        if self.transfer and d < self.transfer["day"]:
            return self.transfer["old_site"]
        return self.site

    def unit_on(self, d):
        if self.transfer and d < self.transfer["day"]:
            return self.transfer["old_unit"]
        return self.unit

    def desk_on(self, d):
        if self.transfer and d < self.transfer["day"]:
            return self.transfer["old_desk"]
        return self.desk


class Case:
    __slots__ = ("cid", "kind", "program", "unit", "office", "opened", "closed", "subjects", "head",
                 "maiden_listed", "pid_blank", "asg", "hh", "prior")

    def __init__(self, cid, kind, program, unit, office, opened):
        self.cid = cid
        self.kind = kind
        self.program = program
        self.unit = unit
        self.office = office
        self.opened = opened
        self.closed = None
        self.subjects = []
        self.head = None
        self.maiden_listed = set()
        self.pid_blank = set()
        self.asg = []
        self.hh = None
        self.prior = None

    def open_on(self, dt):
        return self.opened <= dt and (self.closed is None or self.closed > dt)

    def assigned(self, eid, dt):
        for e, f, t in self.asg:
            if e == eid and f <= dt and (t is None or dt <= t):
                return True
        return False


class World:
    pass


def build_world(seed, n_users, n_days):
    if n_users < 20:
        raise SystemExit("--users must be >= 20")
    W = World()
    W.seed, W.n_users, W.days = seed, n_users, n_days
    r = srng(seed, "world")
    W.tz = TZ()
    # ---- calendar: a Monday shortly before a daylight-saving change
    variant = seed % 4
    if variant in (0, 1):
        yr = 2024 + variant
        dst = nth_weekday(yr, 3, 6, 2)
    else:
        yr = 2024 + (variant - 2)
        dst = nth_weekday(yr, 11, 6, 1)
    W.start = dst - timedelta(days=6)              # Monday; DST switch on day 6 (Sunday)
    W.dates = [W.start + timedelta(days=i) for i in range(n_days)]
    hol = set()
    for y in range(W.start.year - 1, W.dates[-1].year + 2):
        hol |= holidays(y)
    W.holidays = {i for i, dt in enumerate(W.dates) if dt in hol}
    W.workday = [dt.weekday() < 5 and i not in W.holidays for i, dt in enumerate(W.dates)]
    # benefit deadline days: first workday on/after the 10th of each month (recertification due)
    W.deadlines = set()
    for i, dt in enumerate(W.dates):
        if i >= 4 and W.workday[i] and 10 <= dt.day <= 16 and not any(
                W.dates[j].month == dt.month for j in W.deadlines):
            W.deadlines.add(i)
    if not W.deadlines and n_days >= 8:
        for i in range(min(8, n_days - 2), n_days):
            if W.workday[i]:
                W.deadlines.add(i)
                break
    W.overtime_sats = set()
    for dl in W.deadlines:
        for j in range(dl - 1, max(0, dl - 7), -1):
            if W.dates[j].weekday() == 5:
                W.overtime_sats.add(j)
                break

    # ---- staffing
    n_svc = 3 + n_users // 200
    human = n_users - n_svc
    n_agent = round(human * 0.28)
    n_cse = max(2, round(human * 0.10))
    n_fraud = max(2, round(human * 0.05))
    n_appeals = max(1, round(human * 0.02))
    n_qc = max(1, round(human * 0.03))
    rest = human - n_agent - n_cse - n_fraud - n_appeals - n_qc
    cw = rest
    while cw > 1:
        s = math.ceil(n_agent / 12) + math.ceil(cw / 7) + math.ceil(n_cse / 9) + 1
        if cw + s <= rest:
            break
        cw -= 1
    n_sup_agent, n_sup_cw, n_sup_cse = math.ceil(n_agent / 12), math.ceil(cw / 7), math.ceil(n_cse / 9)
    cw += rest - (cw + n_sup_agent + n_sup_cw + n_sup_cse + 1)
    n_off = max(3, min(8, cw // 8))
    W.offices = OFFICE_ORDER[:n_off]
    W.emps = []
    used_eid = set()

    def new_eid():
        while True:
            x = "E%05d" % r.randrange(10000, 99999)
            if x not in used_eid:
                used_eid.add(x)
                return x

    def mk(role):
        e = Emp(new_eid(), role)
        W.emps.append(e)
        return e

    pi_mgr = mk("sup")
    pi_mgr.unit, pi_mgr.site, pi_mgr.team = "PROGRAM-INTEGRITY", "CAP", "PI"
    # call centre teams
    agents = [mk("agent") for _ in range(n_agent)]
    for t in range(n_sup_agent):
        s = mk("sup")
        s.unit, s.site, s.team = "CC-TEAM%d" % (t + 1), "CC", "CC%d" % t
        for a in agents[t::n_sup_agent]:
            a.unit, a.site, a.team, a.sup = s.unit, "CC", s.team, s.eid
    # eligibility teams
    cws = [mk("cw") for _ in range(cw)]
    W.teams = {}
    for t in range(n_sup_cw):
        prog = PROGRAMS[t % 3]
        off = W.offices[(t + t // 3) % n_off]
        unit = "%s-%s" % (off, prog)
        k = 2
        while unit in W.teams:
            unit = "%s-%s%d" % (off, prog, k)
            k += 1
        s = mk("sup")
        s.unit, s.site, s.team, s.program, s.office = unit, off, unit, prog, off
        members = cws[t::n_sup_cw]
        for c in members:
            c.unit, c.site, c.team, c.sup, c.program, c.office = unit, off, unit, s.eid, prog, off
        W.teams[unit] = {"sup": s, "members": members, "program": prog, "office": off}
    cse = [mk("cse") for _ in range(n_cse)]
    for t in range(n_sup_cse):
        off = W.offices[(t * 3) % n_off]
        unit = "CSE-%s" % off
        s = mk("sup")
        s.unit, s.site, s.team, s.office = unit, off, unit, off
        for c in cse[t::n_sup_cse]:
            c.unit, c.site, c.team, c.sup, c.office = unit, off, unit, s.eid, off
    for role, n, unit in (("fraud", n_fraud, "PROGRAM-INTEGRITY"), ("appeals", n_appeals, "APPEALS"),
                          ("qc", n_qc, "QC-REVIEW")):
        for _ in range(n):
            e = mk(role)
            e.unit, e.site, e.team, e.sup, e.office = unit, "CAP", unit, pi_mgr.eid, "CAP"
    svc_defs = [("svc_wagematch", "WAGE MATCH JOB"), ("svc_eligbatch", "ELIGIBILITY BATCH"),
                ("svc_dmvverify", "DMV VERIFY INTERFACE"), ("svc_vitalmatch", "DEATH MATCH JOB"),
                ("svc_docindex", "DOCUMENT INDEXER")]
    W.svc = {}
    for i in range(n_svc):
        nm, label = svc_defs[i % len(svc_defs)]
        if i >= len(svc_defs):
            nm = "%s%d" % (nm, i // len(svc_defs) + 1)
        e = Emp("SVC-%s" % nm[4:].upper(), "svc")
        W.emps.append(e)
        e.unit, e.site, e.login, e.svc_name = "IT-BATCH", "DC", nm, label
        W.svc[nm] = e

    # ---- people
    W.persons = {}
    W.used_ssn, W.used_phone, W.used_plate = set(), set(), set()
    W.hh = {}
    W.hh_seq = 0
    last_w = [1.0 / (i + 1) ** 0.9 for i in range(len(COMMON_LAST))]
    W._last_cum = []
    acc = 0
    for w in last_w:
        acc += w
        W._last_cum.append(acc)

    def pick_last():
        if r.random() < 0.05:
            a, b = r.sample(HYPH_PARTS, 2)
            return a + "-" + b
        x = r.random() * W._last_cum[-1]
        lo, hi = 0, len(W._last_cum) - 1
        while lo < hi:
            m = (lo + hi) // 2
            if W._last_cum[m] < x:
                lo = m + 1
            else:
                hi = m
        return COMMON_LAST[lo]

    W.pick_last = pick_last

    def new_ssn():
        while True:
            a = r.randrange(1, 900)
            if a == 666:
                continue
            s = "%03d-%02d-%04d" % (a, r.randrange(1, 100), r.randrange(1, 10000))
            if s not in W.used_ssn:
                W.used_ssn.add(s)
                return s

    def new_phone(site):
        while True:
            p = "%s-%03d-%04d" % (AREA_CODES.get(site, "785"), r.randrange(201, 999), r.randrange(0, 10000))
            if p not in W.used_phone and p[4:7] != "555":
                W.used_phone.add(p)
                return p

    def new_plate():
        while True:
            p = "%03d%s" % (r.randrange(0, 1000), "".join(r.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3)))
            if p not in W.used_plate:
                W.used_plate.add(p)
                return p

    def new_addr(site):
        cities = SITES[site][3] or SITES["CAP"][3]
        city, z = r.choice(cities)
        no = str(r.choice([r.randrange(100, 3000), r.randrange(100, 999), r.randrange(1000, 9999)]))
        apt = None
        if r.random() < 0.33:
            apt = r.choice([str(r.randrange(1, 30)), "%d%s" % (r.randrange(1, 5), r.choice("ABCD")),
                            str(r.randrange(101, 420))])
        return (no, r.choice(STREETS), apt, city, z)

    def new_person(site, sex=None, age=(18, 70), last=None, addr=None, first=None, phone=True):
        p = Person()
        p.pid = new_ssn()
        p.sex = sex or r.choice("FM")
        p.first = first or r.choice(FEMALE if p.sex == "F" else MALE)
        p.middle = r.choice(MIDDLE_F if p.sex == "F" else MIDDLE_M) if r.random() < 0.7 else None
        p.last = last or pick_last()
        p.maiden = None
        p.suffix = "JR" if (p.sex == "M" and r.random() < 0.03) else None
        a = r.uniform(age[0], age[1])
        p.dob = W.start - timedelta(days=int(a * 365.25) + r.randrange(0, 365))
        p.no, p.street, p.apt, p.city, p.zip = addr or new_addr(site)
        p.phone = new_phone(site) if phone else None
        p.plate = new_plate() if (a >= 18 and r.random() < 0.45) else None
        p.hh = None
        p.site = site
        p.emp = None
        p.fein = None
        W.persons[p.pid] = p
        return p

    W.new_person = new_person
    W.new_addr = new_addr

    def make_household(site, head=None, kids_max=4, partner_p=0.45, ncp_p=0.6):
        W.hh_seq += 1
        hid = W.hh_seq
        if head is None:
            head = new_person(site, age=(19, 66))
        addr = (head.no, head.street, head.apt, head.city, head.zip)
        members = [head]
        partner = None
        if r.random() < partner_p:
            married = r.random() < 0.6
            psex = "M" if head.sex == "F" else "F"
            if r.random() < 0.05:
                psex = head.sex
            if married and psex == "F":
                partner = new_person(site, sex="F", age=(19, 66), last=head.last, addr=addr)
                partner.maiden = pick_last()
            elif married and head.sex == "F" and psex == "M":
                partner = new_person(site, sex="M", age=(19, 66), addr=addr)
                if head.maiden is None:
                    head.maiden = head.last
                head.last = partner.last
            else:
                partner = new_person(site, sex=psex, age=(19, 66), addr=addr)
            if r.random() < 0.5:
                partner.phone = None
            members.append(partner)
        kids = []
        nk = r.choice([0, 0, 1, 1, 2, 2, 3, 4][:kids_max * 2 + 1])
        kid_last = head.last if (partner or r.random() < 0.6) else pick_last()
        for _ in range(nk):
            k = new_person(site, age=(0, 17), last=kid_last, addr=addr, phone=False)
            k.plate = None
            kids.append(k)
            members.append(k)
        ncp = None
        if kids and partner is None and r.random() < ncp_p:
            ncp = new_person(r.choice(W.offices), sex="M" if head.sex == "F" else "F", age=(20, 60),
                             last=kid_last if kid_last != head.last else pick_last())
        for m in members:
            m.hh = hid
        W.hh[hid] = {"head": head, "partner": partner, "kids": kids, "members": members, "ncp": ncp,
                     "site": site, "claims": {}}
        return hid

    W.make_household = make_household

    # employees as persons
    W.emp_by_pid = {}
    for e in W.emps:
        if not e.human():
            continue
        home = e.site if e.site in SITES and SITES[e.site][3] else "CAP"
        p = new_person(home, age=(22, 64))
        if r.random() < 0.12:
            p.last = r.choice(COMMON_LAST[:15])  # common names are common among staff too
        e.person = p
        p.emp = e.eid
        W.emp_by_pid[p.pid] = e
    # logins
    used_login = set()
    for e in W.emps:
        if not e.human():
            continue
        base = (e.person.first[0] + e.person.last.replace(" ", "").replace("'", "").replace("-", "")).lower()[:12]
        lg, k = base, 2
        while lg in used_login:
            lg = "%s%d" % (base, k)
            k += 1
        used_login.add(lg)
        e.login = lg
        if e.role in ("cw", "cse", "fraud", "qc") or (e.role == "sup" and e.team and not e.team.startswith("CC")):
            e.dmv_login = "DSS" + e.eid[1:]
    W.emp_by_eid = {e.eid: e for e in W.emps}
    W.login_emp = {}
    for e in W.emps:
        W.login_emp[e.login] = e
        if e.dmv_login:
            W.login_emp[e.dmv_login] = e

    # agent shifts etc.
    for a in agents:
        x = r.random()
        a.shift = "early" if x < 0.58 else ("late" if x < 0.9 else "part")
    for e in W.emps:
        if not e.human():
            continue
        if e.role in ("cw", "qc", "appeals") and r.random() < 0.55:
            e.telework = {r.choice([0, 4]) } if r.random() < 0.6 else {0, 4}
        elif e.role in ("cse", "sup") and e.unit and not e.unit.startswith("CC") and r.random() < 0.3:
            e.telework = {r.choice([0, 1, 4])}
        if e.role in ("cw", "cse", "fraud", "qc", "appeals") or (e.role == "sup" and not e.unit.startswith("CC")):
            e.laptop = "LT-%s" % e.eid[1:]
        # paid time off: a day or two
        for _ in range(r.choice([0, 0, 1, 1, 2]) * max(1, n_days // 14)):
            e.pto.add(r.randrange(0, n_days))
    ev_cands = [c for c in cws if c.laptop]
    for c in r.sample(ev_cands, max(1, len(ev_cands) // 20)):
        c.evening_flex = True

    # special staff: restricted (employee-cases) worker, intake workers
    cap_cws = [c for c in cws if c.office == "CAP" and c.program in ("SNAP", "MED")] or cws
    restricted = r.choice(cap_cws)
    restricted.restricted = True
    W.restricted = restricted
    for unit, t in W.teams.items():
        if t["program"] in ("SNAP", "MED", "UI"):
            cands = [m for m in t["members"] if not m.restricted]
            if cands:
                r.choice(cands).intake = True

    # ---- statuses: leave, terminated, transfer, new hire
    W.day_of = lambda i: W.dates[i]

    def fridays(lo, hi):
        return [i for i in range(lo, hi) if W.dates[i].weekday() == 4 and W.workday[i]]

    pool = [e for e in W.emps if e.role in ("agent", "cw") and not e.restricted and not e.intake]
    r.shuffle(pool)
    n_leave = 1 if human >= 40 else 0
    for e in pool[:n_leave]:
        e.status = "leave"
    n_term = max(1, human // 60)
    term_cands = [e for e in pool[n_leave:] if e.role == "agent"][:1] + \
                 [e for e in pool[n_leave:] if e.role == "cw"][:max(0, n_term - 1)]
    fr = fridays(2, max(3, n_days - 4)) or fridays(1, n_days)
    W.terminated = []
    for e in term_cands[:n_term]:
        fi = r.choice(fr[:max(1, len(fr) // 2 + 1)]) if fr else n_days - 1
        e.status = "terminated"
        e.end_date = W.dates[fi]
        e.last_day = fi - 1           # took the last day off
        W.terminated.append(e)
    mondays = [i for i in range(5, n_days - 3) if W.dates[i].weekday() == 0]
    W.transferred = []
    n_tr = max(1 if cw >= 10 else 0, cw // 25)
    tr_cands = [e for e in pool if e.role == "cw" and e.status == "active"]
    for e in tr_cands[:n_tr]:
        if not mondays:
            break
        dest = [u for u, t in W.teams.items() if t["office"] != e.office]
        if not dest:
            break
        nu = r.choice(dest)
        e.transfer = {"day": r.choice(mondays), "old_unit": e.unit, "old_site": e.site, "unit": nu,
                      "site": W.teams[nu]["office"], "old_program": e.program}
        W.teams[e.unit]["members"].remove(e)
        W.teams[nu]["members"].append(e)
        e.unit, e.site = nu, W.teams[nu]["office"]
        e.program, e.office = W.teams[nu]["program"], W.teams[nu]["office"]
        e.sup = W.teams[nu]["sup"].eid
        W.transferred.append(e)
    W.new_hire = None
    nh = [a for a in agents if a.status == "active" and a not in pool[:3]]
    if nh and n_days >= 10:
        starts = [i for i in range(4, n_days - 3) if W.dates[i].weekday() == 0 and W.workday[i]]
        if starts:
            W.new_hire = nh[-1]
            W.new_hire.start_day = starts[0]
            W.new_hire.shift = "early"

    # ---- clients (workstations)
    W.clients = {}
    desk_no = {}

    def add_client(cid, site, jitter=0.0005):
        la, lo = SITES[site][1], SITES[site][2]
        W.clients[cid] = (site, round(la + r.uniform(-jitter, jitter), 5), round(lo + r.uniform(-jitter, jitter), 5))

    def new_desk(site):
        desk_no[site] = desk_no.get(site, 0) + 1
        n = desk_no[site]
        cid = "%s-WS-%04d" % (site, 100 + n * 3 + r.randrange(0, 3))
        add_client(cid, site)
        W.client_ip[cid] = "10.%d.%d.%d" % (SITES[site][4], 1 + n // 200, 10 + n % 200)
        return cid

    W.client_ip = {}
    for e in W.emps:
        if e.role in ("agent", "svc"):
            continue
        if e.transfer:
            e.desk = new_desk(e.transfer["old_site"])
            e.transfer["old_desk"] = e.desk
            e.desk = new_desk(e.site)
        else:
            e.desk = new_desk(e.site)
        if e.laptop:
            add_client(e.laptop, e.transfer["old_site"] if e.transfer else e.site)
    ncc = sum(1 for a in agents if a.shift in ("early",)) + max(
        sum(1 for a in agents if a.shift == "late"), sum(1 for a in agents if a.shift == "part")) + 3
    W.cc_desks = []
    for i in range(ncc + max(2, n_agent // 10)):
        cid = "CC-WS-%03d" % (i + 1)
        add_client(cid, "CC")
        W.client_ip[cid] = "10.30.%d.%d" % (1 + i // 200, 20 + i % 200)
        W.cc_desks.append(cid)
    for s in sorted(set([e.site for e in W.emps if e.site not in ("CC", "DC")])):
        cid = "%s-SCAN-01" % s
        add_client(cid, s)
        W.client_ip[cid] = "10.%d.9.5" % SITES[s][4]
        for k in range(1, 4):
            cid = "%s-TRN-%02d" % (s, k)     # training-room / spare desks
            add_client(cid, s)
            W.client_ip[cid] = "10.%d.8.%d" % (SITES[s][4], 10 + k)
    for k in (1, 2):
        cid = "DC-BATCH-%02d" % k
        add_client(cid, "DC", 0.0)
        W.client_ip[cid] = "10.10.5.%d" % (20 + k)
    W.site_of_client = {c: v[0] for c, v in W.clients.items()}
    return W


# --------------------------------------------------------------------------- cases, associations, watch list
def build_cases(W):
    r = srng(W.seed, "cases")
    start, end = W.start, W.dates[-1]
    D = lambda i: W.dates[i]
    W.cases = {}
    W.assoc = []                 # dict rows
    W.assoc_by_eid = {}
    W.watch = {}
    W.pid_cls = {}               # person -> hard-negative class for any legitimate lookup
    W.special_pids = set()       # persons that must not be random callers / scrape targets
    used = set()

    def claim_id():
        while True:
            n = r.randrange(100000, 1000000)
            if n not in used:
                used.add(n)
                return "CLM-%07d" % n

    def cse_id():
        while True:
            n = r.randrange(20000000, 29999999)
            if n not in used:
                used.add(n)
                return "CSE-%08d" % n

    frd_n = [r.randrange(100, 400)]

    def frd_id(opened):
        frd_n[0] += r.randrange(1, 6)
        return "FRD-%d-%05d" % (opened.year, frd_n[0])

    formers = ["E%05d" % r.randrange(10000, 99999) for _ in range(40)]
    formers = [f for f in formers if f not in W.emp_by_eid]

    def add(c):
        W.cases[c.cid] = c
        return c

    def claim_subjects(hid, program):
        h = W.hh[hid]
        if program == "UI":
            adults = [h["head"]] + ([h["partner"]] if h["partner"] else [])
            a = h["head"] if (len(adults) == 1 or r.random() < 0.7) else adults[1]
            return [a], a
        if program == "MED":
            s = [h["head"]] + h["kids"] + ([h["partner"]] if h["partner"] and (not h["kids"] or r.random() < 0.5) else [])
            return s, h["head"]
        s = list(h["members"])
        if h["ncp"] and r.random() < 0.4:
            s.append(h["ncp"])
        return s, h["head"]

    def new_claim(program, unit, office, opened, hid, key=None):
        c = Case(claim_id(), "CLM", program, unit, office, opened)
        subs, head = claim_subjects(hid, program)
        c.subjects = [p.pid for p in subs]
        c.head = head.pid
        c.hh = hid
        for p in subs:
            if p.maiden and r.random() < 0.3:
                c.maiden_listed.add(p.pid)
        W.hh[hid]["claims"][key or (program if program != "UI" else "UI:" + head.pid)] = c.cid
        return add(c)

    office_hh = {o: [] for o in W.offices}

    def get_household(office, program):
        lst = office_hh[office]
        if lst and r.random() < 0.45:
            for _ in range(4):
                hid = r.choice(lst)
                if program not in W.hh[hid]["claims"]:
                    return hid
        hid = W.make_household(office)
        lst.append(hid)
        return hid

    cws = [e for e in W.emps if e.role == "cw"]
    team_of0 = lambda e: W.teams[e.unit_on(0)]
    # ---- ongoing caseloads
    for e in cws:
        if e.status == "leave":
            continue
        t = team_of0(e)
        for _ in range(r.randint(170, 320)):
            hid = get_household(t["office"], t["program"])
            opened = start - timedelta(days=r.randint(20, 1100))
            c = new_claim(t["program"], e.unit_on(0), t["office"], opened, hid)
            frm = max(opened, start - timedelta(days=r.randint(10, 800)))
            if frm > opened:
                c.asg.append((r.choice(formers), opened, frm - timedelta(days=1)))
            c.asg.append((e.eid, frm, None))
        # closed history (former clients)
        for _ in range(r.randint(15, 40)):
            hid = get_household(t["office"], t["program"] + "_OLD")
            closed = start - timedelta(days=r.randint(10, 420))
            opened = closed - timedelta(days=r.randint(60, 900))
            c = new_claim(t["program"], e.unit_on(0), t["office"], opened, hid, key=t["program"] + "_OLD")
            c.closed = closed
            c.asg.append((e.eid if r.random() < 0.8 else r.choice(formers), opened, closed))

    # ---- employee households (spouses, children, ex-partners) -> associations
    def assoc(e, rel, p, src, pid=True, dob=True, addr=True, phone=False, plate=False, vf=None, vt=None, first=None):
        row = {"employee_id": e.eid, "relation": rel, "person_id": p.pid if pid else "",
               "last_name": p.last.title() if r.random() < 0.7 else p.last,
               "first_name": (first or p.first).title(),
               "dob": p.dob.isoformat() if dob else "", "address": p.addr_title() if addr else "",
               "phone": (p.phone or "") if phone else "", "plate": (p.plate or "") if plate else "",
               "valid_from": vf.isoformat() if vf else "", "valid_to": vt.isoformat() if vt else "",
               "source": src, "_pid": p.pid, "_vf": vf, "_vt": vt}
        W.assoc.append(row)
        W.assoc_by_eid.setdefault(e.eid, []).append(row)
        W.special_pids.add(p.pid)
        return row

    humans = [e for e in W.emps if e.human()]
    for e in humans:
        W.special_pids.add(e.person.pid)
    agents = [e for e in humans if e.role == "agent" and e.status == "active" and e is not W.new_hire]
    n_recip = 1 + len(humans) // 50
    recipients = r.sample(agents, min(n_recip, len(agents)))
    W.recipients = recipients
    cse_emp_cands = [e for e in humans if e.role in ("cw", "agent", "qc", "appeals") and e.status == "active"
                     and e not in recipients and not e.restricted]
    W.cse_employee = r.choice(cse_emp_cands)
    for e in humans:
        home = e.person.site
        if e in recipients:
            hid = W.make_household(home, head=e.person, partner_p=0.4, ncp_p=0.7)
        elif e is W.cse_employee:
            hid = W.make_household(home, head=e.person, partner_p=0.0, ncp_p=1.0, kids_max=3)
            if not W.hh[hid]["kids"]:
                k = W.new_person(home, age=(2, 15), last=e.person.last,
                                 addr=(e.person.no, e.person.street, e.person.apt, e.person.city, e.person.zip), phone=False)
                k.hh = hid
                W.hh[hid]["kids"].append(k)
                W.hh[hid]["members"].append(k)
            if not W.hh[hid]["ncp"]:
                W.hh[hid]["ncp"] = W.new_person(r.choice(W.offices), sex="M" if e.person.sex == "F" else "F", age=(25, 60))
        else:
            hid = W.make_household(home, head=e.person, partner_p=0.55, ncp_p=0.25, kids_max=3)
        h = W.hh[hid]
        h["employee"] = e.eid
        for m in h["members"]:
            if m is not e.person:
                W.special_pids.add(m.pid)
        e.hh = hid
        vf = start - timedelta(days=r.randint(200, 4000))
        if h["partner"]:
            p = h["partner"]
            rel = "spouse" if (p.last == e.person.last or p.maiden or e.person.maiden) else "partner"
            assoc(e, rel, p, "HR_BENEFITS_ENROLLMENT", phone=True, vf=vf)
        for k in h["kids"]:
            assoc(e, "family", k, "HR_BENEFITS_ENROLLMENT", addr=False, vf=k.dob)
        if h["ncp"]:
            x = h["ncp"]
            assoc(e, "ex_partner", x, r.choice(["CSE_ORDER", "COI_DECLARATION"]), pid=r.random() < 0.5,
                  addr=r.random() < 0.6, vf=start - timedelta(days=r.randint(100, 2500)))
        if r.random() < 0.6:      # emergency contact: parent or sibling, HR form, maybe a nickname
            fam = W.new_person(home if r.random() < 0.7 else r.choice(W.offices), age=(25, 80),
                               last=e.person.maiden or e.person.last if r.random() < 0.6 else None)
            nick = r.choice(NICK[fam.first]) if (fam.first in NICK and r.random() < 0.3) else None
            assoc(e, "family", fam, "HR_EMERGENCY_CONTACT", pid=False, dob=False, addr=r.random() < 0.5,
                  phone=True, first=nick)

    def assign_elsewhere(c, exclude_eid, program, office):
        teams = [t for t in W.teams.values() if t["program"] == program and t["office"] == office] or \
                [t for t in W.teams.values() if t["program"] == program] or list(W.teams.values())
        mem = [m for t in teams for m in t["members"] if m.eid != exclude_eid and m.status == "active" and not m.transfer]
        w = r.choice(mem)
        c.asg.append((w.eid, max(c.opened, start - timedelta(days=r.randint(5, 300))), None))
        c.unit, c.office = w.unit, w.office
        return w

    # staff who are benefit recipients -> restricted (employee-case) worker
    R = W.restricted
    for e in recipients:
        hid = e.hh
        for prog in (["SNAP", "MED"] if r.random() < 0.5 else ["SNAP"]):
            c = new_claim(prog, R.unit, R.office, start - timedelta(days=r.randint(60, 700)), hid)
            c.asg.append((R.eid, c.opened, None))
            e.recipient_claims.append(c.cid)
    # child-support case where the employee is the custodial parent
    cse_officers = [e for e in humans if e.role == "cse" and e.status == "active"]
    W.cse_cases_by_officer = {o.eid: [] for o in cse_officers}

    def new_cse(officer, hid, opened):
        h = W.hh[hid]
        c = Case(cse_id(), "CSE", "CSE", officer.unit, officer.office, opened)
        c.subjects = [h["head"].pid] + [k.pid for k in h["kids"]] + [h["ncp"].pid]
        c.head = h["ncp"].pid
        c.hh = hid
        if r.random() < 0.08:
            c.pid_blank.add(h["ncp"].pid)     # NCP still being located: no SSN on file
        c.asg.append((officer.eid, opened, None))
        W.cse_cases_by_officer[officer.eid].append(c.cid)
        return add(c)

    ce = W.cse_employee
    W.cse_employee_case = new_cse(r.choice(cse_officers), ce.hh, start - timedelta(days=r.randint(100, 900))).cid

    # relatives, neighbours, protected parties, extra ex-partners with claims elsewhere
    def claim_for(person_site, head_person=None, program=None, exclude=None, hid=None):
        program = program or r.choice(["SNAP", "MED"])
        office = person_site if person_site in W.offices else r.choice(W.offices)
        if hid is None:
            hid = W.make_household(office, head=head_person)
        c = new_claim(program, None, office, start - timedelta(days=r.randint(30, 800)), hid)
        assign_elsewhere(c, exclude, program, office)
        for m in W.hh[hid]["members"]:
            W.special_pids.add(m.pid)
        return c

    cand = [e for e in humans if e.status == "active" and not e.transfer]
    r.shuffle(cand)
    n_rel = max(2, len(humans) // 10)
    for e in cand[:n_rel]:
        rel = W.new_person(r.choice(W.offices), age=(20, 75), last=e.person.maiden or e.person.last)
        claim_for(rel.site, head_person=rel, exclude=e.eid)
        assoc(e, "family", rel, "COI_DECLARATION", pid=r.random() < 0.3, addr=True, phone=r.random() < 0.5,
              vf=start - timedelta(days=r.randint(30, 900)))
    for e in cand[n_rel:n_rel + max(2, len(humans) // 16)]:
        p = e.person
        try:
            no = str(int(p.no) + r.choice([-4, -2, 2, 4]))
        except ValueError:
            no = p.no + "A"
        nb = W.new_person(p.site, age=(22, 80), addr=(no, p.street, None, p.city, p.zip))
        claim_for(p.site, head_person=nb, exclude=e.eid)
        assoc(e, "neighbor", nb, "COI_DECLARATION", pid=False, dob=False, addr=True,
              vf=start - timedelta(days=r.randint(100, 3000)))
    k0 = n_rel + max(2, len(humans) // 16)
    for e in cand[k0:k0 + max(1, len(humans) // 60)]:
        pp = W.new_person(r.choice(W.offices), sex="F" if e.person.sex == "M" else "M", age=(22, 55))
        claim_for(pp.site, head_person=pp, program="MED", exclude=e.eid)
        vf = start - timedelta(days=r.randint(30, 300))
        assoc(e, "protected_party", pp, "COURT_ORDER", pid=False, dob=True, addr=True,
              vf=vf, vt=vf + timedelta(days=730))
    k1 = k0 + max(1, len(humans) // 60)
    for e in cand[k1:k1 + max(2, len(humans) // 12)]:
        if any(a["relation"] == "ex_partner" for a in W.assoc_by_eid.get(e.eid, [])):
            continue
        ex = W.new_person(r.choice(W.offices), sex="F" if e.person.sex == "M" else "M", age=(22, 60))
        if r.random() < 0.6:
            claim_for(ex.site, head_person=ex, exclude=e.eid)
        assoc(e, "ex_partner", ex, r.choice(["COI_DECLARATION", "HR_EAP_REFERRAL", "COURT_ORDER"]),
              pid=r.random() < 0.4, addr=r.random() < 0.3, phone=r.random() < 0.4,
              vf=start - timedelta(days=r.randint(60, 1500)))
    # a declared former neighbour (association expired) -- realism only
    for e in cand[-2:]:
        nb = W.new_person(e.person.site, age=(30, 80))
        assoc(e, "neighbor", nb, "COI_DECLARATION", pid=False, dob=False,
              vf=start - timedelta(days=2000), vt=start - timedelta(days=400))

    # ---- watch list
    n_watch = 10 + W.n_users // 25
    fam = r.sample(FAMOUS_LAST, min(len(FAMOUS_LAST), n_watch))
    W.watch_people = []
    for i in range(n_watch):
        cat = ["official", "celebrity", "journalist", "official", "celebrity"][i % 5]
        if cat == "official" and r.random() < 0.6:
            last = r.choice(COMMON_LAST[:20])
        else:
            last = fam[i % len(fam)]
        p = W.new_person(r.choice(W.offices), age=(28, 72), last=last)
        W.watch[p.pid] = cat
        W.watch_people.append(p)
        W.special_pids.add(p.pid)
    # watch-list namesake: an official with a common name and an unrelated claimant with the same name
    offs = [p for p in W.watch_people if W.watch[p.pid] == "official" and p.last in COMMON_LAST]
    if not offs:
        offs = [p for p in W.watch_people if W.watch[p.pid] == "official"]
        offs[0].last = "JOHNSON"
    wo = offs[0]
    ns = W.new_person(r.choice(W.offices), sex=wo.sex, age=(20, 70), last=wo.last, first=wo.first)
    c = claim_for(ns.site, head_person=ns)
    W.pid_cls[ns.pid] = "watchlist_namesake"
    W.special_pids.discard(ns.pid)     # may call in like anyone else
    # employee namesake: a claimant sharing first+last name with a staff member
    common_staff = [e for e in humans if e.person.last in COMMON_LAST[:30] and e.status == "active"] or humans
    e = r.choice(common_staff)
    ns = W.new_person(e.person.site, sex=e.person.sex, age=(20, 70), last=e.person.last, first=e.person.first)
    hid = W.make_household(e.person.site if e.person.site in W.offices else W.offices[0], head=ns)
    c = claim_for(ns.site, hid=hid, exclude=e.eid,
                  program=e.program if e.role == "cw" else None)
    W.pid_cls[ns.pid] = "employee_namesake"
    W.special_pids.discard(ns.pid)
    W.namesake_emp = e.eid
    if r.random() < 0.6:   # a caseworker assigned a claimant with the very same name
        y = r.choice([c_ for c_ in cws if c_.status == "active" and not c_.transfer])
        ns = W.new_person(y.office, sex=y.person.sex, age=(20, 70), last=y.person.last, first=y.person.first)
        hid = W.make_household(y.office, head=ns)
        c = new_claim(y.program, y.unit, y.office, start - timedelta(days=r.randint(30, 500)), hid)
        c.asg.append((y.eid, c.opened, None))
        W.pid_cls[ns.pid] = "self_namesake"
    # same apartment building as a caseworker, assigned to that caseworker (not a declared conflict)
    aptc = [c_ for c_ in cws if c_.person.apt and c_.status == "active" and not c_.transfer and c_.office in W.offices]
    if aptc:
        y = r.choice(aptc)
        p = y.person
        other_apt = p.apt
        while other_apt == p.apt:
            other_apt = str(r.randrange(1, 40))
        hd = W.new_person(y.office, age=(20, 70), addr=(p.no, p.street, other_apt, p.city, p.zip))
        hid = W.make_household(y.office, head=hd)
        c = new_claim(y.program, y.unit, y.office, start - timedelta(days=r.randint(30, 500)), hid)
        c.asg.append((y.eid, c.opened, None))
        for m in W.hh[hid]["members"]:
            W.pid_cls[m.pid] = "same_building_claimant"
            W.special_pids.add(m.pid)

    # ---- child support caseloads
    claim_hh_ncp = [hid for o in W.offices for hid in office_hh[o] if W.hh[hid]["ncp"]]
    for o in cse_officers:
        for _ in range(r.randint(220, 360)):
            opened = start - timedelta(days=r.randint(30, 3000))
            if claim_hh_ncp and r.random() < 0.5:
                hid = claim_hh_ncp.pop(r.randrange(len(claim_hh_ncp)))
            else:
                hid = W.make_household(o.office, partner_p=0.0, ncp_p=1.0)
                if not W.hh[hid]["kids"]:
                    h = W.hh[hid]
                    k = W.new_person(o.office, age=(0, 17), last=h["head"].last,
                                     addr=(h["head"].no, h["head"].street, h["head"].apt, h["head"].city, h["head"].zip), phone=False)
                    k.hh = hid
                    h["kids"].append(k)
                    h["members"].append(k)
                if not W.hh[hid]["ncp"]:
                    W.hh[hid]["ncp"] = W.new_person(r.choice(W.offices), age=(20, 60))
            new_cse(o, hid, opened)
    # ---- fraud (program integrity) cases
    frauds = [e for e in humans if e.role == "fraud"]
    all_claims = [c for c in W.cases.values() if c.kind == "CLM" and c.closed is None and not (set(c.subjects) & W.special_pids)]
    W.fraud_cases = {f.eid: [] for f in frauds}
    for f in frauds:
        for _ in range(r.randint(10, 20)):
            base = r.choice(all_claims)
            h = W.hh[base.hh]
            opened = start - timedelta(days=r.randint(10, 300))
            c = Case(frd_id(opened), "FRD", "FRAUD", "PROGRAM-INTEGRITY", "CAP", opened)
            subs = [h["head"]] + ([h["partner"]] if h["partner"] else [])
            if r.random() < 0.4:   # undisclosed household member living at the claimant's address
                hp = h["head"]
                a = W.new_person(hp.site, sex="M" if hp.sex == "F" else "F", age=(20, 60),
                                 addr=(hp.no, hp.street, hp.apt, hp.city, hp.zip))
                subs.append(a)
            c.subjects = [p.pid for p in subs]
            c.head = h["head"].pid
            c.hh = base.hh
            c.prior = base.cid
            c.asg.append((f.eid, opened, None))
            add(c)
            W.fraud_cases[f.eid].append(c.cid)
    # employee-fraud investigation: a caseworker is the subject of an open integrity case
    susp = r.choice([c_ for c_ in cws if c_.status == "active" and c_ not in recipients])
    f = r.choice(frauds)
    opened = start - timedelta(days=r.randint(20, 120))
    c = Case(frd_id(opened), "FRD", "FRAUD", "PROGRAM-INTEGRITY", "CAP", opened)
    mine = [x for x in W.cases.values() if x.kind == "CLM" and x.closed is None and x.assigned(susp.eid, start)]
    other = r.choice(mine) if mine else r.choice(all_claims)
    c.subjects = [susp.person.pid, other.head]
    c.head = susp.person.pid
    c.hh = other.hh
    c.asg.append((f.eid, opened, None))
    add(c)
    W.fraud_cases[f.eid].append(c.cid)
    W.employee_fraud_case = c.cid

    # ---- claims opened during the period (intake) incl. a celebrity who applies after a news story
    W.new_claims = {}
    intakes = [e for e in cws if e.intake and e.status == "active"]
    for e in intakes:
        for d in range(W.days):
            if not W.workday[d] or d in e.pto:
                continue
            n = r.randint(1, 4) + (2 if d in W.deadlines else 0)
            for _ in range(n):
                hid = W.make_household(e.office)
                office_hh[e.office].append(hid)
                if r.random() < 0.25:    # re-applicant with a closed claim on file
                    old = new_claim(e.program, e.unit, e.office, start - timedelta(days=r.randint(400, 1500)), hid,
                                    key=e.program + "_OLD")
                    old.closed = start - timedelta(days=r.randint(30, 380))
                    old.asg.append((r.choice(formers), old.opened, old.closed))
                c = new_claim(e.program, e.unit, e.office, D(d), hid)
                c.asg.append((e.eid, D(d), None))
                if "_OLD" in str(list(W.hh[hid]["claims"].keys())):
                    c.prior = W.hh[hid]["claims"][e.program + "_OLD"]
                W.new_claims.setdefault((e.eid, d), []).append(c.cid)
    celebs = [p for p in W.watch_people if W.watch[p.pid] == "celebrity"]
    W.celeb = celebs[0]
    ui_int = [e for e in intakes if e.program == "UI"] or intakes
    ce = r.choice(ui_int)
    kd = [d for d in range(3, W.days - 2) if W.workday[d] and d not in W.deadlines and d not in ce.pto]
    W.celeb_day = r.choice(kd[: max(1, len(kd) // 2)]) if kd else 1
    hid = W.make_household(ce.office, head=W.celeb, partner_p=0.0, kids_max=0)
    c = new_claim(ce.program, ce.unit, ce.office, D(W.celeb_day), hid)
    c.asg.append((ce.eid, D(W.celeb_day), None))
    W.new_claims.setdefault((ce.eid, W.celeb_day), []).append(c.cid)
    W.celeb_claim = c.cid
    W.celeb_intake = ce.eid

    # ---- claims closing during the period (nightly closure batch), transfers, separations
    protected = set([W.celeb_claim])
    for e in recipients:
        protected |= set(e.recipient_claims)
    openc = [c for c in W.cases.values() if c.kind == "CLM" and c.closed is None and c.opened < start
             and c.cid not in protected and not (set(c.subjects) & W.special_pids)
             and not any(W.pid_cls.get(p) for p in c.subjects)]
    pclose = 0.006 * W.days / 7
    for c in openc:
        if r.random() < pclose:
            c.closed = D(r.randrange(1, W.days))
    for e in W.transferred:
        T = e.transfer["day"]
        sun = D(T) - timedelta(days=1)
        old_team = W.teams[e.transfer["old_unit"]]
        mates = [m for m in old_team["members"] if m.status == "active" and not m.transfer] or [W.restricted]
        new_team = W.teams[e.unit]
        for c in W.cases.values():
            if c.kind != "CLM":
                continue
            for i, (x, f_, t_) in enumerate(c.asg):
                if x == e.eid and t_ is None and f_ < D(T):
                    c.asg[i] = (x, f_, sun)
                    c.asg.append((r.choice(mates).eid, D(T), None))
        others = [m for m in new_team["members"] if m is not e and m.status == "active" and not m.transfer
                  and not m.restricted]
        take = []
        for m in others:
            mine = [c for c in W.cases.values() if c.kind == "CLM" and c.closed is None and c.opened < start and
                    any(x == m.eid and t_ is None and f_ < D(T) for x, f_, t_ in c.asg) and c.cid != W.celeb_claim
                    and not any(p in W.emp_by_pid for p in c.subjects)]
            take += [(m, c) for c in r.sample(mine, min(len(mine), 220 // max(1, len(others))))]
        for m, c in take:
            for i, (x, f_, t_) in enumerate(c.asg):
                if x == m.eid and t_ is None and f_ < D(T):
                    c.asg[i] = (x, f_, sun)
            c.asg.append((e.eid, D(T), None))
    for e in W.terminated:
        if e.role != "cw":
            continue
        mon = e.end_date + timedelta(days=3)
        mates = [m for m in W.teams[e.unit]["members"] if m is not e and m.status == "active" and not m.transfer] or [W.restricted]
        for c in W.cases.values():
            for i, (x, f_, t_) in enumerate(c.asg):
                if x == e.eid and t_ is None:
                    c.asg[i] = (x, f_, mon)
                    c.asg.append((r.choice(mates).eid, mon, None))

    # ---- QC samples and appeals / fair hearings
    W.qc = {}
    qcs = [e for e in humans if e.role == "qc"]
    openc2 = [c for c in W.cases.values() if c.kind == "CLM" and c.closed is None and c.opened < start
              and not (set(c.subjects) & W.special_pids)]
    for q in qcs:
        for d in range(0, W.days, 7):
            picks = r.sample(openc2, min(len(openc2), r.randint(5, 8)))
            for c in picks:
                c.asg.append((q.eid, D(d), D(d) + timedelta(days=34)))
            W.qc[(q.eid, d // 7)] = [c.cid for c in picks]
    W.hearings = {}
    W.appeals = {}
    apps = [e for e in humans if e.role == "appeals"]
    for a in apps:
        W.appeals[a.eid] = []
        for c in r.sample(openc2, min(len(openc2), max(6, len(openc2) // 300 // len(apps)))):
            if c.closed is not None:
                continue
            c.asg.append((a.eid, start - timedelta(days=r.randint(5, 40)), None))
            W.appeals[a.eid].append(c.cid)
            if r.random() < 0.6:
                wd = [d for d in range(W.days) if W.workday[d] and (c.closed is None or D(d) < c.closed)]
                if wd:
                    d = r.choice(wd)
                    W.hearings.setdefault(d, []).append((c.cid, r.choice([(9, 0), (10, 30), (13, 30), (15, 0)]), a.eid))

    # ---- members of the public who are on no claim (acquaintances, people in the news) -- used by injection only
    W.public = [W.new_person(r.choice(W.offices), age=(19, 70)) for _ in range(40 + W.n_users // 4)]
    for p in W.public:
        W.special_pids.add(p.pid)
    W.closing_on = {}
    for c in W.cases.values():
        if c.kind == "CLM" and c.closed is not None and start <= c.closed <= end:
            W.closing_on.setdefault((c.closed - start).days, []).append(c)
    W.cases_cse_open = sorted(c.cid for c in W.cases.values() if c.kind == "CSE" and c.closed is None)
    W.force_touch = set(c.cid for c in W.cases.values() if c.kind == "CLM" and c.closed is None
                        and any(W.pid_cls.get(x) for x in c.subjects))
    # natural name collisions: claimants sharing first+last name with a staff member or a watch-listed person
    staff_names = set((e.person.first, e.person.last) for e in humans)
    watch_names = set((p.first, p.last) for p in W.watch_people)
    for p in W.persons.values():
        if p.pid in W.pid_cls or p.pid in W.emp_by_pid or p.pid in W.watch:
            continue
        if (p.first, p.last) in watch_names:
            W.pid_cls[p.pid] = "watchlist_namesake"
        elif (p.first, p.last) in staff_names:
            W.pid_cls[p.pid] = "employee_namesake"
    # ---- per-employee caseload index
    for c in W.cases.values():
        for x, f_, t_ in c.asg:
            e = W.emp_by_eid.get(x)
            if e:
                e.caseload.append((c.cid, f_, t_))
    # ---- pools of callers / walk-ins (adults on claims or child-support cases; not staff, not watch-listed)
    W.caller_pool = []
    W.walkin_pool = {o: [] for o in W.offices}
    seen = set()
    for c in W.cases.values():
        if c.kind not in ("CLM", "CSE"):
            continue
        if c.closed is not None and c.closed < start - timedelta(days=90):
            continue
        for pid in c.subjects:
            if pid in seen or pid in W.special_pids or pid in W.emp_by_pid or pid in W.watch:
                continue
            p = W.persons[pid]
            if p.age(start) < 18:
                continue
            seen.add(pid)
            W.caller_pool.append(pid)
            if c.office in W.walkin_pool and c.kind == "CLM":
                W.walkin_pool[c.office].append(pid)
    W.caller_pool.sort()
    # repeat callers (a frantic caller who keeps calling back and reaches several agents within ~90 minutes)
    W.repeat_calls = {}
    for d in range(W.days):
        if W.workday[d] and r.random() < 0.35:
            W.repeat_calls[d] = (r.choice(W.caller_pool), r.choice([(9, 10), (10, 5), (13, 40), (14, 20)]),
                                 r.randint(3, 4))
    # lobby duty rotation (one caseworker per office per workday)
    W.lobby = {}
    for o in W.offices:
        mem = sorted([e for e in cws if e.office == o and not e.intake and not e.restricted], key=lambda e: e.eid)
        if not mem:
            continue
        k = r.randrange(len(mem))
        for d in range(W.days):
            if W.workday[d]:
                W.lobby[(o, d)] = mem[k % len(mem)].eid
                k += 1
    # overtime Saturday volunteers
    W.overtime = {d: set(e.eid for e in cws if r.random() < 0.3) for d in W.overtime_sats}
    W.cc_saturday = {d: set(a.eid for a in agents if r.random() < 0.25)
                     for d in range(W.days) if W.dates[d].weekday() == 5 and d not in W.holidays}


# --------------------------------------------------------------------------- event generation core
ELIG, WAGE, DMV, VITAL, DOCIMG, CSE, AUDIT = "ELIG", "WAGE", "DMV", "VITAL", "DOCIMG", "CSE", "AUDITLOG"
DOC_TYPES = ["PAYSTUB", "ID_DOCUMENT", "LEASE", "UTILITY_BILL", "BANK_STATEMENT", "APPLICATION",
             "RECERT_FORM", "EMPLOYER_LETTER", "BIRTH_CERT", "CHILD_CARE_VERIF", "MEDICAL_BILL", "SEPARATION_NOTICE"]
WAGE_PURPOSE = ["recert income", "verify wages", "income verif", "UI base period", "new hire hit", "income chk",
                "", "chg report - new job", "INCOME_VERIFICATION", "wages for budget"]
TOUCH_PURPOSE = {
    "SNAP": ["RECERTIFICATION", "RECERTIFICATION", "CHANGE_REPORT", "INTERIM_REPORT", "INCOME_VERIFICATION", "CASE_MAINTENANCE"],
    "MED": ["RENEWAL", "RENEWAL", "CHANGE_REPORT", "ELIGIBILITY_DETERMINATION", "INCOME_VERIFICATION", "CASE_MAINTENANCE"],
    "UI": ["CONTINUED_CLAIM_REVIEW", "WORK_SEARCH_AUDIT", "SEPARATION_ISSUE", "INCOME_VERIFICATION", "CASE_MAINTENANCE"],
}
CSE_PURPOSE = ["LOCATE", "LOCATE", "ENFORCEMENT", "INCOME_WITHHOLDING", "PATERNITY", "REVIEW_AND_ADJUST", "ENFORCEMENT"]


class Stream:
    __slots__ = ("key", "seq", "events")

    def __init__(self, key):
        self.key = key
        self.seq = 0
        self.events = []


def hm(dt, h, m, s=0):
    return datetime(dt.year, dt.month, dt.day, h, m, s)


class Gen:
    def __init__(self, W):
        self.W = W
        self.ids = set()
        self.presence = {}
        self.cc_alloc_cache = {}
        W.cases_by_pid = {}
        for c in W.cases.values():
            for pid in c.subjects:
                W.cases_by_pid.setdefault(pid, []).append(c.cid)
        self.assoc_pids = {eid: set(a["_pid"] for a in rows) for eid, rows in W.assoc_by_eid.items()}

    # ---- ids
    def make_id(self, sysname, key, seq):
        salt = 0
        while True:
            h = _h(self.W.seed, key, seq, salt)
            n = int.from_bytes(h[:8], "big")
            if sysname == ELIG:
                i = "EL%012X" % (n % 16 ** 12)
            elif sysname == WAGE:
                i = "WQ%011d" % (n % 10 ** 11)
            elif sysname == DMV:
                x = h[:16].hex()
                i = "%s-%s-4%s-%s-%s" % (x[:8], x[8:12], x[13:16], x[16:20], x[20:32])
            elif sysname == VITAL:
                i = "VR-%010d" % (n % 10 ** 10)
            elif sysname == DOCIMG:
                i = "img:%016x" % n
            elif sysname == CSE:
                i = "KC%010d" % (n % 10 ** 10)
            else:
                i = "AL%010d" % (n % 10 ** 10)
            if i not in self.ids:
                self.ids.add(i)
                return i
            salt += 1

    def ev(self, st, sysname, ldt, user, action="query", client=None, ip=None, case=None, case_t=None,
           purpose=None, pid=None, subj=None, rc=None, qt=None, extra=None, cls=None, wild=False):
        if ldt.microsecond:
            ldt = ldt.replace(microsecond=0)
        e = {"_s": sysname, "_l": ldt, "user": user, "action": action, "client": client, "ip": ip,
             "case_id": case_t, "purpose": purpose, "_subj": subj, "result_count": rc, "query_text": qt,
             "_x": extra, "_tp": pid, "_tc": case, "_cls": cls, "_w": wild, "session": None}
        e["_id"] = self.make_id(sysname, st.key, st.seq)
        st.seq += 1
        st.events.append(e)
        return e

    # ---- sessions / presence
    def finish_segment(self, st, login, client, ip, site, seg, r, d, systems=(ELIG, CSE)):
        seg.sort(key=lambda e: e["_l"])
        sessions = []
        for sysname in systems:
            evs = [e for e in seg if e["_s"] == sysname and e["user"] == login]
            if not evs:
                continue
            sid = "%s-%s" % (sysname[:2], _h(st.key, sysname, len(sessions), "s").hex()[:10].upper())
            first = evs[0]["_l"]
            if r.random() < 0.03:
                self.ev(st, sysname, first - timedelta(seconds=r.randint(60, 150)), login, "login_failed",
                        client, ip, qt="BAD PASSWORD")
            t_in = first - timedelta(seconds=r.randint(15, 110))
            self.ev(st, sysname, t_in, login, "login", client, ip)["session"] = sid
            prev = first
            k = 0
            for e in evs:
                if (e["_l"] - prev).total_seconds() > 1800:
                    lo = self.ev(st, sysname, prev + timedelta(minutes=30), login, "logout", client, ip, qt="IDLE TIMEOUT")
                    lo["session"] = sid
                    sessions.append((t_in, prev + timedelta(minutes=30), sid, sysname))
                    k += 1
                    sid = "%s-%s" % (sysname[:2], _h(st.key, sysname, len(sessions), k, "s").hex()[:10].upper())
                    t_in = e["_l"] - timedelta(seconds=r.randint(8, 90))
                    self.ev(st, sysname, t_in, login, "login", client, ip)["session"] = sid
                e["session"] = sid
                prev = e["_l"]
            if r.random() < 0.85:
                t_out = prev + timedelta(seconds=r.randint(30, 420))
                self.ev(st, sysname, t_out, login, "logout", client, ip)["session"] = sid
            else:
                t_out = prev + timedelta(minutes=30)
                self.ev(st, sysname, t_out, login, "logout", client, ip, qt="IDLE TIMEOUT")["session"] = sid
            sessions.append((t_in, t_out, sid, sysname))
        sso = "sso-" + _h(st.key, "sso", len(seg)).hex()[:12]
        for e in seg:
            if e["_s"] in (WAGE, DOCIMG, VITAL) and e["session"] is None:
                e["session"] = sso
        if seg:
            self.presence.setdefault((login, d), []).append(
                {"start": seg[0]["_l"], "end": seg[-1]["_l"], "client": client, "ip": ip, "site": site,
                 "sessions": sessions})

    def works(self, e, d):
        W = self.W
        if e.status == "leave" or d < e.start_day or d in e.pto:
            return False
        if e.status == "terminated" and d > e.last_day:
            return False
        wd = W.dates[d].weekday()
        if d in W.holidays:
            return False
        if wd == 6:
            return False
        if wd == 5:
            if e.role == "agent":
                return e.eid in W.cc_saturday.get(d, ())
            if e.role == "cw":
                return e.eid in W.overtime.get(d, ())
            return False
        return True

    # ---- subject helpers
    def s_resolved(self, p, c=None):
        last = p.maiden if (c is not None and p.pid in c.maiden_listed and p.maiden) else p.last
        s = {"person_id": p.pid, "last_name": last, "first_name": p.first, "dob": p.dob.isoformat()}
        return s

    def s_namedob(self, p, r, p_typo=0.03, use_maiden=False):
        return {"last_name": typed_last(p, r, p_typo, use_maiden), "first_name": typed_first(p, r),
                "dob": p.dob.isoformat()}

    def vpn_ip(self, r):
        return "10.250.%d.%d" % (r.randrange(0, 64), r.randrange(2, 254))

    def cc_alloc(self, d):
        if ("cc", d) in self.cc_alloc_cache:
            return self.cc_alloc_cache[("cc", d)]
        W = self.W
        r = srng(W.seed, "ccdesk", d)
        desks = list(W.cc_desks)
        r.shuffle(desks)
        ag = [e for e in W.emps if e.role == "agent" and self.works(e, d)]
        ag.sort(key=lambda e: e.eid)
        r.shuffle(ag)
        out = {}
        i = 0
        for a in ag:
            if a.shift in ("early",):
                out[a.eid] = desks[i]
                i += 1
        part_desks = []
        for a in ag:
            if a.shift == "part":
                out[a.eid] = desks[i]
                if d not in W.deadlines:        # part-timers stay until 13:00 on deadline days
                    part_desks.append(desks[i])
                i += 1
        for a in ag:
            if a.shift == "late":
                if part_desks:
                    out[a.eid] = part_desks.pop()
                else:
                    out[a.eid] = desks[i % len(desks)]
                    i += 1
        for a in ag:
            if a.shift is None:
                out[a.eid] = desks[i % len(desks)]
                i += 1
        self.cc_alloc_cache[("cc", d)] = out
        return out

    def office_ctx(self, e, d, r, force_office=False):
        """(client, ip, site, remote?) for a staff member's working day."""
        W = self.W
        wd = W.dates[d].weekday()
        site = e.site_on(d)
        if not force_office and e.laptop and wd in e.telework and d not in W.deadlines:
            return e.laptop, self.vpn_ip(r), site, True
        return e.desk_on(d), W.client_ip[e.desk_on(d)], site, False

    # ------------------------------------------------------------------ shared work fragments
    def qtrs(self, d):
        dt = self.W.dates[d]
        q = (dt.month - 1) // 3 + 1
        y = dt.year
        lo_q, lo_y = q - 4, y
        if lo_q <= 0:
            lo_q, lo_y = lo_q + 4, y - 1
        hi_q, hi_y = q - 1, y
        if hi_q <= 0:
            hi_q, hi_y = 4, y - 1
        return "%dQ%d-%dQ%d" % (lo_y, lo_q, hi_y, hi_q)

    def step(self, r, a, b, fast=False):
        s = r.randint(a, b)
        return timedelta(seconds=s // 2 if fast else s)

    def dmv_lookup(self, st, e, t, r, ip, p, case, case_t, purpose, cls=None, use_maiden=False, tries=True):
        """DMV name+DOB search via the DMV interface (separate DSS login, UTC timestamps)."""
        out = []
        if tries and r.random() < 0.12:      # typo -> no hit -> retype
            s = self.s_namedob(p, r, 1.0, use_maiden)
            out.append(self.ev(st, DMV, t, e.dmv_login, "query", None, ip, case, case_t, purpose, p.pid, s, 0,
                               "NAME=%s,%s DOB=%s" % (s["last_name"], s["first_name"], fmt_dob_typed(p.dob, r)),
                               {"dppa_code": "1"}, cls))
            t += self.step(r, 15, 60)
        s = self.s_namedob(p, r, 0.0, use_maiden)
        out.append(self.ev(st, DMV, t, e.dmv_login, "query", None, ip, case, case_t, purpose, p.pid, s, 1,
                           "NAME=%s,%s DOB=%s" % (s["last_name"], s["first_name"], fmt_dob_typed(p.dob, r)),
                           {"dppa_code": "1"}, cls))
        return out, t

    def docs(self, st, e, t, r, client, ip, c, p, n, action="view_document", cls=None, fast=False):
        out = []
        for _ in range(n):
            out.append(self.ev(st, DOCIMG, t, e.login, action, client, ip, c.cid, c.cid, None, p.pid,
                               {"person_id": p.pid, "last_name": p.last}, 1, None,
                               {"document_type": r.choice(DOC_TYPES), "pages": r.randint(1, 9)}, cls))
            t += self.step(r, 15, 90, fast)
        return out, t

    def touch_claim(self, st, e, d, c, t, r, ctx, purpose=None, fast=False, cls=None):
        W = self.W
        client, ip = ctx[0], ctx[1]
        dt = W.dates[d]
        out = []
        head = W.persons[c.head]
        purpose = purpose or r.choice(TOUCH_PURPOSE[c.program])
        if r.random() < 0.012:                 # mistyped claim number, corrected a few seconds later
            num = list(c.cid.split("-")[1])
            i = r.randrange(2, len(num) - 1)
            num[i], num[i - 1] = num[i - 1], num[i]
            bad = "CLM-" + "".join(num)
            if bad not in W.cases and bad != c.cid:
                bt = typed_claim(bad, r)
                out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, "?" + bad, bt, purpose, None, None, 0,
                                   "CLAIM=%s" % bt, None, "claim_typo_corrected"))
                t += self.step(r, 10, 40, fast)
        ct = typed_claim(c.cid, r)
        out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, c.cid, ct, purpose, head.pid,
                           self.s_resolved(head, c), 1, "CLAIM=%s" % ct, None, cls))
        t += self.step(r, 30, 150, fast)
        members = [W.persons[x] for x in c.subjects if x != c.head]
        for m in r.sample(members, min(len(members), r.randint(0, 3))):
            out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, c.cid, c.cid, purpose, m.pid,
                               self.s_resolved(m, c), 1, "VIEW MEMBER", None, cls))
            t += self.step(r, 20, 120, fast)
        adults = [W.persons[x] for x in c.subjects if W.persons[x].age(dt) >= 18]
        if adults and r.random() < 0.55:
            for a in adults[:r.choice([1, 1, 2])]:
                ss = typed_ssn(a.pid, r)
                out.append(self.ev(st, WAGE, t, e.login, "query", client, ip, c.cid, typed_claim(c.cid, r, 0.6),
                                   r.choice(WAGE_PURPOSE), a.pid, {"person_id": ss}, r.randint(0, 8),
                                   "SSN=%s QTRS=%s" % (ss, self.qtrs(d)), None, cls))
                t += self.step(r, 40, 200, fast)
        if adults and e.dmv_login and r.random() < 0.15:
            a = r.choice(adults)
            k = "married_name_search" if a.pid in c.maiden_listed else cls
            o, t = self.dmv_lookup(st, e, t, r, ip, a, c.cid, typed_claim(c.cid, r), "IDENTITY_VERIFICATION", k)
            out += o
            t += self.step(r, 30, 120, fast)
        if e.dmv_login and r.random() < 0.05:
            cars = [a for a in adults if a.plate]
            if cars:
                a = r.choice(cars)
                pl = typed_plate(a.plate, r)
                out.append(self.ev(st, DMV, t, e.dmv_login, "query", None, ip, c.cid, typed_claim(c.cid, r),
                                   "VEHICLE_ASSET_CHECK", a.pid, {"plate": pl}, 1, "PLATE=%s" % pl,
                                   {"dppa_code": "1"}, cls))
                t += self.step(r, 30, 90, fast)
        kids = [W.persons[x] for x in c.subjects if W.persons[x].age(dt) < 2]
        if kids and r.random() < 0.3:
            k = r.choice(kids)
            mom = head if head.sex == "F" else (W.hh[c.hh]["partner"] or head)
            out.append(self.ev(st, VITAL, t, e.login, "query", client, ip, c.cid, typed_claim(c.cid, r),
                               "BIRTH_VERIFICATION", k.pid, {"name": whole_name(k, r), "dob": k.dob.isoformat()},
                               1, "BIRTH RECORD SEARCH; MOTHER MAIDEN=%s" % (mom.maiden or mom.last), None, cls))
            t += self.step(r, 40, 160, fast)
        if r.random() < 0.45:
            o, t = self.docs(st, e, t, r, client, ip, c, head, r.randint(1, 5), cls=cls, fast=fast)
            out += o
        if r.random() < 0.35:
            out.append(self.ev(st, ELIG, t, e.login, "update_case", client, ip, c.cid, c.cid, purpose, head.pid,
                               self.s_resolved(head, c), 1, r.choice(["BUDGET RECALC", "NOTICE GENERATED",
                                                                      "VERIF REQUESTED", "RECERT APPROVED",
                                                                      "CASE NOTE ADDED"]), None, cls))
            t += self.step(r, 30, 120, fast)
        return out, t + (self.step(r, 20, 120) if fast else self.step(r, 90, 500))

    def pick_person(self, r, pool, exclude):
        for _ in range(20):
            pid = r.choice(pool)
            if pid not in exclude:
                return pid
        return None

    def call(self, st, e, t, r, client, ip, pid, purpose="CALLER_VERIFICATION", cls=None, fast=False):
        """One inbound call: identify the caller, open their record, maybe their claim."""
        W = self.W
        out = []
        if pid is None:      # caller not on file
            p = None
            nm = {"last_name": style(W.pick_last(), r), "first_name": style(r.choice(FEMALE + MALE), r),
                  "dob": (W.start - timedelta(days=r.randint(7000, 25000))).isoformat()}
            out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, None, "", purpose, None, nm, 0,
                               "LAST=%s FIRST=%s" % (nm["last_name"], nm["first_name"]), None, cls))
            return out, t + self.step(r, 120, 300)
        p = W.persons[pid]
        cases = [W.cases[x] for x in W.cases_by_pid.get(pid, [])]
        x = r.random()
        if x < 0.4 and p.phone:
            ph = fmt_phone_typed(p.phone, r)
            out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, None, "", purpose, pid,
                               {"phone": ph}, r.choice([1, 1, 1, 2]), "ANI=%s" % ph.replace("(", "").replace(")", "").replace(" ", "").replace("-", "").replace(".", ""), None, cls))
        elif x < 0.75:
            out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, None, "", purpose, pid,
                               {"dob": p.dob.isoformat()}, 1, "SSN4=%s DOB=%s" % (pid[-4:], fmt_dob_typed(p.dob, r)), None, cls))
        elif x < 0.95 or not cases:
            s = self.s_namedob(p, r, 0.04)
            out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, None, "", purpose, pid, s,
                               r.choice([1, 1, 2, 3]), "LAST=%s FIRST=%s DOB=%s" % (s["last_name"], s["first_name"], fmt_dob_typed(p.dob, r)), None, cls))
        else:
            c = r.choice(cases)
            ct = typed_claim(c.cid, r, 0.5)
            out.append(self.ev(st, ELIG if c.kind != "CSE" else CSE, t, e.login, "query", client, ip, c.cid, ct,
                               purpose, pid, None, 1, "CLAIM=%s" % ct, None, cls))
        t += self.step(r, 10, 45, fast)
        out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, None, "", purpose, pid,
                           self.s_resolved(p), 1, "VIEW PERSON SUMMARY", None, cls))
        t += self.step(r, 20, 90, fast)
        if cases and r.random() < 0.5:
            c = r.choice(cases)
            sysn = CSE if c.kind == "CSE" else ELIG
            out.append(self.ev(st, sysn, t, e.login, "query", client, ip, c.cid, c.cid, purpose, pid,
                               self.s_resolved(p, c), 1, "VIEW CASE STATUS" if sysn == CSE else "VIEW CLAIM STATUS", None, cls))
            t += self.step(r, 20, 120, fast)
            if c.kind == "CLM" and r.random() < 0.25:
                others = [W.persons[y] for y in c.subjects if y != pid]
                if others:
                    m = r.choice(others)
                    out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, c.cid, c.cid, purpose, m.pid,
                                       self.s_resolved(m, c), 1, "VIEW MEMBER", None, cls))
                    t += self.step(r, 20, 90, fast)
        return out, t

    # ------------------------------------------------------------------ roles
    def day_agent(self, e, d):
        W = self.W
        if not self.works(e, d):
            return
        r = srng(W.seed, "agent", e.eid, d)
        dt = W.dates[d]
        st = Stream("ag|%s|%d" % (e.eid, d))
        dl = d in W.deadlines
        sat = dt.weekday() == 5
        desk = self.cc_alloc(d)[e.eid]
        ip = W.client_ip[desk]
        sh = e.shift
        if sat:
            s0, s1 = hm(dt, 8, 0), hm(dt, 12, 0)
        elif sh == "early":
            s0, s1 = hm(dt, 7, 0), (hm(dt, 17, 30) if dl else hm(dt, 15, 30))
        elif sh == "late":
            s0, s1 = hm(dt, 11, 30), (hm(dt, 21, 0) if dl else hm(dt, 20, 0))
        else:
            s0, s1 = hm(dt, 7, 0), (hm(dt, 13, 0) if dl else hm(dt, 11, 0))
        s0 += timedelta(minutes=r.randint(-6, 9), seconds=r.randint(0, 59))
        s1 += timedelta(minutes=r.randint(-5, 10))
        mid = s0 + (s1 - s0) / 2
        breaks = [(mid, mid + timedelta(minutes=30))] if (s1 - s0) > timedelta(hours=5) else []
        breaks += [(s0 + timedelta(hours=2), s0 + timedelta(hours=2, minutes=15))]
        if (s1 - s0) > timedelta(hours=6):
            breaks.append((s1 - timedelta(hours=2), s1 - timedelta(hours=1, minutes=45)))
        forced = []
        rc = W.repeat_calls.get(d)
        if rc:
            pid, (h, m), n = rc
            chosen = self.repeat_agents(d)
            if e.eid in chosen:
                k = chosen.index(e.eid)
                forced.append(hm(dt, h, m) + timedelta(minutes=22 * k + r.randint(0, 8), seconds=r.randint(0, 59)))
        excl = self.assoc_pids.get(e.eid, set())
        trainee = e is W.new_hire and d < e.start_day + 5
        seg = []
        t = s0 + timedelta(minutes=r.randint(2, 6))
        while t < s1 - timedelta(minutes=4):
            b = next((b for b in breaks if b[0] <= t < b[1]), None)
            if b:
                t = b[1] + timedelta(seconds=r.randint(0, 120))
                continue
            if forced and forced[0] <= t:
                forced.pop(0)
                o, t = self.call(st, e, t, r, desk, ip, rc[0], cls="repeat_caller")
            else:
                pid = None if r.random() < 0.07 else self.pick_person(r, W.caller_pool, excl)
                o, t = self.call(st, e, t, r, desk, ip, pid, fast=dl)
            seg += o
            handle = r.randint(180, 600) if not dl else r.randint(80, 240)
            if trainee:
                handle *= 2
            t += timedelta(seconds=handle + (0 if dl else r.randint(0, 200)))
        self.finish_segment(st, e.login, desk, ip, "CC", seg, r, d, systems=(ELIG,))
        return st

    def repeat_agents(self, d):
        W = self.W
        rc = W.repeat_calls.get(d)
        if not rc:
            return []
        key = ("rep", d)
        if key in self.cc_alloc_cache:
            return self.cc_alloc_cache[key]
        pid, (h, m), n = rc
        ag = sorted([a.eid for a in W.emps if a.role == "agent" and self.works(a, d) and
                     (a.shift == "early" or (a.shift == "late" and h >= 12) or (a.shift == "part" and h < 11))
                     and pid not in self.assoc_pids.get(a.eid, ())])
        r = srng(W.seed, "rep", d)
        out = r.sample(ag, min(n, len(ag)))
        self.cc_alloc_cache[key] = out
        return out

    def walkin(self, st, e, t, r, ctx, office):
        W = self.W
        pool = W.walkin_pool.get(office) or W.caller_pool
        pid = self.pick_person(r, pool, self.assoc_pids.get(e.eid, set()))
        out = []
        if pid is None:
            return out, t
        p = W.persons[pid]
        client, ip = ctx[0], ctx[1]
        x = r.random()
        if x < 0.5:
            s = self.s_namedob(p, r)
            out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, None, "", "LOBBY_SERVICE", pid, s, 1,
                               "LAST=%s FIRST=%s" % (s["last_name"], s["first_name"])))
        elif x < 0.8:
            out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, None, "", "LOBBY_SERVICE", pid,
                               {"dob": p.dob.isoformat()}, 1, "SSN4=%s DOB=%s" % (pid[-4:], fmt_dob_typed(p.dob, r))))
        else:
            ss = typed_ssn(pid, r, 0.5)
            out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, None, "", "LOBBY_SERVICE", pid,
                               {"person_id": ss}, 1, "SSN=%s" % ss))
        t += self.step(r, 15, 60)
        out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, None, "", "LOBBY_SERVICE", pid,
                           self.s_resolved(p), 1, "VIEW PERSON SUMMARY"))
        t += self.step(r, 30, 120)
        cs = [W.cases[x] for x in W.cases_by_pid.get(pid, []) if W.cases[x].kind == "CLM"]
        if cs and r.random() < 0.7:
            c = r.choice(cs)
            out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, c.cid, c.cid, "LOBBY_SERVICE", pid,
                               self.s_resolved(p, c), 1, "VIEW CLAIM STATUS"))
            t += self.step(r, 60, 240)
        return out, t

    def intake_flow(self, st, e, d, c, t, r, ctx):
        W = self.W
        client, ip = ctx[0], ctx[1]
        dt = W.dates[d]
        out = []
        subs = [W.persons[x] for x in c.subjects]
        subs.sort(key=lambda p: p.dob)
        for p in subs:
            on_file = any(x != c.cid for x in W.cases_by_pid.get(p.pid, []))
            s = self.s_namedob(p, r, 0.05)
            out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, None, "", "INTAKE_CLEARANCE", p.pid, s,
                               1 if on_file else 0, "CLEARANCE LAST=%s FIRST=%s DOB=%s" % (
                                   s["last_name"], s["first_name"], fmt_dob_typed(p.dob, r))))
            t += self.step(r, 20, 80)
            if p.age(dt) >= 18:
                ss = typed_ssn(p.pid, r, 0.5)
                out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, None, "", "INTAKE_CLEARANCE", p.pid,
                                   {"person_id": ss}, 1 if on_file else 0, "CLEARANCE SSN=%s" % ss))
                t += self.step(r, 15, 60)
        head = W.persons[c.head]
        if r.random() < 0.5:      # duplicate-participation check on the household address
            a = head.addr_typed(r)
            out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, None, "", "INTAKE_CLEARANCE", head.pid,
                               {"address": a}, r.randint(1, 4), "CLEARANCE ADDR=%s" % a))
            t += self.step(r, 20, 90)
        if c.prior:
            out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, c.prior, typed_claim(c.prior, r),
                               "INTAKE_CLEARANCE", head.pid, self.s_resolved(head), 1, "VIEW PRIOR CLAIM"))
            t += self.step(r, 60, 240)
        out.append(self.ev(st, ELIG, t, e.login, "create_case", client, ip, c.cid, c.cid, "NEW_APPLICATION",
                           head.pid, self.s_resolved(head, c), 1, "REGISTER APPLICATION PROGRAM=%s" % c.program))
        t += self.step(r, 120, 400)
        for p in subs:
            if p.age(dt) >= 18:
                ss = typed_ssn(p.pid, r)
                out.append(self.ev(st, WAGE, t, e.login, "query", client, ip, c.cid, typed_claim(c.cid, r, 0.6),
                                   r.choice(["new app income", "NEW_APPLICATION", "verify wages", "UI base period"]),
                                   p.pid, {"person_id": ss}, r.randint(0, 8), "SSN=%s QTRS=%s" % (ss, self.qtrs(d))))
                t += self.step(r, 30, 150)
        if e.dmv_login and r.random() < 0.4:
            o, t = self.dmv_lookup(st, e, t, r, ip, head, c.cid, typed_claim(c.cid, r), "IDENTITY_VERIFICATION")
            out += o
        for k in subs:
            if k.age(dt) < 2 and r.random() < 0.5:
                out.append(self.ev(st, VITAL, t, e.login, "query", client, ip, c.cid, typed_claim(c.cid, r),
                                   "BIRTH_VERIFICATION", k.pid, {"name": whole_name(k, r), "dob": k.dob.isoformat()},
                                   1, "BIRTH RECORD SEARCH; MOTHER MAIDEN=%s" % (head.maiden or head.last)))
                t += self.step(r, 40, 120)
        o, t = self.docs(st, e, t, r, client, ip, c, head, r.randint(2, 5), action="scan_upload")
        out += o
        return out, t

    def active_caseload(self, e, d, kinds=("CLM",)):
        W = self.W
        dt = W.dates[d]
        out = []
        for cid, f, to in e.caseload:
            if f <= dt and (to is None or dt <= to):
                c = W.cases[cid]
                if c.kind in kinds and c.open_on(dt) and c.opened < dt:
                    out.append(cid)
        return sorted(set(out))

    def day_cw(self, e, d):
        W = self.W
        if not self.works(e, d):
            return
        r = srng(W.seed, "cw", e.eid, d)
        dt = W.dates[d]
        wd = dt.weekday()
        st = Stream("cw|%s|%d" % (e.eid, d))
        dl = d in W.deadlines
        sat = wd == 5
        ctx = self.office_ctx(e, d, r)
        if sat:
            ctx = self.office_ctx(e, d, r, force_office=True) if (r.random() < 0.5 or not e.laptop) else \
                (e.laptop, self.vpn_ip(r), e.site_on(d), True)
            s0 = hm(dt, 8, 0) + timedelta(minutes=r.randint(0, 30), seconds=r.randint(0, 59))
            s1 = hm(dt, 12, 0) + timedelta(minutes=r.randint(0, 45))
        else:
            s0 = hm(dt, 7, 40) + timedelta(minutes=r.randint(0, 50), seconds=r.randint(0, 59))
            s1 = (hm(dt, 18, 0) if dl else hm(dt, 16, 10)) + timedelta(minutes=r.randint(0, 60))
        l0 = hm(dt, 11, 40) + timedelta(minutes=r.randint(0, 45))
        l1 = l0 + timedelta(minutes=r.randint(30, 50))
        office = e.site_on(d)
        fixed = []
        if not sat and W.lobby.get((office, d)) == e.eid:
            for _ in range(r.randint(5, 12)):
                fixed.append((s0 + timedelta(minutes=r.randint(20, int((s1 - s0).total_seconds() // 60) - 20)), "walkin", None))
        slots = [(8, 30), (9, 45), (11, 0), (13, 15), (14, 30), (15, 30), (16, 15), (17, 0)]
        for i, cid in enumerate(W.new_claims.get((e.eid, d), [])):
            h, m = slots[i % len(slots)]
            fixed.append((hm(dt, h, m) + timedelta(minutes=r.randint(0, 10) + 5 * (i // len(slots))), "intake", cid))
        for cid, (h, m), app in W.hearings.get(d, []):
            if W.cases[cid].assigned(e.eid, dt):
                fixed.append((hm(dt, h, m) - timedelta(minutes=r.randint(30, 70)), "hearing", cid))
        fixed.sort(key=lambda x: x[0])
        today_new = set(W.new_claims.get((e.eid, d), []))
        active = [c for c in self.active_caseload(e, d) if c not in today_new]
        r.shuffle(active)
        for c in [c for c in active if c in W.force_touch]:
            if r.random() < 0.3:
                active.remove(c)
                active.append(c)
        seg, scan = [], []
        t = s0
        scanned = ctx[3] or sat or r.random() > 0.12
        while t < s1:
            if l0 <= t < l1:
                t = l1 + timedelta(seconds=r.randint(0, 200))
                continue
            if fixed and fixed[0][0] <= t:
                _, kind, cid = fixed.pop(0)
                if kind == "walkin":
                    o, t = self.walkin(st, e, t, r, ctx, office)
                elif kind == "intake":
                    o, t = self.intake_flow(st, e, d, W.cases[cid], t, r, ctx)
                else:
                    o, t = self.touch_claim(st, e, d, W.cases[cid], t, r, ctx, "FAIR_HEARING_PREP",
                                            cls="fair_hearing_convergence")
                seg += o
                continue
            if not active:
                if fixed:
                    t = max(t, fixed[0][0])
                    continue
                break
            c = W.cases[active.pop()]
            o, t = self.touch_claim(st, e, d, c, t, r, ctx, fast=dl)
            seg += o
            if not scanned and t.hour >= 10 and o:
                scanned = True          # walk to the scanner station, scan a client's papers, walk back
                sc = "%s-SCAN-01" % office
                t2 = t + timedelta(seconds=r.randint(60, 180))
                hp = W.persons[c.head]
                o2, t2 = self.docs(st, e, t2, r, sc, W.client_ip[sc], c, hp, r.randint(3, 8), "scan_upload",
                                   cls="scanner_hop")
                scan += o2
                t = t2 + timedelta(seconds=r.randint(60, 240))
        self.finish_segment(st, e.login, ctx[0], ctx[1], ctx[2], seg, r, d)
        if scan:
            self.finish_segment(st, e.login, scan[0]["client"], scan[0]["ip"], office, scan, r, d, systems=())
        if e.evening_flex and wd in (1, 3) and not dl and not sat and e.laptop:
            ip2 = self.vpn_ip(r)
            ctx2 = (e.laptop, ip2, e.site_on(d), True)
            t = hm(dt, 19, 0) + timedelta(minutes=r.randint(0, 25), seconds=r.randint(0, 59))
            seg2 = []
            for _ in range(r.randint(3, 6)):
                if not active:
                    break
                o, t = self.touch_claim(st, e, d, W.cases[active.pop()], t, r, ctx2, cls="evening_flex")
                seg2 += o
            self.finish_segment(st, e.login, e.laptop, ip2, e.site_on(d), seg2, r, d)
        return st

    def review(self, st, e, d, c, t, r, ctx, purpose="SUPERVISORY_REVIEW", cls="supervisor_review"):
        W = self.W
        out = []
        head = W.persons[c.head]
        sysn = CSE if c.kind == "CSE" else ELIG
        ct = typed_claim(c.cid, r, 0.85)
        out.append(self.ev(st, sysn, t, e.login, "query", ctx[0], ctx[1], c.cid, ct, purpose, head.pid,
                           self.s_resolved(head, c), 1, "CASE=%s" % ct, None, cls))
        t += self.step(r, 40, 200)
        if r.random() < 0.4:
            m = W.persons[r.choice(c.subjects)]
            out.append(self.ev(st, sysn, t, e.login, "query", ctx[0], ctx[1], c.cid, c.cid, purpose, m.pid,
                               self.s_resolved(m, c), 1, "VIEW MEMBER", None, cls))
            t += self.step(r, 30, 120)
        if r.random() < 0.45:
            o, t = self.docs(st, e, t, r, ctx[0], ctx[1], c, head, r.randint(1, 3), cls=cls)
            out += o
        if sysn == ELIG and r.random() < 0.3:
            out.append(self.ev(st, ELIG, t, e.login, "approve", ctx[0], ctx[1], c.cid, c.cid, purpose, head.pid,
                               self.s_resolved(head, c), 1, "SECOND PARTY REVIEW COMPLETE", None, cls))
            t += self.step(r, 20, 60)
        return out, t + self.step(r, 120, 900)

    def day_sup(self, e, d):
        W = self.W
        if not self.works(e, d) or W.dates[d].weekday() == 5:
            return
        r = srng(W.seed, "sup", e.eid, d)
        dt = W.dates[d]
        st = Stream("su|%s|%d" % (e.eid, d))
        seg = []
        if e.unit.startswith("CC"):
            desk = e.desk
            ip = W.client_ip[desk]
            t = hm(dt, 7, 30) + timedelta(minutes=r.randint(0, 30))
            s1 = hm(dt, 16, 30) + timedelta(minutes=r.randint(0, 40)) + (timedelta(hours=2) if d in W.deadlines else timedelta())
            n = r.randint(5, 12) * (2 if d in W.deadlines else 1)
            excl = self.assoc_pids.get(e.eid, set())
            times = sorted(t + timedelta(minutes=r.randint(10, int((s1 - t).total_seconds() // 60) - 10)) for _ in range(n))
            for tt in times:
                o, _ = self.call(st, e, tt, r, desk, ip, self.pick_person(r, W.caller_pool, excl))
                seg += o
            seg.append(self.ev(st, ELIG, hm(dt, 8, 5) + timedelta(minutes=r.randint(0, 20)), e.login, "export",
                               desk, ip, None, "", "MANAGEMENT_REPORT", None, None, r.randint(40, 400),
                               "REPORT=CALLBACK_QUEUE TEAM=%s" % e.unit, None, "supervisor_report"))
            self.finish_segment(st, e.login, desk, ip, "CC", seg, r, d)
            return st
        ctx = self.office_ctx(e, d, r)
        t = hm(dt, 7, 45) + timedelta(minutes=r.randint(0, 30), seconds=r.randint(0, 59))
        s1 = hm(dt, 16, 45) + timedelta(minutes=r.randint(0, 40)) + (timedelta(hours=1) if d in W.deadlines else timedelta())
        subs = [m for m in W.emps if m.sup == e.eid and m.human()]
        pool = []
        kinds = ("CLM",) if not e.unit.startswith("CSE") else ("CSE",)
        if e.unit == "PROGRAM-INTEGRITY":
            kinds = ("FRD",)
        for m in subs:
            if m.role in ("cw", "cse", "fraud"):
                pool += self.active_caseload(m, d, kinds)
        pool = sorted(set(pool))
        fixed = []
        for cid, (h, mm), app in W.hearings.get(d, []):
            c = W.cases[cid]
            if any(c.assigned(m.eid, dt) for m in subs):
                fixed.append((hm(dt, h, mm) - timedelta(minutes=r.randint(10, 40)), cid))
        fixed.sort()
        if dt.weekday() == 0 and kinds == ("CLM",):
            seg.append(self.ev(st, ELIG, t + timedelta(minutes=r.randint(5, 40)), e.login, "export", ctx[0], ctx[1],
                               None, "", "MANAGEMENT_REPORT", None, None,
                               sum(len(self.active_caseload(m, d)) for m in subs if m.role == "cw"),
                               "REPORT=UNIT_CASELOAD UNIT=%s" % e.unit, None, "supervisor_report"))
        n = r.randint(6, 14) if kinds != ("FRD",) else r.randint(2, 5)
        picks = r.sample(pool, min(n, len(pool)))
        t += timedelta(minutes=r.randint(30, 75))      # morning huddle
        for cid in picks:
            while fixed and fixed[0][0] <= t:
                _, hc = fixed.pop(0)
                o, t = self.review(st, e, d, W.cases[hc], t, r, ctx, "FAIR_HEARING_PREP", "fair_hearing_convergence")
                seg += o
            if t > s1:
                break
            o, t = self.review(st, e, d, W.cases[cid], t, r, ctx,
                               "CASE_REVIEW" if kinds == ("FRD",) else "SUPERVISORY_REVIEW")
            seg += o
            if hm(dt, 11, 50) <= t < hm(dt, 12, 30):
                t += timedelta(minutes=40)
        for _, hc in fixed:
            o, t = self.review(st, e, d, W.cases[hc], max(t, _), r, ctx, "FAIR_HEARING_PREP", "fair_hearing_convergence")
            seg += o
        self.finish_segment(st, e.login, ctx[0], ctx[1], ctx[2], seg, r, d)
        return st

    def touch_cse(self, st, e, d, c, t, r, ctx, cls=None):
        W = self.W
        client, ip = ctx[0], ctx[1]
        h = W.hh[c.hh]
        ncp, cp = h["ncp"], h["head"]
        purpose = r.choice(CSE_PURPOSE)
        out = []
        kcls = lambda p: ("ncp_locate_no_pid" if p.pid in c.pid_blank else cls)
        ct = typed_claim(c.cid, r, 0.7)
        focus = ncp if r.random() < 0.75 else cp
        s = self.s_resolved(focus, c)
        if focus.pid in c.pid_blank:
            s = {"last_name": focus.last, "first_name": focus.first, "dob": focus.dob.isoformat()}
        out.append(self.ev(st, CSE, t, e.login, "query", client, ip, c.cid, ct, purpose, focus.pid, s, 1,
                           "CASE=%s" % ct, None, kcls(focus)))
        t += self.step(r, 30, 150)
        if purpose in ("LOCATE", "INCOME_WITHHOLDING", "REVIEW_AND_ADJUST", "ENFORCEMENT") and r.random() < 0.8:
            for p in ([ncp, cp] if purpose == "REVIEW_AND_ADJUST" else [ncp]):
                ss = typed_ssn(p.pid, r)
                out.append(self.ev(st, WAGE, t, e.login, "query", client, ip, c.cid, typed_claim(c.cid, r, 0.5),
                                   r.choice(["locate NCP", "new hire", "IWO employer", "QW check", "", "review & adjust"]),
                                   p.pid, {"person_id": ss}, r.randint(0, 6), "SSN=%s NEWHIRE=Y QTRS=%s" % (ss, self.qtrs(d)),
                                   None, kcls(p)))
                t += self.step(r, 40, 180)
        if purpose in ("LOCATE", "ENFORCEMENT") and e.dmv_login and r.random() < 0.6:
            o, t = self.dmv_lookup(st, e, t, r, ip, ncp, c.cid, typed_claim(c.cid, r, 0.6),
                                   "CSE_LOCATE" if purpose == "LOCATE" else "LICENSE_SUSPENSION", kcls(ncp))
            out += o
            t += self.step(r, 20, 90)
            if r.random() < 0.25 and ncp.plate:
                pl = typed_plate(ncp.plate, r)
                out.append(self.ev(st, DMV, t, e.dmv_login, "query", None, ip, c.cid, typed_claim(c.cid, r, 0.6),
                                   "CSE_LOCATE", ncp.pid, {"plate": pl}, 1, "PLATE=%s" % pl, {"dppa_code": "1"}, kcls(ncp)))
                t += self.step(r, 20, 90)
        if purpose == "PATERNITY" and h["kids"]:
            k = r.choice(h["kids"])
            out.append(self.ev(st, VITAL, t, e.login, "query", client, ip, c.cid, typed_claim(c.cid, r, 0.6),
                               "PATERNITY", k.pid, {"name": whole_name(k, r), "dob": k.dob.isoformat()}, 1,
                               "BIRTH RECORD; FATHER=%s %s" % ((ncp if ncp.sex == "M" else cp).first, (ncp if ncp.sex == "M" else cp).last),
                               None, cls))
            t += self.step(r, 60, 200)
        if r.random() < 0.3:
            o, t = self.docs(st, e, t, r, client, ip, c, focus, r.randint(1, 4), cls=kcls(focus))
            out += o
        if r.random() < 0.3:
            out.append(self.ev(st, CSE, t, e.login, "update_case", client, ip, c.cid, c.cid, purpose, focus.pid,
                               s, 1, r.choice(["IWO ISSUED", "LOCATE HIT RECORDED", "CASE NOTE", "ARREARS RECALC",
                                               "LICENSE SUSPENSION NOTICE"]), None, kcls(focus)))
            t += self.step(r, 30, 100)
        return out, t + self.step(r, 120, 600)

    def day_cse(self, e, d):
        W = self.W
        if not self.works(e, d) or W.dates[d].weekday() == 5:
            return
        r = srng(W.seed, "cse", e.eid, d)
        dt = W.dates[d]
        st = Stream("cs|%s|%d" % (e.eid, d))
        cases = [cid for cid in W.cse_cases_by_officer.get(e.eid, []) if W.cases[cid].open_on(dt)]
        r.shuffle(cases)
        if W.cse_employee_case in cases and r.random() < 0.3:
            cases.remove(W.cse_employee_case)
            cases.append(W.cse_employee_case)
        t = hm(dt, 6, 45) + timedelta(minutes=r.randint(0, 45), seconds=r.randint(0, 59))
        s1 = hm(dt, 15, 15) + timedelta(minutes=r.randint(0, 60))
        segs = []
        if dt.weekday() == 2 and e.laptop and r.random() < 0.5:    # court morning from the courthouse
            ip = self.vpn_ip(r)
            seg = []
            t = hm(dt, 8, 20) + timedelta(minutes=r.randint(0, 15), seconds=r.randint(0, 59))
            while t < hm(dt, 11, 30) and cases:
                o, t = self.touch_cse(st, e, d, W.cases[cases.pop()], t, r, (e.laptop, ip))
                seg += o
                t += timedelta(minutes=r.randint(5, 25))
            segs.append((e.laptop, ip, seg))
            t = hm(dt, 12, 30) + timedelta(minutes=r.randint(0, 30), seconds=r.randint(0, 59))
        ctx = self.office_ctx(e, d, r)
        seg = []
        l0 = hm(dt, 11, 30) + timedelta(minutes=r.randint(0, 40))
        while t < s1 and cases:
            if l0 <= t < l0 + timedelta(minutes=35):
                t = l0 + timedelta(minutes=35)
            o, t = self.touch_cse(st, e, d, W.cases[cases.pop()], t, r, ctx)
            seg += o
        segs.append((ctx[0], ctx[1], seg))
        for cl, ip, sg in segs:
            self.finish_segment(st, e.login, cl, ip, e.site_on(d), sg, r, d)
        return st

    def day_fraud(self, e, d):
        W = self.W
        if not self.works(e, d) or W.dates[d].weekday() == 5:
            return
        r = srng(W.seed, "frd", e.eid, d)
        dt = W.dates[d]
        st = Stream("fr|%s|%d" % (e.eid, d))
        field = dt.weekday() == 3 and r.random() < 0.4
        ctx = (e.laptop, self.vpn_ip(r), e.site, True) if field else self.office_ctx(e, d, r)
        cases = [cid for cid in W.fraud_cases.get(e.eid, []) if W.cases[cid].open_on(dt)]
        picks = r.sample(cases, min(len(cases), r.randint(2, 4)))
        if W.employee_fraud_case in cases and W.employee_fraud_case not in picks and r.random() < 0.3:
            picks.append(W.employee_fraud_case)
        t = hm(dt, 8, 0) + timedelta(minutes=r.randint(0, 40), seconds=r.randint(0, 59))
        seg = []
        client, ip = ctx[0], ctx[1]
        for cid in picks:
            c = W.cases[cid]
            ct = typed_claim(c.cid, r, 0.8)
            subs = [W.persons[x] for x in c.subjects]
            head = W.persons[c.head]
            for p in subs:
                seg.append(self.ev(st, ELIG, t, e.login, "query", client, ip, c.cid, ct, "FRAUD_INVESTIGATION", p.pid,
                                   self.s_resolved(p), 1, "CASE=%s VIEW PERSON" % ct))
                t += self.step(r, 30, 180)
            if r.random() < 0.5:
                p = r.choice(subs)
                lw = p.last.replace(" ", "")[:r.randint(3, 5)] + "*"
                fw = p.first[0] + "*"
                seg.append(self.ev(st, ELIG, t, e.login, "query", client, ip, c.cid, ct, "FRAUD_INVESTIGATION", None,
                                   {"last_name": lw, "first_name": fw}, r.randint(8, 90),
                                   "LAST=%s FIRST=%s DOB=%d-%d CITY=%s" % (lw, fw, p.dob.year - 3, p.dob.year + 3, p.city),
                                   None, "investigator_wildcard", wild=True))
                t += self.step(r, 60, 300)
            if r.random() < 0.45:
                a = head.addr_typed(r)
                seg.append(self.ev(st, ELIG, t, e.login, "query", client, ip, c.cid, ct, "FRAUD_INVESTIGATION", None,
                                   {"address": a}, r.randint(2, 9), "ADDR=%s ALL OCCUPANTS" % a, None,
                                   "investigator_address_search"))
                t += self.step(r, 60, 240)
            for p in subs:
                if p.age(dt) >= 18 and r.random() < 0.7:
                    ss = typed_ssn(p.pid, r)
                    seg.append(self.ev(st, WAGE, t, e.login, "query", client, ip, c.cid, typed_claim(c.cid, r, 0.7),
                                       "fraud inv", p.pid, {"person_id": ss}, r.randint(0, 12),
                                       "SSN=%s QTRS=ALL" % ss))
                    t += self.step(r, 30, 150)
            if r.random() < 0.35:
                fein = "%02d-%07d" % (r.randint(10, 99), r.randint(0, 9999999))
                seg.append(self.ev(st, WAGE, t, e.login, "query", client, ip, c.cid, ct, "fraud inv - employer",
                                   None, None, r.randint(3, 40), "FEIN=%s EMPLOYEES QTR=%s" % (fein, self.qtrs(d))))
                t += self.step(r, 60, 200)
            if e.dmv_login and r.random() < 0.6:
                p = r.choice([x for x in subs if x.age(dt) >= 18] or subs)
                if p.plate and r.random() < 0.5:
                    pl = typed_plate(p.plate, r)
                    seg.append(self.ev(st, DMV, t, e.dmv_login, "query", None, ip, c.cid, ct, "FRAUD_INVESTIGATION",
                                       p.pid, {"plate": pl}, 1, "PLATE=%s" % pl, {"dppa_code": "1"}))
                else:
                    o, t = self.dmv_lookup(st, e, t, r, ip, p, c.cid, ct, "FRAUD_INVESTIGATION")
                    seg += o
                t += self.step(r, 30, 120)
            if r.random() < 0.4:
                o, t = self.docs(st, e, t, r, client, ip, c, head, r.randint(2, 8))
                seg += o
            if r.random() < 0.2:
                seg.append(self.ev(st, ELIG, t, e.login, "export", client, ip, c.cid, ct, "FRAUD_INVESTIGATION", None,
                                   None, r.randint(20, 160), "EXPORT SEARCH RESULTS CASE=%s" % ct, None, "investigator_export"))
            t += timedelta(minutes=r.randint(25, 90))
            if hm(dt, 11, 45) <= t < hm(dt, 12, 45):
                t += timedelta(minutes=45)
        self.finish_segment(st, e.login, client, ip, ctx[2], seg, r, d)
        return st

    def day_qc(self, e, d):
        W = self.W
        if not self.works(e, d) or W.dates[d].weekday() == 5:
            return
        r = srng(W.seed, "qc", e.eid, d)
        dt = W.dates[d]
        st = Stream("qc|%s|%d" % (e.eid, d))
        ctx = self.office_ctx(e, d, r)
        client, ip = ctx[0], ctx[1]
        sample = [cid for cid in W.qc.get((e.eid, d // 7), []) if W.cases[cid].open_on(dt)]
        wd = dt.weekday()
        picks = sample[wd::5] if sample else []
        t = hm(dt, 8, 0) + timedelta(minutes=r.randint(0, 30), seconds=r.randint(0, 59))
        seg = []
        for k in range(r.randint(2, 4)):
            seg.append(self.ev(st, AUDIT, t, e.login, "report", client, ip, None, None, "QC_REVIEW", None, None,
                               r.randint(10, 500), r.choice(["ACCESS LOG SAMPLE", "ERROR RATE BY UNIT",
                                                             "PAYMENT ACCURACY WORKSHEET"])))
            t += timedelta(minutes=r.randint(5, 30))
        for cid in picks:
            c = W.cases[cid]
            ct = typed_claim(c.cid, r, 0.9)
            for x in c.subjects:
                p = W.persons[x]
                seg.append(self.ev(st, ELIG, t, e.login, "query", client, ip, c.cid, ct, "QC_REVIEW", p.pid,
                                   self.s_resolved(p, c), 1, "CASE=%s VIEW MEMBER" % ct))
                t += self.step(r, 40, 200)
                if p.age(dt) >= 18:
                    ss = typed_ssn(p.pid, r)
                    seg.append(self.ev(st, WAGE, t, e.login, "query", client, ip, c.cid, ct, "QC re-verification",
                                       p.pid, {"person_id": ss}, r.randint(0, 8), "SSN=%s QTRS=%s" % (ss, self.qtrs(d))))
                    t += self.step(r, 40, 200)
            if e.dmv_login:
                o, t = self.dmv_lookup(st, e, t, r, ip, W.persons[c.head], c.cid, ct, "QC_REVIEW")
                seg += o
            o, t = self.docs(st, e, t, r, client, ip, c, W.persons[c.head], r.randint(4, 10))
            seg += o
            t += timedelta(minutes=r.randint(30, 80))
        self.finish_segment(st, e.login, client, ip, ctx[2], seg, r, d, systems=(ELIG, AUDIT))
        return st

    def day_appeals(self, e, d):
        W = self.W
        if not self.works(e, d) or W.dates[d].weekday() == 5:
            return
        r = srng(W.seed, "app", e.eid, d)
        dt = W.dates[d]
        st = Stream("ap|%s|%d" % (e.eid, d))
        ctx = self.office_ctx(e, d, r)
        seg = []
        hs = [(hm(dt, h, m), cid) for cid, (h, m), a in W.hearings.get(d, []) if a == e.eid]
        for tt, cid in hs:
            o, _ = self.review(st, e, d, W.cases[cid], tt - timedelta(minutes=r.randint(5, 25)), r, ctx,
                               "FAIR_HEARING", "fair_hearing_convergence")
            seg += o
        mine = [cid for cid in W.appeals.get(e.eid, []) if W.cases[cid].open_on(dt)]
        t = hm(dt, 8, 0) + timedelta(minutes=r.randint(0, 40), seconds=r.randint(0, 59))
        for cid in r.sample(mine, min(len(mine), r.randint(1, 4))):
            if any(abs((t - tt).total_seconds()) < 3600 for tt, _ in hs):
                t += timedelta(minutes=75)
            o, t = self.review(st, e, d, W.cases[cid], t, r, ctx, "FAIR_HEARING", None)
            seg += o
        self.finish_segment(st, e.login, ctx[0], ctx[1], ctx[2], seg, r, d)
        return st

    def day_svc(self, e, d):
        W = self.W
        r = srng(W.seed, "svc", e.eid, d)
        dt = W.dates[d]
        st = Stream("sv|%s|%d" % (e.eid, d))
        we = dt.weekday() >= 5 or d in W.holidays
        cl = "DC-BATCH-01" if e.login in ("svc_eligbatch", "svc_wagematch") else "DC-BATCH-02"
        ip = W.client_ip[cl]
        seg = []
        nm = e.login.rstrip("0123456789")
        if nm == "svc_wagematch":
            t = hm(dt, 1, 10) + timedelta(seconds=r.randint(0, 90))
            seg.append(self.ev(st, WAGE, t, e.login, "export", cl, ip, None, None, "BATCH_MATCH", None, None,
                               r.randint(150000, 260000) if dt.weekday() == 6 else r.randint(2500, 9000),
                               "JOB=%s RUN=%s" % ("QUARTERLY_WAGE_LOAD" if dt.weekday() == 6 else "NEW_HIRE_MATCH", dt.strftime("%Y%m%d"))))
            if not we:
                t += timedelta(minutes=2)
                ncps = [W.hh[W.cases[x].hh]["ncp"].pid for x in r.sample(
                    sorted(W.cases_cse_open), min(len(W.cases_cse_open), r.randint(30, 110)))]
                for pid in ncps:
                    seg.append(self.ev(st, WAGE, t, e.login, "query", cl, ip, None, None, "BATCH_MATCH", pid,
                                       {"person_id": pid.replace("-", "")}, r.randint(1, 3), "NDNH MATCH SSN=%s" % pid.replace("-", ""),
                                       None, "batch_match"))
                    t += timedelta(seconds=r.randint(1, 6))
        elif nm == "svc_eligbatch":
            t = W.tz.localize(hm(dt, 2, 30) + timedelta(seconds=r.randint(0, 60)))[0]   # spring-forward night: 03:30
            seg.append(self.ev(st, ELIG, t, e.login, "export", cl, ip, None, None, "BATCH_MATCH", None, None,
                               r.randint(40000, 90000), "JOB=NIGHTLY_RENEWAL_EXTRACT"))
            t += timedelta(minutes=r.randint(12, 25))
            seg.append(self.ev(st, ELIG, t, e.login, "export", cl, ip, None, None, "BATCH_MATCH", None, None,
                               r.randint(5000, 20000), "JOB=FEDERAL_DATA_HUB_VERIFY"))
            t += timedelta(minutes=r.randint(5, 15))
            for c in W.closing_on.get(d, []):
                seg.append(self.ev(st, ELIG, t, e.login, "close_case", cl, ip, c.cid, c.cid, "BATCH_MATCH", c.head,
                                   self.s_resolved(W.persons[c.head], c), 1, "JOB=AUTO_CLOSURE REASON=%s" % r.choice(
                                       ["FAILURE_TO_RECERTIFY", "INCOME_OVER_LIMIT", "CLIENT_REQUEST", "MOVED_OUT_OF_STATE"]),
                                   None, "batch_match"))
                t += timedelta(seconds=r.randint(1, 4))
        elif nm == "svc_dmvverify":
            t = hm(dt, 22, 30) + timedelta(seconds=r.randint(0, 120))
            pids = []
            for (eid, dd), cids in W.new_claims.items():
                if dd == d:
                    for cid in cids:
                        pids += [x for x in W.cases[cid].subjects if W.persons[x].age(dt) >= 16]
            pids.sort()
            if not we:
                pids += r.sample(W.caller_pool, min(len(W.caller_pool), r.randint(100, 300)))
            for pid in pids:
                p = W.persons[pid]
                seg.append(self.ev(st, DMV, t, e.login, "query", None, ip, None, None, "BATCH_MATCH", pid,
                                   {"person_id": pid, "last_name": p.last, "first_name": p.first, "dob": p.dob.isoformat()},
                                   1, "IDENTITY VERIFY BATCH", {"dppa_code": "1"}, "batch_match"))
                t += timedelta(seconds=r.randint(1, 3))
        elif nm == "svc_vitalmatch":
            t = hm(dt, 4, 0) + timedelta(seconds=r.randint(0, 60))
            seg.append(self.ev(st, VITAL, t, e.login, "export", cl, ip, None, None, "BATCH_MATCH", None, None,
                               r.randint(150000, 300000), "JOB=DEATH_RECORD_MATCH"))
        else:
            t = hm(dt, 23, 30) + timedelta(seconds=r.randint(0, 60))
            seg.append(self.ev(st, DOCIMG, t, e.login, "export", cl, ip, None, None, "BATCH_MATCH", None, None,
                               r.randint(2000, 8000), "JOB=OCR_INDEX_EXPORT"))
        for x in seg:
            x["_cls"] = x["_cls"] or "batch_job"
        self.finish_segment(st, e.login, cl, ip, "DC", seg, r, d, systems=(ELIG,))
        return st

    # ------------------------------------------------------------------ ground truth
    def self_kind(self, e, emp):
        pr = self.W.prow[emp.eid]
        s = e["_subj"] or {}
        nd = lambda x: "".join(ch for ch in (x or "") if ch.isalnum()).upper()
        if s.get("person_id") and pr["person_id"] and nd(s["person_id"]) == nd(pr["person_id"]):
            return "person_id"
        nm = nd(s.get("last_name")) == nd(pr["last_name"]) and \
            nd((s.get("first_name") or "").split(" ")[0]) == nd(pr["first_name"].split(" ")[0])
        if nm and s.get("dob") == pr["dob"]:
            return "name_dob"
        if s.get("plate") and nd(s["plate"]) == nd(pr["plate"]):
            return "plate"
        if s.get("phone") and nd(s["phone"])[-10:] == nd(pr["phone"])[-10:]:
            return "phone"
        if s.get("address"):
            return "address"
        if nm:
            return "name_only"
        return "name_dob"

    def conditions(self, e):
        W = self.W
        out = []
        if e["action"] in LOGIN_ACTIONS:
            return out
        emp = W.login_emp[e["user"]]
        dt = e["_l"].date()
        pid = e["_tp"]
        if pid and emp.human():
            if pid == emp.person.pid:
                out.append(("self_query", self.self_kind(e, emp)))
            else:
                o = W.emp_by_pid.get(pid)
                if o is not None and o.human():
                    k = "supervisor" if o.eid == emp.sup else ("same_unit" if o.unit == emp.unit else "other_unit")
                    out.append(("coworker_lookup", k))
            for a in W.assoc_by_eid.get(emp.eid, ()):
                if a["_pid"] == pid and (a["_vf"] is None or a["_vf"] <= dt) and (a["_vt"] is None or dt <= a["_vt"]):
                    out.append(("association_lookup", a["relation"]))
        if pid and pid in W.watch:
            out.append(("watchlist_lookup", W.watch[pid]))
        if e["action"] != "export" and (pid or e["_w"] or e["_tc"] or e["_subj"]):
            if e["purpose"] in EXEMPT_PURPOSES:
                pass
            elif not e["_tc"]:
                out.append(("no_case", "missing"))
            else:
                c = W.cases.get(e["_tc"])
                if c is None:
                    out.append(("no_case", "unknown_case"))
                elif c.closed is not None and c.closed <= dt:
                    out.append(("no_case", "closed_case"))
                elif not c.assigned(emp.eid, dt):
                    out.append(("no_case", "not_assigned"))
                elif pid and pid not in c.subjects:
                    out.append(("no_case", "subject_not_in_case"))
        return out

    def auto_cls(self, e, conds):
        W = self.W
        if e["_cls"]:
            return e["_cls"]
        emp = W.login_emp[e["user"]]
        dets = set(c[0] for c in conds)
        if not emp.human():
            return "batch_match"
        if dets and dets <= {"coworker_lookup"}:
            if emp.restricted:
                return "restricted_employee_case"
            if emp.role == "cse" or emp.unit.startswith("CSE"):
                return "cse_employee_case"
            if emp.role == "fraud" or emp.unit == "PROGRAM-INTEGRITY":
                return "employee_fraud_case"
        if dets and dets <= {"watchlist_lookup"} and e["_tp"] == W.celeb.pid:
            return "celebrity_claim_processing"
        cl = W.pid_cls.get(e["_tp"])
        if cl:
            return cl
        return None

    # ------------------------------------------------------------------ injection
    def plan_incidents(self):
        W = self.W
        r = srng(W.seed, "inject")
        humans = sorted([e for e in W.emps if e.human() and e.status == "active"], key=lambda e: e.eid)
        W.bad_pool = set(e.eid for e in r.sample(humans, max(6, len(humans) // 8)))
        used = set()
        plan = []

        count = {}
        cap = 2 + (len(humans) * W.days) // 6000

        def pick(cands, victim=False):
            cands = [c for c in cands if c is not None and count.get(c.eid, 0) < cap]
            if victim:
                cands = [c for c in cands if c.eid not in W.bad_pool] or cands
            if not cands:
                return None
            pref = [c for c in cands if c.eid in W.bad_pool]
            return r.choice(pref) if (pref and r.random() < 0.7 and not victim) else r.choice(cands)

        def pick_day(e, logins, volume=False, lo=3, hi=None, need=None):
            hi = W.days if hi is None else hi
            ds = [d for d in range(lo, hi) if self.works(e, d) and W.dates[d].weekday() < 5
                  and not any((l, d) in used for l in logins) and not (volume and d in W.deadlines)
                  and (need is None or need(d))]
            if not ds:
                return None
            d = r.choice(ds)
            for l in logins:
                used.add((l, d))
            return d

        def has_rel(e, rel):
            return [a for a in W.assoc_by_eid.get(e.eid, []) if a["relation"] == rel and
                    (a["_vt"] is None or a["_vt"] >= W.dates[-1])]

        dmv_roles = lambda e: e.dmv_login is not None and not e.transfer
        work = [e for e in humans if not e.transfer and e.status == "active"]
        cwork = [e for e in work if e.role == "cw"]
        agents = [e for e in work if e.role == "agent" and e is not W.new_hire]

        def add(kind, e, d, **kw):
            count[e.eid] = count.get(e.eid, 0) + 1
            plan.append(dict(kind=kind, eid=e.eid, day=d, n=len(plan) + 1, **kw))

        def schedule(kind):
            if kind == "inactive_account":
                for t in W.terminated:
                    d = pick_day_term(t)
                    if d is not None:
                        add(kind, t, d)
                        return True
                return False
            if kind == "celebrity_surge":
                d = W.celeb_day
                cands = [e for e in work if self.works(e, d) and e.eid != W.celeb_intake and (e.login, d) not in used
                         and e.role in ("agent", "cw", "cse", "sup") and not e.unit.startswith("PROGRAM")]
                cands.sort(key=lambda e: e.eid)
                r.shuffle(cands)
                want = {"agent": r.randint(2, 3), "cw": 2, "cse": 1, "sup": r.randint(0, 1)}
                parts = []
                for e in cands:
                    if want.get(e.role, 0) > 0:
                        want[e.role] -= 1
                        parts.append(e)
                if len(parts) < 4:
                    return False
                for p in parts:
                    used.add((p.login, d))
                add(kind, parts[0], d, parts=[p.eid for p in parts])
                return True
            spec = {
                "ex_partner_lunch": ([e for e in work if dmv_roles(e) and has_rel(e, "ex_partner")], False),
                "ex_partner_evening": ([e for e in work if dmv_roles(e) and e.laptop and has_rel(e, "ex_partner")], False),
                "self_recipient": ([e for e in W.recipients if e.status == "active"], False),
                "self_dmv": ([e for e in work if dmv_roles(e)], False),
                "relative_claim": ([e for e in work if any(a["source"] == "COI_DECLARATION" for a in has_rel(e, "family"))], False),
                "neighbor_peek": ([e for e in work if has_rel(e, "neighbor")], False),
                "protected_party": ([e for e in work if has_rel(e, "protected_party") and (e.role == "agent" or dmv_roles(e))], False),
                "coworker_wage": ([e for e in cwork if len(W.teams[e.unit]["members"]) > 2], False),
                "coworker_supervisor": ([e for e in work if dmv_roles(e) and e.sup and W.emp_by_eid[e.sup].human()
                                         and e.role != "sup"], False),
                "coworker_other_unit": (agents, False),
                "unknown_claim": (cwork, False),
                "other_office_claim": (cwork, False),
                "closed_claim": ([e for e in cwork if any(W.cases[c].closed and W.cases[c].closed < W.start
                                                          for c, f, t in e.caseload)], False),
                "scrape": (agents, True),
                "browsing": (cwork, True),
                "bulk_export": ([e for e in work if e.role in ("cw", "sup") and not e.unit.startswith("CC")], True),
                "impossible_travel": ([e for e in cwork if not e.telework or len(e.telework) < 2], True),
                "concurrent_clients": ([e for e in cwork], True),
                "fishing": (agents + cwork, False),
                "official_lookup": (work, False),
                "journalist_lookup": ([e for e in work if e.role in ("sup", "cw", "agent")], False),
            }
            cands, vol = spec[kind]
            for _ in range(6):
                e = pick(cands, victim=kind in ("impossible_travel", "concurrent_clients"))
                if e is None:
                    return False
                logins = [e.login] + ([e.dmv_login] if e.dmv_login else [])
                need = None
                if kind in ("impossible_travel", "concurrent_clients"):
                    need = lambda d, e=e: W.dates[d].weekday() not in e.telework
                d = pick_day(e, logins, vol, need=need)
                if d is not None:
                    add(kind, e, d)
                    return True
            return False

        def pick_day_term(t):
            fi = (t.end_date - W.start).days
            ds = [d for d in range(fi + 1, W.days) if W.workday[d] and (t.login, d) not in used]
            if not ds:
                return None
            d = r.choice(ds[:4])
            used.add((t.login, d))
            return d

        core = ["inactive_account", "impossible_travel", "concurrent_clients", "celebrity_surge", "self_recipient",
                "relative_claim", "neighbor_peek", "protected_party", "ex_partner_evening", "ex_partner_lunch",
                "coworker_wage", "coworker_supervisor", "coworker_other_unit", "unknown_claim", "other_office_claim",
                "closed_claim", "scrape", "browsing", "bulk_export", "fishing", "official_lookup",
                "journalist_lookup", "self_dmv"]
        for k in core:
            if not schedule(k):
                print("note: incident %s not scheduled (no suitable culprit/day)" % k, file=sys.stderr)
        extra = (len(humans) * W.days) // 600
        pool = [k for k in core if k not in ("inactive_account", "celebrity_surge")]
        for _ in range(extra):
            schedule(r.choice(pool))
        by_day = {}
        for inc in plan:
            by_day.setdefault(inc["day"], []).append(inc)
        return plan, by_day

    def seg_at(self, login, d, t=None):
        segs = self.presence.get((login, d), [])
        if not segs:
            return None
        if t is None:
            return segs[0]
        for s in segs:
            if s["start"] - timedelta(minutes=20) <= t <= s["end"] + timedelta(minutes=40):
                return s
        return segs[0]

    def run_incident(self, inc, d):
        W = self.W
        r = srng(W.seed, "inc", inc["n"])
        st = Stream("inj|%d" % inc["n"])
        e = W.emp_by_eid[inc["eid"]]
        fn = getattr(self, "inc_" + inc["kind"].replace("_lunch", "").replace("_evening", ""))
        res = fn(inc, e, d, r, st)
        if res is None:
            print("note: incident %s on day %d produced nothing" % (inc["kind"], d), file=sys.stderr)
            return [], [], ""
        extra, note = res
        return st.events, extra, note

    def _person_lookup(self, st, e, t, r, ctx, p, case=None, case_t=None, purpose="", search="name", c=None):
        """A person lookup as anyone would type it: search, then open the record."""
        client, ip = ctx["client"], ctx["ip"]
        out = []
        if search == "name":
            s = self.s_namedob(p, r, 0.05)
            if r.random() < 0.5:
                s.pop("dob")
            out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, case, case_t, purpose, p.pid, s,
                               r.randint(1, 4), "LAST=%s FIRST=%s" % (s["last_name"], s["first_name"])))
        elif search == "ssn":
            ss = typed_ssn(p.pid, r, 0.6)
            out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, case, case_t, purpose, p.pid,
                               {"person_id": ss}, 1, "SSN=%s" % ss))
        t += self.step(r, 15, 70)
        out.append(self.ev(st, ELIG, t, e.login, "query", client, ip, case, case_t if case else "", purpose, p.pid,
                           self.s_resolved(p, c), 1, "VIEW PERSON SUMMARY"))
        t += self.step(r, 30, 120)
        return out, t

    def _ctx_office(self, e, d, t):
        s = self.seg_at(e.login, d, t)
        if s is None:
            return {"client": e.desk_on(d), "ip": self.W.client_ip.get(e.desk_on(d)), "site": e.site_on(d)}
        return s

    def _time_in_day(self, e, d, r, lo=(9, 30), hi=(15, 30)):
        segs = self.presence.get((e.login, d), [])
        dt = self.W.dates[d]
        a, b = hm(dt, *lo), hm(dt, *hi)
        if segs:
            a = max(a, segs[0]["start"] + timedelta(minutes=20))
            b = min(b, segs[-1]["end"] - timedelta(minutes=20))
        if b <= a:
            b = a + timedelta(minutes=30)
        return a + timedelta(seconds=r.randint(0, int((b - a).total_seconds())))

    def _finish(self, st, e, d, ctx, evs, r, login=None):
        self.finish_segment(st, login or e.login, ctx["client"], ctx["ip"], ctx.get("site"), evs, r, d)

    def _my_claim(self, e, d, r):
        a = self.active_caseload(e, d)
        return self.W.cases[r.choice(a)] if a else None

    # --- individual incident types (each returns (extra_labels, note))
    def inc_ex_partner(self, inc, e, d, r, st):
        W = self.W
        a = r.choice([x for x in W.assoc_by_eid[e.eid] if x["relation"] == "ex_partner" and x["_vt"] is None])
        ex = W.persons[a["_pid"]]
        dt = W.dates[d]
        evening = inc["kind"].endswith("evening")
        if evening:
            t = hm(dt, 21, 30) + timedelta(minutes=r.randint(0, 100))
            ctx = {"client": e.laptop, "ip": self.vpn_ip(r), "site": e.site_on(d)}
        else:
            t = hm(dt, 12, 5) + timedelta(minutes=r.randint(0, 30))
            ctx = self._ctx_office(e, d, t)
        pre = self._my_claim(e, d, r) if r.random() < 0.4 else None
        case, ct = (pre.cid, typed_claim(pre.cid, r)) if pre else (None, "")
        out, t = self._person_lookup(st, e, t, r, ctx, ex, case, ct, "", "name")
        out.append(self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], case, ct, "", ex.pid,
                           self.s_resolved(ex), 1, "VIEW ADDRESS HISTORY"))
        t += self.step(r, 40, 150)
        o, t = self.dmv_lookup(st, e, t, r, ctx["ip"], ex, case, ct, "IDENTITY_VERIFICATION", tries=False)
        out += o
        t += self.step(r, 30, 120)
        if r.random() < 0.6:
            ss = typed_ssn(ex.pid, r)
            out.append(self.ev(st, WAGE, t, e.login, "query", ctx["client"], ctx["ip"], case, ct, "verify wages",
                               ex.pid, {"person_id": ss}, r.randint(1, 4), "SSN=%s QTRS=%s" % (ss, self.qtrs(d))))
        self._finish(st, e, d, ctx, [x for x in out if x["_s"] != DMV], r)
        extra = []
        if evening:
            for lg in set(x["user"] for x in out):
                extra.append(("odd_volume", "off_hours", lg, [x for x in out if x["user"] == lg]))
        return extra, "looks up ex-partner %s (new address, employer)%s" % (
            ex.pid, " late evening from home" if evening else " over lunch")

    def inc_self_recipient(self, inc, e, d, r, st):
        W = self.W
        c = W.cases[r.choice(e.recipient_claims)]
        t = self._time_in_day(e, d, r)
        ctx = self._ctx_office(e, d, t)
        purpose = "CALLER_VERIFICATION" if r.random() < 0.5 else ""
        ct = typed_claim(c.cid, r, 0.5)
        me = e.person
        out = [self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], c.cid, ct, purpose, me.pid,
                       self.s_resolved(me, c), 1, "CLAIM=%s" % ct)]
        t += self.step(r, 30, 90)
        out.append(self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], c.cid, c.cid, purpose, me.pid,
                           self.s_resolved(me, c), r.randint(3, 12), "VIEW ISSUANCE HISTORY"))
        t += self.step(r, 30, 90)
        if r.random() < 0.6:
            out.append(self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], c.cid, c.cid, purpose, me.pid,
                               self.s_resolved(me, c), 1, "VIEW CASE NOTES"))
        self._finish(st, e, d, ctx, out, r)
        return [], "staff benefit recipient views own claim %s" % c.cid

    def inc_self_dmv(self, inc, e, d, r, st):
        t = self._time_in_day(e, d, r)
        ctx = self._ctx_office(e, d, t)
        me = e.person
        if r.random() < 0.25:
            a = me.addr_typed(r)
            seg = [self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], None, "", "", me.pid,
                           {"address": a}, r.randint(1, 4), "ADDR=%s" % a)]
            self._finish(st, e, d, ctx, seg, r)
            note = "searches own home address (who else is registered there)"
        elif me.plate and r.random() < 0.6:
            pl = typed_plate(me.plate, r)
            self.ev(st, DMV, t, e.dmv_login, "query", None, ctx["ip"], None, "", "VEHICLE_ASSET_CHECK", me.pid,
                    {"plate": pl}, 1, "PLATE=%s" % pl, {"dppa_code": "1"})
            note = "checks own vehicle registration in DMV"
        else:
            self.dmv_lookup(st, e, t, r, ctx["ip"], me, None, "", "IDENTITY_VERIFICATION", tries=False)
            note = "looks up own DMV record"
        return [], note

    def _assoc_claim_peek(self, inc, e, d, r, st, rel, src=None):
        W = self.W
        ok = lambda a: a["_vt"] is None or a["_vt"] >= W.dates[-1]
        rows = [a for a in W.assoc_by_eid[e.eid] if a["relation"] == rel and ok(a) and
                (src is None or a["source"] == src) and W.cases_by_pid.get(a["_pid"])]
        if not rows:
            rows = [a for a in W.assoc_by_eid[e.eid] if a["relation"] == rel and ok(a)]
        a = r.choice(rows)
        p = W.persons[a["_pid"]]
        cl = [W.cases[x] for x in W.cases_by_pid.get(p.pid, []) if W.cases[x].kind == "CLM"]
        t = self._time_in_day(e, d, r)
        ctx = self._ctx_office(e, d, t)
        purpose = "CALLER_VERIFICATION" if e.role == "agent" else ""
        out = []
        if cl and r.random() < 0.7:
            c = cl[0]
            ct = typed_claim(c.cid, r)
            out.append(self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], c.cid, ct, purpose, p.pid,
                               self.s_resolved(p, c), 1, "CLAIM=%s" % ct))
            t += self.step(r, 30, 120)
            for x in c.subjects[1:3]:
                m = W.persons[x]
                out.append(self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], c.cid, c.cid, purpose,
                                   m.pid, self.s_resolved(m, c), 1, "VIEW MEMBER"))
                t += self.step(r, 20, 90)
            out.append(self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], c.cid, c.cid, purpose, p.pid,
                               self.s_resolved(p, c), r.randint(2, 9), "VIEW ISSUANCE HISTORY"))
            t += self.step(r, 20, 90)
        else:
            o, t = self._person_lookup(st, e, t, r, ctx, p, None, "", purpose, "name")
            out += o
        if e.dmv_login and rel == "protected_party":
            o, t = self.dmv_lookup(st, e, t, r, ctx["ip"], p, None, "", "IDENTITY_VERIFICATION", tries=False)
        self._finish(st, e, d, ctx, out, r)
        return p

    def inc_relative_claim(self, inc, e, d, r, st):
        p = self._assoc_claim_peek(inc, e, d, r, st, "family", "COI_DECLARATION")
        return [], "views declared relative %s's claim" % p.pid

    def inc_neighbor_peek(self, inc, e, d, r, st):
        p = self._assoc_claim_peek(inc, e, d, r, st, "neighbor")
        return [], "views declared neighbour %s's claim" % p.pid

    def inc_protected_party(self, inc, e, d, r, st):
        p = self._assoc_claim_peek(inc, e, d, r, st, "protected_party")
        return [], "looks up the protected party %s of a court order (address)" % p.pid

    def inc_coworker_wage(self, inc, e, d, r, st):
        W = self.W
        mates = [m for m in W.teams[e.unit]["members"] if m is not e and m.status == "active"]
        m = r.choice(mates)
        t = self._time_in_day(e, d, r)
        ctx = self._ctx_office(e, d, t)
        pre = self._my_claim(e, d, r)
        case, ct = (pre.cid, typed_claim(pre.cid, r)) if pre else (None, "")
        ss = typed_ssn(m.person.pid, r)
        out = [self.ev(st, WAGE, t, e.login, "query", ctx["client"], ctx["ip"], case, ct, r.choice(WAGE_PURPOSE[:4]),
                       m.person.pid, {"person_id": ss}, r.randint(2, 8), "SSN=%s QTRS=%s" % (ss, self.qtrs(d)))]
        t += self.step(r, 40, 200)
        out.append(self.ev(st, WAGE, t, e.login, "query", ctx["client"], ctx["ip"], case, ct, "",
                           m.person.pid, {"person_id": ss}, r.randint(2, 8), "SSN=%s QTRS=ALL EMPLOYERS=Y" % ss))
        t += self.step(r, 60, 300)
        o, t = self._person_lookup(st, e, t, r, ctx, m.person, None, "", "", "ssn")
        out += o
        self._finish(st, e, d, ctx, out, r)
        return [], "pulls coworker %s's wage records under own claim %s" % (m.eid, case)

    def inc_coworker_supervisor(self, inc, e, d, r, st):
        W = self.W
        s = W.emp_by_eid[e.sup]
        t = self._time_in_day(e, d, r)
        ctx = self._ctx_office(e, d, t)
        o, t = self.dmv_lookup(st, e, t, r, ctx["ip"], s.person, None, "", "IDENTITY_VERIFICATION", tries=False)
        if s.person.plate and r.random() < 0.5:
            pl = typed_plate(s.person.plate, r)
            self.ev(st, DMV, t + self.step(r, 30, 100), e.dmv_login, "query", None, ctx["ip"], None, "",
                    "IDENTITY_VERIFICATION", s.person.pid, {"plate": pl}, 1, "PLATE=%s" % pl, {"dppa_code": "1"})
        return [], "looks up own supervisor %s in DMV" % s.eid

    def inc_coworker_other_unit(self, inc, e, d, r, st):
        W = self.W
        tg = r.choice([x for x in W.emps if x.human() and x.unit != e.unit and x.role in ("cw", "cse", "fraud")
                       and x.status == "active"])
        t = self._time_in_day(e, d, r)
        ctx = self._ctx_office(e, d, t)
        out, t = self._person_lookup(st, e, t, r, ctx, tg.person, None, "", "CALLER_VERIFICATION", "name")
        self._finish(st, e, d, ctx, out, r)
        return [], "call-centre agent looks up staff member %s (no call)" % tg.eid

    def inc_unknown_claim(self, inc, e, d, r, st):
        W = self.W
        p = r.choice(W.public)
        while True:
            bogus = "CLM-%07d" % r.randrange(1000000, 1999999) if r.random() < 0.5 else "CLM-%07d" % r.randrange(10000, 99999)
            if bogus not in W.cases:
                break
        t = self._time_in_day(e, d, r)
        ctx = self._ctx_office(e, d, t)
        bt = typed_claim(bogus, r, 0.6)
        out, t = self._person_lookup(st, e, t, r, ctx, p, "?" + bogus, bt, r.choice(TOUCH_PURPOSE["SNAP"]), "name")
        if e.dmv_login and r.random() < 0.5:
            self.dmv_lookup(st, e, t, r, ctx["ip"], p, "?" + bogus, bt, "IDENTITY_VERIFICATION", tries=False)
        self._finish(st, e, d, ctx, out, r)
        return [], "types non-existent claim number %s to justify looking up %s" % (bogus, p.pid)

    def inc_other_office_claim(self, inc, e, d, r, st):
        W = self.W
        dt = W.dates[d]
        cands = [c for c in W.cases.values() if c.kind == "CLM" and c.office != e.office and c.open_on(dt)
                 and not (set(c.subjects) & W.special_pids) and not any(W.pid_cls.get(x) for x in c.subjects)]
        cands.sort(key=lambda c: c.cid)
        if not cands:
            return None
        c = r.choice(cands)
        p = W.persons[c.head]
        t = self._time_in_day(e, d, r)
        ctx = self._ctx_office(e, d, t)
        ct = typed_claim(c.cid, r)
        out = [self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], c.cid, ct,
                       r.choice(TOUCH_PURPOSE[c.program]), p.pid, self.s_resolved(p, c), 1, "CLAIM=%s" % ct)]
        t += self.step(r, 30, 100)
        out.append(self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], c.cid, c.cid, "", p.pid,
                           self.s_resolved(p, c), 1, "VIEW ADDRESS HISTORY"))
        if r.random() < 0.5:
            ss = typed_ssn(p.pid, r)
            out.append(self.ev(st, WAGE, t + self.step(r, 30, 100), e.login, "query", ctx["client"], ctx["ip"], c.cid,
                               ct, "verify wages", p.pid, {"person_id": ss}, r.randint(1, 5), "SSN=%s" % ss))
        self._finish(st, e, d, ctx, out, r)
        return [], "uses another office's claim %s (%s) to look up its claimant" % (c.cid, c.office)

    def inc_closed_claim(self, inc, e, d, r, st):
        W = self.W
        cl = sorted(set(c for c, f, t in e.caseload if W.cases[c].closed and W.cases[c].closed < W.start))
        c = W.cases[r.choice(cl)]
        p = W.persons[c.head]
        t = self._time_in_day(e, d, r, (12, 0), (16, 0))
        ctx = self._ctx_office(e, d, t)
        ct = typed_claim(c.cid, r)
        out = [self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], c.cid, ct, "CASE_MAINTENANCE", p.pid,
                       self.s_resolved(p, c), 1, "CLAIM=%s" % ct)]
        t += self.step(r, 30, 100)
        out.append(self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], c.cid, c.cid, "CASE_MAINTENANCE",
                           p.pid, self.s_resolved(p, c), 1, "VIEW CURRENT ADDRESS/PHONE"))
        if e.dmv_login and r.random() < 0.6:
            self.dmv_lookup(st, e, t + self.step(r, 30, 100), r, ctx["ip"], p, c.cid, ct, "IDENTITY_VERIFICATION", tries=False)
        self._finish(st, e, d, ctx, out, r)
        return [], "looks up former client %s under claim %s closed %s" % (p.pid, c.cid, c.closed)

    def _targets(self, r, n, pool=None):
        W = self.W
        pool = pool or W.caller_pool
        out = []
        seen = set()
        while len(out) < n:
            pid = r.choice(pool)
            if pid not in seen and pid not in W.special_pids and not W.pid_cls.get(pid):
                seen.add(pid)
                out.append(pid)
        return out

    def inc_scrape(self, inc, e, d, r, st):
        W = self.W
        t = self._time_in_day(e, d, r, (13, 30), (15, 0))
        ctx = self._ctx_office(e, d, t)
        purpose = "CALLER_VERIFICATION" if e.role == "agent" else ""
        out = []
        zipc = r.choice(W.offices)
        for pid in self._targets(r, r.randint(250, 400), W.walkin_pool.get(zipc) or None):
            out.append(self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], None, "", purpose, pid,
                               {"person_id": pid.replace("-", "")}, 1, "SSN=%s VIEW CONTACT" % pid.replace("-", "")))
            t += timedelta(seconds=r.randint(1, 4))
        self._finish(st, e, d, ctx, out, r)
        extra = [("odd_volume", k, e.login, out) for k in ("burst", "distinct_subjects", "daily_count")]
        return extra, "scripted harvest of %d claimant contact records in %d minutes" % (
            len(out), int((out[-1]["_l"] - out[0]["_l"]).total_seconds() // 60) + 1)

    def inc_browsing(self, inc, e, d, r, st):
        W = self.W
        dt = W.dates[d]
        t = hm(dt, 13, 0) + timedelta(minutes=r.randint(0, 30))
        ctx = self._ctx_office(e, d, t)
        other = [pid for o in W.offices if o != e.office for pid in W.walkin_pool.get(o, [])] or W.caller_pool
        out = []
        for pid in self._targets(r, r.randint(120, 170), other):
            p = W.persons[pid]
            out.append(self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], None, "", "", pid,
                               self.s_resolved(p), 1, "VIEW PERSON SUMMARY"))
            t += timedelta(seconds=r.randint(25, 110))
        self._finish(st, e, d, ctx, out, r)
        return [("odd_volume", "distinct_subjects", e.login, out)], "browses %d unrelated claimants' records in an afternoon" % len(out)

    def inc_bulk_export(self, inc, e, d, r, st):
        W = self.W
        dt = W.dates[d]
        t = hm(dt, 16, 35) + timedelta(minutes=r.randint(0, 25))
        ctx = self._ctx_office(e, d, t)
        out = []
        for k in range(r.choice([1, 2])):
            out.append(self.ev(st, ELIG, t, e.login, "export", ctx["client"], ctx["ip"], None, "",
                               "MANAGEMENT_REPORT" if e.role == "sup" else "", None, None, r.randint(18000, 65000),
                               "REPORT=AD_HOC SRC=ALL_ACTIVE_CLAIMS COLS=NAME,SSN,DOB,ADDR,PHONE,EMPLOYER FMT=CSV"))
            t += timedelta(minutes=r.randint(2, 8))
        self._finish(st, e, d, ctx, out, r)
        return [("odd_volume", "export", e.login, out)], "exports the full active-claims file (%d rows)" % out[0]["result_count"]

    def inc_impossible_travel(self, inc, e, d, r, st):
        W = self.W
        segs = self.presence.get((e.login, d), [])
        if not segs:
            return None
        home = SITES[e.site_on(d)]
        far = [m for m in W.emps if m.human() and m.desk and m.role == "cw" and not m.transfer and
               m.status == "active" and haversine_km(SITES[m.site][1:3], home[1:3]) > 150 and self.active_caseload(m, d)]
        if not far:
            return None
        intr = r.choice(sorted(far, key=lambda m: m.eid))
        s_last = segs[0]
        sess = [x for x in s_last["sessions"] if x[3] == ELIG]
        if not sess:
            return None
        dt = W.dates[d]
        if sess[0][0] >= hm(dt, 8, 5):      # before the victim arrives
            t = sess[0][0] - timedelta(minutes=r.randint(28, 40))
            near = min(s_last_events(self, e, d), key=lambda x: abs((x["_l"] - sess[0][0]).total_seconds()), default=None)
        else:                               # after the victim logs off
            t = sess[-1][1] + timedelta(minutes=r.randint(6, 14))
            near = None
        ctx = {"client": intr.desk, "ip": W.client_ip[intr.desk], "site": intr.site}
        out = []
        cl = self.active_caseload(intr, d)
        for cid in r.sample(cl, min(len(cl), r.randint(2, 4))):
            c = W.cases[cid]
            p = W.persons[c.head]
            ct = typed_claim(c.cid, r)
            out.append(self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], c.cid, ct,
                               r.choice(TOUCH_PURPOSE[c.program]), p.pid, self.s_resolved(p, c), 1, "CLAIM=%s" % ct))
            t += self.step(r, 60, 240)
        if not out:
            return None
        self._finish(st, e, d, ctx, out, r)
        vict = s_last_events(self, e, d)
        ref = []
        if vict:
            a0, a1 = out[0]["_l"], out[-1]["_l"]
            before = [x for x in vict if x["_l"] < a0]
            after = [x for x in vict if x["_l"] > a1]
            if before:
                ref.append(before[-1])
            if after:
                ref.append(after[0])
        evs = list(st.events) + ref
        return [("shared_credential", "impossible_travel", e.login, evs)], \
            "login used at %s (%s, ~%d km away) by %s's colleague while the owner works at %s" % (
                intr.desk, intr.site, haversine_km(SITES[intr.site][1:3], home[1:3]), e.eid, e.site_on(d))

    def inc_concurrent_clients(self, inc, e, d, r, st):
        W = self.W
        vict = s_last_events(self, e, d)
        if not vict:
            return None
        site = e.site_on(d)
        dt = W.dates[d]
        t = hm(dt, 9, 20) + timedelta(minutes=r.randint(0, 60))
        ctx = {"client": "%s-TRN-%02d" % (site, r.randint(1, 3)), "site": site}
        ctx["ip"] = W.client_ip[ctx["client"]]
        cl = self.active_caseload(e, d)
        out = []
        end = t + timedelta(minutes=r.randint(60, 100))
        while t < end and cl:
            c = W.cases[cl.pop(r.randrange(len(cl)))]
            o, t = self.touch_claim(st, e, d, c, t, r, (ctx["client"], ctx["ip"], site, False))
            out += [x for x in o if x["_s"] != DMV]
            for x in o:
                if x["_s"] == DMV:
                    st.events.remove(x)
        if not out:
            return None
        self._finish(st, e, d, ctx, out, r)
        a0, a1 = out[0]["_l"], out[-1]["_l"]
        overlap = [x for x in vict if a0 <= x["_l"] <= a1 and x["client"] and x["client"] != ctx["client"]]
        if not overlap:
            return None
        return [("shared_credential", "concurrent_clients", e.login, list(st.events) + overlap)], \
            "trainee works on %s with %s's login while the owner is logged in at %s" % (ctx["client"], e.eid, e.desk_on(d))

    def inc_inactive_account(self, inc, e, d, r, st):
        W = self.W
        dt = W.dates[d]
        out = []
        if e.role == "agent":
            taken = set(self.cc_alloc(d).values())
            desk = [x for x in W.cc_desks if x not in taken][-1]
            ctx = {"client": desk, "ip": W.client_ip[desk], "site": "CC"}
            t = hm(dt, 9, 0) + timedelta(minutes=r.randint(0, 60))
            for _ in range(r.randint(6, 14)):
                pid = self.pick_person(r, W.caller_pool, set())
                o, t = self.call(st, e, t, r, desk, ctx["ip"], pid)
                out += o
                t += timedelta(seconds=r.randint(120, 420))
            note = "terminated agent's login still used on call-centre desk %s" % desk
        else:
            desk = e.desk_on(d)
            ctx = {"client": desk, "ip": W.client_ip[desk], "site": e.site_on(d)}
            t = hm(dt, 10, 0) + timedelta(minutes=r.randint(0, 120))
            old = sorted(set(c for c, f, to in e.caseload if W.cases[c].kind == "CLM" and W.cases[c].open_on(dt)))
            for cid in r.sample(old, min(len(old), r.randint(3, 6))):
                c = W.cases[cid]
                ct = typed_claim(c.cid, r)
                p = W.persons[c.head]
                out.append(self.ev(st, ELIG, t, e.login, "query", desk, ctx["ip"], c.cid, ct,
                                   r.choice(TOUCH_PURPOSE[c.program]), p.pid, self.s_resolved(p, c), 1, "CLAIM=%s" % ct))
                t += self.step(r, 60, 400)
            note = "separated caseworker's login used at the old desk %s" % desk
        self._finish(st, e, d, ctx, out, r)
        return [("shared_credential", "inactive_account", e.login, list(st.events))], note + " (end_date %s)" % e.end_date

    def inc_fishing(self, inc, e, d, r, st):
        W = self.W
        cel = [p for p in W.watch_people if W.watch[p.pid] == "celebrity" and p is not W.celeb]
        p = r.choice(cel)
        t = self._time_in_day(e, d, r)
        ctx = self._ctx_office(e, d, t)
        purpose = "CALLER_VERIFICATION" if e.role == "agent" else ""
        out = []
        base = p.last.replace("-", "").replace(" ", "")
        for k in (4, 6):
            w = base[:k] + "*"
            f = p.first[0] + "*" if k == 6 else ""
            s = {"last_name": style(w, r)}
            if f:
                s["first_name"] = f
            out.append(self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], None, "", purpose, p.pid, s,
                               r.randint(2, 9) if k == 4 else r.randint(1, 3), "LAST=%s%s" % (w, (" FIRST=" + f) if f else ""),
                               None, None, wild=True))
            t += self.step(r, 20, 70)
        out.append(self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], None, "", purpose, p.pid,
                           self.s_resolved(p), 1, "VIEW PERSON SUMMARY"))
        t += self.step(r, 30, 90)
        out.append(self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], None, "", purpose, p.pid,
                           self.s_resolved(p), r.randint(1, 3), "VIEW ADDRESS HISTORY"))
        self._finish(st, e, d, ctx, out, r)
        return [], "wildcard fishing for a famous surname (%s) then opens the celebrity's record" % base[:6]

    def _watch_lookup(self, inc, e, d, r, st, cat):
        W = self.W
        ppl = [p for p in W.watch_people if W.watch[p.pid] == cat and not W.cases_by_pid.get(p.pid)]
        p = r.choice(ppl)
        t = self._time_in_day(e, d, r)
        ctx = self._ctx_office(e, d, t)
        purpose = "CALLER_VERIFICATION" if e.role == "agent" else ""
        out, t = self._person_lookup(st, e, t, r, ctx, p, None, "", purpose, "name")
        if r.random() < 0.5:
            out.append(self.ev(st, ELIG, t, e.login, "query", ctx["client"], ctx["ip"], None, "", purpose, p.pid,
                               self.s_resolved(p), r.randint(0, 3), "VIEW BENEFIT HISTORY"))
        if e.dmv_login and r.random() < 0.5:
            self.dmv_lookup(st, e, t + self.step(r, 30, 90), r, ctx["ip"], p, None, "", "IDENTITY_VERIFICATION", tries=False)
        self._finish(st, e, d, ctx, out, r)
        return p

    def inc_official_lookup(self, inc, e, d, r, st):
        p = self._watch_lookup(inc, e, d, r, st, "official")
        return [], "looks up state official %s %s" % (p.first, p.last)

    def inc_journalist_lookup(self, inc, e, d, r, st):
        p = self._watch_lookup(inc, e, d, r, st, "journalist")
        return [], "looks up journalist %s %s after a critical story" % (p.first, p.last)

    def inc_celebrity_surge(self, inc, e, d, r, st):
        W = self.W
        dt = W.dates[d]
        p = W.celeb
        c = W.cases[W.celeb_claim]
        extra = []
        base = hm(dt, 11, 30)
        for i, eid in enumerate(inc["parts"]):
            m = W.emp_by_eid[eid]
            t = base + timedelta(minutes=r.randint(0, 170), seconds=r.randint(0, 59))
            ctx = self._ctx_office(m, d, t)
            purpose = "CALLER_VERIFICATION" if m.role == "agent" else ""
            sub = Stream("inj|%d|%d" % (inc["n"], i))
            out, t = self._person_lookup(sub, m, t, r, ctx, p, None, "", purpose, "name")
            if m.role in ("cw", "sup") and r.random() < 0.6:
                ct = typed_claim(c.cid, r)
                out.append(self.ev(sub, ELIG, t, m.login, "query", ctx["client"], ctx["ip"], c.cid, ct, purpose, p.pid,
                                   self.s_resolved(p, c), 1, "CLAIM=%s" % ct))
                t += self.step(r, 30, 90)
            if m.role == "cse":
                ss = typed_ssn(p.pid, r)
                out.append(self.ev(sub, WAGE, t, m.login, "query", ctx["client"], ctx["ip"], None, "", "", p.pid,
                                   {"person_id": ss}, r.randint(1, 4), "SSN=%s QTRS=ALL" % ss))
            self._finish(sub, m, d, ctx, out, r)
            st.events += sub.events
            extra.append(("subject_surge", "many_users", m.login, [x for x in out]))
        return extra, "news: %s %s files for unemployment; %d staff look the record up within hours" % (
            p.first, p.last, len(inc["parts"]))


def s_last_events(G, e, d):
    return sorted(G.day_legit.get((e.login, d), []), key=lambda x: x["_l"])


# --------------------------------------------------------------------------- output
def title(s):
    def one(w):
        if "'" in w:
            return w[:2].upper() + w[2:].capitalize()
        return "-".join(x.capitalize() for x in w.split("-"))
    return " ".join(one(w) for w in s.split(" "))


def write_refs(W, refdir):
    os.makedirs(refdir, exist_ok=True)
    r = srng(W.seed, "refs")

    def wcsv(name, cols, rows):
        with open(os.path.join(refdir, name), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(cols)
            for row in rows:
                w.writerow([row.get(c, "") if row.get(c) is not None else "" for c in cols])

    # personnel (one row per login; DMV-interface logins share the employee_id)
    W.prow = {}
    rows = []
    for e in W.emps:
        if e.human():
            p = e.person
            row = {"user": e.login, "employee_id": e.eid,
                   "person_id": "" if srng(W.seed, "pblank", e.eid).random() < 0.08 else p.pid,
                   "last_name": title(p.last), "first_name": title(p.first), "dob": p.dob.isoformat(),
                   "address": p.addr_title(), "phone": p.phone or "", "plate": p.plate or "", "unit": e.unit,
                   "supervisor": e.sup or "", "site": e.site, "status": e.status,
                   "end_date": e.end_date.isoformat() if e.end_date else ""}
        else:
            row = {"user": e.login, "employee_id": e.eid, "person_id": "", "last_name": "SERVICE ACCOUNT",
                   "first_name": e.svc_name, "dob": "", "address": "", "phone": "", "plate": "", "unit": e.unit,
                   "supervisor": "", "site": e.site, "status": "active", "end_date": ""}
        W.prow[e.eid] = row
        rows.append(row)
        if e.dmv_login:
            r2 = dict(row)
            r2["user"] = e.dmv_login
            rows.append(r2)
    wcsv("personnel.csv", ["user", "employee_id", "person_id", "last_name", "first_name", "dob", "address", "phone",
                           "plate", "unit", "supervisor", "site", "status", "end_date"], rows)
    # cases / assignments / subjects
    cs = sorted(W.cases.values(), key=lambda c: c.cid)
    end = W.dates[-1]
    wcsv("cases.csv", ["case_id", "status", "opened", "closed", "unit"],
         [{"case_id": c.cid, "status": "closed" if (c.closed and c.closed <= end) else "open",
           "opened": c.opened.isoformat(), "closed": c.closed.isoformat() if c.closed else "", "unit": c.unit} for c in cs])
    arows = []
    for c in cs:
        for eid, f, t in c.asg:
            arows.append({"case_id": c.cid, "employee_id": eid, "from": f.isoformat(), "to": t.isoformat() if t else ""})
    wcsv("case_assignments.csv", ["case_id", "employee_id", "from", "to"], arows)
    srows = []
    for c in cs:
        for pid in c.subjects:
            p = W.persons[pid]
            last = p.maiden if (pid in c.maiden_listed and p.maiden) else p.last
            blank = pid in c.pid_blank
            srows.append({"case_id": c.cid, "person_id": "" if blank else pid, "last_name": last, "first_name": p.first,
                          "dob": p.dob.isoformat(), "address": "" if blank else p.addr_upper(),
                          "phone": "" if blank else (p.phone or ""), "plate": "" if blank else (p.plate or "")})
    wcsv("case_subjects.csv", ["case_id", "person_id", "last_name", "first_name", "dob", "address", "phone", "plate"], srows)
    wcsv("associations.csv", ["employee_id", "relation", "person_id", "last_name", "first_name", "dob", "address",
                              "phone", "plate", "valid_from", "valid_to", "source"], W.assoc)
    wrows = []
    for p in W.watch_people:
        wrows.append({"person_id": "" if r.random() < 0.3 else p.pid, "last_name": title(p.last),
                      "first_name": title(p.first), "dob": p.dob.isoformat(), "category": W.watch[p.pid]})
    wcsv("watchlist.csv", ["person_id", "last_name", "first_name", "dob", "category"], wrows)
    wcsv("clients.csv", ["client", "site", "lat", "lon"],
         [{"client": c, "site": v[0], "lat": "%.5f" % v[1], "lon": "%.5f" % v[2]} for c, v in sorted(W.clients.items())])


def fmt_event(W, e):
    ldt, off = W.tz.localize(e["_l"])
    e["_l"] = ldt
    utc = ldt - timedelta(hours=off)
    e["_utc"] = utc
    sysn = e["_s"]
    ms = int.from_bytes(_h(e["_id"])[:2], "big") % 1000
    e["_utc"] = utc + timedelta(milliseconds=ms) if sysn in (DMV, DOCIMG) else utc
    if sysn == DMV:
        ts = utc.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % ms
    elif sysn == VITAL:
        ts = utc.strftime("%Y-%m-%dT%H:%M:%S") + "Z"
    elif sysn == DOCIMG:
        ts = ldt.strftime("%Y-%m-%dT%H:%M:%S") + (".%03d%+03d:00" % (ms, off))
    else:
        ts = ldt.strftime("%Y-%m-%dT%H:%M:%S") + ("%+03d:00" % off)
    o = {"id": e["_id"], "ts": ts, "user": e["user"], "action": e["action"], "system": sysn}
    if e["session"]:
        o["session"] = e["session"]
    if e["client"] and sysn != DMV:
        o["client"] = e["client"]
    if e["ip"]:
        o["ip"] = e["ip"]
    if sysn == ELIG:
        o["case_id"] = e["case_id"] or ""
        o["purpose"] = e["purpose"] or ""
    else:
        if e["case_id"]:
            o["case_id"] = e["case_id"]
        if e["purpose"]:
            o["purpose"] = e["purpose"]
    s = e["_subj"]
    if s:
        if sysn == DOCIMG:
            o["subject"] = dict(s)
        else:
            for k, v in s.items():
                o["subject_" + k] = v
    if e["result_count"] is not None:
        o["result_count"] = e["result_count"]
    if e["query_text"]:
        o["query_text"] = e["query_text"]
    if e["_x"]:
        o.update(e["_x"])
    return o


def zts(utc):
    if utc.microsecond:
        return utc.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (utc.microsecond // 1000)
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--users", type=int, required=True)
    ap.add_argument("--days", type=int, required=True)
    ap.add_argument("--no-inject", action="store_true")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    t0 = time.time()
    W = build_world(a.seed, a.users, a.days)
    build_cases(W)
    os.makedirs(a.out, exist_ok=True)
    write_refs(W, os.path.join(a.out, "refs"))
    with open(os.path.join(a.out, "custodes.toml"), "w") as f:
        f.write("# State benefits agency policy: purposes for which a lookup legitimately carries no claim/case number.\n"
                "# CALLER_VERIFICATION: contact-centre identity verification of whoever calls.\n"
                "# INTAKE_CLEARANCE: duplicate-participation search before a new application gets a claim number.\n"
                "# LOBBY_SERVICE: walk-in clients served at a district-office lobby desk.\n"
                "# BATCH_MATCH: scheduled interface / data-match jobs run by service accounts.\n"
                "[no_case]\nexempt_purposes = [%s]\n" % ", ".join('"%s"' % p for p in EXEMPT_PURPOSES))
    G = Gen(W)
    plan, by_day = G.plan_incidents() if not a.no_inject else ([], {})
    labels = []
    stats = {"events": 0, "by_system": {}, "by_role": {}, "inj_events": 0}
    hn_counts, unexpected = {}, []
    hn = open(os.path.join(a.out, "hard_negatives.tsv"), "w")
    hn.write("class\tuser\tdate\tevent_id\tcontract_conditions\n")
    for d in sorted(W.deadlines):
        hn.write("deadline_day_surge\t*\t%s\t*\t\n" % W.dates[d])
    for d in sorted(W.overtime_sats):
        hn.write("overtime_saturday\t*\t%s\t*\t\n" % W.dates[d])
    dst = [d for d in range(W.days) if W.tz.localize(hm(W.dates[d], 12, 0))[1] != W.tz.localize(hm(W.dates[d] - timedelta(days=1), 12, 0))[1]]
    for d in dst:
        hn.write("dst_change\t*\t%s\t*\t\n" % W.dates[d])
    for d in sorted(W.holidays):
        hn.write("state_holiday_closed\t*\t%s\t*\t\n" % W.dates[d])
    for e in W.transferred:
        hn.write("unit_transfer\t%s\t%s\t*\t%s->%s\n" % (e.login, W.dates[e.transfer["day"]], e.transfer["old_unit"], e.unit))
    if W.new_hire:
        hn.write("new_hire_first_days\t%s\t%s\t*\t\n" % (W.new_hire.login, W.dates[W.new_hire.start_day]))
    for e in W.terminated:
        hn.write("separated_last_day\t%s\t%s\t*\tend_date=%s\n" % (e.login, W.dates[e.last_day], e.end_date))
    fout = open(os.path.join(a.out, "events.jsonl"), "w")
    dispatch = {"agent": G.day_agent, "cw": G.day_cw, "sup": G.day_sup, "cse": G.day_cse, "fraud": G.day_fraud,
                "qc": G.day_qc, "appeals": G.day_appeals, "svc": G.day_svc}
    for d in range(W.days):
        G.presence = {k: v for k, v in G.presence.items() if k[1] == d}
        day = []
        for e in W.emps:
            st = dispatch[e.role](e, d)
            if st is not None:
                day += st.events
                stats["by_role"][e.role] = stats["by_role"].get(e.role, 0) + len(st.events)
        G.day_legit = {}
        for ev in day:
            G.day_legit.setdefault((ev["user"], d), []).append(ev)
            conds = G.conditions(ev)
            cls = G.auto_cls(ev, conds) if (conds or ev["_cls"] or W.pid_cls.get(ev["_tp"])) else None
            if conds and not cls:
                unexpected.append((ev, conds))
            if cls:
                hn_counts[cls] = hn_counts.get(cls, 0) + 1
                ev["_hn"] = (cls, conds)
        inj = []
        for inc in by_day.get(d, []):
            evs, extra, note = G.run_incident(inc, d)
            if not evs:
                continue
            inj += evs
            inc["note"] = note
            groups = {}
            for ev in evs:
                for det, kind in G.conditions(ev):
                    groups.setdefault((det, kind, ev["user"]), []).append(ev)
            for det, kind, user, lst in extra:
                groups.setdefault((det, kind, user), []).extend(lst)
            for (det, kind, user), lst in groups.items():
                labels.append((inc, det, kind, user, lst))
        allev = day + inj
        stats["inj_events"] += len(inj)
        out = [fmt_event(W, ev) for ev in allev]
        order = sorted(range(len(allev)), key=lambda i: (allev[i]["_utc"], out[i]["id"]))
        for i in order:
            fout.write(json.dumps(out[i], separators=(",", ":")) + "\n")
            ev = allev[i]
            if "_hn" in ev:
                cls, conds = ev["_hn"]
                hn.write("%s\t%s\t%s\t%s\t%s\n" % (cls, ev["user"], ev["_l"].date(), ev["_id"],
                                                   ",".join("%s:%s" % c for c in conds)))
        stats["events"] += len(allev)
        for ev in allev:
            stats["by_system"][ev["_s"]] = stats["by_system"].get(ev["_s"], 0) + 1
    fout.close()
    hn.close()
    # labels
    lab_rows = []
    for inc, det, kind, user, lst in labels:
        seen, evs = set(), []
        for ev in sorted(lst, key=lambda x: x["_utc"]):
            if ev["_id"] not in seen:
                seen.add(ev["_id"])
                evs.append(ev)
        emp = W.login_emp[user]
        lab_rows.append({"detector": det, "kind": kind, "user": user, "employee_id": emp.eid,
                         "event_ids": [x["_id"] for x in evs], "window_start": zts(evs[0]["_utc"]),
                         "window_end": zts(evs[-1]["_utc"]), "incident": "INC-%03d" % inc["n"],
                         "scenario": inc["kind"], "note": inc.get("note", "")})
    lab_rows.sort(key=lambda x: (x["window_start"], x["incident"], x["detector"], x["kind"], x["user"]))
    with open(os.path.join(a.out, "labels.jsonl"), "w") as f:
        for row in lab_rows:
            f.write(json.dumps(row, separators=(",", ":")) + "\n")
    # summary
    lc = {}
    for row in lab_rows:
        k = "%s:%s" % (row["detector"], row["kind"])
        lc[k] = lc.get(k, 0) + 1
    summ = ["world: state benefits agency  seed=%d users=%d days=%d inject=%s" % (a.seed, a.users, a.days, not a.no_inject),
            "period: %s .. %s (US Central; DST change on %s)" % (W.dates[0], W.dates[-1], ", ".join(str(W.dates[d]) for d in dst) or "-"),
            "deadline days: %s   overtime Saturdays: %s   holidays: %s" % (
                [str(W.dates[d]) for d in sorted(W.deadlines)], [str(W.dates[d]) for d in sorted(W.overtime_sats)],
                [str(W.dates[d]) for d in sorted(W.holidays)]),
            "staff by role: %s" % {k: sum(1 for e in W.emps if e.role == k) for k in dispatch},
            "logins (personnel rows): %d   persons: %d   cases: %d   assignments: %d   associations: %d   watchlist: %d" % (
                len(W.login_emp), len(W.persons), len(W.cases), sum(len(c.asg) for c in W.cases.values()),
                len(W.assoc), len(W.watch)),
            "events: %d (injected %d)   by system: %s" % (stats["events"], stats["inj_events"], dict(sorted(stats["by_system"].items()))),
            "events by role: %s" % stats["by_role"],
            "incidents: %d   labels: %d" % (sum(1 for i in plan if i.get("note")), len(lab_rows)),
            "labels by detector:kind: %s" % dict(sorted(lc.items())),
            "legitimate events resembling misconduct (hard negatives) by class: %s" % dict(sorted(hn_counts.items())),
            "UNEXPECTED legitimate contract-condition hits (generator bug if >0): %d" % len(unexpected),
            "elapsed: %.1fs" % (time.time() - t0)]
    for inc in plan:
        if inc.get("note"):
            summ.append("  INC-%03d day %s %-20s %-12s %s" % (inc["n"], W.dates[inc["day"]], inc["kind"],
                                                          W.emp_by_eid[inc["eid"]].login, inc["note"]))
    for ev, conds in unexpected[:20]:
        summ.append("  UNEXPECTED %s %s %s %s %s" % (ev["_id"], ev["user"], ev["_s"], ev["query_text"], conds))
    with open(os.path.join(a.out, "world_summary.txt"), "w") as f:
        f.write("\n".join(summ) + "\n")
    print("\n".join(summ[:12]), file=sys.stderr)


if __name__ == "__main__":
    main()
