// What a store's object costs before any of our code: a 20-line create-order's
// own SQL statements (the store's read, the order number, the order, the
// checkout, the event, the next thing due: captured from this build as it
// runs them, with their arguments) replayed by a Durable Object written in
// plain JavaScript, with the worker's migrations; beside it the same
// requests to this build. The CPU time of workerd (miniflare, no proxy, no
// inspector; from /proc/<pid>/stat) per request, `count` of each kind taking
// turns in ten rounds, both servers up; and the same replay with the
// order's body cut to 1 KB (what a smaller stored order would save). Figures
// in BENCHMARKS.md ("The edge's CPU").
//
//   node bench/storage-floor.mjs [count=300] [lines=20]
import { Miniflare } from 'miniflare';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { root, prepare, newTenant, newEventsKey, migrateLocal, demoStore, seedStore, miniflareOptions, wranglerField } from '../scripts/lib.mjs';
import { stickerLines } from './checkouts.mjs';
import { workerdCpuMs } from './workerd-cpu.mjs';
import { buyer } from '../tests/support/worker.mjs';

const count = Number(process.argv[2] ?? 300);
const lines = Number(process.argv[3] ?? 20);
await prepare({ forTests: true });
const dir = mkdtempSync(join(tmpdir(), 'edge-checkout-floor-'));

/** workerd's CPU so far, in ms (miniflare's, under this process: one runs at a time). */
const workerdMs = () => workerdCpuMs(process.pid).worker;

/** Each kind's CPU per request, the kinds taking turns (after 20 each to warm up). */
async function measure(kinds) {
  const ms = Object.fromEntries(Object.keys(kinds).map((k) => [k, 0]));
  for (const send of Object.values(kinds)) for (let i = 0; i < 20; i++) await send();
  for (let round = 0; round < 10; round++) {
    for (const [kind, send] of Object.entries(kinds)) {
      const before = workerdMs();
      for (let i = 0; i < count / 10; i++) await send();
      ms[kind] += workerdMs() - before;
    }
  }
  return Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, v / count]));
}

// This build, its SQL calls logged (a copy whose binding of `exec` says what it runs; inside
// the repository, where workerd finds the modules it names)
const build = join(root, 'node_modules/.cache/edge-checkout/storage-floor');
rmSync(build, { recursive: true, force: true });
cpSync(join(root, 'crates/checkout-worker/build'), build, { recursive: true });
const entry = join(build, 'index.js');
const glue = 'return arg0.exec(getStringFromWasm0(arg1,arg2),...arg3)';
const source = readFileSync(entry, 'utf8');
if (!source.includes(glue)) throw new Error('the build binds exec otherwise: update the pattern');
writeFileSync(entry, source.replace(glue,
  '{const q=getStringFromWasm0(arg1,arg2);if(globalThis.__sql)globalThis.__sql.push([q,arg3]);return arg0.exec(q,...arg3)}')
  .replace('Entrypoint.prototype.fetch=function(request){',
    'Entrypoint.prototype.fetch=function(request){const u=new URL(request.url);'
    + 'if(u.pathname==="/__floor")return new Response("{\\"keys\\":[]}",{headers:{"content-type":"application/json"}});'
    + 'if(u.pathname==="/__sql"){const s=globalThis.__sql;globalThis.__sql=request.method==="POST"?[]:null;return new Response(JSON.stringify(s))}'));

const persist = join(dir, 'worker');
migrateLocal({ persistTo: persist, quiet: true });
const { tenant, secretKey } = newTenant('floor');
const ours = new Miniflare(miniflareOptions({ persistTo: persist, scriptPath: relative(root, entry),
  bindings: { TENANTS: JSON.stringify([tenant]), EVENTS_SIGNING_KEY: newEventsKey(), LOG_LEVEL: 'warn', STORAGE: 'objects' } }));
