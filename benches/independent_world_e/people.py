"""The people and vehicles in the DMV's records (all invented).

A Person is a DMV customer record: customer number (person_id), legal name, date of birth,
residence address, phone, driver licence number (Soundex style, as several states issue them)
and registered vehicles (plate, VIN with a correct check digit, year, make, model).
"""
import datetime as dt

import names as NM

VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
VIN_TRANSLIT = {**{str(i): i for i in range(10)},
                **dict(zip("ABCDEFGH", range(1, 9))), **dict(zip("JKLMN", range(1, 6))),
                "P": 7, "R": 9, **dict(zip("STUVWXYZ", range(2, 10)))}
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
VIN_YEAR = "ABCDEFGHJKLMNPRSTVWXY123456789"   # 2010=A ... cycles every 30 years


class Town:
    __slots__ = ("name", "lat", "lon", "zip", "pop")

    def __init__(self, name, lat, lon, zip_, pop):
        self.name, self.lat, self.lon, self.zip, self.pop = name, lat, lon, zip_, pop


class Vehicle:
    __slots__ = ("plate", "vin", "year", "make", "model", "owner")

    def __init__(self, plate, vin, year, make, model, owner):
        self.plate, self.vin, self.year, self.make, self.model, self.owner = \
            plate, vin, year, make, model, owner


class Address:
    __slots__ = ("no", "pre", "street", "stype", "unit", "town", "zip")

    def __init__(self, no, pre, street, stype, unit, town, zip_):
        self.no, self.pre, self.street, self.stype, self.unit, self.town, self.zip = \
            no, pre, street, stype, unit, town, zip_

    def line(self):
        parts = [str(self.no)]
        if self.pre:
            parts.append(self.pre)
        parts.append(self.street)
        parts.append(NM.STREET_TYPES[self.stype][0])
        if self.unit:
            parts.append("APT " + self.unit)
        return " ".join(parts)

    def full(self):
        return "%s, %s %s" % (self.line(), self.town, self.zip)

    def building_key(self):
        return (self.no, self.pre, self.street, self.stype, self.town)


class Person:
    __slots__ = ("pid", "last", "first", "middle", "suffix", "sex", "dob", "nicks", "addr",
                 "phone", "dl", "vehicles", "kind", "aliases", "old_addr")

    def __init__(self):
        self.vehicles = []
        self.aliases = []
        self.old_addr = None
        self.kind = "public"
        self.suffix = ""
        self.middle = ""
        self.nicks = []
        self.dl = ""

    def name(self):
        return "%s, %s" % (self.last, self.first)


def soundex(name):
    name = "".join(c for c in name.upper() if c.isalpha()) or "X"
    codes = {**dict.fromkeys("BFPV", "1"), **dict.fromkeys("CGJKQSXZ", "2"),
             **dict.fromkeys("DT", "3"), "L": "4", **dict.fromkeys("MN", "5"), "R": "6"}
    out = name[0]
    prev = codes.get(name[0], "")
    for c in name[1:]:
        code = codes.get(c, "")
        if code and code != prev:
            out += code
        if c not in "HW":
            prev = code
    return (out + "000")[:4]


def vin_check(v16):
    """v16: the 17 VIN characters with '?' at position 9; returns the full VIN."""
    total = sum(VIN_TRANSLIT[c] * w for c, w in zip(v16, VIN_WEIGHTS) if c != "?")
    cd = total % 11
    return v16[:8] + ("X" if cd == 10 else str(cd)) + v16[9:]


