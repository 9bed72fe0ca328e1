// Text and geometry for the view: numbers, times, sparkline paths. Pure functions, so node can test them.

const price = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 4 });
const fixed2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const MINUS = '\u2212';

export const DASH = '\u2014';

export function formatPrice(value) {
  return Number.isFinite(value) ? price.format(value) : DASH;
}

/** +1.23 / −1.23 / 0.00: a sign in text, so the direction never depends on colour alone. */
export function formatSigned(value, suffix = '') {
  if (!Number.isFinite(value)) return DASH;
  const text = fixed2.format(Math.abs(value)) + suffix;
  if (text === fixed2.format(0) + suffix) return text;
  return (value > 0 ? '+' : MINUS) + text;
}

/** Local wall-clock time of an ISO timestamp, e.g. 14:30:00. */
export function formatClock(iso) {
  const millis = Date.parse(iso);
  return Number.isFinite(millis) ? clock.format(millis) : DASH;
}

export const ARROWS = Object.freeze({ up: '\u25B2', down: '\u25BC', flat: '\u25C6' });
export const DIRECTION_WORDS = Object.freeze({ up: 'up', down: 'down', flat: 'unchanged' });

/**
 * An SVG path for the values (null = a gap) in a width × height box: one x step per slot of `slots`, the newest value
 * at the right edge, the lowest at the bottom; '' when there is nothing to draw.
 */
export function sparkPath(values, width, height, slots = values.length) {
  const numbers = values.filter((v) => v !== null);
  if (numbers.length === 0) return '';
  const min = Math.min(...numbers);
  const max = Math.max(...numbers);
  const pad = 1;
  const step = slots > 1 ? width / (slots - 1) : 0;
  const first = Math.max(0, slots - values.length);
  const y = (v) => (max === min ? height / 2 : pad + (height - 2 * pad) * (1 - (v - min) / (max - min)));
  let path = '';
  let pen = 'M';
  values.forEach((value, i) => {
    if (value === null) {
      pen = 'M';
      return;
    }
    path += `${pen}${((first + i) * step).toFixed(1)} ${y(value).toFixed(1)}`;
    pen = 'L';
  });
  return path;
}
