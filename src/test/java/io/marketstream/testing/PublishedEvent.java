package io.marketstream.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.kafka.clients.producer.RecordMetadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An event a test published through {@link TestFeed}: a key that names it on the stream too (see {@link #keyOf}),
 * the channels it belongs to, and the partition and offset Kafka gave it, so a client's events can be checked
 * against what was published (see {@link ExactDelivery}).
 */
public record PublishedEvent(String key, List<String> channels, String partition, long offset) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public PublishedEvent {
        channels = List.copyOf(channels);
    }

    /** A price tick of {@code symbol} whose price is {@code price}, which must be unique per symbol in a test. */
    public static PublishedEvent price(String symbol, long price, RecordMetadata sent) {
        return new PublishedEvent(priceKey(symbol, price), List.of("prices." + symbol), "prices-" + sent.partition(),
                sent.offset());
    }

    /** A news item, on {@code news} and on {@code news.<SYMBOL>} of each of its symbols. */
    public static PublishedEvent news(String id, List<String> symbols, RecordMetadata sent) {
        List<String> channels = new ArrayList<>(List.of("news"));
        symbols.forEach(symbol -> channels.add("news." + symbol));
        return new PublishedEvent(newsKey(id), channels, "news-" + sent.partition(), sent.offset());
    }

    public boolean matches(Collection<String> subscribed) {
        return channels.stream().anyMatch(subscribed::contains);
    }

    /** The key of an event read from a stream: {@code price:<SYMBOL>:<price>} or {@code news:<id>}. */
    public static String keyOf(String event, String data) {
        try {
            JsonNode json = JSON.readTree(data);
            return switch (event) {
                case "price" -> priceKey(json.get("symbol").asText(), (long) json.get("price").asDouble());
                case "news" -> newsKey(json.get("id").asText());
                default -> event + ":" + data;
            };
        } catch (Exception e) {
            throw new IllegalArgumentException("Not a price or news event: " + event + " " + data, e);
        }
    }

    private static String priceKey(String symbol, long price) {
        return "price:" + symbol + ":" + price;
    }

    private static String newsKey(String id) {
        return "news:" + id;
    }
}
