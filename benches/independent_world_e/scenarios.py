"""The incident plan: which misconduct happens, by whom, on which days.

About 34 incidents at 80 users x 14 days (one of each scenario); the count scales with
(N*D/1120)^0.6. Actors are chosen among people whose role and schedule make the story
plausible, and the same person is rarely chosen more than twice.
"""
import datetime as dt

from common import day_date
from scen_identity import *   # noqa: F401,F403  (run_* functions)
from scen_volume import *     # noqa: F401,F403

FRONT = ("counter_clerk", "cc_agent", "examiner", "title_clerk")
CASE_ROLES = ("le_liaison", "records_clerk", "fraud_investigator", "medical_analyst")
LAPTOP = ("le_liaison", "fraud_investigator", "office_manager", "records_supervisor", "fraud_supervisor")
ANY = FRONT + CASE_ROLES + ("office_manager", "cc_supervisor", "title_supervisor", "it_admin")

# scenario -> (primary (detector, kind), repeatable weight for extra incidents)
CATALOG = [
    ("self_record_check", ("self_query", "name_dob"), 2),
    ("self_plate_check", ("self_query", "plate"), 1),
    ("self_license_lookup", ("self_query", "person_id"), 1),
    ("self_address_check", ("self_query", "address"), 1),
    ("self_phone_check", ("self_query", "phone"), 1),
    ("self_name_only", ("self_query", "name_only"), 1),
    ("coworker_same_office", ("coworker_lookup", "same_unit"), 2),
    ("coworker_supervisor", ("coworker_lookup", "supervisor"), 1),
    ("coworker_other_office", ("coworker_lookup", "other_unit"), 2),
    ("ex_partner_tracking", ("association_lookup", "ex_partner"), 2),
    ("family_lookup", ("association_lookup", "family"), 2),
    ("neighbor_plate", ("association_lookup", "neighbor"), 1),
    ("new_partner_background", ("association_lookup", "partner"), 1),
    ("protected_party_lookup", ("association_lookup", "protected_party"), 1),
    ("record_altered_for_associate", ("association_lookup", "associate"), 1),
    ("address_selling_clerk", ("odd_volume", "distinct_subjects"), 1),
    ("daily_volume_spike", ("odd_volume", "daily_count"), 1),
    ("burst_scrape", ("odd_volume", "burst"), 1),
    ("night_lookups_from_home", ("odd_volume", "off_hours"), 1),
    ("bulk_export_addresses", ("odd_volume", "export"), 1),
    ("shared_login_two_terminals", ("shared_credential", "concurrent_clients"), 1),
    ("shared_login_far_site", ("shared_credential", "impossible_travel"), 1),
    ("terminated_account_used", ("shared_credential", "inactive_account"), 0),
    ("leave_account_used", ("shared_credential", "inactive_account"), 0),
    ("no_request_number", ("no_case", "missing"), 1),
    ("fabricated_request_number", ("no_case", "unknown_case"), 1),
    ("closed_request_reused", ("no_case", "closed_case"), 1),
    ("colleague_request_snooping", ("no_case", "not_assigned"), 1),
    ("own_request_as_cover", ("no_case", "subject_not_in_case"), 1),
    ("celebrity_car_curiosity", ("watchlist_lookup", "celebrity"), 0),
    ("official_curiosity", ("watchlist_lookup", "official"), 1),
    ("journalist_lookup", ("watchlist_lookup", "journalist"), 1),
    ("crash_victim_surge", ("subject_surge", "many_users"), 0),
    ("colleague_in_news_surge", ("subject_surge", "many_users"), 0),
]


def plan_all(I, r):
    W = I.W
    scale = (W.n * W.days / 1120.0) ** 0.6
    total = max(10, round(len(CATALOG) * scale))
    names = [c[0] for c in CATALOG]
    if total >= len(names):
        order = list(names)
        rep = [(c[0], c[2]) for c in CATALOG if c[2] > 0]
        while len(order) < total:
            order.append(r.choices([x for x, _ in rep], weights=[w for _, w in rep])[0])
    else:
        order = r.sample(names, total)
    prim = {c[0]: c[1] for c in CATALOG}
    for name in order:
        inc = I.new_incident(name)
        inc.primary = prim[name]
        ok = globals()["plan_" + name](I, r, inc) if ("plan_" + name) in globals() else plan_simple(I, r, inc)
        if not ok:
            I.incidents.pop()
    for k, inc in enumerate(I.incidents):
        inc.iid = "INC-%03d" % (k + 1)
        if inc.actor is not None:
            I.used[inc.actor.eid] += 1


