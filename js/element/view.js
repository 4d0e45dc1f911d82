// The element's blocks, and a checkout shown in them: one code for the page
// (../element.js, which then keeps them live) and for a server that sends
// the checkout page priced (./server.js, in a document of ./markup.js).
import { el, isZero } from './dom.js';
import { RIGHT_TO_LEFT } from './messages.js';
import { STYLES } from './style.js';
import { Cart } from './cart.js';
import { Form } from './form.js';

/**
 * The element's amounts as text. `format(amount, currency)`: the core's
 * formatting in the buyer's language; `now()`: `{currency, conv, convert}`,
 * the checkout's currency, the buyer's when they chose another, and the
 * engine's conversion to it.
 */
export function amounts(format, now) {
  const fmt = (amount, currency, negative) => {
    const text = String(amount);
    return format(negative && !isZero(text) ? `-${text}` : text, currency);
  };
  // a price as the worker or the engine gives it: in the buyer's currency when converted
  const price = (p, negative) => {
    const { currency, conv } = now();
    return conv && p.convertedAmount != null ? fmt(p.convertedAmount, conv, negative) : fmt(p.amount, currency, negative);
  };
  // an amount of the store's currency, converted by the engine when the buyer chose a currency
  const amount = (a, negative) => {
    const { conv, convert } = now();
    return price({ amount: a, convertedAmount: conv ? convert?.(a) : undefined }, negative);
  };
  return { fmt, price, amount };
}

/**
 * The element's blocks: `{cart, form, alert, banner, waiting, skeleton,
 * empty, body, done, box}`, `box` holding the others. `host`: `{id, t,
 * locale, lang, fmt, price, amount}` (./cart.js's and ./form.js's host, less
 * what a buyer's action calls, which a page adds: those and `retry`).
 */
export function build(host) {
  const { t, locale, lang } = host;
  const cart = new Cart(host);
  const form = new Form({ ...host, cost: (o) => (isZero(o.cost.price.amount) ? t('free') : host.amount(o.cost.price.amount)) });
  const ui = { cart, form };
  ui.alert = el('p', { className: 'alert', role: 'alert', part: 'alert' });
  ui.banner = el('div', { className: 'banner', part: 'banner', hidden: true },
    el('p', {}, t('offline')), el('button', { type: 'button', onclick: () => host.retry() }, t('retry')));
  ui.waiting = el('p', { className: 'muted', role: 'status', part: 'pending' });
  ui.skeleton = el('div', { className: 'skeleton', part: 'skeleton' }, el('p', { className: 'vh' }, t('loading')), el('div'), el('div'), el('div'));
  ui.empty = el('p', { className: 'muted', hidden: true }, t('empty'));
  ui.done = el('section', { className: 'done', part: 'confirmation', hidden: true, dataset: { orderId: '' } });
  ui.body = el('div', { className: 'body', hidden: true }, cart.node, form.node);
  ui.box = el('div', { className: 'ec', part: 'container', lang: locale, dir: RIGHT_TO_LEFT.has(lang) ? 'rtl' : 'ltr' },
    ui.banner, ui.waiting, ui.skeleton, ui.empty, ui.body, ui.done, ui.alert);
  return ui;
}

/** The element's shadow root: its styles and its blocks. */
export const rootOf = (ui) => [el('style', {}, STYLES), ui.box];

/** Says `message` at the field `name` (of the cart or the form); none: the field is fine. */
export function mark(ui, name, message) {
  ui.cart.mark(name, message);
  ui.form.mark(name, message);
}

/** Which block shows: the cart of `lines` lines, the empty note, or (`closed`) the confirmation. */
export function showing(ui, lines, closed) {
  ui.skeleton.hidden = true;
  ui.empty.hidden = closed || lines > 0;
  ui.body.hidden = closed || !lines;
  ui.done.hidden = !closed;
}

/**
 * Shows `checkout` as the worker sent it (`conv`: the buyer's currency when
 * not the store's): the cart or the empty note (`closed`: neither, its
 * confirmation), the lines, the totals, the code, the currencies, the
 * delivery options, the details the buyer has not typed, and the
 * checkout's own issues at their fields. Returns the gift card's issue, for
 * the caller to say.
 */
export function show(ui, checkout, { t, locale, conv, closed }) {
  const lines = checkout.lineItems ?? [];
  showing(ui, lines.length, closed);
  ui.cart.show(lines);
  ui.cart.summary(checkout.priceSummary, checkout.giftCard?.amount, checkout, conv);
  const coupon = ui.cart.showCoupon(checkout);
  ui.cart.showCurrencies(checkout, locale);
  ui.form.showOptions(checkout);
  ui.form.fill(checkout);
  // what the buyer was told otherwise stays until it is fixed
  const issues = checkout.calculationErrors ?? {};
  const text = (d) => d && (t(d.applicationError.code) ?? d.applicationError.description);
  const couponIssue = text(issues.couponCalculationError);
  if (couponIssue || coupon) mark(ui, 'couponCode', couponIssue ?? '');
  const deliveryIssue = text(issues.selectedShippingOptionError);
  if (deliveryIssue || checkout.shippingInfo?.selectedCarrierServiceOption) mark(ui, 'delivery', deliveryIssue ?? '');
  const card = issues.giftCardCalculationError;
  return card && { code: card.applicationError.code, message: text(card) };
}

/**
 * The order's confirmation in `ui.done`: its number, the amount paid or to
 * pay, where the confirmation goes, and while money is due that payment
 * comes next; a checkout opened again (`resumed`) says first whether it is
 * paid. `order`: `{id, number}`. Returns whether money is due.
 */
export function confirm(ui, checkout, order, { t, price, resumed }) {
  const due = checkout.payNow.total;
  const paid = checkout.completed;
  const owed = !paid && !isZero(due.amount);
  const heading = el('h2', { tabIndex: -1 }, t(resumed ? (paid ? 'CHECKOUT_ALREADY_PAID' : 'CHECKOUT_PAYMENT_ALREADY_IN_PROGRESS') : 'thanks'));
  // (a null given to replaceChildren would be the text "null")
  ui.done.replaceChildren(...[heading,
    order.id || order.number ? el('p', {}, t('number', order.number ?? order.id)) : null,
    el('p', { dataset: { amount: due.amount } }, t(owed ? 'toPay' : 'paid', price(due))),
    checkout.buyerInfo?.email ? el('p', {}, t('sentTo', checkout.buyerInfo.email)) : null,
    owed ? el('p', { className: 'muted' }, t('payNext')) : null].filter(Boolean));
  ui.done.dataset.orderId = order.id ?? '';
  ui.done.hidden = false;
  return owed;
}
