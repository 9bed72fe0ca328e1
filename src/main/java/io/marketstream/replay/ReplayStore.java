package io.marketstream.replay;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.marketstream.event.Channel;
import io.marketstream.event.MarketEvent;
import io.marketstream.event.Partition;
import io.smallrye.mutiny.Uni;

/**
 * The recent events of every channel, shared by all pods, so a client can resume on any pod.
 *
 * <p>The history writer (one consumer group for all pods) calls, for each run of records of a partition, in
 * partition order: {@link #begin} with the first, then {@link #append} with its events, then {@link #written} past
 * the last. That order is what lets a reader tell "complete" from "lost": coverage is claimed before data is
 * written, progress only after.
 */
public interface ReplayStore {

    /** Claims that history of the partition is complete from this offset on, unless an earlier claim stands. */
    Uni<Void> begin(Partition partition, long offset);

    /**
     * Appends the events, in order, to the history of each of their channels, trimming each to its count and age
     * bounds. An event at or below one already appended of its partition is skipped, so a redelivered record is
     * stored once. A failed call may have appended some of them: calling it again with the same events completes it.
     */
    Uni<Void> append(List<MarketEvent> events);

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
