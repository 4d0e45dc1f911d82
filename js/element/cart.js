// The cart and its totals: a row per line (its quantity field, total and
// stock note), the discount code, the buyer's currency and the summary.
// Amounts come formatted from the host (the worker's or the engine's, in the
// buyer's currency when they chose one). A late answer never writes into a
// quantity the buyer is in, nor into one whose change still waits.
import { el, field, idle, isZero, mark, place } from './dom.js';

const blank = () => el('span', { className: 'noimg', part: 'thumbnail' });

// new rows made at once in a page: more than a screen holds
const FIRST = 40;

const ROWS = [['subtotal', 'subtotal'], ['discount', 'discount'], ['shipping', 'shipping'], ['tax', 'tax'],
  ['additionalFees', 'fees'], ['giftCard', 'giftCard'], ['total', 'total']];

export class Cart {
  #host;
  #rows = new Map(); // line id: its row ({li, qty, total, stock, deferred, lowered})
  #templates = []; // a line's row before it is a line's: [without a picture, with one]
  #lines = []; // the lines shown last
  #code = null; // the applied code shown
  #currencies = ''; // the currencies listed
  fields = {};

  /**
   * `host`: `{id, t(key, …args), price(p, negative), amount(a, negative), fmt(amount, currency), waits(lineId),
   * linePrice(line) (a page's only; undefined: the worker's), quantity(lineId, n), remove(lineId), applyCoupon(), removeCoupon(), currency(code)}`.
   */
  constructor(host) {
    this.#host = host;
    const { id, t } = host;
    const make = (name, word, props, tag) => (this.fields[name] = field(`${id}-${name}`, name, t(word), props, tag)).box;
    this.lines = el('ul', { part: 'lines', 'aria-label': t('cart') });
    // the rows' listeners, on their list: each given the target, its row and its line's id
    const on = (type, act, capture) => this.lines.addEventListener(type, ({ target }) => {
      const lineId = target.closest('li')?.dataset.lineItemId;
      const row = this.#rows.get(lineId);
      if (row) act(target, row, lineId);
    }, capture);
    on('input', (target, row, lineId) => {
      if (target !== row.qty) return;
      row.deferred = row.lowered = null;
      if (target.value !== '') host.quantity(lineId, Number(target.value));
    });
    // the worker's quantity that came while the buyer was in the field, now that they have left it
    on('focusout', (target, row) => {
      if (target !== row.qty) return;
      if (row.deferred !== null) target.value = row.deferred;
      row.deferred = null;
    });
    on('click', (target, row, lineId) => { if (target.closest('.rm')) host.remove(lineId); });
    // a picture that does not load: the blank in its place (an error does not bubble: caught on its way down)
    on('error', (target) => { if (target.localName === 'img') target.replaceWith(blank()); }, true);
    this.applied = el('p', { className: 'applied muted' });
    this.coupon = el('form', { className: 'coupon', part: 'coupon', onsubmit: (e) => { e.preventDefault(); host.applyCoupon(); } },
      make('couponCode', 'code', { autocomplete: 'off', autocapitalize: 'characters', spellcheck: false }),
      el('button', { type: 'submit' }, t('apply')), this.applied);
    this.currencyBox = make('currency', 'currency', { onchange: (e) => host.currency(e.target.value) }, 'select');
    this.currencyBox.setAttribute('part', 'field currency');
    this.summaryList = el('dl', { part: 'summary', 'aria-live': 'polite', 'aria-atomic': 'true' });
    this.rows = {};
    for (const [key, word] of ROWS) {
      const dt = el('dt', { className: key === 'total' ? 'total' : '' }, t(word));
      const dd = el('dd', { className: key === 'total' ? 'total' : '', dataset: { summary: key } });
      this.rows[key] = [dt, dd];
      this.summaryList.append(dt, dd);
    }
    this.charged = el('p', { className: 'muted', hidden: true, dataset: { charged: '' } });
    this.note = el('p', { className: 'note', hidden: true, dataset: { reconciled: '' } });
    this.node = el('section', { className: 'panel', part: 'cart', 'aria-label': t('cart') },
      this.lines, this.coupon, this.currencyBox, this.summaryList, this.charged, this.note);
  }

