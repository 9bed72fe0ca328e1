package io.marketstream.config;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;

/**
 * The training run that makes the class-data archive of the packaged application ({@code pom.xml},
 * {@code docker/Dockerfile.jvm}): started with {@code -XX:ArchiveClassesAtExit} and {@code market.training-run} set,
 * the application starts as a pod does (its Kafka and Redis clients try their first connections, to an address
 * where nothing listens), answers the requests a new pod gets first (a readiness probe, a stream, a resume), and
 * exits that long after it has started. The JVM then writes every class it loaded to the archive, and a pod started
 * with {@code -XX:SharedArchiveFile} maps them instead of loading them one by one.
 */
@ApplicationScoped
public class TrainingRun {

    private static final Logger LOG = Logger.getLogger(TrainingRun.class);
    /** A stream is read this long, then its connection closed. */
    private static final long STREAM_READ_MILLIS = 500;

    void exitAfterStart(@Observes StartupEvent startup, Vertx vertx, Instance<HttpServer> server,
            @ConfigProperty(name = "market.training-run") Optional<Duration> exitAfter) {
        exitAfter.ifPresent(delay -> {
            LOG.infof("Training run: exiting in %d ms", delay.toMillis());
            vertx.setTimer(Math.max(1, delay.toMillis()), timer -> Quarkus.asyncExit());
            // The HTTP server opens after the startup event: wait for its port.
            vertx.setPeriodic(50, poll -> {
                int port = server.get().getPort();
                if (port > 0) {
                    vertx.cancelTimer(poll);
                    request(vertx, port);
                }
            });
        });
    }

    private static void request(Vertx vertx, int port) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                .setDefaultPort(port));
        get(vertx, client, "/q/health/ready", null)
                .compose(ignored -> get(vertx, client, "/v1/stream?channels=prices.AAPL,news", null))
                .compose(ignored -> get(vertx, client, "/v1/stream/prices/AAPL", "unknown-id"))
                .onComplete(done -> LOG.info("Training run: requests done"));
    }

    /** One GET, its response read to its end or, for a stream, for a while; never fails. */
    private static Future<Void> get(Vertx vertx, HttpClient client, String uri, String lastEventId) {
        Promise<Void> done = Promise.promise();
        client.request(HttpMethod.GET, uri).compose(request -> {
            if (lastEventId != null) {
                request.putHeader("Last-Event-ID", lastEventId);
            }
            return request.send();
        }).onSuccess(response -> {
            response.handler(chunk -> {
            });
            response.endHandler(end -> done.tryComplete());
            response.exceptionHandler(failure -> done.tryComplete());
            vertx.setTimer(STREAM_READ_MILLIS, timer -> {
                response.request().connection().close();
                done.tryComplete();
            });
        }).onFailure(failure -> {
            LOG.infof("Training run: %s failed: %s", uri, failure.toString());
            done.tryComplete();
        });
        return done.future();
    }
}
