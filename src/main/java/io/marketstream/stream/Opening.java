package io.marketstream.stream;

import java.util.List;

import io.marketstream.event.EventId;

/**
 * What a stream sends before it goes live, and where the client stood.
 *
 * @param frames the opening frames: retry and cursor, then any reset, snapshot and replayed events
 * @param resumedAt the cursor after the opening, when the client resumed (null for a fresh stream)
 */
record Opening(List<byte[]> frames, EventId resumedAt) {

    Opening {
        frames = List.copyOf(frames);
    }
}
