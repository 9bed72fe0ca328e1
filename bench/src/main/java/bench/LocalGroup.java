package bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Subscribers {@code [from, to)} of the run, on selector threads of this process. */
final class LocalGroup implements Group {

    private final List<IoLoop> loops = new ArrayList<>();
    private final Recorder latency = new Recorder(3);

    /**
     * @param paths    the request path of each channel
     * @param srcBase  the first source address used is 127.0.0.{srcBase}
     */
    LocalGroup(InetSocketAddress server, String[] paths, int from, int to, int ioThreads, int srcIps, int srcBase,
            int maxConnecting) throws IOException {
        List<InetSocketAddress> sources = new ArrayList<>();
        for (int i = 0; i < srcIps; i++) {
            sources.add(new InetSocketAddress("127.0.0." + (srcBase + i), 0));
        }
        for (int i = 0; i < ioThreads; i++) {
            loops.add(new IoLoop(i, server, sources, Math.max(1, maxConnecting / ioThreads), latency));
        }
        for (int i = from; i < to; i++) {
            int c = i % paths.length;
            loops.get(i % ioThreads).add(new Sub(i, c, paths[c]));
        }
        loops.forEach(IoLoop::start);
    }

    @Override
    public void connectAll(boolean resume) {
        loops.forEach(l -> l.connectAll(resume));
    }

    @Override
    public void dropAll() {
        loops.forEach(IoLoop::dropAll);
    }

    @Override
    public void expect(long[] seqByChannel) {
        loops.forEach(l -> l.expect(seqByChannel));
    }

    @Override
    public Counters counters() {
        Counters c = Counters.ZERO;
        for (IoLoop l : loops) {
            c = c.plus(new Counters(l.connected, l.connectFailures, l.badStatus, l.closedByServer, l.received,
                    l.bytesRead, l.gaps, l.dups, l.resets, l.badFrames, l.negativeLatency, l.caughtUp, l.firstFrames,
                    ProcStats.threadCpu(l.thread())));
        }
        return c;
    }

    @Override
    public Histogram takeLatency() {
        return latency.getIntervalHistogram();
    }

    @Override
    public long[] catchUpTimes(long refMicros) {
        return loops.stream().flatMap(l -> l.subs.stream()).filter(s -> s.caughtUp)
                .mapToLong(s -> s.caughtUpMicros - refMicros).toArray();
    }

    @Override
    public long exact(long[] seq) {
        return loops.stream().flatMap(l -> l.subs.stream())
                .filter(s -> s.gaps == 0 && s.dups == 0 && s.resets == 0 && s.lastSeq == seq[s.channel]).count();
    }

    @Override
    public long behind(long[] seq) {
        return loops.stream().flatMap(l -> l.subs.stream()).mapToLong(s -> Math.max(0, seq[s.channel] - s.lastSeq))
                .sum();
    }

    @Override
    public String firstReset() {
        return loops.stream().map(l -> l.firstReset).filter(r -> r != null).findFirst().orElse(null);
    }

    @Override
    public List<Long> pids() {
        return List.of();
    }

    @Override
    public void stop() throws InterruptedException {
        for (IoLoop l : loops) {
            l.stop();
        }
    }
}
