package io.marketstream.testing;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes records to the test broker, as an upstream market-data feed would. */
public final class TestFeed implements AutoCloseable {

    public static final String PRICES = KafkaBrokerResource.PRICES_TOPIC;
    public static final String NEWS = KafkaBrokerResource.NEWS_TOPIC;
    public static final String DLQ = KafkaBrokerResource.DLQ_TOPIC;

    private final KafkaProducer<String, String> producer;

    /** A feed to the broker of {@link KafkaBrokerResource}. */
    public TestFeed() {
        this(KafkaBrokerResource.bootstrapServers());
    }

    public TestFeed(String bootstrapServers) {
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrapServers, "linger.ms", 0, "acks", "all"),
                new StringSerializer(), new StringSerializer());
    }

    public RecordMetadata send(String topic, String key, String value) {
        try {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not publish to " + topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public RecordMetadata price(String symbol, double price) {
        return send(PRICES, symbol, priceJson(symbol, price));
    }

    public static String priceJson(String symbol, double price) {
        return "{\"symbol\":\"" + symbol + "\",\"price\":" + price + ",\"currency\":\"USD\",\"bid\":" + price
                + ",\"ask\":" + price + ",\"volume\":100,\"ts\":\"2026-11-21T14:30:00.125Z\"}";
    }

    public RecordMetadata news(String id, String headline, String... symbols) {
        StringBuilder json = new StringBuilder("{\"id\":\"").append(id).append("\",\"headline\":\"").append(headline)
                .append("\",\"summary\":\"s\",\"source\":\"wire\",\"url\":\"https://example.com/").append(id)
                .append("\",\"ts\":\"2026-11-21T14:30:00Z\",\"symbols\":[");
        for (int i = 0; i < symbols.length; i++) {
            json.append(i == 0 ? "" : ",").append('"').append(symbols[i]).append('"');
        }
        return send(NEWS, id, json.append("]}").toString());
    }

    @Override
    public void close() {
        producer.close();
    }
}
