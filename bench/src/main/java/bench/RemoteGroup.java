package bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.HdrHistogram.Histogram;

/**
 * Subscribers in a worker process ({@link Worker}), driven over its stdin/stdout one command line and one answer line
 * at a time. Used when one process may not open as many sockets as the scenario needs.
 */
final class RemoteGroup implements Group {

    private final Process process;
    private final PrintStream out;
    private final BufferedReader in;

    RemoteGroup(List<String> workerArgs, String jvmOpts) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(Arrays.asList(jvmOpts.trim().split("\\s+")));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Worker.class.getName());
        cmd.addAll(workerArgs);
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        out = new PrintStream(process.getOutputStream(), true, StandardCharsets.US_ASCII);
        in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        ask("ping");
    }

    private synchronized String ask(String command) {
        out.println(command);
        try {
            String line = in.readLine();
            if (line == null) {
                throw new IllegalStateException("load worker " + process.pid() + " exited");
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String list(long[] v) {
        return Arrays.stream(v).mapToObj(Long::toString).collect(Collectors.joining(","));
    }

    @Override
    public void connectAll(boolean resume) {
        ask("connect " + resume);
    }

    @Override
    public void dropAll() {
        ask("drop");
    }

    @Override
    public void expect(long[] seqByChannel) {
        ask("expect " + list(seqByChannel));
    }

    @Override
    public Counters counters() {
        return Counters.decode(ask("counters"));
    }

    @Override
    public Histogram takeLatency() {
        return Histograms.decode(ask("latency"));
    }

    @Override
    public long[] catchUpTimes(long refMicros) {
        String v = ask("catchup " + refMicros);
        return v.isEmpty() ? new long[0] : Arrays.stream(v.split(",")).mapToLong(Long::parseLong).toArray();
    }

    @Override
    public long exact(long[] seq) {
        return Long.parseLong(ask("exact " + list(seq)));
    }

    @Override
    public long behind(long[] seq) {
        return Long.parseLong(ask("behind " + list(seq)));
    }

    @Override
    public String firstReset() {
        String r = ask("reset");
        return r.equals("-") ? null : r;
    }

    @Override
    public List<Long> pids() {
        return List.of(process.pid());
    }

    @Override
    public void stop() throws InterruptedException {
        try {
            ask("quit");
        } catch (RuntimeException ignored) {
            // already gone
        }
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
