import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { NewsBuffer, concerns, safeUrl } from '../../../main/resources/META-INF/resources/news.js';

const item = (id, second, symbols = []) => ({ id, headline: id, symbols, ts: `2026-11-21T14:30:${String(second).padStart(2, '0')}Z` });

describe('news', () => {
  it('keeps items newest first, each once, at most the limit', () => {
    const buffer = new NewsBuffer(3);
    assert.equal(buffer.add(item('a', 1)), true);
    buffer.add(item('c', 3));
    buffer.add(item('b', 2));
    assert.equal(buffer.add(item('b', 2)), false);
    assert.deepEqual(buffer.visible('all', new Set()).map((i) => i.id), ['c', 'b', 'a']);
    buffer.add(item('d', 4));
    assert.deepEqual(buffer.visible('all', new Set()).map((i) => i.id), ['d', 'c', 'b']);
    assert.equal(buffer.add(item('a', 1)), true, 'an id that left the buffer may come back');
    assert.equal(buffer.size, 3);
  });

  it('filters to the items tagged with a watchlist symbol', () => {
    const buffer = new NewsBuffer();
    buffer.add(item('a', 1, ['AAPL', 'MSFT']));
    buffer.add(item('b', 2, ['IBM']));
    buffer.add(item('c', 3));
    assert.deepEqual(buffer.visible('watchlist', new Set(['MSFT'])).map((i) => i.id), ['a']);
    assert.deepEqual(buffer.visible('all', new Set(['MSFT'])).map((i) => i.id), ['c', 'b', 'a']);
    assert.equal(concerns({ id: 'x' }, new Set(['MSFT'])), false);
  });

  it('links only to http(s)', () => {
    assert.equal(safeUrl('https://example.com/n-1'), 'https://example.com/n-1');
    assert.equal(safeUrl('javascript:alert(1)'), null);
    assert.equal(safeUrl('not a url'), null);
    assert.equal(safeUrl(undefined), null);
  });
});
