package bench;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A plain SVG chart: delivered events/s and p99 latency against connections, one marker per scenario and server; on
 * the latency panel also scenario s1r's median p99 (hollow marker) and the range of its windows (bar), since one
 * window of scenario 1 is not the comparison to believe (bench/README.md).
 */
final class Chart {

    private static final int W = 460, H = 400, LEFT = 70, RIGHT = 20, TOP = 50, BOTTOM = 60;

    private Chart() {
    }

    static String svg(List<ObjectNode> rows, List<ObjectNode> roundMedians) {
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(2 * W).append("\" height=\"").append(H + 50)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        panel(b, rows, List.of(), 0, "deliveredPerSecond", "delivered events/s", false);
        panel(b, rows, roundMedians, W, "p99", "p99 latency, ms (log scale)", true);
        legend(b);
        b.append("</svg>\n");
        return b.toString();
    }

    private static void panel(StringBuilder b, List<ObjectNode> rows, List<ObjectNode> medians, int x0, String key,
            String title, boolean log) {
        double maxX = 22_000;
        for (ObjectNode r : rows) {
            maxX = Math.max(maxX, r.path("connections").asDouble() * 1.1);
        }
        double maxY = 1e-9;
        double minY = Double.MAX_VALUE;
        for (ObjectNode r : rows) {
            maxY = Math.max(maxY, r.path(key).asDouble());
            minY = Math.min(minY, Math.max(0.1, r.path(key).asDouble()));
        }
        for (ObjectNode m : medians) {
            maxY = Math.max(maxY, m.path("p99Max").asDouble());
            minY = Math.min(minY, Math.max(0.1, m.path("p99Min").asDouble()));
        }
        double top = log ? Math.pow(10, Math.ceil(Math.log10(maxY * 1.05))) : nice(maxY * 1.15);
        double bottom = log ? Math.pow(10, Math.floor(Math.log10(Math.min(minY, top / 10)))) : 0;
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"30\" font-size=\"15\" font-weight=\"bold\">%s vs connections</text>%n",
                x0 + LEFT, title));
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#444\"/>%n",
                x0 + LEFT, TOP, pw, ph));
        for (int t = 0; t <= maxX; t += 5000) {
            double x = x0 + LEFT + pw * t / maxX;
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%,d</text>%n", x, TOP, x, TOP + ph, x, TOP + ph + 16, t));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">connections</text>%n",
                x0 + LEFT + pw / 2, TOP + ph + 36));
        if (log) {
            for (double t = bottom; t <= top * 1.0001; t *= 10) {
                double y = yOf(t, bottom, top, true, ph);
                b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                        + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", x0 + LEFT, y, x0 + LEFT + pw, y,
                        x0 + LEFT - 6, y + 4, fmt(t)));
            }
        } else {
            for (int i = 0; i <= 5; i++) {
                double t = top * i / 5;
                double y = yOf(t, bottom, top, false, ph);
                b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                        + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", x0 + LEFT, y, x0 + LEFT + pw, y,
                        x0 + LEFT - 6, y + 4, fmt(t)));
            }
        }
        java.util.Set<String> drawn = new java.util.HashSet<>();
        for (ObjectNode r : rows) {
            // The same measurement under two names (e.g. the 500 events/s step is also the highest sustained) once.
            if (!drawn.add(r.path("server").asText() + r.path("connections").asText() + r.path(key).asText())) {
                continue;
            }
            boolean ms = r.path("server").asText().equals("market-stream");
            double v = r.path(key).asDouble();
            double x = x0 + LEFT + pw * (r.path("connections").asDouble() + (ms ? -250 : 250)) / maxX;
            double y = yOf(log ? Math.max(v, bottom) : v, bottom, top, log, ph);
            if (ms) {
                b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"#1f77b4\"/>%n", x, y));
            } else {
                b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"9\" height=\"9\" fill=\"#ff7f0e\"/>%n",
                        x - 4.5, y - 4.5));
            }
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"%s\" text-anchor=\"%s\">%s</text>%n",
                    x + (ms ? -8 : 8), y + 3, ms ? "#1f77b4" : "#b35300", ms ? "end" : "start",
                    r.path("scenario").asText().replace("&", "&amp;")));
        }
        for (ObjectNode m : medians) {
            // right of scenario 1's own points at the same connection count; the legend names them, as their labels
            // would cover those points' labels
            boolean ms = m.path("server").asText().equals("market-stream");
            double x = x0 + LEFT + pw * (m.path("connections").asDouble(10_000) + (ms ? 1000 : 1800)) / maxX;
            double y = yOf(Math.max(m.path(key).asDouble(), bottom), bottom, top, log, ph);
            String color = ms ? "#1f77b4" : "#ff7f0e";
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    x, yOf(Math.max(m.path("p99Min").asDouble(), bottom), bottom, top, log, ph),
                    x, yOf(Math.max(m.path("p99Max").asDouble(), bottom), bottom, top, log, ph), color));
            b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"white\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    x, y, color));
        }
    }

    private static double yOf(double v, double bottom, double top, boolean log, int ph) {
        double f = log ? (Math.log10(v) - Math.log10(bottom)) / (Math.log10(top) - Math.log10(bottom)) : (v - bottom) / (top - bottom);
        return TOP + ph * (1 - f);
    }

    private static void legend(StringBuilder b) {
        b.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"#1f77b4\"/><text x=\"%d\" y=\"%d\">market-stream</text>%n",
                LEFT + 10, H + 12, LEFT + 20, H + 16));
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"9\" height=\"9\" fill=\"#ff7f0e\"/><text x=\"%d\" y=\"%d\">nchan (+Redis)</text>%n",
                LEFT + 140, H + 8, LEFT + 155, H + 16));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#555\">labels: scenario (see bench/results/summary.md)</text>%n",
                LEFT + 290, H + 16));
        b.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"white\" stroke=\"#555\" stroke-width=\"2\"/>"
                + "<text x=\"%d\" y=\"%d\" fill=\"#555\">right of s1 @ 500 ev/s, hollow: s1r, the same point in alternated windows,"
                + " median p99 (bar: range of the windows)</text>%n", LEFT + 10, H + 34, LEFT + 20, H + 38));
    }

    private static double nice(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String fmt(double v) {
        if (v >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return v >= 1 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