class Population:
    """Builds towns and people; keeps the uniqueness sets for ids, plates and licences."""

    def __init__(self, r, size):
        self.r = r
        self.people = []
        self.by_pid = {}
        self.plates = set()
        self.dls = set()
        self.pids = set()
        self.vehicles = []
        self._surname_w = [1.0 / (i + 6) ** 0.85 for i in range(len(NM.SURNAMES))]
        self.towns = self._make_towns()
        self._town_w = [t.pop for t in self.towns]
        for _ in range(size):
            self.add(self.new_person())

    # -- places -------------------------------------------------------------------------------
    def _make_towns(self):
        r = self.r
        towns, seen = [], set()
        while len(towns) < 26:
            name = r.choice(NM.TOWN_A) + r.choice(NM.TOWN_B)
            if name in seen:
                continue
            seen.add(name)
            lat = round(r.uniform(40.7, 43.4), 4)
            lon = round(r.uniform(-96.3, -90.4), 4)
            pop = r.choice([3, 5, 8, 12, 20, 35, 60]) if towns else 90
            towns.append(Town(name, lat, lon, "5%04d" % r.randint(200, 2899), pop))
        return towns

    def town_near(self, town, r=None):
        r = r or self.r
        near = sorted(self.towns, key=lambda t: (t.lat - town.lat) ** 2 + (t.lon - town.lon) ** 2)
        return near[0] if r.random() < 0.6 else r.choice(near[:4])

    def new_address(self, town=None, r=None):
        r = r or self.r
        town = town or r.choices(self.towns, weights=self._town_w)[0]
        unit = ""
        if r.random() < 0.22:
            unit = r.choice(["%d%s" % (r.randint(1, 4), r.choice("ABCD")), str(r.randint(1, 24)),
                             "%d%02d" % (r.randint(1, 3), r.randint(1, 12))])
        pre = r.choice(NM.DIRECTIONS)[0] if r.random() < 0.3 else ""
        return Address(r.choice([r.randint(100, 999), r.randint(1000, 9999), r.randint(10, 99)]),
                       pre, r.choice(NM.STREETS), r.randrange(len(NM.STREET_TYPES)), unit,
                       town.name, town.zip)

    def town_by_name(self, name):
        for t in self.towns:
            if t.name == name:
                return t
        return self.towns[0]

    # -- identifiers --------------------------------------------------------------------------
    def new_pid(self):
        while True:
            pid = "C%08d" % self.r.randint(1000000, 99999999)
            if pid not in self.pids:
                self.pids.add(pid)
                return pid

    def new_plate(self):
        r = self.r
        while True:
            x = r.random()
            if x < 0.05:
                p = r.choice(NM.VANITY_WORDS) + (str(r.randint(1, 9)) if r.random() < 0.5 else "")
            elif x < 0.08:
                p = "DV%04d" % r.randint(1, 9999)
            else:
                p = "".join(r.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3)) + \
                    "%03d" % r.randint(0, 999)
            p = p.replace(" ", "")[:7]
            if p not in self.plates:
                self.plates.add(p)
                return p

    def new_vin(self, year):
        r = self.r
        wmi, make, models = r.choice(NM.VEHICLES)
        body = "".join(r.choice(VIN_CHARS) for _ in range(5))
        yc = VIN_YEAR[(year - 2010) % 30]
        serial = "%06d" % r.randint(0, 999999)
        vin = vin_check(wmi + body + "?" + yc + r.choice(VIN_CHARS[:20]) + serial)
        return vin, make, r.choice(models)

    def new_dl(self, last):
        while True:
            dl = "%s-%04d-%04d-%02d" % (soundex(last), self.r.randint(0, 9999),
                                        self.r.randint(0, 9999), self.r.randint(0, 99))
            if dl not in self.dls:
                self.dls.add(dl)
                return dl

    def new_phone(self, r=None):
        r = r or self.r
        return r.choice(NM.AREA_CODES) + "555" + "%04d" % r.randint(100, 9999)

    # -- people -------------------------------------------------------------------------------
    def surname(self, r=None):
        r = r or self.r
        s = r.choices(NM.SURNAMES, weights=self._surname_w)[0]
        if r.random() < 0.035:
            s2 = r.choices(NM.SURNAMES, weights=self._surname_w)[0]
            if s2 != s and " " not in s and " " not in s2 and "'" not in s2:
                s = s + "-" + s2
        return s

    def new_person(self, last=None, first=None, sex=None, age=None, town=None, kind="public",
                   vehicles=None, addr=None):
        r = self.r
        p = Person()
        p.pid = self.new_pid()
        p.kind = kind
        p.sex = sex or r.choice("MF")
        p.last = last or self.surname()
        pool = NM.MALE_FIRST if p.sex == "M" else NM.FEMALE_FIRST
        if first:
            p.first = first
            p.nicks = next((n for f, n in pool if f == first), [])
        else:
            p.first, p.nicks = pool[min(int(r.expovariate(1 / 30.0)), len(pool) - 1)]
        if r.random() < 0.8:
            p.middle = r.choice(NM.MIDDLE_INITIALS)
        if p.sex == "M" and r.random() < 0.03:
            p.suffix = r.choice(NM.SUFFIXES)
        if age is None:
            age = int(min(92, max(16, r.gauss(44, 17))))
        today = dt.date(2025, 10, 20)
        p.dob = (today - dt.timedelta(days=int(age * 365.25) + r.randint(0, 364))).isoformat()
        p.addr = addr or self.new_address(town)
        p.phone = self.new_phone()
        p.dl = self.new_dl(p.last) if (age >= 16 and r.random() < 0.93) else ""
        nveh = vehicles if vehicles is not None else (
            0 if age < 17 else r.choices([0, 1, 2, 3], weights=[22, 45, 26, 7])[0])
        for _ in range(nveh):
            self.add_vehicle(p)
        return p

    def add_vehicle(self, p, year=None):
        r = self.r
        year = year or r.choices(range(2004, 2027), weights=[1 + i // 2 for i in range(23)])[0]
        vin, make, model = self.new_vin(year)
        v = Vehicle(self.new_plate(), vin, year, make, model, p.pid)
        p.vehicles.append(v)
        self.vehicles.append(v)
        return v

    def add(self, p):
        self.people.append(p)
        self.by_pid[p.pid] = p
        return p
