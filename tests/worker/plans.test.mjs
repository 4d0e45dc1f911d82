// Plan orders (docs/api.md, Plan orders): PLAN catalog items, previews, eligibility
// and the free trial once per buyer and plan, offline orders and every
// lifecycle route, the status following the clock on reads between scheduled
// runs, the scheduled handler persisting the moves with their events, and 428
// with the current status for what the state machine refuses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { startMiniflare, json, demoStore } from '../support/worker.mjs';

let w;
let receiver;
const received = [];
const DAY = 86_400_000;

const plans = [
  { id: 'gold', name: 'Gold membership', price: '20.00', itemType: 'PLAN', taxGroupId: 'plans',
    plan: { duration: { count: 1, unit: 'MONTH' }, recurring: true, freeTrialDays: 7 } },
  { id: 'day-pass', name: 'Day pass', price: '5.00', itemType: 'PLAN', plan: { duration: { count: 1, unit: 'DAY' } } },
  { id: 'lifetime', name: 'Lifetime', price: '300.00', itemType: 'PLAN', plan: { maxPurchasesPerBuyer: 1 } },
];

const post = (path, body) => w.fetch(path, json('POST', body, w.a.secretKey));
const get = (path, key = w.a.secretKey) => w.fetch(path, { headers: { authorization: key } });
const offline = async (body) => {
  const r = await post('/pricing-plans/v2/checkout/orders/offline', body);
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()).order;
};
const iso = (ms) => new Date(ms).toISOString();

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { received.push(body); res.end('ok'); });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  w = await startMiniflare({ EVENTS_RETRY_BASE_MS: '5', ALLOW_LOCAL_WEBHOOKS: 'true' });
  const base = demoStore();
  const store = {
    ...base,
    catalog: [...base.catalog, ...plans],
    taxRegions: [{ country: '*', rates: { '*': '0.0825', plans: '0.1' } }],
    webhooks: { url: `http://127.0.0.1:${receiver.address().port}/hooks` },
  };
  const r = await w.fetch('/admin/v1/store', json('PUT', store, w.a.secretKey));
  assert.equal(r.status, 200, await r.text());
});
after(async () => {
  await w?.close();
  receiver?.close();
});

test('a PLAN item carries valid terms, and only a PLAN item does', async () => {
  const base = demoStore();
  for (const [item, field] of [
    [{ id: 'p', name: 'P', price: '1.00', itemType: 'PLAN' }, 'catalog[5].plan'],
    [{ id: 'p', name: 'P', price: '1.00', itemType: 'DIGITAL', plan: {} }, 'catalog[5].plan'],
    [{ id: 'p', name: 'P', price: '1.00', itemType: 'PLAN', plan: { recurring: true } }, 'catalog[5].plan'],
    [{ id: 'p', name: 'P', price: '1.00', itemType: 'PLAN', plan: { duration: { count: 0, unit: 'DAY' } } }, 'catalog[5].plan'],
  ]) {
    const r = await w.fetch('/admin/v1/store', json('PUT', { ...base, catalog: [...base.catalog, item] }, w.b.secretKey));
    assert.equal(r.status, 400);
    const body = await r.json();
    assert.equal(body.details.validationError.fieldViolations[0].field, field);
  }
});

test('price preview: the plan priced like a checkout line, with a coupon and the default region tax', async () => {
  let r = await post('/pricing-plans/v2/checkout/orders/price-preview', { planId: 'gold' });
  assert.equal(r.status, 200);
  assert.deepEqual((await r.json()).price, {
    subtotal: '20.00', discount: '0.00', tax: { name: 'Tax', includedInPrice: false, rate: '0.1', amount: '2.00' },
    total: '22.00', planPrice: '20.00', currency: 'USD', freeTrialDays: 7,
  });
  r = await post('/pricing-plans/v2/checkout/orders/price-preview', { planId: 'gold', couponCode: 'SAVE10' });
  const { price } = await r.json();
  assert.equal(price.discount, '2.00');
  assert.deepEqual(price.coupon, { code: 'SAVE10', amount: '2.00' });
  assert.equal(price.total, '19.80');
  r = await post('/pricing-plans/v2/checkout/orders/price-preview', { planId: 'gold', couponCode: 'NOPE' });
  assert.equal(r.status, 400);
  assert.equal((await r.json()).details.applicationError.code, 'ERROR_COUPON_DOES_NOT_EXIST');
  r = await post('/pricing-plans/v2/checkout/orders/price-preview', { planId: 'mug' });
  assert.equal(r.status, 404);
  r = await post('/pricing-plans/v2/checkout/orders/price-preview', {});
  assert.equal(r.status, 400);
  assert.equal((await r.json()).details.validationError.fieldViolations[0].field, 'planId');
  // nothing was created
  r = await get('/pricing-plans/v2/orders?planIds=gold');
  assert.equal((await r.json()).pagingMetadata.total, 0);
});

