package bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The load generator and driver of one scenario against one server: opens the SSE connections, publishes, measures
 * (latency, completeness, sequence checks, CPU and memory of the processes named), and writes one JSON file.
 *
 * <pre>
 * Load --target ms|nchan --port P --scenario steps|steady|storm --conns N --channels C [--rates r1,r2,..]
 *      [--rate R] [--duration S] [--warmup S] [--grace S] [--prefix X] [--bootstrap host:port]
 *      [--app-pids a,b] [--redis-pids r] [--broker-pids k] [--out file.json] [--io-threads 1]
 * </pre>
 */
public final class Load {

    private final Map<String, String> args;
    private final String target;
    private final int conns;
    private final int channelCount;
    private final String[] channels;
    private final int[] subsPerChannel;
    private final List<Group> groups = new ArrayList<>();
    private final List<Long> appPids;
    private final List<Long> redisPids;
    private final List<Long> brokerPids;
    private final Publisher publisher;
    private final Pacer pacer;
    private final Map<String, Object> result = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private long idleRssKb;

    private Load(Map<String, String> args) throws IOException {
        this.args = args;
        this.target = args.getOrDefault("target", "ms");
        this.conns = intArg("conns", 1000);
        this.channelCount = intArg("channels", 10);
        String prefix = args.getOrDefault("prefix", "B");
        this.channels = new String[channelCount];
        for (int c = 0; c < channelCount; c++) {
            channels[c] = String.format(Locale.ROOT, "%s%05d", prefix, c);
        }
        this.subsPerChannel = new int[channelCount];
        this.appPids = pids("app-pids");
        this.redisPids = pids("redis-pids");
        this.brokerPids = pids("broker-pids");
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", intArg("port", 8080));
        this.publisher = target.equals("nchan")
                ? new NchanPublisher(server, intArg("pub-conns", 8))
                : new KafkaPublisher(args.getOrDefault("bootstrap", "127.0.0.1:9092"), "market.prices");
        this.pacer = new Pacer(publisher, channels);

        String[] paths = new String[channelCount];
        for (int c = 0; c < channelCount; c++) {
            paths[c] = target.equals("nchan") ? "/sub/" + channels[c] : "/v1/stream/prices/" + channels[c];
        }
        for (int i = 0; i < conns; i++) {
            subsPerChannel[i % channelCount]++;
        }
        // One process may open at most its open-file limit: beyond that, worker processes hold the other subscribers.
        int perProcess = intArg("per-process", (int) Math.max(1000, ProcStats.openFileLimit() - 500));
        int procs = (conns + perProcess - 1) / perProcess;
        int share = (conns + procs - 1) / procs;
        int ioThreads = intArg("io-threads", 1);
        int srcIps = intArg("src-ips", 8);
        int maxConnecting = Math.max(1, intArg("connect-inflight", 1000) / procs);
        groups.add(new LocalGroup(server, paths, 0, Math.min(share, conns), ioThreads, srcIps, 2, maxConnecting));
        for (int k = 1; k < procs; k++) {
            List<String> w = new ArrayList<>(List.of(server.getHostString(), String.valueOf(server.getPort()),
                    String.valueOf(k * share), String.valueOf(Math.min(conns, (k + 1) * share)),
                    String.valueOf(ioThreads), String.valueOf(srcIps), String.valueOf(2 + k * srcIps),
                    String.valueOf(maxConnecting)));
            w.addAll(List.of(paths));
            groups.add(new RemoteGroup(w, args.getOrDefault("worker-jvm", "-Xms256m -Xmx768m -XX:+UseParallelGC")));
        }
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        Load load = new Load(args);
        boolean pass;
        try {
            pass = load.run();
        } finally {
            load.publisher.close();
        }
        System.exit(pass ? 0 : 1);
    }

