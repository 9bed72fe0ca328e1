package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns the JSON of a run (one file per scenario and server) into {@code summary.md} (the tables, with the ratio
 * market-stream / nchan), {@code summary.json} (the rows) and {@code chart.svg} (delivered rate and p99 latency
 * against connections). Usage: {@code Report <results dir>}; {@code Report --pool-s1r <results dir>...}: see
 * {@link #poolRuns}.
 */
public final class Report {

    private static final String MS = "market-stream";
    /** A step whose p99 is above this is behind, even if it was all delivered within the grace period. */
    private static final double MAX_P99_MS = 1000;
    private static final String NCHAN = "nchan";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final List<ObjectNode> rows = new ArrayList<>();
    /** Scenario s1r's medians: in summary.json, and on the chart's latency panel. */
    private final List<ObjectNode> roundMedians = new ArrayList<>();

    private Report(Path dir) {
        this.dir = dir;
    }

    public static void main(String[] args) throws IOException {
        if (args[0].equals("--pool-s1r")) {
            poolRuns(List.of(args).subList(1, args.length).stream().map(Path::of).toList());
            return;
        }
        new Report(Path.of(args[0])).write();
    }

    /**
     * {@code Report --pool-s1r <results dir>...}: scenario s1r's windows of several runs pooled, per server, as a table
     * on stdout (runs that kept no histograms are left out, and named).
     */
    private static void poolRuns(List<Path> dirs) throws IOException {
        Map<String, List<JsonNode>> windows = new LinkedHashMap<>();
        for (Path d : dirs) {
            for (String s : List.of("ms", "nchan")) {
                Path f = d.resolve("s1r-" + s + ".json");
                if (!Files.exists(f)) {
                    continue;
                }
                List<JsonNode> ws = new ArrayList<>();
                JSON.readTree(f.toFile()).path("phases").forEach(ws::add);
                if (!ws.stream().allMatch(Report::hasHistogram)) {
                    System.err.println("no histograms, left out: " + f);
                    continue;
                }
                windows.computeIfAbsent(s, k -> new ArrayList<>()).addAll(ws);
            }
        }
        StringBuilder md = new StringBuilder("| | server | | p50 ms | p99 ms | p99.9 ms | max ms | | | |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        pooledRows(md, windows, Map.of());
        System.out.print(md);
    }

    private void write() throws IOException {
        StringBuilder md = new StringBuilder();
        JsonNode env = read("environment.json");
        if (env != null) {
            md.append(String.format(Locale.ROOT, "Machine: %s CPUs (%s), %d GiB, %s; %s; %s, nchan %s, %s. Commit %s, %s.%n%n",
                    env.path("cpus").asText(), env.path("cpuModel").asText(), env.path("memTotalKb").asLong() >> 20,
                    env.path("kernel").asText(), env.path("java").asText(), env.path("nginx").asText(),
                    env.path("nchan").asText(), env.path("redis").asText().replaceAll(" sha=.*", ""),
                    env.path("commit").asText(), env.path("date").asText()));
        }
        md.append("| scenario | server | conns | channels | publish ev/s | delivered ev/s | complete % | p50 ms | p99 ms"
                + " | p99.9 ms | max ms | server RSS MiB | RSS/conn KiB | server CPU % | CPU µs/event | Kafka CPU % "
                + "| load CPU % | load µs/event | other CPU % |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        steadyRows(md, "s1", "s1 @ 500 ev/s", 500);
        stepMaxRows(md);
        steadyRows(md, "s2", "s2", -1);
        steadyRows(md, "s3", "s3 hot symbol", -1);
        md.append("\nServer = the server process(es) and their Redis (market-stream: the JVM + Redis; nchan: nginx "
                + "master and worker + Redis). The Kafka broker's CPU is reported apart. Load = the whole load "
                + "generator process (subscribers and publisher); load µs/event counts its subscriber thread(s) only. Other CPU = "
                + "CPU used on the machine meanwhile by processes not measured (the box's other work); a high value "
                + "makes latency and saturation of that row unreliable (CPU per event much less so).\n");
        stepsTable(md);
        roundsTable(md);
        stormTable(md);
        startupTable(md);
        Files.writeString(dir.resolve("summary.md"), md);
        ArrayNode all = JSON.createArrayNode();
        rows.forEach(all::add);
        roundMedians.forEach(all::add);
        JSON.writeValue(dir.resolve("summary.json").toFile(), all);
        Files.writeString(dir.resolve("chart.svg"), Chart.svg(rows, roundMedians));
        System.out.print(md);
    }

    /** One row per server for a scenario phase (the phase at {@code rate}, or the only one), then the ratio. */
    private void steadyRows(StringBuilder md, String scenario, String label, double rate) throws IOException {
        Map<String, JsonNode> phases = new LinkedHashMap<>();
        for (String server : List.of(MS, NCHAN)) {
            JsonNode run = read(scenario + "-" + (server.equals(MS) ? "ms" : "nchan") + ".json");
            if (run == null) {
                continue;
            }
            for (JsonNode p : run.path("phases")) {
                if (rate < 0 || p.path("targetRate").asDouble() == rate) {
                    phases.put(server, p);
                }
            }
        }
        emit(md, label, phases);
    }

    /** Scenario 1 at each server's highest sustained rate. */
    private void stepMaxRows(StringBuilder md) throws IOException {
        Map<String, JsonNode> phases = new LinkedHashMap<>();
        for (String server : List.of(MS, NCHAN)) {
            JsonNode run = read("s1-" + (server.equals(MS) ? "ms" : "nchan") + ".json");
            if (run == null) {
                continue;
            }
            double best = maxSustained(run);
            for (JsonNode p : run.path("phases")) {
                if (p.path("targetRate").asDouble() == best) {
                    phases.put(server, p);
                }
            }
        }
        emit(md, "s1 @ max sustained", phases);
    }

    /** The highest step sustained: complete in time, at the rate, and p99 within {@link #MAX_P99_MS}. */
    static double maxSustained(JsonNode run) {
        double best = 0;
        for (JsonNode p : run.path("phases")) {
            if (!sustained(p)) {
                break;
            }
            best = p.path("targetRate").asDouble();
        }
        return best;
    }

    static boolean sustained(JsonNode p) {
        return p.path("sustained").asBoolean() && p.path("latencyMs").path("p99").asDouble() <= MAX_P99_MS;
    }

    private void emit(StringBuilder md, String label, Map<String, JsonNode> phases) {
        for (var e : phases.entrySet()) {
            JsonNode p = e.getValue();
            ObjectNode row = JSON.createObjectNode();
            row.put("scenario", label);
            row.put("server", e.getKey());
            row.put("connections", p.path("connections").asInt());
            row.put("channels", p.path("channels").asInt());
            row.put("publishRate", p.path("publishRate").asDouble());
            row.put("deliveredPerSecond", p.path("deliveredPerSecond").asDouble());
            row.put("completenessPct", p.path("completenessPct").asDouble());
            row.put("p50", p.path("latencyMs").path("p50").asDouble());
            row.put("p99", p.path("latencyMs").path("p99").asDouble());
            row.put("p999", p.path("latencyMs").path("p999").asDouble());
            row.put("max", p.path("latencyMs").path("max").asDouble());
            row.put("serverRssMiB", p.path("serverRssKb").asDouble() / 1024);
            row.put("rssPerConnKiB", p.path("rssPerConnectionBytes").asDouble() / 1024);
            row.put("serverCpuPct", p.path("serverCpuPct").asDouble());
            row.put("serverCpuUsPerEvent", p.path("serverCpuUsPerEvent").asDouble());
            row.put("brokerCpuPct", p.path("brokerCpuPct").asDouble());
            row.put("loadCpuPct", p.path("loadCpuPct").asDouble());
            row.put("loadSubscriberCpuUsPerEvent", p.path("loadSubscriberCpuUsPerEvent").asDouble());
            row.put("foreignCpuPct", p.path("foreignCpuPct").asDouble());
            rows.add(row);
            md.append(line(row, e.getKey().equals(MS) ? "" : null));
        }
        if (phases.size() == 2) {
            ObjectNode ms = rows.get(rows.size() - 2);
            ObjectNode nchan = rows.get(rows.size() - 1);
            md.append(ratio(label, ms, nchan));
        }
    }

    private static String line(ObjectNode r, String unused) {
        boolean nchan = r.path("server").asText().equals(NCHAN);
        return String.format(Locale.ROOT,
                "| %s | %s | %,d | %,d | %,.0f | %,.0f | %.2f | %.1f | %.1f | %.1f | %.1f | %.0f | %.1f | %.0f | %.1f | %s | %.0f | %.2f | %.0f |%n",
                r.path("scenario").asText(), r.path("server").asText(), r.path("connections").asInt(),
                r.path("channels").asInt(), r.path("publishRate").asDouble(), r.path("deliveredPerSecond").asDouble(),
                r.path("completenessPct").asDouble(), r.path("p50").asDouble(), r.path("p99").asDouble(),
                r.path("p999").asDouble(), r.path("max").asDouble(), r.path("serverRssMiB").asDouble(),
                r.path("rssPerConnKiB").asDouble(), r.path("serverCpuPct").asDouble(),
                r.path("serverCpuUsPerEvent").asDouble(),
                nchan ? "–" : String.format(Locale.ROOT, "%.0f", r.path("brokerCpuPct").asDouble()),
                r.path("loadCpuPct").asDouble(), r.path("loadSubscriberCpuUsPerEvent").asDouble(),
                r.path("foreignCpuPct").asDouble());
    }

    private static String ratio(String label, ObjectNode ms, ObjectNode nchan) {
        String[] keys = {"deliveredPerSecond", "completenessPct", "p50", "p99", "p999", "max", "serverRssMiB",
            "rssPerConnKiB", "serverCpuPct", "serverCpuUsPerEvent"};
        StringBuilder b = new StringBuilder("| " + label + " | **ms / nchan** | | | | ");
        for (String k : keys) {
            double d = nchan.path(k).asDouble();
            b.append(d == 0 ? "–" : String.format(Locale.ROOT, "**%.2f×**", ms.path(k).asDouble() / d)).append(" | ");
        }
        b.append("| | | |\n");
        return b.toString();
    }

    private void stepsTable(StringBuilder md) throws IOException {
        md.append("\n### Scenario 1: rate steps (").append("each step: publish for the window, then wait up to the "
                + "grace period for the last events; sustained = 100 % delivered in time, no gap or duplicate, "
                + "publisher at the rate, p99 ≤ 1 s)\n\n");
        md.append("| server | publish ev/s | deliveries/s | complete % | p50 ms | p99 ms | p99.9 ms | max ms "
                + "| server CPU % | µs/event | Kafka CPU % | load CPU % | other CPU % | sustained |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (String s : List.of("ms", "nchan")) {
            JsonNode run = read("s1-" + s + ".json");
            if (run == null) {
                continue;
            }
            for (JsonNode p : run.path("phases")) {
                JsonNode l = p.path("latencyMs");
                md.append(String.format(Locale.ROOT,
                        "| %s | %,.0f | %,.0f | %.2f | %.1f | %.1f | %.1f | %.1f | %.0f | %.1f | %s | %.0f | %.0f | %s |%n",
                        run.path("server").asText(), p.path("publishRate").asDouble(),
                        p.path("deliveredPerSecond").asDouble(), p.path("completenessPct").asDouble(),
                        l.path("p50").asDouble(), l.path("p99").asDouble(), l.path("p999").asDouble(),
                        l.path("max").asDouble(), p.path("serverCpuPct").asDouble(),
                        p.path("serverCpuUsPerEvent").asDouble(),
                        s.equals("ms") ? String.format(Locale.ROOT, "%.0f", p.path("brokerCpuPct").asDouble()) : "–",
                        p.path("loadCpuPct").asDouble(), p.path("foreignCpuPct").asDouble(),
                        sustained(p) ? "yes" : "**no**"));
            }
            md.append(String.format(Locale.ROOT, "| %s | **max sustained: %,.0f ev/s = %,.0f deliveries/s** |"
                    + " | | | | | | | | | | | |%n", run.path("server").asText(), maxSustained(run),
                    maxSustained(run) * run.path("connections").asDouble() / run.path("channels").asDouble()));
        }
    }

    /**
     * Scenario s1r: the 500 events/s point of scenario 1 measured again in rounds alternated between the servers, on
     * connections held throughout, each window its own line, then the medians over the rounds and their ratio. One
     * window per server (scenario 1) can differ from run to run by as much as the servers differ.
     */
    private void roundsTable(StringBuilder md) throws IOException {
        Map<String, List<JsonNode>> windows = new LinkedHashMap<>();
        for (String s : List.of("ms", "nchan")) {
            List<JsonNode> list = new ArrayList<>();
            JsonNode run = read("s1r-" + s + ".json");
            if (run != null) {
                run.path("phases").forEach(list::add);
            }
            if (!list.isEmpty()) {
                windows.put(s, list);
            }
        }
        if (windows.isEmpty()) {
            return;
        }
        md.append("\n### Scenario 1, rounds (s1r): the 500 events/s point again, windows alternated between the servers "
                + "(both up at once, each with its clients connected throughout; the one not measured idle)\n\n"
                + "| round | server | complete % | p50 ms | p99 ms | p99.9 ms | max ms | server CPU % | µs/event | other CPU % "
                + "| box ms |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        int rounds = windows.values().stream().mapToInt(List::size).max().orElse(0);
        for (int r = 0; r < rounds; r++) {
            for (var e : windows.entrySet()) {
                JsonNode p = r < e.getValue().size() ? e.getValue().get(r) : null;
                String server = e.getKey().equals("ms") ? MS : NCHAN;
                if (p == null) {
                    md.append(String.format(Locale.ROOT, "| %d | %s | no window | | | | | | | | |%n", r + 1, server));
                    continue;
                }
                JsonNode l = p.path("latencyMs");
                md.append(String.format(Locale.ROOT, "| %d | %s | %.2f | %.1f | %.1f | %.1f | %.1f | %.0f | %.1f | %.0f | %s |%n",
                        r + 1, server, p.path("completenessPct").asDouble(), l.path("p50").asDouble(),
                        l.path("p99").asDouble(), l.path("p999").asDouble(), l.path("max").asDouble(),
                        p.path("serverCpuPct").asDouble(), p.path("serverCpuUsPerEvent").asDouble(),
                        p.path("foreignCpuPct").asDouble(),
                        p.has("boxSortMs") ? String.format(Locale.ROOT, "%.1f", p.path("boxSortMs").asDouble()) : "–"));
            }
        }
        Map<String, ObjectNode> medians = new LinkedHashMap<>();
        for (var e : windows.entrySet()) {
            List<JsonNode> ps = e.getValue().stream().filter(p -> p != null).toList();
            if (ps.isEmpty()) {
                continue;
            }
            ObjectNode m = JSON.createObjectNode();
            m.put("scenario", "s1r median");
            m.put("server", e.getKey().equals("ms") ? MS : NCHAN);
            m.put("windows", ps.size());
            m.put("connections", ps.get(0).path("connections").asInt());
            m.put("completenessPctMin", ps.stream().mapToDouble(p -> p.path("completenessPct").asDouble()).min().orElse(0));
            for (String k : List.of("p50", "p99", "p999", "max")) {
                m.put(k, median(ps.stream().map(p -> p.path("latencyMs").path(k).asDouble()).toList()));
            }
            m.put("p99Min", ps.stream().mapToDouble(p -> p.path("latencyMs").path("p99").asDouble()).min().orElse(0));
            m.put("p99Max", ps.stream().mapToDouble(p -> p.path("latencyMs").path("p99").asDouble()).max().orElse(0));
            m.put("serverCpuUsPerEvent", median(ps.stream().map(p -> p.path("serverCpuUsPerEvent").asDouble()).toList()));
            medians.put(e.getKey(), m);
            roundMedians.add(m);
            md.append(String.format(Locale.ROOT, "| **median of %d** | %s | min %.2f | %.1f | %.1f (%.1f–%.1f) | %.1f | %.1f | | %.1f | | |%n",
                    ps.size(), m.path("server").asText(), m.path("completenessPctMin").asDouble(), m.path("p50").asDouble(),
                    m.path("p99").asDouble(), m.path("p99Min").asDouble(), m.path("p99Max").asDouble(),
                    m.path("p999").asDouble(), m.path("max").asDouble(), m.path("serverCpuUsPerEvent").asDouble()));
        }
        if (medians.size() == 2) {
            ObjectNode ms = medians.get("ms");
            ObjectNode nchan = medians.get("nchan");
            md.append(String.format(Locale.ROOT, "| | **ms / nchan** | | **%.2f×** | **%.2f×** | **%.2f×** | **%.2f×** | | **%.2f×** | | |%n",
                    ms.path("p50").asDouble() / nchan.path("p50").asDouble(),
                    ms.path("p99").asDouble() / nchan.path("p99").asDouble(),
                    ms.path("p999").asDouble() / nchan.path("p999").asDouble(),
                    ms.path("max").asDouble() / nchan.path("max").asDouble(),
                    ms.path("serverCpuUsPerEvent").asDouble() / nchan.path("serverCpuUsPerEvent").asDouble()));
        }
        pooledRows(md, windows, medians);
    }

    /**
     * Every delivery of every window of a server in one histogram: the p99 of the point itself, over all the time it
     * was measured (the median of the windows' p99s also leaves out whole bad windows). Results of runs before the
     * windows' histograms were kept have none, and no such rows. The pooled percentiles are also put in the server's
     * row of {@code medians}, when it has one.
     */
    private static void pooledRows(StringBuilder md, Map<String, List<JsonNode>> windows, Map<String, ObjectNode> medians) {
        Map<String, Map<String, Object>> pooled = new LinkedHashMap<>();
        for (var e : windows.entrySet()) {
            Histogram h = pool(e.getValue());
            if (h == null) {
                continue;
            }
            Map<String, Object> p = Histograms.percentilesMs(h);
            pooled.put(e.getKey(), p);
            ObjectNode m = medians.get(e.getKey());
            if (m != null) {
                List.of("p50", "p99", "p999").forEach(k -> m.put(k + "Pooled", (Double) p.get(k)));
            }
            md.append(String.format(Locale.ROOT, "| **%d windows pooled** | %s | | %.1f | %.1f | %.1f | %.1f | | | | |%n",
                    e.getValue().size(), e.getKey().equals("ms") ? MS : NCHAN, p.get("p50"), p.get("p99"), p.get("p999"),
                    p.get("max")));
        }
        if (pooled.size() == 2) {
            Map<String, Object> ms = pooled.get("ms");
            Map<String, Object> nchan = pooled.get("nchan");
            md.append("| | **pooled ms / nchan** | |");
            for (String k : List.of("p50", "p99", "p999", "max")) {
                md.append(String.format(Locale.ROOT, " **%.2f×** |", (Double) ms.get(k) / (Double) nchan.get(k)));
            }
            md.append(" | | | |\n");
        }
    }

    private static boolean hasHistogram(JsonNode window) {
        return window.hasNonNull("latencyHistogram");
    }

    /** The windows' histograms added up, or null when a window has none. */
    private static Histogram pool(List<JsonNode> windows) {
        if (!windows.stream().allMatch(Report::hasHistogram)) {
            return null;
        }
        Histogram all = null;
        for (JsonNode w : windows) {
            Histogram h = Histograms.decode(w.path("latencyHistogram").asText());
            if (all == null) {
                all = h;
            } else {
                all.add(h);
            }
        }
        return all;
    }

    private void stormTable(StringBuilder md) throws IOException {
        md.append("\n### Scenario 4: reconnect storm\n\n| server | clients | channels | events while down | all caught up s "
                + "| catch-up p50 ms | p99 ms | max ms | exact % | gaps | dups | resets | server CPU s |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String s : List.of("ms", "nchan")) {
            JsonNode run = read("s4-" + s + ".json");
            if (run == null) {
                continue;
            }
            JsonNode st = run.path("storm");
            JsonNode t = run.path("totals");
            md.append(String.format(Locale.ROOT, "| %s | %,d | %d | %d | %s | %s | %s | %s | %s | %d | %d | %d | %s |%n",
                    run.path("server").asText(), st.path("clients").asInt(), run.path("channels").asInt(),
                    st.path("eventsWhileDown").asInt(), st.path("allCaughtUpSeconds").asText()
                            + (st.path("exactPct").asDouble() < 100 ? " (not exact: resets/gaps)" : ""),
                    st.path("catchUpP50Ms").asText(), st.path("catchUpP99Ms").asText(), st.path("catchUpMaxMs").asText(),
                    st.path("exactPct").asText(), t.path("gaps").asLong(), t.path("dups").asLong(),
                    t.path("resets").asLong(), st.path("serverCpuSeconds").asText()));
        }
    }

    private void startupTable(StringBuilder md) throws IOException {
        JsonNode starts = read("s5-startup.json");
        if (starts == null) {
            return;
        }
        md.append("\n### Scenario 5: start-up (process start to ready: market-stream `/q/health/ready` 200 with Kafka "
                + "and Redis up; nchan `/nchan_status` 200), idle memory\n\n"
                + "| server | starts | ready ms (median) | ready ms (max) | idle RSS MiB (median) | its Redis idle RSS MiB |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        for (String server : List.of(MS, NCHAN)) {
            List<Double> ready = new ArrayList<>();
            List<Double> rss = new ArrayList<>();
            List<Double> redis = new ArrayList<>();
            for (JsonNode s : starts) {
                if (s.path("server").asText().equals(server)) {
                    ready.add(s.path("readyMs").asDouble());
                    rss.add(s.path("idleRssKb").asDouble() / 1024);
                    redis.add(s.path("redisIdleRssKb").asDouble() / 1024);
                }
            }
            if (ready.isEmpty()) {
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.1f | %.1f |%n", server, ready.size(),
                    median(ready), ready.stream().mapToDouble(Double::doubleValue).max().orElse(0), median(rss),
                    median(redis)));
        }
    }

    /** The middle value, or the mean of the two middle values of an even count. */
    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(Double::compare);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private JsonNode read(String name) throws IOException {
        Path p = dir.resolve(name);
        return Files.exists(p) ? JSON.readTree(p.toFile()) : null;
    }
}
