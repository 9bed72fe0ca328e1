package io.marketstream.stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.marketstream.config.StreamConfig;
import io.marketstream.event.SseFrames;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * Sends the comment heartbeat to every open stream that was idle since the last tick, so proxies do not cut it. One
 * timer for the pod rather than one per connection.
 */
@ApplicationScoped
public class Heartbeats {

    private final Hub hub;
    private final Vertx vertx;
    private final long intervalMillis;
    private long timer = -1;

    public Heartbeats(Hub hub, Vertx vertx, StreamConfig config) {
        this.hub = hub;
        this.vertx = vertx;
        this.intervalMillis = config.heartbeat().toMillis();
    }

    void start(@Observes StartupEvent startup) {
        WireFrame frame = WireFrame.of(SseFrames.heartbeat());
        timer = vertx.setPeriodic(intervalMillis, id -> hub.onEachLoop(c -> c.heartbeat(frame)));
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
