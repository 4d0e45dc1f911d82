// Standard Webhooks beside the JWT: every delivery verified by the
// `standardwebhooks` package from npm and, run by Python, the one from PyPI,
// with the store's own secret (rotated: both verify, then only the new one;
// another store's secret verifies nothing); the endpoint's health (a 410
// disables it, enabling it again sends what waited, in order); the event
// types an endpoint takes; events made without a URL kept, not sent, until
// recovered; and the secret never in a log line or an event.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { startMiniflare, json, demoStore } from '../support/worker.mjs';
import { sleep, until } from '../support/wait.mjs';
import { root, PYTHON_PACKAGES } from '../../scripts/lib.mjs';

const execFileAsync = promisify(execFile);
let w;
/** Every request the receiver got: `{body, headers}`; `answer` is the status it answers with. */
const got = [];
let answer = 200;
let server;
let url;

before(async () => {
  w = await startMiniflare({ EVENTS_RETRY_BASE_MS: '5', ALLOW_LOCAL_WEBHOOKS: 'true' }, {}, { stores: ['a', 'b'] });
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      got.push({ body, headers: req.headers });
      res.statusCode = answer;
      res.end();
    });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${server.address().port}/hooks`;
});
after(async () => {
  await w?.close();
  server?.closeAllConnections();
  server?.close();
});

const call = async (method, path, body, key = w.a.secretKey) => {
  const r = await w.fetch(path, json(method, body, key));
  return { status: r.status, body: await r.json() };
};
const putStore = async (t, webhooks) => {
  const r = await call('PUT', '/admin/v1/store', { ...demoStore(), ...(webhooks ? { webhooks } : {}) }, t.secretKey);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.store;
};
const newCheckout = async (t) => {
  const r = await call('POST', '/ecom/v1/checkouts',
    { channelType: 'WEB', lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'stickers' } }] }, t.publishableKey);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.checkout.id;
};
const eventsOf = async (t, id) => (await call('GET', '/admin/v1/events?limit=100', undefined, t.secretKey)).body.events
  .filter((e) => e.entityId === id);
/** The deliveries of events about `entityId`, as the receiver got them. */
const deliveriesOf = (ids) => got.filter((d) => ids.includes(d.headers['webhook-id']));
const secretsOf = async (t) => {
  const r = await call('GET', '/admin/v1/webhooks/secret', undefined, t.secretKey);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.secrets.map((s) => s.secret);
};
/** The README's receiver for `lang`, its code as written. */
const readmeReceiver = (lang) => readFileSync(join(root, 'README.md'), 'utf8')
  .split(`<!-- standard webhooks receiver, ${lang} -->`)[1].split(`\`\`\`${lang === 'node' ? 'js' : 'python'}\n`)[1].split('```')[0];

test("every delivery verifies with the store's secret through npm's standardwebhooks, as the README's receiver runs it; another store's secret verifies none", async () => {
  await putStore(w.a, { url });
  await putStore(w.b, { url });
  const [secret] = await secretsOf(w.a);
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.deepEqual(await secretsOf(w.a), [secret], 'made once, then the same');
  const [theirs] = await secretsOf(w.b);
  assert.notEqual(theirs, secret);
  const id = await newCheckout(w.a);
  const [event] = await until('the event', () => eventsOf(w.a, id).then((e) => (e[0]?.status === 'DELIVERED' ? e : null)));
  const [delivery] = deliveriesOf([event.id]);
  assert.equal(delivery.headers['webhook-id'], event.id);
  assert.ok(Math.abs(Number(delivery.headers['webhook-timestamp']) - Date.now() / 1000) < 60);
  assert.match(delivery.headers['webhook-signature'], /^v1,[A-Za-z0-9+/]{43}=$/);
  // the README's receiver, as written
  const dir = join(root, 'node_modules', '.cache');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `readme-standard-receiver-${process.pid}.mjs`);
  writeFileSync(file, `const secret = ${JSON.stringify(secret)};\n${readmeReceiver('node')}`);
  try {
    const { receive } = await import(file);
    const envelope = receive(delivery.body, delivery.headers);
    assert.equal(envelope.id, event.id);
    assert.equal(envelope.entityId, id);
    // a changed body, id or timestamp, or another store's secret: refused
    assert.throws(() => receive(delivery.body.replace(/.$/, 'x'), delivery.headers), /signature/);
    assert.throws(() => receive(delivery.body, { ...delivery.headers, 'webhook-id': 'evt_other' }), /signature/);
    assert.throws(() => new Webhook(theirs).verify(delivery.body, delivery.headers, { jsonParse: false }), /signature/);
  } finally {
    rmSync(file, { force: true });
  }
  // B's deliveries verify with B's secret only
  const bid = await newCheckout(w.b);
  const [bevent] = await until("B's event", () => eventsOf(w.b, bid).then((e) => (e[0]?.status === 'DELIVERED' ? e : null)));
  const [bdelivery] = deliveriesOf([bevent.id]);
  assert.equal(new Webhook(theirs).verify(bdelivery.body, bdelivery.headers, { jsonParse: false }), undefined);
  assert.throws(() => new Webhook(secret).verify(bdelivery.body, bdelivery.headers, { jsonParse: false }), /signature/);
});

