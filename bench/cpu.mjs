// The edge's CPU per request: the CPU time of the workerd processes under
// local `wrangler dev` (user + system, from /proc/<pid>/stat), over `count`
// requests of one kind sent one at a time after 20 to warm up, per request,
// beside a floor request on the same worker (the public JWKS: no key, no
// storage), whose figure is the local server's own cost. Each kind at 20 and
// 300 lines, on both backends. Figures in BENCHMARKS.md.
//
//   node bench/cpu.mjs [count=150] [d1|objects]
import { readFileSync, readdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepare, migrateLocal, startWrangler, newTenant, newEventsKey, demoStore, seedStore } from '../scripts/lib.mjs';

const count = Number(process.argv[2] ?? 150);
// the worker as deployed (optimised), whatever npm start left
await prepare();
const backends = process.argv[3] ? [process.argv[3]] : ['d1', 'objects'];
const WARM = 20;
/** Clock ticks a second (`getconf CLK_TCK`: 100 on Linux). */
const TICKS = 100;

/** The pids under `root` (its children, theirs, …). */
function descendants(root) {
  const parentOf = new Map();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      parentOf.set(Number(pid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone */ }
  }
  const found = [];
  const visit = (pid) => {
    for (const [child, parent] of parentOf) if (parent === pid) { found.push(child); visit(child); }
  };
  visit(root);
  return found;
}

/** CPU milliseconds the workerd processes under `root` have used so far. */
function workerdCpuMs(root) {
  let ticks = 0;
  for (const pid of descendants(root)) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('workerd')) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch { /* gone */ }
  }
  return (ticks * 1000) / TICKS;
}

const info = {
  buyerInfo: { email: 'cpu@example.com' },
  billingInfo: { address: { country: 'US', subdivision: 'US-CA', city: 'San Francisco', addressLine: '1 Main St', postalCode: '94105' } },
  shippingInfo: { shippingDestination: { address: { country: 'US', subdivision: 'US-CA', city: 'San Francisco', addressLine: '1 Main St', postalCode: '94105' } },
    selectedCarrierServiceOption: { code: 'standard' } },
};
const lines = (n) => Array.from({ length: n }, (_, i) => ({ quantity: 1, catalogReference: { catalogItemId: 'stickers', options: { n: String(i) } } }));

async function measure(storage) {
  const dir = mkdtempSync(join(tmpdir(), 'edge-checkout-cpu-'));
  const { tenant, secretKey } = newTenant('cpu');
  migrateLocal({ persistTo: dir, quiet: true });
  const envFile = join(dir, 'cpu.vars');
  writeFileSync(envFile, `TENANTS='${JSON.stringify([tenant])}'\nEVENTS_SIGNING_KEY='${newEventsKey()}'\nLOG_LEVEL='warn'\nSTORAGE='${storage}'\n`);
  const server = await startWrangler({ port: 19_900 + Math.floor(Math.random() * 90), persistTo: dir, envFile, quiet: true });
  const { base } = server;
  const call = async (method, path, body) => {
    const r = await fetch(`${base}${path}`, { method, headers: { authorization: secretKey, 'content-type': 'application/json' },
      body: body && JSON.stringify(body) });
    const text = await r.text();
    if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 200)}`);
    return text;
  };
  /** CPU ms per request of `request(i)` over `count`, after WARM. */
  const per = async (request) => {
    for (let i = 0; i < WARM; i++) await request(i);
    const before = workerdCpuMs(server.child.pid);
    for (let i = 0; i < count; i++) await request(WARM + i);
    return (workerdCpuMs(server.child.pid) - before) / count;
  };
  const rows = [];
  try {
    await seedStore(base, secretKey, demoStore(base));
    const floor = await per(() => fetch(`${base}/.well-known/jwks.json`).then((r) => r.text()));
    rows.push({ request: 'floor: GET /.well-known/jwks.json', lines: '', ms: floor });
    for (const n of [20, 300]) {
      const create = () => call('POST', '/ecom/v1/checkouts', { lineItems: lines(n), checkoutInfo: info });
      const id = JSON.parse(await create()).checkout.id;
      const ready = [];
      for (let i = 0; i < WARM + count; i++) ready.push(JSON.parse(await create()).checkout.id);
      rows.push({ request: 'GET checkout', lines: n, ms: await per(() => call('GET', `/ecom/v1/checkouts/${id}`)) });
      rows.push({ request: 'create checkout', lines: n, ms: await per(create) });
      rows.push({ request: 'create-order', lines: n, ms: await per((i) => call('POST', `/ecom/v1/checkouts/${ready[i]}/create-order`, {})) });
    }
  } finally {
    server.stop();
    await new Promise((r) => setTimeout(r, 300));
    rmSync(dir, { recursive: true, force: true });
  }
  const floor = rows[0].ms;
  for (const r of rows) {
    console.log(JSON.stringify({ storage, request: r.request, lines: r.lines, cpuMs: +r.ms.toFixed(2),
      overFloorMs: r === rows[0] ? null : +(r.ms - floor).toFixed(2) }));
  }
}

for (const storage of backends) await measure(storage);
