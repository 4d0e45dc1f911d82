// Money formatting in the buyer's language with the currency's minor units.
// `amount` is the decimal string the engine returns; Intl formats the string
// itself, so no digit is lost to a float on the way.

export function makeFormatMoney(currencyDigits) {
  const cache = new Map();
  return function formatMoney(amount, currency, locale) {
    const lang = locale ?? globalThis.navigator?.language ?? 'en-US';
    const key = `${lang}|${currency}`;
    let format = cache.get(key);
    if (!format) {
      const digits = currencyDigits(currency);
      if (digits === undefined) {
        const err = new Error(`unsupported currency ${currency}`);
        err.code = 'UNSUPPORTED_CURRENCY';
        err.field = 'currency';
        throw err;
      }
      format = new Intl.NumberFormat(lang, {
        style: 'currency',
        currency,
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      });
      cache.set(key, format);
    }
    return format.format(amount);
  };
}
