// Live counters are not configuration: a PUT of the store never undoes a
// sale, and stock and gift card balances change by explicit operations (a
// delta, or a set guarded by the value last seen), atomically.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMiniflare, json, demoStore } from '../support/worker.mjs';

let w;
let sk;
before(async () => {
  w = await startMiniflare({}, {}, { stores: ['a'] });
  sk = w.a.secretKey;
});
after(async () => { await w?.close(); });

const call = async (method, path, body, key = sk) => {
  const r = await w.fetch(path, json(method, body, key));
  return { status: r.status, body: await r.json() };
};
const code = (body) => body.details?.applicationError?.code ?? body.details?.validationError?.fieldViolations?.[0]?.violatedRule;
const stock = async (id) => (await call('GET', '/admin/v1/store')).body.store.catalog.find((i) => i.id === id)?.stock;
const balance = async () => (await call('GET', '/admin/v1/store')).body.store.giftCards.find((g) => g.code === 'GIFT-25')?.balance;
const address = { country: 'US', subdivision: 'US-CA', city: 'San Francisco', addressLine: '1 Main St' };

test('a PUT of the store never undoes a sale: counters it already has are kept', async () => {
  const configured = demoStore().catalog.find((i) => i.id === 'mug').stock;
  let r = await call('POST', '/ecom/v1/checkouts', {
    lineItems: [{ quantity: 2, catalogReference: { catalogItemId: 'mug' } }], giftCardCode: 'GIFT-25',
    checkoutInfo: { buyerInfo: { email: 'a@example.com' }, billingInfo: { address },
      shippingInfo: { shippingDestination: { address }, selectedCarrierServiceOption: { code: 'standard' } } },
  }, w.a.publishableKey);
  r = await call('POST', `/ecom/v1/checkouts/${r.body.checkout.id}/create-order`, {}, w.a.publishableKey);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(await stock('mug'), configured - 2);
  assert.equal(await balance(), '0.00');
  // the merchant's next PUT carries the configuration's stock and balance: the sale stays
  r = await call('PUT', '/admin/v1/store', demoStore());
  assert.equal(r.status, 200);
  assert.equal(r.body.store.catalog.find((i) => i.id === 'mug').stock, configured - 2, 'the answer shows the live stock');
  assert.equal(await stock('mug'), configured - 2);
  assert.equal(await balance(), '0.00');
  // an item the store stops naming loses its counter; named again, it starts from the configuration
  const without = { ...demoStore(), catalog: demoStore().catalog.filter((i) => i.id !== 'mug') };
  assert.equal((await call('PUT', '/admin/v1/store', without)).status, 200);
  assert.equal((await call('POST', '/admin/v1/catalog/mug/stock', { delta: 1 })).status, 404);
  assert.equal((await call('PUT', '/admin/v1/store', demoStore())).status, 200);
  assert.equal(await stock('mug'), configured);
});

test('stock changes by a delta, never below zero, or by a set guarded by the value last seen', async () => {
  const now = await stock('mug');
  let r = await call('POST', '/admin/v1/catalog/mug/stock', { delta: 10 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body, { stock: now + 10 });
  r = await call('POST', '/admin/v1/catalog/mug/stock', { set: 20, expected: now + 10 });
  assert.deepEqual(r.body, { stock: 20 });
  // a set over a value that changed meanwhile is refused with the value now
  r = await call('POST', '/admin/v1/catalog/mug/stock', { set: 5, expected: now + 10 });
  assert.equal(r.status, 409);
  assert.equal(code(r.body), 'COUNTER_CHANGED');
  assert.equal(r.body.details.applicationError.data.current, 20);
  r = await call('POST', '/admin/v1/catalog/mug/stock', { delta: -21 });
  assert.equal(r.status, 409);
  assert.equal(code(r.body), 'COUNTER_WOULD_BE_NEGATIVE');
  assert.equal(r.body.details.applicationError.data.current, 20);
  assert.equal(await stock('mug'), 20);
  // 20 concurrent deltas: every one counted
  const all = await Promise.all(Array.from({ length: 20 }, () => call('POST', '/admin/v1/catalog/mug/stock', { delta: 1 })));
  assert.ok(all.every((x) => x.status === 200));
  assert.equal(await stock('mug'), 40);
  // no stock counted, no such item, bad bodies, the publishable key, another tenant
  assert.equal((await call('POST', '/admin/v1/catalog/stickers/stock', { delta: 1 })).status, 404);
  assert.equal((await call('POST', '/admin/v1/catalog/nope/stock', { delta: 1 })).status, 404);
  for (const bad of [{}, { delta: 1.5 }, { delta: '1' }, { set: 3 }, { set: -1, expected: 0 }, { delta: 1, set: 1, expected: 1 }]) {
    assert.equal((await call('POST', '/admin/v1/catalog/mug/stock', bad)).status, 400, JSON.stringify(bad));
  }
  assert.equal((await call('POST', '/admin/v1/catalog/mug/stock', { delta: 1 }, w.a.publishableKey)).status, 403);
  assert.equal((await call('POST', '/admin/v1/catalog/mug/stock', { delta: 1 }, w.b.secretKey)).status, 428, 'b has no store');
  assert.equal(await stock('mug'), 40);
});

test("a gift card's balance changes the same way, in the store's money", async () => {
  let r = await call('POST', '/admin/v1/gift-cards/GIFT-25/balance', { delta: '10.50' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const after = r.body.balance;
  r = await call('POST', '/admin/v1/gift-cards/GIFT-25/balance', { set: '30.00', expected: after });
  assert.deepEqual(r.body, { balance: '30.00' });
  r = await call('POST', '/admin/v1/gift-cards/GIFT-25/balance', { delta: '-30.01' });
  assert.equal(code(r.body), 'COUNTER_WOULD_BE_NEGATIVE');
  assert.equal(r.body.details.applicationError.data.current, '30.00');
  assert.equal((await call('POST', '/admin/v1/gift-cards/GIFT-25/balance', { delta: 5 })).status, 400, 'money is a decimal string');
  assert.equal((await call('POST', '/admin/v1/gift-cards/GIFT-25/balance', { delta: '1.001' })).status, 400);
  assert.equal((await call('POST', '/admin/v1/gift-cards/NOPE/balance', { delta: '1.00' })).status, 404);
  assert.equal(await balance(), '30.00');
});
