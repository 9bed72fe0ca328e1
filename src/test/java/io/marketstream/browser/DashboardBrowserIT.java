package io.marketstream.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.marketstream.dev.EmbeddedKafkaBroker;
import io.marketstream.testing.KafkaBrokerResource;
import io.marketstream.testing.Pod;
import io.marketstream.testing.TestFeed;

/**
 * The dashboard page in a real headless Chromium: the packaged jar on a real Kafka broker with a live feed (50 ticks/s,
 * a news item every 700 ms), and the node test suite of {@code src/test/browser} run against it. Needs node, npm and
 * Debian's chromium, which {@code .ci/run} installs; the Maven profile {@code browser} runs it.
 */
class DashboardBrowserIT {

    private static final Path BROWSER_TESTS = Path.of("src/test/browser");
    private static final Path OUT = Path.of("target/browser");
    private static final Duration NODE_TIMEOUT = Duration.ofMinutes(5);
    /** The page's default watchlist, the symbols the browser test adds, and a few it never shows. */
    private static final List<String> SYMBOLS = List.of("AAPL", "MSFT", "GOOG", "AMZN", "NVDA", "TSLA", "META", "IBM",
            "ORCL", "INTC");
    private static final List<List<String>> NEWS_TAGS = List.of(List.of("AAPL"), List.of("IBM", "ORCL"), List.of(),
            List.of("INTC"), List.of("NVDA", "MSFT"), List.of("ORCL"));

    private static EmbeddedKafkaBroker broker;
    private static Pod pod;
    private static TestFeed feed;
    private static ScheduledExecutorService market;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.start(0);
        Map<String, Integer> topics = new LinkedHashMap<>();
        topics.put(KafkaBrokerResource.PRICES_TOPIC, 3);
        topics.put(KafkaBrokerResource.NEWS_TOPIC, 3);
        topics.put(KafkaBrokerResource.DLQ_TOPIC, 1);
        broker.createTopics(topics);
        pod = Pod.start("dashboard", Map.of("kafka.bootstrap.servers", broker.bootstrapServers()))
                .awaitReady(Duration.ofSeconds(180));
        feed = new TestFeed(broker.bootstrapServers());
        market = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "dashboard-feed"));
        // Prices start between 150 and 450, so no random walk of this test reaches 100 or 1,000: a price that gains a
        // digit moves its right-aligned text, which the page test counts as a layout shift of the price table (the
        // likely cause of one failed run, whose shifts were all of a price cell's text).
        double[] prices = SYMBOLS.stream().mapToDouble(s -> 150 + ThreadLocalRandom.current().nextDouble(300))
                .toArray();
        AtomicLong step = new AtomicLong();
        market.scheduleAtFixedRate(() -> tick(prices, (int) (step.getAndIncrement() % SYMBOLS.size())), 0, 20,
                TimeUnit.MILLISECONDS);
        AtomicLong news = new AtomicLong();
        market.scheduleAtFixedRate(() -> news(news.incrementAndGet()), 0, 700, TimeUnit.MILLISECONDS);
    }

    @AfterAll
    static void stop() {
        if (market != null) {
            market.shutdownNow();
        }
        if (feed != null) {
            feed.close();
        }
        if (pod != null) {
            pod.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void dashboardWorksInHeadlessChromium() throws Exception {
        installNodeModules();
        Files.createDirectories(OUT);
        Path log = OUT.resolve("node-test.log");
        // Named, not discovered: tests of other set-ups (a proxy in front of several pods) may live beside these.
        ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-reporter=spec", "dashboard.test.js", "unit/")
                .directory(BROWSER_TESTS.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        node.environment().put("MARKET_STREAM_URL", pod.uri("").toString());
        node.environment().put("SCREENSHOT", OUT.resolve("dashboard.png").toAbsolutePath().toString());
        int exit = run(node, NODE_TIMEOUT, log);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        // Through System.out, not inherited: the forked test JVM's own stdout is Surefire's channel.
        System.out.println(output);
        assertThat(exit).as("node --test in %s (log %s)\n%s", BROWSER_TESTS, log, pod.logTail(30)).isZero();
    }

    /** {@code npm ci} from the lock file, when .ci/run (or a developer) has not done it already. */
    private static void installNodeModules() throws Exception {
        if (Stream.of("playwright-core", "axe-core")
                .allMatch(name -> Files.isRegularFile(BROWSER_TESTS.resolve("node_modules/" + name + "/package.json")))) {
            return;
        }
        Path log = OUT.resolve("npm-ci.log");
        Files.createDirectories(OUT);
        ProcessBuilder npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(
                BROWSER_TESTS.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        assertThat(run(npm, Duration.ofMinutes(5), log)).as("npm ci in %s:\n%s", BROWSER_TESTS,
                Files.readString(log, StandardCharsets.UTF_8)).isZero();
    }

    private static int run(ProcessBuilder builder, Duration timeout, Path log) throws Exception {
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError(builder.command().get(0) + " is not installed: the browser tests need node, npm and "
                    + "chromium (apt-get install nodejs npm chromium; .ci/run installs them)", e);
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", builder.command()) + " did not finish within " + timeout + "\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return process.exitValue();
    }

    private static void tick(double[] prices, int i) {
        try {
            prices[i] = Math.max(1, prices[i] * (1 + ThreadLocalRandom.current().nextGaussian() * 0.002));
            double price = Math.round(prices[i] * 100) / 100.0;
            feed.send(TestFeed.PRICES, SYMBOLS.get(i), String.format(Locale.ROOT,
                    "{\"symbol\":\"%s\",\"price\":%.2f,\"currency\":\"USD\",\"bid\":%.2f,\"ask\":%.2f,\"volume\":100,"
                            + "\"ts\":\"%s\"}", SYMBOLS.get(i), price, price - 0.01, price + 0.01, Instant.now()));
        } catch (RuntimeException e) {
            // The broker is stopping at the end of the test; a scheduled task must not die silently before that.
            if (!market.isShutdown()) {
                throw e;
            }
        }
    }

    private static void news(long n) {
        try {
            List<String> tags = NEWS_TAGS.get((int) (n % NEWS_TAGS.size()));
            String subject = tags.isEmpty() ? "Markets" : String.join(", ", tags);
            String symbols = tags.stream().map(s -> "\"" + s + "\"").reduce((a, b) -> a + "," + b).orElse("");
            feed.send(TestFeed.NEWS, "it-" + n, "{\"id\":\"it-" + n + "\",\"headline\":\"" + subject + " move on item "
                    + n + "\",\"summary\":\"s\",\"source\":\"dashboard test feed\",\"url\":\"https://example.com/it-"
                    + n + "\",\"symbols\":[" + symbols + "],\"ts\":\"" + Instant.now() + "\"}");
        } catch (RuntimeException e) {
            if (!market.isShutdown()) {
                throw e;
            }
        }
    }
}
