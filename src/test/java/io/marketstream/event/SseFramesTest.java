package io.marketstream.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SseFramesTest {

    private static String text(byte[] frame) {
        return new String(frame, StandardCharsets.UTF_8);
    }

    @Test
    void writesAnEventAsIdEventAndOneDataLine() {
        byte[] frame = SseFrames.event("ms1:120,98:14", "price", "{\"symbol\":\"AAPL\",\"price\":189.12}");

        assertThat(text(frame))
                .isEqualTo("id: ms1:120,98:14\nevent: price\ndata: {\"symbol\":\"AAPL\",\"price\":189.12}\n\n");
    }

    @Test
    void encodesTheFrameAsUtf8() {
        byte[] frame = SseFrames.event("ms1::", "news", "{\"headline\":\"caf\u00e9 \u20ac\"}");

        assertThat(frame).isEqualTo("id: ms1::\nevent: news\ndata: {\"headline\":\"caf\u00e9 \u20ac\"}\n\n"
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsUnicodeLineSeparatorsInData() {
        // SSE ends lines only at CR and LF; U+2028 and U+2029 are ordinary characters to it.
        assertThat(text(SseFrames.event("1", "news", "{\"h\":\"a\u2028b\u2029c\"}")))
                .isEqualTo("id: 1\nevent: news\ndata: {\"h\":\"a\u2028b\u2029c\"}\n\n");
    }

    @Test
    void opensAStreamWithTheRetryDelayAndTheStartingCursor() {
        assertThat(text(SseFrames.opening(Duration.ofSeconds(3), "ms1:120,,133:")))
                .isEqualTo("retry: 3000\nid: ms1:120,,133:\n\n");
        assertThat(text(SseFrames.opening(Duration.ofMillis(250), "ms1::")))
                .isEqualTo("retry: 250\nid: ms1::\n\n");
    }

    @ParameterizedTest
    @ValueSource(strings = { "\r", "\n", "\r\n", "\0" })
    void rejectsAnIdWithCrLfOrNul(String bad) {
        assertThatIllegalArgumentException().isThrownBy(() -> SseFrames.event("ms1:1" + bad + "data: x", "price", "{}"))
                .withMessageContaining("id");
        assertThatIllegalArgumentException().isThrownBy(() -> SseFrames.opening(Duration.ofSeconds(1), bad + "ms1"))
                .withMessageContaining("id");
    }

    @ParameterizedTest
    @ValueSource(strings = { "\r", "\n", "\r\n", "\0" })
    void rejectsAnEventNameWithCrLfOrNul(String bad) {
        assertThatIllegalArgumentException().isThrownBy(() -> SseFrames.event("ms1:1:2", "price" + bad, "{}"))
                .withMessageContaining("event");
    }

    @ParameterizedTest
    @ValueSource(strings = { "\r", "\n", "\r\n", "\0" })
    void rejectsDataWithCrLfOrNul(String bad) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SseFrames.event("ms1:1:2", "price", "{\"a\":1}" + bad + "event: forged"))
                .withMessageContaining("data");
    }

    @Test
    void sendsTheHeartbeatAsACommentFrame() {
        assertThat(text(SseFrames.heartbeat())).isEqualTo(":\n\n");
    }
}
