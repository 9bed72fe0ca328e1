package io.marketstream.stream;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * One read shared by every caller that needs a value read after it asked. A call joins the next read to start, never
 * one already under way, so each caller gets a value at least as recent as its call; while a read runs, the callers
 * that arrive wait for the next one, which then serves them all. In a reconnect storm thousands of resumes need the
 * history's progress read after their own history read: they share a few reads instead of making one each.
 * Each caller is answered on its own Vert.x context.
 */
final class FreshRead<T> {

    private final Supplier<Uni<T>> read;
    /** The callers waiting for the read that has not started yet; null when there are none. */
    private CompletableFuture<T> next;
    private boolean reading;

    FreshRead(Supplier<Uni<T>> read) {
        this.read = read;
    }

    Uni<T> get() {
        CompletableFuture<T> answer;
        boolean start;
        synchronized (this) {
            if (next == null) {
                next = new CompletableFuture<>();
            }
            answer = next;
            start = !reading;
            if (start) {
                reading = true;
                next = null;
            }
        }
        if (start) {
            run(answer);
        }
        Context caller = Vertx.currentContext();
        Uni<T> value = Uni.createFrom().completionStage(answer);
        return caller == null ? value : value.emitOn(task -> caller.runOnContext(ignored -> task.run()));
    }

    private void run(CompletableFuture<T> answer) {
        Uni<T> started;
        try {
            started = read.get();
        } catch (RuntimeException e) {
            finish(answer, null, e);
            return;
        }
        started.subscribe().with(value -> finish(answer, value, null), failure -> finish(answer, null, failure));
    }

    private void finish(CompletableFuture<T> answer, T value, Throwable failure) {
        CompletableFuture<T> following;
        synchronized (this) {
            following = next;
            next = null;
            reading = following != null;
        }
        if (following != null) {
            run(following);
        }
        if (failure != null) {
            answer.completeExceptionally(failure);
        } else {
            answer.complete(value);
        }
    }
}
