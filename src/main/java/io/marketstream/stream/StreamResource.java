package io.marketstream.stream;

import java.util.Set;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.ServiceUnavailableException;

import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestMulti;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.marketstream.config.StreamConfig;
import io.marketstream.event.Channel;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Multi;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * The Server-Sent Events endpoints. Each stream writes frames that the {@link Hub} has already encoded, so the
 * methods declare no {@code @Produces}: that keeps RESTEasy Reactive from wrapping every frame in an SSE event of
 * its own, and the content type is set as a header instead.
 */
@Path("/v1/stream")
public class StreamResource {

    /** The Multi carries only the opening (and completion); live frames are written to the response directly. */
    private static final int OPENING_ITEMS = 4;

    /** How soon a client refused by a draining pod may try again (the ingress retries another pod at once). */
    private static final long DRAINING_RETRY_AFTER_SECONDS = 1;

    private final Hub hub;
    private final Openings openings;
    private final StreamConfig config;
    private final CurrentVertxRequest request;

    public StreamResource(Hub hub, Openings openings, StreamConfig config, CurrentVertxRequest request) {
        this.hub = hub;
        this.openings = openings;
        this.config = config;
        this.request = request;
    }

    /** Any set of channels on one connection: {@code ?channels=prices.AAPL,news.AAPL,news}. */
    @GET
    public RestMulti<byte[]> stream(@RestQuery String channels, @RestHeader("Last-Event-ID") String lastEventIdHeader,
            @RestQuery String lastEventId) {
        return open(ChannelRequest.parse(channels, config.maxChannels()), resumeFrom(lastEventIdHeader, lastEventId));
    }

    @GET
    @Path("prices/{symbol}")
    public RestMulti<byte[]> prices(@RestPath String symbol, @RestHeader("Last-Event-ID") String lastEventIdHeader,
            @RestQuery String lastEventId) {
        return open(Set.of(Channel.prices(ChannelRequest.symbol(symbol))), resumeFrom(lastEventIdHeader, lastEventId));
    }

    @GET
    @Path("news")
    public RestMulti<byte[]> news(@RestHeader("Last-Event-ID") String lastEventIdHeader,
            @RestQuery String lastEventId) {
        return open(Set.of(Channel.ALL_NEWS), resumeFrom(lastEventIdHeader, lastEventId));
    }

    @GET
    @Path("news/{symbol}")
    public RestMulti<byte[]> news(@RestPath String symbol, @RestHeader("Last-Event-ID") String lastEventIdHeader,
            @RestQuery String lastEventId) {
        return open(Set.of(Channel.news(ChannelRequest.symbol(symbol))), resumeFrom(lastEventIdHeader, lastEventId));
    }

    /** EventSource sends the header when it reconnects; a page that remembered an id passes it in the query. */
    private static String resumeFrom(String header, String query) {
        return header != null && !header.isBlank() ? header : query;
    }

    private RestMulti<byte[]> open(Set<Channel> channels, String lastEventId) {
        if (hub.draining()) {
            throw new ServiceUnavailableException(DRAINING_RETRY_AFTER_SECONDS);
        }
        HttpServerRequest current = request.getCurrent().request();
        Multi<byte[]> events = Multi.createFrom().emitter(emitter -> {
            Context loop = Vertx.currentContext();
            Connection connection = new Connection(channels, emitter, current, loop, config.bufferSize());
            emitter.onTermination(() -> hub.close(connection));
            Registration registration = hub.register(connection);
            openings.open(channels, lastEventId, registration).subscribe().with(
                    opening -> loop.runOnContext(v -> connection.start(opening.frames(), opening.resumedAt())),
                    emitter::fail);
        }, OPENING_ITEMS);
        return RestMulti.fromMultiData(events)
                .header("Content-Type", "text/event-stream; charset=utf-8")
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .build();
    }
}
