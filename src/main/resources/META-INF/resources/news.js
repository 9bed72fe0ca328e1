// The news ticker's items: newest first, at most `limit`, each once. The page receives all news and filters here, so
// switching between "all" and "watchlist only" needs no new connection. No DOM.

export const NEWS_LIMIT = 100;

/** True when the item is tagged with a symbol of the watchlist. */
export function concerns(item, watchlist) {
  return (item.symbols ?? []).some((symbol) => watchlist.has(symbol));
}

/** The link of an item, only when it is http(s): a `javascript:` URL from a feed must never become a link. */
export function safeUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

export class NewsBuffer {
  #items = []; // newest first
  #ids = new Set();
  #limit;

  constructor(limit = NEWS_LIMIT) {
    this.#limit = limit;
  }

  get size() {
    return this.#items.length;
  }

  /** Adds an item in time order (replay and partitions can interleave); false for a duplicate or an invalid item. */
  add(item) {
    if (!item || typeof item.id !== 'string' || this.#ids.has(item.id)) return false;
    const entry = { ...item, symbols: Array.isArray(item.symbols) ? item.symbols : [], tsMillis: Date.parse(item.ts) || 0 };
    let at = 0;
    while (at < this.#items.length && this.#items[at].tsMillis > entry.tsMillis) at++;
    this.#items.splice(at, 0, entry);
    this.#ids.add(entry.id);
    while (this.#items.length > this.#limit) this.#ids.delete(this.#items.pop().id);
    return true;
  }

  /** The items to show: all, or those tagged with a watchlist symbol (`filter` is 'all' or 'watchlist'). */
  visible(filter, watchlist) {
    return filter === 'watchlist' ? this.#items.filter((item) => concerns(item, watchlist)) : [...this.#items];
  }
}
