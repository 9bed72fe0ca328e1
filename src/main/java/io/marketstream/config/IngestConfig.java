package io.marketstream.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the market data comes from. */
@ConfigMapping(prefix = "market.ingest")
public interface IngestConfig {

    /** Topic of price ticks, keyed by symbol. */
    @WithDefault("market.prices")
    String pricesTopic();

    /** Topic of news items, keyed by news id. */
    @WithDefault("market.news")
    String newsTopic();

    /** Topic that receives every record that cannot be streamed, with the reason in its headers. */
    @WithDefault("market.dlq")
    String dlqTopic();

    /** Consumer group shared by all pods for the path that handles each record once (history, dead letters). */
    @WithDefault("market-stream-history")
    String historyGroup();

    /**
     * Group protocol of the pod's live consumer, which is in a group of its own, new at every start. {@code classic}
     * works with every broker, but the broker holds a new group's first assignment for its
     * {@code group.initial.rebalance.delay.ms} (3 s by default), and the pod is not ready until then.
     * {@code consumer} (KIP-848; brokers from Kafka 4.0 on) assigns at once. The history writer's shared group stays
     * classic: it needs its short session timeout, which the consumer protocol leaves to the broker.
     */
    @WithDefault("classic")
    String liveGroupProtocol();
}
