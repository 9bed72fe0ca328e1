package io.marketstream.testing;

import java.util.LinkedHashMap;
import java.util.Map;

import io.marketstream.dev.EmbeddedKafkaBroker;

/**
 * A real Kafka broker in the test JVM for tests that run the packaged jar as separate processes (no Quarkus test
 * resource): one in-process KRaft broker on a free loopback port with the application's topics already created,
 * with the partition counts of {@link KafkaBrokerResource}.
 */
public final class TestKafka {

    private TestKafka() {
    }

    public static EmbeddedKafkaBroker start() {
        return start(Map.of());
    }

    /** With broker settings in place of the in-process broker's own (see {@link EmbeddedKafkaBroker}). */
    public static EmbeddedKafkaBroker start(Map<String, String> brokerSettings) {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, brokerSettings);
        try {
            Map<String, Integer> topics = new LinkedHashMap<>();
            topics.put(KafkaBrokerResource.PRICES_TOPIC, 3);
            topics.put(KafkaBrokerResource.NEWS_TOPIC, 3);
            topics.put(KafkaBrokerResource.DLQ_TOPIC, 1);
            broker.createTopics(topics);
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }
}
