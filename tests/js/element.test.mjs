// The element's words and places, in Node: every language has every message
// (and no other), with the same placeholders; the region lists and postal
// code shapes are what addresses in those countries use. Its size, and the
// preload hints that name its modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { root } from '../../scripts/lib.mjs';
import { readmeBlock } from '../support/browser.mjs';
import { LANGUAGES, messagesOf, languageOf, say } from '../../js/element/messages.js';
import en from '../../js/element/i18n/en.js';
import { COUNTRIES, regionsOf, regionWord, postalRule, countryNames } from '../../js/element/places.js';

const placeholders = (text) => [...text.matchAll(/\{\d\}/g)].map((m) => m[0]).sort();

test('every language says every message, with the same placeholders', async () => {
  for (const lang of LANGUAGES.filter((l) => l !== 'en')) {
    const own = (await import(`../../js/element/i18n/${lang}.js`)).default;
    assert.deepEqual(Object.keys(own).sort(), Object.keys(en).sort(), lang);
    for (const [key, text] of Object.entries(own)) {
      assert.deepEqual(placeholders(text), placeholders(en[key]), `${lang}.${key}`);
      assert.ok(text.trim(), `${lang}.${key}`);
    }
  }
  assert.equal(say(await messagesOf('de'), 'only', 3), 'Nur noch 3 verfügbar');
  assert.equal(say(en, 'nothing-like-this'), null);
});

test('a tag picks its language, else English', () => {
  assert.deepEqual(['de-AT', 'he', 'iw', 'AR', 'ja_JP', 'pt-BR', '', undefined].map(languageOf), ['de', 'he', 'he', 'ar', 'ja', 'en', 'en', 'en']);
});

test('countries, regions and postal codes', async () => {
  assert.equal(COUNTRIES.length, 249);
  assert.equal(new Set(COUNTRIES).size, 249);
  assert.ok(COUNTRIES.every((c) => /^[A-Z]{2}$/.test(c)));
  const names = countryNames('de');
  assert.equal(names.find(([c]) => c === 'DE')[1], 'Deutschland');
  assert.ok(names.findIndex(([c]) => c === 'EG') < names.findIndex(([c]) => c === 'DE'), 'sorted by name in the language: Ägypten before Deutschland');
  for (const [country, count] of [['US', 52], ['CA', 13], ['AU', 8], ['DE', 16], ['JP', 47]]) {
    const regions = await regionsOf(country, 'en');
    assert.equal(regions.length, count, country);
    assert.ok(regions.every(([code]) => code.startsWith(`${country}-`)), country);
  }
  assert.deepEqual((await regionsOf('JP', 'ja'))[12], ['JP-13', '東京都']);
  assert.deepEqual((await regionsOf('JP', 'en'))[12], ['JP-13', 'Tokyo']);
  assert.equal(await regionsOf('FR', 'en'), null);
  assert.deepEqual(['US', 'CA', 'JP', 'FR'].map(regionWord), ['state', 'province', 'prefecture', 'region']);
  for (const [country, good, bad] of [['US', ['94105', '94105-1234'], ['9410', '94105-12']], ['CA', ['K1A 0B1', 'k1a0b1'], ['K1A 0B']],
    ['GB', ['SW1A 1AA', 'M1 1AE'], ['12345']], ['JP', ['100-0001', '1000001'], ['100-001']], ['DE', ['10115'], ['1011']]]) {
    const [pattern, example] = postalRule(country);
    assert.ok(pattern.test(example), `${country} example`);
    for (const g of good) assert.ok(pattern.test(g), `${country} ${g}`);
    for (const b of bad) assert.ok(!pattern.test(b), `${country} ${b}`);
  }
  assert.equal(postalRule('AE'), null);
});

// 10 KiB until the element kept its changes in a durable queue (+1.7 KiB) and was split into parts (+0.7 KiB);
// 12.5 before it could take over a server-rendered checkout, 12.75 before it named countries and currencies
// once the page is idle, after its first priced paint (the browser's Intl starts at its first use: 30-50 ms),
// 12.875 before a line off screen was left unlaid out (content-visibility) and its live checkout made after the first paint,
// 13 before the delivery options kept their rows across answers (a late answer took the radio the buyer was on away),
// 13.125 before a cart's rows were copies of one row with their listeners on the list (300 rows: 40% less time),
// 13.25 before its first paint could show the worker's own texts of the amounts without waiting for the engine,
// 13.375 before two loads answered out of order kept the newer (the older's answer shown first dropped the newer's),
// 13.5 before it fetched its engine's .wasm again once the network was back (a served checkout stayed inert without it)
test("the element's JavaScript, as a bundler ships it, is at most 13.625 KiB gzipped; each language, region list and the page's storage are fetched apart", async () => {
  const { elementSize } = await import('../../bench/element.mjs');
  const { main, chunks } = await elementSize();
  assert.ok(main <= 13.625 * 1024, `element.js: ${main} bytes gzipped`);
  assert.ok(Object.keys(chunks).some((f) => f.startsWith('kept-')), 'the queue\'s storage is a chunk of its own');
  for (const lang of LANGUAGES) assert.ok(Object.keys(chunks).some((f) => f.startsWith(`${lang}-`)), `${lang} is a chunk of its own`);
  for (const country of ['US', 'CA', 'AU', 'DE', 'JP']) assert.ok(Object.keys(chunks).some((f) => f.startsWith(`${country}-`)), country);
});

// Shopify holds a checkout extension's script to 64 KB compressed; the first
// render loaded 78 KB before the element got an engine of its own (js/engine.js)
test('a first render in English loads at most 64 KB gzipped: the element, its engine and .wasm, its words, the page\'s storage', async () => {
  const { firstRenderSize } = await import('../../bench/element.mjs');
  const { total, files } = await firstRenderSize('en');
  const names = Object.keys(files);
  for (const part of ['element.js', 'engine-', 'en-', 'kept-', 'checkout_live_bg.wasm']) {
    assert.ok(names.some((f) => f.startsWith(part)), `${part} is counted`);
  }
  assert.ok(!names.some((f) => f.startsWith('de-')), 'another language is not');
  assert.ok(total <= 64_000, `${total} bytes gzipped: ${JSON.stringify(files)}`);
});

/** The package's files a module imports statically (not `import()`), with theirs: what a browser finds one level at a time. */
function staticGraph(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = readFileSync(join(root, file), 'utf8');
  for (const [, spec] of source.matchAll(/^import\s(?:[^'"()]*?\sfrom\s)?['"](\.[^'"]+)['"]/gm)) {
    staticGraph(relative(root, join(root, dirname(file), spec)), seen);
  }
  return seen;
}

test("the preload hints of the README and of the worker's pages name every module the element and its engine import at once", () => {
  // the engine is imported as the element's module runs: its graph is the first render's too
  const graph = [...staticGraph('js/element.js'), ...staticGraph('js/engine.js')];
  assert.ok(graph.includes('js/element/places.js') && graph.includes('pkg/checkout_live.js'), graph.join(' '));
  const pages = { README: readmeBlock('#### Preload hints', 'html'), 'www/checkout.html': readFileSync(join(root, 'www/checkout.html'), 'utf8'),
    'www/index.html': readFileSync(join(root, 'www/index.html'), 'utf8') };
  for (const [name, html] of Object.entries(pages)) {
    const hinted = [...html.matchAll(/<link rel="modulepreload" href="\/edge-checkout\/([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual(graph.filter((f) => !hinted.includes(f)), [], `${name}: not hinted, found a round trip later`);
  }
});
