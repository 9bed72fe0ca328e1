package io.marketstream.testing;

import static org.awaitility.Awaitility.await;

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
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A Server-Sent Events client that reads the socket as a browser's EventSource does: it splits frames on blank
 * lines, and keeps every field, comment and raw line so tests can check the wire format itself.
 */
public final class SseClient implements AutoCloseable {

    /** One dispatched block of fields. Null fields were absent. */
    public record Frame(String id, String event, String data, String retry, List<String> comments) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final HttpResponse<InputStream> response;
    private final List<Frame> frames = new CopyOnWriteArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean ended;

    private SseClient(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    public static SseClient open(URI uri) {
        return open(uri, Map.of());
    }

    public static SseClient open(URI uri, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        headers.forEach(request::header);
        try {
            return new SseClient(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new IllegalStateException("Could not open " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<InputStream> response() {
        return response;
    }

    /** Frames that carry data: the events EventSource would fire. */
    public List<Frame> events() {
        return frames.stream().filter(f -> f.data() != null).toList();
    }

    public List<Frame> frames() {
        return List.copyOf(frames);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    public boolean ended() {
        return ended;
    }

    /** Waits until an event matches, and returns it. */
    public Frame awaitEvent(Predicate<Frame> match) {
        return await().atMost(Duration.ofSeconds(20)).until(
                () -> events().stream().filter(match).findFirst().orElse(null), f -> f != null);
    }

    public List<Frame> awaitEvents(int count) {
        await().atMost(Duration.ofSeconds(20)).until(() -> events().size() >= count);
        return events();
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            Builder current = new Builder();
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                if (line.isEmpty()) {
                    if (!current.isEmpty()) {
                        frames.add(current.build());
                    }
                    current = new Builder();
                } else {
                    current.accept(line);
                }
            }
        } catch (IOException closed) {
            // The stream was closed, by us or by the server.
        } finally {
            ended = true;
        }
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // Closing is all that matters here.
        }
    }

    private static final class Builder {
        private String id;
        private String event;
        private StringBuilder data;
        private String retry;
        private final List<String> comments = new ArrayList<>();

        void accept(String line) {
            if (line.startsWith(":")) {
                comments.add(line.substring(1).trim());
                return;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> event = value;
                case "retry" -> retry = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> throw new AssertionError("Unknown SSE field in line: " + line);
            }
        }

        boolean isEmpty() {
            return id == null && event == null && data == null && retry == null && comments.isEmpty();
        }

        Frame build() {
            return new Frame(id, event, data == null ? null : data.toString(), retry, List.copyOf(comments));
        }
    }
}
