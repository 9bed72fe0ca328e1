package io.marketstream.stream;

import java.util.Set;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.jboss.resteasy.reactive.RestMulti;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.marketstream.config.StreamConfig;
import io.marketstream.event.Channel;
import io.marketstream.event.SseFrames;
import io.smallrye.mutiny.Multi;

/**
 * The Server-Sent Events endpoints. Each stream writes frames that the {@link Hub} has already encoded, so the
 * methods declare no {@code @Produces}: that keeps RESTEasy Reactive from wrapping every frame in an SSE event of
 * its own, and the content type is set as a header instead.
 */
@Path("/v1/stream")
public class StreamResource {

    private final Hub hub;
    private final StreamConfig config;

    public StreamResource(Hub hub, StreamConfig config) {
        this.hub = hub;
        this.config = config;
    }

    /** Any set of channels on one connection: {@code ?channels=prices.AAPL,news.AAPL,news}. */
    @GET
    public RestMulti<byte[]> stream(@RestQuery String channels) {
        return open(ChannelRequest.parse(channels, config.maxChannels()));
    }

    @GET
    @Path("prices/{symbol}")
    public RestMulti<byte[]> prices(@RestPath String symbol) {
        return open(Set.of(Channel.prices(ChannelRequest.symbol(symbol))));
    }

    @GET
    @Path("news")
    public RestMulti<byte[]> news() {
        return open(Set.of(Channel.ALL_NEWS));
    }

    @GET
    @Path("news/{symbol}")
    public RestMulti<byte[]> news(@RestPath String symbol) {
        return open(Set.of(Channel.news(ChannelRequest.symbol(symbol))));
    }

    private RestMulti<byte[]> open(Set<Channel> channels) {
        Multi<byte[]> events = Multi.createFrom().emitter(emitter -> {
            Connection connection = new Connection(channels, emitter);
            emitter.onTermination(() -> hub.close(connection));
            hub.open(connection);
        }, config.bufferSize());
        Multi<byte[]> heartbeats = Multi.createFrom().ticks().every(config.heartbeat()).map(tick -> SseFrames.heartbeat());
        return RestMulti.fromMultiData(Multi.createBy().merging().streams(events, heartbeats))
                .header("Content-Type", "text/event-stream; charset=utf-8")
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no")
                .build();
    }
}
