#!/usr/bin/env python3
"""Per-window reading of the pod's stage histograms (stage-probes.patch) from a scrape file.

Usage: stages.py scrape.txt[.gz]

The scrape holds the pod's Prometheus buckets read every second ("T <epoch ms>" then the lines). A window is a run of
readings over which market_live_delay_seconds_count rose by at least 400 events/s for 5 s or more (the s1r windows at
500 events/s; between them the pod is idle). For each window and stage: the share of records over each bucket bound,
and the p99 interpolated within its bucket.
"""
import gzip
import re
import sys

COUNT = 'market_live_delay_seconds_count'
STAGES = [  # metric, what it times
    ('probe_poll_delay_seconds', 'Kafka timestamp -> return of the live consumer\'s poll (the hop), per event'),
    ('market_live_delay_seconds', 'Kafka timestamp -> fan-out starts on the event loop, per event'),
    ('probe_done_seconds', 'Kafka timestamp -> flushed to the socket, per delivery'),
    ('probe_handoff_seconds', 'poll return -> fan-out starts, per poll'),
    ('probe_batch_seconds', 'fan-out starts -> a loop has flushed its share, per loop and poll'),
    ('probe_loop_lateness_seconds', 'how late a 1 ms periodic task ran on each event loop, per tick'),
]


def snapshots(path):
    opener = gzip.open if path.endswith('.gz') else open
    snaps = []
    with opener(path, 'rt') as f:
        for line in f:
            if line.startswith('T '):
                snaps.append((int(line.split()[1]), {}))
            elif snaps:
                key, value = line.rsplit(' ', 1)
                snaps[-1][1][key] = float(value)
    return snaps


def windows(snaps):
    found, start = [], None
    for i in range(1, len(snaps) + 1):
        hot = False
        if i < len(snaps):
            dt = (snaps[i][0] - snaps[i - 1][0]) / 1000
            hot = dt > 0 and (snaps[i][1].get(COUNT, 0) - snaps[i - 1][1].get(COUNT, 0)) / dt >= 400
        if hot and start is None:
            start = i - 1
        elif not hot and start is not None:
            if i - 1 - start >= 5:
                found.append((start, i - 1))
            start = None
    return found


def series(a, b, metric):
    """{labels without le: (total, [(bound s, count at or below)])} of one metric between two readings."""
    out = {}
    for key, value in b.items():
        if not key.startswith(metric + '_bucket'):
            continue
        le = re.search(r'le="([^"]*)"', key).group(1)
        labels = re.sub(r',?le="[^"]*"', '', key[len(metric + '_bucket'):]).replace('{}', '')
        total_key = metric + '_count' + labels
        total = b.get(total_key, 0) - a.get(total_key, 0)
        entry = out.setdefault(labels, (total, []))
        if le != '+Inf':
            entry[1].append((float(le), value - a.get(key, 0)))
    return {k: (t, sorted(pts)) for k, (t, pts) in out.items()}


def p99_ms(total, points):
    target, prev = total * 0.99, (0.0, 0.0)
    for bound, count in points:
        if count >= target:
            f = (target - prev[1]) / max(1e-9, count - prev[1])
            return 1000 * (prev[0] + f * (bound - prev[0]))
        prev = (bound, count)
    return float('inf')


def main(path):
    snaps = snapshots(path)
    for n, (s, e) in enumerate(windows(snaps), 1):
        a, b = snaps[s][1], snaps[e][1]
        print(f'window {n}: {(snaps[e][0] - snaps[s][0]) / 1000:.0f} s, {b[COUNT] - a[COUNT]:.0f} events')
        for metric, what in STAGES:
            for labels, (total, points) in series(a, b, metric).items():
                if total <= 0:
                    continue
                over = ' '.join(f'>{bound * 1000:g}ms {100 * (total - c) / total:.2f}%' for bound, c in points)
                print(f'  {metric}{labels}: p99 {p99_ms(total, points):.1f} ms; {over}  ({what})')


if __name__ == '__main__':
    main(sys.argv[1])
