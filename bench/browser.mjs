// The npm package's speed and size: price() of a 300-line cart, one
// quantity change on a 300-line engine and formatMoney() (beside a cached
// Intl.NumberFormat, for scale), in Node 20 and in headless Chromium,
// and the gzipped size of the .wasm and the JS. Usage: node bench/browser.mjs
// (after npm test or npm start built the package). Figures in BENCHMARKS.md.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, extname } from 'node:path';
import { chromium } from 'playwright-core';
import { root } from '../scripts/lib.mjs';
import { launchOptions } from '../tests/support/browser.mjs';

/** The benchmark, as source, so that Node and the page run the very same code. */
const bench = String(function run({ price, Checkout, formatMoney }) {
  const input = (n) => ({
    currency: 'USD',
    lineItems: Array.from({ length: n }, (_, i) => ({
      id: `line-${i}`, price: `${3 + ((i * 7) % 90)}.${String((i * 13) % 100).padStart(2, '0')}`,
      quantity: 1 + (i % 5), taxRate: `0.0${i % 9}25`, catalogItemId: `item-${i % 4}`, itemType: 'PHYSICAL',
    })),
    coupons: [{ code: 'SAVE15', type: 'PERCENTAGE', value: '15', catalogItemIds: ['item-0', 'item-1', 'item-2'] }],
    shipping: { code: 'standard', price: '5.00', taxRate: '0.0825' },
    additionalFees: [{ code: 'handling', price: '2.00', taxRate: '0.0825' }],
    giftCard: { code: 'GIFT', balance: '30.00' },
  });
  /** Median microseconds per call over batches of `per` calls. */
  const time = (f, per, batches = 15) => {
    for (let i = 0; i < 10 * per; i++) f(i); // warm up
    const runs = [];
    for (let b = 0; b < batches; b++) {
      const t = performance.now();
      for (let i = 0; i < per; i++) f(i);
      runs.push(((performance.now() - t) * 1000) / per);
    }
    return runs.sort((a, b) => a - b)[Math.floor(batches / 2)];
  };
  const big = input(300);
  const engine = new Checkout(big);
  const amounts = Array.from({ length: 10 }, (_, i) => `${(i * 7919) % 100000}.${String(i * 9).padStart(2, '0')}`);
  const intl = new Intl.NumberFormat('de', { style: 'currency', currency: 'EUR' });
  const out = {
    'formatMoney(), de, EUR': time((i) => formatMoney(amounts[i % 10], 'EUR', 'de'), 1000),
    'Intl.NumberFormat#format, cached (for scale)': time((i) => intl.format(amounts[i % 10]), 1000),
    'price(), 10 lines': time(() => price(input(10)), 200),
    'price(), 300 lines': time(() => price(big), 100),
    'setQuantity() on a 300-line engine': time((i) => engine.setQuantity('line-150', 1 + (i % 9)), 200),
  };
  engine.free();
  return out;
});

const results = {};
const pkg = await import('../js/node.js');
results.node = new Function(`return (${bench})`)()(pkg);

const site = join(root, 'build/site');
const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const server = createServer((req, res) => {
  const path = req.url === '/' ? '/bench.html' : req.url;
  if (path === '/bench.html') return res.end('<!doctype html><title>bench</title>');
  try {
    res.setHeader('content-type', types[extname(path)] ?? 'application/octet-stream');
    res.end(readFileSync(join(site, path)));
  } catch { res.statusCode = 404; res.end(); }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const browser = await chromium.launch(launchOptions());
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:${server.address().port}/`);
results.chromium = await page.evaluate(async (source) => {
  const pkg = await import('/edge-checkout/js/index.js');
  return new Function(`return (${source})`)()(pkg);
}, bench);
await browser.close();
server.close();

const gz = (files) => files.reduce((n, f) => n + gzipSync(readFileSync(join(root, f)), { level: 9 }).length, 0);
console.log('| what | Node 20 | Chromium |\n| --- | --- | --- |');
for (const key of Object.keys(results.node)) {
  console.log(`| ${key} | ${results.node[key].toFixed(1)} µs | ${results.chromium[key].toFixed(1)} µs |`);
}
console.log(`\n.wasm: ${(gz(['pkg/checkout_wasm_bg.wasm']) / 1024).toFixed(1)} KiB gzipped; ` +
  `JS: ${(gz(['pkg/checkout_wasm.js', 'js/index.js', 'js/format.js']) / 1024).toFixed(1)} KiB gzipped ` +
  '(the element: node bench/element.mjs)');
