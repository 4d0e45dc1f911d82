// The storefront page and <edge-checkout> in headless Chromium (Debian's),
// driven by playwright-core, against the worker under `wrangler dev`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startWranglerDev, json } from '../support/worker.mjs';
import { launchOptions } from '../support/browser.mjs';

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

async function open() {
  const page = await browser.newPage({ locale: 'en-US' });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${w.url}/`);
  await page.waitForSelector('body[data-ready=true]');
  return { page, errors };
}

const line = (name) => `edge-checkout [data-line-item-id]:has(label:text-is("${name}"))`;
const total = (page) => page.textContent('[data-summary=total]');

/** Holds requests to `pattern` until released; counts them. */
async function hold(page, pattern) {
  const held = [];
  await page.route(pattern, (route) => { held.push(route); });
  return {
    count: () => held.length,
    release: async () => {
      for (const r of held.splice(0)) await r.continue();
      await page.unroute(pattern);
    },
  };
}

test('a quantity change is priced in the page before the worker answers, and the worker agrees', async () => {
  const { page, errors } = await open();
  await page.click('[data-add-item=tee-classic]');
  await page.waitForSelector(line('Classic tee'));
  assert.equal(await total(page), '$21.64'); // 19.99 + 8.25% tax

  const gate = await hold(page, '**/update-line-items-quantity**');
  await page.fill(`${line('Classic tee')} input[name=quantity]`, '3');
  // priced by the WebAssembly engine at once, the request not answered yet
  assert.equal(await total(page), '$64.92');
  assert.equal(await page.textContent('[data-summary=subtotal]'), '$59.97');
  for (let i = 0; i < 100 && gate.count() === 0; i++) await page.waitForTimeout(20);
  assert.equal(gate.count(), 1, 'the change was sent to the worker');
  assert.equal(await total(page), '$64.92');

  const answered = page.waitForResponse('**/update-line-items-quantity**');
  await gate.release();
  await answered;
  await page.waitForTimeout(50);
  assert.equal(await total(page), '$64.92', "the worker's total is the page's");
  assert.equal(await page.isHidden('[data-reconciled]'), true);

  // an impossible quantity is refused by the engine, the totals stay
  await page.fill(`${line('Classic tee')} input[name=quantity]`, '100001');
  assert.match(await page.textContent('edge-checkout [role=alert]'), /quantity is a whole number/);
  assert.equal(await total(page), '$64.92');
  assert.deepEqual(errors, []);
  await page.close();
});

test('where the worker knows better (stock), the worker wins and the page says so', async () => {
  const { page, errors } = await open();
  await page.click('[data-add-item=mug]');
  await page.waitForSelector(line('Enamel mug'));
  const answered = page.waitForResponse('**/update-line-items-quantity**');
  await page.fill(`${line('Enamel mug')} input[name=quantity]`, '9');
  assert.equal(await page.textContent('[data-summary=subtotal]'), '$112.50', 'the page prices 9 mugs');
  await answered;
  await page.waitForSelector('[data-reconciled=worker]');
  // only 5 mugs are in stock: the worker lowered the quantity
  assert.equal(await page.inputValue(`${line('Enamel mug')} input[name=quantity]`), '5');
  assert.equal(await page.textContent('[data-summary=subtotal]'), '$62.50');
  assert.match(await page.textContent('[data-reconciled=worker]'), /\$67\.66, not \$121\.78/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('apply a coupon, give an address, choose delivery and place the order', async () => {
  const { page, errors } = await open();
  await page.click('[data-add-item=hoodie]');
  await page.waitForSelector(line('Zip hoodie'));
  await page.fill('edge-checkout input[name=couponCode]', 'SAVE10');
  await page.press('edge-checkout input[name=couponCode]', 'Enter');
  await page.waitForFunction(() => document.querySelector('[data-summary=discount]').textContent === '$5.40');

  await page.fill('edge-checkout input[name=email]', 'page@example.com');
  await page.fill('edge-checkout input[name=firstName]', 'Page');
  await page.fill('edge-checkout input[name=addressLine]', '1 Market St');
  await page.fill('edge-checkout input[name=city]', 'Portland');
  await page.fill('edge-checkout input[name=postalCode]', '97201');
  await page.fill('edge-checkout input[name=subdivision]', 'US-OR');
  await page.fill('edge-checkout input[name=country]', 'US');
  await page.click('edge-checkout .ec-address button[type=submit]');
  await page.waitForSelector('edge-checkout .ec-options:not([hidden]) input[value=standard]');
  await page.check('edge-checkout input[value=standard]');
  // Oregon: no sales tax; 54.00 - 5.40 + 5.00 shipping
  await page.waitForFunction(() => document.querySelector('[data-summary=total]').textContent === '$53.60');
  assert.equal(await page.textContent('[data-summary=tax]'), '$0.00');

  await page.click('[data-action=place-order]');
  const placed = await page.waitForSelector('[data-order-id]:not([data-order-id=""])');
  const orderId = await placed.getAttribute('data-order-id');
  const r = await w.fetch(`/ecom/v1/orders/${orderId}`, json('GET', undefined, w.a.secretKey));
  const { order } = await r.json();
  assert.equal(order.priceSummary.total.amount, '53.60', 'the order is what the page showed');
  assert.equal(order.buyerInfo.email, 'page@example.com');
  assert.deepEqual(errors, []);
  await page.close();
});

test('the checkout is usable from the keyboard, every input has a label, the totals are announced', async () => {
  const { page } = await open();
  await page.focus('[data-add-item=stickers]');
  await page.keyboard.press('Enter');
  await page.waitForSelector(line('Sticker pack'));
  const unlabeled = await page.$$eval('edge-checkout input', (inputs) =>
    inputs.filter((i) => i.type !== 'radio' && !(i.labels && i.labels.length)).map((i) => i.name));
  assert.deepEqual(unlabeled, []);
  assert.equal(await page.getAttribute('edge-checkout .ec-summary', 'aria-live'), 'polite');
  await page.focus(`${line('Sticker pack')} input[name=quantity]`);
  await page.keyboard.press('ArrowUp');
  await page.waitForFunction(() => document.querySelector('[data-summary=subtotal]').textContent === '$8.00');
  await page.close();
});
