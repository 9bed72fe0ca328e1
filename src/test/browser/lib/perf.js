// Load and smoothness, measured inside the page: layout shifts (with the elements that moved), frame gaps, and the
// rate of price events.

/** Records every layout shift from the page's start in `window.__shifts` (call before the page loads). */
export async function recordLayoutShifts(context) {
  await context.addInitScript(() => {
    const shifts = [];
    window.__shifts = shifts;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        shifts.push({
          t: entry.startTime,
          value: entry.value,
          hadRecentInput: entry.hadRecentInput,
          sources: (entry.sources ?? []).map((s) => {
            const node = s.node instanceof Element ? s.node : s.node?.parentElement;
            return {
              inPriceTable: Boolean(node?.closest?.('#prices-table')),
              node: node ? `${node.tagName.toLowerCase()}${node.id ? '#' + node.id : ''}.${node.className}` : '?',
            };
          }),
        });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
}

/** Layout shifts since `since` (performance.now() time). */
export async function layoutShifts(page, since = 0) {
  return page.evaluate((t) => window.__shifts.filter((s) => s.t >= t), since);
}

/**
 * Watches `ms` of the page: frames drawn, the longest gap between two frames, frames later than 50 ms, and the price
 * events received (needs instrumentEventSource) per second.
 */
export async function measure(page, ms) {
  return page.evaluate((duration) => new Promise((resolve) => {
    const start = performance.now();
    const pricesBefore = window.__prices?.length ?? 0;
    let last = start;
    let frames = 0;
    let longest = 0;
    let late = 0;
    const frame = (now) => {
      frames++;
      longest = Math.max(longest, now - last);
      if (now - last > 50) late++;
      last = now;
      if (now - start < duration) requestAnimationFrame(frame);
      else {
        const seconds = (now - start) / 1000;
        const prices = (window.__prices?.length ?? 0) - pricesBefore;
        resolve({ seconds, frames, fps: frames / seconds, longestFrameMs: longest, lateFrames: late, pricesPerSecond: prices / seconds, start });
      }
    };
    requestAnimationFrame(frame);
  }), ms);
}

/**
 * The renderer's main-thread work while `during()` runs (CDP Performance metrics): the share of time busy, script,
 * layout and style time per second (these grow when other processes compete for the CPU), and the number of layouts
 * and style recalculations (these do not).
 */
export async function rendererWork(page, during) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const read = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const before = await read();
  const started = Date.now();
  const result = await during();
  const after = await read();
  await cdp.detach();
  const seconds = (Date.now() - started) / 1000;
  const delta = (name) => after[name] - before[name];
  return {
    result,
    seconds,
    busy: delta('TaskDuration') / seconds,
    scriptMsPerSecond: (delta('ScriptDuration') * 1000) / seconds,
    layoutMsPerSecond: (delta('LayoutDuration') * 1000) / seconds,
    styleMsPerSecond: (delta('RecalcStyleDuration') * 1000) / seconds,
    layouts: delta('LayoutCount'),
    styleRecalcs: delta('RecalcStyleCount'),
  };
}
