// The dashboard in headless Chromium against a running market-stream (MARKET_STREAM_URL), fed by a live market
// (the dev simulator, or the feed of DashboardBrowserIT). SCREENSHOT names the PNG to write.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import { launch, serviceUrl } from './lib/chromium.js';
import {
  addSymbols, connectionState, connectionStates, displayedPrices, newsItems, notice, recordConnectionStates,
  removeSymbol, rowText, setNewsFilter, waitForPrices, waitForTicks, watchlistSymbols,
} from './lib/dashboard.js';
import { channelsOf, instrumentEventSource, pagePrices, pageStreams, trackStreamRequests } from './lib/streams.js';
import { layoutShifts, measure, recordLayoutShifts, rendererWork } from './lib/perf.js';
import { accessibilityViolations } from './lib/a11y.js';

const BASE = serviceUrl();
const DEFAULTS = ['AAPL', 'MSFT', 'GOOG', 'AMZN', 'NVDA'];
const SCREENSHOT = path.resolve(process.env.SCREENSHOT
  || fileURLToPath(new URL('../../../target/browser/dashboard.png', import.meta.url)));
const VIEWPORT = { width: 1280, height: 800 };
// Every symbol of the dev simulator (and of DashboardBrowserIT's feed): a page watching them all gets every tick.
const WHOLE_MARKET = ['AAPL', 'MSFT', 'GOOG', 'AMZN', 'NVDA', 'META', 'TSLA', 'BRK.B', 'JPM', 'V', 'UNH', 'XOM', 'JNJ',
  'WMT', 'MA', 'PG', 'HD', 'CVX', 'LLY', 'ABBV', 'KO', 'PEP', 'AVGO', 'COST', 'MRK', 'ADBE', 'CSCO', 'TMO', 'ACN', 'MCD',
  'NFLX', 'CRM', 'ABT', 'DHR', 'LIN', 'AMD', 'TXN', 'NKE', 'ORCL', 'INTC', 'QCOM', 'UPS', 'PM', 'IBM', 'CAT', 'BA', 'GS',
  'SBUX', 'AMGN', 'SAP'];

