package io.marketstream.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.marketstream.event.MarketEvent;
import io.marketstream.event.Symbols;
import io.marketstream.stream.Hub;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.common.annotation.NonBlocking;

/**
 * The live path: every pod reads every partition of both topics (a consumer group of its own, from the latest
 * offsets) and hands each valid record to the {@link Hub}. A bad record is counted and skipped here; the shared
 * path ({@link Ledger}) sends it to the dead-letter topic once for all pods.
 */
@ApplicationScoped
public class LiveFeed {

    public static final String CHANNEL = "market-live";
    private static final Logger LOG = Logger.getLogger(LiveFeed.class);
    private static final Duration[] DELAY_BUCKETS = Stream.of(1, 2, 5, 10, 20, 50, 100, 250, 1000, 5000)
            .map(Duration::ofMillis).toArray(Duration[]::new);

    private final RecordDecoder decoder;
    private final Hub hub;
    private final MeterRegistry registry;
    private final Timer delay;

    public LiveFeed(RecordDecoder decoder, Hub hub, MeterRegistry registry) {
        this.decoder = decoder;
        this.hub = hub;
        this.registry = registry;
        this.delay = Timer.builder("market.live.delay")
                .description("Time from a record's Kafka timestamp (its producer's send, as a rule) to its fan-out on "
                        + "this pod: the Kafka hop and the pod's intake, to the millisecond")
                .serviceLevelObjectives(DELAY_BUCKETS)
                .register(registry);
    }

    /**
     * Called on the live consumer's event loop: Quarkus would call a method of this signature on a worker thread
     * unless it is marked non-blocking (it is: decoding and fan-out only), and the hub then writes that loop's share
     * of each poll at once rather than queueing it.
     */
    @Incoming(CHANNEL)
    @NonBlocking
    public void consume(ConsumerRecords<String, byte[]> records) {
        List<MarketEvent> events = new ArrayList<>(records.count());
        long now = System.currentTimeMillis();
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.timestamp() >= 0) {
                // A producer's clock ahead of this pod's would make it negative.
                delay.record(Math.max(0, now - record.timestamp()), TimeUnit.MILLISECONDS);
            }
            Decoded decoded = decoder.decode(record.topic(), record.partition(), record.offset(), record.value());
            if (decoded instanceof Decoded.Accepted accepted) {
                events.add(accepted.event());
            } else if (decoded instanceof Decoded.Rejected rejected) {
                registry.counter("market.records.rejected", "path", "live", "topic", record.topic(),
                        "reason", rejected.reason()).increment();
                LOG.debugf("Skipped %s-%d@%d: %s", record.topic(), record.partition(), record.offset(),
                        Symbols.printable(String.valueOf(rejected.detail())));
            }
        }
        hub.publish(events);
    }
}
