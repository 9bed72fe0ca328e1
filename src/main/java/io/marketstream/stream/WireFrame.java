package io.marketstream.stream;

import java.nio.charset.StandardCharsets;

/**
 * An SSE frame as bytes, encoded once for every stream it goes to: as it is (for a response that Vert.x frames) and
 * as one HTTP/1.1 chunk (size line, frame, CRLF; RFC 9112, section 7.1) for {@link ChunkChannel}.
 */
record WireFrame(byte[] sse, byte[] chunk) {

    static WireFrame of(byte[] sse) {
        byte[] size = (Integer.toHexString(sse.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[size.length + sse.length + 2];
        System.arraycopy(size, 0, chunk, 0, size.length);
        System.arraycopy(sse, 0, chunk, size.length, sse.length);
        chunk[chunk.length - 2] = '\r';
        chunk[chunk.length - 1] = '\n';
        return new WireFrame(sse, chunk);
    }
}
