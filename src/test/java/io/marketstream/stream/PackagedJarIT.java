package io.marketstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import org.junit.jupiter.api.Test;

import io.marketstream.testing.KafkaBrokerResource;
import io.marketstream.testing.LiveService;
import io.marketstream.testing.Pod;
import io.marketstream.testing.SseClient;
import io.marketstream.testing.TestFeed;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The production jar, run as its own process (prod profile) against the real broker. */
@QuarkusIntegrationTest
@WithTestResource(KafkaBrokerResource.class)
class PackagedJarIT {

    @Test
    void productionJarStreamsFromKafka() {
        LiveService.awaitReady();
        try (SseClient client = SseClient.open(LiveService.uri("/v1/stream?channels=prices.PKG,news"));
                TestFeed feed = new TestFeed()) {
            await().until(() -> !client.frames().isEmpty());
            feed.price("PKG", 42);
            assertThat(client.awaitEvent(f -> "price".equals(f.event())).data()).contains("\"symbol\":\"PKG\"");
        }
    }

    @Test
    void productionJarLeavesOutTheInProcessBroker() throws IOException {
        try (JarFile jar = new JarFile(Pod.JAR.toFile())) {
            assertThat(jar.stream().map(JarEntry::getName))
                    .contains("org/apache/kafka/clients/consumer/KafkaConsumer.class",
                            "io/marketstream/stream/Hub.class")
                    .doesNotContain("kafka/server/KafkaRaftServer.class")
                    .noneMatch(name -> name.startsWith("scala/"));
        }
    }

    /**
     * The class-data archive the build writes is usable by the JVM that runs the jar ({@code -Xshare:on} refuses to
     * start otherwise) and holds what a pod loads up to ready: the framework, the Kafka client and this service.
     */
    @Test
    void classDataArchiveHoldsWhatAPodLoadsToStart() throws IOException {
        assertThat(Pod.ARCHIVE).isRegularFile();
        Path classes = Path.of("target/pods/class-data-archive-classes.log").toAbsolutePath();
        Files.deleteIfExists(classes);
        try (Pod pod = Pod.start("class-data-archive", Map.of("kafka.bootstrap.servers", "127.0.0.1:9"),
                List.of("-Xshare:on", "-Xlog:class+load=info:file=" + classes))) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> !pod.alive() || Files.readString(pod.log()).contains("started in"));
            assertThat(Files.readString(pod.log())).as("the pod's log").contains("started in");
        }
        List<String> shared = Files.readAllLines(classes).stream()
                .filter(line -> line.endsWith("source: shared objects file (top)"))
                .toList();
        assertThat(shared)
                .anyMatch(line -> line.contains(" io.quarkus.runtime.Application "))
                .anyMatch(line -> line.contains(" io.vertx.core.http.impl.HttpServerImpl "))
                .anyMatch(line -> line.contains(" org.apache.kafka.clients.consumer.KafkaConsumer "))
                .anyMatch(line -> line.contains(" io.marketstream.stream.Hub "));
    }
}
