package io.marketstream.deploy;

import static io.marketstream.deploy.YamlDocuments.asMap;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kustomize's {@code images} transformer: every container and init container, anywhere in a resource, whose image
 * name is {@code name} gets {@code newName}, {@code newTag} or {@code digest}.
 */
final class Images {

    private static final Set<String> FIELDS = Set.of("name", "newName", "newTag", "digest");
    private static final Set<String> CONTAINER_LISTS = Set.of("containers", "initContainers");

    private Images() {
    }

    static void apply(List<Map<String, Object>> resources, Map<String, Object> entry) {
        Kustomize.require(FIELDS.containsAll(entry.keySet()) && entry.get("name") instanceof String,
                "images: needs a name and only newName, newTag, digest: " + entry);
        entry.values().forEach(v -> Kustomize.require(v instanceof String, "images: a value is not a string: " + v));
        resources.forEach(resource -> walk(resource, entry));
    }

    private static void walk(Object node, Map<String, Object> entry) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if (CONTAINER_LISTS.contains(key) && value instanceof List<?> containers) {
                    containers.forEach(container -> retag(asMap(container, "container"), entry));
                }
                walk(value, entry);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> walk(item, entry));
        }
    }

    private static void retag(Map<String, Object> container, Map<String, Object> entry) {
        if (!(container.get("image") instanceof String image)) {
            return;
        }
        int at = image.indexOf('@');
        String reference = at < 0 ? image : image.substring(0, at);
        String digest = at < 0 ? null : image.substring(at);
        int colon = reference.lastIndexOf(':');
        String name = colon > reference.lastIndexOf('/') ? reference.substring(0, colon) : reference;
        String tag = colon > reference.lastIndexOf('/') ? reference.substring(colon) : "";
        if (!name.equals(entry.get("name"))) {
            return;
        }
        String suffix = digest != null ? tag + digest : tag;
        if (entry.get("digest") instanceof String newDigest) {
            suffix = "@" + newDigest;
        } else if (entry.get("newTag") instanceof String newTag) {
            suffix = ":" + newTag;
        }
        container.put("image", entry.getOrDefault("newName", name) + suffix);
    }
}
