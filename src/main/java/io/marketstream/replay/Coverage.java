package io.marketstream.replay;

import java.util.Optional;

import io.marketstream.event.EventId;
import io.marketstream.event.Partition;

/** Decides whether history covers what a resuming client missed of one channel in one partition. */
public final class Coverage {

    private Coverage() {
    }

    /**
     * Why the channel's events of this partition after the client's id cannot be replayed exactly, or null when they
     * can.
     *
     * @param from the client's id
     * @param live this pod's cursor when the stream registered: live delivery starts there
     * @param writer the history writer's progress once the resume waited for it
     * @param progress the history's progress read after the channel's history, so a loss during the read shows
     */
    public static ResetReason gap(Partition partition, EventId from, EventId live, Progress writer,
            Progress progress, ChannelHistory history) {
        long client = from.position(partition);
        long here = live.position(partition);
        if (client == EventId.UNKNOWN) {
            return ResetReason.TOO_OLD;
        }
        if (here == EventId.UNKNOWN || client < here && writer.written(partition) < here) {
            return ResetReason.HISTORY_BEHIND;
        }
        if (client >= here) {
            return null;
        }
        Optional<Long> coverage = progress.coverage(partition);
        if (coverage.isEmpty() || coverage.get() > client) {
            return ResetReason.HISTORY_LOST;
        }
        if (Math.max(history.floor(partition), progress.aged(partition)) > client) {
            return ResetReason.TOO_OLD;
        }
        return null;
    }
}
