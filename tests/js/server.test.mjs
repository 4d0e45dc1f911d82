// The element rendered on a server (js/element/server.js), in Node: the
// element's markup for a checkout, priced with the core's formatting, in the
// buyer's language; whatever a buyer or a merchant wrote is text, never
// markup; the checkouts the element alone renders are left to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderCheckout } from '../../js/element/server.js';
import { formatMoney, convertMoney, Checkout } from '../../js/node.js';

const p = (amount) => ({ amount });
const checkout = (over = {}) => ({
  id: 'c1', currency: 'USD', conversionCurrency: 'USD', appliedDiscounts: [], buyerInfo: { email: 'ada@example.com' },
  pricingInput: { currency: 'USD', lineItems: [] },
  lineItems: [{ id: 'l1', quantity: 2, productName: { original: 'Classic tee' }, lineItemPrice: p('39.98') },
    { id: 'l2', quantity: 1, productName: { original: 'Enamel mug' }, lineItemPrice: p('1234.50') }],
  priceSummary: { subtotal: p('1274.48'), discount: p('0'), shipping: p('5.00'), tax: p('0'), additionalFees: p('0'), total: p('1279.48') },
  shippingInfo: {
    shippingDestination: { address: { country: 'US', subdivision: 'US-OR', city: 'Portland', postalCode: '97201' } },
    selectedCarrierServiceOption: { code: 'standard' },
    carrierServiceOptions: [{ shippingOptions: [{ code: 'standard', title: 'Standard', cost: { price: p('5.00') } }] }],
  },
  ...over,
});

const render = (c, locale = 'en') => renderCheckout(c, { locale, formatMoney });
/** The text of the first element carrying `attribute` (as `name="value"` or bare). */
const textAt = (html, attribute) => html.match(new RegExp(`<[a-z]+[^>]* ${attribute}[ >][^<]*`))?.[0].replace(/^[^>]*>/, '');

