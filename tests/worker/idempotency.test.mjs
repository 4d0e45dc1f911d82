// Idempotency keys on the routes that create something, as Stripe defines
// them: the same key and request answer the first answer again (and create
// nothing more), another request with the key is refused, keys are per
// tenant and kept 24 hours.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startMiniflare, json } from '../support/worker.mjs';

let w;
before(async () => {
  w = await startMiniflare({}, {}, { stores: ['a', 'b'] });
});
after(async () => { await w?.close(); });

const code = (body) => body.details?.applicationError?.code ?? body.details?.validationError?.fieldViolations?.[0]?.violatedRule;
async function post(path, body, { key, auth = w.a.publishableKey } = {}) {
  const init = json('POST', body, auth);
  if (key !== undefined) init.headers['idempotency-key'] = key;
  const r = await w.fetch(path, init);
  return { status: r.status, body: await r.json(), replayed: r.headers.get('idempotent-replayed') === 'true' };
}
const address = { country: 'US', subdivision: 'US-CA', city: 'San Francisco', addressLine: '1 Main St' };
const ready = {
  lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }],
  checkoutInfo: { buyerInfo: { email: 'i@example.com' }, billingInfo: { address },
    shippingInfo: { shippingDestination: { address }, selectedCarrierServiceOption: { code: 'standard' } } },
};
const createdEvents = async (entityId) => (await (await w.fetch('/admin/v1/events?limit=100', json('GET', undefined, w.a.secretKey))).json())
  .events.filter((e) => e.entityId === entityId && e.slug === 'created').length;

test('a retried create with the same key answers the first answer and creates nothing more', async () => {
  const key = randomUUID();
  const first = await post('/ecom/v1/checkouts', ready, { key });
  assert.equal(first.status, 200);
  assert.equal(first.replayed, false);
  const again = await post('/ecom/v1/checkouts', ready, { key });
  assert.equal(again.status, 200);
  assert.equal(again.replayed, true);
  assert.deepEqual(again.body, first.body);
  assert.equal(await createdEvents(first.body.checkout.id), 1);
  // without a key, every call creates
  const other = await post('/ecom/v1/checkouts', ready);
  assert.notEqual(other.body.checkout.id, first.body.checkout.id);

  // create-order: the retry gets the order, not "payment already in progress"
  const orderKey = randomUUID();
  const path = `/ecom/v1/checkouts/${first.body.checkout.id}/create-order`;
  const placed = await post(path, {}, { key: orderKey });
  assert.equal(placed.status, 200, JSON.stringify(placed.body));
  const retried = await post(path, {}, { key: orderKey });
  assert.equal(retried.status, 200);
  assert.equal(retried.body.orderId, placed.body.orderId);
  assert.equal(code((await post(path, {})).body), 'CHECKOUT_PAYMENT_ALREADY_IN_PROGRESS');

  // order sessions (each token differs otherwise)
  const sessionKey = randomUUID();
  const session = { sessionData: { currency: 'USD', lineItems: [] } };
  const s1 = await post('/v2/order-sessions', session, { key: sessionKey, auth: w.a.secretKey });
  const s2 = await post('/v2/order-sessions', session, { key: sessionKey, auth: w.a.secretKey });
  assert.equal(s1.status, 200);
  assert.equal(s2.body.orderSessionId, s1.body.orderSessionId);
});

test('the key with another request is refused; a refusal is answered again as it was', async () => {
  const key = randomUUID();
  assert.equal((await post('/ecom/v1/checkouts', ready, { key })).status, 200);
  for (const [path, body] of [
    ['/ecom/v1/checkouts', { ...ready, lineItems: [] }],
    ['/ecom/v1/checkouts?include=pricingInput', ready],
  ]) {
    const r = await post(path, body, { key });
    assert.equal(r.status, 400, path);
    assert.equal(code(r.body), 'IDEMPOTENCY_KEY_REUSED');
  }
  // a create-order refused (no lines) is refused again under its key, even after the checkout changed
  const empty = (await post('/ecom/v1/checkouts', { ...ready, lineItems: [] })).body.checkout;
  const path = `/ecom/v1/checkouts/${empty.id}/create-order`;
  const refusedKey = randomUUID();
  const refused = await post(path, {}, { key: refusedKey });
  assert.equal(refused.status, 428);
  const add = await post(`/ecom/v1/checkouts/${empty.id}/add-to-checkout`, { lineItems: ready.lineItems });
  assert.equal(add.status, 200);
  const again = await post(path, {}, { key: refusedKey });
  assert.equal(again.status, 428);
  assert.equal(again.replayed, true);
  assert.deepEqual(again.body, refused.body);
  assert.equal((await post(path, {}, { key: randomUUID() })).status, 200, 'a new key runs anew');
  // malformed keys
  for (const bad of ['', 'x'.repeat(256), 'has space', 'ünïcode']) {
    const r = await post('/ecom/v1/checkouts', ready, { key: bad });
    assert.equal(r.status, 400, JSON.stringify(bad));
  }
});

