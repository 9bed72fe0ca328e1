package io.marketstream.event;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Builds Server-Sent Events frames as bytes, once per event, so the same bytes go to every subscriber.
 *
 * <p>Anything that becomes an {@code id:} or {@code event:} line is checked for CR, LF and NUL, which would end the
 * field early and let the rest be read as a field of its own. Data is JSON: the encoder escapes every control
 * character, so it is always a single {@code data:} line.
 */
public final class SseFrames {

    private static final byte[] HEARTBEAT = ":\n\n".getBytes(StandardCharsets.UTF_8);

    private SseFrames() {
    }

    /** A comment line: ignored by EventSource, but it keeps proxies from closing an idle stream. */
    public static byte[] heartbeat() {
        return HEARTBEAT.clone();
    }

    /** {@code id:}, {@code event:} and one {@code data:} line. */
    public static byte[] event(String id, String name, String json) {
        requireField("id", id);
        requireField("event", name);
        requireField("data", json);
        return ("id: " + id + "\nevent: " + name + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The first frame of a stream: the reconnection delay, and the cursor the stream starts from. An id with no data
     * dispatches no event, but EventSource still takes it as its last event id, so a client that is given no event
     * before it drops resumes from where it connected.
     */
    public static byte[] opening(Duration retry, String id) {
        requireField("id", id);
        if (retry.isNegative()) {
            throw new IllegalArgumentException("retry must not be negative");
        }
        return ("retry: " + retry.toMillis() + "\nid: " + id + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void requireField(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\n' || c == '\r' || c == '\0') {
                throw new IllegalArgumentException("SSE " + field + " must not contain CR, LF or NUL");
            }
        }
    }
}
