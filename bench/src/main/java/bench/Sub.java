package bench;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One SSE subscriber: a minimal HTTP/1.1 response parser (status, headers, chunked or plain body) feeding an
 * EventSource-style parser (id, event, data, comments; an event is dispatched on a blank line). It keeps the last
 * event id across reconnections, as EventSource does, and checks the channel's sequence numbers: every gap and every
 * duplicate is counted. Owned by one {@link IoLoop} thread.
 */
final class Sub {

    private static final int STATUS = 0, HEADERS = 1, BODY = 2, CHUNK_SIZE = 3, CHUNK_DATA = 4, CHUNK_END = 5,
            DONE = 6;

    final int index;
    final int channel;
    final String path;
    SocketChannel socket;
    SelectionKey key;
    boolean closingByUs;

    // HTTP state, reset on each connection.
    private int state;
    private boolean chunked;
    private long chunkLeft;
    int status;
    boolean headersDone;
    /** Set once the first SSE frame (market-stream's opening, or any event) has been parsed. */
    boolean firstFrame;

    // Line and event buffers.
    private byte[] line = new byte[512];
    private int lineLen;
    private boolean lineCr;
    private boolean eventHasData;
    private long eventSeq;
    private long eventTs;
    private boolean eventReset;

    // Kept across reconnections.
    byte[] lastId = new byte[0];
    long lastSeq;
    long received;
    long gaps;
    long dups;
    long resets;
    long badFrames;
    /** The sequence to reach after a reconnection; caught up when lastSeq reaches it. */
    long targetSeq = Long.MAX_VALUE;
    long caughtUpMicros;
    boolean caughtUp;
    long reconnectReceived;

    Sub(int index, int channel, String path) {
        this.index = index;
        this.channel = channel;
        this.path = path;
    }

    byte[] request(String hostHeader, boolean resume) {
        StringBuilder b = new StringBuilder(160 + lastId.length);
        b.append("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(hostHeader)
                .append("\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n");
        if (resume && lastId.length > 0) {
            b.append("Last-Event-ID: ").append(new String(lastId, StandardCharsets.ISO_8859_1)).append("\r\n");
        }
        b.append("\r\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    void resetConnection() {
        state = STATUS;
        chunked = false;
        chunkLeft = 0;
        status = 0;
        headersDone = false;
        firstFrame = false;
        lineLen = 0;
        lineCr = false;
        eventHasData = false;
        eventReset = false;
        closingByUs = false;
    }

    /** Parses bytes read from the socket. Returns false when the response ended (the server closed the stream). */
    boolean feed(byte[] b, int off, int len, IoLoop loop) {
        int i = off;
        int end = off + len;
        while (i < end) {
            switch (state) {
                case STATUS, HEADERS, CHUNK_SIZE, CHUNK_END -> {
                    byte c = b[i++];
                    if (c == '\n') {
                        httpLine(loop);
                        lineLen = 0;
                    } else if (c != '\r') {
                        append(c);
                    }
                }
                case BODY -> {
                    sse(b, i, end, loop);
                    i = end;
                }
                case CHUNK_DATA -> {
                    int n = (int) Math.min(chunkLeft, end - i);
                    sse(b, i, i + n, loop);
                    i += n;
                    chunkLeft -= n;
                    if (chunkLeft == 0) {
                        state = CHUNK_END;
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return state != DONE;
    }

    private void httpLine(IoLoop loop) {
        switch (state) {
            case STATUS -> {
                if (lineLen >= 12) {
                    status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
                }
                state = HEADERS;
            }
            case HEADERS -> {
                if (lineLen == 0) {
                    headersDone = true;
                    loop.onHeaders(this);
                    state = chunked ? CHUNK_SIZE : BODY;
                } else if (startsWithIgnoreCase("transfer-encoding:") && contains("chunked")) {
                    chunked = true;
                }
            }
            case CHUNK_SIZE -> {
                long size = 0;
                for (int k = 0; k < lineLen; k++) {
                    int d = Character.digit(line[k], 16);
                    if (d < 0) {
                        break;
                    }
                    size = size * 16 + d;
                }
                if (size == 0) {
                    state = DONE;
                } else {
                    chunkLeft = size;
                    state = CHUNK_DATA;
                }
            }
            case CHUNK_END -> state = CHUNK_SIZE;
            default -> {
            }
        }
    }

    /** The EventSource line parser over body bytes; a line may span reads and chunks. */
    private void sse(byte[] b, int from, int to, IoLoop loop) {
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c == '\n') {
                if (!lineCr) {
                    sseLine(loop);
                }
                lineCr = false;
                lineLen = 0;
            } else if (c == '\r') {
                sseLine(loop);
                lineLen = 0;
                lineCr = true;
            } else {
                lineCr = false;
                append(c);
            }
        }
    }

    private void sseLine(IoLoop loop) {
        if (lineLen == 0) {
            dispatch(loop);
            return;
        }
        if (line[0] == ':') {
            return;
        }
        int colon = 0;
        while (colon < lineLen && line[colon] != ':') {
            colon++;
        }
        int value = colon + 1;
        if (value < lineLen && line[value] == ' ') {
            value++;
        }
        if (colon == 4 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a') {
            if (eventReset && loop.firstReset == null) {
                loop.firstReset = new String(line, value, lineLen - value, StandardCharsets.UTF_8);
            }
            eventHasData = true;
            eventSeq = Payload.seq(line, value, lineLen);
            eventTs = Payload.tsMicros(line, value, lineLen);
        } else if (colon == 2 && line[0] == 'i' && line[1] == 'd') {
            int n = Math.max(0, lineLen - value);
            if (lastId.length != n) {
                lastId = new byte[n];
            }
            System.arraycopy(line, value, lastId, 0, n);
        } else if (colon == 5 && line[0] == 'e' && lineLen - value == 5 && line[value] == 'r' && line[value + 1] == 'e'
                && line[value + 2] == 's' && line[value + 3] == 'e' && line[value + 4] == 't') {
            eventReset = true;
        }
    }

    private void dispatch(IoLoop loop) {
        firstFrame = true;
        if (eventReset) {
            resets++;
            loop.resets++;
        }
        if (eventHasData && !eventReset) {
            long seq = eventSeq;
            if (seq < 0 || eventTs < 0) {
                badFrames++;
                loop.badFrames++;
            } else {
                loop.onEvent(this, seq, eventTs);
            }
        }
        eventHasData = false;
        eventReset = false;
    }

    void check(long seq, IoLoop loop) {
        received++;
        if (seq <= lastSeq) {
            dups++;
            loop.dups++;
            return;
        }
        if (seq > lastSeq + 1) {
            gaps += seq - lastSeq - 1;
            loop.gaps += seq - lastSeq - 1;
        }
        lastSeq = seq;
    }

    private void append(byte c) {
        if (lineLen == line.length) {
            byte[] bigger = new byte[line.length * 2];
            System.arraycopy(line, 0, bigger, 0, lineLen);
            line = bigger;
        }
        line[lineLen++] = c;
    }

    private boolean startsWithIgnoreCase(String prefix) {
        if (lineLen < prefix.length()) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (Character.toLowerCase(line[k]) != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private boolean contains(String word) {
        String s = new String(line, 0, lineLen, StandardCharsets.ISO_8859_1).toLowerCase();
        return s.contains(word);
    }
}
