// What `npm start` and `npm test` share: install what is missing (pinned
// versions, from crates.io, npm and Debian only), build what is stale, and
// the local secrets file. Every step is skipped when already done.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, statSync, readdirSync, mkdirSync, cpSync, rmSync } from 'node:fs';
import { randomBytes, randomUUID, createHash, generateKeyPairSync } from 'node:crypto';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { homedir } from 'node:os';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const bin = (name) => join(root, 'node_modules', '.bin', name);
const cargoBin = (name) => join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin', name);

/** Pinned command-line tools. wasm-bindgen follows Cargo.lock. */
export const TOOLS = {
  wasmPack: { crate: 'wasm-pack', bin: 'wasm-pack', version: '0.15.1', locked: true },
  workerBuild: { crate: 'worker-build', bin: 'worker-build', version: '0.8.7', locked: true },
  wasmBindgen: { crate: 'wasm-bindgen-cli', bin: 'wasm-bindgen', version: lockedVersion('wasm-bindgen'), locked: false },
};

export function log(msg) {
  process.stdout.write(`\x1b[1m▸ ${msg}\x1b[0m\n`);
}

/** Runs a command with inherited output (or, `quiet`, output shown only if it fails); throws when it fails. */
export function run(cmd, args, { quiet = false, ...opts } = {}) {
  const r = spawnSync(cmd, args, {
    stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8', cwd: root, ...opts, env: { ...process.env, ...opts.env },
  });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}${quiet ? `\n${r.stdout}\n${r.stderr}` : ''}`);
  }
  return r;
}

function output(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout : '';
}

function lockedVersion(crate) {
  const lock = readFileSync(join(root, 'Cargo.lock'), 'utf8');
  const m = lock.match(new RegExp(`name = "${crate}"\\nversion = "([^"]+)"`));
  if (!m) throw new Error(`${crate} is not in Cargo.lock`);
  return m[1];
}

function ensureRustTarget() {
  if (!output('rustup', ['target', 'list', '--installed']).split('\n').includes('wasm32-unknown-unknown')) {
    log('adding the wasm32-unknown-unknown target');
    run('rustup', ['target', 'add', 'wasm32-unknown-unknown']);
  }
}

function ensureCargoTool({ crate, bin: name, version, locked }) {
  if (output(cargoBin(name), ['--version']).includes(version)) return;
  log(`installing ${crate} ${version}`);
  run('cargo', ['install', crate, '--version', version, '--force', ...(locked ? ['--locked'] : [])]);
}

function ensureNpmPackages() {
  const stamp = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= statSync(join(root, 'package-lock.json')).mtimeMs) return;
  log('installing npm packages (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

/** Debian's Chromium and ChromeDriver, for the browser tests. */
export function ensureChromium() {
  if (existsSync('/usr/bin/chromium') && existsSync('/usr/bin/chromedriver')) return;
  log('installing chromium and chromium-driver from Debian');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const apt = (args) => run(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), ...args], {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
  apt(['update', '-qq']);
  apt(['install', '-y', '-qq', 'chromium', 'chromium-driver']);
}

/** Where the PyPI packages the tests use are installed (inside node_modules: never committed). */
export const PYTHON_PACKAGES = join(root, 'node_modules', '.python');

/** PyPI's standardwebhooks, with which a test verifies deliveries as a Python receiver does. */
function ensurePythonPackages() {
  if (existsSync(join(PYTHON_PACKAGES, 'standardwebhooks'))) return;
  log('installing the PyPI standardwebhooks package (pip)');
  run('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--root-user-action=ignore', '--target', PYTHON_PACKAGES,
    'standardwebhooks==1.1.0']);
}

export function ensureToolchain() {
  ensureRustTarget();
  for (const tool of Object.values(TOOLS)) ensureCargoTool(tool);
  ensureNpmPackages();
  ensurePythonPackages();
}

/** Newest modification time under the given paths (files or folders). */
function newest(paths) {
  let t = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const e of readdirSync(p)) if (e !== 'target' && e !== 'build' && e !== 'pkg') visit(join(p, e));
    } else t = Math.max(t, s.mtimeMs);
  };
  paths.forEach((p) => visit(join(root, p)));
  return t;
}

function stale(output, inputs) {
  const out = join(root, output);
  return !existsSync(out) || statSync(out).mtimeMs < newest(inputs);
}

