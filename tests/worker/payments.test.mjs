// An order's payment lifecycle: an order with money due holds its stock,
// coupon use and gift card amount until it is paid (the merchant's
// mark-as-paid, or Stripe's signed webhook) or its deadline passes, when it
// is canceled and all of it given back, once; races of cancels and payments
// end in one outcome.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { startMiniflare, json, demoStore } from '../support/worker.mjs';

const stripe = new Stripe('sk_test_unused');
let w;
let sk;
let pk;

before(async () => {
  w = await startMiniflare({}, {}, { stores: ['a'] });
  ({ secretKey: sk, publishableKey: pk } = w.a);
});
after(async () => { await w?.close(); });

const call = async (method, path, body, key = sk) => {
  const r = await w.fetch(path, json(method, body, key));
  return { status: r.status, body: await r.json() };
};
const code = (body) => body.details?.applicationError?.code;
const address = { country: 'US', subdivision: 'US-CA', city: 'San Francisco', addressLine: '1 Main St' };
const checkoutInfo = {
  buyerInfo: { email: 'ada@example.com' }, billingInfo: { address },
  shippingInfo: { shippingDestination: { address }, selectedCarrierServiceOption: { code: 'standard' } },
};
const live = async () => {
  const { store } = (await call('GET', '/admin/v1/store')).body;
  return {
    mug: store.catalog.find((i) => i.id === 'mug').stock,
    uses: store.coupons.find((c) => c.code === 'LIMITED').uses ?? 0,
    gift: store.giftCards.find((g) => g.code === 'GIFT-25').balance,
  };
};
/** A checkout of `mugs` mugs with the LIMITED coupon (and the gift card, if asked), ordered with `key`. */
async function placeOrder({ mugs = 1, giftCard = false, key = pk } = {}) {
  let r = await call('POST', '/ecom/v1/checkouts', {
    lineItems: [{ quantity: mugs, catalogReference: { catalogItemId: 'mug' } }], checkoutInfo,
    couponCode: 'LIMITED', ...(giftCard ? { giftCardCode: 'GIFT-25' } : {}),
  }, key);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const { checkout } = r.body;
  r = await call('POST', `/ecom/v1/checkouts/${checkout.id}/create-order`, {}, key);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return { checkout, ...r.body };
}
/** As if the order's deadline had passed. */
const overdue = (orderId) => w.sql('UPDATE orders SET pay_by_ms = ? WHERE id = ?', Date.now() - 1000, orderId);
const orderEvents = async (orderId) => (await call('GET', '/admin/v1/events?limit=100')).body.events
  .filter((e) => e.entityId === orderId).map((e) => e.slug).sort();
