package io.marketstream.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.core.ConditionTimeoutException;

/**
 * One instance of the packaged application ({@code target/market-stream-runner.jar}) in a JVM process of its own,
 * on a free loopback port, as one pod of a deployment: started as the image starts it, in the jar's directory with
 * its class-data archive ({@code target/market-stream.jsa}) when the build made one. It is killed by its process
 * handle only, never by name, and the JVM running the tests kills every pod it started that is still alive when it
 * exits.
 */
public final class Pod implements AutoCloseable {

    public static final Path JAR = Path.of("target/market-stream-runner.jar");
    /**
     * The class-data archive the build writes next to the jar (pom.xml); it names the jar relative to that directory.
     */
    public static final Path ARCHIVE = JAR.resolveSibling("market-stream.jsa");
    public static final Path LOG_DIR = Path.of("target/pods");
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    /** Log file numbers per pod name, so a restarted pod (or a later test's pod of that name) keeps the old log. */
    private static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();
    private static final Set<Integer> PORTS_GIVEN = ConcurrentHashMap.newKeySet();
    private static final Set<Pod> STARTED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Pod::kill), "pod-reaper"));
    }

    private final String name;
    private final int port;
    private final Map<String, String> config;
    private final List<String> jvmOptions;
    private volatile Process process;
    private volatile Path log;
    private volatile long startedNanos;
    private volatile Duration startupTime;

    private Pod(String name, int port, Map<String, String> config, List<String> jvmOptions) {
        this.name = name;
        this.port = port;
        this.config = config;
        this.jvmOptions = jvmOptions;
    }

    /**
     * Starts the packaged application with each config entry as a {@code -D} system property, on a port chosen here.
     * Returns at once; see {@link #awaitReady(Duration)}.
     */
    public static Pod start(String name, Map<String, String> config) {
        return start(name, config, List.of());
    }

    /** As {@link #start(String, Map)}, with more JVM options (after the usual ones, so they win). */
    public static Pod start(String name, Map<String, String> config, List<String> jvmOptions) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run ./mvnw package -DskipTests");
        }
        Map<String, String> all = new LinkedHashMap<>();
        all.put("quarkus.http.host", LOOPBACK.getHostAddress());
        all.putAll(config);
        int port = freePort();
        all.put("quarkus.http.port", String.valueOf(port));
        Pod pod = new Pod(name, port, Map.copyOf(all), List.copyOf(jvmOptions));
        pod.launch();
        return pod;
    }

    /** Starts this pod again, with the same name, port and config, after it has been killed or terminated. */
    public Pod restart() {
        if (alive()) {
            throw new IllegalStateException("Pod " + name + " is still running (pid " + pid() + ")");
        }
        launch();
        return this;
    }

    /** Waits until {@code /q/health/ready} answers 200; fails at once, with the end of the log, if the process dies. */
    public Pod awaitReady(Duration timeout) {
        try {
            await("pod " + name + " ready").atMost(timeout).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50)).until(this::ready);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Pod " + name + " not ready within " + timeout + "\n" + logTail(40), e);
        }
        return this;
    }

    private boolean ready() throws InterruptedException {
        if (!alive()) {
            throw new AssertionError("Pod " + name + " exited with " + process.exitValue() + " before it was ready\n"
                    + logTail(40));
        }
        HttpRequest request = HttpRequest.newBuilder(uri("/q/health/ready")).timeout(Duration.ofSeconds(2)).build();
        try {
            boolean ready = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            if (ready && startupTime == null) {
                startupTime = Duration.ofNanos(System.nanoTime() - startedNanos);
            }
            return ready;
        } catch (IOException notListeningYet) {
            return false;
        }
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://" + LOOPBACK.getHostAddress() + ":" + port + pathAndQuery);
    }

    /** SIGKILL: the pod gets no chance to close connections, commit offsets or deregister. */
    public void kill() {
        Process current = process;
        current.destroyForcibly();
        try {
            current.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        STARTED.remove(this);
    }

    /** SIGTERM, as Kubernetes does first; fails (after a SIGKILL) if the pod has not exited within 30 s. */
    public void terminate() {
        terminate(Duration.ofSeconds(30));
    }

    public void terminate(Duration timeout) {
        Process current = process;
        current.destroy();
        try {
            if (!current.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new AssertionError("Pod " + name + " did not stop within " + timeout + " of SIGTERM\n"
                        + logTail(40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        STARTED.remove(this);
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The exit status of the stopped process: 137 after {@link #kill()}, 143 or 0 after {@link #terminate()}. */
    public int exitValue() {
        return process.exitValue();
    }

    /** From starting the process to the first 200 of the readiness check; null until then. Reset by a restart. */
    public Duration startupTime() {
        return startupTime;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** The log of the current (or last) run of this pod. */
    public Path log() {
        return log;
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "---- last lines of " + log + " ----\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process != null && alive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return "Pod[" + name + " :" + port + (process == null ? "" : " pid " + pid()) + "]";
    }

    private synchronized void launch() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        if (Files.isRegularFile(ARCHIVE)) {
            command.add("-XX:SharedArchiveFile=" + ARCHIVE.getFileName());
        }
        command.addAll(jvmOptions);
        config.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(JAR.getFileName().toString());
        try {
            Files.createDirectories(LOG_DIR);
            log = LOG_DIR.resolve(name + "-" + RUNS.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet()
                    + ".log");
            Files.writeString(log, String.join(" ", command) + "\n\n", StandardCharsets.UTF_8);
            startupTime = null;
            startedNanos = System.nanoTime();
            process = new ProcessBuilder(command).directory(JAR.toAbsolutePath().getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            STARTED.add(this);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start pod " + name, e);
        }
    }

    /** A port free now on loopback, and not handed to another pod of this JVM (the OS may offer one twice). */
    private static int freePort() {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 0, LOOPBACK)) {
                if (PORTS_GIVEN.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("No free port", e);
            }
        }
        throw new IllegalStateException("No free port not already given to a pod");
    }
}
