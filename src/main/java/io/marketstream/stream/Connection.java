package io.marketstream.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.marketstream.event.Channel;
import io.marketstream.event.EventId;
import io.marketstream.event.Partition;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.impl.ContextInternal;

/**
 * One client's stream. RESTEasy Reactive writes its headers and opening (the first item of its Multi); from then on
 * live frames, encoded once per event, are written straight to the socket on the connection's own event loop (as
 * pre-encoded HTTP chunks through {@link ChunkChannel}, else through the Vert.x response), with no per-frame hop
 * through Mutiny or RESTEasy, and flushed once per batch the hub hands over. Every method but {@link #firstDelivery}
 * runs on that event loop, so the state needs no lock.
 *
 * <p>It is registered with the hub before its opening (snapshot, replay) is known, so live events that arrive
 * meanwhile wait in {@code pending}; {@link #start} sends the opening, then them, then goes live.
 */
final class Connection {

    /** Live events held while the opening is planned; more than this and the stream is closed (it resumes). */
    private static final int MAX_PENDING = 10_000;
    /** Deals connections into the heartbeat's slices in turn, so each slice holds as many streams as the next. */
    private static final AtomicInteger OPENED = new AtomicInteger();

    private final Set<Channel> channels;
    private final MultiEmitter<? super byte[]> emitter;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final Context context;
    /** The event loop's own context: the request's is a duplicate of it, one per request. */
    private final Context loop;
    /** Which of the heartbeat's slices this stream is in: it is visited on that slice's ticks only. */
    private final int heartbeatSlice = Math.floorMod(OPENED.getAndIncrement(), Heartbeats.SLICES);
    /** The last event delivered, so an event that matches several channels is sent once. Hub thread only. */
    private long lastSequence = -1;
    private List<LiveFrame> pending = new ArrayList<>();
    /**
     * Where the client already is, when it resumed ahead of this pod's live consumer: live events below it are
     * dropped, and ids never go back below it. Null when this pod is not behind.
     */
    private EventId floor;
    /** Set once the opening is out, when frames can go to the socket as chunks; null: through the response. */
    private ChunkChannel chunks;
    /** Chunks written since the last flush. */
    private boolean unflushed;
    /** Something was written since this stream's last heartbeat tick: it is not idle, and needs no heartbeat. */
    private boolean wroteSinceTick;
    private boolean closed;

    Connection(Set<Channel> channels, MultiEmitter<? super byte[]> emitter, HttpServerRequest request,
            Context context, int maxQueuedBytes) {
        this.channels = Set.copyOf(channels);
        this.emitter = emitter;
        this.request = request;
        this.response = request.response();
        this.context = context;
        this.loop = ((ContextInternal) context).unwrap();
        response.setWriteQueueMaxSize(maxQueuedBytes);
    }

    Set<Channel> channels() {
        return channels;
    }

    /** The request's context, on the event loop this connection's writes belong to. */
    Context context() {
        return context;
    }

    int heartbeatSlice() {
        return heartbeatSlice;
    }

    /** That event loop's context, the same for all its connections: what the hub groups deliveries by. */
    Context loop() {
        return loop;
    }

    /** Called by the hub, under its lock, for each matching channel: true the first time for an event. */
    boolean firstDelivery(long sequence) {
        if (sequence == lastSequence) {
            return false;
        }
        lastSequence = sequence;
        return true;
    }

    /**
     * Writes a live frame, or holds it while the opening is planned. True when this left bytes to {@link #flush}
     * that were not waiting before: the caller flushes each connection once after a batch.
     */
    boolean deliver(LiveFrame frame) {
        if (pending == null) {
            boolean wasUnflushed = unflushed;
            send(frame);
            return unflushed && !wasUnflushed;
        }
        if (pending.size() < MAX_PENDING) {
            pending.add(frame);
        } else {
            close(new BackPressureFailure("Too many live events while the stream was opening"));
        }
        return false;
    }

    /** Sends what {@link #deliver} wrote. */
    void flush() {
        if (unflushed) {
            unflushed = false;
            chunks.flush();
        }
    }

    /** Sends the opening frames (through RESTEasy, which writes the headers first), then the held events. */
    void start(List<byte[]> opening, EventId resumedAt) {
        emitter.emit(concat(opening));
        wroteSinceTick = true;
        if (!closed && !response.ended()) {
            chunks = ChunkChannel.of(request, response);
        }
        floor = resumedAt;
        List<LiveFrame> held = pending;
        pending = null;
        held.forEach(this::send);
        if (chunks != null) {
            flush();
        }
    }

    /** True when live frames go to the socket as pre-encoded chunks (the fast path), false: through the response. */
    boolean writesChunks() {
        return chunks != null;
    }

    /**
     * A comment frame, so proxies keep the stream open, unless something else was written since the last tick: a
     * stream is silent for less than two heartbeat intervals, and a busy one is sent none.
     */
    void heartbeat(WireFrame frame) {
        if (pending != null) {
            return;
        }
        if (wroteSinceTick) {
            wroteSinceTick = false;
            return;
        }
        write(frame);
        flush();
        wroteSinceTick = false;
    }

    /** Tells the client how soon to come back, then ends the stream. */
    void drain(WireFrame retryFrame) {
        if (pending == null) {
            write(retryFrame);
            flush();
        }
        closed = true;
        emitter.complete();
    }

    private void send(LiveFrame frame) {
        if (floor == null) {
            write(frame.wire());
            return;
        }
        Partition partition = Partition.of(frame.event());
        if (frame.event().offset() < floor.position(partition)) {
            return;
        }
        if (frame.cursor().covers(floor)) {
            floor = null;
            write(frame.wire());
        } else {
            write(LiveFrame.encode(frame.event(), frame.cursor().max(floor)));
        }
    }

    /** A client that cannot keep up is cut off rather than buffered without bound; it resumes from its last id. */
    private void write(WireFrame frame) {
        wroteSinceTick = true;
        if (chunks == null) {
            writeThroughResponse(frame);
            return;
        }
        if (closed || !chunks.open()) {
            return;
        }
        if (!chunks.writable()) {
            // Unflushed chunks count too: send them, and give up only if the socket still will not take more.
            flush();
            if (!chunks.writable()) {
                close(new BackPressureFailure("The client reads too slowly"));
                return;
            }
        }
        chunks.write(frame.chunk());
        unflushed = true;
    }

    private void writeThroughResponse(WireFrame frame) {
        if (closed || response.closed()) {
            return;
        }
        if (response.writeQueueFull()) {
            close(new BackPressureFailure("The client reads too slowly"));
            return;
        }
        response.write(Buffer.buffer(frame.sse()));
    }
    private void close(Throwable why) {
        closed = true;
        emitter.fail(why);
    }

    private static byte[] concat(List<byte[]> frames) {
        int length = frames.stream().mapToInt(f -> f.length).sum();
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] frame : frames) {
            System.arraycopy(frame, 0, all, at, frame.length);
            at += frame.length;
        }
        return all;
    }
}
