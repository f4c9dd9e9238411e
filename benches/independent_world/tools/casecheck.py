"""From output files only: no_case labels vs. cases/assignments, and unlabelled work is case-backed."""
import json, csv, sys, re, collections, tomllib
d = sys.argv[1]
R = lambda f: list(csv.DictReader(open(f"{d}/refs/{f}")))
exempt = set(tomllib.load(open(f"{d}/custodes.toml", "rb"))["no_case"]["exempt_purposes"])
emp = {r['user']: r['employee_id'] for r in R('personnel.csv')}
cases = {r['case_id']: r for r in R('cases.csv')}
asg = collections.defaultdict(list)
for r in R('case_assignments.csv'): asg[r['case_id']].append((emp[r['user']], r['from'], r['to']))
def norm(c):
    s = re.sub(r'[\s\-]', '', (c or '').upper())
    if s in ('', 'N/A', 'NONE'): return None
    m = re.fullmatch(r'C?(\d{4})(\d+)', s)
    return 'C-%s-%06d' % (m[1], int(m[2])) if m else 'BOGUS:' + s
def verdict(e):
    if e['action'] not in ('query', 'export', 'update'): return set()
    c = norm(e.get('case_id'))
    day = e['ts'][:10]
    if c is None: return set() if e.get('purpose') in exempt else {'missing'}
    if c not in cases: return {'unknown_case'}
    out = set(); r = cases[c]
    if r['status'] == 'closed' and r['closed'] < day: out.add('closed_case')
    if not any(ei == emp[e['user']] and f <= day and (not t or day < t) for ei, f, t in asg[c]): out.add('not_assigned')
    return out
lab = collections.defaultdict(set)
for l in open(f"{d}/labels.jsonl"):
    x = json.loads(l)
    for i in x['event_ids']: lab[i].add((x['detector'], x['kind']))
bad = collections.Counter(); n = 0
for l in open(f"{d}/events.jsonl"):
    e = json.loads(l); v = verdict(e); got = {k for det, k in lab[e['id']] if det == 'no_case'}
    if e['action'] not in ('query', 'export', 'update'): continue
    n += 1
    if not lab[e['id']] and v: bad['unlabelled but ' + '/'.join(sorted(v))] += 1
    for k in got - {'subject_not_in_case'}:
        if k not in v: bad['label %s not supported' % k] += 1
    if 'subject_not_in_case' in got and v: bad['subject_not_in_case on ' + '/'.join(sorted(v))] += 1
    if lab[e['id']] and v - got: bad['labelled event lacks no_case ' + '/'.join(sorted(v - got))] += 1
print(d, n, 'lookups checked; problems:', dict(bad))