/** Stripe's call to the worker, signed with `secret` as Stripe signs it. */
async function stripeCall(event, { secret = w.a.tenant.stripeWebhookSecret, tenant = w.a.tenant.appDefId, timestamp } = {}) {
  const payload = JSON.stringify(event);
  const header = stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) });
  const r = await w.fetch(`/payments/v1/stripe/webhook?tenant=${tenant}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': header }, body: payload,
  });
  return { status: r.status, body: await r.json() };
}
const intentEvent = (type, gatewayId, amount, { id = `evt_${Math.random().toString(36).slice(2)}`, currency = 'usd' } = {}) => ({
  id, object: 'event', type, api_version: '2025-01-27', created: Math.floor(Date.now() / 1000), livemode: false,
  data: { object: { id: 'pi_test_1', object: 'payment_intent', amount, amount_received: type.endsWith('succeeded') ? amount : 0, currency,
    metadata: { paymentGatewayOrderId: gatewayId } } },
});
const minor = (amount) => Math.round(Number(amount) * 100);

test('an unpaid order holds what it took until its deadline; then it is canceled, all of it given back once, and the checkout can be ordered again', async () => {
  const start = await live();
  const placed = await placeOrder({ mugs: 2 });
  let r = await call('GET', `/ecom/v1/orders/${placed.orderId}`);
  assert.equal(r.body.order.status, 'INITIALIZED');
  assert.deepEqual(await live(), { ...start, mug: start.mug - 2, uses: start.uses + 1 });
  // the publishable key may not pay or cancel
  assert.equal((await call('POST', `/ecom/v1/orders/${placed.orderId}/mark-as-paid`, {}, pk)).status, 403);
  assert.equal((await call('POST', `/ecom/v1/orders/${placed.orderId}/cancel`, {}, pk)).status, 403);
  // not before the deadline
  await w.scheduled();
  assert.equal((await call('GET', `/ecom/v1/orders/${placed.orderId}`)).body.order.status, 'INITIALIZED');

  await overdue(placed.orderId);
  await w.scheduled();
  await w.scheduled();
  r = await call('GET', `/ecom/v1/orders/${placed.orderId}`);
  assert.equal(r.body.order.status, 'CANCELED');
  assert.equal(r.body.order.paymentStatus, 'CANCELED');
  assert.equal(r.body.order.payByDate, undefined);
  assert.deepEqual(await live(), start, 'the stock and the coupon use came back, once');
  assert.deepEqual(await orderEvents(placed.orderId), ['canceled', 'created']);
  // the checkout is open again: a new order takes the stock anew
  const { checkout } = (await call('GET', `/ecom/v1/checkouts/${placed.checkout.id}`)).body;
  assert.equal(checkout.completed, false);
  r = await call('POST', `/ecom/v1/checkouts/${placed.checkout.id}/create-order`, {}, pk);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.notEqual(r.body.orderId, placed.orderId);
  assert.equal((await live()).mug, start.mug - 2);
  await call('POST', `/ecom/v1/orders/${r.body.orderId}/cancel`, {});
  assert.deepEqual(await live(), start);
});

test('reading an order past its deadline cancels it, as the scheduled handler would; a paid order keeps what it took', async () => {
  const start = await live();
  const unpaid = await placeOrder();
  await overdue(unpaid.orderId);
  const r = await call('GET', `/ecom/v1/orders/${unpaid.orderId}`);
  assert.equal(r.body.order.status, 'CANCELED');
  assert.deepEqual(await live(), start);

  const paid = await placeOrder();
  assert.equal((await call('POST', `/ecom/v1/orders/${paid.orderId}/mark-as-paid`, {})).status, 200);
  await overdue(paid.orderId);
  await w.scheduled();
  const order = (await call('GET', `/ecom/v1/orders/${paid.orderId}`)).body.order;
  assert.equal(order.status, 'APPROVED');
  assert.equal(order.paymentStatus, 'PAID');
  assert.equal((await live()).mug, start.mug - 1);
  assert.equal((await call('GET', `/ecom/v1/checkouts/${paid.checkout.id}`)).body.checkout.completed, true);
  // canceled by the merchant: given back, paid stays paid, the checkout stays completed; once
  for (let i = 0; i < 2; i++) {
    const c = await call('POST', `/ecom/v1/orders/${paid.orderId}/cancel`, {});
    assert.equal(c.body.order.status, 'CANCELED');
    assert.equal(c.body.order.paymentStatus, 'PAID');
  }
  assert.deepEqual(await live(), start);
  // a canceled order cannot be marked paid
  const refused = await call('POST', `/ecom/v1/orders/${unpaid.orderId}/mark-as-paid`, {});
  assert.equal(refused.status, 428);
  assert.equal(code(refused.body), 'ORDER_STATUS_DOES_NOT_ALLOW');
});

test('an order paid in full by a gift card, or free, is paid at once and completes its checkout', async () => {
  const placed = await placeOrder({ giftCard: true });
  assert.equal(placed.paymentGatewayOrderId, undefined, 'nothing to charge');
  const order = (await call('GET', `/ecom/v1/orders/${placed.orderId}`)).body.order;
  assert.equal(order.status, 'APPROVED');
  assert.equal(order.paymentStatus, 'PAID');
  assert.equal((await call('GET', `/ecom/v1/checkouts/${placed.checkout.id}`)).body.checkout.completed, true);
  // its cancellation gives the gift card amount back
  const spent = (await live()).gift;
  await call('POST', `/ecom/v1/orders/${placed.orderId}/cancel`, {});
  assert.ok(Number((await live()).gift) > Number(spent));
  assert.equal((await live()).gift, '25.00');
});

test("Stripe's signed webhook pays the order it names, once; refused calls change nothing", async () => {
  const start = await live();
  const placed = await placeOrder();
  const order = (await call('GET', `/ecom/v1/orders/${placed.orderId}`)).body.order;
  const amount = minor(order.payNow.total.amount);
  const gid = placed.paymentGatewayOrderId;

  // refused: another secret, an old timestamp, another tenant, no tenant, no signature, an unknown order
  const paidEvent = intentEvent('payment_intent.succeeded', gid, amount, { id: 'evt_paid_1' });
  for (const [what, r] of [
    ['another secret', await stripeCall(paidEvent, { secret: 'whsec_not_ours' })],
    ['an old timestamp', await stripeCall(paidEvent, { timestamp: Math.floor(Date.now() / 1000) - 600 })],
    ["another tenant's endpoint", await stripeCall(paidEvent, { tenant: w.b.tenant.appDefId })],
    ['an unknown order', await stripeCall(intentEvent('payment_intent.succeeded', 'no-such-order', amount))],
  ]) {
    assert.equal(r.status, 400, `${what}: ${JSON.stringify(r.body)}`);
  }
  let r = await w.fetch('/payments/v1/stripe/webhook', { method: 'POST', body: JSON.stringify(paidEvent) });
  assert.equal(r.status, 400, 'no tenant');
  r = await w.fetch(`/payments/v1/stripe/webhook?tenant=${w.a.tenant.appDefId}`, { method: 'POST', body: JSON.stringify(paidEvent) });
  assert.equal(r.status, 400, 'no signature');
  // an unknown tenant and a forged signature get one and the same answer: nothing tells which tenants exist
  const forged = await stripeCall(paidEvent, { secret: 'whsec_not_ours' });
  const unknown = await stripeCall(paidEvent, { tenant: 'no-such-tenant' });
  assert.deepEqual([unknown.status, unknown.body.message, unknown.body.details],
    [forged.status, forged.body.message, forged.body.details]);
  assert.equal(forged.body.details.applicationError.code, 'WEBHOOK_REFUSED');
  assert.equal((await call('GET', `/ecom/v1/orders/${placed.orderId}`)).body.order.paymentStatus, 'NOT_PAID');

  // a declined attempt is noted; the order still awaits payment
  r = await stripeCall(intentEvent('payment_intent.payment_failed', gid, amount));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal((await call('GET', `/ecom/v1/orders/${placed.orderId}`)).body.order.paymentStatus, 'DECLINED');
  // another event type is taken and ignored
  r = await stripeCall({ ...paidEvent, id: 'evt_other', type: 'charge.refunded' });
  assert.deepEqual(r.body, { received: true });

  // paid, and the same delivery again changes nothing
  for (let i = 0; i < 3; i++) {
    r = await stripeCall(paidEvent);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.orderId, placed.orderId);
  }
  const paid = (await call('GET', `/ecom/v1/orders/${placed.orderId}`)).body.order;
  assert.equal(paid.status, 'APPROVED');
  assert.equal(paid.paymentStatus, 'PAID');
  assert.deepEqual(paid.payments.map((p) => [p.provider, p.id, p.status, p.amountMinor, p.currency]),
    [['stripe', 'pi_test_1', 'FAILED', String(amount), 'USD'], ['stripe', 'pi_test_1', 'SUCCEEDED', String(amount), 'USD']]);
  assert.equal((await call('GET', `/ecom/v1/checkouts/${placed.checkout.id}`)).body.checkout.completed, true);
  assert.deepEqual(await orderEvents(placed.orderId), ['approved', 'created', 'payment_status_updated']);
  assert.deepEqual(await live(), { ...start, mug: start.mug - 1, uses: start.uses + 1 });
  await call('POST', `/ecom/v1/orders/${placed.orderId}/cancel`, {});
});

test('a payment of another amount, or after the order was canceled, is recorded and flagged, never lost', async () => {
  const placed = await placeOrder();
  const order = (await call('GET', `/ecom/v1/orders/${placed.orderId}`)).body.order;
  const amount = minor(order.payNow.total.amount);
  // delivered twice, recorded once
  const short = intentEvent('payment_intent.succeeded', placed.paymentGatewayOrderId, amount - 1);
  let r = await stripeCall(short);
  assert.equal(r.status, 200);
  assert.equal((await stripeCall(short)).status, 200);
  let now = (await call('GET', `/ecom/v1/orders/${placed.orderId}`)).body.order;
  assert.equal(now.payments.length, 1);
  assert.equal(now.status, 'INITIALIZED');
  assert.deepEqual(now.attention.map((a) => a.code), ['PAYMENT_AMOUNT_MISMATCH']);

  await overdue(placed.orderId);
  await w.scheduled();
  r = await stripeCall(intentEvent('payment_intent.succeeded', placed.paymentGatewayOrderId, amount));
  assert.equal(r.status, 200);
  now = (await call('GET', `/ecom/v1/orders/${placed.orderId}`)).body.order;
  assert.equal(now.status, 'CANCELED');
  assert.equal(now.paymentStatus, 'PAID');
  assert.deepEqual(now.attention.map((a) => a.code), ['PAYMENT_AMOUNT_MISMATCH', 'PAID_AFTER_CANCELLATION']);
  assert.equal(now.payments.length, 2);
  const found = await call('POST', '/ecom/v1/orders/search', { search: { filter: { paymentStatus: { $in: ['PAID'] }, status: { $in: ['CANCELED'] } } } });
  assert.ok(found.body.orders.some((o) => o.id === placed.orderId), 'the merchant finds it');
});

test('20 cancels and 20 payments racing on one order: one outcome, nothing given back twice', async () => {
  const start = await live();
  // three orders raced, and one of cancels alone: each a fresh chance for two changes to read one version
  for (const payments of [true, true, true, false]) {
    const placed = await placeOrder({ mugs: 2 });
    const order = (await call('GET', `/ecom/v1/orders/${placed.orderId}`)).body.order;
    const amount = minor(order.payNow.total.amount);
    const calls = [];
    for (let i = 0; i < 20; i++) {
      calls.push(call('POST', `/ecom/v1/orders/${placed.orderId}/cancel`, {}));
      if (!payments) calls.push(call('POST', `/ecom/v1/orders/${placed.orderId}/cancel`, {}));
      else if (i % 2) calls.push(call('POST', `/ecom/v1/orders/${placed.orderId}/mark-as-paid`, {}));
      else calls.push(stripeCall(intentEvent('payment_intent.succeeded', placed.paymentGatewayOrderId, amount, { id: `evt_race_${i}` })));
    }
    const answers = await Promise.all(calls);
    for (const a of answers) assert.ok([200, 428].includes(a.status), JSON.stringify(a.body));
    const final = (await call('GET', `/ecom/v1/orders/${placed.orderId}`)).body.order;
    assert.equal(final.status, 'CANCELED');
    assert.deepEqual(await live(), start, 'given back exactly once');
    const events = await orderEvents(placed.orderId);
    assert.equal(events.filter((s) => s === 'canceled').length, 1);
    assert.ok(events.filter((s) => s === 'approved').length <= 1);
  }
});

/** Calls as a storefront page of the client at `ip` makes them. */
const from = (ip) => async (method, path, body, key = pk) => {
  const init = json(method, body, key);
  init.headers['cf-connecting-ip'] = ip;
  const r = await w.fetch(path, init);
  return { status: r.status, body: await r.json(), retryAfter: r.headers.get('retry-after') };
};

test("one client holds at most the store's live unpaid orders (3): the next is 429 with Retry-After until one is paid; another client and the merchant go on", async () => {
  const order = async (as, key = pk) => {
    const c = await as('POST', '/ecom/v1/checkouts',
      { lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'stickers' } }], checkoutInfo }, key);
    assert.equal(c.status, 200, JSON.stringify(c.body));
    return as('POST', `/ecom/v1/checkouts/${c.body.checkout.id}/create-order`, {}, key);
  };
  const hoarder = from('198.51.100.23');
  const placed = [];
  for (let i = 0; i < 3; i++) {
    const r = await order(hoarder);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    placed.push(r.body.orderId);
  }
  const refused = await order(hoarder);
  assert.equal(refused.status, 429, JSON.stringify(refused.body));
  assert.equal(code(refused.body), 'TOO_MANY_UNPAID_ORDERS');
  const wait = Number(refused.retryAfter);
  assert.ok(wait > 29 * 60 && wait <= 30 * 60, `Retry-After ${refused.retryAfter}: until the earliest deadline`);
  assert.equal(refused.body.details.applicationError.data.retryAfterSeconds, wait);
  // the same /64 is the same client
  const v6 = [from('2001:db8:5:6::1'), from('2001:db8:5:6::2'), from('2001:db8:5:6:ffff::9')];
  for (const as of v6) assert.equal((await order(as)).status, 200);
  assert.equal((await order(from('2001:db8:5:6::3'))).status, 429);
  assert.equal((await order(from('198.51.100.24'))).status, 200, 'another client');
  assert.equal((await order(hoarder, sk)).status, 200, "the merchant's own calls are no client's");
  // a paid order frees its place
  assert.equal((await call('POST', `/ecom/v1/orders/${placed[0]}/mark-as-paid`, {})).status, 200);
  assert.equal((await order(hoarder)).status, 200);
  assert.equal((await order(hoarder)).status, 429);
  // six at once from a new client: three placed, whatever the race
  const racer = from('198.51.100.77');
  const made = await Promise.all(Array.from({ length: 6 }, () => racer('POST', '/ecom/v1/checkouts',
    { lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'stickers' } }], checkoutInfo })));
  const raced = await Promise.all(made.map((c) => racer('POST', `/ecom/v1/checkouts/${c.body.checkout.id}/create-order`, {})));
  assert.deepEqual(raced.map((r) => r.status).sort(), [200, 200, 200, 429, 429, 429]);
});

test('the hoarding loop (order everything, let it lapse, order again) keeps every unit from buyers when orders take stock; with stockReservation PAYMENT it holds nothing, and a payment never oversells', async () => {
  const setStock = async (n) => {
    const { stock } = (await call('GET', '/admin/v1/store')).body.store.catalog.find((i) => i.id === 'mug');
    assert.equal((await call('POST', '/admin/v1/catalog/mug/stock', { set: n, expected: stock })).status, 200);
  };
  const cart = (mugs) => ({ lineItems: [{ quantity: mugs, catalogReference: { catalogItemId: 'mug' } }], checkoutInfo, couponCode: 'LIMITED' });
  const checkout = async (as, mugs) => {
    const c = await as('POST', '/ecom/v1/checkouts', cart(mugs));
    assert.equal(c.status, 200, JSON.stringify(c.body));
    return c.body.checkout.id;
  };
  const order = (id) => call('GET', `/ecom/v1/orders/${id}`).then((r) => r.body.order);
  // the coupon's own limit out of the way: the stock is what runs out here
  const coupons = demoStore().coupons.map((c) => (c.code === 'LIMITED' ? { ...c, usageLimit: 100 } : c));
  for (const [mode, n] of [['ORDER', 1], ['PAYMENT', 2]]) {
    assert.equal((await call('PUT', '/admin/v1/store', { ...demoStore(), coupons, stockReservation: mode })).status, 200);
    assert.equal((await call('GET', '/admin/v1/store')).body.store.stockReservation, mode);
    await setStock(3);
    const start = await live();
    const hoarder = from(`203.0.113.${n}`);
    const buyer = from(`203.0.113.${n + 10}`);
    // the loop: every unit ordered, left unpaid, let lapse, ordered again
    const hoarded = await checkout(hoarder, 3);
    let held = await hoarder('POST', `/ecom/v1/checkouts/${hoarded}/create-order`, {});
    assert.equal(held.status, 200, JSON.stringify(held.body));
    await overdue(held.body.orderId);
    held = await hoarder('POST', `/ecom/v1/checkouts/${hoarded}/create-order`, {});
    assert.equal(held.status, 200, `${mode}: ordered again once it lapsed`);
    const wanted = await checkout(buyer, 2);
    const bought = await buyer('POST', `/ecom/v1/checkouts/${wanted}/create-order`, {});
    if (mode === 'ORDER') {
      assert.deepEqual(await live(), { ...start, mug: 0, uses: start.uses + 1 }, 'the hoarder holds every unit');
      assert.equal(bought.status, 428);
      assert.equal(code(bought.body), 'FULL_OUT_OF_STOCK');
      await call('POST', `/ecom/v1/orders/${held.body.orderId}/cancel`, {});
      assert.deepEqual(await live(), start);
      continue;
    }
    // PAYMENT: unpaid orders hold nothing; the first payment takes the stock and the coupon use
    assert.equal(bought.status, 200, JSON.stringify(bought.body));
    assert.deepEqual(await live(), start, 'orders took nothing');
    const paid = await call('POST', `/ecom/v1/orders/${bought.body.orderId}/mark-as-paid`, {});
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.equal(paid.body.order.status, 'APPROVED');
    assert.deepEqual(await live(), { ...start, mug: 1, uses: start.uses + 1 });
    // the hoarder's order finds the stock gone: the merchant's mark-as-paid is refused, nothing changes
    const before = await order(held.body.orderId);
    const refused = await call('POST', `/ecom/v1/orders/${held.body.orderId}/mark-as-paid`, {});
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(code(refused.body), 'OUT_OF_STOCK');
    assert.deepEqual(await order(held.body.orderId), before);
    assert.deepEqual(await live(), { ...start, mug: 1, uses: start.uses + 1 });
    // a Stripe payment (the money is taken) is recorded, unapproved, flagged, told to the merchant; never oversold
    const amount = minor(before.payNow.total.amount);
    const gateway = held.body.paymentGatewayOrderId;
    const event = intentEvent('payment_intent.succeeded', gateway, amount, { id: 'evt_gone_1' });
    assert.equal((await stripeCall(event)).status, 200);
    let flagged = await order(held.body.orderId);
    assert.equal(flagged.status, 'INITIALIZED');
    assert.equal(flagged.paymentStatus, 'PAID');
    assert.equal(flagged.payByDate, undefined);
    assert.deepEqual(flagged.attention.map((a) => a.code), ['OUT_OF_STOCK']);
    assert.deepEqual(await live(), { ...start, mug: 1, uses: start.uses + 1 }, 'never oversold');
    const told = (await call('GET', '/admin/v1/events?limit=100')).body.events
      .filter((e) => e.entityId === held.body.orderId && e.slug === 'payment_status_updated');
    assert.equal(told.length, 1);
    // Stripe's second delivery changes nothing; a paid order never lapses, nor frees its checkout
    assert.equal((await stripeCall(event)).status, 200);
    await overdue(held.body.orderId);
    await w.scheduled();
    assert.deepEqual(await order(held.body.orderId), flagged);
    // restocked, the merchant approves it: the payment takes the stock now
    assert.equal((await call('POST', '/admin/v1/catalog/mug/stock', { delta: 2 })).status, 200);
    flagged = (await call('POST', `/ecom/v1/orders/${held.body.orderId}/mark-as-paid`, {})).body.order;
    assert.equal(flagged.status, 'APPROVED');
    assert.deepEqual(await live(), { ...start, mug: 0, uses: start.uses + 2 });
    // an approved order canceled gives back what it took, once
    assert.equal((await call('POST', `/ecom/v1/orders/${held.body.orderId}/cancel`, {})).status, 200);
    assert.deepEqual(await live(), { ...start, mug: 3, uses: start.uses + 1 });
  }
  assert.equal((await call('PUT', '/admin/v1/store', demoStore())).status, 200);
});
