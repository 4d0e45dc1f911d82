// The buyer's details: contact, shipping address and delivery, built from
// one table of fields (FIELDS). A field is one row there: its name, its
// word, the group and line it sits in, its control's properties (type,
// autocomplete token, required), where its value lives in the checkout, and
// its check. The region field follows the country: its list, its word and
// whether it is required (./places.js).
import { el, field, idle, mark, online, place } from './dom.js';
import { countryName, countryNames, regionsOf, regionWord, postalRule } from './places.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const shipping = (token, required) => ({ autocomplete: `shipping ${token}`, required });

/**
 * Every field of the form, in order. `at`: where its value lives in the
 * checkout (`buyer`: buyerInfo, `contact`: the contact details, `address`:
 * the address); `row`: the line of fields it sits in; `check(value,
 * country)`: the message (a key and its argument) when the value is wrong.
 */
export const FIELDS = [
  { name: 'email', word: 'email', group: 'contact', at: 'buyer',
    props: { type: 'email', autocomplete: 'email', required: true, inputMode: 'email', spellcheck: false },
    check: (value) => (EMAIL.test(value) ? null : ['badEmail']) },
  { name: 'phone', word: 'phone', group: 'contact', at: 'contact', props: { type: 'tel', autocomplete: 'tel' } },
  { name: 'country', word: 'country', group: 'shipTo', at: 'address', tag: 'select', props: shipping('country', true) },
  { name: 'firstName', word: 'firstName', group: 'shipTo', row: 'names', at: 'contact', props: shipping('given-name', true) },
  { name: 'lastName', word: 'lastName', group: 'shipTo', row: 'names', at: 'contact', props: shipping('family-name', true) },
  { name: 'addressLine', word: 'address1', group: 'shipTo', at: 'address', props: shipping('address-line1', true) },
  { name: 'addressLine2', word: 'address2', group: 'shipTo', at: 'address', props: shipping('address-line2') },
  { name: 'city', word: 'city', group: 'shipTo', row: 'place', at: 'address', props: shipping('address-level2', true) },
  { name: 'subdivision', word: 'region', group: 'shipTo', row: 'place', at: 'address', region: true },
  { name: 'postalCode', word: 'postal', group: 'shipTo', row: 'place', at: 'address', props: shipping('postal-code'),
    check: (value, country) => {
      const rule = postalRule(country);
      return rule && !rule[0].test(value) ? ['badPostal', rule[1]] : null;
    } },
];

export class Form {
  #host;
  #regionAsked = 0;
  /** name: its field (`{box, control, label, error}`); `delivery` has an error only. */
  fields = {};

