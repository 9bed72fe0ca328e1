package io.marketstream.testing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;

import io.restassured.RestAssured;

/** The application under test, reached over HTTP. */
public final class LiveService {

    private LiveService() {
    }

    /** Waits until the service is ready: its live consumer owns its partitions, so no record produced now is missed. */
    public static void awaitReady() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
    }

    public static URI uri(String pathAndQuery) {
        return URI.create(RestAssured.baseURI + ":" + RestAssured.port + pathAndQuery);
    }
}
