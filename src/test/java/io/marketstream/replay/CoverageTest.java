package io.marketstream.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.marketstream.event.EventId;
import io.marketstream.event.MarketEvent.Topic;
import io.marketstream.event.Partition;

/** When history covers what a resuming client missed, and which reset it gets when it does not. */
class CoverageTest {

    private static final Partition P0 = new Partition(Topic.PRICES, 0);
    private static final ChannelHistory NO_FLOOR = new ChannelHistory(List.of(), Map.of());

    @Test
    void clientAtOrAheadOfThisPodNeedsNoHistory() {
        assertThat(gap(10, 10, progress(0, 5, 0), NO_FLOOR)).isNull();
        assertThat(gap(12, 10, progress(0, 5, 0), NO_FLOOR)).isNull();
    }

    @Test
    void historyThatCoversTheGapReplaysIt() {
        assertThat(gap(4, 10, progress(0, 10, 0), NO_FLOOR)).isNull();
    }

    @Test
    void writerBehindThisPodIsHistoryBehind() {
        assertThat(gap(4, 10, progress(0, 9, 0), NO_FLOOR)).isEqualTo(ResetReason.HISTORY_BEHIND);
    }

    @Test
    void coverageLostOrStartedAfterTheIdIsHistoryLost() {
        Progress lost = new Progress(Map.of(), Map.of(P0, 10L), Map.of());
        assertThat(gap(4, 10, lost, NO_FLOOR)).isEqualTo(ResetReason.HISTORY_LOST);
        assertThat(gap(4, 10, progress(5, 10, 0), NO_FLOOR)).isEqualTo(ResetReason.HISTORY_LOST);
    }

    @Test
    void eventsTrimmedByCountOrAgeAfterTheIdAreTooOld() {
        ChannelHistory trimmed = new ChannelHistory(List.of(), Map.of(P0, 6L));
        assertThat(gap(4, 10, progress(0, 10, 0), trimmed)).isEqualTo(ResetReason.TOO_OLD);
        assertThat(gap(4, 10, progress(0, 10, 5), NO_FLOOR)).isEqualTo(ResetReason.TOO_OLD);
        assertThat(gap(6, 10, progress(0, 10, 0), trimmed)).isNull();
    }

    @Test
    void unknownPositionsCannotBeResumedExactly() {
        EventId unknownHere = new EventId("ms1", new long[] { EventId.UNKNOWN }, new long[0]);
        assertThat(Coverage.gap(P0, id(4), unknownHere, progress(0, 10, 0), progress(0, 10, 0), NO_FLOOR))
                .isEqualTo(ResetReason.HISTORY_BEHIND);
        EventId unknownClient = new EventId("ms1", new long[] { EventId.UNKNOWN }, new long[0]);
        assertThat(Coverage.gap(P0, unknownClient, id(10), progress(0, 10, 0), progress(0, 10, 0), NO_FLOOR))
                .isEqualTo(ResetReason.TOO_OLD);
    }

    private static ResetReason gap(long client, long here, Progress progress, ChannelHistory history) {
        return Coverage.gap(P0, id(client), id(here), progress, progress, history);
    }

    private static EventId id(long position) {
        return new EventId("ms1", new long[] { position }, new long[0]);
    }

    private static Progress progress(long coverage, long written, long aged) {
        return new Progress(Map.of(P0, coverage), Map.of(P0, written), Map.of(P0, aged));
    }
}
