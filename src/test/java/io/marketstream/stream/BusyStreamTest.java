package io.marketstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.marketstream.testing.KafkaBrokerResource;
import io.marketstream.testing.LiveService;
import io.marketstream.testing.SseClient;
import io.marketstream.testing.SseClient.Frame;
import io.marketstream.testing.TestFeed;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A stream whose client never speaks, written to all the time, outlives the HTTP server's idle timeout (here 1 s,
 * 30 min by default): live frames bypass the response, so that timeout must not apply to it; and a stream kept busy
 * by events is sent no heartbeats, an idle one is.
 */
@QuarkusTest
@TestProfile(BusyStreamTest.ShortIdleTimeout.class)
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class BusyStreamTest {

    public static final class ShortIdleTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.idle-timeout", "1s", "market.stream.heartbeat", "700ms");
        }
    }

    @Test
    void busyStreamOutlivesTheIdleTimeoutAndGetsNoHeartbeats() throws Exception {
        LiveService.awaitReady();
        try (TestFeed feed = new TestFeed();
                SseClient busy = SseClient.open(LiveService.uri("/v1/stream/prices/BUSY"));
                SseClient idle = SseClient.open(LiveService.uri("/v1/stream/prices/IDLE"))) {
            feed.price("WARM", 1);
            await().until(() -> !busy.frames().isEmpty() && !idle.frames().isEmpty());
            // 4 s of a price every 100 ms: four idle timeouts, about six heartbeat ticks.
            for (int i = 1; i <= 40; i++) {
                feed.price("BUSY", i);
                Thread.sleep(100);
            }
            busy.awaitEvent(f -> f.data().contains("\"price\":40.0"));

            assertThat(busy.ended()).isFalse();
            assertThat(busy.events()).hasSize(40);
            List<Frame> frames = busy.frames();
            int firstEvent = frames.indexOf(busy.events().get(0));
            assertThat(frames.subList(firstEvent, frames.size())).noneMatch(f -> !f.comments().isEmpty());
            assertThat(idle.frames()).filteredOn(f -> !f.comments().isEmpty()).hasSizeGreaterThanOrEqualTo(3);
        }
    }
}
