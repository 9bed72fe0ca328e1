package io.marketstream.stream;

import io.marketstream.event.EventId;
import io.marketstream.event.MarketEvent;

/**
 * A live event as the hub fans it out: the event, this pod's cursor after it, and the SSE bytes encoded once for
 * every subscriber.
 */
record LiveFrame(MarketEvent event, EventId cursor, byte[] bytes) {
}
