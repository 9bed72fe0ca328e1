#!/usr/bin/env python3
"""How long the threads of an alternated s1r run waited for a CPU, from schedsample.py's readings of
/proc/<pid>/task/<tid>/schedstat.

Usage: schedwait.py schedstat.txt.gz 2026-11-22T12:07:28 [rounds]
(the first s1r window's start, UTC, from run.log; 5 rounds unless given)

Prints, per server over its windows, per process and thread name: CPU run time, time runnable but waiting for a
CPU, scheduling slices a second and the wait per slice; then, per round, the wait of the main threads of each path.
"""
import collections
import datetime
import gzip
import sys

PERIOD_MS, WINDOW_MS, SLACK_MS = 18000, 10000, 1500
MAIN_THREADS = {'ms': [('pod', 'vert.x-eventloo'), ('pod', 'smallrye-kafka-'), ('load-ms', 'sse-io-0'),
                       ('broker', 'data-plane-kafk')],
                'nchan': [('nginx', 'nginx'), ('redis', 'redis-server'), ('load-nchan', 'sse-io-0')]}


def windows(first, rounds):
    """Each server's windows (start, end) in epoch ms: ms in slot 0, nchan in slot 1, as run.sh alternates them."""
    t0 = int(datetime.datetime.fromisoformat(first).replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
    return {server: [(t0 + (2 * r + slot) * PERIOD_MS, t0 + (2 * r + slot) * PERIOD_MS + WINDOW_MS)
                     for r in range(rounds)] for slot, server in enumerate(['ms', 'nchan'])}


def readings(path):
    """{(kind, thread name, tid): [(epoch ms, run ns, wait ns, slices), ...]}"""
    rows = collections.defaultdict(list)
    with (gzip.open(path, 'rt') if path.endswith('.gz') else open(path)) as f:
        for line in f:
            t, kind, _pid, tid, comm, run, wait, slices = line.split()
            rows[(kind, comm, tid)].append((int(t), int(run), int(wait), int(slices)))
    return rows


def within(series, spans):
    """The differences (ms elapsed, run, wait, slices) between consecutive readings inside one of the spans."""
    for a, b in zip(series, series[1:]):
        if any(lo <= a[0] and b[0] <= hi + SLACK_MS for lo, hi in spans):
            yield b[0] - a[0], b[1] - a[1], b[2] - a[2], b[3] - a[3]


def main(path, first, rounds=5):
    rows, wins = readings(path), windows(first, rounds)
    for server, spans in wins.items():
        agg = collections.defaultdict(lambda: [0, 0, 0, 0, set()])
        for (kind, comm, tid), series in rows.items():
            for ms, run, wait, slices in within(series, spans):
                g = agg[(kind, comm)]
                g[0] += ms * 1e6; g[1] += run; g[2] += wait; g[3] += slices; g[4].add(tid)
        print('== %s windows' % server)
        print('%-34s %4s %7s %7s %9s %9s' % ('process/thread', 'thr', 'run %', 'wait %', 'slices/s', 'wait/slice us'))
        for (kind, comm), g in sorted(agg.items(), key=lambda kv: -kv[1][1])[:14]:
            n = len(g[4])
            print('%-34s %4d %7.1f %7.1f %9.0f %9.1f' % (kind + '/' + comm, n, 100 * g[1] / g[0] * n,
                  100 * g[2] / g[0] * n, g[3] / (g[0] / 1e9 / n), g[2] / max(1, g[3]) / 1000))
    for r in range(rounds):
        for server in ['ms', 'nchan']:
            out = []
            for key in MAIN_THREADS[server]:
                wait = slices = 0
                for (kind, comm, _tid), series in rows.items():
                    if (kind, comm) == key:
                        for _ms, _run, w, s in within(series, [wins[server][r]]):
                            wait += w; slices += s
                out.append('%s/%s wait %.0f ms/s, %.0f us/slice' % (key[0], key[1][:10],
                           wait / 1e6 / (WINDOW_MS / 1000), wait / max(1, slices) / 1000))
            print('round %d %-5s: %s' % (r + 1, server, '; '.join(out)))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:]))
