import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { QuoteBook, changeSince } from '../../../main/resources/META-INF/resources/quotes.js';

const tick = (price, ts = '2026-11-21T14:30:00.000Z', extra = {}) => ({ symbol: 'AAPL', price, ts, bid: price - 0.01, ask: price + 0.01, ...extra });

describe('quotes', () => {
  it('measures the change from the first price of the session', () => {
    const book = new QuoteBook();
    book.tick(tick(100));
    const quote = book.tick(tick(102));
    assert.equal(quote.first, 100);
    assert.equal(quote.change, 2);
    assert.equal(quote.percent, 2);
    assert.equal(quote.direction, 'up');
    assert.equal(book.tick(tick(101)).direction, 'down');
    assert.equal(book.tick(tick(101)).direction, 'flat');
    assert.deepEqual(changeSince(0, 1), { change: 1, percent: null });
  });

  it('keeps a bounded sparkline', () => {
    const book = new QuoteBook({ sparkPoints: 60 });
    for (let i = 0; i < 500; i++) book.tick(tick(100 + i));
    assert.equal(book.get('AAPL').points.length, 60);
    assert.equal(book.get('AAPL').points[59], 599);
  });

  it('takes a fetched price only when it is newer than the shown one', () => {
    const book = new QuoteBook();
    assert.ok(book.snapshot(tick(100, '2026-11-21T14:30:00.000Z')), 'nothing shown yet');
    book.tick(tick(101, '2026-11-21T14:30:01.000Z'));
    assert.equal(book.snapshot(tick(100, '2026-11-21T14:30:00.500Z')), null, 'overtaken by the stream');
    assert.equal(book.snapshot(tick(101, '2026-11-21T14:30:01.000Z')), null, 'the same price');
    assert.equal(book.snapshot(tick(103, '2026-11-21T14:30:02.000Z')).price, 103);
    assert.equal(book.tick(tick(104, '2026-11-21T14:30:03.000Z')).price, 104);
    assert.equal(book.tick(tick(102, '2026-11-21T14:30:01.500Z')).price, 102, 'then the stream wins');
  });

  it('skips replayed ticks older than the price fetched for a just-added symbol', () => {
    const book = new QuoteBook();
    book.snapshot(tick(110, '2026-11-21T14:30:05.000Z'));
    assert.equal(book.tick(tick(108, '2026-11-21T14:30:04.000Z')), null, 'replayed, older than the fetched price');
    assert.equal(book.tick(tick(110, '2026-11-21T14:30:05.000Z')), null, 'the fetched tick itself');
    assert.equal(book.tick(tick(111, '2026-11-21T14:30:06.000Z')).direction, 'up');
    assert.deepEqual(book.get('AAPL').points, [110, 111]);
    assert.equal(book.get('AAPL').first, 110);
  });

  it('marks a gap once, and forgets symbols that leave the watchlist', () => {
    const book = new QuoteBook();
    book.tick(tick(100));
    book.gap('AAPL');
    book.gap('AAPL');
    book.tick(tick(101));
    assert.deepEqual(book.get('AAPL').points, [100, null, 101]);
    book.gap('MSFT');
    book.retain(['MSFT']);
    assert.equal(book.get('AAPL'), undefined);
  });

  it('ignores what is not a price', () => {
    const book = new QuoteBook();
    assert.equal(book.tick({ symbol: 'AAPL', price: 'NaN' }), null);
    assert.equal(book.tick(null), null);
    assert.equal(book.tick(tick(1, undefined, { bid: undefined })).bid, null);
  });
});
