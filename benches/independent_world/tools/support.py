"""From output files only: is every identity label supported by a reference row?"""
import json, csv, os, sys, re, collections
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from gen import NICK, SUFFIX_LONG, DIR_LONG
d = sys.argv[1]
R = lambda f: list(csv.DictReader(open(f"{d}/refs/{f}")))
pers = R('personnel.csv'); assoc = R('associations.csv'); watch = R('watchlist.csv')
byuser = {r['user']: r for r in pers}; byemp = collections.defaultdict(list)
for r in pers: byemp[r['employee_id']].append(r)
L = lambda s: re.sub('[^A-Z]', '', (s or '').upper())
def addr(s):
    s = (s or '').upper().replace('.', '').replace(',', ' ')
    for k, v in list(SUFFIX_LONG.items()) + list(DIR_LONG.items()):
        s = re.sub(r'\b%s\b' % v.upper(), k, s)
    s = re.sub(r'(#|\bUNIT\b)\s*', 'APT ', s)
    return ' '.join(s.split())
def dob(s):
    if not s: return ''
    m = re.match(r'(\d\d)/(\d\d)/(\d{4})', s)
    return f"{m[3]}-{m[1]}-{m[2]}" if m else s
def fields(e):
    s = dict(e.get('subject') or {})
    f = {k[8:]: v for k, v in e.items() if k.startswith('subject_')}
    f.update(s)
    if 'name' in f:
        n = f.pop('name')
        if ',' in n: f['last_name'], f['first_name'] = n.split(',', 1)[0], (n.split(',', 1)[1].split() or [''])[0]
        else: f['first_name'], f['last_name'] = n.split()[0], ' '.join(n.split()[1:])
    return f
def supports(f, r):
    if f.get('person_id') and f['person_id'] == r['person_id']: return 'pid'
    if f.get('plate') and L(f['plate']) == L(r['plate']) and r['plate']: return 'plate'
    if f.get('phone') and re.sub(r'\D', '', f['phone']) == re.sub(r'\D', '', r['phone']) and r['phone']: return 'phone'
    if f.get('address') and r['address']:
        a = addr(f['address']); b = addr(r['address'])
        if b.startswith(a) or a.startswith(b.rsplit(' ', 1)[0]) or a == b or a.split(' ' + b.split(' ')[-1])[0] == b.rsplit(' ', 1)[0]:
            return 'address'
        if addr(r['address'].split(',')[0]) == a.split('  ')[0] or a.startswith(addr(r['address'].split(',')[0])): return 'address'
    if f.get('last_name') and L(f['last_name']) == L(r['last_name']):
        fn = (f.get('first_name') or '').upper(); rf = r['first_name'].upper()
        okf = fn == rf or fn in NICK.get(rf, []) or (len(fn) == 1 and fn == rf[:1])
        if okf and len(fn) > 1: return 'name'
        if okf and dob(f.get('dob')) and dob(f.get('dob')) == r['dob']: return 'name'
    return None
ev = {}
for l in open(f"{d}/events.jsonl"):
    e = json.loads(l); ev[e['id']] = e
bad = collections.Counter(); tot = collections.Counter()
for l in open(f"{d}/labels.jsonl"):
    x = json.loads(l); det = x['detector']
    if det not in ('self_query', 'association_lookup', 'coworker_lookup', 'watchlist_lookup'): continue
    me = byuser[x['user']]
    if det == 'self_query': rows = [me]
    elif det == 'association_lookup': rows = [r for r in assoc if r['employee_id'] == me['employee_id'] and r['relation'] == x['kind']]
    elif det == 'coworker_lookup': rows = [r for r in pers if r['employee_id'] != me['employee_id']]
    else: rows = [r for r in watch if r['category'] == x['kind']]
    for i in x['event_ids']:
        tot[det] += 1
        if not any(supports(fields(ev[i]), r) for r in rows):
            bad[det] += 1
            if bad[det] <= 3: print('UNSUPPORTED', det, x['kind'], x['user'], json.dumps(fields(ev[i])))
print(d, 'identity-label events', dict(tot), 'unsupported', dict(bad))
