"""Event emission: sessions on workstations / VPN laptops, and the way each
source system writes its audit rows (EHR chart fan-out, ADT searches, LIS,
RIS/PACS, pharmacy, billing, ROI, encoder, mobile app with a nested subject)."""
import json
from flows import DAY
from util import IdMaker, local_minutes_to_ts, mrn_variant, enc_variant, name_case, typed_last, \
    typed_first, phone_variant, address_text

KEYS = ["id", "ts", "user", "action", "system", "session", "client", "ip", "case_id", "purpose",
        "subject_person_id", "subject_last_name", "subject_first_name", "subject_name", "subject_dob",
        "subject_address", "subject_phone", "result_count", "query_text"]


class Out:
    """Collects events as (ts, id, line, truth) where truth = (person_key, enc, hn)."""

    def __init__(self, seed, stream):
        self.ids = IdMaker(seed, stream)
        self.rows = []

    def ev(self, t_abs, user, action, system, sess=None, case_id=None, purpose=None, subj=None,
           result_count=None, query_text=None, extra=None, truth=None, hn=None, ts=None, nested=False):
        eid = self.ids.next()
        if ts is None:
            if t_abs == int(t_abs) and action not in ("login", "logout", "login_failed"):
                # whole-minute plan times get the seconds a real clock would show
                t_abs = t_abs + (int(eid[:4], 16) % 59) / 60.0
            ts = local_minutes_to_ts(0, t_abs)
        d = {"id": eid, "ts": ts, "user": user, "action": action, "system": system}
        if sess is not None:
            d["session"], d["client"], d["ip"] = sess.sid, sess.client, sess.ip
        if case_id is not None:
            d["case_id"] = case_id
        if purpose is not None:
            d["purpose"] = purpose
        if subj:
            if nested:
                d["subject"] = {k[8:]: v for k, v in subj.items() if v}
            else:
                for k in KEYS[10:17]:
                    if subj.get(k):
                        d[k] = subj[k]
        if result_count is not None:
            d["result_count"] = result_count
        if query_text:
            d["query_text"] = query_text
        if extra:
            d.update(extra)
        if truth is not None:
            truth = (truth[0], truth[1], purpose, action, case_id, ts)
        self.rows.append((ts, d["id"], json.dumps(d, separators=(",", ":")), truth, hn))
        return d


class Sess:
    __slots__ = ("sid", "client", "ip", "t0", "t1")

    def __init__(self, sid, client, ip, t0, t1):
        self.sid, self.client, self.ip, self.t0, self.t1 = sid, client, ip, t0, t1


def make_sessions(rr, W, login, t0, t1, pool, style="roam", laptop=None, vpn=False):
    """Sessions covering [t0, t1] (absolute seconds*60 minutes).  roam: shared
    workstations in turn; desk: one desktop with a lunch re-login; vpn: laptop."""
    out = []
    if vpn or style == "vpn":
        sid = "%010x" % rr.getrandbits(40)
        ip = f"172.20.{rr.randint(1, 60)}.{rr.randint(2, 250)}"
        out.append(Sess(sid, laptop, ip, t0, t1))
        return out
    if style == "desk":
        c = pool[rr.randrange(len(pool))]
        mid = t0 + (t1 - t0) * rr.uniform(0.4, 0.6)
        for a, b in ((t0, mid), (mid + rr.randint(25, 45), t1)):
            out.append(Sess("%010x" % rr.getrandbits(40), c, W.clients[c][3], a, b))
        return out
    t = t0
    while t < t1:
        c = pool[rr.randrange(len(pool))]
        b = min(t1, t + rr.randint(35, 170))
        out.append(Sess("%010x" % rr.getrandbits(40), c, W.clients[c][3], t, b))
        t = b + rr.randint(0, 3)
    return out


def sess_at(sessions, t):
    for s in sessions:
        if s.t0 <= t <= s.t1:
            return s
    best = min(sessions, key=lambda s: min(abs(s.t0 - t), abs(s.t1 - t)))
    return best


def emit_logins(o, rr, login, sessions, system="SSO", fail_p=0.03):
    for s in sessions:
        if rr.random() < fail_p:
            o.ev(s.t0 - 0.5, login, "login_failed", system, s, extra={"reason": "bad password"})
        o.ev(s.t0, login, "login", system, s)
        if rr.random() < 0.7:
            o.ev(s.t1, login, "logout", system, s)


# ------------------------------------------------------------ subject shapes
def subj_ehr(p, habits, full=True):
    d = {"subject_person_id": p.mrn}
    if full:
        d["subject_name"] = p.name_lf()
    return d


def subj_typed(p, rr, habits, dob_p=None, first=True):
    """Name (and maybe DOB) as the user types it into a search box."""
    style = habits.get("case", "upper")
    d = {"subject_last_name": name_case(typed_last(p.last, rr, habits.get("typo", 0.02)), style)}
    if first:
        d["subject_first_name"] = name_case(typed_first(p.first, p.nicks, rr), style)
    if rr.random() < (habits.get("dob_p", 0.8) if dob_p is None else dob_p):
        d["subject_dob"] = p.dob
    return d


