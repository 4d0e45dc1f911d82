// npm start: install what is missing, build, create .dev.vars with a demo
// tenant if there is none, apply the D1 migrations locally, serve the API and
// the storefront with `wrangler dev`, and seed the demo store.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  root, log, prepare, newTenant, newEventsKey, readVars, writeVars, workerVarsFile, migrateLocal, startWrangler, runCron,
  demoStore, writeDemoConfig, seedStore,
} from './lib.mjs';

const port = Number(process.env.PORT ?? 8787);
// a local server: a new worker build served as it comes, binaryen's pass left to npm test and deploy;
// of the browser modules only the element's engine, which its pages load (the package's whole
// module, for price(), is npm test's to build: a third of a fresh machine's compiling)
await prepare({ optimise: false, only: ['worker', 'live'] });

const varsFile = join(root, '.dev.vars');
if (!existsSync(varsFile)) {
  const demo = newTenant('demo');
  writeVars(varsFile, {
    TENANTS: JSON.stringify([demo.tenant]),
    EVENTS_SIGNING_KEY: newEventsKey(),
    DEMO_SECRET_KEY: demo.secretKey,
    DEMO_PUBLISHABLE_KEY: demo.publishableKey,
  }, '# Local secrets of edge checkout, made by `npm start`; never committed.\n# TENANTS is what the worker reads; the DEMO_ keys are for you and the demo page.\n');
  log('created .dev.vars with a demo tenant');
}
const vars = readVars(varsFile);
let tenants = [];
try { tenants = JSON.parse(vars.TENANTS ?? '[]'); } catch { /* reported below */ }
if (!tenants.length) throw new Error('.dev.vars has no valid TENANTS line; move it away to get a fresh demo tenant');
const publishableKey = vars.DEMO_PUBLISHABLE_KEY ?? tenants[0].publishableKey;

migrateLocal();
const store = demoStore(`http://127.0.0.1:${port}`);
writeDemoConfig(publishableKey, store);

const server = await startWrangler({ port, envFile: workerVarsFile(vars, port), scheduled: true });
// the cron trigger, every minute as wrangler.toml says: plan orders, idle checkouts, event retries
const cron = setInterval(() => { runCron(server.base).catch(() => {}); }, 60_000);
cron.unref();
process.on('SIGINT', () => { server.stop(); process.exit(0); });
process.on('SIGTERM', () => { server.stop(); process.exit(0); });

if (vars.DEMO_SECRET_KEY && await seedStore(server.base, vars.DEMO_SECRET_KEY, store)) log('seeded the demo store');

log(`edge checkout is running on ${server.base}/  (API and storefront; Ctrl-C stops it)`);
console.log(`  tenant appDefId:  ${tenants[0].appDefId}`);
console.log(`  publishable key:  ${publishableKey}`);
if (vars.DEMO_SECRET_KEY) console.log(`  secret key:       ${vars.DEMO_SECRET_KEY}`);
console.log(`  API description:  ${server.base}/openapi.json`);
await new Promise(() => {});
