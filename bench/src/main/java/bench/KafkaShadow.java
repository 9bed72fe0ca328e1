package bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A diagnostic: market-stream's Kafka traffic without market-stream. Publishes at a rate to a topic of its own, as the
 * load generator publishes to market-stream (same producer settings, same payload size), and reads it back with a bare
 * consumer that fetches as the pod's live consumer does. Run beside an nchan-only run, it puts on the box what the
 * broker and a consumer cost market-stream's windows, so the two servers' tails can be compared under the same
 * load of the machine's other processes.
 *
 * <p>Arguments: bootstrap servers, events/s, partitions. Runs until stopped, and prints every 10 s what it has
 * published, had acknowledged and read back; exits with 1 if its consumer fails.
 */
public final class KafkaShadow {

    private static final String TOPIC = "bench.shadow";
    private static final AtomicLong READ = new AtomicLong();

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        double rate = Double.parseDouble(args[1]);
        int partitions = Integer.parseInt(args[2]);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(Set.of(new NewTopic(TOPIC, partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        Thread reader = new Thread(() -> {
            try {
                read(bootstrap);
            } catch (RuntimeException e) {
                e.printStackTrace();
                System.exit(1);
            }
        }, "shadow-consumer");
        reader.setDaemon(true);
        reader.start();
        String[] channels = new String[100];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = "SHADOW" + i;
        }
        try (KafkaPublisher publisher = new KafkaPublisher(bootstrap, TOPIC)) {
            Thread status = new Thread(() -> report(publisher), "shadow-status");
            status.setDaemon(true);
            status.start();
            new Pacer(publisher, channels).run(rate, Double.MAX_VALUE, Long.MAX_VALUE);
        }
    }

    private static void report(KafkaPublisher publisher) {
        while (true) {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                return;
            }
            System.out.printf("%s acknowledged %d, failed %d, read back %d%n", Instant.now(), publisher.acked(),
                    publisher.failed(), READ.get());
        }
    }

    private static void read(String bootstrap) {
        try (KafkaConsumer<byte[], byte[]> consumer = HopProbe.atEnd(bootstrap, TOPIC, "bench-shadow")) {
            while (true) {
                READ.addAndGet(consumer.poll(Duration.ofSeconds(1)).count());
            }
        }
    }
}
