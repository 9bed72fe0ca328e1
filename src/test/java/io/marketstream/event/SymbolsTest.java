package io.marketstream.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SymbolsTest {

    @ParameterizedTest
    @CsvSource({
            "AAPL, AAPL",
            "aapl, AAPL",
            "aApL, AAPL",
            "brk.b, BRK.B",
            "BF-B, BF-B",
            "bf-b, BF-B",
            "7203, 7203",
            "x, X",
            "abcdefghijklmno, ABCDEFGHIJKLMNO",
            "RDS.A-2024.X-Y, RDS.A-2024.X-Y",
    })
    void normalisesValidSymbolsToUpperCase(String raw, String expected) {
        assertThat(Symbols.normalize(raw)).isEqualTo(expected);
    }

    @ParameterizedTest
    @EmptySource
    @ValueSource(strings = {
            "ABCDEFGHIJKLMNOP",
            "abcdefghijklmnop",
            " ",
            " AAPL",
            "AAPL ",
            "AA PL",
            "BRK_B",
            "BRK/B",
            "BRK\\B",
            "AA:PL",
            "AA,PL",
            "AAPL*",
            "$AAPL",
            "\u00c4PPL",
            "\u0410APL",
            "\uff21\uff21\uff30\uff2c",
            "\u212a",
            "\u20ac",
            "AAPL\r",
            "AAPL\n",
            "AA\r\nPL",
            "AAPL\0",
            "AAPL\t",
            "AAPL\u00a0",
    })
    void rejectsInvalidSymbols(String raw) {
        assertThatIllegalArgumentException().isThrownBy(() -> Symbols.normalize(raw));
    }

    @ParameterizedTest
    @ValueSource(strings = { "\u00df", "\u0131bm", "\u017f", "\ufb01", "\u00dfAP" })
    void rejectsNonAsciiLettersThatUpperCaseToAscii(String raw) {
        assertThatIllegalArgumentException().isThrownBy(() -> Symbols.normalize(raw));
    }

    @Test
    void rejectsAMissingSymbol() {
        assertThatIllegalArgumentException().isThrownBy(() -> Symbols.normalize(null))
                .withMessage("symbol is missing");
    }

    @Test
    void escapesTheRejectedSymbolInItsMessage() {
        assertThatIllegalArgumentException().isThrownBy(() -> Symbols.normalize("AA\r\nPL"))
                .withMessageContaining("AA\\u000d\\u000aPL")
                .withMessageNotContaining("\r")
                .withMessageNotContaining("\n");
    }

    @Test
    void leavesPrintableTextAsItIs() {
        assertThat(Symbols.printable("AAPL up 2% \u00e9 \u20ac")).isEqualTo("AAPL up 2% \u00e9 \u20ac");
        assertThat(Symbols.printable("")).isEmpty();
    }

    @Test
    void escapesControlCharacters() {
        assertThat(Symbols.printable("a\r\nb\0c\td\u001be\u007ff\u0085g"))
                .isEqualTo("a\\u000d\\u000ab\\u0000c\\u0009d\\u001be\\u007ff\\u0085g");
    }

    @Test
    void keepsShortTextWhole() {
        String forty = "x".repeat(40);

        assertThat(Symbols.printable(forty)).isEqualTo(forty);
    }

    @Test
    void shortensLongTextAndMarksTheCutWithAnEllipsis() {
        String printable = Symbols.printable("y".repeat(100_000));

        assertThat(printable).hasSizeLessThan(1000).matches("y+\u2026");
    }

    @Test
    void shortensBeforeEscaping() {
        String printable = Symbols.printable("\n".repeat(100_000));

        assertThat(printable).hasSizeLessThan(6000).matches("(\\\\u000a)+\u2026");
    }
}
