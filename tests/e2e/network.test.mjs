// <edge-checkout> on a network that is slow, answers late, drops and comes
// back, in headless Chromium against the worker under `wrangler dev`:
// answers delayed or cut with route interception (the worker has done the
// change; only its answer is late or lost) while the buyer keeps typing, and
// Playwright's offline emulation for a network that is gone. No part of the
// element is stubbed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startWranglerDev, json, buyer } from '../support/worker.mjs';
import { launchOptions, openRecorded, line, total, events, waitFor, audit } from '../support/browser.mjs';
// the element's pause before it sends a change, how long an answer may take to begin, its first wait after a failure
import { SYNC_DELAY_MS, ANSWER_MS, BACKOFF_MS } from '../../js/element/client.js';

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

const open = (path = '/', options = {}) => openRecorded(browser, `${w.url}${path}`, options);

/**
 * Lets the first `count` requests to `pattern` reach the worker at once and
 * holds each one's answer until `release(i)`; later requests pass.
 * `sent(i)`: the worker has answered the i-th (0: the first).
 */
async function lateAnswers(page, pattern, count = 1) {
  const held = Array.from({ length: count }, () => {
    const h = {};
    h.sent = new Promise((r) => { h.arrived = r; });
    h.gate = new Promise((r) => { h.open = r; });
    return h;
  });
  let n = 0;
  await page.route(pattern, async (route) => {
    const h = held[n++];
    if (!h) return route.continue();
    const response = await route.fetch();
    h.arrived();
    await h.gate;
    await route.fulfill({ response });
  });
  return { sent: (i = 0) => held[i].sent, release: (i = 0) => held[i].open() };
}

/** The demo page with `item` (shown as `name`) added from its catalog: the checkout's id and the line's quantity field. */
async function added(item, name) {
  const { page, errors } = await open();
  await page.click(`[data-add-item=${item}]`);
  await page.waitForSelector(line(name));
  const id = (await events(page, 'change')).at(-1).checkoutId;
  return { page, errors, id, qty: page.locator(`${line(name)} input[name=quantity]`) };
}

test('a late answer never writes into the field the buyer is typing in: 3, then 4 selected over it, is 4 (not 34)', async () => {
  const { page, errors, id, qty } = await added('tee-classic', 'Classic tee');

  const late = await lateAnswers(page, '**/update-line-items-quantity**');
  await qty.fill('3');
  await qty.press('Tab'); // the buyer leaves the field; "3" is sent
  await late.sent();
  assert.equal((await w.stored(id)).lineItems[0].quantity, 3, 'the worker has the 3; its answer is on its way');

  // the buyer comes back and selects the 3 to type over it; the answer lands meanwhile
  await qty.selectText();
  const finals = (await events(page, 'change')).filter((e) => e.final).length;
  late.release();
  await waitFor(async () => (await events(page, 'change')).filter((e) => e.final).length > finals, 'the answer to "3" was shown');
  await page.keyboard.type('4');
  assert.equal(await qty.inputValue(), '4', 'the typed 4 replaced the selected 3');
  await waitFor(async () => (await w.stored(id)).lineItems[0].quantity === 4, 'the worker has the 4');
  await waitFor(async () => (await events(page, 'change')).at(-1).final, "the answer to the 4");
  assert.equal(await qty.inputValue(), '4');
  assert.equal((await w.stored(id)).lineItems[0].quantity, 4, 'and nothing else was sent after it');
  assert.deepEqual(errors, []);
  await page.close();
});

test("a late answer is not written into a field edited after its change was sent, even once the buyer has left it", async () => {
  const { page, errors, id, qty } = await added('mug', 'Enamel mug');
  const late = await lateAnswers(page, '**/update-line-items-quantity**');
  await qty.fill('2');
  await late.sent();
  // the buyer types 3, leaves the field, and only then the answer to "2" comes
  await qty.fill('3');
  await qty.press('Tab');
  late.release();
  await waitFor(async () => (await w.stored(id)).lineItems[0].quantity === 3, 'the worker has the 3');
  await waitFor(async () => (await events(page, 'change')).at(-1).final, 'the last answer');
  assert.equal(await qty.inputValue(), '3');
  assert.deepEqual(errors, []);
  await page.close();
});

