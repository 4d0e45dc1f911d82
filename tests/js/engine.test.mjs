// The element's engine (pkg/checkout_live*: the browser module built without
// price() and its compact format, for size, with another allocator) against
// the package's whole module, itself held to the vectors: the same core, so
// the same answers, output to the key order and errors to their message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../../scripts/lib.mjs';
import * as whole from '../../pkg/checkout_wasm.js';
import * as live from '../../pkg/checkout_live.js';
import { vectors, answer } from '../support/vectors.mjs';

whole.initSync({ module: readFileSync(join(root, 'pkg/checkout_wasm_bg.wasm')) });
live.initSync({ module: readFileSync(join(root, 'pkg/checkout_live_bg.wasm')) });

test('the engine has no price(): what the element does not call is not in its .wasm', () => {
  assert.equal(typeof whole.priceCompact, 'function');
  for (const name of ['priceJson', 'priceCompact', 'compactInput']) assert.equal(live[name], undefined, name);
});

test('every vector: the engine prices it, and each edit after it, as the whole module does', () => {
  assert.ok(vectors.length >= 89);
  let edited = 0;
  for (const v of vectors) {
    // made, or refused with the same error
    const made = [whole, live].map((m) => answer(() => { new m.Checkout(v.input).free(); return 'made'; }));
    assert.deepEqual(made[1], made[0], v.name);
    if (typeof made[0] !== 'string') continue;
    const [a, b] = [whole, live].map((m) => new m.Checkout(v.input));
    try {
      assert.equal(answer(() => b.pricing()), answer(() => a.pricing()), v.name);
      const first = v.input.lineItems?.[0]?.id;
      const edits = [
        (c) => c.setQuantity(first, 3),
        (c) => c.setQuantity(first, 1.5),
        (c) => c.linePrice(first),
        (c) => c.linePrice('no such line'),
        (c) => c.addLine({ id: 'added', price: '12.34', quantity: 2, taxRate: '0.2' }),
        (c) => c.applyCoupon({ code: 'TEN', type: 'PERCENTAGE', value: '10' }),
        (c) => c.removeCoupon(),
        (c) => c.removeLine(first),
        (c) => c.convert('19.99'),
        (c) => c.pricing(),
      ];
      for (const [i, edit] of edits.entries()) assert.deepEqual(answer(() => edit(b)), answer(() => edit(a)), `${v.name}, edit ${i}`);
      edited += 1;
    } finally {
      a.free();
      b.free();
    }
  }
  assert.ok(edited >= vectors.filter((v) => v.output).length, `${edited} edited`);
});

test('money formats: every language and currency the same text as the whole module', () => {
  const tags = ['en', 'en-GB', 'de', 'de-CH', 'fr', 'fr-CA', 'es', 'es-MX', 'ja', 'ar', 'he', 'hi', 'it', 'nl', 'pt-BR', 'pl', 'sv', 'xx'];
  const currencies = ['USD', 'EUR', 'GBP', 'JPY', 'KWD', 'INR', 'CHF', 'XOF', 'CAD', 'ILS', 'BHD', 'CLF', 'NOPE'];
  let compared = 0;
  for (const tag of tags) {
    for (const currency of currencies) {
      const digits = whole.currencyDigits(currency) ?? 2;
      const fraction = digits ? `.${'1234'.slice(0, digits)}` : '';
      for (const amount of ['0', `1234567${fraction}`, `-5${fraction}`, '12.345678', 'x']) {
        assert.deepEqual(answer(() => live.formatMoney(amount, currency, tag)), answer(() => whole.formatMoney(amount, currency, tag)),
          `${amount} ${currency} ${tag}`);
        compared += 1;
      }
    }
  }
  assert.equal(compared, 18 * 13 * 5);
});
