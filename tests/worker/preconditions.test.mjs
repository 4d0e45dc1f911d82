// The create-order preconditions that depend on the store changing under an
// open checkout: an item leaves the catalog, a coupon or a gift card expires,
// a pickup option has no address, stock runs out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMiniflare, json } from '../support/worker.mjs';

let w;
let sk;
const past = '2020-01-01T00:00:00Z';
const address = { country: 'US', subdivision: 'US-CA', city: 'San Francisco', addressLine: '1 Main St' };
const store = {
  currency: 'USD',
  catalog: [
    { id: 'lamp', name: 'Lamp', price: '30.00', itemType: 'PHYSICAL', stock: 3 },
    { id: 'guide', name: 'Guide', price: '10.00', itemType: 'DIGITAL' },
  ],
  shippingOptions: [
    { code: 'post', title: 'Post', price: '4.00', deliveryTime: '2 days' },
    { code: 'pickup', title: 'Pick up', price: '0', pickup: { address } },
  ],
  coupons: [{ code: 'TEN', type: 'PERCENTAGE', value: '10' }],
  giftCards: [{ code: 'CARD', balance: '5.00' }],
};
before(async () => {
  w = await startMiniflare();
  sk = w.a.secretKey;
  await put(store);
});
after(async () => { await w?.close(); });

async function call(method, path, body) {
  const r = await w.fetch(path, json(method, body, sk));
  return { status: r.status, body: await r.json() };
}
/** The configuration, and the live counters set back to it (a PUT keeps them), as a merchant does: a set guarded by the value read. */
const put = async (s) => {
  const r = await call('PUT', '/admin/v1/store', s);
  assert.equal(r.status, 200);
  for (const item of s.catalog.filter((i) => i.stock !== undefined)) {
    const now = r.body.store.catalog.find((i) => i.id === item.id).stock;
    assert.equal((await call('POST', `/admin/v1/catalog/${item.id}/stock`, { set: item.stock, expected: now })).status, 200);
  }
  for (const card of s.giftCards) {
    const now = r.body.store.giftCards.find((g) => g.code === card.code).balance;
    assert.equal((await call('POST', `/admin/v1/gift-cards/${card.code}/balance`, { set: card.balance, expected: now })).status, 200);
  }
};
const codes = (r) => r.body.details.applicationError.data.violations.map((v) => v.code);
const info = {
  buyerInfo: { email: 'p@example.com' },
  billingInfo: { address },
  shippingInfo: { shippingDestination: { address }, selectedCarrierServiceOption: { code: 'post' } },
};
async function checkout(lineItems, extra = {}) {
  const r = await call('POST', '/ecom/v1/checkouts', { lineItems, checkoutInfo: info, ...extra });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.checkout;
}
const item = (id, quantity = 1) => ({ quantity, catalogReference: { catalogItemId: id } });
const order = (c) => call('POST', `/ecom/v1/checkouts/${c.id}/create-order`, {});

test('an item that left the catalog is NOT_FOUND and blocks the order', async () => {
  const c = await checkout([item('guide'), item('lamp')]);
  await put({ ...store, catalog: store.catalog.filter((i) => i.id !== 'guide') });
  const got = (await call('GET', `/ecom/v1/checkouts/${c.id}`)).body.checkout;
  assert.equal(got.lineItems[0].availability.status, 'NOT_FOUND');
  assert.equal(got.priceSummary.subtotal.amount, '30.00', 'a vanished item is not priced');
  const r = await order(c);
  assert.equal(r.status, 428);
  assert.deepEqual(codes(r), ['LINE_ITEM_NOT_AVAILABLE']);
  await put(store);
});

test('a coupon that expired after it was applied: CALCULATION_ERROR and ERROR_COUPON_HAS_EXPIRED', async () => {
  const c = await checkout([item('guide')], { couponCode: 'TEN' });
  await put({ ...store, coupons: [{ ...store.coupons[0], expiresAt: past }] });
  const r = await order(c);
  assert.equal(r.status, 428);
  assert.deepEqual(codes(r), ['CALCULATION_ERROR', 'ERROR_COUPON_HAS_EXPIRED']);
  // and it cannot be applied again
  const again = await call('PATCH', `/ecom/v1/checkouts/${c.id}`, { couponCode: 'TEN' });
  assert.equal(again.status, 400);
  assert.equal(again.body.details.applicationError.code, 'ERROR_COUPON_HAS_EXPIRED');
  await put(store);
});

