package io.marketstream.replay;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** History and resume. */
@ConfigMapping(prefix = "market.replay")
public interface ReplayConfig {

    /** Where history lives: {@code redis} (several pods), {@code memory} (one pod), or {@code auto}. */
    @WithDefault("auto")
    Kind store();

    /** Events kept per channel. */
    @WithDefault("1000")
    int maxEvents();

    /** How long an event is kept. */
    @WithDefault("1h")
    Duration maxAge();

    /** Prefix of every Redis key. */
    @WithDefault("market-stream")
    String keyPrefix();

    /**
     * How long a resume waits for the history writer to catch up with this pod before it gives up (reset). Longer
     * than the history consumer's session timeout, so a resume right after a pod crash still succeeds.
     */
    @WithDefault("30s")
    Duration catchUpTimeout();

    enum Kind {
        /** Redis when {@code quarkus.redis.hosts} is set, else memory. */
        AUTO,
        MEMORY,
        REDIS
    }
}
