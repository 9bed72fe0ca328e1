package io.marketstream.replay;

import java.util.Map;
import java.util.Optional;

import io.marketstream.event.Partition;

/**
 * How far history reaches, per partition.
 *
 * @param coverage the position from which history is complete (absent: history has been lost, or never began)
 * @param written the position up to which the history writer has handled every record
 * @param aged the position below which events may have expired by age
 */
public record Progress(Map<Partition, Long> coverage, Map<Partition, Long> written, Map<Partition, Long> aged) {

    public Progress {
        coverage = Map.copyOf(coverage);
        written = Map.copyOf(written);
        aged = Map.copyOf(aged);
    }

    public Optional<Long> coverage(Partition partition) {
        return Optional.ofNullable(coverage.get(partition));
    }

    public long written(Partition partition) {
        return written.getOrDefault(partition, -1L);
    }

    public long aged(Partition partition) {
        return aged.getOrDefault(partition, 0L);
    }
}
