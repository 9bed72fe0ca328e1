package io.marketstream.ingest;

import java.io.IOException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import io.marketstream.config.IngestConfig;
import io.marketstream.event.Channel;
import io.marketstream.event.MarketEvent;
import io.marketstream.event.MarketEvent.Topic;
import io.marketstream.event.NewsItem;
import io.marketstream.event.PriceTick;

/** Turns a Kafka record into a validated {@link MarketEvent}, or says why it cannot be streamed. */
@ApplicationScoped
public class RecordDecoder {

    private final ObjectMapper mapper;
    private final IngestConfig config;
    // Trailing text after the JSON value means the producer wrote something else than one record.
    private final ObjectReader prices;
    private final ObjectReader news;

    public RecordDecoder(ObjectMapper mapper, IngestConfig config) {
        this.mapper = mapper;
        this.config = config;
        this.prices = mapper.readerFor(PriceTick.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.news = mapper.readerFor(NewsItem.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public Decoded decode(String topic, int partition, long offset, byte[] value) {
        if (value == null || value.length == 0) {
            return new Decoded.Rejected("empty", "the record has no value");
        }
        try {
            if (topic.equals(config.pricesTopic())) {
                PriceTick tick = read(value, prices);
                return accept(Topic.PRICES, partition, offset, List.of(Channel.prices(tick.symbol())), tick,
                        tick.symbol());
            }
            if (topic.equals(config.newsTopic())) {
                NewsItem item = read(value, news);
                return accept(Topic.NEWS, partition, offset, Channel.of(item), item, null);
            }
            return new Decoded.Rejected("unknown-topic", "records of topic " + topic + " are not streamed");
        } catch (ValueInstantiationException invalid) {
            Throwable cause = invalid.getCause() != null ? invalid.getCause() : invalid;
            return new Decoded.Rejected("invalid-field", cause.getMessage());
        } catch (MismatchedInputException mismatch) {
            return new Decoded.Rejected("invalid-field", mismatch.getOriginalMessage());
        } catch (JsonProcessingException notJson) {
            return new Decoded.Rejected("not-json", notJson.getOriginalMessage());
        } catch (IOException unreadable) {
            return new Decoded.Rejected("not-json", unreadable.getMessage());
        }
    }

    private static <T> T read(byte[] value, ObjectReader reader) throws IOException {
        T record = reader.readValue(value);
        if (record == null) {
            throw new IOException("the record is JSON null");
        }
        return record;
    }

    private Decoded accept(Topic topic, int partition, long offset, List<Channel> channels, Object record,
            String priceSymbol) throws JsonProcessingException {
        String json = mapper.writeValueAsString(record);
        return new Decoded.Accepted(new MarketEvent(topic, partition, offset, channels, json, priceSymbol));
    }
}
