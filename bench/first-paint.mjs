// A checkout's first paint, beside the page's own DOMContentLoaded: the
// checkout page under local `wrangler dev` (stores in their objects), a
// checkout of 20 and of 300 lines, opened in a fresh Chromium context each
// time (nothing cached), `runs` times; the median of each figure. The
// pages: the worker's own checkout page (the URL the API hands out for a
// store without checkoutUrl) and the demo store's `?checkoutId=` page, both
// of which the worker renders priced, and a page on another origin that embeds the
// element as the README shows (the package's files served from that
// origin, the API the worker's), with the preload hints the README gives
// it (the checkout's read among them, written by that origin's server),
// without them, and rendered priced by that origin's own server
// (js/element/server.js). Beside the first total: when the element's own
// markup is in (a rendered page shows the server's, inert, until then), and
// the time from a keystroke in a quantity to the painted total. Figures in
// BENCHMARKS.md ("First paint").
//
//   node bench/first-paint.mjs [runs=5]   (after npm test or npm start built everything)
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { root, migrateLocal, startWrangler, newTenant, newEventsKey, demoStore, seedStore, writeDemoConfig, buildSite, freePort } from '../scripts/lib.mjs';
import { launchOptions, readmeBlock } from '../tests/support/browser.mjs';
import { renderCheckout } from '../js/element/server.js';
import { formatMoney } from '../js/node.js';

const runs = Number(process.argv[2] ?? 5);
const lines = (n) => Array.from({ length: n }, (_, i) => ({ quantity: 1, catalogReference: { catalogItemId: 'stickers', options: { n: String(i) } } }));

// In every page before its own scripts: the moment the element's total first
// shows an amount, and the moment the element's own markup is in (a page
// rendered on a server shows that server's, inert, until then), each checked
// at every frame: what the buyer sees at that paint.
const watch = () => {
  const seen = () => {
    const root = document.querySelector('edge-checkout')?.shadowRoot;
    const total = root?.querySelector('[data-summary=total]');
    const priced = total && /\d/.test(total.textContent);
    if (priced) window.firstTotal ??= performance.now();
    if (priced && !root.querySelector('.ec[inert]')) {
      window.live = performance.now();
      console.debug('first-paint: live'); // said, not polled: a poll would run the harness's script in the page meanwhile
    } else requestAnimationFrame(seen);
  };
  requestAnimationFrame(seen);
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'edge-checkout-paint-'));
const { tenant, secretKey, publishableKey } = newTenant('paint');
migrateLocal({ persistTo: dir, quiet: true });
const envFile = join(dir, 'paint.vars');
const port = await freePort();
writeFileSync(envFile, `TENANTS='${JSON.stringify([tenant])}'\nEVENTS_SIGNING_KEY='${newEventsKey()}'\nLOG_LEVEL='warn'\n`
  + `PUBLIC_URL='http://127.0.0.1:${port}/'\n`);
