package bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Publishes to nchan: {@code POST /pub?id=CHANNEL} on a few keep-alive connections, pipelined. A channel always uses
 * the same connection, and nginx answers the requests of a connection one after another, so a channel's events
 * reach nchan in order. Non-blocking, on the pacing thread.
 */
final class NchanPublisher implements Publisher {

    private final Selector selector;
    private final Conn[] conns;
    private final String hostHeader;
    private long sent;
    private long acked;
    private long failed;

    NchanPublisher(InetSocketAddress server, int connections) throws IOException {
        this.selector = Selector.open();
        this.hostHeader = server.getHostString() + ":" + server.getPort();
        this.conns = new Conn[connections];
        for (int i = 0; i < connections; i++) {
            SocketChannel ch = SocketChannel.open(server);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.configureBlocking(false);
            conns[i] = new Conn(ch);
            conns[i].key = ch.register(selector, SelectionKey.OP_READ, conns[i]);
        }
    }

    @Override
    public void send(String channel, byte[] payload) {
        Conn c = conns[Math.floorMod(channel.hashCode(), conns.length)];
        byte[] head = ("POST /pub?id=" + channel + " HTTP/1.1\r\nHost: " + hostHeader
                + "\r\nContent-Type: application/json\r\nContent-Length: " + payload.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        c.queue(head, payload);
        sent++;
        try {
            c.flush();
        } catch (IOException e) {
            throw new IllegalStateException("nchan publisher connection failed", e);
        }
    }

    @Override
    public void poll(long nanos) {
        try {
            if (nanos <= 0) {
                selector.selectNow();
            } else {
                selector.select(Math.max(1, nanos / 1_000_000));
            }
            for (var it = selector.selectedKeys().iterator(); it.hasNext();) {
                SelectionKey key = it.next();
                it.remove();
                Conn c = (Conn) key.attachment();
                if (key.isWritable()) {
                    c.flush();
                }
                if (key.isReadable()) {
                    c.read();
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("nchan publisher connection failed", e);
        }
    }

    @Override
    public long acked() {
        return acked;
    }

    @Override
    public long failed() {
        return failed;
    }

    @Override
    public long inFlight() {
        return sent - acked - failed;
    }

    @Override
    public void close() {
        for (Conn c : conns) {
            try {
                c.ch.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** One keep-alive connection: an output buffer and a parser of the responses (status, headers, body). */
    private final class Conn {
        final SocketChannel ch;
        SelectionKey key;
        ByteBuffer out = ByteBuffer.allocate(64 * 1024);
        final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        final StringBuilder line = new StringBuilder();
        int status;
        long contentLength;
        boolean chunked;
        int state; // 0 status, 1 headers, 2 body (content-length), 3 chunk size, 4 chunk data, 5 chunk end
        long left;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void queue(byte[] head, byte[] body) {
            int need = head.length + body.length;
            if (out.remaining() < need) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + need));
                out.flip();
                bigger.put(out);
                out = bigger;
            }
            out.put(head).put(body);
        }

        void flush() throws IOException {
            out.flip();
            ch.write(out);
            out.compact();
            key.interestOps(out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        void read() throws IOException {
            in.clear();
            int n = ch.read(in);
            if (n < 0) {
                throw new IOException("nchan closed the publisher connection");
            }
            in.flip();
            while (in.hasRemaining()) {
                if (state == 2 || state == 4) {
                    int skip = (int) Math.min(left, in.remaining());
                    in.position(in.position() + skip);
                    left -= skip;
                    if (left == 0) {
                        if (state == 2) {
                            done();
                        } else {
                            state = 5;
                        }
                    }
                    continue;
                }
                char c = (char) in.get();
                if (c == '\r') {
                    continue;
                }
                if (c != '\n') {
                    line.append(c);
                    continue;
                }
                String l = line.toString();
                line.setLength(0);
                lineDone(l);
            }
        }

        private void lineDone(String l) {
            switch (state) {
                case 0 -> {
                    status = Integer.parseInt(l.substring(9, 12));
                    contentLength = 0;
                    chunked = false;
                    state = 1;
                }
                case 1 -> {
                    String lower = l.toLowerCase();
                    if (l.isEmpty()) {
                        if (chunked) {
                            state = 3;
                        } else if (contentLength > 0) {
                            left = contentLength;
                            state = 2;
                        } else {
                            done();
                        }
                    } else if (lower.startsWith("content-length:")) {
                        contentLength = Long.parseLong(l.substring(15).trim());
                    } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                        chunked = true;
                    }
                }
                case 3 -> {
                    long size = Long.parseLong(l.split(";")[0].trim(), 16);
                    if (size == 0) {
                        state = 6;
                    } else {
                        left = size;
                        state = 4;
                    }
                }
                case 5 -> state = 3;
                case 6 -> {
                    if (l.isEmpty()) {
                        done();
                    }
                }
                default -> {
                }
            }
        }

        private void done() {
            if (status >= 200 && status < 300) {
                acked++;
            } else {
                failed++;
            }
            state = 0;
        }
    }
}
