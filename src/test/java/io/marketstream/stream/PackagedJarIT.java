package io.marketstream.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.marketstream.testing.KafkaBrokerResource;
import io.marketstream.testing.LiveService;
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
        try (Stream<Path> jars = Files.list(Path.of("target/quarkus-app/lib/main"))) {
            assertThat(jars.map(p -> p.getFileName().toString()))
                    .isNotEmpty()
                    .anyMatch(name -> name.startsWith("org.apache.kafka.kafka-clients"))
                    .noneMatch(name -> name.startsWith("org.apache.kafka.kafka_2.13"))
                    .noneMatch(name -> name.startsWith("org.scala-lang"));
        }
    }
}
