// Events: written with the change that causes them, delivered to the tenant's
// webhook as ES256 JWTs that verify against /.well-known/jwks.json, retried
// until the receiver takes them: every event arrives at least once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../../scripts/lib.mjs';
import { startMiniflare, json, demoStore } from '../support/worker.mjs';

let w;
let receiver;
const received = [];
let refuse = 0;

before(async () => {
  // a receiver on 127.0.0.1 that fails (500) while `refuse` > 0, then accepts
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      if (refuse > 0) {
        refuse -= 1;
        res.statusCode = 500;
        return res.end('not now');
      }
      received.push(body);
      res.end('ok');
    });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  w = await startMiniflare({ EVENTS_RETRY_BASE_MS: '5', ALLOW_LOCAL_WEBHOOKS: 'true' });
  const store = { ...demoStore(), webhooks: { url: `http://127.0.0.1:${receiver.address().port}/hooks` } };
  assert.equal((await w.fetch('/admin/v1/store', json('PUT', store, w.a.secretKey))).status, 200);
});
after(async () => {
  await w?.close();
  receiver?.close();
});

test('a receiver down for its first two attempts gets every event of a checkout and its order, signed, once by id', async () => {
  const pk = w.a.publishableKey;
  // the first two attempts fail: sent at once after each change, then retried by the cron trigger
  refuse = 2;
  const address = { country: 'US', subdivision: 'US-CA', city: 'San Francisco', addressLine: '1 Main St' };
  let r = await w.fetch('/ecom/v1/checkouts', json('POST', {
    lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }],
    checkoutInfo: { buyerInfo: { email: 'e@example.com' }, billingInfo: { address },
      shippingInfo: { shippingDestination: { address }, selectedCarrierServiceOption: { code: 'standard' } } },
  }, pk));
  const { checkout } = await r.json();
  r = await w.fetch(`/ecom/v1/checkouts/${checkout.id}`, json('PATCH', { couponCode: 'SAVE10' }, pk));
  assert.equal(r.status, 200);
  // a refused change writes no event
  r = await w.fetch(`/ecom/v1/checkouts/${checkout.id}`, json('PATCH', { couponCode: 'NOPE' }, pk));
  assert.equal(r.status, 400);
  r = await w.fetch(`/ecom/v1/checkouts/${checkout.id}/create-order`, json('POST', {}, pk));
  const { orderId } = await r.json();
  assert.ok(orderId);
  // paid: the order is approved and the checkout completed, each with its event
  r = await w.fetch(`/ecom/v1/orders/${orderId}/mark-as-paid`, json('POST', {}, w.a.secretKey));
  assert.equal(r.status, 200);

  for (let i = 0; i < 60 && new Set(received).size < 5; i++) {
    await w.scheduled();
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal(refuse, 0, 'the receiver failed twice first');

  const jwks = createLocalJWKSet(await (await w.fetch('/.well-known/jwks.json')).json());
  const events = [];
  for (const token of received) {
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      algorithms: ['ES256'], issuer: 'edge-checkout', audience: w.a.tenant.appDefId, requiredClaims: ['exp', 'jti'],
    });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.ok(protectedHeader.kid);
    assert.ok(payload.exp - payload.iat <= 300, 'a short-lived token');
    const event = JSON.parse(payload.data);
    assert.equal(payload.jti, event.id, 'jti is the event id');
    events.push(event);
  }
  assert.equal(new Set(events.map((e) => e.id)).size, events.length, 'no event taken twice');
  const byId = new Map(events.map((e) => [e.id, e]));
  const kinds = [...byId.values()].map((e) => `${e.entityFqdn} ${e.slug}`).sort();
  assert.deepEqual(kinds, ['wix.ecom.v1.checkout completed', 'wix.ecom.v1.checkout created', 'wix.ecom.v1.checkout updated', 'wix.ecom.v1.order approved', 'wix.ecom.v1.order created']);
  const created = [...byId.values()].find((e) => e.slug === 'created' && e.entityFqdn === 'wix.ecom.v1.checkout');
  assert.equal(created.entityId, checkout.id);
  assert.equal(created.createdEvent.entity.id, checkout.id);
  assert.equal(created.triggeredByAnonymizeRequest, false);
  const updated = [...byId.values()].find((e) => e.slug === 'updated');
  assert.equal(updated.updatedEvent.currentEntity.appliedDiscounts[0].coupon.code, 'SAVE10');
  const order = [...byId.values()].find((e) => e.entityFqdn === 'wix.ecom.v1.order' && e.slug === 'created');
  assert.equal(order.entityId, orderId);
  assert.match(order.createdEvent.entity.number, /^\d+$/);
  assert.equal(order.createdEvent.entity.status, 'INITIALIZED');
  const approved = [...byId.values()].find((e) => e.slug === 'approved');
  assert.equal(approved.actionEvent.body.order.paymentStatus, 'PAID');
  assert.equal(approved.actionEvent.body.order.number, order.createdEvent.entity.number);
  const completed = [...byId.values()].find((e) => e.slug === 'completed');
  assert.equal(completed.actionEvent.body.checkout.completed, true);

  // nothing more is sent once every event was taken
  const count = received.length;
  await w.scheduled();
  assert.equal(received.length, count);
});

