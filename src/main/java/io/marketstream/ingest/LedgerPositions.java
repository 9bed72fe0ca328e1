package io.marketstream.ingest;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Tells the ledger where it starts in each partition it is given, so history progress is known for partitions
 * that carry no records yet.
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
        for (TopicPartition partition : partitions) {
            ledger.assigned(ledger.partition(partition.topic(), partition.partition()), consumer.position(partition));
        }
    }
}
