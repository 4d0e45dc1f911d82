// A crash in the middle of a create-order load: `wrangler dev` (and its
// workerd) is killed with SIGKILL while create-orders are in flight, then
// started again on the same local D1. Every order that was answered 200
// exists, every order's checkout names it and no checkout names an order
// that does not exist, and the checkouts that were not ordered can be
// ordered once after the restart. RELIABILITY.md.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateLocal, startWrangler, newTenant, newEventsKey, freePort, apart } from '../../scripts/lib.mjs';
import { json } from '../support/worker.mjs';

const dir = mkdtempSync(join(tmpdir(), 'edge-checkout-fault-'));
let server;
after(() => {
  server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const store = {
  currency: 'USD',
  catalog: [{ id: 'kit', name: 'Kit', price: '7.00', itemType: 'DIGITAL', stock: 1000 }],
  giftCards: [{ code: 'POOL', balance: '10000.00' }],
};
const N = 120;

test('SIGKILL during create-order load: no answered order lost, no checkout without its order or with a lost one', async (t) => {
  migrateLocal({ persistTo: dir, quiet: true });
  const a = newTenant('a');
  const envFile = join(dir, 'test.vars');
  writeFileSync(envFile, `TENANTS='${JSON.stringify([a.tenant])}'\nEVENTS_SIGNING_KEY='${newEventsKey()}'\n`);
  server = await startWrangler({ port: await freePort(), persistTo: dir, envFile, quiet: true, ...await apart(dir) });
  const call = async (method, path, body) => {
    const r = await fetch(`${server.base}${path}`, json(method, body, a.secretKey));
    const text = await r.text();
    try {
      return { status: r.status, body: JSON.parse(text) };
    } catch {
      throw new Error(`${method} ${path}: ${r.status} and not JSON: ${text.slice(0, 300)}`);
    }
  };
  assert.equal((await call('PUT', '/admin/v1/store', store)).status, 200);
  const info = { checkoutInfo: { buyerInfo: { email: 'k@example.com' }, billingInfo: { address: { country: 'US' } } } };
  const ids = [];
  for (let i = 0; i < N; i += 20) {
    const made = await Promise.all(Array.from({ length: 20 }, () => call('POST', '/ecom/v1/checkouts', {
      lineItems: [{ quantity: 1 + (i % 3), catalogReference: { catalogItemId: 'kit' } }], giftCardCode: 'POOL', ...info,
    })));
    ids.push(...made.map((m) => m.body.checkout.id));
  }

  // the load: create-orders sent one every 10 ms; the kill lands once 10 are answered, with others in flight
  const answered = new Map();
  const inFlight = [];
  const sending = (async () => {
    for (const id of ids) {
      inFlight.push(call('POST', `/ecom/v1/checkouts/${id}/create-order`, {})
        .then((r) => { if (r.status === 200) answered.set(id, r.body.orderId); })
        .catch(() => { /* the connection died with the server */ }));
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  for (let i = 0; answered.size < 10 && i < 10_000; i++) await new Promise((r) => setTimeout(r, 2));
  assert.ok(answered.size >= 10, `${answered.size} create-orders answered before the kill`);
  process.kill(-server.child.pid, 'SIGKILL');
  await sending;
  await Promise.all(inFlight);
  assert.ok(answered.size < N, 'the kill came before the load ended');

  // the same local state, a new process
  server = await startWrangler({ port: await freePort(), persistTo: dir, envFile, quiet: true, ...await apart(dir) });
  const orders = [];
  let cursor;
  do {
    const page = await call('POST', '/ecom/v1/orders/search', { search: { cursorPaging: { limit: 100, cursor } } });
    orders.push(...page.body.orders);
    cursor = page.body.metadata?.cursors?.next;
  } while (cursor);
  const orderOf = new Map(orders.map((o) => [o.checkoutId, o.id]));
  assert.equal(orderOf.size, orders.length, 'one order per checkout');
  for (const [checkoutId, orderId] of answered) {
    assert.equal(orderOf.get(checkoutId), orderId, `the answered order of ${checkoutId} exists`);
  }
  // a checkout with an order names it (create-order answers with it); one without is still open
  let ordered = 0;
  for (const id of ids.filter((x) => orderOf.has(x))) {
    const r = await call('POST', `/ecom/v1/checkouts/${id}/create-order`, {});
    assert.equal(r.status, 409, `checkout ${id}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.details.applicationError.data.orderId, orderOf.get(id), `checkout ${id} names its order`);
    ordered += 1;
  }
  // what the orders took from stock and the card is what they say
  const s = (await call('GET', '/admin/v1/store')).body.store;
  let units = 0;
  let spent = 0n;
  for (const o of orders) {
    units += o.lineItems.reduce((n, l) => n + l.quantity, 0);
    spent += BigInt(o.giftCard.amount.amount.replace('.', ''));
  }
  assert.equal(s.catalog[0].stock, 1000 - units);
  assert.equal(BigInt(s.giftCards[0].balance.replace('.', '')) + spent, 1000000n);

  // the rest can be ordered, once
  const rest = ids.filter((id) => !orderOf.has(id));
  const again = await Promise.all(rest.map((id) => call('POST', `/ecom/v1/checkouts/${id}/create-order`, {})));
  assert.ok(again.every((r) => r.status === 200), JSON.stringify(again.map((r) => r.status)));
  assert.equal(ordered + rest.length, N);
  t.diagnostic(`${answered.size} create-orders answered 200 before the kill; ${orders.length} orders found after `
    + `the restart (${orders.length - answered.size} committed without an answer); ${rest.length} checkouts ordered after it`);
});
