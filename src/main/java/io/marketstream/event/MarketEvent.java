package io.marketstream.event;

import java.util.List;

/**
 * A valid Kafka record, ready to stream: where it sits in Kafka, the SSE event name, the channels it belongs to and
 * its data as JSON.
 *
 * @param topic which of the two topics the record came from
 * @param partition the Kafka partition
 * @param offset the Kafka offset
 * @param channels every channel the event belongs to
 * @param json the record's fields, normalised, as one line of JSON
 * @param priceSymbol the symbol of a price event, null for news
 */
public record MarketEvent(Topic topic, int partition, long offset, List<Channel> channels, String json,
        String priceSymbol) {

    /** The two input topics, and the SSE event name of each. */
    public enum Topic {
        PRICES("price"),
        NEWS("news");

        private final String eventName;

        Topic(String eventName) {
            this.eventName = eventName;
        }

        public String eventName() {
            return eventName;
        }
    }

    public MarketEvent {
        channels = List.copyOf(channels);
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException("partition and offset must not be negative");
        }
    }
}
