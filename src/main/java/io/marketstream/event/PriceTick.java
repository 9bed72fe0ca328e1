package io.marketstream.event;

import java.time.Instant;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One price update of the {@code market.prices} topic. {@code symbol}, {@code price} and {@code ts} are required;
 * the rest may be absent (null).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PriceTick(String symbol, Double price, String currency, Double bid, Double ask, Long volume, Instant ts) {

    private static final Pattern CURRENCY = Pattern.compile("[A-Za-z]{3}");

    public PriceTick {
        symbol = Symbols.normalize(symbol);
        requirePrice("price", price, true);
        requirePrice("bid", bid, false);
        requirePrice("ask", ask, false);
        if (volume != null && volume < 0) {
            throw new IllegalArgumentException("volume must not be negative");
        }
        if (currency != null && !CURRENCY.matcher(currency).matches()) {
            throw new IllegalArgumentException("currency must be a 3-letter code");
        }
        if (ts == null) {
            throw new IllegalArgumentException("ts is missing");
        }
    }

    // Double.compare also rejects -0.0, which a plain "< 0" lets through.
    private static void requirePrice(String field, Double value, boolean required) {
        if (value == null) {
            if (required) {
                throw new IllegalArgumentException(field + " is missing");
            }
            return;
        }
        if (!Double.isFinite(value) || Double.compare(value, 0.0) < 0) {
            throw new IllegalArgumentException(field + " must be a finite, non-negative number");
        }
    }
}