test("tenant B's genuine event does not verify at tenant A's receiver", async () => {
  const store = { ...demoStore(), webhooks: { url: `http://127.0.0.1:${receiver.address().port}/b` } };
  assert.equal((await w.fetch('/admin/v1/store', json('PUT', store, w.b.secretKey))).status, 200);
  const before = received.length;
  const r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }] }, w.b.publishableKey));
  assert.equal(r.status, 200);
  for (let i = 0; i < 50 && received.length === before; i++) {
    await w.scheduled();
    await new Promise((res) => setTimeout(res, 100));
  }
  const token = received[received.length - 1];
  const jwks = createLocalJWKSet(await (await w.fetch('/.well-known/jwks.json')).json());
  // verified as tenant A's receiver does: the signature is good, the audience is not
  await assert.rejects(
    jwtVerify(token, jwks, { algorithms: ['ES256'], issuer: 'edge-checkout', audience: w.a.tenant.appDefId }),
    (e) => e.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && e.claim === 'aud',
  );
  const { payload } = await jwtVerify(token, jwks, { algorithms: ['ES256'], issuer: 'edge-checkout', audience: w.b.tenant.appDefId });
  assert.equal(JSON.parse(payload.data).entityFqdn, 'wix.ecom.v1.checkout');
});

test("the README's receiver, run as written, takes tenant A's events and refuses tenant B's", async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const code = readme.split('<!-- receiver -->')[1].split('```js')[1].split('```')[0];
  const dir = join(root, 'node_modules', '.cache');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `readme-receiver-${process.pid}.mjs`);
  writeFileSync(file, `const workerUrl = ${JSON.stringify(w.url)};\nconst appDefId = ${JSON.stringify(w.a.tenant.appDefId)};\n${code}`);
  try {
    const { receive } = await import(file);
    const jwks = createLocalJWKSet(await (await w.fetch('/.well-known/jwks.json')).json());
    const audienceOf = async (token) => (await jwtVerify(token, jwks, { algorithms: ['ES256'] })).payload.aud;
    const mine = [];
    const theirs = [];
    for (const token of received) ((await audienceOf(token)) === w.a.tenant.appDefId ? mine : theirs).push(token);
    assert.ok(mine.length >= 4 && theirs.length >= 1, `${mine.length} of A, ${theirs.length} of B`);
    for (const token of mine) assert.match((await receive(token)).entityFqdn, /^wix\.ecom\.v1\./);
    for (const token of theirs) await assert.rejects(receive(token), /aud/);
  } finally {
    rmSync(file, { force: true });
  }
});

