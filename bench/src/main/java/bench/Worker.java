package bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A load generator worker process: holds subscribers {@code [from, to)} and answers the driver's commands
 * ({@link RemoteGroup}) on stdin/stdout. Usage: {@code Worker host port from to ioThreads srcIps srcBase
 * maxConnecting path...} with one path per channel.
 */
public final class Worker {

    public static void main(String[] a) throws Exception {
        InetSocketAddress server = new InetSocketAddress(a[0], Integer.parseInt(a[1]));
        String[] paths = Arrays.copyOfRange(a, 8, a.length);
        LocalGroup group = new LocalGroup(server, paths, Integer.parseInt(a[2]), Integer.parseInt(a[3]),
                Integer.parseInt(a[4]), Integer.parseInt(a[5]), Integer.parseInt(a[6]), Integer.parseInt(a[7]));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null) {
            int space = line.indexOf(' ');
            String cmd = space < 0 ? line : line.substring(0, space);
            String arg = space < 0 ? "" : line.substring(space + 1);
            switch (cmd) {
                case "ping" -> out.println("pong");
                case "connect" -> {
                    group.connectAll(Boolean.parseBoolean(arg));
                    out.println("ok");
                }
                case "drop" -> {
                    group.dropAll();
                    out.println("ok");
                }
                case "expect" -> {
                    group.expect(longs(arg));
                    out.println("ok");
                }
                case "counters" -> out.println(group.counters().encode());
                case "latency" -> out.println(Histograms.encode(group.takeLatency()));
                case "catchup" -> out.println(Arrays.stream(group.catchUpTimes(Long.parseLong(arg)))
                        .mapToObj(Long::toString).collect(Collectors.joining(",")));
                case "exact" -> out.println(group.exact(longs(arg)));
                case "behind" -> out.println(group.behind(longs(arg)));
                case "reset" -> {
                    String r = group.firstReset();
                    out.println(r == null ? "-" : r.replace('\n', ' '));
                }
                case "quit" -> {
                    out.println("bye");
                    group.stop();
                    System.exit(0);
                }
                default -> out.println("unknown " + cmd);
            }
        }
        group.stop();
    }

    private static long[] longs(String csv) {
        return Arrays.stream(csv.split(",")).mapToLong(Long::parseLong).toArray();
    }
}