test("the PyPI standardwebhooks package, run by Python as the README's receiver, verifies the store's deliveries and refuses another store's", async () => {
  const [secret] = await secretsOf(w.a);
  const ids = [await newCheckout(w.a), await newCheckout(w.b)];
  const [mine, theirs] = await until('both delivered', async () => {
    const [a] = await eventsOf(w.a, ids[0]);
    const [b] = await eventsOf(w.b, ids[1]);
    return a?.status === 'DELIVERED' && b?.status === 'DELIVERED' ? [a, b] : null;
  });
  const deliveries = [...deliveriesOf([mine.id]), ...deliveriesOf([theirs.id])]
    .map((d) => ({ body: d.body, headers: { 'webhook-id': d.headers['webhook-id'], 'webhook-timestamp': d.headers['webhook-timestamp'], 'webhook-signature': d.headers['webhook-signature'] } }));
  const script = `import json, sys
secret = ${JSON.stringify(secret)}
${readmeReceiver('python')}
for d in json.load(sys.stdin):
    try:
        print(receive(d["body"].encode(), d["headers"])["id"])
    except Exception as e:
        print("refused", type(e).__name__)
`;
  const out = execFileSync('python3', ['-c', script], {
    input: JSON.stringify(deliveries), encoding: 'utf8', env: { ...process.env, PYTHONPATH: PYTHON_PACKAGES },
  });
  assert.deepEqual(out.trim().split('\n'), [mine.id, 'refused WebhookVerificationError']);
});

test('a rotation signs with both secrets until the older are retired; then only the new one verifies', async () => {
  const [old] = await secretsOf(w.a);
  const rotated = await call('POST', '/admin/v1/webhooks/rotate-secret', {});
  assert.equal(rotated.status, 200);
  const [fresh, kept] = rotated.body.secrets.map((s) => s.secret);
  assert.equal(kept, old);
  assert.notEqual(fresh, old);
  const verifies = (secret, d) => {
    try {
      new Webhook(secret).verify(d.body, d.headers, { jsonParse: false });
      return true;
    } catch {
      return false;
    }
  };
  let id = await newCheckout(w.a);
  let [e] = await until('delivered', () => eventsOf(w.a, id).then((x) => (x[0]?.status === 'DELIVERED' ? x : null)));
  let [d] = deliveriesOf([e.id]);
  assert.equal(d.headers['webhook-signature'].split(' ').length, 2);
  assert.ok(verifies(old, d) && verifies(fresh, d), 'both verify meanwhile');
  const retired = await call('POST', '/admin/v1/webhooks/retire-secrets', {});
  assert.deepEqual(retired.body.secrets.map((s) => s.secret), [fresh]);
  id = await newCheckout(w.a);
  [e] = await until('delivered', () => eventsOf(w.a, id).then((x) => (x[0]?.status === 'DELIVERED' ? x : null)));
  [d] = deliveriesOf([e.id]);
  assert.ok(verifies(fresh, d) && !verifies(old, d), 'only the new one');
  // secret key only
  for (const [method, path] of [['GET', '/admin/v1/webhooks/secret'], ['POST', '/admin/v1/webhooks/rotate-secret'],
    ['POST', '/admin/v1/webhooks/retire-secrets'], ['GET', '/admin/v1/webhooks'], ['POST', '/admin/v1/webhooks/recover']]) {
    assert.equal((await call(method, path, method === 'POST' ? {} : undefined, w.a.publishableKey)).status, 403, path);
  }
});

