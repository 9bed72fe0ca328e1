package io.marketstream.stream;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.marketstream.testing.KafkaBrokerResource;
import io.marketstream.testing.LiveService;
import io.marketstream.testing.TestFeed;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/** Client input that cannot be served is answered 400 with a problem body that names what is wrong; never a 5xx. */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class BadRequestTest {

    @Test
    void unknownChannelPrefixIsNamed() {
        problem(given().queryParam("channels", "prices.AAPL,trades.AAPL").get("/v1/stream"), 400)
                .body("detail", containsString("trades.AAPL"))
                .body("errors", hasItem(containsString("'trades.AAPL' is unknown")));
    }

    @Test
    void badSymbolInChannelListIsNamed() {
        problem(given().queryParam("channels", "prices.AAPL,news.NOT_A_SYMBOL").get("/v1/stream"), 400)
                .body("errors", hasItem(containsString("'NOT_A_SYMBOL'")));
    }

    @Test
    void everyInvalidChannelIsListed() {
        problem(given().queryParam("channels", "bogus,prices.,news.$$$").get("/v1/stream"), 400)
                .body("errors.size()", equalTo(3));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", " ", "," })
    void emptyChannelListIsRejected(String channels) {
        problem(given().queryParam("channels", channels).get("/v1/stream"), 400);
    }

    @Test
    void missingChannelListIsRejected() {
        problem(given().get("/v1/stream"), 400).body("detail", containsString("at least one channel"));
    }

    @Test
    void moreThanOneHundredChannelsAreRejected() {
        String channels = IntStream.range(0, 101).mapToObj(i -> "prices.S" + i).collect(Collectors.joining(","));
        problem(given().queryParam("channels", channels).get("/v1/stream"), 400)
                .body("detail", containsString("at most 100"));
    }

    @Test
    void oneHundredChannelsAreAccepted() {
        String channels = IntStream.range(0, 100).mapToObj(i -> "prices.S" + i).collect(Collectors.joining(","));
        // A stream never ends by itself; the first bytes and the status are all this test needs.
        try (var client = io.marketstream.testing.SseClient.open(
                LiveService.uri("/v1/stream?channels=" + channels))) {
            org.assertj.core.api.Assertions.assertThat(client.response().statusCode()).isEqualTo(200);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "/v1/stream/prices/TOOLONGSYMBOL1234", "/v1/stream/news/A_B", "/v1/prices/A%20B",
            "/v1/stream/prices/%0d%0aX" })
    void badSymbolInPathIsRejected(String path) {
        problem(given().urlEncodingEnabled(false).get(path), 400).body("detail", containsString("symbol"));
    }

    @Test
    void unknownSymbolHasNoPrice() {
        problem(given().get("/v1/prices/NEVERSEEN"), 404).body("detail", containsString("NEVERSEEN"));
    }

    @Test
    void latestPriceIsServedAsJson() {
        LiveService.awaitReady();
        try (TestFeed feed = new TestFeed()) {
            feed.price("ORCL", 120.5);
            feed.price("orcl", 121.5);
        }
        org.awaitility.Awaitility.await().untilAsserted(() -> given().get("/v1/prices/orcl").then()
                .statusCode(200)
                .contentType(startsWith("application/json"))
                .body("symbol", equalTo("ORCL"))
                .body("price", equalTo(121.5f)));
    }

    private static ValidatableResponse problem(io.restassured.response.Response response, int status) {
        return response.then()
                .statusCode(status)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(status))
                .body("title", org.hamcrest.Matchers.notNullValue());
    }
}
