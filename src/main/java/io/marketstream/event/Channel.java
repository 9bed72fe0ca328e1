package io.marketstream.event;

import java.util.ArrayList;
import java.util.List;

/**
 * A channel a client subscribes to: {@code prices.<SYMBOL>}, {@code news.<SYMBOL>} (news tagged with the symbol)
 * or {@code news} (all news).
 *
 * @param name the canonical name, symbol in upper case
 */
public record Channel(String name) {

    public static final String PRICES_PREFIX = "prices.";
    public static final String NEWS_PREFIX = "news.";
    private static final String ALL_NEWS_NAME = "news";
    public static final Channel ALL_NEWS = new Channel(ALL_NEWS_NAME);

    public Channel {
        name = canonical(name);
    }

    public static Channel prices(String symbol) {
        return new Channel(PRICES_PREFIX + Symbols.normalize(symbol));
    }

    public static Channel news(String symbol) {
        return new Channel(NEWS_PREFIX + Symbols.normalize(symbol));
    }

    /** @return the symbol of a {@code prices.X} channel, or null for a news channel */
    public String priceSymbol() {
        return name.startsWith(PRICES_PREFIX) ? name.substring(PRICES_PREFIX.length()) : null;
    }

    /** The topic this channel's events come from. */
    public MarketEvent.Topic topic() {
        return name.startsWith(PRICES_PREFIX) ? MarketEvent.Topic.PRICES : MarketEvent.Topic.NEWS;
    }

    /** The channels an event of the given news item belongs to: {@code news} and one per tagged symbol. */
    public static List<Channel> of(NewsItem item) {
        List<Channel> channels = new ArrayList<>(item.symbols().size() + 1);
        channels.add(ALL_NEWS);
        item.symbols().forEach(symbol -> channels.add(news(symbol)));
        return channels;
    }

    private static String canonical(String raw) {
        if (raw == null || raw.isEmpty()) {
            throw new IllegalArgumentException("channel name is empty");
        }
        if (raw.equals(ALL_NEWS_NAME)) {
            return raw;
        }
        for (String prefix : List.of(PRICES_PREFIX, NEWS_PREFIX)) {
            if (raw.startsWith(prefix)) {
                return prefix + Symbols.normalize(raw.substring(prefix.length()));
            }
        }
        throw new IllegalArgumentException("channel '" + Symbols.printable(raw)
                + "' is unknown: use prices.<SYMBOL>, news.<SYMBOL> or news");
    }

    @Override
    public String toString() {
        return name;
    }
}
