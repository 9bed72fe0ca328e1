package io.marketstream.ingest;

import java.util.Collection;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.marketstream.config.IngestConfig;
import io.marketstream.event.MarketEvent.Topic;
import io.marketstream.stream.Hub;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * Tells the hub where the live consumer starts in each partition it is given, so that event ids name every
 * partition from the first event on, including partitions that have not delivered anything yet.
 */
@ApplicationScoped
@Identifier(LivePositions.NAME)
public class LivePositions implements KafkaConsumerRebalanceListener {

    public static final String NAME = "market-live-positions";

    private final Hub hub;
    private final IngestConfig config;

    public LivePositions(Hub hub, IngestConfig config) {
        this.hub = hub;
        this.config = config;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        for (TopicPartition partition : partitions) {
            Topic topic = partition.topic().equals(config.pricesTopic()) ? Topic.PRICES : Topic.NEWS;
            hub.assigned(topic, partition.partition(), consumer.position(partition));
        }
    }
}
