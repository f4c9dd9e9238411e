#!/usr/bin/env python3
"""Verify a Harbor City PD world and its --no-inject twin.

python3 check.py DIR_WORLD DIR_TWIN
Exit status 0 when every check passes, 1 otherwise.
"""
import csv
import json
import os
import re
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from timeutil import parse_ts  # noqa: E402

TS_RE = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$')
DATE_RE = re.compile(r'^\d{4}-\d{2}-\d{2}$')
REFS = {
    'personnel.csv': ['user', 'employee_id', 'person_id', 'last_name', 'first_name', 'dob', 'address', 'phone',
                      'plate', 'unit', 'supervisor', 'site', 'status', 'end_date'],
    'associations.csv': ['employee_id', 'relation', 'person_id', 'last_name', 'first_name', 'dob', 'address',
                         'phone', 'plate', 'valid_from', 'valid_to', 'source'],
    'cases.csv': ['case_id', 'status', 'opened', 'closed', 'unit'],
    'case_assignments.csv': ['case_id', 'user', 'from', 'to'],
    'case_subjects.csv': ['case_id', 'person_id', 'last_name', 'first_name', 'dob', 'address', 'phone', 'plate'],
    'watchlist.csv': ['person_id', 'last_name', 'first_name', 'dob', 'category'],
    'clients.csv': ['client', 'site', 'lat', 'lon'],
}
KINDS = {
    'self_query': {'person_id', 'name_dob', 'plate', 'address', 'phone', 'name_only'},
    'coworker_lookup': {'same_unit', 'other_unit', 'supervisor'},
    'association_lookup': None,   # the relation of the matched association
    'odd_volume': {'daily_count', 'burst', 'off_hours', 'distinct_subjects', 'export'},
    'shared_credential': {'concurrent_clients', 'impossible_travel', 'inactive_account'},
    'no_case': {'missing', 'unknown_case', 'closed_case', 'not_assigned', 'subject_not_in_case'},
    'watchlist_lookup': None,     # the watchlist category
    'subject_surge': {'many_users'},
}

errors = []


def err(msg):
    errors.append(msg)
    if len(errors) <= 40:
        print('ERROR:', msg)


def load_events(d):
    lines, evs = [], []
    prev = None
    ids = set()
    with open(os.path.join(d, 'events.jsonl')) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            lines.append(line)
            try:
                e = json.loads(line)
            except ValueError:
                err('%s line %d: not JSON' % (d, n))
                continue
            for k in ('id', 'ts', 'user'):
                if not e.get(k):
                    err('%s line %d: missing %s' % (d, n, k))
            ts = e.get('ts', '')
            if not TS_RE.match(ts):
                err('%s line %d: timestamp without offset: %r' % (d, n, ts))
                continue
            t = parse_ts(ts)
            if prev is not None and t < prev:
                err('%s line %d: out of time order' % (d, n))
            prev = t
            if e['id'] in ids:
                err('%s line %d: duplicate id %s' % (d, n, e['id']))
            ids.add(e['id'])
            if 'subject_dob' in e and not DATE_RE.match(e['subject_dob']):
                err('%s line %d: subject_dob not YYYY-MM-DD' % (d, n))
            if 'result_count' in e and not isinstance(e['result_count'], int):
                err('%s line %d: result_count not an integer' % (d, n))
            evs.append((e['id'], t, e['user']))
    return lines, evs


def load_refs(d):
    out = {}
    for name, cols in REFS.items():
        p = os.path.join(d, 'refs', name)
        if not os.path.exists(p):
            err('%s: missing refs/%s' % (d, name))
            continue
        with open(p, 'rb') as f:
            out[name] = f.read()
        with open(p, newline='') as f:
            hdr = next(csv.reader(f))
        if hdr != cols:
            err('%s refs/%s: columns %s != contract %s' % (d, name, hdr, cols))
    extra = set(os.listdir(os.path.join(d, 'refs'))) - set(REFS)
    if extra:
        err('%s: unexpected refs files %s' % (d, sorted(extra)))
    return out


