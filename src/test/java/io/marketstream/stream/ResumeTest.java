package io.marketstream.stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

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
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A client that reconnects with its last id gets exactly what it missed, from Redis history, then live. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(RedisResource.class)
class ResumeTest {

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
    void resumesOneChannelWithoutGapOrDuplicate() {
        try (ResumingClient client = new ResumingClient("/v1/stream/prices/RES1").connect(LiveService::uri)) {
            prices("RES1", 1, 3);
            client.awaitEvent(price(3));
            client.disconnect();
            prices("RES1", 4, 6);

            client.connect(LiveService::uri);
            prices("RES1", 7, 8);
            client.awaitEvent(price(8));
            assertThat(pricesOf(client.events())).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0);
            assertThat(client.events()).extracting(Frame::event).containsOnly("price");
        }
    }

    @Test
    void resumesMultiplexedChannelsSpreadOverPartitions() {
        String channels = "prices.MUXA,prices.MUXB,prices.MUXC,prices.MUXD,news.MUXA,news";
        try (ResumingClient client = new ResumingClient("/v1/stream?channels=" + channels).connect(LiveService::uri)) {
            publishRound(1);
            client.awaitEvent(f -> f.data().contains("\"id\":\"mux-1\""));
            client.disconnect();
            publishRound(2);
            publishRound(3);

            client.connect(LiveService::uri);
            publishRound(4);
            client.awaitEvent(f -> f.data().contains("\"id\":\"mux-4\""));
            client.disconnect();

            for (String symbol : List.of("MUXA", "MUXB", "MUXC", "MUXD")) {
                assertThat(pricesOf(client.events().stream().filter(f -> f.data().contains("\"" + symbol + "\""))
                        .filter(f -> "price".equals(f.event())).toList()))
                        .as(symbol).containsExactly(1.0, 2.0, 3.0, 4.0);
            }
            assertThat(client.events()).filteredOn(f -> "news".equals(f.event())).extracting(this::newsId)
                    .containsExactlyInAnyOrder("mux-1", "mux-2", "mux-3", "mux-4", "other-1", "other-2", "other-3",
                            "other-4");
        }
    }

    @Test
    void lastEventIdHeaderWinsOverQueryParameter() {
        String id;
        try (SseClient first = SseClient.open(LiveService.uri("/v1/stream/prices/HDR"))) {
            feed.price("HDR", 1);
            first.awaitEvent(price(1));
            id = first.events().get(first.events().size() - 1).id();
        }
        feed.price("HDR", 2);
        try (SseClient both = SseClient.open(LiveService.uri("/v1/stream/prices/HDR?lastEventId=garbage"),
                Map.of("Last-Event-ID", id));
                SseClient queryOnly = SseClient.open(LiveService.uri("/v1/stream/prices/HDR?lastEventId=" + id))) {
            assertThat(both.awaitEvent(price(2)).event()).isEqualTo("price");
            assertThat(queryOnly.awaitEvent(price(2)).event()).isEqualTo("price");
            assertThat(both.events()).extracting(Frame::event).doesNotContain("reset");
            assertThat(pricesOf(queryOnly.events())).containsExactly(2.0);
        }
    }

    @Test
    void malformedIdGetsResetThenSnapshotThenLive() throws Exception {
        feed.price("BADID", 10);
        await().until(() -> given().get("/v1/prices/BADID").statusCode() == 200);
        try (SseClient client = SseClient.open(LiveService.uri("/v1/stream/prices/BADID"),
                Map.of("Last-Event-ID", "not-an-id"))) {
            assertThat(client.response().statusCode()).isEqualTo(200);
            List<Frame> opening = client.awaitEvents(2);
            assertThat(opening.get(0).event()).isEqualTo("reset");
            assertThat(JSON.readTree(opening.get(0).data()).get("reason").asText()).isEqualTo("malformed-id");
            assertThat(JSON.readTree(opening.get(0).data()).get("channels").toString())
                    .isEqualTo("[\"prices.BADID\"]");
            assertThat(opening.get(1).event()).isEqualTo("price");
            assertThat(opening.get(1).data()).contains("\"price\":10.0");
            feed.price("BADID", 11);
            client.awaitEvent(price(11));
        }
    }

    @Test
    void idOfAnotherDeploymentGetsReset() throws Exception {
        try (SseClient client = SseClient.open(LiveService.uri("/v1/stream/news"),
                Map.of("Last-Event-ID", "elsewhere:1,2,3:4,5,6"))) {
            Frame reset = client.awaitEvent(f -> "reset".equals(f.event()));
            assertThat(JSON.readTree(reset.data()).get("reason").asText()).isEqualTo("other-deployment");
        }
    }

    @Test
    void idOlderThanTrimmedHistoryGetsReset() throws Exception {
        String id;
        try (ResumingClient client = new ResumingClient("/v1/stream/prices/TRIM").connect(LiveService::uri)) {
            feed.price("TRIM", 1);
            client.awaitEvent(price(1));
            client.disconnect();
            id = client.lastEventId();
        }
        // %test history keeps 50 events per channel.
        prices("TRIM", 2, 60);
        // The snapshot is the newest price this pod has: wait until that is 60, so the test knows which it is.
        await().until(() -> given().get("/v1/prices/TRIM").asString().contains("\"price\":60.0"));
        try (SseClient client = SseClient.open(LiveService.uri("/v1/stream/prices/TRIM"), Map.of("Last-Event-ID", id))) {
            Frame reset = client.awaitEvent(f -> "reset".equals(f.event()));
            assertThat(JSON.readTree(reset.data()).get("reason").asText()).isEqualTo("too-old");
            Frame snapshot = client.awaitEvent(f -> "price".equals(f.event()));
            assertThat(snapshot.data()).contains("\"price\":60.0");
        }
    }

    @Test
    void resumeWithNothingMissedSendsNoSnapshotAgain() {
        feed.price("SNAP", 1);
        await().until(() -> given().get("/v1/prices/SNAP").statusCode() == 200);
        try (ResumingClient client = new ResumingClient("/v1/stream/prices/SNAP").connect(LiveService::uri)) {
            client.awaitEvent(price(1));
            client.disconnect();
            client.connect(LiveService::uri);
            feed.price("SNAP", 2);
            client.awaitEvent(price(2));
            assertThat(pricesOf(client.events())).containsExactly(1.0, 2.0);
        }
    }

    @Test
    void eventsAreWrittenToRedisHistoryOncePerChannel() {
        prices("ONCE", 1, 5);
        await().untilAsserted(() -> assertThat(RedisResource.server().command("XLEN",
                "market-stream:{prices.ONCE}:log")).isEqualTo("5"));
    }

    private void publishRound(int round) {
        for (String symbol : List.of("MUXA", "MUXB", "MUXC", "MUXD")) {
            feed.price(symbol, round);
        }
        feed.news("mux-" + round, "Round " + round, "MUXA");
        feed.news("other-" + round, "Other " + round);
    }

    private static void prices(String symbol, int from, int to) {
        IntStream.rangeClosed(from, to).forEach(i -> feed.price(symbol, i));
    }

    private static java.util.function.Predicate<Frame> price(double price) {
        return f -> "price".equals(f.event()) && f.data().contains("\"price\":" + price + ",");
    }

    private static List<Double> pricesOf(List<Frame> frames) {
        return frames.stream().filter(f -> "price".equals(f.event()))
                .map(f -> read(f.data()).get("price").asDouble()).toList();
    }

    private String newsId(Frame frame) {
        return read(frame.data()).get("id").asText();
    }

    private static com.fasterxml.jackson.databind.JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError(json, e);
        }
    }
}
