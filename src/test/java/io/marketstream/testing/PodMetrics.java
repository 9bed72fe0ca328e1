package io.marketstream.testing;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a pod's Prometheus metrics ({@code /q/metrics}). */
public final class PodMetrics {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PodMetrics() {
    }

    /** Streams open on the pod now: its {@code market_stream_connections} gauge. */
    public static int streams(Pod pod) {
        return (int) gauge(pod, "market_stream_connections");
    }

    /** Streams open on each pod that is running, by pod name. */
    public static Map<String, Integer> streams(List<Pod> pods) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        pods.stream().filter(Pod::alive).forEach(pod -> counts.put(pod.name(), streams(pod)));
        return counts;
    }

    /** The value of an untagged gauge or counter; fails if the pod does not answer or has no such metric. */
    public static double gauge(Pod pod, String name) {
        HttpRequest request = HttpRequest.newBuilder(pod.uri("/q/metrics")).timeout(Duration.ofSeconds(5)).build();
        try {
            String metrics = HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
            Matcher value = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? (\\S+)$").matcher(metrics);
            if (!value.find()) {
                throw new AssertionError("No " + name + " in the metrics of " + pod);
            }
            return Double.parseDouble(value.group(1));
        } catch (IOException e) {
            throw new AssertionError("No metrics from " + pod + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
