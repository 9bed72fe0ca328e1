package io.marketstream.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real nginx, in a process of its own on a free loopback port, running the deployment's own config
 * ({@code docker/nginx.conf}, copied unchanged) with the two files it includes written here: {@code listen.conf}
 * (the port) and {@code upstreams.conf} (the pods, with the server parameters of {@code docker/upstreams.conf}). Its
 * prefix directory, under {@code target/nginx}, is kept with its logs. It is stopped by its process id only (SIGTERM
 * to the master, which stops its workers), never by name, and the JVM running the tests stops every nginx it started
 * that is still running.
 */
public final class Nginx implements AutoCloseable {

    /** The config deployments use; the test runs this very file. */
    public static final Path CONFIG = Path.of("docker/nginx.conf");
    /** The deployment's upstream servers: their parameters (passive health) are given to the pods of a test too. */
    public static final Path UPSTREAMS = Path.of("docker/upstreams.conf");
    private static final Pattern SERVER = Pattern.compile("(?m)^\\s*server\\s+\\S+\\s*([^;]*);");
    /** Holds the prefix directory of each run (its config, includes and logs), kept for a look after the run. */
    public static final Path LOG_DIR = Path.of("target/nginx");
    static final String LISTEN_INCLUDE = "listen.conf";
    static final String UPSTREAMS_INCLUDE = "upstreams.conf";
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final List<String> SBIN = List.of("/usr/sbin", "/usr/local/sbin", "/usr/local/nginx/sbin");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    private static final Set<Nginx> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Nginx::close), "nginx-reaper"));
    }

    private final String binary;
    private final Path dir;
    private final int port;
    private final Process process;

    private Nginx(String binary, Path dir, int port, Process process) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /** The nginx executable on PATH (or in an sbin directory); fails, saying how to install it, when there is none. */
    public static String requireBinary() {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(Arrays.asList(path.split(File.pathSeparator)));
        }
        dirs.addAll(SBIN);
        for (String dir : dirs) {
            Path candidate = dir.isEmpty() ? null : Path.of(dir, "nginx");
            if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath().toString();
            }
        }
        throw new AssertionError("nginx is not installed (no nginx on PATH nor in " + SBIN + "): the system test "
                + "runs the deployment's " + CONFIG + " in a real nginx. Install it (apt-get install -y nginx; "
                + ".ci/run does) and run again.");
    }

    /** Fails when the deployment's config is missing. */
    public static void requireConfig() {
        if (!Files.isRegularFile(CONFIG)) {
            throw new AssertionError(CONFIG.toAbsolutePath() + " is missing: the system test runs the deployment's "
                    + "nginx config");
        }
    }

    /**
     * Starts nginx with {@link #CONFIG} in a fresh prefix directory, listening on a free loopback port, proxying to
     * the given loopback ports; returns once it accepts connections.
     */
    public static Nginx start(String binary, List<Integer> upstreamPorts) {
        requireConfig();
        Path dir = null;
        try {
            dir = Files.createTempDirectory(Files.createDirectories(LOG_DIR.toAbsolutePath()), "nginx-");
            // Workers may run as another user when the tests run as root: they must reach the prefix.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.copy(CONFIG, dir.resolve("nginx.conf"));
            int port = freePort();
            Files.writeString(dir.resolve(LISTEN_INCLUDE), "listen " + LOOPBACK.getHostAddress() + ":" + port + ";\n");
            String parameters = serverParameters();
            StringBuilder servers = new StringBuilder();
            upstreamPorts.forEach(p -> servers.append("server ").append(LOOPBACK.getHostAddress()).append(':')
                    .append(p).append(parameters.isEmpty() ? "" : " " + parameters).append(";\n"));
            Files.writeString(dir.resolve(UPSTREAMS_INCLUDE), servers);

            check(binary, dir);
            Process process = new ProcessBuilder(command(binary, dir)).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("nginx.out").toFile()).start();
            Nginx nginx = new Nginx(binary, dir, port, process);
            RUNNING.add(nginx);
            nginx.awaitListening();
            return nginx;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start nginx in " + dir, e);
        }
    }

    /** The parameters of the first server in {@link #UPSTREAMS} ({@code max_fails=1 fail_timeout=5s}), or none. */
    static String serverParameters() throws IOException {
        if (!Files.isRegularFile(UPSTREAMS)) {
            return "";
        }
        Matcher server = SERVER.matcher(Files.readString(UPSTREAMS));
        return server.find() ? server.group(1).trim() : "";
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://" + LOOPBACK.getHostAddress() + ":" + port + pathAndQuery);
    }

    /** The prefix directory: the config, the generated includes, logs. */
    public Path dir() {
        return dir;
    }

    /** {@code nginx -v}, e.g. {@code nginx/1.22.1}. */
    public String version() {
        return run(List.of(binary, "-v")).replace("nginx version: ", "").trim();
    }

    public String errorLogTail(int lines) {
        return tail(dir.resolve("error.log"), lines);
    }

    /** The lines of the access log written so far (a stream's line is written when it ends). */
    public List<String> accessLog() {
        try {
            Path log = dir.resolve("access.log");
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM to the master (it stops its workers), then SIGKILL to it and its workers, by pid, if it lingers. */
    @Override
    public void close() {
        if (!RUNNING.remove(this)) {
            return;
        }
        List<ProcessHandle> workers = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public String toString() {
        return "Nginx[:" + port + " pid " + process.pid() + " " + dir + "]";
    }

    private static List<String> command(String binary, Path dir, String... extra) {
        List<String> command = new ArrayList<>(List.of(binary, "-p", dir + "/", "-c", "nginx.conf",
                "-e", dir.resolve("error.log").toString()));
        command.addAll(Arrays.asList(extra));
        return command;
    }

    /** {@code nginx -t}: a config that does not load fails here with nginx's own message. */
    private static void check(String binary, Path dir) {
        List<String> test = command(binary, dir, "-t");
        String output = run(test);
        if (!output.contains("test is successful")) {
            throw new AssertionError(String.join(" ", test) + " failed:\n" + output);
        }
    }

    private static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(20, TimeUnit.SECONDS);
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String why = tail(dir.resolve("nginx.out"), 20) + "\n" + errorLogTail(20);
                close();
                throw new AssertionError("nginx exited with " + process.exitValue() + " at start:\n" + why);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(LOOPBACK, port), 500);
                return;
            } catch (IOException notYet) {
                sleep(20);
            }
        }
        close();
        throw new AssertionError("nginx did not listen on port " + port + " within " + STARTUP_TIMEOUT);
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return "---- last lines of " + file + " ----\n"
                    + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + file + ": " + e + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, LOOPBACK)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
