// Money formatting in the buyer's language with the currency's minor units:
// the core's table (through the WebAssembly module), so that the text is the
// worker's `formattedAmount` to the byte. `amount` is the decimal string the
// engine returns (a leading `-` for a negative amount).

/**
 * `amount` of `currency` in the buyer's currency of `conversion` (`{currency,
 * rate}`, as a pricing input has it), by the core's rule: what a `Checkout`
 * of that input's `convert(amount)` answers.
 */
export function makeConvertMoney(Checkout) {
  return function convertMoney(amount, currency, conversion) {
    const engine = new Checkout({ currency, lineItems: [], conversion });
    try {
      return engine.convert(String(amount));
    } finally {
      engine.free();
    }
  };
}

export function makeFormatMoney(formatInCore) {
  return function formatMoney(amount, currency, locale) {
    const lang = locale ?? globalThis.navigator?.language ?? 'en';
    return formatInCore(String(amount), currency, lang);
  };
}
