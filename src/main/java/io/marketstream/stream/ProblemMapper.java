package io.marketstream.stream;

import java.util.List;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error the API answers is an {@code application/problem+json} body. */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    @ServerExceptionMapper
    public Response badRequest(BadRequestException e, UriInfo uri) {
        return problem(400, "Bad request", e.getMessage(), uri, e);
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, UriInfo uri) {
        return problem(404, "Not found", e.getMessage(), uri, null);
    }

    @ServerExceptionMapper
    public Response unavailable(ServiceUnavailableException e, UriInfo uri) {
        Response problem = problem(503, "Service unavailable", "This pod is shutting down; connect again.", uri, null);
        return Response.fromResponse(problem).header("Retry-After", e.getResponse().getHeaderString("Retry-After"))
                .build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        return problem(status, e.getResponse().getStatusInfo().getReasonPhrase(), e.getMessage(), uri, null);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        LOG.error("Request " + uri.getPath() + " failed", e);
        return problem(500, "Internal error", "The request failed; the server log has the details.", uri, null);
    }

    private static Response problem(int status, String title, String detail, UriInfo uri, BadRequestException bad) {
        Problem body = new Problem("about:blank", title, status, detail, uri.getPath(),
                bad == null ? List.of() : bad.errors());
        return Response.status(status).type(Problem.MEDIA_TYPE).entity(body).build();
    }
}
