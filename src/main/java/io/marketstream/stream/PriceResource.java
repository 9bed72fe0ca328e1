package io.marketstream.stream;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;

/** The latest price of a symbol, for a page that needs it without opening a stream (or after a reset). */
@Path("/v1/prices")
public class PriceResource {

    private final Hub hub;

    public PriceResource(Hub hub) {
        this.hub = hub;
    }

    @GET
    @Path("{symbol}")
    @Produces(MediaType.APPLICATION_JSON)
    public String latest(@RestPath String symbol) {
        String normalized = ChannelRequest.symbol(symbol);
        return hub.latestPrice(normalized)
                .orElseThrow(() -> new NotFoundException("No price is known for symbol " + normalized));
    }
}
