// npm test: set up what is missing, build, then run every suite. Each suite
// runs even when an earlier one failed; the exit code is non-zero if any did.
import { join } from 'node:path';
import { homedir } from 'node:os';
import { root, log, run, ensureToolchain, ensureChromium, build } from './lib.mjs';

ensureToolchain();
ensureChromium();
build();

const cargoBin = (name) => join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin', name);
const suites = [
  ['Rust: core, wasm and worker crates (cargo test)', 'cargo', ['test', '--workspace']],
  ['WebAssembly bindings in headless Chromium (wasm-pack test)', cargoBin('wasm-pack'),
    ['test', '--headless', '--chrome', '--chromedriver', '/usr/bin/chromedriver', '--mode', 'no-install', '--release',
      'crates/checkout-wasm']],
  ['The npm package\'s price() in Node: the compact path against the JSON path (node:test)', 'node',
    ['--test', '--test-reporter=spec', 'tests/js/']],
  ['Worker HTTP API in workerd, stores on D1 (node:test, miniflare)', 'node', ['--test', '--test-reporter=spec', 'tests/worker/']],
  ['Worker HTTP API in workerd, each store in its own Durable Object (node:test, miniflare)', 'node',
    ['--test', '--test-reporter=spec', 'tests/worker/'], { TEST_STORAGE: 'objects' }],
  ['wrangler dev, the storefront page and the npm package in Chromium (node:test, playwright-core)', 'node',
    ['--test', '--test-reporter=spec', '--test-concurrency=1', 'tests/e2e/']],
];

const failed = [];
for (const [name, cmd, args, env = {}] of suites) {
  log(name);
  try {
    run(cmd, args, { cwd: root, env });
  } catch (e) {
    console.error(e.message);
    failed.push(name);
  }
}
if (failed.length) {
  console.error(`\n${failed.length} of ${suites.length} suites failed:\n  ${failed.join('\n  ')}`);
  process.exit(1);
}
log(`all ${suites.length} suites passed`);
