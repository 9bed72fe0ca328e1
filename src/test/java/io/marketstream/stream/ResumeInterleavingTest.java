package io.marketstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.marketstream.testing.KafkaBrokerResource;
import io.marketstream.testing.LiveService;
import io.marketstream.testing.RedisResource;
import io.marketstream.testing.ResumingClient;
import io.marketstream.testing.SseClient.Frame;
import io.marketstream.testing.TestFeed;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Property-style: random interleavings of publishing, disconnecting and resuming never give a client a gap or a
 * duplicate. Each seed is a different interleaving; a failure names its seed.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(RedisResource.class)
class ResumeInterleavingTest {

    private static final int STEPS = 80;
    private static TestFeed feed;

    @BeforeAll
    static void startFeed() {
        feed = new TestFeed();
    }

    @AfterAll
    static void stopFeed() {
        feed.close();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = { 1, 2, 3 })
    void randomProduceDisconnectResumeNeverGivesGapOrDuplicate(long seed) {
        LiveService.awaitReady();
        Random random = new Random(seed);
        String tag = "S" + seed;
        List<String> symbols = List.of(tag + "A", tag + "B", tag + "C", tag + "D");
        Map<String, Set<String>> subscriptions = new LinkedHashMap<>();
        subscriptions.put("one symbol", Set.of("prices." + symbols.get(0)));
        subscriptions.put("watchlist", Set.of("prices." + symbols.get(0), "prices." + symbols.get(1),
                "prices." + symbols.get(2), "news." + symbols.get(1)));
        subscriptions.put("ticker", Set.of("news"));
        subscriptions.put("everything", Set.of("prices." + symbols.get(0), "prices." + symbols.get(1),
                "prices." + symbols.get(2), "prices." + symbols.get(3), "news", "news." + symbols.get(3)));

        Map<String, ResumingClient> clients = new LinkedHashMap<>();
        subscriptions.forEach((name, channels) -> clients.put(name,
                new ResumingClient("/v1/stream?channels=" + String.join(",", channels)).connect(LiveService::uri)));
        List<Published> published = new ArrayList<>();
        try {
            for (int step = 0; step < STEPS; step++) {
                int action = random.nextInt(10);
                ResumingClient client = new ArrayList<>(clients.values()).get(random.nextInt(clients.size()));
                if (action < 6) {
                    published.add(publish(random, symbols, tag, step));
                } else if (action < 8) {
                    client.disconnect();
                } else {
                    client.connect(LiveService::uri);
                }
            }
            clients.values().forEach(c -> c.connect(LiveService::uri));
            Published last = publishMarker(tag);
            published.add(last);

            subscriptions.forEach((name, channels) -> {
                ResumingClient client = clients.get(name);
                List<Published> expected = published.stream().filter(p -> p.matches(channels)).toList();
                String lastKey = expected.get(expected.size() - 1).key;
                client.awaitEvent(f -> key(f).equals(lastKey));
                List<String> received = client.events().stream().map(ResumeInterleavingTest::key).toList();
                assertThat(received).as("seed %d, client %s (%d connections)", seed, name, client.connections())
                        .doesNotHaveDuplicates()
                        .containsExactlyInAnyOrderElementsOf(expected.stream().map(p -> p.key).toList());
                assertInPartitionOrder(received, expected, seed, name);
            });
        } finally {
            clients.values().forEach(ResumingClient::close);
        }
    }

    private static Published publish(Random random, List<String> symbols, String tag, int step) {
        if (random.nextInt(3) == 0) {
            List<String> tags = new ArrayList<>();
            for (String symbol : symbols) {
                if (random.nextInt(3) == 0) {
                    tags.add(symbol);
                }
            }
            String id = tag + "-n" + step;
            RecordMetadata sent = feed.news(id, "Step " + step, tags.toArray(String[]::new));
            List<String> channels = new ArrayList<>(List.of("news"));
            tags.forEach(t -> channels.add("news." + t));
            return new Published("news:" + id, channels, "news-" + sent.partition(), sent.offset());
        }
        String symbol = symbols.get(random.nextInt(symbols.size()));
        RecordMetadata sent = feed.price(symbol, step);
        return new Published("price:" + symbol + ":" + (double) step, List.of("prices." + symbol),
                "prices-" + sent.partition(), sent.offset());
    }

    private static Published publishMarker(String tag) {
        RecordMetadata sent = feed.news(tag + "-end", "End", tag + "A", tag + "B", tag + "C", tag + "D");
        return new Published("news:" + tag + "-end", List.of("news", "news." + tag + "A", "news." + tag + "B",
                "news." + tag + "C", "news." + tag + "D"), "news-" + sent.partition(), sent.offset());
    }

    /** Within each Kafka partition, a client sees events in offset order. */
    private static void assertInPartitionOrder(List<String> received, List<Published> expected, long seed,
            String name) {
        Map<String, Published> byKey = new HashMap<>();
        expected.forEach(p -> byKey.put(p.key, p));
        Map<String, Long> lastOffset = new HashMap<>();
        for (String key : received) {
            Published event = byKey.get(key);
            Long previous = lastOffset.put(event.partition, event.offset);
            assertThat(previous == null || previous < event.offset)
                    .as("seed %d, client %s: %s after offset %s in %s", seed, name, key, previous, event.partition)
                    .isTrue();
        }
    }

    private static String key(Frame frame) {
        String data = frame.data();
        if ("news".equals(frame.event())) {
            return "news:" + data.replaceAll("^\\{\"id\":\"([^\"]+)\".*$", "$1");
        }
        String symbol = data.replaceAll("^\\{\"symbol\":\"([^\"]+)\".*$", "$1");
        String price = data.replaceAll("^.*\"price\":([0-9.]+),.*$", "$1");
        return "price:" + symbol + ":" + price;
    }

    private record Published(String key, List<String> channels, String partition, long offset) {
        boolean matches(Set<String> subscribed) {
            return channels.stream().anyMatch(subscribed::contains);
        }
    }
}
