// The checkout API (docs/api.md, Checkouts and Orders) against the built worker in
// workerd with a local D1: every route, the create-order preconditions, the
// key rules and the concurrency guarantees.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMiniflare, json, demoStore, address, buyer } from '../support/worker.mjs';
import { price, formatMoney } from '../../js/node.js';

let w;
let sk;
let pk;
before(async () => {
  w = await startMiniflare({}, {}, { stores: ['a'] });
  ({ secretKey: sk, publishableKey: pk } = w.a);
});
after(async () => { await w?.close(); });

/** Calls the API; resolves to `{status, body}`. */
async function call(method, path, body, key = pk) {
  const r = await w.fetch(path, json(method, body, key));
  const text = await r.text();
  assert.ok(r.headers.get('x-wix-request-id'), `${method} ${path} has a request id`);
  return { status: r.status, body: JSON.parse(text) };
}
const code = (body) => body.details?.applicationError?.code;
const item = (id, quantity = 1) => ({ quantity, catalogReference: { catalogItemId: id, appId: 'demo' } });

async function newCheckout(lineItems, extra = {}, key = pk, query = '') {
  const r = await call('POST', `/ecom/v1/checkouts${query}`, { lineItems, channelType: 'WEB', ...extra }, key);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.checkout;
}

/** A checkout ready to order: items, buyer, billing and shipping. */
async function readyCheckout(lineItems, extra = {}) {
  return newCheckout(lineItems, { checkoutInfo: buyer, ...extra });
}

test('a checkout is priced by the core from the catalog, exactly as the browser module prices its input', async () => {
  const c = await newCheckout([item('tee-classic', 2), item('mug')], {}, pk, '?include=pricingInput');
  assert.match(c.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(c.lineItems.length, 2);
  const [tee, mug] = c.lineItems;
  assert.equal(tee.price.amount, '19.99');
  assert.equal(tee.lineItemPrice.amount, '39.98');
  assert.equal(tee.availability.status, 'AVAILABLE');
  assert.equal(tee.availability.quantityAvailable, 40);
  assert.equal(tee.productName.original, 'Classic tee');
  assert.equal(mug.taxDetails.taxRate, '0.0825');
  assert.deepEqual(c.priceSummary.subtotal, { amount: '52.48', formattedAmount: '$52.48' });
  assert.deepEqual(c.priceSummary.tax, { amount: '4.33', formattedAmount: '$4.33' });
  assert.deepEqual(c.priceSummary.total, { amount: '56.81', formattedAmount: '$56.81' });
  assert.equal(c.currency, 'USD');
  assert.equal(c.completed, false);
  assert.ok(!Number.isNaN(Date.parse(c.createdDate)));
  // the browser module, given the checkout's pricing input, computes the same totals,
  // and writes them as the worker does
  const local = price(c.pricingInput);
  const amounts = (summary) => Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, v.amount]));
  assert.deepEqual(amounts(local.priceSummary), amounts(c.priceSummary));
  for (const [key, money] of Object.entries(c.priceSummary)) {
    assert.equal(formatMoney(local.priceSummary[key].amount, c.currency, c.buyerLanguage), money.formattedAmount, key);
  }
  assert.deepEqual(local.lineItems.map((l) => l.totalPriceAfterTax), c.lineItems.map((l) => l.totalPriceAfterTax.amount));
  // GET repeats it, path id in the query too; the pricing input only when asked for
  const got = await call('GET', `/ecom/v1/checkouts/${c.id}?id=${c.id}&include=pricingInput`);
  assert.equal(got.status, 200);
  assert.deepEqual(got.body.checkout, c);
  const plain = await call('GET', `/ecom/v1/checkouts/${c.id}`);
  assert.equal(plain.body.checkout.pricingInput, undefined);
  assert.equal(plain.body.checkout.presentmentCurrencies, undefined);
  assert.deepEqual(c.presentmentCurrencies, demoStore().presentmentCurrencies, 'with the input, the currencies a buyer may choose');
  assert.deepEqual({ ...plain.body.checkout, pricingInput: c.pricingInput, presentmentCurrencies: c.presentmentCurrencies }, c);
});

test('a publishable-key caller cannot set a price: the catalog price wins and custom items need the secret key', async () => {
  const c = await newCheckout([{ ...item('mug'), price: { amount: '0.01', formattedAmount: '$0.01' } }]);
  assert.equal(c.lineItems[0].price.amount, '12.50');
  const custom = { quantity: 1, price: '1.00', productName: { original: 'Gift wrap' }, itemType: { preset: 'SERVICE' } };
  let r = await call('POST', '/ecom/v1/checkouts', { customLineItems: [custom] });
  assert.equal(r.status, 403);
  r = await call('POST', '/ecom/v1/checkouts', { customLineItems: [custom], overrideCheckoutUrl: 'https://shop.example/pay' }, sk);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.checkout.lineItems[0].price.amount, '1.00');
  assert.equal(r.body.checkout.lineItems[0].customLineItem, true);
  r = await call('POST', '/ecom/v1/checkouts', { lineItems: [item('mug')], overrideCheckoutUrl: 'https://evil.example/' });
  assert.equal(r.status, 403);
});

