import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  DEFAULT_SYMBOLS, MAX_SYMBOLS, Watchlist, initialSymbols, normalizeSymbol, parseSymbols, searchWith,
} from '../../../main/resources/META-INF/resources/watchlist.js';

describe('watchlist', () => {
  it('accepts symbols as the API does: 1-15 of A-Z 0-9 . -, any case, kept in upper case', () => {
    assert.equal(normalizeSymbol('aapl'), 'AAPL');
    assert.equal(normalizeSymbol(' brk.b '), 'BRK.B');
    assert.equal(normalizeSymbol('A-1'), 'A-1');
    assert.equal(normalizeSymbol('ABCDEFGHIJKLMNO'), 'ABCDEFGHIJKLMNO');
    for (const bad of ['', 'ABCDEFGHIJKLMNOP', 'AA PL', 'AAPL$', 'prices.AAPL,', 'ß', 'ﬀ', '\u0131']) {
      assert.equal(normalizeSymbol(bad), null, bad);
    }
  });

  it('reads several symbols separated by commas or spaces, each once', () => {
    assert.deepEqual(parseSymbols('tsla, meta  ibm,TSLA,,x$'), { symbols: ['TSLA', 'META', 'IBM'], invalid: ['x$'] });
  });

  it('starts from the link, else from storage, else from the defaults', () => {
    assert.deepEqual(initialSymbols('?symbols=ibm,bad$,aapl', '["MSFT"]'),
      { symbols: ['IBM', 'AAPL'], invalid: ['bad$'], from: 'url' });
    assert.deepEqual(initialSymbols('?symbols=', '["MSFT"]').symbols, [], 'an empty list in a link is a list');
    assert.deepEqual(initialSymbols('', '["msft","bad$"]'), { symbols: ['MSFT'], invalid: [], from: 'storage' });
    assert.deepEqual(initialSymbols('', '{corrupt'), { symbols: [...DEFAULT_SYMBOLS], invalid: [], from: 'default' });
    assert.deepEqual(initialSymbols('', null).symbols, [...DEFAULT_SYMBOLS]);
  });

  it('writes the list into the query, keeping other parameters', () => {
    assert.equal(searchWith('?news=watchlist', ['AAPL', 'BRK.B']), '?news=watchlist&symbols=AAPL,BRK.B');
    assert.equal(searchWith('?symbols=X', []), '?symbols=');
  });

  it('adds new valid symbols up to the connection limit, and removes', () => {
    const list = new Watchlist(['AAPL']);
    assert.deepEqual(list.add('msft, aapl, $$'), { added: ['MSFT'], present: ['AAPL'], invalid: ['$$'], overLimit: [] });
    assert.deepEqual(list.symbols, ['AAPL', 'MSFT']);
    assert.equal(list.remove('AAPL'), true);
    assert.equal(list.remove('AAPL'), false);
    const full = new Watchlist(Array.from({ length: MAX_SYMBOLS }, (_, i) => `S${i}`));
    assert.deepEqual(full.add('ONEMORE').overLimit, ['ONEMORE']);
    assert.equal(MAX_SYMBOLS + 1, 100, 'with `news`, one channel under the 100 of a connection');
  });
});
