// The two storage backends side by side: a store in its own Durable Object
// keeps its rows there (D1 holds only the directory of store configurations,
// which the CORS preflight reads), a store on D1 beside it is untouched, and
// a store moves from D1 into its object with `npm run move-store`'s steps
// (scripts/move-store.mjs): 503 while moving and while its rows are copied
// in slices, then everything it held is there and works on. The whole worker suite also runs once per backend
// (TEST_STORAGE=objects); these tests set each store's storage themselves,
// so they run in its D1 run only.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startMiniflare, json, demoStore, buyer, eitherBackend, scriptsCopy } from '../support/worker.mjs';
import { moveStore } from '../../scripts/move-store.mjs';
import { root, newTenant, newEventsKey, readVars, writeVars } from '../../scripts/lib.mjs';

let w;
after(async () => { await w?.close(); });

const call = async (method, path, body, key) => {
  const r = await w.fetch(path, json(method, body, key));
  const text = await r.text();
  return { status: r.status, headers: r.headers, body: text ? JSON.parse(text) : null };
};
const ok = async (...args) => {
  const r = await call(...args);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};
const item = (id, quantity = 1) => ({ quantity, catalogReference: { catalogItemId: id, appId: 'demo' } });
const readyCheckout = async (t, lineItems, extra = {}) => {
  const { checkout } = await ok('POST', '/ecom/v1/checkouts', { lineItems, channelType: 'WEB', checkoutInfo: buyer, ...extra }, t.publishableKey);
  return checkout;
};

test('each store in its own object: its rows are there, not on D1; the D1 directory serves the preflight; a D1 store beside it', eitherBackend, async () => {
  w = await startMiniflare({ STORAGE: 'objects' });
  const shop = 'https://shop.example';
  // tenant b stays on D1, by its own setting
  const tenants = JSON.parse(w.TENANTS).map((t) => (t.appDefId === w.b.tenant.appDefId ? { ...t, storage: 'd1' } : t));
  await w.rebind({ TENANTS: JSON.stringify(tenants) });
  for (const t of [w.a, w.b]) await ok('PUT', '/admin/v1/store', { ...demoStore(), allowedOrigins: [shop] }, t.secretKey);
  const a = await readyCheckout(w.a, [item('stickers', 2)]);
  const b = await readyCheckout(w.b, [item('stickers', 1)]);
  const { orderId } = await ok('POST', `/ecom/v1/checkouts/${a.id}/create-order`, {}, w.a.secretKey);

  const onD1 = async (table, id) => (await w.d1(`SELECT id FROM ${table} WHERE id = ?`, id)).length;
  assert.equal(await onD1('checkouts', a.id), 0, 'a\'s checkout is in its object');
  assert.equal(await onD1('orders', orderId), 0, 'a\'s order is in its object');
  assert.equal(await onD1('checkouts', b.id), 1, 'b\'s checkout is on D1');
  assert.equal((await w.sql('SELECT id FROM checkouts WHERE id = ?', a.id)).length, 1);
  const directory = await w.d1('SELECT app_def_id FROM stores ORDER BY app_def_id');
  assert.deepEqual(directory.map((r) => r.app_def_id), [w.a.tenant.appDefId, w.b.tenant.appDefId].sort());

  // a store's objects answer only their own tenant
  assert.equal((await call('GET', `/ecom/v1/checkouts/${a.id}`, undefined, w.b.publishableKey)).status, 404);
  assert.equal((await call('GET', `/ecom/v1/checkouts/${b.id}`, undefined, w.a.publishableKey)).status, 404);
  assert.equal((await ok('GET', `/ecom/v1/orders/${orderId}`, undefined, w.a.secretKey)).order.id, orderId);
  const preflight = await w.fetch('/ecom/v1/checkouts', { method: 'OPTIONS', headers: { origin: shop, 'access-control-request-method': 'POST' } });
  assert.equal(preflight.headers.get('access-control-allow-origin'), shop);
  // a page of the listed origin reaches the store in its object; another is refused there
  const fromPage = (origin) => w.fetch(`/ecom/v1/checkouts/${a.id}`, { headers: { origin, authorization: w.a.publishableKey } });
  assert.equal((await fromPage(shop)).headers.get('access-control-allow-origin'), shop);
  assert.equal((await fromPage('https://evil.example')).status, 403);

  // the object's alarm is its clock: after the change it runs at once, then
  // sleeps until what is due next, here the unpaid order's deadline
  await ok('PUT', '/admin/v1/store', { ...demoStore(), paymentTimeoutMinutes: 5 }, w.a.secretKey);
  const unpaid = await readyCheckout(w.a, [item('stickers')]);
  const placed = Date.now();
  await ok('POST', `/ecom/v1/checkouts/${unpaid.id}/create-order`, {}, w.a.secretKey);
  const alarm = async () => (await (await w.storeObject(w.a.tenant.appDefId, '/__store/alarm')).json()).alarm;
  let next;
  for (let i = 0; i < 50 && !((next = await alarm()) > placed + 60_000); i++) await new Promise((r) => setTimeout(r, 100));
  const [order] = await w.sql('SELECT pay_by_ms FROM orders WHERE checkout_id = ?', unpaid.id);
  assert.equal(next, order.pay_by_ms, 'the alarm waits for the unpaid order\'s deadline');
  assert.ok(Math.abs(next - (placed + 5 * 60_000)) < 5_000);
  await w.close();
  w = undefined;
});