def subj_whole(p, rr, habits):
    style = habits.get("case", "upper")
    if rr.random() < 0.5:
        s = f"{typed_last(p.last, rr)}, {typed_first(p.first, p.nicks, rr)}"
        if p.middle and rr.random() < 0.4:
            s += " " + p.middle
    else:
        s = f"{typed_first(p.first, p.nicks, rr)} {typed_last(p.last, rr)}"
    return {"subject_name": name_case(s, style)}


def subj_demo(p, rr):
    """Demographics as displayed by ADT after a patient is selected."""
    return {"subject_person_id": p.mrn, "subject_last_name": p.last, "subject_first_name": p.first,
            "subject_dob": p.dob, "subject_address": address_text(p.addr), "subject_phone": p.phone}


# ------------------------------------------------------------ system writers
TABS = ["Results Review", "Notes", "MAR", "Flowsheets", "Orders", "Imaging", "Problem List",
        "Medications", "Allergies", "Care Plan"]


def chart_open(o, t, login, sess, enc, pat, purpose, tabs, truth_hn=None, case_id=None, extra=None):
    """One chart open in the EHR = several rows in the same second."""
    cid = enc.id if (enc is not None and case_id is None) else (case_id or "")
    tr = (pat.key, enc.id if enc else cid)
    ex = {"activity": "Chart Opened"}
    if extra:
        ex.update(extra)
    ts = o.ev(t, login, "query", "EHR", sess, cid, purpose, subj_ehr(pat, None), extra=ex, truth=tr,
              hn=truth_hn)["ts"]
    for tab in tabs:
        o.ev(t, login, "query", "EHR", sess, cid, purpose, {"subject_person_id": pat.mrn},
             extra={"activity": tab}, truth=tr, hn=truth_hn, ts=ts)


def pick_tabs(rr, k_lo=1, k_hi=3, pool=TABS):
    return rr.sample(pool, rr.randint(k_lo, k_hi))


def documentation(o, t, login, sess, enc, pat, purpose, what, hn=None):
    o.ev(t, login, "update", "EHR", sess, enc.id, purpose, {"subject_person_id": pat.mrn},
         extra={"activity": what}, truth=(pat.key, enc.id), hn=hn)


def mobile_med_admin(o, t, login, sess, enc, pat, hn=None):
    o.ev(t, login, "update", "EHR-MOBILE", sess, enc.id, "TREATMENT",
         {"subject_person_id": pat.mrn, "subject_name": pat.name_lf()}, nested=True,
         extra={"activity": "Medication Administered (barcode scan)"}, truth=(pat.key, enc.id), hn=hn)


def adt_search(o, t, login, sess, pat, rr, habits, purpose, system="ADT", results=None, hn=None, truth_enc=""):
    subj = subj_typed(pat, rr, habits)
    if results is None:
        results = 1 + int(rr.random() < 0.3) * rr.randint(1, 6)
        if "subject_dob" not in subj:
            results = rr.randint(3, 60)
    o.ev(t, login, "query", system, sess, "", purpose, subj, result_count=results,
         extra={"activity": "Patient Lookup"}, truth=(pat.key, truth_enc), hn=hn)


def adt_open(o, t, login, sess, pat, rr, purpose, case_id="", action="query", activity="Patient Demographics",
             hn=None, truth_enc=None, system="ADT"):
    o.ev(t, login, action, system, sess, case_id, purpose, subj_demo(pat, rr),
         extra={"activity": activity}, truth=(pat.key, truth_enc if truth_enc is not None else case_id), hn=hn)


def lis_row(o, t, login, sess, enc, pat, rr, what, action="update", hn=None):
    acc = "%s-%03d-%05d" % (str(1900 + (t // DAY) % 100)[-2:], 290 + (t // DAY) % 60, rr.randint(100, 99999))
    o.ev(t, login, action, "LIS", sess, enc_variant(enc.id, "nodash", rr), "RESULT_ENTRY",
         {"subject_person_id": mrn_variant(pat.mrn, "bare")}, query_text=f"ACC {acc} {what}",
         truth=(pat.key, enc.id), hn=hn)


def ris_row(o, t, login, sess, enc, pat, rr, exam, action="query", hn=None):
    acc = "RAD%08d" % rr.randint(1, 99999999)
    o.ev(t, login, action, "PACS", sess, enc.id, "IMAGING",
         {"subject_person_id": mrn_variant(pat.mrn, "sbr")}, query_text=f"{acc} {exam}",
         truth=(pat.key, enc.id), hn=hn)


def rx_row(o, t, login, sess, enc, pat, rr, hn=None):
    drug = rr.choice(["CEFTRIAXONE 1 G IV", "ENOXAPARIN 40 MG SC", "METOPROLOL 25 MG PO", "INSULIN LISPRO SS",
                      "ONDANSETRON 4 MG IV", "VANCOMYCIN PER PHARMACY", "APIXABAN 5 MG PO",
                      "ACETAMINOPHEN 650 MG PO", "PANTOPRAZOLE 40 MG IV", "FUROSEMIDE 40 MG IV"])
    o.ev(t, login, "query", "PHARMACY", sess, enc.id, "PHARMACY_VERIFICATION",
         {"subject_person_id": pat.mrn, "subject_name": f"{pat.last}, {pat.first}"},
         query_text=f"VERIFY ORDER {drug}", truth=(pat.key, enc.id), hn=hn)