    private boolean run() throws Exception {
        String scenario = args.getOrDefault("scenario", "steady");
        result.put("scenario", args.getOrDefault("name", scenario));
        result.put("server", target.equals("nchan") ? "nchan" : "market-stream");
        result.put("connections", conns);
        result.put("channels", channelCount);
        result.put("ioThreadsPerProcess", intArg("io-threads", 1));
        result.put("loadProcesses", groups.size());
        idleRssKb = ProcStats.rssKb(serverPids());
        result.put("serverRssIdleKb", idleRssKb);
        try {
            if (connect()) {
                switch (scenario) {
                    case "steps" -> steps();
                    case "rounds" -> rounds();
                    case "storm" -> storm();
                    default -> steady();
                }
            }
            result.put("totals", totals());
        } finally {
            for (Group g : groups) {
                g.stop();
            }
        }
        result.put("failures", failures);
        boolean pass = failures.isEmpty();
        result.put("pass", pass);
        String out = args.get("out");
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        if (out != null) {
            Files.createDirectories(Path.of(out).toAbsolutePath().getParent());
            json.writeValue(Path.of(out).toFile(), result);
        }
        System.out.println(summary());
        return pass;
    }

    // ---- scenarios -------------------------------------------------------------------------------------------

    private void failIfGapsOrDuplicates(List<Map<String, Object>> phases) {
        if (phases.stream().anyMatch(p -> ((Number) p.get("gaps")).longValue() + ((Number) p.get("dups")).longValue()
                > 0)) {
            failures.add("gaps or duplicates");
        }
    }

    /** Scenario 1: the rate stepped up until an step is not delivered completely in time. */
    private void steps() throws InterruptedException {
        warmup();
        List<Map<String, Object>> phases = new ArrayList<>();
        double best = 0;
        for (String r : args.getOrDefault("rates", "250,500,1000").split(",")) {
            double rate = Double.parseDouble(r.trim());
            Map<String, Object> phase = measure("rate " + r.trim(), rate, dbl("duration", 10), dbl("grace", 3));
            phases.add(phase);
            boolean sustained = (Boolean) phase.get("sustained");
            if (sustained && phases.stream().allMatch(p -> (Boolean) p.get("sustained"))) {
                best = rate;
            }
            // Below the reference rate (--min-rate, 500 events/s by default) every step runs, so both servers are
            // compared there; above it the first step not sustained ends the scenario.
            if (!sustained && rate >= dbl("min-rate", 500)) {
                break;
            }
            if (!(Boolean) phase.get("complete")) {
                awaitDelivered(60);
            }
        }
        result.put("phases", phases);
        result.put("maxSustainedRate", best);
        result.put("maxSustainedDeliveries", best * conns / channelCount);
        failIfGapsOrDuplicates(phases);
        if (best == 0) {
            failures.add("no rate was sustained");
        }
    }

    /**
     * Scenario s1r: windows at one rate on the same connections, each at its own time: round r's window starts at
     * {@code --start-at} (epoch ms) + (2r + {@code --slot}) x {@code --period} seconds, so two load processes, one
     * per server, slots 0 and 1, alternate their windows while both hold their connections throughout.
     */
    private void rounds() throws InterruptedException {
        warmup();
        long startAt = Long.parseLong(args.get("start-at"));
        double period = dbl("period", 20);
        int slot = intArg("slot", 0);
        List<Map<String, Object>> phases = new ArrayList<>();
        for (int round = 0; round < intArg("rounds", 5); round++) {
            long at = startAt + (long) ((2 * round + slot) * period * 1000);
            long wait = at - System.currentTimeMillis();
            if (wait < 0) {
                failures.add("round " + (round + 1) + " started " + (-wait) + " ms late (warm-up or a window overran)");
            }
            while ((wait = at - System.currentTimeMillis()) > 0) {
                publisher.poll(Math.min(wait, 100) * 1_000_000);
            }
            phases.add(measure("round " + (round + 1), dbl("rate", 500), dbl("duration", 10), dbl("grace", 3)));
        }
        result.put("phases", phases);
        if (phases.stream().anyMatch(p -> !(Boolean) p.get("complete"))) {
            failures.add("a window was not delivered completely");
        }
        failIfGapsOrDuplicates(phases);
    }

