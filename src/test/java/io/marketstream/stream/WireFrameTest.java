package io.marketstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class WireFrameTest {

    @Test
    void chunkIsHexSizeLineThenFrameThenCrlf() {
        byte[] frame = "id: x\nevent: price\ndata: {}\n\n".getBytes(StandardCharsets.UTF_8);

        String chunk = new String(WireFrame.of(frame).chunk(), StandardCharsets.UTF_8);

        assertThat(chunk).isEqualTo("1d\r\nid: x\nevent: price\ndata: {}\n\n\r\n");
    }

    @Test
    void chunkSizeCountsBytesNotCharacters() {
        byte[] frame = "data: \u20ac\n\n".getBytes(StandardCharsets.UTF_8);

        byte[] chunk = WireFrame.of(frame).chunk();

        assertThat(new String(chunk, 0, 3, StandardCharsets.US_ASCII)).isEqualTo("b\r\n");
        assertThat(chunk).hasSize(3 + 11 + 2);
    }
}
