// The checkout element's speed and size, in headless Chromium against the
// worker under `wrangler dev`: from the module's load to the first priced
// render of a 20-line checkout (a fresh browser context each run, so the
// module, its words and the .wasm are fetched and compiled each time), and
// from a quantity keystroke to the new total painted on a 300-line checkout
// (goal: one frame, 16 ms: the element's own work, then the frame that shows
// it, then that frame painted); and the gzipped size of the element's JavaScript,
// and of all a first render loads, as a bundler ships it (esbuild, minified, split). Usage: node bench/element.mjs
// after a build. Figures in BENCHMARKS.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { root } from '../scripts/lib.mjs';
import { launchOptions } from '../tests/support/browser.mjs';
import { startWranglerDev, json } from '../tests/support/worker.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

/** The element as a bundler ships it: `{main, chunks}` gzipped bytes. */
export async function elementSize() {
  const sizes = await bundled(['*/engine.js']);
  return { main: sizes['element.js'], chunks: sizes };
}

/** js/element.js as a bundler ships it (esbuild, minified, split), `external` left out: each file's name and gzipped bytes. */
async function bundled(external = []) {
  const out = await build({
    entryPoints: [`${root}/js/element.js`], bundle: true, minify: true, splitting: true, format: 'esm', write: false,
    outdir: '/out', external, logLevel: 'error',
  });
  return Object.fromEntries(out.outputFiles.map((f) => [f.path.replace('/out/', ''), gzipSync(f.contents, { level: 9 }).length]));
}

/**
 * What a page loads for the element's first render in `lang`, as a bundler
 * ships it (esbuild, minified, split; each file gzipped): the element, its
 * engine's JavaScript and .wasm, its words and the page's storage (fetched
 * beside the engine). A region list comes later, when a country with one is
 * shown. `{ total, files }`, in bytes.
 */
export async function firstRenderSize(lang = 'en') {
  const loaded = new RegExp(`^(element\\.js|engine-|chunk-|kept-|${lang}-)`);
  const files = Object.fromEntries(Object.entries(await bundled()).filter(([name]) => loaded.test(name)));
  files['checkout_live_bg.wasm'] = gzipSync(readFileSync(join(root, 'pkg/checkout_live_bg.wasm')), { level: 9 }).length;
  return { total: Object.values(files).reduce((a, b) => a + b, 0), files };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const w = await startWranglerDev();
  const browser = await chromium.launch(launchOptions());
  try {
    const lines = (n) => Array.from({ length: n }, (_, i) => ({ quantity: 1 + (i % 3), catalogReference: { catalogItemId: 'stickers', options: { n: i } } }));
    const checkout = async (n) => {
      const r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', lineItems: lines(n) }, w.a.publishableKey));
      return (await r.json()).checkout.id;
    };
    const page = (id) => `<!doctype html><html lang="en"><body><script type="module">
      const t0 = performance.now();
      await import('/edge-checkout/js/element.js');
      const e = document.createElement('edge-checkout');
      e.setAttribute('publishable-key', ${JSON.stringify(w.a.publishableKey)});
      e.setAttribute('checkout-id', ${JSON.stringify(id)});
      e.addEventListener('change', () => requestAnimationFrame(() => setTimeout(() => { window.firstRender ??= performance.now() - t0; })));
      document.body.append(e);
    </script></body></html>`;
    const open = async (id) => {
      const context = await browser.newContext();
      const p = await context.newPage();
      await p.route(`${w.url}/bench.html`, (route) => route.fulfill({ contentType: 'text/html', body: page(id) }));
      await p.goto(`${w.url}/bench.html`);
      await p.waitForFunction(() => window.firstRender !== undefined, null, { timeout: 30000 });
      return { p, context };
    };

    const twenty = await checkout(20);
    const first = [];
    for (let i = 0; i < 9; i++) {
      const { p, context } = await open(twenty);
      first.push(await p.evaluate(() => window.firstRender));
      await context.close();
    }

    const { p, context } = await open(await checkout(300));
    await p.evaluate(() => {
      const e = document.querySelector('edge-checkout');
      window.painted = [];
      let key = 0;
      let input = 0;
      document.addEventListener('keydown', (ev) => { key = ev.timeStamp; }, true);
      document.addEventListener('input', (ev) => { input = ev.timeStamp; }, true);
      // after the element's own handler and its microtasks: the change priced, shown and kept in the queue
      window.handled = [];
      document.addEventListener('input', () => window.handled.push(performance.now() - input));
      e.addEventListener('change', (ev) => {
        if (ev.detail.final) return;
        // the element's own work; the frame that shows it; that frame painted
        const work = performance.now() - input;
        requestAnimationFrame(() => {
          const frame = performance.now() - key;
          setTimeout(() => window.painted.push([work, frame, performance.now() - key]));
        });
      });
    });
    await p.focus('edge-checkout [data-line-item-id]:nth-child(150) input[name=quantity]');
    for (let i = 0; i < 40; i++) {
      await p.keyboard.press(i % 2 ? 'ArrowDown' : 'ArrowUp');
      await p.waitForFunction((n) => window.painted.length === n, i + 1);
      await p.waitForTimeout(i % 8 === 7 ? 1200 : 40); // now and then the worker's answer lands
    }
    const painted = await p.evaluate(() => window.painted);
    const handled = await p.evaluate(() => window.handled);
    const column = (i) => painted.map((x) => x[i]);
    await context.close();

    const size = await elementSize();
    const ms = (x) => `${x.toFixed(1)} ms`;
    console.table({
      'load to first priced render, 20 lines': { median: ms(median(first)), p90: ms(p90(first)) },
      'quantity input event to the new totals in the DOM, 300 lines': { median: ms(median(column(0))), p90: ms(p90(column(0))) },
      'the same, and the change kept in the durable queue': { median: ms(median(handled)), p90: ms(p90(handled)) },
      'keystroke to the animation frame that shows them': { median: ms(median(column(1))), p90: ms(p90(column(1))) },
      'keystroke to that frame painted': { median: ms(median(column(2))), p90: ms(p90(column(2))) },
    });
    console.log(`element JS, minified and gzipped: ${(size.main / 1024).toFixed(1)} KiB`, size.chunks);
    const render = await firstRenderSize();
    console.log(`a first render in English, gzipped: ${(render.total / 1024).toFixed(1)} KiB`, render.files);
  } finally {
    await browser.close();
    await w.close();
  }
}
