// Retention: a checkout idle longer than its store keeps it (30 days unless
// the store says) is gone: 404 on every route, and the scheduled handler
// deletes it with the buyer's data it holds. Its order keeps its own copy.
// The checkouts are aged by writing their last change back in D1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMiniflare, json, demoStore } from '../support/worker.mjs';

let w;
before(async () => {
  w = await startMiniflare({}, {}, { stores: ['a'] });
});
after(async () => { await w?.close(); });

async function call(method, path, body, key = w.a.publishableKey) {
  const r = await w.fetch(path, json(method, body, key));
  return { status: r.status, body: await r.json() };
}

const address = { country: 'US', subdivision: 'US-CA', city: 'San Francisco', postalCode: '94105', addressLine: '1 Main St' };
const buyer = {
  buyerInfo: { email: 'kept@example.com' },
  billingInfo: { address },
  shippingInfo: { shippingDestination: { address }, selectedCarrierServiceOption: { code: 'standard' } },
};
const newCheckout = async (checkoutInfo = {}) => {
  const r = await call('POST', '/ecom/v1/checkouts', { channelType: 'WEB', lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }], checkoutInfo });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.checkout.id;
};

/** Writes a checkout's last change `days` ago, as if nobody had touched it since. */
async function age(id, days) {
  const then = new Date(Date.now() - days * 86_400_000).toISOString();
  await w.sql("UPDATE checkouts SET updated_date = ?1, record = json_set(record, '$.updatedDate', ?1) WHERE id = ?2", then, id);
}

const stored = async (ids) => {
  const rows = await w.sql('SELECT id FROM checkouts WHERE id IN (SELECT value FROM json_each(?1))', JSON.stringify(ids));
  return rows.map((r) => r.id).sort();
};

test('an idle checkout is gone after its store\'s retention, and deleted with its data; its order stays', async () => {
  const idle = await newCheckout({ buyerInfo: { email: 'idle@example.com' } });
  const ordered = await newCheckout(buyer);
  const order = await call('POST', `/ecom/v1/checkouts/${ordered}/create-order`, {});
  assert.equal(order.status, 200, JSON.stringify(order.body));
  const fresh = await newCheckout();
  const recent = await newCheckout();
  await age(idle, 31);
  await age(ordered, 31);
  await age(recent, 29);

  for (const [method, path] of [['GET', `/ecom/v1/checkouts/${idle}`], ['GET', `/ecom/v1/checkouts/${idle}/checkout-url`],
    ['PATCH', `/ecom/v1/checkouts/${idle}`], ['POST', `/ecom/v1/checkouts/${idle}/create-order`]]) {
    const r = await call(method, path, method === 'GET' ? undefined : { checkout: { buyerNote: 'hi' } });
    assert.equal(r.status, 404, `${method} ${path}`);
  }
  assert.equal((await call('GET', `/ecom/v1/checkouts/${recent}`)).status, 200, '29 days idle is kept');

  await w.scheduled();
  assert.deepEqual(await stored([idle, ordered, fresh, recent]), [fresh, recent].sort(), 'the idle ones are deleted');
  const kept = await call('GET', `/ecom/v1/orders/${order.body.orderId}`, undefined, w.a.secretKey);
  assert.equal(kept.status, 200);
  assert.equal(kept.body.order.buyerInfo.email, 'kept@example.com', 'the order keeps its own copy');
});

test('a store keeps checkouts 1 to 365 days', async () => {
  for (const days of [0, 366, 1.5, '30']) {
    const r = await call('PUT', '/admin/v1/store', { ...demoStore(), checkoutRetentionDays: days }, w.a.secretKey);
    assert.equal(r.status, 400, `${days}`);
  }
  const r = await call('PUT', '/admin/v1/store', { ...demoStore(), checkoutRetentionDays: 7 }, w.a.secretKey);
  assert.equal(r.status, 200);
  const id = await newCheckout();
  await age(id, 8);
  assert.equal((await call('GET', `/ecom/v1/checkouts/${id}`)).status, 404);
});

test('an order never paid and canceled forgets its buyer once its store keeps checkouts no longer; a paid one keeps it', async () => {
  const r0 = await call('PUT', '/admin/v1/store', { ...demoStore(), checkoutRetentionDays: 30 }, w.a.secretKey);
  assert.equal(r0.status, 200);
  const place = async () => {
    const id = await newCheckout({ ...buyer, buyerNote: 'ring twice' });
    const r = await call('POST', `/ecom/v1/checkouts/${id}/create-order`, {});
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.orderId;
  };
  const [unpaid, paid, recent] = [await place(), await place(), await place()];
  assert.equal((await call('POST', `/ecom/v1/orders/${paid}/mark-as-paid`, {}, w.a.secretKey)).status, 200);
  for (const id of [unpaid, recent]) assert.equal((await call('POST', `/ecom/v1/orders/${id}/cancel`, {}, w.a.secretKey)).status, 200);
  const made = (days) => new Date(Date.now() - days * 86_400_000).toISOString();
  await w.sql('UPDATE orders SET created_date = ?1 WHERE id IN (?2, ?3)', made(31), unpaid, paid);
  await w.sql('UPDATE orders SET created_date = ?1 WHERE id = ?2', made(29), recent);
  await w.scheduled();
  const order = async (id) => (await call('GET', `/ecom/v1/orders/${id}`, undefined, w.a.secretKey)).body.order;
  const forgot = await order(unpaid);
  assert.equal(forgot.status, 'CANCELED');
  for (const field of ['buyerInfo', 'billingInfo', 'buyerNote']) assert.equal(forgot[field], undefined, field);
  assert.equal(forgot.shippingInfo?.logistics?.shippingDestination, undefined);
  assert.ok(!JSON.stringify(forgot).includes('kept@example.com'));
  assert.ok(forgot.priceSummary && forgot.lineItems.length === 1, 'what was ordered stays');
  const search = await call('POST', '/ecom/v1/orders/search', { search: { filter: { 'buyerInfo.email': 'kept@example.com' } } }, w.a.secretKey);
  assert.ok(!search.body.orders.some((o) => o.id === unpaid), 'nor is it found by the email');
  assert.equal((await order(paid)).buyerInfo.email, 'kept@example.com', 'a paid order keeps its buyer');
  assert.equal((await order(recent)).buyerInfo.email, 'kept@example.com', 'a canceled one of 29 days too');
});
