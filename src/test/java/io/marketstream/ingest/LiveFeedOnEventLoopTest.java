package io.marketstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.Test;

import io.marketstream.config.IngestConfig;
import io.marketstream.config.StreamConfig;
import io.marketstream.event.MarketEvent;
import io.marketstream.stream.Hub;
import io.marketstream.testing.KafkaBrokerResource;
import io.marketstream.testing.LiveService;
import io.marketstream.testing.SseClient;
import io.marketstream.testing.TestFeed;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Context;

/**
 * The live path hands each poll to the hub on the live consumer's event loop. Quarkus calls a messaging method of
 * this signature on a worker thread unless it is marked non-blocking: a thread hop per poll, and then every loop's
 * share of the fan-out queued as a task, the consumer loop's too, instead of that share being written at once.
 */
@QuarkusTest
@TestProfile(LiveFeedOnEventLoopTest.ThreadRecording.class)
@WithTestResource(KafkaBrokerResource.class)
class LiveFeedOnEventLoopTest {

    public static final class ThreadRecording implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(ThreadRecordingHub.class);
        }
    }

    /**
     * The hub, noting for each publish whether it came on an event loop. A singleton, so it needs no client proxy:
     * ArC cannot add the no-args constructor a proxy needs to a subclass of a class that has none.
     */
    @Alternative
    @Singleton
    public static class ThreadRecordingHub extends Hub {

        final List<Boolean> onEventLoop = new CopyOnWriteArrayList<>();

        @Inject
        ThreadRecordingHub(StreamConfig stream, IngestConfig ingest, MeterRegistry registry) {
            super(stream, ingest, registry);
        }

        @Override
        public void publish(List<MarketEvent> events) {
            onEventLoop.add(Context.isOnEventLoopThread());
            super.publish(events);
        }
    }

    @Inject
    Hub hub;

    @Test
    void livePollsArePublishedOnAnEventLoop() {
        LiveService.awaitReady();
        try (TestFeed feed = new TestFeed();
                SseClient client = SseClient.open(LiveService.uri("/v1/stream/prices/LOOP"))) {
            await().until(() -> !client.frames().isEmpty());
            feed.price("LOOP", 1);
            feed.price("LOOP", 2);
            client.awaitEvents(2);
        }
        List<Boolean> publishes = ((ThreadRecordingHub) hub).onEventLoop;
        assertThat(publishes).isNotEmpty().containsOnly(true);
    }
}
