"""Legitimate day-to-day activity of every unit of Harbor City PD."""
from collections import defaultdict

import typing_model as TM
from gen import Shift, hsh, NIGHT_PLATOONS, PLATOONS
from timeutil import local_hour

SEC = 1000
MIN = 60000

TEST_PID = 'MN0000001'


def session_id(*k):
    h = hsh(*k)
    return '%s.%s' % (h[:8], h[8:12])


# ----------------------------------------------------------------------------------------------
class Actor:
    """One user on one shift: emits events through the emitter with the shift's session/client."""

    def __init__(self, w, em, sh, rng, hn0=()):
        self.w, self.em, self.sh, self.rng = w, em, sh, rng
        self.e = sh.emp
        self.user = sh.login
        self.hn0 = list(hn0)
        alt = self.e.alt_login
        self.nc_user = alt or self.user
        self.nc_sess = session_id(sh.session, 'ncic') if alt else None

    def hn_for(self, p, extra=()):
        hn = list(self.hn0) + list(extra)
        w = self.w
        x = w.hn_person.get(p.pid)
        if x:
            hn.append(x)
        if p.kind != 'emp':
            ns = w.emp_names.get((p.last, p.first))
            if ns:
                if self.e in ns:
                    hn.append(('namesake_of_self', '%s %s shares the name of the user' % (p.first, p.last)))
                else:
                    hn.append(('namesake_of_coworker', '%s %s shares the name of employee %s' % (
                        p.first, p.last, ns[0].login)))
        elif p.pid in w.ia_targets and self.e.unit == 'INTERNAL-AFFAIRS':
            hn.append(('ia_employee_lookup', 'IA investigator looks up the respondent employee'))
        return hn

    def ev(self, t, system, action, fields, hn=None, user=None, session=None):
        pid = fields.get('subject_person_id')
        if pid and (fields.get('case_id'), pid) in self.w.nopid:
            hn = list(hn or ()) + [('case_subject_listed_without_person_id',
                                    'case_subjects row for this person has no person_id (name/DOB only)')]
        return self.em.emit(t, user or self.user, system, action, self.sh, fields, hn, session=session)

    def ncic(self, t, fields, hn):
        if self.e.alt_login:
            hn = list(hn) + [('alt_login_same_employee', 'NCIC operator login %s of %s' % (self.e.alt_login, self.user))]
            return self.ev(t, 'NCIC', 'query', fields, hn, user=self.nc_user, session=self.nc_sess)
        return self.ev(t, 'NCIC', 'query', fields, hn)

    # -- building blocks ------------------------------------------------------------------------
    def rc_name(self, first, dob):
        r = self.rng
        if dob:
            return r.choice([1, 1, 1, 1, 2, 0])
        if not first:
            return r.randint(4, 80)
        if len(first) == 1:
            return r.randint(2, 25)
        return r.choice([1, 1, 2, 2, 3, 4, 6, 9, 14])

    def person_lookup(self, t, p, rms_case, ext_case, purpose, level, extra_hn=(), role='subject', vehicle=False):
        rng = self.rng
        hnb = self.hn_for(p, extra_hn)
        tl, cl = TM.t_last(p, rng)
        tf, cf = TM.t_first(p, rng)
        hnt = list(hnb)
        for cls in (cl, cf):
            if cls:
                hnt.append((cls, 'typed "%s %s" for %s %s' % (tf, tl, p.first, p.last)))
        dob = p.dob if (p.dob and rng.random() < 0.72) else None
        ds = dob.isoformat() if dob else None
        ncase = {'case_id': rms_case, 'purpose': purpose}
        ecase = {'case_id': ext_case, 'purpose': purpose}
        if level == 'busy' or rng.random() < 0.05:
            wrong = TM.typo(tl, rng)
            f = dict(ncase)
            f.update(subject_last_name=wrong, subject_first_name=tf)
            if ds:
                f['subject_dob'] = ds
            f.update(result_count=0, query_text='PERSON SEARCH LAST=%s FIRST=%s' % (wrong, tf))
            self.ev(t, 'RMS', 'query', f, hnt + [('typed_typo', 'first attempt mistyped, retyped')])
            t += rng.randint(6, 25) * SEC
        # fan-out of one typed query to RMS, NCIC and (often) DMV, within the same second
        f = dict(ncase)
        f['subject_last_name'] = tl
        if tf:
            f['subject_first_name'] = tf
        if ds:
            f['subject_dob'] = ds
        f['result_count'] = self.rc_name(tf, dob)
        f['query_text'] = 'PERSON SEARCH LAST=%s FIRST=%s%s' % (tl, tf, (' DOB=' + TM.dob_text(dob, rng)) if dob else '')
        t0 = t - t % 1000
        self.ev(t0 + rng.randint(0, 300), 'RMS', 'query', f, hnt)
        wn = TM.whole(tl, tf, p.mid if rng.random() < 0.5 else '', rng)
        f = dict(ecase)
        f['subject_name'] = wn
        if ds:
            f['subject_dob'] = ds
        f['result_count'] = rng.choice([0, 0, 0, 0, 1]) if role in ('suspect', 'wanted') else 0
        f['query_text'] = 'QW.%s.NAM/%s%s.SEX/%s' % (TM.ORI if hasattr(TM, 'ORI') else 'HS0420000', wn.upper(),
                                                     ('.DOB/' + dob.strftime('%Y%m%d')) if dob else '', p.sex)
        self.ncic(t0 + rng.randint(300, 999), f, hnt)
        pdmv = {'full': 0.6, 'light': 0.25, 'busy': 1.0, 'det': 0.3, 'stop': 0.0, 'plain': 0.3}[level]
        if rng.random() < pdmv:
            f = dict(ecase)
            f['subject_last_name'] = tl
            if tf:
                f['subject_first_name'] = tf
            if ds:
                f['subject_dob'] = ds
            f['result_count'] = 1 if dob else rng.randint(1, 12)
            f['query_text'] = 'DL INQ NAME=%s%s' % (wn.upper(), (' DOB=' + dob.strftime('%m/%d/%Y')) if dob else '')
            self.ev(t0 + rng.randint(400, 999), 'DMV', 'query', f, hnt)
        t += rng.randint(5, 40) * SEC
        pview = {'full': 0.8, 'light': 0.35, 'busy': 1.0, 'det': 0.9, 'stop': 0.35, 'plain': 0.5}[level]
        if p.pid and level in ('full', 'det') and rng.random() < 0.3:
            # the record is opened again later while the report / case notes are written
            f = dict(ncase)
            f.update(subject_person_id=p.pid, subject_last_name=p.last, subject_first_name=p.first)
            if p.dob:
                f['subject_dob'] = p.dob.isoformat()
            f.update(result_count=1, query_text='OPEN MNI %s' % p.pid)
            self.ev(t + rng.randint(15, 50) * MIN, 'RMS', 'view', f, hnb)
        if rng.random() < pview and p.pid:
            for _ in range(2 if (level == 'busy' and rng.random() < 0.5) else 1):
                f = dict(ncase)
                f.update(subject_person_id=p.pid, subject_last_name=p.last, subject_first_name=p.first)
                if p.dob:
                    f['subject_dob'] = p.dob.isoformat()
                f.update(result_count=1, query_text='OPEN MNI %s' % p.pid)
                self.ev(t, 'RMS', 'view', f, hnb)
                t += rng.randint(8, 50) * SEC
            if level in ('full', 'busy', 'det'):
                for tab, pt in (('PRIOR INCIDENTS', 0.6), ('PHOTO', 0.4), ('VEHICLES', 0.2)):
                    if rng.random() < pt:
                        f = dict(ncase)
                        f.update(subject_person_id=p.pid, subject_last_name=p.last, subject_first_name=p.first,
                                 result_count=rng.randint(0, 12), query_text='MNI %s TAB=%s' % (p.pid, tab))
                        self.ev(t, 'RMS', 'view', f, hnb)
                        t += rng.randint(5, 40) * SEC
        pqh = {'busy': 0.6, 'det': 0.4}.get(level, 0.3 if role in ('suspect', 'wanted') else 0.05)
        if rng.random() < pqh:
            f = dict(ecase)
            f['subject_name'] = wn
            if ds:
                f['subject_dob'] = ds
            f['result_count'] = rng.choice([0, 1, 1])
            f['query_text'] = 'QH.HS0420000.NAM/%s%s.PUR/C' % (wn.upper(), ('.DOB/' + dob.strftime('%Y%m%d')) if dob else '')
            self.ncic(t, f, hnt)
            t += rng.randint(5, 30) * SEC
        pveh = {'busy': 0.7, 'det': 0.3}.get(level, 0.3)
        if vehicle and p.plate and rng.random() < pveh:
            t = self.plate_lookup(t, p.plate, rms_case, ext_case, purpose, hnb)
        if level == 'det' and rng.random() < 0.25:
            f = dict(ncase)
            f.update(subject_last_name=tl, subject_first_name=tf, result_count=rng.randint(0, 4),
                     query_text='BOOKING SEARCH %s, %s' % (tl, tf))
            self.ev(t, 'JMS', 'query', f, hnt)
            t += rng.randint(10, 60) * SEC
        if p.phone and rng.random() < (0.08 if level == 'det' else 0.015):
            f = dict(ncase)
            f.update(subject_phone=TM.t_phone(p.phone, rng), result_count=rng.randint(1, 3),
                     query_text='PHONE SEARCH')
            self.ev(t, 'RMS', 'query', f, hnb)
            t += rng.randint(10, 40) * SEC
        return t

    def plate_lookup(self, t, plate, rms_case, ext_case, purpose, hn, lpr=False):
        rng = self.rng
        tp, cls = TM.t_plate(plate, rng)
        hnp = list(hn) + ([(cls, 'plate typed "%s" for %s' % (tp, plate))] if cls else [])
        t0 = t - t % 1000
        f = {'case_id': ext_case, 'purpose': purpose, 'subject_plate': tp, 'result_count': 1,
             'query_text': 'REG INQ PLATE=%s' % tp}
        self.ev(t0 + rng.randint(0, 400), 'DMV', 'query', f, hnp)
        f = {'case_id': ext_case, 'purpose': purpose, 'subject_plate': tp, 'result_count': rng.choice([0, 0, 0, 1]),
             'query_text': 'QV.HS0420000.LIC/%s.LIS/HS' % tp.replace(' ', '')}
        self.ncic(t0 + rng.randint(400, 999), f, hnp)
        if lpr:
            f = {'case_id': ext_case, 'purpose': purpose, 'subject_plate': tp, 'result_count': rng.randint(0, 30),
                 'query_text': 'LPR HIT SEARCH %s 30D' % tp}
            self.ev(t0 + 1500, 'LPR', 'query', f, hnp)
        return t + rng.randint(10, 40) * SEC

    def view(self, t, p, case_id, purpose, hn, action='view'):
        f = {'case_id': case_id, 'purpose': purpose, 'subject_person_id': p.pid,
             'subject_last_name': p.last, 'subject_first_name': p.first}
        if p.dob:
            f['subject_dob'] = p.dob.isoformat()
        f['result_count'] = 1
        f['query_text'] = ('OPEN MNI %s' if action == 'view' else 'UPDATE MNI %s FIELDS=ADDRESS,PHONE,ROLE') % p.pid
        return self.ev(t, 'RMS', action, f, hn)

    def login(self, t, client_label='', fail_p=0.02):
        if self.rng.random() < fail_p:
            self.em.emit(t - 40 * SEC, self.user, 'SSO', 'login_failed', self.sh,
                         {'query_text': 'bad password'}, self.hn0)
        self.em.emit(t, self.user, 'SSO', 'login', self.sh, {'query_text': 'SSO LOGIN %s' % client_label}, self.hn0)
        self.sh.tin = t

    def logout(self, t):
        self.em.emit(t, self.user, 'SSO', 'logout', self.sh, {}, self.hn0)
        self.sh.tout = t