test('a change\'s event is sent right after the change, without the cron trigger', async () => {
  const started = Date.now();
  const r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }] }, w.a.publishableKey));
  const { checkout } = await r.json();
  const jwks = createLocalJWKSet(await (await w.fetch('/.well-known/jwks.json')).json());
  const arrived = async () => {
    for (const token of received) {
      const { payload } = await jwtVerify(token, jwks, { algorithms: ['ES256'] });
      if (JSON.parse(payload.data).entityId === checkout.id) return true;
    }
    return false;
  };
  // no scheduled run is asked for: only the request's waitUntil can have sent it
  while (!(await arrived()) && Date.now() - started < 10_000) await new Promise((res) => setTimeout(res, 20));
  assert.ok(await arrived(), 'delivered without a scheduled run');
});

test("an order's events keep no second copy of the order: sent after it was paid, its created event still tells of the order as it was made", async () => {
  const pk = w.a.publishableKey;
  const address = { country: 'US', subdivision: 'US-CA', city: 'San Francisco', addressLine: '1 Main St' };
  // the receiver down while the order is made and paid
  refuse = 1_000;
  let r = await w.fetch('/ecom/v1/checkouts', json('POST', {
    lineItems: [{ quantity: 2, catalogReference: { catalogItemId: 'mug' } }, { quantity: 1, catalogReference: { catalogItemId: 'stickers' } }],
    checkoutInfo: { buyerInfo: { email: 'made@example.com' }, billingInfo: { address },
      shippingInfo: { shippingDestination: { address }, selectedCarrierServiceOption: { code: 'standard' } } },
  }, pk));
  const { checkout } = await r.json();
  const { orderId } = await (await w.fetch(`/ecom/v1/checkouts/${checkout.id}/create-order`, json('POST', {}, pk))).json();
  const made = (await (await w.fetch(`/ecom/v1/orders/${orderId}`, { headers: { authorization: w.a.secretKey } })).json()).order;
  assert.equal(made.status, 'INITIALIZED');
  assert.equal((await w.fetch(`/ecom/v1/orders/${orderId}/mark-as-paid`, json('POST', {}, w.a.secretKey))).status, 200);

  // the outbox holds what the order changes, and the order's id; not its lines, nor its buyer
  const rows = await w.sql('SELECT id, body, order_id FROM events WHERE order_id = ? ORDER BY created_date, rowid', orderId);
  assert.deepEqual(rows.map((e) => JSON.parse(e.body).slug), ['created', 'approved']);
  for (const row of rows) {
    assert.ok(row.body.length < 800, `${row.body.length} bytes kept`);
    assert.doesNotMatch(row.body, /lineItems|made@example\.com/);
  }
  const changing = ['number', 'status', 'paymentStatus', 'updatedDate', 'payByDate', 'payments', 'attention'];
  const unchanging = (order) => Object.fromEntries(Object.entries(order).filter(([k]) => !changing.includes(k)));

  // shown to the merchant: the order as it was made, then as it was paid
  const shown = async (id) => (await (await w.fetch(`/admin/v1/events/${id}`, { headers: { authorization: w.a.secretKey } })).json()).event.data;
  const created = (await shown(rows[0].id)).createdEvent.entity;
  assert.deepEqual(created, made);
  const approved = (await shown(rows[1].id)).actionEvent.body.order;
  assert.equal(approved.paymentStatus, 'PAID');
  assert.equal(approved.payByDate, undefined);
  assert.deepEqual(unchanging(approved), unchanging(made));

  // sent once the receiver is back: the same, signed
  refuse = 0;
  const jwks = createLocalJWKSet(await (await w.fetch('/.well-known/jwks.json')).json());
  const sent = new Map();
  for (let i = 0; i < 100 && sent.size < 2; i++) {
    await w.scheduled();
    for (const token of received) {
      const event = JSON.parse((await jwtVerify(token, jwks, { algorithms: ['ES256'] })).payload.data);
      if (event.entityId === orderId) sent.set(event.slug, event);
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  assert.deepEqual(sent.get('created')?.createdEvent.entity, made);
  assert.deepEqual(sent.get('approved')?.actionEvent.body.order, approved);
});