    /** Scenarios 2 and 3: one rate, measured after a warm-up. */
    private void steady() throws InterruptedException {
        warmup();
        Map<String, Object> phase = measure("steady", dbl("rate", 100), dbl("duration", 30), dbl("grace", 5));
        result.put("phases", List.of(phase));
        if (!(Boolean) phase.get("complete")) {
            failures.add("not every event was delivered");
        }
    }

    /** Scenario 4: every client drops at once, events are published, all reconnect with their Last-Event-ID. */
    private void storm() throws InterruptedException {
        warmup();
        long missed = intArg("storm-events", 100);
        // Unmeasured storms first (--warmup-storms): the servers are measured warm, as a pod that has served
        // resumes before; their clients are checked for exactness like the measured ones.
        double timeout = dbl("storm-timeout", 30);
        for (int i = 0; i < intArg("warmup-storms", 0); i++) {
            dropAndReconnect(missed, timeout);
            Thread.sleep(1000);
        }
        System.gc(); // as before a window (measure): no pause of ours in the measured storm
        double cpu0 = ProcStats.cpuSeconds(serverPids());
        long stormStart = System.nanoTime();
        long[] reconnect = dropAndReconnect(missed, timeout);
        long reconnectMicros = reconnect[0];
        long t0 = reconnect[1];
        double allCaughtUp = (System.nanoTime() - t0) / 1e9;
        double serverCpu = ProcStats.cpuSeconds(serverPids()) - cpu0;
        long[] times = groups.stream().flatMapToLong(g -> java.util.Arrays.stream(g.catchUpTimes(reconnectMicros)))
                .sorted().toArray();
        Map<String, Object> storm = new LinkedHashMap<>();
        storm.put("eventsWhileDown", missed);
        storm.put("clients", conns);
        storm.put("caughtUp", caughtUp());
        storm.put("allCaughtUpSeconds", caughtUp() == conns ? round(allCaughtUp, 3) : null);
        storm.put("catchUpP50Ms", times.length == 0 ? null : times[times.length / 2] / 1000.0);
        storm.put("catchUpP99Ms", times.length == 0 ? null : times[(int) (times.length * 0.99)] / 1000.0);
        storm.put("catchUpMaxMs", times.length == 0 ? null : times[times.length - 1] / 1000.0);
        storm.put("serverCpuSeconds", round(serverCpu, 3));
        storm.put("stormSeconds", round((System.nanoTime() - stormStart) / 1e9, 3));
        // Live after the storm: the resumed streams go on with no gap and no duplicate.
        Map<String, Object> after = measure("after storm", dbl("rate", 200), dbl("duration", 3), dbl("grace", 5));
        long exact = groups.stream().mapToLong(g -> g.exact(pacer.seq)).sum();
        storm.put("exactClients", exact);
        storm.put("exactPct", round(100.0 * exact / conns, 3));
        result.put("storm", storm);
        result.put("phases", List.of(after));
        if (exact != conns) {
            failures.add((conns - exact) + " clients did not resume exactly");
        }
        if (caughtUp() != conns) {
            failures.add((conns - caughtUp()) + " clients did not catch up within " + timeout + " s");
        }
    }

    // ---- building blocks -------------------------------------------------------------------------------------

