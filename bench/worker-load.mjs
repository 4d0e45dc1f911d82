// Load on local `wrangler dev`: requests per second and latency percentiles of
// GET checkout and create-order on 300-line checkouts, next to a trivial worker
// that reads one D1 row (same tool, same machine, same run). Also the worker's
// size. The two GET runs alternate, three rounds each; the median round is
// reported. Usage: node bench/worker-load.mjs [seconds=10] [get]   (after npm test or npm start built it;
// `get` skips create-order)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { root, bin, freePort, WRANGLER_ENV } from '../scripts/lib.mjs';
import { startWranglerDev, json } from '../tests/support/worker.mjs';

const seconds = Number(process.argv[2] ?? 10);
const getOnly = process.argv[3] === 'get';
const connections = 10;

function summary(name, r) {
  const l = r.latency;
  return { name, 'req/s': Math.round(r.requests.average), p50: l.p50, p90: l.p90, p99: l.p99, errors: r.non2xx + r.errors, total: r.requests.total };
}

async function load(opts) {
  return autocannon({ connections, duration: seconds, ...opts });
}

/** The trivial worker under its own wrangler dev, with one row. */
async function trivial() {
  const dir = mkdtempSync(join(tmpdir(), 'edge-checkout-trivial-'));
  const cfg = ['-c', join(root, 'bench/trivial/wrangler.toml'), '--persist-to', dir];
  const sql = "CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO rows VALUES (1, 'hello');";
  await new Promise((res, rej) => spawn(bin('wrangler'), ['d1', 'execute', 'DB', '--local', '--command', sql, ...cfg], { stdio: 'ignore', env: { ...process.env, ...WRANGLER_ENV } })
    .on('exit', (c) => (c === 0 ? res() : rej(new Error(`d1 execute ${c}`)))));
  const port = await freePort();
  const child = spawn(bin('wrangler'), ['dev', '--ip', '127.0.0.1', '--port', String(port), ...cfg], { stdio: 'ignore', detached: true, env: { ...process.env, ...WRANGLER_ENV } });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 300; i++) {
    try { if ((await fetch(url)).ok) break; } catch { /* starting */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop: () => { try { process.kill(-child.pid); } catch { /* gone */ } rmSync(dir, { recursive: true, force: true }); } };
}

// LOG_LEVEL=warn in the environment runs the worker without its per-request access log
const w = await startWranglerDev(process.env.LOG_LEVEL ? { LOG_LEVEL: process.env.LOG_LEVEL } : {});
const { secretKey: sk } = w.a;
const lines = Array.from({ length: 300 }, (_, i) => ({ quantity: 1 + (i % 3), catalogReference: { catalogItemId: 'stickers', options: { n: i } } }));
const info = {
  buyerInfo: { email: 'load@example.com' },
  billingInfo: { address: { country: 'US', subdivision: 'US-CA' } },
  shippingInfo: { shippingDestination: { address: { country: 'US', subdivision: 'US-CA' } }, selectedCarrierServiceOption: { code: 'standard' } },
};
const make = async () => (await (await w.fetch('/ecom/v1/checkouts', json('POST', { lineItems: lines, checkoutInfo: info }, sk))).json()).checkout.id;

const rows = [];
const one = await make();
const triv = await trivial();
const ours = [];
const theirs = [];
for (let round = 0; round < 3; round++) {
  ours.push(summary('GET checkout (300 lines)', await load({ url: `${w.url}/ecom/v1/checkouts/${one}`, headers: { authorization: sk } })));
  theirs.push(summary('trivial worker: one D1 row', await load({ url: triv.url })));
}
triv.stop();
const median = (runs) => [...runs].sort((a, b) => a['req/s'] - b['req/s'])[1];
rows.push(median(ours), median(theirs));

// create-order: one fresh 300-line checkout per request
const n = Math.max(50, seconds * 20);
if (!getOnly) {
  const ids = [];
  for (let i = 0; i < n; i++) ids.push(await make());
  let next = 0;
  const orders = await autocannon({
    url: w.url, connections, amount: n, method: 'POST', headers: { authorization: sk, 'content-type': 'application/json' }, body: '{}',
    requests: [{ setupRequest: (req) => ({ ...req, path: `/ecom/v1/checkouts/${ids[next++]}/create-order` }) }],
  });
  rows.push(summary('create-order (300 lines)', orders));
}
await w.close();

const wasm = readFileSync(join(root, 'crates/checkout-worker/build/index_bg.wasm'));
console.log(`worker wasm: ${(statSync(join(root, 'crates/checkout-worker/build/index_bg.wasm')).size / 1024).toFixed(0)} KiB, ${(gzipSync(wasm).length / 1024).toFixed(0)} KiB gzipped`);
console.log(`${connections} connections, ${seconds} s a run (GET: median of 3 alternating rounds; create-order: ${n} requests)`);
console.log(`GET checkout / trivial: ${(median(ours)['req/s'] / median(theirs)['req/s']).toFixed(2)}\n`);
console.log('| run | req/s | p50 ms | p90 ms | p99 ms | non-2xx | requests |\n| --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.name} | ${r['req/s']} | ${r.p50} | ${r.p90} | ${r.p99} | ${r.errors} | ${r.total} |`);
