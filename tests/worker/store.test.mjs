// The worker's transport rules, keys and the store configuration, against the
// built worker in workerd (miniflare) with a local D1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startMiniflare, json, demoStore } from '../support/worker.mjs';

let w;
before(async () => { w = await startMiniflare(); });
after(async () => { await w?.close(); });

const errorCode = (body) => body.details?.applicationError?.code ?? body.details?.validationError?.fieldViolations?.[0]?.violatedRule;

test('serves its OpenAPI document without a key, with a request id', async () => {
  const r = await w.fetch('/openapi.json');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('x-wix-request-id'), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(r.headers.get('x-request-id'), r.headers.get('x-wix-request-id'));
  const doc = await r.json();
  assert.match(doc.openapi, /^3\.1\./);
  assert.ok(doc.paths['/admin/v1/store'].put);
});

test('no key or an unknown key is 401; a publishable key on an admin route is 403', async () => {
  for (const key of [undefined, '', 'sk_test_nope', `${w.a.secretKey}x`]) {
    const r = await w.fetch('/admin/v1/store', json('GET', undefined, key));
    assert.equal(r.status, 401, `key ${key}`);
    assert.equal((await r.json()).details.applicationError.code, 'UNAUTHENTICATED');
  }
  const r = await w.fetch('/admin/v1/store', json('PUT', demoStore(), w.a.publishableKey));
  assert.equal(r.status, 403);
  assert.equal((await r.json()).details.applicationError.code, 'PERMISSION_DENIED');
});

test('a store configuration is stored per tenant and read back', async () => {
  let r = await w.fetch('/admin/v1/store', json('GET', undefined, w.a.secretKey));
  assert.equal(r.status, 404);
  r = await w.fetch('/admin/v1/store', json('PUT', demoStore(), `Bearer ${w.a.secretKey}`));
  assert.equal(r.status, 200, await r.clone().text());
  const put = await r.json();
  assert.equal(put.store.catalog[0].price, '19.99');
  r = await w.fetch('/admin/v1/store?unknown=1', json('GET', undefined, w.a.secretKey));
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), put);
  // the other tenant sees nothing of it
  r = await w.fetch('/admin/v1/store', json('GET', undefined, w.b.secretKey));
  assert.equal(r.status, 404);
});

test('an invalid store is refused whole with the code and path of the field', async () => {
  const store = demoStore();
  store.catalog[1].price = '54.001';
  let r = await w.fetch('/admin/v1/store', json('PUT', store, w.b.secretKey));
  assert.equal(r.status, 400);
  let body = await r.json();
  assert.equal(body.details.applicationError.code, 'INVALID_AMOUNT');
  assert.equal(body.details.validationError.fieldViolations[0].field, 'catalog[1].price');
  r = await w.fetch('/admin/v1/store', json('PUT', { ...demoStore(), currency: 'usd' }, w.b.secretKey));
  assert.equal(errorCode(await r.json()), 'UNSUPPORTED_CURRENCY');
  r = await w.fetch('/admin/v1/store', json('PUT', { ...demoStore(), catalog: 'nope' }, w.b.secretKey));
  assert.equal(r.status, 400);
  body = await r.json();
  assert.equal(body.details.validationError.fieldViolations[0].field, 'catalog');
  // nothing was written
  r = await w.fetch('/admin/v1/store', json('GET', undefined, w.b.secretKey));
  assert.equal(r.status, 404);
});

test('malformed JSON is 400, a body over 256 KiB is 413, never a 500', async () => {
  let r = await w.fetch('/admin/v1/store', { method: 'PUT', headers: { authorization: w.a.secretKey }, body: '{"currency":' });
  assert.equal(r.status, 400);
  assert.equal((await r.json()).details.validationError.fieldViolations[0].violatedRule, 'FORMAT');
  r = await w.fetch('/admin/v1/store', { method: 'PUT', headers: { authorization: w.a.secretKey }, body: ' '.repeat(256 * 1024 + 1) });
  assert.equal(r.status, 413);
  assert.equal((await r.json()).details.applicationError.code, 'PAYLOAD_TOO_LARGE');
  // without a Content-Length (sent chunked, and endless): cut off once past the limit
  const cut = await endlessBody(new URL('/ecom/v1/checkouts', w.url), w.a.publishableKey);
  assert.ok(cut.sent < 16 * 1024 * 1024, `the worker read on: ${cut.sent} bytes sent`);
  if (cut.status !== undefined) {
    assert.equal(cut.status, 413);
    assert.equal(JSON.parse(cut.body).details.applicationError.code, 'PAYLOAD_TOO_LARGE');
  } else {
    assert.match(cut.error, /ECONNRESET|EPIPE/, 'answered, or hung up on, before the body ended');
  }
});

