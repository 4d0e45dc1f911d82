// npm test: set up what is missing, build, then run every suite. Suites run
// in lanes side by side (TEST_LANES below); a suite's output is shown whole
// when it ends. Each suite runs even when
// another failed; the exit code is non-zero if any did.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, log, prepare, WASM_BUILDS, WASM_TARGET, testRunnerBin } from './lib.mjs';

await prepare({ forTests: true });

const module = WASM_BUILDS.module;
// Lanes: how many suites run at once (TEST_LANES; 2 on this 2-core machine,
// 1 to run them one after the other). The browser suite, whose pages wait on
// timers and the network as a buyer does, runs after the others: a machine
// loaded by the worker suites too would only make its waits longer than its
// deadlines. Its files run as many at a time as lanes. The two files that load
// `wrangler dev` with hundreds of requests at once, and wait on no page, run
// in the lanes instead (beside pages, `wrangler dev`'s proxy answered a page's
// change 503 under that load).
const lanes = Math.max(1, Number(process.env.TEST_LANES ?? 2));
const e2e = readdirSync(join(root, 'tests/e2e')).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => `tests/e2e/${f}`);
const UNDER_LOAD = ['tests/e2e/races.test.mjs', 'tests/e2e/fault.test.mjs'];
// The longest first: the lanes take suites in this order, so the short ones
// fill the lane that finishes first rather than leave one idle while the
// other runs a long suite alone (warm: the D1 suite about 95 s beside the
// objects suite's 85 s, the load files 20 s, the three others 20-40 s
// together). Each worker suite runs its files in one process
// (tests/worker/all.mjs).
const suites = [
  ['Worker HTTP API in workerd, stores on D1 (node:test, miniflare)', 'node', ['--test', '--test-reporter=spec', 'tests/worker/all.mjs']],
  ['Worker HTTP API in workerd, each store in its own Durable Object (node:test, miniflare)', 'node',
    ['--test', '--test-reporter=spec', 'tests/worker/all.mjs'], { TEST_STORAGE: 'objects' }],
  ['wrangler dev under load: the races and a SIGKILL (node:test)', 'node',
    ['--test', '--test-reporter=spec', '--test-concurrency=1', ...UNDER_LOAD]],
  ['Rust: core, wasm and worker crates (cargo test)', 'cargo', ['test', '--workspace']],
  ['WebAssembly bindings in headless Chromium (wasm-bindgen-test)', 'cargo',
    ['test', '-p', module.crate, '--target', WASM_TARGET, '--profile', module.profile, '--target-dir', module.targetDir()],
    // the runner reads crates/checkout-wasm/webdriver.json (Chromium's flags) from where it runs
    { CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER: testRunnerBin(),
      CHROMEDRIVER: '/usr/bin/chromedriver' }, join(root, 'crates/checkout-wasm')],
  ['The npm package\'s price() in Node: the compact path against the JSON path (node:test)', 'node',
    ['--test', '--test-reporter=spec', 'tests/js/']],
  ['wrangler dev, the storefront page and the npm package in Chromium, files side by side (node:test, playwright-core)', 'node',
    ['--test', '--test-reporter=spec', `--test-concurrency=${lanes}`, ...e2e.filter((f) => !UNDER_LOAD.includes(f))], {}, root, { alone: true }],
];

// Every Node process of the suites (and those they start) refuses to connect off this machine
const nodeOptions = `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(join(root, 'tests/support/loopback-only.mjs'))}`.trim();

/** Runs one suite with its output kept; resolves with whether it passed. */
function runSuite([name, cmd, args, env = {}, cwd = root]) {
  return new Promise((resolve) => {
    const started = Date.now();
    // (npm's own update check, which `npm run` makes now and then, is not asked for at all)
    const child = spawn(cmd, args, { cwd, env: { ...process.env, NODE_OPTIONS: nodeOptions, npm_config_update_notifier: 'false', ...env },
      stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    let ended = false;
    // 'error' (it could not start) and 'exit' may both come: the first says how it ended
    const done = (ok, why = '') => {
      if (ended) return;
      ended = true;
      log(`${ok ? 'passed' : 'FAILED'}: ${name} (${Math.round((Date.now() - started) / 1000)} s)`);
      process.stdout.write(out);
      if (why) console.error(why);
      resolve(ok);
    };
    child.on('error', (e) => done(false, e.message));
    child.on('exit', (code) => done(code === 0, code === 0 ? '' : `${cmd} ${args.join(' ')} exited with ${code}`));
  });
}
const failed = [];
const runAll = async (queue, width) => Promise.all(Array.from({ length: width }, async () => {
  for (let suite = queue.shift(); suite; suite = queue.shift()) {
    if (!(await runSuite(suite))) failed.push(suite[0]);
  }
}));
log(`${suites.length} suites, ${lanes} at a time`);
await runAll(suites.filter((s) => !s[5]?.alone), lanes);
await runAll(suites.filter((s) => s[5]?.alone), 1);
if (failed.length) {
  console.error(`\n${failed.length} of ${suites.length} suites failed:\n  ${failed.join('\n  ')}`);
  process.exit(1);
}
log(`all ${suites.length} suites passed`);
