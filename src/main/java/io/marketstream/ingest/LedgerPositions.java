package io.marketstream.ingest;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Tells the ledger which partitions it writes, and where it starts in each, so history progress is known for
 * partitions that carry no records yet. Only a committed offset counts: every record below it has been handled.
 * Without one, the partition is read from its start and progress is known from its first record.
 */
@ApplicationScoped
@Identifier(LedgerPositions.NAME)
public class LedgerPositions implements KafkaConsumerRebalanceListener {

    public static final String NAME = "market-ledger-positions";

    private final Ledger ledger;

    public LedgerPositions(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            ledger.assigned(ledger.partition(partition.topic(), partition.partition()),
                    offset == null ? Ledger.NO_POSITION : offset.offset());
        }
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(p -> ledger.revoked(ledger.partition(p.topic(), p.partition())));
    }
}
