package io.marketstream.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.marketstream.config.StreamConfig;
import io.marketstream.event.Channel;
import io.marketstream.event.EventId;
import io.marketstream.event.MarketEvent.Topic;
import io.marketstream.event.Partition;
import io.marketstream.event.SseFrames;
import io.marketstream.replay.ChannelHistory;
import io.marketstream.replay.Coverage;
import io.marketstream.replay.KafkaOrder;
import io.marketstream.replay.Progress;
import io.marketstream.replay.ReplayConfig;
import io.marketstream.replay.ReplayStore;
import io.marketstream.replay.ResetReason;
import io.marketstream.replay.StoredEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Decides what a stream sends before it goes live. A fresh stream gets the latest price of each symbol it watches.
 * A stream that resumes from an id gets every event of its channels after that id and before the point where its
 * live delivery starts, read from history; where that cannot be exact, a {@code reset} event for the channels
 * concerned, then their snapshot. See {@code docs/reconnection.md}.
 */
@ApplicationScoped
public class Openings {

    private static final Logger LOG = Logger.getLogger(Openings.class);
    private static final Duration CATCH_UP_POLL = Duration.ofMillis(50);

    private final ReplayStore store;
    private final Hub hub;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;
    private final Duration retry;
    private final Duration catchUpTimeout;
    /** The writer's progress, read at most once per poll interval however many resumes wait on it. */
    private final Uni<Progress> polledProgress;
    /** The history's progress read after the caller's history read, one read for all resumes that wait at once. */
    private final FreshRead<Progress> freshProgress;

    public Openings(ReplayStore store, Hub hub, ObjectMapper mapper, MeterRegistry registry, StreamConfig stream,
            ReplayConfig replay) {
        this.store = store;
        this.hub = hub;
        this.mapper = mapper;
        this.registry = registry;
        this.retry = stream.retry();
        this.catchUpTimeout = replay.catchUpTimeout();
        this.polledProgress = Uni.createFrom().deferred(store::progress).memoize().atLeast(CATCH_UP_POLL);
        this.freshProgress = new FreshRead<>(store::progress);
    }

