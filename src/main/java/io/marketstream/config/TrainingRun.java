package io.marketstream.config;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * The training run that makes the class-data archive of the packaged application ({@code pom.xml},
 * {@code docker/Dockerfile.jvm}): started with {@code -XX:ArchiveClassesAtExit} and {@code market.training-run} set,
 * the application starts as a pod does (its Kafka and Redis clients try their first connections, to an address
 * where nothing listens), and exits that long after it has started. The JVM then writes every class it loaded to
 * the archive, and a pod started with {@code -XX:SharedArchiveFile} maps them instead of loading them one by one.
 */
@ApplicationScoped
public class TrainingRun {

    private static final Logger LOG = Logger.getLogger(TrainingRun.class);

    void exitAfterStart(@Observes StartupEvent startup, Vertx vertx,
            @ConfigProperty(name = "market.training-run") Optional<Duration> exitAfter) {
        exitAfter.ifPresent(delay -> {
            LOG.infof("Training run: exiting in %d ms", delay.toMillis());
            vertx.setTimer(Math.max(1, delay.toMillis()), timer -> Quarkus.asyncExit());
        });
    }
}
