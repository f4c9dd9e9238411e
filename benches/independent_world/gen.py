#!/usr/bin/env python3
"""Independent synthetic test-world generator for the `custodes` audit tool.

    python3 gen.py --seed N --users U --days D --out DIR [--no-inject]

Writes DIR/events.jsonl, DIR/refs/*.csv, DIR/labels.jsonl, DIR/custodes.toml.
Built only from the data contract (shared/CONTRACT.md) and a prose description
of a police agency; every person in it is invented.

Determinism: the agency and its legitimate work come from one random stream
(`base`), the misconduct from a second one (`inject`), so `--no-inject`
yields the very same agency, reference files and legitimate events.

All timestamps are local agency time with a fixed offset (-07:00, a state
without daylight saving time).
"""

import argparse
import csv
import json
import os
import random
import statistics
import sys
from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from datetime import date, datetime, timedelta

TZ = "-07:00"
EXEMPT = ["TRAFFIC_STOP", "BORDER_INSPECTION", "BACKGROUND_CHECK"]
LOOKUPS = ("query", "export", "update")
ABSENT = "\x00absent"          # case_id field left out of the event entirely
BLANK_CASES = ["", "N/A", "NONE", ABSENT, "n/a", "none"]

# --------------------------------------------------------------------------
# Invented name material
# --------------------------------------------------------------------------
NICK_M = {
    "MICHAEL": ["MIKE"], "WILLIAM": ["BILL", "WILL", "BILLY"], "ROBERT": ["BOB", "ROB", "BOBBY"],
    "RICHARD": ["RICK", "RICH"], "JAMES": ["JIM", "JIMMY"], "JOHN": ["JACK", "JOHNNY"],
    "JOSEPH": ["JOE"], "THOMAS": ["TOM", "TOMMY"], "CHARLES": ["CHUCK", "CHARLIE"],
    "CHRISTOPHER": ["CHRIS"], "DANIEL": ["DAN", "DANNY"], "MATTHEW": ["MATT"],
    "ANTHONY": ["TONY"], "DONALD": ["DON"], "STEVEN": ["STEVE"], "ANDREW": ["ANDY", "DREW"],
    "JOSHUA": ["JOSH"], "KENNETH": ["KEN", "KENNY"], "EDWARD": ["ED", "EDDIE", "TED"],
    "RONALD": ["RON"], "TIMOTHY": ["TIM"], "JEFFREY": ["JEFF"], "NICHOLAS": ["NICK"],
    "JONATHAN": ["JON"], "BENJAMIN": ["BEN"], "SAMUEL": ["SAM"], "GREGORY": ["GREG"],
    "ALEXANDER": ["ALEX"], "PATRICK": ["PAT"], "RAYMOND": ["RAY"], "LAWRENCE": ["LARRY"],
    "PETER": ["PETE"], "DOUGLAS": ["DOUG"], "FRANCISCO": ["PACO"], "GERALD": ["JERRY"],
}
NICK_F = {
    "ELIZABETH": ["LIZ", "BETH", "BETSY"], "JENNIFER": ["JEN", "JENNY"],
    "KATHERINE": ["KATE", "KATIE", "KATHY"], "MARGARET": ["MAGGIE", "PEGGY", "MEG"],
    "PATRICIA": ["PATTY", "TRISH", "PAT"], "SUSAN": ["SUE"], "DEBORAH": ["DEB", "DEBBIE"],
    "REBECCA": ["BECKY", "BECCA"], "VICTORIA": ["VICKY", "TORI"], "JESSICA": ["JESS"],
    "SAMANTHA": ["SAM"], "ABIGAIL": ["ABBY"], "ALEXANDRA": ["ALEX"], "KIMBERLY": ["KIM"],
    "CYNTHIA": ["CINDY"], "BARBARA": ["BARB"], "PAMELA": ["PAM"], "STEPHANIE": ["STEPH"],
    "JACQUELINE": ["JACKIE"], "CHRISTINA": ["TINA", "CHRIS"], "GUADALUPE": ["LUPE"],
    "JOSEFINA": ["JOSIE"], "ROBERTA": ["BOBBIE"], "THERESA": ["TERRI"],
}
NICK = dict(NICK_M, **NICK_F)
PLAIN_M = ["JUAN", "CARLOS", "LUIS", "JORGE", "JOSE", "MIGUEL", "KEVIN", "BRIAN", "JASON", "RYAN",
           "ERIC", "SCOTT", "AARON", "ADAM", "NATHAN", "TYLER", "KYLE", "TRAVIS", "DEREK",
           "MARCUS", "DARNELL", "ANDRE", "TERRENCE", "HIRO", "KENJI", "SANJAY", "RAVI", "OMAR",
           "YUSUF", "AMIR", "IVAN", "DMITRI", "MARCO", "PAOLO", "LIAM", "NOAH", "OWEN", "CALEB",
           "LOGAN", "MASON", "ETHAN", "HECTOR", "RAMON", "ESTEBAN", "WESLEY", "GRANT", "DEAN",
           "VICTOR", "ARTURO", "DESMOND", "ISAIAH", "JAMAL", "TREVOR", "COLIN", "GAVIN", "SETH",
           "FELIX", "ELIAS", "RUBEN", "EMILIO", "TOBIAS", "QUINCY", "ROLAND", "CEDRIC", "LEON"]
PLAIN_F = ["MARIA", "LINDA", "SARAH", "LAURA", "ANA", "ROSA", "CARMEN", "DIANA", "HANNAH", "EMILY",
           "OLIVIA", "SOPHIA", "GRACE", "CHLOE", "LILY", "AUDREY", "NORA", "KAYLA", "BRITTANY",
           "TIFFANY", "AMBER", "CRYSTAL", "HEATHER", "MEGAN", "LAUREN", "AMANDA", "ERIN", "KELLY",
           "SHANNON", "HOLLY", "DANA", "TRACY", "MONICA", "VERONICA", "ANGELA", "TANYA", "SONIA",
           "LENA", "NADIA", "PRIYA", "MEI", "ELENA", "LUCIA", "OLGA", "YOLANDA", "BEATRIZ",
           "IRENE", "JOANNA", "MIRIAM", "NAOMI", "RUTH", "FIONA", "GWEN", "IMANI", "KEISHA",
           "LATOYA", "MARISOL", "PAULINA", "ROXANNE", "SELENA", "TAMARA", "URSULA", "WENDY", "ZOE"]
SURNAMES = """SMITH JOHNSON WILLIAMS BROWN JONES GARCIA MILLER DAVIS RODRIGUEZ MARTINEZ HERNANDEZ
LOPEZ GONZALEZ WILSON ANDERSON THOMAS TAYLOR MOORE JACKSON MARTIN LEE PEREZ THOMPSON WHITE HARRIS
SANCHEZ CLARK RAMIREZ LEWIS ROBINSON WALKER YOUNG ALLEN KING WRIGHT SCOTT TORRES NGUYEN HILL FLORES
GREEN ADAMS NELSON BAKER HALL RIVERA CAMPBELL MITCHELL CARTER ROBERTS GOMEZ PHILLIPS EVANS TURNER
DIAZ PARKER CRUZ EDWARDS COLLINS REYES STEWART MORRIS MORALES MURPHY COOK ROGERS GUTIERREZ ORTIZ
MORGAN COOPER PETERSON BAILEY REED KELLY HOWARD RAMOS KIM COX WARD RICHARDSON WATSON BROOKS CHAVEZ
WOOD JAMES BENNETT GRAY MENDOZA RUIZ HUGHES PRICE ALVAREZ CASTILLO SANDERS PATEL MYERS LONG ROSS
FOSTER JIMENEZ POWELL JENKINS PERRY RUSSELL SULLIVAN BELL COLEMAN BUTLER HENDERSON BARNES GONZALES
FISHER VASQUEZ SIMMONS ROMERO JORDAN PATTERSON ALEXANDER HAMILTON GRAHAM REYNOLDS GRIFFIN WALLACE
MORENO WEST COLE HAYES BRYANT HERRERA GIBSON ELLIS TRAN MEDINA AGUILAR STEVENS MURRAY FORD CASTRO
MARSHALL OWENS HARRISON FERNANDEZ MCDONALD WOODS WASHINGTON KENNEDY WELLS VARGAS HENRY CHEN FREEMAN
WEBB TUCKER GUZMAN BURNS CRAWFORD OLSON SIMPSON PORTER HUNTER GORDON MENDEZ SILVA SHAW SNYDER MASON
DIXON MUNOZ HUNT HICKS HOLMES PALMER WAGNER BLACK ROBERTSON BOYD ROSE STONE SALAZAR FOX WARREN MILLS
MEYER RICE SCHMIDT GARZA DANIELS FERGUSON NICHOLS STEPHENS SOTO WEAVER RYAN GARDNER PAYNE GRANT
DUNN KELLEY SPENCER HAWKINS ARNOLD PIERCE VAZQUEZ HANSEN PETERS SANTOS HART BRADLEY KNIGHT ELLIOTT
CUNNINGHAM DUNCAN ARMSTRONG HUDSON CARROLL LANE RILEY ANDREWS ALVARADO RAY DELGADO BERRY PERKINS
HOFFMAN JOHNSTON MATTHEWS PENA RICHARDS CONTRERAS WILLIS CARPENTER LAWRENCE SANDOVAL GUERRERO
GEORGE CHAPMAN RIOS ESTRADA ORTEGA WATKINS GREENE NUNEZ WHEELER VALDEZ HARPER BURKE LARSON SANTIAGO
MALDONADO MORRISON FRANKLIN CARLSON AUSTIN DOMINGUEZ CARR LAWSON JACOBS OBRIEN LYNCH SINGH VEGA
BISHOP MONTGOMERY OLIVER JENSEN HARVEY WILLIAMSON GILBERT DEAN SIMS ESPINOZA HOWELL LI WONG REID
HANSON LE MCCOY GARRETT BURTON FULLER WANG WEBER WELCH ROJAS LUCAS MARQUEZ FIELDS PARK YANG LITTLE
BANKS PADILLA DAY WALSH BOWMAN SCHULTZ LUNA FOWLER MEJIA DAVIDSON ACOSTA BREWER MAY HOLLAND JUAREZ
NEWMAN PEARSON CURTIS CORTEZ DOUGLAS SCHNEIDER JOSEPH BARRETT NAVARRO FIGUEROA KELLER AVILA WADE
MOLINA STANLEY HOPKINS CAMPOS BARNETT BATES CHAMBERS CALDWELL BECK LAMBERT MIRANDA BYRD CRAIG AYALA
LOWE FRAZIER POWERS NEAL LEONARD GREGORY CARRILLO SUTTON FLEMING RHODES SHELTON SCHWARTZ NORRIS
JENNINGS WATTS DURAN WALTERS COHEN MCDANIEL MORAN PARKS STEELE VAUGHN BECKER HOLT DELEON BARKER
TERRY HALE LEON HAIL BENSON HAYNES HORTON MILES LYONS PHAM GRAVES BUSH THORNTON WOLFE WARNER CABRERA
MCKINNEY MANN ZIMMERMAN DAWSON LARA FLETCHER PAGE MCCARTHY LOVE ROBLES CERVANTES SOLIS ERICKSON
REEVES CHANG KLEIN SALINAS FUENTES BALDWIN DANIEL SIMON VELASQUEZ HARDY HIGGINS AGUIRRE LIN CUMMINGS
CHANDLER SHARP BARBER BOWEN OCHOA DENNIS ROBBINS LIU RAMSEY FRANCIS GRIFFITH PAUL BLAIR""".split()
SURNAMES += ["O'BRIEN", "O'NEIL", "O'CONNOR", "GARCIA-LOPEZ", "RUIZ-SANCHEZ", "VAN DYKE",
             "DE LA CRUZ", "ST CLAIR", "MACKENZIE", "DELA ROSA"]

CITIES = ["RIVERTON", "MESA ALTA", "CEDAR HILLS", "SAN MIGUEL", "DESERT VIEW", "NORTHGATE",
          "PALO SECO", "SUNDALE"]
STREETS = [("KIPLING", "ST"), ("WADSWORTH", "BLVD"), ("SHERIDAN", "BLVD"), ("ALAMEDA", "AVE"),
           ("COLFAX", "AVE"), ("UNION", "BLVD"), ("GARRISON", "ST"), ("HARLAN", "ST"),
           ("PIERCE", "ST"), ("OAK", "ST"), ("MAPLE", "AVE"), ("CEDAR", "LN"), ("ELM", "ST"),
           ("PINE", "DR"), ("JUNIPER", "CT"), ("MESQUITE", "RD"), ("SAGUARO", "DR"),
           ("OCOTILLO", "WAY"), ("PALO VERDE", "DR"), ("IRONWOOD", "CIR"), ("CHOLLA", "PL"),
           ("DESERT BLOOM", "PKWY"), ("CANYON VIEW", "RD"), ("RIVER BEND", "DR"),
           ("MISSION", "AVE"), ("CAMINO REAL", "RD"), ("LINCOLN", "AVE"), ("JEFFERSON", "ST"),
           ("FRANKLIN", "ST"), ("MADISON", "AVE"), ("MONROE", "ST"), ("VAN BUREN", "ST"),
           ("GRANT", "AVE"), ("HAYES", "ST"), ("ARTHUR", "AVE"), ("CLEVELAND", "ST"),
           ("TAYLOR", "ST"), ("POLK", "ST"), ("TYLER", "ST"), ("FILLMORE", "ST"),
           ("CENTRAL", "AVE"), ("MAIN", "ST"), ("HIGHLAND", "AVE"), ("SUNSET", "BLVD"),
           ("LAKESHORE", "DR"), ("WILLOW", "LN"), ("ASPEN", "CT"), ("BIRCH", "TER"),
           ("COTTONWOOD", "LN"), ("QUAIL RUN", "RD"), ("ROADRUNNER", "WAY"), ("MONTEREY", "PL"),
           ("VISTA", "DR"), ("SIERRA", "AVE"), ("PRESCOTT", "ST"), ("YUMA", "ST")]
SUFFIX_LONG = {"ST": "Street", "AVE": "Avenue", "BLVD": "Boulevard", "DR": "Drive", "RD": "Road",
               "LN": "Lane", "CT": "Court", "PL": "Place", "WAY": "Way", "CIR": "Circle",
               "PKWY": "Parkway", "TER": "Terrace"}
DIR_LONG = {"N": "North", "S": "South", "E": "East", "W": "West"}

SITES = {  # invented layout: HQ, two precincts, the dispatch centre, a port of entry ~250 km away
    "HQ": (33.4484, -112.0740),
    "NORTH": (33.6050, -112.0950),
    "SOUTH": (33.3600, -112.0450),
    "ECC": (33.4700, -112.0100),
    "POE": (31.3404, -110.9343),
}
SITE_NET = {"HQ": 10, "NORTH": 20, "SOUTH": 30, "ECC": 40, "POE": 50}

