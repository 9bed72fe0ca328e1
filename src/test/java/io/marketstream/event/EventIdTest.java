package io.marketstream.event;

import static io.marketstream.event.EventId.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class EventIdTest {

    private static final String NS = "ms1";

    private static EventId id(long[] prices, long[] news) {
        return new EventId(NS, prices, news);
    }

    private static long[] positions(long... positions) {
        return positions;
    }

    @Test
    void formatsTheDocumentedWireForm() {
        EventId id = id(positions(120, 98, 133), positions(14, 9, 22));

        assertThat(id.format()).isEqualTo("ms1:120,98,133:14,9,22");
        assertThat(id).hasToString("ms1:120,98,133:14,9,22");
    }

    @Test
    void writesUnknownPositionsAsUnderscore() {
        assertThat(id(positions(UNKNOWN, 5, UNKNOWN), positions(UNKNOWN, UNKNOWN)).format()).isEqualTo("ms1:_,5,_:_,_");
    }

    static Stream<Arguments> cursors() {
        return Stream.of(
                Arguments.of(positions(120, 98, 133), positions(14, 9, 22)),
                Arguments.of(positions(0), positions(0)),
                Arguments.of(positions(Long.MAX_VALUE, 0), positions(Long.MAX_VALUE)),
                Arguments.of(positions(UNKNOWN, 5, UNKNOWN), positions(7, UNKNOWN)),
                Arguments.of(positions(UNKNOWN, UNKNOWN), positions(UNKNOWN, UNKNOWN, UNKNOWN)),
                Arguments.of(positions(), positions()),
                Arguments.of(positions(), positions(3, 4)),
                Arguments.of(positions(1, 2), positions()));
    }

    @ParameterizedTest
    @MethodSource("cursors")
    void parsesWhatItFormatsIntoAnEqualId(long[] prices, long[] news) {
        EventId original = id(prices, news);

        Optional<EventId> parsed = EventId.parse(original.format(), NS);

        assertThat(parsed).contains(original);
        assertThat(parsed.get().prices()).containsExactly(prices);
        assertThat(parsed.get().news()).containsExactly(news);
        assertThat(parsed.get().hashCode()).isEqualTo(original.hashCode());
    }

    @Test
    void roundTripsASinglePartitionWhosePositionIsUnknown() {
        EventId original = id(positions(UNKNOWN), positions(5));

        assertThat(EventId.parse(original.format(), NS)).contains(original);
    }

    @Test
    void roundTripsThousandsOfRandomCursors() {
        Random random = new Random(20261121L);
        for (int i = 0; i < 5000; i++) {
            EventId original = new EventId(randomNamespace(random), randomPositions(random), randomPositions(random));

            assertThat(EventId.parse(original.format(), original.namespace()))
                    .as("cursor %s", original.format())
                    .contains(original);
        }
    }

    private static String randomNamespace(Random random) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
        StringBuilder namespace = new StringBuilder();
        for (int i = 1 + random.nextInt(32); i > 0; i--) {
            namespace.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return namespace.toString();
    }

    private static long[] randomPositions(Random random) {
        long[] positions = new long[random.nextInt(40)];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = switch (random.nextInt(4)) {
                case 0 -> UNKNOWN;
                case 1 -> random.nextInt(1000);
                default -> random.nextLong() & Long.MAX_VALUE;
            };
        }
        return positions;
    }

    @Test
    void readsLeadingZerosAndUnknownPositions() {
        assertThat(EventId.parse("ms1:007,_:0", NS)).contains(id(positions(7, UNKNOWN), positions(0)));
    }

    @ParameterizedTest
    @ValueSource(strings = { "ms1:1,,2:3", "ms1:1,2,:3", "ms1:,1:3", "ms1:1:,", "ms1:__:1", "ms1:_1:1", "ms1:1_:1" })
    void rejectsEmptyOrMalformedCells(String text) {
        assertThat(EventId.parse(text, NS)).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            " ",
            "ms1",
            "ms1:",
            "ms1:1",
            "ms1:1,2",
            ":",
            "::",
            ":1:2",
            "ms1:1:2:3",
            "ms1:1:2:",
            "ms1::2:",
            "ms1:1::2",
            ":ms1:1:2",
            "ms2:1:2",
            "prod-eu:1:2",
            "MS1:1:2",
            "ms:1:2",
            "ms10:1:2",
            "ms1 :1:2",
            " ms1:1:2",
            "ms1:1:2 ",
            "ms1: 1:2",
            "ms1:1 ,2:3",
            "ms1:1, 2:3",
            "ms1:a:1",
            "ms1:1:x",
            "ms1:1,b:1",
            "ms1:0x10:1",
            "ms1:1e3:1",
            "ms1:1.5:1",
            "ms1:1_000:1",
            "ms1:-1:1",
            "ms1:1:-5",
            "ms1:1,-1:1",
            "ms1:+1:1",
            "ms1:12345678901234567890:1",
            "ms1:1:12345678901234567890",
            "ms1:9223372036854775808:1",
            "ms1:9999999999999999999:1",
            "ms1:1\r:2",
            "ms1:1\n:2",
            "ms1:1:2\n",
            "ms1:1:2\r\n",
            "\nms1:1:2",
            "ms1\n:1:2",
            "ms1:1\0:2",
            "ms1:1:2\0",
            "ms1\0:1:2",
            "ms1:1\t:2",
            "ms1:1;2:3",
            "ms1:1|2:3",
            "ms1;1;2",
            "ms1,1,2",
            "ms1.1.2",
            "ms1:%31:2",
            "ms1\uff1a1\uff1a2",
            "ms1:\u0661\u0662\u0663:1",
            "ms1:\uff11\uff12:1",
            "ms1:\u00b2:1",
            "ms1:\u0967:1",
            "\u200bms1:1:2",
            "ms1:1\u200b:2",
    })
    void rejectsMalformedCursors(String text) {
        assertThat(EventId.parse(text, NS)).isEmpty();
    }

    @Test
    void readsTheWidestCursorButRejectsLongerText() {
        String widest = String.join(",", java.util.Collections.nCopies(EventId.MAX_PARTITIONS, "9".repeat(18)));

        assertThat(EventId.parse("ms1:" + widest + ":" + widest, NS)).isPresent();
        assertThat(EventId.parse("ms1:" + widest + ",1:1", NS)).isEmpty();
        assertThat(EventId.parse("ms1:1:" + "1".repeat(100_000), NS)).isEmpty();
    }

    @Test
    void rejectsMoreThan1024PartitionsPerTopic() {
        assertThat(EventId.parse("ms1:" + ",".repeat(1024) + ":", NS)).isEmpty();
    }

    @Test
    void parsesTheWidestCursorWithoutOverflowingTheStack() throws InterruptedException {
        String widest = "ms1:" + "1,".repeat(1023) + "1:";
        String tooWide = "ms1:" + "1,".repeat(1024) + "1:";
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread parser = new Thread(null, () -> {
            try {
                assertThat(EventId.parse(widest, NS)).hasValueSatisfying(id -> assertThat(id.prices()).hasSize(1024));
                assertThat(EventId.parse(tooWide, NS)).isEmpty();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "small-stack-parser", 256 * 1024);

        parser.start();
        parser.join();

        assertThat(failure.get()).isNull();
    }

    @Test
    void rejectsACursorWhenTheExpectedNamespaceIsNullOrInvalid() {
        assertThat(EventId.parse("ms1:1:2", null)).isEmpty();
        assertThat(EventId.parse("bad ns:1:2", "bad ns")).isEmpty();
        assertThat(EventId.parse(":1:2", "")).isEmpty();
    }

    @Test
    void neverThrowsOnRandomText() {
        Random random = new Random(42L);
        String alphabet = "ms1:,0123456789-+ \r\n\0\t;.\u0661\uff11\u00e9x";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder(random.nextBoolean() ? "ms1:" : "");
            for (int n = random.nextInt(30); n > 0; n--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String cursor = text.toString();

            assertThatCode(() -> EventId.parse(cursor, NS)).as("parse %s", Symbols.printable(cursor))
                    .doesNotThrowAnyException();
            EventId.parse(cursor, NS).ifPresent(parsed -> assertThat(EventId.parse(parsed.format(), NS))
                    .as("re-parse of %s", cursor).contains(parsed));
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = { "ms 1", "ms:1", "ms,1", "ms.1", "ms\n1", "ms\u00e91", "ms\u0000",
            "abcdefghijklmnopqrstuvwxyz0123456" })
    void constructorRejectsABadNamespace(String namespace) {
        assertThatIllegalArgumentException().isThrownBy(() -> new EventId(namespace, positions(1), positions(2)));
    }

    @ParameterizedTest
    @ValueSource(strings = { "a", "ms1", "prod_eu-1", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345" })
    void constructorAcceptsNamespacesOfLettersDigitsUnderscoreAndDash(String namespace) {
        assertThat(new EventId(namespace, positions(1), positions(2)).namespace()).isEqualTo(namespace);
    }

    @Test
    void copiesTheArraysItIsGiven() {
        long[] prices = positions(1, 2);
        long[] news = positions(3);
        EventId id = id(prices, news);

        prices[0] = 99;
        news[0] = 99;

        assertThat(id.prices()).containsExactly(1, 2);
        assertThat(id.news()).containsExactly(3);
    }

    @Test
    void handsOutCopiesOfItsArrays() {
        EventId id = id(positions(1, 2), positions(3));

        id.prices()[0] = 99;
        id.news()[0] = 99;

        assertThat(id.prices()).containsExactly(1, 2);
        assertThat(id.news()).containsExactly(3);
        assertThat(id.format()).isEqualTo("ms1:1,2:3");
    }

    @Test
    void comparesPositionsByValue() {
        assertThat(id(positions(1, 2), positions(3))).isEqualTo(id(positions(1, 2), positions(3)))
                .hasSameHashCodeAs(id(positions(1, 2), positions(3)))
                .isNotEqualTo(id(positions(1, 2), positions(4)))
                .isNotEqualTo(id(positions(1), positions(2, 3)))
                .isNotEqualTo(new EventId("ms2", positions(1, 2), positions(3)));
    }
}
