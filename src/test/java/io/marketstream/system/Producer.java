package io.marketstream.system;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.marketstream.testing.PublishedEvent;
import io.marketstream.testing.TestFeed;

/**
 * A steady market feed on a thread of its own: one event every interval, four price ticks (round the symbols) for
 * one news item (tagged with none, one or two symbols), each with a price or id unique in the run, and a record of
 * where Kafka put each.
 */
final class Producer {

    private final TestFeed feed;
    private final List<String> symbols;
    private final ScheduledExecutorService scheduler;
    private final List<PublishedEvent> published = new ArrayList<>();
    private volatile Throwable failure;
    private int step;

    private Producer(TestFeed feed, List<String> symbols) {
        this.feed = feed;
        this.symbols = List.copyOf(symbols);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "system-producer"));
    }

    static Producer start(TestFeed feed, List<String> symbols, long intervalMillis) {
        Producer producer = new Producer(feed, symbols);
        producer.scheduler.scheduleAtFixedRate(producer::publishNext, 0, intervalMillis, TimeUnit.MILLISECONDS);
        return producer;
    }

    /** Waits until {@code count} more events have been published than now. */
    void awaitMore(int count) {
        int target = size() + count;
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            if (failure != null) {
                throw new AssertionError("The producer failed", failure);
            }
            return size() >= target;
        });
    }

    /** Stops publishing; returns once the last send has completed. */
    void stop() throws InterruptedException {
        scheduler.shutdown();
        if (!scheduler.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new AssertionError("The producer did not stop");
        }
        if (failure != null) {
            throw new AssertionError("The producer failed", failure);
        }
    }

    /** Everything published, in the order sent. */
    synchronized List<PublishedEvent> published() {
        return List.copyOf(published);
    }

    private synchronized int size() {
        return published.size();
    }

    private void publishNext() {
        if (failure != null) {
            return;
        }
        try {
            PublishedEvent event = step % 5 == 4 ? news(step) : price(step);
            synchronized (this) {
                published.add(event);
            }
            step++;
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private PublishedEvent price(int n) {
        String symbol = symbols.get(n % symbols.size());
        return PublishedEvent.price(symbol, n, feed.price(symbol, n));
    }

    private PublishedEvent news(int n) {
        String id = "sys-" + n;
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < (n / 5) % 3; i++) {
            tags.add(symbols.get((n + i) % symbols.size()));
        }
        return PublishedEvent.news(id, tags, feed.news(id, "Item " + n, tags.toArray(String[]::new)));
    }
}
