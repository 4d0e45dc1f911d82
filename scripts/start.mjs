// npm start: install what is missing, build, create .dev.vars with a demo
// tenant if there is none, apply the D1 migrations locally, serve the API and
// the storefront with `wrangler dev`, and seed the demo store.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, log, ensureToolchain, build, newTenant, readVars, writeVars, migrateLocal, startWrangler } from './lib.mjs';

const port = Number(process.env.PORT ?? 8787);
ensureToolchain();
build();

const varsFile = join(root, '.dev.vars');
if (!existsSync(varsFile)) {
  const demo = newTenant('demo');
  writeVars(varsFile, {
    TENANTS: JSON.stringify([demo.tenant]),
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
const demoStore = JSON.parse(readFileSync(join(root, 'scripts/demo-store.json'), 'utf8'));
demoStore.checkoutUrl = `http://127.0.0.1:${port}/`;
// What the storefront page needs to talk to the API: the publishable key is safe in a page.
writeFileSync(join(root, 'build/site/demo-config.json'),
  JSON.stringify({ publishableKey, catalog: demoStore.catalog, currency: demoStore.currency }, null, 2));

const server = await startWrangler({ port });
process.on('SIGINT', () => { server.stop(); process.exit(0); });
process.on('SIGTERM', () => { server.stop(); process.exit(0); });

if (vars.DEMO_SECRET_KEY) {
  const auth = { authorization: vars.DEMO_SECRET_KEY };
  const current = await fetch(`${server.base}/admin/v1/store`, { headers: auth });
  if (current.status === 404) {
    const put = await fetch(`${server.base}/admin/v1/store`, {
      method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(demoStore),
    });
    if (put.status !== 200) throw new Error(`seeding the demo store failed: ${put.status} ${await put.text()}`);
    log('seeded the demo store');
  }
}

log(`edge checkout is running on ${server.base}/  (API and storefront; Ctrl-C stops it)`);
console.log(`  tenant appDefId:  ${tenants[0].appDefId}`);
console.log(`  publishable key:  ${publishableKey}`);
if (vars.DEMO_SECRET_KEY) console.log(`  secret key:       ${vars.DEMO_SECRET_KEY}`);
console.log(`  API description:  ${server.base}/openapi.json`);
await new Promise(() => {});
