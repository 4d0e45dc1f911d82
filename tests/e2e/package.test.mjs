// The npm package as a user gets it: `npm pack`, installed from the tarball
// into an empty project, then used from Node 20, from a Vite build and from a
// plain <script type="module"> page, the last two in headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, extname } from 'node:path';
import { chromium } from 'playwright-core';
import { root } from '../../scripts/lib.mjs';
import { launchOptions, readmeBlock } from '../support/browser.mjs';
import { startWranglerDev, json, demoStore } from '../support/worker.mjs';
import { vectors } from '../support/vectors.mjs';

let dir;
let tarball;
let browser;
const input = { currency: 'USD', lineItems: [{ id: 'a', price: '19.99', quantity: 3, taxRate: '0.0825' }] };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edge-checkout-pkg-'));
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }));
  tarball = { path: join(dir, packed[0].filename), files: packed[0].files.map((f) => f.path).sort() };
  const app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball.path], { cwd: app, stdio: 'ignore' });
  browser = await chromium.launch(launchOptions());
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Serves a folder on 127.0.0.1; resolves to its URL and a close function. */
async function serve(folder) {
  const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
  const server = createServer((req, res) => {
    const path = join(folder, decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/\/$/, '/index.html'));
    try {
      const body = readFileSync(path);
      res.setHeader('content-type', types[extname(path)] ?? 'application/octet-stream');
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

/** Tenant a's demo store on `w`, listing `origin`, and a checkout of one tee made with its publishable key. */
async function checkoutFor(w, origin) {
  let r = await w.fetch('/admin/v1/store', json('PUT', { ...demoStore(), allowedOrigins: [origin] }, w.a.secretKey));
  assert.equal(r.status, 200, await r.text());
  r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB',
    lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'tee-classic' } }] }, w.a.publishableKey));
  return (await r.json()).checkout;
}


test('the tarball holds only what the package needs', () => {
  assert.deepEqual(tarball.files, [
    'CHANGELOG.md', 'README.md', 'js/api.d.ts', 'js/compact.js', 'js/element.d.ts', 'js/element.js',
    'js/element/cart.js', 'js/element/client.js', 'js/element/dom.js', 'js/element/form.js',
    ...['ar', 'de', 'en', 'es', 'fr', 'he', 'ja'].map((lang) => `js/element/i18n/${lang}.js`),
    'js/element/kept.js', 'js/element/markup.js', 'js/element/messages.js', 'js/element/places.js',
    ...['AU', 'CA', 'DE', 'JP', 'US'].map((c) => `js/element/regions/${c}.js`),
    'js/element/server.d.ts', 'js/element/server.js', 'js/element/style.js', 'js/element/view.js', 'js/engine.js', 'js/format.js', 'js/index.d.ts',
    'js/index.js', 'js/node.js', 'package.json', 'pkg/checkout_live.js', 'pkg/checkout_live_bg.wasm', 'pkg/checkout_wasm.js', 'pkg/checkout_wasm_bg.wasm',
  ]);
});

test('Node 20 imports it through the exports map', () => {
  const out = execFileSync('node', ['--input-type=module', '-e', `
    import { price, Checkout, formatMoney } from 'edge-checkout';
    const out = price(${JSON.stringify(input)});
    const live = new Checkout(${JSON.stringify(input)});
    let code;
    try { price({ currency: 'XXX', lineItems: [] }); } catch (e) { code = e.code; }
    console.log(JSON.stringify([out.priceSummary.total.amount, live.setQuantity('a', 1).priceSummary.total.amount,
      formatMoney('1234.5', 'EUR', 'de-DE'), code]));
  `], { cwd: join(dir, 'app'), encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), ['64.92', '21.64', '1.234,50\u00a0€', 'UNSUPPORTED_CURRENCY']);
});

test('a Vite build bundles it, .wasm included, and it prices in Chromium', async () => {
  const app = join(dir, 'app');
  writeFileSync(join(app, 'index.html'), '<!doctype html><script type="module" src="/main.js"></script>');
  writeFileSync(join(app, 'main.js'), `
    import { price } from 'edge-checkout';
    window.result = price(${JSON.stringify(input)}).priceSummary.total.amount;
  `);
  const { build } = await import('vite');
  await build({ root: app, logLevel: 'silent', build: { outDir: join(app, 'dist'), target: 'es2022' } });
  const site = await serve(join(app, 'dist'));
  try {
    const page = await browser.newPage();
    await page.goto(site.url);
    assert.equal(await page.waitForFunction(() => window.result).then((h) => h.jsonValue()), '64.92');
    await page.close();
  } finally {
    site.close();
  }
});

