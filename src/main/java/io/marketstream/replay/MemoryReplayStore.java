package io.marketstream.replay;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import io.marketstream.event.Channel;
import io.marketstream.event.MarketEvent;
import io.marketstream.event.Partition;
import io.smallrye.mutiny.Uni;

/**
 * History in this process's memory: the single-pod default of the one-command run. Same rules as
 * {@link RedisReplayStore}; all of it is lost with the process, which readers then see as lost coverage.
 */
public class MemoryReplayStore implements ReplayStore {

    private final int maxEvents;
    private final long maxAgeMillis;
    private final LongSupplier clock;
    private final Map<Channel, Log> logs = new HashMap<>();
    private final Map<Partition, Long> coverage = new HashMap<>();
    private final Map<Partition, Long> written = new HashMap<>();
    private final Map<Partition, TreeMap<Long, Long>> checkpoints = new HashMap<>();

    public MemoryReplayStore(int maxEvents, long maxAgeMillis, LongSupplier clock) {
        this.maxEvents = maxEvents;
        this.maxAgeMillis = maxAgeMillis;
        this.clock = clock;
    }

    @Override
    public synchronized Uni<Void> begin(Partition partition, long offset) {
        coverage.putIfAbsent(partition, offset);
        return Uni.createFrom().voidItem();
    }

    @Override
    public synchronized Uni<Void> append(List<MarketEvent> events) {
        long now = clock.getAsLong();
        for (MarketEvent event : events) {
            Partition partition = Partition.of(event);
            for (Channel channel : event.channels()) {
                Log log = logs.computeIfAbsent(channel, c -> new Log());
                if (log.last.getOrDefault(partition, -1L) >= event.offset()) {
                    continue;
                }
                log.events.addLast(new StoredEvent(partition, event.offset(), event.json(), now));
                log.last.put(partition, event.offset());
                log.trim(now);
            }
        }
        return Uni.createFrom().voidItem();
    }

    @Override
    public synchronized Uni<Void> written(Partition partition, long position) {
        written.merge(partition, position, Math::max);
        return Uni.createFrom().voidItem();
    }

    @Override
    public synchronized Uni<Void> checkpoint(Map<Partition, Long> positions) {
        long now = clock.getAsLong();
        positions.forEach((partition, position) -> {
            coverage.putIfAbsent(partition, position);
            written.merge(partition, position, Math::max);
            TreeMap<Long, Long> times = checkpoints.computeIfAbsent(partition, p -> new TreeMap<>());
            times.put(now, position);
            // Keep the newest checkpoint of one max age ago: it is the age floor, however long the writer paused.
            Long floor = times.floorKey(now - maxAgeMillis);
            if (floor != null) {
                times.headMap(floor).clear();
            }
        });
        return Uni.createFrom().voidItem();
    }

    @Override
    public synchronized Uni<Progress> progress() {
        long cutoff = clock.getAsLong() - maxAgeMillis;
        Map<Partition, Long> aged = new HashMap<>();
        checkpoints.forEach((partition, times) -> {
            Map.Entry<Long, Long> before = times.floorEntry(cutoff);
            if (before != null) {
                aged.put(partition, before.getValue());
            }
        });
        return Uni.createFrom().item(new Progress(coverage, written, aged));
    }

    @Override
    public synchronized Uni<ChannelHistory> read(Channel channel, Map<Partition, Long> from) {
        Log log = logs.get(channel);
        if (log == null) {
            return Uni.createFrom().item(new ChannelHistory(List.of(), Map.of()));
        }
        log.trim(clock.getAsLong());
        List<StoredEvent> events = new ArrayList<>();
        for (StoredEvent event : log.events) {
            if (event.offset() >= from.getOrDefault(event.partition(), 0L)) {
                events.add(event);
            }
        }
        return Uni.createFrom().item(new ChannelHistory(events, log.floors));
    }

    @Override
    public synchronized Uni<Optional<StoredEvent>> latestBefore(Channel channel, Map<Partition, Long> limit) {
        Log log = logs.get(channel);
        if (log != null) {
            Iterator<StoredEvent> newestFirst = log.events.descendingIterator();
            while (newestFirst.hasNext()) {
                StoredEvent event = newestFirst.next();
                if (event.offset() < limit.getOrDefault(event.partition(), Long.MAX_VALUE)) {
                    return Uni.createFrom().item(Optional.of(event));
                }
            }
        }
        return Uni.createFrom().item(Optional.empty());
    }

    /** One channel's events, oldest first. */
    private final class Log {
        final ArrayDeque<StoredEvent> events = new ArrayDeque<>();
        final Map<Partition, Long> last = new HashMap<>();
        final Map<Partition, Long> floors = new HashMap<>();

        void trim(long now) {
            while (!events.isEmpty()
                    && (events.size() > maxEvents || events.peekFirst().writtenAt() < now - maxAgeMillis)) {
                StoredEvent dropped = events.removeFirst();
                floors.merge(dropped.partition(), dropped.offset() + 1, Math::max);
            }
        }
    }
}
