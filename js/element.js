// <edge-checkout checkout-id api-base publishable-key locale>: a checkout
// from the worker that a shopper finishes, with live totals. A quantity
// change, a coupon removal or a currency switch is priced at once in the page
// by the WebAssembly engine (from the pricing input the worker priced the
// checkout from), then sent to the worker; the worker's answer is shown when
// it comes, and where it differs (stock lowered a quantity, say), the worker
// wins and the element says what changed. Words come from ./element/messages.js,
// places from ./element/places.js, styles from ./element/style.js.
import { languageOf, messagesOf, say, RIGHT_TO_LEFT } from './element/messages.js';
import { countryName, countryNames, regionsOf, regionWord, postalRule } from './element/places.js';
import { STYLES } from './element/style.js';

const ROWS = [['subtotal', 'subtotal'], ['discount', 'discount'], ['shipping', 'shipping'], ['tax', 'tax'],
  ['additionalFees', 'fees'], ['giftCard', 'giftCard'], ['total', 'total']];
const SYNC_DELAY_MS = 250;
const SAVE_DELAY_MS = 400;
const ZERO = /^0(\.0+)?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k in node && !k.includes('-') && k !== 'part') node[k] = v;
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c != null));
  return node;
}

let uid = 0;
// The engine (and its .wasm) loads beside the element's words and the
// checkout's first request, not before them.
let Checkout;
let formatMoney;
const engine = import('./index.js').then((m) => ({ Checkout, formatMoney } = m));

export class EdgeCheckoutElement extends HTMLElement {
  static observedAttributes = ['checkout-id', 'locale', 'publishable-key', 'api-base'];

  #root = null;
  #ui = null;
  #words = null;
  #lang = 'en';
  #checkout = null;
  #engine = null;
  #input = null; // the pricing input as the page has changed it
  #conv = null; // the buyer's currency when it is not the store's
  #pending = new Map();
  #failed = new Map();
  #seq = 0;
  #saveTimer = 0;
  #inflight = new Set();
  #regionAsked = 0;
  #starts = 0;
  #totals = new Map(); // line id: the node of its total
  #orderKey = null;
  #placed = false;
  #id = `ec${++uid}`;

  connectedCallback() {
    if (!this.getAttribute('checkout-id') && this.hasAttribute('checkout-id-from-url')) {
      const fromUrl = new URLSearchParams(location.search).get('checkoutId');
      if (fromUrl) this.setAttribute('checkout-id', fromUrl);
    }
    this.#start();
  }

  attributeChangedCallback(name, before, after) {
    if (before === after || !this.isConnected) return;
    if (name === 'locale') return this.#start();
    if (!this.#ui) return; // the start on its way reads the attributes
    if (name === 'checkout-id') {
      this.#placed = false;
      this.#ui.done.hidden = true;
    }
    this.load();
  }

  /** The checkout as the worker last sent it, or null. */
  get checkout() {
    return this.#checkout;
  }

  get #locale() {
    return this.getAttribute('locale') || this.closest('[lang]')?.lang || navigator.language || 'en';
  }