test("a checkout in the element's own markup, priced, as a declarative shadow root with the checkout beside it", async () => {
  const html = await render(checkout());
  assert.match(html, /^<template shadowrootmode="open"><style>[^<]*:host/);
  assert.equal(textAt(html, 'data-summary="total"'), '$1,279.48');
  assert.equal(textAt(html, 'data-summary="subtotal"'), '$1,274.48');
  assert.deepEqual([...html.matchAll(/data-line-total>([^<]*)/g)].map((m) => m[1]), ['$39.98', '$1,234.50']);
  assert.match(html, /<div class="ec" part="container" lang="en" dir="ltr" inert>/, 'inert until the element takes over');
  assert.match(html, /<div class="skeleton" part="skeleton" hidden>/);
  assert.match(html, /<div class="body">/, 'the cart is shown');
  assert.match(html, /<input name="quantity"[^>]* id="ec0-q-l1" value="2"/);
  assert.match(html, /<option value="US-OR" selected>Oregon<\/option>/, "the region list is in, the checkout's chosen");
  assert.match(html, /value="97201"/);
  assert.match(html, /id="ec0-ship-standard"[^>]* checked[ >]/);
  assert.match(html, /<\/template><script type="application\/json" data-checkout>\{"id":"c1"/);
  const json = html.slice(html.indexOf('data-checkout>') + 'data-checkout>'.length, html.lastIndexOf('</script>'));
  assert.deepEqual(JSON.parse(json), checkout());
});

test("in the buyer's language, right to left where it is written so", async () => {
  const de = await render(checkout(), 'de-DE');
  assert.equal(textAt(de, 'data-summary="total"'), formatMoney('1279.48', 'USD', 'de-DE'));
  assert.match(de, />Gesamt</);
  const he = await render(checkout(), 'he');
  assert.match(he, /lang="he" dir="rtl"/);
});

test('what a buyer or a merchant wrote is text in the markup and in the JSON, never markup', async () => {
  const name = '</script><img src=x onerror=alert(1)>"\'&';
  const html = await render(checkout({ lineItems: [{ id: 'l1', quantity: 1, productName: { original: name }, lineItemPrice: p('1.00') }],
    buyerInfo: { email: '"><script>alert(2)</script>' } }));
  assert.equal(html.match(/<script/g).length, 1, 'only the JSON script');
  assert.equal(html.match(/<\/script>/g).length, 1);
  assert.ok(!html.includes('<img'), 'no element from the name');
  assert.match(html, /<span class="name">&lt;\/script&gt;&lt;img src=x onerror=alert\(1\)&gt;"'&amp;<\/span>/);
  assert.match(html, /aria-label="Remove &lt;\/script&gt;&lt;img src=x onerror=alert\(1\)&gt;&quot;'&amp;"/);
  assert.match(html, /value="&quot;&gt;&lt;script&gt;alert\(2\)&lt;\/script&gt;"/);
  const json = html.slice(html.indexOf('data-checkout>') + 'data-checkout>'.length, html.lastIndexOf('</script>'));
  assert.equal(JSON.parse(json).lineItems[0].productName.original, name, 'the JSON reads back as written');
});

test('a checkout with its order shows its confirmation, paid or to pay', async () => {
  const paid = await render(checkout({ completed: true, order: { id: 'o1', number: '10042' }, payNow: { total: p('1279.48') } }));
  assert.match(paid, /<div class="body" hidden>/, 'no cart');
  assert.match(paid, /<section class="done" part="confirmation" data-order-id="o1"><h2 tabindex="-1">This order is placed and paid already.<\/h2><p>Order number 10042<\/p><p data-amount="1279.48">Paid: \$1,279.48<\/p>/);
  const owed = await render(checkout({ order: { id: 'o2' }, payNow: { total: p('1279.48') }, pricingInput: undefined }));
  assert.match(owed, /To pay: \$1,279.48/);
  assert.match(owed, /Continue to payment/);
});

test("a checkout in the buyer's currency: every amount in it, the worker's converted ones and the core's conversion of the rest", async () => {
  const conversion = { currency: 'EUR', rate: '0.92' };
  const conv = (amount, convertedAmount) => ({ amount, convertedAmount });
  const eur = checkout({
    conversionCurrency: 'EUR',
    pricingInput: { currency: 'USD', lineItems: [], conversion },
    lineItems: [{ id: 'l1', quantity: 2, productName: { original: 'Classic tee' }, lineItemPrice: conv('39.98', '36.78') }],
    priceSummary: { subtotal: conv('39.98', '36.78'), discount: conv('0', '0'), shipping: conv('5.00', '4.60'),
      tax: conv('0', '0'), additionalFees: conv('0', '0'), total: conv('44.98', '41.38') },
  });
  const html = await renderCheckout(eur, { locale: 'en', formatMoney, convertMoney });
  assert.equal(textAt(html, 'data-summary="total"'), '€41.38');
  assert.deepEqual([...html.matchAll(/data-line-total>([^<]*)/g)].map((m) => m[1]), ['€36.78']);
  // the delivery option's cost is not converted by the worker: the core's conversion, as the engine's
  const engine = new Checkout(eur.pricingInput);
  assert.equal(convertMoney('5.00', 'USD', conversion), engine.convert('5.00'));
  engine.free();
  assert.match(html, new RegExp(`<label for="ec0-ship-standard">[^]*?${formatMoney(convertMoney('5.00', 'USD', conversion), 'EUR', 'en')}`));
  assert.deepEqual(html.match(/\$[\d.,]*\d/g), ['$44.98'], "the store's currency only where the charge is said");
  assert.equal(textAt(html, 'data-charged'), 'You will be charged $44.98.');
});

test('a checkout in a currency the buyer chose without the conversion, or an open one without the input its edits are priced from, is left to the element', async () => {
  assert.equal(await render(checkout({ pricingInput: undefined })), null);
  assert.equal(await render(checkout({ conversionCurrency: 'EUR' })), null, 'no convertMoney');
  assert.equal(await renderCheckout(checkout({ conversionCurrency: 'EUR' }), { formatMoney, convertMoney }), null, 'no conversion in its input');
});
