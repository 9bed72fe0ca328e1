package io.marketstream.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import io.marketstream.testing.KafkaBrokerResource;
import io.marketstream.testing.LiveService;
import io.marketstream.testing.SseClient;
import io.marketstream.testing.TestFeed;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A malformed record is skipped, counted, and sent to the dead-letter topic once; the stream goes on. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class DeadLetterTest {

    private static final Map<String, String> MALFORMED = Map.of(
            "not json", "this is not json",
            "missing price", "{\"symbol\":\"DLQA\",\"ts\":\"2026-11-21T14:30:00Z\"}",
            "bad symbol", "{\"symbol\":\"BAD SYMBOL!\",\"price\":1,\"ts\":\"2026-11-21T14:30:00Z\"}",
            "negative price", "{\"symbol\":\"DLQA\",\"price\":-1,\"ts\":\"2026-11-21T14:30:00Z\"}",
            "NaN price", "{\"symbol\":\"DLQA\",\"price\":NaN,\"ts\":\"2026-11-21T14:30:00Z\"}",
            "NaN string price", "{\"symbol\":\"DLQA\",\"price\":\"NaN\",\"ts\":\"2026-11-21T14:30:00Z\"}");

    @Test
    void malformedRecordsGoToDeadLetterTopicWhileStreamContinues() {
        LiveService.awaitReady();
        try (SseClient client = SseClient.open(LiveService.uri("/v1/stream?channels=prices.DLQA,news"));
                TestFeed feed = new TestFeed()) {
            await().until(() -> !client.frames().isEmpty());
            feed.price("DLQA", 1.0);
            MALFORMED.forEach((key, value) -> feed.send(TestFeed.PRICES, key, value));
            feed.send(TestFeed.NEWS, "news without headline", "{\"id\":\"n-x\",\"ts\":\"2026-11-21T14:30:00Z\"}");
            feed.price("DLQA", 2.0);

            await().until(() -> client.events().size() >= 2);
            assertThat(client.events()).extracting(SseClient.Frame::data)
                    .containsExactly(TestFeedJson.normalized(1.0), TestFeedJson.normalized(2.0));

            // The history writer handled the malformed records between the two prices (one poll, as a rule) and
            // stored the valid ones around them: a resume from the first replays the second, no reset.
            String firstId = client.events().get(0).id();
            try (SseClient resumed = SseClient.open(LiveService.uri("/v1/stream?channels=prices.DLQA&lastEventId="
                    + URLEncoder.encode(firstId, StandardCharsets.UTF_8)))) {
                resumed.awaitEvents(1);
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                        .until(() -> resumed.events().size() == 1);
                assertThat(resumed.events()).extracting(SseClient.Frame::event, SseClient.Frame::data)
                        .containsExactly(tuple("price", TestFeedJson.normalized(2.0)));
            }

            List<ConsumerRecord<String, String>> dead = readDeadLetters(MALFORMED.size() + 1);
            assertThat(dead).extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrderElementsOf(concat(MALFORMED.keySet(), "news without headline"));
            ConsumerRecord<String, String> notJson = dead.stream().filter(r -> r.key().equals("not json")).findFirst()
                    .orElseThrow();
            assertThat(notJson.value()).isEqualTo("this is not json");
            assertThat(header(notJson, Ledger.HEADER_REASON)).isEqualTo("not-json");
            assertThat(header(notJson, Ledger.HEADER_TOPIC)).isEqualTo(TestFeed.PRICES);
            assertThat(header(notJson, Ledger.HEADER_PARTITION)).matches("\\d+");
            assertThat(header(notJson, Ledger.HEADER_OFFSET)).matches("\\d+");
            assertThat(header(dead.stream().filter(r -> r.key().equals("negative price")).findFirst().orElseThrow(),
                    Ledger.HEADER_REASON)).isEqualTo("invalid-field");
        }
        // "this is not json" and a bare NaN (not valid JSON) are both counted as not-json.
        await().untilAsserted(() -> assertThat(given().get("/q/metrics").asString())
                .containsPattern("market_records_rejected_total\\{[^}]*path=\"ledger\"[^}]*reason=\"not-json\""
                        + "[^}]*topic=\"market.prices\"[^}]*\\} 2.0")
                .containsPattern("market_records_rejected_total\\{[^}]*path=\"live\"[^}]*reason=\"invalid-field\""));
    }

    private static List<ConsumerRecord<String, String>> readDeadLetters(int expected) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", KafkaBrokerResource.bootstrapServers(),
                "group.id", "dlq-reader-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TestFeed.DLQ));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
            // Once per record: nothing more arrives.
            consumer.poll(Duration.ofSeconds(1)).forEach(records::add);
        }
        return records;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static List<String> concat(java.util.Collection<String> keys, String more) {
        List<String> all = new ArrayList<>(keys);
        all.add(more);
        return all;
    }

    /** The JSON the service streams for the prices {@link TestFeed#price} publishes. */
    private static final class TestFeedJson {
        static String normalized(double price) {
            return "{\"symbol\":\"DLQA\",\"price\":" + price + ",\"currency\":\"USD\",\"bid\":" + price + ",\"ask\":"
                    + price + ",\"volume\":100,\"ts\":\"2026-11-21T14:30:00.125Z\"}";
        }
    }
}
