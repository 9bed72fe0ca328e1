package bench;

/**
 * Hands events to a server. The latency of an event starts when {@link #send} is called: the payload is stamped just
 * before. Driven by one thread ({@link Pacer}), which calls {@link #poll} between sends.
 */
interface Publisher extends AutoCloseable {

    void send(String channel, byte[] payload);

    /** Does pending I/O for up to {@code nanos} (or sleeps that long when the client does its own I/O). */
    void poll(long nanos);

    long acked();

    long failed();

    /** Sent and not yet acknowledged. */
    long inFlight();

    @Override
    void close();
}
