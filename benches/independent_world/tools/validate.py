"""Check a generated world: parsing, headers, ids, labels, and sanity of the unlabelled work."""
import json, csv, sys, collections, datetime, math
HEAD = {
 "personnel.csv": "user,employee_id,person_id,last_name,first_name,dob,address,phone,plate,unit,supervisor,site,status,end_date",
 "associations.csv": "employee_id,relation,person_id,last_name,first_name,dob,address,phone,plate,valid_from,valid_to,source",
 "cases.csv": "case_id,status,opened,closed,unit",
 "case_assignments.csv": "case_id,user,from,to",
 "case_subjects.csv": "case_id,person_id,last_name,first_name,dob,address,phone,plate",
 "watchlist.csv": "person_id,last_name,first_name,dob,category",
 "clients.csv": "client,site,lat,lon"}
KINDS = {"self_query": {"person_id","name_dob","plate","address","phone","name_only"},
 "coworker_lookup": {"same_unit","other_unit","supervisor"},
 "odd_volume": {"daily_count","burst","off_hours","distinct_subjects","export"},
 "shared_credential": {"concurrent_clients","impossible_travel","inactive_account"},
 "no_case": {"missing","unknown_case","closed_case","not_assigned","subject_not_in_case"},
 "subject_surge": {"many_users"}}
d = sys.argv[1]; errs = []
for f, h in HEAD.items():
    with open(f"{d}/refs/{f}") as fh:
        rows = list(csv.reader(fh))
    if ",".join(rows[0]) != h: errs.append(f"{f} header {rows[0]}")
    if any(len(r) != len(rows[0]) for r in rows[1:]): errs.append(f"{f} ragged row")
rel = {r["relation"] for r in csv.DictReader(open(f"{d}/refs/associations.csv"))}
cats = {r["category"] for r in csv.DictReader(open(f"{d}/refs/watchlist.csv"))}
clients = {r["client"]: (float(r["lat"]), float(r["lon"])) for r in csv.DictReader(open(f"{d}/refs/clients.csv"))}
users = {r["user"] for r in csv.DictReader(open(f"{d}/refs/personnel.csv"))}
ids = set(); evs = []
for n, line in enumerate(open(f"{d}/events.jsonl"), 1):
    try:
        e = json.loads(line)
    except Exception as x:
        errs.append(f"line {n}: {x}"); continue
    if "ts" not in e or "user" not in e: errs.append(f"line {n}: no ts/user")
    t = datetime.datetime.fromisoformat(e["ts"])
    if e["id"] in ids: errs.append(f"dup id {e['id']}")
    ids.add(e["id"]); e["_t"] = t; evs.append(e)
    if e["user"] not in users: errs.append(f"unknown user {e['user']}")
    if e.get("client") and e["client"] not in clients: errs.append(f"unknown client {e['client']}")
labelled = collections.defaultdict(set)
for n, line in enumerate(open(f"{d}/labels.jsonl"), 1):
    l = json.loads(line)
    det, kind = l["detector"], l["kind"]
    ok = kind in KINDS.get(det, ()) or (det == "association_lookup" and kind in rel) or (det == "watchlist_lookup" and kind in cats)
    if not ok: errs.append(f"label {n}: bad detector/kind {det}/{kind}")
    for i in l["event_ids"]:
        if i not in ids: errs.append(f"label {n}: unknown event {i}")
        labelled[i].add((det, kind))
    byid = {}
# sanity of unlabelled work: bursts, client hopping
by_user = collections.defaultdict(list)
for e in evs:
    by_user[e["user"]].append(e)
worst_burst = (0, None); hops = 0
def dist(a, b):
    (la1, lo1), (la2, lo2) = clients[a], clients[b]
    x = math.radians(lo2 - lo1) * math.cos(math.radians((la1 + la2) / 2)); y = math.radians(la2 - la1)
    return 6371 * math.hypot(x, y)
for u, v in by_user.items():
    q = [e for e in v if e["action"] in ("query", "export", "update") and e["id"] not in labelled]
    j = 0
    for i, e in enumerate(q):
        while q[j]["_t"] < e["_t"] - datetime.timedelta(minutes=10): j += 1
        if i - j + 1 > worst_burst[0]: worst_burst = (i - j + 1, u)
    for a, b in zip(v, v[1:]):
        if a["id"] in labelled or b["id"] in labelled: continue
        if a.get("client") != b.get("client") and (b["_t"] - a["_t"]).total_seconds() < 600:
            if a["session"] != b["session"] and a["action"] != "logout":
                hops += 1
            if dist(a["client"], b["client"]) > 20: errs.append(f"legit travel {u} {a['id']} {b['id']}")
print(f"{d}: {len(evs)} events, {len(labelled)} labelled events, max unlabelled lookups/10min {worst_burst}, "
      f"unlabelled overlapping-session client switches {hops}")
for x in errs[:20]: print("ERROR", x)
sys.exit(1 if errs else 0)
