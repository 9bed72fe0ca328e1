package io.marketstream.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class RedisServerTest {

    @Test
    void answersCommandsFlushesRestartsEmptyOnTheSamePortAndReleasesItOnStop() throws Exception {
        RedisServer server = timedStart(RedisServer.findBinary());
        int port = server.port();
        try (server) {
            assertThat(server.uri()).isEqualTo("redis://127.0.0.1:" + port);
            assertThat(rawPing(port)).isEqualTo("+PONG");

            assertThat(server.command("SET", "greeting", "héllo wörld")).isEqualTo("OK");
            assertThat(server.command("GET", "greeting")).isEqualTo("héllo wörld");
            assertThat(server.command("GET", "missing")).isNull();

            server.flushAll();
            assertThat(server.command("DBSIZE")).isEqualTo("0");

            server.command("SET", "before-restart", "1");
            server.restart();
            assertThat(server.port()).isEqualTo(port);
            assertThat(rawPing(port)).isEqualTo("+PONG");
            assertThat(server.command("DBSIZE")).as("a restart without persistence comes back empty").isEqualTo("0");
        }
        assertThat(isFree(port)).as("the port is released after stop").isTrue();
        server.stop(); // a second stop is a no-op
    }

    /** Runs the fallback even where redis-server is on PATH, so a broken jar path cannot go unnoticed. */
    @Test
    void runsTheBinaryBundledInTheEmbeddedRedisJar() throws Exception {
        String bundled = RedisServer.bundledBinary();
        assertThat(Path.of(bundled)).isExecutable();
        assertThat(RedisServer.bundledBinary()).as("extracted once per JVM").isEqualTo(bundled);

        try (RedisServer server = timedStart(bundled)) {
            assertThat(server.binary()).isEqualTo(bundled);
            assertThat(rawPing(server.port())).isEqualTo("+PONG");
            assertThat(server.command("SET", "k", "v")).isEqualTo("OK");
            assertThat(server.command("GET", "k")).isEqualTo("v");
        }
    }

    @Test
    void twoServersRunSideBySideOnDifferentPorts() {
        try (RedisServer a = RedisServer.start(); RedisServer b = RedisServer.start()) {
            assertThat(a.port()).isNotEqualTo(b.port());
            a.command("SET", "only-in-a", "1");
            assertThat(b.command("GET", "only-in-a")).isNull();
        }
    }

    @Test
    void restartAndStopDeleteTheWorkingDirectory() {
        Path first;
        Path second;
        try (RedisServer server = RedisServer.start()) {
            first = server.workDir();
            assertThat(first).isDirectory();
            server.restart();
            second = server.workDir();
            assertThat(second).isDirectory().isNotEqualTo(first);
            assertThat(first).doesNotExist();
        }
        assertThat(second).doesNotExist();
    }

    private static RedisServer timedStart(String binary) {
        long startedAt = System.nanoTime();
        RedisServer server = RedisServer.start(binary);
        System.out.printf("redis-server started in %d ms from %s%n", (System.nanoTime() - startedAt) / 1_000_000, binary);
        return server;
    }

    /** The literal RESP bytes, independent of RedisServer's own codec. */
    private static String rawPing(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] reply = socket.getInputStream().readNBytes(7);
            return new String(reply, StandardCharsets.US_ASCII).strip();
        }
    }

    private static boolean isFree(int port) {
        try (var socket = new ServerSocket(port, 0, InetAddress.getByName("127.0.0.1"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
