package io.marketstream.deploy;

import static io.marketstream.deploy.YamlDocuments.asMap;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;

import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;

/**
 * Validates a manifest against the Kubernetes {@value #KUBERNETES_VERSION} API, strictly: the generated models of
 * client-java-api 24 (made from that version's OpenAPI) reject any field they do not define and any required field
 * that is missing, at every depth; then Gson binds the document to the model, as strictly as the API server reads
 * JSON (a list where an object belongs, text where a number belongs, a number or a boolean where text belongs, a
 * malformed resource quantity: each fails). A kind not listed here fails, unless it is an allowed custom resource
 * with a check of its own ({@link #KAFKA_TOPIC}).
 */
final class ApiSchema {

    static final String KUBERNETES_VERSION = "1.33";
    static final String KAFKA_TOPIC = "kafka.strimzi.io/v1beta2/KafkaTopic";

    private interface Validator {
        void validate(JsonElement json) throws IOException;
    }

    private record Model(Class<?> type, Validator validator) {
    }

    private static final Map<String, Model> MODELS = Map.ofEntries(
            Map.entry("v1/Namespace", new Model(V1Namespace.class, V1Namespace::validateJsonElement)),
            Map.entry("v1/ConfigMap", new Model(V1ConfigMap.class, V1ConfigMap::validateJsonElement)),
            Map.entry("v1/Secret", new Model(V1Secret.class, V1Secret::validateJsonElement)),
            Map.entry("v1/Service", new Model(V1Service.class, V1Service::validateJsonElement)),
            Map.entry("v1/ServiceAccount", new Model(V1ServiceAccount.class, V1ServiceAccount::validateJsonElement)),
            Map.entry("apps/v1/Deployment", new Model(V1Deployment.class, V1Deployment::validateJsonElement)),
            Map.entry("apps/v1/StatefulSet", new Model(V1StatefulSet.class, V1StatefulSet::validateJsonElement)),
            Map.entry("networking.k8s.io/v1/Ingress", new Model(V1Ingress.class, V1Ingress::validateJsonElement)),
            Map.entry("networking.k8s.io/v1/NetworkPolicy",
                    new Model(V1NetworkPolicy.class, V1NetworkPolicy::validateJsonElement)),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler",
                    new Model(V2HorizontalPodAutoscaler.class, V2HorizontalPodAutoscaler::validateJsonElement)),
            Map.entry("policy/v1/PodDisruptionBudget",
                    new Model(V1PodDisruptionBudget.class, V1PodDisruptionBudget::validateJsonElement)));

    private static final Set<String> KAFKA_TOPIC_SPEC = Set.of("topicName", "partitions", "replicas", "config");
    /**
     * Binds documents to the models as the API server reads JSON: a number, a boolean and a string are not
     * interchangeable (plain Gson would read "8080" as an int, and 8080 or true as a String). The models' own
     * adapters (with okhttp and gson-fire) are not on the classpath; these are what the models need.
     */
    private static final Gson GSON = new GsonBuilder()
            .registerTypeAdapter(String.class, scalar(JsonToken.STRING, JsonReader::nextString))
            .registerTypeAdapter(Integer.class, scalar(JsonToken.NUMBER, JsonReader::nextInt))
            .registerTypeAdapter(int.class, scalar(JsonToken.NUMBER, JsonReader::nextInt))
            .registerTypeAdapter(Long.class, scalar(JsonToken.NUMBER, JsonReader::nextLong))
            .registerTypeAdapter(long.class, scalar(JsonToken.NUMBER, JsonReader::nextLong))
            .registerTypeAdapter(Double.class, scalar(JsonToken.NUMBER, JsonReader::nextDouble))
            .registerTypeAdapter(double.class, scalar(JsonToken.NUMBER, JsonReader::nextDouble))
            .registerTypeAdapter(Boolean.class, scalar(JsonToken.BOOLEAN, JsonReader::nextBoolean))
            .registerTypeAdapter(boolean.class, scalar(JsonToken.BOOLEAN, JsonReader::nextBoolean))
            .registerTypeAdapter(OffsetDateTime.class,
                    scalar(JsonToken.STRING, in -> OffsetDateTime.parse(in.nextString())))
            .registerTypeAdapter(byte[].class,
                    scalar(JsonToken.STRING, in -> Base64.getDecoder().decode(in.nextString())))
            .create();

    private ApiSchema() {
    }

    /** Throws IllegalArgumentException naming the resource and the first problem found. */
    static void validate(Map<String, Object> resource) {
        String type = resource.get("apiVersion") + "/" + resource.get("kind");
        try {
            JsonElement json = new Gson().toJsonTree(resource);
            Model model = MODELS.get(type);
            if (model != null) {
                model.validator().validate(json);
                GSON.fromJson(json, model.type());
            } else if (KAFKA_TOPIC.equals(type)) {
                validateKafkaTopic(resource, json);
            } else {
                throw new IllegalArgumentException("kind " + type + " is not known to ApiSchema");
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(describe(resource) + ": " + e.getMessage(), e);
        }
    }

    private static void validateKafkaTopic(Map<String, Object> resource, JsonElement json) throws IOException {
        check(Set.of("apiVersion", "kind", "metadata", "spec").containsAll(resource.keySet()), "unknown top field");
        V1ObjectMeta.validateJsonElement(json.getAsJsonObject().get("metadata"));
        GSON.fromJson(json.getAsJsonObject().get("metadata"), V1ObjectMeta.class);
        Map<String, Object> metadata = Kustomize.metadata(resource);
        check(metadata.get("labels") instanceof Map<?, ?> labels && labels.get("strimzi.io/cluster") != null,
                "a KafkaTopic needs the label strimzi.io/cluster");
        Map<String, Object> spec = asMap(resource.get("spec"), "spec");
        for (String field : spec.keySet()) {
            check(KAFKA_TOPIC_SPEC.contains(field), "the field `" + field + "` is not defined in KafkaTopic.spec");
        }
        check(spec.get("partitions") instanceof Integer p && p > 0, "spec.partitions must be a positive integer");
        check(spec.get("replicas") instanceof Integer r && r > 0, "spec.replicas must be a positive integer");
        check(!spec.containsKey("topicName") || spec.get("topicName") instanceof String, "spec.topicName");
        if (spec.containsKey("config")) {
            asMap(spec.get("config"), "spec.config").values().forEach(value -> check(
                    value instanceof String || value instanceof Number || value instanceof Boolean,
                    "spec.config values must be scalars"));
        }
    }

    private interface Read<T> {
        T read(JsonReader in) throws IOException;
    }

    /** Reads a value of one JSON type only; never writes (the documents are only read). */
    private static <T> TypeAdapter<T> scalar(JsonToken expected, Read<T> read) {
        return new TypeAdapter<T>() {
            @Override
            public void write(JsonWriter out, T value) {
                throw new UnsupportedOperationException();
            }

            @Override
            public T read(JsonReader in) throws IOException {
                JsonToken token = in.peek();
                if (token == JsonToken.NULL) {
                    in.nextNull();
                    return null;
                }
                if (token != expected) {
                    throw new IllegalArgumentException(in.getPath() + " must be " + expected + ", not " + token);
                }
                return read.read(in);
            }
        };
    }

    private static String describe(Map<String, Object> resource) {
        Object metadata = resource.get("metadata");
        Object name = metadata instanceof Map<?, ?> m ? m.get("name") : null;
        return resource.get("apiVersion") + "/" + resource.get("kind") + " " + name;
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
