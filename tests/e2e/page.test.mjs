// The storefront page and <edge-checkout> in headless Chromium (Debian's),
// driven by playwright-core, against the worker under `wrangler dev`: the
// flows a shopper takes, from the page's catalog or from the checkout URL the
// API hands out, by mouse and by keyboard alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startWranglerDev, json, buyer, demoStore } from '../support/worker.mjs';
import { formatMoney } from '../../js/node.js';
import { launchOptions, openRecorded, openReady, until, tabTo, focused, line, total, events, hold, waitFor, audit } from '../support/browser.mjs';

let w;
let browser;
before(async () => {
  w = await startWranglerDev();
  browser = await chromium.launch(launchOptions());
});
after(async () => {
  await browser?.close();
  await w?.close();
});

/** The demo page, with the element's events recorded in `window.events`. */
const open = (path = '/', options = {}) => openRecorded(browser, `${w.url}${path}`, options);

test('a quantity change is priced in the page before the worker answers, and the worker agrees', async () => {
  const { page, errors } = await open();
  await page.click('[data-add-item=tee-classic]');
  await page.waitForSelector(line('Classic tee'));
  assert.equal(await total(page), '$21.64'); // 19.99 + 8.25% tax
  assert.match(await page.getAttribute(`${line('Classic tee')} img`, 'src'), /\/img\/tee\.svg$/, "the catalog item's picture");

  const gate = await hold(page, '**/update-line-items-quantity**');
  await page.fill(`${line('Classic tee')} input[name=quantity]`, '3');
  // priced by the WebAssembly engine at once, the request not answered yet
  assert.equal(await total(page), '$64.92');
  assert.equal(await page.textContent('edge-checkout [data-summary=subtotal]'), '$59.97');
  await waitFor(() => gate.count() === 1, 'the change was sent to the worker');
  const local = (await events(page, 'change')).at(-1);
  assert.deepEqual([local.final, local.priceSummary.total.amount], [false, '64.92'], 'the host page heard the live total');

  const answered = page.waitForResponse('**/update-line-items-quantity**');
  await gate.release();
  await answered;
  await waitFor(async () => (await events(page, 'change')).at(-1).final, "the worker's answer");
  assert.equal(await total(page), '$64.92', "the worker's total is the page's");
  assert.equal(await page.isHidden('edge-checkout [data-reconciled]'), true);

  // an impossible quantity is refused by the engine, the totals stay
  await page.fill(`${line('Classic tee')} input[name=quantity]`, '100001');
  assert.match(await page.textContent('edge-checkout [role=alert]'), /quantity is a whole number/);
  assert.equal(await total(page), '$64.92');
  assert.equal((await events(page, 'error')).at(-1).code, 'INVALID_QUANTITY');
  assert.deepEqual(errors, []);
  await page.close();
});