const PRICING_INPUTS = ['Cargo.toml', 'Cargo.lock', 'crates/checkout-pricing/src', 'crates/checkout-pricing/Cargo.toml'];
const CORE_INPUTS = [...PRICING_INPUTS, 'crates/checkout-core/src', 'crates/checkout-core/Cargo.toml'];
const toolEnv = () => ({
  WASM_BINDGEN_BIN: cargoBin('wasm-bindgen'),
  WASM_OPT_BIN: bin('wasm-opt'),
  ESBUILD_BIN: bin('esbuild'),
});
// Features Rust enables by default for wasm32 (and that every current browser and workerd has).
const WASM_FEATURES = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-multivalue', '--enable-reference-types'];

/** The browser module: pkg/checkout_wasm.js and its .wasm, size-optimised. */
export function buildWasm() {
  const wasm = 'pkg/checkout_wasm_bg.wasm';
  if (!stale(wasm, [...PRICING_INPUTS, 'crates/checkout-wasm/src', 'crates/checkout-wasm/Cargo.toml'])) return;
  log('building the browser module (wasm-pack)');
  run(cargoBin('wasm-pack'), ['build', 'crates/checkout-wasm', '--release', '--target', 'web', '--mode', 'no-install',
    '--no-pack', '--out-dir', join(root, 'pkg'), '--out-name', 'checkout_wasm'], { env: toolEnv() });
  run(bin('wasm-opt'), ['-Oz', ...WASM_FEATURES, wasm, '-o', wasm]);
  for (const f of ['.gitignore', 'package.json', 'README.md']) rmSync(join(root, 'pkg', f), { force: true });
}

/** The worker: crates/checkout-worker/build/. */
export function buildWorker() {
  if (!stale('crates/checkout-worker/build/index.js',
    [...CORE_INPUTS, 'crates/checkout-worker/src', 'crates/checkout-worker/Cargo.toml', 'crates/checkout-worker/openapi.json'])) return;
  log('building the worker (worker-build)');
  run(cargoBin('worker-build'), ['--profile', 'worker'], { cwd: join(root, 'crates/checkout-worker'), env: toolEnv() });
}

/** The static site wrangler serves: www/ plus the npm package's browser files. */
export function buildSite() {
  const site = join(root, 'build/site');
  rmSync(site, { recursive: true, force: true });
  mkdirSync(site, { recursive: true });
  cpSync(join(root, 'www'), site, { recursive: true });
  cpSync(join(root, 'js'), join(site, 'edge-checkout/js'), { recursive: true });
  for (const f of ['checkout_wasm.js', 'checkout_wasm_bg.wasm']) {
    cpSync(join(root, 'pkg', f), join(site, 'edge-checkout/pkg', f), { recursive: true });
  }
}

export function build() {
  buildWasm();
  buildWorker();
  buildSite();
}

/** The demo store of scripts/demo-store.json, its checkout page on `base`. */
export function demoStore(base) {
  const store = JSON.parse(readFileSync(join(root, 'scripts/demo-store.json'), 'utf8'));
  if (base) store.checkoutUrl = `${base}/`;
  // the pictures are the site's: absolute, so that a page on another origin shows them
  for (const item of store.catalog) if (item.image) item.image = new URL(item.image, store.checkoutUrl).href;
  return store;
}

/**
 * What the storefront page needs to talk to the API (build/site/demo-config.json):
 * the publishable key (safe in a page), the catalog and the currency.
 */
export function writeDemoConfig(publishableKey, store) {
  writeFileSync(join(root, 'build/site/demo-config.json'),
    JSON.stringify({ publishableKey, catalog: store.catalog, currency: store.currency }, null, 2));
}

/** Puts `store` as the tenant's store configuration unless it has one (or always, with `replace`). */
export async function seedStore(base, secretKey, store, { replace = false } = {}) {
  const auth = { authorization: secretKey };
  if (!replace && (await fetch(`${base}/admin/v1/store`, { headers: auth })).status === 200) return false;
  const put = await fetch(`${base}/admin/v1/store`, {
    method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(store),
  });
  if (put.status !== 200) throw new Error(`seeding the store failed: ${put.status} ${await put.text()}`);
  return true;
}

/** A fresh P-256 key for signing event JWTs: the EVENTS_SIGNING_KEY secret, `{"kid", "d"}`. */
export function newEventsKey() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { d } = privateKey.export({ format: 'jwk' });
  return JSON.stringify({ kid: `events-${randomBytes(4).toString('hex')}`, d });
}

