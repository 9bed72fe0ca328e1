// What the page knows of each symbol: the last price, the first one of the session (for the change), and the recent
// prices for the sparkline, bounded. No DOM.

export const SPARK_POINTS = 60;

/** The change since the session's first price, absolute and in percent (null when there is no base). */
export function changeSince(first, last) {
  if (!Number.isFinite(first) || !Number.isFinite(last)) return { change: null, percent: null };
  const change = last - first;
  return { change, percent: first === 0 ? null : (change / first) * 100 };
}

export class QuoteBook {
  #quotes = new Map();
  #sparkPoints;

  constructor({ sparkPoints = SPARK_POINTS } = {}) {
    this.#sparkPoints = sparkPoints;
  }

  get(symbol) {
    return this.#quotes.get(symbol);
  }

  /**
   * A streamed tick. The stream is in Kafka order, without gap or duplicate, so it wins; except over a fetched price
   * that is newer: a resume replays the ticks of a just-added symbol since the last id, which may predate the price
   * fetched for it. Returns the quote, or null when the tick was not taken.
   */
  tick(tick) {
    const quote = this.#quotes.get(tick?.symbol);
    if (quote?.fetched) {
      const millis = Date.parse(tick.ts);
      if (millis < quote.tsMillis) return null;
      quote.fetched = false;
      if (millis === quote.tsMillis && tick.price === quote.price) return null; // the fetched tick itself
    }
    return this.#apply(tick, false);
  }

  /**
   * A fetched price (GET /v1/prices/X): taken only when the page has none yet, or when it is newer than the shown
   * one; a stream tick may have overtaken the fetch. Returns the quote, or null when it was not taken.
   */
  snapshot(tick) {
    const quote = this.#quotes.get(tick.symbol);
    if (quote && !(Date.parse(tick.ts) > quote.tsMillis)) return null;
    return this.#apply(tick, true);
  }

  /** Marks a gap in the sparkline (after a reset: events may be missing there). */
  gap(symbol) {
    const points = this.#quotes.get(symbol)?.points;
    if (points && points.length > 0 && points[points.length - 1] !== null) this.#push(points, null);
  }

  /** Forgets every symbol not in the list; a symbol added again starts a new session. */
  retain(symbols) {
    const keep = new Set(symbols);
    for (const symbol of this.#quotes.keys()) {
      if (!keep.has(symbol)) this.#quotes.delete(symbol);
    }
  }

  #apply(tick, fetched) {
    if (!tick || typeof tick.symbol !== 'string' || !Number.isFinite(tick.price)) return null;
    let quote = this.#quotes.get(tick.symbol);
    if (!quote) {
      quote = { symbol: tick.symbol, first: tick.price, price: null, points: [], ticks: 0 };
      this.#quotes.set(tick.symbol, quote);
    }
    const previous = quote.price;
    quote.previous = previous;
    quote.price = tick.price;
    quote.direction = previous === null || tick.price === previous ? 'flat' : tick.price > previous ? 'up' : 'down';
    quote.bid = Number.isFinite(tick.bid) ? tick.bid : null;
    quote.ask = Number.isFinite(tick.ask) ? tick.ask : null;
    quote.currency = tick.currency ?? null;
    quote.ts = tick.ts;
    quote.tsMillis = Date.parse(tick.ts);
    Object.assign(quote, changeSince(quote.first, tick.price));
    quote.fetched = fetched;
    quote.ticks++;
    this.#push(quote.points, tick.price);
    return quote;
  }

  #push(points, value) {
    points.push(value);
    if (points.length > this.#sparkPoints) points.splice(0, points.length - this.#sparkPoints);
  }
}
