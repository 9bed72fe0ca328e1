package io.marketstream.stream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import jakarta.enterprise.context.ApplicationScoped;

import io.marketstream.config.IngestConfig;
import io.marketstream.config.StreamConfig;
import io.marketstream.event.Channel;
import io.marketstream.event.MarketEvent;
import io.marketstream.event.MarketEvent.Topic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.impl.ContextInternal;

/**
 * Fans live events out to the connections subscribed to their channels.
 *
 * <p>One lock orders what a connection sees: events are published under it, and a connection is registered under
 * it, together with this pod's cursor and latest prices at that instant. So a connection's opening (snapshot or
 * replay, planned by {@link Openings}) ends exactly where its live events begin. Each event is encoded to SSE bytes
 * once, and the same bytes go to every subscriber.
 */
@ApplicationScoped
public class Hub {

    private final Map<Channel, Set<Connection>> subscribers = new ConcurrentHashMap<>();
    private final Map<String, MarketEvent> latestPrices = new ConcurrentHashMap<>();
    /**
     * The open connections, in the heartbeat's slices ({@link Connection#heartbeatSlice}), so that a heartbeat tick
     * visits the streams of its slice without scanning every other.
     */
    private final List<Set<Connection>> open = Stream.<Set<Connection>>generate(ConcurrentHashMap::newKeySet)
            .limit(Heartbeats.SLICES).toList();
    /** Per event loop context, the batches handed to it, written in publish order. */
    private final Map<Context, Outbox> outboxes = new ConcurrentHashMap<>();
    private final int slice;
    private volatile boolean draining;
    private final AtomicInteger connections = new AtomicInteger();
    private final Positions positions = new Positions();
    private final String namespace;
    private final Counter delivered;
    private long sequence;

    public Hub(StreamConfig stream, IngestConfig ingest, MeterRegistry registry) {
        this.namespace = stream.idNamespace().orElseGet(() -> defaultNamespace(ingest));
        this.slice = stream.fanOutSlice();
        this.delivered = registry.counter("market.stream.events", "path", "live");
        // A strong reference: a gauge otherwise holds its state weakly, and can lose it across application restarts.
        Gauge.builder("market.stream.connections", connections, AtomicInteger::get).strongReference(true)
                .description("SSE streams open on this pod").register(registry);
    }

    /** The deployment name that prefixes every event id. */
    public String namespace() {
        return namespace;
    }

    /** Records where the live consumer starts in a partition it has just been assigned. */
    public synchronized void assigned(Topic topic, int partition, long position) {
        positions.set(topic, partition, position);
    }

    /** True once the live consumer has been given partitions of both topics: from then on nothing new is missed. */
    public synchronized boolean live() {
        return positions.assignedBothTopics();
    }

    /**
     * Publishes a batch of events (one Kafka poll), in order. Each is encoded once; each event loop with subscribers
     * gets one task for the whole batch, with the connections of each event: the writes then happen on the loops, in
     * publish order, with no task per delivery, and a connection is flushed once per batch however many of its events
     * the batch holds (the further behind the pod is, the larger the batches and the fewer the system calls). The
     * batch of the loop this is called on (the live consumer's) is written here, after the others are handed out,
     * rather than queued behind them, unless that loop still has batches to write. A loop writes at most
     * {@code market.stream.fan-out-slice} deliveries in one go (see {@link Outbox}).
     */
    public void publish(List<MarketEvent> events) {
        fanOut(events).forEach(here -> here.loop.dispatch(here));
        delivered.increment(events.size());
    }

