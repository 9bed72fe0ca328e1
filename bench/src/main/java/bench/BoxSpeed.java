package bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How fast this machine runs at the moment: a fixed piece of single-threaded CPU and memory work, timed. On a shared
 * virtual machine the same work can take longer from one hour to the next (other tenants, their use of the caches),
 * and every process on it slows down with it, the servers measured included; a window measured on a slower box says
 * more about the box than about the servers. Compare windows of one machine, not machines.
 */
final class BoxSpeed {

    private static final int SIZE = 1 << 20;
    private static final int REPEATS = 5;
    private static final int[] INPUT = new SplittableRandom(42).ints(SIZE).toArray();

    private BoxSpeed() {
    }

    /**
     * Milliseconds to sort the same 2^20 pseudo-random ints, the median of five sorts (the first of a process, before
     * the JIT has compiled the sort, is slower).
     */
    static double sortMillis() {
        double[] times = new double[REPEATS];
        for (int r = 0; r < REPEATS; r++) {
            int[] a = INPUT.clone();
            long t0 = System.nanoTime();
            Arrays.sort(a);
            times[r] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(times);
        return times[REPEATS / 2];
    }
}
