package io.marketstream.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The one-command run (dev profile): the in-process broker and the simulated feed. */
@ConfigMapping(prefix = "market.dev")
public interface DevConfig {

    /** Port of the in-process Kafka broker started when no {@code kafka.bootstrap.servers} is configured; 0 = any. */
    @WithDefault("9092")
    int kafkaPort();

    /** Partitions of the prices and news topics the in-process broker creates. */
    @WithDefault("3")
    int partitions();

    Simulator simulator();

    interface Simulator {

        /** Whether the simulated feed publishes to the in-process broker. */
        @WithDefault("true")
        boolean enabled();

        /** How many symbols the feed moves. */
        @WithDefault("50")
        int symbols();

        /** Price ticks per second, over all symbols. */
        @WithDefault("20")
        int ticksPerSecond();

        /** Time between two news items. */
        @WithDefault("4s")
        Duration newsInterval();
    }
}
