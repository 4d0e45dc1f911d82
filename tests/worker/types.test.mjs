// The package's TypeScript declarations of the worker's checkout object
// (js/api.d.ts) against what the worker answers: checkouts with every part
// filled (conversion, coupon, gift card, pickup, custom line, pricing input),
// with calculation errors, and empty, are written out as typed literals and
// compiled in strict mode. A field the worker sends and the types lack, a
// required field the worker leaves out, or a value of another type fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMiniflare, json, demoStore } from '../support/worker.mjs';
import { root } from '../../scripts/lib.mjs';

let w;
before(async () => {
  w = await startMiniflare();
  const store = { ...demoStore(), presentmentCurrencies: [{ currency: 'EUR', rate: '0.92' }, { currency: 'JPY', rate: '151.37' }] };
  const r = await w.fetch('/admin/v1/store', json('PUT', store, w.a.secretKey));
  assert.equal(r.status, 200, await r.text());
});
after(async () => { await w?.close(); });

async function post(path, body, key = w.a.publishableKey, method = 'POST') {
  const r = await w.fetch(path, json(method, body, key));
  const text = await r.text();
  assert.equal(r.status, 200, text);
  return JSON.parse(text).checkout;
}

const item = (id, quantity = 1) => ({ quantity, catalogReference: { catalogItemId: id, appId: 'demo' } });
const address = { country: 'US', subdivision: 'US-OR', city: 'Portland', postalCode: '97201', addressLine: '1 Market St',
  streetAddress: { number: '1', name: 'Market St' }, geocode: { latitude: 45.5, longitude: -122.6 } };

/** Compiles `checkouts` as `CheckoutObject` literals; resolves to tsc's output, or throws it. */
function compile(checkouts) {
  const dir = mkdtempSync(join(tmpdir(), 'edge-checkout-types-'));
  try {
    const index = join(root, 'js', 'index.js');
    const element = join(root, 'js', 'element.js');
    const body = checkouts.map((c, i) => `export const c${i}: CheckoutObject = ${JSON.stringify(c, null, 1)};`).join('\n');
    writeFileSync(join(dir, 'recorded.ts'), `import type { CheckoutObject } from ${JSON.stringify(index)};
import type { EdgeCheckoutElement } from ${JSON.stringify(element)};
${body}
export const shown = (e: EdgeCheckoutElement): string | undefined => e.checkout?.priceSummary.total.formattedConvertedAmount;
export const hooked = (e: EdgeCheckoutElement): void => {
  e.addEventListener('order-created', (ev) => { const n: string = ev.detail.orderNumber; void n; });
  e.addEventListener('change', (ev) => { const t: string = ev.detail.priceSummary.total.amount; void t; });
};
`);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, exactOptionalPropertyTypes: true, noEmit: true, skipLibCheck: false,
        target: 'es2022', lib: ['es2022', 'dom', 'esnext.disposable'], module: 'nodenext', moduleResolution: 'nodenext', types: [],
      },
      files: ['recorded.ts'],
    }));
    return execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', dir], { encoding: 'utf8' });
  } catch (e) {
    throw new Error(`tsc:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the worker's checkouts compile as the package's CheckoutObject", async () => {
  const full = await post('/ecom/v1/checkouts?include=pricingInput', {
    lineItems: [item('tee-classic', 2), item('mug')],
    customLineItems: [{ quantity: 1, price: '3.00', productName: { original: 'Gift wrap' }, itemType: { preset: 'PHYSICAL' },
      physicalProperties: { sku: 'WRAP', weight: 0.1 } }],
    couponCode: 'SAVE10',
    giftCardCode: 'GIFT-25',
    channelType: 'WEB',
    checkoutInfo: {
      buyerInfo: { email: 'ada@example.com' },
      billingInfo: { address, contactDetails: { firstName: 'Ada', lastName: 'Lovelace', phone: '+15035550100', company: 'AE', vatId: { id: 'X1', type: 'UNSPECIFIED' } } },
      shippingInfo: { shippingDestination: { address }, selectedCarrierServiceOption: { code: 'pickup' } },
      buyerNote: 'Leave at the door',
      customFields: [{ title: 'Gift message', value: 'Happy birthday', translatedTitle: 'Gift message' }],
      conversionCurrency: 'EUR',
      buyerLanguage: 'de',
      cartId: '7f0c4a6e-3c1b-4b5e-9a1d-2f6e8c9b0a11',
      customSettings: { lockCouponCode: true },
    },
  }, w.a.secretKey);
  assert.ok(full.priceSummary.total.formattedConvertedAmount && full.giftCard && full.appliedDiscounts.length
    && full.shippingInfo.selectedCarrierServiceOption.logistics.pickupDetails && full.presentmentCurrencies && full.pricingInput,
  'every optional part is present');
  // FREESHIP needs a 30.00 subtotal: a calculation error
  const errors = await post('/ecom/v1/checkouts', { lineItems: [item('stickers')], couponCode: 'FREESHIP', channelType: 'WEB' });
  assert.ok(errors.calculationErrors?.couponCalculationError, JSON.stringify(errors.calculationErrors));
  const empty = await post('/ecom/v1/checkouts', { channelType: 'WEB' });
  compile([full, errors, empty]);
});

test('the compile fails on a field the types do not have, or a wrong type', async () => {
  const c = await post('/ecom/v1/checkouts', { lineItems: [item('mug')], channelType: 'WEB' });
  assert.throws(() => compile([{ ...c, surprise: 1 }]), /surprise/);
  assert.throws(() => compile([{ ...c, priceSummary: { ...c.priceSummary, total: { amount: 12.5 } } }]), /number|formattedAmount/);
  const { lineItems, ...withoutLines } = c;
  assert.ok(lineItems);
  assert.throws(() => compile([withoutLines]), /lineItems/);
});
