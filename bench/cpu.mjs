// The edge's CPU per request: the CPU time of the workerd process that runs
// the worker under local `wrangler dev` (user + system, from /proc/<pid>/stat;
// wrangler's proxy in front of it, a workerd of its own that production does
// not have, is given beside it as `proxyMs`), over `count`
// requests of one kind sent one at a time after 20 to warm up, per request,
// beside a floor request on the same worker (the public JWKS: no key, no
// storage), whose figure is the local server's own cost. Each kind at 20 and
// 300 lines, on both backends. The kinds take turns (ten rounds of a tenth
// of `count` each), so that the machine's drift over a run falls on all of
// them alike. Figures in BENCHMARKS.md.
//
// `wrangler dev` watches the worker's network for DevTools: its inspector
// proxy turns on the runtime's Network domain, and workerd then reports every
// subrequest to it (a store's object, local D1), its body included, which
// production, with no inspector, does not do (objects: 1.5 to 3.8 ms a
// request of the worker's own, and up to 8 ms of the proxy's, growing with
// the answer). The bench turns it off on that session, as DevTools would
// (`Network.disable`); --network leaves it on, as `wrangler dev` runs.
//
// Answers are asked for uncompressed: `wrangler dev` compresses an answer
// for a client that accepts gzip, as Cloudflare's front line does in
// production, where that is not the worker's CPU (4 ms of a 300-line GET
// here). --gzip asks for gzip as a browser does, to see that cost.
//
// With --profile, V8's sampling profiler runs over each kind's requests too
// (on the same DevTools session): where the time goes per request, by part
// (the worker's WebAssembly by crate, from its names; its JavaScript; V8's
// garbage collector and its own), and the functions that take the most.
//
// With --against=DIR, a second `wrangler dev` runs another build of the
// worker (DIR holds its `index.js` and `index_bg.wasm`: a copy of
// crates/checkout-worker/build made before a change, say) beside this one,
// each with a store of its own, and the two take turns request kind by
// request kind, in an order that alternates from round to round: the
// machine's drift then falls on both alike, and the difference between them
// is what the change did (`this − against`), which one run of each, minutes
// apart, cannot tell on a noisy machine.
//
// With --search, a merchant's search for a page of 100 orders (of 20 lines)
// is measured too: its 2 MB answers leave the collector work that falls on
// the kinds after it, so it is asked for apart.
//
// With --catalog=N, the store's catalog has N more items (each with a stock)
// before the demo store's own: a merchant's long catalog (1,200 is about the
// most a configuration of 256 KB holds).
//
//   node bench/cpu.mjs [count=150] [d1|objects] [--gzip] [--network] [--profile] [--against=DIR] [--catalog=N] [--search]
//     (with --profile, each kind's whole profile is written to a temporary folder it names, for DevTools)
import { readFileSync, mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { root, prepare, migrateLocal, startWrangler, newTenant, newEventsKey, demoStore, seedStore, freePort, apart } from '../scripts/lib.mjs';
import { crateOf } from './wasm-names.mjs';
import { stickerLines } from './checkouts.mjs';
import { workerdCpuMs } from './workerd-cpu.mjs';
import { buyer } from '../tests/support/worker.mjs';

// the DevTools session needs WebSocket, which Node 20 has behind a flag
if (!globalThis.WebSocket) {
  const { status } = spawnSync(process.execPath, ['--experimental-websocket', ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(status ?? 1);
}

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const profiling = process.argv.includes('--profile');
const watched = process.argv.includes('--network');
const encoding = { 'accept-encoding': process.argv.includes('--gzip') ? 'gzip' : 'identity' };
const profilesDir = profiling ? mkdtempSync(join(tmpdir(), 'edge-checkout-profiles-')) : null;
const against = process.argv.find((a) => a.startsWith('--against='))?.slice('--against='.length);
if (against && profiling) throw new Error('--profile profiles this build alone: leave out --against');
if (against && !existsSync(join(against, 'index.js'))) throw new Error(`--against: ${against} has no index.js (a worker build)`);
const count = Number(args[0] ?? 150);
const searching = process.argv.includes('--search');
const catalog = Number(process.argv.find((a) => a.startsWith('--catalog='))?.slice('--catalog='.length) ?? 0);
// the worker as deployed (optimised), whatever npm start left
await prepare();
const backends = args[1] ? [args[1]] : ['d1', 'objects'];
const WARM = 20;
const ROUNDS = 10;
const SETTLE_MS = 200;
/** A DevTools session on the worker's runtime, through wrangler dev's inspector at `port`: `send(method, params)`. */
async function devtools(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  // wrangler's inspector proxy takes DevTools connections from a local origin
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl, { headers: { origin: 'http://localhost' } });
  await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = reject; });
  let next = 0;
  const waiting = new Map();
  socket.onmessage = (m) => {
    const message = JSON.parse(m.data);
    waiting.get(message.id)?.(message.result);
    waiting.delete(message.id);
  };
  return (method, params = {}) => new Promise((resolve) => {
    waiting.set(++next, resolve);
    socket.send(JSON.stringify({ id: next, method, params }));
  });
}

