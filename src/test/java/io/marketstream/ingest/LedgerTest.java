package io.marketstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.marketstream.event.Channel;
import io.marketstream.event.MarketEvent;
import io.marketstream.event.MarketEvent.Topic;
import io.marketstream.event.Partition;
import io.marketstream.ingest.RecordDecoderTest.DefaultIngestConfig;
import io.marketstream.replay.ChannelHistory;
import io.marketstream.replay.Progress;
import io.marketstream.replay.ReplayStore;
import io.marketstream.replay.StoredEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * How the history writer turns one poll into store calls: per partition, coverage from the first record, the
 * events, the dead letters, then progress past the last record, each step retried; and which partitions' positions
 * it checkpoints. (That it works against Kafka and Redis is shown by DeadLetterTest, HistoryLossTest and the resume
 * tests.)
 */
class LedgerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PRICES = "market.prices";
    private static final String NEWS = "market.news";
    private static final Partition PRICES_0 = new Partition(Topic.PRICES, 0);
    private static final Partition PRICES_1 = new Partition(Topic.PRICES, 1);
    private static final Partition NEWS_2 = new Partition(Topic.NEWS, 2);

    private final RecordingStore store = new RecordingStore();
    private final List<Message<byte[]>> deadLetters = Collections.synchronizedList(new ArrayList<>());
    /** Without Vert.x: it only runs the checkpoint timer, which these tests do not start. */
    private final Ledger ledger = new Ledger(new RecordDecoder(new ObjectMapper().findAndRegisterModules(),
            new DefaultIngestConfig()), store, emitter(deadLetters), new SimpleMeterRegistry(),
            new DefaultIngestConfig(), null);

    @Test
    void eachPartitionOfAPollIsBegunAppendedAndWrittenOnceInThatOrder() {
        ledger.consume(poll(
                record(PRICES, 0, 10, price("AAPL")), record(PRICES, 0, 11, "not json"),
                record(PRICES, 0, 12, price("MSFT")),
                record(PRICES, 1, 40, "{}"), record(PRICES, 1, 41, null),
                record(NEWS, 2, 7, news("n-7", "AAPL"))))
                .await().atMost(WAIT);

        assertThat(store.calls(PRICES_0)).containsExactly("begin 10", "append 10,12", "written 13");
        assertThat(store.calls(PRICES_1)).as("a partition of rejected records only: its progress still moves")
                .containsExactly("begin 40", "written 42");
        assertThat(store.calls(NEWS_2)).containsExactly("begin 7", "append 7", "written 8");
        assertThat(deadLetters).extracting(LedgerTest::origin)
                .containsExactlyInAnyOrder("market.prices-0@11", "market.prices-1@40", "market.prices-1@41");
    }

    @Test
    void aFailedAppendIsRetriedAndProgressWaitsForIt() {
        store.appendFailures.set(2);

        ledger.consume(poll(record(PRICES, 0, 5, price("AAPL")), record(PRICES, 0, 6, price("AAPL"))))
                .await().atMost(WAIT);

        assertThat(store.calls(PRICES_0)).containsExactly("begin 5", "append 5,6 (failed)", "append 5,6 (failed)",
                "append 5,6", "written 7");
    }

    @Test
    void checkpointsThePartitionsItWritesOnceTheirPositionIsKnown() {
        ledger.assigned(PRICES_0, Ledger.NO_POSITION);
        ledger.assigned(PRICES_1, 40);

        ledger.checkpoint().await().atMost(WAIT);
        ledger.consume(poll(record(PRICES, 0, 10, price("AAPL")))).await().atMost(WAIT);
        ledger.checkpoint().await().atMost(WAIT);

        assertThat(store.checkpoints).as("a partition without a committed offset: from its first poll on")
                .containsExactly(Map.of(PRICES_1, 40L), Map.of(PRICES_0, 11L, PRICES_1, 40L));
    }

    @Test
    void aPollFinishedAfterItsPartitionWentElsewhereDoesNotBringItBack() throws Exception {
        ledger.assigned(PRICES_0, 10);
        ledger.assigned(PRICES_1, 40);
        store.holdAppends();

        CompletableFuture<Void> handled = ledger.consume(poll(record(PRICES, 0, 10, price("AAPL"))))
                .subscribeAsCompletionStage();
        ledger.revoked(PRICES_0);
        store.releaseAppends();
        handled.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        ledger.checkpoint().await().atMost(WAIT);

        assertThat(store.calls(PRICES_0)).as("the poll is still written to history")
                .containsExactly("begin 10", "append 10", "written 11");
        assertThat(store.checkpoints).as("the new owner reports the partition's progress, not this pod")
                .containsExactly(Map.of(PRICES_1, 40L));
    }

    @Test
    void anEmptyPollTouchesNothing() {
        ledger.consume(poll()).await().atMost(WAIT);

        assertThat(store.all).isEmpty();
        assertThat(deadLetters).isEmpty();
    }

    private static String origin(Message<byte[]> message) {
        OutgoingKafkaRecordMetadata<?> metadata = message.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
        return header(metadata, Ledger.HEADER_TOPIC) + "-" + header(metadata, Ledger.HEADER_PARTITION) + "@"
                + header(metadata, Ledger.HEADER_OFFSET);
    }

    private static String header(OutgoingKafkaRecordMetadata<?> metadata, String name) {
        return new String(metadata.getHeaders().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static String price(String symbol) {
        return "{\"symbol\":\"" + symbol + "\",\"price\":1.5,\"ts\":\"2026-11-21T14:30:00Z\"}";
    }

    private static String news(String id, String symbol) {
        return "{\"id\":\"" + id + "\",\"headline\":\"h\",\"symbols\":[\"" + symbol
                + "\"],\"ts\":\"2026-11-21T14:30:00Z\"}";
    }

    private static ConsumerRecord<String, byte[]> record(String topic, int partition, long offset, String value) {
        return new ConsumerRecord<>(topic, partition, offset, "key",
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    @SafeVarargs
    private static ConsumerRecords<String, byte[]> poll(ConsumerRecord<String, byte[]>... records) {
        Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> byPartition = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            byPartition.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), p -> new ArrayList<>())
                    .add(record);
        }
        return new ConsumerRecords<>(byPartition, Map.of());
    }

    /** The dead-letter channel: takes every message at once. */
    @SuppressWarnings("unchecked")
    private static MutinyEmitter<byte[]> emitter(List<Message<byte[]>> sent) {
        return (MutinyEmitter<byte[]>) Proxy.newProxyInstance(LedgerTest.class.getClassLoader(),
                new Class<?>[] {MutinyEmitter.class}, (proxy, method, args) -> {
                    if (method.getName().equals("sendMessage")) {
                        sent.add((Message<byte[]>) args[0]);
                        return Uni.createFrom().voidItem();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Records the writer's calls, per partition, fails as many appends as asked, and holds appends when asked. */
    private static final class RecordingStore implements ReplayStore {

        final List<Map.Entry<Partition, String>> all = Collections.synchronizedList(new ArrayList<>());
        final List<Map<Partition, Long>> checkpoints = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger appendFailures = new AtomicInteger();
        private volatile CompletableFuture<Void> appendsHeld = CompletableFuture.completedFuture(null);

        void holdAppends() {
            appendsHeld = new CompletableFuture<>();
        }

        void releaseAppends() {
            appendsHeld.complete(null);
        }

        List<String> calls(Partition partition) {
            synchronized (all) {
                return all.stream().filter(call -> call.getKey().equals(partition)).map(Map.Entry::getValue).toList();
            }
        }

        @Override
        public Uni<Void> begin(Partition partition, long offset) {
            all.add(Map.entry(partition, "begin " + offset));
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> append(List<MarketEvent> events) {
            if (events.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            Partition partition = Partition.of(events.get(0));
            assertThat(events).allMatch(event -> Partition.of(event).equals(partition));
            String offsets = String.join(",", events.stream().map(e -> Long.toString(e.offset())).toList());
            if (appendFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                all.add(Map.entry(partition, "append " + offsets + " (failed)"));
                return Uni.createFrom().failure(new IllegalStateException("Redis is down"));
            }
            return Uni.createFrom().completionStage(appendsHeld)
                    .invoke(() -> all.add(Map.entry(partition, "append " + offsets)));
        }

        @Override
        public Uni<Void> written(Partition partition, long position) {
            all.add(Map.entry(partition, "written " + position));
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Void> checkpoint(Map<Partition, Long> positions) {
            checkpoints.add(Map.copyOf(positions));
            return Uni.createFrom().voidItem();
        }

        @Override
        public Uni<Progress> progress() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Uni<ChannelHistory> read(Channel channel, Map<Partition, Long> from) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Uni<Optional<StoredEvent>> latestBefore(Channel channel, Map<Partition, Long> limit) {
            throw new UnsupportedOperationException();
        }
    }
}
