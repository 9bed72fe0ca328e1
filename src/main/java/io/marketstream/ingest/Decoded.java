package io.marketstream.ingest;

import io.marketstream.event.MarketEvent;

/** What a Kafka record turned out to be: an event to stream, or a record to reject. */
public sealed interface Decoded {

    record Accepted(MarketEvent event) implements Decoded {
    }

    /**
     * @param reason a short, stable code for metrics and the dead-letter header
     * @param detail what exactly is wrong, for the log and the dead-letter header
     */
    record Rejected(String reason, String detail) implements Decoded {
    }
}
