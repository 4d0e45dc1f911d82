// Delivery of events under trouble: a claim before each attempt (overlapping
// runs never send one event twice), tenants side by side (a receiver that
// hangs delays no other tenant), a timeout per attempt, dead letters after the
// last attempt, the merchant's routes (list by status, the last attempt,
// redeliver), bounded snapshots and the outbox's retention.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { startMiniflare, json, demoStore } from '../support/worker.mjs';
import { sleep, until } from '../support/wait.mjs';

// Long enough for a receiver on a busy machine (the suites run side by side on
// two cores) to answer within it: an attempt given up after its receiver took
// the event is sent again, as at-least-once delivery must, and a test that
// counts sends would read that as one event sent twice.
const TIMEOUT_MS = 4000;
let w;
let jwks;

/**
 * A receiver on 127.0.0.1: `taken` holds the events it accepted (verified,
 * with the tenant's audience), `refuse` makes it answer 500 that many times,
 * `hang` makes it never answer; `ended` counts requests answered or closed.
 */
async function receiver(audience) {
  const r = { taken: [], refuse: 0, hang: false, ended: 0, requests: 0, onTaken: null, redirectTo: null };
  r.server = createServer((req, res) => {
    r.requests += 1;
    // the answer sent, or the connection closed unanswered
    res.on('close', () => { r.ended += 1; });
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', async () => {
      if (r.hang) return;
      if (r.redirectTo) {
        res.writeHead(307, { location: r.redirectTo });
        return res.end();
      }
      if (r.refuse > 0) {
        r.refuse -= 1;
        res.statusCode = 500;
        return res.end('not now');
      }
      const { payload } = await jwtVerify(body, jwks, { algorithms: ['ES256'], issuer: 'edge-checkout', audience: audience() });
      r.taken.push(payload.jti);
      r.onTaken?.();
      res.end('ok');
    });
  });
  await new Promise((ok) => r.server.listen(0, '127.0.0.1', ok));
  r.url = `http://127.0.0.1:${r.server.address().port}/hooks`;
  return r;
}

let ra;
let rb;

before(async () => {
  w = await startMiniflare({ EVENTS_RETRY_BASE_MS: '5', EVENTS_TIMEOUT_MS: String(TIMEOUT_MS), ALLOW_LOCAL_WEBHOOKS: 'true' });
  jwks = createLocalJWKSet(await (await w.fetch('/.well-known/jwks.json')).json());
  ra = await receiver(() => w.a.tenant.appDefId);
  rb = await receiver(() => w.b.tenant.appDefId);
});
after(async () => {
  await w?.close();
  ra?.server.closeAllConnections();
  rb?.server.closeAllConnections();
  ra?.server.close();
  rb?.server.close();
});

const putStore = async (t, webhookUrl, enabled) => {
  const store = webhookUrl ? { ...demoStore(), webhooks: { url: webhookUrl, enabled } } : demoStore();
  assert.equal((await w.fetch('/admin/v1/store', json('PUT', store, t.secretKey))).status, 200);
};
const newCheckout = async (t, lineItems = [{ quantity: 1, catalogReference: { catalogItemId: 'stickers' } }]) => {
  const r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', lineItems }, t.publishableKey));
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()).checkout;
};
const events = async (t, query = '') => {
  const r = await w.fetch(`/admin/v1/events${query}`, { headers: { authorization: t.secretKey } });
  assert.equal(r.status, 200, await r.clone().text());
  return r.json();
};
const eventOf = async (t, entityId) => (await events(t)).events.find((e) => e.entityId === entityId);
const assertOnceEach = (ids) => assert.equal(new Set(ids).size, ids.length, `an event sent twice: ${ids}`);

