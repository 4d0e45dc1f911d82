// Hostile input against the whole API: schemathesis (PyPI) generates requests
// from /openapi.json, valid and invalid, and checks every answer: no 5xx, a
// documented status, JSON, and a body that matches the documented schema.
// Runs against a real `wrangler dev` on a fresh local D1 with the demo store
// (and plans) seeded, as the secret key, then as the publishable key.
//
//   node scripts/schemathesis.mjs [max-examples=40]
//
// schemathesis is installed into target/schemathesis (a Python venv) the first
// time. Reports (JUnit XML and ndjson) land in target/schemathesis-report/.
import { existsSync, mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  root, log, run, prepare, migrateLocal, startWrangler, newTenant, newEventsKey, demoStore, seedStore,
} from './lib.mjs';

const VERSION = '4.32.5';
const examples = process.argv[2] ?? '40';
const venv = join(root, 'target/schemathesis');
const st = join(venv, 'bin/schemathesis');
if (!existsSync(st)) {
  log(`installing schemathesis ${VERSION} into target/schemathesis`);
  run('python3', ['-m', 'venv', venv]);
  run(join(venv, 'bin/pip'), ['install', '--quiet', `schemathesis==${VERSION}`]);
}
if (!existsSync(join(root, 'crates/checkout-worker/build/index.js'))) await prepare();

const dir = mkdtempSync(join(tmpdir(), 'edge-checkout-st-'));
migrateLocal({ persistTo: dir, quiet: true });
const a = newTenant('a');
const envFile = join(dir, 'st.vars');
writeFileSync(envFile, `TENANTS='${JSON.stringify([a.tenant])}'\nEVENTS_SIGNING_KEY='${newEventsKey()}'\n`);
const server = await startWrangler({ port: 18_787, persistTo: dir, envFile, quiet: true });
const store = demoStore(server.base);
store.catalog.push({ id: 'gold', name: 'Gold membership', price: '20.00', itemType: 'PLAN',
  plan: { duration: { count: 1, unit: 'MONTH' }, recurring: true, freeTrialDays: 7 } });
await seedStore(server.base, a.secretKey, store);

// The document without the optional Idempotency-Key headers: generated
// requests would share a key across different bodies, which the worker
// rightly refuses (tests/worker/idempotency.test.mjs tests the keys).
const spec = await (await fetch(`${server.base}/openapi.json`)).json();
for (const item of Object.values(spec.paths)) {
  for (const op of Object.values(item)) {
    if (op?.parameters) op.parameters = op.parameters.filter((p) => p.name !== 'Idempotency-Key');
  }
}
const specFile = join(dir, 'openapi.json');
writeFileSync(specFile, JSON.stringify(spec));

const reports = join(root, 'target/schemathesis-report');
mkdirSync(reports, { recursive: true });
let failed = false;
try {
  for (const [name, key] of [['secret', a.secretKey], ['publishable', a.publishableKey]]) {
    log(`schemathesis as the ${name} key: ${examples} examples an operation`);
    const r = spawnSync(st, [
      'run', specFile, '--url', server.base,
      '-H', `Authorization: ${key}`,
      '--checks', 'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance',
      '--phases', 'coverage,fuzzing,stateful',
      '--max-examples', examples,
      '--workers', '1',
      '--seed', '1',
      '--suppress-health-check', 'all',
      '--report', 'junit,ndjson', '--report-dir', join(reports, name),
    ], { cwd: root, stdio: 'inherit', env: { ...process.env, NO_COLOR: '1' } });
    if (r.status !== 0) failed = true;
  }
} finally {
  server.stop();
  await new Promise((res) => setTimeout(res, 300));
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
