package io.marketstream.replay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.marketstream.event.Channel;
import io.marketstream.event.MarketEvent;
import io.marketstream.event.MarketEvent.Topic;
import io.marketstream.event.Partition;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * History in Redis, shared by all pods. Each channel has a stream of events and a hash of per-partition
 * bookkeeping (last offset appended, trim floor), hash-tagged by channel so both sit in one Redis Cluster slot and
 * one Lua script can append, trim and expire them atomically. The writer's progress is kept under the tag
 * {@code {meta}}.
 */
public class RedisReplayStore implements ReplayStore {

    private static final RedisScript APPEND = RedisScript.load("append.lua");
    private static final RedisScript WRITTEN = RedisScript.load("written.lua");
    private static final RedisScript CHECKPOINT = RedisScript.load("checkpoint.lua");
    private static final RedisScript AGED = RedisScript.load("aged.lua");
    private static final RedisScript PROGRESS = RedisScript.load("progress.lua");
    private static final RedisScript FLOORS = RedisScript.load("floors.lua");
    /** Keys of an idle channel outlive its newest event by this much, so the checkpoints always cover them. */
    private static final long EXPIRY_SLACK_MILLIS = 10_000;
    private static final int PAGE = 100;

    private final ReactiveRedisDataSource redis;
    private final String prefix;
    private final long maxAgeMillis;
    /** The first arguments of every append: max events, max age, expiry. */
    private final List<String> appendBounds;

    public RedisReplayStore(ReactiveRedisDataSource redis, String prefix, int maxEvents, long maxAgeMillis) {
        this.redis = redis;
        this.prefix = prefix;
        this.maxAgeMillis = maxAgeMillis;
        this.appendBounds = List.of(Integer.toString(maxEvents), Long.toString(maxAgeMillis),
                Long.toString(maxAgeMillis + EXPIRY_SLACK_MILLIS));
    }

    @Override
    public Uni<Void> begin(Partition partition, long offset) {
        return redis.execute("HSETNX", metaKey("coverage"), partition.key(), Long.toString(offset)).replaceWithVoid();
    }