test('overlapping runs and the first attempt after a change never send one event twice', async () => {
  // events pile up while the store's endpoint is disabled
  await putStore(w.a, ra.url, false);
  const made = [];
  for (let i = 0; i < 8; i++) made.push((await newCheckout(w.a)).id);
  assert.equal((await events(w.a, '?status=PENDING')).events.length, 8);
  // enabling it sends them at once (waitUntil) while four cron runs overlap it
  await putStore(w.a, ra.url, true);
  await Promise.all([w.scheduled(), w.scheduled(), w.scheduled(), w.scheduled()]);
  await until('every event', () => ra.taken.length >= 8);
  await sleep(200);
  await w.scheduled();
  assert.equal(ra.taken.length, 8);
  assertOnceEach(ra.taken);
  const delivered = (await events(w.a, '?status=DELIVERED')).events;
  assert.deepEqual(delivered.map((e) => e.entityId).sort(), [...made].sort());
  for (const e of delivered) {
    assert.equal(e.attempts, 1);
    assert.equal(e.lastAttempt.httpStatus, 200);
    assert.equal(e.lastAttempt.error, null);
    assert.equal(e.nextAttemptDate, null);
    assert.ok(e.deliveredDate);
  }
});

test('a read that cancels an order past its deadline sends its event at once, as a write does (no cron run)', async () => {
  await putStore(w.a, ra.url);
  const address = { country: 'US', subdivision: 'US-OR', city: 'Portland', postalCode: '97201', addressLine: '1 Market St' };
  let r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB',
    lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }],
    checkoutInfo: { buyerInfo: { email: 'late@example.com' }, billingInfo: { address },
      shippingInfo: { shippingDestination: { address }, selectedCarrierServiceOption: { code: 'standard' } } } }, w.a.publishableKey));
  const { checkout } = await r.json();
  r = await w.fetch(`/ecom/v1/checkouts/${checkout.id}/create-order`, json('POST', {}, w.a.publishableKey));
  assert.equal(r.status, 200, await r.clone().text());
  const { orderId } = await r.json();
  const created = await until('the order\'s event', async () => (await events(w.a)).events.find((e) => e.entityId === orderId));
  await until('the created event, sent at once', () => ra.taken.includes(created.id));
  // its deadline passes; the merchant reads the order, which cancels it
  await w.sql('UPDATE orders SET pay_by_ms = ? WHERE id = ?', Date.now() - 1000, orderId);
  r = await w.fetch(`/ecom/v1/orders/${orderId}`, json('GET', undefined, w.a.secretKey));
  assert.equal((await r.json()).order.status, 'CANCELED');
  const canceled = (await events(w.a, '?limit=100')).events.find((e) => e.entityId === orderId && e.slug === 'canceled');
  assert.ok(canceled, 'the cancel has its event');
  await until('the canceled event, sent at once after the GET', () => ra.taken.includes(canceled.id));
});

test('a redirect is a failed attempt, never followed; a failed attempt is recorded with its status and a fixed text', async () => {
  await putStore(w.a, ra.url);
  ra.redirectTo = rb.url; // another receiver on this machine: it must hear nothing
  const before = rb.requests;
  const made = await newCheckout(w.a);
  const attempted = async (id) => {
    const found = (await events(w.a, '?limit=100')).events.find((x) => x.entityId === id);
    return found?.lastAttempt?.httpStatus || found?.lastAttempt?.error ? found : null;
  };
  const e = await until('the attempt', () => attempted(made.id));
  assert.equal(e.status, 'PENDING');
  assert.equal(e.lastAttempt.httpStatus, 307);
  assert.equal(e.lastAttempt.error, 'the receiver answered 307: a redirect, not followed');
  assert.equal(rb.requests, before, 'the redirect was not followed');
  assert.ok(!ra.taken.includes(e.id));
  // the same event at a receiver that cannot be reached: a fixed text, not the network's
  const closed = await receiver(() => w.a.tenant.appDefId);
  closed.server.close();
  await putStore(w.a, closed.url);
  ra.redirectTo = null; // only now: a retry before the new URL met the redirect again
  const again = await until('an attempt at the closed receiver', async () => {
    await w.scheduled();
    const found = await attempted(made.id);
    return found?.attempts >= 2 && found.lastAttempt.httpStatus === null ? found : null;
  });
  assert.equal(again.lastAttempt.error, 'the receiver could not be reached');
  // back to a receiver that takes it, so that the next tests start with nothing due
  await putStore(w.a, ra.url);
  await until('delivered at last', async () => {
    await w.scheduled();
    return (await attempted(made.id))?.status === 'DELIVERED';
  });
});

