// The package's price() in Node: its compact path (js/compact.js and the module's
// compact reader and writer) must answer exactly what the JSON path answers, the
// output to the key order and every error to its code, field and message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../../scripts/lib.mjs';
import { price } from '../../js/node.js';
import { initSync, priceJson, priceCompact, compactInput } from '../../pkg/checkout_wasm.js';
import { makeCompactPrice } from '../../js/compact.js';
import { vectors, answer } from '../support/vectors.mjs';

// js/node.js instantiated the module; this returns the same instance's exports.
const { memory } = initSync({ module: readFileSync(join(root, 'pkg/checkout_wasm_bg.wasm')) });

/** The vectors compare calculation errors by code only. */
const codesOnly = (out) => ({ ...out, calculationErrors: out.calculationErrors.map(({ code }) => ({ code })) });

test('every vector: the output and errors of docs/pricing.md, the same as the JSON path', () => {
  assert.ok(vectors.length >= 89);
  for (const v of vectors) {
    const got = answer(price, v.input);
    assert.deepEqual(got, answer(priceJson, v.input), v.name);
    if (v.output) assert.deepEqual(codesOnly(JSON.parse(got)), v.output, v.name);
    else assert.deepEqual([got.code, got.field], [v.error.code, v.error.field], v.name);
  }
});

test('every valid vector takes the compact path', () => {
  const compactPrice = makeCompactPrice(memory, { priceCompact, compactInput });
  for (const v of vectors.filter((v) => v.output)) {
    const out = compactPrice(v.input);
    assert.notEqual(out, undefined, v.name);
    assert.equal(JSON.stringify(out), JSON.stringify(priceJson(v.input)), v.name);
  }
});

/** A small seeded generator, so that a failure can be replayed. */
function random(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (xs) => xs[int(xs.length)];
  return { next, int, pick };
}

class Line {
  constructor(fields) {
    Object.assign(this, fields);
  }
  toJSON() {
    return { ...this, quantity: 1 };
  }
}

/** Inputs near the valid ones, with every kind of value the compact path must handle or refuse. */
function input(r) {
  const oddness = r.next() < 0.6 ? 0 : 0.05; // most inputs valid, the others a little odd
  const odd = () => r.pick([undefined, null, '', 5, 1.5, true, {}, [], 'x\u001fy', '\ud800', 'é', '😀', ' 1', '1e3']);
  const maybe = (v) => (r.next() < oddness ? odd() : v);
  const currency = r.pick(['USD', 'EUR', 'JPY', 'KWD']);
  const fractions = { USD: ['.99', '.00', '.5'], EUR: ['.07', '.1'], JPY: [''], KWD: ['.125', '.5', '.005'] }[currency];
  const money = () => maybe(r.pick(['0', '1', '19', '5', '70', '1000000000000', '12', '003']) +
    (r.next() < oddness ? '.1234' : r.pick(['', ...fractions])));
  const rate = () => (r.next() < oddness ? r.pick(['1.5', '0.1234567', 5, '']) : r.pick([undefined, '0', '0.0825', '0.2', '1', '0.123456']));
  const items = ['shirt', 'mug', 'hat', 'é-item', ''];
  const lines = Array.from({ length: r.int(12) }, (_, i) => {
    const fields = {
      id: maybe(r.pick([`line-${i}`, `ligne-é-${i}`, `線-${i}`, `😀-${i}`])),
      price: money(),
      quantity: r.next() < oddness ? r.pick([0, -1, 2 ** 53, 1e21, '2', NaN, 1.5]) : r.pick([1, 2, 3, 100000]),
      taxRate: rate(),
      catalogItemId: maybe(r.pick([undefined, ...items])),
      itemType: r.next() < oddness ? r.pick(['physical', '', 5]) : r.pick([undefined, 'PHYSICAL', 'DIGITAL', 'PLAN']),
    };
    if (r.next() < 0.05) fields.extra = 'ignored';
    if (r.next() < oddness) return new Line(fields);
    if (r.next() < 0.03) return Object.assign(Object.create(null), fields);
    return fields;
  });
  const x = {
    currency: r.next() < oddness ? r.pick(['usd', 'XXX', 5]) : currency,
    taxIncludedInPrice: r.next() < oddness ? r.pick(['true', 1]) : r.pick([undefined, null, true, false]),
    lineItems: r.next() < oddness ? odd() : lines,
  };
  if (r.next() < 0.5) {
    const type = maybe(r.pick(['PERCENTAGE', 'FIXED_AMOUNT', 'FREE_SHIPPING']));
    const coupon = { code: maybe('SAVE'), type, value: type === 'PERCENTAGE' ? maybe(r.pick(['10', '15.5', '100', '0'])) : money() };
    if (type === 'FREE_SHIPPING' && r.next() < 0.8) delete coupon.value;
    if (r.next() < 0.4) coupon.minimumSubtotal = money();
    if (r.next() < 0.5) coupon.catalogItemIds = r.next() < oddness ? [1] : items.slice(0, r.int(5));
    x.coupons = r.next() < oddness ? [coupon, coupon] : [coupon];
  }
  if (r.next() < 0.5) x.shipping = { code: maybe('standard'), price: money(), taxRate: rate() };
  if (r.next() < 0.4) x.additionalFees = Array.from({ length: r.int(3) }, (_, i) => ({ code: maybe(`fee-${i}`), price: money(), taxRate: rate() }));
  if (r.next() < 0.3) x.giftCard = { code: maybe('GIFT'), balance: money() };
  if (r.next() < 0.3) x.conversion = { currency: maybe(r.pick(['EUR', 'JPY', 'KWD'])), rate: maybe(r.pick(['0.92', '150.5', '0.0000000001'])) };
  return x;
}

