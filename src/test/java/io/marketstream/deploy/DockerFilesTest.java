package io.marketstream.deploy;

import static io.marketstream.deploy.RenderedManifests.at;
import static io.marketstream.deploy.RenderedManifests.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.marketstream.event.NewsItem;
import io.marketstream.event.PriceTick;

/**
 * docker/: nginx.conf proxies SSE as the ingress does (and is what compose.yaml runs), compose.yaml creates the
 * topics of k8s/kafka-topics, its simulated feed writes records the service accepts, and the image runs the fast-jar
 * as the user the pods run as.
 */
class DockerFilesTest {

    private static final Path DOCKER = Path.of("docker");

    @Test
    void nginxProxiesStreamsUnbufferedToAnyPod() throws IOException {
        List<String> directives = nginxDirectives();

        assertThat(directives).contains(
                "daemon off", "pid nginx.pid",
                "proxy_buffering off", "proxy_cache off", "gzip off",
                "proxy_http_version 1.1", "proxy_set_header Connection \"\"",
                "proxy_read_timeout 1h", "proxy_send_timeout 1h",
                "proxy_next_upstream error timeout http_502 http_503",
                "include upstreams.conf", "include listen.conf",
                "proxy_pass http://market_stream",
                "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for",
                "proxy_set_header X-Forwarded-Proto $scheme");
        assertThat(directives).anyMatch(d -> d.matches("keepalive \\d+"));
        assertThat(directives).noneMatch(d -> d.startsWith("ip_hash") || d.startsWith("hash ")
                || d.startsWith("sticky") || d.startsWith("chunked_transfer_encoding off") || d.startsWith("user "));
        assertThat(directives).filteredOn(d -> d.matches("\\w+_temp_path .*|pid .*|(access|error)_log (?!off).*"))
                .hasSize(8).allSatisfy(d -> assertThat(d.split(" ")[1]).doesNotStartWith("/"));
    }

    @Test
    void nginxAndTheIngressAgreeOnTimeoutsAndRetries() throws IOException {
        Map<String, Object> annotations =
                map(RenderedManifests.render("base").one("Ingress", "market-stream"), "metadata.annotations");
        List<String> directives = nginxDirectives();

        String prefix = "nginx.ingress.kubernetes.io/";
        assertThat(annotations.get(prefix + "proxy-read-timeout")).isEqualTo("3600");
        assertThat(annotations.get(prefix + "proxy-send-timeout")).isEqualTo("3600");
        assertThat(directives).contains("proxy_next_upstream " + annotations.get(prefix + "proxy-next-upstream"),
                "proxy_next_upstream_tries " + annotations.get(prefix + "proxy-next-upstream-tries"));
    }

    @Test
    void composeRunsThisNginxConfWithItsOwnIncludes() throws IOException {
        Map<String, Object> services = map(compose(), "services");
        Map<String, Object> nginx = map(services, "nginx");
        List<String> upstreams = lines(DOCKER.resolve("upstreams.conf"));

        assertThat(YamlDocuments.asList(nginx.get("volumes"), "volumes")).contains(
                "./nginx.conf:/etc/nginx/nginx.conf:ro",
                "./listen.conf:/etc/nginx/listen.conf:ro",
                "./upstreams.conf:/etc/nginx/upstreams.conf:ro");
        assertThat(String.join(" ", YamlDocuments.asList(nginx.get("entrypoint"), "entrypoint").stream()
                .map(Object::toString).toList())).contains("-c /etc/nginx/nginx.conf");
        assertThat(lines(DOCKER.resolve("listen.conf"))).containsExactly("listen 8080;");
        assertThat(YamlDocuments.asList(nginx.get("ports"), "ports")).containsExactly("8080:8080");
        assertThat(upstreams).hasSize(2).allMatch(line -> line.matches(
                "server (market-stream-\\d+):8080 max_fails=\\d+ fail_timeout=\\d+s;"));
        upstreams.forEach(line -> assertThat(services).containsKey(line.split("[ :]")[1]));
    }