# ----------------------------------------------------------------------------------------------
def build_shifts(w):
    """Registry of every worked shift in the window (regular + overtime)."""
    for e in w.emps:
        bid_seen = 0
        for d in range(w.days):
            s = w.shift_of(e, d)
            ot = False
            if s is None:
                s = w.overtime_of(e, d) if e.unit.startswith('PCT') else None
                ot = s is not None
            if s is None:
                continue
            rng = w.R('shiftsetup', e.login, d)
            sh = Shift()
            sh.login, sh.emp, sh.d, sh.t0, sh.t1, sh.platoon = e.login, e, d, s[0], s[1], s[2]
            sh.overtime = ot
            sh.pct = w.eff_pct(e, d) if e.pct else None
            sh.loan = bool(e.loan and e.loan[1] <= d < e.loan[2])
            sh.newhire = e.start_day is not None and d < e.start_day + 14
            sh.bidchange = False
            if e.platoon2 and d >= w.bid_day and bid_seen < 2 and not ot:
                sh.bidchange = True
                bid_seen += 1
            u = e.unit
            if u.startswith('PCT'):
                if e.role == 'lieutenant':
                    cl = e.desk
                else:
                    mdts = [c for c in w.clients if c.startswith('MDT-%d' % sh.pct)]
                    cl = rng.choice(mdts)
            elif u == 'COMMS':
                cl = rng.choice([c for c in w.clients if c.startswith('COMM-CON')])
            elif u == 'TRAFFIC':
                cl = rng.choice([c for c in w.clients if c.startswith('MDT-T')])
            elif u == 'AIRPORT-PORT':
                pre = 'APT-WS' if e.site.startswith('AIRPORT') else 'PORT-WS'
                cl = rng.choice([c for c in w.clients if c.startswith(pre)])
            else:
                cl = e.desk
            sh.client = cl
            sh.site, sh.ip = w.clients[cl]
            sh.session = session_id(w.seed, 'sess', e.login, d, ot)
            w.shifts.append(sh)
            w.shifts_by_login[e.login].append(sh)


