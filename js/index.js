// The package's entry for browsers and bundlers: loads the WebAssembly module
// next to this file once, then exposes the engine.
import init, { priceJson, priceCompact, compactInput, Checkout, currencyDigits, formatMoney as formatInCore } from '../pkg/checkout_wasm.js';
import { makeConvertMoney, makeFormatMoney } from './format.js';
import { makePrice } from './compact.js';

const { memory } = await init({ module_or_path: new URL('../pkg/checkout_wasm_bg.wasm', import.meta.url) });

export const price = makePrice(memory, { priceJson, priceCompact, compactInput });
export { Checkout, currencyDigits };
export const formatMoney = makeFormatMoney(formatInCore);
export const convertMoney = makeConvertMoney(Checkout);
