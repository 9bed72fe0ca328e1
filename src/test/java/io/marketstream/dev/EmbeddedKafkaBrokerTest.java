package io.marketstream.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerTest {

    private static final String TOPIC = "embedded.roundtrip";

    @Test
    void deliversProducedRecordsInOrderAndReleasesPortAndDataOnClose() throws Exception {
        long startedAt = System.nanoTime();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0);
        System.out.printf("Embedded Kafka broker started in %d ms%n", (System.nanoTime() - startedAt) / 1_000_000);
        String bootstrap = broker.bootstrapServers();
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        Path dataDir = broker.dataDir();
        assertTrue(Files.isDirectory(dataDir), "the broker keeps its data in a temporary directory");

        try (broker) {
            broker.createTopics(Map.of(TOPIC, 1));
            broker.createTopics(Map.of(TOPIC, 1)); // a second call is a no-op, not an error

            List<String> sent = IntStream.range(0, 10).mapToObj(i -> "record-" + i).toList();
            try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer())) {
                for (String value : sent) {
                    producer.send(new ProducerRecord<>(TOPIC, "key", value)).get();
                }
            }

            List<String> received = new ArrayList<>();
            try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "embedded-roundtrip",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(TOPIC));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (received.size() < sent.size() && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                        received.add(record.value());
                    }
                }
            }
            assertEquals(sent, received);
        }

        assertTrue(isFree(port), "the client port is released after close");
        assertFalse(Files.exists(dataDir), "the log directory is deleted after close");
    }

    private static boolean isFree(int port) {
        try (var socket = new ServerSocket(port, 0, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
