package io.marketstream.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The contract on history kept in this process's memory; lost with the process, so a loss is a new store. */
class MemoryReplayStoreTest extends ReplayStoreContract {

    private int maxEvents;
    private Duration maxAge;

    @Override
    protected ReplayStore newStore(int maxEvents, Duration maxAge) {
        this.maxEvents = maxEvents;
        this.maxAge = maxAge;
        return new MemoryReplayStore(maxEvents, maxAge.toMillis(), System::currentTimeMillis);
    }

    @Override
    protected ReplayStore loseEverything(ReplayStore store) {
        return new MemoryReplayStore(maxEvents, maxAge.toMillis(), System::currentTimeMillis);
    }

    @Test
    void anEventOlderThanTheMaxAgeIsTrimmedOnReadAlone() {
        Duration maxAge = Duration.ofMillis(300);
        ReplayStore store = newStore(ROOMY, maxAge);
        append(store, price(0, 4, "AAPL"));
        long writtenAt = read(store, AAPL).events().get(0).writtenAt();

        awaitOlderThan(writtenAt, maxAge);

        ChannelHistory history = read(store, AAPL);
        assertThat(history.events()).isEmpty();
        assertThat(history.floors()).isEqualTo(Map.of(PRICES_0, 5L));
    }

    /** With a clock of its own the store can be taken to any moment: the age bound is exact to the millisecond. */
    @Test
    void theAgeBoundIsExactOnTheStoresClock() {
        long[] now = {1_000_000};
        ReplayStore store = new MemoryReplayStore(ROOMY, 1_000, () -> now[0]);
        append(store, price(0, 1, "AAPL"));
        now[0] += 1_000;
        append(store, price(0, 2, "AAPL"));
        assertThat(read(store, AAPL).events()).as("exactly a max age old: kept")
                .extracting(StoredEvent::offset).containsExactly(1L, 2L);

        now[0] += 1;
        assertThat(read(store, AAPL).events()).extracting(StoredEvent::offset).containsExactly(2L);
        assertThat(read(store, AAPL).events().get(0).writtenAt()).isEqualTo(1_001_000);
        assertThat(read(store, AAPL).floor(PRICES_0)).isEqualTo(2);
    }

    @Test
    void agedOnTheStoresClockIsTheNewestCheckpointAtLeastAMaxAgeOld() {
        long[] now = {5_000_000};
        ReplayStore store = new MemoryReplayStore(ROOMY, 1_000, () -> now[0]);
        for (long position : List.of(10L, 20L, 30L)) {
            join(store.checkpoint(Map.of(PRICES_0, position)));
            now[0] += 400;
        }
        // checkpoints at 0, 400 and 800 ms; now 1200 ms: the one at 0 is the newest a max age (1000 ms) old
        assertThat(progress(store).aged(PRICES_0)).isEqualTo(10);
        now[0] += 200;
        assertThat(progress(store).aged(PRICES_0)).isEqualTo(20);
        now[0] += 399;
        assertThat(progress(store).aged(PRICES_0)).isEqualTo(20);
        now[0] += 1;
        assertThat(progress(store).aged(PRICES_0)).isEqualTo(30);
    }
}
