// Rate limits on what the publishable key may call (Cloudflare's rate-limiting
// binding, here with small limits): every call per tenant and client, and
// more strictly the calls that try a coupon or gift card code. 429 with
// Retry-After, in Wix's error shape; the secret key and other tenants are
// not counted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMiniflare, json } from '../support/worker.mjs';

let w;
before(async () => {
  w = await startMiniflare({}, { storefront: 8, codes: 3 }, { stores: ['a', 'b'] });
  // the binding counts in windows of the clock's minutes: start early in one,
  // so that these few seconds of calls are counted together
  const into = Date.now() % 60_000;
  if (into > 40_000) await new Promise((r) => setTimeout(r, 60_000 - into + 100));
});
after(async () => { await w?.close(); });

const create = (key, extra = {}) => w.fetch('/ecom/v1/checkouts',
  json('POST', { channelType: 'WEB', lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }], ...extra }, key));

test('guessing codes meets the stricter limit first: 429 with Retry-After in Wix\'s shape', async () => {
  const statuses = [];
  for (const code of ['NOPE-1', 'NOPE-2', 'NOPE-3', 'NOPE-4']) statuses.push((await create(w.a.publishableKey, { couponCode: code })).status);
  assert.deepEqual(statuses, [400, 400, 400, 429], 'three tries a minute, then refused before the code is looked at');
  const r = await create(w.a.publishableKey, { giftCardCode: 'GIFT-25' });
  assert.equal(r.status, 429, 'a real code too, once the tries are spent');
  assert.equal(r.headers.get('retry-after'), '60');
  const body = await r.json();
  assert.equal(body.details.applicationError.code, 'TOO_MANY_REQUESTS');
  assert.equal(body.details.applicationError.data.retryAfterSeconds, 60);
  // a call without a code is not refused by it
  assert.equal((await create(w.a.publishableKey)).status, 200);
});

test('every publishable-key call is counted per tenant; the secret key and other tenants are not', async () => {
  // the first test made 6 calls with a's publishable key: two more pass, then 429
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await create(w.a.publishableKey)).status);
  assert.deepEqual(statuses, [200, 200, 429]);
  assert.equal((await create(w.b.publishableKey)).status, 200, 'another tenant has its own count');
  assert.equal((await create(w.a.secretKey)).status, 200, "the store's backend is not limited");
});

test('the addresses of one IPv6 /64 are one client; another /64 is another', async () => {
  const from = (ip) => ({ ...json('POST', { channelType: 'WEB', lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }] },
    w.b.publishableKey), headers: { ...json('POST', {}, w.b.publishableKey).headers, 'cf-connecting-ip': ip } });
  const statuses = [];
  // tenant b's limit (8 a minute) spent from 9 addresses of one /64
  for (let i = 1; i <= 9; i++) statuses.push((await w.fetch('/ecom/v1/checkouts', from(`2001:db8:aa:bb::${i.toString(16)}`))).status);
  assert.deepEqual(statuses.slice(-2), [200, 429], JSON.stringify(statuses));
  assert.equal((await w.fetch('/ecom/v1/checkouts', from('2001:db8:aa:cc::1'))).status, 200, 'the next /64 is another client');
});

test('a worker without its rate-limit bindings refuses publishable-key calls (503), never serves them unlimited', async () => {
  const bare = await startMiniflare({}, null, { stores: ['a'] });
  try {
    const r = await bare.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB',
      lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }] }, bare.a.publishableKey));
    assert.equal(r.status, 503);
    assert.equal((await r.json()).details.applicationError.code, 'RATE_LIMITS_UNAVAILABLE');
    assert.ok(bare.logs().some((l) => l.includes('no STOREFRONT_RATE_LIMIT binding')), 'and says so in the log');
    // the merchant's backend is not a storefront: it goes on
    assert.equal((await bare.fetch('/admin/v1/store', json('GET', undefined, bare.a.secretKey))).status, 200);
  } finally {
    await bare.close();
  }
});

test("a flood of forged Stripe calls meets the per-client limit before any signature is checked", async () => {
  const forged = () => w.fetch(`/payments/v1/stripe/webhook?tenant=${w.a.tenant.appDefId}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=00`,
      'cf-connecting-ip': '198.51.100.7' }, body: '{"id":"evt_forged"}' });
  const statuses = [];
  for (let i = 0; i < 9; i++) statuses.push((await forged()).status);
  assert.deepEqual(statuses, [400, 400, 400, 400, 400, 400, 400, 400, 429]);
});

test('a flood of preflights meets the per-client limit (a preflight carries no key, so it counts against its client)', async () => {
  const preflight = (ip) => w.fetch('/ecom/v1/checkouts', { method: 'OPTIONS',
    headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'cf-connecting-ip': ip } });
  const statuses = [];
  for (let i = 0; i < 9; i++) statuses.push((await preflight('203.0.113.9')).status);
  assert.deepEqual(statuses, [204, 204, 204, 204, 204, 204, 204, 204, 429]);
  assert.equal((await preflight('203.0.113.10')).status, 204, 'another client has its own count');
});

/**
 * A checkout of tenant b (made with the secret key, which no limit counts),
 * given once the binding's minute has 15 s left at least: the calls after it
 * are counted in one minute.
 */
async function checkoutInAMinute() {
  const r = await w.fetch('/ecom/v1/checkouts', json('POST', { lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }] }, w.b.secretKey));
  const { checkout } = await r.json();
  const into = Date.now() % 60_000;
  if (into > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - into + 100));
  return checkout;
}

test('the checkout page counts as the API call it makes: past the limit it comes unrendered, and the element asking then is refused too', async () => {
  const checkout = await checkoutInAMinute();
  const client = { 'cf-connecting-ip': '203.0.113.77' };
  const rendered = [];
  for (let i = 0; i < 9; i++) {
    const page = await w.fetch(`/checkout?key=${w.b.publishableKey}&checkoutId=${checkout.id}`, { headers: client });
    assert.equal(page.status, 200);
    rendered.push((await page.text()).includes('shadowrootmode'));
  }
  assert.deepEqual(rendered, [true, true, true, true, true, true, true, true, false]);
  const asked = await w.fetch(`/ecom/v1/checkouts/${checkout.id}`, { headers: { ...client, authorization: w.b.publishableKey } });
  assert.equal(asked.status, 429);
});

test('a read with the publishable key in its URL (?key=, which a page preloads) counts as any other call of that key', async () => {
  const checkout = await checkoutInAMinute();
  const client = { 'cf-connecting-ip': '203.0.113.78' };
  const statuses = [];
  for (let i = 0; i < 9; i++) {
    statuses.push((await w.fetch(`/ecom/v1/checkouts/${checkout.id}?include=pricingInput&key=${w.b.publishableKey}`, { headers: client })).status);
  }
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 429]);
});
