package io.marketstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.marketstream.dev.EmbeddedKafkaBroker;
import io.marketstream.testing.Pod;
import io.marketstream.testing.Pods;
import io.marketstream.testing.RedisServer;
import io.marketstream.testing.ResumingClient;
import io.marketstream.testing.SseClient;
import io.marketstream.testing.SseClient.Frame;
import io.marketstream.testing.TestFeed;
import io.marketstream.testing.TestKafka;

/**
 * Three packaged-jar pods on one real Kafka broker and one real Redis. Clients read from pod A; A is killed with
 * SIGKILL while events keep coming; every client reconnects to B or C with its last id and ends with every event of
 * its channels exactly once, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiPodResumeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_EVENTS = 100;
    private static final List<String> SYMBOLS = List.of("MPA", "MPB", "MPC", "MPD", "MPE", "MPF");

    private static EmbeddedKafkaBroker broker;
    private static RedisServer redis;
    private static Pods pods;
    private static TestFeed feed;

    @BeforeAll
    static void start() {
        broker = TestKafka.start();
        redis = RedisServer.start();
        pods = Pods.start(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(), "quarkus.redis.hosts",
                redis.uri(), "market.replay.max-events", Integer.toString(MAX_EVENTS)), "a", "b", "c")
                .awaitReady(Duration.ofSeconds(180));
        System.out.println("[multi-pod] " + pods.startupReport());
        feed = new TestFeed(broker.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        if (feed != null) {
            feed.close();
        }
        if (pods != null) {
            pods.close();
        }
        if (redis != null) {
            redis.stop();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void resumesOnAnotherPodAfterCrashWithoutGapOrDuplicate() throws Exception {
        long began = System.nanoTime();
        Map<String, Set<String>> subscriptions = new LinkedHashMap<>();
        SYMBOLS.forEach(symbol -> subscriptions.put("single " + symbol, Set.of("prices." + symbol)));
        subscriptions.put("watchlist 1", Set.of("prices.MPA", "prices.MPB", "prices.MPC", "news.MPA", "news"));
        subscriptions.put("watchlist 2", Set.of("prices.MPD", "prices.MPE", "news.MPD", "news.MPE"));
        subscriptions.put("watchlist 3", Set.of("prices.MPA", "prices.MPC", "prices.MPE", "prices.MPF"));
        subscriptions.put("ticker", Set.of("news"));

        Pod a = pods.get("a");
        Map<String, ResumingClient> clients = new LinkedHashMap<>();
        subscriptions.forEach((name, channels) -> clients.put(name,
                new ResumingClient("/v1/stream?channels=" + String.join(",", channels)).connect(a::uri)));

        List<Published> published = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean producing = new AtomicBoolean(true);
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
            int step = 0;
            while (producing.get()) {
                published.add(publish(step++));
                pause(20);
            }
        });

        await().until(() -> published.size() >= 60);
        a.kill();
        long killedAt = System.nanoTime();
        AtomicLong maxReconnect = new AtomicLong();
        List<Pod> survivors = List.of(pods.get("b"), pods.get("c"));
        ExecutorService reconnecting = Executors.newFixedThreadPool(clients.size());
        try {
            List<CompletableFuture<Void>> reconnects = new ArrayList<>();
            int i = 0;
            for (ResumingClient client : clients.values()) {
                Pod target = survivors.get(i++ % survivors.size());
                reconnects.add(CompletableFuture.runAsync(() -> {
                    await().atMost(Duration.ofSeconds(30)).until(client::dropped);
                    client.connect(target::uri);
                    maxReconnect.accumulateAndGet(System.nanoTime() - killedAt, Math::max);
                }, reconnecting));
            }
            CompletableFuture.allOf(reconnects.toArray(CompletableFuture[]::new)).get();
        } finally {
            reconnecting.shutdown();
        }
        await().until(() -> published.size() >= 240);
        producing.set(false);
        producer.get();
        published.add(publishMarker());

        long checked = 0;
        for (Map.Entry<String, Set<String>> subscription : subscriptions.entrySet()) {
            ResumingClient client = clients.get(subscription.getKey());
            List<Published> expected = published.stream().filter(p -> p.matches(subscription.getValue())).toList();
            String last = expected.get(expected.size() - 1).key;
            client.awaitEvent(f -> key(f).equals(last));
            List<String> received = client.events().stream().map(MultiPodResumeIT::key).toList();
            if (Boolean.getBoolean("multipod.dump")) {
                // -Dmultipod.dump=true: what each client got (with ids) and what it should have got.
                client.events().forEach(f -> System.out.println("[got] " + subscription.getKey() + " " + f.id()
                        + " " + key(f)));
                expected.forEach(p -> System.out.println("[expected] " + subscription.getKey() + " " + p));
            }
            assertThat(received).as(subscription.getKey()).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expected.stream().map(p -> p.key).toList());
            assertInPartitionOrder(received, expected, subscription.getKey());
            assertThat(client.events()).extracting(Frame::event).doesNotContain("reset");
            checked += received.size();
            client.close();
        }
        System.out.printf("[multi-pod] clients=%d events-produced=%d events-checked=%d reconnects=%d "
                + "max-reconnect=%d ms test=%d ms%n", clients.size(), published.size(), checked, clients.size(),
                maxReconnect.get() / 1_000_000, (System.nanoTime() - began) / 1_000_000);

        // Written to history once, whatever the number of pods: per channel, one entry per event.
        for (String symbol : SYMBOLS) {
            long produced = published.stream().filter(p -> p.channels.contains("prices." + symbol)).count();
            assertThat(produced).isLessThan(MAX_EVENTS);
            await().untilAsserted(() -> assertThat(redis.command("XLEN", "market-stream:{prices." + symbol + "}:log"))
                    .as("history of prices.%s", symbol).isEqualTo(Long.toString(produced)));
        }
    }

    @Test
    @Order(2)
    void clientWhoseIdWasTrimmedOutOfHistoryGetsReset() throws Exception {
        try (ResumingClient client = new ResumingClient("/v1/stream/prices/MPTRIM").connect(pods.get("b")::uri)) {
            feed.price("MPTRIM", 0);
            client.awaitEvent(f -> "price".equals(f.event()));
            client.disconnect();
            for (int i = 1; i <= MAX_EVENTS + 20; i++) {
                feed.price("MPTRIM", i);
            }
            client.connect(pods.get("c")::uri);
            Frame reset = client.awaitEvent(f -> "reset".equals(f.event()));
            assertThat(JSON.readTree(reset.data()).get("reason").asText()).isEqualTo("too-old");
            client.awaitEvent(f -> f.data().contains("\"price\":" + (MAX_EVENTS + 20.0) + ","));
        }
    }

    @Test
    @Order(3)
    void resumeAfterRedisFlushGetsReset() throws Exception {
        try (ResumingClient client = new ResumingClient("/v1/stream/prices/MPFLUSH").connect(pods.get("b")::uri)) {
            feed.price("MPFLUSH", 0);
            client.awaitEvent(f -> "price".equals(f.event()));
            client.disconnect();
            feed.price("MPFLUSH", 1);
            feed.price("MPFLUSH", 2);
            await().until(() -> "3".equals(redis.command("XLEN", "market-stream:{prices.MPFLUSH}:log")));
            redis.flushAll();
            feed.price("MPFLUSH", 3);

            client.connect(pods.get("c")::uri);
            Frame reset = client.awaitEvent(f -> "reset".equals(f.event()));
            assertThat(JSON.readTree(reset.data()).get("reason").asText()).isEqualTo("history-lost");
            client.awaitEvent(f -> f.data().contains("\"price\":3.0,"));
        }
    }

    @Test
    @Order(4)
    void freshlyStartedPodServesSnapshotsFromHistory() throws Exception {
        feed.price("MPSNAP", 42);
        await().until(() -> "1".equals(redis.command("XLEN", "market-stream:{prices.MPSNAP}:log")));
        // Pod a was killed in the first test; it comes back with nothing in memory.
        Pod fresh = pods.get("a").restart().awaitReady(Duration.ofSeconds(120));

        HttpResponse<String> latest = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(fresh.uri("/v1/prices/MPSNAP")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(latest.statusCode()).isEqualTo(200);
        assertThat(latest.body()).contains("\"price\":42.0");
        try (SseClient client = SseClient.open(fresh.uri("/v1/stream/prices/MPSNAP"))) {
            assertThat(client.awaitEvents(1).get(0).data()).contains("\"price\":42.0");
        }
    }

    private static Published publish(int step) {
        if (step % 5 == 4) {
            String tag = SYMBOLS.get(step % SYMBOLS.size());
            String id = "mp-" + step;
            RecordMetadata sent = feed.news(id, "Step " + step, tag);
            return new Published("news:" + id, List.of("news", "news." + tag), "news-" + sent.partition(),
                    sent.offset());
        }
        String symbol = SYMBOLS.get(step % SYMBOLS.size());
        RecordMetadata sent = feed.price(symbol, step);
        return new Published("price:" + symbol + ":" + (double) step, List.of("prices." + symbol),
                "prices-" + sent.partition(), sent.offset());
    }

    /** One last event on every channel, so each client knows when it has everything. */
    private static Published publishMarker() {
        List<String> channels = new ArrayList<>(List.of("news"));
        SYMBOLS.forEach(s -> channels.add("news." + s));
        RecordMetadata sent = feed.news("mp-end", "End", SYMBOLS.toArray(String[]::new));
        Published marker = new Published("news:mp-end", channels, "news-" + sent.partition(), sent.offset());
        return marker;
    }

    private static void assertInPartitionOrder(List<String> received, List<Published> expected, String client) {
        Map<String, Published> byKey = new HashMap<>();
        expected.forEach(p -> byKey.put(p.key, p));
        Map<String, Long> lastOffset = new HashMap<>();
        for (String key : received) {
            Published event = byKey.get(key);
            Long previous = lastOffset.put(event.partition, event.offset);
            assertThat(previous == null || previous < event.offset)
                    .as("%s: %s after offset %s of %s", client, key, previous, event.partition).isTrue();
        }
    }

    private static String key(Frame frame) {
        String data = frame.data();
        if ("news".equals(frame.event())) {
            return "news:" + data.replaceAll("^\\{\"id\":\"([^\"]+)\".*$", "$1");
        }
        String symbol = data.replaceAll("^\\{\"symbol\":\"([^\"]+)\".*$", "$1");
        return "price:" + symbol + ":" + data.replaceAll("^.*\"price\":([0-9.]+),.*$", "$1");
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Published(String key, List<String> channels, String partition, long offset) {
        boolean matches(Set<String> subscribed) {
            return channels.stream().anyMatch(subscribed::contains);
        }
    }
}
