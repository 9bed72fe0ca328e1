package io.marketstream.deploy;

import static io.marketstream.deploy.RenderedManifests.at;
import static io.marketstream.deploy.RenderedManifests.container;
import static io.marketstream.deploy.RenderedManifests.map;
import static io.marketstream.deploy.RenderedManifests.maps;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What each overlay promises beyond schema validity: pods probed on the Quarkus health endpoints, rollouts and
 * drains that never leave clients without a ready pod, shutdown that fits in the grace period, restricted pods,
 * an ingress that streams SSE unbuffered with no affinity, and wiring (selectors, ports, ConfigMap) that holds.
 */
class DeploymentPromisesTest {

    private static final String APP = "market-stream";
    private static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(5);

    static Stream<String> overlays() {
        return RenderedManifests.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void podsAreProbedOnTheQuarkusHealthEndpoints(String overlay) {
        Map<String, Object> app = container(RenderedManifests.render(overlay).one("Deployment", APP), APP);

        assertThat(at(app, "startupProbe.httpGet.path")).isEqualTo("/q/health/started");
        assertThat(at(app, "readinessProbe.httpGet.path")).isEqualTo("/q/health/ready");
        assertThat(at(app, "livenessProbe.httpGet.path")).isEqualTo("/q/health/live");
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            assertThat(at(app, probe + ".httpGet.port")).as(probe).isEqualTo("http");
        }
        assertThat(maps(app, "ports")).anySatisfy(port -> assertThat(port)
                .containsEntry("name", "http").containsEntry("containerPort", 8080));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void rolloutsScalingAndDrainsKeepAtLeastTwoReadyPods(String overlay) {
        RenderedManifests rendered = RenderedManifests.render(overlay);
        Map<String, Object> deployment = rendered.one("Deployment", APP);
        Map<String, Object> hpa = rendered.one("HorizontalPodAutoscaler", APP);
        Map<String, Object> pdb = rendered.one("PodDisruptionBudget", APP);
        int replicas = (Integer) at(deployment, "spec.replicas");

        assertThat(at(deployment, "spec.strategy.type")).isEqualTo("RollingUpdate");
        assertThat(at(deployment, "spec.strategy.rollingUpdate.maxUnavailable")).isEqualTo(0);
        assertThat((Integer) at(deployment, "spec.strategy.rollingUpdate.maxSurge")).isPositive();
        assertThat((Integer) at(deployment, "spec.minReadySeconds")).isGreaterThanOrEqualTo(5);
        assertThat(replicas).isGreaterThanOrEqualTo(2);
        assertThat(map(hpa, "spec.scaleTargetRef")).containsEntry("kind", "Deployment").containsEntry("name", APP);
        assertThat((Integer) at(hpa, "spec.minReplicas")).isGreaterThanOrEqualTo(2).isLessThanOrEqualTo(replicas);
        assertThat((Integer) at(hpa, "spec.maxReplicas")).isGreaterThanOrEqualTo(replicas);
        assertThat(maps(hpa, "spec.metrics"))
                .anySatisfy(metric -> assertThat(at(metric, "resource.name")).isEqualTo("cpu"));
        assertThat(at(pdb, "spec.maxUnavailable")).isEqualTo(1);
        assertThat(podLabels(deployment)).containsAllEntriesOf(map(pdb, "spec.selector.matchLabels"))
                .containsAllEntriesOf(map(deployment, "spec.selector.matchLabels"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theGracePeriodCoversPreStopAndTheDrain(String overlay) {
        RenderedManifests rendered = RenderedManifests.render(overlay);
        Map<String, Object> deployment = rendered.one("Deployment", APP);
        List<Object> preStop = YamlDocuments.asList(at(container(deployment, APP), "lifecycle.preStop.exec.command"),
                "preStop");
        Duration afterSigterm = ShutdownBudget.afterSigterm(map(rendered.one("ConfigMap", APP), "data"));

        assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
        Duration sleep = Duration.ofSeconds(Long.parseLong((String) preStop.get(1)));
        assertThat(sleep).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(Duration.ofSeconds((Integer) at(deployment, "spec.template.spec.terminationGracePeriodSeconds")))
                .as("preStop %s + shutdown %s + margin %s", sleep, afterSigterm, SHUTDOWN_MARGIN)
                .isGreaterThanOrEqualTo(sleep.plus(afterSigterm).plus(SHUTDOWN_MARGIN));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyPodRunsRestrictedWithResourcesAndAWritableTmp(String overlay) {
        RenderedManifests rendered = RenderedManifests.render(overlay);
        List<Map<String, Object>> workloads =
                Stream.concat(rendered.all("Deployment").stream(), rendered.all("StatefulSet").stream()).toList();

        assertThat(workloads).hasSize(2);
        for (Map<String, Object> workload : workloads) {
            Map<String, Object> pod = map(workload, "spec.template.spec");
            assertThat(at(pod, "securityContext.runAsNonRoot")).isEqualTo(true);
            assertThat(at(pod, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");
            assertThat(at(pod, "automountServiceAccountToken")).isEqualTo(false);
            for (Map<String, Object> container : maps(pod, "containers")) {
                assertThat(at(container, "securityContext.allowPrivilegeEscalation")).isEqualTo(false);
                assertThat(at(container, "securityContext.readOnlyRootFilesystem")).isEqualTo(true);
                assertThat(at(container, "securityContext.capabilities.drop")).isEqualTo(List.of("ALL"));
                assertThat(map(container, "resources.requests")).containsKeys("cpu", "memory");
                assertThat(map(container, "resources.limits")).containsKeys("cpu", "memory");
            }
        }
        Map<String, Object> deployment = rendered.one("Deployment", APP);
        assertThat(maps(container(deployment, APP), "volumeMounts")).anySatisfy(mount -> assertThat(mount)
                .containsEntry("name", "tmp").containsEntry("mountPath", "/tmp"));
        assertThat(maps(deployment, "spec.template.spec.volumes")).anySatisfy(volume -> assertThat(volume)
                .containsEntry("name", "tmp").containsKey("emptyDir"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void podsSpreadOverNodesAndZones(String overlay) {
        Map<String, Object> deployment = RenderedManifests.render(overlay).one("Deployment", APP);
        List<Map<String, Object>> constraints = maps(deployment, "spec.template.spec.topologySpreadConstraints");

        assertThat(constraints).extracting(c -> c.get("topologyKey"))
                .contains("kubernetes.io/hostname", "topology.kubernetes.io/zone");
        constraints.forEach(constraint -> assertThat(podLabels(deployment))
                .containsAllEntriesOf(map(constraint, "labelSelector.matchLabels")));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theIngressStreamsUnbufferedToAnyPod(String overlay) {
        RenderedManifests rendered = RenderedManifests.render(overlay);
        Map<String, Object> ingress = rendered.one("Ingress", APP);
        Map<String, Object> annotations = map(ingress, "metadata.annotations");
        Map<String, Object> service = rendered.one("Service", APP);

        assertThat(at(ingress, "spec.ingressClassName")).isEqualTo("nginx");
        assertThat(annotations)
                .containsEntry("nginx.ingress.kubernetes.io/proxy-buffering", "off")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-send-timeout", "3600")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-http-version", "1.1");
        assertThat(annotations.keySet()).noneMatch(key -> key.contains("affinity") || key.contains("session-cookie")
                || key.contains("upstream-hash-by"));
        assertThat(at(service, "spec.sessionAffinity")).isIn(null, "None");
        for (Map<String, Object> rule : maps(ingress, "spec.rules")) {
            for (Map<String, Object> path : maps(rule, "http.paths")) {
                assertThat(at(path, "backend.service.name")).isEqualTo(APP);
                assertThat(maps(service, "spec.ports")).extracting(port -> port.get("name"))
                        .contains(at(path, "backend.service.port.name"));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void servicesAndConfigPointAtWhatIsRendered(String overlay) {
        RenderedManifests rendered = RenderedManifests.render(overlay);
        for (Map<String, Object> workload : Stream.concat(rendered.all("Deployment").stream(),
                rendered.all("StatefulSet").stream()).toList()) {
            Map<String, Object> labels = podLabels(workload);
            assertThat(rendered.all("Service")).as("a Service selects %s", Kustomize.id(workload))
                    .anySatisfy(service -> assertThat(labels).containsAllEntriesOf(map(service, "spec.selector")));
        }
        Map<String, Object> env = map(rendered.one("ConfigMap", APP), "data");
        assertThat(env).containsEntry("MARKET_REPLAY_STORE", "redis").containsKey("KAFKA_BOOTSTRAP_SERVERS");
        Map<String, Object> redis = rendered.one("Service", "market-stream-redis");
        assertThat(env.get("QUARKUS_REDIS_HOSTS")).isEqualTo(
                "redis://" + Kustomize.metadata(redis).get("name") + ":" + at(maps(redis, "spec.ports").get(0), "port"));
        assertThat(maps(container(rendered.one("Deployment", APP), APP), "envFrom"))
                .extracting(source -> at(source, "configMapRef.name")).containsExactly(APP);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void redisKeepsHistoryAsACacheThatNeverEvicts(String overlay) {
        Map<String, Object> redis = RenderedManifests.render(overlay).one("StatefulSet", "market-stream-redis");
        List<Object> args = YamlDocuments.asList(at(container(redis, "redis"), "args"), "args");

        assertThat(at(redis, "spec.replicas")).isEqualTo(1);
        assertThat(at(redis, "spec.volumeClaimTemplates")).isNull();
        assertThat(String.join(" ", args.stream().map(arg -> arg.equals("") ? "''" : arg.toString()).toList()))
                .contains("--save ''", "--appendonly no", "--maxmemory-policy noeviction");
    }

    private static Map<String, Object> podLabels(Map<String, Object> workload) {
        return map(workload, "spec.template.metadata.labels");
    }
}
