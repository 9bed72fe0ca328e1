// Debian's Chromium, driven by playwright-core (which cannot download a browser here). Each launch gets a fresh
// profile: Playwright passes Chromium a new temporary --user-data-dir and deletes it on close.

import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const FLAGS = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

export async function launch() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...FLAGS], timeout: 60_000 });
}

/** The service under test, from MARKET_STREAM_URL (e.g. http://localhost:8080), without a trailing slash. */
export function serviceUrl() {
  const url = process.env.MARKET_STREAM_URL;
  if (!url) {
    throw new Error('Set MARKET_STREAM_URL to the base URL of a running market-stream, e.g. http://localhost:8080');
  }
  return url.replace(/\/+$/, '');
}