/** A tenant with fresh random keys: the TENANTS entry and the keys themselves. */
export function newTenant(name = 'demo') {
  const secretKey = `sk_test_${randomBytes(24).toString('hex')}`;
  const publishableKey = `pk_test_${randomBytes(12).toString('hex')}`;
  const tenant = {
    appDefId: randomUUID(),
    secretKeySha256: createHash('sha256').update(secretKey).digest('hex'),
    publishableKey,
    sessionKeys: [{ kid: `${name}-1`, k: randomBytes(32).toString('base64url') }],
    // Stripe's webhook signing secret; replace it with your endpoint's (or `stripe listen`'s)
    stripeWebhookSecret: `whsec_${randomBytes(24).toString('base64url')}`,
  };
  return { tenant, secretKey, publishableKey };
}

/** What the worker reads of its environment; nothing else of .dev.vars is handed to it. */
export const WORKER_VARS = ['TENANTS', 'EVENTS_SIGNING_KEY', 'STORAGE', 'LOG_LEVEL', 'PUBLIC_URL', 'EVENTS_RETRY_BASE_MS', 'EVENTS_TIMEOUT_MS',
  'EVENTS_SENDS_PER_RUN', 'ALLOW_LOCAL_WEBHOOKS'];

/**
 * The worker's part of `vars` in an env file of its own under .wrangler/
 * (git-ignored), for `wrangler dev --env-file`: the demo keys kept for the
 * start command never reach the worker.
 */
export function workerVarsFile(vars, port) {
  const file = join(root, '.wrangler', 'worker.vars');
  mkdirSync(dirname(file), { recursive: true });
  writeVars(file, localWorkerVars(vars, port), '# written by npm start from .dev.vars: only what the worker reads\n');
  return file;
}

/**
 * What a worker on this machine at `port` reads of `vars`: events may go to
 * a receiver on this machine over plain http, and the worker's own address
 * is its PUBLIC_URL (so a store without a checkoutUrl gets the worker's
 * checkout page) unless `vars` names another.
 */
export function localWorkerVars(vars, port) {
  return {
    ALLOW_LOCAL_WEBHOOKS: 'true',
    PUBLIC_URL: `http://127.0.0.1:${port}/`,
    ...Object.fromEntries(Object.entries(vars).filter(([k]) => WORKER_VARS.includes(k))),
  };
}

/** Reads KEY=value lines (the .dev.vars format). */
export function readVars(file) {
  const vars = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = line.match(/^\s*([A-Z0-9_]+)\s*=\s*(.*)$/);
    if (m) vars[m[1]] = m[2].replace(/^'(.*)'$/, '$1');
  }
  return vars;
}

export function writeVars(file, vars, header = '') {
  const body = Object.entries(vars).map(([k, v]) => `${k}='${v}'`).join('\n');
  writeFileSync(file, `${header}${body}\n`, { mode: 0o600 });
}

/** Applies the D1 migrations to the local database (under `persistTo`, if given). */
export function migrateLocal({ persistTo, quiet = false } = {}) {
  run(bin('wrangler'), ['d1', 'migrations', 'apply', 'DB', '--local', ...(persistTo ? ['--persist-to', persistTo] : [])], {
    quiet,
    env: { CI: 'true', WRANGLER_SEND_METRICS: 'false' },
  });
}

/** Runs the cron trigger's handler of a `wrangler dev --test-scheduled` once, as the platform would every minute. */
export async function runCron(base) {
  await (await fetch(`${base}/__scheduled?cron=*+*+*+*+*`)).text();
}

/** Starts `wrangler dev`; resolves when it answers, with a stop function. */
export async function startWrangler({ port, persistTo, envFile, quiet = false, scheduled = false }) {
  const args = ['dev', '--ip', '127.0.0.1', '--port', String(port), '--show-interactive-dev-session=false'];
  // `/__scheduled` runs the cron trigger's handler, which `wrangler dev` does not run by itself
  if (scheduled) args.push('--test-scheduled');
  if (persistTo) args.push('--persist-to', persistTo);
  if (envFile) args.push('--env-file', envFile);
  const child = spawn(bin('wrangler'), args, {
    cwd: root,
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    detached: process.platform !== 'win32',
  });
  let logs = '';
  child.stdout?.on('data', (d) => { logs += d; });
  child.stderr?.on('data', (d) => { logs += d; });
  const stop = () => {
    if (child.exitCode !== null) return;
    try { process.kill(-child.pid, 'SIGTERM'); } catch { child.kill('SIGTERM'); }
  };
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}\n${logs}`);
    try {
      const r = await fetch(`${base}/openapi.json`);
      if (r.status === 200) return { base, stop, child, logs: () => logs };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  stop();
  throw new Error(`wrangler dev did not answer on ${base}\n${logs}`);
}
