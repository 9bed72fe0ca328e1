package io.marketstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.marketstream.testing.KafkaBrokerResource;
import io.marketstream.testing.LiveService;
import io.marketstream.testing.SseClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Idle streams get their heartbeats spread over the interval, a slice at each tick, not all at once: a pod with
 * thousands of idle streams would otherwise hold its event loops for one burst of writes every interval.
 */
@QuarkusTest
@TestProfile(HeartbeatSlicesTest.SlowHeartbeat.class)
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class HeartbeatSlicesTest {

    private static final long INTERVAL_MILLIS = 1600;
    private static final int STREAMS = 2 * Heartbeats.SLICES;

    public static final class SlowHeartbeat implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // a tick every 100 ms
            return Map.of("market.stream.heartbeat", INTERVAL_MILLIS + "ms");
        }
    }

    @Test
    void idleStreamsGetTheirFirstHeartbeatsSpreadOverTheInterval() throws Exception {
        LiveService.awaitReady();
        List<SseClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < STREAMS; i++) {
                clients.add(SseClient.open(LiveService.uri("/v1/stream/prices/IDLE" + i)));
            }
            long[] firstHeartbeat = new long[STREAMS];
            long deadline = System.nanoTime() + 4 * INTERVAL_MILLIS * 1_000_000;
            while (Arrays.stream(firstHeartbeat).anyMatch(t -> t == 0) && System.nanoTime() < deadline) {
                for (int i = 0; i < STREAMS; i++) {
                    if (firstHeartbeat[i] == 0 && clients.get(i).frames().stream().anyMatch(f -> !f.comments().isEmpty())) {
                        firstHeartbeat[i] = System.nanoTime();
                    }
                }
                Thread.sleep(10);
            }
            assertThat(firstHeartbeat).as("every idle stream had a heartbeat within four intervals").doesNotContain(0L);

            // Two streams per slice: one slice every 100 ms, so a 200 ms window holds about 6 first heartbeats (two or
            // three ticks). All at once, as one pass over every stream, it would hold at least half of them.
            long window = INTERVAL_MILLIS / 8 * 1_000_000;
            int most = 0;
            for (long start : firstHeartbeat) {
                int in = (int) Arrays.stream(firstHeartbeat).filter(t -> t >= start && t < start + window).count();
                most = Math.max(most, in);
            }
            assertThat(most).as("first heartbeats within any %d ms", window / 1_000_000).isLessThanOrEqualTo(STREAMS * 3 / 8);
        } finally {
            clients.forEach(SseClient::close);
        }
    }
}