/**
 * Posts a chunked body of spaces that would go on for 64 MiB; resolves with the
 * answer (`status`, `body`) or the error the connection ended with, and how much was sent.
 */
function endlessBody(url, key) {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(64 * 1024, 32);
    const req = request(url, { method: 'POST', headers: { authorization: key, 'transfer-encoding': 'chunked' } });
    let sent = 0;
    let over = false;
    const finish = (result) => { if (!over) { over = true; resolve({ sent, ...result }); } };
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => { finish({ status: res.statusCode, body }); req.destroy(); });
    });
    req.on('error', (e) => finish({ error: e.code ?? String(e) }));
    const pump = () => {
      while (!over && sent < 64 * 1024 * 1024) {
        sent += chunk.length;
        if (!req.write(chunk)) { req.once('drain', pump); return; }
      }
      if (!over) req.end();
    };
    pump();
  });
}

test('the Bearer scheme is case-insensitive', async () => {
  for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
    const r = await w.fetch('/admin/v1/store', { headers: { authorization: `${scheme} ${w.b.secretKey}` } });
    assert.equal(r.status, 404, `${scheme}: authenticated, and b has no store`);
  }
});

test('an unknown route is 404 and a wrong method 405, both in the error shape', async () => {
  let r = await w.fetch('/nope', json('GET'));
  assert.equal(r.status, 404);
  assert.equal((await r.json()).details.applicationError.code, 'NOT_FOUND');
  r = await w.fetch('/admin/v1/store', json('DELETE', undefined, w.a.secretKey));
  assert.equal(r.status, 405);
  assert.ok(r.headers.get('x-wix-request-id'));
});

test('every request is logged as one JSON line with its request id', async () => {
  const r = await w.fetch('/admin/v1/store', json('GET', undefined, w.a.secretKey));
  const id = r.headers.get('x-wix-request-id');
  await new Promise((res) => setTimeout(res, 50));
  const line = w.logs().map((l) => { try { return JSON.parse(l); } catch { return null; } }).find((l) => l?.requestId === id);
  assert.ok(line, `no log line for ${id}`);
  assert.equal(line.status, r.status);
  assert.equal(line.path, '/admin/v1/store');
  assert.equal(line.tenant, w.a.tenant.appDefId);
});

test('the log keeps no gift card code nor order-session token, whatever the path', async () => {
  await w.fetch('/admin/v1/store', json('PUT', demoStore(), w.a.secretKey));
  const secrets = ['GIFT-25', 'eyJzZWNyZXQ.aaaa.bbbb.cccc.dddd', 'typed-secret'];
  const calls = [
    ['/admin/v1/gift-cards/GIFT-25/balance', json('POST', { delta: '0' }, w.a.secretKey)],
    ['/admin/v1/gift-cards/GIFT-25/balance', json('GET', undefined, w.a.secretKey)], // 405: the route's path still
    [`/v2/order-sessions/${secrets[1]}`, json('GET', undefined, w.a.secretKey)],
    [`/v2/order-sessions/${secrets[1]}/more/${secrets[2]}`, json('GET', undefined, w.a.secretKey)], // no route
  ];
  const ids = [];
  for (const [path, init] of calls) ids.push((await w.fetch(path, init)).headers.get('x-wix-request-id'));
  await new Promise((res) => setTimeout(res, 50));
  const lines = w.logs().filter((l) => ids.some((id) => l.includes(id)));
  assert.equal(lines.length, ids.length);
  for (const secret of secrets) assert.ok(!w.logs().some((l) => l.includes(secret)), `${secret} is in the log`);
  assert.deepEqual(lines.map((l) => JSON.parse(l).path), ['/admin/v1/gift-cards/{code}/balance', '/admin/v1/gift-cards/{code}/balance',
    '/v2/order-sessions/{orderSessionId}', '/v2/order-sessions/…']);
});