    /**
     * One script call per channel, with all of its events, the channels at once. Each call waits for the others
     * before the result is known, so a retry never overlaps a call of the failed attempt.
     */
    @Override
    public Uni<Void> append(List<MarketEvent> events) {
        Map<Channel, List<String>> argsByChannel = new LinkedHashMap<>();
        for (MarketEvent event : events) {
            for (Channel channel : event.channels()) {
                List<String> args = argsByChannel.computeIfAbsent(channel, c -> new ArrayList<>(appendBounds));
                args.add(topicName(event.topic()));
                args.add(Integer.toString(event.partition()));
                args.add(Long.toString(event.offset()));
                args.add(event.json());
            }
        }
        if (argsByChannel.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Uni<Response>> calls = new ArrayList<>(argsByChannel.size());
        argsByChannel.forEach((channel, args) -> calls.add(APPEND.run(redis,
                List.of(channelKey(channel, "log"), channelKey(channel, "meta")), args)));
        return Uni.join().all(calls).andCollectFailures().replaceWithVoid();
    }

    @Override
    public Uni<Void> written(Partition partition, long position) {
        return WRITTEN.run(redis, List.of(metaKey("written")), List.of(partition.key(), Long.toString(position)))
                .replaceWithVoid();
    }

    @Override
    public Uni<Void> checkpoint(Map<Partition, Long> positions) {
        return Multi.createFrom().iterable(positions.entrySet())
                .onItem().transformToUniAndConcatenate(entry -> CHECKPOINT.run(redis,
                        List.of(metaKey("coverage"), metaKey("written"), metaKey("age:" + entry.getKey().key())),
                        List.of(entry.getKey().key(), Long.toString(entry.getValue()), Long.toString(maxAgeMillis))))
                .collect().last()
                .replaceWithVoid();
    }

    @Override
    public Uni<Progress> progress() {
        return PROGRESS.run(redis, List.of(metaKey("coverage"), metaKey("written")), List.of())
                .chain(response -> {
                    Map<Partition, Long> coverage = pairs(response.get(0));
                    Map<Partition, Long> written = pairs(response.get(1));
                    if (written.isEmpty()) {
                        return Uni.createFrom().item(new Progress(coverage, written, Map.of()));
                    }
                    List<Partition> partitions = List.copyOf(written.keySet());
                    List<String> ageKeys = partitions.stream().map(p -> metaKey("age:" + p.key())).toList();
                    return AGED.run(redis, ageKeys, List.of(Long.toString(maxAgeMillis))).map(positions -> {
                        Map<Partition, Long> aged = new HashMap<>();
                        for (int i = 0; i < partitions.size(); i++) {
                            Response position = positions.get(i);
                            if (position != null) {
                                aged.put(partitions.get(i), Long.parseLong(position.toString()));
                            }
                        }
                        return new Progress(coverage, written, aged);
                    });
                });
    }

    @Override
    public Uni<ChannelHistory> read(Channel channel, Map<Partition, Long> from) {
        // Events first, floors after: a trim that races with this read then shows in the floors.
        return readBackwards(channel, from, "+", new ArrayList<>())
                .chain(events -> FLOORS.run(redis, List.of(channelKey(channel, "meta")), List.of())
                        .map(floors -> new ChannelHistory(oldestFirst(events), pairs(floors))));
    }

    @Override
    public Uni<Optional<StoredEvent>> latestBefore(Channel channel, Map<Partition, Long> limit) {
        return latestBefore(channel, limit, "+");
    }

    private Uni<Optional<StoredEvent>> latestBefore(Channel channel, Map<Partition, Long> limit, String end) {
        return redis.execute("XREVRANGE", channelKey(channel, "log"), end, "-", "COUNT", Integer.toString(PAGE))
                .chain(page -> {
                    List<String> ids = new ArrayList<>();
                    List<StoredEvent> entries = entries(page, ids);
                    Optional<StoredEvent> found = entries.stream()
                            .filter(e -> e.offset() < limit.getOrDefault(e.partition(), Long.MAX_VALUE))
                            .findFirst();
                    if (found.isPresent() || entries.size() < PAGE) {
                        return Uni.createFrom().item(found);
                    }
                    return latestBefore(channel, limit, "(" + ids.get(ids.size() - 1));
                });
    }

    private static List<StoredEvent> oldestFirst(List<StoredEvent> newestFirst) {
        List<StoredEvent> events = new ArrayList<>(newestFirst);
        java.util.Collections.reverse(events);
        return events;
    }

    /**
     * Pages from the newest event back to the oldest. It cannot stop at the first event below a partition's start:
     * an older event of another partition may still be after that partition's start, when pods were not in step.
     * The read is bounded by the channel's max events.
     */
    private Uni<List<StoredEvent>> readBackwards(Channel channel, Map<Partition, Long> from, String end,
            List<StoredEvent> newestFirst) {
        return redis.execute("XREVRANGE", channelKey(channel, "log"), end, "-", "COUNT", Integer.toString(PAGE))
                .chain(page -> {
                    List<String> ids = new ArrayList<>();
                    List<StoredEvent> entries = entries(page, ids);
                    for (StoredEvent event : entries) {
                        if (event.offset() >= from.getOrDefault(event.partition(), 0L)) {
                            newestFirst.add(event);
                        }
                    }
                    if (entries.size() < PAGE) {
                        return Uni.createFrom().item(newestFirst);
                    }
                    return readBackwards(channel, from, "(" + ids.get(ids.size() - 1), newestFirst);
                });
    }

    private static List<StoredEvent> entries(Response page, List<String> ids) {
        List<StoredEvent> events = new ArrayList<>();
        if (page == null) {
            return events;
        }
        for (Response entry : page) {
            String id = entry.get(0).toString();
            Map<String, String> fields = new HashMap<>();
            Response flat = entry.get(1);
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                fields.put(flat.get(i).toString(), flat.get(i + 1).toString());
            }
            Partition partition = new Partition(Topic.valueOf(fields.get("t").toUpperCase(Locale.ROOT)),
                    Integer.parseInt(fields.get("p")));
            long writtenAt = Long.parseLong(id.substring(0, id.indexOf('-')));
            events.add(new StoredEvent(partition, Long.parseLong(fields.get("o")), fields.get("d"), writtenAt));
            ids.add(id);
        }
        return events;
    }

    private static Map<Partition, Long> pairs(Response flat) {
        Map<Partition, Long> values = new HashMap<>();
        if (flat == null) {
            return values;
        }
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            values.put(partition(flat.get(i).toString()), Long.parseLong(flat.get(i + 1).toString()));
        }
        return values;
    }

    private static Partition partition(String key) {
        int colon = key.indexOf(':');
        return new Partition(Topic.valueOf(key.substring(0, colon).toUpperCase(Locale.ROOT)),
                Integer.parseInt(key.substring(colon + 1)));
    }

    private static String topicName(Topic topic) {
        return topic.name().toLowerCase(Locale.ROOT);
    }

    private String channelKey(Channel channel, String kind) {
        return prefix + ":{" + channel.name() + "}:" + kind;
    }

    private String metaKey(String kind) {
        return prefix + ":{meta}:" + kind;
    }
}
