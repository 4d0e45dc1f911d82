// The key matrix: every route of the OpenAPI document against no key, a wrong
// key, a publishable key and another tenant's key. Secret-only routes refuse a
// publishable key (403); another tenant's ids answer 404, like unknown ones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMiniflare, json, demoStore } from '../support/worker.mjs';

let w;
let doc;
let ids;
before(async () => {
  w = await startMiniflare();
  for (const t of [w.a, w.b]) {
    assert.equal((await w.fetch('/admin/v1/store', json('PUT', demoStore(), t.secretKey))).status, 200);
  }
  doc = await (await w.fetch('/openapi.json')).json();
  // tenant a's own entities, to be looked for with tenant b's keys
  const c = await (await w.fetch('/ecom/v1/checkouts', json('POST', {
    lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'ebook' } }],
    checkoutInfo: { buyerInfo: { email: 'k@example.com' }, billingInfo: { address: { country: 'US' } } },
  }, w.a.secretKey))).json();
  const order = await (await w.fetch(`/ecom/v1/checkouts/${c.checkout.id}/create-order`, json('POST', {}, w.a.secretKey))).json();
  const session = await (await w.fetch('/v2/order-sessions', json('POST', { sessionData: { currency: 'USD', lineItems: [] } }, w.a.secretKey))).json();
  const other = await (await w.fetch('/ecom/v1/checkouts', json('POST', { lineItems: [] }, w.a.secretKey))).json();
  ids = { checkout: other.checkout.id, order: order.orderId, session: session.orderSessionId };
});
after(async () => { await w?.close(); });

function operations() {
  const ops = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (!op) continue;
      const security = op.security ?? doc.security ?? [];
      const schemes = security.flatMap((s) => Object.keys(s));
      const url = path
        .replace('{id}', path.startsWith('/ecom/v1/orders') ? ids.order : ids.checkout)
        .replace('{orderSessionId}', ids.session);
      ops.push({ method: method.toUpperCase(), path, url, schemes, hasId: path.includes('{') });
    }
  }
  return ops;
}

const body = (method) => (method === 'GET' ? undefined : {});

test('every route: no key and a wrong key are 401; a publishable key on a secret route is 403', async () => {
  const rows = [];
  for (const op of operations()) {
    if (op.schemes.length === 0) continue; // public: the OpenAPI document and the JWKS
    for (const [label, key] of [['no key', undefined], ['wrong key', 'sk_test_wrong'], ['bearer wrong', 'Bearer pk_nope']]) {
      const r = await w.fetch(op.url, json(op.method, body(op.method), key));
      assert.equal(r.status, 401, `${op.method} ${op.path} with ${label}`);
      rows.push([op.method, op.path, label, r.status]);
    }
    const r = await w.fetch(op.url, json(op.method, body(op.method), w.a.publishableKey));
    if (op.schemes.includes('publishableKey')) {
      assert.notEqual(r.status, 403, `${op.method} ${op.path} is a storefront route`);
      assert.notEqual(r.status, 401);
    } else {
      assert.equal(r.status, 403, `${op.method} ${op.path} needs the secret key`);
    }
  }
  assert.ok(rows.length >= 3 * 18, `${rows.length} checks`);
});

test("every route with an id: another tenant's keys find nothing (404)", async () => {
  let checked = 0;
  for (const op of operations().filter((o) => o.hasId)) {
    for (const key of [w.b.secretKey, ...(op.schemes.includes('publishableKey') ? [w.b.publishableKey] : [])]) {
      const r = await w.fetch(op.url, json(op.method, body(op.method), key));
      const expected = op.path.startsWith('/v2/order-sessions') ? 400 : 404; // a foreign token is just invalid
      assert.equal(r.status, expected, `${op.method} ${op.path} with tenant b's key`);
      checked += 1;
    }
  }
  assert.ok(checked >= 12, `${checked} checks`);
  // and tenant a's own keys do find them
  assert.equal((await w.fetch(`/ecom/v1/orders/${ids.order}`, json('GET', undefined, w.a.secretKey))).status, 200);
  assert.equal((await w.fetch(`/ecom/v1/checkouts/${ids.checkout}`, json('GET', undefined, w.a.publishableKey))).status, 200);
});