    /**
     * Under the lock, so a connection registers either before an event or after it: builds each loop's batch, hands
     * it to the loop's outbox, and returns the outboxes the calling thread is to write now (see {@link Outbox#offer}).
     */
    private synchronized List<Outbox> fanOut(List<MarketEvent> events) {
        List<LoopBatch> batches = new ArrayList<>(8);
        for (MarketEvent event : events) {
            positions.set(event.topic(), event.partition(), event.offset() + 1);
            LiveFrame frame = LiveFrame.of(event, positions.cursor(namespace));
            if (event.priceSymbol() != null) {
                latestPrices.put(event.priceSymbol(), event);
            }
            long current = ++sequence;
            for (Channel channel : event.channels()) {
                Set<Connection> set = subscribers.get(channel);
                if (set != null) {
                    for (Connection connection : set) {
                        if (connection.firstDelivery(current)) {
                            LoopBatch.of(batches, connection.loop()).add(frame, connection);
                        }
                    }
                }
            }
        }
        List<Outbox> here = new ArrayList<>(2);
        for (LoopBatch batch : batches) {
            Outbox outbox = outboxes.computeIfAbsent(batch.loop, loop -> new Outbox((ContextInternal) loop, slice));
            if (outbox.offer(batch)) {
                here.add(outbox);
            }
        }
        return here;
    }

    /**
     * Runs the action on each open connection of a heartbeat slice, on its own event loop: one task per loop, not per
     * connection.
     */
    void onEachLoop(int heartbeatSlice, Consumer<Connection> action) {
        Map<Context, List<Connection>> byLoop = new HashMap<>(8);
        open.get(heartbeatSlice).forEach(
                connection -> byLoop.computeIfAbsent(connection.loop(), c -> new ArrayList<>()).add(connection));
        byLoop.forEach((loop, connections) -> loop.runOnContext(v -> connections.forEach(action)));
    }

    /**
     * Registers a connection for live delivery from now on, and says where "now" is: this pod's cursor, and the
     * latest prices it knows for the connection's channels.
     */
    synchronized Registration register(Connection connection) {
        Map<Channel, MarketEvent> prices = new HashMap<>();
        for (Channel channel : connection.channels()) {
            subscribers.compute(channel, (c, set) -> {
                Set<Connection> members = set != null ? set : ConcurrentHashMap.newKeySet();
                members.add(connection);
                return members;
            });
            MarketEvent latest = channel.priceSymbol() == null ? null : latestPrices.get(channel.priceSymbol());
            if (latest != null) {
                prices.put(channel, latest);
            }
        }
        open.get(connection.heartbeatSlice()).add(connection);
        connections.incrementAndGet();
        return new Registration(positions.cursor(namespace), prices);
    }

    /** Releases everything held for a connection that has ended, however it ended. */
    void close(Connection connection) {
        for (Channel channel : connection.channels()) {
            subscribers.computeIfPresent(channel, (c, set) -> {
                set.remove(connection);
                return set.isEmpty() ? null : set;
            });
        }
        if (open.get(connection.heartbeatSlice()).remove(connection)) {
            connections.decrementAndGet();
        }
    }

    /** From now on this pod takes no new stream: it is shutting down. */
    void startDraining() {
        draining = true;
    }

    boolean draining() {
        return draining;
    }

    /** The connections open now. */
    List<Connection> openConnections() {
        return open.stream().flatMap(Set::stream).toList();
    }

    /** The latest price of a symbol, as the JSON of its event. */
    public Optional<String> latestPrice(String symbol) {
        return Optional.ofNullable(latestPrices.get(symbol)).map(MarketEvent::json);
    }

    /** Connections now open on this pod. */
    public int connectionCount() {
        return connections.get();
    }

    /**
     * The batches handed to one event loop, written there in publish order by one writer at a time, at most a slice of
     * deliveries in one go: a writer that has written a slice leaves the rest to a task of its own, queued behind what
     * else the loop has to do (new streams, heartbeats, health probes), so a hot channel far behind cannot hold the
     * loop for seconds. Normal batches are far below a slice.
     */
    private static final class Outbox implements Handler<Void> {

