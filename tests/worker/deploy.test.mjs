// npm run deploy, what of it runs without a Cloudflare account: the bundle
// `wrangler deploy` would upload fits the Workers free plan, and the secrets
// file is made once, with a tenant the worker accepts, and kept on the next
// run. (Creating the database, the remote migrations, `wrangler secret bulk`
// and the deploy itself need an account: README, Deploy.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleSize, ensureSecrets, FREE_PLAN_BYTES } from '../../scripts/deploy.mjs';
import { root } from '../../scripts/lib.mjs';
import { startMiniflare, json, eitherBackend } from '../support/worker.mjs';

const dir = mkdtempSync(join(tmpdir(), 'edge-checkout-deploy-'));
let w;
after(async () => {
  await w?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("the worker and its site, as wrangler deploy would upload them, fit the free plan's 3 MiB", eitherBackend, () => {
  const size = bundleSize();
  assert.ok(size > 100 * 1024, `${size} bytes: the worker's wasm is in it`);
  assert.ok(size <= FREE_PLAN_BYTES, `${(size / 1024).toFixed(0)} KiB gzipped`);
});

test('the secrets file: made once with a tenant the worker accepts, kept the next time', eitherBackend, async () => {
  const file = join(dir, 'secrets.vars');
  const vars = ensureSecrets(file);
  const first = readFileSync(file, 'utf8');
  assert.deepEqual(ensureSecrets(file), vars);
  assert.equal(readFileSync(file, 'utf8'), first, 'a second run changes nothing');
  w = await startMiniflare({ TENANTS: vars.TENANTS, EVENTS_SIGNING_KEY: vars.EVENTS_SIGNING_KEY });
  const [tenant] = JSON.parse(vars.TENANTS);
  const r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB' }, tenant.publishableKey));
  assert.equal(r.status, 428, 'the tenant is known; its store is not set up yet');
  assert.equal((await (await w.fetch('/.well-known/jwks.json')).json()).keys.length, 1);
});

test('`npm run deploy -- --dry-run`, as the README writes it: builds, checks the size, makes the secrets file, says the rest',
  eitherBackend, () => {
    const file = join(root, '.secrets.vars');
    const had = existsSync(file);
    try {
      const r = spawnSync('npm', ['run', 'deploy', '--', '--dry-run'], { cwd: root, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /the worker and its site: \d+ KiB gzipped \(free plan: 3072 KiB\)/);
      assert.match(r.stdout, /dry run: would .*apply the migrations remotely.*wrangler deploy/);
      assert.ok(existsSync(file), 'the secrets file is made (or kept)');
      const [tenant] = JSON.parse(readFileSync(file, 'utf8').match(/^TENANTS='(.*)'$/m)[1]);
      if (!had) assert.ok(r.stdout.includes(tenant.publishableKey), 'a new file\'s first tenant is printed once');
      const again = spawnSync('npm', ['run', 'deploy', '--', '--dry-run'], { cwd: root, encoding: 'utf8' });
      assert.equal(again.status, 0, again.stdout + again.stderr);
      assert.ok(!again.stdout.includes('made '), 'the second run keeps the file');
    } finally {
      if (!had) rmSync(file, { force: true });
    }
  });
