package io.marketstream.event;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The SSE {@code id} of an event: a cursor that says, for every partition of the prices and the news topic, the
 * Kafka position (next offset) up to which the connection has been given every event of its channels.
 *
 * <p>It is built from Kafka positions only, never from a per-pod counter, so any pod can resume from it. Because it
 * names every partition, it is exact for a connection that multiplexes channels spread over several partitions.
 * Wire form: {@code <namespace>:<prices positions>:<news positions>}, e.g. {@code ms1:120,98,133:14,9,22};
 * a partition whose position is unknown is written {@code _}. See {@code docs/reconnection.md}.
 *
 * @param namespace names the deployment (topics and cluster) the positions belong to
 * @param prices position per partition of the prices topic, {@link #UNKNOWN} where not known
 * @param news position per partition of the news topic, {@link #UNKNOWN} where not known
 */
public record EventId(String namespace, long[] prices, long[] news) {

    public static final long UNKNOWN = -1;
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Pattern POSITION = Pattern.compile("\\d{1,19}|_");
    private static final String UNKNOWN_TEXT = "_";
    /** Far more partitions than a topic of this service has; bounds the work a forged id can cause. */
    public static final int MAX_PARTITIONS = 1024;
    private static final int MAX_LENGTH = 2 * 21 * MAX_PARTITIONS + 64;

    public EventId {
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace must be 1-32 characters of A-Z, a-z, 0-9, '_' and '-'");
        }
        prices = checked("prices", prices);
        news = checked("news", news);
    }

    private static long[] checked(String topic, long[] positions) {
        if (positions == null || positions.length > MAX_PARTITIONS) {
            throw new IllegalArgumentException(topic + " positions must be given, for at most " + MAX_PARTITIONS
                    + " partitions");
        }
        for (long position : positions) {
            if (position < UNKNOWN) {
                throw new IllegalArgumentException(topic + " positions must not be negative");
            }
        }
        return positions.clone();
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

    /** The position of a partition, or {@link #UNKNOWN}. */
    public long position(Partition partition) {
        long[] positions = partition.topic() == MarketEvent.Topic.PRICES ? prices : news;
        return partition.number() < positions.length ? positions[partition.number()] : UNKNOWN;
    }

    /** Every partition this cursor names, with a known position. */
    public Map<Partition, Long> positions() {
        Map<Partition, Long> all = new HashMap<>();
        for (int i = 0; i < prices.length; i++) {
            if (prices[i] != UNKNOWN) {
                all.put(new Partition(MarketEvent.Topic.PRICES, i), prices[i]);
            }
        }
        for (int i = 0; i < news.length; i++) {
            if (news[i] != UNKNOWN) {
                all.put(new Partition(MarketEvent.Topic.NEWS, i), news[i]);
            }
        }
        return all;
    }

    /** A copy with one position set. */
    public EventId with(Partition partition, long position) {
        long[] p = prices;
        long[] n = news;
        if (partition.topic() == MarketEvent.Topic.PRICES) {
            p = Arrays.copyOf(prices, Math.max(prices.length, partition.number() + 1));
            Arrays.fill(p, prices.length, p.length, UNKNOWN);
            p[partition.number()] = position;
        } else {
            n = Arrays.copyOf(news, Math.max(news.length, partition.number() + 1));
            Arrays.fill(n, news.length, n.length, UNKNOWN);
            n[partition.number()] = position;
        }
        return new EventId(namespace, p, n);
    }

    /** The larger position of the two, partition by partition. */
    public EventId max(EventId other) {
        return new EventId(namespace, max(prices, other.prices), max(news, other.news));
    }

    /** True when no position of {@code other} is ahead of this one's. */
    public boolean covers(EventId other) {
        return covers(prices, other.prices) && covers(news, other.news);
    }

    private static long[] max(long[] a, long[] b) {
        long[] out = new long[Math.max(a.length, b.length)];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(i < a.length ? a[i] : UNKNOWN, i < b.length ? b[i] : UNKNOWN);
        }
        return out;
    }

    private static boolean covers(long[] mine, long[] theirs) {
        for (int i = 0; i < theirs.length; i++) {
            if (theirs[i] != UNKNOWN && (i >= mine.length || mine[i] < theirs[i])) {
                return false;
            }
        }
        return true;
    }

    public String format() {
        return namespace + ':' + join(prices) + ':' + join(news);
    }

    private static long[] positions(String csv) {
        if (csv.isEmpty()) {
            return new long[0];
        }
        String[] cells = csv.split(",", -1);
        if (cells.length > MAX_PARTITIONS) {
            throw new IllegalArgumentException("too many partitions");
        }
        long[] positions = new long[cells.length];
        for (int i = 0; i < cells.length; i++) {
            if (!POSITION.matcher(cells[i]).matches()) {
                throw new IllegalArgumentException("not a position: " + cells[i]);
            }
            positions[i] = cells[i].equals(UNKNOWN_TEXT) ? UNKNOWN : Long.parseLong(cells[i]);
        }
        return positions;
    }

    private static String join(long[] positions) {
        StringBuilder out = new StringBuilder(positions.length * 6);
        for (int i = 0; i < positions.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            if (positions[i] == UNKNOWN) {
                out.append(UNKNOWN_TEXT);
            } else {
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
