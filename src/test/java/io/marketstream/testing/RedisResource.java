package io.marketstream.testing;

import java.util.Map;

import org.jboss.logging.Logger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a {@code @QuarkusTest} a real Redis: one redis-server process on a free loopback port, without
 * persistence, so a test can restart it to play a Redis that lost its data.
 */
public class RedisResource implements QuarkusTestResourceLifecycleManager {

    private static final Logger LOG = Logger.getLogger(RedisResource.class);

    // Static so tests can reach the server to flush, restart or inspect it.
    private static volatile RedisServer server;

    @Override
    public Map<String, String> start() {
        long startedAt = System.nanoTime();
        RedisServer started = RedisServer.start();
        LOG.infof("Redis started at %s in %d ms (%s)", started.uri(), (System.nanoTime() - startedAt) / 1_000_000,
                started.binary());
        server = started;
        return Map.of("quarkus.redis.hosts", started.uri());
    }

    @Override
    public void stop() {
        RedisServer running = server;
        server = null;
        if (running != null) {
            running.stop();
        }
    }

    /** The running server; fails if no test resource has started one. */
    public static RedisServer server() {
        RedisServer running = server;
        if (running == null) {
            throw new IllegalStateException("RedisResource is not running");
        }
        return running;
    }
}
