package bench;

/**
 * Publishes at a steady rate, round-robin over the channels, each event stamped and numbered per channel (1, 2, ...
 * for the whole run). Runs on the calling thread.
 */
final class Pacer {

    private final Publisher publisher;
    private final String[] channels;
    final long[] seq;
    private final Payload payload = new Payload();
    private long next;
    long published;

    Pacer(Publisher publisher, String[] channels) {
        this.publisher = publisher;
        this.channels = channels;
        this.seq = new long[channels.length];
    }

    /** Publishes {@code rate} events/s for {@code seconds}, or until {@code maxEvents}; returns the events sent. */
    long run(double rate, double seconds, long maxEvents) {
        long start = System.nanoTime();
        long durationNanos = (long) (seconds * 1e9);
        long count = 0;
        while (count < maxEvents) {
            long elapsed = System.nanoTime() - start;
            if (elapsed >= durationNanos) {
                break;
            }
            long due = Math.min(maxEvents, (long) (elapsed * rate / 1e9) + 1);
            while (count < due) {
                int c = (int) (next++ % channels.length);
                long s = ++seq[c];
                publisher.send(channels[c], payload.tick(channels[c], s, WallClock.micros()));
                count++;
                published++;
            }
            long nextDue = (long) ((count) * 1e9 / rate);
            long wait = Math.min(nextDue - (System.nanoTime() - start), 1_000_000);
            if (wait > 20_000) {
                publisher.poll(wait);
            } else {
                publisher.poll(0);
            }
        }
        return count;
    }

    /** Waits until every event sent has been acknowledged, up to {@code seconds}; true if so. */
    boolean awaitAcks(double seconds) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (publisher.inFlight() > 0 && System.nanoTime() < deadline) {
            publisher.poll(1_000_000);
        }
        return publisher.inFlight() == 0;
    }
}