def load_labels(d):
    with open(os.path.join(d, 'labels.jsonl')) as f:
        return [json.loads(l) for l in f if l.strip()]


def load_hn(d):
    with open(os.path.join(d, 'hard_negatives.tsv')) as f:
        rows = [l.rstrip('\n').split('\t') for l in f]
    if rows[0] != ['event_id', 'class', 'note']:
        err('%s hard_negatives.tsv: bad header' % d)
    return rows[1:]


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    W, T = sys.argv[1:]
    wl, we = load_events(W)
    tl, te = load_events(T)
    wid = {i: (t, u) for i, t, u in we}
    # twin is a verbatim, order-preserving subset of the world
    j = 0
    for line in tl:
        while j < len(wl) and wl[j] != line:
            j += 1
        if j == len(wl):
            err('twin event not found (verbatim, in order) in world: %s' % line[:120])
            break
        j += 1
    twin_ids = set(i for i, _, _ in te)
    # refs identical
    wr, tr = load_refs(W), load_refs(T)
    for name in REFS:
        if wr.get(name) != tr.get(name):
            err('refs/%s differs between world and twin' % name)
    for name in ('custodes.toml',):
        a = open(os.path.join(W, name)).read()
        b = open(os.path.join(T, name)).read()
        if a != b:
            err('%s differs between world and twin' % name)
        if '[no_case]' not in a or 'exempt_purposes' not in a:
            err('%s: no [no_case] exempt_purposes' % name)
    # labels
    labs = load_labels(W)
    if load_labels(T):
        err('twin labels.jsonl is not empty')
    labelled = set()
    for n, lab in enumerate(labs, 1):
        det, kind = lab.get('detector'), lab.get('kind')
        if det not in KINDS:
            err('label %d: unknown detector %r' % (n, det))
        elif KINDS[det] is not None and kind not in KINDS[det]:
            err('label %d: unknown kind %r for %s' % (n, kind, det))
        if not lab.get('event_ids'):
            err('label %d: no event ids' % n)
            continue
        ws, we_ = parse_ts(lab['window_start']), parse_ts(lab['window_end'])
        users = set()
        for i in lab['event_ids']:
            if i not in wid:
                err('label %d: event id %s not in world' % (n, i))
                continue
            t, u = wid[i]
            users.add(u)
            if not ws <= t <= we_:
                err('label %d: event %s outside window' % (n, i))
            if i in twin_ids:
                err('label %d: event %s is a legitimate (twin) event' % (n, i))
            labelled.add(i)
        if det == 'subject_surge':
            if set(lab.get('users', [])) != users or lab['user'] not in users:
                err('label %d: users list does not match events' % n)
        elif users != {lab['user']}:
            err('label %d: events belong to %s, label says %s' % (n, users, lab['user']))
    inj = set(wid) - twin_ids
    unl = inj - labelled
    if unl:
        print('note: %d injected events carry no label (e.g. sessions\' login/logout)' % len(unl))
    # hard negatives
    hn = load_hn(W)
    if load_hn(T) != hn:
        err('hard_negatives.tsv differs between world and twin')
    for row in hn:
        if row[0] not in twin_ids:
            err('hard negative %s is not a legitimate event' % row[0])
            break
    # summary
    print('world %s: %d events (%d legitimate, %d injected), twin %s: %d events' % (
        W, len(we), len(twin_ids), len(inj), T, len(te)))
    print('labels: %d' % len(labs))
    for k, v in sorted(Counter((l['detector'], l['kind']) for l in labs).items()):
        print('  %-40s %d' % ('%s/%s' % k, v))
    print('hard negatives: %d lines, %d distinct events' % (len(hn), len(set(r[0] for r in hn))))
    for k, v in sorted(Counter(r[1] for r in hn).items()):
        print('  %-40s %d' % (k, v))
    if errors:
        print('FAILED: %d errors' % len(errors))
        sys.exit(1)
    print('OK')


if __name__ == '__main__':
    main()
