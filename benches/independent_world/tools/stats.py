import json, csv, sys, collections, statistics
d = sys.argv[1]
pers = {r['user']: r for r in csv.DictReader(open(d + '/refs/personnel.csv'))}
cnt = collections.Counter(); days = collections.defaultdict(set); acts = collections.Counter()
per_user_day = collections.Counter()
n = 0
for line in open(d + '/events.jsonl'):
    e = json.loads(line); n += 1
    acts[e['action']] += 1
    if e['action'] in ('query', 'export', 'update'):
        u = e['user']; cnt[pers[u]['unit']] += 1; days[u].add(e['ts'][:10]); per_user_day[(u, e['ts'][:10])] += 1
print('events', n, dict(acts))
ud = collections.defaultdict(list)
for (u, dd), c in per_user_day.items(): ud[pers[u]['unit']].append(c)
for unit, v in ud.items():
    print('%-15s lookups %6d  median/day %5.0f  max/day %5d  user-days %d' % (unit, cnt[unit], statistics.median(v), max(v), len(v)))
lab = collections.Counter(); labev = set()
for line in open(d + '/labels.jsonl'):
    l = json.loads(line); lab[(l['detector'], l['kind'])] += 1; labev.update(l['event_ids'])
for k, v in sorted(lab.items()): print('  %-20s %-22s %d' % (k[0], k[1], v))
print('labels', sum(lab.values()), 'labelled events', len(labev))
