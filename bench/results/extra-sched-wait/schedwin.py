#!/usr/bin/env python3
"""Usage: schedwin.py schedstat.txt.gz 2026-11-22T12:07:28 (the first s1r window, UTC, from run.log). Per server, over
its s1r windows: per process and thread name, the CPU run time, the time spent runnable but waiting for a CPU,
the scheduling slices a second and the wait per slice, from /proc/<pid>/task/<tid>/schedstat read every second."""
import collections, datetime, gzip, sys
# per thread over the s1r windows of each server: run %, wait %, wait per slice (us)
path, first = sys.argv[1], sys.argv[2]          # the first window's start, UTC: 2026-11-22T12:07:28 (run.log)
t0 = int(datetime.datetime.fromisoformat(first).replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
period, dur, rounds = 18000, 10000, int(sys.argv[3]) if len(sys.argv) > 3 else 5
wins = {'ms': [(t0 + 2*r*period, t0 + 2*r*period + dur) for r in range(rounds)],
        'nchan': [(t0 + (2*r+1)*period, t0 + (2*r+1)*period + dur) for r in range(rounds)]}
rows = collections.defaultdict(list)
for line in (gzip.open(path, 'rt') if path.endswith('.gz') else open(path)):
    t, kind, pid, tid, comm, run, wait, sl = line.split()
    rows[(kind, comm, tid)].append((int(t), int(run), int(wait), int(sl)))
for server, ws in wins.items():
    agg = collections.defaultdict(lambda: [0, 0, 0, 0, set()])
    for (kind, comm, tid), r in rows.items():
        for a, b in zip(r, r[1:]):
            if not any(lo <= a[0] and b[0] <= hi + 1500 for lo, hi in ws):
                continue
            g = agg[(kind, comm)]
            g[0] += (b[0] - a[0]) * 1e6; g[1] += b[1] - a[1]; g[2] += b[2] - a[2]; g[3] += b[3] - a[3]; g[4].add(tid)
    print('== %s windows' % server)
    print('%-34s %4s %7s %7s %9s %9s' % ('process/thread', 'thr', 'run %', 'wait %', 'slices/s', 'wait/slice us'))
    for (kind, comm), g in sorted(agg.items(), key=lambda kv: -kv[1][1])[:14]:
        n = len(g[4]); secs = g[0] / 1e9 / n
        print('%-34s %4d %7.1f %7.1f %9.0f %9.1f' % (kind + '/' + comm, n, 100 * g[1] / g[0] * n, 100 * g[2] / g[0] * n, g[3] / secs / 1, g[2] / max(1, g[3]) / 1000))