/** The id of a checkout of `lineItems` (`[item, quantity]`) and `checkoutInfo`, made by a storefront's backend. */
async function made(lineItems, checkoutInfo) {
  const r = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', checkoutInfo, lineItems: lineItems.map(([item, quantity]) => ({
    quantity, catalogReference: { catalogItemId: item } })) }, w.a.secretKey));
  return (await r.json()).checkout.id;
}

/**
 * A checkout of `lineItems` (and `checkoutInfo`) made by a storefront's backend (or the checkout
 * `id`), opened by its URL (`?checkoutId=`) in a new page of `context`
 * (else of a context of its own, closed with the page).
 */
async function visit(lineItems, { id, context, checkoutInfo } = {}) {
  const checkoutId = id ?? await made(lineItems, checkoutInfo);
  const { page, errors } = context
    ? await openRecorded(context, `${w.url}/?checkoutId=${checkoutId}`)
    : await open(`/?checkoutId=${checkoutId}`);
  await page.waitForSelector('edge-checkout [data-line-item-id]');
  return { page, errors, id: checkoutId };
}
const quantityOf = (page, name) => page.locator(`${line(name)} input[name=quantity]`);
/** The requests that change the checkout, as the page sends them: `METHOD suffix body`. */
function changesSent(page) {
  const sent = [];
  page.on('request', (r) => {
    if (r.method() === 'GET' || !r.url().includes('/ecom/v1/checkouts/')) return;
    const suffix = new URL(r.url()).pathname.replace(/^\/ecom\/v1\/checkouts\/[^/]+/, '');
    sent.push(`${r.method()} ${suffix} ${r.postData()}`);
  });
  return sent;
}
const waitingText = (page) => page.textContent('edge-checkout [part=pending]');

test('a late answer leaves the buyer where they are: on a delivery option (Space then chooses it), on the code\'s remove button (Enter then removes it)', async () => {
  const { page, errors, id, qty } = await added('tee-classic', 'Classic tee');
  // the buyer's address and a code are in (as if given on another visit): delivery options are offered, the code can be removed
  await w.fetch(`/ecom/v1/checkouts/${id}`, json('PATCH', { checkout: buyer, couponCode: 'SAVE10' }, w.a.publishableKey));
  await page.reload();
  const express = 'edge-checkout input[name=delivery][value=express]';
  const removeCode = 'edge-checkout .applied button';
  await page.waitForSelector(express);
  await page.waitForSelector(removeCode);
  const onIt = () => page.evaluate(() => document.querySelector('edge-checkout').shadowRoot.activeElement?.outerHTML.slice(0, 60));
  /** Focuses `selector` while the answer to a quantity change is held, then lets the answer land. */
  const landsWhileOn = async (selector, quantity) => {
    const late = await lateAnswers(page, '**/update-line-items-quantity**');
    await qty.fill(String(quantity));
    await qty.press('Tab');
    await late.sent();
    await page.focus(selector);
    const before = await onIt();
    const finals = (await events(page, 'change')).filter((e) => e.final).length;
    late.release();
    await waitFor(async () => (await events(page, 'change')).filter((e) => e.final).length > finals, `the answer to "${quantity}" was shown`);
    assert.equal(await onIt(), before, `still on ${selector}`);
    await page.unrouteAll();
  };
  await landsWhileOn(express, 2);
  await page.keyboard.press('Space');
  await waitFor(async () => (await w.stored(id)).shippingInfo?.selectedCarrierServiceOption?.code === 'express', 'express chosen');
  await landsWhileOn(removeCode, 3);
  await page.keyboard.press('Enter');
  await waitFor(async () => !(await w.stored(id)).appliedDiscounts?.some((d) => d.coupon), 'the code removed');
  assert.deepEqual(errors, []);
  await page.close();
});

test('two loads of the checkout answered out of order: the newer answer is shown, whichever comes first', { timeout: 60_000 }, async () => {
  for (const newerFirst of [true, false]) {
    const { page, errors, id } = await added('tee-classic', 'Classic tee');
    const late = await lateAnswers(page, (url) => url.pathname === `/ecom/v1/checkouts/${id}`, 2);
    const load = (name) => page.evaluate((n) => { window[n] = document.querySelector('edge-checkout').load(); }, name);
    await load('older');
    await late.sent(0);
    // the buyer's phone adds a mug to the same checkout; the page loads it again
    const r = await w.fetch(`/ecom/v1/checkouts/${id}/add-to-checkout`, json('POST', {
      lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }] }, w.a.publishableKey));
    assert.equal(r.status, 200);
    await load('newer');
    await late.sent(1);
    // each answer is let in once the element is done with the one before (load() resolves then)
    for (const [i, name] of newerFirst ? [[1, 'newer'], [0, 'older']] : [[0, 'older'], [1, 'newer']]) {
      late.release(i);
      await page.evaluate((n) => window[n], name);
    }
    assert.ok(await page.$(line('Enamel mug')), `the mug (${newerFirst ? 'the newer answer first' : 'the older first'})`);
    assert.ok(await page.$(line('Classic tee')));
    assert.equal(await total(page), (await w.stored(id)).priceSummary.total.formattedAmount, 'the total of both');
    assert.deepEqual(errors, []);
    await page.close();
  }
});

