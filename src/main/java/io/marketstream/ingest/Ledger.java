package io.marketstream.ingest;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.marketstream.event.Symbols;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * The shared path: one consumer group for all pods, so each record is handled once however many pods run. A record
 * that cannot be streamed goes to the dead-letter topic, with why and where it came from in its headers; its offset
 * is committed only once the dead-letter topic has it.
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

    private final RecordDecoder decoder;
    private final MutinyEmitter<byte[]> deadLetters;
    private final MeterRegistry registry;

    public Ledger(RecordDecoder decoder, @Channel(DLQ_CHANNEL) MutinyEmitter<byte[]> deadLetters,
            MeterRegistry registry) {
        this.decoder = decoder;
        this.deadLetters = deadLetters;
        this.registry = registry;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecord<String, byte[]> record) {
        Decoded decoded = decoder.decode(record.topic(), record.partition(), record.offset(), record.value());
        if (decoded instanceof Decoded.Rejected rejected) {
            return reject(record, rejected);
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> reject(ConsumerRecord<String, byte[]> record, Decoded.Rejected rejected) {
        LOG.warnf("Rejected record %s-%d@%d (%s): %s; sent to the dead-letter topic", record.topic(),
                record.partition(), record.offset(), rejected.reason(), Symbols.printable(rejected.detail()));
        registry.counter("market.records.rejected", "path", "ledger", "topic", record.topic(),
                "reason", rejected.reason()).increment();
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
        return deadLetters.sendMessage(Message.of(value).addMetadata(metadata));
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.remove(name);
        headers.add(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }
}
