package io.marketstream.stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.marketstream.config.StreamConfig;
import io.marketstream.event.SseFrames;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * Sends the comment heartbeat to every open stream that was idle since its last tick, so proxies do not cut it. One
 * timer for the pod rather than one per connection, and the streams visited a slice at a time: each tick, every
 * interval / {@value #SLICES}, visits the streams of one slice, so each stream is still visited once an interval, but
 * an event loop never writes to all its idle streams at once (10,000 idle streams were 10,000 writes in one task
 * every interval, with the loop's live deliveries waiting behind them).
 */
@ApplicationScoped
public class Heartbeats {

    static final int SLICES = 16;

    private final Hub hub;
    private final Vertx vertx;
    private final long intervalMillis;
    private long timer = -1;
    /** Ticks so far; only the timer's handler touches it, always on the same context. */
    private long ticks;

    public Heartbeats(Hub hub, Vertx vertx, StreamConfig config) {
        this.hub = hub;
        this.vertx = vertx;
        this.intervalMillis = config.heartbeat().toMillis();
    }

    void start(@Observes StartupEvent startup) {
        WireFrame frame = WireFrame.of(SseFrames.heartbeat());
        timer = vertx.setPeriodic(Math.max(1, intervalMillis / SLICES), id -> {
            int slice = (int) (ticks++ % SLICES);
            hub.onEachLoop(slice, c -> c.heartbeat(frame));
        });
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
