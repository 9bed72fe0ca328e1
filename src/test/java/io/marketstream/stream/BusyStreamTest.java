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
 * 30 min by default): live frames bypass the response, so that timeout must not apply to it; a stream kept busy by
 * events is sent no heartbeats, an idle one one a tick; and bursts larger than the write queue reach a client that
 * reads them.
 */
@QuarkusTest
@TestProfile(BusyStreamTest.ShortIdleTimeout.class)
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class BusyStreamTest {

    public static final class ShortIdleTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // A write queue of 1 KiB: a batch of a few events is more than that until it is flushed.
            return Map.of("quarkus.http.idle-timeout", "1s", "market.stream.heartbeat", "700ms",
                    "market.stream.buffer-size", "1024");
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
            // An idle stream gets one at every tick but the first (the opening was a write): about five here; one at
            // every other tick would be about three.
            assertThat(idle.frames()).filteredOn(f -> !f.comments().isEmpty()).hasSizeGreaterThanOrEqualTo(4);

            // A burst: Kafka batches of several events each, more than the write queue holds before its flush. A
            // client that reads them is not cut off as too slow.
            for (int i = 41; i <= 140; i++) {
                feed.price("BUSY", i);
            }
            busy.awaitEvent(f -> f.data().contains("\"price\":140.0"));
            assertThat(busy.ended()).isFalse();
            assertThat(busy.events()).hasSize(140);
        }
    }
}
