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

    /**
     * The root cgroup's CPU time of all tasks, in nanoseconds (cgroup v1 cpuacct), where the machine has it; run.sh's
     * {@code machine_busy_pct} reads the same files.
     */
    private static final List<Path> CPUACCT_USAGE = List.of(Path.of("/sys/fs/cgroup/cpuacct/cpuacct.usage"),
            Path.of("/sys/fs/cgroup/cpu,cpuacct/cpuacct.usage"));

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

    /**
     * CPU seconds used by the whole machine so far (all processes, all cores). From the scheduler's own count of every
     * task's run time (cpuacct) where there is one, as precise as a process's utime and stime; else from /proc/stat,
     * less idle and iowait. /proc/stat samples at each timer tick which state a CPU is in, and under many short bursts
     * it can count far less than the processes' own times add up to: on the development box it gave "other CPU"
     * (machine less the processes measured) of -66 % to +56 % of a core in the s1r windows of runs V to Z.
     */
    static double machineBusySeconds() {
        for (Path usage : CPUACCT_USAGE) {
            try {
                return Long.parseLong(Files.readString(usage).trim()) / 1e9;
            } catch (IOException | RuntimeException e) {
                // Not this machine's layout: the next, then /proc/stat.
            }
        }
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
