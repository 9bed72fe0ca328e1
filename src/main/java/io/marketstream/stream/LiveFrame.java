package io.marketstream.stream;

import io.marketstream.event.EventId;
import io.marketstream.event.MarketEvent;
import io.vertx.core.buffer.Buffer;

/**
 * A live event as the hub fans it out: the event, this pod's cursor after it, and the SSE frame encoded once; the
 * same buffer is written to every subscriber (Vert.x writes a duplicate of it each time).
 */
record LiveFrame(MarketEvent event, EventId cursor, Buffer bytes) {
}
