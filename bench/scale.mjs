// The two storage backends side by side, in one run: create-order throughput
// for one store and for 20 stores at once, one store's latency alone and
// while the 19 others are under load, checkout reads per second; first with
// every store on one D1 database, then with each store in its own Durable
// Object (STORAGE = "objects"). Then, on D1, the bytes a checkout, an order
// and an event take (and how a checkout's grow with its lines). Local
// `wrangler dev`, 20 tenants with the demo store. Figures in SCALING.md.
//
//   node bench/scale.mjs [seconds=8] [d1|objects]   (after npm test or npm start built the worker)
import { mkdtempSync, writeFileSync, rmSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import autocannon from 'autocannon';
import { root, bin, migrateLocal, startWrangler, newTenant, newEventsKey, demoStore, seedStore, freePort, WRANGLER_ENV } from '../scripts/lib.mjs';

const seconds = Number(process.argv[2] ?? 8);
const backends = process.argv[3] ? [process.argv[3]] : ['d1', 'objects'];
const STORES = 20;
const tenants = Array.from({ length: STORES }, (_, i) => newTenant(`s${i}`));
let dir;
let server;
let base;

/** A fresh local database (and objects) under `wrangler dev` with every store on `storage`. */
async function start(storage) {
  dir = mkdtempSync(join(tmpdir(), 'edge-checkout-scale-'));
  migrateLocal({ persistTo: dir, quiet: true });
  const envFile = join(dir, 'scale.vars');
  writeFileSync(envFile, `TENANTS='${JSON.stringify(tenants.map((t) => t.tenant))}'\nEVENTS_SIGNING_KEY='${newEventsKey()}'\n`
    + `LOG_LEVEL='warn'\nSTORAGE='${storage}'\n`);
  server = await startWrangler({ port: await freePort(), persistTo: dir, envFile, quiet: true });
  base = server.base;
  for (const t of tenants) await seedStore(base, t.secretKey, demoStore(base));
}
async function stop() {
  server.stop();
  await new Promise((r) => setTimeout(r, 300));
  rmSync(dir, { recursive: true, force: true });
}

const info = {
  buyerInfo: { email: 'scale@example.com' },
  billingInfo: { address: { country: 'US', subdivision: 'US-CA' } },
  shippingInfo: { shippingDestination: { address: { country: 'US', subdivision: 'US-CA' } }, selectedCarrierServiceOption: { code: 'standard' } },
};
const lines = (n) => Array.from({ length: n }, (_, i) => ({ quantity: 1 + (i % 3), catalogReference: { catalogItemId: 'stickers', options: { n: i } } }));
const call = async (t, method, path, body) => {
  const r = await fetch(`${base}${path}`, { method, headers: { authorization: t.secretKey, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  return r.json();
};
/** `count` checkouts of `n` lines for tenant `t`, made 8 at a time; their ids. */
async function checkouts(t, count, n = 10) {
  const ids = [];
  while (ids.length < count) {
    const batch = await Promise.all(Array.from({ length: Math.min(8, count - ids.length) }, () =>
      call(t, 'POST', '/ecom/v1/checkouts', { lineItems: lines(n), checkoutInfo: info })));
    ids.push(...batch.map((b) => b.checkout.id));
  }
  return ids;
}

/** Create-order on the given checkouts for `seconds`, `connections` at a time. */
function orders(t, ids, connections) {
  let next = 0;
  return autocannon({
    url: base, connections, duration: seconds,
    requests: [{
      method: 'POST',
      setupRequest: (req) => ({ ...req, path: `/ecom/v1/checkouts/${ids[next++ % ids.length]}/create-order`,
        headers: { authorization: t.secretKey, 'content-type': 'application/json' }, body: '{}' }),
    }],
  });
}
const row = (r) => ({ 'req/s': Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, 'non-2xx': r.non2xx + r.errors });

/** The local D1 file's size. */
function dbBytes() {
  const find = (d) => readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? find(join(d, e.name)) : e.name.endsWith('.sqlite') ? [join(d, e.name)] : []);
  return find(join(dir, 'v3', 'd1')).reduce((n, f) => n + statSync(f).size + (statSync(f + '-wal', { throwIfNoEntry: false })?.size ?? 0), 0);
}
function sql(command) {
  const r = spawnSync(bin('wrangler'), ['d1', 'execute', 'DB', '--local', '--persist-to', dir, '--json', '--command', command],
    { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true', ...WRANGLER_ENV } });
  return JSON.parse(r.stdout)[0].results;
}

/** Orders and reads: one store, 20 at once, one store alone and among busy ones. */
async function throughput() {
  const results = {};
  const one = await checkouts(tenants[0], Math.ceil(seconds * 120));
  results['create-order, 1 store, 10 connections'] = row(await orders(tenants[0], one, 10));

  // 20 stores at once, 2 connections each
  const each = [];
  for (const t of tenants) each.push(await checkouts(t, Math.ceil(seconds * 20)));
  const all = await Promise.all(tenants.map((t, i) => orders(t, each[i], 2)));
  results['create-order, 20 stores at once, 2 connections each: total'] = {
    'req/s': Math.round(all.reduce((n, r) => n + r.requests.average, 0)),
    p50: Math.max(...all.map((r) => r.latency.p50)), p99: Math.max(...all.map((r) => r.latency.p99)),
    'non-2xx': all.reduce((n, r) => n + r.non2xx + r.errors, 0),
  };

  // one store's latency alone, then while the 19 others are loaded
  const quiet = await checkouts(tenants[0], Math.ceil(seconds * 80));
  results['create-order, 1 store, 1 connection, alone'] = row(await orders(tenants[0], quiet, 1));
  const busy = [];
  for (const t of tenants.slice(1)) busy.push(await checkouts(t, Math.ceil(seconds * 20)));
  const quiet2 = await checkouts(tenants[0], Math.ceil(seconds * 40));
  const [mine] = await Promise.all([orders(tenants[0], quiet2, 1), ...tenants.slice(1).map((t, i) => orders(t, busy[i], 2))]);
  results['create-order, 1 store, 1 connection, while 19 stores take 2 each'] = row(mine);

  // reads
  const [read] = await checkouts(tenants[1], 1);
  results['GET checkout, 10 connections'] = row(await autocannon({ url: `${base}/ecom/v1/checkouts/${read}`, connections: 10, duration: seconds,
    headers: { authorization: tenants[1].secretKey } }));
  return results;
}

/** Bytes on D1: a checkout by lines, an order, an event, and growth per checkout and order. */
async function bytes() {
  // a checkout of 1, 10, 100 and 300 lines, whose sizes are read at the end
  // (the database is read with wrangler d1 execute only once the load is over)
  const bySize = [];
  for (const n of [1, 10, 100, 300]) bySize.push([n, (await checkouts(tenants[STORES - 1], 1, n))[0]]);
  const before = dbBytes();
  const made = await checkouts(tenants[0], 200);
  const afterCheckouts = dbBytes();
  const orderCount = (await orders(tenants[0], made, 4))['2xx'];
  const afterOrders = dbBytes();
  const sizes = {};
  for (const [n, id] of bySize) sizes[`checkout record, ${n} lines`] = sql(`SELECT length(record) AS b FROM checkouts WHERE id = '${id}'`)[0].b;
  sizes['order body, 10 lines'] = Math.round(sql(`SELECT avg(length(body)) AS b FROM orders WHERE app_def_id = '${tenants[0].tenant.appDefId}'`)[0].b);
  sizes['event body (average)'] = Math.round(sql('SELECT avg(length(body)) AS b FROM events')[0].b);
  sizes['database growth per checkout (10 lines, with its created event)'] = Math.round((afterCheckouts - before) / made.length);
  sizes['database growth per order (10 lines, with its events and the checkout change)'] = Math.round((afterOrders - afterCheckouts) / Math.max(1, orderCount));
  return sizes;
}

const table = {};
const ratios = {};
for (const storage of backends) {
  await start(storage);
  try {
    const results = await throughput();
    for (const [what, r] of Object.entries(results)) table[`${storage}: ${what}`] = r;
    const rate = (k) => results[k]['req/s'];
    ratios[storage] = {
      '20 stores / 1 store, orders per second': +(rate('create-order, 20 stores at once, 2 connections each: total')
        / rate('create-order, 1 store, 10 connections')).toFixed(2),
      'one store\'s p99, busy / alone': +(results['create-order, 1 store, 1 connection, while 19 stores take 2 each'].p99
        / results['create-order, 1 store, 1 connection, alone'].p99).toFixed(2),
    };
    if (storage === 'd1') {
      console.table(await bytes());
    }
  } finally {
    await stop();
  }
}
console.table(table);
console.table(ratios);