def shift_hn(w, sh):
    hn = []
    if sh.loan:
        hn.append(('loaned_to_other_precinct', 'PCT%d officer on loan to PCT%d' % (sh.emp.pct, sh.pct)))
    if sh.newhire:
        hn.append(('new_hire_first_weeks', 'new hire in FTO training with %s' % sh.emp.fto.login))
    if sh.overtime:
        hn.append(('overtime_off_platoon', 'overtime shift on platoon %s (regular %s)' % (sh.platoon, sh.emp.platoon)))
    if sh.bidchange:
        hn.append(('shift_bid_change', 'first shifts after moving from platoon %s to %s' % (sh.emp.platoon, sh.emp.platoon2)))
    return hn


# ----------------------------------------------------------------------------------------------
def gen_patrol(w, em, sh):
    rng = w.R('sh', sh.login, sh.d, sh.overtime)
    e = sh.emp
    a = Actor(w, em, sh, rng, shift_hn(w, sh))
    t = sh.t0 - rng.randint(-5, 20) * MIN
    a.login(t, sh.client)
    last_t = t
    if e.role == 'lieutenant':
        gen_reviews(w, a, sh, rng, rng.randint(5, 12), [x for s in e.subs for x in s.subs] + e.subs)
        a.logout(sh.t1 + rng.randint(0, 30) * MIN)
        return
    shift_calls = []
    for c, role in w.calls_by.get((sh.login, sh.d), ()):
        tc = c.t + rng.randint(60, 400) * SEC if role == 'P' else c.t + rng.randint(120, 700) * SEC
        rms_case = c.cid
        ext_case, ccls = TM.t_case(c, rng)
        xh = [(ccls, 'case typed "%s" for %s' % (ext_case, c.cid))] if ccls else []
        if c.busy and role == 'P':
            xh.append(('busy_call', '%s call with %d subjects, every check run' % (c.offense, len(c.subjects))))
        for k in range((rng.randint(2, 5) if role == 'P' else int(rng.random() < 0.7))):
            tv = c.t + rng.randint(2, 90) * MIN
            if tv < sh.t1 + 20 * MIN:
                a.ev(tv, 'RMS', 'view', {'case_id': c.cid, 'purpose': 'REPORT' if k else 'CALL FOR SERVICE',
                                         'result_count': 1, 'query_text': 'OPEN INCIDENT %s' % c.cid}, a.hn0)
        if role == 'P':
            shift_calls.append(c)
            for p, r in c.subjects:
                tc = a.person_lookup(tc, p, rms_case, ext_case, 'CALL FOR SERVICE', 'busy' if c.busy else 'full',
                                     xh, r, c.vehicle) + rng.randint(15, 90) * SEC
        elif rng.random() < 0.8 or sh.newhire:
            subs = c.subjects if sh.newhire else rng.sample(c.subjects, min(len(c.subjects), rng.randint(1, 2)))
            for p, r in subs:
                tc = a.person_lookup(tc, p, rms_case, ext_case, 'CALL FOR SERVICE', 'light', xh, r,
                                     c.vehicle) + rng.randint(20, 120) * SEC
        last_t = max(last_t, tc)
    # traffic stops (no case; exempt purpose)
    nst = rng.randint(0, 1) if e.role == 'sergeant' else rng.randint(1, 6)
    for _ in range(nst):
        ts = sh.t0 + rng.randrange(sh.t1 - sh.t0 - 30 * MIN)
        traffic_stop(w, a, ts, rng, sh.pct)
    # follow-ups on own open cases from earlier days
    own = [c for c in w.own_cases.get(sh.login, ())[-80:]
           if 0 < sh.d - c.d <= 10 and w.assigned(c, sh.login, sh.d) and w.is_open(c, sh.d)]
    for c in rng.sample(own, min(len(own), rng.choice([0, 1, 1, 2, 3]))):
        tf = sh.t0 + rng.randrange(sh.t1 - sh.t0 - 30 * MIN)
        p, r = rng.choice(c.subjects)
        ext_case, ccls = TM.t_case(c, rng, careful=True)
        xh = [(ccls, 'case typed "%s" for %s' % (ext_case, c.cid))] if ccls else []
        a.person_lookup(tf, p, c.cid, ext_case, 'FOLLOW UP', 'light', xh, r, c.vehicle)
    # court preparation on own closed cases
    if rng.random() < 0.07 and w.old_closed.get(sh.login):
        court_prep(w, a, sh, rng)
    if e.role == 'sergeant':
        gen_reviews(w, a, sh, rng, rng.randint(4, 10), e.subs)
    # report writing at the precinct desk while the MDT session is still open
    end = sh.t1 + rng.randint(-10, 40) * MIN
    if shift_calls and rng.random() < 0.4:
        desk = rng.choice([c for c in w.clients if c.startswith('PCT%d-WS' % sh.pct)])
        dsess = session_id(sh.session, 'desk')
        dh = a.hn0 + [('mdt_desktop_overlap', 'report writing at %s while MDT session open' % desk)]
        td = sh.t1 - rng.randint(60, 90) * MIN
        site, ip = w.clients[desk]
        em.emit(td, sh.login, 'SSO', 'login', None, {'query_text': 'SSO LOGIN %s' % desk}, dh,
                session=dsess, client=desk, ip=ip)
        for c in shift_calls[-3:]:
            for p, r in c.subjects:
                if p.pid and rng.random() < 0.6:
                    td += rng.randint(60, 300) * SEC
                    f = {'case_id': c.cid, 'purpose': 'REPORT', 'subject_person_id': p.pid,
                         'subject_last_name': p.last, 'subject_first_name': p.first, 'result_count': 1,
                         'query_text': 'UPDATE MNI %s ROLE=%s CASE=%s' % (p.pid, r.upper(), c.cid)}
                    xn = [('case_subject_listed_without_person_id', 'case_subjects row for this person has no '
                           'person_id (name/DOB only)')] if (c.cid, p.pid) in w.nopid else []
                    em.emit(td, sh.login, 'RMS', 'update', None, f, dh + a.hn_for(p)[len(a.hn0):] + xn,
                            session=dsess, client=desk, ip=ip)
        em.emit(max(td, sh.t1 - 15 * MIN) + 60 * SEC, sh.login, 'SSO', 'logout', None, {}, dh,
                session=dsess, client=desk, ip=ip)
    else:
        for c in shift_calls[-4:]:
            p, r = c.subjects[0]
            if p.pid and rng.random() < 0.5:
                tu = c.t + rng.randint(25, 60) * MIN
                f = {'case_id': c.cid, 'purpose': 'REPORT', 'subject_person_id': p.pid,
                     'subject_last_name': p.last, 'subject_first_name': p.first, 'result_count': 1,
                     'query_text': 'UPDATE MNI %s ROLE=%s CASE=%s' % (p.pid, r.upper(), c.cid)}
                a.ev(min(tu, end - MIN), 'RMS', 'update', f, a.hn_for(p))
    a.logout(max(end, last_t + MIN))


