"""The injection plan (stream `inject-plan`): which misconduct incidents happen,
by whom, on which day, about whom.  Reads only the shared world."""
from flows import DAY
from util import rng

EHR_ROLES = ("rn_ward", "rn_ed", "ed_physician", "hospitalist", "resident", "clinic_physician", "clinic_ma",
             "case_manager", "unit_clerk", "rn_float", "nurse_manager")
REV_ROLES = ("registrar", "front_desk", "billing", "coder", "him_roi")

# scenario, expected count at 80 users x 14 days
SCENARIOS = [
    ("self_chart_check", 1.5), ("self_name_dob_search", 1.0), ("self_phone_address", 1.0),
    ("self_name_only", 0.5), ("coworker_same_unit", 1.5), ("coworker_supervisor", 1.0),
    ("coworker_other_unit", 1.0), ("family_chart_lookup", 1.5), ("ex_partner_tracking", 1.5),
    ("neighbor_lookup", 1.0), ("new_partner_background", 0.5), ("protected_party_lookup", 0.5),
    ("record_altered_for_associate", 1.0), ("celebrity_curiosity", 1.0), ("official_curiosity", 1.0),
    ("vip_news_surge", 1.0), ("colleague_admitted_surge", 1.0), ("clerk_browsing", 1.0),
    ("burst_scrape", 1.0), ("night_lookups_from_home", 1.0), ("bulk_export", 1.0),
    ("daily_volume_spike", 1.0), ("shared_login_two_workstations", 1.0), ("shared_login_far_site", 1.0),
    ("terminated_account_used", 1.0), ("leave_account_used", 0.7), ("no_case_personal_lookup", 1.0),
    ("fabricated_encounter", 1.0), ("closed_encounter_reused", 1.0), ("other_team_encounter", 1.0),
    ("own_encounter_as_cover", 1.0),
]
CAPS = {"colleague_admitted_surge": 1, "vip_news_surge": 4}


def work_days(emp, days, lo=0):
    return [d for d in sorted(emp.sched) if lo <= d < days and emp.sched[d][1] - emp.sched[d][0] >= 240]


class Planner:
    def __init__(self, W):
        self.W = W
        self.r = rng(W.seed, W.n, W.days, "inject-plan")
        self.used = set()
        self.actor_count = {}

    def pick_actor(self, roles=None, pred=None, days_pred=None, lo=0):
        W, r = self.W, self.r
        cand = [e for e in W.emps if e.status == "active" and (roles is None or e.role in roles)
                and (pred is None or pred(e))]
        r.shuffle(cand)
        cand.sort(key=lambda e: self.actor_count.get(e.eid, 0))
        for e in cand:
            ds = [d for d in work_days(e, W.days, lo) if (e.login, d) not in self.used
                  and (days_pred is None or days_pred(e, d))]
            if ds:
                d = ds[r.randrange(len(ds))]
                self.used.add((e.login, d))
                self.actor_count[e.eid] = self.actor_count.get(e.eid, 0) + 1
                return e, d
        return None, None


def make_plan(W):
    P = Planner(W)
    r = P.r
    f = max(1.0, (W.n * W.days / 1120.0)) ** 0.6
    plan = []
    for name, base in SCENARIOS:
        x = base * f
        k = int(x) + (1 if r.random() < x - int(x) else 0)
        k = min(k, CAPS.get(name, k))
        for _ in range(k):
            plan.append(name)
    r.shuffle(plan)
    plan.sort(key=lambda s: [x[0] for x in SCENARIOS].index(s))
    out = []
    for i, name in enumerate(plan):
        inc = {"incident": f"INC-{W.seed}-{i + 1:03d}", "scenario": name}
        inc = plan_one(P, W, inc)
        if inc:
            out.append(inc)
    return out


def has_assoc(W, rels, need_mrn=True):
    def pred(e):
        return any(a["relation"] in rels and (a["person"].mrn or not need_mrn) and "reserved" not in a["person"].tags
                   for a in W.assoc_by_eid.get(e.eid, []))
    return pred


