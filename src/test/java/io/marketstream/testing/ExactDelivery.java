package io.marketstream.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks that a client got every published event of its channels exactly once, in order within each partition. */
public final class ExactDelivery {

    private ExactDelivery() {
    }

    /** The published events a client of {@code channels} must get, in the order they were published. */
    public static List<PublishedEvent> expected(List<PublishedEvent> published, Collection<String> channels) {
        return published.stream().filter(p -> p.matches(channels)).toList();
    }

    /**
     * Asserts that {@code received} (keys, in the order received) holds each of {@code expected} once and nothing
     * else, and that within each Kafka partition the offsets rise.
     */
    public static void assertExactlyOnceInOrder(String client, List<String> received, List<PublishedEvent> expected) {
        assertThat(received).as("%s: duplicates", client).doesNotHaveDuplicates();
        assertThat(received).as("%s: events", client)
                .containsExactlyInAnyOrderElementsOf(expected.stream().map(PublishedEvent::key).toList());
        Map<String, PublishedEvent> byKey = new HashMap<>();
        expected.forEach(p -> byKey.put(p.key(), p));
        Map<String, Long> lastOffset = new HashMap<>();
        for (String key : received) {
            PublishedEvent event = byKey.get(key);
            Long previous = lastOffset.put(event.partition(), event.offset());
            assertThat(previous == null || previous < event.offset())
                    .as("%s: %s (offset %d of %s) after offset %s", client, key, event.offset(), event.partition(),
                            previous).isTrue();
        }
    }
}
