package io.marketstream.ingest;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.marketstream.event.MarketEvent;
import io.marketstream.event.Symbols;
import io.marketstream.stream.Hub;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The live path: every pod reads every partition of both topics (a consumer group of its own, from the latest
 * offsets) and hands each valid record to the {@link Hub}. A bad record is counted and skipped here; the shared
 * path ({@link Ledger}) sends it to the dead-letter topic once for all pods.
 */
@ApplicationScoped
public class LiveFeed {

    public static final String CHANNEL = "market-live";
    private static final Logger LOG = Logger.getLogger(LiveFeed.class);

    private final RecordDecoder decoder;
    private final Hub hub;
    private final MeterRegistry registry;

    public LiveFeed(RecordDecoder decoder, Hub hub, MeterRegistry registry) {
        this.decoder = decoder;
        this.hub = hub;
        this.registry = registry;
    }

    @Incoming(CHANNEL)
    public void consume(ConsumerRecords<String, byte[]> records) {
        List<MarketEvent> events = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
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
