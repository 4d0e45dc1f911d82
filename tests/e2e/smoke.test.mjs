// One pass over the real thing: the worker and the storefront under
// `wrangler dev`, D1 on local SQLite with the migrations applied.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWranglerDev, json, demoStore } from '../support/worker.mjs';

let w;
before(async () => { w = await startWranglerDev(); });
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
