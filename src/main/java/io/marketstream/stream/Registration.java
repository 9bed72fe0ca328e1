package io.marketstream.stream;

import java.util.Map;

import io.marketstream.event.Channel;
import io.marketstream.event.EventId;
import io.marketstream.event.MarketEvent;

/**
 * What a connection was registered against: this pod's cursor at that instant (live delivery starts right after
 * it) and the latest prices this pod knew then.
 */
record Registration(EventId cursor, Map<Channel, MarketEvent> latestPrices) {

    Registration {
        latestPrices = Map.copyOf(latestPrices);
    }
}
