// The watchlist: symbols checked as the API checks them, kept in the URL (a shared link) and in localStorage (a
// reload without a query). Pure functions plus one small class; no DOM.

export const DEFAULT_SYMBOLS = Object.freeze(['AAPL', 'MSFT', 'GOOG', 'AMZN', 'NVDA']);
// One connection carries at most 100 channels: one per symbol, plus `news`.
export const MAX_SYMBOLS = 99;
export const STORAGE_KEY = 'market-stream.watchlist';

const VALID = /^[A-Za-z0-9.-]{1,15}$/;

/** The symbol in upper case, or null when the API would reject it (checked before upper-casing, as the API does). */
export function normalizeSymbol(raw) {
  const text = String(raw ?? '').trim();
  return VALID.test(text) ? text.toUpperCase() : null;
}

/** Splits user or URL input on commas and white space: the valid symbols (deduplicated, in order) and the rest. */
export function parseSymbols(text) {
  const symbols = [];
  const invalid = [];
  for (const part of String(text ?? '').split(/[\s,]+/)) {
    if (part === '') continue;
    const symbol = normalizeSymbol(part);
    if (symbol === null) invalid.push(part);
    else if (!symbols.includes(symbol)) symbols.push(symbol);
  }
  return { symbols, invalid };
}

/**
 * The list to start with: the URL's `symbols` when the page has one (a shared link; `symbols=` is an empty list),
 * else the stored list, else the defaults.
 */
export function initialSymbols(search, stored) {
  const params = new URLSearchParams(search);
  if (params.has('symbols')) {
    const { symbols, invalid } = parseSymbols(params.get('symbols'));
    return { symbols: symbols.slice(0, MAX_SYMBOLS), invalid, from: 'url' };
  }
  try {
    const list = JSON.parse(stored ?? 'null');
    if (Array.isArray(list)) {
      const { symbols } = parseSymbols(list.join(','));
      return { symbols: symbols.slice(0, MAX_SYMBOLS), invalid: [], from: 'storage' };
    }
  } catch {
    // A corrupt stored value is ignored, as if there were none.
  }
  return { symbols: [...DEFAULT_SYMBOLS], invalid: [], from: 'default' };
}

/** The query string with `symbols` set to the list, other parameters kept; commas left readable. */
export function searchWith(search, symbols) {
  const params = new URLSearchParams(search);
  params.set('symbols', symbols.join(','));
  return '?' + params.toString().replace(/%2C/gi, ',');
}

/** An ordered set of symbols that reports what an edit changed. */
export class Watchlist {
  #symbols;

  constructor(symbols = []) {
    this.#symbols = [...symbols];
  }

  get symbols() {
    return [...this.#symbols];
  }

  has(symbol) {
    return this.#symbols.includes(symbol);
  }

  /** Adds what is valid and new, up to MAX_SYMBOLS; says what was added, already there, invalid or over the limit. */
  add(text) {
    const { symbols, invalid } = parseSymbols(text);
    const added = [];
    const present = [];
    const overLimit = [];
    for (const symbol of symbols) {
      if (this.has(symbol)) present.push(symbol);
      else if (this.#symbols.length >= MAX_SYMBOLS) overLimit.push(symbol);
      else {
        this.#symbols.push(symbol);
        added.push(symbol);
      }
    }
    return { added, present, invalid, overLimit };
  }

  remove(symbol) {
    const index = this.#symbols.indexOf(symbol);
    if (index < 0) return false;
    this.#symbols.splice(index, 1);
    return true;
  }
}
