// <edge-checkout> as a shopper in any of its languages meets it, in headless
// Chromium against the worker under `wrangler dev`: words and amounts in
// en, de, fr, es, ja, ar and he (right to left for the last two), the states
// (loading, out of stock, an expired code, the store unreachable, the
// confirmation), theming (custom properties, ::part(), dark, 320 px), and
// accessibility measured by axe in each state. Takes the README's screenshots
// (into build/screenshots; into docs/ with UPDATE_SCREENSHOTS=1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startWranglerDev, json, demoStore } from '../support/worker.mjs';
import { launchOptions, openReady, until, audit as auditPage } from '../support/browser.mjs';
import { root } from '../../scripts/lib.mjs';
import { formatMoney } from '../../js/node.js';
import { LANGUAGES, messagesOf } from '../../js/element/messages.js';

let w;
let browser;
const MESSAGES = {};
before(async () => {
  for (const lang of LANGUAGES) MESSAGES[lang] = await messagesOf(lang);
  w = await startWranglerDev();
  browser = await chromium.launch(launchOptions());
  // tenant b: prices include tax; an expired code; a sold-out item
  const stock = { hoodie: 0, mug: 1000, stickers: 1000 };
  const store = {
    ...demoStore(w.url), taxIncludedInPrice: true,
    coupons: [...demoStore().coupons, { code: 'OLD10', type: 'PERCENTAGE', value: '10', expiresAt: '2020-01-01T00:00:00Z' }],
    catalog: demoStore(w.url).catalog.map((i) => (i.id in stock ? { ...i, stock: stock[i.id] } : i)),
  };
  const r = await w.fetch('/admin/v1/store', json('PUT', store, w.b.secretKey));
  assert.equal(r.status, 200, await r.text());
});
after(async () => {
  await browser?.close();
  await w?.close();
});

const item = (id, quantity = 1) => ({ quantity, catalogReference: { catalogItemId: id } });
const address = { country: 'US', subdivision: 'US-OR', city: 'Portland', postalCode: '97201', addressLine: '1 Market St' };

/** A checkout made by a storefront's backend (tenant `a` unless `tenant`). */
async function checkoutOf(lineItems, extra = {}, tenant = 'a') {
  const r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', lineItems, ...extra }, w[tenant].secretKey));
  const body = await r.json();
  assert.equal(r.status, 200, JSON.stringify(body));
  return body.checkout;
}

/** A page of its own context (axe needs one). */
async function newPage(options = {}) {
  const context = await browser.newContext({ locale: 'en-US', ...options });
  const page = await context.newPage();
  page.once('close', () => { context.close().catch(() => {}); }); // one the browser closed first is gone already
  return page;
}

/** The demo page with its element showing `checkout` (of `tenant`) in `locale`. */
async function show(checkout, { locale, tenant = 'a', page: options = {} } = {}) {
  const page = await newPage(options);
  const errors = await openReady(page, `${w.url}/`);
  await page.evaluate(([pk, id, lang]) => {
    const e = document.querySelector('edge-checkout');
    e.setAttribute('publishable-key', pk);
    if (lang) e.setAttribute('locale', lang);
    e.setAttribute('checkout-id', id);
  }, [w[tenant].publishableKey, checkout.id, locale]);
  await page.waitForSelector('edge-checkout [data-line-item-id]');
  if (locale) await page.waitForSelector(`edge-checkout .ec[lang="${locale}"]`);
  return { page, errors };
}

const text = (page, selector) => page.textContent(`edge-checkout ${selector}`);

/** No axe violation on the element, or with `whole`, the whole page. */
const audit = (page, what, { whole = false } = {}) => auditPage(page, what, whole ? {} : { include: 'edge-checkout' });

test('the whole demo page, its catalog beside a cart, without an axe violation', async () => {
  const page = await newPage();
  const errors = await openReady(page, `${w.url}/`);
  await audit(page, 'the demo page, empty', { whole: true });
  await page.click('[data-add-item=mug]');
  await page.waitForSelector('edge-checkout [data-line-item-id]');
  await audit(page, 'the demo page with a cart', { whole: true });
  // each Add button is named by what it shows, then its item
  assert.equal(await page.getAttribute('[data-add-item=mug]', 'aria-label'), 'Add to cart: Enamel mug');
  assert.deepEqual(errors, []);
  await page.close();
});

