package io.marketstream.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a pod may take to stop after SIGTERM, read as the pod reads its settings (the ConfigMap's environment,
 * then application.properties with {@code %prod.} first, then defaults): the Quarkus shutdown delay when enabled
 * (unready, still serving, streams closed over the drain window), then the Quarkus shutdown timeout, or the rest of
 * the drain window if that is longer.
 */
final class ShutdownBudget {

    static final Duration DEFAULT_DRAIN_WINDOW = Duration.ofSeconds(10);
    private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)?");
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^:}]+)(?::([^}]*))?}");

    private final Map<String, Object> environment;
    private final Properties properties;

    private ShutdownBudget(Map<String, Object> environment, Properties properties) {
        this.environment = environment;
        this.properties = properties;
    }

    static Duration afterSigterm(Map<String, Object> environment) {
        return afterSigterm(environment, applicationProperties());
    }

    static Duration afterSigterm(Map<String, Object> environment, Properties properties) {
        ShutdownBudget settings = new ShutdownBudget(environment, properties);
        Duration drain = settings.duration("market.stream.drain-window", DEFAULT_DRAIN_WINDOW);
        Duration timeout = settings.duration("quarkus.shutdown.timeout", Duration.ZERO);
        Duration delay = "true".equals(settings.value("quarkus.shutdown.delay-enabled"))
                ? settings.duration("quarkus.shutdown.delay", Duration.ZERO)
                : Duration.ZERO;
        Duration drainLeft = drain.minus(delay);
        return delay.plus(drainLeft.compareTo(timeout) > 0 ? drainLeft : timeout);
    }

    /** The value of a key as the pod sees it, with {@code ${key:default}} expressions resolved; null if unset. */
    String value(String key) {
        Object fromEnvironment = environment.get(key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT));
        String value = fromEnvironment != null ? fromEnvironment.toString()
                : properties.getProperty("%prod." + key, properties.getProperty(key));
        if (value == null) {
            return null;
        }
        Matcher expression = EXPRESSION.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (expression.find()) {
            String inner = value(expression.group(1));
            String replacement = inner != null ? inner : expression.group(2);
            if (replacement == null) {
                throw new IllegalArgumentException(key + "=" + value + ": " + expression.group(1) + " is not set");
            }
            expression.appendReplacement(resolved, Matcher.quoteReplacement(replacement));
        }
        return expression.appendTail(resolved).toString();
    }

    /** A Quarkus duration: ISO-8601 (PT10S), a number with a unit (10s, 500ms, 1m), or a number of seconds. */
    Duration duration(String key, Duration otherwise) {
        String value = value(key);
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        String text = value.trim();
        Matcher simple = SIMPLE.matcher(text);
        if (!simple.matches()) {
            return Duration.parse(text.startsWith("P") ? text : "PT" + text);
        }
        double amount = Double.parseDouble(simple.group(1));
        long unitMillis = switch (simple.group(2) == null ? "s" : simple.group(2)) {
            case "ms" -> 1;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            case "d" -> 86_400_000;
            default -> 1_000;
        };
        return Duration.ofMillis(Math.round(amount * unitMillis));
    }

    private static Properties applicationProperties() {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