    @Test
    void composeCreatesTheTopicsOfKafkaTopics() throws IOException {
        String command = YamlDocuments.asList(at(compose(), "services.kafka-topics.command"), "command").get(0)
                .toString();
        Map<String, Integer> partitions = new TreeMap<>();
        Matcher created = Pattern.compile("--topic (\\S+) --partitions (\\d+)").matcher(command);
        while (created.find()) {
            partitions.put(created.group(1), Integer.parseInt(created.group(2)));
        }
        Map<String, Integer> declared = RenderedManifests.render("kafka-topics").all("KafkaTopic").stream()
                .collect(Collectors.toMap(topic -> (String) at(topic, "spec.topicName"),
                        topic -> (Integer) at(topic, "spec.partitions")));

        assertThat(partitions).isEqualTo(declared)
                .isEqualTo(Map.of("market.prices", 3, "market.news", 3, "market.dlq", 1));
    }

    @Test
    void theImageRunsTheJarWithItsOwnClassDataArchiveAsThePodsUser() throws IOException {
        String dockerfile = Files.readString(DOCKER.resolve("Dockerfile.jvm"));
        Map<String, Object> pod = map(RenderedManifests.render("base").one("Deployment", "market-stream"),
                "spec.template.spec");

        assertThat(dockerfile).contains("FROM eclipse-temurin:17-jdk AS build", "FROM eclipse-temurin:17-jre",
                "./mvnw -B -ntp package -DskipTests -Dcds.skip", "EXPOSE 8080",
                "USER " + at(pod, "securityContext.runAsUser") + ":" + at(pod, "securityContext.runAsGroup"),
                "-XX:MaxRAMPercentage=", "-XX:+ExitOnOutOfMemoryError", "WORKDIR /deployments",
                "\"-XX:SharedArchiveFile=market-stream.jsa\"", "\"-jar\", \"market-stream-runner.jar\"");
        // The run stage trains its own archive, with the arguments the build uses, before it drops to the app's user.
        List<Integer> steps = Stream.of("COPY --from=build /build/target/market-stream-runner.jar",
                "COPY --from=build /build/src/main/cds/training-run.args",
                "RUN java @/tmp/training-run.args -XX:ArchiveClassesAtExit=market-stream.jsa -jar market-stream-runner.jar",
                "USER ").map(dockerfile::indexOf).toList();
        assertThat(steps).doesNotContain(-1).isSorted();
        assertThat(Files.readString(Path.of("pom.xml")))
                .contains("<argument>@${project.basedir}/src/main/cds/training-run.args</argument>");
    }

    @Test
    void theSimulatedFeedWritesRecordsTheServiceAccepts() throws Exception {
        ObjectMapper mapper = new ObjectMapper().findAndRegisterModules()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

        for (String line : feed("prices", 10)) {
            String[] keyAndValue = line.split("\\|", 2);
            assertThat(mapper.readValue(keyAndValue[1], PriceTick.class).symbol()).isEqualTo(keyAndValue[0]);
        }
        for (String line : feed("news", 1)) {
            String[] keyAndValue = line.split("\\|", 2);
            assertThat(mapper.readValue(keyAndValue[1], NewsItem.class).id()).isEqualTo(keyAndValue[0]);
        }
    }

    /** The first lines docker/feed.sh writes (with sh and awk, as in the Kafka image), then it is stopped. */
    private static List<String> feed(String kind, int count) {
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Process process = new ProcessBuilder("sh", DOCKER.resolve("feed.sh").toString(), kind, "print")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                List<String> lines = new ArrayList<>();
                while (lines.size() < count) {
                    String line = out.readLine();
                    assertThat(line).as("feed.sh %s ended after %d lines", kind, lines.size()).isNotNull();
                    lines.add(line);
                }
                return lines;
            } finally {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
            }
        });
    }

    /** The directives of nginx.conf, comments removed, whitespace collapsed, without their semicolons. */
    private static List<String> nginxDirectives() throws IOException {
        String text = lines(DOCKER.resolve("nginx.conf")).stream().collect(Collectors.joining(" "));
        return Stream.of(text.split("[;{}]")).map(d -> d.trim().replaceAll("\\s+", " "))
                .filter(d -> !d.isEmpty()).toList();
    }

    /** Non-blank lines without comments (nginx's and compose's '#'; nginx.conf has no '#' inside a value). */
    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(line -> line.replaceFirst("#.*", "").trim())
                .filter(line -> !line.isEmpty()).toList();
    }

    private static Map<String, Object> compose() {
        List<Map<String, Object>> documents = YamlDocuments.read(DOCKER.resolve("compose.yaml"));
        assertThat(documents).hasSize(1);
        return documents.get(0);
    }
}