UNIT_SHARE = [("patrol", .36), ("traffic", .09), ("investigations", .13), ("records", .08),
              ("dispatch", .12), ("port", .09), ("command", .05)]
USUAL_PURPOSE = {"patrol": "CALL_FOR_SERVICE", "traffic": "CRASH_INVESTIGATION",
                 "investigations": "INVESTIGATION", "records": "RECORDS_REQUEST",
                 "dispatch": "CALL_FOR_SERVICE", "port": "SECONDARY_INSPECTION",
                 "command": "ADMINISTRATIVE"}
COVER_PURPOSE = {"traffic": "TRAFFIC_STOP", "port": "BORDER_INSPECTION",
                 "records": "BACKGROUND_CHECK"}
MS_SYSTEMS = ("NCIC", "LPR", "BORDER")   # these sources log milliseconds

SELF_KIND = {"pid": "person_id", "name_dob": "name_dob", "initial_dob": "name_dob",
             "name": "name_only", "plate": "plate", "address": "address", "phone": "phone"}


def fmt_ts(t, ms=None):
    s = t.strftime("%Y-%m-%dT%H:%M:%S")
    if ms is not None:
        s += ".%03d" % ms
    return s + TZ


def iso(d):
    return d.isoformat() if d else ""


def casefmt(s, style):
    if s is None:
        return None
    return s.upper() if style == "upper" else s.lower() if style == "lower" else s.title()


def first_forms(first):
    return [first] + NICK.get(first, [])


# --------------------------------------------------------------------------
# Entities
# --------------------------------------------------------------------------
class Address:
    __slots__ = ("num", "dir", "street", "suf", "unit", "city")

    def __init__(self, num, dr, street, suf, unit, city):
        self.num, self.dir, self.street, self.suf, self.unit, self.city = num, dr, street, suf, unit, city

    def bldg(self):
        return (self.num, self.dir, self.street, self.suf)

    def key(self):
        return (self.num, self.dir, self.street, self.suf, self.unit)

    def norm(self):
        s = "%d %s%s %s" % (self.num, (self.dir + " ") if self.dir else "", self.street, self.suf)
        if self.unit:
            s += " APT " + self.unit
        return s + ", " + self.city


class Person:
    __slots__ = ("pid", "first", "middle", "last", "sex", "dob", "addr", "phone", "plate",
                 "role", "household", "emp", "watch", "weight")

    def __init__(self):
        self.household = None
        self.emp = None
        self.watch = None
        self.weight = 1


class Employee:
    __slots__ = ("eid", "person", "unit", "site", "supervisor", "status", "end_date", "end_day",
                 "first_day", "logins", "pattern", "shift", "off", "desk", "mdt", "pid_known",
                 "sergeant")


class Assoc:
    __slots__ = ("emp", "relation", "person", "valid_from", "valid_to", "source", "pid_known",
                 "dob_known", "addr_known")

    def valid(self, d):
        return (self.valid_from is None or self.valid_from <= d) and \
            (self.valid_to is None or d <= self.valid_to)


class Case:
    __slots__ = ("unit", "opened", "closed", "subjects", "assign", "year", "num", "last_ev",
                 "seq", "logcase", "subj_rows")

    def __init__(self, unit, opened, seq, logcase):
        self.unit, self.opened, self.seq, self.logcase = unit, opened, seq, logcase
        self.closed = None
        self.subjects = []
        self.assign = []          # [login, from_date, to_date|None]
        self.last_ev = None
        self.year = self.num = None

    def cid(self):
        return "C-%d-%06d" % (self.year, self.num)

    def open_at(self, t):
        return self.closed is None or t.date() < self.closed

    def assigned(self, logins, t):
        d = t.date()
        return any(a[0] in logins and a[1] <= d and (a[2] is None or d < a[2]) for a in self.assign)

    def lists(self, person, style):
        if person is None:
            return True
        for s in self.subjects:
            if s is person:
                return True
            if style == "address" and s.addr is not None and person.addr is not None \
                    and s.addr.key() == person.addr.key():
                return True
            if style == "plate" and s.plate and s.plate == person.plate:
                return True
        return False


class Sess:
    __slots__ = ("login", "client", "ip", "sid", "start", "end", "main", "unit", "inj")


class Typed:
    """What the user actually typed (one query, possibly fanned out to several systems)."""
    __slots__ = ("person", "style", "last", "first", "middle", "dob", "addr", "plate", "phone",
                 "pid", "typo", "whole")

    def __init__(self, person, style):
        self.person, self.style = person, style
        self.last = self.first = self.middle = self.dob = self.addr = None
        self.plate = self.phone = self.pid = None
        self.typo = False
        self.whole = False


