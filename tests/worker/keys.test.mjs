// The key matrix: every route of the OpenAPI document against no key, a wrong
// key, a publishable key and another tenant's key. Secret-only routes refuse a
// publishable key (403); another tenant's ids answer 404, like unknown ones.
// A caller header a client sends (the worker's to its stores' objects) is
// never believed, and the objects' own paths are not the worker's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../../scripts/lib.mjs';
import { startMiniflare, json, demoStore } from '../support/worker.mjs';

let w;
let doc;
let ids;
before(async () => {
  w = await startMiniflare();
  const plan = { id: 'gold', name: 'Gold', price: '20.00', itemType: 'PLAN', plan: { duration: { count: 1, unit: 'MONTH' } } };
  for (const t of [w.a, w.b]) {
    const store = { ...demoStore(), catalog: [...demoStore().catalog, plan] };
    assert.equal((await w.fetch('/admin/v1/store', json('PUT', store, t.secretKey))).status, 200);
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
  const planOrder = await (await w.fetch('/pricing-plans/v2/checkout/orders/offline',
    json('POST', { planId: 'gold', memberId: 'm' }, w.a.secretKey))).json();
  ids = { checkout: other.checkout.id, order: order.orderId, session: session.orderSessionId, planOrder: planOrder.order.id };
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
      const id = path.startsWith('/pricing-plans') ? ids.planOrder
        : path.includes('/orders/') ? ids.order : ids.checkout;
      // catalog items and gift cards are named within each tenant's own store: routes of the own tenant
      const own = path.includes('{itemId}') || path.includes('{code}');
      const url = path.replace('{id}', id).replace('{orderSessionId}', ids.session)
        .replace('{itemId}', 'mug').replace('{code}', 'GIFT-25');
      ops.push({ method: method.toUpperCase(), path, url, schemes, hasId: path.includes('{') && !own });
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

/** What a route answers each key: the table of RELIABILITY.md, written to target/key-matrix.md. */
test('the key matrix: every route against every kind of key, as a table', async () => {
  const lines = ['| route | no key | wrong key | publishable key | another tenant\'s secret key | another tenant\'s publishable key |',
    '| --- | --- | --- | --- | --- | --- |'];
  for (const op of operations()) {
    const status = async (key) => (await w.fetch(op.url, json(op.method, body(op.method), key))).status;
    const cells = [await status(undefined), await status('sk_test_wrong'), await status(w.a.publishableKey),
      await status(w.b.secretKey), await status(w.b.publishableKey)];
    if (op.schemes.length) {
      assert.deepEqual(cells.slice(0, 2), [401, 401], `${op.method} ${op.path}`);
      assert.equal(cells[2] === 403, !op.schemes.includes('publishableKey'), `${op.method} ${op.path} publishable`);
      if (op.hasId) {
        assert.equal(cells[3], op.path.startsWith('/v2/order-sessions') ? 400 : 404, `${op.method} ${op.path} foreign`);
        assert.equal(cells[4], op.schemes.includes('publishableKey') ? 404 : 403, `${op.method} ${op.path} foreign publishable`);
      }
    }
    const own = (c, i) => (op.schemes.length && !op.hasId && i >= 3 && ![401, 403].includes(c) ? `${c} (own tenant)` : String(c));
    lines.push(`| \`${op.method} ${op.path}\` | ${cells.map(own).join(' | ')} |`);
  }
  mkdirSync(join(root, 'target'), { recursive: true });
  writeFileSync(join(root, 'target/key-matrix.md'), `${lines.join('\n')}\n`);
});

test("a checkout page's read (its header set) takes the publishable key only: the secret key is refused, so a page never renders with it", async () => {
  const page = (key) => w.fetch(`/ecom/v1/checkouts/${ids.checkout}`, { headers: { authorization: key, 'x-edge-checkout-page': '1' } });
  const refused = await page(w.a.secretKey);
  assert.equal(refused.status, 403);
  assert.equal((await refused.json()).details.applicationError.code, 'PERMISSION_DENIED');
  assert.equal((await page(w.a.publishableKey)).status, 200);
  // the page itself: the secret key is not written into its HTML, nothing is rendered
  const open = async (key) => (await w.fetch(`/checkout?key=${encodeURIComponent(key)}&checkoutId=${ids.checkout}`)).text();
  const html = await open(w.a.secretKey);
  assert.ok(!html.includes(w.a.secretKey), 'the secret key is not in the page');
  assert.doesNotMatch(html, /shadowrootmode/);
  assert.match(await open(w.a.publishableKey), /shadowrootmode/, 'the publishable key renders it');
});

test("a caller header sent by a client is never believed: one that names tenant a's secret key gives a publishable key, another tenant's key or none nothing more", async () => {
  // the header the worker sets on the call it forwards to a store's object (`WHO_HEADER`), forged
  const forged = (method, body, key) => {
    const init = json(method, body, key);
    init.headers['x-edge-checkout-caller'] = JSON.stringify({ tenant: w.a.tenant.appDefId, secret: true, origin: null, limitKey: 'forged' });
    return init;
  };
  // a checkout for the point of sale is the merchant's to make (the secret key's), decided in the store
  const pos = { channelType: 'POS', lineItems: [] };
  assert.equal((await w.fetch('/ecom/v1/checkouts', forged('POST', pos, w.a.publishableKey))).status, 403);
  assert.equal((await w.fetch('/ecom/v1/checkouts', forged('POST', pos, w.b.publishableKey))).status, 403);
  assert.equal((await w.fetch('/ecom/v1/checkouts', forged('POST', pos))).status, 401);
  assert.equal((await w.fetch('/ecom/v1/checkouts', json('POST', pos, w.a.secretKey))).status, 200, 'the secret key may');
  // tenant a's order: not found with tenant b's key, refused to a's publishable key, not there without a key
  const order = `/ecom/v1/orders/${ids.order}`;
  assert.equal((await w.fetch(order, forged('GET', undefined, w.b.secretKey))).status, 404);
  assert.equal((await w.fetch(order, forged('GET', undefined, w.a.publishableKey))).status, 403);
  assert.equal((await w.fetch(order, forged('GET'))).status, 401);
});

test("a store's object's own paths (its SQL hook among them, on in these tests) are not the worker's: 404 with any key, and nothing runs", async () => {
  const order = `/ecom/v1/orders/${ids.order}`;
  const sql = { sql: 'DELETE FROM orders', args: [] };
  for (const key of [undefined, w.a.publishableKey, w.a.secretKey]) {
    for (const [method, path, body] of [['POST', '/__store/sql', sql], ['POST', '/__store/upkeep', {}], ['GET', '/__store/alarm']]) {
      const r = await w.fetch(path, json(method, body, key));
      assert.equal(r.status, 404, `${method} ${path} with ${key ? key.slice(0, 3) : 'no key'}`);
    }
  }
  assert.equal((await w.fetch(order, json('GET', undefined, w.a.secretKey))).status, 200, 'the order is still there');
});
