// One pass over the real thing: the worker and the storefront under
// `wrangler dev` as `npm start` runs it (the cron trigger's handler served,
// plain http webhooks to this machine allowed), D1 on local SQLite with the
// migrations applied; and once more with every store in its own Durable
// Object (STORAGE=objects).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { chromium } from 'playwright-core';
import { startWranglerDev, json, demoStore } from '../support/worker.mjs';
import { launchOptions, until } from '../support/browser.mjs';

let w;
before(async () => {
  w = await startWranglerDev({ ALLOW_LOCAL_WEBHOOKS: 'true', EVENTS_RETRY_BASE_MS: '5' }, { scheduled: true });
});
after(async () => { await w?.close(); });

test('wrangler dev serves the API with D1 and the storefront page', async () => {
  let r = await w.fetch('/openapi.json');
  assert.equal(r.status, 200);
  assert.ok(r.headers.get('x-wix-request-id'));

  r = await w.fetch('/admin/v1/store', json('PUT', demoStore(), w.a.secretKey));
  assert.equal(r.status, 200, await r.clone().text());
  r = await w.fetch('/admin/v1/store', json('GET', undefined, w.a.secretKey));
  assert.equal((await r.json()).store.catalog.length, demoStore().catalog.length);
  r = await w.fetch('/admin/v1/store', json('GET', undefined, w.b.secretKey));
  assert.equal(r.status, 404);

  r = await w.fetch('/');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/html/);
  assert.match(await r.text(), /<edge-checkout|Demo store/);
  // the checkout pages answer HEAD as GET, without a body
  r = await w.fetch('/checkout?key=pk_test_nobody&checkoutId=x', { method: 'HEAD' });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/html/);
  assert.equal(await r.text(), '');
  for (const wasm of ['checkout_wasm_bg.wasm', 'checkout_live_bg.wasm']) {
    r = await w.fetch(`/edge-checkout/pkg/${wasm}`);
    assert.equal(r.status, 200, wasm);
    assert.equal(r.headers.get('content-type'), 'application/wasm', wasm);
  }
});

/**
 * A webhook receiver on this machine that refuses the first attempt: a
 * change's event arrives at once, then its retry (`retry()` asks for it, or
 * it comes on its own), signed with the worker's key.
 */
async function eventAndRetry(server, retry = async () => {}) {
  const seen = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      seen.push(body);
      res.statusCode = seen.length === 1 ? 503 : 200;
      res.end();
    });
  });
  await new Promise((ok) => receiver.listen(0, '127.0.0.1', ok));
  try {
    const store = { ...demoStore(), webhooks: { url: `http://127.0.0.1:${receiver.address().port}/hooks` } };
    assert.equal((await server.fetch('/admin/v1/store', json('PUT', store, server.a.secretKey))).status, 200);
    const r = await server.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }] }, server.a.publishableKey));
    const { checkout } = await r.json();
    const waitFor = async (what, n) => {
      for (let i = 0; i < 300 && seen.length < n; i++) await new Promise((ok) => setTimeout(ok, 50));
      assert.ok(seen.length >= n, what);
    };
    await waitFor('the first attempt, right after the change', 1);
    await new Promise((ok) => setTimeout(ok, 200));
    await retry();
    await waitFor('the retry', 2);
    const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', server.url));
    const { payload } = await jwtVerify(seen[1], jwks, { issuer: 'edge-checkout', audience: server.a.tenant.appDefId, algorithms: ['ES256'] });
    assert.equal(JSON.parse(payload.data).entityId, checkout.id);
    const { events } = await (await server.fetch('/admin/v1/events?status=DELIVERED', json('GET', undefined, server.a.secretKey))).json();
    const mine = events.find((e) => e.entityId === checkout.id);
    assert.equal(mine.attempts, 2);
    assert.equal(mine.lastAttempt.httpStatus, 200);
  } finally {
    receiver.closeAllConnections();
    receiver.close();
  }
}

test("a store that names no checkout page gets the worker's own, as npm start gives the worker its address (PUBLIC_URL), and it opens there", async () => {
  const { checkoutUrl, ...store } = demoStore(w.url);
  assert.ok(checkoutUrl);
  let r = await w.fetch('/admin/v1/store', json('PUT', store, w.b.secretKey));
  assert.equal(r.status, 200, await r.clone().text());
  r = await w.fetch('/ecom/v1/checkouts', json('POST', { lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }] }, w.b.publishableKey));
  const { checkout } = await r.json();
  r = await w.fetch(`/ecom/v1/checkouts/${checkout.id}/checkout-url`, json('GET', undefined, w.b.publishableKey));
  assert.equal(r.status, 200, await r.clone().text());
  const { checkoutUrl: url } = await r.json();
  // the second tenant's: the page is not the demo store's (whose key is another), it opens any store's checkout
  assert.equal(url, `${w.url}/checkout?key=${w.b.publishableKey}&checkoutId=${checkout.id}`);
  const browser = await chromium.launch(launchOptions());
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    // and the console's: what the browser asks for itself (/favicon.ico) and is refused is said there
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(url);
    await until(page, '[data-summary=subtotal]', '$12.50'); // in the HTML, priced
    await page.waitForSelector('edge-checkout .ec:not([inert])'); // the element's own
    assert.equal(await page.evaluate(() => document.querySelector('edge-checkout').checkout.id), checkout.id);
    await page.waitForLoadState('networkidle');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a webhook receiver on this machine gets an event at once, and its retry from the cron trigger', async () => {
  await eventAndRetry(w, () => w.cron());
});

test('every store in its own Durable Object under wrangler dev: the API, and the object\'s alarm sends an event and its retry with no cron', async () => {
  const o = await startWranglerDev({ ALLOW_LOCAL_WEBHOOKS: 'true', EVENTS_RETRY_BASE_MS: '5', STORAGE: 'objects' });
  try {
    await eventAndRetry(o);
    const { store } = await (await o.fetch('/admin/v1/store', json('GET', undefined, o.a.secretKey))).json();
    assert.equal(store.catalog.length, demoStore().catalog.length);
    assert.equal((await o.fetch('/admin/v1/store', json('GET', undefined, o.b.secretKey))).status, 404);
  } finally {
    await o.close();
  }
});
