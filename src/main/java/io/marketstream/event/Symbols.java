package io.marketstream.event;

import java.util.Locale;
import java.util.regex.Pattern;

/** Ticker symbols: 1–15 characters of {@code A-Z 0-9 . -}, accepted in any case, kept in upper case. */
public final class Symbols {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9.\\-]{1,15}");

    private Symbols() {
    }

    /**
     * @return the symbol in upper case
     * @throws IllegalArgumentException if it is not a valid symbol
     */
    public static String normalize(String raw) {
        if (raw == null) {
            throw new IllegalArgumentException("symbol is missing");
        }
        // Checked before upper-casing: Unicode case mapping turns some non-ASCII letters into ASCII ones.
        if (!VALID.matcher(raw).matches()) {
            throw new IllegalArgumentException(
                    "symbol '" + printable(raw) + "' must be 1-15 characters of A-Z, 0-9, '.' and '-'");
        }
        return raw.toUpperCase(Locale.ROOT);
    }

    /** Shortens and escapes untrusted text before it goes into an error message or a log line. */
    public static String printable(String raw) {
        String cut = raw.length() > 120 ? raw.substring(0, 120) + "…" : raw;
        StringBuilder out = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