def traffic_stop(w, a, ts, rng, pct, many=False):
    p = w.pick_subject(rng, pct)
    plate = p.plate
    while not plate:
        plate = rng.choice(w.pool).plate
    r = rng.random()
    case, hn = ('', []) if r < 0.85 else (('N/A', [('case_id_placeholder', 'N/A typed on a traffic stop')]) if r < 0.95
                                          else ('TS', [('case_id_placeholder', 'TS typed as case on a traffic stop')]))
    hnb = a.hn_for(p, hn)
    ts = a.plate_lookup(ts, plate, case, case, 'TRAFFIC STOP', hnb, lpr=rng.random() < 0.05)
    if rng.random() < 0.8:
        a.person_lookup(ts, p, case, case, 'TRAFFIC STOP', 'stop', hn, 'driver', False)


def court_prep(w, a, sh, rng):
    c = rng.choice(w.old_closed[sh.login])
    t = sh.t0 + rng.randrange(max(1, sh.t1 - sh.t0 - 60 * MIN))
    hn = [('court_prep_closed_case', 'court preparation on own case %s closed %s' % (c.cid, w.dstr(c.closed)))]
    for p, r in c.subjects:
        if p.pid:
            a.view(t, p, c.cid, 'COURT', a.hn_for(p, hn))
            t += rng.randint(30, 200) * SEC
        if rng.random() < 0.6:
            wn = TM.whole(p.last, p.first, p.mid, rng)
            f = {'case_id': c.cid, 'purpose': 'COURT', 'subject_name': wn}
            if p.dob:
                f['subject_dob'] = p.dob.isoformat()
            f.update(result_count=1, query_text='QH.HS0420000.NAM/%s.PUR/C' % wn.upper())
            a.ncic(t, f, a.hn_for(p, hn))
            t += rng.randint(30, 120) * SEC


def gen_reviews(w, a, sh, rng, n, subs):
    subl = set(x.login for x in subs)
    pool = []
    for dd in (sh.d, sh.d - 1, sh.d - 2):
        for pct in range(1, 6):
            for c in w.pct_day_cases.get((pct, dd), ()):
                if c.primary is not None and c.primary.login in subl and c.t < sh.t1 - 30 * MIN and w.is_open(c, sh.d):
                    pool.append(c)
    if not pool:
        return
    for c in rng.sample(pool, min(n, len(pool))):
        t = max(c.t + 20 * MIN, sh.t0 + rng.randrange(sh.t1 - sh.t0 - 20 * MIN))
        if t > sh.t1:
            continue
        hn = [('supervisor_review', 'supervisor reviews %s case of %s' % (c.cid, c.primary.login))]
        for p, r in c.subjects[:rng.randint(1, 2)]:
            if p.pid:
                a.view(t, p, c.cid, 'SUPERVISORY REVIEW', a.hn_for(p, hn))
                t += rng.randint(20, 120) * SEC


# ----------------------------------------------------------------------------------------------
def plan_dispatch(w):
    on = defaultdict(list)   # (d, 'CD'|'CN') -> logins
    for sh in w.shifts:
        if sh.emp.unit == 'COMMS':
            on[(sh.d, sh.platoon)].append(sh)
    by = defaultdict(list)
    for c in w.window_calls:
        h = local_hour(c.t)
        d = w.dayidx(c.t)
        key = (d, 'CD') if 6 <= h < 18 else ((d, 'CN') if h >= 18 else (d - 1, 'CN'))
        cands = on.get(key)
        if not cands:
            continue
        rng = w.R('disp', c.t)
        sh = rng.choice(cands)
        by[(sh.login, sh.d)].append(c)
    return by


