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
}
