package io.marketstream.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import io.marketstream.event.Channel;
import io.marketstream.event.MarketEvent;
import io.marketstream.event.MarketEvent.Topic;
import io.marketstream.event.Partition;
import io.smallrye.mutiny.Uni;

/**
 * What every {@link ReplayStore} must do, run against each implementation. Each test works on stores of its own
 * ({@link #newStore} gives each one its own key prefix where keys are shared).
 */
abstract class ReplayStoreContract {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final int ROOMY = 1_000;
    static final Duration AN_HOUR = Duration.ofHours(1);

    static final Partition PRICES_0 = new Partition(Topic.PRICES, 0);
    static final Partition PRICES_1 = new Partition(Topic.PRICES, 1);
    static final Partition NEWS_0 = new Partition(Topic.NEWS, 0);

    static final Channel AAPL = Channel.prices("AAPL");
    static final Channel MSFT = Channel.prices("MSFT");
    static final Channel NEWS_AAPL = Channel.news("AAPL");
    static final Channel NEWS_MSFT = Channel.news("MSFT");
    static final Channel NEWS_TSLA = Channel.news("TSLA");

    /** A new, empty store of its own, with these bounds per channel. */
    protected abstract ReplayStore newStore(int maxEvents, Duration maxAge);

    /**
     * Empties the store as a flushed or restarted Redis (or a restarted process, for memory) would, and returns the
     * store to go on with: the same one where the data lives elsewhere, a new one where it lived inside it.
     */
    protected abstract ReplayStore loseEverything(ReplayStore store);

    // --- append and read

    @Test
    void readReturnsAChannelsEventsOldestFirstWithPartitionOffsetAndDataIntact() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        long before = System.currentTimeMillis();
        append(store, price(0, 10, "AAPL"), price(0, 11, "AAPL"), price(0, 12, "MSFT"), price(1, 5, "AAPL"));
        long after = System.currentTimeMillis();

        ChannelHistory history = read(store, AAPL);