test("a preflight follows the stores' origin lists as they change (the directory's index of origins)", async () => {
  const shop = 'https://index.example';
  const allowed = async () => (await w.fetch('/ecom/v1/checkouts', {
    method: 'OPTIONS', headers: { origin: shop, 'access-control-request-method': 'POST' },
  })).headers.get('access-control-allow-origin');
  assert.equal(await allowed(), null, 'no store lists it yet');
  for (const [key, origins, expected, why] of [
    [w.b.secretKey, [shop], shop, "tenant b's store lists it"],
    [w.a.secretKey, [shop, 'https://other.example'], shop, 'both list it'],
    [w.b.secretKey, [], shop, 'tenant a still lists it'],
    [w.a.secretKey, ['https://other.example'], null, 'no store lists it any more'],
  ]) {
    const r = await w.fetch('/admin/v1/store', json('PUT', { ...demoStore(), allowedOrigins: origins }, key));
    assert.equal(r.status, 200, await r.text());
    assert.equal(await allowed(), expected, why);
  }
});

test('CORS: listed storefront origins only, publishable-key routes only, never a secret key from a page', async () => {
  const shop = 'https://shop.example';
  const r0 = await w.fetch('/admin/v1/store', json('PUT', { ...demoStore(), allowedOrigins: [shop] }, w.a.secretKey));
  assert.equal(r0.status, 200, await r0.text());
  const preflight = (path, origin) => w.fetch(path, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
  let r = await preflight('/ecom/v1/checkouts', shop);
  assert.equal(r.status, 204);
  assert.equal(r.headers.get('access-control-allow-origin'), shop);
  assert.equal(r.headers.get('access-control-allow-methods'), 'POST');
  assert.match(r.headers.get('access-control-allow-headers'), /authorization/);
  assert.equal(r.headers.get('access-control-max-age'), '600');
  assert.match(r.headers.get('vary'), /Origin/);
  r = await preflight('/ecom/v1/checkouts/abc', shop);
  assert.equal(r.headers.get('access-control-allow-methods'), 'GET, PATCH');
  for (const [path, origin] of [['/ecom/v1/checkouts', 'https://evil.example'], ['/admin/v1/store', shop], ['/v2/order-sessions', shop]]) {
    r = await preflight(path, origin);
    assert.equal(r.headers.get('access-control-allow-origin'), null, `${path} from ${origin}`);
  }

  const create = (origin, key) => w.fetch('/ecom/v1/checkouts', {
    method: 'POST',
    headers: { origin, authorization: key, 'content-type': 'application/json' },
    body: JSON.stringify({ channelType: 'WEB', lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }] }),
  });
  r = await create(shop, w.a.publishableKey);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('access-control-allow-origin'), shop);
  assert.match(r.headers.get('access-control-expose-headers'), /x-wix-request-id/);
  // an error to a listed page is readable too
  r = await w.fetch('/ecom/v1/checkouts/nope', { headers: { origin: shop, authorization: w.a.publishableKey } });
  assert.equal(r.status, 404);
  assert.equal(r.headers.get('access-control-allow-origin'), shop);
  for (const [origin, key, why] of [
    ['https://evil.example', w.a.publishableKey, 'an origin the store does not list'],
    [shop, w.b.publishableKey, "another tenant's key: its store does not list the origin"],
    [shop, w.a.secretKey, 'a secret key from a page'],
  ]) {
    r = await create(origin, key);
    assert.equal(r.status, 403, why);
    assert.equal((await r.json()).details.applicationError.code, 'ORIGIN_NOT_ALLOWED', why);
    assert.equal(r.headers.get('access-control-allow-origin'), null, why);
  }
  // refused again and again, the caller's connection stays whole (a refused body is read, never left:
  // unread where the call was forwarded to the store's object, it cut the connection under workerd)
  for (let i = 0; i < 100; i++) {
    const refused = await Promise.all([create('https://evil.example', w.a.publishableKey), create(shop, w.a.secretKey)]);
    assert.deepEqual(refused.map((x) => x.status), [403, 403]);
    await Promise.all(refused.map((x) => x.text()));
  }
  // the worker's own pages, and callers without an Origin, are not affected
  r = await create(w.url, w.a.publishableKey);
  assert.equal(r.status, 200);
  r = await w.fetch('/admin/v1/store', json('GET', undefined, w.a.secretKey));
  assert.equal(r.status, 200);
});