    /** @param lastEventId the id the client resumes from, or null for a fresh stream */
    Uni<Opening> open(Set<Channel> channels, String lastEventId, Registration registration) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return fresh(channels, registration, Map.of());
        }
        Optional<EventId> from = EventId.parse(lastEventId.trim(), hub.namespace());
        if (from.isEmpty()) {
            ResetReason reason = lastEventId.matches("[A-Za-z0-9_-]{1,32}:.*") ? ResetReason.OTHER_DEPLOYMENT
                    : ResetReason.MALFORMED_ID;
            return fresh(channels, registration, Map.of(reason, channels));
        }
        return resume(channels, from.get(), registration).onFailure().recoverWithUni(failure -> {
            LOG.warnf("History unavailable for a resume, sending reset: %s", failure.toString());
            return fresh(channels, registration, Map.of(ResetReason.HISTORY_UNAVAILABLE, channels));
        });
    }

    private Uni<Opening> fresh(Set<Channel> channels, Registration registration,
            Map<ResetReason, Set<Channel>> resets) {
        EventId at = registration.cursor();
        count(resets);
        List<byte[]> frames = new ArrayList<>();
        frames.add(SseFrames.opening(retry, at.format()));
        resets.forEach((reason, reset) -> frames.add(resetFrame(at, reason, reset)));
        return snapshots(channels, registration, at).map(snapshots -> {
            frames.addAll(snapshots);
            return new Opening(frames, null);
        });
    }

    private Uni<Opening> resume(Set<Channel> channels, EventId from, Registration registration) {
        EventId live = registration.cursor();
        Map<Partition, Long> gaps = new HashMap<>();
        for (Channel channel : channels) {
            for (Partition partition : partitions(channel.topic(), from, live)) {
                long client = from.position(partition);
                long here = live.position(partition);
                if (client != EventId.UNKNOWN && here != EventId.UNKNOWN && client < here) {
                    gaps.put(partition, here);
                }
            }
        }
        long deadline = System.nanoTime() + catchUpTimeout.toNanos();
        Uni<Progress> caughtUp = gaps.isEmpty() ? Uni.createFrom().item(new Progress(Map.of(), Map.of(), Map.of()))
                : awaitWritten(gaps, deadline);
        return caughtUp.chain(writer -> readAll(channels, from.positions())
                .chain(histories -> freshProgress.get()
                        .chain(progress -> assemble(channels, from, registration, writer, progress, histories))));
    }

    private Uni<Opening> assemble(Set<Channel> channels, EventId from, Registration registration, Progress writer,
            Progress progress, Map<Channel, ChannelHistory> histories) {
        EventId live = registration.cursor();
        Map<ResetReason, Set<Channel>> resets = new EnumMap<>(ResetReason.class);
        Map<String, StoredEvent> replay = new LinkedHashMap<>();
        for (Channel channel : channels) {
            ResetReason reason = null;
            for (Partition partition : partitions(channel.topic(), from, live)) {
                reason = reason != null ? reason
                        : Coverage.gap(partition, from, live, writer, progress, histories.get(channel));
            }
            if (reason != null) {
                resets.computeIfAbsent(reason, r -> new LinkedHashSet<>()).add(channel);
                continue;
            }
            for (StoredEvent event : histories.get(channel).events()) {
                if (event.offset() < live.position(event.partition())) {
                    replay.putIfAbsent(event.partition().key() + '@' + event.offset(), event);
                }
            }
        }
        count(resets);
        List<byte[]> frames = new ArrayList<>();
        frames.add(SseFrames.opening(retry, from.format()));
        resets.forEach((reason, reset) -> frames.add(resetFrame(from, reason, reset)));
        Set<Channel> snapshotChannels = new LinkedHashSet<>();
        resets.values().forEach(snapshotChannels::addAll);
        return snapshots(snapshotChannels, registration, from).map(snapshots -> {
            frames.addAll(snapshots);
            EventId cursor = from;
            for (StoredEvent event : KafkaOrder.of(replay.values())) {
                cursor = cursor.with(event.partition(), event.offset() + 1);
                frames.add(SseFrames.event(cursor.format(), event.partition().topic().eventName(), event.json()));
            }
            return new Opening(frames, cursor);
        });
    }

    /** Polls the writer's progress until it has handled every partition up to this pod's live position. */
    private Uni<Progress> awaitWritten(Map<Partition, Long> targets, long deadline) {
        return polledProgress.chain(progress -> {
            boolean done = targets.entrySet().stream().allMatch(t -> progress.written(t.getKey()) >= t.getValue());
            if (done || System.nanoTime() > deadline) {
                return Uni.createFrom().item(progress);
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(CATCH_UP_POLL)
                    .chain(() -> awaitWritten(targets, deadline));
        });
    }

    private Uni<Map<Channel, ChannelHistory>> readAll(Set<Channel> channels, Map<Partition, Long> from) {
        return Multi.createFrom().iterable(channels)
                .onItem().transformToUniAndConcatenate(channel -> store.read(channel, from)
                        .map(history -> Map.entry(channel, history)))
                .collect().asMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    /** The latest price of each price channel, from this pod's memory or else from history. */
    private Uni<List<byte[]>> snapshots(Set<Channel> channels, Registration registration, EventId id) {
        return Multi.createFrom().iterable(channels)
                .filter(channel -> channel.priceSymbol() != null)
                .onItem().transformToUniAndConcatenate(channel -> {
                    var known = registration.latestPrices().get(channel);
                    if (known != null) {
                        return Uni.createFrom().item(Optional.of(known.json()));
                    }
                    return store.latestBefore(channel, registration.cursor().positions())
                            .map(stored -> stored.map(StoredEvent::json))
                            .onFailure().recoverWithItem(Optional.empty());
                })
                .filter(Optional::isPresent)
                .map(json -> SseFrames.event(id.format(), Topic.PRICES.eventName(), json.get()))
                .collect().asList();
    }

    private byte[] resetFrame(EventId id, ResetReason reason, Set<Channel> channels) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reason", reason.code());
        data.put("channels", channels.stream().map(Channel::name).toList());
        try {
            return SseFrames.event(id.format(), "reset", mapper.writeValueAsString(data));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<Partition> partitions(Topic topic, EventId from, EventId live) {
        Set<Partition> all = new HashSet<>();
        from.positions().keySet().stream().filter(p -> p.topic() == topic).forEach(all::add);
        live.positions().keySet().stream().filter(p -> p.topic() == topic).forEach(all::add);
        return all;
    }

    private void count(Map<ResetReason, Set<Channel>> resets) {
        resets.forEach((reason, reset) -> registry.counter("market.stream.resets", "reason", reason.code())
                .increment(reset.size()));
    }
}
