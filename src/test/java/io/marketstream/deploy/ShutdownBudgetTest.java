package io.marketstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class ShutdownBudgetTest {

    private static Properties properties(String... keysAndValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    @Test
    void aShutdownDelayThatIsTheDrainWindowIsFollowedByTheTimeout() {
        Properties app = properties("quarkus.shutdown.delay-enabled", "true",
                "quarkus.shutdown.delay", "${market.stream.drain-window:10s}", "quarkus.shutdown.timeout", "5s");

        assertThat(ShutdownBudget.afterSigterm(Map.of(), app)).isEqualTo(Duration.ofSeconds(15));
        assertThat(ShutdownBudget.afterSigterm(Map.of("MARKET_STREAM_DRAIN_WINDOW", "20s"), app))
                .isEqualTo(Duration.ofSeconds(25));
    }

    @Test
    void withoutADelayTheDrainRunsUnderTheTimeout() {
        assertThat(ShutdownBudget.afterSigterm(Map.of(), properties("quarkus.shutdown.timeout", "PT5S")))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(ShutdownBudget.afterSigterm(Map.of(), properties("quarkus.shutdown.timeout", "30",
                "market.stream.drain-window", "500ms"))).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theProdProfileAndTheEnvironmentWin() {
        Properties app = properties("market.stream.drain-window", "2s", "%prod.market.stream.drain-window", "4s",
                "%test.market.stream.drain-window", "0.2s");

        assertThat(ShutdownBudget.afterSigterm(Map.of(), app)).isEqualTo(Duration.ofSeconds(4));
        assertThat(ShutdownBudget.afterSigterm(Map.of("MARKET_STREAM_DRAIN_WINDOW", "1.5s"), app))
                .isEqualTo(Duration.ofMillis(1500));
    }
}
