// The storefront page in headless Chromium (Debian's), driven by playwright-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startWranglerDev } from '../support/worker.mjs';
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

test('the cart is priced live in the page by the WebAssembly engine', async () => {
  const page = await browser.newPage({ locale: 'en-US' });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(`${w.url}/`);
  await page.waitForSelector('body[data-ready=true]');
  const total = () => page.textContent('[data-summary=total]');
  assert.equal(await total(), '$0.00');

  await page.click('[data-add-item=tee-classic]');
  assert.equal(await total(), '$19.99');
  await page.fill('[data-line-item-id=tee-classic] input[name=quantity]', '3');
  assert.equal(await total(), '$59.97');
  await page.click('[data-add-item=mug]');
  assert.equal(await page.textContent('[data-summary=subtotal]'), '$72.47');

  // an impossible quantity is refused with the engine's message, the totals stay
  await page.fill('[data-line-item-id=mug] input[name=quantity]', '100001');
  assert.match(await page.textContent('[role=alert]'), /quantity is a whole number/);
  assert.equal(await total(), '$72.47');
  assert.deepEqual(errors, []);
});
