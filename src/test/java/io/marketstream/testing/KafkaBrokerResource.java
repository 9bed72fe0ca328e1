package io.marketstream.testing;

import java.util.Map;

import io.marketstream.dev.EmbeddedKafkaBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a {@code @QuarkusTest} a real Kafka: one in-process KRaft broker on a free loopback port, with the
 * application's topics already created, so no test depends on auto-creation or its partition count. Init args, if
 * any, are broker settings in place of the in-process broker's own.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    public static final String PRICES_TOPIC = "market.prices";
    public static final String NEWS_TOPIC = "market.news";
    public static final String DLQ_TOPIC = "market.dlq";

    // Static so tests can reach the broker from their own producers and consumers.
    private static volatile EmbeddedKafkaBroker broker;

    private Map<String, String> brokerSettings = Map.of();

    @Override
    public void init(Map<String, String> initArgs) {
        brokerSettings = Map.copyOf(initArgs);
    }

    @Override
    public Map<String, String> start() {
        EmbeddedKafkaBroker started = TestKafka.start(brokerSettings);
        broker = started;
        return Map.of("kafka.bootstrap.servers", started.bootstrapServers());
    }

    @Override
    public void stop() {
        EmbeddedKafkaBroker running = broker;
        broker = null;
        if (running != null) {
            running.close();
        }
    }

    /** The bootstrap address of the running broker; fails if no test resource has started one. */
    public static String bootstrapServers() {
        EmbeddedKafkaBroker running = broker;
        if (running == null) {
            throw new IllegalStateException("KafkaBrokerResource is not running");
        }
        return running.bootstrapServers();
    }
}
