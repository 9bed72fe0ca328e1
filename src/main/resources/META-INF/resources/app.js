// The dashboard: wires the watchlist, the one stream, the quote and news buffers, and the view together.
//
// News: the stream always carries `news` (all news) and the page filters it. Switching between "all" and "watchlist
// only" is then instant, needs no re-connection, and the "all" view keeps what arrived meanwhile; and the watchlist
// costs one channel per symbol instead of two (at most 100 channels per connection). The price is every news item on
// the wire: a few hundred bytes every few seconds.

import { MAX_SYMBOLS, STORAGE_KEY, Watchlist, initialSymbols, searchWith } from './watchlist.js';
import { MarketStream, channelsFor } from './stream.js';
import { QuoteBook } from './quotes.js';
import { NewsBuffer } from './news.js';
import { NewsList, PriceTable } from './render.js';

const FILTER_KEY = 'market-stream.news-filter';
const REOPEN_DELAY_MS = 100; // several edits in a row re-open the stream once
const RESYNCED_SHOWN_MS = 5000;
const NOTICE_SHOWN_MS = 8000;
const LABELS = {
  connecting: 'Connecting\u2026',
  live: 'Live',
  reconnecting: 'Reconnecting\u2026',
  resynced: 'Resynchronised',
  closed: 'Not connected',
};

const $ = (id) => document.getElementById(id);
const storage = {
  get: (key) => { try { return localStorage.getItem(key); } catch { return null; } },
  set: (key, value) => { try { localStorage.setItem(key, value); } catch { /* private mode: the URL still has it */ } },
};

const start = initialSymbols(location.search, storage.get(STORAGE_KEY));
const watchlist = new Watchlist(start.symbols);
const quotes = new QuoteBook();
const news = new NewsBuffer();
let newsFilter = initialFilter();

const table = new PriceTable($('prices-body'), $('price-row'), { quoteOf: (s) => quotes.get(s), onRemove: remove });
const newsList = new NewsList($('news-list'), $('news-item'), $('news-empty'));
const indicator = connectionIndicator($('connection'));
const stream = new MarketStream({
  handlers: { price: onPrice, news: onNews, reset: onReset, state: (state) => indicator.connection(state) },
});

let reopenTimer = null;

function initialFilter() {
  const fromUrl = new URLSearchParams(location.search).get('news');
  const value = fromUrl ?? storage.get(FILTER_KEY);
  return value === 'watchlist' ? 'watchlist' : 'all';
}

/** Keeps the list and the filter in the URL (a reload, a shared link) and, after an edit, in localStorage. */
function persist({ store = true } = {}) {
  if (store) {
    storage.set(STORAGE_KEY, JSON.stringify(watchlist.symbols));
    storage.set(FILTER_KEY, newsFilter);
  }
  const params = new URLSearchParams(searchWith(location.search, watchlist.symbols));
  if (newsFilter === 'watchlist') params.set('news', 'watchlist');
  else params.delete('news');
  history.replaceState(history.state, '', '?' + params.toString().replace(/%2C/gi, ','));
}

function showWatchlist() {
  const symbols = watchlist.symbols;
  quotes.retain(symbols);
  table.setSymbols(symbols);
  $('watchlist-empty').hidden = symbols.length > 0;
  $('watchlist-count').textContent = `${symbols.length} of ${MAX_SYMBOLS}`;
  showNews();
}

function subscribe(delay) {
  clearTimeout(reopenTimer);
  reopenTimer = setTimeout(() => stream.setChannels(channelsFor(watchlist.symbols)), delay);
}

