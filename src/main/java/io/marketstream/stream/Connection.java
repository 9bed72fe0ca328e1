package io.marketstream.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.marketstream.event.Channel;
import io.marketstream.event.EventId;
import io.marketstream.event.Partition;
import io.marketstream.event.SseFrames;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import io.smallrye.mutiny.subscription.MultiEmitter;

/**
 * One client's stream. It is registered with the hub before its opening (snapshot, replay) is known, so live
 * events that arrive meanwhile wait in {@code pending}; {@link #start} sends the opening, then them, then goes live.
 */
final class Connection {

    private final Set<Channel> channels;
    private final MultiEmitter<? super byte[]> emitter;
    private final int maxPending;
    /** The last event delivered, so an event that matches several channels is sent once. Hub thread only. */
    private long lastSequence = -1;
    /** Live frames held back until the opening has been sent; null once live. */
    private List<LiveFrame> pending = new ArrayList<>();
    /**
     * Where the client already is, when it resumed ahead of this pod's live consumer: live events below it are
     * dropped, and ids never go back below it. Null when this pod is not behind.
     */
    private EventId floor;

    Connection(Set<Channel> channels, MultiEmitter<? super byte[]> emitter, int maxPending) {
        this.channels = Set.copyOf(channels);
        this.emitter = emitter;
        this.maxPending = maxPending;
    }

    Set<Channel> channels() {
        return channels;
    }

    /** Called by the hub, under its lock, once per matching channel of an event. */
    void deliver(long sequence, LiveFrame frame) {
        if (sequence == lastSequence) {
            return;
        }
        lastSequence = sequence;
        synchronized (this) {
            if (pending == null) {
                send(frame);
            } else if (pending.size() < maxPending) {
                pending.add(frame);
            } else {
                emitter.fail(new BackPressureFailure("Too many live events while the stream was opening"));
            }
        }
    }

    /** Sends the opening frames, then the live events held back meanwhile, and goes live. */
    synchronized void start(List<byte[]> opening, EventId resumedAt) {
        opening.forEach(emitter::emit);
        floor = resumedAt;
        List<LiveFrame> held = pending;
        pending = null;
        held.forEach(this::send);
    }

    /** A comment frame, so proxies keep an idle stream open; held back like live events while opening. */
    synchronized void heartbeat(byte[] frame) {
        if (pending == null) {
            emitter.emit(frame);
        }
    }

    /** Tells the client how soon to come back, then ends the stream. */
    synchronized void drain(byte[] retryFrame) {
        emitter.emit(retryFrame);
        emitter.complete();
    }

    private void send(LiveFrame frame) {
        if (floor == null) {
            emitter.emit(frame.bytes());
            return;
        }
        Partition partition = Partition.of(frame.event());
        if (frame.event().offset() < floor.position(partition)) {
            return;
        }
        if (frame.cursor().covers(floor)) {
            floor = null;
            emitter.emit(frame.bytes());
        } else {
            EventId cursor = frame.cursor().max(floor);
            emitter.emit(SseFrames.event(cursor.format(), frame.event().topic().eventName(), frame.event().json()));
        }
    }
}
