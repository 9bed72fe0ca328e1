// Stand-ins for the browser APIs the page's pure modules take as parameters.

/** An EventSource that a test drives by hand; every instance is kept in `FakeEventSource.instances`. */
export class FakeEventSource {
  static instances = [];

  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.listeners = new Map();
    FakeEventSource.instances.push(this);
  }

  addEventListener(name, listener) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
  }

  close() {
    this.readyState = 2;
  }

  open() {
    this.readyState = 1;
    this.onopen?.({});
  }

  /** Dispatches even after close(): a browser may have queued the event already. */
  emit(name, data, lastEventId = '') {
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    for (const listener of this.listeners.get(name) ?? []) listener({ data: payload, lastEventId });
  }

  /** A dropped connection: the browser retries (CONNECTING), or gives up (CLOSED) on an HTTP error. */
  fail({ gaveUp = false } = {}) {
    this.readyState = gaveUp ? 2 : 0;
    this.onerror?.({});
  }
}

/** Timers that run only when the test says so. */
export function manualTimers() {
  const pending = new Map();
  let next = 1;
  return {
    setTimeout(fn, ms) {
      pending.set(next, { fn, ms });
      return next++;
    },
    clearTimeout(id) {
      pending.delete(id);
    },
    get pending() {
      return [...pending.values()];
    },
    runAll() {
      const due = [...pending.values()];
      pending.clear();
      due.forEach(({ fn }) => fn());
    },
  };
}
