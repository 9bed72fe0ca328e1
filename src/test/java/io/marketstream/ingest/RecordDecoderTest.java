package io.marketstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.marketstream.config.IngestConfig;
import io.marketstream.event.Channel;
import io.marketstream.event.MarketEvent;
import io.marketstream.event.MarketEvent.Topic;
import io.marketstream.event.NewsItem;
import io.marketstream.event.PriceTick;
import io.marketstream.event.SseFrames;

class RecordDecoderTest {

    private static final String PRICES = "market.prices";
    private static final String NEWS = "market.news";

    private static final String SAMPLE_PRICE = """
            {"symbol":"AAPL","price":189.12,"currency":"USD","bid":189.11,"ask":189.13,"volume":1200,\
            "ts":"2026-11-21T14:30:00.125Z"}""";
    private static final String SAMPLE_NEWS = """
            {"id":"n-20261121-001","headline":"Apple and Microsoft extend cloud deal",\
            "summary":"The two companies signed a five-year agreement.","symbols":["aapl","MSFT","AAPL"],\
            "source":"Newswire","url":"https://news.example.com/n-20261121-001","ts":"2026-11-21T14:31:02Z"}""";

    /** Configured like the ObjectMapper Quarkus produces by default. */
    private final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final RecordDecoder decoder = new RecordDecoder(mapper, new DefaultIngestConfig());

    static final class DefaultIngestConfig implements IngestConfig {
        @Override
        public String pricesTopic() {
            return PRICES;
        }

        @Override
        public String newsTopic() {
            return NEWS;
        }

        @Override
        public String dlqTopic() {
            return "market.dlq";
        }

        @Override
        public String historyGroup() {
            return "market-stream-history";
        }

        @Override
        public String liveGroupProtocol() {
            return "classic";
        }
    }

    private Decoded decode(String topic, String value) {
        return decoder.decode(topic, 3, 42L, value.getBytes(StandardCharsets.UTF_8));
    }

    private MarketEvent accepted(String topic, String value) {
        Decoded decoded = decode(topic, value);
        assertThat(decoded).isInstanceOf(Decoded.Accepted.class);
        return ((Decoded.Accepted) decoded).event();
    }

    private static String price(String fields) {
        return "{" + fields + "}";
    }

    @Test
    void acceptsTheSamplePriceRecord() throws Exception {
        MarketEvent event = accepted(PRICES, SAMPLE_PRICE);

        assertThat(event.topic()).isEqualTo(Topic.PRICES);
        assertThat(event.partition()).isEqualTo(3);
        assertThat(event.offset()).isEqualTo(42L);
        assertThat(event.channels()).containsExactly(new Channel("prices.AAPL"));
        assertThat(event.priceSymbol()).isEqualTo("AAPL");
        assertThat(mapper.readValue(event.json(), PriceTick.class)).isEqualTo(new PriceTick("AAPL", 189.12, "USD",
                189.11, 189.13, 1200L, Instant.parse("2026-11-21T14:30:00.125Z")));
    }

    @Test
    void writesThePriceAsOneLineOfJsonWithAnIsoTimestamp() throws Exception {
        String json = accepted(PRICES, SAMPLE_PRICE).json();

        assertThat(json).doesNotContain("\n", "\r");
        assertThat(mapper.readTree(json)).isEqualTo(mapper.readTree(SAMPLE_PRICE));
    }

    @Test
    void leavesAbsentOptionalFieldsOutOfTheJson() throws Exception {
        String json = accepted(PRICES, price("\"symbol\":\"AAPL\",\"price\":1.5,\"ts\":\"2026-11-21T14:30:00Z\"")).json();

        assertThat(mapper.readTree(json).fieldNames()).toIterable().containsExactly("symbol", "price", "ts");
    }

    @Test
    void ignoresUnknownFields() throws Exception {
        String json = accepted(PRICES, SAMPLE_PRICE.replace("{", "{\"exchange\":\"XNAS\",")).json();

        assertThat(mapper.readTree(json).has("exchange")).isFalse();
    }

