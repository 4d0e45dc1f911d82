// What `npm start` and `npm test` share: install what is missing (pinned
// versions, from crates.io, npm and Debian only), build what is stale, and
// the local secrets file. Every step is skipped when already done.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, statSync, readdirSync, mkdirSync, cpSync, rmSync, renameSync } from 'node:fs';
import { randomBytes, randomUUID, createHash, generateKeyPairSync } from 'node:crypto';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { homedir, setPriority } from 'node:os';
import { createServer } from 'node:net';
import { encodeLongStrings } from './long-strings.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const bin = (name) => join(root, 'node_modules', '.bin', name);
/**
 * What every wrangler we run is given, so that nothing it does locally goes
 * off the machine: no usage metrics; no banner, whose update check asks npm's
 * registry for wrangler's newest version (pinned here: the newest that runs
 * on Node 20); and no `request.cf` fetched from workers.cloudflare.com for
 * its local server (miniflare's default; the worker reads none of it).
 */
export const WRANGLER_ENV = { WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };
const cargoBin = (name) => join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin', name);

/**
 * wasm-bindgen's generator, as the build runs it (scripts/bindgen: its
 * library alone, compiled on first use), and its CLI for the tests' runner
 * (wasm-bindgen-test-runner), installed only by `npm test`. Both at the
 * version of the crates' wasm-bindgen in Cargo.lock, which their output must
 * match. The browser module and the worker are built with cargo, this,
 * wasm-opt (npm binaryen) and esbuild (npm) directly: BENCHMARKS.md, "A fresh
 * clone", says what the wrappers that did this before cost a newcomer.
 */
export const WASM_BINDGEN = { crate: 'wasm-bindgen-cli', bin: 'wasm-bindgen-test-runner', version: lockedVersion('wasm-bindgen') };
export const testRunnerBin = () => cargoBin(WASM_BINDGEN.bin);
const bindgenBin = () => join(targetDir(), 'bindgen', 'release', 'bindgen');

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

/** `run` without waiting: resolves when the command has succeeded, so that independent steps overlap. */
export function start(cmd, args, { nice = 0, ...opts } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', cwd: root, ...opts, env: { ...process.env, ...opts.env } });
    // at a lower priority (`nice`), which the processes it starts inherit; a system that refuses runs it as it is
    if (nice && child.pid) try { setPriority(child.pid, nice); } catch { /* as it is */ }
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
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

/** Compiles scripts/bindgen (cargo skips it when it is up to date). */
async function ensureBindgen() {
  const tool = readFileSync(join(root, 'scripts/bindgen/Cargo.lock'), 'utf8').match(/name = "wasm-bindgen-cli-support"\nversion = "([^"]+)"/)?.[1];
  if (tool !== WASM_BINDGEN.version) {
    throw new Error(`scripts/bindgen has wasm-bindgen ${tool}, the crates ${WASM_BINDGEN.version}: pin the same version in scripts/bindgen/Cargo.toml`);
  }
  await start('cargo', ['build', '--release', '--quiet', '--manifest-path', join(root, 'scripts/bindgen/Cargo.toml'),
    '--target-dir', join(targetDir(), 'bindgen')]);
}

/** The wasm-bindgen CLI, for its test runner. */
async function ensureTestRunner() {
  const { crate, bin: name, version } = WASM_BINDGEN;
  if (output(cargoBin(name), ['--version']).includes(version)) return;
  log(`installing ${crate} ${version}`);
  // not --locked: the lockfile it was published with names a webpki-roots release crates.io no longer serves;
  // no TLS (its default feature): the runner only talks to a chromedriver on this machine
  await start('cargo', ['install', crate, '--version', version, '--force', '--no-default-features']);
}

async function ensureNpmPackages() {
  const stamp = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= statSync(join(root, 'package-lock.json')).mtimeMs) return;
  log('installing npm packages (npm ci)');
  await start('npm', ['ci', '--no-audit', '--no-fund']);
}

/** Debian's Chromium and ChromeDriver, for the browser tests. */
export async function ensureChromium() {
  if (existsSync('/usr/bin/chromium') && existsSync('/usr/bin/chromedriver')) return;
  log('installing chromium and chromium-driver from Debian');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const apt = (args) => start(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), ...args], {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
  await apt(['update', '-qq']);
  await apt(['install', '-y', '-qq', 'chromium', 'chromium-driver']);
}

