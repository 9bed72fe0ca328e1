package io.marketstream.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.marketstream.stream.Hub;

/**
 * Ready once the live consumer owns its partitions: a client served before that could miss the first events.
 * Liveness does not depend on Kafka: a broker outage is no reason to restart a pod.
 */
@Readiness
@ApplicationScoped
public class LiveFeedCheck implements HealthCheck {

    private final Hub hub;

    public LiveFeedCheck(Hub hub) {
        this.hub = hub;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("live-feed")
                .status(hub.live())
                .withData("connections", hub.connectionCount())
                .build();
    }
}
