// Side by side in one process: our npm price() and Medusa's JS totals
// (`decorateCartTotals` of @medusajs/utils 2.21.2) on the same 300-line cart:
// a 15% coupon on three of four catalog items, a tax rate per line, a taxed
// shipping line. Medusa takes the discount as precomputed adjustments (its
// promotion module allocates them on the server); it is given ours, so both
// tax the same base. Checks that the two agree (subtotal and discount to the
// cent; every line's tax is Medusa's exact, unrounded figure rounded to the
// cent) and reports the time of each and the ratio.
//
//   node bench/medusa.mjs        (installs @medusajs/utils into bench/medusa the first time)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { root, run } from '../scripts/lib.mjs';

const dir = join(root, 'bench/medusa');
if (!existsSync(join(dir, 'node_modules/@medusajs/utils'))) {
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', dir]);
}
const { decorateCartTotals } = createRequire(join(dir, 'package.json'))('@medusajs/utils');
const { price } = await import('../js/node.js');

const LINES = 300;
const cents = (i) => 300 + ((i * 7) % 90) * 100 + ((i * 13) % 100);
const rateBp = (i) => (i % 9) * 100 + 25; // in hundredths of a percent: 0.25% … 8.25%
const dec = (n, places) => {
  const s = String(n).padStart(places + 1, '0');
  return `${s.slice(0, -places)}.${s.slice(-places)}`;
};
const input = {
  currency: 'USD',
  lineItems: Array.from({ length: LINES }, (_, i) => ({
    id: `line-${i}`, price: dec(cents(i), 2), quantity: 1 + (i % 5),
    taxRate: dec(rateBp(i), 4), catalogItemId: `item-${i % 4}`, itemType: 'PHYSICAL',
  })),
  coupons: [{ code: 'SAVE15', type: 'PERCENTAGE', value: '15', catalogItemIds: ['item-0', 'item-1', 'item-2'] }],
  shipping: { code: 'standard', price: '5.00', taxRate: '0.0825' },
};
const ours = price(input);
const byId = new Map(ours.lineItems.map((l) => [l.id, l]));
const medusaCart = () => ({
  currency_code: 'usd',
  items: input.lineItems.map((l, i) => ({
    id: l.id, unit_price: l.price, quantity: l.quantity, is_tax_inclusive: false,
    tax_lines: [{ rate: dec(rateBp(i), 2) }],
    adjustments: byId.get(l.id).discount === '0.00' ? [] : [{ amount: byId.get(l.id).discount, is_tax_inclusive: false }],
  })),
  shipping_methods: [{ id: 'standard', amount: '5.00', is_tax_inclusive: false, tax_lines: [{ rate: '8.25' }] }],
});

// Agreement. Medusa keeps exact decimals; ours are rounded half away from zero to the cent.
const exact = (v) => (typeof v === 'object' && v !== null && 'numeric' in v ? String(v.raw?.value ?? v.numeric) : String(v));
const toCents = (s) => {
  // a decimal string rounded half away from zero to 2 places (docs/pricing.md section 2), in cents (BigInt)
  const [int, frac = ''] = s.replace(/^-/, '').split('.');
  const c = BigInt(int + (frac + '000').slice(0, 2)) + ((frac[2] ?? '0') >= '5' ? 1n : 0n);
  return s.startsWith('-') ? -c : c;
};
const fromOurs = (s) => BigInt(s.replace('.', ''));
const m = decorateCartTotals(medusaCart());
const checks = {
  subtotal: [fromOurs(ours.priceSummary.subtotal.amount), toCents(exact(m.item_subtotal))],
  discount: [fromOurs(ours.priceSummary.discount.amount), toCents(exact(m.discount_subtotal))],
};
let lineTaxAgree = 0;
let unroundedLines = 0;
m.items.forEach((item) => {
  const t = exact(item.tax_total);
  if ((t.split('.')[1] ?? '').replace(/0+$/, '').length > 2) unroundedLines += 1;
  if (toCents(t) === fromOurs(byId.get(item.id).tax)) lineTaxAgree += 1;
});
const theirTotal = exact(m.total);
const sumOfRounded = ours.lineItems.reduce((n, l) => n + fromOurs(l.tax), 0n);
for (const [name, [a, b]] of Object.entries(checks)) {
  if (a !== b) throw new Error(`${name}: ours ${a} cents, Medusa ${b}`);
}
if (lineTaxAgree !== LINES) throw new Error(`line tax: ${lineTaxAgree} of ${LINES} lines agree`);

// Time: median microseconds per call over batches; Medusa gets a fresh cart per call (it decorates in place).
const time = (f, per, batches = 15) => {
  for (let i = 0; i < per; i++) f(i);
  const runs = [];
  for (let b = 0; b < batches; b++) {
    const t = performance.now();
    for (let i = 0; i < per; i++) f(i);
    runs.push(((performance.now() - t) * 1000) / per);
  }
  return runs.sort((a, b) => a - b)[Math.floor(batches / 2)];
};
const PER = 20;
let carts = [];
const ourUs = time(() => price(input), PER);
const medusaUs = time((i) => {
  if (i === 0) carts = Array.from({ length: PER }, medusaCart);
  decorateCartTotals(carts[i]);
}, PER);
console.log(JSON.stringify({
  lines: LINES,
  'our price() µs (median)': Math.round(ourUs),
  'Medusa decorateCartTotals µs (median)': Math.round(medusaUs),
  'ratio (Medusa / ours)': Number((medusaUs / ourUs).toFixed(2)),
  agreement: {
    'subtotal, discount': 'equal to the cent',
    'line tax: ours = Medusa\'s exact figure rounded half away from zero': `${lineTaxAgree} of ${LINES} lines (${unroundedLines} of Medusa's figures unrounded)`,
    'total': `ours ${ours.priceSummary.total.amount}, Medusa exact ${theirTotal} (sum of rounded line taxes ${dec(Number(sumOfRounded), 2)})`,
  },
}, null, 2));