def gen_comms(w, em, sh, calls):
    rng = w.R('sh', sh.login, sh.d)
    a = Actor(w, em, sh, rng)
    a.login(sh.t0 - rng.randint(5, 20) * MIN, sh.client)
    for c in calls:
        t = c.t - rng.randint(60, 360) * SEC
        p0 = c.subjects[0][0]
        ta, cls = TM.t_addr(p0, rng)
        case = c.cid if rng.random() < 0.6 else c.cad
        hn = a.hn_for(p0, [('premise_history', 'premise history of %s for incident %s (resident is a case subject)' % (p0.addr, c.cid))])
        if cls:
            hn.append((cls, 'address typed "%s" for %s' % (ta, p0.addr)))
        f = {'case_id': case, 'purpose': 'DISPATCH', 'subject': {'address': ta}, 'result_count': rng.randint(0, 14),
             'query_text': 'PREMISE HISTORY %s' % ta}
        a.ev(t, 'CAD', 'query', f, hn)
        t += rng.randint(20, 90) * SEC
        if rng.random() < 0.4:
            p, r = rng.choice(c.subjects)
            a.person_lookup(t, p, case, case, 'DISPATCH', 'plain', (), r, False)
        elif c.vehicle and rng.random() < 0.3:
            p, r = rng.choice(c.subjects)
            if p.plate:
                a.plate_lookup(t, p.plate, case, case, 'DISPATCH', a.hn_for(p))
    for _ in range(rng.randint(8, 20)):
        t = sh.t0 + rng.randrange(sh.t1 - sh.t0)
        p = w.pick_subject(rng, rng.randint(1, 5))
        if rng.random() < 0.6:
            a.person_lookup(t, p, '', '', 'DISPATCH', 'plain', (), 'subject', False)
        elif p.plate:
            a.plate_lookup(t, p.plate, '', '', 'DISPATCH', a.hn_for(p))
    a.logout(sh.t1 + rng.randint(0, 25) * MIN)


def gen_detective(w, em, sh):
    rng = w.R('sh', sh.login, sh.d)
    a = Actor(w, em, sh, rng)
    e = sh.emp
    t = sh.t0 + rng.randint(-15, 25) * MIN
    a.login(t, sh.client)
    act = [c for c in w.det_cases.get(sh.login, ()) if w.assigned(c, sh.login, sh.d) and w.is_open(c, sh.d)
           and c.t < sh.t0]
    act.sort(key=lambda c: -c.t)
    top = act[:15]
    t += rng.randint(10, 40) * MIN
    for c in rng.sample(top, min(len(top), rng.randint(3, 8))):
        ext_case, ccls = TM.t_case(c, rng, careful=True)
        xh = [(ccls, 'case typed "%s" for %s' % (ext_case, c.cid))] if ccls else []
        for p, r in c.subjects:
            t = a.person_lookup(t, p, c.cid, ext_case, 'INVESTIGATION', 'det', xh, r, c.vehicle) + rng.randint(1, 8) * MIN
        if rng.random() < 0.04:
            q = w.pick_subject(rng, c.pct or 1)
            hn = xh + [('investigative_lead_not_in_case', 'known associate of a subject of %s, not (yet) listed' % c.cid)]
            t = a.person_lookup(t, q, c.cid, ext_case, 'INVESTIGATION', 'det', hn, 'suspect', False)
        t += rng.randint(5, 40) * MIN
        if t > sh.t1 - 20 * MIN:
            break
    if rng.random() < 0.12 and w.old_closed.get(sh.login):
        court_prep(w, a, sh, rng)
    if e.role == 'sergeant':
        subs = [x.login for x in e.subs]
        pool = [c for lg in subs for c in w.det_cases.get(lg, ()) if w.assigned(c, lg, sh.d) and w.is_open(c, sh.d) and c.t < sh.t0]
        for c in rng.sample(pool, min(len(pool), rng.randint(2, 5))):
            tt = sh.t0 + rng.randrange(sh.t1 - sh.t0 - 20 * MIN)
            p, r = rng.choice(c.subjects)
            if p.pid:
                a.view(tt, p, c.cid, 'SUPERVISORY REVIEW', a.hn_for(p, [('supervisor_review', 'detective sergeant reviews squad case %s' % c.cid)]))
    a.logout(max(t, sh.t1) + rng.randint(0, 40) * MIN)


def gen_callouts(w, em):
    """Homicide detectives called out at night work from VPN laptops."""
    for c in w.window_calls:
        if c.unit != 'DET-HOMICIDE':
            continue
        h = local_hour(c.t)
        if 3 <= h < 20:
            continue   # late-evening / small-hours calls only: the callout is over before the day shift
        det = [lg for lg, f, to in c.assign if lg in w.det_cases and c in w.det_cases[lg]]
        if not det:
            continue
        e = w.by_login[det[0]]
        rng = w.R('callout', c.cid)
        sh = Shift()
        sh.login, sh.emp, sh.d = e.login, e, w.dayidx(c.t)
        sh.client = e.vpn
        sh.site, sh.ip = w.clients[e.vpn]
        sh.session = session_id(w.seed, 'callout', c.cid)
        sh.t0 = c.t + rng.randint(40, 90) * MIN
        sh.t1 = sh.t0 + 3 * 3600 * SEC
        a = Actor(w, em, sh, rng, [('detective_callout', 'homicide detective called out at night for %s' % c.cid)])
        a.login(sh.t0, e.vpn, 0)
        t = sh.t0 + 5 * MIN
        for p, r in c.subjects:
            t = a.person_lookup(t, p, c.cid, c.cid, 'INVESTIGATION', 'det', (), r, c.vehicle) + rng.randint(2, 10) * MIN
        a.logout(t + 20 * MIN)
        w.shifts_by_login[e.login].append(sh)


def gen_warrants(w, em, sh):
    rng = w.R('sh', sh.login, sh.d)
    a = Actor(w, em, sh, rng)
    t = sh.t0 + rng.randint(-10, 15) * MIN
    a.login(t, sh.client)
    act = [c for c in w.warrant_cases.get(sh.login, ()) if w.assigned(c, sh.login, sh.d) and w.is_open(c, sh.d)]
    t += 10 * MIN
    for c in rng.sample(act, min(len(act), rng.randint(8, 18))):
        p, r = c.subjects[0]
        ext_case, ccls = TM.t_case(c, rng, careful=True)
        xh = [(ccls, 'case typed "%s" for %s' % (ext_case, c.cid))] if ccls else []
        t = a.person_lookup(t, p, c.cid, ext_case, 'WARRANT SERVICE', 'plain', xh, 'wanted', False)
        if rng.random() < 0.35:
            ta, cls = TM.t_addr(p, rng)
            f = {'case_id': ext_case, 'purpose': 'WARRANT SERVICE', 'subject': {'address': ta},
                 'result_count': rng.randint(0, 9), 'query_text': 'PREMISE HISTORY %s' % ta}
            a.ev(t, 'CAD', 'query', f, a.hn_for(p, xh + ([(cls, 'address typed "%s"' % ta)] if cls else [])))
        t += rng.randint(3, 20) * MIN
        if t > sh.t1 - 15 * MIN:
            break
    a.logout(max(t, sh.t1) + rng.randint(0, 20) * MIN)