test('a 410 disables the endpoint: events wait, unsent; enabled again, what waited is sent at once, an entity\'s events in order, and the health says each step', async () => {
  await putStore(w.a, { url });
  answer = 410;
  const first = await newCheckout(w.a);
  await until('disabled', async () => (await call('GET', '/admin/v1/webhooks')).body.state === 'DISABLED');
  answer = 200;
  const waiting = [first];
  for (let i = 0; i < 4; i++) waiting.push(await newCheckout(w.a));
  await w.scheduled();
  await sleep(200);
  const ids = [];
  for (const c of waiting) ids.push((await eventsOf(w.a, c))[0].id);
  assert.deepEqual(deliveriesOf(ids).map((x) => x.headers['webhook-id']), [ids[0]], 'only the attempt that met the 410');
  let health = (await call('GET', '/admin/v1/webhooks')).body;
  assert.equal(health.url, url);
  assert.equal(health.state, 'DISABLED');
  assert.ok(health.failingSince);
  assert.ok(health.counts.pending >= 5, JSON.stringify(health.counts));
  for (const c of waiting) assert.equal((await eventsOf(w.a, c))[0].status, 'PENDING');
  // one checkout's change waits too: its entity's events go in order
  const changed = await call('PATCH', `/ecom/v1/checkouts/${waiting[1]}`,
    { checkout: { id: waiting[1], buyerInfo: { email: 'late@example.com' } } }, w.a.publishableKey);
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  const [updated] = (await eventsOf(w.a, waiting[1])).filter((e) => e.slug === 'updated');
  // the merchant enables it again: sent at once, each once, an entity's events in order
  const before = got.length;
  const store = await putStore(w.a, { url, enabled: true });
  assert.equal(store.webhooks.enabled, undefined, 'an action, not configuration');
  await until('all sent', async () => deliveriesOf([...ids, updated.id]).length >= 7);
  const order = got.slice(before).map((x) => x.headers['webhook-id']);
  assert.deepEqual(order.filter((x) => ids.includes(x)).sort(), [...ids].sort());
  assert.ok(order.indexOf(ids[1]) < order.indexOf(updated.id), 'created before updated');
  health = (await call('GET', '/admin/v1/webhooks')).body;
  assert.equal(health.state, 'ENABLED');
  assert.equal(health.failingSince, null);
  assert.ok(health.lastSuccessDate);
  assert.equal(health.counts.pending, 0);
  assert.ok(health.counts.delivered >= 5);
});

test('an endpoint gets the event types it lists; events made while the store had no URL are kept, not sent, until recovered', async () => {
  await putStore(w.b, null);
  const since = new Date(Date.now() - 1000).toISOString();
  const made = [await newCheckout(w.b), await newCheckout(w.b)];
  const kept = [];
  for (const c of made) kept.push(...await eventsOf(w.b, c));
  assert.deepEqual(kept.map((e) => e.status), ['SKIPPED', 'SKIPPED']);
  // a URL set afterwards gets the events from its time on
  await putStore(w.b, { url, events: ['wix.ecom.v1.checkout_updated'] });
  const health = (await call('GET', '/admin/v1/webhooks', undefined, w.b.secretKey)).body;
  assert.deepEqual(health.events, ['wix.ecom.v1.checkout_updated']);
  const created = await newCheckout(w.b);
  const updated = await call('PATCH', `/ecom/v1/checkouts/${created}`, { checkout: { id: created, buyerInfo: { email: 'b@example.com' } } }, w.b.publishableKey);
  assert.equal(updated.status, 200, JSON.stringify(updated.body));
  const events = await until('both handled', async () => {
    const e = await eventsOf(w.b, created);
    return e.length === 2 && e.every((x) => x.status !== 'PENDING') ? e : null;
  });
  const bySlug = Object.fromEntries(events.map((e) => [e.slug, e]));
  assert.equal(bySlug.updated.status, 'DELIVERED');
  assert.equal(bySlug.created.status, 'SKIPPED', 'not a type the endpoint takes');
  assert.deepEqual(deliveriesOf(kept.map((e) => e.id)), []);
  // recover sends what was kept since `since`, on request
  await putStore(w.b, { url });
  const r = await call('POST', '/admin/v1/webhooks/recover', { since }, w.b.secretKey);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.ok(r.body.recovered >= 3);
  await until('recovered', () => deliveriesOf(kept.map((e) => e.id)).length === 2);
  assert.equal((await call('POST', '/admin/v1/webhooks/recover', { since: 'yesterday' }, w.b.secretKey)).status, 400);
  // a list that is not event types is refused
  for (const events of [[], ['order_approved'], ['wix.ecom.v1.order approved'], 'wix.ecom.v1.order_approved']) {
    const bad = await call('PUT', '/admin/v1/store', { ...demoStore(), webhooks: { url, events } }, w.b.secretKey);
    assert.equal(bad.status, 400, JSON.stringify(events));
  }
});

