// A whole checkout flow through Wix's own JavaScript SDK (@wix/sdk with
// @wix/ecom), unchanged, re-targeted at the worker with its `fetch` option.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, ApiKeyStrategy } from '@wix/sdk';
import { checkout, orders } from '@wix/ecom';
import { orders as ppOrders } from '@wix/pricing-plans';
import { startMiniflare, json, demoStore } from '../support/worker.mjs';

let w;
before(async () => {
  w = await startMiniflare({}, {}, { stores: ['a'] });
});
after(async () => { await w?.close(); });

const client = (apiKey) => createClient({
  modules: { checkout, orders },
  auth: ApiKeyStrategy({ apiKey, siteId: 'edge-checkout-test' }),
  fetch: (url, init) => fetch(String(url).replace('https://www.wixapis.com', w.url), init),
});

const address = { addressLine1: '1 Main St', city: 'Portland', subdivision: 'US-OR', country: 'US', postalCode: '97201' };

test('@wix/sdk runs a whole checkout against the worker: create, update, lines, coupon, order', async () => {
  const wix = client(w.a.secretKey);
  const store = client(w.a.publishableKey);
  const created = await store.checkout.createCheckout({
    channelType: 'WEB',
    lineItems: [{ quantity: 2, catalogReference: { catalogItemId: 'tee-classic', appId: 'edge-checkout' } }],
  });
  assert.match(created._id, /^[0-9a-f-]{36}$/);
  assert.ok(created._createdDate instanceof Date);
  assert.equal(created.priceSummary.subtotal.amount, '39.98');
  const id = created._id;

  const updated = await store.checkout.updateCheckout(id, {
    buyerInfo: { email: 'grace@example.com' },
    billingInfo: { address, contactDetails: { firstName: 'Grace', lastName: 'Hopper' } },
    shippingInfo: { shippingDestination: { address }, selectedCarrierServiceOption: { code: 'standard' } },
  }, { couponCode: 'SAVE10' });
  assert.equal(updated.billingInfo.address.addressLine1, '1 Main St', 'the SDK maps addressLine back');
  assert.equal(updated.shippingInfo.selectedCarrierServiceOption.code, 'standard');
  assert.equal(updated.priceSummary.discount.amount, '4.00');
  assert.equal(updated.priceSummary.tax.amount, '0.00');
  assert.equal(updated.priceSummary.total.amount, '40.98');

  const { checkout: added } = await store.checkout.addToCheckout(id, {
    lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug', appId: 'edge-checkout' } }],
  });
  assert.equal(added.lineItems.length, 2);
  const mugLine = added.lineItems[1]._id;
  const { checkout: more } = await store.checkout.updateLineItemsQuantity(id, [{ _id: mugLine, quantity: 3 }]);
  assert.equal(more.lineItems[1].quantity, 3);
  const { checkout: fewer } = await store.checkout.removeLineItems(id, [mugLine]);
  assert.equal(fewer.lineItems.length, 1);
  const { checkout: plain } = await store.checkout.removeCoupon(id);
  assert.equal(plain.priceSummary.discount.amount, '0.00');
  const { checkout: noCard } = await store.checkout.removeGiftCard(id);
  assert.equal(noCard.giftCard, undefined);
  const { checkoutUrl } = await store.checkout.getCheckoutUrl(id);
  assert.match(checkoutUrl, new RegExp(`checkoutId=${id}$`));
  assert.equal((await store.checkout.getCheckout(id))._id, id);

  const placed = await store.checkout.createOrder(id, {});
  assert.ok(placed.orderId);
  assert.ok(placed.paymentGatewayOrderId);
  await assert.rejects(store.checkout.createOrder(id, {}), (e) => {
    assert.equal(e.details.applicationError.code, 'CHECKOUT_PAYMENT_ALREADY_IN_PROGRESS');
    assert.equal(e.details.applicationError.data.orderId, placed.orderId);
    assert.ok(e.requestId);
    return true;
  });
  // paid, as the merchant's backend tells it through Wix's SDK
  const { order: paid } = await wix.orders.paymentCollectionMarkOrderAsPaid(placed.orderId);
  assert.equal(paid.paymentStatus, 'PAID');
  assert.equal(paid.status, 'APPROVED');
  await assert.rejects(store.checkout.createOrder(id, {}), (e) => e.details.applicationError.code === 'CHECKOUT_ALREADY_PAID');

  const order = await wix.orders.getOrder(placed.orderId);
  assert.equal(order._id, placed.orderId);
  assert.equal(order.checkoutId, id);
  assert.equal(order.priceSummary.total.amount, plain.priceSummary.total.amount);
  const found = await wix.orders.searchOrders({ filter: { 'buyerInfo.email': 'grace@example.com' } });
  assert.deepEqual(found.orders.map((o) => o._id), [placed.orderId]);

  // canceled through Wix's SDK: given back, a repeat changes nothing
  const { order: canceled } = await wix.orders.cancelOrder(placed.orderId, {});
  assert.equal(canceled.status, 'CANCELED');
  assert.equal((await wix.orders.cancelOrder(placed.orderId, {})).order.status, 'CANCELED');

  const other = await store.checkout.createCheckout({ channelType: 'WEB', lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'ebook' } }] });
  assert.equal(await wix.checkout.markCheckoutAsCompleted(other._id), undefined);
  await assert.rejects(store.checkout.markCheckoutAsCompleted(other._id), (e) => e.details.applicationError.code === 'PERMISSION_DENIED');
});

