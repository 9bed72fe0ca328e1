package bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU time and resident memory of processes, from /proc (utime+stime of /proc/PID/stat; VmRSS, VmHWM). */
final class ProcStats {

    /** USER_HZ: the unit of utime and stime. 100 on every Linux build this runs on; overridable. */
    static final double CLK_TCK = Double.parseDouble(System.getProperty("bench.clk_tck", "100"));

    private ProcStats() {
    }

    /** CPU seconds used so far by all of {@code pids} (0 for one that is gone). */
    static double cpuSeconds(List<Long> pids) {
        double total = 0;
        for (long pid : pids) {
            total += cpuSeconds(pid);
        }
        return total;
    }

    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // After "pid (comm) ": state is field 3, utime 14, stime 15.
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLK_TCK;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Sum of VmRSS of {@code pids}, in KiB. */
    static long rssKb(List<Long> pids) {
        long total = 0;
        for (long pid : pids) {
            total += status(pid, "VmRSS:");
        }
        return total;
    }

    static long status(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    /** CPU seconds used by the whole machine so far (all processes, all cores): /proc/stat, less idle and iowait. */
    static double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i <= 8 && i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            return (total - Long.parseLong(f[4]) - Long.parseLong(f[5])) / CLK_TCK;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The open-file limit of this process (soft; the JVM raises it to the hard limit at start). */
    static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String v = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return v.equals("unlimited") ? Long.MAX_VALUE / 2 : Long.parseLong(v);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 20_000;
        }
        return 20_000;
    }

    static long self() {
        return ProcessHandle.current().pid();
    }

    /** CPU seconds of one thread of this JVM. */
    static double threadCpu(Thread t) {
        long nanos = ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId());
        return nanos < 0 ? 0 : nanos / 1e9;
    }
}