test('words and amounts in the buyer\'s language, right to left for ar and he, countries named by the browser', async () => {
  const checkout = await checkoutOf([item('hoodie')], { couponCode: 'SAVE10', checkoutInfo: {
    shippingInfo: { shippingDestination: { address }, selectedCarrierServiceOption: { code: 'pickup' } } } });
  // two languages at a time, each in a page of its own (the checkout is only read)
  const left = ['en', 'de', 'fr', 'es', 'ja', 'ar', 'he'];
  await Promise.all([0, 1].map(async () => { for (let lang = left.shift(); lang; lang = left.shift()) {
    const words = MESSAGES[lang];
    const { page, errors } = await show(checkout, { locale: lang });
    assert.equal(await text(page, '[data-action=place-order]'), words.place, lang);
    assert.equal(await text(page, 'label[for$=-email]'), words.email, lang);
    assert.equal(await page.getAttribute('edge-checkout .ec', 'dir'), ['ar', 'he'].includes(lang) ? 'rtl' : 'ltr', lang);
    // the discount as a negative amount, a free delivery as "Free", in the language's own format
    assert.equal(await text(page, '[data-summary=discount]'), formatMoney('-5.40', 'USD', lang), lang);
    assert.equal(await text(page, '[data-summary=shipping]'), words.free, lang);
    assert.equal(await text(page, '[data-summary=total]'), formatMoney(checkout.priceSummary.total.amount, 'USD', lang), lang);
    const germany = await page.evaluate((l) => new Intl.DisplayNames([l], { type: 'region' }).of('DE'), lang);
    await page.waitForSelector('edge-checkout select[name=country] option[value=ZW]', { state: 'attached' }); // the list comes after the first render
    assert.equal(await text(page, 'select[name=country] option[value=DE]'), germany, lang);
    assert.deepEqual(errors, [], lang);
    await page.close();
  } }));
});

test("without a locale attribute the element speaks the page's language; regions and postal codes follow the country", async () => {
  const checkout = await checkoutOf([item('tee-classic')]);
  const { page } = await show(checkout);
  const lang = await page.evaluate(async () => {
    const box = document.createElement('div');
    box.lang = 'ja';
    const e = document.createElement('edge-checkout');
    box.append(e);
    document.body.append(box);
    for (let i = 0; i < 100 && !e.shadowRoot?.querySelector('[data-action=place-order]'); i++) await new Promise((r) => setTimeout(r, 20));
    const said = [e.shadowRoot.querySelector('[data-action=place-order]').textContent, e.shadowRoot.querySelector('.ec').lang];
    box.remove();
    return said;
  });
  assert.deepEqual(lang, [MESSAGES.ja.place, 'ja']);
  // autocomplete tokens on every field, so browser autofill fills the form
  const tokens = await page.$$eval('edge-checkout form.panel input:not([type=radio]), edge-checkout form.panel select',
    (controls) => controls.map((c) => `${c.name}=${c.getAttribute('autocomplete')}`));
  assert.deepEqual(tokens, ['email=email', 'phone=tel', 'country=shipping country', 'firstName=shipping given-name',
    'lastName=shipping family-name', 'addressLine=shipping address-line1', 'addressLine2=shipping address-line2',
    'city=shipping address-level2', 'subdivision=shipping address-level1', 'postalCode=shipping postal-code']);
  for (const [country, regions, label] of [['CA', 13, 'Province'], ['AU', 8, 'State'], ['DE', 16, 'State'], ['JP', 47, 'Prefecture']]) {
    await page.selectOption('edge-checkout select[name=country]', country);
    await page.waitForSelector(`edge-checkout select[name=subdivision] option[value^="${country}-"]`, { state: 'attached' });
    assert.equal((await page.$$('edge-checkout select[name=subdivision] option[value]:not([value=""])')).length, regions, country);
    assert.equal(await text(page, 'label[for$=-subdivision]'), label, country);
  }
  await page.fill('edge-checkout input[name=postalCode]', '1000001');
  await page.press('edge-checkout input[name=postalCode]', 'Tab');
  assert.equal(await text(page, '[id$=postalCode-e]'), '', 'a Japanese postal code without its hyphen');
  await page.selectOption('edge-checkout select[name=country]', 'GB');
  await page.waitForSelector('edge-checkout input[name=subdivision]');
  assert.equal(await page.$('edge-checkout select[name=subdivision]'), null, 'a free text region where none is listed');
  await page.fill('edge-checkout input[name=postalCode]', '12345');
  await page.press('edge-checkout input[name=postalCode]', 'Tab');
  assert.equal(await text(page, '[id$=postalCode-e]'), 'Enter a postal code, as SW1A 1AA.');
  await page.close();
});