# ------------------------------------------------------------------------------ helpers --------

def work_days(I, emp, lo=0, hi=None):
    hi = I.W.days if hi is None else hi
    return [d for d in range(max(0, lo), min(hi, I.W.days)) if I.working(emp, d)]


def pick_actor(I, r, roles, cond=None, exclude=()):
    used = {}
    for inc in I.incidents:
        if inc.actor is not None:
            used[inc.actor.eid] = used.get(inc.actor.eid, 0) + 1
    c = [e for e in I.W.ag.employees if e.role in roles and e.status == "active" and e.eid not in exclude
         and used.get(e.eid, 0) < 2 and work_days(I, e) and (cond is None or cond(e))]
    if not c:
        return None
    fresh = [e for e in c if e.eid not in used]
    pool = fresh if fresh and r.random() < 0.85 else c
    return pool[r.randrange(len(pool))]


def set_actor_day(I, r, inc, roles, cond=None, story="", ndays=1):
    e = pick_actor(I, r, roles, cond)
    if e is None:
        return False
    days = work_days(I, e)
    d = days[r.randrange(len(days))]
    inc.actor = e
    inc.days = [d]
    if ndays > 1:
        later = [x for x in days if d < x <= d + 4]
        if later:
            inc.days.append(later[0])
        elif [x for x in days if x < d]:
            inc.days.insert(0, [x for x in days if x < d][-1])
    inc.story = story.format(login=e.login, role=e.role)
    return True


def assoc_of(I, e, rel, recent=False):
    rows = [a for a in I.W.wr.assoc_by_emp.get(e.eid, []) if a["relation"] == rel]
    if recent:
        lim = (day_date(0) - dt.timedelta(days=183)).isoformat()
        rows = [a for a in rows if a["valid_from"] >= lim]
    return rows


def plan_simple(I, r, inc):
    raise RuntimeError("no planner for " + inc.scenario)


# ------------------------------------------------------------------------------ self -----------

def plan_self_record_check(I, r, inc):
    return set_actor_day(I, r, inc, FRONT + ("office_manager",),
                         story="{login} ({role}) runs their own name and date of birth")


def plan_self_plate_check(I, r, inc):
    return set_actor_day(I, r, inc, FRONT, cond=lambda e: bool(I.truth.pers[e.eid]["plate"]),
                         story="{login} ({role}) checks the registration status of their own plate")


def plan_self_license_lookup(I, r, inc):
    return set_actor_day(I, r, inc, FRONT + CASE_ROLES, cond=lambda e: bool(e.known_pid and e.person.dl),
                         story="{login} ({role}) pulls up their own licence record by licence number")


def plan_self_address_check(I, r, inc):
    return set_actor_day(I, r, inc, FRONT, story="{login} ({role}) searches their own home address to see who is registered there")


def plan_self_phone_check(I, r, inc):
    return set_actor_day(I, r, inc, ("cc_agent",), story="{login} ({role}) searches the CRM by their own phone number")


def plan_self_name_only(I, r, inc):
    return set_actor_day(I, r, inc, FRONT, story="{login} ({role}) searches their own name without a date of birth")


# ------------------------------------------------------------------------------ coworkers ------

def _coworker(I, r, inc, roles, target_fn, story):
    for _ in range(20):
        if not set_actor_day(I, r, inc, roles):
            return False
        tgt = target_fn(inc.actor)
        if tgt:
            inc.params["target"] = tgt[r.randrange(len(tgt))]
            inc.story = story % (inc.actor.login, inc.actor.role, inc.params["target"].login)
            return True
    return False


def plan_coworker_same_office(I, r, inc):
    ag = I.W.ag
    return _coworker(I, r, inc, ("counter_clerk", "examiner", "cc_agent", "title_clerk"),
                     lambda a: [e for e in ag.employees if e.unit == a.unit and e is not a and e.eid != a.supervisor],
                     "%s (%s) looks up a new colleague in the same office, %s")


def plan_coworker_supervisor(I, r, inc):
    ag = I.W.ag
    return _coworker(I, r, inc, FRONT + CASE_ROLES,
                     lambda a: [ag.emp_by_id[a.supervisor]] if a.supervisor in ag.emp_by_id else [],
                     "%s (%s) looks up their supervisor after a write-up: %s")


def plan_coworker_other_office(I, r, inc):
    ag = I.W.ag
    return _coworker(I, r, inc, FRONT + CASE_ROLES,
                     lambda a: [e for e in ag.employees if e.unit != a.unit and e.status == "active"],
                     "%s (%s) looks up %s, someone from another unit met at a training day")


