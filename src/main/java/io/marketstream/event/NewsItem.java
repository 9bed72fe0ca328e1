package io.marketstream.event;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One item of the {@code market.news} topic. {@code id}, {@code headline} and {@code ts} are required;
 * {@code symbols} may be empty and is normalised to distinct upper-case symbols.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NewsItem(String id, String headline, String summary, List<String> symbols, String source, String url,
        Instant ts) {

    public NewsItem {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("id is missing");
        }
        if (headline == null || headline.isBlank()) {
            throw new IllegalArgumentException("headline is missing");
        }
        if (ts == null) {
            throw new IllegalArgumentException("ts is missing");
        }
        symbols = normalize(symbols);
    }

    private static List<String> normalize(List<String> symbols) {
        if (symbols == null) {
            return List.of();
        }
        Set<String> distinct = new LinkedHashSet<>();
        for (String symbol : symbols) {
            distinct.add(Symbols.normalize(symbol));
        }
        return List.copyOf(distinct);
    }
}