test("a checkout's read takes the publishable key in its URL (?key=: a page preloads it, and it needs no preflight); no other route does, and never a secret key", async () => {
  const shop = 'https://preload.example';
  assert.equal((await w.fetch('/admin/v1/store', json('PUT', { ...demoStore(), allowedOrigins: [shop] }, w.a.secretKey))).status, 200);
  const made = await w.fetch('/ecom/v1/checkouts', json('POST', { lineItems: [{ quantity: 2, catalogReference: { catalogItemId: 'mug' } }] }, w.a.publishableKey));
  const { checkout } = await made.json();
  const read = (key, headers = {}, path = '') => w.fetch(`/ecom/v1/checkouts/${checkout.id}${path}?include=pricingInput&key=${encodeURIComponent(key)}`, { headers });

  // as a page's preload makes it: no Authorization header, the page's Origin
  let r = await read(w.a.publishableKey, { origin: shop });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('access-control-allow-origin'), shop);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const body = await r.json();
  assert.equal(body.checkout.id, checkout.id);
  assert.equal(body.checkout.priceSummary.total.amount, checkout.priceSummary.total.amount);
  assert.ok(body.checkout.pricingInput, 'with its pricing input');
  assert.equal((await read(w.a.publishableKey)).status, 200, 'without an Origin too');

  for (const [key, headers, status, code, why] of [
    [w.a.secretKey, {}, 403, 'SECRET_KEY_IN_URL', 'a secret key in a URL'],
    [w.a.secretKey, { origin: shop }, 403, 'SECRET_KEY_IN_URL', 'a secret key in a page\'s URL'],
    ['', {}, 401, 'UNAUTHENTICATED', 'an empty key'],
    [`${w.a.publishableKey}x`, {}, 401, 'UNAUTHENTICATED', 'a key of no tenant'],
    [w.b.publishableKey, {}, 404, 'NOT_FOUND', "another tenant's key: not its checkout"],
    [w.a.publishableKey, { origin: 'https://evil.example' }, 403, 'ORIGIN_NOT_ALLOWED', 'a page of an origin the store does not list'],
    [w.a.publishableKey, { authorization: w.b.publishableKey }, 404, 'NOT_FOUND', 'the header, when there is one, is the key'],
  ]) {
    r = await read(key, headers);
    assert.equal(r.status, status, why);
    assert.equal(errorCode(await r.json()), code, why);
  }
  // any other route, read or write, takes its key from the header only
  for (const [path, init] of [
    ['/checkout-url', {}],
    ['', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ checkout: { buyerNote: 'x' } }) }],
    ['/create-order', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }],
  ]) {
    r = await w.fetch(`/ecom/v1/checkouts/${checkout.id}${path}?key=${w.a.publishableKey}`, init);
    assert.equal(r.status, 401, `${init.method ?? 'GET'} ${path}`);
  }
  r = await w.fetch(`/admin/v1/store?key=${encodeURIComponent(w.a.secretKey)}`);
  assert.equal(r.status, 401, 'an admin route');
  await new Promise((res) => setTimeout(res, 50));
  assert.ok(!w.logs().some((l) => l.includes(w.a.secretKey)), 'a secret key sent in a URL is not logged');
});