  async #start() {
    const lang = languageOf(this.#locale);
    const id = this.getAttribute('checkout-id');
    const source = () => ['api-base', 'publishable-key', 'checkout-id'].map((a) => this.getAttribute(a)).join(' ');
    const asked = source();
    const first = id && !this.#checkout ? this.#get(id) : undefined;
    first?.catch(() => {}); // load() below says how it failed
    const started = ++this.#starts;
    const [words] = await Promise.all([messagesOf(lang), engine]);
    if (started !== this.#starts) return; // the locale changed again meanwhile
    this.#root ??= this.attachShadow({ mode: 'open' });
    this.#lang = lang;
    this.#words = words;
    this.#build();
    if (this.#checkout) this.#show(this.#checkout);
    else this.load(asked === source() ? first : undefined); // not when the page set the key meanwhile
  }

  #t(key, ...args) {
    return say(this.#words, key, ...args);
  }

  #api(method, path, body, idempotencyKey) {
    const base = (this.getAttribute('api-base') ?? '').replace(/\/$/, '');
    const headers = { authorization: this.getAttribute('publishable-key') ?? '' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    const sep = path.includes('?') ? '&' : '?';
    return fetch(`${base}${path}${sep}include=pricingInput`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .catch((cause) => {
        const err = new Error(cause.message);
        err.code = 'NETWORK';
        throw err;
      })
      .then(async (r) => {
        const data = await r.json().catch(() => ({}));
        if (r.status !== 200) {
          const err = new Error(data.message ?? `HTTP ${r.status}`);
          err.status = r.status;
          // the worker down or busy: the same as unreachable (kept, offered again)
          err.code = r.status >= 500 || r.status === 429 ? 'NETWORK' : data.details?.applicationError?.code;
          err.violations = data.details?.applicationError?.data?.violations;
          throw err;
        }
        return data;
      });
  }

  #get(id) {
    return this.#api('GET', `/ecom/v1/checkouts/${encodeURIComponent(id)}`);
  }

  /** Loads the checkout named by `checkout-id` again (`sent`: its request, already on its way). */
  async load(sent) {
    const id = this.getAttribute('checkout-id');
    if (!this.#ui) return;
    if (!id) return this.#show(null);
    this.#ui.box.setAttribute('aria-busy', 'true');
    if (!this.#checkout) this.#ui.skeleton.hidden = false;
    try {
      const { checkout } = await (sent ?? this.#get(id));
      if (id === this.getAttribute('checkout-id')) {
        this.#error('');
        this.#show(checkout);
      }
    } catch (e) {
      if (!this.#fail(e, () => this.load())) {
        this.#ui.skeleton.hidden = true;
        this.#ui.empty.hidden = !!this.#checkout;
      }
    } finally {
      this.#ui.box.removeAttribute('aria-busy');
    }
  }

  #build() {
    const id = this.#id;
    const t = (k, ...a) => this.#t(k, ...a);
    const ui = { fields: {}, errors: {} };
    this.#ui = ui;
    const error = (name) => (ui.errors[name] = el('p', { id: `${id}-${name}-e`, className: 'error', part: 'error' }));
    const field = (name, word, props, tag) => this.#field(name, t(word), props, tag);
    ui.alert = el('p', { className: 'alert', role: 'alert', part: 'alert' });
    ui.banner = el('div', { className: 'banner', part: 'banner', hidden: true },
      el('p', {}, t('offline')), el('button', { type: 'button', onclick: () => this.#retry() }, t('retry')));
    ui.skeleton = el('div', { className: 'skeleton', part: 'skeleton' }, el('p', { className: 'vh' }, t('loading')), el('div'), el('div'), el('div'));
    ui.lines = el('ul', { part: 'lines', 'aria-label': t('cart') });
    ui.empty = el('p', { className: 'muted', hidden: true }, t('empty'));
    ui.applied = el('p', { className: 'applied muted' });
    ui.coupon = el('form', { className: 'coupon', part: 'coupon', onsubmit: (e) => { e.preventDefault(); this.#applyCoupon(); } },
      field('couponCode', 'code', { autocomplete: 'off', autocapitalize: 'characters', spellcheck: false }),
      el('button', { type: 'submit' }, t('apply')), ui.applied);
    ui.currencyBox = field('currency', 'currency', { onchange: (e) => this.#switchCurrency(e.target.value) }, 'select');
    ui.currencyBox.setAttribute('part', 'field currency');
    ui.summary = el('dl', { part: 'summary', 'aria-live': 'polite', 'aria-atomic': 'true' });
    ui.rows = {};
    for (const [key, word] of ROWS) {
      const dt = el('dt', { className: key === 'total' ? 'total' : '' }, t(word));
      const dd = el('dd', { className: key === 'total' ? 'total' : '', dataset: { summary: key } });
      ui.rows[key] = [dt, dd];
      ui.summary.append(dt, dd);
    }
    ui.charged = el('p', { className: 'muted', hidden: true, dataset: { charged: '' } });
    ui.note = el('p', { className: 'note', hidden: true, dataset: { reconciled: '' } });
    ui.regionBox = el('div', { className: 'field', part: 'field' });
    const address = (token) => `shipping ${token}`;
    ui.options = el('div', { className: 'options' });
    ui.delivery = el('fieldset', { part: 'delivery', hidden: true, 'aria-describedby': `${id}-delivery-e` },
      el('legend', {}, t('delivery')), ui.options, error('delivery'));
    ui.submit = el('button', { type: 'submit', className: 'submit', part: 'place-order', dataset: { action: 'place-order' } }, t('place'));
    ui.form = el('form', { className: 'panel', part: 'form', noValidate: true, onsubmit: (e) => { e.preventDefault(); this.#placeOrder(); },
      onchange: (e) => this.#edited(e.target) },
    el('fieldset', {}, el('legend', {}, t('contact')),
      field('email', 'email', { type: 'email', autocomplete: 'email', required: true, inputMode: 'email', spellcheck: false }),
      field('phone', 'phone', { type: 'tel', autocomplete: 'tel' })),
    el('fieldset', {}, el('legend', {}, t('shipTo')),
      field('country', 'country', { autocomplete: address('country'), required: true }, 'select'),
      el('div', { className: 'names' },
        field('firstName', 'firstName', { autocomplete: address('given-name'), required: true }),
        field('lastName', 'lastName', { autocomplete: address('family-name'), required: true })),
      field('addressLine', 'address1', { autocomplete: address('address-line1'), required: true }),
      field('addressLine2', 'address2', { autocomplete: address('address-line2') }),
      el('div', { className: 'place' },
        field('city', 'city', { autocomplete: address('address-level2'), required: true }),
        ui.regionBox,
        field('postalCode', 'postal', { autocomplete: address('postal-code') }))),
    ui.delivery, ui.submit);
    // every country's name in the buyer's language takes the browser tens of
    // milliseconds: the first render shows the one chosen, the list follows
    const countries = ui.fields.country;
    const guess = this.#defaultCountry();
    countries.append(el('option', { value: '' }, t('choose')));
    const names = () => {
      if (ui !== this.#ui) return;
      const chosen = countries.value;
      countries.replaceChildren(el('option', { value: '' }, t('choose')), ...countryNames(this.#locale).map(([code, name]) => el('option', { value: code }, name)));
      countries.value = chosen;
    };
    (globalThis.requestIdleCallback ?? setTimeout)(names, { timeout: 200 });
    ui.done = el('section', { className: 'done', part: 'confirmation', hidden: true, dataset: { orderId: '' } });
    ui.body = el('div', { className: 'body', hidden: true },
      el('section', { className: 'panel', part: 'cart', 'aria-label': t('cart') }, ui.lines, ui.coupon, ui.currencyBox, ui.summary, ui.charged, ui.note),
      ui.form);
    ui.box = el('div', { className: 'ec', part: 'container', lang: this.#locale, dir: RIGHT_TO_LEFT.has(this.#lang) ? 'rtl' : 'ltr' },
      ui.banner, ui.skeleton, ui.empty, ui.body, ui.done, ui.alert);
    this.#root.replaceChildren(el('style', {}, STYLES), ui.box);
    this.#region(guess);
  }

  /** A labelled control and its error paragraph, kept in the UI by `name`: the field's box. */
  #field(name, label, props = {}, tag = 'input', ...children) {
    const ui = this.#ui;
    const id = `${this.#id}-${name}`;
    const control = el(tag, { id, name, part: 'input', 'aria-describedby': `${id}-e`, ...props }, ...children);
    ui.fields[name] = control;
    ui[name] = el('label', { htmlFor: id, part: 'label' }, label);
    ui.errors[name] = el('p', { id: `${id}-e`, className: 'error', part: 'error' });
    return el('div', { className: 'field', part: 'field' }, ui[name], control, ui.errors[name]);
  }

  /** The buyer's country as the locale suggests ("en-CA": CA), until the checkout has one. */
  #defaultCountry() {
    try {
      return new Intl.Locale(this.#locale).maximize().region ?? '';
    } catch {
      return '';
    }
  }

  /** Sets the country, and the region and postal code fields to its rules (its region list fetched first). */
  async #region(country, subdivision = '') {
    const ui = this.#ui;
    const countries = ui.fields.country;
    if (country && !countries.querySelector(`option[value="${country}"]`)) {
      countries.append(el('option', { value: country }, countryName(country, this.#locale)));
    }
    countries.value = country;
    const asked = ++this.#regionAsked;
    const regions = await regionsOf(country, this.#lang);
    if (asked !== this.#regionAsked || ui !== this.#ui) return; // the buyer chose again meanwhile
    const options = regions ? [el('option', { value: '' }, this.#t('choose')), ...regions.map(([code, name]) => el('option', { value: code }, name))] : [];
    const box = this.#field('subdivision', this.#t(regions ? regionWord(country) : 'region'),
      { autocomplete: 'shipping address-level1', required: !!regions && country !== 'DE' }, regions ? 'select' : 'input', ...options);
    ui.fields.subdivision.value = subdivision;
    ui.regionBox.replaceWith(box);
    ui.regionBox = box;
    const rule = postalRule(country);
    ui.fields.postalCode.required = !!rule;
    ui.postalCode.textContent = this.#t(country === 'US' ? 'zip' : 'postal');
    for (const name of ['subdivision', 'postalCode']) this.#mark(name, '');
  }

  #mark(name, message) {
    const control = this.#ui.fields[name];
    const error = this.#ui.errors[name];
    if (control) control.setAttribute('aria-invalid', message ? 'true' : 'false');
    if (error) error.textContent = message;
  }

  /** Checks a field as the buyer left it (`all`: also an empty required one); true when it is fine. */
  #check(name, all) {
    const control = this.#ui.fields[name];
    if (!control) return true;
    const value = control.value.trim();
    let message = '';
    if (!value) {
      if (control.required && all) message = this.#t('required');
    } else if (name === 'email' && !EMAIL.test(value)) {
      message = this.#t('badEmail');
    } else if (name === 'postalCode') {
      const rule = postalRule(this.#ui.fields.country.value);
      if (rule && !rule[0].test(value)) message = this.#t('badPostal', rule[1]);
    }
    this.#mark(name, message);
    return !message;
  }

  #edited(target) {
    const name = target.name;
    if (!(name in this.#ui.fields)) return;
    if (name === 'country') this.#region(target.value);
    this.#check(name, false);
    if (this.#ui.alert.textContent === this.#t('fix')) this.#error('');
    clearTimeout(this.#saveTimer);
    this.#saveTimer = setTimeout(() => this.#save(), SAVE_DELAY_MS);
  }

  /** Sends the contact and address as they are now (an email only once it is one). */
  #save() {
    clearTimeout(this.#saveTimer);
    const v = (name) => this.#ui.fields[name]?.value.trim() || undefined;
    const address = { country: v('country'), subdivision: v('subdivision'), city: v('city'), postalCode: v('postalCode'),
      addressLine: v('addressLine'), addressLine2: v('addressLine2') };
    const contactDetails = { firstName: v('firstName'), lastName: v('lastName'), phone: v('phone') };
    const checkout = { billingInfo: { address, contactDetails }, shippingInfo: { shippingDestination: { address, contactDetails } } };
    if (v('email') && EMAIL.test(v('email'))) checkout.buyerInfo = { email: v('email') };
    if (this.#checkout && this.#checkout.buyerLanguage !== this.#locale) checkout.buyerLanguage = this.#locale;
    return this.#change('PATCH', '', { checkout }, undefined, 'details');
  }

  #fmt(amount, currency, negative) {
    const text = String(amount);
    return formatMoney(negative && !ZERO.test(text) ? `-${text}` : text, currency, this.#locale);
  }

  /** A price as the worker or the engine gives it: in the buyer's currency when converted. */
  #price(p, negative) {
    return this.#conv && p.convertedAmount != null
      ? this.#fmt(p.convertedAmount, this.#conv, negative)
      : this.#fmt(p.amount, this.#checkout.currency, negative);
  }

  /** An amount of the store's currency, converted by the engine when the buyer chose a currency. */
  #amount(amount, negative) {
    const converted = this.#conv ? this.#engine?.convert(amount) : undefined;
    return this.#price({ amount, convertedAmount: converted }, negative);
  }

  /** Tells the host page: the element's events bubble and leave the shadow root. */
  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  #error(message, code) {
    this.#ui.alert.textContent = message ?? '';
    if (message) this.#emit('error', { code, message });
  }

  /** The message of an error: the element's own for a known code, else the worker's text. */
  #say(e) {
    return (e.code && this.#t(e.code)) || e.message || this.#t('failed');
  }

  /** Shows a failure: the worker unreachable keeps the page's state and offers a retry. */
  #fail(e, again, key = 'load') {
    if (e.code === 'NETWORK') {
      this.#failed.set(key, again);
      this.#ui.banner.hidden = false;
      this.#emit('error', { code: 'NETWORK', message: this.#t('offline') });
      return true;
    }
    this.#error(this.#say(e), e.code);
    return false;
  }

  async #retry() {
    const again = [...this.#failed.values()];
    this.#failed.clear();
    this.#ui.banner.hidden = true;
    for (const f of again) await f();
  }

  /** Shows a checkout as the worker sent it, and reloads the engine from its pricing input. */
  #show(checkout) {
    const ui = this.#ui;
    this.#checkout = checkout;
    this.#input = checkout?.pricingInput ? structuredClone(checkout.pricingInput) : null;
    this.#conv = checkout && checkout.conversionCurrency !== checkout.currency ? checkout.conversionCurrency : null;
    this.#engine?.free();
    this.#engine = null;
    try {
      if (this.#input) this.#engine = new Checkout(this.#input);
    } catch { /* the worker's totals stand alone */ }
    const lines = checkout?.lineItems ?? [];
    ui.skeleton.hidden = true;
    ui.empty.hidden = this.#placed || lines.length > 0;
    ui.body.hidden = this.#placed || lines.length === 0;
    if (!checkout) return;
    const focused = this.#root.activeElement?.closest?.('[data-line-item-id]')?.dataset.lineItemId;
    this.#totals.clear();
    ui.lines.replaceChildren(...lines.map((line) => this.#line(line)));
    if (focused) ui.lines.querySelector(`[data-line-item-id="${CSS.escape(focused)}"] input`)?.focus();
    this.#summary(checkout.priceSummary, checkout.giftCard?.amount, true);
    const coupon = checkout.appliedDiscounts.find((d) => d.coupon)?.coupon;
    ui.coupon.hidden = checkout.customSettings?.lockCouponCode && !coupon;
    ui.applied.replaceChildren(...(coupon ? [this.#t('applied', coupon.code), ' ',
      el('button', { type: 'button', className: 'link', onclick: () => this.#removeCoupon() }, this.#t('removeCode', coupon.code))] : []));
    this.#currencies(checkout);
    this.#options();
    this.#fill(checkout);
    // the checkout's own issues; what the buyer was told otherwise stays until it is fixed
    const issues = checkout.calculationErrors ?? {};
    const text = (d) => d && (this.#t(d.applicationError.code) ?? d.applicationError.description);
    const couponIssue = text(issues.couponCalculationError);
    if (couponIssue || coupon) this.#mark('couponCode', couponIssue ?? '');
    const deliveryIssue = text(issues.selectedShippingOptionError);
    if (deliveryIssue || checkout.shippingInfo?.selectedCarrierServiceOption) this.#mark('delivery', deliveryIssue ?? '');
    const cardIssue = issues.giftCardCalculationError;
    if (cardIssue) this.#error(text(cardIssue), cardIssue.applicationError.code);
    else if (this.#ui.alert.dataset.card) this.#error('');
    this.#ui.alert.dataset.card = cardIssue ? '1' : '';
  }

  #fill(checkout) {
    const fields = this.#ui.fields;
    const a = checkout.shippingInfo?.shippingDestination?.address ?? checkout.billingInfo?.address ?? {};
    const c = checkout.shippingInfo?.shippingDestination?.contactDetails ?? checkout.billingInfo?.contactDetails ?? {};
    const active = this.#root.activeElement;
    // the region field is made once the country's list is in: until then, it is given the checkout's
    if (a.country && active !== fields.country && (a.country !== fields.country.value || !fields.subdivision)) {
      this.#region(a.country, a.subdivision ?? '');
    }
    const values = { email: checkout.buyerInfo?.email, phone: c.phone, firstName: c.firstName, lastName: c.lastName, addressLine: a.addressLine,
      addressLine2: a.addressLine2, city: a.city, postalCode: a.postalCode, subdivision: a.subdivision };
    for (const [name, value] of Object.entries(values)) {
      if (value && fields[name] && !fields[name].value && active !== fields[name]) fields[name].value = value;
    }
  }

  #line(line) {
    const id = `${this.#id}-q-${line.id}`;
    const name = line.productName?.original ?? '';
    const qty = el('input', { id, name: 'quantity', type: 'number', inputMode: 'numeric', min: 1, max: 100000, value: line.quantity, part: 'input quantity' });
    qty.addEventListener('input', () => { if (qty.value !== '') this.#setQuantity(line.id, Number(qty.value)); });
    const status = line.availability?.status;
    const stock = status === 'PARTIALLY_AVAILABLE' ? this.#t('only', line.availability.quantityAvailable)
      : status === 'NOT_AVAILABLE' || status === 'NOT_FOUND' ? this.#t('soldOut') : null;
    const total = el('span', { className: 'amount', dataset: { lineTotal: '' } }, this.#price(line.lineItemPrice));
    this.#totals.set(line.id, total);
    const blank = () => el('span', { className: 'noimg', part: 'thumbnail' });
    const image = line.media?.url && el('img', { src: line.media.url, alt: '', width: 48, height: 48, loading: 'lazy', decoding: 'async',
      part: 'thumbnail', onerror: () => image.replaceWith(blank()) });
    return el('li', { className: 'line', part: 'line', dataset: { lineItemId: line.id } },
      image || blank(),
      el('span', { className: 'name' }, name),
      el('span', { className: 'qty' }, el('label', { htmlFor: id }, this.#t('qty'), el('span', { className: 'vh' }, `, ${name}`)), qty),
      total,
      el('button', { type: 'button', className: 'link rm', 'aria-label': this.#t('removeItem', name), onclick: () => this.#removeLine(line.id) }, this.#t('remove')),
      stock ? el('p', { className: 'stock', role: 'status' }, stock) : null);
  }

  /** The totals, from the worker (`final`) or the engine; each `{amount, convertedAmount?}`. */
  #summary(s, giftCard, final) {
    const ui = this.#ui;
    const c = this.#checkout;
    const show = (key, text) => {
      ui.rows[key][1].textContent = text ?? '';
      for (const node of ui.rows[key]) node.hidden = text == null;
    };
    const nonzero = (p) => !ZERO.test(p.amount);
    show('subtotal', this.#price(s.subtotal));
    show('discount', nonzero(s.discount) ? this.#price(s.discount, true) : null);
    const shipping = c.shippingInfo?.selectedCarrierServiceOption;
    const choices = c.shippingInfo?.carrierServiceOptions?.[0]?.shippingOptions?.length;
    show('shipping', shipping ? (nonzero(s.shipping) ? this.#price(s.shipping) : this.#t('free')) : choices ? this.#t('notYet') : null);
    ui.rows.tax[0].textContent = this.#t(c.taxIncludedInPrice ? 'inclTax' : 'tax');
    show('tax', this.#price(s.tax));
    show('additionalFees', nonzero(s.additionalFees) ? this.#price(s.additionalFees) : null);
    const gift = typeof giftCard === 'string' ? giftCard : giftCard?.amount;
    show('giftCard', gift && !ZERO.test(gift) ? this.#amount(gift, true) : null);
    show('total', this.#price(s.total));
    ui.charged.hidden = !this.#conv;
    if (this.#conv) ui.charged.textContent = this.#t('charged', this.#fmt(s.total.amount, c.currency));
    const priceSummary = Object.fromEntries(Object.entries(s).map(([k, p]) => [k, { amount: p.amount, convertedAmount: p.convertedAmount }]));
    this.#emit('change', { checkoutId: c.id, currency: c.currency, conversionCurrency: c.conversionCurrency, priceSummary, final });
  }

  #currencies(checkout) {
    const box = this.#ui.currencyBox;
    const list = checkout.presentmentCurrencies ?? [];
    box.hidden = list.length === 0;
    if (!list.length) return;
    let names;
    try {
      names = new Intl.DisplayNames([this.#locale, 'en'], { type: 'currency' });
    } catch { /* codes alone */ }
    const select = this.#ui.fields.currency;
    select.replaceChildren(...[checkout.currency, ...list.map((p) => p.currency)].map((code) =>
      el('option', { value: code }, names ? `${code} · ${names.of(code)}` : code)));
    select.value = checkout.conversionCurrency;
  }

  /** The delivery options of the checkout, as radio buttons; returns them. */
  #options() {
    const ui = this.#ui;
    const info = this.#checkout?.shippingInfo;
    const options = info?.carrierServiceOptions?.[0]?.shippingOptions ?? [];
    const selected = info?.selectedCarrierServiceOption?.code;
    ui.delivery.hidden = options.length === 0;
    ui.options.replaceChildren(...options.map((o) => {
      const id = `${this.#id}-ship-${o.code}`;
      const input = el('input', { type: 'radio', name: 'delivery', value: o.code, id, checked: o.code === selected, part: 'input',
        onchange: () => this.#change('PATCH', '', { checkout: { shippingInfo: { selectedCarrierServiceOption: { code: o.code } } } }) });
      const cost = ZERO.test(o.cost.price.amount) ? this.#t('free') : this.#amount(o.cost.price.amount);
      return el('div', { className: 'option' }, input, el('label', { htmlFor: id },
        el('span', {}, o.title, o.logistics?.deliveryTime ? el('span', { className: 'muted' }, ` · ${o.logistics.deliveryTime}`) : null),
        el('span', { className: 'cost' }, cost)));
    }));
    return options;
  }

  /** Prices an edit in the page now, and shows it: the totals, and each line's (only `lineId`'s when given). */
  #local(edit, lineId) {
    const summary = edit(this.#engine);
    for (const line of this.#engine.pricing().lineItems) {
      if (lineId === undefined || line.id === lineId) this.#totals.get(line.id).textContent = this.#amount(line.lineItemPrice);
    }
    this.#summary(summary.priceSummary, summary.giftCard?.amount, false);
  }

  #setQuantity(lineId, quantity) {
    const edit = (engine) => engine.setQuantity(lineId, quantity);
    try {
      this.#local(edit, lineId);
    } catch (e) {
      this.#error(e.message, e.code);
      return;
    }
    this.#error('');
    const line = this.#input.lineItems.find((l) => l.id === lineId);
    if (line) line.quantity = quantity;
    // answers to earlier changes are now out of date: the page shows more
    this.#seq++;
    // one request per line, after the buyer stops typing
    clearTimeout(this.#pending.get(lineId)?.timer);
    const send = () => {
      this.#pending.delete(lineId);
      return this.#change('POST', '/update-line-items-quantity', { lineItems: [{ id: lineId, quantity }] }, edit, `q${lineId}`);
    };
    this.#pending.set(lineId, { send, timer: setTimeout(send, SYNC_DELAY_MS) });
  }

  /** Sends the changes still waiting for the buyer to stop typing, and waits for every answer. */
  async #settle() {
    const waiting = [...this.#pending.values()];
    for (const { timer } of waiting) clearTimeout(timer);
    await Promise.all(waiting.map(({ send }) => send()));
    await Promise.all([...this.#inflight]);
  }

  #removeLine(lineId) {
    clearTimeout(this.#pending.get(lineId)?.timer); // its quantity need not be sent now
    this.#pending.delete(lineId);
    try {
      this.#local((engine) => engine.removeLine(lineId));
      this.#input.lineItems = this.#input.lineItems.filter((l) => l.id !== lineId);
    } catch { /* the worker decides */ }
    this.#ui.lines.querySelector(`[data-line-item-id="${CSS.escape(lineId)}"]`)?.remove();
    this.#change('POST', '/remove-line-items', { lineItemIds: [lineId] }, undefined, `r${lineId}`);
  }

  #removeCoupon() {
    const edit = (engine) => engine.removeCoupon();
    this.#local(edit);
    delete this.#input.coupons;
    this.#change('POST', '/remove-coupon', {}, edit);
  }

  async #applyCoupon() {
    const input = this.#ui.fields.couponCode;
    const code = input.value.trim();
    if (!code) return;
    // the coupon's rules are the store's: only the worker can price a new one
    this.#mark('couponCode', '');
    const ok = await this.#change('PATCH', '', { couponCode: code }, undefined, 'coupon', 'couponCode');
    if (ok) input.value = '';
  }

  /** The buyer picks a currency: priced at once by the engine at the store's rate, then sent. */
  #switchCurrency(code) {
    const c = this.#checkout;
    const p = c.presentmentCurrencies?.find((x) => x.currency === code);
    if (p) this.#input.conversion = { currency: code, rate: p.rate };
    else delete this.#input.conversion;
    this.#conv = p ? code : null;
    this.#engine?.free();
    this.#engine = new Checkout(this.#input);
    this.#local((engine) => engine.summary());
    this.#options();
    this.#change('PATCH', '', { checkout: { conversionCurrency: code } }, undefined, 'currency');
  }

  /**
   * Sends a change to the worker and shows its answer. `edit` is the change
   * as the engine made it in the page: replayed on the worker's answer (which
   * holds every other change too), it must give the worker's totals; where it
   * does not (the worker lowered a quantity to the stock left, say), the
   * worker wins and the element says what changed. `key` names the change
   * for a retry; `field` is where its refusal is shown.
   */
  async #change(method, suffix, body, edit, key = suffix, field) {
    const seq = ++this.#seq;
    const id = this.#checkout?.id;
    if (!id) return false;
    const sent = this.#api(method, `/ecom/v1/checkouts/${encodeURIComponent(id)}${suffix}`, body);
    const settled = sent.catch(() => {}).finally(() => this.#inflight.delete(settled));
    this.#inflight.add(settled);
    try {
      const { checkout } = await sent;
      if (seq !== this.#seq) return true; // a newer change is on its way
      this.#show(checkout);
      const note = this.#ui.note;
      let mine;
      if (edit) {
        const replay = new Checkout(checkout.pricingInput);
        try {
          mine = edit(replay).priceSummary.total;
        } catch { /* the line is gone: nothing to compare */ }
        replay.free();
      }
      const theirs = checkout.priceSummary.total;
      const differs = mine !== undefined && mine.amount !== theirs.amount;
      note.hidden = !differs;
      note.dataset.reconciled = differs ? 'worker' : '';
      if (differs) note.textContent = this.#t('updated', this.#price(theirs), this.#price(mine));
      return true;
    } catch (e) {
      if (e.code === 'NETWORK') return !this.#fail(e, () => this.#change(method, suffix, body, edit, key, field), key);
      if (seq !== this.#seq) return false;
      // a refused code changed nothing: it is said at its field
      if (field) this.#mark(field, this.#say(e));
      else if (!this.#fail(e)) this.load();
      return false;
    }
  }

  async #placeOrder() {
    const ui = this.#ui;
    let first = null;
    for (const name of ['email', 'phone', 'country', 'firstName', 'lastName', 'addressLine', 'addressLine2', 'city', 'subdivision', 'postalCode']) {
      if (!this.#check(name, true)) first ??= ui.fields[name];
    }
    const options = this.#options();
    const chosen = this.#checkout?.shippingInfo?.selectedCarrierServiceOption;
    if (options.length && !chosen) {
      this.#mark('delivery', this.#t('pickDelivery'));
      first ??= ui.options.querySelector('input');
    }
    if (first) {
      this.#error(this.#t('fix'));
      first.focus();
      return;
    }
    const id = this.#checkout?.id;
    if (!id) return;
    ui.submit.disabled = true;
    ui.submit.textContent = this.#t('placing');
    try {
      await this.#settle();
      if (!(await this.#save())) return;
      // one key per order attempt: a retry after a lost answer gets the same order
      this.#orderKey ??= crypto.randomUUID();
      const placed = await this.#api('POST', `/ecom/v1/checkouts/${encodeURIComponent(id)}/create-order`, {}, this.#orderKey);
      this.#orderKey = null;
      this.#confirm(placed);
    } catch (e) {
      if (e.code !== 'NETWORK') this.#orderKey = null;
      const reasons = e.violations?.map((v) => this.#t(v.code) ?? v.description).join(' ');
      if (reasons) this.#error(this.#t('notReady', reasons), e.code);
      else this.#fail(e, () => this.#placeOrder(), 'order');
    } finally {
      ui.submit.disabled = false;
      ui.submit.textContent = this.#t('place');
    }
  }

  #confirm({ orderId, orderNumber, paymentGatewayOrderId }) {
    const ui = this.#ui;
    const c = this.#checkout;
    const due = c.payNow.total;
    const owed = !ZERO.test(due.amount);
    const heading = el('h2', { tabIndex: -1 }, this.#t('thanks'));
    ui.done.replaceChildren(heading,
      el('p', {}, this.#t('number', orderNumber ?? orderId)),
      el('p', { dataset: { amount: due.amount } }, this.#t(owed ? 'toPay' : 'paid', this.#price(due))),
      c.buyerInfo?.email ? el('p', {}, this.#t('sentTo', c.buyerInfo.email)) : null,
      owed ? el('p', { className: 'muted' }, this.#t('payNext')) : null);
    ui.done.dataset.orderId = orderId;
    ui.done.hidden = false;
    ui.body.hidden = true;
    this.#placed = true;
    this.#error('');
    heading.focus();
    this.#emit('order-created', { orderId, orderNumber, checkoutId: c.id, paymentGatewayOrderId, payNow: { amount: due.amount, currency: c.currency } });
  }
}

if (!customElements.get('edge-checkout')) customElements.define('edge-checkout', EdgeCheckoutElement);
