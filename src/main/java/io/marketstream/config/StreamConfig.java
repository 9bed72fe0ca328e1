package io.marketstream.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How events are streamed to clients. */
@ConfigMapping(prefix = "market.stream")
public interface StreamConfig {

    /** Reconnection delay sent to clients in the {@code retry:} field. */
    @WithDefault("3s")
    Duration retry();

    /**
     * Interval of the comment heartbeat that keeps proxies from closing an idle stream; a stream written to since
     * the last tick gets none, so no stream is silent for two intervals.
     */
    @WithDefault("15s")
    Duration heartbeat();

    /** Most channels one connection may subscribe to. */
    @WithDefault("100")
    int maxChannels();

    /** Bytes queued for a client that reads too slowly before its stream is closed (it then resumes). */
    @WithDefault("262144")
    int bufferSize();

    /**
     * On shutdown (SIGTERM), the time over which this pod closes its streams, spread evenly, so their clients do not
     * all reconnect to the other pods in the same second. The pod reports unready for the whole window.
     */
    @WithDefault("10s")
    Duration drainWindow();

    /** The {@code retry:} sent to a stream just before the drain closes it: how soon its client comes back. */
    @WithDefault("1s")
    Duration drainRetry();

    /**
     * Most deliveries an event loop writes in one go: a larger share of a batch (a hot channel while the pod is
     * behind) is written a slice at a time, with the loop's other work (new streams, heartbeats, health probes) run
     * between slices, rather than the loop being held for seconds.
     */
    @WithDefault("10000")
    int fanOutSlice();

    /**
     * Names the deployment in event ids, so an id from another deployment is recognised. Defaults to one derived
     * from the topic names; set it per Kafka cluster.
     */
    Optional<String> idNamespace();
}