  /**
   * `host`: `{id, t(key, …args), locale, lang, edited(), deliver(code), submit(), cost(option)}`:
   * `edited` when the buyer changed a detail, `deliver` when they chose a delivery option.
   */
  constructor(host) {
    this.#host = host;
    const { id, t } = host;
    const groups = {};
    const rows = {};
    for (const f of FIELDS) {
      const box = f.region ? el('div', { className: 'field', part: 'field' }) : this.#make(f);
      if (f.region) this.fields[f.name] = { box };
      const group = (groups[f.group] ??= el('fieldset', {}, el('legend', {}, t(f.group))));
      if (!f.row) group.append(box);
      else (rows[f.row] ??= group.appendChild(el('div', { className: f.row }))).append(box);
    }
    this.options = el('div', { className: 'options' });
    const error = el('p', { id: `${id}-delivery-e`, className: 'error', part: 'error' });
    this.fields.delivery = { error };
    this.delivery = el('fieldset', { part: 'delivery', hidden: true, 'aria-describedby': error.id },
      el('legend', {}, t('delivery')), this.options, error);
    this.submit = el('button', { type: 'submit', className: 'submit', part: 'place-order', dataset: { action: 'place-order' } }, t('place'));
    this.node = el('form', { className: 'panel', part: 'form', noValidate: true,
      onsubmit: (e) => { e.preventDefault(); host.submit(); }, onchange: (e) => this.#edited(e.target) },
    ...Object.values(groups), this.delivery, this.submit);
    // every country by name once the page is idle (the first render shows the one chosen)
    const countries = this.fields.country.control;
    countries.append(el('option', { value: '' }, t('choose')));
    const names = () => {
      // not on a server (which sends the one chosen); in a page, also a form the served markup still hides
      if (!globalThis.document) return;
      const chosen = countries.value;
      countries.replaceChildren(el('option', { value: '' }, t('choose')),
        ...countryNames(host.locale).map(([code, name]) => el('option', { value: code }, name)));
      countries.value = chosen;
    };
    // and the locale's country, which a checkout that names its own does not need
    this.settled = new Promise(idle).then(() => {
      names();
      return this.#regionAsked ? this.settled : this.region(this.#defaultCountry());
    });
  }

  #make(f, word = f.word, props = f.props, tag = f.tag, ...children) {
    const made = field(`${this.#host.id}-${f.name}`, f.name, this.#host.t(word), props, tag, ...children);
    this.fields[f.name] = made;
    return made.box;
  }

  /** The value of a field, trimmed; undefined when empty. */
  value(name) {
    return this.fields[name]?.control?.value.trim() || undefined;
  }

  /** The buyer's country as the locale suggests ("en-CA": CA), until the checkout has one. */
  #defaultCountry() {
    try {
      return new Intl.Locale(this.#host.locale).maximize().region ?? '';
    } catch {
      return '';
    }
  }

  /**
   * Sets the country, and the region and postal code fields to its rules (its
   * region list fetched first); `settled` is the latest of these.
   */
  region(country, subdivision = '') {
    this.settled = this.#region(country, subdivision);
    return this.settled;
  }

  async #region(country, subdivision) {
    const { t, lang, locale } = this.#host;
    const countries = this.fields.country.control;
    if (country && !countries.querySelector(`option[value="${country}"]`)) {
      countries.append(el('option', { value: country }, countryName(country, locale)));
    }
    countries.value = country;
    const asked = ++this.#regionAsked;
    let regions = null;
    try {
      regions = await regionsOf(country, lang);
    } catch {
      // its list could not be fetched (the network is gone): a text field meanwhile, the list once it is back
      online(() => {
        if (asked === this.#regionAsked) this.region(country, this.value('subdivision') ?? '');
      });
    }
    if (asked !== this.#regionAsked) return; // the buyer chose again meanwhile
    const old = this.fields.subdivision.box;
    const options = regions ? [el('option', { value: '' }, t('choose')), ...regions.map(([code, name]) => el('option', { value: code }, name))] : [];
    const f = FIELDS.find((x) => x.region);
    const box = this.#make(f, regions ? regionWord(country) : f.word,
      { autocomplete: 'shipping address-level1', required: !!regions && country !== 'DE' }, regions ? 'select' : 'input', ...options);
    this.fields.subdivision.control.value = subdivision;
    old.replaceWith(box);
    const postal = this.fields.postalCode;
    postal.control.required = !!postalRule(country);
    postal.label.textContent = t(country === 'US' ? 'zip' : 'postal');
    for (const name of ['subdivision', 'postalCode']) this.mark(name, '');
  }

  mark(name, message) {
    if (this.fields[name]?.error) mark(this.fields[name], message);
  }

  /** Checks a field as the buyer left it (`all`: also an empty required one); true when it is fine. */
  check(name, all) {
    const control = this.fields[name]?.control;
    if (!control) return true;
    const value = control.value.trim();
    let wrong = null;
    if (!value) wrong = control.required && all ? ['required'] : null;
    else wrong = FIELDS.find((f) => f.name === name).check?.(value, this.fields.country.control.value) ?? null;
    this.mark(name, wrong ? this.#host.t(...wrong) : '');
    return !wrong;
  }

  /** Checks every field and the delivery of `checkout`: the first control to fix, or null. */
  invalid(checkout) {
    let first = null;
    for (const { name } of FIELDS) {
      if (!this.check(name, true)) first ??= this.fields[name].control;
    }
    if (this.showOptions(checkout).length && !checkout?.shippingInfo?.selectedCarrierServiceOption) {
      this.mark('delivery', this.#host.t('pickDelivery'));
      first ??= this.options.querySelector('input');
    }
    return first;
  }

  #edited(target) {
    const name = target.name;
    if (!FIELDS.some((f) => f.name === name)) return;
    if (name === 'country') this.region(target.value);
    this.check(name, false);
    this.#host.edited();
  }

  /** The details as they are now, as a checkout update (an email only once it is one). */
  details() {
    const at = { buyer: {}, contact: {}, address: {} };
    for (const f of FIELDS) at[f.at][f.name] = this.value(f.name);
    const checkout = { billingInfo: { address: at.address, contactDetails: at.contact },
      shippingInfo: { shippingDestination: { address: at.address, contactDetails: at.contact } } };
    if (at.buyer.email && EMAIL.test(at.buyer.email)) checkout.buyerInfo = at.buyer;
    return checkout;
  }

  /** Fills the fields the buyer has left empty (and is not in) from `checkout`. */
  fill(checkout) {
    const address = checkout.shippingInfo?.shippingDestination?.address ?? checkout.billingInfo?.address ?? {};
    const at = {
      buyer: checkout.buyerInfo ?? {},
      contact: checkout.shippingInfo?.shippingDestination?.contactDetails ?? checkout.billingInfo?.contactDetails ?? {},
      address,
    };
    const active = this.node.getRootNode().activeElement;
    const country = this.fields.country.control;
    // the region field is made once the country's list is in: until then, it is given the checkout's
    if (address.country && active !== country && (address.country !== country.value || !this.fields.subdivision.control)) {
      this.region(address.country, address.subdivision ?? '');
    }
    for (const f of FIELDS) {
      const control = this.fields[f.name].control;
      const value = at[f.at][f.name];
      if (value && control && !control.value && active !== control) control.value = value;
    }
  }

  /** The delivery options of `checkout`, as radio buttons; returns them. */
  showOptions(checkout) {
    const { id, deliver, cost } = this.#host;
    const info = checkout?.shippingInfo;
    const options = info?.carrierServiceOptions?.[0]?.shippingOptions ?? [];
    const selected = info?.selectedCarrierServiceOption?.code;
    this.delivery.hidden = options.length === 0;
    // an option's row is kept while the option is offered: an answer never takes away the radio the buyer is on
    const had = new Map([...this.options.children].map((row) => [row.children[0].value, row]));
    const rows = options.map((o) => {
      const oid = `${id}-ship-${o.code}`;
      const row = had.get(o.code) ?? el('div', { className: 'option' }, el('input', { type: 'radio', name: 'delivery', value: o.code, id: oid,
        part: 'input', onchange: () => deliver(o.code) }), el('label'));
      row.children[0].checked = o.code === selected;
      row.children[1].replaceWith(el('label', { htmlFor: oid },
        el('span', {}, o.title, o.logistics?.deliveryTime ? el('span', { className: 'muted' }, ` · ${o.logistics.deliveryTime}`) : null),
        el('span', { className: 'cost' }, cost(o))));
      return row;
    });
    place(this.options, rows);
    return options;
  }
}