test('a store moves from D1 into its object: 503 while moving, then its checkouts, orders, counters and events are there and work on', eitherBackend, async () => {
  // a few rows per slice, so that the copy takes several calls and alarms
  w = await startMiniflare({ STORAGE: 'd1', MOVE_SLICE_ROWS: '2' });
  await ok('PUT', '/admin/v1/store', demoStore(), w.a.secretKey);
  await ok('PUT', '/admin/v1/store', demoStore(), w.b.secretKey);
  const open = await readyCheckout(w.a, [item('stickers', 2)]);
  const ordered = await readyCheckout(w.a, [item('hoodie', 3)], { couponCode: 'LIMITED' });
  const first = await ok('POST', `/ecom/v1/checkouts/${ordered.id}/create-order`, {}, w.a.secretKey);
  const before = {
    open: await ok('GET', `/ecom/v1/checkouts/${open.id}`, undefined, w.a.publishableKey),
    order: await ok('GET', `/ecom/v1/orders/${first.orderId}`, undefined, w.a.secretKey),
    store: await ok('GET', '/admin/v1/store', undefined, w.a.secretKey),
    events: await ok('GET', '/admin/v1/events?limit=100', undefined, w.a.secretKey),
  };

  const vars = { TENANTS: w.TENANTS };
  const said = [];
  let during;
  await moveStore(vars, w.a.tenant.appDefId, {
    say: (line) => said.push(line),
    deploy: async (v) => {
      await w.rebind({ TENANTS: v.TENANTS });
      if (during) return;
      // moving: every call for the store is refused for a while; another store is served
      const r = await call('GET', `/ecom/v1/checkouts/${open.id}`, undefined, w.a.publishableKey);
      during = r;
      assert.equal((await call('GET', '/admin/v1/store', undefined, w.b.secretKey)).status, 200);
    },
  });
  assert.equal(during.status, 503);
  assert.equal(during.body.details.applicationError.code, 'STORE_MOVING');
  assert.equal(during.headers.get('retry-after'), '30');
  assert.match(said.join('\n'), /storage moving[\s\S]*storage objects/);
  assert.equal(JSON.parse(vars.TENANTS).find((t) => t.appDefId === w.a.tenant.appDefId).storage, 'objects');

  // the first call starts the copy and is told to come back; the alarm goes on with it
  const copying = await call('GET', `/ecom/v1/checkouts/${open.id}`, undefined, w.a.publishableKey);
  assert.equal(copying.status, 503, JSON.stringify(copying.body));
  assert.equal(copying.headers.get('retry-after'), '1');
  let moved = copying;
  for (let i = 0; i < 100 && moved.status === 503; i++) {
    await new Promise((r) => setTimeout(r, 50));
    moved = await call('GET', `/ecom/v1/checkouts/${open.id}`, undefined, w.a.publishableKey);
  }
  assert.equal(moved.status, 200, 'the copy is done');
  // everything it held is there, as it was
  assert.deepEqual(await ok('GET', `/ecom/v1/checkouts/${open.id}`, undefined, w.a.publishableKey), before.open);
  assert.deepEqual(await ok('GET', `/ecom/v1/orders/${first.orderId}`, undefined, w.a.secretKey), before.order);
  assert.deepEqual(await ok('GET', '/admin/v1/store', undefined, w.a.secretKey), before.store);
  assert.deepEqual(await ok('GET', '/admin/v1/events?limit=100', undefined, w.a.secretKey), before.events);
  // and works on: the next order is numbered after the last; stock and coupon uses count on from where they were
  const counts = (s) => ({ stock: s.store.catalog.find((i) => i.id === 'hoodie').stock, uses: s.store.coupons.find((c) => c.code === 'LIMITED').uses });
  const was = counts(before.store);
  const again = await readyCheckout(w.a, [item('hoodie', 2)], { couponCode: 'LIMITED' });
  const next = await ok('POST', `/ecom/v1/checkouts/${again.id}/create-order`, {}, w.a.secretKey);
  const { order } = await ok('GET', `/ecom/v1/orders/${next.orderId}`, undefined, w.a.secretKey);
  assert.equal(Number(order.number), Number(before.order.order.number) + 1);
  assert.deepEqual(counts(await ok('GET', '/admin/v1/store', undefined, w.a.secretKey)), { stock: was.stock - 2, uses: was.uses + 1 });
  assert.deepEqual(was, { stock: 12 - 3, uses: 1 });
  // the new rows are in the object; the copy verified, D1's are deleted in the alarm, page by page,
  // all but the store's entry in the directory; another store's stay
  assert.equal((await w.d1('SELECT id FROM orders WHERE id = ?', next.orderId)).length, 0);
  const left = async (tenant) => (await w.d1(`SELECT (SELECT count(*) FROM checkouts WHERE app_def_id = ?1)
    + (SELECT count(*) FROM orders WHERE app_def_id = ?1) + (SELECT count(*) FROM events WHERE app_def_id = ?1)
    + (SELECT count(*) FROM stock WHERE app_def_id = ?1) + (SELECT count(*) FROM coupon_uses WHERE app_def_id = ?1) AS n`, tenant))[0].n;
  let rows = await left(w.a.tenant.appDefId);
  for (let i = 0; i < 100 && rows > 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    rows = await left(w.a.tenant.appDefId);
  }
  assert.equal(rows, 0, "the moved store's rows are gone from D1");
  assert.equal((await w.d1('SELECT app_def_id FROM stores WHERE app_def_id = ?', w.a.tenant.appDefId)).length, 1, 'its directory entry stays');
  assert.ok(await left(w.b.tenant.appDefId) > 0, "another store's rows stay");
  assert.deepEqual(await ok('GET', `/ecom/v1/orders/${first.orderId}`, undefined, w.a.secretKey), before.order);
});

