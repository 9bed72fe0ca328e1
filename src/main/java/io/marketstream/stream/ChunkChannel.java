package io.marketstream.stream;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.VoidChannelPromise;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The socket under an HTTP/1.1 chunked response, written just below Vert.x's HTTP encoder: live frames go out as
 * chunks encoded once per event, without the response's per-write work (its checks, an HTTP content object, the
 * encoder's chunk framing, a promise and listener per write), and a batch of them is flushed with one system call.
 *
 * <p>Only taken where it writes exactly the bytes the response would: a GET (a HEAD response has no body), HTTP/1.1,
 * chunked, headers already written, and nothing between the encoder and the socket that changes or queues bytes
 * (compression; the chunked-file writer Vert.x adds for TLS); elsewhere every frame goes through the response.
 * Writes are on the connection's event loop, as the response's are, so the two keep their order.
 *
 * <p>The HTTP server's idle timeout would see none of these writes and close a busy stream whose client never
 * speaks, so a stream written this way leaves it: heartbeats keep it open through proxies, and it is closed when
 * the client goes away, a write fails, or the client falls a write queue behind.
 */
final class ChunkChannel {

    private static final String ENCODER = "httpEncoder";
    private static final String IDLE_TIMEOUT = "idle";
    private static final String[] BYTE_CHANGERS = {"deflater", "chunkedWriter"};

    private final ChannelHandlerContext encoder;
    /** Failures are not reported per write: a broken connection is seen, and closed, by its response. */
    private final VoidChannelPromise quiet;

    private ChunkChannel(ChannelHandlerContext encoder) {
        this.encoder = encoder;
        this.quiet = new VoidChannelPromise(encoder.channel(), false);
    }

    /** The chunk channel of a response whose headers are out, or null when its frames must go through it. */
    static ChunkChannel of(HttpServerRequest request, HttpServerResponse response) {
        if (request.method() != HttpMethod.GET || request.version() != HttpVersion.HTTP_1_1 || !response.isChunked()
                || !response.headWritten()
                || !(request.connection() instanceof ConnectionBase connection)) {
            return null;
        }
        ChannelPipeline pipeline = connection.channel().pipeline();
        for (String name : BYTE_CHANGERS) {
            if (pipeline.get(name) != null) {
                return null;
            }
        }
        ChannelHandlerContext encoder = pipeline.context(ENCODER);
        if (encoder == null) {
            return null;
        }
        if (pipeline.get(IDLE_TIMEOUT) != null) {
            pipeline.remove(IDLE_TIMEOUT);
        }
        return new ChunkChannel(encoder);
    }

    /** Queues one pre-encoded chunk (see {@link WireFrame}); nothing is sent before {@link #flush}. */
    void write(byte[] chunk) {
        encoder.write(Unpooled.wrappedBuffer(chunk), quiet);
    }

    void flush() {
        encoder.flush();
    }

    /** False while more than the response's write-queue limit is waiting for the client. */
    boolean writable() {
        return encoder.channel().isWritable();
    }

    boolean open() {
        return encoder.channel().isActive();
    }
}