/** Where the PyPI packages the tests use are installed (inside node_modules: never committed). */
export const PYTHON_PACKAGES = join(root, 'node_modules', '.python');

/** PyPI's standardwebhooks, with which a test verifies deliveries as a Python receiver does. */
async function ensurePythonPackages() {
  if (existsSync(join(PYTHON_PACKAGES, 'standardwebhooks'))) return;
  log('installing the PyPI standardwebhooks package (pip)');
  await start('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--root-user-action=ignore', '--target',
    PYTHON_PACKAGES, 'standardwebhooks==1.1.0']);
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

// every build's: its bindings are written with scripts/long-strings.mjs
const PRICING_INPUTS = ['Cargo.toml', 'Cargo.lock', 'crates/checkout-pricing/src', 'crates/checkout-pricing/Cargo.toml', 'scripts/long-strings.mjs'];
const CORE_INPUTS = [...PRICING_INPUTS, 'crates/checkout-core/src', 'crates/checkout-core/Cargo.toml'];
const MODULE_INPUTS = [...PRICING_INPUTS, 'crates/checkout-wasm/src', 'crates/checkout-wasm/Cargo.toml'];
export const WASM_TARGET = 'wasm32-unknown-unknown';
// Features Rust enables by default for wasm32 (and that every current browser and workerd has).
const WASM_FEATURES = ['--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-mutable-globals', '--enable-multivalue', '--enable-reference-types'];

/** Cargo's target directory (CARGO_TARGET_DIR, else the workspace's). */
export const targetDir = () => process.env.CARGO_TARGET_DIR ?? join(root, 'target');

/**
 * The WebAssembly builds. Each browser module compiles into a target
 * directory of its own, so that its cargo build and the worker's run side by
 * side (they share no dependency built the same way: each profile is
 * another), and the module's wasm-bindgen tests reuse what it compiled.
 */
export const WASM_BUILDS = {
  module: {
    label: 'the browser module', bind: (wasm) => bindModule(wasm),
    crate: 'checkout-wasm', profile: 'release', targetDir: () => join(targetDir(), 'module'),
    output: 'pkg/checkout_wasm_bg.wasm',
    inputs: MODULE_INPUTS,
  },
  // the checkout element's engine: the browser module without price() and its compact format, built for size
  live: {
    label: "the element's engine", bind: (wasm) => bindModule(wasm, 'checkout_live'),
    crate: 'checkout-wasm', profile: 'element', targetDir: () => join(targetDir(), 'element'), features: ['--no-default-features', '--features', 'talc'],
    output: 'pkg/checkout_live_bg.wasm',
    inputs: MODULE_INPUTS,
  },
  worker: {
    label: 'the worker', bind: (wasm) => bindWorker(wasm),
    crate: 'checkout-worker', profile: 'worker', targetDir,
    output: 'crates/checkout-worker/build/index.js',
    inputs: [...CORE_INPUTS, 'crates/checkout-worker/src', 'crates/checkout-worker/Cargo.toml', 'crates/checkout-worker/openapi.json',
      'scripts/worker-shim.js', 'crates/checkout-worker/js', 'js/element', 'www/checkout.html'],
    // workers-rs's macros use js-sys's futures when this is set, as its own build sets it
    env: { WASM_BINDGEN_USE_JS_SYS: '1' },
  },
};

/** cargo build of one of WASM_BUILDS; resolves with the path of its .wasm. */
async function compileWasm({ crate, profile, targetDir: dir, env, features = [], nice }) {
  await start('cargo', ['build', '--lib', '-p', crate, '--target', WASM_TARGET, '--profile', profile, '--target-dir', dir(), ...features], { env, nice });
  return join(dir(), WASM_TARGET, profile, `${crate.replaceAll('-', '_')}.wasm`);
}

/**
 * A browser module from its compiled .wasm: pkg/<name>.js and its .wasm,
 * size-optimised: binaryen's passes until they gain nothing more (one more
 * round takes 170-260 bytes gzipped off the element's engine, for 1.5 s),
 * and without the producers section (the toolchain's names and versions).
 */
