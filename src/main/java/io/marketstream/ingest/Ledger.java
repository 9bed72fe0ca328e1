package io.marketstream.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.marketstream.config.IngestConfig;
import io.marketstream.event.MarketEvent;
import io.marketstream.event.MarketEvent.Topic;
import io.marketstream.event.Partition;
import io.marketstream.event.Symbols;
import io.marketstream.replay.ReplayStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.core.Vertx;

/**
 * The shared path: one consumer group for all pods, so each record is handled once however many pods run. A valid
 * record is written to history; one that cannot be streamed goes to the dead-letter topic, with why and where it
 * came from in its headers. Each step is retried until it succeeds (a Redis outage stalls this path, not the live
 * one), and the offset is committed only after, so nothing is lost.
 *
 * <p>Records are handled a poll at a time, and a poll's offsets are committed once all of it is handled. A poll left
 * unfinished (the pod stops while Redis is down; a crash) is handled again by the next owner of its partitions:
 * history skips what it already holds, but a dead letter of that poll may be sent twice (its {@code dlq-topic},
 * {@code dlq-partition} and {@code dlq-offset} headers tell the copies apart from another record).
 */
@ApplicationScoped
public class Ledger {

    public static final String CHANNEL = "market-ledger";
    public static final String DLQ_CHANNEL = "market-dlq";
    public static final String HEADER_REASON = "dlq-reason";
    public static final String HEADER_DETAIL = "dlq-detail";
    public static final String HEADER_TOPIC = "dlq-topic";
    public static final String HEADER_PARTITION = "dlq-partition";
    public static final String HEADER_OFFSET = "dlq-offset";
    private static final Logger LOG = Logger.getLogger(Ledger.class);
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(1);
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    /** The position of a partition given without a committed offset, until its first poll is handled. */
    public static final long NO_POSITION = -1;

    private final RecordDecoder decoder;
    private final ReplayStore store;
    private final MutinyEmitter<byte[]> deadLetters;
    private final MeterRegistry registry;
    private final IngestConfig config;
    private final Vertx vertx;
    /**
     * The partitions this pod writes, each with the position below which every record has been handled
     * ({@link #NO_POSITION} until that is known). Only these are checkpointed.
     */
    private final Map<Partition, Long> owned = new ConcurrentHashMap<>();
    private long timer = -1;
    /** Set on shutdown: a failing write is no longer retried, so the consumer can close (another pod redoes it). */
    private volatile boolean stopping;

    public Ledger(RecordDecoder decoder, ReplayStore store, @Channel(DLQ_CHANNEL) MutinyEmitter<byte[]> deadLetters,
            MeterRegistry registry, IngestConfig config, Vertx vertx) {
        this.decoder = decoder;
        this.store = store;
        this.deadLetters = deadLetters;
        this.registry = registry;
        this.config = config;
        this.vertx = vertx;
    }

