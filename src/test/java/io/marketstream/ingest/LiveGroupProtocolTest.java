package io.marketstream.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.marketstream.testing.KafkaBrokerResource;
import io.marketstream.testing.LiveService;
import io.marketstream.testing.SseClient;
import io.marketstream.testing.TestFeed;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With {@code market.ingest.live-group-protocol=consumer} a pod is ready, and streams, without waiting for the
 * broker's initial rebalance delay. The broker here holds every new classic group for five minutes (3 s is Kafka's
 * default, the tests' broker has none): with the classic protocol the pod would not be ready within the test.
 */
@QuarkusTest
@TestProfile(LiveGroupProtocolTest.ConsumerProtocol.class)
@WithTestResource(value = KafkaBrokerResource.class,
        initArgs = @ResourceArg(name = "group.initial.rebalance.delay.ms", value = "300000"))
class LiveGroupProtocolTest {

    public static final class ConsumerProtocol implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("market.ingest.live-group-protocol", "consumer");
        }
    }

    @Test
    void thePodIsReadyAndStreamsWithoutWaitingForTheBrokersJoinDelay() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);

        try (TestFeed feed = new TestFeed();
                SseClient client = SseClient.open(LiveService.uri("/v1/stream/prices/KIP848"))) {
            await().until(() -> !client.frames().isEmpty());
            feed.price("KIP848", 1);
            client.awaitEvents(1);
        }
    }
}