    /**
     * Every client drops, {@code missed} events are published and acknowledged, then all reconnect at once with
     * their last event id; returns when all have caught up or the timeout passed: {wall-clock micros, nanoTime} of
     * the reconnect.
     */
    private long[] dropAndReconnect(long missed, double timeout) throws InterruptedException {
        groups.forEach(Group::dropAll);
        Thread.sleep((long) (dbl("drop-pause", 1) * 1000));
        pacer.run(dbl("storm-rate", 1000), 60, missed);
        if (!pacer.awaitAcks(30)) {
            failures.add("storm events were not acknowledged");
        }
        long[] targets = pacer.seq.clone();
        for (Group g : groups) {
            g.expect(targets);
        }
        Thread.sleep(100);
        long reconnectMicros = WallClock.micros();
        long t0 = System.nanoTime();
        for (Group g : groups) {
            g.connectAll(true);
        }
        while (caughtUp() < conns && (System.nanoTime() - t0) / 1e9 < timeout) {
            Thread.sleep(5);
        }
        return new long[] {reconnectMicros, t0};
    }

    /** Opens every connection and waits until each is established (and, for market-stream, has its opening). */
    private boolean connect() throws InterruptedException {
        long t0 = System.nanoTime();
        for (Group g : groups) {
            g.connectAll(false);
        }
        double timeout = dbl("connect-timeout", 180);
        boolean ms = !target.equals("nchan");
        while ((System.nanoTime() - t0) / 1e9 < timeout) {
            Group.Counters c = counters();
            long done = c.connected() + c.badStatus() + c.connectFailures();
            boolean opened = !ms || c.firstFrames() >= conns;
            if (done >= conns && opened) {
                break;
            }
            Thread.sleep(10);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        result.put("connectSeconds", round(seconds, 3));
        result.put("connectFailures", sum(Group.Counters::connectFailures) + sum(Group.Counters::badStatus));
        Thread.sleep(500);
        result.put("serverRssConnectedKb", ProcStats.rssKb(serverPids()));
        long connected = sum(Group.Counters::connected);
        if (connected < conns) {
            failures.add("only " + connected + " of " + conns + " connections opened in " + round(seconds, 1) + " s");
            return false;
        }
        return true;
    }

    /** Publishes at a low rate until every subscription is known to be live, then lets JIT and pools settle. */
    private void warmup() throws InterruptedException {
        double seconds = dbl("warmup", 3);
        double rate = dbl("warmup-rate", Math.min(dbl("rate", 100), 10.0 * channelCount));
        long perChannel = Math.max(1, (long) (seconds * rate / channelCount));
        pacer.run(rate, 3600, perChannel * channelCount);
        pacer.awaitAcks(30);
        awaitDelivered(30);
        takeLatency();
        if (uniqueReceived() < expected()) {
            failures.add("warm-up: " + (expected() - uniqueReceived()) + " deliveries missing");
        }
    }

    private boolean awaitDelivered(double seconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (uniqueReceived() < expected() && System.nanoTime() < deadline) {
            publisher.poll(2_000_000);
            Thread.sleep(1);
        }
        return uniqueReceived() >= expected();
    }

    /** Publishes at {@code rate} for {@code seconds} and measures everything over that window. */
    private Map<String, Object> measure(String name, double rate, double seconds, double grace)
            throws InterruptedException {
        // This process's own collections stop its subscribers and its publisher alike, and delay every delivery in
        // flight meanwhile (a young one took 94 ms here, about once in 45 s at 500 events/s): left to chance, one falls
        // in a window now and then and is that window's p99. So collect now, between windows, with nothing in
        // flight: the young generation then holds a whole window's garbage and no window has a pause of ours.
        double boxSortMs = BoxSpeed.sortMillis();
        System.gc();
        takeLatency();
        long expected0 = expected();
        long unique0 = uniqueReceived();
        long received0 = sum(Group.Counters::received);
        long bytes0 = sum(Group.Counters::bytesRead);
        long gaps0 = sum(Group.Counters::gaps);
        long dups0 = sum(Group.Counters::dups);
        long published0 = pacer.published;
        double app0 = ProcStats.cpuSeconds(appPids);
        double redis0 = ProcStats.cpuSeconds(redisPids);
        double broker0 = ProcStats.cpuSeconds(brokerPids);
        double self0 = loadCpu();
        double io0 = ioCpu();
        double machine0 = ProcStats.machineBusySeconds();
        long t0 = System.nanoTime();
        pacer.run(rate, seconds, Long.MAX_VALUE);
        long t1 = System.nanoTime();
        double window = (t1 - t0) / 1e9;
        double app = ProcStats.cpuSeconds(appPids) - app0;
        double redis = ProcStats.cpuSeconds(redisPids) - redis0;
        double broker = ProcStats.cpuSeconds(brokerPids) - broker0;
        double self = loadCpu() - self0;
        double io = ioCpu() - io0;
        double machine = ProcStats.machineBusySeconds() - machine0;
        long receivedInWindow = sum(Group.Counters::received) - received0;
        long bytesInWindow = sum(Group.Counters::bytesRead) - bytes0;
        long appRss = ProcStats.rssKb(appPids);
        long redisRss = ProcStats.rssKb(redisPids);
        long published = pacer.published - published0;
        boolean acked = pacer.awaitAcks(grace);
        boolean complete = awaitDelivered(grace);
        double drain = (System.nanoTime() - t1) / 1e9;
        Histogram h = takeLatency();
        long expectedPhase = expected() - expected0;
        long deliveredPhase = uniqueReceived() - unique0;
        long gaps = sum(Group.Counters::gaps) - gaps0;
        long dups = sum(Group.Counters::dups) - dups0;
        double achieved = published / window;
        double delivered = receivedInWindow / window;
        double serverCpu = app + redis;

        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", name);
        p.put("connections", conns);
        p.put("channels", channelCount);
        p.put("targetRate", rate);
        p.put("publishRate", round(achieved, 1));
        p.put("windowSeconds", round(window, 2));
        p.put("published", published);
        p.put("expectedDeliveries", expectedPhase);
        p.put("delivered", deliveredPhase);
        p.put("deliveredPerSecond", round(delivered, 1));
        p.put("completenessPct", expectedPhase == 0 ? 100.0 : round(100.0 * deliveredPhase / expectedPhase, 4));
        p.put("drainSeconds", round(drain, 3));
        p.put("gaps", gaps);
        p.put("dups", dups);
        p.put("latencyMs", Histograms.percentilesMs(h));
        p.put("serverCpuPct", round(100 * serverCpu / window, 1));
        p.put("appCpuPct", round(100 * app / window, 1));
        p.put("redisCpuPct", round(100 * redis / window, 1));
        p.put("brokerCpuPct", round(100 * broker / window, 1));
        p.put("serverCpuUsPerEvent", receivedInWindow == 0 ? null : round(1e6 * serverCpu / receivedInWindow, 2));
        p.put("loadCpuPct", round(100 * self / window, 1));
        p.put("loadSubscriberCpuPct", round(100 * io / window, 1));
        p.put("loadSubscriberCpuUsPerEvent", receivedInWindow == 0 ? null : round(1e6 * io / receivedInWindow, 2));
        p.put("loadCpuUsPerEvent", receivedInWindow == 0 ? null : round(1e6 * self / receivedInWindow, 2));
        p.put("bytesPerEvent", receivedInWindow == 0 ? null : round((double) bytesInWindow / receivedInWindow, 1));
        p.put("serverRssKb", appRss + redisRss);
        p.put("appRssKb", appRss);
        p.put("redisRssKb", redisRss);
        p.put("rssPerConnectionBytes", round(1024.0 * (appRss + redisRss - idleRssKb) / conns, 0));
        // CPU used on the machine by processes other than the ones measured here (other work sharing the box).
        p.put("foreignCpuPct", round(100 * (machine - app - redis - broker - self) / window, 1));
        // The machine's speed just before the window (BoxSpeed): the same work takes longer on a slower box.
        p.put("boxSortMs", round(boxSortMs, 1));
        p.put("closedByServer", sum(Group.Counters::closedByServer));
        p.put("publishFailures", publisher.failed());
        boolean ok = complete && acked && gaps == 0 && dups == 0 && sum(Group.Counters::closedByServer) == 0
                && publisher.failed() == 0;
        p.put("complete", ok);
        // Sustained: everything delivered within the grace period, the publisher kept the rate, and delivery is not
        // behind (p99 within --max-p99-ms, 1 s by default).
        p.put("sustained", ok && achieved >= 0.97 * rate && h.getValueAtPercentile(99) / 1000.0 <= dbl("max-p99-ms", 1000));
        System.out.println(target + " " + name + ": " + p);
        // The window's deliveries, so that windows can be pooled (Report, s1r); not in the log line above.
        p.put("latencyHistogram", Histograms.encode(h));
        return p;
    }

    private Map<String, Object> totals() {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("published", pacer.published);
        t.put("expectedDeliveries", expected());
        t.put("received", sum(Group.Counters::received));
        t.put("gaps", sum(Group.Counters::gaps));
        t.put("dups", sum(Group.Counters::dups));
        t.put("resets", sum(Group.Counters::resets));
        groups.stream().map(Group::firstReset).filter(r -> r != null).findFirst().ifPresent(r -> t.put("firstReset", r));
        t.put("badFrames", sum(Group.Counters::badFrames));
        t.put("negativeLatencies", sum(Group.Counters::negativeLatency));
        t.put("closedByServer", sum(Group.Counters::closedByServer));
        t.put("connectFailures", sum(Group.Counters::connectFailures));
        t.put("badStatus", sum(Group.Counters::badStatus));
        t.put("publishFailures", publisher.failed());
        t.put("behindAtEnd", groups.stream().mapToLong(g -> g.behind(pacer.seq)).sum());
        if (sum(Group.Counters::gaps) + sum(Group.Counters::dups) + sum(Group.Counters::badFrames) + sum(Group.Counters::resets) > 0) {
            failures.add("sequence check: " + t);
        }
        return t;
    }

    private String summary() {
        return target + " " + result.get("scenario") + (failures.isEmpty() ? " PASS" : " FAIL " + failures);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private long expected() {
        long e = 0;
        for (int c = 0; c < channelCount; c++) {
            e += pacer.seq[c] * subsPerChannel[c];
        }
        return e;
    }

    private long uniqueReceived() {
        return sum(Group.Counters::received) - sum(Group.Counters::dups);
    }

    private long caughtUp() {
        return sum(Group.Counters::caughtUp);
    }

    private double ioCpu() {
        return counters().ioCpuSeconds();
    }

    /** CPU seconds of the load generator: this process and its workers. */
    private double loadCpu() {
        double t = ProcStats.cpuSeconds(ProcStats.self());
        for (Group g : groups) {
            t += ProcStats.cpuSeconds(g.pids());
        }
        return t;
    }

    private Histogram takeLatency() {
        Histogram h = null;
        for (Group g : groups) {
            Histogram part = g.takeLatency();
            if (h == null) {
                h = part;
            } else {
                h.add(part);
            }
        }
        return h;
    }

    private Group.Counters counters() {
        Group.Counters c = Group.Counters.ZERO;
        for (Group g : groups) {
            c = c.plus(g.counters());
        }
        return c;
    }

    private List<Long> serverPids() {
        List<Long> all = new ArrayList<>(appPids);
        all.addAll(redisPids);
        return all;
    }

    private long sum(java.util.function.ToLongFunction<Group.Counters> f) {
        return f.applyAsLong(counters());
    }

    private List<Long> pids(String key) {
        String v = args.getOrDefault(key, "");
        return v.isBlank() ? List.of() : Arrays.stream(v.split(",")).map(String::trim).map(Long::parseLong).toList();
    }

    private int intArg(String key, int def) {
        return args.containsKey(key) ? Integer.parseInt(args.get(key)) : def;
    }

    private double dbl(String key, double def) {
        return args.containsKey(key) ? Double.parseDouble(args.get(key)) : def;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