test('keys are per tenant, one request runs per key however many race, and a key is kept 24 hours', async () => {
  const key = randomUUID();
  const mine = await post('/ecom/v1/checkouts', ready, { key });
  const theirs = await post('/ecom/v1/checkouts', ready, { key, auth: w.b.publishableKey });
  assert.equal(theirs.status, 200);
  assert.equal(theirs.replayed, false);
  assert.notEqual(theirs.body.checkout.id, mine.body.checkout.id);

  const raced = randomUUID();
  const all = await Promise.all(Array.from({ length: 10 }, () => post('/ecom/v1/checkouts', ready, { key: raced })));
  const ok = all.filter((r) => r.status === 200);
  assert.ok(ok.length >= 1);
  assert.equal(new Set(ok.map((r) => r.body.checkout.id)).size, 1, 'one checkout');
  for (const r of all.filter((x) => x.status !== 200)) {
    assert.equal(r.status, 409);
    assert.equal(code(r.body), 'IDEMPOTENCY_KEY_IN_USE');
  }

  // a day later the key is free again
  // (a key is kept with the kind of key that sent it)
  await w.sql("UPDATE idempotency_keys SET created_ms = created_ms - 86400001 WHERE key = 'publishable:' || ?", key);
  const later = await post('/ecom/v1/checkouts', ready, { key });
  assert.equal(later.replayed, false);
  assert.notEqual(later.body.checkout.id, mine.body.checkout.id);
  // and the scheduled handler deletes what is older
  await w.sql("UPDATE idempotency_keys SET created_ms = created_ms - 86400001 WHERE key = 'publishable:' || ?", raced);
  await w.scheduled();
  const left = await w.sql("SELECT key FROM idempotency_keys WHERE key LIKE '%:' || ?", raced);
  assert.equal(left.length, 0);
});

test("keys are per kind of key: the publishable key never replays the secret key's answer, nor the other way round", async () => {
  const key = randomUUID();
  const merchant = await post('/ecom/v1/checkouts', ready, { key, auth: w.a.secretKey });
  assert.equal(merchant.status, 200);
  // the same key and request with the publishable key: a request of its own, not the stored answer
  const page = await post('/ecom/v1/checkouts', ready, { key });
  assert.equal(page.status, 200);
  assert.equal(page.replayed, false);
  assert.notEqual(page.body.checkout.id, merchant.body.checkout.id);
  // each kind replays its own
  const pageAgain = await post('/ecom/v1/checkouts', ready, { key });
  assert.equal(pageAgain.replayed, true);
  assert.equal(pageAgain.body.checkout.id, page.body.checkout.id);
  const merchantAgain = await post('/ecom/v1/checkouts', ready, { key, auth: w.a.secretKey });
  assert.equal(merchantAgain.replayed, true);
  assert.equal(merchantAgain.body.checkout.id, merchant.body.checkout.id);
});

test('a key costs at most 16 KiB of storage: the answer of a 300-line checkout is kept as the checkout, and a replay answers it as it is then', async () => {
  const usage = async () => (await (await w.fetch('/admin/v1/store/usage', json('GET', undefined, w.a.secretKey))).json()).bytes.idempotencyKeys;
  const lines = Array.from({ length: 300 }, (_, i) => ({ quantity: 1, catalogReference: { catalogItemId: 'stickers', options: { n: String(i) } } }));
  const before = await usage();
  const key = randomUUID();
  const first = await post('/ecom/v1/checkouts', { lineItems: lines }, { key });
  assert.equal(first.status, 200, JSON.stringify(first.body).slice(0, 300));
  assert.ok(JSON.stringify(first.body).length > 64 * 1024, 'a long answer');
  assert.ok((await usage()) - before < 1024, `${(await usage()) - before} bytes kept for the key`);
  const again = await post('/ecom/v1/checkouts', { lineItems: lines }, { key });
  assert.equal(again.replayed, true);
  assert.deepEqual(again.body, first.body, 'the same checkout, unchanged since');
  assert.equal(await createdEvents(first.body.checkout.id), 1);
  // changed since: the replay shows it as it is now
  const id = first.body.checkout.id;
  const changed = await w.fetch(`/ecom/v1/checkouts/${id}`, json('PATCH', { checkout: { id, buyerInfo: { email: 'late@example.com' } } }, w.a.publishableKey));
  assert.equal(changed.status, 200);
  const later = await post('/ecom/v1/checkouts', { lineItems: lines }, { key });
  assert.equal(later.replayed, true);
  assert.equal(later.body.checkout.id, id);
  assert.equal(later.body.checkout.buyerInfo.email, 'late@example.com');
});
