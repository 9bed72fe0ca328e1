// What a person sees and does on the dashboard, read from and done through the DOM (keyboard first). Reusable by any
// browser test, e.g. one that kills the pod serving the stream behind a proxy.

/**
 * Records every state the connection indicator takes (`window.__connectionStates`: [{state, t}]), from the page's
 * first script on. Call before the page is loaded (installs on the context).
 */
export async function recordConnectionStates(context) {
  await context.addInitScript(() => {
    const states = [];
    window.__connectionStates = states;
    document.addEventListener('DOMContentLoaded', () => {
      const indicator = document.getElementById('connection');
      if (!indicator) return;
      states.push({ state: indicator.dataset.state, t: performance.now() });
      new MutationObserver(() => {
        const state = indicator.dataset.state;
        if (states[states.length - 1]?.state !== state) states.push({ state, t: performance.now() });
      }).observe(indicator, { attributes: true, attributeFilter: ['data-state'] });
    });
  });
}

/** The states the indicator has taken so far, in order (needs recordConnectionStates). */
export async function connectionStates(page) {
  return page.evaluate(() => window.__connectionStates.map((s) => s.state));
}

/** The indicator now: 'connecting', 'live', 'reconnecting', 'resynced' or 'closed'. */
export async function connectionState(page) {
  return page.locator('#connection').getAttribute('data-state');
}

/** The watchlist as shown: the symbols of the price table's rows, in order. */
export async function watchlistSymbols(page) {
  return page.locator('#prices-body tr[data-symbol]').evaluateAll((rows) => rows.map((r) => r.dataset.symbol));
}

/** The displayed last price of each symbol of the table: {AAPL: 189.12, TSLA: null (no price yet), …}. */
export async function displayedPrices(page) {
  return page.locator('#prices-body tr[data-symbol]').evaluateAll((rows) => Object.fromEntries(rows.map((row) => {
    const value = row.querySelector('[data-field="last"]').dataset.value;
    return [row.dataset.symbol, value === undefined ? null : Number(value)];
  })));
}

/** One row as text, cell by cell: {symbol, last, change, percent, bid, ask, time, direction, arrow, points}. */
export async function rowText(page, symbol) {
  return page.locator(`#prices-body tr[data-symbol="${symbol}"]`).evaluate((row) => {
    const text = (field) => row.querySelector(`[data-field="${field}"]`).textContent.trim();
    return {
      symbol: row.dataset.symbol,
      last: text('last'),
      change: text('change'),
      percent: text('percent'),
      bid: text('bid'),
      ask: text('ask'),
      time: text('time'),
      direction: row.querySelector('.direction').textContent,
      arrow: row.querySelector('.arrow').textContent,
      points: Number(row.querySelector('.spark svg').dataset.points ?? 0),
    };
  });
}

/** Waits until every symbol shows a price. */
export async function waitForPrices(page, symbols, timeout = 20_000) {
  await page.waitForFunction((list) => list.every((symbol) => {
    const cell = document.querySelector(`#prices-body tr[data-symbol="${symbol}"] [data-field="last"]`);
    return cell?.dataset.value !== undefined;
  }), symbols, { timeout });
}

/** Waits until the symbol's row has shown at least `count` prices (its sparkline has that many points). */
export async function waitForTicks(page, symbol, count, timeout = 30_000) {
  await page.waitForFunction(([s, n]) => {
    const svg = document.querySelector(`#prices-body tr[data-symbol="${s}"] .spark svg`);
    return Number(svg?.dataset.points ?? 0) >= n;
  }, [symbol, count], { timeout });
}

/** Types symbols into the add box and presses Enter, as a keyboard user does. */
export async function addSymbols(page, text) {
  await page.locator('#add-symbol').focus();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** Focuses the row's remove button and presses Enter. */
export async function removeSymbol(page, symbol) {
  await page.getByRole('button', { name: `Remove ${symbol} from the watchlist` }).focus();
  await page.keyboard.press('Enter');
}

/** The news items shown, newest first: [{id, symbols, headline, href, time}]. */
export async function newsItems(page) {
  return page.locator('#news-list > li').evaluateAll((items) => items.map((li) => ({
    id: li.dataset.id,
    symbols: li.dataset.symbols ? li.dataset.symbols.split(',') : [],
    headline: li.querySelector('.headline').textContent,
    href: li.querySelector('.headline a')?.href ?? null,
    time: li.querySelector('time').dateTime,
  })));
}

/** Chooses 'all' or 'watchlist' news with the keyboard (focus the radio, press Space). */
export async function setNewsFilter(page, filter) {
  await page.locator(`input[name="news-filter"][value="${filter}"]`).focus();
  await page.keyboard.press('Space');
}

/** The status notice (add/remove confirmations, resynchronisation). */
export async function notice(page) {
  return (await page.locator('#notice').textContent()).trim();
}