test('a receiver that hangs is given up after the timeout, and delays no other tenant', async () => {
  // the hanging receiver is the first tenant's, whose run starts first
  await putStore(w.a, ra.url);
  ra.hang = true;
  const hung = await newCheckout(w.a);
  // the first attempt (after the change) waits out the timeout, then is recorded
  const first = await until("A's first attempt given up", async () => {
    const e = await eventOf(w.a, hung.id);
    return e?.attempts === 1 && e.lastAttempt?.error ? e : null;
  });
  assert.equal(first.status, 'PENDING');
  assert.equal(first.lastAttempt.httpStatus, null);
  assert.match(first.lastAttempt.error, new RegExp(`no answer within ${TIMEOUT_MS} ms`));
  // B's receiver refuses the first attempt, so B's event waits for the cron run too
  await putStore(w.b, rb.url);
  rb.refuse = 1;
  const theirs = await newCheckout(w.b);
  await until("B's first attempt refused", async () => (await eventOf(w.b, theirs.id))?.lastAttempt?.httpStatus === 500);
  // both due again (the waits are 5 ms "seconds" here): one run, A's receiver hanging again
  await sleep(300);
  let endedAtA = null;
  rb.onTaken = () => { endedAtA ??= ra.ended; };
  const [requestsAtA, endedBefore] = [ra.requests, ra.ended];
  await w.scheduled();
  rb.onTaken = null;
  assert.ok(ra.requests > requestsAtA, "the run tried A's receiver");
  assert.ok(ra.ended > endedBefore, "A's attempt was given up");
  assert.equal(endedAtA, endedBefore, "B's event was taken before A's attempt ended");
  assert.equal((await eventOf(w.b, theirs.id)).status, 'DELIVERED');
  const second = await eventOf(w.a, hung.id);
  assert.equal(second.attempts, 2);
  assert.match(second.lastAttempt.error, /no answer within/);
  // A's receiver is back: the event goes with the next run that finds it due
  ra.hang = false;
  await sleep(300);
  await w.scheduled();
  assert.equal((await eventOf(w.a, hung.id)).status, 'DELIVERED');
});

test('after the last attempt an event is dead-lettered; the merchant sees why and redelivers it', async () => {
  ra.refuse = 1;
  const c = await newCheckout(w.a);
  await until('the first attempt', async () => (await eventOf(w.a, c.id))?.attempts === 1);
  const { id } = await eventOf(w.a, c.id);
  // as if it had failed every attempt but the last (a day and a half of them)
  await w.sql('UPDATE events SET attempts = 23, next_attempt_ms = 0 WHERE id = ?', id);
  ra.refuse = 1;
  await w.scheduled();
  const failed = (await events(w.a, '?status=FAILED')).events;
  assert.deepEqual(failed.map((e) => e.id), [id]);
  assert.equal(failed[0].attempts, 24);
  assert.equal(failed[0].lastAttempt.httpStatus, 500);
  assert.match(failed[0].lastAttempt.error, /answered 500/);
  assert.equal(failed[0].nextAttemptDate, null);
  // no run sends it again
  const before = ra.requests;
  await w.scheduled();
  assert.equal(ra.requests, before);
  // redelivered at the merchant's word: pending, sent at once
  let r = await w.fetch(`/admin/v1/events/${id}/redeliver`, json('POST', {}, w.a.secretKey));
  assert.equal(r.status, 200);
  assert.equal((await r.json()).event.status, 'PENDING');
  await until('the redelivery', () => ra.taken.includes(id));
  r = await w.fetch(`/admin/v1/events/${id}`, { headers: { authorization: w.a.secretKey } });
  const { event } = await r.json();
  assert.equal(event.status, 'DELIVERED');
  assert.equal(event.attempts, 1);
  assert.equal(event.data.id, id, 'one event carries its envelope');
  assert.equal(event.data.createdEvent.entity.id, c.id);
});

