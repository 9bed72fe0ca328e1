package io.marketstream.replay;

/** Why a stream could not resume exactly and starts over with a snapshot. Sent in the {@code reset} event. */
public enum ResetReason {
    /** The id is not an id of this service. */
    MALFORMED_ID("malformed-id"),
    /** The id is from another deployment (other topics or another Kafka cluster). */
    OTHER_DEPLOYMENT("other-deployment"),
    /** The id is older than what history still holds of the channel (trimmed by count or age). */
    TOO_OLD("too-old"),
    /** History no longer covers the id: the store was emptied (flushed, restarted) since. */
    HISTORY_LOST("history-lost"),
    /** The history store cannot be reached. */
    HISTORY_UNAVAILABLE("history-unavailable"),
    /** The history writer is too far behind this pod to fill the gap in time. */
    HISTORY_BEHIND("history-behind");

    private final String code;

    ResetReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
