package io.marketstream.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads YAML the way kustomize does: YAML 1.2 core schema (an unquoted {@code off} or {@code no} is a string, not a
 * boolean), several documents per file, empty documents skipped, duplicate keys rejected.
 */
final class YamlDocuments {

    private YamlDocuments() {
    }

    /** Every non-empty document of the file, each a mutable tree of maps (string keys), lists and scalars. */
    static List<Map<String, Object>> read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Map<String, Object>> parse(String yaml, String source) {
        Load load = new Load(LoadSettings.builder().setSchema(new CoreSchema()).setAllowDuplicateKeys(false)
                .setLabel(source).build());
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : load.loadAllFromString(yaml)) {
            if (document == null) {
                continue;
            }
            if (!(document instanceof Map<?, ?>)) {
                throw new IllegalArgumentException(source + ": a document is not a mapping: " + document);
            }
            documents.add(asMap(copy(document, source), source));
        }
        return documents;
    }

    /** Deep copy into LinkedHashMap/ArrayList, so that documents can be patched without sharing. */
    static Object copy(Object node, String source) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, value) -> {
                if (!(key instanceof String name)) {
                    throw new IllegalArgumentException(source + ": a key is not a string: " + key);
                }
                copy.put(name, copy(value, source));
            });
            return copy;
        }
        if (node instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(item -> copy.add(copy(item, source)));
            return copy;
        }
        if (node == null || node instanceof String || node instanceof Number || node instanceof Boolean) {
            return node;
        }
        throw new IllegalArgumentException(source + ": unsupported YAML value " + node + " (" + node.getClass() + ")");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object node, String what) {
        if (!(node instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(what + " is not a mapping: " + node);
        }
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    static List<Object> asList(Object node, String what) {
        if (!(node instanceof List<?>)) {
            throw new IllegalArgumentException(what + " is not a list: " + node);
        }
        return (List<Object>) node;
    }
}
