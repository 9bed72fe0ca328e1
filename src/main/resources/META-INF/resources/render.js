// The DOM: the price table and the news list. Updates are marked, then written once per animation frame, however
// many ticks arrive; rows are built once from <template>s and only their text and attributes change afterwards.

import { ARROWS, DASH, DIRECTION_WORDS, formatClock, formatPrice, formatSigned, sparkPath } from './format.js';
import { SPARK_POINTS } from './quotes.js';
import { safeUrl } from './news.js';

const SPARK_WIDTH = 100;
const SPARK_HEIGHT = 24;
const FLASH_MS = 500;

/** Calls `flush` once in the next animation frame, however often `request` is called before it. */
function frameBatcher(flush, raf = globalThis.requestAnimationFrame) {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    raf(() => {
      pending = false;
      flush();
    });
  };
}

export class PriceTable {
  #body;
  #template;
  #quoteOf;
  #rows = new Map();
  #dirty = new Set();
  #flashing = new Map(); // row → when its flash ends
  #flashTimer = null;
  #request;

  /** @param quoteOf symbol → quote (from the QuoteBook) or undefined; onRemove(symbol) when a remove button is used */
  constructor(body, template, { quoteOf, onRemove }) {
    this.#body = body;
    this.#template = template;
    this.#quoteOf = quoteOf;
    this.#request = frameBatcher(() => this.#flush());
    body.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-remove]');
      if (button) onRemove(button.dataset.remove);
    });
  }

  /** Shows one row per symbol, in this order; rows of symbols that stay are kept as they are. */
  setSymbols(symbols) {
    const rows = symbols.map((symbol) => this.#rows.get(symbol) ?? this.#createRow(symbol));
    this.#rows = new Map(symbols.map((symbol, i) => [symbol, rows[i]]));
    for (const symbol of this.#dirty) {
      if (!this.#rows.has(symbol)) this.#dirty.delete(symbol);
    }
    this.#body.replaceChildren(...rows.map((row) => row.tr));
  }

  /** The remove button of a row, to move focus to after a removal. */
  removeButton(symbol) {
    return this.#rows.get(symbol)?.remove ?? null;
  }

  update(symbol) {
    if (!this.#rows.has(symbol)) return;
    this.#dirty.add(symbol);
    this.#request();
  }

  #createRow(symbol) {
    const tr = this.#template.content.firstElementChild.cloneNode(true);
    const cell = (field) => tr.querySelector(`[data-field="${field}"]`);
    const row = {
      tr,
      last: cell('last'),
      arrow: tr.querySelector('.arrow'),
      word: tr.querySelector('.direction'),
      value: tr.querySelector('.value'),
      change: cell('change'),
      percent: cell('percent'),
      bid: cell('bid'),
      ask: cell('ask'),
      time: cell('time').querySelector('time'),
      spark: tr.querySelector('.spark path'),
      remove: tr.querySelector('button[data-remove]'),
    };
    tr.dataset.symbol = symbol;
    tr.querySelector('th').textContent = symbol;
    row.remove.dataset.remove = symbol;
    row.remove.setAttribute('aria-label', `Remove ${symbol} from the watchlist`);
    const quote = this.#quoteOf(symbol);
    if (quote) this.#write(row, quote);
    return row;
  }

  #flush() {
    const now = performance.now();
    for (const symbol of this.#dirty) {
      const quote = this.#quoteOf(symbol);
      if (quote) this.#write(this.#rows.get(symbol), quote, now);
    }
    this.#dirty.clear();
    this.#endFlashes(now);
  }

  /** Turns off the flashes that are over, and comes back for the next one to end. */
  #endFlashes(now) {
    let next = Infinity;
    for (const [row, end] of this.#flashing) {
      if (end <= now) {
        delete row.last.dataset.flash;
        this.#flashing.delete(row);
      } else {
        next = Math.min(next, end);
      }
    }
    clearTimeout(this.#flashTimer);
    this.#flashTimer = next === Infinity ? null : setTimeout(this.#request, next - now);
  }

  /** Writes the quote into the row; `now` (a frame's time) lights the last price for a moment, if it moved. */
  #write(row, quote, now) {
    const { tr } = row;
    tr.dataset.direction = quote.direction;
    row.last.dataset.value = String(quote.price);
    row.arrow.textContent = ARROWS[quote.direction];
    row.word.textContent = DIRECTION_WORDS[quote.direction];
    row.value.textContent = formatPrice(quote.price);
    if (now !== undefined && quote.direction !== 'flat') {
      row.last.dataset.flash = quote.direction;
      this.#flashing.set(row, now + FLASH_MS);
    }
    const trend = quote.change > 0 ? 'up' : quote.change < 0 ? 'down' : 'flat';
    row.change.dataset.trend = trend;
    row.percent.dataset.trend = trend;
    row.change.textContent = formatSigned(quote.change);
    row.percent.textContent = formatSigned(quote.percent, '%');
    row.bid.textContent = quote.bid === null ? DASH : formatPrice(quote.bid);
    row.ask.textContent = quote.ask === null ? DASH : formatPrice(quote.ask);
    row.time.dateTime = quote.ts;
    row.time.textContent = formatClock(quote.ts);
    row.spark.setAttribute('d', sparkPath(quote.points, SPARK_WIDTH, SPARK_HEIGHT, SPARK_POINTS));
    row.spark.parentNode.dataset.points = String(quote.points.filter((p) => p !== null).length);
  }
}

export class NewsList {
  #list;
  #template;
  #empty;
  #items = () => [];
  #nodes = new Map();
  #request;

  /** @param empty shown instead of the list while it has no item */
  constructor(list, template, empty) {
    this.#list = list;
    this.#template = template;
    this.#empty = empty;
    this.#request = frameBatcher(() => this.#flush());
  }

  /** Shows, at the next frame, the items that the function `items` then returns. */
  show(items) {
    this.#items = items;
    this.#request();
  }

  #flush() {
    const items = this.#items();
    const nodes = items.map((item) => this.#nodes.get(item.id) ?? this.#createItem(item));
    this.#nodes = new Map(items.map((item, i) => [item.id, nodes[i]]));
    this.#list.replaceChildren(...nodes);
    this.#empty.hidden = nodes.length > 0;
  }

  #createItem(item) {
    const li = this.#template.content.firstElementChild.cloneNode(true);
    li.dataset.id = item.id;
    li.dataset.symbols = item.symbols.join(',');
    const time = li.querySelector('time');
    time.dateTime = item.ts;
    time.textContent = formatClock(item.ts);
    li.querySelector('.source').textContent = item.source || 'unknown source';
    const symbols = li.querySelector('.symbols');
    for (const symbol of item.symbols) {
      const tag = document.createElement('li');
      tag.textContent = symbol;
      symbols.append(tag);
    }
    if (item.symbols.length === 0) symbols.remove();
    const headline = li.querySelector('.headline');
    const url = safeUrl(item.url);
    if (url) {
      const link = document.createElement('a');
      link.href = url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      link.textContent = item.headline;
      headline.append(link);
    } else {
      headline.textContent = item.headline;
    }
    return li;
  }
}
