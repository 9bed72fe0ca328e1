package io.marketstream.stream;

import java.nio.charset.StandardCharsets;

import io.marketstream.event.EventId;
import io.marketstream.event.MarketEvent;
import io.marketstream.event.SseFrames;

/**
 * A live event as the hub fans it out: the event, this pod's cursor after it, and its SSE frame encoded once, both
 * as it is and as an HTTP/1.1 chunk (size line, frame, CRLF), so every subscriber is written the same bytes.
 */
record LiveFrame(MarketEvent event, EventId cursor, byte[] frame, byte[] chunk) {

    static LiveFrame of(MarketEvent event, EventId cursor) {
        byte[] frame = SseFrames.event(cursor.format(), event.topic().eventName(), event.json());
        return new LiveFrame(event, cursor, frame, chunk(frame));
    }

    /** The bytes of one HTTP/1.1 chunk carrying the frame (RFC 9112, section 7.1). */
    static byte[] chunk(byte[] frame) {
        byte[] size = (Integer.toHexString(frame.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[size.length + frame.length + 2];
        System.arraycopy(size, 0, chunk, 0, size.length);
        System.arraycopy(frame, 0, chunk, size.length, frame.length);
        chunk[chunk.length - 2] = '\r';
        chunk[chunk.length - 1] = '\n';
        return chunk;
    }
}
