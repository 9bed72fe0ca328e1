#!/usr/bin/env python3
"""Usage: schedsample.py out.txt: every second, for each thread of the benchmark's processes (pod, nginx worker, broker,
load generators, Redis), appends "epoch_ms kind pid tid comm run_ns wait_ns slices" from /proc/<pid>/task/<tid>/schedstat.
Read-only; stop it by its PID."""
import os, sys, time
out = open(sys.argv[1], 'a')
def kind(cmd):
    if 'market-stream-runner.jar' in cmd: return 'pod'
    if cmd.startswith('nginx: worker'): return 'nginx'
    if 'bench.KafkaBroker' in cmd: return 'broker'
    if 'bench.Load' in cmd and '--target ms' in cmd: return 'load-ms'
    if 'bench.Load' in cmd and '--target nchan' in cmd: return 'load-nchan'
    if cmd.startswith('redis-server'): return 'redis'
    return None
kinds = {}
while True:
    t = int(time.time() * 1000)
    lines = []
    for pid in os.listdir('/proc'):
        if not pid.isdigit(): continue
        if not kinds.get(pid):
            try:
                kinds[pid] = kind(open('/proc/%s/cmdline' % pid, 'rb').read().replace(b'\0', b' ').decode(errors='replace'))
            except OSError:
                continue
        k = kinds[pid]
        if not k: continue
        try:
            for tid in os.listdir('/proc/%s/task' % pid):
                try:
                    run, wait, sl = open('/proc/%s/task/%s/schedstat' % (pid, tid)).read().split()
                    comm = open('/proc/%s/task/%s/comm' % (pid, tid)).read().strip().replace(' ', '_')
                except OSError:
                    continue
                lines.append('%d %s %s %s %s %s %s %s\n' % (t, k, pid, tid, comm, run, wait, sl))
        except OSError:
            continue
    out.writelines(lines); out.flush()
    time.sleep(1)
