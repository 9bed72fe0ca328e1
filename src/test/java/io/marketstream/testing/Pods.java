package io.marketstream.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** A few pods of one deployment, sharing one config; closing the group kills every pod still alive. */
public final class Pods implements AutoCloseable {

    private final Map<String, Pod> pods;

    private Pods(Map<String, Pod> pods) {
        this.pods = pods;
    }

    /** Starts one pod per name, all at once (they boot in parallel), each on a port of its own. */
    public static Pods start(Map<String, String> config, String... names) {
        Map<String, Pod> started = new LinkedHashMap<>();
        try {
            for (String name : names) {
                if (started.containsKey(name)) {
                    throw new IllegalArgumentException("Two pods named " + name);
                }
                started.put(name, Pod.start(name, config));
            }
        } catch (RuntimeException e) {
            started.values().forEach(Pod::close);
            throw e;
        }
        return new Pods(started);
    }

    /** Waits until every pod is ready, all within one overall timeout. */
    public Pods awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Pod pod : pods.values()) {
            pod.awaitReady(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        return this;
    }

    public Pod get(String name) {
        Pod pod = pods.get(name);
        if (pod == null) {
            throw new NoSuchElementException("No pod " + name + " in " + pods.keySet());
        }
        return pod;
    }

    public List<Pod> all() {
        return List.copyOf(pods.values());
    }

    public List<Pod> alive() {
        return pods.values().stream().filter(Pod::alive).toList();
    }

    /** One line per pod: name, port, pid and time from process start to ready. */
    public String startupReport() {
        List<String> lines = new ArrayList<>();
        for (Pod pod : pods.values()) {
            Duration time = pod.startupTime();
            lines.add(String.format("%s port %d pid %d ready after %s", pod.name(), pod.port(), pod.pid(),
                    time == null ? "-" : time.toMillis() + " ms"));
        }
        return String.join("\n", lines);
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (Pod pod : pods.values()) {
            try {
                pod.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