def gen_traffic(w, em, sh):
    rng = w.R('sh', sh.login, sh.d)
    a = Actor(w, em, sh, rng)
    a.login(sh.t0 - rng.randint(0, 15) * MIN, sh.client)
    for c, role in w.calls_by.get((sh.login, sh.d), ()):
        t = c.t + rng.randint(60, 300) * SEC
        for p, r in c.subjects:
            t = a.person_lookup(t, p, c.cid, c.cid, 'CRASH INVESTIGATION', 'full', (), r, True) + rng.randint(30, 120) * SEC
    for _ in range(rng.randint(8, 18)):
        ts = sh.t0 + rng.randrange(sh.t1 - sh.t0 - 20 * MIN)
        traffic_stop(w, a, ts, rng, rng.randint(1, 5))
    a.logout(sh.t1 + rng.randint(0, 30) * MIN)


def gen_airport(w, em, sh):
    rng = w.R('sh', sh.login, sh.d)
    a = Actor(w, em, sh, rng)
    a.login(sh.t0 - rng.randint(0, 15) * MIN, sh.client)
    for _ in range(rng.randint(15, 35)):
        t = sh.t0 + rng.randrange(sh.t1 - sh.t0 - 10 * MIN)
        p = rng.choice(w.pool)
        r = rng.random()
        case, hn = ('', []) if r < 0.85 else (('N/A', [('case_id_placeholder', 'N/A typed under PORT SECURITY')]) if r < 0.95
                                              else ('PORT', [('case_id_placeholder', 'PORT typed as case')]))
        if rng.random() < 0.65:
            a.person_lookup(t, p, case, case, 'PORT SECURITY', 'plain', hn, 'subject', False)
        elif p.plate:
            a.plate_lookup(t, p.plate, case, case, 'PORT SECURITY', a.hn_for(p, hn))
    a.logout(sh.t1 + rng.randint(0, 20) * MIN)


def gen_records(w, em, sh):
    rng = w.R('sh', sh.login, sh.d)
    a = Actor(w, em, sh, rng)
    a.login(sh.t0 + rng.randint(-10, 10) * MIN, sh.client)
    prr = 'PRR-%02d-%04d' % (w.start.year % 100, 300 + sh.d * 7 + rng.randint(0, 6))
    recent = [c for c in w.window_calls[-4000:] if c.t < sh.t0 - 86400 * SEC] or w.cases[:1000]
    for _ in range(rng.randint(4, 12)):
        t = sh.t0 + rng.randrange(sh.t1 - sh.t0 - 10 * MIN)
        c = rng.choice(recent)
        p = c.subjects[0][0]
        f = {'case_id': c.cid, 'purpose': 'PUBLIC RECORDS REQUEST'}
        if p.pid:
            f.update(subject_person_id=p.pid, subject_last_name=p.last, subject_first_name=p.first)
        f.update(result_count=1, query_text='REPORT COPY %s FOR %s' % (c.cid, prr))
        a.ev(t, 'RMS', 'view', f, a.hn_for(p))
    for _ in range(rng.randint(2, 6)):
        t = sh.t0 + rng.randrange(sh.t1 - sh.t0 - 10 * MIN)
        p = rng.choice(w.pool)
        a.person_lookup(t, p, '', '', 'PUBLIC RECORDS REQUEST', 'plain', [], 'subject', False)
    for _ in range(rng.choice([0, 0, 1, 1, 1, 2])):
        t = sh.t0 + rng.randrange(sh.t1 - sh.t0 - 10 * MIN)
        crit = rng.choice(['INCIDENTS PCT=%d DATE=%s..%s' % (rng.randint(1, 5), w.dstr(sh.d - 30), w.dstr(sh.d - 1)),
                           'CALLS FOR SERVICE ADDRESS=%s' % rng.choice(w.pool).addr,
                           'ARRESTS DATE=%s..%s' % (w.dstr(sh.d - 90), w.dstr(sh.d - 1)),
                           'USE OF FORCE REPORTS YEAR=%d' % (w.start.year - 1)])
        ascase = rng.random() < 0.2
        hn = [('records_bulk_export', 'records export of %s for %s' % (crit.split()[0], prr))]
        if ascase:
            hn.append(('prr_number_as_case', 'public-records request number typed as case id'))
        f = {'case_id': prr if ascase else '', 'purpose': 'PUBLIC RECORDS REQUEST',
             'result_count': rng.randint(200, 9000), 'query_text': 'EXPORT %s FOR %s' % (crit, prr)}
        a.ev(t, 'RMS', 'export', f, hn)
    a.logout(sh.t1 + rng.randint(-10, 20) * MIN)


