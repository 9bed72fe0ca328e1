// One EventSource for the whole page, on the multiplexed endpoint. Re-opened (the old one closed first) when the
// channels change, resuming from the last id seen so no event is lost in between. No DOM: the EventSource class and
// the timers are injected, so node can test it with fakes.

export const STATES = Object.freeze({ CONNECTING: 'connecting', LIVE: 'live', RECONNECTING: 'reconnecting', CLOSED: 'closed' });

const EVENTS = ['price', 'news', 'reset'];
const CLOSED = 2; // EventSource.CLOSED

/** The channels of a watchlist: its price channels, and all news (app.js filters news on the page). */
export function channelsFor(symbols) {
  return [...symbols.map((symbol) => `prices.${symbol}`), 'news'];
}

/** `<path>?channels=a,b&lastEventId=…` (commas left readable: symbols and channel names never need escaping). */
export function streamUrl(path, channels, lastEventId) {
  let url = `${path}?channels=${channels.map(encodeURIComponent).join(',')}`;
  if (lastEventId) url += `&lastEventId=${encodeURIComponent(lastEventId)}`;
  return url;
}

/** Delay before the n-th (0-based) re-open after the browser gave up: 1 s, 2 s, 4 s … up to max, with ±20 % jitter. */
export function backoff(attempt, { initial = 1000, max = 15000, random = Math.random } = {}) {
  const base = Math.min(max, initial * 2 ** Math.min(attempt, 16));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export class MarketStream {
  #path;
  #EventSource;
  #timers;
  #handlers;
  #retry;
  #source = null;
  #channels = [];
  #retryTimer = null;
  #attempt = 0;
  #state = STATES.CLOSED;
  #lastEventId = '';
  #opened = 0;

  /**
   * @param handlers {price(tick), news(item), reset({reason, channels}), state(name)}; each event handler also gets
   *        the event id as second argument
   */
  constructor({ path = 'v1/stream', EventSource = globalThis.EventSource, timers = globalThis, retry = {}, handlers = {} } = {}) {
    this.#path = path;
    this.#EventSource = EventSource;
    this.#timers = timers;
    this.#retry = retry;
    this.#handlers = handlers;
  }

  get state() {
    return this.#state;
  }

  /** The id of the last event received (price, news or reset); '' before any. */
  get lastEventId() {
    return this.#lastEventId;
  }

  get channels() {
    return [...this.#channels];
  }

  /** How many EventSources this stream has created (for tests and diagnostics). */
  get opened() {
    return this.#opened;
  }

  /** Subscribes to exactly these channels: re-opens the one connection unless the set is unchanged and open. */
  setChannels(channels) {
    const same = channels.length === this.#channels.length && channels.every((c, i) => c === this.#channels[i]);
    if (same && this.#source && this.#source.readyState !== CLOSED) return false;
    this.#channels = [...channels];
    this.#attempt = 0;
    this.#open();
    return true;
  }

  close() {
    this.#clearRetry();
    this.#closeSource();
    this.#setState(STATES.CLOSED);
  }

  #open() {
    this.#clearRetry();
    this.#closeSource(); // first: the page never holds two connections
    if (this.#channels.length === 0) {
      this.#setState(STATES.CLOSED);
      return;
    }
    const source = new this.#EventSource(streamUrl(this.#path, this.#channels, this.#lastEventId));
    this.#source = source;
    this.#opened++;
    if (this.#state === STATES.CLOSED) this.#setState(STATES.CONNECTING);
    source.onopen = () => this.#current(source) && this.#onOpen();
    source.onerror = () => this.#current(source) && this.#onError(source);
    for (const name of EVENTS) {
      source.addEventListener(name, (event) => this.#current(source) && this.#onEvent(name, event));
    }
  }

  #current(source) {
    return source === this.#source;
  }

  #onOpen() {
    this.#attempt = 0;
    this.#setState(STATES.LIVE);
  }

  #onError(source) {
    this.#setState(STATES.RECONNECTING);
    if (source.readyState === CLOSED) {
      // The browser gave up (an HTTP error, e.g. a 502 while a proxy has no pod): retry ourselves, resuming by query.
      this.#closeSource();
      this.#retryTimer = this.#timers.setTimeout(() => this.#open(), backoff(this.#attempt++, this.#retry));
    }
    // Otherwise readyState is CONNECTING: the browser reconnects by itself, sending Last-Event-ID.
  }

  #onEvent(name, event) {
    if (event.lastEventId) this.#lastEventId = event.lastEventId;
    let data;
    try {
      data = JSON.parse(event.data);
    } catch {
      return; // the server only sends JSON; anything else is not ours to show
    }
    this.#handlers[name]?.(data, event.lastEventId);
  }

  #closeSource() {
    if (this.#source) {
      this.#source.close();
      this.#source = null;
    }
  }

  #clearRetry() {
    if (this.#retryTimer !== null) {
      this.#timers.clearTimeout(this.#retryTimer);
      this.#retryTimer = null;
    }
  }

  #setState(state) {
    if (state === this.#state) return;
    this.#state = state;
    this.#handlers.state?.(state);
  }
}
