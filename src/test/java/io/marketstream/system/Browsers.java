package io.marketstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import org.awaitility.core.ConditionTimeoutException;

import io.marketstream.testing.EventSourceClient;
import io.marketstream.testing.EventSourceClient.Reconnect;
import io.marketstream.testing.ExactDelivery;
import io.marketstream.testing.PublishedEvent;

/**
 * A crowd of browsers, each an {@link EventSourceClient} that reconnects on its own: half watch one symbol
 * ({@code /v1/stream/prices/X}), half a watchlist of several prices and news channels on one connection.
 */
final class Browsers implements AutoCloseable {

    private final Map<EventSourceClient, Set<String>> clients;

    private Browsers(Map<EventSourceClient, Set<String>> clients) {
        this.clients = clients;
    }

    /** Opens every browser's stream at once; {@code server} maps a path and query to the URI to open. */
    static Browsers open(Function<String, URI> server, List<String> symbols, int singles, int watchlists) {
        Random random = new Random(42);
        Map<EventSourceClient, Set<String>> clients = new LinkedHashMap<>();
        for (int i = 0; i < singles; i++) {
            String symbol = symbols.get(i % symbols.size());
            clients.put(EventSourceClient.start("single-" + i, server.apply("/v1/stream/prices/" + symbol)),
                    Set.of("prices." + symbol));
        }
        for (int i = 0; i < watchlists; i++) {
            List<String> shuffled = new ArrayList<>(symbols);
            Collections.shuffle(shuffled, random);
            Set<String> channels = new LinkedHashSet<>();
            shuffled.subList(0, 2 + random.nextInt(4)).forEach(s -> channels.add("prices." + s));
            shuffled.subList(0, 1 + random.nextInt(2)).forEach(s -> channels.add("news." + s));
            if (random.nextBoolean()) {
                channels.add("news");
            }
            clients.put(EventSourceClient.start("watchlist-" + i,
                    server.apply("/v1/stream?channels=" + String.join(",", channels))), channels);
        }
        return new Browsers(clients);
    }

    int size() {
        return clients.size();
    }

    void awaitOpen(Duration timeout) throws InterruptedException {
        for (EventSourceClient client : clients.keySet()) {
            assertThat(client.awaitOpen(timeout)).as("%s opened", client).isTrue();
        }
    }

    List<Reconnect> reconnects() {
        return clients.keySet().stream().flatMap(c -> c.reconnects().stream()).toList();
    }

    long eventsReceived() {
        return clients.keySet().stream().mapToLong(EventSourceClient::eventCount).sum();
    }

    int mostReconnectsOfOne() {
        return clients.keySet().stream().mapToInt(c -> c.reconnects().size()).max().orElse(0);
    }

    /** Why connections that gave no frame failed, and how often. */
    Map<String, Long> failedAttempts() {
        Map<String, Long> causes = new LinkedHashMap<>();
        clients.keySet().forEach(c -> c.failedAttempts().forEach(cause -> causes.merge(cause, 1L, Long::sum)));
        return causes;
    }

    /** Waits until each browser has each of {@code events} that is on its channels. */
    void awaitEach(List<PublishedEvent> events, Duration timeout, Supplier<String> diagnostics) {
        Map<EventSourceClient, Set<String>> missing = new LinkedHashMap<>();
        clients.forEach((client, channels) -> missing.put(client, new LinkedHashSet<>(
                ExactDelivery.expected(events, channels).stream().map(PublishedEvent::key).toList())));
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
                missing.entrySet().removeIf(e -> {
                    e.getValue().removeIf(key -> e.getKey().has(event -> key.equals(key(event))));
                    return e.getValue().isEmpty();
                });
                return missing.isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            StringBuilder detail = new StringBuilder();
            missing.keySet().stream().limit(10).forEach(c -> detail.append("\n  ").append(c).append(", retry ")
                    .append(c.retryMillis()).append(" ms, reconnects ").append(c.reconnects()));
            throw new AssertionError(missing.size() + " browsers still lack some of " + events.size() + " events "
                    + timeout.toSeconds() + " s after they were published:" + detail + "\n" + diagnostics.get(), e);
        }
    }

    /**
     * Asserts that each browser got every published event of its channels once, in order within each partition, and
     * no reset; returns the number of events checked.
     */
    long assertEachGotEveryEventOnceInOrder(List<PublishedEvent> published) {
        long checked = 0;
        List<String> failures = new ArrayList<>();
        for (Map.Entry<EventSourceClient, Set<String>> entry : clients.entrySet()) {
            EventSourceClient client = entry.getKey();
            List<EventSourceClient.Event> events = client.events();
            try {
                assertThat(events).filteredOn(e -> "reset".equals(e.type())).as("%s: resets", client.name())
                        .isEmpty();
                List<String> received = events.stream().map(Browsers::key).toList();
                ExactDelivery.assertExactlyOnceInOrder(client.name() + " " + entry.getValue(), received,
                        ExactDelivery.expected(published, entry.getValue()));
                checked += received.size();
            } catch (AssertionError e) {
                failures.add(e.getMessage() + "\n  reconnects: " + client.reconnects());
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " of " + clients.size() + " browsers did not get exactly every "
                    + "event of their channels, in order; the first:\n"
                    + String.join("\n\n", failures.subList(0, Math.min(3, failures.size()))));
        }
        return checked;
    }

    static String key(EventSourceClient.Event event) {
        return PublishedEvent.keyOf(event.type(), event.data());
    }

    /** Count, median, 95th percentile and longest time back, and how the streams had ended. */
    static String summary(List<Reconnect> reconnects) {
        if (reconnects.isEmpty()) {
            return "none";
        }
        List<Long> millis = reconnects.stream().map(r -> r.duration().toMillis()).sorted().toList();
        Map<String, Long> causes = new LinkedHashMap<>();
        reconnects.forEach(r -> causes.merge(r.cause(), 1L, Long::sum));
        return String.format("%d, median %d ms, p95 %d ms, max %d ms; streams ended by %s", millis.size(),
                millis.get(millis.size() / 2), millis.get(millis.size() * 95 / 100), millis.get(millis.size() - 1),
                causes);
    }

    @Override
    public void close() {
        clients.keySet().forEach(EventSourceClient::close);
    }
}