test("@wix/sdk's other checkout calls: by cart id, Wix's checkout URL, create-order-and-charge; custom settings hold", async () => {
  const wix = client(w.a.secretKey);
  const store = client(w.a.publishableKey);
  const cartId = '5d3f9a3e-2b1c-4e6f-8a7b-9c0d1e2f3a4b';
  const created = await store.checkout.createCheckout({
    channelType: 'WEB',
    checkoutInfo: {
      cartId,
      buyerLanguage: 'de-AT',
      customSettings: { lockCouponCode: true, disabledManualPayment: true },
      buyerInfo: { email: 'cart@example.com' },
      billingInfo: { address },
      shippingInfo: { shippingDestination: { address }, selectedCarrierServiceOption: { code: 'standard' } },
    },
    lineItems: [{ quantity: 1, catalogReference: { catalogItemId: 'mug', appId: 'edge-checkout' } }],
  });
  assert.equal(created.cartId, cartId);
  assert.equal(created.buyerLanguage, 'de-AT');
  assert.equal(created.siteLanguage, 'en', "the store's, which names none");
  assert.equal(created.customSettings.lockCouponCode, true);
  assert.deepEqual(created.violations, []);
  assert.deepEqual(created.membershipOptions.selectedMemberships.memberships, []);
  assert.deepEqual(created.createdBy, {}, "a page's anonymous shopper");

  const { checkout: found } = await store.checkout.getCheckoutByCartId(cartId);
  assert.equal(found._id, created._id);
  await assert.rejects(store.checkout.getCheckoutByCartId('6d3f9a3e-2b1c-4e6f-8a7b-9c0d1e2f3a4b'),
    (e) => e.details.applicationError.code === 'NOT_FOUND');
  // the page may not apply a coupon to a checkout that locks it; the merchant's backend may
  await assert.rejects(store.checkout.updateCheckout(created._id, {}, { couponCode: 'SAVE10' }),
    (e) => e.details.applicationError.code === 'PERMISSION_DENIED' && /locked/.test(e.details.applicationError.description));
  const merchant = await wix.checkout.updateCheckout(created._id, {}, { couponCode: 'SAVE10' });
  assert.equal(merchant.appliedDiscounts[0].coupon.code, 'SAVE10');

  // Wix's own checkout page, whatever the override
  await wix.checkout.updateCheckout(created._id, {}, { overrideCheckoutUrl: 'https://elsewhere.example/pay' });
  assert.equal((await store.checkout.getCheckoutUrl(created._id)).checkoutUrl, 'https://elsewhere.example/pay');
  assert.match((await store.checkout.getWixCheckoutUrl(created._id)).checkoutUrl, new RegExp(`checkoutId=${created._id}$`));

  // a payment token cannot be charged here, and nothing is created; without one it is createOrder
  await assert.rejects(store.checkout.createOrderAndCharge(created._id, { paymentToken: 'tok_visa' }),
    (e) => e.details.applicationError.code === 'PAYMENT_ERROR');
  const placed = await store.checkout.createOrderAndCharge(created._id, {});
  assert.ok(placed.orderId && placed.paymentGatewayOrderId);
  // its checkout disabled manual payment: the order is paid through the provider only
  await assert.rejects(wix.orders.paymentCollectionMarkOrderAsPaid(placed.orderId),
    (e) => e.details.applicationError.code === 'MANUAL_PAYMENT_DISABLED');

  // made by the merchant's backend: the app is its creator
  const byApp = await wix.checkout.createCheckout({ channelType: 'WEB', lineItems: [] });
  assert.equal(byApp.createdBy.appId, w.a.tenant.appDefId);
});