test('prices that include tax say so', async () => {
  const checkout = await checkoutOf([item('tee-classic')], {}, 'b');
  const { page } = await show(checkout, { tenant: 'b' });
  assert.equal(await text(page, 'dt:has(+ [data-summary=tax])'), 'Incl. tax');
  assert.equal(await text(page, '[data-summary=total]'), '$19.99');
  await page.close();
});

test('the states a shopper meets, in en, de and ar, each without an axe violation', async () => {
  mkdirSync(join(root, 'build/screenshots'), { recursive: true });
  for (const lang of ['en', 'de', 'ar']) {
    const words = MESSAGES[lang];
    // loading: a skeleton, marked busy
    const checkout = await checkoutOf([item('hoodie'), item('stickers', 3), item('mug', 2), item('ebook')], {}, 'b');
    // the stickers sell out to 1 after the buyer took 3
    let r = await w.fetch('/admin/v1/catalog/stickers/stock', json('POST', { delta: 0 }, w.b.secretKey));
    r = await w.fetch('/admin/v1/catalog/stickers/stock', json('POST', { set: 1, expected: (await r.json()).stock }, w.b.secretKey));
    assert.equal(r.status, 200, await r.text());
    const page = await newPage();
    await openReady(page, `${w.url}/`);
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route('**/ecom/v1/checkouts/*?include=pricingInput&key=*', async (route) => { await held; await route.continue(); });
    await page.evaluate(([pk, id, l]) => {
      const e = document.querySelector('edge-checkout');
      e.setAttribute('publishable-key', pk);
      e.setAttribute('locale', l);
      e.setAttribute('checkout-id', id);
    }, [w.b.publishableKey, checkout.id, lang]);
    await page.waitForSelector('edge-checkout .skeleton:not([hidden])');
    assert.equal(await page.getAttribute('edge-checkout .ec', 'aria-busy'), 'true');
    await audit(page, `${lang}, loading`);
    release();
    await page.waitForSelector('edge-checkout [data-line-item-id]');

    // out of stock, and only 1 left
    assert.equal(await text(page, '[data-line-item-id]:nth-child(1) .stock'), words.soldOut);
    assert.equal(await text(page, '[data-line-item-id]:nth-child(2) .stock'), words.only.replace('{0}', '1'));
    // an expired code, said at its field
    await page.fill('edge-checkout input[name=couponCode]', 'OLD10');
    await page.press('edge-checkout input[name=couponCode]', 'Enter');
    await until(page, '[id$=couponCode-e]', words.ERROR_COUPON_HAS_EXPIRED);
    // every missing field, said at its field
    await page.click('edge-checkout [data-action=place-order]');
    await until(page, '[role=alert]', words.fix);
    await audit(page, `${lang}, out of stock, an expired code, fields to fix`);

    // the store unreachable
    await page.route('**/ecom/v1/checkouts/**', (route) => route.abort('internetdisconnected'));
    await page.fill('edge-checkout [data-line-item-id]:nth-child(3) input', '1');
    await page.waitForSelector('edge-checkout .banner:not([hidden])');
    await audit(page, `${lang}, the store unreachable`);
    await page.unroute('**/ecom/v1/checkouts/**');
    // Retry pressed, unless the element tried again by itself first (on a loaded machine it can)
    await page.evaluate(() => document.querySelector('edge-checkout').shadowRoot.querySelector('.banner:not([hidden]) button')?.click());
    await page.waitForSelector('edge-checkout .banner[hidden]', { state: 'attached' });

    // the order placed (what is not there taken out first)
    await page.click('edge-checkout [data-line-item-id]:nth-child(1) button');
    await page.click('edge-checkout [data-line-item-id]:nth-child(1) button');
    await page.waitForFunction(() => document.querySelector('edge-checkout').shadowRoot.querySelectorAll('[data-line-item-id]').length === 2);
    await page.fill('edge-checkout input[name=email]', 'states@example.com');
    for (const [name, value] of [['firstName', 'Ada'], ['lastName', 'Lovelace'], ['addressLine', '1 Market St'], ['city', 'Portland'], ['postalCode', '97201']]) {
      await page.fill(`edge-checkout input[name=${name}]`, value);
    }
    // the locale names the first guess (de: DE, ar: EG): this buyer is in the US
    await page.selectOption('edge-checkout select[name=country]', 'US');
    await page.waitForSelector('edge-checkout select[name=subdivision] option[value=US-OR]', { state: 'attached' });
    await page.selectOption('edge-checkout select[name=subdivision]', 'US-OR');
    await page.press('edge-checkout input[name=postalCode]', 'Tab');
    await page.waitForSelector('edge-checkout input[value=standard]:not([disabled])');
    await page.check('edge-checkout input[value=standard]');
    await until(page, '[data-summary=shipping]', formatMoney('5.00', 'USD', lang));
    await page.click('edge-checkout [data-action=place-order]');
    await page.waitForSelector('edge-checkout [data-order-id]:not([data-order-id=""])');
    assert.match(await text(page, '.done'), new RegExp(words.thanks.replace(/[.!?]/g, '.')));
    await audit(page, `${lang}, the confirmation`);
    r = await w.fetch('/admin/v1/catalog/stickers/stock', json('POST', { set: 1000, expected: 1 }, w.b.secretKey));
    assert.equal(r.status, 200, await r.text());
    await page.close();
  }
});