/** The worker's V8 profiler on a DevTools session: `{start(), stop(requests) → summary}`. */
async function profiler(send) {
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 100 });
  const partOf = (frame) => {
    const name = frame.functionName;
    if (name === '(garbage collector)') return 'V8: garbage collector';
    if (name.startsWith('(')) return `V8: ${name}`;
    if (frame.url.startsWith('wasm://')) return `wasm: ${crateOf(name)}`;
    // the worker's own module (wasm-bindgen's glue, the entry, the checkout page), or the runtime's (Response, SQL, fetch…)
    return frame.url ? 'JS: the worker\'s module' : 'JS: the runtime\'s';
  };
  return {
    start: () => send('Profiler.start'),
    async stop(requests, name) {
      const { profile } = await send('Profiler.stop');
      // the whole profile too, for DevTools (Performance: load profile) and for callers
      writeFileSync(join(profilesDir, `${name.replace(/\W+/g, '-')}.cpuprofile`), JSON.stringify(profile));
      const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
      const parts = new Map();
      const functions = new Map();
      profile.samples.forEach((id, i) => {
        const frame = nodes.get(id).callFrame;
        if (frame.functionName === '(idle)') return;
        const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000 / requests;
        const part = partOf(frame);
        parts.set(part, (parts.get(part) ?? 0) + ms);
        const at = frame.url ? ` ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}` : '';
        const fn = `${part}  ${frame.functionName || '(anonymous)'}${at}`;
        functions.set(fn, (functions.get(fn) ?? 0) + ms);
      });
      const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => [k, +v.toFixed(3)]);
      return { parts: top(parts, 20), functions: top(functions, 12) };
    },
  };
}

/**
 * wrangler.toml in `dir` for the worker built in `build`: its paths made
 * absolute, `main` that build's entry.
 */
function configFor(build, dir) {
  const config = readFileSync(join(root, 'wrangler.toml'), 'utf8')
    .replace(/^main = ".*"$/m, `main = ${JSON.stringify(join(resolve(build), 'index.js'))}`)
    .replace(/^(directory|migrations_dir) = "(.*)"$/gm, (_, key, path) => `${key} = ${JSON.stringify(join(root, path))}`);
  writeFileSync(join(dir, 'wrangler.toml'), config);
  return join(dir, 'wrangler.toml');
}

/**
 * A `wrangler dev` of one build (`build`: another build's folder; this
 * build's by default) with a store of its own on `storage`, and the requests
 * to measure on it, each warmed up: `{server, port, rows, profile, stop}`.
 */
