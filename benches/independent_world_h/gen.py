#!/usr/bin/env python3
"""Harbor City PD: a synthetic query-audit world for custodes (written blind to its detectors).

python3 gen.py --seed 801 --out /tmp/iw/h801 [--users 250] [--days 45] [--start 2025-09-08] [--no-inject]
"""
import argparse
import hashlib
import json
import os
import random
import sys
import time
from collections import defaultdict, Counter
from datetime import date, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import names as NM  # noqa: E402
from timeutil import (local_to_utc, local_date, local_hour, fmt_local, fmt_z,  # noqa: E402
                      offset_at, UTC)
import inject as INJ  # noqa: E402

HIST_DAYS = 50
ORI = 'HS0420000'
EXEMPT_PURPOSES = ["TRAFFIC STOP", "DISPATCH", "PORT SECURITY", "PUBLIC RECORDS REQUEST",
                   "CRIME ANALYSIS", "SYSTEM TEST", "HOTLIST SYNC", "NIBRS SUBMISSION",
                   "NCIC VALIDATION"]
# system -> (local time?, milliseconds?)
SYS_FMT = {'RMS': (True, False), 'SSO': (True, False), 'JMS': (True, False), 'DMV': (True, True),
           'NCIC': (False, True), 'CAD': (False, False), 'LPR': (False, False)}
SYS_PREFIX = {'RMS': 'rms-', 'SSO': 'sso-', 'JMS': 'jms-', 'DMV': 'dmv-', 'NCIC': 'ncic-',
              'CAD': 'cad-', 'LPR': 'lpr-'}

PLATOONS = {'A': (7, 8), 'B': (15, 8), 'C': (23, 8), 'D': (6, 10), 'E': (14, 10), 'F': (21, 10),
            'CD': (6, 12), 'CN': (18, 12)}
NIGHT_PLATOONS = {'C', 'F', 'CN'}
PITMAN = [1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0]

OFFENSES = [  # name, weight, (min subjects, max subjects), vehicle prob, detective squad, transfer prob
    ('DISTURBANCE', 14, (2, 4), 0.05, None, 0), ('THEFT', 12, (1, 3), 0.10, None, 0),
    ('BURGLARY', 9, (1, 3), 0.10, 'DET-BURGLARY', 0.12), ('ASSAULT', 9, (2, 4), 0.05, 'DET-ROBBERY', 0.04),
    ('DOMESTIC', 10, (2, 4), 0.05, 'DET-SVU', 0.05), ('SUSPICIOUS', 10, (1, 3), 0.35, None, 0),
    ('AUTO THEFT', 5, (1, 2), 1.0, 'DET-AUTO', 0.2), ('ROBBERY', 4, (1, 4), 0.25, 'DET-ROBBERY', 0.5),
    ('TRAFFIC CRASH', 7, (2, 3), 1.0, None, 0), ('WELFARE CHECK', 7, (1, 2), 0.0, None, 0),
    ('VANDALISM', 5, (1, 2), 0.10, None, 0), ('NARCOTICS', 3, (1, 3), 0.20, None, 0),
    ('SEX OFFENSE', 1.5, (2, 3), 0.0, 'DET-SVU', 0.7), ('SHOOTING/DEATH', 1, (2, 4), 0.2, 'DET-HOMICIDE', 1.0),
    ('WARRANT ARREST', 2.5, (1, 1), 0.1, None, 0),
]
OFF_W = [o[1] for o in OFFENSES]
DET_SQUADS = ['DET-BURGLARY', 'DET-ROBBERY', 'DET-HOMICIDE', 'DET-SVU', 'DET-AUTO']

SITES = {
    'HQ': (40.1020, -74.6010), 'PCT1-STATION': (40.0950, -74.5900), 'PCT2-STATION': (40.1300, -74.5400),
    'PCT3-STATION': (40.1700, -74.6200), 'PCT4-STATION': (40.1100, -74.7000),
    'PCT5-STATION': (40.0400, -74.6300), 'COMMS-CENTER': (40.1150, -74.6150),
    'AIRPORT-SUBSTATION': (40.2800, -74.4500), 'PORT-SUBSTATION': (40.0600, -74.5200),
    'TRAFFIC-GARAGE': (40.0900, -74.6400), 'DATA-CENTER': (40.1500, -74.6600),
    'VPN-GATEWAY': (40.1020, -74.6010), 'ACADEMY': (40.9500, -74.2000),
}
SITE_NET = {'HQ': '10.20', 'PCT1-STATION': '10.11', 'PCT2-STATION': '10.12', 'PCT3-STATION': '10.13',
            'PCT4-STATION': '10.14', 'PCT5-STATION': '10.15', 'COMMS-CENTER': '10.30',
            'AIRPORT-SUBSTATION': '10.40', 'PORT-SUBSTATION': '10.41', 'TRAFFIC-GARAGE': '10.50',
            'DATA-CENTER': '10.99', 'VPN-GATEWAY': '172.16', 'ACADEMY': '10.60'}


def hsh(*k):
    return hashlib.blake2b('|'.join(map(str, k)).encode(), digest_size=8).hexdigest()


# ----------------------------------------------------------------------------------------------
class Person:
    __slots__ = ('pid', 'last', 'first', 'mid', 'sex', 'dob', 'num', 'dirc', 'street', 'stype',
                 'apt', 'hood', 'phone', 'plate', 'pct', 'addr', 'kind')

    def name_key(self):
        return (self.last, self.first)


class Emp:
    __slots__ = ('eid', 'login', 'alt_login', 'unit', 'role', 'site', 'person', 'pid_known', 'sup',
                 'status', 'end_day', 'start_day', 'sched', 'platoon', 'platoon2', 'off', 'pct',
                 'hours', 'fto', 'trainee', 'loan', 'desk', 'vpn', 'subs', 'svc')

    def __init__(self):
        for s in self.__slots__:
            setattr(self, s, None)


class Case:
    __slots__ = ('cid', 't', 'd', 'unit', 'offense', 'subjects', 'assign', 'closed', 'cad', 'pct',
                 'vehicle', 'primary', 'busy', 'flags')

    def __init__(self):
        self.assign = []
        self.closed = None
        self.cad = None
        self.busy = False
        self.flags = None
        self.primary = None


class Shift:
    __slots__ = ('login', 'emp', 'd', 't0', 't1', 'client', 'site', 'ip', 'session', 'platoon',
                 'pct', 'overtime', 'loan', 'newhire', 'bidchange', 'tin', 'tout')


class Emitter:
    """Builds event lines. stream 'L' = legitimate, 'I' = injected; ids never collide."""

    def __init__(self, world, stream):
        self.w = world
        self.stream = stream
        self.n = 0
        self.out = []      # (key_ms, id, line)
        self.hn = []       # (id, class, note)
        self.meta = {}     # id -> (key_ms, user)
        self.daycount = Counter()   # (user, utc day) -> lookups

    def emit(self, t, user, system, action, sh, fields, hn=None, session=None, client=None, ip=None):
        self.n += 1
        eid = SYS_PREFIX[system] + hsh(self.w.seed, self.stream, self.n)
        loc, ms = SYS_FMT[system]
        key = t if ms else t - t % 1000
        ts = fmt_local(t, ms) if loc else fmt_z(t, ms)
        d = {'id': eid, 'ts': ts, 'user': user, 'action': action, 'system': system}
        if sh is not None or session:
            d['session'] = session or sh.session
        if sh is not None or client:
            d['client'] = client or sh.client
            d['ip'] = ip or sh.ip
        d.update(fields)
        self.out.append((key, eid, json.dumps(d, separators=(',', ':'))))
        if hn:
            for cls, note in hn:
                self.hn.append((eid, cls, note))
        if self.stream == 'I':
            self.meta[eid] = (key, user)
        elif action in ('query', 'view', 'update', 'export'):
            self.daycount[(user, d.get('session'))] += 1
        return eid


