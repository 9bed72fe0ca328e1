package io.marketstream.testing;

import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real redis-server in its own process on a free 127.0.0.1 port, without persistence, for tests. It is the
 * {@code redis-server} on PATH when there is one, else the binary shipped inside the
 * {@code com.github.codemonstur:embedded-redis} jar, so a machine with only a JDK can run the tests.
 */
public final class RedisServer implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;

    // A run that ends without stop() (a crash, a Ctrl-C) must not leave servers holding ports.
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    static {
        Runtime.getRuntime().addShutdownHook(
                new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "redis-server-reaper"));
    }

    private static String bundled; // extracted at most once per JVM, reused by every server and restart

    private final String binary;
    private final int port;
    private Process process;
    private Path workDir;

    private RedisServer(String binary, int port) {
        this.binary = binary;
        this.port = port;
    }

    /** Starts a server with {@link #findBinary()} and returns once it answers PING. */
    public static RedisServer start() {
        return start(findBinary());
    }

    static RedisServer start(String binary) {
        for (int attempt = 1; ; attempt++) {
            RedisServer server = new RedisServer(binary, freePort());
            try {
                server.launch();
                return server;
            } catch (IllegalStateException e) {
                if (!isTransient(e) || attempt == START_ATTEMPTS) {
                    throw e;
                }
                pause();
            }
        }
    }

    /**
     * The free port can be taken by someone else between our probe and redis binding it; and exec of a freshly
     * written binary fails with ETXTBSY while a process forked meanwhile by another thread still holds it open.
     */
    private static boolean isTransient(IllegalStateException e) {
        String messages = e.getMessage() + " " + (e.getCause() == null ? "" : e.getCause().getMessage());
        return messages.contains("Address already in use") || messages.contains("Text file busy");
    }

    /** The {@code redis-server} on PATH if there is one, else the binary extracted from the embedded-redis jar. */
    public static String findBinary() {
        String path = System.getenv("PATH");
        for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
            // Not toRealPath: Debian's redis-server is a symlink to redis-check-rdb, which picks its mode by argv[0].
            Path candidate = dir.isEmpty() ? null : Path.of(dir, "redis-server");
            if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath().toString();
            }
        }
        return bundledBinary();
    }

    /** Extracts the embedded-redis jar's binary for this platform to a temporary file (once) and returns its path. */
    static synchronized String bundledBinary() {
        if (bundled != null && Files.isExecutable(Path.of(bundled))) {
            return bundled;
        }
        String resource = bundledResource();
        try (InputStream in = RedisServer.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("No redis-server on PATH and no " + resource
                        + " on the classpath: add the test dependency com.github.codemonstur:embedded-redis");
            }
            Path dir = Files.createTempDirectory("embedded-redis-");
            Path file = dir.resolve(resource);
            dir.toFile().deleteOnExit(); // hooks run in reverse order: the file goes first, then its directory
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            if (!file.toFile().setExecutable(true, true)) {
                throw new IllegalStateException("Could not make " + file + " executable");
            }
            bundled = file.toString();
            return bundled;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not extract " + resource, e);
        }
    }

    private static String bundledResource() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
        if (os.contains("linux") && (x64 || arm64)) {
            return x64 ? "redis-server-6.2.6-v5-linux-amd64" : "redis-server-6.2.7-linux-arm64";
        }
        if (os.contains("mac") && (x64 || arm64)) {
            return x64 ? "redis-server-6.2.6-v5-darwin-amd64" : "redis-server-6.2.6-v5-darwin-arm64";
        }
        throw new IllegalStateException("No bundled redis-server for " + os + "/" + arch + ": install redis-server");
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://" + HOST + ":" + port;
    }

    /** The executable this server runs: a path on PATH, or the file extracted from the embedded-redis jar. */
    public String binary() {
        return binary;
    }

    /** Package-private so the test can check that {@link #stop()} removes it; null while stopped. */
    synchronized Path workDir() {
        return workDir;
    }

    /** Removes every key from every database. */
    public void flushAll() {
        command("FLUSHALL");
    }

    /**
     * Sends one command on a fresh connection and returns the reply: a simple string or integer as text, a bulk
     * string, or null for a nil. An error reply throws; array replies are not supported.
     */
    public String command(String... args) {
        try (Socket socket = connect(port)) {
            return RespCodec.call(socket, args);
        } catch (IOException e) {
            throw new UncheckedIOException("Redis on port " + port + " did not answer " + args[0], e);
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after a timeout) and deletes its working directory. Idempotent. */
    public synchronized void stop() {
        Process running = process;
        process = null;
        if (running != null) {
            running.destroy();
            if (!waitFor(running)) {
                running.destroyForcibly();
                waitFor(running);
            }
            RUNNING.remove(running);
        }
        deleteRecursively(workDir);
        workDir = null;
    }

    /** Stops the server and starts an empty one on the same port, as a crash of a Redis without persistence would. */
    public synchronized void restart() {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized void launch() {
        try {
            workDir = Files.createTempDirectory("redis-" + port + "-");
            Path log = workDir.resolve("redis.log");
            List<String> cmd = List.of(binary, "--port", String.valueOf(port), "--bind", HOST,
                    "--save", "", "--appendonly", "no", "--protected-mode", "no", "--dir", workDir.toString());
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            RUNNING.add(process);
            awaitPong(log);
        } catch (IOException | RuntimeException e) {
            String message = e instanceof IllegalStateException ? e.getMessage() : "Could not start " + binary;
            stop();
            throw new IllegalStateException(message, e);
        }
    }

    private void awaitPong(Path log) throws IOException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(binary + " exited with " + process.exitValue() + " before answering"
                        + " on port " + port + ":\n" + Files.readString(log));
            }
            try (Socket socket = connect(port)) {
                if ("PONG".equals(RespCodec.call(socket, "PING"))) {
                    return;
                }
            } catch (IOException | IllegalStateException notYet) {
                // Not listening yet, or still loading: poll again.
            }
            pause();
        }
        throw new IllegalStateException(binary + " did not answer PING on port " + port + " within "
                + STARTUP_TIMEOUT.toSeconds() + " s:\n" + Files.readString(log));
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(HOST, port), 1_000);
            socket.setSoTimeout(5_000);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + HOST, e);
        }
    }

    private static boolean waitFor(Process p) {
        try {
            return p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return false;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for redis-server", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + dir, e);
        }
    }

    /** Just enough RESP2 to send a command and read a non-array reply. */
    private static final class RespCodec {

        static String call(Socket socket, String... args) throws IOException {
            var out = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                out.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
            }
            socket.getOutputStream().write(out.toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            var in = new DataInputStream(socket.getInputStream());
            String line = readLine(in);
            return switch (line.charAt(0)) {
                case '+', ':' -> line.substring(1);
                case '-' -> throw new IllegalStateException("Redis replied " + line);
                case '$' -> bulk(in, Integer.parseInt(line.substring(1)));
                default -> throw new IllegalStateException("Unsupported Redis reply " + line);
            };
        }

        private static String bulk(DataInputStream in, int length) throws IOException {
            if (length < 0) {
                return null;
            }
            byte[] data = new byte[length + 2]; // the value and its CRLF
            in.readFully(data);
            return new String(data, 0, length, StandardCharsets.UTF_8);
        }

        private static String readLine(DataInputStream in) throws IOException {
            var line = new StringBuilder();
            for (int b = in.read(); b != '\r'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("Connection closed mid-reply");
                }
                line.append((char) b);
            }
            in.read(); // the LF
            return line.toString();
        }
    }
}