test("the secret is never in the worker's log nor in an event", async () => {
  const secrets = [...await secretsOf(w.a), ...await secretsOf(w.b)];
  const id = await newCheckout(w.a);
  await until('delivered', () => eventsOf(w.a, id).then((x) => x[0]?.status === 'DELIVERED'));
  const logs = w.logs().join('\n');
  const stored = JSON.stringify(await call('GET', '/admin/v1/events?limit=100'));
  for (const s of secrets) {
    const key = s.slice('whsec_'.length);
    assert.ok(!logs.includes(key), 'a secret in the log');
    assert.ok(!stored.includes(key), 'a secret in an event');
    for (const d of got) assert.ok(!d.body.includes(key) && !JSON.stringify(d.headers).includes(key));
  }
});

test('npm run tenants -- webhook-secret, rotate-webhook-secret and retire-webhook-secrets ask the worker with the secret key', async () => {
  const run = (args, env = { SECRET_KEY: w.b.secretKey }) => execFileAsync('node',
    [join(root, 'scripts/tenants.mjs'), ...args, '--url', w.url], { env: { ...process.env, ...env }, encoding: 'utf8' })
    .then((r) => r.stdout.trim().split('\n'));
  const [secret] = await secretsOf(w.b);
  const shown = await run(['webhook-secret']);
  assert.equal(shown.length, 1);
  assert.ok(shown[0].startsWith(`${secret} `) && shown[0].endsWith('(signs)'), shown[0]);
  const rotated = await run(['rotate-webhook-secret']);
  assert.equal(rotated.length, 2);
  assert.ok(rotated[1].startsWith(`${secret} `));
  const [fresh] = await secretsOf(w.b);
  assert.ok(rotated[0].startsWith(`${fresh} `));
  assert.deepEqual((await run(['retire-webhook-secrets'])).map((l) => l.split(' ')[0]), [fresh]);
  await assert.rejects(run(['webhook-secret'], { SECRET_KEY: '' }), (e) => /set SECRET_KEY/.test(e.stderr));
  await assert.rejects(run(['webhook-secret'], { SECRET_KEY: w.b.publishableKey }), (e) => /answered 403/.test(e.stderr));
});

