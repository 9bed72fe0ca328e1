package io.marketstream.event;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The SSE {@code id} of an event: a cursor that says, for every partition of the prices and the news topic, the
 * Kafka position (next offset) up to which the connection has been given every event of its channels.
 *
 * <p>It is built from Kafka positions only, never from a per-pod counter, so any pod can resume from it. Because it
 * names every partition, it is exact for a connection that multiplexes channels spread over several partitions.
 * Wire form: {@code <namespace>:<prices positions>:<news positions>}, e.g. {@code ms1:120,98,133:14,9,22};
 * a partition whose position is unknown is left empty. See {@code docs/reconnection.md}.
 *
 * @param namespace names the deployment (topics and cluster) the positions belong to
 * @param prices position per partition of the prices topic, {@link #UNKNOWN} where not known
 * @param news position per partition of the news topic, {@link #UNKNOWN} where not known
 */
public record EventId(String namespace, long[] prices, long[] news) {

    public static final long UNKNOWN = -1;
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern POSITIONS = Pattern.compile("(\\d{1,19})?(,(\\d{1,19})?){0,1023}");
    private static final int MAX_LENGTH = 8192;

    public EventId {
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace must be 1-32 characters of A-Z, a-z, 0-9, '_' and '-'");
        }
        prices = prices.clone();
        news = news.clone();
    }

    /** @return the cursor, or empty when the text is not a cursor of this namespace */
    public static Optional<EventId> parse(String text, String expectedNamespace) {
        if (text == null || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String[] parts = text.split(":", -1);
        if (parts.length != 3 || !parts[0].equals(expectedNamespace)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new EventId(parts[0], positions(parts[1]), positions(parts[2])));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }

    public String format() {
        return namespace + ':' + join(prices) + ':' + join(news);
    }

    private static long[] positions(String csv) {
        if (!POSITIONS.matcher(csv).matches()) {
            throw new IllegalArgumentException("not a list of positions");
        }
        if (csv.isEmpty()) {
            return new long[0];
        }
        String[] cells = csv.split(",", -1);
        long[] positions = new long[cells.length];
        for (int i = 0; i < cells.length; i++) {
            positions[i] = cells[i].isEmpty() ? UNKNOWN : Long.parseLong(cells[i]);
        }
        return positions;
    }

    private static String join(long[] positions) {
        StringBuilder out = new StringBuilder(positions.length * 6);
        for (int i = 0; i < positions.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            if (positions[i] != UNKNOWN) {
                out.append(positions[i]);
            }
        }
        return out.toString();
    }

    @Override
    public long[] prices() {
        return prices.clone();
    }

    @Override
    public long[] news() {
        return news.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EventId id && namespace.equals(id.namespace)
                && Arrays.equals(prices, id.prices) && Arrays.equals(news, id.news);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * namespace.hashCode() + Arrays.hashCode(prices)) + Arrays.hashCode(news);
    }

    @Override
    public String toString() {
        return format();
    }
}