# ------------------------------------------------------------------------------ associations ---

def _assoc(I, r, inc, rel, roles, story, ndays=1, recent=False):
    ok = set_actor_day(I, r, inc, roles, cond=lambda e: bool(assoc_of(I, e, rel, recent)), ndays=ndays)
    if not ok:
        return False
    rows = assoc_of(I, inc.actor, rel, recent)
    inc.params["row"] = rows[r.randrange(len(rows))]
    inc.story = story % (inc.actor.login, inc.actor.role)
    return True


def plan_ex_partner_tracking(I, r, inc):
    return _assoc(I, r, inc, "ex_partner", ANY, "%s (%s) tracks an ex-partner: name and DOB, new address, new car", ndays=2)


def plan_family_lookup(I, r, inc):
    return _assoc(I, r, inc, "family", ANY, "%s (%s) looks up a relative's licence and car")


def plan_neighbor_plate(I, r, inc):
    return _assoc(I, r, inc, "neighbor", ANY, "%s (%s) runs the plate of a neighbour's car after a parking dispute")


def plan_new_partner_background(I, r, inc):
    return _assoc(I, r, inc, "partner", ANY, "%s (%s) checks a new partner's driving record and photo", recent=True)


def plan_protected_party_lookup(I, r, inc):
    return _assoc(I, r, inc, "protected_party", ANY,
                  "%s (%s) looks up where the person who holds a protective order against them now lives")


def plan_record_altered_for_associate(I, r, inc):
    rel = "associate" if r.random() < 0.6 else "family"
    ok = _assoc(I, r, inc, rel, ("counter_clerk", "title_clerk"), "%s (%s) looks up an associate and clears a hold on the record")
    if not ok and rel == "associate":
        ok = _assoc(I, r, inc, "family", ("counter_clerk", "title_clerk"), "%s (%s) looks up a relative and clears a hold on the record")
    if ok:
        inc.primary = ("association_lookup", inc.params["row"]["relation"])
    return ok


# ------------------------------------------------------------------------------ volume ---------

def plan_address_selling_clerk(I, r, inc):
    return set_actor_day(I, r, inc, ("counter_clerk",),
                         story="{login} ({role}) sells home addresses: browses ~100 unrelated people across the state in one day")


def plan_daily_volume_spike(I, r, inc):
    return set_actor_day(I, r, inc, ("le_liaison", "records_clerk", "medical_analyst", "examiner"),
                         story="{login} ({role}) runs 5-8 times their usual daily volume of lookups on unrelated people")


def plan_burst_scrape(I, r, inc):
    roles = ("le_liaison",) if r.random() < 0.6 else ("cc_agent",)
    return set_actor_day(I, r, inc, roles, story="{login} ({role}) scrapes 110-190 name+DOB records in a few minutes")


def plan_night_lookups_from_home(I, r, inc):
    return set_actor_day(I, r, inc, LAPTOP, cond=lambda e: e.laptop is not None,
                         story="{login} ({role}) logs in over VPN from home between 00:30 and 04:00 and looks up people")


def plan_bulk_export_addresses(I, r, inc):
    return set_actor_day(I, r, inc, ("title_clerk", "records_clerk", "cc_agent"),
                         story="{login} ({role}) exports customer names and home addresses in bulk")


# ------------------------------------------------------------------------------ credentials ----

def plan_shared_login_two_terminals(I, r, inc):
    return set_actor_day(I, r, inc, ("counter_clerk",),
                         story="{login}'s login is used at a second counter in the same office while they work")


def plan_shared_login_far_site(I, r, inc):
    from agency import km
    ok = set_actor_day(I, r, inc, ("counter_clerk", "examiner"))
    if not ok:
        return False
    a = inc.actor
    far = max(I.W.ag.offices, key=lambda s: km(s.lat, s.lon, a.site.lat, a.site.lon))
    inc.params["site"] = far
    inc.story = "%s's login is used at %s, %.0f km from %s, minutes after use at home office" % (
        a.login, far.code, km(far.lat, far.lon, a.site.lat, a.site.lon), a.site.code)
    return True


def _inactive(I, r, inc, cond, story):
    if any(i.scenario == inc.scenario and i is not inc for i in I.incidents):
        return False
    c = [e for e in I.W.ag.employees if cond(e)]
    if not c:
        return False
    e = c[r.randrange(len(c))]
    lo = 0 if e.end_day is None else max(0, e.end_day + 1)
    days = [d for d in range(lo, I.W.days) if I.W.cal.business[d] and d not in I.W.cal.outage]
    if not days:
        return False
    inc.actor = e
    inc.days = [days[r.randrange(len(days))]]
    inc.story = story % (e.login, e.role)
    return True