test('@wix/sdk sees validation errors as Wix does', async () => {
  const store = client(w.a.publishableKey);
  await assert.rejects(
    store.checkout.createCheckout({ channelType: 'WEB', checkoutInfo: { buyerNote: 'x'.repeat(1001) }, lineItems: [] }),
    (e) => {
      // the SDK maps our field path to its own argument's name
      assert.equal(e.details.validationError.fieldViolations[0].field, 'options.checkoutInfo.buyerNote');
      return true;
    },
  );
});

test('@wix/sdk with @wix/pricing-plans runs plan orders against the worker: preview, create, list, lifecycle', async () => {
  const plan = { id: 'gold', name: 'Gold', price: '20.00', itemType: 'PLAN',
    plan: { duration: { count: 1, unit: 'MONTH' }, recurring: true, freeTrialDays: 7 } };
  const base = demoStore();
  let r = await w.fetch('/admin/v1/store', json('PUT', { ...base, catalog: [...base.catalog, plan] }, w.b.secretKey));
  assert.equal(r.status, 200);
  const wix = createClient({
    modules: { plans: ppOrders },
    auth: ApiKeyStrategy({ apiKey: w.b.secretKey, siteId: 'edge-checkout-test' }),
    fetch: (url, init) => fetch(String(url).replace('https://www.wixapis.com', w.url), init),
  });
  const { price } = await wix.plans.getPricePreview('gold', { couponCode: 'SAVE10' });
  assert.equal(price.total, '19.49'); // 20.00 - 10% + 8.25% tax (the demo store's default region)
  const online = await wix.plans.getOnlineOrderPreview('gold');
  assert.equal(online.order.type, 'ONLINE');
  const preview = await wix.plans.getOfflineOrderPreview('gold', 'member-1', { startDate: new Date(Date.now() + 86_400_000) });
  assert.equal(preview.order.status, 'PENDING');
  const { order } = await wix.plans.createOfflineOrder('gold', 'member-1', { paid: true });
  assert.match(order._id, /^[0-9a-f-]{36}$/);
  assert.ok(order.startDate instanceof Date, 'the SDK reads our dates as dates');
  assert.equal(order.status, 'ACTIVE');
  assert.equal(order.freeTrialDays, 7);
  const got = await wix.plans.managementGetOrder(order._id);
  assert.equal(got.order.buyer.memberId, 'member-1');
  const listed = await wix.plans.managementListOrders({ planIds: ['gold'], orderStatuses: ['ACTIVE', 'PAUSED'], limit: 10 });
  assert.deepEqual(listed.orders.map((o) => o._id), [order._id]);
  await wix.plans.pauseOrder(order._id);
  await wix.plans.resumeOrder(order._id);
  await wix.plans.cancelOrder(order._id, 'NEXT_PAYMENT_DATE');
  const canceling = await wix.plans.managementGetOrder(order._id);
  assert.equal(canceling.order.status, 'PENDING_CANCELLATION');
  await wix.plans.postponeEndDate(order._id, new Date(Date.parse(canceling.order.endDate) + 86_400_000));
  await assert.rejects(wix.plans.pauseOrder(order._id), (e) => {
    assert.match(String(e.message ?? e), /ORDER_STATUS_DOES_NOT_ALLOW|428/);
    return true;
  });
});
