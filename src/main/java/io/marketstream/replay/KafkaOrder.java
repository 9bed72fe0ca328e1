package io.marketstream.replay;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeSet;

import io.marketstream.event.Partition;

/**
 * The order of a replay. Within a partition it is Kafka's, which is what a client may rely on; across partitions it
 * follows when history received the events, so a replay reads as the live stream did.
 */
public final class KafkaOrder {

    private KafkaOrder() {
    }

    /** The events in Kafka order within each partition, partitions interleaved by when they were written. */
    public static List<StoredEvent> of(Collection<StoredEvent> events) {
        Map<Partition, TreeSet<StoredEvent>> byPartition = new HashMap<>();
        for (StoredEvent event : events) {
            byPartition.computeIfAbsent(event.partition(),
                    p -> new TreeSet<>(Comparator.comparingLong(StoredEvent::offset))).add(event);
        }
        PriorityQueue<TreeSet<StoredEvent>> heads = new PriorityQueue<>(
                Comparator.comparingLong((TreeSet<StoredEvent> s) -> s.first().writtenAt())
                        .thenComparing(s -> s.first().partition().key()));
        heads.addAll(byPartition.values());
        List<StoredEvent> ordered = new ArrayList<>(events.size());
        while (!heads.isEmpty()) {
            TreeSet<StoredEvent> head = heads.poll();
            ordered.add(head.pollFirst());
            if (!head.isEmpty()) {
                heads.add(head);
            }
        }
        return ordered;
    }
}
