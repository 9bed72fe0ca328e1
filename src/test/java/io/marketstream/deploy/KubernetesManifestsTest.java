package io.marketstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kustomization under k8s/ renders (Kustomize) and every document it renders is valid against the Kubernetes
 * API of {@link ApiSchema#KUBERNETES_VERSION}, strictly: a misspelt field fails.
 */
class KubernetesManifestsTest {

    static Stream<String> kustomizations() {
        return RenderedManifests.kustomizations();
    }

    @Test
    void everyOverlayAndTheOptionalTopicsAreRendered() {
        assertThat(kustomizations()).contains("base", "overlays/dev", "overlays/production", "kafka-topics");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void everyRenderedDocumentIsValidAgainstTheKubernetesApi(String kustomization) {
        RenderedManifests rendered = RenderedManifests.render(kustomization);

        assertThat(rendered.resources()).isNotEmpty();
        rendered.resources().forEach(resource -> assertThatCode(() -> ApiSchema.validate(resource))
                .as(Kustomize.id(resource)).doesNotThrowAnyException());
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "overlays/dev        | base/deployment.yaml         | '  replicas: 2'        | '  replicass: 2'        | replicass",
        "overlays/production | base/deployment.yaml         | 'periodSeconds: 5'     | 'periodSecond: 5'       | periodSecond",
        "overlays/dev        | base/ingress.yaml            | ingressClassName       | ingressClass            | ingressClass",
        "overlays/dev        | base/hpa.yaml                | averageUtilization     | averageUtilisation      | Utilisation",
        "overlays/production | overlays/production/hpa.yaml | maxReplicas            | maxReplica              | maxReplica",
        "overlays/dev        | base/redis.yaml              | readOnlyRootFilesystem | readonlyRootFilesystem  | readonlyRoot",
        "overlays/dev        | base/ingress.yaml            | 'buffering: \"off\"'   | 'buffering: false'      | must be STRING",
        "overlays/production | base/deployment.yaml         | 'memory: 1Gi'          | 'memory: 1 GiB'         | quantity",
        "overlays/dev        | base/deployment.yaml         | 'minReadySeconds: 15'  | 'minReadySeconds: soon' | minReadySeconds",
        "overlays/dev        | base/deployment.yaml         | 'containerPort: 8080'  | 'containerPort: \"8080\"' | containerPort",
        "overlays/dev        | base/redis.yaml              | 'replicas: 1'          | 'replicas: \"1\"'       | replicas",
        "kafka-topics        | kafka-topics/topics.yaml     | 'partitions: 1'        | 'partition: 1'          | partition",
    })
    void aMisspeltOrMistypedFieldFailsValidation(String kustomization, String file, String from, String to,
            String expected, @TempDir Path copy) throws IOException {
        copyTree(RenderedManifests.K8S, copy);
        Path edited = copy.resolve(file);
        String text = Files.readString(edited);
        assertThat(text).contains(from);
        Files.writeString(edited, text.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to)));

        List<Map<String, Object>> resources = RenderedManifests.render(copy, kustomization).resources();

        assertThatThrownBy(() -> resources.forEach(ApiSchema::validate))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(expected);
    }

    @Test
    void anUnknownKindFailsValidation() {
        Map<String, Object> pod = Map.of("apiVersion", "v1", "kind", "Pods", "metadata", Map.of("name", "x"));

        assertThatThrownBy(() -> ApiSchema.validate(pod)).hasMessageContaining("v1/Pods is not known");
    }

    @Test
    void aKustomizationFieldTheRendererDoesNotImplementFailsTheBuild(@TempDir Path copy) throws IOException {
        copyTree(RenderedManifests.K8S, copy);
        Path kustomization = copy.resolve("overlays/dev/kustomization.yaml");
        Files.writeString(kustomization, Files.readString(kustomization) + "commonLabels:\n  team: markets\n");

        assertThatThrownBy(() -> RenderedManifests.render(copy, "overlays/dev"))
                .hasMessageContaining("field 'commonLabels' is not supported");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }
}
