package io.marketstream.deploy;

import static io.marketstream.deploy.YamlDocuments.asList;
import static io.marketstream.deploy.YamlDocuments.asMap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Renders a kustomization as {@code kustomize build} does, for exactly the features k8s/ uses (k8s/README.md):
 * {@code resources} (files and directories), {@code patches} (strategic merge, by {@code path}, target taken from
 * the patch), {@code namespace}, {@code labels} (without selectors), {@code images}, {@code replicas}; applied in
 * kustomize's order. Any other field, or another form of these, fails the build: the manifests cannot move to a
 * feature this renderer does not implement. Documents come out in input order, not kustomize's kind order.
 */
final class Kustomize {

    private static final Set<String> FIELDS =
            Set.of("apiVersion", "kind", "namespace", "resources", "patches", "labels", "images", "replicas");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PersistentVolume", "StorageClass", "PriorityClass", "IngressClass");
    private static final Set<String> SCALED = Set.of("Deployment", "StatefulSet", "ReplicaSet");
    private static final Set<String> TEMPLATED = Set.of("Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "Job");

    private Kustomize() {
    }

    /** The documents {@code kustomize build dir} prints. */
    static List<Map<String, Object>> build(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        List<Map<String, Object>> files = YamlDocuments.read(file);
        if (files.size() != 1) {
            throw new IllegalArgumentException(file + ": expected one document");
        }
        Map<String, Object> kustomization = files.get(0);
        for (String field : kustomization.keySet()) {
            require(FIELDS.contains(field), file + ": field '" + field + "' is not supported by this renderer");
        }
        require(Objects.equals(kustomization.getOrDefault("apiVersion", "kustomize.config.k8s.io/v1beta1"),
                "kustomize.config.k8s.io/v1beta1"), file + ": apiVersion");
        require(Objects.equals(kustomization.getOrDefault("kind", "Kustomization"), "Kustomization"), file + ": kind");

        List<Map<String, Object>> resources = resources(dir, kustomization);
        for (Object entry : list(kustomization, "patches")) {
            patch(dir, resources, asMap(entry, file + " patches[]"));
        }
        if (kustomization.get("namespace") instanceof String namespace) {
            resources.forEach(resource -> setNamespace(resource, namespace));
        }
        for (Object entry : list(kustomization, "labels")) {
            label(resources, asMap(entry, file + " labels[]"));
        }
        for (Object entry : list(kustomization, "replicas")) {
            replicas(resources, asMap(entry, file + " replicas[]"));
        }
        for (Object entry : list(kustomization, "images")) {
            Images.apply(resources, asMap(entry, file + " images[]"));
        }
        return resources;
    }

    /** apiVersion/kind/namespace/name: what kustomize calls a resource id. */
    static String id(Map<String, Object> resource) {
        Map<String, Object> metadata = asMap(resource.get("metadata"), "metadata");
        return resource.get("apiVersion") + "/" + resource.get("kind") + " "
                + Objects.toString(metadata.get("namespace"), "~") + "/" + metadata.get("name");
    }

    private static List<Map<String, Object>> resources(Path dir, Map<String, Object> kustomization) {
        List<Map<String, Object>> resources = new ArrayList<>();
        for (Object entry : list(kustomization, "resources")) {
            String name = (String) entry;
            require(!name.contains("://") && !name.startsWith("github.com/"), "remote resource " + name);
            Path path = dir.resolve(name).normalize();
            resources.addAll(Files.isDirectory(path) ? build(path) : YamlDocuments.read(path));
        }
        Set<String> ids = new HashSet<>();
        for (Map<String, Object> resource : resources) {
            require(ids.add(id(resource)), dir + ": resource " + id(resource) + " appears twice");
        }
        return resources;
    }

    private static void patch(Path dir, List<Map<String, Object>> resources, Map<String, Object> entry) {
        require(entry.keySet().equals(Set.of("path")), dir + ": a patch must have only 'path': " + entry);
        Path file = dir.resolve((String) entry.get("path"));
        List<Map<String, Object>> patches = YamlDocuments.read(file);
        require(patches.size() == 1, file + ": expected one document");
        Map<String, Object> patch = patches.get(0);
        Map<String, Object> metadata = asMap(patch.get("metadata"), file + " metadata");
        List<Map<String, Object>> targets = resources.stream()
                .filter(r -> Objects.equals(r.get("apiVersion"), patch.get("apiVersion")))
                .filter(r -> Objects.equals(r.get("kind"), patch.get("kind")))
                .filter(r -> Objects.equals(metadata(r).get("name"), metadata.get("name")))
                .filter(r -> !metadata.containsKey("namespace")
                        || Objects.equals(metadata(r).get("namespace"), metadata.get("namespace")))
                .toList();
        require(targets.size() == 1, file + ": the patch matches " + targets.size() + " resources, not one");
        StrategicMergePatch.apply(targets.get(0), patch);
    }

    private static void setNamespace(Map<String, Object> resource, String namespace) {
        if ("Namespace".equals(resource.get("kind"))) {
            metadata(resource).put("name", namespace); // kustomize renames a Namespace resource to the namespace
        } else if (!CLUSTER_SCOPED.contains(resource.get("kind"))) {
            metadata(resource).put("namespace", namespace);
        }
    }

    private static void label(List<Map<String, Object>> resources, Map<String, Object> entry) {
        require(Set.of("pairs", "includeSelectors", "includeTemplates").containsAll(entry.keySet()),
                "labels: only pairs, includeSelectors and includeTemplates are supported: " + entry);
        require(!Boolean.TRUE.equals(entry.get("includeSelectors")),
                "labels: includeSelectors is not supported (selectors are immutable: label them in the base)");
        Map<String, Object> pairs = asMap(entry.get("pairs"), "labels pairs");
        pairs.values().forEach(v -> require(v instanceof String, "labels: a value is not a string: " + v));
        for (Map<String, Object> resource : resources) {
            child(metadata(resource), "labels").putAll(pairs);
            if (Boolean.TRUE.equals(entry.get("includeTemplates")) && TEMPLATED.contains(resource.get("kind"))) {
                Map<String, Object> template = child(child(resource, "spec"), "template");
                child(child(template, "metadata"), "labels").putAll(pairs);
            }
        }
    }

    private static void replicas(List<Map<String, Object>> resources, Map<String, Object> entry) {
        require(entry.keySet().equals(Set.of("name", "count")) && entry.get("count") instanceof Integer,
                "replicas: needs name and an integer count: " + entry);
        List<Map<String, Object>> targets = resources.stream()
                .filter(r -> SCALED.contains(r.get("kind")) && entry.get("name").equals(metadata(r).get("name")))
                .toList();
        require(!targets.isEmpty(), "replicas: nothing is named " + entry.get("name"));
        targets.forEach(target -> child(target, "spec").put("replicas", entry.get("count")));
    }

    static Map<String, Object> metadata(Map<String, Object> resource) {
        return asMap(resource.get("metadata"), "metadata of " + resource.get("kind"));
    }

    /** The map under key, created if absent (kustomize creates the fields it sets). */
    static Map<String, Object> child(Map<String, Object> parent, String key) {
        Object child = parent.get(key);
        if (child == null) {
            child = new LinkedHashMap<String, Object>();
            parent.put(key, child);
        }
        return asMap(child, key);
    }

    private static List<Object> list(Map<String, Object> kustomization, String field) {
        Object value = kustomization.get(field);
        return value == null ? List.of() : asList(value, field);
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
