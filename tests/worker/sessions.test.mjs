// Order sessions: JWE tokens (dir + A256GCM) that `jose` reads with the
// tenant's key, tokens `jose` makes that the worker accepts, and one answer
// for every token that is not a valid one of this tenant.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { compactDecrypt, CompactEncrypt, decodeProtectedHeader, base64url } from 'jose';
import { startMiniflare, json } from '../support/worker.mjs';

let w;
let sk;
let key;
let kid;
before(async () => {
  w = await startMiniflare({}, {}, { stores: ['a'] });
  sk = w.a.secretKey;
  ({ kid } = w.a.tenant.sessionKeys[0]);
  key = base64url.decode(w.a.tenant.sessionKeys[0].k);
});
after(async () => { await w?.close(); });

const sessionData = {
  currency: 'USD',
  lineItems: [{ id: 'a', price: '19.99', quantity: 3, taxRate: '0.0825', catalogItemId: 'tee-classic' }],
  couponCodes: ['SAVE10'],
  buyerInfo: { email: 'session@example.com' },
  shippingAddress: { country: 'US', city: 'Portland' },
};

async function call(method, path, body, k = sk) {
  const r = await w.fetch(path, json(method, body, k));
  return { status: r.status, body: await r.json() };
}
const get = (token, k) => call('GET', `/v2/order-sessions/${token}`, undefined, k);

async function joseToken(claims, opts = {}) {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, ...opts.header })
    .encrypt(opts.key ?? key);
}

test('a session is priced, sealed in a JWE that jose opens with the tenant key, and read back', async () => {
  const r = await call('POST', '/v2/order-sessions', { sessionData, ttlSeconds: 600 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const token = r.body.orderSessionId;
  assert.deepEqual(decodeProtectedHeader(token), { alg: 'dir', enc: 'A256GCM', kid, typ: 'JWT' });
  const { plaintext } = await compactDecrypt(token, key);
  const claims = JSON.parse(new TextDecoder().decode(plaintext));
  assert.equal(claims.aud, w.a.tenant.appDefId);
  assert.equal(claims.exp - claims.iat, 600);
  assert.match(claims.jti, /^[0-9a-f-]{36}$/);
  assert.deepEqual(claims.sessionData, sessionData);

  const got = await get(token);
  assert.equal(got.status, 200);
  const s = got.body.orderSession;
  assert.equal(s.id, token);
  assert.deepEqual(s.sessionData, sessionData);
  // 59.97 - 6.00 (SAVE10) = 53.97, tax 8.25% = 4.45
  assert.deepEqual(s.priceSummary.total, { amount: '58.42' });
  assert.equal(Date.parse(s.expirationDate) - Date.parse(s.createdDate), 600_000);
  // two sessions of the same data are different tokens
  const again = await call('POST', '/v2/order-sessions', { sessionData });
  assert.notEqual(again.body.orderSessionId, token);
});

test('a token made by jose with the tenant key is accepted; an expired one is 410', async () => {
  const now = Math.floor(Date.now() / 1000);
  const base = { iss: 'elsewhere', aud: w.a.tenant.appDefId, iat: now, jti: 'x', sessionData };
  let r = await get(await joseToken({ ...base, exp: now + 60 }));
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.orderSession.priceSummary.total.amount, '58.42');
  r = await get(await joseToken({ ...base, exp: now - 1 }));
  assert.equal(r.status, 410);
  assert.equal(r.body.details.applicationError.code, 'ORDER_SESSION_EXPIRED');
});

test('altered, truncated, foreign, other alg/enc or zip: one and the same 400', async () => {
  const token = (await call('POST', '/v2/order-sessions', { sessionData })).body.orderSessionId;
  const parts = token.split('.');
  const flip = (s, i) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  const header = (h) => base64url.encode(JSON.stringify(h));
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: 'x', aud: w.a.tenant.appDefId, iat: now, exp: now + 60, jti: 'x', sessionData };
  const foreign = (await call('POST', '/v2/order-sessions', { sessionData: { currency: 'USD', lineItems: [] } }, w.b.secretKey)).body.orderSessionId;
  const bad = [
    [parts[0], '', parts[2], flip(parts[3], 3), parts[4]].join('.'),
    [parts[0], '', parts[2], parts[3], flip(parts[4], 2)].join('.'),
    token.slice(0, -5),
    parts.slice(0, 4).join('.'),
    [header({ alg: 'dir', enc: 'A256GCM', kid, zip: 'DEF' }), ...parts.slice(1)].join('.'),
    [header({ alg: 'A256KW', enc: 'A256GCM', kid }), ...parts.slice(1)].join('.'),
    await joseToken(claims, { header: { enc: 'A128GCM' }, key: key.slice(0, 16) }),
    await joseToken(claims, { header: { kid: 'other' } }),
    foreign,
    'not-a-token',
  ];
  const bodies = new Set();
  for (const t of bad) {
    const r = await get(encodeURIComponent(t));
    assert.equal(r.status, 400, t);
    assert.equal(r.body.details.applicationError.code, 'INVALID_ORDER_SESSION_ID');
    bodies.add(JSON.stringify(r.body));
  }
  assert.equal(bodies.size, 1, 'every refusal reads the same');
});

test('session data is validated: more than one coupon, bad lines, keys', async () => {
  let r = await call('POST', '/v2/order-sessions', { sessionData: { ...sessionData, couponCodes: ['SAVE10', 'MUGS5'] } });
  assert.equal(r.status, 400);
  assert.equal(r.body.details.applicationError.code, 'MORE_THAN_ONE_COUPON');
  r = await call('POST', '/v2/order-sessions', { sessionData: { ...sessionData, lineItems: [{ id: 'a', price: 5, quantity: 1 }] } });
  assert.equal(r.status, 400);
  assert.equal(r.body.details.applicationError.code, 'INVALID_AMOUNT');
  assert.equal(r.body.details.applicationError.data.field, 'sessionData.lineItems[0].price');
  r = await call('POST', '/v2/order-sessions', { sessionData: { ...sessionData, couponCodes: ['NOPE'] } });
  assert.equal(r.status, 400);
  r = await call('POST', '/v2/order-sessions', { sessionData, ttlSeconds: 5 });
  assert.equal(r.status, 400);
  r = await call('POST', '/v2/order-sessions', { sessionData }, w.a.publishableKey);
  assert.equal(r.status, 403);
  r = await call('POST', '/v2/order-sessions', { sessionData }, '');
  assert.equal(r.status, 401);
});
