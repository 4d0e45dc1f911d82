// The element's words in English, and where the other languages it speaks
// are (./i18n/<lang>.js, the same keys). `{0}` and `{1}` are filled
// in by `say()`. Codes of the worker's errors and calculation errors have
// their own message; any other error shows the worker's own text.

export const en = {
  cart: 'Your cart', loading: 'Loading your cart…', empty: 'Your cart is empty.', qty: 'Quantity', remove: 'Remove',
  removeItem: 'Remove {0}', only: 'Only {0} left', soldOut: 'Out of stock', code: 'Discount code', apply: 'Apply',
  applied: 'Code {0} applied', removeCode: 'Remove code {0}', currency: 'Currency', charged: 'You will be charged {0}.',
  contact: 'Contact', email: 'Email', phone: 'Phone (optional)', shipTo: 'Shipping address', country: 'Country or region',
  firstName: 'First name', lastName: 'Last name', address1: 'Address', address2: 'Apartment, suite, etc. (optional)',
  city: 'City', state: 'State', province: 'Province', prefecture: 'Prefecture', region: 'Region (optional)',
  choose: 'Choose…', postal: 'Postal code', zip: 'ZIP code', delivery: 'Delivery', free: 'Free',
  subtotal: 'Subtotal', discount: 'Discount', shipping: 'Shipping', tax: 'Tax', inclTax: 'Incl. tax', fees: 'Fees',
  giftCard: 'Gift card', total: 'Total', notYet: '—', place: 'Place order', placing: 'Placing your order…',
  required: 'Fill in this field.', badEmail: 'Enter an email address, as name@example.com.',
  badPostal: 'Enter a postal code, as {0}.', pickDelivery: 'Choose a delivery option.', fix: 'Check the fields marked above.',
  offline: 'The store cannot be reached. Your totals here are still exact; your changes are sent when it answers.',
  retry: 'Try again', updated: 'The store updated your cart: the total is {0}, not {1}.',
  thanks: 'Thank you! Your order is placed.', number: 'Order number {0}', paid: 'Paid: {0}', toPay: 'To pay: {0}',
  sentTo: 'A confirmation goes to {0}.', payNext: 'Continue to payment to complete your order.', notReady: 'Your order cannot be placed yet: {0}',
  failed: 'Something went wrong. Try again.',
  ERROR_COUPON_DOES_NOT_EXIST: 'This code does not exist.', ERROR_COUPON_HAS_EXPIRED: 'This code has expired.',
  ERROR_COUPON_USAGE_EXCEEDED: 'This code has been used up.', COUPON_MINIMUM_SUBTOTAL_NOT_MET: 'Add more to your cart to use this code.',
  COUPON_NOT_APPLICABLE: 'This code does not apply to your items.',
  NOT_FOUND: 'This cart cannot be found; it may have expired.', CHECKOUT_ALREADY_PAID: 'This order is placed and paid already.',
  CHECKOUT_PAYMENT_ALREADY_IN_PROGRESS: 'This order is placed already and awaits payment.',
  SELECTED_CARRIER_SERVICE_OPTION_NO_LONGER_AVAILABLE: 'The delivery option you chose is not available for this address.',
};

export const LANGUAGES = ['en', 'de', 'fr', 'es', 'ja', 'ar', 'he'];
export const RIGHT_TO_LEFT = new Set(['ar', 'he']);

/** The language the element speaks for a BCP 47 tag: its language subtag if known, else `en`. */
export function languageOf(tag) {
  const lang = String(tag ?? '').toLowerCase().split(/[-_]/)[0];
  return lang === 'iw' ? 'he' : LANGUAGES.includes(lang) ? lang : 'en';
}

/** The messages of `lang` (loaded on first use: a page fetches only its buyer's language). */
export async function messagesOf(lang) {
  return lang === 'en' ? en : { ...en, ...(await import(`./i18n/${lang}.js`)).default };
}

/** `key`'s message in `words` (from messagesOf), `{0}` and `{1}` filled in; null when it has none. */
export function say(words, key, ...args) {
  const text = words[key];
  return text === undefined ? null : text.replace(/\{(\d)\}/g, (_, i) => args[i]);
}