buildSite();
// the demo page's key, written before the server starts: wrangler dev reloads the worker when a file of
// the site it serves changes (a request meanwhile waited some 400 ms, the first pages measured among them)
writeDemoConfig(publishableKey, demoStore(`http://127.0.0.1:${port}`));
const server = await startWrangler({ port, persistTo: dir, envFile, quiet: true });
const { base } = server;
// the embedding storefront, on an origin of its own
// (the package's files from its own origin, as a storefront serves what it bundles; the API on the worker's)
const embed = createServer(async (req, res) => {
  if (req.url.startsWith('/edge-checkout/')) {
    const file = join(root, 'build/site', new URL(req.url, 'http://x').pathname);
    res.setHeader('content-type', file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
    return res.end(readFileSync(file));
  }
  res.setHeader('content-type', 'text/html');
  // /plain: the same page without the README's preload hints
  const id = new URL(req.url, 'http://x').searchParams.get('checkoutId');
  const hints = req.url.startsWith('/plain') ? '' : readmeBlock('#### Preload hints', 'html')
    .replace('https://checkout.example.com', base).replace('CHECKOUT_ID', id).replace('pk_…', publishableKey);
  // /rendered: the shop's server renders the element's markup, priced, as the README shows
  let inside = '';
  if (req.url.startsWith('/rendered')) {
    const r = await fetch(`${base}/ecom/v1/checkouts/${id}?include=pricingInput`, { headers: { authorization: publishableKey } });
    inside = (await renderCheckout((await r.json()).checkout, { locale: 'en', formatMoney })) ?? '';
  }
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
${hints}
<script type="module" src="/edge-checkout/js/element.js"></script></head>
<body><h1>Shop</h1><edge-checkout api-base="${base}" publishable-key="${publishableKey}" checkout-id-from-url locale="en">${inside}</edge-checkout></body></html>`);
});
await new Promise((r) => embed.listen(0, '127.0.0.1', r));
const shop = `http://127.0.0.1:${embed.address().port}`;

const browser = await chromium.launch(launchOptions());
try {
  // the shop's origin may call the API with the publishable key (CORS)
  // no checkoutUrl of its own: the API hands out the worker's checkout page
  const { checkoutUrl, ...demo } = demoStore(base);
  const store = { ...demo, allowedOrigins: [shop] };
  await seedStore(base, secretKey, store);
  const call = async (method, path, body) => {
    const r = await fetch(`${base}${path}`, { method, headers: { authorization: secretKey, 'content-type': 'application/json' },
      body: body && JSON.stringify(body) });
    if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  for (const n of [20, 300]) {
    const { checkout } = await call('POST', '/ecom/v1/checkouts', { lineItems: lines(n) });
    const own = (await call('GET', `/ecom/v1/checkouts/${checkout.id}/checkout-url`)).checkoutUrl;
    const pages = { 'worker\'s checkout page': own, 'demo page ?checkoutId=': `${base}/?checkoutId=${checkout.id}`,
      'embed on another origin': `${shop}/?checkoutId=${checkout.id}`,
      'embed on another origin, no preload hints': `${shop}/plain?checkoutId=${checkout.id}`,
      'embed on another origin, rendered by its server': `${shop}/rendered?checkoutId=${checkout.id}` };
    for (const [name, url] of Object.entries(pages)) {
      const dcl = [];
      const total = [];
      const keystroke = [];
      const live = [];
      for (let i = 0; i < runs; i++) {
        const context = await browser.newContext({ locale: 'en-US' });
        await context.addInitScript(watch);
        const page = await context.newPage();
        const shown = page.waitForEvent('console', { predicate: (m) => m.text() === 'first-paint: live', timeout: 30_000 });
        await page.goto(url, { waitUntil: 'load' });
        await shown;
        const t = await page.evaluate(() => ({
          dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd, total: window.firstTotal, live: window.live,
        }));
        dcl.push(t.dcl);
        total.push(t.total);
        live.push(t.live);
        // a keystroke in the first quantity: the time to the frame after the total changed
        const ms = await page.evaluate(() => new Promise((resolve, reject) => {
          const root = document.querySelector('edge-checkout').shadowRoot;
          const total = root.querySelector('[data-summary=total]');
          const qty = root.querySelector('input[name^=quantity], input[type=number]');
          const before = total.textContent;
          const start = performance.now();
          qty.value = String(Number(qty.value) + 1);
          qty.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
          const check = () => (total.textContent !== before
            ? requestAnimationFrame(() => resolve(performance.now() - start)) : requestAnimationFrame(check));
          check();
          setTimeout(() => reject(new Error(`the total never changed after a keystroke in ${qty?.name}: ${before}`)), 10_000);
        }));
        keystroke.push(ms);
        await context.close();
      }
      const row = { lines: n, page: name, domContentLoadedMs: +median(dcl).toFixed(0), firstTotalMs: +median(total).toFixed(0),
        ratio: +(median(total) / median(dcl)).toFixed(2), elementMs: +median(live).toFixed(0), keystrokeToPaintMs: +median(keystroke).toFixed(1) };
      console.log(JSON.stringify(row));
    }
  }
} finally {
  await browser.close();
  embed.close();
  server.stop();
  await new Promise((r) => setTimeout(r, 300));
  rmSync(dir, { recursive: true, force: true });
}
