package io.marketstream.event;

import java.util.Locale;

import io.marketstream.event.MarketEvent.Topic;

/** One partition of one of the two input topics. */
public record Partition(Topic topic, int number) {

    public Partition {
        if (topic == null || number < 0) {
            throw new IllegalArgumentException("a partition needs a topic and a non-negative number");
        }
    }

    /** A short stable name, used in keys and fields: {@code prices:0}, {@code news:2}. */
    public String key() {
        return topic.name().toLowerCase(Locale.ROOT) + ':' + number;
    }

    public static Partition of(MarketEvent event) {
        return new Partition(event.topic(), event.partition());
    }
}