test('offline, edits are priced at once and said to wait; back online they reach the worker in order, with no click', async () => {
  const { page, errors, id } = await visit([['tee-classic', 1], ['mug', 1]]);
  const sent = changesSent(page);
  await page.context().setOffline(true);
  await quantityOf(page, 'Classic tee').fill('2');
  await page.waitForSelector('edge-checkout .banner:not([hidden])');
  await quantityOf(page, 'Enamel mug').fill('3');
  await page.fill('edge-checkout input[name=couponCode]', 'SAVE10');
  await page.press('edge-checkout input[name=couponCode]', 'Enter');
  // priced by the engine, as the worker prices the same cart; the coupon, whose rules only the store knows, waits
  const same = await w.fetch('/ecom/v1/checkouts', json('POST', { channelType: 'WEB', lineItems: [
    { quantity: 2, catalogReference: { catalogItemId: 'tee-classic' } }, { quantity: 3, catalogReference: { catalogItemId: 'mug' } }] }, w.a.secretKey));
  assert.equal(await total(page), (await same.json()).checkout.priceSummary.total.formattedAmount);
  await waitFor(async () => (await waitingText(page)) === 'Changes waiting to be sent: 3. Until the store confirms them, the totals are priced on this page.',
    'the waiting count is said');
  assert.equal(await page.getAttribute('edge-checkout [part=pending]', 'role'), 'status');
  assert.deepEqual((await events(page, 'pending')).at(-1), { count: 3, offline: true });
  assert.equal(await page.evaluate(() => document.querySelector('edge-checkout').pending), 3);
  await audit(page, 'in the waiting state', { include: 'edge-checkout' });

  await page.context().setOffline(false);
  await waitFor(async () => (await events(page, 'pending')).at(-1).count === 0, 'the queue is answered');
  const [tee, mug] = (await page.evaluate(() => document.querySelector('edge-checkout').checkout.lineItems)).map((l) => l.id);
  assert.deepEqual(sent.slice(-3), [
    `POST /update-line-items-quantity {"lineItems":[{"id":"${tee}","quantity":2}]}`,
    `POST /update-line-items-quantity {"lineItems":[{"id":"${mug}","quantity":3}]}`,
    'PATCH  {"couponCode":"SAVE10"}',
  ], 'sent in the order they were made');
  const saved = await w.stored(id);
  assert.deepEqual(saved.lineItems.map((l) => l.quantity), [2, 3]);
  assert.equal(saved.appliedDiscounts[0].coupon.code, 'SAVE10');
  await page.waitForSelector('edge-checkout .banner[hidden]', { state: 'attached' });
  assert.equal(await waitingText(page), '');
  assert.equal(await total(page), saved.priceSummary.total.formattedAmount);
  assert.deepEqual(errors, []);
  await page.close();
});

test('edits made offline survive a closed tab and reach the worker on the next visit, first', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const { page, id } = await visit([['tee-classic', 1]], { context });
  await context.setOffline(true);
  await quantityOf(page, 'Classic tee').fill('5');
  await waitFor(async () => (await events(page, 'pending')).at(-1)?.offline, 'the change waits');
  await page.close(); // kept in the origin's IndexedDB
  await context.setOffline(false);
  assert.equal((await w.stored(id)).lineItems[0].quantity, 1);

  const next = await visit([], { id, context });
  await waitFor(async () => (await w.stored(id)).lineItems[0].quantity === 5, 'the kept change reached the worker');
  await waitFor(async () => (await quantityOf(next.page, 'Classic tee').inputValue()) === '5', 'and the page shows it');
  assert.equal(await next.page.evaluate(() => document.querySelector('edge-checkout').pending), 0);
  assert.deepEqual(next.errors, []);
  await context.close();
});