# ----------------------------------------------------------------------------------------------
class World:
    def __init__(self, seed, users, days, start, inject):
        self.seed = seed
        self.users = users
        self.days = days
        self.start = start
        self.inject = inject
        self.day0_local = int(datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp())
        self.end_date = start + timedelta(days=days)
        self.bid_day = days // 2
        self.emps = []
        self.by_login = {}
        self.by_eid = {}
        self.clients = {}   # client -> (site, ip)
        self.cases = []
        self.case_by_id = {}
        self.assoc = []     # (emp, relation, person, valid_from, valid_to, source)
        self.watch = []     # (person, category, note)
        self.shifts = []
        self.shifts_by_login = defaultdict(list)
        self.emp_person_pids = {}
        self.emp_names = defaultdict(list)
        self.special_pids = {}
        self.ia_cases = []

    # -- helpers -------------------------------------------------------------------------------
    def R(self, *k):
        return random.Random(hashlib.blake2b(('%d|' % self.seed + '|'.join(map(str, k))).encode(),
                                             digest_size=16).digest())

    def at(self, d, hour):
        """UTC ms of local wall-clock hour (float) on window day d."""
        return local_to_utc(self.day0_local + d * 86400 + int(hour * 3600)) * 1000

    def dstr(self, d):
        return (self.start + timedelta(days=d)).isoformat()

    def dayidx(self, t):
        return local_date(t).toordinal() - self.start.toordinal()

    # -- geography ------------------------------------------------------------------------------
    def build_geo(self):
        rng = self.R('streets')
        streets = list(NM.STREETS)
        rng.shuffle(streets)
        self.hood_streets = {}
        hoods = [h for pct in NM.HOODS for h in pct] + NM.SUBURBS
        self.hood_pct = {}
        for i, pct in enumerate(NM.HOODS):
            for h in pct:
                self.hood_pct[h] = i + 1
        for s in NM.SUBURBS:
            self.hood_pct[s] = 0
        for i, h in enumerate(hoods):
            lst = []
            for j in range(6):
                nm = streets[(i * 6 + j) % len(streets)].replace('_', ' ')
                dirc = rng.choice(['', '', 'N', 'S', 'E', 'W'])
                st = rng.choice(NM.STREET_TYPES)[0]
                lst.append((nm, dirc, st))
            self.hood_streets[h] = lst

    def add_client(self, name, site):
        if name in self.clients:
            return name
        net = SITE_NET[site]
        k = len([c for c in self.clients.values() if c[0] == site]) + 11
        if name.startswith('MDT'):
            ip = '10.200.%d.%d' % (int(hsh(name)[:2], 16), 10 + int(hsh(name)[2:4], 16) % 240)
        else:
            ip = '%s.%d.%d' % (net, k // 250, k % 250)
        self.clients[name] = (site, ip)
        return name

    # -- people ---------------------------------------------------------------------------------
    def new_person(self, rng, pid, kind, hood=None, age=(18, 80), sex=None, last=None, first=None):
        p = Person()
        p.pid = pid
        p.kind = kind
        p.sex = sex or rng.choice('MF')
        if last is None:
            if rng.random() < 0.035:
                last = rng.choice(NM.COMPOUND_SURNAMES)
            else:
                i = int(len(NM.SURNAMES) * (rng.random() ** 1.6))
                last = NM.SURNAMES[i]
        p.last = last
        if first is None:
            lst = NM.MALE_FIRST if p.sex == 'M' else NM.FEMALE_FIRST
            first = lst[int(len(lst) * (rng.random() ** 1.4))]
        p.first = first
        p.mid = rng.choice('ABCDEFGHJKLMNPRSTW') if rng.random() < 0.8 else ''
        a0, a1 = age
        ag = a0 + (a1 - a0) * (rng.random() ** 1.5)
        p.dob = self.start - timedelta(days=int(ag * 365.25) + rng.randint(0, 364))
        if hood is None:
            hood = rng.choice(list(self.hood_pct))
        p.hood = hood
        p.pct = self.hood_pct.get(hood, 0)
        nm, dirc, st = rng.choice(self.hood_streets[hood])
        p.street, p.dirc, p.stype = nm, dirc, st
        p.num = rng.randint(100, 9899)
        p.apt = (str(rng.randint(1, 40)) if rng.random() < 0.7 else '%d%s' % (rng.randint(1, 6), rng.choice('ABCD'))) \
            if rng.random() < 0.3 else ''
        p.addr = '%d %s%s %s%s, %s' % (p.num, (p.dirc + ' ') if p.dirc else '', p.street, p.stype,
                                       (' APT ' + p.apt) if p.apt else '', p.hood)
        p.phone = '555%03d%04d' % (rng.randint(200, 999), rng.randint(0, 9999)) if rng.random() < 0.7 else ''
        p.plate = self.new_plate(rng) if rng.random() < 0.55 else ''
        return p

    def new_plate(self, rng):
        while True:
            r = rng.random()
            L = NM.PLATE_LETTERS
            if r < 0.7:
                pl = ''.join(rng.choice(L) for _ in range(3)) + '%04d' % rng.randint(0, 9999)
            elif r < 0.9:
                pl = '%d%s%03d' % (rng.randint(1, 9), ''.join(rng.choice(L) for _ in range(3)), rng.randint(0, 999))
            else:
                pl = ''.join(rng.choice(L) for _ in range(2)) + '%05d' % rng.randint(0, 99999)
            if pl not in self.plates:
                self.plates.add(pl)
                return pl

    def next_pid(self):
        self.pid_n += 1
        return 'MN%07d' % self.pid_n

    def build_population(self):
        rng = self.R('population')
        self.plates = set()
        self.pid_n = 1000
        n = int(self.users * self.days * 8) + 8000
        self.pool = []
        self.pool_by_pct = defaultdict(list)
        hoods = [h for pct in NM.HOODS for h in pct]
        for i in range(n):
            hood = rng.choice(hoods) if rng.random() < 0.93 else rng.choice(NM.SUBURBS)
            p = self.new_person(rng, self.next_pid(), 'pool', hood=hood, age=(14, 85))
            self.pool.append(p)
            self.pool_by_pct[p.pct].append(p)
        self.frequent = {k: v[:max(5, len(v) * 6 // 100)] for k, v in self.pool_by_pct.items()}
        self.pid_index = {p.pid: p for p in self.pool}

    def pick_subject(self, rng, pct):
        r = rng.random()
        if pct and r < 0.28:
            return rng.choice(self.frequent[pct])
        if pct and r < 0.86:
            return rng.choice(self.pool_by_pct[pct])
        return rng.choice(self.pool)

    # -- personnel ------------------------------------------------------------------------------
    def build_personnel(self):
        rng = self.R('personnel')
        U = self.users
        n_svc = 2 if U < 100 else (3 if U <= 300 else 4)
        n_alt = max(1, round(U * 0.04))
        n_emp = U - n_svc - n_alt
        frac = [('COMMS', .10, 4), ('DET', .11, 5), ('RECORDS', .04, 2), ('CRIME-ANALYSIS', .03, 2),
                ('WARRANTS', .03, 2), ('TRAFFIC', .05, 2), ('AIRPORT-PORT', .04, 2),
                ('INTERNAL-AFFAIRS', .02, 2), ('IT', .02, 1)]
        counts = {u: max(m, round(f * n_emp)) for u, f, m in frac}
        n_pat = n_emp - sum(counts.values())
        assert n_pat >= 15, 'too few users for the agency'
        logins = set()

        def mklogin(p):
            base = (p.first[0] + ''.join(ch for ch in p.last if ch.isalpha())).lower()[:10]
            if rng.random() < 0.18:
                base = 'p%05d' % rng.randint(1000, 99999)
            lg, k = base, 2
            while lg in logins:
                lg = '%s%d' % (base, k)
                k += 1
            logins.add(lg)
            return lg

        eid_n = [10000]

        def mkemp(unit, role, site):
            e = Emp()
            eid_n[0] += rng.randint(1, 37)
            e.eid = 'E%05d' % eid_n[0]
            sub = rng.random() < 0.35
            hood = rng.choice(NM.SUBURBS) if sub else rng.choice([h for pc in NM.HOODS for h in pc])
            p = self.new_person(rng, self.next_pid(), 'emp', hood=hood, age=(22, 60))
            if not p.plate:
                p.plate = self.new_plate(rng)
            if not p.phone:
                p.phone = '555%03d%04d' % (rng.randint(200, 999), rng.randint(0, 9999))
            e.person = p
            e.pid_known = rng.random() < 0.92
            e.login = mklogin(p)
            e.unit, e.role, e.site = unit, role, site
            e.status = 'active'
            e.subs = []
            self.emps.append(e)
            return e

        # patrol
        per = [n_pat // 5 + (1 if i < n_pat % 5 else 0) for i in range(5)]
        self.pct_emps = defaultdict(list)
        for i in range(5):
            pct = i + 1
            unit, site = 'PCT%d' % pct, 'PCT%d-STATION' % pct
            size = per[i]
            plats = ['A', 'B', 'C'] if pct <= 3 else ['D', 'E', 'F']
            lt = None
            if size >= 9:
                lt = mkemp(unit, 'lieutenant', site)
                lt.sched, lt.hours = 'mf', (8, 8)
                size -= 1
            nsg = max(1, round(size / 8))
            sgts = []
            for j in range(nsg):
                s = mkemp(unit, 'sergeant', site)
                s.sched = 'p8' if pct <= 3 else 'p10'
                s.platoon = plats[j % 3]
                s.off = rng.randint(0, 6)
                s.sup = lt.eid if lt else None
                s.pct = pct
                if lt:
                    lt.subs.append(s)
                sgts.append(s)
            for j in range(size - nsg):
                o = mkemp(unit, 'officer', site)
                o.sched = 'p8' if pct <= 3 else 'p10'
                o.platoon = plats[j % 3]
                o.off = (j // 3) % 7
                o.pct = pct
                cand = [s for s in sgts if s.platoon == o.platoon] or sgts
                sg = cand[j % len(cand)]
                o.sup = sg.eid
                sg.subs.append(o)
            if lt:
                lt.pct = pct
            for e in self.emps:
                if e.unit == unit:
                    self.pct_emps[pct].append(e)

        def unit_block(unit, n, site, role, sched, hours=None, platoons=None):
            out = []
            for j in range(n):
                e = mkemp(unit, role, site if isinstance(site, str) else site[j % len(site)])
                e.sched = sched
                e.hours = hours
                if platoons:
                    e.platoon = platoons[j % len(platoons)]
                    e.off = (j // len(platoons)) * 3 % 14 if sched == 'pitman' else (j // len(platoons)) % 7
                out.append(e)
            if n >= 3:
                out[0].role = 'supervisor'
                for e in out[1:]:
                    e.sup = out[0].eid
                    out[0].subs.append(e)
            return out

        self.comms = unit_block('COMMS', counts['COMMS'], 'COMMS-CENTER', 'dispatcher', 'pitman',
                                platoons=['CD', 'CN'])
        # detectives
        nd = counts['DET']
        w = [.25, .2, .2, .2, .15]
        dc = [1] * 5
        for _ in range(nd - 5):
            dc[max(range(5), key=lambda k: w[k] * nd - dc[k])] += 1
        self.squads = {}
        for sq, n in zip(DET_SQUADS, dc):
            blk = unit_block(sq, n, 'HQ', 'detective', 'mf')
            for e in blk:
                e.hours = (8, 8) if rng.random() < 0.7 else (10, 8)
            if n >= 3:
                blk[0].role = 'sergeant'
            self.squads[sq] = blk
        self.records = unit_block('RECORDS', counts['RECORDS'], 'HQ', 'clerk', 'mf', (8, 8.5))
        self.cau = unit_block('CRIME-ANALYSIS', counts['CRIME-ANALYSIS'], 'HQ', 'analyst', 'mf', (8, 9))
        self.warrants = unit_block('WARRANTS', counts['WARRANTS'], 'HQ', 'officer', 'mf', (6, 8))
        self.traffic = unit_block('TRAFFIC', counts['TRAFFIC'], 'TRAFFIC-GARAGE', 'officer', 'p10',
                                  platoons=['D', 'E'])
        self.airport = unit_block('AIRPORT-PORT', counts['AIRPORT-PORT'],
                                  ['AIRPORT-SUBSTATION', 'PORT-SUBSTATION'], 'officer', 'p10',
                                  platoons=['D', 'E', 'F'])
        self.ia = unit_block('INTERNAL-AFFAIRS', counts['INTERNAL-AFFAIRS'], 'HQ', 'investigator', 'mf', (8, 8))
        self.it = unit_block('IT', counts['IT'], 'DATA-CENTER', 'analyst', 'mf', (8, 9))
        # service accounts
        svc_names = ['svc_lpr_hotlist', 'svc_rms_nightly', 'svc_ncic_valid', 'svc_cad_bridge'][:n_svc]
        self.svc = []
        for j, nm in enumerate(svc_names):
            e = Emp()
            e.eid = 'SVC%03d' % (j + 1)
            e.login = nm
            e.unit, e.role, e.site, e.status = 'IT', 'service', 'DATA-CENTER', 'active'
            e.svc = True
            e.subs = []
            e.sup = self.it[0].eid
            self.svc.append(e)
            logins.add(nm)
        # alternate NCIC operator logins
        sworn = [e for e in self.emps if e.unit.startswith(('PCT', 'DET', 'WARR', 'TRAFFIC'))
                 and e.role in ('officer', 'detective', 'sergeant')]
        for e in rng.sample(sworn, n_alt):
            lg = 'nc%s' % e.eid[1:]
            e.alt_login = lg
            logins.add(lg)
        for e in self.emps + self.svc:
            self.by_login[e.login] = e
            if e.alt_login:
                self.by_login[e.alt_login] = e
            self.by_eid[e.eid] = e
        for e in self.emps:
            self.emp_person_pids[e.person.pid] = e
            self.emp_names[e.person.name_key()].append(e)
        assert len(self.emps) + len(self.svc) + n_alt == U, (len(self.emps), len(self.svc), n_alt, U)
        self.patrol = [e for e in self.emps if e.unit.startswith('PCT')]
        self.special_status(rng)
        self.build_clients(rng)

    def special_status(self, rng):
        D = self.days
        offs = [e for e in self.patrol if e.role == 'officer']
        rng2 = self.R('status')
        chosen = rng2.sample(offs, 7)
        # terminated mid-window, on leave mid-window, terminated before the window
        self.term_mid, self.leave_mid, self.term_pre = chosen[0], chosen[1], chosen[2]
        self.term_mid.status, self.term_mid.end_day = 'terminated', max(3, int(D * 0.35))
        self.leave_mid.status, self.leave_mid.end_day = 'leave', max(4, int(D * 0.5))
        self.term_pre.status, self.term_pre.end_day = 'terminated', -20
        dets = [e for sq in self.squads.values() for e in sq if e.role == 'detective']
        self.leave_pre = None
        if len(dets) >= 6:
            self.leave_pre = rng2.choice(dets)
            self.leave_pre.status, self.leave_pre.end_day = 'leave', -5
        # new hires (in FTO training with a senior officer)
        self.newhires = []
        nh = 2 if self.users >= 150 else 1
        for e in chosen[3:3 + nh]:
            cands = [o for o in self.pct_emps[e.pct] if o.role == 'officer' and o not in chosen and o.trainee is None]
            fto = rng2.choice(cands)
            e.start_day = min(10, D // 3)
            e.platoon, e.off, e.fto = fto.platoon, fto.off, fto
            fto.trainee = e
            self.newhires.append(e)
        # officers on loan to another precinct for a week
        self.loans = []
        nl = 2 if self.users >= 150 else 1
        for e in chosen[5:5 + nl]:
            to = rng2.choice([p for p in range(1, 6) if p != e.pct and (p <= 3) == (e.pct <= 3)])
            d0 = max(1, D // 2 - 3)
            e.loan = (to, d0, d0 + 7)
            self.loans.append(e)
        # shift bid change for a quarter of patrol officers
        for e in offs:
            if e in chosen or e.trainee:
                continue
            if rng2.random() < 0.25:
                plats = ['A', 'B', 'C'] if e.pct <= 3 else ['D', 'E', 'F']
                e.platoon2 = rng2.choice([p for p in plats if p != e.platoon])

    def build_clients(self, rng):
        for pct in range(1, 6):
            n = len(self.pct_emps[pct])
            site = 'PCT%d-STATION' % pct
            for k in range(4 + n // 3):
                self.add_client('PCT%d-WS%02d' % (pct, k + 1), site)
            for k in range(max(3, int(n * 0.6))):
                self.add_client('MDT-%d%02d' % (pct, k + 1), site)
        for k in range(max(4, len(self.comms) // 2 + 2)):
            self.add_client('COMM-CON%02d' % (k + 1), 'COMMS-CENTER')
        for k in range(3):
            self.add_client('APT-WS%02d' % (k + 1), 'AIRPORT-SUBSTATION')
            self.add_client('PORT-WS%02d' % (k + 1), 'PORT-SUBSTATION')
            self.add_client('ACAD-WS%02d' % (k + 1), 'ACADEMY')
        for k in range(max(2, len(self.traffic) // 2 + 1)):
            self.add_client('TRF-WS%02d' % (k + 1), 'TRAFFIC-GARAGE')
            self.add_client('MDT-T%02d' % (k + 1), 'TRAFFIC-GARAGE')
        for k in range(6):
            self.add_client('HQ-PUB-WS%02d' % (k + 1), 'HQ')
        for srv in ['SRV-RMSBATCH01', 'SRV-LPR01', 'SRV-NCICGW01', 'SRV-CADBRIDGE01']:
            self.add_client(srv, 'DATA-CENTER')
        tags = {'DET': 'DET', 'REC': 'REC', 'CRI': 'CAU', 'WAR': 'WAR', 'INT': 'IA', 'IT': 'IT'}
        vpn_n = 0
        for e in self.emps:
            u = e.unit
            if u.startswith(('DET', 'RECORDS', 'CRIME', 'WARRANTS', 'INTERNAL', 'IT')):
                tg = tags[u[:3]] if u[:3] in tags else tags[u[:2]]
                n = len([c for c in self.clients if c.startswith('HQ-%s-' % tg)]) + 1
                e.desk = self.add_client('HQ-%s-WS%02d' % (tg, n), 'HQ' if u != 'IT' else 'DATA-CENTER')
                vpn_n += 1
                e.vpn = self.add_client('VPN-LT%03d' % vpn_n, 'VPN-GATEWAY')
            elif u.startswith('PCT') and e.role == 'lieutenant':
                e.desk = 'PCT%d-WS01' % e.pct

    # -- associations / watchlist ---------------------------------------------------------------
    def build_assoc(self):
        rng = self.R('assoc')
        srcs = ['HR emergency contact', 'benefits enrollment', 'secondary employment disclosure',
                'self-disclosure', 'IA intake', 'protective order', 'background investigation']
        for e in self.emps:
            p = e.person
            rel = []
            if rng.random() < 0.45:
                rel.append('spouse')
            elif rng.random() < 0.2:
                rel.append('partner')
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                rel.append('family')
            if rng.random() < 0.16:
                rel.append('ex_partner')
            if rng.random() < 0.2:
                rel.append('neighbor')
            if rng.random() < 0.03:
                rel.append('protected_party')
            for r in rel:
                if r in ('spouse', 'partner'):
                    q = self.new_person(rng, self.next_pid(), 'assoc', hood=p.hood, age=(22, 60),
                                        sex='F' if p.sex == 'M' else 'M',
                                        last=p.last if (r == 'spouse' and rng.random() < 0.6) else None)
                    q.num, q.dirc, q.street, q.stype, q.apt, q.addr = p.num, p.dirc, p.street, p.stype, p.apt, p.addr
                    vf = self.start - timedelta(days=rng.randint(200, 6000))
                    vt = ''
                elif r == 'family':
                    q = self.new_person(rng, self.next_pid(), 'assoc', age=(16, 80),
                                        last=p.last if rng.random() < 0.65 else None)
                    vf, vt = '', ''
                elif r == 'ex_partner':
                    q = self.new_person(rng, self.next_pid(), 'assoc', age=(22, 60),
                                        sex='F' if p.sex == 'M' else 'M')
                    if not q.plate:
                        q.plate = self.new_plate(rng)
                    vf = self.start - timedelta(days=rng.randint(60, 2000))
                    vt = ''
                elif r == 'neighbor':
                    q = self.new_person(rng, self.next_pid(), 'assoc', hood=p.hood, age=(20, 85))
                    q.street, q.dirc, q.stype = p.street, p.dirc, p.stype
                    q.num = p.num + rng.choice([-6, -4, -2, 2, 4, 6])
                    q.apt = ''
                    q.addr = '%d %s%s %s, %s' % (q.num, (q.dirc + ' ') if q.dirc else '', q.street, q.stype, q.hood)
                    vf, vt = '', ''
                else:
                    q = self.new_person(rng, self.next_pid(), 'assoc', age=(20, 60))
                    vf = self.start - timedelta(days=rng.randint(30, 700))
                    vt = vf + timedelta(days=3 * 365)
                if rng.random() < 0.12 and r in ('family', 'neighbor'):
                    q.pid = ''   # known only by name
                src = 'protective order' if r == 'protected_party' else rng.choice(srcs[:5])
                self.assoc.append((e, r, q, vf and str(vf), vt and str(vt), src))
        taken = set((e.person.hood, e.person.street, e.person.num) for e in self.emps)
        taken |= set((q.hood, q.street, q.num) for _, _, q, _, _, _ in self.assoc)
        for p in self.pool:
            while (p.hood, p.street, p.num) in taken:
                p.num += 1
                p.addr = '%d %s%s %s%s, %s' % (p.num, (p.dirc + ' ') if p.dirc else '', p.street, p.stype,
                                               (' APT ' + p.apt) if p.apt else '', p.hood)
        self.assoc_by_emp = defaultdict(list)
        for a in self.assoc:
            self.assoc_by_emp[a[0].eid].append(a)
        rng = self.R('watch')
        for last, first, cat, note in NM.WATCHLIST:
            q = self.new_person(rng, self.next_pid(), 'watch', age=(28, 70), last=last, first=first)
            self.watch.append((q, cat, note))

    # -- schedules ------------------------------------------------------------------------------
    def shift_of(self, e, d):
        """(start_ms, end_ms, platoon) of the regular shift of e starting on day d, or None."""
        if e.start_day is not None and d < e.start_day:
            return None
        if e.end_day is not None and d >= e.end_day:
            return None
        s = e.sched
        wd = (self.start + timedelta(days=d)).weekday()
        if s == 'p8':
            on = (d + e.off) % 7 < 5
        elif s == 'p10':
            on = (d + e.off) % 7 < 4
        elif s == 'pitman':
            on = PITMAN[(d + e.off) % 14]
        else:
            on = wd < 5
        if not on:
            return None
        if e.platoon2 and d == self.bid_day:
            return None
        if s == 'mf':
            h0, hl = e.hours
            pl = 'M'
        else:
            pl = e.platoon2 if (e.platoon2 and d >= self.bid_day) else e.platoon
            h0, hl = PLATOONS[pl]
        return self.at(d, h0), self.at(d, h0 + hl), pl

    def overtime_of(self, e, d):
        if e.sched not in ('p8', 'p10') or e.role != 'officer' or e.trainee or e.start_day:
            return None
        if e.end_day is not None and d >= e.end_day:
            return None
        if self.shift_of(e, d) is not None:
            return None
        rng = self.R('ot', e.login, d)
        if rng.random() >= 0.03:
            return None
        plats = ['A', 'B', 'C'] if e.sched == 'p8' else ['D', 'E', 'F']
        prev, nxt = self.shift_of(e, d - 1), self.shift_of(e, d + 1)
        if prev is not None and prev[2] in NIGHT_PLATOONS:
            plats = [p for p in plats if p not in ('A', 'D')]
        if nxt is not None and nxt[2] in ('A', 'D'):
            plats = [p for p in plats if p not in NIGHT_PLATOONS]
        pl = rng.choice(plats)
        h0, hl = PLATOONS[pl]
        return self.at(d, h0), self.at(d, h0 + hl), pl

    def eff_pct(self, e, d):
        if e.loan and e.loan[1] <= d < e.loan[2]:
            return e.loan[0]
        return e.pct

    # -- planning -------------------------------------------------------------------------------
    def new_case(self, t, unit, offense, subjects, pct=None):
        c = Case()
        c.t = t
        c.d = self.dayidx(t)
        c.unit = unit
        c.offense = offense
        c.subjects = subjects
        c.pct = pct
        self.cases.append(c)
        return c

    def plan(self):
        self.calls_by = defaultdict(list)      # (login, d) -> [(case, role)]
        self.own_cases = defaultdict(list)     # login -> [case]
        self.pct_day_cases = defaultdict(list)  # (pct, d) -> [case]
        self.window_calls = []
        for d in range(-HIST_DAYS, self.days):
            groups = defaultdict(list)
            for e in self.patrol:
                if e.role == 'lieutenant':
                    continue
                sh = self.shift_of(e, d)
                ot = False
                if sh is None:
                    sh = self.overtime_of(e, d)
                    ot = sh is not None
                if sh is None:
                    continue
                groups[(self.eff_pct(e, d), sh[2])].append((e, sh, ot))
            for (pct, pl), grp in sorted(groups.items()):
                rng = self.R('calls', d, pct, pl)
                for e, (t0, t1, _), ot in grp:
                    n = rng.randint(11, 19) if pl in NIGHT_PLATOONS else rng.randint(12, 22)
                    training = e.start_day is not None and d < e.start_day + 14
                    if e.role == 'sergeant':
                        npri = rng.randint(1, 4)
                    elif training:
                        npri = 0
                    else:
                        npri = round(n * 0.5)
                    span = t1 - t0 - 60 * 60000
                    times = sorted(t0 + 15 * 60000 + rng.randrange(span) for _ in range(npri))
                    others = [x[0] for x in grp if x[0] is not e]
                    for t in times:
                        c = self.make_call(rng, t, pct, 'PCT%d' % pct)
                        c.primary = e
                        team = [e]
                        if others and rng.random() < 0.75:
                            r = rng.random()
                            k = min(len(others), 1 if r < 0.6 else (2 if r < 0.9 else 3))
                            team += rng.sample(others, k)
                        if e.trainee and e.trainee.start_day is not None and \
                                e.trainee.start_day <= d < e.trainee.start_day + 14 and e.trainee not in team:
                            team.append(e.trainee)
                        for j, m in enumerate(team):
                            c.assign.append([m.login, c.d, None])
                            self.own_cases[m.login].append(c)
                            if d >= 0:
                                self.calls_by[(m.login, d)].append((c, 'P' if j == 0 else 'B'))
                        self.pct_day_cases[(pct, d)].append(c)
                        if d >= 0:
                            self.window_calls.append(c)
            # traffic crash cases
            for e in self.traffic:
                sh = self.shift_of(e, d)
                if sh is None:
                    continue
                rng = self.R('crash', e.login, d)
                for _ in range(rng.randint(1, 3)):
                    t = sh[0] + 20 * 60000 + rng.randrange(sh[1] - sh[0] - 60 * 60000)
                    pct = rng.randint(1, 5)
                    subs = [(self.pick_subject(rng, pct), 'driver') for _ in range(2)]
                    c = self.new_case(t, 'TRAFFIC', 'TRAFFIC CRASH', subs, pct)
                    c.vehicle = True
                    c.primary = e
                    c.assign.append([e.login, c.d, None])
                    self.own_cases[e.login].append(c)
                    if d >= 0:
                        self.calls_by[(e.login, d)].append((c, 'P'))
                        self.window_calls.append(c)
        self.plan_detectives()
        self.plan_old_and_warrants()
        self.plan_ia()
        self.plan_specials()

    def make_call(self, rng, t, pct, unit):
        o = rng.choices(OFFENSES, OFF_W)[0]
        k = rng.randint(*o[2])
        busy = False
        if o[0] in ('DISTURBANCE', 'ASSAULT', 'SHOOTING/DEATH') and rng.random() < 0.07:
            k, busy = 4, True
        roles = {'DISTURBANCE': ['complainant', 'suspect', 'witness', 'suspect'],
                 'DOMESTIC': ['victim', 'suspect', 'witness'], 'ASSAULT': ['victim', 'suspect', 'witness', 'witness'],
                 'ROBBERY': ['victim', 'suspect', 'witness'], 'TRAFFIC CRASH': ['driver', 'driver', 'witness'],
                 'SHOOTING/DEATH': ['victim', 'witness', 'suspect', 'witness']}.get(o[0], ['complainant', 'suspect', 'witness', 'witness'])
        subs = []
        seen = set()
        for j in range(k):
            p = self.pick_subject(rng, pct)
            if p.pid in seen:
                continue
            seen.add(p.pid)
            subs.append((p, roles[j % len(roles)]))
        c = self.new_case(t, unit, o[0], subs, pct)
        c.vehicle = rng.random() < o[3]
        c.busy = busy
        return c

    def plan_detectives(self):
        self.det_cases = defaultdict(list)
        by_off = {o[0]: o for o in OFFENSES}
        for c in list(self.cases):
            o = by_off.get(c.offense)
            if not o or not o[4] or c.unit == 'TRAFFIC':
                continue
            rng = self.R('xfer', c.t)
            if rng.random() >= o[5]:
                continue
            sq = [x for x in self.squads[o[4]] if x.end_day is None or x.end_day > c.d]
            if not sq:
                continue
            det = rng.choice(sq)
            delay = 0 if o[4] == 'DET-HOMICIDE' else rng.randint(1, 6)
            for a in c.assign:
                if rng.random() < 0.3 and delay > 0:
                    a[2] = c.d + delay + 1
            c.assign.append([det.login, c.d + delay, None])
            c.unit = o[4]
            self.det_cases[det.login].append(c)
        # long-running older investigations
        for sq, members in self.squads.items():
            for e in members:
                rng = self.R('detold', e.login)
                for _ in range(rng.randint(6, 15) if sq != 'DET-HOMICIDE' else rng.randint(3, 7)):
                    d = -rng.randint(HIST_DAYS + 5, 400)
                    t = self.at(d, rng.uniform(0, 24))
                    pct = rng.randint(1, 5)
                    subs = [(self.pick_subject(rng, pct), r) for r in ['victim', 'suspect', 'witness'][:rng.randint(1, 3)]]
                    c = self.new_case(t, sq, {'DET-BURGLARY': 'BURGLARY', 'DET-ROBBERY': 'ROBBERY',
                                              'DET-HOMICIDE': 'SHOOTING/DEATH', 'DET-SVU': 'SEX OFFENSE',
                                              'DET-AUTO': 'AUTO THEFT'}[sq], subs, pct)
                    c.vehicle = sq == 'DET-AUTO'
                    c.assign.append([e.login, c.d + rng.randint(1, 5), None])
                    self.det_cases[e.login].append(c)

    def plan_old_and_warrants(self):
        # old closed cases (court preparation) for patrol, traffic and detectives
        self.old_closed = defaultdict(list)
        for e in self.emps:
            if not (e.unit.startswith(('PCT', 'DET', 'TRAFFIC'))) or e.role == 'lieutenant' or e.start_day:
                continue
            rng = self.R('oldclosed', e.login)
            for _ in range(rng.randint(8, 20)):
                d = -rng.randint(HIST_DAYS + 20, 700)
                t = self.at(d, rng.uniform(0, 24))
                pct = e.pct or rng.randint(1, 5)
                o = rng.choices(OFFENSES, OFF_W)[0]
                subs = [(self.pick_subject(rng, pct), r) for r in ['victim', 'suspect', 'witness'][:rng.randint(1, 3)]]
                unit = e.unit
                c = self.new_case(t, unit, o[0], subs, pct)
                c.vehicle = rng.random() < o[3]
                c.assign.append([e.login, c.d, None])
                c.closed = min(-12, c.d + rng.randint(10, 300))
                self.old_closed[e.login].append(c)
        # warrant cases
        self.warrant_cases = defaultdict(list)
        for e in self.warrants:
            rng = self.R('warr', e.login)
            for _ in range(rng.randint(50, 110)):
                d = -rng.randint(5, 700)
                t = self.at(d, rng.uniform(8, 17))
                pct = rng.randint(1, 5)
                c = self.new_case(t, 'WARRANTS', 'WARRANT', [(self.pick_subject(rng, pct), 'wanted')], pct)
                c.vehicle = False
                c.assign.append([e.login, max(c.d, -200), None])
                if rng.random() < 0.2:
                    c.closed = rng.randint(1, self.days + 30)   # served during the window (or after)
                self.warrant_cases[e.login].append(c)

    def plan_ia(self):
        rng = self.R('ia')
        n = 3 + self.users // 60
        targets = rng.sample([e for e in self.patrol if e.role == 'officer' and e.pid_known], n)
        self.ia_targets = set()
        for e in targets:
            d = -rng.randint(10, 120)
            t = self.at(d, rng.uniform(9, 16))
            comp = self.pick_subject(rng, e.pct)
            c = self.new_case(t, 'INTERNAL-AFFAIRS', 'IA COMPLAINT', [(e.person, 'respondent'), (comp, 'complainant')])
            c.vehicle = False
            inv = rng.choice(self.ia)
            c.assign.append([inv.login, c.d, None])
            self.ia_cases.append((c, inv, e))
            self.ia_targets.add(e.person.pid)

    def plan_specials(self):
        """Planted coincidences: namesakes, employees and watchlist people as real case subjects."""
        rng = self.R('specials')
        self.hn_person = {}   # pid -> (class, note) for lookups of that person by anyone assigned
        wc = [c for c in self.window_calls if c.unit.startswith('PCT') and c.primary is not None]
        n_ns = 3 if self.users < 150 else 5
        offs = [e for e in self.patrol if e.role == 'officer' and e.start_day is None and e.end_day is None]
        for e in rng.sample(offs, n_ns):
            cands = [c for c in wc if c.primary is e]
            if not cands:
                continue
            c = rng.choice(cands)
            q = self.new_person(rng, self.next_pid(), 'namesake', hood=rng.choice(NM.HOODS[(e.pct or 1) - 1]),
                                last=e.person.last, first=e.person.first, sex=e.person.sex)
            c.subjects[0] = (q, c.subjects[0][1])
            self.pid_index[q.pid] = q
        for _ in range(n_ns + 2):
            e = rng.choice(offs)
            y = rng.choice([x for x in self.emps if x is not e and x.unit != e.unit])
            cands = [c for c in wc if c.primary is e]
            if not cands:
                continue
            c = rng.choice(cands)
            q = self.new_person(rng, self.next_pid(), 'namesake', hood=rng.choice(NM.HOODS[(e.pct or 1) - 1]),
                                last=y.person.last, first=y.person.first, sex=y.person.sex)
            c.subjects[-1] = (q, c.subjects[-1][1])
            self.pid_index[q.pid] = q
        # employees as crime victims in a case worked by someone else
        for v in rng.sample([x for x in self.emps if x.pid_known and x.end_day is None and not x.loan
                             and x.unit not in ('COMMS', 'DET-BURGLARY', 'DET-AUTO')], 3):
            cands = [c for c in wc if c.primary.pct != v.pct and c.offense in ('THEFT', 'BURGLARY', 'VANDALISM', 'AUTO THEFT')
                     and all(a[0] != v.login for a in c.assign)]
            if cands:
                c = rng.choice(cands)
                c.subjects[0] = (v.person, 'victim')
                self.hn_person[v.person.pid] = ('employee_victim_in_assigned_case',
                                                'employee %s is the victim in this case' % v.login)
        # watchlist people as real subjects
        for q, cat, note in rng.sample(self.watch, 3):
            cands = [c for c in wc if c.offense in ('THEFT', 'BURGLARY', 'AUTO THEFT', 'VANDALISM', 'TRAFFIC CRASH')]
            if cands:
                c = rng.choice(cands)
                c.subjects[0] = (q, 'victim')
                self.hn_person[q.pid] = ('watchlist_subject_in_assigned_case', '%s (%s) is a subject of the case' % (cat, note))
        # an Amber-alert night and a BOLO afternoon
        self.amber = self.bolo = None
        if self.days >= 7:
            d = self.days // 2 + 1
            pct = rng.randint(1, 5)
            child = self.new_person(rng, self.next_pid(), 'pool', hood=rng.choice(NM.HOODS[pct - 1]), age=(5, 9))
            susp = self.new_person(rng, self.next_pid(), 'pool', hood=rng.choice(NM.HOODS[pct - 1]), age=(25, 40),
                                   last=child.last, sex='M')
            if not susp.plate:
                susp.plate = self.new_plate(rng)
            mother = self.new_person(rng, self.next_pid(), 'pool', hood=child.hood, age=(25, 40), sex='F')
            mother.addr = child.addr
            for q in (child, susp, mother):
                self.pid_index[q.pid] = q
            t = self.at(d, 19.6)
            c = self.new_case(t, 'DET-SVU', 'CHILD ABDUCTION', [(child, 'victim'), (susp, 'suspect'), (mother, 'complainant')], pct)
            c.vehicle = True
            prim = [e for e in self.pct_emps[pct] if e.role == 'officer' and self.shift_of(e, d)
                    and self.shift_of(e, d)[2] in ('B', 'E')]
            if prim:
                c.assign.append([prim[0].login, d, None])
            c.assign.append([self.squads['DET-SVU'][0].login, d, None])
            c.closed = d + 3 if d + 3 < self.days else None
            self.amber = (c, d, susp)
            d2 = max(1, self.days // 4 + 2)
            pct2 = rng.randint(1, 5)
            rob = self.new_person(rng, self.next_pid(), 'pool', hood=rng.choice(NM.HOODS[pct2 - 1]), age=(19, 35), sex='M')
            if not rob.plate:
                rob.plate = self.new_plate(rng)
            vic = self.pick_subject(rng, pct2)
            self.pid_index[rob.pid] = rob
            t2 = self.at(d2, 14.1)
            c2 = self.new_case(t2, 'DET-ROBBERY', 'ROBBERY', [(vic, 'victim'), (rob, 'suspect')], pct2)
            c2.vehicle = True
            c2.assign.append([self.squads['DET-ROBBERY'][0].login, d2, None])
            self.bolo = (c2, d2, rob)

    def finalize_cases(self):
        """Number cases in time order (YY-NNNNNN, per-year sequence), give CAD numbers, close some."""
        self.cases.sort(key=lambda c: (c.t, c.unit, c.subjects[0][0].pid))
        per_day = Counter()
        cad_day = Counter()
        for c in self.cases:
            dt = local_date(c.t)
            per_day[dt] += 1
            seq = (dt.timetuple().tm_yday - 1) * 2000 + per_day[dt] + 100
            c.cid = '%02d-%06d' % (dt.year % 100, seq)
            if c.unit.startswith('PCT') or c.unit == 'TRAFFIC' or (c.primary is not None and c.d >= -HIST_DAYS):
                cad_day[dt] += 1
                c.cad = 'C%s-%04d' % (dt.strftime('%y%m%d'), cad_day[dt])
            if c.closed is None and c.unit not in ('WARRANTS', 'INTERNAL-AFFAIRS') and c.offense != 'CHILD ABDUCTION':
                rng = self.R('close', c.cid)
                p = 0.35 if c.unit.startswith(('PCT', 'TRAFFIC')) else 0.2
                if c.d >= -HIST_DAYS and rng.random() < p:
                    cd = c.d + rng.randint(2, 30)
                    if c.unit.startswith('DET'):
                        cd = c.d + rng.randint(15, 90)
                    if cd < self.days:
                        c.closed = cd
            self.case_by_id[c.cid] = c
        self.nopid = set()
        for c in self.cases:
            c.flags = frozenset(p.pid for p, _ in c.subjects)
            for j, (p, role) in enumerate(c.subjects):
                if self.R('subjrow', c.cid, j).random() <= 0.03:
                    self.nopid.add((c.cid, p.pid))

    # -- status helpers -------------------------------------------------------------------------
    def assigned(self, c, login, d, margin=1):
        """Assignment active on local day d (legitimate work keeps a day's margin before 'to')."""
        for lg, f, to in c.assign:
            if lg == login and f <= d and (to is None or d < to - margin):
                return True
        return False

    def is_open(self, c, d):
        return c.closed is None or d < c.closed - 1

    # -- output ---------------------------------------------------------------------------------
    def write_refs(self, out):
        os.makedirs(os.path.join(out, 'refs'), exist_ok=True)

        def w(name, header, rows):
            with open(os.path.join(out, 'refs', name), 'w', newline='') as f:
                import csv
                cw = csv.writer(f, lineterminator='\n')
                cw.writerow(header)
                for r in rows:
                    cw.writerow(r)

        def ph(s):
            return '%s-%s-%s' % (s[:3], s[3:6], s[6:]) if s else ''

        rows = []
        for e in self.emps:
            p = e.person
            end = self.dstr(e.end_day) if e.end_day is not None else ''
            for lg in [e.login] + ([e.alt_login] if e.alt_login else []):
                rows.append([lg, e.eid, p.pid if e.pid_known else '', p.last, p.first, p.dob.isoformat(),
                             p.addr, ph(p.phone), p.plate, e.unit, e.sup or '', e.site, e.status, end])
        for e in self.svc:
            rows.append([e.login, e.eid, '', '', '', '', '', '', '', e.unit, e.sup or '', e.site, 'active', ''])
        rows.sort()
        w('personnel.csv', ['user', 'employee_id', 'person_id', 'last_name', 'first_name', 'dob', 'address',
                            'phone', 'plate', 'unit', 'supervisor', 'site', 'status', 'end_date'], rows)
        rows = []
        for e, r, q, vf, vt, src in self.assoc:
            rows.append([e.eid, r, q.pid, q.last, q.first, q.dob.isoformat() if q.dob else '', q.addr,
                         ph(q.phone), q.plate if r in ('spouse', 'partner', 'ex_partner', 'protected_party') else '',
                         vf, vt, src])
        rows.sort()
        w('associations.csv', ['employee_id', 'relation', 'person_id', 'last_name', 'first_name', 'dob',
                               'address', 'phone', 'plate', 'valid_from', 'valid_to', 'source'], rows)
        cr, ar, sr = [], [], []
        for c in self.cases:
            cr.append([c.cid, 'closed' if c.closed is not None and c.closed <= self.days else 'open',
                       self.dstr(c.d), self.dstr(c.closed) if c.closed is not None and c.closed <= self.days else '',
                       c.unit])
            for lg, f, to in c.assign:
                ar.append([c.cid, lg, self.dstr(f), self.dstr(to) if to is not None else ''])
            for j, (p, role) in enumerate(c.subjects):
                rng = self.R('subjrow', c.cid, j)
                pid = p.pid if rng.random() > 0.03 else ''
                assert (pid == '') == ((c.cid, p.pid) in self.nopid) or not p.pid
                dob = p.dob.isoformat() if (p.dob and rng.random() > 0.05) else ''
                plate = p.plate if (c.vehicle and role in ('suspect', 'driver', 'victim', 'wanted', 'complainant')) else ''
                sr.append([c.cid, pid, p.last, p.first, dob, p.addr, ph(p.phone) if rng.random() < 0.7 else '', plate])
        w('cases.csv', ['case_id', 'status', 'opened', 'closed', 'unit'], cr)
        w('case_assignments.csv', ['case_id', 'user', 'from', 'to'], ar)
        w('case_subjects.csv', ['case_id', 'person_id', 'last_name', 'first_name', 'dob', 'address', 'phone', 'plate'], sr)
        self.n_refs = {'cases': len(cr), 'case_assignments': len(ar), 'case_subjects': len(sr)}
        w('watchlist.csv', ['person_id', 'last_name', 'first_name', 'dob', 'category'],
          sorted([q.pid, q.last, q.first, q.dob.isoformat(), cat] for q, cat, _ in self.watch))
        w('clients.csv', ['client', 'site', 'lat', 'lon'],
          sorted([c, s, '%.4f' % SITES[s][0], '%.4f' % SITES[s][1]] for c, (s, ip) in self.clients.items()))
        with open(os.path.join(out, 'custodes.toml'), 'w') as f:
            f.write('# Harbor City PD policy: purposes that legitimately run without a case number\n')
            f.write('[no_case]\nexempt_purposes = [%s]\n' % ', '.join('"%s"' % p for p in EXEMPT_PURPOSES))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seed', type=int, default=801)
    ap.add_argument('--users', type=int, default=250)
    ap.add_argument('--days', type=int, default=45)
    ap.add_argument('--start', default='2025-09-08')
    ap.add_argument('--out', required=True)
    ap.add_argument('--no-inject', action='store_true')
    a = ap.parse_args()
    if not 60 <= a.users <= 400:
        ap.error('--users must be between 60 and 400')
    if a.days < 3:
        ap.error('--days must be at least 3')
    t0 = time.time()
    w = World(a.seed, a.users, a.days, date.fromisoformat(a.start), not a.no_inject)
    w.build_geo()
    w.build_population()
    w.build_personnel()
    w.build_assoc()
    w.plan()
    w.finalize_cases()
    sys.modules.setdefault('gen', sys.modules[__name__])
    import activity
    leg = Emitter(w, 'L')
    activity.generate(w, leg)
    inj = Emitter(w, 'I')
    labels = []
    if w.inject:
        labels = INJ.inject(w, inj, leg)
    os.makedirs(a.out, exist_ok=True)
    w.write_refs(a.out)
    allev = leg.out + inj.out
    allev.sort(key=lambda x: (x[0], x[1]))
    ids = set()
    with open(os.path.join(a.out, 'events.jsonl'), 'w') as f:
        for k, eid, line in allev:
            assert eid not in ids, eid
            ids.add(eid)
            f.write(line)
            f.write('\n')
    order = {eid: i for i, (_, eid, _) in enumerate(leg.out)}
    keyof = {eid: k for k, eid, _ in leg.out}
    hn = sorted(set(leg.hn), key=lambda x: (keyof[x[0]], x[0], x[1], x[2]))
    del order
    with open(os.path.join(a.out, 'hard_negatives.tsv'), 'w') as f:
        f.write('event_id\tclass\tnote\n')
        for eid, cls, note in hn:
            f.write('%s\t%s\t%s\n' % (eid, cls, note.replace('\t', ' ')))
    with open(os.path.join(a.out, 'labels.jsonl'), 'w') as f:
        for lab in labels:
            f.write(json.dumps(lab, separators=(',', ':')) + '\n')
    write_summary(w, a, leg, inj, labels, hn, time.time() - t0)
    print('%s: %d events (%d injected), %d labels, %d hard negatives, %.1fs' % (
        a.out, len(allev), len(inj.out), len(labels), len(hn), time.time() - t0))


def write_summary(w, a, leg, inj, labels, hn, secs):
    L = []
    L.append('Harbor City Police Department -- synthetic audit world')
    L.append('seed=%d users=%d days=%d start=%s inject=%s' % (a.seed, a.users, a.days, a.start, not a.no_inject))
    L.append('window: %s .. %s (local time America/New_York-style offsets)' % (w.start, w.end_date - timedelta(days=1)))
    L.append('')
    L.append('logins: %d (employees %d, alternate NCIC operator logins %d, service accounts %d)' % (
        a.users, len(w.emps), sum(1 for e in w.emps if e.alt_login), len(w.svc)))
    cu = Counter(e.unit for e in w.emps)
    for u in sorted(cu):
        L.append('  unit %-18s %d' % (u, cu[u]))
    cs = Counter(e.status for e in w.emps)
    L.append('status: ' + ', '.join('%s=%d' % kv for kv in sorted(cs.items())))
    L.append('new hires in FTO training: %s' % ', '.join(e.login for e in w.newhires))
    L.append('officers on loan: %s' % ', '.join('%s PCT%d->PCT%d days %d-%d' % (e.login, e.pct, *e.loan) for e in w.loans))
    L.append('shift-bid change on day %d for %d officers' % (w.bid_day, sum(1 for e in w.emps if e.platoon2)))
    L.append('clients: %d at %d sites' % (len(w.clients), len(set(s for s, _ in w.clients.values()))))
    L.append('')
    L.append('persons in master name index (pool): %d' % len(w.pool))
    L.append('associations: %d (%s)' % (len(w.assoc), ', '.join('%s=%d' % kv for kv in sorted(Counter(x[1] for x in w.assoc).items()))))
    L.append('watchlist: %d (%s)' % (len(w.watch), ', '.join('%s=%d' % kv for kv in sorted(Counter(x[1] for x in w.watch).items()))))
    L.append('cases: %d (opened in window %d, before %d); closed by window end %d' % (
        len(w.cases), sum(1 for c in w.cases if c.d >= 0), sum(1 for c in w.cases if c.d < 0),
        sum(1 for c in w.cases if c.closed is not None and c.closed <= w.days)))
    for u, n in sorted(Counter(c.unit for c in w.cases).items()):
        L.append('  cases unit %-18s %d' % (u, n))
    L.append('case_assignments rows: %d, case_subjects rows: %d' % (w.n_refs['case_assignments'], w.n_refs['case_subjects']))
    pat = [e for e in w.patrol if e.role == 'officer' and e.end_day is None and e.start_day is None]
    if pat:
        per = sorted(len(set(c.cid for c in w.own_cases[e.login])) for e in pat)
        L.append('cases assigned per patrol officer (incl. pre-window history): median %d, min %d, max %d' % (
            per[len(per) // 2], per[0], per[-1]))
    L.append('')
    L.append('events: %d legitimate + %d injected = %d' % (len(leg.out), len(inj.out), len(leg.out) + len(inj.out)))
    sysc = Counter()
    for _, eid, _ in leg.out + inj.out:
        sysc[eid.split('-')[0]] += 1
    L.append('  by system: ' + ', '.join('%s=%d' % kv for kv in sorted(sysc.items())))
    L.append('incidents injected: %d; labels: %d' % (len(set(l['note'].split(':')[0] for l in labels)), len(labels)))
    for k, n in sorted(Counter((l['detector'], l['kind']) for l in labels).items()):
        L.append('  label %s/%s: %d' % (k[0], k[1], n))
    L.append('hard negatives: %d lines' % len(hn))
    for k, n in sorted(Counter(x[1] for x in hn).items()):
        L.append('  %-40s %d' % (k, n))
    L.append('')
    L.append('exempt purposes (custodes.toml): ' + ', '.join(EXEMPT_PURPOSES))
    with open(os.path.join(a.out, 'world_summary.txt'), 'w') as f:
        f.write('\n'.join(L) + '\n')


if __name__ == '__main__':
    main()
