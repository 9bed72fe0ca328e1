package io.marketstream.stream;

import java.util.Arrays;

import io.marketstream.event.EventId;
import io.marketstream.event.MarketEvent.Topic;

/**
 * Where this pod's live delivery stands in each partition: the next offset it will deliver. Not thread-safe: the
 * {@link Hub} guards it.
 */
final class Positions {

    private long[] prices = new long[0];
    private long[] news = new long[0];

    /** Records the position of a partition, known from its assignment or from the event just delivered. */
    void set(Topic topic, int partition, long position) {
        long[] positions = grow(topic, partition);
        positions[partition] = position;
    }

    /** True once partitions of both topics have been assigned. */
    boolean assignedBothTopics() {
        return prices.length > 0 && news.length > 0;
    }

    EventId cursor(String namespace) {
        return new EventId(namespace, prices, news);
    }

    private long[] grow(Topic topic, int partition) {
        long[] current = topic == Topic.PRICES ? prices : news;
        if (partition < current.length) {
            return current;
        }
        long[] grown = Arrays.copyOf(current, partition + 1);
        Arrays.fill(grown, current.length, grown.length, EventId.UNKNOWN);
        if (topic == Topic.PRICES) {
            prices = grown;
        } else {
            news = grown;
        }
        return grown;
    }
}
