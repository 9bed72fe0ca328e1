package bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) as a process of its own, so its CPU is
 * measured apart from market-stream's. Same settings as the service's dev broker (io.marketstream.dev), on a fixed
 * loopback port. Prints {@code READY host:port} once the topics exist and the group coordinator is loaded; stops on
 * SIGTERM.
 *
 * <p>Usage: {@code KafkaBroker <port> <data dir> <partitions of market.prices/market.news>}
 */
public final class KafkaBroker {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path dir = Path.of(args[1]);
        int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Files.createDirectories(dir);
        String host = "127.0.0.1";
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + host + ":" + (port + 1));
        p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + (port + 1));
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.resolve("logs").toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");

        Path config = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            p.store(out, "bench broker");
        }
        var output = new ByteArrayOutputStream();
        String[] format = {"format", "--config", config.toString(), "--cluster-id", Uuid.randomUuid().toString()};
        if (StorageTool.execute(format, new PrintStream(output, true, StandardCharsets.UTF_8)) != 0) {
            throw new IllegalStateException("format failed: " + output.toString(StandardCharsets.UTF_8));
        }
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(p, false), Time.SYSTEM);
        server.startup();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
            stopped.countDown();
        }));
        String bootstrap = host + ":" + port;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic("market.prices", partitions, (short) 1),
                    new NewTopic("market.news", partitions, (short) 1),
                    new NewTopic("market.dlq", 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        loadGroupCoordinator(bootstrap);
        System.out.println("READY " + bootstrap);
        System.out.flush();
        stopped.await();
    }

    /**
     * A broker of a running cluster has its offsets topic and a loaded group coordinator; a fresh one creates them
     * for the first consumer group that asks, which delayed the first market-stream start of every run by about
     * 0.2 s (measured: live consumer assigned 0.53 s after connecting, 0.31 s in later starts). One throwaway group
     * joins and commits here, so that scenario 5 measures market-stream's start, not the broker's first.
     */
    private static void loadGroupCoordinator(String bootstrap) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-broker-warm-up",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("market.dlq"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumer.assignment().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the warm-up consumer group was not assigned in 60 s");
                }
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.commitSync();
        }
    }
}
