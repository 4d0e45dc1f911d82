import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import axe from 'axe-core';
import { root } from '../../scripts/lib.mjs';

/** The first `lang` code block after `heading` in the README: what a storefront's page is told to carry. */
export const readmeBlock = (heading, lang) => readFileSync(join(root, 'README.md'), 'utf8').split(heading)[1].split(`\`\`\`${lang}\n`)[1].split('```')[0];

// Launch options for Debian's Chromium under playwright-core: never a downloaded
// browser, and the flags a closed network and a root user need.
export function launchOptions() {
  return {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  };
}

/**
 * Opens `url` (the demo page) in `page` and waits for the page's own ready
 * mark (`ready`: another page's selector), not the load event (its pictures
 * need not have loaded); the page's uncaught errors, as they come.
 */
export async function openReady(page, url, ready = 'body[data-ready=true]') {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector(ready, { state: 'attached' });
  return errors;
}

/** Waits until the text of `selector` inside the first <edge-checkout>'s shadow root is `text`. */
export function until(page, selector, text) {
  return page.waitForFunction(([s, t]) => document.querySelector('edge-checkout')?.shadowRoot?.querySelector(s)?.textContent === t,
    [selector, text]);
}

/** The `name` (or `data-action`, `data-add-item`, else the tag) of the element focused inside <edge-checkout>, or of the page's. */
export function focused(page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    return a?.getAttribute('name') ?? a?.dataset?.action ?? a?.dataset?.addItem ?? a?.tagName;
  });
}

/** Presses Tab (Shift+Tab with `back`) until the focused control is `name`; fails after 80 presses. */
export async function tabTo(page, name, back = false) {
  for (let i = 0; i < 80; i++) {
    if ((await focused(page)) === name) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${name}`);
}

/**
 * The demo page at `url` (another page: `ready`, as openReady's) with the
 * element's events recorded in `window.events`, in a page of its own context
 * (closed with the page), or a new page of `on` when it is a context; the
 * page's uncaught errors, as they come.
 */
export async function openRecorded(on, url, options = {}, ready = undefined) {
  const own = !('newPage' in on && 'setOffline' in on);
  const context = own ? await on.newContext({ locale: 'en-US', ...options }) : on;
  const page = await context.newPage();
  // the context goes with its page; one the browser closed first is gone already
  if (own) page.once('close', () => { context.close().catch(() => {}); });
  await page.addInitScript(() => {
    window.events = [];
    for (const type of ['change', 'order-created', 'error', 'pending']) {
      document.addEventListener(type, (e) => { if (e.target.localName === 'edge-checkout') window.events.push({ type, detail: e.detail }); });
    }
  });
  const errors = await openReady(page, url, ready);
  return { page, errors };
}

/** The element's line of the product called `name`. */
export const line = (name) => `edge-checkout [data-line-item-id]:has(.name:text-is("${name}"))`;
/** The element's total as shown. */
export const total = (page) => page.textContent('edge-checkout [data-summary=total]');
/** The details of the element's events of `type` so far (with openRecorded). */
export const events = (page, type) => page.evaluate((t) => window.events.filter((e) => e.type === t).map((e) => e.detail), type);

/** Holds requests to `pattern` until released; counts them. */
export async function hold(page, pattern) {
  const held = [];
  await page.route(pattern, (route) => { held.push(route); });
  return {
    count: () => held.length,
    release: async () => {
      for (const r of held.splice(0)) await r.continue();
      await page.unroute(pattern);
    },
  };
}

/** Polls `condition` every 25 ms until it holds; fails after 5 s. */
export async function waitFor(condition, what) {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`never: ${what}`);
}

/**
 * Asserts that axe finds no violation in `page` (or inside `include`, a
 * selector: its shadow root too). axe-core is put in the page once, and run
 * there: @axe-core/playwright put it in again at each call and finished each
 * run in a page of its own, some 0.6 s a call here.
 */
export async function audit(page, what, { include } = {}) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const violations = await page.evaluate((selector) => window.axe.run(selector ? { include: [[selector]] } : document)
    .then((r) => r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)), include);
  assert.deepEqual(violations, [], `axe, ${what}`);
}