test('updates: buyer, addresses, shipping option, coupon, gift card; tax follows the destination', async () => {
  const c = await newCheckout([item('tee-classic', 2)]);
  let r = await call('PATCH', `/ecom/v1/checkouts/${c.id}`, { checkout: { id: c.id } });
  assert.equal(r.status, 400, 'an empty update is refused');

  r = await call('PATCH', `/ecom/v1/checkouts/${c.id}`, { checkout: { id: c.id, ...buyer } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  let u = r.body.checkout;
  assert.equal(u.buyerInfo.email, 'ada@example.com');
  assert.equal(u.billingInfo.address.city, 'San Francisco');
  const options = u.shippingInfo.carrierServiceOptions[0].shippingOptions.map((o) => o.code);
  assert.deepEqual(options, ['standard', 'express', 'pickup']);
  assert.equal(u.shippingInfo.selectedCarrierServiceOption.code, 'standard');
  assert.deepEqual(u.priceSummary.shipping, { amount: '5.00', formattedAmount: '$5.00' });
  assert.deepEqual(u.priceSummary.total, { amount: '48.69', formattedAmount: '$48.69' }); // 39.98 + 5.00 + 3.71 tax

  // Oregon has no sales tax
  r = await call('PATCH', `/ecom/v1/checkouts/${c.id}`, {
    checkout: { shippingInfo: { shippingDestination: { address: { ...address, subdivision: 'US-OR' } } } },
  });
  u = r.body.checkout;
  assert.deepEqual(u.priceSummary.tax, { amount: '0.00', formattedAmount: '$0.00' });

  r = await call('PATCH', `/ecom/v1/checkouts/${c.id}`, { checkout: {}, couponCode: 'SAVE10' });
  assert.equal(r.status, 200);
  u = r.body.checkout;
  assert.deepEqual(u.priceSummary.discount, { amount: '4.00', formattedAmount: '$4.00' });
  assert.equal(u.appliedDiscounts[0].coupon.code, 'SAVE10');
  for (const [couponCode, expected] of [['NOPE', 'ERROR_COUPON_DOES_NOT_EXIST']]) {
    r = await call('PATCH', `/ecom/v1/checkouts/${c.id}`, { couponCode });
    assert.equal(r.status, 400);
    assert.equal(code(r.body), expected);
  }
  r = await call('POST', `/ecom/v1/checkouts/${c.id}/remove-coupon`, { id: c.id });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.checkout.priceSummary.discount, { amount: '0.00', formattedAmount: '$0.00' });

  r = await call('PATCH', `/ecom/v1/checkouts/${c.id}`, { giftCardCode: 'GIFT-25' });
  assert.equal(r.status, 200);
  u = r.body.checkout;
  assert.deepEqual(u.giftCard.amount, { amount: '25.00', formattedAmount: '$25.00' });
  assert.deepEqual(u.payNow.total, { amount: '19.98', formattedAmount: '$19.98' });
  r = await call('POST', `/ecom/v1/checkouts/${c.id}/remove-gift-card`, {});
  assert.equal(r.body.checkout.giftCard, undefined);

  // the buyer's email cannot be removed once set
  r = await call('PATCH', `/ecom/v1/checkouts/${c.id}`, { checkout: { buyerInfo: { email: '' } } });
  assert.equal(r.status, 400);
  r = await call('PATCH', `/ecom/v1/checkouts/${c.id}`, { checkout: { shippingInfo: { selectedCarrierServiceOption: { code: 'teleport' } } } });
  assert.equal(r.status, 400);
  assert.equal(code(r.body), 'SELECTED_CARRIER_SERVICE_OPTION_NOT_FOUND');
});

test('text beyond ASCII arrives whole: in the request, the stored checkout and the answer, short or long', async () => {
  // the worker's bindings write a string of more than 32 characters into WebAssembly with TextEncoder
  // (scripts/long-strings.mjs), a shorter one a character at a time: both, and text beyond
  // ASCII from its first character or after an ASCII start, accents, CJK and emoji (four UTF-8 bytes)
  const names = { firstName: 'Zoë', lastName: 'Åström-Nakamura 中村 🦀 and a long family name after it' };
  const at = { ...address, city: 'Düsseldorf', addressLine: 'Königsallee 1, Hinterhaus, 3. OG links — 東京都千代田区 🏠' };
  const c = await newCheckout([item('tee-classic')]);
  const r = await call('PATCH', `/ecom/v1/checkouts/${c.id}`, { checkout: {
    billingInfo: { address: at, contactDetails: names }, buyerNote: 'Bitte klingeln — ベルを鳴らしてください 🔔'.repeat(3) } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  for (const got of [r.body.checkout, (await call('GET', `/ecom/v1/checkouts/${c.id}`)).body.checkout]) {
    assert.deepEqual(got.billingInfo.contactDetails, names);
    assert.deepEqual([got.billingInfo.address.city, got.billingInfo.address.addressLine], [at.city, at.addressLine]);
    assert.equal(got.buyerNote, 'Bitte klingeln — ベルを鳴らしてください 🔔'.repeat(3));
  }
});

test("a cart id is bound to the first checkout that names it: one planted later never answers by-cart-id", async () => {
  const cartId = '0b5e6a1c-8f2d-4c3e-9a7b-1d2e3f4a5b6c';
  const buyers = await newCheckout([item('mug')], { checkoutInfo: { cartId } });
  await new Promise((r) => setTimeout(r, 5));
  const planted = await newCheckout([item('stickers', 9)], { checkoutInfo: { cartId } });
  assert.notEqual(planted.id, buyers.id);
  const found = await call('GET', `/ecom/v1/checkouts/by-cart-id/${cartId}`);
  assert.equal(found.status, 200);
  assert.equal(found.body.checkout.id, buyers.id);
});

test('line items: add merges the same item, quantities are lowered to the stock left, removal', async () => {
  const c = await newCheckout([item('mug', 2)]);
  let r = await call('POST', `/ecom/v1/checkouts/${c.id}/add-to-checkout`, { id: c.id, lineItems: [item('mug', 2), item('stickers', 3)] });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  let u = r.body.checkout;
  assert.equal(u.lineItems.length, 2);
  assert.equal(u.lineItems[0].quantity, 4);
  const [mugLine, stickerLine] = u.lineItems.map((l) => l.id);

  r = await call('POST', `/ecom/v1/checkouts/${c.id}/update-line-items-quantity`, { lineItems: [{ id: mugLine, quantity: 9 }] });
  assert.equal(r.status, 200);
  assert.equal(r.body.checkout.lineItems[0].quantity, 5, 'lowered to the 5 mugs in stock');

  r = await call('POST', `/ecom/v1/checkouts/${c.id}/update-line-items-quantity`, { lineItems: [{ id: 'nope', quantity: 1 }] });
  assert.equal(r.status, 400);
  assert.equal(code(r.body), 'LINE_ITEM_NOT_FOUND');
  r = await call('POST', `/ecom/v1/checkouts/${c.id}/update-line-items-quantity`, { lineItems: [{ id: mugLine, quantity: 0 }] });
  assert.equal(r.status, 400);
  assert.equal(code(r.body), 'INVALID_QUANTITY');

  r = await call('POST', `/ecom/v1/checkouts/${c.id}/remove-line-items`, { lineItemIds: [mugLine] });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.checkout.lineItems.map((l) => l.id), [stickerLine]);
  r = await call('POST', `/ecom/v1/checkouts/${c.id}/add-to-checkout`, { lineItems: [item('no-such-item')] });
  assert.equal(r.status, 400);
  assert.equal(code(r.body), 'CATALOG_ITEM_NOT_FOUND');
});

test('checkout URL, override URL and mark-as-completed (secret key)', async () => {
  const c = await newCheckout([item('ebook')]);
  let r = await call('GET', `/ecom/v1/checkouts/${c.id}/checkout-url?id=${c.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.checkoutUrl, `http://127.0.0.1:8787/?checkoutId=${c.id}`);
  r = await call('PATCH', `/ecom/v1/checkouts/${c.id}`, { overrideCheckoutUrl: 'https://pay.example/c/1' }, sk);
  assert.equal(r.status, 200);
  r = await call('GET', `/ecom/v1/checkouts/${c.id}/checkout-url`);
  assert.equal(r.body.checkoutUrl, 'https://pay.example/c/1');
  r = await call('POST', `/ecom/v1/checkouts/${c.id}/remove-override-checkout-url`, {});
  assert.equal(r.status, 403, 'a publishable key may not');
  r = await call('POST', `/ecom/v1/checkouts/${c.id}/remove-override-checkout-url`, {}, sk);
  assert.equal(r.status, 200);
  r = await call('GET', `/ecom/v1/checkouts/${c.id}/checkout-url`);
  assert.match(r.body.checkoutUrl, /checkoutId=/);

  r = await call('POST', `/ecom/v1/checkouts/${c.id}/mark-as-completed`, { id: c.id }, pk);
  assert.equal(r.status, 403);
  r = await call('POST', `/ecom/v1/checkouts/${c.id}/mark-as-completed`, { id: c.id }, sk);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, {});
  r = await call('GET', `/ecom/v1/checkouts/${c.id}`);
  assert.equal(r.body.checkout.completed, true);
  r = await call('POST', `/ecom/v1/checkouts/${c.id}/add-to-checkout`, { lineItems: [item('mug')] });
  assert.equal(r.status, 428);
  assert.equal(code(r.body), 'CHECKOUT_IS_COMPLETE');
});

test('create-order lists every failing precondition with 428', async () => {
  let c = await newCheckout([]);
  let r = await call('POST', `/ecom/v1/checkouts/${c.id}/create-order`, { id: c.id });
  assert.equal(r.status, 428);
  let codes = r.body.details.applicationError.data.violations.map((v) => v.code);
  assert.deepEqual(codes, ['EMPTY_CHECKOUT', 'BUYER_EMAIL_REQUIRED']);

  c = await newCheckout([item('tee-classic')]);
  r = await call('POST', `/ecom/v1/checkouts/${c.id}/create-order`, {});
  codes = r.body.details.applicationError.data.violations.map((v) => v.code);
  assert.deepEqual(codes, ['BILLING_ADDRESS_REQUIRED', 'NO_SELECTED_CARRIER_SERVICE_OPTION', 'SHIPPING_DESTINATION_REQUIRED', 'BUYER_EMAIL_REQUIRED']);
  assert.equal(code(r.body), 'BILLING_ADDRESS_REQUIRED');

  // a coupon whose minimum is not met is a calculation error
  c = await readyCheckout([item('stickers')], { couponCode: 'FREESHIP' });
  assert.equal(c.calculationErrors.couponCalculationError.applicationError.code, 'COUPON_MINIMUM_SUBTOTAL_NOT_MET');
  r = await call('POST', `/ecom/v1/checkouts/${c.id}/create-order`, {});
  assert.equal(code(r.body), 'CALCULATION_ERROR');

  // more than the stock left
  c = await readyCheckout([item('mug', 6)]);
  assert.equal(c.lineItems[0].availability.status, 'PARTIALLY_AVAILABLE');
  r = await call('POST', `/ecom/v1/checkouts/${c.id}/create-order`, {});
  assert.equal(code(r.body), 'PARTIAL_OUT_OF_STOCK');
  assert.deepEqual(r.body.details.applicationError.data.violations[0].lineItemIds, [c.lineItems[0].id]);

  // a free digital order needs neither shipping nor billing, and has nothing to charge
  const free = { quantity: 1, price: '0', productName: { original: 'Free guide' }, itemType: { preset: 'DIGITAL' } };
  c = await newCheckout([], { customLineItems: [free], checkoutInfo: { buyerInfo: { email: 'e@example.com' } } }, sk);
  r = await call('POST', `/ecom/v1/checkouts/${c.id}/create-order`, {});
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.ok(r.body.orderId);
  assert.equal(r.body.paymentGatewayOrderId, undefined);
});

test('create-order: the order, stock, gift card and coupon change together; a second call is 409 with the order id, in progress until it is paid', async () => {
  const before = (await call('GET', '/admin/v1/store', undefined, sk)).body.store;
  const stockOf = (store, id) => store.catalog.find((i) => i.id === id).stock;
  const c = await readyCheckout([item('tee-classic', 2), item('hoodie')], { couponCode: 'LIMITED', giftCardCode: 'GIFT-25' });
  assert.equal(c.calculationErrors, undefined, JSON.stringify(c.calculationErrors));
  let r = await call('POST', `/ecom/v1/checkouts/${c.id}/create-order`, { id: c.id, savePaymentMethod: false });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const { orderId, paymentGatewayOrderId } = r.body;
  assert.ok(orderId && paymentGatewayOrderId);

  r = await call('POST', `/ecom/v1/checkouts/${c.id}/create-order`, { id: c.id });
  assert.equal(r.status, 409);
  assert.equal(code(r.body), 'CHECKOUT_PAYMENT_ALREADY_IN_PROGRESS');
  assert.equal(r.body.details.applicationError.data.orderId, orderId);

  // money is due: the checkout is completed when its order is paid, and cannot change meanwhile
  const got = await call('GET', `/ecom/v1/checkouts/${c.id}`);
  assert.equal(got.body.checkout.completed, false);
  r = await call('PATCH', `/ecom/v1/checkouts/${c.id}`, { buyerNote: 'late change' });
  assert.equal(r.status, 409);
  assert.equal(code(r.body), 'CHECKOUT_PAYMENT_ALREADY_IN_PROGRESS');

  r = await call('GET', `/ecom/v1/orders/${orderId}?id=${orderId}`, undefined, pk);
  assert.equal(r.status, 403, 'orders need the secret key');
  r = await call('GET', `/ecom/v1/orders/${orderId}`, undefined, sk);
  assert.equal(r.status, 200);
  const order = r.body.order;
  assert.equal(order.checkoutId, c.id);
  assert.match(order.number, /^\d+$/);
  assert.equal(order.status, 'INITIALIZED');
  assert.equal(order.paymentStatus, 'NOT_PAID');
  assert.ok(Date.parse(order.payByDate) > Date.now(), 'it holds what it took until its deadline');
  assert.deepEqual(order.priceSummary, got.body.checkout.priceSummary);
  assert.deepEqual(order.lineItems.map((l) => l.quantity), [2, 1]);
  assert.equal(order.shippingInfo.code, 'standard');
  assert.equal(order.buyerInfo.email, 'ada@example.com');

  const after = (await call('GET', '/admin/v1/store', undefined, sk)).body.store;
  assert.equal(stockOf(after, 'tee-classic'), stockOf(before, 'tee-classic') - 2);
  assert.equal(stockOf(after, 'hoodie'), stockOf(before, 'hoodie') - 1);
  assert.equal(after.giftCards[0].balance, '0.00');
  assert.equal(after.coupons.find((x) => x.code === 'LIMITED').uses, 1);

  // paid (offline): approved, the checkout completed, a second create-order is "already paid"
  r = await call('POST', `/ecom/v1/orders/${orderId}/mark-as-paid`, {}, sk);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.order.status, 'APPROVED');
  assert.equal(r.body.order.paymentStatus, 'PAID');
  assert.equal((await call('GET', `/ecom/v1/checkouts/${c.id}`)).body.checkout.completed, true);
  r = await call('POST', `/ecom/v1/checkouts/${c.id}/create-order`, { id: c.id });
  assert.equal(code(r.body), 'CHECKOUT_ALREADY_PAID');

  // the spent gift card can no longer be applied
  r = await call('POST', '/ecom/v1/checkouts', { lineItems: [item('mug')], giftCardCode: 'GIFT-25' });
  assert.equal(r.status, 400);
  assert.equal(code(r.body), 'GIFT_CARD_IS_EMPTY');
});

test("the publishable key sets no buyer identity nor channel, and sees no more of a gift card than it uses", async () => {
  for (const extra of [
    { checkoutInfo: { buyerInfo: { memberId: 'member-1' } } },
    { checkoutInfo: { buyerInfo: { contactId: 'contact-1' } } },
    { checkoutInfo: { buyerInfo: { visitorId: 'visitor-1' } } },
    { channelType: 'POS' },
  ]) {
    const r = await call('POST', '/ecom/v1/checkouts', { lineItems: [item('mug')], channelType: 'WEB', ...extra });
    assert.equal(r.status, 403, JSON.stringify(extra));
    assert.equal(code(r.body), 'PERMISSION_DENIED');
  }
  // the store's backend sets them with the secret key; the page may send them back unchanged
  const c = await newCheckout([item('mug')], { channelType: 'POS', checkoutInfo: { buyerInfo: { memberId: 'member-1' } } }, sk);
  assert.equal(c.channelType, 'POS');
  let r = await call('PATCH', `/ecom/v1/checkouts/${c.id}`, { checkout: { id: c.id, buyerInfo: { memberId: 'member-1', email: 'ada@example.com' } } });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await call('PATCH', `/ecom/v1/checkouts/${c.id}`, { checkout: { id: c.id, buyerInfo: { memberId: 'member-2' } } });
  assert.equal(r.status, 403);
  assert.equal((await call('GET', `/ecom/v1/checkouts/${c.id}`)).body.checkout.buyerInfo.memberId, 'member-1');
  // a 25.00 card (tenant b's, unspent) on a 12.50 mug, its tax and shipping: the page learns what it pays, not the balance
  assert.equal((await call('PUT', '/admin/v1/store', demoStore(), w.b.secretKey)).status, 200);
  const g = await newCheckout([item('mug')], { giftCardCode: 'GIFT-25', checkoutInfo: buyer }, w.b.publishableKey, '?include=pricingInput');
  assert.equal(g.pricingInput.giftCard.balance, g.giftCard.amount.amount);
  assert.notEqual(g.pricingInput.giftCard.balance, '25.00');
  assert.ok(!JSON.stringify(g).includes('25.00'), 'the balance shows nowhere');
});

test('orders are searched by status, email and date, newest first, with cursor paging', async () => {
  const ids = [];
  for (let i = 0; i < 5; i++) {
    const c = await newCheckout([item('stickers')], { checkoutInfo: { ...buyer, buyerInfo: { email: 'pager@example.com' } } });
    const r = await call('POST', `/ecom/v1/checkouts/${c.id}/create-order`, {});
    assert.equal(r.status, 200, JSON.stringify(r.body));
    ids.unshift(r.body.orderId);
  }
  const search = (filter, cursorPaging, key = sk) => call('POST', '/ecom/v1/orders/search', { search: { filter, cursorPaging } }, key);
  let r = await search({ 'buyerInfo.email': 'pager@example.com' }, { limit: 2 });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.orders.map((o) => o.id), ids.slice(0, 2));
  assert.equal(r.body.metadata.hasNext, true);
  const second = r.body.metadata.cursors.next;
  assert.ok(!second.includes('pager'), 'the cursor does not show the filter');
  // the next pages, as Wix's SDK asks for them: the cursor alone, which keeps the filter
  r = await search(undefined, { limit: 2, cursor: second });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.orders.map((o) => o.id), ids.slice(2, 4));
  const third = r.body.metadata.cursors.next;
  r = await search(undefined, { limit: 2, cursor: third });
  assert.deepEqual(r.body.orders.map((o) => o.id), ids.slice(4));
  assert.equal(r.body.metadata.hasNext, false);
  // a filter sent with a cursor does not widen it
  r = await search({}, { limit: 2, cursor: second });
  assert.deepEqual(r.body.orders.map((o) => o.id), ids.slice(2, 4));
  // an altered cursor, or another tenant's use of it, is refused
  const altered = second.slice(0, -8) + (second.endsWith('AAAAAAAA') ? 'BBBBBBBB' : 'AAAAAAAA');
  r = await search(undefined, { cursor: altered });
  assert.equal(r.status, 400, JSON.stringify(r.body));
  r = await search(undefined, { cursor: second }, w.b.secretKey);
  assert.equal(r.status, 400, 'another tenant cannot page with it');
  r = await search({ status: { $in: ['INITIALIZED'] }, createdDate: { $gte: '2000-01-01T00:00:00Z' } }, { limit: 100 });
  assert.ok(r.body.orders.length >= 5);
  r = await search({ createdDate: { $lt: '2000-01-01T00:00:00Z' } });
  assert.deepEqual(r.body.orders, []);
  r = await search({}, { limit: 101 });
  assert.equal(r.status, 400);
  r = await call('POST', '/ecom/v1/orders/search', {}, w.b.secretKey);
  assert.deepEqual(r.body.orders, [], 'another tenant sees none');
  // each order found is the order as its own route shows it, one paid since (its body written again) too
  assert.equal((await call('POST', `/ecom/v1/orders/${ids[0]}/mark-as-paid`, {}, sk)).status, 200);
  r = await search({ 'buyerInfo.email': 'pager@example.com' }, { limit: 100 });
  assert.equal(r.body.orders[0].paymentStatus, 'PAID');
  for (const found of r.body.orders) assert.deepEqual(found, (await call('GET', `/ecom/v1/orders/${found.id}`, undefined, sk)).body.order);
});

