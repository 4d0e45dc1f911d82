// One pass over the real thing: the worker and the storefront under
// `wrangler dev` as `npm start` runs it (the cron trigger's handler served,
// plain http webhooks to this machine allowed), D1 on local SQLite with the
// migrations applied.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { startWranglerDev, json, demoStore } from '../support/worker.mjs';

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
  r = await w.fetch('/edge-checkout/pkg/checkout_wasm_bg.wasm');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/wasm');
});

test('a webhook receiver on this machine gets an event at once, and its retry from the cron trigger', async () => {
  const seen = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      seen.push(body);
      // the first attempt is refused: the retry comes from the cron trigger
      res.statusCode = seen.length === 1 ? 503 : 200;
      res.end();
    });
  });
  await new Promise((ok) => receiver.listen(0, '127.0.0.1', ok));
  try {
    const store = { ...demoStore(), webhooks: { url: `http://127.0.0.1:${receiver.address().port}/hooks` } };
    assert.equal((await w.fetch('/admin/v1/store', json('PUT', store, w.a.secretKey))).status, 200);
    const r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }] }, w.a.publishableKey));
    const { checkout } = await r.json();
    const waitFor = async (what, n) => {
      for (let i = 0; i < 300 && seen.length < n; i++) await new Promise((ok) => setTimeout(ok, 50));
      assert.ok(seen.length >= n, what);
    };
    await waitFor('the first attempt, right after the change', 1);
    await new Promise((ok) => setTimeout(ok, 200));
    await w.cron();
    await waitFor('the retry', 2);
    const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', w.url));
    const { payload } = await jwtVerify(seen[1], jwks, { issuer: 'edge-checkout', audience: w.a.tenant.appDefId, algorithms: ['ES256'] });
    assert.equal(JSON.parse(payload.data).entityId, checkout.id);
    const { events } = await (await w.fetch('/admin/v1/events?status=DELIVERED', json('GET', undefined, w.a.secretKey))).json();
    const mine = events.find((e) => e.entityId === checkout.id);
    assert.equal(mine.attempts, 2);
    assert.equal(mine.lastAttempt.httpStatus, 200);
  } finally {
    receiver.closeAllConnections();
    receiver.close();
  }
});