def gen_analyst(w, em, sh):
    rng = w.R('sh', sh.login, sh.d)
    a = Actor(w, em, sh, rng)
    a.login(sh.t0 + rng.randint(-10, 20) * MIN, sh.client)
    proj = 'CAU-%02d-%03d' % (w.start.year % 100, 20 + rng.randint(0, 40))
    for _ in range(rng.randint(8, 25)):
        t = sh.t0 + rng.randrange(sh.t1 - sh.t0 - 10 * MIN)
        p = rng.choice(w.pool)
        k = rng.random()
        hn = [('analyst_wildcard', 'crime-analysis broad search for %s' % proj)]
        if k < 0.45:
            pre = p.last[:rng.randint(3, 5)]
            f = {'case_id': '', 'purpose': 'CRIME ANALYSIS', 'subject_last_name': pre + '*',
                 'result_count': rng.randint(40, 3000), 'query_text': 'PERSON SEARCH LAST=%s* PCT=%d PROJECT=%s' % (pre, rng.randint(1, 5), proj)}
            a.ev(t, 'RMS', 'query', f, hn)
        elif k < 0.65:
            f = {'case_id': '', 'purpose': 'CRIME ANALYSIS', 'subject_last_name': '%' + p.last[-3:],
                 'subject_first_name': p.first[:1] + '*', 'result_count': rng.randint(40, 1500),
                 'query_text': "PERSON SEARCH LAST LIKE '%%%s' FIRST LIKE '%s%%'" % (p.last[-3:], p.first[:1])}
            a.ev(t, 'RMS', 'query', f, hn)
        elif k < 0.85:
            f = {'case_id': '', 'purpose': 'CRIME ANALYSIS', 'subject_address': '%s %s' % (p.street, p.stype),
                 'result_count': rng.randint(10, 600), 'query_text': 'ADDRESS SEARCH STREET=%s HOOD=%s' % (p.street, p.hood)}
            a.ev(t, 'RMS', 'query', f, hn)
        elif p.plate:
            f = {'case_id': '', 'purpose': 'CRIME ANALYSIS', 'subject_plate': p.plate[:3] + '*',
                 'result_count': rng.randint(100, 5000), 'query_text': 'LPR PARTIAL %s* 14D' % p.plate[:3]}
            a.ev(t, 'LPR', 'query', f, hn)
    for _ in range(rng.choice([0, 0, 1, 1, 2])):
        t = sh.t0 + rng.randrange(sh.t1 - sh.t0 - 10 * MIN)
        f = {'case_id': '', 'purpose': 'CRIME ANALYSIS', 'result_count': rng.randint(500, 15000),
             'query_text': 'EXPORT INCIDENTS OFFENSE=%s DATE=%s..%s FOR %s' % (
                 rng.choice(['BURGLARY', 'ROBBERY', 'AUTO THEFT', 'ASSAULT']), w.dstr(sh.d - 28), w.dstr(sh.d - 1), proj)}
        a.ev(t, 'RMS', 'export', f, [('analyst_export', 'crime-analysis export for %s' % proj)])
    a.logout(sh.t1 + rng.randint(-10, 30) * MIN)


def gen_ia(w, em, sh):
    rng = w.R('sh', sh.login, sh.d)
    a = Actor(w, em, sh, rng)
    a.login(sh.t0 + rng.randint(-10, 10) * MIN, sh.client)
    mine = [(c, tgt) for c, inv, tgt in w.ia_cases if inv.login == sh.login]
    for c, tgt in mine:
        if rng.random() < 0.5:
            continue
        t = sh.t0 + rng.randrange(sh.t1 - sh.t0 - 60 * MIN)
        for p, r in c.subjects:
            a.view(t, p, c.cid, 'INTERNAL INVESTIGATION', a.hn_for(p))
            t += rng.randint(60, 600) * SEC
            if p.kind == 'emp' and rng.random() < 0.3 and p.plate:
                a.plate_lookup(t, p.plate, c.cid, c.cid, 'INTERNAL INVESTIGATION', a.hn_for(p))
    a.logout(sh.t1 + rng.randint(-10, 20) * MIN)


def gen_it(w, em, sh):
    rng = w.R('sh', sh.login, sh.d)
    a = Actor(w, em, sh, rng)
    a.login(sh.t0 + rng.randint(-10, 10) * MIN, sh.client)
    hn = [('it_test_record', 'IT runs the synthetic TEST, RECORD person after a patch')]
    visit = rng.random() < 0.3
    tv = sh.t0 + rng.randint(150, 300) * MIN
    for _ in range(rng.randint(2, 6)):
        t = sh.t0 + rng.randrange((tv - 60 * MIN - sh.t0) if visit else (sh.t1 - sh.t0 - 10 * MIN))
        f = {'case_id': '', 'purpose': 'SYSTEM TEST', 'subject_person_id': TEST_PID, 'subject_last_name': 'TEST',
             'subject_first_name': 'RECORD', 'result_count': 1, 'query_text': 'OPEN MNI %s' % TEST_PID}
        a.ev(t, 'RMS', 'view', f, hn)
        if rng.random() < 0.4:
            f = {'case_id': '', 'purpose': 'SYSTEM TEST', 'subject_name': 'TEST, RECORD', 'result_count': 0,
                 'query_text': 'QW.HS0420000.NAM/TEST, RECORD.DOB/19000101'}
            a.ev(t + 5 * SEC, 'NCIC', 'query', f, hn)
    if visit:
        # field visit: fix a precinct workstation (sequential, with travel time)
        pct = rng.randint(1, 5)
        ws = rng.choice([c for c in w.clients if c.startswith('PCT%d-WS' % pct)])
        site, ip = w.clients[ws]
        t = tv
        s2 = session_id(sh.session, ws)
        fh = [('it_field_visit', 'IT technician logs in at %s to repair the workstation' % ws)]
        a.logout(t - 45 * MIN)
        em.emit(t, sh.login, 'SSO', 'login', None, {'query_text': 'SSO LOGIN %s' % ws}, fh, session=s2, client=ws, ip=ip)
        f = {'case_id': '', 'purpose': 'SYSTEM TEST', 'subject_person_id': TEST_PID, 'subject_last_name': 'TEST',
             'subject_first_name': 'RECORD', 'result_count': 1, 'query_text': 'OPEN MNI %s' % TEST_PID}
        em.emit(t + 4 * MIN, sh.login, 'RMS', 'view', None, f, fh + hn, session=s2, client=ws, ip=ip)
        em.emit(t + 30 * MIN, sh.login, 'SSO', 'logout', None, {}, fh, session=s2, client=ws, ip=ip)
        sh2 = Shift()
        for k in Shift.__slots__:
            setattr(sh2, k, getattr(sh, k, None))
        sh2.session = session_id(sh.session, 'back')
        a2 = Actor(w, em, sh2, rng)
        a2.login(t + 75 * MIN, sh.client, 0)
        a2.logout(sh.t1 + rng.randint(0, 20) * MIN)
    else:
        a.logout(sh.t1 + rng.randint(0, 20) * MIN)