# --------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------
class World:
    def __init__(self, seed, users, days, inject):
        self.seed, self.U, self.D, self.do_inject = seed, users, days, inject
        self.rng = random.Random("base-%d" % seed)
        self.irng = random.Random("inject-%d" % seed)
        self.start = date(2024, 3, 4) + timedelta(weeks=seed % 12)     # a Monday
        self.t0 = datetime.combine(self.start, datetime.min.time())
        self.t1 = self.t0 + timedelta(days=days)
        self.prelog = max(14, 60 - days)
        self.persons, self.citizens, self.pool = [], [], []
        self.name_keys = {}
        self.bldg_owner = {}
        self.bldg_city = {}
        self.patrol_by_day = defaultdict(list)
        self.disp_load = defaultdict(list)
        self.addr_used = set()
        self.phones, self.plates, self.pids = set(), set(), set()
        self.employees, self.logins, self.login_emp = [], [], {}
        self.assocs, self.assoc_by_person = [], defaultdict(list)
        self.watchlist = []
        self.clients = {}                      # client -> (site, ip)
        self.site_ws = defaultdict(list)
        self.cases, self.case_seq = [], 0
        self.cases_by_login = defaultdict(list)
        self.sessions = defaultdict(list)
        self.duty = defaultdict(list)          # (unit, date) -> [Sess] main sessions starting that day
        self.events, self.ev_seq = [], 0
        self.labels = defaultdict(list)        # (det, kind, user, group) -> [events]
        self.group = 0
        self.notes = []

    # ---------------------------------------------------------------- people
    def _free_phone(self, rng):
        while True:
            p = "%03d-555-01%02d" % (rng.randint(201, 989), rng.randint(0, 99))
            if p not in self.phones:
                self.phones.add(p)
                return p

    def _free_plate(self, rng):
        L = "ABCDEFGHJKLMNPRSTUVWXYZ"
        while True:
            if rng.random() < .7:
                p = "".join(rng.choice(L) for _ in range(3)) + "%04d" % rng.randint(0, 9999)
            else:
                p = "%d%s%03d" % (rng.randint(1, 9), "".join(rng.choice(L) for _ in range(3)),
                                  rng.randint(0, 999))
            if p not in self.plates:
                self.plates.add(p)
                return p

    def _free_pid(self, rng):
        while True:
            p = "P%07d" % rng.randint(1000000, 9999999)
            if p not in self.pids:
                self.pids.add(p)
                return p

    def new_address(self, rng, protected, apt_p=.3, near=None):
        for _ in range(2000):
            if near is not None:
                if near.unit and rng.random() < .6:
                    a = Address(near.num, near.dir, near.street, near.suf,
                                str(rng.randint(1, 48)), near.city)
                else:
                    a = Address(near.num + rng.choice([-4, -2, 2, 4, 6]), near.dir, near.street,
                                near.suf, "", near.city)
                if a.num <= 0 or a.key() in self.addr_used or \
                        (a.bldg() != near.bldg() and a.bldg() in self.bldg_owner):
                    continue
                self.addr_used.add(a.key())
                self.bldg_owner[a.bldg()] = "protected"
                self.bldg_city[a.bldg()] = a.city
                return a
            st, suf = rng.choice(STREETS)
            dr = rng.choice("NSEW") if rng.random() < .6 else ""
            num = rng.randint(100, 19999)
            unit = str(rng.randint(1, 48)) if rng.random() < apt_p else ""
            a = Address(num, dr, st, suf, unit, None)
            owner = self.bldg_owner.get(a.bldg())
            if owner is not None and (protected or owner != "citizen"):
                continue
            if a.key() in self.addr_used:
                continue
            if owner is None:
                a.city = rng.choice(CITIES)
                self.bldg_owner[a.bldg()] = "protected" if protected else "citizen"
                self.bldg_city[a.bldg()] = a.city
            else:
                a.city = self.bldg_city[a.bldg()]
            self.addr_used.add(a.key())
            return a
        raise RuntimeError("address space exhausted")

    def new_person(self, rng, role, sex=None, last=None, addr=None, age=(18, 78), phone_p=.6,
                   plate_p=.45, register=True):
        for _ in range(500):
            sx = sex or rng.choice("MF")
            if rng.random() < .45:
                first = rng.choice(list(NICK_M) if sx == "M" else list(NICK_F))
            else:
                first = rng.choice(PLAIN_M if sx == "M" else PLAIN_F)
            ln = last if (last and _ < 200) else rng.choice(SURNAMES)
            if all((f, ln) not in self.name_keys for f in first_forms(first)):
                break
        else:
            raise RuntimeError("name space exhausted")
        p = Person()
        p.first, p.last, p.sex, p.role = first, ln, sx, role
        p.middle = rng.choice("ABCDEFGHJKLMNPRSTW") if rng.random() < .7 else ""
        p.dob = self.start - timedelta(days=rng.randint(age[0] * 365 + 10, age[1] * 365))
        p.addr = addr if addr is not None else (
            self.new_address(rng, role != "citizen") if role != "foreign" else None)
        p.phone = self._free_phone(rng) if rng.random() < phone_p else ""
        p.plate = self._free_plate(rng) if rng.random() < plate_p else ""
        p.pid = self._free_pid(rng)
        for f in first_forms(first):
            self.name_keys[(f, ln)] = p
        if register:
            self.persons.append(p)
        return p

    def build_population(self):
        rng = self.rng
        n = max(6000, self.U * 180)
        while len(self.citizens) < n:
            size = rng.choices([1, 2, 3, 4], [.35, .3, .2, .15])[0]
            addr = self.new_address(rng, False)
            head = self.new_person(rng, "citizen", addr=addr)
            hh = [head]
            for _ in range(size - 1):
                same = rng.random() < .8
                hh.append(self.new_person(rng, "citizen", addr=addr,
                                          last=head.last if same else None))
            for p in hh:
                p.household = hh
                p.weight = 3 if rng.random() < .06 else 1   # "frequent flyers"
                self.citizens.append(p)
        for p in self.citizens:
            self.pool.extend([p] * p.weight)
        self.plated = [p for p in self.citizens if p.plate]

    def citizen(self, rng, exclude=()):
        while True:
            p = rng.choice(self.pool)
            if p not in exclude:
                return p

    # ---------------------------------------------------------------- agency
    def build_agency(self):
        rng = self.rng
        U = self.U
        n_sec = max(1, round(U * .08)) if U >= 12 else 0
        E = U - n_sec
        counts = {u: max(1, int(E * s)) for u, s in UNIT_SHARE}
        counts["command"] = max(2, counts["command"])
        while sum(counts.values()) < E:
            counts["patrol"] += 1
        while sum(counts.values()) > E and counts["patrol"] > 1:
            counts["patrol"] -= 1
        used_logins = set()
        eid = 1000
        for unit, _ in UNIT_SHARE:
            for i in range(counts[unit]):
                e = Employee()
                eid += rng.randint(1, 17)
                e.eid = "E%05d" % eid
                e.unit = unit
                e.person = self.new_person(rng, "employee", age=(23, 61), phone_p=1, plate_p=.95)
                e.person.emp = e
                e.pid_known = rng.random() < .85
                e.status, e.end_date, e.end_day, e.first_day = "active", None, None, -10 ** 6
                e.sergeant = False
                base = (e.person.first[0] + "".join(c for c in e.person.last if c.isalpha())).lower()
                login, k = base, 2
                while login in used_logins:
                    login, k = "%s%d" % (base, k), k + 1
                used_logins.add(login)
                e.logins = [login]
                e.site = {"patrol": rng.choice(["NORTH", "SOUTH"]), "dispatch": "ECC",
                          "port": "POE"}.get(unit, "HQ")
                e.off = rng.randint(0, 6)
                if unit == "patrol":
                    e.pattern, e.shift = "rot4", rng.choices(["day", "swing", "night"], [.6, .15, .25])[0]
                elif unit == "traffic":
                    e.pattern, e.shift = "rot4", "day"
                elif unit == "dispatch":
                    e.pattern, e.shift = "rot4", rng.choices(["dday", "dswing", "dnight"], [.4, .3, .3])[0]
                elif unit == "port":
                    e.pattern, e.shift = "rot5", rng.choice(["am", "am", "pm"])
                else:
                    e.pattern, e.shift = "weekday", unit
                self.employees.append(e)
        # stagger rotations so that every shift is staffed evenly
        groups = defaultdict(list)
        for e in self.employees:
            groups[(e.unit, e.shift, e.site)].append(e)
        for g in groups.values():
            k0 = rng.randint(0, 6)
            for i, e in enumerate(g):
                e.off = (k0 + i * 7 // len(g)) % 7
        # supervisors
        cmd = [e for e in self.employees if e.unit == "command"]
        chief = cmd[0]
        chief.supervisor = ""
        for e in cmd[1:]:
            e.supervisor = chief.eid
        for unit, _ in UNIT_SHARE:
            if unit == "command":
                continue
            members = [e for e in self.employees if e.unit == unit]
            k = max(1, len(members) // 8)
            sgts = members[:k]
            for s in sgts:
                s.sergeant = True
                s.supervisor = rng.choice(cmd[1:] or cmd).eid
            for e in members[k:]:
                e.supervisor = rng.choice(sgts).eid
        # second logins for some detectives / records clerks
        cands = [e for e in self.employees if e.unit in ("investigations", "records")]
        rng.shuffle(cands)
        for e in cands[:n_sec]:
            e.logins.append(e.logins[0] + ".rms")
        # status changes and newcomers (never supervisors)
        plain = [e for e in self.employees if not e.sergeant and e.unit != "command"
                 and len(e.logins) == 1]
        rng.shuffle(plain)
        D = self.D
        dets = [e for e in plain if e.unit == "investigations"]
        if dets:
            plain.remove(dets[0])
            plain.insert(5, dets[0])
        specials = plain[:6]
        if len(specials) >= 6:
            t1, l1, t2 = specials[0], specials[1], specials[2]
            t1.status, t1.end_day = "terminated", rng.randint(max(2, D // 3), max(3, D // 2))
            l1.status, l1.end_day = "leave", rng.randint(max(2, D // 4), max(3, D // 3))
            t2.status, t2.end_day = "terminated", -rng.randint(12, 25)
            for e in (t1, l1, t2):
                e.end_date = self.start + timedelta(days=e.end_day)
            for e in specials[3:6]:
                e.first_day = rng.randint(3, max(4, D // 2))
            self.newcomers = specials[3:6]
            self.inactive = [t1, l1, t2]
        else:
            self.newcomers, self.inactive = [], []
        for e in self.employees:
            for lg in e.logins:
                self.logins.append(lg)
                self.login_emp[lg] = e
        self.emp_by_id = {e.eid: e for e in self.employees}
        self.build_clients()

    def build_clients(self):
        rng = self.rng
        hq = [e for e in self.employees if e.site == "HQ" and e.unit != "traffic"]
        names = {"HQ": ["HQ-WS-%03d" % i for i in range(1, len(hq) + 9)],
                 "NORTH": ["NPD-WS-%02d" % i for i in range(1, 13)],
                 "SOUTH": ["SPD-WS-%02d" % i for i in range(1, 13)],
                 "ECC": ["ECC-CON-%02d" % i for i in range(1, 11)],
                 "POE": ["POE-BOOTH-%02d" % i for i in range(1, 9)] +
                        ["POE-WS-%02d" % i for i in range(1, 4)]}
        for site, lst in names.items():
            for i, c in enumerate(lst):
                self.clients[c] = (site, "10.%d.%d.%d" % (SITE_NET[site], 1 + i // 200, 10 + i % 200))
                self.site_ws[site].append(c)
        for i, e in enumerate(hq):
            e.desk = names["HQ"][i]
        mdt = 1001
        for e in self.employees:
            if e.unit in ("patrol", "traffic"):
                e.mdt = "MDT-%d" % mdt
                site = e.site
                self.clients[e.mdt] = (site, "172.16.%d.%d" % (mdt // 250, mdt % 250))
                mdt += rng.randint(1, 3)
            else:
                e.mdt = None
            if e.site != "HQ" or e.unit == "traffic":
                e.desk = None

    def build_associations(self):
        rng = self.rng
        for e in self.employees:
            me = e.person
            rels = []
            if rng.random() < .4:
                rels.append("spouse")
            elif rng.random() < .25:
                rels.append("partner")
            if rng.random() < .35:
                rels.append("ex_partner")
            rels += ["family"] * rng.choice([0, 1, 1, 2, 3])
            if rng.random() < .5:
                rels.append("neighbor")
            if rng.random() < .2:
                rels.append("associate")
            if rng.random() < .1:
                rels.append("protected_party")
            for rel in rels:
                a = Assoc()
                a.emp, a.relation = e, rel
                opp = "F" if me.sex == "M" else "M"
                if rel == "spouse":
                    p = self.new_person(rng, "assoc", sex=opp, addr=me.addr,
                                        last=me.last if rng.random() < .7 else None,
                                        age=(23, 60), phone_p=.9, plate_p=.7)
                elif rel == "neighbor":
                    p = self.new_person(rng, "assoc", addr=self.new_address(rng, True, near=me.addr),
                                        phone_p=.5, plate_p=.5)
                elif rel == "family":
                    p = self.new_person(rng, "assoc", last=me.last if rng.random() < .7 else None,
                                        phone_p=.8, plate_p=.6)
                else:
                    p = self.new_person(rng, "assoc", sex=opp if rel in ("partner", "ex_partner")
                                        else None, phone_p=.8, plate_p=.6)
                a.person = p
                a.valid_from = self.start - timedelta(days=rng.randint(60, 3000))
                a.valid_to = None
                if rel == "neighbor" and rng.random() < .2:
                    a.valid_to = self.start - timedelta(days=rng.randint(30, 400))
                a.source = {"protected_party": "protective_order", "ex_partner": "disclosure_form",
                            "neighbor": "hr_form"}.get(rel, rng.choice(["disclosure_form", "hr_form"]))
                a.pid_known = rng.random() < .65
                a.dob_known = rng.random() < .8
                a.addr_known = rel == "neighbor" or rng.random() < .85
                self.assocs.append(a)
                self.assoc_by_person[p.pid].append(a)

    def build_watchlist(self):
        rng = self.rng
        for cat, n in (("celebrity", 8), ("official", 8), ("journalist", 5), ("victim", 4)):
            for _ in range(n):
                p = self.new_person(rng, "watch", phone_p=.4, plate_p=.5)
                p.watch = cat
                self.watchlist.append(p)

    # ---------------------------------------------------------------- schedule
    def day_rng(self, e, d):
        return random.Random("day-%d-%s-%d" % (self.seed, e.eid, d))

    def shift(self, e, d):
        """(start, end) of employee e's shift on day index d, or None."""
        if d < e.first_day or (e.end_day is not None and d >= e.end_day):
            return None
        r = self.day_rng(e, d)
        day = self.start + timedelta(days=d)
        wd = day.weekday()
        base = datetime.combine(day, datetime.min.time())
        if e.pattern == "rot4":
            on = (d + e.off) % 7 < 4
        elif e.pattern == "rot5":
            on = (d + e.off) % 7 < 5
        else:
            on = wd < 5 or (wd == 5 and r.random() < .12)
        if not on:
            return None
        j = timedelta(minutes=r.randint(-20, 20))
        H = {"day": (7, 10), "swing": (14, 10), "night": (21, 9.5), "dday": (6, 10),
             "dswing": (14, 10), "dnight": (21.5, 9), "am": (6, 8.5), "pm": (13.5, 8.5),
             "investigations": (8, 9), "records": (7.5, 8.5), "command": (8, 9)}[e.shift]
        st = base + timedelta(hours=H[0]) + j
        length = timedelta(hours=H[1])
        if e.pattern == "weekday" and wd >= 5:
            st, length = base + timedelta(hours=10) + j, timedelta(hours=4)
        if e.end_date is not None and st + length > datetime.combine(e.end_date, datetime.min.time()):
            return None
        return st, st + length

    def day_worker(self, e):
        return e.shift in ("day", "dday", "am", "investigations", "records", "command")

    def new_session(self, login, client, start, end, main, unit=None, inj=False, rng=None):
        rng = rng or self.rng
        s = Sess()
        s.login, s.client, s.start, s.end, s.main, s.unit, s.inj = \
            login, client, start, end, main, unit, inj
        s.ip = self.clients[client][1]
        s.sid = "S%010x" % rng.getrandbits(40)
        if rng.random() < .03:
            self.emit(s, start - timedelta(seconds=rng.randint(8, 40)), "SSO", "login_failed",
                      inj=inj, rng=rng)
        self.emit(s, start, "SSO" if not client.startswith("MDT") else "MDT", "login", inj=inj, rng=rng)
        self.emit(s, end, "SSO" if not client.startswith("MDT") else "MDT", "logout", inj=inj, rng=rng)
        self.sessions[login].append(s)
        if main and not inj:
            self.duty[(unit, start.date())].append(s)
        return s

    def on_duty(self, rng, unit, t, exclude=None, margin=300):
        out = []
        for d in (t.date(), t.date() - timedelta(days=1)):
            for s in self.duty.get((unit, d), ()):
                if s.start <= t and t + timedelta(seconds=margin) <= s.end and s.login != exclude:
                    out.append(s)
        return rng.choice(out) if out else None

    # ---------------------------------------------------------------- cases
    def new_case(self, unit, opened, logcase=True):
        self.case_seq += 1
        c = Case(unit, opened, self.case_seq, logcase)
        self.cases.append(c)
        return c

    def assign(self, c, login, frm, to=None):
        c.assign.append([login, frm, to])
        self.cases_by_login[login].append(c)

    def incident_subjects(self, rng, n):
        first = self.citizen(rng)
        subj = [first]
        if n > 1 and first.household and len(first.household) > 1 and rng.random() < .45:
            for p in first.household[1:]:
                if len(subj) < n:
                    subj.append(p)
        while len(subj) < n:
            p = self.citizen(rng, subj)
            subj.append(p)
        return subj

    def own_open_cases(self, login, t, max_age=None, units=None, need_subjects=True, limit=400):
        e = self.login_emp[login]
        out = []
        for c in self.cases_by_login[e.logins[0]][-limit:]:
            if c.opened >= t or not c.open_at(t) or (need_subjects and not c.subjects):
                continue
            if max_age is not None and t - c.opened > timedelta(days=max_age):
                continue
            if units and c.unit not in units:
                continue
            if c.assigned(e.logins, t) and c not in out:
                out.append(c)
        return out

    def gen_prelog_cases(self):
        """Cases opened before the log starts (no events, only reference rows)."""
        rng = self.rng
        disp = [e for e in self.employees if e.unit == "dispatch"]
        patrol = [e for e in self.employees if e.unit == "patrol"]
        dets = [e for e in self.employees if e.unit == "investigations"]
        cmd = [e for e in self.employees if e.unit == "command"]
        end_date = self.start + timedelta(days=self.D)
        for d in range(-self.prelog, -1):
            on_patrol = [e for e in patrol if self.shift(e, d)]
            on_disp = [e for e in disp if self.shift(e, d)]
            for e in self.employees:
                sh = self.shift(e, d)
                if not sh:
                    continue
                if e.unit in ("patrol", "traffic"):
                    n = rng.randint(12, 22) if e.unit == "patrol" else rng.choice([0, 0, 1, 1, 2])
                    for _ in range(n):
                        t = sh[0] + (sh[1] - sh[0]) * rng.random()
                        c = self.new_case(e.unit, t, logcase=False)
                        c.subjects = self.incident_subjects(rng, rng.choices([1, 2, 3, 4], [.3, .35, .2, .15])[0])
                        od = t.date()
                        if rng.random() < .05 and dets:
                            to = od + timedelta(days=rng.randint(2, 10))
                            self.assign(c, e.logins[0], od, to)
                            self.assign(c, rng.choice(dets).logins[0], to)
                        else:
                            self.assign(c, e.logins[0], od)
                            if dets and rng.random() < .06:
                                self.assign(c, rng.choice(dets).logins[0], od + timedelta(days=rng.randint(1, 3)))
                        if e.unit == "patrol" and rng.random() < .45 and len(on_patrol) > 1:
                            b = rng.choice(on_patrol)
                            if b is not e:
                                self.assign(c, b.logins[0], od)
                        if on_disp and rng.random() < .85:
                            self.assign(c, rng.choice(on_disp).logins[0], od)
                        if rng.random() < .6:
                            cd = od + timedelta(days=rng.randint(1, 30))
                            if cd < end_date:
                                c.closed = cd
                elif e.unit == "records":
                    for _ in range(rng.randint(6, 12)):
                        t = sh[0] + (sh[1] - sh[0]) * rng.random()
                        c = self.new_case("records", t, logcase=False)
                        c.subjects = self.incident_subjects(rng, rng.choice([1, 1, 2]))
                        self.assign(c, e.logins[0], t.date())
                        if rng.random() < .8:
                            c.closed = t.date() + timedelta(days=rng.randint(1, 6))
                            if c.closed >= end_date:
                                c.closed = None
        # long-running investigations
        for e in dets:
            if e.first_day > 0:
                continue
            for _ in range(rng.randint(9, 16)):
                t = self.t0 - timedelta(days=rng.randint(3, 300), hours=rng.randint(0, 12))
                c = self.new_case("investigations", t, logcase=False)
                c.subjects = self.incident_subjects(rng, rng.randint(3, 8))
                self.assign(c, e.logins[0], t.date())
                if rng.random() < .3:
                    o = rng.choice(dets)
                    if o is not e:
                        self.assign(c, o.logins[0], t.date())
                if cmd and rng.random() < .25:
                    self.assign(c, rng.choice(cmd).logins[0], t.date())
            for _ in range(rng.randint(2, 5)):
                t = self.t0 - timedelta(days=rng.randint(40, 300))
                c = self.new_case("investigations", t, logcase=False)
                c.subjects = self.incident_subjects(rng, rng.randint(2, 5))
                self.assign(c, e.logins[0], t.date())
                c.closed = t.date() + timedelta(days=rng.randint(10, 35))
        for e in dets:
            if e.first_day > 0:     # a transfer-in takes over open investigations on day one
                frm = self.start + timedelta(days=e.first_day)
                for _ in range(rng.randint(4, 7)):
                    t = self.t0 - timedelta(days=rng.randint(20, 200))
                    c = self.new_case("investigations", t, logcase=False)
                    c.subjects = self.incident_subjects(rng, rng.randint(3, 7))
                    o = rng.choice(dets)
                    if o is not e and o.first_day < 0:
                        self.assign(c, o.logins[0], t.date(), frm)
                    self.assign(c, e.logins[0], frm)
        for e in cmd:
            if not self.cases_by_login[e.logins[0]]:
                t = self.t0 - timedelta(days=rng.randint(10, 90))
                c = self.new_case("investigations", t, logcase=False)
                c.subjects = self.incident_subjects(rng, rng.randint(3, 6))
                self.assign(c, e.logins[0], t.date())

    # ---------------------------------------------------------------- events
    def emit(self, sess, t, system, action="query", fields=None, case=None, purpose=None, rc=None,
             qt=None, ms=None, person=None, style=None, inj=False, rng=None, cf=None):
        self.ev_seq += 1
        ev = {"_t": t, "_ms": ms, "_seq": self.ev_seq, "_case": case, "_person": person, "_cf": cf,
              "_style": style, "_inj": inj, "user": sess.login, "action": action,
              "system": system, "session": sess.sid, "client": sess.client, "ip": sess.ip,
              "purpose": purpose}
        if fields:
            ev.update(fields)
        if rc is not None:
            ev["result_count"] = rc
        if qt:
            ev["query_text"] = qt
        if system == "NCIC":
            ev["ori"] = "ST0420000"
        if isinstance(case, Case) and not inj:
            if case.last_ev is None or t > case.last_ev:
                case.last_ev = t
        self.events.append(ev)
        return ev

    def type_person(self, rng, p, style, legit=True):
        ty = Typed(p, style)
        cs = rng.choices(["upper", "title", "lower"], [.6, .28, .12])[0]
        if style in ("name_dob", "name", "initial_dob", "surname"):
            last = p.last
            if rng.random() < .35:
                if "-" in last:
                    last = rng.choice([last.replace("-", " "), last.replace("-", "")] +
                                      ([last.split("-")[0]] if legit else []))
                elif "'" in last:
                    last = rng.choice([last.replace("'", ""), last.replace("'", " ")])
                elif " " in last:
                    last = last.replace(" ", "")
            first = p.first
            if style == "surname":
                first = None
            elif style == "initial_dob":
                first = p.first[0]
            elif p.first in NICK and rng.random() < (.22 if legit else .4):
                first = rng.choice(NICK[p.first])
            if legit and first and len(first) > 1 and rng.random() < .04:
                # a one-letter typo, unless it would spell someone else's name
                which = rng.random() < .5
                tl = typo(rng, last) if which else last
                tf = first if which else typo(rng, first)
                if (tf, tl) not in self.name_keys and (tf, p.last) not in self.name_keys:
                    last, first, ty.typo = tl, tf, True
            ty.last, ty.first = casefmt(last, cs), casefmt(first, cs)
            if p.middle and style in ("name_dob", "name") and rng.random() < .25:
                ty.middle = p.middle
            if style in ("name_dob", "initial_dob") or (style == "surname" and rng.random() < .5):
                ty.dob = p.dob
            ty.whole = rng.random() < .12
        elif style == "pid":
            ty.pid = p.pid
        elif style == "plate":
            pl = p.plate
            r = rng.random()
            ty.plate = pl if r < .7 else (pl[:3] + "-" + pl[3:]) if r < .85 else \
                (pl[:3] + " " + pl[3:]).lower()
        elif style == "address":
            ty.addr = type_address(rng, p.addr, cs)
        elif style == "phone":
            a, b, c = p.phone.split("-")
            ty.phone = rng.choice(["%s-%s-%s" % (a, b, c), "(%s) %s-%s" % (a, b, c),
                                   "%s%s%s" % (a, b, c), "%s.%s.%s" % (a, b, c)])
        return ty

    def render(self, system, ty):
        f = {}
        dob_iso = ty.dob.isoformat() if ty.dob else None
        if system == "NCIC":
            if ty.last:
                nm = ty.last.upper()
                if ty.first:
                    nm += ", " + ty.first.upper() + (" " + ty.middle if ty.middle else "")
                f["subject_name"] = nm
                q = "QW/NAM:%s" % nm.replace(", ", ",")
                if ty.dob:
                    f["subject_dob"] = dob_iso
                    q += "/DOB:" + ty.dob.strftime("%Y%m%d")
            elif ty.plate:
                f["subject_plate"] = ty.plate
                q = "QV/LIC:%s" % ty.plate.upper().replace(" ", "").replace("-", "")
            elif ty.pid:
                f["subject_person_id"] = ty.pid
                q = "QH/SID:%s" % ty.pid
            else:
                return None
            return f, q
        if system == "DMV":
            if ty.last:
                f["subject_last_name"] = ty.last
                if ty.first:
                    f["subject_first_name"] = ty.first
                q = "DL SEARCH LN=%s FN=%s" % (ty.last, ty.first or "")
                if ty.dob:
                    f["subject_dob"] = ty.dob.strftime("%m/%d/%Y")
                    q += " DOB=" + f["subject_dob"]
            elif ty.plate:
                f["subject_plate"] = ty.plate
                q = "REG PLATE=%s" % ty.plate
            else:
                return None
            return f, q
        if system == "LPR":
            if not ty.plate:
                return None
            f["subject_plate"] = ty.plate
            return f, "LPR HITS plate=%s window=30d" % ty.plate
        if system == "BORDER":
            s = {}
            if ty.last:
                s["last_name"] = ty.last
                if ty.first:
                    s["first_name"] = ty.first
                if ty.dob:
                    s["dob"] = dob_iso
            if ty.plate:
                s["plate"] = ty.plate
            if ty.pid:
                s["person_id"] = ty.pid
            if not s:
                return None
            f["subject"] = s
            return f, "INSPECT " + " ".join("%s=%s" % kv for kv in s.items())
        if system == "CAD":
            if ty.addr:
                f["subject_address"] = ty.addr
                return f, "PREMISE HISTORY " + ty.addr
            if ty.phone:
                f["subject_phone"] = ty.phone
                return f, "CALLER HISTORY " + ty.phone
            if ty.last:
                f["subject_last_name"] = ty.last
                if ty.first:
                    f["subject_first_name"] = ty.first
                return f, "CAD NAME %s %s" % (ty.last, ty.first or "")
            return None
        # RMS, CASEMGMT, JMS: split fields, ISO dob
        if ty.last:
            if ty.whole and ty.first and system == "RMS":
                f["subject_name"] = "%s %s" % (ty.first, ty.last)
            else:
                f["subject_last_name"] = ty.last
                if ty.first:
                    f["subject_first_name"] = ty.first
            if ty.dob:
                f["subject_dob"] = dob_iso
            q = "person last=%s%s%s" % (ty.last, " first=" + ty.first if ty.first else "",
                                        " dob=" + dob_iso if ty.dob else "")
        elif ty.pid:
            f["subject_person_id"] = ty.pid
            q = "person id=%s" % ty.pid
        elif ty.plate:
            f["subject_plate"] = ty.plate
            q = "vehicle plate=%s" % ty.plate
        elif ty.addr:
            f["subject_address"] = ty.addr
            q = "location addr=%s" % ty.addr
        elif ty.phone:
            f["subject_phone"] = ty.phone
            q = "phone=%s" % ty.phone
        else:
            return None
        return f, "%s %s" % (system, q)

    def result_count(self, rng, ty, system):
        if ty.typo:
            return 0
        if ty.style == "surname":
            return rng.randint(8, 160)
        if ty.style == "address":
            return rng.randint(1, 14)
        if system == "NCIC":
            return rng.choices([0, 1, 2], [.55, .35, .1])[0]
        if system == "LPR":
            return rng.randint(0, 25)
        return rng.choices([1, 2, 3, 4, 5], [.5, .22, .13, .09, .06])[0]

    def query(self, sess, t, p, style, systems, case, purpose, rng, legit=True, action="query"):
        """One typed query fanned out to `systems` within the same second."""
        ty = self.type_person(rng, p, style, legit)
        evs = []
        ms = rng.randint(0, 600)
        cf = rng.random()          # how the case id is typed: once for the whole fan-out
        for system in systems:
            r = self.render(system, ty)
            if r is None:
                continue
            f, q = r
            rc = 1 if action == "update" else self.result_count(rng, ty, system)
            if action == "update":
                q = "UPDATE " + q
            evs.append(self.emit(sess, t, system, action, f, case, purpose, rc, q,
                                 ms if system in MS_SYSTEMS else None, p, style, not legit, rng, cf))
            ms = min(999, ms + rng.randint(15, 120))
        return evs

    def blank_case(self, rng):
        return rng.choice(BLANK_CASES)

    # ---------------------------------------------------------------- legit work
    def person_systems(self, rng, unit, style):
        if style == "plate":
            return rng.choice([["DMV", "NCIC"], ["DMV"], ["DMV", "NCIC", "LPR"]])
        if style == "address":
            return rng.choice([["CAD"], ["CAD", "RMS"], ["RMS"]])
        if style == "phone":
            return ["RMS"]
        if style == "pid":
            return rng.choice([["RMS"], ["RMS"], ["CASEMGMT"]])
        if unit == "investigations":
            return rng.choice([["RMS", "NCIC"], ["RMS"], ["RMS", "NCIC", "DMV"], ["JMS"], ["CASEMGMT"]])
        if unit == "records":
            return rng.choice([["RMS"], ["RMS", "CASEMGMT"]])
        return rng.choice([["RMS", "NCIC"], ["RMS", "NCIC", "DMV"], ["NCIC", "DMV"],
                           ["RMS", "NCIC"], ["NCIC"], ["RMS", "NCIC", "JMS"]])

    def look_at(self, sess, t, p, case, purpose, rng, unit, styles=None):
        """A legitimate look at person p under case: a name query, maybe a record view."""
        styles = styles or [("name_dob", .72), ("initial_dob", .06), ("surname", .07), ("name", .15)]
        style = rng.choices([s for s, _ in styles], [w for _, w in styles])[0]
        evs = self.query(sess, t, p, style, self.person_systems(rng, unit, style), case, purpose, rng)
        if style in ("name_dob", "name", "initial_dob", "surname") and rng.random() < .55:
            t2 = t + timedelta(seconds=rng.randint(8, 70))
            if t2 < sess.end:
                evs += self.query(sess, t2, p, "pid", ["RMS"], case, purpose, rng)
        return evs

    def at(self, sess, t):
        return min(t, sess.end - timedelta(seconds=5))

    def gen_patrol_shift(self, e, login, sh, rng):
        desk_client = rng.choice(self.site_ws[e.site])
        desk_end = sh[0] + timedelta(minutes=rng.randint(10, 25))
        desk = self.new_session(login, desk_client, sh[0], desk_end, False, e.unit)
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            t = sh[0] + timedelta(seconds=rng.randint(60, int((desk_end - sh[0]).total_seconds()) - 30))
            cs = self.own_open_cases(login, t, max_age=12, units=("patrol",))
            if cs:
                c = rng.choice(cs)
                self.look_at(desk, t, rng.choice(c.subjects), c, "INVESTIGATION", rng, "patrol")
        mdt = self.new_session(login, e.mdt, desk_end + timedelta(minutes=rng.randint(3, 12)),
                               sh[1], True, e.unit)
        return mdt

    def gen_patrol_calls(self, e, login, mdt, rng):
        wd = mdt.start.weekday()
        n = rng.randint(12, 22)
        if e.shift == "night" and wd in (4, 5):
            n += rng.randint(1, 4)
        span = (mdt.end - mdt.start).total_seconds() - 2400
        slot = span / n                      # an officer works one call after the other
        for i in range(n):
            t = mdt.start + timedelta(seconds=300 + slot * i + rng.random() * slot * .4)
            self.patrol_call(e, login, mdt, t, rng, max_span=max(600, slot * .9))

    def patrol_call(self, e, login, sess, t, rng, max_span=3000):
        major = rng.random() < .03
        t0 = t - timedelta(seconds=rng.randint(60, 300))
        c = self.new_case("patrol", t0)
        self.patrol_by_day[t0.date()].append(c)
        n = rng.randint(4, 7) if major else rng.choices([1, 2, 3, 4, 5], [.18, .3, .27, .17, .08])[0]
        c.subjects = self.incident_subjects(rng, n)
        self.assign(c, login, t0.date())
        d = self.on_duty(rng, "dispatch", t0)
        if d:     # a dispatcher takes at most 5 calls in 10 minutes; the rest go to call-takers
            load = self.disp_load[d.login]          # sorted call times of this dispatcher
            lo = bisect_left(load, t0 - timedelta(minutes=10))
            hi = bisect_right(load, t0 + timedelta(minutes=10))
            if hi - lo >= 5:
                d = None
            else:
                insort(load, t0)
        if d and rng.random() < .9:
            self.assign(c, d.login, t0.date())
            self.dispatch_work(d, t0 + timedelta(seconds=rng.randint(15, 90)), c, rng)
        span = 840 if major else int(min(max_span, rng.randint(900, 3000)))
        purpose = rng.choice(["CALL_FOR_SERVICE", "CALL_FOR_SERVICE", "INVESTIGATION", "WARRANT_CHECK"])
        for p in c.subjects:
            if rng.random() < .9:
                tt = self.at(sess, t + timedelta(seconds=rng.randint(0, span)))
                self.look_at(sess, tt, p, c, purpose, rng, "patrol")
                if rng.random() < .4:
                    tt = self.at(sess, tt + timedelta(seconds=rng.randint(60, 900)))
                    self.look_at(sess, tt, p, c, purpose, rng, "patrol")
            if p.plate and rng.random() < (.6 if major else .45):
                tt = self.at(sess, t + timedelta(seconds=rng.randint(0, span)))
                self.query(sess, tt, p, "plate", self.person_systems(rng, "patrol", "plate"), c, purpose, rng)
        if rng.random() < .45:   # the officer checks premise history on the way
            self.query(sess, self.at(sess, t - timedelta(seconds=rng.randint(0, 60))), c.subjects[0], "address",
                       rng.choice([["CAD"], ["CAD", "RMS"]]), c, purpose, rng)
        if p.phone and rng.random() < .05:
            self.query(sess, self.at(sess, t + timedelta(seconds=rng.randint(0, span))), p, "phone",
                       ["RMS"], c, purpose, rng)
        if rng.random() < (.9 if major else .45):
            b = self.on_duty(rng, "patrol", t, exclude=login)
            if b:
                self.assign(c, b.login, t0.date())
                for p in rng.sample(c.subjects, min(len(c.subjects), rng.randint(1, 3))):
                    tt = t + timedelta(seconds=rng.randint(60, span + 60))
                    if tt < b.end:
                        self.look_at(b, tt, p, c, purpose, rng, "patrol")

    def dispatch_work(self, sess, t, c, rng):
        resident = c.subjects[0]
        self.query(sess, t, resident, "address", rng.choice([["CAD"], ["CAD", "RMS"]]),
                   c, "CALL_FOR_SERVICE", rng)
        for p in c.subjects[:3]:
            if rng.random() > .55:
                continue
            self.query(sess, t + timedelta(seconds=rng.randint(40, 200)), p, "name_dob",
                       rng.choice([["NCIC"], ["NCIC", "RMS"]]), c, "WARRANT_CHECK", rng)
        if rng.random() < .15 and resident.phone:
            self.query(sess, t + timedelta(seconds=rng.randint(5, 30)), resident, "phone", ["CAD"],
                       c, "CALL_FOR_SERVICE", rng)

    def gen_traffic_shift(self, e, login, sh, rng):
        mdt = self.new_session(login, e.mdt, sh[0], sh[1], True, e.unit)
        span = (mdt.end - mdt.start).total_seconds() - 1200
        n = rng.randint(40, 65)
        for t in sorted(mdt.start + timedelta(seconds=600 + span * rng.random()) for _ in range(n)):
            owner = rng.choice(self.plated)
            bc = self.blank_case(rng)
            self.query(mdt, t, owner, "plate", rng.choice([["DMV"], ["DMV", "NCIC"], ["DMV", "NCIC"]]),
                       bc, "TRAFFIC_STOP", rng)
            if rng.random() < .75:
                drv = owner if rng.random() < .8 or not owner.household else rng.choice(owner.household)
                tt = self.at(mdt, t + timedelta(seconds=rng.randint(40, 240)))
                st = rng.choices(["name_dob", "initial_dob", "name"], [.85, .05, .1])[0]
                self.query(mdt, tt, drv, st, rng.choice([["DMV", "NCIC"], ["DMV", "NCIC", "RMS"], ["DMV"]]),
                           bc, "TRAFFIC_STOP", rng)
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            t = mdt.start + timedelta(seconds=600 + span * rng.random())
            c = self.new_case("traffic", t)
            c.subjects = self.incident_subjects(rng, rng.randint(2, 3))
            self.assign(c, login, t.date())
            for p in c.subjects:
                self.look_at(mdt, self.at(mdt, t + timedelta(seconds=rng.randint(60, 1500))), p, c,
                             "CRASH_INVESTIGATION", rng, "traffic")
                if p.plate:
                    self.query(mdt, self.at(mdt, t + timedelta(seconds=rng.randint(60, 1500))), p, "plate",
                               ["DMV", "NCIC"], c, "CRASH_INVESTIGATION", rng)

    def gen_port_shift(self, e, login, sh, rng):
        booth = self.new_session(login, rng.choice(self.site_ws["POE"][:8]), sh[0], sh[1], True, e.unit)
        span = (booth.end - booth.start).total_seconds() - 900
        n = rng.randint(70, 130) if e.shift == "am" else rng.randint(55, 110)
        for t in sorted(booth.start + timedelta(seconds=300 + span * rng.random()) for _ in range(n)):
            if rng.random() < .55:
                p = self.citizen(rng)
            else:
                p = self.new_person(rng, "foreign", phone_p=0, plate_p=.3, register=False)
            bc = self.blank_case(rng)
            st = rng.choices(["name_dob", "initial_dob"], [.95, .05])[0]
            self.query(booth, t, p, st, rng.choice([["BORDER"], ["BORDER"], ["BORDER", "NCIC"]]),
                       bc, "BORDER_INSPECTION", rng)
            if p.plate and rng.random() < .6:
                self.query(booth, self.at(booth, t + timedelta(seconds=rng.randint(10, 90))), p, "plate",
                           rng.choice([["BORDER"], ["BORDER", "NCIC"]]), bc, "BORDER_INSPECTION", rng)

    def gen_detective_day(self, e, login, sh, rng):
        desk = self.new_session(login, e.desk, sh[0], sh[1], True, e.unit)
        t = sh[0]
        if rng.random() < .2:
            c = self.new_case("investigations", sh[0] + timedelta(minutes=rng.randint(10, 120)))
            c.subjects = self.incident_subjects(rng, rng.randint(3, 6))
            self.assign(c, login, c.opened.date())
        if rng.random() < .5:   # pick up a recent patrol case for follow-up
            recent = [c for k in (1, 2) for c in self.patrol_by_day.get(sh[0].date() - timedelta(days=k), ())]
            if recent:
                self.assign(rng.choice(recent), login, sh[0].date())
        cases = self.own_open_cases(login, sh[0] + timedelta(minutes=130))
        if not cases:
            return
        span = (sh[1] - sh[0]).total_seconds() - 1800
        styles = [("name_dob", .4), ("name", .1), ("surname", .05), ("initial_dob", .05)]
        for c in rng.sample(cases, min(len(cases), rng.randint(3, 6))):
            b0 = sh[0] + timedelta(seconds=900 + span * rng.random())
            for _ in range(rng.randint(5, 17)):
                tt = self.at(desk, b0 + timedelta(seconds=rng.randint(0, 4000)))
                if tt <= c.opened:
                    continue
                p = rng.choice(c.subjects)
                r = rng.random()
                if r < .55:
                    self.look_at(desk, tt, p, c, "INVESTIGATION", rng, "investigations", styles)
                elif r < .7:
                    self.query(desk, tt, p, "pid", ["RMS", "CASEMGMT"][rng.randint(0, 1):], c, "INVESTIGATION", rng)
                elif r < .82 and p.plate:
                    self.query(desk, tt, p, "plate", rng.choice([["LPR"], ["DMV", "LPR"], ["DMV"]]), c,
                               "INVESTIGATION", rng)
                elif r < .9 and p.phone:
                    self.query(desk, tt, p, "phone", ["RMS"], c, "INVESTIGATION", rng)
                else:
                    self.query(desk, tt, p, "address", ["RMS"], c, "INVESTIGATION", rng)

    def gen_records_day(self, e, login, sh, rng):
        desk = self.new_session(login, e.desk, sh[0], sh[1], True, e.unit)
        span = (sh[1] - sh[0]).total_seconds() - 1800
        mine = []
        for _ in range(rng.randint(8, 14)):
            t = sh[0] + timedelta(seconds=600 + span * rng.random())
            c = self.new_case("records", t - timedelta(minutes=rng.randint(1, 30)))
            c.subjects = self.incident_subjects(rng, rng.choice([1, 1, 2]))
            self.assign(c, login, c.opened.date())
            mine.append(c)
            for _ in range(rng.randint(2, 5)):
                tt = self.at(desk, t + timedelta(seconds=rng.randint(0, 1500)))
                self.look_at(desk, tt, rng.choice(c.subjects), c, "RECORDS_REQUEST", rng, "records")
        # report entry on recent patrol cases
        recent = [c for k in (0, 1, 2, 3) for c in self.patrol_by_day.get(sh[0].date() - timedelta(days=k), ())
                  if timedelta(hours=2) < sh[0] - c.opened < timedelta(days=3)]
        for c in rng.sample(recent, min(len(recent), rng.randint(5, 10))):
            t = sh[0] + timedelta(seconds=600 + span * rng.random())
            self.assign(c, login, t.date())
            mine.append(c)
            p = rng.choice(c.subjects)
            self.look_at(desk, t, p, c, "DATA_ENTRY", rng, "records")
            self.query(desk, self.at(desk, t + timedelta(seconds=rng.randint(30, 300))), p, "pid", ["RMS"],
                       c, "DATA_ENTRY", rng, action="update")
        for _ in range(rng.randint(15, 40)):
            t = sh[0] + timedelta(seconds=600 + span * rng.random())
            self.query(desk, t, self.citizen(rng), "name_dob", rng.choice([["NCIC", "RMS"], ["NCIC"]]),
                       self.blank_case(rng), "BACKGROUND_CHECK", rng)
        if rng.random() < .3:
            t = sh[0] + timedelta(seconds=600 + span * rng.random())
            c = self.new_case("records", t - timedelta(minutes=5))
            self.assign(c, login, t.date())
            self.emit(desk, t, "RMS", "export", None, c, "REPORT", rng.randint(1000, 5000),
                      "REPORT incidents by beat, month-to-date", rng=rng)
        if len(e.logins) > 1 and rng.random() < .6 and mine:
            self.gen_rms_login(e, desk, mine, rng)

    def gen_rms_login(self, e, desk, mine, rng):
        """The employee's second login (jdoe.rms) used for RMS record maintenance."""
        st = desk.start + timedelta(seconds=rng.randint(1800, 14000))
        en = min(desk.end, st + timedelta(minutes=rng.randint(30, 100)))
        if en <= st + timedelta(minutes=10):
            return
        s = self.new_session(e.logins[1], desk.client, st, en, False, e.unit)
        for _ in range(rng.randint(8, 25)):
            c = rng.choice(mine)
            if not c.subjects:
                continue
            t = st + (en - st) * rng.random()
            if t <= c.opened:
                continue
            p = rng.choice(c.subjects)
            self.query(s, t, p, "pid", ["RMS"], c, "DATA_ENTRY", rng,
                       action="update" if rng.random() < .6 else "query")

    def gen_command_day(self, e, login, sh, rng):
        desk = self.new_session(login, e.desk, sh[0], sh[1], True, e.unit)
        cases = self.own_open_cases(login, sh[0])
        for _ in range(rng.choice([0, 1, 2, 2, 3, 4, 5, 6]) if cases else 0):
            c = rng.choice(cases)
            t = self.at(desk, sh[0] + (sh[1] - sh[0]) * rng.random())
            self.look_at(desk, t, rng.choice(c.subjects), c, "ADMINISTRATIVE", rng, "records")

    def gen_legit(self):
        rng = self.rng
        mdts = []
        for d in range(-1, self.D):
            for e in self.employees:
                sh = self.shift(e, d)
                if not sh:
                    continue
                login = e.logins[0]
                if e.unit == "patrol":
                    mdts.append((e, login, self.gen_patrol_shift(e, login, sh, rng)))
                elif e.unit == "dispatch":
                    self.new_session(login, rng.choice(self.site_ws["ECC"]), sh[0], sh[1], True, e.unit)
        for e, login, mdt in mdts:           # calls need everybody's sessions in place
            self.gen_patrol_calls(e, login, mdt, rng)
        for d in range(-1, self.D):
            for e in self.employees:
                sh = self.shift(e, d)
                if not sh:
                    continue
                fn = {"traffic": self.gen_traffic_shift, "port": self.gen_port_shift,
                      "investigations": self.gen_detective_day, "records": self.gen_records_day,
                      "command": self.gen_command_day}.get(e.unit)
                if fn:
                    fn(e, e.logins[0], sh, rng)
        self.gen_sensitive_legit(rng)

    def gen_sensitive_legit(self, rng):
        """Legitimate, case-backed lookups of people who are 'interesting' to an auditor."""
        dets = [e for e in self.employees if e.unit == "investigations" and e.status == "active"
                and e.first_day < 0]
        patrol = [e for e in self.employees if e.unit == "patrol" and e.status == "active"]
        self.news_case = None
        if not dets:
            return
        # 1. a crime victim in the news (not on the watch list): detectives work the case
        day = rng.randint(2, max(2, self.D - 3))
        on = [e for e in dets if self.shift(e, day)] or dets[:1]
        t = datetime.combine(self.start + timedelta(days=day - 1), datetime.min.time()) + timedelta(hours=19)
        c = self.new_case("investigations", t)
        c.subjects = [self.citizen(rng)] + self.incident_subjects(rng, 2)
        for e in on[:2]:
            self.assign(c, e.logins[0], t.date())
            for s in self.sessions[e.logins[0]]:
                if s.main and s.start.date() == t.date() + timedelta(days=1):
                    for _ in range(rng.randint(4, 9)):
                        self.look_at(s, self.at(s, s.start + (s.end - s.start) * rng.random()),
                                     rng.choice(c.subjects), c, "INVESTIGATION", rng, "investigations")
        self.news_case = (c, day)
        # 2. a watch-listed victim is a subject of an investigation
        victims = [p for p in self.watchlist if p.watch == "victim"]
        e = rng.choice(dets)
        c = self.new_case("investigations", self.t0 - timedelta(days=rng.randint(5, 40)))
        c.subjects = [victims[0]] + self.incident_subjects(rng, 2)
        self.assign(c, e.logins[0], c.opened.date())
        self.legit_sensitive_people = [victims[0]]
        for s in [s for s in self.sessions[e.logins[0]] if s.main][:3]:
            for _ in range(rng.randint(2, 5)):
                self.look_at(s, self.at(s, s.start + (s.end - s.start) * rng.random()),
                             rng.choice(c.subjects), c, "INVESTIGATION", rng, "investigations")
        # 3. an employee is the victim of a vehicle theft; another officer takes the report
        if len(patrol) >= 2:
            victim_emp, officer = rng.sample(patrol, 2)
            ss = [s for s in self.sessions[officer.logins[0]] if s.main]
            if ss:
                s = rng.choice(ss)
                t = s.start + timedelta(minutes=rng.randint(30, 200))
                c = self.new_case("patrol", t - timedelta(minutes=4))
                c.subjects = [victim_emp.person]
                self.assign(c, officer.logins[0], c.opened.date())
                self.query(s, t, victim_emp.person, "plate", ["DMV", "NCIC"], c, "CALL_FOR_SERVICE", rng)
                self.query(s, t + timedelta(minutes=3), victim_emp.person, "name_dob", ["RMS"], c,
                           "CALL_FOR_SERVICE", rng)
                self.legit_sensitive_people.append(victim_emp.person)
        # 4. a relative of an employee is arrested by an officer of another unit
        rel = [a for a in self.assocs if a.relation == "family" and a.emp.unit != "patrol"]
        if rel and patrol:
            a = rng.choice(rel)
            officer = rng.choice(patrol)
            ss = [s for s in self.sessions[officer.logins[0]] if s.main]
            if ss:
                s = rng.choice(ss)
                t = s.start + timedelta(minutes=rng.randint(30, 200))
                c = self.new_case("patrol", t - timedelta(minutes=6))
                c.subjects = [a.person] + self.incident_subjects(rng, 1)
                self.assign(c, officer.logins[0], c.opened.date())
                for p in c.subjects:
                    self.look_at(s, self.at(s, t + timedelta(seconds=rng.randint(0, 900))), p, c,
                                 "CALL_FOR_SERVICE", rng, "patrol")
                self.legit_sensitive_people.append(a.person)

    def close_log_cases(self):
        rng = self.rng
        last_day = self.start + timedelta(days=self.D - 1)
        for c in self.cases:
            if not c.logcase:
                continue
            p = {"patrol": .55, "traffic": .5, "records": .75, "investigations": .05}.get(c.unit, .3)
            if rng.random() < p:
                base = (c.last_ev or c.opened).date()
                cd = base + timedelta(days=rng.randint(1, 10))
                if cd <= last_day:
                    c.closed = cd

    def number_cases(self):
        rng = self.rng
        counters = {}
        for c in sorted(self.cases, key=lambda c: (c.opened, c.seq)):
            y = c.opened.year
            if y not in counters:
                counters[y] = rng.randint(800, 9000)
            counters[y] += 1 if rng.random() < .97 else rng.randint(2, 4)
            c.year, c.num = y, counters[y]

    # ---------------------------------------------------------------- labels
    def begin(self):
        self.group += 1
        return self.group

    def label(self, det, kind, user, evs, group=None):
        g = self.group if group is None else group
        self.labels[(det, kind, user, g)].extend(evs)

    def identity_kinds(self, login, person, style, t):
        e = self.login_emp[login]
        out = []
        if person is None:
            return out
        if person is e.person:
            out.append(("self_query", SELF_KIND[style]))
        elif person.emp is not None:
            o = person.emp
            kind = "supervisor" if o.eid == e.supervisor else \
                "same_unit" if o.unit == e.unit else "other_unit"
            out.append(("coworker_lookup", kind))
        for a in self.assoc_by_person.get(person.pid, ()):
            if a.emp is e and a.valid(t.date()):
                out.append(("association_lookup", a.relation))
        if person.watch:
            out.append(("watchlist_lookup", person.watch))
        return out

    def case_kinds(self, login, case, purpose, person, style, t):
        e = self.login_emp[login]
        if isinstance(case, str):
            if case.strip() in ("", "N/A", "NONE", "n/a", "none") or case == ABSENT:
                return [] if purpose in EXEMPT else ["missing"]
            return ["unknown_case"]
        kinds = []
        if not case.open_at(t):
            kinds.append("closed_case")
        if not case.assigned(e.logins, t):
            kinds.append("not_assigned")
        elif not case.lists(person, style):
            kinds.append("subject_not_in_case")
        return kinds

    def bad_query(self, sess, t, person, style, systems, case, purpose, rng, action="query",
                  extra=()):
        """An injected query: emits the events and labels every kind that applies."""
        evs = self.query(sess, t, person, style, systems, case, purpose, rng, legit=False, action=action)
        self.label_events(evs, extra)
        return evs

    def label_events(self, evs, extra=()):
        for ev in evs:
            login, t = ev["user"], ev["_t"]
            kinds = self.identity_kinds(login, ev["_person"], ev["_style"], t) if ev["_person"] else []
            kinds += [("no_case", k) for k in self.case_kinds(login, ev["_case"], ev.get("purpose"),
                                                                 ev["_person"], ev["_style"], t)]
            kinds += list(extra)
            for det, kind in kinds:
                self.label(det, kind, login, [ev])

    # ---------------------------------------------------------------- injection helpers
    def main_sessions(self, login, day=None):
        out = [s for s in self.sessions[login] if s.main and not s.inj and
               (s.end - s.start) > timedelta(hours=2)]
        if day is not None:
            out = [s for s in out if s.start.date() == self.start + timedelta(days=day)]
        return [s for s in out if self.t0 <= s.start and s.end <= self.t1]

    def moment(self, rng, login=None, day=None, early=False, exclude=(), units=None):
        """A random moment inside a working session of some active login."""
        for _ in range(400):
            lg = login or rng.choice(self.logins)
            e = self.login_emp[lg]
            if lg != e.logins[0] or e in self.inactive or lg in exclude:
                if login:
                    return None
                continue
            if units and e.unit not in units:
                continue
            ss = self.main_sessions(lg, day)
            if early:
                ss = [s for s in ss if s.start < self.t0 + timedelta(days=2)]
            if not ss:
                if login:
                    return None
                continue
            s = rng.choice(ss)
            t = s.start + timedelta(seconds=rng.randint(600, int((s.end - s.start).total_seconds()) - 600))
            return lg, s, t
        return None

    def misuse_context(self, rng, login, t, person, weights=(.55, .25, .12, .08)):
        """Case/purpose used for a personal lookup: none, own unrelated case, someone else's, bogus."""
        e = self.login_emp[login]
        ctx = rng.choices(["none", "own", "other", "bogus"], weights)[0]
        if ctx == "own":
            cs = [c for c in self.own_open_cases(login, t) if not c.lists(person, "name")]
            if cs:
                return rng.choice(cs), USUAL_PURPOSE[e.unit]
            ctx = "none"
        if ctx == "other":
            c = self.others_open_case(rng, login, t)
            if c:
                return c, USUAL_PURPOSE[e.unit]
            ctx = "none"
        if ctx == "bogus":
            return self.bogus_case(rng, t), USUAL_PURPOSE[e.unit]
        if e.unit in COVER_PURPOSE and rng.random() < .4:
            return self.blank_case(rng), COVER_PURPOSE[e.unit]
        return self.blank_case(rng), rng.choice([USUAL_PURPOSE[e.unit]] * 3 + ["", "OTHER"])

    def others_open_case(self, rng, login, t):
        e = self.login_emp[login]
        for _ in range(200):
            c = rng.choice(self.cases)
            if c.subjects and c.opened < t - timedelta(hours=1) and c.open_at(t) and \
                    not c.assigned(e.logins, t) and not any(a[0] in e.logins for a in c.assign):
                return c
        return None

    def bogus_case(self, rng, t):
        y = t.year
        return rng.choice(["C-%d-%06d" % (y, rng.randint(700000, 999999)),
                           "%d-%06d" % (y, rng.randint(700000, 999999)),
                           "C-2019-%06d" % rng.randint(1000, 99999), "TEST", "ASDF",
                           "INV-88-%04d" % rng.randint(1000, 9999), "c-%d-%d" % (y, rng.randint(700000, 999999))])

    def purpose_of(self, p):
        return p if p else None

    def misuse_lookup(self, rng, login, sess, t, person, styles, n_queries=None):
        """1-3 queries about `person` for personal reasons, each fully labelled."""
        self.begin()
        case, purpose = self.misuse_context(rng, login, t, person)
        unit = self.login_emp[login].unit
        evs = []
        for i in range(n_queries or rng.choice([1, 1, 2, 2, 3])):
            style = styles[0] if i == 0 else rng.choice(styles)
            if style == "plate" and not person.plate:
                style = "name_dob"
            if style == "phone" and not person.phone:
                style = "name"
            systems = self.misuse_systems(rng, unit, style)
            evs += self.bad_query(sess, t, person, style, systems, case, self.purpose_of(purpose), rng)
            t = self.at(sess, t + timedelta(seconds=rng.randint(20, 400)))
        return evs

    def misuse_systems(self, rng, unit, style):
        if unit == "port" and style in ("name_dob", "name", "plate", "initial_dob"):
            return rng.choice([["BORDER"], ["BORDER", "NCIC"]])
        if unit == "dispatch" and style in ("address", "phone"):
            return ["CAD"]
        return self.person_systems(rng, unit, style)

    def styles_for(self, person, known_pid=True, addr_ok=True, dob_ok=True):
        st = ["name_dob", "name_dob", "name"] + (["initial_dob"] if dob_ok else [])
        if known_pid:
            st.append("pid")
        if person.plate:
            st.append("plate")
        if person.phone:
            st.append("phone")
        if addr_ok and person.addr:
            st.append("address")
        return st

    # ---------------------------------------------------------------- injections
    def inject(self):
        rng = self.irng
        f = self.U / 80 * (self.D / 14) ** .5      # scale with the size of the agency and log
        k = max(1, round(f))
        self.base_stats()
        self.inj_self(rng, max(6, round(10 * f)))
        self.inj_associations(rng, max(6, round(12 * f)))
        self.inj_coworkers(rng, max(3, round(9 * f)))
        self.inj_watchlist(rng, max(4, round(7 * f)))
        self.inj_updates(rng)
        self.inj_surges(rng)
        self.inj_no_case(rng, k)
        self.inj_burst(rng)
        self.inj_daily_count(rng)
        self.inj_off_hours(rng)
        self.inj_distinct(rng)
        self.inj_export(rng)
        self.inj_shared(rng)
        self.inj_inactive(rng)
        self.auto_volume_labels()
        seen = set()
        for evs in self.labels.values():
            seen.update(ev["_seq"] for ev in evs)
        orphans = [ev for ev in self.events if ev["_inj"] and ev["action"] in LOOKUPS and ev["_seq"] not in seen
                   and self.t0 <= ev["_t"] < self.t1]
        if orphans:
            self.notes.append("WARNING %d injected lookups carry no label" % len(orphans))

    def pick_actor(self, rng, i, n, units=None, exclude=()):
        """Spread injections: some in the first two days, some on newcomers."""
        if i % 5 == 0:
            m = self.moment(rng, early=True, units=units, exclude=exclude)
        elif i % 5 == 1 and self.newcomers:
            nc = [e for e in self.newcomers if e.logins[0] not in exclude]
            m = self.moment(rng, login=rng.choice(nc).logins[0]) if nc else None
        else:
            m = None
        return m or self.moment(rng, units=units, exclude=exclude)

    def inj_self(self, rng, n):
        plan = ["pid", "name_dob", "plate", "address", "phone", "name"]
        for i in range(n):
            m = self.pick_actor(rng, i, n)
            if not m:
                continue
            lg, s, t = m
            e = self.login_emp[lg]
            me = e.person
            first = plan[i % len(plan)]
            if first == "pid" and not e.pid_known:
                first = "name_dob"
            has_spouse = any(a.emp is e and a.relation == "spouse" for a in self.assocs)
            if first == "address" and has_spouse:
                first = "plate"
            styles = [first] if rng.random() < .6 else \
                [first] + [x for x in ("name_dob", "plate", "name") if x != first]
            self.misuse_lookup(rng, lg, s, t, me, styles)

    def inj_associations(self, rng, n):
        by_rel = defaultdict(list)
        for a in self.assocs:
            if a.valid(self.start) and a.emp not in self.inactive and a.emp.first_day <= self.D - 2:
                by_rel[a.relation].append(a)
        order = ["ex_partner", "family", "neighbor", "protected_party", "ex_partner", "partner",
                 "spouse", "associate", "family", "ex_partner", "neighbor", "protected_party"]
        for i in range(n):
            rel = order[i % len(order)]
            cands = by_rel.get(rel) or by_rel.get("family") or []
            if not cands:
                continue
            a = rng.choice(cands)
            m = None
            for _ in range(5):
                m = self.moment(rng, login=a.emp.logins[0], early=(i % 5 == 0)) or \
                    self.moment(rng, login=a.emp.logins[0])
                if m:
                    break
            if not m:
                continue
            lg, s, t = m
            p = a.person
            if rel == "neighbor":
                styles = ["address", "address", "name"]
            elif rel == "spouse":
                styles = ["name_dob", "name", "plate", "phone"]
            else:
                styles = self.styles_for(p, known_pid=a.pid_known, addr_ok=a.addr_known, dob_ok=a.dob_known)
            self.misuse_lookup(rng, lg, s, t, p, styles)

    def inj_coworkers(self, rng, n):
        kinds = ["same_unit", "other_unit", "supervisor"]
        active = [e for e in self.employees if e.status == "active" and e not in self.inactive]
        for i in range(n):
            want = kinds[i % 3]
            m = self.pick_actor(rng, i, n)
            if not m:
                continue
            lg, s, t = m
            e = self.login_emp[lg]
            if want == "supervisor":
                tgt = self.emp_by_id.get(e.supervisor)
            elif want == "same_unit":
                c = [o for o in active if o.unit == e.unit and o is not e and o.eid != e.supervisor]
                tgt = rng.choice(c) if c else None
            else:
                c = [o for o in active if o.unit != e.unit and o.eid != e.supervisor]
                tgt = rng.choice(c) if c else None
            if tgt is None or tgt is e:
                continue
            self.misuse_lookup(rng, lg, s, t, tgt.person, self.styles_for(tgt.person, tgt.pid_known))

    def inj_watchlist(self, rng, n):
        for i in range(n):
            p = self.watchlist[(i * 5 + rng.randint(0, 3)) % len(self.watchlist)]
            if p in getattr(self, "legit_sensitive_people", []):
                continue
            m = self.pick_actor(rng, i, n)
            if m:
                self.misuse_lookup(rng, *m, p, ["name_dob", "name", "name", "pid"])

    def inj_updates(self, rng):
        """`update` on the user's own record and on an associate's record."""
        for who in ("self", "assoc"):
            for _ in range(50):
                if who == "self":
                    e = rng.choice([e for e in self.employees if e.pid_known])
                    p = e.person
                else:
                    a = rng.choice(self.assocs)
                    if not (a.pid_known and a.valid(self.start)):
                        continue
                    e, p = a.emp, a.person
                m = self.moment(rng, login=e.logins[0])
                if m and e not in self.inactive:
                    lg, s, t = m
                    self.begin()
                    ev = self.bad_query(s, t, p, "pid", ["RMS"], self.blank_case(rng), "DATA_ENTRY", rng,
                                        action="update")
                    break

    def inj_surges(self, rng):
        """Many logins converge on one person on one day (news event)."""
        targets = []
        wl = [p for p in self.watchlist if p.watch in ("celebrity", "victim")
              and p not in getattr(self, "legit_sensitive_people", [])]
        targets.append((rng.choice(wl), rng.randint(0, self.D - 1)))
        if self.news_case:
            c, day = self.news_case
            targets.append((c.subjects[0], day))
        emp = [e for e in self.employees if e.status == "active" and e.unit == "patrol" and e.first_day < 0]
        if emp:
            targets.append((rng.choice(emp).person, rng.randint(1, self.D - 1)))
        for person, day in targets:
            self.begin()
            g = self.group
            users = []
            cand = [lg for lg in self.logins if self.main_sessions(lg, day) and
                    self.login_emp[lg].person is not person]
            rng.shuffle(cand)
            for lg in cand[:rng.randint(10, 14)]:
                s = rng.choice(self.main_sessions(lg, day))
                t = s.start + timedelta(seconds=rng.randint(600, int((s.end - s.start).total_seconds()) - 600))
                case, purpose = self.misuse_context(rng, lg, t, person, (.8, .15, 0, .05))
                evs = []
                for _ in range(rng.choice([1, 1, 2, 3])):
                    style = rng.choice(["name", "name", "name_dob", "initial_dob"])
                    evs += self.query(s, t, person, style, self.misuse_systems(rng, self.login_emp[lg].unit, style),
                                      case, self.purpose_of(purpose), rng, legit=False)
                    t = self.at(s, t + timedelta(seconds=rng.randint(30, 600)))
                self.label_events(evs, [("subject_surge", "many_users")])
                users.append(lg)
            self.notes.append("surge on %s %s day %d: %d logins" % (person.first, person.last, day, len(users)))

    def inj_no_case(self, rng, k):
        # missing
        for i in range(6 * k):
            m = self.pick_actor(rng, i, 6)
            if not m:
                continue
            lg, s, t = m
            e = self.login_emp[lg]
            self.begin()
            p = self.citizen(rng)
            style = rng.choice(["name_dob", "name_dob", "plate", "name"])
            if style == "plate" and not p.plate:
                style = "name_dob"
            purpose = rng.choice([USUAL_PURPOSE[e.unit], "", "OTHER", "INVESTIGATION"])
            self.bad_query(s, t, p, style, self.misuse_systems(rng, e.unit, style), self.blank_case(rng),
                           self.purpose_of(purpose), rng)
        # unknown case, incl. people/plates found in no reference table
        for i in range(5 * k):
            m = self.pick_actor(rng, i + 2, 5)
            if not m:
                continue
            lg, s, t = m
            e = self.login_emp[lg]
            self.begin()
            if i % 2 == 0:
                p = self.new_person(rng, "citizen", plate_p=1, phone_p=0, register=False)
            else:
                p = self.citizen(rng)
            style = rng.choice(["name_dob", "plate"]) if p.plate else "name_dob"
            self.bad_query(s, t, p, style, self.misuse_systems(rng, e.unit, style), self.bogus_case(rng, t),
                           USUAL_PURPOSE[e.unit], rng)
        # closed case (the user's own, closed before the lookup; the person is in it)
        done = 0
        for _ in range(300):
            if done >= 4 * k:
                break
            m = self.moment(rng, units=("patrol", "investigations", "records", "traffic"))
            if not m:
                continue
            lg, s, t = m
            e = self.login_emp[lg]
            cs = [c for c in self.cases_by_login[lg] if c.closed and c.closed < t.date() - timedelta(days=1)
                  and c.subjects and c.assigned(e.logins, t) and all(p.role == "citizen" for p in c.subjects)]
            if not cs:
                continue
            c = rng.choice(cs)
            self.begin()
            self.bad_query(s, t, rng.choice(c.subjects), "name_dob", self.misuse_systems(rng, e.unit, "name_dob"),
                           c, USUAL_PURPOSE[e.unit], rng)
            done += 1
        # not assigned: someone else's open case (person in it) ...
        for i in range(2 * k):
            m = self.pick_actor(rng, i, 2)
            if not m:
                continue
            lg, s, t = m
            c = self.others_open_case(rng, lg, t)
            if c:
                self.begin()
                self.bad_query(s, t, rng.choice(c.subjects), "name_dob",
                               self.misuse_systems(rng, self.login_emp[lg].unit, "name_dob"), c,
                               USUAL_PURPOSE[self.login_emp[lg].unit], rng)
        # ... and a case the user was taken off (assignment ended)
        ended = [(c, a) for c in self.cases if c.open_at(self.t1 - timedelta(days=1)) and c.subjects
                 for a in c.assign if a[2] is not None]
        rng.shuffle(ended)
        done = 0
        for c, a in ended:
            if done >= 2 * k:
                break
            lg = a[0]
            e = self.login_emp[lg]
            ss = [s for s in self.main_sessions(lg) if s.start.date() > a[2] and c.open_at(s.end)]
            if not ss or any(b[0] in e.logins and b[2] is None for b in c.assign):
                continue
            s = rng.choice(ss)
            t = s.start + timedelta(seconds=rng.randint(600, int((s.end - s.start).total_seconds()) - 600))
            self.begin()
            self.bad_query(s, t, rng.choice(c.subjects), "name_dob", self.misuse_systems(rng, e.unit, "name_dob"),
                           c, USUAL_PURPOSE[e.unit], rng)
            done += 1
        # the user's own open case, but the person looked up is not in it
        for i in range(4 * k):
            m = self.pick_actor(rng, i, 4, units=("patrol", "investigations", "records", "traffic", "dispatch"))
            if not m:
                continue
            lg, s, t = m
            cs = self.own_open_cases(lg, t)
            if not cs:
                continue
            c = rng.choice(cs)
            p = self.citizen(rng, c.subjects)
            if any(q.last == p.last or (q.addr and p.addr and q.addr.key() == p.addr.key()) for q in c.subjects):
                continue
            self.begin()
            self.bad_query(s, t, p, "name_dob", self.misuse_systems(rng, self.login_emp[lg].unit, "name_dob"), c,
                           USUAL_PURPOSE[self.login_emp[lg].unit], rng)

    # ---- volume
    def lookups_of(self, login):
        return [ev for ev in self.events if ev["user"] == login and ev["action"] in LOOKUPS
                and self.t0 <= ev["_t"] < self.t1]

    def base_stats(self):
        """Per login: daily lookup counts and distinct people (legitimate work only)."""
        self.daycount = defaultdict(lambda: defaultdict(int))
        self.daydistinct = defaultdict(lambda: defaultdict(set))
        self.night_active = defaultdict(int)
        for ev in self.events:
            if ev["action"] not in LOOKUPS or not (self.t0 <= ev["_t"] < self.t1):
                continue
            d = ev["_t"].date()
            self.daycount[ev["user"]][d] += 1
            if ev["_person"] is not None:
                self.daydistinct[ev["user"]][d].add(id(ev["_person"]))
            if ev["_t"].hour < 5:
                self.night_active[ev["user"]] += 1

    def median_count(self, login, skip=None):
        v = [c for d, c in self.daycount[login].items() if d != skip]
        return statistics.median(v) if v else 0

    def median_distinct(self, login, skip=None):
        v = [len(s) for d, s in self.daydistinct[login].items() if d != skip]
        return statistics.median(v) if v else 0

    def spread_lookups(self, rng, sess, t_from, t_to, n, pick, case_of, purpose, systems_of, max10=25):
        """n single-system lookups spread over [t_from, t_to] (never more than max10 per 10 min)."""
        evs = []
        secs = (t_to - t_from).total_seconds()
        times = sorted(t_from + timedelta(seconds=rng.random() * secs) for _ in range(n))
        for t in times:
            p, style = pick()
            evs += self.query(sess, t, p, style, systems_of(style), case_of(p), purpose, rng, legit=False)
        return evs

    def inj_burst(self, rng):
        """~100 lookups in 10 minutes under one case id."""
        cands = [lg for lg in self.logins if self.login_emp[lg].unit in ("patrol", "records", "dispatch", "traffic")
                 and lg == self.login_emp[lg].logins[0] and self.median_count(lg) >= 90
                 and self.login_emp[lg] not in self.inactive]
        rng.shuffle(cands)
        i = 0
        for lg in cands:
            if i >= 2:
                break
            m = self.moment(rng, login=lg)
            if not m:
                continue
            i += 1
            _, s, t = m
            e = self.login_emp[lg]
            own = self.own_open_cases(lg, t)
            case = rng.choice(own) if (i == 1 and own) else self.bogus_case(rng, t)
            self.begin()
            people = [self.citizen(rng) for _ in range(rng.randint(28, 34))]
            evs = []
            for j, p in enumerate(people):
                tt = t + timedelta(seconds=j * 570 / len(people) + rng.randint(0, 8))
                systems = ["RMS", "NCIC", "DMV"] if rng.random() < .6 else ["RMS", "NCIC", "DMV", "JMS"]
                evs += self.query(s, tt, p, "name_dob", systems, case, USUAL_PURPOSE[e.unit], rng, legit=False)
            self.label_events(evs, [("odd_volume", "burst")])

    def inj_daily_count(self, rng):
        """A day with 5-8x the user's usual number of lookups (repeat work on own cases)."""
        picks = []
        nc = sorted((e.logins[0] for e in self.newcomers if e.unit != "port"), key=self.median_count)
        pool = [lg for lg in self.logins if lg == self.login_emp[lg].logins[0]
                and 4 <= self.median_count(lg) <= 45 and self.login_emp[lg] not in self.inactive
                and self.day_worker(self.login_emp[lg]) and self.login_emp[lg] not in self.newcomers]
        rng.shuffle(pool)
        for lg in nc:
            days = sorted(self.daycount[lg])
            if len(days) >= 4:
                picks.append((lg, (days[3] - self.start).days))
                break
        if pool:
            lg = pool[0]
            days = sorted(self.daycount[lg])
            picks.append((lg, (days[0] - self.start).days))      # first day of the log
        for lg in pool[1:3]:
            days = sorted(self.daycount[lg])
            picks.append((lg, (rng.choice(days) - self.start).days))
        for lg, day in picks[:3]:
            ss = self.main_sessions(lg, day)
            if not ss:
                continue
            s = ss[0]
            d = s.start.date()
            have = self.daycount[lg][d]
            target = max(36, int(rng.uniform(5.5, 8) * self.median_count(lg, skip=d)))
            cases = self.own_open_cases(lg, s.start)
            if not cases or target <= have:
                continue
            subj = [(p, c) for c in cases[-6:] for p in c.subjects if p.role == "citizen"]
            if not subj:
                continue
            e = self.login_emp[lg]
            self.begin()
            n = target - have
            cur = {}

            def pick():
                p, c = rng.choice(subj)
                cur["c"] = c
                return p, rng.choice(["name_dob", "pid", "name_dob", "name"])

            evs = self.spread_lookups(rng, s, s.start + timedelta(minutes=15), s.end - timedelta(minutes=10), n,
                                      pick, lambda p: cur["c"], USUAL_PURPOSE[e.unit] if e.unit != "port" else "INVESTIGATION",
                                      lambda st: ["RMS"] if st == "pid" else rng.choice([["RMS"], ["NCIC"], ["DMV"]]))
            self.label_events(evs)
            self.day_label("daily_count", lg, d)

    def day_label(self, kind, lg, d):
        evs = [ev for ev in self.events if ev["user"] == lg and ev["action"] in LOOKUPS and ev["_t"].date() == d]
        self.label("odd_volume", kind, lg, evs, group=("day", d))

    def inj_off_hours(self, rng):
        """A day worker runs 40-80 lookups between 01:00 and 04:00."""
        pool = [lg for lg in self.logins if lg == self.login_emp[lg].logins[0]
                and self.day_worker(self.login_emp[lg]) and self.night_active[lg] == 0
                and self.median_count(lg) >= 40 and self.login_emp[lg] not in self.inactive
                and self.login_emp[lg].unit in ("patrol", "investigations", "records", "traffic")]
        rng.shuffle(pool)
        done = 0
        for lg in pool:
            if done >= 2:
                break
            e = self.login_emp[lg]
            day = rng.randint(1, self.D - 1)
            t0 = datetime.combine(self.start + timedelta(days=day), datetime.min.time()) + \
                timedelta(hours=1, minutes=rng.randint(0, 20))
            t1 = t0 + timedelta(hours=2, minutes=rng.randint(20, 40))
            cases = self.own_open_cases(lg, t0)
            subj = [(p, c) for c in cases[-8:] for p in c.subjects if p.role == "citizen"]
            if not subj:
                continue
            client = e.desk or rng.choice(self.site_ws[e.site])
            s = self.new_session(lg, client, t0 - timedelta(minutes=3), t1 + timedelta(minutes=4), True,
                                 e.unit, inj=True, rng=rng)
            n = min(rng.randint(40, 80), int(self.median_count(lg) * 2))
            done += 1
            cur = {}

            def pick():
                p, c = rng.choice(subj)
                cur["c"] = c
                return p, rng.choice(["name_dob", "pid", "name_dob", "plate" if p.plate else "name"])

            self.begin()
            evs = self.spread_lookups(rng, s, t0, t1, n, pick, lambda p: cur["c"], USUAL_PURPOSE[e.unit],
                                      lambda st: self.person_systems(rng, e.unit, st)[:1])
            self.label_events(evs, [("odd_volume", "off_hours")])

    def inj_distinct(self, rng):
        """A day of many unrelated people: 60-100 distinct citizens, spread over the shift."""
        pool = [lg for lg in self.logins if lg == self.login_emp[lg].logins[0]
                and self.login_emp[lg].unit in ("investigations", "records", "command", "dispatch")
                and self.median_count(lg) >= 25 and self.median_distinct(lg) <= 30
                and self.login_emp[lg] not in self.inactive]
        pool.sort(key=lambda lg: self.median_distinct(lg))
        pool = pool[:6]
        rng.shuffle(pool)
        done = 0
        for lg in pool:
            if done >= 2:
                break
            m = self.moment(rng, login=lg)
            if not m:
                continue
            done += 1
            _, s, _t = m
            e = self.login_emp[lg]
            own = self.own_open_cases(lg, s.start)
            n = rng.randint(60, 100)
            n = min(n, int(2.6 * self.median_count(lg, skip=s.start.date())))
            n = max(n, 55)
            people = []
            while len(people) < n:
                p = self.citizen(rng, people)
                people.append(p)
            it = iter(people)
            self.begin()

            def case_of(p):
                return rng.choice(own) if own and rng.random() < .5 else self.blank_case(rng)

            evs = self.spread_lookups(rng, s, s.start + timedelta(minutes=20), s.end - timedelta(minutes=20), n,
                                      lambda: (next(it), rng.choice(["name_dob", "name_dob", "name"])),
                                      case_of, USUAL_PURPOSE[e.unit],
                                      lambda st: self.person_systems(rng, e.unit, st)[:1])
            self.label_events(evs, [("odd_volume", "distinct_subjects")])

    def inj_export(self, rng):
        """Bulk exports of 10k-80k rows by patrol officers, one without a case."""
        pool = [lg for lg in self.logins if self.login_emp[lg].unit == "patrol"
                and self.login_emp[lg] not in self.inactive]
        rng.shuffle(pool)
        i = -1
        for lg in pool:
            if i >= 2:
                break
            m = self.moment(rng, login=lg)
            if not m:
                continue
            i += 1
            _, s, t = m
            own = self.own_open_cases(lg, t)
            if i == 0 or not own:
                case, purpose = self.blank_case(rng), rng.choice(["REPORT", "CALL_FOR_SERVICE", ""])
            else:
                case, purpose = rng.choice(own), "INVESTIGATION"
            self.begin()
            what = rng.choice(["PERSONS WHERE CITY=%s" % rng.choice(CITIES), "VEHICLES REGISTERED IN COUNTY",
                               "ALL INCIDENTS 2019-2024 WITH PERSON DETAILS", "DL HOLDERS AGE 18-35"])
            ev = self.emit(s, t, rng.choice(["RMS", "DMV"]), "export", None, case, self.purpose_of(purpose),
                           rng.randint(10000, 80000), "EXPORT " + what, inj=True, rng=rng)
            self.label_events([ev], [("odd_volume", "export")])

    # ---- shared credentials
    def inj_shared(self, rng):
        hq = [lg for lg in self.logins if self.login_emp[lg].unit in ("investigations", "records", "command")
              and lg == self.login_emp[lg].logins[0] and self.login_emp[lg] not in self.inactive
              and self.median_count(lg) >= 20]
        rng.shuffle(hq)
        scen = ["concurrent", "travel", "both"]
        for sc, lg in zip(scen, hq):
            e = self.login_emp[lg]
            ss = self.main_sessions(lg)
            if not ss:
                continue
            s = rng.choice(ss)
            own = sorted((ev for ev in self.events if ev["session"] == s.sid and ev["action"] in LOOKUPS),
                         key=lambda ev: ev["_t"])
            if len(own) < 5:
                continue
            self.begin()
            if sc == "concurrent":
                anchor = own[len(own) // 2]["_t"]
                client = rng.choice([c for c in self.site_ws[e.site] if c != s.client])
                st, en = anchor - timedelta(minutes=4), anchor + timedelta(minutes=rng.randint(10, 18))
                kinds = [("shared_credential", "concurrent_clients")]
            else:
                if sc == "travel":
                    st = s.end + timedelta(minutes=rng.randint(5, 10))
                    en = st + timedelta(minutes=rng.randint(8, 14))
                    kinds = [("shared_credential", "impossible_travel")]
                else:
                    anchor = own[len(own) // 2]["_t"]
                    st, en = anchor - timedelta(minutes=3), anchor + timedelta(minutes=rng.randint(10, 16))
                    kinds = [("shared_credential", "impossible_travel"), ("shared_credential", "concurrent_clients")]
                client = rng.choice(self.site_ws["POE"])
            x = self.new_session(lg, client, st, en, False, e.unit, inj=True, rng=rng)
            evs = [ev for ev in self.events if ev["session"] == x.sid]
            for j in range(rng.randint(4, 9)):
                p = self.citizen(rng)
                t = st + (en - st) * (j + 1) / 11
                evs += self.bad_query(x, t, p, "name_dob", ["NCIC"] if rng.random() < .5 else ["RMS"],
                                      self.blank_case(rng), rng.choice(["", "OTHER", USUAL_PURPOSE[e.unit]]), rng)
            # the account holder's own events around the intruder's session are evidence too
            lo, hi = st - timedelta(minutes=15), en + timedelta(minutes=15)
            if kinds[0][1] == "impossible_travel" and len(kinds) == 1:
                near = own[-2:] + [ev for ev in self.events if ev["session"] == s.sid and ev["action"] == "logout"]
            else:
                near = [ev for ev in own if lo <= ev["_t"] <= hi]
            for det, kind in kinds:
                self.label(det, kind, lg, evs + near)
            self.notes.append("shared credential %s: %s %s -> %s" % (sc, lg, s.client, client))

    def inj_inactive(self, rng):
        """A terminated / on-leave employee's login used after the end date."""
        for i, e in enumerate(self.inactive):
            lg = e.logins[0]
            day = e.end_day + rng.randint(1, 3) if e.end_day >= 0 else rng.randint(0, self.D - 2)
            if day >= self.D:
                continue
            base = datetime.combine(self.start + timedelta(days=day), datetime.min.time())
            st = base + timedelta(hours=rng.randint(9, 15), minutes=rng.randint(0, 59))
            en = st + timedelta(minutes=rng.randint(20, 50))
            client = e.desk or rng.choice(self.site_ws[e.site])
            self.begin()
            s = self.new_session(lg, client, st, en, False, e.unit, inj=True, rng=rng)
            evs = [ev for ev in self.events if ev["session"] == s.sid]
            cases = [c for c in self.cases_by_login[lg] if c.subjects and c.open_at(st) and c.assigned(e.logins, st)
                     and all(p.role == "citizen" for p in c.subjects)]
            for j in range(rng.randint(8, 18)):
                t = st + (en - st) * (j + 1) / 20
                if i == 0 and cases:
                    c = rng.choice(cases)
                    evs += self.bad_query(s, t, rng.choice(c.subjects), "name_dob", ["RMS", "NCIC"][: rng.randint(1, 2)],
                                          c, USUAL_PURPOSE[e.unit], rng)
                else:
                    evs += self.bad_query(s, t, self.citizen(rng), rng.choice(["name_dob", "name"]), ["RMS"],
                                          self.blank_case(rng), rng.choice(["", "OTHER"]), rng)
            self.label("shared_credential", "inactive_account", lg, evs)
            self.notes.append("inactive account %s (%s, end %s) used on %s" % (lg, e.status, e.end_date,
                                                                            st.date()))

    # ---- rules applied over the whole log, to keep volume labels consistent
    def auto_volume_labels(self):
        by_user = defaultdict(list)
        for ev in self.events:
            if ev["action"] in LOOKUPS and self.t0 <= ev["_t"] < self.t1:
                by_user[ev["user"]].append(ev)
        have = defaultdict(set)
        for (det, kind, user, g), evs in self.labels.items():
            for ev in evs:
                have[(det, kind, user)].add(ev["_seq"])
        for lg, evs in by_user.items():
            evs.sort(key=lambda ev: ev["_t"])
            e = self.login_emp[lg]
            days = defaultdict(list)
            for ev in evs:
                days[ev["_t"].date()].append(ev)
            counts = {d: len(v) for d, v in days.items()}
            dist = {d: len({id(ev["_person"]) for ev in v if ev["_person"] is not None}) for d, v in days.items()}
            for d, v in days.items():
                inj = [ev for ev in v if ev["_inj"]]
                others = [c for dd, c in counts.items() if dd != d]
                med = statistics.median(others) if len(others) >= 2 else None
                if med and counts[d] >= 4 * med and counts[d] >= 30:
                    if not inj:
                        self.notes.append("WARNING legit daily_count %s %s %d vs %s" % (lg, d, counts[d], med))
                    elif not any(ev["_seq"] in have[("odd_volume", "daily_count", lg)] for ev in v):
                        self.label("odd_volume", "daily_count", lg, v, group=("day", d))
                        self.notes.append("rule: daily_count also on %s %s" % (lg, d))
                od = [c for dd, c in dist.items() if dd != d]
                mdist = statistics.median(od) if len(od) >= 2 else None
                if mdist is not None and dist[d] >= 50 and dist[d] >= 3 * max(mdist, 1):
                    if not inj:
                        self.notes.append("WARNING legit distinct_subjects %s %s %d vs %s" % (lg, d, dist[d], mdist))
                    elif not any(ev["_seq"] in have[("odd_volume", "distinct_subjects", lg)] for ev in v):
                        self.label("odd_volume", "distinct_subjects", lg,
                                   [ev for ev in inj if ev["_person"] is not None], group=("dist", d))
                        self.notes.append("rule: distinct_subjects also on %s %s" % (lg, d))
            # bursts: >= 80 lookups in 10 minutes
            j = 0
            for i, ev in enumerate(evs):
                while evs[j]["_t"] < ev["_t"] - timedelta(minutes=10):
                    j += 1
                if i - j + 1 >= 80:
                    win = evs[j:i + 1]
                    if not any(x["_inj"] for x in win):
                        self.notes.append("WARNING legit burst %s %s" % (lg, ev["_t"]))
                        break
                    if not any(x["_seq"] in have[("odd_volume", "burst", lg)] for x in win):
                        self.label("odd_volume", "burst", lg, win, group=("burst", ev["_t"]))
                        have[("odd_volume", "burst", lg)].update(x["_seq"] for x in win)
                        self.notes.append("rule: burst also on %s %s" % (lg, ev["_t"]))
            # off hours: a day worker with >= 20 lookups in 00:00-05:00 of one night
            if self.day_worker(e):
                nights = defaultdict(list)
                for ev in evs:
                    if ev["_t"].hour < 5:
                        nights[ev["_t"].date()].append(ev)
                for d, v in nights.items():
                    if len(v) >= 20 and not any(ev["_seq"] in have[("odd_volume", "off_hours", lg)] for ev in v):
                        if any(ev["_inj"] for ev in v):
                            self.label("odd_volume", "off_hours", lg, v, group=("night", d))
                            self.notes.append("rule: off_hours also on %s %s" % (lg, d))
                        else:
                            self.notes.append("WARNING legit off_hours %s %s" % (lg, d))

    # ---------------------------------------------------------------- checks
    def check_legit(self):
        """Every legitimate lookup must be justified the way a careful auditor would check it."""
        bad = defaultdict(int)
        sensitive = set(id(p) for p in getattr(self, "legit_sensitive_people", []))
        for ev in self.events:
            if ev["_inj"] or ev["action"] not in LOOKUPS or not (self.t0 <= ev["_t"] < self.t1):
                continue
            lg = ev["user"]
            for k in self.case_kinds(lg, ev["_case"], ev.get("purpose"), ev["_person"], ev["_style"], ev["_t"]):
                bad["no_case/" + k] += 1
            if ev["_person"] is not None:
                for det, k in self.identity_kinds(lg, ev["_person"], ev["_style"], ev["_t"]):
                    if id(ev["_person"]) not in sensitive:
                        bad[det + "/" + k] += 1
        for k, v in sorted(bad.items()):
            self.notes.append("WARNING legit event would be flagged %s: %d" % (k, v))
        conv = defaultdict(set)
        for ev in self.events:
            if not ev["_inj"] and ev["_person"] is not None and ev["action"] in LOOKUPS:
                conv[(id(ev["_person"]), ev["_t"].date())].add(ev["user"])
        self.max_legit_convergence = max((len(v) for v in conv.values()), default=0)
        self.notes.append("max logins legitimately looking up one person in one day: %d"
                          % self.max_legit_convergence)

    # ---------------------------------------------------------------- output
    def render_case(self, ev, rng):
        c = ev["_case"]
        if c is None or c == ABSENT:
            return ABSENT
        if isinstance(c, str):
            return c
        y, n = c.year, c.num
        forms = ["C-%d-%06d" % (y, n), "c-%d-%d" % (y, n), "%d-%06d" % (y, n), " C-%d-%06d " % (y, n),
                 "C %d %06d" % (y, n), "c-%d-%06d" % (y, n), "C-%d-%06d " % (y, n), "%d %06d" % (y, n)]
        cf = ev["_cf"] if ev["_cf"] is not None else (ev["_seq"] * 0.6180339887) % 1.0
        habit = random.Random("habit-" + ev["user"]).choice([0, 0, 0, 1, 2, 3, 4, 5, 6, 7])
        if cf < .6:
            return forms[habit]
        return forms[int(cf * 1000) % len(forms)]

    def write(self, out):
        os.makedirs(os.path.join(out, "refs"), exist_ok=True)
        rng = random.Random("render-%d" % self.seed)
        evs = [ev for ev in self.events if self.t0 <= ev["_t"] < self.t1]
        evs.sort(key=lambda ev: (ev["_t"], ev["_seq"]))
        order = ["id", "ts", "user", "action", "system", "session", "client", "ip", "case_id", "purpose",
                 "subject_person_id", "subject_last_name", "subject_first_name", "subject_name", "subject_dob",
                 "subject_address", "subject_phone", "subject_plate", "subject", "result_count", "query_text",
                 "ori"]
        with open(os.path.join(out, "events.jsonl"), "w") as f:
            for i, ev in enumerate(evs, 1):
                ev["id"] = "e%07d" % i
                ev["ts"] = fmt_ts(ev["_t"], ev["_ms"])
                if ev["action"] in LOOKUPS:
                    cs = self.render_case(ev, rng)
                    if cs != ABSENT:
                        ev["case_id"] = cs
                o = {k: ev[k] for k in order if ev.get(k) not in (None, "") or
                     (k == "case_id" and k in ev)}
                f.write(json.dumps(o) + "\n")
        n_lab = 0
        with open(os.path.join(out, "labels.jsonl"), "w") as f:
            for (det, kind, user, g), lev in self.labels.items():
                lev = sorted({id(ev): ev for ev in lev if "id" in ev and self.t0 <= ev["_t"] < self.t1}.values(),
                             key=lambda ev: ev["_seq"])
                lev.sort(key=lambda ev: ev["id"])
                if not lev:
                    continue
                n_lab += 1
                f.write(json.dumps({"detector": det, "kind": kind, "user": user,
                                    "event_ids": [ev["id"] for ev in lev],
                                    "window_start": fmt_ts(min(ev["_t"] for ev in lev)),
                                    "window_end": fmt_ts(max(ev["_t"] for ev in lev))}) + "\n")
        self.write_refs(os.path.join(out, "refs"))
        with open(os.path.join(out, "custodes.toml"), "w") as f:
            f.write("[no_case]\nexempt_purposes = [%s]\n" % ", ".join('"%s"' % p for p in EXEMPT))
        return len(evs), n_lab

    def write_refs(self, d):
        def w(name, header, rows):
            with open(os.path.join(d, name), "w", newline="") as f:
                cw = csv.writer(f)
                cw.writerow(header)
                cw.writerows(rows)

        rows = []
        for e in self.employees:
            p = e.person
            for lg in e.logins:
                rows.append([lg, e.eid, p.pid if e.pid_known else "", p.last, p.first, iso(p.dob), p.addr.norm(),
                             p.phone, p.plate, e.unit, e.supervisor, e.site, e.status, iso(e.end_date)])
        w("personnel.csv", ["user", "employee_id", "person_id", "last_name", "first_name", "dob", "address",
                            "phone", "plate", "unit", "supervisor", "site", "status", "end_date"], rows)
        rows = []
        for a in self.assocs:
            p = a.person
            rows.append([a.emp.eid, a.relation, p.pid if a.pid_known else "", p.last, p.first,
                         iso(p.dob) if a.dob_known else "", p.addr.norm() if a.addr_known else "", p.phone,
                         p.plate, iso(a.valid_from), iso(a.valid_to), a.source])
        w("associations.csv", ["employee_id", "relation", "person_id", "last_name", "first_name", "dob", "address",
                               "phone", "plate", "valid_from", "valid_to", "source"], rows)
        cs = sorted(self.cases, key=lambda c: (c.year, c.num))
        w("cases.csv", ["case_id", "status", "opened", "closed", "unit"],
          [[c.cid(), "closed" if c.closed else "open", iso(c.opened.date()), iso(c.closed), c.unit] for c in cs])
        w("case_assignments.csv", ["case_id", "user", "from", "to"],
          [[c.cid(), a[0], iso(a[1]), iso(a[2])] for c in cs for a in c.assign])
        rng = random.Random("subjects-%d" % self.seed)
        rows = []
        for c in cs:
            for p in c.subjects:
                rows.append([c.cid(), p.pid if rng.random() < .92 else "", p.last, p.first,
                             iso(p.dob) if rng.random() < .93 else "", p.addr.norm() if p.addr else "",
                             p.phone, p.plate])
        w("case_subjects.csv", ["case_id", "person_id", "last_name", "first_name", "dob", "address", "phone",
                                "plate"], rows)
        w("watchlist.csv", ["person_id", "last_name", "first_name", "dob", "category"],
          [[p.pid, p.last, p.first, iso(p.dob), p.watch] for p in self.watchlist])
        w("clients.csv", ["client", "site", "lat", "lon"],
          [[c, s, "%.4f" % SITES[s][0], "%.4f" % SITES[s][1]] for c, (s, ip) in self.clients.items()])

    # ---------------------------------------------------------------- driver
    def run(self):
        self.build_watchlist()
        self.build_agency()
        self.build_associations()
        self.build_population()
        self.gen_prelog_cases()
        self.gen_legit()
        self.close_log_cases()
        self.number_cases()
        self.check_legit()
        if self.do_inject:
            self.inject()


def typo(rng, s):
    idx = [i for i, c in enumerate(s) if c.isalpha()]
    if len(idx) < 4:
        return s
    i = rng.choice(idx[1:])
    r = rng.random()
    if r < .5:
        c = rng.choice([x for x in "AEIOURSTNLMDCK" if x != s[i].upper()])
        return s[:i] + c + s[i + 1:]
    if r < .8 and s[i - 1].isalpha() and s[i - 1] != s[i]:
        return s[:i - 1] + s[i] + s[i - 1] + s[i + 1:]
    return s[:i] + s[i + 1:]


def type_address(rng, a, cs):
    parts = [str(a.num)]
    if a.dir:
        parts.append(rng.choice([a.dir, a.dir, a.dir + ".", DIR_LONG[a.dir]]))
    parts.append(a.street)
    parts.append(rng.choice([a.suf, a.suf, a.suf.title() + ".", SUFFIX_LONG[a.suf]]))
    s = " ".join(parts)
    if a.unit:
        s += rng.choice([" APT %s", " #%s", " Apt %s", " UNIT %s", " Apt. %s", ", #%s", " # %s"]) % a.unit
    r = rng.random()
    if r < .35:
        s += ", " + a.city
    elif r < .5:
        s += " " + a.city
    if rng.random() < .2:
        s = s.replace(".", "")
    return casefmt(s, cs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--users", type=int, default=80)
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-inject", action="store_true")
    a = ap.parse_args()
    if a.users < 12 or a.days < 5:
        ap.error("need at least 12 users and 5 days")
    w = World(a.seed, a.users, a.days, not a.no_inject)
    w.run()
    n_ev, n_lab = w.write(a.out)
    for n in w.notes:
        print(n, file=sys.stderr)
    print("%s: %d events, %d labels, %d cases" % (a.out, n_ev, n_lab, len(w.cases)), file=sys.stderr)


if __name__ == "__main__":
    main()