test('a receiver back after failing gets what waited for its retries at once, side by side, run after run until none is left; a new event never waits behind the backlog', async () => {
  const w2 = await startMiniflare({ ALLOW_LOCAL_WEBHOOKS: 'true', EVENTS_SENDS_PER_RUN: '8' }, {}, { stores: ['a'] });
  const r = { up: false, inFlight: 0, most: 0, seen: [] };
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      if (!r.up) {
        res.statusCode = 503;
        return res.end();
      }
      r.inFlight += 1;
      r.most = Math.max(r.most, r.inFlight);
      await sleep(30);
      r.inFlight -= 1;
      r.seen.push(req.headers['webhook-id']);
      res.end();
    });
  });
  await new Promise((ok) => receiver.listen(0, '127.0.0.1', ok));
  const call2 = async (method, path, body, key = w2.a.secretKey) => (await w2.fetch(path, json(method, body, key))).json();
  try {
    await call2('PUT', '/admin/v1/store', { ...demoStore(), webhooks: { url: `http://127.0.0.1:${receiver.address().port}/` } });
    for (let i = 0; i < 20; i++) {
      await call2('POST', '/ecom/v1/checkouts', { lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'stickers' } }] });
    }
    // the attempts after each change failed: those events wait seconds for their retries
    const waiting = await until('attempts failed', async () => {
      const { events } = await call2('GET', '/admin/v1/events?status=PENDING&limit=100');
      const retried = events.filter((e) => e.attempts > 0 && e.lastAttempt?.httpStatus === 503);
      return retried.length >= 6 ? events : null;
    });
    assert.equal(waiting.length, 20);
    assert.ok(waiting.some((e) => Date.parse(e.nextAttemptDate) > Date.now() + 3000), 'a retry seconds away');
    assert.ok((await call2('GET', '/admin/v1/webhooks')).failingSince);
    // back: a new checkout's event goes at once, and the backlog follows without waiting out its retries
    r.up = true;
    const started = Date.now();
    const fresh = (await call2('POST', '/ecom/v1/checkouts', { lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }] })).checkout.id;
    const { events } = await call2('GET', '/admin/v1/events?limit=1');
    assert.equal(events[0].entityId, fresh);
    await until('the new event', () => r.seen.includes(events[0].id), 3000);
    await until('every event', async () => {
      await w2.scheduled();
      return new Set(r.seen).size === 21;
    }, 4000);
    // the first retry waits 5 to 10 seconds
    assert.ok(Date.now() - started < 4000, 'without waiting out the retries');
    assert.equal(r.seen.length, 21, 'each once');
    // side by side (each run sends at most six at once; overlapping runs each their own)
    assert.ok(r.most >= 2, `${r.most} at once`);
    const health = await call2('GET', '/admin/v1/webhooks');
    assert.equal(health.failingSince, null);
    assert.equal(health.counts.pending, 0);
  } finally {
    await w2.close();
    receiver.closeAllConnections();
    receiver.close();
  }
});

test('one cron run sends at most EVENTS_SENDS_PER_RUN between all the stores it serves (the plan\'s subrequests are per invocation)',
  { skip: process.env.TEST_STORAGE === 'objects' && "the cron serves D1's stores; each store's object has its own alarm and budget" }, async () => {
    const w3 = await startMiniflare({ ALLOW_LOCAL_WEBHOOKS: 'true', EVENTS_SENDS_PER_RUN: '8' }, {}, { stores: ['a', 'b'] });
    let up = false;
    const taken = new Set();
    const receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (up) taken.add(req.headers['webhook-id']);
        res.statusCode = up ? 200 : 503;
        res.end();
      });
    });
    await new Promise((ok) => receiver.listen(0, '127.0.0.1', ok));
    try {
      for (const t of [w3.a, w3.b]) {
        const r = await w3.fetch('/admin/v1/store', json('PUT', { ...demoStore(), webhooks: { url: `http://127.0.0.1:${receiver.address().port}/` } }, t.secretKey));
        assert.equal(r.status, 200);
        for (let i = 0; i < 10; i++) {
          await w3.fetch('/ecom/v1/checkouts', json('POST', { lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'stickers' } }] }, t.secretKey));
        }
      }
      const pending = async (t) => (await (await w3.fetch('/admin/v1/webhooks', json('GET', undefined, t.secretKey))).json()).counts.pending;
      assert.equal((await pending(w3.a)) + (await pending(w3.b)), 20);
      // back, and the waits of the failed attempts over: one cron run
      up = true;
      await w3.sql("UPDATE events SET next_attempt_ms = 0 WHERE status = 'PENDING'");
      await w3.scheduled();
      await sleep(300);
      assert.equal(taken.size, 8, `${taken.size} sent by one run`);
      assert.equal((await pending(w3.a)) + (await pending(w3.b)), 12);
      // the next runs send the rest
      await until('the rest', async () => {
        await w3.scheduled();
        return taken.size === 20;
      });
    } finally {
      await w3.close();
      receiver.closeAllConnections();
      receiver.close();
    }
  });
