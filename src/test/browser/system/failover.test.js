// The dashboard behind nginx in front of two pods, when the pod serving its stream is killed (SIGKILL). Run by
// DashboardFailoverIT, which starts the deployment, feeds prices, and kills the pod; not part of `npm test`.
//
// Environment:
//   MARKET_STREAM_URL       nginx: the page's stream and price requests (its relative v1/ URLs) go there
//   MARKET_STREAM_PAGE_URL  optional: where the page's own files come from, served to the browser on nginx's origin,
//                           for an nginx that routes only /v1/ (docker/nginx.conf, as the ingress)
//   FAILOVER_DIR            the directory of the handshake with the process that kills the pod:
//     ready       written here once the page is live with every price: kill the pod serving its stream now
//     killed      written there right after the SIGKILL: {"pod": name, "at": epoch ms just before it}
//     final.json  written there once the feed has stopped and one last price per symbol was produced:
//                 {"lastPrices": {SYMBOL: price}, "producedPrices": {SYMBOL: [every price, in order]},
//                  "producedAfterKill": {SYMBOL: how many of those, the last price included}, "publishedAt": ms}

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { launch, serviceUrl } from '../lib/chromium.js';
import {
  connectionState, connectionStates, displayedPrices, recordConnectionStates, waitForPrices, waitForTicks,
  watchlistSymbols,
} from '../lib/dashboard.js';
import { instrumentEventSource, trackStreamRequests } from '../lib/streams.js';

const BASE = serviceUrl();
const PAGE = process.env.MARKET_STREAM_PAGE_URL?.replace(/\/+$/, '');
const DIR = process.env.FAILOVER_DIR;
const HANDSHAKE_TIMEOUT = 30_000;
const CONVERGE_TIMEOUT = 30_000;

