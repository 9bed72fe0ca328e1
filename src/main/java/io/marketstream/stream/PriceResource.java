package io.marketstream.stream;

import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;

import io.marketstream.event.Channel;
import io.marketstream.replay.ReplayStore;
import io.marketstream.replay.StoredEvent;
import io.smallrye.mutiny.Uni;

/**
 * The latest price of a symbol, for a page that needs it without opening a stream, or after a {@code reset}. From
 * this pod's memory, or from history for a symbol this pod has not seen tick since it started.
 */
@Path("/v1/prices")
public class PriceResource {

    private final Hub hub;
    private final ReplayStore store;

    public PriceResource(Hub hub, ReplayStore store) {
        this.hub = hub;
        this.store = store;
    }

    @GET
    @Path("{symbol}")
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<String> latest(@RestPath String symbol) {
        String normalized = ChannelRequest.symbol(symbol);
        return hub.latestPrice(normalized)
                .map(json -> Uni.createFrom().item(json))
                .orElseGet(() -> store.latestBefore(Channel.prices(normalized), Map.of())
                        .map(stored -> stored.map(StoredEvent::json)
                                .orElseThrow(() -> new NotFoundException("No price is known for symbol " + normalized))));
    }
}
