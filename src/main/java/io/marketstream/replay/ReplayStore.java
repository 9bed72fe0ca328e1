package io.marketstream.replay;

import java.util.Map;
import java.util.Optional;

import io.marketstream.event.Channel;
import io.marketstream.event.MarketEvent;
import io.marketstream.event.Partition;
import io.smallrye.mutiny.Uni;

/**
 * The recent events of every channel, shared by all pods, so a client can resume on any pod.
 *
 * <p>The history writer (one consumer group for all pods) calls, for each record in partition order:
 * {@link #begin}, then {@link #append} if the record is an event, then {@link #written}. That order is what lets a
 * reader tell "complete" from "lost": coverage is claimed before data is written, progress only after.
 */
public interface ReplayStore {

    /** Claims that history of the partition is complete from this offset on, unless an earlier claim stands. */
    Uni<Void> begin(Partition partition, long offset);

    /**
     * Appends the event to the history of each of its channels, trimming each to its count and age bounds.
     * A record already appended is skipped, so a redelivered record is stored once.
     */
    Uni<Void> append(MarketEvent event);

    /** Records that every record of the partition below {@code position} has been handled. Never moves back. */
    Uni<Void> written(Partition partition, long position);

    /**
     * Called about once a second with the writer's positions (every record below them handled): raises
     * {@link #written} to them, re-claims coverage where it was lost (an emptied store), and records them over
     * time, from which {@link Progress#aged} is derived.
     */
    Uni<Void> checkpoint(Map<Partition, Long> positions);

    Uni<Progress> progress();

    /** The events of a channel at or after the given position of each partition (0 where absent), and its floors. */
    Uni<ChannelHistory> read(Channel channel, Map<Partition, Long> from);

    /** The newest event of a channel below the given position of its partition. */
    Uni<Optional<StoredEvent>> latestBefore(Channel channel, Map<Partition, Long> limit);
}