test('a gift card that expired after it was applied: GIFT_CARD_EXPIRED', async () => {
  const c = await checkout([item('guide')], { giftCardCode: 'CARD' });
  await put({ ...store, giftCards: [{ ...store.giftCards[0], expiresAt: past }] });
  const r = await order(c);
  assert.equal(r.status, 428);
  assert.deepEqual(codes(r), ['CALCULATION_ERROR', 'GIFT_CARD_EXPIRED']);
  await put(store);
});

test('a pickup option without its address: PICKUP_DETAILS_REQUIRED; with it, no shipping address is needed', async () => {
  const noAddress = { ...store, shippingOptions: [store.shippingOptions[0], { code: 'pickup', title: 'Pick up', price: '0', pickup: {} }] };
  await put(noAddress);
  const c = await checkout([item('lamp')], {
    checkoutInfo: { buyerInfo: info.buyerInfo, billingInfo: info.billingInfo, shippingInfo: { selectedCarrierServiceOption: { code: 'pickup' } } },
  });
  let r = await order(c);
  assert.equal(r.status, 428);
  assert.deepEqual(codes(r), ['PICKUP_DETAILS_REQUIRED']);
  await put(store);
  r = await order(c);
  assert.equal(r.status, 200, JSON.stringify(r.body));
});

test('stock taken by another order after the checkout was priced: PARTIAL_OUT_OF_STOCK', async () => {
  await put(store); // 3 lamps
  const mine = await checkout([item('lamp', 2)]);
  const theirs = await checkout([item('lamp', 2)]);
  assert.equal((await order(theirs)).status, 200);
  const r = await order(mine);
  assert.equal(r.status, 428);
  assert.deepEqual(codes(r), ['PARTIAL_OUT_OF_STOCK']);
  assert.equal((await call('GET', '/admin/v1/store')).body.store.catalog[0].stock, 1);
});

test('POST /api/v1/orders/checkout: the order of a completed checkout in the order-service shape, once', async () => {
  await put(store);
  // completed in another system: the order is made now, and the same one after
  const elsewhere = await checkout([item('guide', 2)]);
  let r = await call('POST', '/api/v1/orders/checkout', { checkoutSessionId: elsewhere.id });
  assert.equal(r.status, 400);
  assert.equal(r.body.details.applicationError.code, 'CHECKOUT_NOT_COMPLETED');
  assert.equal((await call('POST', `/ecom/v1/checkouts/${elsewhere.id}/mark-as-completed`, {})).status, 200);
  const calls = await Promise.all(Array.from({ length: 5 }, () => call('POST', '/api/v1/orders/checkout', { checkoutSessionId: elsewhere.id })));
  for (const c of calls) assert.equal(c.status, 200, JSON.stringify(c.body));
  const made = calls[0].body;
  assert.ok(calls.every((c) => c.body.id === made.id), 'one order, however often it is asked for');
  assert.deepEqual(Object.keys(made).sort(), ['billingAddress', 'createdAt', 'id', 'items', 'shippingAddress', 'status', 'totalAmount']);
  assert.equal(made.totalAmount, '20.00');
  assert.deepEqual(made.items.map((i) => [i.productId, i.price, i.quantity]), [['guide', '10.00', 2]]);
  assert.deepEqual(made.billingAddress, { street: '1 Main St', city: 'San Francisco', state: 'US-CA', country: 'US', postalCode: null });

  // an order made by create-order is returned as it is, once it is paid and its checkout completed
  const placed = await checkout([item('lamp')]);
  const { orderId } = (await order(placed)).body;
  r = await call('POST', '/api/v1/orders/checkout', { checkoutSessionId: placed.id });
  assert.equal(r.body.details.applicationError.code, 'CHECKOUT_NOT_COMPLETED');
  assert.equal((await call('POST', `/ecom/v1/orders/${orderId}/mark-as-paid`, {})).status, 200);
  r = await call('POST', '/api/v1/orders/checkout', { checkoutSessionId: placed.id });
  assert.equal(r.body.id, orderId);
  assert.equal(r.body.shippingAddress.city, 'San Francisco');

  const empty = await checkout([]);
  await call('POST', `/ecom/v1/checkouts/${empty.id}/mark-as-completed`, {});
  r = await call('POST', '/api/v1/orders/checkout', { checkoutSessionId: empty.id });
  assert.equal(r.status, 400);
  assert.equal(r.body.details.applicationError.code, 'NO_LINE_ITEMS');
  r = await call('POST', '/api/v1/orders/checkout', { checkoutSessionId: '00000000-0000-4000-8000-000000000000' });
  assert.equal(r.status, 404);
  r = await call('POST', '/api/v1/orders/checkout', {});
  assert.equal(r.status, 400);
});