function add(text) {
  const { added, present, invalid, overLimit } = watchlist.add(text);
  const problems = [];
  if (invalid.length) problems.push(`${invalid.join(', ')}: not a symbol (1\u201315 of A\u2013Z, 0\u20139, \u201c.\u201d, \u201c-\u201d)`);
  if (present.length) problems.push(`${present.join(', ')} already on the watchlist`);
  if (overLimit.length) problems.push(`${overLimit.join(', ')} not added: at most ${MAX_SYMBOLS} symbols`);
  $('add-error').textContent = problems.join('. ');
  $('add-symbol').setAttribute('aria-invalid', String(invalid.length > 0));
  if (added.length === 0) return false;
  persist();
  showWatchlist();
  subscribe(REOPEN_DELAY_MS);
  // A resume sends no snapshot for a channel it did not have: fetch the latest price of each new symbol.
  added.forEach(fetchPrice);
  notice(`Added ${added.join(', ')}.`);
  return problems.length === 0;
}

function remove(symbol) {
  const order = watchlist.symbols;
  if (!watchlist.remove(symbol)) return;
  const next = order[order.indexOf(symbol) + 1] ?? order[order.indexOf(symbol) - 1];
  persist();
  showWatchlist();
  subscribe(REOPEN_DELAY_MS);
  notice(`Removed ${symbol}.`);
  (table.removeButton(next) ?? $('add-symbol')).focus();
}

function onPrice(tick) {
  if (watchlist.has(tick.symbol) && quotes.tick(tick)) table.update(tick.symbol);
}

function onNews(item) {
  if (news.add(item)) showNews();
}

function onReset({ reason, channels }) {
  const symbols = (channels ?? [])
    .filter((channel) => channel.startsWith('prices.'))
    .map((channel) => channel.slice('prices.'.length))
    .filter((symbol) => watchlist.has(symbol));
  symbols.forEach((symbol) => quotes.gap(symbol));
  symbols.forEach(fetchPrice);
  indicator.resynced();
  const what = symbols.length ? `refreshing ${symbols.length} price${symbols.length === 1 ? '' : 's'}` : 'nothing to refresh';
  notice(`Resynchronised (${reason}): some events could not be replayed; ${what}.`);
}

async function fetchPrice(symbol) {
  try {
    const response = await fetch(`v1/prices/${encodeURIComponent(symbol)}`, { cache: 'no-store', headers: { Accept: 'application/json' } });
    if (!response.ok) return; // 404: no price known yet; the stream brings the first one
    const tick = await response.json();
    if (watchlist.has(tick.symbol) && quotes.snapshot(tick)) table.update(tick.symbol);
  } catch {
    // Offline or a proxy error: the stream brings the next price anyway.
  }
}

function showNews() {
  $('news-empty').textContent = newsFilter === 'watchlist' ? 'No news for the watchlist yet.' : 'Waiting for news\u2026';
  newsList.show(() => news.visible(newsFilter, new Set(watchlist.symbols)));
}

let noticeTimer = null;
function notice(text) {
  $('notice').textContent = text;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { $('notice').textContent = ''; }, NOTICE_SHOWN_MS);
}

/** The connection state on the page: the stream's, or "resynchronised" for a few seconds after a reset. */
function connectionIndicator(element) {
  let connection = 'connecting';
  let resyncedUntil = 0;
  let timer = null;
  const show = () => {
    const state = connection === 'live' && Date.now() < resyncedUntil ? 'resynced' : connection;
    if (element.dataset.state === state) return;
    element.dataset.state = state;
    element.querySelector('.label').textContent = LABELS[state];
  };
  return {
    connection(state) {
      connection = state;
      show();
    },
    resynced() {
      resyncedUntil = Date.now() + RESYNCED_SHOWN_MS;
      clearTimeout(timer);
      timer = setTimeout(show, RESYNCED_SHOWN_MS + 10);
      show();
    },
  };
}

$('add-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('add-symbol');
  if (add(input.value)) input.value = '';
});
for (const radio of document.querySelectorAll('input[name="news-filter"]')) {
  radio.checked = radio.value === newsFilter;
  radio.addEventListener('change', () => {
    newsFilter = radio.value;
    persist();
    showNews();
  });
}
if (start.invalid.length) notice(`Ignored in the link: ${start.invalid.join(', ')} (not a symbol).`);
persist({ store: false }); // opening a shared link does not replace one's own list until one edits it
showWatchlist();
stream.setChannels(channelsFor(watchlist.symbols));
