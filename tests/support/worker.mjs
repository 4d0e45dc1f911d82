// Test servers: the built worker in workerd, through miniflare's API (fast,
// one per test file) or through a real `wrangler dev` (the smoke and page
// tests). Each gets a fresh local D1 with the migrations applied and two
// tenants with fresh keys.
import { mkdtempSync, writeFileSync, rmSync, cpSync, mkdirSync, copyFileSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import {
  root, newTenant, newEventsKey, migrateLocal, startWrangler, runCron, demoStore as demoStoreAt, writeDemoConfig, seedStore,
  localWorkerVars, writeVars, freePort, apart, miniflareOptions,
} from '../../scripts/lib.mjs';

function tenants() {
  const a = newTenant('a');
  const b = newTenant('b');
  return { a, b, TENANTS: JSON.stringify([a.tenant, b.tenant]) };
}

/**
 * The worker under miniflare: `{ fetch(path, init), a, b, scheduled(), close }`.
 * `bindings` adds or overrides variables (EVENTS_RETRY_BASE_MS, say); `limits`
 * sets the rate limits per minute (`{storefront, codes}`), high by default so
 * that the suites' own traffic never meets them; the tenants named in
 * `stores` (`['a']`, say) get the demo store.
 */
export async function startMiniflare(bindings = {}, limits = {}, { stores = [] } = {}) {
  // TEST_STORAGE=objects runs a suite with every store in its own Durable Object
  const storage = bindings.STORAGE ?? process.env.TEST_STORAGE ?? 'd1';
  const { storefront = 1_000_000, codes = 1_000_000 } = limits ?? {};
  const dir = mkdtempSync(join(tmpdir(), 'edge-checkout-mf-'));
  migrateLocal({ persistTo: dir, quiet: true });
  const t = tenants();
  const logs = [];
  const collect = (stream) => stream.on('data', (d) => logs.push(...String(d).split('\n').filter(Boolean)));
  const options = {
    ...miniflareOptions({ persistTo: dir,
      bindings: { TENANTS: t.TENANTS, EVENTS_SIGNING_KEY: newEventsKey(), STORE_TEST_HOOKS: '1', ...bindings, STORAGE: storage } }),
    handleRuntimeStdio: (stdout, stderr) => { collect(stdout); collect(stderr); },
    // `limits` null: a worker deployed without its rate-limit bindings
    ratelimits: limits === null ? undefined : {
      STOREFRONT_RATE_LIMIT: { simple: { limit: storefront, period: 60 } },
      CODE_RATE_LIMIT: { simple: { limit: codes, period: 60 } },
    },
    unsafeTriggerHandlers: true,
  };
  const mf = new Miniflare(options);
  let url = await mf.ready;
  const d1 = async (query, ...args) => (await (await mf.getD1Database('DB')).prepare(query).bind(...args).all()).results;
  for (const name of stores) {
    const r = await fetch(new URL('/admin/v1/store', url), json('PUT', demoStoreAt(), t[name].secretKey));
    if (r.status !== 200) throw new Error(`the demo store for ${name}: ${r.status} ${await r.text()}`);
  }
  const storeObject = async (id, path, init) => {
    const ns = await mf.getDurableObjectNamespace('STORES');
    return ns.get(ns.idFromName(id)).fetch(`http://store${path}`, init);
  };
  return {
    ...t,
    url: url.href.replace(/\/$/, ''),
    /** The worker's log lines so far. */
    logs: () => logs,
    fetch: (path, init) => fetch(new URL(path, url), init),
    /** Restarts the worker with these variables changed (TENANTS, say), its database kept, as a deploy of new secrets does. */
    rebind: async (changed) => {
      options.bindings = { ...options.bindings, ...changed };
      await mf.setOptions(options);
      url = await mf.ready;
    },
    storage,
    /**
     * Runs SQL where the stores' rows are, to look at (or age) what they
     * stored: on D1, or in each tenant's object. The rows, of every store.
     */
    sql: async (query, ...args) => {
      if (storage !== 'objects') return d1(query, ...args);
      const rows = [];
      for (const id of [t.a.tenant.appDefId, t.b.tenant.appDefId]) {
        const r = await storeObject(id, '/__store/sql', { method: 'POST', body: JSON.stringify({ sql: query, args }) });
        if (!r.ok) throw new Error(`store sql: ${r.status} ${await r.text()}`);
        rows.push(...await r.json());
      }
      return rows;
    },
    /** A request to the store object of tenant `id` (its own `/__store/…` paths). */
    storeObject,
    /** Runs SQL on the D1 database, whatever the stores' storage. */
    d1: (query, ...args) => d1(query, ...args),
    /** Runs the cron trigger once (and each store object's upkeep) and waits for it. */
    scheduled: async () => {
      await (await fetch(new URL('/cdn-cgi/handler/scheduled', url))).text();
      if (storage === 'objects') {
        for (const id of [t.a.tenant.appDefId, t.b.tenant.appDefId]) await (await storeObject(id, '/__store/upkeep')).text();
      }
    },
    close: async () => { await mf.dispose(); rmSync(dir, { recursive: true, force: true }); },
  };
}

/**
 * The worker and site under a real `wrangler dev` on a free port; tenant `a`
 * has the demo store and is the storefront page's tenant. `vars` adds
 * variables (LOG_LEVEL, say); `scheduled` serves `/__scheduled` (`cron()`
 * runs it), as `npm start` does.
 */
export async function startWranglerDev(vars = {}, { scheduled = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'edge-checkout-wd-'));
  migrateLocal({ persistTo: dir, quiet: true });
  const t = tenants();
  const envFile = join(dir, 'test.vars');
  const port = await freePort();
  // what npm start gives the worker, and the test's own
  writeVars(envFile, { ...localWorkerVars({ TENANTS: t.TENANTS, EVENTS_SIGNING_KEY: newEventsKey() }, port), ...vars });
  const store = demoStoreAt(`http://127.0.0.1:${port}`);
  // a site of its own, with its own demo-config.json: a test no longer writes npm start's, nor another test's
  const site = join(dir, 'site');
  cpSync(join(root, 'build/site'), site, { recursive: true });
  writeDemoConfig(t.a.publishableKey, store, site);
  const server = await startWrangler({ port, persistTo: dir, envFile, quiet: true, scheduled, site, ...await apart(dir) });
  await seedStore(server.base, t.a.secretKey, store);
  return {
    ...t,
    url: server.base,
    logs: server.logs,
    fetch: (path, init) => fetch(new URL(path, server.base), init),
    /** Tenant a's checkout `id` as the worker has it (read with its secret key). */
    stored: async (id) => (await (await fetch(new URL(`/ecom/v1/checkouts/${id}`, server.base), json('GET', undefined, t.a.secretKey))).json()).checkout,
    cron: () => runCron(server.base),
    close: async () => { server.stop(); await new Promise((r) => setTimeout(r, 200)); rmSync(dir, { recursive: true, force: true }); },
  };
}

