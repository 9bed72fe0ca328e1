package io.marketstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;

class FreshReadTest {

    /** Each read is answered when the test completes its future; the reads are numbered from 1. */
    private final List<CompletableFuture<Integer>> reads = new ArrayList<>();
    private final FreshRead<Integer> fresh = new FreshRead<>(() -> {
        CompletableFuture<Integer> read = new CompletableFuture<>();
        reads.add(read);
        return Uni.createFrom().completionStage(read);
    });

    @Test
    void aCallerNeverGetsTheValueOfAReadThatStartedBeforeItsCall() {
        UniAssertSubscriber<Integer> first = fresh.get().subscribe().withSubscriber(UniAssertSubscriber.create());
        assertThat(reads).hasSize(1);

        UniAssertSubscriber<Integer> second = fresh.get().subscribe().withSubscriber(UniAssertSubscriber.create());
        assertThat(reads).as("no second read while the first runs").hasSize(1);
        reads.get(0).complete(1);

        first.assertItem(1);
        second.assertNotTerminated();
        assertThat(reads).as("the second caller's read starts once the first is done").hasSize(2);
        reads.get(1).complete(2);
        second.assertItem(2);
    }

    @Test
    void everyCallerArrivingDuringAReadSharesTheNextOne() {
        fresh.get().subscribe().withSubscriber(UniAssertSubscriber.create());
        List<UniAssertSubscriber<Integer>> waiting = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            waiting.add(fresh.get().subscribe().withSubscriber(UniAssertSubscriber.create()));
        }
        reads.get(0).complete(1);
        reads.get(1).complete(2);

        assertThat(reads).hasSize(2);
        waiting.forEach(caller -> caller.assertItem(2));
        fresh.get().subscribe().withSubscriber(UniAssertSubscriber.create());
        assertThat(reads).as("a call after the reads are done starts one at once").hasSize(3);
    }

    @Test
    void aFailedReadFailsItsCallersOnlyAndTheNextCallReadsAgain() {
        UniAssertSubscriber<Integer> failed = fresh.get().subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<Integer> next = fresh.get().subscribe().withSubscriber(UniAssertSubscriber.create());
        reads.get(0).completeExceptionally(new IllegalStateException("redis down"));

        failed.assertFailedWith(IllegalStateException.class, "redis down");
        next.assertNotTerminated();
        reads.get(1).complete(7);
        next.awaitItem(Duration.ofSeconds(1)).assertItem(7);
    }
}
