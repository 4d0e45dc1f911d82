// The worker's transport rules, keys and the store configuration, against the
// built worker in workerd (miniflare) with a local D1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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
