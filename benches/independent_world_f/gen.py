#!/usr/bin/env python3
"""independent_world_f: a regional hospital system's EHR access log.

    python3 gen.py --seed S --users N --days D [--no-inject] --out DIR
"""
import argparse
import json
import os
import sys
import time
from collections import Counter

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import world            # noqa: E402
import activity         # noqa: E402
import plan as planmod  # noqa: E402
import inject           # noqa: E402
import inject2          # noqa: E402,F401  (registers the volume / credential / case scenarios)
import refs             # noqa: E402
import summary          # noqa: E402
from util import day_date  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--seed", required=True)
    ap.add_argument("--users", type=int, default=80)
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--no-inject", action="store_true")
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    t_start = time.time()
    seed, n, days = str(a.seed), a.users, a.days
    os.makedirs(a.out, exist_ok=True)
    W = world.build_world(seed, n, days)
    refs.write_refs(W, a.out)
    incidents = [] if a.no_inject else planmod.make_plan(W)
    by_day = {}
    for inc in incidents:
        for d in inc.get("days", [inc["day"]]):
            by_day.setdefault(d, []).append(inc)
    buckets, hbuckets = {}, {}
    n_events, n_inj = 0, 0
    hn_count = Counter()
    injected_ids = set()
    ev_path = os.path.join(a.out, "events.jsonl")
    hn_path = os.path.join(a.out, "hard_negatives.tsv")
    with open(ev_path, "w") as ef, open(hn_path, "w") as hf:
        hf.write("event_id\tclass\tnote\n")

        def flush(upto):
            nonlocal n_events
            for k in sorted(b for b in buckets if upto is None or b <= upto):
                rows = buckets.pop(k)
                rows.sort()
                ef.write("".join(line + "\n" for _ts, _id, line in rows))
                n_events += len(rows)
                hrows = hbuckets.pop(k, [])
                hrows.sort()
                hf.write("".join(f"{i}\t{c}\t{nt}\n" for _ts, i, c, nt in hrows))

        for day in range(days):
            rows = activity.legit_day(W, day)
            for ts, eid, line, _truth, hn in rows:
                buckets.setdefault(ts[:10], []).append((ts, eid, line))
                if hn:
                    seen = set()
                    for c, nt in hn:
                        if c in seen:
                            continue
                        seen.add(c)
                        hbuckets.setdefault(ts[:10], []).append((ts, eid, c, nt.replace("\t", " ")))
                        hn_count[c] += 1
            for inc in by_day.get(day, []):
                k0 = len(inc.get("_events", []))
                inject.run_incident(W, inc, day, rows)
                for d, *_ in inc["_events"][k0:]:
                    line = json.dumps(d, separators=(",", ":"))
                    buckets.setdefault(d["ts"][:10], []).append((d["ts"], d["id"], line))
                    injected_ids.add(d["id"])
                    n_inj += 1
            flush(day_date(day).isoformat())
        flush(None)
    labels = []
    for inc in incidents:
        if inc.get("_events"):
            labels += inject.finish(W, inc)
    if getattr(W, "ambiguous", 0):
        print(f"warning: {W.ambiguous} injected events read differently with UTC and local dates", file=sys.stderr)
    covered = {i for lab in labels for i in lab["event_ids"]}
    if covered != injected_ids:
        raise SystemExit(f"label coverage mismatch: {len(injected_ids - covered)} unlabelled, "
                         f"{len(covered - injected_ids)} unknown")
    with open(os.path.join(a.out, "labels.jsonl"), "w") as f:
        for lab in labels:
            f.write(json.dumps(lab, separators=(",", ":")) + "\n")
    summary.write_summary(W, a, incidents, labels, n_events, n_inj, hn_count, time.time() - t_start)
    print(f"{a.out}: {n_events} events ({n_inj} injected), {len(incidents)} incidents, {len(labels)} labels, "
          f"{sum(hn_count.values())} hard negatives, {time.time() - t_start:.1f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