test("two items added at once are both in the cart; a line whose picture does not load shows the blank in its place, the others keep theirs", async () => {
  // the mug's picture fails from the page's first request on (the catalog shows it too: once loaded, the
  // element's copy would come from the memory cache, past a route set later)
  const context = await browser.newContext({ locale: 'en-US' });
  await context.route('**/img/mug.svg', (route) => route.abort('failed'));
  const { page, errors } = await openRecorded(context, `${w.url}/`);
  // the second click while the first's checkout is being made (the demo page adds one at a time)
  const made = await hold(page, '**/ecom/v1/checkouts');
  await page.click('[data-add-item=tee-classic]');
  await waitFor(() => made.count() === 1, 'the checkout asked for');
  await page.click('[data-add-item=mug]');
  await made.release();
  await page.waitForSelector(`${line('Enamel mug')} .noimg`);
  await page.waitForSelector(line('Classic tee'));
  assert.equal(await page.$(`${line('Enamel mug')} img`), null);
  assert.match(await page.getAttribute(`${line('Classic tee')} img`, 'src'), /\/img\/tee\.svg$/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('where the worker knows better (stock), the worker wins and the page says so', async () => {
  const { page, errors } = await open();
  await page.click('[data-add-item=mug]');
  await page.waitForSelector(line('Enamel mug'));
  const answered = page.waitForResponse('**/update-line-items-quantity**');
  await page.fill(`${line('Enamel mug')} input[name=quantity]`, '9');
  assert.equal(await page.textContent('edge-checkout [data-summary=subtotal]'), '$112.50', 'the page prices 9 mugs');
  await answered;
  await page.waitForSelector('edge-checkout [data-reconciled=worker]');
  // only 5 mugs are in stock: the worker lowered the quantity, said on the line at once,
  // and written into the field once the buyer leaves it (never while they are in it)
  assert.equal(await page.textContent(`${line('Enamel mug')} .stock`), 'Only 5 left');
  assert.equal(await page.inputValue(`${line('Enamel mug')} input[name=quantity]`), '9');
  await page.press(`${line('Enamel mug')} input[name=quantity]`, 'Tab');
  assert.equal(await page.inputValue(`${line('Enamel mug')} input[name=quantity]`), '5');
  assert.equal(await page.textContent('edge-checkout [data-summary=subtotal]'), '$62.50');
  assert.match(await page.textContent('edge-checkout [data-reconciled=worker]'), /\$67\.66, not \$121\.78/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('apply a coupon, give an address, choose delivery, place the order: a confirmation, and the host hears of it', async () => {
  const { page, errors } = await open();
  await page.click('[data-add-item=hoodie]');
  await page.waitForSelector(line('Zip hoodie'));
  await page.fill('edge-checkout input[name=couponCode]', 'SAVE10');
  await page.press('edge-checkout input[name=couponCode]', 'Enter');
  await until(page, '[data-summary=discount]', '-$5.40');

  // the form says what is missing, at each field, before anything is sent
  await page.click('edge-checkout [data-action=place-order]');
  assert.equal(await page.textContent('edge-checkout [role=alert]'), 'Check the fields marked above.');
  assert.equal(await focused(page), 'email', 'the first field to fix has the focus');
  const describedBy = await page.getAttribute('edge-checkout input[name=email]', 'aria-describedby');
  assert.equal(await page.textContent(`edge-checkout [id="${describedBy}"]`), 'Fill in this field.');
  assert.equal(await page.getAttribute('edge-checkout input[name=email]', 'aria-invalid'), 'true');

  await page.fill('edge-checkout input[name=email]', 'page@example');
  await page.press('edge-checkout input[name=email]', 'Tab');
  assert.match(await page.textContent(`edge-checkout [id="${describedBy}"]`), /name@example\.com/);
  await page.fill('edge-checkout input[name=email]', 'page@example.com');
  await page.fill('edge-checkout input[name=firstName]', 'Page');
  await page.fill('edge-checkout input[name=lastName]', 'Turner');
  await page.fill('edge-checkout input[name=addressLine]', '1 Market St');
  await page.fill('edge-checkout input[name=city]', 'Portland');
  assert.equal(await page.inputValue('edge-checkout select[name=country]'), 'US', "the buyer's locale names the country");
  await page.selectOption('edge-checkout select[name=subdivision]', 'US-OR');
  await page.fill('edge-checkout input[name=postalCode]', '9720');
  await page.press('edge-checkout input[name=postalCode]', 'Tab');
  assert.equal(await page.textContent('edge-checkout [id$=postalCode-e]'), 'Enter a postal code, as 94105.');
  await page.fill('edge-checkout input[name=postalCode]', '97201');
  await page.press('edge-checkout input[name=postalCode]', 'Tab');
  // the destination is sent as it is given: the delivery options follow it
  await page.waitForSelector('edge-checkout input[value=pickup]');
  assert.equal(await page.textContent('edge-checkout label[for$=ship-pickup] .cost'), 'Free');
  await page.check('edge-checkout input[value=standard]');
  // Oregon: no sales tax; 54.00 - 5.40 + 5.00 shipping
  await until(page, '[data-summary=total]', '$53.60');
  assert.equal(await page.textContent('edge-checkout [data-summary=tax]'), '$0.00');

  await page.click('edge-checkout [data-action=place-order]');
  const placed = await page.waitForSelector('edge-checkout [data-order-id]:not([data-order-id=""])');
  const orderId = await placed.getAttribute('data-order-id');
  const r = await w.fetch(`/ecom/v1/orders/${orderId}`, json('GET', undefined, w.a.secretKey));
  const { order } = await r.json();
  assert.equal(order.priceSummary.total.amount, '53.60', 'the order is what the page showed');
  assert.equal(order.buyerInfo.email, 'page@example.com');
  const text = await placed.textContent();
  assert.match(text, new RegExp(`Order number ${order.number}`));
  assert.match(text, /To pay: \$53\.60/);
  assert.match(text, /page@example\.com/);
  assert.match(text, /Continue to payment/);
  assert.equal(await focused(page), 'H2', 'the confirmation has the focus');
  const [created] = await events(page, 'order-created');
  assert.deepEqual(created, { orderId, orderNumber: order.number, checkoutId: order.checkoutId,
    paymentGatewayOrderId: created.paymentGatewayOrderId, payNow: { amount: '53.60', currency: 'USD' } });
  assert.ok(created.paymentGatewayOrderId, 'money is due: the payment hand-off has its id');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the checkout URL the API hands out opens that checkout', async () => {
  // a storefront's backend creates the checkout and sends the shopper to its URL
  let r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', lineItems: [
    { quantity: 2, catalogReference: { catalogItemId: 'stickers' } }, { quantity: 1, catalogReference: { catalogItemId: 'ebook' } }] }, w.a.secretKey));
  const { checkout } = await r.json();
  r = await w.fetch(`/ecom/v1/checkouts/${checkout.id}/checkout-url`, json('GET', undefined, w.a.secretKey));
  const { checkoutUrl } = await r.json();
  const { page, errors } = await open(new URL(checkoutUrl).pathname + new URL(checkoutUrl).search);
  await page.waitForSelector(line('Sticker pack'));
  await page.waitForSelector(line('Field guide (e-book)'));
  assert.equal(await page.inputValue(`${line('Sticker pack')} input[name=quantity]`), '2');
  assert.equal(await total(page), checkout.priceSummary.total.formattedAmount);
  // adding from the catalog adds to that checkout
  await page.click('[data-add-item=mug]');
  await page.waitForSelector(line('Enamel mug'));
  r = await w.fetch(`/ecom/v1/checkouts/${checkout.id}`, json('GET', undefined, w.a.secretKey));
  assert.equal((await r.json()).checkout.lineItems.length, 3);
  assert.deepEqual(errors, []);
  await page.close();
});

/**
 * Opens in `page` a page of the worker's origin with the element alone (the demo page's own script waits for
 * the engine), unrendered, showing `checkout` of tenant a in `locale`.
 */
async function openBare(page, checkout, locale) {
  await page.route('**/bare', (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><html lang="en">
<script type="module" src="/edge-checkout/js/element.js"></script>
<edge-checkout publishable-key="${w.a.publishableKey}" checkout-id="${checkout.id}" locale="${locale}"></edge-checkout>` }));
  await page.goto(`${w.url}/bare`);
}

/** `checkout` in the bare page in `page`, the engine's .wasm held, once its first load is answered: `{ errors, engine }`. */
async function openEngineHeld(page, checkout, locale) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  const engine = await hold(page, '**/checkout_live_bg.wasm');
  const answered = page.waitForResponse((r) => r.url().includes(`/ecom/v1/checkouts/${checkout.id}`));
  await openBare(page, checkout, locale);
  await answered;
  return { errors, engine };
}

test("unrendered, a checkout is shown priced before the engine is in, as the worker wrote its amounts; one with a discount, or in another language, once the engine is", async () => {
  const make = async (extra) => {
    const r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', ...extra,
      lineItems: [{ quantity: 2, catalogReference: { catalogItemId: 'tee-classic' } }] }, w.a.secretKey));
    return (await r.json()).checkout;
  };
  const [plain, discounted, another] = [await make({}), await make({ couponCode: 'SAVE10' }), await make({})];
  const context = await browser.newContext();
  // the element alone, the engine held back
  const open = async (checkout, locale) => {
    const page = await context.newPage();
    return { page, ...await openEngineHeld(page, checkout, locale) };
  };
  const shown = (page) => page.$$eval('edge-checkout [data-summary]:not([hidden]), edge-checkout [data-line-total]', (nodes) => nodes.map((n) => n.textContent).filter((t) => /\d/.test(t)));

  let { page, errors, engine } = await open(plain, 'en-US');
  await until(page, '[data-summary=total]', plain.priceSummary.total.formattedAmount);
  const p = plain.priceSummary;
  assert.deepEqual(await shown(page), [plain.lineItems[0].lineItemPrice.formattedAmount, p.subtotal.formattedAmount, p.tax.formattedAmount, p.total.formattedAmount]);
  // once the engine is in (its module's own promise: the element's), an edit is priced in the page at once (the answer held)
  await engine.release();
  await page.evaluate(() => import('/edge-checkout/js/engine.js'));
  const change = await hold(page, '**/update-line-items-quantity**');
  await page.fill(`${line('Classic tee')} input[name=quantity]`, '3');
  await waitFor(async () => (await total(page)) === '$64.92', 'priced in the page');
  await waitFor(() => change.count() === 1, 'the change sent');
  await change.release();
  assert.deepEqual(errors, []);
  await page.close();

  // a discount is written negative, as the worker's texts do not say: the engine's to write
  for (const [checkout, locale, expected] of [[discounted, 'en', discounted.priceSummary.total.formattedAmount],
    [another, 'de', formatMoney(another.priceSummary.total.amount, 'USD', 'de')]]) {
    ({ page, errors, engine } = await open(checkout, locale));
    // its blocks built (its words may come after the checkout's answer), and two frames more
    await page.waitForSelector('edge-checkout .skeleton', { state: 'visible' });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.deepEqual(await shown(page), [], `${locale}: nothing priced without the engine`);
    assert.equal(await page.isVisible('edge-checkout .skeleton'), true);
    await engine.release();
    await until(page, '[data-summary=total]', expected);
    if (checkout === discounted) assert.equal(await page.textContent('edge-checkout [data-summary=discount]'), formatMoney(`-${checkout.priceSummary.discount.amount}`, 'USD', 'en'));
    assert.deepEqual(errors, []);
    await page.close();
  }
  await context.close();
});

test('unrendered, a quantity typed before the engine is in reaches the worker, and is priced in the page once the engine is', async () => {
  const r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB',
    lineItems: [{ quantity: 2, catalogReference: { catalogItemId: 'tee-classic' } }] }, w.a.secretKey));
  const { checkout } = await r.json();
  const context = await browser.newContext();
  const page = await context.newPage();
  const { errors, engine } = await openEngineHeld(page, checkout, 'en-US');
  await until(page, '[data-summary=total]', checkout.priceSummary.total.formattedAmount);
  // the buyer types while the engine is still on its way: the change goes to this checkout (its answer held)
  const change = await hold(page, `**/ecom/v1/checkouts/${checkout.id}/update-line-items-quantity**`);
  await page.fill(`${line('Classic tee')} input[name=quantity]`, '3');
  await waitFor(() => change.count() === 1, 'the change sent to its checkout');
  assert.equal(await total(page), checkout.priceSummary.total.formattedAmount, 'nothing priced it yet');
  assert.equal(engine.count(), 1, 'the engine still held');
  // the engine in: the change that waits is priced in the page
  await engine.release();
  await until(page, '[data-summary=total]', '$64.92');
  const done = page.waitForResponse((res) => res.url().includes('/update-line-items-quantity'));
  await change.release();
  await done;
  await page.waitForFunction(() => document.querySelector('edge-checkout').pending === 0);
  assert.equal(await total(page), '$64.92');
  assert.equal(await page.isHidden('edge-checkout [data-reconciled]'), true, 'the page and the worker agree');
  assert.equal((await w.stored(checkout.id)).lineItems[0].quantity, 3, "the buyer's 3 is the worker's");
  assert.deepEqual(errors, []);
  await context.close();
});

test('unrendered, a checkout whose closed tab left a change is shown at once on the next visit, while that change is sent', async () => {
  const r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB',
    lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'tee-classic' } }] }, w.a.secretKey));
  const { checkout } = await r.json();
  const context = await browser.newContext({ locale: 'en-US' });
  const first = await context.newPage();
  await openBare(first, checkout, 'en-US');
  await first.waitForSelector(line('Classic tee'));
  await context.setOffline(true);
  await first.fill(`${line('Classic tee')} input[name=quantity]`, '5');
  await first.waitForFunction(() => document.querySelector('edge-checkout').pending === 1);
  await first.close(); // the change kept in the origin's IndexedDB
  await context.setOffline(false);

  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  const replay = await hold(page, `**/ecom/v1/checkouts/${checkout.id}/update-line-items-quantity**`);
  // the page's first read of the checkout answered only once the kept change is on its way
  let load;
  const loading = new Promise((resolve) => { load = resolve; });
  let reads = 0;
  await page.route(`**/ecom/v1/checkouts/${checkout.id}?*`, async (route) => {
    if (reads++ === 0) await loading;
    await route.continue();
  });
  await openBare(page, checkout, 'en-US');
  await waitFor(() => replay.count() === 1, 'the kept change sent');
  load();
  // the store's checkout as it is, while the kept change waits for its answer (not a skeleton until then)
  await until(page, '[data-summary=total]', checkout.priceSummary.total.formattedAmount);
  const done = page.waitForResponse((res) => res.url().includes('/update-line-items-quantity'));
  await replay.release();
  await done;
  await page.waitForFunction(() => document.querySelector('edge-checkout').pending === 0);
  assert.equal(await page.inputValue(`${line('Classic tee')} input[name=quantity]`), '5');
  assert.equal((await w.stored(checkout.id)).lineItems[0].quantity, 5);
  assert.deepEqual(errors, []);
  await context.close();
});

/** Each amount, the submit button, the region and the delivery costs the element shows, with where it shows them. */
const seenWhere = (page) => page.$$eval(['[data-summary]', '[data-line-total]', '.submit', 'select[name=subdivision]', '.options .cost']
  .map((s) => `edge-checkout .ec ${s}`).join(', '),
(nodes) => nodes.map((n) => { const b = n.getBoundingClientRect(); return [n.tagName === 'SELECT' ? n.value : n.textContent, b.x, b.y, b.width, b.height].join(' '); }));

test("the worker's checkout page arrives priced: shown before any script, and the element takes it over where it is, with the same amounts, without asking again", async () => {
  let r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', lineItems: [
    { quantity: 2, catalogReference: { catalogItemId: 'tee-classic' } }, { quantity: 1, catalogReference: { catalogItemId: 'mug' } }] }, w.a.publishableKey));
  const { checkout: created } = await r.json();
  // the buyer's details and delivery: a region list, delivery options, tax
  r = await w.fetch(`/ecom/v1/checkouts/${created.id}`, json('PATCH', { checkout: buyer }, w.a.publishableKey));
  const { checkout } = await r.json();
  const path = `/checkout?key=${encodeURIComponent(w.a.publishableKey)}&checkoutId=${checkout.id}`;
  const expected = checkout.priceSummary.total.formattedAmount;

  // the HTML: the element's markup, priced
  const html = await (await w.fetch(path)).text();
  assert.match(html, /<edge-checkout id="checkout" publishable-key="[^"]+" locale="en"[^>]*><template shadowrootmode="open">/);
  const served = [...html.matchAll(/data-(summary="\w+"|line-total)>([^<]*)</g)].map((m) => `${m[1]} ${m[2]}`);
  assert.ok(served.includes(`summary="total" ${expected}`), served.join('\n'));

  // no script at all: the checkout is there, priced
  const still = await browser.newContext({ javaScriptEnabled: false });
  const bare = await still.newPage();
  await bare.goto(`${w.url}${path}`);
  assert.equal(await total(bare), expected);
  assert.equal(await bare.inputValue(`${line('Classic tee')} input[name=quantity]`), '2');
  assert.equal(await bare.inputValue('edge-checkout select[name=subdivision]'), 'US-CA');
  await still.close();

  // its scripts, the engine held back: the server's markup, inert, is what shows until the element's replaces it
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  const asked = [];
  page.on('request', (q) => asked.push(`${q.method()} ${new URL(q.url()).pathname}`));
  // what the element's shadow root holds the moment it is replaced (before that paint)
  await page.addInitScript(() => addEventListener('DOMContentLoaded', () => {
    const root = document.querySelector('edge-checkout').shadowRoot;
    window.takeovers = [];
    new MutationObserver(() => window.takeovers.push({
      inert: !!root.querySelector('.ec[inert]'),
      region: root.querySelector('select[name=subdivision]')?.value,
      total: root.querySelector('[data-summary=total]')?.textContent,
    })).observe(root, { childList: true });
  }));
  const engine = await hold(page, '**/checkout_live_bg.wasm');
  await page.goto(`${w.url}${path}`, { waitUntil: 'domcontentloaded' });
  const box = 'edge-checkout .ec';
  const seen = () => seenWhere(page);
  await waitFor(() => engine.count() > 0, 'the engine asked for');
  assert.equal(await page.getAttribute(box, 'inert'), '', "the server's markup");
  const axe = (what) => audit(page, what);
  await axe("the whole page, the server's markup");
  const before = await seen();
  await engine.release();
  await page.waitForSelector(`${box}:not([inert])`);
  assert.deepEqual(await seen(), before, 'the same amounts, in the same places');
  assert.deepEqual(await page.evaluate(() => window.takeovers), [{ inert: false, region: 'US-CA', total: expected }], 'replaced once, whole');
  const mine = await page.$$eval('edge-checkout .ec [data-summary], edge-checkout .ec [data-line-total]',
    (nodes) => nodes.map((n) => `${n.dataset.summary ? `summary="${n.dataset.summary}"` : 'line-total'} ${n.textContent}`));
  assert.deepEqual(mine, served, "the element's amounts are the server's, to the byte");
  assert.equal(asked.filter((a) => a === `GET /ecom/v1/checkouts/${checkout.id}`).length, 0, 'the checkout is not asked for again');
  // the buyer can choose another country: every one, named once the page is idle
  await waitFor(async () => (await page.$$eval('edge-checkout select[name=country] option', (o) => o.length)) > 200, 'every country listed');
  assert.equal(await page.inputValue('edge-checkout select[name=country]'), 'US', 'the checkout\'s still chosen');
  await axe("the whole page, the element's own");

  // and it is the element: a change is priced in the page and sent
  const gate = await hold(page, '**/update-line-items-quantity**');
  await page.fill(`${line('Classic tee')} input[name=quantity]`, '3');
  const local = await total(page);
  assert.notEqual(local, expected, 'priced in the page at once');
  await waitFor(() => gate.count() === 1, 'the change sent');
  const sent = page.waitForResponse('**/update-line-items-quantity**');
  await gate.release();
  const answer = await (await sent).json();
  assert.equal(answer.checkout.priceSummary.total.formattedAmount, local, "the worker's total is the page's");
  assert.deepEqual(errors, []);
  await context.close();
});

test("unrendered, a load answered after the engine came in is shown, though the answer before it had waited for the engine (a discount)", async () => {
  const r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', couponCode: 'SAVE10',
    lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'tee-classic' } }] }, w.a.secretKey));
  const { checkout } = await r.json();
  const page = await browser.newPage();
  // the first load's answer: shown once the engine is in
  const { errors, engine } = await openEngineHeld(page, checkout, 'en-US');
  // a mug added on another device; the page loads the checkout again, its request held
  assert.equal((await w.fetch(`/ecom/v1/checkouts/${checkout.id}/add-to-checkout`, json('POST', {
    lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }] }, w.a.publishableKey))).status, 200);
  const again = await hold(page, (url) => url.pathname === `/ecom/v1/checkouts/${checkout.id}`);
  await page.evaluate(() => { window.again = document.querySelector('edge-checkout').load(); });
  await waitFor(() => again.count() === 1, 'the second load asked');
  await engine.release();
  await page.waitForSelector(line('Classic tee')); // the first answer, shown now
  await again.release();
  await page.evaluate(() => window.again);
  assert.ok(await page.$(line('Enamel mug')), 'the second answer shown over the first');
  assert.deepEqual(errors, []);
  await page.close();
});

/** A long cart's lines: 60 sticker packs, each with an option of its own (more rows than a first paint makes). */
const longCart = () => Array.from({ length: 60 }, (_, i) => ({ quantity: 1, catalogReference: { catalogItemId: 'stickers', options: { n: String(i) } } }));

test('unrendered, a long cart paints its first rows and its totals first, and makes the others once the page is idle', async () => {
  const lineItems = longCart();
  const r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', lineItems }, w.a.secretKey));
  const { checkout } = await r.json();
  const context = await browser.newContext();
  // the rows there at the first frame whose total shows an amount
  await context.addInitScript(() => {
    const seen = () => {
      const root = document.querySelector('edge-checkout')?.shadowRoot;
      if (/\d/.test(root?.querySelector('[data-summary=total]')?.textContent ?? '')) window.rows = root.querySelectorAll('[data-line-item-id]').length;
      else requestAnimationFrame(seen);
    };
    requestAnimationFrame(seen);
  });
  const page = await context.newPage();
  await openBare(page, checkout, 'en');
  await page.waitForFunction(() => window.rows !== undefined);
  assert.equal(await page.evaluate(() => window.rows), 40, 'the first 40 rows with the first total');
  await page.waitForFunction(() => document.querySelector('edge-checkout').shadowRoot.querySelectorAll('[data-line-item-id]').length === 60);
  const names = await page.$$eval('edge-checkout [data-line-item-id]', (rows) => rows.map((row) => row.dataset.lineItemId));
  assert.deepEqual(names, checkout.lineItems.map((l) => l.id), 'in the checkout\'s order');
  assert.match(await page.textContent('edge-checkout [data-line-item-id]:last-child [data-line-total]'), /\d/);
  await context.close();
});

/**
 * A 60-line cart with a discount (so its first paint has the engine), on a bare page where, at the first
 * frame whose total shows an amount, the buyer sets `control` to `value` (its `event` sent) before the page
 * is idle; the change this sends is held. `held`: the held requests (every one but a read).
 */
async function longCartChanged(control, value, event) {
  const lineItems = longCart();
  const r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', couponCode: 'SAVE10', lineItems }, w.a.secretKey));
  const { checkout } = await r.json();
  const context = await browser.newContext();
  await context.addInitScript(([selector, to, type]) => {
    const seen = () => {
      const root = document.querySelector('edge-checkout')?.shadowRoot;
      if (!/\d/.test(root?.querySelector('[data-summary=total]')?.textContent ?? '')) return requestAnimationFrame(seen);
      const node = root.querySelector(selector);
      node.value = to;
      node.dispatchEvent(new Event(type, { bubbles: true, composed: true }));
      window.rows = root.querySelectorAll('[data-line-item-id]').length;
    };
    requestAnimationFrame(seen);
  }, [control, value, event]);
  const page = await context.newPage();
  const held = [];
  await page.route((url) => url.pathname.startsWith(`/ecom/v1/checkouts/${checkout.id}`),
    (route) => (route.request().method() === 'GET' ? route.continue() : held.push(route)));
  await openBare(page, checkout, 'en');
  await page.waitForFunction(() => window.rows !== undefined);
  assert.equal(await page.evaluate(() => window.rows), 40, 'changed before the other rows were made');
  await page.waitForFunction(() => document.querySelector('edge-checkout').shadowRoot.querySelectorAll('[data-line-item-id]').length === 60);
  await waitFor(() => held.length === 1, 'the change sent');
  return { checkout, context, page, held };
}

test("unrendered, a long cart's other rows, made once the page is idle, leave a row the buyer changed meanwhile as the page priced it", async () => {
  const { checkout, context, page, held } = await longCartChanged('[data-line-item-id] input[name=quantity]', '3', 'input');
  const first = checkout.lineItems[0];
  assert.equal(await page.textContent('edge-checkout [data-line-item-id] [data-line-total]'), `$${(Number(first.price.amount) * 3).toFixed(2)}`,
    "the page's price of 3, not the worker's of 1");
  assert.equal(await page.inputValue('edge-checkout [data-line-item-id] input[name=quantity]'), '3');
  await held[0].continue();
  await context.close();
});

test("unrendered, a long cart's other rows, made once the page is idle after the buyer chose another currency, are in that currency", async () => {
  const { context, page, held } = await longCartChanged('select[name=currency]', 'EUR', 'change');
  const totals = await page.$$eval('edge-checkout [data-line-item-id] [data-line-total]', (nodes) => nodes.map((n) => n.textContent));
  assert.deepEqual(totals.filter((t) => !t.startsWith('€')), [], 'every line in euros');
  await held[0].continue();
  await context.close();
});

test('a long cart: a line far below is laid out only as it nears the view (not in the served markup), and its focus ring stays inside it', async () => {
  const lineItems = longCart();
  const r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', lineItems }, w.a.publishableKey));
  const { checkout } = await r.json();
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  const engine = await hold(page, '**/checkout_live_bg.wasm');
  await page.goto(`${w.url}/checkout?key=${encodeURIComponent(w.a.publishableKey)}&checkoutId=${checkout.id}`, { waitUntil: 'domcontentloaded' });
  await waitFor(() => engine.count() > 0, 'the engine asked for');
  /** Whether each of the first and last lines is laid out (its content not skipped for being off screen). */
  const laidOut = () => page.$$eval('edge-checkout .ec [data-line-item-id]',
    (lines) => [lines[0], lines.at(-1)].map((l) => l.querySelector('.name').checkVisibility({ contentVisibilityAuto: true })));
  assert.equal(await page.getAttribute('edge-checkout .ec', 'inert'), '', "the server's markup");
  assert.deepEqual(await laidOut(), [true, true], "the server's markup lays out every line");
  await engine.release();
  await page.waitForSelector('edge-checkout .ec:not([inert])');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.deepEqual(await laidOut(), [true, false], 'the last line, far below, is not laid out');
  const last = 'edge-checkout .ec [data-line-item-id]:last-child';
  assert.match(await page.textContent(`${last} [data-line-total]`), /\d/, 'but it is there, priced');
  // the keyboard reaches it: focused, it is laid out, and its ring (3px, 2px off) is painted past the line's edge, which clips
  await page.focus(`${last} .rm`);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  assert.deepEqual(await laidOut(), [false, true], 'the focused line is laid out (and the first, now far above, is not)');
  const [button, row] = await page.$eval(last, (li) => [li.querySelector('.rm'), li].map((n) => n.getBoundingClientRect().toJSON()));
  assert.ok(button.right >= row.right - 1, 'the remove button ends at the line\'s edge');
  // the strip just past the line's edge beside the button: the ring shows there when focused (the keyboard's focus is visible)
  const strip = { x: row.right, y: button.top - 4, width: 4, height: button.height + 8 };
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  const ringed = await page.screenshot({ clip: strip });
  await page.evaluate(() => document.querySelector('edge-checkout').shadowRoot.activeElement?.blur());
  assert.notDeepEqual(await page.screenshot({ clip: strip }), ringed, 'the focus ring shows past the line\'s edge');
  await context.close();
});

test("a checkout in the buyer's currency arrives priced in it, its delivery costs converted by the core, and the element takes it over with the same amounts", async () => {
  let r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', lineItems: [
    { quantity: 2, catalogReference: { catalogItemId: 'tee-classic' } }] }, w.a.publishableKey));
  const { checkout: created } = await r.json();
  r = await w.fetch(`/ecom/v1/checkouts/${created.id}`, json('PATCH', { checkout: { ...buyer, conversionCurrency: 'EUR' } }, w.a.publishableKey));
  const { checkout } = await r.json();
  assert.equal(checkout.conversionCurrency, 'EUR');
  const path = `/checkout?key=${encodeURIComponent(w.a.publishableKey)}&checkoutId=${checkout.id}`;
  const html = await (await w.fetch(path)).text();
  const at = (attribute) => html.match(new RegExp(`${attribute}>([^<]*)<`))?.[1];
  assert.equal(at('data-summary="total"'), checkout.priceSummary.total.formattedConvertedAmount);
  assert.equal(at('data-charged'), `You will be charged ${checkout.priceSummary.total.formattedAmount}.`);
  const costs = [...html.matchAll(/class="cost">([^<]*)</g)].map((m) => m[1]);
  assert.ok(costs.some((c) => c.startsWith('€')) && !costs.some((c) => c.includes('$')), costs.join(' '));

  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  const engine = await hold(page, '**/checkout_live_bg.wasm');
  await page.goto(`${w.url}${path}`, { waitUntil: 'domcontentloaded' });
  await waitFor(() => engine.count() > 0, 'the engine asked for');
  const before = await seenWhere(page);
  assert.ok(before.some((s) => s.startsWith(`${checkout.priceSummary.total.formattedConvertedAmount} `)), before.join('\n'));
  await engine.release();
  await page.waitForSelector('edge-checkout .ec:not([inert])');
  assert.deepEqual(await seenWhere(page), before, "the element's amounts are the server's, in the same places: the engine converts as the worker did");
  assert.deepEqual(errors, []);
  await page.close();
});

test("the checkout page with a key or checkout the store does not know: the element, unrendered, says so", async () => {
  const html = await (await w.fetch('/checkout?key=pk_test_nobody&checkoutId=nothing')).text();
  assert.doesNotMatch(html, /shadowrootmode/);
  const page = await browser.newPage();
  await page.goto(`${w.url}/checkout?key=${encodeURIComponent(w.a.publishableKey)}&checkoutId=00000000-0000-4000-8000-000000000000`);
  await page.waitForFunction(() => document.querySelector('edge-checkout')?.shadowRoot?.querySelector('[role=alert]')?.textContent);
  await page.close();
});

test("the demo page's first load: the checkout priced in its HTML, never asked for by the page; its files asked side by side, each once", async () => {
  const r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', lineItems: [
    { quantity: 1, catalogReference: { catalogItemId: 'mug' } }] }, w.a.secretKey));
  const { checkout } = await r.json();
  const html = await (await w.fetch(`/?checkoutId=${checkout.id}`)).text();
  assert.match(html, /<template shadowrootmode="open">/);
  assert.ok(html.includes(`data-summary="total">${checkout.priceSummary.total.formattedAmount}<`), 'priced in the HTML');
  assert.doesNotMatch(await (await w.fetch('/')).text(), /shadowrootmode/, 'no checkout named: the page as it is');
  const context = await browser.newContext();
  const page = await context.newPage();
  const asked = [];
  const refused = [];
  page.on('request', (q) => asked.push(`${q.method()} ${new URL(q.url()).pathname}`));
  page.on('response', (a) => { if (a.status() >= 400) refused.push(`${a.status()} ${new URL(a.url()).pathname}`); });
  // what the browser asks for itself (/favicon.ico) is not the page's request: a refusal is said in the console
  page.on('console', (m) => { if (m.type() === 'error') refused.push(m.text()); });
  await page.goto(`${w.url}/?checkoutId=${checkout.id}`);
  await page.waitForSelector(`edge-checkout .ec:not([inert]) ${line('Enamel mug').replace('edge-checkout ', '')}`);
  await page.waitForLoadState('networkidle');
  assert.deepEqual(refused, []);
  const count = (path) => asked.filter((x) => x.endsWith(` ${path}`)).length;
  assert.equal(count(`/ecom/v1/checkouts/${checkout.id}`), 0, asked.join('\n'));
  // what the HTML preloads is what the page uses: asked once, not again after its script
  for (const path of ['/demo-config.json', '/edge-checkout/pkg/checkout_live_bg.wasm', '/edge-checkout/js/element.js']) {
    assert.equal(count(path), 1, `${path}: ${asked.join('\n')}`);
  }
  // the element's engine only: the package's whole module (price() and its compact format) is not the page's
  assert.equal(count('/edge-checkout/pkg/checkout_wasm_bg.wasm'), 0, asked.join('\n'));
  await context.close();
});

test('an item added from the catalog before the element has taken over the priced page is shown once it has', async () => {
  const r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', lineItems: [
    { quantity: 1, catalogReference: { catalogItemId: 'mug' } }] }, w.a.secretKey));
  const { checkout } = await r.json();
  const context = await browser.newContext();
  const page = await context.newPage();
  const words = await hold(page, '**/element/i18n/en.js'); // the element waits for its words, the page's script does not
  const errors = await openReady(page, `${w.url}/?checkoutId=${checkout.id}`);
  assert.equal(await page.getAttribute('edge-checkout .ec', 'inert'), '', "the server's markup");
  const added = page.waitForResponse('**/add-to-checkout');
  await page.click('[data-add-item=tee-classic]');
  await added;
  await words.release();
  await page.waitForSelector(line('Classic tee'));
  await page.waitForSelector(`edge-checkout .ec:not([inert]) ${line('Enamel mug').replace('edge-checkout ', '')}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the checkout URL of a paid checkout, opened again, says it is paid: no cart, no form, no "Place order"', async () => {
  let r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', checkoutInfo: buyer,
    lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'stickers' } }] }, w.a.secretKey));
  const { checkout } = await r.json();
  r = await w.fetch(`/ecom/v1/checkouts/${checkout.id}/create-order`, json('POST', {}, w.a.secretKey));
  const { orderId } = await r.json();
  r = await w.fetch(`/ecom/v1/orders/${orderId}/mark-as-paid`, json('POST', {}, w.a.secretKey));
  assert.equal(r.status, 200);
  // said in the page's HTML already
  const html = await (await w.fetch(`/?checkoutId=${checkout.id}`)).text();
  assert.match(html, /<section class="done" part="confirmation" data-order-id="[^"]+"><h2 tabindex="-1">This order is placed and paid already\.<\/h2>/);
  const { page, errors } = await open(`/?checkoutId=${checkout.id}`);
  await page.waitForSelector('edge-checkout .ec:not([inert])');
  await until(page, '[part=confirmation] h2', 'This order is placed and paid already.');
  assert.equal(await page.isHidden('edge-checkout [data-action=place-order]'), true);
  assert.equal(await page.isHidden('edge-checkout [part=cart]'), true);
  // its confirmation: the number, the amount paid, where the confirmation went; nothing to hand off
  const order = (await (await w.fetch(`/ecom/v1/orders/${orderId}`, json('GET', undefined, w.a.secretKey))).json()).order;
  const shown = await page.$$eval('edge-checkout [part=confirmation] > *', (nodes) => nodes.map((n) => n.textContent));
  assert.deepEqual(shown, ['This order is placed and paid already.', `Order number ${order.number}`,
    `Paid: ${order.payNow.total.formattedAmount}`, 'A confirmation goes to ada@example.com.']);
  assert.doesNotMatch(await page.textContent('edge-checkout [part=confirmation]'), /null/, 'nothing but what it says');
  assert.deepEqual(await events(page, 'order-created'), []);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a checkout whose order awaits payment opens as its confirmation with the payment hand-off, on every reload, never as a cart', async () => {
  let r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', checkoutInfo: buyer,
    lineItems: [{ quantity: 2, catalogReference: { catalogItemId: 'stickers' } }] }, w.a.publishableKey));
  const { checkout } = await r.json();
  r = await w.fetch(`/ecom/v1/checkouts/${checkout.id}/create-order`, json('POST', {}, w.a.publishableKey));
  const placed = await r.json();
  assert.ok(placed.paymentGatewayOrderId, 'money is due');
  for (let visit = 0; visit < 2; visit++) {
    const { page, errors } = await open(`/?checkoutId=${checkout.id}`);
    await until(page, '[part=confirmation] h2', 'This order is placed already and awaits payment.');
    assert.equal(await page.isHidden('edge-checkout [data-action=place-order]'), true);
    assert.equal(await page.isHidden('edge-checkout [part=cart]'), true);
    const shown = await page.textContent('edge-checkout [part=confirmation]');
    assert.match(shown, new RegExp(`Order number ${placed.orderNumber}`));
    assert.match(shown, /To pay: /);
    assert.match(shown, /Continue to payment/);
    // the host page's payment step gets the order again, once per visit
    await waitFor(async () => (await events(page, 'order-created')).length === 1, 'the hand-off');
    const [handOff] = await events(page, 'order-created');
    assert.deepEqual(handOff, { orderId: placed.orderId, orderNumber: placed.orderNumber, checkoutId: checkout.id,
      paymentGatewayOrderId: placed.paymentGatewayOrderId, payNow: { amount: checkout.payNow.total.amount, currency: 'USD' }, resumed: true });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test("a store's fees: in the summary's fees row, priced in the page as the worker prices them", async () => {
  const store = { ...demoStore(w.url), additionalFees: [{ code: 'handling', name: 'Handling', price: '2.00' },
    { code: 'packing', name: 'Packing', price: '1.25', taxGroupId: 'apparel' }] };
  let r = await w.fetch('/admin/v1/store', json('PUT', store, w.b.secretKey));
  assert.equal(r.status, 200, await r.text());
  r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB',
    lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'tee-classic' } }] }, w.b.secretKey));
  const { checkout } = await r.json();
  assert.deepEqual(checkout.additionalFees.map((f) => [f.name, f.price.amount]), [['Handling', '2.00'], ['Packing', '1.25']]);
  const { page, errors } = await open();
  await page.evaluate(([pk, id]) => {
    const e = document.querySelector('edge-checkout');
    e.setAttribute('publishable-key', pk);
    e.setAttribute('checkout-id', id);
  }, [w.b.publishableKey, checkout.id]);
  await page.waitForSelector(line('Classic tee'));
  assert.equal(await page.textContent('edge-checkout [data-summary=additionalFees]'), '$3.25');
  assert.equal(await total(page), checkout.priceSummary.total.formattedAmount);
  // a quantity change: the fees stay, priced in the page, and the worker agrees to the cent
  const gate = await hold(page, '**/update-line-items-quantity**');
  await page.fill(`${line('Classic tee')} input[name=quantity]`, '3');
  const mine = await total(page);
  await waitFor(() => gate.count() === 1, 'the change was sent');
  await gate.release();
  await waitFor(async () => (await events(page, 'change')).at(-1).final, "the worker's answer");
  r = await w.fetch(`/ecom/v1/checkouts/${checkout.id}`, json('GET', undefined, w.b.secretKey));
  const after = (await r.json()).checkout;
  assert.equal(mine, after.priceSummary.total.formattedAmount);
  assert.equal(await total(page), mine);
  assert.equal(await page.isHidden('edge-checkout [data-reconciled=worker]'), true);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the whole checkout with the keyboard alone', async () => {
  const { page, errors } = await open();
  await tabTo(page, 'stickers');
  await page.keyboard.press('Enter');
  await page.waitForSelector(line('Sticker pack'));
  await tabTo(page, 'quantity');
  await page.keyboard.press('ArrowUp');
  await until(page, '[data-summary=subtotal]', '$8.00');
  await tabTo(page, 'email');
  await page.keyboard.type('keys@example.com');
  for (const [name, text] of [['firstName', 'Kay'], ['lastName', 'Board'], ['addressLine', '2 Key St'], ['city', 'Austin']]) {
    await tabTo(page, name);
    await page.keyboard.type(text);
  }
  await tabTo(page, 'subdivision');
  await page.keyboard.type('Texas');
  await tabTo(page, 'postalCode');
  await page.keyboard.type('73301');
  await page.keyboard.press('Tab');
  // the destination went to the worker: its options came back, where Tab goes next
  await page.waitForSelector('edge-checkout input[value=express]');
  await tabTo(page, 'delivery');
  await page.keyboard.press('Space');
  await until(page, '[data-summary=shipping]', '$5.00');
  await tabTo(page, 'place-order');
  await page.keyboard.press('Enter');
  const placed = await page.waitForSelector('edge-checkout [data-order-id]:not([data-order-id=""])');
  const r = await w.fetch(`/ecom/v1/orders/${await placed.getAttribute('data-order-id')}`, json('GET', undefined, w.a.secretKey));
  const { order } = await r.json();
  assert.equal(order.shippingInfo.logistics.shippingDestination.address.subdivision, 'US-TX');
  assert.equal(order.lineItems[0].quantity, 2);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the buyer's currency: priced in the page at once, then by the worker, charged in the store's", async () => {
  const { page, errors } = await open();
  await page.click('[data-add-item=tee-classic]');
  await page.waitForSelector(line('Classic tee'));
  const gate = await hold(page, (url) => url.pathname.startsWith('/ecom/v1/checkouts/') && !url.pathname.endsWith('/add-to-checkout'));
  await page.selectOption('edge-checkout select[name=currency]', 'EUR');
  // 21.64 at 0.92, by the engine, before the worker answers
  assert.equal(await total(page), '€19.91');
  assert.equal(await page.textContent(`${line('Classic tee')} [data-line-total]`), '€18.39');
  assert.match(await page.textContent('edge-checkout [data-charged]'), /charged \$21\.64/);
  await waitFor(() => gate.count() === 1, 'the switch was sent');
  // the options, named by now, are the ones the answer leaves (they were made again, as codes, on every answer)
  const euro = 'edge-checkout select[name=currency] option[value=EUR]';
  await waitFor(async () => (await page.textContent(euro)) === 'EUR · Euro', 'the currencies named');
  await page.$eval(euro, (o) => { o.dataset.seen = ''; });
  await gate.release();
  await waitFor(async () => (await events(page, 'change')).at(-1).final, "the worker's answer");
  assert.equal(await total(page), '€19.91', 'the worker converts the same');
  assert.equal(await page.getAttribute(euro, 'data-seen'), '', 'the same option, kept');
  assert.equal(await page.inputValue('edge-checkout select[name=currency]'), 'EUR');
  const r = await w.fetch(`/ecom/v1/checkouts/${(await events(page, 'change')).at(-1).checkoutId}`, json('GET', undefined, w.a.publishableKey));
  assert.equal((await r.json()).checkout.conversionCurrency, 'EUR');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the worker unreachable: the engine keeps pricing, the page offers a retry, and the change arrives', async () => {
  const { page, errors } = await open();
  await page.click('[data-add-item=tee-classic]');
  await page.waitForSelector(line('Classic tee'));
  const id = (await events(page, 'change')).at(-1).checkoutId;
  await page.route('**/ecom/v1/checkouts/**', (route) => route.abort('internetdisconnected'));
  await page.fill(`${line('Classic tee')} input[name=quantity]`, '2');
  assert.equal(await total(page), '$43.28');
  await page.waitForSelector('edge-checkout .banner:not([hidden])');
  assert.match(await page.textContent('edge-checkout .banner'), /cannot be reached/);
  assert.equal((await events(page, 'error')).at(-1).code, 'NETWORK');
  await page.fill(`${line('Classic tee')} input[name=quantity]`, '4');
  assert.equal(await total(page), '$86.56', 'still priced in the page');
  await page.unroute('**/ecom/v1/checkouts/**');
  await page.click('edge-checkout .banner button');
  await page.waitForSelector('edge-checkout .banner[hidden]', { state: 'attached' });
  await waitFor(async () => {
    const r = await w.fetch(`/ecom/v1/checkouts/${id}`, json('GET', undefined, w.a.publishableKey));
    return (await r.json()).checkout.lineItems[0].quantity === 4;
  }, 'the last quantity reached the worker');
  assert.equal(await total(page), '$86.56');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a store that refuses: every control\'s refused change is said on the page, and the page shows the store\'s checkout again', async () => {
  const { page, errors } = await open();
  await page.click('[data-add-item=tee-classic]');
  await page.waitForSelector(line('Classic tee'));
  await page.click('[data-add-item=mug]');
  await page.waitForSelector(line('Enamel mug'));
  await page.fill('edge-checkout input[name=email]', 'no@example.com');
  await page.fill('edge-checkout input[name=firstName]', 'No');
  await page.fill('edge-checkout input[name=lastName]', 'Body');
  await page.fill('edge-checkout input[name=addressLine]', '1 Market St');
  await page.fill('edge-checkout input[name=city]', 'Portland');
  await page.selectOption('edge-checkout select[name=subdivision]', 'US-OR');
  await page.fill('edge-checkout input[name=postalCode]', '97201');
  await page.press('edge-checkout input[name=postalCode]', 'Tab');
  await page.waitForSelector('edge-checkout input[value=standard]');
  await page.check('edge-checkout input[value=standard]');
  await until(page, '[data-summary=shipping]', '$5.00');
  const before = await total(page);

  // from here the store refuses every change, as a store's rules refuse one: a 4xx with its code
  const message = 'This store takes no changes today.';
  const refused = [];
  await page.route('**/ecom/v1/checkouts**', (route) => {
    const request = route.request();
    if (request.method() === 'GET') return route.continue();
    refused.push(`${request.method()} ${new URL(request.url()).pathname.replace(/^\/ecom\/v1\/checkouts\/[^/]+/, '')}`);
    return route.fulfill({ status: 409, contentType: 'application/json',
      body: JSON.stringify({ message, details: { applicationError: { code: 'CHANGE_REFUSED', description: message } } }) });
  });
  /** Does `act`, then waits for the refusal to be said in the alert (or at `field`) and the checkout to be the store's again. */
  const refusedSaid = async (what, act, field) => {
    const said = (await events(page, 'error')).length;
    const sent = refused.length;
    // the page asks for the store's checkout again after a refusal (not after a refused code: it stays at its field)
    const reloaded = field ? null : page.waitForResponse((r) => r.request().method() === 'GET'
      && /\/ecom\/v1\/checkouts\/[^/?]+\?/.test(r.url()));
    await act();
    await waitFor(() => refused.length > sent, `${what}: sent to the store`);
    if (field) {
      await page.waitForFunction(([f, m]) => {
        const input = document.querySelector('edge-checkout').shadowRoot.querySelector(`[name=${f}]`);
        return input.getAttribute('aria-invalid') === 'true'
          && input.getRootNode().getElementById(input.getAttribute('aria-describedby'))?.textContent === m;
      }, [field, message]);
    } else {
      await waitFor(async () => (await events(page, 'error')).slice(said).some((e) => e.code === 'CHANGE_REFUSED'), `${what}: said`);
      assert.equal(await page.textContent('edge-checkout [role=alert]'), message, what);
    }
    await waitFor(async () => (await total(page)) === before, `${what}: the store's total again`);
    // and said still, once the store's checkout is back (until the buyer's next change)
    if (reloaded) {
      await reloaded;
      await page.waitForFunction(() => !document.querySelector('edge-checkout').shadowRoot.querySelector('[aria-busy]'));
      assert.equal(await page.textContent('edge-checkout [role=alert]'), message, `${what}, after the reload`);
    }
  };

  await refusedSaid('a quantity', () => page.fill(`${line('Classic tee')} input[name=quantity]`, '3'));
  await page.press(`${line('Classic tee')} input[name=quantity]`, 'Tab');
  assert.equal(await page.inputValue(`${line('Classic tee')} input[name=quantity]`), '1', 'the store\'s quantity, once the buyer left the field');
  await refusedSaid('a removal', () => page.click(`${line('Enamel mug')} button.rm`));
  await page.waitForSelector(line('Enamel mug'));
  await refusedSaid('a discount code', async () => {
    await page.fill('edge-checkout input[name=couponCode]', 'SAVE10');
    await page.press('edge-checkout input[name=couponCode]', 'Enter');
  }, 'couponCode');
  await refusedSaid('a currency', () => page.selectOption('edge-checkout select[name=currency]', 'EUR'));
  await refusedSaid('an address', async () => {
    await page.fill('edge-checkout input[name=city]', 'Salem');
    await page.press('edge-checkout input[name=city]', 'Tab');
  });
  await refusedSaid('a delivery option', () => page.check('edge-checkout input[value=pickup]'));
  await refusedSaid('the order', () => page.click('edge-checkout [data-action=place-order]'));
  assert.ok(refused.some((r) => r === 'POST /create-order'), `the order was asked for: ${refused.join(', ')}`);
  assert.equal(await page.isHidden('edge-checkout [data-order-id]'), true, 'no confirmation');
  assert.equal(await page.isEnabled('edge-checkout [data-action=place-order]'), true, 'the buyer can try again');
  assert.deepEqual(errors, []);
  await page.close();
});