test("another tenant's checkout and order ids answer 404, like unknown ones", async () => {
  const c = await newCheckout([item('mug')]);
  for (const key of [w.b.publishableKey, w.b.secretKey]) {
    for (const [method, path] of [['GET', `/ecom/v1/checkouts/${c.id}`], ['POST', `/ecom/v1/checkouts/${c.id}/remove-coupon`],
      ['POST', `/ecom/v1/checkouts/${c.id}/create-order`], ['GET', `/ecom/v1/checkouts/${c.id}/checkout-url`]]) {
      const r = await call(method, path, method === 'POST' ? {} : undefined, key);
      assert.equal(r.status, 404, `${method} ${path}`);
    }
  }
  const r = await call('GET', '/ecom/v1/checkouts/00000000-0000-4000-8000-000000000000');
  assert.equal(r.status, 404);
  assert.equal((await call('GET', `/ecom/v1/checkouts/${c.id}`, undefined, '')).status, 401);
});

test('hostile input: wrong types, 301 lines, a 1001-character note, malformed JSON are each a 4xx with a code', async () => {
  const cases = [
    [{ lineItems: 'mug' }, 400],
    [{ lineItems: [{ quantity: '2', catalogReference: { catalogItemId: 'mug' } }] }, 400],
    [{ lineItems: [{ quantity: 1.5, catalogReference: { catalogItemId: 'mug' } }] }, 400],
    [{ lineItems: [{ quantity: 1 }] }, 400],
    [{ lineItems: Array.from({ length: 301 }, () => item('mug')) }, 400],
    [{ lineItems: [item('mug')], checkoutInfo: { buyerNote: 'x'.repeat(1001) } }, 400],
    [{ lineItems: [item('mug')], checkoutInfo: { buyerInfo: { email: 'not an email' } } }, 400],
    [{ lineItems: [item('mug')], checkoutInfo: { billingInfo: { address: { country: 'usa' } } } }, 400],
    [{ lineItems: [item('mug')], channelType: 'CARRIER_PIGEON' }, 400],
    [{ lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug', options: { x: 'o'.repeat(250) } } }] }, 400],
    [{ lineItems: [item('mug')], checkoutInfo: { customFields: Array.from({ length: 21 }, () => ({ title: 't', value: 'v' })) } }, 400],
    [{ lineItems: [item('mug')], checkoutInfo: { customFields: [{ title: 't', value: 'v'.repeat(500) }] } }, 400],
    [[1, 2, 3], 400],
  ];
  for (const [body, status] of cases) {
    const r = await call('POST', '/ecom/v1/checkouts', body);
    assert.equal(r.status, status, JSON.stringify(body).slice(0, 80));
    assert.ok(r.body.details.applicationError?.code || r.body.details.validationError, JSON.stringify(r.body));
  }
  const r = await w.fetch('/ecom/v1/checkouts', { method: 'POST', headers: { authorization: pk }, body: '{"lineItems": [' });
  assert.equal(r.status, 400);
  // a 300-line checkout is fine, and a note of exactly 1000 characters
  const c = await newCheckout(Array.from({ length: 300 }, () => item('stickers')).map((x, i) => ({ ...x, catalogReference: { ...x.catalogReference, options: { n: i } } })),
    { checkoutInfo: { buyerNote: 'x'.repeat(1000) } });
  assert.equal(c.lineItems.length, 300);
  const more = await call('POST', `/ecom/v1/checkouts/${c.id}/add-to-checkout`, { lineItems: [{ ...item('stickers'), catalogReference: { catalogItemId: 'stickers', options: { n: 'x' } } }] });
  assert.equal(more.status, 400);
  assert.equal(code(more.body), 'TOO_MANY_LINE_ITEMS');
});

test('50 parallel create-order calls on one checkout make exactly one order', async () => {
  const c = await readyCheckout([item('stickers', 2)]);
  const results = await Promise.all(Array.from({ length: 50 }, () => call('POST', `/ecom/v1/checkouts/${c.id}/create-order`, {})));
  const ok = results.filter((r) => r.status === 200);
  assert.equal(ok.length, 1, JSON.stringify(results.map((r) => r.status)));
  const orderId = ok[0].body.orderId;
  for (const r of results.filter((x) => x.status !== 200)) {
    assert.equal(r.status, 409);
    assert.equal(r.body.details.applicationError.data.orderId, orderId);
  }
  const orders = await call('POST', '/ecom/v1/orders/search', { search: { cursorPaging: { limit: 100 } } }, sk);
  assert.equal(orders.body.orders.filter((o) => o.checkoutId === c.id).length, 1);
});

test('20 checkouts racing for 5 units: exactly 5 orders, stock 0; a gift card and a coupon limit hold too', async () => {
  // a tenant-b store: 5 lamps, a 30.00 gift card, a coupon for 3 uses
  const store = {
    currency: 'EUR',
    catalog: [{ id: 'lamp', name: 'Lamp', price: '10.00', itemType: 'DIGITAL', stock: 5 },
      { id: 'pen', name: 'Pen', price: '4.00', itemType: 'DIGITAL' }],
    coupons: [{ code: 'THREE', type: 'FIXED_AMOUNT', value: '1.00', usageLimit: 3 }],
    giftCards: [{ code: 'CARD', balance: '30.00' }],
  };
  const bsk = w.b.secretKey;
  assert.equal((await call('PUT', '/admin/v1/store', store, bsk)).status, 200);
  const info = { checkoutInfo: { buyerInfo: { email: 'b@example.com' }, billingInfo: { address } } };
  const make = async (lineItems, extra = {}) => (await call('POST', '/ecom/v1/checkouts', { lineItems, ...info, ...extra }, bsk)).body.checkout;
  const order = (c) => call('POST', `/ecom/v1/checkouts/${c.id}/create-order`, {}, bsk);

  const lamps = await Promise.all(Array.from({ length: 20 }, () => make([item('lamp')])));
  const lampResults = await Promise.all(lamps.map(order));
  assert.equal(lampResults.filter((r) => r.status === 200).length, 5, JSON.stringify(lampResults.map((r) => r.status)));
  for (const r of lampResults.filter((x) => x.status !== 200)) {
    assert.equal(r.status, 428);
    assert.ok(['FULL_OUT_OF_STOCK', 'PARTIAL_OUT_OF_STOCK'].includes(code(r.body)), code(r.body));
  }
  let s = (await call('GET', '/admin/v1/store', undefined, bsk)).body.store;
  assert.equal(s.catalog[0].stock, 0);

  // 10 checkouts of 4.00 each with the 30.00 card: the card covers 7.5 of them
  const cards = await Promise.all(Array.from({ length: 10 }, () => make([item('pen')], { giftCardCode: 'CARD' })));
  const cardResults = await Promise.all(cards.map(order));
  const paid = cardResults.filter((r) => r.status === 200);
  for (const r of cardResults.filter((x) => x.status !== 200)) {
    assert.equal(r.status, 428);
    assert.ok(['GIFT_CARD_BALANCE_CHANGED', 'GIFT_CARD_IS_EMPTY', 'CALCULATION_ERROR'].includes(code(r.body)), code(r.body));
  }
  let spent = 0;
  for (const r of paid) {
    const o = (await call('GET', `/ecom/v1/orders/${r.body.orderId}`, undefined, bsk)).body.order;
    spent += Math.round(Number(o.giftCard?.amount.amount ?? 0) * 100);
  }
  s = (await call('GET', '/admin/v1/store', undefined, bsk)).body.store;
  const left = Math.round(Number(s.giftCards[0].balance) * 100);
  assert.ok(left >= 0);
  assert.equal(spent + left, 3000, `spent ${spent} + left ${left}`);

  const coupons = await Promise.all(Array.from({ length: 8 }, () => make([item('pen')], { couponCode: 'THREE' })));
  const couponResults = await Promise.all(coupons.map(order));
  assert.equal(couponResults.filter((r) => r.status === 200).length, 3, JSON.stringify(couponResults.map((r) => [r.status, code(r.body)])));
  s = (await call('GET', '/admin/v1/store', undefined, bsk)).body.store;
  assert.equal(s.coupons[0].uses, 3);
});

test('concurrent edits of one checkout never lose an update', async () => {
  const c = await newCheckout([item('stickers')]);
  const adds = await Promise.all(Array.from({ length: 20 }, () => call('POST', `/ecom/v1/checkouts/${c.id}/add-to-checkout`, { lineItems: [item('stickers')] })));
  const applied = adds.filter((r) => r.status === 200).length;
  for (const r of adds.filter((x) => x.status !== 200)) assert.equal(code(r.body), 'CHECKOUT_CHANGED');
  const got = await call('GET', `/ecom/v1/checkouts/${c.id}`);
  assert.equal(got.body.checkout.lineItems[0].quantity, 1 + applied);
  assert.ok(applied >= 10, `${applied} of 20 applied`);
});

test("the buyer's currency: every price converted as the pricing function converts, formatted in the buyer's language; the order keeps both", async () => {
  const bsk = w.b.secretKey;
  const store = { ...demoStore(), presentmentCurrencies: [{ currency: 'EUR', rate: '0.92' }, { currency: 'JPY', rate: '151.37' }] };
  assert.equal((await call('PUT', '/admin/v1/store', store, bsk)).status, 200);
  let r = await call('POST', '/ecom/v1/checkouts?include=pricingInput', {
    lineItems: [item('tee-classic', 2)], channelType: 'WEB',
    checkoutInfo: { ...buyer, conversionCurrency: 'EUR', buyerLanguage: 'de' },
  }, w.b.publishableKey);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  let c = r.body.checkout;
  assert.equal(c.currency, 'USD');
  assert.equal(c.conversionCurrency, 'EUR');
  // the browser module prices the same input to the same converted totals
  const local = price(c.pricingInput);
  for (const key of ['subtotal', 'shipping', 'tax', 'total']) {
    assert.equal(c.priceSummary[key].convertedAmount, local.priceSummary[key].convertedAmount, key);
    assert.equal(c.priceSummary[key].formattedConvertedAmount, formatMoney(local.priceSummary[key].convertedAmount, 'EUR', 'de'), key);
  }
  assert.match(c.priceSummary.total.formattedConvertedAmount, /^\d+,\d\d\u00a0€$/);
  assert.ok(c.lineItems[0].price.convertedAmount, 'line prices too');
  // switched to yen, and back to the store's currency
  r = await call('PATCH', `/ecom/v1/checkouts/${c.id}`, { checkout: { conversionCurrency: 'JPY' } }, w.b.publishableKey);
  c = r.body.checkout;
  assert.match(c.priceSummary.total.convertedAmount, /^\d+$/, 'yen have no minor units');
  r = await call('PATCH', `/ecom/v1/checkouts/${c.id}`, { checkout: { conversionCurrency: 'GBP' } }, w.b.publishableKey);
  assert.equal(r.status, 400, 'a currency the store does not present');
  // the order keeps the converted prices
  r = await call('PATCH', `/ecom/v1/checkouts/${c.id}`, { checkout: { conversionCurrency: 'EUR' } }, w.b.publishableKey);
  const ordered = await call('POST', `/ecom/v1/checkouts/${c.id}/create-order`, {}, w.b.publishableKey);
  assert.equal(ordered.status, 200, JSON.stringify(ordered.body));
  const { order } = (await call('GET', `/ecom/v1/orders/${ordered.body.orderId}`, undefined, bsk)).body;
  assert.equal(order.priceSummary.total.convertedAmount, r.body.checkout.priceSummary.total.convertedAmount);
  assert.deepEqual([order.conversionCurrency, order.conversionRate], ['EUR', '0.92'], 'and the currency and rate they were converted at');
  // a later change of the store's rates leaves the order as it was
  assert.equal((await call('PUT', '/admin/v1/store', { ...store, presentmentCurrencies: [{ currency: 'EUR', rate: '0.95' }] }, bsk)).status, 200);
  const again = (await call('GET', `/ecom/v1/orders/${ordered.body.orderId}`, undefined, bsk)).body.order;
  assert.deepEqual([again.conversionRate, again.priceSummary.total.convertedAmount], ['0.92', order.priceSummary.total.convertedAmount]);
  r = await call('PATCH', `/ecom/v1/checkouts/${c.id}`, { checkout: { conversionCurrency: 'USD' } }, w.b.publishableKey);
  assert.equal(r.status, 409, 'its order awaits payment');
});