function bindModule(wasm, name = 'checkout_wasm') {
  const out = join(root, 'pkg');
  run(bindgenBin(), [wasm, out, name, 'web']);
  encodeLongStrings(join(out, `${name}.js`));
  const bg = join(out, `${name}_bg.wasm`);
  run(bin('wasm-opt'), ['-Oz', '--converge', '--strip-producers', ...WASM_FEATURES, bg, '-o', bg]);
}

const WORKER_OUT = join(root, 'crates/checkout-worker/build');
/** Marks a worker build that binaryen has not optimised yet (never uploaded: nothing imports it). */
const UNOPTIMISED = join(WORKER_OUT, '.unoptimised');

/**
 * The worker from its compiled .wasm: crates/checkout-worker/build/index.js
 * (scripts/worker-shim.js around wasm-bindgen's module, bundled) and
 * index_bg.wasm, marked unoptimised until `optimiseWorker`.
 */
function bindWorker(wasm) {
  const out = WORKER_OUT;
  rmSync(out, { recursive: true, force: true });
  run(bindgenBin(), [wasm, out, 'index', 'module', '--reset-state']);
  encodeLongStrings(join(out, 'index.js'));
  writeFileSync(UNOPTIMISED, '');
  const index = readFileSync(join(out, 'index.js'), 'utf8');
  writeFileSync(join(out, 'shim.js'), workerEntry(index));
  // names kept (not --minify-identifiers): stack traces and CPU profiles name the functions
  run(bin('esbuild'), ['--external:./index_bg.wasm', '--external:cloudflare:*', '--format=esm', '--bundle', '--loader:.html=text', './shim.js',
    '--outfile=index.js', '--allow-overwrite', '--minify-whitespace', '--minify-syntax', '--log-level=warning'], { cwd: out });
  // workerd imports the module itself (wasm-bindgen writes the source-phase import of the ESM proposal)
  writeFileSync(join(out, 'index.js'), readFileSync(join(out, 'index.js'), 'utf8').replaceAll('import source ', 'import '));
  rmSync(join(out, 'shim.js'));
  rmSync(join(out, 'snippets'), { recursive: true, force: true });
}

/**
 * `wasm-opt -O` on the worker's .wasm, once a build: worth 10-25% of its CPU
 * at the edge, and 64 s of one core here (BENCHMARKS.md, "A fresh clone").
 */
function optimiseWorker() {
  if (!existsSync(UNOPTIMISED)) return;
  log('optimising the worker (wasm-opt -O)');
  const bg = join(WORKER_OUT, 'index_bg.wasm');
  run(bin('wasm-opt'), ['-O', ...WASM_FEATURES, '--enable-exception-handling', '--debuginfo', bg, '-o', bg]);
  rmSync(UNOPTIMISED);
}

