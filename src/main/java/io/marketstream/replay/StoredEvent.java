package io.marketstream.replay;

import io.marketstream.event.Partition;

/**
 * An event as history keeps it: where it sits in Kafka and its data.
 *
 * @param writtenAt when history received it, in epoch milliseconds (used to order a replay across partitions)
 */
public record StoredEvent(Partition partition, long offset, String json, long writtenAt) {
}