    @Test
    void normalisesALowerCaseSymbol() throws Exception {
        MarketEvent event = accepted(PRICES, SAMPLE_PRICE.replace("\"AAPL\"", "\"brk.b\""));

        assertThat(event.channels()).containsExactly(new Channel("prices.BRK.B"));
        assertThat(event.priceSymbol()).isEqualTo("BRK.B");
        assertThat(mapper.readTree(event.json()).get("symbol").asText()).isEqualTo("BRK.B");
    }

    @Test
    void acceptsTheSampleNewsRecordOnAllNewsAndEachDistinctSymbol() throws Exception {
        MarketEvent event = accepted(NEWS, SAMPLE_NEWS);

        assertThat(event.topic()).isEqualTo(Topic.NEWS);
        assertThat(event.priceSymbol()).isNull();
        assertThat(event.channels()).containsExactly(new Channel("news"), new Channel("news.AAPL"),
                new Channel("news.MSFT"));
        NewsItem item = mapper.readValue(event.json(), NewsItem.class);
        assertThat(item.symbols()).containsExactly("AAPL", "MSFT");
        assertThat(item.headline()).isEqualTo("Apple and Microsoft extend cloud deal");
        assertThat(item.url()).isEqualTo("https://news.example.com/n-20261121-001");
        assertThat(item.ts()).isEqualTo(Instant.parse("2026-11-21T14:31:02Z"));
    }

    @Test
    void putsNewsWithoutSymbolsOnAllNewsOnly() {
        String untagged = "{\"id\":\"n-2\",\"headline\":\"Markets close higher\",\"ts\":\"2026-11-21T21:00:00Z\"}";

        assertThat(accepted(NEWS, untagged).channels()).containsExactly(Channel.ALL_NEWS);
        assertThat(accepted(NEWS, untagged.replace("{", "{\"symbols\":[],")).channels())
                .containsExactly(Channel.ALL_NEWS);
        assertThat(accepted(NEWS, untagged.replace("{", "{\"symbols\":null,")).channels())
                .containsExactly(Channel.ALL_NEWS);
    }

    @Test
    void acceptsAHeadlineWithLineBreaksAndWritesThemEscaped() throws Exception {
        String record = "{\"id\":\"n-3\",\"headline\":\"Line one\\r\\nevent: forged\\u0000\",\"ts\":\"2026-11-21T14:30:00Z\"}";

        String json = accepted(NEWS, record).json();

        assertThat(json).doesNotContain("\r", "\n", "\0").contains("Line one\\r\\nevent: forged\\u0000");
        assertThat(mapper.readValue(json, NewsItem.class).headline()).isEqualTo("Line one\r\nevent: forged\0");
        String frame = new String(SseFrames.event("ms1::", "news", json), StandardCharsets.UTF_8);
        assertThat(frame.split("\r\n|\r|\n", -1)).containsExactly("id: ms1::", "event: news", "data: " + json, "",
                "");
    }