/** scripts/worker-shim.js with the handlers and Durable Object classes wasm-bindgen's `index` exports. */
export function workerEntry(index) {
  // not handlers: the shim's own, and what the checkout page calls
  const internal = ['__wbg_reset_state', '__worker_init_state', 'formatMoney', 'convertMoney'];
  const events = ['fetch', 'queue', 'scheduled', 'email', 'connect'];
  const handlers = [];
  const classes = [];
  for (const line of index.split('\n')) {
    const fn = line.match(/^export (?:async )?function\s*([\w$]+)\s*\(/) ?? line.match(/^export \{\s*[\w$]+ as ([\w$]+)\s*\}/);
    if (fn && !internal.includes(fn[1])) {
      const name = fn[1];
      handlers.push(events.includes(name)
        ? `Entrypoint.prototype.${name} = function ${name}(arg) {\n  return exports.${name}.call(this, arg, this.env, this.ctx);\n};`
        : `Entrypoint.prototype.${name} = exports.${name};`);
    }
    const cls = line.match(/^export class ([\w$]+)\s*\{/);
    if (cls) classes.push(`export const ${cls[1]} = new Proxy(exports.${cls[1]}, classProxyHooks);`);
  }
  const shim = readFileSync(join(root, 'scripts/worker-shim.js'), 'utf8').replace('\n$HANDLERS\n', () => `\n${handlers.join('\n')}\n`);
  return `${shim}${classes.join('\n')}\n`;
}

/**
 * The static site wrangler serves: www/ plus the npm package's browser files
 * (left as it is when none changed: a wrangler dev may be serving it).
 */
export function buildSite() {
  const site = join(root, 'build/site');
  const stamp = 'build/site.built';
  // the browser modules, as the package lists them, that are built (npm start builds only the element's engine)
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).files
    .filter((f) => f.startsWith('pkg/') && existsSync(join(root, f)));
  if (!stale(stamp, ['www', 'js', ...pkg])) return;
  rmSync(site, { recursive: true, force: true });
  mkdirSync(site, { recursive: true });
  cpSync(join(root, 'www'), site, { recursive: true });
  cpSync(join(root, 'js'), join(site, 'edge-checkout/js'), { recursive: true });
  for (const f of pkg) cpSync(join(root, f), join(site, 'edge-checkout', f));
  writeFileSync(join(root, stamp), '');
}

/**
 * Installs what is missing and builds what is stale, every independent step
 * at once: npm packages, the bindings generator and both cargo builds
 * (which need neither) side by side, then each build's bindings as soon as
 * its compile and the tools are there. `forTests` adds what only the tests
 * use (the wasm-bindgen test runner, Chromium, a PyPI package). `optimise:
 * false` (npm start) serves a new worker build as it comes, without binaryen's
 * pass, which the next command that deploys, tests or measures it runs.
 * `only` names the builds of WASM_BUILDS to make (all by default). Steps
 * already done are skipped.
 */
export async function prepare({ forTests = false, optimise = true, only = Object.keys(WASM_BUILDS) } = {}) {
  ensureRustTarget();
  const tools = Promise.all([ensureBindgen(), ensureNpmPackages()]);
  const extras = forTests ? Promise.all([ensureTestRunner(), ensureChromium(), ensurePythonPackages()]) : Promise.resolve();
  const wanted = only.map((name) => WASM_BUILDS[name]);
  // the worker's compile is the long pole (some 200 CPU-s from nothing, its dependencies most of
  // it): the browser modules' compiles run at a lower priority, on the CPU it leaves
  const builds = wanted.filter((b) => stale(b.output, b.inputs)).map((b) => {
    log(`building ${b.label} (cargo, wasm32)`);
    const nice = b === WASM_BUILDS.worker ? 0 : 10;
    return Promise.all([compileWasm({ ...b, nice }), tools]).then(([wasm]) => b.bind(wasm));
  });
  await Promise.all([tools, extras, ...builds]);
  if (optimise) optimiseWorker();
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
 * What the storefront page needs to talk to the API (`demo-config.json` in
 * the site, build/site unless another is given): the publishable key (safe
 * in a page), the catalog and the currency.
 */
export function writeDemoConfig(publishableKey, store, site = join(root, 'build/site')) {
  writeFileSync(join(site, 'demo-config.json'),
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
  const apply = (to) => run(bin('wrangler'), ['d1', 'migrations', 'apply', 'DB', '--local', ...(to ? ['--persist-to', to] : [])], {
    quiet,
    env: { CI: 'true', ...WRANGLER_ENV },
  });
  // npm start's own state: wrangler applies what it has not yet
  if (!persistTo) return apply();
  // A fresh directory (a test's, a bench's) gets a copy of one made by
  // wrangler for these migrations and this wrangler: starting wrangler for
  // each costs ~11 s of CPU here, and a suite makes dozens.
  const migrations = join(root, 'crates/checkout-worker/migrations');
  const hash = createHash('sha256');
  for (const f of ['package-lock.json', 'wrangler.toml']) hash.update(readFileSync(join(root, f)));
  for (const f of readdirSync(migrations).sort()) hash.update(f).update(readFileSync(join(migrations, f)));
  const made = join(root, 'node_modules', '.cache', 'edge-checkout', `d1-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(made)) {
    // made beside and renamed whole, so a suite beside this one never copies half of it
    const making = `${made}.${process.pid}`;
    rmSync(making, { recursive: true, force: true });
    apply(making);
    try { renameSync(making, made); } catch (e) { if (!existsSync(made)) throw e; rmSync(making, { recursive: true, force: true }); }
  }
  cpSync(made, persistTo, { recursive: true });
}

/**
 * A port free on 127.0.0.1 now, for a server started next, taken at random
 * below Linux's ephemeral range (32768 on), from which the kernel gives ports
 * to every process that asks for any (a worker suite's workerd beside this
 * one, say): one of those could take a port the kernel handed out here before
 * the server bound it, as happened with the suites side by side.
 */
export async function freePort() {
  const bound = (port) => new Promise((resolve) => {
    const s = createServer();
    s.on('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  for (let tries = 0; tries < 100; tries++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await bound(port)) return port;
  }
  throw new Error('no free port found below 32768 in 100 tries');
}

/**
 * What keeps a `wrangler dev` (a test's, a bench's) apart from any other on
 * this machine (`npm start`'s, another test file's, another build's): an
 * inspector port of its own (two would both take the default one, and the
 * second fail) and a dev registry of its own, in `dir`, where the workers
 * `wrangler dev` runs find each other.
 */
export async function apart(dir) {
  return { inspectorPort: await freePort(), registry: join(dir, 'registry') };
}

/** A top-level string field of wrangler.toml (`compatibility_date`, say). */
export function wranglerField(name) {
  const config = readFileSync(join(root, 'wrangler.toml'), 'utf8');
  return config.match(new RegExp(`^${name}\\s*=\\s*"([^"]+)"`, 'm'))[1];
}

/**
 * miniflare's options for the built worker (`scriptPath`: another build of
 * it, inside the repository) as wrangler.toml binds it, its local D1 and its
 * stores' objects under `persistTo`, with `bindings`; never fetching
 * `request.cf` from workers.cloudflare.com, miniflare's default, so that a
 * test or a bench sends nothing off the machine. The test servers
 * (tests/support/worker.mjs) and bench/storage-floor.mjs start it.
 */
export function miniflareOptions({ persistTo, bindings, scriptPath = 'crates/checkout-worker/build/index.js' }) {
  return {
    rootPath: root,
    scriptPath,
    modules: true,
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
    compatibilityDate: wranglerField('compatibility_date'),
    d1Databases: { DB: wranglerField('database_id') },
    d1Persist: join(persistTo, 'v3', 'd1'),
    durableObjects: { STORES: { className: 'StoreObject', useSQLite: true } },
    durableObjectsPersist: join(persistTo, 'v3', 'do'),
    bindings,
    cf: false,
  };
}

/** Runs the cron trigger's handler of a `wrangler dev --test-scheduled` once, as the platform would every minute. */
export async function runCron(base) {
  await (await fetch(`${base}/__scheduled?cron=*+*+*+*+*`)).text();
}

/**
 * Starts `wrangler dev` (`site`: the static site it serves, when not
 * build/site; `registry`: a dev registry of its own, where the workers that
 * `wrangler dev` runs on this machine find each other, when not the user's);
 * resolves when it answers, with a stop function.
 */
export async function startWrangler({ port, persistTo, envFile, quiet = false, scheduled = false, inspectorPort, site, registry, config }) {
  // `config`: a configuration other than wrangler.toml (bench/cpu.mjs --against: another build's)
  const args = ['dev', ...(config ? ['--config', config] : []), '--ip', '127.0.0.1', '--port', String(port), '--show-interactive-dev-session=false'];
  if (site) args.push('--assets', site);
  // the worker's V8 inspector (DevTools protocol), for bench/cpu.mjs --profile
  if (inspectorPort) args.push('--inspector-port', String(inspectorPort));
  // `/__scheduled` runs the cron trigger's handler, which `wrangler dev` does not run by itself
  if (scheduled) args.push('--test-scheduled');
  if (persistTo) args.push('--persist-to', persistTo);
  if (envFile) args.push('--env-file', envFile);
  const child = spawn(bin('wrangler'), args, {
    cwd: root,
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...WRANGLER_ENV, ...(registry && { WRANGLER_REGISTRY_PATH: registry }),
      // a test's or a bench's debug log goes with its directory (wrangler keeps one a start, ~100 KB, in the user's config)
      ...(persistTo && { WRANGLER_LOG_PATH: join(persistTo, 'wrangler.log') }) },
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
