package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Summarises async-profiler's collapsed stacks (one line per stack: {@code [thread];frame;...;frame count}, kernel
 * frames ending in {@code _[k]}): samples by thread (numbers folded), kernel share, top frames by self time and by
 * total (inclusive) time. Usage: {@code ProfileTop file.collapsed [n]}.
 */
public final class ProfileTop {

    public static void main(String[] args) throws IOException {
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> total = new HashMap<>();
        long samples = 0;
        long kernel = 0;
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long count = Long.parseLong(line.substring(space + 1));
            String[] frames = line.substring(0, space).split(";");
            samples += count;
            threads.merge(frames[0].replaceAll("\\d+", "N"), count, Long::sum);
            String top = frames[frames.length - 1];
            self.merge(top, count, Long::sum);
            if (top.endsWith("_[k]")) {
                kernel += count;
            }
            Set<String> seen = new HashSet<>(List.of(frames).subList(1, frames.length));
            seen.forEach(frame -> total.merge(frame, count, Long::sum));
        }
        System.out.printf("%d samples, %.1f%% in the kernel%n", samples, 100.0 * kernel / Math.max(1, samples));
        print("threads", threads, samples, n);
        print("self (top frame)", self, samples, n);
        print("total (on stack)", total, samples, 2 * n);
    }

    private static void print(String title, Map<String, Long> counts, long samples, int n) {
        System.out.printf("%n== %s ==%n", title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                .forEach(e -> System.out.printf("%6.1f%% %7d  %s%n", 100.0 * e.getValue() / samples, e.getValue(),
                        e.getKey()));
    }
}
