package io.marketstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.marketstream.testing.KafkaBrokerResource;
import io.marketstream.testing.LiveService;
import io.marketstream.testing.SseClient;
import io.marketstream.testing.TestFeed;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;

/**
 * Where frames cannot go to the socket as pre-encoded chunks (here: HTTP compression is on, so a handler between the
 * encoder and the socket may change bytes), they go through the Vert.x response: the same stream, events and
 * heartbeats, only without the fast path.
 */
@QuarkusTest
@TestProfile(ResponsePathTest.CompressionOn.class)
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class ResponsePathTest {

    public static final class CompressionOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.enable-compression", "true");
        }
    }

    @Inject
    Hub hub;

    @Test
    void framesGoThroughTheResponseWhenTheChunkPathIsNotSafe() {
        LiveService.awaitReady();
        try (TestFeed feed = new TestFeed();
                SseClient client = SseClient.open(LiveService.uri("/v1/stream?channels=prices.ORCL,news"))) {
            await().until(() -> !client.frames().isEmpty());
            feed.price("ORCL", 171.5);
            feed.news("n-orcl", "Oracle headline", "ORCL");
            feed.price("ORCL", 172.25);

            client.awaitEvent(f -> f.data().contains("172.25"));
            assertThat(client.events()).extracting(SseClient.Frame::event).contains("price", "news");
            assertThat(hub.openConnections()).isNotEmpty().noneMatch(Connection::writesChunks);
            // %test heartbeat is 500 ms: an idle stream gets them through the response too.
            await().until(() -> client.frames().stream().anyMatch(f -> !f.comments().isEmpty()));
        }
    }
}
