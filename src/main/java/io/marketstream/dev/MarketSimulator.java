package io.marketstream.dev;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.marketstream.config.DevConfig;
import io.marketstream.config.IngestConfig;
import io.marketstream.event.NewsItem;
import io.marketstream.event.PriceTick;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * A simulated market for the one-command run: random-walk prices for a set of symbols, and a news item every few
 * seconds, published to the in-process broker as real Kafka records.
 */
@Singleton
@IfBuildProfile("dev")
public class MarketSimulator {

    private static final Logger LOG = Logger.getLogger(MarketSimulator.class);
    private static final List<String> KNOWN = List.of("AAPL", "MSFT", "GOOG", "AMZN", "NVDA", "META", "TSLA", "BRK.B",
            "JPM", "V", "UNH", "XOM", "JNJ", "WMT", "MA", "PG", "HD", "CVX", "LLY", "ABBV", "KO", "PEP", "AVGO", "COST",
            "MRK", "ADBE", "CSCO", "TMO", "ACN", "MCD", "NFLX", "CRM", "ABT", "DHR", "LIN", "AMD", "TXN", "NKE", "ORCL",
            "INTC", "QCOM", "UPS", "PM", "IBM", "CAT", "BA", "GS", "SBUX", "AMGN", "SAP");
    private static final String[] VERBS = { "rises on", "falls after", "steady ahead of", "jumps on", "slips on" };
    private static final String[] NEWS = { "earnings beat", "guidance update", "analyst upgrade", "product launch",
            "regulatory filing", "supply-chain report" };

    private final DevKafka kafka;
    private final Map<String, Object> kafkaConfiguration;
    private final DevConfig.Simulator config;
    private final IngestConfig ingest;
    private final ObjectMapper mapper;
    private final AtomicLong newsSequence = new AtomicLong();
    private final List<String> symbols = new ArrayList<>();
    private double[] prices;
    private ScheduledExecutorService scheduler;
    private KafkaProducer<String, String> producer;

    public MarketSimulator(DevKafka kafka, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfiguration,
            DevConfig dev, IngestConfig ingest, ObjectMapper mapper) {
        this.kafka = kafka;
        this.kafkaConfiguration = kafkaConfiguration;
        this.config = dev.simulator();
        this.ingest = ingest;
        this.mapper = mapper;
    }

    void start(@Observes StartupEvent startup) {
        if (!config.enabled() || !kafka.embedded()) {
            return;
        }
        for (int i = 0; i < config.symbols(); i++) {
            symbols.add(i < KNOWN.size() ? KNOWN.get(i) : "SYM" + i);
        }
        prices = symbols.stream().mapToDouble(s -> 20 + ThreadLocalRandom.current().nextDouble(480)).toArray();
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafkaConfiguration.get("bootstrap.servers"),
                "linger.ms", 5), new StringSerializer(), new StringSerializer());
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "market-simulator"));
        long tickMicros = 1_000_000L / Math.max(1, config.ticksPerSecond());
        scheduler.scheduleAtFixedRate(this::tick, tickMicros, tickMicros, TimeUnit.MICROSECONDS);
        long newsMillis = config.newsInterval().toMillis();
        scheduler.scheduleAtFixedRate(this::news, 500, newsMillis, TimeUnit.MILLISECONDS);
        LOG.infof("Simulated feed: %d symbols, %d ticks/s, a news item every %s", symbols.size(),
                config.ticksPerSecond(), config.newsInterval());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (scheduler != null) {
            scheduler.shutdownNow();
            producer.close();
        }
    }

    private void tick() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int i = random.nextInt(symbols.size());
        prices[i] = Math.max(1, prices[i] * (1 + random.nextGaussian() * 0.001));
        double price = cents(prices[i]);
        double spread = Math.max(0.01, cents(price * 0.0002));
        PriceTick tick = new PriceTick(symbols.get(i), price, "USD", cents(price - spread), cents(price + spread),
                (long) random.nextInt(100, 5000), Instant.now());
        send(ingest.pricesTopic(), tick.symbol(), tick);
    }

    private static double cents(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private void news() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<String> tagged = new ArrayList<>();
        int count = random.nextInt(0, 3);
        for (int i = 0; i < count; i++) {
            String symbol = symbols.get(random.nextInt(symbols.size()));
            if (!tagged.contains(symbol)) {
                tagged.add(symbol);
            }
        }
        String subject = tagged.isEmpty() ? "The market" : String.join(", ", tagged);
        String id = "sim-" + newsSequence.incrementAndGet();
        NewsItem item = new NewsItem(id,
                subject + " " + VERBS[random.nextInt(VERBS.length)] + " " + NEWS[random.nextInt(NEWS.length)],
                "Simulated news for the market-stream demo feed.", tagged, "market-stream simulator",
                "https://example.com/news/" + id, Instant.now());
        send(ingest.newsTopic(), id, item);
    }

    private void send(String topic, String key, Object value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, mapper.writeValueAsString(value)));
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warn("Simulated feed could not publish", e);
        }
    }
}
