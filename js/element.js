// <edge-checkout checkout-id api-base publishable-key locale>: a checkout
// from the worker that a shopper finishes, with live totals. A quantity
// change, a coupon removal or a currency switch is priced at once in the page
// by the WebAssembly engine (from the pricing input the worker priced the
// checkout from), then sent to the worker; the worker's answer is shown when
// it comes, and where it differs (stock lowered a quantity, say), the worker
// wins and the element says what changed.
//
// Every change goes through one durable queue (./element/client.js): kept in
// the page's storage at once, sent in order, sent again by itself when the
// network returns, and sent first on the next visit after a closed tab. The
// order is never placed blind: offline, it waits for the buyer's go-ahead to
// still hold once the queue is answered.
//
// In parts: ./element/client.js talks to the worker, ./element/view.js
// builds the blocks and shows a checkout in them (./element/cart.js the lines
// and the totals, ./element/form.js the buyer's details, one table of
// fields); this file holds the checkout, prices edits with the engine and
// ties the parts together. Words from ./element/messages.js, styles from
// ./element/style.js. A page rendered on a server (./element/server.js, the
// same view) arrives with the checkout priced in a declarative shadow root:
// the element shows that checkout and replaces the markup in one step.
import { languageOf, messagesOf, say } from './element/messages.js';
import { Client } from './element/client.js';
import { amounts, build, confirm, mark, rootOf, show, showing } from './element/view.js';
import { idle, isZero, untilLoaded } from './element/dom.js';

let uid = 0;
// The engine (js/engine.js and its .wasm: the core without price(), for
// size) loads beside the element's words and the checkout's first request,
// not before them. `engine` resolves once it is in; `tried`, once its first
// load has ended either way. A load that failed is tried again until one gets
// through (./element/dom.js `untilLoaded`); meanwhile the worker prices every
// change.
let Checkout;
let formatMoney;
let tried;
const engine = untilLoaded(() => {
  const load = import('./engine.js').then((m) => m.load().then(() => ({ Checkout, formatMoney } = m)));
  tried ??= load.catch(() => {});
  return load;
});

/** Each amount in `o` (a checkout, as the worker sent it) with the worker's text of it, into `texts`. */
function said(o, texts) {
  if (!o || typeof o !== 'object') return;
  if (o.formattedAmount) texts.set(o.amount, o.formattedAmount);
  for (const v of Object.values(o)) said(v, texts);
}

export class EdgeCheckoutElement extends HTMLElement {
  static observedAttributes = ['checkout-id', 'locale', 'publishable-key', 'api-base'];

  #root = null;
  #ui = null;
  #cart = null;
  #form = null;
  #words = null;
  #lang = 'en';
  #checkout = null;
  #engine = null; // the live checkout: made from #input when first needed (undefined until then), null when it cannot be
  #input = null; // the pricing input as the page has changed it
  #conv = null; // the buyer's currency when it is not the store's
  #starts = 0;
  #shown = 0; // answers shown so far: a load answered after a newer one is not shown
  #loads = 0; // loads asked so far
  #by = 0; // the load whose answer was shown last (Infinity: a change's was, since)
  #unpriced = false; // a change answered since the last answer shown that the page could not price
  #total = null; // the total the buyer sees
  #edits = 0; // the buyer's changes so far
  #asked = null; // the buyer asked for the order offline: {edits, total} then
  #orderKey = null;
  #ordering = false;
  #placed = false;
  #handedOff = null;
  #early = false; // load() was asked before the element started: the checkout the server sent may be old
  #id = `ec${++uid}`;
  #texts = null; // before the engine: the worker's texts of the checkout's amounts (of its currency), by amount
  #money = amounts((amount, currency) => (formatMoney ? formatMoney(amount, currency, this.#locale) : this.#texts.get(amount)),
    () => ({ currency: this.#checkout.currency, conv: this.#conv, convert: (a) => this.#live?.convert(a) }));
  #client = new Client(() => ({ base: this.getAttribute('api-base') ?? '', key: this.getAttribute('publishable-key') ?? '' }), {
    answered: (change, checkout, last, merged) => this.#answered(change, checkout, last, merged),
    refused: (change, e) => this.#refused(change, e),
    pending: (count, offline) => this.#pending(count, offline),
  });
  #resumeOrder = () => this.#resume();
  #waiting = { count: 0, offline: false };

