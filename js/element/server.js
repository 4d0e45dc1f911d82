// <edge-checkout> rendered on a server: the element's own markup for a
// checkout, from the element's own code (./view.js, in ./markup.js's
// document), as a declarative shadow root, with the checkout's JSON beside
// it. A page that carries it shows the checkout priced at its first paint;
// the element, once started, shows the same checkout from that JSON
// (without asking the store again) and replaces the markup in one step.
// The worker's checkout page is rendered with it; a storefront's own server
// can do the same with the package's `formatMoney`.
import { useDocument } from './dom.js';
import { serverDocument } from './markup.js';
import { languageOf, say } from './messages.js';
import { amounts, build, confirm, rootOf, show } from './view.js';
import en from './i18n/en.js';
import de from './i18n/de.js';
import fr from './i18n/fr.js';
import es from './i18n/es.js';
import ja from './i18n/ja.js';
import ar from './i18n/ar.js';
import he from './i18n/he.js';

const WORDS = { en, de, fr, es, ja, ar, he };

useDocument(serverDocument);

/** JSON that can sit in a `<script>`: no `<` (so no `</script>`), nor the line separators JSON allows and JS once did not. */
const inline = (value) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/**
 * The inside of `<edge-checkout>` for `checkout` (as the worker's API
 * answers it, with its `pricingInput`: `?include=pricingInput`), in
 * `locale` (the element's own `locale` attribute must say the same): a
 * `<template shadowrootmode="open">` of the element's markup, inert until
 * the element takes over, and the checkout as JSON. A checkout with its
 * order shows its confirmation. `formatMoney(amount, currency, locale)` and
 * `convertMoney(amount, currency, conversion)`: the core's (the package's, or
 * the worker's own); the second for a checkout shown in a currency the buyer
 * chose (the amounts the worker does not convert: its delivery options, its
 * gift card). Resolves once the region list of the checkout's country is in,
 * as the element's own rendering does. Null for a checkout the element
 * renders alone: an open one without its pricing input (the engine prices
 * the buyer's edits from it), or one in the buyer's currency without
 * `convertMoney` or its conversion.
 */
export async function renderCheckout(checkout, { locale = 'en', formatMoney, convertMoney }) {
  const ordered = !!(checkout.order || checkout.completed);
  const conv = checkout.conversionCurrency && checkout.conversionCurrency !== checkout.currency ? checkout.conversionCurrency : null;
  const conversion = checkout.pricingInput?.conversion;
  if ((!ordered && !checkout.pricingInput) || (conv && !(convertMoney && conversion?.currency === conv))) return null;
  const convert = conv ? (amount) => convertMoney(amount, checkout.currency, conversion) : undefined;
  const lang = languageOf(locale);
  const t = (key, ...args) => say(WORDS[lang], key, ...args);
  const money = amounts((amount, currency) => formatMoney(amount, currency, locale), () => ({ currency: checkout.currency, conv, convert }));
  const ui = build({ id: 'ec0', t, locale, lang, ...money, waits: () => false });
  const card = show(ui, checkout, { t, locale, conv, closed: ordered });
  if (ordered) confirm(ui, checkout, checkout.order ?? {}, { t, price: money.price, resumed: true });
  if (card) ui.alert.textContent = card.message;
  await ui.form.settled;
  ui.box.setAttribute('inert', '');
  const markup = rootOf(ui).map((node) => node.html()).join('');
  return `<template shadowrootmode="open">${markup}</template><script type="application/json" data-checkout>${inline(checkout)}</script>`;
}
