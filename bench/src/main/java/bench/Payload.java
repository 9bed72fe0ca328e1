package bench;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The event both servers carry: the JSON of a price tick as market-stream emits it (symbol, price, currency, bid,
 * ask, volume, ts), about 150 bytes. market-stream re-encodes records and drops unknown fields, so the channel's
 * sequence number travels in {@code volume} and the publish instant, in microseconds, in {@code ts}; nchan is given
 * the very same text.
 */
final class Payload {

    private static final byte[] VOLUME = "\"volume\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TS = "\"ts\":\"".getBytes(StandardCharsets.US_ASCII);

    private long cachedSecond = Long.MIN_VALUE;
    private String cachedPrefix;

    /** A tick of {@code symbol} with sequence {@code seq}, stamped with {@code micros} (epoch). */
    byte[] tick(String symbol, long seq, long micros) {
        long cents = 1_000_000 + (seq * 7919) % 1_000_000;
        StringBuilder b = new StringBuilder(160);
        b.append("{\"symbol\":\"").append(symbol).append("\",\"price\":");
        decimal(b, cents);
        b.append(",\"currency\":\"USD\",\"bid\":");
        decimal(b, cents - 11);
        b.append(",\"ask\":");
        decimal(b, cents + 13);
        b.append(",\"volume\":").append(seq).append(",\"ts\":\"");
        iso(b, micros);
        b.append("\"}");
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void decimal(StringBuilder b, long tenThousandths) {
        b.append(tenThousandths / 10_000).append('.');
        String frac = Long.toString(10_000 + tenThousandths % 10_000).substring(1);
        int end = frac.length();
        while (end > 1 && frac.charAt(end - 1) == '0') {
            end--;
        }
        b.append(frac, 0, end);
    }

    private void iso(StringBuilder b, long micros) {
        long second = Math.floorDiv(micros, 1_000_000L);
        if (second != cachedSecond) {
            cachedSecond = second;
            cachedPrefix = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC).toString();
            if (cachedPrefix.length() == 16) {
                cachedPrefix += ":00";
            }
        }
        b.append(cachedPrefix).append('.');
        String frac = Long.toString(1_000_000 + Math.floorMod(micros, 1_000_000L)).substring(1);
        b.append(frac).append('Z');
    }

    /** The sequence number in a data line, or -1. */
    static long seq(byte[] line, int from, int to) {
        int i = indexOf(line, from, to, VOLUME);
        if (i < 0) {
            return -1;
        }
        i += VOLUME.length;
        long v = 0;
        int start = i;
        while (i < to && line[i] >= '0' && line[i] <= '9') {
            v = v * 10 + (line[i++] - '0');
        }
        return i == start ? -1 : v;
    }

    /** The epoch microseconds of the {@code ts} field (ISO-8601, UTC, 0 to 9 fraction digits), or -1. */
    static long tsMicros(byte[] line, int from, int to) {
        int i = indexOf(line, from, to, TS);
        if (i < 0) {
            return -1;
        }
        i += TS.length;
        if (i + 20 > to) {
            return -1;
        }
        int year = num(line, i, 4);
        int month = num(line, i + 5, 2);
        int day = num(line, i + 8, 2);
        int hour = num(line, i + 11, 2);
        int minute = num(line, i + 14, 2);
        int second = num(line, i + 17, 2);
        i += 19;
        long micros = 0;
        int digits = 0;
        if (i < to && line[i] == '.') {
            i++;
            while (i < to && line[i] >= '0' && line[i] <= '9') {
                if (digits < 6) {
                    micros = micros * 10 + (line[i] - '0');
                }
                digits++;
                i++;
            }
        }
        for (int d = Math.min(digits, 6); d < 6; d++) {
            micros *= 10;
        }
        long epochDay = daysFromCivil(year, month, day);
        return ((epochDay * 86400 + hour * 3600L + minute * 60L + second) * 1_000_000L) + micros;
    }

    private static int num(byte[] b, int at, int len) {
        int v = 0;
        for (int k = 0; k < len; k++) {
            v = v * 10 + (b[at + k] - '0');
        }
        return v;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
    private static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    static int indexOf(byte[] hay, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