        private final ContextInternal loop;
        private final int slice;
        private final Queue<LoopBatch> batches = new ConcurrentLinkedQueue<>();
        /** True while a writer is queued or running: only that writer takes batches, so they keep their order. */
        private final AtomicBoolean writing = new AtomicBoolean();

        private Outbox(ContextInternal loop, int slice) {
            this.loop = loop;
            this.slice = slice;
        }

        /**
         * Adds a batch. True when the caller, on this loop's thread with no writer pending, is to write now; else a
         * pending writer will take it, or a writer is queued on the loop here.
         */
        boolean offer(LoopBatch batch) {
            batches.add(batch);
            if (!writing.compareAndSet(false, true)) {
                return false;
            }
            if (loop.inThread()) {
                return true;
            }
            loop.runOnContext(this);
            return false;
        }

        /** The writer: on the loop, a slice of deliveries, then the rest in a task of its own. */
        @Override
        public void handle(Void ignored) {
            int budget = slice;
            LoopBatch batch;
            while ((batch = batches.peek()) != null) {
                if (budget <= 0) {
                    loop.runOnContext(this);
                    return;
                }
                budget = batch.write(budget);
                if (!batch.done()) {
                    loop.runOnContext(this);
                    return;
                }
                batches.poll();
            }
            writing.set(false);
            // A batch offered between the last look and the line above found a writer pending, and nobody took it.
            if (!batches.isEmpty() && writing.compareAndSet(false, true)) {
                loop.runOnContext(this);
            }
        }
    }

    /** The frames of one batch for the connections of one event loop, in order, and how far they are written. */
    private static final class LoopBatch {

        private final ContextInternal loop;
        private final List<LiveFrame> frames = new ArrayList<>();
        private final List<List<Connection>> targets = new ArrayList<>();
        /** Where the next write starts: a frame, and a connection of its targets. */
        private int nextFrame;
        private int nextTarget;
        /** The connections written to, each once: flushed when the whole batch is written. */
        private final List<Connection> written = new ArrayList<>();

        private LoopBatch(Context loop) {
            this.loop = (ContextInternal) loop;
        }

        /** The batch of a loop; a linear search, as there are only as many as event loops. */
        static LoopBatch of(List<LoopBatch> batches, Context loop) {
            for (int i = 0; i < batches.size(); i++) {
                LoopBatch batch = batches.get(i);
                if (batch.loop == loop) {
                    return batch;
                }
            }
            LoopBatch batch = new LoopBatch(loop);
            batches.add(batch);
            return batch;
        }

        void add(LiveFrame frame, Connection connection) {
            if (frames.isEmpty() || frames.get(frames.size() - 1) != frame) {
                frames.add(frame);
                targets.add(new ArrayList<>());
            }
            targets.get(targets.size() - 1).add(connection);
        }

        /**
         * Writes up to {@code budget} deliveries from where the last call stopped, and once the whole batch is
         * written flushes each connection it wrote to, once (however many slices it took: under load, the system
         * calls per event stay few); returns the budget left.
         */
        int write(int budget) {
            while (nextFrame < frames.size() && budget > 0) {
                LiveFrame live = frames.get(nextFrame);
                List<Connection> connections = targets.get(nextFrame);
                while (nextTarget < connections.size() && budget > 0) {
                    Connection connection = connections.get(nextTarget++);
                    budget--;
                    if (connection.deliver(live)) {
                        written.add(connection);
                    }
                }
                if (nextTarget == connections.size()) {
                    nextFrame++;
                    nextTarget = 0;
                }
            }
            if (done()) {
                written.forEach(Connection::flush);
            }
            return budget;
        }

        boolean done() {
            return nextFrame == frames.size();
        }
    }

    private static String defaultNamespace(IngestConfig ingest) {
        CRC32 crc = new CRC32();
        crc.update((ingest.pricesTopic() + '\n' + ingest.newsTopic()).getBytes(StandardCharsets.UTF_8));
        return "ms" + Long.toString(crc.getValue(), 36);
    }
}
