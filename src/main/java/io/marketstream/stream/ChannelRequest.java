package io.marketstream.stream;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.marketstream.event.Channel;
import io.marketstream.event.Symbols;

/** Reads the {@code channels} query parameter: a comma-separated list of channel names. */
final class ChannelRequest {

    private ChannelRequest() {
    }

    /**
     * @return the distinct channels, in the order given
     * @throws BadRequestException naming every channel that is wrong, or the list as a whole
     */
    static Set<Channel> parse(String csv, int maxChannels) {
        if (csv == null || csv.isBlank()) {
            throw new BadRequestException("Query parameter 'channels' must list at least one channel, e.g. "
                    + "channels=prices.AAPL,news.AAPL,news", List.of("channels: empty"));
        }
        Set<Channel> channels = new LinkedHashSet<>();
        List<String> errors = new ArrayList<>();
        for (String name : csv.split(",", -1)) {
            try {
                channels.add(new Channel(name.trim()));
            } catch (IllegalArgumentException invalid) {
                errors.add(invalid.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw new BadRequestException("Query parameter 'channels' has " + errors.size() + " invalid "
                    + (errors.size() == 1 ? "entry" : "entries") + ": " + String.join("; ", errors), errors);
        }
        if (channels.size() > maxChannels) {
            throw new BadRequestException("Query parameter 'channels' lists " + channels.size()
                    + " channels; at most " + maxChannels + " are allowed on one connection",
                    List.of("channels: more than " + maxChannels));
        }
        return channels;
    }

    /** A symbol taken from the path, checked as the API checks every symbol. */
    static String symbol(String raw) {
        try {
            return Symbols.normalize(raw);
        } catch (IllegalArgumentException invalid) {
            throw new BadRequestException("Path parameter 'symbol' is invalid: " + invalid.getMessage(),
                    List.of(invalid.getMessage()));
        }
    }
}
