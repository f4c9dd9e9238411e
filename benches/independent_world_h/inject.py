"""Misconduct injected on top of the legitimate world, with one label per incident and detector kind.

Nothing here changes the reference data or any legitimate event: injected events come from their own
emitter (id stream 'I') and their own random streams.
"""
from collections import defaultdict, OrderedDict

import typing_model as TM
from timeutil import fmt_z, local_hour

SEC = 1000
MIN = 60000
SELF_KIND = {'view': 'person_id', 'update': 'person_id', 'search_nd': 'name_dob', 'ncic_nd': 'name_dob',
             'search_n': 'name_only', 'plate': 'plate', 'addr': 'address', 'phone': 'phone'}


class Incident:
    def __init__(self, n, name, note):
        self.n, self.name, self.note = n, name, note
        self.events = []   # (eid, user, [(detector, kind)])


class Injector:
    def __init__(self, w, em, leg):
        self.w, self.em, self.leg = w, em, leg
        self.incidents = []
        self.used = set()
        self.exempt = set(__import__('gen').EXEMPT_PURPOSES)

    # -- bookkeeping ----------------------------------------------------------------------------
    def incident(self, name, note):
        inc = Incident(len(self.incidents) + 1, name, note)
        self.incidents.append(inc)
        return inc

    def nc_kind(self, user, t, case_id, purpose, pids):
        if purpose in self.exempt:
            return None
        if not case_id:
            return 'missing'
        w = self.w
        c = w.case_by_id.get(case_id)
        if c is None:
            return 'unknown_case'
        d = w.dayidx(t)
        if c.closed is not None and c.closed <= d:
            return 'closed_case'
        if not w.assigned(c, w.by_login[user].login, d, margin=0):
            return 'not_assigned'
        if pids and any(pid and pid not in c.flags for pid in pids):
            return 'subject_not_in_case'
        return None

    def target_tags(self, user, p, how):
        w = self.w
        e = w.by_login[user]
        tags = []
        if p is None:
            return tags
        if p is e.person:
            tags.append(('self_query', SELF_KIND[how]))
        elif p.kind == 'emp':
            o = w.emp_person_pids[p.pid]
            if o.eid == e.sup or e.eid == o.sup:
                k = 'supervisor'
            elif o.unit == e.unit:
                k = 'same_unit'
            else:
                k = 'other_unit'
            tags.append(('coworker_lookup', k))
        for a in w.assoc_by_emp.get(e.eid, ()):
            if a[2] is p:
                tags.append(('association_lookup', a[1]))
        for q, cat, _ in w.watch:
            if q is p:
                tags.append(('watchlist_lookup', cat))
        return tags

    def emit(self, inc, sh, t, system, action, fields, p=None, how=None, extra=(), user=None, session=None,
             client=None, ip=None, nc=True):
        user = user or sh.login
        eid = self.em.emit(t, user, system, action, sh if client is None else None, fields,
                           session=session or (sh.session if sh else None), client=client, ip=ip)
        tags = list(extra) + self.target_tags(user, p, how)
        if nc and action in ('query', 'view', 'update', 'export'):
            k = self.nc_kind(user, t, fields.get('case_id', ''), fields.get('purpose', ''), [p.pid] if p else [])
            if k:
                tags.append(('no_case', k))
        inc.events.append((eid, user, tags))
        return eid

    # -- event builders -------------------------------------------------------------------------
    def search(self, inc, sh, t, p, case, purpose, dob=True, rng=None, extra=(), **kw):
        tl, _ = TM.t_last(p, rng)
        tf, _ = TM.t_first(p, rng, allow_blank=False)
        f = {'case_id': case, 'purpose': purpose, 'subject_last_name': tl, 'subject_first_name': tf}
        if dob:
            f['subject_dob'] = p.dob.isoformat()
        f['result_count'] = 1 if dob else rng.randint(1, 6)
        f['query_text'] = 'PERSON SEARCH LAST=%s FIRST=%s%s' % (tl, tf, (' DOB=' + TM.dob_text(p.dob, rng)) if dob else '')
        return self.emit(inc, sh, t, 'RMS', 'query', f, p, 'search_nd' if dob else 'search_n', extra, **kw)

    def view(self, inc, sh, t, p, case, purpose, action='view', extra=(), **kw):
        f = {'case_id': case, 'purpose': purpose, 'subject_person_id': p.pid, 'subject_last_name': p.last,
             'subject_first_name': p.first, 'subject_dob': p.dob.isoformat(), 'result_count': 1,
             'query_text': ('OPEN MNI %s' if action == 'view' else 'UPDATE MNI %s FIELDS=ADDRESS,PHONE') % p.pid}
        return self.emit(inc, sh, t, 'RMS', action, f, p, action, extra, **kw)

    def ncic(self, inc, sh, t, p, case, purpose, rng, extra=(), **kw):
        tl, _ = TM.t_last(p, rng)
        tf, _ = TM.t_first(p, rng, allow_blank=False)
        wn = TM.whole(tl, tf, p.mid, rng)
        f = {'case_id': case, 'purpose': purpose, 'subject_name': wn, 'subject_dob': p.dob.isoformat(),
             'result_count': 0, 'query_text': 'QW.HS0420000.NAM/%s.DOB/%s.SEX/%s' % (wn.upper(), p.dob.strftime('%Y%m%d'), p.sex)}
        return self.emit(inc, sh, t, 'NCIC', 'query', f, p, 'ncic_nd', extra, **kw)

    def plate(self, inc, sh, t, p, case, purpose, rng, extra=(), **kw):
        tp, _ = TM.t_plate(p.plate, rng)
        f = {'case_id': case, 'purpose': purpose, 'subject_plate': tp, 'result_count': 1,
             'query_text': 'REG INQ PLATE=%s' % tp}
        return self.emit(inc, sh, t, 'DMV', 'query', f, p, 'plate', extra, **kw)

    def addr(self, inc, sh, t, p, case, purpose, rng, extra=(), **kw):
        ta, _ = TM.t_addr(p, rng)
        f = {'case_id': case, 'purpose': purpose, 'subject': {'address': ta}, 'result_count': rng.randint(0, 4),
             'query_text': 'PREMISE HISTORY %s' % ta}
        return self.emit(inc, sh, t, 'CAD', 'query', f, p, 'addr', extra, **kw)

    def phone(self, inc, sh, t, p, case, purpose, rng, extra=(), **kw):
        f = {'case_id': case, 'purpose': purpose, 'subject_phone': TM.t_phone(p.phone, rng), 'result_count': 1,
             'query_text': 'PHONE SEARCH'}
        return self.emit(inc, sh, t, 'RMS', 'query', f, p, 'phone', extra, **kw)

    # -- choosing people and times --------------------------------------------------------------
    def shifts(self, login, lo=0, hi=None):
        hi = self.w.days if hi is None else hi
        return [s for s in self.w.shifts_by_login.get(login, ()) if lo <= s.d < hi and s.tin is not None
                and s.tout is not None and s.client and not s.client.startswith('VPN')]

    def pick(self, rng, cands, need_shifts=4):
        c = [e for e in cands if e.login not in self.used and len(self.shifts(e.login)) >= need_shifts]
        if not c:
            return None
        e = rng.choice(c)
        self.used.add(e.login)
        return e

    def officers(self, roles=('officer',)):
        w = self.w
        return [e for e in w.patrol if e.role in roles and e.start_day is None and e.end_day is None
                and not e.loan and e.pid_known]

    def inside(self, sh, rng, margin=40):
        span = sh.tout - sh.tin - 2 * margin * MIN
        return sh.tin + margin * MIN + rng.randrange(max(1, span))

    def own_case(self, e, d, rng, avoid=()):
        w = self.w
        pool = list(w.own_cases.get(e.login, ())) + list(w.det_cases.get(e.login, ()))
        pool = [c for c in pool[-200:] if w.assigned(c, e.login, d) and w.is_open(c, d) and c.d <= d
                and not (c.flags & set(avoid))]
        return rng.choice(pool) if pool else None

    # -- scenarios ------------------------------------------------------------------------------
    def run(self):
        w = self.w
        rng = w.R('inject')
        big = w.users * w.days >= 6000
        sc = [self.s_self_view, self.s_self_alt_ncic, self.s_self_plate, self.s_self_address, self.s_self_phone,
              self.s_self_name_only, self.s_ex_partner, self.s_family, self.s_neighbor, self.s_protected,
              self.s_update_assoc, self.s_wildcard_fishing, self.s_coworker_same, self.s_coworker_other,
              self.s_coworker_supervisor, self.s_celebrity_surge, self.s_news_victim_surge, self.s_journalist,
              self.s_official, self.s_concurrent, self.s_impossible_travel, self.s_terminated, self.s_leave,
              self.s_unknown_case, self.s_closed_case, self.s_not_assigned, self.s_subject_not_in_case,
              self.s_missing, self.s_scrape, self.s_daily_count, self.s_export, self.s_off_hours]
        if big:
            sc += [self.s_ex_partner, self.s_scrape, self.s_coworker_same, self.s_unknown_case, self.s_self_view]
        for k, f in enumerate(sc):
            f(w.R('inj', k, f.__name__))
        return self.labels()

    def s_self_view(self, rng):
        e = self.pick(rng, self.officers())
        if not e:
            return
        sh = rng.choice(self.shifts(e.login))
        inc = self.incident('self_lookup', '%s searches and opens their own master-name record' % e.login)
        t = self.inside(sh, rng)
        self.search(inc, sh, t, e.person, '', 'CALL FOR SERVICE', rng=rng)
        self.view(inc, sh, t + rng.randint(10, 40) * SEC, e.person, '', 'CALL FOR SERVICE')

    def s_self_alt_ncic(self, rng):
        w = self.w
        c = [x for x in w.emps if x.alt_login and x.pid_known and x.end_day is None and x.start_day is None
             and x.login not in self.used and self.shifts(x.login)]
        if not c:
            return
        e = rng.choice(c)
        self.used.add(e.login)
        sh = rng.choice(self.shifts(e.login))
        inc = self.incident('self_lookup_alt_login', '%s runs own name+DOB in NCIC under operator login %s, '
                            'purpose TRAFFIC STOP as cover' % (e.login, e.alt_login))
        t = self.inside(sh, rng)
        from activity import session_id
        self.ncic(inc, sh, t, e.person, '', 'TRAFFIC STOP', rng, user=e.alt_login, session=session_id(sh.session, 'ncic'))

    def s_self_plate(self, rng):
        e = self.pick(rng, self.officers())
        if not e:
            return
        sh = rng.choice(self.shifts(e.login))
        inc = self.incident('self_plate', '%s runs own registration plate under TRAFFIC STOP' % e.login)
        self.plate(inc, sh, self.inside(sh, rng), e.person, '', 'TRAFFIC STOP', rng)

    def s_self_address(self, rng):
        e = self.pick(rng, [x for x in self.officers() if x.person.pct])
        if not e:
            return
        sh = rng.choice(self.shifts(e.login))
        inc = self.incident('self_address', '%s pulls premise history of own home address' % e.login)
        self.addr(inc, sh, self.inside(sh, rng), e.person, '', 'CALL FOR SERVICE', rng)

    def s_self_phone(self, rng):
        e = self.pick(rng, self.officers())
        if not e:
            return
        sh = rng.choice(self.shifts(e.login))
        inc = self.incident('self_phone', '%s searches own phone number' % e.login)
        self.phone(inc, sh, self.inside(sh, rng), e.person, '', 'INQUIRY', rng)

    def s_self_name_only(self, rng):
        e = self.pick(rng, [x for x in self.officers() + [y for q in self.w.squads.values() for y in q]
                            if x.pid_known and x.end_day is None])
        if not e:
            return
        sh = rng.choice(self.shifts(e.login))
        inc = self.incident('self_name_only', '%s searches own first+last name (no DOB)' % e.login)
        t = self.inside(sh, rng)
        self.search(inc, sh, t, e.person, '', 'INQUIRY', dob=False, rng=rng)

    def _assoc_actor(self, rng, rel, cands=None):
        w = self.w
        cands = cands or self.officers() + [y for q in w.squads.values() for y in q if y.end_day is None]
        c = [e for e in cands if e.login not in self.used and len(self.shifts(e.login)) >= 4
             and any(a[1] == rel and a[2].pid and a[2].addr != e.person.addr for a in w.assoc_by_emp.get(e.eid, ()))]
        if not c:
            return None, None
        e = rng.choice(c)
        self.used.add(e.login)
        a = rng.choice([a for a in w.assoc_by_emp[e.eid] if a[1] == rel and a[2].pid and a[2].addr != e.person.addr])
        return e, a[2]

    def s_ex_partner(self, rng):
        e, q = self._assoc_actor(rng, 'ex_partner')
        if not e:
            return
        inc = self.incident('ex_partner', '%s repeatedly looks up ex-partner %s %s over several shifts' % (e.login, q.first, q.last))
        shs = self.shifts(e.login)
        i = rng.randrange(max(1, len(shs) - 3))
        for sh in shs[i:i + 3]:
            t = self.inside(sh, rng)
            oc = self.own_case(e, sh.d, rng, [q.pid]) if rng.random() < 0.4 else None
            case = oc.cid if oc else ''
            for how in rng.sample(['search', 'view', 'plate', 'addr', 'ncic'], rng.randint(2, 3)):
                if how == 'search':
                    self.search(inc, sh, t, q, case, 'CALL FOR SERVICE', rng=rng)
                elif how == 'view':
                    self.view(inc, sh, t, q, case, 'CALL FOR SERVICE')
                elif how == 'plate' and q.plate:
                    self.plate(inc, sh, t, q, case, 'CALL FOR SERVICE', rng)
                elif how == 'addr':
                    self.addr(inc, sh, t, q, case, 'CALL FOR SERVICE', rng)
                else:
                    self.ncic(inc, sh, t, q, case, 'CALL FOR SERVICE', rng)
                t += rng.randint(20, 120) * SEC

    def s_family(self, rng):
        w = self.w
        e, q = self._assoc_actor(rng, 'family', [y for s in w.squads.values() for y in s if y.end_day is None]
                                 + self.officers())
        if not e:
            return
        sh = rng.choice(self.shifts(e.login))
        oc = self.own_case(e, sh.d, rng, [q.pid])
        inc = self.incident('family', '%s looks up family member %s %s under one of own cases' % (e.login, q.first, q.last))
        t = self.inside(sh, rng)
        self.search(inc, sh, t, q, oc.cid if oc else '', 'INVESTIGATION', rng=rng)
        self.view(inc, sh, t + 30 * SEC, q, oc.cid if oc else '', 'INVESTIGATION')

    def s_neighbor(self, rng):
        e, q = self._assoc_actor(rng, 'neighbor')
        if not e:
            return
        sh = rng.choice(self.shifts(e.login))
        oc = self.own_case(e, sh.d, rng, [q.pid])
        inc = self.incident('neighbor', '%s checks neighbour %s %s (address, then record)' % (e.login, q.first, q.last))
        t = self.inside(sh, rng)
        self.addr(inc, sh, t, q, oc.cid if oc else '', 'FOLLOW UP', rng)
        self.view(inc, sh, t + 50 * SEC, q, oc.cid if oc else '', 'FOLLOW UP')

    def s_protected(self, rng):
        e, q = self._assoc_actor(rng, 'protected_party')
        if not e:
            e, q = self._assoc_actor(rng, 'partner')
            if not e:
                return
        sh = rng.choice(self.shifts(e.login))
        inc = self.incident('protected_party', '%s looks up %s %s (association on file)' % (e.login, q.first, q.last))
        t = self.inside(sh, rng)
        self.view(inc, sh, t, q, '', 'INQUIRY')
        if q.plate:
            self.plate(inc, sh, t + 40 * SEC, q, '', 'INQUIRY', rng)

    def s_update_assoc(self, rng):
        e, q = self._assoc_actor(rng, 'family')
        if not e:
            e, q = self._assoc_actor(rng, 'ex_partner')
            if not e:
                return
        sh = rng.choice(self.shifts(e.login))
        oc = self.own_case(e, sh.d, rng, [q.pid])
        inc = self.incident('record_update_assoc', '%s edits the RMS record of associated person %s %s' % (e.login, q.first, q.last))
        t = self.inside(sh, rng)
        self.view(inc, sh, t, q, oc.cid if oc else '', 'REPORT')
        self.view(inc, sh, t + 90 * SEC, q, oc.cid if oc else '', 'REPORT', action='update')

    def s_wildcard_fishing(self, rng):
        e, q = self._assoc_actor(rng, 'ex_partner')
        if not e:
            e, q = self._assoc_actor(rng, 'family')
            if not e:
                return
        rel = [a[1] for a in self.w.assoc_by_emp[e.eid] if a[2] is q][0]
        sh = rng.choice(self.shifts(e.login))
        inc = self.incident('wildcard_fishing', '%s fishes with wildcard searches on surname %s (%s on file)' % (e.login, q.last, rel))
        t = self.inside(sh, rng, 60)
        base = q.last.replace(' ', '').replace('-', '')
        for k in range(rng.randint(15, 24)):
            r = rng.random()
            if r < 0.4:
                ln, fn = base[:rng.randint(3, 5)] + '*', ''
            elif r < 0.75:
                ln, fn = q.last, rng.choice('ABCDEJKLMRST') + '*'
            else:
                ln, fn = '%' + base[-4:], ''
            f = {'case_id': '', 'purpose': 'INQUIRY', 'subject_last_name': ln}
            if fn:
                f['subject_first_name'] = fn
            f.update(result_count=rng.randint(3, 400), query_text='PERSON SEARCH LAST=%s FIRST=%s' % (ln, fn))
            self.emit(inc, sh, t, 'RMS', 'query', f, None, None, [('association_lookup', rel)])
            t += rng.randint(20, 240) * SEC

    def _coworker(self, rng, kind):
        w = self.w
        offs = self.officers()
        for _ in range(50):
            e = self.pick(rng, offs)
            if not e:
                return None, None
            if kind == 'same':
                c = [x for x in w.pct_emps[e.pct] if x is not e and x.eid != e.sup and x.sup != e.eid and x.pid_known]
            elif kind == 'sup':
                c = [w.by_eid[e.sup]] if e.sup and w.by_eid[e.sup].pid_known else []
            else:
                c = [x for x in w.emps if x.unit != e.unit and x.pid_known and x.eid != e.sup]
            c = [x for x in c if not any(a[2] is x.person for a in w.assoc_by_emp.get(e.eid, ()))]
            if c:
                return e, rng.choice(c)
            self.used.discard(e.login)
        return None, None

    def s_coworker_same(self, rng):
        e, o = self._coworker(rng, 'same')
        if not e:
            return
        sh = rng.choice(self.shifts(e.login))
        inc = self.incident('coworker_same_unit', '%s opens the record and plate of precinct colleague %s' % (e.login, o.login))
        t = self.inside(sh, rng)
        self.view(inc, sh, t, o.person, '', 'INQUIRY')
        self.plate(inc, sh, t + 45 * SEC, o.person, '', 'INQUIRY', rng)

    def s_coworker_other(self, rng):
        w = self.w
        dets = [y for s in w.squads.values() for y in s if y.end_day is None and y.pid_known]
        e = self.pick(rng, dets)
        if not e:
            return
        others = [x for x in w.comms + w.records + w.traffic if x.pid_known and x.eid != e.sup]
        o = rng.choice(others)
        sh = rng.choice(self.shifts(e.login))
        oc = self.own_case(e, sh.d, rng, [o.person.pid])
        inc = self.incident('coworker_other_unit', '%s (%s) looks up %s of %s' % (e.login, e.unit, o.login, o.unit))
        t = self.inside(sh, rng)
        self.search(inc, sh, t, o.person, oc.cid if oc else '', 'INVESTIGATION', rng=rng)
        self.view(inc, sh, t + 25 * SEC, o.person, oc.cid if oc else '', 'INVESTIGATION')

    def s_coworker_supervisor(self, rng):
        e, o = self._coworker(rng, 'sup')
        if not e:
            return
        sh = rng.choice(self.shifts(e.login))
        inc = self.incident('coworker_supervisor', '%s looks up own sergeant %s' % (e.login, o.login))
        t = self.inside(sh, rng)
        self.view(inc, sh, t, o.person, '', 'INQUIRY')
        self.addr(inc, sh, t + 70 * SEC, o.person, '', 'INQUIRY', rng)

    def _surge(self, rng, inc, p, d, lo_h, hi_h, n_users, exclude=(), case_fn=None, extra_tags=()):
        w = self.w
        lo, hi = w.at(d, lo_h), w.at(d, hi_h)
        cands = [s for s in w.shifts if s.d in (d, d - 1) and s.tin is not None and s.tout is not None
                 and s.tout > lo + 20 * MIN and s.tin < hi - 20 * MIN and s.login not in exclude
                 and not (s.client or '').startswith('VPN') and s.emp.unit not in ('INTERNAL-AFFAIRS', 'IT')]
        by = OrderedDict()
        for s in cands:
            by.setdefault(s.login, s)
        logins = list(by)
        rng.shuffle(logins)
        for lg in logins[:n_users]:
            sh = by[lg]
            a, b = max(lo, sh.tin + 5 * MIN), min(hi, sh.tout - 5 * MIN)
            t = a + rng.randrange(max(1, b - a))
            case, purpose = case_fn(sh, rng) if case_fn else ('', 'INQUIRY')
            for k in range(rng.randint(1, 3)):
                how = rng.choice(['search', 'view', 'ncic'] if k == 0 else ['view', 'addr', 'search'])
                tags = [('subject_surge', 'many_users')] + list(extra_tags)
                if how == 'search':
                    self.search(inc, sh, t, p, case, purpose, dob=rng.random() < 0.5, rng=rng, extra=tags)
                elif how == 'view':
                    self.view(inc, sh, t, p, case, purpose, extra=tags)
                elif how == 'ncic':
                    self.ncic(inc, sh, t, p, case, purpose, rng, extra=tags)
                else:
                    self.addr(inc, sh, t, p, case, purpose, rng, extra=tags)
                t += rng.randint(15, 300) * SEC

    def s_celebrity_surge(self, rng):
        w = self.w
        q, cat, note = rng.choice([x for x in w.watch if x[1] == 'celebrity' and x[0].pid not in w.hn_person])
        d = rng.randint(2, w.days - 2)
        inc = self.incident('celebrity_surge', 'celebrity %s %s (%s) in the news; many officers look him/her up on %s'
                            % (q.first, q.last, note, w.dstr(d)))

        def cf(sh, r):
            if r.random() < 0.3:
                oc = self.own_case(sh.emp, sh.d, r, [q.pid])
                if oc:
                    return oc.cid, 'CALL FOR SERVICE'
            return '', 'INQUIRY'
        self._surge(rng, inc, q, d, 11.0, 21.0, rng.randint(12, 18), case_fn=cf)

    def s_news_victim_surge(self, rng):
        w = self.w
        hom = [c for c in w.window_calls if c.unit == 'DET-HOMICIDE' and 0 <= c.d <= w.days - 3]
        if not hom:
            hom = [c for c in w.window_calls if c.unit.startswith('DET') and 0 <= c.d <= w.days - 3]
        if not hom:
            return
        c = rng.choice(hom)
        p = c.subjects[0][0]
        if not p.pid or p.kind != 'pool':
            return
        d = c.d + 1
        inc = self.incident('news_victim_surge', 'victim %s %s of %s (%s) in the news; officers not on the case look him/her up'
                            % (p.first, p.last, c.cid, c.offense))
        assigned = set(a[0] for a in c.assign)

        def cf(sh, r):
            x = r.random()
            if x < 0.3:
                return c.cid, 'INVESTIGATION'
            if x < 0.6:
                oc = self.own_case(sh.emp, sh.d, r, [p.pid])
                if oc:
                    return oc.cid, 'FOLLOW UP'
            return '', 'INQUIRY'
        self._surge(rng, inc, p, d, 8.0, 20.0, rng.randint(10, 15), exclude=assigned, case_fn=cf)

    def s_journalist(self, rng):
        w = self.w
        e = self.pick(rng, self.officers())
        if not e:
            return
        q, cat, note = rng.choice([x for x in w.watch if x[1] == 'journalist'])
        sh = rng.choice(self.shifts(e.login))
        inc = self.incident('journalist', '%s looks up %s %s (%s)' % (e.login, q.first, q.last, note))
        t = self.inside(sh, rng)
        self.search(inc, sh, t, q, '', 'INQUIRY', rng=rng)
        self.view(inc, sh, t + 30 * SEC, q, '', 'INQUIRY')

    def s_official(self, rng):
        w = self.w
        e = self.pick(rng, self.officers())
        if not e:
            return
        q, cat, note = rng.choice([x for x in w.watch if x[1] == 'official' and x[0].pid not in w.hn_person])
        sh = rng.choice(self.shifts(e.login))
        oc = self.own_case(e, sh.d, rng, [q.pid])
        inc = self.incident('official', '%s opens the record of %s %s (%s) under an unrelated own case' % (e.login, q.first, q.last, note))
        t = self.inside(sh, rng)
        self.view(inc, sh, t, q, oc.cid if oc else '', 'FOLLOW UP')
        if q.plate:
            self.plate(inc, sh, t + 40 * SEC, q, oc.cid if oc else '', 'FOLLOW UP', rng)

    def _intruder(self, inc, sh, t, client, n, rng, tag, dur_min=25, login=None):
        w = self.w
        site, ip = w.clients[client]
        from activity import session_id
        sess = session_id(w.seed, 'intruder', inc.n)
        kw = dict(session=sess, client=client, ip=ip, user=login or sh.login)
        self.emit(inc, sh, t, 'SSO', 'login', {'query_text': 'SSO LOGIN %s' % client}, extra=[tag], **kw)
        t += 2 * MIN
        for _ in range(n):
            p = rng.choice(w.pool)
            if rng.random() < 0.5:
                self.search(inc, sh, t, p, '', 'INQUIRY', rng=rng, extra=[tag], **kw)
            else:
                self.view(inc, sh, t, p, '', 'INQUIRY', extra=[tag], **kw)
            t += rng.randint(30, max(31, dur_min * 60 // n)) * SEC
        self.emit(inc, sh, t + MIN, 'SSO', 'logout', {}, extra=[tag], **kw)

    def s_concurrent(self, rng):
        w = self.w
        e = self.pick(rng, self.officers())
        if not e:
            return
        sh = rng.choice(self.shifts(e.login))
        other = [c for c in w.clients if (c.startswith('HQ-PUB') or (c.startswith('PCT') and not c.startswith('PCT%d' % sh.pct)))]
        cl = rng.choice(other)
        inc = self.incident('concurrent_clients', 'login %s used at %s (%s) while the officer is on the MDT at %s'
                            % (e.login, cl, w.clients[cl][0], sh.site))
        t = self.inside(sh, rng, 60)
        self._intruder(inc, sh, t, cl, rng.randint(6, 12), rng, ('shared_credential', 'concurrent_clients'))

    def s_impossible_travel(self, rng):
        w = self.w
        cands = [x for x in w.airport if x.site.startswith('AIRPORT') and x.end_day is None]
        e = self.pick(rng, cands, 3)
        if not e:
            return
        sh = rng.choice(self.shifts(e.login))
        cl = rng.choice([c for c in w.clients if c.startswith('PCT5-WS')])
        inc = self.incident('impossible_travel', 'login %s used at %s minutes after logging out at the airport substation'
                            % (e.login, cl))
        self._intruder(inc, sh, sh.tout + rng.randint(3, 6) * MIN, cl, rng.randint(3, 5), rng,
                       ('shared_credential', 'impossible_travel'), 8)

    def _inactive(self, rng, e, what):
        w = self.w
        if e is None or e.end_day is None or e.end_day + 2 >= w.days:
            return
        d = rng.randint(e.end_day + 2, min(w.days - 1, e.end_day + 6))
        cl = rng.choice([c for c in w.clients if c.startswith('PCT%d-WS' % e.pct)])
        inc = self.incident('inactive_' + what, 'login of %s %s (end date %s) used on %s' % (what, e.login, w.dstr(e.end_day), w.dstr(d)))
        self.used.add(e.login)
        self._intruder(inc, None, w.at(d, rng.uniform(9, 20)), cl, rng.randint(5, 10), rng,
                       ('shared_credential', 'inactive_account'), login=e.login)

    def s_terminated(self, rng):
        self._inactive(rng, self.w.term_mid, 'terminated')

    def s_leave(self, rng):
        self._inactive(rng, self.w.leave_mid, 'leave')

    def s_unknown_case(self, rng):
        w = self.w
        e = self.pick(rng, self.officers())
        if not e:
            return
        sh = rng.choice(self.shifts(e.login))
        dt = w.start + __import__('datetime').timedelta(days=sh.d)
        for k in range(100):
            cid = '%02d-%06d' % (dt.year % 100, (dt.timetuple().tm_yday - 1) * 2000 + 1990 - k)
            if cid not in w.case_by_id:
                break
        inc = self.incident('unknown_case', '%s cites case %s that does not exist' % (e.login, cid))
        t = self.inside(sh, rng)
        for _ in range(rng.randint(4, 6)):
            p = rng.choice(w.pool)
            self.search(inc, sh, t, p, cid, 'INVESTIGATION', rng=rng)
            t += rng.randint(20, 90) * SEC
            self.view(inc, sh, t, p, cid, 'INVESTIGATION')
            t += rng.randint(30, 300) * SEC

    def s_closed_case(self, rng):
        w = self.w
        e = self.pick(rng, [x for x in self.officers() if any(p.pid for c in w.old_closed.get(x.login, ()) for p, r in c.subjects if r == 'victim')])
        if not e:
            return
        c = rng.choice([c for c in w.old_closed[e.login] if any(r == 'victim' and p.pid for p, r in c.subjects)])
        p = [p for p, r in c.subjects if r == 'victim' and p.pid][0]
        sh = rng.choice(self.shifts(e.login))
        inc = self.incident('closed_case', '%s looks up %s %s, victim in own case %s closed %s, months later'
                            % (e.login, p.first, p.last, c.cid, w.dstr(c.closed)))
        t = self.inside(sh, rng)
        self.search(inc, sh, t, p, c.cid, 'FOLLOW UP', rng=rng)
        self.view(inc, sh, t + 30 * SEC, p, c.cid, 'FOLLOW UP')
        self.addr(inc, sh, t + 90 * SEC, p, c.cid, 'FOLLOW UP', rng)
        if p.plate:
            self.plate(inc, sh, t + 150 * SEC, p, c.cid, 'FOLLOW UP', rng)

    def s_not_assigned(self, rng):
        w = self.w
        e = self.pick(rng, self.officers())
        if not e:
            return
        sh = rng.choice(self.shifts(e.login, 3))
        pool = [c for c in w.window_calls if c.pct != e.pct and c.d < sh.d and w.is_open(c, sh.d)
                and all(a[0] != e.login for a in c.assign) and all(p.pid for p, _ in c.subjects)]
        if not pool:
            return
        c = rng.choice(pool)
        inc = self.incident('not_assigned', '%s (PCT%d) works subjects of %s, a PCT%d case not assigned to them'
                            % (e.login, e.pct, c.cid, c.pct))
        t = self.inside(sh, rng)
        for p, r in c.subjects:
            self.search(inc, sh, t, p, c.cid, 'INVESTIGATION', rng=rng)
            self.view(inc, sh, t + 40 * SEC, p, c.cid, 'INVESTIGATION')
            t += rng.randint(2, 6) * MIN

    def s_subject_not_in_case(self, rng):
        w = self.w
        for _ in range(20):
            e = self.pick(rng, self.officers())
            if not e:
                return
            sh = rng.choice(self.shifts(e.login))
            oc = self.own_case(e, sh.d, rng)
            if oc:
                break
            self.used.discard(e.login)
        else:
            return
        inc = self.incident('subject_not_in_case', '%s uses own case %s to look up people not in it' % (e.login, oc.cid))
        t = self.inside(sh, rng)
        for _ in range(rng.randint(4, 6)):
            p = rng.choice([x for x in w.pool_by_pct[sh.pct] if x.sex == 'F' and 20 <= (w.start - x.dob).days // 365 <= 35][:400])
            self.search(inc, sh, t, p, oc.cid, 'FOLLOW UP', rng=rng)
            self.view(inc, sh, t + 30 * SEC, p, oc.cid, 'FOLLOW UP')
            if p.plate and rng.random() < 0.4:
                self.plate(inc, sh, t + 60 * SEC, p, oc.cid, 'FOLLOW UP', rng)
            t += rng.randint(3, 15) * MIN

    def s_missing(self, rng):
        w = self.w
        e = self.pick(rng, [y for s in w.squads.values() for y in s if y.end_day is None])
        if not e:
            return
        sh = rng.choice(self.shifts(e.login))
        inc = self.incident('missing_case', 'detective %s runs people with no case number under INVESTIGATION' % e.login)
        t = self.inside(sh, rng)
        for _ in range(rng.randint(6, 10)):
            p = rng.choice(w.pool)
            self.search(inc, sh, t, p, '', 'INVESTIGATION', rng=rng)
            self.ncic(inc, sh, t + 1 * SEC, p, '', 'INVESTIGATION', rng)
            t += rng.randint(2, 12) * MIN

    def s_scrape(self, rng):
        w = self.w
        e = self.pick(rng, self.officers())
        if not e:
            return
        sh = rng.choice(self.shifts(e.login))
        n = rng.randint(120, 170)
        i0 = rng.randrange(len(w.pool) - n - 1)
        inc = self.incident('scrape_burst', '%s opens %d consecutive master-name records in under 10 minutes' % (e.login, n))
        t = self.inside(sh, rng)
        step = (9 * 60 * SEC) // n
        for k in range(n):
            p = w.pool[i0 + k]
            self.view(inc, sh, t, p, '', 'INQUIRY', extra=[('odd_volume', 'burst'), ('odd_volume', 'distinct_subjects')])
            t += step + rng.randint(-step // 3, step // 3)

    def s_daily_count(self, rng):
        w = self.w
        e = self.pick(rng, [x for x in self.officers() if x.platoon in ('A', 'D') and not x.platoon2], 8)
        if not e:
            return
        shs = [s for s in self.shifts(e.login) if not s.overtime]
        counts = sorted(self.leg.daycount.get((e.login, s.session), 0) for s in shs)
        med = max(40, counts[len(counts) // 2])
        sh = rng.choice(shs[len(shs) // 2:])
        mult = rng.uniform(6, 8)
        n = int(med * (mult - 1))
        inc = self.incident('daily_volume', '%s runs about %.0fx the usual daily volume (usual median %d lookups/day, %d extra)'
                            % (e.login, mult, med, n))
        span = sh.tout - sh.tin - 60 * MIN
        times = sorted(sh.tin + 30 * MIN + rng.randrange(span) for _ in range(n // 2))
        for t in times:
            p = rng.choice(w.pool)
            oc = self.own_case(e, sh.d, rng, [p.pid])
            case = oc.cid if oc else ''
            tg = [('odd_volume', 'daily_count'), ('odd_volume', 'distinct_subjects')]
            self.search(inc, sh, t, p, case, 'FOLLOW UP', rng=rng, extra=tg)
            self.view(inc, sh, t + rng.randint(5, 30) * SEC, p, case, 'FOLLOW UP', extra=tg)

    def s_export(self, rng):
        w = self.w
        e = self.pick(rng, self.officers())
        if not e:
            return
        sh = rng.choice(self.shifts(e.login))
        inc = self.incident('bulk_export_patrol', 'patrol officer %s exports tens of thousands of person records' % e.login)
        t = self.inside(sh, rng)
        for k in range(rng.randint(1, 2)):
            hood = rng.choice([h for h in w.hood_pct if w.hood_pct[h]])
            f = {'case_id': '', 'purpose': 'INQUIRY', 'result_count': rng.randint(25000, 60000),
                 'query_text': 'EXPORT PERSONS HOOD=%s FIELDS=NAME,DOB,ADDRESS,PHONE,PLATE' % hood}
            self.emit(inc, sh, t, 'RMS', 'export', f, None, None, [('odd_volume', 'export')])
            t += rng.randint(5, 20) * MIN

    def s_off_hours(self, rng):
        w = self.w
        e = self.pick(rng, [x for x in w.records + w.cau + [y for s in w.squads.values() for y in s]
                            if x.end_day is None and x.vpn], 5)
        if not e:
            return
        shs = self.shifts(e.login)
        sh = rng.choice(shs[:-1])
        d = sh.d + 1
        cl = e.vpn
        site, ip = w.clients[cl]
        from activity import session_id
        sess = session_id(w.seed, 'offhours', e.login, d)
        n = rng.randint(30, 50)
        inc = self.incident('off_hours', 'day worker %s (%s) runs %d lookups between 01:00 and 04:00 from VPN' % (e.login, e.unit, n))
        t = w.at(d, rng.uniform(1.0, 1.4))
        kw = dict(session=sess, client=cl, ip=ip)
        tag = [('odd_volume', 'off_hours')]
        self.emit(inc, sh, t - 2 * MIN, 'SSO', 'login', {'query_text': 'SSO LOGIN %s' % cl}, nc=False, **kw)
        step = int((w.at(d, 3.9) - t) / n)
        for k in range(n):
            p = rng.choice(w.pool)
            if rng.random() < 0.5:
                self.search(inc, sh, t, p, '', 'INQUIRY', rng=rng, extra=tag, **kw)
            else:
                self.view(inc, sh, t, p, '', 'INQUIRY', extra=tag, **kw)
            t += step + rng.randint(-step // 3, step // 3)
        self.emit(inc, sh, t + 3 * MIN, 'SSO', 'logout', {}, nc=False, **kw)

    # -- labels ---------------------------------------------------------------------------------
    def labels(self):
        meta = self.em.meta
        out = []
        for inc in self.incidents:
            groups = OrderedDict()
            for eid, user, tags in inc.events:
                for det, kind in dict.fromkeys(tags):
                    key = (det, kind) if det == 'subject_surge' else (det, kind, user)
                    groups.setdefault(key, []).append((eid, user))
            for key, evs in groups.items():
                ks = [meta[e][0] for e, _ in evs]
                users = []
                for e, u in sorted(evs, key=lambda x: meta[x[0]][0]):
                    if u not in users:
                        users.append(u)
                lab = {'detector': key[0], 'kind': key[1], 'user': users[0] if key[0] == 'subject_surge' else key[2],
                       'event_ids': [e for e, _ in evs], 'window_start': fmt_z(min(ks), True),
                       'window_end': fmt_z(max(ks), True),
                       'note': 'inc%02d-%s: %s' % (inc.n, inc.name, inc.note)}
                if key[0] == 'subject_surge':
                    lab['users'] = users
                out.append(lab)
        out.sort(key=lambda l: (l['window_start'], l['note'], l['detector'], l['kind'], l['user']))
        return out


def inject(w, em, leg):
    return Injector(w, em, leg).run()