test('a plain <script type="module"> page uses it straight from node_modules, every vector exact', async () => {
  const app = join(dir, 'app');
  writeFileSync(join(app, 'plain.html'), `<!doctype html><script type="module">
    import { price } from '/node_modules/edge-checkout/js/index.js';
    window.price = price;
    window.result = price(${JSON.stringify(input)}).priceSummary.total.amount;
  </script>`);
  const site = await serve(app);
  try {
    const page = await browser.newPage();
    await page.goto(`${site.url}/plain.html`);
    assert.equal(await page.waitForFunction(() => window.result).then((h) => h.jsonValue()), '64.92');
    // Every spec vector through price() in Chromium: the output (calculation
    // errors by code, as the vectors have them) or the error's code and field.
    const answers = await page.evaluate((inputs) => inputs.map((input) => {
      try {
        const out = window.price(input);
        return { ...out, calculationErrors: out.calculationErrors.map(({ code }) => ({ code })) };
      } catch (e) {
        return { code: e.code, field: e.field };
      }
    }), vectors.map((v) => v.input));
    vectors.forEach((v, i) => assert.deepEqual(answers[i], v.output ?? v.error, v.name));
    await page.close();
  } finally {
    site.close();
  }
});

test('npm publish (dry run) takes the same files, and the version has its CHANGELOG entry', () => {
  // --offline: a dry run asks npm's registry nothing (without it, npm asks, and retries for a minute where it cannot)
  const out = execFileSync('npm', ['publish', '--dry-run', '--json', '--offline'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const published = JSON.parse(out)['edge-checkout'];
  assert.deepEqual(published.files.map((f) => f.path).sort(), tarball.files);
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.equal(published.version, version);
  assert.match(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'), new RegExp(`^## ${version.replace(/\./g, '\\.')} `, 'm'));
});

test('its TypeScript declarations compile in strict mode: a Node ESM and a bundler project, lib es2020 to esnext, with and without skipLibCheck', async () => {
  const app = join(dir, 'app');
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  writeFileSync(join(app, 'node-app.ts'), `import { price, Checkout, formatMoney, type CheckoutObject, type PricingInput } from 'edge-checkout';
import { renderCheckout } from 'edge-checkout/element/server';
const input: PricingInput = { currency: 'USD', lineItems: [{ id: 'a', price: '19.99', quantity: 3 }] };
const total: string = price(input).priceSummary.total.amount;
const live = new Checkout(input);
const converted: string | undefined = live.convert('1.00');
live.free();
export const shown = (c: CheckoutObject): string => c.priceSummary.total.formattedAmount + formatMoney(total, 'USD', 'de') + (converted ?? '');
export const rendered = async (c: CheckoutObject): Promise<string> => (await renderCheckout(c, { locale: 'en', formatMoney })) ?? '';
`);
  writeFileSync(join(app, 'page-app.ts'), `import 'edge-checkout/element';
import type { EdgeCheckoutElement, OrderCreatedDetail } from 'edge-checkout/element';
const element: EdgeCheckoutElement | null = document.querySelector('edge-checkout');
element?.addEventListener('order-created', (e) => { const d: OrderCreatedDetail = e.detail; console.log(d.orderNumber); });
element?.addEventListener('change', (e) => console.log(e.detail.priceSummary.total.amount, e.detail.final));
`);
  // twelve projects, each its own tsconfig, built by one tsc (one process: twelve took 17 s, one at a time per core)
  const projects = new Map();
  for (const [setup, file, module, resolution, extra] of [['Node ESM', 'node-app.ts', 'nodenext', 'nodenext', []], ['bundler', 'page-app.ts', 'esnext', 'bundler', ['dom']]]) {
    for (const lib of ['es2020', 'es2022', 'esnext']) {
      for (const skipLibCheck of [false, true]) {
        const config = join(app, `tsconfig.${projects.size}.json`);
        writeFileSync(config, JSON.stringify({ compilerOptions: { strict: true, noEmit: true, skipLibCheck, target: lib, lib: [lib, ...extra],
          module, moduleResolution: resolution, types: [] }, files: [file] }));
        projects.set(config, `${setup}, lib ${lib}, skipLibCheck ${skipLibCheck}`);
      }
    }
  }
  const built = spawnSync(tsc, ['--build', '--verbose', ...projects.keys()], { cwd: app, encoding: 'utf8' });
  // --verbose names each project before its errors
  const failures = built.stdout.split(/^.*Building project '/m).slice(1).filter((part) => /error TS\d+/.test(part))
    .map((part) => `${projects.get(part.slice(0, part.indexOf("'")))}:\n${part}`);
  assert.equal(projects.size, 12);
  assert.equal(built.status === 0, failures.length === 0, built.stdout + built.stderr);
  assert.deepEqual(failures, []);
});

test("the element from the tarball, as the README's snippet, on a page of another origin, renders a checkout, prices live, and its edits reach the worker; with the README's preload hints, the checkout is read once, by its preload, without a preflight, and every module of the element's first render is hinted", async () => {
  const w = await startWranglerDev();
  const app = join(dir, 'app');
  const shop = await serve(app);
  const stranger = await serve(app);
  try {
    // the store lists the shop's origin; the stranger's is not listed
    const checkout = await checkoutFor(w, shop.url);
    // the README's snippet as written, its placeholders filled in; an import map resolves the bare name
    const snippet = readmeBlock('### The checkout element', 'html');
    const filled = snippet.replace('checkout-id="…"', `checkout-id="${checkout.id}"`)
      .replace('api-base="https://checkout.example.com"', `api-base="${w.url}"`).replace('publishable-key="pk_…"', `publishable-key="${w.a.publishableKey}"`);
    assert.notEqual(filled, snippet);
    assert.ok(!filled.includes('…'), filled);
    writeFileSync(join(app, 'shop.html'), `<!doctype html><html lang="en"><head>
      <script type="importmap">{"imports": {"edge-checkout/element": "/node_modules/edge-checkout/js/element.js"}}</script>
      </head><body>${filled}</body></html>`);

    const page = await browser.newPage({ locale: 'en-US' });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(`${shop.url}/shop.html`);
    const quantity = 'edge-checkout [data-line-item-id] input[name=quantity]';
    await page.waitForSelector(quantity);
    assert.equal(await page.textContent('[data-summary=total]'), '$21.64');
    const answered = page.waitForResponse((res) => res.url().includes('/update-line-items-quantity') && res.request().method() === 'POST');
    await page.fill(quantity, '3');
    assert.equal(await page.textContent('[data-summary=total]'), '$64.92', 'priced in the page at once');
    assert.equal((await answered).status(), 200);
    let r = await w.fetch(`/ecom/v1/checkouts/${checkout.id}`, json('GET', undefined, w.a.publishableKey));
    assert.equal((await r.json()).checkout.lineItems[0].quantity, 3, 'the edit reached the worker');
    assert.deepEqual(errors, []);

    // the stranger's page: the browser is refused before anything is read or
    // changed; to the page that is a store it cannot reach
    const other = await browser.newPage();
    await other.goto(`${stranger.url}/shop.html`);
    await other.waitForSelector('edge-checkout .banner:not([hidden])');
    assert.equal(await other.$(quantity), null, 'no checkout is shown');
    r = await w.fetch(`/ecom/v1/checkouts/${checkout.id}`, json('GET', undefined, w.a.publishableKey));
    assert.equal((await r.json()).checkout.lineItems[0].quantity, 3);
    await page.close();
    await other.close();

    // the README's preload hints as written, the package's files served from node_modules, the
    // checkout's placeholders filled in: each file and the checkout fetched once, at the HTML
    const hints = readmeBlock('#### Preload hints', 'html').replaceAll('/edge-checkout/', '/node_modules/edge-checkout/')
      .replace('https://checkout.example.com', w.url).replace('CHECKOUT_ID', checkout.id).replace('pk_…', w.a.publishableKey);
    assert.ok(!hints.includes('…') && !hints.includes('CHECKOUT_ID'), hints);
    writeFileSync(join(app, 'hinted.html'), `<!doctype html><html lang="en"><head>${hints}
      <script type="module" src="/node_modules/edge-checkout/js/element.js"></script></head>
      <body><edge-checkout checkout-id="${checkout.id}" api-base="${w.url}" publishable-key="${w.a.publishableKey}" locale="en"></edge-checkout></body></html>`);
    const hinted = await browser.newPage({ locale: 'en-US' });
    const cdp = await hinted.context().newCDPSession(hinted);
    await cdp.send('Network.enable');
    const sent = []; // every request the page's network sends, CORS preflights included
    const found = []; // the package's files the browser found in a module rather than in the HTML
    cdp.on('Network.requestWillBeSent', ({ request, initiator }) => {
      sent.push(`${request.method} ${request.url}`);
      if (request.url.includes('/edge-checkout/') && initiator.type !== 'parser') found.push(request.url.replace(/.*\/edge-checkout\//, ''));
    });
    hinted.on('pageerror', (e) => errors.push(e));
    await hinted.goto(`${shop.url}/hinted.html`);
    await hinted.waitForSelector(quantity);
    assert.equal(await hinted.textContent('[data-summary=total]'), '$64.92');
    const read = sent.filter((x) => x.includes(`/ecom/v1/checkouts/${checkout.id}`));
    assert.deepEqual(read, [`GET ${w.url}/ecom/v1/checkouts/${checkout.id}?include=pricingInput&key=${w.a.publishableKey}`],
      'one read, the preload\'s (the element started once, its locale attribute read at its start), no preflight');
    // the element's static imports all hinted (none found a round trip later); what it imports when
    // needed is not: its queue's storage, a country's regions for the form
    assert.deepEqual(found.filter((f) => !/^js\/element\/(kept|regions\/[A-Z]{2})\.js$/.test(f)), [], 'found by a module, not hinted');
    for (const file of ['element.js', 'engine.js', 'checkout_live_bg.wasm', 'en.js']) {
      assert.equal(sent.filter((x) => x.endsWith(`/${file}`)).length, 1, file);
    }
    assert.deepEqual(errors, []);
    await hinted.close();
  } finally {
    shop.close();
    stranger.close();
    await w.close();
  }
});

test("the README's server render, from the tarball in Node, on a page of another origin: priced before any script, then the element's", async () => {
  const w = await startWranglerDev();
  const app = join(dir, 'app');
  const shop = await serve(app);
  try {
    const checkout = await checkoutFor(w, shop.url);
    // the shop's server: the README's snippet as written, with its names given
    const snippet = readmeBlock('#### Priced at first paint', 'js');
    writeFileSync(join(app, 'render.mjs'), `const [API, PK, id] = process.argv.slice(2);\nlet html;\n${snippet}\nprocess.stdout.write(html);\n`);
    const element = execFileSync('node', ['render.mjs', w.url, w.a.publishableKey, checkout.id], { cwd: app, encoding: 'utf8' });
    assert.match(element, /<template shadowrootmode="open">/);
    writeFileSync(join(app, 'rendered.html'), `<!doctype html><html lang="en"><head>
      <script type="importmap">{"imports": {"edge-checkout/element": "/node_modules/edge-checkout/js/element.js"}}</script>
      <script type="module">import 'edge-checkout/element';</script></head><body>${element}</body></html>`);

    const still = await browser.newContext({ javaScriptEnabled: false });
    const bare = await still.newPage();
    await bare.goto(`${shop.url}/rendered.html`);
    assert.equal(await bare.textContent('edge-checkout [data-summary=total]'), '$21.64', 'no script: the total is there');
    await still.close();

    const page = await browser.newPage({ locale: 'en-US' });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    const asked = [];
    page.on('request', (q) => asked.push(`${q.method()} ${new URL(q.url()).pathname}`));
    await page.goto(`${shop.url}/rendered.html`);
    await page.waitForSelector('edge-checkout .ec:not([inert])');
    assert.equal(await page.textContent('edge-checkout [data-summary=total]'), '$21.64');
    assert.ok(!asked.includes(`GET /ecom/v1/checkouts/${checkout.id}`), 'the checkout is not asked for again');
    const answered = page.waitForResponse((res) => res.url().includes('/update-line-items-quantity') && res.request().method() === 'POST');
    await page.fill('edge-checkout [data-line-item-id] input[name=quantity]', '3');
    assert.equal(await page.textContent('edge-checkout [data-summary=total]'), '$64.92', 'priced in the page at once');
    assert.equal((await answered).status(), 200);
    assert.deepEqual(errors, []);
    await page.close();
  } finally {
    shop.close();
    await w.close();
  }
});