test("the merchant's event routes: secret key only, the tenant's own events, paged, checked", async () => {
  const some = (await events(w.a)).events[0].id;
  // the publishable key, another tenant, no key
  assert.equal((await w.fetch('/admin/v1/events', { headers: { authorization: w.a.publishableKey } })).status, 403);
  assert.equal((await w.fetch(`/admin/v1/events/${some}/redeliver`, json('POST', {}, w.a.publishableKey))).status, 403);
  assert.equal((await w.fetch('/admin/v1/events')).status, 401);
  assert.equal((await w.fetch(`/admin/v1/events/${some}`, { headers: { authorization: w.b.secretKey } })).status, 404);
  assert.equal((await w.fetch(`/admin/v1/events/${some}/redeliver`, json('POST', {}, w.b.secretKey))).status, 404);
  assert.ok(!(await events(w.b)).events.some((e) => e.id === some));
  for (const bad of ['?status=LOST', '?limit=0', '?limit=101', '?limit=x']) {
    const r = await w.fetch(`/admin/v1/events${bad}`, { headers: { authorization: w.a.secretKey } });
    assert.equal(r.status, 400, bad);
  }
  // pages of two, newest first, together every event once
  const all = (await events(w.a, '?limit=100')).events.map((e) => e.id);
  const paged = [];
  let after = '';
  for (;;) {
    const page = await events(w.a, `?limit=2${after}`);
    paged.push(...page.events.map((e) => e.id));
    if (!page.hasMore) break;
    after = `&startingAfter=${page.events.at(-1).id}`;
  }
  assert.deepEqual(paged, all);
  assert.ok(all.length > 8);
});

test('a large checkout travels as a bounded snapshot that names what it left out', async () => {
  const lines = Array.from({ length: 60 }, (_, i) => ({
    quantity: 1, catalogReference: { catalogItemId: 'stickers', options: { n: i, note: 'x'.repeat(200) } },
  }));
  const c = await newCheckout(w.a, lines);
  await until('its event', async () => (await eventOf(w.a, c.id))?.status === 'DELIVERED');
  const { id } = await eventOf(w.a, c.id);
  const { event } = await (await w.fetch(`/admin/v1/events/${id}`, { headers: { authorization: w.a.secretKey } })).json();
  assert.ok(JSON.stringify(event.data).length <= 33 * 1024, `${JSON.stringify(event.data).length} bytes`);
  assert.ok(event.data.omittedFields.includes('lineItems'));
  assert.equal(event.data.createdEvent.entity.id, c.id);
  assert.ok(event.data.createdEvent.entity.priceSummary, 'the small fields stay');
  // the receiver reads the rest from the API
  const r = await w.fetch(`/ecom/v1/checkouts/${c.id}`, { headers: { authorization: w.a.secretKey } });
  assert.equal((await r.json()).checkout.lineItems.length, 60);
});

test('delivered events are deleted after 7 days, any other after 30', async () => {
  const day = 86_400_000;
  const iso = (ms) => new Date(ms).toISOString();
  const ids = (await events(w.a, '?status=DELIVERED&limit=3')).events.map((e) => e.id);
  const [old, recent, pending] = ids;
  await w.sql('UPDATE events SET delivered_date = ? WHERE id = ?', iso(Date.now() - 8 * day), old);
  await w.sql('UPDATE events SET delivered_date = ? WHERE id = ?', iso(Date.now() - 6 * day), recent);
  await w.sql("UPDATE events SET status = 'PENDING', delivered_date = NULL, next_attempt_ms = ?, created_date = ? WHERE id = ?",
    Date.now() + day, iso(Date.now() - 31 * day), pending);
  await w.scheduled();
  const left = (await events(w.a, '?limit=100')).events.map((e) => e.id);
  assert.ok(!left.includes(old), 'delivered 8 days ago: deleted');
  assert.ok(left.includes(recent), 'delivered 6 days ago: kept');
  assert.ok(!left.includes(pending), 'created 31 days ago: deleted');
});
