package io.marketstream.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.marketstream.config.StreamConfig;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.vertx.mutiny.core.Vertx;

/**
 * Drains this pod on shutdown. Quarkus reports the pod unready as soon as SIGTERM arrives and keeps serving for
 * {@code quarkus.shutdown.delay}; over that time this closes every stream, spread evenly, each after a short
 * {@code retry:}, so thousands of browsers come back to the other pods over the window rather than in one second,
 * and resume there from their last id.
 */
@ApplicationScoped
public class Drain {

    private static final Logger LOG = Logger.getLogger(Drain.class);

    private final Hub hub;
    private final Vertx vertx;
    private final Duration window;
    private final WireFrame retryFrame;

    public Drain(Hub hub, Vertx vertx, StreamConfig config) {
        this.hub = hub;
        this.vertx = vertx;
        this.window = config.drainWindow();
        this.retryFrame = WireFrame.of(("retry: " + config.drainRetry().toMillis() + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    void onShutdown(@Observes ShutdownDelayInitiatedEvent shutdown) {
        // New streams are refused (503): behind the ingress they open on another pod instead of coming back here.
        hub.startDraining();
        List<Connection> connections = hub.openConnections();
        LOG.infof("Shutting down: closing %d streams over %s", connections.size(), window);
        // The last close lands a little before the window ends, while the server still writes.
        long spread = window.toMillis() * 9 / 10;
        for (int i = 0; i < connections.size(); i++) {
            Connection connection = connections.get(i);
            long delay = Math.max(1, spread * i / Math.max(1, connections.size()));
            vertx.setTimer(delay, id -> connection.context().runOnContext(v -> connection.drain(retryFrame)));
        }
    }
}
