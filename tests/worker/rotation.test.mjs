// Tenants and keys from the command line (scripts/tenants.mjs), as an operator
// runs it, against the worker in workerd given each new set of secrets: a
// tenant added, its secret key rotated (the old one works until retired), a
// session key added (sessions sealed with the old one still open until it is
// retired), the events signing key rotated (the JWKS lists both until the
// old one is retired). No command prints a key it did not just make.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { startMiniflare, json, demoStore, scriptsCopy } from '../support/worker.mjs';
import { root, readVars } from '../../scripts/lib.mjs';

let dir;
let file;
let w;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'edge-checkout-keys-'));
  file = join(dir, 'secrets.vars');
});
after(async () => {
  await w?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `npm run tenants -- …` on the test's vars file; resolves to what it printed. */
function tenants(...args) {
  return execFileSync('node', [join(root, 'scripts/tenants.mjs'), ...args, '--file', file], { encoding: 'utf8' });
}
const secrets = () => {
  const { TENANTS, EVENTS_SIGNING_KEY } = readVars(file);
  return { TENANTS, EVENTS_SIGNING_KEY };
};
const status = async (path, key, init = { method: 'GET' }) => (await w.fetch(path, json(init.method, init.body, key))).status;

test('add, rotate and retire: secret keys, session keys, events keys', async () => {
  const added = tenants('add', 'shop');
  const oldSecret = added.match(/secret key:\s+(sk_\S+)/)[1];
  const publishable = added.match(/publishable key: (pk_\S+)/)[1];
  assert.ok(!readVars(file).TENANTS.includes(oldSecret), 'only the hash is stored');
  w = await startMiniflare(secrets());
  assert.equal((await w.fetch('/admin/v1/store', json('PUT', demoStore(), oldSecret))).status, 200);
  const session = async (key) => {
    const r = await w.fetch('/v2/order-sessions', json('POST', { sessionData: {
      currency: 'USD', lineItems: [{ id: 'a', price: '19.99', quantity: 1, catalogItemId: 'tee-classic' }] } }, key));
    assert.equal(r.status, 200);
    return (await r.json()).orderSessionId;
  };
  const sealedOld = await session(oldSecret);

  // the secret key: a new one, the old one still works until retired
  const rotated = tenants('rotate-secret', publishable);
  const newSecret = rotated.match(/(sk_live_\S+)/)[1];
  await w.rebind(secrets());
  assert.equal(await status('/admin/v1/store', oldSecret), 200);
  assert.equal(await status('/admin/v1/store', newSecret), 200);

  // a session key: new sessions are sealed with it, old ones still open
  const appDefId = JSON.parse(readVars(file).TENANTS)[0].appDefId;
  const [firstKid] = JSON.parse(readVars(file).TENANTS)[0].sessionKeys.map((k) => k.kid);
  tenants('add-session-key', appDefId);
  await w.rebind(secrets());
  const sealedNew = await session(newSecret);
  assert.notEqual(decodeProtectedHeader(sealedNew).kid, firstKid);
  assert.equal(decodeProtectedHeader(sealedOld).kid, firstKid);
  assert.equal(await status(`/v2/order-sessions/${sealedOld}`, newSecret), 200, 'sealed with the old key, still opens');
  tenants('retire-session-key', appDefId, firstKid);
  await w.rebind(secrets());
  assert.notEqual(await status(`/v2/order-sessions/${sealedOld}`, newSecret), 200, 'its key retired, it no longer opens');
  assert.equal(await status(`/v2/order-sessions/${sealedNew}`, newSecret), 200);
  assert.throws(() => tenants('retire-session-key', appDefId, decodeProtectedHeader(sealedNew).kid), /at least one/);

  tenants('retire-secrets', appDefId);
  await w.rebind(secrets());
  assert.equal(await status('/admin/v1/store', oldSecret), 401, 'retired');
  assert.equal(await status('/admin/v1/store', newSecret), 200);

  // the events key: both published while receivers move to the new one
  const kid = (r) => r.keys.map((k) => k.kid);
  const before = kid(await (await w.fetch('/.well-known/jwks.json')).json());
  assert.equal(before.length, 1);
  tenants('rotate-events-key');
  await w.rebind(secrets());
  const during = kid(await (await w.fetch('/.well-known/jwks.json')).json());
  assert.equal(during.length, 2);
  assert.equal(during[0], before[0]);
  tenants('retire-events-key', before[0]);
  await w.rebind(secrets());
  assert.deepEqual(kid(await (await w.fetch('/.well-known/jwks.json')).json()), [during[1]]);

  // listing shows ids and counts, never a key
  const listed = tenants('list');
  assert.match(listed, new RegExp(appDefId));
  for (const secret of [oldSecret, newSecret, ...JSON.parse(readVars(file).TENANTS)[0].sessionKeys.map((k) => k.k)]) {
    assert.ok(!listed.includes(secret));
  }
  assert.throws(() => tenants('rotate-secret', 'pk_nobody'), /no tenant/);
});

test("every command line of the README's tenants block runs as written (npm run, no --file), the webhook ones against the worker", async () => {
  const copy = scriptsCopy(dir);
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const lines = readme.split('## Tenants and keys')[1].split('```sh\n')[1].split('```')[0]
    .split('\n').filter(Boolean).map((l) => l.replace(/\s+#.*$/, ''));
  assert.ok(lines.length >= 12, `${lines.length} lines`);
  const vars = () => readVars(join(copy, '.dev.vars'));
  const first = () => JSON.parse(vars().TENANTS)[0];
  const seen = { secret: null, publishable: null, sessionKid: null, eventsKid: null };
  let worker = null;
  try {
    for (const line of lines) {
      // the placeholders, as a reader fills them in
      const command = line
        .replace('<tenant>', seen.publishable)
        .replace('<kid>', JSON.stringify(line.includes('session') ? seen.sessionKid : seen.eventsKid))
        .replace('<bytes>', '5000')
        .replace('SECRET_KEY=…', `SECRET_KEY=${seen.secret}`);
      assert.ok(!/[<…]/.test(command), `a placeholder left in ${command}`);
      if (command.startsWith('SECRET_KEY=') && !worker) {
        // the webhook commands ask the running worker, at npm start's address (PORT)
        const { TENANTS, EVENTS_SIGNING_KEY } = vars();
        worker = await startMiniflare({ TENANTS, EVENTS_SIGNING_KEY });
        assert.equal((await worker.fetch('/admin/v1/store', json('PUT', demoStore(), seen.secret))).status, 200);
      }
      const env = { ...process.env, ...(worker ? { PORT: new URL(worker.url).port } : {}) };
      const out = await new Promise((ok, fail) => execFile('bash', ['-c', command], { cwd: copy, env, encoding: 'utf8' },
        (e, stdout, stderr) => (e ? fail(new Error(`${command}: ${stderr}`)) : ok(stdout))));
      seen.secret = out.match(/(sk_\S+)/)?.[1] ?? seen.secret;
      seen.publishable ??= out.match(/publishable key: (pk_\S+)/)?.[1];
      seen.sessionKid ??= first()?.sessionKeys?.[0]?.kid;
      seen.eventsKid ??= JSON.parse(vars().EVENTS_SIGNING_KEY).kid;
      if (command.includes(' webhook-secret')) assert.match(out, /^whsec_\S+ {3}created \S+ {3}\(signs\)$/m, command);
    }
  } finally {
    await worker?.close();
  }
  const tenant = first();
  assert.equal(tenant.publishableKey, seen.publishable);
  assert.equal(tenant.quotaBytes, 5000);
  assert.ok(!tenant.previousSecretKeySha256?.length, 'rotated, the old secret key retired');
  assert.equal(tenant.sessionKeys.length, 1, 'one added, the first retired');
  assert.notEqual(JSON.parse(vars().EVENTS_SIGNING_KEY).kid, seen.eventsKid, 'rotated, the old one retired');
});

test("set-quota: a store's storage budget in TENANTS, as the worker reads it", async () => {
  const who = JSON.parse(secrets().TENANTS)[0].appDefId;
  assert.match(tenants('set-quota', who, '5000'), /storage budget 5000 bytes/);
  assert.equal(JSON.parse(secrets().TENANTS)[0].quotaBytes, 5000);
  assert.throws(() => tenants('set-quota', who, '0'), /whole number of bytes/);
  assert.throws(() => tenants('set-quota', who, 'lots'), /whole number of bytes/);
  const key = tenants('rotate-secret', who).match(/(sk_live_\S+)/)[1];
  await w.rebind(secrets());
  const usage = await (await w.fetch('/admin/v1/store/usage', json('GET', undefined, key))).json();
  assert.equal(usage.quotaBytes, 5000);
});