test("the checkout URL is the store's page or the worker's own (PUBLIC_URL), never the request's Host", async () => {
  const { checkoutUrl, ...store } = demoStore();
  assert.ok(checkoutUrl);
  const forge = async (mf, t) => {
    let r = await mf.fetch('/admin/v1/store', json('PUT', store, t.secretKey));
    assert.equal(r.status, 200, await r.text());
    r = await mf.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }] }, t.publishableKey));
    const { checkout } = await r.json();
    r = await mf.fetch(`/ecom/v1/checkouts/${checkout.id}/checkout-url`, { headers: { authorization: t.publishableKey, host: 'evil.example', 'x-forwarded-host': 'evil.example' } });
    return { status: r.status, body: await r.json(), id: checkout.id };
  };
  let r = await forge(w, w.b);
  assert.equal(r.status, 428);
  assert.equal(r.body.details.applicationError.code, 'CHECKOUT_URL_NOT_CONFIGURED');
  const configured = await startMiniflare({ PUBLIC_URL: 'https://checkout.example/' });
  try {
    r = await forge(configured, configured.a);
    assert.equal(r.status, 200);
    // the worker's checkout page, which the store's publishable key opens
    assert.equal(r.body.checkoutUrl, `https://checkout.example/checkout?key=${configured.a.publishableKey}&checkoutId=${r.id}`);
    const second = await forge(configured, configured.b);
    assert.equal(second.body.checkoutUrl, `https://checkout.example/checkout?key=${configured.b.publishableKey}&checkoutId=${second.id}`);
  } finally {
    await configured.close();
  }
});

test('events go to https URLs of public hosts only; plain http to this machine only where the worker allows it', async () => {
  const put = (url) => w.fetch('/admin/v1/store', json('PUT', { ...demoStore(), webhooks: { url } }, w.b.secretKey));
  for (const url of ['http://127.0.0.1:9000/hooks', 'https://127.0.0.1/', 'https://10.1.2.3/', 'https://169.254.169.254/latest',
    'https://[::1]/', 'https://localhost/', 'ftp://hooks.example.com/', 'https://intranet/',
    // the spellings fetch reads as the same loopback and link-local addresses
    'https://127.1/', 'https://0x7f.0.0.1/', 'https://%31%32%37.0.0.1/', 'https://2130706433/', 'https://127.0.0.1./',
    'https://localhost./', 'https://[0:0:0:0:0:0:0:1]/', 'https://[::ffff:127.0.0.1]/', 'https://169.254.169.254\\latest/meta-data',
    'https://127.0.0.1\\x', 'https://hooks.example.com@127.0.0.1/', 'http://127.1:9000/', 'http://0x7f.0.0.1:9000/']) {
    const r = await put(url);
    assert.equal(r.status, 400, url);
    assert.equal((await r.json()).details.validationError.fieldViolations[0].field, 'webhooks.url');
  }
  assert.equal((await put('https://hooks.example.com/edge')).status, 200);
});

test('past its storage budget a store refuses storefront calls that would store more; reads, the merchant and another store go on', async () => {
  const lines = [{ quantity: 1, catalogReference: { catalogItemId: 'stickers' } }];
  const create = (key) => w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', lineItems: lines }, key));
  const budget = (quotaBytes) => JSON.stringify(JSON.parse(w.TENANTS)
    .map((t) => (t.appDefId === w.a.tenant.appDefId ? { ...t, quotaBytes } : t)));
  assert.equal((await w.fetch('/admin/v1/store', json('PUT', demoStore(), w.a.secretKey))).status, 200);
  await w.rebind({ TENANTS: budget(2000) });
  try {
    const first = await (await create(w.a.publishableKey)).json();
    assert.ok(first.checkout.id, JSON.stringify(first));
    // measured (as the upkeep does every ten minutes): past 2,000 bytes
    const usage = await (await w.fetch('/admin/v1/store/usage', json('GET', undefined, w.a.secretKey))).json();
    assert.equal(usage.quotaBytes, 2000);
    assert.ok(usage.bytes.total > 2000, JSON.stringify(usage.bytes));
    const refused = await create(w.a.publishableKey);
    assert.equal(refused.status, 403);
    assert.equal((await refused.json()).details.applicationError.code, 'STORE_QUOTA_EXCEEDED');
    const edit = await w.fetch(`/ecom/v1/checkouts/${first.checkout.id}`,
      json('PATCH', { checkout: { buyerNote: 'more' } }, w.a.publishableKey));
    assert.equal(edit.status, 403, 'a change stores more too');
    const read = await w.fetch(`/ecom/v1/checkouts/${first.checkout.id}`, json('GET', undefined, w.a.publishableKey));
    assert.equal(read.status, 200, 'reads go on');
    assert.equal((await create(w.a.secretKey)).status, 200, "the merchant's calls go on");
    assert.equal((await create(w.b.publishableKey)).status, 200, 'another store is not held to it');
    // a larger budget lets the page go on
    await w.rebind({ TENANTS: budget(2 ** 30) });
    assert.equal((await create(w.a.publishableKey)).status, 200);
  } finally {
    await w.rebind({ TENANTS: budget(undefined) });
  }
});