  mark(name, message) {
    if (this.fields[name]) mark(this.fields[name], message);
  }

  /** The row of the line `lineId`, or undefined. */
  row(lineId) {
    return this.#rows.get(lineId);
  }

  /**
   * A line's row as it is before it is a line's: with its picture or
   * without. A new row is a copy of it (a long cart's rows are copied, not
   * built node by node: about half the time in Chromium); its listeners are
   * the list's (the constructor's).
   */
  #template(image) {
    const { t } = this.#host;
    return (this.#templates[image ? 1 : 0] ??= el('li', { className: 'line', part: 'line' },
      image ? el('img', { loading: 'lazy', decoding: 'async', alt: '', width: 48, height: 48, part: 'thumbnail' }) : blank(),
      el('span', { className: 'name' }),
      el('span', { className: 'qty' }, el('label', {}, t('qty'), el('span', { className: 'vh' })),
        el('input', { name: 'quantity', type: 'number', inputMode: 'numeric', min: 1, max: 100000, part: 'input quantity' })),
      el('span', { className: 'amount', dataset: { lineTotal: '' } }),
      el('button', { type: 'button', className: 'link rm' }, t('remove')),
      el('p', { className: 'stock', role: 'status' })));
  }

  /** A new row for a line of the cart, filled from `line`. */
  #line(line, fresh = true) {
    const { id: eid, t } = this.#host;
    const id = `${eid}-q-${line.id}`;
    const name = line.productName?.original ?? '';
    const image = line.media?.url;
    const li = this.#template(image).cloneNode(true);
    const [picture, title, box, total, button, stock] = li.children;
    const [label, qty] = box.children;
    li.dataset.lineItemId = line.id;
    if (image) picture.src = image;
    title.textContent = name;
    label.htmlFor = id;
    label.children[0].textContent = `, ${name}`;
    qty.id = id;
    qty.value = line.quantity;
    button.setAttribute('aria-label', t('removeItem', name));
    const row = { li, qty, total, stock, deferred: null, lowered: null };
    // made once the page is idle: the line's price as the page has it now (a change may be on its way)
    this.#fill(row, line, fresh ? undefined : this.#host.linePrice(line));
    return row;
  }

  /**
   * Writes a line as the worker sent it into its row. The quantity stays the
   * buyer's while they are in the field (it is written when they leave it)
   * and while a change of it waits or is on its way. `total`: the line's
   * price as the page has it, when not the worker's.
   */
  #fill(row, line, total) {
    const { t, price, waits } = this.#host;
    row.total.textContent = total ?? price(line.lineItemPrice);
    const status = line.availability?.status;
    const stock = status === 'PARTIALLY_AVAILABLE' ? t('only', line.availability.quantityAvailable)
      : status === 'NOT_AVAILABLE' || status === 'NOT_FOUND' ? t('soldOut')
        : row.lowered !== null ? t('only', row.lowered) : '';
    row.stock.textContent = stock;
    row.stock.hidden = !stock;
    const value = String(line.quantity);
    if (row.qty.value === value || waits(line.id)) {
      row.deferred = null;
    } else if (row.qty.getRootNode().activeElement === row.qty) {
      row.deferred = value;
    } else {
      row.qty.value = value;
    }
  }

  /**
   * Shows the checkout's lines: each line's row kept and filled in place, new
   * ones made, gone ones removed. In a page, at most FIRST new rows at once
   * (a long cart's first paint shows its first rows and its totals); the
   * others once the page is idle after it (`fill` false: the rows made
   * already are left as they are, priced in the page since, it may be, and
   * the new ones priced as the page has them).
   */
  show(lines, all = !globalThis.document, fill = true) {
    const rows = new Map();
    let made = 0;
    this.#lines = lines;
    for (const line of lines) {
      const row = this.#rows.get(line.id);
      if (row && fill) this.#fill(row, line);
      if (row || all || made++ < FIRST) rows.set(line.id, row ?? this.#line(line, fill));
    }
    // once the page is idle, after this paint (from the lines shown then: a newer show may have made them already)
    if (made > FIRST) idle(() => this.show(this.#lines, true, false));
    this.#rows = rows;
    place(this.lines, [...rows.values()].map((r) => r.li));
  }

  /** Takes a line's row away at once (its removal is on its way). */
  remove(lineId) {
    this.#rows.get(lineId)?.li.remove();
    this.#rows.delete(lineId);
    this.#lines = this.#lines.filter((l) => l.id !== lineId);
  }

  /** The applied code, with its button to remove it; the code's box hidden when the store locks it. */
  showCoupon(checkout) {
    const { t, removeCoupon } = this.#host;
    const coupon = checkout.appliedDiscounts.find((d) => d.coupon)?.coupon;
    this.coupon.hidden = checkout.customSettings?.lockCouponCode && !coupon;
    // the same code's button is kept: an answer never takes away the button the buyer is on
    if (coupon?.code !== this.#code) {
      this.#code = coupon?.code;
      this.applied.replaceChildren(...(coupon ? [t('applied', coupon.code), ' ',
        el('button', { type: 'button', className: 'link', onclick: () => removeCoupon() }, t('removeCode', coupon.code))] : []));
    }
    return coupon;
  }

  /** The store's currency and the ones it presents prices in, the buyer's chosen. */
  showCurrencies(checkout, locale) {
    const list = checkout.presentmentCurrencies ?? [];
    this.currencyBox.hidden = list.length === 0;
    if (!list.length) return;
    const select = this.fields.currency.control;
    const codes = [checkout.currency, ...list.map((p) => p.currency)];
    // the same currencies' options are kept (named already; one open stays open)
    if (`${codes}` !== this.#currencies) {
      this.#currencies = `${codes}`;
      select.replaceChildren(...codes.map((code) => el('option', { value: code }, code)));
      // their names once the page is idle (until then, their codes)
      idle(() => {
        try {
          const names = new Intl.DisplayNames([locale, 'en'], { type: 'currency' });
          for (const o of select.options) o.textContent = `${o.value} · ${names.of(o.value)}`;
        } catch { /* codes alone */ }
      });
    }
    select.value = checkout.conversionCurrency;
  }

  /** The totals `s` (each `{amount, convertedAmount?}`) of `checkout`; `conv`: the buyer's currency, if not the store's. */
  summary(s, giftCard, checkout, conv) {
    const { t, price, amount, fmt } = this.#host;
    const show = (key, text) => {
      this.rows[key][1].textContent = text ?? '';
      for (const node of this.rows[key]) node.hidden = text == null;
    };
    const nonzero = (p) => !isZero(p.amount);
    show('subtotal', price(s.subtotal));
    show('discount', nonzero(s.discount) ? price(s.discount, true) : null);
    const shipping = checkout.shippingInfo?.selectedCarrierServiceOption;
    const choices = checkout.shippingInfo?.carrierServiceOptions?.[0]?.shippingOptions?.length;
    show('shipping', shipping ? (nonzero(s.shipping) ? price(s.shipping) : t('free')) : choices ? t('notYet') : null);
    this.rows.tax[0].textContent = t(checkout.taxIncludedInPrice ? 'inclTax' : 'tax');
    show('tax', price(s.tax));
    show('additionalFees', nonzero(s.additionalFees) ? price(s.additionalFees) : null);
    const gift = typeof giftCard === 'string' ? giftCard : giftCard?.amount;
    show('giftCard', gift && !isZero(gift) ? amount(gift, true) : null);
    show('total', price(s.total));
    this.charged.hidden = !conv;
    if (conv) this.charged.textContent = t('charged', fmt(s.total.amount, checkout.currency));
  }

  /** Says (or, `text` empty, stops saying) that the worker's totals differ from the page's. */
  reconciled(text) {
    this.note.hidden = !text;
    this.note.dataset.reconciled = text ? 'worker' : '';
    if (text) this.note.textContent = text;
  }
}
