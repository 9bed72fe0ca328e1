package io.marketstream.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.marketstream.dev.EmbeddedKafkaBroker;
import io.marketstream.testing.Pod;
import io.marketstream.testing.RedisServer;
import io.marketstream.testing.TestKafka;

/**
 * Readiness reflects Kafka and Redis; liveness does not: when the broker and Redis go away, a running pod stops
 * getting traffic but is not restarted.
 */
class HealthIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void lostKafkaAndRedisMakeARunningPodUnreadyButNotDead() throws Exception {
        EmbeddedKafkaBroker broker = TestKafka.start();
        RedisServer redis = RedisServer.start();
        try {
            try (Pod pod = Pod.start("health", Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                    "quarkus.redis.hosts", redis.uri()))) {
                pod.awaitReady(Duration.ofSeconds(120));
                assertThat(status(pod, "/q/health/live")).isEqualTo(200);

                redis.stop();
                broker.close();

                await().atMost(Duration.ofSeconds(60)).until(() -> status(pod, "/q/health/ready") == 503);
                // Liveness stays up while they are gone: sampled over a few seconds, not once.
                for (int i = 0; i < 5; i++) {
                    assertThat(status(pod, "/q/health/live")).as("liveness, sample %d", i).isEqualTo(200);
                    await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
                }
                assertThat(pod.alive()).isTrue();
            }
        } finally {
            redis.stop();
            broker.close();
        }
    }

    private static int status(Pod pod, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(pod.uri(path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception notListening) {
            return -1;
        }
    }
}
