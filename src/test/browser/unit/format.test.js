import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { formatClock, formatPrice, formatSigned, sparkPath } from '../../../main/resources/META-INF/resources/format.js';

describe('format', () => {
  it('writes prices and signed changes, the sign in text', () => {
    assert.equal(formatPrice(1234.5), '1,234.50');
    assert.equal(formatPrice(0.12345), '0.1235');
    assert.equal(formatPrice(undefined), '\u2014');
    assert.equal(formatSigned(1.234), '+1.23');
    assert.equal(formatSigned(-0.5, '%'), '\u22120.50%');
    assert.equal(formatSigned(-0.001), '0.00', 'no sign on what rounds to zero');
    assert.equal(formatSigned(null), '\u2014');
  });

  it('writes a tick time as a wall-clock time', () => {
    assert.match(formatClock('2026-11-21T14:30:00.125610761Z'), /^\d\d:\d\d:\d\d$/);
    assert.equal(formatClock('nonsense'), '\u2014');
  });

  it('draws a sparkline right-aligned, scaled to the box, with gaps', () => {
    assert.equal(sparkPath([], 100, 20), '');
    assert.equal(sparkPath([1, 3], 100, 20, 3), 'M50.0 19.0L100.0 1.0');
    assert.equal(sparkPath([2, 2], 10, 20, 2), 'M0.0 10.0L10.0 10.0');
    assert.equal(sparkPath([1, null, 3], 100, 20, 3), 'M0.0 19.0M100.0 1.0');
  });
});
