// Takes the README's screenshot of the demo store (docs/storefront.png):
// `node scripts/screenshot.mjs` after a build.
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { root } from './lib.mjs';
import { startWranglerDev } from '../tests/support/worker.mjs';
import { launchOptions } from '../tests/support/browser.mjs';

const w = await startWranglerDev();
const browser = await chromium.launch(launchOptions());
try {
  const page = await browser.newPage({ locale: 'en-US', viewport: { width: 1100, height: 1000 } });
  await page.goto(`${w.url}/`);
  await page.waitForSelector('body[data-ready=true]');
  for (const id of ['tee-classic', 'mug']) {
    await page.click(`[data-add-item=${id}]`);
    await page.waitForSelector(`edge-checkout [data-line-item-id] >> nth=${id === 'mug' ? 1 : 0}`);
  }
  await page.fill('edge-checkout [data-line-item-id] >> nth=0 >> input[name=quantity]', '2');
  await page.fill('edge-checkout input[name=couponCode]', 'SAVE10');
  await page.press('edge-checkout input[name=couponCode]', 'Enter');
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(root, 'docs/storefront.png'), fullPage: true });
} finally {
  await browser.close();
  await w.close();
}