def gen_service(w, em):
    for e in w.svc:
        cl = {'svc_lpr_hotlist': 'SRV-LPR01', 'svc_rms_nightly': 'SRV-RMSBATCH01', 'svc_ncic_valid': 'SRV-NCICGW01',
              'svc_cad_bridge': 'SRV-CADBRIDGE01'}[e.login]
        site, ip = w.clients[cl]
        sh = Shift()
        sh.login, sh.emp, sh.client, sh.site, sh.ip = e.login, e, cl, site, ip
        for d in range(w.days):
            rng = w.R('svc', e.login, d)
            sh.d = d
            sh.session = session_id(w.seed, 'svc', e.login, d)
            hn = [('service_account_batch', 'scheduled job of %s' % e.login)]
            if e.login == 'svc_lpr_hotlist':
                for k in range(48):
                    t = w.at(d, k * 0.5) + rng.randint(0, 40) * SEC
                    f = {'case_id': '', 'purpose': 'HOTLIST SYNC', 'result_count': rng.randint(11000, 13500),
                         'query_text': 'HOTLIST PULL NCIC+STATE STOLEN/WANTED'}
                    em.emit(t, e.login, 'LPR', 'export', sh, f, hn)
            elif e.login == 'svc_rms_nightly':
                t = w.at(d, 2 + 10 / 60) + rng.randint(0, 90) * SEC
                f = {'case_id': '', 'purpose': 'NIBRS SUBMISSION', 'result_count': rng.randint(1500, 3200),
                     'query_text': 'EXPORT NIBRS INCIDENTS DATE=%s' % w.dstr(d - 1)}
                em.emit(t, e.login, 'RMS', 'export', sh, f, hn)
                if (w.start + __import__('datetime').timedelta(days=d)).weekday() == 6:
                    f = {'case_id': '', 'purpose': 'NIBRS SUBMISSION', 'result_count': rng.randint(60000, 90000),
                         'query_text': 'EXPORT FULL EXTRACT TO STATE REPOSITORY'}
                    em.emit(t + 40 * MIN, e.login, 'RMS', 'export', sh, f, hn)
            elif e.login == 'svc_ncic_valid':
                dt = w.start + __import__('datetime').timedelta(days=d)
                if dt.day in (1, 15):
                    allw = [c for lst in w.warrant_cases.values() for c in lst if w.is_open(c, d)]
                    t = w.at(d, 3)
                    for c in rng.sample(allw, min(len(allw), rng.randint(150, 300))):
                        p = c.subjects[0][0]
                        wn = '%s, %s' % (p.last, p.first)
                        f = {'case_id': c.cid, 'purpose': 'NCIC VALIDATION', 'subject_name': wn,
                             'subject_dob': p.dob.isoformat(), 'result_count': 1,
                             'query_text': 'QW.HS0420000.NAM/%s.DOB/%s' % (wn, p.dob.strftime('%Y%m%d'))}
                        em.emit(t, e.login, 'NCIC', 'query', sh, f, hn)
                        t += rng.randint(3, 9) * SEC
        if e.login == 'svc_cad_bridge':
            for c in w.window_calls:
                p = c.subjects[0][0]
                f = {'case_id': c.cid, 'purpose': 'DISPATCH', 'subject_address': p.addr, 'result_count': 1,
                     'query_text': 'CAD->RMS SYNC %s %s' % (c.cad or '', c.cid)}
                sh.session = session_id(w.seed, 'svc', e.login, 'bridge')
                em.emit(c.t - 30 * SEC, e.login, 'RMS', 'query', sh, f)


def gen_amber_bolo(w, em):
    if w.amber:
        c, d, susp = w.amber
        lo, hi = w.at(d, 20.0), w.at(d, 25.0)
        for sh in list(w.shifts):
            u = sh.emp.unit
            if not (u.startswith('PCT') or u in ('TRAFFIC', 'COMMS', 'AIRPORT-PORT')) or sh.t1 <= lo or sh.t0 >= hi:
                continue
            rng = w.R('amber', sh.login, sh.d)
            if rng.random() > (0.5 if u == 'COMMS' else 0.75):
                continue
            a = Actor(w, em, sh, rng, [('amber_alert_night', 'Amber alert %s: suspect %s %s' % (c.cid, susp.first, susp.last))])
            t = max(lo, sh.t0 + 10 * MIN) + rng.randrange(max(1, min(hi, sh.t1) - max(lo, sh.t0 + 10 * MIN)))
            ext_case, ccls = TM.t_case(c, rng)
            xh = [(ccls, 'case typed "%s" for %s' % (ext_case, c.cid))] if ccls else []
            k = rng.random()
            if k < 0.5:
                a.plate_lookup(t, susp.plate, ext_case, ext_case, 'AMBER ALERT', a.hn_for(susp, xh), lpr=rng.random() < 0.5)
            else:
                a.person_lookup(t, susp, c.cid, ext_case, 'AMBER ALERT', 'light', xh, 'suspect', True)
    if w.bolo:
        c, d, rob = w.bolo
        lo, hi = w.at(d, 14.5), w.at(d, 22.0)
        for sh in list(w.shifts):
            u = sh.emp.unit
            if not (u.startswith('PCT') or u == 'TRAFFIC') or sh.t1 <= lo or sh.t0 >= hi:
                continue
            rng = w.R('bolo', sh.login, sh.d)
            if rng.random() > 0.45:
                continue
            a = Actor(w, em, sh, rng, [('bolo_vehicle', 'BOLO for robbery suspect vehicle %s (%s)' % (rob.plate, c.cid))])
            for _ in range(rng.randint(1, 3)):
                t = max(lo, sh.t0 + 10 * MIN) + rng.randrange(max(1, min(hi, sh.t1) - max(lo, sh.t0 + 10 * MIN)))
                ext_case, ccls = TM.t_case(c, rng)
                xh = [(ccls, 'case typed "%s" for %s' % (ext_case, c.cid))] if ccls else []
                a.plate_lookup(t, rob.plate, ext_case, ext_case, 'BOLO', a.hn_for(rob, xh), lpr=rng.random() < 0.6)


def generate(w, em):
    build_shifts(w)
    disp = plan_dispatch(w)
    for sh in w.shifts:
        u = sh.emp.unit
        if u.startswith('PCT'):
            gen_patrol(w, em, sh)
        elif u == 'COMMS':
            gen_comms(w, em, sh, disp.get((sh.login, sh.d), ()))
        elif u.startswith('DET'):
            gen_detective(w, em, sh)
        elif u == 'WARRANTS':
            gen_warrants(w, em, sh)
        elif u == 'TRAFFIC':
            gen_traffic(w, em, sh)
        elif u == 'AIRPORT-PORT':
            gen_airport(w, em, sh)
        elif u == 'RECORDS':
            gen_records(w, em, sh)
        elif u == 'CRIME-ANALYSIS':
            gen_analyst(w, em, sh)
        elif u == 'INTERNAL-AFFAIRS':
            gen_ia(w, em, sh)
        elif u == 'IT':
            gen_it(w, em, sh)
    gen_callouts(w, em)
    gen_service(w, em)
    gen_amber_bolo(w, em)
