package io.marketstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.marketstream.testing.KafkaBrokerResource;
import io.marketstream.testing.LiveService;
import io.marketstream.testing.SseClient;
import io.marketstream.testing.TestFeed;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * An event loop writes a large share of a batch a slice at a time, the rest in tasks of their own, while the next
 * batches queue behind it. Here every slice is one delivery, and a burst arrives in large polls: each client still
 * gets every event once, in order.
 */
@QuarkusTest
@TestProfile(FanOutSliceTest.OneDeliveryPerSlice.class)
@WithTestResource(KafkaBrokerResource.class)
class FanOutSliceTest {

    private static final int CLIENTS = 6;
    private static final int EVENTS = 300;
    private static final Pattern PRICE = Pattern.compile("\"price\":([0-9.]+)");

    public static final class OneDeliveryPerSlice implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("market.stream.fan-out-slice", "1");
        }
    }

    @Test
    void slicedBatchesReachEveryClientOnceAndInOrder() {
        LiveService.awaitReady();
        List<SseClient> clients = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", KafkaBrokerResource.bootstrapServers(), "linger.ms", 20, "acks", "all"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(SseClient.open(LiveService.uri("/v1/stream/prices/SLICE")));
            }
            await().until(() -> clients.stream().allMatch(c -> !c.frames().isEmpty()));
            // Sent without waiting, with a linger: the records reach the pod in a few large polls.
            for (int i = 1; i <= EVENTS; i++) {
                producer.send(new ProducerRecord<>(TestFeed.PRICES, "SLICE", TestFeed.priceJson("SLICE", i)));
            }
            producer.flush();

            List<Double> expected = IntStream.rangeClosed(1, EVENTS).mapToObj(i -> (double) i).toList();
            for (SseClient client : clients) {
                await().atMost(Duration.ofSeconds(30)).until(() -> client.events().size() >= EVENTS);
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                        .until(() -> client.events().size() == EVENTS);
                assertThat(client.events()).extracting(SseClient.Frame::data).map(FanOutSliceTest::price)
                        .containsExactlyElementsOf(expected);
            }
        } finally {
            clients.forEach(SseClient::close);
        }
    }

    private static double price(String data) {
        Matcher matcher = PRICE.matcher(data);
        assertThat(matcher.find()).as("a price in %s", data).isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
