package io.marketstream.deploy;

import static io.marketstream.deploy.YamlDocuments.asList;
import static io.marketstream.deploy.YamlDocuments.asMap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The documents one kustomization renders to, with the look-ups the deployment tests need. */
record RenderedManifests(String name, List<Map<String, Object>> resources) {

    static final Path K8S = Path.of("k8s");

    static RenderedManifests render(Path root, String kustomization) {
        return new RenderedManifests(kustomization, Kustomize.build(root.resolve(kustomization)));
    }

    static RenderedManifests render(String kustomization) {
        return render(K8S, kustomization);
    }

    /** Every directory under k8s/ with a kustomization.yaml, as a path relative to k8s/. */
    static Stream<String> kustomizations() {
        try (Stream<Path> files = Files.walk(K8S)) {
            return files.filter(file -> file.getFileName().toString().equals("kustomization.yaml"))
                    .map(file -> K8S.relativize(file.getParent()).toString().replace('\\', '/'))
                    .sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The overlays that deploy market-stream (k8s/overlays/*). */
    static Stream<String> overlays() {
        return kustomizations().filter(name -> name.startsWith("overlays/"));
    }

    List<Map<String, Object>> all(String kind) {
        return resources.stream().filter(resource -> kind.equals(resource.get("kind"))).toList();
    }

    Map<String, Object> one(String kind, String name) {
        List<Map<String, Object>> found = all(kind).stream()
                .filter(resource -> name.equals(Kustomize.metadata(resource).get("name"))).toList();
        if (found.size() != 1) {
            throw new AssertionError(this.name + ": " + found.size() + " " + kind + " named " + name);
        }
        return found.get(0);
    }

    /** The value at a dotted path of map keys, or null. */
    static Object at(Object node, String path) {
        for (String key : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(key);
        }
        return node;
    }

    static Map<String, Object> map(Object node, String path) {
        Object value = at(node, path);
        return value == null ? Map.of() : asMap(value, path);
    }

    static List<Map<String, Object>> maps(Object node, String path) {
        Object value = at(node, path);
        return value == null ? List.of() : asList(value, path).stream().map(item -> asMap(item, path)).toList();
    }

    static Map<String, Object> container(Map<String, Object> workload, String name) {
        return maps(workload, "spec.template.spec.containers").stream()
                .filter(container -> name.equals(container.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }
}
