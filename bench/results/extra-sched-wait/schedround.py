#!/usr/bin/env python3
"""Usage: schedround.py schedstat.txt.gz 2026-11-22T12:07:28. Per s1r round and server: how long the main threads
of the path waited for a CPU (ms per second of window, and per scheduling slice)."""
import collections, datetime, gzip, sys
# per round and server: wait per slice (us) and wait % of the main threads
path, first = sys.argv[1], sys.argv[2]
t0 = int(datetime.datetime.fromisoformat(first).replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
P, D = 18000, 10000
keys = {'ms': [('pod', 'vert.x-eventloo'), ('pod', 'smallrye-kafka-'), ('load-ms', 'sse-io-0'), ('broker', 'data-plane-kafk')],
        'nchan': [('nginx', 'nginx'), ('redis', 'redis-server'), ('load-nchan', 'sse-io-0')]}
rows = collections.defaultdict(list)
for line in (gzip.open(path, 'rt') if path.endswith('.gz') else open(path)):
    t, kind, pid, tid, comm, run, wait, sl = line.split()
    rows[(kind, comm, tid)].append((int(t), int(run), int(wait), int(sl)))
for r in range(5):
    for slot, server in enumerate(['ms', 'nchan']):
        lo = t0 + (2 * r + slot) * P; hi = lo + D
        out = []
        for k in keys[server]:
            run = wait = sl = 0
            for (kind, comm, tid), xs in rows.items():
                if (kind, comm) != k: continue
                for a, b in zip(xs, xs[1:]):
                    if lo <= a[0] and b[0] <= hi + 1500:
                        run += b[1] - a[1]; wait += b[2] - a[2]; sl += b[3] - a[3]
            out.append('%s/%s wait %.0f ms/s, %.0f us/slice' % (k[0], k[1][:10], wait / 1e6 / (D / 1000), wait / max(1, sl) / 1000))
        print('round %d %-5s: %s' % (r + 1, server, '; '.join(out)))
