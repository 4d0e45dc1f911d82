// The concurrency guarantees of create-order under load on a real `wrangler
// dev` (workerd, D1 on local SQLite): 100 concurrent create-orders on one
// checkout make one order; 50 checkouts racing for 10 units make 10 orders and
// leave stock 0; 50 checkouts sharing one gift card never spend more than it
// holds, and what the orders spent is what the card lost. RELIABILITY.md.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startWranglerDev, json } from '../support/worker.mjs';

let w;
let sk;
const store = {
  currency: 'EUR',
  catalog: [
    { id: 'lamp', name: 'Lamp', price: '10.00', itemType: 'DIGITAL', stock: 10 },
    { id: 'pen', name: 'Pen', price: '3.00', itemType: 'DIGITAL' },
  ],
  giftCards: [{ code: 'SHARED', balance: '100.00' }],
};

before(async () => {
  w = await startWranglerDev();
  sk = w.b.secretKey;
  const r = await w.fetch('/admin/v1/store', json('PUT', store, sk));
  assert.equal(r.status, 200, await r.text());
});
after(async () => { await w?.close(); });

async function call(method, path, body) {
  const r = await w.fetch(path, json(method, body, sk));
  return { status: r.status, body: await r.json() };
}
const code = (body) => body.details?.applicationError?.code;
const info = { checkoutInfo: { buyerInfo: { email: 'load@example.com' }, billingInfo: { address: { country: 'DE', city: 'Berlin' } } } };
const item = (id) => ({ quantity: 1, catalogReference: { catalogItemId: id } });
async function checkouts(n, lineItems, extra = {}) {
  const made = await Promise.all(Array.from({ length: n }, () => call('POST', '/ecom/v1/checkouts', { lineItems, ...info, ...extra })));
  for (const m of made) assert.equal(m.status, 200, JSON.stringify(m.body));
  return made.map((m) => m.body.checkout);
}
const createOrder = (c) => call('POST', `/ecom/v1/checkouts/${c.id}/create-order`, {});
const statuses = (results) => JSON.stringify(results.map((r) => [r.status, code(r.body)]));

test('100 concurrent create-order calls on one checkout: exactly one order', async () => {
  const [c] = await checkouts(1, [item('pen')]);
  const results = await Promise.all(Array.from({ length: 100 }, () => createOrder(c)));
  const ok = results.filter((r) => r.status === 200);
  assert.equal(ok.length, 1, statuses(results));
  for (const r of results.filter((x) => x.status !== 200)) {
    assert.equal(r.status, 409, statuses([r]));
    // the winner's order awaits payment
    assert.equal(code(r.body), 'CHECKOUT_PAYMENT_ALREADY_IN_PROGRESS');
    assert.equal(r.body.details.applicationError.data.orderId, ok[0].body.orderId);
  }
  const found = await call('POST', '/ecom/v1/orders/search', { search: { cursorPaging: { limit: 100 } } });
  assert.equal(found.body.orders.filter((o) => o.checkoutId === c.id).length, 1);
});

test('50 checkouts racing for 10 units: exactly 10 orders, stock 0', async () => {
  const list = await checkouts(50, [item('lamp')]);
  const results = await Promise.all(list.map(createOrder));
  assert.equal(results.filter((r) => r.status === 200).length, 10, statuses(results));
  for (const r of results.filter((x) => x.status !== 200)) {
    assert.equal(r.status, 428, statuses([r]));
    assert.ok(['FULL_OUT_OF_STOCK', 'PARTIAL_OUT_OF_STOCK'].includes(code(r.body)), code(r.body));
  }
  const s = (await call('GET', '/admin/v1/store')).body.store;
  assert.equal(s.catalog.find((i) => i.id === 'lamp').stock, 0);
});

test('50 checkouts sharing one gift card: never below 0, spent = the sum of the orders\' gift card amounts', async () => {
  // 3.00 each (no tax regions: no tax): 50 × 3.00 = 150.00 asked of a 100.00 card
  const list = await checkouts(50, [item('pen')], { giftCardCode: 'SHARED' });
  const results = await Promise.all(list.map(createOrder));
  const ok = results.filter((r) => r.status === 200);
  for (const r of results.filter((x) => x.status !== 200)) {
    assert.equal(r.status, 428, statuses([r]));
    assert.ok(['GIFT_CARD_BALANCE_CHANGED', 'GIFT_CARD_IS_EMPTY', 'CALCULATION_ERROR'].includes(code(r.body)), code(r.body));
  }
  let spent = 0n;
  for (const r of ok) {
    const o = (await call('GET', `/ecom/v1/orders/${r.body.orderId}`)).body.order;
    spent += BigInt(o.giftCard.amount.amount.replace('.', ''));
  }
  const left = BigInt((await call('GET', '/admin/v1/store')).body.store.giftCards[0].balance.replace('.', ''));
  assert.ok(left >= 0n, `balance ${left}`);
  assert.equal(spent + left, 10000n, `spent ${spent} + left ${left}`);
  assert.ok(ok.length >= 33, `${ok.length} orders paid by the card`);
});
