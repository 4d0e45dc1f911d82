// Money formatting in the buyer's language with the currency's minor units:
// the core's table (through the WebAssembly module), so that the text is the
// worker's `formattedAmount` to the byte. `amount` is the decimal string the
// engine returns (a leading `-` for a negative amount).

export function makeFormatMoney(formatInCore) {
  return function formatMoney(amount, currency, locale) {
    const lang = locale ?? globalThis.navigator?.language ?? 'en';
    return formatInCore(String(amount), currency, lang);
  };
}
