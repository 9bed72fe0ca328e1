package bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.HdrHistogram.Recorder;

/**
 * One selector thread serving many subscribers: connects them (a bounded number at a time), sends each its GET,
 * reads and parses what arrives. No thread per connection. Counters are written by this thread only and read by
 * the driver (volatile, single writer).
 */
final class IoLoop implements Runnable {

    private final Selector selector;
    private final InetSocketAddress server;
    private final String hostHeader;
    private final List<InetSocketAddress> sources;
    private final int maxConnecting;
    private final Recorder latency;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
    private final byte[] bytes = new byte[256 * 1024];
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Sub> toConnect = new ArrayDeque<>();
    final List<Sub> subs = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private boolean resumeOnConnect;
    private int connecting;
    private long sourceCounter;

    volatile long connected;
    volatile long connectFailures;
    volatile long badStatus;
    volatile long closedByServer;
    volatile long received;
    volatile long bytesRead;
    volatile long gaps;
    volatile long dups;
    volatile long resets;
    volatile long badFrames;
    volatile long negativeLatency;
    volatile long caughtUp;
    volatile long firstFrames;
    /** The data of the first {@code reset} event seen, for the report. */
    volatile String firstReset;

    IoLoop(int id, InetSocketAddress server, List<InetSocketAddress> sources, int maxConnecting, Recorder latency)
            throws IOException {
        this.selector = Selector.open();
        this.server = server;
        this.hostHeader = server.getHostString() + ":" + server.getPort();
        this.sources = sources;
        this.maxConnecting = maxConnecting;
        this.latency = latency;
        this.thread = new Thread(this, "sse-io-" + id);
        this.thread.setDaemon(true);
    }

    Thread thread() {
        return thread;
    }

    void start() {
        thread.start();
    }

    void add(Sub sub) {
        subs.add(sub);
    }

    /** Connects every subscriber of this loop; with {@code resume}, each sends its last event id. */
    void connectAll(boolean resume) {
        submit(() -> {
            resumeOnConnect = resume;
            toConnect.addAll(subs);
        });
    }

    /** Closes every connection at once, from the client side. */
    void dropAll() {
        submit(() -> {
            for (Sub s : subs) {
                close(s, true);
            }
            connected = 0;
        });
    }

    /** Sets, for each subscriber, the sequence it must reach to count as caught up (by channel). */
    void expect(long[] seqByChannel) {
        submit(() -> {
            caughtUp = 0;
            for (Sub s : subs) {
                s.targetSeq = seqByChannel[s.channel];
                s.caughtUp = s.lastSeq >= s.targetSeq;
                s.caughtUpMicros = s.caughtUp ? WallClock.micros() : 0;
                if (s.caughtUp) {
                    caughtUp++;
                }
            }
        });
    }

    void stop() throws InterruptedException {
        running = false;
        selector.wakeup();
        thread.join(10_000);
    }

    private void submit(Runnable command) {
        commands.add(command);
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            while (running) {
                startConnects();
                selector.select(50);
                for (var it = selector.selectedKeys().iterator(); it.hasNext();) {
                    SelectionKey key = it.next();
                    it.remove();
                    handle(key);
                }
                Runnable c;
                while ((c = commands.poll()) != null) {
                    c.run();
                }
            }
        } catch (IOException e) {
            e.printStackTrace();
        } finally {
            for (Sub s : subs) {
                close(s, true);
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // shutting down
            }
        }
    }

    private void startConnects() {
        while (connecting < maxConnecting && !toConnect.isEmpty()) {
            Sub s = toConnect.poll();
            s.resetConnection();
            try {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.bind(sources.get((int) (sourceCounter++ % sources.size())));
                s.socket = ch;
                if (ch.connect(server)) {
                    s.key = ch.register(selector, 0, s);
                    sendRequest(s);
                } else {
                    s.key = ch.register(selector, SelectionKey.OP_CONNECT, s);
                }
                connecting++;
            } catch (IOException e) {
                connectFailures++;
                close(s, true);
            }
        }
    }

    private void handle(SelectionKey key) {
        Sub s = (Sub) key.attachment();
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.isConnectable()) {
                s.socket.finishConnect();
                sendRequest(s);
                return;
            }
            if (key.isReadable()) {
                read(s);
            }
        } catch (IOException e) {
            if (!s.headersDone) {
                connecting--;
                connectFailures++;
            } else {
                closedByServer++;
                connected--;
            }
            close(s, false);
        }
    }

    private void sendRequest(Sub s) throws IOException {
        ByteBuffer req = ByteBuffer.wrap(s.request(hostHeader, resumeOnConnect));
        while (req.hasRemaining()) {
            if (s.socket.write(req) == 0) {
                throw new IOException("request did not fit the socket buffer");
            }
        }
        s.key.interestOps(SelectionKey.OP_READ);
    }

    private void read(Sub s) throws IOException {
        while (true) {
            buffer.clear();
            int n = s.socket.read(buffer);
            if (n < 0) {
                if (s.headersDone) {
                    closedByServer++;
                    connected--;
                } else {
                    connecting--;
                    connectFailures++;
                }
                close(s, false);
                return;
            }
            if (n == 0) {
                return;
            }
            bytesRead += n;
            buffer.flip();
            buffer.get(bytes, 0, n);
            boolean wasFirst = s.firstFrame;
            boolean open = s.feed(bytes, 0, n, this);
            if (s.headersDone && s.status != 200) {
                close(s, false);
                return;
            }
            if (!open) {
                closedByServer++;
                connected--;
                close(s, false);
                return;
            }
            if (!wasFirst && s.firstFrame) {
                firstFrames++;
            }
            if (n < buffer.capacity()) {
                return;
            }
        }
    }

    void onHeaders(Sub s) {
        connecting--;
        if (s.status != 200) {
            badStatus++;
        } else {
            connected++;
        }
    }

    void onEvent(Sub s, long seq, long tsMicros) {
        long before = s.lastSeq;
        s.check(seq, this);
        received++;
        long lat = WallClock.micros() - tsMicros;
        if (lat < 0) {
            negativeLatency++;
            lat = 0;
        }
        latency.recordValue(lat);
        if (s.lastSeq != before && !s.caughtUp && s.lastSeq >= s.targetSeq) {
            s.caughtUp = true;
            s.caughtUpMicros = WallClock.micros();
            caughtUp++;
        }
    }

    private void close(Sub s, boolean byUs) {
        s.closingByUs = byUs;
        if (s.key != null) {
            s.key.cancel();
            s.key = null;
        }
        if (s.socket != null) {
            try {
                s.socket.close();
            } catch (IOException ignored) {
                // already gone
            }
            s.socket = null;
        }
    }
}