test('two tabs of one checkout keep their offline edits apart: a tab closed offline loses none to the other, whose own reach the worker too', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const { page: first, id } = await visit([['tee-classic', 1], ['mug', 1]], { context });
  const { page: second } = await visit([], { id, context });
  await context.setOffline(true);
  await quantityOf(first, 'Classic tee').fill('4');
  await waitFor(async () => (await events(first, 'pending')).at(-1)?.offline, 'the first tab\'s change waits');
  // the second tab keeps its own change after the first kept its: before, it wrote over the first's
  await quantityOf(second, 'Enamel mug').fill('3');
  await waitFor(async () => (await events(second, 'pending')).at(-1)?.offline, 'the second tab\'s change waits');
  await first.close();
  await context.setOffline(false);
  // the open tab sends its own; the closed tab's waits for the next visit, not taken while its tab lived
  await waitFor(async () => (await w.stored(id)).lineItems[1].quantity === 3, 'the open tab\'s change reached the worker');
  assert.equal((await w.stored(id)).lineItems[0].quantity, 1);

  const next = await visit([], { id, context });
  await waitFor(async () => (await w.stored(id)).lineItems[0].quantity === 4, 'the closed tab\'s change reached the worker');
  await waitFor(async () => (await quantityOf(next.page, 'Classic tee').inputValue()) === '4', 'and the new tab shows it');
  assert.equal((await w.stored(id)).lineItems[1].quantity, 3);
  // a tab that lives keeps its own: its change waiting (its requests cut), a tab opened meanwhile
  // takes none of it, nor the closed tab's again; once its requests go through, it sends it
  const cut = (route) => (route.request().method() === 'GET' ? route.continue() : route.abort());
  await second.route('**/ecom/v1/checkouts/**', cut);
  await quantityOf(second, 'Enamel mug').fill('5');
  await waitFor(async () => (await events(second, 'pending')).at(-1)?.offline, 'the live tab\'s change waits');
  const third = await visit([], { id, context });
  const sent = changesSent(third.page);
  await new Promise((r) => setTimeout(r, 3 * SYNC_DELAY_MS));
  assert.equal(await third.page.evaluate(() => document.querySelector('edge-checkout').pending), 0);
  assert.deepEqual(sent, []);
  await second.unroute('**/ecom/v1/checkouts/**', cut);
  await waitFor(async () => (await w.stored(id)).lineItems[1].quantity === 5, 'the live tab\'s change reached the worker');
  assert.deepEqual(next.errors, []);
  await context.close();
});

test('a replay that meets lowered stock says so on the line', async () => {
  const { page, errors } = await visit([['mug', 1]]);
  await page.context().setOffline(true);
  const mugs = quantityOf(page, 'Enamel mug');
  await mugs.fill('9');
  await mugs.press('Tab');
  await waitFor(async () => (await events(page, 'pending')).at(-1)?.offline, 'the change waits');
  await page.context().setOffline(false);
  // only 5 mugs are in stock: the worker lowered the quantity, and the line says why
  await waitFor(async () => (await mugs.inputValue()) === '5', 'the worker\'s quantity');
  assert.equal(await page.textContent(`${line('Enamel mug')} .stock`), 'Only 5 left');
  assert.match(await page.textContent('edge-checkout [data-reconciled=worker]'), /the total is/);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a replay that meets a checkout changed on another device applies the changes to it and says so', async () => {
  const { page, errors, id } = await visit([['tee-classic', 1]]);
  await page.context().setOffline(true);
  await quantityOf(page, 'Classic tee').fill('3');
  await waitFor(async () => (await events(page, 'pending')).at(-1)?.offline, 'the change waits');
  // meanwhile the buyer's phone adds a mug to the same checkout
  const r = await w.fetch(`/ecom/v1/checkouts/${id}/add-to-checkout`, json('POST', {
    lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug' } }] }, w.a.publishableKey));
  assert.equal(r.status, 200);
  await page.context().setOffline(false);
  await page.waitForSelector(line('Enamel mug'));
  assert.equal(await quantityOf(page, 'Classic tee').inputValue(), '3');
  assert.equal(await page.textContent('edge-checkout [data-reconciled=worker]'),
    'Your changes were added to your cart, which was also changed elsewhere.');
  const saved = await w.stored(id);
  assert.deepEqual(saved.lineItems.map((l) => [l.catalogReference.catalogItemId, l.quantity]), [['tee-classic', 3], ['mug', 1]]);
  assert.deepEqual(errors, []);
  await page.close();
});

/** The orders of checkout `id`. */
async function ordersOf(id) {
  const r = await w.fetch('/ecom/v1/orders/search', json('POST', { search: { cursorPaging: { limit: 100 } } }, w.a.secretKey));
  return (await r.json()).orders.filter((o) => o.checkoutId === id);
}
const placeOrder = (page) => page.click('edge-checkout [data-action=place-order]');
const confirmed = (page) => page.waitForSelector('edge-checkout [data-order-id]:not([data-order-id=""])');

test('a create-order whose answer is lost is sent again with the same key: one order, and the confirmation names it', async () => {
  const { page, errors, id } = await visit([['stickers', 2]], { checkoutInfo: buyer });
  const keys = [];
  let cut = false;
  await page.route('**/create-order**', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (cut) return route.continue();
    cut = true;
    await route.fetch(); // the worker makes the order; its answer never arrives
    await route.abort('connectionreset');
  });
  await placeOrder(page);
  const done = await confirmed(page);
  const orders = await ordersOf(id);
  assert.equal(orders.length, 1, 'one order');
  assert.equal(await done.getAttribute('data-order-id'), orders[0].id);
  assert.match(await done.textContent(), new RegExp(`Order number ${orders[0].number}`));
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1], 'sent again with its key');
  assert.deepEqual(errors, []);
  await page.close();
});

