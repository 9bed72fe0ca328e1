package io.marketstream.stream;

import java.util.Set;

import io.marketstream.event.Channel;
import io.smallrye.mutiny.subscription.MultiEmitter;

/** One client's stream: the channels it wants and where its frames go. */
final class Connection {

    private final Set<Channel> channels;
    private final MultiEmitter<? super byte[]> emitter;
    /** The last event sent, so an event that matches several of this connection's channels is sent once. */
    private long lastSequence = -1;

    Connection(Set<Channel> channels, MultiEmitter<? super byte[]> emitter) {
        this.channels = Set.copyOf(channels);
        this.emitter = emitter;
    }

    Set<Channel> channels() {
        return channels;
    }

    /** Called by the hub, under its lock, once per matching channel of an event. */
    void deliver(long sequence, byte[] frame) {
        if (sequence == lastSequence) {
            return;
        }
        lastSequence = sequence;
        emitter.emit(frame);
    }

    void send(byte[] frame) {
        emitter.emit(frame);
    }
}
