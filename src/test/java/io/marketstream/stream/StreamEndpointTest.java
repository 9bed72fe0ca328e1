package io.marketstream.stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.marketstream.event.EventId;
import io.marketstream.testing.KafkaBrokerResource;
import io.marketstream.testing.LiveService;
import io.marketstream.testing.SseClient;
import io.marketstream.testing.SseClient.Frame;
import io.marketstream.testing.TestFeed;
import io.netty.util.concurrent.MultithreadEventExecutorGroup;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;
import jakarta.inject.Inject;

/** Kafka records in, named SSE events with ids out: the whole core loop, on a real broker and a real socket. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class StreamEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestFeed feed;

    @Inject
    Vertx vertx;

    @Inject
    Hub hub;

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
    void oneEventLoopPerCpu() {
        assertThat(((VertxInternal) vertx).getEventLoopGroup())
                .isInstanceOfSatisfying(MultithreadEventExecutorGroup.class,
                        loops -> assertThat(loops.executorCount())
                                .isEqualTo(Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void priceRecordBecomesNamedPriceEventWithKafkaDerivedId() throws Exception {
        try (SseClient client = SseClient.open(LiveService.uri("/v1/stream/prices/aapl"))) {
            awaitOpened(client);
            RecordMetadata sent = feed.price("AAPL", 189.12);

            Frame event = client.awaitEvent(f -> "price".equals(f.event()) && f.data().contains("189.12"));
            JsonNode data = JSON.readTree(event.data());
            assertThat(data.get("symbol").asText()).isEqualTo("AAPL");
            assertThat(data.get("price").asDouble()).isEqualTo(189.12);
            assertThat(data.get("ts").asText()).isEqualTo("2026-11-21T14:30:00.125Z");
            EventId id = EventId.parse(event.id(), hub.namespace()).orElseThrow();
            assertThat(id.prices()[sent.partition()]).isEqualTo(sent.offset() + 1);
        }
    }

    @Test
    void eachLiveRecordsDelayFromItsKafkaTimestampIsMeasured() {
        double before = delayCount();
        try (SseClient client = SseClient.open(LiveService.uri("/v1/stream/prices/DLY"))) {
            awaitOpened(client);
            feed.price("DLY", 3);
            feed.price("DLY", 4);
            client.awaitEvents(2);
        }
        // Other tests' records may be counted too, never fewer than these two.
        assertThat(delayCount()).isGreaterThanOrEqualTo(before + 2);
        assertThat(given().get("/q/metrics").asString())
                .containsPattern("market_live_delay_seconds_bucket\\{le=\"5\\.0\"\\} [1-9]")
                .containsPattern("market_live_delay_seconds_max [0-9]");
    }

    private static double delayCount() {
        Matcher count = Pattern.compile("(?m)^market_live_delay_seconds_count (\\S+)$")
                .matcher(given().get("/q/metrics").asString());
        return count.find() ? Double.parseDouble(count.group(1)) : 0;
    }

    @Test
    void newsRecordBecomesNamedNewsEventWithKafkaDerivedId() throws Exception {
        try (SseClient client = SseClient.open(LiveService.uri("/v1/stream/news"))) {
            awaitOpened(client);
            RecordMetadata sent = feed.news("n-8812", "Apple ships", "aapl", "MSFT");

            Frame event = client.awaitEvent(f -> "news".equals(f.event()));
            JsonNode data = JSON.readTree(event.data());
            assertThat(data.get("id").asText()).isEqualTo("n-8812");
            assertThat(data.get("symbols").toString()).isEqualTo("[\"AAPL\",\"MSFT\"]");
            EventId id = EventId.parse(event.id(), hub.namespace()).orElseThrow();
            assertThat(id.news()[sent.partition()]).isEqualTo(sent.offset() + 1);
        }
    }

    @Test
    void symbolStreamCarriesOnlyItsSymbol() {
        try (SseClient client = SseClient.open(LiveService.uri("/v1/stream/prices/MSFT"))) {
            awaitOpened(client);
            feed.price("GOOG", 10);
            feed.price("MSFT", 20);
            feed.price("GOOG", 11);
            feed.price("MSFT", 21);

            await().until(() -> client.events().size() >= 2);
            assertThat(client.events()).extracting(Frame::data)
                    .allSatisfy(data -> assertThat(data).contains("\"symbol\":\"MSFT\""));
            assertThat(client.events()).extracting(Frame::data)
                    .anySatisfy(data -> assertThat(data).contains("\"price\":21.0"));
        }
    }

    @Test
    void newsSymbolStreamCarriesOnlyNewsTaggedWithIt() {
        try (SseClient client = SseClient.open(LiveService.uri("/v1/stream/news/TSLA"))) {
            awaitOpened(client);
            feed.news("n-1", "Not about Tesla", "F");
            feed.news("n-2", "About Tesla", "TSLA");

            client.awaitEvent(f -> f.data().contains("\"id\":\"n-2\""));
            assertThat(client.events()).extracting(Frame::data).noneMatch(data -> data.contains("\"id\":\"n-1\""));
        }
    }

    @Test
    void eventMatchingSeveralChannelsOfAConnectionArrivesOnce() {
        String channels = "news.AAPL,news.MSFT,news,prices.IBM";
        try (SseClient client = SseClient.open(LiveService.uri("/v1/stream?channels=" + channels))) {
            awaitOpened(client);
            feed.news("n-multi", "Apple and Microsoft", "AAPL", "MSFT");
            feed.price("IBM", 140);
            feed.news("n-last", "Marker");

            client.awaitEvent(f -> f.data().contains("\"id\":\"n-last\""));
            List<String> data = client.events().stream().map(Frame::data).toList();
            assertThat(data).filteredOn(d -> d.contains("\"id\":\"n-multi\"")).hasSize(1);
            assertThat(data).filteredOn(d -> d.contains("\"symbol\":\"IBM\"")).hasSize(1);
        }
    }

    @Test
    void newSubscriberGetsLatestPriceFirst() {
        feed.price("NVDA", 500);
        await().until(() -> given().get("/v1/prices/NVDA").statusCode() == 200);

        try (SseClient client = SseClient.open(LiveService.uri("/v1/stream/prices/NVDA"))) {
            Frame snapshot = client.awaitEvents(1).get(0);
            assertThat(snapshot.event()).isEqualTo("price");
            assertThat(snapshot.data()).contains("\"price\":500.0");
            assertThat(EventId.parse(snapshot.id(), hub.namespace())).isPresent();

            feed.price("NVDA", 501);
            assertThat(client.awaitEvents(2).get(1).data()).contains("\"price\":501.0");
        }
    }

    @Test
    void streamOpensWithRetryAndCursorThenSendsHeartbeats() {
        try (SseClient client = SseClient.open(LiveService.uri("/v1/stream/prices/ZZZ"))) {
            await().until(() -> !client.frames().isEmpty());
            Frame first = client.frames().get(0);
            assertThat(client.lines().get(0)).isEqualTo("retry: 3000");
            assertThat(first.retry()).isEqualTo("3000");
            assertThat(EventId.parse(first.id(), hub.namespace())).isPresent();
            assertThat(first.data()).isNull();

            // %test heartbeat is 500 ms.
            await().atMost(Duration.ofSeconds(5)).until(() -> client.frames().stream()
                    .filter(f -> !f.comments().isEmpty()).count() >= 2);
        }
    }

    @Test
    void responseHeadersSayEventStreamUncachedUnbuffered() {
        try (SseClient client = SseClient.open(LiveService.uri("/v1/stream?channels=news"))) {
            assertThat(client.response().statusCode()).isEqualTo(200);
            Map<String, List<String>> headers = client.response().headers().map();
            assertThat(client.response().headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            assertThat(client.response().headers().firstValue("cache-control")).hasValue("no-cache");
            assertThat(client.response().headers().firstValue("x-accel-buffering")).hasValue("no");
            assertThat(headers).doesNotContainKey("content-length");
        }
    }

    @Test
    void headlineWithLineBreaksArrivesIntactAsOneEvent() throws Exception {
        try (SseClient client = SseClient.open(LiveService.uri("/v1/stream/news"))) {
            awaitOpened(client);
            String headline = "Line one\\r\\nid: forged\\nevent: price\\rdata: x";
            feed.news("n-crlf", headline, "AAPL");
            feed.news("n-after", "After");

            client.awaitEvent(f -> f.data().contains("\"id\":\"n-after\""));
            List<Frame> events = client.events();
            assertThat(events).hasSize(2);
            assertThat(events).extracting(Frame::event).containsOnly("news");
            // The two records may sit in different partitions, whose order relative to each other Kafka does not keep.
            Frame forged = events.stream().filter(f -> f.data().contains("\"id\":\"n-crlf\"")).findFirst().orElseThrow();
            assertThat(JSON.readTree(forged.data()).get("headline").asText())
                    .isEqualTo("Line one\r\nid: forged\nevent: price\rdata: x");
            assertThat(client.lines()).noneMatch(line -> line.startsWith("id: forged"));
        }
    }

    @Test
    void sameEventHasSameIdOnEveryConnectionOfAPod() {
        try (SseClient a = SseClient.open(LiveService.uri("/v1/stream/prices/AMD"));
                SseClient b = SseClient.open(LiveService.uri("/v1/stream?channels=prices.AMD,news"))) {
            awaitOpened(a);
            awaitOpened(b);
            feed.price("AMD", 150);
            Frame fromA = a.awaitEvent(f -> f.data().contains("150.0"));
            Frame fromB = b.awaitEvent(f -> f.data().contains("150.0"));
            assertThat(fromA.id()).isEqualTo(fromB.id());
        }
    }

    @Test
    void closedStreamReleasesItsSubscription() {
        await().until(() -> hub.connectionCount() == 0);
        SseClient first = SseClient.open(LiveService.uri("/v1/stream?channels=prices.AAPL,news.AAPL,news"));
        SseClient second = SseClient.open(LiveService.uri("/v1/stream/prices/AAPL"));
        awaitOpened(first);
        awaitOpened(second);
        assertThat(hub.connectionCount()).isEqualTo(2);

        first.close();
        second.close();
        // The server sees a closed socket on its next write at the latest: the heartbeat (500 ms in tests).
        await().atMost(Duration.ofSeconds(10)).until(() -> hub.connectionCount() == 0);
        assertThat(given().get("/q/metrics").asString()).contains("market_stream_connections 0.0");

        // Nothing is delivered to the closed streams any more, and the hub still serves new ones.
        feed.price("AAPL", 1);
        try (SseClient third = SseClient.open(LiveService.uri("/v1/stream/prices/AAPL"))) {
            third.awaitEvent(f -> "price".equals(f.event()));
        }
    }

    @Test
    void liveFramesGoToTheSocketAsPreEncodedChunks() {
        try (SseClient client = SseClient.open(LiveService.uri("/v1/stream/prices/NFLX"))) {
            awaitOpened(client);
            feed.price("NFLX", 612.5);
            feed.price("NFLX", 612.75);
            client.awaitEvent(f -> f.data().contains("612.75"));
            // The fast path (ChunkChannel) is taken for plain HTTP/1.1; the response path would deliver the same
            // events, only slower, so this is the one place that would notice it being lost.
            assertThat(hub.openConnections()).isNotEmpty().allMatch(Connection::writesChunks);
        }
    }

    @Test
    void headRequestGetsTheHeadersAndNoBody() throws Exception {
        try (Socket head = new Socket("localhost", LiveService.uri("/").getPort());
                SseClient get = SseClient.open(LiveService.uri("/v1/stream/prices/HEADX"))) {
            head.setSoTimeout(1000);
            head.getOutputStream().write(("HEAD /v1/stream/prices/HEADX HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String headers = readHeaders(head.getInputStream());
            assertThat(headers).startsWith("HTTP/1.1 200").containsIgnoringCase("content-type: text/event-stream");
            awaitOpened(get);

            feed.price("HEADX", 12.5);
            get.awaitEvent(f -> f.data().contains("12.5"));
            // The GET stream has the event: a body for the HEAD request would have been written by now.
            int next;
            try {
                next = head.getInputStream().read();
            } catch (SocketTimeoutException nothingMore) {
                next = -1;
            }
            assertThat(next).as("a byte after the headers of a HEAD response").isEqualTo(-1);
        }
    }

    private static String readHeaders(InputStream in) throws IOException {
        StringBuilder headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            headers.append((char) b);
        }
        return headers.toString();
    }

    private static void awaitOpened(SseClient client) {
        await().until(() -> !client.frames().isEmpty());
    }
}
