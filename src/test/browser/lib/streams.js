// Watches a page's event-stream connections two ways: on the network (requests to /v1/stream, open until they finish
// or fail) and inside the page (every EventSource it creates, and the price events each one dispatches).

/** Network view: every request to /v1/stream, and the most that were ever open at once. */
export function trackStreamRequests(page) {
  const requests = [];
  const open = new Set();
  let maxOpen = 0;
  const isStream = (request) => new URL(request.url()).pathname.endsWith('/v1/stream');
  page.on('request', (request) => {
    if (!isStream(request)) return;
    requests.push({ url: request.url(), opened: Date.now(), closed: null, failure: null, request });
    open.add(request);
    maxOpen = Math.max(maxOpen, open.size);
  });
  const end = (request, failure) => {
    if (!open.delete(request)) return;
    const entry = requests.find((r) => r.request === request);
    entry.closed = Date.now();
    entry.failure = failure;
  };
  page.on('requestfinished', (request) => end(request, null));
  page.on('requestfailed', (request) => end(request, request.failure()?.errorText ?? 'failed'));
  return {
    get requests() {
      return requests.map(({ request, ...rest }) => rest);
    },
    get open() {
      return requests.filter((r) => open.has(r.request)).map(({ request, ...rest }) => rest);
    },
    get maxOpen() {
      return maxOpen;
    },
  };
}

/**
 * Page view, installed before the page's scripts run: wraps EventSource to record each instance (url, created,
 * closed by the page) in `window.__streams`, and each price event it dispatches (symbol, price) in `window.__prices`.
 */
export async function instrumentEventSource(context) {
  await context.addInitScript(() => {
    const Native = window.EventSource;
    const streams = [];
    const prices = [];
    window.__streams = streams;
    window.__prices = prices;
    window.EventSource = class extends Native {
      constructor(url, init) {
        super(url, init);
        const index = streams.length;
        const record = { url: String(url), created: performance.now(), closed: null };
        streams.push(record);
        this.addEventListener('price', (event) => {
          const { symbol, price } = JSON.parse(event.data);
          prices.push({ stream: index, symbol, price, t: performance.now() });
          if (prices.length > 20000) prices.splice(0, 10000);
        });
        const close = this.close.bind(this);
        this.close = () => {
          if (record.closed === null) record.closed = performance.now();
          close();
        };
      }
    };
  });
}

/** The page's EventSources: [{url, created, closed, readyState}] (readyState 2 = closed). */
export async function pageStreams(page) {
  return page.evaluate(() => window.__streams.map((s) => ({ ...s })));
}

/** Price events the page's i-th EventSource dispatched, optionally only after `since` (performance.now() time). */
export async function pagePrices(page, stream, since = 0) {
  return page.evaluate(([i, t]) => window.__prices.filter((p) => p.stream === i && p.t >= t), [stream, since]);
}

/** The channels of a /v1/stream URL. */
export function channelsOf(url) {
  return (new URL(url).searchParams.get('channels') ?? '').split(',').filter(Boolean);
}
