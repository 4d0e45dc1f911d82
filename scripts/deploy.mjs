// npm run deploy: the worker, its D1 database and its secrets on Cloudflare,
// from nothing or again (every step is safe to repeat):
//   1. builds, and checks the bundle fits the Workers free plan (3 MiB gzipped);
//   2. the secrets file (.secrets.vars, git-ignored): made with a first tenant
//      when missing (its keys printed once), else kept;
//   3. the D1 database: created when wrangler.toml has no id of one, its id
//      recorded there; the migrations applied remotely;
//   4. TENANTS and EVENTS_SIGNING_KEY put as the worker's secrets;
//   5. `wrangler deploy`, and the URL it answers on, which becomes the
//      worker's PUBLIC_URL (its own checkout page for stores that name none):
//      kept in the secrets file and given to every later deploy (set
//      PUBLIC_URL there to use a domain of your own).
// `--dry-run` does 1 and 2 and says what 3 to 5 would do, without an account.
// `--secrets F` takes another secrets file. Log in first (`npx wrangler login`,
// or CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID in the environment).
import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root, log, run, bin, prepare, newEventsKey, readVars, writeVars, WRANGLER_ENV } from './lib.mjs';
import { apply } from './tenants.mjs';

/** The Workers free plan's limit on a worker's size, gzipped. */
export const FREE_PLAN_BYTES = 3 * 1024 * 1024;
/** The database id wrangler.toml has until a deploy records a real one (local D1 only). */
export const LOCAL_DATABASE_ID = '00000000-0000-4000-8000-000000000000';

const wrangler = (args, opts = {}) => run(bin('wrangler'), args, { quiet: true, env: { CI: 'true', ...WRANGLER_ENV }, ...opts });

/** `wrangler deploy --dry-run`: the upload's gzipped size in bytes. */
export function bundleSize() {
  const out = mkdtempSync(join(tmpdir(), 'edge-checkout-deploy-'));
  try {
    const { stdout } = wrangler(['deploy', '--dry-run', '--outdir', out]);
    const m = stdout.match(/Total Upload: [\d.]+ KiB \/ gzip: ([\d.]+) KiB/);
    if (!m) throw new Error(`wrangler deploy --dry-run did not say the upload's size:\n${stdout}`);
    return Math.round(Number(m[1]) * 1024);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The secrets file: made with a first tenant when missing (its keys printed once). */
export function ensureSecrets(file) {
  if (existsSync(file)) return readVars(file);
  const vars = { EVENTS_SIGNING_KEY: newEventsKey() };
  const { say } = apply(vars, ['add', 'shop']);
  writeVars(file, vars, '# The deployed worker\'s secrets (npm run deploy, npm run tenants -- --file): never committed.\n');
  console.log(`made ${file} with a first ${say.join('\n')}`);
  return vars;
}

const config = () => readFileSync(join(root, 'wrangler.toml'), 'utf8');
const databaseId = () => config().match(/^database_id = "([^"]+)"/m)[1];

/** The D1 database's id: wrangler.toml's, else the one of that name, else a new one; recorded in wrangler.toml. */
function ensureDatabase() {
  if (databaseId() !== LOCAL_DATABASE_ID) return databaseId();
  const name = config().match(/^database_name = "([^"]+)"/m)[1];
  const listed = JSON.parse(wrangler(['d1', 'list', '--json']).stdout).find((d) => d.name === name);
  const id = listed?.uuid ?? wrangler(['d1', 'create', name]).stdout.match(/database_id"?\s*[:=]\s*"([0-9a-f-]{36})"/)?.[1];
  if (!id) throw new Error(`could not create the D1 database ${name}`);
  writeFileSync(join(root, 'wrangler.toml'), config().replace(`database_id = "${LOCAL_DATABASE_ID}"`, `database_id = "${id}"`));
  log(`D1 database ${name}: ${id} (recorded in wrangler.toml)`);
  return id;
}

async function main(argv) {
  const dry = argv.includes('--dry-run');
  const at = argv.indexOf('--secrets');
  const file = resolve(at >= 0 ? argv[at + 1] : join(root, '.secrets.vars'));
  await prepare();
  const size = bundleSize();
  log(`the worker and its site: ${(size / 1024).toFixed(0)} KiB gzipped (free plan: ${FREE_PLAN_BYTES / 1024} KiB)`);
  if (size > FREE_PLAN_BYTES) throw new Error('the worker is over the free plan\'s size limit');
  const vars = ensureSecrets(file);
  JSON.parse(vars.TENANTS); // a broken file stops here, not in production
  if (dry) {
    console.log(`dry run: would ${databaseId() === LOCAL_DATABASE_ID ? 'create the D1 database and record its id' : `use D1 database ${databaseId()}`}, `
      + 'apply the migrations remotely, put TENANTS and EVENTS_SIGNING_KEY as secrets, and wrangler deploy '
      + `with PUBLIC_URL ${vars.PUBLIC_URL ?? 'the URL it answers on'}`);
    return;
  }
  wrangler(['whoami']);
  ensureDatabase();
  wrangler(['d1', 'migrations', 'apply', 'DB', '--remote'], { quiet: false });
  const dir = mkdtempSync(join(tmpdir(), 'edge-checkout-secrets-'));
  try {
    const bulk = join(dir, 'secrets.json');
    writeFileSync(bulk, JSON.stringify({ TENANTS: vars.TENANTS, EVENTS_SIGNING_KEY: vars.EVENTS_SIGNING_KEY }), { mode: 0o600 });
    wrangler(['secret', 'bulk', bulk]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const deploy = () => wrangler(['deploy', ...(vars.PUBLIC_URL ? ['--var', `PUBLIC_URL:${vars.PUBLIC_URL}`] : [])]).stdout;
  let stdout = deploy();
  const url = stdout.match(/https:\/\/\S+\.workers\.dev/)?.[0];
  if (url && !vars.PUBLIC_URL) {
    // the first deploy learns its address: the worker's own checkout page from now on
    vars.PUBLIC_URL = `${url}/`;
    writeVars(file, vars, '# The deployed worker\'s secrets (npm run deploy, npm run tenants -- --file): never committed.\n');
    stdout = deploy();
  }
  console.log(url ? `deployed: ${url} (PUBLIC_URL ${vars.PUBLIC_URL})` : stdout);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
