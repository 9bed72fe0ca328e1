package bench;

import java.util.List;

import org.HdrHistogram.Histogram;

/**
 * A set of subscribers the driver controls as one: in this process ({@link LocalGroup}), or in a worker process of
 * its own ({@link RemoteGroup}) when one process may not open enough sockets.
 */
interface Group {

    /** Counter snapshot: see {@link IoLoop}. */
    record Counters(long connected, long connectFailures, long badStatus, long closedByServer, long received,
            long bytesRead, long gaps, long dups, long resets, long badFrames, long negativeLatency, long caughtUp,
            long firstFrames, double ioCpuSeconds) {

        static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        Counters plus(Counters o) {
            return new Counters(connected + o.connected, connectFailures + o.connectFailures, badStatus + o.badStatus,
                    closedByServer + o.closedByServer, received + o.received, bytesRead + o.bytesRead, gaps + o.gaps,
                    dups + o.dups, resets + o.resets, badFrames + o.badFrames, negativeLatency + o.negativeLatency,
                    caughtUp + o.caughtUp, firstFrames + o.firstFrames, ioCpuSeconds + o.ioCpuSeconds);
        }

        String encode() {
            return connected + " " + connectFailures + " " + badStatus + " " + closedByServer + " " + received + " "
                    + bytesRead + " " + gaps + " " + dups + " " + resets + " " + badFrames + " " + negativeLatency + " "
                    + caughtUp + " " + firstFrames + " " + ioCpuSeconds;
        }

        static Counters decode(String line) {
            String[] f = line.trim().split(" ");
            long[] v = new long[13];
            for (int i = 0; i < 13; i++) {
                v[i] = Long.parseLong(f[i]);
            }
            return new Counters(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12],
                    Double.parseDouble(f[13]));
        }
    }

    void connectAll(boolean resume);

    void dropAll();

    /** The sequence each subscriber must reach (by channel) to count as caught up. */
    void expect(long[] seqByChannel);

    Counters counters();

    /** Latency recorded since the previous call (or reset), in microseconds. */
    Histogram takeLatency();

    /** Catch-up time of each subscriber that caught up, in microseconds after {@code refMicros}. */
    long[] catchUpTimes(long refMicros);

    /** Subscribers with no gap, duplicate or reset that have every event published ({@code seq} by channel). */
    long exact(long[] seq);

    /** Events published ({@code seq} by channel) that subscribers have not received. */
    long behind(long[] seq);

    /** The data of the first reset event seen, or null. */
    String firstReset();

    /** Worker processes, whose CPU counts as the load generator's. */
    List<Long> pids();

    void stop() throws InterruptedException;
}
