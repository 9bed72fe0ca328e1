package bench;

import java.time.Instant;

/**
 * Wall-clock epoch microseconds, cheap enough to read per event: one {@link Instant#now()} at start, then
 * {@link System#nanoTime()} deltas. Publisher and subscribers share the machine's clock, so a timestamp written by one
 * process can be compared with the clock of another.
 */
final class WallClock {

    private static final long BASE_NANOS;
    private static final long BASE_MICROS;

    static {
        Instant now = Instant.now();
        BASE_NANOS = System.nanoTime();
        BASE_MICROS = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    private WallClock() {
    }

    static long micros() {
        return BASE_MICROS + (System.nanoTime() - BASE_NANOS) / 1000;
    }
}