def plan_one(P, W, inc):
    name, r = inc["scenario"], P.r
    D = W.days
    if name == "self_chart_check":
        e, d = P.pick_actor(EHR_ROLES, lambda e: e.person.mrn and e.habits.get("hr_has_mrn"))
    elif name in ("self_name_dob_search", "self_phone_address", "self_name_only"):
        e, d = P.pick_actor(REV_ROLES)
    elif name == "coworker_same_unit":
        e, d = P.pick_actor(EHR_ROLES, lambda e: any(o is not e and o.unit == e.unit and o.person.mrn
                                                     and "reserved" not in o.person.tags for o in W.emps))
    elif name == "coworker_supervisor":
        e, d = P.pick_actor(EHR_ROLES + REV_ROLES, lambda e: e.supervisor in W.emp_by_eid
                            and W.emp_by_eid[e.supervisor].person.mrn)
    elif name == "coworker_other_unit":
        e, d = P.pick_actor(EHR_ROLES)
    elif name == "family_chart_lookup":
        e, d = P.pick_actor(EHR_ROLES + REV_ROLES, has_assoc(W, ("family", "spouse")))
    elif name == "ex_partner_tracking":
        e, d = P.pick_actor(None, has_assoc(W, ("ex_partner",)),
                            days_pred=lambda e, d: d + 1 < D, lo=0)
    elif name == "neighbor_lookup":
        e, d = P.pick_actor(None, has_assoc(W, ("neighbor",)))
    elif name == "new_partner_background":
        e, d = P.pick_actor(None, has_assoc(W, ("partner",), need_mrn=False))
    elif name == "protected_party_lookup":
        e, d = P.pick_actor(None, has_assoc(W, ("protected_party",)))
    elif name == "record_altered_for_associate":
        e, d = P.pick_actor(None, lambda e: any(a["relation"] == "associate" and W.encs_by_pat.get(a["person"].key)
                                                for a in W.assoc_by_eid.get(e.eid, [])))
    elif name in ("celebrity_curiosity", "official_curiosity"):
        cat = "celebrity" if name == "celebrity_curiosity" else "official"
        targets = [(p, c) for p, c, _ in W.vips if c == cat]
        with_enc = [p for p, c in targets if W.encs_by_pat.get(p.key)]
        tgt = with_enc[r.randrange(len(with_enc))] if with_enc and r.random() < 0.8 else \
            targets[r.randrange(len(targets))][0]
        encs = W.encs_by_pat.get(tgt.key, [])
        win = [d for x in encs for d in range(max(0, x.open_day()), min(D, (x.meta.get("t_dis") or x.t_close or 0) // DAY + 2))]
        e, d = P.pick_actor(EHR_ROLES + REV_ROLES + ("pharmacist", "lab_tech", "rad_tech"),
                            lambda e: not any(x.assigned(e.login, dd) for x in encs for dd in range(-1, D)),
                            days_pred=(lambda e, d: d in win) if win else None)
        inc["target"] = tgt
    elif name == "vip_news_surge":
        idx = sum(1 for x in P.__dict__.get("surges", []))
        P.__dict__.setdefault("surges", []).append(1)
        targets = [W.news_patient] + [p for p, c, _ in W.vips if c in ("celebrity", "board_member", "official")
                                      and any(x.etype in ("IP", "ED") for x in W.encs_by_pat.get(p.key, []))]
        tgt = targets[idx % len(targets)]
        enc = [x for x in W.encs_by_pat[tgt.key] if x.etype in ("IP", "ED")]
        enc.sort(key=lambda x: x.t_open)
        t_start = enc[0].meta.get("t_arr", enc[0].t_open) + 120
        inc.update(target=tgt, t_start=t_start, day=t_start // DAY, k=r.randint(7, 11))
        return inc
    elif name == "colleague_admitted_surge":
        cw, a_day = W.specials["coworker"]
        # word spreads at the morning shift change after the night admission
        inc.update(target=cw.person, t_start=(a_day + 1) * DAY + 7 * 60 + 20, day=a_day + 1, k=r.randint(6, 10))
        if a_day + 1 >= D:
            return None
        return inc
    elif name == "clerk_browsing":
        e, d = P.pick_actor(("unit_clerk", "front_desk", "him_roi", "case_manager", "clinic_ma"))
    elif name == "burst_scrape":
        e, d = P.pick_actor(("rn_ward", "case_manager"), days_pred=lambda e, d: bool(own_encs(W, e, d)))
    elif name == "night_lookups_from_home":
        e, d = P.pick_actor(("coder", "quality", "nurse_manager", "clinic_physician", "infection_prev"),
                            lambda e: bool(e.laptop), days_pred=lambda e, d: d + 1 < D)
    elif name == "bulk_export":
        e, d = P.pick_actor(("registrar", "billing", "front_desk", "him_roi"))
    elif name == "daily_volume_spike":
        e, d = P.pick_actor(("pharmacist", "lab_tech", "registrar"))
    elif name == "shared_login_two_workstations":
        e, d = P.pick_actor(("resident", "rn_ward", "rn_ed", "ed_physician"))
    elif name == "shared_login_far_site":
        e, d = P.pick_actor(("rn_ward", "registrar", "clinic_ma", "billing", "lab_tech", "pharmacist"),
                            lambda e: e.site != "PRC")
    elif name in ("terminated_account_used", "leave_account_used"):
        if name == "terminated_account_used":
            pool = [(x, end) for x, end in W.statuses["terminated"]]
        else:
            pool = [(x, x.leave_from) for x in W.statuses["leave"] if x.status == "leave"]
        taken = P.__dict__.setdefault("inactive_taken", set())
        pool = [(x, end) for x, end in pool if x.eid not in taken]
        if not pool:
            return None
        x, end = pool[r.randrange(len(pool))]
        taken.add(x.eid)
        lo = max(0, end + 1)
        if lo >= D:
            return None
        inc.update(actor=x, login=x.login, day=r.randint(lo, D - 1))
        return inc
    elif name in ("no_case_personal_lookup", "fabricated_encounter", "closed_encounter_reused",
                  "other_team_encounter"):
        e, d = P.pick_actor(EHR_ROLES)
    elif name == "own_encounter_as_cover":
        e, d = P.pick_actor(("rn_ward", "hospitalist", "case_manager"),
                            days_pred=lambda e, d: bool(own_encs(W, e, d)))
    else:
        raise ValueError(name)
    if e is None:
        return None
    inc.update(actor=e, login=e.login, day=d)
    if name == "night_lookups_from_home":
        inc["day"] = d + 1
    if name == "ex_partner_tracking":
        inc["days"] = [d, d + 1] if (d + 1) in e.sched and d + 1 < D else [d]
    return inc


def own_encs(W, e, d):
    """Encounters assigned to e for the whole local day d (and the next date for night work)."""
    out = []
    for x in W.encs_by_login.get(e.login, []):
        if x.etype in ("IP",) and x.assigned(e.login, d) and x.active_on(d) and \
                (x.t_close is None or x.close_day() > d):
            out.append(x)
    return out