test('an answer that never begins (the network stalls without an error) is given up after 30 s: the change waits, then is sent again with its key and reaches the worker', async () => {
  const { page, errors, id, qty } = await added('mug', 'Enamel mug');
  // the page's clock from here on, so that 30 s pass at once (the worker's, and the network's, stay real)
  await page.clock.install();
  const keys = [];
  let held;
  const stalled = new Promise((resolve) => { held = resolve; });
  await page.route('**/update-line-items-quantity**', (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (keys.length === 1) return held(route); // never answered, never failed: the request just hangs
    return route.continue();
  });
  await qty.fill('3');
  await page.clock.runFor(SYNC_DELAY_MS);
  const hung = await stalled;
  await page.clock.runFor(ANSWER_MS - 1_000);
  assert.deepEqual((await events(page, 'pending')).at(-1), { count: 1, offline: false }, 'still waiting for the answer');
  await page.clock.runFor(1_000);
  await waitFor(async () => (await events(page, 'pending')).at(-1)?.offline, 'given up: said to wait, as offline');
  await page.clock.runFor(BACKOFF_MS[0]);
  await waitFor(async () => (await events(page, 'pending')).at(-1).count === 0, 'sent again and answered');
  assert.equal((await w.stored(id)).lineItems[0].quantity, 3);
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1], 'sent again with its key');
  assert.equal(await qty.inputValue(), '3');
  assert.deepEqual(errors, []);
  await hung.abort().catch(() => {}); // the browser gave it up already
  await page.close();
});

/** A checkout of one sticker pack with a buyer ready to order, made by the store's backend, and a new browser context. */
async function readyToOrder() {
  return { checkoutId: await made([['stickers', 1]], buyer), context: await browser.newContext({ locale: 'en-US' }) };
}

/**
 * A checkout of a buyer ready to order (stickers) and a browser context whose
 * first request to `pattern` is held: `asked` resolves to its route.
 */
async function firstHeld(pattern) {
  const { checkoutId, context } = await readyToOrder();
  let held;
  const asked = new Promise((r) => { held = r; });
  let first = true;
  await context.route(pattern, (route) => {
    if (!first) return route.continue();
    first = false;
    held(route);
  });
  return { checkoutId, context, asked };
}

/**
 * The demo page of a new checkout (`?checkoutId=`), opened as the network
 * goes while the first request to `pattern` is on its way (`offline: false`:
 * that request fails while the browser says it is online).
 */
async function openCut(pattern, { offline = true } = {}) {
  const { checkoutId, context, asked } = await firstHeld(pattern);
  const opened = openRecorded(context, `${w.url}/?checkoutId=${checkoutId}`);
  const route = await asked;
  if (offline) await context.setOffline(true);
  await route.abort(offline ? 'internetdisconnected' : 'connectionreset');
  return { checkoutId, context, ...(await opened) };
}

