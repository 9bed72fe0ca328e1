package io.marketstream.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.marketstream.event.Channel;
import io.marketstream.event.MarketEvent;
import io.marketstream.testing.RedisServer;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;

/** The contract on a real redis-server, reached through the Quarkus data source the service uses (without Quarkus). */
class RedisReplayStoreTest extends ReplayStoreContract {

    private static RedisServer server;
    private static Vertx vertx;
    private static Redis client;
    private static ReactiveRedisDataSource redis;

    private final List<String> prefixes = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        server = RedisServer.start();
        vertx = Vertx.vertx();
        client = Redis.createClient(vertx, server.uri());
        redis = new ReactiveRedisDataSourceImpl(vertx, client, RedisAPI.api(client));
    }

    @AfterAll
    static void stopRedis() {
        if (client != null) {
            client.close();
        }
        if (vertx != null) {
            vertx.closeAndAwait();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Override
    protected ReplayStore newStore(int maxEvents, Duration maxAge) {
        String prefix = "t-" + UUID.randomUUID();
        prefixes.add(prefix);
        return new RedisReplayStore(redis, prefix, maxEvents, maxAge.toMillis());
    }

    @Override
    protected ReplayStore loseEverything(ReplayStore store) {
        server.flushAll();
        return store;
    }

    @Override
    @Test
    void latestBeforeFindsAnEventBehindManyNewerOnes() {
        super.latestBeforeFindsAnEventBehindManyNewerOnes();
    }

    @Test
    void aReadGoesBackOnlyAsFarAsTheOldestEventTheCallerLacks() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        List<MarketEvent> events = new ArrayList<>();
        LongStream.range(0, 20).forEach(offset -> events.add(price(1, offset, "AAPL")));
        LongStream.range(0, 980).forEach(offset -> events.add(price(0, offset, "AAPL")));
        join(store.append(events));

        long before = xrevrangeCalls();
        assertThat(offsets(store.read(AAPL, Map.of(PRICES_0, 975L, PRICES_1, 20L))))
                .containsExactlyElementsOf(LongStream.range(975, 980).mapToObj(o -> at(PRICES_0, o)).toList());
        assertThat(xrevrangeCalls() - before).as("one page: partition 1 has nothing after 20").isEqualTo(1);

        before = xrevrangeCalls();
        assertThat(offsets(store.read(AAPL, Map.of(PRICES_0, 980L, PRICES_1, 20L)))).isEmpty();
        assertThat(xrevrangeCalls() - before).as("nothing after the caller's positions: no page").isZero();

        before = xrevrangeCalls();
        assertThat(offsets(store.read(AAPL, Map.of(PRICES_0, 975L, PRICES_1, 19L))))
                .as("partition 1's last event is behind all of partition 0's")
                .containsExactlyElementsOf(Stream.concat(Stream.of(at(PRICES_1, 19)),
                        LongStream.range(975, 980).mapToObj(o -> at(PRICES_0, o))).toList());
        assertThat(xrevrangeCalls() - before).as("pages of 16, 64, 256, 512, 512: the whole stream").isEqualTo(5);
    }

    @Test
    void everyKeyIsUnderThePrefixAndHashTaggedByItsChannelOrByMeta() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        String prefix = prefixes.get(0);
        join(store.begin(PRICES_0, 0));
        append(store, price(0, 0, "AAPL"), news(0, 0, "AAPL"));
        join(store.written(PRICES_0, 1));
        join(store.checkpoint(Map.of(PRICES_0, 1L, NEWS_0, 1L)));

        List<String> keys = keys(prefix);

        assertThat(keys).allSatisfy(key -> assertThat(key).startsWith(prefix + ":"));
        assertThat(keys).extracting(RedisReplayStoreTest::hashTag).as("one cluster slot per channel, one for meta")
                .containsOnly("prices.AAPL", "news", "news.AAPL", "meta");
        for (Channel channel : List.of(AAPL, Channel.ALL_NEWS, NEWS_AAPL)) {
            assertThat(keys.stream().filter(key -> hashTag(key).equals(channel.name())))
                    .as("the stream and the bookkeeping of %s, which one script updates together", channel)
                    .hasSize(2);
        }
    }

    @Test
    void aChannelsKeysExpireSomeTimeAfterItsNewestEventButTheAgeCheckpointsStay() {
        Duration maxAge = Duration.ofSeconds(30);
        ReplayStore store = newStore(ROOMY, maxAge);
        String prefix = prefixes.get(0);
        append(store, price(0, 0, "AAPL"));
        join(store.checkpoint(Map.of(PRICES_0, 1L)));

        List<String> channelKeys = keys(prefix).stream().filter(key -> key.contains("{prices.AAPL}")).toList();
        assertThat(channelKeys).hasSize(2).allSatisfy(key -> assertThat(pttl(key))
                .as("PTTL of %s", key).isPositive().isGreaterThan(maxAge.toMillis() - 5_000)
                .isLessThanOrEqualTo(maxAge.toMillis() + 10_000));
        // The checkpoints never expire: the newest one of a max age ago is the age floor however long the writer
        // paused (pruning keeps the set small).
        assertThat(keys(prefix).stream().filter(key -> key.contains(":age:")))
                .as("the checkpoints kept over time").isNotEmpty()
                .allSatisfy(key -> assertThat(pttl(key)).isEqualTo(-1L));
    }

    @Test
    void aScriptMissingFromRedisIsLoadedAgainTransparently() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        String appendSha = sha1("append.lua");
        append(store, price(0, 0, "AAPL"));
        assertThat(scriptExists(appendSha)).isTrue();

        assertThat(server.command("SCRIPT", "FLUSH")).isEqualTo("OK");
        assertThat(scriptExists(appendSha)).isFalse();

        append(store, price(0, 1, "AAPL"));
        join(store.written(PRICES_0, 2));
        join(store.checkpoint(Map.of(PRICES_0, 2L)));
        Progress progress = progress(store);

        assertThat(offsets(read(store, AAPL))).containsExactly(at(PRICES_0, 0), at(PRICES_0, 1));
        assertThat(progress.written(PRICES_0)).isEqualTo(2);
        assertThat(progress.coverage(PRICES_0)).contains(2L);
        assertThat(scriptExists(appendSha)).as("cached again for the next EVALSHA").isTrue();
    }

    private static List<String> keys(String pattern) {
        Response reply = join(redis.execute("KEYS", pattern.endsWith("*") ? pattern : pattern + "*"));
        List<String> keys = new ArrayList<>();
        reply.forEach(key -> keys.add(key.toString()));
        return keys;
    }

    /** XREVRANGE calls the server has run so far, the calls of scripts included. */
    private static long xrevrangeCalls() {
        String stats = join(redis.execute("INFO", "commandstats")).toString();
        Matcher calls = Pattern.compile("cmdstat_xrevrange:calls=(\\d+)").matcher(stats);
        return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }

    private static long pttl(String key) {
        return join(redis.execute("PTTL", key)).toLong();
    }

    private static boolean scriptExists(String sha) {
        return join(redis.execute("SCRIPT", "EXISTS", sha)).get(0).toInteger() == 1;
    }

    /** The part of a key Redis Cluster hashes to pick its slot: the first non-empty {...}, else the whole key. */
    private static String hashTag(String key) {
        int open = key.indexOf('{');
        int close = open < 0 ? -1 : key.indexOf('}', open + 1);
        return close > open + 1 ? key.substring(open + 1, close) : key;
    }

    private static String sha1(String script) {
        try (InputStream in = RedisReplayStoreTest.class.getResourceAsStream("/replay/" + script)) {
            String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