const base = String(await ours.ready).replace(/\/$/, '');
await seedStore(base, secretKey, demoStore(base));
const call = async (method, path, body) => {
  const r = await fetch(base + path, { method, headers: { authorization: secretKey, 'content-type': 'application/json', 'accept-encoding': 'identity' },
    body: body && JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 200)}`);
  return text;
};
const lineItems = stickerLines(lines);
const ready = [];
for (let i = 0; i < count + 22; i++) ready.push(JSON.parse(await call('POST', '/ecom/v1/checkouts', { lineItems, checkoutInfo: buyer })).checkout.id);
const read = ready.pop();
await call('POST', '/__sql');
await call('POST', `/ecom/v1/checkouts/${ready.pop()}/create-order`, {});
const statements = JSON.parse(await call('GET', '/__sql'));
if (statements.length !== 6) throw new Error(`a create-order ran ${statements.length} statements, not the 6 this replay knows`);
// the order's body among the order's arguments: the longest
const orderBody = statements[2][1].reduce((at, a, i, all) => (String(a).length > String(all[at]).length ? i : at), 0);

// The same statements from a Durable Object in plain JavaScript: for order i, checkout, order,
// gateway order and event ids of its own, and the order number the counter gives
const migrations = readdirSync(join(root, 'crates/checkout-worker/migrations')).sort()
  .map((f) => readFileSync(join(root, 'crates/checkout-worker/migrations', f), 'utf8'));
const script = `
import { DurableObject } from 'cloudflare:workers';
const MIGRATIONS = ${JSON.stringify(migrations)};
const SQL = ${JSON.stringify(statements)};
const APP = SQL[0][1][0];
const SMALL = JSON.stringify({ padding: 'x'.repeat(1000) });
const id = (kind, i) => kind + String(i).padStart(35, '0');
export class Store extends DurableObject {
  constructor(ctx, env) { super(ctx, env); for (const m of MIGRATIONS) ctx.storage.sql.exec(m); this.orders = 0; }
  async fetch(req) {
    const sql = this.ctx.storage.sql;
    const path = new URL(req.url).pathname;
    if (path === '/setup') {
      this.ctx.storage.transactionSync(() => {
        for (let i = 1; i <= ${2 * count + 60}; i++) sql.exec("INSERT INTO checkouts (app_def_id, id, version, completed, record, created_date, updated_date) VALUES (?1, ?2, 1, 0, ?3, 'x', 'x')", APP, id('c', i), SQL[3][1][1]);
      });
      return new Response('{}');
    }
    const i = path === '/read' ? 1 : ++this.orders;
    const checkout = id('c', i);
    const row = sql.exec(SQL[0][0], APP, checkout).toArray()[0];
    if (path !== '/read') {
      this.ctx.storage.transactionSync(() => {
        const number = sql.exec(SQL[1][0], ...SQL[1][1]).toArray()[0].last;
        const order = [...SQL[2][1]];
        if (path === '/small') order[${orderBody}] = SMALL;
        Object.assign(order, { 1: id('o', i), 2: checkout, 10: id('g', i), 13: number });
        if (!sql.exec(SQL[2][0], ...order).toArray().length) throw new Error('no order');
        const change = [...SQL[3][1]];
        change[3] = checkout;
        if (!sql.exec(SQL[3][0], ...change).toArray().length) throw new Error('the checkout changed');
        const event = [...SQL[4][1]];
        event[1] = id('e', i);
        sql.exec(SQL[4][0], ...event).toArray();
      });
      sql.exec(SQL[5][0], ...SQL[5][1]).toArray();
    }
    return new Response(String(row.record).slice(0, 100), { headers: { 'content-type': 'application/json' } });
  }
}
export default {
  async fetch(req, env) {
    if (new URL(req.url).pathname === '/floor') return new Response('{"keys":[]}', { headers: { 'content-type': 'application/json' } });
    return env.STORES.get(env.STORES.idFromName('store')).fetch(req);
  },
};`;
const plain = new Miniflare({ modules: true, script, cf: false, compatibilityDate: wranglerField('compatibility_date'),
  durableObjects: { STORES: { className: 'Store', useSQLite: true } }, durableObjectsPersist: join(dir, 'plain') });
const plainBase = String(await plain.ready).replace(/\/$/, '');
const get = async (path) => {
  const r = await fetch(plainBase + path);
  const text = await r.text();
  if (!r.ok) throw new Error(`${path}: ${r.status} ${text.slice(0, 300)}`);
};
await get('/setup');
// both servers up, their kinds taking turns: the machine's drift falls on all alike
const ms = await measure({
  plainFloor: () => get('/floor'), plainRead: () => get('/read'), plainOrder: () => get('/order'), plainSmall: () => get('/small'),
  floor: () => call('GET', '/__floor'),
  jwks: () => call('GET', '/.well-known/jwks.json'),
  get: () => call('GET', `/ecom/v1/checkouts/${read}`),
  order: () => call('POST', `/ecom/v1/checkouts/${ready.pop()}/create-order`, {}),
});
await plain.dispose();
await ours.dispose();
rmSync(dir, { recursive: true, force: true });
rmSync(build, { recursive: true, force: true });

const row = (what, ms, floor) => console.log(`${what.padEnd(62)} ${ms.toFixed(2).padStart(6)} ms  ${floor == null ? '' : `+${(ms - floor).toFixed(2)} over its floor`}`);
console.log(`workerd CPU per request, ${count} of each (miniflare, objects, ${lines} lines; the order's body ${statements[2][1][orderBody].length} bytes):`);
row('plain JS: an answer', ms.plainFloor);
row('plain JS: the hop into the object and the store\'s read', ms.plainRead, ms.plainFloor);
row('plain JS: the hop and create-order\'s 6 statements', ms.plainOrder, ms.plainFloor);
row('plain JS: the same, the order\'s body 1 KB', ms.plainSmall, ms.plainFloor);
row('this build: an answer from its entry\'s JavaScript', ms.floor);
row('this build: GET /.well-known/jwks.json (the CPU bench\'s floor)', ms.jwks, ms.floor);
row('this build: GET checkout', ms.get, ms.jwks);
row('this build: create-order', ms.order, ms.jwks);