test('the network gone before the region list came: the element takes over the served checkout all the same, a text field meanwhile, the list when it is back', async () => {
  const { checkoutId, context, page, errors } = await openCut('**/regions/US.js');
  const region = 'edge-checkout [name=subdivision]';
  await waitFor(async () => (await page.locator('edge-checkout [inert]').count()) === 0, 'the element took over');
  assert.equal(await page.locator(region).evaluate((e) => e.type), 'text', 'a text field while the list cannot come');
  assert.equal(await page.inputValue(region), 'US-CA');
  await placeOrder(page); // not inert: the button answers
  await waitFor(async () => (await page.textContent('edge-checkout [data-action=place-order]')) === 'Order waits for the network…', 'the order waits');
  await context.setOffline(false);
  // the list comes back as the waiting order goes out: the form may already be behind the confirmation
  await page.waitForSelector('edge-checkout select[name=subdivision]', { state: 'attached' });
  assert.equal(await page.inputValue(region), 'US-CA', 'the list, with the region chosen');
  await confirmed(page);
  assert.equal((await ordersOf(checkoutId)).length, 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the network gone and back with nothing waiting: the next change still reaches the worker, and the order is placed', async () => {
  const { page, errors, id } = await visit([['stickers', 1]], { checkoutInfo: buyer });
  await waitFor(async () => (await page.locator('edge-checkout [inert]').count()) === 0, 'the element took over');
  await page.context().setOffline(true);
  // the element hears the network come back (its listener was added first) with nothing to send
  const back = page.evaluate(() => new Promise((r) => addEventListener('online', () => setTimeout(r), { once: true })));
  await page.context().setOffline(false);
  await back;
  await quantityOf(page, 'Sticker pack').fill('3');
  await waitFor(async () => (await w.stored(id)).lineItems[0].quantity === 3, 'the change reached the worker');
  await placeOrder(page);
  await confirmed(page);
  assert.equal((await ordersOf(id)).length, 1);
  assert.deepEqual(errors, []);
});

test('the network gone before the words came: the served checkout stays as the server wrote it; back, the element takes it over and the order is placed', async () => {
  const { checkoutId, context, page, errors } = await openCut('**/i18n/en.js');
  // what else the page asks for first is in (the engine's .wasm the last of it): the element waits for its words alone
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/checkout_live_bg.wasm')));
  assert.ok(await page.locator('edge-checkout [inert]').count() > 0, 'the server\'s markup, inert, while the words cannot come');
  await context.setOffline(false);
  await waitFor(async () => (await page.locator('edge-checkout [inert]').count()) === 0, 'the element took over once its words came');
  await placeOrder(page);
  await confirmed(page);
  assert.equal((await ordersOf(checkoutId)).length, 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('the words\' fetch failing while the browser says it is online: asked for again after a second, and the element takes the served checkout over', async () => {
  const { checkoutId, context, page, errors } = await openCut('**/i18n/en.js', { offline: false });
  assert.ok(await page.evaluate(() => navigator.onLine));
  await waitFor(async () => (await page.locator('edge-checkout [inert]').count()) === 0, 'the element took over with no online event');
  await quantityOf(page, 'Sticker pack').fill('2');
  await waitFor(async () => (await w.stored(checkoutId)).lineItems[0].quantity === 2, 'its change reached the worker');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the network gone before the engine came: the element takes over the served checkout all the same, its change waits; back, the change is sent and the engine comes', async () => {
  const { checkoutId, context, asked } = await firstHeld('**/checkout_live_bg.wasm');
  // the worker's own checkout page (the demo page's catalog needs the engine for its prices)
  const opened = openRecorded(context, `${w.url}/checkout?key=${w.a.publishableKey}&checkoutId=${checkoutId}`, {}, 'edge-checkout');
  const route = await asked;
  // the element's code and words are in, the engine's modules too: only its .wasm is on its way when the network goes
  await context.pages()[0].waitForFunction(() => customElements.get('edge-checkout') && ['en.js', 'engine.js', 'checkout_live.js', 'format.js']
    .every((f) => performance.getEntriesByType('resource').some((e) => e.name.endsWith(`/${f}`) && e.decodedBodySize > 0)));
  await context.setOffline(true);
  await route.abort('internetdisconnected');
  const { page, errors } = await opened;
  await waitFor(async () => (await page.locator('edge-checkout [inert]').count()) === 0, 'the element took over');
  const one = await total(page);
  // no engine to price it: the change waits for the network, the worker's total stays
  await quantityOf(page, 'Sticker pack').fill('2');
  await waitFor(async () => (await events(page, 'pending')).at(-1)?.offline, 'the change waits for the network');
  assert.equal(await total(page), one);
  await context.setOffline(false);
  await waitFor(async () => (await events(page, 'pending')).at(-1).count === 0, 'the change is answered');
  const two = (await w.stored(checkoutId)).priceSummary.total.formattedAmount;
  assert.equal(await total(page), two);
  // the engine came with the network: a change is priced in the page before the worker answers
  const answer = await lateAnswers(page, '**/update-line-items-quantity**');
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('checkout_live_bg.wasm') && e.decodedBodySize > 0));
  await quantityOf(page, 'Sticker pack').fill('3');
  await answer.sent();
  await waitFor(async () => (await total(page)) !== two, 'priced in the page');
  const three = await total(page);
  answer.release();
  await waitFor(async () => (await events(page, 'pending')).at(-1).count === 0, 'the worker answered');
  assert.equal((await w.stored(checkoutId)).priceSummary.total.formattedAmount, three, "the page's total is the worker's");
  assert.deepEqual(errors, []);
  await context.close();
});

test('the engine\'s .wasm failing while the browser says it is online: fetched again after a wait, and a change is then priced in the page', async () => {
  const { checkoutId, context } = await readyToOrder();
  // every fetch of the .wasm fails (its preload, the engine's own) until the test lets them through
  let failing = true;
  let failed = 0;
  await context.route('**/checkout_live_bg.wasm', (route) => (failing ? (failed++, route.abort('connectionreset')) : route.continue()));
  const { page, errors } = await openRecorded(context, `${w.url}/checkout?key=${w.a.publishableKey}&checkoutId=${checkoutId}`, {}, 'edge-checkout');
  assert.ok(await page.evaluate(() => navigator.onLine));
  await waitFor(async () => (await page.locator('edge-checkout [inert]').count()) === 0, 'the element took over');
  await waitFor(async () => failed >= 2, 'the preload and the engine\'s first try failed');
  failing = false;
  // no online event comes: the engine is in by the element's own retry
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('checkout_live_bg.wasm') && e.decodedBodySize > 0),
    null, { timeout: 10_000 });
  const one = await total(page);
  const answer = await lateAnswers(page, '**/update-line-items-quantity**');
  await quantityOf(page, 'Sticker pack').fill('2');
  await answer.sent();
  await waitFor(async () => (await total(page)) !== one, 'priced in the page before the worker answered');
  const two = await total(page);
  answer.release();
  await waitFor(async () => (await events(page, 'pending')).at(-1)?.count === 0, 'the worker answered');
  assert.equal((await w.stored(checkoutId)).priceSummary.total.formattedAmount, two, "the page's total is the worker's");
  assert.deepEqual(errors, []);
  await context.close();
});