const report = (label, value) => console.log(`[dashboard] ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
const until = async (what, check, timeout = 15_000) => {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
const isStream = (url) => new URL(url).pathname.endsWith('/v1/stream');
const search = (page) => new URL(page.url()).searchParams;

let browser;
before(async () => {
  browser = await launch();
  // A returning user's browser is running: the first test measures the page, not Chromium's cold start.
  const warmUp = await browser.newPage();
  await warmUp.goto(`${BASE}/?symbols=`);
  await warmUp.close();
});
after(async () => {
  await browser?.close();
});

async function newContext() {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await instrumentEventSource(context);
  await recordConnectionStates(context);
  await recordLayoutShifts(context);
  return context;
}

/** DOM writes batched per animation frame: at most one layout per frame drawn, however many ticks came. */
function assertBatched(sample, work) {
  const frames = sample.fps * work.seconds;
  assert.ok(work.layouts <= frames + 5, `${work.layouts} layouts in ${Math.round(frames)} frames`);
  assert.ok(work.styleRecalcs <= 2 * frames + 5, `${work.styleRecalcs} style recalculations in ${Math.round(frames)} frames`);
}

function collectErrors(page) {
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
  return errors;
}

describe('dashboard with a live feed', () => {
  let context;
  let page;
  let streams;
  let errors;

  before(async () => {
    context = await newContext();
    page = await context.newPage();
    streams = trackStreamRequests(page);
    errors = collectErrors(page);
  });
  after(async () => {
    await context?.close();
  });

  it('loads with the default watchlist and shows live prices', async () => {
    const started = Date.now();
    await page.goto(`${BASE}/`);
    assert.deepEqual(await watchlistSymbols(page), DEFAULTS);
    assert.equal(search(page).get('symbols'), DEFAULTS.join(','));
    const timing = await page.evaluate(() => ({
      domContentLoaded: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
      firstContentfulPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    }));
    await waitForPrices(page, DEFAULTS);
    const firstPrices = await page.evaluate(() => performance.now());
    report('first render', { ...timing, allDefaultPricesShownAt: firstPrices, wallMs: Date.now() - started });
    assert.ok(timing.firstContentfulPaint < 1000, `first contentful paint after ${timing.firstContentfulPaint} ms`);

    // Prices update: some symbol shows a third price, with an arrow, a word and a time.
    const moving = await until('a symbol to tick twice', async () => {
      const rows = await Promise.all(DEFAULTS.map((s) => rowText(page, s)));
      return rows.find((row) => row.points >= 3);
    }, 30_000);
    report('a live row', moving);
    assert.match(moving.arrow, /^[▲▼◆]$/);
    assert.equal(moving.direction, { '▲': 'up', '▼': 'down', '◆': 'unchanged' }[moving.arrow]);
    assert.match(moving.time, /^\d\d:\d\d:\d\d$/);
    assert.match(moving.change, /^([+\u2212]\d|0\.00)/);
    assert.equal(await connectionState(page), 'live');

    assert.equal(streams.requests.length, 1);
    assert.deepEqual(channelsOf(streams.requests[0].url), [...DEFAULTS.map((s) => `prices.${s}`), 'news']);
  });

  it('adds a symbol from the keyboard: its prices start, over the same single connection', async () => {
    await addSymbols(page, 'tsla');
    await page.locator('#prices-body tr[data-symbol="TSLA"]').waitFor();
    assert.deepEqual(await watchlistSymbols(page), [...DEFAULTS, 'TSLA']);
    assert.equal(search(page).get('symbols'), [...DEFAULTS, 'TSLA'].join(','));
    assert.equal(await page.locator('#add-symbol').inputValue(), '');

    await until('the stream to re-open', () => streams.requests.length === 2 && streams.open.length === 1);
    const reopened = streams.requests[1];
    assert.ok(channelsOf(reopened.url).includes('prices.TSLA'), reopened.url);
    assert.ok(new URL(reopened.url).searchParams.get('lastEventId'), `resumes from the last id: ${reopened.url}`);
    assert.ok(streams.requests[0].closed !== null, 'the old stream is closed');

    await waitForPrices(page, ['TSLA']);
    await waitForTicks(page, 'TSLA', 2);
    assert.equal(streams.maxOpen, 1);
  });

  it('rejects an invalid symbol with a message, and opens no connection for it', async () => {
    await addSymbols(page, 'bad$sym');
    await until('the error message', async () => (await page.locator('#add-error').textContent()).includes('bad$sym'));
    assert.equal(await page.locator('#add-symbol').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await watchlistSymbols(page), [...DEFAULTS, 'TSLA']);
    await page.locator('#add-symbol').fill('');
    await page.waitForTimeout(300);
    assert.equal(streams.requests.length, 2);
  });

  it('removes a symbol from the keyboard: its prices stop, over the same single connection', async () => {
    await removeSymbol(page, 'MSFT');
    await page.locator('#prices-body tr[data-symbol="MSFT"]').waitFor({ state: 'detached' });
    assert.deepEqual(await watchlistSymbols(page), ['AAPL', 'GOOG', 'AMZN', 'NVDA', 'TSLA']);
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')),
      'Remove GOOG from the watchlist', 'focus moves to the next row');
    assert.match(await notice(page), /Removed MSFT/);

    await until('the stream to re-open', () => streams.requests.length === 3 && streams.open.length === 1);
    assert.ok(!channelsOf(streams.requests[2].url).includes('prices.MSFT'));
    const since = await page.evaluate(() => performance.now());
    await page.waitForTimeout(3000);
    const received = await pagePrices(page, 2, since);
    assert.ok(received.length > 0, 'prices keep coming for the rest of the watchlist');
    assert.ok(!received.some((p) => p.symbol === 'MSFT'), 'no MSFT price after its removal');

    const sources = await pageStreams(page);
    assert.equal(sources.length, 3);
    assert.ok(sources.slice(0, 2).every((s) => s.closed !== null), 'every earlier EventSource was closed by the page');
    assert.equal(sources[2].closed, null);
    assert.equal(streams.maxOpen, 1, 'never more than one open event-stream request');
    report('stream requests', streams.requests.map((r) => ({ url: r.url, closed: r.closed !== null, failure: r.failure })));
  });

  it('shows news newest first, and filters it to the watchlist without a new connection', async () => {
    const tagged = await until('a news item tagged with symbols', async () => {
      const items = await newsItems(page);
      return items.find((item) => item.symbols.length > 0);
    }, 45_000);
    const all = await newsItems(page);
    const times = all.map((item) => Date.parse(item.time));
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
    assert.ok(all.every((item) => item.href === null || /^https?:/.test(item.href)));
    const requestsBefore = streams.requests.length;

    await setNewsFilter(page, 'watchlist');
    await until('the URL to keep the filter', () => search(page).get('news') === 'watchlist');
    const watchlist = new Set(await watchlistSymbols(page));
    await page.waitForTimeout(100);
    const filtered = await newsItems(page);
    assert.ok(filtered.every((item) => item.symbols.some((s) => watchlist.has(s))), JSON.stringify(filtered));
    const concernsWatchlist = tagged.symbols.some((s) => watchlist.has(s));
    assert.equal(filtered.some((item) => item.id === tagged.id), concernsWatchlist);
    if (!concernsWatchlist) {
      await addSymbols(page, tagged.symbols[0]);
      await until('the stream to re-open', () => streams.requests.length === requestsBefore + 1 && streams.open.length === 1);
      await until(`news ${tagged.id} to show for ${tagged.symbols[0]}`, async () =>
        (await newsItems(page)).some((item) => item.id === tagged.id));
    }
    await setNewsFilter(page, 'all');
    await until('all news again', async () => (await newsItems(page)).length >= all.length);
    assert.equal(search(page).get('news'), null);
    assert.equal(streams.requests.length, requestsBefore + (concernsWatchlist ? 0 : 1),
      'the filter needs no connection of its own (only the added symbol re-opens)');
    assert.equal(streams.maxOpen, 1);
  });

  it('breaks no WCAG 2.1 A/AA rule (axe-core), in light and dark colours', async () => {
    for (const colorScheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme });
      assert.deepEqual(await accessibilityViolations(page), [], colorScheme);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('stays smooth and bounded under live ticks', async () => {
    const { result: sample, ...work } = await rendererWork(page, () => measure(page, 5000));
    const shifts = await layoutShifts(page, sample.start);
    report('5 s of ticks', { ...sample, layoutShifts: shifts.length, renderer: work });
    assertBatched(sample, work);
    assert.deepEqual(shifts.filter((s) => s.sources.some((source) => source.inPriceTable)), [],
      'no row or cell of the price table moves while prices tick');
    const bounds = await page.evaluate(() => ({
      news: document.querySelectorAll('#news-list > li').length,
      maxPoints: Math.max(...[...document.querySelectorAll('.spark svg')].map((svg) => Number(svg.dataset.points ?? 0))),
    }));
    assert.ok(bounds.news <= 100 && bounds.maxPoints <= 60, JSON.stringify(bounds));
  });

  it('writes a screenshot', async () => {
    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    report('screenshot', SCREENSHOT);
    assert.deepEqual(errors, []);
  });

  it('keeps the watchlist for a reload, a new visit and a shared link', async () => {
    const symbols = await watchlistSymbols(page);
    await page.reload();
    assert.deepEqual(await watchlistSymbols(page), symbols);

    const visit = await context.newPage();
    await visit.goto(`${BASE}/`);
    assert.deepEqual(await watchlistSymbols(visit), symbols, 'from localStorage');
    assert.equal(search(visit).get('symbols'), symbols.join(','));
    await visit.close();

    const shared = await context.newPage();
    await shared.goto(`${BASE}/?symbols=ibm,bad$,brk.b,IBM`);
    assert.deepEqual(await watchlistSymbols(shared), ['IBM', 'BRK.B']);
    assert.equal(search(shared).get('symbols'), 'IBM,BRK.B');
    assert.match(await notice(shared), /bad\$/);
    await shared.close();

    const again = await context.newPage();
    await again.goto(`${BASE}/`);
    assert.deepEqual(await watchlistSymbols(again), symbols, 'opening a shared link kept the stored list');
    await again.close();
  });
});

describe('dashboard when the stream is disturbed', () => {
  let context;
  let page;
  let errors;
  const priceFetches = [];
  const streamRequests = [];
  const plan = []; // what to do with the next stream requests, in order: 'bad-id', 'end', 'error', or pass through

  before(async () => {
    context = await newContext();
    page = await context.newPage();
    errors = collectErrors(page);
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (pathname.includes('/v1/prices/')) priceFetches.push(pathname.split('/').pop());
    });
    await page.route((url) => isStream(url.href), async (route) => {
      const url = route.request().url();
      const action = plan.shift();
      streamRequests.push({ url, action: action ?? 'pass' });
      if (action === 'bad-id') {
        // An id the server cannot resume from: it answers with a real `reset` (malformed-id), then the latest prices.
        await route.continue({ url: `${url}&lastEventId=not-an-id` });
      } else if (action === 'end') {
        await route.fulfill({ status: 200, contentType: 'text/event-stream', body: 'retry: 200\n\n' });
      } else if (action === 'error') {
        await route.fulfill({ status: 502, contentType: 'text/plain', body: 'Bad Gateway' });
      } else {
        await route.continue();
      }
    });
  });
  after(async () => {
    await context?.close();
  });

  it('shows a reset as "resynchronised" and refetches the affected prices', async () => {
    plan.push('bad-id');
    await page.goto(`${BASE}/?symbols=${DEFAULTS.join(',')}`);
    await until('the resynchronised state', async () => (await connectionStates(page)).includes('resynced'));
    assert.match(await notice(page), /Resynchronised \(malformed-id\)/);
    await until('a price fetch per symbol', () => DEFAULTS.every((s) => priceFetches.includes(s)));
    await waitForPrices(page, DEFAULTS);
    await until('live again', async () => (await connectionState(page)) === 'live', 10_000);
    report('states after a reset', await connectionStates(page));
  });

  it('shows "reconnecting" while the stream is down, then resumes and goes live', async () => {
    plan.push('end', 'error'); // the stream ends (the browser reconnects), then a proxy answers 502 (the page retries)
    const before = streamRequests.length;
    const statesBefore = (await connectionStates(page)).length;
    await addSymbols(page, 'META');
    await until('three stream requests', () => streamRequests.length >= before + 3, 20_000);
    await until('live again', async () => (await connectionState(page)) === 'live', 20_000);
    const states = (await connectionStates(page)).slice(statesBefore);
    report('states while disturbed', states);
    assert.deepEqual(states.slice(states.indexOf('reconnecting')), ['reconnecting', 'live']);
    const retried = streamRequests[before + 2];
    assert.equal(retried.action, 'pass');
    assert.ok(new URL(retried.url).searchParams.get('lastEventId'), `the page resumes by query: ${retried.url}`);
    assert.ok(channelsOf(retried.url).includes('prices.META'));
    const since = await page.evaluate(() => performance.now());
    await until('prices flowing again', async () => (await pagePrices(page, (await pageStreams(page)).length - 1, since)).length > 0, 20_000);
    assert.ok(Object.values(await displayedPrices(page)).some((price) => price !== null));
    assert.deepEqual(errors.filter((e) => !/502|Bad Gateway|EventSource/.test(e)), []);
  });
});

describe('dashboard watching the whole market', () => {
  it('draws every tick, at most one layout per frame, with no layout shift', async () => {
    const context = await newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${BASE}/?symbols=${WHOLE_MARKET.join(',')}`);
      assert.equal((await watchlistSymbols(page)).length, WHOLE_MARKET.length);
      await page.waitForTimeout(2000);
      const { result: sample, ...work } = await rendererWork(page, () => measure(page, 5000));
      const shifts = await layoutShifts(page, sample.start);
      report('5 s of the whole market', { ...sample, layoutShifts: shifts.length, renderer: work });
      assert.ok(sample.pricesPerSecond > 5, `a live feed: ${sample.pricesPerSecond} prices/s`);
      assert.deepEqual(shifts.filter((s) => s.sources.some((source) => source.inPriceTable)), []);
      assertBatched(sample, work);
    } finally {
      await context.close();
    }
  });
});
