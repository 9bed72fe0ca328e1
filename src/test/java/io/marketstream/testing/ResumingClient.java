package io.marketstream.testing;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A client that behaves as a browser's EventSource across connections: it remembers the last id it was given
 * (including an id on a frame with no data) and sends it as {@code Last-Event-ID} when it connects again, possibly
 * to another server.
 */
public final class ResumingClient implements AutoCloseable {

    private final String pathAndQuery;
    private final List<SseClient.Frame> events = new ArrayList<>();
    private SseClient current;
    private String lastEventId;
    private int connections;

    public ResumingClient(String pathAndQuery) {
        this.pathAndQuery = pathAndQuery;
    }

    /** Connects to a server, resuming from the last id if there is one, and waits for the stream to open. */
    public ResumingClient connect(Function<String, URI> server) {
        disconnect();
        Map<String, String> headers = lastEventId == null ? Map.of() : Map.of("Last-Event-ID", lastEventId);
        current = SseClient.open(server.apply(pathAndQuery), headers);
        connections++;
        SseClient opened = current;
        await().atMost(Duration.ofSeconds(20)).until(() -> !opened.frames().isEmpty());
        return this;
    }

    /** Closes the connection, keeping what it received. */
    public void disconnect() {
        if (current != null) {
            current.close();
            collect(current);
            current = null;
        }
    }

    /** Every event received over every connection so far, in order. */
    public List<SseClient.Frame> events() {
        List<SseClient.Frame> all = new ArrayList<>(events);
        if (current != null) {
            all.addAll(current.events());
        }
        return all;
    }

    public SseClient.Frame awaitEvent(Predicate<SseClient.Frame> match) {
        return await().atMost(Duration.ofSeconds(30)).until(
                () -> events().stream().filter(match).reduce((a, b) -> b).orElse(null), f -> f != null);
    }

    public String lastEventId() {
        if (current != null) {
            String id = lastId(current.frames());
            return id != null ? id : lastEventId;
        }
        return lastEventId;
    }

    /** True when the server closed the current connection (or there is none): time to reconnect. */
    public boolean dropped() {
        return current == null || current.ended();
    }

    public int connections() {
        return connections;
    }

    private void collect(SseClient client) {
        // One snapshot for both, so the id kept is the id of the last event kept.
        List<SseClient.Frame> frames = client.frames();
        frames.stream().filter(f -> f.data() != null).forEach(events::add);
        String id = lastId(frames);
        if (id != null) {
            lastEventId = id;
        }
    }

    private static String lastId(List<SseClient.Frame> frames) {
        String id = null;
        for (SseClient.Frame frame : frames) {
            if (frame.id() != null) {
                id = frame.id();
            }
        }
        return id;
    }

    @Override
    public void close() {
        disconnect();
    }
}