test('themed by custom properties and ::part(), dark by the system, and whole at 320 px', async () => {
  const checkout = await checkoutOf([item('tee-classic'), item('stickers', 3)], { couponCode: 'SAVE10' });
  const light = await show(checkout, { page: { viewport: { width: 1100, height: 1000 } } });
  await light.page.waitForFunction(() => [...document.querySelector('edge-checkout').shadowRoot.querySelectorAll('img')].every((i) => i.complete && i.naturalWidth));
  await light.page.screenshot({ path: join(root, 'build/screenshots/storefront.png'), fullPage: true });
  await light.page.close();
  const { page } = await show(checkout, { page: { viewport: { width: 320, height: 900 } } });
  const wide = await page.evaluate(() => {
    const all = (root) => [...root.querySelectorAll('*')].flatMap((e) => [e, ...(e.shadowRoot ? all(e.shadowRoot) : [])]);
    return all(document).filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
      .map((e) => `${e.localName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`);
  });
  assert.deepEqual(wide, [], 'nothing wider than 320 px');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling');
  await page.addStyleTag({ content: `
    edge-checkout { --ec-color-accent: rgb(10, 90, 40); --ec-radius: 0px; --ec-font: Georgia, serif; }
    edge-checkout::part(place-order) { text-transform: uppercase; }` });
  const place = await page.$('edge-checkout [data-action=place-order]');
  const style = await place.evaluate((b) => { const s = getComputedStyle(b); return [s.backgroundColor, s.textTransform, s.borderTopLeftRadius, s.fontFamily]; });
  assert.deepEqual(style, ['rgb(10, 90, 40)', 'uppercase', '0px', 'Georgia, serif']);
  await page.close();

  const dark = await show(checkout, { locale: 'ar', page: { colorScheme: 'dark', viewport: { width: 1100, height: 1000 } } });
  const background = await dark.page.$eval('edge-checkout', (e) => getComputedStyle(e.shadowRoot.querySelector('.ec')).backgroundColor);
  assert.equal(background, 'rgb(24, 24, 27)');
  await audit(dark.page, 'ar, dark');
  await dark.page.screenshot({ path: join(root, 'build/screenshots/storefront-dark-rtl.png'), fullPage: true });
  await dark.page.close();
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    const { copyFileSync } = await import('node:fs');
    for (const f of ['storefront.png', 'storefront-dark-rtl.png']) copyFileSync(join(root, 'build/screenshots', f), join(root, 'docs', f));
  }
});