const report = (label, value) => console.log(`[failover] ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
const until = async (what, check, timeout = HANDSHAKE_TIMEOUT) => {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
const isStream = (url) => new URL(url).pathname.endsWith('/v1/stream');
/** A file of the other side, once it is there (it writes each one whole, then renames it into place). */
const awaitFile = async (name) => {
  const file = path.join(DIR, name);
  await until(`${file} (written by the test that kills the pod)`, () => existsSync(file));
  return readFile(file, 'utf8');
};

/** Whether `received` is the last received.length of `produced`: every price once, in order, none missed. */
function endOf(produced, received) {
  const tail = produced.slice(produced.length - received.length);
  return received.length <= produced.length && tail.every((price, i) => price === received[i]);
}

describe('dashboard when the pod serving its stream is killed', () => {
  let browser;
  let context;
  let page;
  let streams;
  const streamRequests = []; // the same requests as streams.requests, in the same order, with their headers
  const priceFetches = [];
  const pageErrors = [];

  before(async () => {
    assert.ok(DIR, 'Set FAILOVER_DIR to the handshake directory shared with the test that kills the pod');
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await instrumentEventSource(context);
    await recordConnectionStates(context);
    if (PAGE) {
      // Only the page's own files, until the page has loaded; its v1/ requests go to nginx untouched.
      const origin = new URL(BASE).origin;
      await context.route((url) => url.origin === origin && !url.pathname.startsWith('/v1/'), async (route) => {
        const { pathname, search } = new URL(route.request().url());
        await route.fulfill({ response: await route.fetch({ url: `${PAGE}${pathname}${search}` }) });
      });
    }
    page = await context.newPage();
    streams = trackStreamRequests(page);
    page.on('request', (request) => {
      const { pathname } = new URL(request.url());
      if (isStream(request.url())) streamRequests.push(request);
      else if (pathname.includes('/v1/prices/')) priceFetches.push({ symbol: pathname.split('/').pop(), at: Date.now() });
    });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
  });
  after(async () => {
    await context?.close();
    await browser?.close();
  });

  it('shows reconnecting, then live, and ends with every last price as produced, nothing missed', { timeout: 120_000 }, async () => {
    await page.goto(`${BASE}/`);
    // The page's files are all loaded: nothing is intercepted from here on (an intercepted request's headers, such as
    // the Last-Event-ID of a reconnection, are not reported).
    await context.unrouteAll({ behavior: 'wait' });
    const symbols = await watchlistSymbols(page);
    await waitForPrices(page, symbols, CONVERGE_TIMEOUT);
    for (const symbol of symbols) await waitForTicks(page, symbol, 2, CONVERGE_TIMEOUT);
    await until('the indicator to show live', async () => (await connectionState(page)) === 'live');
    assert.equal(streams.open.length, 1, 'one stream open before the kill');
    const killedStream = streams.open[0];
    const requestsBefore = streams.requests.length;
    const statesBefore = await connectionStates(page);
    const fetchesBefore = priceFetches.length;
    report('live before the kill', { symbols, stream: killedStream.url, states: statesBefore });
    await writeFile(path.join(DIR, 'ready'), `${killedStream.url}\n`);
    console.log('[failover] READY-FOR-KILL');

    const killed = JSON.parse(await awaitFile('killed'));
    report('pod killed', killed);
    await until('the indicator to show reconnecting, then live again', async () => {
      const states = (await connectionStates(page)).slice(statesBefore.length);
      return states.includes('reconnecting') && states[states.length - 1] === 'live';
    });
    const liveAgain = Date.now();
    report('live again after the kill (ms)', liveAgain - killed.at);

    const final = JSON.parse(await awaitFile('final.json'));
    report('last prices produced', final.lastPrices);
    assert.deepEqual(symbols, Object.keys(final.lastPrices), 'the page watches the symbols the feed produced');
    const shown = async () => {
      const displayed = await displayedPrices(page);
      return symbols.every((symbol) => displayed[symbol] === final.lastPrices[symbol]);
    };
    try {
      await until('every displayed last price to be the last produced', shown, CONVERGE_TIMEOUT);
    } catch (e) {
      assert.deepEqual(await displayedPrices(page), final.lastPrices, e.message);
    }
    report('converged after the final prices were produced (ms)', Date.now() - final.publishedAt);

    // The indicator: live, one reconnection, live again, and never "resynchronised" (a reset, i.e. a gap).
    const states = await connectionStates(page);
    report('indicator states', states);
    assert.deepEqual(states.slice(statesBefore.length), ['reconnecting', 'live']);
    assert.ok(!states.includes('resynced'), `no reset: ${states}`);
    assert.equal(await connectionState(page), 'live');
    assert.deepEqual(priceFetches.slice(fetchesBefore), [], 'no price refetched after the kill (no reset)');

    // The network: the stream was cut by the kill, and resumed from the last id by one new request.
    const requests = streams.requests;
    report('stream requests', requests.map(({ url, opened, closed, failure }) => ({ url, opened, closed, failure })));
    assert.equal(streams.maxOpen, 1, 'never more than one open event-stream request');
    assert.equal(streams.open.length, 1, 'one stream open at the end');
    const cut = requests[requestsBefore - 1];
    assert.ok(cut.closed !== null && cut.closed >= killed.at, `the stream ended with the kill: ${JSON.stringify(cut)}`);
    const resumed = requests.findLast((r) => r.closed === null);
    const resumedHeaders = await streamRequests[requests.indexOf(resumed)].allHeaders();
    assert.ok(resumedHeaders['last-event-id'] || new URL(resumed.url).searchParams.get('lastEventId'),
      `the stream resumes from the last id (header or query): ${resumed.url} ${JSON.stringify(resumedHeaders)}`);
    assert.ok(resumed.opened > final.publishedAt, 'the page had no stream while the last prices were produced, so they '
      + `reached it by replay: the stream re-opened ${final.publishedAt - resumed.opened} ms before they were produced`);

    // The stream itself: for each symbol, the prices the page received are the end of those produced, each once, in
    // order, from before the kill to the last one.
    const received = await page.evaluate(() => window.__prices.map(({ symbol, price }) => ({ symbol, price })));
    const counts = {};
    for (const symbol of symbols) {
      const got = received.filter((p) => p.symbol === symbol).map((p) => p.price);
      const produced = final.producedPrices[symbol];
      const afterKill = final.producedAfterKill[symbol];
      counts[symbol] = { produced: produced.length, afterKill, received: got.length };
      assert.ok(endOf(produced, got), `${symbol}: received ${JSON.stringify(got)}\nis not the end of the produced `
        + `${JSON.stringify(produced)}`);
      assert.ok(got.length > afterKill, `${symbol}: received ${got.length} prices, not one from before the kill `
        + `(${afterKill} were produced after it)`);
    }
    report('prices per symbol', counts);
    assert.deepEqual(pageErrors, []);
  });
});
