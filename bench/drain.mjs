// How fast a backlog of events drains to a receiver that comes back: the
// receiver answers 503 while `checkouts` checkouts are made (one event
// each), then 200; measured are the time to its first success, the rate from
// then until it has every event, and how long a new checkout's event made
// meanwhile waits. On D1 the cron runs once a minute, as the platform runs
// it (the first run when the receiver comes back); a store's object runs
// its alarm by itself. `sends` sets EVENTS_SENDS_PER_RUN (the default is the
// free plan's; 950 fits a paid plan's 1,000 subrequests). Local `wrangler
// dev`. Figures in BENCHMARKS.md.
//
//   node bench/drain.mjs [checkouts=300] [d1|objects] [sends]   (after npm test or npm start built the worker)
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateLocal, startWrangler, runCron, newTenant, newEventsKey, demoStore, seedStore, freePort } from '../scripts/lib.mjs';

const count = Number(process.argv[2] ?? 300);
const backends = process.argv[3] ? [process.argv[3]] : ['d1', 'objects'];
const sends = process.argv[4];
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

async function drain(storage) {
  const dir = mkdtempSync(join(tmpdir(), 'edge-checkout-drain-'));
  const { tenant, secretKey } = newTenant('drain');
  const receiver = { up: false, seen: new Map(), firstSuccess: null };
  const http = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (!receiver.up) {
        res.statusCode = 503;
        return res.end();
      }
      const id = req.headers['webhook-id'];
      if (!receiver.seen.has(id)) receiver.seen.set(id, performance.now());
      receiver.firstSuccess ??= performance.now();
      res.end('ok');
    });
  });
  await new Promise((ok) => http.listen(0, '127.0.0.1', ok));
  const hooks = `http://127.0.0.1:${http.address().port}/hooks`;
  migrateLocal({ persistTo: dir, quiet: true });
  const envFile = join(dir, 'drain.vars');
  writeFileSync(envFile, `TENANTS='${JSON.stringify([tenant])}'\nEVENTS_SIGNING_KEY='${newEventsKey()}'\nLOG_LEVEL='warn'\n`
    + `STORAGE='${storage}'\nALLOW_LOCAL_WEBHOOKS='true'\n${sends ? `EVENTS_SENDS_PER_RUN='${sends}'\n` : ''}`);
  const server = await startWrangler({ port: await freePort(), persistTo: dir, envFile, quiet: true, scheduled: true });
  const { base } = server;
  try {
    await seedStore(base, secretKey, { ...demoStore(base), webhooks: { url: hooks } });
    const checkout = async () => {
      const r = await fetch(`${base}/ecom/v1/checkouts`, { method: 'POST', headers: { authorization: secretKey, 'content-type': 'application/json' },
        body: JSON.stringify({ lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'stickers' } }] }) });
      if (r.status !== 200) throw new Error(`create checkout: ${r.status} ${await r.text()}`);
      return (await r.json()).checkout.id;
    };
    for (let made = 0; made < count;) {
      const n = Math.min(8, count - made);
      await Promise.all(Array.from({ length: n }, checkout));
      made += n;
    }
    const events = async () => {
      const r = await fetch(`${base}/admin/v1/webhooks`, { headers: { authorization: secretKey } });
      return (await r.json()).counts;
    };
    await sleep(2000);
    const before = await events();
    receiver.up = true;
    const back = performance.now();
    let nextCron = back;
    let newOne = null;
    while (receiver.seen.size < count + (newOne ? 1 : 0)) {
      if (storage === 'd1' && performance.now() >= nextCron) {
        runCron(base).catch(() => {});
        nextCron += 60_000;
      }
      // a new checkout while the backlog drains: how long does its event wait?
      if (!newOne && receiver.seen.size >= count / 10) {
        const at = performance.now();
        const id = await checkout();
        const r = await fetch(`${base}/admin/v1/events?limit=1`, { headers: { authorization: secretKey } });
        const [event] = (await r.json()).events;
        newOne = { at, id: event.entityId === id ? event.id : null };
      }
      if (performance.now() - back > 600_000) break;
      await sleep(50);
    }
    const times = [...receiver.seen.values()];
    const last = Math.max(...times);
    const firstAfter = receiver.firstSuccess - back;
    const drainS = (last - receiver.firstSuccess) / 1000;
    const waited = newOne?.id && receiver.seen.has(newOne.id) ? receiver.seen.get(newOne.id) - newOne.at : null;
    console.log(JSON.stringify({
      storage, events: receiver.seen.size, pendingWhenBack: before.pending, sendsPerRun: sends ?? 'default',
      firstSuccessAfterS: +(firstAfter / 1000).toFixed(1), drainS: +drainS.toFixed(1),
      eventsPerS: +(receiver.seen.size / Math.max(drainS, 0.001)).toFixed(1),
      newEventWaitedS: waited === null ? null : +(waited / 1000).toFixed(2),
    }));
  } finally {
    server.stop();
    http.close();
    await sleep(300);
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const storage of backends) await drain(storage);
