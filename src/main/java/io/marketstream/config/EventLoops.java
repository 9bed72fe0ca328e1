package io.marketstream.config;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.vertx.VertxOptionsCustomizer;
import io.vertx.core.VertxOptions;

/**
 * One event loop per CPU the JVM may use (a pod's CPU limit) rather than two per CPU (the default): every delivery is
 * work on a loop, and with more busy loops than CPUs a loop that has events to write waits for the kernel to schedule
 * it. In bench/ (2 CPUs, 50,000 deliveries/s) two loops instead of four took the p99 from 12-13 to 9-11 ms and the
 * p99.9 from 20-23 to 16 ms, at the same CPU per delivery. {@code quarkus.vertx.event-loops-pool-size}, when set,
 * wins.
 */
@ApplicationScoped
public class EventLoops implements VertxOptionsCustomizer {

    private final Optional<Integer> configured;

    public EventLoops(@ConfigProperty(name = "quarkus.vertx.event-loops-pool-size") Optional<Integer> configured) {
        this.configured = configured;
    }

    @Override
    public void accept(VertxOptions options) {
        if (configured.isEmpty()) {
            options.setEventLoopPoolSize(Runtime.getRuntime().availableProcessors());
        }
    }
}
