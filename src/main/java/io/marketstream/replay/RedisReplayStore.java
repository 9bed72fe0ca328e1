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
    private static final RedisScript READ = RedisScript.load("read.lua");
    /** Keys of an idle channel outlive its newest event by this much, so the checkpoints always cover them. */
    private static final long EXPIRY_SLACK_MILLIS = 10_000;
    /**
     * Reads go back from the newest event a page at a time, the first small (a client that resumes has mostly missed
     * a few events), each next one {@code PAGE_GROWTH} times larger up to {@code MAX_PAGE}, so a long read takes few
     * steps. The same sizes for read.lua (passed to it) and {@link #latestBefore}.
     */
    private static final int FIRST_PAGE = 16;
    private static final int PAGE_GROWTH = 4;
    private static final int MAX_PAGE = 512;

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

    /**
     * One script call: it reads back from the newest event only as far as the oldest one the caller lacks, and sends
     * only the events at or after the caller's positions, with the floors, all at one instant (see read.lua). A resume
     * that missed a few events then costs one round trip and a few events' bytes, however long the history is.
     */
    @Override
    public Uni<ChannelHistory> read(Channel channel, Map<Partition, Long> from) {
        List<String> args = new ArrayList<>(3 + 2 * from.size());
        args.add(Integer.toString(FIRST_PAGE));
        args.add(Integer.toString(PAGE_GROWTH));
        args.add(Integer.toString(MAX_PAGE));
        from.forEach((partition, position) -> {
            args.add(partition.key());
            args.add(Long.toString(position));
        });
        return READ.run(redis, List.of(channelKey(channel, "log"), channelKey(channel, "meta")), args)
                .map(reply -> {
                    Response flat = reply.get(0);
                    List<StoredEvent> events = new ArrayList<>(flat.size() / 5);
                    for (int i = flat.size() - 5; i >= 0; i -= 5) {
                        events.add(storedEvent(flat.get(i).toString(), flat.get(i + 1).toString(),
                                flat.get(i + 2).toString(), flat.get(i + 3).toString(), flat.get(i + 4).toString()));
                    }
                    return new ChannelHistory(events, pairs(reply.get(1)));
                });
    }

    @Override
    public Uni<Optional<StoredEvent>> latestBefore(Channel channel, Map<Partition, Long> limit) {
        return latestBefore(channel, limit, "+", FIRST_PAGE);
    }

    private Uni<Optional<StoredEvent>> latestBefore(Channel channel, Map<Partition, Long> limit, String end,
            int count) {
        return page(channel, end, count).chain(page -> {
            Optional<StoredEvent> found = page.events().stream()
                    .filter(e -> e.offset() < limit.getOrDefault(e.partition(), Long.MAX_VALUE))
                    .findFirst();
            if (found.isPresent() || page.events().size() < count) {
                return Uni.createFrom().item(found);
            }
            return latestBefore(channel, limit, page.before(), nextPage(count));
        });
    }

    /** Up to {@code count} events of the channel's stream, newest first, from {@code end} back. */
    private Uni<Page> page(Channel channel, String end, int count) {
        return redis.execute("XREVRANGE", channelKey(channel, "log"), end, "-", "COUNT", Integer.toString(count))
                .map(RedisReplayStore::parse);
    }

    /** Events of a stream, newest first, and the stream id of the oldest (null when there is none). */
    private record Page(List<StoredEvent> events, String oldestId) {

        /** The end of the page after this one: just before its oldest event. */
        String before() {
            return "(" + oldestId;
        }
    }

    private static int nextPage(int count) {
        return Math.min(count * PAGE_GROWTH, MAX_PAGE);
    }

    private static Page parse(Response reply) {
        List<StoredEvent> events = new ArrayList<>(reply == null ? 0 : reply.size());
        String id = null;
        if (reply == null) {
            return new Page(events, id);
        }
        for (Response entry : reply) {
            id = entry.get(0).toString();
            Response fields = entry.get(1);
            String topic = null;
            String partition = null;
            String offset = null;
            String data = null;
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                String value = fields.get(i + 1).toString();
                switch (fields.get(i).toString()) {
                    case "t" -> topic = value;
                    case "p" -> partition = value;
                    case "o" -> offset = value;
                    case "d" -> data = value;
                    default -> {
                        // A field of a later version: not ours to read.
                    }
                }
            }
            events.add(storedEvent(id, topic, partition, offset, data));
        }
        return new Page(events, id);
    }

    /** An event from the fields append.lua gave it; its stream id tells when it was written. */
    private static StoredEvent storedEvent(String id, String topic, String partition, String offset, String data) {
        long writtenAt = Long.parseLong(id.substring(0, id.indexOf('-')));
        Partition at = new Partition(Topic.valueOf(topic.toUpperCase(Locale.ROOT)), Integer.parseInt(partition));
        return new StoredEvent(at, Long.parseLong(offset), data, writtenAt);
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