test('the free trial once per buyer and plan; previews create nothing; the purchase limit', async () => {
  const ask = async (planId, memberId) => (await post('/pricing-plans/v2/checkout/orders/eligibility', { planId, memberId })).json();
  assert.deepEqual(await ask('gold', 'ann'), { eligible: true, freeTrialEligible: true, freeTrialDays: 7 });
  let r = await post('/pricing-plans/v2/checkout/orders/preview-offline', { planId: 'gold', memberId: 'ann' });
  const preview = (await r.json()).order;
  assert.equal(preview.freeTrialDays, 7);
  assert.equal(preview.type, 'OFFLINE');
  r = await post('/pricing-plans/v2/checkout/orders/preview-online', { planId: 'gold', memberId: 'ann' });
  assert.equal((await r.json()).order.type, 'ONLINE');
  assert.deepEqual(await ask('gold', 'ann'), { eligible: true, freeTrialEligible: true, freeTrialDays: 7 });

  const first = await offline({ planId: 'gold', memberId: 'ann', paid: true });
  assert.equal(first.status, 'ACTIVE');
  assert.equal(first.freeTrialDays, 7);
  assert.equal(first.lastPaymentStatus, 'PAID');
  assert.equal(first.endDate, undefined, 'a recurring order renews until canceled');
  assert.equal(Date.parse(first.billingStart) - Date.parse(first.startDate), 7 * DAY);
  assert.deepEqual(await ask('gold', 'ann'), { eligible: true, freeTrialEligible: false });
  const second = await offline({ planId: 'gold', memberId: 'ann' });
  assert.equal(second.freeTrialDays, undefined);
  assert.equal(second.lastPaymentStatus, 'NOT_PAID');

  // concurrent first purchases by one buyer: one trial only
  const racing = await Promise.all(Array.from({ length: 8 }, () => offline({ planId: 'gold', memberId: 'bob' })));
  assert.equal(racing.filter((o) => o.freeTrialDays === 7).length, 1);

  // at most one lifetime plan per buyer, even when asked for at once
  const results = await Promise.all(Array.from({ length: 5 }, () =>
    post('/pricing-plans/v2/checkout/orders/offline', { planId: 'lifetime', memberId: 'cat' })));
  assert.deepEqual(results.map((x) => x.status).sort(), [200, 428, 428, 428, 428]);
  assert.deepEqual(await ask('lifetime', 'cat'), { eligible: false, reason: 'PURCHASE_LIMIT_REACHED', freeTrialEligible: false });
  const lifetime = (await (await get('/pricing-plans/v2/orders?planIds=lifetime&buyerIds=cat')).json()).orders;
  assert.equal(lifetime.length, 1);
  assert.equal(lifetime[0].endDate, undefined);
});

test('every lifecycle route, and 428 with the current status for what the state machine refuses', async () => {
  const start = Date.now() + 30 * DAY;
  let order = await offline({ planId: 'day-pass', memberId: 'dan', startDate: iso(start) });
  assert.equal(order.status, 'PENDING');
  assert.equal(order.endDate, iso(start + DAY));
  const act = async (path, body, method = 'POST') => {
    const r = await w.fetch(`/pricing-plans/v2/orders/${order.id}${path}`, json(method, body, w.a.secretKey));
    return { status: r.status, body: await r.json() };
  };
  let r = await act('/pause', {});
  assert.equal(r.status, 428);
  assert.equal(r.body.details.applicationError.code, 'ORDER_STATUS_DOES_NOT_ALLOW');
  assert.equal(r.body.details.applicationError.data.currentStatus, 'PENDING');

  r = await act('/set-start-date', { id: order.id, startDate: iso(start + DAY) });
  assert.equal(r.status, 200);
  assert.equal(r.body.order.endDate, iso(start + 2 * DAY));
  r = await act('', { id: order.id, endDate: iso(start + 5 * DAY) }, 'PATCH');
  assert.equal(r.body.order.endDate, iso(start + 5 * DAY));
  r = await act('/mark-as-paid', {});
  assert.equal(r.body.order.lastPaymentStatus, 'PAID');
  r = await act('/mark-as-paid', {});
  assert.equal(r.status, 428);

  // an order that started already: pause, resume, cancel
  order = await offline({ planId: 'day-pass', memberId: 'dan', startDate: iso(Date.now() - DAY / 2) });
  assert.equal(order.status, 'ACTIVE');
  r = await act('/set-start-date', { startDate: iso(start) });
  assert.equal(r.body.details.applicationError.data.currentStatus, 'ACTIVE');
  r = await act('/pause', {});
  assert.equal(r.body.order.status, 'PAUSED');
  r = await act('/resume', {});
  assert.equal(r.body.order.status, 'ACTIVE');
  assert.ok(Date.parse(r.body.order.endDate) >= Date.parse(order.endDate));
  r = await act('/cancel', { effectiveAt: 'SOMETIME' });
  assert.equal(r.status, 400);
  r = await act('/cancel', { effectiveAt: 'IMMEDIATELY' });
  assert.equal(r.body.order.status, 'CANCELED');
  for (const path of ['/pause', '/resume', '/cancel']) {
    r = await act(path, { effectiveAt: 'IMMEDIATELY' });
    assert.equal(r.status, 428, path);
    assert.equal(r.body.details.applicationError.data.currentStatus, 'CANCELED');
  }
  const history = (await (await get(`/pricing-plans/v2/orders/${order.id}`)).json()).order.history;
  assert.deepEqual(history.map((c) => `${c.from}>${c.to}`), ['PENDING>ACTIVE', 'ACTIVE>PAUSED', 'PAUSED>ACTIVE', 'ACTIVE>CANCELED']);

  assert.equal((await get('/pricing-plans/v2/orders/no-such-order')).status, 404);
  // another tenant's order is not found; the publishable key may not
  assert.equal((await get(`/pricing-plans/v2/orders/${order.id}`, w.b.secretKey)).status, 404);
  assert.equal((await get(`/pricing-plans/v2/orders/${order.id}`, w.a.publishableKey)).status, 403);
});

