package io.marketstream.deploy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The part of Kubernetes' strategic merge patch that k8s/ overlays use: maps merge key by key, {@code null} deletes
 * a key, and a list merges by its patch merge key or is replaced whole, as the Kubernetes API declares for that
 * field. A list field in neither table, or a {@code $patch}-style directive, is an error rather than a guess: add
 * the field to its table after checking its {@code patchStrategy}/{@code listType} in the Kubernetes API.
 */
final class StrategicMergePatch {

    /** Lists with {@code patchStrategy: merge}, by field name: their merge key. */
    private static final Map<String, String> MERGE_KEYS = Map.of(
            "containers", "name",
            "initContainers", "name",
            "env", "name",
            "volumes", "name",
            "volumeMounts", "mountPath",
            "imagePullSecrets", "name");

    /** Lists that a patch replaces whole ({@code listType: atomic}, or no patch strategy). */
    private static final Set<String> REPLACED = Set.of(
            "args", "command", "rules", "tls", "hosts", "paths", "metrics", "policies", "drop", "add");

    private StrategicMergePatch() {
    }

    /** Applies the patch to the target, in place. */
    static void apply(Map<String, Object> target, Map<String, Object> patch) {
        merge(target, patch, "");
    }

    private static void merge(Map<String, Object> target, Map<String, Object> patch, String path) {
        patch.forEach((key, value) -> {
            String at = path + "/" + key;
            if (key.startsWith("$")) {
                throw new IllegalArgumentException("patch directive " + at + " is not supported");
            }
            Object current = target.get(key);
            if (value == null) {
                target.remove(key);
            } else if (value instanceof Map<?, ?> && current instanceof Map<?, ?>) {
                merge(YamlDocuments.asMap(current, at), YamlDocuments.asMap(value, at), at);
            } else if (value instanceof List<?> && current instanceof List<?>) {
                mergeList(key, YamlDocuments.asList(current, at), YamlDocuments.asList(value, at), at);
            } else {
                target.put(key, YamlDocuments.copy(value, at));
            }
        });
    }

    private static void mergeList(String field, List<Object> target, List<Object> patch, String path) {
        if (REPLACED.contains(field)) {
            target.clear();
            patch.forEach(item -> target.add(YamlDocuments.copy(item, path)));
            return;
        }
        String mergeKey = MERGE_KEYS.get(field);
        if (mergeKey == null) {
            throw new IllegalArgumentException("patching list " + path + " is not supported: add '" + field
                    + "' to StrategicMergePatch.MERGE_KEYS or REPLACED as the Kubernetes API declares it");
        }
        for (Object item : patch) {
            Map<String, Object> patchItem = YamlDocuments.asMap(item, path + "[]");
            Object id = patchItem.get(mergeKey);
            if (id == null) {
                throw new IllegalArgumentException(path + ": a patch item has no merge key '" + mergeKey + "'");
            }
            Map<String, Object> match = target.stream()
                    .map(existing -> YamlDocuments.asMap(existing, path + "[]"))
                    .filter(existing -> Objects.equals(existing.get(mergeKey), id))
                    .findFirst().orElse(null);
            if (match == null) {
                target.add(YamlDocuments.copy(patchItem, path));
            } else {
                merge(match, patchItem, path + "[" + mergeKey + "=" + id + "]");
            }
        }
    }
}
