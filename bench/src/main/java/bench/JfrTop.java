package bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the CPU samples (jdk.ExecutionSample) of a JFR recording: top methods by self time, top methods by total
 * (inclusive) time, the market-stream frames on the stacks, and samples by thread. Usage: {@code JfrTop file.jfr [n]}.
 */
public final class JfrTop {

    public static void main(String[] args) throws IOException {
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> ours = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Map<String, Integer>> selfByThread = new HashMap<>();
        Map<String, Integer> natives = new HashMap<>();
        int nativeSamples = 0;
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (e.getEventType().getName().equals("jdk.NativeMethodSample") && e.getStackTrace() != null
                    && !e.getStackTrace().getFrames().isEmpty()) {
                nativeSamples++;
                natives.merge(name(e.getStackTrace().getFrames().get(0)), 1, Integer::sum);
                continue;
            }
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
            String group = thread == null ? "?" : thread.replaceAll("[0-9]+", "N");
            threads.merge(group, 1, Integer::sum);
            List<RecordedFrame> frames = st.getFrames();
            self.merge(name(frames.get(0)), 1, Integer::sum);
            selfByThread.computeIfAbsent(group, g -> new HashMap<>()).merge(name(frames.get(0)), 1, Integer::sum);
            var seen = new java.util.HashSet<String>();
            boolean ourSeen = false;
            for (RecordedFrame f : frames) {
                String m = name(f);
                if (seen.add(m)) {
                    total.merge(m, 1, Integer::sum);
                }
                if (!ourSeen && m.startsWith("io.marketstream.")) {
                    ours.merge(m, 1, Integer::sum);
                    ourSeen = true;
                }
            }
        }
        System.out.printf("%d execution samples%n", samples);
        print("threads", threads, samples, n);
        print("self (top frame)", self, samples, n);
        print("total (on stack)", total, samples, n);
        print("innermost market-stream frame", ours, samples, n);
        for (var t : selfByThread.entrySet()) {
            print("self on " + t.getKey(), t.getValue(), samples, Math.min(n, 12));
        }
        System.out.printf("%n%d native method samples (threads in native code, e.g. socket writes)%n", nativeSamples);
        print("native top frame", natives, Math.max(1, nativeSamples), Math.min(n, 10));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int n) {
        System.out.printf("%n== %s ==%n", title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(n)
                .forEach(e -> System.out.printf("%6.1f%%  %6d  %s%n", 100.0 * e.getValue() / Math.max(1, samples),
                        e.getValue(), e.getKey()));
    }
}