let raced;
test('concurrent changes of one order: one is made, the others see its status; no event of a change not made', async () => {
  raced = await offline({ planId: 'day-pass', memberId: 'fay', startDate: iso(Date.now() - 1000) });
  const results = await Promise.all(Array.from({ length: 10 }, () => post(`/pricing-plans/v2/orders/${raced.id}/pause`, {})));
  const statuses = results.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, ...Array(9).fill(428)]);
  for (const r of results.filter((x) => x.status === 428)) {
    assert.equal((await r.json()).details.applicationError.data.currentStatus, 'PAUSED');
  }
});

test('status follows the clock on every read, and the scheduled handler persists the moves with their events', async () => {
  // starts in 3 s; ends (a day pass started a day ago) in 3 s; canceled at its next payment date in 3 s
  const soon = Date.now() + 3000;
  const starting = await offline({ planId: 'day-pass', memberId: 'eve', startDate: iso(soon) });
  const ending = await offline({ planId: 'day-pass', memberId: 'eve', startDate: iso(soon - DAY) });
  const canceling = await offline({ planId: 'day-pass', memberId: 'eve', startDate: iso(soon - DAY) });
  let r = await post(`/pricing-plans/v2/orders/${canceling.id}/cancel`, { effectiveAt: 'NEXT_PAYMENT_DATE' });
  assert.equal((await r.json()).order.status, 'PENDING_CANCELLATION');
  assert.deepEqual([starting.status, ending.status], ['PENDING', 'ACTIVE']);

  await new Promise((res) => setTimeout(res, Math.max(0, soon - Date.now()) + 300));
  // no scheduled run yet: reads are right anyway
  const now = async (id) => (await (await get(`/pricing-plans/v2/orders/${id}`)).json()).order.status;
  assert.equal(await now(starting.id), 'ACTIVE');
  assert.equal(await now(ending.id), 'EXPIRED');
  assert.equal(await now(canceling.id), 'CANCELED');
  const listed = await (await get('/pricing-plans/v2/orders?buyerIds=eve&orderStatuses=EXPIRED,CANCELED')).json();
  assert.deepEqual(listed.orders.map((o) => o.id).sort(), [ending.id, canceling.id].sort());

  await w.scheduled();
  for (let i = 0; i < 50; i++) {
    await w.scheduled();
    const slugs = received.length;
    if (slugs && (await events()).some((e) => e.entityId === starting.id && e.slug === 'order_started')) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const all = await events();
  const of = (id) => all.filter((e) => e.entityId === id).map((e) => e.slug).sort();
  // the racing pauses of the test before: one pause, one event
  assert.deepEqual(of(raced.id), ['created', 'order_paused', 'order_started']);
  assert.deepEqual(of(starting.id), ['created', 'order_started']);
  assert.deepEqual(of(ending.id), ['created', 'order_ended', 'order_started']);
  assert.deepEqual(of(canceling.id), ['created', 'order_auto_renew_canceled', 'order_canceled', 'order_started']);
  const ended = all.find((e) => e.entityId === ending.id && e.slug === 'order_ended');
  assert.equal(ended.entityFqdn, 'wix.pricing_plans.v2.order');
  assert.equal(ended.actionEvent.body.order.status, 'EXPIRED');
});

async function events() {
  const jwks = createLocalJWKSet(await (await w.fetch('/.well-known/jwks.json')).json());
  const out = new Map();
  for (const token of received) {
    const { payload } = await jwtVerify(token, jwks, { algorithms: ['ES256'] });
    const e = JSON.parse(payload.data);
    out.set(e.id, e);
  }
  return [...out.values()];
}