test("the store's usage: its rows and their bytes by kind, its own only, secret key only", async () => {
  for (const t of [w.a, w.b]) {
    const r = await w.fetch('/admin/v1/store', json('PUT', demoStore(), t.secretKey));
    assert.equal(r.status, 200);
  }
  const usage = async (t) => {
    const r = await w.fetch('/admin/v1/store/usage', json('GET', undefined, t.secretKey));
    assert.equal(r.status, 200, await r.clone().text());
    return r.json();
  };
  const before = await usage(w.a);
  const kinds = ['checkouts', 'events', 'idempotencyKeys', 'orders', 'planOrders'];
  assert.deepEqual(Object.keys(before.rows).sort(), kinds);
  assert.deepEqual(Object.keys(before.bytes).sort(), [...kinds, 'total'].sort());
  assert.equal(before.quotaBytes, 2 ** 30, 'the default budget');
  const lines = [{ quantity: 1, catalogReference: { catalogItemId: 'stickers' } }];
  const made = [];
  for (let i = 0; i < 3; i++) {
    const r = await w.fetch('/ecom/v1/checkouts', { ...json('POST', { channelType: 'WEB', lineItems: lines }, w.a.publishableKey),
      headers: { ...json('POST', {}, w.a.publishableKey).headers, 'idempotency-key': `usage-${i}` } });
    made.push(await r.text());
  }
  // tenant b's checkout is not a's
  await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', lineItems: lines }, w.b.publishableKey));
  const after = await usage(w.a);
  assert.equal(after.rows.checkouts, before.rows.checkouts + 3);
  assert.ok(after.bytes.checkouts > before.bytes.checkouts + 3 * 500, JSON.stringify(after));
  assert.equal(after.rows.idempotencyKeys, before.rows.idempotencyKeys + 3);
  const answers = made.reduce((n, m) => n + Buffer.byteLength(m), 0);
  assert.ok(after.bytes.idempotencyKeys - before.bytes.idempotencyKeys >= answers - 3, 'the stored answers, byte for byte');
  assert.equal(after.rows.events, before.rows.events + 3, 'a checkout made tells of itself');
  assert.equal(after.bytes.total, kinds.reduce((n, k) => n + after.bytes[k], 0));
  const r = await w.fetch('/admin/v1/store/usage', json('GET', undefined, w.a.publishableKey));
  assert.equal(r.status, 403);
});

// last: it gives tenant b a store, which the tests above expect it not to have
test("every request prices with the store's configuration as last written: each change of it, by either tenant, is read by the next request", async () => {
  const priced = (price) => ({ ...demoStore(), catalog: demoStore().catalog.map((i) => (i.id === 'mug' ? { ...i, price } : i)) });
  const put = async (tenant, price) => assert.equal((await w.fetch('/admin/v1/store', json('PUT', priced(price), tenant.secretKey))).status, 200);
  const checkouts = {};
  for (const tenant of [w.a, w.b]) {
    await put(tenant, tenant === w.a ? '12.00' : '30.00');
    const r = await w.fetch('/ecom/v1/checkouts', json('POST', { lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }] }, tenant.secretKey));
    checkouts[tenant.tenant.appDefId] = (await r.json()).checkout.id;
  }
  const price = async (tenant) => {
    const r = await w.fetch(`/ecom/v1/checkouts/${checkouts[tenant.tenant.appDefId]}`, json('GET', undefined, tenant.secretKey));
    return (await r.json()).checkout.lineItems[0].price.amount;
  };
  for (const [a, b] of [['12.00', '30.00'], ['13.50', '30.00'], ['13.50', '31.00'], ['12.00', '29.00']]) {
    if (a !== await price(w.a)) await put(w.a, a);
    if (b !== await price(w.b)) await put(w.b, b);
    assert.deepEqual([await price(w.a), await price(w.b)], [a, b]);
    assert.equal((await (await w.fetch('/admin/v1/store', json('GET', undefined, w.a.secretKey))).json()).store.catalog.find((i) => i.id === 'mug').price, a);
  }
});