        assertThat(history.events()).extracting(StoredEvent::partition, StoredEvent::offset, StoredEvent::json)
                .containsExactly(
                        tuple(PRICES_0, 10L, priceJson(0, 10, "AAPL")),
                        tuple(PRICES_0, 11L, priceJson(0, 11, "AAPL")),
                        tuple(PRICES_1, 5L, priceJson(1, 5, "AAPL")));
        assertThat(history.events()).allSatisfy(event -> assertThat(event.writtenAt())
                .as("written at, in epoch ms").isBetween(before - 1_000, after + 1_000));
        assertThat(history.events()).extracting(StoredEvent::writtenAt).isSorted();
        assertThat(history.floors()).as("nothing trimmed yet").isEmpty();
        assertThat(history.floor(PRICES_0)).isZero();
    }

    @Test
    void readKeepsDataWithQuotesUnicodeAndNewlineEscapesAsIs() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        String json = "{\"headline\":\"Apple \\\"beats\\\" — 5% ↑\\nmore\",\"symbols\":[\"AAPL\"],\"empty\":\"\"}";
        append(store, new MarketEvent(Topic.NEWS, 0, 3, List.of(Channel.ALL_NEWS), json, null));

        assertThat(read(store, Channel.ALL_NEWS).events()).extracting(StoredEvent::json).containsExactly(json);
    }

    @Test
    void readFromPositionsReturnsOnlyEventsAtOrAfterThemPerPartition() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        append(store, price(0, 10, "AAPL"), price(1, 5, "AAPL"), price(0, 11, "AAPL"), price(1, 6, "AAPL"),
                price(0, 12, "AAPL"));

        assertThat(offsets(store.read(AAPL, Map.of(PRICES_0, 11L, PRICES_1, 7L))))
                .containsExactly(at(PRICES_0, 11), at(PRICES_0, 12));
        assertThat(offsets(store.read(AAPL, Map.of(PRICES_0, 12L))))
                .as("a partition absent from the positions is read from 0")
                .containsExactly(at(PRICES_1, 5), at(PRICES_1, 6), at(PRICES_0, 12));
        assertThat(offsets(store.read(AAPL, Map.of(PRICES_0, 13L, PRICES_1, 100L)))).isEmpty();
        assertThat(offsets(store.read(AAPL, Map.of(NEWS_0, 1_000L))))
                .as("positions of another topic's partition do not matter").hasSize(5);
    }

    @Test
    void otherChannelsAreUnaffected() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        append(store, price(0, 10, "AAPL"), price(0, 11, "AAPL"));

        ChannelHistory msft = read(store, MSFT);
        assertThat(msft.events()).isEmpty();
        assertThat(msft.floors()).isEmpty();
        assertThat(read(store, Channel.ALL_NEWS).events()).isEmpty();
        assertThat(read(store, NEWS_AAPL).events()).as("news of AAPL is not prices of AAPL").isEmpty();
        assertThat(read(store, AAPL).events()).hasSize(2);
    }

    @Test
    void aNewsEventIsInTheAllNewsChannelAndInTheChannelOfEachTaggedSymbol() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        append(store, news(0, 3, "AAPL", "MSFT"), news(0, 4, "MSFT"));

        assertThat(offsets(read(store, Channel.ALL_NEWS))).containsExactly(at(NEWS_0, 3), at(NEWS_0, 4));
        assertThat(offsets(read(store, NEWS_AAPL))).containsExactly(at(NEWS_0, 3));
        assertThat(offsets(read(store, NEWS_MSFT))).containsExactly(at(NEWS_0, 3), at(NEWS_0, 4));
        assertThat(read(store, NEWS_TSLA).events()).isEmpty();
        assertThat(read(store, NEWS_AAPL).events().get(0).json()).isEqualTo(newsJson(0, 3, "AAPL", "MSFT"));
    }

    @Test
    void readReturnsEveryEventOfAHistoryLongerThanOnePageOfReads() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        append(store, LongStream.range(0, 250).mapToObj(offset -> price((int) offset % 2, offset, "AAPL"))
                .toArray(MarketEvent[]::new));

        List<StoredEvent> all = read(store, AAPL).events();
        assertThat(all).extracting(StoredEvent::offset).containsExactlyElementsOf(LongStream.range(0, 250).boxed()
                .toList());
        assertThat(store.read(AAPL, Map.of(PRICES_0, 200L, PRICES_1, 1L)).await().atMost(WAIT).events())
                .extracting(StoredEvent::offset)
                .as("every odd offset (partition 1) from 1, even ones (partition 0) from 200")
                .containsExactlyElementsOf(LongStream.range(1, 250).filter(o -> o % 2 == 1 || o >= 200).boxed()
                        .toList());
    }

    @Test
    void readFindsAnOlderEventOfAnotherPartitionBehindManyItDoesNotNeed() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        // Partition 1's event was written first: pods are not in step, so it is older in history than all of
        // partition 0's, yet after the client's position in partition 1.
        List<MarketEvent> events = new ArrayList<>();
        events.add(price(1, 50, "AAPL"));
        LongStream.range(0, 300).forEach(offset -> events.add(price(0, offset, "AAPL")));
        join(store.append(events));

        List<At> expected = new ArrayList<>(List.of(at(PRICES_1, 50)));
        LongStream.range(290, 300).forEach(offset -> expected.add(at(PRICES_0, offset)));

        assertThat(offsets(store.read(AAPL, Map.of(PRICES_0, 290L, PRICES_1, 50L))))
                .containsExactlyElementsOf(expected);
        assertThat(offsets(store.read(AAPL, Map.of(PRICES_0, 290L, PRICES_1, 51L))))
                .containsExactlyElementsOf(LongStream.range(290, 300).mapToObj(o -> at(PRICES_0, o)).toList());
        assertThat(offsets(store.read(AAPL, Map.of(PRICES_0, 300L, PRICES_1, 51L)))).isEmpty();
    }

    // --- idempotence

    @Test
    void aRedeliveredRecordIsStoredOnce() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        append(store, news(0, 7, "AAPL"), price(0, 8, "AAPL"));
        append(store, news(0, 7, "AAPL"), price(0, 8, "AAPL"));

        assertThat(offsets(read(store, Channel.ALL_NEWS))).containsExactly(at(NEWS_0, 7));
        assertThat(offsets(read(store, NEWS_AAPL))).containsExactly(at(NEWS_0, 7));
        assertThat(offsets(read(store, AAPL))).containsExactly(at(PRICES_0, 8));
    }

    @Test
    void anOlderOffsetAppendedAfterANewerOneOfTheSamePartitionIsSkipped() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        append(store, price(0, 10, "AAPL"), price(0, 9, "AAPL"), price(1, 9, "AAPL"), price(0, 11, "AAPL"));

        assertThat(offsets(read(store, AAPL)))
                .as("offset 9 of partition 0 skipped; offset 9 of partition 1 is another record")
                .containsExactly(at(PRICES_0, 10), at(PRICES_1, 9), at(PRICES_0, 11));
    }

    @Test
    void aRecordAlreadyInOneChannelIsStillAppendedToAChannelThatLacksIt() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        append(store, news(0, 5));
        append(store, news(0, 5, "AAPL"));

        assertThat(offsets(read(store, Channel.ALL_NEWS))).containsExactly(at(NEWS_0, 5));
        assertThat(offsets(read(store, NEWS_AAPL))).containsExactly(at(NEWS_0, 5));
    }

    // --- batches: the history writer appends the events of a poll in one call

    @Test
    void aBatchStoresWhatItsEventsStoreOneByOne() {
        List<MarketEvent> events = List.of(price(0, 10, "AAPL"), news(0, 3, "AAPL", "MSFT"), price(1, 20, "AAPL"),
                price(0, 11, "MSFT"), price(0, 9, "AAPL"), price(0, 12, "AAPL"), price(0, 13, "AAPL"),
                price(1, 21, "AAPL"), news(0, 4, "MSFT"), price(0, 14, "AAPL"), news(0, 4, "MSFT"));
        ReplayStore oneByOne = newStore(3, AN_HOUR);
        append(oneByOne, events.toArray(MarketEvent[]::new));
        ReplayStore batched = newStore(3, AN_HOUR);
        join(batched.append(events));

        for (Channel channel : List.of(AAPL, MSFT, Channel.ALL_NEWS, NEWS_AAPL, NEWS_MSFT)) {
            ChannelHistory expected = read(oneByOne, channel);
            ChannelHistory actual = read(batched, channel);
            assertThat(actual.events()).as(channel.name())
                    .extracting(StoredEvent::partition, StoredEvent::offset, StoredEvent::json)
                    .containsExactlyElementsOf(expected.events().stream()
                            .map(e -> tuple(e.partition(), e.offset(), e.json())).toList());
            assertThat(actual.floors()).as(channel.name()).isEqualTo(expected.floors());
        }
        assertThat(offsets(read(batched, AAPL))).as("trimmed to the newest 3; offset 9 after 10 skipped")
                .containsExactly(at(PRICES_0, 13), at(PRICES_1, 21), at(PRICES_0, 14));
        assertThat(read(batched, AAPL).floors()).isEqualTo(Map.of(PRICES_0, 13L, PRICES_1, 21L));
        assertThat(offsets(read(batched, NEWS_MSFT))).as("the repeated news event once")
                .containsExactly(at(NEWS_0, 3), at(NEWS_0, 4));
    }

    @Test
    void aBatchCalledAgainAfterPartOfItWasStoredIsCompletedWithoutDuplicates() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        List<MarketEvent> batch = List.of(price(0, 1, "AAPL"), price(0, 2, "MSFT"), news(0, 7, "AAPL"),
                price(0, 3, "AAPL"), price(0, 4, "MSFT"));
        append(store, batch.get(0), batch.get(1), batch.get(2));

        join(store.append(batch));
        join(store.append(batch));

        assertThat(offsets(read(store, AAPL))).containsExactly(at(PRICES_0, 1), at(PRICES_0, 3));
        assertThat(offsets(read(store, MSFT))).containsExactly(at(PRICES_0, 2), at(PRICES_0, 4));
        assertThat(offsets(read(store, NEWS_AAPL))).containsExactly(at(NEWS_0, 7));
        assertThat(offsets(read(store, Channel.ALL_NEWS))).containsExactly(at(NEWS_0, 7));
    }

    @Test
    void anEmptyBatchStoresNothing() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        join(store.append(List.of()));

        assertThat(read(store, AAPL).events()).isEmpty();
        assertThat(read(store, Channel.ALL_NEWS).events()).isEmpty();
    }

    // --- bounds

    @Test
    void theCountBoundKeepsTheNewestEventsAndRaisesTheFloorAboveTheTrimmedOnes() {
        ReplayStore store = newStore(3, AN_HOUR);
        append(store, price(0, 100, "AAPL"), price(0, 101, "AAPL"), price(0, 102, "AAPL"), price(0, 103, "AAPL"),
                price(0, 104, "AAPL"));

        ChannelHistory history = read(store, AAPL);
        assertThat(history.events()).extracting(StoredEvent::offset).containsExactly(102L, 103L, 104L);
        assertThat(history.floor(PRICES_0)).as("offset of the 2nd event + 1").isEqualTo(102);
        assertThat(history.floor(PRICES_1)).isZero();
        assertThat(read(store, MSFT).floors()).as("the bound is per channel").isEmpty();
    }

    @Test
    void theCountBoundIsPerChannel() {
        ReplayStore store = newStore(2, AN_HOUR);
        append(store, price(0, 1, "AAPL"), price(0, 2, "AAPL"), price(0, 3, "MSFT"), price(0, 4, "MSFT"),
                price(0, 5, "MSFT"));

        assertThat(read(store, AAPL).events()).extracting(StoredEvent::offset).containsExactly(1L, 2L);
        assertThat(read(store, AAPL).floors()).isEmpty();
        assertThat(read(store, MSFT).events()).extracting(StoredEvent::offset).containsExactly(4L, 5L);
        assertThat(read(store, MSFT).floor(PRICES_0)).isEqualTo(4);
    }

    @Test
    void floorsArePerPartition() {
        ReplayStore store = newStore(3, AN_HOUR);
        append(store, price(0, 10, "AAPL"), price(1, 20, "AAPL"), price(0, 11, "AAPL"), price(1, 21, "AAPL"));

        ChannelHistory afterFirstTrim = read(store, AAPL);
        assertThat(offsets(afterFirstTrim)).containsExactly(at(PRICES_1, 20), at(PRICES_0, 11), at(PRICES_1, 21));
        assertThat(afterFirstTrim.floors()).isEqualTo(Map.of(PRICES_0, 11L));

        append(store, price(0, 12, "AAPL"));

        ChannelHistory afterSecondTrim = read(store, AAPL);
        assertThat(offsets(afterSecondTrim)).containsExactly(at(PRICES_0, 11), at(PRICES_1, 21), at(PRICES_0, 12));
        assertThat(afterSecondTrim.floors()).isEqualTo(Map.of(PRICES_0, 11L, PRICES_1, 21L));
    }

    @Test
    void offsetsBeyondTheIntRangeKeepEveryDigitInEventsAndFloors() {
        long base = 3_000_000_000_123L;
        ReplayStore store = newStore(2, AN_HOUR);
        append(store, price(0, base, "AAPL"), price(0, base + 1, "AAPL"), price(0, base + 2, "AAPL"));
        join(store.begin(PRICES_0, base));
        join(store.checkpoint(Map.of(PRICES_0, base + 3)));

        ChannelHistory history = read(store, AAPL);
        assertThat(history.events()).extracting(StoredEvent::offset).containsExactly(base + 1, base + 2);
        assertThat(history.floor(PRICES_0)).isEqualTo(base + 1);
        assertThat(progress(store).coverage(PRICES_0)).contains(base);
        assertThat(progress(store).written(PRICES_0)).isEqualTo(base + 3);
        append(store, price(0, base + 1, "AAPL"));
        assertThat(read(store, AAPL).events()).as("an old offset is still recognised").hasSize(2);
    }

    @Test
    void readFromAPositionReportsTheFloorsOfTheWholeChannel() {
        ReplayStore store = newStore(2, AN_HOUR);
        append(store, price(0, 1, "AAPL"), price(0, 2, "AAPL"), price(0, 3, "AAPL"));

        ChannelHistory history = store.read(AAPL, Map.of(PRICES_0, 3L)).await().atMost(WAIT);
        assertThat(history.events()).extracting(StoredEvent::offset).containsExactly(3L);
        assertThat(history.floor(PRICES_0)).isEqualTo(2);
    }

    @Test
    void theAgeBoundTrimsAnEventOlderThanTheMaxAgeOnALaterAppendAndRaisesTheFloor() {
        Duration maxAge = Duration.ofMillis(300);
        ReplayStore store = newStore(ROOMY, maxAge);
        append(store, price(0, 1, "AAPL"), price(1, 7, "AAPL"));
        List<StoredEvent> young = read(store, AAPL).events();
        assertThat(young).as("younger than the max age: kept").hasSize(2);

        awaitOlderThan(young.get(1).writtenAt(), maxAge);
        append(store, price(0, 2, "AAPL"));

        ChannelHistory history = read(store, AAPL);
        assertThat(offsets(history)).containsExactly(at(PRICES_0, 2));
        assertThat(history.floors()).isEqualTo(Map.of(PRICES_0, 2L, PRICES_1, 8L));
    }

    @Test
    void theAgeBoundKeepsEventsYoungerThanTheMaxAge() {
        // Long enough that a pause of this busy machine between the last append and the read cannot reach it.
        Duration maxAge = Duration.ofMillis(2000);
        ReplayStore store = newStore(ROOMY, maxAge);
        append(store, price(0, 1, "AAPL"));
        long firstAt = read(store, AAPL).events().get(0).writtenAt();

        awaitOlderThan(firstAt, maxAge.dividedBy(2));
        append(store, price(0, 2, "AAPL"));
        long secondAt = read(store, AAPL).events().get(1).writtenAt();
        awaitOlderThan(firstAt, maxAge);
        append(store, price(0, 3, "AAPL"));

        ChannelHistory history = read(store, AAPL);
        assertThat(System.currentTimeMillis() - secondAt).as("precondition: the machine did not stall")
                .isLessThan(maxAge.toMillis());
        assertThat(history.events()).extracting(StoredEvent::offset).containsExactly(2L, 3L);
        assertThat(history.floor(PRICES_0)).isEqualTo(2);
    }

    // --- coverage, written, checkpoints

    @Test
    void beginClaimsCoverageOnceAndTheFirstClaimStands() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        assertThat(progress(store).coverage(PRICES_0)).isEmpty();

        join(store.begin(PRICES_0, 10));
        join(store.begin(PRICES_0, 5));
        join(store.begin(PRICES_0, 20));
        join(store.begin(NEWS_0, 0));

        Progress progress = progress(store);
        assertThat(progress.coverage(PRICES_0)).contains(10L);
        assertThat(progress.coverage(NEWS_0)).contains(0L);
        assertThat(progress.coverage(PRICES_1)).isEmpty();
        assertThat(progress.coverage()).isEqualTo(Map.of(PRICES_0, 10L, NEWS_0, 0L));
    }

    @Test
    void writtenOnlyEverMovesForward() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        assertThat(progress(store).written(PRICES_0)).as("nothing written").isEqualTo(-1);

        join(store.written(PRICES_0, 10));
        join(store.written(PRICES_0, 7));
        assertThat(progress(store).written(PRICES_0)).isEqualTo(10);

        join(store.written(PRICES_0, 12));
        join(store.written(NEWS_0, 3));
        Progress progress = progress(store);
        assertThat(progress.written()).isEqualTo(Map.of(PRICES_0, 12L, NEWS_0, 3L));
        assertThat(progress.written(PRICES_1)).isEqualTo(-1);
        assertThat(progress.coverage()).as("written does not claim coverage").isEmpty();
    }

    @Test
    void checkpointRaisesWrittenAndClaimsCoverageOnlyWhereItIsAbsent() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        join(store.begin(PRICES_0, 3));
        join(store.written(PRICES_0, 8));

        join(store.checkpoint(Map.of(PRICES_0, 20L, PRICES_1, 7L)));
        Progress progress = progress(store);
        assertThat(progress.coverage()).isEqualTo(Map.of(PRICES_0, 3L, PRICES_1, 7L));
        assertThat(progress.written()).isEqualTo(Map.of(PRICES_0, 20L, PRICES_1, 7L));

        join(store.checkpoint(Map.of(PRICES_0, 15L, PRICES_1, 9L)));
        progress = progress(store);
        assertThat(progress.written()).as("a lower checkpoint does not move written back")
                .isEqualTo(Map.of(PRICES_0, 20L, PRICES_1, 9L));
        assertThat(progress.coverage()).isEqualTo(Map.of(PRICES_0, 3L, PRICES_1, 7L));

        join(store.checkpoint(Map.of()));
        assertThat(progress(store).written()).isEqualTo(Map.of(PRICES_0, 20L, PRICES_1, 9L));
    }

    @Test
    void agedIsTheCheckpointedPositionOneMaxAgeAgo() {
        // Long enough that a pause of this busy machine between the second checkpoint and the read cannot reach it.
        Duration maxAge = Duration.ofMillis(1500);
        ReplayStore store = newStore(ROOMY, maxAge);
        join(store.checkpoint(Map.of(PRICES_0, 50L, NEWS_0, 4L)));
        long checkpointedBy = System.currentTimeMillis();

        Progress young = progress(store);
        assertThat(young.aged(PRICES_0)).as("no checkpoint is a max age old yet").isZero();
        assertThat(young.aged()).isEmpty();

        awaitOlderThan(checkpointedBy, maxAge);
        join(store.checkpoint(Map.of(PRICES_0, 80L, NEWS_0, 6L)));
        long secondBy = System.currentTimeMillis();

        Progress progress = progress(store);
        assertThat(System.currentTimeMillis() - secondBy).as("precondition: the machine did not stall")
                .isLessThan(maxAge.toMillis());
        assertThat(progress.aged()).as("the second checkpoint is not a max age old yet")
                .isEqualTo(Map.of(PRICES_0, 50L, NEWS_0, 4L));
        assertThat(progress.written()).isEqualTo(Map.of(PRICES_0, 80L, NEWS_0, 6L));

        awaitOlderThan(secondBy, maxAge);
        join(store.checkpoint(Map.of(PRICES_0, 90L, NEWS_0, 6L)));
        assertThat(progress(store).aged()).isEqualTo(Map.of(PRICES_0, 80L, NEWS_0, 6L));
    }

    /**
     * After a pause of the writer (every pod down for a while), the last checkpoint before the pause is still the
     * newest position known to be a max age old: everything below it has expired. Forgetting it would tell a
     * resuming client that nothing expired, while the channel's keys (and with them the trim floors) are gone.
     */
    @Test
    void agedStillKnowsTheLastCheckpointAfterAPauseOfSeveralMaxAges() {
        Duration maxAge = Duration.ofMillis(200);
        ReplayStore store = newStore(ROOMY, maxAge);
        join(store.checkpoint(Map.of(PRICES_0, 50L)));
        long checkpointedBy = System.currentTimeMillis();

        awaitOlderThan(checkpointedBy, maxAge.multipliedBy(4));
        join(store.checkpoint(Map.of(PRICES_0, 80L)));

        assertThat(progress(store).aged(PRICES_0)).isEqualTo(50);
    }

    // --- latestBefore

    @Test
    void latestBeforeReturnsTheNewestEventOfTheChannelBelowTheLimitOfItsPartition() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        assertThat(store.latestBefore(AAPL, Map.of()).await().atMost(WAIT)).isEmpty();
        append(store, price(0, 10, "AAPL"), price(1, 20, "AAPL"), price(0, 11, "AAPL"), price(1, 21, "AAPL"),
                price(0, 30, "MSFT"));

        assertThat(latestBefore(store, AAPL, Map.of(PRICES_0, 11L, PRICES_1, 21L))).contains(at(PRICES_1, 20));
        assertThat(latestBefore(store, AAPL, Map.of(PRICES_0, 12L, PRICES_1, 0L))).contains(at(PRICES_0, 11));
        assertThat(latestBefore(store, AAPL, Map.of(PRICES_0, 10L, PRICES_1, 20L))).isEmpty();
        assertThat(latestBefore(store, AAPL, Map.of())).as("no limit where a partition is absent")
                .contains(at(PRICES_1, 21));
        assertThat(latestBefore(store, MSFT, Map.of(PRICES_0, 31L))).contains(at(PRICES_0, 30));
        assertThat(latestBefore(store, NEWS_AAPL, Map.of())).isEmpty();
        assertThat(store.latestBefore(AAPL, Map.of(PRICES_0, 12L, PRICES_1, 0L)).await().atMost(WAIT))
                .get().extracting(StoredEvent::json).isEqualTo(priceJson(0, 11, "AAPL"));
    }

    @Test
    void latestBeforeFindsAnEventBehindManyNewerOnes() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        append(store, LongStream.range(0, 250).mapToObj(offset -> price(0, offset, "AAPL"))
                .toArray(MarketEvent[]::new));

        assertThat(latestBefore(store, AAPL, Map.of(PRICES_0, 200L))).contains(at(PRICES_0, 199));
        assertThat(latestBefore(store, AAPL, Map.of(PRICES_0, 10L))).contains(at(PRICES_0, 9));
    }

    // --- loss

    @Test
    void anEmptiedStoreHasNoCoverageNoProgressAndNoHistory() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        join(store.begin(PRICES_0, 0));
        join(store.begin(NEWS_0, 0));
        append(store, price(0, 0, "AAPL"), news(0, 0, "AAPL"));
        join(store.written(PRICES_0, 1));
        join(store.checkpoint(Map.of(PRICES_0, 1L, NEWS_0, 1L)));

        ReplayStore emptied = loseEverything(store);

        Progress progress = progress(emptied);
        assertThat(progress.coverage(PRICES_0)).isEmpty();
        assertThat(progress.coverage(NEWS_0)).isEmpty();
        assertThat(progress.written(PRICES_0)).isEqualTo(-1);
        assertThat(progress.aged(PRICES_0)).isZero();
        for (Channel channel : List.of(AAPL, Channel.ALL_NEWS, NEWS_AAPL)) {
            ChannelHistory history = read(emptied, channel);
            assertThat(history.events()).as(channel.name()).isEmpty();
            assertThat(history.floors()).as(channel.name()).isEmpty();
            assertThat(latestBefore(emptied, channel, Map.of())).as(channel.name()).isEmpty();
        }
    }

    @Test
    void aCheckpointAfterTheLossReclaimsCoverageFromItsPosition() {
        ReplayStore store = newStore(ROOMY, AN_HOUR);
        join(store.begin(PRICES_0, 0));
        append(store, price(0, 0, "AAPL"), price(0, 1, "AAPL"));
        join(store.checkpoint(Map.of(PRICES_0, 2L)));

        ReplayStore emptied = loseEverything(store);
        join(emptied.begin(PRICES_0, 2)); // the writer carries on where it was: its next record
        append(emptied, price(0, 2, "AAPL"));
        join(emptied.checkpoint(Map.of(PRICES_0, 3L)));

        Progress progress = progress(emptied);
        assertThat(progress.coverage(PRICES_0)).as("history is complete from where the writer went on").contains(2L);
        assertThat(progress.written(PRICES_0)).isEqualTo(3);
        assertThat(offsets(read(emptied, AAPL))).containsExactly(at(PRICES_0, 2));
    }

    // --- helpers

    static MarketEvent price(int partition, long offset, String symbol) {
        return new MarketEvent(Topic.PRICES, partition, offset, List.of(Channel.prices(symbol)),
                priceJson(partition, offset, symbol), symbol);
    }

    static String priceJson(int partition, long offset, String symbol) {
        return "{\"symbol\":\"" + symbol + "\",\"price\":" + (100 + offset) + ".25,\"p\":" + partition + "}";
    }

    static MarketEvent news(int partition, long offset, String... symbols) {
        List<Channel> channels = new ArrayList<>();
        channels.add(Channel.ALL_NEWS);
        for (String symbol : symbols) {
            channels.add(Channel.news(symbol));
        }
        return new MarketEvent(Topic.NEWS, partition, offset, channels, newsJson(partition, offset, symbols), null);
    }

    static String newsJson(int partition, long offset, String... symbols) {
        return "{\"headline\":\"item " + offset + "\",\"symbols\":" + List.of(symbols).stream()
                .map(s -> "\"" + s + "\"").toList() + ",\"p\":" + partition + "}";
    }

    /** An event's place in Kafka, for comparisons that are not about its data. */
    record At(Partition partition, long offset) {
    }

    static At at(Partition partition, long offset) {
        return new At(partition, offset);
    }

    /** Appends the events one call each (the tests of batches call {@code append} with several). */
    static void append(ReplayStore store, MarketEvent... events) {
        for (MarketEvent event : events) {
            join(store.append(List.of(event)));
        }
    }

    static <T> T join(Uni<T> uni) {
        return uni.await().atMost(WAIT);
    }

    static ChannelHistory read(ReplayStore store, Channel channel) {
        return join(store.read(channel, Map.of()));
    }

    static Progress progress(ReplayStore store) {
        return join(store.progress());
    }

    static List<At> offsets(ChannelHistory history) {
        return history.events().stream().map(e -> at(e.partition(), e.offset())).toList();
    }

    static List<At> offsets(Uni<ChannelHistory> history) {
        return offsets(join(history));
    }

    static Optional<At> latestBefore(ReplayStore store, Channel channel, Map<Partition, Long> limit) {
        return join(store.latestBefore(channel, limit)).map(e -> at(e.partition(), e.offset()));
    }

    /** Waits, on the wall clock both stores use, until a moment is more than the given age in the past. */
    static void awaitOlderThan(long epochMillis, Duration age) {
        long margin = 30;
        await().atMost(age.plus(WAIT)).pollInterval(Duration.ofMillis(10))
                .until(() -> System.currentTimeMillis() > epochMillis + age.toMillis() + margin);
    }
}
