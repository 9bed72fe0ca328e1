package io.marketstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import io.marketstream.dev.EmbeddedKafkaBroker;
import io.marketstream.testing.Pod;
import io.marketstream.testing.SseClient;
import io.marketstream.testing.TestKafka;

/**
 * SIGTERM drains a pod: it turns unready at once, then closes its streams spread over the drain window, each
 * after a short {@code retry:}, and exits.
 */
class DrainIT {

    private static final int STREAMS = 30;
    private static final Duration WINDOW = Duration.ofSeconds(3);

    @Test
    void sigtermTurnsUnreadyThenClosesStreamsSpreadOverTheWindow() throws Exception {
        try (EmbeddedKafkaBroker broker = TestKafka.start()) {
            try (Pod pod = Pod.start("drain", Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                    "market.stream.drain-window", WINDOW.toSeconds() + "s", "market.stream.drain-retry", "1s"))) {
                pod.awaitReady(Duration.ofSeconds(120));
                List<SseClient> clients = new ArrayList<>();
                for (int i = 0; i < STREAMS; i++) {
                    clients.add(SseClient.open(pod.uri("/v1/stream?channels=prices.DRN" + i + ",news")));
                }
                clients.forEach(c -> await().until(() -> !c.frames().isEmpty()));

                Map<SseClient, Long> closedAt = new ConcurrentHashMap<>();
                long termAt = System.nanoTime();
                CompletableFuture<Void> exited = CompletableFuture.runAsync(() -> pod.terminate(Duration.ofSeconds(30)));
                await().atMost(Duration.ofSeconds(2)).until(() -> readiness(pod) != 200);
                long unreadyAfter = (System.nanoTime() - termAt) / 1_000_000;
                assertThat(clients).filteredOn(c -> !c.ended()).as("streams still open once unready").isNotEmpty();
                HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        pod.uri("/v1/stream/prices/LATE")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).as("a new stream on a draining pod").isEqualTo(503);
                assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
                assertThat(refused.headers().firstValue("content-type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));

                await().atMost(WINDOW.plusSeconds(5)).until(() -> {
                    long now = System.nanoTime();
                    clients.stream().filter(SseClient::ended).forEach(c -> closedAt.putIfAbsent(c, now));
                    return closedAt.size() == STREAMS;
                });
                exited.get();

                for (SseClient client : clients) {
                    List<SseClient.Frame> frames = client.frames();
                    assertThat(frames.get(frames.size() - 1).retry()).as("last frame of a drained stream")
                            .isEqualTo("1000");
                }
                List<Long> closes = closedAt.values().stream().map(t -> (t - termAt) / 1_000_000).sorted().toList();
                long first = closes.get(0);
                long last = closes.get(closes.size() - 1);
                System.out.printf("[drain] unready after %d ms; %d streams closed from %d ms to %d ms%n",
                        unreadyAfter, STREAMS, first, last);
                assertThat(last - first).as("closes spread over the window")
                        .isGreaterThan(WINDOW.toMillis() / 2);
                assertThat(pod.alive()).isFalse();
            }
        }
    }

    private static int readiness(Pod pod) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(pod.uri("/q/health/ready"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception refused) {
            return -1;
        }
    }
}