    static Stream<Arguments> rejectedRecords() {
        String ts = "\"ts\":\"2026-11-21T14:30:00Z\"";
        String news = "\"id\":\"n-1\",\"headline\":\"Headline\"";
        return Stream.of(
                Arguments.of(PRICES, "not json", "not-json"),
                Arguments.of(PRICES, "{\"symbol\":\"AAPL\"", "not-json"),
                Arguments.of(PRICES, "{symbol:AAPL}", "not-json"),
                Arguments.of(PRICES, "null", "not-json"),
                Arguments.of(PRICES, "[]", "invalid-field"),
                Arguments.of(PRICES, "[" + SAMPLE_PRICE + "]", "invalid-field"),
                Arguments.of(PRICES, "42", "invalid-field"),
                Arguments.of(PRICES, "\"AAPL\"", "invalid-field"),
                Arguments.of(PRICES, price("\"price\":1," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":null,\"price\":1," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\"," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":null," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":1"), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":1,\"ts\":null"), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AA PL\",\"price\":1," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"BRK_B\",\"price\":1," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"ABCDEFGHIJKLMNOP\",\"price\":1," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"\",\"price\":1," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":[\"AAPL\"],\"price\":1," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":-0.01," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":NaN," + ts), "not-json"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":Infinity," + ts), "not-json"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":\"NaN\"," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":\"Infinity\"," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":\"-Infinity\"," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":1e400," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":\"cheap\"," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":true," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":{}," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":1,\"bid\":-1," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":1,\"ask\":\"NaN\"," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":1,\"volume\":-1," + ts), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":1,\"currency\":\"US\"," + ts),
                        "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":1,\"ts\":\"yesterday\""), "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":1,\"ts\":\"2026-13-45T00:00:00Z\""),
                        "invalid-field"),
                Arguments.of(PRICES, price("\"symbol\":\"AAPL\",\"price\":1,\"ts\":\"2026-11-21 14:30\""),
                        "invalid-field"),
                Arguments.of(NEWS, "not json", "not-json"),
                Arguments.of(NEWS, "null", "not-json"),
                Arguments.of(NEWS, "[]", "invalid-field"),
                Arguments.of(NEWS, price("\"id\":\"n-1\"," + ts), "invalid-field"),
                Arguments.of(NEWS, price("\"id\":\"n-1\",\"headline\":\"  \"," + ts), "invalid-field"),
                Arguments.of(NEWS, price("\"headline\":\"Headline\"," + ts), "invalid-field"),
                Arguments.of(NEWS, price("\"id\":\"\",\"headline\":\"Headline\"," + ts), "invalid-field"),
                Arguments.of(NEWS, price(news), "invalid-field"),
                Arguments.of(NEWS, price(news + ",\"ts\":\"soon\""), "invalid-field"),
                Arguments.of(NEWS, price(news + ",\"symbols\":[\"AA PL\"]," + ts), "invalid-field"),
                Arguments.of(NEWS, price(news + ",\"symbols\":[null]," + ts), "invalid-field"),
                Arguments.of(NEWS, price(news + ",\"symbols\":\"AAPL\"," + ts), "invalid-field"),
                Arguments.of(NEWS, SAMPLE_PRICE, "invalid-field"),
                Arguments.of("market.trades", SAMPLE_PRICE, "unknown-topic"),
                Arguments.of("Market.Prices", SAMPLE_PRICE, "unknown-topic"),
                Arguments.of("market.dlq", SAMPLE_PRICE, "unknown-topic"));
    }

    @ParameterizedTest
    @MethodSource("rejectedRecords")
    void rejectsRecordsThatCannotBeStreamedWithAReason(String topic, String value, String reason) {
        Decoded decoded = decode(topic, value);

        assertThat(decoded).isInstanceOfSatisfying(Decoded.Rejected.class, rejected -> {
            assertThat(rejected.reason()).isEqualTo(reason);
            assertThat(rejected.detail()).isNotBlank();
        });
    }

    @Test
    void rejectsANaNPriceHoweverItIsWritten() {
        for (String nan : List.of("NaN", "\"NaN\"", "\"nan\"", "\"-NaN\"")) {
            String record = price("\"symbol\":\"AAPL\",\"price\":" + nan + ",\"ts\":\"2026-11-21T14:30:00Z\"");

            assertThat(decode(PRICES, record)).as(record).isInstanceOf(Decoded.Rejected.class);
        }
    }

    @Test
    void explainsAnInvalidFieldInTheDetail() {
        Decoded decoded = decode(PRICES, price("\"symbol\":\"AAPL\",\"price\":\"NaN\",\"ts\":\"2026-11-21T14:30:00Z\""));

        assertThat(decoded).isEqualTo(new Decoded.Rejected("invalid-field", "price must be a finite, non-negative number"));
    }

    @Test
    void rejectsARecordWithoutAValue() {
        assertThat(decoder.decode(PRICES, 0, 0, null)).isEqualTo(new Decoded.Rejected("empty", "the record has no value"));
        assertThat(decoder.decode(PRICES, 0, 0, new byte[0])).extracting("reason").isEqualTo("empty");
        assertThat(decoder.decode("market.trades", 0, 0, new byte[0])).extracting("reason").isEqualTo("empty");
    }

    @Test
    void rejectsBytesThatAreNotUtf8Json() {
        byte[] value = { (byte) 0xff, (byte) 0xfe, (byte) 0x00 };

        assertThat(decoder.decode(PRICES, 0, 0, value)).extracting("reason").isEqualTo("not-json");
    }
}