    /**
     * Handles one poll's records, the partitions at once. Per partition the run of records is handled as one:
     * coverage claimed from its first, its events appended to history (one call per channel, not per record) and
     * its invalid records sent to the dead-letter topic, then progress raised past its last.
     */
    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecords<String, byte[]> records) {
        List<Uni<Void>> partitions = new ArrayList<>(records.partitions().size());
        for (TopicPartition topicPartition : records.partitions()) {
            partitions.add(handle(partition(topicPartition.topic(), topicPartition.partition()),
                    records.records(topicPartition)));
        }
        if (partitions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(partitions).andCollectFailures().replaceWithVoid();
    }

    private Uni<Void> handle(Partition partition, List<ConsumerRecord<String, byte[]>> records) {
        long first = records.get(0).offset();
        long next = records.get(records.size() - 1).offset() + 1;
        List<MarketEvent> events = new ArrayList<>(records.size());
        List<Uni<Void>> rejections = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            Decoded decoded = decoder.decode(record.topic(), record.partition(), record.offset(), record.value());
            if (decoded instanceof Decoded.Accepted accepted) {
                events.add(accepted.event());
            } else {
                rejections.add(reject(record, (Decoded.Rejected) decoded));
            }
        }
        List<Uni<Void>> steps = new ArrayList<>(rejections.size() + 3);
        steps.add(retried(() -> store.begin(partition, first)));
        steps.add(retried(() -> store.append(events)));
        steps.addAll(rejections);
        steps.add(retried(() -> store.written(partition, next)));
        Uni<Void> inOrder = Uni.createFrom().voidItem();
        for (Uni<Void> step : steps) {
            inOrder = inOrder.chain(() -> step);
        }
        // A poll can finish after its partition went to another pod (a rebalance while Redis was slow or down): its
        // progress is still written, but the partition is no longer this pod's to checkpoint.
        return inOrder.invoke(() -> owned.computeIfPresent(partition, (key, known) -> Math.max(known, next)));
    }

    /**
     * Takes on a partition this pod has been given, starting at its committed offset (everything below has been
     * handled), or at {@link #NO_POSITION} when it has none.
     */
    public void assigned(Partition partition, long position) {
        owned.merge(partition, position, Math::max);
    }

    /** Forgets a partition given to another pod: its progress is that pod's to report now. */
    public void revoked(Partition partition) {
        owned.remove(partition);
    }

    void startCheckpoints(@Observes StartupEvent startup) {
        timer = vertx.setPeriodic(CHECKPOINT_INTERVAL.toMillis(), id -> checkpoint().subscribe().with(done -> {
        }, failure -> LOG.debugf("History checkpoint failed: %s", failure.toString())));
    }

    /** Records the position of every partition this pod writes whose position is known. */
    Uni<Void> checkpoint() {
        Map<Partition, Long> known = new HashMap<>();
        owned.forEach((partition, position) -> {
            if (position != NO_POSITION) {
                known.put(partition, position);
            }
        });
        return known.isEmpty() ? Uni.createFrom().voidItem() : store.checkpoint(known);
    }

    void stopCheckpoints(@Observes ShutdownEvent shutdown) {
        stopping = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    Partition partition(String topic, int number) {
        return new Partition(topic.equals(config.pricesTopic()) ? Topic.PRICES : Topic.NEWS, number);
    }

    /**
     * The step, retried with back-off until it succeeds. The retry machinery is built only once a step has failed:
     * built for every step it was most of what this path allocated per record (and so of the young collections).
     */
    private Uni<Void> retried(Supplier<Uni<Void>> step) {
        Uni<Void> attempt = Uni.createFrom().<Void> deferred(step::get)
                .onFailure().invoke(failure -> LOG.warnf("History write failed, retrying: %s", failure.toString()));
        return attempt.onFailure(failure -> !stopping).recoverWithUni(failure -> Uni.createFrom().voidItem()
                .onItem().delayIt().by(FIRST_RETRY)
                .chain(() -> attempt.onFailure(again -> !stopping).retry()
                        .withBackOff(FIRST_RETRY, Duration.ofSeconds(5)).indefinitely()));
    }

    /** Sends the record to the dead-letter topic, when subscribed to: in its turn among the steps of its poll. */
    private Uni<Void> reject(ConsumerRecord<String, byte[]> record, Decoded.Rejected rejected) {
        return Uni.createFrom().deferred(() -> {
            LOG.warnf("Rejected record %s-%d@%d (%s): %s; sent to the dead-letter topic", record.topic(),
                    record.partition(), record.offset(), rejected.reason(),
                    Symbols.printable(String.valueOf(rejected.detail())));
            registry.counter("market.records.rejected", "path", "ledger", "topic", record.topic(),
                    "reason", rejected.reason()).increment();
            return deadLetter(record, rejected);
        });
    }

    private Uni<Void> deadLetter(ConsumerRecord<String, byte[]> record, Decoded.Rejected rejected) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        header(headers, HEADER_REASON, rejected.reason());
        header(headers, HEADER_DETAIL, rejected.detail());
        header(headers, HEADER_TOPIC, record.topic());
        header(headers, HEADER_PARTITION, Integer.toString(record.partition()));
        header(headers, HEADER_OFFSET, Long.toString(record.offset()));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String> builder()
                .withKey(record.key())
                .withHeaders(headers)
                .build();
        byte[] value = record.value() == null ? new byte[0] : record.value();
        return retried(() -> deadLetters.sendMessage(Message.of(value).addMetadata(metadata)));
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.remove(name);
        headers.add(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }
}