/**
 * A copy of the repository's command lines in `dir` (package.json, the
 * scripts' modules whole, wrangler.toml, node_modules linked), so that `npm
 * run …` there reads and writes the copy's own `.dev.vars` and secrets files,
 * never the repository's: the folder, to run the README's lines in as written.
 */
export function scriptsCopy(dir) {
  const copy = join(dir, 'repo');
  mkdirSync(join(copy, 'scripts'), { recursive: true });
  const scripts = readdirSync(join(root, 'scripts')).filter((f) => f.endsWith('.mjs')).map((f) => `scripts/${f}`);
  for (const f of ['package.json', 'Cargo.lock', 'wrangler.toml', ...scripts]) copyFileSync(join(root, f), join(copy, f));
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));
  return copy;
}

/**
 * The options of a test whose subject is the same on either storage backend
 * (the package's types, what deploy uploads, a test that sets each store's
 * storage itself): one run of the suite runs it, the D1 run
 * (`eitherBackend`) or the objects run (`eitherBackendOn('objects')`), and
 * the other skips it, saying so. They are shared between the two runs, which
 * `npm test` runs side by side, so that neither keeps the other waiting.
 */
export const eitherBackendOn = (storage) => ((process.env.TEST_STORAGE ?? 'd1') === storage ? {}
  : { skip: `the same on either storage backend: run by the ${storage === 'd1' ? 'D1' : storage} run of this suite` });
export const eitherBackend = eitherBackendOn('d1');

/** A buyer ready to order from the demo store: email, billing and shipping address (California), standard delivery. */
export const address = { country: 'US', subdivision: 'US-CA', city: 'San Francisco', postalCode: '94105', addressLine: '1 Main St' };
export const buyer = {
  buyerInfo: { email: 'ada@example.com' },
  billingInfo: { address, contactDetails: { firstName: 'Ada', lastName: 'Lovelace' } },
  shippingInfo: { shippingDestination: { address }, selectedCarrierServiceOption: { code: 'standard' } },
};

/** A JSON request with a key. */
export function json(method, body, key) {
  const headers = { 'content-type': 'application/json' };
  if (key) headers.authorization = key;
  return { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
}

/** The demo store; its checkout page and pictures on `base` when given. */
export const demoStore = (base) => demoStoreAt(base);
