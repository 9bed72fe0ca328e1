package bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The Kafka hop alone, with none of market-stream's code: a bare consumer in a process of its own, fetching as the
 * pod's live consumer does (a long poll answered as soon as a record is there), reports per interval how long records
 * took from their Kafka timestamp (the producer's send) to the return of its poll. Run next to market-stream
 * ({@code bench/run.sh --hop-probe}), it tells how much of the end-to-end latency the broker hop costs on this box,
 * against the pod's own {@code market_live_delay_seconds}. A diagnostic: it adds a consumer to the broker, so it is
 * not for the runs that are compared.
 *
 * <p>Arguments: bootstrap servers, topic, interval in seconds. Millisecond resolution (the records' timestamps).
 */
public final class HopProbe {

    private static final int MAX_MS = 60_000;

    /**
     * A bare consumer of every partition of a topic from its end, that fetches as the pod's live consumer does: a long
     * poll answered as soon as a record is there.
     */
    static KafkaConsumer<byte[], byte[]> atEnd(String bootstrap, String topic, String clientId) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        return consumer;
    }

    public static void main(String[] args) throws InterruptedException {
        String bootstrap = args[0];
        String topic = args[1];
        long intervalMs = Long.parseLong(args[2]) * 1000;
        try (KafkaConsumer<byte[], byte[]> consumer = atEnd(bootstrap, topic, "bench-hop-probe")) {
            System.out.println("# time, records, p50 / p99 / p99.9 / max ms, share over 2 / 5 / 10 ms");
            long[] histogram = new long[MAX_MS + 1];
            long count = 0;
            long intervalStart = System.currentTimeMillis();
            while (true) {
                var records = consumer.poll(Duration.ofSeconds(1));
                long now = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    histogram[(int) Math.min(MAX_MS, Math.max(0, now - record.timestamp()))]++;
                    count++;
                }
                if (now - intervalStart >= intervalMs) {
                    if (count > 0) {
                        System.out.printf("%s %d %d / %d / %d / %d ms, %.2f / %.2f / %.2f %%%n", Instant.ofEpochMilli(now),
                                count, percentile(histogram, count, 0.50), percentile(histogram, count, 0.99),
                                percentile(histogram, count, 0.999), percentile(histogram, count, 1.0),
                                over(histogram, count, 2), over(histogram, count, 5), over(histogram, count, 10));
                        System.out.flush();
                    }
                    Arrays.fill(histogram, 0);
                    count = 0;
                    intervalStart = now;
                }
            }
        }
    }

    /** The smallest whole millisecond at or below which the given share of the records took. */
    private static int percentile(long[] histogram, long count, double share) {
        long wanted = (long) Math.ceil(share * count);
        long seen = 0;
        for (int ms = 0; ms < histogram.length; ms++) {
            seen += histogram[ms];
            if (seen >= wanted) {
                return ms;
            }
        }
        return MAX_MS;
    }

    /** Percent of the records that took more than the given milliseconds. */
    private static double over(long[] histogram, long count, int ms) {
        long above = 0;
        for (int i = ms + 1; i < histogram.length; i++) {
            above += histogram[i];
        }
        return 100.0 * above / count;
    }
}
