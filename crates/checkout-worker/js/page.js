// The checkout pages the worker renders priced, in front of the API: its
// own, `/checkout?key=<publishable key>&checkoutId=<id>` (the URL the API
// hands out for a store without a checkoutUrl), and the demo storefront's,
// `/?checkoutId=<id>` (its key from the site's demo-config.json, which `npm
// start` writes; a worker without it serves the page as it is). Each arrives
// with the element's markup for the checkout in it, priced, so that the
// buyer's first paint shows the total. The markup is the element's own
// code's (js/element/server.js) and its amounts the core's (`formatMoney`
// and `convertMoney`, the worker's exports). The checkout is read through
// the API as the element reads it: with the page's key, under its limits,
// with the pricing input the engine prices edits from. One the page cannot
// read is left to the element, which asks again and says why.
import checkoutPage from '../../../www/checkout.html';
import { renderCheckout } from '../../../js/element/server.js';
import { languageOf } from '../../../js/element/messages.js';
import { escapeAttribute as attribute } from '../../../js/element/markup.js';

/**
 * Answers `request` when it asks for a checkout page; hands anything else to
 * `api` (the worker's fetch). `assets`: the site (the ASSETS binding).
 */
export async function page(request, assets, api, { formatMoney, convertMoney }) {
  const url = new URL(request.url);
  if (!['GET', 'HEAD'].includes(request.method)) return api(request);
  let key;
  let template;
  if (url.pathname === '/checkout') {
    key = url.searchParams.get('key') ?? '';
    template = checkoutPage;
  } else if (url.pathname === '/' && assets) {
    const site = await assets.fetch(request);
    const demo = url.searchParams.has('checkoutId') && site.ok && await assets.fetch(new URL('/demo-config.json', url));
    if (!demo?.ok) return site;
    key = await demo.json().then((config) => String(config.publishableKey ?? ''), () => '');
    template = await site.text();
  } else {
    return api(request);
  }
  const id = url.searchParams.get('checkoutId') ?? '';
  let attributes = ` publishable-key="${attribute(key)}"`;
  let inside = '';
  let lang = 'en';
  if (key && id) {
    const headers = new Headers(request.headers); // the buyer's address, for the limits
    headers.set('authorization', key);
    headers.set('x-edge-checkout-page', '1'); // the API refuses a secret key here (403)
    const answer = await api(new Request(new URL(`/ecom/v1/checkouts/${encodeURIComponent(id)}?include=pricingInput`, url), { headers }));
    // a secret key in a page's URL is not written into the page: the element waits for a key
    if (answer.status === 403) attributes = '';
    if (answer.ok) {
      try {
        const { checkout } = await answer.json();
        // in the buyer's language when the checkout knows it, the element told to speak it too
        const locale = checkout.buyerLanguage || 'en';
        const rendered = await renderCheckout(checkout, { locale, formatMoney,
          convertMoney: (amount, currency, { currency: to, rate }) => convertMoney(amount, currency, to, rate) });
        if (rendered) {
          attributes += ` locale="${attribute(locale)}"`;
          inside = rendered;
          lang = languageOf(locale);
        }
      } catch (e) {
        // the page still works: the element renders the checkout itself
        console.error(JSON.stringify({ level: 'error', in: 'checkout page', error: String(e) }));
      }
    }
  }
  const html = template
    .replace('/i18n/en.js', () => `/i18n/${lang}.js`) // the words it speaks, preloaded
    .replace('<edge-checkout id="checkout"', () => `<edge-checkout id="checkout"${attributes}`)
    .replace('</edge-checkout>', () => `${inside}</edge-checkout>`);
  return new Response(html, {
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
  });
}