def plan_terminated_account_used(I, r, inc):
    return _inactive(I, r, inc, lambda e: e.status == "terminated",
                     "the account of %s (%s, terminated) is used after the end date")


def plan_leave_account_used(I, r, inc):
    return _inactive(I, r, inc, lambda e: e.status == "leave",
                     "the account of %s (%s, on long-term leave) is used by someone at the office")


# ------------------------------------------------------------------------------ no case --------

def plan_no_request_number(I, r, inc):
    return set_actor_day(I, r, inc, CASE_ROLES,
                         story="{login} ({role}) looks up a friend under a case purpose with no request number")


def plan_fabricated_request_number(I, r, inc):
    return set_actor_day(I, r, inc, CASE_ROLES, story="{login} ({role}) types a made-up request number for a personal lookup")


def plan_closed_request_reused(I, r, inc):
    W = I.W

    def cond(e):
        return any(c.closed is not None and c.closed < 0 for c in W.wr.by_login.get(e.login, []))
    return set_actor_day(I, r, inc, ("le_liaison", "records_clerk", "fraud_investigator"), cond=cond,
                         story="{login} ({role}) reuses one of their long-closed request numbers for a personal lookup")


def plan_colleague_request_snooping(I, r, inc):
    return set_actor_day(I, r, inc, ("le_liaison", "records_clerk", "medical_analyst", "fraud_investigator"),
                         story="{login} ({role}) opens a colleague's request and looks at its subject")


def plan_own_request_as_cover(I, r, inc):
    return set_actor_day(I, r, inc, CASE_ROLES,
                         story="{login} ({role}) looks up an unrelated person under one of their own open requests")


# ------------------------------------------------------------------------------ watchlist, news -

def plan_official_curiosity(I, r, inc):
    if not set_actor_day(I, r, inc, ANY):
        return False
    offs = [w for w in I.W.wr.watch if w[1] == "official"]
    w = offs[r.randrange(len(offs))]
    inc.params["person"] = w[0]
    inc.story = "%s (%s) looks up %s (%s) out of curiosity" % (inc.actor.login, inc.actor.role, w[0].name(), w[2])
    return True


def plan_journalist_lookup(I, r, inc):
    if not set_actor_day(I, r, inc, ANY):
        return False
    js = [w for w in I.W.wr.watch if w[1] == "journalist"]
    w = js[r.randrange(len(js))]
    inc.params["person"] = w[0]
    inc.story = "%s (%s) looks up the home address and car of %s (%s) after a story on the DMV" % (
        inc.actor.login, inc.actor.role, w[0].name(), w[2])
    return True


def _surge_day(I, d0):
    for d in range(d0, min(I.W.days, d0 + 4)):
        if I.W.cal.business[d] and d not in I.W.cal.outage:
            return d
    return None


def plan_celebrity_car_curiosity(I, r, inc):
    n = I.W.plan.news["celebrity"]
    d = _surge_day(I, n["day"] + 1) or _surge_day(I, n["day"])
    if d is None:
        return False
    inc.days = [d]
    inc.params.update(person=n["person"], vehicle=n["vehicle"], exclude={n["clerk"].eid}, k=r.randint(5, 8))
    v = n["vehicle"]
    inc.story = "news photo of %s (%s) registering a new %s %s at %s: several staff look the record up" % (
        n["person"].name(), n["note"], v.make, v.model, n["office"].code)
    return True


def plan_crash_victim_surge(I, r, inc):
    n = I.W.plan.news["crash"]
    d = _surge_day(I, n["day"] + 1) or _surge_day(I, n["day"])
    if d is None:
        return False
    inc.days = [d]
    inc.params.update(person=n["victim"], exclude={n["liaison"].eid}, k=r.randint(6, 10))
    inc.story = "crash victim %s is in the news: staff with no role in it look the victim up" % n["victim"].name()
    return True


def plan_colleague_in_news_surge(I, r, inc):
    n = I.W.plan.news["dui"]
    d = _surge_day(I, n["day"] + 1) or _surge_day(I, n["day"])
    if d is None:
        return False
    inc.days = [d]
    inc.params.update(person=n["employee"].person, exclude={n["analyst"].eid, n["employee"].eid}, k=r.randint(5, 9))
    inc.story = "%s's drunk-driving arrest is in the news: colleagues look the record up" % n["employee"].login
    return True