async function serve(storage, build) {
  const dir = mkdtempSync(join(tmpdir(), 'edge-checkout-cpu-'));
  const { tenant, secretKey } = newTenant('cpu');
  migrateLocal({ persistTo: dir, quiet: true });
  const envFile = join(dir, 'cpu.vars');
  writeFileSync(envFile, `TENANTS='${JSON.stringify([tenant])}'\nEVENTS_SIGNING_KEY='${newEventsKey()}'\nLOG_LEVEL='warn'\nSTORAGE='${storage}'\n`);
  const port = await freePort();
  const config = build && configFor(build, dir);
  // a dev registry of its own: two builds of one worker name, side by side
  const { inspectorPort, registry } = await apart(dir);
  const server = await startWrangler({ port, persistTo: dir, envFile, quiet: true, inspectorPort, registry, config });
  const stop = async () => {
    server.stop();
    await new Promise((r) => setTimeout(r, 300));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const { base } = server;
    const session = await devtools(inspectorPort);
    if (!watched) await session('Network.disable');
    const profile = profiling ? await profiler(session) : null;
    const call = async (method, path, body) => {
      const r = await fetch(`${base}${path}`, { method, headers: { authorization: secretKey, 'content-type': 'application/json', ...encoding },
        body: body && JSON.stringify(body) });
      const text = await r.text();
      if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 200)}`);
      return text;
    };
    const rows = [];
    const store = demoStore(base);
    store.catalog.unshift(...Array.from({ length: catalog }, (_, i) => ({ ...store.catalog[0], id: `item-${i}`, sku: `SKU-${i}`, name: `Item ${i}` })));
    await seedStore(base, secretKey, store);
    rows.push({ request: 'floor: GET /.well-known/jwks.json', lines: '',
      send: () => fetch(`${base}/.well-known/jwks.json`, { headers: encoding }).then((r) => r.text()) });
    for (const n of [20, 300]) {
      const create = () => call('POST', '/ecom/v1/checkouts', { lineItems: stickerLines(n), checkoutInfo: buyer });
      const id = JSON.parse(await create()).checkout.id;
      // a checkout of its own for each create-order
      const ready = [];
      for (let i = 0; i < WARM + count * (profile ? 2 : 1); i++) ready.push(JSON.parse(await create()).checkout.id);
      rows.push({ request: 'GET checkout', lines: n, send: () => call('GET', `/ecom/v1/checkouts/${id}`) });
      rows.push({ request: 'create checkout', lines: n, send: create });
      rows.push({ request: 'create-order', lines: n, send: (i) => call('POST', `/ecom/v1/checkouts/${ready[i]}/create-order`, {}) });
    }
    // a merchant's page of orders: the newest 100 (20 lines each; the create-orders above add more of them)
    for (let i = 0; i < (searching ? 100 : 0); i++) {
      const { checkout } = JSON.parse(await call('POST', '/ecom/v1/checkouts', { lineItems: stickerLines(20), checkoutInfo: buyer }));
      await call('POST', `/ecom/v1/checkouts/${checkout.id}/create-order`, {});
    }
    if (searching) {
      rows.push({ request: 'search orders, a page of 100', lines: 20,
        send: () => call('POST', '/ecom/v1/orders/search', { search: { cursorPaging: { limit: 100 } } }) });
    }
    for (const row of rows) {
      row.sent = 0;
      row.ms = 0;
      row.proxyMs = 0;
      for (; row.sent < WARM; row.sent++) await row.send(row.sent);
    }
    return { server, port, rows, profile, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function measure(storage) {
  const builds = [{ build: 'this build' }, ...(against ? [{ build: against }] : [])];
  const profiles = [];
  try {
    for (const [i, b] of builds.entries()) Object.assign(b, await serve(storage, i ? b.build : undefined));
    // CPU ms per request over `count` of each, the kinds taking turns (and the builds, in turn
    // orders that alternate by round)
    for (let round = 0; round < ROUNDS; round++) {
      const n = Math.round((count * (round + 1)) / ROUNDS) - Math.round((count * round) / ROUNDS);
      for (let k = 0; k < builds[0].rows.length; k++) {
        for (const b of round % 2 ? [...builds].reverse() : builds) {
          const row = b.rows[k];
          const before = workerdCpuMs(b.server.child.pid, b.port);
          for (let i = 0; i < n; i++) await row.send(row.sent++);
          // what the requests left to do after their answers (a store's write, its alarm) is theirs
          await new Promise((r) => setTimeout(r, SETTLE_MS));
          const after = workerdCpuMs(b.server.child.pid, b.port);
          row.ms += (after.worker - before.worker) / count;
          row.proxyMs += (after.proxy - before.proxy) / count;
        }
      }
    }
    // then each kind's profile, when profiling, over as many again
    for (const row of profiling ? builds[0].rows : []) {
      const what = row.lines ? `${row.request} ${row.lines}` : 'floor';
      await builds[0].profile.start();
      for (let i = 0; i < count; i++) await row.send(row.sent++);
      profiles.push({ storage, request: what, ...(await builds[0].profile.stop(count, `${storage} ${what}`)) });
    }
  } finally {
    for (const b of builds) await b.stop?.();
  }
  const over = (b, r) => r.ms - b.rows[0].ms;
  for (const b of builds) {
    for (const r of b.rows) {
      console.log(JSON.stringify({ storage, ...(against && { build: b.build }), request: r.request, lines: r.lines, cpuMs: +r.ms.toFixed(2),
        overFloorMs: r === b.rows[0] ? null : +over(b, r).toFixed(2), proxyMs: +r.proxyMs.toFixed(2) }));
    }
  }
  // the change: this build's figures less the other's, over the floor each (and the floors themselves)
  if (against) {
    const [mine, theirs] = builds;
    mine.rows.forEach((r, k) => console.log(JSON.stringify({ storage, build: 'this − against', request: r.request, lines: r.lines,
      cpuMs: +(r.ms - theirs.rows[k].ms).toFixed(2), overFloorMs: k ? +(over(mine, r) - over(theirs, theirs.rows[k])).toFixed(2) : null })));
  }
  // ms per request, by part and by function, in the worker's isolate (where a store's object runs too, under wrangler dev)
  for (const p of profiles) console.log(JSON.stringify(p));
  if (profilesDir) console.log(`profiles (.cpuprofile, for DevTools): ${profilesDir}`);
}

for (const storage of backends) await measure(storage);