test("the README's move-store line runs as written: the store marked moving, then objects, each put as the deployed worker's secret", eitherBackend, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'edge-checkout-move-'));
  const copy = scriptsCopy(dir);
  const line = readFileSync(join(root, 'README.md'), 'utf8').match(/^npm run move-store -- .*$/m)[0];
  const { tenant } = newTenant('moving');
  writeVars(join(copy, '.secrets.vars'), { TENANTS: JSON.stringify([tenant]), EVENTS_SIGNING_KEY: newEventsKey() });
  // Cloudflare's API, on loopback (a test sends nothing off the machine): what wrangler asks of it
  const asked = [];
  const api = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      asked.push({ method: req.method, path: req.url, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: true, errors: [], messages: [], result: { name: 'TENANTS', type: 'secret_text' } }));
    });
  });
  await new Promise((r) => api.listen(0, '127.0.0.1', r));
  try {
    const env = {
      ...process.env,
      CLOUDFLARE_API_BASE_URL: `http://127.0.0.1:${api.address().port}/client/v4`,
      CLOUDFLARE_API_TOKEN: 'a-test-token',
      CLOUDFLARE_ACCOUNT_ID: '0123456789abcdef0123456789abcdef',
      // the drain's minute passes at once; the line itself is as written
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(join(root, 'tests/support/fast-timers.mjs'))}`,
    };
    const command = line.replace('<tenant>', tenant.publishableKey);
    const out = await new Promise((ok, fail) => execFile('bash', ['-c', command], { cwd: copy, env, encoding: 'utf8' },
      (e, stdout, stderr) => (e ? fail(new Error(`${command}: ${stderr}${stdout}`)) : ok(stdout))));
    assert.match(out, /waiting 60 s for the calls running on D1 to end/);
    assert.match(out, /moved: the store's next call starts copying its rows into its object/);
    const puts = asked.filter((a) => a.method === 'PUT');
    assert.deepEqual(puts.map((p) => p.path), Array(2).fill('/client/v4/accounts/0123456789abcdef0123456789abcdef/workers/scripts/edge-checkout/secrets'));
    const storages = puts.map((p) => JSON.parse(p.body)).map((b) => (assert.equal(b.name, 'TENANTS'), JSON.parse(b.text)[0].storage));
    assert.deepEqual(storages, ['moving', 'objects']);
    assert.equal(JSON.parse(readVars(join(copy, '.secrets.vars')).TENANTS)[0].storage, 'objects');
  } finally {
    api.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