test('5,000 generated inputs: the same answer as the JSON path, output or error', () => {
  const compactPrice = makeCompactPrice(memory, { priceCompact, compactInput });
  let fast = 0;
  for (let seed = 0; seed < 5000; seed++) {
    const x = input(random(seed));
    assert.deepEqual(answer(price, x), answer(priceJson, x), `seed ${seed}: ${JSON.stringify(x)}`);
    if (compactPrice(x) !== undefined) fast += 1;
  }
  // Enough of them valid and taken by the compact path for this test to mean something.
  assert.ok(fast > 500, `${fast} of 5000 took the compact path`);
});

test('the buffers follow the module memory as it grows', () => {
  const long = 'x'.repeat(2000);
  for (const n of [1, 300, 2, 300]) {
    const x = {
      currency: 'USD',
      lineItems: Array.from({ length: n }, (_, i) => ({ id: `${long}-${i}-é`, price: '1.00', quantity: 1 })),
      coupons: [{ code: 'TEN', type: 'PERCENTAGE', value: '10' }],
    };
    assert.deepEqual(answer(price, x), answer(priceJson, x), `${n} lines`);
  }
});

test('each property is read once, as JSON.stringify reads it', () => {
  let reads = 0;
  const line = { get id() { reads += 1; return `a${reads}`; }, price: '1.00', quantity: 1 };
  const input = { currency: 'USD', lineItems: [line], coupons: [{ code: 'TEN', type: 'PERCENTAGE', value: '10' }] };
  const out = price(input);
  assert.equal(reads, 1);
  assert.equal(out.lineItems[0].id, 'a1');
  assert.deepEqual(out.appliedDiscounts[0].lineItemIds, ['a1']);
});

test('long strings with text beyond ASCII pass into the module whole, on both paths', () => {
  // past 32 characters a string is written into the module by TextEncoder (scripts/long-strings.mjs),
  // not a character at a time: ASCII first, then accents, CJK and emoji (two UTF-16 units, four
  // bytes), or text beyond ASCII from its first character
  const ids = ['line-item-with-a-long-ascii-id-then-Königsstraße-東京都-🦀🦀', 'ñandú-ünïcode-from-the-first-character-onwards-€€€'];
  const base = vectors.find((v) => v.output && v.input.lineItems.length >= 2);
  const input = { ...base.input, lineItems: base.input.lineItems.map((l, i) => ({ ...l, id: ids[i] ?? l.id })) };
  const compactPrice = makeCompactPrice(memory, { priceCompact, compactInput });
  for (const out of [priceJson(input), price(input), compactPrice(input)]) {
    assert.deepEqual(out.lineItems.slice(0, 2).map((l) => l.id), ids);
    assert.equal(JSON.stringify(out), JSON.stringify(priceJson(input)));
  }
});
