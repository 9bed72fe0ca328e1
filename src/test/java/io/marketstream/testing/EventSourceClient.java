package io.marketstream.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * A browser's EventSource, on a thread of its own: it reconnects by itself whenever its stream ends, fails or is
 * refused, after the last {@code retry:} it was given (3000 ms until then), sending the last id it was given as
 * {@code Last-Event-ID}. Ids are taken at dispatch, also from frames without data, and a frame cut off by the end of
 * the stream is dropped, as the HTML standard says. It records every event and how long each reconnect took, from
 * the end of a stream to the first frame of the next one.
 */
public final class EventSourceClient implements AutoCloseable {

    /** An event, as EventSource would fire it, and when it was parsed ({@link System#nanoTime()}). */
    public record Event(String id, String type, String data, long receivedNanos) {
    }

    /**
     * One way back after a stream ended at {@code endedNanos}: {@code cause} is how it ended, {@code retryMillis} the
     * delay then in force, {@code attempts} the connections tried until one gave a first frame at {@code openedNanos}.
     */
    public record Reconnect(String cause, long retryMillis, int attempts, long endedNanos, long openedNanos) {
        public Duration duration() {
            return Duration.ofNanos(openedNanos - endedNanos);
        }
    }

    private static final long DEFAULT_RETRY_MILLIS = 3000;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final URI uri;
    private final Thread thread;
    private final CountDownLatch opened = new CountDownLatch(1);
    private final List<Event> events = new ArrayList<>();
    private final List<Reconnect> reconnects = new ArrayList<>();
    private final List<String> failedAttempts = new ArrayList<>();
    private volatile long retryMillis = DEFAULT_RETRY_MILLIS;
    private volatile String lastEventId = "";
    private volatile InputStream body;
    private volatile boolean closed;
    // Confined to the client's thread: how the last stream that opened ended, and the tries since.
    private boolean ended;
    private long endedNanos;
    private String endCause;
    private long retryAtEnd;
    private int attempts;

    private EventSourceClient(String name, URI uri) {
        this.name = name;
        this.uri = uri;
        this.thread = new Thread(this::run, "eventsource-" + name);
        thread.setDaemon(true);
    }

    /** Opens the stream at {@code uri} and keeps it open, reconnecting, until {@link #close()}. */
    public static EventSourceClient start(String name, URI uri) {
        EventSourceClient client = new EventSourceClient(name, uri);
        client.thread.start();
        return client;
    }

    public String name() {
        return name;
    }

    public URI uri() {
        return uri;
    }

    /** Waits until the first stream has given its first frame. */
    public boolean awaitOpen(Duration timeout) throws InterruptedException {
        return opened.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    public int eventCount() {
        synchronized (events) {
            return events.size();
        }
    }

    /** Whether an event received so far matches, looking from the newest. */
    public boolean has(Predicate<Event> match) {
        synchronized (events) {
            for (int i = events.size() - 1; i >= 0; i--) {
                if (match.test(events.get(i))) {
                    return true;
                }
            }
            return false;
        }
    }

    public List<Reconnect> reconnects() {
        synchronized (reconnects) {
            return List.copyOf(reconnects);
        }
    }

    /** How each connection that gave no frame ended: refused, an error status, a stream closed at once. */
    public List<String> failedAttempts() {
        synchronized (failedAttempts) {
            return List.copyOf(failedAttempts);
        }
    }

    public String lastEventId() {
        return lastEventId;
    }

    public long retryMillis() {
        return retryMillis;
    }

    /** Stops reconnecting and closes the current stream. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        closeBody();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "EventSourceClient[" + name + " " + uri + ", " + eventCount() + " events, " + reconnects().size()
                + " reconnects, last id " + lastEventId + "]";
    }

    private void run() {
        while (!closed) {
            attempts++;
            Stream stream = new Stream();
            String cause;
            try {
                cause = connect(stream);
            } catch (IOException e) {
                cause = e.getClass().getSimpleName() + ": " + e.getMessage();
            } catch (InterruptedException e) {
                break;
            } finally {
                closeBody();
            }
            if (!stream.opened && !closed) {
                synchronized (failedAttempts) {
                    failedAttempts.add(cause);
                }
            }
            if (stream.opened) {
                ended = true;
                endedNanos = System.nanoTime();
                endCause = cause;
                retryAtEnd = retryMillis;
                attempts = 0;
            }
            if (!closed) {
                pause(retryMillis);
            }
        }
    }

    /** The first frame of a stream: the client is back. */
    private void opened(Stream stream, long now) {
        stream.opened = true;
        opened.countDown();
        if (ended) {
            synchronized (reconnects) {
                reconnects.add(new Reconnect(endCause, retryAtEnd, attempts, endedNanos, now));
            }
        }
    }

    /** One connection; returns how it ended. */
    private String connect(Stream stream) throws IOException, InterruptedException {
        // The headers a browser's EventSource sends, Accept-Encoding included: a proxy that compresses must not buffer.
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().header("Accept", "text/event-stream")
                .header("Cache-Control", "no-cache").header("Accept-Encoding", "gzip, deflate");
        if (!lastEventId.isEmpty()) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        body = response.body();
        if (closed) {
            return "closed";
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (response.statusCode() != 200 || !type.startsWith("text/event-stream")) {
            return "status " + response.statusCode() + " " + type;
        }
        read(decoded(response), stream);
        return "end of stream";
    }

    private static InputStream decoded(HttpResponse<InputStream> response) throws IOException {
        String encoding = response.headers().firstValue("Content-Encoding").orElse("identity");
        return switch (encoding) {
            case "identity" -> response.body();
            case "gzip" -> new GZIPInputStream(response.body(), 512);
            case "deflate" -> new InflaterInputStream(response.body());
            default -> throw new IOException("Unsupported Content-Encoding " + encoding);
        };
    }

    private void read(InputStream in, Stream stream) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String idBuffer = lastEventId;
        String type = "";
        StringBuilder data = new StringBuilder();
        boolean pending = false;
        String line;
        while ((line = reader.readLine()) != null) {
            if (!line.isEmpty()) {
                pending = true;
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                value = value.startsWith(" ") ? value.substring(1) : value;
                switch (field) {
                    case "" -> { } // a comment
                    case "id" -> idBuffer = value.indexOf('\0') < 0 ? value : idBuffer;
                    case "event" -> type = value;
                    case "data" -> data.append(value).append('\n');
                    case "retry" -> retryMillis = value.matches("[0-9]+") ? Long.parseLong(value) : retryMillis;
                    default -> { } // ignored, as EventSource does
                }
                continue;
            }
            if (!pending) {
                continue;
            }
            // Dispatch: the id is kept even when there is no data to fire an event for.
            long now = System.nanoTime();
            lastEventId = idBuffer;
            if (!stream.opened) {
                opened(stream, now);
            }
            if (data.length() > 0) {
                Event event = new Event(idBuffer, type.isEmpty() ? "message" : type,
                        data.substring(0, data.length() - 1), now);
                synchronized (events) {
                    events.add(event);
                }
            }
            type = "";
            data.setLength(0);
            pending = false;
        }
    }

    private void closeBody() {
        InputStream current = body;
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // Closing is all that matters.
            }
        }
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            closed = true;
        }
    }

    /** What one connection gave. */
    private static final class Stream {
        private boolean opened;
    }
}
