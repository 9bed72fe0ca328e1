package io.marketstream.stream;

import io.marketstream.event.EventId;
import io.marketstream.event.MarketEvent;
import io.marketstream.event.SseFrames;

/** A live event as the hub fans it out: the event, this pod's cursor after it, and its frame, encoded once. */
record LiveFrame(MarketEvent event, EventId cursor, WireFrame wire) {

    static LiveFrame of(MarketEvent event, EventId cursor) {
        return new LiveFrame(event, cursor, encode(event, cursor));
    }

    /** The event's frame under the given id. */
    static WireFrame encode(MarketEvent event, EventId cursor) {
        return WireFrame.of(SseFrames.event(cursor.format(), event.topic().eventName(), event.json()));
    }
}