test('offline, the order waits for the network and is placed when it returns; a change meanwhile asks again', async () => {
  const { page, errors, id } = await visit([['stickers', 1]], { checkoutInfo: buyer });
  const button = 'edge-checkout [data-action=place-order]';
  await page.context().setOffline(true);
  await placeOrder(page);
  await waitFor(async () => (await page.textContent(button)) === 'Order waits for the network…', 'the button says why it waits');
  assert.equal(await page.isEnabled(button), true);
  // the buyer changes the quantity: the order is no longer what they asked for
  await quantityOf(page, 'Sticker pack').fill('2');
  assert.equal(await page.textContent(button), 'Place order');
  await page.context().setOffline(false);
  await waitFor(async () => (await events(page, 'pending')).at(-1).count === 0, 'the change is answered');
  await new Promise((r) => setTimeout(r, 1500)); // a backoff's worth
  assert.deepEqual(await ordersOf(id), [], 'no order without the buyer\'s go-ahead');

  // asked again, offline: placed when the network returns
  await page.context().setOffline(true);
  await placeOrder(page);
  await waitFor(async () => (await page.textContent(button)) === 'Order waits for the network…', 'it waits again');
  assert.deepEqual(await ordersOf(id), []);
  await page.context().setOffline(false);
  await confirmed(page);
  const orders = await ordersOf(id);
  assert.equal(orders.length, 1);
  assert.equal(orders[0].lineItems[0].quantity, 2);
  assert.deepEqual(errors, []);
  await page.close();
});
