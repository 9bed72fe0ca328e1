package io.marketstream.replay;

import java.util.List;
import java.util.Map;

import io.marketstream.event.Partition;

/**
 * What history holds of one channel.
 *
 * @param events the events read, oldest first within each partition
 * @param floors per partition, the position below which events of this channel may have been trimmed away
 */
public record ChannelHistory(List<StoredEvent> events, Map<Partition, Long> floors) {

    public ChannelHistory {
        events = List.copyOf(events);
        floors = Map.copyOf(floors);
    }

    public long floor(Partition partition) {
        return floors.getOrDefault(partition, 0L);
    }
}
