package io.marketstream.dev;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka (KRaft, combined broker and controller) running inside this JVM, on loopback only,
 * with its data in a temporary directory that {@link #close()} removes. Meant for dev mode and tests.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final long STARTUP_TIMEOUT_MS = 60_000;

    private final Path workDir;
    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafkaBroker(Path workDir, KafkaRaftServer server, String bootstrapServers) {
        this.workDir = workDir;
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts a broker on {@code port} (0 picks a free one) and returns once clients can use it. */
    public static EmbeddedKafkaBroker start(int port) {
        return start(port, Map.of());
    }

    /** As {@link #start(int)}, with broker settings in place of this class's (or added to them). */
    public static EmbeddedKafkaBroker start(int port, Map<String, String> settings) {
        Path workDir = null;
        KafkaRaftServer server = null;
        try {
            workDir = Files.createTempDirectory("embedded-kafka-");
            int[] ports = reservePorts(port, 0);
            int brokerPort = ports[0];
            int controllerPort = ports[1];
            String bootstrap = LOOPBACK.getHostAddress() + ":" + brokerPort;

            Properties props = brokerProperties(workDir.resolve("logs"), brokerPort, controllerPort);
            props.putAll(settings);
            format(workDir.resolve("server.properties"), props);
            server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            // Blocks until the broker is unfenced, bounded by server.max.startup.time.ms.
            server.startup();
            awaitClients(bootstrap);
            return new EmbeddedKafkaBroker(workDir, server, bootstrap);
        } catch (Throwable e) {
            // Errors too: a NoClassDefFoundError from a missing Kafka runtime jar must not leak the temp dir.
            try {
                stop(server);
                deleteRecursively(workDir);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("Embedded Kafka broker did not start", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Package-private so the test can check that {@link #close()} removes it. */
    Path dataDir() {
        return workDir;
    }

    /** Creates the topics that do not exist yet (replication factor 1); existing ones are left as they are. */
    public void createTopics(Map<String, Integer> nameToPartitions) {
        try (Admin admin = admin(bootstrapServers)) {
            var topics = nameToPartitions.entrySet().stream()
                    .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1))
                    .toList();
            for (var result : admin.createTopics(topics).values().entrySet()) {
                try {
                    result.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Could not create topic " + result.getKey(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Timed out creating topics " + nameToPartitions.keySet(), e);
        }
    }

    /** Stops the broker, waits until its threads and sockets are gone, and deletes its data. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            stop(server);
            deleteRecursively(workDir);
        }
    }

    private static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
        String host = LOOPBACK.getHostAddress();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        // A static voter set needs no dynamic-quorum bootstrapping, so formatting needs no --standalone.
        p.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + host + ":" + brokerPort + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("server.max.startup.time.ms", String.valueOf(STARTUP_TIMEOUT_MS));
        // Internal topics default to replication factor 3, which one node can never satisfy.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Consumers in tests and dev mode should get their partitions at once, not after 3 s.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "true");
        p.put("num.partitions", "3");
        // Keep the footprint small: the default cleaner buffer alone is 128 MiB of heap.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        p.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        return p;
    }

    /** Writes the KRaft bootstrap metadata (meta.properties and the first checkpoint) into the log dir. */
    private static void format(Path configFile, Properties props) throws IOException {
        try (OutputStream out = Files.newOutputStream(configFile)) {
            props.store(out, "embedded Kafka broker");
        }
        // StorageTool is the code behind kafka-storage.sh; its Formatter lives in a runtime-only jar.
        var output = new ByteArrayOutputStream();
        String[] args = {"format", "--config", configFile.toString(), "--cluster-id", Uuid.randomUuid().toString()};
        int exitCode = StorageTool.execute(args, new PrintStream(output, true, StandardCharsets.UTF_8));
        if (exitCode != 0) {
            throw new IllegalStateException("kafka-storage format failed: " + output.toString(StandardCharsets.UTF_8));
        }
    }

    private static void awaitClients(String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            admin.describeCluster().nodes().get(STARTUP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin"));
    }

    /**
     * Binds every port at once (0 = any free one) and releases them just before Kafka binds them: the chosen
     * ports are distinct, and a fixed port that is already taken fails here with a plain BindException.
     */
    private static int[] reservePorts(int... requested) throws IOException {
        var sockets = new ServerSocket[requested.length];
        try {
            int[] ports = new int[requested.length];
            for (int i = 0; i < requested.length; i++) {
                sockets[i] = new ServerSocket(requested[i], 0, LOOPBACK);
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    private static void stop(KafkaRaftServer server) {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + dir, e);
        }
    }
}
