package io.marketstream.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.marketstream.dev.EmbeddedKafkaBroker;
import io.marketstream.testing.Nginx;
import io.marketstream.testing.Pod;
import io.marketstream.testing.PodMetrics;
import io.marketstream.testing.Pods;
import io.marketstream.testing.RedisServer;
import io.marketstream.testing.TestFeed;
import io.marketstream.testing.TestKafka;

/**
 * The dashboard in headless Chromium through the deployment's nginx ({@code docker/nginx.conf}) in front of two
 * packaged-jar pods on a real Kafka broker and Redis, with a live feed of the page's default watchlist (20 ticks/s).
 * The pod serving the page's stream is killed (SIGKILL): the page shows reconnecting, then live, and ends with every
 * symbol's last price as produced, having received every price once, in order, across the reconnection.
 *
 * <p>The page is driven by {@code src/test/browser/system/failover.test.js}; the two meet in a handshake directory
 * (described at the top of that file). Node writes {@code ready} once the page is live; this test then kills the pod
 * whose {@code market_stream_connections} is 1 and writes {@code killed}; goes on producing while the page has no
 * stream (it reconnects after the 3 s {@code retry:}); stops the feed, produces one last price per symbol and writes
 * {@code final.json}. Needs node, npm, Debian's chromium and nginx, which {@code .ci/run} installs; the Maven profile
 * {@code browser} runs it.
 */
class DashboardFailoverIT {

    private static final Path BROWSER_TESTS = Path.of("src/test/browser");
    private static final String NODE_TEST = "system/failover.test.js";
    private static final Path OUT = Path.of("target/browser");
    private static final Path HANDSHAKE = OUT.resolve("failover");
    private static final Path CHROMIUM = Path.of(Objects.requireNonNullElse(System.getenv("CHROMIUM_PATH"),
            "/usr/bin/chromium"));
    /** The page's default watchlist ({@code DEFAULT_SYMBOLS} of watchlist.js): what a fresh browser shows. */
    private static final List<String> SYMBOLS = List.of("AAPL", "MSFT", "GOOG", "AMZN", "NVDA");
    private static final long TICK_MILLIS = 50;
    /** Ticks produced after the kill, while the page has no stream: 1 s of the feed, well within the 3 s retry. */
    private static final int TICKS_WHILE_CUT_OFF = 20;
    private static final Duration POD_READY = Duration.ofSeconds(120);
    private static final Duration NODE_READY = Duration.ofSeconds(120);
    private static final Duration NODE_TIMEOUT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafkaBroker broker;
    private static RedisServer redis;
    private static Pods pods;
    private static Nginx nginx;
    private static Market market;
    private static long classBegan;