  connectedCallback() {
    if (!this.getAttribute('checkout-id') && this.hasAttribute('checkout-id-from-url')) {
      const fromUrl = new URLSearchParams(location.search).get('checkoutId');
      if (fromUrl) this.setAttribute('checkout-id', fromUrl);
    }
    this.#start();
  }

  attributeChangedCallback(name, before, after) {
    // before the first start (connectedCallback), which reads every attribute: nothing to do
    if (before === after || !this.isConnected || !this.#starts) return;
    if (name === 'locale') return this.#start();
    if (!this.#ui) return; // the start on its way reads the attributes
    if (name === 'checkout-id') {
      this.#placed = false;
      this.#asked = null;
      this.#ui.done.hidden = true;
      this.#openQueue();
    }
    this.load();
  }

  /** The checkout as the worker last sent it, or null. */
  get checkout() {
    return this.#checkout;
  }

  /** How many of the buyer's changes wait for the store's answer (kept across reloads). */
  get pending() {
    return this.#client.pending;
  }

  get #locale() {
    return this.getAttribute('locale') || this.closest('[lang]')?.lang || navigator.language || 'en';
  }

  async #start() {
    const lang = languageOf(this.#locale);
    const id = this.getAttribute('checkout-id');
    const source = () => ['api-base', 'publishable-key', 'checkout-id'].map((a) => this.getAttribute(a)).join(' ');
    const asked = source();
    // never asked without a key (the page may set it a moment later): that would only be refused
    const keyed = !!this.getAttribute('publishable-key');
    const served = this.#ui ? null : this.#served(id);
    const first = id && keyed && !this.#checkout && !served ? this.#client.checkout('GET', id) : undefined;
    first?.catch(() => {}); // load() below says how it failed
    const started = ++this.#starts;
    // the blocks are built while the engine and the checkout are on their way
    const words = await messagesOf(lang);
    if (started !== this.#starts) return; // the locale changed again meanwhile
    // a shadow root the server wrote (declarative) is kept until the element's own replaces it
    this.#root ??= this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    this.#lang = lang;
    this.#words = words;
    this.#build();
    if (!served) {
      // the queue is this checkout's from the first control shown: a change made before the engine is in
      // goes to the worker (and is priced here once the engine is)
      this.#openQueue();
      // its skeleton meanwhile (a server's markup stays until the element's own is whole)
      this.#root.replaceChildren(...rootOf(this.#ui));
      // shown as it comes, before the engine when the worker's own texts are every amount it shows (#show)
      if (this.#checkout) this.#show(this.#checkout);
      else this.load(asked === source() ? first : undefined); // not when the page set the key meanwhile
    }
    await tried;
    // a served checkout the worker's texts cannot show (#show) stays as the server wrote it until the engine is in
    if (served && !formatMoney && this.#unsaid(served)) await engine;
    if (started !== this.#starts) return;
    if (served) {
      this.#openQueue(); // its markup was inert until now: no change was made
      // the server's markup of the same checkout stays until the element's is whole (its region list
      // in), then is replaced in one step: what the buyer sees does not move
      this.#show(served);
      await this.#form.settled;
      await new Promise(idle); // the names put off until then (its currencies') are in too
      if (started !== this.#starts) return;
      this.#root.replaceChildren(...rootOf(this.#ui));
      if (this.#early) this.load(); // the page changed the checkout meanwhile (added an item, say)
    }
  }

  /**
   * The checkout `id` as the server that sent the page priced it, beside the
   * element's markup it rendered (./element/server.js): null when there is none.
   */
  #served(id) {
    try {
      const checkout = JSON.parse(this.querySelector(':scope > script[data-checkout]')?.textContent);
      return checkout.id === id ? checkout : null;
    } catch {
      return null; // none, or not JSON
    }
  }

  /** Takes the queue of the checkout shown; changes a closed page left are sent first, and were not priced here. */
  #openQueue() {
    const id = this.getAttribute('checkout-id');
    if (id) this.#client.open(id).then((kept) => { this.#unpriced ||= kept > 0; });
  }

  // an arrow, so that the parts are given it as it is
  #t = (key, ...args) => say(this.#words, key, ...args);

  /** Loads the checkout named by `checkout-id` again (`sent`: its request, already on its way). */
  load(sent) {
    this.#early ||= !this.#ui;
    return this.#load(sent, false);
  }

  /** `load`; with `keepSaid`, what the alert says stays (a refusal, said while the store's checkout comes back). */
  async #load(sent, keepSaid) {
    const id = this.getAttribute('checkout-id');
    if (!this.#ui) return;
    if (!id) return this.#show(null);
    if (!this.#checkout) this.#ui.skeleton.hidden = false;
    // waits for its key: setting it loads
    if (!this.getAttribute('publishable-key')) return;
    this.#ui.box.setAttribute('aria-busy', 'true');
    const shown = this.#shown;
    const n = ++this.#loads;
    try {
      const { checkout } = await (sent ?? this.#client.checkout('GET', id));
      // not over a newer answer (an older load's is not newer), nor over changes still waiting (but rather
      // than nothing: a closed tab's changes, sent first, are shown with their answer)
      if (id === this.getAttribute('checkout-id') && (shown === this.#shown || this.#by < n) && (!this.#client.pending || !this.#checkout)) {
        if (!keepSaid) this.#error('');
        this.#show(checkout);
        this.#by = n;
      }
    } catch (e) {
      if (!this.#fail(e, () => this.#load(undefined, keepSaid))) {
        this.#ui.skeleton.hidden = true;
        this.#ui.empty.hidden = !!this.#checkout;
      }
    } finally {
      this.#ui.box.removeAttribute('aria-busy');
    }
  }

  #build() {
    const t = this.#t;
    const ui = build({
      id: this.#id, t, locale: this.#locale, lang: this.#lang, ...this.#money,
      retry: () => this.#client.retry(),
      waits: (lineId) => this.#client.holds(`q${lineId}`),
      // the engine's while changes are on their way (its lines are newer than the worker's last); none: the worker's
      linePrice: (line) => {
        try {
          if (this.#client.pending && this.#live) return this.#money.amount(this.#live.linePrice(line.id));
        } catch { /* a line the engine does not know */ }
      },
      quantity: (lineId, n) => this.#setQuantity(lineId, n),
      remove: (lineId) => this.#removeLine(lineId),
      applyCoupon: () => this.#applyCoupon(),
      removeCoupon: () => this.#removeCoupon(),
      currency: (code) => this.#switchCurrency(code),
      edited: () => {
        if (this.#ui.alert.textContent === t('fix')) this.#error('');
        this.#save();
      },
      deliver: (code) => this.#send({ op: 'delivery', key: 'delivery', code }),
      submit: () => this.#placeOrder(),
    });
    this.#ui = ui;
    this.#cart = ui.cart;
    this.#form = ui.form;
    this.#pending(this.#waiting.count, this.#waiting.offline);
  }

  /** Says `message` at the field `name` (of the cart or the form); none: the field is fine. */
  #mark(name, message) {
    mark(this.#ui, name, message);
  }

  /** Sends the contact and address as they are now, in the buyer's language. */
  #save() {
    const details = this.#form.details();
    if (this.#checkout && this.#checkout.buyerLanguage !== this.#locale) details.buyerLanguage = this.#locale;
    this.#send({ op: 'details', key: 'details', details });
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

  /** Shows a failure: the worker unreachable keeps the page's state and tries `again` when it is back. */
  #fail(e, again) {
    if (e.code === 'NETWORK') {
      this.#client.whenOnline(again);
      return true;
    }
    this.#error(this.#say(e), e.code);
    return false;
  }

  /** The queue's count and state: said in the status line while the store cannot be reached, and told to the host. */
  #pending(count, offline) {
    const was = this.#waiting;
    this.#waiting = { count, offline };
    if (!this.#ui) return;
    this.#ui.banner.hidden = !offline;
    this.#ui.waiting.textContent = offline && count ? this.#t('waiting', count) : '';
    if (offline && !was.offline) this.#emit('error', { code: 'NETWORK', message: this.#t('offline') });
    if (count !== was.count || offline !== was.offline) this.#emit('pending', { count, offline });
  }

  /**
   * Shows a checkout as the worker sent it (before the engine is in, only one whose amounts the worker's
   * texts say; another once it is), and has the live checkout made again from its pricing input.
   */
  #show(checkout) {
    const ui = this.#ui;
    // before the engine, the worker's own texts of the amounts, when they are every amount shown here; else once it is in
    if (!formatMoney && this.#unsaid(checkout)) {
      const n = ++this.#shown;
      return engine.then(() => n === this.#shown && this.#show(checkout));
    }
    if (!formatMoney) said(checkout, (this.#texts = new Map()));
    this.#shown += 1;
    this.#client.saw(checkout);
    this.#checkout = checkout;
    this.#input = checkout?.pricingInput ? structuredClone(checkout.pricingInput) : null;
    this.#conv = checkout && checkout.conversionCurrency !== checkout.currency ? checkout.conversionCurrency : null;
    this.#engine?.free();
    // made once the page is idle, after this paint (or at the buyer's first edit, if sooner); the changes
    // made before it was in that still wait for the worker are priced with it then
    this.#engine = undefined;
    if (this.#input) engine.then(() => idle(() => this.#client.pending ? this.#local((e) => e.summary()) : this.#live));
    // a checkout with its order (its URL opened again, after the payment page, a reload, days later) is
    // not a cart any more: its confirmation, paid or awaiting payment
    const ordered = !this.#placed && (checkout?.order || checkout?.completed);
    const closed = this.#placed || !!ordered;
    if (!checkout) return showing(ui, 0, closed);
    const card = show(ui, checkout, { t: this.#t, locale: this.#locale, conv: this.#conv, closed });
    if (ordered) this.#confirmation(checkout, checkout.order ?? {}, true);
    this.#told(checkout.priceSummary, true);
    if (card) this.#error(card.message, card.code);
    else if (ui.alert.dataset.card) this.#error('');
    ui.alert.dataset.card = card ? '1' : '';
  }

  /** Whether `checkout` has an amount its worker's texts do not say as this element shows it (in its language, the store's currency, nothing negative). */
  #unsaid(checkout) {
    const [language] = this.#locale.toLowerCase().split('-');
    return !!checkout && (checkout.buyerLanguage.toLowerCase().split('-')[0] !== language
      || checkout.conversionCurrency !== checkout.currency || !isZero(checkout.priceSummary.discount.amount)
      || !isZero(checkout.giftCard?.amount ?? 0));
  }

  /** The live checkout (the engine's), made from the pricing input when first asked for; null when there is none. */
  get #live() {
    if (this.#engine === undefined && Checkout) {
      try {
        this.#engine = this.#input ? new Checkout(this.#input) : null;
      } catch {
        this.#engine = null; // the worker's totals stand alone
      }
    }
    return this.#engine;
  }

  /** The totals, from the worker (`final`) or the engine; each `{amount, convertedAmount?}`: shown, and told to the host. */
  #summary(s, giftCard, final) {
    this.#cart.summary(s, giftCard, this.#checkout, this.#conv);
    this.#told(s, final);
  }

  /** The totals `s` the buyer sees now: told to the host (`final`: the worker's). */
  #told(s, final) {
    const c = this.#checkout;
    this.#total = s.total.amount;
    const priceSummary = Object.fromEntries(Object.entries(s).map(([k, p]) => [k, { amount: p.amount, convertedAmount: p.convertedAmount }]));
    this.#emit('change', { checkoutId: c.id, currency: c.currency, conversionCurrency: c.conversionCurrency, priceSummary, final });
  }

  /** Prices an edit in the page now, and shows it: the totals, and each line's (only `lineId`'s when given, priced alone). */
  #local(edit, lineId) {
    const engine = this.#live;
    if (!engine) return; // none yet, or none for this checkout: the worker prices the edit
    const summary = edit(engine);
    const lines = lineId === undefined ? engine.pricing().lineItems : [{ id: lineId, lineItemPrice: engine.linePrice(lineId) }];
    for (const line of lines) {
      const row = this.#cart.row(line.id);
      if (row) row.total.textContent = this.#money.amount(line.lineItemPrice);
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
    this.#send({ op: 'quantity', key: `q${lineId}`, lineId, quantity });
  }

  #removeLine(lineId) {
    try {
      this.#local((engine) => engine.removeLine(lineId));
      this.#input.lineItems = this.#input.lineItems.filter((l) => l.id !== lineId);
    } catch { /* the worker decides */ }
    this.#cart.remove(lineId);
    this.#client.drop(`q${lineId}`); // its quantity need not be sent now
    this.#send({ op: 'remove', key: `r${lineId}`, lineId });
  }

  #removeCoupon() {
    this.#local((engine) => engine.removeCoupon());
    delete this.#input.coupons;
    this.#send({ op: 'removeCoupon', key: 'coupon' });
  }

  #applyCoupon() {
    const code = this.#cart.fields.couponCode.control.value.trim();
    if (!code) return;
    // the coupon's rules are the store's: only the worker can price a new one
    this.#mark('couponCode', '');
    this.#send({ op: 'coupon', key: 'coupon', code });
  }

  /** The buyer picks a currency: priced at once by the engine at the store's rate, then sent. */
  #switchCurrency(code) {
    const c = this.#checkout;
    const p = c.presentmentCurrencies?.find((x) => x.currency === code);
    if (p) this.#input.conversion = { currency: code, rate: p.rate };
    else delete this.#input.conversion;
    this.#conv = p ? code : null;
    this.#engine?.free();
    this.#engine = undefined;
    this.#local((engine) => engine.summary());
    this.#form.showOptions(c);
    this.#send({ op: 'currency', key: 'currency', code });
  }

  /** A change the buyer made (priced in the page already where the engine can): into the queue. */
  #send(change) {
    this.#edits += 1;
    if (this.#asked) this.#unask();
    this.#client.add(change);
  }

  /**
   * The worker's answer to a change. What it says of the change itself is
   * shown at once (a quantity lowered to the stock left, on its line; a code
   * applied); the checkout is shown once nothing else waits, since a later
   * answer holds every change before it. Where the page priced every change
   * since the last answer shown and the worker's total differs (stock, a
   * price changed meanwhile), the worker wins and the element says so; a
   * checkout changed elsewhere meanwhile is said too.
   */
  #answered(change, checkout, last, merged) {
    const row = change.op === 'quantity' && this.#cart.row(change.lineId);
    if (row && !this.#client.holds(change.key)) {
      const given = checkout.lineItems.find((l) => l.id === change.lineId)?.quantity;
      row.lowered = given !== undefined && given < change.quantity ? given : null;
    }
    const field = this.#cart.fields.couponCode.control;
    if (change.op === 'coupon' && field.value.trim() === change.code) field.value = ''; // applied: a refused code is refused
    this.#unpriced ||= !['quantity', 'remove', 'removeCoupon', 'currency'].includes(change.op);
    if (!last) return;
    const mine = this.#unpriced ? undefined : this.#engine?.summary().priceSummary.total;
    this.#by = Infinity; // no load asked before this answer is newer
    this.#show(checkout);
    const theirs = checkout.priceSummary.total;
    const differs = mine !== undefined && mine.amount !== theirs.amount;
    this.#cart.reconciled(merged ? this.#t('merged') : differs ? this.#t('updated', this.#money.price(theirs), this.#money.price(mine)) : '');
    this.#unpriced = false;
  }

  /** The worker refused a change: a code is said at its field; anything else is said, and the worker's checkout shown. */
  #refused(change, e) {
    if (change.op === 'coupon') return this.#mark('couponCode', this.#say(e));
    this.#error(this.#say(e), e.code);
    // the store's checkout again, the refusal still said until the buyer's next change
    if (!this.#client.pending) this.#load(undefined, true);
  }

  async #placeOrder() {
    const first = this.#form.invalid(this.#checkout);
    if (first) {
      this.#error(this.#t('fix'));
      first.focus();
      return;
    }
    if (!this.#checkout?.id) return;
    this.#submit('placing', true);
    this.#save();
    const total = this.#total;
    this.#asked = { edits: this.#edits, total: null };
    const sent = await this.#client.settle();
    if (!this.#asked) return; // the buyer changed something meanwhile
    if (sent) return this.#resume();
    // the store cannot be reached: the order waits for the queue, and is placed
    // then only if the buyer changed nothing and the total is the one they saw
    this.#asked.total = total;
    this.#submit('orderWaits', false);
    this.#client.whenOnline(this.#resumeOrder);
  }

  /** The order the buyer asked for, once what waited is answered: placed only if nothing changed since they asked. */
  #resume() {
    const asked = this.#asked;
    if (!asked || this.#client.pending) return;
    const total = this.#checkout?.priceSummary.total.amount;
    if (asked.edits !== this.#edits || (asked.total !== null && asked.total !== total)) return this.#unask(true);
    this.#order();
  }

  /** The buyer changed something after asking for the order (`said`: the store did): they are asked again. */
  #unask(said) {
    this.#asked = null;
    this.#submit('place', false);
    if (said) this.#error(this.#t('askAgain'));
  }

  #submit(word, busy) {
    const submit = this.#form.submit;
    submit.disabled = busy;
    submit.textContent = this.#t(word);
  }

  async #order() {
    if (this.#ordering) return;
    this.#ordering = true;
    const id = this.#checkout.id;
    this.#submit('placing', true);
    // one key per order attempt: a try again after a lost answer gets the same order
    this.#orderKey ??= crypto.randomUUID();
    let placed;
    let refused;
    try {
      placed = await this.#client.checkout('POST', id, '/create-order', {}, this.#orderKey);
    } catch (e) {
      refused = e;
    } finally {
      this.#ordering = false;
    }
    if (refused?.code === 'NETWORK') {
      this.#submit('orderWaits', false);
      this.#client.whenOnline(this.#resumeOrder);
      return;
    }
    // answered, one way or the other: the next attempt is a new one
    this.#orderKey = null;
    this.#asked = null;
    this.#submit('place', false);
    if (!refused) return this.#confirm(placed);
    const reasons = refused.violations?.map((v) => this.#t(v.code) ?? v.description).join(' ');
    this.#error(reasons ? this.#t('notReady', reasons) : this.#say(refused), refused.code);
  }

  #confirm({ orderId, orderNumber, paymentGatewayOrderId }) {
    this.#confirmation(this.#checkout, { id: orderId, number: orderNumber, paymentGatewayOrderId }, false);
    this.#ui.body.hidden = true;
    this.#placed = true;
    this.#error('');
    this.#ui.done.querySelector('h2').focus();
  }

  /**
   * The order's confirmation (./element/view.js), and while money is due the payment hand-off
   * (`order-created`; `resumed` when the checkout was opened again with its order).
   */
  #confirmation(c, { id, number, paymentGatewayOrderId }, resumed) {
    const owed = confirm(this.#ui, c, { id, number }, { t: this.#t, price: this.#money.price, resumed });
    // handed off once per order and page, however often the checkout is read again
    if ((owed || !resumed) && this.#handedOff !== (id ?? c.id)) {
      this.#handedOff = id ?? c.id;
      this.#emit('order-created', { orderId: id, orderNumber: number, checkoutId: c.id, paymentGatewayOrderId,
        payNow: { amount: c.payNow.total.amount, currency: c.currency }, ...(resumed ? { resumed } : {}) });
    }
  }
}

if (!customElements.get('edge-checkout')) customElements.define('edge-checkout', EdgeCheckoutElement);
