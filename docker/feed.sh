#!/bin/sh
# The simulated market of docker/compose.yaml (the service's own simulator runs only in the dev profile, with its
# in-process broker). Writes random-walk price ticks or news items, as README "Input records" describes them, to
# Kafka through kafka-console-producer.sh, one "key|json" line per record. POSIX sh, awk, date and sleep only.
#   feed.sh prices          FEED_TICKS_PER_SECOND price ticks a second (default 10) over 10 symbols
#   feed.sh news            a news item every FEED_NEWS_INTERVAL seconds (default 5)
#   feed.sh prices|news print   the same lines on stdout instead of Kafka (DockerFilesTest reads them)
set -eu

bootstrap=${KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}
symbols="AAPL MSFT GOOG AMZN NVDA META TSLA JPM V XOM"

prices() {
    state=/tmp/feed-prices
    while :; do
        awk -v ts="$(date -u +%Y-%m-%dT%H:%M:%SZ)" -v ticks="${FEED_TICKS_PER_SECOND:-10}" \
            -v symbols="$symbols" -v state="$state" '
        BEGIN {
            srand()
            n = split(symbols, symbol, " ")
            while ((getline line < state) > 0) { split(line, field, " "); price[field[1]] = field[2] }
            close(state)
            for (i = 1; i <= n; i++) if (!(symbol[i] in price)) price[symbol[i]] = 40 + 30 * i
            for (t = 0; t < ticks; t++) {
                s = symbol[int(rand() * n) + 1]
                p = price[s] * (1 + (rand() - 0.5) / 250)
                if (p < 1) p = 1
                price[s] = p
                spread = p / 5000
                printf "%s|{\"symbol\":\"%s\",\"price\":%.2f,\"currency\":\"USD\",", s, s, p
                printf "\"bid\":%.2f,\"ask\":%.2f,\"volume\":%d,\"ts\":\"%s\"}\n", \
                    p - spread, p + spread, 1 + int(rand() * 2000), ts
            }
            for (i = 1; i <= n; i++) print symbol[i], price[symbol[i]] > (state ".new")
            close(state ".new")
        }'
        mv "$state.new" "$state"
        sleep 1
    done
}

news() {
    count=0
    while :; do
        count=$((count + 1))
        now=$(date +%s)
        awk -v ts="$(date -u +%Y-%m-%dT%H:%M:%SZ)" -v id="n-$now-$count" -v seed=$((now % 1000000 * 10 + count % 10)) \
            -v symbols="$symbols" '
        BEGIN {
            srand(seed)
            n = split(symbols, symbol, " ")
            split("beats earnings estimates|raises full-year guidance|announces a share buyback|" \
                  "shares fall after an analyst downgrade|names a new chief financial officer", what, "|")
            a = symbol[int(rand() * n) + 1]
            b = symbol[int(rand() * n) + 1]
            tags = a == b ? "\"" a "\"" : "\"" a "\",\"" b "\""
            printf "%s|{\"id\":\"%s\",\"headline\":\"%s %s\",", id, id, a, what[int(rand() * 5) + 1]
            printf "\"summary\":\"Simulated news item.\",\"symbols\":[%s],\"source\":\"feed.sh\",", tags
            printf "\"url\":\"https://news.example.com/%s\",\"ts\":\"%s\"}\n", id, ts
        }'
        sleep "${FEED_NEWS_INTERVAL:-5}"
    done
}

case "${1:-}" in
    prices) topic=${MARKET_INGEST_PRICES_TOPIC:-market.prices} ;;
    news) topic=${MARKET_INGEST_NEWS_TOPIC:-market.news} ;;
    *) echo "usage: feed.sh prices|news" >&2; exit 2 ;;
esac

if [ "${2:-}" = print ]; then
    "$1"
else
    "$1" | /opt/kafka/bin/kafka-console-producer.sh --bootstrap-server "$bootstrap" --topic "$topic" \
        --property parse.key=true --property key.separator='|'
fi
