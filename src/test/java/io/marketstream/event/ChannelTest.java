package io.marketstream.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ChannelTest {

    private static final Instant TS = Instant.parse("2026-11-21T14:30:00Z");

    @ParameterizedTest
    @CsvSource({
            "prices.AAPL, prices.AAPL",
            "prices.aapl, prices.AAPL",
            "prices.brk.b, prices.BRK.B",
            "prices.bf-b, prices.BF-B",
            "prices.abcdefghijklmno, prices.ABCDEFGHIJKLMNO",
            "news.msft, news.MSFT",
            "news.BRK.B, news.BRK.B",
            "news, news",
    })
    void parsesChannelNamesToTheirCanonicalForm(String raw, String canonical) {
        assertThat(new Channel(raw).name()).isEqualTo(canonical);
        assertThat(new Channel(raw)).hasToString(canonical).isEqualTo(new Channel(canonical));
    }

    @Test
    void buildsChannelsFromSymbolsInAnyCase() {
        assertThat(Channel.prices("aapl")).isEqualTo(new Channel("prices.AAPL"));
        assertThat(Channel.news("brk.b")).isEqualTo(new Channel("news.BRK.B"));
        assertThat(new Channel("news")).isEqualTo(Channel.ALL_NEWS);
    }

    @Test
    void namesThePriceSymbolOfPriceChannelsOnly() {
        assertThat(new Channel("prices.brk.b").priceSymbol()).isEqualTo("BRK.B");
        assertThat(new Channel("news.AAPL").priceSymbol()).isNull();
        assertThat(Channel.ALL_NEWS.priceSymbol()).isNull();
    }

    /** Prefixes are case-sensitive: only the symbol part is case-insensitive. */
    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "Prices.AAPL",
            "PRICES.AAPL",
            "News",
            "NEWS",
            "News.AAPL",
            "news ",
            " news",
            "news\n",
            "prices",
            "prices.",
            "news.",
            "pricesAAPL",
            "prices:AAPL",
            "prices/AAPL",
            "prices. AAPL",
            "prices.AAPL ",
            "prices.AA PL",
            "prices.AAPL\r\n",
            "prices.BRK_B",
            "prices.BRK/B",
            "prices.ABCDEFGHIJKLMNOP",
            "prices.*",
            "news.*",
            "news.AAPL,MSFT",
            "trades.AAPL",
            "price.AAPL",
            "AAPL",
            ".AAPL",
    })
    void rejectsUnknownOrMalformedChannels(String raw) {
        assertThatIllegalArgumentException().isThrownBy(() -> new Channel(raw));
    }

    @Test
    void escapesTheRejectedNameInItsMessage() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Channel("trades\r\nX-Injected: 1"))
                .withMessageContaining("trades\\u000d\\u000aX-Injected: 1")
                .withMessageNotContaining("\n");
    }

    @Test
    void putsANewsItemOnAllNewsAndOnEachTaggedSymbol() {
        NewsItem item = new NewsItem("n-1", "Apple and Microsoft", null, List.of("aapl", "MSFT", "AAPL"), null, null,
                TS);

        assertThat(Channel.of(item)).containsExactly(Channel.ALL_NEWS, new Channel("news.AAPL"),
                new Channel("news.MSFT"));
    }

    @Test
    void putsAnUntaggedNewsItemOnAllNewsOnly() {
        assertThat(Channel.of(new NewsItem("n-2", "Markets close", null, null, null, null, TS)))
                .containsExactly(Channel.ALL_NEWS);
        assertThat(Channel.of(new NewsItem("n-3", "Markets open", null, List.of(), null, null, TS)))
                .containsExactly(Channel.ALL_NEWS);
    }
}
