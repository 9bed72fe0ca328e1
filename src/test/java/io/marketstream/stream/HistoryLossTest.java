package io.marketstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.marketstream.testing.KafkaBrokerResource;
import io.marketstream.testing.LiveService;
import io.marketstream.testing.RedisResource;
import io.marketstream.testing.ResumingClient;
import io.marketstream.testing.SseClient;
import io.marketstream.testing.SseClient.Frame;
import io.marketstream.testing.TestFeed;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * When history is lost or unreachable, a resume is told so with a reset, never given a silent gap; live streams
 * keep flowing; and once Redis is back, what Kafka delivered meanwhile is in history.
 */
@QuarkusTest
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
@WithTestResource(value = RedisResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class HistoryLossTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestFeed feed;

    @BeforeAll
    static void startFeed() {
        feed = new TestFeed();
    }

    @AfterAll
    static void stopFeed() {
        feed.close();
    }

    @BeforeEach
    void serviceIsLive() {
        LiveService.awaitReady();
    }

    @Test
    void resumeAfterRedisFlushGetsResetThenSnapshotThenLive() throws Exception {
        try (ResumingClient client = new ResumingClient("/v1/stream/prices/FLUSH").connect(LiveService::uri)) {
            feed.price("FLUSH", 1);
            client.awaitEvent(price(1));
            client.disconnect();
            feed.price("FLUSH", 2);
            feed.price("FLUSH", 3);
            awaitHistoryLength("prices.FLUSH", 3);

            RedisResource.server().flushAll();
            feed.price("FLUSH", 4);
            // The snapshot is the newest price this pod has: wait until that is 4, so the test knows which it is.
            await().until(() -> io.restassured.RestAssured.get("/v1/prices/FLUSH").asString()
                    .contains("\"price\":4.0"));

            client.connect(LiveService::uri);
            Frame reset = client.awaitEvent(f -> "reset".equals(f.event()));
            assertThat(JSON.readTree(reset.data()).get("reason").asText()).isEqualTo("history-lost");
            assertThat(JSON.readTree(reset.data()).get("channels").toString()).isEqualTo("[\"prices.FLUSH\"]");
            client.awaitEvent(price(4));
            feed.price("FLUSH", 5);
            client.awaitEvent(price(5));
            // 1 live, then reset, the snapshot (4) and live (5): 2 and 3 are gone from history and said to be.
            assertThat(client.events()).extracting(Frame::event).containsExactly("price", "reset", "price", "price");
        }
    }

    @Test
    void redisOutageKeepsLiveFlowingResetsResumesAndLosesNothing() throws Exception {
        String cursor;
        try (ResumingClient before = new ResumingClient("/v1/stream/prices/OUT").connect(LiveService::uri)) {
            feed.price("OUT", 1);
            before.awaitEvent(price(1));
            before.disconnect();
            cursor = before.lastEventId();
        }
        awaitHistoryLength("prices.OUT", 1);
        try (SseClient live = SseClient.open(LiveService.uri("/v1/stream/prices/OUT"))) {
            await().until(() -> !live.frames().isEmpty());
            RedisResource.server().stop();
            try {
                feed.price("OUT", 2);
                feed.price("OUT", 3);
                live.awaitEvent(price(3));

                try (SseClient resumed = SseClient.open(LiveService.uri("/v1/stream/prices/OUT"),
                        Map.of("Last-Event-ID", cursor))) {
                    assertThat(resumed.response().statusCode()).isEqualTo(200);
                    Frame reset = resumed.awaitEvent(f -> "reset".equals(f.event()));
                    assertThat(JSON.readTree(reset.data()).get("reason").asText()).isEqualTo("history-unavailable");
                    assertThat(resumed.awaitEvent(f -> "price".equals(f.event())).data()).contains("\"price\":3.0");
                }
            } finally {
                RedisResource.server().restart();
            }
            feed.price("OUT", 4);
            live.awaitEvent(price(4));
            assertThat(pricesOf(live.events())).containsExactly(1.0, 2.0, 3.0, 4.0);
        }

        // Redis came back empty; the writer retried, so the events of the outage are in history.
        awaitHistoryLength("prices.OUT", 3);
        try (SseClient resumed = SseClient.open(LiveService.uri("/v1/stream/prices/OUT"),
                Map.of("Last-Event-ID", cursor))) {
            resumed.awaitEvent(price(4));
            assertThat(resumed.events()).extracting(Frame::event).doesNotContain("reset");
            assertThat(pricesOf(resumed.events())).containsExactly(2.0, 3.0, 4.0);
        }
    }

    private static void awaitHistoryLength(String channel, int length) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                RedisResource.server().command("XLEN", "market-stream:{" + channel + "}:log"))
                .isEqualTo(Integer.toString(length)));
    }

    private static java.util.function.Predicate<Frame> price(double price) {
        return f -> "price".equals(f.event()) && f.data().contains("\"price\":" + price + ",");
    }

    private static List<Double> pricesOf(List<Frame> frames) {
        return frames.stream().filter(f -> "price".equals(f.event()))
                .map(f -> f.data().replaceAll(".*\"price\":([0-9.]+),.*", "$1")).map(Double::valueOf).toList();
    }
}