    @BeforeAll
    static void start() throws Exception {
        classBegan = System.nanoTime();
        // First, so a machine without them fails at once and says why, before anything slow starts.
        String nginxBinary = Nginx.requireBinary();
        Nginx.requireConfig();
        requireNodeAndChromium();
        installNodeModules();

        broker = TestKafka.start();
        redis = RedisServer.start();
        pods = Pods.start(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(), "quarkus.redis.hosts",
                redis.uri()), "web-a", "web-b");
        nginx = Nginx.start(nginxBinary, pods.all().stream().map(Pod::port).toList());
        pods.awaitReady(POD_READY);
        log("%s", pods.startupReport().replace("\n", "; "));
        log("nginx %s on port %d, config %s", nginx.version(), nginx.port(), Nginx.CONFIG);
        market = Market.start(broker.bootstrapServers(), SYMBOLS, TICK_MILLIS);
    }

    @AfterAll
    static void stop() {
        if (market != null) {
            market.close();
        }
        if (nginx != null) {
            nginx.close();
        }
        if (pods != null) {
            pods.close();
        }
        if (redis != null) {
            redis.stop();
        }
        if (broker != null) {
            broker.close();
        }
        log("total run time %d ms (nginx, Kafka, Redis, 2 pods, Chromium)", millisSince(classBegan));
    }

    @Test
    void killingThePodServingThePageShowsReconnectingThenLiveAndMissesNoPrice() throws Exception {
        recreate(HANDSHAKE);
        Path log = OUT.resolve("failover-node.log");
        ProcessBuilder builder = new ProcessBuilder("node", "--test", "--test-reporter=spec", NODE_TEST)
                .directory(BROWSER_TESTS.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("MARKET_STREAM_URL", nginx.uri("").toString());
        pageFiles().ifPresent(url -> builder.environment().put("MARKET_STREAM_PAGE_URL", url));
        builder.environment().put("FAILOVER_DIR", HANDSHAKE.toAbsolutePath().toString());
        Process node = builder.start();
        try {
            awaitFromNode(node, "ready");
            Pod serving = podServingTheOneStream();
            Map<String, Integer> producedBeforeKill = market.counts();
            long killedAt = System.currentTimeMillis();
            serving.kill();
            write("killed", Map.of("pod", serving.name(), "at", killedAt));
            log("SIGKILL %s (exit %d), the pod serving the page's stream", serving.name(), serving.exitValue());

            market.awaitTicks(TICKS_WHILE_CUT_OFF);
            market.stop();
            Map<String, BigDecimal> last = market.publishLastPrices();
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("lastPrices", last);
            expected.put("producedPrices", market.produced());
            Map<String, Integer> producedAfterKill = new LinkedHashMap<>();
            market.counts().forEach((symbol, count) -> producedAfterKill.put(symbol,
                    count - producedBeforeKill.get(symbol)));
            expected.put("producedAfterKill", producedAfterKill);
            expected.put("publishedAt", System.currentTimeMillis());
            write("final.json", expected);
            log("feed stopped %d ms after the kill; prices produced since, by symbol %s; last prices %s",
                    System.currentTimeMillis() - killedAt, producedAfterKill, last);

            boolean exited = node.waitFor(NODE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(exited).as("node --test %s finished within %s", NODE_TEST, NODE_TIMEOUT).isTrue();
            assertThat(node.exitValue()).as("node --test %s in %s (log %s)\n%s\n%s", NODE_TEST, BROWSER_TESTS, log,
                    nginx.errorLogTail(20), podLogs()).isZero();
        } finally {
            destroy(node);
            // Through System.out, not inherited: the forked test JVM's own stdout is Surefire's channel.
            System.out.println(Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    /**
     * Where the browser gets the page's own files: nginx when it serves them; else (docker/nginx.conf routes only
     * /v1/, as the ingress) a pod, whose files node serves to the browser on nginx's origin.
     */
    private static Optional<String> pageFiles() throws IOException, InterruptedException {
        HttpResponse<Void> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(nginx.uri("/")).build(),
                HttpResponse.BodyHandlers.discarding());
        boolean served = page.statusCode() == 200
                && page.headers().firstValue("Content-Type").orElse("").startsWith("text/html");
        log("nginx %s the page at / (%d)", served ? "serves" : "does not serve", page.statusCode());
        return served ? Optional.empty() : Optional.of(pods.get("web-a").uri("").toString());
    }

    /** Waits for a file node writes in the handshake directory; fails at once if node has exited without it. */
    private static void awaitFromNode(Process node, String name) {
        Path file = HANDSHAKE.resolve(name);
        await("node to write " + file).atMost(NODE_READY).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!node.isAlive() && !Files.exists(file)) {
                throw new AssertionError("node exited with " + node.exitValue() + " before writing " + file
                        + " (its log follows)");
            }
            return Files.exists(file);
        });
    }

    /** The pod with the page's stream: once the pods count one stream in all, the pod that counts it. */
    private static Pod podServingTheOneStream() {
        Map<String, Integer> streams = await("the page's one stream on a pod").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100)).until(() -> PodMetrics.streams(pods.all()),
                        counts -> counts.values().stream().mapToInt(Integer::intValue).sum() == 1);
        log("streams per pod once the page is live: %s", streams);
        return streams.entrySet().stream().filter(e -> e.getValue() == 1).map(e -> pods.get(e.getKey()))
                .findFirst().orElseThrow();
    }

    /** Written whole, then renamed into place: node never reads half a file. */
    private static void write(String name, Object content) throws IOException {
        Path tmp = HANDSHAKE.resolve(name + ".tmp");
        JSON.writeValue(tmp.toFile(), content);
        Files.move(tmp, HANDSHAKE.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private static String podLogs() {
        List<String> tails = new ArrayList<>();
        pods.all().forEach(pod -> tails.add(pod.logTail(30)));
        return String.join("\n", tails);
    }

    private static void requireNodeAndChromium() throws InterruptedException {
        try {
            Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String output = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            version.waitFor();
            assertThat(output).as("node >= 20 is needed, found %s", output).matches("v(2\\d|[3-9]\\d)\\..*");
        } catch (IOException e) {
            throw new AssertionError("node is not installed: the browser tests need node >= 20, npm and chromium "
                    + "(apt-get install nodejs npm chromium; .ci/run installs them)", e);
        }
        if (!Files.isExecutable(CHROMIUM)) {
            throw new AssertionError("No Chromium at " + CHROMIUM + ": apt-get install -y chromium (.ci/run does), "
                    + "or set CHROMIUM_PATH");
        }
    }

    /** {@code npm ci} from the lock file, when .ci/run (or a developer) has not done it already. */
    private static void installNodeModules() throws Exception {
        if (Stream.of("playwright-core", "axe-core")
                .allMatch(name -> Files.isRegularFile(BROWSER_TESTS.resolve("node_modules/" + name + "/package.json")))) {
            return;
        }
        Files.createDirectories(OUT);
        Path log = OUT.resolve("npm-ci.log");
        Process npm;
        try {
            npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(BROWSER_TESTS.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new AssertionError("npm is not installed: apt-get install npm (.ci/run installs it)", e);
        }
        boolean done = npm.waitFor(5, TimeUnit.MINUTES);
        if (!done) {
            destroy(npm);
        }
        assertThat(done && npm.exitValue() == 0).as("npm ci in %s:\n%s", BROWSER_TESTS,
                Files.readString(log, StandardCharsets.UTF_8)).isTrue();
    }

    private static void recreate(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(dir);
    }

    private static void destroy(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    private static void log(String format, Object... args) {
        System.out.printf("[failover] %6.1f s  %s%n", millisSince(classBegan) / 1000.0, String.format(format, args));
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /**
     * Random-walk prices for a few symbols, one tick every period in turn, each recorded once Kafka has it: the
     * prices produced for each symbol, in order.
     */
    private static final class Market implements AutoCloseable {

        private final TestFeed feed;
        private final List<String> symbols;
        private final double[] walk;
        private final Map<String, List<BigDecimal>> produced = new LinkedHashMap<>();
        private final AtomicLong ticks = new AtomicLong();
        private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(
                r -> new Thread(r, "failover-feed"));

        private Market(String bootstrapServers, List<String> symbols) {
            this.feed = new TestFeed(bootstrapServers);
            this.symbols = symbols;
            this.walk = symbols.stream().mapToDouble(s -> 50 + ThreadLocalRandom.current().nextDouble(400)).toArray();
            symbols.forEach(s -> produced.put(s, new ArrayList<>()));
        }

        static Market start(String bootstrapServers, List<String> symbols, long periodMillis) {
            Market market = new Market(bootstrapServers, symbols);
            market.clock.scheduleAtFixedRate(() -> market.tick((int) (market.ticks.get() % symbols.size())), 0,
                    periodMillis, TimeUnit.MILLISECONDS);
            return market;
        }

        /** Waits until {@code count} more ticks have been produced. */
        void awaitTicks(int count) {
            long target = ticks.get() + count;
            await("%d more ticks".formatted(count)).atMost(Duration.ofSeconds(10)).until(() -> ticks.get() >= target);
        }

        /** Stops the clock; returns once no tick is being produced. */
        void stop() throws InterruptedException {
            clock.shutdown();
            assertThat(clock.awaitTermination(10, TimeUnit.SECONDS)).as("the feed stopped").isTrue();
        }

        /** One more price per symbol, each different from the one before; returns them, by symbol. */
        Map<String, BigDecimal> publishLastPrices() {
            Map<String, BigDecimal> last = new LinkedHashMap<>();
            for (int i = 0; i < symbols.size(); i++) {
                last.put(symbols.get(i), tick(i));
            }
            return last;
        }

        synchronized Map<String, Integer> counts() {
            Map<String, Integer> counts = new LinkedHashMap<>();
            produced.forEach((symbol, prices) -> counts.put(symbol, prices.size()));
            return counts;
        }

        synchronized Map<String, List<BigDecimal>> produced() {
            Map<String, List<BigDecimal>> copy = new LinkedHashMap<>();
            produced.forEach((symbol, prices) -> copy.put(symbol, List.copyOf(prices)));
            return copy;
        }

        private synchronized BigDecimal tick(int i) {
            String symbol = symbols.get(i);
            List<BigDecimal> before = produced.get(symbol);
            BigDecimal price;
            do {
                walk[i] = Math.max(1, walk[i] * (1 + ThreadLocalRandom.current().nextGaussian() * 0.002));
                price = BigDecimal.valueOf(Math.round(walk[i] * 100), 2);
            } while (!before.isEmpty() && before.get(before.size() - 1).compareTo(price) == 0);
            feed.send(TestFeed.PRICES, symbol, String.format(Locale.ROOT, "{\"symbol\":\"%s\",\"price\":%s,"
                    + "\"currency\":\"USD\",\"bid\":%s,\"ask\":%s,\"volume\":100,\"ts\":\"%s\"}", symbol, price,
                    price.subtract(new BigDecimal("0.01")), price.add(new BigDecimal("0.01")), Instant.now()));
            before.add(price);
            ticks.incrementAndGet();
            return price;
        }

        @Override
        public void close() {
            clock.shutdownNow();
            feed.close();
        }
    }
}
