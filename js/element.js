// <edge-checkout checkout-id api-base publishable-key>: a checkout from the
// worker, with live totals. A quantity change or a coupon removal is priced at
// once in the page by the WebAssembly engine (from the pricing input the worker
// priced the checkout from), then sent to the worker; the worker's answer is
// shown when it comes, and where it differs (stock lowered a quantity, say),
// the worker wins and the element says what changed.
import { Checkout, formatMoney } from './index.js';

const SUMMARY = [
  ['subtotal', 'Subtotal'],
  ['discount', 'Discount'],
  ['shipping', 'Shipping'],
  ['tax', 'Tax'],
  ['additionalFees', 'Fees'],
  ['total', 'Total'],
];
const SYNC_DELAY_MS = 250;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k in node && !k.includes('-')) node[k] = v;
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c != null));
  return node;
}

let uid = 0;

export class EdgeCheckoutElement extends HTMLElement {
  static observedAttributes = ['checkout-id', 'api-base', 'publishable-key'];

  #checkout = null;
  #engine = null;
  #pending = new Map();
  #seq = 0;
  #id = `edge-checkout-${++uid}`;

  connectedCallback() {
    if (!this.#shell) this.#render();
    this.load();
  }

  attributeChangedCallback(name, before, after) {
    if (this.isConnected && before !== after && name === 'checkout-id') this.load();
  }

  get checkout() {
    return this.#checkout;
  }

  #shell = null;

  #api(method, path, body) {
    const base = (this.getAttribute('api-base') ?? '').replace(/\/$/, '');
    const headers = { authorization: this.getAttribute('publishable-key') ?? '' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const sep = path.includes('?') ? '&' : '?';
    return fetch(`${base}${path}${sep}include=pricingInput`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(async (r) => {
        const data = await r.json().catch(() => ({}));
        if (r.status !== 200) {
          const err = new Error(data.message ?? `HTTP ${r.status}`);
          err.status = r.status;
          err.code = data.details?.applicationError?.code;
          err.violations = data.details?.applicationError?.data?.violations;
          throw err;
        }
        return data;
      });
  }

  /** Loads the checkout named by `checkout-id`. */
  async load() {
    const id = this.getAttribute('checkout-id');
    if (!id) return this.#show(null);
    try {
      const { checkout } = await this.#api('GET', `/ecom/v1/checkouts/${encodeURIComponent(id)}`);
      this.#show(checkout);
    } catch (e) {
      this.#error(e.message);
    }
  }

  #render() {
    const id = this.#id;
    this.#shell = {
      lines: el('ul', { className: 'ec-lines', 'aria-label': 'Items' }),
      empty: el('p', { className: 'ec-empty' }, 'Your cart is empty.'),
      summary: el('dl', { className: 'ec-summary', 'aria-live': 'polite', 'aria-atomic': 'true' }),
      note: el('p', { className: 'ec-note', hidden: true, dataset: { reconciled: '' } }),
      alert: el('p', { role: 'alert', className: 'ec-alert' }),
      coupon: el('input', { id: `${id}-coupon`, name: 'couponCode', autocomplete: 'off' }),
      couponApplied: el('p', { className: 'ec-coupon-applied' }),
      options: el('fieldset', { className: 'ec-options', hidden: true }, el('legend', {}, 'Delivery')),
      placed: el('p', { className: 'ec-placed', hidden: true, dataset: { orderId: '' } }),
    };
    const s = this.#shell;
    for (const [key, label] of SUMMARY) {
      s.summary.append(el('dt', {}, label), el('dd', { dataset: { summary: key } }));
    }
    const field = (name, label, props = {}) => {
      const input = el('input', { id: `${id}-${name}`, name, ...props });
      return [el('label', { htmlFor: input.id }, label), input];
    };
    const address = el('form', { className: 'ec-address', onsubmit: (e) => { e.preventDefault(); this.#saveAddress(e.target); } },
      el('h3', {}, 'Contact and address'),
      ...field('email', 'Email', { type: 'email', autocomplete: 'email', required: true }),
      ...field('firstName', 'First name', { autocomplete: 'given-name' }),
      ...field('lastName', 'Last name', { autocomplete: 'family-name' }),
      ...field('addressLine', 'Address', { autocomplete: 'address-line1' }),
      ...field('city', 'City', { autocomplete: 'address-level2' }),
      ...field('postalCode', 'Postal code', { autocomplete: 'postal-code' }),
      ...field('subdivision', 'State or region (ISO 3166-2, as US-CA)', {}),
      ...field('country', 'Country (two letters, as US)', { autocomplete: 'country', maxLength: 2, required: true }),
      el('button', { type: 'submit' }, 'Save address'));
    const couponForm = el('form', { className: 'ec-coupon', onsubmit: (e) => { e.preventDefault(); this.#applyCoupon(s.coupon.value.trim()); } },
      el('label', { htmlFor: s.coupon.id }, 'Coupon code'), s.coupon, el('button', { type: 'submit' }, 'Apply'), s.couponApplied);
    const place = el('button', { type: 'button', className: 'ec-place', dataset: { action: 'place-order' }, onclick: () => this.#placeOrder() }, 'Place order');
    this.replaceChildren(el('section', { className: 'ec', 'aria-label': 'Checkout' },
      s.empty, s.lines, couponForm, address, s.options, s.summary, s.note, s.alert, place, s.placed));
  }

  #money(amount) {
    return formatMoney(amount, this.#checkout?.currency ?? 'USD', this.closest('[lang]')?.lang || undefined);
  }

  #error(message) {
    this.#shell.alert.textContent = message ?? '';
  }

  /** Shows a checkout as the worker sent it, and reloads the engine from its pricing input. */
  #show(checkout) {
    const s = this.#shell;
    this.#checkout = checkout;
    this.#engine?.free();
    this.#engine = checkout ? new Checkout(checkout.pricingInput) : null;
    const focused = document.activeElement?.closest?.('[data-line-item-id]')?.dataset.lineItemId;
    s.lines.replaceChildren();
    const lines = checkout?.lineItems ?? [];
    s.empty.hidden = lines.length > 0;
    for (const line of lines) s.lines.append(this.#line(line));
    if (focused) s.lines.querySelector(`[data-line-item-id="${CSS.escape(focused)}"] input`)?.focus();
    this.#summary(checkout?.priceSummary);
    const coupon = checkout?.appliedDiscounts?.find((d) => d.coupon)?.coupon;
    s.couponApplied.replaceChildren(...(coupon ? [`Coupon ${coupon.code} applied. `,
      el('button', { type: 'button', className: 'ec-link', onclick: () => this.#removeCoupon() }, `Remove ${coupon.code}`)] : []));
    this.#shippingOptions(checkout);
    const form = this.querySelector('.ec-address');
    const a = checkout?.shippingInfo?.shippingDestination?.address ?? checkout?.billingInfo?.address;
    const c = checkout?.billingInfo?.contactDetails;
    for (const [name, value] of [['email', checkout?.buyerInfo?.email], ['firstName', c?.firstName], ['lastName', c?.lastName],
      ['addressLine', a?.addressLine], ['city', a?.city], ['postalCode', a?.postalCode], ['subdivision', a?.subdivision], ['country', a?.country]]) {
      if (value && form.elements[name] && document.activeElement !== form.elements[name]) form.elements[name].value = value;
    }
    const errors = Object.values(checkout?.calculationErrors ?? {}).map((d) => d.applicationError?.description).filter(Boolean);
    this.#error(errors.join(' '));
    this.dispatchEvent(new CustomEvent('checkout-change', { detail: { checkout } }));
  }

  #line(line) {
    const id = `${this.#id}-qty-${line.id}`;
    const qty = el('input', { id, name: 'quantity', type: 'number', inputMode: 'numeric', min: 1, max: 100000, value: line.quantity });
    qty.addEventListener('input', () => { if (qty.value !== '') this.#setQuantity(line.id, Number(qty.value)); });
    const status = line.availability?.status;
    return el('li', { dataset: { lineItemId: line.id } },
      el('label', { htmlFor: id }, line.productName?.original ?? ''),
      qty,
      el('span', { className: 'ec-line-total', dataset: { lineTotal: '' } }, this.#money(line.lineItemPrice.amount)),
      el('button', { type: 'button', className: 'ec-link', 'aria-label': `Remove ${line.productName?.original ?? 'item'}`, onclick: () => this.#removeLine(line.id) }, 'Remove'),
      status && status !== 'AVAILABLE'
        ? el('small', { className: 'ec-availability' }, status === 'PARTIALLY_AVAILABLE' ? `Only ${line.availability.quantityAvailable} left` : 'Not available')
        : null);
  }

  #summary(summary) {
    for (const [key] of SUMMARY) {
      const node = this.#shell.summary.querySelector(`[data-summary="${key}"]`);
      node.textContent = summary ? this.#money(summary[key].amount) : '';
    }
  }

  #shippingOptions(checkout) {
    const box = this.#shell.options;
    const options = checkout?.shippingInfo?.carrierServiceOptions?.[0]?.shippingOptions ?? [];
    const selected = checkout?.shippingInfo?.selectedCarrierServiceOption?.code;
    box.hidden = options.length === 0;
    box.replaceChildren(el('legend', {}, 'Delivery'), ...options.map((o) => {
      const input = el('input', { type: 'radio', name: `${this.#id}-shipping`, value: o.code, id: `${this.#id}-ship-${o.code}`, checked: o.code === selected,
        onchange: () => this.#change('PATCH', '', { checkout: { shippingInfo: { selectedCarrierServiceOption: { code: o.code } } } }) });
      return el('div', {}, input, el('label', { htmlFor: input.id }, `${o.title} · ${this.#money(o.cost.price.amount)}`));
    }));
  }

  /** Prices an edit in the page now; resolves to the local summary or throws the engine's error. */
  #local(edit) {
    const local = edit(this.#engine);
    this.#summary(local.priceSummary);
    return local;
  }

  #setQuantity(lineId, quantity) {
    const edit = (engine) => engine.setQuantity(lineId, quantity);
    try {
      this.#local(edit);
    } catch (e) {
      this.#error(e.message);
      return;
    }
    this.#error('');
    const line = this.#checkout.lineItems.find((l) => l.id === lineId);
    const lineTotal = this.querySelector(`[data-line-item-id="${CSS.escape(lineId)}"] [data-line-total]`);
    const priced = this.#engine.pricing().lineItems.find((l) => l.id === lineId);
    if (lineTotal && priced) lineTotal.textContent = this.#money(priced.lineItemPrice);
    if (line) line.quantity = quantity;
    // answers to earlier changes are now out of date: the page shows more
    this.#seq++;
    // one request per line, after the buyer stops typing
    clearTimeout(this.#pending.get(lineId));
    this.#pending.set(lineId, setTimeout(() => {
      this.#pending.delete(lineId);
      this.#change('POST', '/update-line-items-quantity', { lineItems: [{ id: lineId, quantity }] }, edit);
    }, SYNC_DELAY_MS));
  }

  #removeLine(lineId) {
    const edit = (engine) => engine.removeLine(lineId);
    try {
      this.#local(edit);
    } catch { /* the worker decides */ }
    this.querySelector(`[data-line-item-id="${CSS.escape(lineId)}"]`)?.remove();
    this.#change('POST', '/remove-line-items', { lineItemIds: [lineId] });
  }

  #removeCoupon() {
    const edit = (engine) => engine.removeCoupon();
    this.#local(edit);
    this.#change('POST', '/remove-coupon', {}, edit);
  }

  #applyCoupon(code) {
    if (!code) return;
    // the coupon's rules are the store's: only the worker can price a new one
    this.#change('PATCH', '', { couponCode: code }).then((ok) => { if (ok) this.#shell.coupon.value = ''; });
  }

  #saveAddress(form) {
    const v = (name) => form.elements[name].value.trim() || undefined;
    const address = { addressLine: v('addressLine'), city: v('city'), postalCode: v('postalCode'), subdivision: v('subdivision'), country: v('country')?.toUpperCase() };
    const contactDetails = { firstName: v('firstName'), lastName: v('lastName') };
    this.#change('PATCH', '', { checkout: {
      buyerInfo: { email: v('email') },
      billingInfo: { address, contactDetails },
      shippingInfo: { shippingDestination: { address, contactDetails } },
    } });
  }

  /**
   * Sends a change to the worker and shows its answer. `edit` is the change
   * as the engine made it in the page: replayed on the worker's answer (which
   * holds every other change too), it must give the worker's totals; where it
   * does not (the worker lowered a quantity to the stock left, say), the
   * worker wins and the element says what changed.
   */
  async #change(method, suffix, body, edit) {
    const seq = ++this.#seq;
    const id = this.#checkout?.id;
    if (!id) return false;
    try {
      const { checkout } = await this.#api(method, `/ecom/v1/checkouts/${encodeURIComponent(id)}${suffix}`, body);
      if (seq !== this.#seq) return true; // a newer change is on its way
      this.#show(checkout);
      const note = this.#shell.note;
      let mine;
      if (edit) {
        const replay = new Checkout(checkout.pricingInput);
        try {
          mine = edit(replay).priceSummary.total.amount;
        } catch { /* the line is gone: nothing to compare */ }
        replay.free();
      }
      const theirs = checkout.priceSummary.total.amount;
      if (mine !== undefined && mine !== theirs) {
        note.hidden = false;
        note.dataset.reconciled = 'worker';
        note.textContent = `The store updated your cart: the total is ${this.#money(theirs)}, not ${this.#money(mine)}.`;
      } else {
        note.hidden = true;
        note.dataset.reconciled = '';
      }
      return true;
    } catch (e) {
      if (seq === this.#seq) {
        this.#error(e.message);
        this.load();
      }
      return false;
    }
  }

  async #placeOrder() {
    const id = this.#checkout?.id;
    if (!id) return;
    const button = this.querySelector('[data-action="place-order"]');
    button.disabled = true;
    try {
      const { orderId } = await this.#api('POST', `/ecom/v1/checkouts/${encodeURIComponent(id)}/create-order`, {});
      const placed = this.#shell.placed;
      placed.hidden = false;
      placed.dataset.orderId = orderId;
      placed.textContent = 'Thank you! Your order is placed.';
      this.#error('');
      this.dispatchEvent(new CustomEvent('order-placed', { detail: { orderId, checkoutId: id }, bubbles: true }));
    } catch (e) {
      const reasons = e.violations?.map((v) => v.description).join('; ');
      this.#error(reasons ? `The order cannot be placed yet: ${reasons}.` : e.message);
      button.disabled = false;
    }
  }
}

if (!customElements.get('edge-checkout')) customElements.define('edge-checkout', EdgeCheckoutElement);
