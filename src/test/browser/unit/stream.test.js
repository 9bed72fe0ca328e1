import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';

import { MarketStream, backoff, channelsFor, streamUrl } from '../../../main/resources/META-INF/resources/stream.js';
import { FakeEventSource, manualTimers } from './fakes.js';

const PRICE = { symbol: 'AAPL', price: 189.12, ts: '2026-11-21T14:30:00.125Z' };

function harness() {
  const seen = { price: [], news: [], reset: [], state: [] };
  const timers = manualTimers();
  const stream = new MarketStream({
    path: '/v1/stream',
    EventSource: FakeEventSource,
    timers,
    retry: { random: () => 0.5 },
    handlers: {
      price: (p) => seen.price.push(p),
      news: (n) => seen.news.push(n),
      reset: (r) => seen.reset.push(r),
      state: (s) => seen.state.push(s),
    },
  });
  return { stream, seen, timers, sources: FakeEventSource.instances };
}

describe('stream', () => {
  beforeEach(() => {
    FakeEventSource.instances.length = 0;
  });

  it('subscribes a watchlist to its price channels and all news', () => {
    assert.deepEqual(channelsFor(['AAPL', 'BRK.B']), ['prices.AAPL', 'prices.BRK.B', 'news']);
    assert.equal(streamUrl('/v1/stream', ['prices.AAPL', 'news'], ''), '/v1/stream?channels=prices.AAPL,news');
    assert.equal(streamUrl('/v1/stream', ['news'], 'ms1:1,2:3'), '/v1/stream?channels=news&lastEventId=ms1%3A1%2C2%3A3');
  });

  it('opens one EventSource and goes live on open', () => {
    const { stream, seen, sources } = harness();
    stream.setChannels(['prices.AAPL', 'news']);
    assert.equal(sources.length, 1);
    assert.equal(sources[0].url, '/v1/stream?channels=prices.AAPL,news');
    sources[0].open();
    assert.deepEqual(seen.state, ['connecting', 'live']);
    assert.equal(stream.setChannels(['prices.AAPL', 'news']), false, 'the same channels keep the connection');
    assert.equal(sources.length, 1);
  });

  it('hands events to the handlers and remembers the last id', () => {
    const { stream, seen, sources } = harness();
    stream.setChannels(['prices.AAPL', 'news']);
    sources[0].open();
    sources[0].emit('price', PRICE, 'id-1');
    sources[0].emit('news', { id: 'n-1', headline: 'h', ts: PRICE.ts }, 'id-2');
    sources[0].emit('reset', { reason: 'too-old', channels: ['prices.AAPL'] }, 'id-3');
    sources[0].emit('price', 'not json', 'id-4');
    assert.deepEqual(seen.price, [PRICE]);
    assert.equal(seen.news[0].id, 'n-1');
    assert.deepEqual(seen.reset, [{ reason: 'too-old', channels: ['prices.AAPL'] }]);
    assert.equal(stream.lastEventId, 'id-4');
  });

  it('re-opens on new channels: closes the old connection first and resumes from the last id', () => {
    const { stream, seen, sources } = harness();
    stream.setChannels(['prices.AAPL', 'news']);
    sources[0].open();
    sources[0].emit('price', PRICE, 'id-7');
    stream.setChannels(['prices.AAPL', 'prices.MSFT', 'news']);
    assert.equal(sources.length, 2);
    assert.equal(sources[0].readyState, 2);
    assert.equal(sources[1].url, '/v1/stream?channels=prices.AAPL,prices.MSFT,news&lastEventId=id-7');
    sources[0].emit('price', { ...PRICE, price: 1 }, 'id-late');
    assert.equal(seen.price.length, 1, 'a late event of the old connection is dropped');
    assert.equal(stream.lastEventId, 'id-7');
    assert.deepEqual(seen.state, ['connecting', 'live'], 'a planned re-open is not shown as a reconnection');
  });

  it('opens without an id before any event', () => {
    const { stream, sources } = harness();
    stream.setChannels(['news']);
    stream.setChannels(['prices.AAPL', 'news']);
    assert.equal(sources[1].url, '/v1/stream?channels=prices.AAPL,news');
  });

  it('shows reconnecting while the browser reconnects by itself', () => {
    const { stream, seen, sources, timers } = harness();
    stream.setChannels(['news']);
    sources[0].open();
    sources[0].fail();
    assert.equal(stream.state, 'reconnecting');
    assert.equal(timers.pending.length, 0, 'the browser retries, sending Last-Event-ID');
    sources[0].open();
    assert.deepEqual(seen.state, ['connecting', 'live', 'reconnecting', 'live']);
    assert.equal(sources.length, 1);
  });

  it('retries by itself, with the last id in the query, when the browser gives up', () => {
    const { stream, seen, sources, timers } = harness();
    stream.setChannels(['news']);
    sources[0].open();
    sources[0].emit('news', { id: 'n-1', headline: 'h', ts: PRICE.ts }, 'id-9');
    sources[0].fail({ gaveUp: true });
    assert.equal(timers.pending.length, 1);
    assert.equal(timers.pending[0].ms, 1000);
    timers.runAll();
    assert.equal(sources.length, 2);
    assert.equal(sources[1].url, '/v1/stream?channels=news&lastEventId=id-9');
    sources[1].fail({ gaveUp: true });
    assert.equal(timers.pending[0].ms, 2000, 'backs off');
    timers.runAll();
    sources[2].open();
    assert.deepEqual(seen.state, ['connecting', 'live', 'reconnecting', 'live']);
  });

  it('drops a pending retry when the channels change or the stream is closed', () => {
    const { stream, sources, timers } = harness();
    stream.setChannels(['news']);
    sources[0].fail({ gaveUp: true });
    stream.setChannels(['prices.AAPL', 'news']);
    assert.equal(timers.pending.length, 0);
    assert.equal(sources.length, 2);
    stream.close();
    assert.equal(sources[1].readyState, 2);
    assert.equal(stream.state, 'closed');
  });

  it('backs off exponentially, bounded, with jitter', () => {
    const mid = { random: () => 0.5 };
    assert.deepEqual([0, 1, 2, 3, 4, 10].map((n) => backoff(n, mid)), [1000, 2000, 4000, 8000, 15000, 15000]);
    assert.equal(backoff(0, { random: () => 0 }), 800);
    assert.equal(backoff(0, { random: () => 1 }), 1200);
  });
});
