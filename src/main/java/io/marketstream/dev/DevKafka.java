package io.marketstream.dev;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.marketstream.config.DevConfig;
import io.marketstream.config.IngestConfig;
import io.quarkus.arc.profile.IfBuildProfile;
import io.smallrye.common.annotation.Identifier;

/**
 * The Kafka connection of the one-command run. When no {@code kafka.bootstrap.servers} is configured, it starts an
 * in-process KRaft broker and points every Kafka client of the application at it. It replaces Quarkus' default
 * {@code default-kafka-broker} configuration, and exists in the dev profile only.
 */
@Singleton
@IfBuildProfile("dev")
public class DevKafka {

    private static final Logger LOG = Logger.getLogger(DevKafka.class);
    private static final String PREFIX = "kafka.";

    private final Config config;
    private final DevConfig dev;
    private final IngestConfig ingest;
    private EmbeddedKafkaBroker broker;

    public DevKafka(Config config, DevConfig dev, IngestConfig ingest) {
        this.config = config;
        this.dev = dev;
        this.ingest = ingest;
    }

    @Produces
    @Singleton
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfiguration() {
        Map<String, Object> properties = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                config.getOptionalValue(name, String.class)
                        .ifPresent(value -> properties.put(name.substring(PREFIX.length()), value));
            }
        }
        Optional<String> configured = config.getOptionalValue(PREFIX + "bootstrap.servers", String.class);
        properties.put("bootstrap.servers", configured.orElseGet(this::startBroker));
        return properties;
    }

    /** True when this run started its own broker (and so may feed it with simulated data). */
    synchronized boolean embedded() {
        return broker != null;
    }

    private synchronized String startBroker() {
        if (broker == null) {
            long started = System.nanoTime();
            broker = EmbeddedKafkaBroker.start(dev.kafkaPort());
            broker.createTopics(Map.of(ingest.pricesTopic(), dev.partitions(), ingest.newsTopic(), dev.partitions(),
                    ingest.dlqTopic(), 1));
            LOG.infof("In-process Kafka broker listening on %s (started in %d ms); set kafka.bootstrap.servers "
                    + "to use another broker", broker.bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
        }
        return broker.bootstrapServers();
    }

    @PreDestroy
    synchronized void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
