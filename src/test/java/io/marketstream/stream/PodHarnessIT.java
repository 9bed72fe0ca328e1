package io.marketstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.marketstream.dev.EmbeddedKafkaBroker;
import io.marketstream.testing.KafkaBrokerResource;
import io.marketstream.testing.Pod;
import io.marketstream.testing.Pods;
import io.marketstream.testing.SseClient;
import io.marketstream.testing.SseClient.Frame;
import io.marketstream.testing.TestFeed;

/**
 * The multi-pod harness on what exists today: two packaged-jar processes on one real broker each stream every event
 * (broadcast), and a SIGKILLed pod leaves the other streaming. Plain JUnit: the pods are the application.
 */
class PodHarnessIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SYMBOL = "HARN";
    private static final String STREAM = "/v1/stream/prices/" + SYMBOL;
    private static final int PRICE_PARTITIONS = 3;
    private static final Duration STARTUP = Duration.ofSeconds(120);

    private static EmbeddedKafkaBroker broker;
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(0);
        Map<String, Integer> topics = new LinkedHashMap<>();
        topics.put(KafkaBrokerResource.PRICES_TOPIC, PRICE_PARTITIONS);
        topics.put(KafkaBrokerResource.NEWS_TOPIC, 3);
        topics.put(KafkaBrokerResource.DLQ_TOPIC, 1);
        broker.createTopics(topics);
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers(), "linger.ms", 0,
                "acks", "all"), new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void stopBroker() {
        if (producer != null) {
            producer.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void everyPodStreamsEveryEventAndTheSurvivorKeepsStreamingAfterSigkill() throws Exception {
        long began = System.nanoTime();
        try (Pods pods = Pods.start(Map.of("kafka.bootstrap.servers", broker.bootstrapServers()), "a", "b")) {
            pods.awaitReady(STARTUP);
            System.out.println("[PodHarnessIT] pods ready:\n" + pods.startupReport());
            Pod a = pods.get("a");
            Pod b = pods.get("b");

            try (SseClient onA = SseClient.open(a.uri(STREAM)); SseClient onB = SseClient.open(b.uri(STREAM))) {
                awaitOpened(onA);
                awaitOpened(onB);

                List<Double> before = publish(1000, 30);
                awaitPrices(onA, before);
                awaitPrices(onB, before);
                // Ids are Kafka positions: pods that have seen the same records end on the same cursor.
                assertThat(last(onA).id()).isEqualTo(last(onB).id());

                long pidA = a.pid();
                a.kill();
                assertThat(a.alive()).isFalse();
                assertThat(ProcessHandle.of(pidA).filter(ProcessHandle::isAlive)).isEmpty();
                assertThat(a.exitValue()).as("128 + SIGKILL").isEqualTo(137);
                await("stream of the killed pod ends").atMost(Duration.ofSeconds(10)).until(onA::ended);

                List<Double> after = publish(2000, 30);
                List<Double> all = new ArrayList<>(before);
                all.addAll(after);
                awaitPrices(onB, all);
                assertThat(onB.ended()).isFalse();
                assertThat(b.alive()).isTrue();
                assertThat(pods.alive()).containsExactly(b);
            }
        } finally {
            System.out.printf("[PodHarnessIT] test took %d ms%n", (System.nanoTime() - began) / 1_000_000);
        }
    }

    /** Publishes {@code count} prices of the symbol, spread over every partition, and returns them. */
    private static List<Double> publish(int first, int count) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        List<Double> prices = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double price = first + i;
            prices.add(price);
            sent.add(producer.send(new ProducerRecord<>(KafkaBrokerResource.PRICES_TOPIC, i % PRICE_PARTITIONS,
                    SYMBOL, TestFeed.priceJson(SYMBOL, price))));
        }
        for (Future<RecordMetadata> result : sent) {
            try {
                result.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new AssertionError("Could not publish", e);
            }
        }
        return prices;
    }

    /** Waits until the client has as many price events as expected, then checks they are exactly those. */
    private static void awaitPrices(SseClient client, List<Double> expected) {
        await().atMost(Duration.ofSeconds(20)).until(() -> client.events().size() >= expected.size());
        assertThat(client.events()).extracting(Frame::event).containsOnly("price");
        assertThat(client.events()).extracting(PodHarnessIT::price).containsExactlyInAnyOrderElementsOf(expected);
    }

    private static double price(Frame frame) {
        try {
            return JSON.readTree(frame.data()).get("price").asDouble();
        } catch (Exception e) {
            throw new AssertionError("Not a price: " + frame.data(), e);
        }
    }

    private static Frame last(SseClient client) {
        List<Frame> events = client.events();
        return events.get(events.size() - 1);
    }

    /** The opening frame (retry and cursor) says the connection is registered in the pod's hub. */
    private static void awaitOpened(SseClient client) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !client.frames().isEmpty());
    }
}
