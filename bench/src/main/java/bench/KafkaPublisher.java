package bench;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes to market-stream: a Kafka record on {@code market.prices}, key = symbol (so a channel stays in one
 * partition, in order), value = the tick. linger.ms=0: each send leaves as soon as the producer's I/O thread can
 * take it (it still batches what piles up while a request is in flight).
 */
final class KafkaPublisher implements Publisher {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstError = new AtomicReference<>();
    private long sent;

    KafkaPublisher(String bootstrap, String topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, "bench-publisher",
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "none"), new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void send(String channel, byte[] payload) {
        sent++;
        producer.send(new ProducerRecord<>(topic, channel, payload), (metadata, error) -> {
            if (error != null) {
                failed.incrementAndGet();
                firstError.compareAndSet(null, error);
            } else {
                acked.incrementAndGet();
            }
        });
    }

    @Override
    public void poll(long nanos) {
        LockSupport.parkNanos(nanos);
    }

    @Override
    public long acked() {
        return acked.get();
    }

    @Override
    public long failed() {
        return failed.get();
    }

    @Override
    public long inFlight() {
        return sent - acked.get() - failed.get();
    }

    Exception firstError() {
        return firstError.get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
